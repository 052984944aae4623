//! kube-apiserver and its etcd store: the request path every component goes through.
//!
//! A request leaves its client when the client's token bucket allows it (controller
//! manager 20/30, scheduler 50/100, kubelet 50/100: the components' documented defaults,
//! listed in [`crate::component`]'s table), spends
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
pub mod eviction;
pub mod nodestatus;
pub mod patch;
pub mod podspecs;
pub mod ratelimit;
pub mod watch;

use crate::apiserver::ratelimit::TokenBucket;
use crate::apiserver::watch::{Delivery, Watches};
use crate::component::ComponentId;
use crate::etcd::Store;
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
pub use crate::model::request::{ApiError, Op, Outcome, Propagation};
use crate::network::{NodePortAllocator, PublicIpAllocator, ServiceIpAllocator};
use crate::sim::rng::Streams;
use crate::sim::time::SimTime;
use crate::sim::timing::{TimingName, Timings};
use std::collections::{BTreeMap, HashMap};

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

/// The API server's state: requests in flight, client rate limiters, allocators, watches.
pub struct ApiServer<T> {
    requests: Vec<Option<Request<T>>>,
    free: Vec<u32>,
    limiters: BTreeMap<ComponentId, TokenBucket>,
    per_object: HashMap<u64, u32>,
    /// Allocators.
    pub alloc: Allocators,
    /// Watches registered at run time (a terminal waiting for a deletion).
    pub watches: Watches,
}

impl<T> ApiServer<T> {
    /// An API server for a cluster with this service range.
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
        }
    }

    /// The request with this id.
    pub fn request(&self, id: u32) -> Option<&Request<T>> {
        self.requests.get(id as usize).and_then(|r| r.as_ref())
    }

    /// How many requests this client has sent about this object before: keys the latency
    /// draws to the object's own history. The map is only looked up, never iterated, so its
    /// hashing cannot reach the output.
    fn next_request_index(&mut self, client: &str, key: &str) -> u32 {
        let h = crate::sim::rng::fnv1a_64(&[client.as_bytes(), key.as_bytes()]);
        let n = self.per_object.entry(h).or_insert(0);
        *n += 1;
        *n
    }

    /// Accepts a request: returns its id and the instant it commits, after the client's rate
    /// limit (the component table's QPS and burst), `apiserver.request` and `etcd.write` (or
    /// `etcd.read`), plus kubectl's round trip for a terminal. `key` names the object for the
    /// random streams.
    pub fn submit(
        &mut self,
        now: SimTime,
        random: (&Streams, &Timings),
        request: Request<T>,
        key: &str,
    ) -> (u32, SimTime) {
        let (streams, timings) = random;
        let client = request.client;
        let cname = client.client_name();
        let nth = self.next_request_index(&cname, key);
        let purpose = format!("{}:{nth}", op_name(&request.op));
        let sample = |name: TimingName| {
            let mut rng = streams.stream(&cname, key, &purpose);
            timings.get(name).sample(&mut rng)
        };
        let mut delay = sample(TimingName::ApiserverRequest);
        delay = delay
            + sample(if matches!(request.op, Op::Read) {
                TimingName::EtcdRead
            } else {
                TimingName::EtcdWrite
            });
        if client.kind == crate::component::ComponentKind::Terminal {
            delay = delay + sample(TimingName::KubectlRoundTrip);
        }
        let send = match client.kind.info().client {
            Some((qps, burst)) => self
                .limiters
                .entry(client)
                .or_insert_with(|| TokenBucket::new(u64::from(qps), u64::from(burst)))
                .reserve(now),
            None => now,
        };
        let id = match self.free.pop() {
            Some(i) => {
                self.requests[i as usize] = Some(request);
                i
            }
            None => {
                self.requests.push(Some(request));
                (self.requests.len() - 1) as u32
            }
        };
        (id, send + delay)
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

    /// The response reaches its client: the request leaves the server.
    pub fn take(&mut self, id: u32) -> Option<Request<T>> {
        let req = self.requests.get_mut(id as usize).and_then(|r| r.take())?;
        self.free.push(id);
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

fn op_name(op: &Op) -> &'static str {
    match op {
        Op::Create { .. } => "create",
        Op::Apply { .. } => "apply",
        Op::Read => "read",
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
        Op::KubeletSilent { .. } => "kubelet-silent",
        Op::NodeConditions { .. } => "node-conditions",
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
