//! The bundled scenarios/node-pressure.yaml: memory pressure on vmss000001 from 60 s to
//! 150 s. The eviction manager (pkg/kubelet/eviction/eviction_manager.go `synchronize`,
//! every 10 s) reports MemoryPressure, evicts at most one pod per look, BestEffort ones
//! first (`rankMemoryPressure`: usage above requests, then priority), and keeps the
//! condition for --eviction-pressure-transition-period (5 m) after the last look that saw
//! the signal; the node lifecycle controller's memory-pressure:NoSchedule taint follows the
//! condition (`doNoScheduleTaintingPass`).

use super::support::{root, run_file, seconds};

const NODE: &str = "aks-nodepool1-46262649-vmss000001";

#[test]
fn memory_pressure_evicts_the_best_effort_pods_one_per_look_and_clears_5_minutes_after() {
    let r = run_file(
        &root().join("scenarios/node-pressure.yaml"),
        &["--check-invariants", "--quiet"],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let events = r.events();
    let of =
        |reason: &str| -> Vec<&Vec<String>> { events.iter().filter(|e| e[6] == reason).collect() };
    let evicted = of("Evicted");
    // Only the two BestEffort batch pods of the node: the web pod stays within its request.
    assert_eq!(evicted.len(), 2, "{evicted:?}");
    assert!(evicted.iter().all(|e| e[4].starts_with("batch-")));
    assert!(
        evicted
            .iter()
            .all(|e| e[5] == "Warning" && e[7] == "kubelet")
    );
    assert_eq!(evicted[0][8], "The node was low on resource: memory. ");
    // One per 10 s look, the first at the first look after the pressure began (60 s).
    let t: Vec<f64> = evicted.iter().map(|e| seconds(&e[0])).collect();
    assert!((60.0..=70.0).contains(&t[0]), "{t:?}");
    assert_eq!(t[1] - t[0], 10.0);
    let insufficient = of("NodeHasInsufficientMemory");
    assert_eq!(insufficient.len(), 1);
    assert_eq!(seconds(&insufficient[0][0]), t[0]);
    assert_eq!(
        insufficient[0][8],
        format!("Node {NODE} status is now: NodeHasInsufficientMemory")
    );
    // EvictionThresholdMet at each look while the signal is met (70 s … 150 s).
    let met = of("EvictionThresholdMet");
    assert!(met.iter().all(|e| e[8] == "Attempting to reclaim memory"));
    let last_met = seconds(&met.last().expect("one")[0]);
    assert!(last_met <= 150.0);
    // The condition goes 5 minutes after the last look that saw the signal.
    let sufficient = of("NodeHasSufficientMemory");
    assert_eq!(sufficient.len(), 1);
    assert_eq!(seconds(&sufficient[0][0]), last_met + 300.0);
    // Until then the taint keeps `pinned` off the node.
    let failed = events
        .iter()
        .find(|e| e[4] == "pinned" && e[6] == "FailedScheduling")
        .expect("FailedScheduling");
    assert!(
        failed[8].contains("1 node(s) had untolerated taint(s)"),
        "{failed:?}"
    );
    let scheduled = events
        .iter()
        .find(|e| e[4] == "pinned" && e[6] == "Scheduled")
        .expect("scheduled once the taint is gone");
    assert!(seconds(&scheduled[0]) > last_met + 300.0);
    // The evicted pods stay: phase Failed, reason Evicted, DisruptionTarget.
    let transcript = r.file("transcript.txt");
    let pod = transcript
        .split("$ kubectl describe pod ")
        .nth(1)
        .expect("describe pod");
    assert!(
        pod.contains("Status:           Failed\nReason:           Evicted"),
        "{pod}"
    );
    assert!(pod.contains("DisruptionTarget            True"), "{pod}");
    assert!(
        transcript.contains("Taints:             node.kubernetes.io/memory-pressure:NoSchedule")
    );
    assert!(
        transcript
            .contains("KubeletHasInsufficientMemory   kubelet has insufficient memory available")
    );
}

/// A partition healed, or a VM rebooted, while the node is under pressure: the kubelet's
/// Ready post comes with its pressure condition still True (the eviction manager looks on),
/// and its evicted pods stay Failed (its status reconcile does not write them over).
#[test]
fn a_heal_or_reboot_under_pressure_keeps_the_condition_and_the_evicted_pods() {
    let lab = std::fs::read_to_string(root().join("scenarios/node-pressure.yaml")).expect("lab");
    let lab = &lab[..lab.find("\nexpect:\n").expect("expectations") + 1];
    for (cut, mend) in [("partition", "heal"), ("fail", "recover")] {
        let mut text = lab.replace(
            "- at: 150s\n  run: kubesim node relieve aks-nodepool1-46262649-vmss000001 memory\n",
            &format!(
                "- at: 130s\n  run: kubesim node {cut} {NODE}\n- at: 160s\n  run: kubesim node {mend} {NODE}\n- at: 260s\n  run: kubectl describe node {NODE}\n"
            ),
        );
        text.push_str(
            "expect:\n- during: 75s..479s\n  that: pod/batch-86d8948c5-f4l5x phase == Failed\n",
        );
        let r = super::support::run_yaml(&text, &[], &["--check-invariants", "--quiet"]);
        assert_eq!(r.code, 0, "{cut}: {}{}", r.stdout, r.stderr);
        let transcript = r.file("transcript.txt");
        let node = transcript
            .split(&format!("$ kubectl describe node {NODE}"))
            .last()
            .expect("describe node");
        assert!(
            node.contains("Taints:             node.kubernetes.io/memory-pressure:NoSchedule"),
            "{cut}: {node}"
        );
        assert!(
            node.contains("KubeletHasInsufficientMemory"),
            "{cut}: {node}"
        );
    }
}
