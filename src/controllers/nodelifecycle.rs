//! kube-controller-manager's node lifecycle controller
//! (pkg/controller/nodelifecycle/node_lifecycle_controller.go): it watches each node's
//! heartbeats, marks a silent node's conditions Unknown, taints unhealthy nodes, and slows
//! or stops its NoExecute tainting when a whole zone looks down.
//!
//! - Every `nodelifecycle.monitorPeriod` (5 s) `monitorNodeHealth` looks at every node
//!   (`tryUpdateNodeHealth`): when the Ready condition's `lastHeartbeatTime` changed or the
//!   node's Lease `renewTime` advanced since the last look, the node's probe time becomes the
//!   controller's own now (not the kubelet's timestamp). Once now is past probe +
//!   `nodelifecycle.monitorGracePeriod` (50 s; 40 s before 1.32), or
//!   `nodelifecycle.startupGracePeriod` (60 s) for a node that never posted Ready, Ready,
//!   MemoryPressure, DiskPressure and PIDPressure become Unknown (`NodeStatusUnknown`,
//!   "Kubelet stopped posting node status."; a missing one `NodeStatusNeverUpdated`). A node
//!   whose Ready leaves True in this pass gets the `NodeNotReady` Event and every pod on it is
//!   set Ready=False (`MarkPodsNotReady`), which is when Endpoints and availability drop.
//! - On the Ready status it saw before the pass (`processTaintBaseEviction`): False or
//!   Unknown queues the node in its zone's NoExecute tainter (`not-ready` or `unreachable`,
//!   the other one swapped at once if present); True removes both and dequeues.
//! - Every 100 ms (`NodeEvictionPeriod`) each zone's queue is drained through a token bucket
//!   of burst 1 (`doNoExecuteTaintingPass`): one taint per `nodelifecycle.evictionInterval`
//!   (10 s = 1 / --node-eviction-rate), per `nodelifecycle.secondaryEvictionInterval` (100 s)
//!   in a partially disrupted zone of more than 50 nodes, none in a smaller one, and none at
//!   all while every zone is fully disrupted (`handleDisruption`, [`zone_state`]).
//! - On every node add or update the NoSchedule taints follow the conditions and
//!   `spec.unschedulable` (`doNoScheduleTaintingPass`, [`condition_taint`]).
//!
//! Simplifications: the 100 ms tainting pass only runs while some queue holds a node (the
//! same taints at the same instants as a pass that finds nothing most of the time); the
//! NoSchedule reconcile runs in the update handler rather than on a worker queue; the
//! `RegisteredNode`/`RemovingNode` Events are recorded by AKS's provider where the nodes
//! come and go; `--large-cluster-size-threshold` (50) and `--unhealthy-zone-threshold`
//! (0.55) are fixed; nodes labelled `node.kubernetes.io/exclude-disruption` are not
//! excluded from the zone counts.

use crate::apiserver::Op;
use crate::component::{Change, Component, Ctx, Notice, Response};
use crate::etcd::Store;
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::model::node::{
    ConditionStatus, ConditionType, DISK_PRESSURE_TAINT, MEMORY_PRESSURE_TAINT, NOT_READY_TAINT,
    Node, NodeCondition, PID_PRESSURE_TAINT, UNREACHABLE_TAINT, UNSCHEDULABLE_TAINT,
};
use crate::model::pod::{Taint, TaintEffect};
use crate::sim::time::{SimDuration, SimTime};
use crate::sim::timing::TimingName;
use std::collections::{BTreeMap, VecDeque};

/// The Event source and client name (`node-controller`, as Events show it).
const SOURCE: &str = "node-controller";
/// `NodeEvictionPeriod`: how often the NoExecute queues are drained.
const TAINT_PASS: SimDuration = SimDuration::from_millis(100);
/// `--large-cluster-size-threshold` default: a zone this size or smaller stops tainting when
/// partially disrupted.
pub const LARGE_CLUSTER_THRESHOLD: u32 = 50;
/// `--unhealthy-zone-threshold` default 0.55, in thousandths (integer arithmetic).
pub const UNHEALTHY_ZONE_PERMILLE: u64 = 550;
/// The region and zone labels a zone key is made of (`GetZoneKey`).
const REGION_LABEL: &str = "topology.kubernetes.io/region";
const ZONE_LABEL: &str = "topology.kubernetes.io/zone";

/// A zone's health (`ZoneState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZoneState {
    /// `stateInitial`: seen for the first time.
    Initial,
    /// `stateNormal`.
    Normal,
    /// `statePartialDisruption`: many nodes not ready.
    PartialDisruption,
    /// `stateFullDisruption`: no node ready.
    FullDisruption,
}

/// `ComputeZoneState`: FullDisruption when no node is ready (and some are not), partial
/// when more than 2 are not ready and they are at least the unhealthy threshold (0.55) of
/// the zone, else Normal.
pub fn zone_state(ready: u32, not_ready: u32) -> ZoneState {
    let total = u64::from(ready + not_ready);
    if ready == 0 && not_ready > 0 {
        ZoneState::FullDisruption
    } else if not_ready > 2 && u64::from(not_ready) * 1000 >= UNHEALTHY_ZONE_PERMILLE * total {
        ZoneState::PartialDisruption
    } else {
        ZoneState::Normal
    }
}

/// `nodeConditionToTaintKeyStatusMap`: the NoSchedule taint a condition in a status calls
/// for (Ready False → not-ready, Unknown → unreachable; a pressure True → its taint).
pub fn condition_taint(kind: ConditionType, status: ConditionStatus) -> Option<&'static str> {
    use ConditionStatus as S;
    use ConditionType as T;
    match (kind, status) {
        (T::Ready, S::False) => Some(NOT_READY_TAINT),
        (T::Ready, S::Unknown) => Some(UNREACHABLE_TAINT),
        (T::MemoryPressure, S::True) => Some(MEMORY_PRESSURE_TAINT),
        (T::DiskPressure, S::True) => Some(DISK_PRESSURE_TAINT),
        (T::PidPressure, S::True) => Some(PID_PRESSURE_TAINT),
        _ => None,
    }
}

