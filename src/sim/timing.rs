//! Named, overridable latency distributions (docs/timings.md).
//!
//! Every delay the simulator inserts — kube-apiserver handling a request, an etcd commit, the
//! kubelet pulling an image, Azure provisioning a load balancer — is drawn from a distribution
//! named `<component>.<camelCaseAction>`. Each default's SOURCE names a public document: a
//! Kubernetes source file, a SIG-scalability SLO page, an etcd, Kubernetes or AKS doc page.
//! Most defaults are kubesim's own estimates and say so (`estimate; cf. …`), because
//! Kubernetes publishes SLO bounds rather than typical latencies. A scenario's `timing:`
//! mapping overrides any of them, and `kubesim timings` prints the table.
//!
//! # Shapes
//! A distribution is either a constant (`etcd.write: 5ms`) or a lognormal through two
//! quantiles (`{median: 10ms, p99: 150ms}`, optionally clamped with `min` and `max`).
//! Latencies are positive and right-skewed, which a lognormal captures with two numbers an
//! operator can read off a dashboard: mu = ln(median), sigma = (ln(p99) − ln(median)) / z₀.₉₉
//! with z₀.₉₉ = 2.3263478740408408. A sample is exp(mu + sigma·Z), rounded to the nearest µs
//! and clamped to [min, max]; the logarithm and exponential go through `libm` so samples are
//! identical on every machine (docs/determinism.md).
//!
//! # Sweeps (not built yet)
//! A sweep addresses one parameter of a distribution as `timing[<name>].<key>`, with the keys of
//! the mapping form: `timing[etcd.write].median`, `timing[kubelet.imagePull].max`. The names are
//! the ones of [`TimingName`], so a sweep can resolve them with [`TimingName::from_name`].
//!
//! # Simplifications
//! Each distribution is independent of load: the API server does not slow down as requests
//! queue, etcd's commit latency does not grow with the write rate. Flow control and queueing
//! are modelled (or not) by the components themselves, on top of these service times.

use std::fmt;

use rand::Rng;

use crate::sim::duration::format_micros;
use crate::sim::rng::standard_normal;
use crate::sim::time::SimDuration;

/// z₀.₉₉, the 99th percentile of the standard normal distribution (Φ⁻¹(0.99)).
const Z_99: f64 = 2.326_347_874_040_840_8;

/// A latency distribution in whole µs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Distribution {
    /// Always the same delay, for scenarios that want exact, explainable timelines.
    Constant(u64),
    /// A lognormal through its median and 99th percentile, optionally clamped; `p99 == median`
    /// is a constant.
    LogNormal {
        /// The 50th percentile, in µs.
        median_us: u64,
        /// The 99th percentile, in µs (at least `median_us`).
        p99_us: u64,
        /// Samples below this are raised to it.
        min_us: Option<u64>,
        /// Samples above this are lowered to it.
        max_us: Option<u64>,
    },
}

impl Distribution {
    /// Draws one delay. Every sample takes exactly two `u64`s from `rng`, whatever the shape,
    /// so replacing one distribution by a constant never shifts the later draws of a stream
    /// a caller keeps.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> SimDuration {
        let z = standard_normal(rng);
        // `as` saturates: an overflowing exp becomes u64::MAX, never a panic.
        SimDuration(libm::round(self.at(z)) as u64)
    }

    /// Draws the sum of consecutive delays of one request (etcd's append and its quorum
    /// round trip), which share one deviate: the sum is rounded once, so splitting a delay
    /// into parts with the same spread gives exactly the draws the whole gave.
    pub fn sample_sum<R: Rng + ?Sized>(parts: &[&Distribution], rng: &mut R) -> SimDuration {
        let z = standard_normal(rng);
        let total: f64 = parts.iter().map(|d| d.at(z)).sum();
        SimDuration(libm::round(total) as u64)
    }

    /// The delay in µs (unrounded) at standard normal deviate `z`, clamped to `[min, max]`
    /// (whole µs, so clamping before or after rounding is the same).
    fn at(&self, z: f64) -> f64 {
        match *self {
            Distribution::Constant(us) => us as f64,
            Distribution::LogNormal {
                median_us,
                p99_us,
                min_us,
                max_us,
            } => {
                let raw = if median_us == 0 || p99_us <= median_us {
                    median_us as f64
                } else {
                    let mu = libm::log(median_us as f64);
                    let sigma = (libm::log(p99_us as f64) - mu) / Z_99;
                    libm::exp(mu + sigma * z)
                };
                let raised = min_us.map_or(raw, |lo| raw.max(lo as f64));
                max_us.map_or(raised, |hi| raised.min(hi as f64))
            }
        }
    }
}

