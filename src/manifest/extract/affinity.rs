//! `spec.affinity` and `spec.topologySpreadConstraints`: `ValidateAffinity`,
//! `ValidateNodeSelector`, `validatePodAffinityTerm` and `validateTopologySpreadConstraints`
//! (pkg/apis/core/validation/validation.go), with the defaults the scheduler applies to
//! unset spread fields (`filterTopologySpreadConstraints`, podtopologyspread/common.go).
//!
//! Simplified: `matchLabelKeys`/`mismatchLabelKeys` of pod affinity terms are not read, and
//! a topology spread constraint's `matchLabelKeys` is kept for the scheduler to merge rather
//! than merged into the selector by the API server.

use super::{
    Cx, child, duplicate, entries, expression, forbidden, go_quote, int_at, int32, invalid, items,
    required, span_or, text, unsupported,
};
use crate::manifest::tree::Node;
use crate::model::affinity::{
    Affinity, NodeAffinity, NodeSelectorTerm, PodAffinity, PodAffinityTerm,
    PreferredSchedulingTerm, TopologySpreadConstraint, WeightedPodAffinityTerm, WhenUnsatisfiable,
};
use crate::model::labels::{Operator, Requirement, Selector};
use crate::model::validation::validate_label_name;

/// `spec.affinity`; None when absent or empty of every term kubesim reads.
pub(super) fn affinity(cx: &mut Cx, spec: Option<&Node>, path: &str) -> Option<Box<Affinity>> {
    let a = child(spec, "affinity")?;
    let path = format!("{path}.affinity");
    let na = child(Some(a), "nodeAffinity");
    let node = NodeAffinity {
        required: child(na, "requiredDuringSchedulingIgnoredDuringExecution").map(|r| {
            node_selector(
                cx,
                r,
                &format!("{path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"),
            )
        }),
        preferred: items(child(na, "preferredDuringSchedulingIgnoredDuringExecution"))
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let pp = format!(
                    "{path}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[{i}]"
                );
                PreferredSchedulingTerm {
                    weight: weight(cx, p, &pp),
                    term: child(Some(p), "preference")
                        .map(|t| node_selector_term(cx, t, &format!("{pp}.preference")))
                        .unwrap_or_default(),
                }
            })
            .collect(),
    };
    let pod = pod_affinity(
        cx,
        child(Some(a), "podAffinity"),
        &format!("{path}.podAffinity"),
    );
    let anti = pod_affinity(
        cx,
        child(Some(a), "podAntiAffinity"),
        &format!("{path}.podAntiAffinity"),
    );
    let out = Affinity { node, pod, anti };
    (out != Affinity::default()).then(|| Box::new(out))
}

/// `weight` of a preferred term: 1–100.
fn weight(cx: &mut Cx, term: &Node, path: &str) -> i32 {
    let (w, at) = int_at(Some(term), "weight").unwrap_or((0, term.span));
    if !(1..=100).contains(&w) {
        cx.err(
            at,
            &format!("{path}.weight"),
            invalid(w, "must be in the range 1-100"),
        );
    }
    int32(w)
}

/// `ValidateNodeSelector`: at least one term.
fn node_selector(cx: &mut Cx, n: &Node, path: &str) -> Vec<NodeSelectorTerm> {
    let terms = items(child(Some(n), "nodeSelectorTerms"));
    if terms.is_empty() {
        cx.err(
            n.span,
            &format!("{path}.nodeSelectorTerms"),
            required("must have at least one node selector term"),
        );
    }
    terms
        .iter()
        .enumerate()
        .map(|(i, t)| node_selector_term(cx, t, &format!("{path}.nodeSelectorTerms[{i}]")))
        .collect()
}