/// The keys `doNoScheduleTaintingPass` owns (`taintKeyToNodeConditionMap` and unschedulable).
const NO_SCHEDULE_KEYS: [&str; 6] = [
    NOT_READY_TAINT,
    UNREACHABLE_TAINT,
    MEMORY_PRESSURE_TAINT,
    DISK_PRESSURE_TAINT,
    PID_PRESSURE_TAINT,
    UNSCHEDULABLE_TAINT,
];

/// The controller's settings, read from the run's timings on its first pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// `--node-monitor-period`.
    pub monitor_period: SimDuration,
    /// `--node-monitor-grace-period`.
    pub grace: SimDuration,
    /// `--node-startup-grace-period`.
    pub startup_grace: SimDuration,
    /// 1 / `--node-eviction-rate`.
    pub eviction_interval: SimDuration,
    /// 1 / `--secondary-node-eviction-rate`.
    pub secondary_interval: SimDuration,
}

/// Where a node stands in its zone's NoExecute tainter (`UniqueQueue`: a set and a queue).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Tainter {
    /// Not in the set.
    #[default]
    Out,
    /// In the set and waiting in the queue.
    Queued,
    /// In the set, taken off the queue after its taint (`RemoveFromQueue`): not added again
    /// until removed.
    Done,
}

/// `nodeHealthData` plus the node's place in the tainter.
#[derive(Clone, Copy, Debug)]
struct Health {
    /// `probeTimestamp`.
    probe: SimTime,
    /// The Ready condition's lastHeartbeatTime last seen (None: no Ready condition).
    heartbeat: Option<SimTime>,
    /// The Lease's renewTime last seen.
    lease: Option<SimTime>,
    zone: u32,
    tainter: Tainter,
    /// The Unknown conditions were sent (and the pods marked not ready) since the node was
    /// last heard from: what upstream's synchronous `UpdateStatus` has already made the
    /// node's current condition while kubesim's write may still wait behind the
    /// controller's client rate limit, so a later pass neither sends them again nor sees
    /// the Ready → Unknown change a second time.
    unknown_sent: bool,
    /// The tainting pass sent this node's NoExecute taint and it has not committed yet:
    /// upstream's `SwapNodeControllerTaint` is synchronous, so its next pass already sees
    /// the taint and leaves the node out of the queue; here the write may still wait behind
    /// the client's rate limit, and re-queueing the node would spend a later token on it.
    tainting: bool,
}

/// One zone: its state, its counts in the current pass and its NoExecute tainter.
#[derive(Debug)]
struct Zone {
    /// None: not in `zoneStates` (no node seen there in the last pass).
    state: Option<ZoneState>,
    ready: u32,
    not_ready: u32,
    /// The token bucket's interval (None: QPS 0, never).
    interval: Option<SimDuration>,
    /// When the bucket next holds its one token.
    next_token: SimTime,
    queue: VecDeque<u32>,
}

impl Zone {
    /// `TryAccept`.
    fn try_accept(&mut self, now: SimTime) -> bool {
        match self.interval {
            Some(i) if now >= self.next_token => {
                self.next_token = now + i;
                true
            }
            _ => false,
        }
    }

    /// `SwapLimiter`: a new bucket, full unless the old one was empty.
    fn swap_limiter(&mut self, interval: Option<SimDuration>, now: SimTime) {
        if self.interval == interval {
            return;
        }
        if let Some(i) = interval {
            let had_token = self.interval.is_some() && now >= self.next_token;
            self.next_token = if had_token { now } else { now + i };
        }
        self.interval = interval;
    }
}

/// The node lifecycle controller.
#[derive(Debug, Default)]
pub struct NodeLifecycleController {
    params: Option<Params>,
    /// By node id.
    nodes: Vec<Option<Health>>,
    /// By node id: a NoSchedule reconcile is in flight, and whether another is due after it.
    no_schedule: Vec<(bool, bool)>,
    zones: Vec<Zone>,
    /// Zone key → index, in key order (the order zones are drained in).
    zone_ids: BTreeMap<String, u32>,
    /// The pending tainting pass.
    taint_pass: Option<SimTime>,
}

/// The controller's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// `monitorNodeHealth`.
    Monitor,
    /// `doNoExecuteTaintingPass`.
    TaintPass,
}

/// What its requests are about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// A node's conditions set Unknown.
    Status,
    /// A NoExecute taint swap or removal.
    NoExecute,
    /// A NoSchedule reconcile of a node.
    NoSchedule {
        /// The node.
        node: u32,
    },
    /// A pod set Ready=False.
    PodNotReady,
    /// The tainting pass's NoExecute taint of a node.
    Tainting {
        /// The node.
        node: u32,
    },
}

type Cx<'a> = Ctx<'a, NodeLifecycleController>;

impl Component for NodeLifecycleController {
    type Tag = Tag;
    type Timer = Timer;
    type Env = ();

    fn observe(&mut self, cx: &mut Cx<'_>, n: Notice) {
        if n.obj.kind == Kind::Node && n.change != Change::Deleted {
            self.reconcile_no_schedule(cx, n.obj.id);
        }
    }

    fn on_response(&mut self, cx: &mut Cx<'_>, tag: Tag, _: Response<'_>) {
        if let Tag::Tainting { node } = tag
            && let Some(Some(h)) = self.nodes.get_mut(node as usize)
        {
            h.tainting = false;
        }
        if let Tag::NoSchedule { node } = tag
            && let Some(s) = self.no_schedule.get_mut(node as usize)
        {
            let again = s.1;
            *s = (false, false);
            if again {
                self.reconcile_no_schedule(cx, node);
            }
        }
    }

    fn on_timer(&mut self, cx: &mut Cx<'_>, timer: Timer) {
        match timer {
            Timer::Monitor => self.monitor(cx),
            Timer::TaintPass => {
                self.taint_pass = None;
                self.taint(cx);
            }
        }
    }
}