impl fmt::Display for Distribution {
    /// The YAML a user would write in `timing:` to get this distribution (`5ms`,
    /// `{median: 3s, p99: 20s, min: 500ms, max: 2m0s}`), with Go's duration spelling.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Distribution::Constant(us) => f.write_str(&format_micros(us)),
            Distribution::LogNormal {
                median_us,
                p99_us,
                min_us,
                max_us,
            } => {
                write!(
                    f,
                    "{{median: {}, p99: {}",
                    format_micros(median_us),
                    format_micros(p99_us)
                )?;
                if let Some(lo) = min_us {
                    write!(f, ", min: {}", format_micros(lo))?;
                }
                if let Some(hi) = max_us {
                    write!(f, ", max: {}", format_micros(hi))?;
                }
                f.write_str("}")
            }
        }
    }
}

/// The closed set of named delays; the engine looks distributions up by this enum, so a
/// lookup is an array index and a misspelt name does not compile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TimingName {
    /// `apiserver.request`
    ApiserverRequest,
    /// `apiserver.get`
    ApiserverGet,
    /// `apiserver.list`
    ApiserverList,
    /// `apiserver.create`
    ApiserverCreate,
    /// `apiserver.update`
    ApiserverUpdate,
    /// `apiserver.patch`
    ApiserverPatch,
    /// `apiserver.delete`
    ApiserverDelete,
    /// `etcd.write`
    EtcdWrite,
    /// `etcd.read`
    EtcdRead,
    /// `watch.delivery`
    WatchDelivery,
    /// `controller.sync`
    ControllerSync,
    /// `scheduler.schedule`
    SchedulerSchedule,
    /// `kubelet.podSandbox`
    KubeletPodSandbox,
    /// `kubelet.imagePull`
    KubeletImagePull,
    /// `kubelet.containerStart`
    KubeletContainerStart,
    /// `kubelet.containerStop`
    KubeletContainerStop,
    /// `kubelet.statusUpdate`
    KubeletStatusUpdate,
    /// `cloud.loadBalancerProvision`
    CloudLoadBalancerProvision,
    /// `aks.nodeProvision`
    AksNodeProvision,
    /// `kubelet.nodeReady`
    KubeletNodeReady,
    /// `kubectl.roundTrip`
    KubectlRoundTrip,
    /// `kubelet.imageCheck`
    KubeletImageCheck,
    /// `kubelet.containerCreate`
    KubeletContainerCreate,
    /// `nodelifecycle.monitorPeriod`
    NodeLifecycleMonitorPeriod,
    /// `nodelifecycle.monitorGracePeriod`
    NodeLifecycleMonitorGracePeriod,
    /// `nodelifecycle.startupGracePeriod`
    NodeLifecycleStartupGracePeriod,
    /// `nodelifecycle.evictionInterval`
    NodeLifecycleEvictionInterval,
    /// `nodelifecycle.secondaryEvictionInterval`
    NodeLifecycleSecondaryEvictionInterval,
    /// `node.reboot`
    NodeReboot,
    /// `etcd.peerRoundTrip`
    EtcdPeerRoundTrip,
    /// `etcd.electionTimeout`
    EtcdElectionTimeout,
    /// `etcd.requestTimeout`
    EtcdRequestTimeout,
    /// `apiserver.reconnect`
    ApiserverReconnect,
    /// `controlplane.restart`
    ControlPlaneRestart,
}

/// How many named delays there are.
const COUNT: usize = 34;

impl TimingName {
    /// Every name, in the order of `kubesim timings` (roughly the path of a request).
    pub const ALL: [TimingName; COUNT] = [
        TimingName::ApiserverRequest,
        TimingName::ApiserverGet,
        TimingName::ApiserverList,
        TimingName::ApiserverCreate,
        TimingName::ApiserverUpdate,
        TimingName::ApiserverPatch,
        TimingName::ApiserverDelete,
        TimingName::EtcdWrite,
        TimingName::EtcdRead,
        TimingName::WatchDelivery,
        TimingName::ControllerSync,
        TimingName::SchedulerSchedule,
        TimingName::KubeletPodSandbox,
        TimingName::KubeletImagePull,
        TimingName::KubeletContainerStart,
        TimingName::KubeletContainerStop,
        TimingName::KubeletStatusUpdate,
        TimingName::CloudLoadBalancerProvision,
        TimingName::AksNodeProvision,
        TimingName::KubeletNodeReady,
        TimingName::KubectlRoundTrip,
        TimingName::KubeletImageCheck,
        TimingName::KubeletContainerCreate,
        TimingName::NodeLifecycleMonitorPeriod,
        TimingName::NodeLifecycleMonitorGracePeriod,
        TimingName::NodeLifecycleStartupGracePeriod,
        TimingName::NodeLifecycleEvictionInterval,
        TimingName::NodeLifecycleSecondaryEvictionInterval,
        TimingName::NodeReboot,
        TimingName::EtcdPeerRoundTrip,
        TimingName::EtcdElectionTimeout,
        TimingName::EtcdRequestTimeout,
        TimingName::ApiserverReconnect,
        TimingName::ControlPlaneRestart,
    ];

