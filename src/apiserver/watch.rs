//! Watch fan-out: which informers hear about a committed change, and after how long.
//!
//! Who watches what is data: each component's row in the component table
//! ([`crate::component::ComponentKind::info`]) lists its informers (a kind and a selection),
//! and terminals register single-object watches at run time ([`Watches`]). Each notification
//! is delivered after a `watch.delivery` draw keyed by the watcher, the object and the
//! object's own write count, so unrelated objects never shift each other's draws. Routing
//! happens at commit time, while a deleted object's data is still present.

use crate::apiserver::Server;
use crate::component::{Change, ComponentId, ComponentKind, Notice, Select};
use crate::etcd::Store;
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::model::service::ServiceType;
use crate::sim::time::SimTime;
use crate::sim::timing::TimingName;
use std::collections::BTreeMap;

/// A notification on its way to a component.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// The receiver.
    pub to: ComponentId,
    /// When its informer gets it.
    pub at: SimTime,
    /// What it hears.
    pub notice: Notice,
}

/// Watches registered at run time: a terminal waiting for one object to be deleted
/// (kubectl's `--wait`, a watch with `fieldSelector=metadata.name=<name>`).
#[derive(Debug, Default)]
pub struct Watches {
    deletion: BTreeMap<ObjRef, Vec<ComponentId>>,
    /// Watches of every change of one object (`kubectl wait --for=condition`), ended by its
    /// deletion.
    objects: BTreeMap<ObjRef, Vec<ComponentId>>,
    /// Watches of every change of every object of one kind (its arena's kind; `kubectl get
    /// --watch`), until the watcher ends them; the watcher filters.
    kinds: BTreeMap<Kind, Vec<ComponentId>>,
}

impl Watches {
    /// `who` waits for `obj` to be deleted.
    pub fn watch_deletion(&mut self, obj: ObjRef, who: ComponentId) {
        self.deletion.entry(obj.in_arena()).or_default().push(who);
    }

    /// `who` hears every change of every object of `kind` (ReplicaSets and
    /// ReplicationControllers share one) until [`Watches::end_kind_watches`].
    pub fn watch_kind(&mut self, kind: Kind, who: ComponentId) {
        let kind = ObjRef { kind, id: 0 }.in_arena().kind;
        let watchers = self.kinds.entry(kind).or_default();
        if !watchers.contains(&who) {
            watchers.push(who);
        }
    }

    /// `who`'s kind watches end (its command stopped).
    pub fn end_kind_watches(&mut self, who: ComponentId) {
        for watchers in self.kinds.values_mut() {
            watchers.retain(|w| *w != who);
        }
        self.kinds.retain(|_, w| !w.is_empty());
    }

    /// `who` hears every change of `obj` until it is deleted; a repeated watch is one.
    pub fn watch_object(&mut self, obj: ObjRef, who: ComponentId) {
        let watchers = self.objects.entry(obj.in_arena()).or_default();
        if !watchers.contains(&who) {
            watchers.push(who);
        }
    }
}

/// Sends a committed change to every interested watcher.
pub fn publish(s: &mut Server<'_>, obj: ObjRef, change: Change) {
    let store: &Store = s.store;
    let Some(meta) = store.meta(obj) else {
        return;
    };
    let writes = meta.writes + u32::from(change == Change::Deleted);
    let key = store.key(obj);
    let mut to: Vec<(ComponentId, Option<u32>)> = Vec::new();
    for kind in ComponentKind::ALL {
        for watch in kind.info().watches {
            if watch.kind.is_some_and(|k| k != obj.kind) {
                continue;
            }
            if let Some(target) = select(store, watch.select, kind, obj, change) {
                to.push(target);
            }
        }
    }
    if change == Change::Deleted
        && let Some(waiters) = s.watches.deletion.remove(&obj.in_arena())
    {
        to.extend(waiters.into_iter().map(|w| (w, None)));
    }
    let watchers = if change == Change::Deleted {
        s.watches.objects.remove(&obj.in_arena())
    } else {
        s.watches.objects.get(&obj.in_arena()).cloned()
    };
    to.extend(watchers.into_iter().flatten().map(|w| (w, None)));
    if let Some(watchers) = s.watches.kinds.get(&obj.in_arena().kind) {
        to.extend(watchers.iter().map(|w| (*w, None)));
    }
    let purpose = format!("{}:{writes}", obj.kind.lower());
    for (who, controller) in to {
        let d = sample(s, who.kind.info().watch_name, &key, &purpose);
        s.deliveries.push(Delivery {
            to: who,
            at: s.now + d,
            notice: Notice {
                obj,
                change,
                controller,
            },
        });
    }
    // A dependent leaving lets a foreground-deleting owner finish: the GC's graph builder
    // re-processes the owner.
    if change == Change::Deleted {
        let gc = ComponentKind::GarbageCollector;
        for o in meta.owners.iter().map(|o| o.owner) {
            if !store.meta(o).is_some_and(|m| m.foreground_deletion) {
                continue;
            }
            let okey = store.key(o);
            let d = sample(s, gc.info().watch_name, &okey, &format!("dependent:{key}"));
            s.deliveries.push(Delivery {
                to: ComponentId::of(gc),
                at: s.now + d,
                notice: Notice {
                    obj: o,
                    change: Change::Modified,
                    controller: None,
                },
            });
        }
    }
}

