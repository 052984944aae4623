//! The default profile's Filter and Score plugins that decide placement for the pods kubesim
//! simulates (facts C.1–C.3), with Kubernetes' integer arithmetic.
//!
//! Filters, in profile order: NodeUnschedulable, NodeName, TaintToleration, NodeAffinity
//! (nodeSelector), NodeResourcesFit. Scores: NodeResourcesFit/LeastAllocated (weight 1, on
//! non-zero requests: 100m CPU and 200 MiB for containers without requests),
//! NodeResourcesBalancedAllocation (weight 1, on actual requests) and TaintToleration
//! (weight 3, PreferNoSchedule). Plugins that give every node the same score for the pods
//! kubesim models (ImageLocality, InterPodAffinity without terms, NodeAffinity without
//! preferred terms) are left out. PodTopologySpread's system-default score (weight 2) lives
//! in the scheduler beside the per-owner counts it reads.

use crate::model::node::Node;
use crate::model::pod::{PodSpec, Resources, Taint, TaintEffect};

/// `DefaultMilliCPURequest` (pkg/scheduler/util/pod_resources.go).
pub const DEFAULT_MILLI_CPU_REQUEST: i64 = 100;
/// `DefaultMemoryRequest`: 200 MiB.
pub const DEFAULT_MEMORY_REQUEST: i64 = 200 * 1024 * 1024;
/// `MaxNodeScore`.
pub const MAX_NODE_SCORE: i64 = 100;

/// What the scheduler's cache knows about a node besides the Node object.
#[derive(Clone, Copy, Debug, Default)]
pub struct NodeUsage {
    /// Sum of requests of pods assigned (or assumed) here.
    pub requested: Resources,
    /// The same with non-zero defaults, for scoring.
    pub nonzero_requested: Resources,
    /// Pods assigned here.
    pub pods: u32,
}

/// What a cycle's hot path reads of a node, packed in the scheduler's own table (its cache's
/// NodeInfo, refreshed on every node event) so that a plain pod's Filters and Scores on a
/// plain node never touch the large Node object.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodeRow {
    /// `status.allocatable` cpu and memory.
    pub allocatable: Resources,
    /// `status.allocatable.pods`.
    pub max_pods: u32,
    /// Schedulable and without taints: NodeUnschedulable and TaintToleration pass every
    /// pod, and TaintToleration's score counts no PreferNoSchedule taint.
    pub plain: bool,
}

impl NodeRow {
    /// The row of `node`.
    pub fn of(node: &Node) -> NodeRow {
        NodeRow {
            allocatable: node.allocatable,
            max_pods: node.max_pods,
            plain: !node.unschedulable && node.taints.is_empty(),
        }
    }
}

/// A filter rejection: the reason string and whether preemption could help
/// (`Unschedulable`) or not (`UnschedulableAndUnresolvable`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// Reason as the FitError histogram prints it.
    pub reason: &'static str,
    /// Preemption could free room (resources), as opposed to a hard mismatch.
    pub resolvable: bool,
}

/// The cluster events that can make a rejected pod schedulable, as bits: each plugin's
/// `EventsToRegister` (queueing hints), which decide whether an event moves the pod out of
/// unschedulablePods.
pub mod requeue {
    /// A node added.
    pub const NODE_ADD: u8 = 1;
    /// An assigned pod deleted (or terminated): its resources, ports and terms are freed.
    pub const ASSIGNED_POD_DELETE: u8 = 2;
    /// A pod assigned to a node: it may satisfy affinity or lift a spread minimum.
    pub const ASSIGNED_POD_ADD: u8 = 4;
    /// A node's labels changed (`UpdateNodeLabel`).
    pub const NODE_LABEL: u8 = 8;
    /// A node's taints or `spec.unschedulable` changed (`UpdateNodeTaint`).
    pub const NODE_TAINT: u8 = 16;
    /// A node's allocatable resources changed (`UpdateNodeAllocatable`).
    pub const NODE_ALLOCATABLE: u8 = 32;
    /// A node deleted.
    pub const NODE_DELETE: u8 = 64;
    /// What every default plugin that watches nodes registers: Node/Add, and with it
    /// UpdateNodeTaint and UpdateNodeLabel, since a node's Add can be missed by the
    /// queue's pre-check (noderesources/fit.go's note, kubernetes#109437).
    pub const NODE_ANY_PLUGIN: u8 = NODE_ADD | NODE_LABEL | NODE_TAINT;
}