    /// The name as written in scenarios and printed in tables (`etcd.write`).
    pub fn as_str(self) -> &'static str {
        SPECS[self as usize].name
    }

    /// The name whose distribution this one takes until a scenario sets it: the per-verb
    /// rows follow `apiserver.request`.
    pub fn follows(self) -> Option<TimingName> {
        SPECS[self as usize].follows
    }

    /// The name for its text, as scenarios and sweeps spell it; `None` if there is none.
    pub fn from_name(text: &str) -> Option<TimingName> {
        TimingName::ALL.into_iter().find(|n| n.as_str() == text)
    }
}

impl fmt::Display for TimingName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the registry.
struct Spec {
    name: &'static str,
    default: Distribution,
    /// The row this one reads until it is set itself (its `default` is then that row's).
    follows: Option<TimingName>,
    source: &'static str,
    description: &'static str,
}

const MS: u64 = 1_000;
const S: u64 = 1_000_000;
const MIN: u64 = 60 * S;

const fn lognormal(median_us: u64, p99_us: u64) -> Distribution {
    Distribution::LogNormal {
        median_us,
        p99_us,
        min_us: None,
        max_us: None,
    }
}

/// `apiserver.request`'s default, which the verb rows follow.
const APISERVER_REQUEST: Distribution = lognormal(8 * MS, 140 * MS);

