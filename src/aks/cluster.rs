//! The cluster as `az aks create` leaves it (docs/scenario.md#the-cluster-at-t0): the scenario's `cluster` section
//! checked against AKS's rules ([`plan`]) and turned into the objects that exist at t=0
//! ([`bootstrap`]): namespaces, nodes with AKS's names, labels, allocatable and addresses,
//! the `kubernetes` and `kube-dns` Services, and AKS's system pods running.
//!
//! The system DaemonSets are stored with their pods already running and a status that counts
//! them, as the DaemonSet controller would have left them, so its first sync changes nothing.
//!
//! Deployment system pods are placed on System-pool nodes as the scheduler's default scores
//! rank them ([`place_system_pod`]) rather than through a scheduling cycle each.

use crate::aks::allocatable::{NodeResources, node_resources};
use crate::aks::node_info::{NodeInfo as AksNodeInfo, kubernetes_minor, node_info};
use crate::aks::system_pods::{OwnerKind, system_workloads};
use crate::aks::vm_sizes;
use crate::apiserver::Allocators;
use crate::controllers::nspublisher::prefill;
use crate::controllers::rootca::RootCa;
use crate::controllers::serviceaccount::DefaultServiceAccount;
use crate::diag::{Problem, Span, did_you_mean};
use crate::etcd::Store;
use crate::model::kind::Kind;
use crate::model::labels::{Labels, Selector};
use crate::model::meta::{Meta, ObjRef, OwnerRef};
use crate::scheduler::plugins::{NodeUsage, nonzero_requests, resource_score};

use crate::model::node::LEASE_RENEW;
use crate::model::pod::{
    Container, ContainerState, ContainerStatus, Phase, Pod, PodSpec, PodStatus, PullPolicy,
    Resources, RestartPolicy, Taint, TaintEffect, Toleration,
};
use crate::model::quantity::Quantity;
use crate::model::service::{
    DaemonSet, DaemonSetSpec, DaemonSetStatus, DaemonSetStrategy, Namespace, Service, ServicePort,
    ServiceType,
};
use crate::model::workload::{
    Deployment, DeploymentSpec, DeploymentStatus, IntOrPercent, PodTemplate, ReplicaSet,
    ReplicaSetSpec, ReplicaSetStatus, Strategy,
};
use crate::network::config::default_max_pods;
use crate::network::{IpamError, NetworkConfig, Plugin, PoolNodes, check_capacity};
use crate::scenario::spec::{ClusterSpec, PoolMode};
use crate::sim::rng::Streams;
use crate::sim::time::SimTime;
use rand::RngExt;
use std::sync::Arc;

/// One node pool, resolved.
#[derive(Clone, Debug)]
pub struct PoolPlan {
    /// Pool name.
    pub name: String,
    /// System mode.
    pub system: bool,
    /// Nodes at t=0.
    pub count: u32,
    /// Canonical VM size name.
    pub vm_size: &'static str,
    /// Capacity and allocatable.
    pub resources: NodeResources,
    /// maxPods.
    pub max_pods: u32,
    /// Zones (empty: regional).
    pub zones: Vec<u32>,
    /// The pool's own labels.
    pub labels: Vec<(String, String)>,
    /// The pool's taints.
    pub taints: Vec<Taint>,
}

/// The whole cluster, resolved.
#[derive(Clone, Debug)]
pub struct ClusterPlan {
    /// Cluster name.
    pub name: String,
    /// Region.
    pub location: String,
    /// `kubernetesVersion` as written (`1.35`).
    pub kubernetes_version: String,
    /// Node image facts for the version.
    pub info: AksNodeInfo,
    /// Network settings.
    pub network: NetworkConfig,
    /// AKS's system pods at t=0.
    pub system_pods: bool,
    /// Pools.
    pub pools: Vec<PoolPlan>,
}

