//! The Job controller against Kubernetes' rules (pkg/controller/job). The image here is not
//! listed under `images`, so its pods serve forever and these runs show a Job's running
//! phase; finishing is covered by the controller's unit tests and by
//! `verbs::wait_for_a_job_to_complete_ends_when_the_controller_writes_complete`.

use super::support::{block, run_yaml};

const SCENARIO: &str = "name: job
duration: 1m
steps:
- at: 1s
  apply: |
    apiVersion: batch/v1
    kind: Job
    metadata: {name: pi}
    spec:
      completions: 4
      parallelism: 2
      template:
        spec:
          restartPolicy: Never
          containers: [{name: pi, image: \"perl:5.34\"}]
- at: 30s
  run: kubectl get jobs
- at: 31s
  run: kubectl get pods -l batch.kubernetes.io/job-name=pi
expect:
- at: 40s
  that: job/pi active == 2
- at: 40s
  that: job/pi succeeded == 0
";

#[test]
fn deleting_a_job_cascades_to_its_pods() {
    // kubectl delete (background propagation): the garbage collector deletes the pods the
    // Job owns.
    let s = SCENARIO.replace(
        "expect:\n",
        "- at: 45s\n  run: kubectl delete job pi\n- at: 55s\n  run: kubectl get pods\nexpect:\n",
    );
    let r = run_yaml(&s, &[], &["--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = r.file("transcript.txt");
    let b = block(&t, "kubectl delete job pi");
    assert_eq!(b, ["job.batch \"pi\" deleted from default namespace"]);
    let pods = block(&t, "kubectl get pods");
    assert!(
        pods.iter()
            .all(|l| !l.starts_with("pi-") || l.contains("Terminating")),
        "{pods:?}"
    );
}

#[test]
fn a_job_keeps_parallelism_pods_running_and_prints_as_print_job_does() {
    // manageJob: wantActive = min(parallelism 2, completions 4 − succeeded 0) = 2 pods named
    // pi-xxxxx; printJob: STATUS Running, COMPLETIONS succeeded/completions = 0/4.
    let r = run_yaml(SCENARIO, &[], &["--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let created: Vec<Vec<String>> = r
        .events()
        .into_iter()
        .filter(|e| e[6] == "SuccessfulCreate" && e[4] == "pi")
        .collect();
    assert_eq!(created.len(), 2, "{created:?}");
    for e in &created {
        assert_eq!(e[7], "job-controller");
        assert!(e[8].starts_with("Created pod: pi-"), "{}", e[8]);
    }
    let t = r.file("transcript.txt");
    let b = block(&t, "kubectl get jobs");
    assert_eq!(
        b[0].split_whitespace().collect::<Vec<_>>(),
        ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"]
    );
    assert_eq!(
        b[1].split_whitespace().take(3).collect::<Vec<_>>(),
        ["pi", "Running", "0/4"]
    );
    let pods = block(&t, "kubectl get pods -l batch.kubernetes.io/job-name=pi");
    assert_eq!(pods.len(), 3, "{pods:?}");
    let warned = r.stderr.contains("not simulated");
    assert!(!warned, "a Job is simulated: {}", r.stderr);
}

#[test]
fn a_job_with_restart_policy_always_is_refused_as_the_api_server_does() {
    // ValidateJobSpec: restartPolicy must be OnFailure or Never.
    let bad = SCENARIO.replace("restartPolicy: Never", "restartPolicy: Always");
    let r = run_yaml(&bad, &[], &["--quiet"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\""
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn the_bundled_job_lab_completes_the_parallel_job_and_fails_the_flaky_one_past_its_backoff_limit() {
    let r = super::support::run_file(&super::support::root().join("scenarios/job.yaml"), &[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("FAIL"), "{}", r.stdout);
    let said = |job: &str| -> Vec<String> {
        r.events()
            .into_iter()
            .filter(|e| e[3] == "job" && e[4] == job)
            .map(|e| e[6].clone())
            .collect()
    };
    // completions 6: six pods created (none failed), then `Completed` (job_controller.go).
    let pi = said("pi");
    assert_eq!(pi.iter().filter(|r| *r == "SuccessfulCreate").count(), 6);
    assert_eq!(pi.last().map(String::as_str), Some("Completed"));
    // backoffLimit 2: the first pod and two replacements, then BackoffLimitExceeded.
    let flaky = said("flaky");
    assert_eq!(
        flaky,
        [
            "SuccessfulCreate",
            "SuccessfulCreate",
            "SuccessfulCreate",
            "BackoffLimitExceeded"
        ]
    );
    // The replacements wait out the pod failure back-off: 10 s, then 20 s.
    let creates: Vec<f64> = r
        .events()
        .into_iter()
        .filter(|e| e[4] == "flaky" && e[6] == "SuccessfulCreate")
        .map(|e| e[0].parse().expect("time"))
        .collect();
    assert!(creates[1] - creates[0] >= 10.0, "{creates:?}");
    assert!(creates[2] - creates[1] >= 20.0, "{creates:?}");
    // printJob: STATUS Complete / Failed, COMPLETIONS 6/6 and 0/1.
    let t = r.file("transcript.txt");
    let b = block(&t, "kubectl get jobs");
    let rows: Vec<Vec<&str>> = b.iter().map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(
        rows[0],
        ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"]
    );
    let late = t.find("[t=150.000]").expect("the step at 2m30s");
    let b = block(&t[late..], "kubectl get jobs");
    let rows: Vec<Vec<&str>> = b.iter().map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(rows[1][..3], ["flaky", "Failed", "0/1"]);
    assert_eq!(rows[2][..3], ["pi", "Complete", "6/6"]);
}

#[test]
fn kubectl_create_job_runs_one_never_restarting_pod_and_wraps_api_errors() {
    // create_job.go createJob: one container named after the Job, restartPolicy Never; an
    // API error comes back through fmt.Errorf("failed to create job: %v").
    let s = "name: create-job
duration: 1m
steps:
- at: 1s
  run: kubectl create job once --image=busybox -- sleep 5
- at: 2s
  run: kubectl create job once --image=busybox
- at: 3s
  run: kubectl create job bare
- at: 50s
  run: kubectl get jobs
expect:
- within: 45s
  that: job/once succeeded == 1
";
    let r = run_yaml(s, &[], &["--quiet"]);
    assert_eq!(
        r.code, 2,
        "the step without --image is refused before the run"
    );
    assert!(
        r.stderr
            .contains("either --image or --from must be specified"),
        "{}",
        r.stderr
    );
    let s = s.replace("- at: 3s\n  run: kubectl create job bare\n", "");
    let r = run_yaml(&s, &[], &["--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = r.file("transcript.txt");
    assert_eq!(
        block(&t, "kubectl create job once --image=busybox -- sleep 5"),
        ["job.batch/once created"]
    );
    assert_eq!(
        block(&t, "kubectl create job once --image=busybox"),
        [
            "error: failed to create job: jobs.batch \"once\" already exists",
            "[exit 1]"
        ]
    );
    let b = block(&t, "kubectl get jobs");
    assert_eq!(
        b[1].split_whitespace().take(3).collect::<Vec<_>>(),
        ["once", "Complete", "1/1"]
    );
}

#[test]
fn a_job_whose_pods_are_forbidden_retries_with_the_job_api_back_off() {
    // job_controller.go: a failed create makes syncJob return its error and the key is
    // re-added rate-limited, DefaultJobApiBackOff 1 s doubling up to MaxJobApiBackOff 1 min;
    // once the ServiceAccount exists the next retry creates the pod.
    let s = "name: job\nduration: 3m\nsteps:\n- at: 1s\n  apply: |\n    apiVersion: batch/v1\n    kind: Job\n    metadata: {name: pi}\n    spec:\n      template:\n        spec:\n          serviceAccountName: batch\n          restartPolicy: Never\n          containers: [{name: pi, image: \"perl:5.34\"}]\n- at: 40s\n  apply: |\n    apiVersion: v1\n    kind: ServiceAccount\n    metadata: {name: batch}\nexpect:\n- at: 39s\n  that: job/pi active == 0\n- within: 40s..2m\n  that: job/pi active == 1\n";
    let r = run_yaml(s, &[], &["--quiet"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let failed: Vec<f64> = r
        .events()
        .into_iter()
        .filter(|e| e.iter().any(|f| f == "FailedCreate"))
        .map(|e| e[0].parse().unwrap())
        .collect();
    // Retries spaced 1, 2, 4, 8, 16 s … (plus the sync's own latency): six or so fit in the
    // 39 s the account is missing, never dozens.
    assert!((4..=8).contains(&failed.len()), "{failed:?}");
    let gaps: Vec<f64> = failed.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(
        gaps.windows(2).all(|g| g[1] > g[0]),
        "the back-off grows: {gaps:?}"
    );
}
