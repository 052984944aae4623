//! A Deployment's conditions: `calculateStatus`'s Available condition (sync.go),
//! `syncRolloutStatus` and `requeueStuckDeployment` (progress.go) and their predicates
//! `DeploymentComplete`, `DeploymentProgressing`, `DeploymentTimedOut` and
//! `SetDeploymentCondition` (util/deployment_util.go), as pure functions of the statuses.
//!
//! Condition times are whole seconds: `metav1.Time` is serialised to RFC 3339 seconds, and the
//! controller reads the stored condition back from its informer.

use crate::model::workload::{
    ConditionStatus, DeploymentCondition, DeploymentConditionType, DeploymentStatus,
};
use crate::sim::time::{SimDuration, SimTime};

/// `NewReplicaSetReason`… the reasons of util/deployment_util.go.
pub mod reason {
    /// Progressing: the new ReplicaSet was created in this sync.
    pub const NEW_RS_CREATED: &str = "NewReplicaSetCreated";
    /// Progressing: the new ReplicaSet already existed when progress was first estimated.
    pub const FOUND_NEW_RS: &str = "FoundNewReplicaSet";
    /// Progressing: some progress was seen.
    pub const RS_UPDATED: &str = "ReplicaSetUpdated";
    /// Progressing: the rollout completed.
    pub const NEW_RS_AVAILABLE: &str = "NewReplicaSetAvailable";
    /// Progressing False: no progress within progressDeadlineSeconds.
    pub const TIMED_OUT: &str = "ProgressDeadlineExceeded";
    /// Progressing Unknown: `spec.paused` was set.
    pub const PAUSED: &str = "DeploymentPaused";
    /// Progressing Unknown: `spec.paused` was cleared.
    pub const RESUMED: &str = "DeploymentResumed";
    /// Available True.
    pub const MIN_AVAILABLE: &str = "MinimumReplicasAvailable";
    /// Available False.
    pub const MIN_UNAVAILABLE: &str = "MinimumReplicasUnavailable";
}

/// `math.MaxInt32`: a progressDeadlineSeconds of this value means "no deadline"
/// (`HasProgressDeadline`).
pub const NO_DEADLINE: i64 = i32::MAX as i64;

/// A condition time as the API stores it: truncated to the second.
pub fn stored_time(now: SimTime) -> SimTime {
    SimTime(now.0 - now.0 % 1_000_000)
}

/// `NewDeploymentCondition` at `now`.
pub fn condition(
    kind: DeploymentConditionType,
    status: ConditionStatus,
    reason: &'static str,
    message: String,
    now: SimTime,
) -> DeploymentCondition {
    let t = stored_time(now);
    DeploymentCondition {
        kind,
        status,
        reason,
        message,
        last_update: t,
        last_transition: t,
    }
}

/// `GetDeploymentCondition`.
pub fn get(
    status: &DeploymentStatus,
    kind: DeploymentConditionType,
) -> Option<&DeploymentCondition> {
    status.conditions.iter().find(|c| c.kind == kind)
}

/// `RemoveDeploymentCondition`.
pub fn remove(status: &mut DeploymentStatus, kind: DeploymentConditionType) {
    status.conditions.retain(|c| c.kind != kind);
}

/// `SetDeploymentCondition`: nothing changes when status and reason are the same (the old
/// times stay); a same-status change keeps lastTransitionTime; the condition moves to the end.
pub fn set(status: &mut DeploymentStatus, mut c: DeploymentCondition) {
    if let Some(cur) = get(status, c.kind) {
        if cur.status == c.status && cur.reason == c.reason {
            return;
        }
        if cur.status == c.status {
            c.last_transition = cur.last_transition;
        }
    }
    remove(status, c.kind);
    status.conditions.push(c);
}

/// The Available condition `calculateStatus` sets: True once `available ≥ replicas −
/// maxUnavailable`.
pub fn set_available(
    status: &mut DeploymentStatus,
    replicas: i32,
    max_unavailable: i32,
    now: SimTime,
) {
    let c = if status.available_replicas >= replicas - max_unavailable {
        condition(
            DeploymentConditionType::Available,
            ConditionStatus::True,
            reason::MIN_AVAILABLE,
            "Deployment has minimum availability.".into(),
            now,
        )
    } else {
        condition(
            DeploymentConditionType::Available,
            ConditionStatus::False,
            reason::MIN_UNAVAILABLE,
            "Deployment does not have minimum availability.".into(),
            now,
        )
    };
    set(status, c);
}

