//! What an AKS Linux node shows about itself: its labels (set by the kubelet, cloud-node-manager
//! and the AKS resource provider) and `status.nodeInfo` (the VERSION, OS-IMAGE, KERNEL-VERSION
//! and CONTAINER-RUNTIME columns of `kubectl get nodes -o wide`).
//!
//! Sources: reference/aks-nodes.md §4.2–§4.4 (labels, ROLES) and §5 (OS per version); the AKS
//! node image release notes `Azure/AKS` `vhd-notes/aks-ubuntu/AKSUbuntu-2204/202608.06.1.txt` and
//! `…/AKSUbuntu-2404/202608.06.1.txt` (built 2026-08-06, the image current when the reference's
//! pinned AKS repo commit was taken) for the kubelet patch, kernel, containerd and Ubuntu point
//! release; kubelet `initialNode` (pkg/kubelet/kubelet_node_status.go) for the `beta.` os/arch
//! labels.
//!
//! Choice for 1.35: `upgrade-os-version.md` and the AKS CHANGELOG make Ubuntu 24.04 the default
//! for OS SKU `Ubuntu` from 1.35, while the 1.35 "OS components" cell of
//! `supported-kubernetes-versions.md` still lists Ubuntu 22.04 / containerd 1.7.29. kubesim takes
//! 24.04: two sources that state the rule outright beat a table cell that looks stale, and real
//! 1.35 nodes in public transcripts show `Ubuntu 24.04.x LTS` with `6.8.0-10xx-azure` kernels and
//! `containerd://2.x`.
//!
//! Simplifications: one fixed node image per minor (no weekly image rollover); Linux amd64
//! Ubuntu only; labels that carry per-cluster secrets or opaque hashes are left out (see
//! [`node_labels`]).

use std::collections::BTreeMap;

/// The Kubernetes minors kubesim can build a cluster for: AKS's GA 1.33–1.36, 1.37 in preview
/// (aks-nodes.md §5), and 1.31 and 1.32, past community support but still on the node image as
/// Long Term Support minors ([`LTS_ONLY_VERSIONS`]).
pub const SUPPORTED_VERSIONS: [&str; 7] = ["1.31", "1.32", "1.33", "1.34", "1.35", "1.36", "1.37"];

/// Minors AKS serves only under Long Term Support (Premium tier with the `AKSLongTermSupport`
/// plan): community support ended for 1.31 in Nov 2025 and 1.32 in Mar 2026
/// (`supported-kubernetes-versions.md` calendar), yet the 2026-08-06 Ubuntu 22.04 image still
/// caches kubelet 1.31.14 and 1.32.12. They are kept because the node lifecycle controller's
/// grace period changed at 1.32 (40 s before, 50 s from), which a lab should be able to show.
pub const LTS_ONLY_VERSIONS: [&str; 2] = ["1.31", "1.32"];

/// A `kubernetesVersion` kubesim has no node image for.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "kubernetes version {version:?} is not supported; kubesim knows 1.31, 1.32 (Long Term Support only), 1.33, 1.34, 1.35, 1.36 and 1.37 (written as \"1.35\")"
)]
pub struct UnsupportedVersion {
    /// The version as the scenario wrote it.
    pub version: String,
}

/// `status.nodeInfo` of an AKS Ubuntu node, plus the effective OS SKU the labels need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeInfo {
    /// `kubeletVersion`, with the leading `v` (kubectl's VERSION column).
    pub kubelet_version: &'static str,
    /// `osImage` (PRETTY_NAME of /etc/os-release).
    pub os_image: &'static str,
    /// `kernelVersion` (`uname -r`).
    pub kernel_version: &'static str,
    /// `containerRuntimeVersion`: `containerd://` plus containerd's version string; the
    /// `-N` suffix is the `uN` of AKS's `moby-containerd` package.
    pub container_runtime_version: &'static str,
    /// Value of `kubernetes.azure.com/os-sku-effective` (`Ubuntu2204` or `Ubuntu2404`).
    pub os_sku_effective: &'static str,
}

