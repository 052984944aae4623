//! Rolling updates against the bounds Kubernetes promises (issue 7): over many seeds, a
//! 50-replica Deployment (maxSurge 25% = 13, maxUnavailable 25% = 12) re-applied with a new
//! image never holds more than 50 + 13 ReplicaSet replicas in spec, and once fully available
//! never has fewer than 50 − 12 available pods (Ready, not terminating), read after every
//! event. Kubernetes' rolling.go keeps these bounds on the ReplicaSet counts it reads; see
//! docs/scenario.md (Deployments) for why the pods' availability may briefly differ.

use kubesim::cli::prepare::prepare;
use kubesim::cluster::World;
use kubesim::model::kind::Kind;
use kubesim::model::meta::ObjRef;
use kubesim::model::workload::{ConditionStatus, DeploymentConditionType};
use kubesim::output::Outputs;
use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;

const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 50
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: IMAGE
        resources: {requests: {cpu: 10m}}
";

fn scenario(seed: u64) -> String {
    let apply = |image: &str| {
        DEPLOY
            .replace("IMAGE", image)
            .lines()
            .map(|l| format!("    {l}\n"))
            .collect::<String>()
    };
    format!(
        "name: rollout\nseed: {seed}\nduration: 6m\ncluster:\n  nodePools:\n  - name: pool1\n    count: 3\nsteps:\n- at: 0s\n  apply: |\n{}- at: 2m\n  apply: |\n{}",
        apply("nginx:1.25"),
        apply("nginx:1.26")
    )
}

/// What one run saw of `web`.
#[derive(Debug, Default)]
struct Seen {
    max_spec: i32,
    fully_available: bool,
    min_available: Option<(i32, u64)>,
    final_updated: i32,
    replica_sets: usize,
    /// The lowest `status.availableReplicas` once it was 50 (what `kubectl get` shows).
    min_status: Option<i32>,
}

fn observe(w: &World, seen: &mut Seen) {
    let Some((did, d)) = w
        .store
        .deployments
        .iter()
        .find(|(_, d)| d.meta.name == "web")
    else {
        return;
    };
    let dref = ObjRef {
        kind: Kind::Deployment,
        id: did,
    };
    let mut spec = 0;
    let mut available = 0;
    for r in w.store.dependents_of(dref) {
        if r.kind != Kind::ReplicaSet {
            continue;
        }
        let Some(rs) = w.store.replicasets.get(r.id) else {
            continue;
        };
        spec += rs.spec.replicas;
        let rsref = ObjRef {
            kind: Kind::ReplicaSet,
            id: r.id,
        };
        available += w
            .store
            .dependents_of(rsref)
            .iter()
            .filter(|p| p.kind == Kind::Pod)
            .filter_map(|p| w.store.pods.get(p.id))
            .filter(|p| p.meta.deleted.is_none() && p.is_ready())
            .count() as i32;
    }
    seen.max_spec = seen.max_spec.max(spec);
    if available == d.spec.replicas {
        seen.fully_available = true;
    }
    if seen.fully_available && seen.min_available.is_none_or(|(m, _)| available < m) {
        seen.min_available = Some((available, w.now().0));
    }
    if d.status.available_replicas == d.spec.replicas || seen.min_status.is_some() {
        let v = d.status.available_replicas;
        seen.min_status = Some(seen.min_status.map_or(v, |m| m.min(v)));
    }
    seen.final_updated = d.status.updated_replicas;
    seen.replica_sets = w
        .store
        .dependents_of(dref)
        .iter()
        .filter(|r| r.kind == Kind::ReplicaSet)
        .count();
}

fn run(seed: u64) -> Seen {
    let yaml = scenario(seed);
    let s = kubesim::scenario::load::load_str(Path::new("rollout.yaml"), &yaml).expect("loads");
    let prepared = prepare(s).unwrap_or_else(|b| panic!("{}", b.render()));
    let mut w = World::new(prepared.into_run_plan(), seed, Outputs::discard()).expect("world");
    let seen = Rc::new(RefCell::new(Seen::default()));
    let s2 = seen.clone();
    w.observer = Some(Box::new(move |w, _| observe(w, &mut s2.borrow_mut())));
    w.run();
    assert!(w.stopped.is_none(), "the run stopped");
    drop(w);
    Rc::try_unwrap(seen).expect("one owner").into_inner()
}

