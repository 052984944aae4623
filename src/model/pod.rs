//! Pods: the spec kubesim simulates (shared between a template's pods) and the status the
//! kubelet reports.

use crate::model::affinity::{Affinity, TopologySpreadConstraint};
use crate::model::labels::Labels;
use crate::model::meta::Meta;
use crate::sim::time::SimTime;
use std::net::Ipv4Addr;
use std::sync::Arc;

/// CPU in millicores and memory in bytes, integer as in Kubernetes' scheduler.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Resources {
    /// Millicores.
    pub cpu_milli: i64,
    /// Bytes.
    pub memory: i64,
}

impl Resources {
    /// Component-wise sum.
    pub fn plus(self, o: Resources) -> Resources {
        Resources {
            cpu_milli: self.cpu_milli + o.cpu_milli,
            memory: self.memory + o.memory,
        }
    }
    /// Component-wise difference.
    pub fn minus(self, o: Resources) -> Resources {
        Resources {
            cpu_milli: self.cpu_milli - o.cpu_milli,
            memory: self.memory - o.memory,
        }
    }
}

/// `imagePullPolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PullPolicy {
    /// Pull on every start.
    Always,
    /// Pull only when the node lacks the image.
    IfNotPresent,
    /// Never pull.
    Never,
}

impl PullPolicy {
    /// The default Kubernetes applies (`SetDefaults_Container`, facts B.10): `Always` for a
    /// missing or `:latest` tag, otherwise `IfNotPresent`.
    pub fn default_for(image: &str) -> PullPolicy {
        let last = image.rsplit('/').next().unwrap_or(image);
        if image.contains('@') {
            return PullPolicy::IfNotPresent;
        }
        match last.split_once(':') {
            None => PullPolicy::Always,
            Some((_, "latest")) => PullPolicy::Always,
            Some(_) => PullPolicy::IfNotPresent,
        }
    }
}

/// `spec.containers[i]`, the parts kubesim simulates.
#[derive(Clone, PartialEq)]
pub struct Container {
    /// `name`.
    pub name: String,
    /// `image`.
    pub image: String,
    /// `imagePullPolicy` after defaulting.
    pub pull_policy: PullPolicy,
    /// `ports[].containerPort` (with protocol), for printing.
    pub ports: Vec<(i32, String)>,
    /// The ports that also bind the node (`hostPort` set, or every port of a hostNetwork
    /// pod, which `SetDefaults_Pod` gives `hostPort = containerPort`): NodePorts' input.
    pub host_ports: Vec<HostPort>,
    /// `resources.requests` (absent → 0; limits without requests default requests to limits).
    pub requests: Resources,
    /// `resources.limits`.
    pub limits: Resources,
    /// `command` and `args`: what kubesim can read of them decides when the process exits
    /// (docs/scenario.md `images:`).
    pub command: Vec<String>,
    /// `args`.
    pub args: Vec<String>,
    /// `readinessProbe`, `livenessProbe`, `startupProbe`.
    pub probes: Probes,
    /// `lifecycle.preStop`, as how long it runs before SIGTERM (µs): a `sleep` handler's
    /// seconds, an `exec` of a command kubesim can read, 0 for `httpGet` and the rest.
    pub pre_stop_us: Option<u64>,
    /// The ConfigMaps and Secrets its environment reads (`envFrom`, then `env[].valueFrom`),
    /// which the kubelet must find before it can create the container.
    pub env_sources: Vec<EnvSource>,
}

/// A port a container binds on its node (`ports[]` with `hostPort`), as the scheduler's
/// `HostPortInfo` keys it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostPort {
    /// `hostIP`; empty is `0.0.0.0`, every address.
    pub ip: String,
    /// `protocol` (default TCP).
    pub protocol: String,
    /// `hostPort`.
    pub port: i32,
}

impl HostPort {
    /// The address with `HostPortInfo`'s sanitising: empty means `0.0.0.0`.
    pub fn address(&self) -> &str {
        if self.ip.is_empty() {
            "0.0.0.0"
        } else {
            &self.ip
        }
    }

    /// `HostPortInfo.CheckConflict` for one used port: the same protocol and port on the
    /// same address, or on either side the wildcard `0.0.0.0`.
    pub fn conflicts(&self, used: &HostPort) -> bool {
        if self.port <= 0 || self.port != used.port || self.protocol != used.protocol {
            return false;
        }
        let (a, b) = (self.address(), used.address());
        a == "0.0.0.0" || b == "0.0.0.0" || a == b
    }
}

