//! `kubectl patch TYPE NAME -p PATCH [--type=strategic|merge]` (`kubectl/pkg/cmd/patch/
//! patch.go`): the patch text is read before the run into an [`ObjectPatch`] of the fields
//! kubesim models, which the API server applies to the stored object when the request
//! commits.
//!
//! A strategic merge patch (the default) merges `containers` by `name`
//! (`patchMergeKey: name`); a JSON merge patch (RFC 7386) replaces lists whole. In both a
//! `null` removes a map key. Simplified: the patch must be JSON (kubectl also reads YAML);
//! `--type=json` (RFC 6902), `--patch-file`, `$patch` directives and fields kubesim does not
//! model are refused before the run as not simulated.

use super::command::{
    Command, CommandError, Flag, NamedObject, Parsed, Spec, Ty, Verb, failed, flag, named_objects,
    resource_args, unsupported,
};
use crate::model::kind::Kind;
use crate::model::patch::{ContainerPatch, ContainersPatch, MapPatch, ObjectPatch, StrategyPatch};
use crate::model::workload::IntOrPercent;
use serde_json::{Map, Value};

/// `kubectl patch`, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Patch {
    /// The objects named (kubectl patches each).
    pub targets: Vec<NamedObject>,
    /// The parsed patch (boxed: it is the largest of the commands).
    pub patch: Box<ObjectPatch>,
    /// `-n`/`--namespace`, if given.
    pub namespace: Option<String>,
}

const FLAGS: &[Flag] = &[
    flag("patch", Some('p'), Ty::Str),
    flag("type", None, Ty::Str),
];

/// `kubectl patch`'s flags.
pub(super) const PATCH: Spec = Spec {
    verb: Verb::Patch,
    flags: FLAGS,
    unsupported: &[
        ("allow-missing-template-keys", None),
        ("dry-run", None),
        ("field-manager", None),
        ("filename", Some('f')),
        ("kustomize", Some('k')),
        ("local", None),
        ("output", Some('o')),
        ("patch-file", None),
        ("record", None),
        ("recursive", Some('R')),
        ("show-managed-fields", None),
        ("subresource", None),
        ("template", None),
    ],
};

/// patch.go `Complete` and `Validate`, then the builder, then the patch text.
pub(super) fn parse(p: Parsed) -> Result<Command, CommandError> {
    let text = p.str("patch").unwrap_or("");
    if text.is_empty() {
        return Err(failed(
            "must specify --patch or --patch-file containing the contents of the patch",
        ));
    }
    let strategic = match p.str("type").unwrap_or("strategic") {
        "strategic" | "" => true,
        "merge" => false,
        "json" => {
            return Err(unsupported(
                "JSON patches (--type=json) yet",
                Some(Verb::Patch),
            ));
        }
        other => {
            return Err(failed(format!(
                "--type must be one of [json merge strategic], not {other:?}"
            )));
        }
    };
    let targets = named_objects(resource_args(&p.args)?, Verb::Patch)?;
    let value: Value = serde_json::from_str(text).map_err(|e| {
        unsupported(
            format!("a patch that is not JSON ({e}); write it as JSON"),
            Some(Verb::Patch),
        )
    })?;
    let mut kinds: Vec<Kind> = targets.iter().map(|t| t.kind).collect();
    kinds.dedup();
    let mut patch = ObjectPatch::default();
    for kind in kinds {
        patch = object_patch(&value, kind, strategic).map_err(|e| match e {
            Problem::Unsupported(what) => unsupported(what, Some(Verb::Patch)),
            Problem::Invalid(msg) => failed(msg),
        })?;
    }
    Ok(Command::Patch(Patch {
        targets,
        patch: Box::new(patch),
        namespace: p.namespace(),
    }))
}

/// Why a patch text cannot be used.
#[derive(Debug)]
enum Problem {
    /// A field kubesim does not model.
    Unsupported(String),
    /// What the API server would refuse (wrong types, a missing merge key).
    Invalid(String),
}

type R<T> = Result<T, Problem>;

fn not_modelled(path: &str, kind: Kind) -> Problem {
    Problem::Unsupported(format!("patching {path} of a {} yet", kind.name()))
}

