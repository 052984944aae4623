//! kube-apiserver and its etcd store: the request path every component goes through.
//!
//! A request leaves its client when the client's token bucket allows it (controller
//! manager 20/30, scheduler 50/100, kubelet 50/100: the components' documented defaults,
//! listed in [`crate::component`]'s table), spends its verb's `apiserver.get`, `.list`,
//! `.create`, `.update`, `.patch` or `.delete` (each `apiserver.request` unless a scenario sets
//! it) in the server (authentication, admission, validation, defaulting)
//! and `etcd.write` plus `etcd.peerRoundTrip` (or `etcd.read`) in etcd, and commits: the
//! store changes, the resourceVersion moves, and watch events go out to every informer
//! after `watch.delivery`. The response reaches the client in the same instant as the
//! commit.
//!
//! The control plane can fail ([`endpoints`], [`crate::etcd::raft`]): a client of a failed
//! replica reconnects to another; with none up, kubectl is refused and components wait.
//! A request reaching etcd during an election waits for the new leader; without a quorum it
//! fails after `etcd.requestTimeout` for kubectl and is retried then for a component.
//!
//! Simplifications (documented in README): authentication and authorization always allow
//! (the request carries its user for later RBAC work); kubectl's network round trip is
//! added to the request leg; `kubectl apply` is one request (its GET and PATCH are folded);
//! components read the committed store when their informer is notified rather than a
//! lagged cache of their own; Events are written without going through etcd or a rate
//! limiter.

pub mod admission;
pub mod endpoints;
pub mod eviction;
pub mod flowcontrol;
pub mod nodestatus;
pub mod patch;
pub mod podspecs;
pub mod priority;
pub mod ratelimit;
pub mod watch;

use crate::apiserver::endpoints::Endpoints;
use crate::apiserver::flowcontrol::{Admit, FlowControl, PriorityLevel};
use crate::apiserver::ratelimit::TokenBucket;
use crate::apiserver::watch::{Delivery, Watches};
use crate::component::ComponentId;
use crate::etcd::Store;
use crate::etcd::raft::{Gate, RaftGroup};
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
pub use crate::model::request::{ApiError, Op, Outcome, Propagation, Verb};
use crate::network::{NodePortAllocator, PublicIpAllocator, ServiceIpAllocator};
use crate::sim::rng::Streams;
use crate::sim::time::{SimDuration, SimTime};
use crate::sim::timing::{Distribution, TimingName, Timings};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A request in flight, carrying the sender's tag back with the response.
#[derive(Clone, Debug)]
pub struct Request<T> {
    /// Sender.
    pub client: ComponentId,
    /// What it asks.
    pub op: Op,
    /// The sender's context, returned with the response.
    pub tag: T,
    /// The result, once committed.
    pub outcome: Option<Outcome>,
}

/// What the API server allocates on behalf of objects: ClusterIPs, NodePorts, generated
/// names, and the admitted pod specs the pods of a template share.
pub struct Allocators {
    /// ClusterIP allocator.
    pub service_ips: ServiceIpAllocator,
    /// NodePort allocator.
    pub node_ports: NodePortAllocator,
    /// Pod specs after the mutating admission plugins, shared between the pods of a template.
    pub pod_specs: podspecs::AdmittedSpecs,
    generated: BTreeMap<String, u32>,
}

/// The API server's state: requests in flight, client rate limiters, allocators, watches,
/// its replicas and the etcd cluster behind them.
pub struct ApiServer<T> {
    requests: Vec<Option<Request<T>>>,
    free: Vec<u32>,
    limiters: BTreeMap<ComponentId, TokenBucket>,
    /// Per client and object: requests sent so far, and when its last write commits.
    per_object: HashMap<u64, (u32, SimTime)>,
    /// Allocators.
    pub alloc: Allocators,
    /// Watches registered at run time (a terminal waiting for a deletion).
    pub watches: Watches,
    /// etcd's members and Raft state.
    pub etcd: RaftGroup,
    /// The API server replicas and the clients' connections.
    pub endpoints: Endpoints,
    /// Components' requests waiting for any replica to come back, in the order sent.
    parked: Vec<u32>,
    /// Watch events for clients that have no connection while every replica is down.
    parked_deliveries: Vec<Delivery>,
    /// Requests whose sender is gone (a restarted process): their responses are dropped.
    abandoned: BTreeSet<u32>,
    /// API Priority and Fairness: the seats and queues of the priority levels.
    flow: FlowControl,
    /// Each request's flow-control state, by request id.
    held: Vec<Held>,
    /// Per client and existing object, the write outstanding and the later ones waiting
    /// behind it (looked up, never iterated).
    behind: HashMap<u64, (u32, std::collections::VecDeque<u32>)>,
    /// Client-side limits that replace a component's default (`controlPlane`'s
    /// `controllerManagerQps`), by component kind.
    client_limits: BTreeMap<crate::component::ComponentKind, (u32, u32)>,
}