/// Which kind of object an environment source or a volume names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigKind {
    /// A ConfigMap (`configMapRef`, `configMapKeyRef`, `volumes[].configMap`).
    ConfigMap,
    /// A Secret (`secretRef`, `secretKeyRef`, `volumes[].secret`).
    Secret,
}

/// One reference of a container's environment to a ConfigMap or Secret, in the order
/// `makeEnvironmentVariables` (pkg/kubelet/kubelet_pods.go) resolves them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvSource {
    /// ConfigMap or Secret.
    pub kind: ConfigKind,
    /// The object's name (in the pod's namespace).
    pub name: String,
    /// The key a `configMapKeyRef`/`secretKeyRef` reads; None for `envFrom`, which reads all.
    pub key: Option<String>,
    /// `optional: true`: a missing object or key never blocks the container.
    pub optional: bool,
}

/// A `volumes[]` entry backed by a ConfigMap or Secret, which the kubelet's volume manager
/// must mount before the sandbox is created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigVolume {
    /// The volume's `name`.
    pub volume: String,
    /// ConfigMap (`configMap.name`) or Secret (`secret.secretName`).
    pub kind: ConfigKind,
    /// The object's name.
    pub name: String,
    /// `optional: true`: a missing object mounts as an empty volume.
    pub optional: bool,
}

/// Written out by hand so that a container without command, args or probes prints exactly
/// as before those fields existed: Deployment template hashes are taken over this text.
impl std::fmt::Debug for Container {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Container");
        d.field("name", &self.name)
            .field("image", &self.image)
            .field("pull_policy", &self.pull_policy)
            .field("ports", &self.ports)
            .field("requests", &self.requests)
            .field("limits", &self.limits);
        if !self.command.is_empty() {
            d.field("command", &self.command);
        }
        if !self.args.is_empty() {
            d.field("args", &self.args);
        }
        if self.probes != Probes::default() {
            d.field("probes", &self.probes);
        }
        if let Some(p) = self.pre_stop_us {
            d.field("pre_stop_us", &p);
        }
        if !self.env_sources.is_empty() {
            d.field("env_sources", &self.env_sources);
        }
        if !self.host_ports.is_empty() {
            d.field("host_ports", &self.host_ports);
        }
        d.finish()
    }
}

/// A container's probes; `None` is a probe the manifest does not declare.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Probes {
    /// `readinessProbe`: gates the container's `ready`.
    pub readiness: Option<Probe>,
    /// `livenessProbe`: a failing one restarts the container.
    pub liveness: Option<Probe>,
    /// `startupProbe`: holds the other two back until it succeeds.
    pub startup: Option<Probe>,
}

/// One probe's timing fields, defaulted as `SetDefaults_Probe` (core/v1/defaults.go) does:
/// 0/10/1/3/1 seconds and counts. The handler (exec, httpGet, tcpSocket, grpc) is not
/// modelled: the image's declared behaviour decides the result (docs/scenario.md `images:`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Probe {
    /// `initialDelaySeconds` (default 0).
    pub initial_delay_s: u32,
    /// `periodSeconds` (default 10).
    pub period_s: u32,
    /// `timeoutSeconds` (default 1).
    pub timeout_s: u32,
    /// `failureThreshold` (default 3).
    pub failure_threshold: u32,
    /// `successThreshold` (default 1; must be 1 for liveness and startup).
    pub success_threshold: u32,
    /// The handler, which decides the text of a failure.
    pub handler: ProbeHandler,
}

/// A probe's handler kind; its target is not modelled beyond a `tcpSocket` port number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProbeHandler {
    /// `exec`.
    Exec,
    /// `httpGet`.
    HttpGet,
    /// `tcpSocket` with its numeric port (None for a named port).
    TcpSocket(Option<i32>),
    /// `grpc`.
    Grpc,
}

impl Default for Probe {
    fn default() -> Self {
        Probe {
            initial_delay_s: 0,
            period_s: 10,
            timeout_s: 1,
            failure_threshold: 3,
            success_threshold: 1,
            handler: ProbeHandler::HttpGet,
        }
    }
}

/// `restartPolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestartPolicy {
    /// Default.
    Always,
    /// Restart failed containers.
    OnFailure,
    /// Never restart.
    Never,
}

/// A taint effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TaintEffect {
    /// `NoSchedule`.
    NoSchedule,
    /// `PreferNoSchedule`.
    PreferNoSchedule,
    /// `NoExecute`.
    NoExecute,
}

