//! Node capacity and allocatable as AKS configures the kubelet: `--kube-reserved` (CPU and
//! memory) and `--eviction-hard=memory.available<…>`, subtracted from what the kubelet reports as
//! capacity (kubelet `pkg/kubelet/nodestatus/setters.go` `MachineInfo`).
//!
//! Sources (reference/aks-nodes.md §1 and its "Quick formulas"):
//! - CPU: AKS docs `node-resource-reservations.md` table, reproduced by the marginal brackets of
//!   Karpenter `instancetype.go` (6% of core 1, 4% of core 2, 2% of cores 3–4, 1% above).
//! - Memory < 1.29: regressive brackets on the *nominal* GiB (25/20/10/6/2%), truncated to Mi,
//!   plus the 750Mi hard-eviction threshold.
//! - Memory ≥ 1.29: `min(20Mi × maxPods + 50Mi, 25% of nominal memory)` plus 100Mi eviction.
//! - AKS sets no `--system-reserved` (Karpenter `SystemReservedResources`).
//!
//! Simplification — memory capacity. The kubelet reports `MemTotal`, which is below the VM's
//! nominal size by an amount AKS does not document. kubesim fits a straight line to the three
//! observed nodes of the reference:
//!
//! `capacity_Ki = nominal_Ki − 92 MiB − nominal_Ki / 56`
//!
//! (a fixed ~92 MiB plus ~1.8% of memory; roughly firmware/kernel image plus the kernel's
//! per-page bookkeeping, but it is a fit, not a mechanism). Errors against the observations:
//! DS2_v2 7 GiB → 7114752Ki vs 7113160Ki (+1592Ki, +0.022%); 32 GiB → 32861038Ki vs 32863116Ki
//! (−2078Ki, −0.006%); 4 GiB → 4025198Ki vs 4025836Ki (−638Ki, −0.016%). Every error is under
//! 2.1 MiB. Older kernels drift further (a 2019 16 GiB node showed 16403296Ki, −0.12% from the
//! model). Windows' extra 2 GB and the preview custom kube-reserved are not modelled.

/// One MiB in bytes.
const MI: i64 = 1 << 20;
/// One GiB in bytes.
const GI: i128 = 1 << 30;

/// Fixed part of the capacity model, in KiB (92 MiB).
const CAPACITY_FIXED_OVERHEAD_KI: i64 = 92 * 1024;
/// Proportional part of the capacity model: 1/56 of nominal memory.
const CAPACITY_PROPORTIONAL_DIVISOR: i64 = 56;

/// What one node reports in `status.capacity` and `status.allocatable` (cpu, memory, pods).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeResources {
    /// `capacity.cpu` in millicores.
    pub capacity_cpu_milli: i64,
    /// `capacity.memory` in bytes (a whole number of KiB, as the kubelet reports it).
    pub capacity_memory_bytes: i64,
    /// `allocatable.cpu` in millicores: what the scheduler may hand out.
    pub allocatable_cpu_milli: i64,
    /// `allocatable.memory` in bytes.
    pub allocatable_memory_bytes: i64,
    /// `capacity.pods` = `allocatable.pods` = the pool's maxPods.
    pub pods: u32,
}

/// Capacity and allocatable of one AKS Linux node.
///
/// `vcpu_milli` and `nominal_memory_bytes` are the VM size's vCPUs and nominal memory, or the
/// scenario's `cpu`/`memory` overrides, which replace them (docs/scenario.md). `kubernetes_minor` is
/// the minor version (35 for 1.35); it selects the memory rule. Negative inputs count as 0;
/// allocatable never goes below 0 (kubelet clamps it the same way).
pub fn node_resources(
    vcpu_milli: i64,
    nominal_memory_bytes: i64,
    kubernetes_minor: u32,
    max_pods: u32,
) -> NodeResources {
    let cpu = vcpu_milli.max(0);
    let capacity_memory = capacity_memory_bytes(nominal_memory_bytes);
    let withheld_mi = kube_reserved_memory_mib(nominal_memory_bytes, kubernetes_minor, max_pods)
        + eviction_hard_memory_mib(kubernetes_minor);
    NodeResources {
        capacity_cpu_milli: cpu,
        capacity_memory_bytes: capacity_memory,
        allocatable_cpu_milli: (cpu - kube_reserved_cpu_milli(cpu)).max(0),
        allocatable_memory_bytes: capacity_memory
            .saturating_sub(withheld_mi.saturating_mul(MI))
            .max(0),
        pods: max_pods,
    }
}

/// `--kube-reserved` CPU in millicores for a node of `vcpu_milli` capacity: 6% of the first
/// core, 4% of the second, 2% of the third and fourth, 1% of the rest, truncated (Karpenter
/// `KubeReservedResources`). Fractional cores (a `cpu: "1.5"` override) fall into the brackets
/// pro rata.
pub fn kube_reserved_cpu_milli(vcpu_milli: i64) -> i64 {
    let m = i128::from(vcpu_milli.max(0));
    let band = |lo: i128, hi: i128| m.clamp(lo, hi) - lo;
    let hundredths =
        6 * band(0, 1000) + 4 * band(1000, 2000) + 2 * band(2000, 4000) + (m.max(4000) - 4000);
    narrow(hundredths / 100)
}

