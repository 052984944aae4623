//! The Deployment controller: `pkg/controller/deployment`.
//!
//! One sync (`syncDeployment`): find the new ReplicaSet (template equal to the Deployment's,
//! ignoring `pod-template-hash`; the oldest wins) and the old ones; create the new one if
//! missing (`getNewReplicaSet`, with `NewRSNewReplicas` replicas); on a replica change of a
//! settled Deployment scale the active ReplicaSet (`scale`); otherwise roll
//! (`rolloutRolling`: `reconcileNewReplicaSet`, then `reconcileOldReplicaSets` with
//! `cleanupUnhealthyReplicas` and `scaleDownOldReplicaSetsForRollingUpdate`) or recreate
//! (`rolloutRecreate`); then write the status (`calculateStatus`). Every scale emits
//! `ScalingReplicaSet` (`Scaled up replica set X from A to B`, the 1.31+ wording).
//! Simplifications: proportional scaling of several active ReplicaSets during a rollout is
//! replaced by the rolling arithmetic; no Progressing/Available conditions yet; old
//! ReplicaSets beyond `revisionHistoryLimit` are not cleaned up.

use crate::apiserver::{Client, NewObject, Op, Outcome, Request, submit};
use crate::controllers::workqueue::WorkQueue;
use crate::controllers::{done, enqueue};
use crate::model::kind::Kind;
use crate::model::labels::{Labels, Selector};
use crate::model::meta::{Meta, ObjRef, OwnerRef};
use crate::model::pod::Phase;
use crate::model::workload::{
    Deployment, DeploymentStatus, PodTemplate, ReplicaSet, ReplicaSetSpec, ReplicaSetStatus,
    Strategy,
};
use crate::sim::event::Ctrl;
use crate::sim::world::World;
use std::collections::BTreeMap;
use std::sync::Arc;

/// `--concurrent-deployment-syncs` (facts A.4).
pub const WORKERS: usize = 5;
/// The label that keeps sibling ReplicaSets apart (`DefaultDeploymentUniqueLabelKey`).
pub const POD_TEMPLATE_HASH: &str = "pod-template-hash";

/// The controller's state.
#[derive(Debug)]
pub struct DeploymentController {
    /// Its work queue.
    pub queue: WorkQueue,
    outstanding: BTreeMap<u32, u32>,
    applied: (u64, u32),
}

impl Default for DeploymentController {
    fn default() -> Self {
        DeploymentController {
            queue: WorkQueue::new(WORKERS),
            outstanding: BTreeMap::new(),
            applied: (0, 0),
        }
    }
}

impl DeploymentController {
    /// How many syncs have had every scale and create request return, and the Deployment of
    /// the last one: the instant at which the invariant checker (`sim::invariants`) compares
    /// what a sync decided with maxSurge.
    pub fn applied_syncs(&self) -> (u64, u32) {
        self.applied
    }
}

const CTX_CREATE_RS: u64 = 1 << 40;
const CTX_SCALE: u64 = 2 << 40;
const CTX_STATUS: u64 = 3 << 40;

/// An informer event: the Deployment changed, or one of its ReplicaSets (`owner`).
pub fn observe(w: &mut World, obj: ObjRef, owner: Option<u32>) {
    let key = match obj.kind {
        Kind::Deployment => obj.id,
        _ => match owner {
            Some(d) => d,
            None => return,
        },
    };
    enqueue(w, Ctrl::Deployment, key);
}

