//! The cluster's network settings — AKS's `networkProfile` (`az aks create --network-plugin
//! --network-plugin-mode --pod-cidr --service-cidr --dns-service-ip --vnet-subnet-id`) — with
//! AKS's defaults and the validation rules AKS documents.
//!
//! Sources: reference/kubernetes-aks-facts.md §D.1–D.7 (AKS docs `configure-kubenet.md`,
//! `azure-cni-overlay.md`, `concepts-network-ip-address-planning.md`,
//! `concepts-network-legacy-cni.md`) and reference/aks-nodes.md §5.
//!
//! Simplifications and kubesim's own choices:
//! - IPv4 only; an IPv6 range is refused with a message saying so.
//! - The node subnet is given as a CIDR (`vnetSubnetCidr`), not an ARM subnet ID. Its default
//!   is **10.224.0.0/16**: the first subnet of AKS's default managed VNet 10.224.0.0/12, which
//!   puts the first node at 10.224.0.4 as `kubectl get nodes -o wide` shows on AKS
//!   (aks-nodes.md §5; the VNet default is inferred from examples there).
//! - A CIDR with host bits set (`10.244.1.0/16`) is refused rather than truncated: for capacity
//!   planning the intended range is ambiguous. Whether AKS refuses it too is not verified.
//! - `dnsServiceIp` omitted while `serviceCidr` is given defaults to the `.10` of that range,
//!   the address AKS recommends (D.5), instead of AKS's fixed 10.0.0.10.
//! - `networkPluginMode: overlay` without `networkPlugin` means Azure CNI Overlay, which is
//!   also the default; with `kubenet` it is an error.
//! - Plugin names are matched exactly as ARM spells them (`azure`, `kubenet`, `overlay`).
//!   `none` (bring your own CNI) is not simulated.

use std::fmt;
use std::net::Ipv4Addr;

use ipnet::{Ipv4Net, Ipv6Net};

use crate::diag::did_you_mean;

/// The network plugin, chosen once per cluster; it decides where pod addresses come from and
/// the default maxPods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Plugin {
    /// kubenet (legacy, retiring 2028): nodes take VNet IPs, pods a per-node /24 of the pod
    /// CIDR behind a bridge (D.1).
    Kubenet,
    /// Azure CNI in node-subnet mode (legacy "Azure CNI"): nodes and pods take VNet IPs, maxPods
    /// of them reserved per node when it joins (D.2).
    AzureCni,
    /// Azure CNI Overlay, AKS's default: nodes take VNet IPs, pods a per-node /24 of a private
    /// pod CIDR (D.3).
    AzureCniOverlay,
}

impl Plugin {
    /// Whether pods take their addresses from a per-node /24 of the pod CIDR (kubenet and
    /// Overlay) rather than from the node subnet (Azure CNI).
    pub fn uses_pod_cidr(self) -> bool {
        matches!(self, Plugin::Kubenet | Plugin::AzureCniOverlay)
    }
}

impl fmt::Display for Plugin {
    /// Names the plugin in messages: `kubenet`, `azure`, `azure (overlay)` — the scenario's
    /// `networkPlugin` with the mode when there is one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Plugin::Kubenet => "kubenet",
            Plugin::AzureCni => "azure",
            Plugin::AzureCniOverlay => "azure (overlay)",
        })
    }
}

/// Which scenario key a configuration problem is about, so the scenario loader can point at
/// the right line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    /// `cluster.networkPlugin`
    NetworkPlugin,
    /// `cluster.networkPluginMode`
    NetworkPluginMode,
    /// `cluster.podCidr`
    PodCidr,
    /// `cluster.serviceCidr`
    ServiceCidr,
    /// `cluster.dnsServiceIp`
    DnsServiceIp,
    /// `cluster.vnetSubnetCidr`
    VnetSubnetCidr,
}

