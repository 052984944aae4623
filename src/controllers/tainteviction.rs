//! The taint eviction controller (kube-controller-manager's `taint-eviction-controller`):
//! deletes the pods bound to a node with `NoExecute` taints they do not tolerate, at once,
//! or when their shortest `tolerationSeconds` for those taints runs out.
//!
//! Mirrors `pkg/controller/tainteviction/taint_eviction.go`:
//! - `handleNodeUpdate` keeps each node's NoExecute taints (`taintedNodes`) and, when they
//!   change, runs `processPodOnNode` for every pod bound to the node (the informer's
//!   `spec.nodeName` index, kept here by pod notifications); a node left with none cancels
//!   its pods' evictions.
//! - `handlePodUpdate`: a pod newly bound to a tainted node is processed the same way (its
//!   tolerations are immutable in kubesim, so only a change of node counts, as
//!   `PodUpdated` filters); a deleted pod's eviction is cancelled.
//! - `processPodOnNode`: a taint no toleration matches (`GetMatchingTolerations`, the first
//!   toleration of each taint) means deletion now; otherwise `getMinTolerationTime` of the
//!   matching tolerations (any ≤ 0 s: now; none with seconds: never) from when the controller
//!   saw the taint. An eviction already scheduled earlier is kept (a later change of the
//!   node's taints does not restart its clock).
//! - `TimedWorkerQueue`: one timer per pod with its deadline, cancelled by
//!   `cancelWorkWithEvent`, which records `TaintManagerEviction` `Cancelling deletion of Pod
//!   <ns>/<name>` when a timer was pending.
//! - `deletePodHandler`: the Event `TaintManagerEviction` `Marking for deletion Pod
//!   <ns>/<name>`, then `addConditionAndDeletePod`: GET the pod, PATCH its status with the
//!   `DisruptionTarget` condition (reason `DeletionByTaintManager`, message `Taint manager:
//!   deleting due to NoExecute taint`) unless it carries that one already, and DELETE it
//!   with its own grace period.
//!
//! Its client is the `node-controller` service account's (core.go
//! `newTaintEvictionController`: "taint-manager uses existing cluster role from
//! node-controller"), with the controller manager's 20 QPS / 30 burst.
//!
//! Scale: a node's taint change costs the pods bound to that node, a pod notification a few
//! map look-ups; deadlines are timers, never a poll.
//!
//! Simplifications: a failed GET, PATCH or DELETE ends the eviction (upstream retries five
//! times, 10 ms apart); the eight hashed workers are one (kubesim handles a notification in
//! zero time); a pod deleted while its eviction is pending gets no `Cancelling deletion`
//! Event, since kubesim records Events only for stored objects.

use crate::apiserver::{Op, Outcome, Propagation};
use crate::component::{Change, Component, Ctx, Notice, Response};
use crate::etcd::Store;
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::model::pod::{Taint, TaintEffect, Toleration};
use crate::sim::engine::TimerKey;
use crate::sim::time::{SimDuration, SimTime};
use std::collections::{BTreeMap, BTreeSet};

/// The controller's name: its Events' `source.component` (`names.TaintEvictionController`).
pub const NAME: &str = "taint-eviction-controller";

/// `DisruptionTarget` reason and message of `addConditionAndDeletePod`.
const CONDITION: (&str, &str) = (
    "DeletionByTaintManager",
    "Taint manager: deleting due to NoExecute taint",
);

/// The controller's state: what its informers told it and the evictions it has scheduled.
#[derive(Debug, Default)]
pub struct TaintEvictionController {
    /// `taintedNodes`: each node's NoExecute taints, only for nodes that have some.
    tainted: BTreeMap<u32, Vec<Taint>>,
    /// The pod informer's `spec.nodeName` index: the pods bound to each node.
    on_node: BTreeMap<u32, BTreeSet<u32>>,
    /// The node each pod was last seen bound to.
    node_of: BTreeMap<u32, u32>,
    /// `taintEvictionQueue`.
    queue: Evictions,
}

/// `TimedWorkerQueue`: one entry per pod whose deletion is scheduled or under way.
#[derive(Debug, Default)]
struct Evictions {
    work: BTreeMap<u32, Work>,
}

