//! The pods/eviction subresource and the PodDisruptionBudget status subresource.
//!
//! Mirrors `EvictionREST.Create` (pkg/registry/core/pod/storage/eviction.go): a pod that is
//! Pending, Succeeded, Failed or already deleting is deleted without looking at budgets
//! (`canIgnorePDB`); otherwise the budgets of its namespace whose non-empty selector matches
//! it are found (`getPodDisruptionBudgets`): more than one is a 500; none, or an unready pod
//! the budget can spare (`AlwaysAllow`, or `IfHealthyBudget` with `currentHealthy >=
//! desiredHealthy > 0`), is deleted without using a disruption; else `checkAndDecrement`
//! refuses with 429 while the budget's status lags its generation or allows no disruption,
//! and otherwise decrements `disruptionsAllowed`, records the pod in `disruptedPods` and
//! deletes it. Every eviction that deletes marks the pod `DisruptionTarget`
//! (`EvictionByEvictionAPI`, `addConditionAndDeletePod`).
//!
//! Simplified: the budget's write and the pod's deletion commit as one request, so the
//! conflict retries (`EvictionsRetry`) and the resourceVersion precondition on the delete
//! never come into play; dry run is not modelled.

use crate::apiserver::admission::{delete, modified};
use crate::apiserver::{ApiError, Outcome, Propagation, Server};
use crate::component::ComponentId;
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::model::pdb::{PdbStatus, UnhealthyPodEvictionPolicy};
use crate::model::pod::{DisruptionTarget, Phase};

/// `MaxDisruptedPodSize`: beyond this many unconfirmed evictions a budget refuses more.
pub const MAX_DISRUPTED_POD_SIZE: usize = 2000;

/// The 429 message (`createTooManyRequestsError`, `checkAndDecrement`).
pub const VIOLATES_BUDGET: &str =
    "Cannot evict pod as it would violate the pod's disruption budget.";

/// The reason `addConditionAndDeletePod` gives the `DisruptionTarget` condition.
pub const EVICTION_BY_EVICTION_API: &str = "EvictionByEvictionAPI";
/// Its message (pkg/registry/core/pod/storage/eviction.go).
const EVICTION_API_MESSAGE: &str = "Eviction API: evicting";

/// A write carrying an older resourceVersion than the stored object's: apiserver's
/// `NewConflict(resource, name, OptimisticLockError)`.
pub fn stale(kind: Kind, name: &str) -> Outcome {
    Outcome::Failed(ApiError {
        reason: "Conflict",
        message: format!(
            "Operation cannot be fulfilled on {} {name:?}: the object has been modified; please apply your changes to the latest version and try again",
            kind.group_resource()
        ),
    })
}

/// `UpdateStatus` of a budget, refused as a Conflict when the object changed since the
/// client read it.
pub fn update_status(s: &mut Server<'_>, id: u32, status: PdbStatus, rv: u64) -> Outcome {
    let Some(b) = s.store.pdbs.get_mut(id) else {
        return Outcome::Failed(ApiError {
            reason: "NotFound",
            message: format!("{} not found", Kind::PodDisruptionBudget.group_resource()),
        });
    };
    if b.meta.resource_version != rv {
        return stale(Kind::PodDisruptionBudget, &b.meta.name);
    }
    b.status = status;
    modified(s, pdb_ref(id))
}

fn pdb_ref(id: u32) -> ObjRef {
    ObjRef {
        kind: Kind::PodDisruptionBudget,
        id,
    }
}

fn too_many_requests(cause: String) -> Outcome {
    Outcome::Refused {
        error: ApiError {
            reason: "TooManyRequests",
            message: VIOLATES_BUDGET.to_string(),
        },
        causes: vec![cause],
    }
}

fn forbidden(name: &str, why: &str) -> Outcome {
    Outcome::Failed(ApiError {
        reason: "Forbidden",
        message: format!("poddisruptionbudget.policy {name:?} is forbidden: {why}"),
    })
}

