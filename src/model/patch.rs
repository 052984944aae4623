//! A patch of one stored object, in the fields kubesim models: what `kubectl label`,
//! `annotate` and `patch` send (a JSON merge patch or a strategic merge patch in
//! Kubernetes), already parsed and typed by the client so the API server applies it to the
//! object as stored at commit time, as kube-apiserver's PATCH handler does
//! (`staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go`).
//!
//! Simplified: only the fields listed here can be patched; anything else is refused before
//! the run (docs/commands.md).

use crate::model::labels::Labels;
use crate::model::workload::IntOrPercent;

/// Changes to one string map (labels, annotations, a Service selector): a JSON merge patch
/// of a map sets the keys with values and removes the keys set to `null` (RFC 7386).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MapPatch {
    /// Keys to set, in order.
    pub set: Vec<(String, String)>,
    /// Keys to remove.
    pub remove: Vec<String>,
}

impl MapPatch {
    /// Whether the patch names no key.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty() && self.remove.is_empty()
    }

    /// Applies the patch; whether the map changed.
    pub fn apply(&self, map: &mut Labels) -> bool {
        let before = map.clone();
        for key in &self.remove {
            map.remove(key);
        }
        for (k, v) in &self.set {
            map.insert(k.clone(), v.clone());
        }
        *map != before
    }
}

/// A container named in `spec.template.spec.containers` (or a pod's `spec.containers`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerPatch {
    /// `name`: the strategic merge key (`patchMergeKey: name` on `PodSpec.Containers`).
    pub name: String,
    /// `image`, if given.
    pub image: Option<String>,
}

/// How the containers list is patched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContainersPatch {
    /// Strategic merge (`patchStrategy: merge`): each entry updates the container of its
    /// name, or is appended if no container has that name.
    MergeByName(Vec<ContainerPatch>),
    /// JSON merge patch: the list replaces the old one (RFC 7386 replaces arrays whole).
    Replace(Vec<ContainerPatch>),
}

/// `spec.strategy` changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StrategyPatch {
    /// `type`: `RollingUpdate` or `Recreate`.
    pub recreate: Option<bool>,
    /// `rollingUpdate`: `Some(None)` is `null` (remove it), `Some(Some(..))` sets the given
    /// parts (maxSurge, maxUnavailable).
    pub rolling_update: Option<Option<(Option<IntOrPercent>, Option<IntOrPercent>)>>,
}

/// Every change one PATCH request makes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObjectPatch {
    /// `metadata.labels`.
    pub labels: MapPatch,
    /// `metadata.annotations`.
    pub annotations: MapPatch,
    /// `spec.replicas` (Deployment, ReplicaSet, ReplicationController).
    pub replicas: Option<i32>,
    /// `spec.paused` (Deployment).
    pub paused: Option<bool>,
    /// `spec.minReadySeconds` (Deployment, ReplicaSet, DaemonSet).
    pub min_ready_seconds: Option<i64>,
    /// `spec.strategy` (Deployment).
    pub strategy: Option<StrategyPatch>,
    /// `spec.template` replaced whole (`rollout undo`'s JSON patch `replace /spec/template`),
    /// applied before the template's other changes.
    pub template: Option<std::sync::Arc<crate::model::workload::PodTemplate>>,
    /// `spec.template.metadata.labels`.
    pub template_labels: MapPatch,
    /// `spec.template.metadata.annotations` (`rollout restart`'s `restartedAt`).
    pub template_annotations: MapPatch,
    /// `spec.template.spec.containers`.
    pub containers: Option<ContainersPatch>,
    /// `spec.selector` of a Service; `Some(None)` is `"selector": null`.
    pub service_selector: Option<Option<MapPatch>>,
    /// `spec.unschedulable` (Node).
    pub unschedulable: Option<bool>,
}
