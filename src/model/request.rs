//! What a client asks the API server and what it answers: the request vocabulary every
//! component speaks (as client-go's verbs and `metav1.Status` are), kept apart from the
//! server so that components and the server depend on it rather than on each other.

use crate::model::cronjob::CronJobStatus;
use crate::model::job::JobStatus;
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::model::object::NewObject;
use crate::model::pod::PodStatus;
use crate::model::service::DaemonSetStatus;
use crate::model::statefulset::StatefulSetStatus;
use crate::model::workload::{DeploymentStatus, ReplicaSetStatus};

/// `propagationPolicy` of a delete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Propagation {
    /// Delete the owner now; the GC deletes dependents afterwards (kubectl's default).
    Background,
    /// Delete dependents first, then the owner.
    Foreground,
    /// Keep dependents, removing their owner references.
    Orphan,
}

/// What a client asks the API server to do.
#[derive(Clone, Debug)]
pub enum Op {
    /// POST: create an object; `generate_name` asks the server to pick the name.
    Create {
        /// The object.
        object: Box<NewObject>,
        /// The namespace name (checked to exist).
        namespace: Option<String>,
        /// `metadata.generateName`.
        generate_name: Option<String>,
    },
    /// kubectl apply: create, or update the spec if it differs.
    Apply {
        /// The object as written.
        object: Box<NewObject>,
        /// The namespace name.
        namespace: Option<String>,
    },
    /// GET of named objects, served from etcd at commit time (the client renders what it
    /// needs).
    Read,
    /// LIST of a kind (`kubectl get pods`, a selector, drain's pods of a node): served as a
    /// [`Op::Read`] is; only its verb, and so its latency distribution, differs.
    List,
    /// PUT .../scale or a spec.replicas update.
    Scale {
        /// Deployment, ReplicaSet or ReplicationController.
        target: ObjRef,
        /// New `spec.replicas`.
        replicas: i32,
        /// The Deployment controller also sets a ReplicaSet's desired/max-replicas
        /// annotations in the same update (`scaleReplicaSet`).
        annotations: Option<(i32, i32)>,
    },
    /// A ReplicaSet's status subresource.
    ReplicaSetStatus {
        /// The RS.
        id: u32,
        /// New status.
        status: ReplicaSetStatus,
        /// The RS's resourceVersion when the controller read it: a write since (the
        /// Deployment controller's scale) is a Conflict.
        resource_version: u64,
    },
    /// A DaemonSet's status subresource.
    DaemonSetStatus {
        /// The DaemonSet.
        id: u32,
        /// New status.
        status: DaemonSetStatus,
    },
    /// The Deployment controller's update of its new ReplicaSet's
    /// `deployment.kubernetes.io/revision` annotation (`SetNewReplicaSetAnnotations`).
    ReplicaSetRevision {
        /// The RS.
        id: u32,
        /// The new revision.
        revision: i64,
        /// The Deployment's annotations the RS copies (`copyDeploymentAnnotationsToReplicaSet`:
        /// `kubernetes.io/change-cause` and the user's own), set over its own.
        annotations: Vec<(String, String)>,
    },
    /// The Deployment controller's write of the Deployment's own
    /// `deployment.kubernetes.io/revision` annotation: the new ReplicaSet's revision
    /// (`SetDeploymentRevision`, sent with `UpdateStatus` in `getNewReplicaSet`).
    DeploymentRevision {
        /// The Deployment.
        id: u32,
        /// The revision.
        revision: i64,
    },
    /// A Job's status subresource.
    JobStatus {
        /// The Job.
        id: u32,
        /// New status.
        status: Box<JobStatus>,
    },
    /// A CronJob's status subresource.
    CronJobStatus {
        /// The CronJob.
        id: u32,
        /// New status.
        status: Box<CronJobStatus>,
    },
    /// A StatefulSet's status subresource.
    StatefulSetStatus {
        /// The StatefulSet.
        id: u32,
        /// New status.
        status: StatefulSetStatus,
    },
    /// A Deployment's status subresource.
    DeploymentStatus {
        /// The Deployment.
        id: u32,
        /// New status.
        status: DeploymentStatus,
        /// The Deployment's resourceVersion when the controller read it: a write since is
        /// a Conflict (`UpdateStatus` carries the object it read).
        resource_version: u64,
    },
    /// POST pods/binding.
    Bind {
        /// The pod.
        pod: u32,
        /// The node.
        node: u32,
    },
    /// PATCH pods/status.
    PodStatus {
        /// The pod.
        pod: u32,
        /// New status.
        status: Box<PodStatus>,
    },
    /// PATCH pods/status from a controller about to delete the pod: the `DisruptionTarget`
    /// condition (if given) and, with `fail`, phase Failed unless the pod already finished
    /// (the taint eviction controller's `PatchPodStatus`, PodGC's `ApplyStatus`). Unlike
    /// [`Op::PodStatus`] it leaves the kubelet's fields alone.
    PodDisruption {
        /// The pod.
        pod: u32,
        /// `(reason, message)` of the `DisruptionTarget` condition.
        condition: Option<(&'static str, &'static str)>,
        /// Set phase Failed (PodGC: a pod without a kubelet would stay Running forever).
        fail: bool,
    },
    /// DELETE.
    Delete {
        /// The object.
        target: ObjRef,
        /// Precondition: the uid the client saw (None: any).
        uid: Option<u64>,
        /// Propagation policy.
        propagation: Propagation,
        /// `gracePeriodSeconds` (None: the object's default; pods only).
        grace_seconds: Option<i64>,
    },
    /// The GC finished foreground/orphan processing: drop the finalizer and the object.
    RemoveFinalizers {
        /// The owner.
        target: ObjRef,
    },
    /// The GC orphans a dependent.
    RemoveOwnerRef {
        /// The dependent.
        dependent: ObjRef,
        /// The owner.
        owner: ObjRef,
    },
    /// The kubelet posts its node Ready (its status update: every condition healthy) and,
    /// if it had fallen silent, takes its Lease again; the node lifecycle controller's removal
    /// of the not-ready NoSchedule taint is folded in.
    NodeReady {
        /// The node.
        node: u32,
    },
    /// The kubelet's node status loop reports the images on disk (`status.images`).
    NodeImages {
        /// The node.
        node: u32,
        /// The new list.
        images: std::sync::Arc<Vec<crate::model::node::ContainerImage>>,
    },
    /// The node's kubelet fell silent at `at` (its VM stopped): its status posts and Lease
    /// renewals end there. Only the end of the lazy heartbeats is written
    /// ([`crate::model::node`]): no timestamp a reader saw changes, and nobody is notified.
    KubeletSilent {
        /// The node.
        node: u32,
        /// The last instant the kubelet was alive.
        at: crate::sim::time::SimTime,
    },
    /// The kubelet's node status update of one pressure condition: True with its
    /// pressured reason, or back to its healthy value (applied to the node as stored).
    NodePressure {
        /// The node.
        node: u32,
        /// MemoryPressure, DiskPressure or PIDPressure.
        kind: crate::model::node::ConditionType,
        /// Whether the condition is True.
        under: bool,
    },
    /// The node lifecycle controller's `UpdateStatus` of a node's conditions.
    NodeConditions {
        /// The node.
        node: u32,
        /// The new `status.conditions`.
        conditions: Vec<crate::model::node::NodeCondition>,
        /// The node's resourceVersion when read: a write since is a Conflict.
        resource_version: u64,
    },
    /// `SwapNodeControllerTaint`: add taints (replacing one of the same key and effect) and
    /// remove others, applied to the taints as stored at commit time.
    NodeTaints {
        /// The node.
        node: u32,
        /// Taints to add.
        add: Vec<crate::model::pod::Taint>,
        /// Taints to remove, by key and effect.
        remove: Vec<(&'static str, crate::model::pod::TaintEffect)>,
    },
    /// `spec.unschedulable` (cordon, uncordon).
    Cordon {
        /// The node.
        node: u32,
        /// The new value.
        unschedulable: bool,
    },
    /// PATCH: `kubectl label`, `annotate` and `patch`, applied to the object as stored
    /// when the request commits.
    Patch {
        /// The object.
        target: ObjRef,
        /// The changes.
        patch: Box<crate::model::patch::ObjectPatch>,
    },
    /// A PodDisruptionBudget's status subresource (`UpdateStatus`, with the resourceVersion
    /// the controller read: a stale one is a Conflict, as the eviction subresource's own
    /// writes make it).
    PdbStatus {
        /// The budget.
        id: u32,
        /// New status.
        status: Box<crate::model::pdb::PdbStatus>,
        /// `metadata.resourceVersion` the status was computed from.
        resource_version: u64,
    },
    /// POST pods/NAME/eviction: delete the pod if its PodDisruptionBudget allows
    /// (pkg/registry/core/pod/storage/eviction.go).
    Evict {
        /// The pod.
        pod: u32,
        /// `deleteOptions.gracePeriodSeconds` (None: the pod's own).
        grace_seconds: Option<i64>,
    },
    /// The service controller publishes a load balancer address.
    LoadBalancerIngress {
        /// The Service.
        svc: u32,
        /// The address.
        ip: std::net::Ipv4Addr,
    },
}

/// The Kubernetes API verb of a request, as RBAC and the API server's request metrics
/// (`apiserver_request_duration_seconds{verb}`) name it; each has its own latency
/// distribution, `apiserver.<verb>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verb {
    /// GET of one object.
    Get,
    /// LIST of a collection.
    List,
    /// POST, including the `binding` and `eviction` subresources.
    Create,
    /// PUT, including `status` and `scale` subresources.
    Update,
    /// PATCH (merge, strategic-merge or apply).
    Patch,
    /// DELETE of one object.
    Delete,
}

