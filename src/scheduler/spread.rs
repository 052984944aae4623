//! PodTopologySpread for a pod's own `topologySpreadConstraints`
//! (pkg/scheduler/framework/plugins/podtopologyspread): `DoNotSchedule` constraints as a
//! Filter (filtering.go `calPreFilterState`, `Filter`), `ScheduleAnyway` ones as a Score
//! (scoring.go `initPreScoreState`, `PreScore`, `Score`, `NormalizeScore`), weight 2. The
//! system default constraints of pods without their own live in the scheduler (`mod.rs`).
//!
//! Matching pods are counted per domain once per cycle; `matchLabelKeys` are merged into
//! the selector with the pod's values (`mergeLabelSetWithSelector`).

use crate::etcd::Store;
use crate::model::affinity::{TopologySpreadConstraint, WhenUnsatisfiable};
use crate::model::labels::{Labels, Selector};
use crate::model::pod::{Pod, TaintEffect};
use crate::scheduler::plugins::{
    MAX_NODE_SCORE, Rejection, matches_node_selector_and_affinity, untolerated_taint,
};
use crate::scheduler::topology::Topologies;

/// `ErrReasonConstraintsNotMatch`.
pub const CONSTRAINTS_REASON: &str = "node(s) didn't match pod topology spread constraints";
/// `ErrReasonNodeLabelNotMatch`.
pub const MISSING_LABEL_REASON: &str =
    "node(s) didn't match pod topology spread constraints (missing required label)";
/// `kubernetes.io/hostname`, whose per-node counts Score takes from the node itself.
const HOSTNAME: &str = "kubernetes.io/hostname";

/// One constraint, resolved for the cycle.
#[derive(Debug)]
struct Constraint {
    topology: usize,
    max_skew: i64,
    min_domains: i64,
    selector: Option<Selector>,
    honor_node_affinity: bool,
    honor_node_taints: bool,
    /// Matching pods per domain.
    counts: Vec<i64>,
    /// Domains an eligible node carries (upstream's `TpValueToMatchNum` keys).
    present: Vec<bool>,
}

impl Constraint {
    fn new(
        c: &TopologySpreadConstraint,
        pod_labels: &Labels,
        store: &Store,
        nodes: &[u32],
        topo: &mut Topologies,
    ) -> Constraint {
        let topology = topo.intern(store, nodes, &c.topology_key);
        let domains = topo.get(topology).domains;
        // filterTopologySpreadConstraints: matchLabelKeys' values ANDed in.
        let selector = c.selector.clone().map(|mut s| {
            let keys: Vec<(String, String)> = c
                .match_label_keys
                .iter()
                .filter_map(|k| pod_labels.get(k).map(|v| (k.clone(), v.to_string())))
                .collect();
            s.add_equals(&Labels::from_pairs(keys));
            s
        });
        Constraint {
            topology,
            max_skew: i64::from(c.max_skew),
            min_domains: i64::from(c.min_domains.unwrap_or(1)),
            selector,
            honor_node_affinity: c.honor_node_affinity,
            honor_node_taints: c.honor_node_taints,
            counts: vec![0; domains],
            present: vec![false; domains],
        }
    }

    fn selects(&self, pod: &Pod, other: &Pod) -> bool {
        // countPodsMatchSelector: terminating pods and other namespaces do not count.
        other.meta.deleted.is_none()
            && other.meta.namespace == pod.meta.namespace
            && self
                .selector
                .as_ref()
                .is_some_and(|s| s.matches(&other.meta.labels))
    }

    /// `matchNodeInclusionPolicies`.
    fn includes(&self, pod: &Pod, node: &crate::model::node::Node) -> bool {
        (!self.honor_node_affinity || matches_node_selector_and_affinity(&pod.spec, node))
            && (!self.honor_node_taints
                || untolerated_taint(&node.taints, &pod.spec.tolerations, |t| {
                    matches!(t.effect, TaintEffect::NoSchedule | TaintEffect::NoExecute)
                })
                .is_none())
    }
}

/// The pod's constraints for `when`, resolved.
fn constraints(
    store: &Store,
    nodes: &[u32],
    topo: &mut Topologies,
    pod: &Pod,
    when: WhenUnsatisfiable,
) -> Vec<Constraint> {
    pod.spec
        .topology_spread
        .iter()
        .filter(|c| c.when_unsatisfiable == when)
        .map(|c| Constraint::new(c, &pod.meta.labels, store, nodes, topo))
        .collect()
}

/// Whether the node has every constraint's key (`nodeLabelsMatchSpreadConstraints`).
fn has_all_keys(topo: &Topologies, cs: &[Constraint], node: u32) -> bool {
    cs.iter().all(|c| topo.get(c.topology).of(node).is_some())
}