/// `DeploymentComplete`: every replica updated and available, nothing old left, and the
/// status is of the current generation.
pub fn complete(replicas: i32, generation: i64, s: &DeploymentStatus) -> bool {
    s.updated_replicas == replicas
        && s.replicas == replicas
        && s.available_replicas == replicas
        && s.observed_generation >= generation
}

/// `DeploymentProgressing`: more updated, ready or available pods, or fewer old ones, than
/// the stored status says.
pub fn progressing(old: &DeploymentStatus, new: &DeploymentStatus) -> bool {
    let old_old = old.replicas - old.updated_replicas;
    let new_old = new.replicas - new.updated_replicas;
    new.updated_replicas > old.updated_replicas
        || new_old < old_old
        || new.ready_replicas > old.ready_replicas
        || new.available_replicas > old.available_replicas
}

/// `DeploymentTimedOut`: the Progressing condition was last updated more than the deadline
/// ago (strictly: `lastUpdate + deadline` is before now); a finished rollout never times out,
/// one that timed out stays so.
pub fn timed_out(deadline_s: i64, s: &DeploymentStatus, now: SimTime) -> bool {
    if deadline_s == NO_DEADLINE {
        return false;
    }
    let Some(c) = get(s, DeploymentConditionType::Progressing) else {
        return false;
    };
    match c.reason {
        reason::NEW_RS_AVAILABLE => false,
        reason::TIMED_OUT => true,
        _ => c.last_update + SimDuration::from_secs(deadline_s.max(0) as u64) < now,
    }
}

/// What `syncRolloutStatus` reads of the Deployment besides its stored status.
#[derive(Clone, Copy, Debug)]
pub struct Rollout<'a> {
    /// `metadata.name`.
    pub name: &'a str,
    /// `metadata.generation`.
    pub generation: i64,
    /// `spec.replicas`.
    pub replicas: i32,
    /// `spec.progressDeadlineSeconds`.
    pub deadline_s: i64,
    /// The new ReplicaSet's name, if it exists.
    pub new_rs: Option<&'a str>,
}

/// `syncRolloutStatus`'s Progressing condition: `new` is `calculateStatus`'s result (with
/// the stored conditions), `old` the stored status.
pub fn sync_rollout_status(
    r: Rollout<'_>,
    old: &DeploymentStatus,
    new: &mut DeploymentStatus,
    now: SimTime,
) {
    let has_deadline = r.deadline_s != NO_DEADLINE;
    if !has_deadline {
        remove(new, DeploymentConditionType::Progressing);
    }
    let current = get(old, DeploymentConditionType::Progressing).cloned();
    let is_complete = new.replicas == new.updated_replicas
        && current
            .as_ref()
            .is_some_and(|c| c.reason == reason::NEW_RS_AVAILABLE);
    if !has_deadline || is_complete {
        return;
    }
    let subject = |what: &str| match r.new_rs {
        Some(rs) => format!("ReplicaSet {rs:?} {what}"),
        None => format!("Deployment {:?} {what}", r.name),
    };
    if complete(r.replicas, r.generation, new) {
        let c = condition(
            DeploymentConditionType::Progressing,
            ConditionStatus::True,
            reason::NEW_RS_AVAILABLE,
            subject("has successfully progressed."),
            now,
        );
        set(new, c);
    } else if progressing(old, new) {
        let mut c = condition(
            DeploymentConditionType::Progressing,
            ConditionStatus::True,
            reason::RS_UPDATED,
            subject("is progressing."),
            now,
        );
        // Progress refreshes lastUpdateTime even under the same reason.
        if let Some(cur) = &current {
            if cur.status == ConditionStatus::True {
                c.last_transition = cur.last_transition;
            }
            remove(new, DeploymentConditionType::Progressing);
        }
        set(new, c);
    } else if timed_out(r.deadline_s, old, now) {
        let c = condition(
            DeploymentConditionType::Progressing,
            ConditionStatus::False,
            reason::TIMED_OUT,
            subject("has timed out progressing."),
            now,
        );
        set(new, c);
    }
}

