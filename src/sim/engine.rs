//! The run loop's core: the clock, the future-event list and cancellation, for any event type.
//!
//! The engine knows nothing of Kubernetes: the assembly of a run ([`crate::cluster`]) pops
//! events from it and hands them to components. `step_until` lets a caller (the run, a test,
//! later the interactive shell) advance virtual time in slices and `inject` events between
//! them; `cancel` removes a pending timer without scanning the heap (it is skipped when it
//! surfaces).

use crate::sim::queue::{Queue, Scheduled};
use crate::sim::time::{SimDuration, SimTime};
use std::collections::BTreeSet;

/// A handle on a scheduled event, good for [`Engine::cancel`]: the event's `seq`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimerKey(pub u64);

/// The clock and the pending events.
#[derive(Debug)]
pub struct Engine<E> {
    now: SimTime,
    cur_seq: u64,
    queue: Queue<E>,
    cancelled: BTreeSet<u64>,
    processed: u64,
}

impl<E> Default for Engine<E> {
    fn default() -> Self {
        Engine {
            now: SimTime::ZERO,
            cur_seq: 0,
            queue: Queue::default(),
            cancelled: BTreeSet::new(),
            processed: 0,
        }
    }
}

impl<E> Engine<E> {
    /// Current virtual time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// `seq` of the event being handled (the `cause` of what it schedules).
    pub fn current_seq(&self) -> u64 {
        self.cur_seq
    }

    /// The `seq` the next scheduled event will get, which tells the events scheduled from now
    /// on from those already pending.
    pub fn next_seq(&self) -> u64 {
        self.queue.next_seq()
    }

    /// Events handed out so far.
    pub fn processed(&self) -> u64 {
        self.processed
    }

    /// Schedules `event` `after` from now, caused by the current event.
    pub fn schedule(&mut self, after: SimDuration, event: E) -> TimerKey {
        self.schedule_at(self.now + after, event)
    }

    /// Schedules `event` at `time` (an earlier time means now: the past cannot be changed).
    pub fn schedule_at(&mut self, time: SimTime, event: E) -> TimerKey {
        let t = time.max(self.now);
        TimerKey(self.queue.push(t, self.cur_seq, event))
    }

    /// Puts an event in from outside the run (a scenario step at load time, a shell command),
    /// caused by nothing.
    pub fn inject(&mut self, time: SimTime, event: E) -> TimerKey {
        let t = time.max(self.now);
        TimerKey(self.queue.push(t, 0, event))
    }

    /// Cancels a pending event. Only for events still pending: a component forgets a timer's
    /// key when it fires (a key of a fired event would be remembered for nothing).
    pub fn cancel(&mut self, key: TimerKey) {
        self.cancelled.insert(key.0);
    }

    /// Time of the next live event, dropping cancelled ones on the way.
    pub fn peek_time(&mut self) -> Option<SimTime> {
        loop {
            let (t, seq) = self.queue.peek()?;
            if !self.cancelled.is_empty() && self.cancelled.remove(&seq) {
                self.queue.pop();
                continue;
            }
            return Some(t);
        }
    }

    /// Takes the next live event if it is due at or before `until`, advancing the clock to it.
    pub fn next_until(&mut self, until: SimTime) -> Option<Scheduled<E>> {
        if self.peek_time()? > until {
            return None;
        }
        let item = self.queue.pop()?;
        self.now = item.time;
        self.cur_seq = item.seq;
        self.processed += 1;
        Some(item)
    }

    /// Moves the clock forward to `t` when nothing is left before it (the end of a run).
    pub fn advance_to(&mut self, t: SimTime) {
        self.now = self.now.max(t);
    }

    /// Pending events, cancelled ones included until they surface.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancelled_timer_never_fires_and_the_others_keep_their_order() {
        let mut e: Engine<&str> = Engine::default();
        e.schedule(SimDuration(5), "a");
        let b = e.schedule(SimDuration(5), "b");
        e.schedule(SimDuration(5), "c");
        e.cancel(b);
        let got: Vec<&str> =
            std::iter::from_fn(|| e.next_until(SimTime(10)).map(|s| s.event)).collect();
        assert_eq!(got, ["a", "c"]);
    }

    #[test]
    fn step_until_stops_before_later_events_and_resumes_there() {
        let mut e: Engine<u32> = Engine::default();
        e.inject(SimTime(3), 1);
        e.inject(SimTime(9), 2);
        assert_eq!(e.next_until(SimTime(5)).map(|s| s.event), Some(1));
        assert!(e.next_until(SimTime(5)).is_none());
        assert_eq!(e.now(), SimTime(3));
        // Injected between slices, in the past: it runs now, not earlier.
        e.inject(SimTime(1), 7);
        assert_eq!(
            e.next_until(SimTime(5)).map(|s| (s.time, s.event)),
            Some((SimTime(3), 7))
        );
        assert_eq!(e.next_until(SimTime(20)).map(|s| s.event), Some(2));
    }

    #[test]
    fn what_an_event_schedules_names_it_as_its_cause() {
        let mut e: Engine<u32> = Engine::default();
        e.inject(SimTime(1), 1);
        let first = e.next_until(SimTime(1)).expect("due");
        e.schedule(SimDuration(1), 2);
        let second = e.next_until(SimTime(2)).expect("due");
        assert_eq!(second.cause, first.seq);
    }
}
