//! kube-controller-manager (Deployment, ReplicaSet/RC, garbage collector) and the
//! cloud-controller-manager's service controller.
//!
//! Each work-queue controller follows client-go's shape: informers add keys to a
//! de-duplicating queue; a worker takes a key, spends `controller.sync` computing, issues its
//! API calls through the controller's own rate-limited client, and is free again when those
//! calls have returned. The sync logic reads the committed store (see [`crate::apiserver`]).

pub mod deployment;
pub mod gc;
pub mod replicaset;
pub mod service;
pub mod workqueue;

use crate::sim::event::{Ctrl, Event};
use crate::sim::timing::TimingName;
use crate::sim::world::World;

/// Adds a key to a controller's queue and starts a worker if one is free.
pub fn enqueue(w: &mut World, ctrl: Ctrl, key: u32) {
    queue(w, ctrl).add(key);
    kick(w, ctrl);
}

/// Hands queued keys to free workers; each sync runs after `controller.sync`.
pub fn kick(w: &mut World, ctrl: Ctrl) {
    while let Some(key) = queue(w, ctrl).next_key() {
        let name = match ctrl {
            Ctrl::Deployment => "deployment-controller",
            Ctrl::ReplicaSet => "replicaset-controller",
        };
        let obj = crate::model::meta::ObjRef {
            kind: match ctrl {
                Ctrl::Deployment => crate::model::kind::Kind::Deployment,
                Ctrl::ReplicaSet => crate::model::kind::Kind::ReplicaSet,
            },
            id: key,
        };
        let writes = w.store.meta(obj).map(|m| m.writes).unwrap_or(0);
        let okey = w.store.key(obj);
        let d = w.sample(
            TimingName::ControllerSync,
            name,
            &okey,
            &format!("sync:{writes}"),
        );
        w.schedule(d, Event::ControllerSync { ctrl, key });
    }
}

/// A worker's sync of `key` is due.
pub fn sync(w: &mut World, ctrl: Ctrl, key: u32) {
    match ctrl {
        Ctrl::Deployment => deployment::sync(w, key),
        Ctrl::ReplicaSet => replicaset::sync(w, key),
    }
}

/// The worker is done with `key` (its API calls returned).
pub fn done(w: &mut World, ctrl: Ctrl, key: u32) {
    queue(w, ctrl).done(key);
    kick(w, ctrl);
}

fn queue(w: &mut World, ctrl: Ctrl) -> &mut workqueue::WorkQueue {
    match ctrl {
        Ctrl::Deployment => &mut w.deployments.queue,
        Ctrl::ReplicaSet => &mut w.replicasets.queue,
    }
}
