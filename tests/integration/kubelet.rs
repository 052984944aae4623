//! The pod lifecycle end to end: images, exits, restarts and their back-off as kubectl shows
//! them.

use super::support::{root, run_file};

#[test]
fn the_crash_loop_scenario_shows_kubectls_statuses_and_passes() {
    let r = run_file(&root().join("scenarios/crash-loop.yaml"), &["--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = r.file("transcript.txt");
    let last = t
        .rsplit("$ kubectl get pods\n")
        .next()
        .expect("a second get pods");
    let row = |name: &str| -> Vec<String> {
        let line = last
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} in {last}"));
        // NAME READY STATUS RESTARTS [(Ns ago)] AGE
        line.split_whitespace().map(str::to_string).collect()
    };
    // Exits 3s after each start; restarts after 0, 10, 20, 40, 80s of back-off
    // (kubelet.go backOffPeriod doubling): by 280s five restarts, the next due past 300s.
    let app = row("app-");
    assert_eq!(&app[1..4], ["0/1", "CrashLoopBackOff", "5"], "{app:?}");
    assert!(app[4].starts_with('(') && app[5] == "ago)", "{app:?}");
    // printPod: the terminated reason of an exit-0 run under Never.
    assert_eq!(&row("tmp")[1..4], ["0/1", "Completed", "0"]);
    assert_eq!(&row("missing")[1..4], ["0/1", "ImagePullBackOff", "0"]);
    let events = r.events();
    assert!(events.iter().any(|e| e[6] == "BackOff"
        && e[8].starts_with("Back-off restarting failed container app in pod app-")));
    assert!(events.iter().any(|e| e[8] == "Error: ImagePullBackOff"));
}

#[test]
fn missing_config_maps_block_env_and_volumes_until_they_are_created() {
    // kuberuntime_container.go startContainer: a missing ConfigMap in env is
    // CreateContainerConfigError with `Error: configmap "app" not found`; a missing
    // ConfigMap volume keeps the pod ContainerCreating with FailedMount (volumemanager).
    // Both start once the ConfigMap exists; optional references never block.
    let steps = r#"steps:
- at: 1s
  apply: |
    apiVersion: v1
    kind: Pod
    metadata: {name: env}
    spec:
      containers:
      - name: app
        image: nginx:1.25
        env: [{name: LEVEL, valueFrom: {configMapKeyRef: {name: app, key: level}}}]
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: vol}
    spec:
      volumes: [{name: config, configMap: {name: app}}]
      containers: [{name: app, image: nginx:1.25}]
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: opt}
    spec:
      volumes: [{name: tls, secret: {secretName: cert, optional: true}}]
      containers:
      - name: app
        image: nginx:1.25
        envFrom: [{secretRef: {name: cert, optional: true}}]
- at: 40s
  run: kubectl get pods
- at: 60s
  apply: |
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: app}
    data: {level: debug}
expect:
- that: pod/env status == CreateContainerConfigError
  at: 30s
- that: pod/vol status == ContainerCreating
  at: 30s
- that: pod/opt status == Running
  at: 30s
- that: pod/env status == Running
  at: 2m
- that: pod/vol status == Running
  at: 4m
