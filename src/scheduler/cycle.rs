//! One scheduling cycle's state (the framework's `CycleState`): what every PreFilter
//! computes once for the pod — its requests, its host ports and the ports in use,
//! InterPodAffinity's and PodTopologySpread's counts — so that Filter, run per node,
//! only compares and indexes, and the matching PreScore/Score/NormalizeScore over the
//! feasible nodes.

use crate::etcd::Store;
use crate::model::node::Node;
use crate::model::pod::{HostPort, Pod, Resources};
use crate::scheduler::plugins::{self, NodeUsage, Rejection};
use crate::scheduler::topology::Topologies;
use crate::scheduler::{interpod, spread};

/// NodePorts' `ErrReason`.
pub const NODE_PORTS_REASON: &str = "node(s) didn't have free ports for the requested pod ports";

/// The assigned pods a cycle reads, as (pod, node) pairs.
#[derive(Debug, Default)]
pub struct Placed {
    /// Every assigned or assumed pod; filled only when the pod has terms that count pods.
    pub all: Vec<(u32, u32)>,
    /// Those with pod affinity or anti-affinity terms of their own.
    pub with_affinity: Vec<(u32, u32)>,
    /// Those binding host ports.
    pub with_host_ports: Vec<(u32, u32)>,
}

/// Whether the cycle must read every assigned pod: the pod has pod (anti-)affinity or
/// its own spread constraints.
pub fn needs_all_pods(pod: &Pod) -> bool {
    interpod::has_pod_affinity(pod) || !pod.spec.topology_spread.is_empty()
}

/// PreFilter's results for one pod.
#[derive(Debug)]
pub struct CycleState<'a> {
    /// The pod.
    pub pod: &'a Pod,
    /// Its requests (NodeResourcesFit's PreFilter).
    pub requests: Resources,
    wanted_ports: Vec<&'a HostPort>,
    /// Host ports in use, by node (sorted).
    used_ports: Vec<(u32, &'a HostPort)>,
    topologies: Topologies,
    interpod: interpod::FilterState,
    spread: spread::FilterState,
}

