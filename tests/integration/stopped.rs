//! Runs that stop before their end (CONTRACT §3, §5): by SIGINT or SIGTERM (exit 130, 143) or
//! by the `--max-live-pods` ceiling (exit 2). Every file is left whole — each CSV line complete
//! and flushed — and summary.json says the run did not complete, why, and when.

use super::support::{bin, root, run_yaml, scenario, whole_csv};
use std::path::Path;

/// summary.json as JSON.
fn summary(out: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(out.join("summary.json")).expect("summary.json written");
    assert!(text.ends_with("}\n"), "{text}");
    serde_json::from_str(&text).expect("json")
}

/// Starts a long run (scale-1k: 1,000 nodes and 30,000 pods over 45 minutes, many seconds of
/// wall time in a debug build), waits until it is writing events, sends `signal` with kill(1)
/// and returns its exit code, stderr and output folder.
#[cfg(unix)]
fn signalled(signal: &str) -> (Option<i32>, String, tempfile::TempDir) {
    use std::io::Read;
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let mut child = std::process::Command::new(bin())
        .arg("run")
        .arg(root().join("scenarios/scale-1k.yaml"))
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run kubesim");
    let start = Instant::now();
    // Well into writing: the header and thousands of rows, the last one likely cut in the
    // file until the writer flushes (what a killed run left).
    while std::fs::metadata(out.join("events.csv")).map_or(0, |m| m.len()) < 256 * 1024 {
        assert!(
            child.try_wait().expect("wait").is_none(),
            "the run ended before it was signalled"
        );
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "no events written"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let sent = std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .expect("kill");
    assert!(sent.success());
    let stopped = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if stopped.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the run went on after {signal}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        e.read_to_string(&mut stderr).expect("stderr");
    }
    (status.code(), stderr, dir)
}

#[cfg(unix)]
#[test]
fn sigint_and_sigterm_stop_the_run_with_whole_files_and_a_summary_that_says_so() {
    // A shell's status for a process a signal ended: 128 + 2 (SIGINT), 128 + 15 (SIGTERM).
    for (signal, code) in [("INT", 130), ("TERM", 143)] {
        let (status, stderr, dir) = signalled(signal);
        let out = dir.path().join("out");
        assert_eq!(status, Some(code), "SIG{signal}: {stderr}");
        assert!(
            stderr.contains(&format!("kubesim: stopped by SIG{signal} at t=")),
            "{stderr}"
        );
        let events = whole_csv(&out.join("events.csv"));
        assert!(events > 1000, "{events} events");
        whole_csv(&out.join("timeline.csv"));
        let s = summary(&out);
        assert_eq!(s["completed"], false);
        assert_eq!(s["stop_reason"], format!("SIG{signal}"));
        let at = s["stopped_at_us"]
            .as_u64()
            .expect("stopped_at_us is an integer");
        assert!(at > 10_000_000 && at < 45 * 60 * 1_000_000, "{at}");
        // The stop time is the one stderr gives (milliseconds, truncated).
        assert!(
            stderr.contains(&format!("at t={}.{:03}s", at / 1_000_000, at / 1000 % 1000)),
            "{stderr}"
        );
        assert_eq!(s["passed"], false, "a stopped run did not pass");
        // The expectation's window (44m) was never reached, so it was not decided.
        assert_eq!(s["expectations"][0]["reason"], "not evaluated");
        // The last step (at 44m) never ran; the first had finished.
        assert_eq!(s["steps"][0]["exit_code"], 0);
        assert_eq!(s["steps"][1]["exit_code"], serde_json::Value::Null);
        let transcript = std::fs::read_to_string(out.join("transcript.txt")).expect("read");
        assert!(transcript.ends_with('\n'));
    }
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
