//! The kube-system workloads AKS runs in every cluster (its "system pods"), per network plugin:
//! DaemonSets that put one pod on each Linux node and Deployments with a fixed or
//! autoscaled replica count. They take pod slots, addresses and allocatable at t=0
//! (docs/scenario.md#the-cluster-at-t0).
//!
//! Sources: reference/aks-nodes.md §3.1 (which workloads), §3.2 (requests), §3.3 (counts per
//! plugin); coredns replicas port the ladder mode of kubernetes-sigs/cluster-proportional-
//! autoscaler (`pkg/autoscaler/controller/laddercontroller/ladder_controller.go`,
//! `getExpectedReplicasFromParams`) with AKS's default ladder from `coredns-autoscale.md`.
//!
//! Simplifications: default add-ons only (no network policy engine, Cilium, monitoring or
//! other add-ons); init containers and limits are not modelled (only requests count for
//! scheduling); metrics-server's per-node nanny growth is ignored; every request the reference
//! does not verify is a kubesim choice, marked `CHOSEN` in [`SystemWorkload::source`]. Images
//! are illustrative: the tags of the 1.35 components pre-pulled on AKS node image
//! AKSUbuntu-2404/202608.06.1 where that image lists them, otherwise a plausible tag.

const MI: i64 = 1 << 20;

/// The cluster's pod networking model decides which node agents AKS installs; it is the
/// network module's [`Plugin`](crate::network::Plugin).
pub use crate::network::Plugin as NetworkPlugin;

/// The controller that owns a system workload's pods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OwnerKind {
    /// One pod per (Linux) node.
    DaemonSet,
    /// `replicas` pods placed by the scheduler.
    Deployment,
}

/// One container of a system pod: only what scheduling and `kubectl describe` need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SystemContainer {
    /// Container name.
    pub name: &'static str,
    /// Image reference (illustrative tag; see the module docs).
    pub image: &'static str,
    /// CPU request in millicores (0 = none).
    pub cpu_milli: i64,
    /// Memory request in bytes (0 = none).
    pub memory_bytes: i64,
}

/// One kube-system DaemonSet or Deployment AKS installs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SystemWorkload {
    /// Object name; pods are named after it.
    pub name: &'static str,
    /// The `k8s-app` label of the object, its selector and its pods: the name, except
    /// coredns's `kube-dns` (what the kube-dns Service selects, and what AKS's DNS
    /// troubleshooting lists with `-l k8s-app=kube-dns`).
    pub app: &'static str,
    /// DaemonSet or Deployment.
    pub owner: OwnerKind,
    /// Desired replicas for a Deployment; 0 for a DaemonSet.
    pub replicas: u32,
    /// The pod's containers.
    pub containers: &'static [SystemContainer],
    /// Whether the pod uses the node's network namespace (and so the node IP, no pod IP).
    pub host_network: bool,
    /// `priorityClassName`: node agents are `system-node-critical`, cluster add-ons
    /// `system-cluster-critical` (a kubesim choice after the upstream add-on manifests;
    /// AKS's own manifests are not in the reference).
    pub priority_class: &'static str,
    /// Where presence, requests and hostNetwork come from; `CHOSEN` marks kubesim's own picks.
    pub source: &'static str,
}

impl SystemWorkload {
    /// The pod's CPU request in millicores (sum over containers).
    pub fn cpu_milli(&self) -> i64 {
        self.containers.iter().map(|c| c.cpu_milli).sum()
    }

    /// The pod's memory request in bytes (sum over containers).
    pub fn memory_bytes(&self) -> i64 {
        self.containers.iter().map(|c| c.memory_bytes).sum()
    }
}

const fn container(
    name: &'static str,
    image: &'static str,
    cpu_milli: i64,
    memory_mib: i64,
) -> SystemContainer {
    SystemContainer {
        name,
        image,
        cpu_milli,
        memory_bytes: memory_mib * MI,
    }
}

const fn daemon_set(
    name: &'static str,
    containers: &'static [SystemContainer],
    source: &'static str,
) -> SystemWorkload {
    SystemWorkload {
        name,
        app: name,
        owner: OwnerKind::DaemonSet,
        replicas: 0,
        containers,
        host_network: true,
        priority_class: crate::model::priorityclass::SYSTEM_NODE_CRITICAL,
        source,
    }
}

