//! Leader election of kube-controller-manager and kube-scheduler: each process runs its
//! controllers only while it holds its Lease (kube-system `kube-controller-manager`,
//! `kube-scheduler`), with client-go's defaults `leaseDuration` 15 s, `renewDeadline` 10 s,
//! `retryPeriod` 2 s (component-base `RecommendedDefaultLeaderElectionConfiguration`).
//!
//! client-go's `tryAcquireOrRenew` (tools/leaderelection/leaderelection.go): a candidate that
//! sees a Lease held by another identity waits until `leaseDuration` has passed since it first
//! *observed* that record, on its own clock, retrying every `retryPeriod`; the leader renews
//! every `retryPeriod` and gives up when no renewal succeeded for `renewDeadline`, after
//! which the process exits (`leaderelection lost`) and is restarted. A restarted process has a
//! new identity, so it waits out its predecessor's lease.
//!
//! Simplifications: the Lease is not a stored object (no `kubectl get lease`); renewals are
//! not requests, but succeed exactly while writes work (etcd has a leader and an API server
//! is up); `JitterUntil`'s 1.2 jitter on the retry period is left out; a restart is a kill,
//! so the old lease is never released early.

use crate::fault::Process;
use crate::sim::time::{SimDuration, SimTime};

/// client-go's `LeaseDuration` default.
pub const LEASE_DURATION: SimDuration = SimDuration(15_000_000);
/// client-go's `RenewDeadline` default.
pub const RENEW_DEADLINE: SimDuration = SimDuration(10_000_000);
/// client-go's `RetryPeriod` default.
pub const RETRY_PERIOD: SimDuration = SimDuration(2_000_000);

/// Where one process is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Running its controllers; it acquired the lease at this instant and renews it every
    /// retry period since.
    Leading {
        /// When it acquired the lease.
        since: SimTime,
    },
    /// Exited; starting again.
    Restarting,
    /// Running, trying to acquire the lease; it first saw its predecessor's record then
    /// (`None`: it could not read the Lease yet).
    Candidate {
        /// `observedTime` of client-go's elector.
        observed: Option<SimTime>,
    },
}

/// One process's elector state, plus the `seq` before which events to its components are
/// from a previous incarnation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Elector {
    /// Where it is.
    pub phase: Phase,
    /// Events scheduled before this `seq` belong to an instance that has exited.
    pub boundary: u64,
}

impl Default for Elector {
    /// Leading since t=0: the cluster AKS hands over is settled.
    fn default() -> Self {
        Elector {
            phase: Phase::Leading {
                since: SimTime::ZERO,
            },
            boundary: 0,
        }
    }
}

impl Elector {
    /// Whether its controllers run.
    pub fn leading(&self) -> bool {
        matches!(self.phase, Phase::Leading { .. })
    }

    /// The process exits (killed, or its lease lost); events already scheduled for its
    /// components (those before `next_seq`) are dropped from now on.
    pub fn exit(&mut self, next_seq: u64) {
        self.phase = Phase::Restarting;
        self.boundary = next_seq;
    }

    /// The process runs again and campaigns.
    pub fn started(&mut self) {
        self.phase = Phase::Candidate { observed: None };
    }

    /// One `tryAcquireOrRenew` of a candidate at `now`; `writes` says whether the API server
    /// and etcd serve it. True when it acquires the lease (it then leads).
    pub fn try_acquire(&mut self, now: SimTime, writes: bool) -> bool {
        let Phase::Candidate { observed } = self.phase else {
            return false;
        };
        if !writes {
            return false;
        }
        match observed {
            None => {
                self.phase = Phase::Candidate {
                    observed: Some(now),
                };
                false
            }
            Some(t) if t + LEASE_DURATION > now => false,
            Some(_) => {
                self.phase = Phase::Leading { since: now };
                true
            }
        }
    }

    /// If writes stop working at `now`, when the leader gives up: `renewDeadline` after its
    /// last successful renewal (the last retry-period tick since it acquired).
    pub fn renew_deadline(&self, now: SimTime) -> Option<SimTime> {
        let Phase::Leading { since } = self.phase else {
            return None;
        };
        let period = RETRY_PERIOD.as_micros();
        let held = now.since(since).as_micros();
        let last = since + SimDuration(held / period * period);
        Some(last + RENEW_DEADLINE)
    }
}

/// The electors of both processes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Electors {
    controller_manager: Elector,
    scheduler: Elector,
    /// Since when renewals fail (no API server, or etcd without a leader), if they do.
    pub writes_down_since: Option<SimTime>,
}

impl Electors {
    /// The elector of `p`.
    pub fn get(&self, p: Process) -> &Elector {
        match p {
            Process::ControllerManager => &self.controller_manager,
            Process::Scheduler => &self.scheduler,
        }
    }

    /// The elector of `p`, to change.
    pub fn get_mut(&mut self, p: Process) -> &mut Elector {
        match p {
            Process::ControllerManager => &mut self.controller_manager,
            Process::Scheduler => &mut self.scheduler,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(secs: u64) -> SimTime {
        SimTime(secs * 1_000_000)
    }

    #[test]
    fn a_restarted_process_waits_out_its_predecessors_lease_from_when_it_first_read_it() {
        // leaderelection.go: observedTime + LeaseDuration must have passed; tries every
        // RetryPeriod.
        let mut e = Elector::default();
        e.exit(7);
        assert!(!e.leading());
        e.started();
        let mut t = s(3);
        assert!(!e.try_acquire(t, true), "first read records observedTime");
        let mut tries = 0;
        while !e.try_acquire(t, true) {
            t = t + RETRY_PERIOD;
            tries += 1;
        }
        assert_eq!(t, s(3 + 16), "the first retry tick past 15 s");
        assert_eq!(tries, 8);
        assert_eq!(e.phase, Phase::Leading { since: t });
    }

    #[test]
    fn a_candidate_that_cannot_write_never_starts_its_wait() {
        let mut e = Elector::default();
        e.exit(1);
        e.started();
        for i in 0..20 {
            assert!(!e.try_acquire(s(2 * i), false));
        }
        assert_eq!(e.phase, Phase::Candidate { observed: None });
    }

    #[test]
    fn the_leader_gives_up_renew_deadline_after_its_last_renewal() {
        let e = Elector {
            phase: Phase::Leading { since: s(1) },
            boundary: 0,
        };
        // Renewals at 1, 3, 5, …; writes stop at 6.5 s: the last renewal was at 5 s.
        assert_eq!(e.renew_deadline(SimTime(6_500_000)), Some(s(15)));
        let mut r = e;
        r.exit(3);
        assert_eq!(r.renew_deadline(s(7)), None);
    }
}
