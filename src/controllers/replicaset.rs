//! The ReplicaSet controller, which also runs ReplicationControllers (the RC manager wraps
//! the same code: pkg/controller/replication wraps the ReplicaSet controller).
//!
//! Mirrors `pkg/controller/replicaset/replica_set.go`: `syncReplicaSet` waits until the
//! creates and deletes it expects have been observed (expectations), then `manageReplicas`
//! creates at most `BurstReplicas` = 500 pods per sync in slow-start batches of 1, 2, 4, …
//! (stopping at the first failed batch) or deletes the lowest-ranked pods, and finally
//! writes the status (`calculateStatus`). Pods relabelled out of the selector are released
//! (`ClaimObject`). Simplifications: no adoption of orphan pods that match the selector, and
//! no 5-minute expectations timeout (kubesim never loses a watch event).

use crate::apiserver::Op;
use crate::component::{Change, Component, Ctx, Notice, Response};
use crate::controllers::Workers;
use crate::controllers::activepods::{self, PodFacts};
use crate::controllers::podcontrol::pod_from_template;
use crate::controllers::podcontrol::{
    Expectations, delete_pod, record_create, record_delete, slow_start_batch,
};
use crate::controllers::workqueue::FailureBackoff;
use crate::model::kind::Kind;
use crate::model::meta::{ObjRef, OwnerRef};
use crate::model::object::NewObject;
use crate::model::pod::Pod;
use crate::model::workload::{ReplicaSet, ReplicaSetStatus};
use crate::sim::time::SimDuration;
use std::collections::BTreeMap;

/// `BurstReplicas` (pkg/controller/replicaset/replica_set.go).
pub const BURST_REPLICAS: i32 = 500;
/// `--concurrent-replicaset-syncs` (kube-controller-manager's default).
pub const WORKERS: usize = 5;

/// An in-flight sync of one ReplicaSet.
#[derive(Debug, Default)]
struct SyncState {
    /// Creates still to send in later batches.
    remaining: i32,
    /// Size of the batch in flight.
    batch: i32,
    /// Responses still awaited.
    outstanding: u32,
    /// A create in this batch failed.
    failed: bool,
}

/// The controller's state.
#[derive(Debug)]
pub struct ReplicaSetController {
    /// Its work queue.
    pub workers: Workers<Timer>,
    /// Per RS: creates and deletes expected but not yet observed.
    expectations: Expectations,
    syncs: BTreeMap<u32, SyncState>,
    deleting: BTreeMap<u32, String>,
    /// Per RS: how long to wait before retrying a sync whose creates failed.
    backoff: FailureBackoff,
    /// RSs whose status write met a Conflict and was sent again.
    status_retried: std::collections::BTreeSet<u32>,
}

impl Default for ReplicaSetController {
    fn default() -> Self {
        ReplicaSetController {
            workers: Workers::new(WORKERS, Kind::ReplicaSet, NAME, Timer::Sync),
            expectations: Expectations::default(),
            syncs: BTreeMap::new(),
            deleting: BTreeMap::new(),
            backoff: FailureBackoff::default(),
            status_retried: Default::default(),
        }
    }
}

pub use crate::controllers::podcontrol::{Tag, Timer};

type Cx<'a> = Ctx<'a, ReplicaSetController>;

const NAME: &str = "replicaset-controller";

impl Component for ReplicaSetController {
    type Tag = Tag;
    type Timer = Timer;
    type Env = ();

