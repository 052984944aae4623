//! Expectations (docs/expectations.md): a condition on the simulated cluster's state and the window of
//! virtual time in which it must hold.
//!
//! The `that:` grammar is kubesim's own; its nouns are Kubernetes': targets are written the
//! way kubectl names objects (`deploy/web`, `po/kube-system/coredns-abcde`; kubectl's short
//! names), metrics are timeline.csv's metric names (docs/outputs.md) plus a pod's phase, readiness,
//! restart count, node and kubectl's STATUS cell. [`parse_condition`] is the one parser every
//! use of conditions shares. Names in targets are not checked against DNS rules here: a name
//! no object can have simply never matches.

use std::fmt;

use crate::diag::{Span, did_you_mean};
use crate::model::kind::Kind;
use crate::sim::duration::{format_micros, parse_micros};

/// When an expectation is checked (docs/expectations.md), in µs of virtual time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    /// `at: T`: the state at T (after every event at T).
    At(u64),
    /// `during: A..B`: the state at every instant in [A, B].
    During(u64, u64),
    /// `within: D` (= `0s..D`) or `within: A..B`: the state at some instant in [A, B].
    Within(u64, u64),
}

impl Window {
    /// The form's key: `at`, `during` or `within` (summary.json's `form`).
    pub fn form(self) -> &'static str {
        match self {
            Window::At(_) => "at",
            Window::During(..) => "during",
            Window::Within(..) => "within",
        }
    }

    /// The last instant the window covers; it must come before the scenario's `duration`.
    pub fn end(self) -> u64 {
        match self {
            Window::At(t) => t,
            Window::During(_, b) | Window::Within(_, b) => b,
        }
    }

    /// The canonical text summary.json prints as `window`: `T` for `at`, `A..B` otherwise
    /// (`within: 3m` prints `0s..3m`), each instant in [`canonical_duration`] form, so the
    /// same window prints the same however it was written (`180s` and `3m` both print `3m`).
    pub fn text(self) -> String {
        match self {
            Window::At(t) => canonical_duration(t),
            Window::During(a, b) | Window::Within(a, b) => {
                format!("{}..{}", canonical_duration(a), canonical_duration(b))
            }
        }
    }
}

/// Go's `Duration.String()` without trailing zero units (`3m0s` → `3m`, `1h0m0s` → `1h`,
/// `1h30m0s` → `1h30m`; `0s`, `1m30s`, `1.5s`, `250ms` unchanged). The result is still a Go
/// duration, so it parses back to the same value.
pub fn canonical_duration(us: u64) -> String {
    let mut s = format_micros(us);
    if s.ends_with("m0s") {
        s.truncate(s.len() - 2);
    }
    if s.ends_with("h0m") {
        s.truncate(s.len() - 2);
    }
    s
}

/// Parses a window range `A..B` (Go durations, A ≤ B); a single duration `D` means `0s..D`
/// when `allow_single` (the `within: D` form).
pub fn parse_range(text: &str, allow_single: bool) -> Result<(u64, u64), String> {
    let Some((a, b)) = text.split_once("..") else {
        if allow_single {
            return parse_micros(text.trim())
                .map(|d| (0, d))
                .map_err(|e| e.to_string());
        }
        return Err(format!(
            "expected a range START..END of Go durations, like 1m..2m, not {text:?}"
        ));
    };
    let start = parse_micros(a.trim()).map_err(|e| format!("start of the range: {e}"))?;
    let end = parse_micros(b.trim()).map_err(|e| format!("end of the range: {e}"))?;
    if start > end {
        return Err(format!(
            "the range starts at {} after it ends at {}",
            canonical_duration(start),
            canonical_duration(end)
        ));
    }
    Ok((start, end))
}

