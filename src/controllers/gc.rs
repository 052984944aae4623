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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apiserver::testing::Harness;
    use crate::component::ctx::testing::{Recorder, run};
    use crate::component::{ComponentId, ComponentKind};
    use crate::etcd::store::testing as fx;
    use crate::sim::time::SimTime;

    const ME: ComponentId = ComponentId::of(ComponentKind::GarbageCollector);
    const NOW: SimTime = SimTime(5_000_000);

    /// ReplicaSet `web` owning pods `web-a` and `web-b`.
    fn setup() -> (Harness, ObjRef, Vec<ObjRef>) {
        let mut h = Harness::default();
        let ns = fx::namespace(&mut h.store, "default");
        let rs = ObjRef {
            kind: Kind::ReplicaSet,
            id: fx::replicaset(&mut h.store, "web", ns, 2, None),
        };
        let pods = ["web-a", "web-b"]
            .iter()
            .map(|n| ObjRef {
                kind: Kind::Pod,
                id: fx::pod(&mut h.store, n, ns, fx::spec(100), Some(rs), None),
            })
            .collect();
        (h, rs, pods)
    }

    fn notice(
        gc: &mut GarbageCollector,
        h: &Harness,
        obj: ObjRef,
        change: Change,
    ) -> Recorder<GarbageCollector> {
        run(gc, &h.store, &mut (), ME, NOW, |gc, cx| {
            gc.observe(
                cx,
                Notice {
                    obj,
                    change,
                    controller: None,
                },
            )
        })
    }

    #[test]
    fn a_deleted_owner_has_each_dependent_deleted_in_the_background_with_its_uid() {
        // garbagecollector.go attemptToDeleteItem: every owner reference dangles, so the
        // dependent is deleted with its default (background) policy; operations.go
        // deleteObject sends Preconditions{UID: <the dependent's uid>}.
        let (mut h, rs, pods) = setup();
        h.store.remove(rs);
        let mut gc = GarbageCollector::default();
        let r = notice(&mut gc, &h, rs, Change::Deleted);
        let got: Vec<(ObjRef, Option<u64>, Propagation)> = r
            .requests()
            .iter()
            .map(|(op, _)| match op {
                Op::Delete {
                    target,
                    uid,
                    propagation,
                    grace_seconds,
                } => {
                    assert_eq!(*grace_seconds, None);
                    (*target, *uid, *propagation)
                }
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        let want: Vec<(ObjRef, Option<u64>, Propagation)> = pods
            .iter()
            .map(|p| {
                (
                    *p,
                    Some(h.store.meta(*p).unwrap().uid),
                    Propagation::Background,
                )
            })
            .collect();
        assert_eq!(got, want);
        // A second notice while the deletes are in flight sends nothing more.
        assert!(
            notice(&mut gc, &h, rs, Change::Deleted)
                .requests()
                .is_empty()
        );
        // And no Events: the GC records none on cascading deletion.
        assert!(r.events().is_empty());
    }

    #[test]
    fn the_orphan_finalizer_removes_owner_references_then_the_finalizer() {
        // garbagecollector.go attemptToOrphan: orphanDependents (drop the owner reference
        // from every dependent), then removeFinalizer(owner, "orphan").
        let (mut h, rs, pods) = setup();
        let m = h.store.meta_mut(rs).unwrap();
        m.deleted = Some(NOW);
        m.orphan_finalizer = true;
        let mut gc = GarbageCollector::default();
        let first = notice(&mut gc, &h, rs, Change::Modified);
        let got: Vec<(ObjRef, ObjRef)> = first
            .requests()
            .iter()
            .map(|(op, _)| match op {
                Op::RemoveOwnerRef { dependent, owner } => (*dependent, *owner),
                other => panic!("the finalizer must wait for the orphaning: {other:?}"),
            })
            .collect();
        assert_eq!(got, vec![(pods[0], rs), (pods[1], rs)]);
        let second = h.answer(&mut gc, &mut (), ME, NOW, &first);
        assert!(matches!(
            second.requests()[..],
            [(Op::RemoveFinalizers { target }, ())] if *target == rs
        ));
        h.answer(&mut gc, &mut (), ME, NOW, &second);
        assert!(
            h.store.meta(rs).is_none(),
            "the owner goes with its finalizer"
        );
        for p in pods {
            assert!(h.store.meta(p).unwrap().owners.is_empty(), "orphaned, kept");
        }
    }

    #[test]
    fn foreground_deletion_deletes_blocking_dependents_in_the_foreground_first() {
        // garbagecollector.go attemptToDeleteItem: a dependent whose owner is
        // waitingForDependentsDeletion is deleted with Foreground; processDeletingDependentsItem
        // removes the owner's foregroundDeletion finalizer once no blocking dependent is left.
        let (mut h, rs, pods) = setup();
        let m = h.store.meta_mut(rs).unwrap();
        m.deleted = Some(NOW);
        m.foreground_deletion = true;
        let mut gc = GarbageCollector::default();
        let first = notice(&mut gc, &h, rs, Change::Modified);
        let got: Vec<(ObjRef, Propagation)> = first
            .requests()
            .iter()
            .map(|(op, _)| match op {
                Op::Delete {
                    target,
                    propagation,
                    ..
                } => (*target, *propagation),
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (pods[0], Propagation::Foreground),
                (pods[1], Propagation::Foreground)
            ]
        );
        // The unbound pods go at once; the graph builder then re-processes the owner.
        h.answer(&mut gc, &mut (), ME, NOW, &first);
        assert!(h.store.dependents_of(rs).is_empty());
        let last = notice(&mut gc, &h, rs, Change::Modified);
        assert!(matches!(
            last.requests()[..],
            [(Op::RemoveFinalizers { target }, ())] if *target == rs
        ));
    }
}