fn quantity(
    raw: &crate::scenario::spec::Spanned<String>,
    path: &str,
    problems: &mut Vec<Problem>,
) -> Option<Quantity> {
    match Quantity::parse(&raw.value) {
        Ok(q) => Some(q),
        Err(e) => {
            let mut p = Problem::new(
                raw.span,
                path,
                format!("Invalid value: {:?}: {e}", raw.value),
            );
            if let Some(h) = crate::manifest::extract::quantity_hint(&raw.value) {
                p = p.with_help(h);
            }
            problems.push(p);
            None
        }
    }
}

/// Checks the `cluster` section's raw fields against AKS and Kubernetes rules.
pub fn plan(spec: &ClusterSpec, cluster_span: Span) -> Result<ClusterPlan, Vec<Problem>> {
    let mut problems = Vec::new();
    let raw =
        |f: &Option<crate::scenario::spec::Spanned<String>>| f.as_ref().map(|s| s.value.clone());
    let network = NetworkConfig::resolve(
        raw(&spec.network_plugin).as_deref(),
        raw(&spec.network_plugin_mode).as_deref(),
        raw(&spec.pod_cidr).as_deref(),
        raw(&spec.service_cidr).as_deref(),
        raw(&spec.dns_service_ip).as_deref(),
        raw(&spec.vnet_subnet_cidr).as_deref(),
    );
    let network = match network {
        Ok(n) => Some(n),
        Err(errs) => {
            for (field, msg) in errs {
                use crate::network::Field as F;
                let span = match field {
                    F::NetworkPlugin => spec.network_plugin.as_ref(),
                    F::NetworkPluginMode => spec.network_plugin_mode.as_ref(),
                    F::PodCidr => spec.pod_cidr.as_ref(),
                    F::ServiceCidr => spec.service_cidr.as_ref(),
                    F::DnsServiceIp => spec.dns_service_ip.as_ref(),
                    F::VnetSubnetCidr => spec.vnet_subnet_cidr.as_ref(),
                }
                .map(|s| s.span)
                .unwrap_or(cluster_span);
                problems.push(Problem::new(span, format!("cluster.{}", field.key()), msg));
            }
            None
        }
    };
    let info = match node_info(&spec.kubernetes_version) {
        Ok(i) => Some(i),
        Err(e) => {
            problems.push(Problem::new(
                cluster_span,
                "cluster.kubernetesVersion",
                e.to_string(),
            ));
            None
        }
    };
    let minor = kubernetes_minor(&spec.kubernetes_version).unwrap_or(35);
    let plugin = network
        .as_ref()
        .map(|n| n.plugin)
        .unwrap_or(Plugin::AzureCniOverlay);
    let mut pools = Vec::new();
    for (i, p) in spec.node_pools.iter().enumerate() {
        let path = format!("cluster.nodePools[{i}]");
        let size = vm_sizes::lookup(&p.vm_size.value);
        if size.is_none() {
            let mut pr = Problem::new(
                p.vm_size.span,
                format!("{path}.vmSize"),
                format!(
                    "Unsupported value: {:?}: not a VM size kubesim knows",
                    p.vm_size.value
                ),
            );
            if let Some(s) = did_you_mean(&p.vm_size.value, vm_sizes::names()) {
                pr = pr.with_help(format!("did you mean {s:?}?"));
            }
            problems.push(pr);
        }
        if let Some(s) = size
            && s.burstable
            && p.mode == PoolMode::System
        {
            problems.push(Problem::new(
                p.vm_size.span,
                format!("{path}.vmSize"),
                format!(
                    "Invalid value: {:?}: B-series sizes are not supported for System node pools",
                    s.name
                ),
            ));
        }
        let cpu_milli = match &p.cpu {
            Some(q) => quantity(q, &format!("{path}.cpu"), &mut problems).map(|q| q.milli_value()),
            None => size.map(|s| s.cpu_milli()),
        };
        let mem = match &p.memory {
            Some(q) => quantity(q, &format!("{path}.memory"), &mut problems).map(|q| q.value()),
            None => size.map(|s| s.memory_bytes()),
        };
        let max_pods = p
            .max_pods
            .as_ref()
            .map(|m| m.value)
            .unwrap_or_else(|| default_max_pods(plugin));
        let mut labels = Vec::new();
        for (k, v) in &p.labels {
            for e in crate::model::validation::validate_labels(
                &[(k.value.clone(), v.value.clone())],
                &format!("{path}.labels"),
            ) {
                problems.push(Problem::new(k.span, format!("{path}.labels"), e));
            }
            labels.push((k.value.clone(), v.value.clone()));
        }
        let taints = p
            .taints
            .iter()
            .map(|t| Taint {
                key: t.key.clone(),
                value: t.value.clone(),
                effect: match t.effect {
                    crate::scenario::spec::TaintEffect::NoSchedule => TaintEffect::NoSchedule,
                    crate::scenario::spec::TaintEffect::PreferNoSchedule => {
                        TaintEffect::PreferNoSchedule
                    }
                    crate::scenario::spec::TaintEffect::NoExecute => TaintEffect::NoExecute,
                },
                time_added: None,
            })
            .collect();
        if let (Some(s), Some(cpu), Some(mem)) = (size, cpu_milli, mem) {
            pools.push(PoolPlan {
                name: p.name.clone(),
                system: p.mode == PoolMode::System,
                count: p.count,
                vm_size: s.name,
                resources: node_resources(cpu, mem, minor, max_pods),
                max_pods,
                zones: p.zones.clone(),
                labels,
                taints,
            });
        }
    }
    if problems.is_empty()
        && let Some(network) = &network
        && let Err(p) = capacity(spec, network, &pools, cluster_span)
    {
        problems.push(p);
    }
    match (problems.is_empty(), network, info) {
        (true, Some(network), Some(info)) => Ok(ClusterPlan {
            name: spec.name.clone(),
            location: spec.location.clone(),
            kubernetes_version: spec.kubernetes_version.clone(),
            info,
            network,
            system_pods: spec.system_pods,
            pools,
        }),
        _ => Err(problems),
    }
}

