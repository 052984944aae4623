//! Each v1 command's output against kubectl's (reference/kubectl-output.md).

use super::support::{block, run_yaml, scenario};

fn deployment(name: &str, replicas: u32) -> String {
    format!(
        "    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {{name: {name}, labels: {{tier: web}}}}\n    spec:\n      replicas: {replicas}\n      selector: {{matchLabels: {{app: {name}}}}}\n      template:\n        metadata: {{labels: {{app: {name}}}}}\n        spec: {{containers: [{{name: c, image: \"nginx:1.25\"}}]}}\n"
    )
}

#[test]
fn run_twice_reports_already_exists_and_exit_1() {
    let s = scenario(
        "cmds",
        "1m",
        1,
        "steps:\n- at: 1s\n  run: kubectl run web --image=nginx\n- at: 5s\n  run: kubectl run web --image=nginx\n",
    );
    let r = run_yaml(&s, &[], &["--quiet"]);
    assert_eq!(r.code, 0);
    let t = r.file("transcript.txt");
    // reference §7.2: `Error from server (AlreadyExists): pods "web" already exists`, exit 1.
    assert!(
        t.contains("Error from server (AlreadyExists): pods \"web\" already exists\n[exit 1]"),
        "{t}"
    );
    assert!(r.file("summary.json").contains("\"exit_code\": 1"));
}

#[test]
fn get_of_a_missing_object_is_not_found() {
    let s = scenario(
        "cmds",
        "1m",
        1,
        "steps:\n- at: 1s\n  run: kubectl get pod nope\n",
    );
    let r = run_yaml(&s, &[], &["--quiet"]);
    let t = r.file("transcript.txt");
    // reference §7.2.
    assert_eq!(
        block(&t, "kubectl get pod nope"),
        [
            "Error from server (NotFound): pods \"nope\" not found",
            "[exit 1]"
        ]
    );
}

#[test]
fn get_with_nothing_to_list_says_no_resources_found() {
    let s = scenario(
        "cmds",
        "1m",
        1,
        "steps:\n- at: 1s\n  run: kubectl get deployments\n",
    );
    let r = run_yaml(&s, &[], &["--quiet"]);
    // reference §1.1 rule 3: `No resources found in <ns> namespace.` on stderr, exit 0.
    assert_eq!(
        block(&r.file("transcript.txt"), "kubectl get deployments"),
        ["No resources found in default namespace."]
    );
}

#[test]
fn a_load_balancer_shows_pending_until_it_is_provisioned() {
    let s = scenario(
        "lb",
        "5m",
        1,
        "steps:\n- at: 1s\n  apply: |\n    apiVersion: v1\n    kind: Service\n    metadata: {name: lb}\n    spec:\n      type: LoadBalancer\n      ports: [{port: 80}]\n      selector: {app: x}\n- at: 2s\n  run: kubectl get svc lb\n- at: 4m\n  id: later\n  run: kubectl get services lb\n",
    );
    let r = run_yaml(&s, &[], &["--quiet"]);
    let t = r.file("transcript.txt");
    // reference §1.4 Services: EXTERNAL-IP `<pending>` with no ingress; `80:<nodePort>/TCP`.
    let early = block(&t, "kubectl get svc lb");
    assert_eq!(
        early[0].split_whitespace().collect::<Vec<_>>(),
        [
            "NAME",
            "TYPE",
            "CLUSTER-IP",
            "EXTERNAL-IP",
            "PORT(S)",
            "AGE"
        ]
    );
    assert_eq!(early[1].split_whitespace().nth(3), Some("<pending>"));
    let late = block(&t, "kubectl get services lb");
    assert_ne!(late[1].split_whitespace().nth(3), Some("<pending>"));
}

#[test]
fn create_deployment_labels_app_and_names_the_container_after_the_image() {
    let s = scenario(
        "cmds",
        "2m",
        2,
        "steps:\n- at: 1s\n  run: kubectl create deployment hello --image=mcr.microsoft.com/azuredocs/aks-helloworld:v1 --replicas=2\n- at: 90s\n  run: kubectl get deploy -o wide\n- at: 95s\n  run: kubectl get pods -l app=hello -o name\n",
    );
    let r = run_yaml(&s, &[], &["--quiet"]);
    let t = r.file("transcript.txt");
    assert_eq!(
        block(
            &t,
            "kubectl create deployment hello --image=mcr.microsoft.com/azuredocs/aks-helloworld:v1 --replicas=2"
        ),
        ["deployment.apps/hello created"]
    );
    // CONTRACT §6: label app=NAME, container named after the image's last path segment
    // without its tag; reference §1.4 wide columns CONTAINERS IMAGES SELECTOR.
    let wide = block(&t, "kubectl get deploy -o wide");
    let cells: Vec<&str> = wide[1].split_whitespace().collect();
    assert_eq!(
        &cells[cells.len() - 3..],
        [
            "aks-helloworld",
            "mcr.microsoft.com/azuredocs/aks-helloworld:v1",
            "app=hello"
        ]
    );
    // reference §6.1: `-o name` prints `pod/<name>`.
    let names = block(&t, "kubectl get pods -l app=hello -o name");
    assert_eq!(names.len(), 2);
    assert!(names.iter().all(|n| n.starts_with("pod/hello-")));
}

