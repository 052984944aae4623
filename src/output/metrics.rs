//! What `kubectl get` prints in a pod's and a node's STATUS, READY and RESTARTS cells, and the
//! metric values that timeline.csv rows and expectations read (docs/expectations.md, docs/outputs.md).
//!
//! The cells port `printPod` and `printNode` from kubernetes `pkg/printers/internalversion/
//! printers.go` (reference/kubectl-output.md §3, §4). Simplified where kubesim's model is:
//! there are no scheduling gates, no restartable (sidecar) init containers and no
//! termination signals; a node's Ready condition is always
//! present (never `Unknown`). RESTARTS with its `(42s ago)` is printed by `kubectl::print`.

use std::fmt;

use crate::etcd::Store;
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::model::node::Node;
use crate::model::pod::{ContainerState, Phase, Pod};
use crate::scenario::{Metric, Target};

/// A metric's value: integers for counts and flags, words for a pod's phase, node and STATUS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MetricValue {
    /// Counts, 0/1 flags.
    Int(i64),
    /// `Running`, a node name, a STATUS cell.
    Word(String),
}

impl fmt::Display for MetricValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MetricValue::Int(i) => write!(f, "{i}"),
            MetricValue::Word(w) => f.write_str(w),
        }
    }
}

/// The cluster-wide counts and per-node pod counts that timeline.csv maintains incrementally;
/// expectations read them instead of recounting 150,000 pods.
#[derive(Debug, Default)]
pub struct Counters {
    /// Indexed like [`CLUSTER_METRICS`].
    pub(crate) cluster: [i64; 7],
    /// Bound, non-terminal pods per node id (terminating pods included).
    pub(crate) node_pods: Vec<i64>,
    /// Names of every node ever seen, by node id, so a pod bound to a deleted node still
    /// names it.
    pub(crate) node_names: Vec<Option<Box<str>>>,
}

/// The cluster metrics in docs/outputs.md's order (also timeline.csv's row order).
pub const CLUSTER_METRICS: [Metric; 7] = [
    Metric::NodesReady,
    Metric::NodesNotReady,
    Metric::PodsPending,
    Metric::PodsRunning,
    Metric::PodsSucceeded,
    Metric::PodsFailed,
    Metric::PodsTerminating,
];

impl Counters {
    /// A cluster metric's current value (None for a metric that is not a cluster metric).
    pub fn cluster(&self, metric: Metric) -> Option<i64> {
        CLUSTER_METRICS
            .iter()
            .position(|m| *m == metric)
            .and_then(|i| self.cluster.get(i).copied())
    }

    /// A node's `pods` metric: bound pods that are not Succeeded or Failed.
    pub fn node_pods(&self, node: u32) -> i64 {
        self.node_pods.get(node as usize).copied().unwrap_or(0)
    }

    /// The name of node `id`, if it was ever seen.
    pub fn node_name(&self, id: u32) -> Option<&str> {
        self.node_names.get(id as usize).and_then(|n| n.as_deref())
    }
}

/// kubectl's STATUS cell for a pod: `printPod`'s reason chain, in code order, each rule
/// overwriting the last (reference §3.1).
pub fn pod_status_cell(pod: &Pod) -> String {
    // 1. The phase, or status.reason when set.
    let mut reason: String = pod
        .status
        .reason
        .unwrap_or(pod.status.phase.as_str())
        .to_string();
    // 2. No scheduling gates in kubesim's model.
    // 3. Init containers, in order, up to the first one that has not exited 0.
    let mut initializing = false;
    let inits = pod.spec.init_containers.len();
    for (i, c) in pod.status.init_containers.iter().enumerate() {
        reason = match &c.state {
            ContainerState::Terminated { exit_code: 0, .. } => continue,
            ContainerState::Terminated {
                reason: "",
                exit_code,
            } => format!("Init:ExitCode:{exit_code}"),
            ContainerState::Terminated { reason: r, .. } => format!("Init:{r}"),
            ContainerState::Waiting(r) if !r.is_empty() && *r != "PodInitializing" => {
                format!("Init:{r}")
            }
            _ => format!("Init:{i}/{inits}"),
        };
        initializing = true;
        break;
    }
    if initializing && !pod.status.initialized {
        return deleting(pod, reason);
    }
    // 4. Regular containers, last to first, so the first container with a reason wins.
    let mut has_running = false;
    for c in pod.status.containers.iter().rev() {
        match &c.state {
            ContainerState::Waiting(r) if !r.is_empty() => reason = (*r).to_string(),
            ContainerState::Terminated {
                reason: r,
                exit_code,
            } => {
                reason = if r.is_empty() {
                    format!("ExitCode:{exit_code}")
                } else {
                    (*r).to_string()
                };
            }
            ContainerState::Running(_) if c.ready => has_running = true,
            _ => {}
        }
    }
    if reason == "Completed" && has_running {
        reason = if pod.is_ready() {
            "Running"
        } else {
            "NotReady"
        }
        .to_string();
    }
    deleting(pod, reason)
}

