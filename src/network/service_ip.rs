//! Service ClusterIPs — kube-apiserver's ClusterIP allocator.
//!
//! Mirrors k8s pkg/registry/core/service/ipallocator (`bitmap.go` `Range`, the IPAddress-based
//! `ipallocator.go` `Allocator`, which follows the same rules, and `calculateRangeOffset`) over
//! pkg/registry/core/service/allocator `randomScanStrategyWithOffset`
//! (reference/kubernetes-aks-facts.md §B.13, KEP-3070):
//! - the network and broadcast addresses are never handed out;
//! - the range is split at `offset = min(max(16, size/16), 256)` (0 when size ≤ 16) after the
//!   first usable address; dynamic allocation draws a random start in the upper band and scans
//!   forward with wrap-around, falling back to the lower band (same strategy) when the upper
//!   band is full. For the default 10.0.0.0/16 the upper band starts at 10.0.1.1.
//! - An explicit request takes any free address of the range.
//!
//! The random draws come from the caller's seeded stream (`rand::Rng`), so runs repeat.
//! [`ServiceIpAllocator::for_cluster`] holds the `kubernetes` Service's first address and the
//! kube-dns address from the start, as the cluster has both Services at t=0 (docs/scenario.md#the-cluster-at-t0).
//! IPv4 only. Errors carry the allocator's wording; kube-apiserver wraps them as
//! `spec.clusterIPs: Invalid value: …: failed to allocate IP <ip>: <error>` for an explicit IP
//! and `Internal error occurred: failed to allocate a serviceIP: range is full` for a dynamic
//! one (pkg/registry/core/service/storage/alloc.go `allocIPs`).

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use super::AllocationBitmap;
use super::config::NetworkConfig;

/// Why a ClusterIP could not be allocated; messages are ipallocator's (interfaces.go).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ServiceIpError {
    /// `ErrAllocated`.
    #[error("provided IP is already allocated")]
    Allocated,
    /// `ErrNotInRange`: outside the range, or its network or broadcast address.
    #[error("provided IP {0} is not in the valid range")]
    NotInRange(Ipv4Addr),
    /// `ErrFull`.
    #[error("range is full")]
    Full,
}

/// The ClusterIP allocator over the cluster's service CIDR.
#[derive(Clone, Debug)]
pub struct ServiceIpAllocator {
    cidr: Ipv4Net,
    /// Offsets from the first usable address (network + 1), as upstream's `Range.base`.
    used: AllocationBitmap,
    offset: usize,
}

impl ServiceIpAllocator {
    /// An empty allocator over `cidr` (upstream's `NewInMemory`).
    pub fn new(cidr: Ipv4Net) -> Self {
        let size = range_size(cidr);
        // Neither the network nor the broadcast address is usable.
        let usable = size.saturating_sub(2);
        ServiceIpAllocator {
            cidr,
            used: AllocationBitmap::new(usable),
            offset: calculate_range_offset(size),
        }
    }

    /// The allocator of a new cluster: the service CIDR with the `kubernetes` Service's address
    /// (the first) and the kube-dns address already taken.
    pub fn for_cluster(cfg: &NetworkConfig) -> Self {
        let mut allocator = ServiceIpAllocator::new(cfg.service_cidr);
        for ip in [cfg.kubernetes_service_ip(), cfg.dns_service_ip] {
            // Both lie in the range: NetworkConfig::resolve checked the DNS IP.
            let _ = allocator.allocate_specific(ip);
        }
        allocator
    }

    /// A ClusterIP for a Service that did not ask for one (`AllocateNext`).
    pub fn allocate_dynamic(
        &mut self,
        rng: &mut (impl rand::Rng + ?Sized),
    ) -> Result<Ipv4Addr, ServiceIpError> {
        let at = self
            .used
            .allocate_random_with_offset(self.offset, rng)
            .ok_or(ServiceIpError::Full)?;
        Ok(self.ip_at(at))
    }