impl Verb {
    /// The lower-case name RBAC rules and metrics use.
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "get",
            Verb::List => "list",
            Verb::Create => "create",
            Verb::Update => "update",
            Verb::Patch => "patch",
            Verb::Delete => "delete",
        }
    }
}

impl Op {
    /// The verb the real client sends for this operation. Status writes are `UpdateStatus`
    /// (PUT) from controllers and PATCH from the kubelet (status_manager.go
    /// `PatchPodStatus`, kubelet_node_status.go `PatchNodeStatus`); the node lifecycle
    /// controller PUTs a silent node's status (`tryUpdateNodeHealth`) and PATCHes taints
    /// (`PatchNodeTaints`); the garbage collector PATCHes owner references and finalizers;
    /// `kubectl apply` and `cordon` PATCH. `Scale` is the controllers' PUT of the replicas
    /// (`scaleReplicaSet`); kubectl's scale, a PATCH of the scale subresource, is counted
    /// with it, a simplification.
    pub fn verb(&self) -> Verb {
        match self {
            Op::Read => Verb::Get,
            Op::List => Verb::List,
            Op::Create { .. } | Op::Bind { .. } | Op::Evict { .. } => Verb::Create,
            Op::Scale { .. }
            | Op::ReplicaSetStatus { .. }
            | Op::DaemonSetStatus { .. }
            | Op::ReplicaSetRevision { .. }
            | Op::DeploymentRevision { .. }
            | Op::JobStatus { .. }
            | Op::CronJobStatus { .. }
            | Op::StatefulSetStatus { .. }
            | Op::DeploymentStatus { .. }
            | Op::KubeletSilent { .. }
            | Op::NodeConditions { .. }
            | Op::PdbStatus { .. } => Verb::Update,
            Op::Apply { .. }
            | Op::PodStatus { .. }
            | Op::PodDisruption { .. }
            | Op::RemoveFinalizers { .. }
            | Op::RemoveOwnerRef { .. }
            | Op::NodeReady { .. }
            | Op::NodeImages { .. }
            | Op::NodePressure { .. }
            | Op::NodeTaints { .. }
            | Op::Cordon { .. }
            | Op::Patch { .. }
            | Op::LoadBalancerIngress { .. } => Verb::Patch,
            Op::Delete { .. } => Verb::Delete,
        }
    }

