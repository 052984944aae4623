//! `kubectl label`, `annotate`, `patch` and `wait` in whole runs: their lines as kubectl
//! prints them, and what the cluster does with the change.

use super::support::{run_yaml, scenario};

const WEB: &str = "- at: 1s\n  apply: |\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: web}\n    spec:\n      replicas: 2\n      selector: {matchLabels: {app: web}}\n      template:\n        metadata: {labels: {app: web}}\n        spec: {containers: [{name: c, image: \"nginx:1.25\"}]}\n";

/// Every line a command printed, across the blocks of a command that blocked.
fn output(transcript: &str, command: &str) -> Vec<String> {
    let header = format!("$ {command}");
    let mut out = Vec::new();
    let mut inside = false;
    for l in transcript.lines() {
        if l.starts_with("[t=") {
            inside = l.ends_with(&header);
        } else if inside && !l.is_empty() {
            out.push(l.to_string());
        }
    }
    out
}

fn pods_named(transcript: &str, command: &str) -> Vec<(String, String)> {
    output(transcript, command)
        .iter()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split_whitespace().collect();
            (cells[0].to_string(), cells[cells.len() - 1].to_string())
        })
        .collect()
}

#[test]
fn relabelling_a_pod_out_of_its_replica_set_orphans_it_and_a_replacement_starts() {
    // controller_ref_manager.go ClaimObject releases the pod the selector no longer matches;
    // the ReplicaSet counts one pod short and creates another (replica_set.go manageReplicas).
    let steps = format!(
        "steps:\n{WEB}- at: 2s\n  run: kubectl wait --for=condition=Available deployment/web --timeout=60s\n- at: 30s\n  run: kubectl label pods -l app=web team=a\n- at: 31s\n  run: kubectl label pods -l app=web team=b\n- at: 35s\n  run: kubectl label pods --all app=moved --overwrite\n- at: 60s\n  run: kubectl get pods --show-labels\n"
    );
    let r = run_yaml(&scenario("verbs", "2m", 1, &steps), &[], &["--quiet"]);
    let t = r.file("transcript.txt");
    assert_eq!(
        output(
            &t,
            "kubectl wait --for=condition=Available deployment/web --timeout=60s"
        ),
        ["deployment.apps/web condition met"]
    );
    let first = output(&t, "kubectl label pods -l app=web team=a");
    assert_eq!(first.len(), 2, "{t}");
    assert!(
        first
            .iter()
            .all(|l| l.starts_with("pod/web-") && l.ends_with(" labeled"))
    );
    // label.go validateNoOverwrites, once per pod; the command exits 1.
    assert_eq!(
        output(&t, "kubectl label pods -l app=web team=b"),
        [
            "error: 'team' already has a value (a), and --overwrite is false",
            "error: 'team' already has a value (a), and --overwrite is false",
            "[exit 1]"
        ]
    );
    let pods = pods_named(&t, "kubectl get pods --show-labels");
    assert_eq!(pods.len(), 4, "two orphans and two replacements: {t}");
    let moved = pods
        .iter()
        .filter(|(_, l)| l.starts_with("app=moved,"))
        .count();
    assert_eq!(moved, 2);
    // The orphans keep running; only the replacements carry the selector's label.
    assert_eq!(
        pods.iter()
            .filter(|(_, l)| l.starts_with("app=web,"))
            .count(),
        2
    );
}

#[test]
fn a_patch_of_the_template_starts_a_rollout_and_a_repeat_is_no_change() {
    let steps = format!(
        "steps:\n{WEB}- at: 30s\n  run: kubectl patch deployment web -p '{{\"spec\":{{\"template\":{{\"spec\":{{\"containers\":[{{\"name\":\"c\",\"image\":\"nginx:1.26\"}}]}}}}}}}}'\n- at: 31s\n  run: kubectl patch deployment web --type=merge -p '{{\"spec\":{{\"replicas\":2}}}}'\n- at: 90s\n  run: kubectl get rs\n"
    );
    let r = run_yaml(&scenario("verbs", "2m", 1, &steps), &[], &["--quiet"]);
    let t = r.file("transcript.txt");
    assert!(t.contains("deployment.apps/web patched\n"), "{t}");
    // patch.go: an unchanged object prints `patched (no change)`.
    assert!(
        t.contains("deployment.apps/web patched (no change)\n"),
        "{t}"
    );
    let rs = output(&t, "kubectl get rs");
    assert_eq!(rs.len(), 3, "a second ReplicaSet for the new template: {t}");
    let desired: Vec<&str> = rs[1..]
        .iter()
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(desired.iter().filter(|d| **d == "2").count(), 1, "{t}");
    assert_eq!(desired.iter().filter(|d| **d == "0").count(), 1, "{t}");
}