#[test]
fn scale_of_a_missing_deployment_is_not_found() {
    let s = scenario(
        "cmds",
        "1m",
        1,
        "steps:\n- at: 1s\n  run: kubectl scale deployment nope --replicas=2\n",
    );
    let r = run_yaml(&s, &[], &["--quiet"]);
    let t = r.file("transcript.txt");
    assert!(
        t.contains("Error from server (NotFound): deployments.apps \"nope\" not found"),
        "{t}"
    );
}

#[test]
fn apply_twice_says_unchanged_then_configured_after_a_change() {
    let s = scenario(
        "apply",
        "2m",
        2,
        &format!(
            "steps:\n- at: 1s\n  apply: |\n{}- at: 30s\n  apply: |\n{}- at: 60s\n  id: third\n  apply: |\n{}",
            deployment("web", 2),
            deployment("web", 2),
            deployment("web", 4)
        ),
    );
    let r = run_yaml(&s, &[], &["--quiet"]);
    let t = r.file("transcript.txt");
    // reference §6.1: created / unchanged / configured.
    let lines: Vec<&str> = t
        .lines()
        .filter(|l| l.starts_with("deployment.apps/web"))
        .collect();
    assert_eq!(
        lines,
        [
            "deployment.apps/web created",
            "deployment.apps/web unchanged",
            "deployment.apps/web configured"
        ]
    );
}

#[test]
fn get_of_several_kinds_prefixes_names_with_the_kind() {
    let s = scenario(
        "multi",
        "1m",
        1,
        &format!(
            "steps:\n- at: 1s\n  apply: |\n{}- at: 40s\n  run: kubectl get deploy,rs\n",
            deployment("web", 1)
        ),
    );
    let r = run_yaml(&s, &[], &["--quiet"]);
    let t = r.file("transcript.txt");
    let b = block(&t, "kubectl get deploy,rs");
    // reference §1.1 rule 6: NAME becomes `deployment.apps/web`, `replicaset.apps/web-…`.
    assert!(
        b.iter().any(|l| l.starts_with("deployment.apps/web ")),
        "{b:?}"
    );
    assert!(t.contains("\nreplicaset.apps/web-"), "{t}");
}

#[test]
fn create_namespace_then_apply_into_it_and_delete_from_a_file() {
    let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: dev}\ndata: {a: \"1\", b: \"2\"}\n";
    let s = scenario(
        "ns",
        "1m",
        1,
        "steps:\n- at: 1s\n  run: kubectl create namespace dev\n- at: 2s\n  run: kubectl apply -f cm.yaml\n- at: 3s\n  run: kubectl get configmaps -n dev\n- at: 4s\n  run: kubectl delete -f cm.yaml\n- at: 5s\n  run: kubectl get cm -n dev\n",
    );
    let r = run_yaml(&s, &[("cm.yaml", manifest)], &["--quiet"]);
    let t = r.file("transcript.txt");
    // reference §6.1 / §6.2 and §1.4 ConfigMaps (NAME DATA AGE, DATA = len(data)).
    assert_eq!(
        block(&t, "kubectl create namespace dev"),
        ["namespace/dev created"]
    );
    assert_eq!(
        block(&t, "kubectl apply -f cm.yaml"),
        ["configmap/settings created"]
    );
    // The root CA publisher's kube-root-ca.crt (one key, ca.crt) is in every namespace.
    let cm = block(&t, "kubectl get configmaps -n dev");
    let rows: Vec<Vec<&str>> = cm[1..]
        .iter()
        .map(|l| l.split_whitespace().take(2).collect())
        .collect();
    assert_eq!(rows, [["kube-root-ca.crt", "1"], ["settings", "2"]]);
    assert_eq!(
        block(&t, "kubectl delete -f cm.yaml"),
        ["configmap \"settings\" deleted from dev namespace"]
    );
    let left = block(&t, "kubectl get cm -n dev");
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(left[1].starts_with("kube-root-ca.crt "), "{left:?}");
}

