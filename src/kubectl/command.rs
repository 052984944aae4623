//! The v1 kubectl commands (docs/commands.md) as a typed [`Command`], parsed the way kubectl 1.35
//! parses them.
//!
//! Models kubectl's command tree (spf13/cobra: `Find`, `stripFlags`, required flags,
//! unknown-command suggestions), its flag parser (spf13/pflag: `--flag=value`, `--flag value`,
//! `-n value`, `-n=value`, `-nvalue`, grouped booleans `-Aw`, `NoOptDefVal` flags such as
//! `--cascade` and booleans that never take the next word, `--` ending the flags), the
//! resource builder's argument rules (cli-runtime `resource/builder.go`:
//! `ResourceTypeOrNameArgs`, `visitBySelector`, `visitByName`, `visitByPaths`) and each
//! command's own `Complete`/`Validate` checks (`kubectl/pkg/cmd/{apply,delete,run,create,scale,
//! get}`). Error text is kubectl's own, citing where each comes from.
//!
//! Simplifications: only the v1 commands and flags exist. A real kubectl command, subcommand,
//! flag or resource type that kubesim does not simulate is reported as
//! [`CommandError::Unsupported`] (kubesim's wording) rather than as kubectl's "unknown", so a
//! user is never told that valid kubectl is invalid. Resource types resolve against kubesim's
//! own [`Kind`]s, not against discovery; `-f` lists split on commas without CSV quoting; flag
//! names are not normalized (`--all_namespaces` is unknown here, a warning in kubectl).

use std::collections::BTreeMap;
use std::fmt;

use super::messages::quote;
use crate::model::kind::Kind;

// ---------------------------------------------------------------------------------------------
// The commands
// ---------------------------------------------------------------------------------------------

/// One step's command, checked and typed: everything the executor needs, nothing it must
/// re-parse.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// `kubectl apply -f PATH...`
    Apply(Apply),
    /// `kubectl delete (-f PATH... | KIND NAME... | KIND/NAME...)`
    Delete(Delete),
    /// `kubectl run NAME --image=IMAGE`
    Run(Run),
    /// `kubectl create namespace NAME`
    CreateNamespace(CreateNamespace),
    /// `kubectl create deployment NAME --image=IMAGE`
    CreateDeployment(CreateDeployment),
    /// `kubectl create job`.
    CreateJob(CreateJob),
    /// `kubectl scale KIND/NAME --replicas=N`
    Scale(Scale),
    /// `kubectl get KIND[,KIND...][/NAME] [NAME...]`
    Get(Get),
    /// `kubectl describe KIND [NAME_PREFIX...] | KIND/NAME...`
    Describe(Describe),
    /// `kubectl label` or `kubectl annotate` (see [`Label::annotate`]).
    Label(super::label::Label),
    /// `kubectl patch TYPE NAME -p PATCH`
    Patch(super::patch::Patch),
    /// `kubectl wait --for=CONDITION TARGETS`
    Wait(super::wait::Wait),
    /// `kubectl set image` or `kubectl rollout SUBCOMMAND` on one workload.
    Rollout(super::rollout::Rollout),
    /// `kubectl cordon NODE` or `kubectl uncordon NODE`.
    Cordon(super::drain::Cordon),
    /// `kubectl drain NODE`.
    Drain(super::drain::Drain),
}

impl Command {
    /// Which command this is, for [`usage`] and reports.
    pub fn verb(&self) -> Verb {
        match self {
            Command::Apply(_) => Verb::Apply,
            Command::Delete(_) => Verb::Delete,
            Command::Run(_) => Verb::Run,
            Command::CreateNamespace(_) => Verb::CreateNamespace,
            Command::CreateDeployment(_) => Verb::CreateDeployment,
            Command::CreateJob(_) => Verb::CreateJob,
            Command::Scale(_) => Verb::Scale,
            Command::Get(_) => Verb::Get,
            Command::Describe(_) => Verb::Describe,
            Command::Label(l) if l.annotate => Verb::Annotate,
            Command::Label(_) => Verb::Label,
            Command::Patch(_) => Verb::Patch,
            Command::Wait(_) => Verb::Wait,
            Command::Rollout(r) => super::rollout::verb_of(&r.action),
            Command::Cordon(c) if c.unschedulable => Verb::Cordon,
            Command::Cordon(_) => Verb::Uncordon,
            Command::Drain(_) => Verb::Drain,
        }
    }
}

/// The v1 commands by name, without their arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verb {
    /// `kubectl apply`
    Apply,
    /// `kubectl delete`
    Delete,
    /// `kubectl run`
    Run,
    /// `kubectl create namespace`
    CreateNamespace,
    /// `kubectl create deployment`
    CreateDeployment,
    /// `kubectl create job`
    CreateJob,
    /// `kubectl scale`
    Scale,
    /// `kubectl get`
    Get,
    /// `kubectl describe`
    Describe,
    /// `kubectl label`
    Label,
    /// `kubectl annotate`
    Annotate,
    /// `kubectl patch`
    Patch,
    /// `kubectl wait`
    Wait,
    /// `kubectl set image`
    SetImage,
    /// `kubectl rollout status`
    RolloutStatus,
    /// `kubectl rollout history`
    RolloutHistory,
    /// `kubectl rollout undo`
    RolloutUndo,
    /// `kubectl rollout pause`
    RolloutPause,
    /// `kubectl rollout resume`
    RolloutResume,
    /// `kubectl rollout restart`
    RolloutRestart,
    /// `kubectl cordon`
    Cordon,
    /// `kubectl uncordon`
    Uncordon,
    /// `kubectl drain`
    Drain,
}

impl Verb {
    /// The command path as cobra prints it in `See '<path> --help'` (`kubectl create deployment`).
    pub fn path(self) -> &'static str {
        match self {
            Verb::Apply => "kubectl apply",
            Verb::Delete => "kubectl delete",
            Verb::Run => "kubectl run",
            Verb::CreateNamespace => "kubectl create namespace",
            Verb::CreateDeployment => "kubectl create deployment",
            Verb::CreateJob => "kubectl create job",
            Verb::Scale => "kubectl scale",
            Verb::Get => "kubectl get",
            Verb::Describe => "kubectl describe",
            Verb::Label => "kubectl label",
            Verb::Annotate => "kubectl annotate",
            Verb::Patch => "kubectl patch",
            Verb::Wait => "kubectl wait",
            Verb::SetImage => "kubectl set image",
            Verb::RolloutStatus => "kubectl rollout status",
            Verb::RolloutHistory => "kubectl rollout history",
            Verb::RolloutUndo => "kubectl rollout undo",
            Verb::RolloutPause => "kubectl rollout pause",
            Verb::RolloutResume => "kubectl rollout resume",
            Verb::RolloutRestart => "kubectl rollout restart",
            Verb::Cordon => "kubectl cordon",
            Verb::Uncordon => "kubectl uncordon",
            Verb::Drain => "kubectl drain",
        }
    }
}

/// A one-line synopsis of what kubesim accepts for `verb`, for bad-input messages.
pub fn usage(verb: Verb) -> &'static str {
    match verb {
        Verb::Apply => "kubectl apply -f PATH... [-n NS]",
        Verb::Delete => {
            "kubectl delete (-f PATH... | KIND NAME... | KIND/NAME... | KIND[,KIND...] (-l SELECTOR | --all)) [--cascade=background|foreground|orphan] [--wait=true|false] [-n NS]"
        }
        Verb::Run => {
            "kubectl run NAME --image=IMAGE [--restart=Always|OnFailure|Never] [--port=N] [--labels=KEY=VALUE,...] [-n NS] [-- ARG...]"
        }
        Verb::CreateNamespace => "kubectl create namespace NAME",
        Verb::CreateDeployment => {
            "kubectl create deployment NAME --image=IMAGE [--replicas=N] [--port=N] [-n NS] [-- COMMAND...]"
        }
        Verb::CreateJob => {
            "kubectl create job NAME (--image=IMAGE [-- COMMAND...] | --from=cronjob/NAME) [-n NS]"
        }
        Verb::Scale => "kubectl scale (KIND/NAME... | KIND NAME...) --replicas=N [-n NS]",
        Verb::Get => {
            "kubectl get KIND[,KIND...][/NAME] [NAME...] [-n NS | -A] [-o wide|name] [-l SELECTOR] [--show-labels] [-w | --watch-only]"
        }
        Verb::Describe => {
            "kubectl describe (KIND [NAME_PREFIX...] | KIND/NAME...) [-n NS | -A] [-l SELECTOR] [--show-events=true|false]; KIND one of pods, deployments, replicasets, replicationcontrollers, daemonsets, jobs, statefulsets, nodes, services, namespaces"
        }
        Verb::Label => {
            "kubectl label (KIND NAME... | KIND/NAME... | KIND -l SELECTOR | KIND --all) KEY=VALUE... KEY-... [--overwrite] [-n NS]"
        }
        Verb::Annotate => {
            "kubectl annotate (KIND NAME... | KIND/NAME... | KIND -l SELECTOR | KIND --all) KEY=VALUE... KEY-... [--overwrite] [-n NS]"
        }
        Verb::Patch => {
            "kubectl patch (KIND NAME | KIND/NAME) -p PATCH [--type=strategic|merge] [-n NS]"
        }
        Verb::Wait => {
            "kubectl wait (KIND/NAME... | KIND NAME... | KIND -l SELECTOR | KIND --all) --for=delete|condition=NAME[=VALUE] [--timeout=30s] [-n NS]"
        }
        Verb::SetImage => {
            "kubectl set image (deployment/NAME | deployment NAME) CONTAINER=IMAGE... [-n NS]"
        }
        Verb::RolloutStatus => {
            "kubectl rollout status (deployment|daemonset|statefulset)/NAME [--timeout=D] [--watch=false] [--revision=N] [-n NS]"
        }
        Verb::RolloutHistory => "kubectl rollout history deployment/NAME [--revision=N] [-n NS]",
        Verb::RolloutUndo => "kubectl rollout undo deployment/NAME [--to-revision=N] [-n NS]",
        Verb::RolloutPause => "kubectl rollout pause deployment/NAME [-n NS]",
        Verb::RolloutResume => "kubectl rollout resume deployment/NAME [-n NS]",
        Verb::RolloutRestart => "kubectl rollout restart deployment/NAME [-n NS]",
        Verb::Cordon => "kubectl cordon NODE",
        Verb::Uncordon => "kubectl uncordon NODE",
        Verb::Drain => {
            "kubectl drain NODE [--ignore-daemonsets] [--delete-emptydir-data] [--force] [--grace-period=N] [--timeout=D] [--disable-eviction] [--pod-selector=SELECTOR]"
        }
    }
}

/// The commands kubesim runs, for messages about anything else.
const SUPPORTED: &str = "kubectl apply, create deployment, create namespace, delete, describe, get, run, scale, label, annotate, patch, wait, set image, rollout status|history|undo|pause|resume|restart, cordon, uncordon, drain";

/// Where `-f` reads manifests from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ManifestSource {
    /// `-f -`: standard input (a step's `apply: |` text; kubectl's messages call it `STDIN`).
    Stdin,
    /// A file or folder, as written (relative to the scenario file's folder; docs/scenario.md).
    Path(String),
}

/// An object named on the command line (`pod web`, `deployment/nginx`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct NamedObject {
    /// The kind the resource argument resolved to.
    pub kind: Kind,
    /// The object's name, as typed.
    pub name: String,
}

/// `kubectl apply -f PATH...`: create or patch every object in the files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Apply {
    /// Every `-f`/`--filename`, in order; comma lists are split.
    pub files: Vec<ManifestSource>,
    /// `-n`/`--namespace`, if given (non-empty).
    pub namespace: Option<String>,
}

/// `--cascade`: the deletion propagation policy sent with the DELETE (`metav1.DeletionPropagation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cascade {
    /// The default: the garbage collector deletes dependents after the owner is gone.
    Background,
    /// The owner waits (`foregroundDeletion` finalizer) until its dependents are gone.
    Foreground,
    /// Dependents are kept and lose their owner reference.
    Orphan,
}

/// What `kubectl delete` deletes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeleteTarget {
    /// `-f PATH...`: the objects the manifests name.
    Files(Vec<ManifestSource>),
    /// `KIND NAME...`, `KIND/NAME...` or `KIND1,KIND2 NAME...`, in kubectl's visiting order.
    Objects(Vec<NamedObject>),
    /// `KIND[,KIND...] -l SELECTOR` or `--all`: what a LIST finds when the step runs.
    Selected {
        /// The kinds, in the order given.
        kinds: Vec<Kind>,
        /// `-l`, trimmed and unparsed; None for `--all`.
        selector: Option<String>,
    },
}

/// `kubectl delete`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delete {
    /// What to delete.
    pub target: DeleteTarget,
    /// `-n`/`--namespace`, if given.
    pub namespace: Option<String>,
    /// `--cascade` (default background).
    pub cascade: Cascade,
    /// `--wait` (default true): the command blocks until the objects are gone.
    pub wait: bool,
    /// Lines kubectl writes to stderr before deleting (the deprecated boolean `--cascade`).
    pub warnings: Vec<String>,
}

/// `--restart`: the pod's `spec.restartPolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestartPolicy {
    /// The default for `kubectl run`.
    Always,
    /// Restart failed containers only.
    OnFailure,
    /// Never restart.
    Never,
}

