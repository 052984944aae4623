//! The ReplicaSet controller, which also runs ReplicationControllers (the RC manager wraps
//! the same code, facts B.6).
//!
//! Mirrors `pkg/controller/replicaset/replica_set.go`: `syncReplicaSet` waits until the
//! creates and deletes it expects have been observed (expectations), then `manageReplicas`
//! creates at most `BurstReplicas` = 500 pods per sync in slow-start batches of 1, 2, 4, …
//! (stopping at the first failed batch) or deletes the lowest-ranked pods, and finally
//! writes the status (`calculateStatus`). Simplifications: no adoption of orphan pods that
//! match the selector, and no 5-minute expectations timeout (kubesim never loses a watch
//! event).

use crate::apiserver::{Client, NewObject, Op, Outcome, Propagation, Request, submit};
use crate::controllers::workqueue::WorkQueue;
use crate::controllers::{done, enqueue};
use crate::model::kind::Kind;
use crate::model::meta::{Meta, ObjRef, OwnerRef};
use crate::model::pod::{Phase, Pod, PodStatus};
use crate::model::workload::{ReplicaSet, ReplicaSetStatus};
use crate::sim::event::{Change, Ctrl, Event};
use crate::sim::time::SimDuration;
use crate::sim::world::World;
use std::collections::BTreeMap;

/// `BurstReplicas` (facts A.5).
pub const BURST_REPLICAS: i32 = 500;
/// `--concurrent-replicaset-syncs` (facts A.4).
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
    pub queue: WorkQueue,
    /// Per RS: creates and deletes expected but not yet observed.
    expectations: BTreeMap<u32, (i32, i32)>,
    syncs: BTreeMap<u32, SyncState>,
    deleting: BTreeMap<u32, String>,
    /// Pods whose deletion was already observed through their deletionTimestamp.
    deletion_seen: std::collections::BTreeSet<u32>,
}

impl Default for ReplicaSetController {
    fn default() -> Self {
        ReplicaSetController {
            queue: WorkQueue::new(WORKERS),
            expectations: BTreeMap::new(),
            syncs: BTreeMap::new(),
            deleting: BTreeMap::new(),
            deletion_seen: std::collections::BTreeSet::new(),
        }
    }
}

const CTX_CREATE: u64 = 1 << 40;
const CTX_DELETE: u64 = 2 << 40;
const CTX_STATUS: u64 = 3 << 40;

fn source(w: &World, rs: u32) -> &'static str {
    if w.store.rs_kind(rs) == Kind::ReplicationController {
        "replication-controller"
    } else {
        "replicaset-controller"
    }
}

fn rs_ref(w: &World, id: u32) -> ObjRef {
    ObjRef {
        kind: w.store.rs_kind(id),
        id,
    }
}

/// An informer event: a pod of this RS (`owner`) or the RS itself changed.
pub fn observe(w: &mut World, obj: ObjRef, change: Change, owner: Option<u32>) {
    let key = match obj.kind {
        Kind::Pod => {
            let Some(rs) = owner else { return };
            // `updatePod`: a pod with a deletionTimestamp counts as deleted at once; its final
            // removal then is not counted again.
            let terminating = w
                .store
                .pods
                .get(obj.id)
                .is_some_and(|p| p.meta.deleted.is_some());
            let deletion = match change {
                Change::Deleted => !w.replicasets.deletion_seen.remove(&obj.id),
                Change::Modified if terminating => w.replicasets.deletion_seen.insert(obj.id),
                _ => false,
            };
            let e = w.replicasets.expectations.entry(rs).or_default();
            if change == Change::Added && e.0 > 0 {
                e.0 -= 1;
            }
            if deletion && e.1 > 0 {
                e.1 -= 1;
            }
            rs
        }
        _ => {
            if change == Change::Deleted {
                w.replicasets.expectations.remove(&obj.id);
            }
            obj.id
        }
    };
    enqueue(w, Ctrl::ReplicaSet, key);
}

/// Active pods controlled by this RS.
fn owned_pods(w: &World, rs: ObjRef) -> Vec<u32> {
    w.store
        .dependents_of(rs)
        .iter()
        .filter(|d| d.kind == Kind::Pod)
        .filter(|d| {
            w.store
                .pods
                .get(d.id)
                .is_some_and(|p| p.meta.controller() == Some(rs))
        })
        .map(|d| d.id)
        .collect()
}

