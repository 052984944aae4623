//! The garbage collector (`pkg/controller/garbagecollector`), as far as cascading deletion
//! needs it.
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

use crate::apiserver::{Op, Propagation};
use crate::component::{Change, Component, Ctx, Notice, Response};
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use std::collections::BTreeSet;

/// The collector's state: requests in flight, so repeated notifications do not repeat them.
#[derive(Debug, Default)]
pub struct GarbageCollector {
    in_flight: BTreeSet<ObjRef>,
    finalizing: BTreeSet<ObjRef>,
}

type Cx<'a> = Ctx<'a, GarbageCollector>;

impl Component for GarbageCollector {
    type Tag = ();
    type Timer = ();
    type Env = ();

    /// An informer event about a (possible) owner, or about a dependent whose owners are gone.
    fn observe(&mut self, cx: &mut Cx<'_>, n: Notice) {
        let (obj, change) = (n.obj, n.change);
        let store = cx.store;
        if change != Change::Deleted && owners_all_gone(cx, obj) {
            // attemptToDeleteItem: no owner reference resolves to a live owner with that uid
            // (all are dangling), so the dependent is deleted.
            self.delete_dependent(cx, obj, Propagation::Background);
        }
        let dependents = store.dependents_of(obj);
        if change == Change::Deleted {
            for d in dependents {
                self.delete_dependent(cx, *d, Propagation::Background);
            }
            return;
        }
        let Some(m) = store.meta(obj) else { return };
        // Only an owner carrying one of the GC's finalizers is the GC's to finish (a dangling
        // dependent in graceful deletion is the kubelet's).
        if m.deleted.is_none() || !(m.orphan_finalizer || m.foreground_deletion) {
            return;
        }
        if m.orphan_finalizer {
            for d in dependents {
                if self.in_flight.insert(*d) {
                    let key = store.key(*d);
                    let op = Op::RemoveOwnerRef {
                        dependent: *d,
                        owner: obj,
                    };
                    cx.submit(op, (), &key);
                }
            }
        } else {
            for d in dependents {
                if blocks(cx, *d, obj) {
                    self.delete_dependent(cx, *d, Propagation::Foreground);
                }
            }
        }
        let blocking_left = dependents
            .iter()
            .any(|d| blocks(cx, *d, obj) || m.orphan_finalizer);
        if !blocking_left && self.finalizing.insert(obj) {
            let key = store.key(obj);
            cx.submit(Op::RemoveFinalizers { target: obj }, (), &key);
        }
    }

    fn on_response(&mut self, cx: &mut Cx<'_>, _: (), r: Response<'_>) {
        match r.op {
            Op::Delete { target, .. } => {
                self.in_flight.remove(target);
                self.in_flight.remove(&ObjRef {
                    kind: Kind::ReplicaSet,
                    id: target.id,
                });
            }
            Op::RemoveOwnerRef { dependent, owner } => {
                self.in_flight.remove(dependent);
                // Orphaning done for this owner once nothing names it any more.
                if cx.store.dependents_of(*owner).is_empty() && self.finalizing.insert(*owner) {
                    let key = cx.store.key(*owner);
                    cx.submit(Op::RemoveFinalizers { target: *owner }, (), &key);
                }
            }
            Op::RemoveFinalizers { target } => {
                self.finalizing.remove(target);
            }
            _ => {}
        }
    }

    fn on_timer(&mut self, _: &mut Cx<'_>, _: ()) {}
}

impl GarbageCollector {
    fn delete_dependent(&mut self, cx: &mut Cx<'_>, d: ObjRef, propagation: Propagation) {
        let store = cx.store;
        let Some(m) = store.meta(d) else { return };
        if m.deleted.is_some() || !self.in_flight.insert(d) {
            return;
        }
        let kind = if d.kind == Kind::ReplicaSet {
            store.rs_kind(d.id)
        } else {
            d.kind
        };
        let op = Op::Delete {
            target: ObjRef { kind, id: d.id },
            uid: Some(m.uid),
            propagation,
            grace_seconds: None,
        };
        cx.submit(op, (), &store.key(d));
    }
}

fn owners_all_gone(cx: &Cx<'_>, obj: ObjRef) -> bool {
    cx.store.meta(obj).is_some_and(|m| {
        !m.owners.is_empty()
            && m.owners
                .iter()
                .all(|o| cx.store.meta(o.owner).is_none_or(|om| om.uid != o.uid))
    })
}

fn blocks(cx: &Cx<'_>, dependent: ObjRef, owner: ObjRef) -> bool {
    cx.store.meta(dependent).is_some_and(|dm| {
        dm.owners
            .iter()
            .any(|o| o.owner == owner && o.block_owner_deletion)
    })
}