/// `kubectl run NAME --image=IMAGE`: one bare pod (`generate/versioned/run.go` `BasicPod`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// The pod's name, which is also its container's name.
    pub name: String,
    /// `--image`, already checked against the image reference grammar.
    pub image: String,
    /// `--restart` (default `Always`).
    pub restart: RestartPolicy,
    /// `--port`: the container port, if given (0 is passed on; the API server rejects it).
    pub port: Option<u16>,
    /// `--labels` sorted by key, or kubectl's default `run=NAME` when none were given.
    pub labels: Vec<(String, String)>,
    /// Words after NAME (or after `--`): the container's `args`.
    pub args: Vec<String>,
    /// `-n`/`--namespace`, if given.
    pub namespace: Option<String>,
}

/// `kubectl create namespace NAME`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateNamespace {
    /// The namespace's name.
    pub name: String,
}

/// `kubectl create deployment NAME --image=IMAGE...` (`create_deployment.go`): labels and
/// selector `app=NAME`, one container per image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateDeployment {
    /// The deployment's name.
    pub name: String,
    /// Every `--image`, in order (comma lists split); may be empty if `--image=""` was given,
    /// which the API server then rejects.
    pub images: Vec<String>,
    /// `--replicas`/`-r` (default 1; a negative value is passed on for the API server to reject).
    pub replicas: i32,
    /// `--port`, if given and not negative (kubectl's default is -1, meaning none).
    pub port: Option<i32>,
    /// Words after `--`: the containers' `command`.
    pub command: Vec<String>,
    /// `-n`/`--namespace`, if given.
    pub namespace: Option<String>,
}

/// `kubectl create job NAME (--image=IMAGE [-- COMMAND...] | --from=cronjob/CJ)`
/// (`create_job.go`): one container named NAME with restartPolicy Never, or the CronJob's
/// job template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateJob {
    /// The Job's name.
    pub name: String,
    /// `--image` (empty with `--from`).
    pub image: String,
    /// `--from=cronjob/NAME`: the CronJob's name.
    pub from: Option<String>,
    /// Words after `--`: the container's `command`.
    pub command: Vec<String>,
    /// `-n`/`--namespace`, if given.
    pub namespace: Option<String>,
}

/// `kubectl scale KIND/NAME --replicas=N`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scale {
    /// The objects to scale; whether a kind has a `scale` subresource is the API server's
    /// business (kubectl checks nothing before the request).
    pub targets: Vec<NamedObject>,
    /// `--replicas`, at least 0 (Go `int`; the API's int32 range is the server's check).
    pub replicas: i64,
    /// `-n`/`--namespace`, if given.
    pub namespace: Option<String>,
}

/// What `kubectl get` lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    /// `get pods,services [-l SELECTOR]`: every object of each kind, duplicates removed.
    Kinds(Vec<Kind>),
    /// `get pod web db`, `get pod/web svc/db`, `get pods,services web`.
    Objects(Vec<NamedObject>),
}

/// `-o`: the output formats kubesim prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// No `-o`: the table.
    Table,
    /// `-o wide`: the table with its wide columns.
    Wide,
    /// `-o name`: `kind.group/name` lines.
    Name,
}

/// `kubectl get`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Get {
    /// What to list.
    pub selection: Selection,
    /// `-n`/`--namespace`, if given; ignored when `all_namespaces`.
    pub namespace: Option<String>,
    /// `-A`/`--all-namespaces`.
    pub all_namespaces: bool,
    /// `-o`.
    pub output: OutputFormat,
    /// `-l`/`--selector`, trimmed, unparsed (the label-selector parser checks it).
    pub selector: Option<String>,
    /// `--show-labels`.
    pub show_labels: bool,
    /// `-w`/`--watch` or `--watch-only`: keep printing changes after (or instead of) the list.
    pub watch: Option<WatchMode>,
}

/// How `kubectl get` watches (`GetOptions.Watch` / `WatchOnly`, get.go).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatchMode {
    /// `-w`: the list, then one row per change.
    ListThenChanges,
    /// `--watch-only`: the changes only.
    ChangesOnly,
}

/// `kubectl describe`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Describe {
    /// What to describe: every object of the kinds, or the names given (which, as the only
    /// name after one type, may be a prefix: `DescribeMatchingResources`).
    pub selection: Selection,
    /// `-n`/`--namespace`, if given; ignored when `all_namespaces`.
    pub namespace: Option<String>,
    /// `-A`/`--all-namespaces`.
    pub all_namespaces: bool,
    /// `-l`/`--selector`, trimmed, unparsed.
    pub selector: Option<String>,
    /// `--show-events`, if given (otherwise events are shown for a single object only).
    pub show_events: Option<bool>,
    /// `TYPE NAME` exactly: a NotFound falls back to the objects whose names start with NAME.
    pub prefix_fallback: bool,
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Why a command line is not a v1 command. [`fmt::Display`] gives the text kubectl writes to
/// stderr (without the final newline); kubesim's own wording only where kubectl would have run
/// something kubesim does not simulate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommandError {
    /// No words at all.
    Empty,
    /// The first word is not `kubectl` (`helm`, `az`, `VAR=x`).
    NotKubectl {
        /// The first word.
        program: String,
    },
    /// cobra's `unknown command "foo" for "kubectl"`, with its "Did you mean this?" list.
    UnknownCommand {
        /// The word typed.
        name: String,
        /// kubectl commands within Levenshtein distance 2 or starting with it (cobra's rule).
        suggestions: Vec<&'static str>,
    },
    /// A pflag parse error, printed through kubectl's `FlagErrorFunc`
    /// (`util/templates/templater.go`): `error: <msg>\nSee '<path> --help' for usage.`
    Flag {
        /// The command path (`kubectl get`).
        path: &'static str,
        /// pflag's message (`unknown flag: --foo`).
        message: String,
    },
    /// `cmdutil.UsageErrorf`: `error: <msg>\nSee '<path> -h' for help and examples`.
    Usage {
        /// The command path.
        path: &'static str,
        /// The message.
        message: String,
    },
    /// Any other error through `cmdutil.CheckErr`: `error: <msg>`.
    Failed {
        /// The message, without the `error: ` prefix.
        message: String,
    },
    /// Text kubectl assembles from several writes, printed verbatim.
    Text(String),
    /// Valid kubectl that kubesim does not simulate.
    Unsupported {
        /// What was asked for (`the flag --watch of "kubectl get"`).
        what: String,
        /// The command it was asked of, for its [`usage`] line.
        verb: Option<Verb>,
    },
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandError::Empty => write!(
                f,
                "error: the command is empty; kubesim runs one of: {SUPPORTED}"
            ),
            CommandError::NotKubectl { program } => write!(
                f,
                "error: {} is not a command kubesim runs: a step runs kubectl only ({SUPPORTED})",
                quote(program)
            ),
            CommandError::UnknownCommand { name, suggestions } => {
                write!(f, "error: unknown command {} for \"kubectl\"", quote(name))?;
                if !suggestions.is_empty() {
                    write!(f, "\n\nDid you mean this?")?;
                    for s in suggestions {
                        write!(f, "\n\t{s}")?;
                    }
                }
                Ok(())
            }
            CommandError::Flag { path, message } => {
                write!(f, "error: {message}\nSee '{path} --help' for usage.")
            }
            CommandError::Usage { path, message } => {
                write!(f, "error: {message}\nSee '{path} -h' for help and examples")
            }
            CommandError::Failed { message } => {
                if message.starts_with("error: ") {
                    f.write_str(message)
                } else {
                    write!(f, "error: {message}")
                }
            }
            CommandError::Text(text) => f.write_str(text),
            CommandError::Unsupported { what, verb } => {
                write!(f, "error: kubesim does not simulate {what}; ")?;
                match verb {
                    Some(v) => write!(f, "it accepts: {}", usage(*v)),
                    None => write!(f, "it runs: {SUPPORTED}"),
                }
            }
        }
    }
}

impl std::error::Error for CommandError {}

impl CommandError {
    /// kubectl's message for a bad-input diagnostic's headline: without the `error: ` prefix
    /// the diagnostic already carries and without cobra's `See '… --help'` pointer (a help
    /// page kubesim cannot show), which [`Self::hint`] replaces with the usage itself.
    pub fn headline(&self) -> String {
        match self {
            CommandError::Empty => "the command is empty".to_string(),
            CommandError::NotKubectl { program } => format!(
                "{} is not a command kubesim runs: a step runs kubectl only",
                quote(program)
            ),
            CommandError::UnknownCommand { name, .. } => {
                format!("unknown command {} for \"kubectl\"", quote(name))
            }
            CommandError::Flag { message, .. } | CommandError::Usage { message, .. } => {
                message.clone()
            }
            CommandError::Unsupported { what, .. } => format!("kubesim does not simulate {what}"),
            CommandError::Failed { .. } | CommandError::Text(_) => {
                let text = self.to_string();
                text.strip_prefix("error: ").unwrap_or(&text).to_string()
            }
        }
    }

