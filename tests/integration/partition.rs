//! The bundled scenarios/node-partition.yaml: vmss000001 cannot reach the API server from
//! 60 s to 450 s. The control plane treats it as lost (node_lifecycle_controller.go
//! tryUpdateNodeHealth, then taint_eviction.go after the 300 s DefaultTolerationSeconds),
//! but only its kubelet can end the pod: the deleted pod stays Terminating until the heal,
//! when the kubelet re-lists, kills it within its grace period and deletes it
//! (status_manager.go syncPod), beside the replacement its ReplicaSet started elsewhere.

use super::support::{root, run_file, seconds};

const NODE: &str = "aks-nodepool1-46262649-vmss000001";
const HEAL: f64 = 450.0;

#[test]
fn a_partitioned_nodes_pod_runs_beside_its_replacement_until_the_heal_kills_it() {
    let r = run_file(
        &root().join("scenarios/node-partition.yaml"),
        &["--check-invariants", "--quiet"],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let events = r.events();
    let find = |kind: &str, name: &dyn Fn(&str) -> bool, reason: &str| {
        events
            .iter()
            .filter(|e| e[3] == kind && name(&e[4]) && e[6] == reason)
            .collect::<Vec<_>>()
    };
    let web = |n: &str| n.starts_with("web-");
    let not_ready = seconds(&find("node", &|n| n == NODE, "NodeNotReady")[0][0]);
    let evicted = find("pod", &web, "TaintManagerEviction");
    assert_eq!(evicted.len(), 1, "{events:#?}");
    let (victim, evicted_at) = (evicted[0][4].clone(), seconds(&evicted[0][0]));
    // Tainted on the pass after NotReady (5 s), then the 300 s of toleration.
    assert!(
        (305.0..305.5).contains(&(evicted_at - not_ready)),
        "{evicted_at} - {not_ready}"
    );
    // The replacement is scheduled elsewhere while the original still runs: the kubelet
    // kills nothing before the heal.
    let scheduled: Vec<_> = find("pod", &web, "Scheduled")
        .into_iter()
        .filter(|e| seconds(&e[0]) > evicted_at)
        .collect();
    assert_eq!(scheduled.len(), 1, "{events:#?}");
    assert!(seconds(&scheduled[0][0]) < HEAL);
    assert!(!scheduled[0][8].ends_with(NODE), "{:?}", scheduled[0]);
    let killing = find("pod", &|n| n == victim, "Killing");
    assert_eq!(killing.len(), 1, "{events:#?}");
    assert_eq!(seconds(&killing[0][0]), HEAL, "killed at the re-list");
    assert_eq!(killing[0][8], "Stopping container web");
    // The kubelet's NodeReady: it read back an Unknown Ready condition.
    let ready = find("node", &|n| n == NODE, "NodeReady");
    assert_eq!(ready.len(), 1);
    assert_eq!(ready[0][7], "kubelet");
    assert!((HEAL..HEAL + 1.0).contains(&seconds(&ready[0][0])));
    // Only the victim went: the DaemonSet pods tolerate unreachable:NoExecute forever.
    assert_eq!(find("pod", &|_| true, "TaintManagerEviction").len(), 1);
    let transcript = r.file("transcript.txt");
    let node = transcript
        .split("$ kubectl describe node ")
        .nth(1)
        .expect("describe node");
    assert!(node.contains("Taints:             <none>"), "{node}");
}