/// The zone key of a node (`GetZoneKey`: region and zone; empty when it has neither).
fn zone_key(n: &Node) -> String {
    let region = n.meta.labels.get(REGION_LABEL).unwrap_or("");
    let zone = n.meta.labels.get(ZONE_LABEL).unwrap_or("");
    if region.is_empty() && zone.is_empty() {
        String::new()
    } else {
        format!("{region}:\x00:{zone}")
    }
}

fn node_ref(id: u32) -> ObjRef {
    ObjRef {
        kind: Kind::Node,
        id,
    }
}

fn has_taint(n: &Node, key: &str, effect: TaintEffect) -> bool {
    n.taints.iter().any(|t| t.key == key && t.effect == effect)
}

impl NodeLifecycleController {
    /// The controller as it runs with `params` (tests; a run reads them from its timings).
    pub fn with_params(params: Params) -> NodeLifecycleController {
        NodeLifecycleController {
            params: Some(params),
            ..Default::default()
        }
    }

    /// A node that exists when the run starts: the controller has watched it all along, so
    /// its probe time is t=0 and its zone is known (no Event, no taint change).
    pub fn register_node(&mut self, store: &Store, id: u32) {
        let Some(n) = store.nodes.get(id) else {
            return;
        };
        let zone = self.zone_of(n, SimTime::ZERO);
        let now = SimTime::ZERO;
        self.set_health(
            id,
            Health {
                probe: now,
                heartbeat: n
                    .condition(ConditionType::Ready)
                    .map(|c| n.heartbeat_of(c, now)),
                lease: n.lease.map(|l| l.renew.last(now)),
                zone,
                tainter: Tainter::Out,
                unknown_sent: false,
                tainting: false,
            },
        );
    }

    fn set_health(&mut self, id: u32, h: Health) {
        let i = id as usize;
        if self.nodes.len() <= i {
            self.nodes.resize(i + 1, None);
        }
        self.nodes[i] = Some(h);
    }

    /// The settings, sampled on the first pass; zones registered before then get their
    /// healthy rate.
    fn params(&mut self, cx: &Cx<'_>) -> Params {
        if let Some(p) = self.params {
            return p;
        }
        let d = |name| cx.sample(name, SOURCE, "", "setting");
        let p = Params {
            monitor_period: d(TimingName::NodeLifecycleMonitorPeriod),
            grace: d(TimingName::NodeLifecycleMonitorGracePeriod),
            startup_grace: d(TimingName::NodeLifecycleStartupGracePeriod),
            eviction_interval: d(TimingName::NodeLifecycleEvictionInterval),
            secondary_interval: d(TimingName::NodeLifecycleSecondaryEvictionInterval),
        };
        for z in &mut self.zones {
            z.interval = Some(p.eviction_interval);
        }
        self.params = Some(p);
        p
    }

    /// The zone of `n`, created (`addPodEvictorForNewZone`: a full bucket at the healthy
    /// rate) when first seen.
    fn zone_of(&mut self, n: &Node, now: SimTime) -> u32 {
        let key = zone_key(n);
        if let Some(&z) = self.zone_ids.get(&key) {
            return z;
        }
        let interval = self.params.map(|p| p.eviction_interval);
        self.zones.push(Zone {
            state: None,
            ready: 0,
            not_ready: 0,
            interval,
            next_token: now,
            queue: VecDeque::new(),
        });
        let z = (self.zones.len() - 1) as u32;
        self.zone_ids.insert(key, z);
        z
    }

    /// `monitorNodeHealth`.
    fn monitor(&mut self, cx: &mut Cx<'_>) {
        let p = self.params(cx);
        cx.after(p.monitor_period, Timer::Monitor);
        // Nodes gone since the last pass leave their tainter.
        for id in 0..self.nodes.len() {
            if let Some(h) = self.nodes[id]
                && cx.store.nodes.get(id as u32).is_none()
            {
                self.dequeue(id as u32, h.zone);
                self.nodes[id] = None;
            }
        }
        for z in &mut self.zones {
            z.ready = 0;
            z.not_ready = 0;
        }
        let store = cx.store;
        for (id, n) in store.nodes.iter() {
            let current = self.node_health(cx, p, id, n);
            let Some(h) = self.nodes[id as usize] else {
                continue;
            };
            let zone = &mut self.zones[h.zone as usize];
            if current == ConditionStatus::True {
                zone.ready += 1;
            } else {
                zone.not_ready += 1;
            }
        }
        self.handle_disruption(cx, p);
        self.schedule_taint_pass(cx);
    }

    /// One node of the pass: `tryUpdateNodeHealth`, then the NoExecute queueing on the Ready
    /// status seen before the pass and `MarkPodsNotReady` on a Ready → not Ready change.
    /// Returns the Ready status after the pass.
    fn node_health(&mut self, cx: &mut Cx<'_>, p: Params, id: u32, n: &Node) -> ConditionStatus {
        let now = cx.now;
        let ready = n.condition(ConditionType::Ready);
        let heartbeat = ready.map(|c| n.heartbeat_of(c, now));
        let lease = n.lease.map(|l| l.renew.last(now));
        let mut h = match self.nodes.get(id as usize).copied().flatten() {
            Some(h) => h,
            None => {
                // A new node: known from now, reachable (markNodeAsReachable).
                let zone = self.zone_of(n, now);
                self.mark_reachable(cx, id, n, zone);
                Health {
                    probe: now,
                    heartbeat,
                    lease: None,
                    zone,
                    tainter: Tainter::Out,
                    unknown_sent: false,
                    tainting: false,
                }
            }
        };
        if h.heartbeat != heartbeat {
            h.probe = now;
            h.heartbeat = heartbeat;
            h.unknown_sent = false;
        }
        // Always update the probe time if the node lease is renewed.
        if lease.is_some() && (h.lease.is_none() || h.lease < lease) {
            h.lease = lease;
            h.probe = now;
            h.unknown_sent = false;
        }
        let (grace, observed) = match ready {
            None => (p.startup_grace, ConditionStatus::Unknown),
            Some(_) if h.unknown_sent => (p.grace, ConditionStatus::Unknown),
            Some(c) => (p.grace, c.status),
        };
        let mut current = observed;
        if now > h.probe + grace {
            let conditions = unknown_conditions(n, now);
            current = ConditionStatus::Unknown;
            if !h.unknown_sent && ready.is_none_or(|c| c.status != ConditionStatus::Unknown) {
                h.unknown_sent = true;
                h.heartbeat = conditions
                    .iter()
                    .find(|c| c.kind == ConditionType::Ready)
                    .map(|c| n.heartbeat_of(c, now));
                let op = Op::NodeConditions {
                    node: id,
                    conditions,
                    resource_version: n.meta.resource_version,
                };
                cx.submit(op, Tag::Status, &n.meta.name);
            }
        }
        self.set_health(id, h);
        self.process_taint_based_eviction(cx, id, n, ready.map(|c| c.status));
        if current != ConditionStatus::True && observed == ConditionStatus::True {
            // RecordNodeStatusChange: "Node %s status is now: %s".
            cx.event(
                node_ref(id),
                false,
                "NodeNotReady",
                SOURCE,
                format!("Node {} status is now: NodeNotReady", n.meta.name),
            );
            mark_pods_not_ready(cx, id);
        }
        current
    }