/// What a fresh instance of a component hears from its informers' initial LIST: an ADDED
/// for every stored object its watches select, in etcd's key order (kind, then namespace
/// and name), as a reflector's `Replace` hands them to the handlers.
pub fn relist(store: &Store, kind: ComponentKind) -> Vec<Notice> {
    let mut out = Vec::new();
    for watch in kind.info().watches {
        let kinds: &[Kind] = match &watch.kind {
            Some(k) => std::slice::from_ref(k),
            None => &Kind::ALL,
        };
        for &k in kinds {
            for id in store.list(k, None) {
                let obj = ObjRef { kind: k, id };
                if let Some((_, controller)) = select(store, watch.select, kind, obj, Change::Added)
                {
                    out.push(Notice {
                        obj,
                        change: Change::Added,
                        controller,
                    });
                }
            }
        }
    }
    out
}

fn sample(
    s: &Server<'_>,
    watcher: &str,
    key: &str,
    purpose: &str,
) -> crate::sim::time::SimDuration {
    let mut rng = s.streams.stream(watcher, key, purpose);
    s.timings.get(TimingName::WatchDelivery).sample(&mut rng)
}

/// Whether an informer of `kind` selecting with `sel` hears about this change, and which
/// instance of the component it reaches.
fn select(
    store: &Store,
    sel: Select,
    kind: ComponentKind,
    obj: ObjRef,
    change: Change,
) -> Option<(ComponentId, Option<u32>)> {
    let meta = store.meta(obj)?;
    let single = ComponentId::of(kind);
    match sel {
        Select::All => Some((single, None)),
        Select::ControlledBy(kinds) => {
            let c = meta.controller().filter(|c| kinds.contains(&c.kind))?;
            Some((single, Some(c.id)))
        }
        Select::OnMyNode => {
            let node = store.pods.get(obj.id).and_then(|p| p.node)?;
            Some((
                ComponentId {
                    kind,
                    instance: node,
                },
                None,
            ))
        }
        Select::LoadBalancers => store
            .services
            .get(obj.id)
            .is_some_and(|s| s.service_type == ServiceType::LoadBalancer)
            .then_some((single, None)),
        Select::Ownership => {
            let finalizing =
                meta.deleted.is_some() && (meta.foreground_deletion || meta.orphan_finalizer);
            // A dependent whose owners are all gone — a create that committed after its
            // owner was deleted — is what the graph builder queues for `attemptToDelete`.
            let dangling = change != Change::Deleted
                && !meta.owners.is_empty()
                && meta
                    .owners
                    .iter()
                    .all(|o| store.meta(o.owner).is_none_or(|m| m.uid != o.uid));
            let orphans = change == Change::Deleted && !store.dependents_of(obj).is_empty();
            (finalizing || dangling || orphans).then_some((single, None))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apiserver::Outcome;
    use crate::apiserver::testing::{Harness, create, delete, new_pod, new_service};
    use crate::etcd::store::testing as fx;
    use crate::model::kind::Kind;
    use crate::model::meta::OwnerRef;
    use crate::model::object::NewObject;

    const NOW: SimTime = SimTime(4_000_000);
    const KUBECTL: ComponentId = ComponentId::terminal(3);

    fn who(h: &Harness) -> Vec<(ComponentId, Option<u32>)> {
        h.deliveries
            .iter()
            .map(|d| {
                assert!(d.at >= NOW, "delivered after the commit");
                (d.to, d.notice.controller)
            })
            .collect()
    }

    fn all_are(h: &Harness, change: Change) -> bool {
        h.deliveries.iter().all(|d| d.notice.change == change)
    }

    fn single(kind: ComponentKind) -> ComponentId {
        ComponentId::of(kind)
    }

    /// Namespace `default`, nodes `n0` and `n1`, ReplicaSet `web`.
    fn setup() -> (Harness, u32, u32, u32) {
        let mut h = Harness::default();
        let ns = fx::namespace(&mut h.store, "default");
        let n0 = fx::node(&mut h.store, "n0", 4000, 16 << 30);
        let n1 = fx::node(&mut h.store, "n1", 4000, 16 << 30);
        let rs = fx::replicaset(&mut h.store, "web", ns, 1, None);
        (h, n0, n1, rs)
    }

    fn owned_pod(h: &Harness, rs: u32, node: Option<&str>) -> NewObject {
        let mut pod = new_pod("web-x2x4z", node);
        let owner = ObjRef {
            kind: Kind::ReplicaSet,
            id: rs,
        };
        if let NewObject::Pod(p) = &mut pod {
            p.meta.owners.push(OwnerRef {
                owner,
                uid: h.store.meta(owner).unwrap().uid,
                controller: true,
                block_owner_deletion: true,
            });
        }
        pod
    }

    #[test]
    fn a_controlled_bound_pod_reaches_its_controller_the_pod_watchers_and_its_kubelet_only() {
        // The ReplicaSet controller's pod handler resolves the controllerRef (so does the
        // Deployment controller's, deployment_controller.go deletePod); the scheduler, the
        // taint eviction controller and PodGC watch every pod; a kubelet watches
        // `spec.nodeName=<its node>` only.
        let (mut h, _n0, n1, rs) = setup();
        let obj = owned_pod(&h, rs, Some("n1"));
        h.apply(NOW, KUBECTL, create(obj));
        assert_eq!(
            who(&h),
            vec![
                (single(ComponentKind::ReplicaSetController), Some(rs)),
                (single(ComponentKind::DeploymentController), Some(rs)),
                (single(ComponentKind::Scheduler), None),
                (ComponentId::kubelet(n1), None),
                (single(ComponentKind::TaintEvictionController), None),
                (single(ComponentKind::PodGarbageCollector), None),
                // Its addPod looks for the pod's PodDisruptionBudget.
                (single(ComponentKind::DisruptionController), None),
            ]
        );
        assert!(all_are(&h, Change::Added));
    }

    #[test]
    fn a_deleted_controlled_pod_still_names_its_controller() {
        // resolveControllerRef on the tombstone (replica_set.go deletePod).
        let (mut h, _, _, rs) = setup();
        let obj = owned_pod(&h, rs, None);
        let Outcome::Created(pod) = h.apply(NOW, KUBECTL, create(obj)) else {
            panic!("created")
        };
        h.deliveries.clear();
        h.apply(NOW, KUBECTL, delete(pod, None));
        assert_eq!(
            who(&h),
            vec![
                (single(ComponentKind::ReplicaSetController), Some(rs)),
                (single(ComponentKind::DeploymentController), Some(rs)),
                (single(ComponentKind::Scheduler), None),
                (single(ComponentKind::TaintEvictionController), None),
                (single(ComponentKind::PodGarbageCollector), None),
                (single(ComponentKind::DisruptionController), None),
            ]
        );
        assert!(all_are(&h, Change::Deleted));
    }

    #[test]
    fn only_load_balancer_services_reach_the_service_controller() {
        // cloud-provider service controller: needsUpdate/wantsLoadBalancer filters Services
        // of type LoadBalancer.
        let (mut h, ..) = setup();
        h.apply(
            NOW,
            KUBECTL,
            create(new_service("internal", ServiceType::ClusterIP)),
        );
        assert!(who(&h).is_empty(), "nobody here watches ClusterIP Services");
        h.apply(
            NOW,
            KUBECTL,
            create(new_service("public", ServiceType::LoadBalancer)),
        );
        assert_eq!(
            who(&h),
            vec![(single(ComponentKind::ServiceController), None)]
        );
    }

    #[test]
    fn a_deleted_owner_with_dependents_reaches_the_garbage_collector() {
        // The GC's graph builder processes an owner's deletion while dependents name it.
        let (mut h, _, _, rs) = setup();
        let obj = owned_pod(&h, rs, None);
        h.apply(NOW, KUBECTL, create(obj));
        h.deliveries.clear();
        let owner = ObjRef {
            kind: Kind::ReplicaSet,
            id: rs,
        };
        h.apply(NOW, KUBECTL, delete(owner, None));
        assert_eq!(
            who(&h),
            vec![
                (single(ComponentKind::ReplicaSetController), None),
                (single(ComponentKind::GarbageCollector), None),
            ]
        );
    }

    #[test]
    fn a_terminal_deletion_watch_fires_once_on_the_deletion_itself() {
        // kubectl delete --wait: a watch on the one object, which ends with its DELETED event;
        // the graceful MODIFIED (deletionTimestamp) does not end it.
        let (mut h, _, n1, _) = setup();
        let ns = h.store.find_ns("default").unwrap();
        let pod = ObjRef {
            kind: Kind::Pod,
            id: fx::pod(&mut h.store, "web", ns, fx::spec(100), None, Some(n1)),
        };
        h.watches.watch_deletion(pod, KUBECTL);
        h.apply(NOW, KUBECTL, delete(pod, None));
        assert!(h.store.pods.get(pod.id).is_some(), "graceful");
        assert!(!who(&h).iter().any(|(c, _)| *c == KUBECTL));
        h.deliveries.clear();
        h.apply(NOW, ComponentId::kubelet(n1), delete(pod, Some(0)));
        let to_terminal: Vec<&Delivery> = h.deliveries.iter().filter(|d| d.to == KUBECTL).collect();
        assert_eq!(to_terminal.len(), 1);
        assert_eq!(to_terminal[0].notice.change, Change::Deleted);
        assert_eq!(to_terminal[0].notice.obj, pod);
        assert!(
            h.watches.deletion.is_empty(),
            "the watch is gone with its object"
        );
    }
}
