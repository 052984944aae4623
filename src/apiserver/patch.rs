//! PATCH: the API server applies a typed [`ObjectPatch`] to the object as stored when the
//! request commits, validates the result the way the kind's update strategy does, and
//! writes it only if something changed (an unchanged object keeps its resourceVersion and
//! causes no watch event, as `patchResource` → `GuaranteedUpdate` skips a no-op write).
//!
//! Mirrors `handlers/patch.go` (`applyPatch`: merge patch and strategic merge patch over the
//! current object), then the update path's validation. Validation covers only what a patch
//! of the modelled fields can break: a template whose labels no longer match the selector
//! (`ValidateDeploymentSpec`, `ValidateReplicaSetSpec`, `ValidateDaemonSetSpec`) and a
//! `Recreate` strategy that keeps its `rollingUpdate` (`ValidateDeploymentStrategy`).

use crate::apiserver::{ApiError, Outcome, Server};
use crate::component::Change;
use crate::model::kind::Kind;
use crate::model::labels::{Labels, Selector};
use crate::model::meta::{Meta, ObjRef};
use crate::model::patch::{ContainerPatch, ContainersPatch, ObjectPatch, StrategyPatch};
use crate::model::pod::{Container, PodSpec, PullPolicy};
use crate::model::workload::{IntOrPercent, PodTemplate, Strategy};
use std::sync::Arc;

/// Applies `patch` to `target`: Configured when the object changed, Unchanged when not.
pub fn patch(s: &mut Server<'_>, target: ObjRef, patch: &ObjectPatch) -> Outcome {
    let name = match s.store.meta(target) {
        Some(m) => m.name.clone(),
        None => return Outcome::Failed(ApiError::not_found(target.kind, "")),
    };
    let result = match target.kind {
        Kind::Deployment => s
            .store
            .deployments
            .get_mut(target.id)
            .map(|d| {
                let mut spec = d.spec.clone();
                let mut changed = false;
                changed |= set(&mut spec.replicas, patch.replicas);
                changed |= set(&mut spec.paused, patch.paused);
                changed |= set(&mut spec.min_ready_seconds, patch.min_ready_seconds);
                if let Some(sp) = &patch.strategy {
                    let next = strategy(spec.strategy, sp)?;
                    changed |= set(&mut spec.strategy, Some(next));
                }
                changed |= template(&mut spec.template, &spec.selector, patch)?;
                if changed {
                    d.spec = spec;
                    d.meta.generation += 1;
                }
                Ok::<bool, String>(metadata(&mut d.meta, patch) || changed)
            })
            .unwrap_or(Ok(false)),
        Kind::ReplicaSet | Kind::ReplicationController => s
            .store
            .replicasets
            .get_mut(target.id)
            .map(|rs| {
                let mut spec = rs.spec.clone();
                let mut changed = set(&mut spec.replicas, patch.replicas);
                changed |= set(&mut spec.min_ready_seconds, patch.min_ready_seconds);
                changed |= template(&mut spec.template, &spec.selector, patch)?;
                if changed {
                    rs.spec = spec;
                    rs.meta.generation += 1;
                }
                Ok::<bool, String>(metadata(&mut rs.meta, patch) || changed)
            })
            .unwrap_or(Ok(false)),
        Kind::DaemonSet => s
            .store
            .daemonsets
            .get_mut(target.id)
            .map(|d| {
                let mut spec = d.spec.clone();
                let mut changed = set(&mut spec.min_ready_seconds, patch.min_ready_seconds);
                let template_changed = template(&mut spec.template, &spec.selector, patch)?;
                changed |= template_changed;
                if changed {
                    d.spec = spec;
                    d.meta.generation += 1;
                }
                if template_changed {
                    d.spec.template_generation += 1;
                }
                Ok::<bool, String>(metadata(&mut d.meta, patch) || changed)
            })
            .unwrap_or(Ok(false)),
        Kind::Service => s
            .store
            .services
            .get_mut(target.id)
            .map(|svc| {
                let mut changed = false;
                if let Some(sel) = &patch.service_selector {
                    let next = sel.as_ref().and_then(|m| {
                        let mut map = svc.selector.clone().unwrap_or_default();
                        m.apply(&mut map);
                        (!map.is_empty()).then_some(map)
                    });
                    changed |= set(&mut svc.selector, Some(next));
                }
                Ok::<bool, String>(metadata(&mut svc.meta, patch) || changed)
            })
            .unwrap_or(Ok(false)),
        Kind::Node => s
            .store
            .nodes
            .get_mut(target.id)
            .map(|n| {
                let changed = set(&mut n.unschedulable, patch.unschedulable);
                Ok::<bool, String>(metadata(&mut n.meta, patch) || changed)
            })
            .unwrap_or(Ok(false)),
        _ => Ok(s.store.meta_mut(target).is_some_and(|m| metadata(m, patch))),
    };
    match result {
        Ok(true) => {
            s.store.touch(target);
            s.publish(target, Change::Modified);
            Outcome::Configured(target)
        }
        Ok(false) => Outcome::Unchanged(target),
        Err(cause) => Outcome::Failed(ApiError {
            reason: "Invalid",
            message: format!("The {} {name:?} is invalid: {cause}", target.kind.name()),
        }),
    }
}