/// printPod's last rule: a deleted pod shows `Unknown` when its node was lost, otherwise
/// `Terminating` until it is terminal.
fn deleting(pod: &Pod, reason: String) -> String {
    if pod.meta.deleted.is_some() && pod.status.reason == Some("NodeLost") {
        "Unknown".to_string()
    } else if pod.meta.deleted.is_some() && !pod.is_terminal() {
        "Terminating".to_string()
    } else {
        reason
    }
}

/// kubectl's READY cell: ready running containers / containers (reference §3.2).
pub fn pod_ready_cell(pod: &Pod) -> String {
    let ready = pod
        .status
        .containers
        .iter()
        .filter(|c| c.ready && matches!(c.state, ContainerState::Running(_)))
        .count();
    format!("{ready}/{}", pod.spec.containers.len())
}

/// kubectl's RESTARTS count: the sum of the containers' `restartCount` (reference §3.3).
pub fn pod_restarts(pod: &Pod) -> u32 {
    pod_restarts_since(pod).0
}

/// printPod's RESTARTS count and the latest `lastState.terminated.finishedAt` it counts:
/// while the pod is initializing, the init containers' up to the first unfinished one;
/// after that, the regular containers' only.
pub fn pod_restarts_since(pod: &Pod) -> (u32, Option<crate::sim::time::SimTime>) {
    let sum = |list: &[crate::model::pod::ContainerStatus]| {
        let n = list
            .iter()
            .fold(0u32, |a, c| a.saturating_add(c.restart_count));
        let last = list
            .iter()
            .filter_map(|c| c.last_state.map(|t| t.finished))
            .max();
        (n, last)
    };
    let inits = &pod.status.init_containers;
    let unfinished = inits
        .iter()
        .position(|c| !matches!(c.state, ContainerState::Terminated { exit_code: 0, .. }));
    match unfinished {
        Some(i) if !pod.status.initialized => sum(&inits[..=i]),
        _ => sum(&pod.status.containers),
    }
}

/// kubectl's STATUS cell for a node: the Ready condition, then `SchedulingDisabled` when
/// cordoned (reference §4).
pub fn node_status_cell(node: &Node) -> String {
    let ready = if node.ready() { "Ready" } else { "NotReady" };
    if node.unschedulable {
        format!("{ready},SchedulingDisabled")
    } else {
        ready.to_string()
    }
}

/// The name of the node a pod is bound to, or `<none>` (kubectl's placeholder in the NODE
/// column) while it is unbound.
fn pod_node_name(store: &Store, counters: &Counters, pod: &Pod) -> String {
    bound_node_name(store, counters, pod)
        .unwrap_or("<none>")
        .to_string()
}

/// The name of the node `pod` is bound to: from the store, or from the timeline's memory when
/// the node was deleted since.
fn bound_node_name<'a>(store: &'a Store, counters: &'a Counters, pod: &Pod) -> Option<&'a str> {
    let n = pod.node?;
    (store.nodes.get(n).map(|node| node.meta.name.as_str())).or(counters.node_name(n))
}