/// A request's place in flow control: its level and flow (none when exempt), the server
/// time it spends once it has a seat, and whether it holds one or waits in a queue.
#[derive(Clone, Copy, Debug, Default)]
struct Held {
    class: Option<(PriorityLevel, u64)>,
    service: SimDuration,
    /// The client-and-object key of a write, whose commits keep their order.
    order: Option<u64>,
    /// The same for a write to an existing object (not a create, whose objects are new):
    /// one such write at a time reaches flow control, the next when it is answered.
    same_object: Option<u64>,
    /// When it reached the server (a write waiting behind another goes on from there).
    arrived: SimTime,
    queue: Option<u16>,
    seated: bool,
}

/// Where a submitted request goes next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dispatch {
    /// It reaches etcd at this instant.
    Commit(SimTime),
    /// It already has its outcome (refused); the response arrives at this instant.
    Respond(SimTime),
    /// No API server is up: it waits for one ([`ApiServer::unpark`]).
    Parked,
    /// It reaches the API server's flow control at this instant ([`ApiServer::admit`]):
    /// after its client's rate limit, or a 429's `Retry-After`.
    Admit(SimTime),
    /// It waits for a seat; if it still waits at this instant it is rejected
    /// ([`ApiServer::expire`]).
    Queued(SimTime),
    /// It waits for its client's earlier write to the same object to be answered
    /// ([`ApiServer::release`] sends it on).
    Behind,
}

/// What a request reaching etcd meets ([`ApiServer::arrive`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrival {
    /// etcd has a leader: apply it now.
    Apply,
    /// It waits (for an election to end, or, for a component, its retry after a timeout)
    /// and reaches etcd again at this instant.
    RetryAt(SimTime),
    /// It failed with etcd's timeout; the response arrives at this instant.
    FailAt(SimTime),
}

/// etcd's `ErrTimeout` as kube-apiserver passes it on: not a `metav1.Status`, so its reason
/// is empty and kubectl prints `Error from server: etcdserver: request timed out`
/// (apiserver `ErrorToAPIStatus`; kubectl `StandardErrorMessage`).
pub fn etcd_timeout() -> ApiError {
    ApiError {
        reason: "",
        message: "etcdserver: request timed out".into(),
    }
}

impl<T> ApiServer<T> {
    /// An API server with one replica at `kubernetes:443` and one etcd member, for a cluster
    /// with this service range ([`ApiServer::with_control_plane`] sizes it).
    pub fn new(service_ips: ServiceIpAllocator) -> ApiServer<T> {
        ApiServer {
            requests: Vec::new(),
            free: Vec::new(),
            limiters: BTreeMap::new(),
            per_object: HashMap::new(),
            alloc: Allocators {
                service_ips,
                node_ports: NodePortAllocator::new(),
                pod_specs: Default::default(),
                generated: BTreeMap::new(),
            },
            watches: Watches::default(),
            etcd: RaftGroup::new(1),
            endpoints: Endpoints::new(1, "kubernetes:443".into()),
            parked: Vec::new(),
            parked_deliveries: Vec::new(),
            abandoned: BTreeSet::new(),
            flow: FlowControl::new(400, 200),
            held: Vec::new(),
            behind: HashMap::new(),
            client_limits: BTreeMap::new(),
        }
    }

    /// Sets kube-apiserver's `--max-requests-inflight` and `--max-mutating-requests-inflight`
    /// (400 and 200), whose sum API Priority and Fairness shares out, and the controller
    /// manager's client QPS and burst (`--kube-api-qps`, `--kube-api-burst`; 20 and 30) and
    /// the scheduler's (`clientConnection.qps`, `.burst`; 50 and 100). Large clusters raise
    /// both: Kubernetes' own 5,000-node tests run both at 100/100.
    pub fn with_limits(
        mut self,
        inflight: (u32, u32),
        controller_manager: (u32, u32),
        scheduler: (u32, u32),
    ) -> Self {
        self.flow = FlowControl::new(inflight.0, inflight.1);
        if controller_manager != (20, 30) {
            for kind in crate::component::ComponentKind::ALL {
                if kind.info().client == Some((20, 30)) {
                    self.client_limits.insert(kind, controller_manager);
                }
            }
        }
        let sched = crate::component::ComponentKind::Scheduler;
        if Some(scheduler) != sched.info().client {
            self.client_limits.insert(sched, scheduler);
        }
        self
    }

    /// Each priority level's figures so far (summary.json's `flow_control`).
    pub fn flow_stats(&self) -> Vec<flowcontrol::LevelStats> {
        self.flow.stats()
    }

    /// Sizes the control plane: `etcd` members and these API server replicas.
    pub fn with_control_plane(mut self, etcd: RaftGroup, endpoints: Endpoints) -> ApiServer<T> {
        self.etcd = etcd;
        self.endpoints = endpoints;
        self
    }