/// A `TimedWorker`.
#[derive(Clone, Copy, Debug)]
struct Work {
    /// `CreatedAt`: when the controller decided.
    created: SimTime,
    /// The pending timer; None once the deletion is under way.
    timer: Option<TimerKey>,
}

/// Which request of `addConditionAndDeletePod` answered, for which pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// The GET of the pod.
    Get(u32),
    /// The status PATCH adding `DisruptionTarget`.
    Patch(u32),
    /// The DELETE.
    Delete(u32),
}

type Cx<'a> = Ctx<'a, TaintEvictionController>;

/// `getNoExecuteTaints`.
fn no_execute(taints: &[Taint]) -> Vec<Taint> {
    taints
        .iter()
        .filter(|t| t.effect == TaintEffect::NoExecute)
        .cloned()
        .collect()
}

/// `v1helper.GetMatchingTolerations`: whether every taint is tolerated, and the first
/// toleration matching each.
fn matching_tolerations<'a>(
    taints: &[Taint],
    tolerations: &'a [Toleration],
) -> Option<Vec<&'a Toleration>> {
    taints
        .iter()
        .map(|t| tolerations.iter().find(|tol| tol.tolerates(t)))
        .collect()
}

/// `getMinTolerationTime`: the shortest `tolerationSeconds` (0 for none matched or any ≤ 0),
/// or None when every one tolerates forever.
fn min_toleration_time(used: &[&Toleration]) -> Option<SimDuration> {
    if used.is_empty() {
        return Some(SimDuration(0));
    }
    let min = used.iter().filter_map(|t| t.seconds).min()?;
    Some(SimDuration::from_secs(min.max(0) as u64))
}

impl TaintEvictionController {
    /// The informers' initial list at t=0: a node's taints.
    pub fn register_node(&mut self, store: &Store, node: u32) {
        if let Some(n) = store.nodes.get(node) {
            let taints = no_execute(&n.taints);
            if !taints.is_empty() {
                self.tainted.insert(node, taints);
            }
        }
    }

    /// The informers' initial list at t=0: a bound pod.
    pub fn register_pod(&mut self, store: &Store, pod: u32) {
        if let Some(node) = store.pods.get(pod).and_then(|p| p.node) {
            self.index(pod, Some(node));
        }
    }

    fn index(&mut self, pod: u32, node: Option<u32>) {
        if let Some(old) = self.node_of.remove(&pod)
            && let Some(pods) = self.on_node.get_mut(&old)
        {
            pods.remove(&pod);
            if pods.is_empty() {
                self.on_node.remove(&old);
            }
        }
        if let Some(n) = node {
            self.node_of.insert(pod, n);
            self.on_node.entry(n).or_default().insert(pod);
        }
    }

    /// `handlePodUpdate`.
    fn observe_pod(&mut self, cx: &mut Cx<'_>, id: u32, change: Change) {
        let pod = match change {
            Change::Deleted => None,
            _ => cx.store.pods.get(id),
        };
        let Some(p) = pod else {
            self.index(id, None);
            self.queue.cancel_with_event(cx, id);
            return;
        };
        let before = self.node_of.get(&id).copied();
        if change == Change::Modified && before == p.node {
            return;
        }
        self.index(id, p.node);
        let Some(taints) = p.node.and_then(|n| self.tainted.get(&n)) else {
            return;
        };
        self.queue.process(cx, id, &p.spec.tolerations, taints);
    }

    /// `handleNodeUpdate`.
    fn observe_node(&mut self, cx: &mut Cx<'_>, id: u32, change: Change) {
        let node = match change {
            Change::Deleted => None,
            _ => cx.store.nodes.get(id),
        };
        let Some(n) = node else {
            self.tainted.remove(&id);
            return;
        };
        let taints = no_execute(&n.taints);
        let before = self.tainted.get(&id).map_or(&[][..], Vec::as_slice);
        if change == Change::Modified && before == taints.as_slice() {
            return;
        }
        let Some(pods) = self.on_node.get(&id) else {
            self.set_taints(id, taints);
            return;
        };
        if taints.is_empty() {
            for &pod in pods {
                self.queue.cancel_with_event(cx, pod);
            }
        } else {
            for &pod in pods {
                if let Some(p) = cx.store.pods.get(pod) {
                    self.queue.process(cx, pod, &p.spec.tolerations, &taints);
                }
            }
        }
        self.set_taints(id, taints);
    }

