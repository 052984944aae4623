//! DefaultPreemption, the default profile's PostFilter
//! (pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go and
//! pkg/scheduler/framework/preemption/preemption.go `Evaluator.Preempt`).
//!
//! When a cycle finds no node, a pod whose `preemptionPolicy` is not `Never` looks for
//! nodes where evicting lower-priority pods would make it fit:
//! 1. `PodEligibleToPreemptOthers`: not with `preemptionPolicy: Never`, nor while a
//!    lower-priority pod it preempted earlier is still terminating on its nominated node;
//! 2. `findCandidates`: the nodes whose filter failure is resolvable (`Unschedulable`, not
//!    `UnschedulableAndUnresolvable`), dry-run from a random offset until
//!    `numCandidates` (10% of them, at least 100) have victims and one of them violates no
//!    PodDisruptionBudget;
//! 3. `SelectVictimsOnNode` on each: remove every lower-priority pod, check the pod fits,
//!    then reprieve as many as possible — the PDB-violating ones first, each group from the
//!    most important (`MoreImportantPod`: higher priority, then earlier start);
//! 4. `pickOneNodeForPreemption`: fewest PDB violations, lowest highest-victim priority,
//!    smallest sum of priorities, fewest victims, latest start of the highest-priority
//!    victims;
//! 5. `prepareCandidate`: each victim gets the `DisruptionTarget` condition
//!    (`PreemptionByScheduler`), is deleted through the API with its own grace period and
//!    gets the Event `Preempted` (`Preempted by pod <uid> on node <node>`); lower-priority
//!    pods nominated to that node lose their nomination; the preemptor is nominated there.
//!
//! Without a candidate, the FailedScheduling message ends with
//! `preemption: 0/N nodes are available: <histogram>.`: each dry-run node's reason (`No
//! preemption victims found for incoming pod`, or the filter's reason when the pod does
//! not fit even without the lower-priority pods) and `Preemption is not helpful for
//! scheduling` for every other node.
//!
//! Simplifications: the dry run takes the victims' requests and pod slots off the node,
//! not their host ports or affinity terms (a pod rejected by NodePorts or InterPodAffinity
//! because of a lower-priority pod finds no candidate there); candidates are dry-run one
//! after another from the offset (upstream runs them in parallel and, on a full tie,
//! takes whichever its map yields first; kubesim takes the first in dry-run order);
//! nominations live in the scheduler's memory and are not re-read from
//! `status.nominatedNodeName` after a scheduler restart; there are no extenders.

use super::{Cx, FitError, SCHEDULER_NAME, Scheduler, Tag};
use crate::apiserver::Op;
use crate::model::meta::ObjRef;
use crate::model::pod::{Pod, Resources};
use crate::model::priorityclass::PreemptionPolicy;
use crate::model::request::Propagation;
use crate::scheduler::plugins::{NodeUsage, Rejection};
use crate::sim::time::SimTime;
use rand::RngExt;
use std::cmp::Ordering;

/// DefaultPreemptionArgs `minCandidateNodesPercentage`.
pub const MIN_CANDIDATE_NODES_PERCENTAGE: usize = 10;
/// DefaultPreemptionArgs `minCandidateNodesAbsolute`.
pub const MIN_CANDIDATE_NODES_ABSOLUTE: usize = 100;
/// The `DisruptionTarget` condition `prepareCandidate` writes on each victim
/// (`v1.PodReasonPreemptionByScheduler`, `"<schedulerName>: preempting to accommodate a
/// higher priority pod"`).
pub const PREEMPTION_CONDITION: (&str, &str) = (
    "PreemptionByScheduler",
    "default-scheduler: preempting to accommodate a higher priority pod",
);
/// `SelectVictimsOnNode`'s status when the node holds no lower-priority pod.
pub const NO_VICTIMS: &str = "No preemption victims found for incoming pod";
/// The status of every node the dry run did not evaluate.
pub const NOT_HELPFUL: &str = "Preemption is not helpful for scheduling";

/// A pod on a node as preemption weighs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodInfo {
    /// Pod id.
    pub id: u32,
    /// `spec.priority`.
    pub priority: i32,
    /// `status.startTime` (`GetPodStartTime`).
    pub start: SimTime,
    /// Its requests and non-zero requests, as the cache counts them.
    pub requests: Resources,
    /// Its non-zero requests.
    pub nonzero: Resources,
    /// Indices of the PodDisruptionBudgets that count it (same namespace, a non-empty
    /// selector matching its labels, not already in `disruptedPods`).
    pub pdbs: Vec<usize>,
}

