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

use crate::controllers::nspublisher::{NamespacePublisher, Published};
use crate::etcd::Store;
use crate::model::kind::Kind;
use crate::model::meta::{Meta, NsId};
use crate::model::object::NewObject;
use crate::model::service::ConfigData;

/// `RootCACertConfigMapName`.
pub const ROOT_CA_CONFIGMAP: &str = "kube-root-ca.crt";

/// The root CA publisher: `kube-root-ca.crt` in every active namespace.
pub type RootCaPublisher = NamespacePublisher<RootCa>;

/// What the root CA publisher keeps in each namespace.
#[derive(Debug)]
pub struct RootCa;

impl Published for RootCa {
    const KIND: Kind = Kind::ConfigMap;
    const NAME: &'static str = ROOT_CA_CONFIGMAP;
    fn object(ns: Option<NsId>) -> NewObject {
        NewObject::ConfigMap(root_ca_configmap(ns))
    }
    fn insert(store: &mut Store, ns: NsId) -> u32 {
        store.configmaps.insert(root_ca_configmap(Some(ns)))
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
    use crate::component::ctx::testing::run;
    use crate::component::{Change, Component};
    use crate::controllers::nspublisher::testing::{creates, notice};
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