    /// Reserves the ClusterIP a Service asked for (`Allocate`).
    pub fn allocate_specific(&mut self, ip: Ipv4Addr) -> Result<(), ServiceIpError> {
        let at = self.offset_of(ip).ok_or(ServiceIpError::NotInRange(ip))?;
        if self.used.set(at) {
            Ok(())
        } else {
            Err(ServiceIpError::Allocated)
        }
    }

    /// Frees a deleted Service's ClusterIP; an address not allocated or not in the range is a
    /// no-op, as upstream.
    pub fn release(&mut self, ip: Ipv4Addr) {
        if let Some(at) = self.offset_of(ip) {
            self.used.clear(at);
        }
    }

    /// Whether `ip` is allocated.
    pub fn has(&self, ip: Ipv4Addr) -> bool {
        self.offset_of(ip).is_some_and(|at| self.used.has(at))
    }

    /// Free addresses left (upstream's `Free`), for capacity planning.
    pub fn free(&self) -> usize {
        self.used.free()
    }

    fn ip_at(&self, at: usize) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.cidr.network()) + 1 + at as u32)
    }

    fn offset_of(&self, ip: Ipv4Addr) -> Option<usize> {
        let first = u32::from(self.cidr.network()).checked_add(1)?;
        let at = u32::from(ip).checked_sub(first)? as usize;
        (at < self.used.len()).then_some(at)
    }
}

/// ipallocator `calculateRangeOffset`: `min(max(16, size/16), 256)`, 0 when the range has at
/// most 16 addresses. `size` counts every address of the CIDR.
fn calculate_range_offset(size: usize) -> usize {
    const MIN: usize = 16;
    const MAX: usize = 256;
    const STEP: usize = 16;
    if size <= MIN {
        return 0;
    }
    (size / STEP).clamp(MIN, MAX)
}

