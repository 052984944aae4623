//! etcd's members as a Raft group: who is up, who leads, in which term, and whether a quorum
//! holds — Raft's observable behaviour, not its log.
//!
//! What a client of etcd sees (and what kube-apiserver sees) depends on three facts:
//! - a write commits once the leader has appended it (fsync) and a majority of members,
//!   leader included, hold it: `⌊M/2⌋ + 1` of `M` (etcd's `quorum()` in raft's
//!   `tracker/majority.go`); losing a follower while a majority stays up changes nothing;
//! - when the leader is lost, followers notice after their randomized election timeout
//!   (`[electionTimeout, 2·electionTimeout)`, raft.go `resetRandomizedElectionTimeout`;
//!   etcd's default `--election-timeout` is 1000 ms with `--heartbeat-interval` 100 ms),
//!   then a candidate wins a round of votes from a majority and the term moves on; writes
//!   wait meanwhile;
//! - without a majority no leader can be elected (a leader that loses its majority steps
//!   down, etcd's CheckQuorum), so every proposal and every linearizable read waits until
//!   etcd's request timeout (`ReqTimeout`, 5 s + 2 × election timeout, server/config/config.go)
//!   and fails with `etcdserver: request timed out`.
//!
//! Simplifications: which member wins an election is the next live member after the old
//! leader in index order (in etcd it is whichever randomized timeout fires first); a
//! recovered member rejoins as a follower at once (its log catch-up is not modelled); a
//! member that returns to a group without a leader starts an election as the others do.

use crate::sim::time::{SimDuration, SimTime};

/// What a request reaching etcd meets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// A leader with a quorum: the request proceeds.
    Open,
    /// An election is under way and will end with a leader at this instant: the request
    /// waits for it.
    ElectionUntil(SimTime),
    /// No quorum: no leader can be elected; the request times out.
    NoQuorum,
}

/// The members of one etcd cluster and its Raft state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RaftGroup {
    up: Vec<bool>,
    leader: Option<u32>,
    term: u64,
    /// When the election under way ends (a leader is chosen then if a quorum still holds).
    election_until: Option<SimTime>,
    /// The leader before the election under way (the next live member after it wins).
    last_leader: u32,
}

impl RaftGroup {
    /// A healthy group of `members` (at least 1), `etcd-0` leading in term 1: the state a
    /// bootstrapped cluster settles in.
    pub fn new(members: u32) -> RaftGroup {
        RaftGroup {
            up: vec![true; members.max(1) as usize],
            leader: Some(0),
            term: 1,
            election_until: None,
            last_leader: 0,
        }
    }

    /// How many members the cluster has.
    pub fn size(&self) -> u32 {
        self.up.len() as u32
    }

    /// Members needed for a commit or an election: a strict majority.
    pub fn quorum(&self) -> u32 {
        self.size() / 2 + 1
    }

    /// Members running now.
    pub fn up_count(&self) -> u32 {
        self.up.iter().filter(|u| **u).count() as u32
    }

    /// Whether a majority is up.
    pub fn has_quorum(&self) -> bool {
        self.up_count() >= self.quorum()
    }

    /// The current leader, if there is one.
    pub fn leader(&self) -> Option<u32> {
        self.leader
    }

    /// The current Raft term.
    pub fn term(&self) -> u64 {
        self.term
    }

    /// Whether member `m` is running.
    pub fn is_up(&self, m: u32) -> bool {
        self.up.get(m as usize).copied().unwrap_or(false)
    }

    /// Whether a write needs a follower's acknowledgement besides the leader's own append
    /// (a one-member cluster commits alone).
    pub fn replicates(&self) -> bool {
        self.size() > 1
    }

    /// What a request reaching etcd now meets.
    pub fn gate(&self) -> Gate {
        match (self.leader, self.election_until) {
            (Some(_), _) => Gate::Open,
            (None, Some(t)) => Gate::ElectionUntil(t),
            (None, None) => Gate::NoQuorum,
        }
    }

    /// Member `m` stops. Losing the leader starts an election that ends after `election`
    /// (detection by election timeout plus a round of votes) if a quorum remains; losing the
    /// quorum leaves the group without a leader. Returns when an election started now ends.
    pub fn fail(&mut self, m: u32, now: SimTime, election: SimDuration) -> Option<SimTime> {
        if !self.is_up(m) {
            return None;
        }
        self.up[m as usize] = false;
        if !self.has_quorum() {
            // CheckQuorum: the leader steps down; nobody can win a vote.
            if let Some(l) = self.leader.take() {
                self.last_leader = l;
            }
            self.election_until = None;
            return None;
        }
        if self.leader == Some(m) {
            self.last_leader = m;
            self.leader = None;
            return self.start_election(now, election);
        }
        None
    }

