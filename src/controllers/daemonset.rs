//! The DaemonSet controller: one pod per eligible node.
//!
//! Mirrors `pkg/controller/daemon` (kubernetes/kubernetes, 1.35 line): `syncDaemonSet` waits
//! until the creates and deletes it expects have been observed (expectations; until then it
//! only refreshes the status), then `manage` works out per node what `podsShouldBeOnNode`
//! wants — a pod where `NodeShouldRunDaemonPod` says one should run and none exists, the
//! failed or succeeded pods deleted, all but the oldest of several deleted, every pod
//! deleted where none should continue running — and `syncNodes` creates at most
//! `BurstReplicas` = 250 pods in slow-start batches of 1, 2, 4, … (stopping at the first
//! failed batch), then sends the deletes. When nothing was left to do, `rollingUpdate`
//! (update.go) replaces old pods within `maxUnavailable` / `maxSurge`; `OnDelete` waits for
//! someone else to delete them. Last, `updateDaemonSetStatus` writes the status when it
//! changed.
//!
//! Each pod is made from the template as `util.CreatePodTemplate` does — the tolerations of
//! `AddOrUpdateDaemonPodTolerations`, labels `pod-template-generation` and
//! `controller-revision-hash` — with `generateName: <ds>-`, a controller reference to the
//! DaemonSet, and the required node affinity `metadata.name In [<node>]`
//! (`ReplaceDaemonSetPodNodeNameNodeAffinity`); the default scheduler then binds it.
//!
//! Simplifications: the required node affinity is the one term kubesim models
//! ([`PodSpec::required_node_name`]); no ControllerRevision objects (the revision hash is the template hash,
//! as the Deployment controller's `pod-template-hash`, and there is no history to clean up);
//! no adoption or release of pods by selector; no failed-pod backoff; no 5-minute
//! expectations timeout (kubesim never loses a watch event). A pod bound to a node that is
//! gone is the pod garbage collector's; this controller deletes only unbound pods whose
//! node is gone (`getUnscheduledPodsWithoutNode`).

use crate::apiserver::Op;
use crate::component::{Change, Component, Ctx, Notice, Response};
use crate::controllers::Workers;
use crate::controllers::daemonplacement::{Placements, Verdicts};
use crate::controllers::podcontrol::pod_from_template;
use crate::controllers::podcontrol::{
    Expectations, delete_pod, record_create, record_delete, slow_start_batch,
};
use crate::etcd::Store;
use crate::model::kind::Kind;
use crate::model::labels::Labels;
use crate::model::meta::{ObjRef, OwnerRef};
use crate::model::node::Node;
use crate::model::object::NewObject;
use crate::model::pod::{Phase, Pod, PodSpec, Taint, TaintEffect, Toleration};
use crate::model::service::{DaemonSet, DaemonSetStatus, DaemonSetStrategy};
use crate::model::workload::PodTemplate;
use crate::scheduler::plugins::{matches_node_selector_and_affinity, untolerated_taint};
use crate::sim::time::{SimDuration, SimTime};
use std::collections::BTreeMap;
use std::sync::Arc;

/// `BurstReplicas` (pkg/controller/daemon/daemon_controller.go).
pub const BURST_REPLICAS: usize = 250;
/// `--concurrent-daemonset-syncs` (kube-controller-manager's default).
pub const WORKERS: usize = 2;
/// `apps.DefaultDaemonSetUniqueLabelKey`.
pub const CONTROLLER_REVISION_HASH: &str = "controller-revision-hash";
/// `extensions.DaemonSetTemplateGenerationKey`.
pub const TEMPLATE_GENERATION: &str = "pod-template-generation";

const NAME: &str = "daemonset-controller";

/// An in-flight `syncNodes` of one DaemonSet.
#[derive(Debug, Default)]
struct SyncState {
    /// Nodes still to get a pod in later batches, in order.
    nodes: Vec<u32>,
    /// Pods to delete once the creates are done.
    deletes: Vec<u32>,
    /// Size of the batch in flight.
    batch: usize,
    /// Responses still awaited.
    outstanding: u32,
    /// A create in this batch failed.
    failed: bool,
}

/// What the controller last saw of a node: `updateNode` compares old and new.
#[derive(Clone, Debug, PartialEq)]
struct NodeSeen {
    labels: Labels,
    taints: Vec<Taint>,
}

/// The controller's state.
#[derive(Debug)]
pub struct DaemonSetController {
    /// Its work queue.
    pub workers: Workers<Timer>,
    /// Per DaemonSet: creates and deletes expected but not yet observed.
    expectations: Expectations,
    syncs: BTreeMap<u32, SyncState>,
    deleting: BTreeMap<u32, String>,
    nodes: BTreeMap<u32, NodeSeen>,
    /// Daemon pods last seen Ready (`updatePod` compares old and new readiness).
    ready: std::collections::BTreeSet<u32>,
    /// Each node's `NodeShouldRunDaemonPod` verdict per DaemonSet, until either is written.
    placements: Placements,
}

impl Default for DaemonSetController {
    fn default() -> Self {
        DaemonSetController {
            workers: Workers::new(WORKERS, Kind::DaemonSet, NAME, Timer::Sync),
            expectations: Expectations::default(),
            syncs: BTreeMap::new(),
            deleting: BTreeMap::new(),
            nodes: BTreeMap::new(),
            ready: std::collections::BTreeSet::new(),
            placements: Placements::default(),
        }
    }
}

pub use crate::controllers::podcontrol::{Tag, Timer};

type Cx<'a> = Ctx<'a, DaemonSetController>;

impl Component for DaemonSetController {
    type Tag = Tag;
    type Timer = Timer;
    type Env = ();

    fn observe(&mut self, cx: &mut Cx<'_>, n: Notice) {
        observe(self, cx, n);
    }

    fn on_response(&mut self, cx: &mut Cx<'_>, tag: Tag, r: Response<'_>) {
        on_response(self, cx, tag, r);
    }

    fn on_timer(&mut self, cx: &mut Cx<'_>, timer: Timer) {
        match timer {
            Timer::Sync(id) => sync(self, cx, id),
            Timer::Requeue(id) => self.workers.enqueue(cx, id),
        }
    }
}

impl DaemonSetController {
    /// A node the node informer's initial list holds (it existed at t=0).
    pub fn register_node(&mut self, store: &Store, node: u32) {
        if let Some(n) = store.nodes.get(node) {
            self.nodes.insert(node, seen(n));
        }
    }
}

fn seen(n: &Node) -> NodeSeen {
    NodeSeen {
        labels: n.meta.labels.clone(),
        taints: n.taints.clone(),
    }
}

fn ds_ref(id: u32) -> ObjRef {
    ObjRef {
        kind: Kind::DaemonSet,
        id,
    }
}

/// The tolerations `util.AddOrUpdateDaemonPodTolerations` adds, in its order: daemon pods
/// survive taint-based eviction (`not-ready`, `unreachable`: NoExecute, no
/// tolerationSeconds) and tolerate the conditions TaintNodesByCondition turns into
/// NoSchedule taints; `network-unavailable` only for host-network pods.
pub fn daemon_tolerations(host_network: bool) -> Vec<Toleration> {
    let t = |key: &str, effect| Toleration {
        key: key.to_string(),
        exists: true,
        value: String::new(),
        effect: Some(effect),
        seconds: None,
    };
    let mut v = vec![
        t("node.kubernetes.io/not-ready", TaintEffect::NoExecute),
        t("node.kubernetes.io/unreachable", TaintEffect::NoExecute),
        t("node.kubernetes.io/disk-pressure", TaintEffect::NoSchedule),
        t(
            "node.kubernetes.io/memory-pressure",
            TaintEffect::NoSchedule,
        ),
        t("node.kubernetes.io/pid-pressure", TaintEffect::NoSchedule),
        t("node.kubernetes.io/unschedulable", TaintEffect::NoSchedule),
    ];
    if host_network {
        v.push(t(
            "node.kubernetes.io/network-unavailable",
            TaintEffect::NoSchedule,
        ));
    }
    v
}