#[test]
fn apply_into_a_missing_namespace_fails_at_run_time() {
    let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: nowhere}\n";
    let s = scenario(
        "ns",
        "1m",
        1,
        "steps:\n- at: 1s\n  run: kubectl apply -f cm.yaml\n",
    );
    let r = run_yaml(&s, &[("cm.yaml", manifest)], &["--quiet"]);
    assert_eq!(
        r.code, 0,
        "a failing command is simulated behaviour, not bad input"
    );
    // reference §7.1 (AddSourceToErr) and §7.2 (NotFound of the namespace).
    assert_eq!(
        block(&r.file("transcript.txt"), "kubectl apply -f cm.yaml"),
        [
            "Error from server (NotFound): error when creating \"cm.yaml\": namespaces \"nowhere\" not found",
            "[exit 1]"
        ]
    );
}

#[test]
fn get_events_wide_shows_the_kubelets_node_as_source_host() {
    let s = scenario(
        "ev",
        "1m",
        1,
        "steps:\n- at: 1s\n  run: kubectl run web --image=nginx\n- at: 40s\n  run: kubectl get events -o wide\n",
    );
    let r = run_yaml(&s, &[], &["--quiet"]);
    let t = r.file("transcript.txt");
    let b = block(&t, "kubectl get events -o wide");
    // reference §1.4 Events: the wide columns in order; SOURCE is `component, host`.
    let header: Vec<&str> = b[0]
        .split("   ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        header,
        [
            "LAST SEEN",
            "TYPE",
            "REASON",
            "OBJECT",
            "SUBOBJECT",
            "SOURCE",
            "MESSAGE",
            "FIRST SEEN",
            "COUNT",
            "NAME"
        ]
    );
    assert!(
        b.iter()
            .any(|l| l.contains("Pulling") && l.contains("kubelet, aks-pool1-")),
        "{b:?}"
    );
    assert!(
        b.iter()
            .any(|l| l.contains("Scheduled") && l.contains("default-scheduler")),
        "{b:?}"
    );
}

#[test]
fn get_events_lists_by_storage_key_so_a_pods_events_come_before_its_owners() {
    // The API server lists Events by key `<ns>/<object>.<hex Unix ns>` and kubectl does not
    // sort them: `web-<hash>-<id>.` < `web-<hash>.` < `web.` because '-' sorts before '.'.
    let s = scenario(
        "ev",
        "2m",
        1,
        "steps:\n- at: 1s\n  run: kubectl create deployment web --image=nginx --replicas=1\n- at: 90s\n  run: kubectl get events -o wide\n",
    );
    let r = run_yaml(&s, &[], &["--quiet"]);
    let t = r.file("transcript.txt");
    let b = block(&t, "kubectl get events -o wide");
    let objects: Vec<&str> = b[1..]
        .iter()
        .filter_map(|l| l.split_whitespace().find(|w| w.contains('/')))
        .collect();
    let first = |prefix: &str| objects.iter().position(|o| o.starts_with(prefix));
    let (pod, rs, deploy) = (
        first("pod/web-").expect("pod events"),
        first("replicaset/web-").expect("ReplicaSet events"),
        first("deployment/web").expect("Deployment events"),
    );
    assert!(pod < rs && rs < deploy, "{objects:?}");
    // NAME is `<object>.<hex>`, unique per Event.
    let names: Vec<&str> = b[1..]
        .iter()
        .filter_map(|l| l.split_whitespace().last())
        .collect();
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "{names:?}");
    assert!(names.iter().all(|n| {
        n.rsplit_once('.')
            .is_some_and(|(_, h)| u64::from_str_radix(h, 16).is_ok())
    }));
}