    fn set_taints(&mut self, node: u32, taints: Vec<Taint>) {
        if taints.is_empty() {
            self.tainted.remove(&node);
        } else {
            self.tainted.insert(node, taints);
        }
    }
}

impl Evictions {
    /// `processPodOnNode` for a pod on a node with these (non-empty) NoExecute taints.
    fn process(&mut self, cx: &mut Cx<'_>, pod: u32, tolerations: &[Toleration], taints: &[Taint]) {
        let now = cx.now;
        let Some(used) = matching_tolerations(taints, tolerations) else {
            self.cancel_with_event(cx, pod);
            self.add(cx, pod, now);
            return;
        };
        let Some(min) = min_toleration_time(&used) else {
            self.cancel_with_event(cx, pod);
            return;
        };
        if let Some(w) = self.work.get(&pod) {
            // GetWorkerUnsafe: an eviction under way is left to finish; one scheduled
            // earlier keeps its deadline.
            if w.timer.is_none() || w.created < now {
                return;
            }
            self.cancel_with_event(cx, pod);
        }
        self.add(cx, pod, now + min);
    }

    /// `AddWork` (created now): nothing if the pod has an entry already; a deadline not in
    /// the future fires at once.
    fn add(&mut self, cx: &mut Cx<'_>, pod: u32, fire: SimTime) {
        if self.work.contains_key(&pod) {
            return;
        }
        let created = cx.now;
        if fire <= created {
            self.work.insert(
                pod,
                Work {
                    created,
                    timer: None,
                },
            );
            evict(cx, pod);
        } else {
            let key = cx.at(fire, pod);
            self.work.insert(
                pod,
                Work {
                    created,
                    timer: Some(key),
                },
            );
        }
    }

    /// `cancelWorkWithEvent`.
    fn cancel_with_event(&mut self, cx: &mut Cx<'_>, pod: u32) {
        let Some(w) = self.work.remove(&pod) else {
            return;
        };
        if let Some(key) = w.timer {
            cx.cancel(key);
            let message = format!(
                "Cancelling deletion of Pod {}",
                cx.store.key(ObjRef::pod(pod))
            );
            cx.event(
                ObjRef::pod(pod),
                false,
                "TaintManagerEviction",
                NAME,
                message,
            );
        }
    }

    /// The deadline passed: the deletion is under way.
    fn fire(&mut self, cx: &mut Cx<'_>, pod: u32) {
        if let Some(w) = self.work.get_mut(&pod)
            && w.timer.take().is_some()
        {
            evict(cx, pod);
        }
    }

    /// The handler returned: the pod's entry goes (`getWrappedWorkerFunc`).
    fn finish(&mut self, pod: u32) {
        if self.work.get(&pod).is_some_and(|w| w.timer.is_none()) {
            self.work.remove(&pod);
        }
    }
}

/// `deletePodHandler`: the Event, then the GET that starts `addConditionAndDeletePod`.
fn evict(cx: &mut Cx<'_>, pod: u32) {
    let key = cx.store.key(ObjRef::pod(pod));
    let message = format!("Marking for deletion Pod {key}");
    cx.event(
        ObjRef::pod(pod),
        false,
        "TaintManagerEviction",
        NAME,
        message,
    );
    cx.submit(Op::Read, Tag::Get(pod), &key);
}

impl Component for TaintEvictionController {
    type Tag = Tag;
    /// The pod whose eviction deadline came.
    type Timer = u32;
    type Env = ();

    fn observe(&mut self, cx: &mut Cx<'_>, n: Notice) {
        match n.obj.kind {
            Kind::Pod => self.observe_pod(cx, n.obj.id, n.change),
            Kind::Node => self.observe_node(cx, n.obj.id, n.change),
            _ => {}
        }
    }

