//! The Deployment controller: `pkg/controller/deployment`.
//!
//! One sync (`syncDeployment`): find the new ReplicaSet (template equal to the Deployment's,
//! ignoring `pod-template-hash`; the oldest wins) and the old ones; create the new one if
//! missing (`getNewReplicaSet`, with `NewRSNewReplicas` replicas) and, in the same sync,
//! scale old ones down (rolling.go); on a replica change of a
//! settled Deployment scale the active ReplicaSet (`scale`); otherwise roll
//! (`rolloutRolling`: `reconcileNewReplicaSet`, then `reconcileOldReplicaSets` with
//! `cleanupUnhealthyReplicas` and `scaleDownOldReplicaSetsForRollingUpdate`) or recreate
//! (`rolloutRecreate`); then write the status (`calculateStatus`). Every scale emits
//! `ScalingReplicaSet` (`Scaled up replica set X from A to B`, the 1.31+ wording).
//! A paused Deployment or a scaling event (an active ReplicaSet whose desired-replicas
//! annotation differs from spec.replicas) only scales, proportionally (`scale()`).
//! The Available and Progressing conditions follow sync.go and progress.go ([`progress`]).
//! Old ReplicaSets beyond `revisionHistoryLimit` are deleted (`cleanupDeployment`).
//! A template that comes back takes the newest revision (`getNewReplicaSet`).

use crate::apiserver::{Op, Outcome, Propagation};
use crate::component::{Component, Ctx, Notice, Response};
use crate::controllers::Workers;
use crate::model::kind::Kind;
use crate::model::labels::{Labels, Selector};
use crate::model::meta::{Meta, ObjRef, OwnerRef};
use crate::model::object::NewObject;
use crate::model::pod::Phase;
use crate::model::workload::{
    Deployment, DeploymentStatus, PodTemplate, REVISION_ANNOTATION, ReplicaSet, ReplicaSetSpec,
    ReplicaSetStatus, Strategy,
};
use crate::sim::time::SimTime;
use rolling::{RsCount, StaleStatus, new_rs_new_replicas, reconcile_new, reconcile_olds};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub mod progress;
pub mod rolling;

/// `--concurrent-deployment-syncs` (kube-controller-manager's default).
pub const WORKERS: usize = 5;
/// The label that keeps sibling ReplicaSets apart (`DefaultDeploymentUniqueLabelKey`).
pub const POD_TEMPLATE_HASH: &str = "pod-template-hash";

/// The controller's state.
#[derive(Debug)]
pub struct DeploymentController {
    /// Its work queue.
    pub workers: Workers<DeploymentTimer>,
    outstanding: BTreeMap<u32, u32>,
    applied: (u64, u32),
    /// The size each ReplicaSet had when a scale of it was sent (for the event text).
    scaling_from: BTreeMap<u32, i32>,
    /// Deployments whose sync in progress only scales (`sync`, not a rollout): their status
    /// is written without estimating progress (`syncDeploymentStatus`).
    scaling_only: BTreeSet<u32>,
    /// Per Deployment, the new ReplicaSet its sync in progress created
    /// (`NewReplicaSetCreated`).
    created: BTreeMap<u32, String>,
    /// Per Deployment whose sync in progress is creating the new ReplicaSet, the Deployment
    /// as that sync read it: `rolloutRolling` goes on with the same `d` once the create
    /// returns, whatever was written to the Deployment meanwhile.
    creating: BTreeMap<u32, Deployment>,
    /// The work queue's rate limiter for syncs that failed (a status write's Conflict).
    backoff: crate::controllers::workqueue::FailureBackoff,
}

impl Default for DeploymentController {
    fn default() -> Self {
        DeploymentController {
            workers: Workers::new(WORKERS, Kind::Deployment, NAME, |k| {
                DeploymentTimer::Worker(Sync(k))
            }),
            outstanding: BTreeMap::new(),
            applied: (0, 0),
            scaling_from: BTreeMap::new(),
            scaling_only: BTreeSet::new(),
            created: BTreeMap::new(),
            creating: BTreeMap::new(),
            backoff: Default::default(),
        }
    }
}

impl DeploymentController {
    /// How many syncs have had every scale and create request return, and the Deployment of
    /// the last one: the instant at which the invariant checker (`cluster::invariants`) compares
    /// what a sync decided with maxSurge.
    pub fn applied_syncs(&self) -> (u64, u32) {
        self.applied
    }
}

/// What a response of the Deployment controller is about (the Deployment it synced).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// The new ReplicaSet was created.
    CreateReplicaSet(u32),
    /// A ReplicaSet was scaled.
    Scale(u32),
    /// The Deployment's status was written.
    Status(u32),
    /// An old ReplicaSet beyond `revisionHistoryLimit` was deleted.
    DeleteReplicaSet(u32),
    /// The new ReplicaSet's revision was raised.
    Revision(u32),
}

/// The Deployment controller's timer: a worker's sync of this Deployment is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sync(pub u32);

/// The Deployment controller's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeploymentTimer {
    /// A worker's sync is due.
    Worker(Sync),
    /// `requeueStuckDeployment`'s `AddAfter`: queue the Deployment to check its deadline.
    Requeue(u32),
}

type Cx<'a> = Ctx<'a, DeploymentController>;

impl Component for DeploymentController {
    type Tag = Tag;
    type Timer = DeploymentTimer;
    type Env = ();

    /// The Deployment changed, or one of its ReplicaSets (the notice names its controller).
    fn observe(&mut self, cx: &mut Cx<'_>, n: Notice) {
        let key = match n.obj.kind {
            Kind::Deployment => n.obj.id,
            Kind::Pod => match recreate_waiting_on(cx, n) {
                Some(d) => d,
                None => return,
            },
            _ => match n.controller {
                Some(d) => d,
                None => return,
            },
        };
        self.workers.enqueue(cx, key);
    }

    fn on_response(&mut self, cx: &mut Cx<'_>, tag: Tag, r: Response<'_>) {
        on_response(self, cx, tag, r);
    }

    fn on_timer(&mut self, cx: &mut Cx<'_>, t: DeploymentTimer) {
        match t {
            DeploymentTimer::Worker(Sync(id)) => sync(self, cx, id),
            DeploymentTimer::Requeue(id) => self.workers.enqueue(cx, id),
        }
    }
}

/// `deletePod`: a deleted pod of a Recreate Deployment's ReplicaSet queues the Deployment
/// once none of its ReplicaSets has a pod left (the new ReplicaSet may now be created).
fn recreate_waiting_on(cx: &Cx<'_>, n: Notice) -> Option<u32> {
    if n.change != crate::component::Change::Deleted {
        return None;
    }
    let rs = cx.store.replicasets.get(n.controller?)?;
    let d = rs.meta.controller()?;
    let dep = cx.store.deployments.get(d.id)?;
    if d.kind != Kind::Deployment || dep.spec.strategy != Strategy::Recreate {
        return None;
    }
    let pods_left = owned(cx, d.id).into_iter().any(|r| {
        cx.store
            .dependents_of(ObjRef {
                kind: Kind::ReplicaSet,
                id: r,
            })
            .iter()
            .any(|p| p.kind == Kind::Pod)
    });
    (!pods_left).then_some(d.id)
}

const NAME: &str = "deployment-controller";

/// `ComputeHash`: FNV-32a of the template, its decimal digits mapped onto Kubernetes'
/// alphabet (`rand.SafeEncodeString`). Stable for a template, independent of the seed.
pub fn template_hash(t: &PodTemplate) -> String {
    const ALPHABET: &[u8] = crate::apiserver::SAFE_ALPHABET;
    // Annotations join the hashed text only when there are some, so the hashes of templates
    // without any stay what they were.
    let text = if t.annotations.is_empty() {
        format!("{:?}|{:?}", t.labels, t.spec)
    } else {
        format!("{:?}|{:?}|{:?}", t.labels, t.annotations, t.spec)
    };
    let h = crate::sim::rng::fnv1a_32(text.as_bytes());
    h.to_string()
        .bytes()
        .map(|b| ALPHABET[usize::from(b) % ALPHABET.len()] as char)
        .collect()
}

fn without_hash(labels: &Labels) -> Labels {
    Labels::from_pairs(
        labels
            .iter()
            .filter(|(k, _)| *k != POD_TEMPLATE_HASH)
            .map(|(k, v)| (k.to_string(), v.to_string())),
    )
}

/// ReplicaSets this Deployment controls, oldest first.
fn owned(cx: &Cx<'_>, d: u32) -> Vec<u32> {
    let dref = ObjRef {
        kind: Kind::Deployment,
        id: d,
    };
    let mut v: Vec<u32> = cx
        .store
        .dependents_of(dref)
        .iter()
        .filter(|r| r.kind == Kind::ReplicaSet)
        .filter(|r| {
            cx.store
                .replicasets
                .get(r.id)
                .is_some_and(|rs| rs.meta.controller() == Some(dref))
        })
        .map(|r| r.id)
        .collect();
    v.sort_by_key(|id| {
        cx.store
            .replicasets
            .get(*id)
            .map(|rs| (rs.meta.created, rs.meta.name.clone()))
    });
    v
}

/// `FindNewReplicaSet`: the oldest ReplicaSet whose template equals the Deployment's,
/// ignoring `pod-template-hash`.
fn find_new(cx: &Cx<'_>, d: &Deployment, rss: &[u32]) -> Option<u32> {
    rss.iter().copied().find(|id| {
        cx.store.replicasets.get(*id).is_some_and(|rs| {
            rs.spec.template.spec == d.spec.template.spec
                && rs.spec.template.annotations == d.spec.template.annotations
                && without_hash(&rs.spec.template.labels) == d.spec.template.labels
        })
    })
}

