//! kube-controller-manager (Deployment, ReplicaSet/RC, DaemonSet, Job, CronJob, garbage collector,
//! root CA publisher, taint eviction, pod garbage collector) and the
//! cloud-controller-manager's service controller.
//!
//! Each work-queue controller follows client-go's shape: informers add keys to a
//! de-duplicating queue; a worker takes a key, spends `controller.sync` computing, issues its
//! API calls through the controller's own rate-limited client, and is free again when those
//! calls have returned. The sync logic reads the committed store (see [`crate::apiserver`]).

pub mod activepods;
pub mod cronjob;
pub mod daemonplacement;
pub mod daemonset;
pub mod deployment;
pub mod disruption;
pub mod gc;
pub mod job;
pub mod nodelifecycle;
pub mod nspublisher;
pub mod podcontrol;
pub mod podgc;
pub mod replicaset;
pub mod rootca;
pub mod service;
pub mod serviceaccount;
pub mod statefulset;
pub mod tainteviction;
pub mod ttlafterfinished;
pub mod workqueue;

use crate::component::{Component, Ctx};
use crate::controllers::workqueue::WorkQueue;
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::sim::timing::TimingName;

/// A controller's work queue and its workers, as client-go runs them: `enqueue` is
/// `queue.Add(key)`, `done` is `queue.Done(key)`, and after either every free worker takes a
/// queued key, its sync being a timer `controller.sync` later, drawn from the stream of the
/// object and its write count (so a re-sync of an unchanged object draws the same delay, and
/// other objects never shift it). One copy of what each work-queue controller did by hand.
#[derive(Debug)]
pub struct Workers<T> {
    /// The de-duplicating queue.
    pub queue: WorkQueue,
    kind: Kind,
    name: &'static str,
    sync: fn(u32) -> T,
}

impl<T> Workers<T> {
    /// `workers` workers over keys of `kind` for the controller `name` (its timing stream),
    /// whose syncs are the timer `sync(key)`.
    pub fn new(workers: usize, kind: Kind, name: &'static str, sync: fn(u32) -> T) -> Self {
        Workers {
            queue: WorkQueue::new(workers),
            kind,
            name,
            sync,
        }
    }

    /// `queue.Add(key)`, then hand keys to free workers.
    pub fn enqueue<C: Component<Timer = T>>(&mut self, cx: &mut Ctx<'_, C>, key: u32) {
        self.queue.add(key);
        self.kick(cx);
    }

    /// `queue.Done(key)`: the worker is free (and the key re-queued if it was added
    /// meanwhile), then hand keys to free workers.
    pub fn done<C: Component<Timer = T>>(&mut self, cx: &mut Ctx<'_, C>, key: u32) {
        self.queue.done(key);
        self.kick(cx);
    }

    fn kick<C: Component<Timer = T>>(&mut self, cx: &mut Ctx<'_, C>) {
        while let Some(key) = self.queue.next_key() {
            let obj = ObjRef {
                kind: self.kind,
                id: key,
            };
            let writes = cx.store.meta(obj).map(|m| m.writes).unwrap_or(0);
            let okey = cx.store.key(obj);
            let d = cx.sample(
                TimingName::ControllerSync,
                self.name,
                &okey,
                &format!("sync:{writes}"),
            );
            cx.after(d, (self.sync)(key));
        }
    }
}
