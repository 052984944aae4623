//! Node and pod addresses — what the AKS network plugins' IPAM hands out, IPv4 only.
//!
//! Models:
//! - **Node IPs**: the VNet subnet's lowest free address. Azure reserves the first four and the
//!   last address of every subnet (reference/kubernetes-aks-facts.md §D.6), so the first node
//!   is `.4` (`10.224.0.4`, aks-nodes.md §5).
//! - **kubenet** (§D.1): each node gets the next /24 of the pod CIDR (10.244.0.0/24, then
//!   10.244.1.0/24, …), in the order of kube-controller-manager's `CidrSet.AllocateNext`
//!   (pkg/controller/nodeipam/ipam/cidrset/cidr_set.go): a search that resumes after the last
//!   block handed out, so a freed /24 is reused only after the search wraps. Pods get addresses
//!   from the CNI `host-local` IPAM over the node's /24 (range `.1-.254`, `.1` being the
//!   `cbr0` gateway, which host-local skips), which also resumes after the last address it
//!   reserved: the first pod is `.2`, and a freed address comes back only after a wrap.
//! - **Azure CNI Overlay** (§D.3): the same /24 per node. azure-cns hands a pod the first
//!   Available IP it meets while ranging a Go map — an unspecified order — so kubesim takes the
//!   lowest free address instead. The usable addresses are `.2-.254`, as in the azure-cns
//!   version that made `.1` the gateway and dropped the last address
//!   (cns/kubecontroller/nodenetworkconfig `createNCRequestFromStaticNCHelper`; later versions
//!   list every address of the block, which kubesim does not follow).
//! - **Azure CNI, node subnet** (§D.2): a joining node reserves maxPods + 1 addresses up front,
//!   its own and maxPods pod addresses, all the subnet's lowest free ones, so at maxPods 30 the
//!   nodes are `.4`, `.35`, `.66`, …. A pod takes the lowest free address of its node's
//!   reservation (the legacy azure-vnet-ipam also ranges a Go map; kubesim picks the lowest).
//!
//! hostNetwork pods use [`Ipam::node_ip`] and take no pod address. Releasing an address that
//! is not allocated is a no-op, as in Kubernetes' allocators.
//!
//! Exhaustion when a node joins is AKS's `InsufficientSubnetSize` error, which AKS raises
//! before it creates the VMs; kubesim checks one node at a time, so "Pre-allocated IPs" counts
//! the addresses in use plus the joining node's. Exhaustion of a node's pod addresses is the
//! plugin's own error. State is id-indexed vectors and bitmaps, so allocation is
//! amortised-constant time for 5,000 nodes and 150,000 pods.

use std::fmt;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use super::AllocationBitmap;
use super::config::{NODE_POD_PREFIX, NetworkConfig, Plugin};

/// Addresses Azure reserves at the start of every subnet (network, gateway, two for DNS).
const AZURE_RESERVED_LOW: usize = 4;
/// Azure's reserved addresses per subnet: the first four and the last (§D.6).
const AZURE_RESERVED: usize = 5;
/// Offsets in a node's /24: `.0` network, `.1` gateway, `.255` broadcast are never pods.
const BLOCK_FIRST_POD: usize = 2;
const BLOCK_END: usize = 255;
const BLOCK_SIZE: usize = 256;
/// The name of the node subnet in AKS's managed VNet, as `InsufficientSubnetSize` names it.
const NODE_SUBNET_NAME: &str = "aks-subnet";
/// How `InsufficientSubnetSize` names the pod CIDR.
pub const POD_CIDR_NAME: &str = "networkProfile.podCIDR";

/// What a node gets when it joins, as the Node object shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeAddresses {
    /// `status.addresses[InternalIP]` — the `INTERNAL-IP` of `kubectl get nodes -o wide`.
    pub node_ip: Ipv4Addr,
    /// `spec.podCIDR`: the node's /24 with kubenet and Overlay; `None` with Azure CNI, whose
    /// pods take individual subnet addresses.
    pub pod_cidr: Option<Ipv4Net>,
}

/// Why an address could not be given; the caller turns it into an event or a failed
/// operation. Messages are AKS's or the plugin's own wording.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IpamError {
    /// The node subnet or the pod CIDR has no room for a joining node — AKS's
    /// `InsufficientSubnetSize` (message as in Azure/AKS-Construction#701).
    InsufficientSubnetSize {
        /// Addresses in use plus those the joining node needs.
        required: u64,
        /// Addresses the range offers (the node subnet less Azure's five; the whole pod CIDR).
        available: u64,
        /// The exhausted range.
        cidr: Ipv4Net,
        /// `aks-subnet` or `networkProfile.podCIDR`.
        subnet_name: &'static str,
    },
    /// The node has no free pod address; the sandbox cannot be set up.
    NoPodAddress {
        /// The plugin, which decides the wording.
        plugin: Plugin,
        /// The first address of the node's pod range set as the plugin reports it.
        first: Ipv4Addr,
        /// The last address of that range set.
        last: Ipv4Addr,
    },
    /// The node id was never added or was removed (a caller bug, reported rather than
    /// panicking).
    UnknownNode(u32),
    /// The node id already holds addresses (a caller bug).
    NodeAlreadyAdded(u32),
}

