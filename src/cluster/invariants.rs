//! Invariants the simulation must never break, checked through the world's observer hook
//! after every event (`kubesim run --check-invariants`, and the property tests in
//! `tests/integration/invariants.rs`), plus "eventually" properties checked once a run has
//! settled.
//!
//! The properties are Kubernetes' own guarantees: the scheduler never binds a pod twice and
//! never overcommits a node (kube-scheduler's cache and NodeResourcesFit), the network
//! plugin's IPAM never hands one address to two live pods, the Deployment controller's
//! rolling update never raises its ReplicaSets above `replicas + maxSurge`
//! (`reconcileNewReplicaSet`, pkg/controller/deployment/rolling.go), and the garbage
//! collector leaves no dependent naming an owner that is gone (pkg/controller/
//! garbagecollector). [`Invariant::ALL`] is the one list; a new capability (node failures,
//! partitions, etcd faults, drains) adds its invariants there.
//!
//! Every check scans the whole state, so this is for small scenarios, never for scale runs.
//! Store-only checks are skipped for events that wrote nothing (the store's revision did not
//! move), which cannot hide a violation because nothing they read changed.

use crate::apiserver::{Op, Outcome, Propagation};
use crate::cluster::event::{AnyTimer, Event};
use crate::cluster::{Observer, World};
use crate::component::ComponentKind;
use crate::controllers::deployment::fenceposts;
use crate::controllers::deployment::{DeploymentTimer, Sync};
use crate::kubelet::{KubeletStep, Step};
use crate::model::kind::Kind;
use crate::model::meta::{Meta, ObjRef};
use crate::model::pod::Resources;
use crate::sim::queue::Scheduled;
use crate::sim::time::SimTime;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::Ipv4Addr;

/// One property of a run. Per-event invariants hold after every event; settled ones hold
/// once nothing is left in flight (the end of a run that left time to settle).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Invariant {
    /// Virtual time never goes back.
    TimeMonotonic,
    /// A pod is bound to one node for its whole life: once set, its node never changes.
    PodBoundOnce,
    /// The scheduler's cache agrees with the store: a bound, non-terminal pod is counted on
    /// the node it is bound to (never on another), and each node's totals are exactly the sum
    /// of the pods counted there, each once.
    SchedulerCache,
    /// No pod address is held by two pods at once (hostNetwork pods, which use their node's
    /// address, aside); a pod's address lies in its node's podCIDR (kubenet, Overlay) and is
    /// no node's address; a hostNetwork pod has its node's address. A pod stops holding its
    /// address when the kubelet tears its sandbox down (`ContainersStopped`), when its node's
    /// VM is deleted (the sandbox goes with the VM and Azure returns the VM's addresses to the
    /// subnet at once, though the pod object keeps `status.podIP` until the pod garbage
    /// collector removes it), or when it is gone.
    PodAddresses,
    /// A node never holds more bound, non-terminal pods than maxPods, nor more requests than
    /// its allocatable.
    NodeCapacity,
    /// A bound, non-terminal pod with a grace period leaves the store only through its
    /// kubelet's final delete, after the containers stopped: every other client's delete
    /// only sets the deletionTimestamp (graceful deletion, `BeforeDelete` in the API
    /// server's pod strategy).
    GracefulPodDeletion,
    /// What one Deployment sync decides never takes its ReplicaSets' total `spec.replicas`
    /// above `spec.replicas + maxSurge` (both as the sync read them): a sync that scales a
    /// ReplicaSet up ends at or below that bound, and any sync ends at or below
    /// `max(total before, bound)`. Observed when the sync's last scale or create request
    /// has returned, which is when all of its decisions have committed. Not checked at
    /// every instant: right after `kubectl scale` lowers a Deployment mid-rollout, the total
    /// is above the new bound until the controller syncs.
    DeploymentSurge,
    /// No ClusterIP, NodePort or load-balancer address is held by two Services.
    ServiceAddresses,
    /// Stored statuses are self-consistent: available ≤ ready ≤ replicas, updated ≤
    /// replicas, fullyLabeled ≤ replicas, observedGeneration ≤ generation; for a DaemonSet
    /// available ≤ ready ≤ current ≤ desired, updated ≤ current and unavailable = desired −
    /// available.
    StatusConsistent,
    /// The garbage collector never deletes an object that depended on an owner when the
    /// owner's deletion with `--cascade=orphan` committed: orphaning removes the reference
    /// instead. Other clients may still delete such an object (the ReplicaSet controller's
    /// scale-down requests sent before the deletion); a dependent created after that commit
    /// (a create already in flight) may be deleted by the GC once the owner is gone, as
    /// Kubernetes' GC does with a dangling reference; and an owner also deleted with another
    /// policy, before or after (the API server replaces the GC finalizers with the new
    /// policy's: `deletionFinalizersForGarbageCollection`), loses the protection.
    OrphansKept,
    /// Settled: every ownerReference names an existing owner with that uid — the garbage
    /// collector deleted the dependents of owners deleted in the background or foreground,
    /// and removed the references of owners deleted with `--cascade=orphan`.
    OwnersExist,
    /// Settled: no object is left with a deletionTimestamp (graceful pod deletion and
    /// foreground and orphan finalizers all finish).
    DeletionsFinish,
    /// Settled: each ReplicaSet and ReplicationController has `spec.replicas` active pods,
    /// and its status reports them (replicas, ready, available) at its current generation.
    ReplicaSetsSettled,
    /// Settled: each Deployment's status is the sum of its ReplicaSets' at its current
    /// generation, and available equals its available pods.
    DeploymentsSettled,
    /// Settled: each DaemonSet has one active pod meant for each node it should run on (two
    /// at most during a surge rollout) and none meant for other nodes, and its status is what
    /// `updateDaemonSetStatus` counts, at its current generation.
    DaemonSetsSettled,
    /// Settled: each Deployment's ReplicaSets total at most `spec.replicas + maxSurge`.
    /// Kubernetes gets there even when `kubectl scale` lowers a Deployment mid-rollout, by
    /// scaling every active ReplicaSet proportionally (`scale`, pkg/controller/deployment/
    /// sync.go); kubesim does not model proportional scaling yet, so a rollout stalled by
    /// unavailable new pods can stay above the bound.
    DeploymentSurgeSettled,
    /// Settled: the scheduler's cache holds exactly the bound, non-terminal pods (no
    /// assumption left over from a binding).
    SchedulerCacheSettled,
    /// Settled: every scenario step has returned (no `kubectl delete` left waiting for an
    /// object that is already gone or never goes).
    StepsFinish,
}