/// The template's pod spec with the daemon tolerations (`AddOrUpdateTolerationInPodSpec`:
/// a toleration with the same key, operator, value and effect is replaced, others appended).
pub fn daemon_pod_spec(spec: &PodSpec) -> PodSpec {
    let mut s = spec.clone();
    for t in daemon_tolerations(spec.host_network) {
        match s.tolerations.iter_mut().find(|o| {
            o.key == t.key && o.exists == t.exists && o.value == t.value && o.effect == t.effect
        }) {
            Some(o) => *o = t,
            None => s.tolerations.push(t),
        }
    }
    s
}

/// The `controller-revision-hash` of a template.
pub fn revision_hash(template: &PodTemplate) -> String {
    crate::controllers::deployment::template_hash(template)
}

/// A daemon pod's labels (`CreatePodTemplate`): the template's, plus the template
/// generation and the revision hash.
pub fn pod_labels(template: &PodTemplate, generation: i64, hash: &str) -> Labels {
    let mut l = template.labels.clone();
    l.insert(TEMPLATE_GENERATION, generation.to_string());
    l.insert(CONTROLLER_REVISION_HASH, hash.to_string());
    l
}

/// `NodeShouldRunDaemonPod`: whether a daemon pod should run on `node` (`shouldRun`), and
/// whether one already there may stay (`shouldContinueRunning`). `spec` is the daemon pod
/// spec ([`daemon_pod_spec`]). The template's nodeName, then its nodeSelector and required
/// node affinity, must match; then every NoSchedule and NoExecute taint must be tolerated,
/// and a pod may keep running where only NoSchedule taints are not.
pub fn node_should_run(node: &Node, spec: &PodSpec) -> (bool, bool) {
    if spec
        .node_name
        .as_ref()
        .is_some_and(|n| *n != node.meta.name)
    {
        return (false, false);
    }
    if !matches_node_selector_and_affinity(spec, node) {
        return (false, false);
    }
    let schedule = untolerated_taint(&node.taints, &spec.tolerations, |t| {
        matches!(t.effect, TaintEffect::NoSchedule | TaintEffect::NoExecute)
    });
    if schedule.is_some() {
        let execute = untolerated_taint(&node.taints, &spec.tolerations, |t| {
            t.effect == TaintEffect::NoExecute
        });
        return (false, execute.is_none());
    }
    (true, true)
}

/// Where a daemon pod is meant to run (`util.GetTargetNodeName`): its node once bound,
/// otherwise the node its affinity names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    /// This node.
    Node(u32),
    /// An unbound pod whose node no longer exists (`getUnscheduledPodsWithoutNode`).
    Gone,
    /// No node this controller handles: none at all (not a pod it made), or a node that is
    /// gone while the pod is bound to it, which is PodGC's (`gcOrphaned`).
    Unknown,
}

fn target(store: &Store, p: &Pod) -> Target {
    if let Some(n) = p.node {
        return if store.nodes.get(n).is_some() {
            Target::Node(n)
        } else {
            Target::Unknown
        };
    }
    let named = p
        .spec
        .node_name
        .as_ref()
        .or(p.spec.required_node_name.as_ref());
    match named {
        Some(name) => match store.lookup(Kind::Node, None, name) {
            Some(n) => Target::Node(n),
            None => Target::Gone,
        },
        None => Target::Unknown,
    }
}

/// Pods controlled by this DaemonSet, by target node, each node's pods oldest first
/// (`podByCreationTimestampAndPhase`: bound before unbound, then older, then by name); plus
/// pods whose node is gone. Pods that finished and are being deleted are left out
/// (`getNodesToDaemonPods` with `includeDeletedTerminal` false).
///
/// Kept as two parallel vectors sorted by node rather than a map of vectors: a sync reads it
/// for every node of a 5,000-node cluster, and one small vector per node per sync was the
/// controller's main cost while nodes failed.
#[derive(Debug, Default)]
struct DaemonPods {
    nodes: Vec<u32>,
    pods: Vec<u32>,
    orphaned: Vec<u32>,
}

impl DaemonPods {
    fn of(store: &Store, ds: u32) -> DaemonPods {
        let r = ds_ref(ds);
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let mut orphaned = Vec::new();
        for d in store.dependents_of(r) {
            if d.kind != Kind::Pod {
                continue;
            }
            let Some(p) = store.pods.get(d.id) else {
                continue;
            };
            if p.meta.controller() != Some(r) || (p.is_terminal() && p.meta.deleted.is_some()) {
                continue;
            }
            match target(store, p) {
                Target::Node(n) => pairs.push((n, d.id)),
                Target::Gone => orphaned.push(d.id),
                Target::Unknown => {}
            }
        }
        let order = |id: u32| {
            let p = store.pods.get(id);
            (
                p.is_none_or(|p| p.node.is_none()),
                p.map(|p| p.meta.created),
                p.map(|p| p.meta.name.as_str()),
            )
        };
        // Stable, so pods equal in every key keep their dependents order, as before.
        pairs.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| order(a.1).cmp(&order(b.1))));
        let (nodes, pods) = pairs.into_iter().unzip();
        DaemonPods {
            nodes,
            pods,
            orphaned,
        }
    }

    /// The node's pods, oldest first (empty when it has none).
    fn on(&self, node: u32) -> &[u32] {
        let lo = self.nodes.partition_point(|n| *n < node);
        let hi = lo + self.nodes[lo..].partition_point(|n| *n == node);
        &self.pods[lo..hi]
    }

    /// Each node with pods, in node order, with its pods.
    fn groups(&self) -> impl Iterator<Item = (u32, &[u32])> + '_ {
        let mut i = 0;
        std::iter::from_fn(move || {
            let node = *self.nodes.get(i)?;
            let start = i;
            while self.nodes.get(i) == Some(&node) {
                i += 1;
            }
            Some((node, &self.pods[start..i]))
        })
    }
}

/// An informer event: a daemon pod (`controller` names its DaemonSet), a DaemonSet or a
/// node changed.
fn observe(me: &mut DaemonSetController, cx: &mut Cx<'_>, n: Notice) {
    match n.obj.kind {
        Kind::Pod => {
            let Some(ds) = n.controller else { return };
            let terminating = cx
                .store
                .pods
                .get(n.obj.id)
                .is_some_and(|p| p.meta.deleted.is_some());
            me.expectations
                .observe_pod(ds, n.obj.id, n.change, terminating);
            // updatePod: a pod that turned Ready is available minReadySeconds later; look
            // again a second after that.
            let ready = cx.store.pods.get(n.obj.id).is_some_and(Pod::is_ready);
            let turned_ready = if ready {
                me.ready.insert(n.obj.id)
            } else {
                me.ready.remove(&n.obj.id);
                false
            };
            let min_ready = cx
                .store
                .daemonsets
                .get(ds)
                .map_or(0, |d| d.spec.min_ready_seconds);
            if turned_ready && n.change == Change::Modified && min_ready > 0 {
                let after = SimDuration::from_secs(min_ready as u64 + 1);
                cx.after(after, Timer::Requeue(ds));
            }
            me.workers.enqueue(cx, ds);
        }
        Kind::DaemonSet => {
            if n.change == Change::Deleted {
                me.expectations.forget(n.obj.id);
            }
            me.workers.enqueue(cx, n.obj.id);
        }
        Kind::Node => observe_node(me, cx, n.obj.id, n.change),
        _ => {}
    }
}

