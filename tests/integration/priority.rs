//! PriorityClasses and the Priority admission plugin in whole runs: the built-in classes
//! exist at t=0 (storage_scheduling.go `AddSystemPriorityClasses`), `kubectl get pc` prints
//! printers.go's priorityClassColumnDefinitions, pods get their class's value
//! (admission.go `admitPod`), an unknown class is Forbidden, and a second globalDefault is
//! refused (`validatePriorityClass`).

use super::support::{block, run_yaml, scenario};

const CLASSES: &str = r#"- at: 1s
  apply: |
    apiVersion: scheduling.k8s.io/v1
    kind: PriorityClass
    metadata: {name: high}
    value: 1000
    description: web tier
    ---
    apiVersion: scheduling.k8s.io/v1
    kind: PriorityClass
    metadata: {name: batch}
    value: 10
    globalDefault: true
    preemptionPolicy: Never
"#;

fn run(steps: &str) -> super::support::Run {
    let r = run_yaml(
        &scenario("priority", "40s", 1, &format!("steps:\n{CLASSES}{steps}")),
        &[],
        &["-q"],
    );
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    r
}

#[test]
fn get_priorityclasses_lists_the_built_in_and_the_applied_classes() {
    let r = run("- at: 5s\n  run: kubectl get pc\n");
    let t = r.file("transcript.txt");
    let out = block(&t, "kubectl get pc");
    assert_eq!(
        out,
        vec![
            "NAME                      VALUE        GLOBAL-DEFAULT   AGE   PREEMPTIONPOLICY",
            "batch                     10           true             4s    Never",
            "high                      1000         false            4s    PreemptLowerPriority",
            "system-cluster-critical   2000000000   false            5s    PreemptLowerPriority",
            "system-node-critical      2000001000   false            5s    PreemptLowerPriority",
        ]
    );
}

#[test]
fn pods_get_the_named_class_or_the_global_default_and_an_unknown_class_is_forbidden() {
    let r = run(r#"- at: 2s
  apply: |
    apiVersion: v1
    kind: Pod
    metadata: {name: named}
    spec:
      priorityClassName: high
      containers: [{name: web, image: nginx:1.27}]
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: plain}
    spec:
      containers: [{name: web, image: nginx:1.27}]
- at: 3s
  apply: |
    apiVersion: v1
    kind: Pod
    metadata: {name: lost}
    spec:
      priorityClassName: foo
      containers: [{name: web, image: nginx:1.27}]
- at: 4s
  apply: |
    apiVersion: scheduling.k8s.io/v1
    kind: PriorityClass
    metadata: {name: second}
    value: 5
    globalDefault: true
- at: 10s
  run: kubectl describe pod named
- at: 11s
  run: kubectl describe pod plain
"#);
    let t = r.file("transcript.txt");
    let named = block(&t, "kubectl describe pod named");
    assert!(named.contains(&"Priority:             1000"), "{named:?}");
    assert!(named.contains(&"Priority Class Name:  high"), "{named:?}");
    let plain = block(&t, "kubectl describe pod plain");
    assert!(plain.contains(&"Priority:             10"), "{plain:?}");
    assert!(plain.contains(&"Priority Class Name:  batch"), "{plain:?}");
    assert!(
        t.contains(
            "Error from server (Forbidden): error when creating \"STDIN\": pods \"lost\" is forbidden: no PriorityClass with name foo was found"
        ),
        "{t}"
    );
    assert!(
        t.contains(
            "priorityclasses.scheduling.k8s.io \"second\" is forbidden: PriorityClass batch is already marked as default. Only one default can exist"
        ),
        "{t}"
    );
}
