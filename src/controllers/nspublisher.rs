//! The shape two kube-controller-manager controllers share: keep one object of a fixed name
//! in every active namespace, created when the namespace appears and again when someone
//! deletes it (rootcacertpublisher's `kube-root-ca.crt`, the ServiceAccounts controller's
//! `default`). Each is its own component with its own identity; this is their common loop.

use crate::apiserver::Op;
use crate::component::{Change, Component, Ctx, Notice, Response};
use crate::etcd::Store;
use crate::model::kind::Kind;
use crate::model::meta::{NsId, ObjRef};
use crate::model::object::NewObject;
use crate::sim::time::SimTime;
use std::collections::{BTreeMap, BTreeSet};
use std::marker::PhantomData;

/// What one publisher keeps in each namespace.
pub trait Published {
    /// The kind of the object.
    const KIND: Kind;
    /// Its name.
    const NAME: &'static str;
    /// The object as the controller writes it.
    fn object(ns: Option<NsId>) -> NewObject;
    /// Puts the object straight into the store's arena (the t=0 bootstrap).
    fn insert(store: &mut Store, ns: NsId) -> u32;
}

/// A publisher's informer state: the published objects it has seen (by id, with their
/// namespace, which a deletion notice no longer carries) and its creates in flight.
#[derive(Debug)]
pub struct NamespacePublisher<P> {
    known: BTreeMap<u32, NsId>,
    creating: BTreeSet<NsId>,
    what: PhantomData<P>,
}

impl<P> Default for NamespacePublisher<P> {
    fn default() -> Self {
        NamespacePublisher {
            known: BTreeMap::new(),
            creating: BTreeSet::new(),
            what: PhantomData,
        }
    }
}

impl<P: Published> Component for NamespacePublisher<P> {
    type Tag = NsId;
    type Timer = ();
    type Env = ();

    fn observe(&mut self, cx: &mut Ctx<'_, Self>, n: Notice) {
        match (n.obj.kind, n.change) {
            // namespaceAdded / namespaceUpdated (Active only).
            (Kind::Namespace, Change::Added | Change::Modified) => {
                // A namespace's object id is not its interned NsId once a name is re-used.
                let ns = cx
                    .store
                    .namespaces
                    .get(n.obj.id)
                    .and_then(|o| cx.store.find_ns(&o.meta.name));
                if let Some(ns) = ns {
                    self.sync_namespace(cx, ns);
                }
            }
            (k, Change::Added) if k == P::KIND => {
                if let Some(m) = cx.store.meta(n.obj)
                    && m.name == P::NAME
                    && let Some(ns) = m.namespace
                {
                    self.known.insert(n.obj.id, ns);
                }
            }
            // A deletion queues the namespace's key again.
            (k, Change::Deleted) if k == P::KIND => match self.known.remove(&n.obj.id) {
                Some(ns) => self.sync_namespace(cx, ns),
                // One that existed before the informer's first notice (t=0): its name and
                // namespace are gone with it, so every namespace is checked (they are few).
                None => {
                    let all: Vec<NsId> = (0..cx.store.namespace_names.len() as u32)
                        .map(NsId)
                        .collect();
                    for ns in all {
                        self.sync_namespace(cx, ns);
                    }
                }
            },
            _ => {}
        }
    }

    fn on_response(&mut self, _: &mut Ctx<'_, Self>, ns: NsId, _: Response<'_>) {
        // A NotFound or terminating namespace is not retried (both controllers' syncNamespace);
        // an AlreadyExists means another writer was first, which is what was wanted.
        self.creating.remove(&ns);
    }

    fn on_timer(&mut self, _: &mut Ctx<'_, Self>, _: ()) {}
}

impl<P: Published> NamespacePublisher<P> {
    /// `syncNamespace`: create the object if the namespace is active and lacks it.
    fn sync_namespace(&mut self, cx: &mut Ctx<'_, Self>, ns: NsId) {
        let active = cx
            .store
            .lookup(Kind::Namespace, None, cx.store.ns_name(ns))
            .and_then(|id| cx.store.namespaces.get(id))
            .is_some_and(|n| !n.terminating && n.meta.deleted.is_none());
        if !active
            || self.creating.contains(&ns)
            || cx.store.lookup(P::KIND, Some(ns), P::NAME).is_some()
        {
            return;
        }
        self.creating.insert(ns);
        let namespace = cx.store.ns_name(ns).to_string();
        let op = Op::Create {
            object: Box::new(P::object(None)),
            namespace: Some(namespace.clone()),
            generate_name: None,
        };
        cx.submit(op, ns, &format!("{namespace}/{}", P::NAME));
    }
}

/// Stores namespace `ns`'s published object at `t0`, as a running cluster has it before
/// anyone looks (the cluster bootstrap calls this for the namespaces it makes).
pub fn prefill<P: Published>(store: &mut Store, ns: NsId, t0: SimTime) {
    let id = P::insert(store, ns);
    store.register(ObjRef { kind: P::KIND, id }, t0);
}

/// Helpers for the publishers' unit tests.
#[cfg(test)]
pub mod testing {
    use super::*;
    use crate::apiserver::Op;
    use crate::component::ctx::testing::{Effect, Recorder};

    /// An informer notice about one object.
    pub fn notice(kind: Kind, id: u32, change: Change) -> Notice {
        Notice {
            obj: ObjRef { kind, id },
            change,
            controller: None,
        }
    }

    /// Every create the publisher sent, as `namespace/name`.
    pub fn creates<P: Published>(r: &Recorder<NamespacePublisher<P>>) -> Vec<String> {
        r.effects
            .iter()
            .filter_map(|e| match e {
                Effect::Submit(
                    Op::Create {
                        object, namespace, ..
                    },
                    _,
                    _,
                ) if object.kind() == Some(P::KIND) => Some(format!(
                    "{}/{}",
                    namespace.clone().unwrap_or_default(),
                    object.meta().name
                )),
                _ => None,
            })
            .collect()
    }
}