    fn on_response(&mut self, cx: &mut Cx<'_>, tag: Tag, r: Response<'_>) {
        let failed = matches!(r.outcome, Outcome::Failed(_));
        match tag {
            Tag::Get(pod) => {
                let Some(p) = cx.store.pods.get(pod) else {
                    self.queue.finish(pod);
                    return;
                };
                let key = cx.store.key(ObjRef::pod(pod));
                let has = p
                    .status
                    .disruption
                    .is_some_and(|d| (d.reason, d.message) == CONDITION);
                if has {
                    cx.submit(delete(pod), Tag::Delete(pod), &key);
                } else {
                    let op = Op::PodDisruption {
                        pod,
                        condition: Some(CONDITION),
                        fail: false,
                    };
                    cx.submit(op, Tag::Patch(pod), &key);
                }
            }
            Tag::Patch(pod) if !failed => {
                let key = cx.store.key(ObjRef::pod(pod));
                cx.submit(delete(pod), Tag::Delete(pod), &key);
            }
            Tag::Patch(pod) | Tag::Delete(pod) => self.queue.finish(pod),
        }
    }

    fn on_timer(&mut self, cx: &mut Cx<'_>, pod: u32) {
        self.queue.fire(cx, pod);
    }
}

/// `Pods(ns).Delete(ctx, name, metav1.DeleteOptions{})`: no precondition, the pod's own grace
/// period.
fn delete(pod: u32) -> Op {
    Op::Delete {
        target: ObjRef::pod(pod),
        uid: None,
        propagation: Propagation::Background,
        grace_seconds: None,
    }
}

#[cfg(test)]
mod tests {
    //! After taint_eviction_test.go; each test names the Go test and row it ports.
    use super::*;
    use crate::apiserver::testing::Harness;
    use crate::component::ctx::testing::{Effect, Recorder, run};
    use crate::component::{ComponentId, ComponentKind};
    use crate::etcd::store::testing as fx;
    use crate::model::meta::NsId;
    use crate::model::node::{NOT_READY_TAINT, UNREACHABLE_TAINT};
    use std::sync::Arc;

    const ME: ComponentId = ComponentId::of(ComponentKind::TaintEvictionController);
    const T0: SimTime = SimTime(7_000_000);

    /// `createNoExecuteTaint(i)`.
    fn taint(i: u32) -> Taint {
        Taint {
            key: format!("testTaint{i}"),
            value: format!("test{i}"),
            effect: TaintEffect::NoExecute,
            time_added: None,
        }
    }

    /// `addToleration(pod, i, seconds)` (None: the Go test's -1, no tolerationSeconds).
    fn toleration(i: u32, seconds: Option<i64>) -> Toleration {
        Toleration {
            key: format!("testTaint{i}"),
            exists: false,
            value: format!("test{i}"),
            effect: Some(TaintEffect::NoExecute),
            seconds,
        }
    }

    struct Fixture {
        h: Harness,
        ns: NsId,
        node: u32,
        c: TaintEvictionController,
    }

    fn fixture() -> Fixture {
        let mut h = Harness::default();
        let ns = fx::namespace(&mut h.store, "default");
        let node = fx::node(&mut h.store, "node1", 4000, 16 << 30);
        Fixture {
            h,
            ns,
            node,
            c: TaintEvictionController::default(),
        }
    }

    impl Fixture {
        /// A pod bound to the node, known to the controller (its informer's initial list).
        fn pod(&mut self, name: &str, tolerations: Vec<Toleration>) -> u32 {
            let mut spec = (*fx::spec(100)).clone();
            spec.tolerations = tolerations;
            self.pod_with(name, Arc::new(spec))
        }

        fn pod_with(&mut self, name: &str, spec: Arc<crate::model::pod::PodSpec>) -> u32 {
            let id = fx::pod(
                &mut self.h.store,
                name,
                self.ns,
                spec,
                None,
                Some(self.node),
            );
            self.c.register_pod(&self.h.store, id);
            id
        }

