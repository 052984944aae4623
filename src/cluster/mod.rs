//! The assembly of one run: the engine, etcd, the API server and every component, and the
//! loop that routes events between them.
//!
//! This is the only module that knows every component. The engine ([`crate::sim`]) knows
//! none; components know only the store, the API server's request vocabulary and their
//! [`Ctx`]. The loop pops events in `(time, seq)` order and hands each
//! to its component, and at the end of each instant (when the next event is later) writes
//! timeline rows and evaluates expectations, so a change undone within one instant is never
//! seen.

pub mod controlplane;
pub mod event;
pub mod invariants;
pub mod leader;
pub mod registry;
mod sink;

use crate::aks::cluster::{Boot, ClusterPlan};
use crate::aks::fleet::Azure;
use crate::apiserver::watch::Delivery;
use crate::apiserver::{ApiServer, Arrival, CommitEnv, Op, Outcome};
use crate::cluster::event::{AnyTag, AnyTimer, Event};
use crate::cluster::registry::{Components, Registered};
use crate::cluster::sink::Effects;
use crate::component::{
    ComponentId, ComponentKind, Ctx, EventRecord, Message, Notice, Response, TerminalOutput,
};
use crate::etcd::Store;
use crate::etcd::events::StoredEvent;
use crate::kubectl::exec::{PreparedStep, Terminal, Timer as TerminalTimer};
use crate::kubelet::Kubelet;
use crate::model::kind::Kind;
use crate::output::Outputs;
use crate::output::expectations::Expectations;
use crate::scenario::spec::Scenario;
use crate::sim::engine::Engine;
use crate::sim::queue::Scheduled;
use crate::sim::rng::Streams;
use crate::sim::stop::{Interrupt, Stop, StopReason};
use crate::sim::time::{SimDuration, SimTime};
use crate::sim::timing::Timings;

/// A callback run after every event with read access to the whole world (tests and
/// `--check-invariants`); off by default.
pub type Observer = Box<dyn FnMut(&World, &Scheduled<Event>)>;

/// How far a run has got, for a progress display outside the run (`kubesim run`'s bar).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Virtual time reached.
    pub now: SimTime,
    /// The scenario's end (`duration`).
    pub end: SimTime,
    /// Events handled so far.
    pub events: u64,
    /// Pods in the store.
    pub live_pods: usize,
}

/// A callback [`World::step_until`] runs every [`PROGRESS_EVERY`] events. It only reads, so
/// it cannot change what the run does; what it does with the wall clock stays its own.
pub type ProgressHook = Box<dyn FnMut(Progress)>;

/// Events between two [`ProgressHook`] calls: a power of two, so the check is a mask, and
/// small enough that even a slow run (about 100,000 events a second) reports several times a
/// second.
pub const PROGRESS_EVERY: u64 = 4096;

/// Limits that stop a run which would exhaust memory (exit 2, naming the step).
#[derive(Clone, Copy, Debug)]
pub struct RunLimits {
    /// Most live pods at once.
    pub max_live_pods: usize,
}

impl Default for RunLimits {
    /// 300,000 pods: twice Kubernetes' 150,000-pod scalability envelope.
    fn default() -> Self {
        RunLimits {
            max_live_pods: 300_000,
        }
    }
}

/// What a run is built from: the checked scenario, its cluster, its latencies and its steps.
pub struct RunPlan {
    /// The scenario.
    pub scenario: Scenario,
    /// The cluster AKS would build.
    pub cluster: ClusterPlan,
    /// Latency distributions with the scenario's overrides.
    pub timings: Timings,
    /// The steps, ready to run.
    pub steps: Vec<PreparedStep>,
}

