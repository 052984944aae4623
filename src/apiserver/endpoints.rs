//! kube-apiserver's replicas behind the cluster's load balancer, and each client's
//! connection to one of them.
//!
//! A client (a kubelet, a controller, a kubectl step) holds one connection, which the load
//! balancer put on one replica; its requests and its watches travel on it. When that replica
//! fails, the connection breaks: the client dials again, lands on a live replica and
//! re-establishes its watches, which takes `apiserver.reconnect`; its requests and watch
//! events wait for that. With every replica down a kubectl step's request is refused and a
//! component's waits (it stands for client-go's retries) until one is back.
//!
//! Simplifications: the load balancer's choice is a hash of the client's name over the live
//! replicas (Azure's load balancer hashes the connection's 5-tuple); requests already inside
//! a failing replica complete; connections are not rebalanced when a replica returns.

use crate::component::ComponentId;
use crate::sim::rng::fnv1a_32;
use crate::sim::time::{SimDuration, SimTime};
use std::collections::BTreeMap;

/// One client's connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Conn {
    /// The replica it is on.
    server: u32,
    /// When it (and its watches) are usable: after a reconnect, later than now.
    ready_at: SimTime,
}

/// The replicas, which are up, and who is connected where.
#[derive(Debug)]
pub struct Endpoints {
    up: Vec<bool>,
    conns: BTreeMap<ComponentId, Conn>,
    host: String,
}

impl Endpoints {
    /// `replicas` API servers (at least one), all up, reached at `host` (`FQDN:443`).
    pub fn new(replicas: u32, host: String) -> Endpoints {
        Endpoints {
            up: vec![true; replicas.max(1) as usize],
            conns: BTreeMap::new(),
            host,
        }
    }

    /// The address kubectl dials (its kubeconfig's `server`), for kubectl's messages.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// How many replicas there are.
    pub fn replicas(&self) -> u32 {
        self.up.len() as u32
    }

    /// Whether replica `i` is up.
    pub fn is_up(&self, i: u32) -> bool {
        self.up.get(i as usize).copied().unwrap_or(false)
    }

    /// The replica `client` is connected to, if any.
    #[cfg(test)]
    pub fn server_of(&self, client: ComponentId) -> Option<u32> {
        self.conns.get(&client).map(|c| c.server)
    }

    /// From when `client`'s requests and watch events can travel at `now`: at once on a
    /// working connection, after a reconnect on a broken one; `None` while every replica is
    /// down. A client's first request opens its connection.
    pub fn ready_at(&mut self, client: ComponentId, now: SimTime) -> Option<SimTime> {
        if let Some(c) = self.conns.get(&client) {
            return Some(c.ready_at.max(now));
        }
        let server = self.pick(client)?;
        self.conns.insert(
            client,
            Conn {
                server,
                ready_at: SimTime::ZERO,
            },
        );
        Some(now)
    }

    /// When a watch event sent at `at` reaches `client`: not before its connection works
    /// again; `None` while it has no connection and every replica is down.
    pub fn watch_ready(&self, client: ComponentId, at: SimTime) -> Option<SimTime> {
        match self.conns.get(&client) {
            Some(c) => Some(c.ready_at.max(at)),
            None if self.all_down() => None,
            None => Some(at),
        }
    }

    /// The load balancer's choice among the live replicas for `client`.
    fn pick(&self, client: ComponentId) -> Option<u32> {
        let live: Vec<u32> = (0..self.replicas()).filter(|i| self.is_up(*i)).collect();
        if live.is_empty() {
            return None;
        }
        let h = fnv1a_32(client.client_name().as_bytes()) as usize;
        Some(live[h % live.len()])
    }

    /// Replica `i` fails at `now`: each client on it reconnects to a live replica after
    /// `reconnect(client)`, or loses its connection if none is left. Returns false if it
    /// was already down.
    pub fn fail(
        &mut self,
        i: u32,
        now: SimTime,
        mut reconnect: impl FnMut(ComponentId) -> SimDuration,
    ) -> bool {
        if !self.is_up(i) {
            return false;
        }
        self.up[i as usize] = false;
        let moved: Vec<ComponentId> = self
            .conns
            .iter()
            .filter(|(_, c)| c.server == i)
            .map(|(k, _)| *k)
            .collect();
        for client in moved {
            match self.pick(client) {
                Some(server) => {
                    let ready_at = now + reconnect(client);
                    self.conns.insert(client, Conn { server, ready_at });
                }
                None => {
                    self.conns.remove(&client);
                }
            }
        }
        true
    }

    /// Replica `i` is back. Returns false if it was up.
    pub fn recover(&mut self, i: u32) -> bool {
        if i >= self.replicas() || self.is_up(i) {
            return false;
        }
        self.up[i as usize] = true;
        true
    }

    /// Whether no replica is up.
    pub fn all_down(&self) -> bool {
        !self.up.iter().any(|u| *u)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::component::ComponentKind;

    const RECONNECT: SimDuration = SimDuration(2_000_000);

    fn kubelets(n: u32) -> Vec<ComponentId> {
        (0..n).map(ComponentId::kubelet).collect()
    }

    #[test]
    fn clients_spread_over_the_replicas_and_keep_their_connection() {
        let mut e = Endpoints::new(2, "h:443".into());
        let now = SimTime(5);
        for c in kubelets(8) {
            assert_eq!(e.ready_at(c, now), Some(now));
        }
        let on0 = kubelets(8)
            .into_iter()
            .filter(|c| e.server_of(*c) == Some(0))
            .count();
        assert!(on0 > 0 && on0 < 8, "both replicas take clients: {on0} on 0");
        let c = ComponentId::of(ComponentKind::Scheduler);
        e.ready_at(c, now);
        let first = e.server_of(c);
        e.ready_at(c, SimTime(99));
        assert_eq!(e.server_of(c), first);
    }

    #[test]
    fn a_failed_replicas_clients_move_after_a_reconnect_and_the_others_are_untouched() {
        let mut e = Endpoints::new(2, "h:443".into());
        for c in kubelets(8) {
            e.ready_at(c, SimTime(0));
        }
        let before: Vec<Option<u32>> = kubelets(8).iter().map(|c| e.server_of(*c)).collect();
        let t = SimTime(1_000_000);
        assert!(e.fail(0, t, |_| RECONNECT));
        for (c, was) in kubelets(8).into_iter().zip(before) {
            assert_eq!(e.server_of(c), Some(1));
            let want = if was == Some(0) { t + RECONNECT } else { t };
            assert_eq!(e.ready_at(c, t), Some(want), "{c:?} was on {was:?}");
        }
    }

    #[test]
    fn with_every_replica_down_nobody_connects_until_one_returns() {
        let mut e = Endpoints::new(1, "h:443".into());
        let c = ComponentId::terminal(0);
        e.ready_at(c, SimTime(0));
        e.fail(0, SimTime(1), |_| RECONNECT);
        assert!(e.all_down());
        assert_eq!(e.ready_at(c, SimTime(2)), None);
        assert!(e.recover(0));
        assert_eq!(e.ready_at(c, SimTime(3)), Some(SimTime(3)));
        assert!(!e.recover(0), "already up");
    }
}
