//! API Priority and Fairness in whole runs: the bootstrap levels' seats, queues and 429s
//! (kube-apiserver's defaults; pkg/apis/flowcontrol/bootstrap/default.go), read from
//! summary.json's `flow_control`.

use super::support::{Run, root, run_file, run_yaml};

/// summary.json's `flow_control` object of a priority level.
fn level(r: &Run, name: &str) -> serde_json::Value {
    let s: serde_json::Value = serde_json::from_str(&r.file("summary.json")).expect("summary");
    s["flow_control"]
        .as_array()
        .expect("flow_control")
        .iter()
        .find(|l| l["priority_level"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no level {name}"))
}

fn int(v: &serde_json::Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or_else(|| panic!("{key} in {v}"))
}

#[test]
fn the_burst_lab_fills_workload_high_queues_and_rejects_past_them_while_kubelets_keep_their_seats()
{
    // Also the lab's own check (quickstart.rs leaves this long run to this test): exit 0
    // only when every expectation passed.
    let r = run_file(&root().join("scenarios/burst-30k.yaml"), &["--quiet"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(!r.stderr.contains("FAIL"), "{}", r.stderr);
    let wh = level(&r, "workload-high");
    // ceil(600 × 40 / 245) = 98 seats, all in use at the burst's peak and never more.
    assert_eq!(int(&wh, "nominal_concurrency"), 98);
    assert_eq!(int(&wh, "peak_in_flight"), 98);
    // Requests waited, for less than the 15 s queue-wait limit (a quarter of the 60 s
    // request timeout) since those that reach it are rejected instead.
    assert!(int(&wh, "queued") > 1000, "{wh}");
    assert!(int(&wh, "max_wait_us") < 15_000_000, "{wh}");
    // One flow (the ReplicaSet controller in `default`) holds at most its hand of 6 queues
    // of 50; the scheduler's flow adds its own: past them, 429.
    assert!(int(&wh, "rejected") > 0, "{wh}");
    assert!(int(&wh, "peak_queued") >= 300, "{wh}");
    // The kubelets' requests are in `system` and `node-high`, whose seats the burst cannot
    // take: they never wait.
    for name in ["system", "node-high"] {
        let l = level(&r, name);
        assert!(int(&l, "requests") > 0 || name == "node-high", "{l}");
        assert_eq!(int(&l, "queued"), 0, "{l}");
    }
}

/// Five Azure CNI Overlay nodes (250 pods each), this control plane, and Deployments of
/// `replicas` named by `names`, created at 1 s.
fn burst(control_plane: &str, names: &[&str], replicas: u32, duration: &str) -> String {
    let mut steps = String::new();
    for n in names {
        steps.push_str(&format!(
            "- at: 1s\n  run: kubectl create deployment {n} --image=nginx:1.25 --replicas={replicas}\n"
        ));
    }
    format!(
        "name: burst\nduration: {duration}\ncluster:\n  networkPlugin: azure\n  networkPluginMode: overlay\n  podCidr: 10.244.0.0/16\n  controlPlane: {control_plane}\n  nodePools:\n  - name: pool1\n    count: 5\n    vmSize: Standard_D4s_v5\nsteps:\n{steps}"
    )
}

#[test]
fn with_the_controller_managers_default_20_qps_a_burst_never_waits_for_a_seat() {
    // 2,000 creates at 20 QPS / burst 30 (kube-controller-manager's --kube-api-qps and
    // --kube-api-burst defaults): at most 30 at once, far below workload-high's 98 seats.
    let r = run_yaml(&burst("{}", &["web"], 2000, "40s"), &[], &["-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let wh = level(&r, "workload-high");
    assert_eq!(int(&wh, "queued"), 0, "{wh}");
    assert_eq!(int(&wh, "rejected"), 0, "{wh}");
    assert!(int(&wh, "peak_in_flight") <= 30 + 5, "{wh}");
    // The client paces the burst: from 1 s to 40 s the ReplicaSet controller can send at
    // most 30 + 20 × 39 requests, so its ReplicaSet has at most that many pods.
    let replicas = r
        .timeline()
        .into_iter()
        .filter(|row| row[2] == "replicaset" && row[4] == "replicas" && row[3].starts_with("web-"))
        .filter_map(|row| row[5].parse::<u64>().ok())
        .max()
        .expect("web's ReplicaSet");
    assert!((400..=30 + 20 * 39).contains(&replicas), "{replicas}");
}

#[test]
fn a_small_server_rejects_with_429_and_client_go_retries_until_every_pod_exists() {
    // --max-requests-inflight 3 + --max-mutating-requests-inflight 2: 5 seats, of which
    // workload-high gets ceil(5 × 40 / 245) = 1. With a 1,000 QPS controller manager two
    // ReplicaSets of 500 each send their last slow-start batch (1, 2, 4, …, 128, then the
    // remaining 245) at once: one request executes, 300 fit the `default` flow's six queues,
    // the rest are rejected and sent again after Retry-After: 1 s.
    let cp = "{maxRequestsInflight: 3, maxMutatingRequestsInflight: 2, controllerManagerQps: 1000, controllerManagerBurst: 1000}";
    let r = run_yaml(&burst(cp, &["a", "b"], 500, "4m"), &[], &["-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let wh = level(&r, "workload-high");
    assert_eq!(int(&wh, "nominal_concurrency"), 1);
    assert_eq!(int(&wh, "peak_in_flight"), 1);
    assert!(int(&wh, "queued") > 0, "{wh}");
    assert!(int(&wh, "rejected") > 0, "{wh}");
    let s: serde_json::Value = serde_json::from_str(&r.file("summary.json")).expect("summary");
    let web: Vec<_> = s["deployments"]
        .as_array()
        .expect("deployments")
        .iter()
        .filter(|d| d["namespace"] == "default")
        .collect();
    assert_eq!(web.len(), 2);
    for d in web {
        assert_eq!(d["available_replicas"], 500, "{d}");
    }
}

#[test]
fn the_schedulers_client_qps_paces_its_bindings() {
    // 200 pods exist within a second (a 1,000 QPS controller manager); the scheduler binds
    // each with one POST, through its own token bucket. At `schedulerQps: 5, schedulerBurst: 5`
    // it can send at most 5 + 5 × t bindings in t seconds; at the default 50 / 100 the same
    // 200 pods are all bound within a few seconds (KubeSchedulerConfiguration's
    // clientConnection defaults).
    let scheduled_by = |r: &Run, t: f64| {
        r.events()
            .into_iter()
            .filter(|e| e[6] == "Scheduled" && super::support::seconds(&e[0]) <= t)
            .count()
    };
    let paced = "{controllerManagerQps: 1000, controllerManagerBurst: 1000, schedulerQps: 5, schedulerBurst: 5}";
    let r = run_yaml(&burst(paced, &["web"], 200, "60s"), &[], &["-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The first binding is sent after 1 s; 10 s later at most 5 + 5 × 10 have been sent.
    let early = scheduled_by(&r, 11.0);
    assert!((20..=55).contains(&early), "{early}");
    assert_eq!(scheduled_by(&r, 60.0), 200);
    let fast = run_yaml(
        &burst(
            "{controllerManagerQps: 1000, controllerManagerBurst: 1000}",
            &["web"],
            200,
            "60s",
        ),
        &[],
        &["-q"],
    );
    assert_eq!(scheduled_by(&fast, 11.0), 200);
}
