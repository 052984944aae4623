//! PodDisruptionBudgets as stored: spec and status of policy/v1 PodDisruptionBudget, and the
//! `DisruptionAllowed` condition both the disruption controller and the eviction subresource
//! keep (`k8s.io/component-helpers/apps/poddisruptionbudget` `UpdateDisruptionAllowedCondition`).

use crate::model::labels::{Labels, Selector};
use crate::model::meta::Meta;
use crate::model::workload::IntOrPercent;
use crate::sim::time::SimTime;
use std::collections::BTreeMap;

/// `spec.unhealthyPodEvictionPolicy`: whether a pod that is not Ready may be evicted while
/// the budget is not met (policy/v1 types.go).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UnhealthyPodEvictionPolicy {
    /// `IfHealthyBudget` (also what an unset field does): an unready pod is evicted only while
    /// `currentHealthy >= desiredHealthy`.
    #[default]
    IfHealthyBudget,
    /// `AlwaysAllow`: an unready pod is always evicted, without using a disruption.
    AlwaysAllow,
}

/// `spec` of a PodDisruptionBudget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PdbSpec {
    /// `minAvailable` (at most one of it and `maxUnavailable` is set).
    pub min_available: Option<IntOrPercent>,
    /// `maxUnavailable`.
    pub max_unavailable: Option<IntOrPercent>,
    /// `selector`: None is a null selector, which selects no pods; an empty one selects every
    /// pod of the namespace (policy/v1).
    pub selector: Option<Selector>,
    /// `unhealthyPodEvictionPolicy` (None when unset, which behaves as IfHealthyBudget).
    pub unhealthy_pod_eviction_policy: Option<UnhealthyPodEvictionPolicy>,
}

impl PdbSpec {
    /// Whether the budget selects `labels` (`getPodsForPdb`: a null selector matches
    /// nothing).
    pub fn selects(&self, labels: &Labels) -> bool {
        self.selector.as_ref().is_some_and(|s| s.matches(labels))
    }

    /// The policy in force (unset is IfHealthyBudget).
    pub fn eviction_policy(&self) -> UnhealthyPodEvictionPolicy {
        self.unhealthy_pod_eviction_policy.unwrap_or_default()
    }
}

/// The reason of the `DisruptionAllowed` condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DisruptionReason {
    /// `SufficientPods`: status True, evictions may proceed.
    SufficientPods,
    /// `InsufficientPods`: status False, no disruption allowed.
    InsufficientPods,
    /// `SyncFailed`: the controller could not compute the status (`failSafe`).
    SyncFailed,
}

impl DisruptionReason {
    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DisruptionReason::SufficientPods => "SufficientPods",
            DisruptionReason::InsufficientPods => "InsufficientPods",
            DisruptionReason::SyncFailed => "SyncFailed",
        }
    }

    /// The condition's status: True only for SufficientPods.
    pub fn allowed(self) -> bool {
        self == DisruptionReason::SufficientPods
    }
}

/// `status.conditions[type=DisruptionAllowed]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisruptionCondition {
    /// `reason` (and with it `status`).
    pub reason: DisruptionReason,
    /// `message` (only SyncFailed carries one).
    pub message: String,
    /// `observedGeneration`.
    pub observed_generation: i64,
}

/// `status` of a PodDisruptionBudget.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PdbStatus {
    /// `observedGeneration`: the eviction subresource refuses while it lags the generation.
    pub observed_generation: i64,
    /// `disruptedPods`: pods the eviction subresource let go whose deletion the controller
    /// has not seen yet, by name, with when the eviction was granted.
    pub disrupted_pods: BTreeMap<String, SimTime>,
    /// `disruptionsAllowed`.
    pub disruptions_allowed: i32,
    /// `currentHealthy`.
    pub current_healthy: i32,
    /// `desiredHealthy`.
    pub desired_healthy: i32,
    /// `expectedPods`.
    pub expected_pods: i32,
    /// The `DisruptionAllowed` condition (None until first computed).
    pub condition: Option<DisruptionCondition>,
}

impl PdbStatus {
    /// `UpdateDisruptionAllowedCondition`: SufficientPods while a disruption is allowed,
    /// InsufficientPods otherwise, at the status's observed generation.
    pub fn update_condition(&mut self) {
        let reason = if self.disruptions_allowed > 0 {
            DisruptionReason::SufficientPods
        } else {
            DisruptionReason::InsufficientPods
        };
        self.condition = Some(DisruptionCondition {
            reason,
            message: String::new(),
            observed_generation: self.observed_generation,
        });
    }

    /// `ConditionsAreUpToDate`: the status observed `generation` and its condition says
    /// what `disruptionsAllowed` does (SufficientPods while positive, InsufficientPods
    /// otherwise).
    pub fn condition_up_to_date(&self, generation: i64) -> bool {
        let want = if self.disruptions_allowed > 0 {
            DisruptionReason::SufficientPods
        } else {
            DisruptionReason::InsufficientPods
        };
        self.observed_generation == generation
            && self.condition.as_ref().is_some_and(|c| c.reason == want)
    }
}

/// A stored PodDisruptionBudget.
#[derive(Clone, Debug)]
pub struct PodDisruptionBudget {
    /// Metadata.
    pub meta: Meta,
    /// Spec.
    pub spec: PdbSpec,
    /// Status.
    pub status: PdbStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_condition_follows_disruptions_allowed_as_update_disruption_allowed_condition_does() {
        let mut s = PdbStatus {
            observed_generation: 2,
            disruptions_allowed: 1,
            ..PdbStatus::default()
        };
        assert!(!s.condition_up_to_date(2), "no condition yet");
        s.update_condition();
        let c = s.condition.clone().expect("set");
        assert_eq!(c.reason, DisruptionReason::SufficientPods);
        assert_eq!(c.observed_generation, 2);
        assert!(s.condition_up_to_date(2));
        assert!(
            !s.condition_up_to_date(3),
            "a newer generation is not observed"
        );
        s.disruptions_allowed = 0;
        assert!(!s.condition_up_to_date(2), "True while none is allowed");
        s.update_condition();
        assert_eq!(
            s.condition.as_ref().map(|c| c.reason),
            Some(DisruptionReason::InsufficientPods)
        );
    }

    #[test]
    fn a_null_selector_selects_nothing_and_an_empty_one_everything() {
        let labels = Labels::from_pairs([("app".to_string(), "web".to_string())]);
        let mut spec = PdbSpec {
            min_available: Some(IntOrPercent::Int(1)),
            max_unavailable: None,
            selector: None,
            unhealthy_pod_eviction_policy: None,
        };
        assert!(!spec.selects(&labels));
        spec.selector = Some(Selector::default());
        assert!(spec.selects(&labels));
        assert_eq!(
            spec.eviction_policy(),
            UnhealthyPodEvictionPolicy::IfHealthyBudget
        );
    }
}
