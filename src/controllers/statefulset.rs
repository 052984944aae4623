//! The StatefulSet controller: pods with stable names `<set>-0 … <set>-(N-1)`.
//!
//! Mirrors `pkg/controller/statefulset` (kubernetes/kubernetes, 1.35 line). A sync is
//! `updateStatefulSet` (stateful_set_control.go): pods are split by the ordinal in their
//! name into replicas (`0 ≤ ord < replicas`) and condemned ones; each replica is processed in
//! ordinal order (`processReplica`: a failed or succeeded pod is deleted and recreated once
//! it is gone, a missing pod is created; with `OrderedReady` the sync stops at the first pod
//! created, terminating, not Running and Ready, or not available for `minReadySeconds`);
//! then condemned pods are deleted from the highest ordinal down (`processCondemned`, one
//! at a time and only while every other pod is healthy under `OrderedReady`); last the
//! rolling update (`updateStatefulSetAfterInvariantEstablished`) deletes pods not at the
//! update revision from the highest ordinal down to `partition`, at most `maxUnavailable`
//! unhealthy at once, and the deleted pods come back at the new revision. `Parallel`
//! creates and deletes without waiting. The status is written when it changed, with
//! `completeRollingUpdate` promoting the update revision once every pod is updated and
//! ready.
//!
//! Each pod is made as `newVersionedStatefulSetPod` makes it: the template of its revision
//! (the current one below `partition`, the update one elsewhere), the labels
//! `controller-revision-hash`, `statefulset.kubernetes.io/pod-name` and
//! `apps.kubernetes.io/pod-index`, and a controller reference to the StatefulSet.
//!
//! Simplifications: ControllerRevisions are not API objects — the controller keeps its own
//! table of revision name (`<set>-<template hash>`) to template, so a rollback to an earlier
//! template gets its old name back but no revision numbers or history limit exist; the
//! pod's hostname and subdomain (its name and `serviceName`) are implied, not stored,
//! since nothing in kubesim resolves DNS; `volumeClaimTemplates` make no
//! PersistentVolumeClaims; the status is counted when it is written (after the sync's
//! requests returned) rather than before them; no adoption or release of pods by selector.

use crate::apiserver::{Op, Outcome, Propagation};
use crate::component::{Change, Component, Ctx, Notice, Response};
use crate::controllers::Workers;
use crate::controllers::deployment::template_hash;
use crate::controllers::podcontrol::pod_from_template;
use crate::etcd::Store;
use crate::model::kind::Kind;
use crate::model::meta::{ObjRef, OwnerRef};
use crate::model::object::NewObject;
use crate::model::pod::{Phase, Pod};
use crate::model::statefulset::{
    PodManagement, StatefulSet, StatefulSetStatus, StatefulSetStrategy,
};
use crate::model::workload::PodTemplate;
use crate::sim::time::{SimDuration, SimTime};
use std::collections::BTreeMap;
use std::sync::Arc;

/// `--concurrent-statefulset-syncs` (kube-controller-manager's default, facts).
pub const WORKERS: usize = 5;
/// `apps.ControllerRevisionHashLabelKey`: the revision a pod was made from.
pub const CONTROLLER_REVISION_HASH: &str = "controller-revision-hash";
/// `apps.StatefulSetPodNameLabel`.
pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
/// `apps.PodIndexLabel` (PodIndexLabel, GA since 1.32).
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";

const NAME: &str = "statefulset-controller";

/// What a response of the StatefulSet controller is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// The create of the pod with this ordinal.
    Create {
        /// The StatefulSet.
        set: u32,
        /// The pod's ordinal.
        ordinal: u32,
    },
    /// A pod delete.
    Delete {
        /// The StatefulSet.
        set: u32,
        /// The pod.
        pod: u32,
    },
    /// The status write.
    Status(u32),
}

pub use crate::controllers::podcontrol::Timer;

