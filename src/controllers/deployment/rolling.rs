//! The arithmetic of a rolling update: `rolloutRolling`'s `reconcileNewReplicaSet` and
//! `reconcileOldReplicaSets` (pkg/controller/deployment/rolling.go) with `MaxUnavailable` and
//! `NewRSNewReplicas` (util/deployment_util.go), on plain numbers so that Kubernetes' test
//! tables run against exactly the code the controller uses.
//!
//! Counts are `i64`: Kubernetes' int32 sums can exceed i32 near its range.

use crate::controllers::deployment::fenceposts;
use crate::model::workload::Strategy;

/// What the rolling arithmetic reads of one ReplicaSet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RsCount {
    /// Arena id.
    pub id: u32,
    /// `spec.replicas`.
    pub replicas: i64,
    /// `status.availableReplicas` (as last written by the ReplicaSet controller: it may lag).
    pub available: i64,
}

/// A scale-down that would grow a ReplicaSet: its `status.availableReplicas` is above
/// `spec.replicas` (the status lags a scale-down). rolling.go returns an error and the sync
/// is retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StaleStatus {
    /// The ReplicaSet whose status lags.
    pub id: u32,
}

/// `MaxUnavailable(deployment)`: 0 for Recreate or 0 replicas, else the resolved
/// maxUnavailable capped at spec.replicas.
pub fn max_unavailable(strategy: &Strategy, replicas: i32) -> i32 {
    if !matches!(strategy, Strategy::RollingUpdate { .. }) || replicas == 0 {
        return 0;
    }
    fenceposts(strategy, replicas).1.min(replicas)
}

/// `NewRSNewReplicas`: the size the new ReplicaSet may have now. Rolling: grow up to
/// `replicas + maxSurge` pods in all (`total` = the summed spec.replicas of every
/// ReplicaSet, the new one included) but never past `replicas`; Recreate: `replicas`.
pub fn new_rs_new_replicas(strategy: &Strategy, replicas: i32, total: i64, new: i64) -> i64 {
    match strategy {
        Strategy::Recreate => i64::from(replicas),
        Strategy::RollingUpdate { max_surge, .. } => {
            // The raw scaled value, as deployment_util.go reads it (not the fenceposts).
            let max_total = i64::from(replicas) + i64::from(max_surge.scaled(replicas, true));
            if total >= max_total {
                return new;
            }
            new + (max_total - total).min(i64::from(replicas) - new)
        }
    }
}

/// `reconcileNewReplicaSet`: the new ReplicaSet's next size, or `None` when it stays.
pub fn reconcile_new(strategy: &Strategy, replicas: i32, total: i64, new: i64) -> Option<i64> {
    let d = i64::from(replicas);
    let target = match new.cmp(&d) {
        std::cmp::Ordering::Equal => return None,
        std::cmp::Ordering::Greater => d,
        std::cmp::Ordering::Less => new_rs_new_replicas(strategy, replicas, total, new),
    };
    (target != new).then_some(target)
}

/// `cleanupUnhealthyReplicas`: oldest first, shrink each old ReplicaSet by its unavailable
/// pods until `max_cleanup` are gone. `olds` is oldest first and is updated in place;
/// returns how many were removed.
pub fn cleanup_unhealthy(olds: &mut [RsCount], max_cleanup: i64) -> Result<i64, StaleStatus> {
    let mut total = 0;
    for rs in olds.iter_mut() {
        if total >= max_cleanup {
            break;
        }
        if rs.replicas == 0 || rs.replicas == rs.available {
            continue;
        }
        let down = (max_cleanup - total).min(rs.replicas - rs.available);
        if down < 0 {
            return Err(StaleStatus { id: rs.id });
        }
        rs.replicas -= down;
        total += down;
    }
    Ok(total)
}

