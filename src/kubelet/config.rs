//! The kubelet's ConfigMap and Secret managers, as the pod worker consults them: before it
//! creates a container (its environment, `makeEnvironmentVariables` in
//! pkg/kubelet/kubelet_pods.go) and before it creates the sandbox (its ConfigMap and Secret
//! volumes, `SetUpAt` in pkg/volume/configmap and pkg/volume/secret).
//!
//! The real managers keep a watch-fed cache of the objects a node's pods reference
//! (`configMapAndSecretChangeDetectionStrategy: Watch`); a change there does not itself sync
//! a pod, the next retry reads it. kubesim's kubelet reads the committed store at each retry,
//! which is what that cache holds once the watch has delivered.

use crate::etcd::Store;
use crate::model::kind::Kind;
use crate::model::meta::NsId;
use crate::model::pod::{ConfigKind, ConfigVolume, EnvSource};
use crate::sim::time::SimDuration;

/// `initialDurationBeforeRetry` (pkg/util/goroutinemap/exponentialbackoff): a failed mount is
/// retried after 500 ms, doubling.
const MOUNT_RETRY_INITIAL: SimDuration = SimDuration(500_000);
/// `maxDurationBeforeRetry`: 2 min 2 s, just past the pod worker's 2 min wait for volumes.
const MOUNT_RETRY_MAX: SimDuration = SimDuration(122_000_000);

/// The wait before the next mount attempt after `failures` failed ones (at least 1).
pub fn mount_retry(failures: u32) -> SimDuration {
    let doublings = failures.saturating_sub(1).min(16);
    SimDuration((MOUNT_RETRY_INITIAL.as_micros() << doublings).min(MOUNT_RETRY_MAX.as_micros()))
}

/// The `(kind, name)` resource name the managers' NotFound errors carry
/// (`corev1.Resource("configmap")`), as in `configmap "x" not found`.
fn resource(kind: ConfigKind) -> &'static str {
    match kind {
        ConfigKind::ConfigMap => "configmap",
        ConfigKind::Secret => "secret",
    }
}

/// The stored kind.
fn kind_of(kind: ConfigKind) -> Kind {
    match kind {
        ConfigKind::ConfigMap => Kind::ConfigMap,
        ConfigKind::Secret => Kind::Secret,
    }
}

/// The keys of the named ConfigMap or Secret in `ns`, if it exists.
fn keys<'a>(
    store: &'a Store,
    ns: Option<NsId>,
    kind: ConfigKind,
    name: &str,
) -> Option<&'a [String]> {
    let id = store.lookup(kind_of(kind), ns, name)?;
    let arena = match kind {
        ConfigKind::ConfigMap => &store.configmaps,
        ConfigKind::Secret => &store.secrets,
    };
    arena.get(id).map(|o| o.key_names.as_slice())
}

/// The error `makeEnvironmentVariables` returns for this environment, if any: the first
/// source, in order, whose object is missing (`configmap "x" not found`) or lacks the key
/// (`couldn't find key k in ConfigMap ns/x`); an optional source never fails.
pub fn env_error(store: &Store, ns: Option<NsId>, sources: &[EnvSource]) -> Option<String> {
    sources.iter().filter(|s| !s.optional).find_map(|s| {
        let Some(found) = keys(store, ns, s.kind, &s.name) else {
            return Some(format!("{} {:?} not found", resource(s.kind), s.name));
        };
        let key = s.key.as_ref()?;
        if found.contains(key) {
            return None;
        }
        let kind = match s.kind {
            ConfigKind::ConfigMap => "ConfigMap",
            ConfigKind::Secret => "Secret",
        };
        let ns = ns.map_or("", |n| store.ns_name(n));
        Some(format!("couldn't find key {key} in {kind} {ns}/{}", s.name))
    })
}

/// The `FailedMount` message of the first volume that cannot be set up:
/// `MountVolume.SetUp failed for volume "v" : configmap "x" not found` (operation_generator.go
/// `GenerateMountVolumeFunc`, the plugin's NotFound error); an optional volume mounts empty.
pub fn mount_error(store: &Store, ns: Option<NsId>, volumes: &[ConfigVolume]) -> Option<String> {
    volumes
        .iter()
        .filter(|v| !v.optional)
        .find(|v| keys(store, ns, v.kind, &v.name).is_none())
        .map(|v| {
            format!(
                "MountVolume.SetUp failed for volume {:?} : {} {:?} not found",
                v.volume,
                resource(v.kind),
                v.name
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::etcd::store::testing as fx;

    fn source(kind: ConfigKind, name: &str, key: Option<&str>, optional: bool) -> EnvSource {
        EnvSource {
            kind,
            name: name.into(),
            key: key.map(str::to_string),
            optional,
        }
    }

    fn store_with(keys: Option<&[&str]>) -> (Store, Option<NsId>) {
        let mut store = Store::default();
        let ns = fx::namespace(&mut store, "default");
        if let Some(keys) = keys {
            fx::config_data(&mut store, "app", ns, false, keys);
        }
        (store, Some(ns))
    }

    #[test]
    fn a_missing_object_reads_as_the_managers_not_found_error() {
        let (store, ns) = store_with(None);
        let env = [source(ConfigKind::ConfigMap, "app", None, false)];
        assert_eq!(
            env_error(&store, ns, &env).as_deref(),
            Some("configmap \"app\" not found")
        );
        let env = [source(ConfigKind::Secret, "db", Some("password"), false)];
        assert_eq!(
            env_error(&store, ns, &env).as_deref(),
            Some("secret \"db\" not found")
        );
    }

    #[test]
    fn a_missing_key_names_the_namespace_and_object_as_kubelet_pods_go_does() {
        let (store, ns) = store_with(Some(&["mode"]));
        let env = [source(ConfigKind::ConfigMap, "app", Some("level"), false)];
        assert_eq!(
            env_error(&store, ns, &env).as_deref(),
            Some("couldn't find key level in ConfigMap default/app")
        );
        let env = [
            source(ConfigKind::ConfigMap, "app", None, false),
            source(ConfigKind::ConfigMap, "app", Some("mode"), false),
        ];
        assert_eq!(env_error(&store, ns, &env), None);
    }

    #[test]
    fn optional_sources_and_volumes_never_block() {
        let (store, ns) = store_with(None);
        let env = [
            source(ConfigKind::ConfigMap, "app", None, true),
            source(ConfigKind::Secret, "db", Some("password"), true),
        ];
        assert_eq!(env_error(&store, ns, &env), None);
        let vol = |optional| ConfigVolume {
            volume: "config".into(),
            kind: ConfigKind::ConfigMap,
            name: "app".into(),
            optional,
        };
        assert_eq!(mount_error(&store, ns, &[vol(true)]), None);
        assert_eq!(
            mount_error(&store, ns, &[vol(false)]).as_deref(),
            Some("MountVolume.SetUp failed for volume \"config\" : configmap \"app\" not found")
        );
    }

    #[test]
    fn mount_retries_double_from_half_a_second_up_to_two_minutes_two_seconds() {
        let ms: Vec<u64> = (1..=10)
            .map(|n| mount_retry(n).as_micros() / 1000)
            .collect();
        assert_eq!(
            ms,
            [
                500, 1000, 2000, 4000, 8000, 16000, 32000, 64000, 122_000, 122_000
            ]
        );
    }
}
