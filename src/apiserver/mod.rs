//! kube-apiserver and its etcd store: the request path every component goes through.
//!
//! A request leaves its client when the client's token bucket allows it (controller
//! manager 20/30, scheduler 50/100, kubelet 50/100: facts A.3–A.6), spends
//! `apiserver.request` in the server (authentication, admission, validation, defaulting)
//! and `etcd.write` (or `etcd.read`) in etcd, and commits: the store changes, the
//! resourceVersion moves, and watch events go out to every informer after
//! `watch.delivery`. The response reaches the client in the same instant as the commit.
//!
//! Simplifications (documented in README): authentication and authorization always allow
//! (the request carries its user for later RBAC work); kubectl's network round trip is
//! added to the request leg; `kubectl apply` is one request (its GET and PATCH are folded);
//! components read the committed store when their informer is notified rather than a
//! lagged cache of their own; Events are written without going through etcd or a rate
//! limiter.

pub mod admission;
pub mod ratelimit;
pub mod store;
pub mod watch;

use crate::apiserver::ratelimit::TokenBucket;
use crate::apiserver::store::OtherObject;
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::model::node::Node;
use crate::model::pod::{Pod, PodStatus};
use crate::model::service::{ConfigData, Namespace, Service};
use crate::model::workload::{Deployment, DeploymentStatus, ReplicaSet, ReplicaSetStatus};
use crate::network::{NodePortAllocator, PublicIpAllocator, ServiceIpAllocator};
use crate::sim::event::{Change, Event};
use crate::sim::time::SimDuration;
use crate::sim::timing::TimingName;
use crate::sim::world::World;
use std::collections::BTreeMap;

/// Who sent a request: each has its own client (and token bucket) as in the real cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Client {
    /// A scenario step's kubectl (the cluster admin).
    Step(u32),
    /// kube-controller-manager's Deployment controller.
    DeploymentController,
    /// kube-controller-manager's ReplicaSet/RC controller.
    ReplicaSetController,
    /// kube-controller-manager's garbage collector.
    GarbageCollector,
    /// kube-scheduler.
    Scheduler,
    /// The kubelet of a node.
    Kubelet(u32),
    /// cloud-controller-manager's service controller.
    ServiceController,
}

impl Client {
    /// The user the request authenticates as (for messages and later RBAC).
    pub fn user(self) -> &'static str {
        match self {
            Client::Step(_) => "clusterAdmin",
            Client::DeploymentController => {
                "system:serviceaccount:kube-system:deployment-controller"
            }
            Client::ReplicaSetController => {
                "system:serviceaccount:kube-system:replicaset-controller"
            }
            Client::GarbageCollector => {
                "system:serviceaccount:kube-system:generic-garbage-collector"
            }
            Client::Scheduler => "system:kube-scheduler",
            Client::Kubelet(_) => "system:node",
            Client::ServiceController => "system:serviceaccount:kube-system:service-controller",
        }
    }

    fn name(self) -> String {
        match self {
            Client::Step(i) => format!("kubectl-step-{i}"),
            Client::DeploymentController => "deployment-controller".into(),
            Client::ReplicaSetController => "replicaset-controller".into(),
            Client::GarbageCollector => "garbage-collector".into(),
            Client::Scheduler => "default-scheduler".into(),
            Client::Kubelet(n) => format!("kubelet-{n}"),
            Client::ServiceController => "service-controller".into(),
        }
    }
}

/// A new object as a client submits it (before the server names and registers it).
#[derive(Clone, Debug)]
pub enum NewObject {
    /// A Pod.
    Pod(Pod),
    /// A Deployment.
    Deployment(Deployment),
    /// A ReplicaSet or ReplicationController.
    ReplicaSet(ReplicaSet),
    /// A Service.
    Service(Service),
    /// A ConfigMap.
    ConfigMap(ConfigData),
    /// A Secret.
    Secret(ConfigData),
    /// A Namespace.
    Namespace(Namespace),
    /// A Node (AKS registers nodes; scale-out later).
    Node(Node),
    /// A kind stored but not simulated.
    Other(OtherObject),
}

