//! Which `apiVersion`/`kind` pairs a Kubernetes 1.35 cluster serves, and their scope.
//!
//! Models kubectl's REST mapping (cli-runtime `resource.mapper`, fed by API discovery): a
//! manifest's kind must be a resource the cluster serves, or kubectl stops with
//! `no matches for kind "Deployment" in version "extensions/v1beta1"`
//! (apimachinery `meta.NoKindMatchError`, kubectl-output.md §7.6).
//!
//! The pairs come from the `x-kubernetes-group-version-kind`s of the generated schema table,
//! minus what a default 1.35 API server does not serve as a resource:
//! - alpha and beta versions: alpha APIs are off by default, and since 1.24 new beta APIs are
//!   too (KEP-3136); every beta version in the 1.35 schemas was introduced after that
//!   (admissionregistration v1beta1, certificates v1beta1, coordination v1beta1,
//!   networking v1beta1, resource v1beta1/v1beta2, storage v1beta1, storagemigration v1beta1).
//!   A k3s 1.34 `kubectl api-resources` listing shows none of them served.
//! - kinds that are not resources: lists (`*List`; only `v1 List` is read, by [`is_list`]),
//!   discovery documents (`APIGroup`, `APIGroupList`, `APIResourceList`, `APIVersions`),
//!   `Status`, `DeleteOptions`, `WatchEvent`, and subresource bodies (`Scale`, `Eviction`,
//!   `TokenRequest`). `Binding` stays: `bindings` is a resource of its own.
//!
//! Scope is not in the schemas: `CLUSTER_SCOPED` is written by hand from
//! `kubectl api-resources` (the NAMESPACED column of a 1.34 cluster).

use crate::manifest::schema::{self, DefId};
use crate::model::kind::Kind;
use std::sync::OnceLock;

/// A kind the cluster serves, with what the loader needs to know about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KindInfo {
    /// The schema definition to check documents of this kind against.
    pub def: DefId,
    /// API group (`""` for core).
    pub group: &'static str,
    /// Version (`v1`).
    pub version: &'static str,
    /// Kind as written in manifests.
    pub kind: &'static str,
    /// Whether objects of this kind live in a namespace.
    pub namespaced: bool,
    /// The kind kubesim simulates, if it does; other served kinds are stored and warned about.
    pub simulated: Option<Kind>,
}

