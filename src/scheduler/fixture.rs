//! A small store of labelled nodes and placed pods for the plugins' unit tests, in the
//! shape of upstream's `st.MakeNode()` / `st.MakePod()` test tables.

use crate::etcd::Store;
use crate::etcd::store::testing as fx;
use crate::model::affinity::{PodAffinityTerm, TopologySpreadConstraint, WhenUnsatisfiable};
use crate::model::labels::Selector;
use crate::model::pod::PodSpec;
use crate::scheduler::cycle::{CycleState, Placed};
use crate::scheduler::interpod;
use crate::scheduler::plugins::NodeUsage;

/// Nodes in creation order and the pods bound to them.
#[derive(Default)]
pub struct Cluster {
    pub store: Store,
    pub nodes: Vec<u32>,
    placed: Vec<(u32, u32)>,
}

/// `st.MakeLabelSelector().Exists(key)`.
pub fn exists(key: &str) -> Selector {
    Selector::from_label_selector(&[], &[(key.into(), "Exists".into(), Vec::new())])
        .expect("valid selector")
}

/// `key In values` as a selector.
pub fn key_in(key: &str, values: &[&str]) -> Selector {
    let values = values.iter().map(|v| v.to_string()).collect();
    Selector::from_label_selector(&[], &[(key.into(), "In".into(), values)])
        .expect("valid selector")
}

/// A pod affinity term on `topology_key` in the pod's own namespace.
pub fn term(selector: Selector, topology_key: &str) -> PodAffinityTerm {
    PodAffinityTerm {
        selector: Some(selector),
        namespaces: Vec::new(),
        namespace_selector: None,
        topology_key: topology_key.into(),
    }
}

/// `SpreadConstraint(maxSkew, key, when, selector)` with the plugin's defaults.
pub fn spread(
    max_skew: i32,
    key: &str,
    when: WhenUnsatisfiable,
    selector: Selector,
) -> TopologySpreadConstraint {
    TopologySpreadConstraint {
        max_skew,
        topology_key: key.into(),
        when_unsatisfiable: when,
        selector: Some(selector),
        min_domains: None,
        honor_node_affinity: true,
        honor_node_taints: false,
        match_label_keys: Vec::new(),
    }
}

impl Cluster {
    /// A 4-CPU node with these labels.
    pub fn node(&mut self, name: &str, labels: &[(&str, &str)]) -> u32 {
        let id = fx::node(&mut self.store, name, 4000, 16 << 30);
        if let Some(n) = self.store.nodes.get_mut(id) {
            n.meta.labels = fx::labels(labels);
        }
        self.nodes.push(id);
        id
    }

    /// A pod in namespace `ns` with `labels`, its spec shaped by `edit`, bound to `node`
    /// (counted as placed) or pending.
    pub fn pod(
        &mut self,
        name: &str,
        ns: &str,
        labels: &[(&str, &str)],
        node: Option<u32>,
        edit: impl FnOnce(&mut PodSpec),
    ) -> u32 {
        let ns = match self.store.find_ns(ns) {
            Some(id) if self.store.namespace_active(id) => id,
            _ => fx::namespace(&mut self.store, ns),
        };
        let mut spec = (*fx::spec(0)).clone();
        edit(&mut spec);
        let id = fx::pod(
            &mut self.store,
            name,
            ns,
            std::sync::Arc::new(spec),
            None,
            node,
        );
        if let Some(p) = self.store.pods.get_mut(id) {
            p.meta.labels = fx::labels(labels);
        }
        if let Some(n) = node {
            self.placed.push((id, n));
        }
        id
    }

    /// Marks a pod as terminating (a deletion timestamp).
    pub fn terminate(&mut self, pod: u32) {
        if let Some(p) = self.store.pods.get_mut(pod) {
            p.meta.deleted = Some(crate::sim::time::SimTime(1));
        }
    }

    /// The placed pods as the scheduler hands them to a cycle.
    pub fn placed(&self) -> Placed {
        let with = |f: &dyn Fn(&crate::model::pod::Pod) -> bool| {
            self.placed
                .iter()
                .copied()
                .filter(|(p, _)| self.store.pods.get(*p).is_some_and(f))
                .collect()
        };
        Placed {
            all: self.placed.clone(),
            with_affinity: with(&interpod::has_pod_affinity),
            with_host_ports: with(&|p| p.spec.containers.iter().any(|c| !c.host_ports.is_empty())),
        }
    }

    /// PreFilter for `pod`, then Filter on every node in order: None where it passes, the
    /// rejection's reason and resolvability where it does not.
    pub fn verdicts(&self, pod: u32) -> Vec<Option<(&'static str, bool)>> {
        let p = self.store.pods.get(pod).expect("pod");
        let placed = self.placed();
        let state = CycleState::new(&self.store, &self.nodes, p, &placed);
        self.nodes
            .iter()
            .map(|n| {
                let node = self.store.nodes.get(*n).expect("node");
                let mut out = Vec::new();
                let usage = NodeUsage {
                    pods: self.placed.iter().filter(|(_, m)| m == n).count() as u32,
                    ..NodeUsage::default()
                };
                if state.filter(*n, node, &usage, &mut out) {
                    None
                } else {
                    out.first().map(|r| (r.reason, r.resolvable))
                }
            })
            .collect()
    }

    /// The weighted InterPodAffinity scores and (for a pod with its own constraints) the
    /// PodTopologySpread scores over every node as the feasible set.
    pub fn pod_scores(&self, pod: u32) -> (Option<Vec<i64>>, Option<Vec<i64>>) {
        let p = self.store.pods.get(pod).expect("pod");
        let placed = self.placed();
        let mut state = CycleState::new(&self.store, &self.nodes, p, &placed);
        state.pod_scores(&self.store, &self.nodes, &placed, &self.nodes)
    }
}