impl NewObject {
    /// The simulated kind (None for stored-only kinds).
    pub fn kind(&self) -> Option<Kind> {
        Some(match self {
            NewObject::Pod(_) => Kind::Pod,
            NewObject::Deployment(_) => Kind::Deployment,
            NewObject::ReplicaSet(rs) if rs.legacy_rc => Kind::ReplicationController,
            NewObject::ReplicaSet(_) => Kind::ReplicaSet,
            NewObject::Service(_) => Kind::Service,
            NewObject::ConfigMap(_) => Kind::ConfigMap,
            NewObject::Secret(_) => Kind::Secret,
            NewObject::Namespace(_) => Kind::Namespace,
            NewObject::Node(_) => Kind::Node,
            NewObject::Other(_) => return None,
        })
    }

    /// The metadata.
    pub fn meta(&self) -> &crate::model::meta::Meta {
        match self {
            NewObject::Pod(o) => &o.meta,
            NewObject::Deployment(o) => &o.meta,
            NewObject::ReplicaSet(o) => &o.meta,
            NewObject::Service(o) => &o.meta,
            NewObject::ConfigMap(o) | NewObject::Secret(o) => &o.meta,
            NewObject::Namespace(o) => &o.meta,
            NewObject::Node(o) => &o.meta,
            NewObject::Other(o) => &o.meta,
        }
    }

    /// Mutable metadata.
    pub fn meta_mut(&mut self) -> &mut crate::model::meta::Meta {
        match self {
            NewObject::Pod(o) => &mut o.meta,
            NewObject::Deployment(o) => &mut o.meta,
            NewObject::ReplicaSet(o) => &mut o.meta,
            NewObject::Service(o) => &mut o.meta,
            NewObject::ConfigMap(o) | NewObject::Secret(o) => &mut o.meta,
            NewObject::Namespace(o) => &mut o.meta,
            NewObject::Node(o) => &mut o.meta,
            NewObject::Other(o) => &mut o.meta,
        }
    }
}

/// `propagationPolicy` of a delete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Propagation {
    /// Delete the owner now; the GC deletes dependents afterwards (kubectl's default).
    Background,
    /// Delete dependents first, then the owner.
    Foreground,
    /// Keep dependents, removing their owner references.
    Orphan,
}

/// What a client asks the API server to do.
#[derive(Clone, Debug)]
pub enum Op {
    /// POST: create an object; `generate_name` asks the server to pick the name.
    Create {
        /// The object.
        object: Box<NewObject>,
        /// The namespace name (checked to exist).
        namespace: Option<String>,
        /// `metadata.generateName`.
        generate_name: Option<String>,
    },
    /// kubectl apply: create, or update the spec if it differs.
    Apply {
        /// The object as written.
        object: Box<NewObject>,
        /// The namespace name.
        namespace: Option<String>,
    },
    /// GET/LIST, served from etcd at commit time (the client renders what it needs).
    Read,
    /// PUT .../scale or a spec.replicas update.
    Scale {
        /// Deployment, ReplicaSet or ReplicationController.
        target: ObjRef,
        /// New `spec.replicas`.
        replicas: i32,
        /// The Deployment controller also sets a ReplicaSet's desired/max-replicas
        /// annotations in the same update (`scaleReplicaSet`).
        annotations: Option<(i32, i32)>,
    },
    /// A ReplicaSet's status subresource.
    ReplicaSetStatus {
        /// The RS.
        id: u32,
        /// New status.
        status: ReplicaSetStatus,
    },
    /// A Deployment's status subresource.
    DeploymentStatus {
        /// The Deployment.
        id: u32,
        /// New status.
        status: DeploymentStatus,
    },
    /// POST pods/binding.
    Bind {
        /// The pod.
        pod: u32,
        /// The node.
        node: u32,
    },
    /// PATCH pods/status.
    PodStatus {
        /// The pod.
        pod: u32,
        /// New status.
        status: Box<PodStatus>,
    },
    /// DELETE.
    Delete {
        /// The object.
        target: ObjRef,
        /// Precondition: the uid the client saw (None: any).
        uid: Option<u64>,
        /// Propagation policy.
        propagation: Propagation,
        /// `gracePeriodSeconds` (None: the object's default; pods only).
        grace_seconds: Option<i64>,
    },
    /// The GC finished foreground/orphan processing: drop the finalizer and the object.
    RemoveFinalizers {
        /// The owner.
        target: ObjRef,
    },
    /// The GC orphans a dependent.
    RemoveOwnerRef {
        /// The dependent.
        dependent: ObjRef,
        /// The owner.
        owner: ObjRef,
    },
    /// The service controller publishes a load balancer address.
    LoadBalancerIngress {
        /// The Service.
        svc: u32,
        /// The address.
        ip: std::net::Ipv4Addr,
    },
}

