//! Services, ConfigMaps, Secrets, Namespaces and the AKS DaemonSets, as stored.

use crate::model::labels::Labels;
use crate::model::meta::Meta;
use std::net::Ipv4Addr;

/// `spec.type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceType {
    /// Default.
    ClusterIP,
    /// ClusterIP plus a port on every node.
    NodePort,
    /// NodePort plus a cloud load balancer.
    LoadBalancer,
    /// A DNS alias.
    ExternalName,
}

impl ServiceType {
    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceType::ClusterIP => "ClusterIP",
            ServiceType::NodePort => "NodePort",
            ServiceType::LoadBalancer => "LoadBalancer",
            ServiceType::ExternalName => "ExternalName",
        }
    }
}

/// `spec.ports[i]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServicePort {
    /// `name`.
    pub name: Option<String>,
    /// `protocol` (default TCP).
    pub protocol: String,
    /// `port`.
    pub port: i32,
    /// `targetPort` as written (number or name; defaults to `port`).
    pub target_port: String,
    /// `nodePort` (allocated for NodePort and LoadBalancer services).
    pub node_port: Option<i32>,
}

/// A stored Service.
#[derive(Clone, Debug)]
pub struct Service {
    /// Metadata.
    pub meta: Meta,
    /// `spec.type`.
    pub service_type: ServiceType,
    /// `spec.clusterIP`: None for ExternalName, `headless` for `None`.
    pub cluster_ip: Option<Ipv4Addr>,
    /// `clusterIP: None`.
    pub headless: bool,
    /// `spec.ports`.
    pub ports: Vec<ServicePort>,
    /// `spec.selector` (None when absent).
    pub selector: Option<Labels>,
    /// `spec.externalIPs`.
    pub external_ips: Vec<String>,
    /// `spec.externalName`.
    pub external_name: Option<String>,
    /// `status.loadBalancer.ingress[0].ip` once the cloud provisioned it.
    pub load_balancer_ip: Option<Ipv4Addr>,
}

/// A stored ConfigMap or Secret: kubectl shows only the key count (and a Secret's type).
#[derive(Clone, Debug)]
pub struct ConfigData {
    /// Metadata.
    pub meta: Meta,
    /// `len(data) + len(binaryData)` (ConfigMap) or `len(data)` (Secret, after stringData).
    pub keys: usize,
    /// Secret `type` (default `Opaque`); None for ConfigMaps.
    pub secret_type: Option<String>,
}

/// A stored Namespace.
#[derive(Clone, Debug)]
pub struct Namespace {
    /// Metadata.
    pub meta: Meta,
    /// `status.phase` is Terminating.
    pub terminating: bool,
}

/// A stored DaemonSet. Only AKS's own DaemonSets exist in this version (their pods are
/// created at t=0; the DaemonSet controller comes later).
#[derive(Clone, Debug)]
pub struct DaemonSet {
    /// Metadata.
    pub meta: Meta,
    /// Template labels.
    pub labels: Labels,
}
