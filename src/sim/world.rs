//! The world: all state of one run, and the run loop.
//!
//! One `World` owns the store, every component's state and the outputs; handlers are
//! functions over `&mut World` (house rule 1). The loop pops events in `(time, seq)` order,
//! dispatches them, and at the end of each instant (when the next event is later) writes
//! timeline rows and evaluates expectations, so a change undone within one instant is never
//! seen (CONTRACT §4).

use crate::apiserver::ApiServer;
use crate::apiserver::store::Store;
use crate::controllers::deployment::DeploymentController;
use crate::controllers::gc::GarbageCollector;
use crate::controllers::replicaset::ReplicaSetController;
use crate::controllers::service::ServiceController;
use crate::kubectl::exec::Steps;
use crate::kubelet::Kubelet;
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::output::Outputs;
use crate::output::expectations::Expectations;
use crate::scheduler::Scheduler;
use crate::sim::event::Event;
use crate::sim::queue::{Queue, Scheduled};
use crate::sim::rng::Streams;
use crate::sim::stop::{Interrupt, Stop, StopReason};
use crate::sim::time::{SimDuration, SimTime};
use crate::sim::timing::{TimingName, Timings};

/// A callback run after every event with read access to the whole world (tests and
/// `--check-invariants`); off by default.
pub type Observer = Box<dyn FnMut(&World, &Scheduled<Event>)>;

/// Limits that stop a run which would exhaust memory (exit 2, naming the step).
#[derive(Clone, Copy, Debug)]
pub struct RunLimits {
    /// Most live pods at once.
    pub max_live_pods: usize,
}

impl Default for RunLimits {
    /// 300,000 pods: twice Kubernetes' 150,000-pod scalability envelope (facts A.9).
    fn default() -> Self {
        RunLimits {
            max_live_pods: 300_000,
        }
    }
}

/// Everything in one simulated run.
pub struct World {
    /// Current virtual time.
    pub now: SimTime,
    /// `seq` of the event being handled: the `cause` of events it schedules.
    pub cur_seq: u64,
    /// End of the run.
    pub end: SimTime,
    /// Pending events.
    pub queue: Queue<Event>,
    /// The API server's storage.
    pub store: Store,
    /// Random streams.
    pub streams: Streams,
    /// Latency distributions.
    pub timings: Timings,
    /// The API server (requests in flight, clients, allocators).
    pub api: ApiServer,
    /// Deployment controller.
    pub deployments: DeploymentController,
    /// ReplicaSet/RC controller.
    pub replicasets: ReplicaSetController,
    /// Garbage collector.
    pub gc: GarbageCollector,
    /// Service (load balancer) controller.
    pub services: ServiceController,
    /// kube-scheduler.
    pub scheduler: Scheduler,
    /// One kubelet per node id.
    pub kubelets: Vec<Kubelet>,
    /// The scenario's steps (kubectl terminals).
    pub steps: Steps,
    /// Expectations.
    pub expectations: Expectations,
    /// Pod and node addresses (the network plugin's IPAM).
    pub ipam: crate::network::Ipam,
    /// Output writers.
    pub out: Outputs,
    /// Events handled so far.
    pub events_processed: u64,
    /// Resource ceilings.
    pub limits: RunLimits,
    /// Why the run stopped before its end, if it did (summary.json says it did not complete).
    pub stopped: Option<Stop>,
    /// Stop requests from outside the loop (signals), read at the end of each instant.
    pub interrupt: Interrupt,
    /// Optional observer hook.
    pub observer: Option<Observer>,
}

impl World {
    /// Builds the world for a prepared scenario: the cluster at t=0, the steps and
    /// expectations queued. Fails if AKS would refuse the cluster (its subnet too small).
    pub fn new(
        prepared: crate::cli::prepare::Prepared,
        seed: u64,
        out: Outputs,
    ) -> Result<World, String> {
        let crate::cli::prepare::Prepared {
            scenario,
            plan,
            timings,
            steps,
            ..
        } = prepared;
        let service_ips = crate::network::ServiceIpAllocator::for_cluster(&plan.network);
        let mut w = World {
            now: SimTime::ZERO,
            cur_seq: 0,
            end: SimTime(scenario.duration_us),
            queue: Queue::default(),
            store: Store::default(),
            streams: Streams::new(seed),
            timings,
            api: ApiServer::new(service_ips),
            deployments: DeploymentController::default(),
            replicasets: ReplicaSetController::default(),
            gc: GarbageCollector::default(),
            services: ServiceController::default(),
            scheduler: Scheduler::default(),
            kubelets: Vec::new(),
            steps: Steps::new(steps),
            expectations: Expectations::new(scenario.expect.clone()),
            ipam: crate::network::Ipam::new(&plan.network),
            out,
            events_processed: 0,
            limits: RunLimits::default(),
            stopped: None,
            interrupt: Interrupt::default(),
            observer: None,
        };
        crate::aks::cluster::bootstrap(&mut w, &plan)?;
        for i in 0..w.steps.list.len() {
            let at = w.steps.list[i].at;
            w.queue.push(at, 0, Event::StepStart(i as u32));
        }
        for (t, i) in w.expectations.edges() {
            w.queue.push(t, 0, Event::ExpectEdge(i));
        }
        Ok(w)
    }