    /// `processTaintBaseEviction` on the Ready status the pass found (None: no condition,
    /// which upstream treats as Unknown).
    fn process_taint_based_eviction(
        &mut self,
        cx: &mut Cx<'_>,
        id: u32,
        n: &Node,
        observed: Option<ConditionStatus>,
    ) {
        let Some(h) = self.nodes[id as usize] else {
            return;
        };
        let (mine, other) = match observed.unwrap_or(ConditionStatus::Unknown) {
            ConditionStatus::False => (NOT_READY_TAINT, UNREACHABLE_TAINT),
            ConditionStatus::Unknown => (UNREACHABLE_TAINT, NOT_READY_TAINT),
            ConditionStatus::True => {
                self.mark_reachable(cx, id, n, h.zone);
                return;
            }
        };
        if has_taint(n, other, TaintEffect::NoExecute) {
            // Swapped straight away.
            swap_no_execute(cx, id, n, mine, other, Tag::NoExecute);
            return;
        }
        // markNodeForTainting: a node without its taint yet is queued again at the back.
        if !has_taint(n, mine, TaintEffect::NoExecute) && !h.tainting {
            self.dequeue(id, h.zone);
        }
        self.enqueue(id, h.zone);
    }

    /// `markNodeAsReachable`: both NoExecute taints off, out of the tainter.
    fn mark_reachable(&mut self, cx: &mut Cx<'_>, id: u32, n: &Node, zone: u32) {
        if has_taint(n, NOT_READY_TAINT, TaintEffect::NoExecute)
            || has_taint(n, UNREACHABLE_TAINT, TaintEffect::NoExecute)
        {
            let op = Op::NodeTaints {
                node: id,
                add: Vec::new(),
                remove: vec![
                    (UNREACHABLE_TAINT, TaintEffect::NoExecute),
                    (NOT_READY_TAINT, TaintEffect::NoExecute),
                ],
            };
            cx.submit(op, Tag::NoExecute, &n.meta.name);
        }
        self.dequeue(id, zone);
    }

    /// `UniqueQueue.Remove`.
    fn dequeue(&mut self, id: u32, zone: u32) {
        let Some(Some(h)) = self.nodes.get_mut(id as usize) else {
            return;
        };
        if h.tainter == Tainter::Queued
            && let Some(z) = self.zones.get_mut(zone as usize)
        {
            z.queue.retain(|&q| q != id);
        }
        h.tainter = Tainter::Out;
    }

    /// `UniqueQueue.Add`: nothing if already in the set.
    fn enqueue(&mut self, id: u32, zone: u32) {
        let Some(Some(h)) = self.nodes.get_mut(id as usize) else {
            return;
        };
        if h.tainter == Tainter::Out {
            h.tainter = Tainter::Queued;
            self.zones[zone as usize].queue.push_back(id);
        }
    }

    /// `handleDisruption`: zone states from this pass's counts, and the tainters' rates.
    fn handle_disruption(&mut self, cx: &mut Cx<'_>, p: Params) {
        let now = cx.now;
        let mut all_are_full = true;
        let mut all_were_full = true;
        let mut any = false;
        for z in &mut self.zones {
            let seen = z.ready + z.not_ready > 0;
            if !seen {
                z.state = None;
                continue;
            }
            any = true;
            if zone_state(z.ready, z.not_ready) != ZoneState::FullDisruption {
                all_are_full = false;
            }
            let was = *z.state.get_or_insert(ZoneState::Initial);
            if was != ZoneState::FullDisruption {
                all_were_full = false;
            }
        }
        if !any || (all_are_full && all_were_full) {
            return;
        }
        if all_are_full {
            // Master disruption: every NoExecute taint off, no tainting anywhere.
            let store = cx.store;
            for (id, n) in store.nodes.iter() {
                if let Some(h) = self.nodes.get(id as usize).copied().flatten() {
                    self.mark_reachable(cx, id, n, h.zone);
                }
            }
            for z in self.zones.iter_mut().filter(|z| z.state.is_some()) {
                z.swap_limiter(None, now);
                z.state = Some(ZoneState::FullDisruption);
            }
            return;
        }
        let leaving = all_were_full;
        if leaving {
            // Exiting master disruption: every node's probe restarts now.
            for h in self.nodes.iter_mut().flatten() {
                h.probe = now;
            }
        }
        for z in self.zones.iter_mut() {
            let Some(was) = z.state else {
                continue;
            };
            let new = zone_state(z.ready, z.not_ready);
            if was == new && !leaving {
                continue;
            }
            let size = z.ready + z.not_ready;
            let interval = match new {
                ZoneState::PartialDisruption if size > LARGE_CLUSTER_THRESHOLD => {
                    Some(p.secondary_interval)
                }
                ZoneState::PartialDisruption => None,
                _ => Some(p.eviction_interval),
            };
            z.swap_limiter(interval, now);
            z.state = Some(new);
        }
    }

