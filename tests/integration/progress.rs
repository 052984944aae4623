//! `kubesim run`'s progress bar on stderr (docs/outputs.md#progress-bar): absent on a pipe and
//! with `--quiet`, drawn when `KUBESIM_PROGRESS=always` forces it, and never in the outputs.

use super::support::{bin, root};
use std::process::Command;

/// What a run of the quickstart printed, and its transcript and events files.
struct Printed {
    stdout: String,
    stderr: String,
    transcript: String,
    events: String,
}

/// Runs the quickstart (`duration: 5m`, 300 s) with `KUBESIM_PROGRESS` set to `mode` (None: unset)
/// and stderr a pipe, as the test harness gives it.
fn quickstart(mode: Option<&str>, args: &[&str]) -> Printed {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let mut cmd = Command::new(bin());
    cmd.arg("run")
        .arg(root().join("scenarios/quickstart.yaml"))
        .arg("--out")
        .arg(&out)
        .args(args)
        .env_remove("KUBESIM_PROGRESS");
    if let Some(m) = mode {
        cmd.env("KUBESIM_PROGRESS", m);
    }
    let o = cmd.output().expect("run kubesim");
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let read = |f: &str| std::fs::read_to_string(out.join(f)).unwrap_or_default();
    Printed {
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        transcript: read("transcript.txt"),
        events: read("events.csv"),
    }
}

/// stderr holds nothing but the closing `kubesim: … wall` line: no bar text, no escape codes.
fn assert_no_bar(stderr: &str) {
    assert!(
        !stderr.contains('\x1b') && !stderr.contains('\r'),
        "{stderr:?}"
    );
    assert!(!stderr.contains("ev/s"), "{stderr:?}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr:?}");
    assert!(
        lines[0].starts_with("kubesim: 300.000 virtual seconds, "),
        "{stderr:?}"
    );
}

#[test]
fn stderr_that_is_not_a_terminal_gets_no_bar() {
    let p = quickstart(None, &[]);
    assert_no_bar(&p.stderr);
    assert!(!p.stdout.is_empty(), "the transcript is still echoed");
}

#[test]
fn quiet_means_no_bar_even_when_a_terminal_is_forced() {
    let p = quickstart(Some("always"), &["--quiet"]);
    assert_no_bar(&p.stderr);
    assert!(p.stdout.is_empty());
}

#[test]
fn a_forced_bar_shows_virtual_time_of_duration_rate_and_pods_and_changes_no_output() {
    let bar = quickstart(Some("always"), &[]);
    // The quickstart's `duration: 5m` is 300 s; the bar is first drawn before the first event.
    assert!(
        bar.stderr.contains("virtual 0.0s of 300s  "),
        "{:?}",
        bar.stderr
    );
    assert!(
        bar.stderr.contains(" ev/s  ") && bar.stderr.contains(" pods"),
        "{:?}",
        bar.stderr
    );
    // It is cleared before the closing line, which starts a line of its own.
    let last = bar.stderr.rsplit("\x1b[2K").next().expect("a cleared bar");
    assert!(
        last.starts_with("kubesim: 300.000 virtual seconds, ") && last.ends_with(" wall\n"),
        "{last:?}"
    );
    // stdout and the files are those of a run without the bar, byte for byte.
    let plain = quickstart(Some("never"), &[]);
    assert_no_bar(&plain.stderr);
    assert_eq!(bar.stdout, plain.stdout);
    assert_eq!(bar.transcript, plain.transcript);
    assert_eq!(bar.events, plain.events);
}

/// The run hands the hook where it is once before the first event and then after every
/// 4,096th event (`PROGRESS_EVERY`), exactly once each, with the clock never going back.
#[test]
fn the_hook_sees_the_start_and_every_4096th_event_once() {
    use kubesim::cluster::{PROGRESS_EVERY, Progress, World};
    use std::cell::RefCell;
    use std::rc::Rc;
    let yaml = super::support::scenario(
        "hook",
        "5m",
        3,
        "steps:\n- at: 1s\n  run: kubectl create deployment web --image=nginx --replicas=300\n",
    );
    let scenario =
        kubesim::scenario::load::load_str(std::path::Path::new("hook.yaml"), &yaml).expect("loads");
    let seed = scenario.seed;
    let prepared = kubesim::cli::prepare::prepare(scenario).expect("valid");
    let mut w = World::new(
        prepared.into_run_plan(),
        seed,
        kubesim::output::Outputs::discard(),
    )
    .expect("a cluster");
    let seen: Rc<RefCell<Vec<Progress>>> = Rc::default();
    let s = seen.clone();
    w.progress = Some(Box::new(move |p| s.borrow_mut().push(p)));
    w.run();
    let seen = seen.borrow();
    let total = w.events_processed();
    assert!(
        total > 2 * PROGRESS_EVERY,
        "the scenario is big enough: {total}"
    );
    let events: Vec<u64> = seen.iter().map(|p| p.events).collect();
    let expected: Vec<u64> = (0..=total / PROGRESS_EVERY)
        .map(|k| k * PROGRESS_EVERY)
        .collect();
    assert_eq!(events, expected);
    // `duration: 5m`.
    assert!(seen.iter().all(|p| p.end.as_micros() == 300_000_000));
    assert!(seen.windows(2).all(|w| w[0].now <= w[1].now));
    assert!(seen.iter().all(|p| p.now <= p.end));
}
