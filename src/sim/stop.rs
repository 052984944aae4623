//! A run that stops before its end: why, when, and the flags that ask it to.
//!
//! A run ends either at its duration (or when nothing is left to happen) — it completed — or
//! earlier, stopped: by the `--max-live-pods` ceiling, or at the request of something outside
//! the run loop, a signal handler (SIGINT, SIGTERM) or the invariant checker. A request is an
//! [`AtomicBool`] the requester sets and nothing else: the run loop reads the flags at the end
//! of each instant, so a stopped run's files end at a whole instant, and the caller then
//! flushes them and writes summary.json saying the run did not complete (docs/outputs.md).

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
    /// a process the signal ended; 2 for an error that stopped the run (docs/outputs.md).
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