impl fmt::Display for IpamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IpamError::InsufficientSubnetSize {
                required,
                available,
                cidr,
                subnet_name,
            } => write!(
                f,
                "Pre-allocated IPs {required} exceeds IPs available {available} in Subnet Cidr \
                 {cidr}, Subnet Name {subnet_name}. If Autoscaler is enabled, the max-count \
                 from each nodepool is counted towards this total (which means that \
                 pre-allocated IPs count represents a theoretical max value, not the actual \
                 number of IPs requested). http://aka.ms/aks/insufficientsubnetsize"
            ),
            // containernetworking/plugins host-local: allocator.go `Get`, wrapped by
            // "failed to allocate for range %d: %v".
            IpamError::NoPodAddress {
                plugin: Plugin::Kubenet,
                first,
                last,
            } => write!(
                f,
                "failed to allocate for range 0: no IP addresses available in range set: \
                 {first}-{last}"
            ),
            // Azure/azure-container-networking cns/restserver/ipam.go AssignAvailableIPConfigs.
            IpamError::NoPodAddress {
                plugin: Plugin::AzureCniOverlay,
                ..
            } => f.write_str("not enough IPs available, waiting on Azure CNS to allocate more"),
            // Azure/azure-container-networking cni/ipam ("Failed to allocate address: %v") over
            // ipam/api.go errNoAvailableAddresses.
            IpamError::NoPodAddress {
                plugin: Plugin::AzureCni,
                ..
            } => f.write_str("Failed to allocate address: No available addresses"),
            IpamError::UnknownNode(node) => write!(f, "node {node} has no addresses in IPAM"),
            IpamError::NodeAlreadyAdded(node) => {
                write!(f, "node {node} already has addresses in IPAM")
            }
        }
    }
}

impl std::error::Error for IpamError {}

/// The /24 blocks of the pod CIDR, handed out like kube-controller-manager's `CidrSet`.
#[derive(Clone, Debug)]
struct BlockPool {
    cidr: Ipv4Net,
    used: AllocationBitmap,
    next_candidate: usize,
}

/// A node's pod addresses.
#[derive(Clone, Debug)]
enum NodePods {
    /// kubenet / Overlay: the node's /24 (block index in the pod CIDR), offsets in use, and the
    /// last offset host-local reserved.
    Block {
        index: usize,
        used: AllocationBitmap,
        last: Option<usize>,
    },
    /// Azure CNI: the node's reserved subnet offsets, ascending, and which are in use.
    Reserved {
        offsets: Vec<usize>,
        used: AllocationBitmap,
    },
}

#[derive(Clone, Debug)]
struct NodeState {
    ip_offset: usize,
    pods: NodePods,
}

/// The cluster's address manager for nodes and pods: one per cluster, fed node joins and
/// leaves and pod sandbox setups and teardowns.
#[derive(Clone, Debug)]
pub struct Ipam {
    plugin: Plugin,
    subnet: Ipv4Net,
    /// Node-subnet offsets from the network address; Azure's reserved five pre-set.
    subnet_used: AllocationBitmap,
    /// No offset below this is free: the lowest-free search starts here.
    subnet_hint: usize,
    blocks: Option<BlockPool>,
    nodes: Vec<Option<NodeState>>,
}

impl Ipam {
    /// An empty address manager for the cluster's network settings. maxPods is per node pool,
    /// so it is given to [`Ipam::add_node`].
    pub fn new(cfg: &NetworkConfig) -> Ipam {
        let size = range_size(cfg.vnet_subnet_cidr);
        let mut subnet_used = AllocationBitmap::new(size);
        for i in (0..AZURE_RESERVED_LOW.min(size)).chain(size.checked_sub(1)) {
            subnet_used.set(i);
        }
        let blocks = match (cfg.plugin.uses_pod_cidr(), cfg.pod_cidr) {
            (true, Some(cidr)) => {
                let count = 1usize << NODE_POD_PREFIX.saturating_sub(cidr.prefix_len());
                Some(BlockPool {
                    cidr,
                    used: AllocationBitmap::new(count),
                    next_candidate: 0,
                })
            }
            _ => None,
        };
        Ipam {
            plugin: cfg.plugin,
            subnet: cfg.vnet_subnet_cidr,
            subnet_used,
            subnet_hint: AZURE_RESERVED_LOW,
            blocks,
            nodes: Vec::new(),
        }
    }

