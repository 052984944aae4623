//! StatefulSets as stored: spec and status of apps/v1 StatefulSet.

use crate::model::labels::Selector;
use crate::model::meta::Meta;
use crate::model::workload::PodTemplate;
use std::sync::Arc;

/// `spec.podManagementPolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PodManagement {
    /// `OrderedReady` (the default): one pod at a time, each after its predecessors are
    /// Running, Ready and available.
    OrderedReady,
    /// `Parallel`: pods are created and deleted without waiting for each other.
    Parallel,
}

/// `spec.updateStrategy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatefulSetStrategy {
    /// `RollingUpdate` (the default): pods at or above `partition` are replaced from the
    /// highest ordinal down, at most `max_unavailable` unhealthy at once.
    RollingUpdate {
        /// `rollingUpdate.partition` (default 0).
        partition: i32,
        /// `rollingUpdate.maxUnavailable` (default 1; `MaxUnavailableStatefulSet`).
        max_unavailable: crate::model::workload::IntOrPercent,
    },
    /// `OnDelete`: new pods only replace pods someone else deleted.
    OnDelete,
}

impl Default for StatefulSetStrategy {
    fn default() -> Self {
        StatefulSetStrategy::RollingUpdate {
            partition: 0,
            max_unavailable: crate::model::workload::IntOrPercent::Int(1),
        }
    }
}

/// `spec` of a StatefulSet.
#[derive(Clone, Debug)]
pub struct StatefulSetSpec {
    /// `replicas` (default 1).
    pub replicas: i32,
    /// `selector`.
    pub selector: Selector,
    /// `template`.
    pub template: Arc<PodTemplate>,
    /// `serviceName`: the headless Service giving each pod its DNS subdomain.
    pub service_name: String,
    /// `podManagementPolicy`.
    pub pod_management: PodManagement,
    /// `updateStrategy`.
    pub strategy: StatefulSetStrategy,
    /// `minReadySeconds`.
    pub min_ready_seconds: i64,
    /// `revisionHistoryLimit` (default 10; kept, no history exists to trim).
    pub revision_history_limit: i32,
}

/// `status` of a StatefulSet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatefulSetStatus {
    /// `observedGeneration`.
    pub observed_generation: i64,
    /// `replicas`: pods created, terminating ones included.
    pub replicas: i32,
    /// `readyReplicas`.
    pub ready_replicas: i32,
    /// `currentReplicas`: live pods at `currentRevision`.
    pub current_replicas: i32,
    /// `updatedReplicas`: live pods at `updateRevision`.
    pub updated_replicas: i32,
    /// `availableReplicas`.
    pub available_replicas: i32,
    /// `currentRevision` (`<name>-<hash>`).
    pub current_revision: String,
    /// `updateRevision` (`<name>-<hash>`).
    pub update_revision: String,
}

/// A stored StatefulSet.
#[derive(Clone, Debug)]
pub struct StatefulSet {
    /// Metadata.
    pub meta: Meta,
    /// Spec.
    pub spec: StatefulSetSpec,
    /// Status.
    pub status: StatefulSetStatus,
}
