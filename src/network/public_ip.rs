//! LoadBalancer EXTERNAL-IPs — the public frontend addresses the Azure cloud provider's
//! service controller gets for `type: LoadBalancer` Services on AKS's Standard Load Balancer.
//!
//! Azure hands out real, routable public IPs from its own pools. A simulator must not print
//! someone's real address, so kubesim takes addresses from the RFC 5737 documentation ranges,
//! which are never routed: **203.0.113.0/24 (TEST-NET-3), then 198.51.100.0/24 (TEST-NET-2)**,
//! `.1` to `.254` of each (508 addresses). 192.0.2.0/24 (TEST-NET-1) is left out because AKS
//! forbids it as a cluster range (reference/kubernetes-aks-facts.md §D.5), so it may not look
//! like a cluster address. Addresses go out in order, lowest free first, and come back when the
//! Service is deleted; real Azure would give a fresh, unrelated address.
//!
//! AKS allows 300 load-balanced Services per cluster on the Standard Load Balancer (§D.8,
//! [`MAX_LOAD_BALANCED_SERVICES`]); this allocator only enforces its own 508 addresses, so the
//! caller decides how the 301st Service fails. How long provisioning takes is not modelled
//! here.

use std::net::Ipv4Addr;

use super::AllocationBitmap;

/// AKS's limit of load-balanced Services per cluster with the Standard Load Balancer (§D.8).
pub const MAX_LOAD_BALANCED_SERVICES: usize = 300;

/// The documentation ranges, in the order they are used (RFC 5737).
const RANGES: [[u8; 3]; 2] = [[203, 0, 113], [198, 51, 100]];
/// Hosts `.1..=.254` of each /24.
const HOSTS_PER_RANGE: usize = 254;

/// Why no EXTERNAL-IP could be given.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PublicIpError {
    /// Every documentation address is in use (kubesim's own wording: no Azure message applies).
    #[error(
        "no public IP address left: kubesim's 508 documentation addresses (203.0.113.0/24 and \
         198.51.100.0/24) are all in use"
    )]
    Exhausted,
}

/// The public IP allocator of a cluster.
#[derive(Clone, Debug)]
pub struct PublicIpAllocator {
    used: AllocationBitmap,
}

impl Default for PublicIpAllocator {
    fn default() -> Self {
        PublicIpAllocator::new()
    }
}

impl PublicIpAllocator {
    /// An allocator with every address free.
    pub fn new() -> Self {
        PublicIpAllocator {
            used: AllocationBitmap::new(RANGES.len() * HOSTS_PER_RANGE),
        }
    }

    /// The EXTERNAL-IP for a LoadBalancer Service whose load balancer is now provisioned.
    pub fn allocate(&mut self) -> Result<Ipv4Addr, PublicIpError> {
        let at = self
            .used
            .first_free_in(0, self.used.len())
            .ok_or(PublicIpError::Exhausted)?;
        self.used.set(at);
        Ok(ip_at(at))
    }

    /// Returns a deleted Service's address; one not handed out is a no-op.
    pub fn release(&mut self, ip: Ipv4Addr) {
        let [a, b, c, d] = ip.octets();
        let Some(range) = RANGES.iter().position(|r| *r == [a, b, c]) else {
            return;
        };
        if (1..=HOSTS_PER_RANGE).contains(&usize::from(d)) {
            self.used
                .clear(range * HOSTS_PER_RANGE + usize::from(d) - 1);
        }
    }

    /// Addresses in use, to compare with [`MAX_LOAD_BALANCED_SERVICES`].
    pub fn in_use(&self) -> usize {
        self.used.count()
    }
}

fn ip_at(at: usize) -> Ipv4Addr {
    let [a, b, c] = RANGES[at / HOSTS_PER_RANGE];
    // at % 254 + 1 is at most 254.
    Ipv4Addr::new(a, b, c, (at % HOSTS_PER_RANGE + 1) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    #[test]
    fn addresses_come_from_test_net_3_then_test_net_2_in_order() {
        // RFC 5737 §3: 198.51.100.0/24 and 203.0.113.0/24 are for documentation.
        let mut p = PublicIpAllocator::new();
        assert_eq!(p.allocate(), Ok(ip("203.0.113.1")));
        assert_eq!(p.allocate(), Ok(ip("203.0.113.2")));
        for _ in 2..254 {
            p.allocate().unwrap();
        }
        assert_eq!(p.allocate(), Ok(ip("198.51.100.1")));
        assert_eq!(p.in_use(), 255);
    }

    #[test]
    fn a_released_address_is_given_out_again_lowest_first() {
        let mut p = PublicIpAllocator::new();
        for _ in 0..3 {
            p.allocate().unwrap();
        }
        p.release(ip("203.0.113.2"));
        p.release(ip("8.8.8.8"));
        p.release(ip("203.0.113.0"));
        assert_eq!(p.in_use(), 2);
        assert_eq!(p.allocate(), Ok(ip("203.0.113.2")));
        assert_eq!(p.allocate(), Ok(ip("203.0.113.4")));
    }

    #[test]
    fn the_aks_limit_fits_and_exhaustion_past_the_ranges_is_an_error() {
        // §D.8: 300 load-balanced Services per cluster must all get an address.
        let mut p = PublicIpAllocator::new();
        for _ in 0..MAX_LOAD_BALANCED_SERVICES {
            p.allocate().unwrap();
        }
        for _ in MAX_LOAD_BALANCED_SERVICES..508 {
            p.allocate().unwrap();
        }
        assert_eq!(p.allocate(), Err(PublicIpError::Exhausted));
        p.release(ip("198.51.100.254"));
        assert_eq!(p.allocate(), Ok(ip("198.51.100.254")));
    }
}
