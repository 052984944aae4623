//! What a component's handler may do: read the store, draw latencies, and act through a sink.
//!
//! The sink is the run's (it sends requests through the API server, schedules timers, records
//! Events); in unit tests it is a `testing::Recorder` (unit tests only) that keeps every effect for the test to
//! check, the way Kubernetes tests a `syncHandler` with fake listers and a fake client.

use crate::component::{Component, ComponentId, Message};
use crate::etcd::Store;
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::model::request::Op;
use crate::sim::engine::TimerKey;
use crate::sim::rng::Streams;
use crate::sim::time::{SimDuration, SimTime};
use crate::sim::timing::{TimingName, Timings};
use rand_chacha::ChaCha8Rng;

/// A Kubernetes Event as a component records it (`EventRecorder.Event`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRecord {
    /// The involved object.
    pub obj: ObjRef,
    /// `Warning` rather than `Normal`.
    pub warning: bool,
    /// `reason`.
    pub reason: &'static str,
    /// `source.component` (the ReplicaSet controller records as `replication-controller` for
    /// ReplicationControllers, so this is not always the component's own name).
    pub source: &'static str,
    /// `message`.
    pub message: String,
}

/// What a terminal shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TerminalOutput {
    /// The command was typed.
    Started(String),
    /// A line (or several) of output.
    Line(String),
    /// The command exited with this code.
    Exited(i32),
    /// The command was interrupted (Ctrl-C after `stopAfter`, or the run ended).
    Stopped,
}

/// Where a component's actions go.
pub trait Sink<C: Component + ?Sized> {
    /// Sends a request to the API server; its response comes back with `tag`.
    fn submit(&mut self, from: ComponentId, op: Op, tag: C::Tag, key: &str);
    /// Sets a timer.
    fn timer_at(&mut self, from: ComponentId, at: SimTime, timer: C::Timer) -> TimerKey;
    /// Cancels a pending timer.
    fn cancel(&mut self, key: TimerKey);
    /// Records a Kubernetes Event.
    fn event(&mut self, event: EventRecord);
    /// Writes to the component's terminal.
    fn terminal(&mut self, from: ComponentId, out: TerminalOutput);
    /// Watches one object until it is deleted (kubectl's `--wait`).
    fn watch_deletion(&mut self, from: ComponentId, obj: ObjRef);
    /// Watches every change of one object until it is deleted (`kubectl wait`).
    fn watch_object(&mut self, from: ComponentId, obj: ObjRef);
    /// Watches every change of every object of a kind (`kubectl get --watch`).
    fn watch_kind(&mut self, from: ComponentId, kind: Kind);
    /// Ends the component's kind watches.
    fn end_kind_watches(&mut self, from: ComponentId);
    /// Sends a message to another component (delivered in this instant, after the handler).
    fn send(&mut self, from: ComponentId, to: ComponentId, msg: Message);
    /// Breaks or repairs the managed control plane (a `kubesim` step), in this instant.
    fn control_plane(&mut self, from: ComponentId, fault: crate::fault::ControlPlaneFault);
}

/// A handler's view of the run.
pub struct Ctx<'a, C: Component + ?Sized> {
    /// Virtual time now.
    pub now: SimTime,
    /// The committed store, read-only.
    pub store: &'a Store,
    /// What the component reaches outside the API server.
    pub env: &'a mut C::Env,
    /// Which component this is.
    pub me: ComponentId,
    streams: &'a Streams,
    timings: &'a Timings,
    sink: &'a mut dyn Sink<C>,
}

