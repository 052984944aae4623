//! Which pods a controller deletes first when it has too many: `ActivePods` and
//! `ActivePodsWithRanks` (pkg/controller/controller_utils.go), and the ReplicaSet
//! controller's ranks of pods by co-located related pods (`getPodsRankedByRelatedPodsOnSameNode`
//! and `getPodsToDelete`, pkg/controller/replicaset/replica_set.go).
//!
//! The order, preferred-to-delete first (`ActivePodsWithRanks.Less`):
//! 1. unassigned before assigned;
//! 2. Pending before Unknown before Running (`podPhaseToOrdinal`);
//! 3. not ready before ready;
//! 4. lower `controller.kubernetes.io/pod-deletion-cost` first (PodDeletionCost, on by
//!    default since 1.22);
//! 5. higher rank (more related active pods on the same node) first;
//! 6. both ready: no ready time first, then ready more recently; with LogarithmicScaleDown
//!    (on by default since 1.22) ready times compare by floor(log2(age in ns)), and two pods
//!    in the same bucket compare by UID, ending the comparison;
//! 7. more container restarts (the highest of one container) first;
//! 8. newer first, logarithmically bucketed the same way.
//!
//! Simplifications: kubesim's times are µs, so ages are whole µs × 1000 ns (the API server
//! keeps whole seconds); floor(log2) is computed on integers rather than through `float64`.
//! Go sorts with `sort.Sort`, which is not stable and tolerates a `Less` that is not a strict
//! weak order (the UID tie-break of step 6 can make one); kubesim uses a stable merge sort,
//! which never panics on such an order and keeps ties in input order.

use crate::model::pod::{Phase, Pod};
use crate::sim::time::SimTime;
use std::collections::BTreeMap;

/// The annotation a user sets to steer which pods of a ReplicaSet go first (`PodDeletionCost`,
/// pkg/apis/core/annotation_key_constants.go).
pub const POD_DELETION_COST: &str = "controller.kubernetes.io/pod-deletion-cost";

/// What `ActivePodsWithRanks.Less` reads of one pod.
#[derive(Clone, Debug, PartialEq)]
pub struct PodFacts {
    /// `spec.nodeName` (None = unassigned).
    pub node: Option<u32>,
    /// `podPhaseToOrdinal`: Pending 0, Unknown 1, Running 2 (kubesim's pods never report
    /// Unknown; terminal phases are not active and so never ranked).
    pub phase_ordinal: u8,
    /// `podutil.IsPodReady`.
    pub ready: bool,
    /// `podReadyTime`: the Ready condition's lastTransitionTime (None = zero time).
    pub ready_since: Option<SimTime>,
    /// `GetDeletionCostFromPodAnnotations` (0 when absent or not an int32).
    pub deletion_cost: i32,
    /// `maxContainerRestarts`.
    pub max_restarts: u32,
    /// `metadata.creationTimestamp` (None = zero time).
    pub created: Option<SimTime>,
    /// `metadata.uid`, the tie-break within one logarithmic bucket.
    pub uid: u64,
}

impl PodFacts {
    /// The facts of a stored pod.
    pub fn of(p: &Pod) -> PodFacts {
        PodFacts {
            node: p.node,
            phase_ordinal: match p.status.phase {
                Phase::Running => 2,
                Phase::Pending | Phase::Succeeded | Phase::Failed => 0,
            },
            ready: p.is_ready(),
            ready_since: p.status.ready_since,
            deletion_cost: p
                .meta
                .annotations
                .get(POD_DELETION_COST)
                .and_then(|v| v.parse::<i32>().ok())
                .unwrap_or(0),
            max_restarts: p
                .status
                .containers
                .iter()
                .map(|c| c.restart_count)
                .max()
                .unwrap_or(0),
            created: Some(p.meta.created),
            uid: p.meta.uid,
        }
    }
}

/// Pods with their ranks and the reference time of the logarithmic comparisons
/// (`ActivePodsWithRanks`; `now` None compares times without scaling, as plain `ActivePods`).
#[derive(Clone, Debug)]
pub struct ActivePodsWithRanks {
    /// The pods.
    pub pods: Vec<PodFacts>,
    /// Their ranks, index by index.
    pub ranks: Vec<i32>,
    /// `Now`; None for the plain, unscaled comparison.
    pub now: Option<SimTime>,
}

