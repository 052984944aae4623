//! `describeDeployment`, `describeReplicaSet` (and the ReplicationController's, which has
//! the same shape) and `describeDaemonSet` (kubectl-output reference §5.4; `describe.go`).

use super::pod::{controlled_by, namespace, pods_status, template};
use super::{View, Writer};
use crate::model::kind::Kind;
use crate::model::labels::Labels;
use crate::model::meta::ObjRef;
use crate::model::workload::{ReplicaSet, Strategy};

pub(super) fn deployment(v: &View<'_>, w: &mut Writer, id: u32) -> Option<()> {
    let d = v.store.deployments.get(id)?;
    let meta = &d.meta;
    let me = ObjRef {
        kind: Kind::Deployment,
        id,
    };
    let owned: Vec<&ReplicaSet> = v
        .store
        .dependents_of(me)
        .iter()
        .filter(|r| r.kind == Kind::ReplicaSet)
        .filter_map(|r| v.store.replicasets.get(r.id))
        .filter(|rs| rs.meta.controller() == Some(me))
        .collect();
    w.line(0, &format!("Name:\t{}", meta.name));
    w.line(0, &format!("Namespace:\t{}", namespace(v, meta)));
    w.line(0, &format!("CreationTimestamp:\t{}", v.date(meta.created)));
    w.labels(0, "Labels", &meta.labels);
    // The stored annotations: the controller's `deployment.kubernetes.io/revision`, the
    // user's (`kubernetes.io/change-cause`), sorted as printAnnotationsMultiline sorts them.
    let mut annotations: Vec<(&str, String)> = meta
        .annotations
        .iter()
        .map(|(k, v)| (k, v.to_string()))
        .collect();
    annotations.sort();
    w.annotations(0, &annotations);
    w.line(0, &format!("Selector:\t{}", d.spec.selector));
    w.line(
        0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable",
            d.spec.replicas,
            d.status.updated_replicas,
            d.status.replicas,
            d.status.available_replicas,
            d.status.unavailable_replicas
        ),
    );
    let strategy = match d.spec.strategy {
        Strategy::RollingUpdate { .. } => "RollingUpdate",
        Strategy::Recreate => "Recreate",
    };
    w.line(0, &format!("StrategyType:\t{strategy}"));
    w.line(
        0,
        &format!("MinReadySeconds:\t{}", d.spec.min_ready_seconds),
    );
    if let Strategy::RollingUpdate {
        max_surge,
        max_unavailable,
    } = d.spec.strategy
    {
        w.line(
            0,
            &format!(
                "RollingUpdateStrategy:\t{max_unavailable} max unavailable, {max_surge} max surge"
            ),
        );
    }
    template(w, v, &d.spec.template);
    // FindNewReplicaSet: the ReplicaSet whose template equals the Deployment's, ignoring the
    // pod-template-hash label; FindOldReplicaSets lists the others that still have replicas.
    let is_new = |rs: &ReplicaSet| {
        rs.spec.template.spec == d.spec.template.spec
            && without_hash(&rs.spec.template.labels) == d.spec.template.labels
    };
    let new_rs = owned.iter().find(|rs| is_new(rs));
    let old: Vec<&&ReplicaSet> = owned
        .iter()
        .filter(|rs| !is_new(rs) && rs.spec.replicas != 0)
        .collect();
    if new_rs.is_some() || !old.is_empty() {
        let created = |rs: &ReplicaSet| {
            format!(
                "{} ({}/{} replicas created)",
                rs.meta.name, rs.status.replicas, rs.spec.replicas
            )
        };
        let olds: Vec<String> = old.iter().map(|rs| created(rs)).collect();
        let olds = if olds.is_empty() {
            "<none>".to_string()
        } else {
            olds.join(", ")
        };
        w.line(0, &format!("OldReplicaSets:\t{olds}"));
        let new = new_rs.map_or("<none>".to_string(), |rs| created(rs));
        w.line(0, &format!("NewReplicaSet:\t{new}"));
    }
    w.events(v, Kind::Deployment, meta);
    Some(())
}

fn without_hash(labels: &Labels) -> Labels {
    Labels::from_pairs(
        labels
            .iter()
            .filter(|(k, _)| *k != "pod-template-hash")
            .map(|(k, v)| (k.to_string(), v.to_string())),
    )
}

pub(super) fn replica_set(v: &View<'_>, w: &mut Writer, id: u32) -> Option<()> {
    let rs = v.store.replicasets.get(id)?;
    let meta = &rs.meta;
    let kind = v.store.rs_kind(id);
    w.line(0, &format!("Name:\t{}", meta.name));
    w.line(0, &format!("Namespace:\t{}", namespace(v, meta)));
    w.line(0, &format!("Selector:\t{}", rs.spec.selector));
    w.labels(0, "Labels", &meta.labels);
    let annotations: Vec<(&str, String)> = match rs.replica_annotations {
        Some((desired, max)) => vec![
            (
                "deployment.kubernetes.io/desired-replicas",
                desired.to_string(),
            ),
            ("deployment.kubernetes.io/max-replicas", max.to_string()),
            ("deployment.kubernetes.io/revision", rs.revision.to_string()),
        ],
        None => Vec::new(),
    };
    w.annotations(0, &annotations);
    if let Some(owner) = controlled_by(v, meta) {
        w.line(0, &format!("Controlled By:\t{owner}"));
    }
    w.line(
        0,
        &format!(
            "Replicas:\t{} current / {} desired",
            rs.status.replicas, rs.spec.replicas
        ),
    );
    w.line(
        0,
        &format!("Pods Status:\t{}", pods_status(v, ObjRef { kind, id })),
    );
    template(w, v, &rs.spec.template);
    w.events(v, kind, meta);
    Some(())
}

pub(super) fn daemon_set(v: &View<'_>, w: &mut Writer, id: u32) -> Option<()> {
    let ds = v.store.daemonsets.get(id)?;
    let meta = &ds.meta;
    let s = &ds.status;
    w.line(0, &format!("Name:\t{}", meta.name));
    w.line(0, &format!("Selector:\t{}", ds.spec.selector));
    let node_selector = &ds.spec.template.spec.node_selector;
    let node_selector = if node_selector.is_empty() {
        "<none>".to_string()
    } else {
        node_selector.format()
    };
    w.line(0, &format!("Node-Selector:\t{node_selector}"));
    w.labels(0, "Labels", &meta.labels);
    // The DaemonSet controller's template-generation annotation.
    w.annotations(
        0,
        &[(
            "deprecated.daemonset.template.generation",
            ds.spec.template_generation.to_string(),
        )],
    );
    w.line(
        0,
        &format!(
            "Desired Number of Nodes Scheduled: {}",
            s.desired_number_scheduled
        ),
    );
    w.line(
        0,
        &format!(
            "Current Number of Nodes Scheduled: {}",
            s.current_number_scheduled
        ),
    );
    w.line(
        0,
        &format!(
            "Number of Nodes Scheduled with Up-to-date Pods: {}",
            s.updated_number_scheduled
        ),
    );
    w.line(
        0,
        &format!(
            "Number of Nodes Scheduled with Available Pods: {}",
            s.number_available
        ),
    );
    w.line(
        0,
        &format!("Number of Nodes Misscheduled: {}", s.number_misscheduled),
    );
    let owner = ObjRef {
        kind: Kind::DaemonSet,
        id,
    };
    w.line(0, &format!("Pods Status:\t{}", pods_status(v, owner)));
    template(w, v, &ds.spec.template);
    w.events(v, Kind::DaemonSet, meta);
    Some(())
}