impl<'a, C: Component + ?Sized> Ctx<'a, C> {
    /// A context for one handler call.
    pub fn new(
        now: SimTime,
        store: &'a Store,
        env: &'a mut C::Env,
        me: ComponentId,
        random: (&'a Streams, &'a Timings),
        sink: &'a mut dyn Sink<C>,
    ) -> Ctx<'a, C> {
        Ctx {
            now,
            store,
            env,
            me,
            streams: random.0,
            timings: random.1,
            sink,
        }
    }

    /// Sends a request through the API server (after the component's rate limit).
    pub fn submit(&mut self, op: Op, tag: C::Tag, key: &str) {
        self.sink.submit(self.me, op, tag, key);
    }

    /// Sets a timer `after` from now.
    pub fn after(&mut self, after: SimDuration, timer: C::Timer) -> TimerKey {
        let at = self.now + after;
        self.sink.timer_at(self.me, at, timer)
    }

    /// Sets a timer at `at` (not before now).
    pub fn at(&mut self, at: SimTime, timer: C::Timer) -> TimerKey {
        let at = at.max(self.now);
        self.sink.timer_at(self.me, at, timer)
    }

    /// Cancels a pending timer.
    pub fn cancel(&mut self, key: TimerKey) {
        self.sink.cancel(key);
    }

    /// Records a Kubernetes Event.
    pub fn event(
        &mut self,
        obj: ObjRef,
        warning: bool,
        reason: &'static str,
        source: &'static str,
        message: String,
    ) {
        self.sink.event(EventRecord {
            obj,
            warning,
            reason,
            source,
            message,
        });
    }

    /// Writes to the terminal.
    pub fn terminal(&mut self, out: TerminalOutput) {
        self.sink.terminal(self.me, out);
    }

    /// Watches `obj` until it is deleted.
    pub fn watch_deletion(&mut self, obj: ObjRef) {
        self.sink.watch_deletion(self.me, obj);
    }

    /// Watches every change of `obj` (its deletion included).
    pub fn watch_object(&mut self, obj: ObjRef) {
        self.sink.watch_object(self.me, obj);
    }

    /// Watches every change of every object of `kind`, until [`Ctx::end_kind_watches`].
    pub fn watch_kind(&mut self, kind: Kind) {
        self.sink.watch_kind(self.me, kind);
    }

    /// Ends this component's kind watches.
    pub fn end_kind_watches(&mut self) {
        self.sink.end_kind_watches(self.me);
    }

    /// Sends a message to another component.
    pub fn send(&mut self, to: ComponentId, msg: Message) {
        self.sink.send(self.me, to, msg);
    }

    /// Breaks or repairs the control plane: only a `kubesim` step does this, because it
    /// happens to the machines rather than through the API.
    pub fn control_plane(&mut self, fault: crate::fault::ControlPlaneFault) {
        self.sink.control_plane(self.me, fault);
    }

    /// Draws a latency from a named distribution, from the stream keyed by `component`,
    /// `object` and `purpose`, so unrelated objects never shift each other's draws.
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

    /// The random stream keyed by `component`, `object` and `purpose` (tie-breaks).
    pub fn stream(&self, component: &str, object: &str, purpose: &str) -> ChaCha8Rng {
        self.streams.stream(component, object, purpose)
    }
}

/// A sink that records instead of acting, for unit tests of one component against a small
/// store.
#[cfg(test)]
pub mod testing {
    use super::*;

    /// One recorded effect.
    #[derive(Debug)]
    pub enum Effect<C: Component> {
        /// A request.
        Submit(Op, C::Tag, String),
        /// A timer.
        Timer(SimTime, C::Timer),
        /// A cancellation.
        Cancel(TimerKey),
        /// An Event.
        Event(EventRecord),
        /// Terminal output.
        Terminal(TerminalOutput),
        /// A watch for deletion.
        WatchDeletion(ObjRef),
        /// A watch of every change.
        WatchObject(ObjRef),
        /// A kind watch started (`Some`) or the kind watches ended (`None`).
        WatchKind(Option<Kind>),
        /// A message.
        Send(ComponentId, Message),
        /// A control-plane fault.
        ControlPlane(crate::fault::ControlPlaneFault),
    }

    /// Keeps effects in order.
    pub struct Recorder<C: Component> {
        /// What the component did, in order.
        pub effects: Vec<Effect<C>>,
        next_key: u64,
    }