const UBUNTU_2204: (&str, &str, &str, &str) = (
    "Ubuntu 22.04.5 LTS",
    "5.15.0-1118-azure",
    "containerd://1.7.34-2",
    "Ubuntu2204",
);
const UBUNTU_2404: (&str, &str, &str, &str) = (
    "Ubuntu 24.04.4 LTS",
    "6.8.0-1064-azure",
    "containerd://2.3.3-2",
    "Ubuntu2404",
);

/// The minor version of a `kubernetesVersion` string such as `"1.35"`, if kubesim supports it.
/// Only `1.<minor>` is accepted: AKS picks the patch, and docs/scenario.md reads the value as text.
pub fn kubernetes_minor(kubernetes_version: &str) -> Result<u32, UnsupportedVersion> {
    let unsupported = || UnsupportedVersion {
        version: kubernetes_version.to_string(),
    };
    if !SUPPORTED_VERSIONS.contains(&kubernetes_version) {
        return Err(unsupported());
    }
    kubernetes_version
        .strip_prefix("1.")
        .and_then(|m| m.parse().ok())
        .ok_or_else(unsupported)
}

/// The node image facts of a node running `kubernetes_version` (`"1.35"`).
///
/// Patch versions are the newest the 2026-08-06 node images carry: kubelet 1.34.10, 1.35.7 and
/// 1.36.3 are cached on both images, 1.33.13 is the newest 1.33 binary there, and 1.31.14 (the
/// last upstream 1.31 patch) and 1.32.12 are the LTS binaries on the Ubuntu 22.04 image. 1.37 is in preview
/// and on no image of that date; `v1.37.0` follows the first 1.37 components AKS shipped
/// (`azure-cloud-node-manager:v1.37.0-1` in image 202610.03.0) and is the least certain row.
/// 1.31 to 1.34 run Ubuntu 22.04, 1.35 and later Ubuntu 24.04 (`upgrade-os-version.md`).
pub fn node_info(kubernetes_version: &str) -> Result<NodeInfo, UnsupportedVersion> {
    let (kubelet_version, os) = match kubernetes_minor(kubernetes_version)? {
        31 => ("v1.31.14", UBUNTU_2204),
        32 => ("v1.32.12", UBUNTU_2204),
        33 => ("v1.33.13", UBUNTU_2204),
        34 => ("v1.34.10", UBUNTU_2204),
        35 => ("v1.35.7", UBUNTU_2404),
        36 => ("v1.36.3", UBUNTU_2404),
        37 => ("v1.37.0", UBUNTU_2404),
        _ => {
            return Err(UnsupportedVersion {
                version: kubernetes_version.to_string(),
            });
        }
    };
    let (os_image, kernel_version, container_runtime_version, os_sku_effective) = os;
    Ok(NodeInfo {
        kubelet_version,
        os_image,
        kernel_version,
        container_runtime_version,
        os_sku_effective,
    })
}

/// The inputs of [`node_labels`]: what AKS knows about a node when it registers.
#[derive(Clone, Copy, Debug)]
pub struct NodeLabelParams<'a> {
    /// The managed cluster's name (`cluster.name`).
    pub cluster_name: &'a str,
    /// The node resource group (`MC_<rg>_<cluster>_<location>`); `None` makes one from the
    /// cluster name standing in for the resource group, which kubesim scenarios do not have.
    pub node_resource_group: Option<&'a str>,
    /// Azure region (`cluster.location`).
    pub location: &'a str,
    /// Node pool name.
    pub pool_name: &'a str,
    /// Whether the pool's mode is System.
    pub mode_is_system: bool,
    /// Canonical VM size name ([`crate::aks::vm_sizes::VmSize::name`]).
    pub vm_size: &'a str,
    /// Availability zone number for zonal pools; `None` for a regional pool.
    pub zone: Option<u32>,
    /// The Node's name ([`crate::aks::naming::node_name`]).
    pub node_name: &'a str,
    /// The node image facts ([`node_info`]).
    pub node_info: &'a NodeInfo,
    /// The pool's own `labels:` from the scenario.
    pub extra: &'a [(String, String)],
}