    /// Gives a joining node its address and pod range (and, with Azure CNI, reserves its
    /// maxPods pod addresses). Nothing is allocated when it fails.
    pub fn add_node(&mut self, node: u32, max_pods: u32) -> Result<NodeAddresses, IpamError> {
        let slot = node as usize;
        if self.nodes.get(slot).is_some_and(Option::is_some) {
            return Err(IpamError::NodeAlreadyAdded(node));
        }
        let subnet_need = match self.plugin {
            Plugin::AzureCni => (max_pods as usize).saturating_add(1),
            Plugin::Kubenet | Plugin::AzureCniOverlay => 1,
        };
        if self.subnet_used.free() < subnet_need {
            return Err(IpamError::InsufficientSubnetSize {
                required: (self.subnet_in_use() + subnet_need) as u64,
                available: self.subnet_usable() as u64,
                cidr: self.subnet,
                subnet_name: NODE_SUBNET_NAME,
            });
        }
        if let Some(pool) = &self.blocks
            && pool.used.free() == 0
        {
            return Err(IpamError::InsufficientSubnetSize {
                required: ((pool.used.count() + 1) * BLOCK_SIZE) as u64,
                available: (pool.used.len() * BLOCK_SIZE) as u64,
                cidr: pool.cidr,
                subnet_name: POD_CIDR_NAME,
            });
        }

        let ip_offset = self.take_subnet_offset();
        let pods = match &mut self.blocks {
            Some(pool) => NodePods::Block {
                index: pool.allocate_next(),
                used: AllocationBitmap::new(BLOCK_SIZE),
                last: None,
            },
            None => {
                let offsets: Vec<usize> =
                    (0..max_pods).map(|_| self.take_subnet_offset()).collect();
                NodePods::Reserved {
                    used: AllocationBitmap::new(offsets.len()),
                    offsets,
                }
            }
        };
        let state = NodeState { ip_offset, pods };
        let addresses = NodeAddresses {
            node_ip: self.subnet_ip(ip_offset),
            pod_cidr: self.pod_cidr_of(&state),
        };
        if self.nodes.len() <= slot {
            self.nodes.resize_with(slot + 1, || None);
        }
        self.nodes[slot] = Some(state);
        Ok(addresses)
    }

    /// AKS's check before `n` more nodes of a pool with this maxPods join (a scale-out, a new
    /// pool): `InsufficientSubnetSize` with the numbers for all of them, so the operation is
    /// refused before any VM is created.
    pub fn check_join(&self, n: u64, max_pods: u32) -> Result<(), IpamError> {
        if n == 0 {
            return Ok(());
        }
        let per_node = match self.plugin {
            Plugin::AzureCni => u64::from(max_pods) + 1,
            Plugin::Kubenet | Plugin::AzureCniOverlay => 1,
        };
        let need = n.saturating_mul(per_node);
        if (self.subnet_used.free() as u64) < need {
            return Err(IpamError::InsufficientSubnetSize {
                required: self.subnet_in_use() as u64 + need,
                available: self.subnet_usable() as u64,
                cidr: self.subnet,
                subnet_name: NODE_SUBNET_NAME,
            });
        }
        if let Some(pool) = &self.blocks
            && (pool.used.free() as u64) < n
        {
            return Err(IpamError::InsufficientSubnetSize {
                required: (pool.used.count() as u64 + n) * BLOCK_SIZE as u64,
                available: (pool.used.len() * BLOCK_SIZE) as u64,
                cidr: pool.cidr,
                subnet_name: POD_CIDR_NAME,
            });
        }
        Ok(())
    }

    /// Releases everything a leaving node held: its address, its /24 or its reserved pod
    /// addresses (including those of pods still on it).
    pub fn remove_node(&mut self, node: u32) {
        let Some(state) = self.nodes.get_mut(node as usize).and_then(Option::take) else {
            return;
        };
        self.release_subnet_offset(state.ip_offset);
        match state.pods {
            NodePods::Block { index, .. } => {
                if let Some(pool) = &mut self.blocks {
                    pool.used.clear(index);
                }
            }
            NodePods::Reserved { offsets, .. } => {
                for offset in offsets {
                    self.release_subnet_offset(offset);
                }
            }
        }
    }

    /// Gives a (non-hostNetwork) pod on `node` an address, as the plugin's IPAM does when the
    /// kubelet sets up the pod sandbox.
    pub fn allocate_pod_ip(&mut self, node: u32) -> Result<Ipv4Addr, IpamError> {
        let plugin = self.plugin;
        let state = self
            .nodes
            .get_mut(node as usize)
            .and_then(Option::as_mut)
            .ok_or(IpamError::UnknownNode(node))?;
        match &mut state.pods {
            NodePods::Block { index, used, last } => {
                let found = match plugin {
                    // host-local: resume after the last reserved address, wrapping.
                    Plugin::Kubenet => {
                        let start = last.map_or(BLOCK_FIRST_POD, |l| l + 1);
                        let start = if start >= BLOCK_END {
                            BLOCK_FIRST_POD
                        } else {
                            start
                        };
                        used.first_free_wrapping(BLOCK_FIRST_POD, BLOCK_END, start)
                    }
                    _ => used.first_free_in(BLOCK_FIRST_POD, BLOCK_END),
                };
                let block_base = self
                    .blocks
                    .as_ref()
                    .map_or(0, |pool| block_base(pool.cidr, *index));
                let Some(offset) = found else {
                    // host-local reports its whole range set, gateway included.
                    let first = if plugin == Plugin::Kubenet {
                        1
                    } else {
                        BLOCK_FIRST_POD
                    };
                    return Err(IpamError::NoPodAddress {
                        plugin,
                        first: Ipv4Addr::from(block_base + first as u32),
                        last: Ipv4Addr::from(block_base + (BLOCK_END - 1) as u32),
                    });
                };
                used.set(offset);
                *last = Some(offset);
                Ok(Ipv4Addr::from(block_base + offset as u32))
            }
            NodePods::Reserved { offsets, used } => {
                let network = u32::from(self.subnet.network());
                let Some(i) = used.first_free_in(0, offsets.len()) else {
                    let ip =
                        |o: Option<&usize>| Ipv4Addr::from(network + o.map_or(0, |&o| o as u32));
                    return Err(IpamError::NoPodAddress {
                        plugin,
                        first: ip(offsets.first()),
                        last: ip(offsets.last()),
                    });
                };
                used.set(i);
                Ok(Ipv4Addr::from(network + offsets[i] as u32))
            }
        }
    }

