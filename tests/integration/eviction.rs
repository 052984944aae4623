//! Taint-based eviction end to end: a pool tainted `NoExecute` at t=0, a pod that tolerates
//! the taint for 30 s (taint_eviction.go processPodOnNode: the deadline is when the
//! controller saw the pod on the tainted node plus the shortest tolerationSeconds).

use super::support::{block, run_yaml};

const SCENARIO: &str = "name: eviction
duration: 2m
cluster:
  nodePools:
  - name: system
    count: 1
  - name: batch
    count: 1
    mode: User
    taints: [\"dedicated=batch:NoExecute\"]
steps:
- at: 1s
  apply: |
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      nodeSelector: {kubernetes.azure.com/agentpool: batch}
      tolerations:
      - {key: dedicated, operator: Equal, value: batch, effect: NoExecute, tolerationSeconds: 30}
      containers:
      - name: web
        image: nginx:1.27
        lifecycle: {preStop: {sleep: {seconds: 20}}}
- at: 40s
  run: kubectl describe pod web
";

fn seconds(t: &str) -> f64 {
    t.parse().expect("a time")
}

#[test]
fn a_pod_tolerating_a_no_execute_taint_for_30s_is_evicted_30s_after_it_was_bound() {
    let r = run_yaml(SCENARIO, &[], &["--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let events = r.events();
    let at = |reason: &str| {
        events
            .iter()
            .find(|e| e[3] == "pod" && e[4] == "web" && e[6] == reason)
            .unwrap_or_else(|| panic!("no {reason} in {events:#?}"))
    };
    let scheduled = at("Scheduled");
    let evicted = at("TaintManagerEviction");
    // emitPodDeletionEvent: Normal, `Marking for deletion Pod <ns>/<name>`, source
    // `taint-eviction-controller`.
    assert_eq!(evicted[5], "Normal");
    assert_eq!(evicted[7], "taint-eviction-controller");
    assert_eq!(evicted[8], "Marking for deletion Pod default/web");
    // The deadline counts from the controller's view of the binding: 30 s after the
    // binding, plus at most the watch delivery (p99 50 ms; generous bound here).
    let after = seconds(&evicted[0]) - seconds(&scheduled[0]);
    assert!(
        (30.0..31.0).contains(&after),
        "evicted {after}s after binding"
    );
    // Its own grace period: the kubelet's preStop sleep runs, the pod is Terminating and
    // carries the DisruptionTarget condition (reference/kubectl-output.md §5.3 Conditions).
    let transcript = r.file("transcript.txt");
    let describe = block(&transcript, "kubectl describe pod web");
    let status = describe
        .iter()
        .find(|l| l.starts_with("Status:"))
        .expect("Status line");
    assert!(status.contains("Terminating"), "{describe:#?}");
    assert!(
        describe
            .iter()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["DisruptionTarget", "True"]),
        "{describe:#?}"
    );
    // Not recreated (a bare pod) and gone once the preStop hook and SIGTERM are over.
    assert!(
        events.iter().any(|e| e[4] == "web" && e[6] == "Killing"),
        "{events:#?}"
    );
}
