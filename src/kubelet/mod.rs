//! The kubelet and its container runtime (containerd), one per node.
//!
//! For a pod bound to its node the kubelet: admits it and reports `Pending` with every
//! container waiting in `ContainerCreating`; creates the sandbox and network
//! (`kubelet.podSandbox`, then a pod IP from the network plugin, or the node IP for
//! `hostNetwork`); then for each container in order makes sure its image is there
//! ([`images`]: pulls are serialized per node), creates it (`kubelet.containerCreate`, then
//! `Created`) and starts it (`kubelet.containerStart`, then `Started`). Status changes
//! reach the API server `kubelet.statusUpdate` after they happen (PLEG relist, 1 s). On deletion it stops the containers (`Killing`,
//! `kubelet.containerStop`, capped by the grace period), releases the address, writes the
//! pod's terminal status and then deletes the object with grace 0.
//!
//! Init containers run first, one at a time, each to exit 0 before the next is pulled and
//! created; a failed one is restarted with the crash-loop back-off, or fails the pod under
//! `restartPolicy: Never`. Until the last has succeeded every container waits in
//! `PodInitializing`.
//!
//! A started container runs the [`process`] its image and command declare: it may exit
//! (`Completed` or `Error` with its exit code), after which `restartPolicy` decides whether
//! it is restarted, with the crash-loop [`backoff`] (`BackOff`, `CrashLoopBackOff`), or the
//! pod ends `Succeeded` or `Failed` ([`status`]). An image the registry lacks fails its pull
//! (`ErrImagePull`) and is retried with the image back-off (`ImagePullBackOff`). Probes
//! ([`probes`]) pass once the image serves (`readyAfter`): a readiness probe holds `ready`
//! back until then, a liveness or startup probe that reaches its failure threshold first
//! has the container killed and restarted.
//!
//! The ConfigMaps and Secrets a pod references ([`config`]) must exist: a missing volume
//! source holds the pod before its sandbox (`FailedMount`, retried with the volume manager's
//! back-off), a missing environment source refuses the container's create
//! (`CreateContainerConfigError`, retried with the pod worker's back-off).
//!
//! Faults of the machine: a stopped and rebooted VM ([`reboot`]), a node cut off from the
//! API server ([`partition`]), and the eviction manager under node pressure ([`pressure`]).
//!
//! Event texts are Kubernetes 1.35's (`Container created`, `Container started`,
//! `... already present on machine and can be accessed by the pod`, `Back-off restarting
//! failed container ...`). Simplifications (docs/scenario.md `images:`): a process never
//! stops serving once it serves; no image garbage collection; an image without `sizeMB`
//! reports a stable illustrative size.

pub mod backoff;
pub mod config;
pub mod images;
mod nodeimages;
pub mod partition;
pub mod pressure;
pub mod probes;
pub mod process;
pub mod reboot;
pub mod status;

use crate::apiserver::{Op, Outcome, Propagation};
use crate::component::{Change, Component, Ctx, Message, Notice, Response};
use crate::model::image::ImageCatalog;
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::model::pod::{
    ContainerState, ContainerStatus, Phase, PodStatus, PullPolicy, RestartPolicy, Terminated,
};
use crate::network::Ipam;
use crate::sim::time::{SimDuration, SimTime};
use crate::sim::timing::TimingName;
use backoff::Backoff;
use images::ImageStore;
use probes::{Course, ProbeKind};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::sync::Arc;

/// The kubelet's view of one container beyond its reported status.
#[derive(Clone, Debug, Default)]
struct Life {
    /// Runs started so far (the restart count is one less).
    runs: u32,
    /// When the current run started.
    started: SimTime,
    /// How the last run ended, until the next one starts.
    exited: Option<Terminated>,
    /// The crash-loop back-off (`getStableKey(pod, container)`).
    crash: Backoff,
    /// The image pull back-off (`<pod uid>_<image>`).
    pull: Backoff,
    /// Being killed for a failed probe: its probes and own exit no longer count.
    killing: bool,
    /// Creates refused so far for a missing ConfigMap or Secret (`CreateContainerConfigError`).
    config_failures: u32,
}

/// What the kubelet knows about one of its pods.
#[derive(Clone, Debug)]
struct PodWork {
    /// How many of `containers` (and `life`) are init containers, which come first.
    init: usize,
    containers: Vec<ContainerStatus>,
    life: Vec<Life>,
    ip: Option<Ipv4Addr>,
    /// The address the status reports; kept after a finished pod's address is released.
    status_ip: Option<Ipv4Addr>,
    host_network: bool,
    started: SimTime,
    stopping: bool,
    /// Succeeded or Failed: nothing runs any more.
    finished: bool,
    status_pending: bool,
    ready_since: Option<SimTime>,
    /// Failed attempts to mount the pod's ConfigMap and Secret volumes.
    mount_failures: u32,
    /// A write that could not reach the API server ([`partition`]), sent again at the heal.
    held: Held,
    /// Evicted by the eviction manager under this signal ([`pressure`]).
    evicted: Option<crate::fault::Pressure>,
}

/// What a partition held back of one pod's writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Held {
    /// Nothing.
    #[default]
    Nothing,
    /// A status write.
    Status,
    /// The terminal status or final delete of a pod whose containers have stopped.
    Terminal,
}

/// One node's kubelet.
#[derive(Debug, Default)]
pub struct Kubelet {
    node: u32,
    vm: u32,
    images: ImageStore,
    catalog: Arc<ImageCatalog>,
    pods: BTreeMap<u32, PodWork>,
    /// Pulls in progress: (pod, container) → (requested at, pull duration, whether it
    /// downloads the image).
    pulls: BTreeMap<(u32, u16), (SimTime, SimDuration, bool)>,
    /// The VM is stopped ([`reboot`]).
    down: bool,
    /// How many times the VM stopped: steps set in an earlier boot are ignored.
    boot: u32,
    /// When the VM last stopped.
    stopped_at: SimTime,
    /// The boot in which a `status.images` post is due ([`nodeimages`]).
    images_post: Option<u32>,
    /// The node cannot reach the API server ([`partition`]).
    partitioned: bool,
    /// The eviction manager's signals ([`pressure`]).
    signals: pressure::Signals,
}

impl Kubelet {
    /// The kubelet of node `node` on VM `vm` (which keys its addresses), whose disk already
    /// holds these images (AKS's node image caches the system images), running the
    /// scenario's declared `images:`.
    pub fn new(
        node: u32,
        vm: u32,
        images: impl IntoIterator<Item = String>,
        catalog: Arc<ImageCatalog>,
    ) -> Kubelet {
        Kubelet {
            node,
            vm,
            images: ImageStore::new(images),
            catalog,
            ..Default::default()
        }
    }

    /// Pulls up to `max` images at once (`None`: no limit): its pool's
    /// `serializeImagePulls: false` and `maxParallelImagePulls`.
    pub fn with_parallel_pulls(mut self, max: Option<u32>) -> Kubelet {
        self.images = std::mem::take(&mut self.images).parallel(max);
        self
    }

    /// Registers a pod that is already running when the run starts.
    pub fn adopt_running(
        &mut self,
        pod: u32,
        ip: Option<Ipv4Addr>,
        host_network: bool,
        containers: usize,
    ) {
        let running = ContainerStatus {
            state: ContainerState::Running(SimTime::ZERO),
            ready: true,
            restart_count: 0,
            last_state: None,
        };
        let life = Life {
            runs: 1,
            ..Default::default()
        };
        self.pods.insert(
            pod,
            PodWork {
                init: 0,
                containers: vec![running; containers],
                life: vec![life; containers],
                ip,
                status_ip: ip,
                host_network,
                started: SimTime::ZERO,
                stopping: false,
                finished: false,
                status_pending: false,
                ready_since: Some(SimTime::ZERO),
                mount_failures: 0,
                held: Held::Nothing,
                evicted: None,
            },
        );
    }
}

const SOURCE: &str = "kubelet";

/// `syncFrequency` (KubeletConfiguration default 1m): a pod in back-off is synced at least
/// this often, and each sync records the `BackOff` event again.
const SYNC_FREQUENCY: SimDuration = SimDuration(60_000_000);

/// `backOffPeriod` (pkg/kubelet/kubelet.go, 10 s): a pod whose sync failed, e.g. with
/// `CreateContainerConfigError`, is synced again after it (pod_workers.go `completeWork`;
/// its 50 % jitter is not modelled).
const POD_SYNC_BACK_OFF: SimDuration = SimDuration(10_000_000);

/// Kubelet pod-worker steps. Steps of one container run carry the run number they belong
/// to, so a step of a run that has since ended is ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KubeletStep {
    /// The volume manager tries again to mount the pod's ConfigMap and Secret volumes.
    MountVolumes,
    /// Sandbox and network are up.
    SandboxReady,
    /// An image pull for container `i` finished.
    ImagePulled(u16),
    /// The runtime's create call for container `i` returned.
    ContainerCreated(u16),
    /// Container `i` started.
    ContainerStarted(u16),
    /// Container `i`'s run `n` exits.
    ContainerExited(u16, u32),
    /// The pod worker syncs container `i` after run `n` ended: restart it or back off.
    SyncContainer(u16, u32),
    /// A failed or backed-off pull of container `i` is tried again.
    RetryPull(u16),
    /// Container `i`'s run `n` passes its readiness probe.
    ContainerReady(u16, u32),
    /// Container `i`'s run `n` fails a probe (an `Unhealthy` event).
    ProbeFailed(u16, u32, ProbeKind),
    /// Container `i`'s run `n` reached a liveness or startup probe's failure threshold.
    ProbeKill(u16, u32, ProbeKind),
    /// Container `i`'s run `n` has exited after being killed for a failed probe.
    ContainerKilled(u16, u32),
    /// All containers have stopped after SIGTERM.
    ContainersStopped,
    /// The status manager sends the pod's current status.
    PostStatus,
    /// The node's VM has booted again ([`reboot`]; the step's pod is unused).
    NodeBooted,
    /// The node status loop reports the images on disk ([`nodeimages`]; pod unused).
    PostNodeImages,
    /// The eviction manager looks at its signals ([`pressure`]; pod unused).
    EvictionLook,
}

/// What a kubelet request was for, so its response can be followed up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sent {
    /// A status write (or the final delete): nothing follows.
    Status,
    /// The node's Ready status after a reboot: its `NodeReady` Event follows.
    NodeReady,
    /// The terminal status of a pod whose containers have stopped after deletion: the
    /// status manager deletes the object once it is written.
    TerminalStatus,
}

/// A kubelet's timer: a pod-worker step for one of its pods is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// The pod.
    pub pod: u32,
    /// The boot of the node it was set in: a step set before the VM stopped never fires
    /// into the pods the kubelet runs after it booted again.
    pub boot: u32,
    /// The step.
    pub step: KubeletStep,
}

type Cx<'a> = Ctx<'a, Kubelet>;

impl Component for Kubelet {
    type Tag = Sent;
    type Timer = Step;
    /// The node's CNI plugin (pod addresses), which the container runtime calls directly.
    type Env = Ipam;

    fn observe(&mut self, cx: &mut Cx<'_>, n: Notice) {
        // A partitioned kubelet's watch is broken: it re-lists when the partition heals.
        if !self.down && !self.partitioned {
            observe(self, cx, n.obj, n.change);
        }
    }

    fn on_response(&mut self, cx: &mut Cx<'_>, sent: Sent, r: Response<'_>) {
        if self.down {
            return;
        }
        match (r.op, r.outcome) {
            (Op::NodeReady { node }, Outcome::Done) => {
                // kubelet_node_status.go recordNodeStatusEvent.
                let obj = ObjRef {
                    kind: Kind::Node,
                    id: *node,
                };
                let name = cx.store.key(obj);
                cx.event(
                    obj,
                    false,
                    "NodeReady",
                    SOURCE,
                    format!("Node {name} status is now: NodeReady"),
                );
            }
            (Op::Delete { target, .. }, Outcome::Deleted(_)) => forget(self, cx, target.id),
            (Op::PodStatus { pod, .. }, _) if sent == Sent::TerminalStatus => {
                let deleted = cx
                    .store
                    .pods
                    .get(*pod)
                    .is_none_or(|p| p.meta.deleted.is_some());
                match self.pods.get_mut(pod) {
                    // An evicted pod stays, Failed, until someone deletes it.
                    Some(wk) if wk.evicted.is_some() && !deleted => {
                        wk.stopping = false;
                        wk.finished = true;
                    }
                    _ => delete_terminated(self, cx, *pod),
                }
            }
            _ => {}
        }
    }