/// `--kube-reserved` memory in MiB. Below 1.29: the regressive brackets on nominal memory
/// (25% of the first 4 GiB, 20% of the next 4, 10% of the next 8, 6% of the next 112, 2% above
/// 128 GiB), truncated to whole MiB. From 1.29: `min(20 × maxPods + 50, ⌊25% of nominal MiB⌋)`
/// — the reference leaves open whether the 25% cap is taken of nominal memory or of capacity
/// and how it rounds; kubesim takes nominal and truncates (aks-nodes.md §1.3).
pub fn kube_reserved_memory_mib(
    nominal_memory_bytes: i64,
    kubernetes_minor: u32,
    max_pods: u32,
) -> i64 {
    let b = i128::from(nominal_memory_bytes.max(0));
    if kubernetes_minor < 29 {
        let band = |lo: i128, hi: i128| b.clamp(lo * GI, hi * GI) - lo * GI;
        let percent_bytes = 25 * band(0, 4)
            + 20 * band(4, 8)
            + 10 * band(8, 16)
            + 6 * band(16, 128)
            + 2 * (b.max(128 * GI) - 128 * GI);
        narrow(percent_bytes / 100 / i128::from(MI))
    } else {
        let per_pods = 20 * i64::from(max_pods) + 50;
        let quarter = narrow(b / i128::from(MI) / 4);
        per_pods.min(quarter)
    }
}

/// The `memory.available` hard-eviction threshold AKS sets, in MiB: 750 before 1.29, 100 from
/// 1.29 (AKS CHANGELOG release 2024-03-17).
pub fn eviction_hard_memory_mib(kubernetes_minor: u32) -> i64 {
    if kubernetes_minor < 29 { 750 } else { 100 }
}

/// The memory the kubelet reports as capacity for a VM of `nominal_memory_bytes`, by the fitted
/// model in the module docs; never negative, always whole KiB.
pub fn capacity_memory_bytes(nominal_memory_bytes: i64) -> i64 {
    let nominal_ki = nominal_memory_bytes.max(0) / 1024;
    let ki = nominal_ki - CAPACITY_FIXED_OVERHEAD_KI - nominal_ki / CAPACITY_PROPORTIONAL_DIVISOR;
    ki.max(0) * 1024
}

