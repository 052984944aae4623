//! The kubelet when its VM stops and boots again (`kubesim node fail` / `recover`).
//!
//! A stopped VM runs nothing: the kubelet posts no status and renews no Lease, its
//! containers are gone, and the pods stay in the store as they were (Running) until the
//! controllers act. kubesim writes the end of the lazy heartbeats at the stop
//! ([`crate::model::node`]); a reader sees the same timestamps a real API server would hold.
//!
//! After `node.reboot` the kubelet starts again (`Starting`), posts its node Ready and takes
//! its Lease again. It finds each pod the store still binds to it: a pod deleted meanwhile
//! (Terminating) had nothing left running and is deleted for good; any other gets a new
//! sandbox (`SandboxChanged`, "Pod sandbox changed, it will be killed and re-created.",
//! kuberuntime_manager.go `computePodActions`) and its containers are created again. The
//! runtime's container records survive the reboot on disk, so each container's restart
//! count goes on from them and its last state is the run the stop ended (`Unknown`, exit code
//! 255, as containerd reports a container that died with its host).
//!
//! Simplification: a pod that runs again gets its old address for its new sandbox. A CNI's
//! IPAM may hand out another one; reusing it keeps every address held by one pod while the
//! store still shows the pods' old addresses, which the kubelet replaces pod by pod.

use super::{Cx, Kubelet, KubeletStep, Step, mount_volumes, new_work, post_status_later};
use crate::apiserver::{Op, Propagation};
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::model::pod::{ContainerState, Terminated};
use crate::sim::timing::TimingName;

/// The step that boots the VM again (the pod it names is unused).
pub(super) const BOOT: KubeletStep = KubeletStep::NodeBooted;

impl Kubelet {
    /// Whether the VM is stopped.
    pub fn is_down(&self) -> bool {
        self.down
    }
}

/// The VM stops now.
pub(super) fn stopped(me: &mut Kubelet, cx: &mut Cx<'_>) {
    if me.down {
        return;
    }
    me.down = true;
    me.boot += 1;
    me.stopped_at = cx.now;
    me.pulls.clear();
    let key = cx.store.key(ObjRef {
        kind: Kind::Node,
        id: me.node,
    });
    let op = Op::KubeletSilent {
        node: me.node,
        at: cx.now,
    };
    cx.submit(op, super::Sent::Status, &key);
}

/// The VM is asked to start: it boots `node.reboot` later.
pub(super) fn start(me: &mut Kubelet, cx: &mut Cx<'_>) {
    if !me.down {
        return;
    }
    let key = cx.store.key(ObjRef {
        kind: Kind::Node,
        id: me.node,
    });
    let d = cx.sample(TimingName::NodeReboot, "kubelet", &key, "reboot");
    let boot = me.boot;
    cx.after(
        d,
        Step {
            pod: 0,
            boot,
            step: BOOT,
        },
    );
}

/// The VM has booted: the kubelet starts, posts Ready and syncs the pods bound to it.
pub(super) fn booted(me: &mut Kubelet, cx: &mut Cx<'_>) {
    if !me.down {
        return;
    }
    me.down = false;
    let node = ObjRef {
        kind: Kind::Node,
        id: me.node,
    };
    let key = cx.store.key(node);
    cx.event(
        node,
        false,
        "Starting",
        super::SOURCE,
        "Starting kubelet.".into(),
    );
    // A partitioned node's Ready post and deletes wait for the heal, which posts Ready and
    // re-lists ([`super::partition`]).
    let reachable = !me.partitioned;
    if reachable {
        cx.submit(
            Op::NodeReady { node: me.node },
            super::Sent::NodeReady,
            &key,
        );
        super::pressure::repost(me, cx, &key);
    }
    // The runtime's records of the old containers: how many runs each had.
    let old = std::mem::take(&mut me.pods);
    let store = cx.store;
    for (id, wk) in &old {
        // The old sandboxes are gone. A pod that runs again keeps its address for its new
        // sandbox (see the module doc); the others' addresses go back (CNI DEL).
        let restarts = store.pods.get(*id).is_some_and(|p| {
            p.node == Some(me.node) && !p.is_terminal() && p.meta.deleted.is_none()
        });
        if let Some(ip) = wk.ip
            && !wk.host_network
            && !restarts
        {
            cx.env.release_pod_ip(me.vm, ip);
        }
    }
    for (id, p) in store.pods.iter() {
        if p.node != Some(me.node) || p.is_terminal() {
            continue;
        }
        let target = ObjRef {
            kind: Kind::Pod,
            id,
        };
        if p.meta.deleted.is_some() {
            if !reachable {
                continue;
            }
            let op = Op::Delete {
                target,
                uid: Some(p.meta.uid),
                propagation: Propagation::Background,
                grace_seconds: Some(0),
            };
            cx.submit(op, super::Sent::Status, &store.key(target));
            continue;
        }
        cx.event(
            target,
            false,
            "SandboxChanged",
            super::SOURCE,
            "Pod sandbox changed, it will be killed and re-created.".into(),
        );
        let mut work = new_work(
            p.spec.init_containers.len(),
            p.spec.containers.len(),
            p.spec.host_network,
            cx.now,
        );
        if let Some(before) = old.get(&id) {
            if !before.host_network {
                work.ip = before.ip;
            }
            for (i, life) in before.life.iter().enumerate() {
                if life.runs == 0 || i >= work.life.len() {
                    continue;
                }
                work.life[i].runs = life.runs;
                work.life[i].crash = life.crash;
                let c = &mut work.containers[i];
                c.restart_count = before.containers[i].restart_count;
                if matches!(before.containers[i].state, ContainerState::Running(_)) {
                    c.last_state = Some(Terminated {
                        reason: "Unknown",
                        exit_code: 255,
                        finished: me.stopped_at,
                    });
                } else {
                    c.last_state = before.containers[i].last_state;
                }
            }
        }
        me.pods.insert(id, work);
        post_status_later(me, cx, id);
        mount_volumes(me, cx, id);
    }
}
