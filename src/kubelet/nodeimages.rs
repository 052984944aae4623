//! The kubelet's `Images` node status (pkg/kubelet/nodestatus/setters.go): the images on
//! the node's disk, largest first, which the scheduler's ImageLocality plugin reads.
//!
//! The kubelet's node status loop runs every `nodeStatusUpdateFrequency` (10 s) and patches
//! the Node only when something changed (or `nodeStatusReportFrequency` passed, which the
//! lazy heartbeats stand for, [`crate::model::node`]). So a pulled image appears in
//! `status.images` at the first 10 s tick after its pull, counted from the node's last
//! status post. Simplification: the list names each image by its tag only (containerd
//! also reports its digests, `RepoDigests`, which no pod here writes).

use super::{Cx, Kubelet, KubeletStep, Sent, Step};
use crate::apiserver::Op;
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::model::node::{Beat, STATUS_UPDATE, status_images};
use std::sync::Arc;

/// An image landed on disk: the next tick of the status loop reports it, unless one is
/// already due.
pub(super) fn image_added(me: &mut Kubelet, cx: &mut Cx<'_>) {
    if me.images_post == Some(me.boot) {
        return;
    }
    let Some(n) = cx.store.nodes.get(me.node) else {
        return;
    };
    let now = cx.now;
    let tick = Beat::new(n.heartbeat.from, STATUS_UPDATE).last(now) + STATUS_UPDATE;
    me.images_post = Some(me.boot);
    cx.at(
        tick,
        Step {
            boot: me.boot,
            pod: 0,
            step: KubeletStep::PostNodeImages,
        },
    );
}

/// The status loop's tick: patch `status.images` if the disk holds something else now.
pub(super) fn post(me: &mut Kubelet, cx: &mut Cx<'_>) {
    me.images_post = None;
    if me.partitioned {
        // The heal schedules the next tick ([`super::partition`]).
        return;
    }
    let now = cx.now;
    let catalog = me.catalog.clone();
    let list = status_images(
        me.images
            .on_disk(now)
            .map(|i| (i, crate::model::image::size_bytes(&catalog, i))),
    );
    let obj = ObjRef {
        kind: Kind::Node,
        id: me.node,
    };
    if cx
        .store
        .nodes
        .get(me.node)
        .is_none_or(|n| *n.images == list)
    {
        return;
    }
    let key = cx.store.key(obj);
    cx.submit(
        Op::NodeImages {
            node: me.node,
            images: Arc::new(list),
        },
        Sent::Status,
        &key,
    );
}
