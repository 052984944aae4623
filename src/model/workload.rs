//! Deployments, ReplicaSets and ReplicationControllers: spec and status as stored.

use crate::model::labels::{Labels, Selector};
use crate::model::meta::Meta;
use crate::model::pod::PodSpec;
use crate::sim::time::SimTime;
use std::sync::Arc;

/// The annotation that numbers a Deployment's ReplicaSets and names the Deployment's
/// current one (`deploymentutil.RevisionAnnotation`).
pub const REVISION_ANNOTATION: &str = "deployment.kubernetes.io/revision";
/// The annotation `kubectl rollout history` shows as a revision's CHANGE-CAUSE
/// (`ChangeCauseAnnotation`); the Deployment controller copies it to the new ReplicaSet.
pub const CHANGE_CAUSE_ANNOTATION: &str = "kubernetes.io/change-cause";

/// `spec.template`: labels plus the pod spec, shared by every pod made from it.
#[derive(Clone, Debug, PartialEq)]
pub struct PodTemplate {
    /// `template.metadata.labels`.
    pub labels: Labels,
    /// `template.metadata.annotations`: part of the template, so a change (as
    /// `rollout restart`'s `kubectl.kubernetes.io/restartedAt`) starts a rollout.
    pub annotations: Labels,
    /// `template.spec`.
    pub spec: Arc<PodSpec>,
}

/// An int-or-percent field (`maxSurge: 25%`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntOrPercent {
    /// An absolute number.
    Int(i32),
    /// A percentage of the desired replicas.
    Percent(i32),
}

impl IntOrPercent {
    /// `intstr.GetScaledValueFromIntOrPercent`: a percentage of `total`, rounded up or down.
    pub fn scaled(self, total: i32, round_up: bool) -> i32 {
        match self {
            IntOrPercent::Int(v) => v,
            IntOrPercent::Percent(p) => {
                let num = i64::from(p) * i64::from(total);
                let v = if round_up {
                    (num + 99).div_euclid(100)
                } else {
                    num.div_euclid(100)
                };
                v as i32
            }
        }
    }
}

impl std::fmt::Display for IntOrPercent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IntOrPercent::Int(v) => write!(f, "{v}"),
            IntOrPercent::Percent(p) => write!(f, "{p}%"),
        }
    }
}

/// `spec.strategy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// `RollingUpdate` with maxSurge and maxUnavailable (defaults 25%/25%, facts B.1).
    RollingUpdate {
        /// `maxSurge`.
        max_surge: IntOrPercent,
        /// `maxUnavailable`.
        max_unavailable: IntOrPercent,
    },
    /// `Recreate`.
    Recreate,
}

/// `spec` of a Deployment.
#[derive(Clone, Debug)]
pub struct DeploymentSpec {
    /// `replicas` (default 1).
    pub replicas: i32,
    /// `selector`.
    pub selector: Selector,
    /// `template`.
    pub template: Arc<PodTemplate>,
    /// `strategy`.
    pub strategy: Strategy,
    /// `minReadySeconds`.
    pub min_ready_seconds: i64,
    /// `revisionHistoryLimit` (default 10).
    pub revision_history_limit: i32,
    /// `progressDeadlineSeconds` (default 600).
    pub progress_deadline_seconds: i64,
    /// `paused`.
    pub paused: bool,
}

/// `status` of a Deployment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeploymentStatus {
    /// `observedGeneration`.
    pub observed_generation: i64,
    /// `replicas`.
    pub replicas: i32,
    /// `updatedReplicas`.
    pub updated_replicas: i32,
    /// `readyReplicas`.
    pub ready_replicas: i32,
    /// `availableReplicas`.
    pub available_replicas: i32,
    /// `unavailableReplicas`.
    pub unavailable_replicas: i32,
    /// `conditions`: Available and Progressing, in the order they were first set.
    pub conditions: Vec<DeploymentCondition>,
}

/// `type` of a Deployment condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeploymentConditionType {
    /// `Available`: at least replicas − maxUnavailable pods are available.
    Available,
    /// `Progressing`: the rollout moves, finished, or missed its progress deadline.
    Progressing,
}

/// `status` of a condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConditionStatus {
    /// `True`.
    True,
    /// `False`.
    False,
    /// `Unknown` (a paused or resumed Deployment).
    Unknown,
}

/// One entry of a Deployment's `status.conditions`: what `kubectl rollout status` and
/// `describe` read to tell a finished rollout from a stuck one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeploymentCondition {
    /// `type`.
    pub kind: DeploymentConditionType,
    /// `status`.
    pub status: ConditionStatus,
    /// `reason` (Kubernetes' constants, `NewReplicaSetAvailable` and the like).
    pub reason: &'static str,
    /// `message`.
    pub message: String,
    /// `lastUpdateTime`: when the controller last saw progress (the deadline counts from it).
    pub last_update: SimTime,
    /// `lastTransitionTime`: when `status` last changed.
    pub last_transition: SimTime,
}

/// A stored Deployment.
#[derive(Clone, Debug)]
pub struct Deployment {
    /// Metadata.
    pub meta: Meta,
    /// Spec.
    pub spec: DeploymentSpec,
    /// Status.
    pub status: DeploymentStatus,
}

/// `spec` of a ReplicaSet or ReplicationController.
#[derive(Clone, Debug)]
pub struct ReplicaSetSpec {
    /// `replicas` (default 1).
    pub replicas: i32,
    /// `selector` (a map for RCs, a LabelSelector for RSs).
    pub selector: Selector,
    /// `template`.
    pub template: Arc<PodTemplate>,
    /// `minReadySeconds`.
    pub min_ready_seconds: i64,
}

/// `status` of a ReplicaSet or ReplicationController.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReplicaSetStatus {
    /// `observedGeneration`.
    pub observed_generation: i64,
    /// `replicas`.
    pub replicas: i32,
    /// `fullyLabeledReplicas`.
    pub fully_labeled_replicas: i32,
    /// `readyReplicas`.
    pub ready_replicas: i32,
    /// `availableReplicas`.
    pub available_replicas: i32,
}

/// A stored ReplicaSet or ReplicationController; the RC manager in Kubernetes wraps the
/// ReplicaSet controller (facts B.6), so kubesim keeps both in one arena.
#[derive(Clone, Debug)]
pub struct ReplicaSet {
    /// Metadata.
    pub meta: Meta,
    /// True for a ReplicationController.
    pub legacy_rc: bool,
    /// `pod-template-hash` (for RSs a Deployment made).
    pub template_hash: Option<String>,
    /// `deployment.kubernetes.io/revision`.
    pub revision: i64,
    /// `deployment.kubernetes.io/desired-replicas` and `max-replicas`: the owning
    /// Deployment's replicas and replicas + maxSurge when it last scaled this ReplicaSet
    /// (what proportional scaling divides by).
    pub replica_annotations: Option<(i32, i32)>,
    /// Spec.
    pub spec: ReplicaSetSpec,
    /// Status.
    pub status: ReplicaSetStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_scale_like_get_scaled_value_from_int_or_percent() {
        // facts B.2: replicas 10 at 25% → surge ⌈2.5⌉ = 3, unavailable ⌊2.5⌋ = 2.
        assert_eq!(IntOrPercent::Percent(25).scaled(10, true), 3);
        assert_eq!(IntOrPercent::Percent(25).scaled(10, false), 2);
        assert_eq!(IntOrPercent::Percent(25).scaled(1, true), 1);
        assert_eq!(IntOrPercent::Percent(25).scaled(1, false), 0);
        assert_eq!(IntOrPercent::Int(4).scaled(10, false), 4);
    }
}
