//! timeline.csv: each object's metrics as the simulated API server stores them, one row per
//! change at the end of an instant (docs/outputs.md), and the cluster-wide counts.
//!
//! Models what a client watching every kind would record (`kubectl get -A --watch`), reduced
//! to integers. Everything is incremental from the objects the store reports as written in
//! the instant: a side table per arena remembers each object's last rows, and each pod's
//! last group and node, so cluster and node counts move without rescanning pods. Rows within
//! an instant follow the order in which objects were first written, then each kind's metric
//! order; the consequences of a pod's change (its node's `pods`, the cluster groups) take the
//! place of that pod. A change undone within one instant produces no row, since only the
//! values at the instant's end are compared.
//!
//! Cluster rows have an empty namespace and an empty name (`0.000000,,cluster,,nodes_ready,3`)
//! and appear, all seven, at the first instant; objects' rows use their lower-case Kind.

use std::collections::BTreeSet;

use crate::etcd::Store;
use crate::model::kind::Kind;
use crate::model::meta::{NsId, ObjRef};
use crate::model::pod::{Phase, Pod};
use crate::output::CsvSink;
use crate::output::metrics::{CLUSTER_METRICS, Counters, object_int, object_text};
use crate::scenario::Metric;
use crate::sim::time::SimTime;

/// timeline.csv's header (docs/outputs.md). `text` came after `value` (columns are only added
/// at the end): the word a metric's integer stands for, where it has one (a pod's phase and
/// node), else empty.
pub const HEADER: [&str; 7] = [
    "time",
    "namespace",
    "kind",
    "name",
    "metric",
    "value",
    "text",
];

/// The timeline metrics of a kind, in docs/outputs.md's order (`exists` first).
pub fn timeline_metrics(kind: Kind) -> &'static [Metric] {
    use Metric::*;
    match kind {
        Kind::Deployment => &[
            Exists,
            Desired,
            Replicas,
            UpdatedReplicas,
            ReadyReplicas,
            AvailableReplicas,
            UnavailableReplicas,
        ],
        Kind::ReplicaSet | Kind::ReplicationController => {
            &[Exists, Desired, Replicas, ReadyReplicas, AvailableReplicas]
        }
        Kind::Node => &[Exists, Ready, Pods],
        Kind::DaemonSet => &[Exists, Desired, Current, Ready, Updated, Available],
        Kind::Job => &[Exists, Active, Succeeded, Failed],
        Kind::CronJob => &[Exists, Active],
        Kind::StatefulSet => &[
            Exists, Desired, Replicas, Current, Ready, Updated, Available,
        ],
        // `phase` and `node` carry their word in the `text` column; `status` (kubectl's
        // STATUS cell) has no integer and is read by expectations only.
        Kind::Pod => &[Exists, Phase, Ready, Restarts, Node],
        Kind::PodDisruptionBudget => &crate::scenario::expect::PDB_METRICS,
        _ => &[Exists],
    }
}

/// Index of a node's `pods` metric in [`timeline_metrics`].
const NODE_PODS: u8 = 2;

/// The store's arenas; ReplicaSets and ReplicationControllers share one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Arena {
    Namespace,
    Node,
    Pod,
    Deployment,
    ReplicaSet,
    Service,
    ConfigMap,
    Secret,
    DaemonSet,
    Job,
    StatefulSet,
    CronJob,
    ServiceAccount,
    PodDisruptionBudget,
    PriorityClass,
}

const ARENAS: usize = Arena::PriorityClass as usize + 1;

fn arena_of(kind: Kind) -> Option<Arena> {
    Some(match kind {
        Kind::Namespace => Arena::Namespace,
        Kind::Node => Arena::Node,
        Kind::Pod => Arena::Pod,
        Kind::Deployment => Arena::Deployment,
        Kind::ReplicaSet | Kind::ReplicationController => Arena::ReplicaSet,
        Kind::Service => Arena::Service,
        Kind::ConfigMap => Arena::ConfigMap,
        Kind::Secret => Arena::Secret,
        Kind::DaemonSet => Arena::DaemonSet,
        Kind::Job => Arena::Job,
        Kind::StatefulSet => Arena::StatefulSet,
        Kind::CronJob => Arena::CronJob,
        Kind::ServiceAccount => Arena::ServiceAccount,
        Kind::PodDisruptionBudget => Arena::PodDisruptionBudget,
        Kind::PriorityClass => Arena::PriorityClass,
        Kind::Event => return None,
    })
}

