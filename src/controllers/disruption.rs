//! kube-controller-manager's disruption controller: keeps each PodDisruptionBudget's status
//! (`currentHealthy`, `desiredHealthy`, `expectedPods`, `disruptionsAllowed`,
//! `disruptedPods`, `observedGeneration` and the `DisruptionAllowed` condition), which the
//! eviction subresource reads and decrements.
//!
//! Mirrors `pkg/controller/disruption/disruption.go`: pod events enqueue the pod's budget
//! (`getPdbForPod`: the first that selects it, a `MultiplePodDisruptionBudgets` Warning when
//! several do), budget events enqueue the budget; one worker runs `trySync`:
//! `getPodsForPdb`, `getExpectedPodCount` (an integer `minAvailable` counts the selected
//! pods; a percentage or `maxUnavailable` sums the scale of the pods' controllers,
//! `getExpectedScale`, rounding the percentage up), `buildDisruptedPodMap` (entries for pods
//! not yet deleting, kept for `DeletionTimeout`, with a recheck when the earliest expires),
//! `countHealthyPods` and `updatePdbStatus`, which writes only when something changed. A
//! failed count is `failSafe`: no disruption allowed, condition `SyncFailed`.
//!
//! Simplified: the `UnmanagedPods` Warning (which prints the selector as Go's
//! `LabelSelector.String()`) is not recorded; unmanaged pods are still left out of the scale
//! as upstream does. Controllers without a finder (DaemonSets, Jobs) have no scale
//! subresource, so a percentage over their pods fails as upstream's scale lookup does. The
//! stale `DisruptionTarget` condition cleanup is not modelled (an evicted pod is deleted).

use crate::apiserver::{Op, Outcome};
use crate::component::{Change, Component, Ctx, Notice, Response};
use crate::controllers::Workers;
use crate::etcd::Store;
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::model::pdb::{DisruptionCondition, DisruptionReason, PdbStatus, PodDisruptionBudget};
use crate::model::pod::Pod;
use crate::sim::time::{SimDuration, SimTime};
use std::collections::{BTreeMap, BTreeSet};

/// The controller's name: its Event source is `controllermanager` (its recorder's
/// `EventSource`), its client and timing stream this.
pub const NAME: &str = "disruption-controller";

/// The Event source the controller's recorder writes.
const SOURCE: &str = "controllermanager";

/// `DeletionTimeout`: how long an eviction the API server granted keeps the pod out of
/// `currentHealthy` while its deletion has not been seen.
pub const DELETION_TIMEOUT: SimDuration = SimDuration::from_secs(120);

/// The controller's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// A worker syncs this budget.
    Sync(u32),
    /// `enqueuePdbForRecheck`: a `disruptedPods` entry of this budget expires.
    Recheck(u32),
}

/// The controller's state.
#[derive(Debug)]
pub struct DisruptionController {
    workers: Workers<Timer>,
    /// The budget each pod was last enqueued for, so its deletion (the tombstone of
    /// `deletePod`) still finds it.
    covered: BTreeMap<u32, u32>,
    /// Budgets whose status write is in flight.
    writing: BTreeSet<u32>,
}

impl Default for DisruptionController {
    fn default() -> Self {
        DisruptionController {
            // `go wait.UntilWithContext(ctx, dc.worker, time.Second)`: one worker.
            workers: Workers::new(1, Kind::PodDisruptionBudget, NAME, Timer::Sync),
            covered: BTreeMap::new(),
            writing: BTreeSet::new(),
        }
    }
}

type Cx<'a> = Ctx<'a, DisruptionController>;

fn pdb_ref(id: u32) -> ObjRef {
    ObjRef {
        kind: Kind::PodDisruptionBudget,
        id,
    }
}

impl Component for DisruptionController {
    /// The budget a status write is for.
    type Tag = u32;
    type Timer = Timer;
    type Env = ();