/// `ValidateNodeSelectorTerm`: each `matchExpressions` item by
/// `ValidateNodeSelectorRequirement`, each `matchFields` item by
/// `ValidateNodeFieldSelectorRequirement` (only `metadata.name`, with In or NotIn and one
/// value).
fn node_selector_term(cx: &mut Cx, t: &Node, path: &str) -> NodeSelectorTerm {
    let mut term = NodeSelectorTerm::default();
    for (i, e) in items(child(Some(t), "matchExpressions")).iter().enumerate() {
        let ep = format!("{path}.matchExpressions[{i}]");
        let (key, op, values) = expression(e);
        let operator = match op.as_str() {
            "In" | "NotIn" => {
                if values.is_empty() {
                    cx.err(
                        e.span,
                        &format!("{ep}.values"),
                        required("must be specified when `operator` is 'In' or 'NotIn'"),
                    );
                }
                Some(if op == "In" {
                    Operator::In
                } else {
                    Operator::NotIn
                })
            }
            "Exists" | "DoesNotExist" => {
                if !values.is_empty() {
                    cx.err(
                        e.span,
                        &format!("{ep}.values"),
                        forbidden(
                            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                        ),
                    );
                }
                Some(if op == "Exists" {
                    Operator::Exists
                } else {
                    Operator::DoesNotExist
                })
            }
            "Gt" | "Lt" => {
                if values.len() != 1 {
                    cx.err(
                        e.span,
                        &format!("{ep}.values"),
                        required("must be specified single value when `operator` is 'Lt' or 'Gt'"),
                    );
                }
                Some(if op == "Gt" {
                    Operator::GreaterThan
                } else {
                    Operator::LessThan
                })
            }
            other => {
                cx.err(
                    span_or(child(Some(e), "operator"), e.span),
                    &format!("{ep}.operator"),
                    invalid(go_quote(other), "not a valid selector operator"),
                );
                None
            }
        };
        for line in validate_label_name(&key, &format!("{ep}.key")) {
            cx.line(span_or(child(Some(e), "key"), e.span), &line);
        }
        if let Some(operator) = operator {
            term.match_expressions.push(Requirement {
                key,
                operator,
                values,
            });
        }
    }
    for (i, f) in items(child(Some(t), "matchFields")).iter().enumerate() {
        let fp = format!("{path}.matchFields[{i}]");
        let (key, op, values) = expression(f);
        let operator = match op.as_str() {
            "In" => Some(Operator::In),
            "NotIn" => Some(Operator::NotIn),
            other => {
                cx.err(
                    span_or(child(Some(f), "operator"), f.span),
                    &format!("{fp}.operator"),
                    invalid(go_quote(other), "not a valid selector operator"),
                );
                None
            }
        };
        if values.len() != 1 {
            cx.err(
                f.span,
                &format!("{fp}.values"),
                required("must be only one value when `operator` is 'In' or 'NotIn' for node field selector"),
            );
        }
        if key != "metadata.name" {
            cx.err(
                span_or(child(Some(f), "key"), f.span),
                &format!("{fp}.key"),
                invalid(go_quote(&key), "not a valid field selector key"),
            );
        }
        if let Some(operator) = operator {
            term.match_fields.push(Requirement {
                key,
                operator,
                values,
            });
        }
    }
    term
}

/// `podAffinity` / `podAntiAffinity`.
fn pod_affinity(cx: &mut Cx, n: Option<&Node>, path: &str) -> PodAffinity {
    let terms = items(child(n, "requiredDuringSchedulingIgnoredDuringExecution"))
        .iter()
        .enumerate()
        .map(|(i, t)| {
            pod_affinity_term(
                cx,
                t,
                &format!("{path}.requiredDuringSchedulingIgnoredDuringExecution[{i}]"),
            )
        })
        .collect();
    let preferred = items(child(n, "preferredDuringSchedulingIgnoredDuringExecution"))
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let pp = format!("{path}.preferredDuringSchedulingIgnoredDuringExecution[{i}]");
            let weight = weight(cx, p, &pp);
            let term = match child(Some(p), "podAffinityTerm") {
                Some(t) => pod_affinity_term(cx, t, &format!("{pp}.podAffinityTerm")),
                None => {
                    cx.err(
                        p.span,
                        &format!("{pp}.podAffinityTerm.topologyKey"),
                        required("can not be empty"),
                    );
                    PodAffinityTerm {
                        selector: None,
                        namespaces: Vec::new(),
                        namespace_selector: None,
                        topology_key: String::new(),
                    }
                }
            };
            WeightedPodAffinityTerm { weight, term }
        })
        .collect();
    PodAffinity {
        required: terms,
        preferred,
    }
}

/// `validatePodAffinityTerm`: the selectors, the namespace names, a non-empty
/// `topologyKey` that is a valid label name.
fn pod_affinity_term(cx: &mut Cx, t: &Node, path: &str) -> PodAffinityTerm {
    let pods = child(Some(t), "labelSelector")
        .and_then(|s| selector(cx, s, &format!("{path}.labelSelector")));
    let namespace_selector = child(Some(t), "namespaceSelector")
        .and_then(|s| selector(cx, s, &format!("{path}.namespaceSelector")));
    let namespaces: Vec<String> = items(child(Some(t), "namespaces"))
        .iter()
        .filter_map(Node::as_str)
        .map(str::to_string)
        .collect();
    let key = text(Some(t), "topologyKey");
    let key_at = span_or(child(Some(t), "topologyKey"), t.span);
    if key.is_empty() {
        cx.err(
            key_at,
            &format!("{path}.topologyKey"),
            required("can not be empty"),
        );
    } else {
        for line in validate_label_name(key, &format!("{path}.topologyKey")) {
            cx.line(key_at, &line);
        }
    }
    PodAffinityTerm {
        selector: pods,
        namespaces,
        namespace_selector,
        topology_key: key.to_string(),
    }
}

