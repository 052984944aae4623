//! The rollout report: each Deployment's rollouts as the run observes them, for summary.json's
//! `rollouts` lists and the `rollout …` lines `kubesim run` prints at its end
//! (docs/outputs.md#rollouts).
//!
//! A rollout is what `kubectl rollout history` counts as a revision: it starts at the end of
//! the instant in which the Deployment appears or its `spec.template` becomes different from
//! the one at the previous instant end (a scale or a strategy change is no rollout, and
//! re-applying the same template starts none, as the controller makes no new ReplicaSet for
//! it), and it ends at the first instant end at which the Deployment's stored status is of
//! its current generation and `DeploymentComplete` holds (every replica updated and
//! available, none old left; util/deployment_util.go) — the test after which
//! `syncRolloutStatus` (progress.go) writes `NewReplicaSetAvailable`. The condition alone is
//! not enough: a sync that sees no progress keeps the previous rollout's
//! `NewReplicaSetAvailable`, as a Recreate Deployment's first sync after a template change
//! does (old pods scaled down, none new yet). Everything is read from the store at instant ends, streamed: a
//! Deployment and its ReplicaSets are looked at only in instants that wrote one of them.

use std::sync::Arc;

use crate::controllers::deployment::progress::{self, reason};
use crate::controllers::deployment::template_hash;
use crate::etcd::Store;
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::model::workload::{ConditionStatus, Deployment, DeploymentConditionType, PodTemplate};
use crate::sim::time::SimTime;

/// How a rollout ended, or had not, when the run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every replica updated and available (`NewReplicaSetAvailable`).
    Complete,
    /// A later template change started the next rollout before this one completed.
    Superseded,
    /// Still the current rollout at the end, its Progressing condition `ProgressDeadlineExceeded`.
    ProgressDeadlineExceeded,
    /// Still the current rollout at the end, neither complete nor past its deadline.
    Running,
}

impl Outcome {
    /// The word summary.json and the end-of-run line use.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Complete => "complete",
            Outcome::Superseded => "superseded",
            Outcome::ProgressDeadlineExceeded => "progress_deadline_exceeded",
            Outcome::Running => "running",
        }
    }
}

/// One rollout's figures, as observed so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rollout {
    /// The new ReplicaSet's `deployment.kubernetes.io/revision` as last seen while the rollout
    /// ran; None when no ReplicaSet of its template was ever seen.
    pub revision: Option<i64>,
    /// `spec.replicas` at the rollout's last observation.
    pub desired: i64,
    /// Its start.
    pub start: SimTime,
    /// When it completed.
    pub end: Option<SimTime>,
    /// When the next rollout started, if it did before this one completed.
    pub superseded: Option<SimTime>,
    /// Least `status.availableReplicas` at an instant end during it (its start included).
    pub min_available: i64,
    /// ∫ max(0, spec.replicas − status.availableReplicas) dt over it, in pod·µs.
    pub unavailable_pod_us: u64,
    /// Peak of Σ ReplicaSet `spec.replicas` − Deployment `spec.replicas` during it, at least 0.
    pub max_surge: i64,
    /// First instant end at which its Progressing condition said `ProgressDeadlineExceeded`.
    pub deadline_exceeded: Option<SimTime>,
    /// Whether the condition says so at the last observation.
    timed_out_now: bool,
}

impl Rollout {
    /// Whether it is still open (neither complete nor superseded).
    fn open(&self) -> bool {
        self.end.is_none() && self.superseded.is_none()
    }

    /// Its outcome as of now.
    pub fn outcome(&self) -> Outcome {
        if self.end.is_some() {
            Outcome::Complete
        } else if self.superseded.is_some() {
            Outcome::Superseded
        } else if self.timed_out_now {
            Outcome::ProgressDeadlineExceeded
        } else {
            Outcome::Running
        }
    }
}

/// One Deployment's rollouts and the state the unavailability integral needs.
#[derive(Debug)]
struct History {
    uid: u64,
    template: Arc<PodTemplate>,
    /// `pod-template-hash` of `template`, computed once per rollout.
    hash: String,
    rollouts: Vec<Rollout>,
    /// The last observation of the open rollout and its deficit since then.
    last_at: SimTime,
    deficit: i64,
}

/// Every live Deployment's rollout history, by Deployment id.
#[derive(Debug, Default)]
pub struct Rollouts {
    by_id: Vec<Option<Box<History>>>,
}

