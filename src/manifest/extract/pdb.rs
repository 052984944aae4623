//! PodDisruptionBudgets: `ValidatePodDisruptionBudgetSpec` (pkg/apis/policy/validation/
//! validation.go). policy/v1 has no defaulting beyond an unset status.
//!
//! Simplified: the value `field.Invalid` prints for "cannot be both set" is the JSON of the
//! two fields only (upstream marshals the whole spec, selector included).

use super::{
    Cx, IntOrString, checked_selector, child, positive_int_or_percent, selector_parts, span_or,
    text, unsupported,
};
use crate::manifest::tree::Node;
use crate::model::kind::Kind;
use crate::model::meta::Meta;
use crate::model::pdb::{PdbSpec, PdbStatus, PodDisruptionBudget, UnhealthyPodEvictionPolicy};

/// A PodDisruptionBudget: at most one of minAvailable and maxUnavailable, each a
/// non-negative int or a percentage of at most 100%; a valid selector if any (null selects
/// nothing, `{}` everything); unhealthyPodEvictionPolicy AlwaysAllow or IfHealthyBudget.
pub(super) fn pdb(cx: &mut Cx, root: &Node) -> PodDisruptionBudget {
    let (name, labels) = super::object_meta(cx, root, Kind::PodDisruptionBudget);
    let spec = child(Some(root), "spec");
    let at = span_or(spec, root.span);
    let read = |key: &str| child(spec, key).and_then(|n| IntOrString::read(n).map(|v| (v, n.span)));
    let min = read("minAvailable");
    let max = read("maxUnavailable");
    if let (Some((a, _)), Some((b, _))) = (&min, &max) {
        let value = format!(
            "{{\"minAvailable\":{},\"maxUnavailable\":{}}}",
            a.render(),
            b.render()
        );
        cx.err(
            at,
            "spec",
            super::invalid(value, "minAvailable and maxUnavailable cannot be both set"),
        );
    }
    for (v, key) in [(&min, "minAvailable"), (&max, "maxUnavailable")] {
        let Some((v, v_at)) = v else { continue };
        let path = format!("spec.{key}");
        positive_int_or_percent(cx, v, *v_at, &path);
        // IsNotMoreThan100Percent.
        if let (n, true) = v.value()
            && n > 100
        {
            cx.err(
                *v_at,
                &path,
                super::invalid(v.render(), "must not be greater than 100%"),
            );
        }
    }
    let selector = child(spec, "selector").and_then(|sel| {
        let (labels, expressions) = selector_parts(sel);
        checked_selector(cx, sel, "spec.selector", &labels, &expressions).ok()
    });
    let policy = match text(spec, "unhealthyPodEvictionPolicy") {
        "" => None,
        "IfHealthyBudget" => Some(UnhealthyPodEvictionPolicy::IfHealthyBudget),
        "AlwaysAllow" => Some(UnhealthyPodEvictionPolicy::AlwaysAllow),
        other => {
            cx.err(
                span_or(child(spec, "unhealthyPodEvictionPolicy"), at),
                "spec.unhealthyPodEvictionPolicy",
                unsupported(other, &["AlwaysAllow", "IfHealthyBudget"]),
            );
            None
        }
    };
    PodDisruptionBudget {
        meta: Meta::new(name, None, labels),
        spec: PdbSpec {
            min_available: min.map(|(v, _)| v.to_model()),
            max_unavailable: max.map(|(v, _)| v.to_model()),
            selector,
            unhealthy_pod_eviction_policy: policy,
        },
        status: PdbStatus::default(),
    }
}

#[cfg(test)]
mod tests {
    use crate::manifest::extract::tests::{extract_one, problems_of};
    use crate::model::object::NewObject;
    use crate::model::pdb::UnhealthyPodEvictionPolicy;
    use crate::model::workload::IntOrPercent;

    fn pdb(spec: &str) -> Result<crate::model::pdb::PodDisruptionBudget, Vec<String>> {
        let yaml = format!(
            "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: web}}\nspec: {spec}\n"
        );
        match extract_one(&yaml) {
            Ok(NewObject::PodDisruptionBudget(b)) => Ok(b),
            Ok(other) => panic!("not a PDB: {other:?}"),
            Err(p) => Err(problems_of(&p)),
        }
    }

    #[test]
    fn a_budget_keeps_its_int_or_percent_selector_and_policy() {
        let b = pdb("{minAvailable: 50%, selector: {matchLabels: {app: web}}, unhealthyPodEvictionPolicy: AlwaysAllow}")
            .expect("valid");
        assert_eq!(b.spec.min_available, Some(IntOrPercent::Percent(50)));
        assert_eq!(b.spec.max_unavailable, None);
        assert!(b.spec.selector.is_some());
        assert_eq!(
            b.spec.unhealthy_pod_eviction_policy,
            Some(UnhealthyPodEvictionPolicy::AlwaysAllow)
        );
        let b = pdb("{maxUnavailable: 1}").expect("valid");
        assert_eq!(b.spec.max_unavailable, Some(IntOrPercent::Int(1)));
        assert!(b.spec.selector.is_none(), "a null selector stays null");
    }

    #[test]
    fn validation_follows_validate_pod_disruption_budget_spec() {
        // validation_test.go TestValidateMinAvailablePodDisruptionBudgetSpec /
        // TestValidateMinAvailablePodAndMaxUnavailableDisruptionBudgetSpec /
        // TestValidateUnhealthyPodEvictionPolicyDisruptionBudgetSpec.
        let both = pdb("{minAvailable: 1, maxUnavailable: 1}").unwrap_err();
        assert_eq!(
            both,
            [
                "spec: Invalid value: {\"minAvailable\":1,\"maxUnavailable\":1}: minAvailable and maxUnavailable cannot be both set"
            ]
        );
        let over = pdb("{minAvailable: 110%}").unwrap_err();
        assert_eq!(
            over,
            ["spec.minAvailable: Invalid value: \"110%\": must not be greater than 100%"]
        );
        let negative = pdb("{maxUnavailable: -1}").unwrap_err();
        assert_eq!(
            negative,
            ["spec.maxUnavailable: Invalid value: -1: must be greater than or equal to 0"]
        );
        let policy = pdb("{minAvailable: 1, unhealthyPodEvictionPolicy: Invalid}").unwrap_err();
        assert_eq!(
            policy,
            [
                "spec.unhealthyPodEvictionPolicy: Unsupported value: \"Invalid\": supported values: \"AlwaysAllow\", \"IfHealthyBudget\""
            ]
        );
    }
}
