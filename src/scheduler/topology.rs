//! Topology domains for one scheduling cycle: each node label key a plugin spreads or
//! groups over (`topologyKey`) interned once, with every node's value as a small integer,
//! so that Filter and Score look counts up by index instead of hashing `(key, value)`
//! pairs per node (upstream's `topologyPair` maps).

use crate::etcd::Store;
use crate::model::labels::Labels;

/// A node without the key's label.
pub const NO_DOMAIN: u32 = u32::MAX;

/// One interned topology key: its name and each node's domain (indexed by node id).
#[derive(Debug)]
pub struct Topology {
    /// The label key.
    pub key: String,
    /// Domain of each node id ([`NO_DOMAIN`] for a node without the label or unknown).
    domain: Vec<u32>,
    /// How many distinct values the nodes carry.
    pub domains: usize,
}

impl Topology {
    /// The domain of `node`, if it has the label.
    pub fn of(&self, node: u32) -> Option<u32> {
        self.domain
            .get(node as usize)
            .copied()
            .filter(|d| *d != NO_DOMAIN)
    }
}

/// The topology keys of one cycle, built on first use of each key.
#[derive(Debug, Default)]
pub struct Topologies {
    list: Vec<Topology>,
}

impl Topologies {
    /// The index of `key`, interning its domains over `nodes` the first time.
    pub fn intern(&mut self, store: &Store, nodes: &[u32], key: &str) -> usize {
        if let Some(i) = self.list.iter().position(|t| t.key == key) {
            return i;
        }
        let len = nodes.iter().map(|n| *n as usize + 1).max().unwrap_or(0);
        let mut domain = vec![NO_DOMAIN; len];
        let mut values: std::collections::BTreeMap<&str, u32> = std::collections::BTreeMap::new();
        for n in nodes {
            let Some(v) = store
                .nodes
                .get(*n)
                .and_then(|node| node.meta.labels.get(key))
            else {
                continue;
            };
            let next = values.len() as u32;
            domain[*n as usize] = *values.entry(v).or_insert(next);
        }
        self.list.push(Topology {
            key: key.to_string(),
            domain,
            domains: values.len(),
        });
        self.list.len() - 1
    }

    /// The topology at `i`.
    pub fn get(&self, i: usize) -> &Topology {
        &self.list[i]
    }
}

/// Counts per (topology, domain): upstream's `topologyToMatchedTermCount` and
/// `scoreMap`, dense.
#[derive(Debug, Default)]
pub struct PairCounts {
    by_topology: Vec<Vec<i64>>,
    /// Topologies with an entry (in first-touch order).
    touched: Vec<usize>,
}

impl PairCounts {
    /// Adds `v` to the pair; `domains` sizes the topology's row the first time.
    pub fn add(&mut self, topology: usize, domains: usize, domain: u32, v: i64) {
        if self.by_topology.len() <= topology {
            self.by_topology.resize_with(topology + 1, Vec::new);
        }
        let row = &mut self.by_topology[topology];
        if row.is_empty() {
            row.resize(domains.max(1), 0);
            self.touched.push(topology);
        }
        row[domain as usize] += v;
    }

    /// The count of a pair (0 when never added).
    pub fn get(&self, topology: usize, domain: u32) -> i64 {
        self.by_topology
            .get(topology)
            .and_then(|row| row.get(domain as usize))
            .copied()
            .unwrap_or(0)
    }

    /// Whether any pair holds a non-zero count (upstream's map is non-empty: it deletes
    /// pairs that fall to zero).
    pub fn any(&self) -> bool {
        self.by_topology
            .iter()
            .any(|row| row.iter().any(|c| *c != 0))
    }

    /// Whether any pair was ever added to, even if it sums to zero (a `scoreMap` entry).
    pub fn touched(&self) -> bool {
        !self.touched.is_empty()
    }

    /// The topologies with an entry.
    pub fn topologies(&self) -> &[usize] {
        &self.touched
    }
}

/// A namespace's labels (empty when the Namespace object is gone), for
/// `namespaceSelector`.
pub fn namespace_labels(store: &Store, ns: Option<crate::model::meta::NsId>) -> &Labels {
    static EMPTY: std::sync::OnceLock<Labels> = std::sync::OnceLock::new();
    ns.and_then(|id| {
        store
            .lookup(crate::model::kind::Kind::Namespace, None, store.ns_name(id))
            .and_then(|i| store.namespaces.get(i))
    })
    .map(|n| &n.meta.labels)
    .unwrap_or_else(|| EMPTY.get_or_init(Labels::default))
}
