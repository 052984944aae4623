//! kube-apiserver's defaulting and validation of the fields kubesim simulates: the last step
//! between a schema-checked manifest ([`Document`]) and the compact object the store keeps
//! ([`NewObject`]).
//!
//! Models, per simulated kind, the `SetDefaults_*` functions of `pkg/apis/core/v1/defaults.go`
//! and `pkg/apis/apps/v1/defaults.go` and the `Validate*` functions of
//! `pkg/apis/core/validation/validation.go` and `pkg/apis/apps/validation/validation.go`
//! (kubernetes/kubernetes, 1.35 line), with apimachinery's field-error wording
//! (`field.Error.ErrorBody`; non-scalar bad values rendered as JSON since 1.34,
//! kubectl-output.md §7.3). Also the objects `kubectl run`, `kubectl create deployment` and
//! `kubectl create namespace` send, built as manifests and put through the same path.
//!
//! Every problem is collected with its span and field path. A [`Problem`]'s `path` is the
//! cause's field and its `message` the cause's body (`Invalid value: -1: must be greater than
//! or equal to 0`), as the API server's `StatusCause` carries them; `Problem`'s `Display`
//! joins them into the line kubectl prints, and [`invalid_message`] renders the whole 422.
//!
//! Simplified, each on purpose:
//! - Only the fields kubesim simulates are validated (volumes, probes, env, security contexts,
//!   affinity, annotations and the like are left to the schema check, except the object
//!   names that ConfigMap and Secret references in `env`, `envFrom` and `volumes` require).
//! - Upstream walks Go maps in random order; causes here follow the manifest's order, and the
//!   order of causes across fields follows the upstream functions only roughly.
//! - A template's resource defaulting (requests default to limits, `SetDefaults_Pod`) is
//!   applied to the template too, since pods made from it share its spec.
//! - Quantities the API server cannot decode are reported as field problems with
//!   apimachinery's parse error, where the API server answers 400 BadRequest instead.
//! - Request-versus-limit comparison is in milli-units (upstream compares exact decimals).
//! - The namespace is not resolved here (the API server does that at commit time).
//! - Not checked: kinds kubesim does not simulate (stored as [`NewObject::Other`] after the
//!   schema check alone), the 1 MiB size limit of ConfigMaps and Secrets, the keys that
//!   typed Secrets (`kubernetes.io/tls`, ...) require, duplicate (port, protocol) pairs and
//!   duplicate nodePorts in a Service. A pod's `priorityClassName` is resolved by the API
//!   server's Priority admission, not here.

mod affinity;
mod cronjob;
mod pdb;
mod priorityclass;

use std::collections::BTreeSet;
use std::fmt::{Display, Write as _};
use std::net::IpAddr;
use std::sync::Arc;

use crate::diag::{Problem, Span};
use crate::manifest::Document;
use crate::manifest::kinds;
use crate::manifest::schema::go_json_number;
use crate::manifest::tree::{Node, Value};
use crate::model::kind::Kind;
use crate::model::labels::{Labels, Selector};
use crate::model::meta::Meta;
use crate::model::object::NewObject;
use crate::model::object::OtherObject;
use crate::model::pod::{
    ConfigKind, ConfigVolume, Container, EnvSource, HostPort, Pod, PodSpec, PodStatus, Probe,
    ProbeHandler, Probes, PullPolicy, Resources, RestartPolicy, TaintEffect, Toleration,
};
use crate::model::quantity::Quantity;
use crate::model::service::{
    ConfigData, DaemonSet, DaemonSetSpec, DaemonSetStatus, DaemonSetStrategy, Namespace, Service,
    ServicePort, ServiceType,
};
use crate::model::serviceaccount::ServiceAccount;
use crate::model::statefulset::{
    PodManagement, StatefulSet, StatefulSetSpec, StatefulSetStatus, StatefulSetStrategy,
};
use crate::model::validation::{
    go_quote, is_dns1123_label, is_dns1123_subdomain, is_valid_label_value, validate_label_name,
    validate_labels, validate_name,
};
use crate::model::workload::{
    Deployment, DeploymentSpec, DeploymentStatus, IntOrPercent, PodTemplate, ReplicaSet,
    ReplicaSetSpec, ReplicaSetStatus, Strategy,
};

/// Turns a schema-checked document into the object a client submits, defaulted and
/// validated as kube-apiserver would; a kind kubesim does not simulate becomes
/// [`NewObject::Other`]. `metadata.namespace` stays unresolved (None), and `uid`,
/// `resourceVersion` and `creationTimestamp` stay at their defaults for the server to set.
/// A document with only `metadata.generateName` yields an empty name; take the prefix from
/// [`generate_name`].
pub fn extract(doc: &Document) -> Result<NewObject, Vec<Problem>> {
    let Some(kind) = doc.info.simulated else {
        return Ok(other(doc));
    };
    let root = &doc.node;
    let mut cx = Cx::default();
    let mut object = match kind {
        Kind::Namespace => NewObject::Namespace(namespace(&mut cx, root)),
        Kind::Pod => NewObject::Pod(pod(&mut cx, root)),
        Kind::Deployment => NewObject::Deployment(deployment(&mut cx, root)),
        Kind::ReplicaSet => NewObject::ReplicaSet(replica_set(&mut cx, root)),
        Kind::ReplicationController => NewObject::ReplicaSet(replication_controller(&mut cx, root)),
        Kind::Service => NewObject::Service(service(&mut cx, root)),
        Kind::ConfigMap => NewObject::ConfigMap(config_map(&mut cx, root)),
        Kind::Secret => NewObject::Secret(secret(&mut cx, root)),
        Kind::DaemonSet => NewObject::DaemonSet(daemon_set(&mut cx, root)),
        Kind::Job => NewObject::Job(job(&mut cx, root)),
        Kind::StatefulSet => NewObject::StatefulSet(stateful_set(&mut cx, root)),
        Kind::CronJob => NewObject::CronJob(cronjob::cron_job(&mut cx, root)),
        Kind::ServiceAccount => NewObject::ServiceAccount(service_account(&mut cx, root)),
        Kind::PodDisruptionBudget => NewObject::PodDisruptionBudget(pdb::pdb(&mut cx, root)),
        Kind::PriorityClass => {
            NewObject::PriorityClass(priorityclass::priority_class(&mut cx, root))
        }
        // Nodes come from AKS and core/v1 Events from the system: a manifest of these kinds
        // is stored, not simulated.
        Kind::Node | Kind::Event => return Ok(other(doc)),
    };
    let annotations = child(child(Some(root), "metadata"), "annotations");
    object.meta_mut().annotations = to_labels(&entries(annotations));
    if cx.problems.is_empty() {
        Ok(object)
    } else {
        for p in &mut cx.problems {
            super::locate::refine(root, p);
        }
        Err(cx.problems)
    }
}

/// `metadata.generateName`, when written: the prefix the API server completes into a name
/// (`Op::Create { generate_name }`); [`extract`] leaves the name empty in that case.
pub fn generate_name(doc: &Document) -> Option<String> {
    let text = text(child(Some(&doc.node), "metadata"), "generateName");
    (!text.is_empty()).then(|| text.to_string())
}

/// The message kubectl prints for a 422 Invalid response (kubectl `checkErr` →
/// `MultilineError`, kubectl-output.md §7.4): one cause on the same line, several as
/// `* ` bullets under a first line that keeps its trailing space; repeated causes once.
/// Returned without the final newline.
pub fn invalid_message(kind: &str, name: &str, problems: &[Problem]) -> String {
    let mut causes: Vec<String> = Vec::new();
    for p in problems {
        let cause = if p.path.is_empty() {
            p.message.clone()
        } else {
            format!("{}: {}", p.path, p.message)
        };
        if !causes.contains(&cause) {
            causes.push(cause);
        }
    }
    let prefix = format!("The {kind} {} is invalid: ", go_quote(name));
    match causes.as_slice() {
        [] => prefix.trim_end_matches([':', ' ']).to_string(),
        [one] => format!("{prefix}{one}"),
        many => {
            let mut out = prefix;
            for c in many {
                out.push_str("\n* ");
                out.push_str(c);
            }
            out
        }
    }
}

/// The Pod `kubectl run NAME --image=IMAGE` creates (kubectl `run` with the `BasicPod`
/// generator, the only one since kubectl 1.18): labels `run=NAME` unless `--labels` is given,
/// one container named after the pod, `--port` as its containerPort, `--restart` as the
/// pod's restartPolicy. `Err` holds what kubectl prints: `error: ...` for what kubectl
/// rejects itself, the 422 text ([`invalid_message`]) for what the API server rejects.
pub fn run_pod(
    name: &str,
    image: &str,
    labels: Option<&str>,
    port: Option<i32>,
    restart: RestartPolicy,
) -> Result<NewObject, String> {
    // kubectl run.go: `--image is required`, then the image must match the distribution
    // ReferenceRegexp or `Invalid image name %q: invalid reference format`.
    if image.is_empty() {
        return Err("error: --image is required".to_string());
    }
    if !is_image_reference(image) {
        return Err(format!(
            "error: Invalid image name {}: invalid reference format",
            go_quote(image)
        ));
    }
    let labels = match labels {
        Some(spec) if !spec.is_empty() => parse_labels(spec).map_err(|e| format!("error: {e}"))?,
        _ => vec![("run".to_string(), name.to_string())],
    };
    let mut container = vec![("name", scalar(name)), ("image", scalar(image))];
    // BasicPod.Generate: ports only when `--port` is above -1 (its default).
    if let Some(p) = port.filter(|p| *p > -1) {
        container.push((
            "ports",
            sequence(vec![mapping(vec![("containerPort", number(p.into()))])]),
        ));
    }
    let restart = match restart {
        RestartPolicy::Always => "Always",
        RestartPolicy::OnFailure => "OnFailure",
        RestartPolicy::Never => "Never",
    };
    let node = mapping(vec![
        ("apiVersion", scalar("v1")),
        ("kind", scalar("Pod")),
        (
            "metadata",
            mapping(vec![
                ("name", scalar(name)),
                ("labels", string_map(&labels)),
            ]),
        ),
        (
            "spec",
            mapping(vec![
                ("containers", sequence(vec![mapping(container)])),
                ("restartPolicy", scalar(restart)),
            ]),
        ),
    ]);
    submit(document("v1", "Pod", node, name), "Pod", name)
}

/// The Deployment `kubectl create deployment NAME --image=IMAGE` creates (kubectl
/// `create_deployment.go`): labels, selector and template labels `app=NAME`, `--replicas`,
/// one container named after the image's last path segment without tag or digest
/// (docs/scenario.md#names), `--port` as its containerPort when not negative. `Err` holds the 422 text.
pub fn create_deployment(
    name: &str,
    image: &str,
    replicas: i32,
    port: Option<i32>,
) -> Result<NewObject, String> {
    let labels = vec![("app".to_string(), name.to_string())];
    let mut container = vec![
        ("name", scalar(&container_name_for(image))),
        ("image", scalar(image)),
    ];
    if let Some(p) = port.filter(|p| *p >= 0) {
        container.push((
            "ports",
            sequence(vec![mapping(vec![("containerPort", number(p.into()))])]),
        ));
    }
    let node = mapping(vec![
        ("apiVersion", scalar("apps/v1")),
        ("kind", scalar("Deployment")),
        (
            "metadata",
            mapping(vec![
                ("name", scalar(name)),
                ("labels", string_map(&labels)),
            ]),
        ),
        (
            "spec",
            mapping(vec![
                ("replicas", number(replicas.into())),
                (
                    "selector",
                    mapping(vec![("matchLabels", string_map(&labels))]),
                ),
                (
                    "template",
                    mapping(vec![
                        ("metadata", mapping(vec![("labels", string_map(&labels))])),
                        (
                            "spec",
                            mapping(vec![("containers", sequence(vec![mapping(container)]))]),
                        ),
                    ]),
                ),
            ]),
        ),
    ]);
    submit(
        document("apps/v1", "Deployment", node, name),
        "Deployment",
        name,
    )
}

/// The Job `kubectl create job NAME --image=IMAGE [-- COMMAND...]` creates (kubectl
/// `create_job.go` `createJob`): one container named NAME with the image and command,
/// restartPolicy Never, no labels. `Err` holds the 422 text.
pub fn create_job(name: &str, image: &str, command: &[String]) -> Result<NewObject, String> {
    let mut container = vec![("name", scalar(name)), ("image", scalar(image))];
    if !command.is_empty() {
        let words = command.iter().map(|w| scalar(w)).collect();
        container.push(("command", sequence(words)));
    }
    let node = mapping(vec![
        ("apiVersion", scalar("batch/v1")),
        ("kind", scalar("Job")),
        ("metadata", mapping(vec![("name", scalar(name))])),
        (
            "spec",
            mapping(vec![(
                "template",
                mapping(vec![(
                    "spec",
                    mapping(vec![
                        ("containers", sequence(vec![mapping(container)])),
                        ("restartPolicy", scalar("Never")),
                    ]),
                )]),
            )]),
        ),
    ]);
    submit(document("batch/v1", "Job", node, name), "Job", name)
}

/// The Namespace `kubectl create namespace NAME` creates. `Err` holds the 422 text
/// (a Namespace name must be a DNS-1123 label).
pub fn create_namespace(name: &str) -> Result<NewObject, String> {
    let node = mapping(vec![
        ("apiVersion", scalar("v1")),
        ("kind", scalar("Namespace")),
        ("metadata", mapping(vec![("name", scalar(name))])),
    ]);
    submit(document("v1", "Namespace", node, name), "Namespace", name)
}

// ---------------------------------------------------------------------------------------
// Problems and field-error bodies (apimachinery pkg/util/validation/field/errors.go).

/// Collects problems while an object is extracted.
#[derive(Default)]
struct Cx {
    problems: Vec<Problem>,
}

impl Cx {
    /// One cause: `body` is `ErrorBody()` (type, value, detail).
    fn err(&mut self, at: Span, path: &str, body: String) {
        self.problems.push(Problem::new(at, path, body));
    }

    /// One cause given as a whole `path: body` line, as `crate::model::validation` and
    /// `Selector::from_label_selector` return them.
    fn line(&mut self, at: Span, line: &str) {
        let (path, body) = line.split_once(": ").unwrap_or(("", line));
        self.problems.push(Problem::new(at, path, body));
    }
}

/// `validation.IsNegativeErrorMsg` (apimachinery), used by `ValidateNonnegativeField`.
const IS_NEGATIVE: &str = "must be greater than or equal to 0";

/// `validation.InclusiveRangeError(1, 65535)`, used by `IsValidPortNum`.
const PORT_RANGE: &str = "must be between 1 and 65535, inclusive";

fn with_detail(head: String, detail: &str) -> String {
    if detail.is_empty() {
        head
    } else {
        format!("{head}: {detail}")
    }
}

/// `field.Invalid`: `value` is already rendered (`%v` for numbers, `%q` for strings, JSON
/// for everything else).
fn invalid(value: impl Display, detail: &str) -> String {
    with_detail(format!("Invalid value: {value}"), detail)
}

/// `field.Required`.
fn required(detail: &str) -> String {
    with_detail("Required value".to_string(), detail)
}

/// `field.Forbidden`.
fn forbidden(detail: &str) -> String {
    with_detail("Forbidden".to_string(), detail)
}

/// `field.Duplicate` of a string value.
fn duplicate(value: &str) -> String {
    format!("Duplicate value: {}", go_quote(value))
}

/// `field.NotSupported` of a string value.
fn unsupported(value: &str, supported: &[&str]) -> String {
    let quoted: Vec<String> = supported.iter().map(|v| go_quote(v)).collect();
    format!(
        "Unsupported value: {}: supported values: {}",
        go_quote(value),
        quoted.join(", ")
    )
}

/// `ValidateNonnegativeField`.
fn nonnegative(cx: &mut Cx, at: Span, path: &str, value: i64) {
    if value < 0 {
        cx.err(at, path, invalid(value, IS_NEGATIVE));
    }
}

/// `RegexError` (apimachinery pkg/util/validation): note upstream's `', ` before ` or `.
fn regex_error(msg: &str, fmt: &str, examples: &[&str]) -> String {
    let mut out = format!("{msg} (e.g. ");
    for (i, e) in examples.iter().enumerate() {
        if i > 0 {
            out.push_str(" or ");
        }
        let _ = write!(out, "'{e}', ");
    }
    let _ = write!(out, "regex used for validation is '{fmt}')");
    out
}

/// `IsValidPortName` (apimachinery pkg/util/validation/validation.go).
fn is_valid_port_name(port: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if port.len() > 15 {
        errs.push("must be no more than 15 characters".to_string());
    }
    if port.is_empty()
        || !port
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        errs.push(
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".to_string(),
        );
    }
    if !port.bytes().any(|b| b.is_ascii_lowercase()) {
        errs.push("must contain at least one letter (a-z)".to_string());
    }
    if port.contains("--") {
        errs.push("must not contain consecutive hyphens".to_string());
    }
    if port.starts_with('-') || port.ends_with('-') {
        errs.push("must not begin or end with a hyphen".to_string());
    }
    errs
}

