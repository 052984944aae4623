//! `describeDeployment`, `describeReplicaSet` (and the ReplicationController's, which has
//! the same shape), `describeDaemonSet`, `describeJob` and `describeStatefulSet`
//! (kubectl-output reference §5.4; `describe.go`).

use super::pod::{controlled_by, namespace, pods_status, template};
use super::{View, Writer};
use crate::model::job::LEGACY_JOB_NAME;
use crate::model::job::{CONTROLLER_UID, CompletionMode, JOB_NAME, LEGACY_CONTROLLER_UID};
use crate::model::kind::Kind;
use crate::model::labels::Labels;
use crate::model::meta::ObjRef;
use crate::model::statefulset::StatefulSetStrategy;
use crate::model::workload::{
    ConditionStatus, DeploymentCondition, DeploymentConditionType, IntOrPercent, ReplicaSet,
    Strategy,
};

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
    conditions(w, &d.status.conditions);
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

/// describeDeployment's `Conditions:` table, only when there are conditions; each row is
/// written `"%v \t%v\t%v\n"` (type, status, reason), so the type cell carries a trailing
/// space. Checked against describe.go's DeploymentDescriber and kubectl-output reference §5.4.
fn conditions(w: &mut Writer, conditions: &[DeploymentCondition]) {
    if conditions.is_empty() {
        return;
    }
    w.line(0, "Conditions:");
    w.line(1, "Type\tStatus\tReason");
    w.line(1, "----\t------\t------");
    for c in conditions {
        let kind = match c.kind {
            DeploymentConditionType::Available => "Available",
            DeploymentConditionType::Progressing => "Progressing",
        };
        let status = match c.status {
            ConditionStatus::True => "True",
            ConditionStatus::False => "False",
            ConditionStatus::Unknown => "Unknown",
        };
        w.line(1, &format!("{kind} \t{status}\t{}", c.reason));
    }
}

/// The object's own annotations as `printAnnotationsMultiline` lists them.
fn own_annotations(meta: &crate::model::meta::Meta) -> Vec<(&str, String)> {
    meta.annotations
        .iter()
        .map(|(k, v)| (k, v.to_string()))
        .collect()
}

/// `describeJob`, checked line by line against describe.go's JobDescriber. Every optional
/// field the API server defaults (parallelism, completionMode, suspend, backoffLimit) is
/// printed; the Pod Template shows the labels `generateSelector` adds to it
/// (pkg/registry/batch/job/strategy.go), which kubesim keeps off the stored template.
pub(super) fn job(v: &View<'_>, w: &mut Writer, id: u32) -> Option<()> {
    let j = v.store.jobs.get(id)?;
    let meta = &j.meta;
    let (spec, st) = (&j.spec, &j.status);
    let uid = meta.uid.to_string();
    w.line(0, &format!("Name:\t{}", meta.name));
    w.line(0, &format!("Namespace:\t{}", namespace(v, meta)));
    w.line(0, &format!("Selector:\t{CONTROLLER_UID}={uid}"));
    w.labels(0, "Labels", &meta.labels);
    w.annotations(0, &own_annotations(meta));
    if let Some(owner) = controlled_by(v, meta) {
        w.line(0, &format!("Controlled By:\t{owner}"));
    }
    w.line(0, &format!("Parallelism:\t{}", spec.parallelism));
    let completions = spec
        .completions
        .map_or("<unset>".to_string(), |c| c.to_string());
    w.line(0, &format!("Completions:\t{completions}"));
    let mode = match spec.completion_mode {
        CompletionMode::NonIndexed => "NonIndexed",
        CompletionMode::Indexed => "Indexed",
    };
    w.line(0, &format!("Completion Mode:\t{mode}"));
    w.line(0, &format!("Suspend:\t{}", spec.suspend));
    w.line(0, &format!("Backoff Limit:\t{}", spec.backoff_limit));
    if let Some(ttl) = spec.ttl_seconds_after_finished {
        w.line(0, &format!("TTL Seconds After Finished:\t{ttl}"));
    }
    if let Some(start) = st.start_time {
        w.line(0, &format!("Start Time:\t{}", v.date(start)));
    }
    if let Some(end) = st.completion_time {
        w.line(0, &format!("Completed At:\t{}", v.date(end)));
    }
    if let (Some(start), Some(end)) = (st.start_time, st.completion_time) {
        // Both are whole seconds in the API.
        let secs = |t: crate::sim::time::SimTime| (t.as_micros() / 1_000_000) as i64;
        let micros = (secs(end) - secs(start)) * 1_000_000;
        let text = crate::kubectl::age::human_duration(micros);
        w.line(0, &format!("Duration:\t{text}"));
    }
    if let Some(d) = spec.active_deadline_seconds {
        w.line(0, &format!("Active Deadline Seconds:\t{d}s"));
    }
    // status.ready is always written (JobReadyPods, GA in 1.29).
    w.line(
        0,
        &format!(
            "Pods Statuses:\t{} Active ({} Ready) / {} Succeeded / {} Failed",
            st.active, st.ready, st.succeeded, st.failed
        ),
    );
    if spec.completion_mode == CompletionMode::Indexed {
        let indexes = cap_indexes_or_none(&st.completed_indexes_text(), 50);
        w.line(0, &format!("Completed Indexes:\t{indexes}"));
    }
    let mut labels = spec.template.labels.clone();
    for (k, val) in [
        (CONTROLLER_UID, uid.as_str()),
        (JOB_NAME, meta.name.as_str()),
        (LEGACY_CONTROLLER_UID, uid.as_str()),
        (LEGACY_JOB_NAME, meta.name.as_str()),
    ] {
        labels.insert(k, val);
    }
    let template_with_labels = crate::model::workload::PodTemplate {
        annotations: spec.template.annotations.clone(),
        labels,
        spec: spec.template.spec.clone(),
    };
    template(w, v, &template_with_labels);
    w.events(v, Kind::Job, meta);
    Some(())
}

