//! `kubectl set image` and `kubectl rollout …` end to end (issue 7): the lines kubectl
//! prints (rollout_status.go, rollback.go, history.go, set_image.go, objectpauser.go),
//! and a stalled rollout that `rollout status` reports and `rollout undo` recovers.

use super::support::{block, run_yaml, scenario};

const WEB: &str = "- at: 0s
  apply: |
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web, annotations: {kubernetes.io/change-cause: first}}
    spec:
      replicas: 4
      minReadySeconds: MIN_READY
      progressDeadlineSeconds: 30
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers:
          - name: app
            image: registry.example/app:v1
            resources: {requests: {cpu: 50m}}
";

fn web(min_ready: u32) -> String {
    WEB.replace("MIN_READY", &min_ready.to_string())
}

/// A crashing image whose pods never stay up for minReadySeconds: rolling.go never counts
/// them available, so the controller stops at maxSurge 1 / maxUnavailable 1 (4 replicas,
/// 25 % each), availability stays at 4 − 1 = 3, the progress deadline passes
/// (progress.go: Progressing False, ProgressDeadlineExceeded), `rollout status` exits 1 with
/// DeploymentStatusViewer's error, and `rollout undo` (the previous revision's template)
/// brings all four pods back on the old template.
#[test]
fn a_crashing_image_stalls_the_rollout_and_undo_recovers_over_seeds() {
    for seed in 1..=4 {
        let steps = format!(
            "seed: {seed}\nimages:\n  registry.example/app:v2: {{crashAfter: 3s}}\nsteps:\n{}- at: 1m\n  run: kubectl set image deployment/web app=registry.example/app:v2\n- at: 1m1s\n  run: kubectl rollout status deployment/web\n- at: 4m\n  run: kubectl rollout undo deployment/web\n- at: 4m1s\n  run: kubectl rollout status deployment/web --timeout=3m\nexpect:\n- within: 1m\n  that: deployment/web available_replicas == 4\n- during: 1m..4m\n  that: deployment/web available_replicas >= 3\n- at: 7m\n  that: deployment/web updated_replicas == 4\n- at: 7m\n  that: deployment/web replicas == 4\n- at: 7m\n  that: deployment/web available_replicas == 4\n",
            web(10)
        );
        let s = scenario("crash", "8m", 2, &steps);
        let r = run_yaml(&s, &[], &["--quiet"]);
        assert_eq!(r.code, 0, "seed {seed}: {}{}", r.stdout, r.stderr);
        // maxSurge bounds the ReplicaSets' summed spec.replicas (the report's surge peak);
        // status.replicas sums their status and may briefly count a deleted pod twice.
        let summary: serde_json::Value =
            serde_json::from_str(&r.file("summary.json")).expect("summary.json");
        let web = summary["deployments"]
            .as_array()
            .and_then(|d| d.iter().find(|d| d["name"] == "web"))
            .expect("web");
        let stalled = &web["rollouts"][1];
        assert_eq!(stalled["revision"], 2, "seed {seed}: {stalled}");
        assert!(
            stalled["max_surge_replicas"]
                .as_i64()
                .is_some_and(|s| s <= 1),
            "seed {seed}: {stalled}"
        );
        let t = r.file("transcript.txt");
        let status = block(&t, "kubectl rollout status deployment/web");
        assert_eq!(
            status.last().copied(),
            Some("[exit 1]"),
            "seed {seed}: {status:?}"
        );
        assert_eq!(
            status[status.len() - 2],
            "error: deployment \"web\" exceeded its progress deadline",
            "seed {seed}"
        );
        assert_eq!(
            block(&t, "kubectl rollout undo deployment/web"),
            ["deployment.apps/web rolled back"]
        );
        let after = block(&t, "kubectl rollout status deployment/web --timeout=3m");
        assert_eq!(
            after.last().copied(),
            Some("deployment \"web\" successfully rolled out"),
            "seed {seed}: {after:?}"
        );
    }
}

