//! Same scenario and seed → byte-identical files; another seed → other times; one object's
//! changes leave another object's draws alone (CONTRACT §5, §9).

use super::support::{root, run_file, run_yaml, scenario};

#[test]
fn the_same_seed_writes_byte_identical_files() {
    let a = run_file(&root().join("scenarios/quickstart.yaml"), &["--quiet"]);
    let b = run_file(&root().join("scenarios/quickstart.yaml"), &["--quiet"]);
    for f in [
        "events.csv",
        "timeline.csv",
        "transcript.txt",
        "summary.json",
    ] {
        assert_eq!(a.file(f), b.file(f), "{f} differs between two runs");
        assert!(!a.file(f).is_empty());
    }
}

#[test]
fn another_seed_changes_event_times() {
    let a = run_file(&root().join("scenarios/quickstart.yaml"), &["--quiet"]);
    let b = run_file(
        &root().join("scenarios/quickstart.yaml"),
        &["--quiet", "--seed", "2"],
    );
    let times = |r: &super::support::Run| {
        r.events()
            .into_iter()
            .map(|e| e[0].clone())
            .collect::<Vec<_>>()
    };
    assert_ne!(times(&a), times(&b));
    assert!(b.file("summary.json").contains("\"seed\": 2"));
}

fn two_deployments(a_replicas: u32) -> String {
    let steps = format!(
        r#"steps:
- at: 1s
  apply: |
    apiVersion: apps/v1
    kind: Deployment
    metadata: {{name: alpha}}
    spec:
      replicas: {a_replicas}
      selector: {{matchLabels: {{app: alpha}}}}
      template:
        metadata: {{labels: {{app: alpha}}}}
        spec: {{containers: [{{name: a, image: "nginx:1.25"}}]}}
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {{name: beta}}
    spec:
      replicas: 3
      selector: {{matchLabels: {{app: beta}}}}
      template:
        metadata: {{labels: {{app: beta}}}}
        spec: {{containers: [{{name: b, image: "busybox:1.36"}}]}}
"#
    );
    scenario("isolation", "2m", 3, &steps)
}

/// The pull duration (not the wait) in each `Successfully pulled` message, by pod.
fn pull_durations(r: &super::support::Run, prefix: &str) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = r
        .events()
        .into_iter()
        .filter(|e| e[4].starts_with(prefix) && e[8].starts_with("Successfully pulled"))
        .map(|e| {
            (
                e[4].clone(),
                e[8].split(" in ")
                    .nth(1)
                    .unwrap_or("")
                    .split(' ')
                    .next()
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn changing_one_deployment_leaves_another_deployments_draws_unchanged() {
    let a = run_yaml(&two_deployments(2), &[], &["--quiet"]);
    let b = run_yaml(&two_deployments(5), &[], &["--quiet"]);
    assert_eq!(a.code, 0, "{}", a.stderr);
    // Names (drawn from the API server's stream keyed by generateName) and pull latencies
    // (keyed by pod) of beta's pods are the same whatever alpha does.
    let (pa, pb) = (pull_durations(&a, "beta-"), pull_durations(&b, "beta-"));
    assert_eq!(pa.len(), 3);
    assert_eq!(pa, pb);
    assert_ne!(
        pull_durations(&a, "alpha-").len(),
        pull_durations(&b, "alpha-").len()
    );
}

#[test]
fn the_curated_quickstart_results_match_a_fresh_run() {
    // The README shows results/quickstart/; they must be what the quickstart writes today.
    let r = run_file(&root().join("scenarios/quickstart.yaml"), &["--quiet"]);
    for f in [
        "events.csv",
        "timeline.csv",
        "transcript.txt",
        "summary.json",
    ] {
        let committed =
            std::fs::read_to_string(root().join("results/quickstart").join(f)).unwrap_or_default();
        assert!(
            committed == r.file(f),
            "results/quickstart/{f} is stale: rerun `cargo run --release -- run scenarios/quickstart.yaml`"
        );
    }
}