    /// Schedules an event `after` from now, caused by the current event.
    pub fn schedule(&mut self, after: SimDuration, ev: Event) {
        let t = self.now + after;
        self.queue.push(t, self.cur_seq, ev);
    }

    /// Schedules an event at an absolute time (not before now).
    pub fn schedule_at(&mut self, t: SimTime, ev: Event) {
        let t = t.max(self.now);
        self.queue.push(t, self.cur_seq, ev);
    }

    /// Draws a latency from a named distribution, from the stream keyed by `component`,
    /// `object` and `purpose` (CONTRACT §9).
    pub fn sample(
        &self,
        name: TimingName,
        component: &str,
        object: &str,
        purpose: &str,
    ) -> SimDuration {
        let mut rng = self.streams.stream(component, object, purpose);
        self.timings.get(name).sample(&mut rng)
    }

    /// Runs until `end` or until nothing is left to happen, or until stopped: by a limit, or
    /// at the end of the instant in which [`World::interrupt`] asked (steps still running are
    /// then stopped, as at the end of a run).
    pub fn run(&mut self) {
        while let Some(t) = self.queue.peek_time() {
            if t > self.end || self.stopped.is_some() {
                break;
            }
            let Some(item) = self.queue.pop() else { break };
            self.now = item.time;
            self.cur_seq = item.seq;
            self.events_processed += 1;
            self.dispatch(item.event);
            if let Some(mut obs) = self.observer.take() {
                obs(self, &item);
                self.observer = Some(obs);
            }
            if self.queue.peek_time() != Some(self.now) {
                self.end_instant();
                if let Some(reason) = self.interrupt.requested() {
                    self.stop(reason, String::new());
                }
            }
        }
        if self.stopped.is_none() {
            self.now = self.now.max(self.end);
            self.finish();
        } else {
            crate::kubectl::exec::stop_all(self);
        }
    }

    /// Stops the run now (the first reason wins).
    pub fn stop(&mut self, reason: StopReason, message: String) {
        if self.stopped.is_none() {
            self.stopped = Some(Stop {
                reason,
                at: self.now,
                message,
            });
        }
    }

    fn dispatch(&mut self, ev: Event) {
        match ev {
            Event::StepStart(i) => crate::kubectl::exec::start_step(self, i),
            Event::StepStop(i) => crate::kubectl::exec::stop_step(self, i),
            Event::ApiCommit(r) => crate::apiserver::commit(self, r),
            Event::ApiResponse(r) => crate::apiserver::respond(self, r),
            Event::Notify {
                watcher,
                obj,
                change,
                owner,
            } => crate::apiserver::watch::deliver(self, watcher, obj, change, owner),
            Event::ControllerSync { ctrl, key } => crate::controllers::sync(self, ctrl, key),
            Event::ControllerRequeue { ctrl, key } => crate::controllers::enqueue(self, ctrl, key),
            Event::SchedulingCycle(pod) => crate::scheduler::cycle_done(self, pod),
            Event::SchedulerFlush => crate::scheduler::flush(self),
            Event::Kubelet { node, pod, step } => crate::kubelet::step(self, node, pod, step),
            Event::LoadBalancerReady(svc) => crate::controllers::service::provisioned(self, svc),
            Event::ExpectEdge(_) => {}
        }
        let live = self.store.pods.len();
        if live > self.limits.max_live_pods && self.stopped.is_none() {
            let message = format!(
                "the run reached {live} live pods, more than the {} kubesim allows (--max-live-pods; the default is twice Kubernetes' 150,000-pod envelope); {}",
                self.limits.max_live_pods,
                self.steps.culprit_description()
            );
            self.stop(StopReason::MaxLivePods, message);
        }
    }

    /// End of an instant: timeline rows for what changed, then expectations.
    fn end_instant(&mut self) {
        let changed = self.store.take_changed();
        let now = self.now;
        self.out.timeline_instant(now, &self.store, &changed);
        let any = !changed.is_empty();
        crate::output::expectations::evaluate(self, any);
    }

    fn finish(&mut self) {
        let changed = self.store.take_changed();
        let now = self.now;
        self.out.timeline_instant(now, &self.store, &changed);
        crate::kubectl::exec::stop_all(self);
        crate::output::expectations::finish(self);
    }

    /// Records a Kubernetes Event (events.csv and `kubectl get events`).
    pub fn record_event(
        &mut self,
        obj: ObjRef,
        warning: bool,
        reason: &'static str,
        source: &'static str,
        message: String,
    ) {
        let (ns, name) = match self.store.meta(obj) {
            Some(m) => (
                m.namespace
                    .map(|n| self.store.ns_name(n).to_string())
                    .unwrap_or_default(),
                m.name.clone(),
            ),
            None => return,
        };
        let kind = if obj.kind == Kind::ReplicaSet {
            self.store.rs_kind(obj.id)
        } else {
            obj.kind
        };
        // The kubelet reports `source.host`: its node (kubectl's wide SOURCE `kubelet, NODE`).
        let host = if source == "kubelet" && kind == Kind::Pod {
            self.store.pods.get(obj.id).and_then(|p| p.node)
        } else {
            None
        };
        self.out.event(
            self.now, &ns, kind, &name, warning, reason, source, &message, host,
        );
    }
}
