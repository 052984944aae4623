//! `kubectl describe` against kubectl's describers (reference/kubectl-output.md §5 and §6.9;
//! `kubectl/pkg/describe/describe.go`, `kubectl/pkg/cmd/describe/describe.go`).

use super::support::{run_yaml, scenario};

/// A step's whole output (describe texts contain blank lines), without the exit line.
fn output<'a>(transcript: &'a str, command: &str) -> Vec<&'a str> {
    let header = format!("$ {command}");
    let mut lines = transcript.lines();
    for l in lines.by_ref() {
        if l.starts_with("[t=") && l.ends_with(&header) {
            break;
        }
    }
    let mut out: Vec<&str> = lines
        .take_while(|l| !l.starts_with("[t="))
        .filter(|l| !l.starts_with("[exit "))
        .collect();
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

/// The value column of `Title:  value` lines.
fn value<'a>(lines: &[&'a str], title: &str) -> &'a str {
    let l = lines
        .iter()
        .find(|l| l.starts_with(&format!("{title}:")))
        .unwrap_or_else(|| panic!("no {title}: in {lines:#?}"));
    l[title.len() + 1..].trim_start()
}

const WEB: &str = "    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: web}\n    spec:\n      replicas: 2\n      selector: {matchLabels: {app: web}}\n      template:\n        metadata: {labels: {app: web}}\n        spec:\n          containers:\n          - name: web\n            image: nginx:1.27\n            ports: [{containerPort: 80}]\n            resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 200m, memory: 256Mi}}\n    ---\n    apiVersion: v1\n    kind: Service\n    metadata: {name: web}\n    spec:\n      selector: {app: web}\n      ports: [{port: 80, targetPort: 80}]\n";

