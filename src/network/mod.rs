//! Addresses: node IPs, pod IPs per network plugin, ClusterIPs, NodePorts, public IPs.
//!
//! Models the address bookkeeping of an AKS cluster, IPv4 only (kubesim does not simulate
//! dual-stack):
//! - [`config`]: the cluster's `networkProfile` (plugin, pod/service CIDRs, DNS IP, node subnet)
//!   with AKS's defaults and validation rules (reference/kubernetes-aks-facts.md §D).
//! - [`ipam`]: node IPs from the VNet subnet and pod IPs as kubenet (host-local), Azure CNI
//!   (node subnet) and Azure CNI Overlay (azure-cns) hand them out.
//! - [`service_ip`]: ClusterIPs, as kube-apiserver's `ipallocator` allocates them.
//! - [`node_port`]: NodePorts, as kube-apiserver's `portallocator` allocates them.
//! - [`public_ip`]: LoadBalancer EXTERNAL-IPs, from documentation-only ranges.
//!
//! Every allocator keeps a bitmap indexed by offset, so allocation never overlaps and a full
//! range is an error the caller turns into an event or an API error, never a silent reuse.

pub mod config;
pub mod ipam;
pub mod node_port;
pub mod public_ip;
pub mod service_ip;

pub use config::{Field, NetworkConfig, Plugin};
pub use ipam::{Ipam, IpamError, NodeAddresses, PoolNodes, check_capacity};
pub use node_port::{NodePortAllocator, NodePortError};
pub use public_ip::{PublicIpAllocator, PublicIpError};
pub use service_ip::{ServiceIpAllocator, ServiceIpError};

/// A fixed-size bitmap of allocated offsets, the shape of Kubernetes'
/// `allocator.AllocationBitmap` (pkg/registry/core/service/allocator/bitmap.go), with
/// word-at-a-time search so that scanning a /16 stays cheap.
#[derive(Clone, Debug)]
pub(crate) struct AllocationBitmap {
    words: Vec<u64>,
    len: usize,
    count: usize,
}

impl AllocationBitmap {
    /// An empty bitmap of `len` offsets.
    pub(crate) fn new(len: usize) -> Self {
        AllocationBitmap {
            words: vec![0; len.div_ceil(64)],
            len,
            count: 0,
        }
    }

    /// Number of offsets.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Number of allocated offsets.
    pub(crate) fn count(&self) -> usize {
        self.count
    }

    /// Number of free offsets.
    pub(crate) fn free(&self) -> usize {
        self.len - self.count
    }

    /// Whether `i` is allocated (out-of-range offsets never are).
    pub(crate) fn has(&self, i: usize) -> bool {
        i < self.len && self.words[i / 64] & (1 << (i % 64)) != 0
    }

    /// Marks `i` allocated; false when it already was or is out of range.
    pub(crate) fn set(&mut self, i: usize) -> bool {
        if i >= self.len || self.has(i) {
            return false;
        }
        self.words[i / 64] |= 1 << (i % 64);
        self.count += 1;
        true
    }

    /// Marks `i` free; false when it already was or is out of range.
    pub(crate) fn clear(&mut self, i: usize) -> bool {
        if !self.has(i) {
            return false;
        }
        self.words[i / 64] &= !(1 << (i % 64));
        self.count -= 1;
        true
    }

    /// The lowest free offset in `from..to` (clamped to the bitmap).
    pub(crate) fn first_free_in(&self, from: usize, to: usize) -> Option<usize> {
        let to = to.min(self.len);
        let mut i = from;
        while i < to {
            let word = self.words[i / 64] | ((1u64 << (i % 64)) - 1);
            if word != u64::MAX {
                let found = (i / 64) * 64 + word.trailing_ones() as usize;
                return (found < to).then_some(found);
            }
            i = (i / 64 + 1) * 64;
        }
        None
    }

    /// The first free offset at or after `start` in `lo..hi`, wrapping round to `lo`: the
    /// scan of Kubernetes' random-scan strategies once the start is drawn.
    pub(crate) fn first_free_wrapping(&self, lo: usize, hi: usize, start: usize) -> Option<usize> {
        self.first_free_in(start, hi)
            .or_else(|| self.first_free_in(lo, start))
    }

    /// Kubernetes' `randomScanStrategyWithOffset.AllocateBit`: a random start in the upper
    /// band `offset..len`, scan forward with wrap-around; when the upper band is full, the
    /// same in the lower band `0..offset`. Allocates and returns the offset found.
    pub(crate) fn allocate_random_with_offset(
        &mut self,
        offset: usize,
        rng: &mut (impl rand::Rng + ?Sized),
    ) -> Option<usize> {
        if self.count >= self.len {
            return None;
        }
        let offset = offset.min(self.len);
        let upper = self.len - offset;
        let mut found = None;
        if upper > 0 {
            let start = offset + draw_below(rng, upper);
            found = self.first_free_wrapping(offset, self.len, start);
        }
        if found.is_none() && offset > 0 {
            let start = draw_below(rng, offset);
            found = self.first_free_wrapping(0, offset, start);
        }
        let at = found?;
        self.set(at);
        Some(at)
    }
}

/// A uniform draw in `0..n` (`n` > 0), sampled as `u64` so the stream of draws is the same on
/// every platform whatever the width of `usize`.
fn draw_below(rng: &mut (impl rand::Rng + ?Sized), n: usize) -> usize {
    use rand::RngExt;
    // Bitmaps are far smaller than 2^64 entries, and the draw is below n, so both casts are exact.
    rng.random_range(0..n as u64) as usize
}

#[cfg(test)]
mod tests {
    use super::AllocationBitmap;

    #[test]
    fn first_free_skips_whole_words_and_respects_bounds() {
        let mut b = AllocationBitmap::new(200);
        for i in 0..130 {
            assert!(b.set(i));
        }
        assert_eq!(b.first_free_in(0, 200), Some(130));
        assert_eq!(b.first_free_in(0, 130), None);
        assert_eq!(b.first_free_in(131, 200), Some(131));
        assert!(b.clear(3));
        assert_eq!(b.first_free_in(0, 200), Some(3));
        assert_eq!(b.first_free_wrapping(0, 200, 150), Some(150));
        assert_eq!(b.count(), 129);
    }

    #[test]
    fn setting_twice_or_out_of_range_is_refused() {
        let mut b = AllocationBitmap::new(10);
        assert!(b.set(9));
        assert!(!b.set(9));
        assert!(!b.set(10));
        assert!(!b.clear(10));
        assert_eq!(b.free(), 9);
    }
}
