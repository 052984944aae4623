//! kube-scheduler: the scheduling queue, one scheduling cycle at a time, asynchronous
//! binding.
//!
//! The queue mirrors `pkg/scheduler/backend/queue/scheduling_queue.go`: `activeQ` ordered by
//! PrioritySort (priority, then queue time), `backoffQ` (1 s doubling to 10 s: podInitialBackoffSeconds, podMaxBackoffSeconds) and
//! `unschedulablePods`, which cluster events (a node added, changed or deleted, an assigned
//! pod deleted or added) move back when a plugin that rejected the pod registered for the
//! event and its queueing hint says the event's node may now pass ([`hints`]), and which
//! are flushed after 5 minutes by the
//! 30-second leftover loop. A cycle (`scheduler.schedule`) runs the PreFilters once
//! (`cycle::CycleState`), filters nodes from a round-robin start until
//! `numFeasibleNodesToFind` fit, scores them, picks the best (ties by reservoir sampling on
//! the scheduler's seeded stream), assumes the pod on the node and binds it through the
//! scheduler's 50 QPS / 100 burst client; the next cycle does not wait for the binding.

pub mod cycle;
pub mod diagnosis;
#[cfg(test)]
mod fixture;
pub mod hints;
pub mod imagelocality;
pub mod interpod;
mod nodeprops;
pub mod plugins;
pub mod preemption;
pub mod spread;
mod spreadcount;
pub mod topology;
pub mod volumebinding;

use crate::apiserver::{Op, Outcome};
use crate::component::{Change, Component, Ctx, Notice, Response};
use crate::etcd::Store;
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::model::pod::Resources;
use crate::scheduler::plugins::NodeUsage;
use crate::sim::engine::TimerKey;
use crate::sim::time::{SimDuration, SimTime};
use crate::sim::timing::TimingName;
use rand_chacha::rand_core::Rng;
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

/// The scheduler name kubesim's scheduler answers to.
pub const SCHEDULER_NAME: &str = "default-scheduler";
/// `podInitialBackoffSeconds`.
const INITIAL_BACKOFF: u64 = 1_000_000;
/// `podMaxBackoffSeconds`.
const MAX_BACKOFF: u64 = 10_000_000;
/// `DefaultPodMaxInUnschedulablePodsDuration`.
const MAX_UNSCHEDULABLE: u64 = 300_000_000;

/// Where a pod is in the scheduler's hands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum QState {
    /// Not the scheduler's concern (bound, gone, or another scheduler's).
    #[default]
    None,
    /// In activeQ.
    Active,
    /// In backoffQ.
    Backoff,
    /// In unschedulablePods.
    Unschedulable,
    /// Being scheduled.
    InFlight,
    /// Assumed on a node, binding in flight.
    Assumed,
}

#[derive(Clone, Copy, Debug, Default)]
struct PodEntry {
    state: QState,
    attempts: u32,
    last_attempt: SimTime,
    /// Node and requests counted in the cache (assumed or bound).
    cached: Option<(u32, Resources, Resources)>,
    /// The controlling ReplicaSet/RC whose pods PodTopologySpread's system defaults spread.
    spread_owner: Option<spreadcount::OwnerKey>,
    /// The plugins that rejected it in its last cycle (`hints::plugin` bits), whose hints
    /// decide which events move it out of unschedulablePods.
    rejected_by: u16,
    /// The informer has seen it assigned (AssignedPodAdd fired).
    seen_bound: bool,
    /// Its priority as the cache counts it.
    priority: i32,
    /// The node preemption nominated it to (the queue's nominator).
    nominated: Option<u32>,
}

/// The scheduler's state: queues and the node cache.
#[derive(Debug, Default)]
pub struct Scheduler {
    active: BinaryHeap<Reverse<(i64, SimTime, u32)>>,
    backoff: BinaryHeap<Reverse<(SimTime, u32)>>,
    unschedulable: BTreeSet<u32>,
    busy: bool,
    next_start: usize,
    pods: Vec<PodEntry>,
    usage: Vec<NodeUsage>,
    /// Pods per owner by node and by zone: PodTopologySpread's counts.
    spread: spreadcount::SpreadCounts,
    /// Each node's `topology.kubernetes.io/zone`, interned (None: no label).
    node_zone: Vec<Option<u32>>,
    zone_names: Vec<String>,
    /// Each node's packed row (by node id), refreshed on every node event.
    rows: Vec<plugins::NodeRow>,
    /// The nodes a cycle filters, in the order they were added (the round-robin start
    /// walks it), and whether each node id is among them.
    nodes: Vec<u32>,
    listed: Vec<bool>,
    /// Cached pods with pod affinity or anti-affinity terms (InterPodAffinity's
    /// `PodsWithAffinity`), and those binding host ports (NodePorts' `UsedPorts`): the only
    /// pods a cycle of a pod without such terms reads.
    affinity_pods: BTreeSet<u32>,
    port_pods: BTreeSet<u32>,
    /// The pending flush timer: when, and its key (an earlier request cancels it).
    flush_at: Option<(SimTime, TimerKey)>,
    /// ImageLocality's image states.
    images: imagelocality::ImageStates,
    /// The cached pods on each node (NodeInfo's `Pods`), for preemption's dry runs.
    node_pods: Vec<Vec<u32>>,
    /// The pods nominated to each node (the nominator's `nominatedPodToNode`).
    nominated_on: Vec<Vec<u32>>,
    /// How many cached pods have each priority: preemption skips its dry runs when none is
    /// below the preemptor's.
    priorities: std::collections::BTreeMap<i32, u32>,
    /// What each node's last update showed of the fields cluster events are made of.
    props: nodeprops::NodeProps,
}

impl Scheduler {
    fn entry(&mut self, pod: u32) -> &mut PodEntry {
        let i = pod as usize;
        if self.pods.len() <= i {
            self.pods.resize(i + 1, PodEntry::default());
        }
        &mut self.pods[i]
    }

    fn usage_mut(&mut self, node: u32) -> &mut NodeUsage {
        let i = node as usize;
        if self.usage.len() <= i {
            self.usage.resize(i + 1, NodeUsage::default());
        }
        &mut self.usage[i]
    }

    /// The cache's view of a node (for invariants and tests).
    pub fn node_usage(&self, node: u32) -> NodeUsage {
        self.usage.get(node as usize).copied().unwrap_or_default()
    }