/// `syncReplicaSet`.
pub fn sync(w: &mut World, id: u32) {
    let r = rs_ref(w, id);
    let Some(rs) = w.store.replicasets.get(id) else {
        w.replicasets.expectations.remove(&id);
        done(w, Ctrl::ReplicaSet, id);
        return;
    };
    let replicas = rs.spec.replicas;
    let being_deleted = rs.meta.deleted.is_some();
    let all = owned_pods(w, r);
    let active: Vec<u32> = all
        .iter()
        .copied()
        .filter(|p| w.store.pods.get(*p).is_some_and(Pod::is_active))
        .collect();
    let satisfied = w
        .replicasets
        .expectations
        .get(&id)
        .is_none_or(|e| e.0 <= 0 && e.1 <= 0);
    if satisfied && !being_deleted {
        let diff = active.len() as i32 - replicas;
        if diff < 0 {
            let n = (-diff).min(BURST_REPLICAS);
            w.replicasets.expectations.insert(id, (n, 0));
            w.replicasets.syncs.insert(
                id,
                SyncState {
                    remaining: n,
                    ..Default::default()
                },
            );
            next_batch(w, id);
            return;
        }
        if diff > 0 {
            let n = diff.min(BURST_REPLICAS) as usize;
            let victims = pods_to_delete(w, &active, n);
            w.replicasets
                .expectations
                .insert(id, (0, victims.len() as i32));
            w.replicasets.syncs.insert(
                id,
                SyncState {
                    outstanding: victims.len() as u32,
                    ..Default::default()
                },
            );
            for pod in victims {
                let target = ObjRef {
                    kind: Kind::Pod,
                    id: pod,
                };
                let uid = w.store.pods.get(pod).map(|p| p.meta.uid);
                let key = w.store.key(target);
                if let Some(p) = w.store.pods.get(pod) {
                    w.replicasets.deleting.insert(pod, p.meta.name.clone());
                }
                let op = Op::Delete {
                    target,
                    uid,
                    propagation: Propagation::Background,
                    grace_seconds: None,
                };
                submit(
                    w,
                    Client::ReplicaSetController,
                    op,
                    CTX_DELETE | u64::from(id),
                    &key,
                );
            }
            return;
        }
    }
    write_status(w, id);
}

fn next_batch(w: &mut World, id: u32) {
    let Some(st) = w.replicasets.syncs.get_mut(&id) else {
        return;
    };
    // slowStartBatch: 1, 2, 4, … (SlowStartInitialBatchSize = 1, facts A.5).
    let batch = if st.batch == 0 {
        1
    } else {
        (st.batch * 2).min(st.remaining)
    };
    let batch = batch.min(st.remaining);
    st.batch = batch;
    st.remaining -= batch;
    st.outstanding = batch as u32;
    st.failed = false;
    let Some(rs) = w.store.replicasets.get(id) else {
        return;
    };
    let rs_name = rs.meta.name.clone();
    let ns = rs.meta.namespace.map(|n| w.store.ns_name(n).to_string());
    let template = rs.spec.template.clone();
    let owner = OwnerRef {
        owner: rs_ref(w, id),
        uid: rs.meta.uid,
        controller: true,
        block_owner_deletion: true,
    };
    let key = format!("{}/{}", ns.clone().unwrap_or_default(), rs_name);
    for _ in 0..batch {
        let mut meta = Meta::new(String::new(), None, template.labels.clone());
        meta.owners.push(owner);
        let pod = Pod {
            meta,
            spec: template.spec.clone(),
            node: None,
            status: PodStatus::default(),
        };
        let op = Op::Create {
            object: Box::new(NewObject::Pod(pod)),
            namespace: ns.clone(),
            generate_name: Some(format!("{rs_name}-")),
        };
        submit(
            w,
            Client::ReplicaSetController,
            op,
            CTX_CREATE | u64::from(id),
            &key,
        );
    }
}

/// Sort key of `ActivePodsWithRanks.Less`: lower sorts first, i.e. is deleted first.
type DeletionRank = (bool, u8, bool, i32, i64, i64, i64);

/// `getPodsToDelete`: the `n` lowest-ranked active pods (`ActivePodsWithRanks.Less`,
/// pkg/controller/controller_utils.go): unassigned before assigned, Pending before Running,
/// not ready before ready, more siblings on the same node first, ready for a shorter time,
/// more restarts, newer.
fn pods_to_delete(w: &World, active: &[u32], n: usize) -> Vec<u32> {
    let mut per_node: BTreeMap<u32, i32> = BTreeMap::new();
    for p in active {
        if let Some(node) = w.store.pods.get(*p).and_then(|p| p.node) {
            *per_node.entry(node).or_default() += 1;
        }
    }
    let mut ranked: Vec<(u32, DeletionRank)> = active
        .iter()
        .filter_map(|id| {
            let p = w.store.pods.get(*id)?;
            let phase_rank = match p.status.phase {
                Phase::Pending => 0,
                Phase::Running => 2,
                _ => 1,
            };
            let rank = p.node.and_then(|n| per_node.get(&n)).copied().unwrap_or(0);
            let ready_since = p
                .status
                .ready_since
                .map(|t| t.as_micros() as i64)
                .unwrap_or(0);
            let restarts: i64 = p
                .status
                .containers
                .iter()
                .map(|c| i64::from(c.restart_count))
                .sum();
            Some((
                *id,
                (
                    p.node.is_some(),
                    phase_rank,
                    p.is_ready(),
                    -rank,
                    -ready_since,
                    -restarts,
                    -(p.meta.created.as_micros() as i64),
                ),
            ))
        })
        .collect();
    ranked.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    ranked.into_iter().take(n).map(|(id, _)| id).collect()
}