    /// What the step could say instead: cobra's suggestions, the usage of the command that
    /// rejected it, or the commands kubesim runs.
    pub fn hint(&self) -> Option<String> {
        let runs = format!("kubesim runs: {SUPPORTED}");
        let usage_of = |path: &str| {
            VERBS
                .iter()
                .find(|v| v.path() == path)
                .map(|v| format!("usage: {}", usage(*v)))
        };
        match self {
            CommandError::Empty | CommandError::NotKubectl { .. } => Some(runs),
            CommandError::UnknownCommand { suggestions, .. } => match suggestions.as_slice() {
                [] => Some(runs),
                [one] => Some(format!("did you mean \"{one}\"?")),
                many => Some(format!(
                    "did you mean one of {}?",
                    many.iter()
                        .map(|s| format!("{s:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            },
            CommandError::Flag { path, .. } | CommandError::Usage { path, .. } => usage_of(path),
            CommandError::Unsupported { verb, .. } => match verb {
                Some(v) => Some(format!("usage: {}", usage(*v))),
                None => Some(runs),
            },
            CommandError::Failed { .. } | CommandError::Text(_) => None,
        }
    }
}

/// Every v1 command, to find one's usage from its cobra path.
const VERBS: [Verb; 22] = [
    Verb::Apply,
    Verb::Delete,
    Verb::Run,
    Verb::CreateNamespace,
    Verb::CreateDeployment,
    Verb::CreateJob,
    Verb::Scale,
    Verb::Get,
    Verb::Label,
    Verb::Annotate,
    Verb::Patch,
    Verb::Wait,
    Verb::SetImage,
    Verb::RolloutStatus,
    Verb::RolloutHistory,
    Verb::RolloutUndo,
    Verb::RolloutPause,
    Verb::RolloutResume,
    Verb::RolloutRestart,
    Verb::Cordon,
    Verb::Uncordon,
    Verb::Drain,
];

/// A `DurationVar` flag's value in nanoseconds, or pflag's error for it.
pub(super) fn duration_flag(text: &str, long: &str, verb: Verb) -> Result<i64, CommandError> {
    crate::sim::duration::parse_nanos(text).map_err(|e| CommandError::Flag {
        path: verb.path(),
        message: format!("invalid argument {text:?} for \"--{long}\" flag: {e}"),
    })
}

pub(super) fn failed(message: impl Into<String>) -> CommandError {
    CommandError::Failed {
        message: message.into(),
    }
}

pub(super) fn unsupported(what: impl Into<String>, verb: Option<Verb>) -> CommandError {
    CommandError::Unsupported {
        what: what.into(),
        verb,
    }
}

/// cli-runtime `resource/builder.go` `missingResourceError`.
const MISSING_RESOURCE: &str = "You must provide one or more resources by argument or filename.\n\
Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/// `kubectl get` with no resource (`get.go` `Complete`: the `SuggestAPIResources` line to
/// stderr, then `UsageErrorf` with the `explain` hint).
const GET_NO_RESOURCE: &str = "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\n\
error: Required resource not specified.\n\
Use \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\n\
See 'kubectl get -h' for help and examples";

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

/// Parses a step's words (from [`super::words::split`]) into a v1 command, as kubectl 1.35
/// would accept or reject them.
pub fn parse(words: &[String]) -> Result<Command, CommandError> {
    let Some((program, rest)) = words.split_first() else {
        return Err(CommandError::Empty);
    };
    if program != "kubectl" {
        return Err(CommandError::NotKubectl {
            program: program.clone(),
        });
    }
    let Some(&at) = command_positions(rest).first() else {
        return Err(unsupported(
            "kubectl without a command (it prints its help)",
            None,
        ));
    };
    let name = rest[at].clone();
    let args = without(rest, at);
    match name.as_str() {
        "apply" => apply(parse_flags(&APPLY, &args)?),
        "delete" => delete(parse_flags(&DELETE, &args)?),
        "run" => run(parse_flags(&RUN, &args)?),
        "scale" => scale(parse_flags(&SCALE, &args)?),
        "get" => get(parse_flags(&GET, &args)?),
        "describe" => describe(parse_flags(&DESCRIBE, &args)?),
        "label" => super::label::parse(parse_flags(&super::label::LABEL, &args)?, false),
        "annotate" => super::label::parse(parse_flags(&super::label::ANNOTATE, &args)?, true),
        "patch" => super::patch::parse(parse_flags(&super::patch::PATCH, &args)?),
        "wait" => super::wait::parse(parse_flags(&super::wait::WAIT, &args)?),
        "create" => create(&args),
        "set" => super::rollout::set(&args),
        "rollout" => super::rollout::rollout(&args),
        "cordon" => super::drain::parse_cordon(parse_flags(&super::drain::CORDON, &args)?, true),
        "uncordon" => {
            super::drain::parse_cordon(parse_flags(&super::drain::UNCORDON, &args)?, false)
        }
        "drain" => super::drain::parse_drain(parse_flags(&super::drain::DRAIN, &args)?),
        other if KUBECTL_COMMANDS.contains(&other) => {
            Err(unsupported(format!("\"kubectl {other}\""), None))
        }
        other => Err(CommandError::UnknownCommand {
            name: other.to_string(),
            suggestions: suggestions_for(other),
        }),
    }
}

/// `kubectl create SUBCOMMAND`: cobra descends to the subcommand named by the next word.
fn create(args: &[String]) -> Result<Command, CommandError> {
    let positions = command_positions(args);
    if let Some(&at) = positions.first() {
        let rest = without(args, at);
        match args[at].as_str() {
            "namespace" | "ns" => return create_namespace(parse_flags(&CREATE_NAMESPACE, &rest)?),
            "deployment" | "deploy" => {
                return create_deployment(parse_flags(&CREATE_DEPLOYMENT, &rest)?);
            }
            "job" => return create_job(parse_flags(&CREATE_JOB, &rest)?),
            sub if CREATE_SUBCOMMANDS.contains(&sub) => {
                return Err(unsupported(format!("\"kubectl create {sub}\""), None));
            }
            _ => {}
        }
    }
    let names_a_file = args.iter().any(|a| {
        ["-f", "--filename", "-k", "--kustomize"]
            .iter()
            .any(|f| a.starts_with(f))
    });
    if names_a_file {
        return Err(unsupported(
            "\"kubectl create -f\" (use \"kubectl apply -f\")",
            None,
        ));
    }
    if positions.is_empty() {
        return Err(unsupported(
            "\"kubectl create\" without a subcommand (it supports \"create namespace\" and \"create deployment\")",
            None,
        ));
    }
    // create.go: with no -f, `DefaultSubCommandRun` rejects the words as an unknown command.
    let words: Vec<&str> = positions.iter().map(|&i| args[i].as_str()).collect();
    Err(CommandError::Text(format!(
        "Error: must specify one of -f and -k\n\nerror: unknown command {}\nSee 'kubectl create -h' for help and examples",
        quote(&words.join(" "))
    )))
}

fn without(args: &[String], at: usize) -> Vec<String> {
    args.iter()
        .enumerate()
        .filter(|(i, _)| *i != at)
        .map(|(_, a)| a.clone())
        .collect()
}

/// Indices of the words cobra's `stripFlags` keeps as possible command names: words not
/// starting with `-`, skipping the value after `--flag` / `-f` unless the flag is one of the
/// root's booleans, stopping at `--` (and, as cobra does, at a flag whose value is the last word).
fn command_positions(args: &[String]) -> Vec<usize> {
    const ROOT_BOOLS: [&str; 5] = [
        "help",
        "insecure-skip-tls-verify",
        "match-server-version",
        "disable-compression",
        "warnings-as-errors",
    ];
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let s = &args[i];
        let remaining_after = args.len() - i - 1;
        if s == "--" {
            break;
        }
        let takes_value = if let Some(long) = s.strip_prefix("--") {
            !long.contains('=') && !ROOT_BOOLS.contains(&long)
        } else {
            s.len() == 2 && s.starts_with('-') && s != "-h"
        };
        if takes_value {
            if remaining_after <= 1 {
                break;
            }
            i += 2;
            continue;
        }
        if !s.is_empty() && !s.starts_with('-') {
            out.push(i);
        }
        i += 1;
    }
    out
}

/// kubectl's top-level commands (1.35), sorted as cobra sorts them for suggestions.
const KUBECTL_COMMANDS: [&str; 43] = [
    "annotate",
    "api-resources",
    "api-versions",
    "apply",
    "attach",
    "auth",
    "autoscale",
    "certificate",
    "cluster-info",
    "completion",
    "config",
    "cordon",
    "cp",
    "create",
    "debug",
    "delete",
    "describe",
    "diff",
    "drain",
    "edit",
    "events",
    "exec",
    "explain",
    "expose",
    "get",
    "kustomize",
    "label",
    "logs",
    "options",
    "patch",
    "plugin",
    "port-forward",
    "proxy",
    "replace",
    "rollout",
    "run",
    "scale",
    "set",
    "taint",
    "top",
    "uncordon",
    "version",
    "wait",
];

/// `kubectl create` subcommands and aliases (`create.go` `NewCmdCreate`).
const CREATE_SUBCOMMANDS: [&str; 26] = [
    "clusterrole",
    "clusterrolebinding",
    "configmap",
    "cm",
    "cronjob",
    "cj",
    "deployment",
    "deploy",
    "ingress",
    "ing",
    "job",
    "namespace",
    "ns",
    "poddisruptionbudget",
    "pdb",
    "priorityclass",
    "pc",
    "quota",
    "resourcequota",
    "role",
    "rolebinding",
    "secret",
    "service",
    "svc",
    "serviceaccount",
    "token",
];

/// cobra `SuggestionsFor`: commands within Levenshtein distance 2 (case-insensitive), commands
/// the typed word is a prefix of, and explicit `SuggestFor` words (`rm` → delete,
/// `list`/`ps` → get).
fn suggestions_for(typed: &str) -> Vec<&'static str> {
    let lower = typed.to_lowercase();
    KUBECTL_COMMANDS
        .iter()
        .copied()
        .filter(|cmd| {
            levenshtein(&lower, cmd) <= 2
                || cmd.starts_with(&lower)
                || (*cmd == "delete" && lower == "rm")
                || (*cmd == "get" && (lower == "list" || lower == "ps"))
        })
        .collect()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

// ---------------------------------------------------------------------------------------------
// Flags (spf13/pflag semantics)
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ty {
    /// `StringVar`: the last value wins.
    Str,
    /// `StringSliceVar`: comma-separated, repeatable, values accumulate.
    Slice,
    /// `BoolVar`: `NoOptDefVal` "true", so it never takes the next word.
    Bool,
    /// `IntVar`/`Int32Var`: `strconv.ParseInt(s, 0, bits)`.
    Int(u32),
    /// A string flag with a `NoOptDefVal` (`--cascade` alone means `background`).
    OptStr(&'static str),
}

/// One flag of a command's flag set.
#[derive(Clone, Copy, Debug)]
pub(super) struct Flag {
    long: &'static str,
    short: Option<char>,
    ty: Ty,
}

pub(super) const fn flag(long: &'static str, short: Option<char>, ty: Ty) -> Flag {
    Flag { long, short, ty }
}

/// The root's persistent `-n`/`--namespace`, valid on every command.
const NAMESPACE: Flag = flag("namespace", Some('n'), Ty::Str);

/// Real root flags kubesim has no use for (a simulated cluster has no kubeconfig).
const GLOBAL_UNSUPPORTED: &[(&str, Option<char>)] = &[
    ("as", None),
    ("as-group", None),
    ("as-uid", None),
    ("cache-dir", None),
    ("certificate-authority", None),
    ("client-certificate", None),
    ("client-key", None),
    ("cluster", None),
    ("context", None),
    ("disable-compression", None),
    ("insecure-skip-tls-verify", None),
    ("kubeconfig", None),
    ("log-flush-frequency", None),
    ("match-server-version", None),
    ("password", None),
    ("profile", None),
    ("profile-output", None),
    ("request-timeout", None),
    ("server", Some('s')),
    ("tls-server-name", None),
    ("token", None),
    ("user", None),
    ("username", None),
    ("v", Some('v')),
    ("vmodule", None),
    ("warnings-as-errors", None),
];

/// One command's flag set.
pub(super) struct Spec {
    pub(super) verb: Verb,
    pub(super) flags: &'static [Flag],
    /// Real flags of this kubectl command that kubesim does not simulate.
    pub(super) unsupported: &'static [(&'static str, Option<char>)],
}

const APPLY: Spec = Spec {
    verb: Verb::Apply,
    flags: &[flag("filename", Some('f'), Ty::Slice)],
    unsupported: &[
        ("all", None),
        ("allow-missing-template-keys", None),
        ("cascade", None),
        ("dry-run", None),
        ("field-manager", None),
        ("force", None),
        ("force-conflicts", None),
        ("grace-period", None),
        ("kustomize", Some('k')),
        ("openapi-patch", None),
        ("output", Some('o')),
        ("overwrite", None),
        ("prune", None),
        ("prune-allowlist", None),
        ("record", None),
        ("recursive", Some('R')),
        ("selector", Some('l')),
        ("server-side", None),
        ("show-managed-fields", None),
        ("subresource", None),
        ("template", None),
        ("timeout", None),
        ("validate", None),
        ("wait", None),
    ],
};

const DELETE: Spec = Spec {
    verb: Verb::Delete,
    flags: &[
        flag("filename", Some('f'), Ty::Slice),
        flag("cascade", None, Ty::OptStr("background")),
        flag("wait", None, Ty::Bool),
        flag("selector", Some('l'), Ty::Str),
        flag("all", None, Ty::Bool),
    ],
    unsupported: &[
        ("all-namespaces", Some('A')),
        ("dry-run", None),
        ("field-selector", None),
        ("force", None),
        ("grace-period", None),
        ("ignore-not-found", None),
        ("interactive", Some('i')),
        ("kustomize", Some('k')),
        ("now", None),
        ("output", Some('o')),
        ("raw", None),
        ("recursive", Some('R')),
        ("timeout", None),
    ],
};

const RUN: Spec = Spec {
    verb: Verb::Run,
    flags: &[
        flag("image", None, Ty::Str),
        flag("restart", None, Ty::Str),
        flag("port", None, Ty::Str),
        flag("labels", Some('l'), Ty::Str),
    ],
    unsupported: &[
        ("allow-missing-template-keys", None),
        ("annotations", None),
        ("attach", None),
        ("cascade", None),
        ("command", None),
        ("dry-run", None),
        ("env", None),
        ("expose", None),
        ("field-manager", None),
        ("filename", Some('f')),
        ("force", None),
        ("grace-period", None),
        ("image-pull-policy", None),
        ("kustomize", Some('k')),
        ("leave-stdin-open", None),
        ("output", Some('o')),
        ("override-type", None),
        ("overrides", None),
        ("pod-running-timeout", None),
        ("privileged", None),
        ("quiet", Some('q')),
        ("recursive", Some('R')),
        ("rm", None),
        ("save-config", None),
        ("show-managed-fields", None),
        ("stdin", Some('i')),
        ("template", None),
        ("timeout", None),
        ("tty", Some('t')),
        ("wait", None),
    ],
};

const CREATE_NAMESPACE: Spec = Spec {
    verb: Verb::CreateNamespace,
    flags: &[],
    unsupported: &[
        ("allow-missing-template-keys", None),
        ("dry-run", None),
        ("field-manager", None),
        ("output", Some('o')),
        ("save-config", None),
        ("show-managed-fields", None),
        ("template", None),
        ("validate", None),
    ],
};

const CREATE_DEPLOYMENT: Spec = Spec {
    verb: Verb::CreateDeployment,
    flags: &[
        flag("image", None, Ty::Slice),
        flag("port", None, Ty::Int(32)),
        flag("replicas", Some('r'), Ty::Int(32)),
    ],
    unsupported: CREATE_NAMESPACE.unsupported,
};

const CREATE_JOB: Spec = Spec {
    verb: Verb::CreateJob,
    flags: &[flag("image", None, Ty::Str), flag("from", None, Ty::Str)],
    unsupported: CREATE_NAMESPACE.unsupported,
};

const SCALE: Spec = Spec {
    verb: Verb::Scale,
    flags: &[flag("replicas", None, Ty::Int(64))],
    unsupported: &[
        ("all", None),
        ("allow-missing-template-keys", None),
        ("current-replicas", None),
        ("dry-run", None),
        ("filename", Some('f')),
        ("kustomize", Some('k')),
        ("output", Some('o')),
        ("record", None),
        ("recursive", Some('R')),
        ("resource-version", None),
        ("selector", Some('l')),
        ("show-managed-fields", None),
        ("template", None),
        ("timeout", None),
    ],
};

const DESCRIBE: Spec = Spec {
    verb: Verb::Describe,
    flags: &[
        flag("all-namespaces", Some('A'), Ty::Bool),
        flag("selector", Some('l'), Ty::Str),
        flag("show-events", None, Ty::Bool),
    ],
    unsupported: &[
        ("chunk-size", None),
        ("filename", Some('f')),
        ("kustomize", Some('k')),
        ("recursive", Some('R')),
    ],
};

const GET: Spec = Spec {
    verb: Verb::Get,
    flags: &[
        flag("all-namespaces", Some('A'), Ty::Bool),
        flag("output", Some('o'), Ty::Str),
        flag("selector", Some('l'), Ty::Str),
        flag("show-labels", None, Ty::Bool),
        flag("watch", Some('w'), Ty::Bool),
        flag("watch-only", None, Ty::Bool),
    ],
    unsupported: &[
        ("allow-missing-template-keys", None),
        ("chunk-size", None),
        ("field-selector", None),
        ("filename", Some('f')),
        ("ignore-not-found", None),
        ("kustomize", Some('k')),
        ("label-columns", Some('L')),
        ("no-headers", None),
        ("output-watch-events", None),
        ("raw", None),
        ("recursive", Some('R')),
        ("server-print", None),
        ("show-kind", None),
        ("show-managed-fields", None),
        ("sort-by", None),
        ("subresource", None),
        ("template", None),
    ],
};

#[derive(Clone, Debug, PartialEq, Eq)]
enum Val {
    Str(String),
    List(Vec<String>),
    Bool(bool),
    Int(i64),
}

/// The result of pflag's `Parse`: flag values by long name, positional arguments, and
/// `ArgsLenAtDash` (how many positionals came before `--`).
#[derive(Debug, Default)]
pub(super) struct Parsed {
    vals: BTreeMap<&'static str, Val>,
    pub(super) args: Vec<String>,
    dash: Option<usize>,
}

impl Parsed {
    pub(super) fn changed(&self, long: &str) -> bool {
        self.vals.contains_key(long)
    }

    pub(super) fn str(&self, long: &str) -> Option<&str> {
        match self.vals.get(long) {
            Some(Val::Str(s)) => Some(s),
            _ => None,
        }
    }

    pub(super) fn list(&self, long: &str) -> Vec<String> {
        match self.vals.get(long) {
            Some(Val::List(v)) => v.clone(),
            _ => Vec::new(),
        }
    }

    pub(super) fn bool(&self, long: &str) -> Option<bool> {
        match self.vals.get(long) {
            Some(Val::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    pub(super) fn int(&self, long: &str) -> Option<i64> {
        match self.vals.get(long) {
            Some(Val::Int(i)) => Some(*i),
            _ => None,
        }
    }

    /// `-n` as kubeconfig loading treats it: an empty value is no override.
    pub(super) fn namespace(&self) -> Option<String> {
        self.str("namespace")
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }
}

/// pflag `FlagSet.Parse` with interspersed flags, then cobra's required-flag check.
pub(super) fn parse_flags(spec: &Spec, args: &[String]) -> Result<Parsed, CommandError> {
    let path = spec.verb.path();
    let flag_error = |message: String| CommandError::Flag { path, message };
    let by_long = |name: &str| {
        spec.flags
            .iter()
            .chain(std::iter::once(&NAMESPACE))
            .find(|f| f.long == name)
            .copied()
    };
    let by_short = |c: char| {
        spec.flags
            .iter()
            .chain(std::iter::once(&NAMESPACE))
            .find(|f| f.short == Some(c))
            .copied()
    };
    let unsupported_long = |name: &str| {
        spec.unsupported
            .iter()
            .chain(GLOBAL_UNSUPPORTED)
            .any(|(l, _)| *l == name)
    };
    let unsupported_short = |c: char| {
        spec.unsupported
            .iter()
            .chain(GLOBAL_UNSUPPORTED)
            .find(|(_, s)| *s == Some(c))
            .map(|(l, _)| *l)
    };
    let help = || unsupported(format!("\"{path} --help\""), Some(spec.verb));

    let mut parsed = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let s = &args[i];
        i += 1;
        if s.is_empty() || !s.starts_with('-') || s == "-" {
            parsed.args.push(s.clone());
            continue;
        }
        if s == "--" {
            parsed.dash = Some(parsed.args.len());
            parsed.args.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(body) = s.strip_prefix("--") {
            if body.starts_with('-') || body.starts_with('=') {
                return Err(flag_error(format!("bad flag syntax: {s}")));
            }
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (body, None),
            };
            let Some(f) = by_long(name) else {
                if name == "help" {
                    return Err(help());
                }
                if unsupported_long(name) {
                    return Err(unsupported(
                        format!("the flag --{name} of \"{path}\""),
                        Some(spec.verb),
                    ));
                }
                return Err(flag_error(format!("unknown flag: --{name}")));
            };
            let value = match (inline, f.ty) {
                (Some(v), _) => v.to_string(),
                (None, Ty::Bool) => "true".to_string(),
                (None, Ty::OptStr(default)) => default.to_string(),
                (None, _) => match args.get(i) {
                    Some(next) => {
                        i += 1;
                        next.clone()
                    }
                    None => return Err(flag_error(format!("flag needs an argument: --{name}"))),
                },
            };
            set(&mut parsed, f, &value).map_err(flag_error)?;
            continue;
        }
        // Shorthands: `-abc` is a, b, c unless one of them takes the rest as its value.
        let mut shorthands: &str = &s[1..];
        while let Some(c) = shorthands.chars().next() {
            let after = &shorthands[c.len_utf8()..];
            let Some(f) = by_short(c) else {
                if c == 'h' {
                    return Err(help());
                }
                if let Some(long) = unsupported_short(c) {
                    return Err(unsupported(
                        format!("the flag -{c} (--{long}) of \"{path}\""),
                        Some(spec.verb),
                    ));
                }
                return Err(flag_error(format!(
                    "unknown shorthand flag: '{c}' in -{shorthands}"
                )));
            };
            let value;
            if let Some(v) = after.strip_prefix('=').filter(|_| shorthands.len() > 2) {
                value = v.to_string();
                shorthands = "";
            } else if f.ty == Ty::Bool {
                value = "true".to_string();
                shorthands = after;
            } else if let Ty::OptStr(default) = f.ty {
                value = default.to_string();
                shorthands = after;
            } else if !after.is_empty() {
                value = after.to_string();
                shorthands = "";
            } else if let Some(next) = args.get(i) {
                i += 1;
                value = next.clone();
                shorthands = "";
            } else {
                return Err(flag_error(format!(
                    "flag needs an argument: '{c}' in -{shorthands}"
                )));
            }
            set(&mut parsed, f, &value).map_err(flag_error)?;
        }
    }

    // cobra `ValidateRequiredFlags`, after parsing and before the command runs.
    let required: &[&str] = match spec.verb {
        Verb::Run | Verb::CreateDeployment => &["image"],
        Verb::Scale => &["replicas"],
        _ => &[],
    };
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|r| !parsed.changed(r))
        .collect();
    if !missing.is_empty() {
        return Err(failed(format!(
            "required flag(s) \"{}\" not set",
            missing.join("\", \"")
        )));
    }
    Ok(parsed)
}

/// pflag `FlagSet.Set`, with its `invalid argument %q for %q flag: %v` error.
fn set(parsed: &mut Parsed, f: Flag, value: &str) -> Result<(), String> {
    let invalid = |err: String| {
        let name = match f.short {
            Some(c) => format!("-{c}, --{}", f.long),
            None => format!("--{}", f.long),
        };
        format!(
            "invalid argument {} for {} flag: {err}",
            quote(value),
            quote(&name)
        )
    };
    let v = match f.ty {
        Ty::Str | Ty::OptStr(_) => Val::Str(value.to_string()),
        Ty::Slice => {
            let mut list = parsed.list(f.long);
            if !value.is_empty() {
                list.extend(value.split(',').map(str::to_string));
            }
            Val::List(list)
        }
        Ty::Bool => Val::Bool(parse_bool(value).map_err(invalid)?),
        Ty::Int(bits) => Val::Int(parse_int(value, bits).map_err(invalid)?),
    };
    parsed.vals.insert(f.long, v);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Go strconv, for flag values
// ---------------------------------------------------------------------------------------------

/// `strconv.ParseBool`.
fn parse_bool(s: &str) -> Result<bool, String> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(false),
        _ => Err(format!(
            "strconv.ParseBool: parsing {}: invalid syntax",
            quote(s)
        )),
    }
}

enum NumError {
    Syntax,
    Range,
}

/// `strconv.ParseUint(s, base, bits)` for base 0 (prefixes and `_` allowed) or 10.
fn parse_uint(s: &str, base0: bool, bits: u32) -> Result<u64, NumError> {
    if s.is_empty() {
        return Err(NumError::Syntax);
    }
    let bytes = s.as_bytes();
    let (base, digits): (u64, &[u8]) = if !base0 {
        (10, bytes)
    } else if bytes[0] == b'0' {
        match bytes.get(1).map(u8::to_ascii_lowercase) {
            Some(b'b') if bytes.len() >= 3 => (2, &bytes[2..]),
            Some(b'o') if bytes.len() >= 3 => (8, &bytes[2..]),
            Some(b'x') if bytes.len() >= 3 => (16, &bytes[2..]),
            _ => (8, &bytes[1..]),
        }
    } else {
        (10, bytes)
    };
    let max = if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    let mut underscores = false;
    let mut n: u64 = 0;
    for &c in digits {
        let d = match c {
            b'_' if base0 => {
                underscores = true;
                continue;
            }
            b'0'..=b'9' => u64::from(c - b'0'),
            c if c.is_ascii_alphabetic() => u64::from(c.to_ascii_lowercase() - b'a') + 10,
            _ => return Err(NumError::Syntax),
        };
        if d >= base {
            return Err(NumError::Syntax);
        }
        n = match n.checked_mul(base).and_then(|m| m.checked_add(d)) {
            Some(v) if v <= max => v,
            _ => return Err(NumError::Range),
        };
    }
    if underscores && !underscore_ok(s) {
        return Err(NumError::Syntax);
    }
    Ok(n)
}

/// Go `strconv.underscoreOK`: underscores only between digits or after a base prefix.
fn underscore_ok(s: &str) -> bool {
    let mut s = s.as_bytes();
    if let Some((b'+' | b'-', rest)) = s.split_first() {
        s = rest;
    }
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' && matches!(s[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = s[1].eq_ignore_ascii_case(&b'x');
    }
    while i < s.len() {
        let c = s[i];
        i += 1;
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
            continue;
        }
        if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
            continue;
        }
        if saw == b'_' {
            return false;
        }
        saw = b'!';
    }
    saw != b'_'
}

