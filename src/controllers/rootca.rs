//! kube-controller-manager's root CA certificate publisher
//! (`pkg/controller/certificates/rootcacertpublisher/publisher.go`): every active namespace
//! holds a ConfigMap `kube-root-ca.crt` with one key, `ca.crt`, the bundle that pods use to
//! verify the API server (service-account token volumes mount it). It is created when a
//! namespace appears and created again when someone deletes it, which is why `kubectl get
//! configmaps` is never empty on a real cluster.
//!
//! Simplifications: the bundle's text and the `kubernetes.io/description` annotation are not
//! stored (kubesim keeps a ConfigMap's key count, not its data), so an edited copy is not put
//! back; only a deleted one is.

use crate::apiserver::Op;
use crate::component::{Change, Component, Ctx, Notice, Response};
use crate::model::kind::Kind;
use crate::model::meta::{Meta, NsId};
use crate::model::object::NewObject;
use crate::model::service::ConfigData;
use std::collections::{BTreeMap, BTreeSet};

/// `RootCACertConfigMapName`.
pub const ROOT_CA_CONFIGMAP: &str = "kube-root-ca.crt";

/// The publisher's informer state: the `kube-root-ca.crt` ConfigMaps it has seen (by id, with
/// their namespace, which a deletion notice no longer carries) and its creates in flight.
#[derive(Debug, Default)]
pub struct RootCaPublisher {
    known: BTreeMap<u32, NsId>,
    creating: BTreeSet<NsId>,
}

type Cx<'a> = Ctx<'a, RootCaPublisher>;

impl Component for RootCaPublisher {
    type Tag = NsId;
    type Timer = ();
    type Env = ();

