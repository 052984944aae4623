//! `az aks` steps: nodes that join and leave at run time, and AKS's refusals.

use super::support::{block, root, run_file, run_yaml};

/// A cluster named `c` with one System pool, running `steps`.
fn cluster(extra: &str, pools: &str, steps: &str) -> String {
    format!(
        "name: t\nduration: 30m\ncluster:\n  name: c\n  networkPlugin: kubenet\n{extra}  nodePools:\n{pools}steps:\n{steps}"
    )
}

const ONE_POOL: &str = "  - name: nodepool1\n    count: 2\n";

fn transcript_block(run: &super::support::Run, command: &str) -> Vec<String> {
    block(&run.file("transcript.txt"), command)
        .into_iter()
        .map(str::to_string)
        .collect()
}

#[test]
fn daemon_set_pods_of_a_removed_node_are_collected_by_pod_gc_after_its_quarantine() {
    // gc_controller.go gcOrphaned: a node that pods are bound to but that is missing is
    // quarantined for 40 s (quarantineTime) from the first 20 s cycle that sees it missing;
    // then its pods are force-deleted (AKS's drain left the DaemonSet pods).
    let steps = "- at: 0s\n  run: az aks scale -g rg -n c --node-count 1 -o none\n";
    let run = run_yaml(&cluster("", ONE_POOL, steps), &[], &["-q"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let removing: f64 = run
        .events()
        .iter()
        .find(|e| e[6] == "RemovingNode")
        .map(|e| e[0].parse().expect("time"))
        .expect("a node was removed");
    let running: Vec<(f64, i64)> = run
        .timeline()
        .iter()
        .filter(|r| r[2] == "cluster" && r[4] == "pods_running")
        .map(|r| (r[0].parse().expect("time"), r[5].parse().expect("count")))
        .collect();
    let drops: Vec<f64> = running
        .windows(2)
        .filter(|w| w[1].1 < w[0].1 && w[1].0 > removing)
        .map(|w| w[1].0)
        .collect();
    assert!(!drops.is_empty(), "{running:?}");
    for d in drops {
        let after = d - removing;
        assert!(
            (40.0..62.0).contains(&after),
            "a pod went {after}s after its node: {running:?}"
        );
    }
}

#[test]
fn the_bundled_scale_out_scenario_meets_its_expectations() {
    let run = run_file(&root().join("scenarios/scale-out.yaml"), &["-q"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    // Every new node registers NotReady and turns Ready; the removed one is drained first.
    let events = run.events();
    let reasons = |reason: &str| events.iter().filter(|e| e[6] == reason).count();
    assert_eq!(reasons("RegisteredNode"), 3);
    assert_eq!(reasons("NodeReady"), 3);
    assert_eq!(reasons("NodeNotSchedulable"), 1);
    assert_eq!(reasons("RemovingNode"), 1);
}

#[test]
fn scale_out_schedules_pending_pods_once_the_new_nodes_are_ready() {
    // 6 pods of 1 CPU: a Standard_DS2_v2 (1,900m allocatable) holds one (two need 2,000m),
    // so two nodes leave four Pending until `az aks scale` brings the pool to 5 nodes, which
    // run 5 of them; the sixth stays Pending.
    let deploy = "  apply: |\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: big}\n    spec:\n      replicas: 6\n      selector: {matchLabels: {app: big}}\n      template:\n        metadata: {labels: {app: big}}\n        spec:\n          containers:\n          - name: c\n            image: nginx\n            resources: {requests: {cpu: '1'}}\n";
    let steps = format!(
        "- at: 0s\n{deploy}- at: 1m\n  run: az aks scale -g rg -n c --node-count 5 -o none\n"
    );
    let text = format!(
        "{}expect:\n- during: 30s..1m\n  that: cluster pods_pending == 4\n- within: 20m\n  that: cluster nodes_ready == 5\n- within: 20m\n  that: deployment/big available_replicas == 5\n",
        cluster("", ONE_POOL, &steps)
    );
    let run = run_yaml(&text, &[], &["-q"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    // No pod of the Deployment is bound to a new node before that node is Ready (its
    // not-ready taint); AKS's system DaemonSets tolerate every taint and may land earlier.
    let events = run.events();
    let ready_at = |node: &str| {
        events
            .iter()
            .find(|e| e[6] == "NodeReady" && e[4] == node)
            .map(|e| e[0].parse::<f64>().expect("time"))
    };
    for e in events
        .iter()
        .filter(|e| e[6] == "Scheduled" && e[4].starts_with("big-"))
    {
        let node = e[8].rsplit(' ').next().expect("node name");
        if let Some(t) = ready_at(node) {
            let at: f64 = e[0].parse().expect("time");
            assert!(
                at >= t,
                "{} scheduled on {node} at {at} before it was Ready at {t}",
                e[4]
            );
        }
    }
}

#[test]
fn scale_in_cordons_and_drains_the_newest_instance_before_deleting_it() {
    let steps = "- at: 0s\n  run: kubectl create deployment web --image=nginx --replicas=6\n- at: 1m\n  run: az aks scale -g rg -n c --node-count 2 -o none\n- at: 10m\n  run: kubectl get nodes -o name\n";
    let pools = "  - name: nodepool1\n    count: 3\n";
    let run = run_yaml(&cluster("", pools, steps), &[], &["-q"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let events = run.events();
    let removed = events
        .iter()
        .find(|e| e[6] == "RemovingNode")
        .map(|e| e[4].clone())
        .expect("a node was removed");
    // The scale set's Default scale-in policy: the highest instance id goes.
    assert!(removed.ends_with("vmss000002"), "{removed}");
    let t = |pred: &dyn Fn(&Vec<String>) -> bool| {
        events
            .iter()
            .filter(|e| pred(e))
            .map(|e| e[0].parse::<f64>().expect("time"))
            .collect::<Vec<f64>>()
    };
    let cordoned = t(&|e| e[6] == "NodeNotSchedulable" && e[4] == removed)[0];
    let removing = t(&|e| e[6] == "RemovingNode")[0];
    let kills = t(&|e| e[6] == "Killing");
    assert!(!kills.is_empty(), "pods on the node were stopped");
    assert!(kills.iter().all(|k| *k > cordoned && *k < removing));
    let nodes = transcript_block(&run, "kubectl get nodes -o name");
    assert_eq!(nodes.len(), 2, "{nodes:?}");
    assert!(!nodes.iter().any(|n| n.ends_with(&removed)));
}

#[test]
fn a_pool_added_with_labels_and_taints_gets_nodes_that_carry_them_and_delete_removes_them() {
    let steps = "- at: 0s\n  run: az aks nodepool add -g rg --cluster-name c --name gpu --node-count 2 --labels team=ml --node-taints sku=gpu:NoSchedule -o table\n- at: 10m\n  run: kubectl get nodes -l team=ml -o name\n- at: 11m\n  run: az aks nodepool delete -g rg --cluster-name c --name gpu\n- at: 20m\n  run: kubectl get nodes -o name\n- at: 21m\n  run: az aks nodepool list -g rg --cluster-name c -o table\n";
    let run = run_yaml(&cluster("", ONE_POOL, steps), &[], &["-q"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let added = transcript_block(
        &run,
        "az aks nodepool add -g rg --cluster-name c --name gpu --node-count 2 --labels team=ml --node-taints sku=gpu:NoSchedule -o table",
    );
    // azure-cli _format.py _aks_agentpool_table_format, through knack's table output.
    // Columns as wide as their widest cell, two spaces apart (tabulate's "simple").
    assert_eq!(
        added,
        [
            "Name  OsType  KubernetesVersion  VmSize           OsDiskSizeGB  Count  MaxPods  ProvisioningState  Mode",
            "----  ------  -----------------  ---------------  ------------  -----  -------  -----------------  ----",
            "gpu   Linux   1.35               Standard_DS2_v2  128           2      110      Succeeded          User",
        ]
    );
    let labelled = transcript_block(&run, "kubectl get nodes -l team=ml -o name");
    assert_eq!(labelled.len(), 2, "{labelled:?}");
    assert!(labelled.iter().all(|n| n.starts_with("node/aks-gpu-")));
    let after = transcript_block(&run, "kubectl get nodes -o name");
    assert_eq!(after.len(), 2, "only nodepool1's nodes are left: {after:?}");
    let list = transcript_block(&run, "az aks nodepool list -g rg --cluster-name c -o table");
    assert_eq!(list.len(), 3, "header, rule and nodepool1: {list:?}");
}

#[test]
fn aks_refuses_what_it_refuses_with_its_messages() {
    let steps = "- at: 0s\n  run: az aks scale -g rg -n other --node-count 3\n- at: 1s\n  run: az aks scale -g rg -n c --node-count 1001\n- at: 2s\n  run: az aks nodepool delete -g rg --cluster-name c --name nodepool1\n- at: 3s\n  run: az aks nodepool add -g rg --cluster-name c --name Bad-Name\n- at: 4s\n  run: az aks nodepool add -g rg --cluster-name c --name np2 --node-vm-size Standard_Nope\n- at: 5s\n  run: az aks nodepool scale -g rg --cluster-name c --name nodepool1 --node-count 2\n- at: 6s\n  run: az aks scale -g rg -n c --nodepool-name nope --node-count 2\n";
    let run = run_yaml(&cluster("", ONE_POOL, steps), &[], &["-q"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let t = run.file("transcript.txt");
    let first = |cmd: &str| {
        block(&t, cmd)
            .first()
            .map(|s| s.to_string())
            .unwrap_or_default()
    };
    assert_eq!(
        first("az aks scale -g rg -n other --node-count 3"),
        "ERROR: (ResourceNotFound) The Resource 'Microsoft.ContainerService/managedClusters/other' under resource group 'rg' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"
    );
    assert!(
        first("az aks scale -g rg -n c --node-count 1001").contains("must be between 0 and 1000")
    );
    assert!(
        first("az aks nodepool delete -g rg --cluster-name c --name nodepool1")
            .contains("at least one System agent pool")
    );
    assert!(
        first("az aks nodepool add -g rg --cluster-name c --name Bad-Name")
            .contains("(InvalidParameter)")
    );
    assert!(
        first("az aks nodepool add -g rg --cluster-name c --name np2 --node-vm-size Standard_Nope")
            .contains("Standard_Nope is not supported")
    );
    // azure-cli aks_agentpool_scale and aks_scale.
    assert_eq!(
        first("az aks nodepool scale -g rg --cluster-name c --name nodepool1 --node-count 2"),
        "ERROR: The new node count is the same as the current node count."
    );
    assert_eq!(
        first("az aks scale -g rg -n c --nodepool-name nope --node-count 2"),
        "ERROR: The nodepool \"nope\" was not found."
    );
}

#[test]
fn azure_cni_scale_out_is_refused_up_front_when_the_subnet_cannot_hold_the_nodes() {
    // Azure CNI reserves maxPods + 1 = 31 addresses per node; a /24 offers 256 − 5 = 251.
    // Two nodes hold 62; eight more need 248: 310 > 251, so AKS refuses before any VM.
    let extra = "  vnetSubnetCidr: 10.240.0.0/24\n";
    let text = format!(
        "name: t\nduration: 10m\ncluster:\n  name: c\n  networkPlugin: azure\n{extra}  nodePools:\n  - name: nodepool1\n    count: 2\nsteps:\n- at: 0s\n  run: az aks scale -g rg -n c --node-count 10\n- at: 5m\n  run: kubectl get nodes -o name\n"
    );
    let run = run_yaml(&text, &[], &["-q"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let t = run.file("transcript.txt");
    let out = block(&t, "az aks scale -g rg -n c --node-count 10");
    assert!(
        out[0].starts_with(
            "ERROR: (InsufficientSubnetSize) Pre-allocated IPs 310 exceeds IPs available 251 in Subnet Cidr 10.240.0.0/24"
        ),
        "{out:?}"
    );
    assert_eq!(block(&t, "kubectl get nodes -o name").len(), 2);
}

#[test]
fn az_argument_errors_are_bad_input_located_at_the_step() {
    let steps = "- at: 0s\n  run: az aks scale -g rg -n c\n";
    let run = run_yaml(&cluster("", ONE_POOL, steps), &[], &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("ERROR: the following arguments are required: --node-count/-c"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("scenario.yaml:"), "{}", run.stderr);
}

#[test]
fn a_daemon_set_for_a_pools_label_follows_the_pool_as_it_is_added_and_deleted() {
    // NodeShouldRunDaemonPod: nodeSelector team=ml matches only nodes of a pool created with
    // `--labels team=ml`; nodes that join get a pod, nodes that leave take theirs away.
    let steps = "- at: 0s\n  apply: |\n    apiVersion: apps/v1\n    kind: DaemonSet\n    metadata: {name: agent}\n    spec:\n      selector: {matchLabels: {app: agent}}\n      template:\n        metadata: {labels: {app: agent}}\n        spec:\n          nodeSelector: {team: ml}\n          containers: [{name: agent, image: \"busybox:1.36\", command: [sleep, \"3600\"]}]\n- at: 10s\n  run: az aks nodepool add -g rg --cluster-name c --name ml --node-count 2 --labels team=ml -o none\n- at: 12m\n  run: az aks nodepool delete -g rg --cluster-name c --name ml\n";
    let text = format!(
        "{}expect:\n- at: 5s\n  that: daemonset/agent desired == 0\n- within: 12m\n  that: daemonset/agent available == 2\n- at: 29m\n  that: daemonset/agent desired == 0\n- at: 29m\n  that: daemonset/agent current == 0\n",
        cluster("", ONE_POOL, steps)
    );
    let run = run_yaml(&text, &[], &["-q"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let events = run.events();
    let created = events
        .iter()
        .filter(|e| e[6] == "SuccessfulCreate" && e[4] == "agent")
        .count();
    assert_eq!(created, 2, "one pod per node of the new pool");
}

#[test]
fn no_wait_returns_at_once_while_the_pool_keeps_scaling() {
    // az's --no-wait: the command returns when AKS accepted the operation; the pool shows
    // ProvisioningState Scaling until it is done.
    let steps = "- at: 0s\n  run: az aks scale -g rg -n c --node-count 4 --no-wait\n- at: 1s\n  run: az aks nodepool list -g rg --cluster-name c -o table\n- at: 2s\n  run: kubectl get nodes -o name\n- at: 15m\n  run: az aks nodepool list -g rg --cluster-name c -o table\n- at: 16m\n  run: kubectl get nodes -o name\n";
    let run = run_yaml(&cluster("", ONE_POOL, steps), &[], &["-q"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let t = run.file("transcript.txt");
    assert!(block(&t, "az aks scale -g rg -n c --node-count 4 --no-wait").is_empty());
    let summary: serde_json::Value =
        serde_json::from_str(&run.file("summary.json")).expect("summary.json");
    assert_eq!(summary["steps"][0]["exit_code"], 0);
    let lists: Vec<&str> = t
        .split("$ az aks nodepool list -g rg --cluster-name c -o table\n")
        .skip(1)
        .map(|rest| rest.lines().nth(2).unwrap_or(""))
        .collect();
    assert!(lists[0].contains("Scaling"), "{lists:?}");
    assert!(
        lists[1].contains("Succeeded") && lists[1].contains("  4  "),
        "{lists:?}"
    );
    let nodes: Vec<usize> = t
        .split("$ kubectl get nodes -o name\n")
        .skip(1)
        .map(|rest| rest.lines().take_while(|l| l.starts_with("node/")).count())
        .collect();
    assert_eq!(nodes, [2, 4]);
}
