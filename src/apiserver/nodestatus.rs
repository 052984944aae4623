//! The node status writes the API server applies: the kubelet's Ready post, the end of its
//! lazy heartbeats, and the node lifecycle controller's taint swap (`SwapNodeControllerTaint`,
//! pkg/controller/util/node/controller_utils.go), each on the node as stored at commit time.

use crate::model::node::{
    Beat, ConditionStatus, ConditionType, ContainerImage, Lease, NOT_READY_TAINT, Node,
    STATUS_REPORT, kubelet_conditions,
};
use crate::model::pod::{Taint, TaintEffect};
use crate::sim::time::SimTime;
use std::sync::Arc;

/// The kubelet posts every condition healthy at `now` (`setNodeStatus`): a condition whose
/// status changes takes `now` as its transition; the status posts restart from `now`, and a
/// kubelet back from silence acquires its Lease again.
pub fn post_ready(n: &mut Node, now: SimTime) {
    let mut fresh = kubelet_conditions(true, now);
    for c in &mut fresh {
        if let Some(old) = n.condition(c.kind)
            && old.status == c.status
        {
            c.transition = old.transition;
        }
    }
    n.conditions = fresh;
    // The node lifecycle controller's removal of the not-ready NoSchedule taint is folded
    // in, as kubesim did before that controller existed (it reconciles the same on update).
    n.taints
        .retain(|t| !(t.key == NOT_READY_TAINT && t.effect == TaintEffect::NoSchedule));
    n.heartbeat = Beat::new(now, STATUS_REPORT);
    if n.lease.is_none_or(|l| l.renew.silent()) {
        n.lease = Some(Lease::new(now));
    }
}

/// The kubelet posts one pressure condition: True with its pressured reason and message
/// when `under`, else its healthy value; `now` is the transition when the status changes.
pub fn post_pressure(n: &mut Node, kind: ConditionType, under: bool, now: SimTime) {
    let (status, reason, message) = match kind.pressured() {
        Some((reason, message)) if under => (ConditionStatus::True, reason, message),
        _ => kind.healthy(),
    };
    let Some(c) = n.conditions.iter_mut().find(|c| c.kind == kind) else {
        return;
    };
    if c.status != status {
        c.transition = now;
    }
    (c.status, c.reason, c.message) = (status, reason, message);
}

/// The kubelet's status loop patches `status.images` at `now`: the patch carries every
/// condition's heartbeat too, so the status posts restart from `now`.
pub fn post_images(n: &mut Node, images: Arc<Vec<ContainerImage>>, now: SimTime) {
    n.images = images;
    if !n.heartbeat.silent() {
        n.heartbeat = Beat::new(now, STATUS_REPORT);
    }
}

/// The kubelet's last heartbeats were at or before `at`.
pub fn fall_silent(n: &mut Node, at: SimTime) {
    n.heartbeat.until.get_or_insert(at);
    if let Some(l) = &mut n.lease {
        l.renew.until.get_or_insert(at);
    }
}

/// Removes the taints named in `remove` (key and effect) and adds `add` (a taint of the
/// same key and effect is replaced); whether the taints changed.
pub fn swap_taints(n: &mut Node, add: Vec<Taint>, remove: &[(&str, TaintEffect)]) -> bool {
    let before = n.taints.clone();
    n.taints
        .retain(|t| !remove.iter().any(|(k, e)| t.key == *k && t.effect == *e));
    for t in add {
        match n
            .taints
            .iter_mut()
            .find(|o| o.key == t.key && o.effect == t.effect)
        {
            Some(o) => {
                // AddOrUpdateTaintOnNode keeps a taint that already matches.
                if o.value != t.value {
                    *o = t;
                }
            }
            None => n.taints.push(t),
        }
    }
    n.taints != before
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::etcd::store::testing as fx;
    use crate::model::node::UNREACHABLE_TAINT;

    fn node() -> Node {
        let mut s = crate::etcd::Store::default();
        let id = fx::node(&mut s, "n1", 2000, 1 << 30);
        s.nodes.remove(id).expect("just added")
    }

    fn taint(key: &str, effect: TaintEffect) -> Taint {
        Taint {
            key: key.into(),
            value: String::new(),
            effect,
            time_added: None,
        }
    }

    #[test]
    fn swapping_unreachable_for_not_ready_keeps_the_no_schedule_taints() {
        let mut n = node();
        n.taints = vec![
            taint(UNREACHABLE_TAINT, TaintEffect::NoSchedule),
            taint(UNREACHABLE_TAINT, TaintEffect::NoExecute),
        ];
        let add = vec![taint(NOT_READY_TAINT, TaintEffect::NoExecute)];
        assert!(swap_taints(
            &mut n,
            add,
            &[(UNREACHABLE_TAINT, TaintEffect::NoExecute)]
        ));
        let keys: Vec<_> = n
            .taints
            .iter()
            .map(|t| (t.key.as_str(), t.effect))
            .collect();
        assert_eq!(
            keys,
            [
                (UNREACHABLE_TAINT, TaintEffect::NoSchedule),
                (NOT_READY_TAINT, TaintEffect::NoExecute)
            ]
        );
        let again = vec![taint(NOT_READY_TAINT, TaintEffect::NoExecute)];
        assert!(!swap_taints(&mut n, again, &[]), "already there: no write");
    }

    #[test]
    fn a_silent_kubelet_posting_ready_again_takes_a_new_lease_and_transitions_ready() {
        let mut n = node();
        fall_silent(&mut n, SimTime(30_000_000));
        let lease = n.lease.expect("lease");
        assert_eq!(lease.renew.last(SimTime(95_000_000)), SimTime(30_000_000));
        // The node lifecycle controller marked it Unknown at 85 s.
        for c in &mut n.conditions {
            c.status = ConditionStatus::Unknown;
            c.transition = SimTime(85_000_000);
        }
        post_ready(&mut n, SimTime(200_000_000));
        let l = n.lease.expect("lease");
        assert_eq!(l.acquired, SimTime(200_000_000));
        assert_eq!(l.renew.last(SimTime(215_000_000)), SimTime(210_000_000));
        let ready = n.condition(ConditionType::Ready).expect("ready");
        assert_eq!(ready.status, ConditionStatus::True);
        assert_eq!(ready.transition, SimTime(200_000_000));
        assert!(n.ready());
    }
}
