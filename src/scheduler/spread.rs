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