/// Converts back to i64; every value here is at most a few times an i64 input divided down.
fn narrow(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KI: i64 = 1024;
    const GIB: i64 = 1 << 30;

    #[test]
    fn cpu_reservation_matches_the_aks_table_and_karpenter() {
        // AKS docs node-resource-reservations.md §CPU reservations (1–64 cores); the 3-core
        // case is Karpenter kube_reserved_test.go (aks-nodes.md §1.1).
        let table = [
            (1, 60),
            (2, 100),
            (3, 120),
            (4, 140),
            (8, 180),
            (16, 260),
            (32, 420),
            (64, 740),
        ];
        for (cores, reserved) in table {
            assert_eq!(
                kube_reserved_cpu_milli(cores * 1000),
                reserved,
                "{cores} cores"
            );
        }
    }

    #[test]
    fn allocatable_cpu_is_capacity_minus_kube_reserved() {
        // best-practices-app-cluster-reliability.md: 8 cpu → 7820m; Azure/AKS#3525: 2 → 1900m.
        assert_eq!(
            node_resources(8000, 32 * GIB, 28, 110).allocatable_cpu_milli,
            7820
        );
        assert_eq!(
            node_resources(2000, 4 * GIB, 24, 100).allocatable_cpu_milli,
            1900
        );
    }

    #[test]
    fn memory_reservation_before_1_29_uses_regressive_brackets_on_nominal_gib() {
        // aks-nodes.md §1.2 checks: 7 GiB → 1638Mi, 32 GiB → 3645Mi, 4 GiB → 1024Mi; Karpenter
        // test: 8 GiB → 1843Mi, 64 GiB → 5611Mi.
        for (gib, reserved) in [(7, 1638), (32, 3645), (4, 1024), (8, 1843), (64, 5611)] {
            assert_eq!(
                kube_reserved_memory_mib(gib * GIB, 28, 110),
                reserved,
                "{gib} GiB"
            );
        }
        assert_eq!(eviction_hard_memory_mib(28), 750);
    }

    #[test]
    fn memory_reservation_before_1_29_reproduces_real_nodes() {
        // (nominal GiB, observed capacity Ki, observed allocatable Ki) — aks-nodes.md §1.2:
        // DS2_v2 (Radix blog), 8 vCPU/32 GiB (best-practices-app-cluster-reliability.md),
        // 2 vCPU/4 GiB (Azure/AKS#3525). Withheld = reserved + 750Mi, independent of capacity.
        for (gib, cap_ki, alloc_ki) in [
            (7, 7113160, 4667848),
            (32, 32863116, 28362636),
            (4, 4025836, 2209260),
        ] {
            let withheld = kube_reserved_memory_mib(gib * GIB, 28, 110) + 750;
            assert_eq!(cap_ki - withheld * 1024, alloc_ki, "{gib} GiB");
        }
    }

    #[test]
    fn memory_reservation_from_1_29_is_per_pod_with_a_quarter_cap() {
        // AgentBaker fixture: 8 cores, maxPods 110 → memory=2250Mi, eviction 100Mi.
        assert_eq!(kube_reserved_memory_mib(32 * GIB, 29, 110), 2250);
        assert_eq!(eviction_hard_memory_mib(29), 100);
        assert_eq!(eviction_hard_memory_mib(35), 100);
        // node-resource-reservations.md: 8 GB with 30 pods → 20×30+50 = 650.
        assert_eq!(kube_reserved_memory_mib(8 * GIB, 35, 30), 650);
        // Same page: 4 GB with 70 pods → 25% of 4 GB (1024Mi) because 1450 is larger.
        assert_eq!(kube_reserved_memory_mib(4 * GIB, 35, 70), 1024);
        // Overlay default maxPods 250 → 5050Mi, capped at 25% (aks-nodes.md §1.3, derived).
        assert_eq!(kube_reserved_memory_mib(7 * GIB, 35, 250), 1792);
    }

    #[test]
    fn the_docs_8_gb_example_withholds_750_mib_in_total() {
        // "Allocatable = 8 GB − 0.65 GB − 0.1 GB": 650Mi reserved + 100Mi eviction.
        let r = node_resources(2000, 8 * GIB, 35, 30);
        assert_eq!(
            r.capacity_memory_bytes - r.allocatable_memory_bytes,
            750 * 1024 * 1024
        );
    }

    #[test]
    fn capacity_model_stays_within_2_1_mib_of_observed_nodes() {
        // Observed capacities from aks-nodes.md §1.2 / §1.4; errors as documented above.
        for (gib, observed_ki, error_ki) in [
            (7, 7113160, 1592),
            (32, 32863116, -2078),
            (4, 4025836, -638),
        ] {
            let model_ki = capacity_memory_bytes(gib * GIB) / KI;
            assert_eq!(model_ki - observed_ki, error_ki, "{gib} GiB");
            assert!((model_ki - observed_ki).abs() < 2150);
        }
    }

    #[test]
    fn node_resources_put_it_together_for_a_default_node() {
        // DS2_v2 on 1.35 with kubenet maxPods 110: cpu 2000 − 100; memory reserved
        // min(2250, 1792) = 1792Mi + 100Mi eviction.
        let r = node_resources(2000, 7 * GIB, 35, 110);
        assert_eq!(r.capacity_cpu_milli, 2000);
        assert_eq!(r.allocatable_cpu_milli, 1900);
        assert_eq!(r.capacity_memory_bytes, 7114752 * KI);
        assert_eq!(r.allocatable_memory_bytes, (7114752 - 1892 * 1024) * KI);
        assert_eq!(r.pods, 110);
    }

    #[test]
    fn absurd_inputs_clamp_instead_of_overflowing() {
        let tiny = node_resources(-5, 10 * MI, 35, 250);
        assert_eq!(
            (tiny.capacity_cpu_milli, tiny.allocatable_cpu_milli),
            (0, 0)
        );
        assert_eq!(
            (tiny.capacity_memory_bytes, tiny.allocatable_memory_bytes),
            (0, 0)
        );
        let huge = node_resources(i64::MAX, i64::MAX, 28, u32::MAX);
        assert!(huge.allocatable_cpu_milli > 0);
        assert!(huge.allocatable_memory_bytes > 0);
        assert!(huge.allocatable_memory_bytes <= huge.capacity_memory_bytes);
        let huge_new = node_resources(i64::MAX, i64::MAX, 35, u32::MAX);
        assert!(huge_new.allocatable_memory_bytes > 0);
    }

    proptest::proptest! {
        #[test]
        fn node_resources_never_panic_and_allocatable_stays_within_capacity(
            cpu in proptest::num::i64::ANY,
            mem in proptest::num::i64::ANY,
            minor in 0u32..60,
            pods in proptest::num::u32::ANY,
        ) {
            let r = node_resources(cpu, mem, minor, pods);
            proptest::prop_assert!(0 <= r.allocatable_cpu_milli);
            proptest::prop_assert!(r.allocatable_cpu_milli <= r.capacity_cpu_milli);
            proptest::prop_assert!(0 <= r.allocatable_memory_bytes);
            proptest::prop_assert!(r.allocatable_memory_bytes <= r.capacity_memory_bytes);
            proptest::prop_assert_eq!(r.capacity_memory_bytes % 1024, 0);
        }
    }
}
