//! cloud-controller-manager's service controller on Azure: provisions a load balancer and a
//! public IP for each `LoadBalancer` Service, then publishes the address in
//! `status.loadBalancer.ingress`. Until then kubectl shows EXTERNAL-IP `<pending>`.
//!
//! The provisioning time is `cloud.loadBalancerProvision`; addresses come from documentation
//! ranges ([`crate::network::public_ip`]). Events: `EnsuringLoadBalancer` /
//! `EnsuredLoadBalancer` from `service-controller`.

use crate::apiserver::Op;
use crate::component::{Change, Component, Ctx, Notice, Response};
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::network::PublicIpAllocator;
use crate::sim::timing::TimingName;
use std::collections::BTreeSet;

const SOURCE: &str = "service-controller";

/// Services whose load balancer is being provisioned.
#[derive(Debug, Default)]
pub struct ServiceController {
    provisioning: BTreeSet<u32>,
}

/// The service controller's timer: Azure finished provisioning this Service's load balancer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Provisioned(pub u32);

type Cx<'a> = Ctx<'a, ServiceController>;

impl Component for ServiceController {
    type Tag = ();
    type Timer = Provisioned;
    type Env = PublicIpAllocator;

    fn observe(&mut self, cx: &mut Cx<'_>, n: Notice) {
        let obj = n.obj;
        if n.change == Change::Deleted {
            self.provisioning.remove(&obj.id);
            return;
        }
        let Some(s) = cx.store.services.get(obj.id) else {
            return;
        };
        if s.load_balancer_ip.is_some() || !self.provisioning.insert(obj.id) {
            return;
        }
        cx.event(
            obj,
            false,
            "EnsuringLoadBalancer",
            SOURCE,
            "Ensuring load balancer".into(),
        );
        let key = cx.store.key(obj);
        let d = cx.sample(
            TimingName::CloudLoadBalancerProvision,
            SOURCE,
            &key,
            "provision",
        );
        cx.after(d, Provisioned(obj.id));
    }

    fn on_response(&mut self, _: &mut Cx<'_>, _: (), _: Response<'_>) {}

    fn on_timer(&mut self, cx: &mut Cx<'_>, Provisioned(svc): Provisioned) {
        if !self.provisioning.remove(&svc) || cx.store.services.get(svc).is_none() {
            return;
        }
        let obj = ObjRef {
            kind: Kind::Service,
            id: svc,
        };
        match cx.env.allocate() {
            Ok(ip) => {
                let key = cx.store.key(obj);
                cx.submit(Op::LoadBalancerIngress { svc, ip }, (), &key);
                cx.event(
                    obj,
                    false,
                    "EnsuredLoadBalancer",
                    SOURCE,
                    "Ensured load balancer".into(),
                );
            }
            Err(e) => cx.event(
                obj,
                true,
                "SyncLoadBalancerFailed",
                SOURCE,
                format!("Error syncing load balancer: {e}"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::component::ComponentId;
    use crate::component::ctx::testing::run;
    use crate::etcd::Store;
    use crate::etcd::store::testing as fx;
    use crate::model::meta::Meta;
    use crate::model::service::{Service, ServiceType};
    use crate::sim::time::SimTime;

    const ME: ComponentId = ComponentId::of(crate::component::ComponentKind::ServiceController);

    fn service(store: &mut Store, kind: ServiceType) -> ObjRef {
        let ns = fx::namespace(store, "default");
        let id = store.services.insert(Service {
            meta: Meta::new("web".into(), Some(ns), fx::labels(&[])),
            service_type: kind,
            cluster_ip: None,
            headless: false,
            ports: Vec::new(),
            selector: None,
            external_ips: Vec::new(),
            external_name: None,
            load_balancer_ip: None,
        });
        let r = ObjRef {
            kind: Kind::Service,
            id,
        };
        store.register(r, SimTime::ZERO);
        r
    }

    fn added(obj: ObjRef) -> Notice {
        Notice {
            obj,
            change: Change::Added,
            controller: None,
        }
    }

    #[test]
    fn a_load_balancer_is_ensured_then_its_address_published_once() {
        let mut store = Store::default();
        let svc = service(&mut store, ServiceType::LoadBalancer);
        let (mut c, mut ips) = (ServiceController::default(), PublicIpAllocator::new());
        let r = run(&mut c, &store, &mut ips, ME, SimTime::ZERO, |c, cx| {
            c.observe(cx, added(svc))
        });
        // cloud-provider's service controller: EnsuringLoadBalancer, then, once Azure is done,
        // EnsuredLoadBalancer and the ingress address in the status.
        assert_eq!(r.events()[0].reason, "EnsuringLoadBalancer");
        assert_eq!(r.events()[0].message, "Ensuring load balancer");
        let (at, timer) = r.timers()[0];
        assert!(
            at > SimTime::ZERO,
            "provisioning takes cloud.loadBalancerProvision"
        );
        // A second notice while provisioning changes nothing.
        let again = run(&mut c, &store, &mut ips, ME, SimTime(1), |c, cx| {
            c.observe(cx, added(svc))
        });
        assert!(again.effects.is_empty());
        let r = run(&mut c, &store, &mut ips, ME, at, |c, cx| {
            c.on_timer(cx, timer)
        });
        let (op, _) = r.requests()[0];
        let Op::LoadBalancerIngress { svc: id, ip } = op else {
            panic!("{op:?}");
        };
        assert_eq!(*id, svc.id);
        // Documentation ranges only (RFC 5737), so no real address is shown.
        assert_eq!(ip.octets()[..3], [203, 0, 113]);
        assert_eq!(r.events()[0].reason, "EnsuredLoadBalancer");
    }

    #[test]
    fn a_deleted_service_stops_its_provisioning() {
        let mut store = Store::default();
        let svc = service(&mut store, ServiceType::LoadBalancer);
        let (mut c, mut ips) = (ServiceController::default(), PublicIpAllocator::new());
        let r = run(&mut c, &store, &mut ips, ME, SimTime::ZERO, |c, cx| {
            c.observe(cx, added(svc))
        });
        let (at, timer) = r.timers()[0];
        let gone = Notice {
            change: Change::Deleted,
            ..added(svc)
        };
        run(&mut c, &store, &mut ips, ME, SimTime(1), |c, cx| {
            c.observe(cx, gone)
        });
        let r = run(&mut c, &store, &mut ips, ME, at, |c, cx| {
            c.on_timer(cx, timer)
        });
        assert!(r.requests().is_empty(), "no address for a deleted Service");
    }
}
