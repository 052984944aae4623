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
}

impl Watches {
    /// `who` waits for `obj` to be deleted.
    pub fn watch_deletion(&mut self, obj: ObjRef, who: ComponentId) {
        self.deletion.entry(obj.in_arena()).or_default().push(who);
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
