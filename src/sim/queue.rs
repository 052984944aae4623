//! The future-event list: a priority queue ordered by `(time, seq)`.
//!
//! `seq` is a global counter, so events at the same instant run in the order they were
//! scheduled (FIFO), which makes every run reproducible. Each entry remembers the `seq` of
//! the event that scheduled it (`cause`), so causal traces need no later rewrite.

use crate::sim::time::SimTime;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// One scheduled event.
#[derive(Clone, Debug)]
pub struct Scheduled<E> {
    /// When it fires.
    pub time: SimTime,
    /// Tie-breaker and identity.
    pub seq: u64,
    /// The `seq` of the event that scheduled this one (0 for the scenario itself).
    pub cause: u64,
    /// The payload.
    pub event: E,
}

impl<E> PartialEq for Scheduled<E> {
    fn eq(&self, o: &Self) -> bool {
        (self.time, self.seq) == (o.time, o.seq)
    }
}
impl<E> Eq for Scheduled<E> {}
impl<E> PartialOrd for Scheduled<E> {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl<E> Ord for Scheduled<E> {
    /// Reversed, so the max-heap pops the earliest `(time, seq)`.
    fn cmp(&self, o: &Self) -> Ordering {
        (o.time, o.seq).cmp(&(self.time, self.seq))
    }
}

/// The queue.
#[derive(Debug)]
pub struct Queue<E> {
    heap: BinaryHeap<Scheduled<E>>,
    next_seq: u64,
}

impl<E> Default for Queue<E> {
    fn default() -> Self {
        Queue {
            heap: BinaryHeap::new(),
            next_seq: 1,
        }
    }
}

impl<E> Queue<E> {
    /// Schedules `event` at `time`, caused by the event with seq `cause`.
    pub fn push(&mut self, time: SimTime, cause: u64, event: E) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Scheduled {
            time,
            seq,
            cause,
            event,
        });
        seq
    }
    /// The `seq` the next scheduled event will get: every event already in the queue has a
    /// smaller one.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }
    /// Removes the earliest event.
    pub fn pop(&mut self) -> Option<Scheduled<E>> {
        self.heap.pop()
    }
    /// Time and `seq` of the earliest event.
    pub fn peek(&self) -> Option<(SimTime, u64)> {
        self.heap.peek().map(|s| (s.time, s.seq))
    }
    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }
    /// No pending events.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_times_pop_in_push_order() {
        let mut q = Queue::default();
        q.push(SimTime(5), 0, "b");
        q.push(SimTime(1), 0, "a");
        q.push(SimTime(5), 0, "c");
        let order: Vec<&str> = std::iter::from_fn(|| q.pop().map(|s| s.event)).collect();
        assert_eq!(order, ["a", "b", "c"]);
    }
}
