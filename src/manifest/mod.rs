//! Kubernetes manifests: YAML with positions, the schema check, extraction.
//!
//! [`read_manifests`] does what `kubectl apply -f` and the API server do with a file before
//! anything is stored: split the YAML stream, decode each document's `apiVersion`/`kind`
//! (cli-runtime's unstructured decoder), expand `kind: List`, map the kind to a served
//! resource (kubectl's REST mapper, [`kinds`]) and decode the body strictly ([`schema`]).
//! Unlike kubectl, it reports every problem of every document instead of the first per object.

pub mod extract;
pub mod kinds;
pub mod locate;
pub mod schema;
pub mod tree;
pub mod yaml;

use crate::diag::{Problem, did_you_mean};
use kinds::KindInfo;
use tree::{Node, Value};

/// A document that passed every check, with what later stages look up first.
#[derive(Clone, Debug)]
pub struct Document {
    /// The whole document, positions included.
    pub node: Node,
    /// The served kind it is.
    pub info: KindInfo,
    /// `metadata.name`, if written.
    pub name: Option<String>,
    /// `metadata.namespace`, if written.
    pub namespace: Option<String>,
}

/// Reads a YAML stream of manifests. Returns the documents without problems, and every
/// problem of every document; a problem's span says which document it belongs to.
pub fn read_manifests(src: &str) -> (Vec<Document>, Vec<Problem>) {
    let parsed = yaml::parse_stream(src, &yaml::Limits::default());
    let mut docs = Vec::new();
    let mut problems = parsed.problems;
    for node in parsed.docs {
        read_document(node, &mut docs, &mut problems);
    }
    (docs, problems)
}

fn read_document(node: Node, docs: &mut Vec<Document>, problems: &mut Vec<Problem>) {
    if node.as_map().is_none() {
        // cli-runtime decodes each document into map[string]interface{} first.
        problems.push(Problem::new(
            node.span,
            "",
            format!(
                "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                json_kind(&node)
            ),
        ));
        return;
    }
    // apimachinery runtime/error.go NewMissingKindErr / NewMissingVersionErr, as the
    // unstructured decoder returns them (kubectl prefixes `unable to decode "FILE": `).
    let text = |key: &str| match node.get(key).map(|n| &n.value) {
        Some(Value::Str(s)) if !s.is_empty() => Some(s.as_str()),
        _ => None,
    };
    let Some(kind) = text("kind") else {
        problems.push(Problem::new(
            node.span,
            "",
            format!("Object 'Kind' is missing in '{}'", to_go_json(&node)),
        ));
        return;
    };
    let Some(api_version) = text("apiVersion") else {
        problems.push(Problem::new(
            node.span,
            "",
            format!("Object 'apiVersion' is missing in '{}'", to_go_json(&node)),
        ));
        return;
    };
    if kinds::is_list(api_version, kind) {
        read_list(node, docs, problems);
        return;
    }
    let info = match kinds::lookup(api_version, kind) {
        Ok(info) => info,
        Err(message) => {
            let at = node.get("apiVersion").map_or(node.span, |n| n.span);
            let mut p = Problem::new(at, "", message);
            let versions = kinds::versions_of(kind);
            if !versions.is_empty() {
                p = p.with_help(format!("{kind} is served as {}", versions.join(", ")));
            } else if let Some(k) = did_you_mean(kind, kinds::all().iter().map(|k| k.kind)) {
                p = p.with_help(format!("did you mean {k:?}?"));
            }
            problems.push(p);
            return;
        }
    };
    let found = schema::check(&node, info.def);
    if !found.is_empty() {
        problems.extend(found);
        return;
    }
    let meta = |key: &str| {
        node.get("metadata")
            .and_then(|m| m.get(key))
            .and_then(Node::as_str)
            .map(str::to_string)
    };
    let (name, namespace) = (meta("name"), meta("namespace"));
    docs.push(Document {
        node,
        info,
        name,
        namespace,
    });
}

