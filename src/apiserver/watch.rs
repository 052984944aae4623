//! Watch fan-out: which informers hear about a committed change, and after how long.
//!
//! Each notification is one event after a `watch.delivery` draw keyed by the watcher, the
//! object and the object's own write count, so unrelated objects never shift each other's
//! draws. Routing happens at commit time, while a deleted object's data is still present.

use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::model::service::ServiceType;
use crate::sim::event::{Change, Event, Watcher};
use crate::sim::timing::TimingName;
use crate::sim::world::World;

const NONE: u32 = u32::MAX;

/// Sends a committed change to every interested watcher.
pub fn publish(w: &mut World, obj: ObjRef, change: Change) {
    let Some(meta) = w.store.meta(obj) else {
        return;
    };
    let writes = meta.writes + u32::from(change == Change::Deleted);
    let controller = meta.controller();
    let finalizing = meta.deleted.is_some() && (meta.foreground_deletion || meta.orphan_finalizer);
    let owners_in_foreground: Vec<ObjRef> = meta
        .owners
        .iter()
        .map(|o| o.owner)
        .filter(|o| w.store.meta(*o).is_some_and(|m| m.foreground_deletion))
        .collect();
    // A dependent whose owners are all gone — a create that committed after its owner was
    // deleted — is what the GC's graph builder queues for `attemptToDelete`.
    let dangling = change != Change::Deleted
        && !meta.owners.is_empty()
        && meta
            .owners
            .iter()
            .all(|o| w.store.meta(o.owner).is_none_or(|m| m.uid != o.uid));
    let key = w.store.key(obj);
    let mut to: Vec<(Watcher, u32)> = Vec::new();
    match obj.kind {
        Kind::Pod => {
            if let Some(c) = controller
                .filter(|c| matches!(c.kind, Kind::ReplicaSet | Kind::ReplicationController))
            {
                to.push((Watcher::ReplicaSetController, c.id));
            }
            to.push((Watcher::Scheduler, NONE));
            if let Some(node) = w.store.pods.get(obj.id).and_then(|p| p.node) {
                to.push((Watcher::Kubelet(node), NONE));
            }
        }
        Kind::ReplicaSet | Kind::ReplicationController => {
            to.push((Watcher::ReplicaSetController, NONE));
            if let Some(c) = controller.filter(|c| c.kind == Kind::Deployment) {
                to.push((Watcher::DeploymentController, c.id));
            }
        }
        Kind::Deployment => to.push((Watcher::DeploymentController, NONE)),
        Kind::Node => to.push((Watcher::Scheduler, NONE)),
        Kind::Service
            if w.store
                .services
                .get(obj.id)
                .is_some_and(|s| s.service_type == ServiceType::LoadBalancer) =>
        {
            to.push((Watcher::ServiceController, NONE));
        }
        _ => {}
    }
    if finalizing
        || dangling
        || (change == Change::Deleted && !w.store.dependents_of(obj).is_empty())
    {
        to.push((Watcher::GarbageCollector, NONE));
    }
    if change == Change::Deleted {
        for step in w.steps.waiters_of(obj) {
            to.push((Watcher::Step(step), NONE));
        }
    }
    for (watcher, owner) in to {
        let d = w.sample(
            TimingName::WatchDelivery,
            watcher_name(watcher),
            &key,
            &format!("{}:{writes}", obj.kind.lower()),
        );
        w.schedule(
            d,
            Event::Notify {
                watcher,
                obj,
                change,
                owner,
            },
        );
    }
    // A dependent leaving lets a foreground-deleting owner finish.
    if change == Change::Deleted {
        for o in owners_in_foreground {
            let okey = w.store.key(o);
            let d = w.sample(
                TimingName::WatchDelivery,
                "garbage-collector",
                &okey,
                &format!("dependent:{key}"),
            );
            w.schedule(
                d,
                Event::Notify {
                    watcher: Watcher::GarbageCollector,
                    obj: o,
                    change: Change::Modified,
                    owner: NONE,
                },
            );
        }
    }
}

fn watcher_name(w: Watcher) -> &'static str {
    match w {
        Watcher::DeploymentController => "deployment-controller",
        Watcher::ReplicaSetController => "replicaset-controller",
        Watcher::GarbageCollector => "garbage-collector",
        Watcher::Scheduler => "default-scheduler",
        Watcher::Kubelet(_) => "kubelet",
        Watcher::ServiceController => "service-controller",
        Watcher::Step(_) => "kubectl",
    }
}

/// A watch event reaches its informer.
pub fn deliver(w: &mut World, watcher: Watcher, obj: ObjRef, change: Change, owner: u32) {
    let owner = (owner != NONE).then_some(owner);
    match watcher {
        Watcher::ReplicaSetController => {
            crate::controllers::replicaset::observe(w, obj, change, owner)
        }
        Watcher::DeploymentController => crate::controllers::deployment::observe(w, obj, owner),
        Watcher::GarbageCollector => crate::controllers::gc::observe(w, obj, change),
        Watcher::Scheduler => crate::scheduler::observe(w, obj, change),
        Watcher::Kubelet(node) => crate::kubelet::observe(w, node, obj, change),
        Watcher::ServiceController => crate::controllers::service::observe(w, obj, change),
        Watcher::Step(step) => crate::kubectl::exec::observe_deleted(w, step, obj),
    }
}
