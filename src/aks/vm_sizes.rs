//! The Azure VM sizes an AKS node pool can be built from (`vmSize`, `az aks nodepool add
//! --node-vm-size`).
//!
//! Source: reference/aks-nodes.md §2, which copies the size tables of
//! `MicrosoftDocs/azure-compute-docs` `articles/virtual-machines/sizes/…` (one file per series,
//! named in [`VmSize::source`]). "GB" in those docs is GiB.
//!
//! Simplifications: only the common sizes of that table are known (Azure has hundreds); regional
//! availability, quota and the Gen1/Gen2 image split are not modelled. Size names are matched
//! case-insensitively (see [`lookup`]).

use AcceleratedNetworking::{NotSupported, Required, Supported};

/// Whether a size supports Azure Accelerated Networking, as the VM docs state it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AcceleratedNetworking {
    /// The series page says "Not supported" or lists only other sizes of the series.
    NotSupported,
    /// Optional for the size.
    Supported,
    /// The size cannot be deployed without it (v5 sizes).
    Required,
}

/// One VM size: what the node's capacity and a few placement rules are derived from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VmSize {
    /// The canonical ARM spelling, as `node.kubernetes.io/instance-type` shows it.
    pub name: &'static str,
    /// vCPUs; the node's `capacity.cpu`.
    pub vcpu: u32,
    /// Nominal memory in GiB (every size in the table is a whole number of GiB). The kubelet
    /// reports less (see [`crate::aks::allocatable`]).
    pub memory_gib: u32,
    /// "Max Remote Storage Disks" (data disks).
    pub max_data_disks: u32,
    /// Local temp disk in GiB; 0 means the size has none (no ephemeral OS disk on it).
    pub temp_disk_gib: u32,
    /// Accelerated Networking support.
    pub accelerated_networking: AcceleratedNetworking,
    /// B-series (burstable): AKS does not allow these in System pools (aks-nodes.md §2, §5).
    pub burstable: bool,
    /// The azure-compute-docs file the row comes from.
    pub source: &'static str,
}

impl VmSize {
    /// `capacity.cpu` in millicores, the unit the scheduler works in.
    pub fn cpu_milli(&self) -> i64 {
        i64::from(self.vcpu) * 1000
    }

    /// Nominal memory in bytes, the input of AKS's memory reservation formulas.
    pub fn memory_bytes(&self) -> i64 {
        i64::from(self.memory_gib) << 30
    }
}

/// The size a node pool gets when the scenario names none (docs/scenario.md). AKS itself picks a
/// size dynamically since May 2025 (aks-nodes.md §2.1); `Standard_DS2_v2` was its default before
/// that and is kubesim's fixed choice so that scenarios stay reproducible.
pub const DEFAULT_VM_SIZE: &str = "Standard_DS2_v2";

const fn size(
    name: &'static str,
    vcpu: u32,
    memory_gib: u32,
    max_data_disks: u32,
    temp_disk_gib: u32,
    accelerated_networking: AcceleratedNetworking,
    source: &'static str,
) -> VmSize {
    VmSize {
        name,
        vcpu,
        memory_gib,
        max_data_disks,
        temp_disk_gib,
        accelerated_networking,
        burstable: false,
        source,
    }
}

const fn burstable(s: VmSize) -> VmSize {
    VmSize {
        burstable: true,
        ..s
    }
}

const BV1: &str = "general-purpose/bv1-series.md";
const DSV2: &str = "general-purpose/dsv2-series.md";
const DSV3: &str = "general-purpose/dsv3-series.md";
const DDSV5: &str = "general-purpose/ddsv5-series.md";
const DSV5: &str = "general-purpose/dsv5-series.md";
const ESV3: &str = "memory-optimized/ev3-esv3-series.md";
const FSV2: &str = "compute-optimized/fsv2-series.md";
const NCV3: &str = "gpu-accelerated/ncv3-series.md";

/// The table of reference/aks-nodes.md §2, row for row.
static SIZES: [VmSize; 22] = [
    burstable(size("Standard_B2s", 2, 4, 4, 8, NotSupported, BV1)),
    burstable(size("Standard_B2ms", 2, 8, 4, 16, NotSupported, BV1)),
    burstable(size("Standard_B4ms", 4, 16, 8, 32, NotSupported, BV1)),
    size("Standard_DS2_v2", 2, 7, 8, 14, Supported, DSV2),
    size("Standard_DS3_v2", 4, 14, 16, 28, Supported, DSV2),
    size("Standard_DS4_v2", 8, 28, 32, 56, Supported, DSV2),
    size("Standard_D2s_v3", 2, 8, 4, 16, Supported, DSV3),
    size("Standard_D4s_v3", 4, 16, 8, 32, Supported, DSV3),
    size("Standard_D8s_v3", 8, 32, 16, 64, Supported, DSV3),
    size("Standard_D16s_v3", 16, 64, 32, 128, Supported, DSV3),
    size("Standard_D2ds_v5", 2, 8, 4, 75, Required, DDSV5),
    size("Standard_D4ds_v5", 4, 16, 8, 150, Required, DDSV5),
    size("Standard_D8ds_v5", 8, 32, 16, 300, Required, DDSV5),
    size("Standard_D16ds_v5", 16, 64, 32, 600, Required, DDSV5),
    size("Standard_D2s_v5", 2, 8, 4, 0, Required, DSV5),
    size("Standard_D4s_v5", 4, 16, 8, 0, Required, DSV5),
    size("Standard_D8s_v5", 8, 32, 16, 0, Required, DSV5),
    size("Standard_E4s_v3", 4, 32, 8, 64, Supported, ESV3),
    size("Standard_E8s_v3", 8, 64, 16, 128, Supported, ESV3),
    size("Standard_F4s_v2", 4, 8, 8, 32, Supported, FSV2),
    size("Standard_F8s_v2", 8, 16, 16, 64, Supported, FSV2),
    size("Standard_NC6s_v3", 6, 112, 12, 736, NotSupported, NCV3),
];