#[test]
fn status_lines_follow_the_deployment_status_viewer() {
    // rollout_status.go: the new ReplicaSet's pods become available one after another, so
    // the first lines count available updated replicas; each distinct line is printed once.
    let steps = format!(
        "images:\n  registry.example/app:v3: {{readyAfter: 20s}}\nsteps:\n{}- at: 1s\n  run: kubectl rollout status deployment/web\n- at: 1m\n  run: kubectl set image deployment/web app=registry.example/app:v3\n- at: 1m2s\n  run: kubectl rollout status deployment/web --watch=false\n- at: 3m\n  run: kubectl rollout status deploy web --revision=2\n- at: 3m10s\n  run: kubectl rollout status deploy web --revision=1\n",
        web(0)
    );
    let r = run_yaml(&scenario("status", "4m", 2, &steps), &[], &["--quiet"]);
    let t = r.file("transcript.txt");
    let first = block(&t, "kubectl rollout status deployment/web");
    assert_eq!(
        first.first().copied(),
        Some(
            "Waiting for deployment \"web\" rollout to finish: 0 of 4 updated replicas are available..."
        )
    );
    assert_eq!(
        first.last().copied(),
        Some("deployment \"web\" successfully rolled out")
    );
    for pair in first.windows(2) {
        assert_ne!(pair[0], pair[1], "a repeated line is not printed again");
    }
    // --watch=false prints once and exits 0 although the new pods need 20 s to be ready.
    let once = block(&t, "kubectl rollout status deployment/web --watch=false");
    assert_eq!(once.len(), 1, "{once:?}");
    assert!(once[0].starts_with("Waiting for deployment"), "{once:?}");
    // The Deployment carries its new ReplicaSet's revision (SetDeploymentRevision).
    assert_eq!(
        block(&t, "kubectl rollout status deploy web --revision=2"),
        ["deployment \"web\" successfully rolled out"]
    );
    assert_eq!(
        block(&t, "kubectl rollout status deploy web --revision=1"),
        [
            "error: desired revision (1) is different from the running revision (2)",
            "[exit 1]"
        ]
    );
}