    /// Every pod the cache counts (assumed or bound), in pod-id order, with its node and
    /// requests: lets the invariant checker (`cluster::invariants`) compare the cache with the
    /// store.
    pub fn cached_pods(&self) -> impl Iterator<Item = (u32, u32, Resources)> + '_ {
        self.pods
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.cached.map(|(node, req, _)| (i as u32, node, req)))
    }

    /// The node's zone index; None for a node without the zone label.
    fn zone(&self, node: u32) -> Option<u32> {
        self.node_zone.get(node as usize).copied().flatten()
    }

    fn set_zone(&mut self, node: u32, zone: Option<&str>) {
        let id = zone.map(|z| match self.zone_names.iter().position(|n| n == z) {
            Some(i) => i as u32,
            None => {
                self.zone_names.push(z.to_string());
                (self.zone_names.len() - 1) as u32
            }
        });
        let i = node as usize;
        if self.node_zone.len() <= i {
            self.node_zone.resize(i + 1, None);
        }
        self.node_zone[i] = id;
    }

    fn add_to_cache(
        &mut self,
        pod: u32,
        node: u32,
        req: Resources,
        nz: Resources,
        owner: Option<spreadcount::OwnerKey>,
    ) {
        if self.entry(pod).cached.is_some() {
            return;
        }
        self.entry(pod).cached = Some((node, req, nz));
        self.entry(pod).spread_owner = owner;
        if let Some(o) = owner {
            let zone = self.zone(node);
            self.spread.add(o, node, zone);
        }
        let i = node as usize;
        if self.node_pods.len() <= i {
            self.node_pods.resize(i + 1, Vec::new());
        }
        self.node_pods[i].push(pod);
        let u = self.usage_mut(node);
        u.requested = u.requested.plus(req);
        u.nonzero_requested = u.nonzero_requested.plus(nz);
        u.pods += 1;
    }

    fn remove_from_cache(&mut self, pod: u32) -> bool {
        let Some((node, req, nz)) = self.entry(pod).cached.take() else {
            return false;
        };
        if let Some(o) = self.entry(pod).spread_owner.take() {
            let zone = self.zone(node);
            self.spread.remove(o, node, zone);
        }
        if let Some(list) = self.node_pods.get_mut(node as usize) {
            list.retain(|q| *q != pod);
        }
        let prio = self.entry(pod).priority;
        if let Some(c) = self.priorities.get_mut(&prio) {
            *c = c.saturating_sub(1);
            if *c == 0 {
                self.priorities.remove(&prio);
            }
        }
        let u = self.usage_mut(node);
        u.requested = u.requested.minus(req);
        u.nonzero_requested = u.nonzero_requested.minus(nz);
        u.pods = u.pods.saturating_sub(1);
        self.affinity_pods.remove(&pod);
        self.port_pods.remove(&pod);
        true
    }

    /// Counts an assigned (or assumed) pod in the cache, with what its spec means for the
    /// plugins that read other pods.
    fn add_pod(&mut self, id: u32, node: u32, p: &crate::model::pod::Pod) {
        if self.entry(id).cached.is_some() {
            return;
        }
        let (req, nz) = (p.spec.requests(), plugins::nonzero_requests(&p.spec));
        self.add_to_cache(id, node, req, nz, spread_owner(p));
        self.entry(id).priority = p.spec.priority;
        *self.priorities.entry(p.spec.priority).or_default() += 1;
        if interpod::has_pod_affinity(p) {
            self.affinity_pods.insert(id);
        }
        if p.spec.containers.iter().any(|c| !c.host_ports.is_empty()) {
            self.port_pods.insert(id);
        }
    }

    /// The assigned pods the cycle of `p` reads.
    fn placed(&self, p: &crate::model::pod::Pod) -> cycle::Placed {
        let pair = |id: &u32| {
            self.pods
                .get(*id as usize)
                .and_then(|e| e.cached)
                .map(|(n, _, _)| (*id, n))
        };
        let wants_ports = p.spec.containers.iter().any(|c| !c.host_ports.is_empty());
        cycle::Placed {
            all: if cycle::needs_all_pods(p) {
                self.pods
                    .iter()
                    .enumerate()
                    .filter_map(|(i, e)| e.cached.map(|(n, _, _)| (i as u32, n)))
                    .collect()
            } else {
                Vec::new()
            },
            with_affinity: self.affinity_pods.iter().filter_map(pair).collect(),
            with_host_ports: if wants_ports {
                self.port_pods.iter().filter_map(pair).collect()
            } else {
                Vec::new()
            },
        }
    }
}

impl Scheduler {
    /// The node's usage with the pods nominated to it that are at least as important as
    /// `priority` (`addNominatedPods`), other than `pod` and those already counted.
    fn usage_with_nominated(&self, store: &Store, node: u32, pod: u32, priority: i32) -> NodeUsage {
        let mut u = self.node_usage(node);
        let Some(list) = self.nominated_on.get(node as usize) else {
            return u;
        };
        for q in list {
            if *q == pod
                || self
                    .pods
                    .get(*q as usize)
                    .is_some_and(|e| e.cached.is_some())
            {
                continue;
            }
            if let Some(o) = store.pods.get(*q)
                && o.spec.priority >= priority
            {
                u.requested = u.requested.plus(o.spec.requests());
                u.nonzero_requested = u.nonzero_requested.plus(plugins::nonzero_requests(&o.spec));
                u.pods += 1;
            }
        }
        u
    }

    /// Records (or forgets) the node a pod is nominated to, in the nominator only.
    fn nominate(&mut self, pod: u32, node: Option<u32>) {
        let old = std::mem::replace(&mut self.entry(pod).nominated, node);
        if old == node {
            return;
        }
        if let Some(o) = old
            && let Some(list) = self.nominated_on.get_mut(o as usize)
        {
            list.retain(|q| *q != pod);
        }
        if let Some(n) = node {
            let i = n as usize;
            if self.nominated_on.len() <= i {
                self.nominated_on.resize(i + 1, Vec::new());
            }
            self.nominated_on[i].push(pod);
        }
    }

    /// The name of the node the pod is nominated to.
    fn nominated_name(&self, cx: &Cx<'_>, pod: u32) -> Option<String> {
        let n = self.pods.get(pod as usize)?.nominated?;
        cx.store.nodes.get(n).map(|n| n.meta.name.clone())
    }

    /// `ClearNominatedNodeName` and the like: the nominator and the pod's
    /// `status.nominatedNodeName` both.
    fn set_nomination(&mut self, cx: &mut Cx<'_>, pod: u32, node: Option<u32>) {
        self.nominate(pod, node);
        let name = self.nominated_name(cx, pod);
        if let Some(p) = cx.store.pods.get(pod)
            && p.status.nominated_node != name
        {
            let mut status = p.status.clone();
            status.nominated_node = name;
            let key = cx.store.key(ObjRef::pod(pod));
            let op = Op::PodStatus {
                pod,
                status: Box::new(status),
            };
            cx.submit(op, Tag::Preempt, &key);
        }
    }
}

fn push_active(me: &mut Scheduler, cx: &mut Cx<'_>, pod: u32) {
    let Some(p) = cx.store.pods.get(pod) else {
        return;
    };
    let prio = -i64::from(p.spec.priority);
    let now = cx.now;
    me.entry(pod).state = QState::Active;
    me.active.push(Reverse((prio, now, pod)));
}

/// What the scheduler's requests are about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// POST pods/binding.
    Bind,
    /// The PodScheduled=False status write.
    Unschedulable,
    /// Preemption's writes about a victim or a nomination.
    Preempt,
}

/// The scheduler's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// The scheduling cycle of this pod finished.
    Cycle(u32),
    /// The queue's periodic flush (backoff expiry, leftover unschedulable pods).
    Flush,
}

type Cx<'a> = Ctx<'a, Scheduler>;

impl Component for Scheduler {
    type Tag = Tag;
    type Timer = Timer;
    type Env = ();

    fn observe(&mut self, cx: &mut Cx<'_>, n: Notice) {
        observe(self, cx, n.obj, n.change);
    }

    fn on_response(&mut self, cx: &mut Cx<'_>, _: Tag, r: Response<'_>) {
        on_response(self, cx, r);
    }

