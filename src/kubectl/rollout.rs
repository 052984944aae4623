//! `kubectl set image` and `kubectl rollout status|history|undo|pause|resume|restart`
//! (`kubectl/pkg/cmd/set/set_image.go`, `kubectl/pkg/cmd/rollout/*.go`): parsing into one
//! [`Rollout`] command on one workload.
//!
//! What each does when it runs is [`crate::kubectl::exec`]'s business (the visit of the
//! named object, then a PATCH or a watch). Simplified: one object per command (kubectl
//! visits several), no `-f`, `-l`, `--all`, `--dry-run`, `-o` or `--local`; `rollout status`
//! takes Deployments, DaemonSets and StatefulSets, the others Deployments only.

use super::command::{
    Command, CommandError, Flag, NamedObject, Parsed, Spec, Ty, Verb, failed, flag, named_objects,
    resource_args, unsupported,
};
use crate::model::kind::Kind;
use crate::sim::time::SimDuration;

/// What the command does to the workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// `set image`: `CONTAINER=IMAGE` pairs in order (`*` names every container).
    SetImage(Vec<(String, String)>),
    /// `rollout status`.
    Status {
        /// `--timeout` (default 0: never).
        timeout: Option<SimDuration>,
        /// `--watch` (default true); false prints the status once.
        watch: bool,
        /// `--revision` (default 0: the running one).
        revision: i64,
    },
    /// `rollout history`, all revisions or `--revision=N`.
    History {
        /// `--revision` (0: the table of all).
        revision: i64,
    },
    /// `rollout undo`, to `--to-revision` (0: the previous revision).
    Undo {
        /// `--to-revision`.
        to_revision: i64,
    },
    /// `rollout pause`.
    Pause,
    /// `rollout resume`.
    Resume,
    /// `rollout restart`.
    Restart,
}

/// `kubectl set image` or one `kubectl rollout` subcommand, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rollout {
    /// The workload.
    pub target: NamedObject,
    /// What to do.
    pub action: Action,
    /// `-n`/`--namespace`, if given.
    pub namespace: Option<String>,
}

/// Flags of the rollout family kubesim does not simulate (each command has them).
const RESOURCE_UNSUPPORTED: &[(&str, Option<char>)] = &[
    ("filename", Some('f')),
    ("kustomize", Some('k')),
    ("recursive", Some('R')),
    ("selector", Some('l')),
    ("output", Some('o')),
    ("template", None),
    ("allow-missing-template-keys", None),
    ("show-managed-fields", None),
];

/// `kubectl set image`'s flags.
pub(super) const SET_IMAGE: Spec = Spec {
    verb: Verb::SetImage,
    flags: &[],
    unsupported: &[
        ("all", None),
        ("dry-run", None),
        ("field-manager", None),
        ("filename", Some('f')),
        ("kustomize", Some('k')),
        ("local", None),
        ("output", Some('o')),
        ("recursive", Some('R')),
        ("selector", Some('l')),
        ("template", None),
        ("allow-missing-template-keys", None),
        ("show-managed-fields", None),
    ],
};

const STATUS_FLAGS: &[Flag] = &[
    flag("timeout", None, Ty::Str),
    flag("watch", Some('w'), Ty::Bool),
    flag("revision", None, Ty::Int(64)),
];
const HISTORY_FLAGS: &[Flag] = &[flag("revision", None, Ty::Int(64))];
const UNDO_FLAGS: &[Flag] = &[flag("to-revision", None, Ty::Int(64))];

const fn spec(verb: Verb, flags: &'static [Flag]) -> Spec {
    Spec {
        verb,
        flags,
        unsupported: RESOURCE_UNSUPPORTED,
    }
}

/// `kubectl set SUBCOMMAND`: only `image` is simulated.
pub(super) fn set(args: &[String]) -> Result<Command, CommandError> {
    let (sub, rest) = subcommand(args);
    match sub.as_deref() {
        Some("image") => set_image(super::command::parse_flags(&SET_IMAGE, &rest)?),
        Some(other) => Err(unsupported(format!("\"kubectl set {other}\""), None)),
        None => Err(unsupported(
            "\"kubectl set\" without a subcommand (it supports \"set image\")",
            None,
        )),
    }
}

