//! Which cluster event a node update is (`NodeSchedulingPropertiesChange`,
//! pkg/scheduler/eventhandlers.go and framework/events.go): the scheduler's informer
//! compares the old and new Node and fires UpdateNodeAllocatable, UpdateNodeLabel or
//! UpdateNodeTaint (which `spec.unschedulable` maps to) only for what changed. Kubesim's
//! informer hands over the new object only, so the fields are remembered here, as
//! fingerprints, from each node's previous update.

use crate::model::node::Node;
use crate::model::pod::Resources;
use crate::scheduler::plugins::requeue;

/// Per node: the fingerprints of its last update.
#[derive(Debug, Default)]
pub struct NodeProps {
    seen: Vec<Option<Props>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Props {
    allocatable: Resources,
    max_pods: u32,
    labels: u64,
    taints: u64,
}

impl Props {
    fn of(n: &Node) -> Props {
        let mut labels: Vec<&[u8]> = Vec::new();
        for (k, v) in n.meta.labels.iter() {
            labels.extend([k.as_bytes(), b"=", v.as_bytes(), b"\n"]);
        }
        let mut taints: Vec<Vec<u8>> = Vec::new();
        for t in &n.taints {
            let added = t.time_added.map_or(u64::MAX, |a| a.0);
            taints.push(format!("{}={}:{:?}@{added}\n", t.key, t.value, t.effect).into_bytes());
        }
        taints.push(vec![u8::from(n.unschedulable)]);
        let taint_parts: Vec<&[u8]> = taints.iter().map(Vec::as_slice).collect();
        Props {
            allocatable: n.allocatable,
            max_pods: n.max_pods,
            labels: crate::sim::rng::fnv1a_64(&labels),
            taints: crate::sim::rng::fnv1a_64(&taint_parts),
        }
    }
}

impl NodeProps {
    /// Records the node as now stored; returns the `requeue` events its change from the
    /// last update makes (0 for a first sight or no scheduling-relevant change).
    pub fn observe(&mut self, node: u32, n: Option<&Node>) -> u8 {
        let Some(n) = n else { return 0 };
        let now = Props::of(n);
        let i = node as usize;
        if self.seen.len() <= i {
            self.seen.resize(i + 1, None);
        }
        let Some(old) = self.seen[i].replace(now) else {
            return 0;
        };
        let mut events = 0;
        if old.allocatable != now.allocatable || old.max_pods != now.max_pods {
            events |= requeue::NODE_ALLOCATABLE;
        }
        if old.labels != now.labels {
            events |= requeue::NODE_LABEL;
        }
        if old.taints != now.taints {
            events |= requeue::NODE_TAINT;
        }
        events
    }

    /// The node was deleted.
    pub fn forget(&mut self, node: u32) {
        if let Some(s) = self.seen.get_mut(node as usize) {
            *s = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::etcd::store::testing as fx;
    use crate::model::pod::{Taint, TaintEffect};

    fn node() -> Node {
        let mut store = crate::etcd::Store::default();
        let id = fx::node(&mut store, "n", 4000, 16 << 30);
        store.nodes.get(id).expect("node").clone()
    }

    #[test]
    fn only_scheduling_properties_make_an_event() {
        // eventhandlers.go updateNodeInCache: NodeSchedulingPropertiesChange yields
        // UpdateNodeAllocatable, UpdateNodeLabel and UpdateNodeTaint (spec.unschedulable
        // included), and nothing for a status change such as a heartbeat or images.
        let mut p = NodeProps::default();
        let mut n = node();
        assert_eq!(
            p.observe(0, Some(&n)),
            0,
            "first sight is the Add, not an update"
        );
        n.images = std::sync::Arc::new(crate::model::node::status_images([("a:1", 1)]));
        n.heartbeat = crate::model::node::Beat::new(
            crate::sim::time::SimTime(7),
            crate::model::node::STATUS_REPORT,
        );
        assert_eq!(p.observe(0, Some(&n)), 0);
        n.meta.labels = fx::labels(&[("disk", "ssd")]);
        assert_eq!(p.observe(0, Some(&n)), requeue::NODE_LABEL);
        n.unschedulable = true;
        assert_eq!(p.observe(0, Some(&n)), requeue::NODE_TAINT);
        n.taints.push(Taint {
            key: "k".into(),
            value: String::new(),
            effect: TaintEffect::NoSchedule,
            time_added: None,
        });
        n.allocatable.cpu_milli += 1000;
        assert_eq!(
            p.observe(0, Some(&n)),
            requeue::NODE_TAINT | requeue::NODE_ALLOCATABLE
        );
        p.forget(0);
        assert_eq!(p.observe(0, Some(&n)), 0);
    }
}
