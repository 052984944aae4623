//! A failed cycle's `Diagnosis.NodeToStatus`: each rejected node with its Filter reasons.
//!
//! Kept flat (one vector of reasons, one of node ranges) rather than a vector per node: on a
//! full 5,000-node cluster every failed cycle rejects every node, and a small allocation per
//! node per cycle dominated such runs.

use crate::scheduler::plugins::Rejection;

/// The rejected nodes of one cycle, in the order they were filtered.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// Each node and the end of its reasons in `reasons`.
    nodes: Vec<(u32, u32)>,
    reasons: Vec<Rejection>,
}

impl Rejected {
    /// Records `node`, rejected for `reasons`.
    pub fn push(&mut self, node: u32, reasons: &[Rejection]) {
        // Usually one reason: copied in place rather than through a memcpy call.
        for r in reasons {
            self.reasons.push(*r);
        }
        self.nodes.push((node, self.reasons.len() as u32));
    }

    /// How many nodes were rejected.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// No node was rejected.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Each rejected node with its reasons.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &[Rejection])> + '_ {
        let mut start = 0usize;
        self.nodes.iter().map(move |&(node, end)| {
            let r = &self.reasons[start..end as usize];
            start = end as usize;
            (node, r)
        })
    }

    /// Every reason of every node, in order.
    pub fn reasons(&self) -> impl Iterator<Item = &Rejection> + '_ {
        self.reasons.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_node_keeps_its_own_reasons_in_order() {
        let r = |reason| Rejection {
            reason,
            resolvable: true,
        };
        let mut d = Rejected::default();
        d.push(4, &[r("Too many pods"), r("Insufficient cpu")]);
        d.push(9, &[]);
        d.push(2, &[r("Insufficient memory")]);
        let got: Vec<(u32, Vec<&str>)> = d
            .iter()
            .map(|(n, rs)| (n, rs.iter().map(|x| x.reason).collect()))
            .collect();
        assert_eq!(
            got,
            vec![
                (4, vec!["Too many pods", "Insufficient cpu"]),
                (9, vec![]),
                (2, vec!["Insufficient memory"]),
            ]
        );
        assert_eq!(d.len(), 3);
        assert_eq!(d.reasons().count(), 3);
    }
}
