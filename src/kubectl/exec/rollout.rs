//! What `kubectl set image` and `kubectl rollout …` do with the workload their GET returned,
//! as kubectl computes it client-side before its PATCH (`set_image.go` `Run`,
//! `polymorphichelpers/objectpauser.go`, `objectresumer.go`, `objectrestarter.go`,
//! `rollback.go` `DeploymentRollbacker`, `history.go` `DeploymentHistoryViewer`) or reads it
//! on each watch event (`rollout_status.go` `DeploymentStatusViewer`, `DaemonSetStatusViewer`,
//! `StatefulSetStatusViewer`).
//!
//! Simplified: the ReplicaSets `undo` and `history` read are the ones in the store when the
//! Deployment's GET commits (kubectl LISTs them in a request of their own).

use crate::etcd::Store;
use crate::kubectl::describe::View;
use crate::kubectl::messages::resource_name;
use crate::kubectl::rollout::{Action, Rollout};
use crate::model::kind::Kind;
use crate::model::labels::Labels;
use crate::model::meta::ObjRef;
use crate::model::patch::{ContainerPatch, ContainersPatch, MapPatch, ObjectPatch};
use crate::model::service::DaemonSetStrategy;
use crate::model::statefulset::StatefulSetStrategy;
use crate::model::workload::{
    CHANGE_CAUSE_ANNOTATION, DeploymentConditionType, PodTemplate, REVISION_ANNOTATION, ReplicaSet,
};
use std::sync::Arc;

/// What a rollout command does once the workload's GET returned.
#[derive(Debug)]
pub(super) enum Plan {
    /// Send this PATCH; print `line` when it returns, then `errors` (exit 1 if any).
    Patch {
        /// The change.
        patch: Box<ObjectPatch>,
        /// kubectl's success line.
        line: String,
        /// Errors kubectl prints after it (`set image` of a missing container).
        errors: Vec<String>,
    },
    /// Print these lines and end with this exit code.
    Done {
        /// The output.
        lines: Vec<String>,
        /// The exit code.
        code: i32,
    },
    /// `rollout status`: report the status now and on every change.
    Watch,
}

fn done(lines: Vec<String>, code: i32) -> Plan {
    Plan::Done { lines, code }
}

fn error(message: String) -> Plan {
    done(vec![format!("error: {message}")], 1)
}

/// The plan for the fetched object `obj`.
pub(super) fn plan(v: &View<'_>, spec: &Rollout, obj: ObjRef) -> Plan {
    let store = v.store;
    if let Action::Status { .. } = spec.action {
        return Plan::Watch;
    }
    let Some(d) = store.deployments.get(obj.id) else {
        return done(Vec::new(), 1);
    };
    let printed = resource_name(Kind::Deployment, &d.meta.name);
    let quoted = format!("{} {:?}", Kind::Deployment.group_resource(), d.meta.name);
    let mut patch = ObjectPatch::default();
    match &spec.action {
        Action::SetImage(pairs) => return set_image(&d.spec.template, pairs, printed),
        // objectpauser.go / objectresumer.go: the error RunPause aggregates as
        // `error: <resource>.<group> "<name>" is already paused`.
        Action::Pause if d.spec.paused => return error(format!("{quoted} is already paused")),
        Action::Pause => {
            patch.paused = Some(true);
            return patch_plan(patch, format!("{printed} paused"));
        }
        Action::Resume if !d.spec.paused => return error(format!("{quoted} is not paused")),
        Action::Resume => {
            patch.paused = Some(false);
            return patch_plan(patch, format!("{printed} resumed"));
        }
        Action::Restart => {
            // objectrestarter.go: a paused Deployment cannot be restarted.
            if d.spec.paused {
                return error(format!(
                    "{quoted} can't restart paused deployment (run rollout resume first)"
                ));
            }
            let at = crate::kubectl::describe::rfc3339(v.start_unix, v.now);
            patch
                .template_annotations
                .set
                .push((RESTARTED_AT.to_string(), at));
            return patch_plan(patch, format!("{printed} restarted"));
        }
        Action::History { revision } => return history(v, obj, &printed, *revision),
        Action::Undo { to_revision } => return undo(store, obj, &printed, *to_revision),
        Action::Status { .. } => {}
    }
    Plan::Watch
}

/// The template annotation `rollout restart` sets (`objectrestarter.go`).
pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

fn patch_plan(patch: ObjectPatch, line: String) -> Plan {
    Plan::Patch {
        patch: Box::new(patch),
        line,
        errors: Vec::new(),
    }
}