/// The labels an AKS VMSS Linux node carries, sorted by key.
///
/// Included: the `use-labels.md` reserved labels that do not need data kubesim lacks
/// (`kubernetes.azure.com/{agentpool,cluster,managedby,mode,nodepool-type,os-sku,
/// os-sku-effective,os-sku-requested,role,sku-cpu}`), the well-known `kubernetes.io/*`,
/// `node.kubernetes.io/instance-type` and `topology.kubernetes.io/*` labels, the deprecated
/// labels real nodes still show (`agentpool`, `kubernetes.io/role=agent`,
/// `node-role.kubernetes.io/agent=""` — which makes ROLES read `agent`, §4.4 — and the kubelet's
/// and cloud provider's `beta.kubernetes.io/*` / `failure-domain.beta.kubernetes.io/*`).
///
/// Left out: `node-image-version` (depends on Gen1/Gen2 image choice kubesim does not model),
/// `sku-memory` (the docs say GB, Karpenter writes MiB), `storageprofile`/`storagetier`
/// (deprecated; depend on the OS-disk type), `kubelet-identity-client-id` and
/// `consolidated-additional-properties` (per-cluster GUIDs/hashes), spot, network and
/// accelerator labels (features not modelled).
///
/// The zone is `<region>-<n>` for zonal pools and `0` otherwise (fault domains are not modelled).
/// `kubernetes.azure.com/cluster` is cut to 63 characters, the Kubernetes label-value limit.
/// Pool labels in `extra` never replace a label AKS sets (AKS reserves those prefixes).
pub fn node_labels(p: &NodeLabelParams<'_>) -> Vec<(String, String)> {
    let zone = match p.zone {
        Some(n) => format!("{}-{n}", p.location),
        None => "0".to_string(),
    };
    let node_rg = match p.node_resource_group {
        Some(rg) => rg.to_string(),
        None => format!("MC_{0}_{0}_{1}", p.cluster_name, p.location),
    };
    let mode = if p.mode_is_system { "system" } else { "user" };
    let sku_cpu = crate::aks::vm_sizes::lookup(p.vm_size).map(|s| s.vcpu.to_string());

    let mut labels: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in p.extra {
        labels.insert(k.clone(), v.clone());
    }
    let mut set = |k: &str, v: &str| {
        labels.insert(k.to_string(), v.to_string());
    };
    set("agentpool", p.pool_name);
    set("beta.kubernetes.io/arch", "amd64");
    set("beta.kubernetes.io/instance-type", p.vm_size);
    set("beta.kubernetes.io/os", "linux");
    set("failure-domain.beta.kubernetes.io/region", p.location);
    set("failure-domain.beta.kubernetes.io/zone", &zone);
    set("kubernetes.azure.com/agentpool", p.pool_name);
    set("kubernetes.azure.com/cluster", label_value(&node_rg));
    set("kubernetes.azure.com/managedby", "aks");
    set("kubernetes.azure.com/mode", mode);
    set(
        "kubernetes.azure.com/nodepool-type",
        "VirtualMachineScaleSets",
    );
    set("kubernetes.azure.com/os-sku", "Ubuntu");
    set(
        "kubernetes.azure.com/os-sku-effective",
        p.node_info.os_sku_effective,
    );
    set("kubernetes.azure.com/os-sku-requested", "Ubuntu");
    set("kubernetes.azure.com/role", "agent");
    if let Some(cpu) = &sku_cpu {
        set("kubernetes.azure.com/sku-cpu", cpu);
    }
    set("kubernetes.io/arch", "amd64");
    set("kubernetes.io/hostname", p.node_name);
    set("kubernetes.io/os", "linux");
    set("kubernetes.io/role", "agent");
    set("node-role.kubernetes.io/agent", "");
    set("node.kubernetes.io/instance-type", p.vm_size);
    set("topology.kubernetes.io/region", p.location);
    set("topology.kubernetes.io/zone", &zone);
    labels.into_iter().collect()
}