    impl<C: Component> Default for Recorder<C> {
        fn default() -> Self {
            Recorder {
                effects: Vec::new(),
                next_key: 1,
            }
        }
    }

    impl<C: Component> Recorder<C> {
        /// The requests, in order.
        pub fn requests(&self) -> Vec<(&Op, C::Tag)> {
            self.effects
                .iter()
                .filter_map(|e| match e {
                    Effect::Submit(op, tag, _) => Some((op, *tag)),
                    _ => None,
                })
                .collect()
        }
        /// The Events, in order.
        pub fn events(&self) -> Vec<&EventRecord> {
            self.effects
                .iter()
                .filter_map(|e| match e {
                    Effect::Event(r) => Some(r),
                    _ => None,
                })
                .collect()
        }
        /// The timers, in order.
        pub fn timers(&self) -> Vec<(SimTime, C::Timer)> {
            self.effects
                .iter()
                .filter_map(|e| match e {
                    Effect::Timer(t, m) => Some((*t, *m)),
                    _ => None,
                })
                .collect()
        }
        /// The terminal output, in order.
        pub fn terminal(&self) -> Vec<&TerminalOutput> {
            self.effects
                .iter()
                .filter_map(|e| match e {
                    Effect::Terminal(t) => Some(t),
                    _ => None,
                })
                .collect()
        }
        /// Forgets what was recorded (between steps of a test).
        pub fn clear(&mut self) {
            self.effects.clear();
        }
    }

    impl<C: Component> Sink<C> for Recorder<C> {
        fn submit(&mut self, _: ComponentId, op: Op, tag: C::Tag, key: &str) {
            self.effects.push(Effect::Submit(op, tag, key.to_string()));
        }
        fn timer_at(&mut self, _: ComponentId, at: SimTime, timer: C::Timer) -> TimerKey {
            self.effects.push(Effect::Timer(at, timer));
            self.next_key += 1;
            TimerKey(self.next_key)
        }
        fn cancel(&mut self, key: TimerKey) {
            self.effects.push(Effect::Cancel(key));
        }
        fn event(&mut self, event: EventRecord) {
            self.effects.push(Effect::Event(event));
        }
        fn terminal(&mut self, _: ComponentId, out: TerminalOutput) {
            self.effects.push(Effect::Terminal(out));
        }
        fn watch_deletion(&mut self, _: ComponentId, obj: ObjRef) {
            self.effects.push(Effect::WatchDeletion(obj));
        }
        fn watch_object(&mut self, _: ComponentId, obj: ObjRef) {
            self.effects.push(Effect::WatchObject(obj));
        }
        fn watch_kind(&mut self, _: ComponentId, kind: Kind) {
            self.effects.push(Effect::WatchKind(Some(kind)));
        }
        fn end_kind_watches(&mut self, _: ComponentId) {
            self.effects.push(Effect::WatchKind(None));
        }
        fn send(&mut self, _: ComponentId, to: ComponentId, msg: Message) {
            self.effects.push(Effect::Send(to, msg));
        }
        fn control_plane(&mut self, _: ComponentId, fault: crate::fault::ControlPlaneFault) {
            self.effects.push(Effect::ControlPlane(fault));
        }
    }

    /// Default timings and seed-1 streams, for contexts in tests.
    pub fn random() -> (Streams, Timings) {
        (Streams::new(1), Timings::defaults())
    }

    /// Calls one handler of `c` as `me` at `now` against `store`, and returns what it did.
    pub fn run<C: Component>(
        c: &mut C,
        store: &Store,
        env: &mut C::Env,
        me: ComponentId,
        now: SimTime,
        handler: impl FnOnce(&mut C, &mut Ctx<'_, C>),
    ) -> Recorder<C> {
        let (streams, timings) = random();
        let mut recorder = Recorder::default();
        let mut cx = Ctx::new(now, store, env, me, (&streams, &timings), &mut recorder);
        handler(c, &mut cx);
        recorder
    }
}