/// Everything in one simulated run.
pub struct World {
    /// The clock and the pending events.
    pub engine: Engine<Event>,
    /// End of the run.
    pub end: SimTime,
    /// etcd.
    pub store: Store,
    /// Random streams.
    pub streams: Streams,
    /// Latency distributions.
    pub timings: Timings,
    /// The API server (requests in flight, clients, allocators, run-time watches).
    pub api: ApiServer<AnyTag>,
    /// Azure: node pools, VMs, addresses, public IPs, operations.
    pub azure: Azure,
    /// The cluster-wide components: the controllers, the scheduler, AKS's resource provider.
    pub components: Components,
    /// The leader elections of kube-controller-manager and kube-scheduler.
    pub electors: leader::Electors,
    /// The kubelet of each node id (None: no node, or its kubelet is gone).
    pub kubelets: Vec<Option<Kubelet>>,
    /// One terminal per scenario step.
    pub terminals: Vec<Terminal>,
    /// Images a new node's disk holds (AKS's node image caches the system images).
    pub images: Vec<String>,
    /// The scenario's `images:`, shared by every kubelet.
    pub image_catalog: std::sync::Arc<crate::model::image::ImageCatalog>,
    /// Parallel image pulls of each scenario node pool's kubelets, by pool index (pools
    /// added later pull serially).
    pub pool_pulls: Vec<Option<u32>>,
    /// The step started last (named when a limit stops the run).
    pub last_started: Option<u32>,
    /// Expectations.
    pub expectations: Expectations,
    /// Output writers.
    pub out: Outputs,
    /// Resource ceilings.
    pub limits: RunLimits,
    /// Why the run stopped before its end, if it did (summary.json says it did not complete).
    pub stopped: Option<Stop>,
    /// Stop requests from outside the loop (signals, the invariant checker), read at the end
    /// of each instant.
    pub interrupt: Interrupt,
    /// Optional observer hook.
    pub observer: Option<Observer>,
    /// Optional progress hook (every [`PROGRESS_EVERY`] events).
    pub progress: Option<ProgressHook>,
    deliveries: Vec<Delivery>,
    records: Vec<EventRecord>,
    printed: Vec<(ComponentId, TerminalOutput)>,
}

impl World {
    /// Builds the world for a plan: the cluster at t=0, the steps and expectations queued.
    /// Fails if AKS would refuse the cluster (its subnet too small).
    pub fn new(plan: RunPlan, seed: u64, out: Outputs) -> Result<World, String> {
        let RunPlan {
            scenario,
            cluster,
            timings,
            steps,
        } = plan;
        let service_ips = crate::network::ServiceIpAllocator::for_cluster(&cluster.network);
        let mut w = World {
            engine: Engine::default(),
            end: SimTime(scenario.duration_us),
            store: Store::default(),
            streams: Streams::new(seed),
            timings,
            api: ApiServer::new(service_ips)
                .with_control_plane(
                    crate::etcd::raft::RaftGroup::new(scenario.cluster.control_plane.etcd_members),
                    crate::apiserver::endpoints::Endpoints::new(
                        scenario.cluster.control_plane.api_servers,
                        crate::aks::naming::api_server_host(&cluster.name, &cluster.location),
                    ),
                )
                .with_limits(
                    (
                        scenario.cluster.control_plane.max_requests_inflight,
                        scenario
                            .cluster
                            .control_plane
                            .max_mutating_requests_inflight,
                    ),
                    (
                        scenario.cluster.control_plane.controller_manager_qps,
                        scenario.cluster.control_plane.controller_manager_burst,
                    ),
                    (
                        scenario.cluster.control_plane.scheduler_qps,
                        scenario.cluster.control_plane.scheduler_burst,
                    ),
                ),
            azure: Azure::new(cluster.clone()),
            components: Components::default(),
            electors: leader::Electors::default(),
            kubelets: Vec::new(),
            terminals: steps.into_iter().map(Terminal::new).collect(),
            images: Vec::new(),
            image_catalog: std::sync::Arc::new(scenario.images.clone()),
            pool_pulls: scenario
                .cluster
                .node_pools
                .iter()
                .map(|p| p.parallel_image_pulls())
                .collect(),
            last_started: None,
            expectations: Expectations::new(scenario.expect.clone()),
            out,
            limits: RunLimits::default(),
            stopped: None,
            interrupt: Interrupt::default(),
            observer: None,
            progress: None,
            deliveries: Vec::new(),
            records: Vec::new(),
            printed: Vec::new(),
        };
        w.store.events = crate::etcd::events::Events::new(scenario.start_time_unix.unwrap_or(0));
        let booted = crate::aks::cluster::bootstrap(
            &mut Boot {
                store: &mut w.store,
                azure: &mut w.azure,
                alloc: &mut w.api.alloc,
                streams: &w.streams,
                images: &w.image_catalog,
            },
            &cluster,
        )?;
        // The informers' initial lists: the scheduler's cache, the DaemonSet controller's
        // nodes and each kubelet's pods.
        for &node in &booted.nodes {
            let i = node as usize;
            if w.kubelets.len() <= i {
                w.kubelets.resize_with(i + 1, || None);
            }
            let (vm, pool) = w
                .store
                .nodes
                .get(node)
                .map_or((node, 0), |n| (n.vm, n.pool));
            let pulls = w.pool_pulls.get(pool as usize).copied().unwrap_or(Some(1));
            w.kubelets[i] = Some(
                Kubelet::new(
                    node,
                    vm,
                    booted.images.iter().cloned(),
                    w.image_catalog.clone(),
                )
                .with_parallel_pulls(pulls),
            );
            w.components.scheduler.register_node(&w.store, node);
            w.components.daemonsets.register_node(&w.store, node);
            w.components.tainteviction.register_node(&w.store, node);
            w.components.nodelifecycle.register_node(&w.store, node);
        }
        for &(pod, node, ip, host_network, containers) in &booted.running {
            if let Some(Some(k)) = w.kubelets.get_mut(node as usize) {
                k.adopt_running(pod, ip, host_network, containers);
            }
            w.components.scheduler.assume_existing(&w.store, pod);
            w.components.tainteviction.register_pod(&w.store, pod);
            w.components.podgc.register_pod(&w.store, pod);
        }
        for kind in ComponentKind::ALL {
            if let Some(timer) = start_loop(kind) {
                let to = ComponentId::of(kind);
                w.engine.inject(SimTime::ZERO, Event::Timer { to, timer });
            }
        }
        w.images = booted.images.clone();
        for (i, t) in w.terminals.iter().enumerate() {
            let timer = AnyTimer::Terminal(TerminalTimer::Start);
            let to = ComponentId::terminal(i as u32);
            w.engine.inject(t.step().at, Event::Timer { to, timer });
        }
        for (t, i) in w.expectations.edges() {
            w.engine.inject(t, Event::ExpectEdge(i));
        }
        Ok(w)
    }

