//! PodTopologySpread's counts for the system default constraints: how many cached pods of
//! each owner (ReplicaSet or ReplicationController) are on each node and in each zone.
//!
//! Kept as the cache changes so that scoring never scans a node's pods. Per owner, the
//! node counts are a small hash map (at most one entry per pod of the owner, so it stays in
//! cache while one cycle reads it for every feasible node) and the zone counts a vector by
//! interned zone. Maps are only looked up, never iterated, so their order cannot reach any
//! output.

use std::collections::HashMap;

/// The owner a pod is counted under: its controller's kind and id, packed (ReplicaSets and
/// ReplicationControllers have separate id spaces).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OwnerKey(u64);

impl OwnerKey {
    /// A ReplicaSet (`rc == false`) or ReplicationController (`rc == true`) by its id.
    pub fn new(rc: bool, id: u32) -> OwnerKey {
        OwnerKey(u64::from(rc) << 32 | u64::from(id))
    }
}

/// One owner's pods by node and by zone.
#[derive(Debug, Default)]
pub struct OwnerSpread {
    nodes: HashMap<u32, u32, IdHash>,
    zones: Vec<u32>,
}

impl OwnerSpread {
    /// The owner's cached pods on `node`.
    pub fn on_node(&self, node: u32) -> u32 {
        if self.nodes.is_empty() {
            return 0;
        }
        self.nodes.get(&node).copied().unwrap_or(0)
    }

    /// The owner's cached pods in the zone with index `zone`.
    pub fn in_zone(&self, zone: u32) -> u32 {
        self.zones.get(zone as usize).copied().unwrap_or(0)
    }
}

/// Every owner's [`OwnerSpread`], by owner.
#[derive(Debug, Default)]
pub struct SpreadCounts {
    index: HashMap<OwnerKey, u32, IdHash>,
    owners: Vec<OwnerSpread>,
}

impl SpreadCounts {
    /// Counts a pod of `owner` on `node` (in `zone`, when the node has one).
    pub fn add(&mut self, owner: OwnerKey, node: u32, zone: Option<u32>) {
        let next = self.owners.len() as u32;
        let i = *self.index.entry(owner).or_insert(next);
        if i == next {
            self.owners.push(OwnerSpread::default());
        }
        let o = &mut self.owners[i as usize];
        *o.nodes.entry(node).or_default() += 1;
        if let Some(z) = zone {
            let z = z as usize;
            if o.zones.len() <= z {
                o.zones.resize(z + 1, 0);
            }
            o.zones[z] += 1;
        }
    }

    /// Stops counting a pod of `owner` on `node` (and `zone`).
    pub fn remove(&mut self, owner: OwnerKey, node: u32, zone: Option<u32>) {
        let Some(&i) = self.index.get(&owner) else {
            return;
        };
        let o = &mut self.owners[i as usize];
        if let Some(c) = o.nodes.get_mut(&node) {
            *c = c.saturating_sub(1);
            if *c == 0 {
                o.nodes.remove(&node);
            }
        }
        if let Some(c) = zone.and_then(|z| o.zones.get_mut(z as usize)) {
            *c = c.saturating_sub(1);
        }
    }

    /// The counts of `owner`; None when it never had a cached pod.
    pub fn owner(&self, owner: OwnerKey) -> Option<&OwnerSpread> {
        self.index.get(&owner).map(|&i| &self.owners[i as usize])
    }
}

/// A multiplicative hash for integer keys (looked up once per feasible node per cycle;
/// SipHash would dominate that loop).
#[derive(Clone, Copy, Debug, Default)]
pub struct IdHash;

impl std::hash::BuildHasher for IdHash {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher(0)
    }
}

/// The hasher behind [`IdHash`].
#[derive(Clone, Copy, Debug, Default)]
pub struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_follow_adds_and_removes_per_owner_node_and_zone() {
        let mut s = SpreadCounts::default();
        let rs = OwnerKey::new(false, 7);
        let rc = OwnerKey::new(true, 7);
        s.add(rs, 1, Some(0));
        s.add(rs, 1, Some(0));
        s.add(rs, 2, Some(1));
        s.add(rc, 1, None);
        let o = s.owner(rs).expect("rs");
        assert_eq!((o.on_node(1), o.on_node(2), o.on_node(3)), (2, 1, 0));
        assert_eq!((o.in_zone(0), o.in_zone(1), o.in_zone(2)), (2, 1, 0));
        // The ReplicationController with the same id is a different owner.
        let c = s.owner(rc).expect("rc");
        assert_eq!((c.on_node(1), c.in_zone(0)), (1, 0));
        s.remove(rs, 1, Some(0));
        s.remove(rs, 2, Some(1));
        let o = s.owner(rs).expect("rs");
        assert_eq!(
            (o.on_node(1), o.on_node(2), o.in_zone(0), o.in_zone(1)),
            (1, 0, 1, 0)
        );
        assert!(s.owner(OwnerKey::new(false, 8)).is_none());
    }
}