    /// The request with this id.
    pub fn request(&self, id: u32) -> Option<&Request<T>> {
        self.requests.get(id as usize).and_then(|r| r.as_ref())
    }

    /// How many requests this client has sent about this object before: keys the latency
    /// draws to the object's own history. The map is only looked up, never iterated, so its
    /// hashing cannot reach the output.
    fn next_request_index(&mut self, client: &str, key: &str) -> (u64, u32) {
        let h = crate::sim::rng::fnv1a_64(&[client.as_bytes(), key.as_bytes()]);
        let n = &mut self.per_object.entry(h).or_insert((0, SimTime::ZERO)).0;
        *n += 1;
        (h, *n)
    }

    /// A client's writes to one object commit in the order it sent them: the kubelet's
    /// status manager, a controller's sync and kubectl each wait for one write before
    /// the next, so a later write never lands under an earlier one (a Kubelet `Running`
    /// status committing after its terminal one would resurrect the pod). The latency
    /// draws are independent, so the later write waits for the earlier one's commit.
    fn in_order(&mut self, h: u64, at: SimTime) -> SimTime {
        let last = &mut self.per_object.entry(h).or_insert((0, SimTime::ZERO)).1;
        *last = (*last).max(at);
        *last
    }

    /// Accepts a request: returns its id and where it goes. It leaves after the client's
    /// rate limit (the component table's QPS and burst) once its connection works, spends
    /// its verb's `apiserver.<verb>` (by default `apiserver.request`) and then `etcd.read`,
    /// or for a write `etcd.write` plus `etcd.peerRoundTrip` when etcd has followers, plus
    /// kubectl's round trip for a
    /// terminal. With no API server up, a terminal's request is refused and a component's
    /// is parked. `key` names the object for the random streams.
    pub fn submit(
        &mut self,
        now: SimTime,
        random: (&Streams, &Timings),
        mut request: Request<T>,
        key: &str,
    ) -> (u32, Dispatch) {
        let (streams, timings) = random;
        let client = request.client;
        let cname = client.client_name();
        let (h, nth) = self.next_request_index(&cname, key);
        let purpose = format!("{}:{nth}", op_name(&request.op));
        let sample = |name: TimingName| {
            let mut rng = streams.stream(&cname, key, &purpose);
            timings.get(name).sample(&mut rng)
        };
        let terminal = client.kind == crate::component::ComponentKind::Terminal;
        let mut delay = sample(verb_timing(request.op.verb()));
        if request.op.is_read() {
            delay = delay + sample(TimingName::EtcdRead);
        } else {
            let append = timings.get(TimingName::EtcdWrite);
            let quorum = timings.get(TimingName::EtcdPeerRoundTrip);
            let mut rng = streams.stream(&cname, key, &purpose);
            let commit = if self.etcd.replicates() {
                Distribution::sample_sum(&[append, quorum], &mut rng)
            } else {
                Distribution::sample_sum(&[append], &mut rng)
            };
            delay = delay + commit;
        }
        if terminal {
            delay = delay + sample(TimingName::KubectlRoundTrip);
        }
        let limit = self
            .client_limits
            .get(&client.kind)
            .copied()
            .or(client.kind.info().client);
        let send = match limit {
            Some((qps, burst)) => self
                .limiters
                .entry(client)
                .or_insert_with(|| TokenBucket::new(u64::from(qps), u64::from(burst)))
                .reserve(now),
            None => now,
        };
        let ready = self.endpoints.ready_at(client, send);
        if ready.is_none() && terminal {
            request.outcome = Some(Outcome::Unreachable(self.endpoints.host().to_string()));
        }
        let read = request.op.is_read();
        let create = matches!(request.op, Op::Create { .. });
        let class = FlowControl::classify(client, &cname, &request.op, key);
        let id = self.insert(request);
        let dispatch = match ready {
            Some(at) if class.is_some() => {
                let same_object = (!read && !create).then_some(h);
                self.held[id as usize] = Held {
                    class,
                    service: delay,
                    order: (!read).then_some(h),
                    same_object,
                    arrived: at,
                    ..Held::default()
                };
                let first = match same_object {
                    Some(h) => match self.behind.get_mut(&h) {
                        Some((_, waiting)) => {
                            waiting.push_back(id);
                            false
                        }
                        None => {
                            self.behind.insert(h, (id, Default::default()));
                            true
                        }
                    },
                    None => true,
                };
                match (first, at == now) {
                    (false, _) => Dispatch::Behind,
                    (true, true) => self.admit(id, now),
                    (true, false) => Dispatch::Admit(at),
                }
            }
            Some(at) if read => Dispatch::Commit(at + delay),
            Some(at) => Dispatch::Commit(self.in_order(h, at + delay)),
            None if terminal => Dispatch::Respond(send + sample(TimingName::KubectlRoundTrip)),
            None => {
                self.parked.push(id);
                Dispatch::Parked
            }
        };
        (id, dispatch)
    }