fn run() -> String {
    let s = scenario(
        "describe",
        "2m",
        1,
        &format!(
            "steps:\n- at: 1s\n  run: kubectl run solo --image=nginx:1.27\n- at: 2s\n  apply: |\n{WEB}- at: 60s\n  run: kubectl describe pod solo\n- at: 61s\n  run: kubectl describe deployment web\n- at: 62s\n  run: kubectl describe pods web\n- at: 63s\n  run: kubectl describe service web\n- at: 64s\n  run: kubectl describe nodes\n- at: 65s\n  run: kubectl describe pod nothing\n- at: 66s\n  run: kubectl describe deployments -n kube-system\n"
        ),
    );
    let r = run_yaml(&s, &[], &["--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.file("transcript.txt")
}

#[test]
fn describe_pod_prints_describe_pods_sections_in_order_with_its_events() {
    let t = run();
    let pod = output(&t, "kubectl describe pod solo");
    // §5.3: the lines in describePod's order (those kubesim models).
    let titles: Vec<&str> = pod
        .iter()
        .filter(|l| !l.starts_with(' '))
        .filter_map(|l| l.split(':').next())
        .collect();
    let want = [
        "Name",
        "Namespace",
        "Priority",
        "Service Account",
        "Node",
        "Start Time",
        "Labels",
        "Annotations",
        "Status",
        "IP",
        "IPs",
        "Containers",
        "Conditions",
        "QoS Class",
        "Node-Selectors",
        "Tolerations",
        "Events",
    ];
    assert_eq!(titles, want, "{pod:#?}");
    // The ServiceAccount admission plugin fills in `default` for a pod that names none.
    assert_eq!(value(&pod, "Service Account"), "default");
    // §5.1: Name … IP are one tabwriter block (padding 2): every value starts two past the
    // longest title, "Service Account:".
    let col = |l: &str| l.len() - l[l.find(':').unwrap() + 1..].trim_start().len();
    assert!(
        pod[..10]
            .iter()
            .all(|l| col(l) == "Service Account:".len() + 2),
        "{pod:#?}"
    );
    assert_eq!(value(&pod, "Status"), "Running");
    assert_eq!(value(&pod, "Labels"), "run=solo");
    // Node is name/hostIP.
    let node = value(&pod, "Node");
    assert!(
        node.starts_with("aks-pool1-") && node.contains("/10.224.0."),
        "{node}"
    );
    // Conditions rows are "%v \t%v \n": each ends with a space.
    let i = pod.iter().position(|l| *l == "Conditions:").unwrap();
    assert_eq!(
        pod[i + 1].split_whitespace().collect::<Vec<_>>(),
        ["Type", "Status"]
    );
    assert!(
        pod[i + 2..i + 7].iter().all(|l| l.ends_with("True ")),
        "{pod:#?}"
    );
    // No requests or limits: BestEffort (qos.GetPodQOS).
    assert_eq!(value(&pod, "QoS Class"), "BestEffort");
    // The DefaultTolerationSeconds admission plugin's two tolerations, printed as §5.3's
    // example prints them, the second aligned under the first.
    let i = pod
        .iter()
        .position(|l| l.starts_with("Tolerations:"))
        .unwrap();
    assert_eq!(
        value(&pod, "Tolerations"),
        "node.kubernetes.io/not-ready:NoExecute op=Exists for 300s"
    );
    assert_eq!(
        pod[i + 1].trim_start(),
        "node.kubernetes.io/unreachable:NoExecute op=Exists for 300s"
    );
    assert_eq!(
        col(pod[i]),
        pod[i + 1].len() - pod[i + 1].trim_start().len()
    );
    // §5.2: one object: Events with the scheduler's Scheduled first.
    let e = pod.iter().position(|l| *l == "Events:").unwrap();
    assert_eq!(
        pod[e + 1].split_whitespace().collect::<Vec<_>>(),
        ["Type", "Reason", "Age", "From", "Message"]
    );
    assert!(pod[e + 3].contains("Scheduled") && pod[e + 3].contains("default-scheduler"));
    assert!(pod[e + 3].contains("Successfully assigned default/solo to aks-pool1-"));
}

#[test]
fn describe_deployment_shows_replicas_strategy_and_its_replica_sets() {
    let t = run();
    let d = output(&t, "kubectl describe deployment web");
    // §5.4.
    assert_eq!(
        value(&d, "Replicas"),
        "2 desired | 2 updated | 2 total | 2 available | 0 unavailable"
    );
    assert_eq!(value(&d, "StrategyType"), "RollingUpdate");
    assert_eq!(
        value(&d, "RollingUpdateStrategy"),
        "25% max unavailable, 25% max surge"
    );
    assert_eq!(
        value(&d, "Annotations"),
        "deployment.kubernetes.io/revision: 1"
    );
    assert_eq!(value(&d, "OldReplicaSets"), "<none>");
    let new = value(&d, "NewReplicaSet");
    assert!(
        new.starts_with("web-") && new.ends_with(" (2/2 replicas created)"),
        "{new}"
    );
    // DescribePodTemplate: container names one space deeper than in a pod ("   web:").
    assert!(d.contains(&"   web:"), "{d:#?}");
    // describe.go DeploymentDescriber: after the template, rows "%v \t%v\t%v\n" at level 1;
    // "Conditions:" (no tab) ends the tabwriter block above, and the rows run on into
    // "OldReplicaSets:\t…", whose 15 characters (+ padding 2) set the first column to 17;
    // "Status" sets the second to 8. This is the layout of the deployment.md example in
    // kubectl-output reference §5.4. SetDeploymentCondition moves a changed condition to
    // the end, so Progressing (NewReplicaSetAvailable, set last) follows Available.
    let at = d
        .iter()
        .position(|l| *l == "Conditions:")
        .expect("Conditions:");
    assert_eq!(
        d[at + 1..at + 5],
        [
            "  Type           Status  Reason",
            "  ----           ------  ------",
            "  Available      True    MinimumReplicasAvailable",
            "  Progressing    True    NewReplicaSetAvailable",
        ]
    );
    assert!(d[at + 5].starts_with("OldReplicaSets:"), "{d:#?}");
    assert!(d.iter().any(|l| l.contains("ScalingReplicaSet")));
}

#[test]
fn a_name_prefix_describes_every_match_without_events() {
    let t = run();
    let pods = output(&t, "kubectl describe pods web");
    // DescribeMatchingResources: the NotFound of `web` turns events off, then each pod whose
    // name starts with `web` is printed followed by a newline.
    let names: Vec<&str> = pods
        .iter()
        .filter(|l| l.starts_with("Name:"))
        .copied()
        .collect();
    assert_eq!(names.len(), 2, "{pods:#?}");
    assert!(!pods.iter().any(|l| l.starts_with("Events:")));
    let missing = output(&t, "kubectl describe pod nothing");
    assert_eq!(
        missing,
        ["Error from server (NotFound): pods \"nothing\" not found"]
    );
    assert!(t.contains("kubectl describe pod nothing\nError from server (NotFound): pods \"nothing\" not found\n[exit 1]"));
}

#[test]
fn several_objects_are_separated_by_two_blank_lines_and_show_no_events() {
    let t = run();
    let d = output(&t, "kubectl describe deployments -n kube-system");
    // §6.9: later objects are written as "\n\n%s" after a text that ends in "\n".
    let starts: Vec<usize> = d
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with("Name:"))
        .map(|(i, _)| i)
        .collect();
    assert!(starts.len() >= 2, "{d:#?}");
    for &i in &starts[1..] {
        assert_eq!(&d[i - 2..i], ["", ""], "{d:#?}");
    }
    assert!(!d.iter().any(|l| l.starts_with("Events:")));
}

#[test]
fn describe_service_lists_ready_endpoints_on_the_target_port() {
    let t = run();
    let s = output(&t, "kubectl describe service web");
    assert_eq!(value(&s, "Type"), "ClusterIP");
    assert_eq!(value(&s, "Port"), "<unset>  80/TCP");
    assert_eq!(value(&s, "TargetPort"), "80/TCP");
    let eps: Vec<&str> = value(&s, "Endpoints").split(',').collect();
    assert_eq!(eps.len(), 2, "{s:#?}");
    assert!(
        eps.iter()
            .all(|e| e.starts_with("10.244.") && e.ends_with(":80"))
    );
    assert_eq!(value(&s, "Session Affinity"), "None");
}

#[test]
fn describe_node_totals_requests_as_a_truncated_share_of_allocatable() {
    let t = run();
    let n = output(&t, "kubectl describe nodes");
    // describeNode: int64(requests / allocatable * 100), truncated.
    let alloc = n.iter().position(|l| *l == "Allocatable:").unwrap();
    let cpu_alloc = n[alloc + 1].split_whitespace().nth(1).unwrap();
    let milli = |q: &str| -> i64 {
        q.strip_suffix('m')
            .map(|m| m.parse().unwrap())
            .unwrap_or_else(|| q.parse::<i64>().unwrap() * 1000)
    };
    let cpu_line = n
        .iter()
        .rev()
        .find(|l| l.trim_start().starts_with("cpu "))
        .unwrap();
    let cells: Vec<&str> = cpu_line.split_whitespace().collect();
    let req = milli(cells[1]);
    let pct: i64 = cells[2]
        .trim_matches(|c| c == '(' || c == ')' || c == '%')
        .parse()
        .unwrap();
    assert_eq!(pct, req * 100 / milli(cpu_alloc), "{cpu_line}");
    let total = value(&n, "Non-terminated Pods");
    assert!(
        total.starts_with('(') && total.ends_with(" in total)"),
        "{total}"
    );
    assert_eq!(value(&n, "Unschedulable"), "false");
}

const JOB_AND_STS: &str = "    apiVersion: batch/v1\n    kind: Job\n    metadata: {name: pi}\n    spec:\n      completions: 4\n      parallelism: 2\n      template:\n        spec:\n          restartPolicy: Never\n          containers: [{name: pi, image: \"perl:5.34\", command: [sleep, \"600\"]}]\n    ---\n    apiVersion: apps/v1\n    kind: StatefulSet\n    metadata: {name: db}\n    spec:\n      replicas: 2\n      serviceName: db\n      selector: {matchLabels: {app: db}}\n      template:\n        metadata: {labels: {app: db}}\n        spec:\n          containers: [{name: db, image: \"nginx:1.27\"}]\n";

#[test]
fn describe_job_and_statefulset_print_their_describers_lines() {
    let s = scenario(
        "describe-batch",
        "2m",
        1,
        &format!(
            "steps:\n- at: 1s\n  apply: |\n{JOB_AND_STS}- at: 90s\n  run: kubectl describe job pi\n- at: 91s\n  run: kubectl describe statefulset db\n"
        ),
    );
    let r = run_yaml(&s, &[], &["--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = r.file("transcript.txt");
    // describe.go describeJob, in its order; the defaulted fields always print.
    let j = output(&t, "kubectl describe job pi");
    let titles: Vec<&str> = j
        .iter()
        .filter(|l| !l.starts_with(' ') && l.contains(':'))
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(
        titles[..11],
        [
            "Name",
            "Namespace",
            "Selector",
            "Labels",
            "Annotations",
            "Parallelism",
            "Completions",
            "Completion Mode",
            "Suspend",
            "Backoff Limit",
            "Start Time",
        ],
        "{j:#?}"
    );
    assert!(value(&j, "Selector").starts_with("batch.kubernetes.io/controller-uid="));
    assert_eq!(value(&j, "Parallelism"), "2");
    assert_eq!(value(&j, "Completions"), "4");
    assert_eq!(value(&j, "Completion Mode"), "NonIndexed");
    assert_eq!(value(&j, "Suspend"), "false");
    assert_eq!(value(&j, "Backoff Limit"), "6");
    // Two pods of a 600 s sleep: running and ready, none finished.
    assert_eq!(
        value(&j, "Pods Statuses"),
        "2 Active (2 Ready) / 0 Succeeded / 0 Failed"
    );
    assert!(!j.iter().any(|l| l.starts_with("Completed At:")));
    // generateSelector's labels on the template.
    assert!(
        j.iter()
            .any(|l| l.trim_start().ends_with("batch.kubernetes.io/job-name=pi")),
        "{j:#?}"
    );
    assert!(j.iter().any(|l| l.contains("SuccessfulCreate")), "{j:#?}");

    // describe.go describeStatefulSet.
    let d = output(&t, "kubectl describe statefulset db");
    assert_eq!(value(&d, "Replicas"), "2 desired | 2 total");
    assert_eq!(value(&d, "Update Strategy"), "RollingUpdate");
    // Level 1 in the block whose widest cell is "CreationTimestamp:" (18 + padding 2).
    assert!(d.contains(&"  Partition:        0"), "{d:#?}");
    assert!(!d.iter().any(|l| l.contains("MaxUnavailable")));
    assert_eq!(
        value(&d, "Pods Status"),
        "2 Running / 0 Waiting / 0 Succeeded / 0 Failed"
    );
    assert_eq!(value(&d, "Volume Claims"), "<none>");
    assert!(
        d.iter()
            .any(|l| l.contains("create Pod db-0 in StatefulSet db successful"))
    );
}

#[test]
fn pods_carry_their_templates_annotations_and_an_indexed_jobs_pods_their_index() {
    // controller_utils.go GetPodFromTemplate copies the template's annotations to each pod;
    // the Job controller adds batch.kubernetes.io/job-completion-index as an annotation too
    // (addCompletionIndexAnnotation). describe pod prints them (printAnnotationsMultiline).
    let steps = "steps:\n- at: 1s\n  apply: |\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: web}\n    spec:\n      replicas: 1\n      selector: {matchLabels: {app: web}}\n      template:\n        metadata: {labels: {app: web}, annotations: {prometheus.io/scrape: \"true\"}}\n        spec: {containers: [{name: c, image: \"nginx:1.27\"}]}\n    ---\n    apiVersion: batch/v1\n    kind: Job\n    metadata: {name: idx}\n    spec:\n      completions: 1\n      completionMode: Indexed\n      template:\n        spec:\n          restartPolicy: Never\n          containers: [{name: c, image: \"nginx:1.27\"}]\n- at: 30s\n  run: kubectl describe pods web\n- at: 31s\n  run: kubectl describe pods idx\n";
    let r = run_yaml(&scenario("annotations", "1m", 1, steps), &[], &["--quiet"]);
    let t = r.file("transcript.txt");
    let web = output(&t, "kubectl describe pods web");
    assert_eq!(
        value(&web, "Annotations"),
        "prometheus.io/scrape: true",
        "{web:#?}"
    );
    let idx = output(&t, "kubectl describe pods idx");
    assert_eq!(
        value(&idx, "Annotations"),
        "batch.kubernetes.io/job-completion-index: 0",
        "{idx:#?}"
    );
}
