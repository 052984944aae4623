//! Nodes as the API server stores them (what `kubectl get nodes` shows), with the status
//! conditions the kubelet posts and the node lifecycle controller overrides, and the node
//! Lease (`kube-node-lease/<node>`) the kubelet renews.
//!
//! # Lazy heartbeats
//! A kubelet renews its Lease every 10 s and re-posts an unchanged status every 5 min: at
//! 5,000 nodes that is 1.8 M renewals an hour, none of which changes anything but a
//! timestamp. kubesim stores each periodic write as a [`Beat`] (the first write, the period
//! and, once the kubelet falls silent, the last instant it was alive) and computes the
//! timestamp a reader would see at its own now ([`Beat::last`]): the Lease's `renewTime`
//! and the conditions' `lastHeartbeatTime` are exactly what upstream would store, without an
//! event per renewal. Only a change (the node Ready, the kubelet stopping, the node
//! lifecycle controller marking it Unknown) is a write with a watch event. Upstream's
//! unchanged status posts change only `lastHeartbeatTime`, which the scheduler's and the
//! DaemonSet controller's node update handlers ignore, so no watcher misses an event it
//! would act on; the node lifecycle controller reads the timestamps on its own 5 s poll.

use crate::model::meta::Meta;
use crate::model::pod::{Resources, Taint};
use crate::sim::time::{SimDuration, SimTime};
use std::net::Ipv4Addr;
use std::sync::Arc;

/// The taint a node carries while its Ready condition is False
/// (`node.kubernetes.io/not-ready`: the kubelet registers with it as NoSchedule; the node
/// lifecycle controller keeps it in step with the condition, and adds it as NoExecute).
pub const NOT_READY_TAINT: &str = "node.kubernetes.io/not-ready";
/// The taint of a node whose Ready condition is Unknown (`node.kubernetes.io/unreachable`).
pub const UNREACHABLE_TAINT: &str = "node.kubernetes.io/unreachable";
/// The taint of a cordoned node (`node.kubernetes.io/unschedulable`, from `spec.unschedulable`).
pub const UNSCHEDULABLE_TAINT: &str = "node.kubernetes.io/unschedulable";
/// The taint of a node reporting MemoryPressure.
pub const MEMORY_PRESSURE_TAINT: &str = "node.kubernetes.io/memory-pressure";
/// The taint of a node reporting DiskPressure.
pub const DISK_PRESSURE_TAINT: &str = "node.kubernetes.io/disk-pressure";
/// The taint of a node reporting PIDPressure.
pub const PID_PRESSURE_TAINT: &str = "node.kubernetes.io/pid-pressure";

/// The kubelet's node lease renew interval: `nodeLeaseDurationSeconds` (40) × 0.25
/// (pkg/kubelet/kubelet.go `nodeLeaseRenewIntervalFraction`).
pub const LEASE_RENEW: SimDuration = SimDuration::from_secs(10);
/// `nodeLeaseDurationSeconds` (KubeletConfiguration default 40).
pub const LEASE_DURATION_SECONDS: u32 = 40;
/// KubeletConfiguration `nodeStatusReportFrequency` default: an unchanged status is posted
/// this often (pkg/kubelet/apis/config/v1beta1/defaults.go).
pub const STATUS_REPORT: SimDuration = SimDuration::from_secs(300);
/// KubeletConfiguration `nodeStatusUpdateFrequency` default: how often the kubelet computes
/// its status (a change is posted at the next of these ticks).
pub const STATUS_UPDATE: SimDuration = SimDuration::from_secs(10);

/// A write repeated every `period` from `from` while its writer lives: what the store
/// holds instead of each repetition (module doc).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Beat {
    /// The first write.
    pub from: SimTime,
    /// The interval between writes.
    pub period: SimDuration,
    /// The last instant the writer was alive (None: it still is).
    pub until: Option<SimTime>,
}

impl Beat {
    /// A beat starting at `from`.
    pub fn new(from: SimTime, period: SimDuration) -> Beat {
        Beat {
            from,
            period,
            until: None,
        }
    }