/// `IsConfigMapKey` (apimachinery pkg/util/validation/validation.go): the key rule of
/// ConfigMap and Secret data.
fn is_config_map_key(key: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if key.len() > 253 {
        errs.push("must be no more than 253 characters".to_string());
    }
    if key.is_empty()
        || !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
    {
        errs.push(regex_error(
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
            "[-._a-zA-Z0-9]+",
            &["key.name", "KEY_NAME", "key-name"],
        ));
    }
    // hasChDirPrefix
    if key == "." {
        errs.push("must not be '.'".to_string());
    } else if key == ".." {
        errs.push("must not be '..'".to_string());
    } else if key.starts_with("..") {
        errs.push("must not start with '..'".to_string());
    }
    errs
}

/// `IsValidPercent` (apimachinery pkg/util/validation/validation.go).
fn is_valid_percent(s: &str) -> Vec<String> {
    let digits = s.strip_suffix('%').unwrap_or("");
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        Vec::new()
    } else {
        vec![regex_error(
            "a valid percent string must be a numeric string followed by an ending '%'",
            "[0-9]+%",
            &["1%", "93%"],
        )]
    }
}

/// Go `encoding/json`'s string encoding (HTML-safe, as `json.Marshal` writes it).
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A `map[string]string` as `json.Marshal` writes it (keys sorted; `Labels` already is).
fn json_labels(labels: &Labels) -> String {
    let items: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{}:{}", json_string(k), json_string(v)))
        .collect();
    format!("{{{}}}", items.join(","))
}

// ---------------------------------------------------------------------------------------
// Reading the spanned tree. The schema check has already rejected wrong types, so these
// only need to be total, not to report.

/// A field of a mapping; an explicit `null` counts as absent, as Go's decoder leaves the
/// zero value.
fn child<'a>(n: Option<&'a Node>, key: &str) -> Option<&'a Node> {
    n?.get(key).filter(|v| !matches!(v.value, Value::Null))
}

/// A string field, `""` when absent.
fn text<'a>(n: Option<&'a Node>, key: &str) -> &'a str {
    child(n, key).and_then(Node::as_str).unwrap_or("")
}

/// An integer (a YAML float with an integral value is an integer to the API server).
fn int_of(n: &Node) -> Option<i64> {
    match n.value {
        Value::Int(i) => Some(i),
        Value::Float(_) => go_json_number(n).parse().ok(),
        _ => None,
    }
}

/// An integer field with its span.
fn int_at(n: Option<&Node>, key: &str) -> Option<(i64, Span)> {
    let v = child(n, key)?;
    int_of(v).map(|i| (i, v.span))
}

/// An int32 field, saturated (the schema check already rejected values that do not fit).
fn int32(v: i64) -> i32 {
    i32::try_from(v).unwrap_or(if v < 0 { i32::MIN } else { i32::MAX })
}

fn bool_at(n: Option<&Node>, key: &str) -> bool {
    matches!(child(n, key).map(|v| &v.value), Some(Value::Bool(true)))
}

fn items(n: Option<&Node>) -> &[Node] {
    n.and_then(Node::as_seq).unwrap_or(&[])
}

fn span_or(n: Option<&Node>, fallback: Span) -> Span {
    n.map_or(fallback, |n| n.span)
}

/// A `map[string]string` as (key, value, key span), in the manifest's order.
fn entries(n: Option<&Node>) -> Vec<(String, String, Span)> {
    n.and_then(Node::as_map)
        .unwrap_or(&[])
        .iter()
        .filter_map(|(k, v)| {
            let key = k.as_str()?.to_string();
            let value = match v.value {
                Value::Null => String::new(),
                _ => v.as_str()?.to_string(),
            };
            Some((key, value, k.span))
        })
        .collect()
}

fn to_labels(pairs: &[(String, String, Span)]) -> Labels {
    Labels::from_pairs(pairs.iter().map(|(k, v, _)| (k.clone(), v.clone())))
}

/// `ValidateLabels` (apimachinery pkg/apis/meta/v1/validation), pointing at each key.
fn check_labels(cx: &mut Cx, pairs: &[(String, String, Span)], path: &str) {
    for (k, v, at) in pairs {
        for line in validate_labels(&[(k.clone(), v.clone())], path) {
            cx.line(*at, &line);
        }
    }
}

fn labels_at(cx: &mut Cx, n: Option<&Node>, path: &str) -> Labels {
    let pairs = entries(n);
    check_labels(cx, &pairs, path);
    to_labels(&pairs)
}

// ---------------------------------------------------------------------------------------
// metadata: ValidateObjectMeta (k8s.io/apimachinery pkg/api/validation/objectmeta.go).

/// `maskTrailingDash` (apimachinery pkg/api/validation/generic.go): a generateName prefix
/// may end in `-`; upstream replaces its last two bytes with `a` before the name check.
fn mask_trailing_dash(name: &str) -> String {
    if name.len() > 1 && name.ends_with('-') {
        match name.get(..name.len() - 2) {
            Some(head) => format!("{head}a"),
            None => format!("{}a", name.trim_end_matches('-')),
        }
    } else {
        name.to_string()
    }
}

/// `metadata.name` (or `generateName`) checked with the kind's name rule, and
/// `metadata.labels`. Returns the name (empty with only generateName) and the labels.
fn object_meta(cx: &mut Cx, root: &Node, kind: Kind) -> (String, Labels) {
    let meta = child(Some(root), "metadata");
    let at = span_or(meta, root.span);
    let generate = text(meta, "generateName");
    if !generate.is_empty() {
        let gen_at = span_or(child(meta, "generateName"), at);
        for msg in validate_name(kind, &mask_trailing_dash(generate)) {
            cx.err(
                gen_at,
                "metadata.generateName",
                invalid(go_quote(generate), &msg),
            );
        }
    }
    let name = text(meta, "name");
    if name.is_empty() {
        if generate.is_empty() {
            cx.err(
                at,
                "metadata.name",
                required("name or generateName is required"),
            );
        }
    } else {
        let name_at = span_or(child(meta, "name"), at);
        for msg in validate_name(kind, name) {
            cx.err(name_at, "metadata.name", invalid(go_quote(name), &msg));
        }
    }
    let labels = labels_at(cx, child(meta, "labels"), "metadata.labels");
    (name.to_string(), labels)
}

fn other(doc: &Document) -> NewObject {
    let meta = child(Some(&doc.node), "metadata");
    let labels = to_labels(&entries(child(meta, "labels")));
    NewObject::Other(OtherObject {
        api_version: doc.info.api_version(),
        kind: doc.info.kind.to_string(),
        meta: Meta::new(text(meta, "name").to_string(), None, labels),
    })
}

// ---------------------------------------------------------------------------------------
// Pods and pod specs: SetDefaults_PodSpec / SetDefaults_Container / SetDefaults_Pod
// (core/v1/defaults.go) and ValidatePodSpec / validateContainers / validateContainerPorts /
// ValidateResourceRequirements / ValidateTolerations (core/validation/validation.go).

fn pod(cx: &mut Cx, root: &Node) -> Pod {
    let (name, labels) = object_meta(cx, root, Kind::Pod);
    let spec = pod_spec(cx, child(Some(root), "spec"), root.span, "spec");
    Pod {
        meta: Meta::new(name, None, labels),
        spec: Arc::new(spec),
        node: None,
        status: PodStatus::default(),
    }
}

fn pod_spec(cx: &mut Cx, spec: Option<&Node>, at: Span, path: &str) -> PodSpec {
    let at = span_or(spec, at);
    // validateContainers: `containers` must be non-empty; names are unique across regular
    // and init containers (validateInitContainers reports the clash on the init side).
    let mut names = BTreeSet::new();
    let containers_node = child(spec, "containers");
    let list = items(containers_node);
    if list.is_empty() {
        cx.err(
            span_or(containers_node, at),
            &format!("{path}.containers"),
            required(""),
        );
    }
    let containers: Vec<Container> = list
        .iter()
        .enumerate()
        .map(|(i, c)| container(cx, c, &format!("{path}.containers[{i}]"), &mut names))
        .collect();
    let init: Vec<Container> = items(child(spec, "initContainers"))
        .iter()
        .enumerate()
        .map(|(i, c)| container(cx, c, &format!("{path}.initContainers[{i}]"), &mut names))
        .collect();
    // SetDefaults_PodSpec: restartPolicy Always; validateRestartPolicy.
    let restart_node = child(spec, "restartPolicy");
    let restart_policy = match text(spec, "restartPolicy") {
        "" | "Always" => RestartPolicy::Always,
        "OnFailure" => RestartPolicy::OnFailure,
        "Never" => RestartPolicy::Never,
        other => {
            cx.err(
                span_or(restart_node, at),
                &format!("{path}.restartPolicy"),
                unsupported(other, &["Always", "OnFailure", "Never"]),
            );
            RestartPolicy::Always
        }
    };
    let node_selector = labels_at(
        cx,
        child(spec, "nodeSelector"),
        &format!("{path}.nodeSelector"),
    );
    // ValidatePodSpec: nodeName passes ValidateNodeName (NameIsDNSSubdomain).
    let node_name = subdomain_at(cx, spec, at, path, "nodeName");
    let tolerations = tolerations(
        cx,
        child(spec, "tolerations"),
        &format!("{path}.tolerations"),
    );
    // SetDefaults_PodSpec: terminationGracePeriodSeconds 30 (facts B.9). A negative value
    // is stored as 1, as the pod registry does for backward compatibility (not re-read
    // upstream; see the report).
    let termination_grace_seconds = match int_at(spec, "terminationGracePeriodSeconds") {
        None => 30,
        Some((v, _)) if v < 0 => 1,
        Some((v, _)) => v,
    };
    // SetDefaults_PodSpec: schedulerName "default-scheduler"; ValidatePodSpec checks a
    // written one with ValidateDNS1123Subdomain.
    let scheduler = subdomain_at(cx, spec, at, path, "schedulerName");
    // ValidatePodSpec: ValidateServiceAccountName is a DNS-1123 subdomain too.
    subdomain_at(cx, spec, at, path, "serviceAccountName");
    let host_network = bool_at(spec, "hostNetwork");
    let mut containers = containers;
    if host_network {
        // SetDefaults_Pod: a hostNetwork pod's ports bind the node: hostPort = containerPort.
        for c in &mut containers {
            for (port, protocol) in &c.ports {
                if !c
                    .host_ports
                    .iter()
                    .any(|h| h.port == *port && h.protocol == *protocol)
                {
                    c.host_ports.push(HostPort {
                        ip: String::new(),
                        protocol: protocol.clone(),
                        port: *port,
                    });
                }
            }
        }
    }
    PodSpec {
        containers,
        init_containers: init,
        restart_policy,
        node_selector,
        tolerations,
        host_network,
        termination_grace_seconds,
        node_name: (!node_name.is_empty()).then(|| node_name.to_string()),
        // The Priority admission plugin resolves priorityClassName into these.
        priority: 0,
        priority_class_name: Some(text(spec, "priorityClassName"))
            .filter(|n| !n.is_empty())
            .map(str::to_string),
        preemption_policy: Default::default(),
        scheduler_name: if scheduler.is_empty() {
            "default-scheduler".to_string()
        } else {
            scheduler.to_string()
        },
        // The DaemonSet controller's node-name term; manifests' affinity is `affinity`.
        required_node_name: None,
        config_volumes: config_volumes(cx, spec, path),
        claims: claims(cx, spec, path),
        // `serviceAccount` is the deprecated alias the API server copies across.
        service_account_name: ["serviceAccountName", "serviceAccount"]
            .into_iter()
            .map(|k| text(spec, k))
            .find(|n| !n.is_empty())
            .map(str::to_string),
        affinity: affinity::affinity(cx, spec, path),
        topology_spread: affinity::topology_spread(cx, spec, path),
    }
}

/// The string at `spec.<key>`, reported Invalid unless empty or a DNS-1123 subdomain.
fn subdomain_at<'a>(
    cx: &mut Cx,
    spec: Option<&'a Node>,
    at: Span,
    path: &str,
    key: &str,
) -> &'a str {
    let value = text(spec, key);
    if !value.is_empty() {
        for msg in is_dns1123_subdomain(value) {
            cx.err(
                span_or(child(spec, key), at),
                &format!("{path}.{key}"),
                invalid(go_quote(value), &msg),
            );
        }
    }
    value
}

/// One container: validateContainerCommon (name, image, ports, pull policy), the duplicate
/// name check of validateContainers, and its resources.
fn container(cx: &mut Cx, c: &Node, path: &str, names: &mut BTreeSet<String>) -> Container {
    let node = Some(c);
    let name = text(node, "name");
    let name_at = span_or(child(node, "name"), c.span);
    if name.is_empty() {
        cx.err(name_at, &format!("{path}.name"), required(""));
    } else {
        for msg in is_dns1123_label(name) {
            cx.err(
                name_at,
                &format!("{path}.name"),
                invalid(go_quote(name), &msg),
            );
        }
    }
    if !names.insert(name.to_string()) {
        cx.err(name_at, &format!("{path}.name"), duplicate(name));
    }
    let image = text(node, "image");
    if image.is_empty() {
        cx.err(
            span_or(child(node, "image"), c.span),
            &format!("{path}.image"),
            required(""),
        );
    }
    let ports = container_ports(cx, child(node, "ports"), &format!("{path}.ports"));
    let host_ports = items(child(node, "ports"))
        .iter()
        .filter_map(|p| {
            let (port, _) = int_at(Some(p), "hostPort").filter(|(h, _)| *h > 0)?;
            Some(HostPort {
                ip: text(Some(p), "hostIP").to_string(),
                protocol: match text(Some(p), "protocol") {
                    "" => "TCP".to_string(),
                    other => other.to_string(),
                },
                port: int32(port),
            })
        })
        .collect();
    let (requests, limits) = resources(cx, child(node, "resources"), &format!("{path}.resources"));
    // SetDefaults_Container (facts B.10); the enum itself is checked by the schema.
    let pull_policy = match text(node, "imagePullPolicy") {
        "Always" => PullPolicy::Always,
        "IfNotPresent" => PullPolicy::IfNotPresent,
        "Never" => PullPolicy::Never,
        _ => PullPolicy::default_for(image),
    };
    Container {
        name: name.to_string(),
        image: image.to_string(),
        pull_policy,
        ports,
        host_ports,
        requests,
        limits,
        command: strings(child(node, "command")),
        args: strings(child(node, "args")),
        probes: Probes {
            readiness: probe(
                cx,
                child(node, "readinessProbe"),
                &format!("{path}.readinessProbe"),
                false,
            ),
            liveness: probe(
                cx,
                child(node, "livenessProbe"),
                &format!("{path}.livenessProbe"),
                true,
            ),
            startup: probe(
                cx,
                child(node, "startupProbe"),
                &format!("{path}.startupProbe"),
                true,
            ),
        },
        pre_stop_us: pre_stop(child(child(node, "lifecycle"), "preStop")),
        env_sources: env_sources(cx, node, path),
    }
}

/// The ConfigMaps and Secrets a container's environment reads: `envFrom[]` first, then
/// `env[].valueFrom`, the order of `makeEnvironmentVariables` (pkg/kubelet/kubelet_pods.go).
/// `validateEnvFrom` / `validateConfigMapKeySelector` / `validateSecretKeySelector`
/// (core/validation/validation.go) require the names and keys.
fn env_sources(cx: &mut Cx, c: Option<&Node>, path: &str) -> Vec<EnvSource> {
    let mut out = Vec::new();
    for (i, e) in items(child(c, "envFrom")).iter().enumerate() {
        for (field, kind) in [
            ("configMapRef", ConfigKind::ConfigMap),
            ("secretRef", ConfigKind::Secret),
        ] {
            if let Some(r) = child(Some(e), field) {
                let at = format!("{path}.envFrom[{i}].{field}");
                let name = required_name(cx, r, "name", &at);
                out.push(EnvSource {
                    kind,
                    name,
                    key: None,
                    optional: bool_at(Some(r), "optional"),
                });
            }
        }
    }
    for (i, e) in items(child(c, "env")).iter().enumerate() {
        let from = child(Some(e), "valueFrom");
        for (field, kind) in [
            ("configMapKeyRef", ConfigKind::ConfigMap),
            ("secretKeyRef", ConfigKind::Secret),
        ] {
            if let Some(r) = child(from, field) {
                let at = format!("{path}.env[{i}].valueFrom.{field}");
                let name = required_name(cx, r, "name", &at);
                // The schema already requires `key`.
                let key = text(Some(r), "key").to_string();
                out.push(EnvSource {
                    kind,
                    name,
                    key: Some(key),
                    optional: bool_at(Some(r), "optional"),
                });
            }
        }
    }
    out
}

/// A required string field of a reference (`name`, `key`, `secretName`).
fn required_name(cx: &mut Cx, r: &Node, field: &str, path: &str) -> String {
    let v = text(Some(r), field);
    if v.is_empty() {
        cx.err(
            span_or(child(Some(r), field), r.span),
            &format!("{path}.{field}"),
            required(""),
        );
    }
    v.to_string()
}

