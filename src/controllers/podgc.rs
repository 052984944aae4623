//! The pod garbage collector (kube-controller-manager's PodGC, client
//! `pod-garbage-collector`): every `gcCheckPeriod` (20 s) it force-deletes the pods nothing
//! else will remove.
//!
//! Mirrors `pkg/controller/podgc/gc_controller.go` `gc`, in its order:
//! - `gcTerminated`: past `--terminated-pod-gc-threshold` (12500; 0 turns it off) finished
//!   pods (Succeeded or Failed), the first in `byEvictionAndCreationTimestamp` order go:
//!   pods the kubelet evicted (Failed, reason `Evicted`) first, then by creation time, then
//!   by name.
//! - `gcTerminating`: terminating pods on a node that is not Ready and carries the
//!   `node.kubernetes.io/out-of-service` taint (NodeOutOfServiceVolumeDetach, GA), in the
//!   same order.
//! - `gcOrphaned`: a node that pods are bound to but that no longer exists is quarantined
//!   for `quarantineTime` (40 s); if a GET then still finds no such node, its pods get the
//!   `DisruptionTarget` condition (`DeletionByPodGC`, `PodGC: node no longer exists`).
//! - `gcUnscheduledTerminating`: terminating pods bound to no node.
//!
//! Each deletion is `markFailedAndDeletePodWithCondition`: a pod that has not finished is
//! first patched to phase Failed, with the condition if there is one (no kubelet may be
//! left to say so, and its controller then replaces it), then DELETEd with grace period 0.
//! PodGC records no Events.
//!
//! Scale: nothing is listed per cycle. The pods are indexed as their notifications arrive
//! (bound pods by node, finished pods in deletion order, unbound terminating pods), so a
//! cycle costs one look-up per node that has pods, plus the pods it deletes, and allocates
//! nothing when there is nothing to delete.
//!
//! Simplifications: a node is its id (ids are never reused), so a node re-created under
//! the same name does not adopt the old node's pods; kubesim's API server removes an
//! unbound pod at once when it is deleted, so `gcUnscheduledTerminating` only finds pods
//! placed in that state directly; a failed request is retried on the next cycle.

use crate::apiserver::{Op, Outcome, Propagation};
use crate::component::{Change, Component, Ctx, Notice, Response};
use crate::etcd::Store;
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::model::node::OUT_OF_SERVICE_TAINT;
use crate::model::pod::{Phase, Pod};
use crate::sim::time::{SimDuration, SimTime};
use std::collections::{BTreeMap, BTreeSet};

/// The controller's client and name (controllermanager `ClientOrDie("pod-garbage-collector")`).
pub const NAME: &str = "pod-garbage-collector";

/// `DisruptionTarget` reason and message of `gcOrphaned`.
const ORPHANED: (&str, &str) = ("DeletionByPodGC", "PodGC: node no longer exists");

/// PodGC's settings, with kube-controller-manager's defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PodGcConfig {
    /// `--terminated-pod-gc-threshold`: finished pods kept before the oldest are deleted;
    /// 0 keeps them all.
    pub terminated_pod_gc_threshold: usize,
    /// `gcCheckPeriod`: how often a cycle runs.
    pub gc_check_period: SimDuration,
    /// `quarantineTime`: how long a missing node is waited for before its pods go.
    pub quarantine_time: SimDuration,
}

impl Default for PodGcConfig {
    fn default() -> Self {
        PodGcConfig {
            terminated_pod_gc_threshold: 12_500,
            gc_check_period: SimDuration::from_secs(20),
            quarantine_time: SimDuration::from_secs(40),
        }
    }
}

/// `byEvictionAndCreationTimestamp`: not evicted by its kubelet (`eviction.PodIsEvicted`:
/// Failed with reason `Evicted`) sorts after evicted, then creation time, then name.
type Order = (bool, SimTime, String);

fn order(p: &Pod) -> Order {
    let evicted = p.status.phase == Phase::Failed && p.status.reason == Some("Evicted");
    (!evicted, p.meta.created, p.meta.name.clone())
}

