//! Objects as clients submit them, before the API server names and stores them.
//!
//! Plain data shared by the manifest reader, kubectl and the controllers (which build
//! objects) and by the API server (which admits them), so none of them imports another.

use crate::model::cronjob::CronJob;
use crate::model::job::Job;
use crate::model::kind::Kind;
use crate::model::meta::Meta;
use crate::model::node::Node;
use crate::model::pdb::PodDisruptionBudget;
use crate::model::pod::Pod;
use crate::model::priorityclass::PriorityClass;
use crate::model::service::{ConfigData, DaemonSet, Namespace, Service};
use crate::model::serviceaccount::ServiceAccount;
use crate::model::statefulset::StatefulSet;
use crate::model::workload::{Deployment, ReplicaSet};

/// A built-in kind kubesim stores but does not simulate (docs/outputs.md).
#[derive(Clone, Debug)]
pub struct OtherObject {
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// Metadata.
    pub meta: Meta,
}

/// A new object as a client submits it (before the server names and registers it).
#[derive(Clone, Debug)]
pub enum NewObject {
    /// A Pod.
    Pod(Pod),
    /// A Deployment.
    Deployment(Deployment),
    /// A ReplicaSet or ReplicationController.
    ReplicaSet(ReplicaSet),
    /// A DaemonSet.
    DaemonSet(DaemonSet),
    /// A Job.
    Job(Job),
    /// A StatefulSet.
    StatefulSet(StatefulSet),
    /// A CronJob.
    CronJob(CronJob),
    /// A Service.
    Service(Service),
    /// A ConfigMap.
    ConfigMap(ConfigData),
    /// A Secret.
    Secret(ConfigData),
    /// A ServiceAccount.
    ServiceAccount(ServiceAccount),
    /// A PodDisruptionBudget.
    PodDisruptionBudget(PodDisruptionBudget),
    /// A PriorityClass.
    PriorityClass(PriorityClass),
    /// A Namespace.
    Namespace(Namespace),
    /// A Node (AKS registers nodes; scale-out later).
    Node(Node),
    /// A kind stored but not simulated.
    Other(OtherObject),
}

impl NewObject {
    /// The simulated kind (None for stored-only kinds).
    pub fn kind(&self) -> Option<Kind> {
        Some(match self {
            NewObject::Pod(_) => Kind::Pod,
            NewObject::Deployment(_) => Kind::Deployment,
            NewObject::ReplicaSet(rs) if rs.legacy_rc => Kind::ReplicationController,
            NewObject::ReplicaSet(_) => Kind::ReplicaSet,
            NewObject::DaemonSet(_) => Kind::DaemonSet,
            NewObject::Job(_) => Kind::Job,
            NewObject::StatefulSet(_) => Kind::StatefulSet,
            NewObject::CronJob(_) => Kind::CronJob,
            NewObject::Service(_) => Kind::Service,
            NewObject::ConfigMap(_) => Kind::ConfigMap,
            NewObject::Secret(_) => Kind::Secret,
            NewObject::ServiceAccount(_) => Kind::ServiceAccount,
            NewObject::PodDisruptionBudget(_) => Kind::PodDisruptionBudget,
            NewObject::PriorityClass(_) => Kind::PriorityClass,
            NewObject::Namespace(_) => Kind::Namespace,
            NewObject::Node(_) => Kind::Node,
            NewObject::Other(_) => return None,
        })
    }

    /// The metadata.
    pub fn meta(&self) -> &Meta {
        match self {
            NewObject::Pod(o) => &o.meta,
            NewObject::Deployment(o) => &o.meta,
            NewObject::ReplicaSet(o) => &o.meta,
            NewObject::DaemonSet(o) => &o.meta,
            NewObject::Job(o) => &o.meta,
            NewObject::StatefulSet(o) => &o.meta,
            NewObject::CronJob(o) => &o.meta,
            NewObject::Service(o) => &o.meta,
            NewObject::ConfigMap(o) | NewObject::Secret(o) => &o.meta,
            NewObject::ServiceAccount(o) => &o.meta,
            NewObject::PodDisruptionBudget(o) => &o.meta,
            NewObject::PriorityClass(o) => &o.meta,
            NewObject::Namespace(o) => &o.meta,
            NewObject::Node(o) => &o.meta,
            NewObject::Other(o) => &o.meta,
        }
    }

    /// Mutable metadata.
    pub fn meta_mut(&mut self) -> &mut Meta {
        match self {
            NewObject::Pod(o) => &mut o.meta,
            NewObject::Deployment(o) => &mut o.meta,
            NewObject::ReplicaSet(o) => &mut o.meta,
            NewObject::DaemonSet(o) => &mut o.meta,
            NewObject::Job(o) => &mut o.meta,
            NewObject::StatefulSet(o) => &mut o.meta,
            NewObject::CronJob(o) => &mut o.meta,
            NewObject::Service(o) => &mut o.meta,
            NewObject::ConfigMap(o) | NewObject::Secret(o) => &mut o.meta,
            NewObject::ServiceAccount(o) => &mut o.meta,
            NewObject::PodDisruptionBudget(o) => &mut o.meta,
            NewObject::PriorityClass(o) => &mut o.meta,
            NewObject::Namespace(o) => &mut o.meta,
            NewObject::Node(o) => &mut o.meta,
            NewObject::Other(o) => &mut o.meta,
        }
    }
}