/// The cluster group a pod counts in (docs/outputs.md); groups never overlap. The value is the
/// index in [`CLUSTER_METRICS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PodGroup {
    Pending = 2,
    Running = 3,
    Succeeded = 4,
    Failed = 5,
    Terminating = 6,
}

/// A pod's group and the node whose `pods` it counts in (bound and not terminal).
fn pod_place(pod: &Pod) -> (PodGroup, Option<u32>) {
    let group = match pod.status.phase {
        Phase::Succeeded => PodGroup::Succeeded,
        Phase::Failed => PodGroup::Failed,
        _ if pod.meta.deleted.is_some() => PodGroup::Terminating,
        Phase::Pending => PodGroup::Pending,
        Phase::Running => PodGroup::Running,
    };
    let node = if pod.is_terminal() { None } else { pod.node };
    (group, node)
}

/// What a tracked object counts toward, as last accounted. A Deployment's track is boxed so
/// that every pod's record stays small (results/BENCHMARKS.md, "Memory per pod").
#[derive(Clone, Debug)]
enum Extra {
    None,
    Pod { group: PodGroup, node: Option<u32> },
    Node { ready: bool },
    Deployment(Box<DeploymentTrack>),
}

/// A Deployment's availability history for summary.json.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeploymentTrack {
    /// `spec.replicas` at the last instant end.
    pub desired: i64,
    /// `status.availableReplicas` at the last instant end.
    pub available: i64,
    /// First instant-end at which `available_replicas >= desired > 0`.
    pub first_fully_available: Option<SimTime>,
    /// Least `available_replicas` seen at any instant end since creation (creation included).
    pub min_available: i64,
    /// Least `available_replicas` at any instant end from `first_fully_available` on: what a
    /// rollout or a disruption took away from a Deployment that had been serving.
    pub min_available_since_fully_available: Option<i64>,
}

/// What the timeline remembers about one object.
#[derive(Debug)]
struct Tracked {
    kind: Kind,
    ns: Option<NsId>,
    name: Box<str>,
    /// Created in the current instant: every metric gets a row.
    fresh: bool,
    /// Deleted in the current instant: `exists 0`, then the record is dropped.
    gone: bool,
    /// The value of each metric's last row, in [`timeline_metrics`] order.
    last: [i64; 7],
    extra: Extra,
}

/// A metric that may have changed in this instant, in first-touch order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Touch {
    Cluster(u8),
    Object(Arena, u32, u8),
}

/// The timeline writer and the incremental state behind it.
#[derive(Debug)]
pub struct Timeline {
    pub(crate) sink: CsvSink,
    tables: [Vec<Option<Box<Tracked>>>; ARENAS],
    counters: Counters,
    cluster_last: [i64; 7],
    started: bool,
    /// The store's interned namespace names (never renamed), for summary.json.
    ns_names: Vec<String>,
}

/// Per-instant scratch: touches in order, deduplicated.
#[derive(Default)]
struct Touches {
    order: Vec<Touch>,
    seen: BTreeSet<Touch>,
}

impl Touches {
    fn push(&mut self, t: Touch) {
        if self.seen.insert(t) {
            self.order.push(t);
        }
    }
}

fn add(v: &mut Vec<i64>, i: u32, d: i64) {
    let i = i as usize;
    if v.len() <= i {
        v.resize(i + 1, 0);
    }
    if let Some(x) = v.get_mut(i) {
        *x += d;
    }
}