    fn observe(&mut self, cx: &mut Cx<'_>, n: Notice) {
        match n.obj.kind {
            Kind::Pod if n.change == Change::Deleted => {
                if let Some(pdb) = self.covered.remove(&n.obj.id) {
                    self.workers.enqueue(cx, pdb);
                }
            }
            Kind::Pod => {
                if cx.store.pdbs.is_empty() {
                    self.covered.remove(&n.obj.id);
                    return;
                }
                match pdb_for_pod(cx, n.obj.id) {
                    Some(pdb) => {
                        self.covered.insert(n.obj.id, pdb);
                        self.workers.enqueue(cx, pdb);
                    }
                    None => {
                        self.covered.remove(&n.obj.id);
                    }
                }
            }
            Kind::PodDisruptionBudget => self.workers.enqueue(cx, n.obj.id),
            _ => {}
        }
    }

    fn on_response(&mut self, cx: &mut Cx<'_>, id: u32, r: Response<'_>) {
        self.writing.remove(&id);
        // processNextWorkItem: a failed sync (a conflict with the eviction subresource's
        // own write) is queued again.
        let failed = matches!(r.outcome, Outcome::Failed(e) if e.reason != "NotFound");
        self.workers.done(cx, id);
        if failed {
            self.workers.enqueue(cx, id);
        }
    }

    fn on_timer(&mut self, cx: &mut Cx<'_>, timer: Timer) {
        match timer {
            Timer::Sync(id) => self.sync(cx, id),
            Timer::Recheck(id) => self.workers.enqueue(cx, id),
        }
    }
}

/// `getPdbForPod`: the first budget of the pod's namespace whose (non-empty) selector
/// matches it (`GetPodPodDisruptionBudgets`), with upstream's Warning when there are several.
fn pdb_for_pod(cx: &mut Cx<'_>, pod: u32) -> Option<u32> {
    let p = cx.store.pods.get(pod)?;
    let ns = p.meta.namespace?;
    let matching: Vec<u32> = cx
        .store
        .list(Kind::PodDisruptionBudget, Some(ns))
        .into_iter()
        .filter(|id| {
            cx.store.pdbs.get(*id).is_some_and(|b| {
                b.spec
                    .selector
                    .as_ref()
                    .is_some_and(|s| !s.is_empty() && s.matches(&p.meta.labels))
            })
        })
        .collect();
    let first = *matching.first()?;
    if matching.len() > 1 {
        let chosen = cx.store.pdbs.get(first).map(|b| b.meta.name.clone());
        let msg = format!(
            "Pod {:?}/{:?} matches multiple PodDisruptionBudgets.  Chose {:?} arbitrarily.",
            cx.store.ns_name(ns),
            p.meta.name,
            chosen.unwrap_or_default()
        );
        let obj = ObjRef {
            kind: Kind::Pod,
            id: pod,
        };
        cx.event(obj, true, "MultiplePodDisruptionBudgets", SOURCE, msg);
    }
    Some(first)
}

/// `getPodsForPdb`: the pods of the budget's namespace its selector selects (none for a
/// null selector), in name order.
pub fn pods_for_pdb<'s>(store: &'s Store, pdb: &PodDisruptionBudget) -> Vec<&'s Pod> {
    let Some(ns) = pdb.meta.namespace else {
        return Vec::new();
    };
    if pdb.spec.selector.is_none() {
        return Vec::new();
    }
    store
        .list(Kind::Pod, Some(ns))
        .into_iter()
        .filter_map(|id| store.pods.get(id))
        .filter(|p| pdb.spec.selects(&p.meta.labels))
        .collect()
}

