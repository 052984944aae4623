//! API Priority and Fairness: kube-apiserver's server-side concurrency limit, as it is
//! configured out of the box (`--enable-priority-and-fairness`, on since 1.20, GA in 1.29).
//!
//! The server's total concurrency is `--max-requests-inflight` (400) plus
//! `--max-mutating-requests-inflight` (200): 600 seats, shared by the bootstrap priority
//! levels in proportion to their `nominalConcurrencyShares`
//! (`NominalCL = ceil(600 × shares / 245)`: system 74, node-high 98, leader-election 25,
//! workload-high 98, workload-low 245, global-default 49, catch-all 13). Every request is
//! classified by the bootstrap FlowSchemas in `matchingPrecedence` order
//! (staging/src/k8s.io/apiserver/pkg/apis/flowcontrol/bootstrap/default.go):
//!
//! | precedence | FlowSchema | matches | level | flow distinguisher |
//! |---|---|---|---|---|
//! | 1 | `exempt` | group `system:masters` (kubectl with AKS's admin credential, the AKS resource provider) | exempt | — |
//! | 400 | `system-node-high` | group `system:nodes`, on `nodes`, `nodes/status`, `leases` | node-high | user |
//! | 500 | `system-nodes` | group `system:nodes` | system | user |
//! | 800 | `kube-controller-manager`, `kube-scheduler` | those users | workload-high | namespace |
//! | 900 | `kube-system-service-accounts` | service accounts in `kube-system` (the controllers: kubesim's component table gives each its own, as `--use-service-account-credentials` does) | workload-high | namespace |
//! | 9000 | `service-accounts` | any other service account | workload-low | user |
//! | 9900 | `global-default` | every authenticated user | global-default | user |
//!
//! A request takes one seat when it reaches the server and gives it back with its response.
//! With every seat of its level busy it waits in one of the level's queues: its flow (the
//! FlowSchema and the distinguisher) is shuffle-sharded onto `handSize` of the level's
//! `queues` (the `shufflesharding` dealer) and it joins the shortest of them; when that queue
//! already holds `queueLengthLimit` (50) requests, or it waits longer than a quarter of the
//! request timeout (15 s of the 60 s `--request-timeout`), it is rejected with
//! `429 TooManyRequests` and `Retry-After: 1`, and client-go sends it again a second later.
//! `catch-all` does not queue (`LimitResponse: Reject`).
//!
//! Simplifications, documented in docs/scenario.md: every request is one seat wide (upstream
//! gives LISTs more, and holds watch-initialization seats); levels do not lend or borrow
//! seats (upstream adjusts borrowing every 10 s from `lendablePercent`), so a level's limit is
//! its nominal one; a free seat goes to the level's queues in round-robin order rather than
//! by fair queuing's virtual finish times (the same for requests of equal cost); the lazy
//! Lease renewals and heartbeats of [`crate::model::node`] are not requests and take no
//! seat. A client's later write to an object reaches flow control only once its earlier one
//! is answered (the API server keeps that order, [`super::ApiServer::release`]).

use std::collections::VecDeque;

use serde::Serialize;

use crate::component::{ComponentId, ComponentKind};
use crate::model::request::Op;
use crate::sim::time::{SimDuration, SimTime};

/// A limited priority level of the bootstrap configuration; exempt requests have none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PriorityLevel {
    /// `system`: the kubelets' other requests (pods, events).
    System,
    /// `node-high`: node health (node status, leases).
    NodeHigh,
    /// `leader-election`: controllers' leader leases.
    LeaderElection,
    /// `workload-high`: the controller manager and the scheduler.
    WorkloadHigh,
    /// `workload-low`: other service accounts.
    WorkloadLow,
    /// `global-default`: every other authenticated user.
    GlobalDefault,
    /// `catch-all`: what no other schema matches.
    CatchAll,
}

/// A priority level's bootstrap spec: shares and queuing (`None`: reject when full).
#[derive(Clone, Copy, Debug)]
pub struct LevelConfig {
    /// The PriorityLevelConfiguration's name.
    pub name: &'static str,
    /// `nominalConcurrencyShares`.
    pub shares: u32,
    /// `queues`, `handSize`, `queueLengthLimit`.
    pub queuing: Option<(u32, u32, u32)>,
}