/// Non-zero requests (`GetNonzeroRequests`), per container.
pub fn nonzero_requests(spec: &PodSpec) -> Resources {
    spec.containers.iter().fold(Resources::default(), |a, c| {
        a.plus(Resources {
            cpu_milli: if c.requests.cpu_milli == 0 {
                DEFAULT_MILLI_CPU_REQUEST
            } else {
                c.requests.cpu_milli
            },
            memory: if c.requests.memory == 0 {
                DEFAULT_MEMORY_REQUEST
            } else {
                c.requests.memory
            },
        })
    })
}

fn tolerated(spec: &PodSpec, t: &Taint) -> bool {
    spec.tolerations.iter().any(|tol| tol.tolerates(t))
}

/// NodeAffinity's filter (`nodeaffinity.GetRequiredNodeAffinity(pod).Match(node)`): the
/// pod's nodeSelector and its required node affinity (the manifest's
/// `nodeSelectorTerms` and the `metadata.name` field term the DaemonSet controller sets)
/// all match the node.
pub fn matches_node_selector_and_affinity(spec: &PodSpec, node: &Node) -> bool {
    spec.node_selector
        .iter()
        .all(|(k, v)| node.meta.labels.get(k) == Some(v))
        && spec
            .required_node_name
            .as_ref()
            .is_none_or(|n| *n == node.meta.name)
        && spec
            .affinity
            .as_ref()
            .is_none_or(|a| a.node.required_matches(&node.meta.labels, &node.meta.name))
}

/// What NodeAffinity's PreFilter leaves for the Filters to visit.
#[derive(Debug, PartialEq, Eq)]
pub enum PreFilterNodes {
    /// Every node.
    All,
    /// Only these nodes (`PreFilterResult.NodeNames`), in the order the pod names them.
    Names(Vec<String>),
    /// The terms name no node in common: the pod fits none (`pod affinity terms conflict`).
    Conflict,
}

/// NodeAffinity's PreFilter (node_affinity.go): when every required term has a
/// `matchFields metadata.name In` requirement, only the union over terms of each term's
/// intersected names can match, and the scheduler filters only those nodes. A DaemonSet pod
/// (whose one term names its node) is filtered against one node instead of all of them.
/// Names are kept in first-seen order (upstream's set has none).
pub fn prefilter_node_names(spec: &PodSpec) -> PreFilterNodes {
    if let Some(n) = &spec.required_node_name {
        // ReplaceDaemonSetPodNodeNameNodeAffinity puts this name in every term.
        return PreFilterNodes::Names(vec![n.clone()]);
    }
    let Some(terms) = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node.required.as_ref())
        .filter(|t| !t.is_empty())
    else {
        return PreFilterNodes::All;
    };
    let mut union: Vec<String> = Vec::new();
    for t in terms {
        let mut names: Option<Vec<String>> = None;
        for r in &t.match_fields {
            if r.key != "metadata.name" || r.operator != crate::model::labels::Operator::In {
                continue;
            }
            names = Some(match names {
                None => r.values.clone(),
                Some(prev) => prev.into_iter().filter(|v| r.values.contains(v)).collect(),
            });
        }
        let Some(names) = names else {
            // A term without a name requirement: every node is a candidate (terms are ORed).
            return PreFilterNodes::All;
        };
        for n in names {
            if !union.contains(&n) {
                union.push(n);
            }
        }
    }
    if union.is_empty() {
        PreFilterNodes::Conflict
    } else {
        PreFilterNodes::Names(union)
    }
}

/// The reason PreFilter gives the nodes it left out (`SetAbsentNodesStatus`,
/// schedule_one.go), counted in the fit error like any Filter's.
pub const ABSENT_NODES_REASON: &str = "node(s) didn't satisfy plugin(s) [NodeAffinity]";