/// The pods to evict on one node, most important first, and how many of them a
/// PodDisruptionBudget does not allow to go.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Victims {
    /// The victims, most important first.
    pub pods: Vec<PodInfo>,
    /// `NumPDBViolations`.
    pub pdb_violations: usize,
}

/// `calculateNumCandidates`: 10% of the nodes, at least 100, at most all.
pub fn num_candidates(nodes: usize) -> usize {
    (nodes * MIN_CANDIDATE_NODES_PERCENTAGE / 100)
        .max(MIN_CANDIDATE_NODES_ABSOLUTE)
        .min(nodes)
}

/// `MoreImportantPod`: higher priority first, then the earlier start; pod id keeps the
/// order total.
fn more_important(a: &PodInfo, b: &PodInfo) -> Ordering {
    b.priority
        .cmp(&a.priority)
        .then(a.start.cmp(&b.start))
        .then(a.id.cmp(&b.id))
}

/// `filterPodsWithPDBViolation`: walking the pods in order, each takes one disruption
/// from every budget that counts it; a pod that drives one below zero violates it.
pub fn split_by_pdb_violation(pods: &[PodInfo], allowed: &[i32]) -> (Vec<PodInfo>, Vec<PodInfo>) {
    let mut left = allowed.to_vec();
    let (mut violating, mut fine) = (Vec::new(), Vec::new());
    for p in pods {
        let mut violated = false;
        for &i in &p.pdbs {
            if let Some(a) = left.get_mut(i) {
                *a -= 1;
                violated |= *a < 0;
            }
        }
        if violated {
            violating.push(p.clone());
        } else {
            fine.push(p.clone());
        }
    }
    (violating, fine)
}

fn without(u: NodeUsage, p: &PodInfo) -> NodeUsage {
    NodeUsage {
        requested: u.requested.minus(p.requests),
        nonzero_requested: u.nonzero_requested.minus(p.nonzero),
        pods: u.pods.saturating_sub(1),
    }
}

fn with(u: NodeUsage, p: &PodInfo) -> NodeUsage {
    NodeUsage {
        requested: u.requested.plus(p.requests),
        nonzero_requested: u.nonzero_requested.plus(p.nonzero),
        pods: u.pods + 1,
    }
}

/// `SelectVictimsOnNode`: `usage` is the node as the cache counts it, `pods` the pods on
/// it, `allowed` each budget's `disruptionsAllowed`, `fits` the Filters on a usage. Err
/// carries the node's status reasons.
pub fn select_victims_on_node(
    priority: i32,
    usage: NodeUsage,
    pods: &[PodInfo],
    allowed: &[i32],
    fits: &mut dyn FnMut(&NodeUsage) -> Result<(), Vec<&'static str>>,
) -> Result<Victims, Vec<&'static str>> {
    let mut potential: Vec<PodInfo> = pods
        .iter()
        .filter(|p| p.priority < priority)
        .cloned()
        .collect();
    if potential.is_empty() {
        return Err(vec![NO_VICTIMS]);
    }
    let mut u = potential.iter().fold(usage, without);
    fits(&u)?;
    potential.sort_by(more_important);
    let (violating, fine) = split_by_pdb_violation(&potential, allowed);
    let mut victims = Victims::default();
    for (group, counts) in [(&violating, true), (&fine, false)] {
        for p in group {
            let tried = with(u, p);
            if fits(&tried).is_ok() {
                u = tried;
            } else {
                victims.pods.push(p.clone());
                if counts {
                    victims.pdb_violations += 1;
                }
            }
        }
    }
    if !violating.is_empty() && !fine.is_empty() {
        victims.pods.sort_by(more_important);
    }
    Ok(victims)
}

