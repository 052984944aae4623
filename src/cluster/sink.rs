//! The run's sink: what a component's [`Ctx`](crate::component::Ctx) calls turn into.

use crate::apiserver::{ApiServer, Dispatch, Op, Request};
use crate::cluster::event::{AnyTag, Event};
use crate::cluster::registry::Registered;
use crate::component::{ComponentId, EventRecord, Message, Sink, TerminalOutput};
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::sim::engine::{Engine, TimerKey};
use crate::sim::rng::Streams;
use crate::sim::time::SimTime;
use crate::sim::timing::Timings;

/// Requests and timers go straight to the API server and the engine, in the order the
/// handler makes them; Events and terminal output wait until the handler returns (the store
/// is borrowed by the handler meanwhile).
pub(crate) struct Effects<'a> {
    pub(crate) engine: &'a mut Engine<Event>,
    pub(crate) api: &'a mut ApiServer<AnyTag>,
    pub(crate) now: SimTime,
    pub(crate) random: (&'a Streams, &'a Timings),
    pub(crate) records: &'a mut Vec<EventRecord>,
    pub(crate) printed: &'a mut Vec<(ComponentId, TerminalOutput)>,
}

/// Queues the event that takes request `id` where the API server sent it.
pub(crate) fn schedule(engine: &mut Engine<Event>, id: u32, dispatch: Dispatch) {
    let (at, event) = match dispatch {
        Dispatch::Commit(at) => (at, Event::Commit(id)),
        Dispatch::Respond(at) => (at, Event::Respond(id)),
        Dispatch::Admit(at) => (at, Event::Admit(id)),
        Dispatch::Queued(until) => (until, Event::QueueTimeout(id)),
        Dispatch::Parked | Dispatch::Behind => return,
    };
    engine.schedule_at(at, event);
}

impl<C: Registered> Sink<C> for Effects<'_> {
    fn submit(&mut self, from: ComponentId, op: Op, tag: C::Tag, key: &str) {
        let request = Request {
            client: from,
            op,
            tag: C::wrap_tag(tag),
            outcome: None,
        };
        let (id, dispatch) = self.api.submit(self.now, self.random, request, key);
        schedule(self.engine, id, dispatch);
    }

    fn timer_at(&mut self, from: ComponentId, at: SimTime, timer: C::Timer) -> TimerKey {
        let timer = C::wrap_timer(timer);
        self.engine
            .schedule_at(at, Event::Timer { to: from, timer })
    }

    fn cancel(&mut self, key: TimerKey) {
        self.engine.cancel(key);
    }

    fn event(&mut self, event: EventRecord) {
        self.records.push(event);
    }

    fn terminal(&mut self, from: ComponentId, out: TerminalOutput) {
        self.printed.push((from, out));
    }

    fn watch_deletion(&mut self, from: ComponentId, obj: ObjRef) {
        self.api.watches.watch_deletion(obj, from);
    }

    fn watch_object(&mut self, from: ComponentId, obj: ObjRef) {
        self.api.watches.watch_object(obj, from);
    }

    fn watch_kind(&mut self, from: ComponentId, kind: Kind) {
        self.api.watches.watch_kind(kind, from);
    }

    fn end_kind_watches(&mut self, from: ComponentId) {
        self.api.watches.end_kind_watches(from);
    }

    fn send(&mut self, from: ComponentId, to: ComponentId, msg: Message) {
        self.engine
            .schedule_at(self.now, Event::Message { to, from, msg });
    }

    fn control_plane(&mut self, _: ComponentId, fault: crate::fault::ControlPlaneFault) {
        let signal = crate::cluster::controlplane::Signal::Fault(fault);
        self.engine
            .schedule_at(self.now, Event::ControlPlane(signal));
    }
}