/// One checked `expect:` entry.
#[derive(Clone, Debug)]
pub struct Expectation {
    /// Position in `expect:` (0-based).
    pub index: usize,
    /// The entry's line in the scenario file (summary.json's `line`).
    pub line: u32,
    /// `at`, `during` or `within`.
    pub form: &'static str,
    /// [`Window::text`], as summary.json prints it.
    pub window_text: String,
    /// The window in µs.
    pub window: Window,
    /// The parsed condition.
    pub that: Condition,
    /// The condition as written (trimmed), for PASS/FAIL lines and summary.json.
    pub that_text: String,
    /// The `that:` value in the scenario file.
    pub that_span: Span,
    /// The whole entry.
    pub span: Span,
}

/// What a condition reads: one object, or the whole cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The cluster-wide metrics (`cluster pods_pending == 0`).
    Cluster,
    /// One object.
    Object {
        /// Its kind.
        kind: Kind,
        /// The namespace as written; `None` means `default` for namespaced kinds, and is
        /// always `None` for cluster-scoped kinds.
        namespace: Option<String>,
        /// Its name.
        name: String,
    },
}

impl Target {
    /// The namespace the object lives in (`default` when not written), or `None` for the
    /// cluster and cluster-scoped kinds.
    pub fn namespace(&self) -> Option<&str> {
        match self {
            Target::Object {
                kind, namespace, ..
            } if kind.namespaced() => Some(namespace.as_deref().unwrap_or("default")),
            _ => None,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Cluster => f.write_str("cluster"),
            Target::Object {
                kind,
                namespace: Some(ns),
                name,
            } => write!(f, "{}/{ns}/{name}", kind.lower()),
            Target::Object {
                kind,
                namespace: None,
                name,
            } => write!(f, "{}/{name}", kind.lower()),
        }
    }
}

/// A quantity a condition compares: timeline.csv's metrics (docs/outputs.md) and the pod
/// properties of docs/expectations.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Metric {
    /// Every kind: 1 while the object exists.
    Exists,
    /// Deployment, ReplicaSet, ReplicationController: `spec.replicas`; DaemonSet:
    /// `.status.desiredNumberScheduled`.
    Desired,
    /// `.status.replicas`.
    Replicas,
    /// Deployment `.status.updatedReplicas`.
    UpdatedReplicas,
    /// `.status.readyReplicas`.
    ReadyReplicas,
    /// `.status.availableReplicas`.
    AvailableReplicas,
    /// Deployment `.status.unavailableReplicas`.
    UnavailableReplicas,
    /// Node: 1 when the Ready condition is True; pod: 1 when the Ready condition is True;
    /// DaemonSet: `.status.numberReady`.
    Ready,
    /// DaemonSet `.status.currentNumberScheduled`; StatefulSet `.status.currentReplicas`.
    Current,
    /// DaemonSet `.status.updatedNumberScheduled`; StatefulSet `.status.updatedReplicas`.
    Updated,
    /// DaemonSet `.status.numberAvailable`; StatefulSet `.status.availableReplicas`.
    Available,
    /// Node: bound pods that are not Succeeded/Failed.
    Pods,
    /// Job `.status.active`; CronJob: the length of `.status.active`.
    Active,
    /// Job `.status.succeeded`.
    Succeeded,
    /// Job `.status.failed`.
    Failed,
    /// Cluster: Ready nodes.
    NodesReady,
    /// Cluster: nodes not Ready.
    NodesNotReady,
    /// Cluster: Pending pods without deletionTimestamp.
    PodsPending,
    /// Cluster: Running pods without deletionTimestamp.
    PodsRunning,
    /// Cluster: Succeeded pods.
    PodsSucceeded,
    /// Cluster: Failed pods.
    PodsFailed,
    /// Cluster: pods with deletionTimestamp that are not terminal.
    PodsTerminating,
    /// Pod: `.status.phase` (a word).
    Phase,
    /// Pod: the sum of its containers' restart counts.
    Restarts,
    /// Pod: the node it is bound to (a word).
    Node,
    /// Pod: kubectl's STATUS cell (a word: `Running`, `ContainerCreating`, `CrashLoopBackOff`).
    Status,
    /// PodDisruptionBudget `.status.disruptionsAllowed`.
    DisruptionsAllowed,
    /// PodDisruptionBudget `.status.currentHealthy`.
    CurrentHealthy,
    /// PodDisruptionBudget `.status.desiredHealthy`.
    DesiredHealthy,
    /// PodDisruptionBudget `.status.expectedPods`.
    ExpectedPods,
}