/// What PodGC's informer last said of a pod, as its indexes hold it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Seen {
    node: Option<u32>,
    /// The `byEvictionAndCreationTimestamp` key of a finished pod; boxed, so that the
    /// record of each running pod stays small (results/BENCHMARKS.md, "Memory per pod").
    finished: Option<Box<Order>>,
    /// Terminating and bound to no node.
    unscheduled_terminating: bool,
}

impl Seen {
    fn of(p: &Pod) -> Seen {
        Seen {
            node: p.node,
            finished: p.is_terminal().then(|| Box::new(order(p))),
            unscheduled_terminating: p.meta.deleted.is_some() && p.node.is_none(),
        }
    }
}

/// The controller's state: its pod indexes, the quarantined nodes and the deletions under way.
#[derive(Debug, Default)]
pub struct PodGcController {
    config: PodGcConfig,
    pods: BTreeMap<u32, Seen>,
    on_node: BTreeMap<u32, BTreeSet<u32>>,
    /// Finished pods in `byEvictionAndCreationTimestamp` order.
    finished: BTreeSet<(Order, u32)>,
    unscheduled_terminating: BTreeSet<u32>,
    /// `nodeQueue`: missing nodes and when their quarantine ends (`AddAfter` keeps the
    /// earliest).
    quarantine: BTreeMap<u32, SimTime>,
    /// Pods whose status apply or DELETE is in flight.
    deleting: BTreeSet<u32>,
}

/// Which request answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// `checkIfNodeExists`: the GET of a quarantined node.
    NodeGet(u32),
    /// The status apply before a pod's deletion.
    Status(u32),
    /// The DELETE with grace period 0.
    Delete(u32),
}

type Cx<'a> = Ctx<'a, PodGcController>;

impl PodGcController {
    /// A PodGC with these settings.
    pub fn new(config: PodGcConfig) -> PodGcController {
        PodGcController {
            config,
            ..PodGcController::default()
        }
    }

    /// The informer's initial list at t=0: one pod.
    pub fn register_pod(&mut self, store: &Store, pod: u32) {
        if let Some(p) = store.pods.get(pod) {
            self.index(pod, Some(Seen::of(p)));
        }
    }

    fn index(&mut self, pod: u32, now: Option<Seen>) {
        let old = self.pods.remove(&pod);
        if old == now {
            if let Some(s) = now {
                self.pods.insert(pod, s);
            }
            return;
        }
        if let Some(old) = old {
            if let Some(n) = old.node
                && let Some(set) = self.on_node.get_mut(&n)
            {
                set.remove(&pod);
                if set.is_empty() {
                    self.on_node.remove(&n);
                }
            }
            if let Some(o) = old.finished {
                self.finished.remove(&(*o, pod));
            }
            self.unscheduled_terminating.remove(&pod);
        }
        let Some(s) = now else {
            self.deleting.remove(&pod);
            return;
        };
        if let Some(n) = s.node {
            self.on_node.entry(n).or_default().insert(pod);
        }
        if let Some(o) = &s.finished {
            self.finished.insert(((**o).clone(), pod));
        }
        if s.unscheduled_terminating {
            self.unscheduled_terminating.insert(pod);
        }
        self.pods.insert(pod, s);
    }

    /// `gc`: one cycle, and the next one `gcCheckPeriod` later.
    fn gc(&mut self, cx: &mut Cx<'_>) {
        cx.after(self.config.gc_check_period, ());
        if self.config.terminated_pod_gc_threshold > 0 {
            self.gc_terminated(cx);
        }
        self.gc_terminating(cx);
        self.gc_orphaned(cx);
        self.gc_unscheduled_terminating(cx);
    }

    /// `gcTerminated`.
    fn gc_terminated(&mut self, cx: &mut Cx<'_>) {
        let excess = self
            .finished
            .len()
            .saturating_sub(self.config.terminated_pod_gc_threshold);
        if excess == 0 {
            return;
        }
        let oldest: Vec<u32> = self.finished.iter().take(excess).map(|k| k.1).collect();
        for pod in oldest {
            self.mark_failed_and_delete(cx, pod, None);
        }
    }

