//! What AKS decides about a cluster's nodes: VM sizes, capacity and allocatable, node names and
//! labels, the node image, the kube-system pods AKS installs, and the node pools `az` changes
//! at run time.
//!
//! Each submodule models one AKS behaviour; the scenario loader and the cluster builder combine
//! them, and the resource provider ([`provider`]) carries out `az` operations.

pub mod allocatable;
pub mod az;
pub mod cloudnode;
pub mod cluster;
pub mod fleet;
pub mod naming;
pub mod node_info;
pub mod provider;
pub mod system_pods;
pub mod vm_sizes;