#[test]
fn delete_by_selector_lists_then_deletes_each_match_and_the_replica_set_heals() {
    let s = scenario(
        "heal",
        "2m",
        1,
        &format!(
            "steps:\n- at: 1s\n  apply: |\n{}- at: 30s\n  run: kubectl delete pods -l app=web\n- at: 31s\n  run: kubectl delete configmaps --all\n- at: 32s\n  run: kubectl delete pods -l app=nothing --wait=false\n- at: 40s\n  run: kubectl get configmaps\nexpect:\n- at: 30s\n  that: deployment/web available_replicas == 2\n- within: 31s..110s\n  that: deployment/web available_replicas == 2\n",
            deployment("web", 2)
        ),
    );
    let r = run_yaml(&s, &[], &["--quiet"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let t = r.file("transcript.txt");
    // delete.go DeleteResult: one line per object the LIST returned, in name order, then the
    // wait; nothing found is `No resources found` and exit 0.
    let lines = block(&t, "kubectl delete pods -l app=web");
    assert_eq!(lines.len(), 2, "{t}");
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted);
    for l in &lines {
        assert!(
            l.starts_with("pod \"web-") && l.ends_with("\" deleted from default namespace"),
            "{l}"
        );
    }
    // The only ConfigMap is the root CA publisher's, which publishes it again.
    assert_eq!(
        block(&t, "kubectl delete configmaps --all"),
        ["configmap \"kube-root-ca.crt\" deleted from default namespace"]
    );
    let again = block(&t, "kubectl get configmaps");
    assert!(
        again.len() == 2 && again[1].starts_with("kube-root-ca.crt "),
        "{again:?}"
    );
    assert_eq!(
        block(&t, "kubectl delete pods -l app=nothing --wait=false"),
        ["No resources found"]
    );
    // The ReplicaSet controller replaced the deleted pods with new names.
    let created: Vec<_> = r
        .events()
        .into_iter()
        .filter(|e| e.iter().any(|f| f == "SuccessfulCreate"))
        .collect();
    assert_eq!(created.len(), 4, "2 at the start, 2 replacements");
}

#[test]
fn every_namespace_has_a_default_service_account_and_a_deleted_one_comes_back() {
    // serviceaccounts_controller.go: `default` in every active namespace (the four at t=0 and
    // a new one moments after it), created again after a delete; printServiceAccount's
    // columns NAME, SECRETS (len(secrets): 0, no token Secrets since 1.24), AGE.
    let s = scenario(
        "sa",
        "1m",
        1,
        "steps:\n- at: 1s\n  run: kubectl get serviceaccounts -A\n- at: 2s\n  run: kubectl create namespace dev\n- at: 5s\n  run: kubectl get sa -n dev\n- at: 6s\n  run: kubectl delete sa default -n dev\n- at: 10s\n  run: kubectl get sa -n dev -o name\n",
    );
    let r = run_yaml(&s, &[], &["--quiet"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let t = r.file("transcript.txt");
    let all: Vec<Vec<&str>> = block(&t, "kubectl get serviceaccounts -A")
        .iter()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(all[0], ["NAMESPACE", "NAME", "SECRETS", "AGE"]);
    let rows: Vec<_> = all[1..].iter().map(|r| (r[0], r[1], r[2])).collect();
    assert_eq!(
        rows,
        [
            ("default", "default", "0"),
            ("kube-node-lease", "default", "0"),
            ("kube-public", "default", "0"),
            ("kube-system", "default", "0"),
        ]
    );
    let dev = block(&t, "kubectl get sa -n dev");
    assert_eq!(dev.len(), 2, "{dev:?}");
    assert!(dev[1].starts_with("default "), "{dev:?}");
    assert_eq!(
        block(&t, "kubectl delete sa default -n dev"),
        ["serviceaccount \"default\" deleted from dev namespace"]
    );
    assert_eq!(
        block(&t, "kubectl get sa -n dev -o name"),
        ["serviceaccount/default"]
    );
}

#[test]
fn pods_of_a_missing_service_account_are_forbidden_until_it_exists() {
    // plugin/pkg/admission/serviceaccount/admission.go: the named account must exist, else
    // `error looking up service account <ns>/<name>: serviceaccount "<name>" not found`
    // (Forbidden); the ReplicaSet controller records FailedCreate `Error creating: …` and
    // retries with its rate limiter until the account appears.
    let s = scenario(
        "sa",
        "3m",
        1,
        "steps:\n- at: 1s\n  apply: |\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: web}\n    spec:\n      replicas: 2\n      selector: {matchLabels: {app: web}}\n      template:\n        metadata: {labels: {app: web}}\n        spec:\n          serviceAccountName: app\n          containers: [{name: c, image: \"nginx:1.25\"}]\n- at: 20s\n  run: kubectl get pods\n- at: 30s\n  apply: |\n    apiVersion: v1\n    kind: ServiceAccount\n    metadata: {name: app}\nexpect:\n- at: 29s\n  that: deployment/web replicas == 0\n- within: 30s..2m\n  that: deployment/web available_replicas == 2\n",
    );
    let r = run_yaml(&s, &[], &["--quiet"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let t = r.file("transcript.txt");
    assert_eq!(
        block(&t, "kubectl get pods"),
        ["No resources found in default namespace."]
    );
    let failed: Vec<Vec<String>> = r
        .events()
        .into_iter()
        .filter(|e| e.iter().any(|f| f == "FailedCreate"))
        .collect();
    assert!(!failed.is_empty(), "no FailedCreate");
    let msg = failed[0].last().expect("a message");
    assert!(
        msg.starts_with("Error creating: pods \"web-")
            && msg.ends_with(
                "-\" is forbidden: error looking up service account default/app: serviceaccount \"app\" not found"
            ),
        "{msg}"
    );
}