/// A failed request, as the API server's Status reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// `reason` (`NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, ...).
    pub reason: &'static str,
    /// `message`.
    pub message: String,
}

impl ApiError {
    /// `NewNotFound`: `pods "web" not found`.
    pub fn not_found(kind: Kind, name: &str) -> ApiError {
        ApiError {
            reason: "NotFound",
            message: format!("{} {name:?} not found", kind.group_resource()),
        }
    }
    /// `NewAlreadyExists`.
    pub fn already_exists(kind: Kind, name: &str) -> ApiError {
        ApiError {
            reason: "AlreadyExists",
            message: format!("{} {name:?} already exists", kind.group_resource()),
        }
    }
}

/// What a committed request did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to report beyond success (reads, status writes).
    Done,
    /// Created this object.
    Created(ObjRef),
    /// Apply changed the spec.
    Configured(ObjRef),
    /// Apply found nothing to change.
    Unchanged(ObjRef),
    /// Deleted (or marked for deletion).
    Deleted(ObjRef),
    /// Failed.
    Failed(ApiError),
}

/// A request in flight.
#[derive(Clone, Debug)]
pub struct Request {
    /// Sender.
    pub client: Client,
    /// What it asks.
    pub op: Op,
    /// A cookie the client uses to route the response (batch, step action, ...).
    pub ctx: u64,
    /// The result, once committed.
    pub outcome: Option<Outcome>,
}

/// The API server's state: requests in flight, client rate limiters, allocators.
pub struct ApiServer {
    requests: Vec<Option<Request>>,
    free: Vec<u32>,
    limiters: BTreeMap<Client, TokenBucket>,
    generated: BTreeMap<String, u32>,
    per_object: std::collections::HashMap<u64, u32>,
    /// ClusterIP allocator.
    pub service_ips: ServiceIpAllocator,
    /// NodePort allocator.
    pub node_ports: NodePortAllocator,
    /// Public IPs for load balancers.
    pub public_ips: PublicIpAllocator,
}

impl ApiServer {
    /// An API server for a cluster with these allocators.
    pub fn new(service_ips: ServiceIpAllocator) -> ApiServer {
        ApiServer {
            requests: Vec::new(),
            free: Vec::new(),
            limiters: BTreeMap::new(),
            generated: BTreeMap::new(),
            per_object: std::collections::HashMap::new(),
            service_ips,
            node_ports: NodePortAllocator::new(),
            public_ips: PublicIpAllocator::new(),
        }
    }

    /// The request with this id.
    pub fn request(&self, id: u32) -> Option<&Request> {
        self.requests.get(id as usize).and_then(|r| r.as_ref())
    }

    /// How many requests this client has sent about this object before: keys the latency
    /// draws to the object's own history (CONTRACT §9). The map is only looked up, never
    /// iterated, so its hashing cannot reach the output.
    fn next_request_index(&mut self, client: &str, key: &str) -> u32 {
        let h = crate::sim::rng::fnv1a_64(&[client.as_bytes(), key.as_bytes()]);
        let n = self.per_object.entry(h).or_insert(0);
        *n += 1;
        *n
    }

    fn limiter(&mut self, c: Client) -> Option<&mut TokenBucket> {
        let (qps, burst) = match c {
            Client::Step(_) => return None,
            // kube-controller-manager --kube-api-qps/--kube-api-burst (facts A.4); each
            // controller builds its own clientset, so each has its own bucket.
            Client::DeploymentController
            | Client::ReplicaSetController
            | Client::GarbageCollector
            | Client::ServiceController => (20, 30),
            // KubeSchedulerConfiguration clientConnection (facts A.6).
            Client::Scheduler => (50, 100),
            // KubeletConfiguration kubeAPIQPS/kubeAPIBurst (facts A.3).
            Client::Kubelet(_) => (50, 100),
        };
        Some(
            self.limiters
                .entry(c)
                .or_insert_with(|| TokenBucket::new(qps, burst)),
        )
    }
}