fn range_size(net: Ipv4Net) -> usize {
    1usize << (32 - u32::from(net.prefix_len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn net(s: &str) -> Ipv4Net {
        s.parse::<Ipv4Net>().unwrap().trunc()
    }

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    #[test]
    fn range_offset_matches_upstream_table() {
        // k8s pkg/registry/core/service/ipallocator/bitmap_test.go Test_calculateRangeOffset
        // (IPv4 rows; CIDRs with host bits are masked as ParseCIDRSloppy does).
        let table = [
            // {name: "full mask IPv4", cidr: "192.168.1.1/32", want: 0}
            ("192.168.1.1/32", 0),
            // {name: "very small mask IPv4", cidr: "192.168.1.1/30", want: 0}
            ("192.168.1.1/30", 0),
            // {name: "small mask IPv4", cidr: "192.168.1.1/28", want: 0}
            ("192.168.1.1/28", 0),
            // {name: "small mask IPv4", cidr: "192.168.1.1/27", want: 16}
            ("192.168.1.1/27", 16),
            // {name: "medium mask IPv4", cidr: "192.168.1.1/22", want: 64}
            ("192.168.1.1/22", 64),
            // {name: "large mask IPv4", cidr: "192.168.1.1/8", want: 256}
            ("192.168.1.1/8", 256),
        ];
        for (cidr, want) in table {
            assert_eq!(
                calculate_range_offset(range_size(net(cidr))),
                want,
                "{cidr}"
            );
        }
        // The brief's cases: /16 → 256 (§B.13), /24 → 16.
        assert_eq!(calculate_range_offset(range_size(net("10.0.0.0/16"))), 256);
        assert_eq!(calculate_range_offset(range_size(net("10.0.0.0/24"))), 16);
    }

    #[test]
    fn allocates_every_address_once_then_reports_full() {
        // bitmap_test.go TestAllocate, IPv4 case: 192.168.1.0/24 has 254 free; the base and
        // broadcast addresses and other networks are out of range.
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut r = ServiceIpAllocator::new(net("192.168.1.0/24"));
        assert_eq!(r.free(), 254);
        let mut found = std::collections::BTreeSet::new();
        while r.free() > 0 {
            let got = r.allocate_dynamic(&mut rng).unwrap();
            assert!(net("192.168.1.0/24").contains(&got));
            assert!(found.insert(got), "{got} allocated twice");
        }
        assert_eq!(r.allocate_dynamic(&mut rng), Err(ServiceIpError::Full));
        r.release(ip("192.168.1.5"));
        assert_eq!(r.free(), 1);
        assert_eq!(r.allocate_dynamic(&mut rng), Ok(ip("192.168.1.5")));
        r.release(ip("192.168.1.5"));
        for out in ["192.168.0.1", "192.168.1.0", "192.168.1.255", "192.168.2.2"] {
            assert_eq!(
                r.allocate_specific(ip(out)),
                Err(ServiceIpError::NotInRange(ip(out)))
            );
        }
        assert_eq!(
            r.allocate_specific(ip("192.168.1.1")),
            Err(ServiceIpError::Allocated)
        );
        assert_eq!(r.allocate_specific(ip("192.168.1.5")), Ok(()));
        assert_eq!(r.free(), 0);
    }

    #[test]
    fn a_slash_32_has_nothing_to_allocate() {
        // bitmap_test.go TestAllocateTiny.
        let mut r = ServiceIpAllocator::new(net("192.168.1.0/32"));
        assert_eq!(r.free(), 0);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        assert_eq!(r.allocate_dynamic(&mut rng), Err(ServiceIpError::Full));
    }

    #[test]
    fn dynamic_ips_fill_the_upper_band_before_the_lower_one() {
        // bitmap_test.go TestAllocateReserved: /25, offset 16 — dynamic allocations take
        // 192.168.1.17.. first; the static block is then still free for explicit requests.
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut r = ServiceIpAllocator::new(net("192.168.1.0/25"));
        let max = 126;
        let offset = 16;
        for _ in 0..max - offset {
            r.allocate_dynamic(&mut rng).unwrap();
        }
        for i in offset..max {
            assert!(r.has(ip(&format!("192.168.1.{}", i + 1))));
        }
        assert_eq!(r.free(), offset);
        for i in 0..offset {
            assert_eq!(
                r.allocate_specific(ip(&format!("192.168.1.{}", i + 1))),
                Ok(())
            );
        }
        assert_eq!(r.free(), 0);
        r.release(ip("192.168.1.10"));
        assert_eq!(r.allocate_dynamic(&mut rng), Ok(ip("192.168.1.10")));
    }

    #[test]
    fn default_range_dynamic_ips_start_above_10_0_1_0() {
        // §B.13: offset 256 for a /16; upstream counts it from the first usable address, so the
        // upper band begins at 10.0.1.1.
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut r = ServiceIpAllocator::for_cluster(&NetworkConfig::default());
        assert!(r.has(ip("10.0.0.1")) && r.has(ip("10.0.0.10")));
        assert_eq!(r.free(), 65534 - 2);
        for _ in 0..1000 {
            let got = u32::from(r.allocate_dynamic(&mut rng).unwrap());
            assert!(got >= u32::from(ip("10.0.1.1")) && got <= u32::from(ip("10.0.255.254")));
        }
        assert_eq!(
            r.allocate_specific(ip("10.0.0.10")),
            Err(ServiceIpError::Allocated)
        );
        assert_eq!(r.allocate_specific(ip("10.0.0.11")), Ok(()));
    }

    #[test]
    fn the_same_seed_gives_the_same_addresses() {
        let run = |seed| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut r = ServiceIpAllocator::for_cluster(&NetworkConfig::default());
            (0..20)
                .map(|_| r.allocate_dynamic(&mut rng).unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(5), run(5));
        assert_ne!(run(5), run(6));
    }

    #[test]
    fn messages_are_upstreams() {
        assert_eq!(
            ServiceIpError::Allocated.to_string(),
            "provided IP is already allocated"
        );
        assert_eq!(
            ServiceIpError::NotInRange(ip("10.1.0.1")).to_string(),
            "provided IP 10.1.0.1 is not in the valid range"
        );
        assert_eq!(ServiceIpError::Full.to_string(), "range is full");
    }
}