/// The controller's state.
#[derive(Debug)]
pub struct StatefulSetController {
    /// Its work queue.
    pub workers: Workers<Timer>,
    /// Requests of a sync still awaited, per StatefulSet.
    outstanding: BTreeMap<u32, u32>,
    /// The ControllerRevisions it made, per StatefulSet: revision name to template.
    revisions: BTreeMap<u32, BTreeMap<String, Arc<PodTemplate>>>,
    /// Names of pods being deleted (for the Event once the delete returns).
    deleting: BTreeMap<u32, String>,
}

impl Default for StatefulSetController {
    fn default() -> Self {
        StatefulSetController {
            workers: Workers::new(WORKERS, Kind::StatefulSet, NAME, Timer::Sync),
            outstanding: BTreeMap::new(),
            revisions: BTreeMap::new(),
            deleting: BTreeMap::new(),
        }
    }
}

type Cx<'a> = Ctx<'a, StatefulSetController>;

impl Component for StatefulSetController {
    type Tag = Tag;
    type Timer = Timer;
    type Env = ();

    fn observe(&mut self, cx: &mut Cx<'_>, n: Notice) {
        match n.obj.kind {
            Kind::Pod => {
                if let Some(set) = n.controller {
                    self.workers.enqueue(cx, set);
                }
            }
            Kind::StatefulSet => {
                if n.change == Change::Deleted {
                    self.revisions.remove(&n.obj.id);
                }
                self.workers.enqueue(cx, n.obj.id);
            }
            _ => {}
        }
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

fn set_ref(id: u32) -> ObjRef {
    ObjRef {
        kind: Kind::StatefulSet,
        id,
    }
}

/// The revision name of a template: `<set>-<hash>`, as `newRevision` names a
/// ControllerRevision (the hash being kubesim's template hash).
pub fn revision_name(set: &str, template: &PodTemplate) -> String {
    format!("{set}-{}", template_hash(template))
}

/// `getParentNameAndOrdinal`: the ordinal of a pod named `<set>-<n>`, if it is one.
pub fn ordinal(set: &str, pod: &str) -> Option<u32> {
    let rest = pod.strip_prefix(set)?.strip_prefix('-')?;
    if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    rest.parse().ok()
}

/// `isRunningAndReady`.
fn running_and_ready(p: &Pod) -> bool {
    p.status.phase == Phase::Running && p.is_ready()
}

/// `isHealthy`: Running and Ready and not terminating.
fn healthy(p: &Pod) -> bool {
    running_and_ready(p) && p.meta.deleted.is_none()
}

/// `isRunningAndAvailable`.
fn available(p: &Pod, min_ready: i64, now: SimTime) -> bool {
    running_and_ready(p) && p.is_available(min_ready, now)
}

fn revision_of(p: &Pod) -> &str {
    p.meta.labels.get(CONTROLLER_REVISION_HASH).unwrap_or("")
}

/// What one sync decided: pods to create (ordinal, from the update revision) and to delete.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Ordinals to create, and whether each is made from the update revision.
    pub creates: Vec<(u32, bool)>,
    /// Pods to delete, in the order the controller deletes them.
    pub deletes: Vec<u32>,
}

/// The set's pods split by ordinal: `replicas[ord]` and the condemned, highest first.
fn pods_by_ordinal(store: &Store, id: u32, set: &StatefulSet) -> (Vec<Option<u32>>, Vec<u32>) {
    let n = set.spec.replicas.max(0) as usize;
    let mut replicas = vec![None; n];
    let mut condemned = Vec::new();
    for d in store.dependents_of(set_ref(id)) {
        if d.kind != Kind::Pod {
            continue;
        }
        let Some(p) = store.pods.get(d.id) else {
            continue;
        };
        if p.meta.controller() != Some(set_ref(id)) {
            continue;
        }
        let Some(ord) = ordinal(&set.meta.name, &p.meta.name) else {
            continue;
        };
        match replicas.get_mut(ord as usize) {
            Some(slot) => *slot = Some(d.id),
            None => condemned.push((ord, d.id)),
        }
    }
    condemned.sort_by_key(|c| std::cmp::Reverse(c.0));
    (replicas, condemned.into_iter().map(|(_, p)| p).collect())
}

/// `updateStatefulSet`: what to create and delete now.
pub fn plan(store: &Store, id: u32, update_revision: &str, now: SimTime) -> Plan {
    let mut out = Plan::default();
    let Some(set) = store.statefulsets.get(id) else {
        return out;
    };
    if set.meta.deleted.is_some() {
        return out;
    }
    let (replicas, condemned) = pods_by_ordinal(store, id, set);
    let pod = |p: u32| store.pods.get(p);
    let min_ready = set.spec.min_ready_seconds;
    let monotonic = set.spec.pod_management == PodManagement::OrderedReady;
    let partition = match set.spec.strategy {
        StatefulSetStrategy::RollingUpdate { partition, .. } => partition.max(0) as u32,
        StatefulSetStrategy::OnDelete => 0,
    };
    // The first unhealthy pod: among the replicas (a missing one counts), then the
    // condemned from the lowest ordinal up.
    let first_unhealthy = replicas
        .iter()
        .map(|r| r.filter(|p| pod(*p).is_some_and(healthy)))
        .position(|r| r.is_none())
        .map(|i| replicas[i])
        .or_else(|| {
            condemned
                .iter()
                .rev()
                .find(|p| !pod(**p).is_some_and(healthy))
                .map(|p| Some(*p))
        });
    // processReplica over every ordinal, in order.
    for (ord, slot) in replicas.iter().enumerate() {
        let ord = ord as u32;
        let Some(p) = slot.and_then(|p| pod(p).map(|pp| (p, pp))) else {
            out.creates.push((ord, ord >= partition));
            if monotonic {
                return out;
            }
            continue;
        };
        let (pid, p) = p;
        if p.is_terminal() {
            if p.meta.deleted.is_none() {
                out.deletes.push(pid);
            }
            if monotonic {
                return out;
            }
            continue;
        }
        if monotonic && (p.meta.deleted.is_some() || !available(p, min_ready, now)) {
            return out;
        }
    }
    // processCondemned, highest ordinal first.
    for &c in &condemned {
        let Some(p) = pod(c) else { continue };
        if p.meta.deleted.is_some() {
            if monotonic {
                return out;
            }
            continue;
        }
        if monotonic && !available(p, min_ready, now) && first_unhealthy != Some(Some(c)) {
            return out;
        }
        out.deletes.push(c);
        if monotonic {
            return out;
        }
    }
    let StatefulSetStrategy::RollingUpdate {
        max_unavailable, ..
    } = set.spec.strategy
    else {
        return out;
    };
    if !out.creates.is_empty() || !out.deletes.is_empty() {
        return out;
    }
    // updateStatefulSetAfterInvariantEstablished: maxUnavailable scaled down over the
    // replicas, at least 1 (`getStatefulSetMaxUnavailable`).
    let max_unavailable = max_unavailable.scaled(set.spec.replicas, false).max(1);
    let unavailable = replicas
        .iter()
        .filter(|r| !r.and_then(pod).is_some_and(healthy))
        .count() as i32;
    if unavailable >= max_unavailable {
        return out;
    }
    let mut budget = max_unavailable - unavailable;
    for (ord, slot) in replicas.iter().enumerate().rev() {
        if (ord as u32) < partition || budget == 0 {
            break;
        }
        let Some((pid, p)) = slot.and_then(|p| pod(p).map(|pp| (p, pp))) else {
            continue;
        };
        if revision_of(p) != update_revision && p.meta.deleted.is_none() {
            out.deletes.push(pid);
            budget -= 1;
        }
    }
    out
}

/// `updateStatus` over every pod of the set, then `completeRollingUpdate`.
pub fn calculate_status(
    store: &Store,
    id: u32,
    current: &str,
    update: &str,
    now: SimTime,
) -> StatefulSetStatus {
    let Some(set) = store.statefulsets.get(id) else {
        return StatefulSetStatus::default();
    };
    let mut s = StatefulSetStatus {
        observed_generation: set.meta.generation,
        current_revision: current.to_string(),
        update_revision: update.to_string(),
        ..Default::default()
    };
    let (replicas, condemned) = pods_by_ordinal(store, id, set);
    for p in replicas.into_iter().flatten().chain(condemned) {
        let Some(p) = store.pods.get(p) else { continue };
        s.replicas += 1;
        if running_and_ready(p) {
            s.ready_replicas += 1;
            if available(p, set.spec.min_ready_seconds, now) {
                s.available_replicas += 1;
            }
        }
        if p.meta.deleted.is_none() {
            if revision_of(p) == current {
                s.current_replicas += 1;
            }
            if revision_of(p) == update {
                s.updated_replicas += 1;
            }
        }
    }
    if matches!(set.spec.strategy, StatefulSetStrategy::RollingUpdate { .. })
        && s.updated_replicas == s.replicas
        && s.ready_replicas == s.replicas
    {
        s.current_revision = s.update_revision.clone();
        s.current_replicas = s.updated_replicas;
    }
    s
}

/// The current and update revisions (`getStatefulSetRevisions`): the update revision is
/// the template's; the current one is the status's while the controller still knows it.
fn revisions(me: &mut StatefulSetController, set_id: u32, set: &StatefulSet) -> (String, String) {
    let update = revision_name(&set.meta.name, &set.spec.template);
    let table = me.revisions.entry(set_id).or_default();
    table.insert(update.clone(), set.spec.template.clone());
    let current = if table.contains_key(&set.status.current_revision) {
        set.status.current_revision.clone()
    } else {
        update.clone()
    };
    (current, update)
}

/// `sync`: plan, send the requests, and write the status once they returned.
fn sync(me: &mut StatefulSetController, cx: &mut Cx<'_>, id: u32) {
    let Some(set) = cx.store.statefulsets.get(id) else {
        me.revisions.remove(&id);
        me.workers.done(cx, id);
        return;
    };
    let (current, update) = revisions(me, id, set);
    let p = plan(cx.store, id, &update, cx.now);
    let total = (p.creates.len() + p.deletes.len()) as u32;
    if total == 0 {
        write_status(me, cx, id);
        return;
    }
    me.outstanding.insert(id, total);
    let ns = set.meta.namespace.map(|n| cx.store.ns_name(n).to_string());
    let key = cx.store.key(set_ref(id));
    for (ord, updated) in p.creates {
        let (rev, template) = if updated {
            (update.clone(), set.spec.template.clone())
        } else {
            let t = me.revisions[&id][&current].clone();
            (current.clone(), t)
        };
        let name = format!("{}-{ord}", set.meta.name);
        let mut labels = template.labels.clone();
        labels.insert(CONTROLLER_REVISION_HASH, rev);
        labels.insert(POD_NAME_LABEL, name.clone());
        labels.insert(POD_INDEX_LABEL, ord.to_string());
        // newStatefulSetPod: GetPodFromTemplate, named after its ordinal.
        let owner = OwnerRef {
            owner: set_ref(id),
            uid: set.meta.uid,
            controller: true,
            block_owner_deletion: true,
        };
        let mut pod = pod_from_template(&template, labels, owner);
        pod.meta.name = name;
        let op = Op::Create {
            object: Box::new(NewObject::Pod(pod)),
            namespace: ns.clone(),
            generate_name: None,
        };
        cx.submit(
            op,
            Tag::Create {
                set: id,
                ordinal: ord,
            },
            &key,
        );
    }
    for pod in p.deletes {
        let target = ObjRef {
            kind: Kind::Pod,
            id: pod,
        };
        let Some(pp) = cx.store.pods.get(pod) else {
            continue;
        };
        me.deleting.insert(pod, pp.meta.name.clone());
        let op = Op::Delete {
            target,
            uid: Some(pp.meta.uid),
            propagation: Propagation::Background,
            grace_seconds: None,
        };
        cx.submit(op, Tag::Delete { set: id, pod }, &key);
    }
}

/// `updateStatefulSetStatus`: written when it changed; the worker is done once it returns.
fn write_status(me: &mut StatefulSetController, cx: &mut Cx<'_>, id: u32) {
    let Some(set) = cx.store.statefulsets.get(id) else {
        me.workers.done(cx, id);
        return;
    };
    let (current, update) = revisions(me, id, set);
    let status = calculate_status(cx.store, id, &current, &update, cx.now);
    let min_ready = set.spec.min_ready_seconds;
    if min_ready > 0 && status.ready_replicas != status.available_replicas {
        // enqueueSSAfter(minReadySeconds): look again once the ready pods are available.
        cx.after(SimDuration::from_secs(min_ready as u64), Timer::Requeue(id));
    }
    if status == set.status {
        me.workers.done(cx, id);
        return;
    }
    let key = cx.store.key(set_ref(id));
    cx.submit(Op::StatefulSetStatus { id, status }, Tag::Status(id), &key);
}

/// `recordPodEvent` (stateful_pod_control.go): `<verb> Pod <pod> in StatefulSet <set>
/// successful`, or `… failed error: <err>` as a Warning.
fn record(cx: &mut Cx<'_>, id: u32, verb: &str, pod: &str, outcome: &Outcome) {
    let set = cx
        .store
        .statefulsets
        .get(id)
        .map(|s| s.meta.name.clone())
        .unwrap_or_default();
    let (ok, failed) = if verb == "create" {
        ("SuccessfulCreate", "FailedCreate")
    } else {
        ("SuccessfulDelete", "FailedDelete")
    };
    match outcome {
        Outcome::Failed(e) if e.reason == "AlreadyExists" || e.reason == "NotFound" => {}
        Outcome::Failed(e) => {
            let message = format!(
                "{verb} Pod {pod} in StatefulSet {set} failed error: {}",
                e.message
            );
            cx.event(set_ref(id), true, failed, NAME, message);
        }
        _ => {
            let message = format!("{verb} Pod {pod} in StatefulSet {set} successful");
            cx.event(set_ref(id), false, ok, NAME, message);
        }
    }
}

fn on_response(me: &mut StatefulSetController, cx: &mut Cx<'_>, tag: Tag, r: Response<'_>) {
    let id = match tag {
        Tag::Create { set, ordinal } => {
            let name = cx
                .store
                .statefulsets
                .get(set)
                .map(|s| format!("{}-{ordinal}", s.meta.name))
                .unwrap_or_default();
            record(cx, set, "create", &name, r.outcome);
            set
        }
        Tag::Delete { set, pod } => {
            let name = me.deleting.remove(&pod).unwrap_or_default();
            record(cx, set, "delete", &name, r.outcome);
            set
        }
        Tag::Status(set) => {
            me.workers.done(cx, set);
            return;
        }
    };
    let left = me.outstanding.entry(id).or_default();
    *left = left.saturating_sub(1);
    if *left == 0 {
        me.outstanding.remove(&id);
        write_status(me, cx, id);
    }
}

#[cfg(test)]
mod tests {
    //! `plan` and `calculate_status` against a small store, after
    //! `pkg/controller/statefulset/stateful_set_control_test.go`.
    use super::*;
    use crate::etcd::store::testing::{labels, template};
    use crate::model::labels::Selector;
    use crate::model::meta::Meta;
    use crate::model::pod::PodStatus;
    use crate::model::statefulset::StatefulSetSpec;

