//! The figures a sweep needs that no other writer keeps (docs/sweeps.md): the most pods
//! pending at any instant end, the user Deployments' missing replicas integrated over the
//! whole run, and when they were last all fully available again. Fed by the same instant
//! ends as timeline.csv, and only kept by [`crate::output::Outputs::sweep`], so `kubesim run`
//! pays nothing for it. "User" Deployments are those outside kube-system.

use std::collections::BTreeMap;

use crate::etcd::Store;
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::output::metrics::Counters;
use crate::scenario::Metric;
use crate::sim::time::SimTime;

/// Peaks and availability transitions over a run.
#[derive(Debug, Default)]
pub struct Peaks {
    /// The largest `pods_pending` at any instant end.
    pub max_pods_pending: i64,
    /// User Deployments whose `availableReplicas < spec.replicas` at the last instant end,
    /// by id, with how many replicas they miss.
    short: BTreeMap<u32, i64>,
    /// The sum of `short`'s values.
    missing: i64,
    /// The last instant end seen.
    last: SimTime,
    /// ∫ missing dt up to `last`, in pod·µs.
    missing_pod_us: u64,
    /// The last instant end at which `short` became empty after not being empty.
    pub last_fully_available: Option<SimTime>,
}

impl Peaks {
    /// Takes in the instant ending at `now`: the counters after the timeline's update and
    /// the objects written in it.
    pub(crate) fn instant(
        &mut self,
        now: SimTime,
        store: &Store,
        changed: &[ObjRef],
        counters: &Counters,
    ) {
        let pending = counters.cluster(Metric::PodsPending).unwrap_or(0);
        self.max_pods_pending = self.max_pods_pending.max(pending);
        self.advance(now);
        let was_short = !self.short.is_empty();
        for r in changed.iter().filter(|r| r.kind == Kind::Deployment) {
            let missing = store.deployments.get(r.id).map_or(0, |d| {
                let ns = d
                    .meta
                    .namespace
                    .and_then(|n| store.namespace_names.get(n.0 as usize));
                if ns.is_some_and(|n| n == "kube-system") {
                    0
                } else {
                    i64::from(d.spec.replicas - d.status.available_replicas).max(0)
                }
            });
            let before = if missing > 0 {
                self.short.insert(r.id, missing)
            } else {
                self.short.remove(&r.id)
            };
            self.missing += missing - before.unwrap_or(0);
        }
        if was_short && self.short.is_empty() {
            self.last_fully_available = Some(now);
        }
    }

    /// Adds the missing replicas held since the last instant end up to `now`.
    fn advance(&mut self, now: SimTime) {
        let held = now.0.saturating_sub(self.last.0);
        self.missing_pod_us = self
            .missing_pod_us
            .saturating_add(held.saturating_mul(self.missing.max(0) as u64));
        self.last = self.last.max(now);
    }

    /// Whether every user Deployment had all its replicas available at the last instant end.
    pub fn all_available(&self) -> bool {
        self.short.is_empty()
    }

    /// ∫ Σ max(0, spec.replicas − availableReplicas) dt over the user Deployments from the
    /// start of the run to `end`, in pod·µs.
    pub fn unavailable_pod_us(&self, end: SimTime) -> u64 {
        let held = end.0.saturating_sub(self.last.0);
        self.missing_pod_us
            .saturating_add(held.saturating_mul(self.missing.max(0) as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::timeline::tests::{add_deployment, store};

    #[test]
    fn recovery_is_the_last_instant_every_user_deployment_is_available_again() {
        let mut s = store();
        let web = add_deployment(&mut s, "web", 2, SimTime(0));
        let mut p = Peaks::default();
        let counters = Counters::default();
        p.instant(SimTime(1), &s, &[web], &counters);
        assert!(!p.all_available(), "0 of 2 available");
        if let Some(d) = s.deployments.get_mut(web.id) {
            d.status.available_replicas = 2;
        }
        p.instant(SimTime(5), &s, &[web], &counters);
        assert_eq!(p.last_fully_available, Some(SimTime(5)));
        if let Some(d) = s.deployments.get_mut(web.id) {
            d.status.available_replicas = 1;
        }
        p.instant(SimTime(9), &s, &[web], &counters);
        assert!(!p.all_available());
        assert_eq!(p.last_fully_available, Some(SimTime(5)));
        if let Some(d) = s.deployments.get_mut(web.id) {
            d.status.available_replicas = 3;
        }
        p.instant(SimTime(12), &s, &[web], &counters);
        assert!(
            p.all_available(),
            "surge pods may make available exceed desired"
        );
        assert_eq!(p.last_fully_available, Some(SimTime(12)));
    }
}