/// `addNode` enqueues the DaemonSets that should run on the new node; `updateNode` those
/// whose `shouldRun` or `shouldContinueRunning` changed with the node's labels or taints.
/// A deleted node (which has no handler upstream: the pod GC removes its pods) enqueues
/// the DaemonSets that had pods there.
fn observe_node(me: &mut DaemonSetController, cx: &mut Cx<'_>, id: u32, change: Change) {
    let before = me.nodes.get(&id).cloned();
    let mut keys = Vec::new();
    match (change, cx.store.nodes.get(id)) {
        (Change::Deleted, _) | (_, None) => {
            me.nodes.remove(&id);
            for (ds, _) in cx.store.daemonsets.iter() {
                if DaemonPods::of(cx.store, ds).orphaned.is_empty() {
                    continue;
                }
                keys.push(ds);
            }
        }
        (_, Some(node)) => {
            let now = seen(node);
            if before.as_ref() == Some(&now) {
                return;
            }
            for (ds, d) in cx.store.daemonsets.iter() {
                let spec = daemon_pod_spec(&d.spec.template.spec);
                let new = node_should_run(node, &spec);
                let enqueue = match &before {
                    None => new.0,
                    Some(old) => {
                        let mut o = node.clone();
                        o.meta.labels = old.labels.clone();
                        o.taints = old.taints.clone();
                        node_should_run(&o, &spec) != new
                    }
                };
                if enqueue {
                    keys.push(ds);
                }
            }
            me.nodes.insert(id, now);
        }
    }
    for k in keys {
        me.workers.enqueue(cx, k);
    }
}

/// `syncDaemonSet`.
fn sync(me: &mut DaemonSetController, cx: &mut Cx<'_>, id: u32) {
    let Some(ds) = cx.store.daemonsets.get(id) else {
        me.expectations.forget(id);
        me.placements.forget(id);
        me.workers.done(cx, id);
        return;
    };
    if ds.spec.selector.is_empty() {
        cx.event(
            ds_ref(id),
            true,
            "SelectingAll",
            NAME,
            "This daemon set is selecting all pods. A non-empty selector is required.".into(),
        );
        me.workers.done(cx, id);
        return;
    }
    if ds.meta.deleted.is_some() {
        me.workers.done(cx, id);
        return;
    }
    if !me.expectations.satisfied(id) {
        // Only the status; observedGeneration stays, the spec was not acted on.
        write_status(me, cx, id, false);
        return;
    }
    let verdicts = me.placements.refresh(cx.store, id, ds);
    let daemon_pods = DaemonPods::of(cx.store, id);
    let (mut creates, mut deletes) = manage(cx.store, ds, &daemon_pods, cx.now, verdicts);
    if creates.is_empty() && deletes.is_empty() {
        // The manage loop had nothing to do, so expectations still hold: roll the update.
        (creates, deletes) = rolling_update(cx.store, ds, &daemon_pods, cx.now, verdicts);
    }
    if creates.is_empty() && deletes.is_empty() {
        write_status_of(me, cx, id, true, &daemon_pods);
        return;
    }
    creates.truncate(BURST_REPLICAS);
    deletes.truncate(BURST_REPLICAS);
    start(me, cx, id, creates, deletes);
}

/// `manage`: the nodes needing a daemon pod and the pods to delete (`podsShouldBeOnNode`
/// over every node, then `getUnscheduledPodsWithoutNode`).
fn manage(
    store: &Store,
    ds: &DaemonSet,
    daemon_pods: &DaemonPods,
    now: SimTime,
    verdicts: Verdicts<'_>,
) -> (Vec<u32>, Vec<u32>) {
    let surge = allows_surge(ds);
    let mut creates = Vec::new();
    let mut deletes = Vec::new();
    for (nid, _) in store.nodes.iter() {
        let (should_run, should_continue) = verdicts.get(nid);
        let pods = Some(daemon_pods.on(nid)).filter(|p| !p.is_empty());
        let pod = |p: &u32| store.pods.get(*p);
        match pods {
            None if should_run => creates.push(nid),
            Some(pods) if should_continue => {
                let mut running = Vec::new();
                for p in pods {
                    let Some(pp) = pod(p) else { continue };
                    if pp.meta.deleted.is_some() {
                        continue;
                    }
                    // A failed pod is deleted (upstream with a per-node backoff); a succeeded
                    // one too.
                    if matches!(pp.status.phase, Phase::Failed | Phase::Succeeded) {
                        deletes.push(*p);
                        continue;
                    }
                    running.push(*p);
                }
                if !surge {
                    // More than one running: all but the oldest go.
                    deletes.extend(running.iter().skip(1));
                } else {
                    deletes.extend(surge_excess(store, ds, &running, now));
                }
            }
            Some(pods) if !should_continue => {
                deletes.extend(
                    pods.iter()
                        .filter(|p| pod(p).is_some_and(|pp| pp.meta.deleted.is_none())),
                );
            }
            _ => {}
        }
    }
    deletes.extend(daemon_pods.orphaned.iter().copied().filter(|p| {
        store
            .pods
            .get(*p)
            .is_some_and(|pp| pp.meta.deleted.is_none())
    }));
    (creates, deletes)
}

/// With surge on, `podsShouldBeOnNode` keeps the oldest pod of the current revision and the
/// oldest of older ones, deleting the rest; the old one goes too once it is not ready or the
/// new one is available.
fn surge_excess(store: &Store, ds: &DaemonSet, running: &[u32], now: SimTime) -> Vec<u32> {
    let hash = revision_hash(&ds.spec.template);
    let (mut newest, mut oldest_old, mut out) = (None, None, Vec::new());
    for p in running {
        let Some(pp) = store.pods.get(*p) else {
            continue;
        };
        let slot = if pp.meta.labels.get(CONTROLLER_REVISION_HASH) == Some(hash.as_str()) {
            &mut newest
        } else {
            &mut oldest_old
        };
        if slot.is_none() {
            *slot = Some((*p, pp));
        } else {
            out.push(*p);
        }
    }
    if let (Some((_, n)), Some((old, o))) = (newest, oldest_old)
        && (!o.is_ready() || n.is_available(ds.spec.min_ready_seconds, now))
    {
        out.push(old);
    }
    out
}

/// `util.AllowsSurge`.
fn allows_surge(ds: &DaemonSet) -> bool {
    match ds.spec.strategy {
        DaemonSetStrategy::RollingUpdate { max_surge, .. } => max_surge.scaled(1, true) != 0,
        DaemonSetStrategy::OnDelete => false,
    }
}

/// `util.IsPodUpdated`: the pod carries the current revision hash or template generation.
fn is_updated(p: &Pod, hash: &str, generation: i64) -> bool {
    p.meta.labels.get(CONTROLLER_REVISION_HASH) == Some(hash)
        || p.meta.labels.get(TEMPLATE_GENERATION) == Some(generation.to_string().as_str())
}

/// `rollingUpdate` (update.go): the nodes to get a new pod and the old pods to delete now,
/// over every node with daemon pods or wanting one (`updatedDesiredNodeCounts`), in node
/// order. `maxUnavailable` and `maxSurge` are scaled up over the desired count (with
/// maxUnavailable 1 if both come to 0). OnDelete does nothing.
fn rolling_update(
    store: &Store,
    ds: &DaemonSet,
    daemon_pods: &DaemonPods,
    now: SimTime,
    verdicts: Verdicts<'_>,
) -> (Vec<u32>, Vec<u32>) {
    let DaemonSetStrategy::RollingUpdate {
        max_unavailable,
        max_surge,
    } = ds.spec.strategy
    else {
        return (Vec::new(), Vec::new());
    };
    // Every node with pods, and every node that should run one, in node order.
    let mut by_node: Vec<(u32, &[u32])> = daemon_pods.groups().collect();
    let mut desired = 0;
    for (nid, _) in store.nodes.iter() {
        if verdicts.get(nid).0 {
            desired += 1;
            if daemon_pods.on(nid).is_empty() {
                by_node.push((nid, &[]));
            }
        }
    }
    by_node.sort_unstable_by_key(|(n, _)| *n);
    let max_surge = max_surge.scaled(desired, true);
    let mut max_unavailable = max_unavailable.scaled(desired, true);
    if desired > 0 && max_unavailable == 0 && max_surge == 0 {
        max_unavailable = 1;
    }
    let r = Roll {
        store,
        hash: revision_hash(&ds.spec.template),
        generation: ds.spec.template_generation,
        min_ready: ds.spec.min_ready_seconds,
        now,
        verdicts,
    };
    if max_surge == 0 {
        (Vec::new(), r.without_surge(&by_node, max_unavailable))
    } else {
        r.with_surge(&by_node, max_surge, desired)
    }
}

