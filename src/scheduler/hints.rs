//! Queueing hints: which cluster events may make a pod that the scheduler found
//! unschedulable fit, plugin by plugin, as each default plugin's `EventsToRegister` and
//! `QueueingHintFn` decide it (pkg/scheduler/framework/plugins/*, 1.35).
//!
//! A pod in unschedulablePods remembers the plugins that rejected it on some node
//! (`UnschedulablePlugins`). A cluster event moves it back to activeQ or backoffQ when one of
//! those plugins registered for the event and that plugin's hint returns `Queue` for the
//! event's object (`isPodWorthRequeuing`). A plugin without a hint function queues on every
//! event it registered for. A pod that no plugin rejected (no node existed) moves on any
//! event.
//!
//! Simplification: upstream's node hints compare the node before and after an update; kubesim
//! keeps only which of the node's scheduling properties changed (`nodeprops`), so an update
//! that changed the property a plugin reads counts as "was rejecting before", and the hint
//! checks the node as it is now. That can queue a pod upstream would skip (when the node
//! already passed that plugin and still does), never the other way round.

use crate::model::node::Node;
use crate::model::pod::{PodSpec, Resources, TaintEffect};
use crate::scheduler::plugins::{self, requeue};

/// The default profile's Filter plugins, as bits of a pod's rejecting set.
pub mod plugin {
    /// NodeResourcesFit.
    pub const FIT: u16 = 1;
    /// NodePorts.
    pub const PORTS: u16 = 2;
    /// NodeUnschedulable.
    pub const UNSCHEDULABLE: u16 = 4;
    /// NodeName.
    pub const NODE_NAME: u16 = 8;
    /// TaintToleration.
    pub const TAINT: u16 = 16;
    /// NodeAffinity.
    pub const AFFINITY: u16 = 32;
    /// PodTopologySpread.
    pub const SPREAD: u16 = 64;
    /// InterPodAffinity.
    pub const INTERPOD: u16 = 128;
    /// VolumeBinding (its PreFilter).
    pub const VOLUME: u16 = 256;
    /// Every plugin bit, in the order [`super::registered`] walks them.
    pub const ALL: [u16; 9] = [
        FIT,
        PORTS,
        UNSCHEDULABLE,
        NODE_NAME,
        TAINT,
        AFFINITY,
        SPREAD,
        INTERPOD,
        VOLUME,
    ];
}

/// The plugin whose Filter gave `reason` (the FitError's per-node reasons).
pub fn rejecting_plugin(reason: &str) -> u16 {
    if reason.starts_with("Insufficient ") || reason == "Too many pods" {
        plugin::FIT
    } else if reason == crate::scheduler::cycle::NODE_PORTS_REASON {
        plugin::PORTS
    } else if reason == "node(s) were unschedulable" {
        plugin::UNSCHEDULABLE
    } else if reason == "node(s) didn't match the requested node name" {
        plugin::NODE_NAME
    } else if reason.starts_with("node(s) had untolerated taint") {
        plugin::TAINT
    } else if reason == "node(s) didn't match Pod's node affinity/selector" {
        plugin::AFFINITY
    } else if reason.starts_with("node(s) didn't match pod topology spread") {
        plugin::SPREAD
    } else if reason.starts_with("node(s) didn't match pod")
        || reason.starts_with("node(s) didn't satisfy existing pods")
    {
        plugin::INTERPOD
    } else {
        plugin::VOLUME
    }
}

/// The events one plugin registered for (`EventsToRegister`): every plugin waits for nodes
/// added, relabelled or retainted (the queue's pre-check can hide an add behind an update,
/// noderesources/fit.go's note, kubernetes#109437); NodeResourcesFit also for allocatable
/// changes and deleted pods; NodePorts for deleted pods; InterPodAffinity and
/// PodTopologySpread for pods added and deleted, and PodTopologySpread for nodes deleted.
fn events_of(p: u16) -> u8 {
    use requeue::*;
    NODE_ANY_PLUGIN
        | match p {
            plugin::FIT => NODE_ALLOCATABLE | ASSIGNED_POD_DELETE,
            plugin::PORTS => ASSIGNED_POD_DELETE,
            plugin::SPREAD => NODE_DELETE | ASSIGNED_POD_DELETE | ASSIGNED_POD_ADD,
            plugin::INTERPOD => ASSIGNED_POD_DELETE | ASSIGNED_POD_ADD,
            _ => 0,
        }
}

