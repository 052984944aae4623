//! The built-in kinds kubesim simulates, with the names Kubernetes and kubectl use for them.
//!
//! One closed enum rather than strings: every table (store, printers, timeline) indexes by it.

use std::fmt;

/// A Kind kubesim loads and simulates (docs/commands.md, docs/outputs.md). Other built-in kinds are stored
/// as [`crate::manifest`] documents and warned about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// core/v1 Namespace (cluster-scoped).
    Namespace,
    /// core/v1 Node (cluster-scoped).
    Node,
    /// core/v1 Pod.
    Pod,
    /// apps/v1 Deployment.
    Deployment,
    /// apps/v1 ReplicaSet.
    ReplicaSet,
    /// core/v1 ReplicationController.
    ReplicationController,
    /// core/v1 Service.
    Service,
    /// core/v1 ConfigMap.
    ConfigMap,
    /// core/v1 Secret.
    Secret,
    /// apps/v1 DaemonSet (AKS's own system DaemonSets own pods at t=0).
    DaemonSet,
    /// batch/v1 Job.
    Job,
    /// apps/v1 StatefulSet.
    StatefulSet,
    /// batch/v1 CronJob.
    CronJob,
    /// core/v1 ServiceAccount.
    ServiceAccount,
    /// policy/v1 PodDisruptionBudget.
    PodDisruptionBudget,
    /// scheduling.k8s.io/v1 PriorityClass (cluster-scoped).
    PriorityClass,
    /// core/v1 Event.
    Event,
}

impl Kind {
    /// Every kind, in a fixed order.
    pub const ALL: [Kind; 17] = [
        Kind::Namespace,
        Kind::Node,
        Kind::Pod,
        Kind::Deployment,
        Kind::ReplicaSet,
        Kind::ReplicationController,
        Kind::Service,
        Kind::ConfigMap,
        Kind::Secret,
        Kind::DaemonSet,
        Kind::Job,
        Kind::StatefulSet,
        Kind::CronJob,
        Kind::ServiceAccount,
        Kind::PodDisruptionBudget,
        Kind::PriorityClass,
        Kind::Event,
    ];

