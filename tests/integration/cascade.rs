//! kubectl delete with background, foreground and orphan propagation (facts B.7), and
//! kubectl waiting until the object is gone (CONTRACT §2).

use super::support::{run_yaml, scenario};

fn with_delete(cascade: &str) -> String {
    scenario(
        "cascade",
        "3m",
        2,
        &format!(
            "steps:\n- at: 1s\n  apply: |\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {{name: web}}\n    spec:\n      replicas: 3\n      selector: {{matchLabels: {{app: web}}}}\n      template:\n        metadata: {{labels: {{app: web}}}}\n        spec: {{containers: [{{name: c, image: \"nginx:1.25\"}}]}}\n- at: 60s\n  run: kubectl delete deployment web{cascade}\n- at: 150s\n  run: kubectl get pods\n"
        ),
    )
}

/// Last `exists` value and its time per (kind, name).
fn last_exists(r: &super::support::Run, kind: &str, prefix: &str) -> Vec<(String, f64, String)> {
    let mut v: Vec<(String, f64, String)> = Vec::new();
    for row in r.timeline() {
        if row[2] == kind && row[3].starts_with(prefix) && row[4] == "exists" {
            let t: f64 = row[0].parse().unwrap_or(0.0);
            v.retain(|(n, _, _)| *n != row[3]);
            v.push((row[3].clone(), t, row[5].clone()));
        }
    }
    v
}

#[test]
fn background_deletion_removes_the_replicaset_and_its_pods() {
    let r = run_yaml(&with_delete(""), &[], &["--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = r.file("transcript.txt");
    assert!(
        t.contains("deployment.apps \"web\" deleted from default namespace"),
        "{t}"
    );
    assert!(
        t.contains("No resources found in default namespace."),
        "{t}"
    );
    for (name, _, v) in last_exists(&r, "replicaset", "web-")
        .into_iter()
        .chain(last_exists(&r, "pod", "web-"))
    {
        assert_eq!(v, "0", "{name} is gone");
    }
    // The GC emits no events on cascading deletion; the kubelet stops each container.
    assert_eq!(r.events().iter().filter(|e| e[6] == "Killing").count(), 3);
}

#[test]
fn orphan_deletion_keeps_the_pods() {
    let r = run_yaml(&with_delete(" --cascade=orphan"), &[], &["--quiet"]);
    let pods = last_exists(&r, "pod", "web-");
    assert_eq!(pods.len(), 3);
    assert!(pods.iter().all(|(_, _, v)| v == "1"), "{pods:?}");
    let dep = last_exists(&r, "deployment", "web");
    assert_eq!(dep[0].2, "0");
}

#[test]
fn foreground_deletion_removes_the_owner_after_its_dependents() {
    let r = run_yaml(&with_delete(" --cascade=foreground"), &[], &["--quiet"]);
    let pods = last_exists(&r, "pod", "web-");
    let dep = last_exists(&r, "deployment", "web");
    assert_eq!(dep[0].2, "0");
    let last_pod_gone = pods.iter().map(|p| p.1).fold(0.0, f64::max);
    assert!(pods.iter().all(|(_, _, v)| v == "0"));
    assert!(
        dep[0].1 >= last_pod_gone,
        "deployment gone at {} before its last pod at {last_pod_gone}",
        dep[0].1
    );
}