impl Metric {
    /// The snake_case name, as timeline.csv and conditions write it.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Exists => "exists",
            Metric::Desired => "desired",
            Metric::Replicas => "replicas",
            Metric::UpdatedReplicas => "updated_replicas",
            Metric::ReadyReplicas => "ready_replicas",
            Metric::AvailableReplicas => "available_replicas",
            Metric::UnavailableReplicas => "unavailable_replicas",
            Metric::Ready => "ready",
            Metric::Current => "current",
            Metric::Updated => "updated",
            Metric::Available => "available",
            Metric::Pods => "pods",
            Metric::Active => "active",
            Metric::Succeeded => "succeeded",
            Metric::Failed => "failed",
            Metric::NodesReady => "nodes_ready",
            Metric::NodesNotReady => "nodes_notready",
            Metric::PodsPending => "pods_pending",
            Metric::PodsRunning => "pods_running",
            Metric::PodsSucceeded => "pods_succeeded",
            Metric::PodsFailed => "pods_failed",
            Metric::PodsTerminating => "pods_terminating",
            Metric::Phase => "phase",
            Metric::Restarts => "restarts",
            Metric::Node => "node",
            Metric::Status => "status",
            Metric::DisruptionsAllowed => "disruptions_allowed",
            Metric::CurrentHealthy => "current_healthy",
            Metric::DesiredHealthy => "desired_healthy",
            Metric::ExpectedPods => "expected_pods",
        }
    }

    /// Whether values are words (compared with `==`/`!=` only) rather than integers.
    pub fn is_word(self) -> bool {
        matches!(self, Metric::Phase | Metric::Node | Metric::Status)
    }

    /// The metrics a target offers, in the order docs/outputs.md lists them.
    pub fn for_target(target: &Target) -> &'static [Metric] {
        use Metric::*;
        match target {
            Target::Cluster => &[
                NodesReady,
                NodesNotReady,
                PodsPending,
                PodsRunning,
                PodsSucceeded,
                PodsFailed,
                PodsTerminating,
            ],
            Target::Object { kind, .. } => match kind {
                Kind::Deployment => &[
                    Exists,
                    Desired,
                    Replicas,
                    UpdatedReplicas,
                    ReadyReplicas,
                    AvailableReplicas,
                    UnavailableReplicas,
                ],
                Kind::ReplicaSet | Kind::ReplicationController => {
                    &[Exists, Desired, Replicas, ReadyReplicas, AvailableReplicas]
                }
                Kind::Node => &[Exists, Ready, Pods],
                Kind::DaemonSet => &[Exists, Desired, Current, Ready, Updated, Available],
                Kind::StatefulSet => &[
                    Exists, Desired, Replicas, Current, Ready, Updated, Available,
                ],
                Kind::Pod => &[Exists, Phase, Ready, Restarts, Node, Status],
                Kind::Job => &[Exists, Active, Succeeded, Failed],
                Kind::CronJob => &[Exists, Active],
                Kind::PodDisruptionBudget => &PDB_METRICS,
                _ => &[Exists],
            },
        }
    }
}

