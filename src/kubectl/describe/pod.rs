//! `describePod` and the container and template parts the workload describers share
//! (kubectl-output reference §5.3; `describe.go` `describePod`, `describeContainers`,
//! `describeContainerState`, `describeResources`, `DescribePodTemplate`,
//! `printTolerationsMultilineWithIndent`).

use super::{View, Writer, cpu, memory};
use crate::kubectl::age::translate_timestamp_since;
use crate::model::kind::Kind;
use crate::model::meta::{Meta, ObjRef};
use crate::model::pod::{
    Container, ContainerState, ContainerStatus, Phase, Pod, PodSpec, Resources, Toleration,
};
use crate::model::workload::PodTemplate;

/// Stored annotations as `printAnnotationsMultiline` takes them, in key order.
fn pairs(annotations: &crate::model::labels::Labels) -> Vec<(&str, String)> {
    annotations
        .iter()
        .map(|(k, v)| (k, v.to_string()))
        .collect()
}

pub(super) fn describe(v: &View<'_>, w: &mut Writer, id: u32) -> Option<()> {
    let p = v.store.pods.get(id)?;
    let meta = &p.meta;
    w.line(0, &format!("Name:\t{}", meta.name));
    w.line(0, &format!("Namespace:\t{}", namespace(v, meta)));
    // The Priority admission plugin always sets spec.priority.
    w.line(0, &format!("Priority:\t{}", p.spec.priority));
    if let Some(class) = &p.spec.priority_class_name {
        w.line(0, &format!("Priority Class Name:\t{class}"));
    }
    // describePod: `Service Account` after the priority lines; the ServiceAccount admission
    // plugin has filled in `default` when the pod named none.
    w.line(
        0,
        &format!("Service Account:\t{}", p.spec.service_account()),
    );
    match p.node.and_then(|n| v.store.nodes.get(n)) {
        Some(node) => {
            let host = p
                .status
                .host_ip
                .map(|ip| ip.to_string())
                .unwrap_or_default();
            w.line(0, &format!("Node:\t{}/{host}", node.meta.name));
        }
        None => w.line(0, "Node:\t<none>"),
    }
    if let Some(t) = p.status.start_time {
        w.line(0, &format!("Start Time:\t{}", v.date(t)));
    }
    w.labels(0, "Labels", &meta.labels);
    w.annotations(0, &pairs(&meta.annotations));
    match meta.deleted {
        Some(at) if !p.is_terminal() => {
            w.line(
                0,
                &format!(
                    "Status:\tTerminating (lasts {})",
                    translate_timestamp_since(Some(at), v.now)
                ),
            );
            w.line(
                0,
                &format!(
                    "Termination Grace Period:\t{}s",
                    p.spec.termination_grace_seconds
                ),
            );
        }
        _ => w.line(0, &format!("Status:\t{}", p.status.phase.as_str())),
    }
    if let Some(reason) = p.status.reason {
        w.line(0, &format!("Reason:\t{reason}"));
    }
    let ip = p.status.pod_ip.map(|ip| ip.to_string()).unwrap_or_default();
    w.line(0, &format!("IP:\t{ip}"));
    if ip.is_empty() {
        w.line(0, "IPs:\t<none>");
    } else {
        w.line(0, "IPs:");
        w.line(1, &format!("IP:\t{ip}"));
    }
    if let Some(owner) = controlled_by(v, meta) {
        w.line(0, &format!("Controlled By:\t{owner}"));
    }
    // describePod: the preemption's nomination, after Controlled By.
    if let Some(node) = &p.status.nominated_node {
        w.line(0, &format!("NominatedNodeName:\t{node}"));
    }
    if !p.spec.init_containers.is_empty() {
        let statuses = Some(&p.status.init_containers);
        containers(
            w,
            "Init Containers",
            &p.spec.init_containers,
            statuses,
            v,
            "",
        );
    }
    containers(
        w,
        "Containers",
        &p.spec.containers,
        Some(&p.status.containers),
        v,
        "",
    );
    conditions(w, p);
    w.line(0, &format!("QoS Class:\t{}", qos_class(&p.spec)));
    w.labels(0, "Node-Selectors", &p.spec.node_selector);
    tolerations(w, "", &p.spec.tolerations);
    w.events(v, Kind::Pod, meta);
    Some(())
}

/// A namespaced object's namespace name.
pub(super) fn namespace<'a>(v: &View<'a>, meta: &Meta) -> &'a str {
    meta.namespace.map(|n| v.store.ns_name(n)).unwrap_or("")
}