/// AKS's `InsufficientSubnetSize` check before it creates the VMs: every pool's nodes must
/// fit the node subnet and (kubenet, Overlay) the pod CIDR. The problem points at the `count`
/// of the pool whose node does not fit, or, when that count is the default, at the range that
/// ran out. `pools` are the resolved `spec.node_pools`, one for one.
fn capacity(
    spec: &ClusterSpec,
    network: &NetworkConfig,
    pools: &[PoolPlan],
    cluster_span: Span,
) -> Result<(), Problem> {
    let nodes: Vec<PoolNodes> = pools
        .iter()
        .map(|p| PoolNodes {
            count: p.count,
            max_pods: p.max_pods,
        })
        .collect();
    let Err((i, error)) = check_capacity(network, &nodes) else {
        return Ok(());
    };
    let IpamError::InsufficientSubnetSize {
        available,
        cidr,
        subnet_name,
        ..
    } = &error
    else {
        return Err(Problem::new(cluster_span, "cluster", error.to_string()));
    };
    let pod_cidr = *subnet_name == crate::network::ipam::POD_CIDR_NAME;
    let (key, range) = if pod_cidr {
        ("podCidr", &spec.pod_cidr)
    } else {
        ("vnetSubnetCidr", &spec.vnet_subnet_cidr)
    };
    let (span, path) = match (spec.node_pools.get(i).and_then(|p| p.count_span), range) {
        (Some(span), _) => (span, format!("cluster.nodePools[{i}].count")),
        (None, Some(r)) => (r.span, format!("cluster.{key}")),
        (None, None) => (cluster_span, format!("cluster.nodePools[{i}].count")),
    };
    let help = match (pod_cidr, network.plugin) {
        (true, _) => format!(
            "each node takes a /24 of {key} {cidr}, which has {}; a larger {key} or fewer nodes fits",
            available / 256
        ),
        (false, Plugin::AzureCni) => format!(
            "each node takes maxPods + 1 = {} addresses of {key} {cidr}, which has {available} to give; a larger {key}, fewer nodes or a lower maxPods fits",
            pools.get(i).map_or(0, |p| p.max_pods) + 1
        ),
        (false, _) => format!(
            "each node takes one address of {key} {cidr}, which has {available} to give; a larger {key} or fewer nodes fits"
        ),
    };
    Err(Problem::new(span, path, error.to_string()).with_help(help))
}