/// A PodDisruptionBudget's metrics, for expectations and timeline.csv alike.
pub const PDB_METRICS: [Metric; 5] = [
    Metric::Exists,
    Metric::DisruptionsAllowed,
    Metric::CurrentHealthy,
    Metric::DesiredHealthy,
    Metric::ExpectedPods,
];

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Op {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Op {
    /// Every operator, in the grammar's order.
    pub const ALL: [Op; 6] = [Op::Eq, Op::Ne, Op::Lt, Op::Le, Op::Gt, Op::Ge];

    /// As written.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }

    /// Applies the operator to two integers.
    pub fn holds(self, lhs: i64, rhs: i64) -> bool {
        match self {
            Op::Eq => lhs == rhs,
            Op::Ne => lhs != rhs,
            Op::Lt => lhs < rhs,
            Op::Le => lhs <= rhs,
            Op::Gt => lhs > rhs,
            Op::Ge => lhs >= rhs,
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The right-hand side of a condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CondValue {
    /// For integer metrics.
    Int(i64),
    /// For word metrics (`Running`, a node name, a STATUS cell).
    Word(String),
}

impl fmt::Display for CondValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CondValue::Int(i) => write!(f, "{i}"),
            CondValue::Word(w) => f.write_str(w),
        }
    }
}

/// `target metric op value` (docs/expectations.md).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    /// What is read.
    pub target: Target,
    /// Which of its metrics.
    pub metric: Metric,
    /// How it is compared.
    pub op: Op,
    /// With what.
    pub value: CondValue,
}

impl fmt::Display for Condition {
    /// The canonical text: kinds by their lower-case Kind (`deploy/web` → `deployment/web`),
    /// single spaces.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {}",
            self.target, self.metric, self.op, self.value
        )
    }
}

/// Why a `that:` text did not parse, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConditionError {
    /// 1-based column in the condition text, in characters.
    pub col: u32,
    /// What is wrong.
    pub message: String,
    /// A suggestion, when there is one.
    pub help: Option<String>,
}

impl ConditionError {
    fn new(col: u32, message: impl Into<String>) -> Self {
        ConditionError {
            col,
            message: message.into(),
            help: None,
        }
    }

    fn help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }
}

impl fmt::Display for ConditionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.col, self.message)?;
        if let Some(h) = &self.help {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}

/// The phases of core/v1 `PodPhase`.
const POD_PHASES: [&str; 5] = ["Pending", "Running", "Succeeded", "Failed", "Unknown"];

const SYNTAX: &str = "expected TARGET METRIC OP VALUE, like deployment/web available_replicas == 3";

/// Parses a condition (`deployment/web available_replicas == 3`, `pod/web phase == Running`,
/// `cluster pods_pending == 0`). Words are separated by spaces.
pub fn parse_condition(s: &str) -> Result<Condition, ConditionError> {
    let words = split_words(s);
    let end_col = u32::try_from(s.chars().count())
        .unwrap_or(u32::MAX)
        .saturating_add(1);
    if words.len() < 4 {
        let col = if words.is_empty() { 1 } else { end_col };
        return Err(ConditionError::new(col, SYNTAX));
    }
    if let Some(&(col, extra)) = words.get(4) {
        return Err(ConditionError::new(
            col,
            format!("unexpected {extra:?} after the value; {SYNTAX}"),
        ));
    }
    let (tcol, ttext) = words[0];
    let (mcol, mtext) = words[1];
    let (ocol, otext) = words[2];
    let (vcol, vtext) = words[3];

    let target = parse_target(ttext, tcol)?;
    let metric = parse_metric(&target, mtext, mcol)?;
    let op = parse_op(otext, ocol)?;
    let value = if metric.is_word() {
        if !matches!(op, Op::Eq | Op::Ne) {
            return Err(ConditionError::new(
                ocol,
                format!(
                    "{metric} is a word and is compared only with == or !=, not {}",
                    op.as_str()
                ),
            ));
        }
        if metric == Metric::Phase && !POD_PHASES.contains(&vtext) {
            return Err(ConditionError::new(
                vcol,
                format!(
                    "Unsupported value: {vtext:?}: supported values: {}",
                    POD_PHASES.map(|p| format!("{p:?}")).join(", ")
                ),
            )
            .help(did_you_mean(vtext, POD_PHASES).map(|p| format!("did you mean {p:?}?"))));
        }
        CondValue::Word(vtext.to_string())
    } else {
        match parse_int(vtext) {
            Some(i) => CondValue::Int(i),
            None => {
                return Err(ConditionError::new(
                    vcol,
                    format!("{metric} is an integer; {vtext:?} is not one"),
                ));
            }
        }
    };
    Ok(Condition {
        target,
        metric,
        op,
        value,
    })
}

