//! `kubectl cordon|uncordon NODE` and `kubectl drain NODE` (`kubectl/pkg/cmd/drain/drain.go`
//! `NewCmdCordon`, `NewCmdUncordon`, `NewCmdDrain`, `DrainCmdOptions.Complete`): parsing, and
//! the pod filters of `kubectl/pkg/drain/filters.go` that decide what a drain evicts.
//!
//! What the commands do when they run is [`crate::kubectl::exec`]'s business. Simplified: one
//! node per command (kubectl takes several, or `--selector`); no `--dry-run`,
//! `--chunk-size` or `--skip-wait-for-delete-timeout`; mirror pods do not exist in kubesim's
//! model, and neither do emptyDir volumes, so `--delete-emptydir-data` is accepted but no pod
//! needs it.

use super::command::{
    Command, CommandError, Flag, Parsed, Spec, Ty, Verb, failed, flag, unsupported,
};
use crate::model::kind::Kind;
use crate::model::labels::Selector;
use crate::model::pod::Pod;
use crate::sim::time::SimDuration;

/// `kubectl cordon` or `kubectl uncordon`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cordon {
    /// The node.
    pub node: String,
    /// True for cordon, false for uncordon.
    pub unschedulable: bool,
}

/// `kubectl drain NODE`, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drain {
    /// The node.
    pub node: String,
    /// `--ignore-daemonsets`.
    pub ignore_daemonsets: bool,
    /// `--delete-emptydir-data`.
    pub delete_emptydir_data: bool,
    /// `--force`: also delete pods without a controller.
    pub force: bool,
    /// `--grace-period` (None for kubectl's default -1: each pod's own).
    pub grace_seconds: Option<i64>,
    /// `--timeout` (None for kubectl's default 0: forever).
    pub timeout: Option<SimDuration>,
    /// `--disable-eviction`: DELETE instead of the eviction subresource.
    pub disable_eviction: bool,
    /// `--pod-selector`, parsed (kubectl's Complete rejects one that does not parse).
    pub pod_selector: Option<Selector>,
}

/// `EvictErrorRetryDelay`: how long drain waits after a 429 before evicting again.
pub const EVICT_RETRY_DELAY: SimDuration = SimDuration::from_secs(5);

/// waitForDelete's poll interval (`interval: 1 * time.Second`).
pub const DELETE_POLL_INTERVAL: SimDuration = SimDuration::from_secs(1);

const NODE_UNSUPPORTED: &[(&str, Option<char>)] = &[("dry-run", None), ("selector", Some('l'))];

/// `kubectl cordon`'s flags.
pub(super) const CORDON: Spec = Spec {
    verb: Verb::Cordon,
    flags: &[],
    unsupported: NODE_UNSUPPORTED,
};

/// `kubectl uncordon`'s flags.
pub(super) const UNCORDON: Spec = Spec {
    verb: Verb::Uncordon,
    flags: &[],
    unsupported: NODE_UNSUPPORTED,
};

const DRAIN_FLAGS: &[Flag] = &[
    flag("ignore-daemonsets", None, Ty::Bool),
    flag("delete-emptydir-data", None, Ty::Bool),
    flag("force", None, Ty::Bool),
    flag("grace-period", None, Ty::Int(64)),
    flag("timeout", None, Ty::Str),
    flag("disable-eviction", None, Ty::Bool),
    flag("pod-selector", None, Ty::Str),
];

/// `kubectl drain`'s flags.
pub(super) const DRAIN: Spec = Spec {
    verb: Verb::Drain,
    flags: DRAIN_FLAGS,
    unsupported: &[
        ("chunk-size", None),
        ("delete-local-data", None),
        ("dry-run", None),
        ("selector", Some('l')),
        ("skip-wait-for-delete-timeout", None),
    ],
};

/// The one NODE argument, or cobra's usage error (`USAGE: cordon NODE [flags]`, from
/// `cmd.Use`).
fn node_arg(p: &Parsed, verb: Verb, use_line: &str) -> Result<String, CommandError> {
    match p.args.as_slice() {
        [] => Err(CommandError::Usage {
            path: verb.path(),
            message: format!("USAGE: {use_line} [flags]"),
        }),
        [node] => Ok(node.clone()),
        _ => Err(unsupported(
            "more than one node per command yet",
            Some(verb),
        )),
    }
}

/// `kubectl cordon` / `uncordon`.
pub(super) fn parse_cordon(p: Parsed, unschedulable: bool) -> Result<Command, CommandError> {
    let (verb, use_line) = if unschedulable {
        (Verb::Cordon, "cordon NODE")
    } else {
        (Verb::Uncordon, "uncordon NODE")
    };
    Ok(Command::Cordon(Cordon {
        node: node_arg(&p, verb, use_line)?,
        unschedulable,
    }))
}