/// `scaleDownOldReplicaSetsForRollingUpdate`: remove available old pods, oldest ReplicaSet
/// first, while the available pods of all ReplicaSets (`available`, from their status)
/// stay at or above `replicas − maxUnavailable`. Returns how many were removed.
pub fn scale_down_old(
    replicas: i32,
    max_unavailable: i32,
    available: i64,
    olds: &mut [RsCount],
) -> Result<i64, StaleStatus> {
    let min_available = i64::from(replicas) - i64::from(max_unavailable);
    if available <= min_available {
        return Ok(0);
    }
    let wanted = available - min_available;
    let mut total = 0;
    for rs in olds.iter_mut() {
        if total >= wanted {
            break;
        }
        if rs.replicas == 0 {
            continue;
        }
        let down = rs.replicas.min(wanted - total);
        rs.replicas -= down;
        total += down;
    }
    Ok(total)
}

/// `reconcileOldReplicaSets`: how far the old ReplicaSets (oldest first) may shrink without
/// the new ReplicaSet's unavailable pods taking availability below the floor, spent first on
/// unhealthy old pods, then on available ones. Returns the new size of each old ReplicaSet
/// that changes, and the stale status that stopped it early, if any (the sizes decided before
/// it still hold, as rolling.go has already sent them).
pub fn reconcile_olds(
    strategy: &Strategy,
    replicas: i32,
    new: RsCount,
    olds: &[RsCount],
) -> (Vec<(u32, i64)>, Option<StaleStatus>) {
    // FilterActiveReplicaSets.
    let mut active: Vec<RsCount> = olds.iter().copied().filter(|r| r.replicas > 0).collect();
    let old_pods: i64 = active.iter().map(|r| r.replicas).sum();
    if old_pods == 0 {
        return (Vec::new(), None);
    }
    let all_pods = old_pods + new.replicas;
    let max_unavailable = max_unavailable(strategy, replicas);
    let min_available = i64::from(replicas) - i64::from(max_unavailable);
    let new_unavailable = new.replicas - new.available;
    let max_scaled_down = all_pods - min_available - new_unavailable;
    if max_scaled_down <= 0 {
        return (Vec::new(), None);
    }
    let before = active.clone();
    let changed = |after: &[RsCount]| -> Vec<(u32, i64)> {
        after
            .iter()
            .zip(&before)
            .filter(|(a, b)| a.replicas != b.replicas)
            .map(|(a, _)| (a.id, a.replicas))
            .collect()
    };
    if let Err(e) = cleanup_unhealthy(&mut active, max_scaled_down) {
        return (changed(&active), Some(e));
    }
    let available: i64 = active.iter().map(|r| r.available).sum::<i64>() + new.available;
    let stale = scale_down_old(replicas, max_unavailable, available, &mut active).err();
    (changed(&active), stale)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::etcd::store::testing::rolling;
    use crate::model::workload::IntOrPercent::{Int, Percent};

    fn rs(id: u32, replicas: i64, available: i64) -> RsCount {
        RsCount {
            id,
            replicas,
            available,
        }
    }

    /// util/deployment_util_test.go `TestResolveFenceposts` (reference algorithms §1.1 F1, F2,
    /// F5). F3/F4 ("oops", "urg") cannot reach the controller: the manifest reader rejects a
    /// maxSurge that is neither an integer nor a percentage.
    #[test]
    fn resolve_fenceposts_rows() {
        assert_eq!(
            fenceposts(&rolling(Percent(0), Percent(0)), 0),
            (0, 1),
            "F1"
        );
        assert_eq!(
            fenceposts(&rolling(Percent(39), Percent(39)), 10),
            (4, 3),
            "F2"
        );
        assert_eq!(
            fenceposts(&rolling(Percent(25), Percent(25)), 10),
            (3, 2),
            "F5"
        );
    }

    /// util/deployment_util_test.go `TestMaxUnavailable` (§1.1 M1–M8).
    #[test]
    fn max_unavailable_rows() {
        let cases = [
            ("M1 less than replicas", rolling(Int(1), Int(5)), 10, 5),
            ("M2 equal replicas", rolling(Int(1), Int(10)), 10, 10),
            ("M3 greater than replicas", rolling(Int(1), Int(10)), 5, 5),
            ("M4 with replicas is 0", rolling(Int(1), Int(10)), 0, 0),
            ("M5 Recreate", Strategy::Recreate, 10, 0),
            ("M6 less, percents", rolling(Int(1), Percent(50)), 10, 5),
            ("M7 equal, percents", rolling(Int(1), Percent(100)), 10, 10),
            ("M8 greater, percents", rolling(Int(1), Percent(100)), 5, 5),
        ];
        for (name, s, d, want) in cases {
            assert_eq!(max_unavailable(&s, d), want, "{name}");
        }
    }

    /// util/deployment_util_test.go `TestNewRSNewReplicas` (§1.1 N1–N3).
    #[test]
    fn new_rs_new_replicas_rows() {
        // N1 "can not scale up - to newRSReplicas": the counted RS holds 5 ≥ 1 + 1.
        assert_eq!(
            new_rs_new_replicas(&rolling(Int(1), Int(0)), 1, 5, 5),
            5,
            "N1"
        );
        // N2 "scale up - to depReplicas": room 6 + 10 − 5 = 11, capped by 6 − 2 = 4.
        assert_eq!(
            new_rs_new_replicas(&rolling(Int(10), Int(0)), 6, 5, 2),
            6,
            "N2"
        );
        // N3 "recreate - to depReplicas".
        assert_eq!(new_rs_new_replicas(&Strategy::Recreate, 3, 1, 1), 3, "N3");
    }

    /// rolling_test.go `TestDeploymentController_reconcileNewReplicaSet` (§1.2 RN1–RN5;
    /// maxUnavailable 0, the RS list is the new RS and one old).
    #[test]
    fn reconcile_new_replica_set_rows() {
        let cases = [
            ("RN1", 0, 10, 0, None),
            ("RN2", 2, 10, 0, Some(2)),
            ("RN3", 2, 5, 0, Some(7)),
            ("RN4", 2, 10, 2, None),
            ("RN5", 2, 2, 11, Some(10)),
        ];
        for (name, surge, old, new, want) in cases {
            let s = rolling(Int(surge), Int(0));
            assert_eq!(reconcile_new(&s, 10, old + new, new), want, "{name}");
        }
    }

    /// rolling_test.go `TestDeploymentController_reconcileOldReplicaSets` (§1.2 RO1–RO5;
    /// maxSurge 0, D = 10).
    #[test]
    fn reconcile_old_replica_sets_rows() {
        let cases = [
            ("RO1", 0, 10, 0, 10, 0, vec![(1, 9)]),
            ("RO2", 2, 10, 0, 10, 0, vec![(1, 8)]),
            ("RO3", 2, 10, 0, 8, 0, vec![(1, 8)]),
            ("RO4", 2, 10, 0, 9, 0, vec![(1, 8)]),
            ("RO5", 2, 8, 2, 8, 0, vec![]),
        ];
        for (name, u, old, new, old_avail, new_avail, want) in cases {
            let s = rolling(Int(0), Int(u));
            let (got, stale) =
                reconcile_olds(&s, 10, rs(2, new, new_avail), &[rs(1, old, old_avail)]);
            assert_eq!(got, want, "{name}");
            assert_eq!(stale, None, "{name}");
        }
    }

    /// rolling_test.go `TestDeploymentController_cleanupUnhealthyReplicas` (§1.2 CU1–CU4:
    /// old = 10; `ready` of them available).
    #[test]
    fn cleanup_unhealthy_replicas_rows() {
        let cases = [
            ("CU1", 8, 1, 1),
            ("CU2", 8, 3, 2),
            ("CU3", 8, 0, 0),
            ("CU4", 10, 3, 0),
        ];
        for (name, ready, max, want) in cases {
            let mut olds = [rs(1, 10, ready)];
            assert_eq!(cleanup_unhealthy(&mut olds, max), Ok(want), "{name}");
            assert_eq!(olds[0].replicas, 10 - want, "{name}");
        }
    }

    /// rolling_test.go `TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate`
    /// (§1.2 SD1–SD5; maxSurge 0, D = 10, the only RS is the old one).
    #[test]
    fn scale_down_old_replica_sets_for_rolling_update_rows() {
        let cases = [
            ("SD1", 0, 10, 10, 9),
            ("SD2", 2, 10, 10, 8),
            ("SD3", 2, 8, 10, 10),
            ("SD4", 2, 10, 0, 0),
            ("SD5", 2, 1, 10, 10),
        ];
        for (name, u, available, old, want) in cases {
            let unavailable = max_unavailable(&rolling(Int(0), Int(u)), 10);
            let mut olds = [rs(1, old, available)];
            scale_down_old(10, unavailable, available, &mut olds).unwrap();
            assert_eq!(olds[0].replicas, want, "{name}");
        }
    }

    /// The worked example in rolling.go's comments (§1.2): D = 10, maxUnavailable 2,
    /// maxSurge 3.
    #[test]
    fn the_worked_example_of_rolling_go() {
        let s = rolling(Int(3), Int(2));
        // The new RS is created with 3 (13 − 10).
        assert_eq!(new_rs_new_replicas(&s, 10, 10, 0), 3);
        // The old RS goes to 8: 13 − 8 − 3 unavailable new = 2.
        let (got, _) = reconcile_olds(&s, 10, rs(2, 3, 0), &[rs(1, 10, 10)]);
        assert_eq!(got, vec![(1, 8)]);
        // Then the new RS goes to 5 (room 13 − 11 = 2).
        assert_eq!(reconcile_new(&s, 10, 11, 3), Some(5));
        // Its pods crash-loop: total 13, minAvailable 8, newUnavailable 5: nothing shrinks.
        let (got, _) = reconcile_olds(&s, 10, rs(2, 5, 0), &[rs(1, 8, 8)]);
        assert_eq!(got, vec![]);
        // After `rollout undo` the restored RS (8, one unavailable) is the new one: the
        // crash-looping RS may lose 13 − 8 − 1 = 4 pods, all unhealthy; then the restored
        // RS grows to 10 (room 13 − 9 = 4, capped by 10 − 8).
        let (got, _) = reconcile_olds(&s, 10, rs(1, 8, 7), &[rs(2, 5, 0)]);
        assert_eq!(got, vec![(2, 1)]);
        assert_eq!(reconcile_new(&s, 10, 9, 8), Some(10));
        // Rolling over to a third template instead: the new RS starts at 0 (total 13), and
        // the old RSs can shrink by 13 − 8 − 0 = 5, spent on the 5 unhealthy pods.
        assert_eq!(new_rs_new_replicas(&s, 10, 13, 0), 0);
        let (got, _) = reconcile_olds(&s, 10, rs(3, 0, 0), &[rs(1, 8, 8), rs(2, 5, 0)]);
        assert_eq!(got, vec![(2, 0)]);
    }

    /// rolling.go's guard: a scale "down" that would grow a ReplicaSet whose status still
    /// counts more available pods than its spec is an error, and the sync stops there.
    #[test]
    fn a_lagging_status_stops_the_cleanup() {
        let s = rolling(Int(1), Int(1));
        // 4 pods in all, floor 3, no unavailable new pod: one may go, but the old RS's status
        // (4 available) is ahead of its spec (3).
        let (got, stale) = reconcile_olds(&s, 4, rs(2, 1, 1), &[rs(1, 3, 4)]);
        assert_eq!(got, vec![]);
        assert_eq!(stale, Some(StaleStatus { id: 1 }));
    }
}