    /// Returns a pod's address when its sandbox is torn down.
    pub fn release_pod_ip(&mut self, node: u32, ip: Ipv4Addr) {
        let Some(state) = self.nodes.get_mut(node as usize).and_then(Option::as_mut) else {
            return;
        };
        match &mut state.pods {
            NodePods::Block { index, used, .. } => {
                if let Some(pool) = &self.blocks {
                    let base = block_base(pool.cidr, *index);
                    if let Some(offset) = u32::from(ip).checked_sub(base) {
                        used.clear(offset as usize);
                    }
                }
            }
            NodePods::Reserved { offsets, used } => {
                if let Some(offset) = u32::from(ip).checked_sub(u32::from(self.subnet.network()))
                    && let Ok(i) = offsets.binary_search(&(offset as usize))
                {
                    used.clear(i);
                }
            }
        }
    }

    /// The node's address — also the address of its hostNetwork pods.
    pub fn node_ip(&self, node: u32) -> Option<Ipv4Addr> {
        self.state(node).map(|s| self.subnet_ip(s.ip_offset))
    }

    /// The node's `spec.podCIDR` (kubenet and Overlay).
    pub fn pod_cidr(&self, node: u32) -> Option<Ipv4Net> {
        self.state(node).and_then(|s| self.pod_cidr_of(s))
    }

    /// How many more nodes of a pool with this maxPods can join before AKS reports
    /// `InsufficientSubnetSize` — the capacity-planning question.
    pub fn nodes_that_fit(&self, max_pods: u32) -> u64 {
        let subnet_free = self.subnet_used.free() as u64;
        match &self.blocks {
            Some(pool) => subnet_free.min(pool.used.free() as u64),
            None => subnet_free / (u64::from(max_pods) + 1),
        }
    }

    fn state(&self, node: u32) -> Option<&NodeState> {
        self.nodes.get(node as usize).and_then(Option::as_ref)
    }

    fn pod_cidr_of(&self, state: &NodeState) -> Option<Ipv4Net> {
        match (&state.pods, &self.blocks) {
            (NodePods::Block { index, .. }, Some(pool)) => Ipv4Net::new(
                Ipv4Addr::from(block_base(pool.cidr, *index)),
                NODE_POD_PREFIX,
            )
            .ok(),
            _ => None,
        }
    }

    fn subnet_ip(&self, offset: usize) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.subnet.network()) + offset as u32)
    }

    fn subnet_usable(&self) -> usize {
        self.subnet_used.len().saturating_sub(AZURE_RESERVED)
    }

    fn subnet_in_use(&self) -> usize {
        self.subnet_used.count().saturating_sub(AZURE_RESERVED)
    }

    /// Takes the subnet's lowest free address; the caller checked there is one.
    fn take_subnet_offset(&mut self) -> usize {
        let offset = self
            .subnet_used
            .first_free_in(self.subnet_hint, self.subnet_used.len())
            .expect("add_node checked the subnet has room before allocating"); // ok: internal invariant, not reachable from input
        self.subnet_used.set(offset);
        self.subnet_hint = offset + 1;
        offset
    }

    fn release_subnet_offset(&mut self, offset: usize) {
        if self.subnet_used.clear(offset) {
            self.subnet_hint = self.subnet_hint.min(offset);
        }
    }
}

impl BlockPool {
    /// `CidrSet.AllocateNext`: the first free block at or after `next_candidate`, wrapping.
    fn allocate_next(&mut self) -> usize {
        let index = self
            .used
            .first_free_wrapping(0, self.used.len(), self.next_candidate)
            .expect("add_node checked the pod CIDR has a free /24 before allocating"); // ok: internal invariant, not reachable from input
        self.used.set(index);
        self.next_candidate = (index + 1) % self.used.len();
        index
    }
}

/// A node pool as the capacity check sees it: its nodes at t=0 and their maxPods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolNodes {
    /// Nodes at t=0.
    pub count: u32,
    /// maxPods (Azure CNI reserves that many pod addresses per node).
    pub max_pods: u32,
}

