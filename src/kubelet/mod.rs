//! The kubelet and its container runtime (containerd), one per node.
//!
//! For a pod bound to its node the kubelet: admits it and reports `Pending` with every
//! container waiting in `ContainerCreating`; creates the sandbox and network
//! (`kubelet.podSandbox`, then a pod IP from the network plugin, or the node IP for
//! `hostNetwork`); then for each container in order pulls the image when the pull policy
//! asks for it (pulls are serialized per node: KubeletConfiguration `serializeImagePulls` true, which
//! is what `including waiting` measures), creates and starts it (`kubelet.containerStart`).
//! Status changes reach the API server `kubelet.statusUpdate` after they happen (PLEG relist,
//! 1 s). On deletion it stops the containers (`Killing`, `kubelet.containerStop`, capped by
//! the grace period), releases the address and deletes the pod object with grace 0.
//!
//! Event texts are Kubernetes 1.35's (`Container created`, `Container started`,
//! `... already present on machine and can be accessed by the pod`). Simplifications: no
//! probes (a running container is ready at once), no restarts or crash loops, no image
//! garbage collection; image sizes in the `Pulled` message are a stable illustrative
//! function of the image name until images are modelled; the final terminal-phase status
//! write before the object is removed is folded into the delete.

use crate::apiserver::{Op, Outcome, Propagation};
use crate::component::{Change, Component, Ctx, Notice, Response};
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::model::pod::{ContainerState, ContainerStatus, Phase, PodStatus, PullPolicy};
use crate::network::Ipam;
use crate::sim::time::{SimDuration, SimTime};
use crate::sim::timing::TimingName;
use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

/// What the kubelet knows about one of its pods.
#[derive(Clone, Debug)]
struct PodWork {
    containers: Vec<ContainerStatus>,
    ip: Option<Ipv4Addr>,
    host_network: bool,
    started: SimTime,
    stopping: bool,
    status_pending: bool,
    ready_since: Option<SimTime>,
}

/// One node's kubelet.
#[derive(Debug, Default)]
pub struct Kubelet {
    node: u32,
    vm: u32,
    images: BTreeSet<String>,
    pulls_busy_until: SimTime,
    pods: BTreeMap<u32, PodWork>,
    /// Pulls in progress: (pod, container) → (requested at, pull duration).
    pulls: BTreeMap<(u32, u16), (SimTime, SimDuration)>,
}

impl Kubelet {
    /// The kubelet of node `node` on VM `vm` (which keys its addresses), whose disk already holds these images (AKS's node image
    /// caches the system images).
    pub fn new(node: u32, vm: u32, images: impl IntoIterator<Item = String>) -> Kubelet {
        Kubelet {
            node,
            vm,
            images: images.into_iter().collect(),
            ..Default::default()
        }
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
        };
        self.pods.insert(
            pod,
            PodWork {
                containers: vec![running; containers],
                ip,
                host_network,
                started: SimTime::ZERO,
                stopping: false,
                status_pending: false,
                ready_since: Some(SimTime::ZERO),
            },
        );
    }
}

const SOURCE: &str = "kubelet";

/// Kubelet pod-worker steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KubeletStep {
    /// Sandbox and network are up.
    SandboxReady,
    /// An image pull for container `i` finished.
    ImagePulled(u16),
    /// Container `i` started.
    ContainerStarted(u16),
    /// All containers have stopped after SIGTERM.
    ContainersStopped,
    /// The status manager sends the pod's current status.
    PostStatus,
}

/// A kubelet's timer: a pod-worker step for one of its pods is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// The pod.
    pub pod: u32,
    /// The step.
    pub step: KubeletStep,
}

type Cx<'a> = Ctx<'a, Kubelet>;

impl Component for Kubelet {
    type Tag = ();
    type Timer = Step;
    /// The node's CNI plugin (pod addresses), which the container runtime calls directly.
    type Env = Ipam;

    fn observe(&mut self, cx: &mut Cx<'_>, n: Notice) {
        observe(self, cx, n.obj, n.change);
    }

    fn on_response(&mut self, cx: &mut Cx<'_>, _: (), r: Response<'_>) {
        if let (Op::Delete { target, .. }, Outcome::Deleted(_)) = (r.op, r.outcome) {
            forget(self, cx, target.id);
        }
    }

    fn on_timer(&mut self, cx: &mut Cx<'_>, t: Step) {
        step(self, cx, t.pod, t.step);
    }
}

