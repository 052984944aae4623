//! The DaemonSet controller against Kubernetes' rules (pkg/controller/daemon).

use super::support::{block, run_yaml};

const SCENARIO: &str = "name: ds
duration: 2m
cluster:
  nodePools:
  - name: system
    count: 2
  - name: gpu
    mode: User
    count: 3
steps:
- at: 1s
  apply: |
    apiVersion: apps/v1
    kind: DaemonSet
    metadata: {name: agent}
    spec:
      selector: {matchLabels: {app: agent}}
      template:
        metadata: {labels: {app: agent}}
        spec:
          nodeSelector: {agentpool: gpu}
          containers: [{name: agent, image: \"busybox:1.36\"}]
- at: 90s
  run: kubectl get ds agent
- at: 91s
  run: kubectl get ds agent -o wide
- at: 92s
  run: kubectl get pods -o wide -l app=agent
";

#[test]
fn a_daemon_set_restricted_to_one_pool_gets_one_pod_per_node_of_that_pool() {
    // NodeShouldRunDaemonPod: the template's nodeSelector must match the node's labels, so
    // the 3 `gpu` nodes get a pod each and the 2 `system` nodes none (desired 3).
    let r = run_yaml(SCENARIO, &[], &["--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let created: Vec<Vec<String>> = r
        .events()
        .into_iter()
        .filter(|e| e[6] == "SuccessfulCreate" && e[4] == "agent")
        .collect();
    assert_eq!(created.len(), 3, "{created:?}");
    for e in &created {
        assert_eq!(e[7], "daemonset-controller");
        assert!(e[8].starts_with("Created pod: agent-"), "{}", e[8]);
    }
    let t = r.file("transcript.txt");
    // printDaemonSet: DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE.
    let b = block(&t, "kubectl get ds agent");
    assert_eq!(
        b[0].split_whitespace().collect::<Vec<_>>(),
        [
            "NAME",
            "DESIRED",
            "CURRENT",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "NODE",
            "SELECTOR",
            "AGE"
        ]
    );
    assert_eq!(
        b[1].split_whitespace().take(7).collect::<Vec<_>>(),
        ["agent", "3", "3", "3", "3", "3", "agentpool=gpu"]
    );
    let wide = block(&t, "kubectl get ds agent -o wide");
    assert!(
        wide[0].ends_with("CONTAINERS   IMAGES         SELECTOR"),
        "{}",
        wide[0]
    );
    assert!(
        wide[1].ends_with("agent        busybox:1.36   app=agent"),
        "{}",
        wide[1]
    );
    // Each pod was bound by the default scheduler to a distinct gpu node.
    let pods = block(&t, "kubectl get pods -o wide -l app=agent");
    let mut nodes: Vec<&str> = pods[1..]
        .iter()
        .filter_map(|l| l.split_whitespace().nth(6))
        .collect();
    nodes.sort();
    nodes.dedup();
    assert_eq!(nodes.len(), 3, "{pods:?}");
    assert!(nodes.iter().all(|n| n.contains("-gpu-")), "{nodes:?}");
    // timeline.csv: the DaemonSet's metrics reach 3.
    let last = |m: &str| {
        r.timeline()
            .into_iter()
            .filter(|row| row[2] == "daemonset" && row[3] == "agent" && row[4] == m)
            .map(|row| row[5].clone())
            .next_back()
    };
    for m in ["desired", "current", "ready", "updated", "available"] {
        assert_eq!(last(m).as_deref(), Some("3"), "{m}");
    }
}

#[test]
fn system_daemon_sets_are_listed_with_every_node_counted() {
    let s = "name: sys
duration: 10s
cluster:
  nodePools:
  - name: nodepool1
    count: 3
steps:
- at: 1s
  run: kubectl get ds -n kube-system
";
    let r = run_yaml(s, &[], &["--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = r.file("transcript.txt");
    let b = block(&t, "kubectl get ds -n kube-system");
    let proxy = b
        .iter()
        .find(|l| l.starts_with("kube-proxy "))
        .expect("kube-proxy");
    assert_eq!(
        proxy.split_whitespace().take(7).collect::<Vec<_>>(),
        [
            "kube-proxy",
            "3",
            "3",
            "3",
            "3",
            "3",
            "kubernetes.io/os=linux"
        ]
    );
    // No DaemonSet pod was created: the t=0 pods are counted.
    assert!(
        !r.events().iter().any(|e| e[7] == "daemonset-controller"),
        "{:?}",
        r.events()
    );
}