    fn insert(&mut self, request: Request<T>) -> u32 {
        match self.free.pop() {
            Some(i) => {
                self.requests[i as usize] = Some(request);
                self.held[i as usize] = Held::default();
                i
            }
            None => {
                self.requests.push(Some(request));
                self.held.push(Held::default());
                (self.requests.len() - 1) as u32
            }
        }
    }

    /// The request reaches flow control at `now`: it executes (reaching etcd after its
    /// server time), waits for a seat, or is rejected with 429 and sent again after
    /// `Retry-After` (client-go's retry).
    pub fn admit(&mut self, id: u32, now: SimTime) -> Dispatch {
        let Some(held) = self.held.get(id as usize).copied() else {
            return Dispatch::Commit(now);
        };
        let Some((level, flow)) = held.class else {
            return Dispatch::Commit(now);
        };
        match self.flow.admit(level, flow, id, now) {
            Admit::Execute => Dispatch::Commit(self.seat(id, now)),
            Admit::Queued(q, until) => {
                self.held[id as usize].queue = Some(q);
                Dispatch::Queued(until)
            }
            Admit::Reject => Dispatch::Admit(now + flowcontrol::RETRY_AFTER),
        }
    }

    /// The request takes its seat at `now`: when it reaches etcd.
    fn seat(&mut self, id: u32, now: SimTime) -> SimTime {
        let held = &mut self.held[id as usize];
        held.seated = true;
        held.queue = None;
        let (service, order) = (held.service, held.order);
        match order {
            Some(h) => self.in_order(h, now + service),
            None => now + service,
        }
    }

    /// The request's queue wait ran out at `now`: if it still waits, it is rejected with 429
    /// and its client sends it again after `Retry-After`.
    pub fn expire(&mut self, id: u32, now: SimTime) -> Option<SimTime> {
        let held = self.held.get(id as usize).copied()?;
        let ((level, _), q) = (held.class?, held.queue?);
        if !self.flow.expire(level, q, id, now) {
            return None;
        }
        self.held[id as usize].queue = None;
        Some(now + flowcontrol::RETRY_AFTER)
    }

    /// The response leaves at `now`: the request's seat goes to the next request waiting
    /// at its level (it reaches etcd at the instant returned), and the client's next write
    /// to the same object, if one waits behind it, reaches flow control.
    pub fn release(&mut self, id: u32, now: SimTime) -> [Option<(u32, Dispatch)>; 2] {
        let Some(held) = self.held.get_mut(id as usize) else {
            return [None, None];
        };
        let seated = std::mem::take(&mut held.seated);
        let held = *held;
        let next_seat = match held.class {
            Some((level, _)) if seated => self
                .flow
                .finish(level, now)
                .map(|next| (next, Dispatch::Commit(self.seat(next, now)))),
            _ => None,
        };
        let next_write = held.same_object.and_then(|h| {
            let (head, waiting) = self.behind.get_mut(&h)?;
            if *head != id {
                return None;
            }
            match waiting.pop_front() {
                Some(next) => {
                    *head = next;
                    let at = self.held[next as usize].arrived.max(now);
                    Some((next, Dispatch::Admit(at)))
                }
                None => {
                    self.behind.remove(&h);
                    None
                }
            }
        });
        [next_seat, next_write]
    }

    /// When a watch event reaches its component: after the component's reconnect if its
    /// connection broke; `None` if it is parked until an API server is back.
    pub fn route_delivery(&mut self, d: Delivery) -> Option<Delivery> {
        match self.endpoints.watch_ready(d.to, d.at) {
            Some(at) => Some(Delivery { at, ..d }),
            None => {
                self.parked_deliveries.push(d);
                None
            }
        }
    }

    /// An API server is back: the parked requests, in the order they were sent, with the
    /// instant each reaches etcd (after its client's reconnect, which stands for the server's
    /// time too), and the
    /// parked watch events with the instant each is delivered (its watcher's reconnect).
    pub fn unpark(
        &mut self,
        now: SimTime,
        random: (&Streams, &Timings),
    ) -> (Vec<(u32, SimTime)>, Vec<Delivery>) {
        let (streams, timings) = random;
        let reconnect = |client: ComponentId, purpose: &str| {
            let mut rng = streams.stream(&client.client_name(), "reconnect", purpose);
            timings.get(TimingName::ApiserverReconnect).sample(&mut rng)
        };
        let parked = std::mem::take(&mut self.parked);
        let mut requests = Vec::with_capacity(parked.len());
        for id in parked {
            let Some(client) = self.request(id).map(|r| r.client) else {
                continue;
            };
            let purpose = format!("unpark:{id}:{}", now.as_micros());
            let at =
                self.endpoints.ready_at(client, now).unwrap_or(now) + reconnect(client, &purpose);
            requests.push((id, at));
        }
        let deliveries = std::mem::take(&mut self.parked_deliveries)
            .into_iter()
            .map(|d| Delivery {
                at: now + reconnect(d.to, &format!("rewatch:{}", now.as_micros())),
                ..d
            })
            .collect();
        (requests, deliveries)
    }