    /// Virtual time now.
    pub fn now(&self) -> SimTime {
        self.engine.now()
    }

    /// Events handled so far.
    pub fn events_processed(&self) -> u64 {
        self.engine.processed()
    }

    /// Runs until the end or until nothing is left to happen, or until stopped: by a limit,
    /// or at the end of the instant in which [`World::interrupt`] asked (steps still running
    /// are then stopped, as at the end of a run).
    pub fn run(&mut self) {
        self.report_progress();
        self.step_until(self.end);
        if self.stopped.is_none() {
            self.engine.advance_to(self.end);
            self.finish();
        } else {
            self.stop_terminals();
        }
    }

    /// Stops the run now (the first reason wins).
    pub fn stop(&mut self, reason: StopReason, message: String) {
        if self.stopped.is_none() {
            self.stopped = Some(Stop {
                reason,
                at: self.now(),
                message,
            });
        }
    }

    /// Handles every event due at or before `until` (not past the end), then stops: the
    /// caller may inject events and step again.
    pub fn step_until(&mut self, until: SimTime) {
        let until = until.min(self.end);
        while self.stopped.is_none() {
            let Some(item) = self.engine.next_until(until) else {
                break;
            };
            self.dispatch(item.event);
            if let Some(mut obs) = self.observer.take() {
                obs(self, &item);
                self.observer = Some(obs);
            }
            if self.engine.processed() & (PROGRESS_EVERY - 1) == 0 {
                self.report_progress();
            }
            if self.engine.peek_time() != Some(self.now()) {
                self.end_instant();
                if let Some(reason) = self.interrupt.requested() {
                    self.stop(reason, String::new());
                }
            }
        }
    }

    /// Hands the progress hook, if any, where the run is.
    pub fn report_progress(&mut self) {
        if let Some(hook) = &mut self.progress {
            hook(Progress {
                now: self.engine.now(),
                end: self.end,
                events: self.engine.processed(),
                live_pods: self.store.pods.len(),
            });
        }
    }

    /// Puts an event in from outside (a shell command, a test).
    pub fn inject(&mut self, at: SimTime, event: Event) {
        self.engine.inject(at, event);
    }