/// A `v1 List`: its `items` are read as documents of their own, as kubectl flattens them.
fn read_list(node: Node, docs: &mut Vec<Document>, problems: &mut Vec<Problem>) {
    let Value::Map(entries) = node.value else {
        return;
    };
    for (key, value) in entries {
        match (key.as_str(), value.value) {
            (Some("items"), Value::Seq(items)) => {
                for item in items {
                    read_document(item, docs, problems);
                }
            }
            (Some("items"), Value::Null) => {}
            (Some("items"), other) => {
                let n = Node {
                    value: other,
                    span: value.span,
                    raw: value.raw,
                };
                problems.push(Problem::new(
                    n.span,
                    "items",
                    format!(
                        "json: cannot unmarshal {} into Go struct field List.items of type []runtime.RawExtension",
                        json_kind(&n)
                    ),
                ));
            }
            _ => {}
        }
    }
}

/// The JSON type word Go's decoder uses (`string`, `number`, `bool`, `array`, `object`).
fn json_kind(n: &Node) -> &'static str {
    match n.value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Float(_) => "number",
        Value::Str(_) => "string",
        Value::Seq(_) => "array",
        Value::Map(_) => "object",
    }
}

/// The document as kubectl's YAML→JSON step writes it (Go `encoding/json` of a
/// `map[string]interface{}`: compact, keys sorted, `<`, `>`, `&` escaped).
fn to_go_json(n: &Node) -> String {
    let mut out = String::new();
    write_go_json(n, &mut out);
    out
}

fn write_go_json(n: &Node, out: &mut String) {
    match &n.value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(_) | Value::Float(_) => out.push_str(&schema::go_json_number(n)),
        Value::Str(s) => write_go_json_string(s, out),
        Value::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_json(item, out);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            let mut sorted: Vec<(&str, &Node)> = entries
                .iter()
                .map(|(k, v)| (k.as_str().unwrap_or(&k.raw), v))
                .collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_json_string(k, out);
                out.push(':');
                write_go_json(v, out);
            }
            out.push('}');
        }
    }
}

