//! Criterion bench of one scheduling cycle (`Scheduler::prioritized_nodes`: PreFilter,
//! Filter until numFeasibleNodesToFind, every Score plugin) on a 5,000-node cluster that
//! already runs AKS's system pods and a 2,000-pod zone-spread Deployment: a plain pod, and a
//! pod with required anti-affinity, preferred affinity and its own topology spread
//! constraints (the full plugin set's work). Speed targets live here, never in timed
//! unit tests.

use criterion::{Criterion, criterion_group, criterion_main};
use kubesim::cli::prepare::prepare;
use kubesim::cluster::World;
use kubesim::model::affinity::{
    Affinity, PodAffinity, PodAffinityTerm, TopologySpreadConstraint, WeightedPodAffinityTerm,
    WhenUnsatisfiable,
};
use kubesim::model::labels::{Labels, Selector};
use kubesim::model::meta::Meta;
use kubesim::model::pod::{Pod, PodStatus};
use kubesim::output::Outputs;
use kubesim::sim::time::SimTime;
use std::path::Path;
use std::sync::Arc;

/// Five pools of 1,000 nodes over three zones, and a Deployment whose pods the bench's
/// terms select.
fn scenario() -> String {
    let mut s = String::from(
        "name: bench-5k\nduration: 30m\ncluster:\n  tier: standard\n  networkPlugin: azure\n  networkPluginMode: overlay\n  podCidr: 10.32.0.0/11\n  vnetSubnetCidr: 10.224.0.0/16\n  nodePools:\n",
    );
    for i in 0..5 {
        let mode = if i == 0 { "System" } else { "User" };
        s.push_str(&format!(
            "  - name: pool{i}\n    mode: {mode}\n    count: 1000\n    vmSize: Standard_D4s_v5\n    zones: [1, 2, 3]\n"
        ));
    }
    s.push_str(
        "steps:\n- at: 1s\n  apply: |\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: web}\n    spec:\n      replicas: 2000\n      selector: {matchLabels: {app: web}}\n      template:\n        metadata: {labels: {app: web}}\n        spec:\n          containers: [{name: web, image: \"nginx:1.25\", resources: {requests: {cpu: 100m}}}]\n",
    );
    s
}

/// The cluster after the Deployment's pods are placed.
fn world() -> World {
    let text = scenario();
    let scenario =
        kubesim::scenario::load_str(Path::new("bench.yaml"), &text).expect("bench scenario loads");
    let prepared = prepare(scenario).expect("bench scenario is valid");
    let mut w =
        World::new(prepared.into_run_plan(), 1, Outputs::discard()).expect("cluster builds");
    w.step_until(SimTime(20 * 60 * 1_000_000));
    w
}

fn selector(app: &str) -> Selector {
    Selector::from_map(&Labels::from_pairs([("app".to_string(), app.to_string())]))
}

fn term(app: &str, key: &str) -> PodAffinityTerm {
    PodAffinityTerm {
        selector: Some(selector(app)),
        namespaces: Vec::new(),
        namespace_selector: None,
        topology_key: key.into(),
    }
}

/// A pending pod in `default` labelled `app=<app>`, with `edit` applied to a copy of a
/// web pod's spec.
fn pending(
    w: &mut World,
    name: &str,
    app: &str,
    edit: impl FnOnce(&mut Affinity, &mut Vec<TopologySpreadConstraint>),
) -> u32 {
    let template = w
        .store
        .pods
        .iter()
        .find(|(_, p)| p.meta.labels.get("app") == Some("web"))
        .map(|(_, p)| p.clone())
        .expect("a web pod");
    let mut spec = (*template.spec).clone();
    let mut affinity = Affinity::default();
    let mut spread = Vec::new();
    edit(&mut affinity, &mut spread);
    spec.affinity = (affinity != Affinity::default()).then(|| Box::new(affinity));
    spec.topology_spread = spread;
    let labels = Labels::from_pairs([("app".to_string(), app.to_string())]);
    w.store.pods.insert(Pod {
        meta: Meta::new(name.to_string(), template.meta.namespace, labels),
        spec: Arc::new(spec),
        node: None,
        status: PodStatus::default(),
    })
}

fn scheduler(c: &mut Criterion) {
    let mut w = world();
    let plain = pending(&mut w, "plain", "plain", |_, _| {});
    let full = pending(&mut w, "full", "web", |a, s| {
        a.anti = PodAffinity {
            required: vec![term("solo", "kubernetes.io/hostname")],
            preferred: Vec::new(),
        };
        a.pod = PodAffinity {
            required: Vec::new(),
            preferred: vec![WeightedPodAffinityTerm {
                weight: 10,
                term: term("web", "topology.kubernetes.io/zone"),
            }],
        };
        for (key, when) in [
            (
                "topology.kubernetes.io/zone",
                WhenUnsatisfiable::DoNotSchedule,
            ),
            ("kubernetes.io/hostname", WhenUnsatisfiable::ScheduleAnyway),
        ] {
            s.push(TopologySpreadConstraint {
                max_skew: 1,
                topology_key: key.into(),
                when_unsatisfiable: when,
                selector: Some(selector("web")),
                min_domains: None,
                honor_node_affinity: true,
                honor_node_taints: false,
                match_label_keys: Vec::new(),
            });
        }
    });
    let store = std::mem::take(&mut w.store);
    let sched = &mut w.components.scheduler;
    assert!(sched.prioritized_nodes(&store, plain).is_ok());
    assert!(sched.prioritized_nodes(&store, full).is_ok());
    let mut g = c.benchmark_group("scheduler");
    g.sample_size(20);
    g.bench_function("one cycle, 5000 nodes, plain pod", |b| {
        b.iter(|| sched.prioritized_nodes(&store, plain))
    });
    g.bench_function("one cycle, 5000 nodes, affinity + spread pod", |b| {
        b.iter(|| sched.prioritized_nodes(&store, full))
    });
    g.finish();
}

criterion_group!(benches, scheduler);
criterion_main!(benches);