impl Field {
    /// The scenario key (docs/scenario.md), as diagnostics name it.
    pub fn key(self) -> &'static str {
        match self {
            Field::NetworkPlugin => "networkPlugin",
            Field::NetworkPluginMode => "networkPluginMode",
            Field::PodCidr => "podCidr",
            Field::ServiceCidr => "serviceCidr",
            Field::DnsServiceIp => "dnsServiceIp",
            Field::VnetSubnetCidr => "vnetSubnetCidr",
        }
    }
}

/// The validated network settings of one cluster; every address allocator is built from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkConfig {
    /// The network plugin.
    pub plugin: Plugin,
    /// The pod CIDR (kubenet and Overlay only; `None` for Azure CNI node-subnet mode).
    pub pod_cidr: Option<Ipv4Net>,
    /// The Service ClusterIP range.
    pub service_cidr: Ipv4Net,
    /// The ClusterIP of kube-dns (CoreDNS).
    pub dns_service_ip: Ipv4Addr,
    /// The VNet subnet the nodes (and, for Azure CNI, the pods) take addresses from.
    pub vnet_subnet_cidr: Ipv4Net,
}

/// `--pod-cidr` default, kubenet and Overlay (D.1, D.3).
pub const DEFAULT_POD_CIDR: Ipv4Net = Ipv4Net::new_assert(Ipv4Addr::new(10, 244, 0, 0), 16);
/// `--service-cidr` default (D.5).
pub const DEFAULT_SERVICE_CIDR: Ipv4Net = Ipv4Net::new_assert(Ipv4Addr::new(10, 0, 0, 0), 16);
/// `--dns-service-ip` default (D.5).
pub const DEFAULT_DNS_SERVICE_IP: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 10);
/// kubesim's node subnet default: the first /16 of AKS's default VNet 10.224.0.0/12
/// (aks-nodes.md §5).
pub const DEFAULT_VNET_SUBNET_CIDR: Ipv4Net = Ipv4Net::new_assert(Ipv4Addr::new(10, 224, 0, 0), 16);

/// Ranges AKS does not allow for the service, pod or VNet ranges (D.5).
const FORBIDDEN: [Ipv4Net; 4] = [
    Ipv4Net::new_assert(Ipv4Addr::new(169, 254, 0, 0), 16),
    Ipv4Net::new_assert(Ipv4Addr::new(172, 30, 0, 0), 16),
    Ipv4Net::new_assert(Ipv4Addr::new(172, 31, 0, 0), 16),
    Ipv4Net::new_assert(Ipv4Addr::new(192, 0, 2, 0), 24),
];

/// Every node takes one /24 of the pod CIDR (D.1, D.3).
pub(crate) const NODE_POD_PREFIX: u8 = 24;

impl Default for NetworkConfig {
    /// AKS's defaults: Azure CNI Overlay with the default ranges.
    fn default() -> Self {
        NetworkConfig {
            plugin: Plugin::AzureCniOverlay,
            pod_cidr: Some(DEFAULT_POD_CIDR),
            service_cidr: DEFAULT_SERVICE_CIDR,
            dns_service_ip: DEFAULT_DNS_SERVICE_IP,
            vnet_subnet_cidr: DEFAULT_VNET_SUBNET_CIDR,
        }
    }
}