/// A cluster event as the hints read it.
#[derive(Clone, Copy, Debug)]
pub enum Event<'a> {
    /// A node added (`NODE_ADD`) or updated (the `nodeprops` bits that changed), as it is now.
    Node {
        /// The node.
        node: &'a Node,
        /// `requeue::NODE_ADD`, or the update's `NODE_LABEL | NODE_TAINT | NODE_ALLOCATABLE`.
        change: u8,
    },
    /// Any other event (`requeue::NODE_DELETE`, `ASSIGNED_POD_ADD`, `ASSIGNED_POD_DELETE`),
    /// for which the plugins have no hint kubesim can evaluate.
    Other(u8),
}

impl Event<'_> {
    fn bits(&self) -> u8 {
        match *self {
            Event::Node { change, .. } | Event::Other(change) => change,
        }
    }
}

/// `isPodWorthRequeuing`: whether `event` may make schedulable a pod that the plugins in
/// `rejected_by` rejected.
pub fn worth_requeuing(
    rejected_by: u16,
    spec: &PodSpec,
    requests: Resources,
    event: Event,
) -> bool {
    if rejected_by == 0 {
        return event.bits() != 0;
    }
    plugin::ALL.into_iter().any(|p| {
        rejected_by & p != 0
            && events_of(p) & event.bits() != 0
            && match event {
                Event::Node { node, change } => node_hint(p, spec, requests, node, change),
                Event::Other(_) => true,
            }
    })
}

/// One plugin's hint for a node added or updated.
fn node_hint(p: u16, spec: &PodSpec, requests: Resources, node: &Node, change: u8) -> bool {
    let added = change & requeue::NODE_ADD != 0;
    match p {
        // fit.go isSchedulableAfterNodeChange: QueueSkip unless the pod would fit the
        // node's allocatable alone (`isFit`), and for an update unless allocatable changed
        // (`haveAnyRequestedResourcesIncreased`).
        plugin::FIT => (added || change & requeue::NODE_ALLOCATABLE != 0) && fits(requests, node),
        // node_unschedulable.go isSchedulableAfterNodeChange: the node is (now) schedulable,
        // or the pod tolerates the unschedulable taint.
        plugin::UNSCHEDULABLE => {
            (added || change & requeue::NODE_TAINT != 0)
                && (!node.unschedulable || plugins::tolerates_unschedulable(spec))
        }
        // taint_toleration.go isSchedulableAfterNodeChange: every NoSchedule and NoExecute
        // taint of the node is (now) tolerated.
        plugin::TAINT => {
            (added || change & requeue::NODE_TAINT != 0)
                && plugins::untolerated_taint(&node.taints, &spec.tolerations, |t| {
                    t.effect != TaintEffect::PreferNoSchedule
                })
                .is_none()
        }
        // node_affinity.go isSchedulableAfterNodeChange: the node (now) matches the pod's
        // nodeSelector and required node affinity.
        plugin::AFFINITY => {
            (added || change & requeue::NODE_LABEL != 0)
                && plugins::matches_node_selector_and_affinity(spec, node)
        }
        // node_name.go isSchedulableAfterNodeAdd: the added node is the one the pod names.
        plugin::NODE_NAME => added && spec.node_name.as_deref() == Some(node.meta.name.as_str()),
        // NodePorts, PodTopologySpread, InterPodAffinity and VolumeBinding: Queue (their node
        // hints read other pods or volumes kubesim does not pass here).
        _ => true,
    }
}