    /// `gcTerminating`.
    fn gc_terminating(&mut self, cx: &mut Cx<'_>) {
        let store = cx.store;
        let mut victims: Vec<(Order, u32)> = Vec::new();
        for (&node, pods) in &self.on_node {
            let out_of_service = store.nodes.get(node).is_some_and(|n| {
                !n.ready() && n.taints.iter().any(|t| t.key == OUT_OF_SERVICE_TAINT)
            });
            if !out_of_service {
                continue;
            }
            for &pod in pods {
                if let Some(p) = store.pods.get(pod)
                    && p.meta.deleted.is_some()
                {
                    victims.push((order(p), pod));
                }
            }
        }
        victims.sort();
        for (_, pod) in victims {
            self.mark_failed_and_delete(cx, pod, None);
        }
    }

    /// `gcOrphaned`: quarantine newly missing nodes, then GET those whose quarantine ended.
    fn gc_orphaned(&mut self, cx: &mut Cx<'_>) {
        let (store, now) = (cx.store, cx.now);
        for &node in self.on_node.keys() {
            if store.nodes.get(node).is_none() {
                self.quarantine
                    .entry(node)
                    .or_insert(now + self.config.quarantine_time);
            }
        }
        let due: Vec<u32> = self
            .quarantine
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(n, _)| *n)
            .collect();
        for node in due {
            self.quarantine.remove(&node);
            if store.nodes.get(node).is_none() {
                cx.submit(Op::Read, Tag::NodeGet(node), &format!("node#{node}"));
            }
        }
    }

    /// `gcUnscheduledTerminating`.
    fn gc_unscheduled_terminating(&mut self, cx: &mut Cx<'_>) {
        if self.unscheduled_terminating.is_empty() {
            return;
        }
        let pods: Vec<u32> = self.unscheduled_terminating.iter().copied().collect();
        for pod in pods {
            self.mark_failed_and_delete(cx, pod, None);
        }
    }

    /// `markFailedAndDeletePodWithCondition`, once per pod until it is gone.
    fn mark_failed_and_delete(
        &mut self,
        cx: &mut Cx<'_>,
        pod: u32,
        condition: Option<(&'static str, &'static str)>,
    ) {
        let Some(p) = cx.store.pods.get(pod) else {
            return;
        };
        if !self.deleting.insert(pod) {
            return;
        }
        let key = cx.store.key(ObjRef::pod(pod));
        if !p.is_terminal() {
            let op = Op::PodDisruption {
                pod,
                condition,
                fail: true,
            };
            cx.submit(op, Tag::Status(pod), &key);
        } else {
            cx.submit(force_delete(pod), Tag::Delete(pod), &key);
        }
    }
}

/// `Delete(ctx, name, *metav1.NewDeleteOptions(0))`.
fn force_delete(pod: u32) -> Op {
    Op::Delete {
        target: ObjRef::pod(pod),
        uid: None,
        propagation: Propagation::Background,
        grace_seconds: Some(0),
    }
}

impl Component for PodGcController {
    type Tag = Tag;
    /// A cycle is due.
    type Timer = ();
    type Env = ();

    fn observe(&mut self, cx: &mut Cx<'_>, n: Notice) {
        if n.obj.kind != Kind::Pod {
            return;
        }
        let seen = match n.change {
            Change::Deleted => None,
            _ => cx.store.pods.get(n.obj.id).map(Seen::of),
        };
        self.index(n.obj.id, seen);
    }

