//! scenarios/scale-5k.yaml, written by tools/envelope.py: within the limits AKS sets at 5,000
//! nodes, and its node failures name nodes its pools have (the script computes kubesim's node
//! names itself, so a drift from src/aks/naming.rs would fail the steps at run time).

use super::support::{bin, root};
use kubesim::aks::naming::node_name;
use std::collections::BTreeSet;
use std::process::Command;

fn scale_5k() -> String {
    std::fs::read_to_string(root().join("scenarios/scale-5k.yaml")).expect("the scenario")
}

#[test]
fn scale_5k_validates() {
    let o = Command::new(bin())
        .arg("validate")
        .arg(root().join("scenarios/scale-5k.yaml"))
        .output()
        .expect("run kubesim");
    assert_eq!(o.status.code(), Some(0), "{o:?}");
}

#[test]
fn scale_5k_has_5000_nodes_in_pools_of_at_most_1000_and_150000_pods() {
    let text = scale_5k();
    let counts: Vec<u32> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("count: "))
        .map(|n| n.parse().expect("a count"))
        .collect();
    // AKS: at most 1,000 nodes per pool, 5,000 per Standard-tier cluster.
    assert!(counts.iter().all(|&c| c <= 1000), "{counts:?}");
    assert_eq!(counts.iter().sum::<u32>(), 5000);
    assert!(text.contains("  tier: standard\n"));
    // A /11 holds 2^(24-11) = 8,192 node /24s for Azure CNI Overlay.
    assert!(text.contains("  networkPluginMode: overlay\n  podCidr: 10.128.0.0/11\n"));
    let manifest =
        std::fs::read_to_string(root().join("scenarios/manifests/scale-5k-deployments.yaml"))
            .expect("the manifests");
    let replicas: u32 = manifest
        .lines()
        .filter_map(|l| l.trim().strip_prefix("replicas: "))
        .map(|n| n.parse::<u32>().expect("replicas"))
        .sum();
    assert_eq!(replicas, 150_000);
    let updates = text.matches("run: kubectl set image deployment/").count();
    assert_eq!(
        updates,
        manifest.matches("kind: Deployment").count(),
        "every Deployment rolls"
    );
}

#[test]
fn scale_5k_fails_5_percent_of_each_pools_nodes_by_their_kubesim_names() {
    let text = scale_5k();
    let failed: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("run: kubesim node fail "))
        .collect();
    let distinct: BTreeSet<&str> = failed.iter().copied().collect();
    assert_eq!(failed.len(), 250, "5% of 5,000");
    assert_eq!(distinct.len(), 250);
    for pool in ["pool1", "pool2", "pool3", "pool4", "pool5"] {
        let names: BTreeSet<String> = (0..1000).map(|i| node_name("scale-5k", pool, i)).collect();
        let here = failed.iter().filter(|n| names.contains(**n)).count();
        assert_eq!(here, 50, "{pool}: 5% of its 1,000 nodes");
    }
}