/// The fields of `obj` as a map (a patch document must be a JSON object).
fn object<'a>(v: &'a Value, path: &str) -> R<&'a Map<String, Value>> {
    v.as_object().ok_or_else(|| {
        Problem::Invalid(format!(
            "unable to decode the patch at {path}: expected an object, got {v}"
        ))
    })
}

/// The patch for one kind.
fn object_patch(v: &Value, kind: Kind, strategic: bool) -> R<ObjectPatch> {
    let mut out = ObjectPatch::default();
    for (key, value) in object(v, "the top level")? {
        match key.as_str() {
            "metadata" => metadata(value, kind, &mut out)?,
            "spec" => spec(value, kind, strategic, &mut out)?,
            // The type fields may be repeated as they are.
            "apiVersion" | "kind" => {}
            other => return Err(not_modelled(other, kind)),
        }
    }
    Ok(out)
}

fn metadata(v: &Value, kind: Kind, out: &mut ObjectPatch) -> R<()> {
    for (key, value) in object(v, "metadata")? {
        match key.as_str() {
            "labels" => out.labels = map_patch(value, "metadata.labels")?,
            "annotations" => out.annotations = map_patch(value, "metadata.annotations")?,
            other => return Err(not_modelled(&format!("metadata.{other}"), kind)),
        }
    }
    Ok(())
}

/// A string map: values set keys, `null` removes them; `null` for the whole map removes
/// every key the patch cannot name, which kubesim does not model.
fn map_patch(v: &Value, path: &str) -> R<MapPatch> {
    let mut out = MapPatch::default();
    for (k, value) in object(v, path)? {
        match value {
            Value::Null => out.remove.push(k.clone()),
            Value::String(s) => out.set.push((k.clone(), s.clone())),
            other => {
                return Err(Problem::Invalid(format!(
                    "{path}.{k}: expected a string, got {other}"
                )));
            }
        }
    }
    if path.ends_with("labels") {
        for (k, value) in &out.set {
            let mut lines =
                crate::model::validation::validate_labels(&[(k.clone(), value.clone())], path);
            if !lines.is_empty() {
                return Err(Problem::Invalid(lines.remove(0)));
            }
        }
    }
    Ok(out)
}

fn int(v: &Value, path: &str) -> R<i64> {
    v.as_i64()
        .ok_or_else(|| Problem::Invalid(format!("{path}: expected an integer, got {v}")))
}

fn boolean(v: &Value, path: &str) -> R<bool> {
    v.as_bool()
        .ok_or_else(|| Problem::Invalid(format!("{path}: expected a boolean, got {v}")))
}

fn spec(v: &Value, kind: Kind, strategic: bool, out: &mut ObjectPatch) -> R<()> {
    let workload = matches!(
        kind,
        Kind::Deployment | Kind::ReplicaSet | Kind::ReplicationController
    );
    for (key, value) in object(v, "spec")? {
        let path = format!("spec.{key}");
        match (key.as_str(), kind) {
            ("replicas", _) if workload => {
                let n = int(value, &path)?;
                let n = i32::try_from(n).map_err(|_| {
                    Problem::Invalid(format!("{path}: {n} does not fit in an int32"))
                })?;
                if n < 0 {
                    return Err(Problem::Invalid(format!(
                        "{path}: Invalid value: {n}: must be greater than or equal to 0"
                    )));
                }
                out.replicas = Some(n);
            }
            ("paused", Kind::Deployment) => out.paused = Some(boolean(value, &path)?),
            ("minReadySeconds", _) if workload || kind == Kind::DaemonSet => {
                out.min_ready_seconds = Some(int(value, &path)?);
            }
            ("strategy", Kind::Deployment) => out.strategy = Some(strategy(value)?),
            ("template", _) if workload || kind == Kind::DaemonSet => {
                template(value, kind, strategic, out)?;
            }
            ("selector", Kind::Service) => {
                out.service_selector = Some(match value {
                    Value::Null => None,
                    v => Some(map_patch(v, "spec.selector")?),
                });
            }
            ("unschedulable", Kind::Node) => out.unschedulable = Some(boolean(value, &path)?),
            _ => return Err(not_modelled(&path, kind)),
        }
    }
    Ok(())
}