fn meta(name: &str, ns: Option<crate::model::meta::NsId>, labels: Labels) -> Meta {
    Meta::new(name.to_string(), ns, labels)
}

/// What building the cluster at t=0 writes to: etcd as restored, the network plugin's
/// addresses and the API server's name generator.
pub struct Boot<'a> {
    /// etcd.
    pub store: &'a mut Store,
    /// Azure: the pools' VMs and their addresses.
    pub azure: &'a mut crate::aks::fleet::Azure,
    /// Generated names.
    pub alloc: &'a mut Allocators,
    /// Random streams (generated names).
    pub streams: &'a Streams,
    /// The scenario's `images:` (the sizes nodes report).
    pub images: &'a crate::model::image::ImageCatalog,
}

/// What exists at t=0 besides the stored objects: the nodes whose kubelets run, the images
/// their disks hold, and the pods already running on them.
#[derive(Debug, Default)]
pub struct Booted {
    /// Node ids, in creation order.
    pub nodes: Vec<u32>,
    /// Images every node's disk holds (AKS's node image caches the system images).
    pub images: Vec<String>,
    /// Pods running at t=0: (pod, node, address, hostNetwork, containers).
    pub running: Vec<(u32, u32, Option<std::net::Ipv4Addr>, bool, usize)>,
}

