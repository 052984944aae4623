//! PriorityClasses (scheduling.k8s.io/v1): the cluster-scoped names the Priority admission
//! plugin turns into a pod's `spec.priority` and `spec.preemptionPolicy`
//! (plugin/pkg/admission/priority/admission.go).

use crate::model::labels::Labels;
use crate::model::meta::Meta;

/// `scheduling.SystemCriticalPriority`: system-cluster-critical's value.
pub const SYSTEM_CRITICAL_PRIORITY: i32 = 2_000_000_000;
/// `scheduling.HighestUserDefinablePriority`: the largest value a user's class may have.
pub const HIGHEST_USER_DEFINABLE_PRIORITY: i32 = 1_000_000_000;
/// The class for system pods that may move to another node.
pub const SYSTEM_CLUSTER_CRITICAL: &str = "system-cluster-critical";
/// The class for system pods that must not leave their node.
pub const SYSTEM_NODE_CRITICAL: &str = "system-node-critical";

/// `preemptionPolicy` of a class and of the pods admitted with it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PreemptionPolicy {
    /// `PreemptLowerPriority` (the default): the scheduler may evict lower-priority pods.
    #[default]
    PreemptLowerPriority,
    /// `Never`: the pod waits in the queue and never preempts.
    Never,
}

impl PreemptionPolicy {
    /// The value as written in manifests and printed by kubectl.
    pub fn as_str(self) -> &'static str {
        match self {
            PreemptionPolicy::PreemptLowerPriority => "PreemptLowerPriority",
            PreemptionPolicy::Never => "Never",
        }
    }
}

/// A stored PriorityClass.
#[derive(Clone, Debug)]
pub struct PriorityClass {
    /// Metadata (cluster-scoped: no namespace).
    pub meta: Meta,
    /// `value`: the priority pods of this class get.
    pub value: i32,
    /// `globalDefault`: pods without `priorityClassName` get this class.
    pub global_default: bool,
    /// `preemptionPolicy` (defaulted to PreemptLowerPriority).
    pub preemption_policy: PreemptionPolicy,
    /// `description`.
    pub description: String,
}

/// The classes the API server creates at start (pkg/apis/scheduling/v1/helpers.go
/// `SystemPriorityClasses`, added by storage_scheduling.go `AddSystemPriorityClasses`).
pub fn system_priority_classes() -> [PriorityClass; 2] {
    let class = |name: &str, value: i32, description: &str| PriorityClass {
        meta: Meta::new(name.to_string(), None, Labels::default()),
        value,
        global_default: false,
        preemption_policy: PreemptionPolicy::PreemptLowerPriority,
        description: description.to_string(),
    };
    [
        class(
            SYSTEM_NODE_CRITICAL,
            SYSTEM_CRITICAL_PRIORITY + 1000,
            "Used for system critical pods that must not be moved from their current node.",
        ),
        class(
            SYSTEM_CLUSTER_CRITICAL,
            SYSTEM_CRITICAL_PRIORITY,
            "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
        ),
    ]
}
