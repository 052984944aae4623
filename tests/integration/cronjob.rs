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

/// `web` with `timeZone` set and the Job list at 80s.
fn web_in(schedule: &str, zone: &str) -> String {
    web(schedule)
        .replace(
            "      jobTemplate:",
            &format!("      timeZone: {zone}\n      jobTemplate:"),
        )
        .replace("- at: 41s", "- at: 80s")
}

#[test]
fn a_schedule_is_read_in_its_time_zone() {
    // t=0 is 2025-12-31T19:00:00-05:00 in New York: 19:01 there is 00:01 UTC, the Job for
    // minute MINUTE_ZERO + 1 (robfig's Next in the CronJob's location, formatSchedule's
    // `TZ=<zone>` prefix).
    let r = run_yaml(&web_in("1 19 * * *", "America/New_York"), &[], &["--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = r.file("transcript.txt");
    let b = block(&t, "kubectl get jobs -l team=a");
    assert_eq!(b.len(), 2, "{b:?}");
    assert!(
        b[1].starts_with(&format!("web-{} ", MINUTE_ZERO + 1)),
        "{b:?}"
    );
    // The same schedule in UTC is 19:01 UTC: nothing within 80s.
    let r = run_yaml(&web_in("1 19 * * *", "Etc/UTC"), &[], &["--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = r.file("transcript.txt");
    let b = block(&t, "kubectl get jobs -l team=a");
    assert!(b.len() <= 1, "{b:?}");
}

#[test]
fn an_unknown_time_zone_is_refused_with_the_field_and_exit_2() {
    // validateTimeZone: time.LoadLocation's error after the field path.
    let r = run_yaml(&web_in("@hourly", "Mars/Olympus_Mons"), &[], &["--quiet"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "spec.timeZone: Invalid value: \"Mars/Olympus_Mons\": unknown time zone Mars/Olympus_Mons"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn create_job_from_a_cronjob_copies_its_template_and_the_cronjob_calls_it_unexpected() {
    // create_job.go createJobFromCronJob: the template's labels and spec, annotation
    // cronjob.kubernetes.io/instantiate=manual, a controller reference to the CronJob. The
    // CronJob controller did not start it, so its next sync says UnexpectedJob.
    let s = web("0 0 1 1 *").replace(
        "- at: 41s\n",
        "- at: 10s\n  run: kubectl create job manual --from=cronjob/web\n- at: 11s\n  run: kubectl create job again --from=cronjob/nope\n- at: 41s\n",
    );
    let r = run_yaml(&s, &[], &["--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = r.file("transcript.txt");
    assert_eq!(
        block(&t, "kubectl create job manual --from=cronjob/web"),
        ["job.batch/manual created"]
    );
    assert_eq!(
        block(&t, "kubectl create job again --from=cronjob/nope"),
        [
            "Error from server (NotFound): cronjobs.batch \"nope\" not found",
            "[exit 1]"
        ]
    );
    let b = block(&t, "kubectl get jobs -l team=a");
    assert!(b[1].starts_with("manual "), "{b:?}");
    let unexpected: Vec<String> = r
        .events()
        .into_iter()
        .filter(|e| e[4] == "web" && e[6] == "UnexpectedJob")
        .map(|e| e[8].clone())
        .collect();
    assert_eq!(
        unexpected.first().map(String::as_str),
        Some("Saw a job that the controller did not create or forgot: manual")
    );
}

#[test]
fn create_job_refuses_both_or_neither_source_and_a_command_with_from() {
    let refused = |cmd: &str| {
        let s = format!("name: x\nduration: 5s\nsteps:\n- at: 1s\n  run: {cmd}\n");
        let r = run_yaml(&s, &[], &["--quiet"]);
        assert_eq!(r.code, 2, "{cmd}: {}", r.stderr);
        r.stderr
    };
    assert!(refused("kubectl create job a").contains("either --image or --from must be specified"));
    assert!(
        refused("kubectl create job a --image=busybox --from=cronjob/web")
            .contains("either --image or --from must be specified")
    );
    assert!(
        refused("kubectl create job a --from=cronjob/web -- sleep 1")
            .contains("cannot specify --from and command")
    );
    assert!(
        refused("kubectl create job a --from=deployment/web").contains("--from takes cronjob/NAME")
    );
}

#[test]
fn over_many_seeds_forbid_never_overlaps_and_every_minute_is_either_started_or_skipped() {
    // Whatever the latencies drawn, each schedule time from 00:01 to 00:07 ends as a
    // SuccessfulCreate or a JobAlreadyActive (cronjob_controllerv2.go syncCronJob), and the
    // lab's `active <= 1` expectation holds.
    for seed in 1..=8 {
        let seed = seed.to_string();
        let r = run_file(
            &root().join("scenarios/cronjob.yaml"),
            &["--seed", &seed, "--quiet"],
        );
        assert_eq!(r.code, 0, "seed {seed}: {}", r.stderr);
        let decided = r
            .events()
            .into_iter()
            .filter(|e| {
                e[4] == "report" && (e[6] == "JobAlreadyActive" || e[6] == "SuccessfulCreate")
            })
            .count();
        // Seven schedule times; a late start of a skipped time adds a create.
        assert!(decided >= 7, "seed {seed}: {decided} decisions");
    }
}