        /// The node now carries `taints`; the controller hears of it at `now`.
        fn taint_node(
            &mut self,
            taints: Vec<Taint>,
            now: SimTime,
        ) -> Recorder<TaintEvictionController> {
            self.h.store.nodes.get_mut(self.node).unwrap().taints = taints;
            self.node_notice(Change::Modified, now)
        }

        /// The controller hears of a change of the node.
        fn node_notice(
            &mut self,
            change: Change,
            now: SimTime,
        ) -> Recorder<TaintEvictionController> {
            let n = Notice {
                obj: ObjRef {
                    kind: Kind::Node,
                    id: self.node,
                },
                change,
                controller: None,
            };
            run(&mut self.c, &self.h.store, &mut (), ME, now, |c, cx| {
                c.observe(cx, n)
            })
        }

        fn fire(&mut self, pod: u32, now: SimTime) -> Recorder<TaintEvictionController> {
            run(&mut self.c, &self.h.store, &mut (), ME, now, |c, cx| {
                c.on_timer(cx, pod)
            })
        }
    }

    fn gets(r: &Recorder<TaintEvictionController>) -> Vec<u32> {
        r.requests()
            .iter()
            .filter_map(|(op, tag)| match (op, tag) {
                (Op::Read, Tag::Get(p)) => Some(*p),
                _ => None,
            })
            .collect()
    }

    fn messages(
        r: &Recorder<TaintEvictionController>,
    ) -> Vec<(String, &'static str, &'static str)> {
        r.events()
            .iter()
            .map(|e| (e.message.clone(), e.reason, e.source))
            .collect()
    }

    #[test]
    fn min_toleration_time_follows_test_get_min_toleration_time() {
        let t = |s: Option<i64>| Toleration {
            seconds: s,
            ..toleration(1, None)
        };
        let (one, two, none) = (t(Some(1)), t(Some(2)), t(None));
        assert_eq!(min_toleration_time(&[]), Some(SimDuration(0)));
        assert_eq!(min_toleration_time(&[&none]), None, "-1: forever");
        let sec = Some(SimDuration::from_secs(1));
        assert_eq!(min_toleration_time(&[&one, &two]), sec);
        assert_eq!(min_toleration_time(&[&one, &none]), sec);
        assert_eq!(min_toleration_time(&[&none, &one]), sec);
    }

    #[test]
    fn an_untolerated_taint_marks_the_pod_then_patches_disruption_target_and_deletes_it() {
        // TestUpdateNode "Added taint, expect node patched and deleted when
        // PodDisruptionConditions is enabled"; TestPodDeletionEvent's text.
        let mut f = fixture();
        let pod = f.pod("pod1", vec![]);
        let first = f.taint_node(vec![taint(1)], T0);
        assert_eq!(
            messages(&first),
            [(
                "Marking for deletion Pod default/pod1".to_string(),
                "TaintManagerEviction",
                "taint-eviction-controller"
            )]
        );
        assert_eq!(gets(&first), [pod], "the handler GETs the pod first");
        assert!(first.timers().is_empty(), "now, not later");
        let patch = f.h.answer(&mut f.c, &mut (), ME, T0, &first);
        assert!(matches!(
            patch.requests()[..],
            [(Op::PodDisruption { condition: Some(c), fail: false, .. }, Tag::Patch(_))] if *c == CONDITION
        ));
        let del = f.h.answer(&mut f.c, &mut (), ME, T0, &patch);
        assert!(matches!(
            del.requests()[..],
            [(
                Op::Delete {
                    grace_seconds: None,
                    uid: None,
                    ..
                },
                Tag::Delete(_)
            )]
        ));
        f.h.answer(&mut f.c, &mut (), ME, T0, &del);
        let p =
            f.h.store
                .pods
                .get(pod)
                .expect("graceful: the kubelet finishes it");
        assert!(p.meta.deleted.is_some());
        let d = p.status.disruption.expect("DisruptionTarget");
        assert_eq!(
            (d.reason, d.message, d.since),
            (CONDITION.0, CONDITION.1, T0)
        );
        assert!(
            f.c.queue.work.is_empty(),
            "the handler's entry goes when it returns"
        );
    }

