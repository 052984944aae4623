//! AKS's resource provider: carries out the node-pool operations `az` asks for.
//!
//! - Scale-out: the scale set creates the VMs at once (each takes its addresses then; a
//!   subnet that ran out since AKS's up-front check fails the operation with `SubnetIsFull`).
//!   After `aks.nodeProvision` a VM has booted and its kubelet registers its Node, NotReady
//!   and tainted `node.kubernetes.io/not-ready:NoSchedule`; `kubelet.nodeReady` later the
//!   node is Ready and the taint is gone. The operation succeeds when every new node is Ready.
//! - Scale-in: the scale set's Default scale-in policy picks the VMs (balance across zones,
//!   then the highest instance id: learn.microsoft.com/azure/virtual-machine-scale-sets/
//!   virtual-machine-scale-sets-scale-in-policy). Each is cordoned and drained as AKS does
//!   ("nodes are cordoned and drained", learn.microsoft.com/azure/aks/scale-cluster): its pods
//!   are deleted gracefully, except DaemonSet pods, as `kubectl drain --ignore-daemonsets`
//!   does, and the node is polled every second until those pods are gone (drain.go's
//!   `waitForDelete` interval). Then the Node and the VM are deleted; pods left on it (the
//!   DaemonSet's) are left to the pod garbage collector (`gcOrphaned`, after its 40 s
//!   quarantine).
//! - Pool delete drains every node of the pool the same way, then removes the pool.
//!
//! Events: the kubelet's `Starting`, `NodeReady` and `NodeNotSchedulable`, the node lifecycle
//! controller's `RegisteredNode` and `RemovingNode`, with Kubernetes' texts.
//!
//! Simplifications: PodDisruptionBudgets are not consulted (no PDBs yet); the VMs of one
//! operation are handled in parallel rather than in AKS's batches; the kubelet's
//! registration and Ready status are sent on its behalf by the provider (the new kubelet
//! starts with its Node), and the node lifecycle controller's Events are recorded with them.

use crate::aks::fleet::{Azure, OperationKind};
use crate::apiserver::{Op, Outcome, Propagation};
use crate::component::{Component, ComponentId, Ctx, Message, Notice, Response};
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::model::object::NewObject;
use crate::sim::time::SimDuration;
use crate::sim::timing::TimingName;
use std::collections::BTreeMap;

const NAME: &str = "aks-resource-provider";

/// Operations in progress.
#[derive(Debug, Default)]
pub struct AksProvider {
    ops: BTreeMap<u32, Progress>,
    /// Per draining node, the pods its drain deleted and waits for (`kubectl drain` waits for
    /// the pods it listed, not for pods that arrive later).
    draining: BTreeMap<u32, Vec<u32>>,
}

/// How far one operation got.
#[derive(Debug)]
struct Progress {
    /// Who asked (it hears when the operation ends).
    from: ComponentId,
    /// VMs still to finish (to become Ready, or to be deleted).
    pending: u32,
    /// The first error.
    error: Option<String>,
}

/// The provider's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// A new VM has booted; its kubelet registers.
    Booted {
        /// Operation.
        op: u32,
        /// Pool.
        pool: u32,
        /// VM.
        vm: u32,
    },
    /// A registered node's runtime and network are up.
    Ready {
        /// Operation.
        op: u32,
        /// Node.
        node: u32,
    },
    /// Time to look whether a draining node is empty.
    DrainPoll {
        /// Operation.
        op: u32,
        /// Pool.
        pool: u32,
        /// VM.
        vm: u32,
        /// Node.
        node: u32,
    },
}

/// What the provider's requests are about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// A new VM's Node registration.
    Register {
        /// Operation.
        op: u32,
    },
    /// A node became Ready.
    Ready {
        /// Operation.
        op: u32,
    },
    /// A victim was cordoned; draining follows.
    Cordon {
        /// Operation.
        op: u32,
        /// Pool.
        pool: u32,
        /// VM.
        vm: u32,
        /// Node.
        node: u32,
    },
    /// A pod deletion of the drain; nothing waits for its response.
    Evict,
    /// The Node object of a removed VM was deleted.
    DeleteNode {
        /// Operation.
        op: u32,
        /// Pool.
        pool: u32,
        /// VM.
        vm: u32,
    },
}

type Cx<'a> = Ctx<'a, AksProvider>;

impl Component for AksProvider {
    type Tag = Tag;
    type Timer = Timer;
    type Env = Azure;