/// `strconv.ParseInt(s, 0, bits)`, as pflag's int flags use it; the error is Go's text.
fn parse_int(s: &str, bits: u32) -> Result<i64, String> {
    let err = |what: &str| format!("strconv.ParseInt: parsing {}: {what}", quote(s));
    let (neg, unsigned) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let un = match parse_uint(unsigned, true, bits) {
        Ok(v) => v,
        Err(NumError::Syntax) => return Err(err("invalid syntax")),
        Err(NumError::Range) => return Err(err("value out of range")),
    };
    let cutoff: u64 = 1u64 << (bits.clamp(1, 64) - 1);
    if !neg && un >= cutoff || neg && un > cutoff {
        return Err(err("value out of range"));
    }
    let magnitude = i128::from(un);
    let signed = if neg { -magnitude } else { magnitude };
    i64::try_from(signed).map_err(|_| err("value out of range"))
}

// ---------------------------------------------------------------------------------------------
// Resource arguments (cli-runtime resource/builder.go)
// ---------------------------------------------------------------------------------------------

/// `ResourceTypeOrNameArgs` before any mapping: `type/name` tuples, or types plus names.
pub(super) enum ResourceArgs {
    None,
    Tuples(Vec<(String, String)>),
    Bulk {
        resources: Vec<String>,
        names: Vec<String>,
    },
}

/// `SplitResourceArgument`: comma-separated, duplicates dropped, order kept.
fn split_resource_argument(arg: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in arg.split(',') {
        if !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    }
    out
}

pub(super) fn resource_args(args: &[String]) -> Result<ResourceArgs, CommandError> {
    // normalizeMultipleResourcesArgs: `a,b n1 n2` becomes a/n1 a/n2 b/n1 b/n2.
    let mut args: Vec<String> = args.to_vec();
    if args.len() >= 2 {
        let resources = split_resource_argument(&args[0]);
        if resources.len() > 1 {
            args = resources
                .iter()
                .flat_map(|r| args[1..].iter().map(move |n| format!("{r}/{n}")))
                .collect();
        }
    }
    // hasCombinedTypeArgs
    let slashed = args.iter().filter(|a| a.contains('/')).count();
    if slashed > 0 && slashed != args.len() {
        return Err(failed(
            "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'",
        ));
    }
    if slashed > 0 {
        let mut tuples = Vec::new();
        for a in &args {
            // splitResourceTypeName
            let parts: Vec<&str> = a.split('/').collect();
            let [resource, name] = parts.as_slice() else {
                return Err(failed(
                    "arguments in resource/name form may not have more than one slash",
                ));
            };
            if resource.is_empty()
                || name.is_empty()
                || split_resource_argument(resource).len() != 1
            {
                return Err(failed(
                    "arguments in resource/name form must have a single resource and name",
                ));
            }
            tuples.push((resource.to_string(), name.to_string()));
        }
        return Ok(ResourceArgs::Tuples(tuples));
    }
    match args.split_first() {
        None => Ok(ResourceArgs::None),
        Some((types, names)) => Ok(ResourceArgs::Bulk {
            resources: split_resource_argument(types),
            names: names.to_vec(),
        }),
    }
}

