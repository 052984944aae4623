//! Names of AKS VMSS nodes: `aks-<pool>-<NNNNNNNN>-vmss<IIIIII>` (the VMSS instance's computer
//! name, which the kubelet registers as the Node name).
//!
//! Sources: reference/aks-nodes.md §4.1 (format; the 6-character suffix is the instance ID in
//! base 36, `vmss000046` ↔ instance 150, Azure/AKS#3293) and docs/scenario.md#names (kubesim's hash).
//!
//! Simplification: AKS's 8-digit pool hash is not public ("under flux", kubernetes/autoscaler
//! PR 1896). kubesim uses 32-bit FNV-1a of `<cluster>/<pool>` modulo 10^8 instead, so names are
//! stable across runs and seeds but differ from a real cluster's.

use crate::sim::rng::fnv1a_32;

/// The address kubectl's kubeconfig names for the cluster's API server: AKS's public FQDN
/// `<dnsPrefix>-<8 hex>.hcp.<location>.azmk8s.io` on port 443. A scenario has no resource
/// group, so the DNS prefix is the cluster's name (as `az aks create --dns-name-prefix NAME`
/// gives); the 8 hex digits are the FNV-1a hash of the name that `az aks show` prints too.
pub fn api_server_host(cluster: &str, location: &str) -> String {
    let hash = fnv1a_32(cluster.as_bytes());
    format!("{cluster}-{hash:08x}.hcp.{location}.azmk8s.io:443")
}

/// The 8-digit pool hash of a node name: FNV-1a of the UTF-8 bytes of `<cluster>/<pool>`,
/// modulo 10^8, zero-padded (docs/scenario.md#names). The same pool of the same cluster always gets the
/// same digits; different pools of one cluster almost always differ, as on AKS.
pub fn pool_hash(cluster: &str, pool: &str) -> String {
    let key = format!("{cluster}/{pool}");
    format!("{:08}", fnv1a_32(key.as_bytes()) % 100_000_000)
}

/// The Node name of instance `index` of `pool` (indices start at 0 per pool and are never
/// reused, so scale-in leaves gaps, as on AKS).
pub fn node_name(cluster: &str, pool: &str, index: u32) -> String {
    format!(
        "aks-{pool}-{}-vmss{}",
        pool_hash(cluster, pool),
        vmss_instance_suffix(index)
    )
}

/// The VMSS instance ID in base 36 with digits `0-9a-z`, zero-padded to 6 characters (longer
/// only past 36^6 − 1 instances, which AKS's 1,000-node pool limit never reaches).
pub fn vmss_instance_suffix(index: u32) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::with_capacity(7);
    let mut n = index;
    loop {
        // `n % 36` is below 36, so the index is in range.
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    while out.len() < 6 {
        out.push(b'0');
    }
    out.reverse();
    out.into_iter().map(char::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_server_host_is_an_aks_fqdn_on_port_443() {
        let h = api_server_host("kubesim", "eastus");
        assert!(h.starts_with("kubesim-"), "{h}");
        assert!(h.ends_with(".hcp.eastus.azmk8s.io:443"), "{h}");
        assert_eq!(
            h.len(),
            "kubesim-".len() + 8 + ".hcp.eastus.azmk8s.io:443".len()
        );
    }

    #[test]
    fn fnv1a_32_matches_the_published_test_vectors() {
        // draft-eastlake-fnv / isthe.com FNV test suite (fnv_test_str, FNV-1a 32-bit column).
        let vectors: [(&str, u32); 7] = [
            ("", 0x811c9dc5),
            ("a", 0xe40c292c),
            ("b", 0xe70c2de5),
            ("c", 0xe60c2c52),
            ("foo", 0xa9f37ed7),
            ("foobar", 0xbf9cf968),
            ("chongo was here!\n", 0xd49930d5),
        ];
        for (input, hash) in vectors {
            assert_eq!(fnv1a_32(input.as_bytes()), hash, "{input:?}");
        }
    }

    #[test]
    fn pool_hash_is_fnv1a_of_cluster_slash_pool_mod_1e8() {
        let h = fnv1a_32(b"kubesim/nodepool1") % 100_000_000;
        assert_eq!(pool_hash("kubesim", "nodepool1"), format!("{h:08}"));
        assert_eq!(pool_hash("kubesim", "nodepool1").len(), 8);
        assert_ne!(
            pool_hash("kubesim", "nodepool1"),
            pool_hash("kubesim", "userpool")
        );
    }

    #[test]
    fn pool_hash_keeps_leading_zeros() {
        // Find a pool whose hash mod 10^8 is below 10^7 and check it is padded to 8 digits.
        let pool = (0..10_000)
            .map(|i| format!("p{i}"))
            .find(|p| fnv1a_32(format!("c/{p}").as_bytes()) % 100_000_000 < 10_000_000)
            .expect("one in ten keys qualifies");
        let hash = pool_hash("c", &pool);
        assert_eq!(hash.len(), 8);
        assert!(hash.starts_with('0'));
    }

    #[test]
    fn instance_suffix_is_base_36_zero_padded_to_six() {
        // Azure/AKS#3293: node …-vmss000046 is VMSS instance 150 (4×36 + 6).
        assert_eq!(vmss_instance_suffix(150), "000046");
        assert_eq!(vmss_instance_suffix(0), "000000");
        // aks-nodes.md §4.1: after vmss000009 comes vmss00000a.
        assert_eq!(vmss_instance_suffix(9), "000009");
        assert_eq!(vmss_instance_suffix(10), "00000a");
        assert_eq!(vmss_instance_suffix(35), "00000z");
        assert_eq!(vmss_instance_suffix(36), "000010");
        // aks-engine#1270: k8s-dynamic-…-vmss0000og = 24×36 + 16 = 880.
        assert_eq!(vmss_instance_suffix(880), "0000og");
        assert_eq!(vmss_instance_suffix(u32::MAX), "1z141z3");
    }

    #[test]
    fn node_names_follow_the_vmss_pattern() {
        let name = node_name("kubesim", "nodepool1", 10);
        let hash = pool_hash("kubesim", "nodepool1");
        assert_eq!(name, format!("aks-nodepool1-{hash}-vmss00000a"));
    }

    proptest::proptest! {
        #[test]
        fn instance_suffix_reads_back_as_the_index(index in proptest::num::u32::ANY) {
            let suffix = vmss_instance_suffix(index);
            proptest::prop_assert!(suffix.len() >= 6);
            proptest::prop_assert_eq!(u32::from_str_radix(&suffix, 36).ok(), Some(index));
        }

        #[test]
        fn pool_hash_is_always_eight_digits(cluster in ".*", pool in ".*") {
            let h = pool_hash(&cluster, &pool);
            proptest::prop_assert_eq!(h.len(), 8);
            proptest::prop_assert!(h.bytes().all(|b| b.is_ascii_digit()));
        }
    }
}