impl TaintEffect {
    /// Parses the API spelling.
    pub fn parse(s: &str) -> Option<TaintEffect> {
        match s {
            "NoSchedule" => Some(TaintEffect::NoSchedule),
            "PreferNoSchedule" => Some(TaintEffect::PreferNoSchedule),
            "NoExecute" => Some(TaintEffect::NoExecute),
            _ => None,
        }
    }
}

/// `spec.tolerations[i]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toleration {
    /// `key` (empty with `Exists` tolerates everything).
    pub key: String,
    /// `operator` is `Exists` (otherwise `Equal`).
    pub exists: bool,
    /// `value`.
    pub value: String,
    /// `effect` (None matches every effect).
    pub effect: Option<TaintEffect>,
    /// `tolerationSeconds`.
    pub seconds: Option<i64>,
}

/// A node taint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taint {
    /// `key`.
    pub key: String,
    /// `value`.
    pub value: String,
    /// `effect`.
    pub effect: TaintEffect,
    /// `timeAdded`: set only on the NoExecute taints the node lifecycle controller adds
    /// (`SwapNodeControllerTaint` stamps them), so eviction can count from it.
    pub time_added: Option<SimTime>,
}

impl Toleration {
    /// `v1.Toleration.ToleratesTaint`.
    pub fn tolerates(&self, t: &Taint) -> bool {
        if self.effect.is_some_and(|e| e != t.effect) {
            return false;
        }
        if !self.key.is_empty() && self.key != t.key {
            return false;
        }
        self.exists || self.value == t.value
    }
}

/// The pod spec; pods of one template share one `Arc<PodSpec>`.
#[derive(Clone, PartialEq)]
pub struct PodSpec {
    /// `containers`.
    pub containers: Vec<Container>,
    /// `initContainers`: run one after another, each to a successful exit, before the
    /// regular containers start.
    pub init_containers: Vec<Container>,
    /// `restartPolicy`.
    pub restart_policy: RestartPolicy,
    /// `nodeSelector`.
    pub node_selector: Labels,
    /// `tolerations`.
    pub tolerations: Vec<Toleration>,
    /// `hostNetwork`.
    pub host_network: bool,
    /// `terminationGracePeriodSeconds` (default 30, facts B.9).
    pub termination_grace_seconds: i64,
    /// `nodeName` set in the manifest (bypasses the scheduler).
    pub node_name: Option<String>,
    /// `priority`: set by the Priority admission plugin from `priority_class_name` (the
    /// globalDefault class's value, or 0, when none is named).
    pub priority: i32,
    /// `priorityClassName` as written, or the globalDefault class admission filled in.
    pub priority_class_name: Option<String>,
    /// `preemptionPolicy`, from the pod's PriorityClass (PreemptLowerPriority by default).
    pub preemption_policy: crate::model::priorityclass::PreemptionPolicy,
    /// `schedulerName`.
    pub scheduler_name: String,
    /// `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution` reduced to the
    /// one term kubesim models: `matchFields metadata.name In [<node>]`, which the DaemonSet
    /// controller puts on each of its pods (`ReplaceDaemonSetPodNodeNameNodeAffinity`).
    pub required_node_name: Option<String>,
    /// `volumes[]` backed by ConfigMaps and Secrets (other volume types are not simulated).
    pub config_volumes: Vec<ConfigVolume>,
    /// `volumes[].persistentVolumeClaim.claimName`: the claims VolumeBinding's PreFilter
    /// looks up.
    pub claims: Vec<String>,
    /// `serviceAccountName` as written; None is `default`, which the ServiceAccount admission
    /// plugin fills in (kept unset so templates without one hash as before).
    pub service_account_name: Option<String>,
    /// `affinity` as written (node affinity beyond `required_node_name`, pod affinity and
    /// anti-affinity); None when absent.
    pub affinity: Option<Box<Affinity>>,
    /// `topologySpreadConstraints`.
    pub topology_spread: Vec<TopologySpreadConstraint>,
}