    struct Fixture {
        store: Store,
        set: u32,
        now: SimTime,
    }

    impl Fixture {
        /// `newStatefulSet(replicas)`: `app=web`, OrderedReady, RollingUpdate.
        fn new(replicas: i32, policy: PodManagement, strategy: StatefulSetStrategy) -> Fixture {
            let mut store = Store::default();
            let ns = store.ns_id("default");
            let t = template("web");
            let set = StatefulSet {
                meta: Meta::new("web".into(), Some(ns), labels(&[("app", "web")])),
                spec: StatefulSetSpec {
                    replicas,
                    selector: Selector::from_map(&t.labels),
                    template: t,
                    service_name: "web".into(),
                    pod_management: policy,
                    strategy,
                    min_ready_seconds: 0,
                    revision_history_limit: 10,
                },
                status: StatefulSetStatus::default(),
            };
            let id = store.statefulsets.insert(set);
            store.register(set_ref(id), SimTime::ZERO);
            Fixture {
                store,
                set: id,
                now: SimTime(100_000_000),
            }
        }

        fn revision(&self) -> String {
            let s = self.store.statefulsets.get(self.set).expect("set");
            revision_name("web", &s.spec.template)
        }

        /// A pod `web-<ord>` at `revision`, Running and Ready when `ready`.
        fn pod(&mut self, ord: u32, revision: &str, ready: bool) -> u32 {
            let s = self.store.statefulsets.get(self.set).expect("set");
            let mut l = s.spec.template.labels.clone();
            l.insert(CONTROLLER_REVISION_HASH, revision.to_string());
            let mut meta = Meta::new(format!("web-{ord}"), s.meta.namespace, l);
            meta.owners.push(OwnerRef {
                owner: set_ref(self.set),
                uid: s.meta.uid,
                controller: true,
                block_owner_deletion: true,
            });
            let mut status = PodStatus::default();
            if ready {
                status.phase = Phase::Running;
                status.ready_since = Some(SimTime(1_000_000));
            }
            let pod = Pod {
                meta,
                spec: s.spec.template.spec.clone(),
                node: None,
                status,
            };
            let id = self.store.pods.insert(pod);
            self.store.register(
                ObjRef {
                    kind: Kind::Pod,
                    id,
                },
                SimTime::ZERO,
            );
            id
        }