impl NetworkConfig {
    /// Applies AKS's defaults to the scenario's `cluster` network keys and checks them,
    /// returning every problem found (docs/outputs.md), each with the key it is about.
    pub fn resolve(
        network_plugin: Option<&str>,
        network_plugin_mode: Option<&str>,
        pod_cidr: Option<&str>,
        service_cidr: Option<&str>,
        dns_service_ip: Option<&str>,
        vnet_subnet_cidr: Option<&str>,
    ) -> Result<NetworkConfig, Vec<(Field, String)>> {
        let mut problems: Vec<(Field, String)> = Vec::new();

        let plugin = resolve_plugin(network_plugin, network_plugin_mode, &mut problems);

        // The pod CIDR: only kubenet and Overlay have one.
        let pod = match (plugin, pod_cidr) {
            (Some(Plugin::AzureCni), Some(text)) => {
                problems.push((
                    Field::PodCidr,
                    format!(
                        "podCidr {text} can't be used with networkPlugin azure in node-subnet \
                         mode: pods take their addresses from the node subnet (set \
                         networkPluginMode: overlay to use a pod CIDR)"
                    ),
                ));
                None
            }
            (Some(Plugin::AzureCni), None) => None,
            (_, text) => {
                check_range(Field::PodCidr, text, DEFAULT_POD_CIDR, &mut problems).filter(|net| {
                    if net.prefix_len() > NODE_POD_PREFIX {
                        problems.push((
                            Field::PodCidr,
                            format!(
                                "podCidr {net} is smaller than the /24 each node takes from it"
                            ),
                        ));
                        false
                    } else {
                        true
                    }
                })
            }
        };

        let service = check_range(
            Field::ServiceCidr,
            service_cidr,
            DEFAULT_SERVICE_CIDR,
            &mut problems,
        )
        .filter(|net| {
            if net.prefix_len() <= 12 {
                problems.push((
                    Field::ServiceCidr,
                    format!(
                        "serviceCidr {net} is too large: the service range must be smaller than /12"
                    ),
                ));
                false
            } else {
                true
            }
        });

        let dns = resolve_dns_ip(dns_service_ip, service_cidr, service, &mut problems);

        let vnet = check_range(
            Field::VnetSubnetCidr,
            vnet_subnet_cidr,
            DEFAULT_VNET_SUBNET_CIDR,
            &mut problems,
        )
        .filter(|net| {
            let message = if net.prefix_len() < 8 {
                format!("vnetSubnetCidr {net} is larger than /8, the largest Azure virtual network")
            } else if net.prefix_len() > 29 {
                format!("vnetSubnetCidr {net} is smaller than /29, the smallest Azure subnet")
            } else {
                return true;
            };
            problems.push((Field::VnetSubnetCidr, message));
            false
        });

        // No two of the cluster's ranges may overlap (D.5).
        let uses_pod = plugin.is_some_and(Plugin::uses_pod_cidr);
        let ranges = [
            (Field::PodCidr, if uses_pod { pod } else { None }),
            (Field::ServiceCidr, service),
            (Field::VnetSubnetCidr, vnet),
        ];
        for (i, &(field_a, a)) in ranges.iter().enumerate() {
            for &(field_b, b) in &ranges[i + 1..] {
                if let (Some(a), Some(b)) = (a, b)
                    && overlaps(a, b)
                {
                    problems.push((
                        field_a,
                        format!("{} {a} overlaps {} {b}", field_a.key(), field_b.key()),
                    ));
                }
            }
        }

        match (plugin, service, dns, vnet) {
            (Some(plugin), Some(service_cidr), Some(dns_service_ip), Some(vnet_subnet_cidr))
                if problems.is_empty() =>
            {
                Ok(NetworkConfig {
                    plugin,
                    pod_cidr: if plugin.uses_pod_cidr() { pod } else { None },
                    service_cidr,
                    dns_service_ip,
                    vnet_subnet_cidr,
                })
            }
            _ => Err(problems),
        }
    }

    /// The ClusterIP of the `kubernetes` Service in `default`: the first address of the service
    /// range (docs/scenario.md#the-cluster-at-t0, D.5).
    pub fn kubernetes_service_ip(&self) -> Ipv4Addr {
        first_host(self.service_cidr)
    }
}

/// The default maxPods of a node pool for each plugin (D.1, D.2, D.3; aks-nodes.md §3.5).
pub fn default_max_pods(plugin: Plugin) -> u32 {
    match plugin {
        Plugin::Kubenet => 110,
        Plugin::AzureCni => 30,
        Plugin::AzureCniOverlay => 250,
    }
}

/// The smallest and largest maxPods AKS accepts, both inclusive (D.7). The minimum 10 also
/// needs room for 30 pods in the pool, which the node-pool check applies.
pub fn max_pods_range() -> (u32, u32) {
    (10, 250)
}

/// The address after the network address: the first one Kubernetes hands out.
fn first_host(net: Ipv4Net) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(net.network()).wrapping_add(1))
}