/// `calculateStatus` and the status write; the worker is done once it returns.
fn write_status(w: &mut World, id: u32) {
    let r = rs_ref(w, id);
    let Some(rs) = w.store.replicasets.get(id) else {
        done(w, Ctrl::ReplicaSet, id);
        return;
    };
    let status = calculate_status(w, rs, r);
    let min_ready = rs.spec.min_ready_seconds;
    if status == rs.status {
        requeue_for_availability(w, id, &status, min_ready);
        done(w, Ctrl::ReplicaSet, id);
        return;
    }
    let key = w.store.key(r);
    requeue_for_availability(w, id, &status, min_ready);
    submit(
        w,
        Client::ReplicaSetController,
        Op::ReplicaSetStatus { id, status },
        CTX_STATUS | u64::from(id),
        &key,
    );
}

/// `AddAfter(key, minReadySeconds)` while some ready pods are not yet available.
fn requeue_for_availability(w: &mut World, id: u32, s: &ReplicaSetStatus, min_ready: i64) {
    if min_ready > 0 && s.ready_replicas != s.available_replicas {
        w.schedule(
            SimDuration::from_secs(min_ready as u64),
            Event::ControllerRequeue {
                ctrl: Ctrl::ReplicaSet,
                key: id,
            },
        );
    }
}

fn calculate_status(w: &World, rs: &ReplicaSet, r: ObjRef) -> ReplicaSetStatus {
    let now = w.now;
    let mut s = ReplicaSetStatus {
        observed_generation: rs.meta.generation,
        ..Default::default()
    };
    for pid in owned_pods(w, r) {
        let Some(p) = w.store.pods.get(pid) else {
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
pub fn on_response(w: &mut World, req: &Request, outcome: Outcome) {
    let id = (req.ctx & 0xffff_ffff) as u32;
    match req.ctx & (0xff << 40) {
        CTX_CREATE => {
            let rs = rs_ref(w, id);
            let src = source(w, id);
            match outcome {
                Outcome::Created(pod) => {
                    let name = w
                        .store
                        .meta(pod)
                        .map(|m| m.name.clone())
                        .unwrap_or_default();
                    w.record_event(
                        rs,
                        false,
                        "SuccessfulCreate",
                        src,
                        format!("Created pod: {name}"),
                    );
                }
                Outcome::Failed(e) => {
                    w.record_event(
                        rs,
                        true,
                        "FailedCreate",
                        src,
                        format!("Error creating: {}", e.message),
                    );
                    let e = w.replicasets.expectations.entry(id).or_default();
                    e.0 = (e.0 - 1).max(0);
                    if let Some(st) = w.replicasets.syncs.get_mut(&id) {
                        st.failed = true;
                    }
                }
                _ => {}
            }
            let Some(st) = w.replicasets.syncs.get_mut(&id) else {
                return;
            };
            st.outstanding = st.outstanding.saturating_sub(1);
            if st.outstanding > 0 {
                return;
            }
            if st.failed || st.remaining == 0 {
                // Creates skipped after a failed batch are never observed: lower them.
                let skipped = st.remaining;
                w.replicasets.syncs.remove(&id);
                let e = w.replicasets.expectations.entry(id).or_default();
                e.0 = (e.0 - skipped).max(0);
                write_status(w, id);
            } else {
                next_batch(w, id);
            }
        }
        CTX_DELETE => {
            let Op::Delete { target, .. } = &req.op else {
                return;
            };
            let name = w
                .replicasets
                .deleting
                .remove(&target.id)
                .unwrap_or_default();
            let rs = rs_ref(w, id);
            let src = source(w, id);
            match outcome {
                Outcome::Deleted(_) => w.record_event(
                    rs,
                    false,
                    "SuccessfulDelete",
                    src,
                    format!("Deleted pod: {name}"),
                ),
                Outcome::Failed(e) => {
                    if e.reason != "NotFound" {
                        w.record_event(
                            rs,
                            true,
                            "FailedDelete",
                            src,
                            format!("Error deleting: {}", e.message),
                        );
                    }
                    let ex = w.replicasets.expectations.entry(id).or_default();
                    ex.1 = (ex.1 - 1).max(0);
                }
                _ => {}
            }
            let Some(st) = w.replicasets.syncs.get_mut(&id) else {
                return;
            };
            st.outstanding = st.outstanding.saturating_sub(1);
            if st.outstanding == 0 {
                w.replicasets.syncs.remove(&id);
                write_status(w, id);
            }
        }
        _ => done(w, Ctrl::ReplicaSet, id),
    }
}