    fn on_timer(&mut self, cx: &mut Cx<'_>, timer: Timer) {
        match timer {
            Timer::Cycle(pod) => cycle_done(self, cx, pod),
            Timer::Flush => flush(self, cx),
        }
    }
}

impl Scheduler {
    /// Adds a node to the cache (its informer heard of it, or it existed at t=0).
    pub fn register_node(&mut self, store: &Store, node: u32) {
        let _ = register_node(self, store, node);
    }

    /// Counts a pod already bound when the run starts (AKS's system pods) in the cache, as
    /// the informer's initial list does.
    pub fn assume_existing(&mut self, store: &Store, pod: u32) {
        let Some(p) = store.pods.get(pod) else {
            return;
        };
        let Some(node) = p.node else { return };
        self.add_pod(pod, node, p);
    }
}

/// Lists the node and records what it shows; the `requeue` events its update makes.
fn register_node(me: &mut Scheduler, store: &Store, node: u32) -> u8 {
    let i = node as usize;
    if me.listed.len() <= i {
        me.listed.resize(i + 1, false);
    }
    if !std::mem::replace(&mut me.listed[i], true) {
        me.nodes.push(node);
    }
    let Some(n) = store.nodes.get(node) else {
        return 0;
    };
    if me.rows.len() <= i {
        me.rows.resize(i + 1, plugins::NodeRow::default());
    }
    me.rows[i] = plugins::NodeRow::of(n);
    let zone = n.meta.labels.get(ZONE_LABEL).map(str::to_string);
    me.set_zone(node, zone.as_deref());
    me.images.set_node(node, &n.images);
    me.props.observe(node, Some(n))
}

/// The well-known zone label PodTopologySpread's second system default spreads over.
const ZONE_LABEL: &str = "topology.kubernetes.io/zone";

/// The pod's controlling ReplicaSet or ReplicationController: PodTopologySpread's system
/// default constraints apply to pods a controller owns (pkg/scheduler/framework/plugins/podtopologyspread). kubesim counts the
/// controller's own pods as the ones its selector matches; Services' selectors are not merged
/// in (a simplification).
fn spread_owner(p: &crate::model::pod::Pod) -> Option<spreadcount::OwnerKey> {
    p.meta
        .controller()
        .filter(|c| matches!(c.kind, Kind::ReplicaSet | Kind::ReplicationController))
        .map(|c| spreadcount::OwnerKey::new(c.kind == Kind::ReplicationController, c.id))
}

/// An informer event (pods and nodes).
fn observe(me: &mut Scheduler, cx: &mut Cx<'_>, obj: ObjRef, change: Change) {
    match obj.kind {
        Kind::Node => {
            let event = if change == Change::Deleted {
                me.nodes.retain(|n| *n != obj.id);
                if let Some(l) = me.listed.get_mut(obj.id as usize) {
                    *l = false;
                }
                me.images.remove_node(obj.id);
                me.props.forget(obj.id);
                plugins::requeue::NODE_DELETE
            } else {
                let new = !me.listed.get(obj.id as usize).copied().unwrap_or(false);
                let changed = register_node(me, cx.store, obj.id);
                if new {
                    plugins::requeue::NODE_ADD
                } else {
                    changed
                }
            };
            if event != 0 {
                match cx
                    .store
                    .nodes
                    .get(obj.id)
                    .filter(|_| event != plugins::requeue::NODE_DELETE)
                {
                    Some(node) => move_unschedulable(
                        me,
                        cx,
                        hints::Event::Node {
                            node,
                            change: event,
                        },
                    ),
                    None => move_unschedulable(me, cx, hints::Event::Other(event)),
                }
            }
        }
        Kind::Pod => observe_pod(me, cx, obj.id, change),
        _ => {}
    }
    kick(me, cx);
}

fn observe_pod(me: &mut Scheduler, cx: &mut Cx<'_>, id: u32, change: Change) {
    let Some(p) = cx.store.pods.get(id) else {
        // Deleted: free its place in the cache; room may now exist for others.
        let st = me.entry(id).state;
        if st != QState::None {
            me.unschedulable.remove(&id);
            me.entry(id).state = QState::None;
        }
        me.entry(id).seen_bound = false;
        me.nominate(id, None);
        if me.remove_from_cache(id) {
            move_unschedulable(
                me,
                cx,
                hints::Event::Other(plugins::requeue::ASSIGNED_POD_DELETE),
            );
        }
        return;
    };
    let _ = change;
    if let Some(node) = p.node {
        if p.is_terminal() {
            if me.remove_from_cache(id) {
                move_unschedulable(
                    me,
                    cx,
                    hints::Event::Other(plugins::requeue::ASSIGNED_POD_DELETE),
                );
            }
        } else {
            me.add_pod(id, node, p);
            if !std::mem::replace(&mut me.entry(id).seen_bound, true) {
                move_unschedulable(
                    me,
                    cx,
                    hints::Event::Other(plugins::requeue::ASSIGNED_POD_ADD),
                );
            }
        }
        let e = me.entry(id);
        if e.state != QState::Assumed {
            e.state = QState::None;
        }
        me.unschedulable.remove(&id);
        return;
    }
    // A pod that names its node, or another scheduler, is not this scheduler's to place.
    if p.meta.deleted.is_some()
        || p.spec.scheduler_name != SCHEDULER_NAME
        || p.spec.node_name.is_some()
    {
        return;
    }
    if me.entry(id).state == QState::None {
        push_active(me, cx, id);
    }
}

/// `MoveAllToActiveOrBackoffQueue` on a cluster event: the unschedulable pods one of whose
/// rejecting plugins registered for the event and hints `Queue` for it ([`hints`]).
fn move_unschedulable(me: &mut Scheduler, cx: &mut Cx<'_>, event: hints::Event<'_>) {
    let store = cx.store;
    let pods: Vec<u32> = me
        .unschedulable
        .iter()
        .copied()
        .filter(|&p| {
            let rejected_by = me.pods.get(p as usize).map_or(0, |e| e.rejected_by);
            store.pods.get(p).is_none_or(|pod| {
                hints::worth_requeuing(rejected_by, &pod.spec, pod.spec.requests(), event)
            })
        })
        .collect();
    for pod in pods {
        me.unschedulable.remove(&pod);
        to_active_or_backoff(me, cx, pod);
    }
}

fn backoff_end(e: &PodEntry) -> SimTime {
    let exp = e.attempts.saturating_sub(1).min(10);
    let d = (INITIAL_BACKOFF << exp).min(MAX_BACKOFF);
    e.last_attempt + SimDuration(d)
}

fn to_active_or_backoff(me: &mut Scheduler, cx: &mut Cx<'_>, pod: u32) {
    let e = *me.entry(pod);
    let until = backoff_end(&e);
    if until > cx.now {
        me.entry(pod).state = QState::Backoff;
        me.backoff.push(Reverse((until, pod)));
        // flushBackoffQCompleted runs every second.
        request_flush(
            me,
            cx,
            SimTime(until.as_micros().div_ceil(1_000_000) * 1_000_000),
        );
    } else {
        push_active(me, cx, pod);
    }
}

fn request_flush(me: &mut Scheduler, cx: &mut Cx<'_>, at: SimTime) {
    match me.flush_at {
        Some((t, _)) if t <= at => {}
        pending => {
            if let Some((_, key)) = pending {
                cx.cancel(key);
            }
            me.flush_at = Some((at, cx.at(at, Timer::Flush)));
        }
    }
}