/// `volumes[]` backed by a ConfigMap (`configMap.name`) or a Secret (`secret.secretName`);
/// other volume types are left to the schema check.
fn config_volumes(cx: &mut Cx, spec: Option<&Node>, path: &str) -> Vec<ConfigVolume> {
    let mut out = Vec::new();
    for (i, v) in items(child(spec, "volumes")).iter().enumerate() {
        let volume = text(Some(v), "name").to_string();
        for (field, name_field, kind) in [
            ("configMap", "name", ConfigKind::ConfigMap),
            ("secret", "secretName", ConfigKind::Secret),
        ] {
            if let Some(r) = child(Some(v), field) {
                let at = format!("{path}.volumes[{i}].{field}");
                out.push(ConfigVolume {
                    volume: volume.clone(),
                    kind,
                    name: required_name(cx, r, name_field, &at),
                    optional: bool_at(Some(r), "optional"),
                });
            }
        }
    }
    out
}

/// `volumes[].persistentVolumeClaim.claimName` (required), in volume order.
fn claims(cx: &mut Cx, spec: Option<&Node>, path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, v) in items(child(spec, "volumes")).iter().enumerate() {
        if let Some(r) = child(Some(v), "persistentVolumeClaim") {
            let at = format!("{path}.volumes[{i}].persistentVolumeClaim");
            out.push(required_name(cx, r, "claimName", &at));
        }
    }
    out
}

/// How long a `preStop` handler runs: `sleep.seconds`, an `exec` command kubesim can read
/// (`sleep 5`, `sh -c "sleep 5"`), otherwise nothing measurable (`httpGet` answers at once).
fn pre_stop(h: Option<&Node>) -> Option<u64> {
    let h = h?;
    if let Some((secs, _)) = int_at(child(Some(h), "sleep"), "seconds") {
        return Some(u64::try_from(secs).unwrap_or(0) * 1_000_000);
    }
    let command = strings(child(child(Some(h), "exec"), "command"));
    let words: Vec<&str> = command.iter().map(String::as_str).collect();
    let run = crate::kubelet::process::command_line(&words).map_or(0, |(d, _)| d.as_micros());
    Some(run)
}

/// A list of strings (`command`, `args`); the schema has checked the types.
fn strings(n: Option<&Node>) -> Vec<String> {
    items(n)
        .iter()
        .map(|i| i.as_str().map_or_else(|| i.raw.clone(), str::to_string))
        .collect()
}

/// A probe's timing with `SetDefaults_Probe`'s defaults, checked as `validateProbe`
/// (core/validation/validation.go) does: counts and periods at least 1, delays at least 0,
/// and `successThreshold` 1 for liveness and startup probes (`validateLivenessProbe`,
/// `validateStartupProbe`).
fn probe(cx: &mut Cx, n: Option<&Node>, path: &str, single_success: bool) -> Option<Probe> {
    let n = n?;
    let node = Some(n);
    let d = Probe::default();
    let read = |cx: &mut Cx, key: &str, default: u32, min: i64| -> u32 {
        match int_at(node, key) {
            None => default,
            Some((v, at)) if v < min => {
                let msg = if min == 0 {
                    "must be greater than or equal to 0".to_string()
                } else {
                    "must be greater than or equal to 1".to_string()
                };
                cx.err(at, &format!("{path}.{key}"), invalid(v, &msg));
                default
            }
            Some((v, _)) => u32::try_from(v).unwrap_or(u32::MAX),
        }
    };
    let p = Probe {
        initial_delay_s: read(cx, "initialDelaySeconds", d.initial_delay_s, 0),
        period_s: read(cx, "periodSeconds", d.period_s, 1),
        timeout_s: read(cx, "timeoutSeconds", d.timeout_s, 1),
        failure_threshold: read(cx, "failureThreshold", d.failure_threshold, 1),
        success_threshold: read(cx, "successThreshold", d.success_threshold, 1),
        handler: if child(node, "exec").is_some() {
            ProbeHandler::Exec
        } else if let Some(t) = child(node, "tcpSocket") {
            ProbeHandler::TcpSocket(int_at(Some(t), "port").map(|(p, _)| int32(p)))
        } else if child(node, "grpc").is_some() {
            ProbeHandler::Grpc
        } else {
            ProbeHandler::HttpGet
        },
    };
    if single_success
        && p.success_threshold != 1
        && let Some((_, at)) = int_at(node, "successThreshold")
    {
        cx.err(
            at,
            &format!("{path}.successThreshold"),
            invalid(p.success_threshold, "must be 1"),
        );
    }
    Some(p)
}

/// validateContainerPorts; `protocol` defaults to TCP (SetDefaults_ContainerPort).
fn container_ports(cx: &mut Cx, list: Option<&Node>, path: &str) -> Vec<(i32, String)> {
    let mut names = BTreeSet::new();
    let mut out = Vec::new();
    for (i, p) in items(list).iter().enumerate() {
        let pp = format!("{path}[{i}]");
        let node = Some(p);
        let name = text(node, "name");
        if !name.is_empty() {
            let name_at = span_or(child(node, "name"), p.span);
            let msgs = is_valid_port_name(name);
            if !msgs.is_empty() {
                for m in msgs {
                    cx.err(name_at, &format!("{pp}.name"), invalid(go_quote(name), &m));
                }
            } else if !names.insert(name.to_string()) {
                cx.err(name_at, &format!("{pp}.name"), duplicate(name));
            }
        }
        let port = match int_at(node, "containerPort") {
            None | Some((0, _)) => {
                cx.err(
                    span_or(child(node, "containerPort"), p.span),
                    &format!("{pp}.containerPort"),
                    required(""),
                );
                0
            }
            Some((n, at)) => {
                if !(1..=65535).contains(&n) {
                    cx.err(at, &format!("{pp}.containerPort"), invalid(n, PORT_RANGE));
                }
                n
            }
        };
        if let Some((h, at)) = int_at(node, "hostPort").filter(|(h, _)| *h != 0)
            && !(1..=65535).contains(&h)
        {
            cx.err(at, &format!("{pp}.hostPort"), invalid(h, PORT_RANGE));
        }
        let protocol = match text(node, "protocol") {
            "" => "TCP",
            p => p,
        };
        out.push((int32(port), protocol.to_string()));
    }
    out
}

/// `resources`: each quantity parsed and non-negative (ValidateResourceQuantityValue),
/// requests at most limits (ValidateContainerResourceRequirements, reported at
/// `resources.requests` as upstream does), then requests defaulted to limits
/// (SetDefaults_Pod). Returns (requests, limits) for cpu and memory.
fn resources(cx: &mut Cx, r: Option<&Node>, path: &str) -> (Resources, Resources) {
    let limits = quantities(cx, child(r, "limits"), &format!("{path}.limits"));
    let mut requests = quantities(cx, child(r, "requests"), &format!("{path}.requests"));
    for (name, request, at) in &requests {
        if let Some((_, limit, _)) = limits.iter().find(|(n, _, _)| n == name)
            && request.milli_value() > limit.milli_value()
        {
            cx.err(
                *at,
                &format!("{path}.requests"),
                invalid(
                    go_quote(&request.to_string()),
                    &format!("must be less than or equal to {name} limit of {limit}"),
                ),
            );
        }
    }
    for (name, limit, at) in &limits {
        if !requests.iter().any(|(n, _, _)| n == name) {
            requests.push((name.clone(), limit.clone(), *at));
        }
    }
    (sum_resources(&requests), sum_resources(&limits))
}

fn quantities(cx: &mut Cx, list: Option<&Node>, path: &str) -> Vec<(String, Quantity, Span)> {
    let mut out = Vec::new();
    for (k, v) in list.and_then(Node::as_map).unwrap_or(&[]) {
        let Some(name) = k.as_str() else { continue };
        let text = match v.value {
            Value::Int(_) | Value::Float(_) => go_json_number(v),
            _ => v.as_str().unwrap_or_default().to_string(),
        };
        let field = format!("{path}[{name}]");
        match Quantity::parse(&text) {
            Err(e) => {
                let p = Problem::new(v.span, field.as_str(), e.to_string());
                cx.problems.push(match quantity_hint(&text) {
                    Some(h) => p.with_help(h),
                    None => p,
                });
            }
            Ok(q) => {
                if q.milli_value() < 0 {
                    cx.err(
                        v.span,
                        &field,
                        invalid(go_quote(&q.to_string()), IS_NEGATIVE),
                    );
                }
                out.push((name.to_string(), q, v.span));
            }
        }
    }
    out
}

/// The quantity a person most likely meant by `text`, as a `did you mean` help: `1GB` is
/// `1G` (10^9) or `1Gi` (2^30) in Kubernetes' suffixes (apimachinery `resource/suffix.go`),
/// `2 cores` is `2`, `500 millicores` is `500m`, and no quantity has spaces.
pub fn quantity_hint(text: &str) -> Option<String> {
    let text = text.trim();
    let number_len = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(number_len);
    let unit = unit.trim();
    if number.is_empty() {
        return None;
    }
    let lower = unit.to_ascii_lowercase();
    let candidates: Vec<String> = match lower.as_str() {
        "core" | "cores" | "cpu" | "cpus" | "vcpu" | "vcpus" => vec![number.to_string()],
        "millicore" | "millicores" | "millicpu" | "millicpus" => vec![format!("{number}m")],
        _ => {
            // Byte units: `GB`, `gb`, `GiB`, `Mb` → the decimal and the binary suffix.
            let prefix = lower.strip_suffix("ib").or_else(|| lower.strip_suffix('b'));
            match prefix {
                Some("k") => vec![format!("{number}k"), format!("{number}Ki")],
                Some(p @ ("m" | "g" | "t" | "p" | "e")) => {
                    let si = p.to_ascii_uppercase();
                    vec![format!("{number}{si}"), format!("{number}{si}i")]
                }
                // `2 Gi`, `500 m`: the same without the space.
                _ => vec![format!("{number}{unit}")],
            }
        }
    };
    let valid: Vec<String> = candidates
        .into_iter()
        .filter(|c| c != text && Quantity::parse(c).is_ok())
        .collect();
    match valid.as_slice() {
        [one] => Some(format!("did you mean {one:?}?")),
        [decimal, binary] => Some(format!(
            "did you mean {decimal:?} (powers of 1000) or {binary:?} (powers of 1024)?"
        )),
        _ => None,
    }
}

fn sum_resources(list: &[(String, Quantity, Span)]) -> Resources {
    let mut r = Resources::default();
    for (name, q, _) in list {
        match name.as_str() {
            "cpu" => r.cpu_milli = q.milli_value(),
            "memory" => r.memory = q.value(),
            _ => {}
        }
    }
    r
}

/// ValidateTolerations; an empty operator means Equal.
fn tolerations(cx: &mut Cx, list: Option<&Node>, path: &str) -> Vec<Toleration> {
    let mut out = Vec::new();
    for (i, t) in items(list).iter().enumerate() {
        let tp = format!("{path}[{i}]");
        let node = Some(t);
        let key = text(node, "key");
        let operator = text(node, "operator");
        let value = text(node, "value");
        let effect = text(node, "effect");
        let seconds = int_at(node, "tolerationSeconds").map(|(s, _)| s);
        let op_at = span_or(child(node, "operator"), t.span);
        if !key.is_empty() {
            for line in validate_label_name(key, &format!("{tp}.key")) {
                cx.line(span_or(child(node, "key"), t.span), &line);
            }
        }
        if key.is_empty() && operator != "Exists" {
            cx.err(
                op_at,
                &format!("{tp}.operator"),
                invalid(
                    go_quote(operator),
                    "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
                ),
            );
        }
        if seconds.is_some() && effect != "NoExecute" {
            cx.err(
                span_or(child(node, "effect"), t.span),
                &format!("{tp}.effect"),
                invalid(
                    go_quote(effect),
                    "effect must be 'NoExecute' when `tolerationSeconds` is set",
                ),
            );
        }
        match operator {
            "" | "Equal" => {
                let errs = is_valid_label_value(value);
                if !errs.is_empty() {
                    cx.err(
                        op_at,
                        &format!("{tp}.operator"),
                        invalid(go_quote(value), &errs.join(";")),
                    );
                }
            }
            "Exists" => {
                if !value.is_empty() {
                    // The bad value is the internal core.Toleration, which has no JSON tags.
                    let json = format!(
                        "{{\"Key\":{},\"Operator\":{},\"Value\":{},\"Effect\":{},\"TolerationSeconds\":{}}}",
                        json_string(key),
                        json_string(operator),
                        json_string(value),
                        json_string(effect),
                        seconds.map_or("null".to_string(), |s| s.to_string())
                    );
                    cx.err(
                        op_at,
                        &format!("{tp}.operator"),
                        invalid(json, "value must be empty when `operator` is 'Exists'"),
                    );
                }
            }
            other => cx.err(
                op_at,
                &format!("{tp}.operator"),
                unsupported(other, &["Equal", "Exists"]),
            ),
        }
        let parsed_effect = if effect.is_empty() {
            None
        } else {
            let parsed = TaintEffect::parse(effect);
            if parsed.is_none() {
                cx.err(
                    span_or(child(node, "effect"), t.span),
                    &format!("{tp}.effect"),
                    unsupported(effect, &["NoSchedule", "PreferNoSchedule", "NoExecute"]),
                );
            }
            parsed
        };
        out.push(Toleration {
            key: key.to_string(),
            exists: operator == "Exists",
            value: value.to_string(),
            effect: parsed_effect,
            seconds,
        });
    }
    out
}

// ---------------------------------------------------------------------------------------
// Workloads: SetDefaults_Deployment / SetDefaults_ReplicaSet (apps/v1/defaults.go),
// SetDefaults_ReplicationController (core/v1/defaults.go), ValidateDeploymentSpec /
// ValidateReplicaSetSpec / ValidatePodTemplateSpecForReplicaSet / ValidateDeploymentStrategy
// / ValidateRollingUpdateDeployment (apps/validation/validation.go) and
// ValidateReplicationControllerSpec / ValidatePodTemplateSpecForRC (core validation).

/// A `matchExpressions` item as `Selector::from_label_selector` takes it.
type Expression = (String, String, Vec<String>);

/// A `matchExpressions` item's key, operator and values as written.
fn expression(e: &Node) -> Expression {
    let values = items(child(Some(e), "values"))
        .iter()
        .filter_map(Node::as_str)
        .map(str::to_string)
        .collect();
    (
        text(Some(e), "key").to_string(),
        text(Some(e), "operator").to_string(),
        values,
    )
}

/// `spec.selector` of a Deployment or ReplicaSet. Returns the selector when
/// `LabelSelectorAsSelector` would succeed, so that the template is checked against it;
/// None when it is missing or invalid (upstream then skips the template entirely).
fn label_selector(cx: &mut Cx, spec: Option<&Node>, at: Span) -> Option<Selector> {
    // ValidateDeploymentSpec and ValidateReplicaSetSpec both say "for deployment".
    label_selector_for(cx, spec, at, "deployment")
}

/// `spec.selector` checked as the workload validation for `what` does.
fn label_selector_for(cx: &mut Cx, spec: Option<&Node>, at: Span, what: &str) -> Option<Selector> {
    const PATH: &str = "spec.selector";
    let Some(sel) = child(spec, "selector") else {
        cx.err(at, PATH, required(""));
        return None;
    };
    let (match_labels, expressions) = selector_parts(sel);
    let json = selector_json(&match_labels, &expressions);
    let result = checked_selector(cx, sel, PATH, &match_labels, &expressions);
    if match_labels.is_empty() && expressions.is_empty() {
        cx.err(
            sel.span,
            PATH,
            invalid(&json, &format!("empty selector is invalid for {what}")),
        );
    }
    match result {
        Ok(selector) => Some(selector),
        Err(_) => {
            cx.err(sel.span, PATH, invalid(&json, "invalid label selector"));
            None
        }
    }
}

/// A selector's `matchLabels` and `matchExpressions` as written.
fn selector_parts(sel: &Node) -> (Vec<(String, String, Span)>, Vec<Expression>) {
    let match_labels = entries(child(Some(sel), "matchLabels"));
    let expressions: Vec<Expression> = items(child(Some(sel), "matchExpressions"))
        .iter()
        .map(expression)
        .collect();
    (match_labels, expressions)
}

/// `ValidateLabelSelector` at `path`, each error a line under the selector.
fn checked_selector(
    cx: &mut Cx,
    sel: &Node,
    path: &str,
    match_labels: &[(String, String, Span)],
    expressions: &[Expression],
) -> Result<Selector, Vec<String>> {
    let pairs: Vec<(String, String)> = match_labels
        .iter()
        .map(|(k, v, _)| (k.clone(), v.clone()))
        .collect();
    let result = Selector::from_label_selector(&pairs, expressions);
    if let Err(lines) = &result {
        for line in lines {
            cx.line(sel.span, &format!("{path}.{line}"));
        }
    }
    result
}