/// `getExpectedPodCount`: `(expectedCount, desiredHealthy)`, or the error text of a pod
/// whose controller has no scale.
pub fn expected_pod_count(
    store: &Store,
    pdb: &PodDisruptionBudget,
    pods: &[&Pod],
) -> Result<(i32, i32), String> {
    use crate::model::workload::IntOrPercent;
    if let Some(max) = pdb.spec.max_unavailable {
        let expected = expected_scale(store, pods)?;
        let max = max.scaled(expected, true);
        return Ok((expected, (expected - max).max(0)));
    }
    match pdb.spec.min_available {
        Some(IntOrPercent::Int(min)) => Ok((pods.len() as i32, min)),
        Some(min) => {
            let expected = expected_scale(store, pods)?;
            Ok((expected, min.scaled(expected, true)))
        }
        None => Ok((0, 0)),
    }
}

/// `getExpectedScale`: the sum of `spec.replicas` over the distinct controllers of the pods
/// (a Deployment for pods of its ReplicaSets, else the ReplicaSet, ReplicationController or
/// StatefulSet); pods without a controller are left out; a controller without a scale is
/// `found no controllers for pod "NAME"`.
fn expected_scale(store: &Store, pods: &[&Pod]) -> Result<i32, String> {
    let mut scale: BTreeMap<u64, i32> = BTreeMap::new();
    for p in pods {
        let Some(owner) = p.meta.controller() else {
            continue;
        };
        match controller_scale(store, owner) {
            Some((uid, replicas)) => {
                scale.insert(uid, replicas);
            }
            None => return Err(format!("found no controllers for pod {:?}", p.meta.name)),
        }
    }
    Ok(scale.values().sum())
}

/// The finders (`getPodReplicaSet`, `getPodDeployment`, `getPodReplicationController`,
/// `getPodStatefulSet`): the controlling object's uid and scale.
fn controller_scale(store: &Store, owner: ObjRef) -> Option<(u64, i32)> {
    match owner.kind {
        Kind::ReplicaSet | Kind::ReplicationController => {
            let rs = store.replicasets.get(owner.id)?;
            match rs.meta.controller() {
                Some(d) if d.kind == Kind::Deployment => {
                    let d = store.deployments.get(d.id)?;
                    Some((d.meta.uid, d.spec.replicas))
                }
                _ => Some((rs.meta.uid, rs.spec.replicas)),
            }
        }
        Kind::StatefulSet => {
            let st = store.statefulsets.get(owner.id)?;
            Some((st.meta.uid, st.spec.replicas))
        }
        _ => None,
    }
}

/// `buildDisruptedPodMap`: the entries of pods that exist and are not deleting yet, while
/// their `DeletionTimeout` runs, and the earliest time one expires; the names of pods whose
/// entry expired (they get a `NotDeleted` Warning).
fn disrupted_pod_map(
    pdb: &PodDisruptionBudget,
    pods: &[&Pod],
    now: SimTime,
) -> (BTreeMap<String, SimTime>, Option<SimTime>, Vec<String>) {
    let mut kept = BTreeMap::new();
    let mut recheck: Option<SimTime> = None;
    let mut expired = Vec::new();
    for p in pods {
        if p.meta.deleted.is_some() {
            continue;
        }
        let Some(&at) = pdb.status.disrupted_pods.get(&p.meta.name) else {
            continue;
        };
        let expected_deletion = at + DELETION_TIMEOUT;
        if expected_deletion < now {
            expired.push(p.meta.name.clone());
        } else {
            recheck = Some(recheck.map_or(expected_deletion, |r| r.min(expected_deletion)));
            kept.insert(p.meta.name.clone(), at);
        }
    }
    (kept, recheck, expired)
}

/// `countHealthyPods`: Ready pods that are neither deleting nor recently evicted.
fn count_healthy(pods: &[&Pod], disrupted: &BTreeMap<String, SimTime>, now: SimTime) -> i32 {
    pods.iter()
        .filter(|p| p.meta.deleted.is_none())
        .filter(|p| {
            disrupted
                .get(&p.meta.name)
                .is_none_or(|at| *at + DELETION_TIMEOUT <= now)
        })
        .filter(|p| p.is_ready())
        .count() as i32
}

