//! cloud-controller-manager's cloud node lifecycle controller (k8s.io/cloud-provider
//! `controllers/nodelifecycle/node_lifecycle_controller.go`, `MonitorNodes`), which AKS runs
//! with cloud-provider-azure: every `--node-monitor-period` (5 s) it lists the nodes, and each
//! whose Ready condition is not True and whose VM Azure no longer has
//! (`InstanceExistsByProviderID`) is deleted, with a `DeletingNode` Event. A Ready node is
//! never asked about, so a deleted VM's Node goes only once the node lifecycle controller has
//! marked it Unknown.
//!
//! Simplifications: the `node.cloudprovider.kubernetes.io/shutdown` taint of a node whose VM
//! is stopped (`InstanceShutdownByProviderID`) is not added; the check reads kubesim's Azure
//! state, with no ARM latency or throttling.

use crate::aks::fleet::Azure;
use crate::apiserver::{Op, Propagation};
use crate::component::{Component, Ctx, Notice, Response};
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::model::node::ConditionStatus;
use crate::model::node::ConditionType;
use crate::sim::time::SimDuration;
use std::collections::BTreeSet;

/// `--node-monitor-period` of cloud-controller-manager (default 5 s).
const MONITOR_PERIOD: SimDuration = SimDuration::from_secs(5);

/// The controller: the deletions it has sent and not yet seen answered.
#[derive(Debug, Default)]
pub struct CloudNodeLifecycleController {
    deleting: BTreeSet<u32>,
}

/// Its one timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// `MonitorNodes`.
    Monitor,
}

/// Its one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// The deletion of a node whose VM is gone.
    Delete {
        /// The node.
        node: u32,
    },
}

type Cx<'a> = Ctx<'a, CloudNodeLifecycleController>;

impl Component for CloudNodeLifecycleController {
    type Tag = Tag;
    type Timer = Timer;
    type Env = Azure;

    fn observe(&mut self, _: &mut Cx<'_>, _: Notice) {}

    fn on_response(&mut self, _: &mut Cx<'_>, tag: Tag, _: Response<'_>) {
        let Tag::Delete { node } = tag;
        self.deleting.remove(&node);
    }

    fn on_timer(&mut self, cx: &mut Cx<'_>, _: Timer) {
        cx.after(MONITOR_PERIOD, Timer::Monitor);
        let store = cx.store;
        for (id, n) in store.nodes.iter() {
            if n.status_of(ConditionType::Ready) == Some(ConditionStatus::True)
                || self.deleting.contains(&id)
                || cx.env.vm_exists(n.pool, n.vm)
            {
                continue;
            }
            let target = ObjRef {
                kind: Kind::Node,
                id,
            };
            cx.event(
                target,
                false,
                "DeletingNode",
                "cloud-node-lifecycle-controller",
                format!(
                    "Deleting node {} because it does not exist in the cloud provider",
                    n.meta.name
                ),
            );
            let op = Op::Delete {
                target,
                uid: Some(n.meta.uid),
                propagation: Propagation::Background,
                grace_seconds: None,
            };
            self.deleting.insert(id);
            cx.submit(op, Tag::Delete { node: id }, &n.meta.name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aks::fleet::testing::azure;
    use crate::component::ctx::testing::run;
    use crate::component::{ComponentId, ComponentKind};
    use crate::etcd::Store;
    use crate::model::node::kubelet_conditions;
    use crate::sim::time::SimTime;

    const ME: ComponentId = ComponentId::of(ComponentKind::CloudNodeLifecycleController);

    #[test]
    fn only_a_not_ready_node_whose_vm_is_gone_is_deleted() {
        let mut az = azure();
        let mut store = Store::default();
        let mut ids = Vec::new();
        for _ in 0..3 {
            let inst = az.create_vm(0).expect("a VM");
            let node = az
                .node_object(0, &inst, true, SimTime::ZERO)
                .expect("addresses");
            let id = store.nodes.insert(node);
            store.register(
                ObjRef {
                    kind: Kind::Node,
                    id,
                },
                SimTime::ZERO,
            );
            ids.push((id, inst.vm));
        }
        // Node 0: VM gone, Ready. Node 1: VM gone, NotReady. Node 2: VM there, NotReady.
        az.delete_vm(0, ids[0].1);
        az.delete_vm(0, ids[1].1);
        for &(id, _) in &ids[1..] {
            store.nodes.get_mut(id).expect("node").conditions =
                kubelet_conditions(false, SimTime::ZERO);
        }
        let mut c = CloudNodeLifecycleController::default();
        let r = run(&mut c, &store, &mut az, ME, SimTime::ZERO, |c, cx| {
            c.on_timer(cx, Timer::Monitor)
        });
        let deleted: Vec<u32> = r
            .requests()
            .iter()
            .filter_map(|(op, _)| match op {
                Op::Delete { target, .. } => Some(target.id),
                _ => None,
            })
            .collect();
        assert_eq!(deleted, [ids[1].0]);
        let e = r.events();
        assert_eq!(e[0].reason, "DeletingNode");
        assert!(
            e[0].message
                .ends_with("because it does not exist in the cloud provider")
        );
    }
}
