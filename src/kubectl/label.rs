//! `kubectl label` and `kubectl annotate`: parsing (`kubectl/pkg/cmd/label/label.go`,
//! `annotate/annotate.go`, `cmdutil.GetResourcesAndPairs` and `ParsePairs`) and the
//! client-side change each one computes from the object it fetched (`labelFunc`,
//! `annotateFunc`), which it sends as a merge patch.
//!
//! Simplified: `-f`, `--list`, `--local`, `--dry-run`, `--resource-version`, `-A` and `-o` are
//! not simulated; an annotation key is not checked against the qualified-name rule.

use super::command::{CommandError, Flag, Parsed, Spec, Targets, Ty, Verb, failed, flag, targets};
use crate::model::labels::Labels;
use crate::model::patch::MapPatch;
use crate::model::validation::{is_valid_label_value, validate_label_name};

/// `kubectl label` or `kubectl annotate`, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// True for `annotate`, false for `label`.
    pub annotate: bool,
    /// The objects to change.
    pub targets: Targets,
    /// `KEY=VALUE` pairs, sorted by key (a repeated key keeps its last value, as a map does).
    pub set: Vec<(String, String)>,
    /// `KEY-` removals, in order.
    pub remove: Vec<String>,
    /// `--overwrite`.
    pub overwrite: bool,
    /// `-n`/`--namespace`, if given.
    pub namespace: Option<String>,
}

const FLAGS: &[Flag] = &[
    flag("overwrite", None, Ty::Bool),
    flag("selector", Some('l'), Ty::Str),
    flag("all", None, Ty::Bool),
];

const UNSUPPORTED: &[(&str, Option<char>)] = &[
    ("all-namespaces", Some('A')),
    ("allow-missing-template-keys", None),
    ("dry-run", None),
    ("field-manager", None),
    ("field-selector", None),
    ("filename", Some('f')),
    ("kustomize", Some('k')),
    ("list", None),
    ("local", None),
    ("output", Some('o')),
    ("recursive", Some('R')),
    ("resource-version", None),
    ("show-managed-fields", None),
    ("template", None),
];

/// `kubectl label`'s flags.
pub(super) const LABEL: Spec = Spec {
    verb: Verb::Label,
    flags: FLAGS,
    unsupported: UNSUPPORTED,
};

/// `kubectl annotate`'s flags (the same set).
pub(super) const ANNOTATE: Spec = Spec {
    verb: Verb::Annotate,
    flags: FLAGS,
    unsupported: UNSUPPORTED,
};

/// `Complete` then `Validate` of label.go / annotate.go, then the builder.
pub(super) fn parse(p: Parsed, annotate: bool) -> Result<super::command::Command, CommandError> {
    let pair_type = if annotate { "annotation" } else { "label" };
    let (resources, pairs) = resources_and_pairs(&p.args, pair_type)?;
    let (set, remove) = if annotate {
        parse_annotations(&pairs)?
    } else {
        parse_labels(&pairs)?
    };
    let all = p.bool("all").unwrap_or(false);
    let selector = p.str("selector");
    if all && selector.is_some_and(|s| !s.is_empty()) {
        return Err(failed("cannot set --all and --selector at the same time"));
    }
    if resources.is_empty() {
        return Err(failed(
            "one or more resources must be specified as <resource> <name> or <resource>/<name>",
        ));
    }
    if set.is_empty() && remove.is_empty() {
        return Err(failed(format!(
            "at least one {pair_type} update is required"
        )));
    }
    let verb = if annotate {
        Verb::Annotate
    } else {
        Verb::Label
    };
    Ok(super::command::Command::Label(Label {
        annotate,
        targets: targets(&resources, selector, all, verb)?,
        set,
        remove,
        overwrite: p.bool("overwrite").unwrap_or(false),
        namespace: p.namespace(),
    }))
}

/// `cmdutil.GetResourcesAndPairs`: resources first, then `k=v` / `k-` pairs.
fn resources_and_pairs(
    args: &[String],
    pair_type: &str,
) -> Result<(Vec<String>, Vec<String>), CommandError> {
    let (mut resources, mut pairs) = (Vec::new(), Vec::new());
    for s in args {
        let is_pair = (s.contains('=') && !s.starts_with('=')) || (s.ends_with('-') && s != "-");
        if is_pair {
            pairs.push(s.clone());
        } else if pairs.is_empty() {
            resources.push(s.clone());
        } else {
            return Err(failed(format!(
                "all resources must be specified before {pair_type} changes: {s}"
            )));
        }
    }
    Ok((resources, pairs))
}

type Changes = (Vec<(String, String)>, Vec<String>);