impl Timeline {
    /// Over a sink whose header is already written.
    pub(crate) fn new(sink: CsvSink) -> Timeline {
        Timeline {
            sink,
            tables: Default::default(),
            counters: Counters::default(),
            cluster_last: [0; 7],
            started: false,
            ns_names: Vec::new(),
        }
    }

    /// The cluster counters and per-node pod counts.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Availability history of live Deployments: (namespace id, name, id, track).
    pub(crate) fn deployments(
        &self,
    ) -> impl Iterator<Item = (Option<NsId>, &str, u32, DeploymentTrack)> {
        self.tables[Arena::Deployment as usize]
            .iter()
            .enumerate()
            .filter_map(|(id, t)| {
                let t = t.as_deref()?;
                match &t.extra {
                    Extra::Deployment(d) => Some((t.ns, &*t.name, id as u32, **d)),
                    _ => None,
                }
            })
    }

    /// A namespace's name (empty for cluster scope).
    pub(crate) fn ns_name(&self, ns: Option<NsId>) -> &str {
        ns.and_then(|n| self.ns_names.get(n.0 as usize))
            .map_or("", String::as_str)
    }

    fn record(&self, arena: Arena, id: u32) -> Option<&Tracked> {
        self.tables[arena as usize]
            .get(id as usize)
            .and_then(|t| t.as_deref())
    }

    fn record_mut(&mut self, arena: Arena, id: u32) -> Option<&mut Tracked> {
        self.tables[arena as usize]
            .get_mut(id as usize)
            .and_then(|t| t.as_deref_mut())
    }

    fn move_cluster(&mut self, from: Option<usize>, to: Option<usize>, touches: &mut Touches) {
        if from == to {
            return;
        }
        if let Some(f) = from
            && let Some(c) = self.counters.cluster.get_mut(f)
        {
            *c -= 1;
        }
        if let Some(t) = to
            && let Some(c) = self.counters.cluster.get_mut(t)
        {
            *c += 1;
        }
        let mut idx: Vec<usize> = from.into_iter().chain(to).collect();
        idx.sort_unstable();
        for i in idx {
            touches.push(Touch::Cluster(i as u8));
        }
    }

    fn move_node_pods(&mut self, from: Option<u32>, to: Option<u32>, touches: &mut Touches) {
        if from == to {
            return;
        }
        if let Some(f) = from {
            add(&mut self.counters.node_pods, f, -1);
            touches.push(Touch::Object(Arena::Node, f, NODE_PODS));
        }
        if let Some(t) = to {
            add(&mut self.counters.node_pods, t, 1);
            touches.push(Touch::Object(Arena::Node, t, NODE_PODS));
        }
    }

    /// The new accounting state of an existing object.
    fn account(&self, store: &Store, r: ObjRef, now: SimTime, old: Option<&Extra>) -> Extra {
        match r.kind {
            Kind::Pod => match store.pods.get(r.id) {
                Some(p) => {
                    let (group, node) = pod_place(p);
                    Extra::Pod { group, node }
                }
                None => Extra::None,
            },
            Kind::Node => Extra::Node {
                ready: store.nodes.get(r.id).is_some_and(|n| n.ready()),
            },
            Kind::Deployment => {
                let Some(d) = store.deployments.get(r.id) else {
                    return Extra::None;
                };
                let desired = i64::from(d.spec.replicas);
                let available = i64::from(d.status.available_replicas);
                let mut track = match old {
                    Some(Extra::Deployment(t)) => **t,
                    _ => DeploymentTrack {
                        desired,
                        available,
                        first_fully_available: None,
                        min_available: available,
                        min_available_since_fully_available: None,
                    },
                };
                track.desired = desired;
                track.available = available;
                track.min_available = track.min_available.min(available);
                if track.first_fully_available.is_none() && desired > 0 && available >= desired {
                    track.first_fully_available = Some(now);
                }
                if track.first_fully_available.is_some() {
                    let m = track.min_available_since_fully_available;
                    track.min_available_since_fully_available =
                        Some(m.map_or(available, |m| m.min(available)));
                }
                Extra::Deployment(Box::new(track))
            }
            _ => Extra::None,
        }
    }