/// POST pods/NAME/eviction.
pub fn evict(s: &mut Server<'_>, client: ComponentId, pod: u32, grace: Option<i64>) -> Outcome {
    let Some(p) = s.store.pods.get(pod) else {
        return Outcome::Failed(ApiError {
            reason: "NotFound",
            message: format!("{} not found", Kind::Pod.group_resource()),
        });
    };
    let ignore_budgets = matches!(
        p.status.phase,
        Phase::Pending | Phase::Succeeded | Phase::Failed
    ) || p.meta.deleted.is_some();
    if !ignore_budgets {
        let ns = p.meta.namespace;
        let labels = p.meta.labels.clone();
        let ready = p.is_ready();
        let name = p.meta.name.clone();
        let budgets: Vec<u32> = s
            .store
            .list(Kind::PodDisruptionBudget, ns)
            .into_iter()
            .filter(|id| {
                s.store.pdbs.get(*id).is_some_and(|b| {
                    b.spec
                        .selector
                        .as_ref()
                        .is_some_and(|sel| !sel.is_empty() && sel.matches(&labels))
                })
            })
            .collect();
        match budgets.as_slice() {
            [] => {}
            [id] => {
                if let Err(refused) = check_and_decrement(s, *id, &name, ready) {
                    return refused;
                }
            }
            _ => {
                return Outcome::Failed(ApiError {
                    reason: "InternalError",
                    message: "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.".into(),
                });
            }
        }
    }
    if let Some(p) = s.store.pods.get_mut(pod) {
        p.status.disruption = Some(DisruptionTarget {
            reason: EVICTION_BY_EVICTION_API,
            message: EVICTION_API_MESSAGE,
            since: s.now,
        });
    }
    let target = ObjRef {
        kind: Kind::Pod,
        id: pod,
    };
    let uid = s.store.meta(target).map(|m| m.uid);
    delete(s, client, target, uid, Propagation::Background, grace)
}

/// The budget's part of an eviction of the pod `pod` (Ready or not): nothing for an
/// unready pod the budget can spare, else `checkAndDecrement`.
fn check_and_decrement(s: &mut Server<'_>, id: u32, pod: &str, ready: bool) -> Result<(), Outcome> {
    let now = s.now;
    let Some(b) = s.store.pdbs.get_mut(id) else {
        return Ok(());
    };
    let st = &b.status;
    if !ready {
        let spare = match b.spec.eviction_policy() {
            UnhealthyPodEvictionPolicy::AlwaysAllow => true,
            UnhealthyPodEvictionPolicy::IfHealthyBudget => {
                st.current_healthy >= st.desired_healthy && st.desired_healthy > 0
            }
        };
        if spare {
            return Ok(());
        }
    }
    if st.observed_generation < b.meta.generation {
        return Err(too_many_requests(format!(
            "The disruption budget {} is still being processed by the server.",
            b.meta.name
        )));
    }
    if st.disruptions_allowed < 0 {
        return Err(forbidden(
            &b.meta.name,
            "pdb disruptions allowed is negative",
        ));
    }
    if st.disrupted_pods.len() > MAX_DISRUPTED_POD_SIZE {
        return Err(forbidden(
            &b.meta.name,
            "DisruptedPods map too big - too many evictions not confirmed by PDB controller",
        ));
    }
    if st.disruptions_allowed == 0 {
        return Err(too_many_requests(format!(
            "The disruption budget {} needs {} healthy pods and has {} currently",
            b.meta.name, st.desired_healthy, st.current_healthy
        )));
    }
    b.status.disruptions_allowed -= 1;
    if b.status.disruptions_allowed == 0 {
        b.status.update_condition();
    }
    b.status.disrupted_pods.insert(pod.to_string(), now);
    modified(s, pdb_ref(id));
    Ok(())
}

#[cfg(test)]
mod tests {
    //! After pkg/registry/core/pod/storage/eviction_test.go (TestEviction,
    //! TestEvictionIgnorePDB, TestEvictionPDBStatus).
    use super::*;
    use crate::apiserver::Op;
    use crate::apiserver::testing::Harness;
    use crate::etcd::store::testing as fx;
    use crate::model::labels::Selector;
    use crate::model::meta::{Meta, NsId};
    use crate::model::pdb::{PdbSpec, PodDisruptionBudget};
    use crate::model::workload::IntOrPercent;
    use crate::sim::time::SimTime;

    const KUBECTL: ComponentId = ComponentId::terminal(0);
    const NOW: SimTime = SimTime(5_000_000);

    fn setup(allowed: i32) -> (Harness, NsId, u32, u32) {
        let mut h = Harness::default();
        let ns = fx::namespace(&mut h.store, "default");
        let node = fx::node(&mut h.store, "aks-nodepool1-0", 4000, 16 << 30);
        let pod = fx::pod(&mut h.store, "web-0", ns, fx::spec(100), None, Some(node));
        let p = h.store.pods.get_mut(pod).unwrap();
        p.status.phase = Phase::Running;
        p.status.ready_since = Some(SimTime(1));
        let id = h.store.pdbs.insert(PodDisruptionBudget {
            meta: Meta::new("web-pdb".into(), Some(ns), fx::labels(&[])),
            spec: PdbSpec {
                min_available: Some(IntOrPercent::Int(2)),
                max_unavailable: None,
                selector: Some(Selector::from_map(&fx::labels(&[("app", "web")]))),
                unhealthy_pod_eviction_policy: None,
            },
            status: PdbStatus {
                observed_generation: 1,
                disruptions_allowed: allowed,
                current_healthy: 2 + allowed,
                desired_healthy: 2,
                expected_pods: 2 + allowed,
                ..PdbStatus::default()
            },
        });
        h.store.register(pdb_ref(id), SimTime::ZERO);
        (h, ns, pod, id)
    }

