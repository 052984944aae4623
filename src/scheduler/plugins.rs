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

/// A filter rejection: the reason string and whether preemption could help
/// (`Unschedulable`) or not (`UnschedulableAndUnresolvable`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// Reason as the FitError histogram prints it.
    pub reason: &'static str,
    /// Preemption could free room (resources), as opposed to a hard mismatch.
    pub resolvable: bool,
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
/// pod's nodeSelector and its required node affinity (kubesim models the `metadata.name`
/// field term the DaemonSet controller sets) both match the node.
pub fn matches_node_selector_and_affinity(spec: &PodSpec, node: &Node) -> bool {
    spec.node_selector
        .iter()
        .all(|(k, v)| node.meta.labels.get(k) == Some(v))
        && spec
            .required_node_name
            .as_ref()
            .is_none_or(|n| *n == node.meta.name)
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

/// Runs the filters in profile order; returns every reason of the first failing plugin.
pub fn filter(spec: &PodSpec, node: &Node, usage: &NodeUsage, out: &mut Vec<Rejection>) -> bool {
    let hard = |reason| Rejection {
        reason,
        resolvable: false,
    };
    if node.unschedulable {
        let t = Taint {
            key: "node.kubernetes.io/unschedulable".into(),
            value: String::new(),
            effect: TaintEffect::NoSchedule,
            time_added: None,
        };
        if !tolerated(spec, &t) {
            out.push(hard("node(s) were unschedulable"));
            return false;
        }
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
    let req = spec.requests();
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

/// The weighted sum of the modelled scores before TaintToleration normalisation, and the
/// node's count of intolerable PreferNoSchedule taints.
pub fn score(spec: &PodSpec, node: &Node, usage: &NodeUsage) -> (i64, i64) {
    let nz = nonzero_requests(spec);
    let alloc = node.allocatable;
    // NodeResourcesFit, LeastAllocated, cpu and memory weighted 1:1.
    let cpu = least_requested(
        usage.nonzero_requested.cpu_milli + nz.cpu_milli,
        alloc.cpu_milli,
    );
    let mem = least_requested(usage.nonzero_requested.memory + nz.memory, alloc.memory);
    let fit = (cpu + mem) / 2;
    // NodeResourcesBalancedAllocation: 1 − |f_cpu − f_mem| / 2, on actual requests.
    let req = spec.requests();
    let frac = |r: i64, a: i64| {
        if a == 0 {
            1.0
        } else {
            ((r as f64) / (a as f64)).min(1.0)
        }
    };
    let fc = frac(usage.requested.cpu_milli + req.cpu_milli, alloc.cpu_milli);
    let fm = frac(usage.requested.memory + req.memory, alloc.memory);
    let balanced = ((1.0 - (fc - fm).abs() / 2.0) * MAX_NODE_SCORE as f64) as i64;
    let prefer_no_schedule = node
        .taints
        .iter()
        .filter(|t| t.effect == TaintEffect::PreferNoSchedule && !tolerated(spec, t))
        .count() as i64;
    (fit + balanced, prefer_no_schedule)
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

/// `FitError.Error()`: `0/N nodes are available: <histogram>.` plus DefaultPreemption's
/// message when no victim exists (facts C.3; the 1.30+ single-period form). `per_node` holds
/// each rejected node's reasons and whether preemption could resolve them; with no
/// lower-priority pods to evict, resolvable nodes find no victims.
pub fn fit_error(total: usize, per_node: &[Vec<Rejection>]) -> String {
    if total == 0 {
        return "no nodes available to schedule pods".to_string();
    }
    let main = histogram(per_node.iter().flat_map(|r| r.iter().map(|x| x.reason)));
    let pre = histogram(per_node.iter().map(|r| {
        if r.iter().all(|x| x.resolvable) {
            "No preemption victims found for incoming pod"
        } else {
            "Preemption is not helpful for scheduling"
        }
    }));
    format!(
        "0/{total} nodes are available: {main}. preemption: 0/{total} nodes are available: {pre}."
    )
}

/// `"<count> <reason>"` entries sorted as strings and joined by `", "`.
fn histogram<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for r in items {
        *counts.entry(r).or_default() += 1;
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
        // facts C.3 / event-messages: `0/3 nodes are available: 3 Insufficient cpu. preemption:
        // 0/3 nodes are available: 3 No preemption victims found for incoming pod.`
        let cpu = vec![Rejection {
            reason: "Insufficient cpu",
            resolvable: true,
        }];
        let msg = fit_error(3, &[cpu.clone(), cpu.clone(), cpu]);
        assert_eq!(
            msg,
            "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
        );
        let taint = vec![Rejection {
            reason: "node(s) had untolerated taint(s)",
            resolvable: false,
        }];
        let mem = vec![Rejection {
            reason: "Insufficient memory",
            resolvable: true,
        }];
        assert_eq!(
            fit_error(2, &[taint, mem]),
            "0/2 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint(s). preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling."
        );
    }
}