    fn dispatch(&mut self, ev: Event) {
        let to = match ev {
            Event::Notify { to, .. } | Event::Timer { to, .. } | Event::Message { to, .. } => {
                Some(to)
            }
            _ => None,
        };
        if to.is_some_and(|to| !self.receives(to, self.engine.current_seq())) {
            return;
        }
        match ev {
            Event::Admit(id) => {
                let dispatch = self.api.admit(id, self.now());
                sink::schedule(&mut self.engine, id, dispatch);
            }
            Event::QueueTimeout(id) => {
                if let Some(at) = self.api.expire(id, self.now()) {
                    self.engine.schedule_at(at, Event::Admit(id));
                }
            }
            Event::Commit(id) => self.commit(id),
            Event::Respond(id) => self.respond(id),
            Event::Notify { to, notice } => self.call(to, Call::Observe(notice)),
            Event::Timer { to, timer } => {
                if to.kind == ComponentKind::Terminal
                    && timer == AnyTimer::Terminal(TerminalTimer::Start)
                {
                    self.last_started = Some(to.instance);
                }
                self.call(to, Call::Timer(timer));
            }
            Event::Message { to, from, msg } => self.call(to, Call::Message(from, msg)),
            Event::ExpectEdge(_) => {}
            Event::ControlPlane(signal) => self.control_plane(signal),
        }
        let live = self.store.pods.len();
        if live > self.limits.max_live_pods && self.stopped.is_none() {
            let message = format!(
                "the run reached {live} live pods, more than the {} kubesim allows (--max-live-pods; the default is twice Kubernetes' 150,000-pod envelope); {}",
                self.limits.max_live_pods,
                self.culprit_description()
            );
            self.stop(StopReason::MaxLivePods, message);
        }
    }

    /// Names the most recently started step, for errors that stop the run.
    pub fn culprit_description(&self) -> String {
        match self
            .last_started
            .and_then(|i| self.terminals.get(i as usize))
        {
            Some(t) => format!("the last step started was {}", t.describe()),
            None => "no step had started".to_string(),
        }
    }

    fn commit(&mut self, id: u32) {
        let now = self.now();
        match self.api.arrive(id, now, (&self.streams, &self.timings)) {
            Arrival::Apply => {}
            Arrival::RetryAt(at) => {
                self.engine.schedule_at(at, Event::Commit(id));
                return;
            }
            Arrival::FailAt(at) => {
                self.engine.schedule_at(at, Event::Respond(id));
                return;
            }
        }
        self.api.commit(
            id,
            CommitEnv {
                now,
                store: &mut self.store,
                public_ips: &mut self.azure.public_ips,
                random: (&self.streams, &self.timings),
                deliveries: &mut self.deliveries,
            },
        );
        self.engine.schedule(SimDuration(0), Event::Respond(id));
        self.start_or_stop_kubelet(id);
        // The scratch vectors are taken and put back so their capacity is reused: no
        // allocation per event.
        let mut deliveries = std::mem::take(&mut self.deliveries);
        for d in deliveries.drain(..) {
            if let Some(d) = self.api.route_delivery(d) {
                self.deliver(d);
            }
        }
        self.deliveries = deliveries;
    }

    /// Queues one watch event for its component.
    fn deliver(&mut self, d: Delivery) {
        let ev = Event::Notify {
            to: d.to,
            notice: d.notice,
        };
        self.engine.schedule_at(d.at, ev);
    }

    /// A Node created at run time is a booted VM whose kubelet now runs; a deleted one's
    /// kubelet is gone with its VM.
    fn start_or_stop_kubelet(&mut self, id: u32) {
        let Some(req) = self.api.request(id) else {
            return;
        };
        match (&req.op, &req.outcome) {
            (Op::Create { .. }, Some(Outcome::Created(r))) if r.kind == Kind::Node => {
                let Some(node) = self.store.nodes.get(r.id) else {
                    return;
                };
                let i = r.id as usize;
                if self.kubelets.len() <= i {
                    self.kubelets.resize_with(i + 1, || None);
                }
                let pulls = self
                    .pool_pulls
                    .get(node.pool as usize)
                    .copied()
                    .unwrap_or(Some(1));
                self.kubelets[i] = Some(
                    Kubelet::new(
                        r.id,
                        node.vm,
                        self.images.iter().cloned(),
                        self.image_catalog.clone(),
                    )
                    .with_parallel_pulls(pulls),
                );
            }
            (Op::Delete { target, .. }, Some(Outcome::Deleted(_))) if target.kind == Kind::Node => {
                if let Some(k) = self.kubelets.get_mut(target.id as usize) {
                    *k = None;
                }
            }
            _ => {}
        }
    }