/// The registry, in [`TimingName`] order. A SOURCE starts with `estimate` unless the default is
/// a constant of Kubernetes' own source (then it names the file and the constant).
const SPECS: [Spec; COUNT] = [
    // kubesim's estimate for a whole single-object write on a healthy cluster is 10 ms median,
    // 150 ms p99 (the only published figure is the SLO's p99 <= 1 s). We subtract the etcd
    // commit's 2 ms / 10 ms (etcd.write plus etcd.peerRoundTrip) quantile by quantile. A sum's p99 is at most the sum of the p99s, so the
    // total's p99 ends up slightly under 150 ms.
    Spec {
        name: "apiserver.request",
        default: APISERVER_REQUEST,
        follows: None,
        source: "estimate: 10ms/150ms for a whole write, less etcd.write; cf. the p99 <= 1s SLO, https://github.com/kubernetes/community/blob/master/sig-scalability/slos/api_call_latency.md",
        description: "one request inside kube-apiserver without etcd: authn, authz, admission, serialization",
    },
    // A write is the leader's WAL append (fsync) plus one round trip to a quorum of
    // followers (etcd.peerRoundTrip). The two share one deviate per request and are rounded
    // once as a sum (Distribution::sample_sum); with the same p99/median ratio that sum is
    // the 2 ms / 10 ms lognormal this row used to be alone, so a healthy three-member
    // cluster keeps its commit latencies.
    // One row per verb, so that a scenario can slow LISTs without touching writes. The SLO
    // bounds differ by verb class (p99 <= 1s for a single-object mutation or GET, 5s for a
    // namespace LIST, 30s for a cluster-wide one) but no typical value per verb is published,
    // so each row follows apiserver.request until a scenario sets it.
    Spec {
        name: "apiserver.get",
        default: APISERVER_REQUEST,
        follows: Some(TimingName::ApiserverRequest),
        source: "estimate: apiserver.request until set, no per-verb figure is published; cf. the API call latency SLO per verb class, https://github.com/kubernetes/community/blob/master/sig-scalability/slos/api_call_latency.md",
        description: "kube-apiserver's own work on a GET of one object; follows apiserver.request unless set",
    },
    Spec {
        name: "apiserver.list",
        default: APISERVER_REQUEST,
        follows: Some(TimingName::ApiserverRequest),
        source: "estimate: apiserver.request until set, no per-verb figure is published; cf. the API call latency SLO per verb class, https://github.com/kubernetes/community/blob/master/sig-scalability/slos/api_call_latency.md",
        description: "kube-apiserver's own work on a LIST of a collection; follows apiserver.request unless set",
    },
    Spec {
        name: "apiserver.create",
        default: APISERVER_REQUEST,
        follows: Some(TimingName::ApiserverRequest),
        source: "estimate: apiserver.request until set, no per-verb figure is published; cf. the API call latency SLO per verb class, https://github.com/kubernetes/community/blob/master/sig-scalability/slos/api_call_latency.md",
        description: "kube-apiserver's own work on a POST (create, and the binding and eviction subresources); follows apiserver.request unless set",
    },
    Spec {
        name: "apiserver.update",
        default: APISERVER_REQUEST,
        follows: Some(TimingName::ApiserverRequest),
        source: "estimate: apiserver.request until set, no per-verb figure is published; cf. the API call latency SLO per verb class, https://github.com/kubernetes/community/blob/master/sig-scalability/slos/api_call_latency.md",
        description: "kube-apiserver's own work on a PUT (update, and the status and scale subresources); follows apiserver.request unless set",
    },
    Spec {
        name: "apiserver.patch",
        default: APISERVER_REQUEST,
        follows: Some(TimingName::ApiserverRequest),
        source: "estimate: apiserver.request until set, no per-verb figure is published; cf. the API call latency SLO per verb class, https://github.com/kubernetes/community/blob/master/sig-scalability/slos/api_call_latency.md",
        description: "kube-apiserver's own work on a PATCH (labels, node and pod status from the kubelet, taints, apply); follows apiserver.request unless set",
    },
    Spec {
        name: "apiserver.delete",
        default: APISERVER_REQUEST,
        follows: Some(TimingName::ApiserverRequest),
        source: "estimate: apiserver.request until set, no per-verb figure is published; cf. the API call latency SLO per verb class, https://github.com/kubernetes/community/blob/master/sig-scalability/slos/api_call_latency.md",
        description: "kube-apiserver's own work on a DELETE; follows apiserver.request unless set",
    },
    Spec {
        name: "etcd.write",
        default: lognormal(1_500, 7_500),
        follows: None,
        source: "estimate: an SSD fdatasync of the leader's WAL append; with etcd.peerRoundTrip, cf. 1.6ms per write at light load, https://etcd.io/docs/v3.5/op-guide/performance/",
        description: "the etcd leader's append of a mutating request to its WAL (fsync)",
    },
    // A linearizable read (ReadIndex) needs one round to a quorum but no fsync.
    Spec {
        name: "etcd.read",
        default: lognormal(MS, 5 * MS),
        follows: None,
        source: "estimate: a quorum round trip, no fsync; cf. 0.7ms per linearizable read at light load, https://etcd.io/docs/v3.5/op-guide/performance/",
        description: "one consistent (quorum) read or list served by etcd",
    },
    Spec {
        name: "watch.delivery",
        default: lognormal(5 * MS, 50 * MS),
        follows: None,
        source: "estimate, no published figure; cf. the watch latency SLI (no SLO yet), https://github.com/kubernetes/community/blob/master/sig-scalability/slos/watch_latency.md",
        description: "from an etcd commit until a watcher's informer sees the event",
    },
    Spec {
        name: "controller.sync",
        default: lognormal(MS, 10 * MS),
        follows: None,
        source: "estimate: in-memory work on informer caches; cf. syncReplicaSet in kubernetes/pkg/controller/replicaset/replica_set.go",
        description: "processing of one Deployment or ReplicaSet controller sync, API calls excluded",
    },
    Spec {
        name: "scheduler.schedule",
        default: lognormal(3 * MS, 20 * MS),
        follows: None,
        source: "estimate: a few ms per pod at small scale; cf. scheduling_algorithm_duration_seconds (buckets from 1ms) in kubernetes/pkg/scheduler/metrics/metrics.go",
        description: "one scheduling cycle (filter and score) for one pod, before binding",
    },
    // Pod startup without image pulls: a typical median of 1-3 s (estimate) and the SLO's
    // p99 <= 5 s; the sandbox gets what is left after containerStart, statusUpdate and the API
    // round trips.
    Spec {
        name: "kubelet.podSandbox",
        default: lognormal(800 * MS, 3 * S),
        follows: None,
        source: "estimate: what the p99 <= 5s pod startup SLO (pulls excluded) leaves after container start, https://github.com/kubernetes/community/blob/master/sig-scalability/slos/pod_startup_latency.md",
        description: "creating the pod sandbox and its network (CNI ADD) before images and containers",
    },
    Spec {
        name: "kubelet.imagePull",
        default: Distribution::LogNormal {
            median_us: 3 * S,
            p99_us: 20 * S,
            min_us: Some(500 * MS),
            max_us: Some(2 * MIN),
        },
        follows: None,
        source: "estimate: 1-5s for an image under 100MB from an in-region registry, no published default; cf. why the SLO excludes pulls, https://github.com/kubernetes/community/blob/master/sig-scalability/slos/pod_startup_latency.md",
        description: "pulling one image that is not yet on the node",
    },
    Spec {
        name: "kubelet.containerStart",
        default: lognormal(500 * MS, S),
        follows: None,
        source: "estimate: 0.3-1s to create and start once the image is present; cf. https://github.com/kubernetes/community/blob/master/sig-scalability/slos/pod_startup_latency.md",
        description: "the container runtime starting one created container, before `Started`",
    },
    Spec {
        name: "kubelet.containerStop",
        default: lognormal(100 * MS, 500 * MS),
        follows: None,
        source: "estimate: a process that handles SIGTERM (nginx) exits well under 1s; capped at the grace period, https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination",
        description: "a container's exit after SIGTERM; the caller caps it at the grace period",
    },
    // The kubelet's PLEG relists every second (kubernetes/pkg/kubelet/kubelet.go
    // `genericPlegRelistPeriod = time.Second * 1`, formerly `plegRelistPeriod`), so a change
    // waits half a period on average and almost never more than one.
    Spec {
        name: "kubelet.statusUpdate",
        default: lognormal(500 * MS, S),
        follows: None,
        source: "kubernetes/pkg/kubelet/kubelet.go genericPlegRelistPeriod = 1s; half a relist on average is kubesim's estimate",
        description: "from a container state change to the kubelet's status PATCH being sent",
    },
    Spec {
        name: "cloud.loadBalancerProvision",
        default: lognormal(45 * S, 2 * MIN),
        follows: None,
        source: "estimate: 30s to 2min, no published figure; cf. https://learn.microsoft.com/azure/aks/load-balancer-standard",
        description: "Azure LB rule and public IP of a LoadBalancer Service until EXTERNAL-IP appears",
    },
    Spec {
        name: "aks.nodeProvision",
        default: lognormal(3 * MIN, 5 * MIN),
        follows: None,
        source: "estimate: 2-5min for CPU sizes; cf. the autoscaler's max-node-provision-time 15m, https://learn.microsoft.com/azure/aks/cluster-autoscaler",
        description: "a VMSS scale-out, from the request until the new VM's kubelet registers its Node",
    },
    Spec {
        name: "kubelet.nodeReady",
        default: lognormal(15 * S, 45 * S),
        follows: None,
        source: "estimate: a registered node reports Ready once containerd and the CNI are up; cf. https://kubernetes.io/docs/reference/node/node-status/#condition",
        description: "from a node's registration (NotReady) until its Ready condition is True",
    },
    Spec {
        name: "kubectl.roundTrip",
        default: lognormal(20 * MS, 100 * MS),
        follows: None,
        source: "estimate: a client near the cluster's region; cf. https://learn.microsoft.com/azure/networking/azure-network-latency",
        description: "network round trip between kubectl and the API server (client side)",
    },
    Spec {
        name: "kubelet.imageCheck",
        default: lognormal(300 * MS, 2 * S),
        follows: None,
        source: "estimate: one registry round trip to resolve a manifest (HEAD/GET of the tag) from an in-region registry; cf. https://distribution.github.io/distribution/spec/api/#existing-manifests",
        description: "a pull that downloads nothing: an image already on the node (pull policy Always) or one the registry does not have",
    },
    Spec {
        name: "kubelet.containerCreate",
        default: lognormal(100 * MS, 500 * MS),
        follows: None,
        source: "estimate: the CRI CreateContainer call (snapshot and OCI spec) before the Created event; cf. https://github.com/kubernetes/community/blob/master/sig-scalability/slos/pod_startup_latency.md",
        description: "the container runtime creating one container once its image is present, before `Created`",
    },
    // The node lifecycle controller's settings are periods rather than latencies; they are
    // timings so that a scenario can override them like any delay. Each is sampled once per
    // run.
    Spec {
        name: "nodelifecycle.monitorPeriod",
        default: Distribution::Constant(5 * S),
        follows: None,
        source: "kubernetes/pkg/controller/nodelifecycle/config/v1alpha1/defaults.go: --node-monitor-period 5s, https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/",
        description: "how often the node lifecycle controller checks every node's heartbeats (monitorNodeHealth)",
    },
    Spec {
        name: "nodelifecycle.monitorGracePeriod",
        default: Distribution::Constant(50 * S),
        follows: None,
        source: "kubernetes/pkg/controller/nodelifecycle/config/v1alpha1/defaults.go NodeMonitorGracePeriod: 50s from 1.32 (https://github.com/kubernetes/kubernetes/pull/126287), 40s before, which kubesim uses when cluster.kubernetesVersion < 1.32 unless this is set",
        description: "how long a node may go without a heartbeat or Lease renewal before its conditions become Unknown",
    },
    Spec {
        name: "nodelifecycle.startupGracePeriod",
        default: Distribution::Constant(60 * S),
        follows: None,
        source: "kubernetes/pkg/controller/nodelifecycle/config/v1alpha1/defaults.go NodeStartupGracePeriod 1m, https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/",
        description: "the grace period of a node that has never posted a Ready condition",
    },
    Spec {
        name: "nodelifecycle.evictionInterval",
        default: Distribution::Constant(10 * S),
        follows: None,
        source: "kubernetes/pkg/controller/nodelifecycle/node_lifecycle_controller.go per-zone token bucket at --node-eviction-rate 0.1 nodes/s (https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/), written as 1/rate",
        description: "the least time between two NoExecute taintings in one healthy (or fully disrupted) zone",
    },
    Spec {
        name: "nodelifecycle.secondaryEvictionInterval",
        default: Distribution::Constant(100 * S),
        follows: None,
        source: "kubernetes/pkg/controller/nodelifecycle/node_lifecycle_controller.go ReducedQPSFunc: --secondary-node-eviction-rate 0.01 nodes/s in a partially disrupted zone of more than 50 nodes (https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/), written as 1/rate",
        description: "the least time between two NoExecute taintings in a partially disrupted large zone",
    },
    Spec {
        name: "node.reboot",
        default: lognormal(45 * S, 2 * MIN),
        follows: None,
        source: "estimate: an Azure VM restart until its kubelet runs, typically under a minute; cf. https://learn.microsoft.com/azure/virtual-machines/restart-vm",
        description: "`kubesim node recover`: from the command until the VM has booted and its kubelet posts Ready",
    },
    Spec {
        name: "etcd.peerRoundTrip",
        default: lognormal(500, 2_500),
        follows: None,
        source: "estimate: an in-region round trip between etcd members; cf. https://etcd.io/docs/v3.5/tuning/ (heartbeat 100ms is sized to ~the max round trip)",
        description: "one round trip from the etcd leader to a quorum of followers: a write's replication, an election's votes (not drawn for a one-member cluster)",
    },
    // raft.go resetRandomizedElectionTimeout: electionTimeout + rand[0, electionTimeout);
    // etcd's --election-timeout default is 1000 ms.
    Spec {
        name: "etcd.electionTimeout",
        default: Distribution::LogNormal {
            median_us: 1_500 * MS,
            p99_us: 1_990 * MS,
            min_us: Some(S),
            max_us: Some(2 * S),
        },
        follows: None,
        source: "etcd server/embed/config.go DefaultElectionMs = 1000, randomized by raft into [1x, 2x) (raft.go resetRandomizedElectionTimeout), https://etcd.io/docs/v3.5/tuning/; the lognormal clamped to [1s, 2s] standing for that uniform is kubesim's estimate",
        description: "from the etcd leader's loss until a follower starts an election",
    },
    // ReqTimeout = 5s + 2 * election timeout, in server/config/config.go.
    Spec {
        name: "etcd.requestTimeout",
        default: Distribution::Constant(7 * S),
        follows: None,
        source: "etcd server/config/config.go ReqTimeout = 5s + 2 * 1000ms election timeout (kube-apiserver's 60s --request-timeout is longer, so etcd's error reaches the client); cf. https://github.com/etcd-io/etcd/issues/11809",
        description: "how long etcd holds a request it cannot serve without a quorum before failing it with `etcdserver: request timed out`",
    },
    Spec {
        name: "apiserver.reconnect",
        default: lognormal(2 * S, 10 * S),
        follows: None,
        source: "estimate: a broken connection is re-dialed through the load balancer, whose health probe (5s interval) takes a dead instance out; cf. https://learn.microsoft.com/azure/load-balancer/load-balancer-custom-probe-overview",
        description: "a client of a failed API server: until it is connected to another and its watches are re-established",
    },
    Spec {
        name: "controlplane.restart",
        default: lognormal(3 * S, 10 * S),
        follows: None,
        source: "estimate: a container restart with its image cached plus the informers' initial sync; cf. https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-restarts",
        description: "kube-controller-manager or kube-scheduler, from its process's exit until it runs and campaigns for its lease",
    },
];

