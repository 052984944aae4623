//! The rollout report (issue 7, docs/outputs.md#rollouts): summary.json's per-Deployment
//! `rollouts` and the `rollout …` lines at the end of stdout, with figures that follow from
//! the Deployment controller's rules rather than from a recorded run.

use super::support::{Run, run_file, run_yaml, scenario};
use serde_json::Value;

/// A Deployment `web` of `replicas` pods of `image`, as an `apply:` step body.
fn deploy(replicas: u32, strategy: &str, image: &str, extra: &str) -> String {
    format!(
        "  apply: |\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {{name: web}}\n    spec:\n      replicas: {replicas}\n{extra}      strategy: {strategy}\n      selector: {{matchLabels: {{app: web}}}}\n      template:\n        metadata: {{labels: {{app: web}}}}\n        spec:\n          containers:\n          - name: web\n            image: {image}\n            resources: {{requests: {{cpu: 10m}}}}\n"
    )
}

const SURGE_ONE: &str = "{type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}";
const RECREATE: &str = "{type: Recreate}";

/// `web`'s rollouts from summary.json.
fn rollouts(run: &Run) -> Vec<Value> {
    let s: Value = serde_json::from_str(&run.file("summary.json")).expect("summary.json");
    let d = s["deployments"]
        .as_array()
        .expect("deployments")
        .iter()
        .find(|d| d["namespace"] == "default" && d["name"] == "web")
        .expect("web in summary.json")
        .clone();
    d["rollouts"].as_array().expect("rollouts").clone()
}

fn int(v: &Value, key: &str) -> i64 {
    v[key]
        .as_i64()
        .unwrap_or_else(|| panic!("{key} is an integer in {v}"))
}

/// Runs `web` (4 replicas, `strategy`) applied with each (at, image) in turn on 2 nodes for
/// 3 minutes, then `extra` steps; the run must pass.
fn run_applies(name: &str, strategy: &str, applies: &[(&str, &str)], extra: &str) -> Run {
    let mut steps = String::from("steps:\n");
    for (at, image) in applies {
        steps.push_str(&format!("- at: {at}\n{}", deploy(4, strategy, image, "")));
    }
    steps.push_str(extra);
    let run = run_yaml(&scenario(name, "3m", 2, &steps), &[], &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    run
}

/// `web` created at 0 s and updated at 1 m with `strategy`: the run and its second rollout,
/// which must have completed.
fn one_update(name: &str, strategy: &str) -> (Run, Value) {
    let applies = [("0s", "nginx:1.26"), ("1m", "nginx:1.27")];
    let run = run_applies(name, strategy, &applies, "");
    let r = rollouts(&run);
    assert_eq!(r.len(), 2, "{r:?}");
    assert_eq!(r[1]["outcome"], "complete", "{}", r[1]);
    let update = r[1].clone();
    (run, update)
}

fn stdout_rollouts(run: &Run) -> Vec<&str> {
    run.stdout
        .lines()
        .filter(|l| l.starts_with("rollout "))
        .collect()
}

#[test]
fn creation_is_rollout_one_and_a_template_change_rollout_two() {
    // `kubectl rollout history` lists revision 1 for the creation; a changed template makes
    // a new ReplicaSet with revision max+1 (deployment_util.go SetNewReplicaSetAnnotations).
    // A scale is no rollout.
    let run = run_applies(
        "report",
        SURGE_ONE,
        &[("0s", "nginx:1.26"), ("30s", "nginx:1.27")],
        "- at: 1m30s\n  run: kubectl scale deployment web --replicas=5\n",
    );
    let r = rollouts(&run);
    assert_eq!(r.len(), 2, "{r:?}");
    assert_eq!(int(&r[0], "revision"), 1);
    assert_eq!(int(&r[1], "revision"), 2);
    // The second starts when the re-applied template is stored, at or after 30 s.
    assert!(int(&r[1], "start_us") >= 30_000_000);
    assert!(int(&r[0], "end_us") <= int(&r[1], "start_us"));
    for x in &r {
        assert_eq!(x["outcome"], "complete", "{x}");
        assert_eq!(int(x, "duration_us"), int(x, "end_us") - int(x, "start_us"));
        assert_eq!(x["progress_deadline_exceeded_us"], Value::Null);
    }
    // From nothing, every pod starts unavailable: the least is 0 and the deficit is positive.
    assert_eq!(int(&r[0], "min_available_replicas"), 0);
    assert!(int(&r[0], "unavailable_pod_us") > 0);
}

#[test]
fn max_surge_one_max_unavailable_zero_never_dips_and_surges_by_one() {
    // rolling.go: with maxUnavailable 0 reconcileOldReplicaSets scales old pods down only
    // as new ones become available (minAvailable = replicas − 0), and NewRSNewReplicas caps
    // the ReplicaSets' summed spec.replicas at replicas + maxSurge = 4 + 1.
    let (run, update) = one_update("surge-one", SURGE_ONE);
    let update = &update;
    assert_eq!(int(update, "desired"), 4);
    assert_eq!(int(update, "min_available_replicas"), 4);
    assert_eq!(int(update, "unavailable_pod_us"), 0);
    assert_eq!(int(update, "max_surge_replicas"), 1);
    let lines = stdout_rollouts(&run);
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(
        lines[1].starts_with("rollout default/web revision 2: "),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].ends_with(", min available 4/4, unavailable 0.0 pod-s, surge peak +1, complete"),
        "{}",
        lines[1]
    );
}

