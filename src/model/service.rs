//! Services, ConfigMaps, Secrets, Namespaces and DaemonSets, as stored.

use crate::model::labels::{Labels, Selector};
use crate::model::meta::Meta;
use crate::model::workload::{IntOrPercent, PodTemplate};
use std::net::Ipv4Addr;
use std::sync::Arc;

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
    /// The keys themselves, which a container's `configMapKeyRef`/`secretKeyRef` must find.
    pub key_names: Vec<String>,
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

/// `spec.updateStrategy` of a DaemonSet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DaemonSetStrategy {
    /// `RollingUpdate` (the default) with `maxUnavailable` (default 1) and `maxSurge`
    /// (default 0), `SetDefaults_DaemonSet` (facts: DaemonSet rolling defaults).
    RollingUpdate {
        /// `maxUnavailable`.
        max_unavailable: IntOrPercent,
        /// `maxSurge`.
        max_surge: IntOrPercent,
    },
    /// `OnDelete`: new pods only replace pods someone else deleted.
    OnDelete,
}

impl Default for DaemonSetStrategy {
    fn default() -> Self {
        DaemonSetStrategy::RollingUpdate {
            max_unavailable: IntOrPercent::Int(1),
            max_surge: IntOrPercent::Int(0),
        }
    }
}

/// `spec` of a DaemonSet.
#[derive(Clone, Debug)]
pub struct DaemonSetSpec {
    /// `selector`.
    pub selector: Selector,
    /// `template`.
    pub template: Arc<PodTemplate>,
    /// `updateStrategy`.
    pub strategy: DaemonSetStrategy,
    /// `minReadySeconds`.
    pub min_ready_seconds: i64,
    /// The template generation (the `deprecated.daemonset.template.generation` annotation):
    /// 1 on create, bumped by the API server when the template changes.
    pub template_generation: i64,
}

/// `status` of a DaemonSet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DaemonSetStatus {
    /// `observedGeneration`.
    pub observed_generation: i64,
    /// `desiredNumberScheduled`: nodes that should run the daemon pod.
    pub desired_number_scheduled: i32,
    /// `currentNumberScheduled`: of those, nodes running at least one daemon pod.
    pub current_number_scheduled: i32,
    /// `numberMisscheduled`: nodes running a daemon pod that should not.
    pub number_misscheduled: i32,
    /// `numberReady`.
    pub number_ready: i32,
    /// `updatedNumberScheduled`: nodes whose daemon pod has the current template.
    pub updated_number_scheduled: i32,
    /// `numberAvailable`.
    pub number_available: i32,
    /// `numberUnavailable`: desired minus available.
    pub number_unavailable: i32,
}

/// A stored DaemonSet (AKS's system DaemonSets exist from t=0; manifests may add more).
#[derive(Clone, Debug)]
pub struct DaemonSet {
    /// Metadata.
    pub meta: Meta,
    /// Spec.
    pub spec: DaemonSetSpec,
    /// Status.
    pub status: DaemonSetStatus,
}