/// set_image.go `Run`: each `NAME=IMAGE` sets the image of the container so named (`*`:
/// every container); a name no container has is an error printed after the others are
/// patched. An update that changes nothing sends no PATCH and prints nothing.
fn set_image(t: &PodTemplate, pairs: &[(String, String)], printed: String) -> Plan {
    let mut entries: Vec<ContainerPatch> = Vec::new();
    let mut errors = Vec::new();
    for (name, image) in pairs {
        let mut found = false;
        for c in &t.spec.containers {
            if c.name == *name || name == "*" {
                found = true;
                if c.image != *image {
                    entries.retain(|e| e.name != c.name);
                    entries.push(ContainerPatch {
                        name: c.name.clone(),
                        image: Some(image.clone()),
                    });
                }
            }
        }
        if !found {
            errors.push(format!("error: unable to find container named {name:?}"));
        }
    }
    if entries.is_empty() {
        let code = i32::from(!errors.is_empty());
        return done(errors, code);
    }
    let patch = ObjectPatch {
        containers: Some(ContainersPatch::MergeByName(entries)),
        ..Default::default()
    };
    Plan::Patch {
        patch: Box::new(patch),
        line: format!("{printed} image updated"),
        errors,
    }
}

/// The ReplicaSets the Deployment controls, with their revisions.
fn replica_sets(store: &Store, obj: ObjRef) -> Vec<&ReplicaSet> {
    store
        .dependents_of(obj)
        .iter()
        .filter(|r| r.kind == Kind::ReplicaSet)
        .filter_map(|r| store.replicasets.get(r.id))
        .filter(|rs| rs.meta.controller() == Some(obj) && rs.meta.deleted.is_none())
        .collect()
}

/// `DeploymentHistoryViewer.ViewHistory` printed through the name printer: the header
/// `deployment.apps/NAME ` (trailing space), then the REVISION/CHANGE-CAUSE table
/// (padding 2, ascending) or one revision's pod template.
fn history(v: &View<'_>, obj: ObjRef, printed: &str, revision: i64) -> Plan {
    let mut rss = replica_sets(v.store, obj);
    rss.sort_by_key(|rs| rs.revision);
    rss.dedup_by_key(|rs| rs.revision);
    let with_revision = if revision > 0 {
        format!("with revision #{revision}")
    } else {
        String::new()
    };
    let info = if rss.is_empty() {
        "No rollout history found.".to_string()
    } else if revision > 0 {
        match rss.iter().find(|rs| rs.revision == revision) {
            Some(rs) => {
                let mut t = (*rs.spec.template).clone();
                if let Some(cause) = rs.meta.annotations.get(CHANGE_CAUSE_ANNOTATION) {
                    t.annotations.insert(CHANGE_CAUSE_ANNOTATION, cause);
                }
                crate::kubectl::describe::pod_template(v, &t)
            }
            None => return error("unable to find the specified revision".to_string()),
        }
    } else {
        let mut table = String::from("REVISION\tCHANGE-CAUSE\n");
        for rs in &rss {
            let cause = rs
                .meta
                .annotations
                .get(CHANGE_CAUSE_ANNOTATION)
                .filter(|c| !c.is_empty())
                .unwrap_or("<none>");
            table.push_str(&format!("{}\t{cause}\n", rs.revision));
        }
        crate::kubectl::tabwriter::tabwrite(&table, 0, 2)
    };
    // The name printer: `<name> <operation>\n`, the operation being "<withRevision>\n<info>".
    let text = format!("{printed} {with_revision}\n{info}");
    done(vec![text], 0)
}

/// The annotations `rollout undo` keeps from the Deployment rather than take from the
/// ReplicaSet (rollback.go `annotationsToSkip`).
const KEPT_BY_UNDO: [&str; 5] = [
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION_ANNOTATION,
    "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
];