    /// Moves counters from what `old` counted to what `new` counts.
    fn apply(&mut self, old: &Extra, new: &Extra, touches: &mut Touches) {
        let (og, on) = match *old {
            Extra::Pod { group, node } => (Some(group as usize), node),
            Extra::Node { ready } => (Some(if ready { 0 } else { 1 }), None),
            _ => (None, None),
        };
        let (ng, nn) = match *new {
            Extra::Pod { group, node } => (Some(group as usize), node),
            Extra::Node { ready } => (Some(if ready { 0 } else { 1 }), None),
            _ => (None, None),
        };
        self.move_cluster(og, ng, touches);
        self.move_node_pods(on, nn, touches);
    }

    /// Processes the objects written in the instant ending at `now` and writes the rows.
    pub(crate) fn instant(&mut self, now: SimTime, store: &Store, changed: &[ObjRef]) {
        if let Some(new) = store.namespace_names.get(self.ns_names.len()..) {
            self.ns_names.extend(new.iter().cloned());
        }
        if changed.is_empty() && self.started {
            return;
        }
        let mut touches = Touches::default();
        if !self.started {
            for i in 0..CLUSTER_METRICS.len() {
                touches.push(Touch::Cluster(i as u8));
            }
        }
        // Pass 1: bring records and counters to the instant's end, noting what was touched.
        for &r in changed {
            let Some(arena) = arena_of(r.kind) else {
                continue;
            };
            let exists = store.meta(r).is_some();
            let had = self.record(arena, r.id).is_some();
            match (exists, had) {
                (true, false) => {
                    let Some(meta) = store.meta(r) else { continue };
                    let kind = if arena == Arena::ReplicaSet {
                        store.rs_kind(r.id)
                    } else {
                        r.kind
                    };
                    let real = ObjRef { kind, id: r.id };
                    let extra = self.account(store, real, now, None);
                    let extra_counted = extra.clone();
                    let rec = Tracked {
                        kind,
                        ns: meta.namespace,
                        name: meta.name.as_str().into(),
                        fresh: true,
                        gone: false,
                        last: [0; 7],
                        extra,
                    };
                    if kind == Kind::Node {
                        let names = &mut self.counters.node_names;
                        let i = r.id as usize;
                        if names.len() <= i {
                            names.resize(i + 1, None);
                        }
                        if let Some(slot) = names.get_mut(i) {
                            *slot = Some(rec.name.clone());
                        }
                    }
                    let table = &mut self.tables[arena as usize];
                    let i = r.id as usize;
                    if table.len() <= i {
                        table.resize_with(i + 1, || None);
                    }
                    if let Some(slot) = table.get_mut(i) {
                        *slot = Some(Box::new(rec));
                    }
                    for m in 0..timeline_metrics(kind).len() {
                        touches.push(Touch::Object(arena, r.id, m as u8));
                    }
                    self.apply(&Extra::None, &extra_counted, &mut touches);
                }
                (true, true) => {
                    let Some((kind, old)) =
                        self.record(arena, r.id).map(|t| (t.kind, t.extra.clone()))
                    else {
                        continue;
                    };
                    let new = self.account(store, ObjRef { kind, id: r.id }, now, Some(&old));
                    for m in 0..timeline_metrics(kind).len() {
                        touches.push(Touch::Object(arena, r.id, m as u8));
                    }
                    self.apply(&old, &new, &mut touches);
                    if let Some(t) = self.record_mut(arena, r.id) {
                        t.extra = new;
                    }
                }
                (false, true) => {
                    let Some(t) = self.record_mut(arena, r.id) else {
                        continue;
                    };
                    if t.gone {
                        continue;
                    }
                    t.gone = true;
                    let old = t.extra.clone();
                    touches.push(Touch::Object(arena, r.id, 0));
                    self.apply(&old, &Extra::None, &mut touches);
                }
                // Created and deleted within the instant: never seen (docs/expectations.md).
                (false, false) => {}
            }
        }
        // Pass 2: one row per touched metric whose end-of-instant value differs from its
        // last row (every metric of a new object).
        let time = now.csv();
        for &t in &touches.order {
            match t {
                Touch::Cluster(i) => {
                    let i = i as usize;
                    let (Some(&v), Some(m)) =
                        (self.counters.cluster.get(i), CLUSTER_METRICS.get(i))
                    else {
                        continue;
                    };
                    if !self.started || self.cluster_last.get(i) != Some(&v) {
                        let value = v.to_string();
                        self.sink
                            .row(&[&time, "", "cluster", "", m.name(), &value, ""]);
                        if let Some(l) = self.cluster_last.get_mut(i) {
                            *l = v;
                        }
                    }
                }
                Touch::Object(arena, id, mi) => {
                    let Some(rec) = self.tables[arena as usize]
                        .get_mut(id as usize)
                        .and_then(|t| t.as_deref_mut())
                    else {
                        continue;
                    };
                    let Some(&metric) = timeline_metrics(rec.kind).get(mi as usize) else {
                        continue;
                    };
                    let value = if rec.gone {
                        if metric != Metric::Exists {
                            continue;
                        }
                        0
                    } else {
                        let r = ObjRef { kind: rec.kind, id };
                        match object_int(store, &self.counters, r, metric) {
                            Some(v) => v,
                            None => continue,
                        }
                    };
                    let Some(last) = rec.last.get_mut(mi as usize) else {
                        continue;
                    };
                    if rec.fresh || rec.gone || *last != value {
                        *last = value;
                        let ns = rec.ns.map(|n| store.ns_name(n)).unwrap_or("");
                        let v = value.to_string();
                        let text = if rec.gone {
                            ""
                        } else {
                            let r = ObjRef { kind: rec.kind, id };
                            object_text(store, &self.counters, r, metric)
                        };
                        self.sink.row(&[
                            &time,
                            ns,
                            rec.kind.lower(),
                            &rec.name,
                            metric.name(),
                            &v,
                            text,
                        ]);
                    }
                }
            }
        }
        // End of the instant: new objects become old, deleted ones are forgotten.
        for &t in &touches.order {
            if let Touch::Object(arena, id, _) = t
                && let Some(slot) = self.tables[arena as usize].get_mut(id as usize)
            {
                match slot.as_deref_mut() {
                    Some(rec) if rec.gone => *slot = None,
                    Some(rec) => rec.fresh = false,
                    None => {}
                }
            }
        }
        self.started = true;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::labels::{Labels, Selector};
    use crate::model::meta::Meta;
    use crate::model::pod::{ContainerState, PodStatus};
    use crate::model::workload::{Deployment, DeploymentSpec, PodTemplate, Strategy};
    use crate::output::metrics::tests::{cs, node, pod, status};
    use crate::output::{OutputSet, Outputs};
    use std::sync::Arc;

    /// A store with namespace `default` interned (id 0).
    pub(crate) fn store() -> Store {
        let mut s = Store::default();
        s.ns_id("default");
        s
    }

    pub(crate) fn add_node(s: &mut Store, name: &str, ready: bool, now: SimTime) -> ObjRef {
        let r = ObjRef {
            kind: Kind::Node,
            id: s.nodes.insert(node(name, ready)),
        };
        s.register(r, now);
        r
    }

    pub(crate) fn add_pod(s: &mut Store, name: &str, now: SimTime) -> ObjRef {
        let r = ObjRef {
            kind: Kind::Pod,
            id: s.pods.insert(pod(name, 0, 1, PodStatus::default())),
        };
        s.register(r, now);
        r
    }

    pub(crate) fn add_deployment(s: &mut Store, name: &str, replicas: i32, now: SimTime) -> ObjRef {
        let p = pod("t", 0, 1, PodStatus::default());
        let d = Deployment {
            meta: Meta::new(name.into(), Some(NsId(0)), Labels::default()),
            spec: DeploymentSpec {
                replicas,
                selector: Selector::default(),
                template: Arc::new(PodTemplate {
                    annotations: Default::default(),
                    labels: Labels::default(),
                    spec: p.spec.clone(),
                }),
                strategy: Strategy::Recreate,
                min_ready_seconds: 0,
                revision_history_limit: 10,
                progress_deadline_seconds: 600,
                paused: false,
            },
            status: Default::default(),
        };
        let r = ObjRef {
            kind: Kind::Deployment,
            id: s.deployments.insert(d),
        };
        s.register(r, now);
        r
    }

    fn only_timeline() -> OutputSet {
        OutputSet {
            events: false,
            timeline: true,
            transcript: false,
        }
    }

    /// Runs the instant's end as the World does, returning nothing; rows are read at the end.
    fn end(out: &mut Outputs, s: &mut Store, now: SimTime) {
        let changed = s.take_changed();
        out.timeline_instant(now, s, &changed);
    }

    fn read(out: &mut Outputs, dir: &std::path::Path) -> String {
        out.timeline.sink.flush();
        assert!(out.io_error().is_none());
        std::fs::read_to_string(dir.join("timeline.csv")).unwrap()
    }

    #[test]
    fn new_objects_get_every_metric_then_only_changes_and_deletion_ends_them() {
        // docs/outputs.md timeline.csv rules.
        let dir = tempfile::tempdir().unwrap();
        let mut out = Outputs::create(dir.path(), &only_timeline(), true).unwrap();
        let mut s = store();
        let t0 = SimTime::ZERO;
        let n = add_node(&mut s, "aks-a", true, t0);
        end(&mut out, &mut s, t0);
        // t=1: a deployment of 2 and an unbound pod.
        let t1 = SimTime(1_000_000);
        let d = add_deployment(&mut s, "web", 2, t1);
        let p = add_pod(&mut s, "web-1", t1);
        end(&mut out, &mut s, t1);
        // t=2: the pod is bound and running; the deployment reports 1 available.
        let t2 = SimTime(2_000_000);
        {
            let pod = s.pods.get_mut(p.id).unwrap();
            pod.node = Some(n.id);
            pod.status.phase = Phase::Running;
        }
        s.touch(p);
        s.deployments
            .get_mut(d.id)
            .unwrap()
            .status
            .available_replicas = 1;
        s.deployments.get_mut(d.id).unwrap().status.replicas = 1;
        s.touch(d);
        end(&mut out, &mut s, t2);
        // t=3: the deployment is written again with nothing different: no rows.
        let t3 = SimTime(3_000_000);
        s.touch(d);
        end(&mut out, &mut s, t3);
        // t=4: the pod is deleted outright; then nothing more about it.
        let t4 = SimTime(4_000_000);
        s.remove(p);
        end(&mut out, &mut s, t4);
        s.touch(d);
        end(&mut out, &mut s, SimTime(5_000_000));
        let text = read(&mut out, dir.path());
        assert_eq!(
            text,
            "time,namespace,kind,name,metric,value,text\n\
             0.000000,,cluster,,nodes_ready,1,\n\
             0.000000,,cluster,,nodes_notready,0,\n\
             0.000000,,cluster,,pods_pending,0,\n\
             0.000000,,cluster,,pods_running,0,\n\
             0.000000,,cluster,,pods_succeeded,0,\n\
             0.000000,,cluster,,pods_failed,0,\n\
             0.000000,,cluster,,pods_terminating,0,\n\
             0.000000,,node,aks-a,exists,1,\n\
             0.000000,,node,aks-a,ready,1,\n\
             0.000000,,node,aks-a,pods,0,\n\
             1.000000,default,deployment,web,exists,1,\n\
             1.000000,default,deployment,web,desired,2,\n\
             1.000000,default,deployment,web,replicas,0,\n\
             1.000000,default,deployment,web,updated_replicas,0,\n\
             1.000000,default,deployment,web,ready_replicas,0,\n\
             1.000000,default,deployment,web,available_replicas,0,\n\
             1.000000,default,deployment,web,unavailable_replicas,0,\n\
             1.000000,default,pod,web-1,exists,1,\n\
             1.000000,default,pod,web-1,phase,0,Pending\n\
             1.000000,default,pod,web-1,ready,0,\n\
             1.000000,default,pod,web-1,restarts,0,\n\
             1.000000,default,pod,web-1,node,0,\n\
             1.000000,,cluster,,pods_pending,1,\n\
             2.000000,default,pod,web-1,phase,1,Running\n\
             2.000000,default,pod,web-1,node,1,aks-a\n\
             2.000000,,cluster,,pods_pending,0,\n\
             2.000000,,cluster,,pods_running,1,\n\
             2.000000,,node,aks-a,pods,1,\n\
             2.000000,default,deployment,web,replicas,1,\n\
             2.000000,default,deployment,web,available_replicas,1,\n\
             4.000000,default,pod,web-1,exists,0,\n\
             4.000000,,cluster,,pods_running,0,\n\
             4.000000,,node,aks-a,pods,0,\n"
        );
    }

    #[test]
    fn a_change_undone_within_one_instant_writes_no_row() {
        // docs/expectations.md: "A change undone within one instant is seen neither by expectations
        // nor by timeline.csv."
        let dir = tempfile::tempdir().unwrap();
        let mut out = Outputs::create(dir.path(), &only_timeline(), true).unwrap();
        let mut s = store();
        let n = add_node(&mut s, "aks-a", true, SimTime::ZERO);
        end(&mut out, &mut s, SimTime::ZERO);
        s.nodes.get_mut(n.id).unwrap().conditions =
            crate::model::node::kubelet_conditions(false, SimTime::ZERO);
        s.touch(n);
        s.nodes.get_mut(n.id).unwrap().conditions =
            crate::model::node::kubelet_conditions(true, SimTime::ZERO);
        s.touch(n);
        // A pod created and deleted in the same instant is never seen either.
        let p = add_pod(&mut s, "brief", SimTime(7));
        s.remove(p);
        end(&mut out, &mut s, SimTime(7));
        let text = read(&mut out, dir.path());
        assert_eq!(text.lines().count(), 1 + 7 + 3, "{text}");
        assert_eq!(out.counters().cluster(Metric::PodsPending), Some(0));
    }

    #[test]
    fn cluster_groups_never_overlap_as_pods_move() {
        // docs/outputs.md: pending/running without deletionTimestamp, succeeded, failed,
        // terminating = deletionTimestamp set and not terminal.
        let mut out = Outputs::discard();
        let mut s = store();
        let n = add_node(&mut s, "aks-a", true, SimTime::ZERO);
        let a = add_pod(&mut s, "a", SimTime::ZERO);
        let b = add_pod(&mut s, "b", SimTime::ZERO);
        end(&mut out, &mut s, SimTime::ZERO);
        let counts = |out: &Outputs| -> Vec<i64> {
            CLUSTER_METRICS
                .iter()
                .map(|m| out.counters().cluster(*m).unwrap())
                .collect()
        };
        assert_eq!(counts(&out), [1, 0, 2, 0, 0, 0, 0]);
        // a runs on the node; b is being deleted while Pending.
        {
            let p = s.pods.get_mut(a.id).unwrap();
            p.node = Some(n.id);
            p.status = status(
                Phase::Running,
                vec![cs(ContainerState::Running(SimTime(1)), true, 0)],
            );
        }
        s.touch(a);
        s.pods.get_mut(b.id).unwrap().meta.deleted = Some(SimTime(1));
        s.touch(b);
        end(&mut out, &mut s, SimTime(1));
        assert_eq!(counts(&out), [1, 0, 0, 1, 0, 0, 1]);
        assert_eq!(out.counters().node_pods(n.id), 1);
        // a is deleted while running: terminating, still on the node.
        s.pods.get_mut(a.id).unwrap().meta.deleted = Some(SimTime(2));
        s.touch(a);
        end(&mut out, &mut s, SimTime(2));
        assert_eq!(counts(&out), [1, 0, 0, 0, 0, 0, 2]);
        assert_eq!(out.counters().node_pods(n.id), 1);
        // a finishes as Succeeded (terminal wins over deletion) and leaves the node's count.
        s.pods.get_mut(a.id).unwrap().status.phase = Phase::Succeeded;
        s.touch(a);
        s.remove(b);
        end(&mut out, &mut s, SimTime(3));
        assert_eq!(counts(&out), [1, 0, 0, 0, 1, 0, 0]);
        assert_eq!(out.counters().node_pods(n.id), 0);
        // The node goes NotReady; then away.
        s.nodes.get_mut(n.id).unwrap().conditions =
            crate::model::node::kubelet_conditions(false, SimTime::ZERO);
        s.touch(n);
        end(&mut out, &mut s, SimTime(4));
        assert_eq!(counts(&out), [0, 1, 0, 0, 1, 0, 0]);
        s.remove(n);
        s.remove(a);
        end(&mut out, &mut s, SimTime(5));
        assert_eq!(counts(&out), [0; 7]);
    }

    #[test]
    fn replication_controllers_keep_their_kind_when_written_through_the_shared_arena() {
        // The store keeps RCs in the ReplicaSet arena and status writes name them
        // ReplicaSet; rows still say replicationcontroller.
        use crate::model::workload::{ReplicaSet, ReplicaSetSpec};
        let dir = tempfile::tempdir().unwrap();
        let mut out = Outputs::create(dir.path(), &only_timeline(), true).unwrap();
        let mut s = store();
        let p = pod("t", 0, 1, PodStatus::default());
        let rc = ReplicaSet {
            meta: Meta::new("rc".into(), Some(NsId(0)), Labels::default()),
            legacy_rc: true,
            template_hash: None,
            revision: 0,
            replica_annotations: None,
            spec: ReplicaSetSpec {
                replicas: 3,
                selector: Selector::default(),
                template: Arc::new(PodTemplate {
                    annotations: Default::default(),
                    labels: Labels::default(),
                    spec: p.spec.clone(),
                }),
                min_ready_seconds: 0,
            },
            status: Default::default(),
        };
        let id = s.replicasets.insert(rc);
        s.register(
            ObjRef {
                kind: Kind::ReplicationController,
                id,
            },
            SimTime::ZERO,
        );
        end(&mut out, &mut s, SimTime::ZERO);
        s.replicasets.get_mut(id).unwrap().status.replicas = 3;
        s.touch(ObjRef {
            kind: Kind::ReplicaSet,
            id,
        });
        end(&mut out, &mut s, SimTime(1_000_000));
        let text = read(&mut out, dir.path());
        let rows: Vec<&str> = text.lines().filter(|l| l.contains(",rc,")).collect();
        assert_eq!(
            rows,
            [
                "0.000000,default,replicationcontroller,rc,exists,1,",
                "0.000000,default,replicationcontroller,rc,desired,3,",
                "0.000000,default,replicationcontroller,rc,replicas,0,",
                "0.000000,default,replicationcontroller,rc,ready_replicas,0,",
                "0.000000,default,replicationcontroller,rc,available_replicas,0,",
                "1.000000,default,replicationcontroller,rc,replicas,3,",
            ]
        );
    }

    #[test]
    fn deployment_availability_history_is_tracked_from_creation() {
        let mut out = Outputs::discard();
        let mut s = store();
        let d = add_deployment(&mut s, "web", 2, SimTime(10));
        end(&mut out, &mut s, SimTime(10));
        for (t, avail) in [(20, 1), (30, 2), (40, 1), (50, 2)] {
            s.deployments
                .get_mut(d.id)
                .unwrap()
                .status
                .available_replicas = avail;
            s.touch(d);
            end(&mut out, &mut s, SimTime(t));
        }
        let got: Vec<_> = out.timeline.deployments().map(|x| x.3).collect();
        assert_eq!(
            got,
            [DeploymentTrack {
                desired: 2,
                available: 2,
                first_fully_available: Some(SimTime(30)),
                min_available: 0,
                // Fully available at 30, down to 1 at 40.
                min_available_since_fully_available: Some(1),
            }]
        );
    }
}