    /// The time of the last write at or before `now` (never past `until`): `from` plus or
    /// minus whole periods, so `from` may be any write of the series, even a later one (the
    /// kubelets running at t=0 started before it); never before t=0.
    pub fn last(&self, now: SimTime) -> SimTime {
        let end = self.until.map_or(now, |u| u.min(now));
        let p = self.period.0;
        if p == 0 {
            return self.from;
        }
        if end >= self.from {
            SimTime(self.from.0 + (end.0 - self.from.0) / p * p)
        } else {
            let back = (self.from.0 - end.0).div_ceil(p) * p;
            SimTime(self.from.0.saturating_sub(back))
        }
    }

    /// Whether writes have stopped.
    pub fn silent(&self) -> bool {
        self.until.is_some()
    }
}

/// A node condition's `status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConditionStatus {
    /// `True`.
    True,
    /// `False`.
    False,
    /// `Unknown`: the node lifecycle controller lost the kubelet.
    Unknown,
}

impl ConditionStatus {
    /// As the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionStatus::True => "True",
            ConditionStatus::False => "False",
            ConditionStatus::Unknown => "Unknown",
        }
    }
}

/// The condition types the kubelet posts, in the order it lists them (kubectl describe
/// prints them in stored order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConditionType {
    /// `MemoryPressure`.
    MemoryPressure,
    /// `DiskPressure`.
    DiskPressure,
    /// `PIDPressure`.
    PidPressure,
    /// `Ready`.
    Ready,
}

impl ConditionType {
    /// Every type, in the kubelet's order (pkg/kubelet/kubelet_node_status.go
    /// `defaultNodeStatusFuncs`: memory, disk, PID pressure, then Ready).
    pub const ALL: [ConditionType; 4] = [
        ConditionType::MemoryPressure,
        ConditionType::DiskPressure,
        ConditionType::PidPressure,
        ConditionType::Ready,
    ];

    /// As the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionType::MemoryPressure => "MemoryPressure",
            ConditionType::DiskPressure => "DiskPressure",
            ConditionType::PidPressure => "PIDPressure",
            ConditionType::Ready => "Ready",
        }
    }

    /// The kubelet's value of a pressure condition whose eviction signal is met, with its
    /// reason and message (setters.go `MemoryPressureCondition` etc.); None for Ready.
    pub fn pressured(self) -> Option<(&'static str, &'static str)> {
        match self {
            ConditionType::MemoryPressure => Some((
                "KubeletHasInsufficientMemory",
                "kubelet has insufficient memory available",
            )),
            ConditionType::DiskPressure => {
                Some(("KubeletHasDiskPressure", "kubelet has disk pressure"))
            }
            ConditionType::PidPressure => Some((
                "KubeletHasInsufficientPID",
                "kubelet has insufficient PID available",
            )),
            ConditionType::Ready => None,
        }
    }

    /// The kubelet's healthy value with its reason and message
    /// (pkg/kubelet/nodestatus/setters.go `MemoryPressureCondition`, `DiskPressureCondition`,
    /// `PIDPressureCondition`, `ReadyCondition`).
    pub fn healthy(self) -> (ConditionStatus, &'static str, &'static str) {
        match self {
            ConditionType::MemoryPressure => (
                ConditionStatus::False,
                "KubeletHasSufficientMemory",
                "kubelet has sufficient memory available",
            ),
            ConditionType::DiskPressure => (
                ConditionStatus::False,
                "KubeletHasNoDiskPressure",
                "kubelet has no disk pressure",
            ),
            ConditionType::PidPressure => (
                ConditionStatus::False,
                "KubeletHasSufficientPID",
                "kubelet has sufficient PID available",
            ),
            ConditionType::Ready => (
                ConditionStatus::True,
                "KubeletReady",
                "kubelet is posting ready status",
            ),
        }
    }
}

/// The Ready=False the kubelet registers with while its runtime's network is not up yet
/// (setters.go `ReadyCondition` with the runtime's NetworkReady error).
pub const KUBELET_NOT_READY: (&str, &str) = (
    "KubeletNotReady",
    "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized",
);

/// One `status.conditions` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeCondition {
    /// `type`.
    pub kind: ConditionType,
    /// `status`.
    pub status: ConditionStatus,
    /// `reason`.
    pub reason: &'static str,
    /// `message`.
    pub message: &'static str,
    /// `lastHeartbeatTime`; None: the kubelet's status [`Beat`] ([`Node::heartbeat`]).
    pub heartbeat: Option<SimTime>,
    /// `lastTransitionTime`.
    pub transition: SimTime,
}

