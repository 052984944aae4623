//! NodePorts — kube-apiserver's NodePort allocator.
//!
//! Mirrors k8s pkg/registry/core/service/portallocator (`allocator.go` `PortAllocator`,
//! `calculateRangeOffset`) over pkg/registry/core/service/allocator
//! `randomScanStrategyWithOffset` (reference/kubernetes-aks-facts.md §B.13, KEP-3668):
//! the range is `--service-node-port-range` 30000-32767, which AKS does not let users change;
//! it is split at `offset = min(max(16, size/32), 128)` (0 when size ≤ 16), 86 for the default
//! 2768 ports; dynamic allocation draws a random start in the upper band (30086-32767) and
//! scans forward with wrap-around, then tries the lower band the same way; an explicit port may
//! be anywhere in the range.
//!
//! The random draws come from the caller's seeded stream, so runs repeat. kube-apiserver wraps
//! these errors as `spec.ports[i].nodePort: Invalid value: <port>: <error>` for an explicit
//! port and `Internal error occurred: failed to allocate a nodePort: range is full` for a
//! dynamic one (pkg/registry/core/service/storage/alloc.go).

use super::AllocationBitmap;

/// Why a NodePort could not be allocated; messages are portallocator's (allocator.go).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NodePortError {
    /// `ErrAllocated`.
    #[error("provided port is already allocated")]
    Allocated,
    /// `ErrNotInRange`, naming the valid range.
    #[error("provided port is not in the valid range. The range of valid ports is {first}-{last}")]
    NotInRange {
        /// First port of the range.
        first: u16,
        /// Last port of the range.
        last: u16,
    },
    /// `ErrFull`.
    #[error("range is full")]
    Full,
}

/// The NodePort allocator of a cluster.
#[derive(Clone, Debug)]
pub struct NodePortAllocator {
    base: u16,
    used: AllocationBitmap,
    offset: usize,
}

/// kube-apiserver's default `--service-node-port-range`, which AKS keeps (§B.13).
pub const DEFAULT_RANGE: (u16, u16) = (30000, 32767);

impl Default for NodePortAllocator {
    fn default() -> Self {
        NodePortAllocator::new()
    }
}

impl NodePortAllocator {
    /// An empty allocator over AKS's range 30000-32767.
    pub fn new() -> Self {
        NodePortAllocator::with_range(DEFAULT_RANGE.0, DEFAULT_RANGE.1)
    }

    /// An empty allocator over `first..=last` (`first` ≤ `last`).
    fn with_range(first: u16, last: u16) -> Self {
        let size = usize::from(last.saturating_sub(first)) + 1;
        NodePortAllocator {
            base: first,
            used: AllocationBitmap::new(size),
            offset: calculate_range_offset(size),
        }
    }

    /// A NodePort for a Service port that did not ask for one (`AllocateNext`).
    pub fn allocate_dynamic(
        &mut self,
        rng: &mut (impl rand::Rng + ?Sized),
    ) -> Result<u16, NodePortError> {
        let at = self
            .used
            .allocate_random_with_offset(self.offset, rng)
            .ok_or(NodePortError::Full)?;
        Ok(self.port_at(at))
    }

    /// Reserves the NodePort a Service port asked for (`Allocate`). Takes `i32` as the API
    /// field is, so out-of-range values from a manifest get upstream's message.
    pub fn allocate_specific(&mut self, port: i32) -> Result<(), NodePortError> {
        let at = self.offset_of(port).ok_or(NodePortError::NotInRange {
            first: self.base,
            last: self.port_at(self.used.len().saturating_sub(1)),
        })?;
        if self.used.set(at) {
            Ok(())
        } else {
            Err(NodePortError::Allocated)
        }
    }

    /// Frees a port of a deleted Service; a port not allocated or out of range is a no-op.
    pub fn release(&mut self, port: i32) {
        if let Some(at) = self.offset_of(port) {
            self.used.clear(at);
        }
    }

    /// Whether `port` is allocated.
    pub fn has(&self, port: i32) -> bool {
        self.offset_of(port).is_some_and(|at| self.used.has(at))
    }

    /// Free ports left, for capacity planning.
    pub fn free(&self) -> usize {
        self.used.free()
    }

    fn port_at(&self, at: usize) -> u16 {
        // at < size ≤ 65536 - base, so the sum fits.
        (usize::from(self.base) + at) as u16
    }