impl KindInfo {
    /// `apiVersion` as written in manifests (`apps/v1`, `v1`).
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

/// Cluster-scoped kinds by (group, kind), from `kubectl api-resources` (NAMESPACED false),
/// plus the unserved alpha/beta ones so that enabling them later keeps the right scope.
const CLUSTER_SCOPED: &[(&str, &str)] = &[
    ("", "ComponentStatus"),
    ("", "Namespace"),
    ("", "Node"),
    ("", "PersistentVolume"),
    ("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
    (
        "admissionregistration.k8s.io",
        "MutatingAdmissionPolicyBinding",
    ),
    (
        "admissionregistration.k8s.io",
        "MutatingWebhookConfiguration",
    ),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
    (
        "admissionregistration.k8s.io",
        "ValidatingAdmissionPolicyBinding",
    ),
    (
        "admissionregistration.k8s.io",
        "ValidatingWebhookConfiguration",
    ),
    ("apiextensions.k8s.io", "CustomResourceDefinition"),
    ("apiregistration.k8s.io", "APIService"),
    ("authentication.k8s.io", "SelfSubjectReview"),
    ("authentication.k8s.io", "TokenReview"),
    ("authorization.k8s.io", "SelfSubjectAccessReview"),
    ("authorization.k8s.io", "SelfSubjectRulesReview"),
    ("authorization.k8s.io", "SubjectAccessReview"),
    ("certificates.k8s.io", "CertificateSigningRequest"),
    ("certificates.k8s.io", "ClusterTrustBundle"),
    ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
    ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
    ("internal.apiserver.k8s.io", "StorageVersion"),
    ("networking.k8s.io", "IPAddress"),
    ("networking.k8s.io", "IngressClass"),
    ("networking.k8s.io", "ServiceCIDR"),
    ("node.k8s.io", "RuntimeClass"),
    ("rbac.authorization.k8s.io", "ClusterRole"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    ("resource.k8s.io", "DeviceClass"),
    ("resource.k8s.io", "DeviceTaintRule"),
    ("resource.k8s.io", "ResourceSlice"),
    ("scheduling.k8s.io", "PriorityClass"),
    ("storage.k8s.io", "CSIDriver"),
    ("storage.k8s.io", "CSINode"),
    ("storage.k8s.io", "StorageClass"),
    ("storage.k8s.io", "VolumeAttachment"),
    ("storage.k8s.io", "VolumeAttributesClass"),
    ("storagemigration.k8s.io", "StorageVersionMigration"),
];

/// Kinds in the schemas that are request or response bodies, not resources.
const NOT_RESOURCES: &[&str] = &[
    "APIGroup",
    "APIGroupList",
    "APIResourceList",
    "APIVersions",
    "DeleteOptions",
    "Eviction",
    "Scale",
    "Status",
    "TokenRequest",
    "WatchEvent",
];

/// Every kind the simulated cluster serves, in table order (by apiVersion, then kind).
pub fn all() -> &'static [KindInfo] {
    static ALL: OnceLock<Vec<KindInfo>> = OnceLock::new();
    ALL.get_or_init(|| {
        schema::schema()
            .kinds
            .iter()
            .filter_map(|k| {
                let (group, version) = split_api_version(k.api_version)?;
                let served = !version.contains("alpha")
                    && !version.contains("beta")
                    && !k.kind.ends_with("List")
                    && !NOT_RESOURCES.contains(&k.kind);
                served.then(|| info(group, version, k.kind, k.def))
            })
            .collect()
    })
}

fn info(group: &'static str, version: &'static str, kind: &'static str, def: DefId) -> KindInfo {
    let simulated = Kind::from_kind_name(kind).filter(|k| k.group() == group && version == "v1");
    KindInfo {
        def,
        group,
        version,
        kind,
        namespaced: !CLUSTER_SCOPED.contains(&(group, kind)),
        simulated,
    }
}

/// `apps/v1` → (`apps`, `v1`), `v1` → (``, `v1`).
fn split_api_version(api_version: &str) -> Option<(&str, &str)> {
    match api_version.split_once('/') {
        Some((g, v)) if !v.contains('/') => Some((g, v)),
        Some(_) => None,
        None => Some(("", api_version)),
    }
}

/// Resolves a manifest's `apiVersion` and `kind` to a served kind, or gives kubectl's error.
pub fn lookup(api_version: &str, kind: &str) -> Result<KindInfo, String> {
    // apimachinery schema.ParseGroupVersion: "" and "/" are the empty version; at most one
    // slash; GroupVersion.String() drops an empty group ("/v1" is "v1").
    let (group, version) = match api_version {
        "" | "/" => ("", ""),
        _ => split_api_version(api_version)
            .ok_or_else(|| format!("unexpected GroupVersion string: {api_version}"))?,
    };
    all()
        .iter()
        .find(|k| k.group == group && k.version == version && k.kind == kind)
        .copied()
        .ok_or_else(|| {
            let gv = if group.is_empty() {
                version.to_string()
            } else {
                format!("{group}/{version}")
            };
            format!("no matches for kind {kind:?} in version {gv:?}")
        })
}

/// The `apiVersion`s under which a kind is served, for suggesting one after a failed lookup.
pub fn versions_of(kind: &str) -> Vec<String> {
    all()
        .iter()
        .filter(|k| k.kind == kind)
        .map(KindInfo::api_version)
        .collect()
}

/// Whether a document is a `v1 List`, which kubectl reads as its `items`.
pub fn is_list(api_version: &str, kind: &str) -> bool {
    api_version == "v1" && kind == "List"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_simulated_kinds_are_served_where_kubesim_models_them() {
        for k in Kind::ALL {
            let info = lookup(k.api_version(), k.name()).expect("served");
            assert_eq!(info.simulated, Some(k));
            assert_eq!(info.namespaced, k.namespaced(), "{k}");
        }
        // events.k8s.io/v1 Event is served but not the Event kubesim simulates.
        let ev = lookup("events.k8s.io/v1", "Event").expect("served");
        assert_eq!(ev.simulated, None);
        assert!(ev.namespaced);
    }

    #[test]
    fn removed_and_unknown_versions_get_kubectls_message() {
        // kubectl-output.md §7.6.
        assert_eq!(
            lookup("extensions/v1beta1", "Deployment"),
            Err("no matches for kind \"Deployment\" in version \"extensions/v1beta1\"".into())
        );
        assert_eq!(
            lookup("networking.istio.io/v1", "VirtualService"),
            Err(
                "no matches for kind \"VirtualService\" in version \"networking.istio.io/v1\""
                    .into()
            )
        );
        assert_eq!(
            lookup("a/b/c", "Pod"),
            Err("unexpected GroupVersion string: a/b/c".into())
        );
        assert_eq!(versions_of("Deployment"), ["apps/v1"]);
    }

    #[test]
    fn alpha_beta_lists_and_non_resources_are_not_served() {
        assert!(lookup("resource.k8s.io/v1beta1", "ResourceClaim").is_err());
        assert!(lookup("resource.k8s.io/v1", "ResourceClaim").is_ok());
        assert!(lookup("coordination.k8s.io/v1beta1", "LeaseCandidate").is_err());
        assert!(lookup("internal.apiserver.k8s.io/v1alpha1", "StorageVersion").is_err());
        assert!(lookup("v1", "PodList").is_err());
        assert!(lookup("autoscaling/v1", "Scale").is_err());
        assert!(lookup("v1", "Status").is_err());
        assert!(lookup("v1", "Binding").is_ok());
        assert!(lookup("autoscaling/v2", "HorizontalPodAutoscaler").is_ok());
    }

    #[test]
    fn scope_follows_kubectl_api_resources() {
        // The NAMESPACED column of `kubectl api-resources` on a 1.34 cluster.
        let scope = |av: &str, k: &str| lookup(av, k).expect(k).namespaced;
        assert!(!scope("storage.k8s.io/v1", "StorageClass"));
        assert!(!scope("rbac.authorization.k8s.io/v1", "ClusterRole"));
        assert!(scope("rbac.authorization.k8s.io/v1", "Role"));
        assert!(!scope("v1", "PersistentVolume"));
        assert!(scope("v1", "PersistentVolumeClaim"));
        assert!(scope("authorization.k8s.io/v1", "LocalSubjectAccessReview"));
        assert!(!scope("authorization.k8s.io/v1", "SubjectAccessReview"));
        assert!(scope("storage.k8s.io/v1", "CSIStorageCapacity"));
        assert!(!scope("networking.k8s.io/v1", "IngressClass"));
        // Every cluster-scoped entry names a kind of the table.
        for (g, k) in CLUSTER_SCOPED {
            assert!(
                schema::schema()
                    .kinds
                    .iter()
                    .any(|t| t.kind == *k
                        && split_api_version(t.api_version).map(|x| x.0) == Some(g)),
                "{g} {k}"
            );
        }
    }

    #[test]
    fn only_v1_list_is_a_list() {
        assert!(is_list("v1", "List"));
        assert!(!is_list("apps/v1", "List"));
        assert!(!is_list("v1", "PodList"));
    }
}