/// Built-in resource names (plural, singular, short, category) that a real API server serves
/// but kubesim does not simulate yet.
const UNSIMULATED_RESOURCES: &[&str] = &[
    "all",
    "apiservices",
    "bindings",
    "certificatesigningrequests",
    "csr",
    "clusterrole",
    "clusterroles",
    "clusterrolebinding",
    "clusterrolebindings",
    "componentstatuses",
    "cs",
    "controllerrevision",
    "controllerrevisions",
    "crd",
    "crds",
    "customresourcedefinition",
    "customresourcedefinitions",
    "csidrivers",
    "csinodes",
    "endpoints",
    "ep",
    "endpointslice",
    "endpointslices",
    "horizontalpodautoscaler",
    "horizontalpodautoscalers",
    "hpa",
    "ingress",
    "ingresses",
    "ing",
    "ingressclass",
    "ingressclasses",
    "lease",
    "leases",
    "limitrange",
    "limitranges",
    "limits",
    "mutatingwebhookconfigurations",
    "networkpolicies",
    "networkpolicy",
    "netpol",
    "persistentvolume",
    "persistentvolumes",
    "pv",
    "persistentvolumeclaim",
    "persistentvolumeclaims",
    "pvc",
    "podtemplate",
    "podtemplates",
    "resourcequota",
    "resourcequotas",
    "quota",
    "role",
    "roles",
    "rolebinding",
    "rolebindings",
    "runtimeclasses",
    "storageclass",
    "storageclasses",
    "sc",
    "validatingwebhookconfigurations",
    "volumeattachments",
];

/// The builder's `mappingFor`: a resource argument to a kind, or kubectl's
/// `the server doesn't have a resource type %q` (naming the part before the first `.`).
pub(super) fn map_kind(resource: &str, verb: Verb) -> Result<Kind, CommandError> {
    if let Some(kind) = Kind::from_resource_name(resource) {
        return Ok(kind);
    }
    let base = resource.split('.').next().unwrap_or("").to_string();
    if UNSIMULATED_RESOURCES.contains(&base.to_lowercase().as_str()) {
        return Err(unsupported(
            format!(
                "the resource type {} yet (it simulates nodes, namespaces, pods, deployments, replicasets, replicationcontrollers, services, configmaps, secrets, serviceaccounts, daemonsets, statefulsets, jobs, cronjobs, poddisruptionbudgets, priorityclasses, events)",
                quote(resource)
            ),
            Some(verb),
        ));
    }
    Err(failed(format!(
        "the server doesn't have a resource type {}",
        quote(&base)
    )))
}

/// Maps tuples in order, as `resourceTupleMappings` does.
fn map_tuples(tuples: &[(String, String)], verb: Verb) -> Result<Vec<NamedObject>, CommandError> {
    tuples
        .iter()
        .map(|(resource, name)| {
            Ok(NamedObject {
                kind: map_kind(resource, verb)?,
                name: name.clone(),
            })
        })
        .collect()
}

/// Objects named by `TYPE NAME...` or `TYPE/NAME...` for commands that need names
/// (`visitByResource`, `visitByName`, and the "no name" and missing-resource errors).
pub(super) fn named_objects(
    args: ResourceArgs,
    verb: Verb,
) -> Result<Vec<NamedObject>, CommandError> {
    match args {
        ResourceArgs::Tuples(tuples) => map_tuples(&tuples, verb),
        ResourceArgs::Bulk { resources, names } if !names.is_empty() => {
            let resource = resources.first().map(String::as_str).unwrap_or("");
            let kind = map_kind(resource, verb)?;
            Ok(names
                .into_iter()
                .map(|name| NamedObject { kind, name })
                .collect())
        }
        ResourceArgs::Bulk { resources, .. } => {
            for r in &resources {
                map_kind(r, verb)?;
            }
            Err(failed(
                "resource(s) were provided, but no name was specified",
            ))
        }
        ResourceArgs::None => Err(failed(MISSING_RESOURCE)),
    }
}

/// `describe.go` `ToOptions` and `Run`'s builder: `TYPE [NAME_PREFIX...]`, `TYPE/NAME...` or
/// `TYPE -l SELECTOR`.
fn describe(p: Parsed) -> Result<Command, CommandError> {
    if p.args.is_empty() {
        return Err(failed(
            "You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.",
        ));
    }
    let selector = p
        .str("selector")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let prefix_fallback = p.args.len() == 2 && !p.args[0].contains('/');
    let selection = match resource_args(&p.args)? {
        ResourceArgs::Bulk { resources, names } if selector.is_some() || names.is_empty() => {
            Selection::Kinds(selected_kinds(&resources, &names, Verb::Describe)?)
        }
        ResourceArgs::Tuples(_) if selector.is_some() => {
            return Err(failed(
                "selectors and the all flag cannot be used when passing resource/name arguments",
            ));
        }
        args => Selection::Objects(named_objects(args, Verb::Describe)?),
    };
    let kinds: Vec<Kind> = match &selection {
        Selection::Kinds(k) => k.clone(),
        Selection::Objects(o) => o.iter().map(|o| o.kind).collect(),
    };
    if let Some(k) = kinds
        .iter()
        .find(|k| !crate::kubectl::describe::describable(**k))
    {
        return Err(unsupported(
            format!("\"kubectl describe\" of {}", k.group_resource()),
            Some(Verb::Describe),
        ));
    }
    Ok(Command::Describe(Describe {
        selection,
        namespace: p.namespace(),
        all_namespaces: p.bool("all-namespaces").unwrap_or(false),
        selector,
        show_events: p.bool("show-events"),
        prefix_fallback,
    }))
}

/// The builder's visitBySelector: the types of `TYPE[,TYPE...]` (each once) whose objects
/// a selector (or every object) picks; names beside a selector are the builder's error.
fn selected_kinds(
    resources: &[String],
    names: &[String],
    verb: Verb,
) -> Result<Vec<Kind>, CommandError> {
    if !names.is_empty() {
        return Err(failed(
            "name cannot be provided when a selector is specified",
        ));
    }
    let mut kinds = Vec::new();
    for r in resources {
        let kind = map_kind(r, verb)?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    Ok(kinds)
}

/// The objects a command that visits existing objects acts on (`label`, `annotate`, `wait`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Targets {
    /// `TYPE NAME...` or `TYPE/NAME...`: each object fetched by name.
    Named(Vec<NamedObject>),
    /// `TYPE[,TYPE...] -l SELECTOR` or `--all`: one list per kind, filtered by the selector
    /// (None selects everything).
    Selected {
        /// The kinds listed, duplicates removed.
        kinds: Vec<Kind>,
        /// `-l`, trimmed and unparsed; None for `--all`.
        selector: Option<String>,
    },
}

/// The builder's `LabelSelectorParam(selector).SelectAllParam(all).ResourceTypeOrNameArgs(all,
/// args...)` (cli-runtime `resource/builder.go`), with its error texts.
pub(super) fn targets(
    args: &[String],
    selector: Option<&str>,
    all: bool,
    verb: Verb,
) -> Result<Targets, CommandError> {
    let selector = selector.map(str::trim).filter(|s| !s.is_empty());
    if all && selector.is_some() {
        return Err(failed("cannot set --all and --selector at the same time"));
    }
    let by_selector = all || selector.is_some();
    match resource_args(args)? {
        ResourceArgs::Bulk { resources, names } if by_selector => Ok(Targets::Selected {
            kinds: selected_kinds(&resources, &names, verb)?,
            selector: selector.map(str::to_string),
        }),
        ResourceArgs::Tuples(_) if by_selector => Err(failed(
            "selectors and the all flag cannot be used when passing resource/name arguments",
        )),
        other => Ok(Targets::Named(named_objects(other, verb)?)),
    }
}