        fn plan(&self) -> Plan {
            plan(&self.store, self.set, &self.revision(), self.now)
        }
    }

    fn rolling(partition: i32) -> StatefulSetStrategy {
        StatefulSetStrategy::RollingUpdate {
            partition,
            max_unavailable: crate::model::workload::IntOrPercent::Int(1),
        }
    }

    #[test]
    fn ordinals_parse_only_from_the_sets_own_pod_names() {
        // getParentNameAndOrdinal: `^(.*)-([0-9]+)$` with the parent being the set's name.
        assert_eq!(ordinal("web", "web-0"), Some(0));
        assert_eq!(ordinal("web", "web-12"), Some(12));
        assert_eq!(ordinal("web", "web-x"), None);
        assert_eq!(ordinal("web", "webby-1"), None);
        assert_eq!(ordinal("web", "web-"), None);
    }

    #[test]
    fn ordered_ready_scale_up_creates_one_pod_and_waits_for_it() {
        // TestStatefulSetControlScaleUp / OrderedReady: web-0 first; web-1 only once web-0 is
        // Running and Ready.
        let mut f = Fixture::new(3, PodManagement::OrderedReady, rolling(0));
        assert_eq!(f.plan().creates, [(0, true)]);
        let rev = f.revision();
        let p0 = f.pod(0, &rev, false);
        assert_eq!(f.plan(), Plan::default(), "web-0 is not ready: halt");
        f.store.pods.get_mut(p0).expect("pod").status.phase = Phase::Running;
        f.store.pods.get_mut(p0).expect("pod").status.ready_since = Some(SimTime(1_000_000));
        assert_eq!(f.plan().creates, [(1, true)]);
    }