    fn on_timer(&mut self, cx: &mut Cx<'_>, t: Step) {
        if t.boot != self.boot {
            return;
        }
        if t.step == reboot::BOOT {
            reboot::booted(self, cx);
        } else if t.step == KubeletStep::EvictionLook {
            if !self.down {
                pressure::look(self, cx);
            }
        } else if !self.down {
            step(self, cx, t.pod, t.step);
        }
    }

    fn on_message(&mut self, cx: &mut Cx<'_>, _: crate::component::ComponentId, msg: Message) {
        match msg {
            Message::VmStopped => reboot::stopped(self, cx),
            Message::VmStarted => reboot::start(self, cx),
            Message::Partitioned => partition::cut(self, cx),
            Message::Healed => partition::heal(self, cx),
            Message::Pressure(p) => pressure::signal(self, cx, Some(p), true),
            Message::Relieved(p) => pressure::signal(self, cx, p, false),
            Message::ArmRequest { .. } | Message::ArmDone { .. } => {}
        }
    }
}

fn pod_key(cx: &Cx<'_>, pod: u32) -> String {
    cx.store.key(ObjRef {
        kind: Kind::Pod,
        id: pod,
    })
}

fn pod_obj(pod: u32) -> ObjRef {
    ObjRef {
        kind: Kind::Pod,
        id: pod,
    }
}

/// An informer event for a pod bound to this node.
fn observe(me: &mut Kubelet, cx: &mut Cx<'_>, obj: ObjRef, change: Change) {
    if obj.kind != Kind::Pod {
        return;
    }
    let pod = obj.id;
    let node = me.node;
    let known = me.pods.contains_key(&pod);
    let Some(p) = cx.store.pods.get(pod) else {
        // The object is gone (deleted with grace 0 or by the kubelet itself).
        if change == Change::Deleted && known {
            forget(me, cx, pod);
        }
        return;
    };
    if p.node != Some(node) {
        return;
    }
    if !known {
        if p.is_terminal() {
            return;
        }
        if p.meta.deleted.is_some() {
            // Deleted before this kubelet first heard of it: pod_workers.go `UpdatePod` begins
            // teardown at once ("Pod is marked for graceful deletion, begin teardown"); nothing
            // was started, and the status manager then deletes the object.
            admit_for_teardown(me, cx, pod);
            return;
        }
        admit(me, cx, pod);
        return;
    }
    if p.meta.deleted.is_some() && !me.pods[&pod].stopping {
        stop(me, cx, pod);
    }
}

/// A pod just admitted: every container waits, `PodInitializing` when the pod has init
/// containers and `ContainerCreating` otherwise (kubelet_pods.go
/// convertToAPIContainerStatuses, its `defaultWaitingState`).
fn new_work(init: usize, n: usize, host_network: bool, now: SimTime) -> PodWork {
    let reason = if init > 0 {
        "PodInitializing"
    } else {
        "ContainerCreating"
    };
    let n = init + n;
    let waiting = ContainerStatus {
        state: ContainerState::Waiting(reason),
        ready: false,
        restart_count: 0,
        last_state: None,
    };
    PodWork {
        init,
        containers: vec![waiting; n],
        life: vec![Life::default(); n],
        ip: None,
        status_ip: None,
        host_network,
        started: now,
        stopping: false,
        finished: false,
        status_pending: false,
        ready_since: None,
        mount_failures: 0,
        held: Held::Nothing,
        evicted: None,
    }
}

fn admit(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32) {
    let Some(p) = cx.store.pods.get(pod) else {
        return;
    };
    let work = new_work(
        p.spec.init_containers.len(),
        p.spec.containers.len(),
        p.spec.host_network,
        cx.now,
    );
    me.pods.insert(pod, work);
    post_status_later(me, cx, pod);
    mount_volumes(me, cx, pod);
}

/// `WaitForAttachAndMount` (pkg/kubelet/volumemanager) before the sandbox: every ConfigMap
/// and Secret volume must set up; a failure is a `FailedMount` event and a retry after the
/// operation's exponential back-off, and the containers stay `ContainerCreating`.
fn mount_volumes(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32) {
    let Some(p) = cx.store.pods.get(pod) else {
        return;
    };
    if let Some(message) = config::mount_error(cx.store, p.meta.namespace, &p.spec.config_volumes) {
        cx.event(pod_obj(pod), true, "FailedMount", SOURCE, message);
        let Some(wk) = me.pods.get_mut(&pod) else {
            return;
        };
        wk.mount_failures += 1;
        let retry = config::mount_retry(wk.mount_failures);
        cx.after(
            retry,
            Step {
                boot: me.boot,
                pod,
                step: KubeletStep::MountVolumes,
            },
        );
        return;
    }
    let key = pod_key(cx, pod);
    let d = cx.sample(TimingName::KubeletPodSandbox, SOURCE, &key, "sandbox");
    cx.after(
        d,
        Step {
            boot: me.boot,
            pod,
            step: KubeletStep::SandboxReady,
        },
    );
}

/// A pod first seen already being deleted: known to the kubelet only to be torn down.
fn admit_for_teardown(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32) {
    let Some(p) = cx.store.pods.get(pod) else {
        return;
    };
    let work = new_work(
        p.spec.init_containers.len(),
        p.spec.containers.len(),
        p.spec.host_network,
        cx.now,
    );
    me.pods.insert(pod, work);
    stop(me, cx, pod);
}

/// A pod-worker step.
fn step(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32, s: KubeletStep) {
    let Some(work) = me.pods.get(&pod) else {
        return;
    };
    if work.stopping && !matches!(s, KubeletStep::ContainersStopped) {
        return;
    }
    if work.finished && !matches!(s, KubeletStep::PostStatus) {
        return;
    }
    match s {
        KubeletStep::PostStatus => post_status(me, cx, pod),
        KubeletStep::MountVolumes => mount_volumes(me, cx, pod),
        KubeletStep::SandboxReady => sandbox_ready(me, cx, pod),
        KubeletStep::ImagePulled(i) => image_pulled(me, cx, pod, i),
        KubeletStep::RetryPull(i) => ensure_image(me, cx, pod, i),
        KubeletStep::ContainerCreated(i) => container_created(me, cx, pod, i),
        KubeletStep::ContainerStarted(i) => container_started(me, cx, pod, i),
        KubeletStep::ContainerExited(i, run) => container_exited(me, cx, pod, i, run),
        KubeletStep::SyncContainer(i, run) => sync_container(me, cx, pod, i, run),
        KubeletStep::ContainerReady(i, run) => container_ready(me, cx, pod, i, run),
        KubeletStep::ProbeFailed(i, run, kind) => probe_failed(me, cx, pod, i, run, kind),
        KubeletStep::ProbeKill(i, run, kind) => probe_kill(me, cx, pod, i, run, kind),
        KubeletStep::ContainerKilled(i, run) => container_killed(me, cx, pod, i, run),
        KubeletStep::ContainersStopped => containers_stopped(me, cx, pod),
        KubeletStep::NodeBooted | KubeletStep::EvictionLook => {}
        KubeletStep::PostNodeImages => nodeimages::post(me, cx),
    }
}

fn sandbox_ready(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32) {
    let host_network = me.pods[&pod].host_network;
    let ip = if host_network {
        cx.env
            .node_ip(me.vm)
            .ok_or_else(|| "node has no address".to_string())
    } else if let Some(kept) = me.pods.get(&pod).and_then(|w| w.ip) {
        // The address a pod kept through a reboot (reboot.rs).
        Ok(kept)
    } else {
        cx.env.allocate_pod_ip(me.vm).map_err(|e| e.to_string())
    };
    match ip {
        Ok(ip) => {
            if let Some(wk) = me.pods.get_mut(&pod) {
                wk.ip = Some(ip);
                wk.status_ip = Some(ip);
            }
            ensure_image(me, cx, pod, 0);
        }
        Err(e) => {
            cx.event(
                pod_obj(pod),
                true,
                "FailedCreatePodSandBox",
                SOURCE,
                format!("Failed to create pod sandbox: {e}"),
            );
        }
    }
}

/// Container `i` of `pod` from the store, init containers first.
fn container(cx: &Cx<'_>, pod: u32, i: u16) -> Option<crate::model::pod::Container> {
    cx.store
        .pods
        .get(pod)
        .and_then(|p| p.spec.container_at(usize::from(i)))
        .cloned()
}

/// Image pull for container `i`, if its policy needs one (`EnsureImageExists`,
/// images/image_manager.go), with the image back-off.
fn ensure_image(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32, i: u16) {
    let Some(c) = container(cx, pod, i) else {
        return;
    };
    let obj = pod_obj(pod);
    let now = cx.now;
    let present = me.images.present(&c.image, now);
    let pull = match c.pull_policy {
        PullPolicy::Always => true,
        PullPolicy::IfNotPresent => !present,
        PullPolicy::Never => false,
    };
    if !pull {
        if present {
            cx.event(obj, false, "Pulled", SOURCE, format!("Container image {:?} already present on machine and can be accessed by the pod", c.image));
            create_container(me, cx, pod, i);
        } else {
            cx.event(
                obj,
                true,
                "ErrImageNeverPull",
                SOURCE,
                format!(
                    "Container image {:?} is not present with pull policy of Never",
                    c.image
                ),
            );
            set_waiting(me, cx, pod, i, "ErrImageNeverPull");
        }
        return;
    }
    let backoff = me.pods[&pod].life[usize::from(i)].pull;
    if backoff.in_backoff_since_update(now) {
        cx.event(
            obj,
            false,
            "BackOff",
            SOURCE,
            format!("Back-off pulling image {:?}", c.image),
        );
        cx.event(
            obj,
            true,
            "Failed",
            SOURCE,
            "Error: ImagePullBackOff".into(),
        );
        set_waiting(me, cx, pod, i, "ImagePullBackOff");
        let until = backoff.last_update().unwrap_or(now) + backoff.get();
        cx.at(
            until.min(now + SYNC_FREQUENCY),
            Step {
                boot: me.boot,
                pod,
                step: KubeletStep::RetryPull(i),
            },
        );
        return;
    }
    cx.event(
        obj,
        false,
        "Pulling",
        SOURCE,
        format!("Pulling image {:?}", c.image),
    );
    let key = pod_key(cx, pod);
    let spec = me.catalog.get(&c.image);
    let attempt = me.pods[&pod].life[usize::from(i)].runs;
    let download = match spec.and_then(|s| s.pull_time_us) {
        Some(us) => SimDuration(us),
        None => cx.sample(
            TimingName::KubeletImagePull,
            SOURCE,
            &key,
            &format!("imagePull:{i}"),
        ),
    };
    let check = cx.sample(
        TimingName::KubeletImageCheck,
        SOURCE,
        &key,
        &format!("imageCheck:{i}:{attempt}:{}", now.0),
    );
    let exists = !spec.is_some_and(|s| s.missing);
    let q = me.images.queue(&c.image, now, exists, download, check);
    cx.at(
        q.end,
        Step {
            boot: me.boot,
            pod,
            step: KubeletStep::ImagePulled(i),
        },
    );
    // The Pulled event is recorded when the pull ends; remember when it was asked for.
    me.pulls.insert((pod, i), (now, q.took, q.download));
}

fn image_pulled(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32, i: u16) {
    let Some(c) = container(cx, pod, i) else {
        return;
    };
    let Some((requested, pull, downloaded)) = me.pulls.remove(&(pod, i)) else {
        return;
    };
    let obj = pod_obj(pod);
    let spec = me.catalog.get(&c.image);
    if spec.is_some_and(|s| s.missing) {
        // image_manager.go: `Failed to pull image`, backOff.Next; kuberuntime_container.go
        // startContainer records `Error: ErrImagePull`; the pod worker retries after
        // backOffPeriod.
        cx.event(
            obj,
            true,
            "Failed",
            SOURCE,
            images::not_found_message(&c.image),
        );
        cx.event(obj, true, "Failed", SOURCE, "Error: ErrImagePull".into());
        let now = cx.now;
        if let Some(l) = me
            .pods
            .get_mut(&pod)
            .and_then(|w| w.life.get_mut(usize::from(i)))
        {
            l.pull.next(now, now);
        }
        set_waiting(me, cx, pod, i, "ErrImagePull");
        cx.after(
            backoff::INITIAL,
            Step {
                boot: me.boot,
                pod,
                step: KubeletStep::RetryPull(i),
            },
        );
        return;
    }
    let waited = cx.now.since(requested);
    let size = crate::model::image::size_bytes(&me.catalog, &c.image);
    if downloaded {
        nodeimages::image_added(me, cx);
    }
    cx.event(
        obj,
        false,
        "Pulled",
        SOURCE,
        format!(
            "Successfully pulled image {:?} in {} ({} including waiting). Image size: {size} bytes.",
            c.image,
            go_duration_ms(pull),
            go_duration_ms(waited),
        ),
    );
    create_container(me, cx, pod, i);
}

