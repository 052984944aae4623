//! Nodes as the API server stores them (what `kubectl get nodes` shows).

use crate::model::meta::Meta;
use crate::model::pod::{Resources, Taint};
use std::net::Ipv4Addr;
use std::sync::Arc;

/// The taint a node carries while its Ready condition is not True
/// (`node.kubernetes.io/not-ready`, added by the node lifecycle controller's
/// TaintNodesByCondition with effect NoSchedule).
pub const NOT_READY_TAINT: &str = "node.kubernetes.io/not-ready";

/// The taint of a node whose kubelet stopped reporting (`node.kubernetes.io/unreachable`,
/// NoExecute from the node lifecycle controller): pods that do not tolerate it are evicted.
pub const UNREACHABLE_TAINT: &str = "node.kubernetes.io/unreachable";

/// The taint an operator puts on a node known to be shut down
/// (`node.kubernetes.io/out-of-service`): PodGC then force-deletes its terminating pods.
pub const OUT_OF_SERVICE_TAINT: &str = "node.kubernetes.io/out-of-service";

/// `status.nodeInfo`, shared by the nodes of a pool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeInfo {
    /// `kubeletVersion`.
    pub kubelet_version: String,
    /// `osImage`.
    pub os_image: String,
    /// `kernelVersion`.
    pub kernel_version: String,
    /// `containerRuntimeVersion`.
    pub container_runtime_version: String,
}

/// A stored node.
#[derive(Clone, Debug)]
pub struct Node {
    /// Metadata (labels carry AKS's node labels).
    pub meta: Meta,
    /// Index of the scenario node pool it belongs to.
    pub pool: u32,
    /// The VM behind it (`spec.providerID` names it; it keys the VM's addresses).
    pub vm: u32,
    /// `spec.taints`.
    pub taints: Vec<Taint>,
    /// `spec.unschedulable` (cordon).
    pub unschedulable: bool,
    /// `status.capacity` cpu/memory.
    pub capacity: Resources,
    /// `status.allocatable` cpu/memory.
    pub allocatable: Resources,
    /// `status.allocatable.pods` (= kubelet maxPods).
    pub max_pods: u32,
    /// `status.addresses[InternalIP]`.
    pub internal_ip: Ipv4Addr,
    /// `spec.podCIDR` for plugins that give each node a range.
    pub pod_cidr: Option<ipnet::Ipv4Net>,
    /// `status.nodeInfo`.
    pub info: Arc<NodeInfo>,
    /// Ready condition status True.
    pub ready: bool,
}