fn int_or_percent(v: &Value, path: &str) -> R<IntOrPercent> {
    if let Some(n) = v.as_i64().and_then(|n| i32::try_from(n).ok()) {
        return Ok(IntOrPercent::Int(n));
    }
    v.as_str()
        .and_then(|s| s.strip_suffix('%'))
        .and_then(|p| p.parse().ok())
        .map(IntOrPercent::Percent)
        .ok_or_else(|| {
            Problem::Invalid(format!(
                "{path}: Invalid value: {v}: a valid percent string must be a numeric string followed by an ending '%'"
            ))
        })
}

fn strategy(v: &Value) -> R<StrategyPatch> {
    let mut out = StrategyPatch::default();
    for (key, value) in object(v, "spec.strategy")? {
        match key.as_str() {
            "type" => {
                out.recreate = Some(match value.as_str() {
                    Some("Recreate") => true,
                    Some("RollingUpdate") => false,
                    _ => {
                        return Err(Problem::Invalid(format!(
                            "spec.strategy.type: Unsupported value: {value}: supported values: \"Recreate\", \"RollingUpdate\""
                        )));
                    }
                });
            }
            "rollingUpdate" => {
                out.rolling_update = Some(match value {
                    Value::Null => None,
                    v => {
                        let (mut surge, mut unavailable) = (None, None);
                        for (k, x) in object(v, "spec.strategy.rollingUpdate")? {
                            let path = format!("spec.strategy.rollingUpdate.{k}");
                            match k.as_str() {
                                "maxSurge" => surge = Some(int_or_percent(x, &path)?),
                                "maxUnavailable" => unavailable = Some(int_or_percent(x, &path)?),
                                _ => return Err(not_modelled(&path, Kind::Deployment)),
                            }
                        }
                        Some((surge, unavailable))
                    }
                });
            }
            other => {
                return Err(not_modelled(
                    &format!("spec.strategy.{other}"),
                    Kind::Deployment,
                ));
            }
        }
    }
    Ok(out)
}

fn template(v: &Value, kind: Kind, strategic: bool, out: &mut ObjectPatch) -> R<()> {
    for (key, value) in object(v, "spec.template")? {
        match key.as_str() {
            "metadata" => {
                for (k, x) in object(value, "spec.template.metadata")? {
                    match k.as_str() {
                        "labels" => {
                            out.template_labels = map_patch(x, "spec.template.metadata.labels")?;
                        }
                        other => {
                            return Err(not_modelled(
                                &format!("spec.template.metadata.{other}"),
                                kind,
                            ));
                        }
                    }
                }
            }
            "spec" => {
                for (k, x) in object(value, "spec.template.spec")? {
                    match k.as_str() {
                        "containers" => out.containers = Some(containers(x, kind, strategic)?),
                        other => {
                            return Err(not_modelled(&format!("spec.template.spec.{other}"), kind));
                        }
                    }
                }
            }
            other => return Err(not_modelled(&format!("spec.template.{other}"), kind)),
        }
    }
    Ok(())
}

fn containers(v: &Value, kind: Kind, strategic: bool) -> R<ContainersPatch> {
    let Some(list) = v.as_array() else {
        return Err(Problem::Invalid(format!(
            "spec.template.spec.containers: expected a list, got {v}"
        )));
    };
    let mut entries = Vec::new();
    for (i, c) in list.iter().enumerate() {
        let fields = object(c, "spec.template.spec.containers")?;
        let mut name = None;
        let mut image = None;
        for (k, x) in fields {
            let path = format!("spec.template.spec.containers[{i}].{k}");
            match (k.as_str(), x) {
                ("name", Value::String(s)) => name = Some(s.clone()),
                ("image", Value::String(s)) => image = Some(s.clone()),
                ("name" | "image", other) => {
                    return Err(Problem::Invalid(format!(
                        "{path}: expected a string, got {other}"
                    )));
                }
                _ => return Err(not_modelled(&path, kind)),
            }
        }
        let Some(name) = name else {
            // strategicpatch: the merge key must be present in every list entry.
            return Err(Problem::Invalid(format!(
                "map: {} does not contain declared merge key: name",
                go_map(fields)
            )));
        };
        entries.push(ContainerPatch { name, image });
    }
    Ok(if strategic {
        ContainersPatch::MergeByName(entries)
    } else {
        ContainersPatch::Replace(entries)
    })
}