"#;
    let r = super::support::run_yaml(
        &super::support::scenario("config-refs", "5m", 1, steps),
        &[],
        &["--quiet"],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let t = r.file("transcript.txt");
    let get = super::support::block(&t, "kubectl get pods");
    let status = |name: &str| {
        get.iter()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(2))
            .unwrap_or_else(|| panic!("{name} in {get:?}"))
            .to_string()
    };
    assert_eq!(status("env"), "CreateContainerConfigError");
    assert_eq!(status("vol"), "ContainerCreating");
    let events = r.events();
    assert!(
        events
            .iter()
            .any(|e| e[6] == "Failed" && e[8] == r#"Error: configmap "app" not found"#)
    );
    assert!(events.iter().any(|e| e[6] == "FailedMount"
        && e[8] == r#"MountVolume.SetUp failed for volume "config" : configmap "app" not found"#));
}

#[test]
fn init_containers_run_in_order_and_show_in_get_and_describe() {
    // kuberuntime_manager.go computeInitContainerActions runs init containers one at a time;
    // printers.go printPod shows Init:<i>/<n>, Init:Error; getPhase fails a pod whose init
    // container failed under restartPolicy Never; describe lists `Init Containers:`.
    let steps = r#"steps:
- at: 1s
  apply: |
    apiVersion: v1
    kind: Pod
    metadata: {name: init}
    spec:
      initContainers:
      - {name: wait, image: busybox:1.36, command: [sleep, "20"]}
      - {name: setup, image: busybox:1.36, command: [sleep, "20"]}
      containers: [{name: app, image: nginx:1.25}]
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: broken}
    spec:
      restartPolicy: Never
      initContainers: [{name: check, image: busybox:1.36, command: [sh, -c, "exit 1"]}]
      containers: [{name: app, image: nginx:1.25}]
- at: 2m
  run: kubectl describe pod init
expect:
- that: pod/init status == Init:0/2
  at: 15s
- that: pod/init status == Init:1/2
  at: 45s
- that: pod/init status == Running
  at: 90s
- that: pod/broken status == Init:Error
  at: 60s
- that: pod/broken phase == Failed
  at: 60s
"#;
    let r = super::support::run_yaml(
        &super::support::scenario("init-containers", "3m", 1, steps),
        &[],
        &["--quiet"],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let t = r.file("transcript.txt");
    let describe = super::support::block(&t, "kubectl describe pod init");
    let at = |prefix: &str| {
        describe
            .iter()
            .position(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("{prefix} in {describe:?}"))
    };
    assert!(at("Init Containers:") < at("Containers:"));
    let words = |w: &[&str]| {
        describe
            .iter()
            .any(|l| l.split_whitespace().eq(w.iter().copied()))
    };
    assert!(words(&["Initialized", "True"]));
    // Both init containers ended Completed and count as ready.
    assert!(words(&["Reason:", "Completed"]));
}

/// The `Pulled` events' (pull time, time including waiting) in seconds, in event order.
fn pulls(r: &super::support::Run) -> Vec<(f64, f64)> {
    r.events()
        .iter()
        .filter_map(|e| {
            let rest = e[8].strip_prefix("Successfully pulled image ")?;
            let (_, rest) = rest.split_once(" in ")?;
            let (took, rest) = rest.split_once(" (")?;
            let waited = rest.split_once(" including waiting")?.0;
            let secs = |s: &str| s.strip_suffix('s')?.parse::<f64>().ok();
            Some((secs(took)?, secs(waited)?))
        })
        .collect()
}

#[test]
fn serialize_image_pulls_false_lets_a_pools_kubelets_pull_in_parallel() {
    // pkg/kubelet/images: serializeImagePulls true (the default) queues pulls one after
    // another, so of two pods' pulls on one node the second Pulled event's "including
    // waiting" adds (part of) the first pull; false pulls in parallel (up to
    // maxParallelImagePulls), so nothing is added.
    let run = |pool_keys: &str| {
        let yaml = format!(
            r#"name: pulls
duration: 2m
images:
  registry.example/a:1: {{pullTime: 10s}}
  registry.example/b:1: {{pullTime: 10s}}
cluster:
  nodePools:
  - name: pool1
    count: 1
{pool_keys}steps:
- at: 1s
  apply: |
    apiVersion: v1
    kind: Pod
    metadata: {{name: a}}
    spec:
      containers: [{{name: a, image: "registry.example/a:1"}}]
    ---
    apiVersion: v1
    kind: Pod
    metadata: {{name: b}}
    spec:
      containers: [{{name: b, image: "registry.example/b:1"}}]
"#
        );
        let r = super::support::run_yaml(&yaml, &[], &["--quiet"]);
        assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
        pulls(&r)
    };
    let serial = run("");
    assert_eq!(serial.len(), 2, "{serial:?}");
    assert_eq!(serial[0], (10.0, 10.0));
    assert_eq!(serial[1].0, 10.0);
    assert!(serial[1].1 > 10.0, "waited for the first pull: {serial:?}");
    let parallel = run("    serializeImagePulls: false\n    maxParallelImagePulls: 2\n");
    assert_eq!(parallel, [(10.0, 10.0), (10.0, 10.0)]);
}

#[test]
fn the_timeline_records_each_pods_ready_flips_and_restart_count() {
    // docs/outputs.md: pod rows `ready` and `restarts`. In the crash-loop lab the image
    // exits 3 s after each start; the kubelet restarts it at once the first time, then after
    // 10 s, 20 s, … (kuberuntime's crash-loop back-off), so RESTARTS climbs by one each time,
    // each restart turns the pod ready again, and the waits grow.
    let r = super::support::run_file(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/crash-loop.yaml"),
        &["--quiet"],
    );
    let rows = r.timeline();
    let app: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| r[2] == "pod" && r[3].starts_with("app-"))
        .collect();
    let restarts: Vec<(f64, i64)> = app
        .iter()
        .filter(|r| r[4] == "restarts")
        .map(|r| (r[0].parse().unwrap(), r[5].parse().unwrap()))
        .collect();
    assert!(restarts.len() >= 4, "{restarts:?}");
    for (i, (_, n)) in restarts.iter().enumerate() {
        assert_eq!(*n, i as i64, "one more restart per row: {restarts:?}");
    }
    let gap = |i: usize| restarts[i + 1].0 - restarts[i].0;
    assert!(gap(2) > gap(1) + 5.0, "the back-off doubles: {restarts:?}");
    // Every restart after the first start makes the pod ready again at that instant.
    for (t, n) in restarts.iter().skip(1) {
        assert!(
            app.iter()
                .any(|r| r[4] == "ready" && r[5] == "1" && r[0].parse::<f64>().unwrap() == *t),
            "restart {n} at {t} turns ready"
        );
    }
}