/// `printController`: `Kind/name` of the controller owner reference.
pub(super) fn controlled_by(v: &View<'_>, meta: &Meta) -> Option<String> {
    let owner = meta.controller()?;
    let name = v.store.meta(owner).map(|m| m.name.clone())?;
    let kind = match owner.kind {
        Kind::ReplicaSet | Kind::ReplicationController => {
            v.store.rs_kind(owner.id).name().to_string()
        }
        k => k.name().to_string(),
    };
    Some(format!("{kind}/{name}"))
}

/// `describeContainers(label, containers, statuses, ..., space)`: `label` is `Containers` or
/// `Init Containers`; `space` is `"  "` inside a pod template, where the names get one more
/// space (`   nginx:`).
fn containers(
    w: &mut Writer,
    label: &str,
    list: &[Container],
    statuses: Option<&Vec<ContainerStatus>>,
    v: &View<'_>,
    space: &str,
) {
    w.line(0, &format!("{space}{label}:"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for (i, c) in list.iter().enumerate() {
        w.line(1, &format!("{name_indent}{}:", c.name));
        w.line(2, &format!("Image:\t{}", c.image));
        let ports: Vec<String> = c
            .ports
            .iter()
            .map(|(p, proto)| format!("{p}/{proto}"))
            .collect();
        let host: Vec<String> = c
            .ports
            .iter()
            .map(|(_, proto)| format!("0/{proto}"))
            .collect();
        match ports.len() {
            0 => {
                w.line(2, "Port:\t<none>");
                w.line(2, "Host Port:\t<none>");
            }
            1 => {
                w.line(2, &format!("Port:\t{}", ports[0]));
                w.line(2, &format!("Host Port:\t{}", host[0]));
            }
            _ => {
                w.line(2, &format!("Ports:\t{}", ports.join(", ")));
                w.line(2, &format!("Host Ports:\t{}", host.join(", ")));
            }
        }
        if let Some(s) = statuses.and_then(|s| s.get(i)) {
            state(w, v, s);
        }
        resources(w, "Limits", c.limits);
        resources(w, "Requests", c.requests);
    }
}

/// `describeContainerState`: State (and Last State), Ready, Restart Count.
fn state(w: &mut Writer, v: &View<'_>, s: &ContainerStatus) {
    match &s.state {
        ContainerState::Running(since) => {
            w.line(2, "State:\tRunning");
            w.line(3, &format!("Started:\t{}", v.date(*since)));
        }
        ContainerState::Waiting(reason) => {
            w.line(2, "State:\tWaiting");
            if !reason.is_empty() {
                w.line(3, &format!("Reason:\t{reason}"));
            }
        }
        ContainerState::Terminated { reason, exit_code } => {
            w.line(2, "State:\tTerminated");
            if !reason.is_empty() {
                w.line(3, &format!("Reason:\t{reason}"));
            }
            w.line(3, &format!("Exit Code:\t{exit_code}"));
        }
    }
    let ready = if s.ready { "True" } else { "False" };
    w.line(2, &format!("Ready:\t{ready}"));
    w.line(2, &format!("Restart Count:\t{}", s.restart_count));
}

/// `describeResources`: `Limits:` / `Requests:` with one line per set resource, sorted.
fn resources(w: &mut Writer, title: &str, r: Resources) {
    if r.cpu_milli == 0 && r.memory == 0 {
        return;
    }
    w.line(2, &format!("{title}:"));
    if r.cpu_milli != 0 {
        w.line(3, &format!("cpu:\t{}", cpu(r.cpu_milli)));
    }
    if r.memory != 0 {
        w.line(3, &format!("memory:\t{}", memory(r.memory)));
    }
}

/// `status.conditions` in the order the kubelet writes them (1.35):
/// PodReadyToStartContainers, Initialized, Ready, ContainersReady, then the scheduler's
/// PodScheduled; a pod no kubelet has admitted has PodScheduled only. A controller's
/// DisruptionTarget comes last.
fn conditions(w: &mut Writer, p: &Pod) {
    let Some(scheduled) = p.status.scheduled else {
        return;
    };
    let b = |x: bool| if x { "True" } else { "False" };
    let mut rows: Vec<(&str, bool)> = Vec::new();
    if p.status.start_time.is_some() {
        let sandbox = p.status.pod_ip.is_some()
            || p.status
                .containers
                .iter()
                .chain(&p.status.init_containers)
                .any(|c| {
                    !matches!(
                        c.state,
                        ContainerState::Waiting("ContainerCreating" | "PodInitializing")
                    )
                });
        let all_ready =
            !p.status.containers.is_empty() && p.status.containers.iter().all(|c| c.ready);
        rows.push(("PodReadyToStartContainers", sandbox));
        rows.push(("Initialized", p.status.initialized));
        rows.push(("Ready", p.is_ready()));
        rows.push((
            "ContainersReady",
            all_ready || p.status.phase == Phase::Succeeded,
        ));
    }
    rows.push(("PodScheduled", scheduled));
    // DisruptionTarget, as `UpdatePodCondition` appends it (the kubelet's next status
    // merge would move it first; a lost node's kubelet sends none).
    if p.status.disruption.is_some() {
        rows.push(("DisruptionTarget", true));
    }
    w.line(0, "Conditions:");
    w.line(1, "Type\tStatus");
    for (t, s) in rows {
        w.line(1, &format!("{t} \t{} ", b(s)));
    }
}

/// `qos.GetPodQOS`: Guaranteed when every container's cpu and memory limits are set and
/// equal to its requests, BestEffort when nothing is requested or limited, else Burstable.
pub(super) fn qos_class(spec: &PodSpec) -> &'static str {
    let none = |r: Resources| r.cpu_milli == 0 && r.memory == 0;
    if spec
        .containers
        .iter()
        .all(|c| none(c.requests) && none(c.limits))
    {
        return "BestEffort";
    }
    let guaranteed = spec
        .containers
        .iter()
        .all(|c| c.limits.cpu_milli > 0 && c.limits.memory > 0 && c.requests == c.limits);
    if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// `printTolerationsMultilineWithIndent` (sorted by key, stable).
fn tolerations(w: &mut Writer, indent: &str, list: &[Toleration]) {
    if list.is_empty() {
        w.line(0, &format!("{indent}Tolerations:\t<none>"));
        return;
    }
    let mut sorted: Vec<&Toleration> = list.iter().collect();
    sorted.sort_by(|a, b| a.key.cmp(&b.key));
    for (i, t) in sorted.iter().enumerate() {
        let mut s = t.key.clone();
        if !t.value.is_empty() {
            s.push('=');
            s.push_str(&t.value);
        }
        if let Some(e) = t.effect {
            s.push(':');
            s.push_str(match e {
                crate::model::pod::TaintEffect::NoSchedule => "NoSchedule",
                crate::model::pod::TaintEffect::PreferNoSchedule => "PreferNoSchedule",
                crate::model::pod::TaintEffect::NoExecute => "NoExecute",
            });
        }
        if t.exists && t.value.is_empty() {
            if t.key.is_empty() && t.effect.is_none() {
                s.push_str("op=Exists");
            } else {
                s.push_str(" op=Exists");
            }
        }
        if let Some(secs) = t.seconds {
            s.push_str(&format!(" for {secs}s"));
        }
        let title = if i == 0 {
            format!("{indent}Tolerations:")
        } else {
            indent.to_string()
        };
        w.line(0, &format!("{title}\t{s}"));
    }
}

/// `DescribePodTemplate`.
pub(super) fn template(w: &mut Writer, v: &View<'_>, t: &PodTemplate) {
    w.line(0, "Pod Template:");
    w.labels(1, "Labels", &t.labels);
    if !t.annotations.is_empty() {
        w.annotations(1, &pairs(&t.annotations));
    }
    if !t.spec.init_containers.is_empty() {
        containers(w, "Init Containers", &t.spec.init_containers, None, v, "  ");
    }
    containers(w, "Containers", &t.spec.containers, None, v, "  ");
    w.labels(1, "Node-Selectors", &t.spec.node_selector);
    tolerations(w, "  ", &t.spec.tolerations);
}

/// `getPodStatusForController`: the phases of the pods `owner` controls.
pub(super) fn pods_status(v: &View<'_>, owner: ObjRef) -> String {
    let (mut running, mut waiting, mut succeeded, mut failed) = (0, 0, 0, 0);
    let owner = owner.in_arena();
    for d in v.store.dependents_of(owner) {
        if d.kind != Kind::Pod {
            continue;
        }
        let Some(p) = v.store.pods.get(d.id) else {
            continue;
        };
        if p.meta.controller().map(ObjRef::in_arena) != Some(owner) {
            continue;
        }
        match p.status.phase {
            Phase::Running => running += 1,
            Phase::Pending => waiting += 1,
            Phase::Succeeded => succeeded += 1,
            Phase::Failed => failed += 1,
        }
    }
    format!("{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed")
}