impl<'a> CycleState<'a> {
    /// Runs every PreFilter for `pod` against the nodes and the assigned pods.
    pub fn new(store: &'a Store, nodes: &[u32], pod: &'a Pod, placed: &Placed) -> CycleState<'a> {
        let wanted_ports: Vec<&HostPort> = pod
            .spec
            .containers
            .iter()
            .flat_map(|c| &c.host_ports)
            .collect();
        let mut used_ports = Vec::new();
        if !wanted_ports.is_empty() {
            for (q, n) in &placed.with_host_ports {
                if let Some(p) = store.pods.get(*q) {
                    used_ports.extend(
                        p.spec
                            .containers
                            .iter()
                            .flat_map(|c| &c.host_ports)
                            .map(|h| (*n, h)),
                    );
                }
            }
            used_ports.sort_by_key(|(n, _)| *n);
        }
        let mut topologies = Topologies::default();
        let interpod = interpod::FilterState::new(
            store,
            nodes,
            &mut topologies,
            pod,
            &placed.all,
            &placed.with_affinity,
        );
        let spread = spread::FilterState::new(store, nodes, &mut topologies, pod, &placed.all);
        CycleState {
            pod,
            requests: pod.spec.requests(),
            wanted_ports,
            used_ports,
            topologies,
            interpod,
            spread,
        }
    }

    /// NodePorts' Filter: no wanted port conflicts with one in use on the node.
    fn ports_fit(&self, node: u32) -> bool {
        if self.wanted_ports.is_empty() {
            return true;
        }
        let start = self.used_ports.partition_point(|(n, _)| *n < node);
        let used = self.used_ports[start..]
            .iter()
            .take_while(|(n, _)| *n == node)
            .map(|(_, h)| *h);
        !used
            .clone()
            .any(|u| self.wanted_ports.iter().any(|w| w.conflicts(u)))
    }

    /// The default profile's Filters in order — NodeUnschedulable, NodeName,
    /// TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit, PodTopologySpread,
    /// InterPodAffinity — stopping at the first that rejects; its reasons go to `out`.
    pub fn filter(
        &self,
        id: u32,
        node: &Node,
        usage: &NodeUsage,
        out: &mut Vec<Rejection>,
    ) -> bool {
        if !plugins::filter_node(&self.pod.spec, node, out) {
            return false;
        }
        self.filter_row(id, &plugins::NodeRow::of(node), usage, out)
    }

    /// No NodeName, nodeSelector or required node affinity: on a [`plugins::NodeRow::plain`]
    /// node the first four Filters pass, and [`CycleState::filter_row`] is the whole Filter.
    pub fn plain(&self) -> bool {
        let spec = &self.pod.spec;
        spec.node_name.is_none()
            && spec.required_node_name.is_none()
            && spec.node_selector.is_empty()
            && spec
                .affinity
                .as_ref()
                .is_none_or(|a| a.node.required.is_none())
    }

    /// The Filters from NodePorts on, which read only the node's packed row.
    pub fn filter_row(
        &self,
        id: u32,
        node: &plugins::NodeRow,
        usage: &NodeUsage,
        out: &mut Vec<Rejection>,
    ) -> bool {
        if !self.ports_fit(id) {
            out.push(Rejection {
                reason: NODE_PORTS_REASON,
                resolvable: true,
            });
            return false;
        }
        if !plugins::filter_resources(self.requests, node, usage, out) {
            return false;
        }
        let rejected = self
            .spread
            .filter(&self.topologies, id)
            .or_else(|| self.interpod.filter(&self.topologies, id));
        match rejected {
            Some(r) => {
                out.push(r);
                false
            }
            None => true,
        }
    }

    /// The weighted scores of the plugins that read other pods' terms, for the feasible
    /// nodes in order: InterPodAffinity (weight 2; None when it skips) and, for a pod with
    /// its own spread constraints, PodTopologySpread (weight 2; None leaves the system
    /// defaults to the caller).
    pub fn pod_scores(
        &mut self,
        store: &Store,
        nodes: &[u32],
        placed: &Placed,
        feasible: &[u32],
    ) -> (Option<Vec<i64>>, Option<Vec<i64>>) {
        let has_preferred = self
            .pod
            .spec
            .affinity
            .as_ref()
            .is_some_and(|a| !a.pod.preferred.is_empty() || !a.anti.preferred.is_empty());
        let pods = if has_preferred {
            &placed.all
        } else {
            &placed.with_affinity
        };
        let inter = if pods.is_empty() {
            None
        } else {
            interpod::ScoreState::new(store, nodes, &mut self.topologies, self.pod, pods)
                .scores(&self.topologies, feasible)
        };
        let own_spread = if self.pod.spec.topology_spread.is_empty() {
            None
        } else {
            Some(
                spread::scores(
                    store,
                    nodes,
                    &mut self.topologies,
                    self.pod,
                    &placed.all,
                    feasible,
                )
                .unwrap_or_else(|| vec![0; feasible.len()]),
            )
        };
        let double = |v: Vec<i64>| v.into_iter().map(|s| 2 * s).collect();
        (inter.map(double), own_spread.map(double))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::fixture::Cluster;

    fn port(spec: &str) -> HostPort {
        let mut parts = spec.split('/');
        let protocol = parts.next().unwrap_or("TCP").to_string();
        let ip = parts.next().unwrap_or("").to_string();
        let port = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
        HostPort { ip, protocol, port }
    }

    /// The NodePorts verdict for a pod wanting `want` on a node whose pod uses `used`.
    fn fits(want: &[&str], used: &[&str]) -> bool {
        let mut c = Cluster::default();
        let n = c.node("node", &[]);
        let ports = |list: &[&str]| list.iter().map(|p| port(p)).collect::<Vec<_>>();
        if !used.is_empty() {
            let used = ports(used);
            c.pod("existing", "default", &[], Some(n), |s| {
                s.containers[0].host_ports = used
            });
        }
        let want = ports(want);
        let p = c.pod("p", "default", &[], None, |s| {
            s.containers[0].host_ports = want
        });
        match c.verdicts(p)[0] {
            None => true,
            Some(r) => {
                assert_eq!(r, (NODE_PORTS_REASON, true));
                false
            }
        }
    }

    #[test]
    fn host_port_conflicts_follow_test_node_ports() {
        // node_ports_test.go TestNodePorts, "protocol/hostIP/port".
        assert!(fits(&[], &[]), "nothing running");
        assert!(
            fits(&["UDP/127.0.0.1/9090"], &["UDP/127.0.0.1/8080"]),
            "other port"
        );
        assert!(
            !fits(&["UDP/127.0.0.1/8080"], &["UDP/127.0.0.1/8080"]),
            "same udp port"
        );
        assert!(
            !fits(&["TCP/127.0.0.1/8080"], &["TCP/127.0.0.1/8080"]),
            "same tcp port"
        );
        assert!(
            fits(&["TCP/127.0.0.1/8080"], &["TCP/127.0.0.2/8080"]),
            "different host ip"
        );
        assert!(
            fits(&["UDP/127.0.0.1/8080"], &["TCP/127.0.0.1/8080"]),
            "different protocol"
        );
        assert!(
            !fits(
                &["UDP/127.0.0.1/8000", "UDP/127.0.0.1/8080"],
                &["UDP/127.0.0.1/8001", "UDP/127.0.0.1/8080"]
            ),
            "second udp port conflict"
        );
        assert!(
            !fits(
                &["TCP/127.0.0.1/8001", "UDP/127.0.0.1/8080"],
                &["TCP/127.0.0.1/8001", "UDP/127.0.0.1/8081"]
            ),
            "first tcp port conflict"
        );
        assert!(
            !fits(&["TCP/0.0.0.0/8001"], &["TCP/127.0.0.1/8001"]),
            "first tcp port conflict due to 0.0.0.0 hostIP"
        );
        assert!(
            !fits(
                &["TCP/10.0.10.10/8001", "TCP/0.0.0.0/8001"],
                &["TCP/127.0.0.1/8001"]
            ),
            "TCP hostPort conflict due to 0.0.0.0 hostIP"
        );
        assert!(
            !fits(&["TCP/127.0.0.1/8001"], &["TCP/0.0.0.0/8001"]),
            "second tcp port conflict to 0.0.0.0 hostIP"
        );
        assert!(
            fits(&["UDP/127.0.0.1/8001"], &["TCP/0.0.0.0/8001"]),
            "second different protocol"
        );
        assert!(
            !fits(
                &["UDP/127.0.0.1/8001"],
                &["TCP/0.0.0.0/8001", "UDP/0.0.0.0/8001"]
            ),
            "UDP hostPort conflict due to 0.0.0.0 hostIP"
        );
    }
}
