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
          containers: [{name: agent, image: \"busybox:1.36\", command: [sleep, \"3600\"]}]
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

fn agent(image: &str, strategy: &str) -> String {
    format!(
        "    apiVersion: apps/v1
    kind: DaemonSet
    metadata: {{name: agent}}
    spec:
      selector: {{matchLabels: {{app: agent}}}}
      {strategy}
      template:
        metadata: {{labels: {{app: agent}}}}
        spec:
          containers: [{{name: agent, image: \"{image}\", command: [sleep, \"3600\"]}}]
"
    )
}

fn update_scenario(strategy: &str) -> String {
    format!(
        "name: roll
duration: 3m
cluster:
  nodePools:
  - name: nodepool1
    count: 3
steps:
- at: 1s
  apply: |
{}- at: 30s
  apply: |
{}- at: 170s
  run: kubectl get ds agent
",
        agent("busybox:1.36", strategy),
        agent("busybox:1.37", strategy)
    )
}

#[test]
fn a_rolling_update_replaces_one_pod_at_a_time() {
    // RollingUpdate with the defaults (maxUnavailable 1, maxSurge 0): an old pod is deleted
    // only once the previous replacement is available, and a node gets its new pod only
    // once its old one is gone.
    let r = run_yaml(&update_scenario(""), &[], &["--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ds_events: Vec<(f64, String)> = r
        .events()
        .into_iter()
        .filter(|e| e[3] == "daemonset" && e[4] == "agent")
        .map(|e| (e[0].parse().unwrap_or(0.0), e[6].clone()))
        .collect();
    let reasons: Vec<&str> = ds_events.iter().map(|(_, r)| r.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "SuccessfulCreate",
            "SuccessfulCreate",
            "SuccessfulCreate",
            "SuccessfulDelete",
            "SuccessfulCreate",
            "SuccessfulDelete",
            "SuccessfulCreate",
            "SuccessfulDelete",
            "SuccessfulCreate"
        ]
    );
    assert!(ds_events[3].0 >= 30.0);
    let t = r.file("transcript.txt");
    let b = block(&t, "kubectl get ds agent");
    assert_eq!(
        b[1].split_whitespace().take(6).collect::<Vec<_>>(),
        ["agent", "3", "3", "3", "3", "3"]
    );
}

#[test]
fn on_delete_keeps_the_old_pods() {
    let r = run_yaml(
        &update_scenario("updateStrategy: {type: OnDelete}"),
        &[],
        &["--quiet"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.events().iter().any(|e| e[6] == "SuccessfulDelete"));
    let t = r.file("transcript.txt");
    let b = block(&t, "kubectl get ds agent");
    // UP-TO-DATE 0: no pod has the new template.
    assert_eq!(
        b[1].split_whitespace().take(6).collect::<Vec<_>>(),
        ["agent", "3", "3", "3", "0", "3"]
    );
}
