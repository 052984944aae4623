//! Running a `kubesim` fault step: each fault acts on the machines (a VM, an etcd member, a
//! control-plane process), not through the API server, so the step prints kubesim's own
//! confirmation and returns at once.

use super::{Cx, Terminal};
use crate::component::{ComponentId, Message};
use crate::fault::{ControlPlaneFault, FaultCommand, NodeFault};
use crate::model::kind::Kind;

impl Terminal {
    /// Starts `cmd`, a fault [`crate::fault::parse`] accepted; each arm below is that fault's
    /// behaviour.
    pub(super) fn start_fault(&mut self, cx: &mut Cx<'_>, cmd: &FaultCommand) {
        if let FaultCommand::Node { node, fault } = cmd {
            return self.node_fault(cx, node, fault);
        }
        // The step's members and replicas were checked against the scenario before the run.
        match cmd.control_plane(u32::MAX, u32::MAX) {
            Some(Ok(fault)) => {
                cx.control_plane(fault);
                self.print(cx, &confirmation(fault));
                self.finish(cx, 0);
            }
            Some(Err(_)) | None => {
                self.print(
                    cx,
                    "error: this fault is not simulated by this version of kubesim",
                );
                self.finish(cx, 1);
            }
        }
    }
}

impl Terminal {
    /// `kubesim node fail|recover|delete|partition|heal NODE`: the node's VM stops, boots
    /// again, or is deleted (its addresses back to the subnet at once; cloud-controller-manager
    /// deletes the Node once it is NotReady), or its network path to the API server breaks or
    /// is repaired (the kubelet keeps running, [`crate::kubelet::partition`]), or an eviction
    /// signal is met or no longer met ([`crate::kubelet::pressure`]). A node the store does not have is a runtime error, exit 1:
    /// nodes come and go during a run, so the name cannot be checked before it.
    fn node_fault(&mut self, cx: &mut Cx<'_>, name: &str, fault: &NodeFault) {
        let Some(id) = cx.store.lookup(Kind::Node, None, name) else {
            self.print(cx, &format!("error: node {name:?} not found"));
            return self.finish(cx, 1);
        };
        let kubelet = ComponentId::kubelet(id);
        let line = match fault {
            NodeFault::Fail => {
                cx.send(kubelet, Message::VmStopped);
                format!("node/{name} failed: its VM stopped")
            }
            NodeFault::Recover => {
                cx.send(kubelet, Message::VmStarted);
                format!("node/{name} recovering: its VM is booting")
            }
            NodeFault::Delete => {
                if let Some(n) = cx.store.nodes.get(id) {
                    let (pool, vm) = (n.pool, n.vm);
                    cx.env.delete_vm(pool, vm);
                    // Deleting a scale set instance lowers the pool's count with it.
                    if let Some(p) = cx.env.pools.get_mut(pool as usize) {
                        p.count = p.count.saturating_sub(1);
                    }
                }
                cx.send(kubelet, Message::VmStopped);
                format!("node/{name} deleted: its VM is gone")
            }
            NodeFault::Partition => {
                cx.send(kubelet, Message::Partitioned);
                format!("node/{name} partitioned: it cannot reach the API server")
            }
            NodeFault::Heal => {
                cx.send(kubelet, Message::Healed);
                format!("node/{name} healed: it reaches the API server again")
            }
            NodeFault::Pressure(p) => {
                cx.send(kubelet, Message::Pressure(*p));
                format!("node/{name} under {} pressure", p.word())
            }
            NodeFault::Relieve(p) => {
                cx.send(kubelet, Message::Relieved(*p));
                match p {
                    Some(p) => format!("node/{name} {} pressure relieved", p.word()),
                    None => format!("node/{name} pressure relieved"),
                }
            }
        };
        self.print(cx, &line);
        self.finish(cx, 0);
    }
}

/// What kubesim prints for a control-plane fault: what happened to which machine.
fn confirmation(fault: ControlPlaneFault) -> String {
    let verb = |fail: bool| if fail { "stopped" } else { "started" };
    match fault {
        ControlPlaneFault::Etcd(m, fail) => format!("etcd member etcd-{m} {}", verb(fail)),
        ControlPlaneFault::ApiServer(i, fail) => format!("kube-apiserver {i} {}", verb(fail)),
        ControlPlaneFault::Restart(p) => format!("{} restarting", p.name()),
    }
}
