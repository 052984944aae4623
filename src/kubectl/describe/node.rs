//! `describeNode` (kubectl-output reference §5.5; `describe.go` `describeNode`,
//! `describeNodeResource`, `getPodsTotalRequestsAndLimits`).
//!
//! The conditions are as stored (the kubelet's four with its reasons and messages, or the
//! node lifecycle controller's Unknown); heartbeats and the Lease's renewTime are read at the
//! describe's own now from their lazy beats ([`crate::model::node`]).

use super::pod::namespace;
use super::{View, Writer, cpu, memory};
use crate::kubectl::age::translate_timestamp_since;
use crate::kubectl::print::roles;
use crate::model::kind::Kind;
use crate::model::pod::{Pod, Resources, TaintEffect};

pub(super) fn describe(v: &View<'_>, w: &mut Writer, id: u32) -> Option<()> {
    let n = v.store.nodes.get(id)?;
    let meta = &n.meta;
    w.line(0, &format!("Name:\t{}", meta.name));
    w.line(0, &format!("Roles:\t{}", roles(&meta.labels)));
    w.labels(0, "Labels", &meta.labels);
    // Set on every node: by the TTL controller and by the kubelet (attach/detach).
    w.annotations(
        0,
        &[
            ("node.alpha.kubernetes.io/ttl", "0".to_string()),
            (
                "volumes.kubernetes.io/controller-managed-attach-detach",
                "true".to_string(),
            ),
        ],
    );
    w.line(0, &format!("CreationTimestamp:\t{}", v.date(meta.created)));
    // Taints, sorted by effect then key (as strings), as kubectl prints them.
    let effect_name = |e: TaintEffect| match e {
        TaintEffect::NoSchedule => "NoSchedule",
        TaintEffect::PreferNoSchedule => "PreferNoSchedule",
        TaintEffect::NoExecute => "NoExecute",
    };
    let mut taints: Vec<_> = n.taints.iter().collect();
    taints.sort_by(|a, b| (effect_name(a.effect), &a.key).cmp(&(effect_name(b.effect), &b.key)));
    if taints.is_empty() {
        w.line(0, "Taints:\t<none>");
    }
    for (i, t) in taints.iter().enumerate() {
        let effect = effect_name(t.effect);
        let text = if t.value.is_empty() {
            format!("{}:{effect}", t.key)
        } else {
            format!("{}={}:{effect}", t.key, t.value)
        };
        let title = if i == 0 { "Taints:" } else { "" };
        w.line(0, &format!("{title}\t{text}"));
    }
    w.line(0, &format!("Unschedulable:\t{}", n.unschedulable));
    // describeNode's Lease block: the holder is the node's kubelet.
    w.line(0, "Lease:");
    match n.lease {
        Some(l) => {
            w.line(1, &format!("HolderIdentity:\t{}", meta.name));
            w.line(1, &format!("AcquireTime:\t{}", v.date(l.acquired)));
            w.line(1, &format!("RenewTime:\t{}", v.date(l.renew.last(v.now))));
        }
        None => {
            for field in ["HolderIdentity", "AcquireTime", "RenewTime"] {
                w.line(1, &format!("{field}:\t<unset>"));
            }
        }
    }
    if !n.conditions.is_empty() {
        w.line(0, "Conditions:");
        w.line(
            1,
            "Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage",
        );
        w.line(
            1,
            "----\t------\t-----------------\t------------------\t------\t-------",
        );
        // Each cell ends with a space before its tab (`"%v \t%v \n"`, reference §5.5).
        for c in &n.conditions {
            let hb = v.date(n.heartbeat_of(c, v.now));
            let tr = v.date(c.transition);
            w.line(
                1,
                &format!(
                    "{} \t{} \t{hb} \t{tr} \t{} \t{}",
                    c.kind.as_str(),
                    c.status.as_str(),
                    c.reason,
                    c.message
                ),
            );
        }
    }
    w.line(0, "Addresses:");
    w.line(1, &format!("InternalIP:\t{}", n.internal_ip));
    w.line(1, &format!("Hostname:\t{}", meta.name));
    for (title, r) in [("Capacity:", n.capacity), ("Allocatable:", n.allocatable)] {
        w.line(0, title);
        w.line(1, &format!("cpu:\t{}", cpu(r.cpu_milli)));
        w.line(1, &format!("memory:\t{}", memory(r.memory)));
        w.line(1, &format!("pods:\t{}", n.max_pods));
    }
    w.line(0, "System Info:");
    w.line(1, &format!("Kernel Version:\t{}", n.info.kernel_version));
    w.line(1, &format!("OS Image:\t{}", n.info.os_image));
    w.line(1, "Operating System:\tlinux");
    w.line(1, "Architecture:\tamd64");
    w.line(
        1,
        &format!(
            "Container Runtime Version:\t{}",
            n.info.container_runtime_version
        ),
    );
    w.line(1, &format!("Kubelet Version:\t{}", n.info.kubelet_version));
    if let Some(cidr) = n.pod_cidr {
        w.line(0, &format!("PodCIDR:\t{cidr}"));
        w.line(0, &format!("PodCIDRs:\t{cidr}"));
    }
    // fieldSelector spec.nodeName=<node>,status.phase!=Failed,status.phase!=Succeeded,
    // listed by namespace and name.
    let mut pods: Vec<&Pod> = v
        .store
        .pods
        .iter()
        .map(|(_, p)| p)
        .filter(|p| p.node == Some(id) && !p.is_terminal())
        .collect();
    pods.sort_by(|a, b| {
        (namespace(v, &a.meta), &a.meta.name).cmp(&(namespace(v, &b.meta), &b.meta.name))
    });
    let alloc = n.allocatable;
    let pct = |x: i64, of: i64| {
        if of == 0 {
            0
        } else {
            (x as f64 / of as f64 * 100.0) as i64
        }
    };
    let cells = |r: Resources, l: Resources| {
        (
            format!(
                "{} ({}%)",
                cpu(r.cpu_milli),
                pct(r.cpu_milli, alloc.cpu_milli)
            ),
            format!(
                "{} ({}%)",
                cpu(l.cpu_milli),
                pct(l.cpu_milli, alloc.cpu_milli)
            ),
            format!("{} ({}%)", memory(r.memory), pct(r.memory, alloc.memory)),
            format!("{} ({}%)", memory(l.memory), pct(l.memory, alloc.memory)),
        )
    };
    w.line(
        0,
        &format!("Non-terminated Pods:\t({} in total)", pods.len()),
    );
    w.line(
        1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge",
    );
    w.line(
        1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---",
    );
    let (mut req, mut lim) = (Resources::default(), Resources::default());
    for p in &pods {
        let r = p.spec.requests();
        let l = p
            .spec
            .containers
            .iter()
            .fold(Resources::default(), |a, c| a.plus(c.limits));
        req = req.plus(r);
        lim = lim.plus(l);
        let (cr, cl, mr, ml) = cells(r, l);
        w.line(
            1,
            &format!(
                "{}\t{}\t\t{cr}\t{cl}\t{mr}\t{ml}\t{}",
                namespace(v, &p.meta),
                p.meta.name,
                translate_timestamp_since(Some(p.meta.created), v.now)
            ),
        );
    }
    let (cr, cl, mr, ml) = cells(req, lim);
    w.line(0, "Allocated resources:");
    w.line(
        1,
        "(Total limits may be over 100 percent, i.e., overcommitted.)",
    );
    w.line(1, "Resource\tRequests\tLimits");
    w.line(1, "--------\t--------\t------");
    w.line(1, &format!("cpu\t{cr}\t{cl}"));
    w.line(1, &format!("memory\t{mr}\t{ml}"));
    w.events(v, Kind::Node, meta);
    Some(())
}