/// A `metav1.LabelSelector` as `json.Marshal` writes it (empty fields omitted).
fn selector_json(match_labels: &[(String, String, Span)], expressions: &[Expression]) -> String {
    let mut fields = Vec::new();
    if !match_labels.is_empty() {
        fields.push(format!(
            "\"matchLabels\":{}",
            json_labels(&to_labels(match_labels))
        ));
    }
    if !expressions.is_empty() {
        let items: Vec<String> = expressions
            .iter()
            .map(|(k, op, values)| {
                let mut item = format!(
                    "{{\"key\":{},\"operator\":{}",
                    json_string(k),
                    json_string(op)
                );
                if !values.is_empty() {
                    let v: Vec<String> = values.iter().map(|v| json_string(v)).collect();
                    let _ = write!(item, ",\"values\":[{}]", v.join(","));
                }
                item.push('}');
                item
            })
            .collect();
        fields.push(format!("\"matchExpressions\":[{}]", items.join(",")));
    }
    format!("{{{}}}", fields.join(","))
}

/// `spec.template` checked against `selector` (ValidatePodTemplateSpecForReplicaSet, and
/// ValidatePodTemplateSpecForRC with a map selector): labels must match a non-empty
/// selector, the pod spec must be valid, and restartPolicy must be Always.
fn pod_template(
    cx: &mut Cx,
    t: Option<&Node>,
    at: Span,
    selector: Option<&Selector>,
) -> PodTemplate {
    let t_at = span_or(t, at);
    let label_node = child(child(t, "metadata"), "labels");
    let pairs = entries(label_node);
    let labels = to_labels(&pairs);
    if let Some(sel) = selector
        && !sel.is_empty()
        && !sel.matches(&labels)
    {
        // A nil map marshals as `null`.
        let value = match label_node {
            Some(_) => json_labels(&labels),
            None => "null".to_string(),
        };
        cx.err(
            span_or(label_node, t_at),
            "spec.template.metadata.labels",
            invalid(value, "`selector` does not match template `labels`"),
        );
    }
    check_labels(cx, &pairs, "spec.template.metadata.labels");
    let spec_node = child(t, "spec");
    let spec = pod_spec(cx, spec_node, t_at, "spec.template.spec");
    if spec.restart_policy != RestartPolicy::Always {
        cx.err(
            span_or(child(spec_node, "restartPolicy"), t_at),
            "spec.template.spec.restartPolicy",
            unsupported(text(spec_node, "restartPolicy"), &["Always"]),
        );
    }
    PodTemplate {
        annotations: to_labels(&entries(child(child(t, "metadata"), "annotations"))),
        labels,
        spec: Arc::new(spec),
    }
}

/// The template when the selector was invalid: upstream does not validate it then, so its
/// problems are dropped (the object is rejected anyway).
fn unchecked_template(t: Option<&Node>, at: Span) -> PodTemplate {
    pod_template(&mut Cx::default(), t, at, None)
}

/// `replicas` (default 1) and `minReadySeconds` (default 0), both non-negative.
fn replicas_and_min_ready(cx: &mut Cx, spec: Option<&Node>) -> (i32, i64) {
    let replicas = match int_at(spec, "replicas") {
        Some((n, at)) => {
            nonnegative(cx, at, "spec.replicas", n);
            int32(n)
        }
        None => 1,
    };
    let min_ready = match int_at(spec, "minReadySeconds") {
        Some((n, at)) => {
            nonnegative(cx, at, "spec.minReadySeconds", n);
            n
        }
        None => 0,
    };
    (replicas, min_ready)
}

fn deployment(cx: &mut Cx, root: &Node) -> Deployment {
    let (name, labels) = object_meta(cx, root, Kind::Deployment);
    let spec = child(Some(root), "spec");
    let at = span_or(spec, root.span);
    let replicas = match int_at(spec, "replicas") {
        Some((n, at)) => {
            nonnegative(cx, at, "spec.replicas", n);
            int32(n)
        }
        None => 1,
    };
    let selector = label_selector(cx, spec, at);
    let template_node = child(spec, "template");
    let template = match &selector {
        Some(sel) => pod_template(cx, template_node, at, Some(sel)),
        None => unchecked_template(template_node, at),
    };
    let strategy = strategy(cx, child(spec, "strategy"), at);
    let min_ready_seconds = match int_at(spec, "minReadySeconds") {
        Some((n, at)) => {
            nonnegative(cx, at, "spec.minReadySeconds", n);
            n
        }
        None => 0,
    };
    // SetDefaults_Deployment: revisionHistoryLimit 10, progressDeadlineSeconds 600 (facts
    // B.1); validation runs on the defaulted values.
    let revision_history_limit = match int_at(spec, "revisionHistoryLimit") {
        Some((n, at)) => {
            nonnegative(cx, at, "spec.revisionHistoryLimit", n);
            int32(n)
        }
        None => 10,
    };
    let (progress_deadline_seconds, pds_at) =
        int_at(spec, "progressDeadlineSeconds").unwrap_or((600, at));
    nonnegative(
        cx,
        pds_at,
        "spec.progressDeadlineSeconds",
        progress_deadline_seconds,
    );
    if progress_deadline_seconds <= min_ready_seconds {
        cx.err(
            pds_at,
            "spec.progressDeadlineSeconds",
            invalid(
                progress_deadline_seconds,
                "must be greater than minReadySeconds",
            ),
        );
    }
    Deployment {
        meta: Meta::new(name, None, labels),
        spec: DeploymentSpec {
            replicas,
            selector: selector.unwrap_or_default(),
            template: Arc::new(template),
            strategy,
            min_ready_seconds,
            revision_history_limit,
            progress_deadline_seconds,
            paused: bool_at(spec, "paused"),
        },
        status: DeploymentStatus::default(),
    }
}

/// An int-or-string as written, with its span.
enum IntOrString {
    Int(i64),
    Str(String),
}

impl IntOrString {
    fn read(n: &Node) -> Option<IntOrString> {
        match &n.value {
            Value::Str(s) => Some(IntOrString::Str(s.clone())),
            _ => int_of(n).map(IntOrString::Int),
        }
    }

    /// How `field.Invalid` prints it (the struct marshals as its int or its string).
    fn render(&self) -> String {
        match self {
            IntOrString::Int(i) => i.to_string(),
            IntOrString::Str(s) => json_string(s),
        }
    }

    /// `getIntOrPercentValue` (with `strconv.Atoi`'s saturation on overflow), and whether
    /// it is a valid percentage.
    fn value(&self) -> (i64, bool) {
        match self {
            IntOrString::Int(i) => (*i, false),
            IntOrString::Str(s) => {
                let percent = is_valid_percent(s).is_empty();
                let digits = if percent {
                    s.trim_end_matches('%')
                } else {
                    s.as_str()
                };
                let overflow = if percent && !digits.is_empty() {
                    i64::MAX
                } else {
                    0
                };
                let v = digits.parse::<i64>().unwrap_or(overflow);
                (v, percent)
            }
        }
    }

    fn to_model(&self) -> IntOrPercent {
        match self.value() {
            (v, true) => IntOrPercent::Percent(int32(v)),
            (v, false) => IntOrPercent::Int(int32(v)),
        }
    }
}

/// `spec.strategy`: SetDefaults_Deployment (RollingUpdate, 25%/25%) then
/// ValidateDeploymentStrategy / ValidateRollingUpdateDeployment.
fn strategy(cx: &mut Cx, st: Option<&Node>, spec_at: Span) -> Strategy {
    const PATH: &str = "spec.strategy";
    let rolling = child(st, "rollingUpdate");
    match text(st, "type") {
        "Recreate" => {
            if let Some(r) = rolling {
                cx.err(
                    r.span,
                    &format!("{PATH}.rollingUpdate"),
                    forbidden("may not be specified when strategy `type` is 'Recreate'"),
                );
            }
            Strategy::Recreate
        }
        "" | "RollingUpdate" => {
            let path = format!("{PATH}.rollingUpdate");
            let at = span_or(rolling.or(st), spec_at);
            let read = |key: &str| {
                child(rolling, key)
                    .and_then(|n| IntOrString::read(n).map(|v| (v, n.span)))
                    .unwrap_or((IntOrString::Str("25%".to_string()), at))
            };
            let (unavailable, u_at) = read("maxUnavailable");
            let (surge, s_at) = read("maxSurge");
            positive_int_or_percent(cx, &unavailable, u_at, &format!("{path}.maxUnavailable"));
            positive_int_or_percent(cx, &surge, s_at, &format!("{path}.maxSurge"));
            if unavailable.value().0 == 0 && surge.value().0 == 0 {
                cx.err(
                    u_at,
                    &format!("{path}.maxUnavailable"),
                    invalid(unavailable.render(), "may not be 0 when `maxSurge` is 0"),
                );
            }
            // IsNotMoreThan100Percent, for maxUnavailable only.
            if let (v, true) = unavailable.value()
                && v > 100
            {
                cx.err(
                    u_at,
                    &format!("{path}.maxUnavailable"),
                    invalid(unavailable.render(), "must not be greater than 100%"),
                );
            }
            Strategy::RollingUpdate {
                max_surge: surge.to_model(),
                max_unavailable: unavailable.to_model(),
            }
        }
        other => {
            cx.err(
                span_or(child(st, "type"), spec_at),
                &format!("{PATH}.type"),
                unsupported(other, &["Recreate", "RollingUpdate"]),
            );
            Strategy::Recreate
        }
    }
}

/// `ValidatePositiveIntOrPercent`.
fn positive_int_or_percent(cx: &mut Cx, v: &IntOrString, at: Span, path: &str) {
    match v {
        IntOrString::Str(s) => {
            for msg in is_valid_percent(s) {
                cx.err(at, path, invalid(v.render(), &msg));
            }
        }
        IntOrString::Int(i) => nonnegative(cx, at, path, *i),
    }
}

/// A DaemonSet: `SetDefaults_DaemonSet` (updateStrategy RollingUpdate with maxUnavailable 1
/// and maxSurge 0, facts: DaemonSet rolling defaults) then `ValidateDaemonSetSpec`.
fn daemon_set(cx: &mut Cx, root: &Node) -> DaemonSet {
    let (name, labels) = object_meta(cx, root, Kind::DaemonSet);
    let spec = child(Some(root), "spec");
    let at = span_or(spec, root.span);
    let selector = label_selector_for(cx, spec, at, "daemonset");
    let template_node = child(spec, "template");
    let template = match &selector {
        Some(sel) => pod_template(cx, template_node, at, Some(sel)),
        None => unchecked_template(template_node, at),
    };
    let min_ready_seconds = match int_at(spec, "minReadySeconds") {
        Some((n, at)) => {
            nonnegative(cx, at, "spec.minReadySeconds", n);
            n
        }
        None => 0,
    };
    if let Some((n, at)) = int_at(spec, "revisionHistoryLimit") {
        nonnegative(cx, at, "spec.revisionHistoryLimit", n);
    }
    let strategy = daemon_set_strategy(cx, child(spec, "updateStrategy"), at);
    DaemonSet {
        meta: Meta::new(name, None, labels),
        spec: DaemonSetSpec {
            selector: selector.unwrap_or_default(),
            template: Arc::new(template),
            strategy,
            min_ready_seconds,
            template_generation: 1,
        },
        status: DaemonSetStatus::default(),
    }
}

/// `spec.updateStrategy`: defaulted, then `ValidateDaemonSetUpdateStrategy` and
/// `ValidateRollingUpdateDaemonSet` (both fields non-negative int or percent, neither over
/// 100%, exactly one non-zero).
fn daemon_set_strategy(cx: &mut Cx, st: Option<&Node>, spec_at: Span) -> DaemonSetStrategy {
    const PATH: &str = "spec.updateStrategy";
    let rolling = child(st, "rollingUpdate");
    match text(st, "type") {
        "OnDelete" => DaemonSetStrategy::OnDelete,
        "" | "RollingUpdate" => {
            let path = format!("{PATH}.rollingUpdate");
            let at = span_or(rolling.or(st), spec_at);
            let read = |key: &str, default: i64| {
                child(rolling, key)
                    .and_then(|n| IntOrString::read(n).map(|v| (v, n.span)))
                    .unwrap_or((IntOrString::Int(default), at))
            };
            let (unavailable, u_at) = read("maxUnavailable", 1);
            let (surge, s_at) = read("maxSurge", 0);
            let u_path = format!("{path}.maxUnavailable");
            let s_path = format!("{path}.maxSurge");
            positive_int_or_percent(cx, &unavailable, u_at, &u_path);
            positive_int_or_percent(cx, &surge, s_at, &s_path);
            for (v, at, path) in [(&unavailable, u_at, &u_path), (&surge, s_at, &s_path)] {
                if let (n, true) = v.value()
                    && n > 100
                {
                    cx.err(
                        at,
                        path,
                        invalid(v.render(), "must not be greater than 100%"),
                    );
                }
            }
            match (unavailable.value().0 != 0, surge.value().0 != 0) {
                (true, true) => cx.err(
                    s_at,
                    &s_path,
                    invalid(
                        surge.render(),
                        "may not be set when maxUnavailable is non-zero",
                    ),
                ),
                (false, false) => cx.err(u_at, &u_path, required("cannot be 0 when maxSurge is 0")),
                _ => {}
            }
            DaemonSetStrategy::RollingUpdate {
                max_unavailable: unavailable.to_model(),
                max_surge: surge.to_model(),
            }
        }
        other => {
            cx.err(
                span_or(child(st, "type"), spec_at),
                &format!("{PATH}.type"),
                unsupported(other, &["OnDelete", "RollingUpdate"]),
            );
            DaemonSetStrategy::default()
        }
    }
}

/// A StatefulSet: `SetDefaults_StatefulSet` (replicas 1, podManagementPolicy OrderedReady,
/// updateStrategy RollingUpdate with partition 0 and maxUnavailable 1, revisionHistoryLimit
/// 10; facts: StatefulSet defaults) then `ValidateStatefulSetSpec`. `volumeClaimTemplates`
/// and `persistentVolumeClaimRetentionPolicy` pass the schema check but are not modelled.
fn stateful_set(cx: &mut Cx, root: &Node) -> StatefulSet {
    let (name, labels) = object_meta(cx, root, Kind::StatefulSet);
    let spec = child(Some(root), "spec");
    let at = span_or(spec, root.span);
    let (replicas, min_ready_seconds) = replicas_and_min_ready(cx, spec);
    let selector = label_selector_for(cx, spec, at, "statefulset");
    let template_node = child(spec, "template");
    let template = match &selector {
        Some(sel) => pod_template(cx, template_node, at, Some(sel)),
        None => unchecked_template(template_node, at),
    };
    let revision_history_limit = match int_at(spec, "revisionHistoryLimit") {
        Some((n, at)) => {
            nonnegative(cx, at, "spec.revisionHistoryLimit", n);
            int32(n)
        }
        None => 10,
    };
    let pod_management = match text(spec, "podManagementPolicy") {
        "Parallel" => PodManagement::Parallel,
        _ => PodManagement::OrderedReady,
    };
    let st = child(spec, "updateStrategy");
    let strategy = match text(st, "type") {
        "OnDelete" => StatefulSetStrategy::OnDelete,
        _ => {
            let rolling = child(st, "rollingUpdate");
            let partition = match int_at(rolling, "partition") {
                Some((n, at)) => {
                    nonnegative(cx, at, "spec.updateStrategy.rollingUpdate.partition", n);
                    int32(n)
                }
                None => 0,
            };
            // ValidateStatefulSetUpdateStrategy: maxUnavailable is a positive int or a
            // percent, neither 0 nor over 100%.
            let path = "spec.updateStrategy.rollingUpdate.maxUnavailable";
            let max_unavailable = match child(rolling, "maxUnavailable")
                .and_then(|n| IntOrString::read(n).map(|v| (v, n.span)))
            {
                Some((v, at)) => {
                    positive_int_or_percent(cx, &v, at, path);
                    match v.value() {
                        (0, _) => cx.err(at, path, invalid(v.render(), "must be greater than 0")),
                        (n, true) if n > 100 => cx.err(
                            at,
                            path,
                            invalid(v.render(), "must not be greater than 100%"),
                        ),
                        _ => {}
                    }
                    v.to_model()
                }
                None => IntOrPercent::Int(1),
            };
            StatefulSetStrategy::RollingUpdate {
                partition,
                max_unavailable,
            }
        }
    };
    StatefulSet {
        meta: Meta::new(name, None, labels),
        spec: StatefulSetSpec {
            replicas,
            selector: selector.unwrap_or_default(),
            template: Arc::new(template),
            service_name: text(spec, "serviceName").to_string(),
            pod_management,
            strategy,
            min_ready_seconds,
            revision_history_limit,
        },
        status: StatefulSetStatus::default(),
    }
}

fn replica_set(cx: &mut Cx, root: &Node) -> ReplicaSet {
    let (name, labels) = object_meta(cx, root, Kind::ReplicaSet);
    let spec = child(Some(root), "spec");
    let at = span_or(spec, root.span);
    let (replicas, min_ready_seconds) = replicas_and_min_ready(cx, spec);
    let selector = label_selector(cx, spec, at);
    let template_node = child(spec, "template");
    let template = match &selector {
        Some(sel) => pod_template(cx, template_node, at, Some(sel)),
        None => unchecked_template(template_node, at),
    };
    ReplicaSet {
        meta: Meta::new(name, None, labels),
        legacy_rc: false,
        template_hash: None,
        revision: 0,
        replica_annotations: None,
        spec: ReplicaSetSpec {
            replicas,
            selector: selector.unwrap_or_default(),
            template: Arc::new(template),
            min_ready_seconds,
        },
        status: ReplicaSetStatus::default(),
    }
}