/// `isFit`: the pod's requests fit the node's allocatable with nothing else on it.
fn fits(requests: Resources, node: &Node) -> bool {
    node.max_pods > 0
        && requests.cpu_milli <= node.allocatable.cpu_milli
        && requests.memory <= node.allocatable.memory
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::etcd::store::testing as fx;
    use crate::model::pod::{Taint, Toleration};

    fn node() -> Node {
        let mut store = crate::etcd::Store::default();
        let id = fx::node(&mut store, "n", 4000, 8 << 30);
        store.nodes.get(id).expect("node").clone()
    }

    fn spec(cpu: i64) -> PodSpec {
        (*fx::spec(cpu)).clone()
    }

    fn on(node: &Node, change: u8) -> Event<'_> {
        Event::Node { node, change }
    }

    fn req(cpu: i64) -> Resources {
        Resources {
            cpu_milli: cpu,
            memory: 0,
        }
    }

    /// fit_test.go TestIsSchedulableAfterNodeChange: an added node the pod fits queues it,
    /// one too small does not; an update that leaves allocatable alone is skipped.
    #[test]
    fn fit_queues_on_a_node_big_enough_and_only_when_allocatable_changed() {
        let n = node();
        assert!(worth_requeuing(
            plugin::FIT,
            &spec(1000),
            req(1000),
            on(&n, requeue::NODE_ADD)
        ));
        assert!(!worth_requeuing(
            plugin::FIT,
            &spec(8000),
            req(8000),
            on(&n, requeue::NODE_ADD)
        ));
        assert!(!worth_requeuing(
            plugin::FIT,
            &spec(1000),
            req(1000),
            on(&n, requeue::NODE_LABEL)
        ));
        assert!(worth_requeuing(
            plugin::FIT,
            &spec(1000),
            req(1000),
            on(&n, requeue::NODE_ALLOCATABLE)
        ));
        // NodeResourcesFit registered for deleted assigned pods, NodeAffinity did not.
        let deleted = Event::Other(requeue::ASSIGNED_POD_DELETE);
        assert!(worth_requeuing(plugin::FIT, &spec(1), req(1), deleted));
        assert!(!worth_requeuing(
            plugin::AFFINITY,
            &spec(1),
            req(1),
            deleted
        ));
    }

    /// taint_toleration_test.go TestIsSchedulableAfterNodeChange: a retainted node whose
    /// taints the pod now tolerates queues it; one still untolerated does not.
    #[test]
    fn taint_toleration_queues_when_the_node_becomes_tolerated() {
        let mut n = node();
        n.taints.push(Taint {
            key: "dedicated".into(),
            value: "gpu".into(),
            effect: TaintEffect::NoSchedule,
            time_added: None,
        });
        let s = spec(1);
        assert!(!worth_requeuing(
            plugin::TAINT,
            &s,
            req(1),
            on(&n, requeue::NODE_TAINT)
        ));
        let mut tolerant = s.clone();
        tolerant.tolerations.push(Toleration {
            key: "dedicated".into(),
            exists: true,
            value: String::new(),
            effect: None,
            seconds: None,
        });
        assert!(worth_requeuing(
            plugin::TAINT,
            &tolerant,
            req(1),
            on(&n, requeue::NODE_TAINT)
        ));
        n.taints.clear();
        assert!(worth_requeuing(
            plugin::TAINT,
            &s,
            req(1),
            on(&n, requeue::NODE_TAINT)
        ));
        // A label change leaves the taints, and so the verdict, as they were.
        let relabelled = Event::Node {
            node: &n,
            change: requeue::NODE_LABEL,
        };
        assert!(!worth_requeuing(plugin::TAINT, &s, req(1), relabelled));
    }

    /// node_affinity_test.go TestIsSchedulableAfterNodeChange and
    /// node_unschedulable_test.go TestIsSchedulableAfterNodeChange.
    #[test]
    fn affinity_and_unschedulable_queue_only_on_a_node_that_now_passes() {
        let mut n = node();
        let mut s = spec(1);
        s.node_selector = fx::labels(&[("disk", "ssd")]);
        assert!(!worth_requeuing(
            plugin::AFFINITY,
            &s,
            req(1),
            on(&n, requeue::NODE_LABEL)
        ));
        n.meta.labels = fx::labels(&[("disk", "ssd")]);
        assert!(worth_requeuing(
            plugin::AFFINITY,
            &s,
            req(1),
            on(&n, requeue::NODE_LABEL)
        ));

        n.unschedulable = true;
        assert!(!worth_requeuing(
            plugin::UNSCHEDULABLE,
            &s,
            req(1),
            on(&n, requeue::NODE_TAINT)
        ));
        n.unschedulable = false;
        assert!(worth_requeuing(
            plugin::UNSCHEDULABLE,
            &s,
            req(1),
            on(&n, requeue::NODE_TAINT)
        ));
    }

    /// Any rejecting plugin's Queue is enough; a pod no plugin rejected (no nodes) moves on
    /// any event.
    #[test]
    fn one_rejecting_plugins_queue_moves_the_pod() {
        let n = node();
        let mut s = spec(1);
        s.node_selector = fx::labels(&[("disk", "ssd")]);
        let add = Event::Node {
            node: &n,
            change: requeue::NODE_ADD,
        };
        assert!(!worth_requeuing(plugin::AFFINITY, &s, req(1), add));
        assert!(worth_requeuing(
            plugin::AFFINITY | plugin::FIT,
            &s,
            req(1),
            add
        ));
        assert!(worth_requeuing(0, &s, req(1), add));
        assert_eq!(rejecting_plugin("Insufficient cpu"), plugin::FIT);
        assert_eq!(
            rejecting_plugin("node(s) had untolerated taint(s)"),
            plugin::TAINT
        );
    }
}
