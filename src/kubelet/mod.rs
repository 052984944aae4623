//! The kubelet and its container runtime (containerd), one per node.
//!
//! For a pod bound to its node the kubelet: admits it and reports `Pending` with every
//! container waiting in `ContainerCreating`; creates the sandbox and network
//! (`kubelet.podSandbox`, then a pod IP from the network plugin, or the node IP for
//! `hostNetwork`); then for each container in order pulls the image when the pull policy
//! asks for it (pulls are serialized per node: `serializeImagePulls` true, facts A.3, which
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

use crate::apiserver::{Client, Op, Outcome, Propagation, Request, submit};
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::model::pod::{ContainerState, ContainerStatus, Phase, PodStatus, PullPolicy};
use crate::sim::event::{Change, Event, KubeletStep};
use crate::sim::time::{SimDuration, SimTime};
use crate::sim::timing::TimingName;
use crate::sim::world::World;
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
    images: BTreeSet<String>,
    pulls_busy_until: SimTime,
    pods: BTreeMap<u32, PodWork>,
    /// Pulls in progress: (pod, container) → (requested at, pull duration).
    pulls: BTreeMap<(u32, u16), (SimTime, SimDuration)>,
}

impl Kubelet {
    /// A kubelet whose node already holds these images (AKS's system images).
    pub fn with_images(images: impl IntoIterator<Item = String>) -> Kubelet {
        Kubelet {
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

fn pod_key(w: &World, pod: u32) -> String {
    w.store.key(ObjRef {
        kind: Kind::Pod,
        id: pod,
    })
}

/// An informer event for a pod bound to this node.
pub fn observe(w: &mut World, node: u32, obj: ObjRef, change: Change) {
    if obj.kind != Kind::Pod {
        return;
    }
    let pod = obj.id;
    let Some(k) = w.kubelets.get(node as usize) else {
        return;
    };
    let known = k.pods.contains_key(&pod);
    let Some(p) = w.store.pods.get(pod) else {
        // The object is gone (deleted with grace 0 or by the kubelet itself).
        if change == Change::Deleted && known {
            forget(w, node, pod);
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
            admit_for_teardown(w, node, pod);
            return;
        }
        admit(w, node, pod);
        return;
    }
    if p.meta.deleted.is_some() && !w.kubelets[node as usize].pods[&pod].stopping {
        stop(w, node, pod);
    }
}

fn admit(w: &mut World, node: u32, pod: u32) {
    let Some(p) = w.store.pods.get(pod) else {
        return;
    };
    let n = p.spec.containers.len();
    let host_network = p.spec.host_network;
    let waiting = ContainerStatus {
        state: ContainerState::Waiting("ContainerCreating"),
        ready: false,
        restart_count: 0,
    };
    let now = w.now;
    w.kubelets[node as usize].pods.insert(
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
    post_status_later(w, node, pod);
    let key = pod_key(w, pod);
    let d = w.sample(TimingName::KubeletPodSandbox, SOURCE, &key, "sandbox");
    w.schedule(
        d,
        Event::Kubelet {
            node,
            pod,
            step: KubeletStep::SandboxReady,
        },
    );
}

/// A pod first seen already being deleted: known to the kubelet only to be torn down.
fn admit_for_teardown(w: &mut World, node: u32, pod: u32) {
    let Some(p) = w.store.pods.get(pod) else {
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
        started: w.now,
        stopping: false,
        status_pending: false,
        ready_since: None,
    };
    w.kubelets[node as usize].pods.insert(pod, work);
    stop(w, node, pod);
}

/// A pod-worker step.
pub fn step(w: &mut World, node: u32, pod: u32, s: KubeletStep) {
    let Some(work) = w.kubelets.get(node as usize).and_then(|k| k.pods.get(&pod)) else {
        return;
    };
    if work.stopping && !matches!(s, KubeletStep::ContainersStopped) {
        return;
    }
    match s {
        KubeletStep::PostStatus => post_status(w, node, pod),
        KubeletStep::SandboxReady => {
            let host_network = work.host_network;
            let ip = if host_network {
                w.ipam
                    .node_ip(node)
                    .ok_or_else(|| "node has no address".to_string())
            } else {
                w.ipam.allocate_pod_ip(node).map_err(|e| e.to_string())
            };
            match ip {
                Ok(ip) => {
                    if let Some(wk) = w.kubelets[node as usize].pods.get_mut(&pod) {
                        wk.ip = Some(ip);
                    }
                    start_container(w, node, pod, 0);
                }
                Err(e) => {
                    let obj = ObjRef {
                        kind: Kind::Pod,
                        id: pod,
                    };
                    w.record_event(
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
            if let Some(image) = container_image(w, pod, i) {
                w.kubelets[node as usize].images.insert(image);
            }
            create_container(w, node, pod, i);
        }
        KubeletStep::ContainerStarted(i) => {
            let now = w.now;
            let obj = ObjRef {
                kind: Kind::Pod,
                id: pod,
            };
            w.record_event(obj, false, "Started", SOURCE, "Container started".into());
            let n = {
                let Some(wk) = w.kubelets[node as usize].pods.get_mut(&pod) else {
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
            post_status_later(w, node, pod);
            if usize::from(i) + 1 < n {
                start_container(w, node, pod, i + 1);
            }
        }
        KubeletStep::ContainersStopped => {
            if let Some(wk) = w.kubelets[node as usize].pods.get_mut(&pod) {
                for c in &mut wk.containers {
                    c.state = ContainerState::Terminated {
                        reason: "Completed",
                        exit_code: 0,
                    };
                    c.ready = false;
                }
            }
            release_ip(w, node, pod);
            // The status manager deletes the object once the pod is terminal.
            let Some(p) = w.store.pods.get(pod) else {
                return;
            };
            let uid = Some(p.meta.uid);
            let key = pod_key(w, pod);
            let op = Op::Delete {
                target: ObjRef {
                    kind: Kind::Pod,
                    id: pod,
                },
                uid,
                propagation: Propagation::Background,
                grace_seconds: Some(0),
            };
            submit(w, Client::Kubelet(node), op, 0, &key);
        }
    }
}

fn container_image(w: &World, pod: u32, i: u16) -> Option<String> {
    w.store
        .pods
        .get(pod)
        .and_then(|p| p.spec.containers.get(usize::from(i)))
        .map(|c| c.image.clone())
}

/// Image pull for container `i`, if its policy needs one (`EnsureImageExists`).
fn start_container(w: &mut World, node: u32, pod: u32, i: u16) {
    let Some(c) = w
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
    let present = w.kubelets[node as usize].images.contains(&c.image);
    let pull = match c.pull_policy {
        PullPolicy::Always => true,
        PullPolicy::IfNotPresent => !present,
        PullPolicy::Never => false,
    };
    if !pull {
        if present {
            w.record_event(obj, false, "Pulled", SOURCE, format!("Container image {:?} already present on machine and can be accessed by the pod", c.image));
            create_container(w, node, pod, i);
        } else {
            w.record_event(
                obj,
                true,
                "ErrImageNeverPull",
                SOURCE,
                format!(
                    "Container image {:?} is not present with pull policy of Never",
                    c.image
                ),
            );
            set_waiting(w, node, pod, i, "ErrImageNeverPull");
        }
        return;
    }
    w.record_event(
        obj,
        false,
        "Pulling",
        SOURCE,
        format!("Pulling image {:?}", c.image),
    );
    let key = pod_key(w, pod);
    let d = w.sample(
        TimingName::KubeletImagePull,
        SOURCE,
        &key,
        &format!("imagePull:{i}"),
    );
    let now = w.now;
    let k = &mut w.kubelets[node as usize];
    let begin = k.pulls_busy_until.max(now);
    let end = begin + d;
    k.pulls_busy_until = end;
    w.schedule_at(
        end,
        Event::Kubelet {
            node,
            pod,
            step: KubeletStep::ImagePulled(i),
        },
    );
    // The Pulled event is recorded when the pull ends; remember when it was asked for.
    w.kubelets[node as usize].pulls.insert((pod, i), (now, d));
}

fn create_container(w: &mut World, node: u32, pod: u32, i: u16) {
    let obj = ObjRef {
        kind: Kind::Pod,
        id: pod,
    };
    if let Some((requested, pull)) = w.kubelets[node as usize].pulls.remove(&(pod, i)) {
        let image = container_image(w, pod, i).unwrap_or_default();
        let waited = w.now.since(requested);
        w.record_event(
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
    w.record_event(obj, false, "Created", SOURCE, "Container created".into());
    let key = pod_key(w, pod);
    let d = w.sample(
        TimingName::KubeletContainerStart,
        SOURCE,
        &key,
        &format!("start:{i}"),
    );
    w.schedule(
        d,
        Event::Kubelet {
            node,
            pod,
            step: KubeletStep::ContainerStarted(i),
        },
    );
}

fn set_waiting(w: &mut World, node: u32, pod: u32, i: u16, reason: &'static str) {
    if let Some(wk) = w.kubelets[node as usize].pods.get_mut(&pod)
        && let Some(c) = wk.containers.get_mut(usize::from(i))
    {
        c.state = ContainerState::Waiting(reason);
    }
    post_status_later(w, node, pod);
}

/// Go's `Duration.String()` after `Truncate(time.Millisecond)`, as the Pulled message prints.
fn go_duration_ms(d: SimDuration) -> String {
    crate::model::duration::format_micros(d.as_micros() / 1000 * 1000)
}

/// A stable stand-in for the image size the runtime reports (20–220 MB by name).
fn illustrative_image_size(image: &str) -> u64 {
    let h = crate::sim::rng::fnv1a_64(&[image.as_bytes()]);
    20_000_000 + h % 200_000_000
}

/// Schedules a status write `kubelet.statusUpdate` from now (coalescing changes).
fn post_status_later(w: &mut World, node: u32, pod: u32) {
    let Some(wk) = w.kubelets[node as usize].pods.get_mut(&pod) else {
        return;
    };
    if wk.status_pending {
        return;
    }
    wk.status_pending = true;
    let key = pod_key(w, pod);
    let writes = w.store.pods.get(pod).map(|p| p.meta.writes).unwrap_or(0);
    let d = w.sample(
        TimingName::KubeletStatusUpdate,
        SOURCE,
        &key,
        &format!("status:{writes}"),
    );
    w.schedule(
        d,
        Event::Kubelet {
            node,
            pod,
            step: KubeletStep::PostStatus,
        },
    );
}

/// Builds the pod status from the kubelet's view and sends it.
fn post_status(w: &mut World, node: u32, pod: u32) {
    let Some(wk) = w.kubelets[node as usize].pods.get_mut(&pod) else {
        return;
    };
    wk.status_pending = false;
    if wk.stopping {
        return;
    }
    let host_ip = w.ipam.node_ip(node);
    let wk = &w.kubelets[node as usize].pods[&pod];
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
    if w.store.pods.get(pod).is_some_and(|p| p.status == status) {
        return;
    }
    let key = pod_key(w, pod);
    submit(
        w,
        Client::Kubelet(node),
        Op::PodStatus {
            pod,
            status: Box::new(status),
        },
        0,
        &key,
    );
}

fn stop(w: &mut World, node: u32, pod: u32) {
    let Some(p) = w.store.pods.get(pod) else {
        return;
    };
    let grace = p.spec.termination_grace_seconds.max(0) as u64;
    let running: Vec<bool> = w.kubelets[node as usize].pods[&pod]
        .containers
        .iter()
        .map(|c| matches!(c.state, ContainerState::Running(_)))
        .collect();
    if let Some(wk) = w.kubelets[node as usize].pods.get_mut(&pod) {
        wk.stopping = true;
    }
    let obj = ObjRef {
        kind: Kind::Pod,
        id: pod,
    };
    let names: Vec<String> = p.spec.containers.iter().map(|c| c.name.clone()).collect();
    for (name, run) in names.iter().zip(running) {
        if run {
            w.record_event(
                obj,
                false,
                "Killing",
                SOURCE,
                format!("Stopping container {name}"),
            );
        }
    }
    let key = pod_key(w, pod);
    let d = w.sample(TimingName::KubeletContainerStop, SOURCE, &key, "stop");
    let d = SimDuration(d.as_micros().min(grace * 1_000_000));
    w.schedule(
        d,
        Event::Kubelet {
            node,
            pod,
            step: KubeletStep::ContainersStopped,
        },
    );
}

fn release_ip(w: &mut World, node: u32, pod: u32) {
    let Some(wk) = w.kubelets[node as usize].pods.get_mut(&pod) else {
        return;
    };
    if let Some(ip) = wk.ip.take()
        && !wk.host_network
    {
        w.ipam.release_pod_ip(node, ip);
    }
}

fn forget(w: &mut World, node: u32, pod: u32) {
    release_ip(w, node, pod);
    w.kubelets[node as usize].pods.remove(&pod);
    w.kubelets[node as usize]
        .pulls
        .retain(|(p, _), _| *p != pod);
}

/// A response to one of this kubelet's requests.
pub fn on_response(w: &mut World, node: u32, req: &Request, outcome: Outcome) {
    if let (Op::Delete { target, .. }, Outcome::Deleted(_)) = (&req.op, outcome) {
        forget(w, node, target.id);
    }
}