/// The integer value of one of an existing object's timeline metrics (`r.kind` is the real
/// kind, ReplicationController included). None when the object is gone or the metric is not
/// an integer metric of its kind.
pub(crate) fn object_int(
    store: &Store,
    counters: &Counters,
    r: ObjRef,
    metric: Metric,
) -> Option<i64> {
    store.meta(r)?;
    match (r.kind, metric) {
        (_, Metric::Exists) => Some(1),
        (Kind::Deployment, m) => {
            let d = store.deployments.get(r.id)?;
            let s = &d.status;
            let v = match m {
                Metric::Desired => d.spec.replicas,
                Metric::Replicas => s.replicas,
                Metric::UpdatedReplicas => s.updated_replicas,
                Metric::ReadyReplicas => s.ready_replicas,
                Metric::AvailableReplicas => s.available_replicas,
                Metric::UnavailableReplicas => s.unavailable_replicas,
                _ => return None,
            };
            Some(i64::from(v))
        }
        (Kind::ReplicaSet | Kind::ReplicationController, m) => {
            let rs = store.replicasets.get(r.id)?;
            let v = match m {
                Metric::Desired => rs.spec.replicas,
                Metric::Replicas => rs.status.replicas,
                Metric::ReadyReplicas => rs.status.ready_replicas,
                Metric::AvailableReplicas => rs.status.available_replicas,
                _ => return None,
            };
            Some(i64::from(v))
        }
        (Kind::DaemonSet, m) => {
            let s = &store.daemonsets.get(r.id)?.status;
            let v = match m {
                Metric::Desired => s.desired_number_scheduled,
                Metric::Current => s.current_number_scheduled,
                Metric::Ready => s.number_ready,
                Metric::Updated => s.updated_number_scheduled,
                Metric::Available => s.number_available,
                _ => return None,
            };
            Some(i64::from(v))
        }
        (Kind::Job, m) => {
            let s = &store.jobs.get(r.id)?.status;
            let v = match m {
                Metric::Active => s.active,
                Metric::Succeeded => s.succeeded,
                Metric::Failed => s.failed,
                _ => return None,
            };
            Some(i64::from(v))
        }
        (Kind::CronJob, Metric::Active) => store
            .cronjobs
            .get(r.id)
            .map(|cj| cj.status.active.len() as i64),
        (Kind::StatefulSet, m) => {
            let st = store.statefulsets.get(r.id)?;
            let s = &st.status;
            let v = match m {
                Metric::Desired => st.spec.replicas,
                Metric::Replicas => s.replicas,
                Metric::Current => s.current_replicas,
                Metric::Ready => s.ready_replicas,
                Metric::Updated => s.updated_replicas,
                Metric::Available => s.available_replicas,
                _ => return None,
            };
            Some(i64::from(v))
        }
        (Kind::PodDisruptionBudget, m) => {
            let s = &store.pdbs.get(r.id)?.status;
            let v = match m {
                Metric::DisruptionsAllowed => s.disruptions_allowed,
                Metric::CurrentHealthy => s.current_healthy,
                Metric::DesiredHealthy => s.desired_healthy,
                Metric::ExpectedPods => s.expected_pods,
                _ => return None,
            };
            Some(i64::from(v))
        }
        (Kind::Node, Metric::Ready) => store.nodes.get(r.id).map(|n| i64::from(n.ready())),
        (Kind::Node, Metric::Pods) => Some(counters.node_pods(r.id)),
        (Kind::Pod, Metric::Phase) => store.pods.get(r.id).map(|p| phase_index(p.status.phase)),
        (Kind::Pod, Metric::Node) => store.pods.get(r.id).map(|p| i64::from(p.node.is_some())),
        (Kind::Pod, Metric::Ready) => store.pods.get(r.id).map(|p| i64::from(p.is_ready())),
        (Kind::Pod, Metric::Restarts) => store.pods.get(r.id).map(|p| i64::from(pod_restarts(p))),
        _ => None,
    }
}

/// A pod phase's integer in timeline.csv (docs/outputs.md): the order of the phases in the
/// API's `PodPhase` documentation, fixed so a column of them can be plotted or compared.
pub fn phase_index(phase: Phase) -> i64 {
    match phase {
        Phase::Pending => 0,
        Phase::Running => 1,
        Phase::Succeeded => 2,
        Phase::Failed => 3,
    }
}

/// The word behind a timeline metric's integer: a pod's phase (`Running`) and the node it is
/// bound to (empty while unbound). Empty for every other metric.
pub fn object_text<'a>(
    store: &'a Store,
    counters: &'a Counters,
    r: ObjRef,
    metric: Metric,
) -> &'a str {
    let Some(pod) = (r.kind == Kind::Pod)
        .then(|| store.pods.get(r.id))
        .flatten()
    else {
        return "";
    };
    match metric {
        Metric::Phase => pod.status.phase.as_str(),
        Metric::Node => bound_node_name(store, counters, pod).unwrap_or(""),
        _ => "",
    }
}