/// `eligible[k][node]`: the node has every constraint's key and passes constraint `k`'s
/// inclusion policies, so its pods count for `k`.
fn eligibility(
    store: &Store,
    nodes: &[u32],
    topo: &Topologies,
    cs: &[Constraint],
    pod: &Pod,
) -> Vec<Vec<bool>> {
    let len = nodes.iter().map(|n| *n as usize + 1).max().unwrap_or(0);
    let mut eligible = vec![vec![false; len]; cs.len()];
    for n in nodes {
        let Some(node) = store.nodes.get(*n) else {
            continue;
        };
        if !has_all_keys(topo, cs, *n) {
            continue;
        }
        for (k, c) in cs.iter().enumerate() {
            eligible[k][*n as usize] = c.includes(pod, node);
        }
    }
    eligible
}

/// PreFilter's state for the `DoNotSchedule` constraints.
#[derive(Debug, Default)]
pub struct FilterState {
    constraints: Vec<Constraint>,
    /// Per constraint: the global minimum over present domains, and how many there are.
    minimum: Vec<(i64, usize)>,
    /// Per constraint: whether the pod matches its own selector.
    self_match: Vec<bool>,
}

impl FilterState {
    /// `calPreFilterState` over every node and every assigned pod in `placed`.
    pub fn new(
        store: &Store,
        nodes: &[u32],
        topo: &mut Topologies,
        pod: &Pod,
        placed: &[(u32, u32)],
    ) -> FilterState {
        let mut cs = constraints(store, nodes, topo, pod, WhenUnsatisfiable::DoNotSchedule);
        if cs.is_empty() {
            return FilterState::default();
        }
        let eligible = eligibility(store, nodes, topo, &cs, pod);
        for (k, c) in cs.iter_mut().enumerate() {
            let tp = topo.get(c.topology);
            for n in nodes {
                if eligible[k].get(*n as usize).copied().unwrap_or(false)
                    && let Some(d) = tp.of(*n)
                {
                    c.present[d as usize] = true;
                }
            }
        }
        for (q, n) in placed {
            let Some(other) = store.pods.get(*q) else {
                continue;
            };
            for (k, c) in cs.iter_mut().enumerate() {
                if eligible[k].get(*n as usize).copied().unwrap_or(false)
                    && c.selects(pod, other)
                    && let Some(d) = topo.get(c.topology).of(*n)
                {
                    c.counts[d as usize] += 1;
                }
            }
        }
        let minimum = cs
            .iter()
            .map(|c| {
                let present = c.present.iter().filter(|p| **p).count();
                let min = c
                    .counts
                    .iter()
                    .zip(&c.present)
                    .filter(|(_, p)| **p)
                    .map(|(n, _)| *n)
                    .min()
                    .unwrap_or(i64::from(i32::MAX));
                (min, present)
            })
            .collect();
        let self_match = cs
            .iter()
            .map(|c| {
                c.selector
                    .as_ref()
                    .is_some_and(|s| s.matches(&pod.meta.labels))
            })
            .collect();
        FilterState {
            constraints: cs,
            minimum,
            self_match,
        }
    }

    /// Filter: a node without a constraint's key is UnschedulableAndUnresolvable; one
    /// where `matching + self − global minimum > maxSkew` is Unschedulable. With fewer
    /// eligible domains than `minDomains`, the global minimum is 0.
    pub fn filter(&self, topo: &Topologies, node: u32) -> Option<Rejection> {
        for ((c, (min, domains)), self_match) in self
            .constraints
            .iter()
            .zip(&self.minimum)
            .zip(&self.self_match)
        {
            let Some(d) = topo.get(c.topology).of(node) else {
                return Some(Rejection {
                    reason: MISSING_LABEL_REASON,
                    resolvable: false,
                });
            };
            let min = if (*domains as i64) < c.min_domains {
                0
            } else {
                *min
            };
            let skew = c.counts[d as usize] + i64::from(*self_match) - min;
            if skew > c.max_skew {
                return Some(Rejection {
                    reason: CONSTRAINTS_REASON,
                    resolvable: true,
                });
            }
        }
        None
    }
}

