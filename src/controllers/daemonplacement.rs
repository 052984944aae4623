//! The DaemonSet controller's memo of `NodeShouldRunDaemonPod` (pkg/controller/daemon/
//! daemon_controller.go): per DaemonSet, each node's verdict with the node's resourceVersion
//! and the DaemonSet's generation it was computed for.
//!
//! Upstream evaluates the predicate for every node in `manage`, `rollingUpdate` and
//! `updateDaemonSetStatus` of every sync, and a sync follows every daemon pod's status
//! change: when 5 % of 5,000 nodes are lost, each MarkPodsNotReady of a daemon pod costs
//! three passes over 5,000 nodes' selectors, affinities and taints. The verdict depends only
//! on the node and the DaemonSet's pod template, so kubesim keeps it until either is written
//! again: a pass is then one integer comparison per node. The verdicts are the ones the
//! predicate gives; only the work is saved.

use std::collections::BTreeMap;

use crate::controllers::daemonset::{daemon_pod_spec, node_should_run};
use crate::etcd::Store;
use crate::model::pod::PodSpec;
use crate::model::service::DaemonSet;

/// `(shouldRun, shouldContinueRunning)` of one node.
pub type Verdict = (bool, bool);

/// The memo of every DaemonSet the controller synced.
#[derive(Debug, Default)]
pub struct Placements {
    by_ds: BTreeMap<u32, Memo>,
}

#[derive(Debug, Default)]
struct Memo {
    /// `metadata.generation` of the DaemonSet the verdicts were computed for.
    generation: i64,
    /// Per node id: the node's resourceVersion and its verdict.
    by_node: Vec<Option<(u64, Verdict)>>,
}

/// Every node's verdict for one DaemonSet, as of the store it was refreshed from.
#[derive(Clone, Copy, Debug)]
pub struct Verdicts<'a>(&'a [Option<(u64, Verdict)>]);

impl Verdicts<'_> {
    /// The verdict of `node`; a node the refresh did not see (none) runs nothing.
    pub fn get(&self, node: u32) -> Verdict {
        self.0
            .get(node as usize)
            .and_then(|v| v.map(|(_, verdict)| verdict))
            .unwrap_or((false, false))
    }
}

impl Placements {
    /// Brings DaemonSet `id`'s verdicts up to date with `store`, evaluating the predicate
    /// only for nodes written since (or all of them when the DaemonSet's spec changed).
    pub fn refresh(&mut self, store: &Store, id: u32, ds: &DaemonSet) -> Verdicts<'_> {
        self.refresh_for(store, id, ds.meta.generation, &ds.spec.template.spec)
    }

    /// [`Placements::refresh`] for a DaemonSet at `generation` with pod template `template`.
    fn refresh_for(
        &mut self,
        store: &Store,
        id: u32,
        generation: i64,
        template: &PodSpec,
    ) -> Verdicts<'_> {
        let memo = self.by_ds.entry(id).or_default();
        if memo.generation != generation {
            memo.generation = generation;
            memo.by_node.clear();
        }
        let mut spec: Option<PodSpec> = None;
        let mut seen = vec![false; memo.by_node.len()];
        for (nid, node) in store.nodes.iter() {
            let i = nid as usize;
            if memo.by_node.len() <= i {
                memo.by_node.resize(i + 1, None);
                seen.resize(i + 1, false);
            }
            seen[i] = true;
            let rv = node.meta.resource_version;
            if memo.by_node[i].is_some_and(|(at, _)| at == rv) {
                continue;
            }
            let spec = spec.get_or_insert_with(|| daemon_pod_spec(template));
            memo.by_node[i] = Some((rv, node_should_run(node, spec)));
        }
        // A deleted node's slot may be reused by a new node: drop what it said.
        for (slot, seen) in memo.by_node.iter_mut().zip(seen) {
            if !seen {
                *slot = None;
            }
        }
        Verdicts(&memo.by_node)
    }

    /// The DaemonSet is gone.
    pub fn forget(&mut self, id: u32) {
        self.by_ds.remove(&id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::etcd::store::testing as fx;

    /// The memo gives the predicate's verdicts, a node written since (relabelled) is
    /// evaluated again, and a new generation re-evaluates every node.
    #[test]
    fn verdicts_follow_the_nodes_writes_and_the_daemonsets_generation() {
        let mut store = Store::default();
        let a = fx::node(&mut store, "a", 4000, 8 << 30);
        let b = fx::node(&mut store, "b", 4000, 8 << 30);
        let mut spec = (*fx::spec(100)).clone();
        spec.node_selector = fx::labels(&[("pool", "x")]);
        let mut p = Placements::default();
        assert_eq!(p.refresh_for(&store, 0, 1, &spec).get(a), (false, false));
        let node = store.nodes.get_mut(a).expect("a");
        node.meta.labels = fx::labels(&[("pool", "x")]);
        // Unchanged resourceVersion: the old verdict stands (the memo trusts the store's
        // revision, which every write through the API server bumps).
        assert_eq!(p.refresh_for(&store, 0, 1, &spec).get(a), (false, false));
        store.nodes.get_mut(a).expect("a").meta.resource_version += 1;
        let v = p.refresh_for(&store, 0, 1, &spec);
        assert_eq!(v.get(a), (true, true));
        assert_eq!(v.get(b), (false, false));
        spec.node_selector = Default::default();
        assert_eq!(p.refresh_for(&store, 0, 2, &spec).get(b), (true, true));
        assert_eq!(p.refresh_for(&store, 0, 2, &spec).get(99), (false, false));
    }
}
