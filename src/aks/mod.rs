//! What AKS decides about a cluster's nodes: VM sizes, capacity and allocatable, node names and
//! labels, the node image, and the kube-system pods AKS installs.
//!
//! Each submodule models one AKS behaviour from reference/aks-nodes.md; the scenario loader and
//! the cluster builder combine them (CONTRACT §1, §6, §7).

pub mod allocatable;
pub mod cluster;
pub mod naming;
pub mod node_info;
pub mod system_pods;
pub mod vm_sizes;