/// NodeAffinity's Score and NormalizeScore (node_affinity.go): the summed weights of the
/// preferred terms each node matches, scaled so the best node scores 100
/// (`DefaultNormalizeScore`), times the plugin's weight 2; None (all 0) without preferred
/// terms.
pub fn node_affinity_scores<'a>(
    spec: &PodSpec,
    nodes: impl FnOnce() -> Vec<&'a Node>,
) -> Option<Vec<i64>> {
    let preferred = spec
        .affinity
        .as_ref()
        .map(|a| &a.node.preferred)
        .filter(|p| !p.is_empty())?;
    let nodes = nodes();
    let raw: Vec<i64> = nodes
        .iter()
        .map(|n| {
            preferred
                .iter()
                .filter(|p| p.term.matches(&n.meta.labels, &n.meta.name))
                .map(|p| i64::from(p.weight))
                .sum()
        })
        .collect();
    let max = raw.iter().copied().max().unwrap_or(0);
    Some(
        raw.into_iter()
            .map(|s| {
                if max == 0 {
                    0
                } else {
                    2 * (MAX_NODE_SCORE * s / max)
                }
            })
            .collect(),
    )
}

/// `v1helper.FindMatchingUntoleratedTaint`: the first of `taints` that passes `filter` and
/// none of `tolerations` tolerates.
pub fn untolerated_taint<'a>(
    taints: &'a [Taint],
    tolerations: &[crate::model::pod::Toleration],
    filter: impl Fn(&Taint) -> bool,
) -> Option<&'a Taint> {
    taints
        .iter()
        .filter(|t| filter(t))
        .find(|t| !tolerations.iter().any(|tol| tol.tolerates(t)))
}

/// NodeUnschedulable: a cordoned node takes the pod only if it tolerates the
/// `node.kubernetes.io/unschedulable:NoSchedule` taint.
pub fn tolerates_unschedulable(spec: &PodSpec) -> bool {
    let t = Taint {
        key: "node.kubernetes.io/unschedulable".into(),
        value: String::new(),
        effect: TaintEffect::NoSchedule,
        time_added: None,
    };
    tolerated(spec, &t)
}

/// The node-only Filters in profile order (NodeUnschedulable, NodeName, TaintToleration,
/// NodeAffinity); pushes the first failing plugin's reason.
pub fn filter_node(spec: &PodSpec, node: &Node, out: &mut Vec<Rejection>) -> bool {
    let hard = |reason| Rejection {
        reason,
        resolvable: false,
    };
    if node.unschedulable && !tolerates_unschedulable(spec) {
        out.push(hard("node(s) were unschedulable"));
        return false;
    }
    if let Some(name) = &spec.node_name
        && *name != node.meta.name
    {
        out.push(hard("node(s) didn't match the requested node name"));
        return false;
    }
    if untolerated_taint(&node.taints, &spec.tolerations, |t| {
        t.effect != TaintEffect::PreferNoSchedule
    })
    .is_some()
    {
        // 1.35 wording, without key or value (facts C.3, k/k PR #134740).
        out.push(hard("node(s) had untolerated taint(s)"));
        return false;
    }
    if !matches_node_selector_and_affinity(spec, node) {
        out.push(hard("node(s) didn't match Pod's node affinity/selector"));
        return false;
    }
    true
}

/// NodeResourcesFit's Filter on the pod's summed requests; pushes every insufficient
/// resource.
pub fn filter_resources(
    req: Resources,
    node: &NodeRow,
    usage: &NodeUsage,
    out: &mut Vec<Rejection>,
) -> bool {
    let before = out.len();
    if usage.pods + 1 > node.max_pods {
        out.push(Rejection {
            reason: "Too many pods",
            resolvable: true,
        });
    }
    if req.cpu_milli > 0 && node.allocatable.cpu_milli - usage.requested.cpu_milli < req.cpu_milli {
        out.push(Rejection {
            reason: "Insufficient cpu",
            resolvable: true,
        });
    }
    if req.memory > 0 && node.allocatable.memory - usage.requested.memory < req.memory {
        out.push(Rejection {
            reason: "Insufficient memory",
            resolvable: true,
        });
    }
    out.len() == before
}

/// `leastRequestedScore` for one resource.
fn least_requested(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 || requested > capacity {
        return 0;
    }
    (capacity - requested) * MAX_NODE_SCORE / capacity
}

