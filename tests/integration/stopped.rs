//! Runs that stop before their end (CONTRACT §3, §5): by the `--max-live-pods` ceiling (exit
//! 2). Every file is left whole — each CSV line complete and flushed — and summary.json says
//! the run did not complete, why, and when.

use super::support::{run_yaml, scenario, whole_csv};
use std::path::Path;

/// summary.json as JSON.
fn summary(out: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(out.join("summary.json")).expect("summary.json written");
    assert!(text.ends_with("}\n"), "{text}");
    serde_json::from_str(&text).expect("json")
}

#[test]
fn the_live_pod_ceiling_stops_the_run_with_exit_2_naming_the_step_and_a_summary_that_says_so() {
    let s = scenario(
        "runaway",
        "10m",
        3,
        "steps:\n- at: 1s\n  apply: |\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: huge}\n    spec:\n      replicas: 2000000000\n      selector: {matchLabels: {app: huge}}\n      template:\n        metadata: {labels: {app: huge}}\n        spec: {containers: [{name: c, image: nginx}]}\nexpect:\n- within: 9m\n  that: cluster pods_running > 0\n",
    );
    let r = run_yaml(&s, &[], &["--quiet", "--max-live-pods", "150"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("more than the 150 kubesim allows"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("kubectl apply -f -"),
        "names the step: {}",
        r.stderr
    );
    assert!(whole_csv(&r.out.join("events.csv")) > 0);
    assert!(whole_csv(&r.out.join("timeline.csv")) > 0);
    let v = summary(&r.out);
    assert_eq!(v["completed"], false);
    assert_eq!(v["stop_reason"], "max-live-pods");
    // The Deployment is created after 1 s, its pods after that; the run had 10 minutes.
    let at = v["stopped_at_us"].as_u64().expect("an integer");
    assert!(at > 1_000_000 && at < 600_000_000, "{at}");
    assert_eq!(v["passed"], false);
    // The events stop at the stop: none later than stopped_at_us.
    let last = r.events().last().map(|e| e[0].clone()).unwrap_or_default();
    let last_us = (last.parse::<f64>().expect("a time") * 1e6).round() as u64;
    assert!(last_us <= at, "{last} after {at}");
}

#[test]
fn a_completed_run_says_so() {
    let r = run_yaml(&scenario("done", "30s", 1, ""), &[], &["--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = summary(&r.out);
    assert_eq!(v["completed"], true);
    assert_eq!(v["stop_reason"], serde_json::Value::Null);
    assert_eq!(v["stopped_at_us"], serde_json::Value::Null);
}
