//! `kubectl wait --for=delete|condition=NAME[=VALUE] TARGETS [--timeout=30s]`
//! (`kubectl/pkg/cmd/wait/wait.go`, `condition.go`, `delete.go`): parsing, and the condition
//! each kind reports, read from the store.
//!
//! Conditions kubesim knows: a pod's `PodScheduled`, `Initialized`, `ContainersReady` and
//! `Ready`; a node's `Ready`; a Deployment's `Available` and `Progressing`, derived from its
//! status until the Deployment controller stores conditions (see [`condition`]). Another
//! condition name is never met, as kubectl keeps waiting for a condition an object does not
//! report. Simplified: `--for=jsonpath=…` and `--for=create`, `-A`, `--field-selector`, `-f`
//! and `-o` are not simulated.

use super::command::{
    Command, CommandError, Flag, Parsed, Spec, Targets, Ty, Verb, failed, flag, targets,
    unsupported,
};
use crate::etcd::Store;
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::model::workload::{ConditionStatus, DeploymentConditionType};
use crate::sim::time::SimDuration;

/// What `--for` waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WaitFor {
    /// `--for=delete`: the object is gone.
    Delete,
    /// `--for=condition=NAME[=VALUE]`: the condition's status equals VALUE (default `true`),
    /// compared case-insensitively as `strings.EqualFold`.
    Condition {
        /// The condition type, as typed.
        name: String,
        /// The wanted status.
        value: String,
    },
}

/// `kubectl wait`, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wait {
    /// The objects.
    pub targets: Targets,
    /// `--for`.
    pub condition: WaitFor,
    /// `--timeout` (default 30s, kubectl's); None for a negative value, which waits
    /// indefinitely (kubectl: a week).
    pub timeout: Option<SimDuration>,
    /// `-n`/`--namespace`, if given.
    pub namespace: Option<String>,
}

const FLAGS: &[Flag] = &[
    flag("for", None, Ty::Str),
    flag("timeout", None, Ty::Str),
    flag("selector", Some('l'), Ty::Str),
    flag("all", None, Ty::Bool),
];

/// `kubectl wait`'s flags.
pub(super) const WAIT: Spec = Spec {
    verb: Verb::Wait,
    flags: FLAGS,
    unsupported: &[
        ("all-namespaces", Some('A')),
        ("allow-missing-template-keys", None),
        ("field-selector", None),
        ("filename", Some('f')),
        ("kustomize", Some('k')),
        ("local", None),
        ("output", Some('o')),
        ("recursive", Some('R')),
        ("show-managed-fields", None),
        ("template", None),
    ],
};

/// `WaitFlags.ToOptions`: the timeout, `conditionFuncFor`, then the builder.
pub(super) fn parse(p: Parsed) -> Result<Command, CommandError> {
    let timeout = match p.str("timeout") {
        None => Some(SimDuration::from_secs(30)),
        Some(text) => {
            let nanos = super::command::duration_flag(text, "timeout", Verb::Wait)?;
            // Virtual time counts µs; a finer remainder rounds up so a wait never ends early.
            (nanos >= 0).then(|| SimDuration((nanos as u64).div_ceil(1000)))
        }
    };
    let condition = condition_for(p.str("for").unwrap_or(""))?;
    let all = p.bool("all").unwrap_or(false);
    let targets = targets(&p.args, p.str("selector"), all, Verb::Wait)?;
    if let Targets::Named(objs) = &targets
        && objs.is_empty()
    {
        return Err(failed(
            "resource(s) were provided, but no name was specified",
        ));
    }
    Ok(Command::Wait(Wait {
        targets,
        condition,
        timeout,
        namespace: p.namespace(),
    }))
}

/// `conditionFuncFor`.
fn condition_for(text: &str) -> Result<WaitFor, CommandError> {
    let lower = text.to_lowercase();
    if lower == "delete" {
        return Ok(WaitFor::Delete);
    }
    if lower.starts_with("condition=") {
        let rest = &text["condition=".len()..];
        let (name, value) = match rest.split_once('=') {
            Some((n, v)) => (n, v),
            None => (rest, "true"),
        };
        return Ok(WaitFor::Condition {
            name: name.to_string(),
            value: value.to_string(),
        });
    }
    if lower.starts_with("jsonpath=") || lower == "create" {
        return Err(unsupported(format!("--for={text} yet"), Some(Verb::Wait)));
    }
    Err(failed(format!("unrecognized condition: {text:?}")))
}