/// The value a condition reads (docs/expectations.md): the cluster's counters, or an object found by
/// kind, namespace and name. `None` means the object does not exist; `exists` then reads 0.
///
/// `cache` keeps the target's last resolution (the object and its uid): while that object
/// exists it is the one its name resolves to (a name is not reused while its object is
/// stored), so a reader that asks at every instant, as an expectation does, skips the
/// by-name lookup. Pass `&mut None` for a one-off read.
pub fn metric_value(
    store: &Store,
    counters: &Counters,
    target: &Target,
    metric: Metric,
    cache: &mut Option<(ObjRef, u64)>,
) -> Option<MetricValue> {
    let (kind, name) = match target {
        Target::Cluster => return counters.cluster(metric).map(MetricValue::Int),
        Target::Object { kind, name, .. } => (*kind, name),
    };
    let cached = cache.filter(|(r, uid)| store.meta(*r).is_some_and(|m| m.uid == *uid));
    let r = match cached {
        Some((r, _)) => Some(r),
        None => {
            let found = match target.namespace() {
                Some(ns) => store
                    .find_ns(ns)
                    .and_then(|ns| store.lookup(kind, Some(ns), name)),
                None => store.lookup(kind, None, name),
            };
            let r = found
                .map(|id| ObjRef { kind, id })
                .filter(|r| store.meta(*r).is_some());
            *cache = r.and_then(|r| store.meta(r).map(|m| (r, m.uid)));
            r
        }
    };
    let Some(r) = r else {
        return (metric == Metric::Exists).then_some(MetricValue::Int(0));
    };
    if kind == Kind::Pod {
        let pod = store.pods.get(r.id)?;
        let word = match metric {
            Metric::Phase => Some(pod.status.phase.as_str().to_string()),
            Metric::Node => Some(pod_node_name(store, counters, pod)),
            Metric::Status => Some(pod_status_cell(pod)),
            _ => None,
        };
        if let Some(w) = word {
            return Some(MetricValue::Word(w));
        }
    }
    object_int(store, counters, r, metric).map(MetricValue::Int)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::labels::Labels;
    use crate::model::meta::Meta;
    use crate::model::node::NodeInfo;
    use crate::model::pod::{Container, ContainerStatus, Phase, PodStatus, PullPolicy, Resources};
    use crate::sim::time::SimTime;
    use std::net::Ipv4Addr;
    use std::sync::Arc;

    #[test]
    fn a_cached_resolution_follows_the_name_to_a_re_created_object() {
        // An expectation on pod/web keeps reading "web" by name: after the pod is deleted it
        // reads exists 0, and a new pod of that name (a new uid) is read, not the old id.
        use crate::etcd::store::testing as fx;
        let mut s = Store::default();
        let ns = fx::namespace(&mut s, "default");
        let old = fx::pod(&mut s, "web", ns, fx::spec(100), None, None);
        let target = Target::Object {
            kind: Kind::Pod,
            namespace: Some("default".into()),
            name: "web".into(),
        };
        let c = Counters::default();
        let mut cache = None;
        let read = |s: &Store, m, cache: &mut Option<(ObjRef, u64)>| {
            metric_value(s, &c, &target, m, cache)
        };
        assert_eq!(
            read(&s, Metric::Exists, &mut cache),
            Some(MetricValue::Int(1))
        );
        assert_eq!(cache.map(|(r, _)| r.id), Some(old));
        s.remove(ObjRef {
            kind: Kind::Pod,
            id: old,
        });
        assert_eq!(
            read(&s, Metric::Exists, &mut cache),
            Some(MetricValue::Int(0))
        );
        let _other = fx::pod(&mut s, "other", ns, fx::spec(100), None, None);
        let new = fx::pod(&mut s, "web", ns, fx::spec(100), None, None);
        assert_eq!(
            read(&s, Metric::Exists, &mut cache),
            Some(MetricValue::Int(1))
        );
        assert_eq!(cache.map(|(r, _)| r.id), Some(new));
        let uid = s
            .meta(ObjRef {
                kind: Kind::Pod,
                id: new,
            })
            .map(|m| m.uid);
        assert_eq!(cache.map(|(_, u)| u), uid);
    }

    /// A pod with `n` containers and the given status, for printer tests.
    pub(crate) fn pod(name: &str, ns: u32, n: usize, status: PodStatus) -> Pod {
        let c = Container {
            name: "c".into(),
            image: "nginx:1.25".into(),
            pull_policy: PullPolicy::IfNotPresent,
            ports: Vec::new(),
            requests: Resources::default(),
            limits: Resources::default(),
            command: Vec::new(),
            args: Vec::new(),
            probes: Default::default(),
            pre_stop_us: None,
            env_sources: Vec::new(),
            host_ports: Vec::new(),
        };
        Pod {
            meta: Meta::new(
                name.into(),
                Some(crate::model::meta::NsId(ns)),
                Labels::default(),
            ),
            spec: crate::etcd::store::testing::spec_of(vec![c; n]),
            node: None,
            status,
        }
    }

    /// A node, Ready or not.
    pub(crate) fn node(name: &str, ready: bool) -> Node {
        Node {
            meta: Meta::new(name.into(), None, Labels::default()),
            pool: 0,
            vm: 0,
            taints: Vec::new(),
            unschedulable: false,
            capacity: Resources::default(),
            allocatable: Resources::default(),
            max_pods: 110,
            internal_ip: Ipv4Addr::new(10, 224, 0, 4),
            pod_cidr: None,
            info: Arc::new(NodeInfo {
                kubelet_version: "v1.35.0".into(),
                os_image: String::new(),
                kernel_version: String::new(),
                container_runtime_version: String::new(),
            }),
            conditions: crate::model::node::kubelet_conditions(
                ready,
                crate::sim::time::SimTime::ZERO,
            ),
            heartbeat: crate::model::node::Beat::new(
                crate::sim::time::SimTime::ZERO,
                crate::model::node::STATUS_REPORT,
            ),
            lease: None,
            images: Default::default(),
        }
    }

    pub(crate) fn status(phase: Phase, containers: Vec<ContainerStatus>) -> PodStatus {
        PodStatus {
            phase,
            containers,
            ..PodStatus::default()
        }
    }

    pub(crate) fn cs(state: ContainerState, ready: bool, restarts: u32) -> ContainerStatus {
        ContainerStatus {
            state,
            ready,
            restart_count: restarts,
            last_state: None,
        }
    }

    fn running() -> ContainerState {
        ContainerState::Running(SimTime::ZERO)
    }

    fn terminated(reason: &'static str, exit_code: i32) -> ContainerState {
        ContainerState::Terminated { reason, exit_code }
    }

    #[test]
    fn pod_status_follows_the_typical_states_table() {
        // reference/kubectl-output.md §3.1 "Typical states".
        let pending = pod("p", 0, 1, status(Phase::Pending, vec![]));
        assert_eq!(pod_status_cell(&pending), "Pending");
        let creating = pod(
            "p",
            0,
            1,
            status(
                Phase::Pending,
                vec![cs(ContainerState::Waiting("ContainerCreating"), false, 0)],
            ),
        );
        assert_eq!(pod_status_cell(&creating), "ContainerCreating");
        let mut run = pod(
            "p",
            0,
            1,
            status(Phase::Running, vec![cs(running(), true, 0)]),
        );
        run.status.ready_since = Some(SimTime::ZERO);
        assert_eq!(pod_status_cell(&run), "Running");
        assert_eq!(pod_ready_cell(&run), "1/1");
        let done = pod(
            "p",
            0,
            1,
            status(
                Phase::Succeeded,
                vec![cs(terminated("Completed", 0), false, 0)],
            ),
        );
        assert_eq!(pod_status_cell(&done), "Completed");
        let error = pod(
            "p",
            0,
            1,
            status(Phase::Failed, vec![cs(terminated("Error", 1), false, 0)]),
        );
        assert_eq!(pod_status_cell(&error), "Error");
        let mut deleting = run.clone();
        deleting.meta.deleted = Some(SimTime(5));
        assert_eq!(pod_status_cell(&deleting), "Terminating");
        let crash = pod(
            "p",
            0,
            1,
            status(
                Phase::Running,
                vec![cs(ContainerState::Waiting("CrashLoopBackOff"), false, 5)],
            ),
        );
        assert_eq!(pod_status_cell(&crash), "CrashLoopBackOff");
        assert_eq!(pod_restarts(&crash), 5);
    }

    #[test]
    fn init_container_statuses_follow_print_pod() {
        // printers.go printPod, its init-container loop (reference §3.1 rule 3): the first
        // init container that has not exited 0 decides; RESTARTS counts init containers
        // only while the pod initializes.
        let with_inits = |inits: Vec<ContainerStatus>, initialized: bool| {
            let mut p = pod(
                "p",
                0,
                1,
                status(
                    Phase::Pending,
                    vec![cs(ContainerState::Waiting("PodInitializing"), false, 0)],
                ),
            );
            let spec = Arc::make_mut(&mut p.spec);
            spec.init_containers = vec![spec.containers[0].clone(); inits.len()];
            p.status.init_containers = inits;
            p.status.initialized = initialized;
            p
        };
        let waiting = || cs(ContainerState::Waiting("PodInitializing"), false, 0);
        let done = || cs(terminated("Completed", 0), true, 0);
        let first = with_inits(vec![cs(running(), false, 0), waiting()], false);
        assert_eq!(pod_status_cell(&first), "Init:0/2");
        let second = with_inits(vec![done(), cs(running(), false, 0)], false);
        assert_eq!(pod_status_cell(&second), "Init:1/2");
        let crash = with_inits(
            vec![
                done(),
                cs(ContainerState::Waiting("CrashLoopBackOff"), false, 3),
            ],
            false,
        );
        assert_eq!(pod_status_cell(&crash), "Init:CrashLoopBackOff");
        assert_eq!(pod_restarts(&crash), 3);
        let error = with_inits(vec![cs(terminated("Error", 1), false, 0)], false);
        assert_eq!(pod_status_cell(&error), "Init:Error");
        let bare = with_inits(vec![cs(terminated("", 2), false, 0)], false);
        assert_eq!(pod_status_cell(&bare), "Init:ExitCode:2");
        let initializing = with_inits(vec![done(), done()], true);
        assert_eq!(pod_status_cell(&initializing), "PodInitializing");
        let mut deleted = first.clone();
        deleted.meta.deleted = Some(SimTime(5));
        assert_eq!(pod_status_cell(&deleted), "Terminating");
        let mut ran = with_inits(vec![cs(terminated("Completed", 0), true, 4)], true);
        ran.status.containers = vec![cs(running(), true, 1)];
        ran.status.phase = Phase::Running;
        ran.status.ready_since = Some(SimTime::ZERO);
        assert_eq!(pod_status_cell(&ran), "Running");
        assert_eq!(pod_restarts(&ran), 1, "init restarts no longer count");
    }

    #[test]
    fn pod_cells_match_print_pod_test_table() {
        // kubernetes pkg/printers/internalversion/printers_test.go TestPrintPod. Phases the
        // model cannot hold ("podPhase") are Running here; a container without state is
        // Waiting with an empty reason, which printPod treats the same way.
        struct Case {
            pod: Pod,
            ready: &'static str,
            status: &'static str,
            restarts: u32,
        }
        let mut cases = Vec::new();
        // test1: {Ready, 3, Running}, {3} → "1/2", phase, "6"
        cases.push(Case {
            pod: pod(
                "test1",
                0,
                2,
                status(
                    Phase::Running,
                    vec![
                        cs(running(), true, 3),
                        cs(ContainerState::Waiting(""), false, 3),
                    ],
                ),
            ),
            ready: "1/2",
            status: "Running",
            restarts: 6,
        });
        // test2: container waiting reason overwrites the phase
        cases.push(Case {
            pod: pod(
                "test2",
                0,
                2,
                status(
                    Phase::Running,
                    vec![
                        cs(running(), true, 3),
                        cs(ContainerState::Waiting("ContainerWaitingReason"), false, 3),
                    ],
                ),
            ),
            ready: "1/2",
            status: "ContainerWaitingReason",
            restarts: 6,
        });
        // test3: the first container's reason wins over the second's terminated reason
        cases.push(Case {
            pod: pod(
                "test3",
                0,
                2,
                status(
                    Phase::Running,
                    vec![
                        cs(ContainerState::Waiting("ContainerWaitingReason"), false, 3),
                        cs(terminated("ContainerTerminatedReason", 0), false, 3),
                    ],
                ),
            ),
            ready: "0/2",
            status: "ContainerWaitingReason",
            restarts: 6,
        });
        // test5: status.reason replaces the phase; ready without running is not counted
        let mut test5 = pod(
            "test5",
            0,
            2,
            status(
                Phase::Running,
                vec![
                    cs(running(), true, 3),
                    cs(ContainerState::Waiting(""), true, 3),
                ],
            ),
        );
        test5.status.reason = Some("podReason");
        cases.push(Case {
            pod: test5,
            ready: "1/2",
            status: "podReason",
            restarts: 6,
        });
        // test6: one Completed, one running, without the Ready condition → NotReady
        let test6 = pod(
            "test6",
            0,
            2,
            status(
                Phase::Running,
                vec![
                    cs(terminated("Completed", 0), true, 3),
                    cs(running(), true, 3),
                ],
            ),
        );
        cases.push(Case {
            pod: test6.clone(),
            ready: "1/2",
            status: "NotReady",
            restarts: 6,
        });
        // test6 with the Ready condition → Running
        let mut test6_ready = test6;
        test6_ready.status.ready_since = Some(SimTime::ZERO);
        cases.push(Case {
            pod: test6_ready,
            ready: "1/2",
            status: "Running",
            restarts: 6,
        });
        // test16: Succeeded, Completed → Completed
        let test16 = pod(
            "test16",
            0,
            1,
            status(
                Phase::Succeeded,
                vec![cs(terminated("Completed", 0), false, 0)],
            ),
        );
        cases.push(Case {
            pod: test16.clone(),
            ready: "0/1",
            status: "Completed",
            restarts: 0,
        });
        // test17: Failed, Error exit 1 → Error
        cases.push(Case {
            pod: pod(
                "test17",
                0,
                1,
                status(Phase::Failed, vec![cs(terminated("Error", 1), false, 0)]),
            ),
            ready: "0/1",
            status: "Error",
            restarts: 0,
        });
        // test18: Succeeded with deletionTimestamp stays Completed (terminal phase)
        let mut test18 = test16;
        test18.meta.deleted = Some(SimTime(1));
        cases.push(Case {
            pod: test18,
            ready: "0/1",
            status: "Completed",
            restarts: 0,
        });
        // test19: Running with deletionTimestamp → Terminating
        let mut test19 = pod(
            "test19",
            0,
            1,
            status(Phase::Running, vec![cs(running(), false, 0)]),
        );
        test19.meta.deleted = Some(SimTime(1));
        cases.push(Case {
            pod: test19,
            ready: "0/1",
            status: "Terminating",
            restarts: 0,
        });
        // test20: Pending with deletionTimestamp → Terminating
        let mut test20 = pod("test20", 0, 1, status(Phase::Pending, vec![]));
        test20.meta.deleted = Some(SimTime(1));
        cases.push(Case {
            pod: test20,
            ready: "0/1",
            status: "Terminating",
            restarts: 0,
        });
        for c in &cases {
            let name = &c.pod.meta.name;
            assert_eq!(pod_ready_cell(&c.pod), c.ready, "{name}");
            assert_eq!(pod_status_cell(&c.pod), c.status, "{name}");
            assert_eq!(pod_restarts(&c.pod), c.restarts, "{name}");
        }
    }

    #[test]
    fn terminated_without_reason_prints_the_exit_code_and_node_lost_prints_unknown() {
        // reference §3.1 step 4 (no signal in the model) and step 5.
        let p = pod(
            "p",
            0,
            1,
            status(Phase::Running, vec![cs(terminated("", 137), false, 0)]),
        );
        assert_eq!(pod_status_cell(&p), "ExitCode:137");
        let mut lost = pod(
            "p",
            0,
            1,
            status(Phase::Running, vec![cs(running(), true, 0)]),
        );
        lost.status.reason = Some("NodeLost");
        lost.meta.deleted = Some(SimTime(1));
        assert_eq!(pod_status_cell(&lost), "Unknown");
    }

    #[test]
    fn node_status_reads_ready_and_appends_scheduling_disabled() {
        // reference §4 examples: Ready, Ready,SchedulingDisabled, NotReady.
        let mut n = node("n", true);
        assert_eq!(node_status_cell(&n), "Ready");
        n.unschedulable = true;
        assert_eq!(node_status_cell(&n), "Ready,SchedulingDisabled");
        n.conditions =
            crate::model::node::kubelet_conditions(false, crate::sim::time::SimTime::ZERO);
        assert_eq!(node_status_cell(&n), "NotReady,SchedulingDisabled");
        n.unschedulable = false;
        assert_eq!(node_status_cell(&n), "NotReady");
    }
}