/// Whether two ranges share an address.
fn overlaps(a: Ipv4Net, b: Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

fn resolve_plugin(
    plugin: Option<&str>,
    mode: Option<&str>,
    problems: &mut Vec<(Field, String)>,
) -> Option<Plugin> {
    let mode_ok = match mode {
        None => true,
        Some("overlay") => true,
        Some(other) => {
            problems.push((Field::NetworkPluginMode, unsupported(other, &["overlay"])));
            false
        }
    };
    let overlay = mode == Some("overlay");
    let plugin = match plugin {
        None => Some(Plugin::AzureCniOverlay),
        Some("azure") if overlay => Some(Plugin::AzureCniOverlay),
        Some("azure") => Some(Plugin::AzureCni),
        Some("kubenet") => {
            if overlay {
                problems.push((
                    Field::NetworkPluginMode,
                    "networkPluginMode overlay requires networkPlugin azure".to_string(),
                ));
                None
            } else {
                Some(Plugin::Kubenet)
            }
        }
        Some(other) => {
            problems.push((
                Field::NetworkPlugin,
                unsupported(other, &["azure", "kubenet"]),
            ));
            None
        }
    };
    plugin.filter(|_| mode_ok)
}

/// Kubernetes' `Unsupported value` wording, with a did-you-mean when one is close.
fn unsupported(value: &str, supported: &[&str]) -> String {
    let list: Vec<String> = supported.iter().map(|s| format!("\"{s}\"")).collect();
    let mut message = format!(
        "Unsupported value: \"{value}\": supported values: {}",
        list.join(", ")
    );
    if let Some(near) = did_you_mean(value, supported.iter().copied()) {
        message.push_str(&format!(" (did you mean \"{near}\"?)"));
    }
    message
}

/// Parses one of the cluster's ranges (or takes its default) and checks it against the ranges
/// AKS forbids.
fn check_range(
    field: Field,
    text: Option<&str>,
    default: Ipv4Net,
    problems: &mut Vec<(Field, String)>,
) -> Option<Ipv4Net> {
    let net = match text {
        None => default,
        Some(text) => match parse_cidr(text) {
            Ok(net) => net,
            Err(message) => {
                problems.push((field, message));
                return None;
            }
        },
    };
    if let Some(bad) = FORBIDDEN.iter().find(|bad| overlaps(net, **bad)) {
        problems.push((
            field,
            format!(
                "{} {net} overlaps {bad}, which AKS does not allow (169.254.0.0/16, \
                 172.30.0.0/16, 172.31.0.0/16 and 192.0.2.0/24 are reserved)",
                field.key()
            ),
        ));
        return None;
    }
    Some(net)
}

/// Parses `a.b.c.d/n` with Go's `net.ParseCIDR` wording for text that is not a CIDR.
fn parse_cidr(text: &str) -> Result<Ipv4Net, String> {
    match text.parse::<Ipv4Net>() {
        Ok(net) if net != net.trunc() => Err(format!(
            "{text} has host bits set: the network address is {}",
            net.trunc()
        )),
        Ok(net) => Ok(net),
        Err(_) if text.parse::<Ipv6Net>().is_ok() => Err(format!(
            "{text} is an IPv6 range: kubesim simulates IPv4 only"
        )),
        Err(_) => Err(format!("invalid CIDR address: {text}")),
    }
}

/// The DNS service IP: given, or the default; it must be a usable address of the service range
/// other than the first, which the `kubernetes` Service takes (D.5).
fn resolve_dns_ip(
    text: Option<&str>,
    service_text: Option<&str>,
    service: Option<Ipv4Net>,
    problems: &mut Vec<(Field, String)>,
) -> Option<Ipv4Addr> {
    let ip = match text {
        Some(text) => match text.parse::<Ipv4Addr>() {
            Ok(ip) => ip,
            Err(_) => {
                problems.push((Field::DnsServiceIp, format!("invalid IP address: {text}")));
                return None;
            }
        },
        // A custom service range without a DNS IP: its .10, as AKS recommends.
        None if service_text.is_some() => match service {
            Some(net) => Ipv4Addr::from(u32::from(net.network()).wrapping_add(10)),
            None => return None,
        },
        None => DEFAULT_DNS_SERVICE_IP,
    };
    let service = service?;
    let message = if !service.contains(&ip) {
        format!("dnsServiceIp {ip} is not inside serviceCidr {service}")
    } else if ip == service.network() || ip == service.broadcast() {
        format!("dnsServiceIp {ip} is the network or broadcast address of serviceCidr {service}")
    } else if ip == first_host(service) {
        format!(
            "dnsServiceIp {ip} is the first address of serviceCidr {service}, which the \
             kubernetes Service uses"
        )
    } else {
        return Some(ip);
    };
    problems.push((Field::DnsServiceIp, message));
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(
        plugin: Option<&str>,
        mode: Option<&str>,
    ) -> Result<NetworkConfig, Vec<(Field, String)>> {
        NetworkConfig::resolve(plugin, mode, None, None, None, None)
    }

    fn fields(r: Result<NetworkConfig, Vec<(Field, String)>>) -> Vec<Field> {
        r.expect_err("should fail")
            .into_iter()
            .map(|(f, _)| f)
            .collect()
    }

    #[test]
    fn an_omitted_plugin_is_azure_cni_overlay_with_aks_defaults() {
        // D.3: "If you don't specify --network-plugin, AKS defaults to Azure CNI Overlay";
        // D.3/D.5 defaults; aks-nodes.md §5 for the node subnet.
        let cfg = resolve(None, None).expect("defaults are valid");
        assert_eq!(cfg, NetworkConfig::default());
        assert_eq!(cfg.plugin, Plugin::AzureCniOverlay);
        assert_eq!(cfg.pod_cidr, Some("10.244.0.0/16".parse().unwrap()));
        assert_eq!(cfg.service_cidr, "10.0.0.0/16".parse::<Ipv4Net>().unwrap());
        assert_eq!(cfg.dns_service_ip, Ipv4Addr::new(10, 0, 0, 10));
        assert_eq!(
            cfg.vnet_subnet_cidr,
            "10.224.0.0/16".parse::<Ipv4Net>().unwrap()
        );
        assert_eq!(cfg.kubernetes_service_ip(), Ipv4Addr::new(10, 0, 0, 1));
    }

    #[test]
    fn azure_without_a_mode_is_node_subnet_azure_cni_without_a_pod_cidr() {
        // D.3: "--network-plugin=azure without --network-plugin-mode → node-subnet mode".
        let cfg = resolve(Some("azure"), None).unwrap();
        assert_eq!(cfg.plugin, Plugin::AzureCni);
        assert_eq!(cfg.pod_cidr, None);
        assert_eq!(
            resolve(Some("azure"), Some("overlay")).unwrap().plugin,
            Plugin::AzureCniOverlay
        );
        assert_eq!(
            resolve(None, Some("overlay")).unwrap().plugin,
            Plugin::AzureCniOverlay
        );
        let kubenet = resolve(Some("kubenet"), None).unwrap();
        assert_eq!(kubenet.plugin, Plugin::Kubenet);
        assert_eq!(kubenet.pod_cidr, Some(DEFAULT_POD_CIDR));
    }

    #[test]
    fn overlay_mode_with_kubenet_and_unknown_names_are_refused() {
        assert_eq!(
            fields(resolve(Some("kubenet"), Some("overlay"))),
            vec![Field::NetworkPluginMode]
        );
        let problems = resolve(Some("kubnet"), Some("underlay")).unwrap_err();
        assert_eq!(
            problems,
            vec![
                (
                    Field::NetworkPluginMode,
                    "Unsupported value: \"underlay\": supported values: \"overlay\"".to_string()
                ),
                (
                    Field::NetworkPlugin,
                    "Unsupported value: \"kubnet\": supported values: \"azure\", \"kubenet\" \
                     (did you mean \"kubenet\"?)"
                        .to_string()
                ),
            ]
        );
    }

    #[test]
    fn default_max_pods_follow_the_plugin() {
        // D.1 kubenet 110, D.2 Azure CNI 30, D.3 Overlay 250; D.7 10..=250.
        assert_eq!(default_max_pods(Plugin::Kubenet), 110);
        assert_eq!(default_max_pods(Plugin::AzureCni), 30);
        assert_eq!(default_max_pods(Plugin::AzureCniOverlay), 250);
        assert_eq!(max_pods_range(), (10, 250));
    }

    #[test]
    fn bad_cidr_text_uses_go_parse_cidr_wording() {
        let problems =
            NetworkConfig::resolve(None, None, Some("10.0.0/16"), None, None, None).unwrap_err();
        assert_eq!(
            problems,
            vec![(
                Field::PodCidr,
                "invalid CIDR address: 10.0.0/16".to_string()
            )]
        );
        let problems =
            NetworkConfig::resolve(None, None, None, None, Some("10.0.0.300"), None).unwrap_err();
        assert_eq!(
            problems,
            vec![(
                Field::DnsServiceIp,
                "invalid IP address: 10.0.0.300".to_string()
            )]
        );
    }

    #[test]
    fn host_bits_and_ipv6_ranges_are_refused_with_the_intended_network() {
        let problems = NetworkConfig::resolve(None, None, Some("10.244.1.0/16"), None, None, None)
            .unwrap_err();
        assert_eq!(
            problems,
            vec![(
                Field::PodCidr,
                "10.244.1.0/16 has host bits set: the network address is 10.244.0.0/16".to_string()
            )]
        );
        assert_eq!(
            fields(NetworkConfig::resolve(
                None,
                None,
                None,
                Some("fd00::/108"),
                None,
                None
            )),
            vec![Field::ServiceCidr]
        );
    }

    #[test]
    fn reserved_ranges_are_refused_for_every_range() {
        // D.5: 169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16, 192.0.2.0/24 are not allowed.
        for bad in [
            "169.254.0.0/16",
            "172.30.0.0/16",
            "172.31.128.0/17",
            "192.0.0.0/16",
        ] {
            assert_eq!(
                fields(NetworkConfig::resolve(
                    None,
                    None,
                    Some(bad),
                    None,
                    None,
                    None
                )),
                vec![Field::PodCidr],
                "{bad}"
            );
            assert_eq!(
                fields(NetworkConfig::resolve(
                    None,
                    None,
                    None,
                    None,
                    None,
                    Some(bad)
                )),
                vec![Field::VnetSubnetCidr],
                "{bad}"
            );
        }
        // The service range's DNS IP defaults to its .10, so only the range is reported.
        assert_eq!(
            fields(NetworkConfig::resolve(
                None,
                None,
                None,
                Some("172.30.0.0/16"),
                None,
                None
            )),
            vec![Field::ServiceCidr]
        );
    }

    #[test]
    fn the_service_range_must_be_smaller_than_a_slash_12() {
        // D.5: "must be smaller than /12" (a /12 itself is refused).
        assert_eq!(
            fields(NetworkConfig::resolve(
                None,
                None,
                None,
                Some("10.0.0.0/12"),
                Some("10.0.0.10"),
                None
            )),
            vec![Field::ServiceCidr]
        );
        let cfg = NetworkConfig::resolve(None, None, None, Some("10.0.0.0/13"), None, None)
            .expect("a /13 is allowed");
        assert_eq!(cfg.dns_service_ip, Ipv4Addr::new(10, 0, 0, 10));
    }

    #[test]
    fn the_dns_ip_must_be_inside_the_service_range_and_not_its_first_address() {
        // D.5: inside the range, not the first address (kubernetes.default).
        let check = |dns: &str| {
            fields(NetworkConfig::resolve(
                None,
                None,
                None,
                None,
                Some(dns),
                None,
            ))
        };
        assert_eq!(check("10.1.0.10"), vec![Field::DnsServiceIp]);
        assert_eq!(check("10.0.0.1"), vec![Field::DnsServiceIp]);
        // Azure/AKS#2579: the network address was accepted and broke DNS.
        assert_eq!(check("10.0.0.0"), vec![Field::DnsServiceIp]);
        assert_eq!(check("10.0.255.255"), vec![Field::DnsServiceIp]);
        assert!(NetworkConfig::resolve(None, None, None, None, Some("10.0.0.2"), None).is_ok());
    }

    #[test]
    fn a_custom_service_range_gets_its_own_dot_ten_as_dns_ip() {
        let cfg =
            NetworkConfig::resolve(None, None, None, Some("172.16.0.0/16"), None, None).unwrap();
        assert_eq!(cfg.dns_service_ip, Ipv4Addr::new(172, 16, 0, 10));
        assert_eq!(cfg.kubernetes_service_ip(), Ipv4Addr::new(172, 16, 0, 1));
        // A /29 has no .10.
        assert_eq!(
            fields(NetworkConfig::resolve(
                None,
                None,
                None,
                Some("172.16.0.0/29"),
                None,
                None
            )),
            vec![Field::DnsServiceIp]
        );
    }

    #[test]
    fn ranges_must_not_overlap() {
        // D.5: no overlap between the pod, service and node subnet ranges.
        let problems = NetworkConfig::resolve(
            Some("kubenet"),
            None,
            Some("10.0.0.0/14"),
            None,
            None,
            Some("10.2.0.0/16"),
        )
        .unwrap_err();
        assert_eq!(
            problems,
            vec![
                (
                    Field::PodCidr,
                    "podCidr 10.0.0.0/14 overlaps serviceCidr 10.0.0.0/16".to_string()
                ),
                (
                    Field::PodCidr,
                    "podCidr 10.0.0.0/14 overlaps vnetSubnetCidr 10.2.0.0/16".to_string()
                ),
            ]
        );
        assert_eq!(
            fields(NetworkConfig::resolve(
                Some("azure"),
                None,
                None,
                None,
                None,
                Some("10.0.0.0/8")
            )),
            vec![Field::ServiceCidr]
        );
    }

    #[test]
    fn a_pod_cidr_with_node_subnet_azure_cni_is_refused() {
        assert_eq!(
            fields(NetworkConfig::resolve(
                Some("azure"),
                None,
                Some("10.244.0.0/16"),
                None,
                None,
                None
            )),
            vec![Field::PodCidr]
        );
    }

    #[test]
    fn subnet_and_pod_cidr_sizes_are_bounded() {
        assert_eq!(
            fields(NetworkConfig::resolve(
                None,
                None,
                Some("10.244.0.0/25"),
                None,
                None,
                None
            )),
            vec![Field::PodCidr]
        );
        assert_eq!(
            fields(NetworkConfig::resolve(
                None,
                None,
                None,
                None,
                None,
                Some("10.224.0.0/30")
            )),
            vec![Field::VnetSubnetCidr]
        );
        assert_eq!(
            fields(NetworkConfig::resolve(
                None,
                None,
                None,
                None,
                None,
                Some("0.0.0.0/7")
            )),
            vec![Field::VnetSubnetCidr]
        );
    }

    #[test]
    fn every_problem_is_reported_not_only_the_first() {
        let problems = NetworkConfig::resolve(
            Some("calico"),
            None,
            Some("x"),
            Some("y"),
            Some("z"),
            Some("w"),
        )
        .unwrap_err();
        let fields: Vec<Field> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            vec![
                Field::NetworkPlugin,
                Field::PodCidr,
                Field::ServiceCidr,
                Field::DnsServiceIp,
                Field::VnetSubnetCidr
            ]
        );
    }

    proptest::proptest! {
        /// Arbitrary text in any key is a list of problems or a config, never a panic.
        #[test]
        fn arbitrary_text_never_panics(
            texts in proptest::collection::vec(proptest::option::of("[0-9a-z./:]{0,20}"), 6),
        ) {
            let t = |i: usize| texts[i].as_deref();
            let _ = NetworkConfig::resolve(t(0), t(1), t(2), t(3), t(4), t(5));
        }
    }
}