/// The queue's periodic loops: backoff expiry and the 5-minute unschedulable leftover.
fn flush(me: &mut Scheduler, cx: &mut Cx<'_>) {
    me.flush_at = None;
    let now = cx.now;
    while let Some(Reverse((t, pod))) = me.backoff.peek().copied() {
        if t > now {
            break;
        }
        me.backoff.pop();
        if me.entry(pod).state == QState::Backoff {
            push_active(me, cx, pod);
        }
    }
    let stale: Vec<u32> = me
        .unschedulable
        .iter()
        .copied()
        .filter(|p| {
            me.pods
                .get(*p as usize)
                .is_some_and(|e| now.since(e.last_attempt).as_micros() >= MAX_UNSCHEDULABLE)
        })
        .collect();
    for pod in stale {
        me.unschedulable.remove(&pod);
        to_active_or_backoff(me, cx, pod);
    }
    schedule_next_flush(me, cx);
    kick(me, cx);
}

fn schedule_next_flush(me: &mut Scheduler, cx: &mut Cx<'_>) {
    if let Some(Reverse((t, _))) = me.backoff.peek().copied() {
        request_flush(
            me,
            cx,
            SimTime(t.as_micros().div_ceil(1_000_000) * 1_000_000),
        );
    }
    let oldest = me
        .unschedulable
        .iter()
        .filter_map(|p| me.pods.get(*p as usize))
        .map(|e| e.last_attempt)
        .min();
    if let Some(t) = oldest {
        // flushUnschedulablePodsLeftover runs every 30 s.
        let due = (t + SimDuration(MAX_UNSCHEDULABLE))
            .as_micros()
            .div_ceil(30_000_000)
            * 30_000_000;
        request_flush(me, cx, SimTime(due));
    }
}

/// Starts the next scheduling cycle if the scheduler is idle.
fn kick(me: &mut Scheduler, cx: &mut Cx<'_>) {
    if me.busy {
        return;
    }
    while let Some(Reverse((_, _, pod))) = me.active.pop() {
        if me.entry(pod).state != QState::Active {
            continue;
        }
        me.entry(pod).state = QState::InFlight;
        me.busy = true;
        let key = cx.store.key(ObjRef {
            kind: Kind::Pod,
            id: pod,
        });
        let attempts = me.entry(pod).attempts;
        let d = cx.sample(
            TimingName::SchedulerSchedule,
            SCHEDULER_NAME,
            &key,
            &format!("cycle:{attempts}"),
        );
        cx.after(d, Timer::Cycle(pod));
        return;
    }
}

/// A scheduling cycle for `pod` finishes: filter, score, assume, bind.
fn cycle_done(me: &mut Scheduler, cx: &mut Cx<'_>, pod: u32) {
    me.busy = false;
    let valid = cx
        .store
        .pods
        .get(pod)
        .is_some_and(|p| p.node.is_none() && p.meta.deleted.is_none());
    if !valid || me.entry(pod).state != QState::InFlight {
        if me.entry(pod).state == QState::InFlight {
            me.entry(pod).state = QState::None;
        }
        kick(me, cx);
        return;
    }
    let now = cx.now;
    {
        let e = me.entry(pod);
        e.attempts += 1;
        e.last_attempt = now;
    }
    match schedule_one(me, cx, pod) {
        Ok(node) => {
            let Some(p) = cx.store.pods.get(pod) else {
                return;
            };
            me.add_pod(pod, node, p);
            // assume: the nominator forgets the pod (DeleteNominatedPodIfExists).
            me.nominate(pod, None);
            me.entry(pod).state = QState::Assumed;
            let key = cx.store.key(ObjRef {
                kind: Kind::Pod,
                id: pod,
            });
            cx.submit(Op::Bind { pod, node }, Tag::Bind, &key);
        }
        Err(fit) => {
            me.entry(pod).rejected_by = fit.rejected_by;
            // RunPostFilterPlugins: DefaultPreemption's message joins the FitError's.
            let (post, nomination) = preemption::post_filter(me, cx, pod, &fit);
            let message = if post.is_empty() {
                fit.message
            } else {
                format!("{} {post}", fit.message)
            };
            match nomination {
                preemption::Nomination::Keep => {}
                preemption::Nomination::Clear => me.nominate(pod, None),
                preemption::Nomination::Set(node) => me.nominate(pod, Some(node)),
            }
            unschedulable(me, cx, pod, message)
        }
    }
    kick(me, cx);
}

fn unschedulable(me: &mut Scheduler, cx: &mut Cx<'_>, pod: u32, message: String) {
    let obj = ObjRef {
        kind: Kind::Pod,
        id: pod,
    };
    cx.event(
        obj,
        true,
        "FailedScheduling",
        SCHEDULER_NAME,
        message.clone(),
    );
    me.entry(pod).state = QState::Unschedulable;
    me.unschedulable.insert(pod);
    schedule_next_flush(me, cx);
    // The PodScheduled=False condition and the nomination (updatePod), written through the
    // API.
    let nominated = me.nominated_name(cx, pod);
    if let Some(p) = cx.store.pods.get(pod)
        && (p.status.unschedulable_message.as_deref() != Some(message.as_str())
            || p.status.nominated_node != nominated)
    {
        let mut status = p.status.clone();
        status.scheduled = Some(false);
        status.unschedulable_message = Some(message);
        status.nominated_node = nominated;
        let key = cx.store.key(obj);
        let op = Op::PodStatus {
            pod,
            status: Box::new(status),
        };
        cx.submit(op, Tag::Unschedulable, &key);
    }
}

/// `schedulePod`: the scored feasible nodes, then `selectHost` — the highest score, ties
/// broken by reservoir sampling on the scheduler's stream.
fn schedule_one(me: &mut Scheduler, cx: &mut Cx<'_>, pod: u32) -> Result<u32, FitError> {
    let scored = me.prioritized_nodes(cx.store, pod)?;
    let key = cx.store.key(ObjRef {
        kind: Kind::Pod,
        id: pod,
    });
    let mut rng = cx.stream(SCHEDULER_NAME, &key, "selectHost");
    let mut best: Option<(u32, i64)> = None;
    let mut ties = 0u64;
    for (id, total) in scored {
        match best {
            Some((_, b)) if total < b => {}
            Some((_, b)) if total == b => {
                ties += 1;
                if rng.next_u64().is_multiple_of(ties) {
                    best = Some((id, total));
                }
            }
            _ => {
                best = Some((id, total));
                ties = 1;
            }
        }
    }
    // prioritized_nodes returns at least one node or an error.
    best.map(|(id, _)| id).ok_or_else(FitError::default)
}

/// A cycle that found no node: `FitError.Error()` and the events that may change that.
#[derive(Clone, Debug, Default)]
pub struct FitError {
    /// The FailedScheduling message up to the PostFilter's part.
    pub message: String,
    /// Every rejecting plugin (`hints::plugin` bits; `UnschedulablePlugins`).
    pub rejected_by: u16,
    /// `NumAllNodes`.
    pub total: usize,
    /// Each rejected node with its Filter reasons (`Diagnosis.NodeToStatus`).
    pub rejected: diagnosis::Rejected,
}