/// `startContainer` (kuberuntime_container.go): the container's config (its environment
/// from ConfigMaps and Secrets) first, then the runtime's `CreateContainer`
/// (`kubelet.containerCreate`), after which `Created` is recorded.
fn create_container(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32, i: u16) {
    if let Some(message) = container_config_error(cx, pod, i) {
        refuse_container(me, cx, pod, i, message);
        return;
    }
    let d = runtime_call(me, cx, pod, i, TimingName::KubeletContainerCreate, "create");
    cx.after(
        d,
        Step {
            boot: me.boot,
            pod,
            step: KubeletStep::ContainerCreated(i),
        },
    );
}

/// The runtime created container `i`: `Created`, then its `StartContainer`
/// (`kubelet.containerStart`), after which `Started` is recorded.
fn container_created(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32, i: u16) {
    cx.event(
        pod_obj(pod),
        false,
        "Created",
        SOURCE,
        "Container created".into(),
    );
    let d = runtime_call(me, cx, pod, i, TimingName::KubeletContainerStart, "start");
    cx.after(
        d,
        Step {
            boot: me.boot,
            pod,
            step: KubeletStep::ContainerStarted(i),
        },
    );
}

/// One draw of a runtime call's latency for container `i`'s next run: the first run keeps
/// the draw it always had (`start:0`), restarts draw their own (`start:0:2`).
fn runtime_call(
    me: &Kubelet,
    cx: &mut Cx<'_>,
    pod: u32,
    i: u16,
    timing: TimingName,
    call: &str,
) -> SimDuration {
    let key = pod_key(cx, pod);
    let runs = me.pods[&pod].life[usize::from(i)].runs;
    let purpose = if runs == 0 {
        format!("{call}:{i}")
    } else {
        format!("{call}:{i}:{runs}")
    };
    cx.sample(timing, SOURCE, &key, &purpose)
}

/// Why `generateContainerConfig` (kuberuntime_container.go) cannot build container `i`'s
/// config: a ConfigMap or Secret its environment needs is missing.
fn container_config_error(cx: &Cx<'_>, pod: u32, i: u16) -> Option<String> {
    let p = cx.store.pods.get(pod)?;
    let c = p.spec.container_at(usize::from(i))?;
    config::env_error(cx.store, p.meta.namespace, &c.env_sources)
}

/// `startContainer` failed with `ErrCreateContainerConfig`: `Failed` with `Error: <message>`,
/// the container waits in `CreateContainerConfigError`, and the pod worker syncs again after
/// its back-off (pulling, or finding the image present, each time). The other regular
/// containers are still started (`SyncPod` starts each one regardless of the others'
/// errors); the next init container waits for this one.
fn refuse_container(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32, i: u16, message: String) {
    cx.event(
        pod_obj(pod),
        true,
        "Failed",
        SOURCE,
        format!("Error: {message}"),
    );
    set_waiting(me, cx, pod, i, "CreateContainerConfigError");
    let Some(wk) = me.pods.get_mut(&pod) else {
        return;
    };
    let ix = usize::from(i);
    let first = wk.life[ix].runs == 0 && wk.life[ix].config_failures == 0;
    wk.life[ix].config_failures += 1;
    let n = wk.containers.len();
    cx.after(
        POD_SYNC_BACK_OFF,
        Step {
            boot: me.boot,
            pod,
            step: KubeletStep::RetryPull(i),
        },
    );
    if first && ix >= wk.init && ix + 1 < n {
        ensure_image(me, cx, pod, i + 1);
    }
}

/// The probes of one run of a container, and when the run ends by itself.
struct Plan {
    startup: Option<(crate::model::pod::Probe, Course)>,
    readiness: Option<(crate::model::pod::Probe, Course)>,
    liveness: Option<(crate::model::pod::Probe, Course)>,
    /// When the process exits by itself, and with which code.
    exit: Option<(SimTime, i32)>,
}

