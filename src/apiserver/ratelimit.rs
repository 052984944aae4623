//! client-go's token bucket (`flowcontrol.NewTokenBucketRateLimiter(qps, burst)`), in
//! integer µs.
//!
//! Each client reserves the next free slot: a burst of `burst` requests goes out at once,
//! then one every `1/qps` seconds. This is what makes a controller that creates 3,000 pods
//! take the time it takes with the controller manager's 20 QPS / 30 burst (facts A.4).

use crate::sim::time::SimTime;

/// A token bucket as a "theoretical arrival time" (GCRA): equivalent to tokens refilling at
/// `qps` up to `burst`, without floats.
#[derive(Clone, Debug)]
pub struct TokenBucket {
    interval_us: u64,
    tolerance_us: u64,
    tat: u64,
}

impl TokenBucket {
    /// A bucket allowing `qps` requests per second with bursts of `burst`.
    pub fn new(qps: u64, burst: u64) -> TokenBucket {
        let interval_us = 1_000_000 / qps.max(1);
        TokenBucket {
            interval_us,
            tolerance_us: interval_us * burst.saturating_sub(1),
            tat: 0,
        }
    }

    /// Reserves a token for a request made at `now`; returns when it may be sent.
    pub fn reserve(&mut self, now: SimTime) -> SimTime {
        let t = now.as_micros();
        let tat = self.tat.max(t);
        let allowed = tat.saturating_sub(self.tolerance_us).max(t);
        self.tat = tat + self.interval_us;
        SimTime(allowed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_goes_at_once_then_qps_paces() {
        // 20 QPS, burst 30 (kube-controller-manager defaults, facts A.4): 30 requests at t=0
        // go immediately, the 31st waits 1/20 s, the 50th waits 20/20 s.
        let mut b = TokenBucket::new(20, 30);
        let times: Vec<u64> = (0..50).map(|_| b.reserve(SimTime(0)).as_micros()).collect();
        assert!(times[..30].iter().all(|t| *t == 0));
        assert_eq!(times[30], 50_000);
        assert_eq!(times[49], 1_000_000);
    }

    #[test]
    fn an_idle_bucket_refills_to_its_burst() {
        let mut b = TokenBucket::new(50, 100);
        for _ in 0..200 {
            b.reserve(SimTime(0));
        }
        // After 100 s idle, a new burst of 100 is allowed at once.
        let t = SimTime(100_000_000);
        assert!((0..100).all(|_| b.reserve(t) == t));
        assert!(b.reserve(t) > t);
    }
}
