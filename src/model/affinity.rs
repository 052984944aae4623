//! `spec.affinity` and `spec.topologySpreadConstraints`: what a pod asks of the nodes it
//! lands on and of the pods beside it (core/v1 `Affinity`, `NodeSelector`,
//! `PodAffinityTerm`, `TopologySpreadConstraint`), as the scheduler's NodeAffinity,
//! InterPodAffinity and PodTopologySpread plugins read them.
//!
//! Label selectors are kept parsed (`metav1.LabelSelectorAsSelector`); a term without a
//! `labelSelector` holds `None`, which matches no pod (`labels.Nothing()`), where an empty
//! selector matches every pod.

use crate::model::labels::{Labels, Operator, Requirement, Selector};

/// One `nodeSelectorTerms[]` entry (or a preferred term's `preference`): every expression
/// on the node's labels and every field requirement on its fields must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeSelectorTerm {
    /// `matchExpressions` over node labels (`In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt`,
    /// `Lt`).
    pub match_expressions: Vec<Requirement>,
    /// `matchFields`; the only field is `metadata.name` (the requirement's key).
    pub match_fields: Vec<Requirement>,
}

impl NodeSelectorTerm {
    /// `nodeSelectorTerm.match` (component-helpers nodeaffinity): a term with neither
    /// expressions nor fields matches no node.
    pub fn matches(&self, labels: &Labels, node_name: &str) -> bool {
        if self.match_expressions.is_empty() && self.match_fields.is_empty() {
            return false;
        }
        self.match_expressions.iter().all(|r| r.matches(labels))
            && self.match_fields.iter().all(|r| {
                // The only supported field; the API server accepts In and NotIn on it.
                let named = r.values.iter().any(|v| v == node_name);
                r.key == "metadata.name"
                    && match r.operator {
                        Operator::In => named,
                        Operator::NotIn => !named,
                        _ => false,
                    }
            })
    }
}

/// `preferredDuringSchedulingIgnoredDuringExecution[]` of node affinity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreferredSchedulingTerm {
    /// `weight`, 1–100.
    pub weight: i32,
    /// `preference`.
    pub term: NodeSelectorTerm,
}

/// `affinity.nodeAffinity`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeAffinity {
    /// `requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`, ORed; None when
    /// absent (every node matches).
    pub required: Option<Vec<NodeSelectorTerm>>,
    /// `preferredDuringSchedulingIgnoredDuringExecution`.
    pub preferred: Vec<PreferredSchedulingTerm>,
}

impl NodeAffinity {
    /// `RequiredNodeAffinity.Match` without the nodeSelector half: some term matches.
    pub fn required_matches(&self, labels: &Labels, node_name: &str) -> bool {
        self.required
            .as_ref()
            .is_none_or(|terms| terms.iter().any(|t| t.matches(labels, node_name)))
    }
}

/// A `PodAffinityTerm`: pods matching `selector` in the chosen namespaces, counted per
/// value of the node label `topology_key`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodAffinityTerm {
    /// `labelSelector`; None matches no pod.
    pub selector: Option<Selector>,
    /// `namespaces`; with no `namespaceSelector` either, the pod's own namespace.
    pub namespaces: Vec<String>,
    /// `namespaceSelector`; None selects no namespace, an empty one every namespace.
    pub namespace_selector: Option<Selector>,
    /// `topologyKey`.
    pub topology_key: String,
}

impl PodAffinityTerm {
    /// Whether the term, written in a pod of namespace `own_ns`, selects a pod of
    /// namespace `ns` (labelled `ns_labels`) with `labels` (`AffinityTerm.Matches`, with
    /// `NewPodInfo`'s default of the owner's namespace).
    pub fn matches(&self, own_ns: &str, ns: &str, ns_labels: &Labels, labels: &Labels) -> bool {
        let in_namespace = if self.namespaces.is_empty() && self.namespace_selector.is_none() {
            own_ns == ns
        } else {
            self.namespaces.iter().any(|n| n == ns)
                || self
                    .namespace_selector
                    .as_ref()
                    .is_some_and(|s| s.matches(ns_labels))
        };
        in_namespace && self.selector.as_ref().is_some_and(|s| s.matches(labels))
    }
}

/// A weighted `preferredDuringSchedulingIgnoredDuringExecution[]` pod (anti-)affinity term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeightedPodAffinityTerm {
    /// `weight`, 1–100.
    pub weight: i32,
    /// `podAffinityTerm`.
    pub term: PodAffinityTerm,
}

/// `affinity.podAffinity` or `affinity.podAntiAffinity`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodAffinity {
    /// `requiredDuringSchedulingIgnoredDuringExecution`.
    pub required: Vec<PodAffinityTerm>,
    /// `preferredDuringSchedulingIgnoredDuringExecution`.
    pub preferred: Vec<WeightedPodAffinityTerm>,
}

impl PodAffinity {
    /// No terms of either kind.
    pub fn is_empty(&self) -> bool {
        self.required.is_empty() && self.preferred.is_empty()
    }
}

/// `spec.affinity`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Affinity {
    /// `nodeAffinity`.
    pub node: NodeAffinity,
    /// `podAffinity`.
    pub pod: PodAffinity,
    /// `podAntiAffinity`.
    pub anti: PodAffinity,
}

/// `whenUnsatisfiable`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhenUnsatisfiable {
    /// `DoNotSchedule`: a Filter.
    DoNotSchedule,
    /// `ScheduleAnyway`: a Score.
    ScheduleAnyway,
}

/// One `spec.topologySpreadConstraints[]` entry after defaulting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopologySpreadConstraint {
    /// `maxSkew` (> 0).
    pub max_skew: i32,
    /// `topologyKey`.
    pub topology_key: String,
    /// `whenUnsatisfiable`.
    pub when_unsatisfiable: WhenUnsatisfiable,
    /// `labelSelector`; None matches no pod.
    pub selector: Option<Selector>,
    /// `minDomains` (None: 1, as the plugin treats an unset value).
    pub min_domains: Option<i32>,
    /// `nodeAffinityPolicy: Honor` (the default): only nodes matching the pod's
    /// nodeSelector and required node affinity count.
    pub honor_node_affinity: bool,
    /// `nodeTaintsPolicy: Honor` (default Ignore): only nodes whose NoSchedule/NoExecute
    /// taints the pod tolerates count.
    pub honor_node_taints: bool,
    /// `matchLabelKeys`: the pod's values for these keys are ANDed into the selector.
    pub match_label_keys: Vec<String>,
}