fn pod_key(cx: &Cx<'_>, pod: u32) -> String {
    cx.store.key(ObjRef {
        kind: Kind::Pod,
        id: pod,
    })
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

fn admit(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32) {
    let Some(p) = cx.store.pods.get(pod) else {
        return;
    };
    let n = p.spec.containers.len();
    let host_network = p.spec.host_network;
    let waiting = ContainerStatus {
        state: ContainerState::Waiting("ContainerCreating"),
        ready: false,
        restart_count: 0,
    };
    let now = cx.now;
    me.pods.insert(
        pod,
        PodWork {
            containers: vec![waiting; n],
            ip: None,
            host_network,
            started: now,
            stopping: false,
            status_pending: false,
            ready_since: None,
        },
    );
    post_status_later(me, cx, pod);
    let key = pod_key(cx, pod);
    let d = cx.sample(TimingName::KubeletPodSandbox, SOURCE, &key, "sandbox");
    cx.after(
        d,
        Step {
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
    let waiting = ContainerStatus {
        state: ContainerState::Waiting("ContainerCreating"),
        ready: false,
        restart_count: 0,
    };
    let work = PodWork {
        containers: vec![waiting; p.spec.containers.len()],
        ip: None,
        host_network: p.spec.host_network,
        started: cx.now,
        stopping: false,
        status_pending: false,
        ready_since: None,
    };
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
    match s {
        KubeletStep::PostStatus => post_status(me, cx, pod),
        KubeletStep::SandboxReady => {
            let host_network = work.host_network;
            let ip = if host_network {
                cx.env
                    .node_ip(me.vm)
                    .ok_or_else(|| "node has no address".to_string())
            } else {
                cx.env.allocate_pod_ip(me.vm).map_err(|e| e.to_string())
            };
            match ip {
                Ok(ip) => {
                    if let Some(wk) = me.pods.get_mut(&pod) {
                        wk.ip = Some(ip);
                    }
                    start_container(me, cx, pod, 0);
                }
                Err(e) => {
                    let obj = ObjRef {
                        kind: Kind::Pod,
                        id: pod,
                    };
                    cx.event(
                        obj,
                        true,
                        "FailedCreatePodSandBox",
                        SOURCE,
                        format!("Failed to create pod sandbox: {e}"),
                    );
                }
            }
        }
        KubeletStep::ImagePulled(i) => {
            if let Some(image) = container_image(cx, pod, i) {
                me.images.insert(image);
            }
            create_container(me, cx, pod, i);
        }
        KubeletStep::ContainerStarted(i) => {
            let now = cx.now;
            let obj = ObjRef {
                kind: Kind::Pod,
                id: pod,
            };
            cx.event(obj, false, "Started", SOURCE, "Container started".into());
            let n = {
                let Some(wk) = me.pods.get_mut(&pod) else {
                    return;
                };
                if let Some(c) = wk.containers.get_mut(usize::from(i)) {
                    c.state = ContainerState::Running(now);
                    // No readiness probe: ready as soon as it runs.
                    c.ready = true;
                }
                if wk.containers.iter().all(|c| c.ready) {
                    wk.ready_since = Some(now);
                }
                wk.containers.len()
            };
            post_status_later(me, cx, pod);
            if usize::from(i) + 1 < n {
                start_container(me, cx, pod, i + 1);
            }
        }
        KubeletStep::ContainersStopped => {
            if let Some(wk) = me.pods.get_mut(&pod) {
                for c in &mut wk.containers {
                    c.state = ContainerState::Terminated {
                        reason: "Completed",
                        exit_code: 0,
                    };
                    c.ready = false;
                }
            }
            release_ip(me, cx, pod);
            // The status manager deletes the object once the pod is terminal.
            let Some(p) = cx.store.pods.get(pod) else {
                return;
            };
            let uid = Some(p.meta.uid);
            let key = pod_key(cx, pod);
            let op = Op::Delete {
                target: ObjRef {
                    kind: Kind::Pod,
                    id: pod,
                },
                uid,
                propagation: Propagation::Background,
                grace_seconds: Some(0),
            };
            cx.submit(op, (), &key);
        }
    }
}

fn container_image(cx: &Cx<'_>, pod: u32, i: u16) -> Option<String> {
    cx.store
        .pods
        .get(pod)
        .and_then(|p| p.spec.containers.get(usize::from(i)))
        .map(|c| c.image.clone())
}

/// Image pull for container `i`, if its policy needs one (`EnsureImageExists`).
fn start_container(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32, i: u16) {
    let Some(c) = cx
        .store
        .pods
        .get(pod)
        .and_then(|p| p.spec.containers.get(usize::from(i)))
        .cloned()
    else {
        return;
    };
    let obj = ObjRef {
        kind: Kind::Pod,
        id: pod,
    };
    let present = me.images.contains(&c.image);
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
    cx.event(
        obj,
        false,
        "Pulling",
        SOURCE,
        format!("Pulling image {:?}", c.image),
    );
    let key = pod_key(cx, pod);
    let d = cx.sample(
        TimingName::KubeletImagePull,
        SOURCE,
        &key,
        &format!("imagePull:{i}"),
    );
    let now = cx.now;
    let k = &mut *me;
    let begin = k.pulls_busy_until.max(now);
    let end = begin + d;
    k.pulls_busy_until = end;
    cx.at(
        end,
        Step {
            pod,
            step: KubeletStep::ImagePulled(i),
        },
    );
    // The Pulled event is recorded when the pull ends; remember when it was asked for.
    me.pulls.insert((pod, i), (now, d));
}

fn create_container(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32, i: u16) {
    let obj = ObjRef {
        kind: Kind::Pod,
        id: pod,
    };
    if let Some((requested, pull)) = me.pulls.remove(&(pod, i)) {
        let image = container_image(cx, pod, i).unwrap_or_default();
        let waited = cx.now.since(requested);
        cx.event(
            obj,
            false,
            "Pulled",
            SOURCE,
            format!(
                "Successfully pulled image {image:?} in {} ({} including waiting). Image size: {} bytes.",
                go_duration_ms(pull),
                go_duration_ms(waited),
                illustrative_image_size(&image)
            ),
        );
    }
    cx.event(obj, false, "Created", SOURCE, "Container created".into());
    let key = pod_key(cx, pod);
    let d = cx.sample(
        TimingName::KubeletContainerStart,
        SOURCE,
        &key,
        &format!("start:{i}"),
    );
    cx.after(
        d,
        Step {
            pod,
            step: KubeletStep::ContainerStarted(i),
        },
    );
}

fn set_waiting(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32, i: u16, reason: &'static str) {
    if let Some(wk) = me.pods.get_mut(&pod)
        && let Some(c) = wk.containers.get_mut(usize::from(i))
    {
        c.state = ContainerState::Waiting(reason);
    }
    post_status_later(me, cx, pod);
}

/// Go's `Duration.String()` after `Truncate(time.Millisecond)`, as the Pulled message prints.
fn go_duration_ms(d: SimDuration) -> String {
    crate::sim::duration::format_micros(d.as_micros() / 1000 * 1000)
}

/// A stable stand-in for the image size the runtime reports (20–220 MB by name).
fn illustrative_image_size(image: &str) -> u64 {
    let h = crate::sim::rng::fnv1a_64(&[image.as_bytes()]);
    20_000_000 + h % 200_000_000
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
    if wk.stopping {
        return;
    }
    let host_ip = cx.env.node_ip(me.vm);
    let wk = &me.pods[&pod];
    let running = wk
        .containers
        .iter()
        .any(|c| matches!(c.state, ContainerState::Running(_)));
    let status = PodStatus {
        phase: if running {
            Phase::Running
        } else {
            Phase::Pending
        },
        reason: None,
        scheduled: Some(true),
        unschedulable_message: None,
        ready_since: wk.ready_since,
        containers: wk.containers.clone(),
        pod_ip: wk.ip,
        host_ip,
        start_time: Some(wk.started),
    };
    if cx.store.pods.get(pod).is_some_and(|p| p.status == status) {
        return;
    }
    let key = pod_key(cx, pod);
    let op = Op::PodStatus {
        pod,
        status: Box::new(status),
    };
    cx.submit(op, (), &key);
}

fn stop(me: &mut Kubelet, cx: &mut Cx<'_>, pod: u32) {
    let Some(p) = cx.store.pods.get(pod) else {
        return;
    };
    let grace = p.spec.termination_grace_seconds.max(0) as u64;
    let running: Vec<bool> = me.pods[&pod]
        .containers
        .iter()
        .map(|c| matches!(c.state, ContainerState::Running(_)))
        .collect();
    if let Some(wk) = me.pods.get_mut(&pod) {
        wk.stopping = true;
    }
    let obj = ObjRef {
        kind: Kind::Pod,
        id: pod,
    };
    let names: Vec<String> = p.spec.containers.iter().map(|c| c.name.clone()).collect();
    for (name, run) in names.iter().zip(running) {
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
    let key = pod_key(cx, pod);
    let d = cx.sample(TimingName::KubeletContainerStop, SOURCE, &key, "stop");
    let d = SimDuration(d.as_micros().min(grace * 1_000_000));
    cx.after(
        d,
        Step {
            pod,
            step: KubeletStep::ContainersStopped,
        },
    );
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
        let k = Kubelet::new(node, node, images.iter().map(|s| s.to_string()));
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
            .filter(|(_, s)| s.step != KubeletStep::PostStatus)
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
        let mut other = Kubelet::new(7, 7, Vec::new());
        assert!(
            notice(&mut other, &h, &mut ipam, pod, Change::Added)
                .effects
                .is_empty()
        );
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
        let deleted = fire(&mut k, &h, &mut ipam, stopped);
        let uid = h.store.pods.get(pod).unwrap().meta.uid;
        assert!(matches!(
            deleted.requests()[..],
            [(Op::Delete { target, uid: Some(u), grace_seconds: Some(0), .. }, ())]
                if target.id == pod && *u == uid
        ));
        // The kubelet's own grace-0 delete removes the object at once.
        let id = me(&k);
        h.answer(&mut k, &mut ipam, id, stopped.0, &deleted);
        assert!(h.store.pods.get(pod).is_none());
    }
}