/// Splits on ASCII whitespace, keeping each word's 1-based character column.
fn split_words(s: &str) -> Vec<(u32, &str)> {
    let mut out = Vec::new();
    let mut start: Option<(u32, usize)> = None;
    let mut col = 0u32;
    for (i, c) in s.char_indices() {
        col = col.saturating_add(1);
        if c.is_ascii_whitespace() {
            if let Some((scol, sbyte)) = start.take() {
                out.push((scol, &s[sbyte..i]));
            }
        } else if start.is_none() {
            start = Some((col, i));
        }
    }
    if let Some((scol, sbyte)) = start {
        out.push((scol, &s[sbyte..]));
    }
    out
}

fn parse_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Every spelling of a kind the grammar accepts.
fn kind_spellings() -> impl Iterator<Item = &'static str> {
    Kind::ALL
        .into_iter()
        .flat_map(|k| [Some(k.lower()), Some(k.plural()), k.short_name()])
        .flatten()
}

fn resolve_kind(s: &str) -> Option<Kind> {
    Kind::ALL
        .into_iter()
        .find(|k| s == k.lower() || s == k.plural() || Some(s) == k.short_name())
}

fn parse_target(s: &str, col: u32) -> Result<Target, ConditionError> {
    if s == "cluster" {
        return Ok(Target::Cluster);
    }
    let parts: Vec<&str> = s.split('/').collect();
    // 1-based column of each part.
    let mut cols = Vec::with_capacity(parts.len());
    let mut c = col;
    for p in &parts {
        cols.push(c);
        c = c
            .saturating_add(u32::try_from(p.chars().count()).unwrap_or(u32::MAX))
            .saturating_add(1);
    }
    let kind_text = parts[0];
    let kind = match resolve_kind(kind_text) {
        Some(k) => k,
        None => {
            let lower = kind_text.to_ascii_lowercase();
            let help = if resolve_kind(&lower).is_some() {
                Some(format!("kinds are written in lower case: {lower:?}"))
            } else if parts.len() == 1 {
                did_you_mean(
                    kind_text,
                    std::iter::once("cluster").chain(kind_spellings()),
                )
                .map(|k| format!("did you mean {k:?}?"))
            } else {
                did_you_mean(kind_text, kind_spellings()).map(|k| format!("did you mean {k:?}?"))
            };
            return Err(ConditionError::new(
                col,
                format!("the server doesn't have a resource type {kind_text:?}"),
            )
            .help(help));
        }
    };
    match parts.len() {
        1 => Err(ConditionError::new(
            col,
            format!(
                "a target names one object: {kind_text}/NAME or {kind_text}/NAMESPACE/NAME, or is cluster"
            ),
        )),
        2 | 3 => {
            for (p, c) in parts.iter().zip(&cols).skip(1) {
                if p.is_empty() {
                    return Err(ConditionError::new(*c, "empty name in target"));
                }
            }
            if parts.len() == 3 && !kind.namespaced() {
                return Err(ConditionError::new(
                    cols[1],
                    format!(
                        "{} is cluster-scoped and takes no namespace: {}/{}",
                        kind.lower(),
                        kind_text,
                        parts[2]
                    ),
                ));
            }
            let (namespace, name) = if parts.len() == 3 {
                (Some(parts[1].to_string()), parts[2].to_string())
            } else {
                (None, parts[1].to_string())
            };
            Ok(Target::Object {
                kind,
                namespace,
                name,
            })
        }
        _ => Err(ConditionError::new(
            cols.get(3).copied().unwrap_or(col),
            "a target is KIND/NAME or KIND/NAMESPACE/NAME",
        )),
    }
}