/// `pickOneNodeForPreemption`: the index of the best candidate; the first on a full tie.
pub fn pick_one_node_for_preemption(candidates: &[Victims]) -> Option<usize> {
    type Score = fn(&Victims) -> i128;
    let scores: [Score; 5] = [
        |v| -(v.pdb_violations as i128),
        |v| -i128::from(v.pods.first().map_or(i32::MIN, |p| p.priority)),
        // Each priority plus MaxInt32 + 1, so that every term is non-negative.
        |v| {
            -v.pods
                .iter()
                .map(|p| i128::from(p.priority) + i128::from(i32::MAX) + 1)
                .sum::<i128>()
        },
        |v| -(v.pods.len() as i128),
        // GetEarliestPodStartTime: the earliest start among the highest-priority victims;
        // the latest such start wins.
        |v| {
            let top = v.pods.first().map_or(i32::MIN, |p| p.priority);
            v.pods
                .iter()
                .filter(|p| p.priority == top)
                .map(|p| i128::from(p.start.as_micros()))
                .min()
                .unwrap_or(i128::MIN)
        },
    ];
    let mut left: Vec<usize> = (0..candidates.len()).collect();
    for f in scores {
        let best = left.iter().map(|&i| f(&candidates[i])).max()?;
        left.retain(|&i| f(&candidates[i]) == best);
        if left.len() == 1 {
            break;
        }
    }
    left.first().copied()
}

/// What the PostFilter did to the pod's nomination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Nomination {
    /// Left as it was.
    Keep,
    /// Cleared (`NewPostFilterResultWithNominatedNode("")`).
    Clear,
    /// Nominated to this node.
    Set(u32),
}

/// `podTerminatingByPreemption`: deleted, with the scheduler's DisruptionTarget.
fn terminating_by_preemption(p: &Pod) -> bool {
    p.meta.deleted.is_some()
        && p.status
            .disruption
            .is_some_and(|d| d.reason == PREEMPTION_CONDITION.0)
}

impl Scheduler {
    /// A cached pod as preemption weighs it, with the budgets that count it.
    fn pod_info(&self, cx: &Cx<'_>, id: u32, budgets: &[(u32, i32)]) -> Option<PodInfo> {
        let (_, requests, nonzero) = self.pods.get(id as usize)?.cached?;
        let p = cx.store.pods.get(id)?;
        let pdbs = if p.meta.labels.is_empty() {
            Vec::new()
        } else {
            budgets
                .iter()
                .enumerate()
                .filter(|(_, (b, _))| {
                    cx.store.pdbs.get(*b).is_some_and(|b| {
                        b.meta.namespace == p.meta.namespace
                            && b.spec
                                .selector
                                .as_ref()
                                .is_some_and(|s| !s.is_empty() && s.matches(&p.meta.labels))
                            && !b.status.disrupted_pods.contains_key(&p.meta.name)
                    })
                })
                .map(|(i, _)| i)
                .collect()
        };
        Some(PodInfo {
            id,
            priority: p.spec.priority,
            start: p.status.start_time.unwrap_or(cx.now),
            requests,
            nonzero,
            pdbs,
        })
    }

    /// Whether any cached pod has a priority below `priority` (no dry run finds victims
    /// otherwise, so the per-node walk is skipped).
    fn has_pods_below(&self, priority: i32) -> bool {
        self.priorities
            .keys()
            .next()
            .is_some_and(|lowest| *lowest < priority)
    }
}