/// The status of condition `name` on the stored object (`"True"`/`"False"`/`"Unknown"`), or
/// None when the object does not report it.
///
/// kubectl's `checkCondition` (cmd/wait/wait.go) matches the type with `strings.EqualFold`
/// and treats a condition as not met while the object's `status.observedGeneration` is
/// behind `metadata.generation`, so a Deployment's stale `Available` does not end a wait
/// for a spec change. Deployments and Jobs report the conditions their controllers store.
pub fn condition(store: &Store, obj: ObjRef, name: &str) -> Option<&'static str> {
    let word = |b: bool| if b { "True" } else { "False" };
    match obj.kind {
        Kind::Pod => {
            let p = store.pods.get(obj.id)?;
            let name = ["PodScheduled", "Initialized", "ContainersReady", "Ready"]
                .into_iter()
                .find(|t| t.eq_ignore_ascii_case(name))?;
            match name {
                "PodScheduled" => p.status.scheduled.map(word),
                // True once the kubelet reports every init container exited 0.
                "Initialized" => p.status.start_time.map(|_| word(p.status.initialized)),
                _ => p
                    .status
                    .start_time
                    .map(|_| word(p.status.ready_since.is_some())),
            }
        }
        Kind::Node => {
            let n = store.nodes.get(obj.id)?;
            name.eq_ignore_ascii_case("Ready")
                .then_some(word(n.ready()))
        }
        Kind::Deployment => {
            let d = store.deployments.get(obj.id)?;
            if d.status.observed_generation < d.meta.generation {
                return None;
            }
            let c = d.status.conditions.iter().find(|c| {
                let t = match c.kind {
                    DeploymentConditionType::Available => "Available",
                    DeploymentConditionType::Progressing => "Progressing",
                };
                t.eq_ignore_ascii_case(name)
            })?;
            Some(match c.status {
                ConditionStatus::True => "True",
                ConditionStatus::False => "False",
                ConditionStatus::Unknown => "Unknown",
            })
        }
        // The Job controller writes only True conditions (job_controller.go newCondition
        // with v1.ConditionTrue); Jobs have no observedGeneration.
        Kind::Job => store
            .jobs
            .get(obj.id)?
            .status
            .conditions
            .iter()
            .any(|c| c.kind.as_str().eq_ignore_ascii_case(name))
            .then_some("True"),
        _ => None,
    }
}

