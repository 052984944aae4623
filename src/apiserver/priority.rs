//! The Priority admission plugin (plugin/pkg/admission/priority/admission.go) and the
//! built-in PriorityClasses the API server creates at start.
//!
//! On a pod's create, `admitPod` resolves `priorityClassName` into `spec.priority` and
//! `spec.preemptionPolicy`; a pod without one gets the globalDefault class (the lowest
//! valued if several) or priority 0 (`DefaultPriorityWhenNoDefaultClassExists`). On a
//! PriorityClass's create or update, `validatePriorityClass` keeps at most one
//! globalDefault. Simplified: a pod that writes `spec.priority` itself is not compared
//! with the computed value (kubesim's manifests do not read that field).

use crate::etcd::Store;
use crate::model::kind::Kind;
use crate::model::pod::PodSpec;
use crate::model::priorityclass::{PreemptionPolicy, PriorityClass, system_priority_classes};
use crate::model::request::ApiError;

/// What admission fills into a pod's spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// `priorityClassName` (the default class's name when the pod named none).
    pub class: Option<String>,
    /// `priority`.
    pub priority: i32,
    /// `preemptionPolicy`.
    pub policy: PreemptionPolicy,
}

/// The globalDefault class `getDefaultPriority` picks: the lowest value among the
/// defaults, by name order on a tie.
fn default_class(store: &Store) -> Option<&PriorityClass> {
    store
        .list(Kind::PriorityClass, None)
        .into_iter()
        .filter_map(|id| store.priorityclasses.get(id))
        .filter(|c| c.global_default)
        .min_by_key(|c| c.value)
}

/// `establishPriority`: the pod's priority from its class, or the Forbidden error
/// `pods "<name>" is forbidden: no PriorityClass with name <class> was found`.
pub fn resolve(store: &Store, spec: &PodSpec, pod_name: &str) -> Result<Resolved, ApiError> {
    let class = match spec.priority_class_name.as_deref() {
        None => match default_class(store) {
            Some(c) => c,
            None => {
                return Ok(Resolved {
                    class: None,
                    priority: 0,
                    policy: PreemptionPolicy::PreemptLowerPriority,
                });
            }
        },
        Some(name) => match store.lookup(Kind::PriorityClass, None, name) {
            Some(id) => match store.priorityclasses.get(id) {
                Some(c) => c,
                None => return Err(no_class(pod_name, name)),
            },
            None => return Err(no_class(pod_name, name)),
        },
    };
    Ok(Resolved {
        class: Some(class.meta.name.clone()),
        priority: class.value,
        policy: class.preemption_policy,
    })
}

fn no_class(pod_name: &str, class: &str) -> ApiError {
    ApiError {
        reason: "Forbidden",
        message: format!(
            "pods {pod_name:?} is forbidden: no PriorityClass with name {class} was found"
        ),
    }
}

/// The spec with the resolved priority written in; None when it already carries it.
pub fn apply(spec: &PodSpec, r: &Resolved) -> Option<PodSpec> {
    if spec.priority == r.priority
        && spec.priority_class_name == r.class
        && spec.preemption_policy == r.policy
    {
        return None;
    }
    let mut out = spec.clone();
    out.priority = r.priority;
    out.priority_class_name = r.class.clone();
    out.preemption_policy = r.policy;
    Some(out)
}

/// `validatePriorityClass`: a class marked globalDefault while another one is refused with
/// `PriorityClass <other> is already marked as default. Only one default can exist`.
pub fn admit_class(store: &Store, class: &PriorityClass) -> Result<(), ApiError> {
    if !class.global_default {
        return Ok(());
    }
    match default_class(store) {
        Some(d) if d.meta.name != class.meta.name => Err(ApiError {
            reason: "Forbidden",
            message: format!(
                "{} {:?} is forbidden: PriorityClass {} is already marked as default. Only one default can exist",
                Kind::PriorityClass.group_resource(),
                class.meta.name,
                d.meta.name
            ),
        }),
        _ => Ok(()),
    }
}