    /// Member `m` runs again. If it restores a quorum to a group without a leader, an
    /// election starts; returns when it ends.
    pub fn recover(&mut self, m: u32, now: SimTime, election: SimDuration) -> Option<SimTime> {
        if m >= self.size() || self.is_up(m) {
            return None;
        }
        self.up[m as usize] = true;
        if self.leader.is_none() && self.election_until.is_none() && self.has_quorum() {
            return self.start_election(now, election);
        }
        None
    }

    fn start_election(&mut self, now: SimTime, election: SimDuration) -> Option<SimTime> {
        let until = now + election;
        self.election_until = Some(until);
        Some(until)
    }

    /// The election ending at `now` is decided: the next live member after the last leader
    /// wins and the term moves on. An election that the quorum's loss cancelled, or one
    /// superseded by a later one, does nothing. Returns the new leader.
    pub fn elect(&mut self, now: SimTime) -> Option<u32> {
        if self.election_until != Some(now) || !self.has_quorum() {
            return None;
        }
        self.election_until = None;
        let n = self.size();
        let winner = (1..=n)
            .map(|i| (self.last_leader + i) % n)
            .find(|m| self.is_up(*m))?;
        // One term per decided election (the failed campaigns of a minority are not
        // counted: their terms are not observable from the API server).
        self.term += 1;
        self.leader = Some(winner);
        Some(winner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ELECTION: SimDuration = SimDuration(1_500_000);

    #[test]
    fn quorum_is_a_strict_majority() {
        // raft tracker/majority.go: a majority of a voter set of n is n/2+1.
        for (n, q) in [(1, 1), (3, 2), (5, 3), (7, 4)] {
            assert_eq!(RaftGroup::new(n).quorum(), q, "{n} members");
        }
    }

    #[test]
    fn losing_a_follower_with_quorum_kept_changes_nothing() {
        let mut g = RaftGroup::new(3);
        assert_eq!(g.fail(2, SimTime(0), ELECTION), None);
        assert_eq!((g.leader(), g.term(), g.gate()), (Some(0), 1, Gate::Open));
    }

    #[test]
    fn losing_the_leader_holds_writes_until_a_new_leader_is_elected_in_a_new_term() {
        let mut g = RaftGroup::new(3);
        let t = SimTime(10_000_000);
        let until = g.fail(0, t, ELECTION).expect("an election starts");
        assert_eq!(until, t + ELECTION);
        assert_eq!(g.gate(), Gate::ElectionUntil(until));
        assert_eq!(g.elect(SimTime(until.as_micros() - 1)), None, "not yet");
        assert_eq!(g.elect(until), Some(1));
        assert_eq!((g.term(), g.gate()), (2, Gate::Open));
    }

    #[test]
    fn losing_the_quorum_leaves_no_leader_until_a_majority_returns() {
        let mut g = RaftGroup::new(3);
        g.fail(2, SimTime(0), ELECTION);
        assert_eq!(g.fail(1, SimTime(1), ELECTION), None);
        assert_eq!((g.leader(), g.gate()), (None, Gate::NoQuorum));
        // The lone member's own campaigns never win.
        let back = SimTime(60_000_000);
        let until = g.recover(1, back, ELECTION).expect("quorum is back");
        assert_eq!(g.gate(), Gate::ElectionUntil(until));
        assert_eq!(g.elect(until), Some(1), "the next live member after etcd-0");
        assert_eq!(g.term(), 2);
    }

    #[test]
    fn an_election_cancelled_by_the_loss_of_quorum_decides_nothing() {
        let mut g = RaftGroup::new(5);
        let until = g.fail(0, SimTime(0), ELECTION).unwrap();
        g.fail(1, SimTime(1), ELECTION);
        g.fail(2, SimTime(2), ELECTION);
        assert_eq!(g.elect(until), None);
        assert_eq!(g.gate(), Gate::NoQuorum);
    }

    #[test]
    fn a_one_member_cluster_commits_alone_and_stops_with_its_member() {
        let mut g = RaftGroup::new(1);
        assert!(!g.replicates());
        g.fail(0, SimTime(0), ELECTION);
        assert_eq!(g.gate(), Gate::NoQuorum);
        let until = g.recover(0, SimTime(5), ELECTION).unwrap();
        assert_eq!(g.elect(until), Some(0));
    }
}
