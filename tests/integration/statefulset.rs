//! The StatefulSet controller against Kubernetes' rules (pkg/controller/statefulset), on the
//! bundled scenarios/statefulset.yaml.

use super::support::{block, root, run_file};

#[test]
fn the_bundled_statefulset_lab_starts_in_order_scales_down_in_reverse_and_updates_above_the_partition()
 {
    let r = run_file(&root().join("scenarios/statefulset.yaml"), &[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("FAIL"), "{}", r.stdout);
    // recordPodEvent (stateful_pod_control.go): `create Pod web-0 in StatefulSet web
    // successful`; OrderedReady creates 0, 1, 2 in order, scale-down deletes web-2, the
    // partition-1 rolling update deletes and recreates web-1 only.
    let msgs: Vec<String> = r
        .events()
        .into_iter()
        .filter(|e| e[3] == "statefulset" && e[4] == "web")
        .map(|e| format!("{} {}", e[6], e[8]))
        .collect();
    assert_eq!(
        msgs,
        [
            "SuccessfulCreate create Pod web-0 in StatefulSet web successful",
            "SuccessfulCreate create Pod web-1 in StatefulSet web successful",
            "SuccessfulCreate create Pod web-2 in StatefulSet web successful",
            "SuccessfulDelete delete Pod web-2 in StatefulSet web successful",
            "SuccessfulDelete delete Pod web-1 in StatefulSet web successful",
            "SuccessfulCreate create Pod web-1 in StatefulSet web successful",
        ]
    );
    let t = r.file("transcript.txt");
    // printStatefulSet: NAME READY AGE; -o wide adds CONTAINERS IMAGES.
    let b = block(&t, "kubectl get sts web");
    assert_eq!(
        b[0].split_whitespace().collect::<Vec<_>>(),
        ["NAME", "READY", "AGE"]
    );
    assert_eq!(
        b[1].split_whitespace().take(2).collect::<Vec<_>>(),
        ["web", "3/3"]
    );
    let w = block(&t, "kubectl get sts web -o wide");
    assert_eq!(
        w[1].split_whitespace().collect::<Vec<_>>()[3..],
        ["nginx", "nginx:1.28"]
    );
}