fn parse_metric(target: &Target, s: &str, col: u32) -> Result<Metric, ConditionError> {
    let allowed = Metric::for_target(target);
    if let Some(m) = allowed.iter().find(|m| m.name() == s) {
        return Ok(*m);
    }
    let what = match target {
        Target::Cluster => "cluster".to_string(),
        Target::Object { kind, .. } => kind.lower().to_string(),
    };
    let names: Vec<&str> = allowed.iter().map(|m| m.name()).collect();
    Err(ConditionError::new(
        col,
        format!(
            "unknown metric {s:?} for {what}; its metrics are {}",
            names.join(", ")
        ),
    )
    .help(did_you_mean(s, names.iter().copied()).map(|m| format!("did you mean {m:?}?"))))
}

fn parse_op(s: &str, col: u32) -> Result<Op, ConditionError> {
    if let Some(op) = Op::ALL.into_iter().find(|o| o.as_str() == s) {
        return Ok(op);
    }
    let help = match s {
        "=" => Some("did you mean \"==\"?".to_string()),
        "=<" => Some("did you mean \"<=\"?".to_string()),
        "=>" => Some("did you mean \">=\"?".to_string()),
        "<>" => Some("did you mean \"!=\"?".to_string()),
        _ => None,
    };
    Err(ConditionError::new(
        col,
        format!("unknown operator {s:?}; operators are ==, !=, <, <=, >, >="),
    )
    .help(help))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(kind: Kind, ns: Option<&str>, name: &str) -> Target {
        Target::Object {
            kind,
            namespace: ns.map(str::to_string),
            name: name.to_string(),
        }
    }

    #[test]
    fn the_contract_example_parses() {
        // docs/scenario.md and §5: `deployment/nginx-server available_replicas == 6`.
        let c = parse_condition("deployment/nginx-server available_replicas == 6").unwrap();
        assert_eq!(c.target, obj(Kind::Deployment, None, "nginx-server"));
        assert_eq!(c.metric, Metric::AvailableReplicas);
        assert_eq!(c.op, Op::Eq);
        assert_eq!(c.value, CondValue::Int(6));
        assert_eq!(c.target.namespace(), Some("default"));
    }

    #[test]
    fn kinds_are_accepted_by_kind_plural_and_kubectl_short_name() {
        // docs/expectations.md KIND: lower-case Kind, plural, or deploy, rs, rc, po, no, svc, ns.
        let cases = [
            ("deploy/a", Kind::Deployment),
            ("deployments/a", Kind::Deployment),
            ("rs/a", Kind::ReplicaSet),
            ("replicasets/a", Kind::ReplicaSet),
            ("rc/a", Kind::ReplicationController),
            ("replicationcontroller/a", Kind::ReplicationController),
            ("po/a", Kind::Pod),
            ("pods/a", Kind::Pod),
            ("no/a", Kind::Node),
            ("svc/a", Kind::Service),
            ("ns/a", Kind::Namespace),
        ];
        for (target, kind) in cases {
            let c = parse_condition(&format!("{target} exists == 1")).unwrap();
            assert_eq!(c.target, obj(kind, None, "a"), "{target}");
        }
    }

    #[test]
    fn a_namespace_part_is_kept_and_display_is_canonical() {
        let c = parse_condition("deploy/kube-system/coredns   ready_replicas >= 2").unwrap();
        assert_eq!(
            c.target,
            obj(Kind::Deployment, Some("kube-system"), "coredns")
        );
        assert_eq!(c.target.namespace(), Some("kube-system"));
        assert_eq!(
            c.to_string(),
            "deployment/kube-system/coredns ready_replicas >= 2"
        );
        assert_eq!(parse_condition(&c.to_string()).unwrap(), c);
    }

    #[test]
    fn cluster_scoped_kinds_reject_a_namespace() {
        let e = parse_condition("node/default/aks-x ready == 1").unwrap_err();
        assert_eq!(e.col, 6);
        assert!(e.message.contains("cluster-scoped"), "{}", e.message);
        let c = parse_condition("node/aks-nodepool1-1-vmss000000 ready == 1").unwrap();
        assert_eq!(c.target.namespace(), None);
    }

    #[test]
    fn cluster_metrics_parse_and_cluster_has_no_exists() {
        // docs/outputs.md cluster metrics.
        for m in [
            "nodes_ready",
            "nodes_notready",
            "pods_pending",
            "pods_running",
            "pods_succeeded",
            "pods_failed",
            "pods_terminating",
        ] {
            let c = parse_condition(&format!("cluster {m} == 0")).unwrap();
            assert_eq!(c.metric.name(), m);
        }
        let e = parse_condition("cluster exists == 1").unwrap_err();
        assert_eq!(e.col, 9);
    }

    #[test]
    fn each_kind_offers_exactly_the_contract_metrics() {
        // docs/outputs.md: deployment has updated/unavailable; replicaset does not.
        assert!(parse_condition("deployment/a updated_replicas == 1").is_ok());
        assert!(parse_condition("deployment/a unavailable_replicas == 0").is_ok());
        let e = parse_condition("rs/a updated_replicas == 1").unwrap_err();
        assert_eq!(e.col, 6);
        assert!(
            e.message
                .contains("unknown metric \"updated_replicas\" for replicaset")
        );
        assert!(parse_condition("no/a pods > 3").is_ok());
        assert!(parse_condition("svc/a exists == 1").is_ok());
        assert!(parse_condition("svc/a replicas == 1").is_err());
        for m in [
            "phase == Running",
            "ready == 1",
            "restarts < 3",
            "node == aks-x",
            "status == CrashLoopBackOff",
        ] {
            assert!(parse_condition(&format!("pod/web {m}")).is_ok(), "{m}");
        }
    }

    #[test]
    fn a_mistyped_metric_gets_a_suggestion() {
        let e = parse_condition("deployment/web availabel_replicas == 3").unwrap_err();
        assert_eq!(e.col, 16);
        assert_eq!(
            e.help.as_deref(),
            Some("did you mean \"available_replicas\"?")
        );
    }

    #[test]
    fn words_compare_only_with_equality() {
        let e = parse_condition("pod/web phase < Running").unwrap_err();
        assert_eq!(e.col, 15);
        assert!(parse_condition("pod/web phase != Running").is_ok());
        assert!(parse_condition("pod/web status == Init:0/1").is_ok());
    }

    #[test]
    fn phase_values_are_core_v1_pod_phases() {
        // core/v1 types.go PodPhase: Pending, Running, Succeeded, Failed, Unknown.
        let e = parse_condition("pod/web phase == running").unwrap_err();
        assert_eq!(e.col, 18);
        assert_eq!(e.help.as_deref(), Some("did you mean \"Running\"?"));
    }

    #[test]
    fn integer_metrics_need_integer_values() {
        let e = parse_condition("deployment/web replicas == three").unwrap_err();
        assert_eq!(e.col, 28);
        assert!(e.message.contains("integer"));
        assert_eq!(
            parse_condition("deployment/web replicas >= -1")
                .unwrap()
                .value,
            CondValue::Int(-1)
        );
        assert!(parse_condition("deployment/web replicas == 1.5").is_err());
        assert!(parse_condition("deployment/web replicas == 99999999999999999999").is_err());
    }

    #[test]
    fn every_operator_parses_and_a_single_equals_is_caught() {
        for op in Op::ALL {
            let c = parse_condition(&format!("cluster pods_running {} 1", op.as_str())).unwrap();
            assert_eq!(c.op, op);
        }
        let e = parse_condition("cluster pods_running = 1").unwrap_err();
        assert_eq!(e.col, 22);
        assert_eq!(e.help.as_deref(), Some("did you mean \"==\"?"));
        assert!(Op::Ge.holds(3, 3) && !Op::Gt.holds(3, 3) && Op::Ne.holds(1, 2));
    }

    #[test]
    fn unknown_kinds_use_kubectls_wording() {
        // kubectl: error: the server doesn't have a resource type "deployment2"
        let e = parse_condition("deploymnt/web replicas == 1").unwrap_err();
        assert_eq!(e.col, 1);
        assert_eq!(
            e.message,
            "the server doesn't have a resource type \"deploymnt\""
        );
        assert_eq!(e.help.as_deref(), Some("did you mean \"deployment\"?"));
        let e = parse_condition("Deployment/web replicas == 1").unwrap_err();
        assert_eq!(
            e.help.as_deref(),
            Some("kinds are written in lower case: \"deployment\"")
        );
    }

    #[test]
    fn malformed_conditions_point_at_the_problem() {
        assert_eq!(parse_condition("").unwrap_err().col, 1);
        assert_eq!(
            parse_condition("cluster pods_running ==").unwrap_err().col,
            24
        );
        let e = parse_condition("cluster pods_running == 1 and").unwrap_err();
        assert_eq!(e.col, 27);
        let e = parse_condition("deployment replicas == 1").unwrap_err();
        assert!(e.message.contains("deployment/NAME"));
        let e = parse_condition("pod//web exists == 1").unwrap_err();
        assert_eq!(e.col, 5);
        let e = parse_condition("pod/a/b/c exists == 1").unwrap_err();
        assert_eq!(e.col, 9);
    }

    #[test]
    fn canonical_durations_drop_trailing_zero_units() {
        // Go time.Duration.String() gives 3m0s, 1h0m0s, 1h30m0s; the zero tails are dropped.
        assert_eq!(canonical_duration(0), "0s");
        assert_eq!(canonical_duration(180_000_000), "3m");
        assert_eq!(canonical_duration(3_600_000_000), "1h");
        assert_eq!(canonical_duration(5_400_000_000), "1h30m");
        assert_eq!(canonical_duration(3_630_000_000), "1h0m30s");
        assert_eq!(canonical_duration(90_000_000), "1m30s");
        assert_eq!(canonical_duration(1_500_000), "1.5s");
        assert_eq!(canonical_duration(250_000), "250ms");
        for us in [
            0,
            180_000_000,
            3_600_000_000,
            5_400_000_000,
            3_630_000_000,
            1_500_000,
        ] {
            assert_eq!(parse_micros(&canonical_duration(us)).unwrap(), us);
        }
    }

    #[test]
    fn window_texts_are_canonical() {
        // docs/outputs.md summary.json example: within 3m prints "0s..3m".
        assert_eq!(Window::Within(0, 180_000_000).text(), "0s..3m");
        assert_eq!(Window::At(120_000_000).text(), "2m");
        assert_eq!(Window::During(60_000_000, 120_000_000).text(), "1m..2m");
    }

    #[test]
    fn ranges_need_ordered_go_durations() {
        assert_eq!(parse_range("1m..2m", false), Ok((60_000_000, 120_000_000)));
        assert_eq!(parse_range("3m", true), Ok((0, 180_000_000)));
        assert!(parse_range("3m", false).is_err());
        let e = parse_range("5m..3m", false).unwrap_err();
        assert_eq!(e, "the range starts at 5m after it ends at 3m");
        let e = parse_range("1x..3m", false).unwrap_err();
        assert_eq!(
            e,
            "start of the range: time: unknown unit \"x\" in duration \"1x\""
        );
    }
}