/// label.go `parseLabels`, with the API server's label-key check (`ValidateLabels`) done
/// here, before the run.
fn parse_labels(specs: &[String]) -> Result<Changes, CommandError> {
    let mut set = Labels::default();
    let mut remove = Vec::new();
    for spec in specs {
        if spec.contains('=') {
            let parts: Vec<&str> = spec.split('=').collect();
            let [key, value] = parts.as_slice() else {
                return Err(failed(format!("invalid label spec: {spec}")));
            };
            let errs = is_valid_label_value(value);
            if !errs.is_empty() {
                return Err(failed(format!(
                    "invalid label value: {spec:?}: {}",
                    errs.join(";")
                )));
            }
            if let Some(e) = validate_label_name(key, "metadata.labels").first() {
                return Err(failed(e.clone()));
            }
            set.insert(*key, *value);
        } else if let Some(key) = spec.strip_suffix('-') {
            remove.push(key.to_string());
        } else {
            return Err(failed(format!("unknown label spec: {spec}")));
        }
    }
    if remove.iter().any(|k| set.get(k).is_some()) {
        return Err(failed(
            "can not both modify and remove a label in the same command",
        ));
    }
    Ok((pairs(set), remove))
}

/// `cmdutil.ParsePairs(args, "annotation", true)` then annotate.go's both-ways check.
fn parse_annotations(specs: &[String]) -> Result<Changes, CommandError> {
    let mut set = Labels::default();
    let mut remove = Vec::new();
    let mut invalid = Vec::new();
    for spec in specs {
        if let Some((key, value)) = spec.split_once('=').filter(|_| !spec.starts_with('=')) {
            set.insert(key, value);
        } else if let Some(key) = spec.strip_suffix('-').filter(|_| spec != "-") {
            remove.push(key.to_string());
        } else {
            invalid.push(spec.as_str());
        }
    }
    if !invalid.is_empty() {
        return Err(failed(format!(
            "invalid annotation format: {}",
            invalid.join(", ")
        )));
    }
    if remove.iter().any(|k| set.get(k).is_some()) {
        return Err(failed(
            "can not both modify and remove an annotation in the same command",
        ));
    }
    Ok((pairs(set), remove))
}

fn pairs(labels: Labels) -> Vec<(String, String)> {
    labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// What kubectl sends for one object and what it prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    /// The changes to the map.
    pub patch: MapPatch,
    /// The operation the name printer appends (`labeled`, `unlabeled`, `not labeled`,
    /// `annotated`).
    pub operation: &'static str,
    /// Lines printed before it (`label "x" not found.`).
    pub notes: Vec<String>,
}

impl Label {
    /// `labelFunc` / `annotateFunc` on the object's current map (`validateNoOverwrites`,
    /// `validateNoAnnotationOverwrites`), then `updateDataChangeMsg` for labels.
    pub fn plan(&self, current: &Labels) -> Result<Planned, String> {
        if !self.overwrite {
            let clashes: Vec<String> = self
                .set
                .iter()
                .filter_map(|(k, v)| {
                    let old = current.get(k)?;
                    (old != v).then(|| format!("'{k}' already has a value ({old})"))
                })
                .collect();
            if !clashes.is_empty() {
                return Err(if self.annotate {
                    format!(
                        "--overwrite is false but found the following declared annotation(s): {}",
                        clashes.join("; ")
                    )
                } else if clashes.len() == 1 {
                    format!("{}, and --overwrite is false", clashes[0])
                } else {
                    // utilerrors.NewAggregate: `[e1, e2]`.
                    let each: Vec<String> = clashes
                        .iter()
                        .map(|c| format!("{c}, and --overwrite is false"))
                        .collect();
                    format!("[{}]", each.join(", "))
                });
            }
        }
        let notes = if self.annotate {
            Vec::new()
        } else {
            self.remove
                .iter()
                .filter(|k| current.get(k).is_none())
                .map(|k| format!("label {k:?} not found."))
                .collect()
        };
        let patch = MapPatch {
            set: self.set.clone(),
            remove: self.remove.clone(),
        };
        let mut after = current.clone();
        let changed = patch.apply(&mut after);
        let operation = match (self.annotate, changed) {
            (true, _) => "annotated",
            (false, false) => "not labeled",
            // updateDataChangeMsg: shorter JSON without --overwrite means labels were removed.
            (false, true) if !self.overwrite && json_len(&after) < json_len(current) => "unlabeled",
            (false, true) => "labeled",
        };
        Ok(Planned {
            patch,
            operation,
            notes,
        })
    }
}