    fn respond(&mut self, id: u32) {
        for (next, dispatch) in self.api.release(id, self.now()).into_iter().flatten() {
            sink::schedule(&mut self.engine, next, dispatch);
        }
        let Some(req) = self.api.take(id) else {
            return;
        };
        let outcome = req.outcome.clone().unwrap_or(Outcome::Done);
        self.call(req.client, Call::Respond(req.tag, &req.op, &outcome));
    }

    /// Hands one notification, response or timer to its component.
    fn call(&mut self, to: ComponentId, call: Call<'_>) {
        let now = self.now();
        let World {
            engine,
            store,
            streams,
            timings,
            api,
            azure,
            components,
            kubelets,
            terminals,
            records,
            printed,
            ..
        } = self;
        let mut parts = Parts {
            now,
            store,
            random: (streams, timings),
            fx: Effects {
                engine,
                api,
                now,
                random: (streams, timings),
                records,
                printed,
            },
        };
        let i = to.instance as usize;
        if !components.run(to.kind, to, &mut parts, azure, call) {
            match to.kind {
                ComponentKind::Kubelet => {
                    if let Some(Some(k)) = kubelets.get_mut(i) {
                        parts.run(to, k, &mut azure.ipam, call);
                    }
                }
                ComponentKind::Terminal => {
                    if let Some(t) = terminals.get_mut(i) {
                        parts.run(to, t, azure, call);
                    }
                }
                _ => {}
            }
        }
        self.flush_effects();
    }

    /// Stores the Events a handler recorded and writes what terminals printed.
    fn flush_effects(&mut self) {
        let now = self.now();
        let mut records = std::mem::take(&mut self.records);
        // Taken out while the records are read against the store, and put back below.
        let mut events = std::mem::take(&mut self.store.events);
        for r in records.drain(..) {
            let Some(m) = self.store.meta(r.obj) else {
                continue;
            };
            let namespace = m.namespace.map_or("", |n| self.store.ns_name(n));
            let kind = if r.obj.kind == Kind::ReplicaSet {
                self.store.rs_kind(r.obj.id)
            } else {
                r.obj.kind
            };
            // The kubelet reports `source.host`: its node (kubectl's wide SOURCE `kubelet, NODE`).
            let host = if r.source == "kubelet" && kind == Kind::Pod {
                self.store.pods.get(r.obj.id).and_then(|p| p.node)
            } else {
                None
            };
            let (object, namespace, message) =
                events.share(r.obj, &m.name, namespace, r.reason, r.message);
            let e = StoredEvent {
                object,
                stamp_ns: 0,
                time: now,
                namespace,
                kind,
                warning: r.warning,
                reason: r.reason,
                source: r.source,
                host_plus_one: StoredEvent::host_field(host),
                message,
            };
            self.out.event(events.record(e, now));
        }
        self.store.events = events;
        self.records = records;
        let mut printed = std::mem::take(&mut self.printed);
        for (who, out) in printed.drain(..) {
            let step = who.instance;
            match out {
                TerminalOutput::Started(cmd) => {
                    let at = self
                        .terminals
                        .get(step as usize)
                        .map_or(now, |t| t.step().at);
                    self.out.step_started(step, at, &cmd);
                }
                TerminalOutput::Line(text) => self.out.step_output(step, now, &text),
                TerminalOutput::Exited(code) => self.out.step_exited(step, now, code),
                TerminalOutput::Stopped => self.out.step_stopped(step, now),
            }
        }
        self.printed = printed;
    }

    /// End of an instant: timeline rows for what changed, then expectations.
    fn end_instant(&mut self) {
        let changed = self.store.take_changed();
        let now = self.now();
        self.store.events.prune(now);
        self.out.timeline_instant(now, &self.store, &changed);
        let any = !changed.is_empty();
        self.expectations
            .evaluate_at(now, any, &self.store, self.out.counters());
    }

    fn finish(&mut self) {
        let changed = self.store.take_changed();
        let now = self.now();
        self.out.timeline_instant(now, &self.store, &changed);
        for i in 0..self.terminals.len() as u32 {
            self.call(
                ComponentId::terminal(i),
                Call::Timer(AnyTimer::Terminal(TerminalTimer::Stop)),
            );
        }
        self.expectations
            .settle(now, &self.store, self.out.counters());
        for (line, passed) in self.expectations.lines() {
            self.out.expectation_line(&line, passed);
        }
    }
}