/// Cuts a value to the 63 characters a label value may have and trims trailing characters that
/// are not alphanumeric (a value must end with one; apimachinery `IsValidLabelValue`).
fn label_value(v: &str) -> &str {
    let cut = v.char_indices().nth(63).map_or(v, |(i, _)| &v[..i]);
    cut.trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params<'a>(info: &'a NodeInfo, extra: &'a [(String, String)]) -> NodeLabelParams<'a> {
        NodeLabelParams {
            cluster_name: "kubesim",
            node_resource_group: None,
            location: "eastus",
            pool_name: "nodepool1",
            mode_is_system: true,
            vm_size: "Standard_DS2_v2",
            zone: None,
            node_name: "aks-nodepool1-12345678-vmss000000",
            node_info: info,
            extra,
        }
    }

    fn get<'a>(labels: &'a [(String, String)], key: &str) -> Option<&'a str> {
        labels
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn version_1_35_runs_ubuntu_24_04_from_the_august_2026_image() {
        // AKSUbuntu-2404/202608.06.1: kubelet 1.35.7, linux-image-6.8.0-1064-azure,
        // moby-containerd 2.3.3-ubuntu24.04u2, base-files 13ubuntu10.4 (24.04.4).
        let info = node_info("1.35").expect("supported");
        assert_eq!(info.kubelet_version, "v1.35.7");
        assert_eq!(info.os_image, "Ubuntu 24.04.4 LTS");
        assert_eq!(info.kernel_version, "6.8.0-1064-azure");
        assert_eq!(info.container_runtime_version, "containerd://2.3.3-2");
        assert_eq!(info.os_sku_effective, "Ubuntu2404");
    }

    #[test]
    fn versions_before_1_35_run_ubuntu_22_04() {
        // upgrade-os-version.md: Ubuntu 22.04 is the default for 1.25–1.34.
        for v in ["1.31", "1.32", "1.33", "1.34"] {
            let info = node_info(v).expect("supported");
            assert_eq!(info.os_image, "Ubuntu 22.04.5 LTS", "{v}");
            assert!(
                info.container_runtime_version
                    .starts_with("containerd://1.7.")
            );
        }
        assert_eq!(node_info("1.34").map(|i| i.kubelet_version), Ok("v1.34.10"));
        // vhd-notes AKSUbuntu-2204/202608.06.1.txt: /opt/bin/kubelet-1.31.14, kubelet-1.32.12.
        assert_eq!(node_info("1.31").map(|i| i.kubelet_version), Ok("v1.31.14"));
        assert_eq!(node_info("1.32").map(|i| i.kubelet_version), Ok("v1.32.12"));
    }

    #[test]
    fn every_supported_version_has_a_matching_kubelet() {
        for v in SUPPORTED_VERSIONS {
            let info = node_info(v).expect("supported");
            assert!(info.kubelet_version.starts_with(&format!("v{v}.")), "{v}");
        }
    }

    #[test]
    fn other_versions_are_errors_that_name_the_supported_ones() {
        for bad in ["1.30", "1.38", "1.35.7", "v1.35", "1.3", "", "2.0"] {
            let err = node_info(bad).expect_err(bad);
            assert_eq!(err.version, bad);
            assert!(err.to_string().contains("1.33, 1.34, 1.35, 1.36 and 1.37"));
        }
        assert_eq!(kubernetes_minor("1.35"), Ok(35));
    }

    #[test]
    fn labels_match_the_aks_reserved_set_and_sort_by_key() {
        let info = node_info("1.35").expect("supported");
        let labels = node_labels(&params(&info, &[]));
        let keys: Vec<&str> = labels.iter().map(|(k, _)| k.as_str()).collect();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        assert_eq!(keys, sorted);
        // aks-nodes.md §4.2 values.
        assert_eq!(
            get(&labels, "kubernetes.azure.com/agentpool"),
            Some("nodepool1")
        );
        assert_eq!(get(&labels, "agentpool"), Some("nodepool1"));
        assert_eq!(get(&labels, "kubernetes.io/arch"), Some("amd64"));
        assert_eq!(get(&labels, "kubernetes.io/os"), Some("linux"));
        assert_eq!(
            get(&labels, "node.kubernetes.io/instance-type"),
            Some("Standard_DS2_v2")
        );
        assert_eq!(
            get(&labels, "topology.kubernetes.io/region"),
            Some("eastus")
        );
        assert_eq!(get(&labels, "topology.kubernetes.io/zone"), Some("0"));
        assert_eq!(get(&labels, "kubernetes.azure.com/mode"), Some("system"));
        assert_eq!(get(&labels, "kubernetes.azure.com/role"), Some("agent"));
        assert_eq!(get(&labels, "kubernetes.azure.com/managedby"), Some("aks"));
        assert_eq!(get(&labels, "kubernetes.azure.com/os-sku"), Some("Ubuntu"));
        assert_eq!(
            get(&labels, "kubernetes.azure.com/os-sku-effective"),
            Some("Ubuntu2404")
        );
        assert_eq!(get(&labels, "kubernetes.azure.com/sku-cpu"), Some("2"));
        assert_eq!(
            get(&labels, "kubernetes.azure.com/cluster"),
            Some("MC_kubesim_kubesim_eastus")
        );
        assert_eq!(
            get(&labels, "kubernetes.io/hostname"),
            Some("aks-nodepool1-12345678-vmss000000")
        );
        // §4.4: ROLES shows `agent` because of these two.
        assert_eq!(get(&labels, "node-role.kubernetes.io/agent"), Some(""));
        assert_eq!(get(&labels, "kubernetes.io/role"), Some("agent"));
    }

    #[test]
    fn zonal_user_pools_get_region_dash_zone_and_mode_user() {
        // configure-automatic-zone-placement.md: `eastus-1`.
        let info = node_info("1.35").expect("supported");
        let p = NodeLabelParams {
            zone: Some(1),
            mode_is_system: false,
            node_resource_group: Some("MC_rg_aks_eastus"),
            ..params(&info, &[])
        };
        let labels = node_labels(&p);
        assert_eq!(
            get(&labels, "topology.kubernetes.io/zone"),
            Some("eastus-1")
        );
        assert_eq!(
            get(&labels, "failure-domain.beta.kubernetes.io/zone"),
            Some("eastus-1")
        );
        assert_eq!(get(&labels, "kubernetes.azure.com/mode"), Some("user"));
        assert_eq!(
            get(&labels, "kubernetes.azure.com/cluster"),
            Some("MC_rg_aks_eastus")
        );
    }

    #[test]
    fn pool_labels_are_added_but_cannot_replace_aks_labels() {
        let info = node_info("1.35").expect("supported");
        let extra = [
            ("team".to_string(), "web".to_string()),
            ("kubernetes.io/os".to_string(), "windows".to_string()),
        ];
        let labels = node_labels(&params(&info, &extra));
        assert_eq!(get(&labels, "team"), Some("web"));
        assert_eq!(get(&labels, "kubernetes.io/os"), Some("linux"));
    }

    #[test]
    fn long_cluster_labels_are_cut_to_a_valid_label_value() {
        let info = node_info("1.35").expect("supported");
        let long = "a".repeat(70);
        let p = NodeLabelParams {
            cluster_name: &long,
            ..params(&info, &[])
        };
        let labels = node_labels(&p);
        let v = get(&labels, "kubernetes.azure.com/cluster").expect("set");
        assert!(v.len() <= 63);
        assert!(v.starts_with("MC_aaa"));
        assert!(v.ends_with('a'));
    }

    proptest::proptest! {
        #[test]
        fn label_values_are_cut_safely_on_any_text(v in ".*") {
            let cut = label_value(&v);
            proptest::prop_assert!(cut.chars().count() <= 63);
            proptest::prop_assert!(v.starts_with(cut));
        }
    }
}
