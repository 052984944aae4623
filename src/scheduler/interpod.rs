//! InterPodAffinity (pkg/scheduler/framework/plugins/interpodaffinity): the pod's required
//! affinity and anti-affinity terms and the existing pods' required anti-affinity terms as
//! a Filter (filtering.go), preferred terms of both sides and the existing pods' required
//! affinity (`hardPodAffinityWeight` 1) as a Score (scoring.go), weight 2.
//!
//! PreFilter and PreScore count matching pods per topology pair once per cycle; Filter and
//! Score only index those counts.

use crate::etcd::Store;
use crate::model::affinity::{PodAffinityTerm, WeightedPodAffinityTerm};
use crate::model::pod::Pod;
use crate::scheduler::plugins::{MAX_NODE_SCORE, Rejection};
use crate::scheduler::topology::{PairCounts, Topologies, namespace_labels};

/// `ErrReasonAffinityRulesNotMatch`.
pub const AFFINITY_REASON: &str = "node(s) didn't match pod affinity rules";
/// `ErrReasonAntiAffinityRulesNotMatch`.
pub const ANTI_AFFINITY_REASON: &str = "node(s) didn't match pod anti-affinity rules";
/// `ErrReasonExistingAntiAffinityRulesNotMatch`.
pub const EXISTING_ANTI_AFFINITY_REASON: &str =
    "node(s) didn't satisfy existing pods anti-affinity rules";
/// `DefaultHardPodAffinityWeight` (InterPodAffinityArgs).
const HARD_POD_AFFINITY_WEIGHT: i64 = 1;

/// `AffinityTerm.Matches`: `term`, written in `owner`, selects `target`.
pub fn term_matches(store: &Store, term: &PodAffinityTerm, owner: &Pod, target: &Pod) -> bool {
    if term.namespaces.is_empty() && term.namespace_selector.is_none() {
        // The owner's namespace only: compare ids, not names.
        return owner.meta.namespace == target.meta.namespace
            && term
                .selector
                .as_ref()
                .is_some_and(|s| s.matches(&target.meta.labels));
    }
    let own_ns = owner.meta.namespace.map_or("", |n| store.ns_name(n));
    let ns = target.meta.namespace.map_or("", |n| store.ns_name(n));
    let ns_labels = if term.namespace_selector.is_some() {
        namespace_labels(store, target.meta.namespace)
    } else {
        namespace_labels(store, None)
    };
    term.matches(own_ns, ns, ns_labels, &target.meta.labels)
}

/// Whether a pod carries terms InterPodAffinity must look at on other pods' behalf
/// (`PodsWithAffinity`).
pub fn has_pod_affinity(p: &Pod) -> bool {
    p.spec
        .affinity
        .as_ref()
        .is_some_and(|a| !a.pod.is_empty() || !a.anti.is_empty())
}

/// PreFilter's `preFilterState`, with term topologies resolved.
#[derive(Debug, Default)]
pub struct FilterState {
    /// Topology index of each required affinity term.
    affinity: Vec<usize>,
    /// Topology index of each required anti-affinity term.
    anti: Vec<usize>,
    affinity_counts: PairCounts,
    anti_counts: PairCounts,
    existing_anti_counts: PairCounts,
    /// The pod matches all its own required affinity terms.
    self_match: bool,
}