/// DefaultPreemption's PostFilter for `pod`, whose cycle failed with `fit`: the message to
/// append to the FitError (empty when preemption nominated a node) and the nomination.
pub(super) fn post_filter(
    me: &mut Scheduler,
    cx: &mut Cx<'_>,
    pod: u32,
    fit: &FitError,
) -> (String, Nomination) {
    let Some(p) = cx.store.pods.get(pod) else {
        return (String::new(), Nomination::Keep);
    };
    if fit.total == 0 {
        return (String::new(), Nomination::Keep);
    }
    if p.spec.preemption_policy == PreemptionPolicy::Never {
        return (
            "preemption: not eligible due to preemptionPolicy=Never.".to_string(),
            Nomination::Keep,
        );
    }
    let priority = p.spec.priority;
    if let Some(nominated) = me.pods.get(pod as usize).and_then(|e| e.nominated) {
        let unresolvable = fit
            .rejected
            .iter()
            .any(|(n, r)| n == nominated && r.iter().any(|x| !x.resolvable));
        let terminating = me.node_pods.get(nominated as usize).is_some_and(|ids| {
            ids.iter().any(|q| {
                cx.store
                    .pods
                    .get(*q)
                    .is_some_and(|v| v.spec.priority < priority && terminating_by_preemption(v))
            })
        });
        if !unresolvable && terminating {
            return (
                "preemption: not eligible due to a terminating pod on the nominated node."
                    .to_string(),
                Nomination::Keep,
            );
        }
    }
    let potential: Vec<u32> = fit
        .rejected
        .iter()
        .filter(|(_, r)| r.iter().all(|x| x.resolvable))
        .map(|(n, _)| n)
        .collect();
    let mut statuses: Vec<&'static str> = Vec::new();
    let mut evaluated = 0usize;
    let mut fine: Vec<(u32, Victims)> = Vec::new();
    let mut violating: Vec<(u32, Victims)> = Vec::new();
    if !potential.is_empty() && !me.has_pods_below(priority) {
        // No lower-priority pod anywhere: every dry run ends in NO_VICTIMS.
        evaluated = potential.len();
        statuses.extend(std::iter::repeat_n(NO_VICTIMS, potential.len()));
    } else if !potential.is_empty() {
        let budgets: Vec<(u32, i32)> = cx
            .store
            .pdbs
            .iter()
            .map(|(id, b)| (id, b.status.disruptions_allowed))
            .collect();
        let allowed: Vec<i32> = budgets.iter().map(|b| b.1).collect();
        let key = cx.store.key(ObjRef::pod(pod));
        let offset = cx
            .stream(SCHEDULER_NAME, &key, "preemption-offset")
            .random_range(0..potential.len());
        let want = num_candidates(potential.len());
        let placed = me.placed(p);
        let state = super::cycle::CycleState::new(cx.store, &me.nodes, p, &placed);
        for i in 0..potential.len() {
            let node_id = potential[(offset + i) % potential.len()];
            let Some(node) = cx.store.nodes.get(node_id) else {
                continue;
            };
            evaluated += 1;
            let pods: Vec<PodInfo> = me
                .node_pods
                .get(node_id as usize)
                .map(|ids| {
                    ids.iter()
                        .filter_map(|q| me.pod_info(cx, *q, &budgets))
                        .collect()
                })
                .unwrap_or_default();
            let usage = me.usage_with_nominated(cx.store, node_id, pod, priority);
            let mut reasons = Vec::new();
            let mut fits = |u: &NodeUsage| {
                reasons.clear();
                if state.filter(node_id, node, u, &mut reasons) {
                    Ok(())
                } else {
                    Err(reasons.iter().map(|r: &Rejection| r.reason).collect())
                }
            };
            match select_victims_on_node(priority, usage, &pods, &allowed, &mut fits) {
                Ok(v) if v.pods.is_empty() => {}
                Ok(v) if v.pdb_violations == 0 => fine.push((node_id, v)),
                Ok(v) => violating.push((node_id, v)),
                Err(r) => statuses.extend(r),
            }
            if !fine.is_empty() && fine.len() + violating.len() >= want {
                break;
            }
        }
    }
    fine.append(&mut violating);
    let victims: Vec<Victims> = fine.iter().map(|c| c.1.clone()).collect();
    let Some(best) = pick_one_node_for_preemption(&victims) else {
        statuses.extend(std::iter::repeat_n(
            NOT_HELPFUL,
            fit.total.saturating_sub(evaluated),
        ));
        let hist = super::plugins::histogram(statuses.into_iter());
        return (
            format!("preemption: 0/{} nodes are available: {hist}.", fit.total),
            Nomination::Clear,
        );
    };
    let (node, chosen) = &fine[best];
    prepare_candidate(me, cx, pod, *node, chosen);
    (String::new(), Nomination::Set(*node))
}