/// `ResolveFenceposts` (pkg/controller/deployment/util/deployment_util.go): (maxSurge, maxUnavailable).
pub fn fenceposts(strategy: &Strategy, replicas: i32) -> (i32, i32) {
    match strategy {
        Strategy::Recreate => (0, 0),
        Strategy::RollingUpdate {
            max_surge,
            max_unavailable,
        } => {
            let surge = max_surge.scaled(replicas, true);
            let unavailable = max_unavailable.scaled(replicas, false);
            if surge == 0 && unavailable == 0 {
                (0, 1)
            } else {
                (surge, unavailable)
            }
        }
    }
}

/// `MaxSurge(d)`: the resolved surge of a rolling Deployment, 0 otherwise.
fn max_surge(d: &Deployment) -> i32 {
    match d.spec.strategy {
        Strategy::RollingUpdate { .. } => fenceposts(&d.spec.strategy, d.spec.replicas).0,
        Strategy::Recreate => 0,
    }
}

/// `syncDeployment`.
fn sync(me: &mut DeploymentController, cx: &mut Cx<'_>, id: u32) {
    let Some(d) = cx.store.deployments.get(id) else {
        me.workers.done(cx, id);
        return;
    };
    let rss = owned(cx, id);
    if d.meta.deleted.is_some() {
        me.scaling_only.insert(id);
        write_status(me, cx, id);
        return;
    }
    let new_rs = find_new(cx, d, &rss);
    let olds: Vec<u32> = rss.iter().copied().filter(|r| Some(*r) != new_rs).collect();
    let dr = d.spec.replicas;
    // A paused Deployment, or a scaling event (an active ReplicaSet whose desired-replicas
    // annotation is not spec.replicas: `isScalingEvent`), only scales (`sync`).
    let scaling_event = rss
        .iter()
        .filter_map(|r| cx.store.replicasets.get(*r))
        .any(|rs| {
            rs.spec.replicas > 0
                && rs
                    .replica_annotations
                    .is_some_and(|(desired, _)| desired != dr)
        });
    if d.spec.paused || scaling_event {
        me.scaling_only.insert(id);
        let view = |r: u32| rs_view(cx, r);
        let new_view = new_rs.and_then(view);
        let old_views: Vec<RsView> = olds.iter().filter_map(|r| view(*r)).collect();
        let (surge, _) = fenceposts(&d.spec.strategy, dr);
        let rolling = matches!(d.spec.strategy, Strategy::RollingUpdate { .. });
        let scales = proportional_scale(
            dr,
            surge,
            rolling,
            d.status.replicas,
            new_view.as_ref(),
            &old_views,
        );
        // sync.go `sync`: cleanupDeployment after scaling, whatever the rollout's state.
        let deletes = history_cleanup(cx, d, &olds);
        let revision = revision_to_sync(cx, d, new_rs, &olds);
        apply(me, cx, id, d, scales, deletes, revision);
        return;
    }
    let spec_of = |cx: &Cx<'_>, r: u32| {
        cx.store
            .replicasets
            .get(r)
            .map(|rs| rs.spec.replicas)
            .unwrap_or(0)
    };
    let Some(new_id) = new_rs else {
        let replicas = match d.spec.strategy {
            // rolloutRecreate creates the new ReplicaSet only after scaling the old ones to 0
            // and once no old pod runs; NewRSNewReplicas for Recreate is then D.
            Strategy::Recreate => {
                let downs: Vec<(u32, i32)> = olds
                    .iter()
                    .filter(|o| spec_of(cx, **o) > 0)
                    .map(|o| (*o, 0))
                    .collect();
                if !downs.is_empty() {
                    apply_scales(me, cx, id, d, downs);
                    return;
                }
                if old_pods_running(cx, &olds) {
                    write_status(me, cx, id);
                    return;
                }
                dr
            }
            Strategy::RollingUpdate { .. } => {
                let current: i64 = olds.iter().map(|o| i64::from(spec_of(cx, *o))).sum();
                new_rs_new_replicas(&d.spec.strategy, dr, current, 0).max(0) as i32
            }
        };
        create_new_rs(me, cx, id, d, &olds, replicas);
        return;
    };
    let scales = match d.spec.strategy {
        Strategy::RollingUpdate { .. } => {
            let (scales, stale) = rolling(cx, d, new_id, &olds);
            if stale.is_some() {
                // handleErr: the failed sync is queued again.
                me.workers.queue.add(id);
            }
            scales
        }
        Strategy::Recreate => recreate(cx, d, new_id, &olds),
    };
    // rolloutRolling / rolloutRecreate: cleanupDeployment once a sync has nothing to scale
    // and the stored status says the rollout is complete.
    let deletes =
        if scales.is_empty() && progress::complete(d.spec.replicas, d.meta.generation, &d.status) {
            history_cleanup(cx, d, &olds)
        } else {
            Vec::new()
        };
    let revision = revision_to_sync(cx, d, Some(new_id), &olds);
    apply(me, cx, id, d, scales, deletes, revision);
}

/// `cleanupDeployment` (sync.go): the old ReplicaSets beyond `revisionHistoryLimit`, lowest
/// revision first (`ReplicaSetsByRevision`, ties by age), that have no replicas in spec or
/// status, whose status is current and that are not being deleted.
fn history_cleanup(cx: &Cx<'_>, d: &Deployment, olds: &[u32]) -> Vec<u32> {
    let mut alive: Vec<(u32, &ReplicaSet)> = olds
        .iter()
        .filter_map(|o| cx.store.replicasets.get(*o).map(|rs| (*o, rs)))
        .filter(|(_, rs)| rs.meta.deleted.is_none())
        .collect();
    let excess = alive.len() as i64 - i64::from(d.spec.revision_history_limit);
    if excess <= 0 {
        return Vec::new();
    }
    alive.sort_by_key(|(_, rs)| (rs.revision, rs.meta.created, rs.meta.name.clone()));
    alive
        .into_iter()
        .take(excess as usize)
        .filter(|(_, rs)| {
            rs.status.replicas == 0
                && rs.spec.replicas == 0
                && rs.meta.generation <= rs.status.observed_generation
        })
        .map(|(id, _)| id)
        .collect()
}

/// What `getNewReplicaSet` writes for an existing new ReplicaSet
/// (`SetNewReplicaSetAnnotations`) and for the Deployment (`SetDeploymentRevision`).
#[derive(Debug, Default)]
struct RevisionSync {
    /// The new ReplicaSet's raised revision and the Deployment annotations it lacks.
    replica_set: Option<RsRevision>,
    /// The Deployment's `deployment.kubernetes.io/revision`, when it is not the new RS's.
    deployment: Option<i64>,
}

/// One `SetNewReplicaSetAnnotations` update of the new ReplicaSet.
#[derive(Debug)]
struct RsRevision {
    id: u32,
    revision: i64,
    annotations: Vec<(String, String)>,
}

impl RevisionSync {
    fn is_empty(&self) -> bool {
        self.replica_set.is_none() && self.deployment.is_none()
    }
}

/// `getNewReplicaSet` for an existing new ReplicaSet: its revision becomes the old ones'
/// highest plus one when it is lower (a template that comes back, as after `rollout undo`,
/// gets the newest revision), it takes the Deployment's annotations it lacks
/// (`copyDeploymentAnnotationsToReplicaSet`), and the Deployment's revision annotation
/// follows it. Without a new ReplicaSet nothing is written.
fn revision_to_sync(
    cx: &Cx<'_>,
    d: &Deployment,
    new_id: Option<u32>,
    olds: &[u32],
) -> RevisionSync {
    let Some(rs) = new_id.and_then(|n| cx.store.replicasets.get(n)) else {
        return RevisionSync::default();
    };
    let max_old = olds
        .iter()
        .filter_map(|o| cx.store.replicasets.get(*o))
        .map(|r| r.revision)
        .max()
        .unwrap_or(0);
    let revision = rs.revision.max(max_old + 1);
    let missing: Vec<(String, String)> = copied_annotations(d)
        .iter()
        .filter(|(k, v)| rs.meta.annotations.get(k) != Some(*v))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let replica_set = (revision != rs.revision || !missing.is_empty()).then(|| RsRevision {
        id: new_id.unwrap_or_default(),
        revision,
        annotations: missing,
    });
    let stored = d.meta.annotations.get(REVISION_ANNOTATION);
    let deployment = (stored != Some(revision.to_string().as_str())).then_some(revision);
    RevisionSync {
        replica_set,
        deployment,
    }
}

/// The Deployment's annotations a new ReplicaSet carries: all but the ones the controller
/// and kubectl keep for themselves (deployment_util.go `skipCopyAnnotation`).
fn copied_annotations(d: &Deployment) -> Labels {
    const SKIPPED: [&str; 5] = [
        "kubectl.kubernetes.io/last-applied-configuration",
        REVISION_ANNOTATION,
        "deployment.kubernetes.io/revision-history",
        "deployment.kubernetes.io/desired-replicas",
        "deployment.kubernetes.io/max-replicas",
    ];
    Labels::from_pairs(
        d.meta
            .annotations
            .iter()
            .filter(|(k, _)| !SKIPPED.contains(k))
            .map(|(k, v)| (k.to_string(), v.to_string())),
    )
}