    /// The request reaches etcd at `now`: whether etcd can serve it. Without a quorum a
    /// terminal's request fails after `etcd.requestTimeout` and a component's is tried again
    /// then (client-go's and the controllers' retries); during an election every request
    /// waits for the new leader.
    pub fn arrive(&mut self, id: u32, now: SimTime, random: (&Streams, &Timings)) -> Arrival {
        let Some(req) = self.requests.get_mut(id as usize).and_then(|r| r.as_mut()) else {
            return Arrival::Apply;
        };
        match self.etcd.gate() {
            Gate::Open => Arrival::Apply,
            Gate::ElectionUntil(t) => Arrival::RetryAt(t),
            Gate::NoQuorum => {
                let (streams, timings) = random;
                let mut rng = streams.stream(
                    "etcd",
                    &req.client.client_name(),
                    &format!("timeout:{id}:{}", now.as_micros()),
                );
                let at = now + timings.get(TimingName::EtcdRequestTimeout).sample(&mut rng);
                if req.client.kind == crate::component::ComponentKind::Terminal {
                    req.outcome = Some(Outcome::Failed(etcd_timeout()));
                    Arrival::FailAt(at)
                } else {
                    Arrival::RetryAt(at)
                }
            }
        }
    }

    /// Every request in flight from a client `gone` selects is abandoned: it still commits
    /// (it was sent), but its response goes nowhere (the process that sent it exited).
    pub fn abandon(&mut self, gone: impl Fn(ComponentId) -> bool) {
        for (i, r) in self.requests.iter().enumerate() {
            if r.as_ref().is_some_and(|r| gone(r.client)) {
                self.abandoned.insert(i as u32);
            }
        }
    }

    /// The request reaches etcd: applies it to the store and keeps the outcome for the
    /// response. Watch deliveries it causes are added to `deliveries`.
    pub fn commit(&mut self, id: u32, env: CommitEnv<'_>) {
        let Some(req) = self.requests.get_mut(id as usize).and_then(|r| r.as_mut()) else {
            return;
        };
        let op = std::mem::replace(&mut req.op, Op::Read);
        let mut server = Server {
            now: env.now,
            store: env.store,
            alloc: &mut self.alloc,
            watches: &mut self.watches,
            public_ips: env.public_ips,
            streams: env.random.0,
            timings: env.random.1,
            deliveries: env.deliveries,
        };
        let outcome = admission::apply(&mut server, req.client, op.clone());
        req.op = op;
        req.outcome = Some(outcome);
    }

    /// The response reaches its client: the request leaves the server. An abandoned
    /// request leaves with no one to hand it to (`None`).
    pub fn take(&mut self, id: u32) -> Option<Request<T>> {
        let req = self.requests.get_mut(id as usize).and_then(|r| r.take())?;
        self.free.push(id);
        if self.abandoned.remove(&id) {
            return None;
        }
        Some(req)
    }
}

/// What a commit touches besides the API server itself.
pub struct CommitEnv<'a> {
    /// Virtual time now.
    pub now: SimTime,
    /// etcd.
    pub store: &'a mut Store,
    /// Azure's public IPs (released with a LoadBalancer Service).
    pub public_ips: &'a mut PublicIpAllocator,
    /// Random streams and latency distributions.
    pub random: (&'a Streams, &'a Timings),
    /// Where watch deliveries go.
    pub deliveries: &'a mut Vec<Delivery>,
}

/// The API server while it applies one committed request.
pub struct Server<'a> {
    /// Virtual time now.
    pub now: SimTime,
    /// etcd.
    pub store: &'a mut Store,
    /// Allocators.
    pub alloc: &'a mut Allocators,
    /// Run-time watches.
    pub watches: &'a mut Watches,
    /// Azure's public IPs.
    pub public_ips: &'a mut PublicIpAllocator,
    /// Random streams.
    pub streams: &'a Streams,
    /// Latency distributions.
    pub timings: &'a Timings,
    /// Watch deliveries caused so far.
    pub deliveries: &'a mut Vec<Delivery>,
}

impl Server<'_> {
    /// Publishes a committed change to every interested watcher.
    pub fn publish(&mut self, obj: ObjRef, change: crate::component::Change) {
        watch::publish(self, obj, change);
    }
}