#[test]
fn a_recreate_rollout_drops_to_zero_and_never_surges() {
    // recreate.go: every old pod is scaled away and gone before the new ReplicaSet is
    // created, so availability reaches 0 and the summed spec.replicas never exceed replicas.
    let (_run, update) = one_update("recreate-report", RECREATE);
    let update = &update;
    assert_eq!(int(update, "revision"), 2);
    assert_eq!(int(update, "min_available_replicas"), 0);
    assert_eq!(int(update, "max_surge_replicas"), 0);
    // All 4 pods are unavailable at least from the last old pod's end to the first new one's
    // start: more than nothing, and never more than 4 pods for the whole rollout.
    let u = int(update, "unavailable_pod_us");
    assert!(u > 0 && u <= 4 * int(update, "duration_us"), "{update}");
}

#[test]
fn the_bundled_rolling_update_surges_by_three_and_dips_to_eight() {
    // scenarios/rolling-update.yaml: 10 replicas at 25%/25% resolve to maxSurge ⌈2.5⌉ = 3
    // and maxUnavailable ⌊2.5⌋ = 2 (ResolveFenceposts); the first sync creates the new
    // ReplicaSet at 3 and scales the old one to 8, so the peak is +3 and the floor 8.
    let run = run_file(
        &super::support::root().join("scenarios/rolling-update.yaml"),
        &[],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let r = rollouts(&run);
    assert_eq!(r.len(), 2, "{r:?}");
    assert_eq!(int(&r[1], "max_surge_replicas"), 3);
    assert_eq!(int(&r[1], "min_available_replicas"), 8);
    // At most 2 pods short for the rollout's whole length.
    assert!(int(&r[1], "unavailable_pod_us") <= 2 * int(&r[1], "duration_us"));
}

#[test]
fn a_template_change_before_completion_supersedes_the_running_rollout() {
    // Each new template is a new revision; the earlier one never completes (its ReplicaSet
    // is now an old one, scaled down by the next rollout).
    let run = run_applies(
        "superseded",
        SURGE_ONE,
        &[
            ("0s", "nginx:1.26"),
            ("1m", "nginx:1.27"),
            ("1m1s", "nginx:1.28"),
        ],
        "",
    );
    let r = rollouts(&run);
    let outcomes: Vec<&str> = r.iter().map(|x| x["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["complete", "superseded", "complete"]);
    let revisions: Vec<i64> = r.iter().map(|x| int(x, "revision")).collect();
    assert_eq!(revisions, [1, 2, 3]);
    assert_eq!(r[1]["end_us"], Value::Null);
    assert_eq!(r[1]["duration_us"], Value::Null);
    let lines = stdout_rollouts(&run);
    assert!(lines[1].ends_with(", superseded"), "{}", lines[1]);
    // Superseded after the second apply, 1 s after the first (the same store latency).
    assert!(
        lines[1].contains(": 1.0") || lines[1].contains(": 0.9"),
        "{}",
        lines[1]
    );
}

#[test]
fn a_rollout_past_its_deadline_reports_progress_deadline_exceeded() {
    // progress.go: no new pod can schedule (100 CPUs), so 30 s after the last progress
    // DeploymentTimedOut turns Progressing False/ProgressDeadlineExceeded; the rollout is still
    // the current one at the end.
    let deadline = "      progressDeadlineSeconds: 30\n";
    let stuck = deploy(2, SURGE_ONE, "nginx", deadline).replace("cpu: 10m", "cpu: '100'");
    let steps = format!(
        "steps:\n- at: 0s\n{}- at: 1m\n{stuck}",
        deploy(2, SURGE_ONE, "nginx", deadline)
    );
    let run = run_yaml(&scenario("stuck-report", "4m", 1, &steps), &[], &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let r = rollouts(&run);
    assert_eq!(r.len(), 2, "{r:?}");
    assert_eq!(r[1]["outcome"], "progress_deadline_exceeded", "{}", r[1]);
    let t = int(&r[1], "progress_deadline_exceeded_us");
    assert!((90_000_000..=100_000_000).contains(&t), "{t}");
    // maxUnavailable 0: the old pods keep serving; maxSurge 1: one new pod asked for.
    assert_eq!(int(&r[1], "min_available_replicas"), 2);
    assert_eq!(int(&r[1], "max_surge_replicas"), 1);
    assert!(stdout_rollouts(&run)[1].ends_with(", progress deadline exceeded"));
}

#[test]
fn the_blue_green_lab_switches_the_selector_once_green_is_available() {
    // scenarios/blue-green.yaml: a strategic merge patch merges the selector map, so `app`
    // stays and only `version` changes; both Deployments report one complete rollout.
    let run = run_file(
        &super::support::root().join("scenarios/blue-green.yaml"),
        &[],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let t = run.file("transcript.txt");
    let (before, after) = t
        .split_once("$ kubectl patch service web")
        .expect("the patch step");
    assert!(before.contains(" app=web,version=blue\n"), "{t}");
    assert!(after.contains(" app=web,version=green\n"), "{t}");
    assert!(!after.contains("version=blue"), "{t}");
    let lines = stdout_rollouts(&run);
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(lines[0].starts_with("rollout default/web-blue revision 1: "));
    assert!(lines[1].starts_with("rollout default/web-green revision 1: "));
    assert!(lines.iter().all(|l| l.ends_with(", complete")), "{lines:?}");
}