fn replication_controller(cx: &mut Cx, root: &Node) -> ReplicaSet {
    let (name, mut labels) = object_meta(cx, root, Kind::ReplicationController);
    let spec = child(Some(root), "spec");
    let at = span_or(spec, root.span);
    let template_node = child(spec, "template");
    let template_labels = child(child(template_node, "metadata"), "labels");
    // SetDefaults_ReplicationController: with template labels present, an empty selector
    // and empty object labels default to them (facts B.6).
    let mut selector_map = to_labels(&entries(child(spec, "selector")));
    if template_labels.is_some() {
        let t = to_labels(&entries(template_labels));
        if selector_map.is_empty() {
            selector_map = t.clone();
        }
        if labels.is_empty() {
            labels = t;
        }
    }
    let (replicas, min_ready_seconds) = replicas_and_min_ready(cx, spec);
    // ValidateNonEmptySelector.
    if selector_map.is_empty() {
        cx.err(
            span_or(child(spec, "selector"), at),
            "spec.selector",
            required(""),
        );
    }
    let selector = Selector::from_map(&selector_map);
    let template = if template_node.is_none() {
        cx.err(at, "spec.template", required(""));
        unchecked_template(None, at)
    } else {
        pod_template(cx, template_node, at, Some(&selector))
    };
    ReplicaSet {
        meta: Meta::new(name, None, labels),
        legacy_rc: true,
        template_hash: None,
        revision: 0,
        replica_annotations: None,
        spec: ReplicaSetSpec {
            replicas,
            selector,
            template: Arc::new(template),
            min_ready_seconds,
        },
        status: ReplicaSetStatus::default(),
    }
}

// ---------------------------------------------------------------------------------------
// Services: SetDefaults_Service (core/v1/defaults.go) and ValidateService /
// validateServicePort (core/validation/validation.go).

/// `IsValidIP`'s message (apimachinery pkg/util/validation/ip.go).
const IP_ERROR: &str = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";

fn service(cx: &mut Cx, root: &Node) -> Service {
    let (name, labels) = object_meta(cx, root, Kind::Service);
    let spec = child(Some(root), "spec");
    let at = span_or(spec, root.span);
    let service_type = match text(spec, "type") {
        "" | "ClusterIP" => ServiceType::ClusterIP,
        "NodePort" => ServiceType::NodePort,
        "LoadBalancer" => ServiceType::LoadBalancer,
        "ExternalName" => ServiceType::ExternalName,
        other => {
            cx.err(
                span_or(child(spec, "type"), at),
                "spec.type",
                unsupported(
                    other,
                    &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
                ),
            );
            ServiceType::ClusterIP
        }
    };
    let cluster_ip = text(spec, "clusterIP");
    let ip_at = span_or(child(spec, "clusterIP"), at);
    let headless = cluster_ip == "None";
    let ports_node = child(spec, "ports");
    let list = items(ports_node);
    if list.is_empty() && !headless && service_type != ServiceType::ExternalName {
        cx.err(span_or(ports_node, at), "spec.ports", required(""));
    }
    let mut external_name = None;
    match service_type {
        ServiceType::LoadBalancer | ServiceType::NodePort if headless => cx.err(
            ip_at,
            "spec.clusterIPs[0]",
            invalid(
                go_quote(cluster_ip),
                &format!(
                    "may not be set to 'None' for {} services",
                    service_type.as_str()
                ),
            ),
        ),
        ServiceType::ExternalName => {
            if !cluster_ip.is_empty() {
                cx.err(
                    ip_at,
                    "spec.clusterIP",
                    forbidden("must be empty for ExternalName services"),
                );
            }
            // A trailing dot marks a fully qualified CNAME and is allowed.
            let written = text(spec, "externalName");
            let cname = written.strip_suffix('.').unwrap_or(written);
            let en_at = span_or(child(spec, "externalName"), at);
            if cname.is_empty() {
                cx.err(en_at, "spec.externalName", required(""));
            } else {
                for msg in is_dns1123_subdomain(cname) {
                    cx.err(en_at, "spec.externalName", invalid(go_quote(cname), &msg));
                }
            }
            external_name = Some(written.to_string());
        }
        _ => {}
    }
    let mut names = BTreeSet::new();
    let ports: Vec<ServicePort> = list
        .iter()
        .enumerate()
        .map(|(i, p)| service_port(cx, p, i, list.len() > 1, service_type, &mut names))
        .collect();
    let selector_pairs = entries(child(spec, "selector"));
    check_labels(cx, &selector_pairs, "spec.selector");
    // An empty selector selects nothing for the endpoints controller, like an absent one.
    let selector = (!selector_pairs.is_empty()).then(|| to_labels(&selector_pairs));
    let parsed_ip = if cluster_ip.is_empty() || headless {
        None
    } else {
        match cluster_ip.parse::<IpAddr>() {
            Ok(IpAddr::V4(v4)) => Some(v4),
            Ok(IpAddr::V6(_)) => None,
            Err(_) => {
                cx.err(
                    ip_at,
                    "spec.clusterIPs[0]",
                    invalid(go_quote(cluster_ip), IP_ERROR),
                );
                None
            }
        }
    };
    let external_ips_node = child(spec, "externalIPs");
    let mut external_ips = Vec::new();
    for (i, n) in items(external_ips_node).iter().enumerate() {
        let ip = n.as_str().unwrap_or_default();
        if ip.parse::<IpAddr>().is_err() {
            cx.err(
                n.span,
                &format!("spec.externalIPs[{i}]"),
                invalid(go_quote(ip), IP_ERROR),
            );
        }
        external_ips.push(ip.to_string());
    }
    Service {
        meta: Meta::new(name, None, labels),
        service_type,
        cluster_ip: parsed_ip,
        headless,
        ports,
        selector,
        external_ips,
        external_name,
        load_balancer_ip: None,
    }
}

/// validateServicePort, after SetDefaults_Service (protocol TCP, targetPort = port).
fn service_port(
    cx: &mut Cx,
    p: &Node,
    i: usize,
    require_name: bool,
    service_type: ServiceType,
    names: &mut BTreeSet<String>,
) -> ServicePort {
    let pp = format!("spec.ports[{i}]");
    let node = Some(p);
    let name = text(node, "name");
    let name_at = span_or(child(node, "name"), p.span);
    if require_name && name.is_empty() {
        cx.err(name_at, &format!("{pp}.name"), required(""));
    } else if !name.is_empty() {
        for msg in is_dns1123_label(name) {
            cx.err(
                name_at,
                &format!("{pp}.name"),
                invalid(go_quote(name), &msg),
            );
        }
        if !names.insert(name.to_string()) {
            cx.err(name_at, &format!("{pp}.name"), duplicate(name));
        }
    }
    let (port, port_at) = int_at(node, "port").unwrap_or((0, p.span));
    if !(1..=65535).contains(&port) {
        cx.err(port_at, &format!("{pp}.port"), invalid(port, PORT_RANGE));
    }
    let protocol = match text(node, "protocol") {
        "" => "TCP",
        other => other,
    };
    let target_node = child(node, "targetPort");
    let target = target_node.and_then(IntOrString::read);
    let target_at = span_or(target_node, p.span);
    let target_port = match target {
        None | Some(IntOrString::Int(0)) => port.to_string(),
        Some(IntOrString::Str(s)) if s.is_empty() => port.to_string(),
        // ValidatePortNumOrName.
        Some(IntOrString::Int(n)) => {
            if !(1..=65535).contains(&n) {
                cx.err(
                    target_at,
                    &format!("{pp}.targetPort"),
                    invalid(n, PORT_RANGE),
                );
            }
            n.to_string()
        }
        Some(IntOrString::Str(s)) => {
            for msg in is_valid_port_name(&s) {
                cx.err(
                    target_at,
                    &format!("{pp}.targetPort"),
                    invalid(go_quote(&s), &msg),
                );
            }
            s
        }
    };
    // A written nodePort is kept for the allocator to check; ClusterIP services may not
    // carry one.
    let node_port = int_at(node, "nodePort").filter(|(n, _)| *n != 0);
    if let Some((_, np_at)) = node_port
        && service_type == ServiceType::ClusterIP
    {
        cx.err(
            np_at,
            &format!("{pp}.nodePort"),
            forbidden("may not be used when `type` is 'ClusterIP'"),
        );
    }
    ServicePort {
        name: (!name.is_empty()).then(|| name.to_string()),
        protocol: protocol.to_string(),
        port: int32(port),
        target_port,
        node_port: node_port.map(|(n, _)| int32(n)),
    }
}

// ---------------------------------------------------------------------------------------
// ConfigMaps, Secrets, Namespaces: ValidateConfigMap, ValidateSecret (with
// SetDefaults_Secret: type Opaque; stringData merged into data by conversion),
// ValidateNamespace.

fn config_map(cx: &mut Cx, root: &Node) -> ConfigData {
    let (name, labels) = object_meta(cx, root, Kind::ConfigMap);
    let data = entries(child(Some(root), "data"));
    let binary = entries(child(Some(root), "binaryData"));
    for (key, _, at) in &data {
        for msg in is_config_map_key(key) {
            cx.err(*at, &format!("data[{key}]"), invalid(go_quote(key), &msg));
        }
        if binary.iter().any(|(k, _, _)| k == key) {
            cx.err(
                *at,
                &format!("data[{key}]"),
                invalid(go_quote(key), "duplicate of key present in binaryData"),
            );
        }
    }
    for (key, _, at) in &binary {
        for msg in is_config_map_key(key) {
            cx.err(
                *at,
                &format!("binaryData[{key}]"),
                invalid(go_quote(key), &msg),
            );
        }
    }
    ConfigData {
        meta: Meta::new(name, None, labels),
        keys: data.len() + binary.len(),
        key_names: data
            .iter()
            .chain(&binary)
            .map(|(k, _, _)| k.clone())
            .collect(),
        secret_type: None,
    }
}

fn secret(cx: &mut Cx, root: &Node) -> ConfigData {
    let (name, labels) = object_meta(cx, root, Kind::Secret);
    let mut keys: Vec<(String, Span)> = Vec::new();
    for field in ["data", "stringData"] {
        for (key, _, at) in entries(child(Some(root), field)) {
            if !keys.iter().any(|(k, _)| *k == key) {
                keys.push((key, at));
            }
        }
    }
    for (key, at) in &keys {
        for msg in is_config_map_key(key) {
            cx.err(*at, &format!("data[{key}]"), invalid(go_quote(key), &msg));
        }
    }
    let written = text(Some(root), "type");
    ConfigData {
        meta: Meta::new(name, None, labels),
        keys: keys.len(),
        key_names: keys.iter().map(|(k, _)| k.clone()).collect(),
        secret_type: Some(
            if written.is_empty() {
                "Opaque"
            } else {
                written
            }
            .to_string(),
        ),
    }
}

fn service_account(cx: &mut Cx, root: &Node) -> ServiceAccount {
    let (name, labels) = object_meta(cx, root, Kind::ServiceAccount);
    ServiceAccount {
        meta: Meta::new(name, None, labels),
        secrets: items(child(Some(root), "secrets")).len(),
    }
}

fn namespace(cx: &mut Cx, root: &Node) -> Namespace {
    let (name, labels) = object_meta(cx, root, Kind::Namespace);
    Namespace {
        meta: Meta::new(name, None, labels),
        terminating: false,
    }
}

// ---------------------------------------------------------------------------------------
// The imperative commands' objects, built as the manifests kubectl would send.

fn scalar(s: &str) -> Node {
    Node {
        value: Value::Str(s.to_string()),
        span: Span::default(),
        raw: s.to_string(),
    }
}

fn number(n: i64) -> Node {
    Node {
        value: Value::Int(n),
        span: Span::default(),
        raw: n.to_string(),
    }
}

fn mapping(entries: Vec<(&str, Node)>) -> Node {
    Node {
        value: Value::Map(entries.into_iter().map(|(k, v)| (scalar(k), v)).collect()),
        span: Span::default(),
        raw: String::new(),
    }
}

fn sequence(items: Vec<Node>) -> Node {
    Node {
        value: Value::Seq(items),
        span: Span::default(),
        raw: String::new(),
    }
}

fn string_map(pairs: &[(String, String)]) -> Node {
    mapping(pairs.iter().map(|(k, v)| (k.as_str(), scalar(v))).collect())
}

fn document(api_version: &str, kind: &str, node: Node, name: &str) -> Document {
    let info = kinds::lookup(api_version, kind).expect("kubectl's built-in kinds are served"); // ok: internal invariant, not reachable from input
    Document {
        node,
        info,
        name: Some(name.to_string()),
        namespace: None,
    }
}

fn submit(doc: Document, kind: &str, name: &str) -> Result<NewObject, String> {
    extract(&doc).map_err(|problems| invalid_message(kind, name, &problems))
}

/// kubectl `generate.ParseLabels`: `k=v` pairs joined by `,`; a later key wins.
fn parse_labels(spec: &str) -> Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = Vec::new();
    for item in spec.split(',') {
        let parts: Vec<&str> = item.split('=').collect();
        let [key, value] = parts.as_slice() else {
            return Err(format!("unexpected label spec: {item}"));
        };
        if key.is_empty() {
            return Err("unexpected empty label key".to_string());
        }
        out.retain(|(k, _)| k != key);
        out.push((key.to_string(), value.to_string()));
    }
    Ok(out)
}

/// `kubectl create deployment`'s container name: the image's last path segment without
/// tag or digest, with `_` and `.` made `-` (kubectl `sanitizeAndUniquify`, which also
/// appends a random suffix in that case; kubesim does not).
fn container_name_for(image: &str) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    let no_digest = last.split('@').next().unwrap_or(last);
    let no_tag = no_digest.split(':').next().unwrap_or(no_digest);
    no_tag.replace(['_', '.'], "-")
}

/// The distribution `ReferenceRegexp` kubectl run checks images against:
/// `[domain[:port]/]path[/path...][:tag][@digest]`.
pub(crate) fn is_image_reference(image: &str) -> bool {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (image, None),
    };
    if digest.is_some_and(|d| !is_digest(d)) {
        return false;
    }
    let slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest.get(slash..).and_then(|tail| tail.rfind(':')) {
        Some(colon) => {
            let at = slash + colon;
            (rest.get(..at).unwrap_or(""), rest.get(at + 1..))
        }
        None => (rest, None),
    };
    if tag.is_some_and(|t| !is_tag(t)) {
        return false;
    }
    let components: Vec<&str> = name.split('/').collect();
    match components.as_slice() {
        [] => false,
        [only] => is_path_component(only),
        [first, rest @ ..] => {
            (is_domain(first) || is_path_component(first))
                && rest.iter().all(|c| is_path_component(c))
        }
    }
}

