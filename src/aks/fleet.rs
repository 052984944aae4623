//! Azure's side of the cluster: the node pools (one Virtual Machine Scale Set each), their VM
//! instances, the VNet's addresses and the public IPs, and the long-running operations `az`
//! starts on them.
//!
//! This is what the AKS resource provider ([`crate::aks::provider`]) changes and what `az`
//! reads ([`crate::kubectl::exec`] runs `az` steps against it). A VM is named as its
//! Node (`aks-<pool>-<hash>-vmss<instance>`); instance ids grow and are never reused, as in
//! a scale set.

use crate::aks::cluster::{ClusterPlan, PoolPlan};
use crate::aks::naming::node_name;
use crate::aks::node_info::{NodeLabelParams, node_labels};
use crate::model::labels::Labels;
use crate::model::meta::Meta;
use crate::model::node::{
    Beat, ContainerImage, Lease, NOT_READY_TAINT, Node, NodeInfo, STATUS_REPORT, kubelet_conditions,
};
use crate::model::pod::{Resources, Taint, TaintEffect};
use crate::network::{Ipam, IpamError, NodeAddresses, PublicIpAllocator};
use crate::sim::time::SimTime;
use std::sync::Arc;

/// AKS's limit of nodes in one pool (learn.microsoft.com/azure/aks/quotas-skus-regions).
pub const MAX_NODES_PER_POOL: u32 = 1000;

/// One VM of a pool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    /// The VM's index across the cluster (the key of its addresses).
    pub vm: u32,
    /// The scale set's instance id.
    pub instance: u32,
    /// Its computer name, which is its Node's name.
    pub name: String,
    /// Its zone, for zonal pools.
    pub zone: Option<u32>,
    /// Being deleted (scale-in chose it).
    pub deleting: bool,
}

/// One node pool.
#[derive(Clone, Debug)]
pub struct Pool {
    /// What it was created with.
    pub plan: PoolPlan,
    /// Its index (the Node's `pool`).
    pub index: u32,
    /// Its VMs, oldest first.
    pub instances: Vec<Instance>,
    /// The next instance id.
    pub next_instance: u32,
    /// The count asked for last (what `az aks nodepool list` shows as Count).
    pub count: u32,
    /// `Succeeded`, `Scaling`, `Creating`, `Deleting`.
    pub provisioning_state: &'static str,
    /// Deleted (kept so pool indexes stay stable).
    pub deleted: bool,
}

/// What an `az` operation asks AKS to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OperationKind {
    /// Scale a pool to a node count (`az aks scale`, `az aks nodepool scale`).
    Scale {
        /// The pool.
        pool: u32,
        /// The new count.
        count: u32,
    },
    /// Create a pool (`az aks nodepool add`): its nodes are added as a scale-out from 0.
    AddPool {
        /// The pool, already recorded with count 0.
        pool: u32,
        /// Its node count.
        count: u32,
    },
    /// Delete a pool (`az aks nodepool delete`): its nodes are drained and deleted.
    DeletePool {
        /// The pool.
        pool: u32,
    },
}

/// A long-running operation and how it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    /// What it does.
    pub kind: OperationKind,
    /// None while running; then Ok or the error az prints.
    pub result: Option<Result<(), String>>,
}

/// Azure's state for one cluster.
pub struct Azure {
    /// The cluster as created.
    pub plan: ClusterPlan,
    /// Node pools in creation order.
    pub pools: Vec<Pool>,
    /// Node and pod addresses (the network plugin's IPAM), keyed by VM.
    pub ipam: Ipam,
    /// Public IPs for load balancers.
    pub public_ips: PublicIpAllocator,
    /// Operations started by `az`, by id.
    pub operations: Vec<Operation>,
    /// `status.nodeInfo` every node reports.
    pub node_info: Arc<NodeInfo>,
    /// The images AKS's node image caches (the system pods' images): every new node's
    /// first `status.images`.
    pub cached_images: Arc<Vec<ContainerImage>>,
    next_vm: u32,
}