/// Whether the nodes of `pools`, joining in order into an empty cluster, fit the node subnet
/// and (kubenet, Overlay) the pod CIDR — the check AKS makes before it creates the VMs. On
/// failure: the index of the pool whose node does not fit, and the `InsufficientSubnetSize`
/// error [`Ipam::add_node`] gives that node. Arithmetic over the empty ranges, so cluster
/// planning answers without allocating; a test checks it against [`Ipam::add_node`].
pub fn check_capacity(cfg: &NetworkConfig, pools: &[PoolNodes]) -> Result<(), (usize, IpamError)> {
    let size = range_size(cfg.vnet_subnet_cidr) as u64;
    let low = AZURE_RESERVED_LOW as u64;
    // Azure's reserved offsets as Ipam::new sets them: the first four and the last.
    let mut subnet_taken = low.min(size) + u64::from(size > low);
    let blocks = match (cfg.plugin.uses_pod_cidr(), cfg.pod_cidr) {
        (true, Some(cidr)) => Some((
            cidr,
            1u64 << NODE_POD_PREFIX.saturating_sub(cidr.prefix_len()),
        )),
        _ => None,
    };
    let mut blocks_taken = 0u64;
    for (i, pool) in pools.iter().enumerate() {
        let need = match cfg.plugin {
            Plugin::AzureCni => u64::from(pool.max_pods) + 1,
            Plugin::Kubenet | Plugin::AzureCniOverlay => 1,
        };
        let count = u64::from(pool.count);
        let subnet_fit = (size - subnet_taken) / need;
        let block_fit = blocks.map_or(u64::MAX, |(_, n)| n - blocks_taken);
        let fit = subnet_fit.min(block_fit);
        if count > fit {
            // Node `fit` of this pool fails; add_node checks the subnet first.
            let error = match blocks {
                Some((cidr, n)) if block_fit < subnet_fit => IpamError::InsufficientSubnetSize {
                    required: (blocks_taken + fit + 1) * BLOCK_SIZE as u64,
                    available: n * BLOCK_SIZE as u64,
                    cidr,
                    subnet_name: POD_CIDR_NAME,
                },
                _ => IpamError::InsufficientSubnetSize {
                    required: (subnet_taken + fit * need).saturating_sub(AZURE_RESERVED as u64)
                        + need,
                    available: size.saturating_sub(AZURE_RESERVED as u64),
                    cidr: cfg.vnet_subnet_cidr,
                    subnet_name: NODE_SUBNET_NAME,
                },
            };
            return Err((i, error));
        }
        subnet_taken += count * need;
        blocks_taken += count;
    }
    Ok(())
}

/// Number of addresses in a range (at most 2^32 on 64-bit targets).
fn range_size(net: Ipv4Net) -> usize {
    1usize << (32 - u32::from(net.prefix_len()))
}