    fn observe(&mut self, cx: &mut Cx<'_>, n: Notice) {
        observe(self, cx, n.obj, n.change, n.controller);
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

fn source(cx: &Cx<'_>, rs: u32) -> &'static str {
    if cx.store.rs_kind(rs) == Kind::ReplicationController {
        "replication-controller"
    } else {
        "replicaset-controller"
    }
}

fn rs_ref(cx: &Cx<'_>, id: u32) -> ObjRef {
    ObjRef {
        kind: cx.store.rs_kind(id),
        id,
    }
}

/// An informer event: a pod of this RS (`owner`) or the RS itself changed.
fn observe(
    me: &mut ReplicaSetController,
    cx: &mut Cx<'_>,
    obj: ObjRef,
    change: Change,
    owner: Option<u32>,
) {
    let key = match obj.kind {
        Kind::Pod => {
            let Some(rs) = owner else { return };
            let terminating = cx
                .store
                .pods
                .get(obj.id)
                .is_some_and(|p| p.meta.deleted.is_some());
            me.expectations.observe_pod(rs, obj.id, change, terminating);
            rs
        }
        _ => {
            if change == Change::Deleted {
                me.expectations.forget(obj.id);
            }
            obj.id
        }
    };
    me.workers.enqueue(cx, key);
}

/// Pods controlled by this RS whose labels its selector still matches: the pods
/// `claimPods` keeps (`ClaimObject`, pkg/controller/controller_ref_manager.go).
fn owned_pods(cx: &Cx<'_>, rs: ObjRef) -> Vec<u32> {
    claim(cx, rs).0
}

/// `ClaimObject` over the RS's controlled pods: those the selector matches, and those it no
/// longer matches (relabelled), which a live RS releases by removing its owner reference.
/// Orphans are not adopted (see the module docs).
fn claim(cx: &Cx<'_>, rs: ObjRef) -> (Vec<u32>, Vec<u32>) {
    let Some(selector) = cx.store.replicasets.get(rs.id).map(|r| &r.spec.selector) else {
        return (Vec::new(), Vec::new());
    };
    let (mut kept, mut released) = (Vec::new(), Vec::new());
    // A template's pods share one copy of its labels until one is relabelled: match that
    // copy once.
    let mut last: Option<(&crate::model::labels::Labels, bool)> = None;
    for d in cx.store.dependents_of(rs) {
        let Some(p) = cx.store.pods.get(d.id).filter(|_| d.kind == Kind::Pod) else {
            continue;
        };
        if p.meta.controller() != Some(rs) {
            continue;
        }
        let matched = match last {
            Some((labels, m)) if labels.shares(&p.meta.labels) => m,
            _ => {
                let m = selector.matches(&p.meta.labels);
                last = Some((&p.meta.labels, m));
                m
            }
        };
        if matched {
            kept.push(d.id);
        } else {
            released.push(d.id);
        }
    }
    (kept, released)
}

/// `ReleasePod`: a patch removing the RS's owner reference from a pod it no longer selects,
/// unless the RS itself is being deleted.
fn release(cx: &mut Cx<'_>, rs: ObjRef, pods: Vec<u32>) {
    if cx
        .store
        .replicasets
        .get(rs.id)
        .is_none_or(|r| r.meta.deleted.is_some())
    {
        return;
    }
    for pod in pods {
        let dependent = ObjRef {
            kind: Kind::Pod,
            id: pod,
        };
        let key = cx.store.key(dependent);
        let op = Op::RemoveOwnerRef {
            dependent,
            owner: rs,
        };
        cx.submit(op, Tag::Release(rs.id), &key);
    }
}

/// `syncReplicaSet`.
fn sync(me: &mut ReplicaSetController, cx: &mut Cx<'_>, id: u32) {
    let r = rs_ref(cx, id);
    let Some(rs) = cx.store.replicasets.get(id) else {
        me.expectations.forget(id);
        me.backoff.forget(id);
        me.workers.done(cx, id);
        return;
    };
    let replicas = rs.spec.replicas;
    let being_deleted = rs.meta.deleted.is_some();
    let (all, released) = claim(cx, r);
    release(cx, r, released);
    let active: Vec<u32> = all
        .iter()
        .copied()
        .filter(|p| cx.store.pods.get(*p).is_some_and(Pod::is_active))
        .collect();
    let satisfied = me.expectations.satisfied(id);
    if satisfied && !being_deleted {
        let diff = active.len() as i32 - replicas;
        if diff < 0 {
            let n = (-diff).min(BURST_REPLICAS);
            me.expectations.set(id, n, 0);
            me.syncs.insert(
                id,
                SyncState {
                    remaining: n,
                    ..Default::default()
                },
            );
            next_batch(me, cx, id);
            return;
        }
        if diff > 0 {
            let n = diff.min(BURST_REPLICAS) as usize;
            let victims = pods_to_delete(cx, r, &active, n);
            me.expectations.set(id, 0, victims.len() as i32);
            me.syncs.insert(
                id,
                SyncState {
                    outstanding: victims.len() as u32,
                    ..Default::default()
                },
            );
            for pod in victims {
                delete_pod(cx, &mut me.deleting, pod, Tag::Delete(id));
            }
            return;
        }
        me.backoff.forget(id);
    }
    write_status_of(me, cx, id, &all);
}

fn next_batch(me: &mut ReplicaSetController, cx: &mut Cx<'_>, id: u32) {
    let Some(st) = me.syncs.get_mut(&id) else {
        return;
    };
    // slowStartBatch: 1, 2, 4, … (SlowStartInitialBatchSize = 1, facts A.5).
    let batch = slow_start_batch(st.batch as usize, st.remaining as usize) as i32;
    st.batch = batch;
    st.remaining -= batch;
    st.outstanding = batch as u32;
    st.failed = false;
    let Some(rs) = cx.store.replicasets.get(id) else {
        return;
    };
    let rs_name = rs.meta.name.clone();
    let ns = rs.meta.namespace.map(|n| cx.store.ns_name(n).to_string());
    let template = rs.spec.template.clone();
    let owner = OwnerRef {
        owner: rs_ref(cx, id),
        uid: rs.meta.uid,
        controller: true,
        block_owner_deletion: true,
    };
    let key = format!("{}/{}", ns.clone().unwrap_or_default(), rs_name);
    for _ in 0..batch {
        let pod = pod_from_template(&template, template.labels.clone(), owner);
        let op = Op::Create {
            object: Box::new(NewObject::Pod(pod)),
            namespace: ns.clone(),
            generate_name: Some(format!("{rs_name}-")),
        };
        cx.submit(op, Tag::Create(id), &key);
    }
}

/// `getPodsToDelete` over the RS's active pods, ranked by the active pods of every
/// ReplicaSet with the same controller on the same node (`getIndirectlyRelatedPods`); a
/// ReplicaSet without a controller has no related pods, so all its ranks are 0. Related pods
/// are those the sibling ReplicaSets control (Go lists each sibling's selector, which for a
/// Deployment's ReplicaSets includes its pod-template-hash).
fn pods_to_delete(cx: &Cx<'_>, rs: ObjRef, active: &[u32], n: usize) -> Vec<u32> {
    let pods = active
        .iter()
        .filter_map(|id| Some((*id, PodFacts::of(cx.store.pods.get(*id)?))))
        .collect();
    let siblings: Vec<ObjRef> = match cx.store.meta(rs).and_then(|m| m.controller()) {
        Some(owner) => cx
            .store
            .dependents_of(owner)
            .iter()
            .copied()
            .filter(|d| matches!(d.kind, Kind::ReplicaSet | Kind::ReplicationController))
            .collect(),
        None => Vec::new(),
    };
    let related = siblings.into_iter().flat_map(|s| {
        cx.store
            .dependents_of(s)
            .iter()
            .filter(move |d| d.kind == Kind::Pod)
            .filter_map(|d| cx.store.pods.get(d.id))
            .filter(move |p| p.is_active() && p.meta.controller() == Some(s))
            .map(|p| p.node)
    });
    activepods::pods_to_delete(pods, related, n, cx.now)
}

/// `calculateStatus` and the status write; the worker is done once it returns.
fn write_status(me: &mut ReplicaSetController, cx: &mut Cx<'_>, id: u32) {
    let owned = owned_pods(cx, rs_ref(cx, id));
    write_status_of(me, cx, id, &owned);
}

/// [`write_status`] over the pods a sync has just claimed (`owned`), so a sync lists and
/// matches its pods once, as `syncReplicaSet` passes `filteredPods` to `calculateStatus`.
fn write_status_of(me: &mut ReplicaSetController, cx: &mut Cx<'_>, id: u32, owned: &[u32]) {
    let r = rs_ref(cx, id);
    let Some(rs) = cx.store.replicasets.get(id) else {
        me.workers.done(cx, id);
        return;
    };
    let status = calculate_status(cx, rs, owned);
    let min_ready = rs.spec.min_ready_seconds;
    if status == rs.status {
        requeue_for_availability(cx, id, &status, min_ready);
        me.workers.done(cx, id);
        return;
    }
    let key = cx.store.key(r);
    requeue_for_availability(cx, id, &status, min_ready);
    let resource_version = rs.meta.resource_version;
    cx.submit(
        Op::ReplicaSetStatus {
            id,
            status,
            resource_version,
        },
        Tag::Status(id),
        &key,
    );
}

/// `AddAfter(key, minReadySeconds)` while some ready pods are not yet available.
fn requeue_for_availability(cx: &mut Cx<'_>, id: u32, s: &ReplicaSetStatus, min_ready: i64) {
    if min_ready > 0 && s.ready_replicas != s.available_replicas {
        cx.after(SimDuration::from_secs(min_ready as u64), Timer::Requeue(id));
    }
}

fn calculate_status(cx: &Cx<'_>, rs: &ReplicaSet, owned: &[u32]) -> ReplicaSetStatus {
    let now = cx.now;
    let mut s = ReplicaSetStatus {
        observed_generation: rs.meta.generation,
        ..Default::default()
    };
    for &pid in owned {
        let Some(p) = cx.store.pods.get(pid) else {
            continue;
        };
        if !p.is_active() {
            continue;
        }
        s.replicas += 1;
        if rs
            .spec
            .template
            .labels
            .iter()
            .all(|(k, v)| p.meta.labels.get(k) == Some(v))
        {
            s.fully_labeled_replicas += 1;
        }
        if p.is_ready() {
            s.ready_replicas += 1;
            if p.is_available(rs.spec.min_ready_seconds, now) {
                s.available_replicas += 1;
            }
        }
    }
    s
}

/// A response to one of this controller's requests.
fn on_response(me: &mut ReplicaSetController, cx: &mut Cx<'_>, tag: Tag, req: Response<'_>) {
    let outcome = req.outcome;
    match tag {
        Tag::Create(id) => {
            let rs = rs_ref(cx, id);
            let src = source(cx, id);
            if record_create(cx, rs, src, outcome) {
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
            if st.failed || st.remaining == 0 {
                // Creates skipped after a failed batch are never observed: lower them.
                let (skipped, failed) = (st.remaining, st.failed);
                me.syncs.remove(&id);
                me.expectations.lower(id, skipped, 0);
                // A sync that returned the create error is added again rate-limited.
                if let Some(after) = me.backoff.sync_ended(id, failed) {
                    cx.after(after, Timer::Requeue(id));
                }
                write_status(me, cx, id);
            } else {
                next_batch(me, cx, id);
            }
        }
        Tag::Delete(id) => {
            let Op::Delete { target, .. } = &req.op else {
                return;
            };
            let name = me.deleting.remove(&target.id).unwrap_or_default();
            let rs = rs_ref(cx, id);
            let src = source(cx, id);
            if record_delete(cx, rs, src, &name, outcome) {
                me.expectations.lower(id, 0, 1);
            }
            let Some(st) = me.syncs.get_mut(&id) else {
                return;
            };
            st.outstanding = st.outstanding.saturating_sub(1);
            if st.outstanding == 0 {
                me.syncs.remove(&id);
                write_status(me, cx, id);
            }
        }
        Tag::Status(id) => {
            // updateReplicaSetStatus: a Conflict (the Deployment controller scaled the RS
            // meanwhile) GETs the RS and tries once more (statusUpdateRetries 1); a second
            // failure returns the error, and the sync is added again rate-limited.
            let conflict = matches!(outcome, crate::model::request::Outcome::Failed(e) if e.reason == "Conflict");
            if conflict && me.status_retried.insert(id) {
                write_status(me, cx, id);
                return;
            }
            me.status_retried.remove(&id);
            me.workers.done(cx, id);
            if conflict {
                let after = me.backoff.when(id);
                cx.after(after, Timer::Requeue(id));
            }
        }
        // The released pod no longer reaches this controller; nothing waits for it.
        Tag::Release(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apiserver::testing::Harness;
    use crate::component::ctx::testing::{Recorder, run};
    use crate::component::{ComponentId, ComponentKind};
    use crate::etcd::store::testing as fx;
    use crate::model::meta::NsId;
    use crate::model::pod::PodStatus;
    use crate::model::pod::{ContainerState, ContainerStatus, Phase};
    use crate::model::workload::Strategy;
    use crate::sim::time::SimTime;

    const ME: ComponentId = ComponentId::of(ComponentKind::ReplicaSetController);
    const NOW: SimTime = SimTime(1_000_000);

    fn sync_now(
        c: &mut ReplicaSetController,
        h: &Harness,
        rs: u32,
    ) -> Recorder<ReplicaSetController> {
        run(c, &h.store, &mut (), ME, NOW, |c, cx| {
            c.on_timer(cx, Timer::Sync(rs))
        })
    }

    fn creates(r: &Recorder<ReplicaSetController>) -> Vec<&Op> {
        r.requests()
            .into_iter()
            .filter(|(op, _)| matches!(op, Op::Create { .. }))
            .map(|(op, _)| op)
            .collect()
    }

    fn pod_ref(id: u32) -> ObjRef {
        ObjRef {
            kind: Kind::Pod,
            id,
        }
    }

    fn added(c: &mut ReplicaSetController, h: &Harness, pod: u32, rs: u32) {
        run(c, &h.store, &mut (), ME, NOW, |c, cx| {
            c.observe(
                cx,
                Notice {
                    obj: pod_ref(pod),
                    change: Change::Added,
                    controller: Some(rs),
                },
            )
        });
    }

    /// An RS `web` with `replicas` in namespace `default`.
    fn setup(replicas: i32) -> (Harness, u32) {
        let mut h = Harness::default();
        let ns = fx::namespace(&mut h.store, "default");
        let rs = fx::replicaset(&mut h.store, "web", ns, replicas, None);
        (h, rs)
    }

    /// [`setup`] plus a node: (harness, namespace, node, RS, the RS as owner).
    fn with_node(replicas: i32) -> (Harness, NsId, u32, u32, Option<ObjRef>) {
        let (mut h, rs) = setup(replicas);
        let ns = h.store.find_ns("default").unwrap();
        let node = fx::node(&mut h.store, "aks-nodepool1-0", 4000, 16 << 30);
        let owner = Some(ObjRef {
            kind: Kind::ReplicaSet,
            id: rs,
        });
        (h, ns, node, rs, owner)
    }

    #[test]
    fn a_pod_relabelled_out_of_the_selector_is_released_and_replaced() {
        // controller_ref_manager.go ClaimObject: an owned pod the selector no longer matches
        // is released (ReleasePod removes the owner reference) and not counted, so
        // manageReplicas creates a replacement in the same sync.
        let (mut h, ns, node, rs, owner) = with_node(1);
        let pod = fx::pod(&mut h.store, "web-a", ns, fx::spec(100), owner, Some(node));
        let mut c = ReplicaSetController::default();
        assert!(
            creates(&sync_now(&mut c, &h, rs)).is_empty(),
            "one pod for one replica"
        );
        h.store.pods.get_mut(pod).unwrap().meta.labels = fx::labels(&[("app", "moved")]);
        let r = sync_now(&mut c, &h, rs);
        let owner = owner.unwrap();
        assert!(r.requests().iter().any(|(op, tag)| matches!(
            op,
            Op::RemoveOwnerRef { dependent, owner: o }
                if *dependent == pod_ref(pod) && *o == owner
        ) && *tag == Tag::Release(rs)));
        assert_eq!(creates(&r).len(), 1, "the replacement");
    }

    #[test]
    fn a_deleting_replica_set_releases_nothing() {
        // ClaimObject: "Try to release, unless we're being deleted."
        let (mut h, ns, node, rs, owner) = with_node(1);
        let pod = fx::pod(&mut h.store, "web-a", ns, fx::spec(100), owner, Some(node));
        h.store.pods.get_mut(pod).unwrap().meta.labels = fx::labels(&[("app", "moved")]);
        h.store.replicasets.get_mut(rs).unwrap().meta.deleted = Some(NOW);
        let mut c = ReplicaSetController::default();
        let r = sync_now(&mut c, &h, rs);
        assert!(
            !r.requests()
                .iter()
                .any(|(op, _)| matches!(op, Op::RemoveOwnerRef { .. }))
        );
    }

    #[test]
    fn first_sync_creates_one_pod_then_doubles_the_batch() {
        // replica_set.go manageReplicas → slowStartBatch(diff, SlowStartInitialBatchSize=1,
        // …): batches of 1, then min(2·1, remaining) = 2 for 3 missing replicas.
        let (mut h, rs) = setup(3);
        let mut c = ReplicaSetController::default();
        let first = sync_now(&mut c, &h, rs);
        let sent = creates(&first);
        assert_eq!(sent.len(), 1, "slow start begins with a batch of 1");
        let rs_uid = h.store.replicasets.get(rs).unwrap().meta.uid;
        match sent[0] {
            Op::Create {
                object,
                namespace,
                generate_name,
            } => {
                // controller_utils.go getPodsPrefix: generateName `<rs>-`; the owner is
                // metav1.NewControllerRef (controller and blockOwnerDeletion true).
                assert_eq!(generate_name.as_deref(), Some("web-"));
                assert_eq!(namespace.as_deref(), Some("default"));
                let owner = object.meta().owners[0];
                assert_eq!(
                    owner.owner,
                    ObjRef {
                        kind: Kind::ReplicaSet,
                        id: rs
                    }
                );
                assert_eq!(owner.uid, rs_uid);
                assert!(owner.controller && owner.block_owner_deletion);
            }
            other => panic!("not a create: {other:?}"),
        }
        assert_eq!(first.requests()[0].1, Tag::Create(rs));

        let second = h.answer(&mut c, &mut (), ME, NOW, &first);
        // controller_utils.go RealPodControl.createPods: `Created pod: <name>`.
        let ev = second.events();
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].reason, "SuccessfulCreate");
        assert_eq!(ev[0].source, "replicaset-controller");
        assert!(!ev[0].warning);
        let pod = h.store.pods.iter().next().unwrap().1.meta.name.clone();
        assert_eq!(ev[0].message, format!("Created pod: {pod}"));
        assert_eq!(creates(&second).len(), 2, "the second batch is 2");

        let third = h.answer(&mut c, &mut (), ME, NOW, &second);
        assert!(creates(&third).is_empty(), "3 = 1 + 2: nothing left");
        assert_eq!(h.store.pods.len(), 3);
        assert!(
            third
                .requests()
                .iter()
                .any(|(op, tag)| matches!(op, Op::ReplicaSetStatus { .. })
                    && *tag == Tag::Status(rs)),
            "the sync ends with the status write"
        );
    }

    #[test]
    fn a_status_write_that_meets_a_scale_is_sent_once_more_then_the_sync_is_retried() {
        // replica_set_utils.go updateReplicaSetStatus: UpdateStatus with the RS as read; on
        // an error it GETs the RS and tries again (statusUpdateRetries = 1); a second error
        // is returned and processNextWorkItem adds the key rate-limited (5 ms first).
        let (mut h, rs) = setup(0);
        h.store.replicasets.get_mut(rs).unwrap().status.replicas = 3;
        let mut c = ReplicaSetController::default();
        let first = sync_now(&mut c, &h, rs);
        let status = |r: &Recorder<ReplicaSetController>| {
            r.requests()
                .into_iter()
                .filter_map(|(op, _)| match op {
                    Op::ReplicaSetStatus {
                        resource_version, ..
                    } => Some(*resource_version),
                    _ => None,
                })
                .collect::<Vec<u64>>()
        };
        let read = h.store.replicasets.get(rs).unwrap().meta.resource_version;
        // Another writer (the Deployment controller's scale) commits first.
        let bump = |h: &mut Harness| {
            h.store
                .replicasets
                .get_mut(rs)
                .unwrap()
                .meta
                .resource_version += 1
        };
        assert_eq!(status(&first), [read]);
        bump(&mut h);
        let second = h.answer(&mut c, &mut (), ME, NOW, &first);
        assert_eq!(
            status(&second),
            [read + 1],
            "sent again with the RS as now read"
        );
        assert!(second.timers().is_empty());
        bump(&mut h);
        let third = h.answer(&mut c, &mut (), ME, NOW, &second);
        assert!(status(&third).is_empty());
        assert_eq!(
            third.timers(),
            vec![(NOW + SimDuration(5_000), Timer::Requeue(rs))]
        );
        assert_eq!(h.store.replicasets.get(rs).unwrap().status.replicas, 3);
    }

    #[test]
    fn generated_names_are_the_prefix_and_five_safe_characters() {
        // apiserver SimpleNameGenerator: base + utilrand.String(5) from the safe alphabet.
        let (mut h, rs) = setup(1);
        let mut c = ReplicaSetController::default();
        let first = sync_now(&mut c, &h, rs);
        h.answer(&mut c, &mut (), ME, NOW, &first);
        let name = h.store.pods.iter().next().unwrap().1.meta.name.clone();
        let suffix = name.strip_prefix("web-").expect("prefixed");
        assert_eq!(suffix.len(), 5);
        assert!(
            suffix
                .bytes()
                .all(|b| crate::apiserver::SAFE_ALPHABET.contains(&b))
        );
    }

    #[test]
    fn expectations_block_a_sync_until_the_creates_are_observed() {
        // replica_set.go syncReplicaSet: `rsNeedsSync := rsc.expectations.SatisfiedExpectations`;
        // manageReplicas runs only once every expected create was seen by the informer.
        let (mut h, rs) = setup(2);
        let mut c = ReplicaSetController::default();
        let first = sync_now(&mut c, &h, rs);
        let second = h.answer(&mut c, &mut (), ME, NOW, &first);
        h.answer(&mut c, &mut (), ME, NOW, &second);
        assert_eq!(h.store.pods.len(), 2);
        // The RS is scaled to 3 before the informer has delivered the two ADDED events.
        h.store.replicasets.get_mut(rs).unwrap().spec.replicas = 3;
        let blocked = sync_now(&mut c, &h, rs);
        assert!(creates(&blocked).is_empty(), "2 creates still expected");
        let pods: Vec<u32> = h.store.pods.iter().map(|(id, _)| id).collect();
        added(&mut c, &h, pods[0], rs);
        assert!(
            creates(&sync_now(&mut c, &h, rs)).is_empty(),
            "1 still expected"
        );
        added(&mut c, &h, pods[1], rs);
        let freed = sync_now(&mut c, &h, rs);
        assert_eq!(creates(&freed).len(), 1, "3 − 2 active = 1");
    }

    #[test]
    fn scale_down_deletes_unassigned_then_pending_then_unready_pods() {
        // controller_utils.go ActivePodsWithRanks.Less: unassigned < assigned; Pending <
        // Running; not ready < ready. getPodsToDelete takes the first `diff` of that order.
        let (mut h, ns, node, rs, owner) = with_node(1);
        let running = |ready: bool| PodStatus {
            phase: Phase::Running,
            scheduled: Some(true),
            ready_since: ready.then_some(SimTime(1)),
            containers: vec![ContainerStatus {
                state: ContainerState::Running(SimTime(1)),
                ready,
                restart_count: 0,
                last_state: None,
            }],
            ..PodStatus::default()
        };
        let ready = fx::pod(&mut h.store, "ready", ns, fx::spec(100), owner, Some(node));
        h.store.pods.get_mut(ready).unwrap().status = running(true);
        let unready = fx::pod(
            &mut h.store,
            "unready",
            ns,
            fx::spec(100),
            owner,
            Some(node),
        );
        h.store.pods.get_mut(unready).unwrap().status = running(false);
        let pending = fx::pod(
            &mut h.store,
            "pending",
            ns,
            fx::spec(100),
            owner,
            Some(node),
        );
        let unassigned = fx::pod(&mut h.store, "unassigned", ns, fx::spec(100), owner, None);
        let mut c = ReplicaSetController::default();
        let first = sync_now(&mut c, &h, rs);
        let targets: Vec<u32> = first
            .requests()
            .iter()
            .filter_map(|(op, tag)| match op {
                Op::Delete { target, .. } => {
                    assert_eq!(*tag, Tag::Delete(rs));
                    Some(target.id)
                }
                _ => None,
            })
            .collect();
        assert_eq!(targets, vec![unassigned, pending, unready]);
        let second = h.answer(&mut c, &mut (), ME, NOW, &first);
        // controller_utils.go RealPodControl.DeletePod: `Deleted pod: <name>`.
        let texts: Vec<(&str, &str)> = second
            .events()
            .iter()
            .map(|e| (e.reason, e.message.as_str()))
            .collect();
        assert_eq!(
            texts,
            vec![
                ("SuccessfulDelete", "Deleted pod: unassigned"),
                ("SuccessfulDelete", "Deleted pod: pending"),
                ("SuccessfulDelete", "Deleted pod: unready"),
            ]
        );
        assert!(h.store.pods.get(ready).is_some());
    }

    /// The pod ids the first sync deletes, in request order.
    fn deleted(r: &Recorder<ReplicaSetController>) -> Vec<u32> {
        r.requests()
            .iter()
            .filter_map(|(op, _)| match op {
                Op::Delete { target, .. } => Some(target.id),
                _ => None,
            })
            .collect()
    }

    /// A ready pod of `owner` on `node`, created and ready at t=1 µs.
    fn ready_pod(h: &mut Harness, name: &str, owner: Option<ObjRef>, node: u32) -> u32 {
        let ns = h.store.find_ns("default").unwrap();
        let id = fx::pod(&mut h.store, name, ns, fx::spec(100), owner, Some(node));
        let p = h.store.pods.get_mut(id).unwrap();
        p.status.phase = Phase::Running;
        p.status.ready_since = Some(SimTime(1));
        id
    }

    #[test]
    fn scale_down_prefers_pods_doubled_up_with_a_sibling_replica_sets_pods() {
        // replica_set.go manageReplicas → getIndirectlyRelatedPods (pods of every ReplicaSet
        // with the same controller) → getPodsRankedByRelatedPodsOnSameNode: the pod sharing
        // node-0 with the old ReplicaSet's pod has rank 2, the one on node-1 rank 1, and
        // ActivePodsWithRanks.Less deletes the higher rank first.
        let mut h = Harness::default();
        let ns = fx::namespace(&mut h.store, "default");
        let dep = fx::deployment(&mut h.store, "web", ns, 1, Strategy::Recreate);
        let dep = Some(ObjRef {
            kind: Kind::Deployment,
            id: dep,
        });
        let old = fx::replicaset(&mut h.store, "web-old", ns, 1, dep);
        let new = fx::replicaset(&mut h.store, "web-new", ns, 1, dep);
        let n0 = fx::node(&mut h.store, "node-0", 4000, 16 << 30);
        let n1 = fx::node(&mut h.store, "node-1", 4000, 16 << 30);
        let rs_ref = |id| {
            Some(ObjRef {
                kind: Kind::ReplicaSet,
                id,
            })
        };
        ready_pod(&mut h, "old-a", rs_ref(old), n0);
        ready_pod(&mut h, "new-a", rs_ref(new), n1);
        let doubled = ready_pod(&mut h, "new-b", rs_ref(new), n0);
        let mut c = ReplicaSetController::default();
        assert_eq!(deleted(&sync_now(&mut c, &h, new)), [doubled]);
    }

    #[test]
    fn a_replica_set_without_a_controller_ranks_no_pods_by_node() {
        // replica_set.go getReplicaSetsWithSameController returns nil without a controllerRef,
        // so every rank is 0: the doubled-up pods on node-0 are not preferred, and the newest
        // pod goes (step 8: created 1 ms before now, the others 1 s).
        let (mut h, _, n0, rs, owner) = with_node(2);
        let n1 = fx::node(&mut h.store, "node-1", 4000, 16 << 30);
        let doubled = [
            ready_pod(&mut h, "a", owner, n0),
            ready_pod(&mut h, "b", owner, n0),
        ];
        let apart = ready_pod(&mut h, "c", owner, n1);
        for id in doubled {
            h.store.pods.get_mut(id).unwrap().meta.created = SimTime(0);
        }
        h.store.pods.get_mut(apart).unwrap().meta.created = SimTime(NOW.0 - 1_000);
        let mut c = ReplicaSetController::default();
        assert_eq!(deleted(&sync_now(&mut c, &h, rs)), [apart]);
    }

    #[test]
    fn scale_down_deletes_the_lowest_pod_deletion_cost_first() {
        // ActivePodsWithRanks.Less step 4: `controller.kubernetes.io/pod-deletion-cost`, lower
        // first, before ranks and ready times (PodDeletionCost, on by default since 1.22).
        let (mut h, _, node, rs, owner) = with_node(1);
        let costly = ready_pod(&mut h, "costly", owner, node);
        let cheap = ready_pod(&mut h, "cheap", owner, node);
        let plain = ready_pod(&mut h, "plain", owner, node);
        let set = |h: &mut Harness, id: u32, v: &str| {
            let meta = &mut h.store.pods.get_mut(id).unwrap().meta;
            meta.annotations.insert(activepods::POD_DELETION_COST, v);
        };
        set(&mut h, costly, "100");
        set(&mut h, cheap, "-100");
        let mut c = ReplicaSetController::default();
        assert_eq!(deleted(&sync_now(&mut c, &h, rs)), [cheap, plain]);
    }

    #[test]
    fn a_replication_controller_records_as_replication_controller() {
        // pkg/controller/replication: the RC manager's recorder uses component
        // `replication-controller`.
        let (mut h, rs) = setup(1);
        h.store.replicasets.get_mut(rs).unwrap().legacy_rc = true;
        let mut c = ReplicaSetController::default();
        let first = sync_now(&mut c, &h, rs);
        let second = h.answer(&mut c, &mut (), ME, NOW, &first);
        assert_eq!(second.events()[0].source, "replication-controller");
    }

    #[test]
    fn a_failed_batch_stops_slow_start_and_releases_the_skipped_expectations() {
        // replica_set.go manageReplicas: slowStartBatch returns at the first error; the
        // creates it skipped are marked observed (`CreationObserved` per skipped pod), so the
        // next sync is not blocked. controller_utils.go createPods: `Error creating: %v`.
        let (mut h, rs) = setup(3);
        let ns = h.store.find_ns("default").unwrap();
        let ns_obj = h.store.lookup(Kind::Namespace, None, "default").unwrap();
        h.store.remove(ObjRef {
            kind: Kind::Namespace,
            id: ns_obj,
        });
        let mut c = ReplicaSetController::default();
        let first = sync_now(&mut c, &h, rs);
        assert_eq!(creates(&first).len(), 1);
        let second = h.answer(&mut c, &mut (), ME, NOW, &first);
        assert!(
            creates(&second).is_empty(),
            "no second batch after a failure"
        );
        let ev = second.events();
        assert_eq!(ev.len(), 1);
        assert!(ev[0].warning);
        assert_eq!(ev[0].reason, "FailedCreate");
        assert_eq!(
            ev[0].message,
            r#"Error creating: namespaces "default" not found"#
        );
        assert_eq!(h.store.pods.len(), 0);
        assert_eq!(h.store.find_ns("default"), Some(ns));
        assert_eq!(creates(&sync_now(&mut c, &h, rs)).len(), 1, "not blocked");
    }

    #[test]
    fn a_graceful_deletion_is_observed_through_its_deletion_timestamp() {
        // replica_set.go updatePod: a pod that gets a deletionTimestamp is treated as
        // deleted at once (`rsc.deletePod(curPod)`), lowering the expected deletions.
        let (mut h, ns, node, rs, owner) = with_node(1);
        let pods: Vec<u32> = ["a", "b", "c"]
            .iter()
            .map(|n| fx::pod(&mut h.store, n, ns, fx::spec(100), owner, Some(node)))
            .collect();
        let mut c = ReplicaSetController::default();
        let first = sync_now(&mut c, &h, rs);
        assert_eq!(first.requests().len(), 2, "3 − 1 deletes");
        h.answer(&mut c, &mut (), ME, NOW, &first);
        let terminating: Vec<u32> = pods
            .iter()
            .copied()
            .filter(|p| h.store.pods.get(*p).unwrap().meta.deleted.is_some())
            .collect();
        assert_eq!(terminating.len(), 2, "bound pods are deleted gracefully");
        // Scaled back up before the informer saw the deletions: blocked.
        h.store.replicasets.get_mut(rs).unwrap().spec.replicas = 3;
        assert!(creates(&sync_now(&mut c, &h, rs)).is_empty());
        for p in &terminating {
            run(&mut c, &h.store, &mut (), ME, NOW, |c, cx| {
                c.observe(
                    cx,
                    Notice {
                        obj: pod_ref(*p),
                        change: Change::Modified,
                        controller: Some(rs),
                    },
                )
            });
        }
        // 1 active pod, 3 wanted: slow start's first batch.
        assert_eq!(creates(&sync_now(&mut c, &h, rs)).len(), 1);
    }
}
