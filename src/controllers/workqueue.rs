//! client-go's work queue, as each controller runs it: a key is queued at most once, a key
//! being processed is not handed to a second worker, and a key added while processing is
//! processed again afterwards. `concurrent-*-syncs` workers (5 by default, facts A.4) take
//! keys in FIFO order.

use std::collections::{BTreeSet, VecDeque};

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

#[cfg(test)]
mod tests {
    use super::*;

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