    /// Whether the request only reads (GET or LIST): it writes nothing to etcd.
    pub fn is_read(&self) -> bool {
        matches!(self, Op::Read | Op::List)
    }
}

/// A failed request, as the API server's Status reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// `reason` (`NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, ...).
    pub reason: &'static str,
    /// `message`.
    pub message: String,
}

impl ApiError {
    /// `NewNotFound`: `pods "web" not found`.
    pub fn not_found(kind: Kind, name: &str) -> ApiError {
        ApiError {
            reason: "NotFound",
            message: format!("{} {name:?} not found", kind.group_resource()),
        }
    }
    /// `NewAlreadyExists`.
    pub fn already_exists(kind: Kind, name: &str) -> ApiError {
        ApiError {
            reason: "AlreadyExists",
            message: format!("{} {name:?} already exists", kind.group_resource()),
        }
    }
}

/// What a committed request did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to report beyond success (reads, status writes).
    Done,
    /// Created this object.
    Created(ObjRef),
    /// Apply changed the spec.
    Configured(ObjRef),
    /// Apply found nothing to change.
    Unchanged(ObjRef),
    /// Deleted (or marked for deletion).
    Deleted(ObjRef),
    /// Failed.
    Failed(ApiError),
    /// Failed with `details.causes` (the eviction subresource's 429 names the budget).
    Refused {
        /// The error (what clients print).
        error: ApiError,
        /// `details.causes[].message`.
        causes: Vec<String>,
    },
    /// Never reached an API server: every replica was down and the connection to this
    /// address (`host:port`) was refused.
    Unreachable(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The verbs the real clients send (client-go calls named in [`Op::verb`]): the
    /// scheduler POSTs `pods/binding`, drain POSTs `pods/eviction`, the kubelet PATCHes pod
    /// status, controllers PUT their objects' status.
    #[test]
    fn subresource_writes_carry_their_clients_verbs() {
        assert_eq!(Op::Bind { pod: 0, node: 0 }.verb(), Verb::Create);
        let evict = Op::Evict {
            pod: 0,
            grace_seconds: None,
        };
        assert_eq!(evict.verb(), Verb::Create);
        let status = Op::PodStatus {
            pod: 0,
            status: Box::default(),
        };
        assert_eq!(status.verb(), Verb::Patch);
        let rs = Op::ReplicaSetStatus {
            id: 0,
            status: ReplicaSetStatus::default(),
            resource_version: 0,
        };
        assert_eq!(rs.verb(), Verb::Update);
        assert_eq!(Op::List.verb().as_str(), "list");
        assert!(Op::List.is_read() && Op::Read.is_read() && !rs.is_read());
    }
}