/// LeastAllocated (noderesources/least_allocated.go `leastResourceScorer`): each resource's
/// `(requested, allocatable, weight)` scored `(allocatable − requested) × 100 /
/// allocatable` (0 when over or without capacity), then the weighted integer mean.
pub fn least_allocated(resources: &[(i64, i64, i64)]) -> i64 {
    let weights: i64 = resources.iter().map(|r| r.2).sum();
    if weights == 0 {
        return 0;
    }
    let sum: i64 = resources
        .iter()
        .map(|(req, cap, w)| least_requested(*req, *cap) * w)
        .sum();
    sum / weights
}

/// BalancedAllocation (noderesources/balanced_allocation.go `balancedResourceScorer`):
/// each resource with capacity gives the fraction `min(1, requested / allocatable)`;
/// the score is `(1 − std) × 100` truncated, std being `|f1 − f2| / 2` for two fractions
/// and the population standard deviation for more.
pub fn balanced_allocation(resources: &[(i64, i64)]) -> i64 {
    // On the stack: this runs once per feasible node per cycle (kubesim scores at most a
    // handful of resources).
    let mut fractions = [0.0f64; 8];
    let mut n = 0;
    for (req, cap) in resources.iter().filter(|(_, cap)| *cap != 0) {
        if let Some(slot) = fractions.get_mut(n) {
            *slot = (*req as f64 / *cap as f64).min(1.0);
            n += 1;
        }
    }
    let fractions = &fractions[..n];
    let std = match fractions {
        [] | [_] => 0.0,
        [a, b] => ((a - b) / 2.0).abs(),
        _ => {
            let mean = fractions.iter().sum::<f64>() / n as f64;
            let var = fractions
                .iter()
                .map(|f| (f - mean) * (f - mean))
                .sum::<f64>()
                / n as f64;
            libm::sqrt(var)
        }
    };
    ((1.0 - std) * MAX_NODE_SCORE as f64) as i64
}

/// BalancedAllocation's `isBestEffortPod`: the pod requests none of the scored resources.
pub fn is_best_effort(requests: Resources) -> bool {
    requests.cpu_milli == 0 && requests.memory == 0
}

/// TaintToleration's raw score: the node's PreferNoSchedule taints the pod does not
/// tolerate (normalised by [`taint_score`]).
pub fn prefer_no_schedule_taints(spec: &PodSpec, node: &Node) -> i64 {
    node.taints
        .iter()
        .filter(|t| t.effect == TaintEffect::PreferNoSchedule && !tolerated(spec, t))
        .count() as i64
}

/// NodeResourcesFit's and NodeResourcesBalancedAllocation's scores summed, from the pod's
/// non-zero and actual requests (computed once per cycle) and the node's allocatable.
pub fn resource_score(nz: Resources, req: Resources, alloc: Resources, usage: &NodeUsage) -> i64 {
    // NodeResourcesFit, LeastAllocated on non-zero requests, cpu and memory weighted 1:1.
    let fit = least_allocated(&[
        (
            usage.nonzero_requested.cpu_milli + nz.cpu_milli,
            alloc.cpu_milli,
            1,
        ),
        (usage.nonzero_requested.memory + nz.memory, alloc.memory, 1),
    ]);
    // NodeResourcesBalancedAllocation on actual requests; its PreScore returns Skip for a
    // best-effort pod (no cpu or memory requested), which then scores 0 everywhere
    // (balanced_allocation.go isBestEffortPod, kubernetes#129138).
    let balanced = if is_best_effort(req) {
        0
    } else {
        balanced_allocation(&[
            (usage.requested.cpu_milli + req.cpu_milli, alloc.cpu_milli),
            (usage.requested.memory + req.memory, alloc.memory),
        ])
    };
    fit + balanced
}

/// TaintToleration's normalised score (reverse: fewer taints score higher), weight 3.
pub fn taint_score(count: i64, max_count: i64) -> i64 {
    let s = if max_count == 0 {
        MAX_NODE_SCORE
    } else {
        MAX_NODE_SCORE - count * MAX_NODE_SCORE / max_count
    };
    3 * s
}

/// `numFeasibleNodesToFind` with the adaptive default `percentageOfNodesToScore` (facts A.6).
pub fn num_feasible_nodes_to_find(all: usize) -> usize {
    const MIN_FEASIBLE: usize = 100;
    const MIN_PERCENT: usize = 5;
    if all < MIN_FEASIBLE {
        return all;
    }
    let pct = (50usize.saturating_sub(all / 125)).max(MIN_PERCENT);
    (all * pct / 100).max(MIN_FEASIBLE)
}