    #[test]
    fn the_default_300s_toleration_deletes_exactly_300s_after_the_taint_was_seen() {
        // DefaultTolerationSeconds' tolerations on a node the node lifecycle controller
        // marked unreachable: processPodOnNode's triggerTime = now + 300 s.
        let mut f = fixture();
        let admitted = crate::apiserver::admission::default_toleration_seconds(&fx::spec(100))
            .expect("a pod without tolerations gets two");
        let pod = f.pod_with("pod1", Arc::new(admitted));
        let unreachable = Taint {
            key: UNREACHABLE_TAINT.into(),
            value: String::new(),
            effect: TaintEffect::NoExecute,
            time_added: None,
        };
        let r = f.taint_node(vec![unreachable], T0);
        let deadline = T0 + SimDuration::from_secs(300);
        assert_eq!(r.timers(), [(deadline, pod)]);
        assert!(r.requests().is_empty() && r.events().is_empty());
        let fired = f.fire(pod, deadline);
        assert_eq!(gets(&fired), [pod]);
        assert_eq!(fired.events().len(), 1);
    }

    #[test]
    fn the_shortest_matching_toleration_decides_and_one_untolerated_taint_deletes_now() {
        // TestUpdateNode "Pod with multiple tolerations are evicted when first one runs
        // out" (1 s and 100 s: 1 s) and "Only one added taint tolerated" (now).
        let mut f = fixture();
        let both = f.pod(
            "pod1",
            vec![toleration(1, Some(1)), toleration(2, Some(100))],
        );
        let one = f.pod("pod2", vec![toleration(1, Some(100))]);
        let r = f.taint_node(vec![taint(1), taint(2)], T0);
        assert_eq!(r.timers(), [(T0 + SimDuration::from_secs(1), both)]);
        assert_eq!(gets(&r), [one]);
    }

    #[test]
    fn pods_with_different_toleration_times_are_evicted_appropriately() {
        // TestUpdateNodeWithMultiplePods, first row: pod1 at once, pod2 after 1 s, pod3
        // (tolerates forever) never.
        let mut f = fixture();
        let p1 = f.pod("pod1", vec![]);
        let p2 = f.pod("pod2", vec![toleration(1, Some(1))]);
        f.pod("pod3", vec![toleration(1, None)]);
        let r = f.taint_node(vec![taint(1)], T0);
        assert_eq!(gets(&r), [p1]);
        assert_eq!(r.timers(), [(T0 + SimDuration::from_secs(1), p2)]);
        // Second row: with a second taint nobody tolerates, all three go at once.
        let mut f = fixture();
        let ids = [
            f.pod("pod1", vec![]),
            f.pod("pod2", vec![toleration(1, Some(1))]),
            f.pod("pod3", vec![toleration(1, None)]),
        ];
        let r = f.taint_node(vec![taint(1), taint(2)], T0);
        assert_eq!(gets(&r), ids);
    }

    #[test]
    fn removing_the_taint_before_the_deadline_cancels_the_eviction_with_an_event() {
        // TestUpdateNode "Taint removed" and emitCancelPodDeletionEvent's text.
        let mut f = fixture();
        let pod = f.pod("pod1", vec![toleration(1, Some(1))]);
        f.taint_node(vec![taint(1)], T0);
        let later = T0 + SimDuration::from_millis(500);
        let r = f.taint_node(vec![], later);
        assert!(r.effects.iter().any(|e| matches!(e, Effect::Cancel(_))));
        assert_eq!(
            messages(&r),
            [(
                "Cancelling deletion of Pod default/pod1".to_string(),
                "TaintManagerEviction",
                NAME
            )]
        );
        let fired = f.fire(pod, T0 + SimDuration::from_secs(1));
        assert!(
            fired.effects.is_empty(),
            "a cancelled timer deletes nothing"
        );
    }