impl FilterState {
    /// PreFilter: counts over `placed` (every assigned pod, needed only when the pod has
    /// required terms) and `with_affinity` (assigned pods with pod (anti-)affinity).
    pub fn new(
        store: &Store,
        nodes: &[u32],
        topo: &mut Topologies,
        pod: &Pod,
        placed: &[(u32, u32)],
        with_affinity: &[(u32, u32)],
    ) -> FilterState {
        let mut s = FilterState::default();
        // getExistingAntiAffinityCounts.
        for (q, node) in with_affinity {
            let Some(existing) = store.pods.get(*q) else {
                continue;
            };
            let Some(a) = existing.spec.affinity.as_ref() else {
                continue;
            };
            for t in &a.anti.required {
                if term_matches(store, t, existing, pod) {
                    let i = topo.intern(store, nodes, &t.topology_key);
                    let tp = topo.get(i);
                    if let Some(d) = tp.of(*node) {
                        s.existing_anti_counts.add(i, tp.domains, d, 1);
                    }
                }
            }
        }
        let Some(a) = pod.spec.affinity.as_ref() else {
            return s;
        };
        let (aff, anti) = (&a.pod.required, &a.anti.required);
        s.affinity = aff
            .iter()
            .map(|t| topo.intern(store, nodes, &t.topology_key))
            .collect();
        s.anti = anti
            .iter()
            .map(|t| topo.intern(store, nodes, &t.topology_key))
            .collect();
        s.self_match = !aff.is_empty() && aff.iter().all(|t| term_matches(store, t, pod, pod));
        if aff.is_empty() && anti.is_empty() {
            return s;
        }
        // getIncomingAffinityAntiAffinityCounts.
        for (q, node) in placed {
            let Some(existing) = store.pods.get(*q) else {
                continue;
            };
            if !aff.is_empty() && aff.iter().all(|t| term_matches(store, t, pod, existing)) {
                for i in &s.affinity {
                    let tp = topo.get(*i);
                    if let Some(d) = tp.of(*node) {
                        s.affinity_counts.add(*i, tp.domains, d, 1);
                    }
                }
            }
            for (t, i) in anti.iter().zip(&s.anti) {
                if term_matches(store, t, pod, existing) {
                    let tp = topo.get(*i);
                    if let Some(d) = tp.of(*node) {
                        s.anti_counts.add(*i, tp.domains, d, 1);
                    }
                }
            }
        }
        s
    }

    /// Whether PreFilter returned Skip (nothing to check).
    pub fn skip(&self) -> bool {
        !self.existing_anti_counts.any() && self.affinity.is_empty() && self.anti.is_empty()
    }

    /// Filter: `satisfyPodAffinity` (UnschedulableAndUnresolvable), then
    /// `satisfyPodAntiAffinity` and `satisfyExistingPodsAntiAffinity` (Unschedulable).
    pub fn filter(&self, topo: &Topologies, node: u32) -> Option<Rejection> {
        let mut pods_exist = true;
        for i in &self.affinity {
            match topo.get(*i).of(node) {
                None => return Some(hard(AFFINITY_REASON)),
                Some(d) if self.affinity_counts.get(*i, d) <= 0 => pods_exist = false,
                Some(_) => {}
            }
        }
        // The first of a group of pods with affinity to each other may go anywhere the
        // topology labels exist.
        if !pods_exist && (self.affinity_counts.any() || !self.self_match) {
            return Some(hard(AFFINITY_REASON));
        }
        if self.anti_counts.any() {
            for i in &self.anti {
                if let Some(d) = topo.get(*i).of(node)
                    && self.anti_counts.get(*i, d) > 0
                {
                    return Some(soft(ANTI_AFFINITY_REASON));
                }
            }
        }
        for i in self.existing_anti_counts.topologies() {
            if let Some(d) = topo.get(*i).of(node)
                && self.existing_anti_counts.get(*i, d) > 0
            {
                return Some(soft(EXISTING_ANTI_AFFINITY_REASON));
            }
        }
        None
    }
}

fn hard(reason: &'static str) -> Rejection {
    Rejection {
        reason,
        resolvable: false,
    }
}

fn soft(reason: &'static str) -> Rejection {
    Rejection {
        reason,
        resolvable: true,
    }
}

/// PreScore's `topologyScore`: the summed weights per topology pair.
#[derive(Debug, Default)]
pub struct ScoreState {
    scores: PairCounts,
}

