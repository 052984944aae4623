//! Criterion benches of whole scenarios, from load to the end of the run with outputs
//! discarded: a rolling update of a 1,000-replica Deployment (maxSurge and maxUnavailable
//! 25 %, so about 4 surge rounds of 250 pods) on 20 nodes, and the bundled
//! `scenarios/scale-1k.yaml` (1,000 nodes, 30,000 pods). Speed targets live here and in
//! results/BENCHMARKS.md, never in timed unit tests.

use criterion::{Criterion, criterion_group, criterion_main};
use kubesim::cli::prepare::prepare;
use kubesim::cluster::World;
use kubesim::output::Outputs;
use std::path::Path;

/// 20 Azure CNI Overlay nodes (250 pods each), a 1,000-replica Deployment at 1 s and a new
/// image at 5 min; the rollout is over well before 20 min.
const ROLLING_UPDATE: &str = r#"
name: bench-rolling-update
duration: 20m
cluster:
  networkPlugin: azure
  networkPluginMode: overlay
  podCidr: 10.244.0.0/16
  controlPlane: {controllerManagerQps: 100, controllerManagerBurst: 100}
  nodePools:
  - name: pool1
    count: 20
    vmSize: Standard_D16ds_v5
steps:
- at: 1s
  run: kubectl create deployment web --image=nginx:1.25 --replicas=1000
- at: 5m
  run: kubectl set image deployment/web nginx=nginx:1.27
"#;

fn run(scenario: kubesim::scenario::Scenario) -> u64 {
    let prepared = prepare(scenario).expect("bench scenario is valid");
    let mut w =
        World::new(prepared.into_run_plan(), 1, Outputs::discard()).expect("cluster builds");
    w.run();
    w.events_processed()
}

fn scenarios(c: &mut Criterion) {
    let mut g = c.benchmark_group("scenarios");
    g.sample_size(10);
    g.bench_function("rolling update of a 1000-replica deployment", |b| {
        b.iter(|| {
            run(
                kubesim::scenario::load_str(Path::new("bench.yaml"), ROLLING_UPDATE)
                    .expect("bench scenario loads"),
            )
        })
    });
    let scale_1k = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/scale-1k.yaml");
    g.bench_function("scenarios/scale-1k.yaml end to end", |b| {
        b.iter(|| run(kubesim::scenario::load(&scale_1k).expect("scale-1k loads")))
    });
    g.finish();
}

criterion_group!(benches, scenarios);
criterion_main!(benches);
