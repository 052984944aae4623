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

/// The bundled lab with its text changed by `edit`, run with invariant checks.
fn preemption_lab(edit: impl Fn(String) -> String) -> super::support::Run {
    let path = super::support::root().join("scenarios/preemption.yaml");
    let text = std::fs::read_to_string(path).expect("lab");
    let r = run_yaml(&edit(text), &[], &["-q", "--check-invariants"]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    r
}

/// `(pod, message)` of every event with this reason.
fn events(r: &super::support::Run, reason: &str) -> Vec<(String, String)> {
    r.events()
        .into_iter()
        .filter(|e| e[6] == reason)
        .map(|e| (e[4].clone(), e[8].clone()))
        .collect()
}

#[test]
fn high_priority_web_pods_preempt_the_lowest_priority_pods_and_are_nominated() {
    // Each node: system pods, one reports pod (10000) and two batch pods (1000), 400m each;
    // a 700m web pod (100000) fits nowhere. SelectVictimsOnNode removes all three, then
    // reprieves from the most important: the reports pod fits back beside the web pod, the
    // batch pods do not — so the victims are the four batch pods, the lowest priority.
    let r = preemption_lab(|s| s);
    assert_eq!(
        r.code, 0,
        "every expectation of the lab holds: {}",
        r.stdout
    );
    let preempted = events(&r, "Preempted");
    assert_eq!(preempted.len(), 4, "{preempted:?}");
    for (pod, msg) in &preempted {
        assert!(pod.starts_with("batch-"), "{pod} is not a batch pod");
        // prepareCandidate: `Preempted by pod <preemptor uid> on node <node>`.
        assert!(msg.starts_with("Preempted by pod "), "{msg}");
        assert!(
            msg.ends_with(" on node aks-nodepool1-46262649-vmss000000")
                || msg.ends_with(" on node aks-nodepool1-46262649-vmss000001"),
            "{msg}"
        );
    }
    // Two preemptors, one per node.
    let mut by: Vec<&str> = preempted
        .iter()
        .map(|(_, m)| m.split(' ').nth(3).unwrap())
        .collect();
    by.sort();
    by.dedup();
    assert_eq!(by.len(), 2, "{preempted:?}");
    // A successful preemption leaves the PostFilter message empty.
    for (pod, msg) in events(&r, "FailedScheduling") {
        if pod.starts_with("web-") {
            assert_eq!(msg, "0/2 nodes are available: 2 Insufficient cpu.");
        } else {
            // The replacements: nothing below batch-low is left to evict.
            assert_eq!(
                msg,
                "0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod."
            );
        }
    }
    // status.nominatedNodeName names the node whose room is held (NOMINATED NODE), and the
    // web pod binds there.
    let t = r.file("transcript.txt");
    let at_42 = t
        .split("[t=42.000]")
        .nth(1)
        .and_then(|rest| rest.split("[t=100.000]").next())
        .expect("the 42s listing");
    let web: Vec<Vec<&str>> = at_42
        .lines()
        .filter(|l| l.starts_with("web-"))
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(web.len(), 2, "{at_42}");
    for row in &web {
        // NAME READY STATUS RESTARTS AGE IP NODE NOMINATED-NODE READINESS-GATES
        assert!(row[7].starts_with("aks-nodepool1-"), "{row:?}");
        assert!(row[6] == "<none>" || row[6] == row[7], "{row:?}");
    }
    assert_ne!(web[0][7], web[1][7], "one web pod per node");
    // describePod prints it after Controlled By.
    let described = block(&t, "kubectl describe pod -l app=web");
    let at = described
        .iter()
        .position(|l| l.starts_with("Controlled By:"))
        .expect("Controlled By");
    assert!(
        described[at + 1].starts_with("NominatedNodeName:  aks-nodepool1-46262649-vmss00000"),
        "{described:?}"
    );
}

#[test]
fn a_never_preemption_policy_waits_instead_of_preempting() {
    // DefaultPreemption PodEligibleToPreemptOthers: `preemptionPolicy: Never` is not
    // eligible; the PostFilter message is `preemption: not eligible due to
    // preemptionPolicy=Never.`
    let r = preemption_lab(|s| {
        s.replace(
            "    value: 100000\n",
            "    value: 100000\n    preemptionPolicy: Never\n",
        )
    });
    assert_eq!(r.code, 1, "the web expectation fails");
    assert!(events(&r, "Preempted").is_empty());
    let web: Vec<(String, String)> = events(&r, "FailedScheduling")
        .into_iter()
        .filter(|(p, _)| p.starts_with("web-"))
        .collect();
    assert!(!web.is_empty());
    for (_, msg) in web {
        assert_eq!(
            msg,
            "0/2 nodes are available: 2 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never."
        );
    }
}