/// The distribution of kube-apiserver's own work on a request of this verb.
fn verb_timing(verb: Verb) -> TimingName {
    match verb {
        Verb::Get => TimingName::ApiserverGet,
        Verb::List => TimingName::ApiserverList,
        Verb::Create => TimingName::ApiserverCreate,
        Verb::Update => TimingName::ApiserverUpdate,
        Verb::Patch => TimingName::ApiserverPatch,
        Verb::Delete => TimingName::ApiserverDelete,
    }
}

fn op_name(op: &Op) -> &'static str {
    match op {
        Op::Create { .. } => "create",
        Op::Apply { .. } => "apply",
        // A LIST draws as a GET did before the two were told apart.
        Op::Read | Op::List => "read",
        Op::Scale { .. } => "scale",
        Op::ReplicaSetStatus { .. } => "rs-status",
        Op::DaemonSetStatus { .. } => "ds-status",
        Op::JobStatus { .. } => "job-status",
        Op::StatefulSetStatus { .. } => "sts-status",
        Op::CronJobStatus { .. } => "cj-status",
        Op::DeploymentStatus { .. } => "deploy-status",
        Op::ReplicaSetRevision { .. } => "rs-revision",
        Op::DeploymentRevision { .. } => "deploy-revision",
        Op::Bind { .. } => "bind",
        Op::PodStatus { .. } => "pod-status",
        Op::PodDisruption { .. } => "pod-disruption",
        Op::Delete { .. } => "delete",
        Op::RemoveFinalizers { .. } => "finalize",
        Op::RemoveOwnerRef { .. } => "orphan",
        Op::LoadBalancerIngress { .. } => "lb-ingress",
        Op::NodeReady { .. } => "node-ready",
        Op::NodeImages { .. } => "node-images",
        Op::KubeletSilent { .. } => "kubelet-silent",
        Op::NodeConditions { .. } => "node-conditions",
        Op::NodePressure { .. } => "node-pressure",
        Op::NodeTaints { .. } => "node-taints",
        Op::Cordon { .. } => "cordon",
        Op::Patch { .. } => "patch",
        Op::PdbStatus { .. } => "pdb-status",
        Op::Evict { .. } => "evict",
    }
}

/// Kubernetes' `rand` alphabet (no vowels, no 0/1/3), used for generated names and
/// template hashes so they never spell words.
pub const SAFE_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// A generated name, for a create with `generateName` (the server's half of
/// `metadata.generateName`).
pub fn generate_name(
    s: &mut Server<'_>,
    base: &str,
    kind: Kind,
    ns: Option<crate::model::meta::NsId>,
) -> String {
    s.alloc.generate_name(s.store, s.streams, base, kind, ns)
}

impl Allocators {
    /// A generated name: the base cut to 58 characters plus 5 characters of Kubernetes'
    /// alphabet, drawn from the API server's stream keyed by the base and how many names it
    /// has generated for it; a name in use is drawn again.
    pub fn generate_name(
        &mut self,
        store: &Store,
        streams: &Streams,
        base: &str,
        kind: Kind,
        ns: Option<crate::model::meta::NsId>,
    ) -> String {
        let base: String = base.chars().take(58).collect();
        loop {
            let n = self.generated.entry(base.clone()).or_insert(0);
            *n += 1;
            let attempt = *n;
            let mut rng = streams.stream("apiserver", &base, &format!("generateName:{attempt}"));
            let mut name = base.clone();
            for _ in 0..5 {
                let i = (rand_chacha::rand_core::Rng::next_u32(&mut rng)
                    % SAFE_ALPHABET.len() as u32) as usize;
                name.push(SAFE_ALPHABET[i] as char);
            }
            if store.lookup(kind, ns, &name).is_none() {
                return name;
            }
        }
    }
}

/// An API server without a request path, for unit tests: applies an op to a store at once,
/// as a commit does, and keeps the watch deliveries it causes.
#[cfg(test)]
pub mod testing {
    use super::*;
    use crate::component::ctx::testing::{Recorder, run};
    use crate::component::{Component, Response};
    use crate::model::object::NewObject;
    use crate::model::pod::PodStatus;

    /// A pod as a client submits it: `name` (empty for generateName), one container,
    /// `spec.nodeName` if given.
    pub fn new_pod(name: &str, node_name: Option<&str>) -> NewObject {
        let mut spec = (*crate::etcd::store::testing::spec(100)).clone();
        spec.node_name = node_name.map(str::to_string);
        NewObject::Pod(crate::model::pod::Pod {
            meta: crate::model::meta::Meta::new(
                name.to_string(),
                None,
                crate::model::labels::Labels::default(),
            ),
            spec: std::sync::Arc::new(spec),
            node: None,
            status: PodStatus::default(),
        })
    }