/// A `metav1.LabelSelector` by `ValidateLabelSelector`; None (and the problems reported)
/// when it does not parse.
fn selector(cx: &mut Cx, s: &Node, path: &str) -> Option<Selector> {
    let pairs: Vec<(String, String)> = entries(child(Some(s), "matchLabels"))
        .into_iter()
        .map(|(k, v, _)| (k, v))
        .collect();
    let expressions: Vec<(String, String, Vec<String>)> = items(child(Some(s), "matchExpressions"))
        .iter()
        .map(expression)
        .collect();
    match Selector::from_label_selector(&pairs, &expressions) {
        Ok(sel) => Some(sel),
        Err(lines) => {
            for line in lines {
                cx.line(s.span, &format!("{path}.{line}"));
            }
            None
        }
    }
}

/// `validateTopologySpreadConstraints`, then the plugin's defaults: minDomains 1,
/// nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore.
pub(super) fn topology_spread(
    cx: &mut Cx,
    spec: Option<&Node>,
    path: &str,
) -> Vec<TopologySpreadConstraint> {
    let mut seen: Vec<(String, String)> = Vec::new();
    let list_path = format!("{path}.topologySpreadConstraints");
    let mut out = Vec::new();
    for (i, c) in items(child(spec, "topologySpreadConstraints"))
        .iter()
        .enumerate()
    {
        let cp = format!("{list_path}[{i}]");
        let node = Some(c);
        let (skew, skew_at) = int_at(node, "maxSkew").unwrap_or((0, c.span));
        if skew <= 0 {
            cx.err(
                skew_at,
                &format!("{cp}.maxSkew"),
                invalid(skew, "must be greater than zero"),
            );
        }
        let key = text(node, "topologyKey");
        let key_at = span_or(child(node, "topologyKey"), c.span);
        if key.is_empty() {
            cx.err(
                key_at,
                &format!("{cp}.topologyKey"),
                required("can not be empty"),
            );
        } else {
            for line in validate_label_name(key, &format!("{cp}.topologyKey")) {
                cx.line(key_at, &line);
            }
        }
        let when_text = text(node, "whenUnsatisfiable");
        let when = match when_text {
            "DoNotSchedule" => WhenUnsatisfiable::DoNotSchedule,
            "ScheduleAnyway" => WhenUnsatisfiable::ScheduleAnyway,
            other => {
                cx.err(
                    span_or(child(node, "whenUnsatisfiable"), c.span),
                    &format!("{cp}.whenUnsatisfiable"),
                    unsupported(other, &["DoNotSchedule", "ScheduleAnyway"]),
                );
                WhenUnsatisfiable::DoNotSchedule
            }
        };
        let pair = (key.to_string(), when_text.to_string());
        if seen.contains(&pair) {
            cx.err(
                c.span,
                &format!("{list_path}[{i}].{{topologyKey, whenUnsatisfiable}}"),
                duplicate(&format!("{{{key}, {when_text}}}")),
            );
        }
        seen.push(pair);
        let min_domains = int_at(node, "minDomains").map(|(m, m_at)| {
            if m <= 0 {
                cx.err(m_at, &format!("{cp}.minDomains"), invalid(m, "must be greater than zero"));
            } else if when != WhenUnsatisfiable::DoNotSchedule {
                cx.err(
                    m_at,
                    &format!("{cp}.minDomains"),
                    invalid(
                        m,
                        &format!("can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {when_text}"),
                    ),
                );
            }
            int32(m)
        });
        let mut policy = |field: &str, default: bool| match text(node, field) {
            "" => default,
            "Honor" => true,
            "Ignore" => false,
            other => {
                cx.err(
                    span_or(child(node, field), c.span),
                    &format!("{cp}.{field}"),
                    unsupported(other, &["Honor", "Ignore"]),
                );
                default
            }
        };
        let honor_node_affinity = policy("nodeAffinityPolicy", true);
        let honor_node_taints = policy("nodeTaintsPolicy", false);
        let pods = child(node, "labelSelector")
            .and_then(|s| selector(cx, s, &format!("{cp}.labelSelector")));
        let match_label_keys: Vec<String> = items(child(node, "matchLabelKeys"))
            .iter()
            .filter_map(Node::as_str)
            .map(str::to_string)
            .collect();
        for (j, k) in match_label_keys.iter().enumerate() {
            let in_selector = pods
                .as_ref()
                .is_some_and(|s| s.requirements().iter().any(|r| r.key == *k));
            if in_selector {
                cx.err(
                    c.span,
                    &format!("{cp}.matchLabelKeys[{j}]"),
                    invalid(
                        go_quote(k),
                        "exists in both matchLabelKeys and labelSelector",
                    ),
                );
            }
        }
        out.push(TopologySpreadConstraint {
            max_skew: int32(skew),
            topology_key: key.to_string(),
            when_unsatisfiable: when,
            selector: pods,
            min_domains,
            honor_node_affinity,
            honor_node_taints,
            match_label_keys,
        });
    }
    out
}
