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
