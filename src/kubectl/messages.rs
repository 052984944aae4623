//! What kubectl prints after a command: success lines and error text, character for
//! character (kubectl-output reference §6 and §7), for kubectl 1.35 against a 1.35 server.
//!
//! Sources: `cli-runtime/pkg/printers/name.go` (name printer), `kubectl/pkg/cmd/delete/delete.go`
//! (`PrintObj`), `kubectl/pkg/cmd/util/helpers.go` (`checkErr`, `StandardErrorMessage`,
//! `AddSourceToErr`, `MultilineError`), `apimachinery/pkg/api/errors/errors.go` (status
//! messages), `apiserver/pkg/endpoints/handlers/rest.go` (`transformDecodeError`),
//! `apimachinery/pkg/runtime/error.go` (strict decoding), `apimachinery/pkg/api/meta/errors.go`
//! and `cli-runtime/pkg/resource/mapper.go` (no matches for kind).
//!
//! Every function returns the text without the final newline; the caller writes it (success
//! lines to stdout, errors to stderr) followed by `\n`.

use std::fmt;

use crate::model::kind::Kind;

pub use super::table::no_resources_message;

/// The operation word the name printer appends (reference §6.1, `NewPrintFlags("…")`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// `apply` of a new object, `create`, `run`.
    Created,
    /// `apply` whose patch changed something.
    Configured,
    /// `apply` whose patch is `{}`.
    Unchanged,
    /// `scale`.
    Scaled,
}

impl Operation {
    /// The word as kubectl prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Created => "created",
            Operation::Configured => "configured",
            Operation::Unchanged => "unchanged",
            Operation::Scaled => "scaled",
        }
    }
}

/// The success line of `apply`, `create`, `run` and `scale` (reference §6.1, `name.go`
/// `printObj`): `deployment.apps/nginx created`, `pod/webserver created`,
/// `namespace/dev created`. An empty name prints `<unknown>`, as kubectl does for an object
/// without one.
pub fn printed_name(kind: Kind, name: &str, operation: Operation) -> String {
    format!("{} {}", resource_name(kind, name), operation.as_str())
}

/// `-o name` output and the first half of the success line (reference §6.1): `kind.group/name`
/// with the lower-cased Kind, never the plural (`deployment.apps/nginx`, `pod/web`).
pub fn resource_name(kind: Kind, name: &str) -> String {
    let name = if name.is_empty() { "<unknown>" } else { name };
    format!("{}/{name}", kind.kind_group())
}

/// The line `kubectl delete` prints per deleted object (reference §6.2, `delete.go`
/// `PrintObj`, kubectl ≥ 1.34): `deployment.apps "nginx" deleted from default namespace`,
/// and for cluster-scoped kinds `node "worker-1" deleted` (`namespace` is then unused).
pub fn deleted(kind: Kind, name: &str, namespace: &str) -> String {
    let mut line = format!("{} {} deleted", kind.kind_group(), quote(name));
    if kind.namespaced() {
        line.push_str(&format!(" from {namespace} namespace"));
    }
    line
}

/// The `reason` of an API status, which kubectl prints in parentheses (reference §7.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// 404.
    NotFound,
    /// 409 on create.
    AlreadyExists,
    /// 400, e.g. a strict decoding failure.
    BadRequest,
}

impl Reason {
    /// `metav1.StatusReason` as written in the status and printed by kubectl.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NotFound => "NotFound",
            Reason::AlreadyExists => "AlreadyExists",
            Reason::BadRequest => "BadRequest",
        }
    }
}

/// The file a failing object came from, which kubectl names through
/// `cmdutil.AddSourceToErr(verb, source, err)` (reference §7.1). The source of `apply -f -`
/// (a step's `apply: |`) is `STDIN`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Source<'a> {
    /// `creating` (create, apply of a new object) or `deleting` (delete -f).
    pub verb: &'static str,
    /// The file name as the user gave it.
    pub file: &'a str,
}

impl<'a> Source<'a> {
    /// An object being created from `file`.
    pub fn creating(file: &'a str) -> Self {
        Source {
            verb: "creating",
            file,
        }
    }

    /// An object being deleted because `file` names it.
    pub fn deleting(file: &'a str) -> Self {
        Source {
            verb: "deleting",
            file,
        }
    }

    /// `error when creating "f.yaml": <message>`.
    fn wrap(self, message: &str) -> String {
        format!("error when {} {}: {message}", self.verb, quote(self.file))
    }
}

