//! The kubelet's eviction manager under node pressure (`kubesim node pressure` / `relieve`;
//! pkg/kubelet/eviction/eviction_manager.go).
//!
//! `kubesim node pressure NODE memory|disk|pid` makes the signal (`memory.available`,
//! `nodefs.available`, `pid.available`) cross its hard threshold; `relieve` brings it back.
//! The manager looks every [`MONITORING`] (10 s, `evictionMonitoringPeriod`): while a signal
//! is met the node reports its condition True (MemoryPressure `KubeletHasInsufficientMemory`
//! "kubelet has insufficient memory available", DiskPressure `KubeletHasDiskPressure`,
//! PIDPressure `KubeletHasInsufficientPID`) with the `NodeHasInsufficientMemory` (…) node
//! Event, and the node lifecycle controller taints the node `node.kubernetes.io/
//! memory-pressure:NoSchedule` (…), which keeps the scheduler away from it. The condition
//! goes back to False only once the signal has not been met for
//! `--eviction-pressure-transition-period` ([`TRANSITION`], 5 m), which is when the taint
//! goes.
//!
//! At each look with a signal met the manager records `EvictionThresholdMet` ("Attempting
//! to reclaim memory", `ephemeral-storage`, `pids`) and evicts at most one pod, the first in
//! its ranking: for memory, pods whose usage exceeds their requests first, then by priority
//! (`rankMemoryPressure`); for disk, the same with ephemeral-storage (`rankDiskPressureFunc`).
//! Critical pods (priority ≥ 2000000000, `IsCriticalPodBasedOnPriority`) are never evicted.
//! The pod gets the `Evicted` Warning ("The node was low on resource: memory. "), its
//! containers are killed at once (a hard threshold's grace is 1 s, raised to the runtime's
//! 2 s minimum), and its status becomes phase Failed, reason `Evicted`, with the
//! `DisruptionTarget` condition (`TerminationByKubelet`); the object stays, so a
//! ReplicaSet replaces it elsewhere.
//!
//! The model, since kubesim has no usage figures: a container uses exactly its request, so
//! a pod exceeds its memory request only when one of its containers requests no memory
//! (BestEffort pods, and Burstable ones with such a container), and every pod exceeds its
//! ephemeral-storage request (kubesim has none). Only pods that exceed are evicted: the
//! signal is taken to be relieved by them, so under memory pressure the BestEffort pods go
//! one per 10 s and the others stay. PID pressure evicts nothing (its ranking has no
//! request to exceed). Among equals the lower-priority pod goes first, then by name. The
//! message leaves out "Threshold quantity: …, available: …" and the per-container
//! consumption, which need usage figures; the condition is posted at the look rather than
//! at the node status loop's next 10 s tick.

use super::{Cx, Kubelet, KubeletStep, Sent, Step, pod_obj, stop};
use crate::apiserver::Op;
use crate::fault::Pressure;
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::sim::time::{SimDuration, SimTime};

/// `evictionMonitoringPeriod` (pkg/kubelet/kubelet.go): how often the manager looks.
pub const MONITORING: SimDuration = SimDuration::from_secs(10);
/// `--eviction-pressure-transition-period` default (KubeletConfiguration, 5m0s).
pub const TRANSITION: SimDuration = SimDuration::from_secs(300);
/// `scheduling.SystemCriticalPriority`: pods at or above it are never evicted.
const SYSTEM_CRITICAL: i32 = 2_000_000_000;
/// The three signals, in the order the manager reclaims them (`byEvictionPriority`).
const SIGNALS: [Pressure; 3] = [Pressure::Memory, Pressure::Disk, Pressure::Pid];

/// What the eviction manager knows of each signal.
#[derive(Clone, Copy, Debug, Default)]
pub struct Signals {
    /// The signal is met now.
    met: [bool; 3],
    /// The condition the node reports True.
    reported: [bool; 3],
    /// The last look that found the signal met (`nodeConditionsLastObservedAt`).
    observed: [SimTime; 3],
    /// The boot in which a look is due (a look set before the VM stopped never fires).
    looking: Option<u32>,
}

impl Signals {
    /// A signal is met or its condition still reported: the looks go on.
    fn active(&self) -> bool {
        self.met.iter().chain(&self.reported).any(|b| *b)
    }
}

/// The reason and message of the `DisruptionTarget` condition and the `Evicted` Event.
fn message(p: Pressure) -> &'static str {
    match p {
        Pressure::Memory => "The node was low on resource: memory. ",
        Pressure::Disk => "The node was low on resource: ephemeral-storage. ",
        Pressure::Pid => "The node was low on resource: pids. ",
    }
}

/// The resource the manager reclaims for a signal (`signalToResource`).
fn resource(p: Pressure) -> &'static str {
    match p {
        Pressure::Memory => "memory",
        Pressure::Disk => "ephemeral-storage",
        Pressure::Pid => "pids",
    }
}

