//! The managed control plane's machines as the run drives them: etcd members and API
//! server replicas that fail and recover, elections, and the restarts and lease elections of
//! kube-controller-manager and kube-scheduler.
//!
//! Nothing here reaches into a component: a restarted process's components are replaced by
//! fresh instances ([`crate::cluster::registry::Components`]) that relist from the store as
//! their informers would, and the events still pending for the old instances are dropped.

use crate::apiserver::watch::relist;
use crate::cluster::World;
use crate::cluster::event::Event;
use crate::cluster::leader::{Phase, RETRY_PERIOD};
use crate::component::{ComponentId, ComponentKind};
use crate::etcd::raft::Gate;
use crate::fault::{ControlPlaneFault, Process};
use crate::sim::time::SimDuration;
use crate::sim::timing::TimingName;

/// Something that happens to the control plane at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// A `kubesim` step's fault.
    Fault(ControlPlaneFault),
    /// An etcd election ends (if it was not cancelled meanwhile).
    ElectionEnds,
    /// A process runs again after its restart and starts campaigning.
    Started(Process),
    /// A candidate's retry-period tick.
    Campaign(Process),
    /// The leader that acquired its lease at this instant (µs) reaches its renew deadline
    /// if writes have not come back.
    RenewDeadline(Process, u64),
}

impl World {
    /// Handles one control-plane signal.
    pub(crate) fn control_plane(&mut self, signal: Signal) {
        let now = self.now();
        match signal {
            Signal::Fault(ControlPlaneFault::Etcd(m, fail)) => {
                let election = self.election_time();
                let until = if fail {
                    self.api.etcd.fail(m, now, election)
                } else {
                    self.api.etcd.recover(m, now, election)
                };
                if let Some(t) = until {
                    self.engine
                        .schedule_at(t, Event::ControlPlane(Signal::ElectionEnds));
                }
            }
            Signal::ElectionEnds => drop(self.api.etcd.elect(now)),
            Signal::Fault(ControlPlaneFault::ApiServer(i, true)) => {
                let (streams, timings) = (&self.streams, &self.timings);
                let reconnect = |c: ComponentId| {
                    let purpose = format!("apiserver-{i}:{}", now.as_micros());
                    let mut rng = streams.stream(&c.client_name(), "reconnect", &purpose);
                    timings.get(TimingName::ApiserverReconnect).sample(&mut rng)
                };
                self.api.endpoints.fail(i, now, reconnect);
            }
            Signal::Fault(ControlPlaneFault::ApiServer(i, false)) => {
                let was_down = self.api.endpoints.all_down();
                if self.api.endpoints.recover(i) && was_down {
                    let (requests, deliveries) =
                        self.api.unpark(now, (&self.streams, &self.timings));
                    for (id, at) in requests {
                        self.engine.schedule_at(at, Event::Commit(id));
                    }
                    deliveries.into_iter().for_each(|d| self.deliver(d));
                }
            }
            Signal::Fault(ControlPlaneFault::Restart(p)) => self.exit_process(p),
            Signal::Started(p) => {
                self.electors.get_mut(p).started();
                self.campaign(p);
            }
            Signal::Campaign(p) => self.campaign(p),
            Signal::RenewDeadline(p, since) => {
                let e = self.electors.get(p);
                let same = matches!(e.phase, Phase::Leading { since: s } if s.as_micros() == since);
                // Only the deadline of the outage still under way counts: a leader that
                // renewed between two outages has a later one.
                let due = self
                    .electors
                    .writes_down_since
                    .and_then(|t| e.renew_deadline(t));
                if same && due == Some(now) {
                    // leaderelection.go: "failed to renew lease", then the process exits.
                    self.exit_process(p);
                }
            }
        }
        self.watch_leases();
    }

    /// An election's length: a follower's randomized election timeout plus one round of
    /// votes, drawn from etcd's stream for this term.
    fn election_time(&self) -> SimDuration {
        let purpose = format!("term:{}:{}", self.api.etcd.term(), self.now().as_micros());
        let mut rng = self.streams.stream("etcd", "election", &purpose);
        let timeout = self
            .timings
            .get(TimingName::EtcdElectionTimeout)
            .sample(&mut rng);
        timeout
            + self
                .timings
                .get(TimingName::EtcdPeerRoundTrip)
                .sample(&mut rng)
    }

    /// Whether a lease renewal would succeed now: an API server is up and etcd has a leader.
    fn writes_work(&self) -> bool {
        !self.api.endpoints.all_down() && self.api.etcd.gate() == Gate::Open
    }

    /// Notes when writes stop (or start) working; when they stop, each leading process's
    /// renew deadline is set.
    fn watch_leases(&mut self) {
        let works = self.writes_work();
        let now = self.now();
        match (works, self.electors.writes_down_since) {
            (true, _) => self.electors.writes_down_since = None,
            (false, Some(_)) => {}
            (false, None) => {
                self.electors.writes_down_since = Some(now);
                for p in [Process::ControllerManager, Process::Scheduler] {
                    let e = self.electors.get(p);
                    if let (Some(at), Phase::Leading { since }) = (e.renew_deadline(now), e.phase) {
                        let signal = Signal::RenewDeadline(p, since.as_micros());
                        self.engine.schedule_at(at, Event::ControlPlane(signal));
                    }
                }
            }
        }
    }

    /// The process exits: its components stop hearing anything, its requests in flight lose
    /// their sender, and it starts again after `controlplane.restart`.
    fn exit_process(&mut self, p: Process) {
        let now = self.now();
        let next = self.engine.next_seq();
        self.electors.get_mut(p).exit(next);
        self.api.abandon(|c| c.kind.process() == Some(p));
        let mut rng = self.streams.stream(
            "control-plane",
            p.name(),
            &format!("restart:{}", now.as_micros()),
        );
        let after = self
            .timings
            .get(TimingName::ControlPlaneRestart)
            .sample(&mut rng);
        self.engine
            .schedule(after, Event::ControlPlane(Signal::Started(p)));
    }