/// Sends one sync's scale and delete requests; the status is written once they all returned.
fn apply(
    me: &mut DeploymentController,
    cx: &mut Cx<'_>,
    id: u32,
    d: &Deployment,
    scales: Vec<(u32, i32)>,
    deletes: Vec<u32>,
    revision: RevisionSync,
) {
    if deletes.is_empty() && revision.is_empty() {
        apply_scales(me, cx, id, d, scales);
        return;
    }
    let mut sent = send_scales(me, cx, id, d, scales);
    if let Some(rs) = revision.replica_set {
        let key = cx.store.key(ObjRef {
            kind: Kind::ReplicaSet,
            id: rs.id,
        });
        let op = Op::ReplicaSetRevision {
            id: rs.id,
            revision: rs.revision,
            annotations: rs.annotations,
        };
        cx.submit(op, Tag::Revision(id), &key);
        sent += 1;
    }
    if let Some(revision) = revision.deployment {
        let key = cx.store.key(ObjRef {
            kind: Kind::Deployment,
            id,
        });
        cx.submit(
            Op::DeploymentRevision { id, revision },
            Tag::Revision(id),
            &key,
        );
        sent += 1;
    }
    for rs in deletes {
        let target = ObjRef {
            kind: Kind::ReplicaSet,
            id: rs,
        };
        let key = cx.store.key(target);
        let uid = cx.store.meta(target).map(|m| m.uid);
        let op = Op::Delete {
            target,
            uid,
            propagation: Propagation::Background,
            grace_seconds: None,
        };
        cx.submit(op, Tag::DeleteReplicaSet(id), &key);
        sent += 1;
    }
    me.outstanding.insert(id, sent);
}

/// `scaleReplicaSetAndRecordEvent` for each decision: a request when the size or the
/// desired/max-replicas annotations change; the status write once they all returned.
fn apply_scales(
    me: &mut DeploymentController,
    cx: &mut Cx<'_>,
    id: u32,
    d: &Deployment,
    scales: Vec<(u32, i32)>,
) {
    let sent = send_scales(me, cx, id, d, scales);
    if sent == 0 {
        write_status(me, cx, id);
    } else {
        me.outstanding.insert(id, sent);
    }
}

/// Sends the scale requests of one sync; returns how many were sent.
fn send_scales(
    me: &mut DeploymentController,
    cx: &mut Cx<'_>,
    id: u32,
    d: &Deployment,
    scales: Vec<(u32, i32)>,
) -> u32 {
    let annotations = Some((
        d.spec.replicas,
        d.spec.replicas.saturating_add(max_surge(d)),
    ));
    let mut sent = 0;
    for (rs, replicas) in scales {
        let Some(cur) = cx.store.replicasets.get(rs) else {
            continue;
        };
        if cur.spec.replicas == replicas && cur.replica_annotations == annotations {
            continue;
        }
        let from = cur.spec.replicas;
        let target = ObjRef {
            kind: Kind::ReplicaSet,
            id: rs,
        };
        let key = cx.store.key(target);
        me.scaling_from.insert(rs, from);
        let op = Op::Scale {
            target,
            replicas,
            annotations,
        };
        cx.submit(op, Tag::Scale(id), &key);
        sent += 1;
    }
    sent
}

/// What proportional scaling reads of a ReplicaSet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RsView {
    /// Arena id.
    pub id: u32,
    /// `spec.replicas`.
    pub replicas: i32,
    /// `status.availableReplicas`.
    pub available: i32,
    /// desired-replicas / max-replicas annotations.
    pub annotations: Option<(i32, i32)>,
    /// creationTimestamp and name: the `ReplicaSetsByCreationTimestamp` order.
    pub age_key: (SimTime, String),
}

fn rs_view(cx: &Cx<'_>, id: u32) -> Option<RsView> {
    let rs = cx.store.replicasets.get(id)?;
    Some(RsView {
        id,
        replicas: rs.spec.replicas,
        available: rs.status.available_replicas,
        annotations: rs.replica_annotations,
        age_key: (rs.meta.created, rs.meta.name.clone()),
    })
}

/// `scale()` of pkg/controller/deployment/sync.go (reference algorithms §2.3): the single
/// active (or latest) ReplicaSet takes spec.replicas; a saturated new ReplicaSet retires the
/// old ones; otherwise a rolling Deployment's change of size is spread over the active
/// ReplicaSets in proportion to their size (`GetProportion`, `getReplicaSetFraction`), the
/// leftover going to the first (largest) one. Returns the new size of each ReplicaSet.
pub fn proportional_scale(
    replicas: i32,
    max_surge: i32,
    rolling: bool,
    status_replicas: i32,
    new_rs: Option<&RsView>,
    olds: &[RsView],
) -> Vec<(u32, i32)> {
    // FindActiveOrLatest: olds newest first, then the active ones with the new one.
    let mut olds_newest: Vec<&RsView> = olds.iter().collect();
    olds_newest.sort_by(|a, b| b.age_key.cmp(&a.age_key));
    let mut all: Vec<&RsView> = olds_newest.clone();
    all.extend(new_rs);
    let active: Vec<&RsView> = all.iter().copied().filter(|r| r.replicas > 0).collect();
    let latest = match active.len() {
        0 => new_rs.or(olds_newest.first().copied()),
        1 => Some(active[0]),
        _ => None,
    };
    if let Some(rs) = latest {
        return if rs.replicas == replicas {
            Vec::new()
        } else {
            vec![(rs.id, replicas)]
        };
    }
    // IsSaturated.
    if let Some(n) = new_rs
        && n.replicas == replicas
        && n.annotations
            .is_some_and(|(desired, _)| desired == replicas)
        && n.available == replicas
    {
        return olds
            .iter()
            .filter(|o| o.replicas > 0)
            .map(|o| (o.id, 0))
            .collect();
    }
    if !rolling {
        return Vec::new();
    }
    let replicas = i64::from(replicas);
    let max_surge = i64::from(max_surge);
    let mut active = active;
    let allowed = if replicas > 0 {
        replicas + max_surge
    } else {
        0
    };
    let to_add = allowed - active.iter().map(|r| i64::from(r.replicas)).sum::<i64>();
    // ReplicaSetsBySizeNewer (adding) / BySizeOlder (removing): larger first, ties by age.
    if to_add > 0 {
        active.sort_by(|a, b| {
            b.replicas
                .cmp(&a.replicas)
                .then_with(|| b.age_key.cmp(&a.age_key))
        });
    } else if to_add < 0 {
        active.sort_by(|a, b| {
            b.replicas
                .cmp(&a.replicas)
                .then_with(|| a.age_key.cmp(&b.age_key))
        });
    }
    let mut added = 0i64;
    let mut sizes: Vec<(u32, i64)> = Vec::with_capacity(active.len());
    for rs in &active {
        let cur = i64::from(rs.replicas);
        let proportion = if to_add == 0 || to_add == added {
            0
        } else {
            // getReplicaSetFraction, rounded half away from zero.
            let fraction = if replicas == 0 {
                -cur
            } else {
                let annotated = rs
                    .annotations
                    .map(|(_, max)| i64::from(max))
                    .unwrap_or(i64::from(status_replicas));
                if annotated == 0 {
                    0
                } else {
                    let scaled = (cur * allowed) as f64 / annotated as f64;
                    scaled.round() as i64 - cur
                }
            };
            let room = to_add - added;
            if to_add > 0 {
                fraction.min(room)
            } else {
                fraction.max(room)
            }
        };
        sizes.push((rs.id, cur + proportion));
        added += proportion;
    }
    if let Some(first) = sizes.first_mut() {
        first.1 = (first.1 + (to_add - added)).max(0);
    }
    sizes
        .into_iter()
        .map(|(id, n)| (id, n.clamp(0, i64::from(i32::MAX)) as i32))
        .collect()
}

/// `rolloutRolling`'s scaling decisions for one sync: scale the new ReplicaSet up if it may
/// grow (and stop there, as rolling.go does), else scale old ones down (`reconcileOldReplicaSets`).
/// The second value names an old ReplicaSet whose status lagged its spec: rolling.go fails
/// the sync there and retries it.
fn rolling(
    cx: &Cx<'_>,
    d: &Deployment,
    new_id: u32,
    olds: &[u32],
) -> (Vec<(u32, i32)>, Option<StaleStatus>) {
    let count = |id: u32| {
        let rs = cx.store.replicasets.get(id);
        RsCount {
            id,
            replicas: i64::from(rs.map(|r| r.spec.replicas).unwrap_or(0)),
            available: i64::from(rs.map(|r| r.status.available_replicas).unwrap_or(0)),
        }
    };
    let new = count(new_id);
    let olds: Vec<RsCount> = olds.iter().map(|o| count(*o)).collect();
    let total = new.replicas + olds.iter().map(|o| o.replicas).sum::<i64>();
    if let Some(n) = reconcile_new(&d.spec.strategy, d.spec.replicas, total, new.replicas) {
        return (vec![(new_id, n as i32)], None);
    }
    let (downs, stale) = reconcile_olds(&d.spec.strategy, d.spec.replicas, new, &olds);
    let downs = downs.into_iter().map(|(id, n)| (id, n as i32)).collect();
    (downs, stale)
}