/// Creates everything that exists at t=0. [`plan`] has checked that the node subnet and the
/// pod CIDR hold the nodes (AKS's `InsufficientSubnetSize`), so an address error here is a
/// kubesim bug, reported rather than panicking.
pub fn bootstrap(w: &mut Boot<'_>, plan: &ClusterPlan) -> Result<Booted, String> {
    let mut booted = Booted::default();
    let t0 = SimTime::ZERO;
    for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
        w.store.ns_id(ns);
        let id = w.store.namespaces.insert(Namespace {
            meta: meta(
                ns,
                None,
                Labels::from_pairs([("kubernetes.io/metadata.name".to_string(), ns.to_string())]),
            ),
            terminating: false,
        });
        w.store.register(
            ObjRef {
                kind: Kind::Namespace,
                id,
            },
            t0,
        );
        // The root CA publisher and the ServiceAccounts controller have filled every
        // namespace before anyone looks.
        let ns_id = w.store.ns_id(ns);
        prefill::<RootCa>(w.store, ns_id, t0);
        prefill::<DefaultServiceAccount>(w.store, ns_id, t0);
    }
    crate::apiserver::priority::add_system_priority_classes(w.store, t0);
    let workloads = if plan.system_pods {
        let nodes: u32 = plan.pools.iter().map(|p| p.count).sum();
        system_workloads(plan.network.plugin, nodes)
    } else {
        Vec::new()
    };
    let system_images: Vec<String> = workloads
        .iter()
        .flat_map(|wl| wl.containers.iter().map(|c| c.image.to_string()))
        .collect();
    w.azure.cached_images =
        Arc::new(crate::model::node::status_images(system_images.iter().map(
            |i| (i.as_str(), crate::model::image::size_bytes(w.images, i)),
        )));
    let mut system_nodes = Vec::new();
    let mut all_nodes = Vec::new();
    for (pi, pool) in plan.pools.iter().enumerate() {
        for _ in 0..pool.count {
            let inst = w.azure.create_vm(pi as u32).map_err(|e| e.to_string())?;
            // Its kubelet started before t=0: its renewals fall at a phase of their own.
            let phase = w
                .streams
                .stream("kubelet", &inst.name, "lease-phase")
                .random_range(0..LEASE_RENEW.0);
            // The VM was just given its addresses; an error here is a kubesim bug, reported.
            let node = w
                .azure
                .node_object(pi as u32, &inst, true, SimTime(phase))
                .ok_or_else(|| format!("VM {} has no address", inst.name))?;
            let nid = w.store.nodes.insert(node);
            w.store.register(
                ObjRef {
                    kind: Kind::Node,
                    id: nid,
                },
                t0,
            );
            booted.nodes.push(nid);
            all_nodes.push(nid);
            if pool.system {
                system_nodes.push(nid);
            }
        }
    }
    let default_ns = w.store.ns_id("default");
    let kube_system = w.store.ns_id("kube-system");
    let svc_labels = Labels::from_pairs([
        ("component".to_string(), "apiserver".to_string()),
        ("provider".to_string(), "kubernetes".to_string()),
    ]);
    add_service(
        w,
        "kubernetes",
        default_ns,
        svc_labels,
        plan.network.kubernetes_service_ip(),
        vec![port("https", "TCP", 443, "443")],
        None,
    );
    if plan.system_pods {
        let sel = Labels::from_pairs([("k8s-app".to_string(), "kube-dns".to_string())]);
        add_service(
            w,
            "kube-dns",
            kube_system,
            sel.clone(),
            plan.network.dns_service_ip,
            vec![
                port("dns", "UDP", 53, "53"),
                port("dns-tcp", "TCP", 53, "53"),
            ],
            Some(sel),
        );
    }
    for wl in &workloads {
        let labels = Labels::from_pairs([("k8s-app".to_string(), wl.app.to_string())]);
        // AKS's node DaemonSets select Linux nodes (kubectl-output.md, printDaemonSet).
        let node_selector = match wl.owner {
            OwnerKind::DaemonSet => {
                Labels::from_pairs([("kubernetes.io/os".to_string(), "linux".to_string())])
            }
            OwnerKind::Deployment => Labels::default(),
        };
        let spec = Arc::new(PodSpec {
            containers: wl
                .containers
                .iter()
                .map(|c| Container {
                    name: c.name.to_string(),
                    image: c.image.to_string(),
                    pull_policy: PullPolicy::IfNotPresent,
                    ports: Vec::new(),
                    requests: Resources {
                        cpu_milli: c.cpu_milli,
                        memory: c.memory_bytes,
                    },
                    limits: Resources::default(),
                    command: Vec::new(),
                    args: Vec::new(),
                    probes: Default::default(),
                    pre_stop_us: None,
                    env_sources: Vec::new(),
                    host_ports: Vec::new(),
                })
                .collect(),
            init_containers: Vec::new(),
            restart_policy: RestartPolicy::Always,
            node_selector,
            tolerations: vec![Toleration {
                key: String::new(),
                exists: true,
                value: String::new(),
                effect: None,
                seconds: None,
            }],
            host_network: wl.host_network,
            termination_grace_seconds: 30,
            node_name: None,
            // Admission resolves the class (system pods are admitted at creation).
            priority: 0,
            priority_class_name: Some(wl.priority_class.to_string()),
            preemption_policy: Default::default(),
            scheduler_name: crate::scheduler::SCHEDULER_NAME.into(),
            required_node_name: None,
            config_volumes: Vec::new(),
            claims: Vec::new(),
            service_account_name: None,
            affinity: None,
            topology_spread: Vec::new(),
        });
        let template = Arc::new(PodTemplate {
            annotations: Default::default(),
            labels: labels.clone(),
            spec: spec.clone(),
        });
        match wl.owner {
            OwnerKind::DaemonSet => {
                add_daemon_set(w, &mut booted, kube_system, wl.name, &template, &all_nodes)?;
            }
            OwnerKind::Deployment => {
                if system_nodes.is_empty() {
                    continue;
                }
                let replicas = wl.replicas as i32;
                let dmeta = meta(wl.name, Some(kube_system), labels.clone());
                let d = Deployment {
                    meta: dmeta,
                    spec: DeploymentSpec {
                        replicas,
                        selector: Selector::from_map(&labels),
                        template: template.clone(),
                        strategy: Strategy::RollingUpdate {
                            max_surge: IntOrPercent::Percent(25),
                            max_unavailable: IntOrPercent::Int(1),
                        },
                        min_ready_seconds: 0,
                        revision_history_limit: 10,
                        progress_deadline_seconds: 600,
                        paused: false,
                    },
                    status: DeploymentStatus {
                        observed_generation: 1,
                        replicas,
                        updated_replicas: replicas,
                        ready_replicas: replicas,
                        available_replicas: replicas,
                        unavailable_replicas: 0,
                        ..Default::default()
                    },
                };
                let did = w.store.deployments.insert(d);
                let dref = ObjRef {
                    kind: Kind::Deployment,
                    id: did,
                };
                w.store.register(dref, t0);
                let duid = w.store.meta(dref).map(|m| m.uid).unwrap_or(0);
                let hash = crate::controllers::deployment::template_hash(&template);
                let mut rs_labels = labels.clone();
                rs_labels.insert(
                    crate::controllers::deployment::POD_TEMPLATE_HASH,
                    hash.clone(),
                );
                let mut rs_meta = meta(
                    &format!("{}-{hash}", wl.name),
                    Some(kube_system),
                    rs_labels.clone(),
                );
                rs_meta.owners.push(OwnerRef {
                    owner: dref,
                    uid: duid,
                    controller: true,
                    block_owner_deletion: true,
                });
                let mut sel = Selector::from_map(&labels);
                sel.add_equals(&Labels::from_pairs([(
                    crate::controllers::deployment::POD_TEMPLATE_HASH.to_string(),
                    hash.clone(),
                )]));
                let rs_template = Arc::new(PodTemplate {
                    annotations: Default::default(),
                    labels: rs_labels,
                    spec: spec.clone(),
                });
                let rs = ReplicaSet {
                    meta: rs_meta,
                    legacy_rc: false,
                    template_hash: Some(hash),
                    revision: 1,
                    replica_annotations: Some((replicas, replicas + 1)),
                    spec: ReplicaSetSpec {
                        replicas,
                        selector: sel,
                        template: rs_template.clone(),
                        min_ready_seconds: 0,
                    },
                    status: ReplicaSetStatus {
                        observed_generation: 1,
                        replicas,
                        fully_labeled_replicas: replicas,
                        ready_replicas: replicas,
                        available_replicas: replicas,
                    },
                };
                let rid = w.store.replicasets.insert(rs);
                let rref = ObjRef {
                    kind: Kind::ReplicaSet,
                    id: rid,
                };
                w.store.register(rref, t0);
                let rs_name = w
                    .store
                    .meta(rref)
                    .map(|m| m.name.clone())
                    .unwrap_or_default();
                let mut usage = system_node_usage(w.store, &system_nodes);
                let mut mine = vec![0u32; system_nodes.len()];
                for _ in 0..wl.replicas {
                    let at = place_system_pod(w.store, &spec, &system_nodes, &usage, &mine);
                    mine[at] += 1;
                    add_usage(&mut usage[at], &spec);
                    let node = system_nodes[at];
                    add_running_pod(
                        w,
                        &mut booted,
                        rref,
                        kube_system,
                        &rs_name,
                        &rs_template,
                        node,
                    )?;
                }
            }
        }
    }
    booted.images = system_images;
    Ok(booted)
}