    /// The Kind as written in manifests (`ReplicaSet`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Namespace => "Namespace",
            Kind::Node => "Node",
            Kind::Pod => "Pod",
            Kind::Deployment => "Deployment",
            Kind::ReplicaSet => "ReplicaSet",
            Kind::ReplicationController => "ReplicationController",
            Kind::Service => "Service",
            Kind::ConfigMap => "ConfigMap",
            Kind::Secret => "Secret",
            Kind::DaemonSet => "DaemonSet",
            Kind::Job => "Job",
            Kind::StatefulSet => "StatefulSet",
            Kind::CronJob => "CronJob",
            Kind::ServiceAccount => "ServiceAccount",
            Kind::PodDisruptionBudget => "PodDisruptionBudget",
            Kind::PriorityClass => "PriorityClass",
            Kind::Event => "Event",
        }
    }

    /// Lower-case Kind: the `kind` column of every CSV and kubectl's `pod/NAME` prefix.
    pub fn lower(self) -> &'static str {
        match self {
            Kind::Namespace => "namespace",
            Kind::Node => "node",
            Kind::Pod => "pod",
            Kind::Deployment => "deployment",
            Kind::ReplicaSet => "replicaset",
            Kind::ReplicationController => "replicationcontroller",
            Kind::Service => "service",
            Kind::ConfigMap => "configmap",
            Kind::Secret => "secret",
            Kind::DaemonSet => "daemonset",
            Kind::Job => "job",
            Kind::StatefulSet => "statefulset",
            Kind::CronJob => "cronjob",
            Kind::ServiceAccount => "serviceaccount",
            Kind::PodDisruptionBudget => "poddisruptionbudget",
            Kind::PriorityClass => "priorityclass",
            Kind::Event => "event",
        }
    }

    /// The API group (`""` for core).
    pub fn group(self) -> &'static str {
        match self {
            Kind::Deployment | Kind::ReplicaSet | Kind::DaemonSet | Kind::StatefulSet => "apps",
            Kind::Job | Kind::CronJob => "batch",
            Kind::PodDisruptionBudget => "policy",
            Kind::PriorityClass => "scheduling.k8s.io",
            _ => "",
        }
    }

    /// `apiVersion` as written in manifests.
    pub fn api_version(self) -> &'static str {
        match self.group() {
            "" => "v1",
            "batch" => "batch/v1",
            "policy" => "policy/v1",
            "scheduling.k8s.io" => "scheduling.k8s.io/v1",
            _ => "apps/v1",
        }
    }

    /// The REST resource (plural).
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Namespace => "namespaces",
            Kind::Node => "nodes",
            Kind::Pod => "pods",
            Kind::Deployment => "deployments",
            Kind::ReplicaSet => "replicasets",
            Kind::ReplicationController => "replicationcontrollers",
            Kind::Service => "services",
            Kind::ConfigMap => "configmaps",
            Kind::Secret => "secrets",
            Kind::DaemonSet => "daemonsets",
            Kind::Job => "jobs",
            Kind::StatefulSet => "statefulsets",
            Kind::CronJob => "cronjobs",
            Kind::ServiceAccount => "serviceaccounts",
            Kind::PodDisruptionBudget => "poddisruptionbudgets",
            Kind::PriorityClass => "priorityclasses",
            Kind::Event => "events",
        }
    }

    /// kubectl's short name, if the resource has one.
    pub fn short_name(self) -> Option<&'static str> {
        match self {
            Kind::Namespace => Some("ns"),
            Kind::Node => Some("no"),
            Kind::Pod => Some("po"),
            Kind::Deployment => Some("deploy"),
            Kind::ReplicaSet => Some("rs"),
            Kind::ReplicationController => Some("rc"),
            Kind::Service => Some("svc"),
            Kind::ConfigMap => Some("cm"),
            Kind::Secret => None,
            Kind::DaemonSet => Some("ds"),
            Kind::Job => None,
            Kind::StatefulSet => Some("sts"),
            Kind::CronJob => Some("cj"),
            Kind::ServiceAccount => Some("sa"),
            Kind::PodDisruptionBudget => Some("pdb"),
            Kind::PriorityClass => Some("pc"),
            Kind::Event => Some("ev"),
        }
    }

    /// Whether objects of this kind live in a namespace.
    pub fn namespaced(self) -> bool {
        !matches!(self, Kind::Namespace | Kind::Node | Kind::PriorityClass)
    }

    /// `resource.group` as API errors name it (`deployments.apps`, `pods`).
    pub fn group_resource(self) -> String {
        if self.group().is_empty() {
            self.plural().to_string()
        } else {
            format!("{}.{}", self.plural(), self.group())
        }
    }

    /// `kind.group` as kubectl's name printer writes it (`deployment.apps`, `pod`).
    pub fn kind_group(self) -> String {
        if self.group().is_empty() {
            self.lower().to_string()
        } else {
            format!("{}.{}", self.lower(), self.group())
        }
    }

    /// Resolves what a user types after `kubectl get` or in an expectation target:
    /// the plural, the singular, the short name or the Kind, case-insensitively, with an
    /// optional `.group` suffix (`deployments.apps`).
    pub fn from_resource_name(s: &str) -> Option<Kind> {
        let s = s.to_ascii_lowercase();
        let (base, group) = match s.split_once('.') {
            Some((b, g)) => (b.to_string(), Some(g.to_string())),
            None => (s, None),
        };
        Kind::ALL.into_iter().find(|k| {
            let name_ok =
                base == k.lower() || base == k.plural() || Some(base.as_str()) == k.short_name();
            let group_ok = match &group {
                None => true,
                Some(g) => g == k.group() || (k.group().is_empty() && g == "core"),
            };
            name_ok && group_ok
        })
    }

    /// Resolves a manifest's `kind` (exact Kind spelling).
    pub fn from_kind_name(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_resource_names_resolve_like_kubectl() {
        assert_eq!(Kind::from_resource_name("deploy"), Some(Kind::Deployment));
        assert_eq!(
            Kind::from_resource_name("deployments.apps"),
            Some(Kind::Deployment)
        );
        assert_eq!(Kind::from_resource_name("po"), Some(Kind::Pod));
        assert_eq!(Kind::from_resource_name("svc"), Some(Kind::Service));
        assert_eq!(Kind::from_resource_name("Pods"), Some(Kind::Pod));
        assert_eq!(Kind::from_resource_name("sts"), Some(Kind::StatefulSet));
        assert_eq!(
            Kind::from_resource_name("statefulsets.apps"),
            Some(Kind::StatefulSet)
        );
        assert_eq!(Kind::from_resource_name("cj"), Some(Kind::CronJob));
        assert_eq!(
            Kind::from_resource_name("cronjobs.batch"),
            Some(Kind::CronJob)
        );
        assert_eq!(Kind::from_resource_name("foo"), None);
    }

    #[test]
    fn group_resource_matches_api_error_wording() {
        // apimachinery errors.go: `deployments.apps "x" not found`, `pods "web" not found`.
        assert_eq!(Kind::Deployment.group_resource(), "deployments.apps");
        assert_eq!(Kind::Pod.group_resource(), "pods");
        assert_eq!(Kind::Deployment.kind_group(), "deployment.apps");
    }
}