/// The limited bootstrap priority levels, indexed by [`PriorityLevel`].
pub const LEVELS: [LevelConfig; 7] = [
    LevelConfig {
        name: "system",
        shares: 30,
        queuing: Some((64, 6, 50)),
    },
    LevelConfig {
        name: "node-high",
        shares: 40,
        queuing: Some((64, 6, 50)),
    },
    LevelConfig {
        name: "leader-election",
        shares: 10,
        queuing: Some((16, 4, 50)),
    },
    LevelConfig {
        name: "workload-high",
        shares: 40,
        queuing: Some((128, 6, 50)),
    },
    LevelConfig {
        name: "workload-low",
        shares: 100,
        queuing: Some((128, 6, 50)),
    },
    LevelConfig {
        name: "global-default",
        shares: 20,
        queuing: Some((128, 6, 50)),
    },
    LevelConfig {
        name: "catch-all",
        shares: 5,
        queuing: None,
    },
];

/// How long a request may wait in a queue: a quarter of kube-apiserver's 60 s
/// `--request-timeout` (the APF filter's queue-wait context).
pub const QUEUE_WAIT_LIMIT: SimDuration = SimDuration(15_000_000);

/// The `Retry-After` a 429 carries; client-go waits that long and sends the request again.
pub const RETRY_AFTER: SimDuration = SimDuration(1_000_000);

/// What a priority level saw over the run (summary.json's `flow_control`).
#[derive(Clone, Debug, Default, Serialize)]
pub struct LevelStats {
    /// The PriorityLevelConfiguration's name.
    pub priority_level: &'static str,
    /// Its seats (`NominalCL`).
    pub nominal_concurrency: u32,
    /// Requests that reached it (a retried request counts each time).
    pub requests: u64,
    /// Requests that had to wait for a seat.
    pub queued: u64,
    /// Requests rejected with 429 (queue full or waited too long).
    pub rejected: u64,
    /// The most seats in use at once.
    pub peak_in_flight: u32,
    /// The most requests waiting at once.
    pub peak_queued: u32,
    /// The longest wait for a seat of a request that got one, in µs.
    pub max_wait_us: u64,
}

/// Where an arriving request goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admit {
    /// It has a seat: it executes now.
    Execute,
    /// It waits in this queue; it is rejected if still there at this instant.
    Queued(u16, SimTime),
    /// 429: the client sends it again after [`RETRY_AFTER`].
    Reject,
}

struct Waiter {
    id: u32,
    since: SimTime,
}

struct Level {
    config: LevelConfig,
    seats: u32,
    in_use: u32,
    queues: Vec<VecDeque<Waiter>>,
    waiting: u32,
    next: usize,
    stats: LevelStats,
}

/// The server's flow control: one state per priority level.
pub struct FlowControl {
    levels: Vec<Level>,
}

impl FlowControl {
    /// The bootstrap levels sharing `max_inflight + max_mutating` seats.
    pub fn new(max_inflight: u32, max_mutating: u32) -> FlowControl {
        let total = u64::from(max_inflight + max_mutating);
        let sum: u64 = LEVELS.iter().map(|l| u64::from(l.shares)).sum();
        let levels = LEVELS
            .iter()
            .map(|&config| {
                let seats = (total * u64::from(config.shares)).div_ceil(sum) as u32;
                let queues = config.queuing.map_or(0, |q| q.0);
                Level {
                    config,
                    seats,
                    in_use: 0,
                    queues: (0..queues).map(|_| VecDeque::new()).collect(),
                    waiting: 0,
                    next: 0,
                    stats: LevelStats {
                        priority_level: config.name,
                        nominal_concurrency: seats,
                        ..LevelStats::default()
                    },
                }
            })
            .collect();
        FlowControl { levels }
    }