/// `DeploymentRollbacker.Rollback`: the ReplicaSet of `--to-revision` (default: the one
/// before the newest, `deploymentRevision`), refused for a paused Deployment, skipped when
/// the templates already match (`equalIgnoreHash`); otherwise the Deployment takes its
/// template without `pod-template-hash` and its annotations, keeping its own
/// [`KEPT_BY_UNDO`] (the JSON patch replaces `metadata.annotations` whole).
fn undo(store: &Store, obj: ObjRef, printed: &str, to_revision: i64) -> Plan {
    let Some(d) = store.deployments.get(obj.id) else {
        return done(Vec::new(), 1);
    };
    let not_found = || {
        error(format!(
            "unable to find specified revision {to_revision} in history"
        ))
    };
    if to_revision < 0 {
        return not_found();
    }
    let rss = replica_sets(store, obj);
    let chosen = if to_revision > 0 {
        match rss.iter().find(|rs| rs.revision == to_revision) {
            Some(rs) => *rs,
            None => return not_found(),
        }
    } else {
        let mut by_revision: Vec<&ReplicaSet> = rss.clone();
        by_revision.sort_by_key(|rs| std::cmp::Reverse(rs.revision));
        match by_revision.get(1) {
            Some(rs) => *rs,
            None => {
                return error(format!(
                    "no rollout history found for deployment {:?}",
                    d.meta.name
                ));
            }
        }
    };
    if d.spec.paused {
        return error(
            "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again"
                .to_string(),
        );
    }
    let mut template = (*chosen.spec.template).clone();
    template
        .labels
        .remove(crate::controllers::deployment::POD_TEMPLATE_HASH);
    if template == *d.spec.template {
        return done(
            vec![format!(
                "{printed} skipped rollback (current template already matches revision {to_revision})"
            )],
            0,
        );
    }
    let mut wanted = Labels::default();
    for (k, v) in d.meta.annotations.iter() {
        if KEPT_BY_UNDO.contains(&k) {
            wanted.insert(k, v);
        }
    }
    for (k, v) in chosen.meta.annotations.iter() {
        if !KEPT_BY_UNDO.contains(&k) {
            wanted.insert(k, v);
        }
    }
    let annotations = MapPatch {
        set: wanted
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        remove: d
            .meta
            .annotations
            .iter()
            .filter(|(k, _)| wanted.get(k).is_none())
            .map(|(k, _)| k.to_string())
            .collect(),
    };
    let patch = ObjectPatch {
        template: Some(Arc::new(template)),
        annotations,
        ..Default::default()
    };
    patch_plan(patch, format!("{printed} rolled back"))
}

/// The status viewer's message for the object and whether the rollout is done, or its
/// error (`rollout_status.go`; the messages end without kubectl's `\n`).
pub(super) fn status(store: &Store, obj: ObjRef, revision: i64) -> Result<(String, bool), String> {
    match obj.kind {
        Kind::Deployment => deployment_status(store, obj.id, revision),
        Kind::DaemonSet => {
            let ds = store.daemonsets.get(obj.id).ok_or_else(String::new)?;
            if !matches!(ds.spec.strategy, DaemonSetStrategy::RollingUpdate { .. }) {
                return Err(
                    "rollout status is only available for RollingUpdate strategy type".into(),
                );
            }
            let s = &ds.status;
            let name = &ds.meta.name;
            if ds.meta.generation > s.observed_generation {
                return Ok((
                    "Waiting for daemon set spec update to be observed...".into(),
                    false,
                ));
            }
            if s.updated_number_scheduled < s.desired_number_scheduled {
                return Ok((
                    format!(
                        "Waiting for daemon set {name:?} rollout to finish: {} out of {} new pods have been updated...",
                        s.updated_number_scheduled, s.desired_number_scheduled
                    ),
                    false,
                ));
            }
            if s.number_available < s.desired_number_scheduled {
                return Ok((
                    format!(
                        "Waiting for daemon set {name:?} rollout to finish: {} of {} updated pods are available...",
                        s.number_available, s.desired_number_scheduled
                    ),
                    false,
                ));
            }
            Ok((format!("daemon set {name:?} successfully rolled out"), true))
        }
        Kind::StatefulSet => {
            let st = store.statefulsets.get(obj.id).ok_or_else(String::new)?;
            let StatefulSetStrategy::RollingUpdate { partition, .. } = st.spec.strategy else {
                return Err(
                    "rollout status is only available for RollingUpdate strategy type".into(),
                );
            };
            let s = &st.status;
            if s.observed_generation == 0 || st.meta.generation > s.observed_generation {
                return Ok((
                    "Waiting for statefulset spec update to be observed...".into(),
                    false,
                ));
            }
            let replicas = st.spec.replicas;
            if s.ready_replicas < replicas {
                return Ok((
                    format!(
                        "Waiting for {} pods to be ready...",
                        replicas - s.ready_replicas
                    ),
                    false,
                ));
            }
            // kubesim always stores a rollingUpdate with a partition (default 0), so the
            // partitioned messages are the ones kubectl prints for a defaulted StatefulSet.
            if s.updated_replicas < replicas - partition {
                return Ok((
                    format!(
                        "Waiting for partitioned roll out to finish: {} out of {} new pods have been updated...",
                        s.updated_replicas,
                        replicas - partition
                    ),
                    false,
                ));
            }
            Ok((
                format!(
                    "partitioned roll out complete: {} new pods have been updated...",
                    s.updated_replicas
                ),
                true,
            ))
        }
        _ => Err(format!(
            "no status viewer has been implemented for {}",
            obj.kind.name()
        )),
    }
}

