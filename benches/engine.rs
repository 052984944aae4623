//! Criterion benches of the whole engine, from load to the end of the run, with outputs
//! discarded: a 100-node cluster and a 3,000-pod Deployment, and one `kubectl apply` of 4,000
//! ConfigMaps (quadratic until each request stopped copying the step's whole item list: 45 s,
//! now well under a second). Also the event loop alone against a bare binary heap on the same
//! hold model (each event schedules the next, 10,000 pending), the floor that a whole run's
//! cost per event is compared with (results/BENCHMARKS.md). Speed targets live here, never in
//! timed unit tests.

use criterion::{Criterion, criterion_group, criterion_main};
use kubesim::cli::prepare::prepare;
use kubesim::cluster::World;
use kubesim::output::Outputs;
use kubesim::sim::engine::Engine;
use kubesim::sim::time::{SimDuration, SimTime};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::path::Path;

/// Events each hold-model iteration handles, and how many are pending throughout.
const HOLD_EVENTS: u64 = 1_000_000;
const HOLD_PENDING: u64 = 10_000;

/// The next delay of the hold model: a cheap deterministic spread over 1 µs to 1 s
/// (SplitMix64's finaliser of the event number), the same for both loops.
fn hold_delay(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    1 + (z ^ (z >> 31)) % 1_000_000
}

/// The hold model on a bare `BinaryHeap` of (time, seq): the least an event loop can cost.
fn bare_heap() -> u64 {
    let mut heap = BinaryHeap::new();
    for i in 0..HOLD_PENDING {
        heap.push(Reverse((hold_delay(i), i)));
    }
    let mut sum = 0;
    for seq in HOLD_PENDING..HOLD_PENDING + HOLD_EVENTS {
        let Some(Reverse((t, s))) = heap.pop() else {
            break;
        };
        sum ^= s;
        heap.push(Reverse((t + hold_delay(seq), seq)));
    }
    sum
}

/// The same hold model on kubesim's engine (its queue, sequence numbers and cancellation).
fn engine_hold() -> u64 {
    let mut e: Engine<u64> = Engine::default();
    for i in 0..HOLD_PENDING {
        e.schedule_at(SimTime(hold_delay(i)), i);
    }
    let mut seq = HOLD_PENDING;
    let mut sum = 0;
    while e.processed() < HOLD_EVENTS {
        let Some(item) = e.next_until(SimTime(u64::MAX)) else {
            break;
        };
        sum ^= item.event;
        e.schedule(SimDuration(hold_delay(seq)), seq);
        seq += 1;
    }
    sum
}

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
    run(SCENARIO)
}

/// One `apply:` step of 4,000 ConfigMaps, as `kubectl apply -f` of one file of 4,000 documents.
fn many_documents() -> String {
    let mut s = String::from("name: bench-apply\nduration: 10m\nsteps:\n- at: 1s\n  apply: |\n");
    for i in 0..4000 {
        s.push_str(&format!(
            "    ---\n    apiVersion: v1\n    kind: ConfigMap\n    metadata: {{name: cm-{i}}}\n    data: {{k: v{i}}}\n"
        ));
    }
    s
}

fn run(text: &str) -> u64 {
    let scenario =
        kubesim::scenario::load_str(Path::new("bench.yaml"), text).expect("bench scenario loads");
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
    let apply = many_documents();
    g.bench_function("apply of one 4000-document manifest", |b| {
        b.iter(|| run(&apply))
    });
    g.bench_function("hold model, 1M events, bare BinaryHeap", |b| {
        b.iter(bare_heap)
    });
    g.bench_function("hold model, 1M events, kubesim Engine", |b| {
        b.iter(engine_hold)
    });
    g.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