/// What one `trySync` computes: the new status, when to look again, and the pods whose
/// eviction was not followed by a deletion.
#[derive(Debug, PartialEq, Eq)]
pub struct Computed {
    /// The status `updatePdbStatus` would write.
    pub status: PdbStatus,
    /// When a `disruptedPods` entry expires.
    pub recheck: Option<SimTime>,
    /// Pods whose entry expired.
    pub not_deleted: Vec<String>,
}

/// `trySync` without its writes: the status for `pdb` from the pods it selects, or the
/// error `failSafe` records.
pub fn compute(store: &Store, pdb: &PodDisruptionBudget, now: SimTime) -> Result<Computed, String> {
    let pods = pods_for_pdb(store, pdb);
    let (expected, desired) = expected_pod_count(store, pdb, &pods)?;
    let (disrupted, recheck, not_deleted) = disrupted_pod_map(pdb, &pods, now);
    let current = count_healthy(&pods, &disrupted, now);
    // updatePdbStatus: none allowed while no pod is expected, so a budget whose pods appear
    // before its first sync is safe.
    let allowed = current - desired;
    let allowed = if expected <= 0 || allowed <= 0 {
        0
    } else {
        allowed
    };
    let mut status = PdbStatus {
        observed_generation: pdb.meta.generation,
        disrupted_pods: disrupted,
        disruptions_allowed: allowed,
        current_healthy: current,
        desired_healthy: desired,
        expected_pods: expected,
        condition: pdb.status.condition.clone(),
    };
    status.update_condition();
    Ok(Computed {
        status,
        recheck,
        not_deleted,
    })
}

impl DisruptionController {
    /// `sync` / `trySync` / `failSafe` for one budget.
    fn sync(&mut self, cx: &mut Cx<'_>, id: u32) {
        let Some(pdb) = cx.store.pdbs.get(id) else {
            self.workers.done(cx, id);
            return;
        };
        let obj = pdb_ref(id);
        if pods_for_pdb(cx.store, pdb).is_empty() {
            cx.event(
                obj,
                false,
                "NoPods",
                SOURCE,
                "No matching pods found".into(),
            );
        }
        let status = match compute(cx.store, pdb, cx.now) {
            Ok(c) => {
                for name in &c.not_deleted {
                    self.not_deleted(cx, pdb, name);
                }
                if let Some(at) = c.recheck {
                    cx.at(at, Timer::Recheck(id));
                }
                c.status
            }
            Err(e) => {
                let msg = format!("Failed to calculate the number of expected pods: {e}");
                cx.event(obj, true, "CalculateExpectedPodCountFailed", SOURCE, msg);
                let mut s = pdb.status.clone();
                s.disruptions_allowed = 0;
                s.condition = Some(DisruptionCondition {
                    reason: DisruptionReason::SyncFailed,
                    message: e,
                    observed_generation: s.observed_generation,
                });
                s
            }
        };
        if status == pdb.status {
            self.workers.done(cx, id);
            return;
        }
        let op = Op::PdbStatus {
            id,
            status: Box::new(status),
            resource_version: pdb.meta.resource_version,
        };
        let key = cx.store.key(obj);
        self.writing.insert(id);
        cx.submit(op, id, &key);
    }

    /// The `NotDeleted` Warning on a pod whose eviction did not delete it in time; upstream
    /// names the budget as `<namespace>/<namespace>`.
    fn not_deleted(&mut self, cx: &mut Cx<'_>, pdb: &PodDisruptionBudget, pod: &str) {
        let Some(ns) = pdb.meta.namespace else {
            return;
        };
        let Some(id) = cx.store.lookup(Kind::Pod, Some(ns), pod) else {
            return;
        };
        let ns = cx.store.ns_name(ns);
        let msg = format!("Pod was expected by PDB {ns}/{ns} to be deleted but it wasn't");
        let obj = ObjRef {
            kind: Kind::Pod,
            id,
        };
        cx.event(obj, true, "NotDeleted", SOURCE, msg);
    }
}