/// An API status error as kubectl prints it (reference §7.1, `StandardErrorMessage`):
/// `Error from server (<Reason>): [error when <verb> "<file>": ]<message>`.
pub fn error_from_server(reason: Reason, source: Option<Source<'_>>, message: &str) -> String {
    let message = match source {
        Some(s) => s.wrap(message),
        None => message.to_string(),
    };
    format!("Error from server ({}): {message}", reason.as_str())
}

/// The message of a NotFound status (`errors.NewNotFound`: `%s %q not found` with the
/// group-resource): `deployments.apps "x" not found`, `pods "web" not found`.
pub fn not_found_message(kind: Kind, name: &str) -> String {
    format!("{} {} not found", kind.group_resource(), quote(name))
}

/// The message of an AlreadyExists status (`errors.NewAlreadyExists`: `%s %q already exists`).
pub fn already_exists_message(kind: Kind, name: &str) -> String {
    format!("{} {} already exists", kind.group_resource(), quote(name))
}

/// `Error from server (NotFound): pods "web" not found` (reference §7.2); with a source, e.g.
/// `delete -f`, the message gets `error when deleting "f.yaml": ` in front.
pub fn not_found(kind: Kind, name: &str, source: Option<Source<'_>>) -> String {
    error_from_server(Reason::NotFound, source, &not_found_message(kind, name))
}

/// `Error from server (AlreadyExists): [error when creating "nginx.yaml": ]deployments.apps
/// "nginx" already exists` (reference §7.2).
pub fn already_exists(kind: Kind, name: &str, source: Option<Source<'_>>) -> String {
    error_from_server(
        Reason::AlreadyExists,
        source,
        &already_exists_message(kind, name),
    )
}

/// What `kubectl create deployment` prints when the API call fails (reference §6.7): the
/// error is wrapped with `fmt.Errorf`, so it loses its status form and gets `error: `:
/// `error: failed to create deployment: deployments.apps "x" already exists`.
pub fn create_deployment_failed(api_message: &str) -> String {
    format!("error: failed to create deployment: {api_message}")
}

/// One cause of an Invalid (422) status: a field path and the field error body
/// (reference §7.3, `field.Error.ErrorBody`, e.g. `Invalid value: -1: must be greater than or
/// equal to 0`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cause {
    /// `spec.replicas`.
    pub field: String,
    /// The body after the path: `Required value`, `Invalid value: …: …`.
    pub message: String,
}

/// An Invalid (422) error as kubectl prints it (reference §7.4, `checkErr`'s
/// `IsInvalid` branch): no `Error from server` prefix and no source file.
///
/// `kind` is the Kind as written in manifests (`Deployment`; any built-in kind, simulated or
/// not). One distinct cause gives one line; several give `The Deployment "web" is invalid: `
/// (with its trailing space) and one `* field: body` line each. Duplicate causes print once.
/// With no kind and no name the subject is `The request is invalid`.
pub fn invalid(kind: &str, name: &str, causes: &[Cause]) -> String {
    let subject = if kind.is_empty() && name.is_empty() {
        "The request is invalid".to_string()
    } else {
        format!("The {kind} {} is invalid", quote(name))
    };
    let mut distinct: Vec<String> = Vec::new();
    for c in causes {
        let line = format!("{}: {}", c.field, c.message);
        if !distinct.contains(&line) {
            distinct.push(line);
        }
    }
    match distinct.as_slice() {
        [] => subject,
        [one] => format!("{subject}: {one}"),
        many => {
            let mut out = format!("{subject}: ");
            for line in many {
                out.push_str("\n* ");
                out.push_str(line);
            }
            out
        }
    }
}

/// One strict-decoding failure (reference §7.5, `runtime.NewStrictDecodingError`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StrictError {
    /// A field the schema does not have, as a path: `spec.replicaz`,
    /// `spec.template.spec.containers[0].ports[0].containerPorts`.
    UnknownField(String),
    /// A key written twice in one mapping.
    DuplicateField(String),
}

impl fmt::Display for StrictError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StrictError::UnknownField(p) => write!(f, "unknown field {}", quote(p)),
            StrictError::DuplicateField(p) => write!(f, "duplicate field {}", quote(p)),
        }
    }
}

/// The BadRequest kubectl ≥ 1.25 gets for unknown fields (`--validate=strict`, reference §7.5):
/// `Error from server (BadRequest): error when creating "f.yaml": Deployment in version "v1"
/// cannot be handled as a Deployment: strict decoding error: unknown field "spec.replicaz"`.
///
/// `kind` is the manifest's Kind and `version` the version part of its apiVersion (`v1` for
/// both `v1` and `apps/v1`), as `transformDecodeError` formats them; errors are joined with
/// `, `.
pub fn strict_decoding(
    kind: &str,
    version: &str,
    source: Option<Source<'_>>,
    errors: &[StrictError],
) -> String {
    let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
    let message = format!(
        "{kind} in version {} cannot be handled as a {kind}: strict decoding error: {}",
        quote(version),
        list.join(", ")
    );
    error_from_server(Reason::BadRequest, source, &message)
}