/// The length of the map as `json.Marshal` writes it inside the object (an empty map is
/// omitted, `omitempty`).
fn json_len(labels: &Labels) -> usize {
    if labels.is_empty() {
        return 0;
    }
    let items: usize = labels
        .iter()
        .map(|(k, v)| {
            serde_json::Value::from(k).to_string().len()
                + serde_json::Value::from(v).to_string().len()
                + 1
        })
        .sum();
    "\"labels\":{}".len() + items + labels.len() - 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubectl::command::tests::{err, ok};
    use crate::kubectl::command::{Command, NamedObject};
    use crate::model::kind::Kind;

    fn label(line: &str) -> Label {
        match ok(line) {
            Command::Label(l) => l,
            other => panic!("{line:?}: {other:?}"),
        }
    }

    #[test]
    fn pairs_follow_the_resources_and_split_into_sets_and_removals() {
        // GetResourcesAndPairs: `k=v` and `k-` are pairs; parseLabels sorts them into maps.
        let l = label("kubectl label pod web tier=front app- --overwrite");
        assert_eq!(
            l.targets,
            Targets::Named(vec![NamedObject {
                kind: Kind::Pod,
                name: "web".into()
            }])
        );
        assert_eq!(l.set, vec![("tier".to_string(), "front".to_string())]);
        assert_eq!(l.remove, vec!["app".to_string()]);
        assert!(l.overwrite && !l.annotate);
        let a = label("kubectl annotate deployment/web note=a=b");
        assert!(a.annotate);
        // ParsePairs splits on the first `=` only.
        assert_eq!(a.set, vec![("note".to_string(), "a=b".to_string())]);
    }

    #[test]
    fn selectors_and_all_list_the_kind() {
        let l = label("kubectl label pods -l app=web team=a");
        assert_eq!(
            l.targets,
            Targets::Selected {
                kinds: vec![Kind::Pod],
                selector: Some("app=web".into())
            }
        );
        let all = label("kubectl label pods --all team=a");
        assert_eq!(
            all.targets,
            Targets::Selected {
                kinds: vec![Kind::Pod],
                selector: None
            }
        );
    }

    #[test]
    fn mistakes_use_label_go_and_annotate_go_messages() {
        assert_eq!(
            err("kubectl label pod web a=b c"),
            "error: all resources must be specified before label changes: c"
        );
        assert_eq!(
            err("kubectl label pod web a=b=c"),
            "error: invalid label spec: a=b=c"
        );
        assert_eq!(
            err("kubectl label pod web a=b a-"),
            "error: can not both modify and remove a label in the same command"
        );
        assert_eq!(
            err("kubectl annotate pod web a=b a-"),
            "error: can not both modify and remove an annotation in the same command"
        );
        assert_eq!(
            err("kubectl label pod web"),
            "error: at least one label update is required"
        );
        assert_eq!(
            err("kubectl annotate pod web"),
            "error: at least one annotation update is required"
        );
        assert_eq!(
            err("kubectl label a=b"),
            "error: one or more resources must be specified as <resource> <name> or <resource>/<name>"
        );
        assert_eq!(
            err("kubectl label pods --all -l x=y a=b"),
            "error: cannot set --all and --selector at the same time"
        );
        assert_eq!(
            err("kubectl label pods a=b"),
            "error: resource(s) were provided, but no name was specified"
        );
        assert_eq!(
            err("kubectl label pods web -l x=y a=b"),
            "error: name cannot be provided when a selector is specified"
        );
        assert!(
            err("kubectl label pod web a=b!").starts_with("error: invalid label value: \"a=b!\": "),
            "parseLabels checks values with IsValidLabelValue"
        );
        assert!(
            err("kubectl label pod web --dry-run=client a=b").contains("kubesim does not simulate")
        );
    }

    fn planned(line: &str, current: &[(&str, &str)]) -> Result<Planned, String> {
        let current =
            Labels::from_pairs(current.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        label(line).plan(&current)
    }

    #[test]
    fn a_changed_value_needs_overwrite_but_the_same_value_does_not() {
        // validateNoOverwrites: only a different current value is an error.
        assert_eq!(
            planned("kubectl label pod web app=db", &[("app", "web")]).unwrap_err(),
            "'app' already has a value (web), and --overwrite is false"
        );
        assert_eq!(
            planned("kubectl label pod web app=web", &[("app", "web")])
                .unwrap()
                .operation,
            "not labeled"
        );
        assert_eq!(
            planned(
                "kubectl label pod web app=db --overwrite",
                &[("app", "web")]
            )
            .unwrap()
            .operation,
            "labeled"
        );
        assert_eq!(
            planned("kubectl annotate pod web n=2", &[("n", "1")]).unwrap_err(),
            "--overwrite is false but found the following declared annotation(s): 'n' already has a value (1)"
        );
    }

    #[test]
    fn removals_print_unlabeled_and_missing_keys_are_noted() {
        // updateDataChangeMsg: shorter without --overwrite is `unlabeled`; RunLabel prints
        // `label "x" not found.` for each missing key it removes.
        let p = planned("kubectl label pod web app-", &[("app", "web")]).unwrap();
        assert_eq!(p.operation, "unlabeled");
        assert!(p.notes.is_empty());
        let p = planned("kubectl label pod web gone-", &[("app", "web")]).unwrap();
        assert_eq!(p.operation, "not labeled");
        assert_eq!(p.notes, vec!["label \"gone\" not found.".to_string()]);
        // With --overwrite a removal reads `labeled`.
        let p = planned("kubectl label pod web app- --overwrite", &[("app", "web")]).unwrap();
        assert_eq!(p.operation, "labeled");
    }
}