/// The network address of block `index` of the pod CIDR.
fn block_base(cidr: Ipv4Net, index: usize) -> u32 {
    u32::from(cidr.network()) + ((index as u32) << (32 - u32::from(NODE_POD_PREFIX)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(
        plugin: &str,
        mode: Option<&str>,
        pod: Option<&str>,
        subnet: Option<&str>,
    ) -> NetworkConfig {
        NetworkConfig::resolve(Some(plugin), mode, pod, None, None, subnet).expect("valid")
    }

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    #[test]
    fn the_first_node_gets_dot_four_of_the_default_subnet() {
        // aks-nodes.md §5: `kubectl get nodes -o wide` on AKS shows 10.224.0.4 first; §D.6:
        // Azure reserves the first four addresses of a subnet.
        let mut ipam = Ipam::new(&NetworkConfig::default());
        let a = ipam.add_node(0, 250).unwrap();
        assert_eq!(a.node_ip, ip("10.224.0.4"));
        assert_eq!(ipam.add_node(1, 250).unwrap().node_ip, ip("10.224.0.5"));
        assert_eq!(ipam.node_ip(0), Some(ip("10.224.0.4")));
    }

    #[test]
    fn kubenet_and_overlay_give_each_node_the_next_slash_24() {
        // §D.1 (configure-kubenet.md:160): first node 10.244.0.0/24, second 10.244.1.0/24;
        // §D.3: Overlay does the same.
        for mode in [None, Some("overlay")] {
            let plugin = if mode.is_some() { "azure" } else { "kubenet" };
            let mut ipam = Ipam::new(&cfg(plugin, mode, None, None));
            let a = ipam.add_node(0, 110).unwrap();
            let b = ipam.add_node(1, 110).unwrap();
            assert_eq!(a.pod_cidr, Some("10.244.0.0/24".parse().unwrap()));
            assert_eq!(b.pod_cidr, Some("10.244.1.0/24".parse().unwrap()));
            assert_eq!(ipam.pod_cidr(1), b.pod_cidr);
        }
    }

    #[test]
    fn a_slash_16_pod_cidr_holds_256_nodes_and_the_next_is_insufficient_subnet_size() {
        // §D.3 (derived): the 256 /24s of a /16 cap a default-CIDR cluster at 256 nodes.
        let mut ipam = Ipam::new(&cfg("azure", Some("overlay"), None, Some("10.224.0.0/12")));
        for n in 0..256 {
            ipam.add_node(n, 250).unwrap();
        }
        assert_eq!(ipam.nodes_that_fit(250), 0);
        let err = ipam.add_node(256, 250).unwrap_err();
        assert_eq!(
            err,
            IpamError::InsufficientSubnetSize {
                required: 257 * 256,
                available: 65536,
                cidr: "10.244.0.0/16".parse().unwrap(),
                subnet_name: "networkProfile.podCIDR",
            }
        );
        // Nothing was allocated by the failed join.
        assert_eq!(ipam.node_ip(256), None);
        assert_eq!(ipam.add_node(256, 250).unwrap_err(), err);
    }

    #[test]
    fn insufficient_subnet_size_reads_as_aks_writes_it() {
        // Azure/AKS-Construction#701: a /22 pod CIDR and a fifth node.
        let mut ipam = Ipam::new(&cfg(
            "azure",
            Some("overlay"),
            Some("10.240.100.0/22"),
            None,
        ));
        for n in 0..4 {
            ipam.add_node(n, 250).unwrap();
        }
        assert_eq!(
            ipam.add_node(4, 250).unwrap_err().to_string(),
            "Pre-allocated IPs 1280 exceeds IPs available 1024 in Subnet Cidr 10.240.100.0/22, \
             Subnet Name networkProfile.podCIDR. If Autoscaler is enabled, the max-count from \
             each nodepool is counted towards this total (which means that pre-allocated IPs \
             count represents a theoretical max value, not the actual number of IPs \
             requested). http://aka.ms/aks/insufficientsubnetsize"
        );
    }

    #[test]
    fn a_freed_slash_24_is_reused_only_after_the_search_wraps() {
        // kube-controller-manager cidr_set.go AllocateNext resumes at nextCandidate.
        let mut ipam = Ipam::new(&cfg("kubenet", None, Some("10.244.0.0/22"), None));
        for n in 0..3 {
            ipam.add_node(n, 110).unwrap();
        }
        ipam.remove_node(0);
        assert_eq!(
            ipam.add_node(3, 110).unwrap().pod_cidr,
            Some("10.244.3.0/24".parse().unwrap())
        );
        assert_eq!(
            ipam.add_node(4, 110).unwrap().pod_cidr,
            Some("10.244.0.0/24".parse().unwrap())
        );
    }

    #[test]
    fn a_slash_24_node_subnet_holds_251_kubenet_nodes() {
        // §D.1 (configure-kubenet.md:74): a /24 node subnet supports up to 251 nodes.
        let mut ipam = Ipam::new(&cfg("kubenet", None, None, Some("10.224.0.0/24")));
        assert_eq!(ipam.nodes_that_fit(110), 251);
        for n in 0..251 {
            ipam.add_node(n, 110).unwrap();
        }
        assert_eq!(ipam.node_ip(250), Some(ip("10.224.0.254")));
        assert!(matches!(
            ipam.add_node(251, 110),
            Err(IpamError::InsufficientSubnetSize {
                required: 252,
                available: 251,
                subnet_name: "aks-subnet",
                ..
            })
        ));
    }

    #[test]
    fn kubenet_pods_start_at_dot_two_and_resume_after_the_last_reserved() {
        // host-local skips the cbr0 gateway .1 and continues after its last reserved address.
        let mut ipam = Ipam::new(&cfg("kubenet", None, None, None));
        ipam.add_node(7, 110).unwrap();
        let a = ipam.allocate_pod_ip(7).unwrap();
        let b = ipam.allocate_pod_ip(7).unwrap();
        assert_eq!((a, b), (ip("10.244.0.2"), ip("10.244.0.3")));
        ipam.release_pod_ip(7, a);
        assert_eq!(ipam.allocate_pod_ip(7).unwrap(), ip("10.244.0.4"));
        // Fill the rest; the search wraps and finds the released .2 last.
        for _ in 5..=254 {
            ipam.allocate_pod_ip(7).unwrap();
        }
        assert_eq!(ipam.allocate_pod_ip(7).unwrap(), ip("10.244.0.2"));
        assert_eq!(
            ipam.allocate_pod_ip(7).unwrap_err().to_string(),
            "failed to allocate for range 0: no IP addresses available in range set: \
             10.244.0.1-10.244.0.254"
        );
    }

    #[test]
    fn overlay_pods_take_the_lowest_free_address_from_dot_two() {
        let mut ipam = Ipam::new(&NetworkConfig::default());
        ipam.add_node(0, 250).unwrap();
        ipam.add_node(1, 250).unwrap();
        assert_eq!(ipam.allocate_pod_ip(1).unwrap(), ip("10.244.1.2"));
        assert_eq!(ipam.allocate_pod_ip(1).unwrap(), ip("10.244.1.3"));
        ipam.release_pod_ip(1, ip("10.244.1.2"));
        assert_eq!(ipam.allocate_pod_ip(1).unwrap(), ip("10.244.1.2"));
        for _ in 4..=254 {
            ipam.allocate_pod_ip(1).unwrap();
        }
        assert_eq!(
            ipam.allocate_pod_ip(1).unwrap_err().to_string(),
            "not enough IPs available, waiting on Azure CNS to allocate more"
        );
    }

    #[test]
    fn azure_cni_reserves_max_pods_plus_one_per_node() {
        // §D.2: IPs per node = maxPods + 1, reserved when the node joins; lowest first gives
        // nodes at .4, .35, .66 with maxPods 30.
        let mut ipam = Ipam::new(&cfg("azure", None, None, None));
        let a = ipam.add_node(0, 30).unwrap();
        let b = ipam.add_node(1, 30).unwrap();
        assert_eq!(
            a,
            NodeAddresses {
                node_ip: ip("10.224.0.4"),
                pod_cidr: None
            }
        );
        assert_eq!(b.node_ip, ip("10.224.0.35"));
        assert_eq!(ipam.add_node(2, 30).unwrap().node_ip, ip("10.224.0.66"));
        assert_eq!(ipam.allocate_pod_ip(1).unwrap(), ip("10.224.0.36"));
        let mut last = ip("0.0.0.0");
        for _ in 1..30 {
            last = ipam.allocate_pod_ip(1).unwrap();
        }
        assert_eq!(last, ip("10.224.0.65"));
        assert_eq!(
            ipam.allocate_pod_ip(1).unwrap_err().to_string(),
            "Failed to allocate address: No available addresses"
        );
        ipam.release_pod_ip(1, ip("10.224.0.50"));
        assert_eq!(ipam.allocate_pod_ip(1).unwrap(), ip("10.224.0.50"));
    }

    #[test]
    fn a_slash_24_holds_8_azure_cni_nodes_at_max_pods_30() {
        // §D.2 (concepts-network-legacy-cni.md:66): a /24 supports at most 8 nodes at maxPods 30.
        let mut ipam = Ipam::new(&cfg("azure", None, None, Some("10.224.0.0/24")));
        assert_eq!(ipam.nodes_that_fit(30), 8);
        for n in 0..8 {
            ipam.add_node(n, 30).unwrap();
        }
        assert_eq!(
            ipam.add_node(8, 30).unwrap_err(),
            IpamError::InsufficientSubnetSize {
                required: 9 * 31,
                available: 251,
                cidr: "10.224.0.0/24".parse().unwrap(),
                subnet_name: "aks-subnet",
            }
        );
    }

    /// What joining `pools`' nodes one by one does: the first failure, by pool.
    fn joined(cfg: &NetworkConfig, pools: &[PoolNodes]) -> Result<(), (usize, IpamError)> {
        let mut ipam = Ipam::new(cfg);
        let mut id = 0;
        for (i, p) in pools.iter().enumerate() {
            for _ in 0..p.count {
                ipam.add_node(id, p.max_pods).map_err(|e| (i, e))?;
                id += 1;
            }
        }
        Ok(())
    }

    #[test]
    fn the_capacity_check_agrees_with_joining_the_nodes_one_by_one() {
        let pool = |count, max_pods| PoolNodes { count, max_pods };
        let configs = [
            cfg("azure", None, None, Some("10.224.0.0/24")),
            cfg("azure", None, None, Some("10.224.0.0/22")),
            cfg("azure", None, None, Some("10.224.0.0/28")),
            cfg("azure", None, None, None),
            cfg(
                "kubenet",
                None,
                Some("10.244.0.0/22"),
                Some("10.224.0.0/29"),
            ),
            cfg(
                "kubenet",
                None,
                Some("10.244.0.0/22"),
                Some("10.224.0.0/24"),
            ),
            cfg(
                "kubenet",
                None,
                Some("10.244.0.0/20"),
                Some("10.224.0.0/27"),
            ),
            cfg(
                "azure",
                Some("overlay"),
                Some("10.244.0.0/23"),
                Some("10.224.0.0/28"),
            ),
            cfg(
                "azure",
                Some("overlay"),
                Some("10.244.0.0/22"),
                Some("10.224.0.0/29"),
            ),
            cfg("azure", Some("overlay"), None, None),
        ];
        let plans: [&[PoolNodes]; 8] = [
            &[],
            &[pool(1, 10)],
            &[pool(3, 30)],
            &[pool(8, 30)],
            &[pool(5, 30), pool(4, 30)],
            &[pool(2, 250), pool(0, 10), pool(3, 10)],
            &[pool(4, 110), pool(20, 10), pool(1, 250)],
            &[pool(300, 30)],
        ];
        let mut failures = 0;
        for c in &configs {
            for p in plans {
                let want = joined(c, p);
                failures += usize::from(want.is_err());
                assert_eq!(check_capacity(c, p), want, "{c:?} {p:?}");
            }
        }
        // Both the node subnet and the pod CIDR run out somewhere in the table.
        assert!(failures > 10, "{failures}");
        let e = check_capacity(&configs[0], &[pool(5, 30), pool(4, 30)]).unwrap_err();
        assert_eq!(
            e,
            (
                1,
                IpamError::InsufficientSubnetSize {
                    required: 9 * 31,
                    available: 251,
                    cidr: "10.224.0.0/24".parse().unwrap(),
                    subnet_name: "aks-subnet",
                }
            )
        );
        let e = check_capacity(&configs[4], &[pool(3, 110), pool(1, 10)]).unwrap_err();
        assert_eq!(e.0, 1);
        assert!(
            e.1.to_string().contains("Subnet Name aks-subnet"),
            "{}",
            e.1
        );
        let e = check_capacity(&configs[7], &[pool(3, 110)]).unwrap_err();
        assert!(e.1.to_string().starts_with("Pre-allocated IPs 768 exceeds IPs available 512 in Subnet Cidr 10.244.0.0/23, Subnet Name networkProfile.podCIDR"), "{}", e.1);
    }

    #[test]
    fn the_docs_fifty_node_example_fits_a_slash_21_but_not_a_slash_22() {
        // §D.2 (concepts-network-ip-address-planning.md:52): (51) + (51 × 30) = 1,581 → /21.
        let fits =
            |subnet: &str| Ipam::new(&cfg("azure", None, None, Some(subnet))).nodes_that_fit(30);
        assert!(fits("10.224.0.0/21") >= 51);
        assert!(fits("10.224.0.0/22") < 51);
    }

    #[test]
    fn a_removed_azure_cni_node_frees_its_block_for_the_next() {
        let mut ipam = Ipam::new(&cfg("azure", None, None, Some("10.224.0.0/24")));
        for n in 0..3 {
            ipam.add_node(n, 30).unwrap();
        }
        ipam.allocate_pod_ip(0).unwrap();
        ipam.remove_node(0);
        assert_eq!(ipam.node_ip(0), None);
        assert_eq!(ipam.allocate_pod_ip(0), Err(IpamError::UnknownNode(0)));
        // The lowest free addresses are the removed node's.
        assert_eq!(ipam.add_node(3, 30).unwrap().node_ip, ip("10.224.0.4"));
        assert_eq!(ipam.allocate_pod_ip(3).unwrap(), ip("10.224.0.5"));
        assert_eq!(ipam.add_node(3, 30), Err(IpamError::NodeAlreadyAdded(3)));
    }

    #[test]
    fn a_thousand_nodes_of_a_hundred_pods_allocate_quickly_and_never_overlap() {
        for config in [
            cfg(
                "azure",
                Some("overlay"),
                Some("10.128.0.0/14"),
                Some("10.224.0.0/16"),
            ),
            cfg("azure", None, None, Some("10.224.0.0/15")),
            cfg(
                "kubenet",
                None,
                Some("10.128.0.0/14"),
                Some("10.224.0.0/16"),
            ),
        ] {
            let mut ipam = Ipam::new(&config);
            let mut seen = std::collections::BTreeSet::new();
            for n in 0..1000 {
                assert!(seen.insert(ipam.add_node(n, 100).unwrap().node_ip));
                for _ in 0..100 {
                    assert!(seen.insert(ipam.allocate_pod_ip(n).unwrap()));
                }
            }
            assert_eq!(seen.len(), 101_000);
        }
    }

    proptest::proptest! {
        /// Whatever the order of joins, leaves, sandboxes and teardowns, no two live holders
        /// ever share an address.
        #[test]
        fn live_addresses_never_overlap(
            plugin in 0..3u8,
            ops in proptest::collection::vec((0..4u8, 0..6u32), 0..300),
        ) {
            let config = match plugin {
                0 => cfg("kubenet", None, Some("10.244.0.0/22"), Some("10.224.0.0/27")),
                1 => cfg("azure", None, None, Some("10.224.0.0/26")),
                _ => cfg("azure", Some("overlay"), Some("10.244.0.0/22"), Some("10.224.0.0/27")),
            };
            let mut ipam = Ipam::new(&config);
            // (node, address) of every live holder; a node's own address has node = id.
            let mut live: Vec<(u32, Ipv4Addr)> = Vec::new();
            for (op, node) in ops {
                match op {
                    0 => if let Ok(a) = ipam.add_node(node, 10) {
                        live.push((node, a.node_ip));
                    },
                    1 => {
                        ipam.remove_node(node);
                        live.retain(|&(n, _)| n != node);
                    }
                    2 => if let Ok(ip) = ipam.allocate_pod_ip(node) {
                        live.push((node, ip));
                    },
                    _ => {
                        let node_ip = ipam.node_ip(node);
                        if let Some(i) = live.iter().position(|&(n, ip)| n == node && Some(ip) != node_ip) {
                            let (_, ip) = live.swap_remove(i);
                            ipam.release_pod_ip(node, ip);
                        }
                    }
                }
                let mut ips: Vec<Ipv4Addr> = live.iter().map(|&(_, ip)| ip).collect();
                ips.sort();
                let before = ips.len();
                ips.dedup();
                proptest::prop_assert_eq!(before, ips.len());
            }
        }
    }
}
