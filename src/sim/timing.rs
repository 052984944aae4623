//! Named, overridable latency distributions (CONTRACT §8). (placeholder)
use crate::sim::time::SimDuration;
use rand_chacha::rand_core::Rng;

/// Names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimingName {
    /// x
    ApiserverRequest,
    /// x
    EtcdWrite,
    /// x
    EtcdRead,
    /// x
    WatchDelivery,
    /// x
    ControllerSync,
    /// x
    SchedulerSchedule,
    /// x
    KubeletPodSandbox,
    /// x
    KubeletImagePull,
    /// x
    KubeletContainerStart,
    /// x
    KubeletContainerStop,
    /// x
    KubeletStatusUpdate,
    /// x
    CloudLoadBalancerProvision,
    /// x
    AksNodeProvision,
    /// x
    KubectlRoundTrip,
}

/// Dist.
#[derive(Clone, Debug)]
pub struct Distribution(u64);

impl Distribution {
    /// Sample.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> SimDuration {
        SimDuration(self.0 + rng.next_u64() % (self.0 / 2 + 1))
    }
}

/// Timings.
#[derive(Clone, Debug)]
pub struct Timings(Vec<Distribution>);

impl Timings {
    /// Defaults.
    pub fn defaults() -> Timings {
        Timings(
            [5_000, 2_000, 1_000, 1_000, 1_000, 2_000, 1_000_000, 3_000_000, 500_000, 200_000, 1_000_000, 40_000_000, 180_000_000, 10_000]
                .into_iter()
                .map(Distribution)
                .collect(),
        )
    }
    /// Get.
    pub fn get(&self, n: TimingName) -> &Distribution {
        &self.0[n as usize]
    }
}