    /// The FlowSchema a request matches: its level and flow, or `None` when exempt. `user`
    /// is the client's name (one per kubelet), which distinguishes the kubelets' flows;
    /// `key` is the request's object key (`namespace/name`), whose namespace distinguishes
    /// the controllers' and the scheduler's.
    pub fn classify(
        client: ComponentId,
        user: &str,
        op: &Op,
        key: &str,
    ) -> Option<(PriorityLevel, u64)> {
        let info = client.kind.info();
        if info.groups.contains(&"system:masters") {
            return None;
        }
        let by_user =
            |schema: &str| crate::sim::rng::fnv1a_64(&[schema.as_bytes(), user.as_bytes()]);
        let by_namespace = |schema: &str| {
            let ns = key.split_once('/').map_or("", |(ns, _)| ns);
            crate::sim::rng::fnv1a_64(&[schema.as_bytes(), ns.as_bytes()])
        };
        if client.kind == ComponentKind::Kubelet {
            let node_health = match op {
                Op::NodeReady { .. }
                | Op::NodeImages { .. }
                | Op::NodeConditions { .. }
                | Op::KubeletSilent { .. } => true,
                Op::Create { object, .. } => object.kind() == Some(crate::model::kind::Kind::Node),
                _ => false,
            };
            return Some(if node_health {
                (PriorityLevel::NodeHigh, by_user("system-node-high"))
            } else {
                (PriorityLevel::System, by_user("system-nodes"))
            });
        }
        if info.user == "system:kube-scheduler" || info.user == "system:kube-controller-manager" {
            return Some((PriorityLevel::WorkloadHigh, by_namespace(info.user)));
        }
        if info.user.starts_with("system:serviceaccount:kube-system:") {
            return Some((
                PriorityLevel::WorkloadHigh,
                by_namespace("kube-system-service-accounts"),
            ));
        }
        if info.user.starts_with("system:serviceaccount:") {
            return Some((PriorityLevel::WorkloadLow, by_user("service-accounts")));
        }
        Some((PriorityLevel::GlobalDefault, by_user("global-default")))
    }

    /// Request `id` of `flow` reaches `level` at `now`.
    pub fn admit(&mut self, level: PriorityLevel, flow: u64, id: u32, now: SimTime) -> Admit {
        let l = &mut self.levels[level as usize];
        l.stats.requests += 1;
        if l.in_use < l.seats && l.waiting == 0 {
            l.in_use += 1;
            l.stats.peak_in_flight = l.stats.peak_in_flight.max(l.in_use);
            return Admit::Execute;
        }
        let Some((_, hand, limit)) = l.config.queuing else {
            l.stats.rejected += 1;
            return Admit::Reject;
        };
        let q = shortest_in_hand(&l.queues, flow, hand);
        if l.queues[q].len() as u32 >= limit {
            l.stats.rejected += 1;
            return Admit::Reject;
        }
        l.queues[q].push_back(Waiter { id, since: now });
        l.waiting += 1;
        l.stats.queued += 1;
        l.stats.peak_queued = l.stats.peak_queued.max(l.waiting);
        Admit::Queued(q as u16, now + QUEUE_WAIT_LIMIT)
    }

    /// A request of `level` answered at `now`: its seat goes to the next waiting request,
    /// returned to execute now.
    pub fn finish(&mut self, level: PriorityLevel, now: SimTime) -> Option<u32> {
        let l = &mut self.levels[level as usize];
        l.in_use = l.in_use.saturating_sub(1);
        if l.waiting == 0 {
            return None;
        }
        let n = l.queues.len();
        let q = (0..n)
            .map(|i| (l.next + i) % n)
            .find(|&q| !l.queues[q].is_empty())?;
        l.next = (q + 1) % n;
        let w = l.queues[q].pop_front()?;
        l.waiting -= 1;
        l.in_use += 1;
        l.stats.peak_in_flight = l.stats.peak_in_flight.max(l.in_use);
        l.stats.max_wait_us = l.stats.max_wait_us.max((now - w.since).as_micros());
        Some(w.id)
    }