const fn deployment(
    name: &'static str,
    replicas: u32,
    containers: &'static [SystemContainer],
    source: &'static str,
) -> SystemWorkload {
    SystemWorkload {
        name,
        app: name,
        owner: OwnerKind::Deployment,
        replicas,
        containers,
        host_network: false,
        priority_class: crate::model::priorityclass::SYSTEM_CLUSTER_CRITICAL,
        source,
    }
}

const CSI_LIVENESS: &str = "mcr.microsoft.com/oss/v2/kubernetes-csi/livenessprobe:v2.19.0";
const CSI_REGISTRAR: &str =
    "mcr.microsoft.com/oss/v2/kubernetes-csi/csi-node-driver-registrar:v2.17.0";

const KUBE_PROXY: SystemWorkload = daemon_set(
    "kube-proxy",
    &[container(
        "kube-proxy",
        "mcr.microsoft.com/oss/v2/kubernetes/kube-proxy:v1.35.7-1",
        100,
        0,
    )],
    "aks-nodes.md §3.1 privileged-identity-management.md; cpu 100m Azure/AKS#1558; memory \
     unknown → CHOSEN none; hostNetwork: kube-proxy programs the node's iptables",
);

const IP_MASQ_AGENT: SystemWorkload = daemon_set(
    "azure-ip-masq-agent",
    &[container(
        "azure-ip-masq-agent",
        "mcr.microsoft.com/oss/v2/azure/ip-masq-agent-v2:v0.1.16-14",
        100,
        50,
    )],
    "aks-nodes.md §3.1; 100m/50Mi Azure/AKS#1558 (2020, may be outdated); on kubenet UNVERIFIED \
     (kept, §3.3); hostNetwork CHOSEN (it edits the node's NAT rules)",
);

const CLOUD_NODE_MANAGER: SystemWorkload = daemon_set(
    "cloud-node-manager",
    &[container(
        "cloud-node-manager",
        "mcr.microsoft.com/oss/v2/kubernetes/azure-cloud-node-manager:v1.35.8-1",
        50,
        50,
    )],
    "aks-nodes.md §3.1; 50m/50Mi Azure/AKS#5251 (2025); hostNetwork: pod IPs equal node IPs in \
     canonical/bundle-kubeflow#1412",
);

const CSI_AZUREDISK_NODE: SystemWorkload = daemon_set(
    "csi-azuredisk-node",
    &[
        container("liveness-probe", CSI_LIVENESS, 10, 20),
        container("node-driver-registrar", CSI_REGISTRAR, 10, 20),
        container(
            "azuredisk",
            "mcr.microsoft.com/oss/v2/kubernetes-csi/azuredisk-csi:v1.34.4",
            10,
            20,
        ),
    ],
    "aks-nodes.md §3.1 (3/3); azuredisk 10m/20Mi Azure/AKS#5251, sidecars 10m/20Mi \
     kubernetes-sigs/azurefile-csi-driver#1078 (total 30m/60Mi derived); hostNetwork as in the \
     upstream csi-azuredisk-node manifest",
);

const CSI_AZUREFILE_NODE: SystemWorkload = daemon_set(
    "csi-azurefile-node",
    &[
        container("liveness-probe", CSI_LIVENESS, 10, 20),
        container("node-driver-registrar", CSI_REGISTRAR, 10, 20),
        container(
            "azurefile",
            "mcr.microsoft.com/oss/v2/kubernetes-csi/azurefile-csi:v1.35.6",
            10,
            20,
        ),
    ],
    "aks-nodes.md §3.1 (3/3); 3 × 10m/20Mi kubernetes-sigs/azurefile-csi-driver#1078 (derived); \
     hostNetwork as in the upstream csi-azurefile-node manifest",
);

const AZURE_CNS: SystemWorkload = daemon_set(
    "azure-cns",
    &[container(
        "cns-container",
        "mcr.microsoft.com/containernetworking/v2/azure-cns:v1.8.11",
        40,
        250,
    )],
    "aks-nodes.md §3.1 (Overlay; plugin matrix UNVERIFIED); requests unknown → CHOSEN 40m/250Mi \
     (250Mi ≈ Azure/AKS#3525's 550 MB for azure-cns + azure-npm minus azure-npm's 300Mi, \
     Azure/AKS#2033); hostNetwork as in Azure/azure-container-networking cns/azure-cns.yaml",
);