impl Plan {
    /// When the run ends: its exit, or the first probe kill.
    fn end(&self) -> Option<SimTime> {
        [
            self.exit.map(|e| e.0),
            self.startup.and_then(|s| s.1.kill),
            self.liveness.and_then(|s| s.1.kill),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    fn of(&self, kind: ProbeKind) -> Option<(crate::model::pod::Probe, Course)> {
        match kind {
            ProbeKind::Startup => self.startup,
            ProbeKind::Readiness => self.readiness,
            ProbeKind::Liveness => self.liveness,
        }
    }
}

/// The plan of container `i`'s current run: readiness and liveness are probed only once
/// the startup probe has succeeded (prober worker.go: `if !w.containerStarted` skip), and
/// not at all if it kills the container first.
fn plan(me: &Kubelet, c: &crate::model::pod::Container, wk: &PodWork, i: u16) -> Plan {
    let start = wk.life[usize::from(i)].started;
    let proc = process::of(c, &me.catalog);
    if usize::from(i) < wk.init {
        // Init containers have no probes (validateInitContainers forbids them).
        return Plan {
            startup: None,
            readiness: None,
            liveness: None,
            exit: proc.exit.map(|(d, code)| (start + d, code)),
        };
    }
    let serves = start + proc.ready_after;
    let latency = me.catalog.get(&c.image).map_or(0, |s| s.probe_latency_us);
    // A probe the process answers only after its timeoutSeconds never passes.
    let course = |p: &crate::model::pod::Probe, kind, from| {
        let serves = if probes::times_out(p, latency) {
            start + probes::NEVER
        } else {
            serves
        };
        probes::course(p, kind, wk.started, start, from, serves)
    };
    let startup = c
        .probes
        .startup
        .map(|p| (p, course(&p, ProbeKind::Startup, start)));
    let gate = match startup {
        Some((_, s)) if s.kill.is_some() => None,
        Some((_, s)) => Some(s.pass),
        None => Some(start),
    };
    let after_gate = |p: Option<crate::model::pod::Probe>, kind| {
        let from = gate?;
        p.map(|p| (p, course(&p, kind, from)))
    };
    Plan {
        startup,
        readiness: after_gate(c.probes.readiness, ProbeKind::Readiness),
        liveness: after_gate(c.probes.liveness, ProbeKind::Liveness),
        exit: proc.exit.map(|(d, code)| (start + d, code)),
    }
}

fn container_started(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32, i: u16) {
    let Some(c) = container(cx, pod, i) else {
        return;
    };
    let now = cx.now;
    cx.event(
        pod_obj(pod),
        false,
        "Started",
        SOURCE,
        "Container started".into(),
    );
    let (n, run, next_waits) = {
        let Some(wk) = me.pods.get_mut(&pod) else {
            return;
        };
        let ix = usize::from(i);
        let init = ix < wk.init;
        let l = &mut wk.life[ix];
        l.runs += 1;
        l.started = now;
        // The next regular container waits for this one's first start, unless a refused
        // create already passed it on; the next init container waits for this one's exit.
        let next_waits = !init && l.runs == 1 && l.config_failures == 0;
        let last = l.exited.take();
        let st = &mut wk.containers[ix];
        st.state = ContainerState::Running(now);
        st.restart_count = l.runs - 1;
        if last.is_some() {
            st.last_state = last;
        }
        // Without a readiness probe a running container is ready (prober_manager.go
        // UpdatePodStatus); a running init container is not.
        st.ready = !init && c.probes.readiness.is_none();
        let run = l.runs;
        update_ready(wk, now);
        (wk.containers.len(), run, next_waits)
    };
    post_status_later(me, cx, pod);
    let plan = plan(me, &c, &me.pods[&pod], i);
    // Only what happens by the run's end (its exit or first kill) is scheduled.
    let end = plan.end();
    let by_end = |t: SimTime| end.is_none_or(|e| t <= e);
    let mut at = |t: SimTime, step: KubeletStep| {
        cx.at(
            t,
            Step {
                pod,
                boot: me.boot,
                step,
            },
        );
    };
    if let Some((t, _)) = plan.exit
        && by_end(t)
    {
        at(t, KubeletStep::ContainerExited(i, run));
    }
    for kind in [
        ProbeKind::Startup,
        ProbeKind::Readiness,
        ProbeKind::Liveness,
    ] {
        let Some((_, course)) = plan.of(kind) else {
            continue;
        };
        // The failure that reaches the threshold is recorded by the kill itself.
        let before_kill = course.kill.is_none_or(|k| course.first < k);
        if course.first < course.failing_until && by_end(course.first) && before_kill {
            at(course.first, KubeletStep::ProbeFailed(i, run, kind));
        }
        if let Some(k) = course.kill.filter(|k| by_end(*k)) {
            at(k, KubeletStep::ProbeKill(i, run, kind));
        }
    }
    if let Some((_, r)) = plan.readiness
        && end.is_none_or(|e| r.pass < e)
    {
        at(r.pass, KubeletStep::ContainerReady(i, run));
    }
    if next_waits && usize::from(i) + 1 < n {
        ensure_image(me, cx, pod, i + 1);
    }
}

/// Whether step `run` of container `i` still describes its current, running run.
fn current_run(me: &Kubelet, pod: u32, i: u16, run: u32) -> bool {
    me.pods.get(&pod).is_some_and(|w| {
        let ix = usize::from(i);
        w.life.get(ix).is_some_and(|l| l.runs == run && !l.killing)
            && matches!(w.containers[ix].state, ContainerState::Running(_))
    })
}

fn container_ready(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32, i: u16, run: u32) {
    if !current_run(me, pod, i, run) {
        return;
    }
    let now = cx.now;
    if let Some(wk) = me.pods.get_mut(&pod) {
        wk.containers[usize::from(i)].ready = true;
        update_ready(wk, now);
    }
    post_status_later(me, cx, pod);
}

/// A failing probe: `Unhealthy`, then the next probe if it fails too.
fn probe_failed(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32, i: u16, run: u32, kind: ProbeKind) {
    if !current_run(me, pod, i, run) {
        return;
    }
    let Some(c) = container(cx, pod, i) else {
        return;
    };
    let plan = plan(me, &c, &me.pods[&pod], i);
    let Some((p, course)) = plan.of(kind) else {
        return;
    };
    let timed_out = probe_timed_out(me, &c, pod, i, &p, cx.now);
    unhealthy(me, cx, pod, &p, kind, timed_out);
    let next = probes::next_probe(&p, cx.now);
    let end = plan.end();
    let before_kill = course.kill.is_none_or(|k| next < k);
    if next < course.failing_until && end.is_none_or(|e| next <= e) && before_kill {
        cx.at(
            next,
            Step {
                boot: me.boot,
                pod,
                step: KubeletStep::ProbeFailed(i, run, kind),
            },
        );
    }
}

/// Records a failed probe (`Unhealthy`).
fn unhealthy(
    me: &Kubelet,
    cx: &mut Cx<'_>,
    pod: u32,
    p: &crate::model::pod::Probe,
    kind: ProbeKind,
    timed_out: bool,
) {
    let ip = me.pods.get(&pod).and_then(|w| w.ip);
    let message = probes::failure_message(p, kind, ip, timed_out);
    cx.event(pod_obj(pod), true, "Unhealthy", SOURCE, message);
}

/// Whether probe `p` of container `i` fails at `now` by its timeout: the process serves but
/// answers after `timeoutSeconds` (the image's `probeLatency`).
fn probe_timed_out(
    me: &Kubelet,
    c: &crate::model::pod::Container,
    pod: u32,
    i: u16,
    p: &crate::model::pod::Probe,
    now: SimTime,
) -> bool {
    let latency = me.catalog.get(&c.image).map_or(0, |s| s.probe_latency_us);
    let Some(l) = me.pods.get(&pod).and_then(|w| w.life.get(usize::from(i))) else {
        return false;
    };
    probes::times_out(p, latency) && now >= l.started + process::of(c, &me.catalog).ready_after
}

/// The container's probe of `kind`.
fn probe_of(c: &crate::model::pod::Container, kind: ProbeKind) -> Option<crate::model::pod::Probe> {
    match kind {
        ProbeKind::Startup => c.probes.startup,
        ProbeKind::Readiness => c.probes.readiness,
        ProbeKind::Liveness => c.probes.liveness,
    }
}

/// A liveness or startup probe reached its `failureThreshold`: the kubelet kills the
/// container (kuberuntime_manager.go computePodActions, `Container %s failed %s probe, will
/// be restarted`), which exits after `kubelet.containerStop` within the grace period.
fn probe_kill(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32, i: u16, run: u32, kind: ProbeKind) {
    if !current_run(me, pod, i, run) {
        return;
    }
    let Some(c) = container(cx, pod, i) else {
        return;
    };
    if let Some(p) = probe_of(&c, kind) {
        let timed_out = probe_timed_out(me, &c, pod, i, &p, cx.now);
        unhealthy(me, cx, pod, &p, kind, timed_out);
    }
    if let Some(l) = me
        .pods
        .get_mut(&pod)
        .and_then(|w| w.life.get_mut(usize::from(i)))
    {
        l.killing = true;
    }
    cx.event(
        pod_obj(pod),
        false,
        "Killing",
        SOURCE,
        format!(
            "Container {} failed {} probe, will be restarted",
            c.name,
            kind.as_str().to_lowercase()
        ),
    );
    let grace = cx
        .store
        .pods
        .get(pod)
        .map_or(30, |p| p.spec.termination_grace_seconds.max(0) as u64);
    let key = pod_key(cx, pod);
    let d = cx.sample(
        TimingName::KubeletContainerStop,
        SOURCE,
        &key,
        &format!("kill:{i}:{run}"),
    );
    cx.after(
        SimDuration(d.as_micros().min(grace * 1_000_000)),
        Step {
            boot: me.boot,
            pod,
            step: KubeletStep::ContainerKilled(i, run),
        },
    );
}

/// Sets the pod's Ready time: when the last of its containers became ready.
fn update_ready(wk: &mut PodWork, now: SimTime) {
    let all = wk.containers[wk.init..].iter().all(|c| c.ready);
    if !all {
        wk.ready_since = None;
    } else if wk.ready_since.is_none() {
        wk.ready_since = Some(now);
    }
}

/// The process of run `run` exits: `Completed` for 0, `Error` otherwise
/// (kuberuntime_container.go toKubeContainerStatus), then the pod worker decides.
fn container_exited(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32, i: u16, run: u32) {
    if !current_run(me, pod, i, run) {
        return;
    }
    let Some(c) = container(cx, pod, i) else {
        return;
    };
    let code = process::of(&c, &me.catalog).exit.map_or(0, |(_, c)| c);
    terminate(me, cx, pod, i, run, code);
}

/// A container killed for a failed probe has exited: SIGTERM's 128 + 15 (kubesim's
/// processes stop on SIGTERM within `kubelet.containerStop`).
fn container_killed(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32, i: u16, run: u32) {
    let killed = me.pods.get(&pod).is_some_and(|w| {
        w.life
            .get(usize::from(i))
            .is_some_and(|l| l.runs == run && l.killing)
    });
    if !killed {
        return;
    }
    if let Some(l) = me
        .pods
        .get_mut(&pod)
        .and_then(|w| w.life.get_mut(usize::from(i)))
    {
        l.killing = false;
    }
    terminate(me, cx, pod, i, run, 143);
}

/// Run `run` of container `i` has ended with `code`; the restart policy decides what next.
fn terminate(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32, i: u16, run: u32, code: i32) {
    let reason = if code == 0 { "Completed" } else { "Error" };
    let now = cx.now;
    let Some(policy) = cx.store.pods.get(pod).map(|p| p.spec.restart_policy) else {
        return;
    };
    let init = me.pods.get(&pod).is_some_and(|w| usize::from(i) < w.init);
    // An init container that exited 0 is done; a failed one is retried unless the policy is
    // Never (kuberuntime_manager.go computeInitContainerActions).
    let restart = match policy {
        RestartPolicy::Always => !init || code != 0,
        RestartPolicy::OnFailure => code != 0,
        RestartPolicy::Never => false,
    };
    let finished = {
        let Some(wk) = me.pods.get_mut(&pod) else {
            return;
        };
        let ix = usize::from(i);
        wk.life[ix].exited = Some(Terminated {
            reason,
            exit_code: code,
            finished: now,
        });
        let st = &mut wk.containers[ix];
        st.state = ContainerState::Terminated {
            reason,
            exit_code: code,
        };
        // prober_manager.go UpdatePodStatus: an init container that exited 0 is ready.
        st.ready = init && code == 0;
        update_ready(wk, now);
        let (inits, regular) = wk.containers.split_at(wk.init);
        let phase = status::phase(policy, inits, regular);
        let done = !restart && matches!(phase, Phase::Succeeded | Phase::Failed);
        wk.finished = done;
        done
    };
    if init && code == 0 && !finished {
        // The next init container, or after the last one the first regular container.
        ensure_image(me, cx, pod, i + 1);
    }
    if finished {
        // The pod worker tears a finished pod's sandbox down (syncTerminatingPod); the
        // status keeps the address it had.
        release_ip(me, cx, pod);
    } else if restart {
        // PLEG notices the exit on its next relist; the sync it triggers restarts or backs off.
        let key = pod_key(cx, pod);
        let d = cx.sample(
            TimingName::KubeletStatusUpdate,
            SOURCE,
            &key,
            &format!("pleg:{i}:{run}"),
        );
        cx.after(
            d,
            Step {
                boot: me.boot,
                pod,
                step: KubeletStep::SyncContainer(i, run),
            },
        );
    }
    post_status_later(me, cx, pod);
}

/// `doBackOff` (kuberuntime_manager.go): restart the exited container unless it is within
/// its back-off counted from its `finishedAt`; then record `BackOff`, show
/// `CrashLoopBackOff` and come back when the back-off ends (or after `syncFrequency`).
fn sync_container(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32, i: u16, run: u32) {
    let now = cx.now;
    let ix = usize::from(i);
    let Some(exited) = me
        .pods
        .get(&pod)
        .filter(|w| w.life.get(ix).is_some_and(|l| l.runs == run))
        .and_then(|w| w.life[ix].exited)
    else {
        return;
    };
    let crash = me.pods[&pod].life[ix].crash;
    if crash.in_backoff_since(exited.finished, now) {
        let Some(p) = cx.store.pods.get(pod) else {
            return;
        };
        let name = p.spec.container_at(ix).map_or("", |c| c.name.as_str());
        let message = format!(
            "Back-off restarting failed container {name} in pod {}_{}({})",
            p.meta.name,
            p.meta.namespace.map_or("", |ns| cx.store.ns_name(ns)),
            crate::model::meta::uid_text(p.meta.uid)
        );
        cx.event(pod_obj(pod), true, "BackOff", SOURCE, message);
        if let Some(wk) = me.pods.get_mut(&pod) {
            let st = &mut wk.containers[ix];
            st.state = ContainerState::Waiting("CrashLoopBackOff");
            st.last_state = Some(exited);
        }
        post_status_later(me, cx, pod);
        let until = exited.finished + crash.get();
        cx.at(
            until.min(now + SYNC_FREQUENCY),
            Step {
                boot: me.boot,
                pod,
                step: KubeletStep::SyncContainer(i, run),
            },
        );
        return;
    }
    if let Some(wk) = me.pods.get_mut(&pod) {
        wk.life[ix].crash.next(exited.finished, now);
    }
    ensure_image(me, cx, pod, i);
}

fn set_waiting(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32, i: u16, reason: &'static str) {
    if let Some(wk) = me.pods.get_mut(&pod)
        && let Some(c) = wk.containers.get_mut(usize::from(i))
    {
        c.state = ContainerState::Waiting(reason);
        c.ready = false;
    }
    post_status_later(me, cx, pod);
}

/// Go's `Duration.String()` after `Truncate(time.Millisecond)`, as the Pulled message prints.
fn go_duration_ms(d: SimDuration) -> String {
    crate::sim::duration::format_micros(d.as_micros() / 1000 * 1000)
}

/// Schedules a status write `kubelet.statusUpdate` from now (coalescing changes).
fn post_status_later(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32) {
    let Some(wk) = me.pods.get_mut(&pod) else {
        return;
    };
    if wk.status_pending {
        return;
    }
    wk.status_pending = true;
    let key = pod_key(cx, pod);
    let writes = cx.store.pods.get(pod).map(|p| p.meta.writes).unwrap_or(0);
    let d = cx.sample(
        TimingName::KubeletStatusUpdate,
        SOURCE,
        &key,
        &format!("status:{writes}"),
    );
    cx.after(
        d,
        Step {
            boot: me.boot,
            pod,
            step: KubeletStep::PostStatus,
        },
    );
}

/// Builds the pod status from the kubelet's view and sends it.
fn post_status(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32) {
    let Some(wk) = me.pods.get_mut(&pod) else {
        return;
    };
    wk.status_pending = false;
    // A stopping pod's next write is its terminal status; an evicted one's was its last.
    if wk.stopping || wk.evicted.is_some() {
        return;
    }
    let Some(policy) = cx.store.pods.get(pod).map(|p| p.spec.restart_policy) else {
        return;
    };
    let host_ip = cx.env.node_ip(me.vm);
    let wk = &me.pods[&pod];
    let (inits, regular) = wk.containers.split_at(wk.init);
    let status = PodStatus {
        phase: status::phase(policy, inits, regular),
        reason: None,
        scheduled: Some(true),
        unschedulable_message: None,
        ready_since: wk.ready_since,
        containers: regular.to_vec(),
        init_containers: inits.to_vec(),
        initialized: inits
            .iter()
            .all(|c| matches!(c.state, ContainerState::Terminated { exit_code: 0, .. })),
        pod_ip: wk.status_ip,
        host_ip,
        start_time: Some(wk.started),
        // mergePodStatus (status_manager.go) keeps the conditions other components own.
        disruption: cx.store.pods.get(pod).and_then(|p| p.status.disruption),
        // The kubelet's status patch leaves the scheduler's nominatedNodeName alone.
        nominated_node: cx
            .store
            .pods
            .get(pod)
            .and_then(|p| p.status.nominated_node.clone()),
    };
    if cx.store.pods.get(pod).is_some_and(|p| p.status == status) {
        return;
    }
    let key = pod_key(cx, pod);
    let op = Op::PodStatus {
        pod,
        status: Box::new(status),
    };
    send(me, cx, pod, op, Sent::Status, &key);
}

/// Sends a request about `pod` to the API server; a partitioned node's request does not
/// get there, and the pod's write is marked held, to be sent again at the heal.
fn send(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32, op: Op, sent: Sent, key: &str) {
    if me.partitioned {
        let terminal = sent == Sent::TerminalStatus || matches!(op, Op::Delete { .. });
        if let Some(wk) = me.pods.get_mut(&pod) {
            wk.held = if terminal {
                Held::Terminal
            } else {
                Held::Status
            };
        }
        return;
    }
    cx.submit(op, sent, key);
}

fn stop(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32) {
    let Some(p) = cx.store.pods.get(pod) else {
        return;
    };
    // An evicted pod's grace is `immediateEvictionGracePeriodSeconds` (1 s, a hard
    // threshold), which killContainer raises to `minimumGracePeriodInSeconds` (2 s).
    let grace = match me.pods.get(&pod).and_then(|wk| wk.evicted) {
        Some(_) => 2,
        None => p.spec.termination_grace_seconds.max(0) as u64,
    };
    let running: Vec<bool> = me.pods[&pod]
        .containers
        .iter()
        .map(|c| matches!(c.state, ContainerState::Running(_)))
        .collect();
    if let Some(wk) = me.pods.get_mut(&pod) {
        wk.stopping = true;
    }
    let obj = pod_obj(pod);
    let names: Vec<String> = p.spec.all_containers().map(|c| c.name.clone()).collect();
    for (name, run) in names.iter().zip(running.iter().copied()) {
        if run {
            cx.event(
                obj,
                false,
                "Killing",
                SOURCE,
                format!("Stopping container {name}"),
            );
        }
    }
    // kuberuntime_container.go killContainer: the preStop hook runs first, then SIGTERM;
    // both within the grace period, after which the runtime kills. Containers stop in
    // parallel, so the slowest preStop decides.
    let pre_stop = p
        .spec
        .all_containers()
        .zip(&running)
        .filter(|(_, run)| **run)
        .filter_map(|(c, _)| c.pre_stop_us)
        .max()
        .unwrap_or(0);
    let key = pod_key(cx, pod);
    let d = cx.sample(TimingName::KubeletContainerStop, SOURCE, &key, "stop");
    let d = SimDuration((pre_stop + d.as_micros()).min(grace * 1_000_000));
    cx.after(
        d,
        Step {
            boot: me.boot,
            pod,
            step: KubeletStep::ContainersStopped,
        },
    );
}

fn containers_stopped(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32) {
    if let Some(wk) = me.pods.get_mut(&pod) {
        for c in &mut wk.containers {
            if matches!(c.state, ContainerState::Running(_)) {
                c.state = ContainerState::Terminated {
                    reason: "Completed",
                    exit_code: 0,
                };
            }
            c.ready = false;
        }
    }
    release_ip(me, cx, pod);
    post_terminal_status(me, cx, pod);
}

/// The status manager's last write for a deleted pod whose containers have stopped
/// (status_manager.go syncPod): every container terminated, the phase terminal — `getPhase`
/// with `podIsTerminal`, all exited 0 is Succeeded, anything else Failed (kubelet_pods.go
/// generateAPIPodStatus gives a terminal pod a terminal phase) — and not Ready. The delete
/// follows once it is written ([`delete_terminated`]).
fn post_terminal_status(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32) {
    let Some(p) = cx.store.pods.get(pod) else {
        return;
    };
    let Some(wk) = me.pods.get(&pod) else {
        return;
    };
    let (inits, regular) = wk.containers.split_at(wk.init);
    let phase = match status::phase(RestartPolicy::Never, inits, regular) {
        Phase::Succeeded if wk.evicted.is_none() => Phase::Succeeded,
        _ => Phase::Failed,
    };
    let mut status = PodStatus {
        phase,
        ready_since: None,
        containers: regular.to_vec(),
        init_containers: inits.to_vec(),
        ..p.status.clone()
    };
    if let Some(signal) = wk.evicted {
        // evictPod's status: reason Evicted and the DisruptionTarget condition.
        status.reason = Some("Evicted");
        status.disruption = Some(pressure::evicted_status(signal, cx.now));
    }
    let key = pod_key(cx, pod);
    let op = Op::PodStatus {
        pod,
        status: Box::new(status),
    };
    send(me, cx, pod, op, Sent::TerminalStatus, &key);
}

/// `canBeDeleted` holds once the terminal status is stored: the status manager deletes the
/// object with grace 0 and a UID precondition (status_manager.go syncPod).
fn delete_terminated(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32) {
    let Some(p) = cx.store.pods.get(pod) else {
        return;
    };
    let uid = Some(p.meta.uid);
    let key = pod_key(cx, pod);
    let op = Op::Delete {
        target: pod_obj(pod),
        uid,
        propagation: Propagation::Background,
        grace_seconds: Some(0),
    };
    send(me, cx, pod, op, Sent::Status, &key);
}

fn release_ip(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32) {
    let Some(wk) = me.pods.get_mut(&pod) else {
        return;
    };
    if let Some(ip) = wk.ip.take()
        && !wk.host_network
    {
        cx.env.release_pod_ip(me.vm, ip);
    }
}

fn forget(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32) {
    release_ip(me, cx, pod);
    me.pods.remove(&pod);
    me.pulls.retain(|(p, _), _| *p != pod);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apiserver::testing::Harness;
    use crate::component::ComponentId;
    use crate::component::ctx::testing::{Recorder, run};
    use crate::etcd::store::testing as fx;
    use crate::network::config::NetworkConfig;

    /// A node, its kubelet (holding `images`) and CNI, and pod `default/web` bound to it.
    fn setup(images: &[&str]) -> (Harness, Kubelet, Ipam, u32) {
        let mut h = Harness::default();
        let (_, node, pod) = fx::bound_pod(&mut h.store, "web");
        let mut ipam = Ipam::new(&NetworkConfig::default());
        ipam.add_node(node, 250).expect("room for one node");
        let k = Kubelet::new(
            node,
            node,
            images.iter().map(|s| s.to_string()),
            Arc::default(),
        );
        (h, k, ipam, pod)
    }

    fn me(k: &Kubelet) -> ComponentId {
        ComponentId::kubelet(k.node)
    }

    fn notice(
        k: &mut Kubelet,
        h: &Harness,
        ipam: &mut Ipam,
        pod: u32,
        change: Change,
    ) -> Recorder<Kubelet> {
        let id = me(k);
        run(k, &h.store, ipam, id, SimTime(1_000_000), |k, cx| {
            k.observe(
                cx,
                Notice {
                    obj: ObjRef {
                        kind: Kind::Pod,
                        id: pod,
                    },
                    change,
                    controller: None,
                },
            )
        })
    }

    /// The step timer of `pod` other than status posts, with its time.
    fn next_step(r: &Recorder<Kubelet>) -> (SimTime, Step) {
        let steps: Vec<(SimTime, Step)> = r
            .timers()
            .into_iter()
            .filter(|(_, s)| {
                !matches!(
                    s.step,
                    KubeletStep::PostStatus | KubeletStep::PostNodeImages
                )
            })
            .collect();
        assert_eq!(steps.len(), 1, "one pod-worker step at a time: {steps:?}");
        steps[0]
    }

    fn fire(
        k: &mut Kubelet,
        h: &Harness,
        ipam: &mut Ipam,
        (at, s): (SimTime, Step),
    ) -> Recorder<Kubelet> {
        let id = me(k);
        run(k, &h.store, ipam, id, at, |k, cx| k.on_timer(cx, s))
    }

    fn texts(r: &Recorder<Kubelet>) -> Vec<(&'static str, String)> {
        r.events()
            .iter()
            .map(|e| (e.reason, e.message.clone()))
            .collect()
    }

    /// Runs the pod from admission to Started; returns the events in order.
    fn start(
        h: &Harness,
        k: &mut Kubelet,
        ipam: &mut Ipam,
        pod: u32,
    ) -> Vec<(&'static str, String)> {
        let admitted = notice(k, h, ipam, pod, Change::Modified);
        let mut step = next_step(&admitted);
        assert_eq!(
            step.1,
            Step {
                boot: 0,
                pod,
                step: KubeletStep::SandboxReady
            }
        );
        let mut events = Vec::new();
        loop {
            let r = fire(k, h, ipam, step);
            events.extend(texts(&r));
            if step.1.step == KubeletStep::ContainerStarted(0) {
                return events;
            }
            step = next_step(&r);
        }
    }

    #[test]
    fn a_bound_pod_is_pulled_created_and_started_with_1_35_texts() {
        // kubelet 1.35: images/image_manager.go `Pulling image %q`, then `Successfully pulled
        // image %q in %v (%v including waiting). Image size: %v bytes.`;
        // kuberuntime_container.go startContainer `Container created`, `Container started`.
        let (h, mut k, mut ipam, pod) = setup(&[]);
        let events = start(&h, &mut k, &mut ipam, pod);
        let reasons: Vec<&str> = events.iter().map(|e| e.0).collect();
        assert_eq!(reasons, vec!["Pulling", "Pulled", "Created", "Started"]);
        assert_eq!(events[0].1, r#"Pulling image "nginx:1.25""#);
        let pulled = events[1]
            .1
            .strip_prefix(r#"Successfully pulled image "nginx:1.25" in "#)
            .expect("pulled text");
        // Nothing else was pulling on the node: waiting adds nothing to the pull itself.
        let (took, rest) = pulled.split_once(" (").expect("two durations");
        let (waited, size) = rest
            .split_once(" including waiting). Image size: ")
            .expect("size");
        assert_eq!(took, waited);
        assert!(took.ends_with('s'), "a Go duration: {took}");
        let bytes = size.strip_suffix(" bytes.").expect("bytes");
        assert!(bytes.parse::<u64>().is_ok());
        assert_eq!(events[2].1, "Container created");
        assert_eq!(events[3].1, "Container started");
    }

    #[test]
    fn a_pulled_image_is_reported_in_node_status_at_the_next_status_loop_tick() {
        // setters.go Images: the status loop (nodeStatusUpdateFrequency 10 s, from the
        // node's last post at t=0 here) reports the new image, named as containerd does.
        let (h, mut k, mut ipam, pod) = setup(&[]);
        let mut step = next_step(&notice(&mut k, &h, &mut ipam, pod, Change::Modified));
        let post = loop {
            let r = fire(&mut k, &h, &mut ipam, step);
            if let Some(t) = r
                .timers()
                .into_iter()
                .find(|(_, s)| s.step == KubeletStep::PostNodeImages)
            {
                break (t, step.0);
            }
            step = next_step(&r);
        };
        let ((at, timer), pulled_at) = post;
        assert_eq!(at.0 % 10_000_000, 0, "on a 10 s tick: {at:?}");
        assert!(at > pulled_at && at.0 - pulled_at.0 <= 10_000_000);
        let r = fire(&mut k, &h, &mut ipam, (at, timer));
        let reqs = r.requests();
        let Some((Op::NodeImages { images, .. }, _)) = reqs.first() else {
            panic!("a node status patch: {reqs:?}");
        };
        assert_eq!(images.len(), 1);
        assert_eq!(
            images[0].names,
            vec!["docker.io/library/nginx:1.25".to_string()]
        );
    }

    #[test]
    fn a_present_image_is_not_pulled_again_with_if_not_present() {
        // images/image_manager.go EnsureImageExists: IfNotPresent with the image on disk
        // records `Container image %q already present on machine and can be accessed by the pod`.
        let (h, mut k, mut ipam, pod) = setup(&["nginx:1.25"]);
        let events = start(&h, &mut k, &mut ipam, pod);
        assert_eq!(
            events,
            vec![
                (
                    "Pulled",
                    r#"Container image "nginx:1.25" already present on machine and can be accessed by the pod"#
                        .to_string()
                ),
                ("Created", "Container created".to_string()),
                ("Started", "Container started".to_string()),
            ]
        );
    }

    #[test]
    fn a_pod_on_another_node_is_ignored() {
        let (h, _, mut ipam, pod) = setup(&[]);
        let mut other = Kubelet::new(7, 7, Vec::new(), Arc::default());
        assert!(
            notice(&mut other, &h, &mut ipam, pod, Change::Added)
                .effects
                .is_empty()
        );
    }

    #[test]
    fn a_partitioned_kubelet_holds_its_writes_and_kills_a_pod_deleted_meanwhile_at_the_heal() {
        // Cut off, the kubelet keeps the pod running: its status write does not get out and
        // the deletion never reaches it (no watch). At the heal it posts Ready
        // (kubelet_node_status.go tryUpdateNodeStatus), re-lists, and kills the pod with
        // its grace period (`Stopping container web`); the terminal status follows.
        let (mut h, mut k, mut ipam, pod) = setup(&["nginx:1.25"]);
        start(&h, &mut k, &mut ipam, pod);
        let id = me(&k);
        let at = SimTime(2_000_000);
        let cut = run(&mut k, &h.store, &mut ipam, id, at, |k, cx| {
            k.on_message(cx, id, Message::Partitioned)
        });
        assert!(matches!(
            cut.requests()[..],
            [(Op::KubeletSilent { at: t, .. }, Sent::Status)] if *t == at
        ));
        let post = Step {
            pod,
            boot: 0,
            step: KubeletStep::PostStatus,
        };
        let held = fire(&mut k, &h, &mut ipam, (at, post));
        assert!(held.requests().is_empty(), "{:?}", held.requests());
        h.store.pods.get_mut(pod).unwrap().meta.deleted = Some(SimTime(3_000_000));
        assert!(
            notice(&mut k, &h, &mut ipam, pod, Change::Modified)
                .effects
                .is_empty()
        );
        let healed = run(
            &mut k,
            &h.store,
            &mut ipam,
            id,
            SimTime(9_000_000),
            |k, cx| k.on_message(cx, id, Message::Healed),
        );
        assert!(matches!(
            healed.requests()[..],
            [(Op::NodeReady { .. }, Sent::NodeReady)]
        ));
        assert_eq!(
            texts(&healed),
            vec![("Killing", "Stopping container web".to_string())]
        );
        let stopped = next_step(&healed);
        assert_eq!(stopped.1.step, KubeletStep::ContainersStopped);
        let terminal = fire(&mut k, &h, &mut ipam, stopped);
        assert!(matches!(
            terminal.requests()[..],
            [(Op::PodStatus { .. }, Sent::TerminalStatus)]
        ));
    }

    #[test]
    fn memory_pressure_evicts_the_pod_above_its_request_and_clears_after_the_transition_period() {
        // eviction_manager.go synchronize: the condition and one eviction per look,
        // rankMemoryPressure putting the pod whose container requests no memory first; the
        // pod within its request stays. The condition stays True for
        // --eviction-pressure-transition-period (5 m) after the last look that saw it.
        let (mut h, mut k, mut ipam, pod) = setup(&["nginx:1.25"]);
        start(&h, &mut k, &mut ipam, pod);
        let ns = h.store.pods.get(pod).unwrap().meta.namespace.unwrap();
        let node = k.node;
        let mut within = fx::container("db", "nginx:1.25", 100);
        within.requests.memory = 128 << 20;
        let db = fx::pod(
            &mut h.store,
            "db",
            ns,
            fx::spec_of(vec![within]),
            None,
            Some(node),
        );
        k.adopt_running(db, None, false, 1);
        let id = me(&k);
        let raised = run(
            &mut k,
            &h.store,
            &mut ipam,
            id,
            SimTime(12_000_000),
            |k, cx| k.on_message(cx, id, Message::Pressure(crate::fault::Pressure::Memory)),
        );
        let look = |at: u64| {
            (
                SimTime(at * 1_000_000),
                Step {
                    pod: 0,
                    boot: 0,
                    step: KubeletStep::EvictionLook,
                },
            )
        };
        assert_eq!(raised.timers(), vec![look(20)]);
        let first = fire(&mut k, &h, &mut ipam, look(20));
        assert!(matches!(
            first.requests()[..],
            [(Op::NodePressure { under: true, .. }, Sent::Status)]
        ));
        let reasons: Vec<&str> = first.events().iter().map(|e| e.reason).collect();
        assert_eq!(
            reasons,
            [
                "NodeHasInsufficientMemory",
                "EvictionThresholdMet",
                "Evicted",
                "Killing"
            ]
        );
        assert_eq!(first.events()[2].obj.id, pod);
        let second = fire(&mut k, &h, &mut ipam, look(30));
        let reasons: Vec<&str> = second.events().iter().map(|e| e.reason).collect();
        assert_eq!(
            reasons,
            ["EvictionThresholdMet"],
            "db is within its request"
        );
        run(
            &mut k,
            &h.store,
            &mut ipam,
            id,
            SimTime(35_000_000),
            |k, cx| k.on_message(cx, id, Message::Relieved(None)),
        );
        assert!(fire(&mut k, &h, &mut ipam, look(329)).requests().is_empty());
        assert!(matches!(
            fire(&mut k, &h, &mut ipam, look(330)).requests()[..],
            [(Op::NodePressure { under: false, .. }, Sent::Status)]
        ));
    }

    #[test]
    fn deletion_kills_the_containers_then_deletes_with_grace_zero() {
        // kuberuntime_container.go killContainer: `Stopping container %s` (Killing), within
        // the grace period; status_manager.go then deletes the pod with
        // NewDeleteOptions(0) and a UID precondition.
        let (mut h, mut k, mut ipam, pod) = setup(&["nginx:1.25"]);
        start(&h, &mut k, &mut ipam, pod);
        h.store.pods.get_mut(pod).unwrap().meta.deleted = Some(SimTime(2_000_000));
        let killing = notice(&mut k, &h, &mut ipam, pod, Change::Modified);
        assert_eq!(
            texts(&killing),
            vec![("Killing", "Stopping container web".to_string())]
        );
        let stopped = next_step(&killing);
        assert_eq!(stopped.1.step, KubeletStep::ContainersStopped);
        assert!(
            stopped.0 <= SimTime(1_000_000 + 30_000_000),
            "capped by terminationGracePeriodSeconds 30"
        );
        // status_manager.go syncPod: the terminal status is written first (nginx exits 0 on
        // SIGTERM: Succeeded), and only then is the object deleted.
        let terminal = fire(&mut k, &h, &mut ipam, stopped);
        let status = match &terminal.requests()[..] {
            [(Op::PodStatus { pod: p, status }, Sent::TerminalStatus)] if *p == pod => status,
            other => panic!("the terminal status first: {other:?}"),
        };
        assert_eq!(status.phase, Phase::Succeeded);
        assert!(status.ready_since.is_none());
        assert!(matches!(
            status.containers[0].state,
            ContainerState::Terminated { exit_code: 0, .. }
        ));
        let id = me(&k);
        let deleted = h.answer(&mut k, &mut ipam, id, stopped.0, &terminal);
        assert_eq!(
            h.store.pods.get(pod).unwrap().status.phase,
            Phase::Succeeded
        );
        let uid = h.store.pods.get(pod).unwrap().meta.uid;
        assert!(matches!(
            deleted.requests()[..],
            [(Op::Delete { target, uid: Some(u), grace_seconds: Some(0), .. }, Sent::Status)]
                if target.id == pod && *u == uid
        ));
        // The kubelet's own grace-0 delete removes the object at once.
        h.answer(&mut k, &mut ipam, id, stopped.0, &deleted);
        assert!(h.store.pods.get(pod).is_none());
    }

    /// The `web` pod's only container now runs `image` (with `command`) under `policy`; the
    /// kubelet knows `catalog`.
    fn lifecycle_setup(
        image: &str,
        command: &[&str],
        policy: RestartPolicy,
        catalog: ImageCatalog,
        readiness: Option<crate::model::pod::Probe>,
    ) -> (Harness, Kubelet, Ipam, u32) {
        let (mut h, mut k, ipam, pod) = setup(&[]);
        k.catalog = Arc::new(catalog);
        let p = h.store.pods.get_mut(pod).expect("pod");
        let spec = Arc::make_mut(&mut p.spec);
        spec.restart_policy = policy;
        let c = &mut spec.containers[0];
        c.image = image.to_string();
        c.pull_policy = PullPolicy::default_for(image);
        c.command = command.iter().map(|s| s.to_string()).collect();
        c.probes.readiness = readiness;
        (h, k, ipam, pod)
    }

    /// What happened while driving the kubelet: each fired step and each event, with times.
    #[derive(Default)]
    struct Trace {
        steps: Vec<(SimTime, KubeletStep)>,
        events: Vec<(SimTime, &'static str, String)>,
        /// The statuses the kubelet sent.
        statuses: Vec<(SimTime, PodStatus)>,
    }

    impl Trace {
        fn times(&self, reason: &str) -> Vec<f64> {
            self.events
                .iter()
                .filter(|e| e.1 == reason)
                .map(|e| e.0.0 as f64 / 1e6)
                .collect()
        }
        fn step_times(&self, f: impl Fn(KubeletStep) -> bool) -> Vec<f64> {
            self.steps
                .iter()
                .filter(|s| f(s.1))
                .map(|s| s.0.0 as f64 / 1e6)
                .collect()
        }
    }

    /// Admits the pod at 1 s and fires every timer in time order until `until`.
    fn drive(h: &mut Harness, k: &mut Kubelet, ipam: &mut Ipam, pod: u32, until: SimTime) -> Trace {
        drive_changing(h, k, ipam, pod, until, until, |_| {})
    }

    fn secs(s: u64) -> SimTime {
        SimTime(s * 1_000_000)
    }

    /// A catalog declaring one image.
    fn catalog_of(image: &str, spec: crate::model::image::ImageSpec) -> ImageCatalog {
        ImageCatalog::from([(image.to_string(), spec)])
    }

    fn crash_after(s: u64) -> ImageCatalog {
        let spec = crate::model::image::ImageSpec {
            exit_after_us: Some(s * 1_000_000),
            exit_code: 1,
            ..Default::default()
        };
        catalog_of("registry.example/app:v2", spec)
    }

    /// The `web` pod under Always with an image that exits 1 three seconds after each start.
    fn crashing() -> (Harness, Kubelet, Ipam, u32) {
        lifecycle_setup(
            "registry.example/app:v2",
            &[],
            RestartPolicy::Always,
            crash_after(3),
            None,
        )
    }

    #[test]
    fn a_crashing_container_restarts_with_the_kubelets_doubling_back_off() {
        // kuberuntime_manager.go doBackOff: the first exit restarts at once (no back-off entry
        // yet), then each restart waits 10s, 20s, 40s from the container's finishedAt
        // (kubelet.go backOffPeriod, flowcontrol.Backoff doubling).
        let (mut h, mut k, mut ipam, pod) = crashing();
        let t = drive(&mut h, &mut k, &mut ipam, pod, secs(150));
        let exits = t.step_times(|s| matches!(s, KubeletStep::ContainerExited(0, _)));
        // Each restart begins with the image found present (`Pulled`), then the create.
        let created = t.times("Pulled");
        assert!(exits.len() >= 5, "{exits:?}");
        // Each run lasts crashAfter from its start.
        let started = t.times("Started");
        for (s, e) in started.iter().zip(&exits) {
            assert!((e - s - 3.0).abs() < 1e-6, "{s} {e}");
        }
        let waits: Vec<f64> = exits
            .iter()
            .zip(created.iter().skip(1))
            .map(|(e, c)| ((c - e) * 1e6).round() / 1e6)
            .collect();
        assert!(waits[0] < 2.0, "first restart at the next sync: {waits:?}");
        assert_eq!(&waits[1..4], &[10.0, 20.0, 40.0]);
        let backoff = &t
            .events
            .iter()
            .find(|e| e.1 == "BackOff")
            .expect("BackOff")
            .2;
        let prefix = "Back-off restarting failed container web in pod web_default(";
        assert!(
            backoff.starts_with(prefix) && backoff.ends_with(')'),
            "{backoff}"
        );
        let st = &k.pods[&pod].containers[0];
        assert_eq!(st.restart_count, 4);
        let last = st.last_state.expect("lastState after a restart");
        assert_eq!((last.reason, last.exit_code), ("Error", 1));
        assert_eq!(
            status::phase(RestartPolicy::Always, &[], &k.pods[&pod].containers),
            Phase::Running
        );
    }

    #[test]
    fn a_container_waiting_out_its_back_off_shows_crash_loop_back_off() {
        let (mut h, mut k, mut ipam, pod) = crashing();
        // Stop 5s after the second exit: within its 10s back-off.
        let first = drive(&mut h, &mut k, &mut ipam, pod, secs(100));
        let second_exit = first.step_times(|s| matches!(s, KubeletStep::ContainerExited(0, 2)))[0];
        let (mut h, mut k, mut ipam, pod) = crashing();
        let t = drive(
            &mut h,
            &mut k,
            &mut ipam,
            pod,
            SimTime(((second_exit + 5.0) * 1e6) as u64),
        );
        assert_eq!(t.times("BackOff").len(), 1);
        let st = &k.pods[&pod].containers[0];
        assert_eq!(st.state, ContainerState::Waiting("CrashLoopBackOff"));
        assert_eq!(st.restart_count, 1);
        assert!(!st.ready);
    }

    #[test]
    fn busybox_without_a_command_completes_under_never() {
        // kubelet_pods.go getPhase: all containers exited 0 with restartPolicy Never →
        // Succeeded; kubectl shows the terminated reason Completed.
        let (mut h, mut k, mut ipam, pod) = lifecycle_setup(
            "busybox",
            &[],
            RestartPolicy::Never,
            ImageCatalog::new(),
            None,
        );
        let t = drive(&mut h, &mut k, &mut ipam, pod, secs(60));
        assert_eq!(t.times("Started").len(), 1);
        let wk = &k.pods[&pod];
        assert!(wk.finished);
        assert_eq!(
            wk.containers[0].state,
            ContainerState::Terminated {
                reason: "Completed",
                exit_code: 0
            }
        );
        assert_eq!(
            status::phase(RestartPolicy::Never, &[], &wk.containers),
            Phase::Succeeded
        );
        assert!(wk.ip.is_none(), "a finished pod's address is released");
        assert!(wk.status_ip.is_some(), "its status keeps podIP");
    }

    #[test]
    fn on_failure_restarts_a_failing_command_but_not_a_succeeding_one() {
        let (mut h, mut k, mut ipam, pod) = lifecycle_setup(
            "busybox",
            &["sh", "-c", "sleep 2; exit 1"],
            RestartPolicy::OnFailure,
            ImageCatalog::new(),
            None,
        );
        let t = drive(&mut h, &mut k, &mut ipam, pod, secs(30));
        assert!(t.times("Started").len() >= 2);
        let (mut h, mut k, mut ipam, pod) = lifecycle_setup(
            "busybox",
            &["sleep", "2"],
            RestartPolicy::OnFailure,
            ImageCatalog::new(),
            None,
        );
        let t = drive(&mut h, &mut k, &mut ipam, pod, secs(30));
        assert_eq!(t.times("Started").len(), 1);
        assert_eq!(
            status::phase(RestartPolicy::OnFailure, &[], &k.pods[&pod].containers),
            Phase::Succeeded
        );
    }

    #[test]
    fn a_missing_image_fails_then_backs_off_its_pulls() {
        // image_manager.go EnsureImageExists: a failed pull records `Failed to pull image`,
        // `Error: ErrImagePull` and raises the back-off; a pull attempted within it records
        // `Back-off pulling image` and `Error: ImagePullBackOff` instead.
        let missing = crate::model::image::ImageSpec {
            missing: true,
            ..Default::default()
        };
        let catalog = catalog_of("registry.example/app:v3", missing);
        let (mut h, mut k, mut ipam, pod) = lifecycle_setup(
            "registry.example/app:v3",
            &[],
            RestartPolicy::Always,
            catalog,
            None,
        );
        let t = drive(&mut h, &mut k, &mut ipam, pod, secs(60));
        let texts: Vec<&str> = t.events.iter().map(|e| e.2.as_str()).collect();
        assert_eq!(texts[0], r#"Pulling image "registry.example/app:v3""#);
        assert_eq!(
            texts[1],
            r#"Failed to pull image "registry.example/app:v3": rpc error: code = NotFound desc = failed to pull and unpack image "registry.example/app:v3": failed to resolve reference "registry.example/app:v3": registry.example/app:v3: not found"#
        );
        assert_eq!(texts[2], "Error: ErrImagePull");
        // 10s later the back-off (10s) has passed: a second pull fails and doubles it to 20s;
        // the retry 10s after that is within it.
        assert_eq!(t.times("Pulling").len(), 3, "{texts:?}");
        let i = texts
            .iter()
            .position(|m| m.starts_with("Back-off pulling image"))
            .expect("back-off");
        assert_eq!(texts[i + 1], "Error: ImagePullBackOff");
        let pulls = t.times("Pulling");
        let backoff = t.times("BackOff")[0];
        assert!(backoff > pulls[1] && backoff < pulls[2]);
        assert!(t.times("Started").is_empty());
    }

    #[test]
    fn readiness_waits_for_ready_after_and_records_unhealthy_until_then() {
        // prober worker.go: a probe every periodSeconds from the worker's start; failures
        // before the image serves are `Unhealthy` events.
        let slow = crate::model::image::ImageSpec {
            ready_after_us: 20_000_000,
            ..Default::default()
        };
        let catalog = catalog_of("registry.example/app:v4", slow);
        let probe = crate::model::pod::Probe::default();
        let (mut h, mut k, mut ipam, pod) = lifecycle_setup(
            "registry.example/app:v4",
            &[],
            RestartPolicy::Always,
            catalog,
            Some(probe),
        );
        let t = drive(&mut h, &mut k, &mut ipam, pod, secs(120));
        let started = t.times("Started")[0];
        let ready = t.step_times(|s| matches!(s, KubeletStep::ContainerReady(0, 1)));
        assert_eq!(ready.len(), 1);
        // Worker ticks at 1s + 10k; the first tick at or after started + 20s.
        let expect = 1.0 + (((started + 20.0 - 1.0) / 10.0).ceil() * 10.0);
        assert!((ready[0] - expect).abs() < 1e-6, "{ready:?} vs {expect}");
        let unhealthy = t.times("Unhealthy");
        assert!(!unhealthy.is_empty() && unhealthy.iter().all(|u| *u < started + 20.0));
        assert!(unhealthy.iter().all(|u| *u >= started));
        assert!(k.pods[&pod].containers[0].ready);
        assert!(k.pods[&pod].ready_since.is_some());
    }

    /// The `web` pod running an image that serves 45 s after each start, with `probes`.
    fn slow_start(probes: crate::model::pod::Probes) -> (Harness, Kubelet, Ipam, u32) {
        let slow = crate::model::image::ImageSpec {
            ready_after_us: 45_000_000,
            ..Default::default()
        };
        let (mut h, k, ipam, pod) = lifecycle_setup(
            "registry.example/app:v4",
            &[],
            RestartPolicy::Always,
            catalog_of("registry.example/app:v4", slow),
            None,
        );
        let p = h.store.pods.get_mut(pod).expect("pod");
        Arc::make_mut(&mut p.spec).containers[0].probes = probes;
        (h, k, ipam, pod)
    }

    #[test]
    fn a_liveness_probe_that_fails_its_threshold_restarts_the_container() {
        // prober worker.go: failureThreshold 3 failures in a row (10s apart) before the app
        // serves at 45s; computePodActions kills it with `Container web failed liveness
        // probe, will be restarted`, and the restart policy restarts it.
        let liveness = crate::model::pod::Probe::default();
        let (mut h, mut k, mut ipam, pod) = slow_start(crate::model::pod::Probes {
            liveness: Some(liveness),
            ..Default::default()
        });
        let t = drive(&mut h, &mut k, &mut ipam, pod, secs(60));
        let started = t.times("Started");
        let killing: Vec<&(SimTime, &str, String)> =
            t.events.iter().filter(|e| e.1 == "Killing").collect();
        assert_eq!(
            killing[0].2,
            "Container web failed liveness probe, will be restarted"
        );
        let kill_at = killing[0].0;
        let unhealthy: Vec<&String> = t
            .events
            .iter()
            .filter(|e| e.1 == "Unhealthy" && e.0 <= kill_at)
            .map(|e| &e.2)
            .collect();
        assert_eq!(unhealthy.len(), 3, "{unhealthy:?}");
        assert_eq!(
            unhealthy[0],
            "Liveness probe failed: HTTP probe failed with statuscode: 503"
        );
        let kill = kill_at.0 as f64 / 1e6;
        assert!(
            kill > started[0] + 20.0 && kill < started[0] + 45.0,
            "{kill} {started:?}"
        );
        assert_eq!(
            started.len(),
            2,
            "restarted once the killed container exited"
        );
        let st = &k.pods[&pod].containers[0];
        let last = st.last_state.expect("lastState");
        assert_eq!((last.reason, last.exit_code), ("Error", 143));
    }

    #[test]
    fn a_startup_probe_holds_liveness_back_until_the_app_serves() {
        // startupProbe failureThreshold 10 x 10s covers the 45s start; liveness and
        // readiness are only probed after it succeeds, so nothing is killed.
        let startup = crate::model::pod::Probe {
            failure_threshold: 10,
            ..Default::default()
        };
        let (mut h, mut k, mut ipam, pod) = slow_start(crate::model::pod::Probes {
            startup: Some(startup),
            liveness: Some(crate::model::pod::Probe::default()),
            readiness: Some(crate::model::pod::Probe::default()),
        });
        let t = drive(&mut h, &mut k, &mut ipam, pod, secs(200));
        assert!(t.times("Killing").is_empty());
        assert_eq!(t.times("Started").len(), 1);
        assert!(
            t.events
                .iter()
                .filter(|e| e.1 == "Unhealthy")
                .all(|e| e.2.starts_with("Startup probe failed"))
        );
        assert!(k.pods[&pod].containers[0].ready);
    }

    #[test]
    fn a_pre_stop_sleep_delays_sigterm_within_the_grace_period() {
        // killContainer: the preStop hook runs before SIGTERM, all within
        // terminationGracePeriodSeconds.
        let (mut h, mut k, mut ipam, pod) = setup(&["nginx:1.25"]);
        {
            let p = h.store.pods.get_mut(pod).expect("pod");
            Arc::make_mut(&mut p.spec).containers[0].pre_stop_us = Some(5_000_000);
        }
        start(&h, &mut k, &mut ipam, pod);
        h.store.pods.get_mut(pod).unwrap().meta.deleted = Some(SimTime(2_000_000));
        let killing = notice(&mut k, &h, &mut ipam, pod, Change::Modified);
        let stopped = next_step(&killing);
        assert!(stopped.0 >= SimTime(1_000_000 + 5_000_000), "{stopped:?}");
        // A preStop longer than the grace period is cut at it.
        let (mut h, mut k, mut ipam, pod) = setup(&["nginx:1.25"]);
        {
            let p = h.store.pods.get_mut(pod).expect("pod");
            let spec = Arc::make_mut(&mut p.spec);
            spec.containers[0].pre_stop_us = Some(60_000_000);
            spec.termination_grace_seconds = 10;
        }
        start(&h, &mut k, &mut ipam, pod);
        h.store.pods.get_mut(pod).unwrap().meta.deleted = Some(SimTime(2_000_000));
        let killing = notice(&mut k, &h, &mut ipam, pod, Change::Modified);
        assert_eq!(next_step(&killing).0, SimTime(1_000_000 + 10_000_000));
    }

    /// Admits the pod at 1 s and fires every timer in time order until `until`; `change`
    /// edits the store once, before the first step after `when`.
    fn drive_changing(
        h: &mut Harness,
        k: &mut Kubelet,
        ipam: &mut Ipam,
        pod: u32,
        until: SimTime,
        when: SimTime,
        change: impl FnOnce(&mut crate::etcd::Store),
    ) -> Trace {
        let mut change = Some(change);
        let mut trace = Trace::default();
        let admitted = notice(k, h, ipam, pod, Change::Modified);
        for e in admitted.events() {
            trace
                .events
                .push((SimTime(1_000_000), e.reason, e.message.clone()));
        }
        let mut pending: Vec<(SimTime, Step)> = admitted.timers();
        while let Some(ix) = (0..pending.len()).min_by_key(|&i| (pending[i].0, i)) {
            let (at, s) = pending.remove(ix);
            if at > until {
                break;
            }
            if at > when
                && let Some(f) = change.take()
            {
                f(&mut h.store);
            }
            trace.steps.push((at, s.step));
            let r = fire(k, h, ipam, (at, s));
            for e in r.events() {
                trace.events.push((at, e.reason, e.message.clone()));
            }
            for (op, _) in r.requests() {
                if let Op::PodStatus { status, .. } = op {
                    trace.statuses.push((at, (**status).clone()));
                }
            }
            pending.extend(r.timers());
        }
        trace
    }

    /// The pod's container reads ConfigMap `app` (its `key`, or all of it).
    fn env_from_app(h: &mut Harness, pod: u32, key: Option<&str>, optional: bool) {
        let p = h.store.pods.get_mut(pod).expect("pod");
        Arc::make_mut(&mut p.spec).containers[0]
            .env_sources
            .push(crate::model::pod::EnvSource {
                kind: crate::model::pod::ConfigKind::ConfigMap,
                name: "app".into(),
                key: key.map(str::to_string),
                optional,
            });
    }

    fn add_app_config(store: &mut crate::etcd::Store) {
        let ns = store.find_ns("default").expect("default");
        fx::config_data(store, "app", ns, false, &["level"]);
    }

    /// Drives the pod for a minute; ConfigMap `app` (key `level`) appears after `when`.
    fn app_config_created_after(
        h: &mut Harness,
        k: &mut Kubelet,
        ipam: &mut Ipam,
        pod: u32,
        when: SimTime,
    ) -> Trace {
        drive_changing(h, k, ipam, pod, secs(60), when, add_app_config)
    }

    #[test]
    fn a_missing_config_map_in_env_is_create_container_config_error_until_it_exists() {
        // kuberuntime_container.go startContainer: generateContainerConfig fails, the kubelet
        // records `Failed` `Error: configmap "app" not found` and the container waits in
        // CreateContainerConfigError; the pod worker retries after backOffPeriod (10 s),
        // and once the ConfigMap exists the container is created and started.
        let (mut h, mut k, mut ipam, pod) = setup(&["nginx:1.25"]);
        env_from_app(&mut h, pod, Some("level"), false);
        let t = app_config_created_after(&mut h, &mut k, &mut ipam, pod, secs(25));
        let failed: Vec<&str> = t
            .events
            .iter()
            .filter(|e| e.1 == "Failed")
            .map(|e| e.2.as_str())
            .collect();
        assert_eq!(failed, ["Error: configmap \"app\" not found"; 3]);
        let fails = t.times("Failed");
        assert_eq!(fails[1] - fails[0], 10.0);
        assert_eq!(fails[2] - fails[1], 10.0);
        // Each sync finds the image present again before the create fails.
        assert_eq!(t.times("Pulled").len(), 4);
        // The sync 10 s after the last failure finds the ConfigMap and creates the container.
        let pulled = t.times("Pulled");
        assert_eq!(pulled[3], fails[2] + 10.0);
        let created = t.times("Created");
        assert_eq!(created.len(), 1);
        assert!(created[0] > pulled[3]);
        assert_eq!(t.times("Started").len(), 1);
        let waiting = k.pods[&pod].containers[0].state.clone();
        assert!(matches!(waiting, ContainerState::Running(_)), "{waiting:?}");
    }

    #[test]
    fn an_optional_or_present_env_source_never_blocks_the_container() {
        for optional in [true, false] {
            let (mut h, mut k, mut ipam, pod) = setup(&["nginx:1.25"]);
            if !optional {
                add_app_config(&mut h.store);
            }
            env_from_app(&mut h, pod, None, optional);
            let t = drive(&mut h, &mut k, &mut ipam, pod, secs(30));
            assert!(t.times("Failed").is_empty());
            assert_eq!(t.times("Started").len(), 1);
        }
    }

    #[test]
    fn a_missing_config_map_volume_keeps_the_pod_creating_with_failed_mount() {
        // volumemanager WaitForAttachAndMount precedes the sandbox; operation_generator's
        // MountVolume.SetUp failure is a FailedMount event, retried after 0.5 s, 1 s, 2 s, …
        // (exponentialbackoff); the sandbox is created once the ConfigMap exists.
        let (mut h, mut k, mut ipam, pod) = setup(&["nginx:1.25"]);
        {
            let p = h.store.pods.get_mut(pod).expect("pod");
            Arc::make_mut(&mut p.spec)
                .config_volumes
                .push(crate::model::pod::ConfigVolume {
                    volume: "config".into(),
                    kind: crate::model::pod::ConfigKind::ConfigMap,
                    name: "app".into(),
                    optional: false,
                });
        }
        let t = app_config_created_after(&mut h, &mut k, &mut ipam, pod, secs(10));
        let mounts = t.times("FailedMount");
        // Admitted at 1 s: failures at 1, 1.5, 2.5, 4.5, 8.5 s; the retry at 16.5 s mounts.
        assert_eq!(mounts, [1.0, 1.5, 2.5, 4.5, 8.5]);
        assert!(t.events.iter().filter(|e| e.1 == "FailedMount").all(|e| e.2
            == "MountVolume.SetUp failed for volume \"config\" : configmap \"app\" not found"));
        let sandbox = t.step_times(|s| s == KubeletStep::SandboxReady);
        assert_eq!(sandbox.len(), 1);
        assert!(sandbox[0] > 16.5);
        assert_eq!(t.times("Started").len(), 1);
    }

    /// The `web` pod's regular container is `nginx:1.25` (present) after init containers
    /// running busybox with these commands, under `policy`.
    fn with_inits(policy: RestartPolicy, commands: &[&[&str]]) -> (Harness, Kubelet, Ipam, u32) {
        let (mut h, k, ipam, pod) = setup(&["nginx:1.25", "busybox:1.36"]);
        let p = h.store.pods.get_mut(pod).expect("pod");
        let spec = Arc::make_mut(&mut p.spec);
        spec.restart_policy = policy;
        for (n, cmd) in commands.iter().enumerate() {
            let mut c = spec.containers[0].clone();
            c.name = format!("init-{n}");
            c.image = "busybox:1.36".into();
            c.pull_policy = PullPolicy::IfNotPresent;
            c.command = cmd.iter().map(|s| s.to_string()).collect();
            spec.init_containers.push(c);
        }
        (h, k, ipam, pod)
    }

    /// kubectl's STATUS for each distinct status the kubelet sent, in order.
    fn status_cells(h: &mut Harness, pod: u32, t: &Trace) -> Vec<String> {
        let mut cells: Vec<String> = Vec::new();
        for (_, st) in &t.statuses {
            let p = h.store.pods.get_mut(pod).expect("pod");
            p.status = st.clone();
            let cell = crate::output::metrics::pod_status_cell(p);
            if cells.last() != Some(&cell) {
                cells.push(cell);
            }
        }
        cells
    }

    #[test]
    fn init_containers_run_one_after_another_before_the_regular_ones() {
        // kuberuntime_manager.go computeInitContainerActions: the next init container starts
        // only once the previous one exited 0; the regular containers once all have.
        // printers.go printPod: Init:<i>/<n> while init container i runs, PodInitializing
        // (the regular containers' default waiting reason) once they are done.
        let (mut h, mut k, mut ipam, pod) =
            with_inits(RestartPolicy::Always, &[&["sleep", "2"], &["sleep", "3"]]);
        let t = drive(&mut h, &mut k, &mut ipam, pod, secs(60));
        let started = t.times("Started");
        assert_eq!(started.len(), 3, "{:?}", t.events);
        let exits = t.step_times(|s| matches!(s, KubeletStep::ContainerExited(..)));
        assert_eq!(exits.len(), 2);
        assert!((exits[0] - started[0] - 2.0).abs() < 1e-6);
        assert!(started[1] >= exits[0] && (exits[1] - started[1] - 3.0).abs() < 1e-6);
        assert!(
            started[2] >= exits[1],
            "main after the last init: {started:?}"
        );
        let first = &t.statuses[0].1;
        assert_eq!(
            first.init_containers[0].state,
            ContainerState::Waiting("PodInitializing")
        );
        assert_eq!(
            first.containers[0].state,
            ContainerState::Waiting("PodInitializing")
        );
        assert!(!first.initialized);
        let cells = status_cells(&mut h, pod, &t);
        assert_eq!(
            cells,
            ["Init:0/2", "Init:1/2", "PodInitializing", "Running"]
        );
        let last = &t.statuses.last().expect("statuses").1;
        assert!(last.initialized);
        assert_eq!(last.phase, Phase::Running);
        // prober_manager.go UpdatePodStatus: an init container that exited 0 is ready.
        assert!(last.init_containers.iter().all(|c| c.ready));
        assert!(last.ready_since.is_some());
    }

    #[test]
    fn a_failed_init_container_fails_the_pod_under_never() {
        // kubelet_pods.go getPhase: a failed init container with restartPolicy Never → Failed;
        // the regular container never starts. printPod: Init:Error.
        let (mut h, mut k, mut ipam, pod) =
            with_inits(RestartPolicy::Never, &[&["sh", "-c", "exit 3"], &["true"]]);
        let t = drive(&mut h, &mut k, &mut ipam, pod, secs(60));
        assert_eq!(t.times("Started").len(), 1);
        let last = &t.statuses.last().expect("statuses").1;
        assert_eq!(last.phase, Phase::Failed);
        assert!(!last.initialized);
        assert_eq!(
            status_cells(&mut h, pod, &t).last().map(String::as_str),
            Some("Init:Error")
        );
        assert!(k.pods[&pod].finished);
    }

    #[test]
    fn a_failed_init_container_crash_loops_under_always() {
        // computeInitContainerActions restarts a failed init container (not under Never) with
        // the crash-loop back-off; printPod shows Init:Error, then Init:CrashLoopBackOff, and
        // RESTARTS counts the init container's restarts while the pod initializes.
        let (mut h, mut k, mut ipam, pod) =
            with_inits(RestartPolicy::Always, &[&["sh", "-c", "sleep 1; exit 1"]]);
        let t = drive(&mut h, &mut k, &mut ipam, pod, secs(60));
        assert!(t.times("Started").len() >= 3, "{:?}", t.events);
        assert!(!t.times("BackOff").is_empty());
        let cells = status_cells(&mut h, pod, &t);
        assert!(cells.contains(&"Init:Error".to_string()), "{cells:?}");
        assert!(
            cells.contains(&"Init:CrashLoopBackOff".to_string()),
            "{cells:?}"
        );
        let last = &t.statuses.last().expect("statuses").1;
        assert_eq!(last.phase, Phase::Pending);
        assert_eq!(
            last.containers[0].state,
            ContainerState::Waiting("PodInitializing")
        );
        let p = h.store.pods.get(pod).expect("pod");
        let restarts = crate::output::metrics::pod_restarts(p);
        assert_eq!(restarts, last.init_containers[0].restart_count);
        assert!(restarts >= 2);
    }

    #[test]
    fn the_runtime_creates_then_starts_each_container() {
        // kuberuntime_container.go startContainer: CreateContainer returns before `Created`
        // is recorded, StartContainer before `Started` — two runtime calls, each with its
        // own latency (kubelet.containerCreate, kubelet.containerStart).
        let (mut h, mut k, mut ipam, pod) = setup(&["nginx:1.25"]);
        let t = drive(&mut h, &mut k, &mut ipam, pod, secs(30));
        let (pulled, created, started) =
            (t.times("Pulled"), t.times("Created"), t.times("Started"));
        assert!(pulled[0] < created[0], "{pulled:?} {created:?}");
        assert!(created[0] < started[0], "{created:?} {started:?}");
        let steps = t.step_times(|s| s == KubeletStep::ContainerCreated(0));
        assert_eq!(steps, created);
    }

    #[test]
    fn a_probe_answered_after_its_timeout_fails_and_liveness_restarts() {
        // prober.go runProbe: the probe's timeoutSeconds bounds the HTTP client; an answer
        // that comes later is a failure (`context deadline exceeded`), so readiness never
        // passes and liveness kills the container after failureThreshold (3) failures.
        let slow = crate::model::image::ImageSpec {
            probe_latency_us: 2_000_000,
            ..Default::default()
        };
        let catalog = catalog_of("registry.example/app:v5", slow.clone());
        let probe = crate::model::pod::Probe::default();
        let (mut h, mut k, mut ipam, pod) = lifecycle_setup(
            "registry.example/app:v5",
            &[],
            RestartPolicy::Always,
            catalog,
            Some(probe),
        );
        let t = drive(&mut h, &mut k, &mut ipam, pod, secs(100));
        assert!(
            t.step_times(|s| matches!(s, KubeletStep::ContainerReady(..)))
                .is_empty()
        );
        let unhealthy: Vec<&str> = t
            .events
            .iter()
            .filter(|e| e.1 == "Unhealthy")
            .map(|e| e.2.as_str())
            .collect();
        assert!(
            unhealthy.len() >= 8,
            "every 10 s from the first tick after the start to 100 s: {unhealthy:?}"
        );
        assert!(unhealthy.iter().all(|m| *m
            == "Readiness probe failed: context deadline exceeded (Client.Timeout exceeded while awaiting headers)"));
        assert!(!k.pods[&pod].containers[0].ready);
        // timeoutSeconds 3 > 2 s: the same image passes.
        let patient = crate::model::pod::Probe {
            timeout_s: 3,
            ..Default::default()
        };
        let (mut h, mut k, mut ipam, pod) = lifecycle_setup(
            "registry.example/app:v5",
            &[],
            RestartPolicy::Always,
            catalog_of("registry.example/app:v5", slow.clone()),
            Some(patient),
        );
        let t = drive(&mut h, &mut k, &mut ipam, pod, secs(60));
        assert_eq!(
            t.step_times(|s| matches!(s, KubeletStep::ContainerReady(..)))
                .len(),
            1
        );
        // A liveness probe that times out restarts the container.
        let (mut h, mut k, mut ipam, pod) = lifecycle_setup(
            "registry.example/app:v5",
            &[],
            RestartPolicy::Always,
            catalog_of("registry.example/app:v5", slow),
            None,
        );
        let p = h.store.pods.get_mut(pod).expect("pod");
        Arc::make_mut(&mut p.spec).containers[0].probes.liveness = Some(probe);
        let t = drive(&mut h, &mut k, &mut ipam, pod, secs(60));
        let kills = t.step_times(|s| matches!(s, KubeletStep::ProbeKill(..)));
        let started = t.times("Started");
        assert!(!kills.is_empty());
        // Probes at 1 s + 10 s k from the worker's start; the third failure kills.
        assert!(
            kills[0] - started[0] <= 30.0 + 1e-6,
            "{kills:?} {started:?}"
        );
    }
}