impl Invariant {
    /// Every invariant, per-event ones first.
    pub const ALL: [Invariant; 18] = [
        Invariant::TimeMonotonic,
        Invariant::PodBoundOnce,
        Invariant::SchedulerCache,
        Invariant::PodAddresses,
        Invariant::NodeCapacity,
        Invariant::GracefulPodDeletion,
        Invariant::DeploymentSurge,
        Invariant::ServiceAddresses,
        Invariant::StatusConsistent,
        Invariant::OrphansKept,
        Invariant::OwnersExist,
        Invariant::DeletionsFinish,
        Invariant::ReplicaSetsSettled,
        Invariant::DeploymentsSettled,
        Invariant::DaemonSetsSettled,
        Invariant::DeploymentSurgeSettled,
        Invariant::SchedulerCacheSettled,
        Invariant::StepsFinish,
    ];

    /// A short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Invariant::TimeMonotonic => "time-monotonic",
            Invariant::PodBoundOnce => "pod-bound-once",
            Invariant::SchedulerCache => "scheduler-cache",
            Invariant::PodAddresses => "pod-addresses",
            Invariant::NodeCapacity => "node-capacity",
            Invariant::GracefulPodDeletion => "graceful-pod-deletion",
            Invariant::DeploymentSurge => "deployment-surge",
            Invariant::ServiceAddresses => "service-addresses",
            Invariant::StatusConsistent => "status-consistent",
            Invariant::OwnersExist => "owners-exist",
            Invariant::OrphansKept => "orphans-kept",
            Invariant::DeletionsFinish => "deletions-finish",
            Invariant::ReplicaSetsSettled => "replicasets-settled",
            Invariant::DeploymentsSettled => "deployments-settled",
            Invariant::DaemonSetsSettled => "daemonsets-settled",
            Invariant::DeploymentSurgeSettled => "deployment-surge-settled",
            Invariant::SchedulerCacheSettled => "scheduler-cache-settled",
            Invariant::StepsFinish => "steps-finish",
        }
    }

    /// Whether it is checked after every event (otherwise once the run has settled).
    pub fn per_event(self) -> bool {
        match self {
            Invariant::TimeMonotonic
            | Invariant::PodBoundOnce
            | Invariant::SchedulerCache
            | Invariant::PodAddresses
            | Invariant::NodeCapacity
            | Invariant::GracefulPodDeletion
            | Invariant::DeploymentSurge
            | Invariant::ServiceAddresses
            | Invariant::StatusConsistent
            | Invariant::OrphansKept => true,
            Invariant::OwnersExist
            | Invariant::DeletionsFinish
            | Invariant::ReplicaSetsSettled
            | Invariant::DeploymentsSettled
            | Invariant::DaemonSetsSettled
            | Invariant::DeploymentSurgeSettled
            | Invariant::SchedulerCacheSettled
            | Invariant::StepsFinish => false,
        }
    }
}