    /// Request `id`'s queue wait may have run out at `now`: true (429) if it still waits in
    /// queue `q` and has waited [`QUEUE_WAIT_LIMIT`] (a timer set for an earlier request of
    /// the same id, or an earlier wait of this one, finds it otherwise).
    pub fn expire(&mut self, level: PriorityLevel, q: u16, id: u32, now: SimTime) -> bool {
        let l = &mut self.levels[level as usize];
        let Some(queue) = l.queues.get_mut(q as usize) else {
            return false;
        };
        let Some(i) = queue
            .iter()
            .position(|w| w.id == id && w.since + QUEUE_WAIT_LIMIT <= now)
        else {
            return false;
        };
        queue.remove(i);
        l.waiting -= 1;
        l.stats.rejected += 1;
        true
    }

    /// Every level's figures, in [`LEVELS`] order.
    pub fn stats(&self) -> Vec<LevelStats> {
        self.levels.iter().map(|l| l.stats.clone()).collect()
    }
}

/// The shortest of the `hand` queues the flow's hash deals it, the first of them on a tie
/// (the `shufflesharding` dealer reads the hash as a mixed-radix number, one digit per card).
fn shortest_in_hand(queues: &[VecDeque<Waiter>], flow: u64, hand: u32) -> usize {
    let deck = queues.len() as u64;
    let mut h = flow;
    // The queues dealt so far, kept sorted: a card indexes the queues not dealt yet.
    let mut dealt: Vec<u64> = Vec::with_capacity(hand as usize);
    let mut best = (usize::MAX, 0usize);
    for i in 0..u64::from(hand).min(deck) {
        let mut card = h % (deck - i);
        h /= deck - i;
        for &d in &dealt {
            if d <= card {
                card += 1;
            }
        }
        let at = dealt.partition_point(|&d| d < card);
        dealt.insert(at, card);
        let len = queues[card as usize].len();
        if len < best.0 {
            best = (len, card as usize);
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bootstrap_levels_share_600_seats_by_their_nominal_concurrency_shares() {
        // NominalCL(l) = ceil(ServerCL × NCS(l) / ΣNCS) with ServerCL = 400 + 200 and the
        // bootstrap shares 30/40/10/40/100/20/5 (Σ 245): the flowcontrol docs' formula.
        let fc = FlowControl::new(400, 200);
        let seats: Vec<(&str, u32)> = fc
            .stats()
            .iter()
            .map(|s| (s.priority_level, s.nominal_concurrency))
            .collect();
        assert_eq!(
            seats,
            [
                ("system", 74),
                ("node-high", 98),
                ("leader-election", 25),
                ("workload-high", 98),
                ("workload-low", 245),
                ("global-default", 49),
                ("catch-all", 13),
            ]
        );
    }

    #[test]
    fn requests_are_classified_by_the_bootstrap_flow_schemas() {
        use crate::model::meta::ObjRef;
        let kubelet = ComponentId::kubelet(3);
        let node_status = Op::NodeImages {
            node: 3,
            images: Default::default(),
        };
        let pod_delete = Op::Delete {
            target: ObjRef {
                kind: crate::model::kind::Kind::Pod,
                id: 1,
            },
            uid: None,
            propagation: crate::model::request::Propagation::Background,
            grace_seconds: None,
        };
        let level = |c: ComponentId, op: &Op, key| {
            FlowControl::classify(c, &c.client_name(), op, key).map(|(l, _)| l)
        };
        assert_eq!(
            level(kubelet, &node_status, "aks-a"),
            Some(PriorityLevel::NodeHigh)
        );
        assert_eq!(
            level(kubelet, &pod_delete, "default/web"),
            Some(PriorityLevel::System)
        );
        let rs = ComponentId::of(ComponentKind::ReplicaSetController);
        assert_eq!(
            level(rs, &pod_delete, "default/web"),
            Some(PriorityLevel::WorkloadHigh)
        );
        let sched = ComponentId::of(ComponentKind::Scheduler);
        assert_eq!(
            level(sched, &pod_delete, "default/web"),
            Some(PriorityLevel::WorkloadHigh)
        );
        // kubectl with AKS's clusterAdmin credential is in system:masters: exempt.
        assert_eq!(
            level(ComponentId::terminal(0), &pod_delete, "default/web"),
            None
        );
        // The controllers' flows are per namespace; the kubelets' per user.
        let flow = |c: ComponentId, key| {
            FlowControl::classify(c, &c.client_name(), &pod_delete, key).map(|(_, f)| f)
        };
        assert_eq!(flow(rs, "default/a"), flow(rs, "default/b"));
        assert_ne!(flow(rs, "default/a"), flow(rs, "prod/a"));
        let other = ComponentId::kubelet(4);
        assert_ne!(flow(kubelet, "default/a"), flow(other, "default/a"));
    }

    #[test]
    fn a_full_level_queues_then_rejects_and_a_freed_seat_serves_the_queue() {
        // 3 + 2 seats: catch-all gets ceil(5 × 5 / 245) = 1 and workload-high
        // ceil(5 × 40 / 245) = 1.
        let mut fc = FlowControl::new(3, 2);
        let wh = PriorityLevel::WorkloadHigh;
        let t = SimTime(1_000_000);
        assert_eq!(fc.admit(wh, 7, 0, t), Admit::Execute);
        // One flow spreads over its hand of 6 queues, 50 each (queueLengthLimit): 300 wait.
        let mut queues = std::collections::BTreeSet::new();
        for id in 1..=300 {
            match fc.admit(wh, 7, id, t) {
                Admit::Queued(q, until) => {
                    assert_eq!(until, t + QUEUE_WAIT_LIMIT);
                    queues.insert(q);
                }
                other => panic!("request {id}: {other:?}"),
            }
        }
        assert_eq!(queues.len(), 6);
        assert_eq!(fc.admit(wh, 7, 301, t), Admit::Reject);
        // Another flow still finds room in its own hand (128 queues, few shared).
        assert!(matches!(fc.admit(wh, 8, 302, t), Admit::Queued(..)));
        // The seat freed goes to a queue's oldest request.
        let later = t + SimDuration(2_000_000);
        let first = fc.finish(wh, later).expect("a waiting request");
        assert!(first <= 6 || first == 302, "{first}");
        let s = &fc.stats()[wh as usize];
        assert_eq!((s.requests, s.queued, s.rejected), (303, 301, 1));
        assert_eq!((s.peak_in_flight, s.peak_queued), (1, 301));
        assert_eq!(s.max_wait_us, 2_000_000);
        // catch-all does not queue.
        let ca = PriorityLevel::CatchAll;
        assert_eq!(fc.admit(ca, 1, 400, t), Admit::Execute);
        assert_eq!(fc.admit(ca, 1, 401, t), Admit::Reject);
    }

    #[test]
    fn a_request_that_waits_past_the_queue_wait_limit_is_rejected_once() {
        let mut fc = FlowControl::new(3, 2);
        let wh = PriorityLevel::WorkloadHigh;
        let t = SimTime(0);
        assert_eq!(fc.admit(wh, 7, 0, t), Admit::Execute);
        let Admit::Queued(q, until) = fc.admit(wh, 7, 4, t) else {
            panic!("request 4 not queued");
        };
        // A timer left by an earlier request of the same id does not reject it early.
        assert!(!fc.expire(wh, q, 4, SimTime(until.as_micros() - 1)));
        assert!(fc.expire(wh, q, 4, until));
        assert!(!fc.expire(wh, q, 4, until));
        assert_eq!(fc.stats()[wh as usize].rejected, 1);
        // Nothing waits any more: the freed seat has no one to serve.
        assert_eq!(fc.finish(wh, t), None);
    }

    #[test]
    fn shuffle_sharding_deals_distinct_queues_and_picks_the_shortest() {
        let mut queues: Vec<VecDeque<Waiter>> = (0..8).map(|_| VecDeque::new()).collect();
        // With every queue empty the first card dealt wins.
        let flow = 12345u64;
        let first = shortest_in_hand(&queues, flow, 8);
        assert_eq!(first, (flow % 8) as usize);
        // A hand as large as the deck holds every queue: the one empty queue is found.
        for (i, q) in queues.iter_mut().enumerate() {
            if i != 5 {
                q.push_back(Waiter {
                    id: 0,
                    since: SimTime::ZERO,
                });
            }
        }
        assert_eq!(shortest_in_hand(&queues, flow, 8), 5);
    }
}