/// PreScore, Score and NormalizeScore for the `ScheduleAnyway` constraints: each feasible
/// node's normalised score in `feasible` order, or None when the pod has none (Skip).
pub fn scores(
    store: &Store,
    nodes: &[u32],
    topo: &mut Topologies,
    pod: &Pod,
    placed: &[(u32, u32)],
    feasible: &[u32],
) -> Option<Vec<i64>> {
    let mut cs = constraints(store, nodes, topo, pod, WhenUnsatisfiable::ScheduleAnyway);
    if cs.is_empty() {
        return None;
    }
    // initPreScoreState: feasible nodes missing a key are ignored; the domains of the
    // others are the ones counted.
    let ignored: Vec<bool> = feasible
        .iter()
        .map(|n| !has_all_keys(topo, &cs, *n))
        .collect();
    let scored = ignored.iter().filter(|i| !**i).count();
    let mut weights = Vec::with_capacity(cs.len());
    for c in &mut cs {
        let tp = topo.get(c.topology);
        for (n, _) in feasible.iter().zip(&ignored).filter(|(_, i)| !**i) {
            if let Some(d) = tp.of(*n) {
                c.present[d as usize] = true;
            }
        }
        let size = if tp.key == HOSTNAME {
            scored
        } else {
            c.present.iter().filter(|p| **p).count()
        };
        weights.push(libm::log(size as f64 + 2.0));
    }
    // PreScore's counts over all nodes with every key that pass the inclusion policies;
    // hostname counts are the node's own pods (Score's countPodsMatchSelector).
    let eligible = eligibility(store, nodes, topo, &cs, pod);
    let len = eligible.first().map_or(0, Vec::len);
    let mut on_node = vec![vec![0i64; len]; cs.len()];
    for (q, n) in placed {
        let Some(other) = store.pods.get(*q) else {
            continue;
        };
        for (k, c) in cs.iter_mut().enumerate() {
            if !c.selects(pod, other) {
                continue;
            }
            if let Some(slot) = on_node[k].get_mut(*n as usize) {
                *slot += 1;
            }
            if eligible[k].get(*n as usize).copied().unwrap_or(false)
                && let Some(d) = topo.get(c.topology).of(*n)
                && c.present[d as usize]
            {
                c.counts[d as usize] += 1;
            }
        }
    }
    let raw: Vec<Option<i64>> = feasible
        .iter()
        .zip(&ignored)
        .map(|(n, ignored)| {
            if *ignored {
                return None;
            }
            let mut score = 0.0;
            for ((k, c), w) in cs.iter().enumerate().zip(&weights) {
                let tp = topo.get(c.topology);
                let Some(d) = tp.of(*n) else { continue };
                let cnt = if tp.key == HOSTNAME {
                    on_node[k][*n as usize]
                } else {
                    c.counts[d as usize]
                };
                score += cnt as f64 * w + (c.max_skew - 1) as f64;
            }
            Some(libm::round(score) as i64)
        })
        .collect();
    let max = raw.iter().flatten().copied().max().unwrap_or(0).max(0);
    let min = raw.iter().flatten().copied().min().unwrap_or(i64::MAX);
    Some(
        raw.into_iter()
            .map(|r| match r {
                None => 0,
                Some(_) if max == 0 => MAX_NODE_SCORE,
                Some(s) => MAX_NODE_SCORE * (max + min - s) / max,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::fixture::{Cluster, exists, spread};

    const NOT_MATCH: Option<(&str, bool)> = Some((CONSTRAINTS_REASON, true));
    const MISSING: Option<(&str, bool)> = Some((MISSING_LABEL_REASON, false));

    /// node-a, node-b in zone1 and node-x, node-y in zone2, each labelled `node=<name>`, as
    /// filtering_test.go builds them.
    fn four_nodes() -> (Cluster, [u32; 4]) {
        let mut c = Cluster::default();
        let ids = [
            ("node-a", "zone1"),
            ("node-b", "zone1"),
            ("node-x", "zone2"),
            ("node-y", "zone2"),
        ]
        .map(|(n, z)| c.node(n, &[("zone", z), ("node", n)]));
        (c, ids)
    }

    /// Pods labelled `foo` on the nodes, `per_node[i]` on node i.
    fn foo_pods(c: &mut Cluster, nodes: &[u32], per_node: &[usize]) {
        for (i, (n, count)) in nodes.iter().zip(per_node).enumerate() {
            for j in 0..*count {
                c.pod(
                    &format!("p-{i}-{j}"),
                    "default",
                    &[("foo", "")],
                    Some(*n),
                    |_| {},
                );
            }
        }
    }

    fn incoming(
        c: &mut Cluster,
        labels: &[(&str, &str)],
        cs: Vec<TopologySpreadConstraint>,
    ) -> u32 {
        c.pod("p", "default", labels, None, |s| s.topology_spread = cs)
    }

    #[test]
    fn single_constraint_rows_of_test_single_constraint() {
        let zone = || {
            vec![spread(
                1,
                "zone",
                WhenUnsatisfiable::DoNotSchedule,
                exists("foo"),
            )]
        };
        let node = |skew| {
            vec![spread(
                skew,
                "node",
                WhenUnsatisfiable::DoNotSchedule,
                exists("foo"),
            )]
        };
        // "no existing pods": all fit.
        let (mut c, n) = four_nodes();
        let p = incoming(&mut c, &[("foo", "")], zone());
        assert_eq!(c.verdicts(p), vec![None; 4]);
        // "existing pods in a different namespace do not count".
        let (mut c, n2) = four_nodes();
        c.pod("p-a1", "ns1", &[("foo", "")], Some(n2[0]), |_| {});
        c.pod("p-b1", "ns2", &[("foo", "")], Some(n2[0]), |_| {});
        foo_pods(&mut c, &n2, &[0, 0, 1, 1]);
        let p = incoming(&mut c, &[("foo", "")], zone());
        assert_eq!(c.verdicts(p), vec![None, None, NOT_MATCH, NOT_MATCH]);
        // "pods spread across zones as 3/3, all nodes fit".
        let (mut c, _) = four_nodes();
        foo_pods(&mut c, &n, &[2, 1, 0, 3]);
        let p = incoming(&mut c, &[("foo", "")], zone());
        assert_eq!(c.verdicts(p), vec![None; 4]);
        // "pods spread across nodes as 2/1/0/3, only node-x fits".
        let (mut c, _) = four_nodes();
        foo_pods(&mut c, &n, &[2, 1, 0, 3]);
        let p = incoming(&mut c, &[("foo", "")], node(1));
        assert_eq!(c.verdicts(p), vec![NOT_MATCH, NOT_MATCH, None, NOT_MATCH]);
        // "pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit".
        let (mut c, _) = four_nodes();
        foo_pods(&mut c, &n, &[2, 1, 0, 3]);
        let p = incoming(&mut c, &[("foo", "")], node(2));
        assert_eq!(c.verdicts(p), vec![NOT_MATCH, None, None, NOT_MATCH]);
        // "pods spread across nodes as 2/1/0/3, but pod doesn't match itself".
        let (mut c, _) = four_nodes();
        foo_pods(&mut c, &n, &[2, 1, 0, 3]);
        let p = incoming(&mut c, &[("bar", "")], node(1));
        assert_eq!(c.verdicts(p), vec![NOT_MATCH, None, None, NOT_MATCH]);
        // "pod cannot be scheduled as all nodes don't have label 'rack'".
        let (mut c, _) = four_nodes();
        let rack = vec![spread(
            1,
            "rack",
            WhenUnsatisfiable::DoNotSchedule,
            exists("foo"),
        )];
        let p = incoming(&mut c, &[("foo", "")], rack);
        assert_eq!(c.verdicts(p), vec![MISSING; 4]);
    }

    #[test]
    fn a_missing_zone_label_and_terminating_pods_follow_test_single_constraint() {
        // "pods spread across zones as 1/2 due to absence of label 'zone' on node-b".
        let mut c = Cluster::default();
        let a = c.node("node-a", &[("zone", "zone1"), ("node", "node-a")]);
        let b = c.node("node-b", &[("zon", "zone1"), ("node", "node-b")]);
        let x = c.node("node-x", &[("zone", "zone2"), ("node", "node-x")]);
        let y = c.node("node-y", &[("zone", "zone2"), ("node", "node-y")]);
        foo_pods(&mut c, &[a, b, x, y], &[1, 1, 1, 1]);
        let zone = vec![spread(
            1,
            "zone",
            WhenUnsatisfiable::DoNotSchedule,
            exists("foo"),
        )];
        let p = incoming(&mut c, &[("foo", "")], zone);
        assert_eq!(c.verdicts(p), vec![None, MISSING, NOT_MATCH, NOT_MATCH]);
        // "terminating Pods should be excluded".
        let mut c = Cluster::default();
        let a = c.node("node-a", &[("node", "node-a")]);
        let b = c.node("node-b", &[("node", "node-b")]);
        let gone = c.pod("p-a", "default", &[("foo", "")], Some(a), |_| {});
        c.terminate(gone);
        c.pod("p-b", "default", &[("foo", "")], Some(b), |_| {});
        let node = vec![spread(
            1,
            "node",
            WhenUnsatisfiable::DoNotSchedule,
            exists("foo"),
        )];
        let p = incoming(&mut c, &[("foo", "")], node);
        assert_eq!(c.verdicts(p), vec![None, NOT_MATCH]);
    }

    #[test]
    fn node_affinity_policy_and_two_constraints_follow_upstream_rows() {
        // TestSingleConstraint "incoming pod has nodeAffinity, pods spread as 2/~1~/~0~/3,
        // hence node-a fits": with nodeAffinityPolicy Honor only node-a and node-y count,
        // so the minimum is 2. (Upstream's test runs PodTopologySpread alone; here
        // NodeAffinity runs first and rejects node-b and node-x.)
        let (mut c, n) = four_nodes();
        foo_pods(&mut c, &n, &[2, 1, 0, 3]);
        let p = c.pod("p", "default", &[("foo", "")], None, |s| {
            s.topology_spread = vec![spread(
                1,
                "node",
                WhenUnsatisfiable::DoNotSchedule,
                exists("foo"),
            )];
            s.node_selector = Default::default();
            s.affinity = Some(Box::new(crate::model::affinity::Affinity {
                node: crate::model::affinity::NodeAffinity {
                    required: Some(vec![crate::model::affinity::NodeSelectorTerm {
                        match_expressions: vec![crate::model::labels::Requirement {
                            key: "node".into(),
                            operator: crate::model::labels::Operator::In,
                            values: vec!["node-a".into(), "node-y".into()],
                        }],
                        match_fields: Vec::new(),
                    }]),
                    preferred: Vec::new(),
                },
                ..Default::default()
            }));
        });
        let affinity = Some(("node(s) didn't match Pod's node affinity/selector", false));
        assert_eq!(c.verdicts(p), vec![None, affinity, affinity, NOT_MATCH]);
        // TestMultipleConstraints "two Constraints on zone and node, spreads = [3/3,
        // 2/1/0/3]": only node-x fits.
        let (mut c, _) = four_nodes();
        foo_pods(&mut c, &n, &[2, 1, 0, 3]);
        let both = vec![
            spread(1, "zone", WhenUnsatisfiable::DoNotSchedule, exists("foo")),
            spread(1, "node", WhenUnsatisfiable::DoNotSchedule, exists("foo")),
        ];
        let p = incoming(&mut c, &[("foo", "")], both);
        assert_eq!(c.verdicts(p), vec![NOT_MATCH, NOT_MATCH, None, NOT_MATCH]);
    }

    #[test]
    fn min_domains_above_the_domain_count_makes_the_global_minimum_zero() {
        // filtering.go minMatchNum: with fewer eligible domains than minDomains the global
        // minimum is 0. Spread 2/2/1 over three nodes, maxSkew 2: with minDomains 1 the
        // minimum is 1 and every node fits (3 − 1 = 2); with minDomains 4 it is 0 and only
        // the node holding 1 pod stays within the skew (1 + 1 − 0 = 2).
        let build = |min_domains| {
            let mut c = Cluster::default();
            let ids: Vec<u32> = ["n1", "n2", "n3"]
                .iter()
                .map(|n| c.node(n, &[("node", n)]))
                .collect();
            foo_pods(&mut c, &ids, &[2, 2, 1]);
            let mut cs = spread(2, "node", WhenUnsatisfiable::DoNotSchedule, exists("foo"));
            cs.min_domains = min_domains;
            let p = incoming(&mut c, &[("foo", "")], vec![cs]);
            c.verdicts(p)
        };
        assert_eq!(build(None), vec![None; 3]);
        assert_eq!(build(Some(4)), vec![NOT_MATCH, NOT_MATCH, None]);
    }

    #[test]
    fn schedule_anyway_scores_follow_scoring_go() {
        // scoring_test.go TestPodTopologySpreadScore "one constraint on node, all 4 nodes
        // are candidates": pods 2/1/0/3 on the `node` key; weight ln(4 + 2), raw
        // round(cnt × 1.79) = 4, 2, 0, 5; normalised 100 × (5 + 0 − s) / 5 = 20, 60, 100,
        // 0; PodTopologySpread's weight 2.
        let (mut c, n) = four_nodes();
        foo_pods(&mut c, &n, &[2, 1, 0, 3]);
        let cs = vec![spread(
            1,
            "node",
            WhenUnsatisfiable::ScheduleAnyway,
            exists("foo"),
        )];
        let p = incoming(&mut c, &[("foo", "")], cs);
        assert_eq!(c.pod_scores(p).1, Some(vec![40, 120, 200, 0]));
        // No pods yet: every node scores MaxNodeScore.
        let (mut c, _) = four_nodes();
        let cs = vec![spread(
            1,
            "zone",
            WhenUnsatisfiable::ScheduleAnyway,
            exists("foo"),
        )];
        let p = incoming(&mut c, &[("foo", "")], cs);
        assert_eq!(c.pod_scores(p).1, Some(vec![200; 4]));
    }
}