    fn observe(&mut self, cx: &mut Cx<'_>, n: Notice) {
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
            (Kind::ConfigMap, Change::Added) => {
                if let Some(m) = cx.store.configmaps.get(n.obj.id).map(|c| &c.meta)
                    && m.name == ROOT_CA_CONFIGMAP
                    && let Some(ns) = m.namespace
                {
                    self.known.insert(n.obj.id, ns);
                }
            }
            // configMapDeleted: the namespace's key is queued again.
            (Kind::ConfigMap, Change::Deleted) => match self.known.remove(&n.obj.id) {
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

    fn on_response(&mut self, _: &mut Cx<'_>, ns: NsId, _: Response<'_>) {
        // A NotFound or terminating namespace is not retried (syncNamespace); an
        // AlreadyExists means another writer was first, which is what was wanted.
        self.creating.remove(&ns);
    }

    fn on_timer(&mut self, _: &mut Cx<'_>, _: ()) {}
}

impl RootCaPublisher {
    /// `syncNamespace`: create the ConfigMap if the namespace is active and lacks it.
    fn sync_namespace(&mut self, cx: &mut Cx<'_>, ns: NsId) {
        let active = cx
            .store
            .lookup(Kind::Namespace, None, cx.store.ns_name(ns))
            .and_then(|id| cx.store.namespaces.get(id))
            .is_some_and(|n| !n.terminating && n.meta.deleted.is_none());
        if !active
            || self.creating.contains(&ns)
            || cx
                .store
                .lookup(Kind::ConfigMap, Some(ns), ROOT_CA_CONFIGMAP)
                .is_some()
        {
            return;
        }
        self.creating.insert(ns);
        let namespace = cx.store.ns_name(ns).to_string();
        let op = Op::Create {
            object: Box::new(NewObject::ConfigMap(root_ca_configmap(None))),
            namespace: Some(namespace.clone()),
            generate_name: None,
        };
        cx.submit(op, ns, &format!("{namespace}/{ROOT_CA_CONFIGMAP}"));
    }
}

/// The ConfigMap as the publisher writes it: one key, `ca.crt`.
pub fn root_ca_configmap(ns: Option<NsId>) -> ConfigData {
    ConfigData {
        meta: Meta::new(ROOT_CA_CONFIGMAP.to_string(), ns, Default::default()),
        keys: 1,
        key_names: vec!["ca.crt".to_string()],
        secret_type: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::component::ComponentId;
    use crate::component::ComponentKind;
    use crate::component::ctx::testing::{Effect, Recorder, run};
    use crate::etcd::Store;
    use crate::etcd::store::testing as fx;
    use crate::model::meta::ObjRef;
    use crate::sim::time::SimTime;

    const ME: ComponentId = ComponentId::of(ComponentKind::RootCaPublisher);

    fn namespace(store: &mut Store, name: &str, terminating: bool) -> NsId {
        let ns = fx::namespace(store, name);
        if terminating
            && let Some(id) = store.lookup(Kind::Namespace, None, name)
            && let Some(n) = store.namespaces.get_mut(id)
        {
            n.terminating = true;
        }
        ns
    }

    /// A published kube-root-ca.crt in `ns`.
    fn stored(store: &mut Store, ns: NsId) -> u32 {
        let id = store.configmaps.insert(root_ca_configmap(Some(ns)));
        store.register(
            ObjRef {
                kind: Kind::ConfigMap,
                id,
            },
            SimTime::ZERO,
        );
        id
    }

    fn notice(kind: Kind, id: u32, change: Change) -> Notice {
        Notice {
            obj: ObjRef { kind, id },
            change,
            controller: None,
        }
    }

    fn creates(r: &Recorder<RootCaPublisher>) -> Vec<String> {
        r.effects
            .iter()
            .filter_map(|e| match e {
                Effect::Submit(
                    Op::Create {
                        object, namespace, ..
                    },
                    _,
                    _,
                ) => Some(format!(
                    "{}/{}",
                    namespace.clone().unwrap_or_default(),
                    object.meta().name
                )),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_new_namespace_gets_its_root_ca_configmap_once() {
        let mut store = Store::default();
        let ns = namespace(&mut store, "dev", false);
        let mut p = RootCaPublisher::default();
        let r = run(&mut p, &store, &mut (), ME, SimTime::ZERO, |p, cx| {
            p.observe(cx, notice(Kind::Namespace, ns.0, Change::Added));
            // The namespace's update before the create returned queues nothing new.
            p.observe(cx, notice(Kind::Namespace, ns.0, Change::Modified));
        });
        assert_eq!(creates(&r), ["dev/kube-root-ca.crt"]);
    }

    #[test]
    fn a_terminating_namespace_or_one_that_has_it_is_left_alone() {
        let mut store = Store::default();
        let gone = namespace(&mut store, "old", true);
        let has = namespace(&mut store, "dev", false);
        stored(&mut store, has);
        let mut p = RootCaPublisher::default();
        let r = run(&mut p, &store, &mut (), ME, SimTime::ZERO, |p, cx| {
            p.observe(cx, notice(Kind::Namespace, gone.0, Change::Modified));
            p.observe(cx, notice(Kind::Namespace, has.0, Change::Added));
        });
        assert!(creates(&r).is_empty());
    }

    #[test]
    fn a_deleted_root_ca_configmap_is_created_again() {
        let mut store = Store::default();
        let ns = namespace(&mut store, "dev", false);
        let other = namespace(&mut store, "prod", false);
        let id = stored(&mut store, ns);
        stored(&mut store, other);
        let mut p = RootCaPublisher::default();
        run(&mut p, &store, &mut (), ME, SimTime::ZERO, |p, cx| {
            p.observe(cx, notice(Kind::ConfigMap, id, Change::Added));
        });
        // kubectl deletes it: the store no longer has it when the notice arrives.
        store.remove(ObjRef {
            kind: Kind::ConfigMap,
            id,
        });
        let r = run(&mut p, &store, &mut (), ME, SimTime(1), |p, cx| {
            p.observe(cx, notice(Kind::ConfigMap, id, Change::Deleted));
        });
        assert_eq!(creates(&r), ["dev/kube-root-ca.crt"]);
    }

    #[test]
    fn namespaces_without_the_configmap_are_found_after_an_unknown_deletion() {
        let mut store = Store::default();
        namespace(&mut store, "a", false);
        let b = namespace(&mut store, "b", false);
        stored(&mut store, b);
        let mut p = RootCaPublisher::default();
        let r = run(&mut p, &store, &mut (), ME, SimTime::ZERO, |p, cx| {
            p.observe(cx, notice(Kind::ConfigMap, 99, Change::Deleted));
        });
        assert_eq!(creates(&r), ["a/kube-root-ca.crt"]);
    }
}
