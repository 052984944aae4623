//! kube-controller-manager (Deployment, ReplicaSet/RC, DaemonSet, Job, CronJob, garbage collector,
//! root CA publisher) and the
//! cloud-controller-manager's service controller.
//!
//! Each work-queue controller follows client-go's shape: informers add keys to a
//! de-duplicating queue; a worker takes a key, spends `controller.sync` computing, issues its
//! API calls through the controller's own rate-limited client, and is free again when those
//! calls have returned. The sync logic reads the committed store (see [`crate::apiserver`]).

pub mod activepods;
pub mod cronjob;
pub mod daemonset;
pub mod deployment;
pub mod gc;
pub mod job;
pub mod nspublisher;
pub mod podcontrol;
pub mod replicaset;
pub mod rootca;
pub mod service;
pub mod serviceaccount;
pub mod statefulset;
pub mod ttlafterfinished;
pub mod workqueue;

use crate::component::{Component, Ctx};
use crate::controllers::workqueue::WorkQueue;
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::sim::timing::TimingName;

/// Hands queued keys to free workers; each worker's sync is a timer `controller.sync` later,
/// drawn from the stream of the object and its write count (so a re-sync of an unchanged
/// object draws the same delay, and other objects never shift it).
pub fn kick<C: Component>(
    queue: &mut WorkQueue,
    cx: &mut Ctx<'_, C>,
    kind: Kind,
    name: &str,
    sync: impl Fn(u32) -> C::Timer,
) {
    while let Some(key) = queue.next_key() {
        let obj = ObjRef { kind, id: key };
        let writes = cx.store.meta(obj).map(|m| m.writes).unwrap_or(0);
        let okey = cx.store.key(obj);
        let d = cx.sample(
            TimingName::ControllerSync,
            name,
            &okey,
            &format!("sync:{writes}"),
        );
        cx.after(d, sync(key));
    }
}