/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`.
fn is_path_component(s: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    if !s.chars().next().is_some_and(alnum) {
        return false;
    }
    let mut separator = String::new();
    for c in s.chars() {
        if alnum(c) {
            let ok = separator.is_empty()
                || separator == "."
                || separator == "_"
                || separator == "__"
                || separator.chars().all(|x| x == '-');
            if !ok {
                return false;
            }
            separator.clear();
        } else {
            separator.push(c);
        }
    }
    separator.is_empty()
}

/// `domain-component(\.domain-component)*(:[0-9]+)?`, or a bracketed IPv6 address with an
/// optional port.
fn is_domain(s: &str) -> bool {
    let is_port = |p: &str| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit());
    if let Some(rest) = s.strip_prefix('[') {
        let Some((inner, after)) = rest.split_once(']') else {
            return false;
        };
        let address_ok =
            !inner.is_empty() && inner.bytes().all(|c| c.is_ascii_hexdigit() || c == b':');
        return address_ok && (after.is_empty() || after.strip_prefix(':').is_some_and(is_port));
    }
    let (host, port) = match s.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (s, None),
    };
    if port.is_some_and(|p| !is_port(p)) {
        return false;
    }
    !host.is_empty()
        && host.split('.').all(|c| {
            let b = c.as_bytes();
            b.first().is_some_and(u8::is_ascii_alphanumeric)
                && b.last().is_some_and(u8::is_ascii_alphanumeric)
                && b.iter().all(|x| x.is_ascii_alphanumeric() || *x == b'-')
        })
}

/// `[\w][\w.-]{0,127}`.
fn is_tag(s: &str) -> bool {
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && b.first().is_some_and(|c| word(*c))
        && b.iter().all(|c| word(*c) || *c == b'.' || *c == b'-')
}

/// `[A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}`.
fn is_digest(s: &str) -> bool {
    let Some((algorithm, hex)) = s.split_once(':') else {
        return false;
    };
    let algorithm_ok = algorithm.split(['-', '_', '+', '.']).all(|part| {
        part.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
            && part.bytes().all(|c| c.is_ascii_alphanumeric())
    });
    algorithm_ok && hex.len() >= 32 && hex.bytes().all(|c| c.is_ascii_hexdigit())
}

// ---------------------------------------------------------------------------------------
// Jobs: SetDefaults_Job (pkg/apis/batch/v1/defaults.go) and ValidateJobSpec
// (pkg/apis/batch/validation/validation.go). The selector is always the generated one
// (`generateSelector`), so `spec.selector` and `manualSelector` are not read.

/// A Job: parallelism and completions default to 1 when both are unset, parallelism alone
/// to 1, backoffLimit to 6, completionMode to NonIndexed; counts must be non-negative, an
/// Indexed Job needs completions, and the template's restartPolicy must be OnFailure or
/// Never.
fn job(cx: &mut Cx, root: &Node) -> crate::model::job::Job {
    let (name, labels) = object_meta(cx, root, Kind::Job);
    let spec = child(Some(root), "spec");
    let at = span_or(spec, root.span);
    crate::model::job::Job {
        meta: Meta::new(name, None, labels),
        spec: job_spec(cx, spec, at, "spec"),
        status: crate::model::job::JobStatus::default(),
    }
}

/// A Job's `spec` at `path` (`spec`, or a CronJob's `spec.jobTemplate.spec`), defaulted and
/// validated as [`job`] describes.
fn job_spec(cx: &mut Cx, spec: Option<&Node>, at: Span, path: &str) -> crate::model::job::JobSpec {
    use crate::model::job::{CompletionMode, JobSpec};
    let count = |cx: &mut Cx, key: &str| {
        int_at(spec, key).map(|(n, at)| {
            nonnegative(cx, at, &format!("{path}.{key}"), n);
            n
        })
    };
    let parallelism = count(cx, "parallelism").map(int32);
    let completions = count(cx, "completions").map(int32);
    let backoff_limit = count(cx, "backoffLimit").map_or(6, int32);
    let active_deadline_seconds = count(cx, "activeDeadlineSeconds");
    let ttl_seconds_after_finished = count(cx, "ttlSecondsAfterFinished");
    let (parallelism, completions) = match (parallelism, completions) {
        (None, None) => (1, Some(1)),
        (p, c) => (p.unwrap_or(1), c),
    };
    let completion_mode = match text(spec, "completionMode") {
        "" | "NonIndexed" => CompletionMode::NonIndexed,
        "Indexed" => CompletionMode::Indexed,
        other => {
            let at = span_or(child(spec, "completionMode"), at);
            cx.err(
                at,
                &format!("{path}.completionMode"),
                unsupported(other, &["NonIndexed", "Indexed"]),
            );
            CompletionMode::NonIndexed
        }
    };
    if completion_mode == CompletionMode::Indexed && completions.is_none() {
        cx.err(
            at,
            &format!("{path}.completions"),
            required("when completion mode is Indexed"),
        );
    }
    let template_node = child(spec, "template");
    let t_at = span_or(template_node, at);
    let pairs = entries(child(child(template_node, "metadata"), "labels"));
    check_labels(cx, &pairs, &format!("{path}.template.metadata.labels"));
    let spec_node = child(template_node, "spec");
    let pod_path = format!("{path}.template.spec");
    let pod_spec = pod_spec(cx, spec_node, t_at, &pod_path);
    if pod_spec.restart_policy == RestartPolicy::Always {
        cx.err(
            span_or(child(spec_node, "restartPolicy"), t_at),
            &format!("{pod_path}.restartPolicy"),
            unsupported("Always", &["OnFailure", "Never"]),
        );
    }
    JobSpec {
        parallelism,
        completions,
        backoff_limit,
        active_deadline_seconds,
        ttl_seconds_after_finished,
        completion_mode,
        suspend: bool_at(spec, "suspend"),
        template: Arc::new(PodTemplate {
            annotations: Default::default(),
            labels: to_labels(&pairs),
            spec: Arc::new(pod_spec),
        }),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::manifest::read_manifests;
    use crate::model::workload::IntOrPercent;
    use std::path::{Path, PathBuf};

    /// Reads one schema-valid document and extracts it.
    pub(super) fn extract_one(src: &str) -> Result<NewObject, Vec<Problem>> {
        let (docs, problems) = read_manifests(src);
        assert!(problems.is_empty(), "schema problems: {problems:?}");
        assert_eq!(docs.len(), 1, "one document expected");
        extract(&docs[0])
    }

    /// The causes of a rejected document, each as the API server's `field: body` line.
    fn causes(src: &str) -> Vec<String> {
        match extract_one(src) {
            Ok(o) => panic!("expected problems, got {o:?}"),
            Err(p) => problems_of(&p),
        }
    }

    /// Problems as the API server's `field: body` lines.
    pub(super) fn problems_of(p: &[Problem]) -> Vec<String> {
        p.iter().map(ToString::to_string).collect()
    }

    fn ok(src: &str) -> NewObject {
        match extract_one(src) {
            Ok(o) => o,
            Err(p) => panic!("unexpected problems: {p:?}"),
        }
    }

    fn job_src(spec: &str, restart: &str) -> String {
        format!(
            "apiVersion: batch/v1\nkind: Job\nmetadata: {{name: pi}}\nspec:\n{spec}  template:\n    spec:\n      {restart}containers: [{{name: pi, image: perl:5.34}}]\n"
        )
    }

    #[test]
    fn a_job_is_defaulted_as_set_defaults_job_does() {
        // SetDefaults_Job: completions and parallelism both unset → both 1; backoffLimit 6;
        // completionMode NonIndexed; suspend false.
        let NewObject::Job(j) = ok(&job_src("", "restartPolicy: Never\n      ")) else {
            panic!("a Job")
        };
        assert_eq!((j.spec.parallelism, j.spec.completions), (1, Some(1)));
        assert_eq!(j.spec.backoff_limit, 6);
        assert_eq!(
            j.spec.completion_mode,
            crate::model::job::CompletionMode::NonIndexed
        );
        assert!(!j.spec.suspend);
        // parallelism alone leaves completions unset (a work queue).
        let NewObject::Job(j) = ok(&job_src(
            "  parallelism: 3\n",
            "restartPolicy: OnFailure\n      ",
        )) else {
            panic!("a Job")
        };
        assert_eq!((j.spec.parallelism, j.spec.completions), (3, None));
    }

    #[test]
    fn a_job_refuses_restart_policy_always_and_indexed_without_completions() {
        // ValidateJobSpec: the template's restartPolicy (defaulted to Always) must be
        // OnFailure or Never; Indexed needs completions.
        assert_eq!(
            causes(&job_src("", "")),
            [
                "spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\""
            ]
        );
        assert_eq!(
            causes(&job_src(
                "  parallelism: 2\n  completionMode: Indexed\n  backoffLimit: -1\n",
                "restartPolicy: Never\n      "
            )),
            [
                "spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0",
                "spec.completions: Required value: when completion mode is Indexed"
            ]
        );
    }

    fn deployment_of(src: &str) -> Deployment {
        match ok(src) {
            NewObject::Deployment(d) => d,
            o => panic!("not a deployment: {o:?}"),
        }
    }

    fn pod_of(src: &str) -> Pod {
        match ok(src) {
            NewObject::Pod(p) => p,
            o => panic!("not a pod: {o:?}"),
        }
    }

    fn service_of(src: &str) -> Service {
        match ok(src) {
            NewObject::Service(s) => s,
            o => panic!("not a service: {o:?}"),
        }
    }

    /// A Deployment whose `spec` is `spec` (YAML flow mapping entries).
    fn deploy(spec: &str) -> String {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec: {{{spec}}}\n"
        )
    }

    const TEMPLATE: &str = "template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: nginx}]}}";
    const SELECTOR: &str = "selector: {matchLabels: {app: web}}";

    fn pod_yaml(spec: &str) -> String {
        format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec: {{{spec}}}\n")
    }

    #[test]
    fn affinity_and_spread_constraints_are_read_with_the_plugin_defaults() {
        let p = pod_of(&pod_yaml(
            "containers: [{name: c, image: nginx}], affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: disk, operator: In, values: [ssd]}]}]}, preferredDuringSchedulingIgnoredDuringExecution: [{weight: 3, preference: {matchExpressions: [{key: zone, operator: Exists}]}}]}, podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {matchLabels: {app: web}}, topologyKey: kubernetes.io/hostname}]}}, topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}, matchLabelKeys: [pod-template-hash]}]",
        ));
        let a = p.spec.affinity.as_deref().expect("affinity");
        let required = a.node.required.as_ref().expect("required terms");
        assert_eq!(required[0].match_expressions[0].key, "disk");
        assert_eq!(a.node.preferred[0].weight, 3);
        assert_eq!(a.anti.required[0].topology_key, "kubernetes.io/hostname");
        let c = &p.spec.topology_spread[0];
        // filterTopologySpreadConstraints' defaults: minDomains 1 (unset), Honor, Ignore.
        assert_eq!((c.max_skew, c.min_domains), (1, None));
        assert!(c.honor_node_affinity && !c.honor_node_taints);
        assert_eq!(c.match_label_keys, ["pod-template-hash"]);
    }

    #[test]
    fn affinity_and_spread_constraints_are_validated_as_the_api_server_does() {
        // ValidateNodeFieldSelectorRequirement, the preferred terms' weight and
        // validateTopologySpreadConstraints (required fields are the schema check's).
        assert_eq!(
            causes(&pod_yaml(
                "containers: [{name: c, image: nginx}], affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchFields: [{key: metadata.uid, operator: In, values: [a]}]}]}}, podAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 101, podAffinityTerm: {topologyKey: zone}}]}}"
            )),
            [
                "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].key: Invalid value: \"metadata.uid\": not a valid field selector key",
                "spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 101: must be in the range 1-100",
            ]
        );
        assert_eq!(
            causes(&pod_yaml(
                "containers: [{name: c, image: nginx}], topologySpreadConstraints: [{maxSkew: 0, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway, minDomains: 2}, {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway}]"
            )),
            [
                "spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero",
                "spec.topologySpreadConstraints[0].minDomains: Invalid value: 2: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway",
                "spec.topologySpreadConstraints[1].{topologyKey, whenUnsatisfiable}: Duplicate value: \"{zone, ScheduleAnyway}\"",
            ]
        );
    }

    #[test]
    fn host_ports_are_kept_and_host_network_ports_bind_the_node() {
        // SetDefaults_Pod: a hostNetwork pod's ports get hostPort = containerPort.
        let p = pod_of(&pod_yaml(
            "containers: [{name: c, image: nginx, ports: [{containerPort: 80, hostPort: 8080, hostIP: 10.0.0.1}, {containerPort: 443}]}]",
        ));
        let h = &p.spec.containers[0].host_ports;
        assert_eq!(h.len(), 1);
        assert_eq!(
            (h[0].ip.as_str(), h[0].protocol.as_str(), h[0].port),
            ("10.0.0.1", "TCP", 8080)
        );
        let p = pod_of(&pod_yaml(
            "hostNetwork: true, containers: [{name: c, image: nginx, ports: [{containerPort: 53, protocol: UDP}]}]",
        ));
        let h = &p.spec.containers[0].host_ports;
        assert_eq!((h[0].protocol.as_str(), h[0].port), ("UDP", 53));
    }

    // --- invalid_message (kubectl-output.md §7.4) ---------------------------------------

    #[test]
    fn one_cause_is_printed_on_the_invalid_line() {
        // §7.4 [server ≥ 1.34]: the selector-mismatch example, word for word (`y` quoted:
        // plain `y` is a YAML 1.1 boolean to sigs.k8s.io/yaml).
        let src = deploy(
            "selector: {matchLabels: {app: x}}, template: {metadata: {labels: {app: \"y\"}}, spec: {containers: [{name: c, image: nginx}]}}",
        );
        let problems = extract_one(&src).unwrap_err();
        assert_eq!(
            invalid_message("Deployment", "x", &problems),
            "The Deployment \"x\" is invalid: spec.template.metadata.labels: Invalid value: {\"app\":\"y\"}: `selector` does not match template `labels`"
        );
        assert_eq!(problems[0].path, "spec.template.metadata.labels");
        // The column of the template labels mapping.
        assert_eq!((problems[0].span.line, problems[0].span.col), (4, 73));
    }

    #[test]
    fn several_causes_are_bulleted_under_a_line_with_a_trailing_space() {
        // §7.4 [synth from source]: replicas -1 and a missing image.
        let src = deploy(&format!(
            "replicas: -1, {SELECTOR}, template: {{metadata: {{labels: {{app: web}}}}, spec: {{containers: [{{name: web}}]}}}}"
        ));
        let problems = extract_one(&src).unwrap_err();
        assert_eq!(
            invalid_message("Deployment", "web", &problems),
            "The Deployment \"web\" is invalid: \n* spec.replicas: Invalid value: -1: must be greater than or equal to 0\n* spec.template.spec.containers[0].image: Required value"
        );
    }

    #[test]
    fn repeated_causes_are_printed_once() {
        let p = Problem::new(Span::default(), "spec.replicas", "Invalid value: -1: x");
        assert_eq!(
            invalid_message("Deployment", "web", &[p.clone(), p]),
            "The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1: x"
        );
    }

    // --- metadata (apimachinery ValidateObjectMeta) -------------------------------------

    #[test]
    fn a_name_or_generate_name_is_required() {
        assert_eq!(
            causes("apiVersion: v1\nkind: ConfigMap\nmetadata: {labels: {a: b}}\n"),
            ["metadata.name: Required value: name or generateName is required"]
        );
        let (docs, _) = read_manifests(
            "apiVersion: v1\nkind: Pod\nmetadata: {generateName: web-}\nspec: {containers: [{name: c, image: nginx}]}\n",
        );
        assert_eq!(generate_name(&docs[0]).as_deref(), Some("web-"));
        let NewObject::Pod(p) = extract(&docs[0]).unwrap() else {
            panic!("pod expected")
        };
        assert_eq!(p.meta.name, "");
    }

    #[test]
    fn names_follow_each_kinds_rule() {
        // NameIsDNSSubdomain for Deployments, NameIsDNS1035Label for Services,
        // ValidateNamespaceName (DNS-1123 label) for Namespaces.
        assert_eq!(
            causes(&deploy(&format!("{SELECTOR}, {TEMPLATE}")).replace("name: web}", "name: Web}")),
            [
                "metadata.name: Invalid value: \"Web\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
            ]
        );
        assert_eq!(
            causes(
                "apiVersion: v1\nkind: Service\nmetadata: {name: 1web}\nspec: {ports: [{port: 80}]}\n"
            ),
            [
                "metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
            ]
        );
        assert_eq!(
            causes("apiVersion: v1\nkind: Namespace\nmetadata: {name: a.b}\n"),
            ["metadata.name: Invalid value: \"a.b\": must not contain dots"]
        );
    }

    #[test]
    fn a_generate_name_prefix_may_end_in_a_dash_but_is_otherwise_checked() {
        assert_eq!(
            causes("apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: Web-}\n"),
            [
                "metadata.generateName: Invalid value: \"Web-\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
            ]
        );
    }

    #[test]
    fn labels_are_checked_at_their_key() {
        let c = causes(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {ok: x, bad: \"-x\"}\n",
        );
        assert_eq!(
            c,
            [
                "metadata.labels: Invalid value: \"-x\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
            ]
        );
        let p = extract_one("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {ok: x, bad: \"-x\"}\n").unwrap_err();
        // Column of the key `bad`.
        assert_eq!((p[0].span.line, p[0].span.col), (5, 19));
    }

    // --- Deployments (apps/validation ValidateDeploymentSpec; apps/v1 defaults) ---------

    #[test]
    fn pre_stop_handlers_are_read_as_durations() {
        let of = |h: &str| {
            pod_of(&pod_yaml(&format!(
                "containers: [{{name: c, image: nginx, lifecycle: {{preStop: {h}}}}}]"
            )))
            .spec
            .containers[0]
                .pre_stop_us
        };
        assert_eq!(of("{sleep: {seconds: 5}}"), Some(5_000_000));
        assert_eq!(
            of("{exec: {command: [sh, -c, \"sleep 3\"]}}"),
            Some(3_000_000)
        );
        assert_eq!(of("{httpGet: {path: /quit, port: 80}}"), Some(0));
    }

    #[test]
    fn a_deployment_takes_the_apps_v1_defaults() {
        // facts B.1: replicas 1, RollingUpdate 25%/25%, revisionHistoryLimit 10,
        // progressDeadlineSeconds 600, minReadySeconds 0.
        let d = deployment_of(&deploy(&format!("{SELECTOR}, {TEMPLATE}")));
        assert_eq!(d.spec.replicas, 1);
        assert_eq!(
            d.spec.strategy,
            Strategy::RollingUpdate {
                max_surge: IntOrPercent::Percent(25),
                max_unavailable: IntOrPercent::Percent(25)
            }
        );
        assert_eq!(d.spec.revision_history_limit, 10);
        assert_eq!(d.spec.progress_deadline_seconds, 600);
        assert_eq!(d.spec.min_ready_seconds, 0);
        assert!(!d.spec.paused);
        assert_eq!(d.meta.namespace, None);
        assert_eq!(d.meta.uid, 0);
        let c = &d.spec.template.spec.containers[0];
        assert_eq!(c.pull_policy, PullPolicy::Always);
        assert_eq!(d.spec.template.spec.restart_policy, RestartPolicy::Always);
        assert!(d.spec.selector.matches(&d.spec.template.labels));
    }

    #[test]
    fn a_missing_rolling_update_field_takes_its_own_default() {
        let d = deployment_of(&deploy(&format!(
            "{SELECTOR}, {TEMPLATE}, strategy: {{rollingUpdate: {{maxSurge: 2}}}}"
        )));
        assert_eq!(
            d.spec.strategy,
            Strategy::RollingUpdate {
                max_surge: IntOrPercent::Int(2),
                max_unavailable: IntOrPercent::Percent(25)
            }
        );
    }

    #[test]
    fn selectors_must_be_present_valid_non_empty_and_match_the_template() {
        // ValidateDeploymentSpec: empty selector.
        assert_eq!(
            causes(&deploy(&format!("selector: {{}}, {TEMPLATE}"))),
            ["spec.selector: Invalid value: {}: empty selector is invalid for deployment"]
        );
        // An invalid selector: ValidateLabelSelector's cause, then "invalid label selector";
        // the template is not validated (its missing image is not reported).
        assert_eq!(
            causes(&deploy(
                "selector: {matchExpressions: [{key: app, operator: In}]}, template: {spec: {containers: [{name: c}]}}"
            )),
            [
                "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
                "spec.selector: Invalid value: {\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"In\"}]}: invalid label selector",
            ]
        );
        // A template without labels prints them as `null`.
        assert_eq!(
            causes(&deploy(&format!(
                "{SELECTOR}, template: {{spec: {{containers: [{{name: c, image: nginx}}]}}}}"
            ))),
            [
                "spec.template.metadata.labels: Invalid value: null: `selector` does not match template `labels`"
            ]
        );
    }

    #[test]
    fn a_workload_template_must_restart_always() {
        assert_eq!(
            causes(&deploy(&format!(
                "{SELECTOR}, template: {{metadata: {{labels: {{app: web}}}}, spec: {{restartPolicy: Never, containers: [{{name: c, image: nginx}}]}}}}"
            ))),
            [
                "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""
            ]
        );
    }

    #[test]
    fn rolling_update_parameters_follow_validate_rolling_update_deployment() {
        let with = |ru: &str| {
            causes(&deploy(&format!(
                "{SELECTOR}, {TEMPLATE}, strategy: {{rollingUpdate: {{{ru}}}}}"
            )))
        };
        assert_eq!(
            with("maxSurge: 0, maxUnavailable: 0"),
            [
                "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"
            ]
        );
        assert_eq!(
            with("maxSurge: 0%, maxUnavailable: 0%"),
            [
                "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"0%\": may not be 0 when `maxSurge` is 0"
            ]
        );
        assert_eq!(
            with("maxUnavailable: 150%"),
            [
                "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"150%\": must not be greater than 100%"
            ]
        );
        assert_eq!(
            with("maxSurge: -1"),
            [
                "spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0"
            ]
        );
        // IsValidPercent: a quoted number is a string, not an int.
        assert_eq!(
            with("maxSurge: \"1\""),
            [
                "spec.strategy.rollingUpdate.maxSurge: Invalid value: \"1\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"
            ]
        );
        assert_eq!(
            causes(&deploy(&format!(
                "{SELECTOR}, {TEMPLATE}, strategy: {{type: Recreate, rollingUpdate: {{maxSurge: 1}}}}"
            ))),
            [
                "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"
            ]
        );
        let d = deployment_of(&deploy(&format!(
            "{SELECTOR}, {TEMPLATE}, strategy: {{type: Recreate}}"
        )));
        assert_eq!(d.spec.strategy, Strategy::Recreate);
    }

    #[test]
    fn deployment_timing_fields_are_checked_after_defaulting() {
        assert_eq!(
            causes(&deploy(&format!(
                "{SELECTOR}, {TEMPLATE}, minReadySeconds: -1"
            ))),
            ["spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0"]
        );
        assert_eq!(
            causes(&deploy(&format!(
                "{SELECTOR}, {TEMPLATE}, minReadySeconds: 10, progressDeadlineSeconds: 10"
            ))),
            [
                "spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds"
            ]
        );
        // The default deadline (600) counts too.
        assert_eq!(
            causes(&deploy(&format!(
                "{SELECTOR}, {TEMPLATE}, minReadySeconds: 600"
            ))),
            [
                "spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"
            ]
        );
        assert_eq!(
            causes(&deploy(&format!(
                "{SELECTOR}, {TEMPLATE}, revisionHistoryLimit: -2"
            ))),
            ["spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0"]
        );
        let d = deployment_of(&deploy(&format!(
            "{SELECTOR}, {TEMPLATE}, paused: true, revisionHistoryLimit: 0, minReadySeconds: 5"
        )));
        assert!(d.spec.paused);
        assert_eq!(d.spec.revision_history_limit, 0);
        assert_eq!(d.spec.min_ready_seconds, 5);
    }

    // --- DaemonSets ------------------------------------------------------------------------

    #[test]
    fn a_daemon_set_defaults_and_validates_like_validate_daemon_set_spec() {
        let ds = |spec: &str| {
            format!(
                "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {{name: d}}\nspec: {{{spec}}}\n"
            )
        };
        // SetDefaults_DaemonSet: RollingUpdate, maxUnavailable 1, maxSurge 0.
        let NewObject::DaemonSet(d) = ok(&ds(&format!("{SELECTOR}, {TEMPLATE}"))) else {
            panic!("daemonset expected")
        };
        assert_eq!(d.spec.strategy, DaemonSetStrategy::default());
        assert_eq!(d.spec.template_generation, 1);
        let NewObject::DaemonSet(d) = ok(&ds(&format!(
            "{SELECTOR}, {TEMPLATE}, updateStrategy: {{type: OnDelete}}"
        ))) else {
            panic!("daemonset expected")
        };
        assert_eq!(d.spec.strategy, DaemonSetStrategy::OnDelete);
        assert_eq!(
            causes(&ds(&format!("selector: {{}}, {TEMPLATE}"))),
            ["spec.selector: Invalid value: {}: empty selector is invalid for daemonset"]
        );
        // ValidateRollingUpdateDaemonSet: exactly one of maxUnavailable and maxSurge.
        assert_eq!(
            causes(&ds(&format!(
                "{SELECTOR}, {TEMPLATE}, updateStrategy: {{rollingUpdate: {{maxUnavailable: 0}}}}"
            ))),
            [
                "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0"
            ]
        );
        assert_eq!(
            causes(&ds(&format!(
                "{SELECTOR}, {TEMPLATE}, updateStrategy: {{rollingUpdate: {{maxSurge: 1}}}}"
            ))),
            [
                "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero"
            ]
        );
    }

    // --- ReplicaSets and ReplicationControllers ------------------------------------------

    #[test]
    fn a_replica_set_has_the_deployment_selector_rules() {
        let rs = |spec: &str| {
            format!(
                "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {{name: r}}\nspec: {{{spec}}}\n"
            )
        };
        // ValidateReplicaSetSpec says "for deployment" too.
        assert_eq!(
            causes(&rs(&format!("selector: {{}}, {TEMPLATE}"))),
            ["spec.selector: Invalid value: {}: empty selector is invalid for deployment"]
        );
        assert_eq!(
            causes(&rs(&format!("replicas: -3, {SELECTOR}, {TEMPLATE}"))),
            ["spec.replicas: Invalid value: -3: must be greater than or equal to 0"]
        );
        let NewObject::ReplicaSet(r) = ok(&rs(&format!("{SELECTOR}, {TEMPLATE}"))) else {
            panic!("replicaset expected")
        };
        assert!(!r.legacy_rc);
        assert_eq!(r.spec.replicas, 1);
    }

    #[test]
    fn a_replication_controller_selector_defaults_to_its_template_labels() {
        // SetDefaults_ReplicationController (facts B.6).
        let NewObject::ReplicaSet(rc) = ok(
            "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: rc}\nspec:\n  template: {metadata: {labels: {app: a}}, spec: {containers: [{name: c, image: nginx}]}}\n",
        ) else {
            panic!("rc expected")
        };
        assert!(rc.legacy_rc);
        assert_eq!(rc.spec.selector.to_string(), "app=a");
        assert_eq!(rc.meta.labels.get("app"), Some("a"));
        assert_eq!(rc.spec.replicas, 1);
        assert_eq!(
            causes(
                "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: rc}\nspec:\n  selector: {app: b}\n  template: {metadata: {labels: {app: a}}, spec: {containers: [{name: c, image: nginx}]}}\n"
            ),
            [
                "spec.template.metadata.labels: Invalid value: {\"app\":\"a\"}: `selector` does not match template `labels`"
            ]
        );
        assert_eq!(
            causes(
                "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: rc}\nspec: {replicas: 1}\n"
            ),
            [
                "spec.selector: Required value",
                "spec.template: Required value"
            ]
        );
    }

    // --- Pod specs (core validation ValidatePodSpec and friends) -------------------------

    #[test]
    fn a_pod_takes_the_core_v1_defaults() {
        // facts B.9 / B.10: restartPolicy Always, grace 30s, default-scheduler, pull policy
        // by tag; priority 0 without PriorityClasses.
        let p = pod_of(&pod_yaml(
            "containers: [{name: a, image: nginx}, {name: b, image: \"nginx:1.25\"}]",
        ));
        assert_eq!(p.spec.restart_policy, RestartPolicy::Always);
        assert_eq!(p.spec.termination_grace_seconds, 30);
        assert_eq!(p.spec.scheduler_name, "default-scheduler");
        assert_eq!(p.spec.priority, 0);
        assert_eq!(p.spec.containers[0].pull_policy, PullPolicy::Always);
        assert_eq!(p.spec.containers[1].pull_policy, PullPolicy::IfNotPresent);
        assert_eq!(p.spec.node_name, None);
        assert!(!p.spec.host_network);
        let p = pod_of(&pod_yaml(
            "restartPolicy: Never, terminationGracePeriodSeconds: 5, hostNetwork: true, nodeName: aks-n-1, schedulerName: my-sched, nodeSelector: {disk: ssd}, initContainers: [{name: i, image: busybox}], containers: [{name: a, image: nginx, imagePullPolicy: Never}]",
        ));
        assert_eq!(p.spec.restart_policy, RestartPolicy::Never);
        assert_eq!(p.spec.termination_grace_seconds, 5);
        assert!(p.spec.host_network);
        assert_eq!(p.spec.node_name.as_deref(), Some("aks-n-1"));
        assert_eq!(p.spec.scheduler_name, "my-sched");
        assert_eq!(p.spec.node_selector.get("disk"), Some("ssd"));
        assert_eq!(p.spec.init_containers.len(), 1);
        assert_eq!(p.spec.init_containers[0].image, "busybox");
        assert_eq!(p.spec.containers[0].pull_policy, PullPolicy::Never);
    }

    #[test]
    fn env_and_volume_references_to_config_maps_and_secrets_are_kept_in_kubelet_order() {
        // makeEnvironmentVariables reads envFrom before env; volumes name their object in
        // configMap.name and secret.secretName.
        let p = pod_of(&pod_yaml(
            "volumes: [{name: cfg, configMap: {name: app}}, {name: tls, secret: {secretName: cert, optional: true}}, {name: tmp, emptyDir: {}}], containers: [{name: a, image: nginx, env: [{name: A, value: x}, {name: B, valueFrom: {secretKeyRef: {name: db, key: password}}}], envFrom: [{configMapRef: {name: app, optional: true}}]}]",
        ));
        let env: Vec<_> = p.spec.containers[0]
            .env_sources
            .iter()
            .map(|e| (e.kind, e.name.as_str(), e.key.as_deref(), e.optional))
            .collect();
        assert_eq!(
            env,
            [
                (ConfigKind::ConfigMap, "app", None, true),
                (ConfigKind::Secret, "db", Some("password"), false)
            ]
        );
        let volumes: Vec<_> = p
            .spec
            .config_volumes
            .iter()
            .map(|v| (v.volume.as_str(), v.kind, v.name.as_str(), v.optional))
            .collect();
        assert_eq!(
            volumes,
            [
                ("cfg", ConfigKind::ConfigMap, "app", false),
                ("tls", ConfigKind::Secret, "cert", true)
            ]
        );
        // validateConfigMapKeySelector and validateSecretVolumeSource require the name.
        assert_eq!(
            causes(&pod_yaml(
                "volumes: [{name: v, secret: {}}], containers: [{name: a, image: nginx, env: [{name: B, valueFrom: {configMapKeyRef: {key: k}}}]}]"
            )),
            [
                "spec.containers[0].env[0].valueFrom.configMapKeyRef.name: Required value",
                "spec.volumes[0].secret.secretName: Required value"
            ]
        );
    }

    #[test]
    fn container_names_are_dns_labels_and_unique() {
        assert_eq!(
            causes(&pod_yaml(
                "containers: [{name: a.b, image: x}, {name: c, image: x}, {name: c, image: x}]"
            )),
            [
                "spec.containers[0].name: Invalid value: \"a.b\": must not contain dots",
                "spec.containers[2].name: Duplicate value: \"c\"",
            ]
        );
        assert_eq!(
            causes(&pod_yaml(
                "initContainers: [{name: c, image: x}], containers: [{name: c, image: x}]"
            )),
            ["spec.initContainers[0].name: Duplicate value: \"c\""]
        );
    }

    #[test]
    fn container_ports_follow_validate_container_ports() {
        assert_eq!(
            causes(&pod_yaml(
                "containers: [{name: c, image: x, ports: [{containerPort: 70000}, {containerPort: 80, name: HTTP}, {containerPort: 81, name: web}, {containerPort: 82, name: web}, {containerPort: 83, hostPort: -1}]}]"
            )),
            [
                "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
                "spec.containers[0].ports[1].name: Invalid value: \"HTTP\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                "spec.containers[0].ports[1].name: Invalid value: \"HTTP\": must contain at least one letter (a-z)",
                "spec.containers[0].ports[3].name: Duplicate value: \"web\"",
                "spec.containers[0].ports[4].hostPort: Invalid value: -1: must be between 1 and 65535, inclusive",
            ]
        );
        let p = pod_of(&pod_yaml(
            "containers: [{name: c, image: x, ports: [{containerPort: 80}, {containerPort: 53, protocol: UDP}]}]",
        ));
        assert_eq!(
            p.spec.containers[0].ports,
            [(80, "TCP".to_string()), (53, "UDP".to_string())]
        );
    }

    #[test]
    fn resources_are_quantities_with_requests_at_most_limits() {
        // ValidateContainerResourceRequirements: reported at `resources.requests`.
        assert_eq!(
            causes(&pod_yaml(
                "containers: [{name: c, image: x, resources: {requests: {cpu: \"2\"}, limits: {cpu: \"1\"}}}]"
            )),
            [
                "spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1"
            ]
        );
        assert_eq!(
            causes(&pod_yaml(
                "containers: [{name: c, image: x, resources: {limits: {cpu: 1x}, requests: {memory: \"-1Mi\"}}}]"
            )),
            [
                // parseQuantityString: `x` is not a suffix character → ErrFormatWrong.
                "spec.containers[0].resources.limits[cpu]: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
                "spec.containers[0].resources.requests[memory]: Invalid value: \"-1Mi\": must be greater than or equal to 0",
            ]
        );
        // SetDefaults_Pod: limits without requests set the requests.
        let p = pod_of(&pod_yaml(
            "containers: [{name: c, image: x, resources: {limits: {cpu: 500m, memory: 128Mi}, requests: {cpu: 0.25}}}]",
        ));
        let c = &p.spec.containers[0];
        assert_eq!(
            c.limits,
            Resources {
                cpu_milli: 500,
                memory: 134_217_728
            }
        );
        assert_eq!(
            c.requests,
            Resources {
                cpu_milli: 250,
                memory: 134_217_728
            }
        );
    }

    #[test]
    fn tolerations_follow_validate_tolerations() {
        let t = pod_of(&pod_yaml(
            "containers: [{name: c, image: x}], tolerations: [{key: a, operator: Exists}, {key: b, value: v, effect: NoExecute, tolerationSeconds: 30}, {key: c}]",
        ))
        .spec
        .tolerations
        .clone();
        assert!(t[0].exists);
        assert_eq!(t[1].effect, Some(TaintEffect::NoExecute));
        assert_eq!(t[1].seconds, Some(30));
        assert!(!t[2].exists);
        assert_eq!(t[2].value, "");
        assert_eq!(
            causes(&pod_yaml(
                "containers: [{name: c, image: x}], tolerations: [{key: a, operator: Exists, value: v, effect: NoSchedule}, {operator: Equal, value: v}, {key: b, effect: NoSchedule, tolerationSeconds: 5}]"
            )),
            [
                "spec.tolerations[0].operator: Invalid value: {\"Key\":\"a\",\"Operator\":\"Exists\",\"Value\":\"v\",\"Effect\":\"NoSchedule\",\"TolerationSeconds\":null}: value must be empty when `operator` is 'Exists'",
                "spec.tolerations[1].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
                "spec.tolerations[2].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
            ]
        );
    }

    #[test]
    fn pod_level_names_are_checked() {
        assert_eq!(
            causes(&pod_yaml(
                "nodeName: Bad_Node, containers: [{name: c, image: x}]"
            ))
            .len(),
            1
        );
        assert_eq!(
            causes(&pod_yaml(
                "nodeSelector: {\"a/b/c\": x}, containers: [{name: c, image: x}]"
            ))[0]
                .split(": Invalid value")
                .next(),
            Some("spec.nodeSelector")
        );
    }

    // --- Services (core validation ValidateService; SetDefaults_Service) -----------------

    #[test]
    fn a_service_takes_the_core_v1_defaults() {
        let s = service_of(
            "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}], selector: {app: a}}\n",
        );
        assert_eq!(s.service_type, ServiceType::ClusterIP);
        assert_eq!(
            s.ports,
            [ServicePort {
                name: None,
                protocol: "TCP".into(),
                port: 80,
                target_port: "80".into(),
                node_port: None
            }]
        );
        assert_eq!(s.selector.as_ref().and_then(|l| l.get("app")), Some("a"));
        assert!(!s.headless);
        let s = service_of(
            "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {clusterIP: None, selector: {}}\n",
        );
        assert!(s.headless);
        assert_eq!(s.selector, None);
        let s = service_of(
            "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: NodePort, clusterIP: 10.0.0.50, externalIPs: [1.2.3.4], ports: [{name: a, port: 80, targetPort: http, nodePort: 30080}, {name: b, port: 81, protocol: UDP}]}\n",
        );
        assert_eq!(s.cluster_ip, Some(std::net::Ipv4Addr::new(10, 0, 0, 50)));
        assert_eq!(s.ports[0].node_port, Some(30080));
        assert_eq!(s.ports[0].target_port, "http");
        assert_eq!(s.ports[1].protocol, "UDP");
        assert_eq!(s.external_ips, ["1.2.3.4"]);
    }

    #[test]
    fn service_ports_follow_validate_service_port() {
        let svc = |spec: &str| {
            causes(&format!(
                "apiVersion: v1\nkind: Service\nmetadata: {{name: s}}\nspec: {{{spec}}}\n"
            ))
        };
        assert_eq!(
            svc("ports: [{name: a, port: 80}, {port: 81}, {name: a, port: 82}]"),
            [
                "spec.ports[1].name: Required value",
                "spec.ports[2].name: Duplicate value: \"a\"",
            ]
        );
        assert_eq!(
            svc("ports: [{port: 70000, targetPort: \"8080\"}]"),
            [
                "spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
                "spec.ports[0].targetPort: Invalid value: \"8080\": must contain at least one letter (a-z)",
            ]
        );
        assert_eq!(svc("selector: {app: a}"), ["spec.ports: Required value"]);
        assert_eq!(
            svc("ports: [{port: 80, nodePort: 30001}]"),
            ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]
        );
        assert_eq!(
            svc("type: ExternalName"),
            ["spec.externalName: Required value"]
        );
        assert_eq!(
            svc("ports: [{port: 80}], externalIPs: [nope]"),
            [
                "spec.externalIPs[0]: Invalid value: \"nope\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
            ]
        );
        let NewObject::Service(s) = ok(
            "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: ExternalName, externalName: db.example.com.}\n",
        ) else {
            panic!("service expected")
        };
        assert_eq!(s.external_name.as_deref(), Some("db.example.com."));
    }

    // --- ConfigMaps, Secrets, Namespaces, other kinds ------------------------------------

    #[test]
    fn config_data_counts_keys_and_checks_their_names() {
        let NewObject::ConfigMap(c) = ok(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: v1, b.c: v2}\nbinaryData: {d: eA==}\n",
        ) else {
            panic!("configmap expected")
        };
        assert_eq!(c.keys, 3);
        assert_eq!(c.secret_type, None);
        // IsConfigMapKey, with RegexError's double space.
        assert_eq!(
            causes("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {\"a b\": x}\n"),
            [
                "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
            ]
        );
        let NewObject::Secret(s) = ok(
            "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {a: eA==}\nstringData: {a: v1, b: v2}\n",
        ) else {
            panic!("secret expected")
        };
        assert_eq!(s.keys, 2);
        assert_eq!(s.secret_type.as_deref(), Some("Opaque"));
        assert_eq!(
            causes("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {..x: v}\n"),
            ["data[..x]: Invalid value: \"..x\": must not start with '..'"]
        );
    }

    #[test]
    fn kinds_kubesim_does_not_simulate_are_stored_as_other() {
        let o = ok(
            "apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata: {name: db, labels: {a: b}}\nhandler: runc\n",
        );
        let NewObject::Other(o) = o else {
            panic!("other expected")
        };
        assert_eq!(
            (o.api_version.as_str(), o.kind.as_str()),
            ("node.k8s.io/v1", "RuntimeClass")
        );
        assert_eq!(o.meta.name, "db");
        assert_eq!(o.meta.labels.get("a"), Some("b"));
    }

    // --- imperative commands ------------------------------------------------------------

    #[test]
    fn kubectl_run_makes_a_pod_labelled_run_name() {
        let Ok(NewObject::Pod(p)) = run_pod("web", "nginx", None, Some(80), RestartPolicy::Never)
        else {
            panic!("pod expected")
        };
        assert_eq!(p.meta.name, "web");
        assert_eq!(p.meta.labels.format(), "run=web");
        assert_eq!(p.spec.containers[0].name, "web");
        assert_eq!(p.spec.containers[0].image, "nginx");
        assert_eq!(p.spec.containers[0].ports, [(80, "TCP".to_string())]);
        assert_eq!(p.spec.restart_policy, RestartPolicy::Never);
        let Ok(NewObject::Pod(p)) = run_pod(
            "web",
            "nginx",
            Some("app=a,tier=b"),
            None,
            RestartPolicy::Always,
        ) else {
            panic!("pod expected")
        };
        assert_eq!(p.meta.labels.format(), "app=a,tier=b");
        assert!(p.spec.containers[0].ports.is_empty());
    }

    #[test]
    fn kubectl_run_reports_its_own_and_the_servers_errors() {
        // generate.ParseLabels and run.go's image check.
        assert_eq!(
            run_pod("web", "nginx", Some("app"), None, RestartPolicy::Always).unwrap_err(),
            "error: unexpected label spec: app"
        );
        assert_eq!(
            run_pod("web", "nginx", Some("=a"), None, RestartPolicy::Always).unwrap_err(),
            "error: unexpected empty label key"
        );
        assert_eq!(
            run_pod("web", "Nginx", None, None, RestartPolicy::Always).unwrap_err(),
            "error: Invalid image name \"Nginx\": invalid reference format"
        );
        assert_eq!(
            run_pod("my.pod", "nginx", None, None, RestartPolicy::Always).unwrap_err(),
            "The Pod \"my.pod\" is invalid: spec.containers[0].name: Invalid value: \"my.pod\": must not contain dots"
        );
    }

    #[test]
    fn image_references_follow_the_distribution_grammar() {
        for good in [
            "nginx",
            "nginx:1.25",
            "library/nginx:latest",
            "mcr.microsoft.com/azuredocs/aci-helloworld",
            "localhost:5000/app:v1",
            "[::1]:5000/app",
            "Registry.Example.com/app",
            "tacracr.azurecr.io/tapp:latest",
            "my_app__x",
            "a--b",
            "app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert!(is_image_reference(good), "{good}");
        }
        for bad in [
            "Nginx",
            "nginx:",
            ":tag",
            "a b",
            "nginx/",
            "a...b",
            "app@sha256:12",
            "-a",
        ] {
            assert!(!is_image_reference(bad), "{bad}");
        }
    }

    #[test]
    fn kubectl_create_deployment_labels_app_and_names_the_container_after_the_image() {
        // docs/scenario.md#names.
        let Ok(NewObject::Deployment(d)) = create_deployment(
            "hello",
            "mcr.microsoft.com/azuredocs/aci-helloworld:v1",
            3,
            Some(8080),
        ) else {
            panic!("deployment expected")
        };
        assert_eq!(d.meta.labels.format(), "app=hello");
        assert_eq!(d.spec.selector.to_string(), "app=hello");
        assert_eq!(d.spec.template.labels.format(), "app=hello");
        assert_eq!(d.spec.replicas, 3);
        let c = &d.spec.template.spec.containers[0];
        assert_eq!(c.name, "aci-helloworld");
        assert_eq!(c.ports, [(8080, "TCP".to_string())]);
        assert_eq!(container_name_for("repo/app@sha256:abc"), "app");
        assert_eq!(
            container_name_for("localhost:5000/my_app.v2:1"),
            "my-app-v2"
        );
        assert_eq!(
            create_deployment("web", "nginx", -1, None).unwrap_err(),
            "The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"
        );
    }

    #[test]
    fn kubectl_create_namespace_checks_the_name_as_a_dns_label() {
        let Ok(NewObject::Namespace(n)) = create_namespace("prod") else {
            panic!("namespace expected")
        };
        assert_eq!(n.meta.name, "prod");
        assert_eq!(
            create_namespace("Prod").unwrap_err(),
            "The Namespace \"Prod\" is invalid: metadata.name: Invalid value: \"Prod\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
        );
    }

    // --- corpora ------------------------------------------------------------------------

    fn corpus() -> Option<PathBuf> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        dir.is_dir().then_some(dir)
    }

    fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
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

    fn seed(file: &str) -> Vec<NewObject> {
        let dir = corpus()
            .expect("checked by the caller")
            .join("seed-examples");
        let src = std::fs::read_to_string(dir.join(file)).expect("readable");
        let (docs, problems) = read_manifests(&src);
        assert!(problems.is_empty(), "{file}: {problems:?}");
        docs.iter()
            .map(|d| extract(d).unwrap_or_else(|p| panic!("{file}: {p:?}")))
            .collect()
    }

    #[test]
    fn every_seed_example_extracts_with_its_documented_fields() {
        // The expectations are those of seed-examples/README.md.
        if corpus().is_none() {
            println!("skipped: ../shared/corpus is not here");
            return;
        }
        let seeded1 = seed("deployment-rolling.yaml");
        let [NewObject::Deployment(d)] = seeded1.as_slice() else {
            panic!("deployment-rolling.yaml: one Deployment")
        };
        assert_eq!(d.meta.name, "tappdeployment");
        assert_eq!(d.spec.replicas, 3);
        assert_eq!(
            d.spec.strategy,
            Strategy::RollingUpdate {
                max_surge: IntOrPercent::Int(1),
                max_unavailable: IntOrPercent::Int(1)
            }
        );
        assert_eq!(d.spec.selector.to_string(), "appname=myappnew");
        assert_eq!(
            d.spec.template.spec.containers[0].image,
            "tacracr.azurecr.io/tapp:latest"
        );
        assert_eq!(
            d.spec.template.spec.containers[0].ports,
            [(80, "TCP".to_string())]
        );

        let seeded2 = seed("replicaset.yaml");
        let [NewObject::ReplicaSet(rs)] = seeded2.as_slice() else {
            panic!("replicaset.yaml: one ReplicaSet")
        };
        assert_eq!((rs.spec.replicas, rs.legacy_rc), (3, false));
        assert_eq!(rs.spec.selector.to_string(), "appname=myappnew");

        let seeded3 = seed("pod.yaml");
        let [NewObject::Pod(p)] = seeded3.as_slice() else {
            panic!("pod.yaml: one Pod")
        };
        assert_eq!(p.meta.labels.format(), "appname=tapp,ostype=linux");
        assert_eq!(p.spec.containers[0].pull_policy, PullPolicy::Always);

        let seeded4 = seed("nginx-pod.yaml");
        let [NewObject::Pod(p)] = seeded4.as_slice() else {
            panic!("nginx-pod.yaml: one Pod")
        };
        assert_eq!(p.spec.containers[0].name, "wenserver-2-container");
        assert_eq!(p.spec.containers[0].image, "nginx");

        let seeded5 = seed("service-loadbalancer.yaml");
        let [NewObject::Service(s)] = seeded5.as_slice() else {
            panic!("service-loadbalancer.yaml: one Service")
        };
        assert_eq!(s.service_type, ServiceType::LoadBalancer);
        assert_eq!(
            (s.ports[0].port, s.ports[0].target_port.as_str()),
            (8080, "80")
        );
        assert_eq!(
            s.selector.as_ref().map(Labels::format).as_deref(),
            Some("appname=myappnew")
        );

        let objects = seed("nginx-deployment-and-services.yaml");
        let [
            NewObject::Deployment(d),
            NewObject::Service(a),
            NewObject::Service(b),
        ] = objects.as_slice()
        else {
            panic!("nginx-deployment-and-services.yaml: Deployment, Service, Service")
        };
        assert_eq!((d.meta.name.as_str(), d.spec.replicas), ("nginx-server", 6));
        assert_eq!(d.spec.template.spec.containers[0].image, "nginx");
        assert_eq!(
            (a.service_type, a.ports[0].target_port.as_str()),
            (ServiceType::ClusterIP, "80")
        );
        assert_eq!(b.service_type, ServiceType::LoadBalancer);

        let seeded6 = seed("virtual-node-pod-fragment.yaml");
        let [NewObject::Deployment(d)] = seeded6.as_slice() else {
            panic!("virtual-node-pod-fragment.yaml: one Deployment")
        };
        assert_eq!(d.spec.replicas, 2);
        let spec = &d.spec.template.spec;
        assert_eq!(
            spec.containers[0].image,
            "mcr.microsoft.com/azuredocs/aci-helloworld"
        );
        assert_eq!(spec.node_selector.get("type"), Some("virtual-kubelet"));
        assert_eq!(
            spec.tolerations,
            [
                Toleration {
                    key: "virtual-kubelet.io/provider".into(),
                    exists: true,
                    value: String::new(),
                    effect: None,
                    seconds: None
                },
                Toleration {
                    key: "azure.com/aci".into(),
                    exists: false,
                    value: String::new(),
                    effect: Some(TaintEffect::NoSchedule),
                    seconds: None
                },
            ]
        );
    }

    #[test]
    fn the_real_manifest_corpus_extracts_without_panicking() {
        let Some(dir) = corpus() else {
            println!("skipped: ../shared/corpus is not here");
            return;
        };
        let root = dir.join("real-manifests");
        let mut files = Vec::new();
        yaml_files(&root, &mut files);
        let (mut clean, mut rejected, mut other) = (0, 0, 0);
        let mut details = Vec::new();
        for f in &files {
            let src = std::fs::read_to_string(f).expect("readable");
            let (docs, _) = read_manifests(&src);
            let rel = f.strip_prefix(&root).unwrap_or(f).display().to_string();
            for d in &docs {
                match extract(d) {
                    Ok(NewObject::Other(_)) => other += 1,
                    Ok(_) => clean += 1,
                    Err(problems) => {
                        rejected += 1;
                        for p in problems {
                            details.push(format!("{rel}:{}:{}: {p}", p.span.line, p.span.col));
                        }
                    }
                }
            }
        }
        println!(
            "{} files: {clean} simulated objects extracted, {other} stored as other kinds, {rejected} rejected",
            files.len()
        );
        for d in &details {
            println!("      {d}");
        }
        assert!(clean > 100, "{clean}");
    }

    proptest::proptest! {
        #[test]
        fn extraction_never_panics_on_arbitrary_documents(
            kind in proptest::sample::select(vec!["Pod", "Deployment", "ReplicaSet", "ReplicationController", "Service", "ConfigMap", "Secret", "Namespace"]),
            body in "[ -~\n]{0,200}",
        ) {
            let api = if matches!(kind, "Deployment" | "ReplicaSet") { "apps/v1" } else { "v1" };
            let src = format!("apiVersion: {api}\nkind: {kind}\n{body}");
            let (docs, _) = read_manifests(&src);
            for d in &docs {
                let _ = extract(d);
            }
        }
    }

    #[test]
    fn a_bad_quantity_gets_the_kubernetes_spelling_as_help() {
        // Suffixes from apimachinery pkg/api/resource/suffix.go: decimal k M G T P E,
        // binary Ki Mi Gi Ti Pi Ei, and m for milli.
        let cases = [
            (
                "1GB",
                Some("did you mean \"1G\" (powers of 1000) or \"1Gi\" (powers of 1024)?"),
            ),
            (
                "512MiB",
                Some("did you mean \"512M\" (powers of 1000) or \"512Mi\" (powers of 1024)?"),
            ),
            (
                "4kb",
                Some("did you mean \"4k\" (powers of 1000) or \"4Ki\" (powers of 1024)?"),
            ),
            ("2 cores", Some("did you mean \"2\"?")),
            ("500 millicores", Some("did you mean \"500m\"?")),
            ("500 m", Some("did you mean \"500m\"?")),
            ("2 Gi", Some("did you mean \"2Gi\"?")),
            ("lots", None),
            ("1XB", None),
        ];
        for (text, want) in cases {
            assert_eq!(quantity_hint(text).as_deref(), want, "{text}");
        }
    }

    #[test]
    fn a_bad_quantity_names_its_field_and_suggests_a_fix() {
        let p = extract_one(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: nginx\n    resources: {requests: {memory: 1GB}}\n",
        )
        .unwrap_err();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].path, "spec.containers[0].resources.requests[memory]");
        // apimachinery quantity.go ErrFormatWrong.
        assert_eq!(
            p[0].message,
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        );
        assert_eq!((p[0].span.line, p[0].span.col), (8, 36));
        assert!(p[0].help.as_deref().is_some_and(|h| h.contains("\"1Gi\"")));
    }
}