/// Written out by hand so that a spec without node affinity prints exactly as before the
/// field existed: Deployment template hashes are taken over this text.
impl std::fmt::Debug for PodSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("PodSpec");
        d.field("containers", &self.containers)
            .field("init_containers", &self.init_containers.len())
            .field("restart_policy", &self.restart_policy)
            .field("node_selector", &self.node_selector)
            .field("tolerations", &self.tolerations)
            .field("host_network", &self.host_network)
            .field("termination_grace_seconds", &self.termination_grace_seconds)
            .field("node_name", &self.node_name)
            .field("priority", &self.priority)
            .field("scheduler_name", &self.scheduler_name);
        if let Some(n) = &self.required_node_name {
            d.field("required_node_name", n);
        }
        if !self.config_volumes.is_empty() {
            d.field("config_volumes", &self.config_volumes);
        }
        if !self.claims.is_empty() {
            d.field("claims", &self.claims);
        }
        if let Some(n) = &self.service_account_name {
            d.field("service_account_name", n);
        }
        if let Some(n) = &self.priority_class_name {
            d.field("priority_class_name", n);
        }
        if self.preemption_policy != Default::default() {
            d.field("preemption_policy", &self.preemption_policy);
        }
        if !self.init_containers.is_empty() {
            d.field("init", &self.init_containers);
        }
        if let Some(a) = &self.affinity {
            d.field("affinity", a);
        }
        if !self.topology_spread.is_empty() {
            d.field("topology_spread", &self.topology_spread);
        }
        d.finish()
    }
}

impl PodSpec {
    /// The service account the pod runs as (`default` unless named).
    pub fn service_account(&self) -> &str {
        self.service_account_name.as_deref().unwrap_or("default")
    }

    /// Container `i` counting the init containers first, then the regular ones: the order
    /// the kubelet runs them in.
    pub fn container_at(&self, i: usize) -> Option<&Container> {
        match i.checked_sub(self.init_containers.len()) {
            None => self.init_containers.get(i),
            Some(j) => self.containers.get(j),
        }
    }

    /// Init and regular containers together, in [`PodSpec::container_at`] order.
    pub fn all_containers(&self) -> impl Iterator<Item = &Container> {
        self.init_containers.iter().chain(&self.containers)
    }

    /// Sum of container requests (what NodeResourcesFit counts).
    pub fn requests(&self) -> Resources {
        self.containers
            .iter()
            .fold(Resources::default(), |a, c| a.plus(c.requests))
    }
}

/// `status.phase`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Accepted, not all containers running.
    Pending,
    /// Bound and at least one container running.
    Running,
    /// All containers exited 0, not restarting.
    Succeeded,
    /// All containers terminated, at least one failed.
    Failed,
}

impl Phase {
    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Pending => "Pending",
            Phase::Running => "Running",
            Phase::Succeeded => "Succeeded",
            Phase::Failed => "Failed",
        }
    }
}

/// `status.containerStatuses[i].state`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContainerState {
    /// `waiting.reason` (`ContainerCreating`, `ErrImagePull`, ...).
    Waiting(&'static str),
    /// Running since.
    Running(SimTime),
    /// Exited.
    Terminated {
        /// `reason` (`Completed`, `Error`).
        reason: &'static str,
        /// `exitCode`.
        exit_code: i32,
    },
}

/// `status.containerStatuses[i]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerStatus {
    /// State.
    pub state: ContainerState,
    /// `ready`.
    pub ready: bool,
    /// `restartCount`.
    pub restart_count: u32,
    /// `lastState.terminated`: how the previous run ended (absent before the first restart).
    pub last_state: Option<Terminated>,
}

/// `lastState.terminated` of a container that was restarted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Terminated {
    /// `reason` (`Completed`, `Error`).
    pub reason: &'static str,
    /// `exitCode`.
    pub exit_code: i32,
    /// `finishedAt`: what kubectl's RESTARTS `(42s ago)` counts from.
    pub finished: SimTime,
}

/// The pod status as stored (what `kubectl get` reads).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodStatus {
    /// `phase`.
    pub phase: Phase,
    /// `reason` (`Evicted`, ...).
    pub reason: Option<&'static str>,
    /// `PodScheduled` condition: None = absent, Some(false) = False/Unschedulable.
    pub scheduled: Option<bool>,
    /// Message of PodScheduled=False (the scheduler's FitError).
    pub unschedulable_message: Option<String>,
    /// `Ready` condition True, and since when (lastTransitionTime).
    pub ready_since: Option<SimTime>,
    /// `containerStatuses` (empty until the kubelet reports).
    pub containers: Vec<ContainerStatus>,
    /// `initContainerStatuses`, in `spec.initContainers` order (empty until the kubelet
    /// reports, and for a pod without init containers).
    pub init_containers: Vec<ContainerStatus>,
    /// The `Initialized` condition is True: every init container has exited 0.
    pub initialized: bool,
    /// `podIP`.
    pub pod_ip: Option<Ipv4Addr>,
    /// `hostIP`.
    pub host_ip: Option<Ipv4Addr>,
    /// `startTime`: when the kubelet accepted the pod.
    pub start_time: Option<SimTime>,
    /// The `DisruptionTarget` condition (status True), set by the controller about to delete
    /// the pod, so that its owner (a Job's podFailurePolicy, a user reading `describe`) can
    /// tell a disruption from a failure of its own.
    pub disruption: Option<DisruptionTarget>,
    /// `nominatedNodeName`: the node the scheduler preempted pods on for this pod, where the
    /// freed room is held for it.
    pub nominated_node: Option<String>,
}