    /// A Service of this type with one TCP port 80.
    pub fn new_service(name: &str, service_type: crate::model::service::ServiceType) -> NewObject {
        NewObject::Service(crate::model::service::Service {
            meta: crate::model::meta::Meta::new(
                name.to_string(),
                None,
                crate::model::labels::Labels::default(),
            ),
            service_type,
            cluster_ip: None,
            headless: false,
            ports: vec![crate::model::service::ServicePort {
                name: None,
                protocol: "TCP".into(),
                port: 80,
                target_port: "80".into(),
                node_port: None,
            }],
            selector: None,
            external_ips: Vec::new(),
            external_name: None,
            load_balancer_ip: None,
        })
    }

    /// A create of `object` in `default`.
    pub fn create(object: NewObject) -> Op {
        Op::Create {
            object: Box::new(object),
            namespace: Some("default".into()),
            generate_name: None,
        }
    }

    /// A background delete of `target` without precondition, with this grace period.
    pub fn delete(target: ObjRef, grace_seconds: Option<i64>) -> Op {
        Op::Delete {
            target,
            uid: None,
            propagation: Propagation::Background,
            grace_seconds,
        }
    }

    /// A store and what the API server allocates around it.
    pub struct Harness {
        /// etcd.
        pub store: Store,
        /// Allocators (service range 10.0.0.0/16).
        pub alloc: Allocators,
        /// Run-time watches.
        pub watches: Watches,
        /// Azure's public IPs.
        pub public_ips: PublicIpAllocator,
        /// Watch deliveries caused so far.
        pub deliveries: Vec<Delivery>,
        streams: Streams,
        timings: Timings,
    }

    impl Default for Harness {
        fn default() -> Self {
            let (streams, timings) = crate::component::ctx::testing::random();
            Harness {
                store: Store::default(),
                alloc: Allocators {
                    service_ips: ServiceIpAllocator::new(
                        crate::network::config::DEFAULT_SERVICE_CIDR,
                    ),
                    node_ports: NodePortAllocator::new(),
                    pod_specs: Default::default(),
                    generated: BTreeMap::new(),
                },
                watches: Watches::default(),
                public_ips: PublicIpAllocator::new(),
                deliveries: Vec::new(),
                streams,
                timings,
            }
        }
    }

    impl Harness {
        /// Commits `op` from `client` at `now`.
        pub fn apply(&mut self, now: SimTime, client: ComponentId, op: Op) -> Outcome {
            let mut server = Server {
                now,
                store: &mut self.store,
                alloc: &mut self.alloc,
                watches: &mut self.watches,
                public_ips: &mut self.public_ips,
                streams: &self.streams,
                timings: &self.timings,
                deliveries: &mut self.deliveries,
            };
            admission::apply(&mut server, client, op)
        }

        /// Commits, in order, every request `sent` holds, handing each response back to `c`
        /// (as `me`, at `now`); returns everything `c` did in response.
        pub fn answer<C: Component>(
            &mut self,
            c: &mut C,
            env: &mut C::Env,
            me: ComponentId,
            now: SimTime,
            sent: &Recorder<C>,
        ) -> Recorder<C> {
            let requests: Vec<(Op, C::Tag)> = sent
                .requests()
                .into_iter()
                .map(|(op, tag)| (op.clone(), tag))
                .collect();
            let mut all = Recorder::default();
            for (op, tag) in requests {
                let outcome = self.apply(now, me, op.clone());
                let r = run(c, &self.store, env, me, now, |c, cx| {
                    c.on_response(
                        cx,
                        tag,
                        Response {
                            op: &op,
                            outcome: &outcome,
                        },
                    )
                });
                all.effects.extend(r.effects);
            }
            all
        }
    }
}

#[cfg(test)]
mod control_plane_tests {
    use super::*;
    use crate::component::ComponentKind;
    use crate::sim::time::SimDuration;

    fn server(etcd: u32, replicas: u32) -> ApiServer<()> {
        let ips = ServiceIpAllocator::new(crate::network::config::DEFAULT_SERVICE_CIDR);
        ApiServer::new(ips).with_control_plane(
            RaftGroup::new(etcd),
            Endpoints::new(replicas, "h:443".into()),
        )
    }

    fn read(client: ComponentId) -> Request<()> {
        Request {
            client,
            op: Op::Read,
            tag: (),
            outcome: None,
        }
    }

    const T: SimTime = SimTime(10_000_000);