/// kubectl ≥ 1.24's two-line error for a manifest whose apiVersion/kind no server serves
/// (reference §7.6, `mapper.go` `InfoForData` wrapping `NoKindMatchError`):
///
/// ```text
/// error: resource mapping not found for name: "x" namespace: "" from "f.yaml": no matches for kind "Deployment" in version "extensions/v1beta1"
/// ensure CRDs are installed first
/// ```
///
/// `namespace` is the one written in the manifest (often empty); `api_version` is written as
/// in the manifest (`group/version`, or `v1` for core).
pub fn no_matches_for_kind(
    name: &str,
    namespace: &str,
    source: &str,
    kind: &str,
    api_version: &str,
) -> String {
    format!(
        "error: resource mapping not found for name: {} namespace: {} from {}: no matches for kind {} in version {}\nensure CRDs are installed first",
        quote(name),
        quote(namespace),
        quote(source),
        quote(kind),
        quote(api_version)
    )
}

/// Go's `%q` (`strconv.Quote`), which every Kubernetes message uses to quote names: double
/// quotes, with `"`, `\` and control characters escaped; printable Unicode kept as is.
pub fn quote(s: &str) -> String {
    crate::model::validation::go_quote(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_printer_uses_the_lower_cased_kind_and_its_group() {
        // reference §6.1 table.
        assert_eq!(
            printed_name(Kind::Deployment, "nginx", Operation::Created),
            "deployment.apps/nginx created"
        );
        assert_eq!(
            printed_name(Kind::Deployment, "nginx", Operation::Configured),
            "deployment.apps/nginx configured"
        );
        assert_eq!(
            printed_name(Kind::Deployment, "nginx", Operation::Unchanged),
            "deployment.apps/nginx unchanged"
        );
        assert_eq!(
            printed_name(Kind::Deployment, "nginx-deployment", Operation::Scaled),
            "deployment.apps/nginx-deployment scaled"
        );
        assert_eq!(
            printed_name(Kind::Pod, "webserver", Operation::Created),
            "pod/webserver created"
        );
        assert_eq!(
            printed_name(Kind::Namespace, "dev", Operation::Created),
            "namespace/dev created"
        );
        assert_eq!(
            printed_name(Kind::ConfigMap, "app-config", Operation::Created),
            "configmap/app-config created"
        );
        assert_eq!(
            printed_name(Kind::Secret, "db-pass", Operation::Created),
            "secret/db-pass created"
        );
        // Mixed apply from a directory [docs].
        assert_eq!(
            printed_name(Kind::Namespace, "notesapp", Operation::Unchanged),
            "namespace/notesapp unchanged"
        );
        assert_eq!(
            printed_name(Kind::Service, "notesapp-service", Operation::Unchanged),
            "service/notesapp-service unchanged"
        );
    }

    #[test]
    fn dash_o_name_prints_kind_and_name_only() {
        // reference §6.1: `-o name` prints `deployment.apps/nginx`; §1.5: `<unknown>` name.
        assert_eq!(
            resource_name(Kind::Deployment, "nginx"),
            "deployment.apps/nginx"
        );
        assert_eq!(resource_name(Kind::Pod, ""), "pod/<unknown>");
    }

    #[test]
    fn delete_names_the_namespace_only_for_namespaced_kinds() {
        // reference §6.2, kubectl ≥ 1.34.
        assert_eq!(
            deleted(Kind::Deployment, "nginx", "default"),
            "deployment.apps \"nginx\" deleted from default namespace"
        );
        assert_eq!(
            deleted(Kind::Node, "worker-1", "default"),
            "node \"worker-1\" deleted"
        );
        assert_eq!(
            deleted(Kind::Pod, "web", "prod"),
            "pod \"web\" deleted from prod namespace"
        );
    }

    #[test]
    fn not_found_and_already_exists_match_the_reference_lines() {
        // reference §7.2 examples.
        assert_eq!(
            not_found(Kind::Deployment, "x", None),
            "Error from server (NotFound): deployments.apps \"x\" not found"
        );
        assert_eq!(
            not_found(Kind::Pod, "web", None),
            "Error from server (NotFound): pods \"web\" not found"
        );
        assert_eq!(
            already_exists(
                Kind::Deployment,
                "nginx",
                Some(Source::creating("nginx.yaml"))
            ),
            "Error from server (AlreadyExists): error when creating \"nginx.yaml\": deployments.apps \"nginx\" already exists"
        );
        assert_eq!(
            already_exists(Kind::Pod, "web", None),
            "Error from server (AlreadyExists): pods \"web\" already exists"
        );
        // reference §7.1: AddSourceToErr with the `deleting` verb.
        assert_eq!(
            not_found(Kind::Service, "web", Some(Source::deleting("svc.yaml"))),
            "Error from server (NotFound): error when deleting \"svc.yaml\": services \"web\" not found"
        );
    }

    #[test]
    fn create_deployment_wraps_the_api_error_with_an_error_prefix() {
        // reference §6.7.
        assert_eq!(
            create_deployment_failed(&already_exists_message(Kind::Deployment, "x")),
            "error: failed to create deployment: deployments.apps \"x\" already exists"
        );
    }

    #[test]
    fn invalid_with_one_cause_is_one_line() {
        // reference §7.4, server ≥ 1.34 example.
        let causes = [Cause {
            field: "spec.template.metadata.labels".into(),
            message: "Invalid value: {\"app\":\"y\"}: `selector` does not match template `labels`"
                .into(),
        }];
        assert_eq!(
            invalid("Deployment", "x", &causes),
            "The Deployment \"x\" is invalid: spec.template.metadata.labels: Invalid value: {\"app\":\"y\"}: `selector` does not match template `labels`"
        );
    }

    #[test]
    fn invalid_with_several_causes_keeps_the_trailing_space_and_drops_duplicates() {
        // reference §7.4 [synth from source]; duplicates removed by statusCausesToAggrError.
        let replicas = Cause {
            field: "spec.replicas".into(),
            message: "Invalid value: -1: must be greater than or equal to 0".into(),
        };
        let image = Cause {
            field: "spec.template.spec.containers[0].image".into(),
            message: "Required value".into(),
        };
        let want = "The Deployment \"web\" is invalid: \n\
                    * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n\
                    * spec.template.spec.containers[0].image: Required value";
        assert_eq!(
            invalid(
                "Deployment",
                "web",
                &[replicas.clone(), image.clone(), replicas.clone()]
            ),
            want
        );
        // Two copies of one cause are one cause: the one-line form.
        assert_eq!(
            invalid("Deployment", "web", &[image.clone(), image]),
            "The Deployment \"web\" is invalid: spec.template.spec.containers[0].image: Required value"
        );
        assert_eq!(invalid("", "", &[]), "The request is invalid");
    }

    #[test]
    fn strict_decoding_errors_match_the_reference_transcripts() {
        // reference §7.5, both examples verbatim.
        assert_eq!(
            strict_decoding(
                "Deployment",
                "v1",
                Some(Source::creating("f.yaml")),
                &[StrictError::UnknownField("spec.replicaz".into())]
            ),
            "Error from server (BadRequest): error when creating \"f.yaml\": Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replicaz\""
        );
        assert_eq!(
            strict_decoding(
                "Deployment",
                "v1",
                Some(Source::creating("redis-deployment.yaml")),
                &[
                    StrictError::UnknownField(
                        "spec.template.spec.containers[0].ports[0].containerPorts".into()
                    ),
                    StrictError::UnknownField(
                        "spec.template.spec.containers[0].volumeMounts[1].moutPath".into()
                    ),
                ]
            ),
            "Error from server (BadRequest): error when creating \"redis-deployment.yaml\": Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.template.spec.containers[0].ports[0].containerPorts\", unknown field \"spec.template.spec.containers[0].volumeMounts[1].moutPath\""
        );
        assert_eq!(
            StrictError::DuplicateField("replicas".into()).to_string(),
            "duplicate field \"replicas\""
        );
    }

    #[test]
    fn no_matches_for_kind_is_the_two_line_form() {
        // reference §7.6, kubectl ≥ 1.24.
        assert_eq!(
            no_matches_for_kind("x", "", "f.yaml", "Deployment", "extensions/v1beta1"),
            "error: resource mapping not found for name: \"x\" namespace: \"\" from \"f.yaml\": no matches for kind \"Deployment\" in version \"extensions/v1beta1\"\nensure CRDs are installed first"
        );
    }

    #[test]
    fn no_resources_found_is_shared_with_the_table_printer() {
        // reference §6.2: delete prints `No resources found` when nothing matched.
        assert_eq!(no_resources_message(None), "No resources found");
    }

    #[test]
    fn quote_escapes_like_go_strconv_quote() {
        assert_eq!(quote("web"), "\"web\"");
        assert_eq!(quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(quote("a\nb\tc\u{1}"), "\"a\\nb\\tc\\x01\"");
        assert_eq!(quote("é"), "\"é\"");
    }
}