/// `DeploymentStatusViewer.Status`.
fn deployment_status(store: &Store, id: u32, revision: i64) -> Result<(String, bool), String> {
    let d = store.deployments.get(id).ok_or_else(String::new)?;
    let name = &d.meta.name;
    if revision > 0 {
        let running: i64 = d
            .meta
            .annotations
            .get(REVISION_ANNOTATION)
            .and_then(|r| r.parse().ok())
            .unwrap_or(0);
        if revision != running {
            return Err(format!(
                "desired revision ({revision}) is different from the running revision ({running})"
            ));
        }
    }
    let s = &d.status;
    if d.meta.generation > s.observed_generation {
        return Ok((
            "Waiting for deployment spec update to be observed...".into(),
            false,
        ));
    }
    // `GetDeploymentCondition(Progressing)` with reason `TimedOutReason`.
    let timed_out = s.conditions.iter().any(|c| {
        c.kind == DeploymentConditionType::Progressing && c.reason == "ProgressDeadlineExceeded"
    });
    if timed_out {
        return Err(format!(
            "deployment {name:?} exceeded its progress deadline"
        ));
    }
    let wanted = d.spec.replicas;
    let line = if s.updated_replicas < wanted {
        format!(
            "{} out of {wanted} new replicas have been updated...",
            s.updated_replicas
        )
    } else if s.replicas > s.updated_replicas {
        format!(
            "{} old replicas are pending termination...",
            s.replicas - s.updated_replicas
        )
    } else if s.available_replicas < s.updated_replicas {
        format!(
            "{} of {} updated replicas are available...",
            s.available_replicas, s.updated_replicas
        )
    } else {
        return Ok((format!("deployment {name:?} successfully rolled out"), true));
    };
    Ok((
        format!("Waiting for deployment {name:?} rollout to finish: {line}"),
        false,
    ))
}

impl super::Terminal {
    /// The rollout command's plan for the fetched workload: the PATCH to send (its line
    /// pending), or None when it printed, finished or started watching.
    pub(super) fn rollout_plan(
        &mut self,
        cx: &mut super::Cx<'_>,
        obj: ObjRef,
    ) -> Option<ObjectPatch> {
        let super::Program::Rollout { spec, .. } = &self.step.program else {
            return None;
        };
        let view = View {
            store: cx.store,
            now: cx.now,
            start_unix: cx.store.events.start_unix(),
            show_events: false,
        };
        match plan(&view, spec, obj) {
            Plan::Patch {
                patch,
                line,
                errors,
            } => {
                self.pending = line;
                self.after_patch = errors;
                Some(*patch)
            }
            Plan::Done { lines, code } => {
                for line in lines {
                    self.print(cx, &line);
                }
                self.finish(cx, code);
                None
            }
            Plan::Watch => {
                self.watching = Some(obj);
                self.report_status(cx, obj);
                if self.is_running() {
                    cx.watch_object(obj);
                }
                None
            }
        }
    }

    /// `rollout status` after a watch event: the viewer's line (unless it repeats the last
    /// one), then the end when done, on an error, or at once with `--watch=false`.
    fn report_status(&mut self, cx: &mut super::Cx<'_>, obj: ObjRef) {
        let super::Program::Rollout { spec, .. } = &self.step.program else {
            return;
        };
        let Action::Status {
            watch, revision, ..
        } = spec.action
        else {
            return;
        };
        match status(cx.store, obj, revision) {
            Ok((line, finished)) => {
                if self.last_status.as_deref() != Some(line.as_str()) {
                    self.print(cx, &line);
                    self.last_status = Some(line);
                }
                if finished || !watch {
                    self.finish(cx, 0);
                }
            }
            Err(e) => {
                self.print(cx, &format!("error: {e}"));
                self.finish(cx, 1);
            }
        }
    }

