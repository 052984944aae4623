//! client-go's work queue, as each controller runs it: a key is queued at most once, a key
//! being processed is not handed to a second worker, and a key added while processing is
//! processed again afterwards. `concurrent-*-syncs` workers (5 by default, facts A.4) take
//! keys in FIFO order.

use crate::sim::time::SimDuration;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// A de-duplicating FIFO of object ids with a bounded number of workers.
#[derive(Debug)]
pub struct WorkQueue {
    queue: VecDeque<u32>,
    dirty: BTreeSet<u32>,
    processing: BTreeSet<u32>,
    workers: usize,
}

impl WorkQueue {
    /// A queue served by `workers` workers.
    pub fn new(workers: usize) -> WorkQueue {
        WorkQueue {
            queue: VecDeque::new(),
            dirty: BTreeSet::new(),
            processing: BTreeSet::new(),
            workers,
        }
    }

    /// `Add(key)`.
    pub fn add(&mut self, key: u32) {
        if !self.dirty.insert(key) {
            return;
        }
        if !self.processing.contains(&key) {
            self.queue.push_back(key);
        }
    }

    /// A free worker takes the next key, if any (`Get`).
    pub fn next_key(&mut self) -> Option<u32> {
        if self.processing.len() >= self.workers {
            return None;
        }
        let key = self.queue.pop_front()?;
        self.dirty.remove(&key);
        self.processing.insert(key);
        Some(key)
    }

    /// `Done(key)`: re-queues the key if it was added while being processed.
    pub fn done(&mut self, key: u32) {
        self.processing.remove(&key);
        if self.dirty.contains(&key) {
            self.queue.push_back(key);
        }
    }

    /// Whether `key` is being processed by a worker.
    pub fn is_processing(&self, key: u32) -> bool {
        self.processing.contains(&key)
    }
}

/// `ItemExponentialFailureRateLimiter(base, max)`: a key whose sync failed is added again
/// after base · 2^n, n its failures since it last synced cleanly, capped at max. The default
/// is the per-key half of client-go's `DefaultControllerRateLimiter` (5 ms, 1000 s); its other
/// half, a 10 qps bucket over all keys, is not modelled (it only binds with more than 100
/// failing keys).
#[derive(Debug)]
pub struct FailureBackoff {
    failures: BTreeMap<u32, u32>,
    base: SimDuration,
    max: SimDuration,
}

impl Default for FailureBackoff {
    fn default() -> Self {
        FailureBackoff::new(SimDuration(5_000), SimDuration(1_000_000_000))
    }
}

impl FailureBackoff {
    /// A limiter from `base` doubling up to `max`.
    pub fn new(base: SimDuration, max: SimDuration) -> FailureBackoff {
        FailureBackoff {
            failures: BTreeMap::new(),
            base,
            max,
        }
    }

    /// `AddRateLimited`'s delay for `key`'s next retry (`When`), counting this failure.
    pub fn when(&mut self, key: u32) -> SimDuration {
        let n = self.failures.entry(key).or_default();
        // 2^40 times any base above 1 µs passes every cap, so larger shifts are not computed.
        let delay = self
            .base
            .as_micros()
            .saturating_mul(1 << (*n).min(40))
            .min(self.max.as_micros());
        *n += 1;
        SimDuration(delay)
    }

    /// `Forget(key)`: a clean sync starts the back-off over.
    pub fn forget(&mut self, key: u32) {
        self.failures.remove(&key);
    }

    /// processNextWorkItem's ending: a sync that `failed` is added again after the delay
    /// returned (`AddRateLimited`), a clean one is forgotten (`Forget`).
    pub fn sync_ended(&mut self, key: u32, failed: bool) -> Option<SimDuration> {
        if failed {
            Some(self.when(key))
        } else {
            self.forget(key);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_back_off_from_five_milliseconds_doubling_to_a_thousand_seconds() {
        // client-go default_rate_limiters.go ItemExponentialFailureRateLimiter:
        // baseDelay * 2^failures, capped at maxDelay; Forget resets.
        let mut b = FailureBackoff::default();
        let delays: Vec<u64> = (0..4).map(|_| b.when(7).as_micros()).collect();
        assert_eq!(delays, [5_000, 10_000, 20_000, 40_000]);
        assert_eq!(b.when(8).as_micros(), 5_000, "per key");
        for _ in 0..40 {
            b.when(7);
        }
        assert_eq!(b.when(7), SimDuration(1_000_000_000));
        b.forget(7);
        assert_eq!(b.when(7).as_micros(), 5_000);
    }

    #[test]
    fn a_key_added_twice_is_queued_once() {
        let mut q = WorkQueue::new(5);
        q.add(1);
        q.add(1);
        assert_eq!(q.next_key(), Some(1));
        assert_eq!(q.next_key(), None);
    }

    #[test]
    fn a_key_added_while_processing_runs_again_after_done() {
        let mut q = WorkQueue::new(5);
        q.add(7);
        assert_eq!(q.next_key(), Some(7));
        q.add(7);
        assert_eq!(q.next_key(), None, "not handed to a second worker");
        q.done(7);
        assert_eq!(q.next_key(), Some(7));
    }

    #[test]
    fn workers_bound_concurrency() {
        let mut q = WorkQueue::new(2);
        for k in 0..4 {
            q.add(k);
        }
        assert_eq!(q.next_key(), Some(0));
        assert_eq!(q.next_key(), Some(1));
        assert_eq!(q.next_key(), None);
        q.done(0);
        assert_eq!(q.next_key(), Some(2));
    }
}