/// Go's `%v` of a `map[string]interface{}`: `map[k:v k2:v2]`, keys sorted.
fn go_map(fields: &Map<String, Value>) -> String {
    let mut items: Vec<String> = fields
        .iter()
        .map(|(k, v)| match v {
            Value::String(s) => format!("{k}:{s}"),
            other => format!("{k}:{other}"),
        })
        .collect();
    items.sort();
    format!("map[{}]", items.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubectl::command::tests::{err, ok};

    fn patch_of(line: &str) -> Patch {
        match ok(line) {
            Command::Patch(p) => p,
            other => panic!("{line:?}: {other:?}"),
        }
    }

    #[test]
    fn a_deployment_patch_reads_the_modelled_fields() {
        let p = patch_of(
            r#"kubectl patch deploy web -p '{"metadata":{"labels":{"a":"1","b":null}},"spec":{"replicas":3,"paused":true,"minReadySeconds":5,"strategy":{"type":"Recreate","rollingUpdate":null},"template":{"metadata":{"labels":{"v":"2"}},"spec":{"containers":[{"name":"c","image":"nginx:1.26"}]}}}}'"#,
        );
        let o = *p.patch;
        assert_eq!(o.labels.set, vec![("a".to_string(), "1".to_string())]);
        assert_eq!(o.labels.remove, vec!["b".to_string()]);
        assert_eq!(
            (o.replicas, o.paused, o.min_ready_seconds),
            (Some(3), Some(true), Some(5))
        );
        assert_eq!(
            o.strategy,
            Some(StrategyPatch {
                recreate: Some(true),
                rolling_update: Some(None)
            })
        );
        assert_eq!(
            o.template_labels.set,
            vec![("v".to_string(), "2".to_string())]
        );
        // Strategic merge (the default) merges containers by name.
        assert_eq!(
            o.containers,
            Some(ContainersPatch::MergeByName(vec![ContainerPatch {
                name: "c".into(),
                image: Some("nginx:1.26".into())
            }]))
        );
        let merge = patch_of(
            r#"kubectl patch deploy web --type=merge -p '{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"x"}]}}}}'"#,
        );
        assert!(matches!(
            merge.patch.containers,
            Some(ContainersPatch::Replace(_))
        ));
    }

    #[test]
    fn services_and_nodes_take_their_own_fields() {
        let svc = patch_of(r#"kubectl patch svc web -p '{"spec":{"selector":{"app":"db"}}}'"#);
        assert_eq!(
            svc.patch.service_selector,
            Some(Some(MapPatch {
                set: vec![("app".into(), "db".into())],
                remove: vec![]
            }))
        );
        let node = patch_of(r#"kubectl patch node n1 -p '{"spec":{"unschedulable":true}}'"#);
        assert_eq!(node.patch.unschedulable, Some(true));
        assert!(
            err(r#"kubectl patch pod web -p '{"spec":{"replicas":3}}'"#)
                .contains("kubesim does not simulate patching spec.replicas of a Pod")
        );
    }

    #[test]
    fn mistakes_use_patch_go_and_the_servers_messages() {
        assert_eq!(
            err("kubectl patch deploy web"),
            "error: must specify --patch or --patch-file containing the contents of the patch"
        );
        assert_eq!(
            err(r#"kubectl patch deploy web --type=xml -p '{}'"#),
            "error: --type must be one of [json merge strategic], not \"xml\""
        );
        assert!(
            err(r#"kubectl patch deploy web --type=json -p '[]'"#)
                .contains("kubesim does not simulate")
        );
        // strategicpatch: every list entry carries the merge key.
        assert_eq!(
            err(
                r#"kubectl patch deploy web -p '{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}'"#
            ),
            "error: map: map[image:x] does not contain declared merge key: name"
        );
        assert_eq!(
            err(r#"kubectl patch deploy web -p '{"spec":{"replicas":-1}}'"#),
            "error: spec.replicas: Invalid value: -1: must be greater than or equal to 0"
        );
        assert_eq!(
            err(r#"kubectl patch deploy -p '{}'"#),
            "error: resource(s) were provided, but no name was specified"
        );
    }
}
