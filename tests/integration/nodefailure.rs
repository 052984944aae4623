//! The bundled scenarios/node-failure-eviction.yaml: a VM stops for good at 60 s. The node
//! lifecycle controller sets it Unknown on the first 5 s pass strictly after the last
//! renewal it saw plus --node-monitor-grace-period (node_lifecycle_controller.go
//! tryUpdateNodeHealth), taints it unreachable:NoExecute on the next pass
//! (processTaintBaseEviction reads the Ready condition observed before the pass), and the
//! taint eviction controller deletes the pod when the 300 s of the DefaultTolerationSeconds
//! tolerations run out (taint_eviction.go processPodOnNode).

use super::support::{Run, root, run_yaml, seconds};

const NODE: &str = "aks-nodepool1-46262649-vmss000001";

/// The lab with lines added under `cluster:` and at the top level; its own expectations
/// (written for the 50 s default) are left out when `top` changes a setting.
fn lab(cluster: &str, top: &str) -> Run {
    let text = std::fs::read_to_string(root().join("scenarios/node-failure-eviction.yaml"))
        .expect("the lab");
    let mut text = text.replacen("\ncluster:\n", &format!("\n{top}cluster:\n{cluster}"), 1);
    if !top.is_empty() {
        text.truncate(text.find("\nexpect:\n").expect("expectations") + 1);
    }
    let r = run_yaml(&text, &[], &["--quiet"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    r
}

/// When the node went NotReady and when its web pod was marked for deletion.
fn instants(r: &Run) -> (f64, f64) {
    let events = r.events();
    let at = |kind: &str, name: &dyn Fn(&str) -> bool, reason: &str| {
        let e = events
            .iter()
            .find(|e| e[3] == kind && name(&e[4]) && e[6] == reason)
            .unwrap_or_else(|| panic!("no {reason} in {events:#?}"));
        seconds(&e[0])
    };
    let not_ready = at("node", &|n| n == NODE, "NodeNotReady");
    let evicted = at("pod", &|n| n.starts_with("web-"), "TaintManagerEviction");
    (not_ready, evicted)
}

#[test]
fn the_pods_of_a_lost_node_go_300s_after_its_unreachable_taint() {
    let r = lab("", "");
    let (not_ready, evicted) = instants(&r);
    // The last renewal is at most 10 s (the Lease's renew interval) before the stop at 60 s
    // and is seen on the next 5 s pass; Unknown comes on the first pass after 50 s more.
    assert!(
        (105.0..=120.0).contains(&not_ready),
        "NotReady at {not_ready}"
    );
    assert_eq!(not_ready % 5.0, 0.0, "on the 5 s monitor grid: {not_ready}");
    // Taint on the next pass (+5 s, on the 100 ms tainting grid), 300 s of toleration,
    // plus the watch delivery of the taint to the taint eviction controller.
    let after = evicted - not_ready;
    assert!(
        (305.0..305.5).contains(&after),
        "evicted {after}s after NotReady"
    );
    // The replacement runs on one of the other nodes; the original stays Terminating.
    let pods = r.file("transcript.txt");
    let last = pods
        .rsplit("$ kubectl get pods -o wide")
        .next()
        .expect("a listing");
    let web: Vec<&str> = last.lines().filter(|l| l.starts_with("web-")).collect();
    assert_eq!(web.len(), 4, "{last}");
    let terminating: Vec<&&str> = web.iter().filter(|l| l.contains("Terminating")).collect();
    assert_eq!(terminating.len(), 1, "{last}");
    assert!(terminating[0].contains(NODE), "{last}");
    assert!(
        web.iter()
            .filter(|l| l.contains("Running"))
            .all(|l| !l.contains(NODE)),
        "{last}"
    );
}

/// --node-monitor-grace-period is 50 s from Kubernetes 1.32 (PR #126287) and was 40 s
/// before, so on 1.31 the whole sequence (NotReady, then eviction 300 s after the taint) comes
/// exactly 10 s earlier than on 1.35. An explicit `timing:` override gives 1.35 the old value.
#[test]
fn kubernetes_1_31_marks_the_node_and_evicts_10s_earlier_than_1_35() {
    let (not_ready, evicted) = instants(&lab("  kubernetesVersion: \"1.35\"\n", ""));
    let r31 = lab(
        "  kubernetesVersion: \"1.31\"\n  tier: premium\n",
        "# 1.31\n",
    );
    assert!(!r31.stderr.contains("Long Term Support"), "{}", r31.stderr);
    let (not_ready_31, evicted_31) = instants(&r31);
    assert_eq!(not_ready - not_ready_31, 10.0);
    let d = evicted - evicted_31;
    assert!((d - 10.0).abs() < 0.1, "evictions {d}s apart");

    let (not_ready_40, _) = instants(&lab(
        "",
        "timing:\n  nodelifecycle.monitorGracePeriod: 40s\n",
    ));
    assert_eq!(not_ready_40, not_ready_31);
}

/// 1.31 is served by AKS only as a Long Term Support minor (Premium tier); on another tier the
/// run still goes ahead and says so on stderr.
#[test]
fn a_long_term_support_minor_outside_premium_is_simulated_with_a_warning() {
    let r = lab("  kubernetesVersion: \"1.31\"\n", "# 1.31\n");
    assert!(
        r.stderr
            .contains("warning: Kubernetes 1.31 is past AKS community support"),
        "{}",
        r.stderr
    );
    assert!(r.file("transcript.txt").contains("v1.31.14"));
}