#[test]
fn history_undo_pause_resume_and_restart_print_kubectls_lines() {
    let steps = format!(
        "steps:\n{}- at: 30s
  run: kubectl rollout history deployment/web
- at: 31s
  run: kubectl rollout undo deployment/web
- at: 32s
  run: kubectl set image deployment/web app=registry.example/app:v3
- at: 33s
  run: kubectl annotate deployment/web kubernetes.io/change-cause=second --overwrite
- at: 1m30s
  run: kubectl rollout history deployment/web
- at: 1m31s
  run: kubectl rollout undo deployment/web --to-revision=7
- at: 1m32s
  run: kubectl rollout undo deployment/web --to-revision=2
- at: 1m33s
  run: kubectl rollout pause deployment/web
- at: 1m34s
  run: kubectl rollout pause deployment/web
- at: 1m35s
  run: kubectl rollout undo deployment/web
- at: 1m36s
  run: kubectl rollout resume deployment/web
- at: 1m37s
  run: kubectl rollout resume deployment/web
- at: 1m38s
  run: kubectl rollout restart deployment/web
- at: 1m39s
  run: kubectl set image deployment/web nope=x
- at: 1m40s
  run: kubectl set image deployment/gone app=x
- at: 3m
  run: kubectl rollout history deployment/web
",
        web(0)
    );
    let r = run_yaml(&scenario("verbs", "4m", 2, &steps), &[], &["--quiet"]);
    let t = r.file("transcript.txt");
    let history = |at: &str| -> Vec<String> {
        let header = format!("[t={at}] $ kubectl rollout history deployment/web");
        t.split("\n\n")
            .find(|b| b.starts_with(&header))
            .map(|b| b.lines().skip(1).map(str::to_string).collect())
            .unwrap_or_default()
    };
    // history.go ViewHistory through the name printer: a trailing space after the name,
    // the padding-2 table in ascending revisions, CHANGE-CAUSE from each ReplicaSet.
    assert_eq!(
        history("30.000"),
        [
            "deployment.apps/web ",
            "REVISION  CHANGE-CAUSE",
            "1         first"
        ]
    );
    // rollback.go deploymentRevision: no revision before the only one.
    assert_eq!(
        block(&t, "kubectl rollout undo deployment/web"),
        [
            "error: no rollout history found for deployment \"web\"",
            "[exit 1]"
        ]
    );
    assert_eq!(
        history("90.000"),
        [
            "deployment.apps/web ",
            "REVISION  CHANGE-CAUSE",
            "1         first",
            "2         second"
        ]
    );
    assert_eq!(
        block(&t, "kubectl rollout undo deployment/web --to-revision=7"),
        [
            "error: unable to find specified revision 7 in history",
            "[exit 1]"
        ]
    );
    assert_eq!(
        block(&t, "kubectl rollout undo deployment/web --to-revision=2"),
        ["deployment.apps/web skipped rollback (current template already matches revision 2)"]
    );
    let pauses: Vec<&str> = t
        .split("\n\n")
        .filter(|b| b.contains("$ kubectl rollout pause deployment/web"))
        .flat_map(|b| b.lines().skip(1))
        .collect();
    assert_eq!(
        pauses,
        [
            "deployment.apps/web paused",
            "error: deployments.apps \"web\" is already paused",
            "[exit 1]"
        ]
    );
    assert!(t.contains("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again"));
    let resumes: Vec<&str> = t
        .split("\n\n")
        .filter(|b| b.contains("$ kubectl rollout resume deployment/web"))
        .flat_map(|b| b.lines().skip(1))
        .collect();
    assert_eq!(
        resumes,
        [
            "deployment.apps/web resumed",
            "error: deployments.apps \"web\" is not paused",
            "[exit 1]"
        ]
    );
    assert_eq!(
        block(&t, "kubectl rollout restart deployment/web"),
        ["deployment.apps/web restarted"]
    );
    assert_eq!(
        block(&t, "kubectl set image deployment/web nope=x"),
        ["error: unable to find container named \"nope\"", "[exit 1]"]
    );
    assert_eq!(
        block(&t, "kubectl set image deployment/gone app=x"),
        [
            "Error from server (NotFound): deployments.apps \"gone\" not found",
            "[exit 1]"
        ]
    );
    // restart changed the template (restartedAt), so a third revision rolled out; it keeps
    // the Deployment's change-cause.
    assert_eq!(
        history("180.000"),
        [
            "deployment.apps/web ",
            "REVISION  CHANGE-CAUSE",
            "1         first",
            "2         second",
            "3         second"
        ]
    );
}

#[test]
fn the_bad_image_lab_reports_the_deadline_lists_history_and_recovers() {
    let r = super::support::run_file(
        &super::support::root().join("scenarios/bad-image-undo.yaml"),
        &["--quiet"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = r.file("transcript.txt");
    assert_eq!(
        block(&t, "kubectl rollout status deployment/web --timeout=5m"),
        [
            "Waiting for deployment \"web\" rollout to finish: 2 out of 4 new replicas have been updated...",
            "error: deployment \"web\" exceeded its progress deadline",
            "[exit 1]"
        ]
    );
    // After undo revision 1 came back as revision 3 with its own change-cause
    // (rollback.go copies the ReplicaSet's annotations to the Deployment).
    let last_history: Vec<&str> = t
        .split("\n\n")
        .filter(|b| b.contains("$ kubectl rollout history deployment/web"))
        .last()
        .map(|b| b.lines().skip(1).collect())
        .unwrap_or_default();
    assert_eq!(
        last_history,
        [
            "deployment.apps/web ",
            "REVISION  CHANGE-CAUSE",
            "2         app v2",
            "3         app v1"
        ]
    );
    let describe = block(&t, "kubectl describe deployment web");
    assert!(
        describe.contains(&"Annotations:            deployment.kubernetes.io/revision: 3"),
        "{describe:?}"
    );
    assert!(
        describe.contains(&"                        kubernetes.io/change-cause: app v1"),
        "{describe:?}"
    );
}