/// Sends a request; the commit is scheduled after the client's rate limit and the server's
/// latencies. `key` names the object for the random stream.
pub fn submit(w: &mut World, client: Client, op: Op, ctx: u64, key: &str) -> u32 {
    let mutating = !matches!(op, Op::Read);
    let cname = client.name();
    let nth = w.api.next_request_index(&cname, key);
    let purpose = format!("{}:{nth}", op_name(&op));
    let mut delay = w.sample(TimingName::ApiserverRequest, &cname, key, &purpose);
    delay = delay
        + w.sample(
            if mutating {
                TimingName::EtcdWrite
            } else {
                TimingName::EtcdRead
            },
            &cname,
            key,
            &purpose,
        );
    if let Client::Step(_) = client {
        delay = delay + w.sample(TimingName::KubectlRoundTrip, &cname, key, &purpose);
    }
    let now = w.now;
    let send = match w.api.limiter(client) {
        Some(b) => b.reserve(now),
        None => now,
    };
    let req = Request {
        client,
        op,
        ctx,
        outcome: None,
    };
    let id = match w.api.free.pop() {
        Some(i) => {
            w.api.requests[i as usize] = Some(req);
            i
        }
        None => {
            w.api.requests.push(Some(req));
            (w.api.requests.len() - 1) as u32
        }
    };
    w.schedule_at(send + delay, Event::ApiCommit(id));
    id
}

fn op_name(op: &Op) -> &'static str {
    match op {
        Op::Create { .. } => "create",
        Op::Apply { .. } => "apply",
        Op::Read => "read",
        Op::Scale { .. } => "scale",
        Op::ReplicaSetStatus { .. } => "rs-status",
        Op::DeploymentStatus { .. } => "deploy-status",
        Op::Bind { .. } => "bind",
        Op::PodStatus { .. } => "pod-status",
        Op::Delete { .. } => "delete",
        Op::RemoveFinalizers { .. } => "finalize",
        Op::RemoveOwnerRef { .. } => "orphan",
        Op::LoadBalancerIngress { .. } => "lb-ingress",
    }
}

/// The request reaches etcd: apply it to the store.
pub fn commit(w: &mut World, id: u32) {
    let Some(mut req) = w.api.requests.get_mut(id as usize).and_then(|r| r.take()) else {
        return;
    };
    let op = std::mem::replace(&mut req.op, Op::Read);
    let outcome = admission::apply(w, req.client, op.clone());
    req.op = op;
    req.outcome = Some(outcome);
    w.api.requests[id as usize] = Some(req);
    w.schedule(SimDuration(0), Event::ApiResponse(id));
}

/// The response reaches the client.
pub fn respond(w: &mut World, id: u32) {
    let Some(req) = w.api.requests.get_mut(id as usize).and_then(|r| r.take()) else {
        return;
    };
    w.api.free.push(id);
    let outcome = req.outcome.clone().unwrap_or(Outcome::Done);
    match req.client {
        Client::Step(i) => crate::kubectl::exec::on_response(w, i, &req, outcome),
        Client::ReplicaSetController => {
            crate::controllers::replicaset::on_response(w, &req, outcome)
        }
        Client::DeploymentController => {
            crate::controllers::deployment::on_response(w, &req, outcome)
        }
        Client::GarbageCollector => crate::controllers::gc::on_response(w, &req, outcome),
        Client::Scheduler => crate::scheduler::on_response(w, &req, outcome),
        Client::Kubelet(n) => crate::kubelet::on_response(w, n, &req, outcome),
        Client::ServiceController => {}
    }
}

/// Kubernetes' `rand` alphabet (no vowels, no 0/1/3), used for generated names and
/// template hashes so they never spell words.
pub const SAFE_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// A generated name: the base cut to 58 characters plus 5 characters of Kubernetes'
/// alphabet, drawn from the API server's stream keyed by the base and how many names it
/// has generated for it (CONTRACT §6); a name in use is drawn again.
pub fn generate_name(
    w: &mut World,
    base: &str,
    kind: Kind,
    ns: Option<crate::model::meta::NsId>,
) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let base: String = base.chars().take(58).collect();
    loop {
        let n = w.api.generated.entry(base.clone()).or_insert(0);
        *n += 1;
        let attempt = *n;
        let mut rng = w
            .streams
            .stream("apiserver", &base, &format!("generateName:{attempt}"));
        let mut name = base.clone();
        for _ in 0..5 {
            let i =
                (rand_chacha::rand_core::Rng::next_u32(&mut rng) % ALPHABET.len() as u32) as usize;
            name.push(ALPHABET[i] as char);
        }
        if w.store.lookup(kind, ns, &name).is_none() {
            return name;
        }
    }
}

/// Publishes a committed change to every interested watcher.
pub fn publish(w: &mut World, obj: ObjRef, change: Change) {
    watch::publish(w, obj, change);
}