/// The distribution of every named delay for one run: the defaults with the scenario's
/// `timing:` overrides applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timings {
    by_name: [Distribution; COUNT],
    /// Which rows a scenario (or a version rule) set; an unset row that follows another
    /// reads that one's distribution.
    set: [bool; COUNT],
}

impl Timings {
    /// The defaults of the registry, before any override.
    pub fn defaults() -> Timings {
        let mut by_name = [Distribution::Constant(0); COUNT];
        for (slot, spec) in by_name.iter_mut().zip(SPECS.iter()) {
            *slot = spec.default;
        }
        Timings {
            by_name,
            set: [false; COUNT],
        }
    }

    /// The distribution the engine draws `name` from: its own once set, else the one of
    /// the row it follows.
    pub fn get(&self, name: TimingName) -> &Distribution {
        match name.follows() {
            Some(parent) if !self.set[name as usize] => self.get(parent),
            _ => &self.by_name[name as usize],
        }
    }

    /// Replaces one distribution (a scenario's `timing:` override).
    pub fn set(&mut self, name: TimingName, d: Distribution) {
        self.by_name[name as usize] = d;
        self.set[name as usize] = true;
    }
}

/// What `kubesim timings` prints: every name with its default (as YAML a scenario could
/// use), what it delays and its source, in aligned columns separated by three spaces as
/// kubectl's tabwriter pads them. SOURCE comes last because its URLs are the longest cells.
pub fn table() -> String {
    let header = ["NAME", "DEFAULT", "DESCRIPTION", "SOURCE"];
    let rows: Vec<[String; 4]> = SPECS
        .iter()
        .map(|s| {
            [
                s.name.to_string(),
                s.default.to_string(),
                s.description.to_string(),
                s.source.to_string(),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row.iter()) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header = header.map(str::to_string);
    for row in std::iter::once(&header).chain(rows.iter()) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                let pad = widths[i] - cell.chars().count() + 3;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::Streams;

    /// The 200,000 samples of `d` from a fixed stream, sorted.
    fn sorted_samples(d: &Distribution, purpose: &str) -> Vec<u64> {
        let mut rng = Streams::new(42).stream("test", "timing", purpose);
        let mut v: Vec<u64> = (0..200_000)
            .map(|_| d.sample(&mut rng).as_micros())
            .collect();
        v.sort_unstable();
        v
    }

    fn quantile(sorted: &[u64], q: f64) -> f64 {
        sorted[((sorted.len() as f64) * q) as usize] as f64
    }

    /// The registry must hold exactly the names the engine uses, each once, in the
    /// `<component>.<camelCaseAction>` form docs/timings.md documents.
    #[test]
    fn the_registry_holds_exactly_the_engines_names() {
        let expected = [
            "apiserver.request",
            "apiserver.get",
            "apiserver.list",
            "apiserver.create",
            "apiserver.update",
            "apiserver.patch",
            "apiserver.delete",
            "etcd.write",
            "etcd.read",
            "watch.delivery",
            "controller.sync",
            "scheduler.schedule",
            "kubelet.podSandbox",
            "kubelet.imagePull",
            "kubelet.containerStart",
            "kubelet.containerStop",
            "kubelet.statusUpdate",
            "cloud.loadBalancerProvision",
            "aks.nodeProvision",
            "kubelet.nodeReady",
            "kubectl.roundTrip",
            "kubelet.imageCheck",
            "kubelet.containerCreate",
            "nodelifecycle.monitorPeriod",
            "nodelifecycle.monitorGracePeriod",
            "nodelifecycle.startupGracePeriod",
            "nodelifecycle.evictionInterval",
            "nodelifecycle.secondaryEvictionInterval",
            "node.reboot",
            "etcd.peerRoundTrip",
            "etcd.electionTimeout",
            "etcd.requestTimeout",
            "apiserver.reconnect",
            "controlplane.restart",
        ];
        let names: Vec<&str> = TimingName::ALL.iter().map(|n| n.as_str()).collect();
        assert_eq!(names, expected);
        for (i, n) in TimingName::ALL.into_iter().enumerate() {
            assert_eq!(n as usize, i);
            assert_eq!(TimingName::from_name(n.as_str()), Some(n));
            let (component, action) = n.as_str().split_once('.').expect("has a dot");
            assert!(component.chars().all(|c| c.is_ascii_lowercase()));
            assert!(action.starts_with(|c: char| c.is_ascii_lowercase()));
            assert!(action.chars().all(|c| c.is_ascii_alphanumeric()));
        }
        assert_eq!(TimingName::from_name("etcd.Write"), None);
    }

    /// The verb rows read `apiserver.request` until they are set; setting one pins it and
    /// leaves the others following.
    #[test]
    fn a_following_row_reads_its_parent_until_set() {
        let verbs = &TimingName::ALL[1..7];
        assert_eq!(verbs[0], TimingName::ApiserverGet);
        assert_eq!(verbs[5], TimingName::ApiserverDelete);
        let mut t = Timings::defaults();
        for &v in verbs {
            assert_eq!(v.follows(), Some(TimingName::ApiserverRequest));
            assert!(v.as_str().starts_with("apiserver."));
            assert_eq!(t.get(v), t.get(TimingName::ApiserverRequest), "{v}");
        }
        t.set(TimingName::ApiserverRequest, Distribution::Constant(7));
        t.set(TimingName::ApiserverList, Distribution::Constant(9));
        for &v in verbs {
            let want = if v == TimingName::ApiserverList { 9 } else { 7 };
            assert_eq!(t.get(v), &Distribution::Constant(want), "{v}");
        }
        t.set(TimingName::ApiserverRequest, Distribution::Constant(8));
        assert_eq!(t.get(TimingName::ApiserverList), &Distribution::Constant(9));
        assert_eq!(t.get(TimingName::ApiserverGet), &Distribution::Constant(8));
        // Only the verb rows follow anything.
        let followers = TimingName::ALL
            .iter()
            .filter(|n| n.follows().is_some())
            .count();
        assert_eq!(followers, verbs.len());
    }

    /// Quantiles of a lognormal: the empirical median and p99 of 200,000 draws must land
    /// within a few % of the parameters (standard errors here are ~0.3% and ~1%).
    #[test]
    fn lognormal_samples_have_the_requested_median_and_p99() {
        for (median, p99) in [
            (10_000u64, 150_000u64),
            (3_000_000, 20_000_000),
            (500, 1_000),
        ] {
            let d = Distribution::LogNormal {
                median_us: median,
                p99_us: p99,
                min_us: None,
                max_us: None,
            };
            let v = sorted_samples(&d, "quantiles");
            let m = quantile(&v, 0.5);
            let q = quantile(&v, 0.99);
            assert!(
                (m / median as f64 - 1.0).abs() < 0.02,
                "median {m} vs {median}"
            );
            assert!((q / p99 as f64 - 1.0).abs() < 0.04, "p99 {q} vs {p99}");
        }
    }

    /// Clamping at median/2 and 2·median with sigma = ln(15)/z₀.₉₉: each bound catches
    /// Φ(−ln 2/sigma) = Φ(−0.5955) ≈ 0.2758 of the draws (normal table).
    #[test]
    fn clamped_samples_pile_up_at_the_bounds_and_never_pass_them() {
        let d = Distribution::LogNormal {
            median_us: 10_000,
            p99_us: 150_000,
            min_us: Some(5_000),
            max_us: Some(20_000),
        };
        let v = sorted_samples(&d, "clamp");
        assert_eq!(v.first(), Some(&5_000));
        assert_eq!(v.last(), Some(&20_000));
        let n = v.len() as f64;
        let at_min = v.iter().filter(|&&x| x == 5_000).count() as f64 / n;
        let at_max = v.iter().filter(|&&x| x == 20_000).count() as f64 / n;
        assert!((at_min - 0.2758).abs() < 0.01, "{at_min}");
        assert!((at_max - 0.2758).abs() < 0.01, "{at_max}");
    }

    #[test]
    fn constants_and_equal_quantiles_always_give_the_same_value() {
        let mut rng = Streams::new(1).stream("test", "", "constant");
        let c = Distribution::Constant(5_000);
        let flat = Distribution::LogNormal {
            median_us: 1_234,
            p99_us: 1_234,
            min_us: None,
            max_us: None,
        };
        for _ in 0..1_000 {
            assert_eq!(c.sample(&mut rng), SimDuration(5_000));
            assert_eq!(flat.sample(&mut rng), SimDuration(1_234));
        }
    }

    #[test]
    fn parts_with_the_same_spread_sum_to_the_whole_draw_for_draw() {
        // etcd.write (1.5 ms / 7.5 ms) + etcd.peerRoundTrip (0.5 ms / 2.5 ms) is the
        // 2 ms / 10 ms commit they were split from.
        let t = Timings::defaults();
        let parts = [
            t.get(TimingName::EtcdWrite),
            t.get(TimingName::EtcdPeerRoundTrip),
        ];
        let whole = lognormal(2 * MS, 10 * MS);
        let s = Streams::new(3);
        for i in 0..10_000 {
            let purpose = format!("sum:{i}");
            let sum = Distribution::sample_sum(&parts, &mut s.stream("t", "", &purpose));
            let one = whole.sample(&mut s.stream("t", "", &purpose));
            assert!(sum.as_micros().abs_diff(one.as_micros()) <= 1, "{i}");
        }
    }

    #[test]
    fn every_shape_consumes_the_same_number_of_draws() {
        let s = Streams::new(9);
        let mut a = s.stream("test", "", "consume");
        let mut b = s.stream("test", "", "consume");
        Distribution::Constant(1).sample(&mut a);
        Timings::defaults()
            .get(TimingName::KubeletImagePull)
            .sample(&mut b);
        assert_eq!(a.next_u64(), b.next_u64());
    }

    /// Every SOURCE cites a public document (a URL or a path in kubernetes/kubernetes) and says
    /// when the default is kubesim's own estimate; none points at notes a clone does not have.
    #[test]
    fn every_timings_source_cites_a_public_document_and_says_when_it_is_an_estimate() {
        for spec in &SPECS {
            let s = spec.source;
            assert!(
                s.contains("https://") || s.contains("kubernetes/pkg/"),
                "{}: {s}",
                spec.name
            );
            assert!(
                s.starts_with("estimate")
                    || s.starts_with("kubernetes/pkg/")
                    || (s.starts_with("etcd server/") && s.contains("https://")),
                "{}: a default that is not Kubernetes' or etcd's own constant says it is an estimate: {s}",
                spec.name
            );
            for internal in ["facts", "CONTRACT", "§", "[E]", "[V]", "shared/"] {
                assert!(!s.contains(internal), "{}: {s}", spec.name);
            }
        }
        // The one default taken from Kubernetes' source still names its estimated part.
        let status = &SPECS[TimingName::KubeletStatusUpdate as usize];
        assert!(status.source.contains("genericPlegRelistPeriod = 1s"));
        assert!(status.source.contains("estimate"));
    }

    #[test]
    fn the_table_lists_each_name_once_in_aligned_columns() {
        let text = table();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), COUNT + 1);
        assert!(lines[0].starts_with("NAME "));
        for n in TimingName::ALL {
            let rows = lines
                .iter()
                .filter(|l| l.split_whitespace().next() == Some(n.as_str()))
                .count();
            assert_eq!(rows, 1, "{n}");
        }
        // Columns are aligned in characters (`µs` is two bytes).
        let col = |l: &str, name: &str| l[..l.find(name).expect("in the header")].chars().count();
        let from = |l: &str, c: usize| l.chars().skip(c).collect::<String>();
        let default_col = col(lines[0], "DEFAULT");
        for (line, n) in lines[1..].iter().zip(TimingName::ALL) {
            let cell = from(line, default_col);
            assert!(
                cell.starts_with(&Timings::defaults().get(n).to_string()),
                "{line}"
            );
            assert!(!line.ends_with(' '));
        }
        assert!(text.contains("{median: 3s, p99: 20s, min: 500ms, max: 2m0s}"));
        let header: Vec<&str> = lines[0].split_whitespace().collect();
        assert_eq!(header, ["NAME", "DEFAULT", "DESCRIPTION", "SOURCE"]);
        let source_col = col(lines[0], "SOURCE");
        for (line, spec) in lines[1..].iter().zip(SPECS.iter()) {
            assert_eq!(from(line, source_col), spec.source, "{line}");
        }
    }
}