impl Scheduler {
    /// One scheduling cycle up to `selectHost` (`findNodesThatFitPod` and
    /// `prioritizeNodes`): the PreFilters once, the Filters from the round-robin start
    /// until `numFeasibleNodesToFind` nodes fit, then every Score plugin, weighted and
    /// summed. Returns the feasible nodes with their totals, or the FitError message.
    pub fn prioritized_nodes(
        &mut self,
        store: &Store,
        pod: u32,
    ) -> Result<Vec<(u32, i64)>, FitError> {
        let Some(p) = store.pods.get(pod) else {
            return Err(FitError::default());
        };
        let n = self.nodes.len();
        if let Some(reason) = volumebinding::pre_filter(store, p).filter(|_| n > 0) {
            // A PreFilter's UnschedulableAndUnresolvable: no node is filtered
            // (FitError.Error() with Diagnosis.PreFilterMsg).
            return Err(FitError {
                message: format!("0/{n} nodes are available: {reason}."),
                rejected_by: hints::plugin::VOLUME,
                total: n,
                rejected: diagnosis::Rejected::default(),
            });
        }
        let placed = self.placed(p);
        let mut state = cycle::CycleState::new(store, &self.nodes, p, &placed);
        // evaluateNominatedNode: a pod nominated by an earlier preemption tries its
        // nominated node alone first.
        if let Some(nominated) = self.pods.get(pod as usize).and_then(|e| e.nominated)
            && let Some(node) = store.nodes.get(nominated)
        {
            let usage = self.usage_with_nominated(store, nominated, pod, p.spec.priority);
            let mut reasons = Vec::new();
            if state.filter(nominated, node, &usage, &mut reasons) {
                return Ok(vec![(nominated, 0)]);
            }
        }
        // NodeAffinity's PreFilter may narrow the nodes to visit (a DaemonSet pod's one node);
        // the round-robin start then walks that list but advances over all nodes.
        let named: Vec<u32>;
        let candidates: &[u32] = match plugins::prefilter_node_names(&p.spec) {
            plugins::PreFilterNodes::All => &self.nodes,
            plugins::PreFilterNodes::Conflict => {
                return Err(FitError {
                    message: format!("0/{n} nodes are available: pod affinity terms conflict."),
                    rejected_by: hints::plugin::AFFINITY,
                    total: n,
                    rejected: diagnosis::Rejected::default(),
                });
            }
            plugins::PreFilterNodes::Names(names) => {
                named = names
                    .iter()
                    .filter_map(|name| store.lookup(Kind::Node, None, name))
                    .filter(|id| self.listed.get(*id as usize).copied().unwrap_or(false))
                    .collect();
                &named
            }
        };
        let plain = state.plain();
        let m = candidates.len();
        // numFeasibleNodesToFind over the nodes visited (findNodesThatPassFilters).
        let want = plugins::num_feasible_nodes_to_find(m);
        let mut feasible: Vec<u32> = Vec::with_capacity(want.min(m));
        let mut rejected = diagnosis::Rejected::default();
        let start = if m == 0 { 0 } else { self.next_start % m };
        let mut processed = 0;
        let mut reasons = Vec::new();
        while processed < m && feasible.len() < want {
            let node_id = candidates[(start + processed) % m];
            processed += 1;
            let Some(node) = store.nodes.get(node_id) else {
                continue;
            };
            let usage = self.usage_with_nominated(store, node_id, pod, p.spec.priority);
            reasons.clear();
            let row = self.rows.get(node_id as usize).copied().unwrap_or_default();
            let fits = if plain && row.plain {
                state.filter_row(node_id, &row, &usage, &mut reasons)
            } else {
                state.filter(node_id, node, &usage, &mut reasons)
            };
            if fits {
                feasible.push(node_id);
            } else {
                rejected.push(node_id, &reasons);
            }
        }
        if n > 0 {
            self.next_start = (self.next_start + processed) % n;
        }
        if feasible.is_empty() {
            let absent = n - m;
            // Nodes mostly share one reason string: look each run of it up once.
            let mut last: Option<&str> = None;
            let rejected_by = rejected.reasons().fold(0, |m, r| {
                if last.is_some_and(|l| std::ptr::eq(l, r.reason)) {
                    return m;
                }
                last = Some(r.reason);
                m | hints::rejecting_plugin(r.reason)
            }) | if absent > 0 {
                hints::plugin::AFFINITY
            } else {
                0
            };
            return Err(FitError {
                message: plugins::fit_error(n, rejected.reasons().map(|r| r.reason), absent),
                rejected_by,
                total: n,
                rejected,
            });
        }
        let nz = plugins::nonzero_requests(&p.spec);
        let raw: Vec<(i64, i64)> = feasible
            .iter()
            .map(|id| {
                let row = self.rows.get(*id as usize).copied().unwrap_or_default();
                let fit = plugins::resource_score(
                    nz,
                    state.requests,
                    row.allocatable,
                    &self.node_usage(*id),
                );
                // A plain node has no taint to count; only others are read whole.
                let taints = match store.nodes.get(*id) {
                    Some(node) if !row.plain => plugins::prefer_no_schedule_taints(&p.spec, node),
                    _ => 0,
                };
                (fit, taints)
            })
            .collect();
        let max_taints = raw.iter().map(|r| r.1).max().unwrap_or(0);
        let pod_images = self.images.pod_images(&p.spec);
        let affinity = plugins::node_affinity_scores(&p.spec, || {
            feasible
                .iter()
                .filter_map(|id| store.nodes.get(*id))
                .collect()
        });
        let (inter, own_spread) = state.pod_scores(store, &self.nodes, &placed, &feasible);
        let spread = own_spread.unwrap_or_else(|| match spread_owner(p) {
            Some(owner) => spread_scores(self, owner, &feasible),
            None => vec![0; feasible.len()],
        });
        let at = |v: &Option<Vec<i64>>, i: usize| v.as_ref().map_or(0, |v| v[i]);
        Ok(feasible
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let (s, t) = raw[i];
                let total = s
                    + plugins::taint_score(t, max_taints)
                    + spread[i]
                    + at(&affinity, i)
                    + at(&inter, i)
                    + self.images.score(&pod_images, *id, n);
                (*id, total)
            })
            .collect())
    }
}

/// PodTopologySpread's weighted score (weight 2) for each feasible node under the system
/// default constraints — `kubernetes.io/hostname` maxSkew 3 and
/// `topology.kubernetes.io/zone` maxSkew 5, both ScheduleAnyway (facts C.2) — following
/// `podtopologyspread/scoring.go`: per constraint `count × ln(domains + 2) + (maxSkew − 1)`,
/// rounded, then normalised so the node with the fewest matching pods scores 100
/// (`100 × (max + min − s) / max`). Nodes without a zone label are ignored (score 0).
fn spread_scores(s: &Scheduler, owner: spreadcount::OwnerKey, feasible: &[u32]) -> Vec<i64> {
    let mut seen = vec![false; s.zone_names.len()];
    for z in feasible.iter().filter_map(|n| s.zone(*n)) {
        seen[z as usize] = true;
    }
    let zones = seen.iter().filter(|z| **z).count();
    let w_host = libm::log(feasible.len() as f64 + 2.0);
    let w_zone = libm::log(zones as f64 + 2.0);
    let counts = s.spread.owner(owner);
    let raw: Vec<Option<i64>> = feasible
        .iter()
        .map(|n| {
            let zone = s.zone(*n)?;
            let (host, in_zone) = counts.map_or((0.0, 0.0), |c| {
                (f64::from(c.on_node(*n)), f64::from(c.in_zone(zone)))
            });
            Some((host * w_host + 2.0 + in_zone * w_zone + 4.0).round() as i64)
        })
        .collect();
    let max = raw.iter().flatten().copied().max().unwrap_or(0);
    let min = raw.iter().flatten().copied().min().unwrap_or(0);
    raw.into_iter()
        .map(|r| match r {
            None => 0,
            Some(_) if max == 0 => 2 * plugins::MAX_NODE_SCORE,
            Some(v) => 2 * (plugins::MAX_NODE_SCORE * (max + min - v) / max),
        })
        .collect()
}