impl Azure {
    /// The cluster `az aks create` made, with no VM yet.
    pub fn new(plan: ClusterPlan) -> Azure {
        let pools = plan
            .pools
            .iter()
            .enumerate()
            .map(|(i, p)| Pool {
                plan: p.clone(),
                index: i as u32,
                instances: Vec::new(),
                next_instance: 0,
                count: p.count,
                provisioning_state: "Succeeded",
                deleted: false,
            })
            .collect();
        let node_info = Arc::new(NodeInfo {
            kubelet_version: plan.info.kubelet_version.to_string(),
            os_image: plan.info.os_image.to_string(),
            kernel_version: plan.info.kernel_version.to_string(),
            container_runtime_version: plan.info.container_runtime_version.to_string(),
        });
        Azure {
            ipam: Ipam::new(&plan.network),
            public_ips: PublicIpAllocator::new(),
            plan,
            pools,
            operations: Vec::new(),
            node_info,
            cached_images: Arc::default(),
            next_vm: 0,
        }
    }

    /// The live pool with this name.
    pub fn pool(&self, name: &str) -> Option<&Pool> {
        self.pools
            .iter()
            .find(|p| !p.deleted && p.plan.name == name)
    }

    /// Creates a VM in `pool`: it takes its instance id, its name and its addresses (with
    /// Azure CNI its maxPods pod addresses too) at once, as the scale set does.
    pub fn create_vm(&mut self, pool: u32) -> Result<Instance, IpamError> {
        let p = &self.pools[pool as usize];
        let vm = self.next_vm;
        self.ipam.add_node(vm, p.plan.max_pods)?;
        self.next_vm += 1;
        let p = &mut self.pools[pool as usize];
        let instance = p.next_instance;
        p.next_instance += 1;
        let zone = if p.plan.zones.is_empty() {
            None
        } else {
            p.plan
                .zones
                .get(instance as usize % p.plan.zones.len())
                .copied()
        };
        let inst = Instance {
            vm,
            instance,
            name: node_name(&self.plan.name, &p.plan.name, instance),
            zone,
            deleting: false,
        };
        p.instances.push(inst.clone());
        Ok(inst)
    }

    /// Whether the VM still exists (`InstanceExistsByProviderID`).
    pub fn vm_exists(&self, pool: u32, vm: u32) -> bool {
        self.pools
            .get(pool as usize)
            .is_some_and(|p| p.instances.iter().any(|i| i.vm == vm))
    }

    /// Deletes a VM: its addresses go back to the subnet.
    pub fn delete_vm(&mut self, pool: u32, vm: u32) {
        self.ipam.remove_node(vm);
        if let Some(p) = self.pools.get_mut(pool as usize) {
            p.instances.retain(|i| i.vm != vm);
        }
    }

    /// The Node a VM's kubelet registers: AKS's labels, the pool's taints, its addresses;
    /// `ready` false adds the not-ready taint it carries until its Ready condition is True.
    /// `kubelet_start` is when its kubelet started: its first status post and Lease.
    pub fn node_object(
        &self,
        pool: u32,
        inst: &Instance,
        ready: bool,
        kubelet_start: SimTime,
    ) -> Option<Node> {
        let p = self.pools.get(pool as usize)?;
        let addrs: NodeAddresses = NodeAddresses {
            node_ip: self.ipam.node_ip(inst.vm)?,
            pod_cidr: self.ipam.pod_cidr(inst.vm),
        };
        Some(node_object(
            &self.plan,
            p,
            inst,
            addrs,
            (self.node_info.clone(), self.cached_images.clone()),
            (ready, kubelet_start),
        ))
    }

    /// Starts an operation; its id.
    pub fn begin(&mut self, kind: OperationKind) -> u32 {
        self.operations.push(Operation { kind, result: None });
        (self.operations.len() - 1) as u32
    }