impl ScoreState {
    /// PreScore: every assigned pod when the pod has preferred terms, else only those with
    /// affinity terms of their own (`placed` is then `with_affinity`).
    pub fn new(
        store: &Store,
        nodes: &[u32],
        topo: &mut Topologies,
        pod: &Pod,
        placed: &[(u32, u32)],
    ) -> ScoreState {
        let mut s = ScoreState::default();
        let empty = crate::model::affinity::Affinity::default();
        let mine = pod.spec.affinity.as_deref().unwrap_or(&empty);
        for (q, node) in placed {
            let Some(existing) = store.pods.get(*q) else {
                continue;
            };
            let theirs = existing.spec.affinity.as_deref().unwrap_or(&empty);
            let mut process = |t: &PodAffinityTerm, w: i64, owner: &Pod, target: &Pod| {
                if term_matches(store, t, owner, target) {
                    let i = topo.intern(store, nodes, &t.topology_key);
                    let tp = topo.get(i);
                    if let Some(d) = tp.of(*node) {
                        s.scores.add(i, tp.domains, d, w);
                    }
                }
            };
            let w = |t: &WeightedPodAffinityTerm| i64::from(t.weight);
            for t in &mine.pod.preferred {
                process(&t.term, w(t), pod, existing);
            }
            for t in &mine.anti.preferred {
                process(&t.term, -w(t), pod, existing);
            }
            for t in &theirs.pod.required {
                process(t, HARD_POD_AFFINITY_WEIGHT, existing, pod);
            }
            for t in &theirs.pod.preferred {
                process(&t.term, w(t), existing, pod);
            }
            for t in &theirs.anti.preferred {
                process(&t.term, -w(t), existing, pod);
            }
        }
        s
    }

