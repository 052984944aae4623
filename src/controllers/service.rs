//! cloud-controller-manager's service controller on Azure: provisions a load balancer and a
//! public IP for each `LoadBalancer` Service, then publishes the address in
//! `status.loadBalancer.ingress`. Until then kubectl shows EXTERNAL-IP `<pending>`.
//!
//! The provisioning time is `cloud.loadBalancerProvision`; addresses come from documentation
//! ranges ([`crate::network::public_ip`]). Events: `EnsuringLoadBalancer` /
//! `EnsuredLoadBalancer` from `service-controller`.

use crate::apiserver::{Client, Op, submit};
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::sim::event::{Change, Event};
use crate::sim::timing::TimingName;
use crate::sim::world::World;
use std::collections::BTreeSet;

/// Services whose load balancer is being provisioned.
#[derive(Debug, Default)]
pub struct ServiceController {
    provisioning: BTreeSet<u32>,
}

/// An informer event about a LoadBalancer Service.
pub fn observe(w: &mut World, obj: ObjRef, change: Change) {
    if change == Change::Deleted {
        w.services.provisioning.remove(&obj.id);
        return;
    }
    let Some(s) = w.store.services.get(obj.id) else {
        return;
    };
    if s.load_balancer_ip.is_some() || !w.services.provisioning.insert(obj.id) {
        return;
    }
    w.record_event(
        obj,
        false,
        "EnsuringLoadBalancer",
        "service-controller",
        "Ensuring load balancer".into(),
    );
    let key = w.store.key(obj);
    let d = w.sample(
        TimingName::CloudLoadBalancerProvision,
        "service-controller",
        &key,
        "provision",
    );
    w.schedule(d, Event::LoadBalancerReady(obj.id));
}

/// Azure finished: publish the address.
pub fn provisioned(w: &mut World, svc: u32) {
    if !w.services.provisioning.remove(&svc) || w.store.services.get(svc).is_none() {
        return;
    }
    let obj = ObjRef {
        kind: Kind::Service,
        id: svc,
    };
    match w.api.public_ips.allocate() {
        Ok(ip) => {
            let key = w.store.key(obj);
            submit(
                w,
                Client::ServiceController,
                Op::LoadBalancerIngress { svc, ip },
                0,
                &key,
            );
            w.record_event(
                obj,
                false,
                "EnsuredLoadBalancer",
                "service-controller",
                "Ensured load balancer".into(),
            );
        }
        Err(e) => {
            w.record_event(
                obj,
                true,
                "SyncLoadBalancerFailed",
                "service-controller",
                format!("Error syncing load balancer: {e}"),
            );
        }
    }
}