    #[test]
    fn parallel_scale_up_creates_every_missing_pod_at_once() {
        // TestStatefulSetControlBurstScaleUp.
        let f = Fixture::new(3, PodManagement::Parallel, rolling(0));
        assert_eq!(f.plan().creates, [(0, true), (1, true), (2, true)]);
    }

    #[test]
    fn ordered_ready_scale_down_deletes_the_highest_ordinal_first_one_at_a_time() {
        // TestStatefulSetControlScaleDown: condemned pods go in decreasing ordinal order.
        let mut f = Fixture::new(1, PodManagement::OrderedReady, rolling(0));
        let rev = f.revision();
        f.pod(0, &rev, true);
        f.pod(1, &rev, true);
        let p2 = f.pod(2, &rev, true);
        assert_eq!(f.plan().deletes, [p2]);
    }

    #[test]
    fn ordered_ready_scale_down_halts_on_an_unhealthy_pod() {
        // processCondemned: an unready condemned pod that is not the first unhealthy one
        // blocks; here web-0 (a replica) is the first unhealthy pod, so nothing goes.
        let mut f = Fixture::new(1, PodManagement::OrderedReady, rolling(0));
        let rev = f.revision();
        f.pod(0, &rev, false);
        f.pod(1, &rev, true);
        assert_eq!(f.plan(), Plan::default());
    }