/// What both rolling update paths read.
struct Roll<'a> {
    store: &'a Store,
    verdicts: Verdicts<'a>,
    hash: String,
    generation: i64,
    min_ready: i64,
    now: SimTime,
}

impl Roll<'_> {
    fn available(&self, p: u32) -> bool {
        self.store
            .pods
            .get(p)
            .is_some_and(|p| p.is_available(self.min_ready, self.now))
    }

    /// `findUpdatedPodsOnNode`: the node's new and old pod, ignoring terminating ones; None
    /// when it has more than one of either.
    fn updated_on_node(&self, pods: &[u32]) -> Option<(Option<u32>, Option<u32>)> {
        let (mut new, mut old) = (None, None);
        for p in pods {
            let Some(pp) = self.store.pods.get(*p) else {
                continue;
            };
            if pp.meta.deleted.is_some() {
                continue;
            }
            let slot = if is_updated(pp, &self.hash, self.generation) {
                &mut new
            } else {
                &mut old
            };
            if slot.is_some() {
                return None;
            }
            *slot = Some(*p);
        }
        Some((new, old))
    }

    /// Without surge: a node with no pod, with both an old and a new pod, with more than one
    /// of either, or with an unavailable new pod counts as unavailable; an unavailable old pod
    /// is replaced at once; available old pods are deleted while fewer than `maxUnavailable`
    /// are unavailable.
    fn without_surge(&self, by_node: &[(u32, &[u32])], max_unavailable: i32) -> Vec<u32> {
        let mut unavailable = 0;
        let mut replacements = Vec::new();
        let mut candidates = Vec::new();
        for (_, pods) in by_node {
            match self.updated_on_node(pods) {
                None | Some((None, None)) | Some((Some(_), Some(_))) => unavailable += 1,
                Some((Some(n), None)) => {
                    if !self.available(n) {
                        unavailable += 1;
                    }
                }
                Some((None, Some(o))) => {
                    if !self.available(o) {
                        replacements.push(o);
                    } else if unavailable < max_unavailable {
                        candidates.push(o);
                    }
                }
            }
        }
        let remaining = (max_unavailable - unavailable).clamp(0, candidates.len() as i32);
        replacements.extend(candidates.into_iter().take(remaining as usize));
        replacements
    }

    /// With surge: a node whose old pod is unavailable gets its new pod at once, up to
    /// `maxSurge` nodes with an available old pod get one beside it, and an old pod goes once
    /// the new pod on its node is available. Where the DaemonSet should no longer schedule
    /// but the old pod may keep running, the old pod goes only while more pods are available
    /// than desired.
    fn with_surge(
        &self,
        by_node: &[(u32, &[u32])],
        max_surge: i32,
        desired: i32,
    ) -> (Vec<u32>, Vec<u32>) {
        let mut deletes = Vec::new();
        let mut sunset = Vec::new();
        let mut candidates = Vec::new();
        let mut allowed = Vec::new();
        let (mut surge, mut available) = (0, 0);
        for &(nid, pods) in by_node {
            let Some((new, old)) = self.updated_on_node(pods) else {
                surge += 1;
                continue;
            };
            if old.or(new).is_some_and(|p| self.available(p)) {
                available += 1;
            }
            let should_run = || self.verdicts.get(nid).0;
            match (new, old) {
                (_, None) => {}
                (None, Some(o)) if !self.available(o) => {
                    if should_run() {
                        allowed.push(nid);
                    } else {
                        deletes.push(o);
                    }
                }
                (None, Some(o)) => {
                    if !should_run() {
                        sunset.push(o);
                    } else if surge < max_surge {
                        candidates.push(nid);
                    }
                }
                (Some(n), Some(o)) => {
                    if self.available(n) {
                        deletes.push(o);
                    } else {
                        surge += 1;
                    }
                }
            }
        }
        let deletable = (available - desired).clamp(0, sunset.len() as i32) as usize;
        deletes.extend(sunset.into_iter().take(deletable));
        let remaining = (max_surge - surge).clamp(0, candidates.len() as i32) as usize;
        allowed.extend(candidates.into_iter().take(remaining));
        (allowed, deletes)
    }
}

fn start(
    me: &mut DaemonSetController,
    cx: &mut Cx<'_>,
    id: u32,
    nodes: Vec<u32>,
    deletes: Vec<u32>,
) {
    me.expectations
        .set(id, nodes.len() as i32, deletes.len() as i32);
    me.syncs.insert(
        id,
        SyncState {
            nodes,
            deletes,
            ..Default::default()
        },
    );
    next_batch(me, cx, id);
}

/// Sends the next slow-start batch of creates, or the deletes once no create is left.
fn next_batch(me: &mut DaemonSetController, cx: &mut Cx<'_>, id: u32) {
    let Some(st) = me.syncs.get_mut(&id) else {
        return;
    };
    let Some(ds) = cx.store.daemonsets.get(id) else {
        return;
    };
    if st.nodes.is_empty() {
        let deletes = std::mem::take(&mut st.deletes);
        if deletes.is_empty() {
            me.syncs.remove(&id);
            write_status(me, cx, id, true);
            return;
        }
        st.outstanding = deletes.len() as u32;
        send_deletes(me, cx, id, deletes);
        return;
    }
    // slowStartBatch: 1, 2, 4, … (SlowStartInitialBatchSize = 1).
    let batch = slow_start_batch(st.batch, st.nodes.len());
    st.batch = batch;
    st.outstanding = batch as u32;
    st.failed = false;
    let targets: Vec<u32> = st.nodes.drain(..batch).collect();
    let ds_name = ds.meta.name.clone();
    let ns = ds.meta.namespace.map(|n| cx.store.ns_name(n).to_string());
    let template = ds.spec.template.clone();
    let hash = revision_hash(&template);
    let labels = pod_labels(&template, ds.spec.template_generation, &hash);
    let spec = daemon_pod_spec(&template.spec);
    let owner = OwnerRef {
        owner: ds_ref(id),
        uid: ds.meta.uid,
        controller: true,
        block_owner_deletion: true,
    };
    let key = format!("{}/{}", ns.clone().unwrap_or_default(), ds_name);
    for node in targets {
        let node_name = cx.store.node_name(node);
        let mut pod = pod_from_template(&template, labels.clone(), owner);
        pod.spec = Arc::new(PodSpec {
            required_node_name: Some(node_name),
            ..spec.clone()
        });
        let op = Op::Create {
            object: Box::new(NewObject::Pod(pod)),
            namespace: ns.clone(),
            generate_name: Some(format!("{ds_name}-")),
        };
        cx.submit(op, Tag::Create(id), &key);
    }
}

fn send_deletes(me: &mut DaemonSetController, cx: &mut Cx<'_>, id: u32, pods: Vec<u32>) {
    for pod in pods {
        delete_pod(cx, &mut me.deleting, pod, Tag::Delete(id));
    }
}

/// `updateDaemonSetStatus`: the status as counted now, written when it changed; the
/// worker is done once it returns.
fn write_status(me: &mut DaemonSetController, cx: &mut Cx<'_>, id: u32, observed: bool) {
    let daemon_pods = DaemonPods::of(cx.store, id);
    write_status_of(me, cx, id, observed, &daemon_pods);
}