/// The `DisruptionTarget` pod condition as a controller writes it before deleting a pod
/// (`apipod.UpdatePodCondition` in the taint eviction controller, `ApplyStatus` in PodGC).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DisruptionTarget {
    /// `reason` (`DeletionByTaintManager`, `DeletionByPodGC`).
    pub reason: &'static str,
    /// `message`.
    pub message: &'static str,
    /// `lastTransitionTime`.
    pub since: SimTime,
}

impl Default for PodStatus {
    fn default() -> Self {
        PodStatus {
            phase: Phase::Pending,
            reason: None,
            scheduled: None,
            unschedulable_message: None,
            ready_since: None,
            containers: Vec::new(),
            init_containers: Vec::new(),
            initialized: false,
            pod_ip: None,
            host_ip: None,
            start_time: None,
            disruption: None,
            nominated_node: None,
        }
    }
}

/// A stored pod.
#[derive(Clone, Debug)]
pub struct Pod {
    /// Metadata.
    pub meta: Meta,
    /// Shared spec.
    pub spec: Arc<PodSpec>,
    /// `spec.nodeName` once bound, as a node index.
    pub node: Option<u32>,
    /// Status.
    pub status: PodStatus,
}

impl Pod {
    /// Ready condition True.
    pub fn is_ready(&self) -> bool {
        self.status.ready_since.is_some()
    }

    /// `podutil.IsPodAvailable`: Ready for at least `min_ready_seconds`.
    pub fn is_available(&self, min_ready_seconds: i64, now: SimTime) -> bool {
        match self.status.ready_since {
            None => false,
            Some(t) => {
                min_ready_seconds <= 0
                    || now.since(t).as_micros() >= (min_ready_seconds as u64) * 1_000_000
            }
        }
    }

    /// Terminal phase (Succeeded or Failed).
    pub fn is_terminal(&self) -> bool {
        matches!(self.status.phase, Phase::Succeeded | Phase::Failed)
    }

    /// `controller.IsPodActive`: not terminal and not being deleted.
    pub fn is_active(&self) -> bool {
        !self.is_terminal() && self.meta.deleted.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_policy_defaults_follow_set_defaults_container() {
        // facts B.10: Always for :latest or no tag, IfNotPresent otherwise (and for digests).
        assert_eq!(PullPolicy::default_for("nginx"), PullPolicy::Always);
        assert_eq!(PullPolicy::default_for("nginx:latest"), PullPolicy::Always);
        assert_eq!(
            PullPolicy::default_for("nginx:1.25"),
            PullPolicy::IfNotPresent
        );
        assert_eq!(
            PullPolicy::default_for("myreg:5000/app"),
            PullPolicy::Always
        );
        assert_eq!(
            PullPolicy::default_for("app@sha256:abc"),
            PullPolicy::IfNotPresent
        );
    }

    #[test]
    fn tolerations_match_like_tolerates_taint() {
        let t = Taint {
            key: "azure.com/aci".into(),
            value: String::new(),
            effect: TaintEffect::NoSchedule,
            time_added: None,
        };
        let equal_empty = Toleration {
            key: "azure.com/aci".into(),
            exists: false,
            value: String::new(),
            effect: Some(TaintEffect::NoSchedule),
            seconds: None,
        };
        assert!(equal_empty.tolerates(&t));
        let other_effect = Toleration {
            effect: Some(TaintEffect::NoExecute),
            ..equal_empty.clone()
        };
        assert!(!other_effect.tolerates(&t));
        let wildcard = Toleration {
            key: String::new(),
            exists: true,
            value: String::new(),
            effect: None,
            seconds: None,
        };
        assert!(wildcard.tolerates(&t));
    }
}