    #[test]
    fn a_failed_pod_is_deleted_and_recreated_once_gone() {
        // processReplica: isFailed → DeleteStatefulPod, new pod on the next sync.
        let mut f = Fixture::new(2, PodManagement::OrderedReady, rolling(0));
        let rev = f.revision();
        let p0 = f.pod(0, &rev, true);
        f.store.pods.get_mut(p0).expect("pod").status.phase = Phase::Failed;
        assert_eq!(f.plan().deletes, [p0]);
        f.store.remove(ObjRef {
            kind: Kind::Pod,
            id: p0,
        });
        assert_eq!(f.plan().creates, [(0, true)]);
    }

    #[test]
    fn rolling_update_replaces_from_the_top_down_to_the_partition() {
        // TestStatefulSetControlRollingUpdateWithPartition: ordinals ≥ partition are replaced,
        // the highest first; ordinals below keep the current revision.
        let mut f = Fixture::new(3, PodManagement::OrderedReady, rolling(1));
        f.pod(0, "web-old", true);
        f.pod(1, "web-old", true);
        let p2 = f.pod(2, "web-old", true);
        assert_eq!(f.plan().deletes, [p2]);
        f.store.remove(ObjRef {
            kind: Kind::Pod,
            id: p2,
        });
        let rev = f.revision();
        f.pod(2, &rev, true);
        let p = f.plan();
        assert_eq!(p.deletes.len(), 1);
        let name = &f.store.pods.get(p.deletes[0]).expect("pod").meta.name;
        assert_eq!(name, "web-1");
    }