    fn observe(&mut self, _: &mut Cx<'_>, _: Notice) {}

    fn on_message(&mut self, cx: &mut Cx<'_>, from: ComponentId, msg: Message) {
        let Message::ArmRequest { operation } = msg else {
            return;
        };
        self.ops.insert(
            operation,
            Progress {
                from,
                pending: 0,
                error: None,
            },
        );
        let Some(kind) = cx
            .env
            .operations
            .get(operation as usize)
            .map(|o| o.kind.clone())
        else {
            return;
        };
        match kind {
            OperationKind::Scale { pool, count } | OperationKind::AddPool { pool, count } => {
                self.scale(cx, operation, pool, count);
            }
            OperationKind::DeletePool { pool } => self.scale(cx, operation, pool, 0),
        }
    }

    fn on_timer(&mut self, cx: &mut Cx<'_>, timer: Timer) {
        match timer {
            Timer::Booted { op, pool, vm } => {
                let node = cx.env.pools.get(pool as usize).and_then(|p| {
                    let inst = p.instances.iter().find(|i| i.vm == vm)?;
                    cx.env.node_object(pool, inst, false, cx.now)
                });
                let Some(node) = node else {
                    return self.one_done(cx, op, Some("the VM is gone".into()));
                };
                let key = node.meta.name.clone();
                let create = Op::Create {
                    object: Box::new(NewObject::Node(node)),
                    namespace: None,
                    generate_name: None,
                };
                cx.submit(create, Tag::Register { op }, &key);
            }
            Timer::Ready { op, node } => {
                let key = cx.store.key(node_ref(node));
                cx.submit(Op::NodeReady { node }, Tag::Ready { op }, &key);
            }
            Timer::DrainPoll { op, pool, vm, node } => self.drain_poll(cx, op, pool, vm, node),
        }
    }

    fn on_response(&mut self, cx: &mut Cx<'_>, tag: Tag, r: Response<'_>) {
        let failed = match r.outcome {
            Outcome::Failed(e) => Some(e.message.clone()),
            _ => None,
        };
        match tag {
            Tag::Register { op } => match r.outcome {
                Outcome::Created(node) => {
                    let name = cx.store.key(*node);
                    // kubelet.go `Run`; the node lifecycle controller's first sight of it.
                    cx.event(
                        *node,
                        false,
                        "Starting",
                        "kubelet",
                        "Starting kubelet.".into(),
                    );
                    cx.event(
                        *node,
                        false,
                        "RegisteredNode",
                        "node-controller",
                        format!("Node {name} event: Registered Node {name} in Controller"),
                    );
                    let d = cx.sample(TimingName::KubeletNodeReady, "kubelet", &name, "ready");
                    cx.after(d, Timer::Ready { op, node: node.id });
                }
                _ => self.one_done(cx, op, failed),
            },
            Tag::Ready { op } => {
                if let Op::NodeReady { node } = r.op {
                    node_status_event(cx, *node, "NodeReady");
                }
                self.one_done(cx, op, failed);
            }
            Tag::Cordon { op, pool, vm, node } => {
                node_status_event(cx, node, "NodeNotSchedulable");
                let evicted = self.evict_pods(cx, node);
                self.draining.insert(node, evicted);
                cx.after(
                    SimDuration::from_secs(1),
                    Timer::DrainPoll { op, pool, vm, node },
                );
            }
            Tag::Evict => {}
            Tag::DeleteNode { op, pool, vm } => {
                // The pods left on it (the DaemonSets') are PodGC's: `gcOrphaned` deletes
                // them once the node has been missing for its quarantine.
                cx.env.delete_vm(pool, vm);
                self.one_done(cx, op, None);
            }
        }
    }
}

/// kubelet_node_status.go `recordNodeStatusEvent`: "Node %s status is now: %s".
fn node_status_event(cx: &mut Cx<'_>, node: u32, status: &'static str) {
    let name = cx.store.key(node_ref(node));
    cx.event(
        node_ref(node),
        false,
        status,
        "kubelet",
        format!("Node {name} status is now: {status}"),
    );
}

fn node_ref(id: u32) -> ObjRef {
    ObjRef {
        kind: Kind::Node,
        id,
    }
}

impl AksProvider {
    /// Scales `pool` to `count` nodes (out or in).
    fn scale(&mut self, cx: &mut Cx<'_>, op: u32, pool: u32, count: u32) {
        let current = cx.env.pools.get(pool as usize).map_or(0, |p| {
            p.instances.iter().filter(|i| !i.deleting).count() as u32
        });
        if let Some(p) = cx.env.pools.get_mut(pool as usize) {
            p.count = count;
        }
        if count > current {
            for _ in current..count {
                match cx.env.create_vm(pool) {
                    Ok(inst) => {
                        let d =
                            cx.sample(TimingName::AksNodeProvision, NAME, &inst.name, "provision");
                        cx.after(
                            d,
                            Timer::Booted {
                                op,
                                pool,
                                vm: inst.vm,
                            },
                        );
                        self.add_pending(op);
                    }
                    Err(e) => {
                        // The subnet ran out after AKS's up-front check.
                        let msg = format!("(SubnetIsFull) {e}");
                        if let Some(p) = self.ops.get_mut(&op) {
                            p.error.get_or_insert(msg);
                        }
                        break;
                    }
                }
            }
        } else {
            for victim in cx.env.scale_in_victims(pool, count) {
                if let Some(p) = cx.env.pools.get_mut(pool as usize)
                    && let Some(i) = p.instances.iter_mut().find(|i| i.vm == victim.vm)
                {
                    i.deleting = true;
                }
                self.add_pending(op);
                match cx.store.lookup(Kind::Node, None, &victim.name) {
                    Some(node) => {
                        let tag = Tag::Cordon {
                            op,
                            pool,
                            vm: victim.vm,
                            node,
                        };
                        let cordon = Op::Cordon {
                            node,
                            unschedulable: true,
                        };
                        cx.submit(cordon, tag, &victim.name);
                    }
                    None => {
                        // Never registered: only the VM goes.
                        cx.env.delete_vm(pool, victim.vm);
                        self.one_done(cx, op, None);
                    }
                }
            }
        }
        self.finish_if_done(cx, op);
    }