/// `kubectl rollout SUBCOMMAND`.
pub(super) fn rollout(args: &[String]) -> Result<Command, CommandError> {
    use super::command::parse_flags;
    let (sub, rest) = subcommand(args);
    let parsed = |verb: Verb, flags: &'static [Flag]| parse_flags(&spec(verb, flags), &rest);
    let (p, action) = match sub.as_deref() {
        Some("status") => {
            let p = parsed(Verb::RolloutStatus, STATUS_FLAGS)?;
            let action = status(&p)?;
            (p, action)
        }
        Some("history") => {
            let p = parsed(Verb::RolloutHistory, HISTORY_FLAGS)?;
            let revision = p.int("revision").unwrap_or(0);
            (p, Action::History { revision })
        }
        Some("undo") => {
            let p = parsed(Verb::RolloutUndo, UNDO_FLAGS)?;
            let to_revision = p.int("to-revision").unwrap_or(0);
            (p, Action::Undo { to_revision })
        }
        Some("pause") => (parsed(Verb::RolloutPause, &[])?, Action::Pause),
        Some("resume") => (parsed(Verb::RolloutResume, &[])?, Action::Resume),
        Some("restart") => (parsed(Verb::RolloutRestart, &[])?, Action::Restart),
        Some(other) => {
            return Err(failed(format!(
                "unknown command {other:?} for \"kubectl rollout\""
            )));
        }
        None => {
            return Err(unsupported(
                "\"kubectl rollout\" without a subcommand (it prints its help)",
                None,
            ));
        }
    };
    let verb = verb_of(&action);
    let target = one_target(&p.args, verb)?;
    let allowed = match action {
        Action::Status { .. } => matches!(
            target.kind,
            Kind::Deployment | Kind::DaemonSet | Kind::StatefulSet
        ),
        _ => target.kind == Kind::Deployment,
    };
    if !allowed {
        return Err(unsupported(
            format!("{} of a {} yet", verb.path(), target.kind.name()),
            Some(verb),
        ));
    }
    Ok(Command::Rollout(Rollout {
        target,
        action,
        namespace: p.namespace(),
    }))
}

/// The verb a parsed action belongs to.
pub fn verb_of(action: &Action) -> Verb {
    match action {
        Action::SetImage(_) => Verb::SetImage,
        Action::Status { .. } => Verb::RolloutStatus,
        Action::History { .. } => Verb::RolloutHistory,
        Action::Undo { .. } => Verb::RolloutUndo,
        Action::Pause => Verb::RolloutPause,
        Action::Resume => Verb::RolloutResume,
        Action::Restart => Verb::RolloutRestart,
    }
}

/// The first word that is not a flag names the subcommand (cobra's `Find`).
fn subcommand(args: &[String]) -> (Option<String>, Vec<String>) {
    match args.iter().position(|a| !a.starts_with('-')) {
        Some(at) => {
            let rest = args
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != at)
                .map(|(_, a)| a.clone())
                .collect();
            (Some(args[at].clone()), rest)
        }
        None => (None, args.to_vec()),
    }
}

/// `rollout status`'s `--timeout`, `--watch` and `--revision` (rollout_status.go `Validate`).
fn status(p: &Parsed) -> Result<Action, CommandError> {
    let timeout = match p.str("timeout") {
        None => None,
        Some(text) => {
            let nanos = super::command::duration_flag(text, "timeout", Verb::RolloutStatus)?;
            // ContextWithOptionalTimeout: zero (or less) waits forever.
            (nanos > 0).then(|| SimDuration((nanos as u64).div_ceil(1000)))
        }
    };
    let revision = p.int("revision").unwrap_or(0);
    if revision < 0 {
        return Err(failed(format!(
            "revision must be a positive integer: {revision}"
        )));
    }
    Ok(Action::Status {
        timeout,
        watch: p.bool("watch").unwrap_or(true),
        revision,
    })
}

/// Exactly one named object (kubesim runs one workload per rollout command).
fn one_target(args: &[String], verb: Verb) -> Result<NamedObject, CommandError> {
    if args.is_empty() {
        return Err(failed("required resource not specified"));
    }
    let mut objs = named_objects(resource_args(args)?, verb)?;
    if objs.len() > 1 {
        return Err(unsupported(
            format!("{} of several objects at once yet", verb.path()),
            Some(verb),
        ));
    }
    Ok(objs.remove(0))
}

