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