/// What the pods already placed request on each of `nodes`, as the scheduler's cache counts
/// it; one pass over the pods.
fn system_node_usage(store: &Store, nodes: &[u32]) -> Vec<NodeUsage> {
    let mut at = vec![None; store.nodes.capacity()];
    for (i, &n) in nodes.iter().enumerate() {
        if let Some(slot) = at.get_mut(n as usize) {
            *slot = Some(i);
        }
    }
    let mut usage = vec![NodeUsage::default(); nodes.len()];
    for (_, p) in store.pods.iter() {
        if let Some(i) = p.node.and_then(|n| at.get(n as usize).copied().flatten()) {
            add_usage(&mut usage[i], &p.spec);
        }
    }
    usage
}

fn add_usage(u: &mut NodeUsage, spec: &PodSpec) {
    u.requested = u.requested.plus(spec.requests());
    u.nonzero_requested = u.nonzero_requested.plus(nonzero_requests(spec));
    u.pods += 1;
}

/// The index in `nodes` where the scheduler would put the next pod of a system Deployment
/// whose pods so far sit `mine[i]` on `nodes[i]`: fewest of its own pods first (the
/// PodTopologySpread system default constraint on `kubernetes.io/hostname`, which scores
/// nodes by matching pods), then the highest LeastAllocated + BalancedAllocation score over
/// what is placed so far (`usage`), then node order. A simplification of one scheduling
/// cycle per pod that keeps its outcome: a Deployment's replicas land on distinct nodes while
/// nodes remain, and the system pods spread rather than piling onto the first nodes.
fn place_system_pod(
    store: &Store,
    spec: &PodSpec,
    nodes: &[u32],
    usage: &[NodeUsage],
    mine: &[u32],
) -> usize {
    let mut best: Option<(usize, u32, i64)> = None;
    let (nz, req) = (nonzero_requests(spec), spec.requests());
    for (i, &n) in nodes.iter().enumerate() {
        let Some(node) = store.nodes.get(n) else {
            continue;
        };
        let s = resource_score(nz, req, node.allocatable, &usage[i]);
        let better = match best {
            None => true,
            Some((_, m, bs)) => mine[i] < m || (mine[i] == m && s > bs),
        };
        if better {
            best = Some((i, mine[i], s));
        }
    }
    best.map_or(0, |b| b.0)
}

