//! PriorityClasses: `ValidatePriorityClass` (pkg/apis/scheduling/validation/validation.go)
//! and the v1 defaulting of `preemptionPolicy` (`SetDefaults_PriorityClass`).
//!
//! Simplified: a `system-` name that is not one of the two built-in classes is not refused
//! here (upstream forbids it with `IsKnownSystemPriorityClass`'s error); the built-in
//! classes already exist, so creating one of them is AlreadyExists.

use super::{Cx, bool_at, child, forbidden, int_at, int32, span_or, text};
use crate::manifest::tree::Node;
use crate::model::kind::Kind;
use crate::model::meta::Meta;
use crate::model::priorityclass::{
    HIGHEST_USER_DEFINABLE_PRIORITY, PreemptionPolicy, PriorityClass,
};

/// A PriorityClass: `value` at most `HighestUserDefinablePriority`; `preemptionPolicy`
/// PreemptLowerPriority unless `Never` (the schema check rejects any other value).
pub(super) fn priority_class(cx: &mut Cx, root: &Node) -> PriorityClass {
    let (name, labels) = super::object_meta(cx, root, Kind::PriorityClass);
    let (value, value_at) = int_at(Some(root), "value").unwrap_or((0, root.span));
    let value = int32(value);
    if value > HIGHEST_USER_DEFINABLE_PRIORITY {
        cx.err(
            span_or(child(Some(root), "value"), value_at),
            "value",
            forbidden(&format!(
                "maximum allowed value of a user defined priority is {HIGHEST_USER_DEFINABLE_PRIORITY}"
            )),
        );
    }
    PriorityClass {
        meta: Meta::new(name, None, labels),
        value,
        global_default: bool_at(Some(root), "globalDefault"),
        preemption_policy: match text(Some(root), "preemptionPolicy") {
            "Never" => PreemptionPolicy::Never,
            _ => PreemptionPolicy::PreemptLowerPriority,
        },
        description: text(Some(root), "description").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{extract_one, problems_of};
    use crate::model::object::NewObject;
    use crate::model::priorityclass::PreemptionPolicy;

    fn class(body: &str) -> Result<crate::model::priorityclass::PriorityClass, Vec<String>> {
        let src = format!(
            "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {{name: high}}\n{body}"
        );
        match extract_one(&src) {
            Ok(NewObject::PriorityClass(c)) => Ok(c),
            Ok(o) => panic!("a PriorityClass expected, got {o:?}"),
            Err(p) => Err(problems_of(&p)),
        }
    }

    #[test]
    fn fields_are_read_and_preemption_policy_defaults_to_preempt_lower_priority() {
        let c = class("value: 1000\nglobalDefault: true\ndescription: web tier\n").unwrap();
        assert_eq!(c.meta.name, "high");
        assert_eq!(c.value, 1000);
        assert!(c.global_default);
        assert_eq!(c.description, "web tier");
        // SetDefaults_PriorityClass: PreemptLowerPriority when unset.
        assert_eq!(c.preemption_policy, PreemptionPolicy::PreemptLowerPriority);
        let never = class("value: 10\npreemptionPolicy: Never\n").unwrap();
        assert_eq!(never.preemption_policy, PreemptionPolicy::Never);
        assert!(!never.global_default);
    }

    #[test]
    fn a_user_value_above_one_billion_is_forbidden() {
        // validation_test.go TestValidatePriorityClass "invalid priority value": a
        // non-system class above HighestUserDefinablePriority.
        let errs = class("value: 1000000001\n").unwrap_err();
        assert_eq!(
            errs,
            vec![
                "value: Forbidden: maximum allowed value of a user defined priority is 1000000000"
            ]
        );
        assert!(class("value: 1000000000\n").is_ok());
    }
}