    /// The next tainting pass, on the 100 ms grid, if a queue holds a node its bucket can
    /// take (the pass in between would find no token).
    fn schedule_taint_pass(&mut self, cx: &mut Cx<'_>) {
        let next = self
            .zones
            .iter()
            .filter(|z| !z.queue.is_empty() && z.interval.is_some())
            .map(|z| z.next_token.max(cx.now))
            .min();
        let Some(at) = next else {
            return;
        };
        // The first pass strictly after now (or at the token's time), on the grid.
        let grid = TAINT_PASS.0;
        let at = SimTime(at.0.max(cx.now.0 + 1).div_ceil(grid) * grid);
        if self.taint_pass.is_some_and(|t| t <= at) {
            return;
        }
        self.taint_pass = Some(at);
        cx.at(at, Timer::TaintPass);
    }

    /// `doNoExecuteTaintingPass`: each zone, in key order, taints from the head of its queue
    /// while its bucket has a token.
    fn taint(&mut self, cx: &mut Cx<'_>) {
        let now = cx.now;
        let order: Vec<u32> = self.zone_ids.values().copied().collect();
        for z in order {
            loop {
                let zone = &mut self.zones[z as usize];
                let Some(&id) = zone.queue.front() else {
                    break;
                };
                if !zone.try_accept(now) {
                    break;
                }
                zone.queue.pop_front();
                let Some(n) = cx.store.nodes.get(id) else {
                    continue;
                };
                let (add, remove) = match n.status_of(ConditionType::Ready) {
                    Some(ConditionStatus::False) => (NOT_READY_TAINT, UNREACHABLE_TAINT),
                    Some(ConditionStatus::Unknown) => (UNREACHABLE_TAINT, NOT_READY_TAINT),
                    _ => ("", ""),
                };
                if let Some(Some(h)) = self.nodes.get_mut(id as usize) {
                    h.tainter = Tainter::Done;
                    h.tainting = !add.is_empty();
                }
                if !add.is_empty() {
                    let tag = Tag::Tainting { node: id };
                    swap_no_execute(cx, id, n, add, remove, tag);
                }
            }
        }
        self.schedule_taint_pass(cx);
    }

    /// `doNoScheduleTaintingPass` for one node, one request at a time per node.
    fn reconcile_no_schedule(&mut self, cx: &mut Cx<'_>, id: u32) {
        let i = id as usize;
        if self.no_schedule.len() <= i {
            self.no_schedule.resize(i + 1, (false, false));
        }
        if self.no_schedule[i].0 {
            self.no_schedule[i].1 = true;
            return;
        }
        let Some(n) = cx.store.nodes.get(id) else {
            return;
        };
        let (add, remove) = no_schedule_diff(n);
        if add.is_empty() && remove.is_empty() {
            return;
        }
        self.no_schedule[i] = (true, false);
        let add = add
            .into_iter()
            .map(|key| Taint {
                key: key.to_string(),
                value: String::new(),
                effect: TaintEffect::NoSchedule,
                time_added: None,
            })
            .collect();
        let remove = remove
            .into_iter()
            .map(|k| (k, TaintEffect::NoSchedule))
            .collect();
        let op = Op::NodeTaints {
            node: id,
            add,
            remove,
        };
        cx.submit(op, Tag::NoSchedule { node: id }, &n.meta.name);
    }
}

/// The NoSchedule taint keys to add and to remove so that they match the node's conditions
/// and `spec.unschedulable` (`TaintSetDiff` of wanted and owned taints).
pub fn no_schedule_diff(n: &Node) -> (Vec<&'static str>, Vec<&'static str>) {
    let mut wanted: Vec<&'static str> = n
        .conditions
        .iter()
        .filter_map(|c| condition_taint(c.kind, c.status))
        .collect();
    if n.unschedulable {
        wanted.push(UNSCHEDULABLE_TAINT);
    }
    let add = wanted
        .iter()
        .copied()
        .filter(|k| !has_taint(n, k, TaintEffect::NoSchedule))
        .collect();
    let remove = NO_SCHEDULE_KEYS
        .into_iter()
        .filter(|k| has_taint(n, k, TaintEffect::NoSchedule) && !wanted.contains(k))
        .collect();
    (add, remove)
}

/// The conditions `tryUpdateNodeHealth` writes for a node past its grace period: each of
/// Ready and the three pressures Unknown (`NodeStatusUnknown`, its heartbeat kept), a
/// missing one added as never posted (its heartbeat the node's creation).
fn unknown_conditions(n: &Node, now: SimTime) -> Vec<NodeCondition> {
    let mut out = n.conditions.clone();
    for kind in [
        ConditionType::Ready,
        ConditionType::MemoryPressure,
        ConditionType::DiskPressure,
        ConditionType::PidPressure,
    ] {
        match out.iter_mut().find(|c| c.kind == kind) {
            Some(c) => {
                if c.status != ConditionStatus::Unknown {
                    c.status = ConditionStatus::Unknown;
                    c.reason = "NodeStatusUnknown";
                    c.message = "Kubelet stopped posting node status.";
                    c.transition = now;
                    c.heartbeat = Some(n.heartbeat_of(c, now));
                }
            }
            None => out.push(NodeCondition {
                kind,
                status: ConditionStatus::Unknown,
                reason: "NodeStatusNeverUpdated",
                message: "Kubelet never posted node status.",
                heartbeat: Some(n.meta.created),
                transition: now,
            }),
        }
    }
    out
}

/// `SwapNodeControllerTaint`: `add` as NoExecute stamped now, `remove`'s NoExecute taint off.
fn swap_no_execute(
    cx: &mut Cx<'_>,
    id: u32,
    n: &Node,
    add: &'static str,
    remove: &'static str,
    tag: Tag,
) {
    let op = Op::NodeTaints {
        node: id,
        add: vec![Taint {
            key: add.to_string(),
            value: String::new(),
            effect: TaintEffect::NoExecute,
            time_added: Some(cx.now),
        }],
        remove: vec![(remove, TaintEffect::NoExecute)],
    };
    cx.submit(op, tag, &n.meta.name);
}