fn write_go_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kind::Kind;
    use std::collections::BTreeMap;
    use std::path::Path;

    /// A problem as (path, message, line, column).
    type Found = (String, String, u32, u32);

    fn read(src: &str) -> (Vec<Document>, Vec<Found>) {
        let (docs, problems) = read_manifests(src);
        let p = problems
            .into_iter()
            .map(|p| (p.path, p.message, p.span.line, p.span.col))
            .collect();
        (docs, p)
    }

    #[test]
    fn a_deployment_and_a_service_load_with_their_kind_name_and_namespace() {
        let (docs, p) = read(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: prod}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: LoadBalancer, ports: [{port: 80}]}\n",
        );
        assert_eq!(p, []);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].info.simulated, Some(Kind::Deployment));
        assert_eq!(docs[0].name.as_deref(), Some("web"));
        assert_eq!(docs[0].namespace.as_deref(), Some("prod"));
        assert_eq!(docs[1].info.simulated, Some(Kind::Service));
        assert_eq!(docs[1].namespace, None);
    }

    #[test]
    fn a_list_is_read_as_its_items() {
        let (docs, p) = read(
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: b}\n  spec: {containers: [{name: c, image: x}]}\n",
        );
        assert_eq!(p, []);
        let names: Vec<_> = docs.iter().map(|d| d.name.as_deref()).collect();
        assert_eq!(names, [Some("a"), Some("b")]);
    }

    #[test]
    fn a_missing_kind_prints_the_document_as_json() {
        // apimachinery runtime/error.go missingKindErr: Object 'Kind' is missing in '%s';
        // the JSON is what sigs.k8s.io/yaml made of the document (keys sorted).
        let (docs, p) = read("apiVersion: v1\nmetadata:\n  name: a<b\nz: 1.5\n");
        assert!(docs.is_empty());
        assert_eq!(
            p,
            [(
                "".into(),
                "Object 'Kind' is missing in '{\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\\u003cb\"},\"z\":1.5}'".into(),
                1,
                1
            )]
        );
        let (_, p) = read("kind: Pod\n");
        assert_eq!(
            p[0].1,
            "Object 'apiVersion' is missing in '{\"kind\":\"Pod\"}'"
        );
    }

    #[test]
    fn an_unserved_version_points_at_the_api_version_and_suggests_the_served_one() {
        let (_, problems) = read_manifests("apiVersion: extensions/v1beta1\nkind: Deployment\n");
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].message,
            "no matches for kind \"Deployment\" in version \"extensions/v1beta1\""
        );
        assert_eq!((problems[0].span.line, problems[0].span.col), (1, 13));
        assert_eq!(
            problems[0].help.as_deref(),
            Some("Deployment is served as apps/v1")
        );
        let (_, problems) = read_manifests("apiVersion: apps/v1\nkind: Deploymnet\n");
        assert_eq!(
            problems[0].help.as_deref(),
            Some("did you mean \"Deployment\"?")
        );
    }

    #[test]
    fn every_problem_of_every_document_is_reported() {
        let (docs, p) = read(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containerz: []\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\napiVersion: v1\nkind: Service\nspec:\n  type: Loadbalancer\n",
        );
        assert_eq!(docs.len(), 1);
        assert_eq!(
            p,
            [
                ("spec.containers".into(), "Required value".into(), 4, 1),
                ("spec.containerz".into(), "unknown field \"spec.containerz\"".into(), 5, 3),
                (
                    "spec.type".into(),
                    "Unsupported value: \"Loadbalancer\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"".into(),
                    14,
                    9
                ),
            ]
        );
    }

    fn corpus() -> Option<std::path::PathBuf> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        dir.is_dir().then_some(dir)
    }

    fn yaml_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                yaml_files(&p, out);
            } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                out.push(p);
            }
        }
    }

    #[test]
    fn every_seed_example_loads() {
        let Some(dir) = corpus() else {
            println!("skipped: ../shared/corpus is not here");
            return;
        };
        let mut files = Vec::new();
        yaml_files(&dir.join("seed-examples"), &mut files);
        assert!(!files.is_empty());
        for f in files {
            let src = std::fs::read_to_string(&f).expect("readable");
            let (docs, problems) = read_manifests(&src);
            assert!(problems.is_empty(), "{}: {problems:?}", f.display());
            assert!(!docs.is_empty(), "{}", f.display());
        }
    }

    #[test]
    fn the_real_manifest_corpus_reads_without_panicking() {
        let Some(dir) = corpus() else {
            println!("skipped: ../shared/corpus is not here");
            return;
        };
        let root = dir.join("real-manifests");
        let mut files = Vec::new();
        yaml_files(&root, &mut files);
        let (mut total, mut ok) = (0, 0);
        let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
        let mut details = Vec::new();
        for f in &files {
            let src = std::fs::read_to_string(f).expect("readable");
            total += yaml::parse_stream(&src, &yaml::Limits::default())
                .docs
                .len();
            let (docs, problems) = read_manifests(&src);
            ok += docs.len();
            let rel = f.strip_prefix(&root).unwrap_or(f).display().to_string();
            for p in &problems {
                if p.message.starts_with("no matches for kind") {
                    *reasons.entry(p.message.clone()).or_default() += 1;
                } else {
                    details.push(format!("{rel}:{}:{}: {p}", p.span.line, p.span.col));
                }
            }
        }
        println!(
            "{} files, {total} documents: {ok} loaded, {} rejected",
            files.len(),
            total - ok
        );
        for (r, n) in &reasons {
            println!("{n:>4}  {r}");
        }
        for d in &details {
            println!("      {d}");
        }
        assert!(ok > 300, "{ok}");
    }
}
