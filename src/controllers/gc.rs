//! The garbage collector (`pkg/controller/garbagecollector`), as far as cascading deletion
//! needs it (facts B.7).
//!
//! - Background: the owner is already gone; dependents that still name it are deleted.
//! - Foreground: the owner carries the `foregroundDeletion` finalizer; dependents are
//!   deleted (themselves in the foreground), and when none is left the finalizer is removed
//!   and the owner goes.
//! - Orphan: the `orphan` finalizer; owner references are removed from dependents, then the
//!   finalizer and the owner.
//! - Dangling: a dependent whose owners are all gone when it is written (its create
//!   committed after the owner was deleted) is deleted, as `attemptToDeleteItem` does.
//!
//! The GC emits no Events on cascading deletion (as upstream). It reads ownership from the
//! store's dependents index instead of building its own graph (kubesim never misses a watch
//! event, so the two agree).

use crate::apiserver::{Client, Op, Outcome, Propagation, Request, submit};
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::sim::event::Change;
use crate::sim::world::World;
use std::collections::BTreeSet;

/// The collector's state: requests in flight, so repeated notifications do not repeat them.
#[derive(Debug, Default)]
pub struct GarbageCollector {
    in_flight: BTreeSet<ObjRef>,
    finalizing: BTreeSet<ObjRef>,
}

/// An informer event about a (possible) owner, or about a dependent whose owners are gone.
pub fn observe(w: &mut World, obj: ObjRef, change: Change) {
    if change != Change::Deleted && owners_all_gone(w, obj) {
        // attemptToDeleteItem: no owner reference resolves to a live owner with that uid
        // (all are dangling), so the dependent is deleted.
        delete_dependent(w, obj, Propagation::Background);
    }
    let dependents: Vec<ObjRef> = w.store.dependents_of(obj).to_vec();
    if change == Change::Deleted {
        for d in dependents {
            delete_dependent(w, d, Propagation::Background);
        }
        return;
    }
    let Some(m) = w.store.meta(obj) else { return };
    // Only an owner carrying one of the GC's finalizers is the GC's to finish (a dangling
    // dependent in graceful deletion is the kubelet's).
    if m.deleted.is_none() || !(m.orphan_finalizer || m.foreground_deletion) {
        return;
    }
    if m.orphan_finalizer {
        for d in &dependents {
            if w.gc.in_flight.insert(*d) {
                let key = w.store.key(*d);
                submit(
                    w,
                    Client::GarbageCollector,
                    Op::RemoveOwnerRef {
                        dependent: *d,
                        owner: obj,
                    },
                    0,
                    &key,
                );
            }
        }
    } else if m.foreground_deletion {
        for d in &dependents {
            let blocks = w.store.meta(*d).is_some_and(|dm| {
                dm.owners
                    .iter()
                    .any(|o| o.owner == obj && o.block_owner_deletion)
            });
            if blocks {
                delete_dependent(w, *d, Propagation::Foreground);
            }
        }
    }
    let blocking_left =
        w.store.dependents_of(obj).iter().any(|d| {
            m_blocks(w, *d, obj) || w.store.meta(obj).is_some_and(|om| om.orphan_finalizer)
        });
    if !blocking_left && w.gc.finalizing.insert(obj) {
        let key = w.store.key(obj);
        submit(
            w,
            Client::GarbageCollector,
            Op::RemoveFinalizers { target: obj },
            0,
            &key,
        );
    }
}

fn owners_all_gone(w: &World, obj: ObjRef) -> bool {
    w.store.meta(obj).is_some_and(|m| {
        !m.owners.is_empty()
            && m.owners
                .iter()
                .all(|o| w.store.meta(o.owner).is_none_or(|om| om.uid != o.uid))
    })
}

fn m_blocks(w: &World, dependent: ObjRef, owner: ObjRef) -> bool {
    w.store.meta(dependent).is_some_and(|dm| {
        dm.owners
            .iter()
            .any(|o| o.owner == owner && o.block_owner_deletion)
    })
}

fn delete_dependent(w: &mut World, d: ObjRef, propagation: Propagation) {
    let Some(m) = w.store.meta(d) else { return };
    if m.deleted.is_some() || !w.gc.in_flight.insert(d) {
        return;
    }
    let uid = Some(m.uid);
    let key = w.store.key(d);
    let kind = if d.kind == Kind::ReplicaSet {
        w.store.rs_kind(d.id)
    } else {
        d.kind
    };
    let target = ObjRef { kind, id: d.id };
    submit(
        w,
        Client::GarbageCollector,
        Op::Delete {
            target,
            uid,
            propagation,
            grace_seconds: None,
        },
        0,
        &key,
    );
}

/// A response to one of the collector's requests.
pub fn on_response(w: &mut World, req: &Request, _outcome: Outcome) {
    match &req.op {
        Op::Delete { target, .. } => {
            w.gc.in_flight.remove(target);
            w.gc.in_flight.remove(&ObjRef {
                kind: Kind::ReplicaSet,
                id: target.id,
            });
        }
        Op::RemoveOwnerRef { dependent, owner } => {
            w.gc.in_flight.remove(dependent);
            // Orphaning done for this owner once nothing names it any more.
            if w.store.dependents_of(*owner).is_empty() && w.gc.finalizing.insert(*owner) {
                let key = w.store.key(*owner);
                submit(
                    w,
                    Client::GarbageCollector,
                    Op::RemoveFinalizers { target: *owner },
                    0,
                    &key,
                );
            }
        }
        Op::RemoveFinalizers { target } => {
            w.gc.finalizing.remove(target);
        }
        _ => {}
    }
}