impl Rollouts {
    /// Brings the histories to the end of the instant at `now`, given the objects written in
    /// it: a Deployment written, or a ReplicaSet it controls, is observed once.
    pub(crate) fn instant(&mut self, now: SimTime, store: &Store, changed: &[ObjRef]) {
        let mut ids: Vec<u32> = changed
            .iter()
            .filter_map(|r| match r.kind {
                Kind::Deployment => Some(r.id),
                Kind::ReplicaSet => store
                    .replicasets
                    .get(r.id)
                    .and_then(|rs| rs.meta.controller())
                    .filter(|o| o.kind == Kind::Deployment)
                    .map(|o| o.id),
                _ => None,
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            let i = id as usize;
            if self.by_id.len() <= i {
                self.by_id.resize_with(i + 1, || None);
            }
            let Some(slot) = self.by_id.get_mut(i) else {
                continue;
            };
            match store.deployments.get(id) {
                Some(d) => observe(slot, store, id, d, now),
                // A deleted Deployment leaves summary.json with its history.
                None => *slot = None,
            }
        }
    }

    /// A live Deployment's rollouts in start order, each closed at `end` (the run's end) for
    /// the unavailability integral; empty when it was never observed.
    pub(crate) fn of(&self, id: u32, end: SimTime) -> Vec<Rollout> {
        let Some(h) = self.by_id.get(id as usize).and_then(|h| h.as_deref()) else {
            return Vec::new();
        };
        let mut v = h.rollouts.clone();
        if let Some(last) = v.last_mut().filter(|r| r.open()) {
            last.unavailable_pod_us += pod_us(h.deficit, h.last_at, end);
        }
        v
    }
}

/// `deficit` pods unavailable from `from` to `to`, in pod·µs.
fn pod_us(deficit: i64, from: SimTime, to: SimTime) -> u64 {
    (deficit.max(0) as u64).saturating_mul(to.0.saturating_sub(from.0))
}

fn new_rollout(start: SimTime) -> Rollout {
    Rollout {
        revision: None,
        desired: 0,
        start,
        end: None,
        superseded: None,
        min_available: i64::MAX,
        unavailable_pod_us: 0,
        max_surge: 0,
        deadline_exceeded: None,
        timed_out_now: false,
    }
}

/// One observation of Deployment `id` at the end of the instant at `now`.
fn observe(slot: &mut Option<Box<History>>, store: &Store, id: u32, d: &Deployment, now: SimTime) {
    let template = &d.spec.template;
    let fresh = slot.as_ref().is_none_or(|h| h.uid != d.meta.uid);
    if fresh {
        *slot = Some(Box::new(History {
            uid: d.meta.uid,
            template: template.clone(),
            hash: template_hash(template),
            rollouts: vec![new_rollout(now)],
            last_at: now,
            deficit: 0,
        }));
    }
    let Some(h) = slot.as_deref_mut() else { return };
    let deficit = h.deficit;
    let since = h.last_at;
    if let Some(r) = h.rollouts.last_mut().filter(|r| r.open()) {
        r.unavailable_pod_us += pod_us(deficit, since, now);
    }
    if !Arc::ptr_eq(&h.template, template) && *h.template != **template {
        if let Some(r) = h.rollouts.last_mut().filter(|r| r.open()) {
            r.superseded = Some(now);
        }
        h.template = template.clone();
        h.hash = template_hash(template);
        h.rollouts.push(new_rollout(now));
    }
    h.last_at = now;
    let desired = i64::from(d.spec.replicas);
    let available = i64::from(d.status.available_replicas);
    h.deficit = desired - available;
    let hash = h.hash.as_str();
    let Some(r) = h.rollouts.last_mut().filter(|r| r.open()) else {
        return;
    };
    r.desired = desired;
    r.min_available = r.min_available.min(available);
    // What maxSurge bounds: `NewRSNewReplicas` (pkg/controller/deployment/util/
    // deployment_util.go) caps Σ spec.replicas of all ReplicaSets at replicas + maxSurge.
    let dref = ObjRef {
        kind: Kind::Deployment,
        id,
    };
    let mut total = 0i64;
    for rs in store
        .dependents_of(dref)
        .iter()
        .filter(|o| o.kind == Kind::ReplicaSet)
        .filter_map(|o| store.replicasets.get(o.id))
        .filter(|rs| rs.meta.controller() == Some(dref))
    {
        total += i64::from(rs.spec.replicas);
        if rs.template_hash.as_deref() == Some(hash) {
            r.revision = Some(rs.revision);
        }
    }
    r.max_surge = r.max_surge.max(total - desired);
    // A status of an older generation still carries the previous rollout's condition.
    let current = d.status.observed_generation >= d.meta.generation;
    let progressing = d
        .status
        .conditions
        .iter()
        .find(|c| c.kind == DeploymentConditionType::Progressing);
    r.timed_out_now = current
        && progressing
            .is_some_and(|c| c.status == ConditionStatus::False && c.reason == reason::TIMED_OUT);
    if r.timed_out_now && r.deadline_exceeded.is_none() {
        r.deadline_exceeded = Some(now);
    }
    if progress::complete(d.spec.replicas, d.meta.generation, &d.status) {
        r.end = Some(now);
    }
}