    fn add_pending(&mut self, op: u32) {
        if let Some(p) = self.ops.get_mut(&op) {
            p.pending += 1;
        }
    }

    /// One VM of the operation is done.
    fn one_done(&mut self, cx: &mut Cx<'_>, op: u32, error: Option<String>) {
        if let Some(p) = self.ops.get_mut(&op) {
            p.pending = p.pending.saturating_sub(1);
            if let Some(e) = error {
                p.error.get_or_insert(e);
            }
        }
        self.finish_if_done(cx, op);
    }

    fn finish_if_done(&mut self, cx: &mut Cx<'_>, op: u32) {
        if self.ops.get(&op).is_none_or(|p| p.pending > 0) {
            return;
        }
        let Some(p) = self.ops.remove(&op) else {
            return;
        };
        let result = match p.error {
            Some(e) => Err(e),
            None => Ok(()),
        };
        let azure = &mut *cx.env;
        if let Some(o) = azure.operations.get_mut(op as usize) {
            let pool = match o.kind {
                OperationKind::Scale { pool, .. }
                | OperationKind::AddPool { pool, .. }
                | OperationKind::DeletePool { pool } => pool,
            };
            if let Some(pl) = azure.pools.get_mut(pool as usize) {
                pl.provisioning_state = if result.is_ok() {
                    "Succeeded"
                } else {
                    "Failed"
                };
                if matches!(o.kind, OperationKind::DeletePool { .. }) && result.is_ok() {
                    pl.deleted = true;
                }
            }
            o.result = Some(result);
        }
        cx.send(p.from, Message::ArmDone { operation: op });
    }

    /// The drain: deletes the pods bound to `node` but DaemonSet pods, gracefully (`kubectl
    /// drain --ignore-daemonsets`). Returns the pods it deleted.
    fn evict_pods(&mut self, cx: &mut Cx<'_>, node: u32) -> Vec<u32> {
        let store = cx.store;
        let mut deleted = Vec::new();
        for (id, p) in store.pods.iter() {
            if p.node != Some(node) || p.meta.deleted.is_some() {
                continue;
            }
            let daemon = p
                .meta
                .controller()
                .is_some_and(|c| c.kind == Kind::DaemonSet);
            if daemon {
                continue;
            }
            let target = ObjRef {
                kind: Kind::Pod,
                id,
            };
            let op = Op::Delete {
                target,
                uid: Some(p.meta.uid),
                propagation: Propagation::Background,
                grace_seconds: None,
            };
            cx.submit(op, Tag::Evict, &store.key(target));
            deleted.push(id);
        }
        deleted
    }