    fn offset_of(&self, port: i32) -> Option<usize> {
        let at = usize::try_from(i64::from(port) - i64::from(self.base)).ok()?;
        (at < self.used.len()).then_some(at)
    }
}

/// portallocator `calculateRangeOffset`: `min(max(16, size/32), 128)`, 0 when the range has at
/// most 16 ports.
fn calculate_range_offset(size: usize) -> usize {
    const MIN: usize = 16;
    const MAX: usize = 128;
    const STEP: usize = 32;
    if size <= MIN {
        return 0;
    }
    (size / STEP).clamp(MIN, MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn range_offset_matches_upstream_table() {
        // k8s pkg/registry/core/service/portallocator/allocator_test.go Test_calculateRangeOffset
        let table = [
            // {name: "default node port range", pr: {Base: 30000, Size: 2768}, want: 86}
            (2768, 86),
            // {name: "very small node port range", pr: {Base: 30000, Size: 10}, want: 0}
            (10, 0),
            // {name: "small node port range (lower boundary)", Size: 16, want: 0}
            (16, 0),
            // {name: "small node port range", Size: 128, want: 16}
            (128, 16),
            // {name: "medium node port range", Size: 2048, want: 64}
            (2048, 64),
            // {name: "large node port range (upper boundary)", Size: 4096, want: 128}
            (4096, 128),
            // {name: "large node port range", Size: 8192, want: 128}
            (8192, 128),
        ];
        for (size, want) in table {
            assert_eq!(calculate_range_offset(size), want, "size {size}");
        }
        assert_eq!(NodePortAllocator::new().offset, 86);
    }

    #[test]
    fn allocates_every_port_once_then_reports_full() {
        // allocator_test.go TestAllocate: range 10000-10200 has 201 ports.
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut r = NodePortAllocator::with_range(10000, 10200);
        assert_eq!(r.free(), 201);
        let mut found = std::collections::BTreeSet::new();
        while r.free() > 0 {
            let p = r.allocate_dynamic(&mut rng).unwrap();
            assert!((10000..=10200).contains(&p));
            assert!(found.insert(p), "{p} allocated twice");
        }
        assert_eq!(r.allocate_dynamic(&mut rng), Err(NodePortError::Full));
        r.release(10005);
        assert_eq!(r.free(), 1);
        assert_eq!(r.allocate_dynamic(&mut rng), Ok(10005));
        r.release(10005);
        let not_in_range = NodePortError::NotInRange {
            first: 10000,
            last: 10200,
        };
        assert_eq!(r.allocate_specific(1), Err(not_in_range.clone()));
        assert_eq!(r.allocate_specific(10001), Err(NodePortError::Allocated));
        assert_eq!(r.allocate_specific(20000), Err(not_in_range.clone()));
        assert_eq!(r.allocate_specific(10201), Err(not_in_range));
        assert_eq!(r.free(), 1);
        assert_eq!(r.allocate_specific(10005), Ok(()));
        assert_eq!(r.free(), 0);
    }

    #[test]
    fn dynamic_ports_fill_the_upper_band_before_the_lower_one() {
        // KEP-3668: the 86 ports 30000-30085 are left for explicit requests until the upper
        // band (2682 ports) is full.
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut r = NodePortAllocator::new();
        for _ in 0..2768 - 86 {
            let p = r.allocate_dynamic(&mut rng).unwrap();
            assert!(p >= 30086, "{p}");
        }
        assert_eq!(r.free(), 86);
        let p = r.allocate_dynamic(&mut rng).unwrap();
        assert!((30000..30086).contains(&p), "{p}");
        assert!(r.has(i32::from(p)));
    }

    #[test]
    fn explicit_ports_get_upstream_messages() {
        let mut r = NodePortAllocator::new();
        assert_eq!(r.allocate_specific(30080), Ok(()));
        assert_eq!(
            r.allocate_specific(30080).unwrap_err().to_string(),
            "provided port is already allocated"
        );
        assert_eq!(
            r.allocate_specific(80).unwrap_err().to_string(),
            "provided port is not in the valid range. The range of valid ports is 30000-32767"
        );
        assert_eq!(
            r.allocate_specific(-1).unwrap_err().to_string(),
            "provided port is not in the valid range. The range of valid ports is 30000-32767"
        );
        r.release(30080);
        assert!(!r.has(30080));
        assert_eq!(NodePortError::Full.to_string(), "range is full");
    }
}