/// The binding (or the status write) returned.
fn on_response(me: &mut Scheduler, cx: &mut Cx<'_>, req: Response<'_>) {
    let outcome = req.outcome;
    let Op::Bind { pod, node } = *req.op else {
        return;
    };
    let obj = ObjRef {
        kind: Kind::Pod,
        id: pod,
    };
    match outcome {
        Outcome::Done => {
            me.entry(pod).state = QState::None;
            let node_name = cx.store.node_name(node);
            let pod_key = cx.store.key(obj);
            cx.event(
                obj,
                false,
                "Scheduled",
                SCHEDULER_NAME,
                format!("Successfully assigned {pod_key} to {node_name}"),
            );
        }
        _ => {
            // The binding failed: forget the assumption and retry after backoff.
            me.remove_from_cache(pod);
            if cx
                .store
                .pods
                .get(pod)
                .is_some_and(|p| p.node.is_none() && p.meta.deleted.is_none())
            {
                to_active_or_backoff(me, cx, pod);
            } else {
                me.entry(pod).state = QState::None;
            }
            kick(me, cx);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_scores_follow_the_scoring_go_formula() {
        // Three feasible nodes in one zone holding 0, 1 and 2 pods of ReplicaSet 7.
        // hostname: weight ln(3 + 2); zone: weight ln(1 + 2), 3 pods in the zone.
        // raw = cnt·ln5 + 2 + 3·ln3 + 4 → 9.30, 10.91, 12.51 → rounded 9, 11, 13;
        // normalised 100·(13 + 9 − s)/13 → 100, 84, 69; PodTopologySpread's weight is 2.
        let mut s = Scheduler::default();
        for n in 0..3 {
            s.set_zone(n, Some("0"));
        }
        let r = Resources::default();
        let rs = spreadcount::OwnerKey::new(false, 7);
        s.add_to_cache(100, 1, r, r, Some(rs));
        s.add_to_cache(101, 2, r, r, Some(rs));
        s.add_to_cache(102, 2, r, r, Some(rs));
        // A ReplicationController with the same id is another owner: its pods do not count.
        s.add_to_cache(103, 0, r, r, Some(spreadcount::OwnerKey::new(true, 7)));
        assert_eq!(spread_scores(&s, rs, &[0, 1, 2]), vec![200, 168, 138]);
        // Removing a pod updates the counts.
        s.remove_from_cache(102);
        s.remove_from_cache(101);
        s.remove_from_cache(100);
        assert_eq!(spread_scores(&s, rs, &[0, 1, 2]), vec![200, 200, 200]);
    }

    mod cycle {
        use super::super::*;
        use crate::apiserver::testing::Harness;
        use crate::component::ctx::testing::{Recorder, run};
        use crate::component::{ComponentId, ComponentKind};
        use crate::etcd::store::testing as fx;

        const ME: ComponentId = ComponentId::of(ComponentKind::Scheduler);
        const NOW: SimTime = SimTime(2_000_000);

        /// One 4-CPU node and a pending pod `default/web` requesting `cpu_milli`.
        fn setup(cpu_milli: i64) -> (Harness, Scheduler, u32, u32) {
            let mut h = Harness::default();
            let ns = fx::namespace(&mut h.store, "default");
            let node = fx::node(&mut h.store, "aks-nodepool1-0", 4000, 16 << 30);
            let pod = fx::pod(&mut h.store, "web", ns, fx::spec(cpu_milli), None, None);
            let mut s = Scheduler::default();
            s.register_node(&h.store, node);
            (h, s, node, pod)
        }

        fn added(s: &mut Scheduler, h: &Harness, pod: u32) -> Recorder<Scheduler> {
            run(s, &h.store, &mut (), ME, NOW, |s, cx| {
                s.observe(
                    cx,
                    Notice {
                        obj: ObjRef {
                            kind: Kind::Pod,
                            id: pod,
                        },
                        change: Change::Added,
                        controller: None,
                    },
                )
            })
        }

        fn cycle(s: &mut Scheduler, h: &Harness, pod: u32) -> Recorder<Scheduler> {
            run(s, &h.store, &mut (), ME, NOW, |s, cx| {
                s.on_timer(cx, Timer::Cycle(pod))
            })
        }

        #[test]
        fn a_pending_pod_starts_a_cycle_that_binds_it_to_the_fitting_node() {
            let (mut h, mut s, node, pod) = setup(500);
            let queued = added(&mut s, &h, pod);
            let timers = queued.timers();
            assert_eq!(timers.len(), 1);
            assert_eq!(timers[0].1, Timer::Cycle(pod));
            assert!(timers[0].0 >= NOW);
            let bound = cycle(&mut s, &h, pod);
            assert!(matches!(
                bound.requests()[..],
                [(Op::Bind { pod: p, node: n }, Tag::Bind)] if *p == pod && *n == node
            ));
            assert!(bound.events().is_empty(), "Scheduled waits for the binding");
            // The pod is assumed: the cache counts its request before the binding returns.
            assert_eq!(s.node_usage(node).requested.cpu_milli, 500);
            // schedule_one.go bindingCycle: `Successfully assigned %v/%v to %v`.
            let done = h.answer(&mut s, &mut (), ME, NOW, &bound);
            let ev = done.events();
            assert_eq!(ev.len(), 1);
            assert_eq!(ev[0].reason, "Scheduled");
            assert_eq!(ev[0].source, "default-scheduler");
            assert_eq!(
                ev[0].message,
                "Successfully assigned default/web to aks-nodepool1-0"
            );
            assert_eq!(h.store.pods.get(pod).unwrap().node, Some(node));
        }

        #[test]
        fn a_higher_priority_pod_preempts_a_lower_one_and_is_nominated() {
            // default_preemption_test.go TestPreempt's single-node shape: a 3000m pod of
            // priority 10 fills a 4000m node; a 2000m pod of priority 100 fits only
            // without it. prepareCandidate writes the DisruptionTarget condition
            // (PreemptionByScheduler), deletes the victim and records `Preempted`; the
            // preemptor's FailedScheduling has no PostFilter message and its status names
            // the node (updatePod with the nominating info).
            let (mut h, mut s, node, pod) = setup(2000);
            let ns = h.store.find_ns("default").unwrap();
            let mut low_spec = (*fx::spec(3000)).clone();
            low_spec.priority = 10;
            let low = fx::pod(
                &mut h.store,
                "low",
                ns,
                std::sync::Arc::new(low_spec),
                None,
                Some(node),
            );
            s.assume_existing(&h.store, low);
            let mut high = (*h.store.pods.get(pod).unwrap().spec).clone();
            high.priority = 100;
            h.store.pods.get_mut(pod).unwrap().spec = std::sync::Arc::new(high);
            added(&mut s, &h, pod);
            let out = cycle(&mut s, &h, pod);
            let ev = out.events();
            assert_eq!(ev.len(), 2, "{ev:?}");
            assert_eq!(ev[0].reason, "Preempted");
            assert!(!ev[0].warning);
            let uid = crate::model::meta::uid_text(h.store.pods.get(pod).unwrap().meta.uid);
            assert_eq!(
                ev[0].message,
                format!("Preempted by pod {uid} on node aks-nodepool1-0")
            );
            assert_eq!(ev[1].reason, "FailedScheduling");
            assert_eq!(
                ev[1].message,
                "0/1 nodes are available: 1 Insufficient cpu."
            );
            match out.requests()[..] {
                [
                    (
                        Op::PodDisruption {
                            pod: v,
                            condition: Some(c),
                            fail: false,
                        },
                        Tag::Preempt,
                    ),
                    (Op::Delete { target, .. }, Tag::Preempt),
                    (Op::PodStatus { pod: p, status }, Tag::Unschedulable),
                ] => {
                    assert_eq!(*v, low);
                    assert_eq!(*c, preemption::PREEMPTION_CONDITION);
                    assert_eq!(target.id, low);
                    assert_eq!(*p, pod);
                    assert_eq!(status.nominated_node.as_deref(), Some("aks-nodepool1-0"));
                }
                ref other => panic!("unexpected {other:?}"),
            }
            // While the victim is still counted, the nominated node is tried first and
            // still does not fit; once it is gone the pod binds there.
            h.answer(&mut s, &mut (), ME, NOW, &out);
            assert!(
                h.store
                    .pods
                    .get(low)
                    .is_none_or(|p| p.meta.deleted.is_some())
            );
            h.store.pods.remove(low);
            let _ = run(&mut s, &h.store, &mut (), ME, NOW, |s, cx| {
                s.observe(
                    cx,
                    Notice {
                        obj: ObjRef::pod(low),
                        change: Change::Deleted,
                        controller: None,
                    },
                )
            });
            // The deletion moved it to backoffQ; its next cycle:
            s.entry(pod).state = QState::InFlight;
            let bound = cycle(&mut s, &h, pod);
            assert!(matches!(
                bound.requests()[..],
                [(Op::Bind { pod: p, node: n }, Tag::Bind)] if *p == pod && *n == node
            ));
        }

        #[test]
        fn a_nominated_pods_room_is_held_from_lower_priority_pods_only() {
            // addNominatedPods (RunFilterPluginsWithNominatedPods): a pod nominated to a node
            // counts there for pods of lower or equal priority, not for more important ones.
            let (mut h, mut s, node, pod) = setup(3000);
            let ns = h.store.find_ns("default").unwrap();
            let mut held = (*fx::spec(2000)).clone();
            held.priority = 100;
            let nominated = fx::pod(
                &mut h.store,
                "held",
                ns,
                std::sync::Arc::new(held),
                None,
                None,
            );
            s.nominate(nominated, Some(node));
            // A 3000m pod of priority 0 does not fit beside the 2000m held for priority 100.
            added(&mut s, &h, pod);
            let out = cycle(&mut s, &h, pod);
            assert_eq!(out.events()[0].reason, "FailedScheduling");
            // The same pod at priority 1000 ignores the nomination and binds.
            let mut important = (*h.store.pods.get(pod).unwrap().spec).clone();
            important.priority = 1000;
            h.store.pods.get_mut(pod).unwrap().spec = std::sync::Arc::new(important);
            s.entry(pod).state = QState::InFlight;
            let out = cycle(&mut s, &h, pod);
            assert!(matches!(
                out.requests()[..],
                [(Op::Bind { pod: p, node: n }, Tag::Bind)] if *p == pod && *n == node
            ));
        }

        #[test]
        fn an_equal_priority_pod_finds_no_victims_and_a_never_pod_is_not_eligible() {
            // SelectVictimsOnNode: only lower-priority pods are victims ("No preemption
            // victims found for incoming pod"); PodEligibleToPreemptOthers refuses
            // preemptionPolicy Never.
            let (mut h, mut s, node, pod) = setup(2000);
            let ns = h.store.find_ns("default").unwrap();
            let other = fx::pod(&mut h.store, "peer", ns, fx::spec(3000), None, Some(node));
            s.assume_existing(&h.store, other);
            added(&mut s, &h, pod);
            let out = cycle(&mut s, &h, pod);
            assert_eq!(
                out.events()[0].message,
                "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."
            );
            let mut never = (*h.store.pods.get(pod).unwrap().spec).clone();
            never.priority = 100;
            never.preemption_policy = crate::model::priorityclass::PreemptionPolicy::Never;
            h.store.pods.get_mut(pod).unwrap().spec = std::sync::Arc::new(never);
            s.entry(pod).state = QState::InFlight;
            let out = cycle(&mut s, &h, pod);
            assert_eq!(
                out.events()[0].message,
                "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never."
            );
        }

        #[test]
        fn a_daemonset_pod_is_filtered_against_its_node_alone() {
            // NodeAffinity's PreFilter returns PreFilterResult{NodeNames: {b}} for the
            // DaemonSet controller's `matchFields metadata.name In [b]` term, so only b is
            // filtered; the others count as "node(s) didn't satisfy plugin(s)
            // [NodeAffinity]" (SetAbsentNodesStatus, schedule_one.go), and the round-robin
            // start advances by the one node processed, over all nodes.
            let mut h = Harness::default();
            let ns = fx::namespace(&mut h.store, "default");
            let mut s = Scheduler::default();
            for name in ["a", "b", "c"] {
                let id = fx::node(&mut h.store, name, 4000, 16 << 30);
                s.register_node(&h.store, id);
            }
            let on_b = |cpu| {
                let mut spec = (*fx::spec(cpu)).clone();
                spec.required_node_name = Some("b".into());
                std::sync::Arc::new(spec)
            };
            let big = fx::pod(&mut h.store, "ds-big", ns, on_b(8000), None, None);
            let err = s
                .prioritized_nodes(&h.store, big)
                .expect_err("too big for b");
            assert_eq!(
                err.message,
                "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy \
                 plugin(s) [NodeAffinity]."
            );
            assert_eq!(err.rejected.len(), 1, "only b was filtered");
            assert_ne!(err.rejected_by & hints::plugin::AFFINITY, 0);
            assert_eq!(s.next_start, 1);
            let small = fx::pod(&mut h.store, "ds-small", ns, on_b(100), None, None);
            let b = h.store.lookup(Kind::Node, None, "b").expect("b");
            let ok = s.prioritized_nodes(&h.store, small).expect("fits b");
            assert_eq!(ok.iter().map(|(n, _)| *n).collect::<Vec<_>>(), vec![b]);
            assert_eq!(s.next_start, 2);
        }

        #[test]
        fn a_pod_larger_than_every_node_fails_with_the_fit_error() {
            // pkg/scheduler/framework/types.go FitError.Error(): `0/<all> nodes are
            // available: ` + the sorted reason histogram + `.`, then DefaultPreemption's
            // PostFilter message (`preemption: 0/1 nodes are available: 1 No preemption
            // victims found for incoming pod.`), NodeResourcesFit's reason being
            // `Insufficient cpu` (noderesources/fit.go).
            let (mut h, mut s, node, pod) = setup(8000);
            added(&mut s, &h, pod);
            let failed = cycle(&mut s, &h, pod);
            let want = "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are \
                        available: 1 No preemption victims found for incoming pod.";
            let ev = failed.events();
            assert_eq!(ev.len(), 1);
            assert!(ev[0].warning);
            assert_eq!(ev[0].reason, "FailedScheduling");
            assert_eq!(ev[0].message, want);
            // The PodScheduled=False condition carries the same message.
            match failed.requests()[..] {
                [(Op::PodStatus { pod: p, status }, Tag::Unschedulable)] => {
                    assert_eq!(*p, pod);
                    assert_eq!(status.scheduled, Some(false));
                    assert_eq!(status.unschedulable_message.as_deref(), Some(want));
                }
                ref other => panic!("unexpected {other:?}"),
            }
            assert_eq!(s.node_usage(node).pods, 0, "nothing assumed");
            h.answer(&mut s, &mut (), ME, NOW, &failed);
            // A node update that changes nothing the scheduler's events are made of (a
            // status post) moves nothing.
            let quiet = notice(&mut s, &h, Kind::Node, node, Change::Modified);
            assert!(quiet.timers().is_empty(), "no UpdateNode* event");
            // A node update with more allocatable (UpdateNodeAllocatable, which
            // NodeResourcesFit registers) moves the pod out of unschedulablePods, into
            // backoffQ until its backoff (podInitialBackoffSeconds = 1 after one attempt)
            // has passed: the queue flushes at 2 s + 1 s (scheduling_queue.go
            // MoveAllToActiveOrBackoffQueue).
            if let Some(n) = h.store.nodes.get_mut(node) {
                n.allocatable.cpu_milli *= 4;
            }
            let again = run(&mut s, &h.store, &mut (), ME, NOW, |s, cx| {
                s.observe(
                    cx,
                    Notice {
                        obj: ObjRef {
                            kind: Kind::Node,
                            id: node,
                        },
                        change: Change::Modified,
                        controller: None,
                    },
                )
            });
            assert!(again.requests().is_empty());
            assert_eq!(again.timers(), vec![(SimTime(3_000_000), Timer::Flush)]);
        }

        fn notice(
            s: &mut Scheduler,
            h: &Harness,
            kind: Kind,
            id: u32,
            change: Change,
        ) -> Recorder<Scheduler> {
            run(s, &h.store, &mut (), ME, NOW, |s, cx| {
                s.observe(
                    cx,
                    Notice {
                        obj: ObjRef { kind, id },
                        change,
                        controller: None,
                    },
                )
            })
        }

        #[test]
        fn queueing_hints_move_a_pod_only_on_events_its_rejecting_plugin_registered() {
            // NodeAffinity registers for node events only (node_affinity.go
            // EventsToRegister: Node/Add, UpdateNodeLabel, UpdateNodeTaint): a deleted
            // assigned pod or a node's new allocatable leaves a pod whose nodeSelector
            // matches no node in unschedulablePods; a node relabelled moves it.
            let (mut h, mut s, node, pod) = setup(100);
            let ns = h.store.find_ns("default").expect("ns");
            let mut spec = (*h.store.pods.get(pod).unwrap().spec).clone();
            spec.node_selector = fx::labels(&[("disk", "ssd")]);
            h.store.pods.get_mut(pod).unwrap().spec = std::sync::Arc::new(spec);
            let other = fx::pod(&mut h.store, "other", ns, fx::spec(100), None, Some(node));
            s.assume_existing(&h.store, other);
            added(&mut s, &h, pod);
            let failed = cycle(&mut s, &h, pod);
            h.answer(&mut s, &mut (), ME, NOW, &failed);
            h.store.pods.remove(other);
            let deleted = notice(&mut s, &h, Kind::Pod, other, Change::Deleted);
            assert!(deleted.timers().is_empty(), "not moved by a pod deletion");
            if let Some(n) = h.store.nodes.get_mut(node) {
                n.allocatable.cpu_milli *= 2;
            }
            let resized = notice(&mut s, &h, Kind::Node, node, Change::Modified);
            assert!(
                resized.timers().is_empty(),
                "not moved by UpdateNodeAllocatable"
            );
            // Its hint (node_affinity.go isSchedulableAfterNodeChange) skips a relabel that
            // still does not match and queues one that does.
            if let Some(n) = h.store.nodes.get_mut(node) {
                n.meta.labels = fx::labels(&[("disk", "hdd")]);
            }
            let mismatched = notice(&mut s, &h, Kind::Node, node, Change::Modified);
            assert!(
                mismatched.timers().is_empty(),
                "disk=hdd still does not match"
            );
            if let Some(n) = h.store.nodes.get_mut(node) {
                n.meta.labels = fx::labels(&[("disk", "ssd")]);
            }
            let updated = notice(&mut s, &h, Kind::Node, node, Change::Modified);
            assert_eq!(updated.timers(), vec![(SimTime(3_000_000), Timer::Flush)]);
        }

        #[test]
        fn a_pod_rejected_by_anti_affinity_waits_for_assigned_pods() {
            // InterPodAffinity registers for assigned pods added and deleted: the pod that
            // the running one repels moves when that one is deleted.
            let (mut h, mut s, node, pod) = setup(100);
            let ns = h.store.find_ns("default").expect("ns");
            let mut spec = (*h.store.pods.get(pod).unwrap().spec).clone();
            spec.affinity = Some(Box::new(crate::model::affinity::Affinity {
                anti: crate::model::affinity::PodAffinity {
                    required: vec![crate::scheduler::fixture::term(
                        crate::scheduler::fixture::key_in("app", &["web"]),
                        "kubernetes.io/hostname",
                    )],
                    preferred: Vec::new(),
                },
                ..Default::default()
            }));
            h.store.pods.get_mut(pod).unwrap().spec = std::sync::Arc::new(spec);
            if let Some(n) = h.store.nodes.get_mut(node) {
                n.meta.labels = fx::labels(&[("kubernetes.io/hostname", "aks-nodepool1-0")]);
            }
            let other = fx::pod(&mut h.store, "other", ns, fx::spec(100), None, Some(node));
            s.assume_existing(&h.store, other);
            added(&mut s, &h, pod);
            let failed = cycle(&mut s, &h, pod);
            assert_eq!(
                failed.events()[0].message,
                "0/1 nodes are available: 1 node(s) didn't match pod anti-affinity rules. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."
            );
            h.answer(&mut s, &mut (), ME, NOW, &failed);
            h.store.pods.remove(other);
            let deleted = notice(&mut s, &h, Kind::Pod, other, Change::Deleted);
            assert_eq!(deleted.timers(), vec![(SimTime(3_000_000), Timer::Flush)]);
        }

        #[test]
        fn pods_for_another_scheduler_are_left_alone() {
            // eventhandlers.go responsibleForPod: the default profile only queues pods whose
            // schedulerName is default-scheduler.
            let (mut h, mut s, _, pod) = setup(100);
            let mut spec = (*h.store.pods.get(pod).unwrap().spec).clone();
            spec.scheduler_name = "my-scheduler".into();
            h.store.pods.get_mut(pod).unwrap().spec = std::sync::Arc::new(spec);
            assert!(added(&mut s, &h, pod).timers().is_empty());
        }
    }
}