#[cfg(test)]
mod tests {
    //! Rows of pkg/controller/disruption/disruption_test.go, each test named after its Go
    //! twin; `VerifyPdbStatus(disruptionsAllowed, currentHealthy, desiredHealthy,
    //! expectedPods)` becomes [`counts`].
    use super::*;
    use crate::component::ctx::testing::run;
    use crate::component::{ComponentId, ComponentKind};
    use crate::etcd::store::testing as fx;
    use crate::model::labels::Selector;
    use crate::model::meta::{Meta, NsId};
    use crate::model::pdb::PdbSpec;
    use crate::model::pod::Phase;
    use crate::model::workload::IntOrPercent;

    const ME: ComponentId = ComponentId::of(ComponentKind::DisruptionController);
    const NOW: SimTime = SimTime(10_000_000);

    fn app_web() -> Option<Selector> {
        Some(Selector::from_map(&fx::labels(&[("app", "web")])))
    }

    fn budget(
        store: &mut Store,
        ns: NsId,
        min: Option<IntOrPercent>,
        max: Option<IntOrPercent>,
    ) -> u32 {
        let id = store.pdbs.insert(PodDisruptionBudget {
            meta: Meta::new("pdb".into(), Some(ns), fx::labels(&[])),
            spec: PdbSpec {
                min_available: min,
                max_unavailable: max,
                selector: app_web(),
                unhealthy_pod_eviction_policy: None,
            },
            status: PdbStatus::default(),
        });
        store.register(pdb_ref(id), SimTime::ZERO);
        id
    }

    /// A Ready, Running pod `app=web` (newPod), controlled by `owner` if given.
    fn ready_pod(store: &mut Store, name: &str, ns: NsId, owner: Option<ObjRef>) -> u32 {
        let id = fx::pod(store, name, ns, fx::spec(100), owner, None);
        let p = store.pods.get_mut(id).expect("just made");
        p.status.phase = Phase::Running;
        p.status.ready_since = Some(SimTime(1));
        id
    }

    /// `(disruptionsAllowed, currentHealthy, desiredHealthy, expectedPods)` after a sync.
    fn counts(store: &mut Store, id: u32) -> (i32, i32, i32, i32) {
        let pdb = store.pdbs.get(id).expect("budget");
        let s = compute(store, pdb, NOW).expect("computes").status;
        let out = (
            s.disruptions_allowed,
            s.current_healthy,
            s.desired_healthy,
            s.expected_pods,
        );
        store.pdbs.get_mut(id).expect("budget").status = s;
        out
    }

    #[test]
    fn test_no_selector() {
        // An empty selector selects every pod of the namespace (policy/v1).
        let mut store = Store::default();
        let ns = fx::namespace(&mut store, "default");
        let id = budget(&mut store, ns, Some(IntOrPercent::Int(3)), None);
        store.pdbs.get_mut(id).unwrap().spec.selector = Some(Selector::default());
        assert_eq!(counts(&mut store, id), (0, 0, 3, 0));
        ready_pod(&mut store, "yo-yo-yo", ns, None);
        assert_eq!(counts(&mut store, id), (0, 1, 3, 1));
    }

    #[test]
    fn test_unavailable() {
        let mut store = Store::default();
        let ns = fx::namespace(&mut store, "default");
        let id = budget(&mut store, ns, Some(IntOrPercent::Int(3)), None);
        let mut pods = Vec::new();
        for i in 0..4 {
            assert_eq!(counts(&mut store, id), (0, i, 3, i));
            pods.push(ready_pod(&mut store, &format!("yo-yo-yo-{i}"), ns, None));
        }
        assert_eq!(counts(&mut store, id), (1, 4, 3, 4));
        store.pods.get_mut(pods[0]).unwrap().status.ready_since = None;
        assert_eq!(counts(&mut store, id), (0, 3, 3, 4));
    }