    fn evict(h: &mut Harness, pod: u32) -> Outcome {
        h.apply(
            NOW,
            KUBECTL,
            Op::Evict {
                pod,
                grace_seconds: None,
            },
        )
    }

    #[test]
    fn an_allowed_eviction_decrements_the_budget_records_the_pod_and_deletes_it() {
        let (mut h, _, pod, id) = setup(1);
        assert!(matches!(evict(&mut h, pod), Outcome::Deleted(_)));
        let b = &h.store.pdbs.get(id).unwrap().status;
        assert_eq!(b.disruptions_allowed, 0);
        assert_eq!(b.disrupted_pods.get("web-0"), Some(&NOW));
        assert_eq!(
            b.condition.as_ref().map(|c| c.reason),
            Some(crate::model::pdb::DisruptionReason::InsufficientPods),
            "the last disruption flips the condition"
        );
        let p = h.store.pods.get(pod).expect("graceful: still there");
        assert!(p.meta.deleted.is_some());
        assert_eq!(
            p.status.disruption.map(|d| d.reason),
            Some(EVICTION_BY_EVICTION_API)
        );
    }

    #[test]
    fn no_disruption_allowed_is_a_429_naming_the_budget() {
        let (mut h, _, pod, _) = setup(0);
        assert_eq!(
            evict(&mut h, pod),
            Outcome::Refused {
                error: ApiError {
                    reason: "TooManyRequests",
                    message: VIOLATES_BUDGET.into(),
                },
                causes: vec![
                    "The disruption budget web-pdb needs 2 healthy pods and has 2 currently".into()
                ],
            }
        );
        assert!(h.store.pods.get(pod).unwrap().meta.deleted.is_none());
    }

    #[test]
    fn a_budget_not_yet_observed_is_still_being_processed() {
        let (mut h, _, pod, id) = setup(1);
        h.store.pdbs.get_mut(id).unwrap().meta.generation = 2;
        let Outcome::Refused { causes, .. } = evict(&mut h, pod) else {
            panic!("refused");
        };
        assert_eq!(
            causes,
            ["The disruption budget web-pdb is still being processed by the server."]
        );
    }

    #[test]
    fn pending_pods_and_spare_unready_pods_are_evicted_without_a_disruption() {
        // canIgnorePDB: a Pending pod is deleted whatever the budget says.
        let (mut h, _, pod, id) = setup(0);
        h.store.pods.get_mut(pod).unwrap().status.phase = Phase::Pending;
        assert!(matches!(evict(&mut h, pod), Outcome::Deleted(_)));
        // An unready Running pod: IfHealthyBudget spares it while currentHealthy >=
        // desiredHealthy; AlwaysAllow always.
        let (mut h, _, pod, id2) = setup(0);
        h.store.pods.get_mut(pod).unwrap().status.ready_since = None;
        assert!(matches!(evict(&mut h, pod), Outcome::Deleted(_)));
        assert_eq!(h.store.pdbs.get(id2).unwrap().status.disruptions_allowed, 0);
        let (mut h, _, pod, id3) = setup(0);
        h.store.pods.get_mut(pod).unwrap().status.ready_since = None;
        h.store.pdbs.get_mut(id3).unwrap().status.current_healthy = 1;
        assert!(matches!(evict(&mut h, pod), Outcome::Refused { .. }));
        h.store
            .pdbs
            .get_mut(id3)
            .unwrap()
            .spec
            .unhealthy_pod_eviction_policy = Some(UnhealthyPodEvictionPolicy::AlwaysAllow);
        assert!(matches!(evict(&mut h, pod), Outcome::Deleted(_)));
        assert_eq!(h.store.pdbs.get(id).unwrap().status.disruptions_allowed, 0);
    }

    #[test]
    fn two_budgets_over_one_pod_are_a_500() {
        let (mut h, ns, pod, id) = setup(1);
        let mut other = h.store.pdbs.get(id).unwrap().clone();
        other.meta = Meta::new("second".into(), Some(ns), fx::labels(&[]));
        let id2 = h.store.pdbs.insert(other);
        h.store.register(pdb_ref(id2), SimTime::ZERO);
        let Outcome::Failed(e) = evict(&mut h, pod) else {
            panic!("fails");
        };
        assert_eq!(
            e.message,
            "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."
        );
    }

    #[test]
    fn a_stale_status_write_is_a_conflict() {
        let (mut h, _, _, id) = setup(1);
        let rv = h.store.pdbs.get(id).unwrap().meta.resource_version;
        let op = |rv| Op::PdbStatus {
            id,
            status: Box::new(PdbStatus::default()),
            resource_version: rv,
        };
        assert!(
            matches!(h.apply(NOW, KUBECTL, op(rv + 1)), Outcome::Failed(e) if e.reason == "Conflict")
        );
        assert_eq!(h.apply(NOW, KUBECTL, op(rv)), Outcome::Done);
    }
}
