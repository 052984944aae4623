//! What the pod-owning controllers (ReplicaSet/RC, DaemonSet, Job) share, as
//! `pkg/controller/controller_utils.go` shares it upstream: `ControllerExpectations` (creates
//! and deletes a sync waits to observe), the slow-start batch sizes of `slowStartBatch`, and
//! `RealPodControl`'s pod delete request and the Events it records for each create and delete.

use crate::apiserver::Outcome;
use crate::component::{Change, Component, Ctx};
use crate::model::labels::Labels;
use crate::model::meta::{Meta, ObjRef, OwnerRef};
use crate::model::pod::{Pod, PodStatus};
use crate::model::workload::PodTemplate;
use std::collections::{BTreeMap, BTreeSet};

/// What a response of a pod-owning controller is about (the controller object it synced).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// A pod create of a slow-start batch.
    Create(u32),
    /// A pod delete.
    Delete(u32),
    /// The status write.
    Status(u32),
    /// The owner-reference removal that releases a pod whose labels no longer match
    /// (`ReleasePod`, controller_ref_manager.go).
    Release(u32),
}

/// A pod-owning controller's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// A worker's sync of this object is due.
    Sync(u32),
    /// `queue.AddAfter(key, minReadySeconds)` fired (`enqueueDaemonSetAfter` for DaemonSets).
    Requeue(u32),
}

/// `ControllerExpectations`: per controller (by id), the creates and deletes it still expects
/// to observe. Simplification: no 5-minute timeout (kubesim never loses a watch event).
#[derive(Debug, Default)]
pub struct Expectations {
    pending: BTreeMap<u32, (i32, i32)>,
    /// Pods whose deletion was already observed through their deletionTimestamp.
    deletion_seen: BTreeSet<u32>,
}

impl Expectations {
    /// `SatisfiedExpectations`: nothing left to observe (or nothing ever expected).
    pub fn satisfied(&self, key: u32) -> bool {
        self.pending.get(&key).is_none_or(|e| e.0 <= 0 && e.1 <= 0)
    }

    /// `SetExpectations`.
    pub fn set(&mut self, key: u32, adds: i32, dels: i32) {
        self.pending.insert(key, (adds, dels));
    }

    /// `LowerExpectations` (not below zero): requests that failed, or creates never sent.
    pub fn lower(&mut self, key: u32, adds: i32, dels: i32) {
        let e = self.pending.entry(key).or_default();
        e.0 = (e.0 - adds).max(0);
        e.1 = (e.1 - dels).max(0);
    }

    /// `DeleteExpectations`: the controller object is gone.
    pub fn forget(&mut self, key: u32) {
        self.pending.remove(&key);
    }

    /// The pod informer's handlers (`addPod`, `updatePod`, `deletePod`) for a pod the
    /// controller `key` owns: an add is a creation observed; a pod with a deletionTimestamp
    /// counts as deleted at once, and its final removal then is not counted again.
    pub fn observe_pod(&mut self, key: u32, pod: u32, change: Change, terminating: bool) {
        let deletion = match change {
            Change::Deleted => !self.deletion_seen.remove(&pod),
            Change::Added | Change::Modified if terminating => self.deletion_seen.insert(pod),
            _ => false,
        };
        let e = self.pending.entry(key).or_default();
        if change == Change::Added && e.0 > 0 {
            e.0 -= 1;
        }
        if deletion && e.1 > 0 {
            e.1 -= 1;
        }
    }
}

/// The pod informer's handler for a pod notice: the owning controller's id (None for a pod
/// of no such controller), after [`Expectations::observe_pod`] has counted the change.
pub fn observe_owned_pod(
    expectations: &mut Expectations,
    store: &crate::etcd::Store,
    n: crate::component::Notice,
) -> Option<u32> {
    let owner = n.controller?;
    let terminating = store
        .pods
        .get(n.obj.id)
        .is_some_and(|p| p.meta.deleted.is_some());
    expectations.observe_pod(owner, n.obj.id, n.change, terminating);
    Some(owner)
}

/// `GetPodFromTemplate` (controller_utils.go): a new pod with the controller's `labels`
/// (the template's, plus what the controller adds), the template's annotations and spec, and
/// `owner` as its controller reference; unnamed, for `generateName` unless the caller names it.
pub fn pod_from_template(template: &PodTemplate, labels: Labels, owner: OwnerRef) -> Pod {
    let mut meta = Meta::new(String::new(), None, labels);
    meta.annotations = template.annotations.clone();
    meta.owners.push(owner);
    Pod {
        meta,
        spec: template.spec.clone(),
        node: None,
        status: PodStatus::default(),
    }
}

/// `slowStartBatch`'s next batch: 1 first (`SlowStartInitialBatchSize`), then double the
/// last, never more than what remains.
pub fn slow_start_batch(last: usize, remaining: usize) -> usize {
    if last == 0 { 1 } else { last * 2 }.min(remaining)
}