    /// One try for the lease; on success the process's components start fresh and relist.
    fn campaign(&mut self, p: Process) {
        let now = self.now();
        let writes = self.writes_work();
        if !self.electors.get_mut(p).try_acquire(now, writes) {
            if !self.electors.get(p).leading() {
                self.engine
                    .schedule(RETRY_PERIOD, Event::ControlPlane(Signal::Campaign(p)));
            }
            return;
        }
        for kind in ComponentKind::ALL {
            if kind.process() != Some(p) || !self.components.restart(kind) {
                continue;
            }
            self.sync_caches(kind);
            let to = ComponentId::of(kind);
            for notice in relist(&self.store, kind) {
                self.engine.schedule_at(now, Event::Notify { to, notice });
            }
            if let Some(timer) = crate::cluster::start_loop(kind) {
                self.engine.schedule_at(now, Event::Timer { to, timer });
            }
        }
    }

    /// The caches a fresh instance fills from its informers' initial LIST before its first
    /// handler runs (`WaitForCacheSync`), the same hand-over a new run gives at t=0: the
    /// scheduler's nodes and bound pods, the DaemonSet controller's nodes.
    fn sync_caches(&mut self, kind: ComponentKind) {
        let nodes: Vec<u32> = self.store.nodes.iter().map(|(id, _)| id).collect();
        match kind {
            ComponentKind::Scheduler => {
                for &n in &nodes {
                    self.components.scheduler.register_node(&self.store, n);
                }
                let bound: Vec<u32> = self
                    .store
                    .pods
                    .iter()
                    .filter(|(_, p)| p.node.is_some() && !p.is_terminal())
                    .map(|(id, _)| id)
                    .collect();
                for pod in bound {
                    self.components.scheduler.assume_existing(&self.store, pod);
                }
            }
            ComponentKind::DaemonSetController => {
                for &n in &nodes {
                    self.components.daemonsets.register_node(&self.store, n);
                }
            }
            _ => {}
        }
    }

    /// Whether an event for `to` scheduled as `seq` still has a receiver: a component of a
    /// process that is not leading, or an event meant for its previous instance, has none.
    pub(crate) fn receives(&self, to: ComponentId, seq: u64) -> bool {
        match to.kind.process() {
            Some(p) => {
                let e = self.electors.get(p);
                e.leading() && seq >= e.boundary
            }
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cluster::leader::{LEASE_DURATION, Phase};
    use crate::fault::Process;
    use crate::sim::time::{SimDuration, SimTime};

    #[test]
    fn a_long_quorum_loss_costs_the_leaders_their_leases_until_writes_return() {
        // leaderelection.go: renewals fail past renewDeadline (10 s) -> the process exits;
        // the restarted one can only read the Lease once etcd has a leader again, and takes
        // it leaseDuration (15 s) after that first read.
        let mut w = crate::cluster::test_world(
            "name: t\nduration: 2m\nsteps:\n- at: 10s\n  run: kubesim etcd fail etcd-1\n- at: 11s\n  run: kubesim etcd fail etcd-2\n- at: 60s\n  run: kubesim etcd recover etcd-2\n",
        );
        let s = SimDuration::from_secs;
        w.step_until(SimTime::ZERO + s(19));
        assert!(w.electors.get(Process::ControllerManager).leading());
        // Renewed last at 10 s (every 2 s since t=0): gone at 20 s.
        w.step_until(SimTime::ZERO + s(20));
        assert!(!w.electors.get(Process::ControllerManager).leading());
        assert!(!w.electors.get(Process::Scheduler).leading());
        w.step_until(SimTime::ZERO + s(59));
        assert_eq!(
            w.electors.get(Process::ControllerManager).phase,
            Phase::Candidate { observed: None },
            "restarted, but cannot read its Lease without etcd"
        );
        w.step_until(SimTime::ZERO + s(70));
        let Phase::Candidate {
            observed: Some(first),
        } = w.electors.get(Process::ControllerManager).phase
        else {
            panic!("{:?}", w.electors.get(Process::ControllerManager).phase);
        };
        assert!(first > SimTime::ZERO + s(60), "read after the new election");
        w.step_until(SimTime::ZERO + s(100));
        let Phase::Leading { since } = w.electors.get(Process::ControllerManager).phase else {
            panic!("leads again");
        };
        assert!(
            since >= first + LEASE_DURATION,
            "{since} vs first read {first}"
        );
        assert!(since <= first + LEASE_DURATION + SimDuration::from_secs(2));
    }

    #[test]
    fn a_leader_that_renewed_between_two_short_outages_keeps_its_lease() {
        // Quorum lost at 10 s (deadline 20 s: last renewal at 10 s), back at 15 s (renewals
        // resume), lost again at 19 s: the deadline is then 18 s + 10 s, not 20 s.
        let mut w = crate::cluster::test_world(
            "name: t\nduration: 1m\nsteps:\n- at: 10s\n  run: kubesim etcd fail etcd-1\n- at: 10s\n  run: kubesim etcd fail etcd-2\n- at: 15s\n  run: kubesim etcd recover etcd-2\n- at: 19s\n  run: kubesim etcd fail etcd-2\n",
        );
        let s = SimDuration::from_secs;
        w.step_until(SimTime::ZERO + s(27));
        assert!(w.electors.get(Process::ControllerManager).leading());
        w.step_until(SimTime::ZERO + s(28));
        assert!(!w.electors.get(Process::ControllerManager).leading());
    }
}