    /// Deletes the Node once the pods its drain deleted are gone; else looks again in 1 s.
    /// Pods bound after the drain began (a binding already in flight when the node was
    /// cordoned) are not waited for; they go with the node.
    fn drain_poll(&mut self, cx: &mut Cx<'_>, op: u32, pool: u32, vm: u32, node: u32) {
        let store = cx.store;
        let busy = self
            .draining
            .get(&node)
            .is_some_and(|pods| pods.iter().any(|p| store.pods.get(*p).is_some()));
        if busy {
            cx.after(
                SimDuration::from_secs(1),
                Timer::DrainPoll { op, pool, vm, node },
            );
            return;
        }
        let target = node_ref(node);
        let key = cx.store.key(target);
        let uid = cx.store.meta(target).map(|m| m.uid);
        let delete = Op::Delete {
            target,
            uid,
            propagation: Propagation::Background,
            grace_seconds: None,
        };
        // Recorded as the deletion is sent: an Event needs its object to still exist.
        cx.event(
            target,
            false,
            "RemovingNode",
            "node-controller",
            format!("Node {key} event: Removing Node {key} from Controller"),
        );
        self.draining.remove(&node);
        cx.submit(delete, Tag::DeleteNode { op, pool, vm }, &key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aks::fleet::testing::azure;
    use crate::apiserver::testing::Harness;
    use crate::component::ComponentKind;
    use crate::component::ctx::testing::{Effect, Recorder, run};
    use crate::etcd::store::testing as fx;
    use crate::model::meta::OwnerRef;
    use crate::model::node::NOT_READY_TAINT;
    use crate::sim::time::SimTime;

    const ME: ComponentId = ComponentId::of(ComponentKind::AksProvider);
    const ASKER: ComponentId = ComponentId::terminal(0);

    fn ask(p: &mut AksProvider, h: &Harness, az: &mut Azure, op: u32) -> Recorder<AksProvider> {
        run(p, &h.store, az, ME, SimTime::ZERO, |p, cx| {
            p.on_message(cx, ASKER, Message::ArmRequest { operation: op })
        })
    }

    fn fire(
        p: &mut AksProvider,
        h: &Harness,
        az: &mut Azure,
        at: SimTime,
        t: Timer,
    ) -> Recorder<AksProvider> {
        run(p, &h.store, az, ME, at, |p, cx| p.on_timer(cx, t))
    }

    fn sent_done(r: &Recorder<AksProvider>) -> bool {
        r.effects
            .iter()
            .any(|e| matches!(e, Effect::Send(to, Message::ArmDone { .. }) if *to == ASKER))
    }

    #[test]
    fn a_scale_out_boots_vms_registers_them_not_ready_then_ready_and_reports_done() {
        let (mut p, h0, mut az) = (AksProvider::default(), Harness::default(), azure());
        let mut h = h0;
        let op = az.begin(OperationKind::Scale { pool: 0, count: 2 });
        let r = ask(&mut p, &h, &mut az, op);
        // Two VMs at once, each with its addresses; a boot timer each (aks.nodeProvision).
        let timers = r.timers();
        assert_eq!(timers.len(), 2);
        assert_eq!(az.pools[0].instances.len(), 2);
        assert!(az.ipam.node_ip(az.pools[0].instances[1].vm).is_some());
        assert!(!sent_done(&r), "nothing is Ready yet");
        let (at, boot) = timers[0];
        // The kubelet registers the Node NotReady, with the not-ready taint.
        let r = fire(&mut p, &h, &mut az, at, boot);
        let (op_sent, _) = r.requests()[0];
        let Op::Create { object, .. } = op_sent else {
            panic!("a Node create, not {op_sent:?}");
        };
        let NewObject::Node(n) = object.as_ref() else {
            panic!("a Node");
        };
        assert!(!n.ready());
        assert!(n.taints.iter().any(|t| t.key == NOT_READY_TAINT));
        assert!(n.meta.name.starts_with("aks-nodepool1-") && n.meta.name.ends_with("vmss000000"));
        let r = h.answer(&mut p, &mut az, ME, at, &r);
        let reasons: Vec<&str> = r.events().iter().map(|e| e.reason).collect();
        assert_eq!(reasons, ["Starting", "RegisteredNode"]);
        let (ready_at, ready) = r.timers()[0];
        let r = fire(&mut p, &h, &mut az, ready_at, ready);
        assert!(matches!(r.requests()[0].0, Op::NodeReady { .. }));
        let r = h.answer(&mut p, &mut az, ME, ready_at, &r);
        let e = r.events();
        assert_eq!(e[0].reason, "NodeReady");
        // kubelet_node_status.go recordNodeStatusEvent: "Node %s status is now: %s".
        assert_eq!(
            e[0].message,
            format!("Node {} status is now: NodeReady", n.meta.name)
        );
        assert!(!sent_done(&r), "the second VM is not Ready yet");
        assert!(
            h.store
                .nodes
                .iter()
                .any(|(_, n)| n.ready() && n.taints.is_empty())
        );
    }

    #[test]
    fn a_scale_in_cordons_the_newest_vm_drains_all_but_daemon_pods_then_deletes_it() {
        let (mut p, mut h, mut az) = (AksProvider::default(), Harness::default(), azure());
        let ns = fx::namespace(&mut h.store, "default");
        let mut nodes = Vec::new();
        for _ in 0..3 {
            let inst = az.create_vm(0).expect("room");
            let node = az
                .node_object(0, &inst, true, SimTime::ZERO)
                .expect("addresses");
            let create = Op::Create {
                object: Box::new(NewObject::Node(node)),
                namespace: None,
                generate_name: None,
            };
            match h.apply(SimTime::ZERO, ME, create) {
                Outcome::Created(r) => nodes.push(r.id),
                o => panic!("{o:?}"),
            }
        }
        let victim = nodes[2];
        let web = fx::pod(&mut h.store, "web", ns, fx::spec(100), None, Some(victim));
        let daemon = fx::pod(&mut h.store, "agent", ns, fx::spec(100), None, Some(victim));
        if let Some(d) = h.store.pods.get_mut(daemon) {
            d.meta.owners.push(OwnerRef {
                owner: ObjRef {
                    kind: Kind::DaemonSet,
                    id: 0,
                },
                uid: 999,
                controller: true,
                block_owner_deletion: true,
            });
        }
        let op = az.begin(OperationKind::Scale { pool: 0, count: 2 });
        let r = ask(&mut p, &h, &mut az, op);
        // The scale set's Default scale-in policy: the highest instance id.
        let sent = r.requests();
        assert_eq!(sent.len(), 1);
        assert!(matches!(
            sent[0].0,
            Op::Cordon {
                node,
                unschedulable: true
            } if *node == victim
        ));
        let r = h.answer(&mut p, &mut az, ME, SimTime(1), &r);
        assert_eq!(r.events()[0].reason, "NodeNotSchedulable");
        let deleted: Vec<u32> = r
            .requests()
            .iter()
            .filter_map(|(o, _)| match o {
                Op::Delete { target, .. } => Some(target.id),
                _ => None,
            })
            .collect();
        assert_eq!(deleted, [web], "DaemonSet pods are not drained");
        let (poll_at, poll) = r.timers()[0];
        assert_eq!(poll_at, SimTime(1_000_001), "drain looks again after 1 s");
        // The pod is still there: look again later.
        let r = fire(&mut p, &h, &mut az, poll_at, poll);
        assert!(r.requests().is_empty());
        assert_eq!(r.timers().len(), 1);
        // Gone: the Node is deleted.
        h.store.remove(ObjRef {
            kind: Kind::Pod,
            id: web,
        });
        let r = fire(&mut p, &h, &mut az, SimTime(2_000_001), poll);
        let ops: Vec<Op> = r.requests().iter().map(|(o, _)| (*o).clone()).collect();
        assert!(
            matches!(ops[0], Op::Delete { target, .. } if target.kind == Kind::Node && target.id == victim)
        );
        assert_eq!(ops.len(), 1, "the DaemonSet pod waits for its Node to go");
        assert_eq!(r.events()[0].reason, "RemovingNode");
        // Once the Node is gone, the pods left on it are the pod garbage collector's
        // (gc_controller.go gcOrphaned): the provider deletes nothing more.
        let r = h.answer(&mut p, &mut az, ME, SimTime(2_000_002), &r);
        assert!(r.requests().is_empty());
        assert!(h.store.pods.get(daemon).is_some());
        assert!(sent_done(&r));
        assert_eq!(az.pools[0].instances.len(), 2);
        assert_eq!(az.operations[op as usize].result, Some(Ok(())));
    }
}