/// A broken invariant: which, when, and what was seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The invariant.
    pub invariant: Invariant,
    /// Virtual time of the state that broke it.
    pub at: SimTime,
    /// The event after which it was seen (`None` for settled checks).
    pub event: Option<String>,
    /// What was wrong, naming the objects.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at t={}", self.invariant.name(), self.at.csv())?;
        if let Some(e) = &self.event {
            write!(f, " after {e}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// What a Deployment sync saw when it decided: `spec.replicas`, maxSurge and its
/// ReplicaSets' `spec.replicas`.
#[derive(Clone, Debug)]
struct SyncSeen {
    replicas: i32,
    surge: i32,
    before: BTreeMap<u32, i32>,
}

/// The state the checks keep between events.
#[derive(Debug, Default)]
pub struct Checker {
    last_time: SimTime,
    last_revision: Option<u64>,
    /// Pod uid → the node it was first seen bound to.
    bound: BTreeMap<u64, u32>,
    /// Pods whose sandbox the kubelet tore down (their address is free).
    torn_down: BTreeSet<u32>,
    /// Node id → its VM (pool index, VM index), kept after the Node leaves the store so a pod
    /// still bound to it can be told to have lost its sandbox with the VM.
    vms: BTreeMap<u32, (u32, u32)>,
    /// Bound, non-terminal pods with a grace period and their node, as of the last store check.
    graceful: BTreeMap<u32, u32>,
    /// Per Deployment, what its sync in progress saw.
    syncs: BTreeMap<u32, SyncSeen>,
    applied_seen: u64,
    /// uid → `kind ns/name` of objects that depended on an owner when its orphan deletion
    /// committed.
    orphaned: BTreeMap<u64, (u64, String)>,
    /// uids of owners whose orphan deletion was seen.
    orphaning: BTreeSet<u64>,
    /// uids of owners also deleted with another policy than orphan.
    superseded: BTreeSet<u64>,
    /// Violations found, in order (at most [`Checker::MAX_KEPT`]).
    pub violations: Vec<Violation>,
    /// How many violations were found in all.
    pub found: usize,
    /// How many subjects some invariants examined (Deployment syncs, pod addresses, cached
    /// pods, protected dependents): shows a campaign exercised them.
    pub examined: BTreeMap<Invariant, u64>,
}

impl Checker {
    /// Violations kept in full; later ones are only counted.
    pub const MAX_KEPT: usize = 20;

    /// A checker for a fresh run.
    pub fn new() -> Checker {
        Checker::default()
    }

    /// Runs every per-event invariant after `ev`; returns how many were broken by it.
    pub fn after_event(&mut self, w: &World, ev: &Scheduled<Event>) -> usize {
        let mut out: Vec<(Invariant, String)> = Vec::new();
        if w.now() < self.last_time {
            out.push((
                Invariant::TimeMonotonic,
                format!(
                    "virtual time went back from {} to {}",
                    self.last_time.csv(),
                    w.now().csv()
                ),
            ));
        }
        self.last_time = self.last_time.max(w.now());
        if let Event::Timer {
            timer:
                AnyTimer::Kubelet(Step {
                    pod,
                    step: KubeletStep::ContainersStopped,
                    ..
                }),
            ..
        } = ev.event
        {
            self.torn_down.insert(pod);
        }
        if let Event::Timer {
            timer: AnyTimer::Deployment(DeploymentTimer::Worker(Sync(key))),
            ..
        } = ev.event
        {
            self.record_sync(w, key);
        }
        if let Event::Commit(id) = ev.event {
            self.check_delete_commit(w, id, &mut out);
        }
        self.check_deployment_surge(w, &mut out);
        self.check_scheduler_cache(w, &mut out);
        if self.last_revision != Some(w.store.revision) {
            self.last_revision = Some(w.store.revision);
            self.check_pods_and_nodes(w, ev, &mut out);
            check_services(w, &mut out);
            check_statuses(w, &mut out);
            check_daemon_set_statuses(w, &mut out);
            self.record_orphans(w);
        }
        let n = out.len();
        let event = format!("event seq {} ({:?})", ev.seq, ev.event);
        for (invariant, message) in out {
            self.push(Violation {
                invariant,
                at: w.now(),
                event: Some(event.clone()),
                message,
            });
        }
        n
    }

    fn push(&mut self, v: Violation) {
        self.found += 1;
        if self.violations.len() < Checker::MAX_KEPT {
            self.violations.push(v);
        }
    }

    /// Runs the settled invariants on the final state; returns how many were broken.
    pub fn at_end(&mut self, w: &World) -> usize {
        let mut out: Vec<(Invariant, String)> = Vec::new();
        self.check_owners(w, &mut out);
        check_settled_workloads(w, &mut out);
        check_settled_daemon_sets(w, &mut out);
        // The scenario's own DaemonSets (AKS's system ones are checked too, but are always
        // there).
        let kube_system = w.store.find_ns("kube-system");
        let own = w
            .store
            .daemonsets
            .iter()
            .filter(|(_, d)| d.meta.namespace != kube_system)
            .count() as u64;
        *self
            .examined
            .entry(Invariant::DaemonSetsSettled)
            .or_default() += own;
        check_settled_cache(w, &mut out);
        for t in &w.terminals {
            let step = t.step();
            if t.exit_code().is_none() {
                out.push((
                    Invariant::StepsFinish,
                    format!(
                        "step {} (`{}` at t={}) never returned",
                        step.index,
                        step.command,
                        step.at.csv()
                    ),
                ));
            }
        }
        let n = out.len();
        for (invariant, message) in out {
            self.push(Violation {
                invariant,
                at: w.now(),
                event: None,
                message,
            });
        }
        n
    }

    fn record_sync(&mut self, w: &World, d: u32) {
        let Some(dep) = w.store.deployments.get(d) else {
            self.syncs.remove(&d);
            return;
        };
        let (surge, _) = fenceposts(&dep.spec.strategy, dep.spec.replicas);
        self.syncs.insert(
            d,
            SyncSeen {
                replicas: dep.spec.replicas,
                surge,
                before: owned_replica_sets(w, d),
            },
        );
    }

    /// The owner was (also) deleted with another policy than orphan: its dependents lose the
    /// orphan protection.
    fn supersede(&mut self, owner_uid: u64) {
        if self.superseded.insert(owner_uid) {
            self.orphaned.retain(|_, (owner, _)| *owner != owner_uid);
        }
    }

    fn check_delete_commit(&mut self, w: &World, id: u32, out: &mut Vec<(Invariant, String)>) {
        let Some(req) = w.api.request(id) else { return };
        if let Op::Delete {
            uid: Some(uid),
            propagation,
            ..
        } = &req.op
            && *propagation != Propagation::Orphan
            && matches!(req.outcome, Some(Outcome::Deleted(_)))
        {
            self.supersede(*uid);
        }
        if let (
            ComponentKind::GarbageCollector,
            Op::Delete {
                uid: Some(uid),
                target,
                ..
            },
            Some(Outcome::Deleted(_)),
        ) = (req.client.kind, &req.op, &req.outcome)
            && let Some((_, what)) = self.orphaned.get(uid)
        {
            out.push((
                Invariant::OrphansKept,
                format!(
                    "the garbage collector deleted {what} ({:?}), which depended on an owner deleted with --cascade=orphan",
                    target
                ),
            ));
        }
    }

    fn check_deployment_surge(&mut self, w: &World, out: &mut Vec<(Invariant, String)>) {
        let (serial, d) = w.components.deployments.applied_syncs();
        if serial == self.applied_seen {
            return;
        }
        self.applied_seen = serial;
        let Some(seen) = self.syncs.remove(&d) else {
            return;
        };
        self.examine(Invariant::DeploymentSurge, 1);
        let after = owned_replica_sets(w, d);
        let total_before: i32 = seen.before.values().sum();
        let total_after: i32 = after.values().sum();
        let bound = seen.replicas + seen.surge;
        let scaled_up = after
            .iter()
            .any(|(rs, n)| *n > seen.before.get(rs).copied().unwrap_or(0));
        let name = w.store.key(ObjRef {
            kind: Kind::Deployment,
            id: d,
        });
        if total_after > total_before.max(bound) || (scaled_up && total_after > bound) {
            out.push((
                Invariant::DeploymentSurge,
                format!(
                    "deployment {name}: a sync that read replicas {} (maxSurge {}) took its ReplicaSets from {total_before} {:?} to {total_after} {:?}",
                    seen.replicas, seen.surge, seen.before, after
                ),
            ));
        }
    }

    fn examine(&mut self, i: Invariant, n: u64) {
        *self.examined.entry(i).or_default() += n;
    }

    fn check_scheduler_cache(&mut self, w: &World, out: &mut Vec<(Invariant, String)>) {
        let mut sums: BTreeMap<u32, (u32, Resources)> = BTreeMap::new();
        let mut cached: BTreeMap<u32, u32> = BTreeMap::new();
        for (pod, node, req) in w.components.scheduler.cached_pods() {
            let e = sums.entry(node).or_default();
            e.0 += 1;
            e.1 = e.1.plus(req);
            cached.insert(pod, node);
            if let Some(p) = w.store.pods.get(pod)
                && let Some(bound) = p.node
                && bound != node
            {
                out.push((
                    Invariant::SchedulerCache,
                    format!(
                        "pod {} is bound to node {} but the scheduler counts it on node {}",
                        pod_name(w, pod),
                        node_name(w, bound),
                        node_name(w, node)
                    ),
                ));
            }
        }
        self.examine(Invariant::SchedulerCache, cached.len() as u64);
        for (id, node) in w.store.nodes.iter() {
            let usage = w.components.scheduler.node_usage(id);
            let (pods, req) = sums.get(&id).copied().unwrap_or_default();
            if usage.pods != pods || usage.requested != req {
                out.push((
                    Invariant::SchedulerCache,
                    format!(
                        "the scheduler's totals for node {} ({} pods, {:?}) differ from the {} pods it counts there ({:?})",
                        node.meta.name, usage.pods, usage.requested, pods, req
                    ),
                ));
            }
        }
        for (id, p) in w.store.pods.iter() {
            // Pods created with spec.nodeName bypass the scheduler, which learns of them
            // through its watch; every other bound pod was assumed before it was bound.
            let Some(node) = p.node else { continue };
            if p.is_terminal() || p.spec.node_name.is_some() {
                continue;
            }
            if cached.get(&id) != Some(&node) {
                out.push((
                    Invariant::SchedulerCache,
                    format!(
                        "pod {} is bound to node {} but the scheduler's cache does not count it there",
                        pod_name(w, id),
                        node_name(w, node)
                    ),
                ));
            }
        }
    }

    fn check_pods_and_nodes(
        &mut self,
        w: &World,
        ev: &Scheduled<Event>,
        out: &mut Vec<(Invariant, String)>,
    ) {
        let by_kubelet = match ev.event {
            Event::Commit(id) => w
                .api
                .request(id)
                .is_some_and(|r| r.client.kind == ComponentKind::Kubelet),
            _ => false,
        };
        let graceful: BTreeMap<u32, u32> = w
            .store
            .pods
            .iter()
            .filter(|(_, p)| !p.is_terminal() && p.spec.termination_grace_seconds > 0)
            .filter_map(|(id, p)| p.node.map(|n| (id, n)))
            .collect();
        // A pod whose node was deleted has no kubelet to finish it: the pod garbage
        // collector's `gcOrphaned` force-deletes it.
        for (gone, node) in self
            .graceful
            .iter()
            .filter(|(p, _)| !graceful.contains_key(p))
        {
            let orphaned = w.store.nodes.get(*node).is_none();
            if w.store.pods.get(*gone).is_none() && !by_kubelet && !orphaned {
                out.push((
                    Invariant::GracefulPodDeletion,
                    format!(
                        "bound pod #{gone} left the store without its kubelet's final delete (after {:?})",
                        ev.event
                    ),
                ));
            }
        }
        self.graceful = graceful;
        let node_ips: BTreeMap<Ipv4Addr, u32> = w
            .store
            .nodes
            .iter()
            .map(|(id, n)| (n.internal_ip, id))
            .collect();
        for (id, n) in w.store.nodes.iter() {
            self.vms.insert(id, (n.pool, n.vm));
        }
        let live_vms: BTreeSet<(u32, u32)> = w
            .azure
            .pools
            .iter()
            .flat_map(|p| p.instances.iter().map(move |i| (p.index, i.vm)))
            .collect();
        let mut per_node: BTreeMap<u32, (u32, Resources)> = BTreeMap::new();
        let mut holders: BTreeMap<Ipv4Addr, u32> = BTreeMap::new();
        for (id, p) in w.store.pods.iter() {
            if let Some(n) = p.node {
                let first = *self.bound.entry(p.meta.uid).or_insert(n);
                if first != n {
                    out.push((
                        Invariant::PodBoundOnce,
                        format!(
                            "pod {} was bound to node {} and is now bound to node {}",
                            pod_name(w, id),
                            node_name(w, first),
                            node_name(w, n)
                        ),
                    ));
                }
                if !p.is_terminal() {
                    let e = per_node.entry(n).or_default();
                    e.0 += 1;
                    e.1 = e.1.plus(p.spec.requests());
                }
            }
            let Some(ip) = p.status.pod_ip else { continue };
            let node = p.node.and_then(|n| w.store.nodes.get(n));
            if p.spec.host_network {
                if let Some(node) = node
                    && node.internal_ip != ip
                {
                    out.push((
                        Invariant::PodAddresses,
                        format!(
                            "hostNetwork pod {} has address {ip}, not its node {}'s {}",
                            pod_name(w, id),
                            node.meta.name,
                            node.internal_ip
                        ),
                    ));
                }
                continue;
            }
            let vm_gone = p
                .node
                .and_then(|n| self.vms.get(&n))
                .is_some_and(|vm| !live_vms.contains(vm));
            if p.is_terminal() || self.torn_down.contains(&id) || vm_gone {
                continue;
            }
            self.examine(Invariant::PodAddresses, 1);
            if let Some(other) = holders.insert(ip, id) {
                out.push((
                    Invariant::PodAddresses,
                    format!(
                        "pods {} and {} both hold {ip}",
                        pod_name(w, other),
                        pod_name(w, id)
                    ),
                ));
            }
            if let Some(n) = node_ips.get(&ip) {
                out.push((
                    Invariant::PodAddresses,
                    format!(
                        "pod {} holds {ip}, the address of node {}",
                        pod_name(w, id),
                        node_name(w, *n)
                    ),
                ));
            }
            if let Some(node) = node
                && let Some(cidr) = node.pod_cidr
                && !cidr.contains(&ip)
            {
                out.push((
                    Invariant::PodAddresses,
                    format!(
                        "pod {} on node {} holds {ip}, outside the node's podCIDR {cidr}",
                        pod_name(w, id),
                        node.meta.name
                    ),
                ));
            }
        }
        for (n, (pods, req)) in per_node {
            let Some(node) = w.store.nodes.get(n) else {
                continue;
            };
            if pods > node.max_pods {
                out.push((
                    Invariant::NodeCapacity,
                    format!(
                        "node {} holds {pods} pods, more than maxPods {}",
                        node.meta.name, node.max_pods
                    ),
                ));
            }
            if req.cpu_milli > node.allocatable.cpu_milli || req.memory > node.allocatable.memory {
                out.push((
                    Invariant::NodeCapacity,
                    format!(
                        "node {} holds requests of {}m CPU and {} bytes, beyond its allocatable {}m and {} bytes",
                        node.meta.name,
                        req.cpu_milli,
                        req.memory,
                        node.allocatable.cpu_milli,
                        node.allocatable.memory
                    ),
                ));
            }
        }
    }

    fn record_orphans(&mut self, w: &World) {
        let owners = w
            .store
            .deployments
            .iter()
            .map(|(id, d)| {
                (
                    ObjRef {
                        kind: Kind::Deployment,
                        id,
                    },
                    &d.meta,
                )
            })
            .chain(w.store.replicasets.iter().map(|(id, rs)| {
                (
                    ObjRef {
                        kind: w.store.rs_kind(id),
                        id,
                    },
                    &rs.meta,
                )
            }));
        for (owner, meta) in owners {
            if meta.deleted.is_some() && meta.foreground_deletion {
                self.supersede(meta.uid);
            }
            if meta.deleted.is_none()
                || !meta.orphan_finalizer
                || self.superseded.contains(&meta.uid)
                || !self.orphaning.insert(meta.uid)
            {
                continue;
            }
            for d in w.store.dependents_of(owner) {
                if let Some(m) = w.store.meta(*d) {
                    *self.examined.entry(Invariant::OrphansKept).or_default() += 1;
                    self.orphaned
                        .entry(m.uid)
                        .or_insert_with(|| (meta.uid, describe(w, *d)));
                }
            }
        }
    }

    fn check_owners(&self, w: &World, out: &mut Vec<(Invariant, String)>) {
        for (r, m) in all_metas(w) {
            for o in &m.owners {
                let ok = w.store.meta(o.owner).is_some_and(|om| om.uid == o.uid);
                if !ok {
                    out.push((
                        Invariant::OwnersExist,
                        format!(
                            "{} names owner {:?} (uid {}), which is gone",
                            describe(w, r),
                            o.owner,
                            o.uid
                        ),
                    ));
                }
            }
            if m.deleted.is_some() {
                out.push((
                    Invariant::DeletionsFinish,
                    format!(
                        "{} is still being deleted (since t={}; foreground {}, orphan {})",
                        describe(w, r),
                        m.deleted.unwrap_or_default().csv(),
                        m.foreground_deletion,
                        m.orphan_finalizer
                    ),
                ));
            }
        }
    }
}

/// An observer that records broken per-event invariants into `found` (the CLI's
/// `--check-invariants` prints them and exits 2: a broken invariant is a simulator bug).
pub fn observer(found: std::rc::Rc<std::cell::RefCell<Vec<Violation>>>) -> Observer {
    let mut checker = Checker::new();
    Box::new(move |w, ev| {
        if checker.after_event(w, ev) > 0
            && let Some(v) = checker.violations.pop()
        {
            found.borrow_mut().push(v);
        }
    })
}

fn pod_name(w: &World, id: u32) -> String {
    w.store.key(ObjRef {
        kind: Kind::Pod,
        id,
    })
}

fn node_name(w: &World, id: u32) -> String {
    w.store
        .nodes
        .get(id)
        .map(|n| n.meta.name.clone())
        .unwrap_or_else(|| format!("#{id}"))
}

fn describe(w: &World, r: ObjRef) -> String {
    format!("{} {}", r.kind.lower(), w.store.key(r))
}

/// `spec.replicas` of the ReplicaSets a Deployment controls, by id.
fn owned_replica_sets(w: &World, d: u32) -> BTreeMap<u32, i32> {
    let dref = ObjRef {
        kind: Kind::Deployment,
        id: d,
    };
    w.store
        .dependents_of(dref)
        .iter()
        .filter_map(|r| {
            let rs = w.store.replicasets.get(r.id)?;
            (r.kind == Kind::ReplicaSet && rs.meta.controller() == Some(dref))
                .then_some((r.id, rs.spec.replicas))
        })
        .collect()
}

/// Active pods a ReplicaSet (or RC) controls.
fn owned_pods(w: &World, rs: ObjRef) -> Vec<u32> {
    w.store
        .dependents_of(rs)
        .iter()
        .filter(|d| d.kind == Kind::Pod)
        .filter(|d| {
            w.store
                .pods
                .get(d.id)
                .is_some_and(|p| p.meta.controller() == Some(rs) && p.is_active())
        })
        .map(|d| d.id)
        .collect()
}

/// Every stored object's metadata that can carry ownerReferences or a deletionTimestamp,
/// kind by kind, in id order.
fn all_metas(w: &World) -> Vec<(ObjRef, &Meta)> {
    let s = &w.store;
    let r = |kind: Kind, id: u32| ObjRef { kind, id };
    let mut v: Vec<(ObjRef, &Meta)> = Vec::new();
    v.extend(s.pods.iter().map(|(id, o)| (r(Kind::Pod, id), &o.meta)));
    v.extend(
        s.replicasets
            .iter()
            .map(|(id, o)| (r(s.rs_kind(id), id), &o.meta)),
    );
    v.extend(
        s.deployments
            .iter()
            .map(|(id, o)| (r(Kind::Deployment, id), &o.meta)),
    );
    v.extend(
        s.services
            .iter()
            .map(|(id, o)| (r(Kind::Service, id), &o.meta)),
    );
    v.extend(
        s.daemonsets
            .iter()
            .map(|(id, o)| (r(Kind::DaemonSet, id), &o.meta)),
    );
    v
}

fn check_services(w: &World, out: &mut Vec<(Invariant, String)>) {
    let mut ips: BTreeMap<Ipv4Addr, String> = BTreeMap::new();
    let mut ports: BTreeMap<i32, String> = BTreeMap::new();
    for (id, s) in w.store.services.iter() {
        let name = w.store.key(ObjRef {
            kind: Kind::Service,
            id,
        });
        for ip in [s.cluster_ip, s.load_balancer_ip].into_iter().flatten() {
            if let Some(other) = ips.insert(ip, name.clone()) {
                out.push((
                    Invariant::ServiceAddresses,
                    format!("services {other} and {name} both hold {ip}"),
                ));
            }
        }
        for np in s.ports.iter().filter_map(|p| p.node_port) {
            if let Some(other) = ports.insert(np, name.clone()) {
                out.push((
                    Invariant::ServiceAddresses,
                    format!("services {other} and {name} both hold NodePort {np}"),
                ));
            }
        }
    }
}

fn check_statuses(w: &World, out: &mut Vec<(Invariant, String)>) {
    for (id, rs) in w.store.replicasets.iter() {
        let s = &rs.status;
        if !(0 <= s.available_replicas
            && s.available_replicas <= s.ready_replicas
            && s.ready_replicas <= s.replicas
            && s.fully_labeled_replicas <= s.replicas
            && s.observed_generation <= rs.meta.generation)
        {
            out.push((
                Invariant::StatusConsistent,
                format!(
                    "{} has status {s:?} at generation {}",
                    describe(
                        w,
                        ObjRef {
                            kind: w.store.rs_kind(id),
                            id
                        }
                    ),
                    rs.meta.generation
                ),
            ));
        }
    }
    for (id, d) in w.store.deployments.iter() {
        let s = &d.status;
        if !(0 <= s.available_replicas
            && s.available_replicas <= s.ready_replicas
            && s.ready_replicas <= s.replicas
            && s.updated_replicas <= s.replicas
            && s.unavailable_replicas >= 0
            && s.observed_generation <= d.meta.generation)
        {
            out.push((
                Invariant::StatusConsistent,
                format!(
                    "{} has status {s:?} at generation {}",
                    describe(
                        w,
                        ObjRef {
                            kind: Kind::Deployment,
                            id
                        }
                    ),
                    d.meta.generation
                ),
            ));
        }
    }
}

fn check_daemon_set_statuses(w: &World, out: &mut Vec<(Invariant, String)>) {
    for (id, d) in w.store.daemonsets.iter() {
        let s = &d.status;
        if !(0 <= s.number_available
            && s.number_available <= s.number_ready
            && s.number_ready <= s.current_number_scheduled
            && s.current_number_scheduled <= s.desired_number_scheduled
            && s.updated_number_scheduled <= s.current_number_scheduled
            && s.number_misscheduled >= 0
            && s.number_unavailable == s.desired_number_scheduled - s.number_available
            && s.observed_generation <= d.meta.generation)
        {
            let r = ObjRef {
                kind: Kind::DaemonSet,
                id,
            };
            out.push((
                Invariant::StatusConsistent,
                format!(
                    "{} has status {s:?} at generation {}",
                    describe(w, r),
                    d.meta.generation
                ),
            ));
        }
    }
}

fn check_settled_daemon_sets(w: &World, out: &mut Vec<(Invariant, String)>) {
    use crate::controllers::daemonset as dsc;
    for (id, d) in w.store.daemonsets.iter() {
        if d.meta.deleted.is_some() {
            continue;
        }
        let r = ObjRef {
            kind: Kind::DaemonSet,
            id,
        };
        let spec = dsc::daemon_pod_spec(&d.spec.template.spec);
        let surge = matches!(
            d.spec.strategy,
            crate::model::service::DaemonSetStrategy::RollingUpdate { max_surge, .. }
                if max_surge.scaled(1, true) != 0
        );
        let mut per_node: BTreeMap<u32, usize> = BTreeMap::new();
        for p in owned_pods(w, r) {
            let Some(pod) = w.store.pods.get(p) else {
                continue;
            };
            if !pod.is_active() {
                continue;
            }
            let target = pod.node.or_else(|| {
                pod.spec
                    .required_node_name
                    .as_ref()
                    .and_then(|n| w.store.lookup(Kind::Node, None, n))
            });
            *per_node.entry(target.unwrap_or(u32::MAX)).or_default() += 1;
        }
        for (nid, node) in w.store.nodes.iter() {
            let want = dsc::node_should_run(node, &spec).0;
            let have = per_node.remove(&nid).unwrap_or(0);
            let ok = if want {
                have == 1 || (surge && have == 2)
            } else {
                have == 0
            };
            if !ok {
                out.push((
                    Invariant::DaemonSetsSettled,
                    format!(
                        "{} should{} run on {} and has {have} active pods there",
                        describe(w, r),
                        if want { "" } else { " not" },
                        node_name(w, nid)
                    ),
                ));
            }
        }
        if !per_node.is_empty() {
            out.push((
                Invariant::DaemonSetsSettled,
                format!(
                    "{} has active pods meant for no existing node: {per_node:?}",
                    describe(w, r)
                ),
            ));
        }
        let counted = dsc::calculate_status(&w.store, id, w.now());
        if d.status != counted {
            out.push((
                Invariant::DaemonSetsSettled,
                format!(
                    "{} at generation {} has status {:?}; its pods count {counted:?}",
                    describe(w, r),
                    d.meta.generation,
                    d.status
                ),
            ));
        }
    }
}

fn check_settled_workloads(w: &World, out: &mut Vec<(Invariant, String)>) {
    let now = w.now();
    for (id, rs) in w.store.replicasets.iter() {
        let r = ObjRef {
            kind: w.store.rs_kind(id),
            id,
        };
        if rs.meta.deleted.is_some() {
            continue;
        }
        let pods = owned_pods(w, r);
        let ready = pods
            .iter()
            .filter(|p| w.store.pods.get(**p).is_some_and(|p| p.is_ready()))
            .count() as i32;
        let available = pods
            .iter()
            .filter(|p| {
                w.store
                    .pods
                    .get(**p)
                    .is_some_and(|p| p.is_available(rs.spec.min_ready_seconds, now))
            })
            .count() as i32;
        let n = pods.len() as i32;
        let s = &rs.status;
        if n != rs.spec.replicas
            || s.replicas != n
            || s.ready_replicas != ready
            || s.available_replicas != available
            || s.observed_generation != rs.meta.generation
        {
            out.push((
                Invariant::ReplicaSetsSettled,
                format!(
                    "{} wants {} replicas at generation {} and has {n} active pods ({ready} ready, {available} available) but its status is {s:?}",
                    describe(w, r),
                    rs.spec.replicas,
                    rs.meta.generation
                ),
            ));
        }
    }
    for (id, d) in w.store.deployments.iter() {
        if d.meta.deleted.is_some() {
            continue;
        }
        let owned = owned_replica_sets(w, id);
        let (mut replicas, mut available, mut pods_available) = (0, 0, 0);
        for rs_id in owned.keys() {
            let Some(rs) = w.store.replicasets.get(*rs_id) else {
                continue;
            };
            replicas += rs.status.replicas;
            available += rs.status.available_replicas;
            pods_available += owned_pods(
                w,
                ObjRef {
                    kind: Kind::ReplicaSet,
                    id: *rs_id,
                },
            )
            .iter()
            .filter(|p| {
                w.store
                    .pods
                    .get(**p)
                    .is_some_and(|p| p.is_available(rs.spec.min_ready_seconds, now))
            })
            .count() as i32;
        }
        let (surge, _) = fenceposts(&d.spec.strategy, d.spec.replicas);
        let total: i32 = owned.values().sum();
        let s = &d.status;
        let name = describe(
            w,
            ObjRef {
                kind: Kind::Deployment,
                id,
            },
        );
        if s.observed_generation != d.meta.generation
            || s.replicas != replicas
            || s.available_replicas != available
            || available != pods_available
        {
            out.push((
                Invariant::DeploymentsSettled,
                format!(
                    "{name} at generation {} has status {s:?}; its ReplicaSets report {replicas} replicas and {available} available, and {pods_available} of their pods are available",
                    d.meta.generation
                ),
            ));
        }
        // maxSurge bounds rolling updates only. A Deployment switched to Recreate in the middle
        // of a rollout keeps its active ReplicaSets as they are: `scale()` (sync.go) leaves
        // several active ReplicaSets alone unless the strategy is RollingUpdate.
        let rolling = matches!(
            d.spec.strategy,
            crate::model::workload::Strategy::RollingUpdate { .. }
        );
        if rolling && total > d.spec.replicas + surge {
            out.push((
                Invariant::DeploymentSurgeSettled,
                format!(
                    "{name} wants {} replicas (maxSurge {surge}) but its ReplicaSets total {total}: {owned:?}",
                    d.spec.replicas
                ),
            ));
        }
    }
}

fn check_settled_cache(w: &World, out: &mut Vec<(Invariant, String)>) {
    for (pod, node, _) in w.components.scheduler.cached_pods() {
        let ok = w
            .store
            .pods
            .get(pod)
            .is_some_and(|p| p.node == Some(node) && !p.is_terminal());
        if !ok {
            out.push((
                Invariant::SchedulerCacheSettled,
                format!(
                    "the scheduler still counts pod #{pod} on node {}, where no such live pod is bound",
                    node_name(w, node)
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::time::SimTime;

    /// Two nodes with AKS's system pods and a 4-replica Deployment, run for a minute.
    fn settled_world() -> World {
        settled_world_with("kubenet")
    }

    /// A run of four web pods on two nodes with the network plugin `plugin`, settled.
    fn settled_world_with(plugin: &str) -> World {
        let text = "name: t\nduration: 1m\ncluster:\n  networkPlugin: PLUGIN\n  nodePools:\n  - name: pool1\n    count: 2\nsteps:\n- at: 1s\n  apply: |\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: web}\n    spec:\n      replicas: 4\n      selector: {matchLabels: {app: web}}\n      template:\n        metadata: {labels: {app: web}}\n        spec: {containers: [{name: c, image: \"nginx:1.25\"}]}\n";
        let mut w = crate::cluster::test_world(&text.replace("PLUGIN", plugin));
        w.run();
        w
    }

    fn event() -> Scheduled<Event> {
        Scheduled {
            time: SimTime(60_000_000),
            seq: 1,
            cause: 0,
            event: Event::ExpectEdge(0),
        }
    }

    fn broken(c: &Checker) -> Vec<Invariant> {
        c.violations.iter().map(|v| v.invariant).collect()
    }

    /// Ids of the Deployment's running pods (they have addresses by now).
    fn web_pods(w: &World) -> Vec<u32> {
        w.store
            .pods
            .iter()
            .filter(|(_, p)| p.meta.name.starts_with("web-") && p.status.pod_ip.is_some())
            .map(|(id, _)| id)
            .collect()
    }

    #[test]
    fn a_settled_run_breaks_nothing() {
        let w = settled_world();
        let mut c = Checker::new();
        assert_eq!(c.after_event(&w, &event()), 0, "{:?}", c.violations);
        assert_eq!(c.at_end(&w), 0, "{:?}", c.violations);
        assert_eq!(web_pods(&w).len(), 4);
    }

    #[test]
    fn two_live_pods_with_one_address_are_caught() {
        let mut w = settled_world();
        let pods = web_pods(&w);
        let ip = w.store.pods.get(pods[0]).and_then(|p| p.status.pod_ip);
        if let Some(p) = w.store.pods.get_mut(pods[1]) {
            p.status.pod_ip = ip;
        }
        let mut c = Checker::new();
        c.after_event(&w, &event());
        assert!(
            broken(&c).contains(&Invariant::PodAddresses),
            "{:?}",
            c.violations
        );
    }

    /// A pod whose node's VM was deleted no longer has a sandbox: Azure CNI may hand its
    /// address to a pod on another VM while the stale pod object, still bound and not yet
    /// collected by the pod garbage collector (`gcOrphaned`), shows the old `status.podIP`.
    #[test]
    fn the_address_of_a_pod_whose_vm_was_deleted_is_free() {
        let mut w = settled_world_with("azure");
        let mut c = Checker::new();
        c.after_event(&w, &event());
        let pods = web_pods(&w);
        let gone = pods[0];
        let (node, ip) = w
            .store
            .pods
            .get(gone)
            .map(|p| (p.node, p.status.pod_ip))
            .unwrap_or_default();
        let Some((pool, vm)) = node
            .and_then(|n| w.store.nodes.get(n))
            .map(|n| (n.pool, n.vm))
        else {
            panic!("pod {gone} is bound to a node");
        };
        w.azure.delete_vm(pool, vm);
        let other = pods
            .iter()
            .copied()
            .find(|id| w.store.pods.get(*id).is_some_and(|p| p.node != node));
        if let Some(p) = other.and_then(|id| w.store.pods.get_mut(id)) {
            p.status.pod_ip = ip;
        }
        w.store.revision += 1;
        c.after_event(&w, &event());
        assert!(other.is_some(), "the pods are spread over both nodes");
        assert_eq!(c.violations, vec![]);
    }

    #[test]
    fn a_node_over_its_max_pods_is_caught() {
        let mut w = settled_world();
        if let Some(n) = w.store.nodes.get_mut(0) {
            n.max_pods = 1;
        }
        let mut c = Checker::new();
        c.after_event(&w, &event());
        assert_eq!(broken(&c), vec![Invariant::NodeCapacity]);
    }

    #[test]
    fn a_pod_moved_to_another_node_is_caught_by_the_store_and_the_cache_checks() {
        let mut w = settled_world();
        let mut c = Checker::new();
        c.after_event(&w, &event());
        let pod = web_pods(&w)[0];
        if let Some(p) = w.store.pods.get_mut(pod) {
            p.node = p.node.map(|n| 1 - n);
        }
        w.store.revision += 1;
        c.after_event(&w, &event());
        let got = broken(&c);
        assert!(got.contains(&Invariant::PodBoundOnce), "{got:?}");
        assert!(got.contains(&Invariant::SchedulerCache), "{got:?}");
    }

    #[test]
    fn a_reference_to_a_missing_owner_is_caught_once_settled() {
        let mut w = settled_world();
        let pod = web_pods(&w)[0];
        if let Some(p) = w.store.pods.get_mut(pod) {
            for o in &mut p.meta.owners {
                o.uid += 1_000_000;
            }
        }
        let mut c = Checker::new();
        c.at_end(&w);
        let got = broken(&c);
        assert!(got.contains(&Invariant::OwnersExist), "{got:?}");
    }

    #[test]
    fn the_list_has_per_event_invariants_first_and_unique_names() {
        let split = Invariant::ALL
            .iter()
            .position(|i| !i.per_event())
            .unwrap_or(Invariant::ALL.len());
        assert!(Invariant::ALL[split..].iter().all(|i| !i.per_event()));
        let names: BTreeSet<&str> = Invariant::ALL.iter().map(|i| i.name()).collect();
        assert_eq!(names.len(), Invariant::ALL.len(), "names are unique");
    }
}
