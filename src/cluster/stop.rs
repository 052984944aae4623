//! A run that stops before its end: why, when, and the flags that ask it to.
//!
//! A run ends either at its duration (or when nothing is left to happen) — it completed — or
//! earlier, stopped: by the `--max-live-pods` ceiling, or at the request of something outside
//! the run loop, a signal handler (SIGINT, SIGTERM) or the invariant checker. A request is an
//! [`AtomicBool`] the requester sets and nothing else: the run loop reads the flags at the end
//! of each instant, so a stopped run's files end at a whole instant, and the caller then
//! flushes them and writes summary.json saying the run did not complete (CONTRACT §5).

use crate::sim::time::SimTime;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Why a run stopped before its end; summary.json's `stop_reason`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// SIGINT (Ctrl-C).
    Sigint,
    /// SIGTERM.
    Sigterm,
    /// More live pods than `--max-live-pods`.
    MaxLivePods,
    /// A broken simulator invariant (`--check-invariants`).
    Invariant,
}

impl StopReason {
    /// The name summary.json and stderr use.
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::Sigint => "SIGINT",
            StopReason::Sigterm => "SIGTERM",
            StopReason::MaxLivePods => "max-live-pods",
            StopReason::Invariant => "invariant",
        }
    }

    /// The process's exit status: 128 + the signal's number for a signal, as a shell reports
    /// a process the signal ended; 2 for an error that stopped the run (CONTRACT §3).
    pub fn exit_code(self) -> u8 {
        match self {
            StopReason::Sigint => 130,
            StopReason::Sigterm => 143,
            StopReason::MaxLivePods | StopReason::Invariant => 2,
        }
    }
}

/// A stopped run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stop {
    /// Why.
    pub reason: StopReason,
    /// The virtual time it stopped at: the end of the last instant handled (for the pod
    /// ceiling, the instant in which it was crossed).
    pub at: SimTime,
    /// What to print on stderr (empty for a request from outside).
    pub message: String,
}

/// Stop requests from outside the run loop, one flag per reason; none by default.
#[derive(Clone, Debug, Default)]
pub struct Interrupt {
    flags: Vec<(StopReason, Arc<AtomicBool>)>,
}

impl Interrupt {
    /// The flag that requests a stop for `reason` (made on first use), for a signal handler or
    /// an observer to set.
    pub fn flag(&mut self, reason: StopReason) -> Arc<AtomicBool> {
        if let Some((_, f)) = self.flags.iter().find(|(r, _)| *r == reason) {
            return f.clone();
        }
        let f = Arc::new(AtomicBool::new(false));
        self.flags.push((reason, f.clone()));
        f
    }

    /// The first reason whose flag is set, in the order the flags were made.
    pub fn requested(&self) -> Option<StopReason> {
        self.flags
            .iter()
            .find(|(_, f)| f.load(Ordering::Relaxed))
            .map(|(r, _)| *r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::World;

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