/// `-f` values: `-` is stdin; URLs are not read (docs/scenario.md).
fn manifest_sources(files: Vec<String>, verb: Verb) -> Result<Vec<ManifestSource>, CommandError> {
    files
        .into_iter()
        .map(|f| {
            if f == "-" {
                Ok(ManifestSource::Stdin)
            } else if f.starts_with("http://") || f.starts_with("https://") {
                Err(unsupported(
                    format!(
                        "reading manifests from a URL ({}); name a file next to the scenario",
                        quote(&f)
                    ),
                    Some(verb),
                ))
            } else {
                Ok(ManifestSource::Path(f))
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The commands' own checks
// ---------------------------------------------------------------------------------------------

/// `apply.go`: `Complete` (`RequireFilenameOrKustomize`), then `validateArgs`.
fn apply(p: Parsed) -> Result<Command, CommandError> {
    let files = p.list("filename");
    if files.is_empty() {
        return Err(failed("must specify one of -f and -k"));
    }
    if !p.args.is_empty() {
        return Err(CommandError::Usage {
            path: Verb::Apply.path(),
            message: format!("Unexpected args: [{}]", p.args.join(" ")),
        });
    }
    Ok(Command::Apply(Apply {
        files: manifest_sources(files, Verb::Apply)?,
        namespace: p.namespace(),
    }))
}

/// `delete_flags.go` `parseCascadingFlag`: the deprecated booleans map to background/orphan
/// with a warning on stderr.
fn parse_cascade(value: &str) -> Result<(Cascade, Option<String>), CommandError> {
    let warn = |replacement: &str| {
        format!(
            "warning: --cascade={value} is deprecated (boolean value) and can be replaced with --cascade={replacement}."
        )
    };
    match parse_bool(value) {
        Ok(true) => Ok((Cascade::Background, Some(warn("background")))),
        Ok(false) => Ok((Cascade::Orphan, Some(warn("orphan")))),
        Err(_) => match value {
            "orphan" => Ok((Cascade::Orphan, None)),
            "foreground" => Ok((Cascade::Foreground, None)),
            "background" => Ok((Cascade::Background, None)),
            _ => Err(failed(format!(
                "invalid cascade value ({value}). Must be \"background\", \"foreground\", or \"orphan\""
            ))),
        },
    }
}

/// `delete.go`: `ToOptions` (cascade), then the builder (`visitByPaths` or by name).
fn delete(p: Parsed) -> Result<Command, CommandError> {
    let (cascade, warning) = parse_cascade(p.str("cascade").unwrap_or("background"))?;
    let files = p.list("filename");
    let args = resource_args(&p.args)?;
    let selector = p
        .str("selector")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let all = p.bool("all").unwrap_or(false);
    let selecting = selector.is_some() || all;
    if selecting && !files.is_empty() {
        return Err(unsupported(
            "\"kubectl delete -f\" with --selector or --all",
            Some(Verb::Delete),
        ));
    }
    let target = if files.is_empty() {
        match args {
            // The builder's visitBySelector: a LIST per type when the command runs.
            ResourceArgs::Bulk { resources, names } if selecting => {
                let kinds = selected_kinds(&resources, &names, Verb::Delete)?;
                // delete.go Validate, after the builder.
                if all && selector.is_some() {
                    return Err(failed("cannot set --all and --selector at the same time"));
                }
                DeleteTarget::Selected { kinds, selector }
            }
            ResourceArgs::Tuples(_) if selecting => {
                return Err(failed(
                    "selectors and the all flag cannot be used when passing resource/name arguments",
                ));
            }
            args => DeleteTarget::Objects(named_objects(args, Verb::Delete)?),
        }
    } else {
        match args {
            ResourceArgs::None => {}
            ResourceArgs::Bulk { .. } => {
                return Err(failed(
                    "when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well",
                ));
            }
            ResourceArgs::Tuples(_) => {
                return Err(failed(
                    "resource/name arguments cannot be provided when a path is specified",
                ));
            }
        }
        DeleteTarget::Files(manifest_sources(files, Verb::Delete)?)
    };
    Ok(Command::Delete(Delete {
        target,
        namespace: p.namespace(),
        cascade,
        wait: p.bool("wait").unwrap_or(true),
        warnings: warning.into_iter().collect(),
    }))
}

/// `run.go` `Validate`, then the `BasicPod` generator (`generate/versioned/run.go`).
fn run(p: Parsed) -> Result<Command, CommandError> {
    let Some(name) = p.args.first().filter(|_| p.dash != Some(0)) else {
        return Err(failed("NAME is required for run"));
    };
    let image = p.str("image").unwrap_or("");
    if image.is_empty() {
        return Err(failed("--image is required"));
    }
    if !valid_image_reference(image) {
        return Err(failed(format!(
            "Invalid image name {}: invalid reference format",
            quote(image)
        )));
    }
    let restart = match p.str("restart").unwrap_or("") {
        "" | "Always" => RestartPolicy::Always,
        "OnFailure" => RestartPolicy::OnFailure,
        "Never" => RestartPolicy::Never,
        other => return Err(failed(format!("invalid restart policy: {other}"))),
    };
    let labels = match p.str("labels").unwrap_or("") {
        "" => vec![("run".to_string(), name.clone())],
        spec => parse_labels(spec)?,
    };
    let port = match p.str("port").unwrap_or("") {
        "" => None,
        // utilsnet.ParsePort(port, true): strconv.ParseUint(port, 10, 16).
        text => match parse_uint(text, false, 16).map(u16::try_from) {
            Ok(Ok(port)) => Some(port),
            Err(NumError::Syntax) => {
                return Err(failed(format!(
                    "strconv.ParseUint: parsing {}: invalid syntax",
                    quote(text)
                )));
            }
            Ok(Err(_)) | Err(NumError::Range) => {
                return Err(failed(format!(
                    "strconv.ParseUint: parsing {}: value out of range",
                    quote(text)
                )));
            }
        },
    };
    Ok(Command::Run(Run {
        name: name.clone(),
        image: image.to_string(),
        restart,
        port,
        labels,
        args: p.args[1..].to_vec(),
        namespace: p.namespace(),
    }))
}

/// `generate.ParseLabels`: `k=v,k2=v2` into a map (sorted; a repeated key keeps its last value).
fn parse_labels(spec: &str) -> Result<Vec<(String, String)>, CommandError> {
    let mut labels = BTreeMap::new();
    for item in spec.split(',') {
        let parts: Vec<&str> = item.split('=').collect();
        let [key, value] = parts.as_slice() else {
            return Err(failed(format!("unexpected label spec: {item}")));
        };
        if key.is_empty() {
            return Err(failed("unexpected empty label key"));
        }
        labels.insert(key.to_string(), value.to_string());
    }
    Ok(labels.into_iter().collect())
}

/// `create.go` `NameFromCommandArgs`: exactly one word before `--`.
fn name_from_args(p: &Parsed, verb: Verb) -> Result<String, CommandError> {
    let count = p.dash.unwrap_or(p.args.len());
    match (count, p.args.first()) {
        (1, Some(name)) => Ok(name.clone()),
        _ => Err(CommandError::Usage {
            path: verb.path(),
            message: format!("exactly one NAME is required, got {count}"),
        }),
    }
}

fn create_namespace(p: Parsed) -> Result<Command, CommandError> {
    Ok(Command::CreateNamespace(CreateNamespace {
        name: name_from_args(&p, Verb::CreateNamespace)?,
    }))
}

/// `create_deployment.go` `Complete` and `Validate`.
fn create_deployment(p: Parsed) -> Result<Command, CommandError> {
    let name = name_from_args(&p, Verb::CreateDeployment)?;
    let command = p.args[1..].to_vec();
    let images = p.list("image");
    if images.len() > 1 && !command.is_empty() {
        return Err(failed(
            "cannot specify multiple --image options and command",
        ));
    }
    // Both are Int32 flags, so the values already fit.
    let int32 = |long: &str| p.int(long).and_then(|v| i32::try_from(v).ok());
    Ok(Command::CreateDeployment(CreateDeployment {
        name,
        images,
        replicas: int32("replicas").unwrap_or(1),
        port: int32("port").filter(|port| *port >= 0),
        command,
        namespace: p.namespace(),
    }))
}

/// `create_job.go` `Complete` and `Validate`: exactly one of `--image` and `--from`, no
/// command with `--from`, which must name a CronJob (`resource/name`).
fn create_job(p: Parsed) -> Result<Command, CommandError> {
    let name = name_from_args(&p, Verb::CreateJob)?;
    let image = p.str("image").unwrap_or_default().to_string();
    let from = p.str("from").unwrap_or_default();
    let command = p.args[1..].to_vec();
    if image.is_empty() == from.is_empty() {
        return Err(failed("either --image or --from must be specified"));
    }
    if !command.is_empty() && !from.is_empty() {
        return Err(failed("cannot specify --from and command"));
    }
    let from = match from.split_once('/') {
        None if from.is_empty() => None,
        Some((kind, cj)) if Kind::from_resource_name(kind) == Some(Kind::CronJob) => {
            Some(cj.to_string())
        }
        _ => {
            return Err(failed(format!(
                "--from takes cronjob/NAME (kubectl creates Jobs only from CronJobs), got {}",
                quote(from)
            )));
        }
    };
    Ok(Command::CreateJob(CreateJob {
        name,
        image,
        from,
        command,
        namespace: p.namespace(),
    }))
}

/// `scale.go` `Validate`, then the builder (`ResourceTypeOrNameArgs(false, …)`).
fn scale(p: Parsed) -> Result<Command, CommandError> {
    let replicas = p.int("replicas").unwrap_or(-1);
    if replicas < 0 {
        return Err(failed(
            "The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0",
        ));
    }
    let targets = named_objects(resource_args(&p.args)?, Verb::Scale)?;
    Ok(Command::Scale(Scale {
        targets,
        replicas,
        namespace: p.namespace(),
    }))
}

/// Output formats kubectl knows (`allowed formats are: …` of `get`, kubectl 1.35 without the
/// `KUBECTL_KYAML` preview).
const GET_OUTPUT_FORMATS: &str = "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";

/// `get.go` `Complete` and `Validate`, the builder with `ResourceTypeOrNameArgs(true, …)`,
/// then the printer lookup for `-o`.
fn get(p: Parsed) -> Result<Command, CommandError> {
    if p.args.is_empty() {
        return Err(CommandError::Text(GET_NO_RESOURCE.to_string()));
    }
    let output = p.str("output").unwrap_or("");
    let show_labels = p.bool("show-labels").unwrap_or(false);
    if show_labels && !output.is_empty() && output != "wide" {
        return Err(failed(format!(
            "--show-labels option cannot be used with {output} printer"
        )));
    }
    let all_namespaces = p.bool("all-namespaces").unwrap_or(false);
    let selector = p
        .str("selector")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let by_name_across_namespaces =
        |objects: &[NamedObject]| all_namespaces && objects.iter().any(|o| o.kind.namespaced());
    let selection = match resource_args(&p.args)? {
        // One argument means "every object" (an implicit empty selector): visitBySelector.
        ResourceArgs::Bulk { resources, names } if selector.is_some() || names.is_empty() => {
            Selection::Kinds(selected_kinds(&resources, &names, Verb::Get)?)
        }
        ResourceArgs::Tuples(_) if selector.is_some() => {
            return Err(failed(
                "selectors and the all flag cannot be used when passing resource/name arguments",
            ));
        }
        args => {
            let objects = named_objects(args, Verb::Get)?;
            if by_name_across_namespaces(&objects) {
                return Err(failed(
                    "a resource cannot be retrieved by name across all namespaces",
                ));
            }
            Selection::Objects(objects)
        }
    };
    let output = match output {
        "" => OutputFormat::Table,
        "wide" => OutputFormat::Wide,
        "name" => OutputFormat::Name,
        other => {
            let format = other.split('=').next().unwrap_or("");
            if GET_OUTPUT_FORMATS.split(',').any(|f| f == format) {
                return Err(unsupported(
                    format!("the output format -o {}", quote(other)),
                    Some(Verb::Get),
                ));
            }
            return Err(failed(format!(
                "unable to match a printer suitable for the output format {}, allowed formats are: {GET_OUTPUT_FORMATS}",
                quote(other)
            )));
        }
    };
    let watch = watch_mode(&p, &selection)?;
    Ok(Command::Get(Get {
        selection,
        namespace: p.namespace(),
        all_namespaces,
        output,
        selector,
        show_labels,
        watch,
    }))
}

/// `-w`/`--watch-only`, and what get.go's `watch` refuses: several types
/// (`SingleResourceType`, cli-runtime builder.go) and several named objects (`Result.Watch`,
/// cli-runtime result.go). kubesim keeps Events in their own table, not watchable.
fn watch_mode(p: &Parsed, selection: &Selection) -> Result<Option<WatchMode>, CommandError> {
    let mode = if p.bool("watch-only").unwrap_or(false) {
        WatchMode::ChangesOnly
    } else if p.bool("watch").unwrap_or(false) {
        WatchMode::ListThenChanges
    } else {
        return Ok(None);
    };
    let kinds: Vec<Kind> = match selection {
        Selection::Kinds(k) => k.clone(),
        Selection::Objects(o) => {
            if o.len() > 1 {
                return Err(failed(format!(
                    "watch is only supported on individual resources and resource collections, but {} resources were found",
                    o.len()
                )));
            }
            o.iter().map(|o| o.kind).collect()
        }
    };
    if kinds.len() > 1 {
        return Err(failed("you may only specify a single resource type"));
    }
    if kinds.contains(&Kind::Event) {
        return Err(unsupported("--watch on events", Some(Verb::Get)));
    }
    Ok(Some(mode))
}

// ---------------------------------------------------------------------------------------------
// Image references (distribution/reference `ReferenceRegexp`, as `kubectl run` checks them)
// ---------------------------------------------------------------------------------------------

/// `reference.ReferenceRegexp`: `[domain/]path[:tag][@digest]`, matched without a regex engine.
fn valid_image_reference(s: &str) -> bool {
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (s, None),
    };
    if digest.is_some_and(|d| !valid_digest(d)) {
        return false;
    }
    // A tag follows the last `:` that is not part of a `domain:port/` prefix.
    let (name, tag) = match rest.rfind(':') {
        Some(i) if !rest[i..].contains('/') => (&rest[..i], Some(&rest[i + 1..])),
        _ => (rest, None),
    };
    if tag.is_some_and(|t| !valid_tag(t)) {
        return false;
    }
    let components: Vec<&str> = name.split('/').collect();
    let all_paths = |c: &[&str]| !c.is_empty() && c.iter().all(|p| valid_path_component(p));
    all_paths(&components)
        || (components.len() >= 2 && valid_domain(components[0]) && all_paths(&components[1..]))
}

/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`.
fn valid_path_component(s: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let mut chars = s.chars().peekable();
    loop {
        // A run of alphanumerics.
        let mut run = 0;
        while chars.peek().is_some_and(|c| alnum(*c)) {
            chars.next();
            run += 1;
        }
        if run == 0 {
            return false;
        }
        // A separator, or the end.
        let mut sep = String::new();
        while let Some(c) = chars.peek().copied().filter(|c| !alnum(*c)) {
            sep.push(c);
            chars.next();
        }
        if sep.is_empty() {
            return chars.peek().is_none();
        }
        let ok = sep == "." || sep == "_" || sep == "__" || sep.chars().all(|c| c == '-');
        if !ok || chars.peek().is_none() {
            return false;
        }
    }
}

/// `domain-name[:port]`, each name component `[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?`.
fn valid_domain(s: &str) -> bool {
    let (host, port) = match s.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (s, None),
    };
    if port.is_some_and(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit())) {
        return false;
    }
    !host.is_empty()
        && host.split('.').all(|c| {
            !c.is_empty()
                && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
                && !c.starts_with('-')
                && !c.ends_with('-')
        })
}

/// `[\w][\w.-]{0,127}`.
fn valid_tag(s: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut chars = s.chars();
    chars.next().is_some_and(word)
        && s.len() <= 128
        && chars.all(|c| word(c) || c == '.' || c == '-')
}

/// `[A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}`.
fn valid_digest(s: &str) -> bool {
    let Some((algorithm, hex)) = s.split_once(':') else {
        return false;
    };
    let component_ok = |c: &str| {
        let mut chars = c.chars();
        chars.next().is_some_and(|f| f.is_ascii_alphabetic())
            && chars.all(|ch| ch.is_ascii_alphanumeric())
    };
    algorithm.split(['-', '_', '+', '.']).all(component_ok)
        && hex.len() >= 32
        && hex.chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        super::super::words::split(line).expect("test lines split")
    }

    /// The command `line` parses to (panics otherwise).
    pub(in crate::kubectl) fn ok(line: &str) -> Command {
        match parse(&words(line)) {
            Ok(c) => c,
            Err(e) => panic!("{line:?} should parse, got:\n{e}"),
        }
    }

    /// The error `line` is rejected with (panics otherwise).
    pub(in crate::kubectl) fn err(line: &str) -> String {
        match parse(&words(line)) {
            Ok(c) => panic!("{line:?} should be rejected, got {c:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn obj(kind: Kind, name: &str) -> NamedObject {
        NamedObject {
            kind,
            name: name.to_string(),
        }
    }

    fn get_of(line: &str) -> Get {
        match ok(line) {
            Command::Get(g) => g,
            other => panic!("not a get: {other:?}"),
        }
    }

    fn delete_of(line: &str) -> Delete {
        match ok(line) {
            Command::Delete(d) => d,
            other => panic!("not a delete: {other:?}"),
        }
    }

    // --- apply ---------------------------------------------------------------------------

    #[test]
    fn apply_takes_repeatable_and_comma_separated_filenames() {
        assert_eq!(
            ok("kubectl apply -f a.yaml --filename=b.yaml -f c.yaml,d.yaml -f - -n dev"),
            Command::Apply(Apply {
                files: vec![
                    ManifestSource::Path("a.yaml".into()),
                    ManifestSource::Path("b.yaml".into()),
                    ManifestSource::Path("c.yaml".into()),
                    ManifestSource::Path("d.yaml".into()),
                    ManifestSource::Stdin,
                ],
                namespace: Some("dev".into()),
            })
        );
    }

    #[test]
    fn apply_without_a_file_and_with_extra_words_uses_kubectls_messages() {
        // apply.go Complete → FilenameOptions.RequireFilenameOrKustomize.
        assert_eq!(err("kubectl apply"), "error: must specify one of -f and -k");
        // apply.go validateArgs: UsageErrorf("Unexpected args: %v", args).
        assert_eq!(
            err("kubectl apply -f a.yaml extra words"),
            "error: Unexpected args: [extra words]\nSee 'kubectl apply -h' for help and examples"
        );
        assert!(err("kubectl apply -f https://x/y.yaml").contains("URL"));
    }

    // --- flags -----------------------------------------------------------------------------

    #[test]
    fn unknown_flags_get_pflag_text_and_the_templater_hint() {
        // pflag NotExistError + kubectl templater.go FlagErrorFunc.
        assert_eq!(
            err("kubectl get pods --foo"),
            "error: unknown flag: --foo\nSee 'kubectl get --help' for usage."
        );
        assert_eq!(
            err("kubectl get pods -x"),
            "error: unknown shorthand flag: 'x' in -x\nSee 'kubectl get --help' for usage."
        );
        assert_eq!(
            err("kubectl create deploy web --image=nginx --bogus=1"),
            "error: unknown flag: --bogus\nSee 'kubectl create deployment --help' for usage."
        );
        assert_eq!(
            err("kubectl get pods ---x"),
            "error: bad flag syntax: ---x\nSee 'kubectl get --help' for usage."
        );
    }

    #[test]
    fn a_flag_without_its_value_says_so() {
        // pflag ValueRequiredError.
        assert_eq!(
            err("kubectl get pods -n"),
            "error: flag needs an argument: 'n' in -n\nSee 'kubectl get --help' for usage."
        );
        assert_eq!(
            err("kubectl get pods --namespace"),
            "error: flag needs an argument: --namespace\nSee 'kubectl get --help' for usage."
        );
    }

    #[test]
    fn namespace_takes_every_pflag_spelling() {
        for line in [
            "kubectl get pods -n dev",
            "kubectl get pods -n=dev",
            "kubectl get pods -ndev",
            "kubectl get pods --namespace dev",
            "kubectl get pods --namespace=dev",
            "kubectl -n dev get pods",
            "kubectl --namespace dev get pods",
        ] {
            assert_eq!(get_of(line).namespace.as_deref(), Some("dev"), "{line}");
        }
        assert_eq!(get_of("kubectl get pods -n ''").namespace, None);
        assert_eq!(
            get_of("kubectl get pods -n a -n b").namespace.as_deref(),
            Some("b")
        );
    }

    #[test]
    fn booleans_group_and_never_take_the_next_word() {
        let g = get_of("kubectl get pods -Al app=web");
        assert!(g.all_namespaces);
        assert_eq!(g.selector.as_deref(), Some("app=web"));
        // `--wait false`: `false` is a positional name (pflag NoOptDefVal), as in kubectl.
        let d = delete_of("kubectl delete pod web --wait false");
        assert!(d.wait);
        assert_eq!(
            d.target,
            DeleteTarget::Objects(vec![obj(Kind::Pod, "web"), obj(Kind::Pod, "false")])
        );
        assert!(!delete_of("kubectl delete pod web --wait=false").wait);
    }

    #[test]
    fn bad_flag_values_report_strconv_errors() {
        // pflag InvalidValueError wrapping strconv.NumError.
        assert_eq!(
            err("kubectl delete pod web --wait=maybe"),
            "error: invalid argument \"maybe\" for \"--wait\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax\nSee 'kubectl delete --help' for usage."
        );
        assert_eq!(
            err("kubectl scale deploy/web --replicas=abc"),
            "error: invalid argument \"abc\" for \"--replicas\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax\nSee 'kubectl scale --help' for usage."
        );
        assert_eq!(
            err("kubectl create deployment web --image=nginx -r 3000000000"),
            "error: invalid argument \"3000000000\" for \"-r, --replicas\" flag: strconv.ParseInt: parsing \"3000000000\": value out of range\nSee 'kubectl create deployment --help' for usage."
        );
    }

    #[test]
    fn parse_int_ports_gos_base_zero_table() {
        // Go strconv atoi_test.go parseInt64BaseTests, every base-0 row (pflag's int flags
        // call ParseInt(s, 0, bits)); `None` is ErrSyntax or ErrRange.
        let cases: &[(&str, Option<i64>)] = &[
            ("", None),
            ("0", Some(0)),
            ("-0", Some(0)),
            ("1", Some(1)),
            ("-1", Some(-1)),
            ("12345", Some(12345)),
            ("-12345", Some(-12345)),
            ("012345", Some(0o12345)),
            ("-012345", Some(-0o12345)),
            ("0x12345", Some(0x12345)),
            ("-0X12345", Some(-0x12345)),
            ("12345x", None),
            ("-12345x", None),
            ("98765432100", Some(98765432100)),
            ("-98765432100", Some(-98765432100)),
            ("9223372036854775807", Some(i64::MAX)),
            ("-9223372036854775807", Some(-i64::MAX)),
            ("9223372036854775808", None),
            ("-9223372036854775808", Some(i64::MIN)),
            ("9223372036854775809", None),
            ("-9223372036854775809", None),
            // underscores
            ("-0x_1_2_3_4_5", Some(-0x12345)),
            ("0x_1_2_3_4_5", Some(0x12345)),
            ("-_0x12345", None),
            ("_-0x12345", None),
            ("_0x12345", None),
            ("0x__12345", None),
            ("0x1__2345", None),
            ("0x1234__5", None),
            ("0x12345_", None),
            ("-0_1_2_3_4_5", Some(-0o12345)),
            ("0_1_2_3_4_5", Some(0o12345)),
            ("-_012345", None),
            ("_-012345", None),
            ("_012345", None),
            ("0__12345", None),
            ("01234__5", None),
            ("012345_", None),
            ("+0xf", Some(0xf)),
            ("-0xf", Some(-0xf)),
            ("0x+f", None),
            ("0x-f", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_int(s, 64).ok(), *want, "ParseInt({s:?}, 0, 64)");
        }
        // parseInt32Tests' range rows, at bit size 32.
        assert_eq!(parse_int("2147483647", 32), Ok(2147483647));
        assert_eq!(parse_int("-2147483648", 32), Ok(-2147483648));
        assert_eq!(
            parse_int("2147483648", 32),
            Err("strconv.ParseInt: parsing \"2147483648\": value out of range".into())
        );
        assert!(parse_int("-2147483649", 32).is_err());
    }

    #[test]
    fn parse_uint_base_ten_ports_gos_uint32_table() {
        // Go strconv atoi_test.go parseUint32Tests (ParseUint(s, 10, 32)); the port flag uses
        // the same function at 16 bits.
        let cases: &[(&str, Option<u64>)] = &[
            ("", None),
            ("0", Some(0)),
            ("1", Some(1)),
            ("12345", Some(12345)),
            ("012345", Some(12345)),
            ("12345x", None),
            ("987654321", Some(987654321)),
            ("4294967295", Some(4294967295)),
            ("4294967296", None),
            ("1_2_3_4_5", None),
            ("_12345", None),
            ("1__2345", None),
            ("12345_", None),
        ];
        for (s, want) in cases {
            assert_eq!(
                parse_uint(s, false, 32).ok(),
                *want,
                "ParseUint({s:?}, 10, 32)"
            );
        }
    }

    #[test]
    fn real_flags_kubesim_does_not_simulate_are_named_not_called_unknown() {
        assert_eq!(
            err("kubectl get pods -L app"),
            format!(
                "error: kubesim does not simulate the flag -L (--label-columns) of \"kubectl get\"; it accepts: {}",
                usage(Verb::Get)
            )
        );
        assert!(err("kubectl apply -f a.yaml --dry-run=client").contains("--dry-run"));
        assert!(err("kubectl get pods --context prod").contains("--context"));
        assert!(err("kubectl get pods --help").contains("--help"));
        assert!(err("kubectl get pods -h").contains("--help"));
    }

    // --- commands ---------------------------------------------------------------------------

    #[test]
    fn other_programs_are_rejected_with_the_supported_list() {
        let e = err("helm install x y");
        assert!(e.contains("\"helm\""), "{e}");
        assert!(e.contains("kubectl apply"), "{e}");
        assert!(parse(&[]).is_err());
    }

    #[test]
    fn unknown_commands_use_cobras_text_and_suggestions() {
        // cobra legacyArgs / findSuggestions.
        assert_eq!(
            err("kubectl frobnicate"),
            "error: unknown command \"frobnicate\" for \"kubectl\""
        );
        // Levenshtein("foo", "top") = 2.
        assert_eq!(
            err("kubectl foo"),
            "error: unknown command \"foo\" for \"kubectl\"\n\nDid you mean this?\n\ttop"
        );
        assert_eq!(
            err("kubectl gett pods"),
            "error: unknown command \"gett\" for \"kubectl\"\n\nDid you mean this?\n\tget\n\tset"
        );
        assert_eq!(
            err("kubectl rm pod x"),
            "error: unknown command \"rm\" for \"kubectl\"\n\nDid you mean this?\n\tcp\n\tdelete\n\trun"
        );
    }

    #[test]
    fn real_commands_kubesim_does_not_simulate_are_named() {
        assert!(err("kubectl logs web").contains("\"kubectl logs\""));
        assert!(err("kubectl describe configmap x").contains("\"kubectl describe\" of configmaps"));
        assert!(err("kubectl create configmap x").contains("\"kubectl create configmap\""));
        assert!(err("kubectl create -f x.yaml").contains("kubectl apply -f"));
    }

    #[test]
    fn create_with_an_unknown_subcommand_prints_both_messages_of_create_go() {
        // create.go Run without -f → DefaultSubCommandRun → RequireNoArguments.
        assert_eq!(
            err("kubectl create foo bar"),
            "Error: must specify one of -f and -k\n\nerror: unknown command \"foo bar\"\nSee 'kubectl create -h' for help and examples"
        );
    }

    // --- describe -------------------------------------------------------------------------

    fn describe_of(line: &str) -> Describe {
        match ok(line) {
            Command::Describe(d) => d,
            other => panic!("not a describe: {other:?}"),
        }
    }

    #[test]
    fn describe_takes_a_type_with_prefixes_names_or_a_selector() {
        // `TYPE NAME` alone may be a prefix (describe.go Run: len(BuilderArgs) == 2).
        let d = describe_of("kubectl describe pod web");
        assert_eq!(d.selection, Selection::Objects(vec![obj(Kind::Pod, "web")]));
        assert!(d.prefix_fallback);
        let d = describe_of("kubectl describe pod web db");
        assert!(!d.prefix_fallback);
        let d = describe_of("kubectl describe deploy/web svc/web");
        assert_eq!(
            d.selection,
            Selection::Objects(vec![
                obj(Kind::Deployment, "web"),
                obj(Kind::Service, "web")
            ])
        );
        assert!(!d.prefix_fallback);
        let d = describe_of("kubectl describe nodes -l agentpool=nodepool1 --show-events=false");
        assert_eq!(d.selection, Selection::Kinds(vec![Kind::Node]));
        assert_eq!(d.selector.as_deref(), Some("agentpool=nodepool1"));
        assert_eq!(d.show_events, Some(false));
        assert!(describe_of("kubectl describe pods -A").all_namespaces);
        assert_eq!(
            err("kubectl describe"),
            "error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources."
        );
    }

    // --- delete ---------------------------------------------------------------------------

    #[test]
    fn delete_accepts_files_names_and_type_slash_name() {
        assert_eq!(
            delete_of("kubectl delete -f nginx.yaml").target,
            DeleteTarget::Files(vec![ManifestSource::Path("nginx.yaml".into())])
        );
        assert_eq!(
            delete_of("kubectl delete deployment nginx web").target,
            DeleteTarget::Objects(vec![
                obj(Kind::Deployment, "nginx"),
                obj(Kind::Deployment, "web")
            ])
        );
        assert_eq!(
            delete_of("kubectl delete deploy/nginx svc/nginx").target,
            DeleteTarget::Objects(vec![
                obj(Kind::Deployment, "nginx"),
                obj(Kind::Service, "nginx")
            ])
        );
        // normalizeMultipleResourcesArgs: `a,b n` → a/n b/n.
        assert_eq!(
            delete_of("kubectl delete deploy,svc web").target,
            DeleteTarget::Objects(vec![
                obj(Kind::Deployment, "web"),
                obj(Kind::Service, "web")
            ])
        );
        let d = delete_of("kubectl delete pod web");
        assert_eq!(
            (d.cascade, d.wait, d.namespace),
            (Cascade::Background, true, None)
        );
    }

    #[test]
    fn delete_cascade_follows_parse_cascading_flag() {
        // delete_flags.go parseCascadingFlag and NoOptDefVal "background".
        assert_eq!(
            delete_of("kubectl delete pod web --cascade").cascade,
            Cascade::Background
        );
        assert_eq!(
            delete_of("kubectl delete pod web --cascade=foreground").cascade,
            Cascade::Foreground
        );
        assert_eq!(
            delete_of("kubectl delete pod web --cascade=orphan").cascade,
            Cascade::Orphan
        );
        let legacy = delete_of("kubectl delete pod web --cascade=false");
        assert_eq!(legacy.cascade, Cascade::Orphan);
        assert_eq!(
            legacy.warnings,
            [
                "warning: --cascade=false is deprecated (boolean value) and can be replaced with --cascade=orphan."
            ]
        );
        let legacy = delete_of("kubectl delete pod web --cascade=true");
        assert_eq!(legacy.cascade, Cascade::Background);
        assert_eq!(
            legacy.warnings,
            [
                "warning: --cascade=true is deprecated (boolean value) and can be replaced with --cascade=background."
            ]
        );
        assert_eq!(
            err("kubectl delete pod web --cascade=sideways"),
            "error: invalid cascade value (sideways). Must be \"background\", \"foreground\", or \"orphan\""
        );
    }

    #[test]
    fn delete_by_selector_or_all_lists_the_types_named() {
        let d = delete_of("kubectl delete pods,svc -l app=web -n dev");
        assert_eq!(
            d.target,
            DeleteTarget::Selected {
                kinds: vec![Kind::Pod, Kind::Service],
                selector: Some("app=web".into()),
            }
        );
        assert_eq!(d.namespace.as_deref(), Some("dev"));
        let d = delete_of("kubectl delete deploy --all");
        assert_eq!(
            d.target,
            DeleteTarget::Selected {
                kinds: vec![Kind::Deployment],
                selector: None,
            }
        );
        // The builder's and delete.go Validate's messages.
        assert_eq!(
            err("kubectl delete pod web -l app=web"),
            "error: name cannot be provided when a selector is specified"
        );
        assert_eq!(
            err("kubectl delete pod/web --all"),
            "error: selectors and the all flag cannot be used when passing resource/name arguments"
        );
        assert_eq!(
            err("kubectl delete pods --all -l app=web"),
            "error: cannot set --all and --selector at the same time"
        );
    }

    #[test]
    fn delete_argument_mistakes_use_the_builders_messages() {
        assert_eq!(
            err("kubectl delete"),
            "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'"
        );
        assert_eq!(
            err("kubectl delete pods"),
            "error: resource(s) were provided, but no name was specified"
        );
        assert_eq!(
            err("kubectl delete -f a.yaml pod web"),
            "error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well"
        );
        assert_eq!(
            err("kubectl delete -f a.yaml pod/web"),
            "error: resource/name arguments cannot be provided when a path is specified"
        );
        assert_eq!(
            err("kubectl delete pod pod/web"),
            "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'"
        );
        assert_eq!(
            err("kubectl delete pod/a/b"),
            "error: arguments in resource/name form may not have more than one slash"
        );
        assert_eq!(
            err("kubectl delete pod/"),
            "error: arguments in resource/name form must have a single resource and name"
        );
        assert_eq!(
            err("kubectl delete foo bar"),
            "error: the server doesn't have a resource type \"foo\""
        );
    }

    // --- run --------------------------------------------------------------------------------

    #[test]
    fn run_builds_the_basic_pod_parameters() {
        assert_eq!(
            ok(
                "kubectl run webserver --image=nginx:1.25 --restart=Never --port=80 -l app=web,tier=front -n dev"
            ),
            Command::Run(Run {
                name: "webserver".into(),
                image: "nginx:1.25".into(),
                restart: RestartPolicy::Never,
                port: Some(80),
                labels: vec![
                    ("app".into(), "web".into()),
                    ("tier".into(), "front".into())
                ],
                args: vec![],
                namespace: Some("dev".into()),
            })
        );
        // run.go getLabels: default `run=NAME`; getRestartPolicy: default Always.
        let Command::Run(r) = ok("kubectl run web --image nginx -- sleep 10") else {
            panic!("run")
        };
        assert_eq!(r.labels, vec![("run".to_string(), "web".to_string())]);
        assert_eq!(r.restart, RestartPolicy::Always);
        assert_eq!(r.args, ["sleep", "10"]);
    }

    #[test]
    fn run_errors_follow_run_go_in_its_order() {
        // cobra MarkFlagRequired("image").
        assert_eq!(
            err("kubectl run web"),
            "error: required flag(s) \"image\" not set"
        );
        // run.go Validate.
        assert_eq!(
            err("kubectl run --image=nginx"),
            "error: NAME is required for run"
        );
        assert_eq!(
            err("kubectl run --image=nginx -- web"),
            "error: NAME is required for run"
        );
        assert_eq!(
            err("kubectl run web --image="),
            "error: --image is required"
        );
        assert_eq!(
            err("kubectl run web --image=Nginx"),
            "error: Invalid image name \"Nginx\": invalid reference format"
        );
        assert_eq!(
            err("kubectl run web --image=nginx --restart=Sometimes"),
            "error: invalid restart policy: Sometimes"
        );
        // generate.ParseLabels.
        assert_eq!(
            err("kubectl run web --image=nginx --labels=app"),
            "error: unexpected label spec: app"
        );
        assert_eq!(
            err("kubectl run web --image=nginx --labels==x"),
            "error: unexpected empty label key"
        );
        // utilsnet.ParsePort → strconv.ParseUint(port, 10, 16).
        assert_eq!(
            err("kubectl run web --image=nginx --port=http"),
            "error: strconv.ParseUint: parsing \"http\": invalid syntax"
        );
        assert_eq!(
            err("kubectl run web --image=nginx --port=70000"),
            "error: strconv.ParseUint: parsing \"70000\": value out of range"
        );
    }

    #[test]
    fn image_references_follow_the_distribution_grammar() {
        for good in [
            "nginx",
            "nginx:1.25",
            "library/nginx:1.25-alpine",
            "mcr.microsoft.com/azuredocs/aks-helloworld:v1",
            "localhost:5000/my_app__x",
            "registry.example.com:443/a/b/c:tag_1.0",
            "busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "a--b.c",
        ] {
            assert!(valid_image_reference(good), "{good} should be valid");
        }
        for bad in [
            "Nginx",
            "nginx:",
            "nginx:-x",
            ":tag",
            "nginx/",
            "-nginx",
            "nginx..x",
            "nginx@sha256:abc",
            "a b",
            "foo:bar:baz",
        ] {
            assert!(!valid_image_reference(bad), "{bad} should be invalid");
        }
    }

    // --- create -----------------------------------------------------------------------------

    #[test]
    fn create_namespace_and_deployment_take_exactly_one_name() {
        assert_eq!(
            ok("kubectl create namespace dev"),
            Command::CreateNamespace(CreateNamespace { name: "dev".into() })
        );
        assert_eq!(
            ok("kubectl create ns dev"),
            Command::CreateNamespace(CreateNamespace { name: "dev".into() })
        );
        // create.go NameFromCommandArgs.
        assert_eq!(
            err("kubectl create namespace a b"),
            "error: exactly one NAME is required, got 2\nSee 'kubectl create namespace -h' for help and examples"
        );
        assert_eq!(
            err("kubectl create deployment --image=nginx"),
            "error: exactly one NAME is required, got 0\nSee 'kubectl create deployment -h' for help and examples"
        );
    }

    #[test]
    fn create_deployment_defaults_follow_create_deployment_go() {
        assert_eq!(
            ok("kubectl create deployment web --image=nginx"),
            Command::CreateDeployment(CreateDeployment {
                name: "web".into(),
                images: vec!["nginx".into()],
                replicas: 1,
                port: None,
                command: vec![],
                namespace: None,
            })
        );
        assert_eq!(
            ok(
                "kubectl create deploy web --image=nginx,redis --image busybox -r 3 --port=8080 -n dev"
            ),
            Command::CreateDeployment(CreateDeployment {
                name: "web".into(),
                images: vec!["nginx".into(), "redis".into(), "busybox".into()],
                replicas: 3,
                port: Some(8080),
                command: vec![],
                namespace: Some("dev".into()),
            })
        );
        let Command::CreateDeployment(d) =
            ok("kubectl create deployment web --image=busybox -- sleep 3600")
        else {
            panic!("create deployment")
        };
        assert_eq!(d.command, ["sleep", "3600"]);
        assert_eq!(
            err("kubectl create deployment web"),
            "error: required flag(s) \"image\" not set"
        );
        assert_eq!(
            err("kubectl create deployment web --image=a --image=b -- sleep 1"),
            "error: cannot specify multiple --image options and command"
        );
    }

    // --- scale ------------------------------------------------------------------------------

    #[test]
    fn scale_takes_type_slash_name_or_type_and_name() {
        let want = Command::Scale(Scale {
            targets: vec![obj(Kind::Deployment, "nginx")],
            replicas: 5,
            namespace: None,
        });
        assert_eq!(ok("kubectl scale deployment/nginx --replicas=5"), want);
        assert_eq!(ok("kubectl scale --replicas 5 deploy nginx"), want);
        assert_eq!(
            err("kubectl scale deployment/nginx"),
            "error: required flag(s) \"replicas\" not set"
        );
        // scale.go Validate.
        assert_eq!(
            err("kubectl scale deployment/nginx --replicas=-1"),
            "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"
        );
        assert_eq!(
            err("kubectl scale deployment --replicas=2"),
            "error: resource(s) were provided, but no name was specified"
        );
    }

    // --- get --------------------------------------------------------------------------------

    #[test]
    fn get_watch_flags_choose_the_mode_and_refuse_what_get_go_refuses() {
        // get.go: --watch-only wins over -w (it sets WatchOnly, which skips the list).
        assert_eq!(get_of("kubectl get pods").watch, None);
        assert_eq!(
            get_of("kubectl get pods -w").watch,
            Some(WatchMode::ListThenChanges)
        );
        assert_eq!(
            get_of("kubectl get pod web --watch").watch,
            Some(WatchMode::ListThenChanges)
        );
        assert_eq!(
            get_of("kubectl get pods -w --watch-only").watch,
            Some(WatchMode::ChangesOnly)
        );
        assert_eq!(
            err("kubectl get pods,svc -w"),
            "error: you may only specify a single resource type"
        );
        assert_eq!(
            err("kubectl get pod/a pod/b --watch-only"),
            "error: watch is only supported on individual resources and resource collections, but 2 resources were found"
        );
        assert!(err("kubectl get events -w").contains("--watch on events"));
    }

    #[test]
    fn get_lists_kinds_by_every_resource_spelling() {
        let g = get_of("kubectl get po,svc,deployments.apps,Pods,no");
        assert_eq!(
            g.selection,
            Selection::Kinds(vec![Kind::Pod, Kind::Service, Kind::Deployment, Kind::Node])
        );
        assert_eq!(g.output, OutputFormat::Table);
        assert!(!g.all_namespaces && !g.show_labels);
        assert_eq!(g.selector, None);
    }

    #[test]
    fn get_names_objects_like_the_builder() {
        assert_eq!(
            get_of("kubectl get pod web db").selection,
            Selection::Objects(vec![obj(Kind::Pod, "web"), obj(Kind::Pod, "db")])
        );
        assert_eq!(
            get_of("kubectl get pod/web svc/db").selection,
            Selection::Objects(vec![obj(Kind::Pod, "web"), obj(Kind::Service, "db")])
        );
        assert_eq!(
            get_of("kubectl get pods,svc web").selection,
            Selection::Objects(vec![obj(Kind::Pod, "web"), obj(Kind::Service, "web")])
        );
        assert_eq!(
            get_of("kubectl get nodes aks-nodepool1-0 -A").selection,
            Selection::Objects(vec![obj(Kind::Node, "aks-nodepool1-0")])
        );
    }

    #[test]
    fn get_flags_carry_output_selector_and_labels() {
        let g = get_of("kubectl get pods -A -o wide -l 'app in (web,api)' --show-labels");
        assert!(g.all_namespaces && g.show_labels);
        assert_eq!(g.output, OutputFormat::Wide);
        assert_eq!(g.selector.as_deref(), Some("app in (web,api)"));
        assert_eq!(
            get_of("kubectl get deploy -o name").output,
            OutputFormat::Name
        );
        assert_eq!(get_of("kubectl get pods -l ' '").selector, None);
    }

    #[test]
    fn get_errors_use_kubectls_messages() {
        // get.go Complete.
        assert_eq!(
            err("kubectl get"),
            "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples"
        );
        // builder.go mappingFor.
        assert_eq!(
            err("kubectl get foo"),
            "error: the server doesn't have a resource type \"foo\""
        );
        assert_eq!(
            err("kubectl get foo.bar"),
            "error: the server doesn't have a resource type \"foo\""
        );
        // get.go Validate.
        assert_eq!(
            err("kubectl get pods -o name --show-labels"),
            "error: --show-labels option cannot be used with name printer"
        );
        // builder.go visitBySelector / visitByResource / visitByName.
        assert_eq!(
            err("kubectl get pods web -l app=web"),
            "error: name cannot be provided when a selector is specified"
        );
        assert_eq!(
            err("kubectl get pod/web -l app=web"),
            "error: selectors and the all flag cannot be used when passing resource/name arguments"
        );
        assert_eq!(
            err("kubectl get pod web -A"),
            "error: a resource cannot be retrieved by name across all namespaces"
        );
        // cli-runtime printers NoCompatiblePrinterError.
        assert_eq!(
            err("kubectl get pods -o table"),
            "error: unable to match a printer suitable for the output format \"table\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"
        );
        assert!(
            err("kubectl get pods -o yaml")
                .contains("kubesim does not simulate the output format -o \"yaml\"")
        );
        assert!(err("kubectl get pods -o jsonpath={.items}").contains("-o \"jsonpath={.items}\""));
        assert!(
            err("kubectl get networkpolicies")
                .contains("kubesim does not simulate the resource type \"networkpolicies\"")
        );
        assert!(err("kubectl get all").contains("\"all\""));
    }

    #[test]
    fn usage_names_every_command() {
        for verb in [
            Verb::Apply,
            Verb::Delete,
            Verb::Run,
            Verb::CreateNamespace,
            Verb::CreateDeployment,
            Verb::Scale,
            Verb::Get,
        ] {
            assert!(usage(verb).starts_with(verb.path()), "{verb:?}");
        }
        assert_eq!(ok("kubectl get pods").verb(), Verb::Get);
    }

    mod never_panics {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn on_arbitrary_words(words in proptest::collection::vec(
                prop_oneof![
                    Just("kubectl".to_string()),
                    Just("get".to_string()),
                    Just("create".to_string()),
                    Just("delete".to_string()),
                    Just("run".to_string()),
                    Just("scale".to_string()),
                    Just("apply".to_string()),
                    Just("--".to_string()),
                    Just("-".to_string()),
                    "-[a-zA-Z=é]{0,4}",
                    "--[a-z=-]{0,12}",
                    "[a-z/,.:@é=-]{0,12}",
                ],
                0..8,
            )) {
                let mut line = vec!["kubectl".to_string()];
                line.extend(words);
                let _ = parse(&line);
            }

            #[test]
            fn on_arbitrary_numbers_and_images(s in "\\PC{0,20}") {
                let _ = parse_int(&s, 32);
                let _ = parse_int(&s, 64);
                let _ = valid_image_reference(&s);
                let _ = parse_labels(&s);
            }
        }
    }
}