/// A system DaemonSet as the DaemonSet controller left it: its pods Running on every node it
/// selects, made as the controller makes them (daemon tolerations, revision hash and
/// template generation labels, bound), and a status that counts them, so the controller's
/// first sync finds nothing to do or write.
fn add_daemon_set(
    w: &mut Boot<'_>,
    booted: &mut Booted,
    ns: crate::model::meta::NsId,
    name: &str,
    template: &Arc<PodTemplate>,
    nodes: &[u32],
) -> Result<(), String> {
    use crate::controllers::daemonset as dsc;
    let ds = DaemonSet {
        meta: meta(name, Some(ns), template.labels.clone()),
        spec: DaemonSetSpec {
            selector: Selector::from_map(&template.labels),
            template: template.clone(),
            strategy: DaemonSetStrategy::default(),
            min_ready_seconds: 0,
            template_generation: 1,
        },
        status: DaemonSetStatus::default(),
    };
    let id = w.store.daemonsets.insert(ds);
    let owner = ObjRef {
        kind: Kind::DaemonSet,
        id,
    };
    w.store.register(owner, SimTime::ZERO);
    let hash = dsc::revision_hash(template);
    let pod_template = Arc::new(PodTemplate {
        annotations: Default::default(),
        labels: dsc::pod_labels(template, 1, &hash),
        spec: Arc::new(dsc::daemon_pod_spec(&template.spec)),
    });
    for &node in nodes {
        let runs = w
            .store
            .nodes
            .get(node)
            .is_some_and(|n| dsc::node_should_run(n, &pod_template.spec).0);
        if runs {
            add_running_pod(w, booted, owner, ns, name, &pod_template, node)?;
        }
    }
    let status = dsc::calculate_status(w.store, id, SimTime::ZERO);
    if let Some(d) = w.store.daemonsets.get_mut(id) {
        d.status = status;
    }
    Ok(())
}