/// `capIndexesListOrNone`: `<none>`, or the list cut at the first comma at or after
/// `soft_limit` characters, followed by `...`.
fn cap_indexes_or_none(indexes: &str, soft_limit: usize) -> String {
    if indexes.is_empty() {
        return "<none>".to_string();
    }
    match indexes.get(soft_limit..).and_then(|rest| rest.find(',')) {
        Some(at) => format!("{}...", &indexes[..=soft_limit + at]),
        None => indexes.to_string(),
    }
}

/// `describeStatefulSet`, checked line by line against describe.go's StatefulSetDescriber.
/// `partition` is always set once defaulted, so its line is always printed; kubesim stores
/// `maxUnavailable` defaulted to 1, so its line appears only for another value (Kubernetes
/// prints it whenever the manifest sets it). No volume claim templates are modelled.
pub(super) fn stateful_set(v: &View<'_>, w: &mut Writer, id: u32) -> Option<()> {
    let s = v.store.statefulsets.get(id)?;
    let meta = &s.meta;
    w.line(0, &format!("Name:\t{}", meta.name));
    w.line(0, &format!("Namespace:\t{}", namespace(v, meta)));
    w.line(0, &format!("CreationTimestamp:\t{}", v.date(meta.created)));
    w.line(0, &format!("Selector:\t{}", s.spec.selector));
    w.labels(0, "Labels", &meta.labels);
    w.annotations(0, &own_annotations(meta));
    w.line(
        0,
        &format!(
            "Replicas:\t{} desired | {} total",
            s.spec.replicas, s.status.replicas
        ),
    );
    match s.spec.strategy {
        StatefulSetStrategy::RollingUpdate {
            partition,
            max_unavailable,
        } => {
            w.line(0, "Update Strategy:\tRollingUpdate");
            w.line(1, &format!("Partition:\t{partition}"));
            if max_unavailable != IntOrPercent::Int(1) {
                w.line(1, &format!("MaxUnavailable:\t{max_unavailable}"));
            }
        }
        StatefulSetStrategy::OnDelete => w.line(0, "Update Strategy:\tOnDelete"),
    }
    let owner = ObjRef {
        kind: Kind::StatefulSet,
        id,
    };
    w.line(0, &format!("Pods Status:\t{}", pods_status(v, owner)));
    template(w, v, &s.spec.template);
    w.line(0, "Volume Claims:\t<none>");
    w.events(v, Kind::StatefulSet, meta);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::cap_indexes_or_none;

    #[test]
    fn completed_indexes_are_capped_at_the_first_comma_after_the_soft_limit() {
        // describe.go capIndexesListOrNone: empty is <none>; otherwise the text up to and
        // including the first ',' at or after softLimit, then "...".
        assert_eq!(cap_indexes_or_none("", 50), "<none>");
        assert_eq!(cap_indexes_or_none("1,3-5", 50), "1,3-5");
        assert_eq!(cap_indexes_or_none("10,12,14,16", 4), "10,12,...");
        assert_eq!(cap_indexes_or_none("10,12,14,16", 5), "10,12,...");
        assert_eq!(cap_indexes_or_none("10,12,14-16", 6), "10,12,14-16");
    }
}