/// Finds a size by name, ignoring ASCII case: ARM resource properties and SKU names compare
/// case-insensitively, older AKS nodes carried lower-case `instance-type` labels
/// (aks-nodes.md §4.2), and azure-cli matches its default-size candidates in lower case
/// (Azure/azure-cli#30887). A 2018 report of `az aks create` failing on a lower-case size
/// (Azure/azure-cli#7160) was an RP bug, not a documented rule. Returns the canonical row, so
/// callers should label nodes with [`VmSize::name`], not the user's spelling.
pub fn lookup(name: &str) -> Option<&'static VmSize> {
    SIZES.iter().find(|s| s.name.eq_ignore_ascii_case(name))
}

/// Every known size name, for a did-you-mean on an unknown `vmSize`.
pub fn names() -> impl Iterator<Item = &'static str> {
    SIZES.iter().map(|s| s.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_size_is_in_the_table_with_two_vcpus_and_seven_gib() {
        // aks-nodes.md §2: Standard_DS2_v2 | 2 | 7 | 8 | 14 | Supported.
        let s = lookup(DEFAULT_VM_SIZE).expect("default size is in the table");
        assert_eq!((s.vcpu, s.memory_gib, s.max_data_disks), (2, 7, 8));
        assert_eq!(s.temp_disk_gib, 14);
        assert_eq!(s.accelerated_networking, Supported);
        assert_eq!(s.cpu_milli(), 2000);
        assert_eq!(s.memory_bytes(), 7 * 1024 * 1024 * 1024);
    }

    #[test]
    fn lookup_ignores_case_and_returns_the_canonical_spelling() {
        let s = lookup("standard_d4DS_V5").expect("known size");
        assert_eq!(s.name, "Standard_D4ds_v5");
        assert_eq!((s.vcpu, s.memory_gib, s.temp_disk_gib), (4, 16, 150));
        assert_eq!(s.accelerated_networking, Required);
    }

    #[test]
    fn unknown_sizes_are_not_found_and_get_a_suggestion() {
        assert!(lookup("Standard_DS2_v9").is_none());
        assert!(lookup("").is_none());
        assert_eq!(
            crate::diag::did_you_mean("Standard_DS2v2", names()),
            Some("Standard_DS2_v2")
        );
    }

    #[test]
    fn rows_match_the_reference_table() {
        // (name, vCPU, GiB, data disks, temp GiB) from aks-nodes.md §2.
        let expected: [(&str, u32, u32, u32, u32); 22] = [
            ("Standard_B2s", 2, 4, 4, 8),
            ("Standard_B2ms", 2, 8, 4, 16),
            ("Standard_B4ms", 4, 16, 8, 32),
            ("Standard_DS2_v2", 2, 7, 8, 14),
            ("Standard_DS3_v2", 4, 14, 16, 28),
            ("Standard_DS4_v2", 8, 28, 32, 56),
            ("Standard_D2s_v3", 2, 8, 4, 16),
            ("Standard_D4s_v3", 4, 16, 8, 32),
            ("Standard_D8s_v3", 8, 32, 16, 64),
            ("Standard_D16s_v3", 16, 64, 32, 128),
            ("Standard_D2ds_v5", 2, 8, 4, 75),
            ("Standard_D4ds_v5", 4, 16, 8, 150),
            ("Standard_D8ds_v5", 8, 32, 16, 300),
            ("Standard_D16ds_v5", 16, 64, 32, 600),
            ("Standard_D2s_v5", 2, 8, 4, 0),
            ("Standard_D4s_v5", 4, 16, 8, 0),
            ("Standard_D8s_v5", 8, 32, 16, 0),
            ("Standard_E4s_v3", 4, 32, 8, 64),
            ("Standard_E8s_v3", 8, 64, 16, 128),
            ("Standard_F4s_v2", 4, 8, 8, 32),
            ("Standard_F8s_v2", 8, 16, 16, 64),
            ("Standard_NC6s_v3", 6, 112, 12, 736),
        ];
        for (name, vcpu, gib, disks, temp) in expected {
            let s = lookup(name).expect(name);
            assert_eq!(
                (s.vcpu, s.memory_gib, s.max_data_disks, s.temp_disk_gib),
                (vcpu, gib, disks, temp),
                "{name}"
            );
        }
        assert_eq!(names().count(), expected.len());
    }

    #[test]
    fn only_the_b_series_is_burstable() {
        let burst: Vec<&str> = SIZES
            .iter()
            .filter(|s| s.burstable)
            .map(|s| s.name)
            .collect();
        assert_eq!(burst, ["Standard_B2s", "Standard_B2ms", "Standard_B4ms"]);
    }
}