/// [`write_status`] over pods a sync has just listed.
fn write_status_of(
    me: &mut DaemonSetController,
    cx: &mut Cx<'_>,
    id: u32,
    observed: bool,
    daemon_pods: &DaemonPods,
) {
    let Some(ds) = cx.store.daemonsets.get(id) else {
        me.workers.done(cx, id);
        return;
    };
    let verdicts = me.placements.refresh(cx.store, id, ds);
    let mut status = status_of(cx.store, ds, daemon_pods, cx.now, verdicts);
    if !observed {
        status.observed_generation = ds.status.observed_generation;
    }
    let min_ready = ds.spec.min_ready_seconds;
    if min_ready > 0 && status.number_ready != status.number_available {
        cx.after(SimDuration::from_secs(min_ready as u64), Timer::Requeue(id));
    }
    if status == ds.status {
        me.workers.done(cx, id);
        return;
    }
    let key = cx.store.key(ds_ref(id));
    cx.submit(Op::DaemonSetStatus { id, status }, Tag::Status(id), &key);
}

/// The status counts of `updateDaemonSetStatus`, over every node: desired where a daemon
/// pod should run, and there current when one exists, ready and available and updated
/// after its oldest pod; misscheduled where a pod runs but should not.
pub fn calculate_status(store: &Store, id: u32, now: SimTime) -> DaemonSetStatus {
    let Some(ds) = store.daemonsets.get(id) else {
        return DaemonSetStatus::default();
    };
    let mut placements = Placements::default();
    let daemon_pods = DaemonPods::of(store, id);
    status_of(
        store,
        ds,
        &daemon_pods,
        now,
        placements.refresh(store, id, ds),
    )
}

/// [`calculate_status`] with the nodes' verdicts and the DaemonSet's pods at hand.
fn status_of(
    store: &Store,
    ds: &DaemonSet,
    daemon_pods: &DaemonPods,
    now: SimTime,
    verdicts: Verdicts<'_>,
) -> DaemonSetStatus {
    let hash = revision_hash(&ds.spec.template);
    let generation = ds.spec.template_generation;
    let mut s = DaemonSetStatus {
        observed_generation: ds.meta.generation,
        ..Default::default()
    };
    for (nid, _) in store.nodes.iter() {
        let (should_run, _) = verdicts.get(nid);
        let oldest = daemon_pods.on(nid).first().and_then(|p| store.pods.get(*p));
        if !should_run {
            if oldest.is_some() {
                s.number_misscheduled += 1;
            }
            continue;
        }
        s.desired_number_scheduled += 1;
        let Some(pod) = oldest else { continue };
        s.current_number_scheduled += 1;
        if pod.is_ready() {
            s.number_ready += 1;
            if pod.is_available(ds.spec.min_ready_seconds, now) {
                s.number_available += 1;
            }
        }
        if is_updated(pod, &hash, generation) {
            s.updated_number_scheduled += 1;
        }
    }
    s.number_unavailable = s.desired_number_scheduled - s.number_available;
    s
}

/// A response to one of this controller's requests.
fn on_response(me: &mut DaemonSetController, cx: &mut Cx<'_>, tag: Tag, req: Response<'_>) {
    let outcome = req.outcome;
    match tag {
        Tag::Create(id) => {
            if record_create(cx, ds_ref(id), NAME, outcome) {
                me.expectations.lower(id, 1, 0);
                if let Some(st) = me.syncs.get_mut(&id) {
                    st.failed = true;
                }
            }
            let Some(st) = me.syncs.get_mut(&id) else {
                return;
            };
            st.outstanding = st.outstanding.saturating_sub(1);
            if st.outstanding > 0 {
                return;
            }
            if st.failed && !st.nodes.is_empty() {
                // Creates skipped after a failed batch are never observed: lower them.
                let skipped = st.nodes.len() as i32;
                st.nodes.clear();
                me.expectations.lower(id, skipped, 0);
            }
            next_batch(me, cx, id);
        }
        Tag::Delete(id) => {
            let Op::Delete { target, .. } = &req.op else {
                return;
            };
            let name = me.deleting.remove(&target.id).unwrap_or_default();
            if record_delete(cx, ds_ref(id), NAME, &name, outcome) {
                me.expectations.lower(id, 0, 1);
            }
            let Some(st) = me.syncs.get_mut(&id) else {
                return;
            };
            st.outstanding = st.outstanding.saturating_sub(1);
            if st.outstanding == 0 {
                me.syncs.remove(&id);
                write_status(me, cx, id, true);
            }
        }
        Tag::Status(id) => me.workers.done(cx, id),
        // Pods are not claimed by selector here (see the module docs), so none is released.
        Tag::Release(_) => {}
    }
}

#[cfg(test)]
mod tests {
    //! Against a small store with the [`Recorder`](crate::component::ctx::testing::Recorder),
    //! after `pkg/controller/daemon/daemon_controller_test.go`.
    use super::*;

    #[test]
    fn daemon_pods_are_read_per_node_and_grouped_in_node_order() {
        // The by-node view a sync reads: node 2 with two pods (oldest first), node 5 with
        // one, none elsewhere.
        let d = DaemonPods {
            nodes: vec![2, 2, 5],
            pods: vec![10, 11, 12],
            orphaned: Vec::new(),
        };
        assert_eq!(d.on(2), &[10, 11]);
        assert_eq!(d.on(5), &[12]);
        assert!(d.on(0).is_empty() && d.on(3).is_empty() && d.on(9).is_empty());
        let groups: Vec<(u32, Vec<u32>)> = d.groups().map(|(n, p)| (n, p.to_vec())).collect();
        assert_eq!(groups, vec![(2, vec![10, 11]), (5, vec![12])]);
        assert_eq!(DaemonPods::default().groups().count(), 0);
    }
    use crate::apiserver::Outcome;
    use crate::component::ComponentId;
    use crate::component::ComponentKind;
    use crate::component::ctx::testing::{Recorder, random};
    use crate::model::labels::Selector;
    use crate::model::meta::Meta;
    use crate::model::node::NodeInfo;
    use crate::model::pod::{Container, PullPolicy, Resources, RestartPolicy};
    use crate::model::service::DaemonSetSpec;
    use crate::model::workload::PodTemplate;

    struct Fixture {
        store: Store,
        ctl: DaemonSetController,
        rec: Recorder<DaemonSetController>,
        now: SimTime,
        /// Pods the fake API server named so far, and pods it deleted.
        serial: usize,
        deleted: usize,
    }

    impl Fixture {
        fn new() -> Fixture {
            let mut store = Store::default();
            store.ns_id("default");
            let id = store.namespaces.insert(crate::model::service::Namespace {
                meta: Meta::new("default".into(), None, Labels::default()),
                terminating: false,
            });
            store.register(
                ObjRef {
                    kind: Kind::Namespace,
                    id,
                },
                SimTime::ZERO,
            );
            Fixture {
                store,
                ctl: DaemonSetController::default(),
                rec: Recorder::default(),
                now: SimTime::ZERO,
                serial: 0,
                deleted: 0,
            }
        }

        fn node(&mut self, name: &str, labels: &[(&str, &str)], taints: Vec<Taint>) -> u32 {
            let node = Node {
                meta: Meta::new(
                    name.into(),
                    None,
                    Labels::from_pairs(labels.iter().map(|(k, v)| (k.to_string(), v.to_string()))),
                ),
                pool: 0,
                vm: 0,
                taints,
                unschedulable: false,
                capacity: Resources::default(),
                allocatable: Resources::default(),
                max_pods: 110,
                internal_ip: std::net::Ipv4Addr::new(10, 0, 0, 4),
                pod_cidr: None,
                info: Arc::new(NodeInfo {
                    kubelet_version: String::new(),
                    os_image: String::new(),
                    kernel_version: String::new(),
                    container_runtime_version: String::new(),
                }),
                conditions: crate::model::node::kubelet_conditions(
                    true,
                    crate::sim::time::SimTime::ZERO,
                ),
                heartbeat: crate::model::node::Beat::new(
                    crate::sim::time::SimTime::ZERO,
                    crate::model::node::STATUS_REPORT,
                ),
                lease: None,
                images: Default::default(),
            };
            let id = self.store.nodes.insert(node);
            self.store.register(
                ObjRef {
                    kind: Kind::Node,
                    id,
                },
                self.now,
            );
            self.ctl.register_node(&self.store, id);
            id
        }