    #[test]
    fn test_integer_max_unavailable() {
        // A budget over no pods, or over unmanaged pods only, allows no disruption.
        let mut store = Store::default();
        let ns = fx::namespace(&mut store, "default");
        let id = budget(&mut store, ns, None, Some(IntOrPercent::Int(1)));
        assert_eq!(counts(&mut store, id).0, 0);
        ready_pod(&mut store, "naked", ns, None);
        assert_eq!(counts(&mut store, id), (0, 1, 0, 0));
    }

    #[test]
    fn test_integer_max_unavailable_with_scaling() {
        let mut store = Store::default();
        let ns = fx::namespace(&mut store, "default");
        let id = budget(&mut store, ns, None, Some(IntOrPercent::Int(2)));
        let rs = fx::replicaset(&mut store, "rs", ns, 7, None);
        let owner = ObjRef {
            kind: Kind::ReplicaSet,
            id: rs,
        };
        ready_pod(&mut store, "pod", ns, Some(owner));
        assert_eq!(counts(&mut store, id), (0, 1, 5, 7));
        store.replicasets.get_mut(rs).unwrap().spec.replicas = 5;
        assert_eq!(counts(&mut store, id), (0, 1, 3, 5));
    }

    #[test]
    fn test_replica_set() {
        // minAvailable 20% of the ReplicaSet's 10: 2 desired.
        let mut store = Store::default();
        let ns = fx::namespace(&mut store, "default");
        let id = budget(&mut store, ns, Some(IntOrPercent::Percent(20)), None);
        let rs = fx::replicaset(&mut store, "rs", ns, 10, None);
        let owner = ObjRef {
            kind: Kind::ReplicaSet,
            id: rs,
        };
        ready_pod(&mut store, "pod", ns, Some(owner));
        assert_eq!(counts(&mut store, id), (0, 1, 2, 10));
    }

    #[test]
    fn a_percentage_min_available_rounds_up_over_the_deployments_scale() {
        // getExpectedPodCount: GetScaledValueFromIntOrPercent(minAvailable, scale, true);
        // ceil(50% of 3) = 2. The scale is the Deployment's, found through its ReplicaSet
        // (getPodDeployment).
        let mut store = Store::default();
        let ns = fx::namespace(&mut store, "default");
        let id = budget(&mut store, ns, Some(IntOrPercent::Percent(50)), None);
        let d = fx::deployment(
            &mut store,
            "web",
            ns,
            3,
            fx::rolling(IntOrPercent::Int(1), IntOrPercent::Int(0)),
        );
        let d = ObjRef {
            kind: Kind::Deployment,
            id: d,
        };
        let rs = fx::replicaset(&mut store, "web-1", ns, 3, Some(d));
        let owner = ObjRef {
            kind: Kind::ReplicaSet,
            id: rs,
        };
        for i in 0..3 {
            ready_pod(&mut store, &format!("web-1-{i}"), ns, Some(owner));
        }
        assert_eq!(counts(&mut store, id), (1, 3, 2, 3));
        // maxUnavailable 50% rounds up too: 2 may go, 1 must stay.
        let b = store.pdbs.get_mut(id).unwrap();
        b.spec.min_available = None;
        b.spec.max_unavailable = Some(IntOrPercent::Percent(50));
        assert_eq!(counts(&mut store, id), (2, 3, 1, 3));
    }