#[test]
fn wait_times_out_and_waits_for_deletion() {
    let steps = format!(
        "steps:\n{WEB}- at: 2s\n  run: kubectl wait --for=condition=Ready=false pods --all --timeout=10s\n- at: 3s\n  run: kubectl wait --for=condition=Progressing pods --all --timeout=10s\n- at: 30s\n  run: kubectl wait --for=delete deployment/web --timeout=1m\n- at: 31s\n  run: kubectl delete deployment web --wait=false\n- at: 40s\n  run: kubectl annotate deployment web a=b\n"
    );
    let r = run_yaml(&scenario("verbs", "2m", 1, &steps), &[], &["--quiet"]);
    let t = r.file("transcript.txt");
    // Started but not yet ready: Ready is False, which `Ready=false` waits for.
    let not_ready = output(
        &t,
        "kubectl wait --for=condition=Ready=false pods --all --timeout=10s",
    );
    assert_eq!(not_ready.len(), 2, "{t}");
    assert!(
        not_ready.iter().all(|l| l.ends_with(" condition met")),
        "{t}"
    );
    // A condition pods never report is waited for until the timeout.
    let timed_out = output(
        &t,
        "kubectl wait --for=condition=Progressing pods --all --timeout=10s",
    );
    // wait.go: `timed out waiting for the condition on <resource>/<name>`, exit 1.
    assert_eq!(timed_out.len(), 2, "{t}");
    assert!(timed_out[0].starts_with("error: timed out"), "{t}");
    assert!(timed_out[0].starts_with("error: timed out waiting for the condition on pods/web-"));
    assert_eq!(timed_out[1], "[exit 1]");
    assert_eq!(
        output(&t, "kubectl wait --for=delete deployment/web --timeout=1m"),
        ["deployment.apps/web condition met"]
    );
    assert_eq!(
        output(&t, "kubectl annotate deployment web a=b"),
        [
            "Error from server (NotFound): deployments.apps \"web\" not found",
            "[exit 1]"
        ]
    );
}

#[test]
fn wait_for_a_job_to_complete_ends_when_the_controller_writes_complete() {
    // cmd/wait/wait.go checkCondition matches the condition type with strings.EqualFold, so
    // `--for=condition=complete` waits for the Job controller's `Complete` condition, which
    // it adds once `completions` pods succeeded (job_controller.go).
    let steps = "images:\n  registry.example/job:1: {runFor: 20s, exitCode: 0}\nsteps:\n- at: 1s\n  apply: |\n    apiVersion: batch/v1\n    kind: Job\n    metadata: {name: pi}\n    spec:\n      completions: 2\n      parallelism: 2\n      template:\n        spec:\n          restartPolicy: Never\n          containers: [{name: pi, image: \"registry.example/job:1\"}]\n- at: 2s\n  run: kubectl wait --for=condition=complete job/pi --timeout=2m\n- at: 3s\n  run: kubectl wait --for=condition=Complete job/pi --timeout=5s\n";
    let r = run_yaml(&scenario("verbs", "2m", 1, steps), &[], &["--quiet"]);
    let t = r.file("transcript.txt");
    assert_eq!(
        output(
            &t,
            "kubectl wait --for=condition=complete job/pi --timeout=2m"
        ),
        ["job.batch/pi condition met"],
        "{t}"
    );
    // The pods run 20 s after starting at ≥ 1 s, so the wait ends after t = 21 s.
    let ended = t
        .lines()
        .find(|l| {
            l.ends_with("(continued) $ kubectl wait --for=condition=complete job/pi --timeout=2m")
        })
        .and_then(|l| {
            l.strip_prefix("[t=")?
                .split(']')
                .next()?
                .parse::<f64>()
                .ok()
        })
        .expect("the wait printed after it blocked");
    assert!(ended > 21.0, "{t}");
    assert_eq!(
        output(
            &t,
            "kubectl wait --for=condition=Complete job/pi --timeout=5s"
        ),
        [
            "error: timed out waiting for the condition on jobs/pi",
            "[exit 1]"
        ]
    );
}