/// Stores the built-in classes (the API server's `AddSystemPriorityClasses` post-start
/// hook), created at `at`.
pub fn add_system_priority_classes(store: &mut Store, at: crate::sim::time::SimTime) {
    for class in system_priority_classes() {
        if store
            .lookup(Kind::PriorityClass, None, &class.meta.name)
            .is_some()
        {
            continue;
        }
        let id = store.priorityclasses.insert(class);
        store.register(
            crate::model::meta::ObjRef {
                kind: Kind::PriorityClass,
                id,
            },
            at,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::etcd::store::testing as fx;
    use crate::model::labels::Labels;
    use crate::model::meta::{Meta, ObjRef};
    use crate::sim::time::SimTime;

    fn class(store: &mut Store, name: &str, value: i32, default: bool) {
        let id = store.priorityclasses.insert(PriorityClass {
            meta: Meta::new(name.to_string(), None, Labels::default()),
            value,
            global_default: default,
            preemption_policy: PreemptionPolicy::PreemptLowerPriority,
            description: String::new(),
        });
        store.register(
            ObjRef {
                kind: Kind::PriorityClass,
                id,
            },
            SimTime::ZERO,
        );
    }

    fn named(class: Option<&str>) -> PodSpec {
        let mut s = (*fx::spec(100)).clone();
        s.priority_class_name = class.map(str::to_string);
        s
    }

    #[test]
    fn pods_get_their_class_value_the_default_class_or_zero() {
        // admission_test.go TestPodAdmission: "Pod with no priority class and no default
        // class" → 0; "Pod with priority class" → the class's value; "Pod with no priority
        // class" and a default class → the default's value (and its name).
        let mut store = Store::default();
        let r = resolve(&store, &named(None), "p").unwrap();
        assert_eq!((r.class, r.priority), (None, 0));
        class(&mut store, "high", 1000, false);
        let r = resolve(&store, &named(Some("high")), "p").unwrap();
        assert_eq!((r.class.as_deref(), r.priority), (Some("high"), 1000));
        class(&mut store, "default-class", 500, true);
        let r = resolve(&store, &named(None), "p").unwrap();
        assert_eq!(
            (r.class.as_deref(), r.priority),
            (Some("default-class"), 500)
        );
        // "pod with system critical priority in non-system namespace" is admitted too.
        add_system_priority_classes(&mut store, SimTime::ZERO);
        let r = resolve(&store, &named(Some("system-node-critical")), "p").unwrap();
        assert_eq!(r.priority, 2_000_001_000);
        let r = resolve(&store, &named(Some("system-cluster-critical")), "p").unwrap();
        assert_eq!(r.priority, 2_000_000_000);
    }

    #[test]
    fn an_unknown_class_is_forbidden() {
        // admission_test.go "pod with a priority class that doesn't exist" (expectError).
        let e = resolve(&Store::default(), &named(Some("foo")), "x").unwrap_err();
        assert_eq!(e.reason, "Forbidden");
        assert_eq!(
            e.message,
            "pods \"x\" is forbidden: no PriorityClass with name foo was found"
        );
    }

    #[test]
    fn a_second_global_default_is_forbidden() {
        // admission_test.go TestPriorityClassAdmission "one default class exists, a second
        // default class is added" is refused; re-applying the default itself is not.
        let mut store = Store::default();
        class(&mut store, "first", 1, true);
        let second = PriorityClass {
            meta: Meta::new("second".into(), None, Labels::default()),
            value: 2,
            global_default: true,
            preemption_policy: PreemptionPolicy::PreemptLowerPriority,
            description: String::new(),
        };
        let e = admit_class(&store, &second).unwrap_err();
        assert_eq!(
            e.message,
            "priorityclasses.scheduling.k8s.io \"second\" is forbidden: PriorityClass first is already marked as default. Only one default can exist"
        );
        let mut again = second.clone();
        again.meta.name = "first".into();
        assert!(admit_class(&store, &again).is_ok());
        let mut plain = second;
        plain.global_default = false;
        assert!(admit_class(&store, &plain).is_ok());
    }
}