impl World {
    /// Steps still running are interrupted (Ctrl-C), at the end of a run or when it stops.
    fn stop_terminals(&mut self) {
        for i in 0..self.terminals.len() as u32 {
            let stop = Call::Timer(AnyTimer::Terminal(TerminalTimer::Stop));
            self.call(ComponentId::terminal(i), stop);
        }
    }
}

/// For unit tests: the world of a scenario written inline, loaded, prepared and built.
#[cfg(test)]
pub(crate) fn test_world(text: &str) -> World {
    let scenario = crate::scenario::load::load_str(std::path::Path::new("t.yaml"), text)
        .expect("the scenario loads");
    let prepared = crate::cli::prepare::prepare(scenario).expect("the scenario is valid");
    World::new(prepared.into_run_plan(), 1, Outputs::discard()).expect("the cluster builds")
}

/// What a component is handed.
#[derive(Clone, Copy)]
pub(crate) enum Call<'a> {
    Observe(Notice),
    Message(ComponentId, Message),
    Respond(AnyTag, &'a Op, &'a Outcome),
    Timer(AnyTimer),
}

/// The parts of the world a handler call borrows.
pub(crate) struct Parts<'a> {
    now: SimTime,
    store: &'a Store,
    random: (&'a Streams, &'a Timings),
    fx: Effects<'a>,
}

impl Parts<'_> {
    pub(crate) fn run<C: Registered>(
        &mut self,
        me: ComponentId,
        c: &mut C,
        env: &mut C::Env,
        call: Call<'_>,
    ) {
        let mut cx = Ctx::new(self.now, self.store, env, me, self.random, &mut self.fx);
        match call {
            Call::Observe(n) => c.observe(&mut cx, n),
            Call::Message(from, msg) => c.on_message(&mut cx, from, msg),
            Call::Respond(tag, op, outcome) => {
                if let Some(tag) = C::unwrap_tag(tag) {
                    c.on_response(&mut cx, tag, Response { op, outcome });
                }
            }
            Call::Timer(t) => {
                if let Some(t) = C::unwrap_timer(t) {
                    c.on_timer(&mut cx, t);
                }
            }
        }
    }
}

#[cfg(test)]
mod stop_tests {
    use super::*;
    use crate::sim::stop::StopReason;
    use std::sync::Arc;
    use std::sync::atomic::Ordering;

    fn world() -> World {
        crate::cluster::test_world(
            "name: t\nduration: 10m\nsteps:\n- at: 1s\n  run: kubectl create deployment web --image=nginx --replicas=3\n- at: 5m\n  run: kubectl get pods\n",
        )
    }

    #[test]
    fn a_request_stops_the_run_at_the_end_of_the_instant_it_was_made_in() {
        let mut w = world();
        let flag = w.interrupt.flag(StopReason::Sigterm);
        assert!(Arc::ptr_eq(&flag, &w.interrupt.flag(StopReason::Sigterm)));
        // Set the flag from the observer after the 40th event, as a signal handler would.
        let seen = std::rc::Rc::new(std::cell::Cell::new((0u64, SimTime::ZERO)));
        let s = seen.clone();
        w.observer = Some(Box::new(move |w, ev| {
            if w.events_processed() == 40 {
                flag.store(true, Ordering::Relaxed);
                s.set((w.events_processed(), ev.time));
            }
        }));
        w.run();
        let (n, t) = seen.get();
        assert_eq!(n, 40, "the run got that far");
        let stop = w.stopped.clone().expect("stopped");
        assert_eq!(stop.reason, StopReason::Sigterm);
        assert_eq!(stop.at, t, "at the end of that instant");
        assert_eq!(w.now(), t);
        assert!(
            w.engine.peek_time().is_some_and(|next| next > t),
            "the rest of the run was not handled"
        );
        assert_eq!(w.terminals[1].exit_code(), None, "the later step never ran");
    }

    #[test]
    fn without_a_request_the_run_completes() {
        let mut w = world();
        let _flag = w.interrupt.flag(StopReason::Sigint);
        w.run();
        assert_eq!(w.stopped, None);
        assert_eq!(w.now(), w.end);
        assert_eq!(w.interrupt.requested(), None);
    }
}