    #[test]
    fn a_percentage_over_daemon_set_pods_fails_safe() {
        // getExpectedScale: no finder knows a DaemonSet → `found no controllers for pod`.
        let mut store = Store::default();
        let ns = fx::namespace(&mut store, "default");
        let id = budget(&mut store, ns, Some(IntOrPercent::Percent(50)), None);
        let owner = ObjRef {
            kind: Kind::DaemonSet,
            id: 0,
        };
        let p = ready_pod(&mut store, "ds-pod", ns, None);
        store
            .pods
            .get_mut(p)
            .unwrap()
            .meta
            .owners
            .push(crate::model::meta::OwnerRef {
                owner,
                uid: 99,
                controller: true,
                block_owner_deletion: true,
            });
        let pdb = store.pdbs.get(id).unwrap();
        assert_eq!(
            compute(&store, pdb, NOW),
            Err("found no controllers for pod \"ds-pod\"".to_string())
        );
        let mut c = DisruptionController::default();
        let r = run(&mut c, &store, &mut (), ME, NOW, |c, cx| c.sync(cx, id));
        let [(Op::PdbStatus { status, .. }, _)] = r.requests()[..] else {
            panic!("one status write: {:?}", r.requests());
        };
        assert_eq!(status.disruptions_allowed, 0);
        let cond = status.condition.as_ref().expect("condition");
        assert_eq!(cond.reason, DisruptionReason::SyncFailed);
        assert_eq!(
            r.events()[0].reason,
            "CalculateExpectedPodCountFailed",
            "{:?}",
            r.events()
        );
    }

    #[test]
    fn disrupted_pods_stay_out_of_current_healthy_until_the_deletion_timeout() {
        // TestUpdateDisruptedPods: an entry within DeletionTimeout keeps the pod out and is
        // kept; an expired one is dropped with a NotDeleted Warning; a deleting pod's entry
        // is dropped.
        let mut store = Store::default();
        let ns = fx::namespace(&mut store, "default");
        let id = budget(&mut store, ns, Some(IntOrPercent::Int(1)), None);
        for name in ["p1", "p2", "p3"] {
            ready_pod(&mut store, name, ns, None);
        }
        let p3 = store.lookup(Kind::Pod, Some(ns), "p3").unwrap();
        store.pods.get_mut(p3).unwrap().meta.deleted = Some(NOW);
        let now = SimTime::ZERO + SimDuration::from_secs(200);
        let recent = SimTime::ZERO + SimDuration::from_secs(190);
        let old = SimTime::ZERO;
        let b = store.pdbs.get_mut(id).unwrap();
        b.status.disrupted_pods.insert("p1".into(), recent);
        b.status.disrupted_pods.insert("p2".into(), old);
        b.status.disrupted_pods.insert("p3".into(), recent);
        let pdb = store.pdbs.get(id).unwrap();
        let c = compute(&store, pdb, now).unwrap();
        assert_eq!(c.status.disrupted_pods.keys().collect::<Vec<_>>(), ["p1"]);
        assert_eq!(c.status.current_healthy, 1, "only p2 counts");
        assert_eq!(c.recheck, Some(recent + DELETION_TIMEOUT));
        assert_eq!(c.not_deleted, ["p2"]);
    }

    #[test]
    fn a_sync_writes_the_status_once_and_an_unchanged_budget_is_not_written_again() {
        let mut store = Store::default();
        let ns = fx::namespace(&mut store, "default");
        let id = budget(&mut store, ns, Some(IntOrPercent::Int(1)), None);
        ready_pod(&mut store, "a", ns, None);
        ready_pod(&mut store, "b", ns, None);
        let mut c = DisruptionController::default();
        let r = run(&mut c, &store, &mut (), ME, NOW, |c, cx| c.sync(cx, id));
        let [(Op::PdbStatus { status, .. }, _)] = r.requests()[..] else {
            panic!("one write: {:?}", r.requests());
        };
        assert_eq!(status.disruptions_allowed, 1);
        assert_eq!(
            status.condition.as_ref().map(|c| c.reason),
            Some(DisruptionReason::SufficientPods)
        );
        assert_eq!(status.observed_generation, 1);
        store.pdbs.get_mut(id).unwrap().status = (**status).clone();
        let r = run(&mut c, &store, &mut (), ME, NOW, |c, cx| c.sync(cx, id));
        assert!(r.requests().is_empty(), "{:?}", r.requests());
    }
}