/// `kubectl drain`.
pub(super) fn parse_drain(p: Parsed) -> Result<Command, CommandError> {
    let node = node_arg(&p, Verb::Drain, "drain NODE")?;
    let timeout = match p.str("timeout") {
        None => None,
        Some(text) => {
            let nanos = super::command::duration_flag(text, "timeout", Verb::Drain)?;
            // evictPods: 0 means forever; virtual time counts µs, a finer rest rounds up.
            (nanos > 0).then(|| SimDuration((nanos as u64).div_ceil(1000)))
        }
    };
    let pod_selector =
        match p.str("pod-selector").filter(|s| !s.is_empty()) {
            None => None,
            Some(text) => Some(Selector::parse(text).map_err(|_| {
                failed("--pod-selector=<pod_selector> must be a valid label selector")
            })?),
        };
    Ok(Command::Drain(Drain {
        node,
        ignore_daemonsets: p.bool("ignore-daemonsets").unwrap_or(false),
        delete_emptydir_data: p.bool("delete-emptydir-data").unwrap_or(false),
        force: p.bool("force").unwrap_or(false),
        grace_seconds: p.int("grace-period").filter(|g| *g >= 0),
        timeout,
        disable_eviction: p.bool("disable-eviction").unwrap_or(false),
        pod_selector,
    }))
}

/// The message of a filter that refuses or warns about a pod (filters.go constants).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Filtered {
    /// `daemonSetFatal`.
    DaemonSetFatal,
    /// `unmanagedFatal`.
    UnmanagedFatal,
    /// `daemonSetWarning` (the pod is left alone).
    DaemonSetWarning,
    /// `unmanagedWarning` (the pod is deleted anyway).
    UnmanagedWarning,
}

impl Filtered {
    /// The text kubectl prints.
    pub fn message(self) -> &'static str {
        match self {
            Filtered::DaemonSetFatal => {
                "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"
            }
            Filtered::UnmanagedFatal => {
                "cannot delete Pods that declare no controller (use --force to override)"
            }
            Filtered::DaemonSetWarning => "ignoring DaemonSet-managed Pods",
            Filtered::UnmanagedWarning => "deleting Pods that declare no controller",
        }
    }

    /// An error (the drain of the node stops) rather than a warning.
    pub fn fatal(self) -> bool {
        matches!(self, Filtered::DaemonSetFatal | Filtered::UnmanagedFatal)
    }
}

/// What `GetPodsForDeletion` decides for one pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    /// Evict (or delete) it.
    pub delete: bool,
    /// The warning or error it is listed under.
    pub filtered: Option<Filtered>,
}

/// `makeFilters` in order (skipDeleted, daemonSet, mirror, localStorage, unreplicated), the
/// first that keeps the pod deciding: a finished pod always goes; a DaemonSet pod is an error
/// without `--ignore-daemonsets` and left alone with it (a warning); a pod without a
/// controller is an error without `--force` and deleted with a warning with it. Simplified:
/// the DaemonSet filter's GET of the DaemonSet is not modelled (an orphaned DaemonSet pod is
/// treated as one whose DaemonSet exists).
pub fn decide(pod: &Pod, d: &Drain) -> Decision {
    let keep = |filtered| Decision {
        delete: false,
        filtered: Some(filtered),
    };
    let controller = pod.meta.controller();
    if pod.is_terminal() {
        return Decision {
            delete: true,
            filtered: None,
        };
    }
    if controller.is_some_and(|c| c.kind == Kind::DaemonSet) {
        return if d.ignore_daemonsets {
            keep(Filtered::DaemonSetWarning)
        } else {
            keep(Filtered::DaemonSetFatal)
        };
    }
    if controller.is_some() {
        return Decision {
            delete: true,
            filtered: None,
        };
    }
    if d.force {
        Decision {
            delete: true,
            filtered: Some(Filtered::UnmanagedWarning),
        }
    } else {
        keep(Filtered::UnmanagedFatal)
    }
}