    /// Score and NormalizeScore for the feasible nodes, in order: `100 × (s − min) /
    /// (max − min)`, all 0 when every node scores the same; None (all 0) when no pair was
    /// scored (PreScore's Skip).
    pub fn scores(&self, topo: &Topologies, feasible: &[u32]) -> Option<Vec<i64>> {
        if !self.scores.touched() {
            return None;
        }
        let raw: Vec<i64> = feasible
            .iter()
            .map(|n| {
                self.scores
                    .topologies()
                    .iter()
                    .filter_map(|i| topo.get(*i).of(*n).map(|d| self.scores.get(*i, d)))
                    .sum()
            })
            .collect();
        let max = raw.iter().copied().max().unwrap_or(0);
        let min = raw.iter().copied().min().unwrap_or(0);
        let diff = max - min;
        Some(
            raw.into_iter()
                .map(|s| {
                    if diff > 0 {
                        (MAX_NODE_SCORE as f64 * ((s - min) as f64 / diff as f64)) as i64
                    } else {
                        0
                    }
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::affinity::{Affinity, PodAffinity};
    use crate::scheduler::fixture::{Cluster, key_in, term};

    const AFFINITY: Option<(&str, bool)> = Some((AFFINITY_REASON, false));
    const ANTI: Option<(&str, bool)> = Some((ANTI_AFFINITY_REASON, true));
    const EXISTING: Option<(&str, bool)> = Some((EXISTING_ANTI_AFFINITY_REASON, true));

    fn required(pod: Vec<PodAffinityTerm>, anti: Vec<PodAffinityTerm>) -> Option<Box<Affinity>> {
        Some(Box::new(Affinity {
            pod: PodAffinity {
                required: pod,
                preferred: Vec::new(),
            },
            anti: PodAffinity {
                required: anti,
                preferred: Vec::new(),
            },
            ..Affinity::default()
        }))
    }

    /// machine1 {region r1, zone z11}, machine2 {region r1, zone z12}, machine3 {region r2,
    /// zone z21}, as filtering_test.go's multiple-node tables label them.
    fn three_nodes() -> (Cluster, [u32; 3]) {
        let mut c = Cluster::default();
        let ids = [
            ("machine1", "r1", "z11"),
            ("machine2", "r1", "z12"),
            ("machine3", "r2", "z21"),
        ]
        .map(|(n, r, z)| c.node(n, &[("region", r), ("zone", z), ("hostname", n)]));
        (c, ids)
    }

    #[test]
    fn required_affinity_rows_of_test_required_affinity_single_node() {
        let securityscan = || term(key_in("service", &["securityscan", "value2"]), "region");
        // "satisfies with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity
        // using In operator that matches the existing pod".
        let (mut c, n) = three_nodes();
        c.pod(
            "existing",
            "default",
            &[("service", "securityscan")],
            Some(n[0]),
            |_| {},
        );
        let p = c.pod("p", "default", &[("security", "S1")], None, |s| {
            s.affinity = required(vec![securityscan()], Vec::new())
        });
        assert_eq!(c.verdicts(p)[0], None);
        // "Does not satisfy the PodAffinity with labelSelector because of diff Namespace".
        let (mut c, n) = three_nodes();
        c.pod(
            "existing",
            "ns",
            &[("service", "securityscan")],
            Some(n[0]),
            |_| {},
        );
        let p = c.pod("p", "default", &[("security", "S1")], None, |s| {
            s.affinity = required(vec![securityscan()], Vec::new())
        });
        assert_eq!(c.verdicts(p)[0], AFFINITY);
        // "Doesn't satisfy the PodAffinity because of unmatching labelSelector with the
        // existing pod".
        let (mut c, n) = three_nodes();
        c.pod(
            "existing",
            "default",
            &[("service", "antivirusscan")],
            Some(n[0]),
            |_| {},
        );
        let p = c.pod("p", "default", &[("security", "S1")], None, |s| {
            s.affinity = required(vec![securityscan()], Vec::new())
        });
        assert_eq!(c.verdicts(p)[0], AFFINITY);
        // "satisfies the PodAntiAffinity with existing pod but doesn't satisfy
        // PodAntiAffinity symmetry with incoming pod": the existing pod's anti-affinity
        // selects the incoming one in its zone.
        let (mut c, n) = three_nodes();
        c.pod(
            "existing",
            "default",
            &[("service", "securityscan")],
            Some(n[0]),
            |s| s.affinity = required(Vec::new(), vec![term(key_in("security", &["S1"]), "zone")]),
        );
        let p = c.pod("p", "default", &[("security", "S1")], None, |s| {
            s.affinity = required(vec![securityscan()], Vec::new())
        });
        assert_eq!(c.verdicts(p)[0], EXISTING);
    }

    #[test]
    fn the_first_pod_of_a_self_affine_group_may_go_anywhere_with_the_topology_label() {
        // satisfyPodAffinity: no pod matches the terms anywhere and the pod matches its own
        // terms, so every node carrying the topology key passes (the comment there: "This
        // pod may be the first pod in a series that have affinity to themselves").
        let (mut c, _) = three_nodes();
        let p = c.pod("p", "default", &[("app", "web")], None, |s| {
            s.affinity = required(vec![term(key_in("app", &["web"]), "region")], Vec::new())
        });
        assert_eq!(c.verdicts(p), vec![None; 3]);
        // A node without the key never passes.
        let (mut c, _) = three_nodes();
        c.node("bare", &[]);
        let p = c.pod("p", "default", &[("app", "web")], None, |s| {
            s.affinity = required(vec![term(key_in("app", &["web"]), "region")], Vec::new())
        });
        assert_eq!(c.verdicts(p)[3], AFFINITY);
    }

    #[test]
    fn topology_pairs_follow_test_required_affinity_multiple_nodes() {
        // "A pod can be scheduled onto all the nodes that have the same topology key & label
        // value with one of them has an existing pod that matches the affinity rules".
        let (mut c, n) = three_nodes();
        c.pod("existing", "default", &[("foo", "bar")], Some(n[0]), |_| {});
        let p = c.pod("p", "default", &[], None, |s| {
            s.affinity = required(vec![term(key_in("foo", &["bar"]), "region")], Vec::new())
        });
        assert_eq!(c.verdicts(p), vec![None, None, AFFINITY]);
        // Anti-affinity over zone: only machine1's zone holds the matching pod.
        let (mut c, n) = three_nodes();
        c.pod("existing", "default", &[("foo", "bar")], Some(n[0]), |_| {});
        let p = c.pod("p", "default", &[], None, |s| {
            s.affinity = required(Vec::new(), vec![term(key_in("foo", &["bar"]), "zone")])
        });
        assert_eq!(c.verdicts(p), vec![ANTI, None, None]);
        // Over region, machine2 shares machine1's region.
        let (mut c, n) = three_nodes();
        c.pod("existing", "default", &[("foo", "bar")], Some(n[0]), |_| {});
        let p = c.pod("p", "default", &[], None, |s| {
            s.affinity = required(Vec::new(), vec![term(key_in("foo", &["bar"]), "region")])
        });
        assert_eq!(c.verdicts(p), vec![ANTI, ANTI, None]);
    }

    fn preferred(weight: i32, t: PodAffinityTerm, anti: bool) -> Option<Box<Affinity>> {
        let w = vec![WeightedPodAffinityTerm { weight, term: t }];
        let mut a = Affinity::default();
        if anti {
            a.anti.preferred = w;
        } else {
            a.pod.preferred = w;
        }
        Some(Box::new(a))
    }

    #[test]
    fn preferred_terms_score_as_test_preferred_affinity() {
        // scoring_test.go TestPreferredAffinity, stayWithS1InRegion (weight 5, security In
        // [S1], region), normalised 100 × (s − min) / (max − min), weight 2.
        let stay = || preferred(5, term(key_in("security", &["S1"]), "region"), false);
        // "Affinity: pod that matches topology key & pods in nodes will get high score
        // comparing to others which doesn't match either pods in nodes or in topology key":
        // 100, 0, 0.
        let mut c = Cluster::default();
        let m1 = c.node("machine1", &[("region", "China")]);
        let m2 = c.node("machine2", &[("region", "India")]);
        c.node("machine3", &[("az", "az1")]);
        c.pod("s1", "default", &[("security", "S1")], Some(m1), |_| {});
        c.pod("s2", "default", &[("security", "S2")], Some(m2), |_| {});
        let p = c.pod("p", "default", &[("security", "S1")], None, |s| {
            s.affinity = stay()
        });
        assert_eq!(c.pod_scores(p).0, Some(vec![200, 0, 0]));
        // "All the nodes that have the same topology key & label value with one of them has
        // an existing pod that match the affinity rules, have the same score": 100, 100, 0.
        let mut c = Cluster::default();
        let m1 = c.node("machine1", &[("region", "China")]);
        c.node("machine2", &[("region", "China"), ("az", "az1")]);
        c.node("machine3", &[("region", "India")]);
        c.pod("s1", "default", &[("security", "S1")], Some(m1), |_| {});
        let p = c.pod("p", "default", &[("security", "S1")], None, |s| {
            s.affinity = stay()
        });
        assert_eq!(c.pod_scores(p).0, Some(vec![200, 200, 0]));
        // "Anti Affinity: pod that does not match existing pods in node will get high
        // score" (awayFromS1InAz, weight 5 on az): 0, 100.
        let mut c = Cluster::default();
        let m1 = c.node("machine1", &[("az", "az1")]);
        let m2 = c.node("machine2", &[("region", "China")]);
        c.pod("s1", "default", &[("security", "S1")], Some(m1), |_| {});
        c.pod("s2", "default", &[("security", "S2")], Some(m2), |_| {});
        let p = c.pod("p", "default", &[("security", "S1")], None, |s| {
            s.affinity = preferred(5, term(key_in("security", &["S1"]), "az"), true)
        });
        assert_eq!(c.pod_scores(p).0, Some(vec![0, 200]));
    }

    #[test]
    fn existing_pods_required_affinity_counts_with_hard_pod_affinity_weight() {
        // scoring.go processExistingPod: an existing pod's required affinity term that
        // selects the incoming pod adds hardPodAffinityWeight (1) to its topology pair, so
        // machine1's region scores highest; a pod the term does not select skips the plugin.
        let mut c = Cluster::default();
        let m1 = c.node("machine1", &[("region", "China")]);
        c.node("machine2", &[("region", "India")]);
        c.node("machine3", &[("az", "az1")]);
        c.pod("hard", "default", &[("security", "S2")], Some(m1), |s| {
            s.affinity = required(
                vec![term(key_in("security", &["S1"]), "region")],
                Vec::new(),
            )
        });
        let p = c.pod("p", "default", &[("security", "S1")], None, |_| {});
        assert_eq!(c.pod_scores(p).0, Some(vec![200, 0, 0]));
        let q = c.pod("q", "default", &[("security", "S3")], None, |_| {});
        assert_eq!(c.pod_scores(q).0, None);
    }
}