#[cfg(test)]
mod stepping_tests {
    use super::*;

    const SCENARIO: &str = "name: t\nduration: 3m\nsteps:\n- at: 1s\n  run: kubectl create deployment web --image=nginx --replicas=5\n- at: 61s\n  run: kubectl scale deployment/web --replicas=2\n";

    /// What a run leaves: each pod's name and node, in store order.
    fn pods(w: &World) -> Vec<(String, Option<u32>)> {
        w.store
            .pods
            .iter()
            .map(|(_, p)| (p.meta.name.clone(), p.node))
            .collect()
    }

    #[test]
    fn stepping_in_slices_gives_the_same_run_as_one_call() {
        let mut whole = test_world(SCENARIO);
        whole.run();
        let mut sliced = test_world(SCENARIO);
        let mut until = SimTime::ZERO;
        while until < sliced.end {
            until = until + SimDuration::from_secs(7);
            sliced.step_until(until);
            assert!(sliced.now() <= until, "never past the slice's end");
        }
        sliced.run();
        assert_eq!(whole.events_processed(), sliced.events_processed());
        assert_eq!(pods(&whole), pods(&sliced));
        assert_eq!(whole.store.revision, sliced.store.revision);
    }
}

#[cfg(test)]
mod boot_tests {
    use crate::model::kind::Kind;
    use crate::model::meta::ObjRef;
    use std::collections::BTreeMap;

    /// The system Deployments' pods at t=0 per node: (Deployment name → node → pods).
    fn placement(nodes: u32) -> (usize, BTreeMap<String, BTreeMap<u32, u32>>) {
        let w = crate::cluster::test_world(&format!(
            "name: t\nduration: 1s\ncluster:\n  networkPlugin: kubenet\n  nodePools:\n  - name: nodepool1\n    count: {nodes}\n"
        ));
        let mut by: BTreeMap<String, BTreeMap<u32, u32>> = BTreeMap::new();
        for (_, p) in w.store.pods.iter() {
            let Some(rs) = p.meta.controller().filter(|o| o.kind == Kind::ReplicaSet) else {
                continue;
            };
            let Some(d) = w.store.meta(ObjRef {
                kind: Kind::ReplicaSet,
                id: rs.id,
            }) else {
                continue;
            };
            let dep = d.owners[0].owner;
            let name = w
                .store
                .meta(dep)
                .map(|m| m.name.clone())
                .unwrap_or_default();
            *by.entry(name)
                .or_default()
                .entry(p.node.unwrap_or(u32::MAX))
                .or_default() += 1;
        }
        (w.store.nodes.len(), by)
    }

    #[test]
    fn system_deployments_spread_over_the_nodes_as_the_scheduler_spreads_them() {
        // PodTopologySpread's system default (hostname, ScheduleAnyway) scores a node by the
        // Deployment's pods on it, so on equal empty nodes each replica goes to a node with
        // none of its siblings, and LeastAllocated then prefers the emptier nodes: no node of
        // a 3-node cluster is left without system pods (round-robin from the first node gave
        // 4/3/0).
        let (nodes, by) = placement(3);
        assert_eq!(nodes, 3);
        assert!(!by.is_empty());
        let mut per_node = BTreeMap::new();
        for (name, at) in &by {
            assert!(at.values().all(|&n| n == 1), "{name} doubles up: {at:?}");
            for (node, n) in at {
                *per_node.entry(*node).or_insert(0) += n;
            }
        }
        assert_eq!(
            per_node.len(),
            3,
            "every node runs system pods: {per_node:?}"
        );
    }
}

/// The periodic loop a component starts with (`wait.Until` in its `Run`): its first pass runs
/// when the component starts, at t=0 or when a restarted process takes its lease again, and
/// each pass schedules the next.
pub(crate) fn start_loop(kind: ComponentKind) -> Option<AnyTimer> {
    match kind {
        ComponentKind::NodeLifecycleController => Some(AnyTimer::NodeLifecycle(
            crate::controllers::nodelifecycle::Timer::Monitor,
        )),
        ComponentKind::CloudNodeLifecycleController => {
            Some(AnyTimer::CloudNodes(crate::aks::cloudnode::Timer::Monitor))
        }
        // PodGC: a cycle at start, then every gcCheckPeriod.
        ComponentKind::PodGarbageCollector => Some(AnyTimer::PodGc(())),
        _ => None,
    }
}