    fn on_response(&mut self, cx: &mut Cx<'_>, tag: Tag, r: Response<'_>) {
        let failed = matches!(r.outcome, Outcome::Failed(_));
        match tag {
            Tag::NodeGet(node) => {
                if cx.store.nodes.get(node).is_some() {
                    return;
                }
                let pods: Vec<u32> = self
                    .on_node
                    .get(&node)
                    .map(|s| s.iter().copied().collect())
                    .unwrap_or_default();
                for pod in pods {
                    self.mark_failed_and_delete(cx, pod, Some(ORPHANED));
                }
            }
            Tag::Status(pod) if !failed => {
                let key = cx.store.key(ObjRef::pod(pod));
                cx.submit(force_delete(pod), Tag::Delete(pod), &key);
            }
            Tag::Status(pod) | Tag::Delete(pod) => {
                self.deleting.remove(&pod);
            }
        }
    }

    fn on_timer(&mut self, cx: &mut Cx<'_>, _: ()) {
        self.gc(cx);
    }
}

#[cfg(test)]
mod tests {
    //! After gc_controller_test.go; each test names the Go test and row it ports.
    use super::*;
    use crate::apiserver::testing::Harness;
    use crate::component::ctx::testing::{Recorder, run};
    use crate::component::{ComponentId, ComponentKind};
    use crate::etcd::store::testing as fx;
    use crate::model::meta::NsId;
    use crate::model::pod::Taint;

    const ME: ComponentId = ComponentId::of(ComponentKind::PodGarbageCollector);

    struct Fixture {
        h: Harness,
        ns: NsId,
        node: u32,
        gc: PodGcController,
    }

    fn fixture(config: PodGcConfig) -> Fixture {
        let mut h = Harness::default();
        let ns = fx::namespace(&mut h.store, "default");
        let node = fx::node(&mut h.store, "node", 4000, 16 << 30);
        Fixture {
            h,
            ns,
            node,
            gc: PodGcController::new(config),
        }
    }

    impl Fixture {
        /// A pod on the node in `phase`, created at `created_s` seconds, known to PodGC.
        fn pod(&mut self, name: &str, phase: Phase, created_s: u64) -> u32 {
            let id = fx::pod(
                &mut self.h.store,
                name,
                self.ns,
                fx::spec(100),
                None,
                Some(self.node),
            );
            let p = self.h.store.pods.get_mut(id).unwrap();
            p.status.phase = phase;
            p.meta.created = SimTime(created_s * 1_000_000);
            self.gc.register_pod(&self.h.store, id);
            id
        }

        fn cycle(&mut self, now: SimTime) -> Recorder<PodGcController> {
            run(&mut self.gc, &self.h.store, &mut (), ME, now, |c, cx| {
                c.on_timer(cx, ())
            })
        }

        /// Commits what `sent` asked, answers PodGC, and repeats until it asks nothing more;
        /// returns the pods it deleted, in order.
        fn settle(&mut self, now: SimTime, sent: Recorder<PodGcController>) -> Vec<String> {
            let mut deleted = Vec::new();
            let mut next = sent;
            while !next.requests().is_empty() {
                for (op, _) in next.requests() {
                    if let Op::Delete {
                        target,
                        grace_seconds,
                        ..
                    } = op
                    {
                        assert_eq!(*grace_seconds, Some(0), "PodGC force-deletes");
                        deleted.push(self.h.store.meta(*target).unwrap().name.clone());
                    }
                }
                next = self.h.answer(&mut self.gc, &mut (), ME, now, &next);
            }
            deleted
        }
    }

    fn threshold(n: usize) -> PodGcConfig {
        PodGcConfig {
            terminated_pod_gc_threshold: n,
            ..PodGcConfig::default()
        }
    }

    #[test]
    fn the_defaults_are_kube_controller_managers() {
        // --terminated-pod-gc-threshold 12500, gcCheckPeriod 20 s, quarantineTime 40 s.
        let d = PodGcConfig::default();
        assert_eq!(d.terminated_pod_gc_threshold, 12_500);
        assert_eq!(d.gc_check_period, SimDuration::from_secs(20));
        assert_eq!(d.quarantine_time, SimDuration::from_secs(40));
    }