#[test]
fn a_rolling_update_keeps_max_surge_and_max_unavailable_over_many_seeds() {
    for seed in 1..=20 {
        let seen = run(seed);
        assert_eq!(
            seen.replica_sets, 2,
            "seed {seed}: the new image made a new ReplicaSet"
        );
        assert_eq!(seen.final_updated, 50, "seed {seed}: the rollout completes");
        assert!(
            seen.max_spec <= 63,
            "seed {seed}: spec sum {} > 50 + 13",
            seen.max_spec
        );
        let (min, at) = seen.min_available.expect("fully available once");
        assert!(
            min >= 38,
            "seed {seed}: {min} available at {at} µs, below 50 − 12"
        );
        let status = seen.min_status.expect("the status reached 50");
        assert!(
            status >= 38,
            "seed {seed}: status.availableReplicas fell to {status}"
        );
    }
}

#[test]
fn the_bundled_rollout_scenarios_pass_their_expectations() {
    for name in ["rolling-update", "recreate"] {
        let path = super::support::root().join(format!("scenarios/{name}.yaml"));
        let run = super::support::run_file(&path, &["-q"]);
        assert_eq!(run.code, 0, "{name}: {}\n{}", run.stdout, run.stderr);
    }
}

#[test]
fn a_rollout_that_cannot_progress_exceeds_its_deadline() {
    // progress.go: with no new pod able to schedule (a 100-CPU request), nothing progresses
    // after the new ReplicaSet's first scale; requeueStuckDeployment syncs again one second
    // after lastUpdateTime + progressDeadlineSeconds (30 s), and DeploymentTimedOut turns
    // Progressing False with ProgressDeadlineExceeded.
    let deploy = |cpu: &str| {
        format!(
            "  apply: |\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {{name: web}}\n    spec:\n      replicas: 2\n      progressDeadlineSeconds: 30\n      selector: {{matchLabels: {{app: web}}}}\n      template:\n        metadata: {{labels: {{app: web}}}}\n        spec:\n          containers:\n          - name: web\n            image: nginx\n            resources: {{requests: {{cpu: '{cpu}'}}}}\n"
        )
    };
    let yaml = format!(
        "name: stuck\nduration: 4m\ncluster:\n  nodePools:\n  - name: pool1\n    count: 1\nsteps:\n- at: 0s\n{}- at: 1m\n{}",
        deploy("10m"),
        deploy("100")
    );
    let s = kubesim::scenario::load::load_str(Path::new("stuck.yaml"), &yaml).expect("loads");
    let prepared = prepare(s).unwrap_or_else(|b| panic!("{}", b.render()));
    let mut w = World::new(prepared.into_run_plan(), 1, Outputs::discard()).expect("world");
    w.run();
    let (_, d) = w
        .store
        .deployments
        .iter()
        .find(|(_, d)| d.meta.name == "web")
        .expect("web");
    let c = d
        .status
        .conditions
        .iter()
        .find(|c| c.kind == DeploymentConditionType::Progressing)
        .expect("a Progressing condition");
    assert_eq!(c.reason, "ProgressDeadlineExceeded");
    assert_eq!(c.status, ConditionStatus::False);
    assert!(
        c.message.starts_with("ReplicaSet \"web-")
            && c.message.ends_with("\" has timed out progressing."),
        "{}",
        c.message
    );
    // It timed out between 60 s + 30 s and the end; one second after the deadline of the
    // last progress (whole seconds) at the latest.
    let t = c.last_transition.0;
    assert!(
        (90_000_000..=100_000_000).contains(&t),
        "timed out at {t} µs"
    );
    let a = d
        .status
        .conditions
        .iter()
        .find(|c| c.kind == DeploymentConditionType::Available)
        .expect("an Available condition");
    // The old pods still serve: 2 available ≥ 2 − 0.
    assert_eq!(a.reason, "MinimumReplicasAvailable");
}