const COREDNS_CONTAINERS: &[SystemContainer] = &[container(
    "coredns",
    "mcr.microsoft.com/oss/v2/kubernetes/coredns:v1.13.1-20",
    100,
    70,
)];
const COREDNS_SOURCE: &str = "aks-nodes.md §3.1 replicas by the cluster-proportional-autoscaler \
     ladder (coredns-autoscale.md); 100m/70Mi verified (customize-resource-configuration.md, \
     Azure/AKS#5251)";

const COREDNS_AUTOSCALER: SystemWorkload = deployment(
    "coredns-autoscaler",
    1,
    &[container(
        "autoscaler",
        "mcr.microsoft.com/oss/v2/kubernetes/autoscaler/cluster-proportional-autoscaler:v1.9.0-22",
        20,
        10,
    )],
    "aks-nodes.md §3.1 (1 replica); 20m/10Mi Radix blog (2019, old)",
);

const METRICS_SERVER: SystemWorkload = deployment(
    "metrics-server",
    2,
    &[
        container(
            "metrics-server",
            "mcr.microsoft.com/oss/v2/kubernetes/metrics-server:v0.7.2",
            150,
            100,
        ),
        container(
            "metrics-server-vpa",
            "mcr.microsoft.com/oss/v2/kubernetes/autoscaler/addon-resizer:v1.8.23-29",
            5,
            25,
        ),
    ],
    "aks-nodes.md §3.1 (2 replicas, 2/2); metrics-server CHOSEN 150m/100Mi = the nanny base of \
     use-metrics-server-vertical-pod-autoscaler.md (AKS default UNVERIFIED, per-node growth \
     ignored); metrics-server-vpa CHOSEN 5m/25Mi",
);

const KONNECTIVITY_AGENT: SystemWorkload = deployment(
    "konnectivity-agent",
    2,
    &[container(
        "konnectivity-agent",
        "mcr.microsoft.com/oss/v2/kubernetes/apiserver-network-proxy/agent:v0.32.1-11",
        10,
        20,
    )],
    "aks-nodes.md §3.1 (Deployment, 2 replicas); requests unknown → CHOSEN 10m/20Mi; \
     hostNetwork CHOSEN false",
);

/// The system workloads of a cluster with `node_count` nodes on `plugin`, sorted by name.
///
/// All plugins: kube-proxy, azure-ip-masq-agent, cloud-node-manager, csi-azuredisk-node,
/// csi-azurefile-node (DaemonSets); coredns (replicas by [`coredns_replicas`] on the node
/// ladder), coredns-autoscaler ×1, metrics-server ×2, konnectivity-agent ×2. Overlay adds the
/// azure-cns DaemonSet. Legacy Azure CNI is given the kubenet set: the reference expects
/// azure-cns with Overlay and Pod Subnet only, which is UNVERIFIED. konnectivity-agent-autoscaler
/// is left out (seen only on AKS Automatic, §3.1).
///
/// The coredns count uses nodes only: AKS's cores ladder only outvotes the node ladder when
/// nodes average 64 or more cores, which no size in [`crate::aks::vm_sizes`] has; call
/// [`coredns_replicas`] with the cluster's cores to cover overrides.
pub fn system_workloads(plugin: NetworkPlugin, node_count: u32) -> Vec<SystemWorkload> {
    let mut out = vec![
        KUBE_PROXY,
        IP_MASQ_AGENT,
        CLOUD_NODE_MANAGER,
        CSI_AZUREDISK_NODE,
        CSI_AZUREFILE_NODE,
        SystemWorkload {
            app: "kube-dns",
            ..deployment(
                "coredns",
                coredns_replicas(node_count, 0),
                COREDNS_CONTAINERS,
                COREDNS_SOURCE,
            )
        },
        COREDNS_AUTOSCALER,
        METRICS_SERVER,
        KONNECTIVITY_AGENT,
    ];
    if plugin == NetworkPlugin::AzureCniOverlay {
        out.push(AZURE_CNS);
    }
    out.sort_by_key(|w| w.name);
    out
}