/// Whether the object's condition has the wanted status (`strings.EqualFold`).
pub fn met(store: &Store, obj: ObjRef, name: &str, value: &str) -> bool {
    condition(store, obj, name).is_some_and(|s| s.eq_ignore_ascii_case(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::etcd::store::testing as fx;
    use crate::kubectl::command::NamedObject;
    use crate::kubectl::command::tests::{err, ok};
    use crate::model::workload::IntOrPercent;

    fn wait_of(line: &str) -> Wait {
        match ok(line) {
            Command::Wait(w) => w,
            other => panic!("{line:?}: {other:?}"),
        }
    }

    #[test]
    fn for_takes_delete_and_conditions_with_true_by_default() {
        // wait.go: `--timeout` defaults to 30s; conditionFuncFor defaults the value to true.
        let w = wait_of("kubectl wait --for=condition=Available deployment/web");
        assert_eq!(
            w.condition,
            WaitFor::Condition {
                name: "Available".into(),
                value: "true".into()
            }
        );
        assert_eq!(w.timeout, Some(SimDuration::from_secs(30)));
        assert_eq!(
            w.targets,
            Targets::Named(vec![NamedObject {
                kind: Kind::Deployment,
                name: "web".into()
            }])
        );
        let d = wait_of("kubectl wait --for=delete pod -l app=web --timeout=1m");
        assert_eq!(d.condition, WaitFor::Delete);
        assert_eq!(d.timeout, Some(SimDuration::from_secs(60)));
        let f = wait_of("kubectl wait --for=condition=Ready=false pod web --timeout=-1s");
        assert_eq!(
            f.condition,
            WaitFor::Condition {
                name: "Ready".into(),
                value: "false".into()
            }
        );
        assert_eq!(f.timeout, None, "a negative timeout waits indefinitely");
    }

    #[test]
    fn mistakes_use_wait_go_messages() {
        assert_eq!(
            err("kubectl wait --for=ready pod web"),
            "error: unrecognized condition: \"ready\""
        );
        assert_eq!(
            err("kubectl wait pod web"),
            "error: unrecognized condition: \"\""
        );
        assert_eq!(
            err("kubectl wait --for=delete pod web --timeout=soon"),
            "error: invalid argument \"soon\" for \"--timeout\" flag: time: invalid duration \"soon\"\nSee 'kubectl wait --help' for usage."
        );
        assert!(
            err("kubectl wait --for=jsonpath='{.status.phase}'=Running pod web")
                .contains("kubesim does not simulate")
        );
    }

    #[test]
    fn deployment_conditions_are_the_stored_ones_once_the_generation_is_observed() {
        // cmd/wait/wait.go checkCondition: EqualFold on the type, and not met while
        // status.observedGeneration < metadata.generation.
        use crate::controllers::deployment::progress;
        use crate::sim::time::SimTime;
        let mut store = Store::default();
        let ns = fx::namespace(&mut store, "default");
        let id = fx::deployment(
            &mut store,
            "web",
            ns,
            4,
            fx::rolling(IntOrPercent::Percent(25), IntOrPercent::Percent(25)),
        );
        let obj = ObjRef {
            kind: Kind::Deployment,
            id,
        };
        let d = store.deployments.get_mut(id).unwrap();
        d.status.observed_generation = d.meta.generation;
        assert_eq!(condition(&store, obj, "Available"), None, "none stored yet");
        let d = store.deployments.get_mut(id).unwrap();
        d.status.conditions.push(progress::condition(
            DeploymentConditionType::Available,
            ConditionStatus::False,
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.".to_string(),
            SimTime(0),
        ));
        assert_eq!(condition(&store, obj, "Available"), Some("False"));
        store.deployments.get_mut(id).unwrap().status.conditions[0].status = ConditionStatus::True;
        assert!(
            met(&store, obj, "available", "TRUE"),
            "EqualFold on type and status"
        );
        assert_eq!(condition(&store, obj, "Progressing"), None, "not stored");
        store.deployments.get_mut(id).unwrap().meta.generation += 1;
        assert_eq!(
            condition(&store, obj, "Available"),
            None,
            "a spec change not yet observed"
        );
    }

    #[test]
    fn pod_conditions_follow_the_kubelets_status() {
        let mut store = Store::default();
        let (_, _, pod) = fx::bound_pod(&mut store, "web");
        let obj = ObjRef {
            kind: Kind::Pod,
            id: pod,
        };
        let p = store.pods.get_mut(pod).unwrap();
        p.status.scheduled = Some(true);
        p.status.start_time = None;
        p.status.ready_since = None;
        assert_eq!(condition(&store, obj, "PodScheduled"), Some("True"));
        assert_eq!(condition(&store, obj, "Ready"), None, "not started");
        store.pods.get_mut(pod).unwrap().status.start_time = Some(crate::sim::time::SimTime(1));
        assert_eq!(
            condition(&store, obj, "Initialized"),
            Some("False"),
            "init running"
        );
        store.pods.get_mut(pod).unwrap().status.initialized = true;
        assert_eq!(condition(&store, obj, "Initialized"), Some("True"));
        assert_eq!(condition(&store, obj, "Ready"), Some("False"));
        store.pods.get_mut(pod).unwrap().status.ready_since = Some(crate::sim::time::SimTime(2));
        assert_eq!(condition(&store, obj, "ContainersReady"), Some("True"));
    }
}