    #[test]
    fn terminated_pods_over_the_threshold_go_oldest_first_and_the_newest_stay() {
        // TestGCTerminated, creation times an hour apart:
        // "delete pod a which is PodFailed and pod b which is PodSucceeded" (threshold 1)
        let mut f = fixture(threshold(1));
        f.pod("a", Phase::Failed, 3600);
        f.pod("b", Phase::Succeeded, 7200);
        f.pod("c", Phase::Failed, 10800);
        let r = f.cycle(SimTime::ZERO);
        assert_eq!(f.settle(SimTime::ZERO, r), ["a", "b"]);
        assert!(f.h.store.lookup(Kind::Pod, Some(f.ns), "c").is_some());
        // "threshold = 1, delete pod b which is PodSucceeded": a running pod is no candidate.
        let mut f = fixture(threshold(1));
        f.pod("a", Phase::Running, 3600);
        f.pod("b", Phase::Succeeded, 7200);
        f.pod("c", Phase::Failed, 10800);
        let r = f.cycle(SimTime::ZERO);
        assert_eq!(f.settle(SimTime::ZERO, r), ["b"]);
        // "threshold = 5, don't delete pod" and "threshold = 0, disables terminated pod
        // deletion".
        for n in [5, 0] {
            let mut f = fixture(threshold(n));
            f.pod("a", Phase::Failed, 3600);
            f.pod("b", Phase::Succeeded, 7200);
            assert!(f.cycle(SimTime::ZERO).requests().is_empty());
        }
    }

    #[test]
    fn evicted_pods_are_collected_before_older_finished_ones() {
        // TestGCTerminated's unnamed row: a, b, c (c Failed with reason Evicted), threshold
        // 1: c and a go (byEvictionAndCreationTimestamp).
        let mut f = fixture(threshold(1));
        f.pod("a", Phase::Failed, 3600);
        f.pod("b", Phase::Succeeded, 7200);
        let c = f.pod("c", Phase::Failed, 10800);
        f.h.store.pods.get_mut(c).unwrap().status.reason = Some("Evicted");
        f.gc.register_pod(&f.h.store, c);
        let r = f.cycle(SimTime::ZERO);
        assert_eq!(f.settle(SimTime::ZERO, r), ["c", "a"]);
    }

    #[test]
    fn a_small_threshold_keeps_exactly_the_newest_pods() {
        // The threshold keeps the newest N finished pods (here 3 of 10).
        let mut f = fixture(threshold(3));
        for i in 0..10 {
            f.pod(&format!("job-{i}"), Phase::Succeeded, 100 + i);
        }
        let r = f.cycle(SimTime::ZERO);
        let deleted = f.settle(SimTime::ZERO, r);
        assert_eq!(deleted.len(), 7);
        let left: Vec<&str> =
            f.h.store
                .pods
                .iter()
                .map(|(_, p)| p.meta.name.as_str())
                .collect();
        assert_eq!(left, ["job-7", "job-8", "job-9"]);
    }