    #[test]
    fn without_a_quorum_kubectl_fails_after_etcds_timeout_and_a_component_retries_then() {
        let (streams, timings) = crate::component::ctx::testing::random();
        let r = (&streams, &timings);
        let mut api = server(3, 1);
        api.etcd.fail(1, T, SimDuration(1));
        api.etcd.fail(2, T, SimDuration(1));
        let (step, _) = api.submit(T, r, read(ComponentId::terminal(0)), "get");
        let (rs, _) = api.submit(
            T,
            r,
            read(ComponentId::of(ComponentKind::ReplicaSetController)),
            "get",
        );
        // etcd ReqTimeout: 5 s + 2 x 1 s election timeout.
        assert_eq!(
            api.arrive(step, T, r),
            Arrival::FailAt(T + SimDuration::from_secs(7))
        );
        assert_eq!(
            api.request(step).unwrap().outcome,
            Some(Outcome::Failed(etcd_timeout()))
        );
        assert_eq!(
            api.arrive(rs, T, r),
            Arrival::RetryAt(T + SimDuration::from_secs(7))
        );
        assert_eq!(api.request(rs).unwrap().outcome, None, "nothing applied");
    }

    #[test]
    fn during_an_election_requests_wait_for_the_new_leader() {
        let (streams, timings) = crate::component::ctx::testing::random();
        let r = (&streams, &timings);
        let mut api = server(3, 1);
        let until = api.etcd.fail(0, T, SimDuration::from_secs(1)).unwrap();
        let (id, _) = api.submit(T, r, read(ComponentId::terminal(0)), "get");
        assert_eq!(api.arrive(id, T, r), Arrival::RetryAt(until));
        api.etcd.elect(until);
        assert_eq!(api.arrive(id, until, r), Arrival::Apply);
    }

    #[test]
    fn with_no_api_server_kubectl_is_refused_and_a_components_request_parks_until_one_is_back() {
        let (streams, timings) = crate::component::ctx::testing::random();
        let r = (&streams, &timings);
        let mut api = server(3, 1);
        let kubelet = ComponentId::kubelet(0);
        api.submit(SimTime::ZERO, r, read(kubelet), "a");
        api.endpoints.fail(0, T, |_| SimDuration(1));
        let (step, d) = api.submit(T, r, read(ComponentId::terminal(0)), "get");
        assert!(matches!(d, Dispatch::Respond(at) if at > T));
        assert_eq!(
            api.request(step).unwrap().outcome,
            Some(Outcome::Unreachable("h:443".into()))
        );
        let (parked, d) = api.submit(T, r, read(kubelet), "b");
        assert_eq!(d, Dispatch::Parked);
        api.endpoints.recover(0);
        let back = T + SimDuration::from_secs(30);
        let (requests, _) = api.unpark(back, r);
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].0, parked);
        assert!(requests[0].1 > back, "after a reconnect");
    }

    #[test]
    fn a_write_pays_the_quorum_round_trip_only_with_followers() {
        let (streams, mut timings) = crate::component::ctx::testing::random();
        for (n, us) in [
            (TimingName::ApiserverRequest, 0),
            (TimingName::EtcdWrite, 1_000),
            (TimingName::EtcdPeerRoundTrip, 300),
        ] {
            timings.set(n, Distribution::Constant(us));
        }
        let write = || Request {
            client: ComponentId::of(ComponentKind::ReplicaSetController),
            op: Op::Scale {
                target: ObjRef {
                    kind: Kind::ReplicaSet,
                    id: 0,
                },
                replicas: 1,
                annotations: None,
            },
            tag: (),
            outcome: None,
        };
        for (members, want) in [(1, 1_000), (3, 1_300)] {
            let mut api = server(members, 1);
            let (_, d) = api.submit(SimTime::ZERO, (&streams, &timings), write(), "rs");
            assert_eq!(d, Dispatch::Commit(SimTime(want)), "{members} members");
        }
    }

    /// A request spends its verb's row: a LIST set slower than the rest slows only LISTs, and
    /// a GET keeps following `apiserver.request`.
    #[test]
    fn each_verb_spends_its_own_row_which_follows_apiserver_request_until_set() {
        let (streams, mut timings) = crate::component::ctx::testing::random();
        timings.set(TimingName::EtcdRead, Distribution::Constant(1_000));
        timings.set(TimingName::ApiserverRequest, Distribution::Constant(2_000));
        timings.set(TimingName::ApiserverList, Distribution::Constant(50_000));
        let client = ComponentId::of(ComponentKind::ReplicaSetController);
        let list = Request {
            op: Op::List,
            ..read(client)
        };
        let commit = |timings: &Timings, r: Request<()>, key: &str| {
            let mut api = server(1, 1);
            api.submit(SimTime::ZERO, (&streams, timings), r, key).1
        };
        assert_eq!(
            commit(&timings, read(client), "a"),
            Dispatch::Commit(SimTime(3_000))
        );
        assert_eq!(
            commit(&timings, list.clone(), "b"),
            Dispatch::Commit(SimTime(51_000))
        );
        timings.set(TimingName::ApiserverRequest, Distribution::Constant(4_000));
        assert_eq!(
            commit(&timings, read(client), "a"),
            Dispatch::Commit(SimTime(5_000))
        );
        assert_eq!(
            commit(&timings, list, "b"),
            Dispatch::Commit(SimTime(51_000))
        );
    }
}