/// AKS's default coredns-autoscaler ladder (`coredns-autoscale.md`):
/// `nodesToReplicas [[1,2],[8,3],[16,4],[32,5]]`.
const COREDNS_NODES_TO_REPLICAS: [(u64, u32); 4] = [(1, 2), (8, 3), (16, 4), (32, 5)];
/// `coresToReplicas [[1,2],[512,3],[1024,4],[2048,5]]`.
const COREDNS_CORES_TO_REPLICAS: [(u64, u32); 4] = [(1, 2), (512, 3), (1024, 4), (2048, 5)];

/// coredns replicas as AKS's cluster-proportional-autoscaler sets them: the larger of the node
/// ladder and the cores ladder, over schedulable nodes and their cores (2 for 1–7 nodes, 3 for
/// 8–15, 4 for 16–31, 5 from 32).
pub fn coredns_replicas(schedulable_nodes: u32, schedulable_cores: u64) -> u32 {
    let by_nodes = ladder_replicas(u64::from(schedulable_nodes), &COREDNS_NODES_TO_REPLICAS);
    let by_cores = ladder_replicas(schedulable_cores, &COREDNS_CORES_TO_REPLICAS);
    by_nodes.max(by_cores)
}

/// One ladder lookup, as CPA's `getExpectedReplicasFromEntries`: the replicas of the last step
/// whose threshold `resources` reaches, the first step's below it, 1 for an empty ladder.
fn ladder_replicas(resources: u64, ladder: &[(u64, u32)]) -> u32 {
    let reached = ladder.partition_point(|&(threshold, _)| threshold <= resources);
    ladder
        .get(reached.saturating_sub(1))
        .map_or(1, |&(_, replicas)| replicas)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn daemon_sets(plugin: NetworkPlugin) -> Vec<&'static str> {
        system_workloads(plugin, 3)
            .iter()
            .filter(|w| w.owner == OwnerKind::DaemonSet)
            .map(|w| w.name)
            .collect()
    }

    fn deployment_pods(plugin: NetworkPlugin, nodes: u32) -> u32 {
        system_workloads(plugin, nodes)
            .iter()
            .filter(|w| w.owner == OwnerKind::Deployment)
            .map(|w| w.replicas)
            .sum()
    }

    #[test]
    fn overlay_runs_six_daemon_sets_per_node() {
        // aks-nodes.md §3.3: kube-proxy, azure-ip-masq-agent, cloud-node-manager,
        // csi-azuredisk-node, csi-azurefile-node, azure-cns.
        assert_eq!(
            daemon_sets(NetworkPlugin::AzureCniOverlay),
            [
                "azure-cns",
                "azure-ip-masq-agent",
                "cloud-node-manager",
                "csi-azuredisk-node",
                "csi-azurefile-node",
                "kube-proxy"
            ]
        );
    }

    #[test]
    fn kubenet_drops_azure_cns_for_five_daemon_sets() {
        // aks-nodes.md §3.3: "Kubenet: drop azure-cns (about 5 DaemonSets per node)".
        let ds = daemon_sets(NetworkPlugin::Kubenet);
        assert_eq!(ds.len(), 5);
        assert!(!ds.contains(&"azure-cns"));
        assert_eq!(daemon_sets(NetworkPlugin::AzureCni), ds);
    }

    #[test]
    fn a_small_cluster_runs_seven_deployment_pods() {
        // aks-nodes.md §3.3: coredns ×2, coredns-autoscaler ×1, metrics-server ×2,
        // konnectivity-agent ×2 = 7; with 6 DaemonSet pods per node, 25 on 3 nodes.
        assert_eq!(deployment_pods(NetworkPlugin::AzureCniOverlay, 3), 7);
        assert_eq!(deployment_pods(NetworkPlugin::Kubenet, 1), 7);
        let ds = daemon_sets(NetworkPlugin::AzureCniOverlay).len() as u32;
        assert_eq!(
            3 * ds + deployment_pods(NetworkPlugin::AzureCniOverlay, 3),
            25
        );
    }

    #[test]
    fn coredns_follows_the_aks_node_ladder() {
        // coredns-autoscale.md default ladder: 2 for 1–7 nodes, 3 for 8–15, 4 for 16–31, 5 ≥ 32.
        for (nodes, replicas) in [
            (1, 2),
            (3, 2),
            (7, 2),
            (8, 3),
            (15, 3),
            (16, 4),
            (31, 4),
            (32, 5),
            (1000, 5),
        ] {
            assert_eq!(coredns_replicas(nodes, 0), replicas, "{nodes} nodes");
            let coredns = system_workloads(NetworkPlugin::AzureCniOverlay, nodes)
                .into_iter()
                .find(|w| w.name == "coredns")
                .expect("coredns is always installed");
            assert_eq!(coredns.replicas, replicas, "{nodes} nodes");
        }
    }

    #[test]
    fn coredns_takes_the_larger_of_the_node_and_core_ladders() {
        // 4 nodes of 128 cores = 512 cores → cores ladder says 3, node ladder 2.
        assert_eq!(coredns_replicas(4, 512), 3);
        assert_eq!(coredns_replicas(4, 2048), 5);
        assert_eq!(coredns_replicas(40, 8), 5);
    }

    #[test]
    fn ladder_lookup_matches_cpa_test_controller_scaler() {
        // cluster-proportional-autoscaler ladder_controller_test.go TestControllerScaler:
        // entries {1,1},{2,2},{3,3},{4,4},{10,10},{20,20}.
        let entries = [(1, 1), (2, 2), (3, 3), (4, 4), (10, 10), (20, 20)];
        // {testEntries, 0, 1} … {testEntries, 40, 20}
        let cases = [
            (0, 1),
            (1, 1),
            (2, 2),
            (3, 3),
            (4, 4),
            (6, 4),
            (10, 10),
            (11, 10),
            (19, 10),
            (20, 20),
            (21, 20),
            (40, 20),
        ];
        for (resources, replicas) in cases {
            assert_eq!(
                ladder_replicas(resources, &entries),
                replicas,
                "{resources}"
            );
        }
        // getExpectedReplicasFromEntries: an empty ladder means 1 replica.
        assert_eq!(ladder_replicas(5, &[]), 1);
    }

    #[test]
    fn coredns_pods_are_labelled_for_the_kube_dns_service() {
        // The kube-dns Service selects k8s-app=kube-dns; every other workload's k8s-app is
        // its name.
        for w in system_workloads(NetworkPlugin::AzureCniOverlay, 3) {
            let want = if w.name == "coredns" {
                "kube-dns"
            } else {
                w.name
            };
            assert_eq!(w.app, want);
        }
    }

    #[test]
    fn coredns_requests_100m_and_70mi() {
        // aks-nodes.md §3.2 (verified, two sources).
        let coredns = system_workloads(NetworkPlugin::Kubenet, 3)
            .into_iter()
            .find(|w| w.name == "coredns")
            .expect("coredns is always installed");
        assert_eq!(coredns.cpu_milli(), 100);
        assert_eq!(coredns.memory_bytes(), 70 * 1024 * 1024);
        assert!(!coredns.host_network);
    }

    #[test]
    fn csi_node_pods_request_thirty_millicores_and_sixty_mib() {
        // aks-nodes.md §3.2: 3 × (10m/20Mi) = 30m / 60Mi (derived).
        for w in system_workloads(NetworkPlugin::Kubenet, 3)
            .iter()
            .filter(|w| w.name.starts_with("csi-"))
        {
            assert_eq!(w.containers.len(), 3, "{}", w.name);
            assert_eq!(
                (w.cpu_milli(), w.memory_bytes()),
                (30, 60 * MI),
                "{}",
                w.name
            );
        }
    }

    #[test]
    fn daemon_sets_have_no_replicas_and_use_the_host_network() {
        for w in system_workloads(NetworkPlugin::AzureCniOverlay, 3) {
            match w.owner {
                OwnerKind::DaemonSet => {
                    assert_eq!(w.replicas, 0, "{}", w.name);
                    assert!(w.host_network, "{}", w.name);
                }
                OwnerKind::Deployment => assert!(w.replicas >= 1, "{}", w.name),
            }
            assert!(!w.source.is_empty());
            assert!(
                w.containers
                    .iter()
                    .all(|c| c.image.starts_with("mcr.microsoft.com/"))
            );
        }
    }
}