/// Sets `field` to `value` if given; whether it changed.
fn set<T: PartialEq>(field: &mut T, value: Option<T>) -> bool {
    match value {
        Some(v) if *field != v => {
            *field = v;
            true
        }
        _ => false,
    }
}

fn metadata(meta: &mut Meta, patch: &ObjectPatch) -> bool {
    let labels = patch.labels.apply(&mut meta.labels);
    let annotations = patch.annotations.apply(&mut meta.annotations);
    labels || annotations
}

/// The strategy after the patch, or `ValidateDeploymentStrategy`'s error: a `Recreate`
/// strategy may not keep a `rollingUpdate` (a plain patch of `type` leaves the stored
/// `rollingUpdate` in place, so it must be set to `null` in the same patch).
fn strategy(current: Strategy, p: &StrategyPatch) -> Result<Strategy, String> {
    let (mut surge, mut unavailable) = match current {
        Strategy::RollingUpdate {
            max_surge,
            max_unavailable,
        } => (Some(max_surge), Some(max_unavailable)),
        Strategy::Recreate => (None, None),
    };
    let mut has_rolling = matches!(current, Strategy::RollingUpdate { .. });
    match &p.rolling_update {
        Some(None) => {
            has_rolling = false;
            surge = None;
            unavailable = None;
        }
        Some(Some((s, u))) => {
            has_rolling = true;
            surge = s.or(surge);
            unavailable = u.or(unavailable);
        }
        None => {}
    }
    let recreate = p.recreate.unwrap_or(matches!(current, Strategy::Recreate));
    if recreate {
        if has_rolling {
            return Err(
                "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"
                    .to_string(),
            );
        }
        return Ok(Strategy::Recreate);
    }
    // SetDefaults_Deployment fills a missing rollingUpdate with 25%/25%.
    let quarter = IntOrPercent::Percent(25);
    Ok(Strategy::RollingUpdate {
        max_surge: surge.unwrap_or(quarter),
        max_unavailable: unavailable.unwrap_or(quarter),
    })
}

/// Patches the pod template; whether it changed, or the selector mismatch error.
fn template(
    t: &mut Arc<PodTemplate>,
    selector: &Selector,
    patch: &ObjectPatch,
) -> Result<bool, String> {
    let mut next = match &patch.template {
        Some(whole) => (**whole).clone(),
        None => (**t).clone(),
    };
    patch.template_labels.apply(&mut next.labels);
    patch.template_annotations.apply(&mut next.annotations);
    if let Some(containers) = &patch.containers {
        let mut spec: PodSpec = (*next.spec).clone();
        patch_containers(&mut spec.containers, containers);
        next.spec = Arc::new(spec);
    }
    if next == **t {
        return Ok(false);
    }
    if let Some(i) = next.spec.containers.iter().position(|c| c.image.is_empty()) {
        return Err(format!(
            "spec.template.spec.containers[{i}].image: Required value"
        ));
    }
    if !selector.matches(&next.labels) {
        return Err(format!(
            "spec.template.metadata.labels: Invalid value: {}: `selector` does not match template `labels`",
            json_map(&next.labels)
        ));
    }
    *t = Arc::new(next);
    Ok(true)
}

/// Strategic merge by `name`, or RFC 7386's whole-list replacement.
fn patch_containers(containers: &mut Vec<Container>, p: &ContainersPatch) {
    match p {
        ContainersPatch::MergeByName(entries) => {
            for e in entries {
                match containers.iter_mut().find(|c| c.name == e.name) {
                    Some(c) => {
                        if let Some(image) = &e.image {
                            c.image = image.clone();
                        }
                    }
                    None => containers.push(new_container(e)),
                }
            }
        }
        ContainersPatch::Replace(entries) => {
            *containers = entries.iter().map(new_container).collect();
        }
    }
}

/// A container the patch adds: only its name and image, defaulted as on create.
fn new_container(e: &ContainerPatch) -> Container {
    let image = e.image.clone().unwrap_or_default();
    Container {
        name: e.name.clone(),
        pull_policy: PullPolicy::default_for(&image),
        image,
        ports: Vec::new(),
        requests: Default::default(),
        limits: Default::default(),
        command: Vec::new(),
        args: Vec::new(),
        probes: Default::default(),
        pre_stop_us: None,
        env_sources: Vec::new(),
        host_ports: Vec::new(),
    }
}

/// A label map as Go's `%v` of the field value in the Invalid message prints it (JSON).
fn json_map(labels: &Labels) -> String {
    let items: Vec<String> = labels
        .iter()
        .map(|(k, v)| {
            format!(
                "{}:{}",
                serde_json::Value::from(k),
                serde_json::Value::from(v)
            )
        })
        .collect();
    format!("{{{}}}", items.join(","))
}