/// `MarkPodsNotReady` (pkg/controller/util/node/controller_utils.go): every pod on the node
/// whose Ready condition is True is set Ready=False, with a `NodeNotReady` Warning on it.
fn mark_pods_not_ready(cx: &mut Cx<'_>, node: u32) {
    let store = cx.store;
    for (id, p) in store.pods.iter() {
        if p.node != Some(node) || p.status.ready_since.is_none() {
            continue;
        }
        let mut status = p.status.clone();
        status.ready_since = None;
        let pod = ObjRef {
            kind: Kind::Pod,
            id,
        };
        let op = Op::PodStatus {
            pod: id,
            status: Box::new(status),
        };
        cx.submit(op, Tag::PodNotReady, &store.key(pod));
        cx.event(
            pod,
            true,
            "NodeNotReady",
            SOURCE,
            "Node is not ready".into(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_states_follow_compute_zone_state_in_test_monitor_node_health() {
        // TestMonitorNodeHealth "Partial Disruption: one Node failed": 2 Unknown of 5 is
        // Normal (not-ready must exceed 2), 3 of 5 (0.6 >= 0.55) PartialDisruption.
        assert_eq!(zone_state(3, 2), ZoneState::Normal);
        assert_eq!(zone_state(2, 3), ZoneState::PartialDisruption);
        // "Nodes created recently without status conditions": 4 without conditions is
        // FullDisruption; 3 unhealthy and 1 healthy (0.75) PartialDisruption.
        assert_eq!(zone_state(0, 4), ZoneState::FullDisruption);
        assert_eq!(zone_state(1, 3), ZoneState::PartialDisruption);
        // "Initially both zones down, one comes back": the zone that is back is Normal.
        assert_eq!(zone_state(1, 0), ZoneState::Normal);
        // An empty zone has no disruption.
        assert_eq!(zone_state(0, 0), ZoneState::Normal);
    }

    #[test]
    fn conditions_map_to_the_taints_of_node_condition_to_taint_key_status_map() {
        use ConditionStatus as S;
        use ConditionType as T;
        assert_eq!(condition_taint(T::Ready, S::False), Some(NOT_READY_TAINT));
        assert_eq!(
            condition_taint(T::Ready, S::Unknown),
            Some(UNREACHABLE_TAINT)
        );
        assert_eq!(condition_taint(T::Ready, S::True), None);
        assert_eq!(
            condition_taint(T::MemoryPressure, S::True),
            Some(MEMORY_PRESSURE_TAINT)
        );
        assert_eq!(
            condition_taint(T::DiskPressure, S::True),
            Some(DISK_PRESSURE_TAINT)
        );
        assert_eq!(
            condition_taint(T::PidPressure, S::True),
            Some(PID_PRESSURE_TAINT)
        );
        assert_eq!(condition_taint(T::PidPressure, S::False), None);
    }

    /// The controller on a small store, driven pass by pass; after node_lifecycle_controller_test.go.
    mod controller {
        use super::*;
        use crate::apiserver::testing::Harness;
        use crate::component::ctx::testing::{Recorder, run};
        use crate::component::{ComponentId, ComponentKind};
        use crate::etcd::store::testing as fx;

        const ME: ComponentId = ComponentId::of(ComponentKind::NodeLifecycleController);

        fn s(secs: u64) -> SimTime {
            SimTime::ZERO + SimDuration::from_secs(secs)
        }

        /// The controller-manager defaults with this monitor grace period.
        fn params(grace_secs: u64) -> Params {
            Params {
                monitor_period: SimDuration::from_secs(5),
                grace: SimDuration::from_secs(grace_secs),
                startup_grace: SimDuration::from_secs(60),
                eviction_interval: SimDuration::from_secs(10),
                secondary_interval: SimDuration::from_secs(100),
            }
        }

        struct F {
            h: Harness,
            c: NodeLifecycleController,
            ns: crate::model::meta::NsId,
        }

        impl F {
            fn new(grace_secs: u64) -> F {
                let mut h = Harness::default();
                let ns = fx::namespace(&mut h.store, "default");
                F {
                    h,
                    c: NodeLifecycleController::with_params(params(grace_secs)),
                    ns,
                }
            }

            /// `count` Ready nodes in `zone`, known to the controller since t=0.
            fn nodes(&mut self, zone: &str, count: u32) -> Vec<u32> {
                (0..count)
                    .map(|i| {
                        let id =
                            fx::node(&mut self.h.store, &format!("{zone}-{i}"), 4000, 16 << 30);
                        let n = self.h.store.nodes.get_mut(id).unwrap();
                        n.meta.labels = fx::labels(&[(REGION_LABEL, "eastus"), (ZONE_LABEL, zone)]);
                        self.c.register_node(&self.h.store, id);
                        id
                    })
                    .collect()
            }

            /// The node's kubelet stops at `at`: no status, no Lease renewal after it.
            fn silence(&mut self, id: u32, at: SimTime) {
                let n = self.h.store.nodes.get_mut(id).unwrap();
                n.heartbeat.until = Some(at);
                n.lease.as_mut().unwrap().renew.until = Some(at);
            }

            /// One `monitorNodeHealth` pass at `now`, its writes committed.
            fn pass(&mut self, now: SimTime) -> Recorder<NodeLifecycleController> {
                self.fire(now, Timer::Monitor)
            }

            fn fire(&mut self, now: SimTime, t: Timer) -> Recorder<NodeLifecycleController> {
                let r = run(&mut self.c, &self.h.store, &mut (), ME, now, |c, cx| {
                    c.on_timer(cx, t)
                });
                self.h.answer(&mut self.c, &mut (), ME, now, &r);
                r
            }

            /// Runs the tainting passes the controller schedules until `until`: the time and
            /// node of each NoExecute taint it adds.
            fn taint_passes(
                &mut self,
                first: &Recorder<NodeLifecycleController>,
                until: SimTime,
            ) -> Vec<(SimTime, u32, String)> {
                let mut out = Vec::new();
                let mut next: Vec<SimTime> = pass_timers(first);
                while let Some(at) = next.pop() {
                    if at > until {
                        break;
                    }
                    let r = self.fire(at, Timer::TaintPass);
                    out.extend(no_execute_added(&r).into_iter().map(|(n, k)| (at, n, k)));
                    next = pass_timers(&r);
                }
                out
            }
        }

        fn pass_timers(r: &Recorder<NodeLifecycleController>) -> Vec<SimTime> {
            r.timers()
                .into_iter()
                .filter(|(_, t)| *t == Timer::TaintPass)
                .map(|(at, _)| at)
                .collect()
        }

        /// The NoExecute taints a recorder's requests add: (node, key).
        fn no_execute_added(r: &Recorder<NodeLifecycleController>) -> Vec<(u32, String)> {
            r.requests()
                .into_iter()
                .filter_map(|(op, _)| match op {
                    Op::NodeTaints { node, add, .. } => Some((*node, add)),
                    _ => None,
                })
                .flat_map(|(node, add)| {
                    add.iter()
                        .filter(|t| t.effect == TaintEffect::NoExecute)
                        .map(move |t| (node, t.key.clone()))
                })
                .collect()
        }

        /// The nodes whose conditions a recorder set Unknown.
        fn set_unknown(r: &Recorder<NodeLifecycleController>) -> Vec<u32> {
            r.requests()
                .into_iter()
                .filter_map(|(op, _)| match op {
                    Op::NodeConditions {
                        node, conditions, ..
                    } => conditions
                        .iter()
                        .any(|c| {
                            c.kind == ConditionType::Ready
                                && c.status == ConditionStatus::Unknown
                                && c.reason == "NodeStatusUnknown"
                        })
                        .then_some(*node),
                    _ => None,
                })
                .collect()
        }

        #[test]
        fn a_silent_node_turns_unknown_only_once_the_grace_period_has_strictly_passed() {
            // tryUpdateNodeHealth: `now.After(probeTimestamp.Add(gracePeriod))`. The kubelet
            // last renewed at 0; with 50 s (1.32+) the 50 s pass leaves it, the 55 s pass
            // sets Unknown; with 40 s (before 1.32) the 45 s pass does.
            for (grace, quiet, unknown) in [(50, 50, 55), (40, 40, 45)] {
                let mut f = F::new(grace);
                let node = f.nodes("eastus-1", 1)[0];
                f.silence(node, SimTime::ZERO);
                for t in (5..=quiet).step_by(5) {
                    assert!(
                        set_unknown(&f.pass(s(t))).is_empty(),
                        "grace {grace}: {t} s"
                    );
                }
                assert_eq!(set_unknown(&f.pass(s(unknown))), [node], "grace {grace}");
                assert_eq!(
                    f.h.store
                        .nodes
                        .get(node)
                        .unwrap()
                        .status_of(ConditionType::Ready),
                    Some(ConditionStatus::Unknown)
                );
            }
        }

        #[test]
        fn a_lost_node_is_written_once_while_its_writes_wait_behind_the_rate_limit() {
            // Upstream's monitorNodeHealth updates the node and marks its pods synchronously,
            // so a later pass sees the node Unknown. Here the writes are still queued behind
            // the controller's 20 QPS when the next pass runs: it must not send them again.
            let mut f = F::new(50);
            let node = f.nodes("eastus-1", 1)[0];
            let pod = fx::pod(&mut f.h.store, "p", f.ns, fx::spec(100), None, Some(node));
            f.h.store.pods.get_mut(pod).unwrap().status.ready_since = Some(SimTime::ZERO);
            f.silence(node, SimTime::ZERO);
            let uncommitted = |f: &mut F, t: u64| {
                run(&mut f.c, &f.h.store, &mut (), ME, s(t), |c, cx| {
                    c.on_timer(cx, Timer::Monitor)
                })
            };
            let pod_writes = |r: &Recorder<NodeLifecycleController>| {
                r.requests()
                    .into_iter()
                    .filter(|(op, _)| matches!(op, Op::PodStatus { .. }))
                    .count()
            };
            let first = uncommitted(&mut f, 55);
            assert_eq!(set_unknown(&first), [node]);
            assert_eq!(pod_writes(&first), 1);
            for t in [60, 65, 100] {
                let later = uncommitted(&mut f, t);
                assert!(set_unknown(&later).is_empty(), "{t} s");
                assert_eq!(pod_writes(&later), 0, "{t} s");
            }
            // The kubelet is heard from again (a Lease renewal at 101 s), then falls silent:
            // the node is lost anew and written again once 50 s have passed from the pass that
            // saw the renewal (105 s).
            let n = f.h.store.nodes.get_mut(node).unwrap();
            n.lease = Some(crate::model::node::Lease::new(s(101)));
            n.lease.as_mut().unwrap().renew.until = Some(s(101));
            assert!(set_unknown(&uncommitted(&mut f, 105)).is_empty());
            assert!(set_unknown(&uncommitted(&mut f, 155)).is_empty());
            assert_eq!(set_unknown(&uncommitted(&mut f, 160)), [node]);
        }

        #[test]
        fn lease_renewals_alone_keep_a_node_healthy() {
            // "Node created long time ago, with status updated by kubelet exceeds grace
            // period, but lease renewed": the Lease moves the probe time although the
            // status (posted every 5 min when unchanged) does not.
            let mut f = F::new(50);
            let node = f.nodes("eastus-1", 1)[0];
            f.h.store.nodes.get_mut(node).unwrap().heartbeat.until = Some(SimTime::ZERO);
            for t in (5..=300).step_by(5) {
                assert!(set_unknown(&f.pass(s(t))).is_empty(), "{t} s");
            }
        }

        #[test]
        fn losing_a_node_marks_its_ready_pods_not_ready_with_node_not_ready_events() {
            // MarkPodsNotReady on the Ready -> Unknown transition: a Ready pod gets Ready=False
            // and a `NodeNotReady` Warning; a pod that is not Ready is left alone.
            let mut f = F::new(50);
            let node = f.nodes("eastus-1", 1)[0];
            let ready = fx::pod(
                &mut f.h.store,
                "ready",
                f.ns,
                fx::spec(100),
                None,
                Some(node),
            );
            f.h.store.pods.get_mut(ready).unwrap().status.ready_since = Some(SimTime::ZERO);
            fx::pod(
                &mut f.h.store,
                "starting",
                f.ns,
                fx::spec(100),
                None,
                Some(node),
            );
            f.silence(node, SimTime::ZERO);
            let r = f.pass(s(55));
            let marked: Vec<u32> = r
                .requests()
                .into_iter()
                .filter_map(|(op, tag)| match (op, tag) {
                    (Op::PodStatus { pod, .. }, Tag::PodNotReady) => Some(*pod),
                    _ => None,
                })
                .collect();
            assert_eq!(marked, [ready]);
            let reasons: Vec<(&str, String)> = r
                .events()
                .iter()
                .map(|e| (e.reason, e.message.clone()))
                .collect();
            assert!(reasons.contains(&(
                "NodeNotReady",
                "Node eastus-1-0 status is now: NodeNotReady".into()
            )));
            assert!(reasons.contains(&("NodeNotReady", "Node is not ready".into())));
            assert!(!f.h.store.pods.get(ready).unwrap().is_ready());
        }

        /// A zone of 3 nodes, 2 silent from t=0, after the 60 s pass that queues them.
        fn two_of_three_lost() -> (F, Recorder<NodeLifecycleController>) {
            let mut f = F::new(50);
            let nodes = f.nodes("eastus-1", 3);
            for &n in &nodes[..2] {
                f.silence(n, SimTime::ZERO);
            }
            f.pass(s(55));
            let r = f.pass(s(60));
            (f, r)
        }

        #[test]
        fn a_normal_zone_taints_its_lost_nodes_at_the_eviction_rate() {
            // 2 of 3 lost is Normal (not-ready must exceed 2): the zone's token bucket takes
            // one node per 1 / --node-eviction-rate (10 s), on the 100 ms tainting grid.
            let (mut f, r) = two_of_three_lost();
            let tainted = f.taint_passes(&r, s(200));
            let times: Vec<SimTime> = tainted.iter().map(|t| t.0).collect();
            assert_eq!(tainted.len(), 2, "{tainted:?}");
            assert!(tainted.iter().all(|t| t.2 == UNREACHABLE_TAINT));
            assert_eq!(
                times[1] - times[0],
                SimDuration::from_secs(10),
                "{tainted:?}"
            );
            assert_eq!(times[0].0 % TAINT_PASS.0, 0);
        }

        #[test]
        fn a_taint_still_waiting_behind_the_rate_limit_does_not_take_the_next_token() {
            // Upstream's tainting pass writes the taint synchronously, so the next 5 s pass
            // sees it and does not queue the node again: the next token goes to the next
            // node. Here the first taint is still uncommitted when the 65 s pass runs.
            let (mut f, queued) = two_of_three_lost();
            let at = pass_timers(&queued)[0];
            let first = run(&mut f.c, &f.h.store, &mut (), ME, at, |c, cx| {
                c.on_timer(cx, Timer::TaintPass)
            });
            let tainted = no_execute_added(&first);
            assert_eq!(tainted.len(), 1);
            let r = run(&mut f.c, &f.h.store, &mut (), ME, s(65), |c, cx| {
                c.on_timer(cx, Timer::Monitor)
            });
            f.h.answer(&mut f.c, &mut (), ME, s(65), &first);
            f.h.answer(&mut f.c, &mut (), ME, s(65), &r);
            let second = f.taint_passes(&first, s(75));
            assert_eq!(second.len(), 1, "{second:?}");
            assert_ne!(second[0].1, tainted[0].0, "the other node: {second:?}");
            assert_eq!(second[0].0, at + SimDuration::from_secs(10));
        }

        #[test]
        fn a_small_partially_disrupted_zone_stops_tainting_and_a_large_one_slows_down() {
            // handleDisruption: PartialDisruption (not-ready > 2 and >= 0.55) with the zone at
            // most --large-cluster-size-threshold (50) nodes: QPS 0; above it: the secondary
            // rate, one node per 100 s. Another healthy zone keeps it out of master disruption.
            let mut f = F::new(50);
            let small = f.nodes("eastus-1", 5);
            f.nodes("eastus-2", 3);
            for &n in &small[..3] {
                f.silence(n, SimTime::ZERO);
            }
            f.pass(s(55));
            let r = f.pass(s(60));
            assert!(f.taint_passes(&r, s(400)).is_empty());

            let mut f = F::new(50);
            let large = f.nodes("eastus-1", 52);
            f.nodes("eastus-2", 3);
            for &n in &large[..30] {
                f.silence(n, SimTime::ZERO);
            }
            f.pass(s(55));
            let r = f.pass(s(60));
            let tainted = f.taint_passes(&r, s(400));
            assert!(tainted.len() >= 2, "{tainted:?}");
            assert_eq!(tainted[1].0 - tainted[0].0, SimDuration::from_secs(100));
        }

        #[test]
        fn when_every_zone_is_fully_disrupted_no_node_is_tainted() {
            // "Controller detected that all Nodes are not-Ready. Entering master disruption
            // mode": every zone Full, rate 0 everywhere, NoExecute taints removed.
            let mut f = F::new(50);
            let nodes = f.nodes("eastus-1", 2);
            for &n in &nodes {
                f.silence(n, SimTime::ZERO);
            }
            f.pass(s(55));
            let r = f.pass(s(60));
            assert!(f.taint_passes(&r, s(400)).is_empty());
            assert!(no_execute_added(&r).is_empty());
        }
    }
}