    #[test]
    fn a_forever_toleration_cancels_and_a_temporary_one_schedules() {
        // TestUpdateNodeWithMultipleTaints: taint1 tolerated forever, taint2 for 60 s.
        let mut f = fixture();
        let pod = f.pod("pod1", vec![toleration(1, None), toleration(2, Some(60))]);
        assert!(f.taint_node(vec![taint(1)], T0).effects.is_empty());
        let r = f.taint_node(vec![taint(1), taint(2)], T0);
        assert_eq!(r.timers(), [(T0 + SimDuration::from_secs(60), pod)]);
        let r = f.taint_node(vec![taint(1)], T0 + SimDuration::from_secs(5));
        assert!(r.effects.iter().any(|e| matches!(e, Effect::Cancel(_))));
        assert!(f.c.queue.work.is_empty());
    }

    #[test]
    fn an_eviction_scheduled_earlier_keeps_its_deadline() {
        // processPodOnNode: a scheduled eviction whose CreatedAt + minTolerationTime is
        // before the new trigger time is left alone (another NoExecute taint change that
        // the pod still tolerates for as long does not restart its clock).
        let mut f = fixture();
        let pod = f.pod(
            "pod1",
            vec![toleration(1, Some(60)), toleration(2, Some(60))],
        );
        f.taint_node(vec![taint(1)], T0);
        let r = f.taint_node(vec![taint(1), taint(2)], T0 + SimDuration::from_secs(30));
        assert!(r.effects.is_empty(), "{:?}", r.effects);
        assert_eq!(f.c.queue.work[&pod].created, T0);
    }

    #[test]
    fn daemon_set_pods_are_never_evicted_for_not_ready_or_unreachable() {
        // AddOrUpdateDaemonPodTolerations: NoExecute tolerations without tolerationSeconds,
        // which DefaultTolerationSeconds leaves alone; TestCreateNode "Creating tainted Node
        // matching already assigned tolerating Pod".
        let mut f = fixture();
        let daemon = crate::controllers::daemonset::daemon_pod_spec(&fx::spec(100));
        assert!(crate::apiserver::admission::default_toleration_seconds(&daemon).is_none());
        f.pod_with("agent", Arc::new(daemon));
        let lost = [NOT_READY_TAINT, UNREACHABLE_TAINT].map(|key| Taint {
            key: key.into(),
            value: String::new(),
            effect: TaintEffect::NoExecute,
            time_added: None,
        });
        let r = f.taint_node(lost.to_vec(), T0);
        assert!(r.effects.is_empty(), "{:?}", r.effects);
        assert!(f.c.queue.work.is_empty());
    }

    #[test]
    fn a_pod_bound_to_an_already_tainted_node_is_evicted_and_other_pod_updates_are_ignored() {
        // TestUpdatePod "scheduling onto tainted Node"; TestEventualConsistency "existing
        // pod2 scheduled onto tainted Node". PodUpdated ignores updates that change neither
        // tolerations nor nodeName.
        let mut f = fixture();
        f.taint_node(vec![taint(1)], T0);
        let pod = fx::pod(&mut f.h.store, "pod2", f.ns, fx::spec(100), None, None);
        let notice = |change| Notice {
            obj: ObjRef::pod(pod),
            change,
            controller: None,
        };
        let added = run(&mut f.c, &f.h.store, &mut (), ME, T0, |c, cx| {
            c.observe(cx, notice(Change::Added))
        });
        assert!(added.effects.is_empty(), "not scheduled: ignored");
        f.h.store.pods.get_mut(pod).unwrap().node = Some(f.node);
        let bound = run(&mut f.c, &f.h.store, &mut (), ME, T0, |c, cx| {
            c.observe(cx, notice(Change::Modified))
        });
        assert_eq!(gets(&bound), [pod]);
        f.h.store.pods.get_mut(pod).unwrap().status.phase = crate::model::pod::Phase::Running;
        let status = run(&mut f.c, &f.h.store, &mut (), ME, T0, |c, cx| {
            c.observe(cx, notice(Change::Modified))
        });
        assert!(status.effects.is_empty());
    }

    #[test]
    fn a_deleted_node_forgets_its_taints() {
        // TestDeleteNode: taintedNodes loses the node.
        let mut f = fixture();
        f.taint_node(vec![taint(1)], T0);
        f.h.store.remove(ObjRef {
            kind: Kind::Node,
            id: f.node,
        });
        f.node_notice(Change::Deleted, T0);
        assert!(f.c.tainted.is_empty());
    }
}
