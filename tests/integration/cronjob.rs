//! The CronJob controller against Kubernetes' rules (pkg/controller/cronjob), on the
//! bundled scenarios/cronjob.yaml: every minute, concurrencyPolicy Forbid, a Job that sleeps
//! 90 s, successfulJobsHistoryLimit 2, t=0 at 2026-01-01T00:00:00Z.

use super::support::{block, root, run_file, run_yaml};

/// 2026-01-01T00:00:00Z in minutes since the epoch (1767225600 / 60): `getJobName` suffixes.
const MINUTE_ZERO: i64 = 29_453_760;

#[test]
fn the_bundled_cronjob_lab_fires_each_minute_and_never_runs_two_jobs_under_forbid() {
    let r = run_file(&root().join("scenarios/cronjob.yaml"), &[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("FAIL"), "{}", r.stdout);
    let events: Vec<(f64, String, String)> = r
        .events()
        .into_iter()
        .filter(|e| e[3] == "cronjob" && e[4] == "report")
        .map(|e| (e[0].parse().expect("time"), e[6].clone(), e[8].clone()))
        .collect();
    // SuccessfulCreate `Created job report-<minutes>`, first for 00:01, at 00:01 plus the
    // 100 ms requeue delta and a sync.
    let (t, reason, msg) = &events[0];
    assert_eq!(reason, "SuccessfulCreate");
    assert_eq!(msg, &format!("Created job report-{}", MINUTE_ZERO + 1));
    assert!((60.1..61.0).contains(t), "{t}");
    // 00:02 finds report-…61 still running: JobAlreadyActive, no Job.
    let (t, reason, _) = &events[1];
    assert_eq!(reason, "JobAlreadyActive");
    assert!((120.1..121.0).contains(t), "{t}");
    // Every create comes after the previous Job was seen complete (Forbid).
    let mut running = false;
    for (_, reason, _) in &events {
        match reason.as_str() {
            "SuccessfulCreate" => {
                assert!(!running, "a second Job started while one ran: {events:?}");
                running = true;
            }
            "SawCompletedJob" => running = false,
            _ => {}
        }
    }
    // History limit 2: the oldest complete Jobs are deleted, oldest first.
    let deleted: Vec<&str> = events
        .iter()
        .filter(|e| e.1 == "SuccessfulDelete")
        .map(|e| e.2.as_str())
        .collect();
    assert_eq!(
        deleted,
        [
            format!("Deleted job report-{}", MINUTE_ZERO + 1),
            format!("Deleted job report-{}", MINUTE_ZERO + 2)
        ]
    );
    // printCronJob's columns, and the Job annotated with its scheduled time.
    let t = r.file("transcript.txt");
    let b = block(&t, "kubectl get cronjobs");
    assert_eq!(
        b[0].split_whitespace().collect::<Vec<_>>(),
        [
            "NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST", "SCHEDULE", "AGE"
        ]
    );
    assert_eq!(
        b[1].split_whitespace().collect::<Vec<_>>(),
        [
            "report", "*", "*", "*", "*", "*", "<none>", "False", "0", "<none>", "25s"
        ]
    );
    let b = block(&t, "kubectl get cronjobs,jobs");
    assert!(b[1].starts_with("cronjob.batch/report "), "{b:?}");
    assert!(
        b[1].split_whitespace().collect::<Vec<_>>()[8..] == ["1", "10s", "65s"],
        "ACTIVE 1, LAST SCHEDULE 10s (00:01), AGE 65s: {b:?}"
    );
    let w = block(&t, "kubectl get cronjob report -o wide");
    assert_eq!(
        w[1].split_whitespace().collect::<Vec<_>>()[11..],
        ["report", "busybox", "<none>"]
    );
}

/// A scenario whose step at 1s applies the CronJob `web` with this schedule, jobs labelled
/// `team=a`, and whose step at 41s lists them.
fn web(schedule: &str) -> String {
    format!(
        "name: cj
startTime: 2026-01-01T00:00:00Z
duration: 90s
steps:
- at: 1s
  apply: |
    apiVersion: batch/v1
    kind: CronJob
    metadata: {{name: web}}
    spec:
      schedule: \"{schedule}\"
      jobTemplate:
        metadata: {{labels: {{team: a}}}}
        spec:
          template:
            spec:
              restartPolicy: Never
              containers: [{{name: c, image: busybox}}]
- at: 41s
  run: kubectl get jobs -l team=a
"
    )
}

#[test]
fn an_every_schedule_counts_from_the_creation_second_and_jobs_carry_the_template_labels() {
    let r = run_yaml(&web("@every 30s"), &[], &["--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = r.file("transcript.txt");
    // @every 30s from the creation second (00:00:01): 00:00:31 → minute 29453760.
    let b = block(&t, "kubectl get jobs -l team=a");
    assert!(b[1].starts_with(&format!("web-{MINUTE_ZERO} ")), "{b:?}");
    assert_eq!(b.len(), 2, "one Job by 00:00:41: {b:?}");
}

#[test]
fn an_invalid_schedule_is_refused_with_the_field_and_exit_2() {
    let s = web("0 0 * * 8");
    let r = run_yaml(&s, &[], &["--quiet"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "spec.schedule: Invalid value: \"0 0 * * 8\": end of range (8) above maximum (6): 8"
        ),
        "{}",
        r.stderr
    );
}
