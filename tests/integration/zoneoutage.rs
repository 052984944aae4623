//! The node lifecycle controller's per-zone eviction rates (node_lifecycle_controller.go
//! handleDisruption, ComputeZoneState, setLimiterInZone; defaults --node-eviction-rate 0.1,
//! --secondary-node-eviction-rate 0.01, --unhealthy-zone-threshold 0.55,
//! --large-cluster-size-threshold 50), seen in when the pods of lost nodes are evicted: a
//! node's pods go 300 s after its NoExecute taint, so the evictions are spaced as the taints.

use super::support::{Run, root, run_file, run_yaml, seconds};

/// When each web pod was marked for deletion, by name, in order.
fn evictions(r: &Run) -> Vec<(f64, String)> {
    r.events()
        .iter()
        .filter(|e| e[6] == "TaintManagerEviction" && e[4].starts_with("web-"))
        .map(|e| (seconds(&e[0]), e[4].clone()))
        .collect()
}

/// Asserts that consecutive evictions are `gap` apart, give or take the watch delivery of a
/// taint to the taint eviction controller.
fn spaced(times: &[f64], gap: f64) {
    for w in times.windows(2) {
        let d = w[1] - w[0];
        assert!(
            (gap - 1.0..gap + 1.0).contains(&d),
            "{times:?}: {d} not {gap}"
        );
    }
}

#[test]
fn a_zone_fully_down_is_evicted_at_0_1_per_second_and_a_small_partial_one_not_at_all() {
    let r = run_file(&root().join("scenarios/zone-outage.yaml"), &["--quiet"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let ev = evictions(&r);
    // eastus-1 (FullDisruption while other zones are up: HealthyQPSFunc, 0.1/s): its five
    // pods, 10 s apart; eastus-2 (3 of 5 down, PartialDisruption, ≤ 50 nodes:
    // ReducedQPSFunc returns 0): none.
    assert_eq!(ev.len(), 5, "{ev:?}");
    let times: Vec<f64> = ev.iter().map(|e| e.0).collect();
    spaced(&times, 10.0);
    let transcript = r.file("transcript.txt");
    for (_, pod) in &ev {
        let line = transcript
            .lines()
            .find(|l| l.starts_with(pod.as_str()))
            .expect("listed");
        let node = line.split_whitespace().nth(6).expect("NODE column");
        let instance = u32::from_str_radix(&node[node.len() - 6..], 36).expect("instance");
        assert_eq!(instance % 3, 0, "{pod} on {node}, not in eastus-1");
    }
}

/// A zone of 51 nodes (above the large-cluster threshold) with 29 down (57 % ≥ 55 %) is
/// PartialDisruption: its lost nodes are tainted at the secondary rate, one per 100 s.
#[test]
fn a_large_partially_disrupted_zone_is_evicted_at_0_01_per_second() {
    let mut steps = String::from(
        "- at: 1s\n  apply: |\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: web}\n    spec:\n      replicas: 51\n      selector: {matchLabels: {app: web}}\n      template:\n        metadata: {labels: {app: web}}\n        spec:\n          containers: [{name: web, image: nginx:1.27}]\n",
    );
    // VMSS instance names end in the instance id in base 36, six digits.
    let b36 = |i: u32| char::from_digit(i, 36).expect("a digit");
    for i in 0..29 {
        steps.push_str(&format!(
            "- at: 60s\n  run: kubesim node fail aks-nodepool1-46262649-vmss0000{}{}\n",
            b36(i / 36),
            b36(i % 36)
        ));
    }
    let scenario = format!(
        "name: zone-large\nseed: 7\nduration: 11m\ncluster:\n  nodePools:\n  - name: nodepool1\n    count: 51\nsteps:\n{steps}"
    );
    let r = run_yaml(&scenario, &[], &["--quiet"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(!r.file("transcript.txt").contains("not found"));
    let times: Vec<f64> = evictions(&r).iter().map(|e| e.0).collect();
    // First taint after the grace period, then one per 100 s: 3 by the end (the healthy
    // rate would have evicted all 29 within 290 s). The first taint commits a few seconds
    // late: it waits behind MarkPodsNotReady's ~280 pod writes in the controller's 20 QPS
    // client, and the taint eviction controller counts from when it sees the taint.
    assert_eq!(times.len(), 3, "{times:?}");
    assert!((415.0..430.0).contains(&times[0]), "{times:?}");
    spaced(&times[1..], 100.0);
}