/// `requeueStuckDeployment`: when to sync again to check the deadline, if at all: one second
/// after the deadline passes. Under a second left Kubernetes requeues through the rate
/// limiter (5 ms, doubling on each retry); kubesim requeues once, just past the deadline (at
/// least the limiter's 5 ms), which is when those retries find it timed out.
pub fn requeue_after(
    r: Rollout<'_>,
    old: &DeploymentStatus,
    new: &DeploymentStatus,
    now: SimTime,
) -> Option<SimDuration> {
    let c = get(old, DeploymentConditionType::Progressing)?;
    if r.deadline_s == NO_DEADLINE
        || complete(r.replicas, r.generation, new)
        || c.reason == reason::TIMED_OUT
    {
        return None;
    }
    let due = c.last_update + SimDuration::from_secs(r.deadline_s.max(0) as u64);
    let left = due.0.saturating_sub(now.0);
    if left < 1_000_000 {
        Some(SimDuration((left + 1).max(5_000)))
    } else {
        Some(SimDuration(left) + SimDuration::from_secs(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(current: i32, updated: i32, ready: i32, available: i32) -> DeploymentStatus {
        DeploymentStatus {
            observed_generation: 1,
            replicas: current,
            updated_replicas: updated,
            ready_replicas: ready,
            available_replicas: available,
            ..Default::default()
        }
    }

    /// util/deployment_util_test.go `TestDeploymentComplete` (reference algorithms §1.4):
    /// (desired, current, updated, available); maxUnavailable and maxSurge do not enter.
    #[test]
    fn deployment_complete_rows() {
        let cases = [
            ((5, 5, 5, 4), false),
            ((5, 5, 5, 3), false),
            ((5, 5, 5, 5), true),
            ((5, 5, 4, 5), false),
            ((1, 2, 1, 1), false),
            ((1, 1, 1, 0), false),
        ];
        for ((d, cur, upd, avail), want) in cases {
            assert_eq!(
                complete(d, 1, &st(cur, upd, avail, avail)),
                want,
                "{d} {cur} {upd} {avail}"
            );
        }
        // observedGeneration behind the generation: not complete.
        assert!(!complete(5, 2, &st(5, 5, 5, 5)));
    }

    /// util/deployment_util_test.go `TestDeploymentProgressing` (§1.4): (current, updated,
    /// ready, available), stored → new.
    #[test]
    fn deployment_progressing_rows() {
        let cases = [
            ((10, 4, 4, 4), (10, 6, 4, 4), true),
            ((10, 4, 4, 4), (10, 4, 4, 4), false),
            ((10, 4, 6, 6), (8, 4, 6, 6), true),
            ((10, 7, 3, 3), (10, 6, 3, 3), false),
            ((10, 4, 7, 7), (8, 8, 5, 5), true),
            ((10, 10, 9, 8), (10, 10, 10, 8), true),
            ((10, 10, 10, 9), (10, 10, 10, 10), true),
        ];
        for (a, b, want) in cases {
            let old = st(a.0, a.1, a.2, a.3);
            let new = st(b.0, b.1, b.2, b.3);
            assert_eq!(progressing(&old, &new), want, "{a:?} -> {b:?}");
        }
    }

    fn with_progressing(reason: &'static str, last_update_s: u64) -> DeploymentStatus {
        let mut s = st(1, 1, 1, 1);
        s.conditions.push(DeploymentCondition {
            kind: DeploymentConditionType::Progressing,
            status: ConditionStatus::True,
            reason,
            message: String::new(),
            last_update: SimTime(last_update_s * 1_000_000),
            last_transition: SimTime(last_update_s * 1_000_000),
        });
        s
    }

    /// util/deployment_util_test.go `TestDeploymentTimedOut` (§1.4): now is 00:01:20.
    #[test]
    fn deployment_timed_out_rows() {
        let now = SimTime(80_000_000);
        // No progressDeadlineSeconds: never.
        assert!(!timed_out(
            NO_DEADLINE,
            &with_progressing(reason::RS_UPDATED, 0),
            now
        ));
        // Deadline 10 s, last progress 00:01:09 (11 s ago): timed out.
        assert!(timed_out(
            10,
            &with_progressing(reason::RS_UPDATED, 69),
            now
        ));
        // Last progress 00:01:11 (9 s ago): not yet.
        assert!(!timed_out(
            10,
            &with_progressing(reason::RS_UPDATED, 71),
            now
        ));
        // A completed rollout: never.
        assert!(!timed_out(
            10,
            &with_progressing(reason::NEW_RS_AVAILABLE, 0),
            now
        ));
        // Strict: exactly at the deadline is not past it.
        assert!(!timed_out(
            10,
            &with_progressing(reason::RS_UPDATED, 70),
            now
        ));
    }

    fn rollout(new_rs: Option<&str>) -> Rollout<'_> {
        Rollout {
            name: "web",
            generation: 1,
            replicas: 3,
            deadline_s: 600,
            new_rs,
        }
    }

    /// progress.go `syncRolloutStatus`: the reasons and messages of each outcome.
    #[test]
    fn sync_rollout_status_sets_the_progressing_condition() {
        let now = SimTime(2_500_000);
        // Complete: NewReplicaSetAvailable with the ReplicaSet's name.
        let old = st(3, 3, 2, 2);
        let mut new = st(3, 3, 3, 3);
        sync_rollout_status(rollout(Some("web-abc")), &old, &mut new, now);
        let c = get(&new, DeploymentConditionType::Progressing).unwrap();
        assert_eq!(
            (c.status, c.reason),
            (ConditionStatus::True, reason::NEW_RS_AVAILABLE)
        );
        assert_eq!(
            c.message,
            "ReplicaSet \"web-abc\" has successfully progressed."
        );
        assert_eq!(c.last_update, SimTime(2_000_000), "stored in whole seconds");

        // Progress: ReplicaSetUpdated, lastUpdateTime refreshed, lastTransitionTime kept.
        let mut old = with_progressing(reason::RS_UPDATED, 1);
        old.replicas = 3;
        let mut new = old.clone();
        new.ready_replicas = 2;
        sync_rollout_status(rollout(Some("web-abc")), &old, &mut new, SimTime(9_000_000));
        let c = get(&new, DeploymentConditionType::Progressing).unwrap();
        assert_eq!(c.reason, reason::RS_UPDATED);
        assert_eq!(c.message, "ReplicaSet \"web-abc\" is progressing.");
        assert_eq!(
            (c.last_update, c.last_transition),
            (SimTime(9_000_000), SimTime(1_000_000))
        );

        // No progress past the deadline: ProgressDeadlineExceeded, False.
        let mut new = old.clone();
        sync_rollout_status(rollout(None), &old, &mut new, SimTime(700_000_000));
        let c = get(&new, DeploymentConditionType::Progressing).unwrap();
        assert_eq!(
            (c.status, c.reason),
            (ConditionStatus::False, reason::TIMED_OUT)
        );
        assert_eq!(c.message, "Deployment \"web\" has timed out progressing.");
    }

    /// progress.go `requeueStuckDeployment`: one second after the deadline, none once
    /// complete.
    #[test]
    fn a_stuck_rollout_is_requeued_for_its_deadline() {
        let mut old = with_progressing(reason::RS_UPDATED, 10);
        old.replicas = 3;
        let new = old.clone();
        let at = requeue_after(rollout(None), &old, &new, SimTime(70_000_000));
        // 10 s + 600 s − 70 s = 540 s, plus 1 s.
        assert_eq!(at, Some(SimDuration::from_secs(541)));
        // 0.5 s left: just past the deadline.
        let soon = requeue_after(rollout(None), &old, &new, SimTime(609_500_000));
        assert_eq!(soon, Some(SimDuration(500_001)));
        let done = st(3, 3, 3, 3);
        assert_eq!(
            requeue_after(rollout(None), &old, &done, SimTime(70_000_000)),
            None
        );
    }

    /// sync.go `calculateStatus`: Available follows replicas − maxUnavailable.
    #[test]
    fn available_condition_follows_the_floor() {
        let mut s = st(4, 4, 3, 3);
        set_available(&mut s, 4, 1, SimTime(1));
        let c = get(&s, DeploymentConditionType::Available).unwrap();
        assert_eq!(
            (c.status, c.reason),
            (ConditionStatus::True, reason::MIN_AVAILABLE)
        );
        assert_eq!(c.message, "Deployment has minimum availability.");
        s.available_replicas = 2;
        set_available(&mut s, 4, 1, SimTime(1));
        let c = get(&s, DeploymentConditionType::Available).unwrap();
        assert_eq!(
            (c.status, c.reason),
            (ConditionStatus::False, reason::MIN_UNAVAILABLE)
        );
        assert_eq!(c.message, "Deployment does not have minimum availability.");
    }
}