/// `PodDeleteList.Warnings()` (fatal false: `<message>: ns/pod, ns/pod`) or `errors()`
/// (fatal true: the same, with `cannot delete ` before a message that lacks it), one per
/// message, in [`Filtered`] order (upstream's map order is random).
pub fn listed(items: &[(Filtered, String)], fatal: bool) -> Vec<String> {
    let mut by: std::collections::BTreeMap<Filtered, Vec<&str>> = Default::default();
    for (f, pod) in items {
        if f.fatal() == fatal {
            by.entry(*f).or_default().push(pod);
        }
    }
    by.into_iter()
        .map(|(f, pods)| {
            let msg = f.message();
            let prefix = if fatal && !msg.starts_with("cannot delete") {
                "cannot delete "
            } else {
                ""
            };
            format!("{prefix}{msg}: {}", pods.join(", "))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::etcd::store::testing as fx;
    use crate::kubectl::command::tests::{err, ok};
    use crate::model::meta::{ObjRef, OwnerRef};

    fn drain(line: &str) -> Drain {
        match ok(line) {
            Command::Drain(d) => d,
            other => panic!("not a drain: {other:?}"),
        }
    }

    #[test]
    fn drain_flags_take_kubectls_defaults() {
        let d = drain("kubectl drain aks-nodepool1-0");
        assert!(!d.ignore_daemonsets && !d.force && !d.disable_eviction);
        assert_eq!(d.grace_seconds, None, "-1: the pod's own");
        assert_eq!(d.timeout, None, "0: forever");
        let d = drain(
            "kubectl drain n --ignore-daemonsets --delete-emptydir-data --force --grace-period=10 --timeout=2m --pod-selector=app=web",
        );
        assert!(d.ignore_daemonsets && d.delete_emptydir_data && d.force);
        assert_eq!(d.grace_seconds, Some(10));
        assert_eq!(d.timeout, Some(SimDuration::from_secs(120)));
        assert_eq!(d.pod_selector, Selector::parse("app=web").ok());
        assert_eq!(
            err("kubectl drain n '--pod-selector=a b'"),
            "error: --pod-selector=<pod_selector> must be a valid label selector"
        );
        assert_eq!(
            ok("kubectl uncordon n"),
            Command::Cordon(Cordon {
                node: "n".into(),
                unschedulable: false
            })
        );
    }

    #[test]
    fn a_node_is_required_as_cobra_use_says() {
        assert_eq!(
            err("kubectl drain"),
            "error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples"
        );
        assert_eq!(
            err("kubectl cordon"),
            "error: USAGE: cordon NODE [flags]\nSee 'kubectl cordon -h' for help and examples"
        );
        assert!(err("kubectl drain n --dry-run=client").contains("kubesim does not simulate"));
    }

    #[test]
    fn the_filters_refuse_daemon_set_and_unmanaged_pods_unless_told() {
        // filters.go daemonSetFilter / unreplicatedFilter (TestDeleteOrEvict-style cases of
        // drain_test.go: "DS-managed pod", "orphaned pod", "orphaned pod with --force").
        let mut store = crate::etcd::Store::default();
        let ns = fx::namespace(&mut store, "default");
        let ds = ObjRef {
            kind: Kind::DaemonSet,
            id: 0,
        };
        let ds_pod = fx::pod(&mut store, "ds-pod", ns, fx::spec(100), None, None);
        store
            .pods
            .get_mut(ds_pod)
            .unwrap()
            .meta
            .owners
            .push(OwnerRef {
                owner: ds,
                uid: 7,
                controller: true,
                block_owner_deletion: true,
            });
        let naked = fx::pod(&mut store, "naked", ns, fx::spec(100), None, None);
        let base = drain("kubectl drain n");
        let ds_p = store.pods.get(ds_pod).unwrap();
        let naked_p = store.pods.get(naked).unwrap();
        assert_eq!(decide(ds_p, &base).filtered, Some(Filtered::DaemonSetFatal));
        assert_eq!(
            decide(naked_p, &base).filtered,
            Some(Filtered::UnmanagedFatal)
        );
        let lenient = drain("kubectl drain n --ignore-daemonsets --force");
        assert_eq!(
            decide(ds_p, &lenient),
            Decision {
                delete: false,
                filtered: Some(Filtered::DaemonSetWarning)
            }
        );
        assert_eq!(
            decide(naked_p, &lenient),
            Decision {
                delete: true,
                filtered: Some(Filtered::UnmanagedWarning)
            }
        );
        let items = vec![
            (Filtered::UnmanagedFatal, "default/naked".to_string()),
            (
                Filtered::DaemonSetFatal,
                "kube-system/kube-proxy-a".to_string(),
            ),
            (
                Filtered::DaemonSetFatal,
                "kube-system/kube-proxy-b".to_string(),
            ),
        ];
        assert_eq!(
            listed(&items, true),
            [
                "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): kube-system/kube-proxy-a, kube-system/kube-proxy-b",
                "cannot delete Pods that declare no controller (use --force to override): default/naked"
            ]
        );
    }
}