    /// A change of the workload `rollout status` watches.
    pub(super) fn observe_rollout(&mut self, cx: &mut super::Cx<'_>, n: crate::component::Notice) {
        if !self.is_running() || self.watching.map(ObjRef::in_arena) != Some(n.obj.in_arena()) {
            return;
        }
        if n.change == crate::component::Change::Deleted {
            // rollout_status.go: the watch aborts on Deleted.
            self.print(cx, "error: object has been deleted");
            self.finish(cx, 1);
            return;
        }
        self.report_status(cx, n.obj);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::etcd::store::testing as fx;
    use crate::model::workload::{ConditionStatus, DeploymentCondition, IntOrPercent};
    use crate::sim::time::SimTime;

    fn store_with_web(replicas: i32) -> (Store, u32) {
        let mut store = Store::default();
        let ns = fx::namespace(&mut store, "default");
        let id = fx::deployment(
            &mut store,
            "web",
            ns,
            replicas,
            fx::rolling(IntOrPercent::Percent(25), IntOrPercent::Percent(25)),
        );
        (store, id)
    }

    fn line(store: &Store, id: u32) -> Result<(String, bool), String> {
        let obj = ObjRef {
            kind: Kind::Deployment,
            id,
        };
        status(store, obj, 0)
    }

    #[test]
    fn deployment_status_checks_in_the_viewers_order() {
        // rollout_status.go DeploymentStatusViewer.Status, case by case.
        let (mut store, id) = store_with_web(3);
        let d = store.deployments.get_mut(id).unwrap();
        d.meta.generation = 2;
        d.status.observed_generation = 1;
        assert_eq!(
            line(&store, id),
            Ok((
                "Waiting for deployment spec update to be observed...".into(),
                false
            ))
        );
        let s = &mut store.deployments.get_mut(id).unwrap().status;
        s.observed_generation = 2;
        s.replicas = 4;
        s.updated_replicas = 1;
        let waiting = |rest: &str| {
            Ok((
                format!("Waiting for deployment \"web\" rollout to finish: {rest}"),
                false,
            ))
        };
        assert_eq!(
            line(&store, id),
            waiting("1 out of 3 new replicas have been updated...")
        );
        store
            .deployments
            .get_mut(id)
            .unwrap()
            .status
            .updated_replicas = 3;
        assert_eq!(
            line(&store, id),
            waiting("1 old replicas are pending termination...")
        );
        let s = &mut store.deployments.get_mut(id).unwrap().status;
        s.replicas = 3;
        s.available_replicas = 2;
        assert_eq!(
            line(&store, id),
            waiting("2 of 3 updated replicas are available...")
        );
        store
            .deployments
            .get_mut(id)
            .unwrap()
            .status
            .available_replicas = 3;
        assert_eq!(
            line(&store, id),
            Ok(("deployment \"web\" successfully rolled out".into(), true))
        );
        // The deadline is checked before the counts.
        store
            .deployments
            .get_mut(id)
            .unwrap()
            .status
            .conditions
            .push(DeploymentCondition {
                kind: DeploymentConditionType::Progressing,
                status: ConditionStatus::False,
                reason: "ProgressDeadlineExceeded",
                message: String::new(),
                last_update: SimTime::ZERO,
                last_transition: SimTime::ZERO,
            });
        assert_eq!(
            line(&store, id),
            Err("deployment \"web\" exceeded its progress deadline".into())
        );
    }

    #[test]
    fn set_image_patches_only_changed_containers_and_reports_missing_ones() {
        let (store, id) = store_with_web(1);
        let t = store.deployments.get(id).unwrap().spec.template.clone();
        let name = t.spec.containers[0].name.clone();
        let image = t.spec.containers[0].image.clone();
        // set_image.go: an unchanged image makes an empty patch, which is not sent.
        match set_image(&t, &[(name.clone(), image)], "deployment.apps/web".into()) {
            Plan::Done { lines, code } => assert_eq!((lines.len(), code), (0, 0)),
            other => panic!("{other:?}"),
        }
        let pairs = [
            (name.clone(), "nginx:2".into()),
            ("nope".into(), "x".into()),
        ];
        match set_image(&t, &pairs, "deployment.apps/web".into()) {
            Plan::Patch {
                patch,
                line,
                errors,
            } => {
                assert_eq!(line, "deployment.apps/web image updated");
                assert_eq!(errors, ["error: unable to find container named \"nope\""]);
                assert_eq!(
                    patch.containers,
                    Some(ContainersPatch::MergeByName(vec![ContainerPatch {
                        name,
                        image: Some("nginx:2".into())
                    }]))
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