impl ActivePodsWithRanks {
    /// `ActivePods`: every rank equal and no logarithmic scaling (the Job controller's
    /// `activePodsForRemoval` sorts this way).
    pub fn plain(pods: Vec<PodFacts>) -> ActivePodsWithRanks {
        let ranks = vec![0; pods.len()];
        ActivePodsWithRanks {
            pods,
            ranks,
            now: None,
        }
    }

    /// `Less(i, j)`: pod `i` is preferred for deletion over pod `j`.
    pub fn less(&self, i: usize, j: usize) -> bool {
        let (a, b) = (&self.pods[i], &self.pods[j]);
        if a.node != b.node && (a.node.is_none() || b.node.is_none()) {
            return a.node.is_none();
        }
        if a.phase_ordinal != b.phase_ordinal {
            return a.phase_ordinal < b.phase_ordinal;
        }
        if a.ready != b.ready {
            return !a.ready;
        }
        if a.deletion_cost != b.deletion_cost {
            return a.deletion_cost < b.deletion_cost;
        }
        if self.ranks[i] != self.ranks[j] {
            return self.ranks[i] > self.ranks[j];
        }
        if a.ready && b.ready && a.ready_since != b.ready_since {
            return self.newer(a.ready_since, b.ready_since, a.uid, b.uid);
        }
        if a.max_restarts != b.max_restarts {
            return a.max_restarts > b.max_restarts;
        }
        if a.created != b.created {
            return self.newer(a.created, b.created, a.uid, b.uid);
        }
        false
    }

    /// Steps 6 and 8 for two different times: zero first, then the later one (`afterOrZero`),
    /// or under LogarithmicScaleDown the younger bucket, UID order within one bucket.
    fn newer(&self, t1: Option<SimTime>, t2: Option<SimTime>, uid1: u64, uid2: u64) -> bool {
        match (self.now, t1, t2) {
            (Some(now), Some(t1), Some(t2)) => {
                let diff = log2_age(now, t1) - log2_age(now, t2);
                if diff == 0 { uid1 < uid2 } else { diff < 0 }
            }
            (_, None, _) => true,
            (_, Some(_), None) => false,
            (None, Some(t1), Some(t2)) => t1 > t2,
        }
    }

    /// The indices of the pods, preferred-to-delete first (`sort.Sort`, see the module docs).
    pub fn order(&self) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..self.pods.len()).collect();
        let mut buf = idx.clone();
        merge_sort(&mut idx, &mut buf, &|i, j| self.less(i, j));
        idx
    }
}

/// `logarithmicRankDiff`'s rank of one time: floor(log2(now − t in ns)), −1 when not before
/// `now`.
fn log2_age(now: SimTime, t: SimTime) -> i64 {
    let ns = now.as_micros().saturating_sub(t.as_micros()) * 1000;
    if ns == 0 {
        -1
    } else {
        i64::from(63 - ns.leading_zeros())
    }
}

/// A stable top-down merge sort by a `less` that need not be a strict weak order.
fn merge_sort(v: &mut [usize], buf: &mut [usize], less: &dyn Fn(usize, usize) -> bool) {
    let n = v.len();
    if n < 2 {
        return;
    }
    let mid = n / 2;
    merge_sort(&mut v[..mid], &mut buf[..mid], less);
    merge_sort(&mut v[mid..], &mut buf[mid..], less);
    let (mut i, mut j) = (0, mid);
    for slot in buf.iter_mut().take(n) {
        // Take from the right half only when it is strictly less: ties keep input order.
        let right = j < n && (i == mid || less(v[j], v[i]));
        *slot = if right { v[j] } else { v[i] };
        if right {
            j += 1;
        } else {
            i += 1;
        }
    }
    v.copy_from_slice(&buf[..n]);
}

/// `getPodsRankedByRelatedPodsOnSameNode`: each pod's rank is the number of active related
/// pods on its node (unassigned pods count the unassigned ones, as Go keys them by "").
pub fn ranked_by_related_pods_on_same_node(
    pods: Vec<PodFacts>,
    related: impl IntoIterator<Item = Option<u32>>,
    now: SimTime,
) -> ActivePodsWithRanks {
    let mut on_node: BTreeMap<Option<u32>, i32> = BTreeMap::new();
    for node in related {
        *on_node.entry(node).or_default() += 1;
    }
    let ranks = pods
        .iter()
        .map(|p| on_node.get(&p.node).copied().unwrap_or(0))
        .collect();
    ActivePodsWithRanks {
        pods,
        ranks,
        now: Some(now),
    }
}

