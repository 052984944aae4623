//! Criterion bench of the whole engine: a 100-node cluster and a 3,000-pod Deployment, from
//! load to the end of the run, with outputs discarded. Speed targets live here, never in
//! timed unit tests.

use criterion::{Criterion, criterion_group, criterion_main};
use kubesim::cli::prepare::prepare;
use kubesim::cluster::World;
use kubesim::output::Outputs;
use std::path::Path;

const SCENARIO: &str = r#"
name: bench
duration: 10m
cluster:
  nodePools:
  - name: pool1
    count: 100
steps:
- at: 1s
  apply: |
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      replicas: 3000
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
          - name: web
            image: nginx:1.25
"#;

fn run_once() -> u64 {
    let scenario = kubesim::scenario::load_str(Path::new("bench.yaml"), SCENARIO)
        .expect("bench scenario loads");
    let prepared = prepare(scenario).expect("bench scenario is valid");
    let mut w =
        World::new(prepared.into_run_plan(), 1, Outputs::discard()).expect("cluster builds");
    w.run();
    w.events_processed()
}

fn engine(c: &mut Criterion) {
    let mut g = c.benchmark_group("engine");
    g.sample_size(10);
    g.bench_function("100 nodes, 3000-pod deployment", |b| b.iter(run_once));
    g.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