/// `RealPodControl.CreatePods`'s Event on the controller `owner`: SuccessfulCreate naming
/// the pod, or FailedCreate with the error. Returns whether the create failed.
pub fn record_create<C: Component + ?Sized>(
    cx: &mut Ctx<'_, C>,
    owner: ObjRef,
    source: &'static str,
    outcome: &Outcome,
) -> bool {
    match outcome {
        Outcome::Created(pod) => {
            let name = cx
                .store
                .meta(*pod)
                .map(|m| m.name.clone())
                .unwrap_or_default();
            let message = format!("Created pod: {name}");
            cx.event(owner, false, "SuccessfulCreate", source, message);
            false
        }
        Outcome::Failed(e) => {
            let message = format!("Error creating: {}", e.message);
            cx.event(owner, true, "FailedCreate", source, message);
            true
        }
        _ => false,
    }
}

/// `RealPodControl.DeletePod`'s Event: SuccessfulDelete naming the pod, or FailedDelete
/// (none for NotFound, which the controllers ignore). Returns whether the delete failed.
pub fn record_delete<C: Component + ?Sized>(
    cx: &mut Ctx<'_, C>,
    owner: ObjRef,
    source: &'static str,
    pod_name: &str,
    outcome: &Outcome,
) -> bool {
    match outcome {
        Outcome::Deleted(_) => {
            let message = format!("Deleted pod: {pod_name}");
            cx.event(owner, false, "SuccessfulDelete", source, message);
            false
        }
        Outcome::Failed(e) => {
            if e.reason != "NotFound" {
                let message = format!("Error deleting: {}", e.message);
                cx.event(owner, true, "FailedDelete", source, message);
            }
            true
        }
        _ => false,
    }
}

/// `RealPodControl.DeletePod`'s request: a background-propagation delete of `pod`,
/// preconditioned on its uid, its name kept in `deleting` for the Event [`record_delete`]
/// writes when the response comes.
pub fn delete_pod<C: Component + ?Sized>(
    cx: &mut Ctx<'_, C>,
    deleting: &mut BTreeMap<u32, String>,
    pod: u32,
    tag: C::Tag,
) {
    let target = ObjRef {
        kind: crate::model::kind::Kind::Pod,
        id: pod,
    };
    let uid = cx.store.pods.get(pod).map(|p| p.meta.uid);
    if let Some(p) = cx.store.pods.get(pod) {
        deleting.insert(pod, p.meta.name.clone());
    }
    let key = cx.store.key(target);
    let op = crate::apiserver::Op::Delete {
        target,
        uid,
        propagation: crate::apiserver::Propagation::Background,
        grace_seconds: None,
    };
    cx.submit(op, tag, &key);
}

/// A pod delete of controller `id` returned: the pod's name comes out of `deleting` for
/// [`record_delete`]'s Event, and a failed delete will never be observed, so it leaves the
/// expectations.
pub fn delete_returned<C: Component + ?Sized>(
    cx: &mut Ctx<'_, C>,
    expectations: &mut Expectations,
    deleting: &mut BTreeMap<u32, String>,
    (id, owner, source): (u32, ObjRef, &'static str),
    response: crate::component::Response<'_>,
) {
    let crate::apiserver::Op::Delete { target, .. } = response.op else {
        return;
    };
    let name = deleting.remove(&target.id).unwrap_or_default();
    if record_delete(cx, owner, source, &name, response.outcome) {
        expectations.lower(id, 0, 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `slowStartBatch(count, 1, fn)` where `fn` succeeds for the first `call_limit` calls:
    /// (successes, calls, batch sizes). A batch with a failure is the last one.
    fn slow_start(count: usize, call_limit: usize) -> (usize, usize, Vec<usize>) {
        let (mut last, mut left, mut calls, mut ok, mut sizes) = (0, count, 0, 0, Vec::new());
        while left > 0 {
            last = slow_start_batch(last, left);
            sizes.push(last);
            calls += last;
            let good = last.min(call_limit.saturating_sub(ok));
            ok += good;
            left -= last;
            if good < last {
                break;
            }
        }
        (ok, calls, sizes)
    }

    #[test]
    fn slow_start_batch_table() {
        // TestSlowStartBatch (replica_set_test.go; count 10, initial batch 1), rows S1–S3 of
        // ../shared/reference/kubernetes-algorithms.md 1.5, and its derived batch sizes.
        assert_eq!(slow_start(10, 0), (0, 1, vec![1]), "S1 callLimit = 0");
        assert_eq!(
            slow_start(10, 10),
            (10, 10, vec![1, 2, 4, 3]),
            "S2 all succeed"
        );
        assert_eq!(slow_start(10, 5), (5, 7, vec![1, 2, 4]), "S3 some succeed");
        assert_eq!(slow_start(100, 100).2, [1, 2, 4, 8, 16, 32, 37]);
        assert_eq!(slow_start(500, 500).2, [1, 2, 4, 8, 16, 32, 64, 128, 245]);
    }

    #[test]
    fn a_terminating_pod_counts_as_deleted_once() {
        let mut e = Expectations::default();
        e.set(1, 0, 1);
        e.observe_pod(1, 7, Change::Modified, true);
        assert!(e.satisfied(1));
        e.set(1, 0, 1);
        e.observe_pod(1, 7, Change::Deleted, false);
        assert!(
            !e.satisfied(1),
            "the final removal is not a second deletion"
        );
    }
}