/// set_image.go `Complete`/`Validate`: the words with `=` are images, the rest resources.
fn set_image(p: Parsed) -> Result<Command, CommandError> {
    let (images, resources): (Vec<&String>, Vec<&String>) =
        p.args.iter().partition(|a| a.contains('='));
    if resources.is_empty() {
        return Err(failed(
            "one or more resources must be specified as <resource> <name> or <resource>/<name>",
        ));
    }
    if images.is_empty() {
        return Err(failed("at least one image update is required"));
    }
    let mut pairs = Vec::new();
    for word in images {
        let (name, image) = word.split_once('=').unwrap_or((word, ""));
        if image.is_empty() {
            return Err(failed(format!("invalid image update: {word:?}")));
        }
        pairs.push((name.to_string(), image.to_string()));
    }
    if pairs.len() > 1 && pairs.iter().any(|(n, _)| n == "*") {
        return Err(failed(
            "all containers are already specified by *, but saw more than one container_name=container_image pairs",
        ));
    }
    let resources: Vec<String> = resources.into_iter().cloned().collect();
    let target = one_target(&resources, Verb::SetImage)?;
    if target.kind != Kind::Deployment {
        return Err(unsupported(
            format!("kubectl set image of a {} yet", target.kind.name()),
            Some(Verb::SetImage),
        ));
    }
    Ok(Command::Rollout(Rollout {
        target,
        action: Action::SetImage(pairs),
        namespace: p.namespace(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubectl::command::tests::{err, ok};

    fn rollout_of(line: &str) -> Rollout {
        match ok(line) {
            Command::Rollout(r) => r,
            other => panic!("{line:?}: {other:?}"),
        }
    }

    fn web() -> NamedObject {
        NamedObject {
            kind: Kind::Deployment,
            name: "web".into(),
        }
    }

    #[test]
    fn set_image_takes_the_pairs_and_the_three_ways_to_name_a_deployment() {
        for line in [
            "kubectl set image deployment/web app=nginx:1.27 side=envoy:1",
            "kubectl set image deploy/web app=nginx:1.27 side=envoy:1",
            "kubectl set image deployment web app=nginx:1.27 side=envoy:1 -n prod",
        ] {
            let r = rollout_of(line);
            assert_eq!(r.target, web(), "{line}");
            assert_eq!(
                r.action,
                Action::SetImage(vec![
                    ("app".into(), "nginx:1.27".into()),
                    ("side".into(), "envoy:1".into())
                ])
            );
        }
        assert_eq!(
            rollout_of("kubectl set image deployment web app=x -n prod").namespace,
            Some("prod".into())
        );
    }

    #[test]
    fn set_image_mistakes_use_set_image_go_messages() {
        assert_eq!(
            err("kubectl set image deployment/web"),
            "error: at least one image update is required"
        );
        assert_eq!(
            err("kubectl set image app=nginx"),
            "error: one or more resources must be specified as <resource> <name> or <resource>/<name>"
        );
        assert!(err("kubectl set env deployment/web A=1").contains("kubesim does not simulate"));
    }

    #[test]
    fn rollout_subcommands_parse_their_flags() {
        // rollout_status.go: --watch defaults to true, --timeout to 0 (no limit).
        assert_eq!(
            rollout_of("kubectl rollout status deployment/web").action,
            Action::Status {
                timeout: None,
                watch: true,
                revision: 0
            }
        );
        assert_eq!(
            rollout_of("kubectl rollout status deploy web --timeout=90s --watch=false").action,
            Action::Status {
                timeout: Some(SimDuration::from_secs(90)),
                watch: false,
                revision: 0
            }
        );
        assert_eq!(
            rollout_of("kubectl rollout undo deployment/web --to-revision=2").action,
            Action::Undo { to_revision: 2 }
        );
        assert_eq!(
            rollout_of("kubectl rollout history deployment/web").action,
            Action::History { revision: 0 }
        );
        assert_eq!(
            rollout_of("kubectl rollout pause deployment/web").action,
            Action::Pause
        );
        assert_eq!(
            rollout_of("kubectl rollout resume deployment/web").action,
            Action::Resume
        );
        assert_eq!(
            rollout_of("kubectl rollout restart deployment/web").action,
            Action::Restart
        );
        assert_eq!(
            rollout_of("kubectl rollout status daemonset/agent")
                .target
                .kind,
            Kind::DaemonSet
        );
    }

    #[test]
    fn rollout_mistakes_are_reported() {
        assert_eq!(
            err("kubectl rollout status"),
            "error: required resource not specified"
        );
        assert!(
            err("kubectl rollout status deployment/web --timeout=soon")
                .starts_with("error: invalid argument \"soon\" for \"--timeout\" flag")
        );
        assert!(err("kubectl rollout undo daemonset/agent").contains("kubesim does not simulate"));
    }
}