/// `FitError.Error()` before the PostFilter's message: `0/N nodes are available:
/// <histogram>.` (facts C.3; the 1.30+ single-period form) over every rejected node's
/// reasons and the `absent` nodes PreFilter left out ([`ABSENT_NODES_REASON`]);
/// DefaultPreemption ([`crate::scheduler::preemption`]) appends its own.
pub fn fit_error<'a>(
    total: usize,
    reasons: impl Iterator<Item = &'a str>,
    absent: usize,
) -> String {
    if total == 0 {
        return "no nodes available to schedule pods".to_string();
    }
    let absent = std::iter::repeat_n(ABSENT_NODES_REASON, absent);
    let main = histogram(reasons.chain(absent));
    format!("0/{total} nodes are available: {main}.")
}

/// `"<count> <reason>"` entries sorted as strings and joined by `", "`.
pub fn histogram<'a>(items: impl Iterator<Item = &'a str>) -> String {
    // A handful of distinct reasons over up to thousands of nodes: a short list, compared by
    // address first (the reasons are mostly the same static strings), beats a map.
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for r in items {
        match counts
            .iter_mut()
            .find(|(k, _)| std::ptr::eq(*k, r) || *k == r)
        {
            Some((_, n)) => *n += 1,
            None => counts.push((r, 1)),
        }
    }
    let mut parts: Vec<String> = counts
        .into_iter()
        .map(|(r, n)| format!("{n} {r}"))
        .collect();
    parts.sort();
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::etcd::store::testing as fx;
    use crate::model::affinity::{Affinity, NodeSelectorTerm, PreferredSchedulingTerm};
    use crate::model::labels::{Operator, Requirement};

    #[test]
    fn only_a_schedulable_untainted_node_has_a_plain_row() {
        // A plain row lets a cycle skip NodeUnschedulable and TaintToleration, so any taint
        // (even PreferNoSchedule, which TaintToleration scores) or a cordon must clear it.
        let clean = labelled_node(&[]);
        let row = NodeRow::of(&clean);
        assert!(row.plain);
        assert_eq!(
            (row.allocatable, row.max_pods),
            (clean.allocatable, clean.max_pods)
        );
        let mut cordoned = clean.clone();
        cordoned.unschedulable = true;
        assert!(!NodeRow::of(&cordoned).plain);
        let mut tainted = clean;
        tainted.taints.push(Taint {
            key: "k".into(),
            value: String::new(),
            effect: TaintEffect::PreferNoSchedule,
            time_added: None,
        });
        assert!(!NodeRow::of(&tainted).plain);
    }

    #[test]
    fn prefilter_narrows_to_named_nodes_only_when_every_term_names_some() {
        // node_affinity.go PreFilter: per term the intersection of its `metadata.name In`
        // sets, then the union over terms; a term without one lets every node through;
        // an empty union is "pod affinity terms conflict".
        let names = |vals: &[&str]| req("metadata.name", Operator::In, vals);
        let with_terms = |terms| prefilter_node_names(&with_required(terms));
        let term = |fields: Vec<Requirement>, exprs: Vec<Requirement>| NodeSelectorTerm {
            match_expressions: exprs,
            match_fields: fields,
        };
        assert_eq!(prefilter_node_names(&fx::spec(100)), PreFilterNodes::All);
        assert_eq!(
            with_terms(vec![
                term(vec![names(&["a", "b"]), names(&["b", "c"])], vec![]),
                term(vec![names(&["d"])], vec![]),
            ]),
            PreFilterNodes::Names(vec!["b".into(), "d".into()])
        );
        assert_eq!(
            with_terms(vec![
                term(vec![names(&["a"])], vec![]),
                term(vec![], vec![req("zone", Operator::In, &["1"])]),
            ]),
            PreFilterNodes::All
        );
        assert_eq!(
            with_terms(vec![term(vec![names(&["a"]), names(&["b"])], vec![])]),
            PreFilterNodes::Conflict
        );
        let mut ds = (*fx::spec(100)).clone();
        ds.required_node_name = Some("n1".into());
        assert_eq!(
            prefilter_node_names(&ds),
            PreFilterNodes::Names(vec!["n1".into()])
        );
    }

    #[test]
    fn num_feasible_nodes_follows_test_num_feasible_nodes_to_find() {
        // schedule_one_test.go TestNumFeasibleNodesToFind, the rows without a configured
        // percentageOfNodesToScore (kubesim runs the adaptive default only):
        // "nodes number not more than 50" 10 → 10; "more than 50" 1000 → 420;
        // "more than 50*125" 6000 → 300.
        assert_eq!(num_feasible_nodes_to_find(10), 10);
        assert_eq!(num_feasible_nodes_to_find(1000), 420);
        assert_eq!(num_feasible_nodes_to_find(6000), 300);
    }

    #[test]
    fn least_allocated_matches_test_least_allocated_scoring_strategy() {
        // least_allocated_test.go TestLeastAllocatedScoringStrategy (reference §1.6 L1–L11):
        // (requested incl. the pod, allocatable, weight) for cpu then memory; the pod asks
        // 3000/5000 unless the row says otherwise.
        let la = |cpu: (i64, i64), mem: (i64, i64)| {
            least_allocated(&[(cpu.0, cpu.1, 1), (mem.0, mem.1, 1)])
        };
        // L1 "nothing scheduled, nothing requested" and L3 "no resources requested, pods
        // scheduled" (pods without containers): 100, 100.
        assert_eq!(la((0, 4000), (0, 10000)), 100);
        // L2 "nothing scheduled, resources requested, differently sized nodes": 37, 50.
        assert_eq!(la((3000, 4000), (5000, 10000)), 37);
        assert_eq!(la((3000, 6000), (5000, 10000)), 50);
        // L4 "no resources requested, pods scheduled with resources": 70, 57.
        assert_eq!(la((6000, 10000), (0, 20000)), 70);
        assert_eq!(la((6000, 10000), (5000, 20000)), 57);
        // L5 "resources requested, pods scheduled with resources": 57, 45.
        assert_eq!(la((6000, 10000), (5000, 20000)), 57);
        assert_eq!(la((6000, 10000), (10000, 20000)), 45);
        // L6 "…, differently sized nodes": 57, 60.
        assert_eq!(la((6000, 10000), (10000, 50000)), 60);
        // L7 "requested resources exceed node capacity" (pod 3000 cpu, explicit 0
        // memory): an over-committed resource scores 0: 50, 25.
        assert_eq!(la((6000, 4000), (0, 10000)), 50);
        assert_eq!(la((6000, 4000), (5000, 10000)), 25);
        // L8 "zero node resources": 0, 0.
        assert_eq!(la((3000, 0), (5000, 0)), 0);
        // L9 weights memory=2, cpu=1: (25·1 + 50·2) / 3 = 41; 50.
        assert_eq!(least_allocated(&[(3000, 4000, 1), (5000, 10000, 2)]), 41);
        assert_eq!(least_allocated(&[(3000, 6000, 1), (5000, 10000, 2)]), 50);
        // L11 "bypass extended resource if the pod does not request it": the extended
        // resource is not among the scored ones: 50, 50.
        assert_eq!(la((3000, 6000), (5000, 10000)), 50);
        // L10 (weights −1, 0, 101 rejected) is scheduler-config validation: kubesim has no
        // scoring configuration, so no row applies.
    }

    #[test]
    fn balanced_allocation_matches_test_node_resources_balanced_allocation() {
        // balanced_allocation_test.go TestNodeResourcesBalancedAllocation, modern table
        // (reference §1.6 B1–B8): (requested incl. the pod, allocatable) per resource.
        // B2 "nothing scheduled, resources requested, differently sized nodes": 87, 100.
        assert_eq!(balanced_allocation(&[(3000, 4000), (5000, 10000)]), 87);
        assert_eq!(balanced_allocation(&[(3000, 6000), (5000, 10000)]), 100);
        // B3 "resources requested, pods scheduled with resources": 82, 95; B8 is the same
        // without PreScore.
        assert_eq!(balanced_allocation(&[(6000, 10000), (5000, 20000)]), 82);
        assert_eq!(balanced_allocation(&[(6000, 10000), (10000, 20000)]), 95);
        // B4 "…, differently sized nodes": 82, 80.
        assert_eq!(balanced_allocation(&[(6000, 10000), (10000, 50000)]), 80);
        // B5 "requested resources at node capacity" (cpuOnly pod): a fraction is capped
        // at 1: 50, 75.
        assert_eq!(balanced_allocation(&[(6000, 6000), (0, 10000)]), 50);
        assert_eq!(balanced_allocation(&[(6000, 6000), (5000, 10000)]), 75);
        // B6 "include scalar resource on a node for balanced resource allocation" (gpu 8,
        // population std of three fractions): 70, 65.
        assert_eq!(
            balanced_allocation(&[(3000, 3500), (5000, 40000), (4, 8)]),
            70
        );
        assert_eq!(
            balanced_allocation(&[(3000, 3500), (5000, 40000), (1, 8)]),
            65
        );
        // B7 "node without the scalar resource should skip the scalar resource": 63, 63.
        assert_eq!(balanced_allocation(&[(3000, 3500), (5000, 40000)]), 63);
        // B1 "nothing scheduled, nothing requested, skip in PreScore": a best-effort pod
        // skips the plugin.
        assert!(is_best_effort(Resources::default()));
        assert!(!is_best_effort(Resources {
            cpu_milli: 3000,
            memory: 0
        }));
        // A resource without capacity is skipped (`allocable[i] == 0`).
        assert_eq!(balanced_allocation(&[(3000, 3500), (5000, 0)]), 100);
    }

    fn labelled_node(labels: &[(&str, &str)]) -> Node {
        let mut store = crate::etcd::Store::default();
        let id = fx::node(&mut store, "node1", 4000, 16 << 30);
        let mut n = store.nodes.get(id).expect("node").clone();
        n.meta.labels = fx::labels(labels);
        n
    }

    fn req(key: &str, operator: Operator, values: &[&str]) -> Requirement {
        Requirement {
            key: key.into(),
            operator,
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    fn with_required(terms: Vec<NodeSelectorTerm>) -> PodSpec {
        let mut spec = (*fx::spec(0)).clone();
        spec.affinity = Some(Box::new(Affinity {
            node: crate::model::affinity::NodeAffinity {
                required: Some(terms),
                preferred: Vec::new(),
            },
            ..Affinity::default()
        }));
        spec
    }

    fn exprs(e: Vec<Requirement>) -> NodeSelectorTerm {
        NodeSelectorTerm {
            match_expressions: e,
            match_fields: Vec::new(),
        }
    }

    #[test]
    fn required_node_affinity_follows_test_node_affinity() {
        // node_affinity_test.go TestNodeAffinity rows.
        let node = labelled_node(&[
            ("foo", "bar"),
            ("kernel-version", "0206"),
            ("mem-type", "DDR3"),
        ]);
        let fits = |terms| matches_node_selector_and_affinity(&with_required(terms), &node);
        // "Pod with matchExpressions using In operator that matches the existing node".
        assert!(fits(vec![exprs(vec![req(
            "foo",
            Operator::In,
            &["value1", "bar"]
        )])]));
        // "Pod with matchExpressions using Gt operator that matches the existing node".
        assert!(fits(vec![exprs(vec![req(
            "kernel-version",
            Operator::GreaterThan,
            &["0204"]
        )])]));
        // "Pod with matchExpressions using NotIn operator that matches the existing node".
        assert!(fits(vec![exprs(vec![req(
            "mem-type",
            Operator::NotIn,
            &["DDR", "DDR2"]
        )])]));
        // "Pod with matchExpressions using Exists operator that matches the existing node".
        assert!(fits(vec![exprs(vec![req("foo", Operator::Exists, &[])])]));
        // "Pod with affinity that don't match node's labels won't schedule onto the node".
        assert!(!fits(vec![exprs(vec![req(
            "foo",
            Operator::In,
            &["value1", "value2"]
        )])]));
        // "Pod with a nil []NodeSelectorTerm in affinity, can't match the node's labels".
        assert!(!fits(Vec::new()));
        // "Pod with empty MatchExpressions is not a valid value will match no objects".
        assert!(!fits(vec![exprs(Vec::new())]));
        // "Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels".
        assert!(fits(vec![
            exprs(vec![req("foo", Operator::In, &["none"])]),
            exprs(vec![req("mem-type", Operator::In, &["DDR3"])]),
        ]));
        // "Pod with matchFields using In operator that matches the existing node" and its
        // NotIn counterpart.
        let field = |op| NodeSelectorTerm {
            match_expressions: Vec::new(),
            match_fields: vec![req("metadata.name", op, &["node1"])],
        };
        assert!(fits(vec![field(Operator::In)]));
        assert!(!fits(vec![field(Operator::NotIn)]));
    }

    #[test]
    fn preferred_node_affinity_scores_follow_test_node_affinity_priority() {
        // node_affinity_test.go TestNodeAffinityPriority: affinity2 prefers foo=bar
        // (weight 2), key=value (4) and all of foo=bar, key=value, az=az1 (5); normalised
        // to 100 × s / max, then NodeAffinity's weight 2.
        let in_ = |k: &str, v: &str| req(k, Operator::In, &[v]);
        let mut spec = (*fx::spec(0)).clone();
        let pref = |weight, e| PreferredSchedulingTerm {
            weight,
            term: exprs(e),
        };
        spec.affinity = Some(Box::new(Affinity {
            node: crate::model::affinity::NodeAffinity {
                required: None,
                preferred: vec![
                    pref(2, vec![in_("foo", "bar")]),
                    pref(4, vec![in_("key", "value")]),
                    pref(
                        5,
                        vec![in_("foo", "bar"), in_("key", "value"), in_("az", "az1")],
                    ),
                ],
            },
            ..Affinity::default()
        }));
        let m1 = labelled_node(&[("foo", "bar")]);
        let m5 = labelled_node(&[("foo", "bar"), ("key", "value"), ("az", "az1")]);
        let m2 = labelled_node(&[("key", "value")]);
        // "all machines matches the preferred scheduling requirements of pod but with
        // different priorities": 18, 100, 36.
        assert_eq!(
            node_affinity_scores(&spec, || vec![&m1, &m5, &m2]),
            Some(vec![36, 200, 72])
        );
        // "no node matches preferred scheduling requirements": all 0.
        let none = labelled_node(&[("abc", "az11")]);
        assert_eq!(
            node_affinity_scores(&spec, || vec![&none, &none]),
            Some(vec![0, 0])
        );
        // "all nodes are same priority as NodeAffinity is nil".
        // Without preferred terms the plugin skips, and the nodes are never read.
        assert_eq!(
            node_affinity_scores(&fx::spec(0), || unreachable!("nodes read without terms")),
            None
        );
    }

    #[test]
    fn adaptive_percentage_matches_the_documented_examples() {
        // facts A.6: 5000 nodes → 10% → 500; 1000 nodes → 42% → 420; < 100 → all.
        assert_eq!(num_feasible_nodes_to_find(5000), 500);
        assert_eq!(num_feasible_nodes_to_find(1000), 420);
        assert_eq!(num_feasible_nodes_to_find(50), 50);
        assert_eq!(num_feasible_nodes_to_find(150), 100);
    }

    #[test]
    fn least_requested_follows_the_formula() {
        // facts C.2: (allocatable − requested) × 100 / allocatable, 0 when over.
        assert_eq!(least_requested(3000, 4000), 25);
        assert_eq!(least_requested(5000, 4000), 0);
        assert_eq!(least_requested(0, 0), 0);
    }

    #[test]
    fn fit_error_renders_like_the_documented_example() {
        // facts C.3: `0/3 nodes are available: 3 Insufficient cpu.` before the PostFilter's
        // message; reasons counted, sorted as strings, joined by `, `.
        let cpu = vec![Rejection {
            reason: "Insufficient cpu",
            resolvable: true,
        }];
        let reasons = |per_node: &[&[Rejection]]| {
            per_node
                .iter()
                .flat_map(|r| r.iter().map(|x| x.reason))
                .collect::<Vec<_>>()
        };
        let msg = fit_error(3, reasons(&[&cpu, &cpu, &cpu]).into_iter(), 0);
        assert_eq!(msg, "0/3 nodes are available: 3 Insufficient cpu.");
        let taint = vec![Rejection {
            reason: "node(s) had untolerated taint(s)",
            resolvable: false,
        }];
        let mem = vec![Rejection {
            reason: "Insufficient memory",
            resolvable: true,
        }];
        assert_eq!(
            fit_error(2, reasons(&[&taint, &mem]).into_iter(), 0),
            "0/2 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint(s)."
        );
        assert_eq!(
            fit_error(0, std::iter::empty(), 0),
            "no nodes available to schedule pods"
        );
    }
}