fn port(name: &str, protocol: &str, port: i32, target: &str) -> ServicePort {
    ServicePort {
        name: Some(name.into()),
        protocol: protocol.into(),
        port,
        target_port: target.into(),
        node_port: None,
    }
}

fn add_service(
    w: &mut Boot<'_>,
    name: &str,
    ns: crate::model::meta::NsId,
    labels: Labels,
    ip: std::net::Ipv4Addr,
    ports: Vec<ServicePort>,
    selector: Option<Labels>,
) {
    let s = Service {
        meta: meta(name, Some(ns), labels),
        service_type: ServiceType::ClusterIP,
        cluster_ip: Some(ip),
        headless: false,
        ports,
        selector,
        external_ips: Vec::new(),
        external_name: None,
        load_balancer_ip: None,
    };
    let id = w.store.services.insert(s);
    w.store.register(
        ObjRef {
            kind: Kind::Service,
            id,
        },
        SimTime::ZERO,
    );
}

/// A system pod already Running and Ready on `node` at t=0, owned by `owner`.
fn add_running_pod(
    w: &mut Boot<'_>,
    booted: &mut Booted,
    owner: ObjRef,
    ns: crate::model::meta::NsId,
    base: &str,
    template: &Arc<PodTemplate>,
    node: u32,
) -> Result<(), String> {
    let name = w
        .alloc
        .generate_name(w.store, w.streams, &format!("{base}-"), Kind::Pod, Some(ns));
    let uid = w.store.meta(owner).map(|m| m.uid).unwrap_or(0);
    let mut m = meta(&name, Some(ns), template.labels.clone());
    m.owners.push(OwnerRef {
        owner,
        uid,
        controller: true,
        block_owner_deletion: true,
    });
    let host_network = template.spec.host_network;
    let vm = w.store.nodes.get(node).map_or(node, |n| n.vm);
    let ip = if host_network {
        w.azure.ipam.node_ip(vm)
    } else {
        Some(
            w.azure
                .ipam
                .allocate_pod_ip(vm)
                .map_err(|e| e.to_string())?,
        )
    };
    let n = template.spec.containers.len();
    let pod = Pod {
        meta: m,
        // Created through the API server at cluster creation, so admitted as any pod is.
        spec: {
            let resolved = crate::apiserver::priority::resolve(w.store, &template.spec, &name)
                .map_err(|e| e.message)?;
            w.alloc.pod_specs.admit(&template.spec, |spec| {
                crate::apiserver::admission::admit_pod_spec(spec, Some(&resolved))
            })
        },
        node: Some(node),
        status: PodStatus {
            phase: Phase::Running,
            reason: None,
            scheduled: Some(true),
            unschedulable_message: None,
            ready_since: Some(SimTime::ZERO),
            containers: vec![
                ContainerStatus {
                    state: ContainerState::Running(SimTime::ZERO),
                    ready: true,
                    restart_count: 0,
                    last_state: None,
                };
                n
            ],
            init_containers: Vec::new(),
            initialized: true,
            pod_ip: ip,
            host_ip: w.azure.ipam.node_ip(vm),
            start_time: Some(SimTime::ZERO),
            disruption: None,
            nominated_node: None,
        },
    };
    let id = w.store.pods.insert(pod);
    w.store.register(
        ObjRef {
            kind: Kind::Pod,
            id,
        },
        SimTime::ZERO,
    );
    booted.running.push((id, node, ip, host_network, n));
    Ok(())
}