    #[test]
    fn a_pod_below_the_partition_is_recreated_at_the_current_revision() {
        // newVersionedStatefulSetPod: ord < partition → currentSet.
        let mut f = Fixture::new(2, PodManagement::OrderedReady, rolling(1));
        f.pod(1, "web-old", true);
        assert_eq!(f.plan().creates, [(0, false)]);
    }

    #[test]
    fn on_delete_never_deletes_old_pods() {
        let mut f = Fixture::new(
            2,
            PodManagement::OrderedReady,
            StatefulSetStrategy::OnDelete,
        );
        f.pod(0, "web-old", true);
        f.pod(1, "web-old", true);
        assert_eq!(f.plan(), Plan::default());
    }

    #[test]
    fn status_counts_and_completes_the_rolling_update() {
        // computeReplicaStatus and completeRollingUpdate.
        let mut f = Fixture::new(2, PodManagement::OrderedReady, rolling(0));
        let rev = f.revision();
        f.pod(0, "web-old", true);
        f.pod(1, &rev, false);
        let s = calculate_status(&f.store, f.set, "web-old", &rev, f.now);
        assert_eq!(
            (
                s.replicas,
                s.ready_replicas,
                s.current_replicas,
                s.updated_replicas
            ),
            (2, 1, 1, 1)
        );
        assert_eq!(s.current_revision, "web-old");
        let p0 = f.store.list(Kind::Pod, None)[0];
        f.store.remove(ObjRef {
            kind: Kind::Pod,
            id: p0,
        });
        f.pod(0, &rev, true);
        let p1 = f
            .store
            .lookup(Kind::Pod, f.store.find_ns("default"), "web-1");
        let p1 = f.store.pods.get_mut(p1.expect("web-1")).expect("pod");
        p1.status.phase = Phase::Running;
        p1.status.ready_since = Some(SimTime(1_000_000));
        let s = calculate_status(&f.store, f.set, "web-old", &rev, f.now);
        assert_eq!(s.current_revision, rev, "every pod updated and ready");
        assert_eq!(s.current_replicas, 2);
    }
}