    #[test]
    fn an_orphaned_pod_goes_after_the_quarantine_with_disruption_target_and_phase_failed() {
        // TestGCOrphaned "no nodes, one running pod": nothing at the first cycle; after the
        // quarantine a GET finds no node, the running pod is patched (Failed,
        // DeletionByPodGC) and all are force-deleted. "quarantine not finished": half the
        // quarantine later nothing is deleted.
        let mut f = fixture(PodGcConfig::default());
        f.pod("a", Phase::Failed, 1);
        f.pod("b", Phase::Succeeded, 2);
        let c = f.pod("c", Phase::Running, 3);
        f.h.store.remove(ObjRef {
            kind: Kind::Node,
            id: f.node,
        });
        let t1 = SimTime(20_000_000);
        let first = f.cycle(t1);
        assert!(first.requests().is_empty(), "quarantined, not deleted");
        assert_eq!(
            first.timers(),
            [(SimTime(40_000_000), ())],
            "next cycle in 20 s"
        );
        assert!(
            f.cycle(SimTime(40_000_000)).requests().is_empty(),
            "quarantine not finished"
        );
        let due = f.cycle(SimTime(60_000_000));
        assert!(matches!(due.requests()[..], [(Op::Read, Tag::NodeGet(_))]));
        let patched =
            f.h.answer(&mut f.gc, &mut (), ME, SimTime(60_000_000), &due);
        let statuses: Vec<u32> = patched
            .requests()
            .iter()
            .filter_map(|(op, _)| match op {
                Op::PodDisruption {
                    pod,
                    condition: Some(c),
                    fail: true,
                } if *c == ORPHANED => Some(*pod),
                _ => None,
            })
            .collect();
        assert_eq!(statuses, [c], "only the unfinished pod is patched");
        // Look at the patched pod before its DELETE commits.
        f.h.apply(SimTime(60_000_000), ME, patched.requests()[2].0.clone());
        let p = f.h.store.pods.get(c).unwrap();
        assert_eq!(p.status.phase, Phase::Failed);
        assert_eq!(p.status.disruption.unwrap().reason, "DeletionByPodGC");
        let mut deleted = f.settle(SimTime(60_000_000), patched);
        deleted.sort();
        assert_eq!(deleted, ["a", "b", "c"]);
        assert!(f.h.store.pods.is_empty());
    }

    #[test]
    fn pods_on_existing_nodes_are_never_orphaned() {
        // TestGCOrphaned "nodes present in lister".
        let mut f = fixture(PodGcConfig::default());
        f.pod("a", Phase::Running, 1);
        for t in [0, 20, 40, 60, 80] {
            assert!(f.cycle(SimTime(t * 1_000_000)).requests().is_empty());
        }
    }

    #[test]
    fn terminating_pods_on_an_out_of_service_node_that_is_not_ready_are_force_deleted() {
        // TestGCTerminating: only terminating pods, only on a NotReady node with the
        // out-of-service taint; a running one is first marked Failed.
        let mut f = fixture(PodGcConfig::default());
        let a = f.pod("a", Phase::Running, 1);
        f.pod("b", Phase::Running, 2);
        f.h.store.pods.get_mut(a).unwrap().meta.deleted = Some(SimTime(1));
        f.gc.register_pod(&f.h.store, a);
        let n = f.h.store.nodes.get_mut(f.node).unwrap();
        n.taints.push(Taint {
            key: OUT_OF_SERVICE_TAINT.into(),
            value: "nodeshutdown".into(),
            effect: crate::model::pod::TaintEffect::NoExecute,
            time_added: None,
        });
        assert!(f.cycle(SimTime::ZERO).requests().is_empty(), "still Ready");
        f.h.store.nodes.get_mut(f.node).unwrap().conditions =
            crate::model::node::kubelet_conditions(false, SimTime::ZERO);
        let r = f.cycle(SimTime::ZERO);
        assert!(matches!(
            r.requests()[..],
            [(Op::PodDisruption { condition: None, fail: true, .. }, Tag::Status(p))] if p == a
        ));
        assert_eq!(f.settle(SimTime::ZERO, r), ["a"]);
    }

    #[test]
    fn unscheduled_terminating_pods_are_force_deleted() {
        // TestGCUnscheduledTerminating "Unscheduled pod in any phase must be deleted".
        let mut f = fixture(PodGcConfig::default());
        let id = fx::pod(&mut f.h.store, "a", f.ns, fx::spec(100), None, None);
        f.h.store.pods.get_mut(id).unwrap().meta.deleted = Some(SimTime(1));
        f.gc.register_pod(&f.h.store, id);
        let r = f.cycle(SimTime::ZERO);
        assert_eq!(f.settle(SimTime::ZERO, r), ["a"]);
    }

    #[test]
    fn a_deletion_in_flight_is_not_sent_again() {
        let mut f = fixture(threshold(1));
        f.pod("a", Phase::Failed, 1);
        f.pod("b", Phase::Failed, 2);
        assert_eq!(f.cycle(SimTime::ZERO).requests().len(), 1);
        assert!(f.cycle(SimTime(20_000_000)).requests().is_empty());
    }
}