/// `getPodsToDelete`: the first `diff` of `pods` in deletion order; when every pod goes the
/// list is returned as given, unsorted. `related` are the nodes of the active related pods.
pub fn pods_to_delete(
    pods: Vec<(u32, PodFacts)>,
    related: impl IntoIterator<Item = Option<u32>>,
    diff: usize,
    now: SimTime,
) -> Vec<u32> {
    if diff >= pods.len() {
        return pods.into_iter().map(|(id, _)| id).collect();
    }
    let (ids, facts): (Vec<u32>, Vec<PodFacts>) = pods.into_iter().unzip();
    let ranked = ranked_by_related_pods_on_same_node(facts, related, now);
    ranked
        .order()
        .into_iter()
        .take(diff)
        .map(|i| ids[i])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: u64 = 3_600_000_000;
    /// The tests' `now`: far enough from t=0 for "a month ago" to exist.
    const NOW: SimTime = SimTime(60 * 24 * HOUR);

    fn ago(us: u64) -> Option<SimTime> {
        Some(SimTime(NOW.0 - us))
    }

    /// `AddDate(0, -1, 0)`, taken as 30 days.
    fn month() -> Option<SimTime> {
        ago(30 * 24 * HOUR)
    }

    /// TestSortingActivePodsWithRanks's `pod(name, node, phase, ready, restarts, readySince,
    /// created, annotations)` helper; node 0 stands for "node", None for "", phase is the
    /// ordinal (Pending 0, Unknown 1, Running 2); the UIDs are all empty in Go, so 0 here.
    fn pod(
        node: Option<u32>,
        phase_ordinal: u8,
        ready: bool,
        restarts: u32,
        ready_since: Option<SimTime>,
        created: Option<SimTime>,
        deletion_cost: i32,
    ) -> PodFacts {
        PodFacts {
            node,
            phase_ordinal,
            ready,
            ready_since: ready_since.filter(|_| ready),
            deletion_cost,
            max_restarts: if ready { restarts } else { 0 },
            created,
            uid: 0,
        }
    }

    const N: Option<u32> = Some(0);
    const NOW_T: Option<SimTime> = Some(NOW);

    fn less(a: &PodFacts, ra: i32, b: &PodFacts, rb: i32) -> (bool, bool) {
        let s = ActivePodsWithRanks {
            pods: vec![a.clone(), b.clone()],
            ranks: vec![ra, rb],
            now: Some(NOW),
        };
        (s.less(0, 1), s.less(1, 0))
    }

    #[test]
    fn sorting_active_pods_with_ranks_inequalities() {
        // TestSortingActivePodsWithRanks (controller_utils_test.go), the inequality table with
        // both PodDeletionCost and LogarithmicScaleDown on; each row is lesser < greater.
        let unscheduled = pod(None, 0, false, 0, None, None, 0);
        let scheduled_pending = pod(N, 0, false, 0, None, None, 0);
        let unknown_phase = pod(N, 1, false, 0, None, None, 0);
        let running_not_ready = pod(N, 2, false, 0, None, None, 0);
        let ready_no_ltt = pod(N, 2, true, 0, None, None, 0);
        let ready_now = pod(N, 2, true, 0, NOW_T, NOW_T, 0);
        let ready_then = pod(N, 2, true, 0, month(), month(), 0);
        let ready_high_restarts = pod(N, 2, true, 9001, NOW_T, NOW_T, 0);
        let ready_now_created_then = pod(N, 2, true, 0, NOW_T, month(), 0);
        let low_cost = pod(N, 2, true, 0, NOW_T, month(), 10);
        let high_cost = pod(N, 2, true, 0, NOW_T, month(), 100);
        let ready_2h = pod(None, 2, true, 0, ago(2 * HOUR), month(), 0);
        let ready_5h = pod(None, 2, true, 0, ago(5 * HOUR), month(), 0);
        let rows: [(&str, &PodFacts, i32, &PodFacts, i32); 15] = [
            (
                "unscheduled(1) < pending(2)",
                &unscheduled,
                1,
                &scheduled_pending,
                2,
            ),
            (
                "unscheduled(2) < pending(1)",
                &unscheduled,
                2,
                &scheduled_pending,
                1,
            ),
            (
                "pending(1) < unknown(2)",
                &scheduled_pending,
                1,
                &unknown_phase,
                2,
            ),
            (
                "unknown(1) < not-ready(2)",
                &unknown_phase,
                1,
                &running_not_ready,
                2,
            ),
            (
                "not-ready(1) < ready-no-ltt(1)",
                &running_not_ready,
                1,
                &ready_no_ltt,
                1,
            ),
            (
                "ready-no-ltt(1) < ready-now(1)",
                &ready_no_ltt,
                1,
                &ready_now,
                1,
            ),
            (
                "ready-now(2) < ready-no-ltt(1)",
                &ready_now,
                2,
                &ready_no_ltt,
                1,
            ),
            (
                "ready-now(1) < ready-then(1)",
                &ready_now,
                1,
                &ready_then,
                1,
            ),
            (
                "ready-now(2) < ready-then(1)",
                &ready_now,
                2,
                &ready_then,
                1,
            ),
            (
                "high-restarts(1) < ready-now(1)",
                &ready_high_restarts,
                1,
                &ready_now,
                1,
            ),
            (
                "ready-now(2) < high-restarts(1)",
                &ready_now,
                2,
                &ready_high_restarts,
                1,
            ),
            (
                "ready-now(1) < created-then(1)",
                &ready_now,
                1,
                &ready_now_created_then,
                1,
            ),
            (
                "created-then(2) < ready-now(1)",
                &ready_now_created_then,
                2,
                &ready_now,
                1,
            ),
            ("low-cost(2) < high-cost(1)", &low_cost, 2, &high_cost, 1),
            (
                "ready-2-hours(1) < ready-5-hours(1)",
                &ready_2h,
                1,
                &ready_5h,
                1,
            ),
        ];
        for (name, lesser, rl, greater, rg) in rows {
            assert_eq!(less(lesser, rl, greater, rg), (true, false), "{name}");
        }
    }

    #[test]
    fn sorting_active_pods_with_ranks_equalities() {
        // TestSortingActivePodsWithRanks, the equality table (ranks 1, 1): a pod is never less
        // than itself, and under LogarithmicScaleDown 5 h and 8 h fall in the same bucket
        // (floor(log2) = 44 for both ages in ns), so with equal (empty) UIDs neither is less.
        let same = [
            pod(None, 0, false, 0, None, None, 0),
            pod(N, 0, false, 0, None, None, 0),
            pod(N, 1, false, 0, None, None, 0),
            pod(N, 2, false, 0, None, None, 0),
            pod(N, 2, true, 0, NOW_T, month(), 0),
            pod(N, 2, true, 0, NOW_T, NOW_T, 0),
            pod(N, 2, true, 0, month(), month(), 0),
            pod(N, 2, true, 9001, NOW_T, NOW_T, 0),
        ];
        for p in &same {
            assert_eq!(less(p, 1, p, 1), (false, false), "{p:?}");
        }
        let unscheduled_5h = pod(None, 0, false, 0, ago(5 * HOUR), ago(5 * HOUR), 0);
        let unscheduled_8h = pod(None, 0, false, 0, ago(8 * HOUR), ago(8 * HOUR), 0);
        assert_eq!(less(&unscheduled_5h, 1, &unscheduled_8h, 1), (false, false));
        let ready_5h = pod(None, 2, true, 0, ago(5 * HOUR), month(), 0);
        let ready_8h = pod(None, 2, true, 0, ago(8 * HOUR), month(), 0);
        assert_eq!(less(&ready_5h, 1, &ready_8h, 1), (false, false));
    }

    #[test]
    fn within_one_logarithmic_bucket_the_lower_uid_goes_first() {
        // ActivePodsWithRanks.Less: `if rankDiff == 0 { return s.Pods[i].UID < s.Pods[j].UID }`.
        let mut a = pod(N, 2, true, 0, ago(5 * HOUR), month(), 0);
        let mut b = pod(N, 2, true, 0, ago(8 * HOUR), month(), 0);
        (a.uid, b.uid) = (2, 1);
        assert_eq!(less(&b, 1, &a, 1), (true, false));
    }

    #[test]
    fn sorting_active_pods_orders_every_permutation_the_same() {
        // TestSortingActivePods (controller_utils_test.go) "Sorts by active pod": plain
        // ActivePods over shuffled input; here every rotation and its reverse.
        let foo = Some(1);
        let then = month();
        let named = [
            ("unscheduled", pod(None, 0, false, 0, None, None, 0)),
            (
                "scheduledButPending",
                pod(Some(2), 0, false, 0, None, None, 0),
            ),
            ("unknownPhase", pod(foo, 1, false, 0, None, None, 0)),
            ("runningButNotReady", pod(foo, 2, false, 0, None, None, 0)),
            (
                "runningNoLastTransitionTime",
                pod(foo, 2, true, 3, None, None, 0),
            ),
            (
                "runningWithLastTransitionTime",
                pod(foo, 2, true, 3, NOW_T, None, 0),
            ),
            ("runningLongerTime", pod(foo, 2, true, 3, then, None, 0)),
            (
                "lowerContainerRestartCount",
                pod(foo, 2, true, 2, then, NOW_T, 0),
            ),
            ("oldest", pod(foo, 2, true, 2, then, then, 0)),
        ];
        let want: Vec<&str> = named.iter().map(|(n, _)| *n).collect();
        for k in 0..named.len() {
            for reverse in [false, true] {
                let mut input: Vec<&(&str, PodFacts)> = named.iter().collect();
                input.rotate_left(k);
                if reverse {
                    input.reverse();
                }
                let s = ActivePodsWithRanks::plain(input.iter().map(|p| p.1.clone()).collect());
                let got: Vec<&str> = s.order().into_iter().map(|i| input[i].0).collect();
                assert_eq!(got, want, "rotation {k}, reversed {reverse}");
            }
        }
    }

    /// TestGetPodsToDelete's pods: ready on a node, running-not-ready, scheduled-pending,
    /// unscheduled-pending.
    fn ready_on(node: u32) -> PodFacts {
        pod(Some(node), 2, true, 0, month(), month(), 0)
    }
    fn not_ready() -> PodFacts {
        pod(Some(1), 2, false, 0, None, month(), 0)
    }
    fn scheduled_pending() -> PodFacts {
        pod(Some(1), 0, false, 0, None, month(), 0)
    }
    fn unscheduled_pending() -> PodFacts {
        pod(None, 0, false, 0, None, month(), 0)
    }

    /// `getPodsToDelete(pods, related, diff)` with related defaulting to the pods themselves.
    fn to_delete(pods: Vec<PodFacts>, related: Option<Vec<Option<u32>>>, diff: usize) -> Vec<u32> {
        let related = related.unwrap_or_else(|| pods.iter().map(|p| p.node).collect());
        let ids = (0..pods.len() as u32).zip(pods).collect();
        pods_to_delete(ids, related, diff, NOW)
    }

    #[test]
    fn get_pods_to_delete_table() {
        // TestGetPodsToDelete (replica_set_test.go), cases G1–G8 of
        // ../shared/reference/kubernetes-algorithms.md 1.5; ids are the input positions.
        assert!(to_delete(vec![], None, 0).is_empty(), "G1 len(pods) = 0");
        // G2: diff = len(pods) returns the input unsorted (the ready pod stays first).
        let g2 = to_delete(vec![ready_on(1), not_ready()], None, 2);
        assert_eq!(g2, [0, 1], "G2 diff = len(pods)");
        let g3 = to_delete(vec![ready_on(1), not_ready()], None, 1);
        assert_eq!(g3, [1], "G3 diff < len(pods)");
        let g4 = to_delete(vec![scheduled_pending(), unscheduled_pending()], None, 1);
        assert_eq!(g4, [1], "G4 scheduled vs unscheduled");
        let g5 = to_delete(vec![ready_on(1), not_ready(), not_ready()], None, 2);
        assert_eq!(g5, [1, 2], "G5 ready vs not-ready");
        let related = Some(vec![Some(1), Some(2), Some(2)]);
        let g6 = to_delete(vec![ready_on(1), ready_on(2)], related, 1);
        assert_eq!(
            g6,
            [1],
            "G6 colocated with another ready pod: node-2, rank 2"
        );
        let g7 = to_delete(vec![scheduled_pending(), not_ready()], None, 1);
        assert_eq!(g7, [0], "G7 pending vs running");
        let g8 = to_delete(
            vec![
                ready_on(1),
                ready_on(2),
                not_ready(),
                scheduled_pending(),
                unscheduled_pending(),
            ],
            None,
            3,
        );
        assert_eq!(g8, [4, 3, 2], "G8 various phases and conditions");
    }

    #[test]
    fn the_deletion_cost_annotation_is_read_as_an_int32() {
        // GetDeletionCostFromPodAnnotations: an int32, else (invalid) 0.
        use crate::etcd::store::testing as fx;
        let mut store = crate::etcd::Store::default();
        let ns = fx::namespace(&mut store, "default");
        let id = fx::pod(&mut store, "p", ns, fx::spec(100), None, None);
        let p = store.pods.get_mut(id).unwrap();
        for (value, want) in [
            ("-5", -5),
            ("2147483647", i32::MAX),
            ("2147483648", 0),
            ("x", 0),
        ] {
            p.meta.annotations.insert(POD_DELETION_COST, value);
            assert_eq!(PodFacts::of(p).deletion_cost, want, "{value}");
        }
    }
}
