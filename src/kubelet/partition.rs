//! The kubelet cut off from the API server (`kubesim node partition` / `heal`).
//!
//! The node keeps running: the kubelet, its pod workers and the containers go on (a
//! container still crashes and restarts, a probe still fails), but nothing it sends reaches
//! the API server and no watch event reaches it. Its Lease renewals (kube-node-lease, every
//! 10 s) and node status posts stop, so the control plane sees exactly what it sees of a
//! stopped VM: after the node monitor grace period the node lifecycle controller marks the
//! node Unknown, taints it `node.kubernetes.io/unreachable` and marks its pods Ready=False,
//! and 300 s after the NoExecute taint (the DefaultTolerationSeconds tolerations) the taint
//! eviction controller deletes the pods. They stay Terminating (only the kubelet's final
//! delete removes a pod with a grace period), while their ReplicaSets' replacements run on
//! other nodes beside the originals, which still run here.
//!
//! A pod status write or final delete the kubelet makes meanwhile is held (the status
//! manager keeps its latest status and syncs it once the API server answers again,
//! status_manager.go `syncBatch`); at the heal every pod's status is reconciled, which also
//! puts back Ready=True on the pods the node lifecycle controller marked not ready. When the partition heals the kubelet reconnects: its
//! node status update posts Ready (`tryUpdateNodeStatus`; the Ready condition it reads
//! back is Unknown, so it records `NodeReady`), it renews its Lease again, and its pod
//! informer re-lists (reflector `ListAndWatch` after the broken watch): a pod deleted
//! meanwhile is killed with its grace period (`Killing`), its terminal status written and
//! the object deleted, which is when the node lifecycle controller's taints are long gone
//! (it removes them on the first Ready it sees, `markNodeAsReachable`).
//!
//! Simplifications: the reconnection happens at the heal itself, not at the next 10 s
//! status or Lease tick or after the reflector's back-off; requests already in flight at
//! the cut still commit; the kubelet's Events during the partition are still recorded
//! (client-go's broadcaster retries an Event 12 times 10 s apart, so most would arrive
//! late rather than never); the end of the lazy heartbeats is written at the cut the way
//! a stopped VM's is ([`super::reboot`]), as the instant of the last renewal, not as a
//! request the kubelet could send. A pod deleted from the store outright meanwhile (forced
//! deletion) is forgotten at the re-list, its sandbox torn down at once.

use super::{Cx, Held, Kubelet, Sent, observe, pod_obj, post_status_later, post_terminal_status};
use crate::apiserver::Op;
use crate::component::Change;
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;

/// The network path to the API server breaks now.
pub(super) fn cut(me: &mut Kubelet, cx: &mut Cx<'_>) {
    if me.partitioned {
        return;
    }
    me.partitioned = true;
    if me.down {
        return;
    }
    let key = cx.store.key(node(me));
    let op = Op::KubeletSilent {
        node: me.node,
        at: cx.now,
    };
    cx.submit(op, Sent::Status, &key);
}

/// The partition ends: post Ready, renew the Lease, re-list the pods and send what was held.
pub(super) fn heal(me: &mut Kubelet, cx: &mut Cx<'_>) {
    if !me.partitioned {
        return;
    }
    me.partitioned = false;
    if me.down {
        // The boot posts Ready and syncs the pods.
        return;
    }
    let key = cx.store.key(node(me));
    cx.submit(Op::NodeReady { node: me.node }, Sent::NodeReady, &key);
    super::pressure::repost(me, cx, &key);
    // The re-list: every pod the store binds here, then the known ones it no longer has.
    let store = cx.store;
    let bound: Vec<u32> = store
        .pods
        .iter()
        .filter(|(_, p)| p.node == Some(me.node))
        .map(|(id, _)| id)
        .collect();
    for id in bound {
        observe(me, cx, pod_obj(id), Change::Modified);
    }
    let known: Vec<u32> = me.pods.keys().copied().collect();
    for id in known {
        if store.pods.get(id).is_none() {
            observe(me, cx, pod_obj(id), Change::Deleted);
            continue;
        }
        let Some(wk) = me.pods.get_mut(&id) else {
            continue;
        };
        let held = std::mem::take(&mut wk.held);
        if held == Held::Terminal {
            // The terminal status (and then the delete) of a pod stopped meanwhile.
            post_terminal_status(me, cx, id);
        } else if !wk.stopping {
            // The status manager's reconcile (`needsReconcile`): the stored status differs
            // from its own, e.g. Ready=False from the node lifecycle controller, or a
            // write was held. A stopping pod's next write is its terminal status.
            post_status_later(me, cx, id);
        }
    }
    super::nodeimages::image_added(me, cx);
}

fn node(me: &Kubelet) -> ObjRef {
    ObjRef {
        kind: Kind::Node,
        id: me.node,
    }
}