/// `prepareCandidate`: the victims get the DisruptionTarget condition, are deleted and
/// get the `Preempted` Event; lower-priority pods nominated to the node lose their
/// nomination.
fn prepare_candidate(me: &mut Scheduler, cx: &mut Cx<'_>, pod: u32, node: u32, v: &Victims) {
    let uid = cx
        .store
        .pods
        .get(pod)
        .map(|p| crate::model::meta::uid_text(p.meta.uid))
        .unwrap_or_default();
    let priority = cx.store.pods.get(pod).map_or(0, |p| p.spec.priority);
    let node_name = cx.store.node_name(node);
    for victim in &v.pods {
        let obj = ObjRef::pod(victim.id);
        let key = cx.store.key(obj);
        let op = Op::PodDisruption {
            pod: victim.id,
            condition: Some(PREEMPTION_CONDITION),
            fail: false,
        };
        cx.submit(op, Tag::Preempt, &key);
        let delete = Op::Delete {
            target: obj,
            uid: None,
            propagation: Propagation::Background,
            grace_seconds: None,
        };
        cx.submit(delete, Tag::Preempt, &key);
        cx.event(
            obj,
            false,
            "Preempted",
            SCHEDULER_NAME,
            format!("Preempted by pod {uid} on node {node_name}"),
        );
    }
    let lower: Vec<u32> = me
        .nominated_on
        .get(node as usize)
        .map(|ids| {
            ids.iter()
                .copied()
                .filter(|q| {
                    *q != pod
                        && cx
                            .store
                            .pods
                            .get(*q)
                            .is_some_and(|o| o.spec.priority < priority)
                })
                .collect()
        })
        .unwrap_or_default();
    for q in lower {
        me.set_nomination(cx, q, None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(id: u32, priority: i32, start: u64, cpu: i64) -> PodInfo {
        PodInfo {
            id,
            priority,
            start: SimTime(start),
            requests: Resources {
                cpu_milli: cpu,
                memory: 0,
            },
            nonzero: Resources {
                cpu_milli: cpu,
                memory: 0,
            },
            pdbs: Vec::new(),
        }
    }

    /// A node of `cap` millicores holding `pods`; the preemptor asks for `want`.
    fn select(
        priority: i32,
        cap: i64,
        want: i64,
        pods: &[PodInfo],
        allowed: &[i32],
    ) -> Result<Victims, Vec<&'static str>> {
        let used = pods.iter().map(|p| p.requests.cpu_milli).sum::<i64>();
        let usage = NodeUsage {
            requested: Resources {
                cpu_milli: used,
                memory: 0,
            },
            nonzero_requested: Resources {
                cpu_milli: used,
                memory: 0,
            },
            pods: pods.len() as u32,
        };
        let mut fits = |u: &NodeUsage| {
            if u.requested.cpu_milli + want <= cap {
                Ok(())
            } else {
                Err(vec!["Insufficient cpu"])
            }
        };
        select_victims_on_node(priority, usage, pods, allowed, &mut fits)
    }

    fn ids(v: &Victims) -> Vec<u32> {
        v.pods.iter().map(|p| p.id).collect()
    }

    #[test]
    fn num_candidates_is_ten_percent_of_the_nodes_but_at_least_one_hundred() {
        // default_preemption.go calculateNumCandidates with the default
        // DefaultPreemptionArgs (10%, 100), as TestGetOffsetAndNumCandidates checks it.
        assert_eq!(num_candidates(0), 0);
        assert_eq!(num_candidates(10), 10);
        assert_eq!(num_candidates(1000), 100);
        assert_eq!(num_candidates(4999), 499);
        assert_eq!(num_candidates(5000), 500);
    }

    #[test]
    fn select_victims_removes_lower_priority_pods_and_reprieves_the_most_important() {
        // default_preemption_test.go TestSelectNodesForPreemption / TestDryRunPreemption
        // "a pod that fits with no preemption" has no candidates; "medium priority pod is
        // preempted, but lower priority one stays as it is small": the reprieve goes from
        // the highest priority down, so the small low pod stays once the medium one went.
        let pods = [pod(1, 100, 0, 1000), pod(2, 200, 0, 3000)];
        // 4000m node full; the preemptor (300) asks 2000m: evicting p2 (3000m) is enough,
        // p1 (lower priority, 1000m) is reprieved after p2 is tried first and refused.
        let v = select(300, 4000, 2000, &pods, &[]).unwrap();
        assert_eq!(ids(&v), vec![2]);
        assert_eq!(v.pdb_violations, 0);
        // "pod with equal priority is not a victim": no pod below the preemptor.
        assert_eq!(
            select(100, 4000, 2000, &pods[..1], &[]).unwrap_err(),
            vec![NO_VICTIMS]
        );
        // A pod too big even for an empty node: the filter's reasons are the status.
        assert_eq!(
            select(300, 4000, 5000, &pods, &[]).unwrap_err(),
            vec!["Insufficient cpu"]
        );
    }

    #[test]
    fn victims_are_ordered_by_priority_then_start_time() {
        // "mixed priority pods are preempted, pick later StartTime one when priorities are
        // equal" (TestSelectNodesForPreemption): among equal priorities the pod started
        // earlier is more important, so it is tried first for a reprieve.
        let pods = [pod(1, 10, 500, 2000), pod(2, 10, 100, 2000)];
        // Room for one: the earlier-started p2 is reprieved, the later p1 is the victim.
        let v = select(300, 4000, 2000, &pods, &[]).unwrap();
        assert_eq!(ids(&v), vec![1]);
        // Both must go for a 4000m pod; the victims list is most important first.
        let v = select(300, 4000, 4000, &pods, &[]).unwrap();
        assert_eq!(ids(&v), vec![2, 1]);
    }

    #[test]
    fn pdb_violating_pods_are_reprieved_first() {
        // TestSelectNodesForPreemption "preempt pods with PDB: the PDB-violating pods are
        // reprieved first": p1 (budget allows 0) and p2 (no budget), same priority, room
        // for one: p1 stays, p2 goes, no violation.
        let mut p1 = pod(1, 10, 0, 2000);
        p1.pdbs = vec![0];
        let p2 = pod(2, 10, 0, 2000);
        let v = select(300, 4000, 2000, &[p2.clone(), p1.clone()], &[0]).unwrap();
        assert_eq!(ids(&v), vec![2]);
        assert_eq!(v.pdb_violations, 0);
        // Both must go: the budget's pod counts as a violation.
        let v = select(300, 4000, 4000, &[p1, p2], &[0]).unwrap();
        assert_eq!(v.pdb_violations, 1);
        assert_eq!(v.pods.len(), 2);
    }

    #[test]
    fn filter_pods_with_pdb_violation_spends_the_budget_in_order() {
        // TestFilterPodsWithPDBViolation semantics: a budget allowing 1 lets the first
        // matching pod go; the second drives it below zero.
        let mut a = pod(1, 0, 0, 1);
        a.pdbs = vec![0];
        let mut b = pod(2, 0, 0, 1);
        b.pdbs = vec![0];
        let c = pod(3, 0, 0, 1);
        let (violating, fine) = split_by_pdb_violation(&[a, b, c], &[1]);
        assert_eq!(violating.iter().map(|p| p.id).collect::<Vec<_>>(), vec![2]);
        assert_eq!(fine.iter().map(|p| p.id).collect::<Vec<_>>(), vec![1, 3]);
    }

    fn victims(pods: &[(i32, u64)], violations: usize) -> Victims {
        let mut v: Vec<PodInfo> = pods
            .iter()
            .enumerate()
            .map(|(i, (prio, start))| pod(i as u32, *prio, *start, 1))
            .collect();
        v.sort_by(more_important);
        Victims {
            pods: v,
            pdb_violations: violations,
        }
    }

    #[test]
    fn pick_one_node_follows_test_pick_one_node_for_preemption() {
        // preemption_test.go TestPickOneNodeForPreemption, each row reduced to the victims
        // its dry run leaves on each machine (low 0, mid 100, high 1000, neg -1).
        // "machine with min highest priority pod is picked": machine1 loses two mid pods,
        // machine2 a mid and a low one, machine3 two low ones.
        let c = [
            victims(&[(100, 0), (100, 0)], 0),
            victims(&[(100, 0), (0, 0)], 0),
            victims(&[(0, 0), (0, 0)], 0),
        ];
        assert_eq!(pick_one_node_for_preemption(&c), Some(2));
        // "when highest priorities are the same, minimum sum of priorities is picked".
        let c = [
            victims(&[(100, 0), (100, 0)], 0),
            victims(&[(100, 0), (0, 0)], 0),
            victims(&[(100, 0), (100, 0)], 0),
        ];
        assert_eq!(pick_one_node_for_preemption(&c), Some(1));
        // "sum of adjusted priorities is considered": with a negative priority the raw sum
        // would prefer more victims; each term is shifted by MaxInt32 + 1, so machine2's
        // two victims beat machine1's three.
        let c = [
            victims(&[(100, 0), (-1, 0), (-1, 0)], 0),
            victims(&[(100, 0), (-1, 0)], 0),
        ];
        assert_eq!(pick_one_node_for_preemption(&c), Some(1));
        // "same priority, same number of victims, different start time for each machine's
        // pod": machine2's pods started last (2019-01-04), so it is picked.
        let c = [
            victims(&[(100, 3), (100, 3)], 0),
            victims(&[(100, 4), (100, 4)], 0),
            victims(&[(100, 2), (100, 2)], 0),
        ];
        assert_eq!(pick_one_node_for_preemption(&c), Some(1));
        // Fewer PodDisruptionBudget violations beat every other rule.
        let c = [victims(&[(0, 0)], 1), victims(&[(500, 0), (500, 0)], 0)];
        assert_eq!(pick_one_node_for_preemption(&c), Some(1));
        // No candidate, and a full tie (the first in dry-run order).
        assert_eq!(pick_one_node_for_preemption(&[]), None);
        let c = [victims(&[(5, 0)], 0), victims(&[(5, 0)], 0)];
        assert_eq!(pick_one_node_for_preemption(&c), Some(0));
    }
}