        /// `newDaemonSet`: labels `name: simple-daemon`, one container `foo/bar`.
        fn daemon_set(
            &mut self,
            node_selector: &[(&str, &str)],
            tolerations: Vec<Toleration>,
        ) -> u32 {
            let labels = Labels::from_pairs([("name".to_string(), "simple-daemon".to_string())]);
            let spec = PodSpec {
                containers: vec![Container {
                    name: "foo".into(),
                    image: "foo/bar".into(),
                    pull_policy: PullPolicy::IfNotPresent,
                    ports: Vec::new(),
                    requests: Resources::default(),
                    limits: Resources::default(),
                    command: Vec::new(),
                    args: Vec::new(),
                    probes: Default::default(),
                    pre_stop_us: None,
                    env_sources: Vec::new(),
                    host_ports: Vec::new(),
                }],
                init_containers: Vec::new(),
                restart_policy: RestartPolicy::Always,
                node_selector: Labels::from_pairs(
                    node_selector
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string())),
                ),
                tolerations,
                host_network: false,
                termination_grace_seconds: 30,
                node_name: None,
                priority: 0,
                priority_class_name: None,
                preemption_policy: Default::default(),
                scheduler_name: "default-scheduler".into(),
                required_node_name: None,
                config_volumes: Vec::new(),
                claims: Vec::new(),
                service_account_name: None,
                affinity: None,
                topology_spread: Vec::new(),
            };
            let ds = DaemonSet {
                meta: Meta::new("foo".into(), self.store.find_ns("default"), labels.clone()),
                spec: DaemonSetSpec {
                    selector: Selector::from_map(&labels),
                    template: Arc::new(PodTemplate {
                        annotations: Default::default(),
                        labels,
                        spec: Arc::new(spec),
                    }),
                    strategy: DaemonSetStrategy::default(),
                    min_ready_seconds: 0,
                    template_generation: 1,
                },
                status: DaemonSetStatus::default(),
            };
            let id = self.store.daemonsets.insert(ds);
            self.store.register(ds_ref(id), self.now);
            id
        }

        fn with<R>(&mut self, f: impl FnOnce(&mut DaemonSetController, &mut Cx<'_>) -> R) -> R {
            let (streams, timings) = random();
            let me = ComponentId::of(ComponentKind::DaemonSetController);
            let mut env = ();
            let mut cx = Ctx::new(
                self.now,
                &self.store,
                &mut env,
                me,
                (&streams, &timings),
                &mut self.rec,
            );
            f(&mut self.ctl, &mut cx)
        }

        /// Delivers a notice, runs every sync it leads to and answers every request as the
        /// API server would (creates stored, status written), until nothing is left.
        fn settle(&mut self, first: Notice) -> Vec<String> {
            self.with(|c, cx| c.observe(cx, first));
            let mut created = Vec::new();
            for _ in 0..100 {
                let effects = std::mem::take(&mut self.rec.effects);
                if effects.is_empty() {
                    break;
                }
                for e in effects {
                    use crate::component::ctx::testing::Effect;
                    match e {
                        Effect::Timer(_, t) => self.with(|c, cx| c.on_timer(cx, t)),
                        Effect::Submit(op, tag, _) => {
                            let outcome = self.commit(&op, &mut created);
                            self.with(|c, cx| {
                                c.on_response(
                                    cx,
                                    tag,
                                    Response {
                                        op: &op,
                                        outcome: &outcome,
                                    },
                                )
                            });
                            // The informer hears of the pod it created or deleted.
                            let ds = match tag {
                                Tag::Create(d)
                                | Tag::Delete(d)
                                | Tag::Status(d)
                                | Tag::Release(d) => d,
                            };
                            let notice = match outcome {
                                Outcome::Created(r) => Some((r, Change::Added)),
                                Outcome::Deleted(r) => Some((r, Change::Deleted)),
                                _ => None,
                            };
                            if let Some((obj, change)) = notice {
                                let n = Notice {
                                    obj,
                                    change,
                                    controller: Some(ds),
                                };
                                self.with(|c, cx| c.observe(cx, n));
                            }
                        }
                        _ => {}
                    }
                }
            }
            created
        }

        /// What the API server would do, reduced to what these tests need.
        fn commit(&mut self, op: &Op, created: &mut Vec<String>) -> Outcome {
            match op {
                Op::Create { object, .. } => {
                    let NewObject::Pod(p) = object.as_ref() else {
                        return Outcome::Done;
                    };
                    let mut p = p.clone();
                    p.meta.name = format!("foo-{}", self.serial);
                    self.serial += 1;
                    p.meta.namespace = self.store.find_ns("default");
                    created.push(p.spec.required_node_name.clone().unwrap_or_default());
                    let id = self.store.pods.insert(p);
                    let r = ObjRef {
                        kind: Kind::Pod,
                        id,
                    };
                    self.store.register(r, self.now);
                    Outcome::Created(r)
                }
                Op::DaemonSetStatus { id, status } => {
                    if let Some(d) = self.store.daemonsets.get_mut(*id) {
                        d.status = status.clone();
                    }
                    Outcome::Done
                }
                Op::Delete { target, .. } => {
                    self.deleted += 1;
                    self.store.remove(*target);
                    Outcome::Deleted(*target)
                }
                _ => Outcome::Done,
            }
        }
    }

    /// `markPodsReady`: every pod bound to its node, Running and Ready.
    fn mark_pods_ready(f: &mut Fixture) {
        let ids: Vec<u32> = f.store.pods.iter().map(|(id, _)| id).collect();
        for id in ids {
            let node = f
                .store
                .pods
                .get(id)
                .and_then(|p| p.spec.required_node_name.clone())
                .and_then(|n| f.store.lookup(Kind::Node, None, &n));
            let p = f.store.pods.get_mut(id).expect("pod");
            p.node = node;
            p.status.phase = Phase::Running;
            p.status.ready_since = Some(f.now);
        }
    }

    fn modified(obj: ObjRef) -> Notice {
        Notice {
            obj,
            change: Change::Modified,
            controller: None,
        }
    }

    /// Changes the template's image as an update through the API server would.
    fn change_image(f: &mut Fixture, ds: u32, image: &str) {
        let d = f.store.daemonsets.get_mut(ds).expect("ds");
        let mut spec = (*d.spec.template.spec).clone();
        spec.containers[0].image = image.into();
        d.spec.template = Arc::new(PodTemplate {
            annotations: Default::default(),
            labels: d.spec.template.labels.clone(),
            spec: Arc::new(spec),
        });
        d.spec.template_generation += 1;
        d.meta.generation += 1;
    }

    /// One sync after a DaemonSet update: (pods created, pods deleted).
    fn sync_counts(f: &mut Fixture, ds: u32) -> (usize, usize) {
        let before = f.deleted;
        let created = f.settle(modified(ds_ref(ds))).len();
        (created, f.deleted - before)
    }

    #[test]
    fn a_rolling_update_replaces_max_unavailable_pods_at_a_time() {
        // update_test.go TestDaemonSetUpdatesPods: 5 nodes, maxUnavailable 2 → delete 2 and
        // create 2, twice, then 1 and 1, as the new pods become ready.
        let (mut f, ds) = five_pods_then(2, 0, true);
        // The fake API server deletes at once, so each step's creates follow its deletes.
        assert_eq!(sync_counts(&mut f, ds), (2, 2));
        assert_eq!(sync_counts(&mut f, ds), (0, 0), "new pods not ready yet");
        mark_pods_ready(&mut f);
        assert_eq!(sync_counts(&mut f, ds), (2, 2));
        mark_pods_ready(&mut f);
        assert_eq!(sync_counts(&mut f, ds), (1, 1));
        mark_pods_ready(&mut f);
        assert_eq!(sync_counts(&mut f, ds), (0, 0));
        let s = &f.store.daemonsets.get(ds).expect("ds").status;
        assert_eq!(
            (
                s.desired_number_scheduled,
                s.updated_number_scheduled,
                s.number_available
            ),
            (5, 5, 5)
        );
        assert_eq!(s.observed_generation, 2);
        let images: Vec<&str> = f
            .store
            .pods
            .iter()
            .map(|(_, p)| p.spec.containers[0].image.as_str())
            .collect();
        assert_eq!(images, ["foo2/bar2"; 5]);
    }

    /// `addNodes(0, 5)`, the DaemonSet's 5 pods (ready or not), then a new image and the
    /// strategy `maxUnavailable` / `maxSurge`.
    fn five_pods_then(max_unavailable: i32, max_surge: i32, ready: bool) -> (Fixture, u32) {
        let mut f = Fixture::new();
        for i in 0..5 {
            f.node(&format!("node-{i}"), &[], Vec::new());
        }
        let ds = f.daemon_set(&[], Vec::new());
        assert_eq!(f.settle(added(ds_ref(ds))).len(), 5);
        if ready {
            mark_pods_ready(&mut f);
        }
        change_image(&mut f, ds, "foo2/bar2");
        f.store.daemonsets.get_mut(ds).expect("ds").spec.strategy =
            DaemonSetStrategy::RollingUpdate {
                max_unavailable: crate::model::workload::IntOrPercent::Int(max_unavailable),
                max_surge: crate::model::workload::IntOrPercent::Int(max_surge),
            };
        (f, ds)
    }

    #[test]
    fn new_pods_that_are_not_ready_hold_the_rollout() {
        // TestDaemonSetUpdatesWhenNewPodIsNotReady: maxUnavailable 3 → 3 replaced, then
        // nothing while they are not ready.
        let (mut f, ds) = five_pods_then(3, 0, true);
        assert_eq!(sync_counts(&mut f, ds), (3, 3));
        assert_eq!(sync_counts(&mut f, ds), (0, 0));
    }

    #[test]
    fn unavailable_old_pods_are_replaced_at_once() {
        // TestDaemonSetUpdatesAllOldPodsNotReady: old pods never ready → all 5 replaced
        // whatever maxUnavailable (3) says.
        let (mut f, ds) = five_pods_then(3, 0, false);
        assert_eq!(sync_counts(&mut f, ds), (5, 5));
        assert_eq!(sync_counts(&mut f, ds), (0, 0));
    }

    #[test]
    fn a_surge_rollout_creates_new_pods_beside_the_old_ones() {
        // update_test.go TestDaemonSetUpdatesPodsWithMaxSurge: 5 nodes, maxSurge 2 and
        // maxUnavailable 0 → create 2; (ready) delete 2 old, create 2; then delete 2, create 1;
        // then delete the last old pod.
        let (mut f, ds) = five_pods_then(0, 2, true);
        assert_eq!(sync_counts(&mut f, ds), (2, 0));
        assert_eq!(f.store.pods.len(), 7, "old and new side by side");
        mark_pods_ready(&mut f);
        assert_eq!(sync_counts(&mut f, ds), (2, 2));
        mark_pods_ready(&mut f);
        assert_eq!(sync_counts(&mut f, ds), (1, 2));
        mark_pods_ready(&mut f);
        assert_eq!(sync_counts(&mut f, ds), (0, 1));
        assert_eq!(sync_counts(&mut f, ds), (0, 0));
        let s = &f.store.daemonsets.get(ds).expect("ds").status;
        assert_eq!((s.updated_number_scheduled, s.number_available), (5, 5));
        assert_eq!(f.store.pods.len(), 5);
    }

    #[test]
    fn on_delete_replaces_only_the_pods_someone_deletes() {
        // OnDelete: a template change deletes nothing; a deleted pod comes back new.
        let mut f = Fixture::new();
        f.node("node-0", &[], Vec::new());
        f.node("node-1", &[], Vec::new());
        let ds = f.daemon_set(&[], Vec::new());
        f.store.daemonsets.get_mut(ds).expect("ds").spec.strategy = DaemonSetStrategy::OnDelete;
        f.settle(added(ds_ref(ds)));
        mark_pods_ready(&mut f);
        change_image(&mut f, ds, "foo2/bar2");
        assert_eq!(sync_counts(&mut f, ds), (0, 0));
        let s = &f.store.daemonsets.get(ds).expect("ds").status;
        assert_eq!(
            (s.current_number_scheduled, s.updated_number_scheduled),
            (2, 0)
        );
        let (victim, _) = f.store.pods.iter().next().expect("pod");
        f.store.remove(ObjRef {
            kind: Kind::Pod,
            id: victim,
        });
        let created = f.settle(Notice {
            obj: ObjRef {
                kind: Kind::Pod,
                id: victim,
            },
            change: Change::Deleted,
            controller: Some(ds),
        });
        assert_eq!(created, ["node-0"]);
        let s = &f.store.daemonsets.get(ds).expect("ds").status;
        assert_eq!(s.updated_number_scheduled, 1);
    }

    fn added(obj: ObjRef) -> Notice {
        Notice {
            obj,
            change: Change::Added,
            controller: None,
        }
    }

    fn taint(key: &str, effect: TaintEffect) -> Taint {
        Taint {
            key: key.into(),
            value: String::new(),
            effect,
            time_added: None,
        }
    }

    #[test]
    fn a_node_selector_matching_two_of_three_nodes_creates_exactly_two_pods() {
        // TestSelectorDaemonLaunchesPods: pods only on the nodes the nodeSelector matches.
        let mut f = Fixture::new();
        f.node("node-0", &[("color", "blue")], Vec::new());
        f.node("node-1", &[], Vec::new());
        f.node("node-2", &[("color", "blue")], Vec::new());
        let ds = f.daemon_set(&[("color", "blue")], Vec::new());
        let created = f.settle(added(ds_ref(ds)));
        assert_eq!(created, ["node-0", "node-2"]);
        let s = &f.store.daemonsets.get(ds).expect("ds").status;
        assert_eq!(
            (s.desired_number_scheduled, s.current_number_scheduled),
            (2, 2)
        );
        assert_eq!(
            (
                s.number_ready,
                s.number_available,
                s.updated_number_scheduled
            ),
            (0, 0, 2)
        );
        assert_eq!(s.number_unavailable, 2);
        let names: Vec<String> = f
            .store
            .pods
            .iter()
            .map(|(_, p)| p.meta.name.clone())
            .collect();
        assert_eq!(names, ["foo-0", "foo-1"]);
    }

    #[test]
    fn created_pods_carry_the_daemon_labels_owner_tolerations_and_node_affinity() {
        // CreatePodTemplate + ReplaceDaemonSetPodNodeNameNodeAffinity.
        let mut f = Fixture::new();
        f.node("node-0", &[], Vec::new());
        let ds = f.daemon_set(&[], Vec::new());
        f.settle(added(ds_ref(ds)));
        let (_, p) = f.store.pods.iter().next().expect("one pod");
        assert_eq!(p.meta.labels.get("name"), Some("simple-daemon"));
        assert_eq!(p.meta.labels.get(TEMPLATE_GENERATION), Some("1"));
        let hash = revision_hash(&f.store.daemonsets.get(ds).expect("ds").spec.template);
        assert_eq!(
            p.meta.labels.get(CONTROLLER_REVISION_HASH),
            Some(hash.as_str())
        );
        assert_eq!(p.meta.controller(), Some(ds_ref(ds)));
        assert_eq!(p.spec.required_node_name.as_deref(), Some("node-0"));
        assert_eq!(p.node, None, "the scheduler binds it");
        let keys: Vec<&str> = p.spec.tolerations.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "node.kubernetes.io/not-ready",
                "node.kubernetes.io/unreachable",
                "node.kubernetes.io/disk-pressure",
                "node.kubernetes.io/memory-pressure",
                "node.kubernetes.io/pid-pressure",
                "node.kubernetes.io/unschedulable",
            ]
        );
        assert!(p.spec.tolerations.iter().all(|t| t.seconds.is_none()));
    }

    #[test]
    fn a_tainted_node_without_a_toleration_gets_no_pod() {
        // TestTaintedNodeDaemonDoesNotLaunchIntolerantPods.
        let mut f = Fixture::new();
        f.node(
            "tainted",
            &[],
            vec![taint("dedicated", TaintEffect::NoSchedule)],
        );
        let ds = f.daemon_set(&[], Vec::new());
        assert!(f.settle(added(ds_ref(ds))).is_empty());
        let s = &f.store.daemonsets.get(ds).expect("ds").status;
        assert_eq!(s.desired_number_scheduled, 0);
    }

    #[test]
    fn a_tolerated_taint_gets_a_pod() {
        // TestNodeDaemonLaunchesToleratePod.
        let mut f = Fixture::new();
        f.node(
            "tainted",
            &[],
            vec![taint("dedicated", TaintEffect::NoSchedule)],
        );
        let tol = Toleration {
            key: "dedicated".into(),
            exists: true,
            value: String::new(),
            effect: Some(TaintEffect::NoSchedule),
            seconds: None,
        };
        let ds = f.daemon_set(&[], vec![tol]);
        assert_eq!(f.settle(added(ds_ref(ds))), ["tainted"]);
    }

    #[test]
    fn a_not_ready_tainted_node_still_gets_a_pod_through_the_added_toleration() {
        // TestNotReadyNodeDaemonDoesLaunchPod and TestUnreachableTaintedNodeDaemonDoesLaunchPod:
        // the daemon tolerations cover not-ready and unreachable NoExecute.
        let mut f = Fixture::new();
        f.node(
            "not-ready",
            &[],
            vec![taint(
                "node.kubernetes.io/not-ready",
                TaintEffect::NoExecute,
            )],
        );
        f.node(
            "unreachable",
            &[],
            vec![taint(
                "node.kubernetes.io/unreachable",
                TaintEffect::NoExecute,
            )],
        );
        let ds = f.daemon_set(&[], Vec::new());
        assert_eq!(f.settle(added(ds_ref(ds))), ["not-ready", "unreachable"]);
    }

    #[test]
    fn should_continue_running_follows_no_execute_taints_only() {
        // NodeShouldRunDaemonPod: an untolerated NoSchedule taint stops new pods but lets a
        // running one stay; an untolerated NoExecute taint stops both.
        let mut f = Fixture::new();
        let a = f.node("a", &[], vec![taint("x", TaintEffect::NoSchedule)]);
        let b = f.node("b", &[], vec![taint("x", TaintEffect::NoExecute)]);
        let ds = f.daemon_set(&[], Vec::new());
        let spec = daemon_pod_spec(&f.store.daemonsets.get(ds).expect("ds").spec.template.spec);
        let node = |id| f.store.nodes.get(id).expect("node");
        assert_eq!(node_should_run(node(a), &spec), (false, true));
        assert_eq!(node_should_run(node(b), &spec), (false, false));
    }

    #[test]
    fn a_node_that_joins_gets_a_pod_and_one_that_stops_matching_loses_it() {
        // addNode enqueues the DaemonSets that should run there; updateNode those whose
        // shouldRun changed; podsShouldBeOnNode then deletes the pod (SuccessfulDelete).
        let mut f = Fixture::new();
        f.node("node-0", &[("color", "blue")], Vec::new());
        let ds = f.daemon_set(&[("color", "blue")], Vec::new());
        f.settle(added(ds_ref(ds)));
        let n1 = f.node("node-1", &[("color", "blue")], Vec::new());
        f.ctl.nodes.remove(&n1);
        let created = f.settle(added(ObjRef {
            kind: Kind::Node,
            id: n1,
        }));
        assert_eq!(created, ["node-1"]);
        f.store.nodes.get_mut(n1).expect("node").meta.labels = Labels::default();
        // As the API server's update does: a new resourceVersion.
        f.store.touch(ObjRef {
            kind: Kind::Node,
            id: n1,
        });
        f.settle(Notice {
            obj: ObjRef {
                kind: Kind::Node,
                id: n1,
            },
            change: Change::Modified,
            controller: None,
        });
        let left: Vec<Option<String>> = f
            .store
            .pods
            .iter()
            .map(|(_, p)| p.spec.required_node_name.clone())
            .collect();
        assert_eq!(left, [Some("node-0".to_string())]);
        let s = &f.store.daemonsets.get(ds).expect("ds").status;
        assert_eq!(s.desired_number_scheduled, 1);
    }

    #[test]
    fn a_pod_turning_ready_requeues_after_min_ready_seconds_and_a_second() {
        // updatePod: changedToReady with minReadySeconds > 0 → enqueueDaemonSetAfter(ds,
        // minReadySeconds + 1s).
        let mut f = Fixture::new();
        f.node("node-0", &[], Vec::new());
        let ds = f.daemon_set(&[], Vec::new());
        f.store
            .daemonsets
            .get_mut(ds)
            .expect("ds")
            .spec
            .min_ready_seconds = 10;
        f.settle(added(ds_ref(ds)));
        mark_pods_ready(&mut f);
        let (pod, _) = f.store.pods.iter().next().expect("pod");
        f.now = SimTime::ZERO + SimDuration::from_secs(5);
        f.rec.clear();
        let n = Notice {
            obj: ObjRef {
                kind: Kind::Pod,
                id: pod,
            },
            change: Change::Modified,
            controller: Some(ds),
        };
        f.with(|c, cx| c.observe(cx, n));
        let requeues: Vec<SimTime> = f
            .rec
            .timers()
            .into_iter()
            .filter(|(_, t)| *t == Timer::Requeue(ds))
            .map(|(at, _)| at)
            .collect();
        assert_eq!(requeues, [SimTime::ZERO + SimDuration::from_secs(16)]);
    }

    #[test]
    fn events_name_the_pods_created_and_deleted() {
        let mut f = Fixture::new();
        f.node("node-0", &[], Vec::new());
        let ds = f.daemon_set(&[], Vec::new());
        f.with(|c, cx| c.observe(cx, added(ds_ref(ds))));
        let timers = f.rec.timers();
        f.rec.clear();
        let (_, t) = timers[0];
        f.with(|c, cx| c.on_timer(cx, t));
        let reqs: Vec<Op> = f
            .rec
            .requests()
            .into_iter()
            .map(|(o, _)| o.clone())
            .collect();
        assert_eq!(reqs.len(), 1);
        f.rec.clear();
        let outcome = f.commit(&reqs[0], &mut Vec::new());
        f.with(|c, cx| {
            c.on_response(
                cx,
                Tag::Create(ds),
                Response {
                    op: &reqs[0],
                    outcome: &outcome,
                },
            )
        });
        let e = f.rec.events();
        assert_eq!(e.len(), 1);
        assert_eq!(
            (e[0].reason, e[0].source, e[0].message.as_str()),
            (
                "SuccessfulCreate",
                "daemonset-controller",
                "Created pod: foo-0"
            )
        );
    }
}