/// The node Event of a pressure condition turning True or False (`recordNodeStatusEvent`).
fn node_event(p: Pressure, under: bool) -> &'static str {
    match (p, under) {
        (Pressure::Memory, true) => "NodeHasInsufficientMemory",
        (Pressure::Memory, false) => "NodeHasSufficientMemory",
        (Pressure::Disk, true) => "NodeHasDiskPressure",
        (Pressure::Disk, false) => "NodeHasNoDiskPressure",
        (Pressure::Pid, true) => "NodeHasInsufficientPID",
        (Pressure::Pid, false) => "NodeHasSufficientPID",
    }
}

/// The `DisruptionTarget` condition and status reason of a pod evicted under `p`.
pub(super) fn evicted_status(p: Pressure, now: SimTime) -> crate::model::pod::DisruptionTarget {
    crate::model::pod::DisruptionTarget {
        reason: "TerminationByKubelet",
        message: message(p),
        since: now,
    }
}

/// The signal is met from now (or, `met` false, no longer): the next look acts on it.
pub(super) fn signal(me: &mut Kubelet, cx: &mut Cx<'_>, p: Option<Pressure>, met: bool) {
    for s in SIGNALS {
        if p.is_none_or(|p| p == s) {
            me.signals.met[s as usize] = met;
        }
    }
    if me.signals.met.iter().any(|m| *m) {
        schedule_look(me, cx);
    }
}

/// The next look, unless one is due in this boot. The manager's loop runs on its own 10 s
/// period from t=0.
fn schedule_look(me: &mut Kubelet, cx: &mut Cx<'_>) {
    if me.signals.looking == Some(me.boot) {
        return;
    }
    me.signals.looking = Some(me.boot);
    let next = SimTime((cx.now.0 / MONITORING.0 + 1) * MONITORING.0);
    cx.at(
        next,
        Step {
            pod: 0,
            boot: me.boot,
            step: KubeletStep::EvictionLook,
        },
    );
}

/// The conditions reported True again after a Ready post that wrote them healthy (the
/// kubelet's status after a heal or a boot carries the eviction manager's view; their
/// lastTransitionTime restarts then, a simplification), and the looks going on.
pub(super) fn repost(me: &mut Kubelet, cx: &mut Cx<'_>, name: &str) {
    if me.signals.active() {
        schedule_look(me, cx);
    }
    for s in SIGNALS {
        if me.signals.reported[s as usize] {
            let op = Op::NodePressure {
                node: me.node,
                kind: s.condition(),
                under: true,
            };
            cx.submit(op, Sent::Status, name);
        }
    }
}

/// One look of the eviction manager (`synchronize`).
pub(super) fn look(me: &mut Kubelet, cx: &mut Cx<'_>) {
    let now = cx.now;
    let node = ObjRef {
        kind: Kind::Node,
        id: me.node,
    };
    let name = cx.store.key(node);
    for s in SIGNALS {
        let i = s as usize;
        if me.signals.met[i] {
            me.signals.observed[i] = now;
        }
        let under = me.signals.met[i]
            || (me.signals.reported[i] && now < me.signals.observed[i] + TRANSITION);
        if under != me.signals.reported[i] && !me.partitioned {
            me.signals.reported[i] = under;
            let op = Op::NodePressure {
                node: me.node,
                kind: s.condition(),
                under,
            };
            cx.submit(op, Sent::Status, &name);
            let reason = node_event(s, under);
            let text = format!("Node {name} status is now: {reason}");
            cx.event(node, false, reason, super::SOURCE, text);
        }
    }
    if let Some(s) = SIGNALS.into_iter().find(|s| me.signals.met[*s as usize]) {
        let text = format!("Attempting to reclaim {}", resource(s));
        cx.event(node, true, "EvictionThresholdMet", super::SOURCE, text);
        if let Some(pod) = victim(me, cx, s) {
            evict(me, cx, pod, s);
        }
    }
    me.signals.looking = None;
    if me.signals.active() {
        schedule_look(me, cx);
    }
}

/// The first pod of the ranking for `p` that exceeds its request, if any.
fn victim(me: &Kubelet, cx: &Cx<'_>, p: Pressure) -> Option<u32> {
    me.pods
        .iter()
        .filter(|(_, wk)| !wk.stopping && !wk.finished)
        .filter_map(|(&id, _)| cx.store.pods.get(id).map(|pod| (id, pod)))
        .filter(|(_, pod)| pod.meta.deleted.is_none() && pod.spec.priority < SYSTEM_CRITICAL)
        .filter(|(_, pod)| match p {
            Pressure::Memory => pod.spec.all_containers().any(|c| c.requests.memory == 0),
            Pressure::Disk => true,
            Pressure::Pid => false,
        })
        .min_by(|a, b| {
            (a.1.spec.priority, &a.1.meta.name).cmp(&(b.1.spec.priority, &b.1.meta.name))
        })
        .map(|(id, _)| id)
}

/// `evictPod`: the Event, then the pod worker kills the containers and writes the status.
fn evict(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32, p: Pressure) {
    cx.event(
        pod_obj(pod),
        true,
        "Evicted",
        super::SOURCE,
        message(p).to_string(),
    );
    if let Some(wk) = me.pods.get_mut(&pod) {
        wk.evicted = Some(p);
    }
    stop(me, cx, pod);
}