/// `rolloutRecreate` (facts B.4): old ReplicaSets to 0, then the new one to D once no old
/// pod is running.
fn recreate(cx: &Cx<'_>, d: &Deployment, new_id: u32, olds: &[u32]) -> Vec<(u32, i32)> {
    let spec = |id: u32| {
        cx.store
            .replicasets
            .get(id)
            .map(|r| r.spec.replicas)
            .unwrap_or(0)
    };
    let downs: Vec<(u32, i32)> = olds
        .iter()
        .filter(|o| spec(**o) > 0)
        .map(|o| (*o, 0))
        .collect();
    if !downs.is_empty() {
        return downs;
    }
    if old_pods_running(cx, olds) {
        return Vec::new();
    }
    if spec(new_id) != d.spec.replicas {
        vec![(new_id, d.spec.replicas)]
    } else {
        Vec::new()
    }
}

fn old_pods_running(cx: &Cx<'_>, olds: &[u32]) -> bool {
    olds.iter().any(|o| {
        cx.store
            .dependents_of(ObjRef {
                kind: Kind::ReplicaSet,
                id: *o,
            })
            .iter()
            .any(|p| {
                p.kind == Kind::Pod
                    && cx.store.pods.get(p.id).is_some_and(|p| {
                        !matches!(p.status.phase, Phase::Succeeded | Phase::Failed)
                    })
            })
    })
}

fn create_new_rs(
    me: &mut DeploymentController,
    cx: &mut Cx<'_>,
    id: u32,
    d: &Deployment,
    olds: &[u32],
    replicas: i32,
) {
    let hash = template_hash(&d.spec.template);
    let mut labels = d.spec.template.labels.clone();
    labels.insert(POD_TEMPLATE_HASH, hash.clone());
    let template = Arc::new(PodTemplate {
        annotations: d.spec.template.annotations.clone(),
        labels: labels.clone(),
        spec: d.spec.template.spec.clone(),
    });
    let mut selector_labels = Labels::default();
    selector_labels.insert(POD_TEMPLATE_HASH, hash.clone());
    let selector = merge_selector(&d.spec.selector, &selector_labels);
    let revision = olds
        .iter()
        .filter_map(|o| cx.store.replicasets.get(*o))
        .map(|r| r.revision)
        .max()
        .unwrap_or(0)
        + 1;
    let mut meta = Meta::new(format!("{}-{hash}", d.meta.name), None, labels);
    // SetNewReplicaSetAnnotations: the change-cause and the user's annotations come along.
    meta.annotations = copied_annotations(d);
    meta.owners.push(OwnerRef {
        owner: ObjRef {
            kind: Kind::Deployment,
            id,
        },
        uid: d.meta.uid,
        controller: true,
        block_owner_deletion: true,
    });
    let rs = ReplicaSet {
        meta,
        legacy_rc: false,
        template_hash: Some(hash),
        revision,
        replica_annotations: Some((
            d.spec.replicas,
            d.spec.replicas.saturating_add(max_surge(d)),
        )),
        spec: ReplicaSetSpec {
            replicas,
            selector,
            template,
            min_ready_seconds: d.spec.min_ready_seconds,
        },
        status: ReplicaSetStatus::default(),
    };
    let ns = d.meta.namespace.map(|n| cx.store.ns_name(n).to_string());
    let key = format!("{}/{}", ns.clone().unwrap_or_default(), rs.meta.name);
    me.outstanding.insert(id, 1);
    me.creating.insert(id, d.clone());
    let op = Op::Create {
        object: Box::new(NewObject::ReplicaSet(rs)),
        namespace: ns,
        generate_name: None,
    };
    cx.submit(op, Tag::CreateReplicaSet(id), &key);
}

fn merge_selector(sel: &Selector, extra: &Labels) -> Selector {
    let mut s = sel.clone();
    s.add_equals(extra);
    s
}

/// `calculateStatus` and the status write; the worker is done once it returns.
fn write_status(me: &mut DeploymentController, cx: &mut Cx<'_>, id: u32) {
    let Some(d) = cx.store.deployments.get(id) else {
        me.workers.done(cx, id);
        return;
    };
    let rss = owned(cx, id);
    let new_rs = find_new(cx, d, &rss);
    let mut s = DeploymentStatus {
        observed_generation: d.meta.generation,
        ..Default::default()
    };
    for r in &rss {
        let Some(rs) = cx.store.replicasets.get(*r) else {
            continue;
        };
        s.replicas += rs.status.replicas;
        s.ready_replicas += rs.status.ready_replicas;
        s.available_replicas += rs.status.available_replicas;
        if Some(*r) == new_rs {
            s.updated_replicas = rs.status.replicas;
        }
    }
    s.unavailable_replicas = (d.spec.replicas - s.available_replicas).max(0);
    let scaling_only = me.scaling_only.remove(&id);
    let created = me.created.remove(&id);
    let new_name = new_rs
        .and_then(|r| cx.store.replicasets.get(r))
        .map(|r| r.meta.name.as_str());
    let stored = stored_conditions(d, created, new_name, cx.now);
    s.conditions = stored.conditions.clone();
    let max_unavailable = rolling::max_unavailable(&d.spec.strategy, d.spec.replicas);
    progress::set_available(&mut s, d.spec.replicas, max_unavailable, cx.now);
    let r = progress::Rollout {
        name: &d.meta.name,
        generation: d.meta.generation,
        replicas: d.spec.replicas,
        deadline_s: d.spec.progress_deadline_seconds,
        new_rs: new_name,
    };
    if !scaling_only {
        progress::sync_rollout_status(r, &stored, &mut s, cx.now);
    }
    if s == d.status {
        me.backoff.forget(id);
        if !scaling_only && let Some(after) = progress::requeue_after(r, &stored, &s, cx.now) {
            cx.after(after, DeploymentTimer::Requeue(id));
        }
        me.workers.done(cx, id);
        return;
    }
    let key = cx.store.key(ObjRef {
        kind: Kind::Deployment,
        id,
    });
    let resource_version = d.meta.resource_version;
    cx.submit(
        Op::DeploymentStatus {
            id,
            status: s,
            resource_version,
        },
        Tag::Status(id),
        &key,
    );
}

/// The stored status as `syncRolloutStatus` sees it: with the Progressing condition
/// `getNewReplicaSet` writes when it creates the new ReplicaSet (`NewReplicaSetCreated`) or
/// first finds it (`FoundNewReplicaSet`), and the one `checkPausedConditions` writes when
/// `spec.paused` flips. Kubernetes writes these in separate status updates earlier in the
/// sync; kubesim folds them into the sync's one status write.
fn stored_conditions(
    d: &Deployment,
    created: Option<String>,
    new_rs: Option<&str>,
    now: SimTime,
) -> DeploymentStatus {
    use crate::model::workload::{ConditionStatus::*, DeploymentConditionType::Progressing};
    use progress::reason;
    let mut s = d.status.clone();
    if d.spec.progress_deadline_seconds == progress::NO_DEADLINE {
        return s;
    }
    let cur = progress::get(&s, Progressing).map(|c| c.reason);
    if cur != Some(reason::TIMED_OUT) {
        let paused = cur == Some(reason::PAUSED);
        if d.spec.paused && !paused {
            let c = progress::condition(
                Progressing,
                Unknown,
                reason::PAUSED,
                "Deployment is paused".into(),
                now,
            );
            progress::set(&mut s, c);
        } else if !d.spec.paused && paused {
            let c = progress::condition(
                Progressing,
                Unknown,
                reason::RESUMED,
                "Deployment is resumed".into(),
                now,
            );
            progress::set(&mut s, c);
        }
    }
    if let Some(name) = created {
        let msg = format!("Created new replica set {name:?}");
        let c = progress::condition(Progressing, True, reason::NEW_RS_CREATED, msg, now);
        progress::set(&mut s, c);
    } else if let Some(name) = new_rs
        && progress::get(&s, Progressing).is_none()
    {
        let msg = format!("Found new replica set {name:?}");
        let c = progress::condition(Progressing, True, reason::FOUND_NEW_RS, msg, now);
        progress::set(&mut s, c);
    }
    s
}

/// A response to one of this controller's requests.
fn on_response(me: &mut DeploymentController, cx: &mut Cx<'_>, tag: Tag, req: Response<'_>) {
    let outcome = req.outcome;
    let id = match tag {
        Tag::CreateReplicaSet(id)
        | Tag::Scale(id)
        | Tag::Status(id)
        | Tag::DeleteReplicaSet(id)
        | Tag::Revision(id) => id,
    };
    let dref = ObjRef {
        kind: Kind::Deployment,
        id,
    };
    match tag {
        Tag::CreateReplicaSet(_) => {
            let to = match &req.op {
                Op::Create { object, .. } => match object.as_ref() {
                    NewObject::ReplicaSet(rs) => rs.spec.replicas,
                    _ => 0,
                },
                _ => 0,
            };
            if let Outcome::Created(rs) = &outcome {
                let name = cx.store.meta(*rs).map(|m| m.name.clone());
                me.created.insert(id, name.unwrap_or_default());
            }
            if let Outcome::Created(rs) = &outcome
                && to > 0
            {
                let name = cx
                    .store
                    .meta(*rs)
                    .map(|m| m.name.clone())
                    .unwrap_or_default();
                cx.event(
                    dref,
                    false,
                    "ScalingReplicaSet",
                    "deployment-controller",
                    format!("Scaled up replica set {name} from 0 to {to}"),
                );
            }
            if let Outcome::Failed(e) = &outcome {
                let name = match &req.op {
                    Op::Create { object, .. } => object.meta().name.clone(),
                    _ => String::new(),
                };
                cx.event(
                    dref,
                    true,
                    "FailedCreate",
                    "deployment-controller",
                    format!("Failed to create new replica set {name:?}: {}", e.message),
                );
            }
            let read = me.creating.remove(&id);
            if let (Outcome::Created(rs), Some(d)) = (&outcome, read)
                && continue_rollout(me, cx, id, &d, rs.id)
            {
                return;
            }
            finish_call(me, cx, id);
        }
        Tag::Scale(_) => {
            if let Op::Scale {
                target, replicas, ..
            } = &req.op
            {
                let from = me.scaling_from.remove(&target.id).unwrap_or(*replicas);
                if *outcome == Outcome::Done && from != *replicas {
                    let name = cx
                        .store
                        .meta(*target)
                        .map(|m| m.name.clone())
                        .unwrap_or_default();
                    let dir = if *replicas > from { "up" } else { "down" };
                    cx.event(
                        dref,
                        false,
                        "ScalingReplicaSet",
                        "deployment-controller",
                        format!("Scaled {dir} replica set {name} from {from} to {replicas}"),
                    );
                }
            }
            finish_call(me, cx, id);
        }
        Tag::Status(_) => {
            // syncDeployment returned the Conflict: processNextWorkItem adds the key again
            // rate-limited (5 ms doubling); a clean sync forgets it.
            let conflict = matches!(&outcome, Outcome::Failed(e) if e.reason == "Conflict");
            me.workers.done(cx, id);
            if let Some(after) = me.backoff.sync_ended(id, conflict) {
                cx.after(after, DeploymentTimer::Requeue(id));
            }
        }
        Tag::DeleteReplicaSet(_) | Tag::Revision(_) => finish_call(me, cx, id),
    }
}