/// The kubelet's conditions at `now`: healthy, with Ready True or (while its network is not
/// up) False; heartbeats from the status beat.
pub fn kubelet_conditions(ready: bool, now: SimTime) -> Vec<NodeCondition> {
    ConditionType::ALL
        .into_iter()
        .map(|kind| {
            let (mut status, mut reason, mut message) = kind.healthy();
            if kind == ConditionType::Ready && !ready {
                (status, reason, message) = (
                    ConditionStatus::False,
                    KUBELET_NOT_READY.0,
                    KUBELET_NOT_READY.1,
                );
            }
            NodeCondition {
                kind,
                status,
                reason,
                message,
                heartbeat: None,
                transition: now,
            }
        })
        .collect()
}

/// A node's Lease (`coordination.k8s.io/v1`, `kube-node-lease/<node>`): held by the node's
/// kubelet, which renews it every [`LEASE_RENEW`]; its renewals are a [`Beat`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lease {
    /// `spec.acquireTime`: when the kubelet (re)started holding it.
    pub acquired: SimTime,
    /// The renewals (`spec.renewTime` is [`Beat::last`]).
    pub renew: Beat,
}

impl Lease {
    /// A lease first written at `now`.
    pub fn new(now: SimTime) -> Lease {
        Lease {
            acquired: now,
            renew: Beat::new(now, LEASE_RENEW),
        }
    }
}

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
    /// `status.conditions` (empty: the kubelet never posted them).
    pub conditions: Vec<NodeCondition>,
    /// The kubelet's status posts (the conditions' `lastHeartbeatTime`).
    pub heartbeat: Beat,
    /// The node's Lease (None: not created yet, or gone with the node).
    pub lease: Option<Lease>,
    /// `status.images`: what the kubelet last reported on disk (ImageLocality's input).
    /// Shared: every node of an image starts with the same list.
    pub images: Arc<Vec<ContainerImage>>,
}

/// One entry of `status.images` (`v1.ContainerImage`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerImage {
    /// `names`: the image's tags as the runtime reports them (kubesim keeps no digests).
    pub names: Vec<String>,
    /// `sizeBytes`.
    pub size_bytes: u64,
}

/// KubeletConfiguration `nodeStatusMaxImages` (default 50): only the largest images are
/// reported.
pub const NODE_STATUS_MAX_IMAGES: usize = 50;

/// The kubelet's `Images` status setter (pkg/kubelet/nodestatus/setters.go): the images on
/// disk, largest first (the image manager's list sorted by size), at most
/// [`NODE_STATUS_MAX_IMAGES`]; each named as containerd reports it, so references that
/// name one image (`nginx:1.27`, `docker.io/library/nginx:1.27`) are one entry.
pub fn status_images<'a>(on_disk: impl IntoIterator<Item = (&'a str, u64)>) -> Vec<ContainerImage> {
    let mut by_name: std::collections::BTreeMap<String, u64> = Default::default();
    for (image, size) in on_disk {
        by_name
            .entry(crate::model::image::containerd_name(image))
            .or_insert(size);
    }
    let mut list: Vec<ContainerImage> = by_name
        .into_iter()
        .map(|(name, size_bytes)| ContainerImage {
            names: vec![name],
            size_bytes,
        })
        .collect();
    list.sort_by(|a, b| {
        b.size_bytes
            .cmp(&a.size_bytes)
            .then_with(|| a.names.cmp(&b.names))
    });
    list.truncate(NODE_STATUS_MAX_IMAGES);
    list
}

impl Node {
    /// Whether the Ready condition is True (kubectl's `Ready`, the timeline's `ready`).
    pub fn ready(&self) -> bool {
        self.status_of(ConditionType::Ready) == Some(ConditionStatus::True)
    }

    /// The condition of `kind`, if posted.
    pub fn condition(&self, kind: ConditionType) -> Option<&NodeCondition> {
        self.conditions.iter().find(|c| c.kind == kind)
    }

    /// The status of the condition of `kind`, if posted.
    pub fn status_of(&self, kind: ConditionType) -> Option<ConditionStatus> {
        self.condition(kind).map(|c| c.status)
    }

    /// A condition's `lastHeartbeatTime` as a reader at `now` sees it.
    pub fn heartbeat_of(&self, c: &NodeCondition, now: SimTime) -> SimTime {
        c.heartbeat.unwrap_or_else(|| self.heartbeat.last(now))
    }
}
