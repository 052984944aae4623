//! kube-controller-manager's ServiceAccounts controller
//! (`pkg/controller/serviceaccount/serviceaccounts_controller.go`): every active namespace
//! holds a ServiceAccount `default` (`DefaultServiceAccountsControllerOptions`), created when
//! the namespace appears and again when someone deletes it, which is why a pod that names no
//! service account runs as `system:serviceaccount:<ns>:default`.

use crate::controllers::nspublisher::{NamespacePublisher, Published};
use crate::etcd::Store;
use crate::model::kind::Kind;
use crate::model::meta::{Meta, NsId};
use crate::model::object::NewObject;
use crate::model::serviceaccount::ServiceAccount;

/// The name of every namespace's own ServiceAccount.
pub const DEFAULT_SERVICE_ACCOUNT: &str = "default";

/// The ServiceAccounts controller: `default` in every active namespace.
pub type ServiceAccountsController = NamespacePublisher<DefaultServiceAccount>;

/// What the ServiceAccounts controller keeps in each namespace.
#[derive(Debug)]
pub struct DefaultServiceAccount;

impl Published for DefaultServiceAccount {
    const KIND: Kind = Kind::ServiceAccount;
    const NAME: &'static str = DEFAULT_SERVICE_ACCOUNT;
    fn object(ns: Option<NsId>) -> NewObject {
        NewObject::ServiceAccount(default_service_account(ns))
    }
    fn insert(store: &mut Store, ns: NsId) -> u32 {
        store
            .serviceaccounts
            .insert(default_service_account(Some(ns)))
    }
}

/// `default` as the controller writes it: a name and nothing else (no token Secret since
/// Kubernetes 1.24, LegacyServiceAccountTokenNoAutoGeneration).
fn default_service_account(ns: Option<NsId>) -> ServiceAccount {
    ServiceAccount {
        meta: Meta::new(DEFAULT_SERVICE_ACCOUNT.to_string(), ns, Default::default()),
        secrets: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::component::ctx::testing::run;
    use crate::component::{Change, Component, ComponentId, ComponentKind};
    use crate::controllers::nspublisher::prefill;
    use crate::controllers::nspublisher::testing::{creates, notice};
    use crate::etcd::store::testing as fx;
    use crate::model::meta::ObjRef;
    use crate::sim::time::SimTime;

    const ME: ComponentId = ComponentId::of(ComponentKind::ServiceAccountsController);

    #[test]
    fn a_new_namespace_gets_a_default_service_account_and_a_deleted_one_comes_back() {
        // serviceaccounts_controller.go: namespaceAdded queues the namespace; syncNamespace
        // creates each missing account; serviceAccountDeleted queues its namespace again.
        let mut store = Store::default();
        let dev = fx::namespace(&mut store, "dev");
        let fixture = store
            .lookup(Kind::ServiceAccount, Some(dev), "default")
            .expect("the fixture namespace has one");
        store.remove(ObjRef {
            kind: Kind::ServiceAccount,
            id: fixture,
        });
        let mut c = ServiceAccountsController::default();
        let r = run(&mut c, &store, &mut (), ME, SimTime::ZERO, |c, cx| {
            c.observe(cx, notice(Kind::Namespace, dev.0, Change::Added));
            c.observe(cx, notice(Kind::Namespace, dev.0, Change::Modified));
        });
        assert_eq!(creates(&r), ["dev/default"]);
        prefill::<DefaultServiceAccount>(&mut store, dev, SimTime::ZERO);
        let id = store
            .lookup(Kind::ServiceAccount, Some(dev), "default")
            .expect("stored");
        let mut c = ServiceAccountsController::default();
        let r = run(&mut c, &store, &mut (), ME, SimTime(1), |c, cx| {
            c.observe(cx, notice(Kind::ServiceAccount, id, Change::Added));
            c.observe(cx, notice(Kind::Namespace, dev.0, Change::Modified));
        });
        assert!(creates(&r).is_empty(), "it has one");
        store.remove(ObjRef {
            kind: Kind::ServiceAccount,
            id,
        });
        let r = run(&mut c, &store, &mut (), ME, SimTime(2), |c, cx| {
            c.observe(cx, notice(Kind::ServiceAccount, id, Change::Deleted));
        });
        assert_eq!(creates(&r), ["dev/default"]);
    }
}