/// The rest of `rolloutRolling` in the sync that created the new ReplicaSet:
/// `reconcileNewReplicaSet` has nothing to add (the RS was created at `NewRSNewReplicas`), so
/// `reconcileOldReplicaSets` runs at once. Both act on the Deployment as the sync read it
/// (rolling.go `rolloutRolling` passes one `d` from `getAllReplicaSetsAndSyncRevision` to
/// both), not on a spec written while the create was in flight: that spec is the next sync's.
/// Returns whether scale requests went out (the sync then ends when they return).
fn continue_rollout(
    me: &mut DeploymentController,
    cx: &mut Cx<'_>,
    id: u32,
    d: &Deployment,
    new_id: u32,
) -> bool {
    if !matches!(d.spec.strategy, Strategy::RollingUpdate { .. }) {
        return false;
    }
    let olds: Vec<u32> = owned(cx, id).into_iter().filter(|r| *r != new_id).collect();
    let (scales, stale) = rolling(cx, d, new_id, &olds);
    if stale.is_some() {
        me.workers.queue.add(id);
    }
    let sent = send_scales(me, cx, id, d, scales);
    if sent > 0 {
        me.outstanding.insert(id, sent);
    }
    sent > 0
}

fn finish_call(me: &mut DeploymentController, cx: &mut Cx<'_>, id: u32) {
    let left = me
        .outstanding
        .get(&id)
        .copied()
        .unwrap_or(1)
        .saturating_sub(1);
    if left == 0 {
        me.outstanding.remove(&id);
        me.applied = (me.applied.0 + 1, id);
        write_status(me, cx, id);
    } else {
        me.outstanding.insert(id, left);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::workload::IntOrPercent;

    fn rolling(s: IntOrPercent, u: IntOrPercent) -> Strategy {
        Strategy::RollingUpdate {
            max_surge: s,
            max_unavailable: u,
        }
    }

    #[test]
    fn fenceposts_follow_resolve_fenceposts() {
        // facts B.2 examples and its "both zero → unavailable 1" rule.
        assert_eq!(
            fenceposts(
                &rolling(IntOrPercent::Percent(25), IntOrPercent::Percent(25)),
                10
            ),
            (3, 2)
        );
        assert_eq!(
            fenceposts(
                &rolling(IntOrPercent::Percent(25), IntOrPercent::Percent(25)),
                1
            ),
            (1, 0)
        );
        assert_eq!(
            fenceposts(
                &rolling(IntOrPercent::Percent(25), IntOrPercent::Percent(25)),
                3
            ),
            (1, 0)
        );
        assert_eq!(
            fenceposts(&rolling(IntOrPercent::Int(0), IntOrPercent::Int(0)), 5),
            (0, 1)
        );
    }

    #[test]
    fn template_hash_uses_the_safe_alphabet_and_is_stable() {
        let t = PodTemplate {
            annotations: Default::default(),
            labels: Labels::default(),
            spec: crate::etcd::store::testing::spec_of(Vec::new()),
        };
        let h = template_hash(&t);
        assert_eq!(h, template_hash(&t.clone()));
        assert!(
            h.bytes()
                .all(|b| b"bcdfghjklmnpqrstvwxz2456789".contains(&b))
        );
    }

    /// An RS named `v<n>` (higher n is newer) with `replicas`, available `avail`, and the
    /// annotations the previous Deployment size left (desired, max).
    fn v(n: u32, replicas: i32, avail: i32, annotations: (i32, i32)) -> RsView {
        RsView {
            id: n,
            replicas,
            available: avail,
            annotations: Some(annotations),
            age_key: (SimTime(u64::from(n)), format!("v{n}")),
        }
    }

    fn sizes(mut got: Vec<(u32, i32)>, all: &[&RsView]) -> Vec<(u32, i32)> {
        // Unlisted RSs keep their size.
        for rs in all {
            if !got.iter().any(|(id, _)| *id == rs.id) {
                got.push((rs.id, rs.replicas));
            }
        }
        got.sort();
        got
    }

    /// pkg/controller/deployment/sync_test.go `TestScale` (reference algorithms §1.3,
    /// cases P1–P17): old size and surge in the annotations, the new size and surge passed in.
    #[test]
    fn proportional_scaling_ports_test_scale() {
        struct Case {
            name: &'static str,
            d: i32,
            surge: i32,
            new_rs: Option<RsView>,
            olds: Vec<RsView>,
            want: Vec<(u32, i32)>,
        }
        let a = |d: i32, s: i32| (d, d + s);
        let cases = vec![
            Case {
                name: "P1 normal scaling event: 10 -> 12",
                d: 12,
                surge: 0,
                new_rs: Some(v(1, 10, 10, a(10, 0))),
                olds: vec![],
                want: vec![(1, 12)],
            },
            Case {
                name: "P2 normal scaling event: 10 -> 5",
                d: 5,
                surge: 0,
                new_rs: Some(v(1, 10, 10, a(10, 0))),
                olds: vec![],
                want: vec![(1, 5)],
            },
            Case {
                name: "P3 proportional scaling: 5 -> 10",
                d: 10,
                surge: 0,
                new_rs: Some(v(2, 2, 2, a(5, 0))),
                olds: vec![v(1, 3, 3, a(5, 0))],
                want: vec![(1, 6), (2, 4)],
            },
            Case {
                name: "P4 proportional scaling: 5 -> 3",
                d: 3,
                surge: 0,
                new_rs: Some(v(2, 2, 2, a(5, 0))),
                olds: vec![v(1, 3, 3, a(5, 0))],
                want: vec![(1, 2), (2, 1)],
            },
            Case {
                name: "P5 proportional scaling: 9 -> 4",
                d: 4,
                surge: 0,
                new_rs: Some(v(2, 8, 8, a(9, 0))),
                olds: vec![v(1, 1, 1, a(9, 0))],
                want: vec![(1, 0), (2, 4)],
            },
            Case {
                name: "P6 proportional scaling: 7 -> 10",
                d: 10,
                surge: 0,
                new_rs: Some(v(3, 2, 2, a(7, 0))),
                olds: vec![v(2, 3, 3, a(7, 0)), v(1, 2, 2, a(7, 0))],
                want: vec![(1, 3), (2, 4), (3, 3)],
            },
            Case {
                name: "P7 proportional scaling: 13 -> 8",
                d: 8,
                surge: 0,
                new_rs: Some(v(3, 2, 2, a(13, 0))),
                olds: vec![v(2, 8, 8, a(13, 0)), v(1, 3, 3, a(13, 0))],
                want: vec![(1, 2), (2, 5), (3, 1)],
            },
            Case {
                name: "P8 leftover distribution: 3 -> 4",
                d: 4,
                surge: 0,
                new_rs: Some(v(3, 1, 1, a(3, 0))),
                olds: vec![v(2, 1, 1, a(3, 0)), v(1, 1, 1, a(3, 0))],
                want: vec![(1, 1), (2, 1), (3, 2)],
            },
            Case {
                name: "P9 leftover distribution: 3 -> 2",
                d: 2,
                surge: 0,
                new_rs: Some(v(3, 1, 1, a(3, 0))),
                olds: vec![v(2, 1, 1, a(3, 0)), v(1, 1, 1, a(3, 0))],
                want: vec![(1, 0), (2, 1), (3, 1)],
            },
            Case {
                name: "P10 proportional scaling (no new rs): 4 -> 5",
                d: 5,
                surge: 0,
                new_rs: None,
                olds: vec![v(2, 2, 2, a(4, 0)), v(1, 2, 2, a(4, 0))],
                want: vec![(1, 2), (2, 3)],
            },
            Case {
                name: "P11 proportional scaling: 6 -> 0",
                d: 0,
                surge: 0,
                new_rs: Some(v(3, 3, 3, a(6, 0))),
                olds: vec![v(2, 2, 2, a(6, 0)), v(1, 1, 1, a(6, 0))],
                want: vec![(1, 0), (2, 0), (3, 0)],
            },
            Case {
                name: "P12 proportional scaling: 0 -> 6",
                d: 6,
                surge: 0,
                new_rs: Some(v(3, 0, 0, a(0, 0))),
                olds: vec![v(2, 0, 0, a(0, 0)), v(1, 0, 0, a(0, 0))],
                want: vec![(1, 0), (2, 0), (3, 6)],
            },
            Case {
                name: "P13 failed rs update (v2 annotated 3)",
                d: 5,
                surge: 0,
                new_rs: Some(v(3, 2, 2, a(5, 0))),
                olds: vec![v(2, 1, 1, (3, 3)), v(1, 1, 1, a(5, 0))],
                want: vec![(1, 1), (2, 2), (3, 2)],
            },
            Case {
                name: "P14 deployment with surge pods: 10 -> 20, S=2",
                d: 20,
                surge: 2,
                new_rs: Some(v(2, 6, 6, a(10, 2))),
                olds: vec![v(1, 6, 6, a(10, 2))],
                want: vec![(1, 11), (2, 11)],
            },
            Case {
                name: "P15 change both surge and size: 10,S=3 -> 50,S=6",
                d: 50,
                surge: 6,
                new_rs: Some(v(2, 5, 5, a(10, 3))),
                olds: vec![v(1, 8, 8, a(10, 3))],
                want: vec![(1, 34), (2, 22)],
            },
            Case {
                name: "P16 change both size and template: 10 -> 14",
                d: 14,
                surge: 0,
                new_rs: None,
                olds: vec![v(2, 7, 7, a(10, 0)), v(1, 3, 3, a(10, 0))],
                want: vec![(1, 4), (2, 10)],
            },
            Case {
                name: "P17 saturated but broken new replica set does not affect old pods",
                d: 2,
                surge: 1,
                new_rs: Some(v(2, 2, 0, a(2, 1))),
                olds: vec![v(1, 1, 1, a(2, 1))],
                want: vec![(1, 1), (2, 2)],
            },
        ];
        for c in cases {
            let got = proportional_scale(c.d, c.surge, true, 0, c.new_rs.as_ref(), &c.olds);
            let all: Vec<&RsView> = c.olds.iter().chain(c.new_rs.iter()).collect();
            assert_eq!(sizes(got, &all), c.want, "{}", c.name);
        }
    }

    #[test]
    fn proportional_scaling_writes_the_largest_replica_set_first() {
        // sync.go scale(): `sort.Sort(controller.ReplicaSetsBySizeNewer(allRSs))` when adding,
        // `ReplicaSetsBySizeOlder` when removing (controller_utils.go: larger spec.replicas
        // first, equal sizes newer resp. older first), then "Update all replica sets" in
        // that order, the leftover going to allRSs[0]. The TestScale rows P6–P9 (reference
        // algorithms §1.3) depend on the tie-break; here the order of the writes.
        let a = (7, 7);
        let order = |d: i32, new_rs: RsView, olds: Vec<RsView>| -> Vec<u32> {
            let got = proportional_scale(d, 0, true, 0, Some(&new_rs), &olds);
            got.into_iter().map(|(id, _)| id).collect()
        };
        // P6 7 -> 10 (adding): v2=3 first, then the two 2s newest first.
        let p6 = order(10, v(3, 2, 2, a), vec![v(2, 3, 3, a), v(1, 2, 2, a)]);
        assert_eq!(p6, [2, 3, 1]);
        let b = (13, 13);
        // P7 13 -> 8 (removing): by size alone.
        let p7 = order(8, v(3, 2, 2, b), vec![v(2, 8, 8, b), v(1, 3, 3, b)]);
        assert_eq!(p7, [2, 1, 3]);
        let c = (3, 3);
        // P8 3 -> 4 (adding, all equal): newest first, so v3 takes the leftover.
        let p8 = order(4, v(3, 1, 1, c), vec![v(2, 1, 1, c), v(1, 1, 1, c)]);
        assert_eq!(p8, [3, 2, 1]);
        // P9 3 -> 2 (removing, all equal): oldest first, so v1 loses the leftover.
        let p9 = order(2, v(3, 1, 1, c), vec![v(2, 1, 1, c), v(1, 1, 1, c)]);
        assert_eq!(p9, [1, 2, 3]);
    }

    mod sync {
        use super::super::*;
        use crate::apiserver::testing::Harness;
        use crate::component::ctx::testing::{Recorder, run};
        use crate::component::{ComponentId, ComponentKind};
        use crate::etcd::store::testing as fx;
        use crate::model::workload::IntOrPercent;

        const ME: ComponentId = ComponentId::of(ComponentKind::DeploymentController);
        const NOW: SimTime = SimTime(1_000_000);

        fn sync_now(
            c: &mut DeploymentController,
            h: &Harness,
            d: u32,
        ) -> Recorder<DeploymentController> {
            run(c, &h.store, &mut (), ME, NOW, |c, cx| {
                c.on_timer(cx, DeploymentTimer::Worker(Sync(d)))
            })
        }

        fn default_strategy() -> Strategy {
            // SetDefaults_Deployment: RollingUpdate with maxSurge and maxUnavailable 25%.
            fx::rolling(IntOrPercent::Percent(25), IntOrPercent::Percent(25))
        }

        /// Deployment `web` (replicas 4, 25%/25%) in `default`.
        fn setup() -> (Harness, u32) {
            let mut h = Harness::default();
            let ns = fx::namespace(&mut h.store, "default");
            let d = fx::deployment(&mut h.store, "web", ns, 4, default_strategy());
            (h, d)
        }

        /// An old ReplicaSet of `d` (another template) with `replicas`, all available.
        fn old_rs(h: &mut Harness, d: u32, replicas: i32) -> u32 {
            let ns = h.store.find_ns("default").unwrap();
            let owner = ObjRef {
                kind: Kind::Deployment,
                id: d,
            };
            let rs = fx::replicaset(&mut h.store, "web-old", ns, replicas, Some(owner));
            let r = h.store.replicasets.get_mut(rs).unwrap();
            r.spec.template = Arc::new(PodTemplate {
                annotations: Default::default(),
                labels: fx::labels(&[("app", "web"), (POD_TEMPLATE_HASH, "old")]),
                spec: fx::spec(200),
            });
            // Annotations as the last scale by this Deployment left them (not a scaling event).
            let dep = h.store.deployments.get(d).unwrap();
            let annotations = Some((dep.spec.replicas, dep.spec.replicas + max_surge(dep)));
            let r = h.store.replicasets.get_mut(rs).unwrap();
            r.replica_annotations = annotations;
            r.status.replicas = replicas;
            r.status.ready_replicas = replicas;
            r.status.available_replicas = replicas;
            rs
        }

        /// The (ReplicaSet, replicas) of each scale request, in order.
        fn scales(r: &Recorder<DeploymentController>) -> Vec<(u32, i32)> {
            r.requests()
                .iter()
                .filter_map(|(op, _)| match op {
                    Op::Scale {
                        target, replicas, ..
                    } => Some((target.id, *replicas)),
                    _ => None,
                })
                .collect()
        }

        fn created_rs(r: &Recorder<DeploymentController>) -> ReplicaSet {
            let creates: Vec<ReplicaSet> = r
                .requests()
                .into_iter()
                .filter_map(|(op, _)| match op {
                    Op::Create { object, .. } => match object.as_ref() {
                        NewObject::ReplicaSet(rs) => Some(rs.clone()),
                        _ => None,
                    },
                    _ => None,
                })
                .collect();
            assert_eq!(creates.len(), 1, "one ReplicaSet create");
            creates.into_iter().next().unwrap()
        }

        #[test]
        fn a_new_deployment_creates_its_replica_set_with_all_replicas() {
            // sync.go getNewReplicaSet: name `<deployment>-<pod-template-hash>`, the hash added
            // to template labels and selector, owner metav1.NewControllerRef(d); replicas
            // NewRSNewReplicas (util/deployment_util.go): maxTotal = 4 + ⌈25%·4⌉ = 5, nothing
            // exists, so min(5 − 0, 4 − 0) = 4.
            let (mut h, d) = setup();
            let mut c = DeploymentController::default();
            let first = sync_now(&mut c, &h, d);
            assert_eq!(first.requests()[0].1, Tag::CreateReplicaSet(d));
            let rs = created_rs(&first);
            let hash = template_hash(&h.store.deployments.get(d).unwrap().spec.template);
            assert_eq!(rs.meta.name, format!("web-{hash}"));
            assert_eq!(
                rs.spec.template.labels.get(POD_TEMPLATE_HASH),
                Some(hash.as_str())
            );
            assert_eq!(rs.meta.labels.get(POD_TEMPLATE_HASH), Some(hash.as_str()));
            assert!(
                rs.spec.selector.matches(&rs.spec.template.labels)
                    && !rs.spec.selector.matches(&fx::labels(&[("app", "web")])),
                "the selector requires the hash"
            );
            let owner = rs.meta.owners[0];
            assert_eq!(
                owner.owner,
                ObjRef {
                    kind: Kind::Deployment,
                    id: d
                }
            );
            assert_eq!(owner.uid, h.store.deployments.get(d).unwrap().meta.uid);
            assert!(owner.controller && owner.block_owner_deletion);
            assert_eq!(rs.spec.replicas, 4);
            // deployment.kubernetes.io/desired-replicas 4, max-replicas 4 + 1.
            assert_eq!(rs.replica_annotations, Some((4, 5)));
            assert_eq!(rs.revision, 1);

            let second = h.answer(&mut c, &mut (), ME, NOW, &first);
            let ev = second.events();
            assert_eq!(ev.len(), 1);
            assert_eq!(ev[0].reason, "ScalingReplicaSet");
            assert_eq!(ev[0].source, "deployment-controller");
            assert_eq!(
                ev[0].message,
                format!("Scaled up replica set web-{hash} from 0 to 4")
            );
            let [(Op::DeploymentStatus { status, .. }, Tag::Status(_))] = &second.requests()[..]
            else {
                panic!("one status write: {:?}", second.requests());
            };
            // sync.go getNewReplicaSet (Progressing NewReplicaSetCreated) and calculateStatus
            // (no pod available yet, below 4 − 1: MinimumReplicasUnavailable); the first
            // condition set stays first (SetDeploymentCondition appends).
            let got: Vec<(&str, String)> = status
                .conditions
                .iter()
                .map(|c| (c.reason, c.message.clone()))
                .collect();
            assert_eq!(
                got,
                vec![
                    (
                        "NewReplicaSetCreated",
                        format!("Created new replica set \"web-{hash}\"")
                    ),
                    (
                        "MinimumReplicasUnavailable",
                        "Deployment does not have minimum availability.".to_string()
                    ),
                ]
            );
        }

        #[test]
        fn a_template_change_surges_by_max_surge_only() {
            // NewRSNewReplicas: old RS holds 4, maxTotal = 4 + ⌈25%·4⌉ = 5, so the new RS
            // starts at min(5 − 4, 4 − 0) = 1 and its revision follows the old one's.
            let (mut h, d) = setup();
            let old = old_rs(&mut h, d, 4);
            let mut c = DeploymentController::default();
            let first = sync_now(&mut c, &h, d);
            let rs = created_rs(&first);
            assert_eq!(rs.spec.replicas, 1);
            assert_eq!(rs.revision, 2);
            let second = h.answer(&mut c, &mut (), ME, NOW, &first);
            let name = rs.meta.name.clone();
            assert_eq!(
                second.events()[0].message,
                format!("Scaled up replica set {name} from 0 to 1")
            );

            // The same sync goes on (rolloutRolling): 5 pods = maxTotal, so
            // reconcileNewReplicaSet has nothing to add; reconcileOldReplicaSets:
            // minAvailable = 4 − ⌊25%·4⌋ = 3, the new RS's 1 pod is unavailable,
            // maxScaledDown = 5 − 3 − 1 = 1; the old RS has no unhealthy pods, and
            // scaleDownOldReplicaSetsForRollingUpdate removes available − minAvailable =
            // 4 − 3 = 1: old 4 → 3, before the status is written.
            let new_id = h
                .store
                .replicasets
                .iter()
                .find(|(_, r)| r.meta.name == name)
                .unwrap()
                .0;
            assert_eq!(scales(&second), vec![(old, 3)]);
            let fourth = h.answer(&mut c, &mut (), ME, NOW, &second);
            assert_eq!(
                fourth.events()[0].message,
                "Scaled down replica set web-old from 4 to 3"
            );
            assert!(matches!(
                fourth.requests()[..],
                [(Op::DeploymentStatus { .. }, Tag::Status(_))]
            ));

            // With the old RS at 3 (4 pods in all), the new RS may grow by 5 − 4 = 1.
            let mut c = DeploymentController::default();
            let fifth = sync_now(&mut c, &h, d);
            assert_eq!(scales(&fifth), vec![(new_id, 2)]);
            let sixth = h.answer(&mut c, &mut (), ME, NOW, &fifth);
            assert_eq!(
                sixth.events()[0].message,
                format!("Scaled up replica set {name} from 1 to 2")
            );
        }

        #[test]
        fn a_status_write_that_meets_a_newer_deployment_is_a_conflict_and_the_sync_is_retried() {
            // UpdateStatus carries the Deployment as the sync read it; a `kubectl scale`
            // committed meanwhile makes it a 409 (`Operation cannot be fulfilled on
            // deployments.apps "web": the object has been modified; …`), syncDeployment
            // returns the error and processNextWorkItem adds the key again rate-limited
            // (client-go's ItemExponentialFailureRateLimiter: 5 ms, then 10 ms, …).
            let mut h = Harness::default();
            let ns = fx::namespace(&mut h.store, "default");
            let d = fx::deployment(&mut h.store, "web", ns, 2, default_strategy());
            let mut c = DeploymentController::default();
            let first = sync_now(&mut c, &h, d);
            let second = h.answer(&mut c, &mut (), ME, NOW, &first);
            assert!(matches!(
                second.requests()[..],
                [(Op::DeploymentStatus { .. }, Tag::Status(_))]
            ));
            h.store
                .deployments
                .get_mut(d)
                .unwrap()
                .meta
                .resource_version += 1;
            let third = h.answer(&mut c, &mut (), ME, NOW, &second);
            assert_eq!(
                third.timers(),
                vec![(
                    NOW + crate::sim::time::SimDuration(5_000),
                    DeploymentTimer::Requeue(d)
                )]
            );
            assert_eq!(
                h.store.deployments.get(d).unwrap().status,
                Default::default()
            );
            // The retried sync (its revision annotation, then the status) writes the status
            // with the current resourceVersion.
            let mut sent = sync_now(&mut c, &h, d);
            for _ in 0..4 {
                let next = h.answer(&mut c, &mut (), ME, NOW, &sent);
                assert!(next.timers().is_empty(), "{:?}", next.timers());
                if next.requests().is_empty() {
                    break;
                }
                sent = next;
            }
            assert_eq!(
                h.store
                    .deployments
                    .get(d)
                    .unwrap()
                    .status
                    .observed_generation,
                h.store.deployments.get(d).unwrap().meta.generation
            );
        }

        #[test]
        fn a_spec_written_while_the_create_is_in_flight_waits_for_the_next_sync() {
            // rolling.go rolloutRolling: the sync that creates the new ReplicaSet goes on
            // (reconcileNewReplicaSet, reconcileOldReplicaSets) with the Deployment it read at
            // its start. A sync that read replicas 0 (maxSurge 0, maxUnavailable 1) creates its
            // ReplicaSet with NewRSNewReplicas = min(0 + 0 − 0, 0 − 0) = 0 and scales nothing,
            // even if replicas 18 and a new template were written before the create returned.
            let mut h = Harness::default();
            let ns = fx::namespace(&mut h.store, "default");
            let strategy = fx::rolling(IntOrPercent::Int(0), IntOrPercent::Int(1));
            let d = fx::deployment(&mut h.store, "web", ns, 0, strategy);
            let mut c = DeploymentController::default();
            let first = sync_now(&mut c, &h, d);
            let rs = created_rs(&first);
            assert_eq!(rs.spec.replicas, 0);
            let dep = h.store.deployments.get_mut(d).unwrap();
            dep.spec.replicas = 18;
            dep.spec.strategy = fx::rolling(IntOrPercent::Percent(39), IntOrPercent::Int(0));
            dep.spec.template = Arc::new(PodTemplate {
                annotations: Default::default(),
                labels: fx::labels(&[("app", "web")]),
                spec: fx::spec(64),
            });
            let second = h.answer(&mut c, &mut (), ME, NOW, &first);
            assert_eq!(scales(&second), vec![], "{:?}", second.requests());

            // The next sync reads replicas 18 and the new template: NewRSNewReplicas with
            // maxTotal = 18 + ⌈39%·18⌉ = 26 and nothing running gives min(26 − 0, 18 − 0) = 18.
            let mut c = DeploymentController::default();
            let third = sync_now(&mut c, &h, d);
            let new = created_rs(&third);
            assert_ne!(new.meta.name, rs.meta.name);
            assert_eq!(new.spec.replicas, 18);
        }

        #[test]
        fn recreate_creates_the_new_replica_set_only_after_the_old_pods_are_gone() {
            // recreate.go rolloutRecreate: getAllReplicaSetsAndSyncRevision(…, false) does not
            // create the new RS; old ones are scaled to 0 first
            // (scaleDownOldReplicaSetsForRecreate), nothing more happens while old pods run
            // (oldPodsRunning), and only then is the new RS created, with NewRSNewReplicas =
            // spec.replicas for Recreate.
            let mut h = Harness::default();
            let ns = fx::namespace(&mut h.store, "default");
            let d = fx::deployment(&mut h.store, "web", ns, 2, Strategy::Recreate);
            let old = old_rs(&mut h, d, 2);
            let old_ref = ObjRef {
                kind: Kind::ReplicaSet,
                id: old,
            };
            let pods: Vec<u32> = ["web-old-a", "web-old-b"]
                .iter()
                .map(|n| fx::pod(&mut h.store, n, ns, fx::spec(200), Some(old_ref), None))
                .collect();
            for p in &pods {
                h.store.pods.get_mut(*p).unwrap().status.phase = Phase::Running;
            }
            let mut c = DeploymentController::default();
            let first = sync_now(&mut c, &h, d);
            assert!(
                !first
                    .requests()
                    .iter()
                    .any(|(op, _)| matches!(op, Op::Create { .. })),
                "no new ReplicaSet while old ones have replicas"
            );
            assert_eq!(scales(&first), vec![(old, 0)]);
            let second = h.answer(&mut c, &mut (), ME, NOW, &first);
            assert_eq!(
                second.events()[0].message,
                "Scaled down replica set web-old from 2 to 0"
            );

            // Old pods still running: nothing but the status.
            let mut c = DeploymentController::default();
            let waiting = sync_now(&mut c, &h, d);
            assert!(
                waiting
                    .requests()
                    .iter()
                    .all(|(op, _)| matches!(op, Op::DeploymentStatus { .. }))
            );

            for p in pods {
                h.store.remove(ObjRef {
                    kind: Kind::Pod,
                    id: p,
                });
            }
            let mut c = DeploymentController::default();
            let third = sync_now(&mut c, &h, d);
            let rs = created_rs(&third);
            assert_eq!(rs.spec.replicas, 2);
            let fourth = h.answer(&mut c, &mut (), ME, NOW, &third);
            assert_eq!(
                fourth.events()[0].message,
                format!("Scaled up replica set {} from 0 to 2", rs.meta.name)
            );
        }

        #[test]
        fn a_complete_rollout_deletes_empty_replica_sets_beyond_the_history_limit() {
            // sync.go cleanupDeployment: revisionHistoryLimit 1 and three old RSs leave two
            // to delete, lowest revision first (ReplicaSetsByRevision); one that still has a
            // pod in its status is kept, so only revision 1 goes.
            let (mut h, d) = setup();
            let ns = h.store.find_ns("default").unwrap();
            let owner = ObjRef {
                kind: Kind::Deployment,
                id: d,
            };
            let mut olds = Vec::new();
            for (rev, pods) in [(2, 1), (1, 0), (3, 0)] {
                let name = format!("web-r{rev}");
                let rs = fx::replicaset(&mut h.store, &name, ns, 0, Some(owner));
                let r = h.store.replicasets.get_mut(rs).unwrap();
                r.revision = rev;
                r.status.replicas = pods;
                r.status.observed_generation = r.meta.generation;
                r.spec.template = Arc::new(PodTemplate {
                    annotations: Default::default(),
                    labels: fx::labels(&[("app", "web"), (POD_TEMPLATE_HASH, "old")]),
                    spec: fx::spec(100 + rev),
                });
                olds.push(rs);
            }
            let new = fx::replicaset(&mut h.store, "web-new", ns, 4, Some(owner));
            let r = h.store.replicasets.get_mut(new).unwrap();
            r.revision = 4;
            r.status.replicas = 4;
            r.status.available_replicas = 4;
            let dep = h.store.deployments.get_mut(d).unwrap();
            dep.spec.revision_history_limit = 1;
            r_complete(&mut dep.status, 4, dep.meta.generation);
            let mut c = DeploymentController::default();
            let first = sync_now(&mut c, &h, d);
            let deleted: Vec<u32> = first
                .requests()
                .iter()
                .filter_map(|(op, _)| match op {
                    Op::Delete { target, .. } => Some(target.id),
                    _ => None,
                })
                .collect();
            assert_eq!(deleted, vec![olds[1]]);
        }

        #[test]
        fn a_template_that_comes_back_takes_the_newest_revision() {
            // sync.go getNewReplicaSet: the existing new RS (revision 1) is below the old
            // ones' highest (2) plus one, so SetNewReplicaSetAnnotations gives it 3.
            let (mut h, d) = setup();
            let old = old_rs(&mut h, d, 0);
            h.store.replicasets.get_mut(old).unwrap().revision = 2;
            let ns = h.store.find_ns("default").unwrap();
            let owner = ObjRef {
                kind: Kind::Deployment,
                id: d,
            };
            let new = fx::replicaset(&mut h.store, "web-new", ns, 4, Some(owner));
            assert_eq!(h.store.replicasets.get(new).unwrap().revision, 1);
            let mut c = DeploymentController::default();
            let first = sync_now(&mut c, &h, d);
            let revisions: Vec<(u32, i64)> = first
                .requests()
                .iter()
                .filter_map(|(op, _)| match op {
                    Op::ReplicaSetRevision { id, revision, .. } => Some((*id, *revision)),
                    _ => None,
                })
                .collect();
            assert_eq!(revisions, vec![(new, 3)]);
            let second = h.answer(&mut c, &mut (), ME, NOW, &first);
            assert_eq!(h.store.replicasets.get(new).unwrap().revision, 3);
            assert!(matches!(
                second.requests()[..],
                [(Op::DeploymentStatus { .. }, Tag::Status(_))]
            ));
        }

        #[test]
        fn the_deployment_takes_the_new_revision_and_the_new_rs_its_change_cause() {
            // deployment_util.go: SetNewReplicaSetAnnotations copies the Deployment's
            // annotations (copyDeploymentAnnotationsToReplicaSet, change-cause included) to
            // the new RS, and SetDeploymentRevision writes the RS's revision on the
            // Deployment; once both hold, a sync writes neither.
            let (mut h, d) = setup();
            let ns = h.store.find_ns("default").unwrap();
            let owner = ObjRef {
                kind: Kind::Deployment,
                id: d,
            };
            let new = fx::replicaset(&mut h.store, "web-new", ns, 4, Some(owner));
            h.store
                .deployments
                .get_mut(d)
                .unwrap()
                .meta
                .annotations
                .insert(crate::model::workload::CHANGE_CAUSE_ANNOTATION, "v2 image");
            let mut c = DeploymentController::default();
            let first = sync_now(&mut c, &h, d);
            let writes: Vec<String> = first
                .requests()
                .iter()
                .filter_map(|(op, _)| match op {
                    Op::ReplicaSetRevision {
                        id,
                        revision,
                        annotations,
                    } => Some(format!("rs {id} {revision} {annotations:?}")),
                    Op::DeploymentRevision { id, revision } => {
                        Some(format!("deploy {id} {revision}"))
                    }
                    _ => None,
                })
                .collect();
            assert_eq!(
                writes,
                vec![
                    format!("rs {new} 1 [(\"kubernetes.io/change-cause\", \"v2 image\")]"),
                    format!("deploy {d} 1"),
                ]
            );
            h.answer(&mut c, &mut (), ME, NOW, &first);
            let dep = h.store.deployments.get(d).unwrap();
            assert_eq!(dep.meta.annotations.get(REVISION_ANNOTATION), Some("1"));
            let rs = h.store.replicasets.get(new).unwrap();
            assert_eq!(
                rs.meta
                    .annotations
                    .get(crate::model::workload::CHANGE_CAUSE_ANNOTATION),
                Some("v2 image")
            );
            let mut c = DeploymentController::default();
            let again = sync_now(&mut c, &h, d);
            assert!(
                !again.requests().iter().any(|(op, _)| matches!(
                    op,
                    Op::ReplicaSetRevision { .. } | Op::DeploymentRevision { .. }
                )),
                "nothing left to write"
            );
        }

        fn r_complete(s: &mut DeploymentStatus, n: i32, generation: i64) {
            s.observed_generation = generation;
            s.replicas = n;
            s.updated_replicas = n;
            s.available_replicas = n;
        }

        #[test]
        fn the_last_old_pod_deleted_queues_a_recreate_deployment() {
            // deployment_controller.go deletePod: for Recreate, the Deployment is queued once
            // none of its ReplicaSets has a pod left; a rolling one is not.
            let mut h = Harness::default();
            let ns = fx::namespace(&mut h.store, "default");
            let d = fx::deployment(&mut h.store, "web", ns, 2, Strategy::Recreate);
            let old = old_rs(&mut h, d, 0);
            let rs_ref = ObjRef {
                kind: Kind::ReplicaSet,
                id: old,
            };
            let a = fx::pod(
                &mut h.store,
                "web-old-a",
                ns,
                fx::spec(200),
                Some(rs_ref),
                None,
            );
            let b = fx::pod(
                &mut h.store,
                "web-old-b",
                ns,
                fx::spec(200),
                Some(rs_ref),
                None,
            );
            let gone = |p: u32| Notice {
                obj: ObjRef {
                    kind: Kind::Pod,
                    id: p,
                },
                change: crate::component::Change::Deleted,
                controller: Some(old),
            };
            h.store.remove(ObjRef {
                kind: Kind::Pod,
                id: a,
            });
            let mut c = DeploymentController::default();
            let r = run(&mut c, &h.store, &mut (), ME, NOW, |c, cx| {
                c.observe(cx, gone(a))
            });
            assert!(r.timers().is_empty(), "web-old-b is still there");
            h.store.remove(ObjRef {
                kind: Kind::Pod,
                id: b,
            });
            let r = run(&mut c, &h.store, &mut (), ME, NOW, |c, cx| {
                c.observe(cx, gone(b))
            });
            assert!(matches!(r.timers()[..], [(_, DeploymentTimer::Worker(Sync(k)))] if k == d));

            h.store.deployments.get_mut(d).unwrap().spec.strategy = default_strategy();
            let mut c = DeploymentController::default();
            let r = run(&mut c, &h.store, &mut (), ME, NOW, |c, cx| {
                c.observe(cx, gone(b))
            });
            assert!(
                r.timers().is_empty(),
                "a rolling Deployment ignores pod deletions"
            );
        }

        #[test]
        fn replica_set_notices_enqueue_their_deployment_only() {
            // deployment_controller.go addReplicaSet/updateReplicaSet: resolveControllerRef,
            // an orphan ReplicaSet is ignored here.
            let (h, d) = setup();
            let mut c = DeploymentController::default();
            let notice = |controller| Notice {
                obj: ObjRef {
                    kind: Kind::ReplicaSet,
                    id: 9,
                },
                change: crate::component::Change::Added,
                controller,
            };
            let r = run(&mut c, &h.store, &mut (), ME, NOW, |c, cx| {
                c.observe(cx, notice(None))
            });
            assert!(r.timers().is_empty());
            let r = run(&mut c, &h.store, &mut (), ME, NOW, |c, cx| {
                c.observe(cx, notice(Some(d)))
            });
            assert!(matches!(r.timers()[..], [(_, DeploymentTimer::Worker(Sync(k)))] if k == d));
        }
    }
}