/// `ComputeHash`: FNV-32a of the template, its decimal digits mapped onto Kubernetes'
/// alphabet (`rand.SafeEncodeString`). Stable for a template, independent of the seed.
pub fn template_hash(t: &PodTemplate) -> String {
    const ALPHABET: &[u8] = crate::apiserver::SAFE_ALPHABET;
    let text = format!("{:?}|{:?}", t.labels, t.spec);
    let h = crate::aks::naming::fnv1a_32(text.as_bytes());
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
fn owned(w: &World, d: u32) -> Vec<u32> {
    let dref = ObjRef {
        kind: Kind::Deployment,
        id: d,
    };
    let mut v: Vec<u32> = w
        .store
        .dependents_of(dref)
        .iter()
        .filter(|r| r.kind == Kind::ReplicaSet)
        .filter(|r| {
            w.store
                .replicasets
                .get(r.id)
                .is_some_and(|rs| rs.meta.controller() == Some(dref))
        })
        .map(|r| r.id)
        .collect();
    v.sort_by_key(|id| {
        w.store
            .replicasets
            .get(*id)
            .map(|rs| (rs.meta.created, rs.meta.name.clone()))
    });
    v
}

/// `FindNewReplicaSet`: the oldest ReplicaSet whose template equals the Deployment's,
/// ignoring `pod-template-hash`.
fn find_new(w: &World, d: &Deployment, rss: &[u32]) -> Option<u32> {
    rss.iter().copied().find(|id| {
        w.store.replicasets.get(*id).is_some_and(|rs| {
            rs.spec.template.spec == d.spec.template.spec
                && without_hash(&rs.spec.template.labels) == d.spec.template.labels
        })
    })
}

/// `ResolveFenceposts` (facts B.2): (maxSurge, maxUnavailable).
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

/// `syncDeployment`.
pub fn sync(w: &mut World, id: u32) {
    let Some(d) = w.store.deployments.get(id).cloned() else {
        done(w, Ctrl::Deployment, id);
        return;
    };
    let rss = owned(w, id);
    if d.meta.deleted.is_some() || d.spec.paused {
        write_status(w, id);
        return;
    }
    let new_rs = find_new(w, &d, &rss);
    let olds: Vec<u32> = rss.iter().copied().filter(|r| Some(*r) != new_rs).collect();
    let spec_of = |w: &World, r: u32| {
        w.store
            .replicasets
            .get(r)
            .map(|rs| rs.spec.replicas)
            .unwrap_or(0)
    };
    let dr = d.spec.replicas;
    let Some(new_id) = new_rs else {
        let replicas = match d.spec.strategy {
            // NewRSNewReplicas for Recreate: D once old pods are gone; until then 0.
            Strategy::Recreate => {
                if olds.iter().all(|o| spec_of(w, *o) == 0) && !old_pods_running(w, &olds) {
                    dr
                } else {
                    0
                }
            }
            Strategy::RollingUpdate { .. } => {
                // i64: Kubernetes' int32 sums can exceed i32 near its range.
                let (surge, _) = fenceposts(&d.spec.strategy, dr);
                let current: i64 = olds.iter().map(|o| i64::from(spec_of(w, *o))).sum();
                ((i64::from(dr) + i64::from(surge)) - current).clamp(0, i64::from(dr)) as i32
            }
        };
        create_new_rs(w, id, &d, &olds, replicas);
        return;
    };
    let mut scales: Vec<(u32, i32)> = Vec::new();
    let active: Vec<u32> = rss.iter().copied().filter(|r| spec_of(w, *r) > 0).collect();
    let new_spec = spec_of(w, new_id);
    if olds.iter().all(|o| spec_of(w, *o) == 0) {
        // Settled (only the new ReplicaSet is active): a replica change is a plain scale.
        if new_spec != dr && matches!(d.spec.strategy, Strategy::RollingUpdate { .. }) {
            scales.push((new_id, dr));
        }
    } else if active.len() == 1
        && active[0] != new_id
        && new_spec == 0
        && matches!(d.spec.strategy, Strategy::Recreate)
    {
        scales.push((active[0], 0));
    }
    if scales.is_empty() {
        scales = match d.spec.strategy {
            Strategy::RollingUpdate { .. } => rolling(w, &d, new_id, &olds),
            Strategy::Recreate => recreate(w, &d, new_id, &olds),
        };
    }
    if scales.is_empty() {
        write_status(w, id);
        return;
    }
    w.deployments.outstanding.insert(id, scales.len() as u32);
    for (rs, replicas) in scales {
        let key = w.store.key(ObjRef {
            kind: Kind::ReplicaSet,
            id: rs,
        });
        let from = spec_of(w, rs);
        let op = Op::Scale {
            target: ObjRef {
                kind: Kind::ReplicaSet,
                id: rs,
            },
            replicas,
        };
        let ctx = CTX_SCALE | u64::from(id) | (u64::from(from as u32 & 0xff_ffff) << 44);
        submit(w, Client::DeploymentController, op, ctx, &key);
    }
}

/// `rolloutRolling`'s scaling decisions for one sync (facts B.3). Arithmetic is in i64 so
/// replica counts near the int32 limit cannot overflow.
fn rolling(w: &World, d: &Deployment, new_id: u32, olds: &[u32]) -> Vec<(u32, i32)> {
    let dr = i64::from(d.spec.replicas);
    let (surge, max_unavailable) = fenceposts(&d.spec.strategy, d.spec.replicas);
    let (surge, max_unavailable) = (i64::from(surge), i64::from(max_unavailable).min(dr));
    let rs = |id: u32| w.store.replicasets.get(id);
    let spec = |id: u32| i64::from(rs(id).map(|r| r.spec.replicas).unwrap_or(0));
    let avail = |id: u32| i64::from(rs(id).map(|r| r.status.available_replicas).unwrap_or(0));
    let new_spec = spec(new_id);
    // reconcileNewReplicaSet.
    if new_spec > dr {
        return vec![(new_id, dr as i32)];
    }
    if new_spec < dr {
        let current: i64 = olds.iter().map(|o| spec(*o)).sum::<i64>() + new_spec;
        let max_total = dr + surge;
        if current < max_total {
            let add = (max_total - current).min(dr - new_spec);
            return vec![(new_id, (new_spec + add) as i32)];
        }
    }
    // reconcileOldReplicaSets.
    let old_pods: i64 = olds.iter().map(|o| spec(*o)).sum();
    if old_pods == 0 {
        return Vec::new();
    }
    let all_pods = old_pods + new_spec;
    let min_available = dr - max_unavailable;
    let new_unavailable = new_spec - avail(new_id);
    let max_scaled_down = all_pods - min_available - new_unavailable;
    if max_scaled_down <= 0 {
        return Vec::new();
    }
    let mut out: Vec<(u32, i32)> = Vec::new();
    let mut new_specs: BTreeMap<u32, i64> = olds.iter().map(|o| (*o, spec(*o))).collect();
    // cleanupUnhealthyReplicas: oldest first, only unavailable pods.
    let mut cleaned = 0;
    for o in olds {
        if cleaned >= max_scaled_down {
            break;
        }
        let s = new_specs[o];
        let unhealthy = s - avail(*o);
        if s == 0 || unhealthy <= 0 {
            continue;
        }
        let down = (max_scaled_down - cleaned).min(unhealthy);
        new_specs.insert(*o, s - down);
        cleaned += down;
    }
    // scaleDownOldReplicaSetsForRollingUpdate.
    let available: i64 = olds.iter().map(|o| avail(*o)).sum::<i64>() + avail(new_id);
    if available > min_available {
        let to_remove = available - min_available;
        let mut removed = 0;
        for o in olds {
            if removed >= to_remove {
                break;
            }
            let s = new_specs[o];
            if s == 0 {
                continue;
            }
            let down = s.min(to_remove - removed);
            new_specs.insert(*o, s - down);
            removed += down;
        }
    }
    for o in olds {
        if new_specs[o] != spec(*o) {
            out.push((*o, new_specs[o] as i32));
        }
    }
    out
}

/// `rolloutRecreate` (facts B.4): old ReplicaSets to 0, then the new one to D once no old
/// pod is running.
fn recreate(w: &World, d: &Deployment, new_id: u32, olds: &[u32]) -> Vec<(u32, i32)> {
    let spec = |id: u32| {
        w.store
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
    if old_pods_running(w, olds) {
        return Vec::new();
    }
    if spec(new_id) != d.spec.replicas {
        vec![(new_id, d.spec.replicas)]
    } else {
        Vec::new()
    }
}

fn old_pods_running(w: &World, olds: &[u32]) -> bool {
    olds.iter().any(|o| {
        w.store
            .dependents_of(ObjRef {
                kind: Kind::ReplicaSet,
                id: *o,
            })
            .iter()
            .any(|p| {
                p.kind == Kind::Pod
                    && w.store.pods.get(p.id).is_some_and(|p| {
                        !matches!(p.status.phase, Phase::Succeeded | Phase::Failed)
                    })
            })
    })
}

fn create_new_rs(w: &mut World, id: u32, d: &Deployment, olds: &[u32], replicas: i32) {
    let hash = template_hash(&d.spec.template);
    let mut labels = d.spec.template.labels.clone();
    labels.insert(POD_TEMPLATE_HASH, hash.clone());
    let template = Arc::new(PodTemplate {
        labels: labels.clone(),
        spec: d.spec.template.spec.clone(),
    });
    let mut selector_labels = Labels::default();
    selector_labels.insert(POD_TEMPLATE_HASH, hash.clone());
    let selector = merge_selector(&d.spec.selector, &selector_labels);
    let revision = olds
        .iter()
        .filter_map(|o| w.store.replicasets.get(*o))
        .map(|r| r.revision)
        .max()
        .unwrap_or(0)
        + 1;
    let mut meta = Meta::new(format!("{}-{hash}", d.meta.name), None, labels);
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
        spec: ReplicaSetSpec {
            replicas,
            selector,
            template,
            min_ready_seconds: d.spec.min_ready_seconds,
        },
        status: ReplicaSetStatus::default(),
    };
    let ns = d.meta.namespace.map(|n| w.store.ns_name(n).to_string());
    let key = format!("{}/{}", ns.clone().unwrap_or_default(), rs.meta.name);
    w.deployments.outstanding.insert(id, 1);
    let op = Op::Create {
        object: Box::new(NewObject::ReplicaSet(rs)),
        namespace: ns,
        generate_name: None,
    };
    submit(
        w,
        Client::DeploymentController,
        op,
        CTX_CREATE_RS | u64::from(id) | (u64::from(replicas as u32 & 0xff_ffff) << 44),
        &key,
    );
}

fn merge_selector(sel: &Selector, extra: &Labels) -> Selector {
    let mut s = sel.clone();
    s.add_equals(extra);
    s
}

/// `calculateStatus` and the status write; the worker is done once it returns.
fn write_status(w: &mut World, id: u32) {
    let Some(d) = w.store.deployments.get(id) else {
        done(w, Ctrl::Deployment, id);
        return;
    };
    let rss = owned(w, id);
    let new_rs = find_new(w, d, &rss);
    let mut s = DeploymentStatus {
        observed_generation: d.meta.generation,
        ..Default::default()
    };
    for r in &rss {
        let Some(rs) = w.store.replicasets.get(*r) else {
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
    if s == d.status {
        done(w, Ctrl::Deployment, id);
        return;
    }
    let key = w.store.key(ObjRef {
        kind: Kind::Deployment,
        id,
    });
    submit(
        w,
        Client::DeploymentController,
        Op::DeploymentStatus { id, status: s },
        CTX_STATUS | u64::from(id),
        &key,
    );
}

/// A response to one of this controller's requests.
pub fn on_response(w: &mut World, req: &Request, outcome: Outcome) {
    let id = (req.ctx & 0xffff_ffff) as u32;
    let dref = ObjRef {
        kind: Kind::Deployment,
        id,
    };
    match req.ctx & (0xf << 40) {
        CTX_CREATE_RS => {
            let to = ((req.ctx >> 44) & 0xff_ffff) as i32;
            if let Outcome::Created(rs) = &outcome
                && to > 0
            {
                let name = w
                    .store
                    .meta(*rs)
                    .map(|m| m.name.clone())
                    .unwrap_or_default();
                w.record_event(
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
                w.record_event(
                    dref,
                    true,
                    "FailedCreate",
                    "deployment-controller",
                    format!("Failed to create new replica set {name:?}: {}", e.message),
                );
            }
            finish_call(w, id);
        }
        CTX_SCALE => {
            let from = ((req.ctx >> 44) & 0xff_ffff) as i32;
            if let (Op::Scale { target, replicas }, Outcome::Done) = (&req.op, &outcome) {
                let name = w
                    .store
                    .meta(*target)
                    .map(|m| m.name.clone())
                    .unwrap_or_default();
                let dir = if *replicas > from { "up" } else { "down" };
                w.record_event(
                    dref,
                    false,
                    "ScalingReplicaSet",
                    "deployment-controller",
                    format!("Scaled {dir} replica set {name} from {from} to {replicas}"),
                );
            }
            finish_call(w, id);
        }
        _ => done(w, Ctrl::Deployment, id),
    }
}

fn finish_call(w: &mut World, id: u32) {
    let left = w
        .deployments
        .outstanding
        .get(&id)
        .copied()
        .unwrap_or(1)
        .saturating_sub(1);
    if left == 0 {
        w.deployments.outstanding.remove(&id);
        w.deployments.applied = (w.deployments.applied.0 + 1, id);
        write_status(w, id);
    } else {
        w.deployments.outstanding.insert(id, left);
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
            labels: Labels::default(),
            spec: Arc::new(crate::model::pod::PodSpec {
                containers: Vec::new(),
                init_containers: 0,
                restart_policy: crate::model::pod::RestartPolicy::Always,
                node_selector: Labels::default(),
                tolerations: Vec::new(),
                host_network: false,
                termination_grace_seconds: 30,
                node_name: None,
                priority: 0,
                scheduler_name: "default-scheduler".into(),
            }),
        };
        let h = template_hash(&t);
        assert_eq!(h, template_hash(&t.clone()));
        assert!(
            h.bytes()
                .all(|b| b"bcdfghjklmnpqrstvwxz2456789".contains(&b))
        );
    }
}