    /// Instances of `pool` a scale-in to `count` removes, per the scale set's Default
    /// scale-in policy: balance across zones first, then the highest instance id
    /// (learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-scale-in-policy).
    pub fn scale_in_victims(&self, pool: u32, count: u32) -> Vec<Instance> {
        let Some(p) = self.pools.get(pool as usize) else {
            return Vec::new();
        };
        let mut left: Vec<&Instance> = p.instances.iter().filter(|i| !i.deleting).collect();
        let mut victims = Vec::new();
        while left.len() > count as usize {
            // The zone holding most instances loses one; ties go to the highest zone, then
            // the highest instance id.
            let mut per_zone: std::collections::BTreeMap<Option<u32>, usize> =
                std::collections::BTreeMap::new();
            for i in &left {
                *per_zone.entry(i.zone).or_default() += 1;
            }
            let most = per_zone.values().copied().max().unwrap_or(0);
            let zone = per_zone
                .iter()
                .rev()
                .find(|(_, n)| **n == most)
                .map(|(z, _)| *z)
                .unwrap_or(None);
            let Some(pos) = left
                .iter()
                .enumerate()
                .filter(|(_, i)| i.zone == zone)
                .max_by_key(|(_, i)| i.instance)
                .map(|(k, _)| k)
            else {
                break;
            };
            victims.push(left.remove(pos).clone());
        }
        victims
    }
}

/// A Node as its kubelet registers it on AKS.
pub fn node_object(
    plan: &ClusterPlan,
    pool: &Pool,
    inst: &Instance,
    addrs: NodeAddresses,
    (info, images): (Arc<NodeInfo>, Arc<Vec<ContainerImage>>),
    (ready, kubelet_start): (bool, SimTime),
) -> Node {
    let p = &pool.plan;
    let labels = node_labels(&NodeLabelParams {
        cluster_name: &plan.name,
        node_resource_group: None,
        location: &plan.location,
        pool_name: &p.name,
        mode_is_system: p.system,
        vm_size: p.vm_size,
        zone: inst.zone,
        node_name: &inst.name,
        node_info: &plan.info,
        extra: &p.labels,
    });
    let r = p.resources;
    let mut taints = p.taints.clone();
    if !ready {
        taints.push(Taint {
            key: NOT_READY_TAINT.to_string(),
            value: String::new(),
            effect: TaintEffect::NoSchedule,
            time_added: None,
        });
    }
    Node {
        meta: Meta::new(inst.name.clone(), None, Labels::from_pairs(labels)),
        pool: pool.index,
        vm: inst.vm,
        taints,
        unschedulable: false,
        capacity: Resources {
            cpu_milli: r.capacity_cpu_milli,
            memory: r.capacity_memory_bytes,
        },
        allocatable: Resources {
            cpu_milli: r.allocatable_cpu_milli,
            memory: r.allocatable_memory_bytes,
        },
        max_pods: r.pods,
        internal_ip: addrs.node_ip,
        pod_cidr: addrs.pod_cidr,
        info,
        conditions: kubelet_conditions(ready, kubelet_start),
        heartbeat: Beat::new(kubelet_start, STATUS_REPORT),
        lease: Some(Lease::new(kubelet_start)),
        images,
    }
}

/// An Azure for unit tests: the default cluster (`nodepool1`, 3 nodes, Overlay), no VM yet.
#[cfg(test)]
pub mod testing {
    use super::Azure;

    /// The cluster `az aks create` makes with no options.
    pub fn azure() -> Azure {
        let s = crate::scenario::load::load_str(
            std::path::Path::new("t.yaml"),
            "name: t\nduration: 1m\n",
        )
        .expect("the scenario loads");
        let span = crate::diag::Span {
            offset: 0,
            len: 0,
            line: 1,
            col: 1,
        };
        Azure::new(crate::aks::cluster::plan(&s.cluster, span).expect("the cluster plans"))
    }
}
