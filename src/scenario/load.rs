//! Reads a scenario file (docs/scenario.md) into a checked [`Scenario`], collecting every problem.
//!
//! The file is read into the spanned YAML tree ([`crate::manifest::yaml`]), then walked by hand
//! so each mistake is reported with its line, column and field path, and all mistakes at once
//! (docs/outputs.md). Messages follow the Kubernetes API server's field errors (`Required value`,
//! `Invalid value: "x": …`, `Unsupported value`, `Duplicate value`, `Too many`) and, for the
//! cluster, `az aks create`'s own checks and AKS's documented limits (reference facts D.8,
//! aks-nodes.md §3.4, §4.1, §5). Taints are split as kubectl's taint parser splits them
//! (staging/src/k8s.io/kubectl/pkg/cmd/taint/utils.go `parseTaint`).
//!
//! Not checked here (kept raw, with spans, for the modules that own them): quantities
//! (`cpu`, `memory`), CIDRs and the network plugin, the VM size, label and taint keys and
//! values, `timing:`, and step command lines and the files they name.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::diag::{Problem, Span, did_you_mean, render};
use crate::manifest::tree::{Node, Value};
use crate::manifest::yaml::{Limits, parse_stream};
use crate::model::image::{ImageCatalog, ImageSpec};
use crate::sim::duration::parse_micros;

use super::expect::{Expectation, Window, canonical_duration, parse_condition, parse_range};
use super::spec::{
    ClusterSpec, ControlPlaneSpec, InlineMap, NodePoolSpec, PoolMode, Scenario, SourceFile,
    Spanned, Step, StepAction, Taint, TaintEffect, Tier,
};

/// The longest scenario docs/scenario.md allows: 30 days, in µs.
pub const MAX_DURATION_US: u64 = 30 * 24 * 3600 * 1_000_000;

/// Node pools per cluster (facts D.8, AKS quotas page).
pub const MAX_NODE_POOLS: usize = 100;

/// Nodes per VMSS node pool (facts D.8, AKS quotas page).
pub const MAX_POOL_NODES: u64 = 1_000;

const TOP_KEYS: &[&str] = &[
    "version",
    "name",
    "description",
    "seed",
    "duration",
    "startTime",
    "cluster",
    "images",
    "timing",
    "steps",
    "expect",
];
const CLUSTER_KEYS: &[&str] = &[
    "name",
    "location",
    "tier",
    "kubernetesVersion",
    "networkPlugin",
    "networkPluginMode",
    "podCidr",
    "serviceCidr",
    "dnsServiceIp",
    "vnetSubnetCidr",
    "systemPods",
    "nodePools",
    "controlPlane",
];
const CONTROL_PLANE_KEYS: &[&str] = &[
    "apiServers",
    "etcdMembers",
    "maxRequestsInflight",
    "maxMutatingRequestsInflight",
    "controllerManagerQps",
    "controllerManagerBurst",
    "schedulerQps",
    "schedulerBurst",
];
/// etcd's recommended cluster sizes: odd, and at most 7 (etcd FAQ "What is maximum cluster
/// size?"; an even size adds a member without adding failure tolerance).
const MAX_ETCD_MEMBERS: u64 = 7;
/// API server replicas a scenario may ask for (kubesim's bound, far above what AKS runs).
const MAX_API_SERVERS: u64 = 9;
const POOL_KEYS: &[&str] = &[
    "name",
    "mode",
    "count",
    "vmSize",
    "cpu",
    "memory",
    "maxPods",
    "zones",
    "labels",
    "taints",
    "serializeImagePulls",
    "maxParallelImagePulls",
];
const STEP_KEYS: &[&str] = &["at", "id", "run", "apply", "stopAfter"];
const EXPECT_KEYS: &[&str] = &["that", "at", "during", "within"];
const IMAGE_KEYS: &[&str] = &[
    "pullTime",
    "exists",
    "sizeMB",
    "readyAfter",
    "crashAfter",
    "runFor",
    "exitCode",
    "probeLatency",
];
/// Keys later issues define (docs/scenario.md): bad input until they exist, with a hint saying so.
const FUTURE_KEYS: &[&str] = &["traffic", "virtualNodes", "aad"];

/// Why a scenario file could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The file could not be read (missing, unreadable, not UTF-8).
    Io {
        /// The path as given.
        path: PathBuf,
        /// kubectl-style message (`the path "x" does not exist`).
        message: String,
    },
    /// The file was read and is bad input; every problem found.
    Invalid {
        /// The file, for rendering.
        source: SourceFile,
        /// Every problem, in file order.
        problems: Vec<Problem>,
        /// What could still be read (defaults where a value was bad), so later checks —
        /// the cluster, commands, manifests — can report their problems in the same run.
        partial: Option<Box<Scenario>>,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // No position to show: the file alone, in the same `FILE: error:` layout.
            LoadError::Io { path, message } => f.write_str(&render(
                &path.display().to_string(),
                "",
                &[Problem::new(Span::default(), "", message.clone())],
            )),
            LoadError::Invalid {
                source, problems, ..
            } => f.write_str(&render(
                &source.path.display().to_string(),
                &source.text,
                problems,
            )),
        }
    }
}

impl std::error::Error for LoadError {}

/// Reads and checks the scenario file at `path`.
pub fn load(path: &Path) -> Result<Scenario, LoadError> {
    // Read through the YAML reader's size limit: `/dev/zero` is refused, not read forever.
    // Only a regular file is read: a named pipe is refused, not waited on.
    let read = crate::manifest::yaml::read_file(path, &Limits::default());
    let text = read.map_err(|e| {
        let name = path.display().to_string();
        LoadError::Io {
            path: path.to_path_buf(),
            message: crate::manifest::yaml::path_problem(&name, &e)
                .unwrap_or_else(|| format!("reading {name:?}: {e}")),
        }
    })?;
    load_text(path, text)
}

/// Checks scenario `text` as if read from `path` (a sweep's scenario after its `--set`
/// overrides), with the errors [`load`] gives.
pub fn load_text(path: &Path, text: String) -> Result<Scenario, LoadError> {
    match load_str_partial(path, &text) {
        (Some(s), problems) if problems.is_empty() => Ok(s),
        (partial, problems) => Err(LoadError::Invalid {
            source: SourceFile {
                path: path.to_path_buf(),
                text,
            },
            problems,
            partial: partial.map(Box::new),
        }),
    }
}

/// Checks scenario text read from `path` (used for messages and kept in
/// [`Scenario::source`]); returns every problem found, sorted by position.
pub fn load_str(path: &Path, text: &str) -> Result<Scenario, Vec<Problem>> {
    match load_str_partial(path, text) {
        (Some(s), problems) if problems.is_empty() => Ok(s),
        (_, problems) => Err(problems),
    }
}

/// Like [`load_str`], but also returns what could be read when there are problems.
pub fn load_str_partial(path: &Path, text: &str) -> (Option<Scenario>, Vec<Problem>) {
    let mut cx = Checker {
        src: text,
        problems: Vec::new(),
    };
    let parsed = parse_stream(text, &Limits::default());
    cx.problems.extend(parsed.problems);
    let scenario = match parsed.docs.as_slice() {
        [] => {
            if cx.problems.is_empty() {
                cx.problem(
                    point(1, 1),
                    "",
                    "the scenario file is empty; it needs at least name: and duration:",
                );
            }
            None
        }
        [root, rest @ ..] => {
            if let Some(second) = rest.first() {
                cx.problem(
                    second.span,
                    "",
                    format!(
                        "a scenario file holds one YAML document; this one has {}",
                        rest.len() + 1
                    ),
                );
            }
            cx.scenario(root, path)
        }
    };
    let mut problems = cx.problems;
    problems.sort_by_key(|p| (p.span.offset, p.span.line, p.span.col));
    (scenario, problems)
}

/// The Go duration a person most likely meant by `text` (`5 minutes` → `5m`, `1d` → `24h`:
/// `time.ParseDuration` has no spaces, no words and no days), as a `did you mean` help.
fn duration_hint(text: &str) -> Option<String> {
    let number_len = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(number_len);
    let unit = unit.trim().to_ascii_lowercase();
    if number.is_empty() {
        return None;
    }
    let suggestion = match unit.as_str() {
        "ns" | "nanosecond" | "nanoseconds" => format!("{number}ns"),
        "us" | "µs" | "microsecond" | "microseconds" => format!("{number}us"),
        "ms" | "msec" | "msecs" | "millisecond" | "milliseconds" => format!("{number}ms"),
        "s" | "sec" | "secs" | "second" | "seconds" => format!("{number}s"),
        "m" | "min" | "mins" | "minute" | "minutes" => format!("{number}m"),
        "h" | "hr" | "hrs" | "hour" | "hours" => format!("{number}h"),
        "d" | "day" | "days" => format!("{}h", number.parse::<u64>().ok()?.checked_mul(24)?),
        _ => return None,
    };
    (suggestion != text && parse_micros(&suggestion).is_ok())
        .then(|| format!("did you mean {suggestion:?}? Go durations are written like 500ms, 30s, 5m, 1h30m, without spaces or days"))
}

fn point(line: u32, col: u32) -> Span {
    Span {
        offset: 0,
        len: 0,
        line,
        col,
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Walks the tree, collecting problems.
struct Checker<'a> {
    src: &'a str,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn problem(&mut self, span: Span, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::new(span, path, message));
    }

    fn problem_help(
        &mut self,
        span: Span,
        path: impl Into<String>,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        let p = Problem::new(span, path, message);
        self.problems.push(match help {
            Some(h) => p.with_help(h),
            None => p,
        });
    }

    fn wrong_type(&mut self, node: &Node, path: &str, expected: &str) {
        self.problem(
            node.span,
            path,
            format!(
                "Invalid value: {:?}: must be of type {expected}",
                node.type_name()
            ),
        );
    }

    /// The mapping's entries, after reporting every key not in `allowed`.
    fn mapping<'n>(
        &mut self,
        node: &'n Node,
        path: &str,
        allowed: &[&str],
    ) -> Option<&'n [(Node, Node)]> {
        let Some(entries) = node.as_map() else {
            self.wrong_type(node, path, "object");
            return None;
        };
        for (k, _) in entries {
            let key = k.as_str().unwrap_or_default();
            if allowed.contains(&key) {
                continue;
            }
            let help = if FUTURE_KEYS.contains(&key) {
                Some(format!(
                    "{key:?} is not supported by this version of kubesim yet"
                ))
            } else {
                did_you_mean(key, allowed.iter().copied()).map(|s| format!("did you mean {s:?}?"))
            };
            self.problem_help(k.span, join(path, key), "unknown field", help);
        }
        Some(entries)
    }

    /// A scalar as text (numbers and booleans as written); `None` for null (unset).
    fn text(&mut self, node: &Node, path: &str) -> Option<String> {
        match &node.value {
            Value::Null => None,
            Value::Seq(_) | Value::Map(_) => {
                self.wrong_type(node, path, "string");
                None
            }
            Value::Str(s) => Some(s.clone()),
            _ => Some(node.raw.clone()),
        }
    }

    fn spanned_text(&mut self, node: &Node, path: &str) -> Option<Spanned<String>> {
        self.text(node, path).map(|t| Spanned::new(t, node.span))
    }

    /// A non-negative integer no larger than `max`.
    fn uint(&mut self, node: &Node, path: &str, max: u64) -> Option<u64> {
        let v = match &node.value {
            Value::Null => return None,
            Value::Int(i) => u64::try_from(*i).ok(),
            // Beyond i64 the YAML resolver yields a float; read the digits as written.
            Value::Float(_) if node.raw.bytes().all(|b| b.is_ascii_digit()) => {
                node.raw.parse::<u64>().ok()
            }
            _ => {
                self.wrong_type(node, path, "integer");
                return None;
            }
        };
        match v {
            Some(v) if v <= max => Some(v),
            _ => {
                self.problem(
                    node.span,
                    path,
                    format!(
                        "Invalid value: {}: must be between 0 and {max}, inclusive",
                        node.raw
                    ),
                );
                None
            }
        }
    }

    fn boolean(&mut self, node: &Node, path: &str) -> Option<bool> {
        match node.value {
            Value::Null => None,
            Value::Bool(b) => Some(b),
            _ => {
                self.wrong_type(node, path, "boolean");
                None
            }
        }
    }

    /// A Go duration in whole µs.
    fn duration(&mut self, node: &Node, path: &str) -> Option<u64> {
        let text = self.text(node, path)?;
        match parse_micros(&text) {
            Ok(us) => Some(us),
            Err(e) => {
                self.problem_help(
                    node.span,
                    path,
                    format!("Invalid value: {text:?}: {e}"),
                    duration_hint(&text),
                );
                None
            }
        }
    }

    fn enumerated<T: Copy>(
        &mut self,
        node: &Node,
        path: &str,
        values: &[(&'static str, T)],
    ) -> Option<T> {
        let text = self.text(node, path)?;
        if let Some((_, v)) = values.iter().find(|(s, _)| *s == text) {
            return Some(*v);
        }
        let names: Vec<&str> = values.iter().map(|(s, _)| *s).collect();
        let supported = names
            .iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        let help =
            did_you_mean(&text, names.iter().copied()).map(|s| format!("did you mean {s:?}?"));
        self.problem_help(
            node.span,
            path,
            format!("Unsupported value: {text:?}: supported values: {supported}"),
            help,
        );
        None
    }

    fn scenario(&mut self, root: &Node, path: &Path) -> Option<Scenario> {
        let Some(entries) = root.as_map() else {
            self.problem(
                root.span,
                "",
                format!(
                    "a scenario file is a YAML mapping (name:, duration:, ...), not {}",
                    root.type_name()
                ),
            );
            return None;
        };
        self.mapping(root, "", TOP_KEYS);
        let get = |k: &str| {
            entries
                .iter()
                .find(|(key, _)| key.as_str() == Some(k))
                .map(|(_, v)| v)
        };

        if let Some(v) = get("version")
            && !matches!(v.value, Value::Null | Value::Int(1))
        {
            self.problem(
                v.span,
                "version",
                format!(
                    "Unsupported value: {:?}: this kubesim reads scenario version 1",
                    v.raw
                ),
            );
        }

        let name = match get("name").and_then(|n| self.text(n, "name").map(|t| (n, t))) {
            Some((n, t)) => {
                if t.is_empty()
                    || !t
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                {
                    self.problem(
                        n.span,
                        "name",
                        format!(
                            "Invalid value: {t:?}: must consist of lower case alphanumeric characters or '-' ([a-z0-9-]+)"
                        ),
                    );
                }
                Some(t)
            }
            None => {
                self.problem(root.span, "name", "Required value: a scenario needs a name");
                None
            }
        };
        let description = get("description").and_then(|n| self.text(n, "description"));
        let seed = get("seed")
            .and_then(|n| self.uint(n, "seed", u64::MAX))
            .unwrap_or(1);

        let duration = match get("duration") {
            Some(n) if n.value != Value::Null => self.duration(n, "duration").and_then(|d| {
                if d == 0 {
                    self.problem(
                        n.span,
                        "duration",
                        format!("Invalid value: {:?}: must be greater than 0", n.raw),
                    );
                    None
                } else if d > MAX_DURATION_US {
                    self.problem(
                        n.span,
                        "duration",
                        format!("Invalid value: {:?}: must be at most 30 days (720h)", n.raw),
                    );
                    None
                } else {
                    Some(d)
                }
            }),
            _ => {
                self.problem(
                    root.span,
                    "duration",
                    "Required value: a scenario needs a duration, like 10m",
                );
                None
            }
        };

        let start_time_unix = get("startTime").and_then(|n| {
            let t = self.text(n, "startTime")?;
            match parse_rfc3339(&t) {
                Ok(s) => Some(s),
                Err(e) => {
                    self.problem(n.span, "startTime", e);
                    None
                }
            }
        });

        let cluster = self.cluster(get("cluster"), root.span);
        let images = get("images").map(|n| self.images(n)).unwrap_or_default();
        let timing = get("timing").filter(|n| n.value != Value::Null).cloned();
        let steps = self.steps(get("steps"), duration);
        let expect = self.expectations(get("expect"), duration);

        Some(Scenario {
            name: name?,
            description,
            seed,
            duration_us: duration?,
            start_time_unix,
            cluster: cluster?,
            images,
            timing,
            steps,
            expect,
            source: SourceFile {
                path: path.to_path_buf(),
                text: self.src.to_string(),
            },
        })
    }

    /// `images:` (docs/scenario.md): image reference → how it pulls and what its process does.
    fn images(&mut self, node: &Node) -> ImageCatalog {
        let mut out = ImageCatalog::new();
        if node.value == Value::Null {
            return out;
        }
        let Some(entries) = node.as_map() else {
            self.wrong_type(node, "images", "object");
            return out;
        };
        for (k, v) in entries {
            let Some(image) = k.as_str() else {
                self.wrong_type(k, "images", "string");
                continue;
            };
            let path = format!("images[{image}]");
            if !crate::manifest::extract::is_image_reference(image) {
                self.problem(
                    k.span,
                    &path,
                    format!("Invalid value: {image:?}: invalid reference format"),
                );
            }
            if let Some(spec) = self.image(v, &path) {
                out.insert(image.to_string(), spec);
            }
        }
        out
    }

    fn image(&mut self, node: &Node, path: &str) -> Option<ImageSpec> {
        let entries = self.mapping(node, path, IMAGE_KEYS)?;
        let get = |k: &str| {
            entries
                .iter()
                .find(|(key, _)| key.as_str() == Some(k))
                .map(|(_, v)| v)
        };
        let dur = |me: &mut Self, k: &str| get(k).and_then(|n| me.duration(n, &join(path, k)));
        let pull_time_us = dur(self, "pullTime");
        let ready_after_us = dur(self, "readyAfter");
        let crash = dur(self, "crashAfter");
        let run_for = dur(self, "runFor");
        let probe_latency_us = dur(self, "probeLatency");
        let exists = get("exists")
            .and_then(|n| self.boolean(n, &join(path, "exists")))
            .unwrap_or(true);
        let size_mb = get("sizeMB").and_then(|n| self.uint(n, &join(path, "sizeMB"), 1_000_000));
        let exit_code = get("exitCode").and_then(|n| self.uint(n, &join(path, "exitCode"), 255));
        if let (Some(_), Some(_), Some(n)) = (crash, run_for, get("runFor")) {
            self.problem(
                n.span,
                join(path, "runFor"),
                "Forbidden: may not be set together with crashAfter",
            );
        }
        if let (None, None, Some(_), Some(n)) = (crash, run_for, exit_code, get("exitCode")) {
            self.problem(
                n.span,
                join(path, "exitCode"),
                "Forbidden: needs crashAfter or runFor (when the process exits)",
            );
        }
        if !exists {
            for k in [
                "readyAfter",
                "crashAfter",
                "runFor",
                "exitCode",
                "probeLatency",
            ] {
                if let Some(n) = get(k) {
                    self.problem(
                        n.span,
                        join(path, k),
                        "Forbidden: an image with exists: false never runs",
                    );
                }
            }
        }
        let default_code = if crash.is_some() { 1 } else { 0 };
        Some(ImageSpec {
            pull_time_us,
            missing: !exists,
            size_mb,
            ready_after_us: ready_after_us.unwrap_or(0),
            exit_after_us: crash.or(run_for),
            exit_code: exit_code.map_or(default_code, |c| c as i32),
            probe_latency_us: probe_latency_us.unwrap_or(0),
        })
    }

    fn cluster(&mut self, node: Option<&Node>, parent: Span) -> Option<ClusterSpec> {
        let mut spec = ClusterSpec {
            name: "kubesim".to_string(),
            location: "eastus".to_string(),
            tier: Tier::Standard,
            kubernetes_version: "1.35".to_string(),
            network_plugin: None,
            network_plugin_mode: None,
            pod_cidr: None,
            service_cidr: None,
            dns_service_ip: None,
            vnet_subnet_cidr: None,
            system_pods: true,
            node_pools: Vec::new(),
            control_plane: ControlPlaneSpec::default(),
        };
        let node = node.filter(|n| n.value != Value::Null);
        let Some(node) = node else {
            spec.node_pools.push(default_pool(parent));
            return Some(spec);
        };
        let entries = self.mapping(node, "cluster", CLUSTER_KEYS)?;
        let mut pools_node = None;
        let problems_before = self.problems.len();
        for (k, v) in entries {
            let key = k.as_str().unwrap_or_default();
            let path = join("cluster", key);
            match key {
                "name" => {
                    if let Some(t) = self.text(v, &path) {
                        if !is_aks_cluster_name(&t) {
                            self.problem(v.span, &path, format!(
                                "Invalid value: {t:?}: must be 1 to 63 characters of letters, digits, '_' and '-', starting and ending with a letter or digit"
                            ));
                        }
                        spec.name = t;
                    }
                }
                "location" => {
                    if let Some(t) = self.text(v, &path) {
                        if t.is_empty()
                            || !t
                                .bytes()
                                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                        {
                            self.problem(v.span, &path, format!(
                                "Invalid value: {t:?}: must be an Azure region name such as \"eastus\" or \"westeurope\""
                            ));
                        }
                        spec.location = t;
                    }
                }
                "tier" => {
                    let tiers = Tier::ALL.map(|t| (t.as_str(), t));
                    if let Some(t) = self.enumerated(v, &path, &tiers) {
                        spec.tier = t;
                    }
                }
                "kubernetesVersion" => {
                    if let Some(t) = self.text(v, &path) {
                        if parse_kubernetes_version(&t).is_none() {
                            // az aks create's validate_k8s_version wording.
                            self.problem(v.span, &path, format!(
                                "Invalid value: {t:?}: should be the full version number or major.minor version number, such as \"1.35.0\" or \"1.35\""
                            ));
                        }
                        spec.kubernetes_version = t;
                    }
                }
                "networkPlugin" => spec.network_plugin = self.spanned_text(v, &path),
                "networkPluginMode" => spec.network_plugin_mode = self.spanned_text(v, &path),
                "podCidr" => spec.pod_cidr = self.spanned_text(v, &path),
                "serviceCidr" => spec.service_cidr = self.spanned_text(v, &path),
                "dnsServiceIp" => spec.dns_service_ip = self.spanned_text(v, &path),
                "vnetSubnetCidr" => spec.vnet_subnet_cidr = self.spanned_text(v, &path),
                "systemPods" => {
                    if let Some(b) = self.boolean(v, &path) {
                        spec.system_pods = b;
                    }
                }
                "nodePools" => pools_node = Some(v),
                "controlPlane" => spec.control_plane = self.control_plane(v),
                _ => {}
            }
        }
        match pools_node.filter(|n| n.value != Value::Null) {
            None => spec.node_pools.push(default_pool(node.span)),
            Some(n) => spec.node_pools = self.node_pools(n, spec.tier)?,
        }
        (self.problems.len() == problems_before).then_some(spec)
    }

    /// `cluster.controlPlane`: 1 to 9 API servers; an odd number of etcd members, 1 to 7.
    fn control_plane(&mut self, node: &Node) -> ControlPlaneSpec {
        const PATH: &str = "cluster.controlPlane";
        let mut spec = ControlPlaneSpec::default();
        if node.value == Value::Null {
            return spec;
        }
        let Some(entries) = self.mapping(node, PATH, CONTROL_PLANE_KEYS) else {
            return spec;
        };
        for (k, v) in entries {
            let key = k.as_str().unwrap_or_default();
            let path = join(PATH, key);
            match key {
                "apiServers" => match self.uint(v, &path, MAX_API_SERVERS) {
                    Some(0) => self.problem(
                        v.span,
                        &path,
                        "Invalid value: 0: must be between 1 and 9, inclusive",
                    ),
                    Some(n) => spec.api_servers = n as u32,
                    None => {}
                },
                "etcdMembers" => match self.uint(v, &path, MAX_ETCD_MEMBERS) {
                    Some(n) if n % 2 == 1 => spec.etcd_members = n as u32,
                    Some(n) => self.problem(
                        v.span,
                        &path,
                        format!("Invalid value: {n}: must be an odd number between 1 and 7: an even size tolerates no more failures than the odd size below it"),
                    ),
                    None => {}
                },
                "maxRequestsInflight"
                | "maxMutatingRequestsInflight"
                | "controllerManagerQps"
                | "controllerManagerBurst"
                | "schedulerQps"
                | "schedulerBurst" => match self.uint(v, &path, 100_000) {
                    Some(0) => self.problem(
                        v.span,
                        &path,
                        "Invalid value: 0: must be between 1 and 100000, inclusive",
                    ),
                    Some(n) => {
                        let n = n as u32;
                        match key {
                            "maxRequestsInflight" => spec.max_requests_inflight = n,
                            "maxMutatingRequestsInflight" => {
                                spec.max_mutating_requests_inflight = n
                            }
                            "controllerManagerQps" => spec.controller_manager_qps = n,
                            "controllerManagerBurst" => spec.controller_manager_burst = n,
                            "schedulerQps" => spec.scheduler_qps = n,
                            _ => spec.scheduler_burst = n,
                        }
                    }
                    None => {}
                },
                _ => {}
            }
        }
        spec
    }

    fn node_pools(&mut self, node: &Node, tier: Tier) -> Option<Vec<NodePoolSpec>> {
        const PATH: &str = "cluster.nodePools";
        let Some(items) = node.as_seq() else {
            self.wrong_type(node, PATH, "array");
            return None;
        };
        let before = self.problems.len();
        if items.is_empty() {
            self.problem(
                node.span,
                PATH,
                "Required value: a cluster needs at least one node pool",
            );
        }
        if items.len() > MAX_NODE_POOLS {
            self.problem(
                node.span,
                PATH,
                format!(
                    "Too many: {}: must have at most {MAX_NODE_POOLS} items (AKS allows {MAX_NODE_POOLS} node pools per cluster)",
                    items.len()
                ),
            );
        }
        let mut pools: Vec<NodePoolSpec> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("{PATH}[{i}]");
            if let Some(pool) = self.node_pool(item, &path, i == 0) {
                if pools.iter().any(|p| p.name == pool.name) {
                    let span = item.get("name").map_or(item.span, |n| n.span);
                    self.problem(
                        span,
                        join(&path, "name"),
                        format!("Duplicate value: {:?}", pool.name),
                    );
                }
                pools.push(pool);
            }
        }
        if self.problems.len() != before {
            return None;
        }
        if !pools.iter().any(|p| p.mode == PoolMode::System) {
            self.problem(
                node.span,
                PATH,
                "Required value: at least one node pool must have mode System (AKS requires a system node pool)",
            );
        }
        let total: u64 = pools.iter().map(|p| u64::from(p.count)).sum();
        if total > tier.max_nodes() {
            self.problem(
                node.span,
                PATH,
                format!(
                    "Too many: {total} nodes: a {} tier cluster has at most {} nodes",
                    tier.as_str(),
                    tier.max_nodes()
                ),
            );
        }
        (self.problems.len() == before).then_some(pools)
    }

    fn node_pool(&mut self, node: &Node, path: &str, first: bool) -> Option<NodePoolSpec> {
        let entries = self.mapping(node, path, POOL_KEYS)?;
        let before = self.problems.len();
        let mut pool = default_pool(node.span);
        pool.mode = if first {
            PoolMode::System
        } else {
            PoolMode::User
        };
        let mut name = None;
        let mut count_span = node.span;
        for (k, v) in entries {
            let key = k.as_str().unwrap_or_default();
            let p = join(path, key);
            match key {
                "name" => {
                    if let Some(t) = self.text(v, &p) {
                        if let Some(msg) = pool_name_problem(&t) {
                            self.problem(v.span, &p, format!("Invalid value: {t:?}: {msg}"));
                        }
                        name = Some(t);
                    }
                }
                "mode" => {
                    let modes = [("System", PoolMode::System), ("User", PoolMode::User)];
                    if let Some(m) = self.enumerated(v, &p, &modes) {
                        pool.mode = m;
                    }
                }
                "count" => {
                    if let Some(c) = self.uint(v, &p, MAX_POOL_NODES) {
                        pool.count = u32::try_from(c).unwrap_or(u32::MAX);
                        pool.count_span = Some(v.span);
                        count_span = v.span;
                    }
                }
                "vmSize" => {
                    if let Some(t) = self.spanned_text(v, &p) {
                        pool.vm_size = t;
                    }
                }
                "cpu" => pool.cpu = self.spanned_text(v, &p),
                "memory" => pool.memory = self.spanned_text(v, &p),
                "maxPods" => {
                    if let Some(m) = self.uint(v, &p, u64::MAX) {
                        // aks-nodes.md §3.4: 10–250, "strictly enforced".
                        if (10..=250).contains(&m) {
                            pool.max_pods = Some(Spanned::new(m as u32, v.span));
                        } else {
                            self.problem(
                                v.span,
                                &p,
                                format!(
                                    "Invalid value: {m}: must be between 10 and 250, inclusive"
                                ),
                            );
                        }
                    }
                }
                "zones" => pool.zones = self.zones(v, &p),
                "labels" => pool.labels = self.labels(v, &p),
                "taints" => pool.taints = self.taints(v, &p),
                "serializeImagePulls" => {
                    pool.serialize_image_pulls = self.boolean(v, &p).unwrap_or(true);
                }
                "maxParallelImagePulls" => {
                    // KubeletConfiguration validation: a positive number.
                    match self.uint(v, &p, u64::from(u32::MAX)) {
                        Some(0) => {
                            self.problem(v.span, &p, "Invalid value: 0: must be a positive number")
                        }
                        Some(n) => pool.max_parallel_image_pulls = Some(n as u32),
                        None => {}
                    }
                }
                _ => {}
            }
        }
        // KubeletConfiguration validation: maxParallelImagePulls must be 1 (or unset) while
        // serializeImagePulls is true.
        if let Some(n) = pool.max_parallel_image_pulls.filter(|n| *n > 1)
            && pool.serialize_image_pulls
            && let Some((_, v)) = entries
                .iter()
                .find(|(k, _)| k.as_str() == Some("maxParallelImagePulls"))
        {
            self.problem(
                v.span,
                join(path, "maxParallelImagePulls"),
                format!("Invalid value: {n}: must be 1 when serializeImagePulls is true"),
            );
        }
        match name {
            Some(n) => pool.name = n,
            None => self.problem(node.span, join(path, "name"), "Required value"),
        }
        // aks-nodes.md §5: user pools can scale to 0; a system pool needs a node to run
        // AKS's system pods.
        if pool.mode == PoolMode::System && pool.count == 0 {
            self.problem(
                count_span,
                join(path, "count"),
                "Invalid value: 0: a System node pool needs at least 1 node (only User pools scale to 0)",
            );
        }
        (self.problems.len() == before).then_some(pool)
    }

    fn zones(&mut self, node: &Node, path: &str) -> Vec<u32> {
        let mut out = Vec::new();
        if node.value == Value::Null {
            return out;
        }
        let Some(items) = node.as_seq() else {
            self.wrong_type(node, path, "array");
            return out;
        };
        for (i, z) in items.iter().enumerate() {
            let p = format!("{path}[{i}]");
            // Zones are integers in az's `--zones 1 2 3` and strings in ARM templates.
            let zone = match &z.value {
                Value::Int(n) => Some(*n),
                Value::Str(s) => s.parse::<i64>().ok(),
                _ => None,
            };
            match zone
                .and_then(|n| u32::try_from(n).ok())
                .filter(|n| (1..=3).contains(n))
            {
                Some(n) if out.contains(&n) => {
                    self.problem(z.span, p, format!("Duplicate value: {n}"));
                }
                Some(n) => out.push(n),
                None => self.problem(
                    z.span,
                    p,
                    format!("Unsupported value: {:?}: supported values: 1, 2, 3", z.raw),
                ),
            }
        }
        out
    }

    fn labels(&mut self, node: &Node, path: &str) -> Vec<(Spanned<String>, Spanned<String>)> {
        let mut out = Vec::new();
        if node.value == Value::Null {
            return out;
        }
        let Some(entries) = node.as_map() else {
            self.wrong_type(node, path, "object");
            return out;
        };
        for (k, v) in entries {
            let key = k.as_str().unwrap_or_default().to_string();
            let p = join(path, &key);
            let value = match &v.value {
                Value::Null => Some(String::new()),
                _ => self.text(v, &p),
            };
            if let Some(value) = value {
                out.push((Spanned::new(key, k.span), Spanned::new(value, v.span)));
            }
        }
        out
    }

    fn taints(&mut self, node: &Node, path: &str) -> Vec<Taint> {
        let mut out: Vec<Taint> = Vec::new();
        if node.value == Value::Null {
            return out;
        }
        let Some(items) = node.as_seq() else {
            self.wrong_type(node, path, "array");
            return out;
        };
        for (i, t) in items.iter().enumerate() {
            let p = format!("{path}[{i}]");
            let Some(text) = self.text(t, &p) else {
                if t.value == Value::Null {
                    self.problem(t.span, &p, "invalid taint spec: ");
                }
                continue;
            };
            match parse_taint(&text, t.span) {
                Ok(taint) => {
                    if out
                        .iter()
                        .any(|o| o.key == taint.key && o.effect == taint.effect)
                    {
                        self.problem(
                            t.span,
                            &p,
                            format!("duplicated taints with the same key and effect: {text}"),
                        );
                    } else {
                        out.push(taint);
                    }
                }
                Err(msg) => self.problem(t.span, &p, msg),
            }
        }
        out
    }

    fn steps(&mut self, node: Option<&Node>, duration: Option<u64>) -> Vec<Step> {
        let mut out: Vec<Step> = Vec::new();
        let Some(node) = node.filter(|n| n.value != Value::Null) else {
            return out;
        };
        let Some(items) = node.as_seq() else {
            self.wrong_type(node, "steps", "array");
            return out;
        };
        for (index, item) in items.iter().enumerate() {
            let path = format!("steps[{index}]");
            let Some(entries) = self.mapping(item, &path, STEP_KEYS) else {
                continue;
            };
            let get = |k: &str| {
                entries
                    .iter()
                    .find(|(key, _)| key.as_str() == Some(k))
                    .map(|(_, v)| v)
                    .filter(|v| v.value != Value::Null)
            };
            let at = match get("at") {
                Some(n) => self
                    .duration(n, &join(&path, "at"))
                    .and_then(|at| self.before_duration(n, &join(&path, "at"), at, duration)),
                None => {
                    self.problem(
                        item.span,
                        join(&path, "at"),
                        "Required value: when the step starts, like 0s",
                    );
                    None
                }
            };
            let id = get("id").and_then(|n| {
                let p = join(&path, "id");
                let t = self.text(n, &p)?;
                if t.is_empty()
                    || !t.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                {
                    self.problem(n.span, &p, format!(
                        "Invalid value: {t:?}: must consist of lower case alphanumeric characters or '-' ([a-z0-9-]+)"
                    ));
                    return None;
                }
                if out.iter().any(|s| s.id.as_deref() == Some(t.as_str())) {
                    self.problem(n.span, &p, format!("Duplicate value: {t:?}"));
                    return None;
                }
                Some(t)
            });
            let stop_after = get("stopAfter").and_then(|n| {
                let p = join(&path, "stopAfter");
                let d = self.duration(n, &p)?;
                if d == 0 {
                    self.problem(
                        n.span,
                        &p,
                        format!("Invalid value: {:?}: must be greater than 0", n.raw),
                    );
                    return None;
                }
                Some(d)
            });
            let action = match (get("run"), get("apply")) {
                (Some(run), None) => {
                    let p = join(&path, "run");
                    self.text(run, &p).and_then(|line| {
                        if line.trim().is_empty() {
                            self.problem(run.span, &p, "Required value: a kubectl command line");
                            None
                        } else {
                            Some(StepAction::Run {
                                line,
                                span: run.span,
                            })
                        }
                    })
                }
                (None, Some(apply)) => {
                    let p = join(&path, "apply");
                    match &apply.value {
                        Value::Str(text) => Some(StepAction::Apply {
                            map: InlineMap::new(self.src, apply.span, text),
                            text: text.clone(),
                            span: apply.span,
                        }),
                        _ => {
                            self.wrong_type(apply, &p, "string");
                            None
                        }
                    }
                }
                (Some(_), Some(apply)) => {
                    self.problem(
                        apply.span,
                        join(&path, "apply"),
                        "Forbidden: a step has run: or apply:, not both",
                    );
                    None
                }
                (None, None) => {
                    self.problem(
                        item.span,
                        join(&path, "run"),
                        "Required value: a step needs run: (a kubectl command) or apply: (inline manifests)",
                    );
                    None
                }
            };
            if let (Some(at_us), Some(action)) = (at, action) {
                out.push(Step {
                    index,
                    at_us,
                    id,
                    action,
                    stop_after_us: stop_after,
                    span: item.span,
                });
            }
        }
        out
    }

    /// Reports an instant at or after the scenario's end (docs/outputs.md).
    fn before_duration(
        &mut self,
        node: &Node,
        path: &str,
        t: u64,
        duration: Option<u64>,
    ) -> Option<u64> {
        match duration {
            Some(d) if t >= d => {
                self.problem(
                    node.span,
                    path,
                    format!(
                        "Invalid value: {:?}: {} is at or after the scenario's duration {}",
                        node.raw,
                        canonical_duration(t),
                        canonical_duration(d)
                    ),
                );
                None
            }
            _ => Some(t),
        }
    }

    fn expectations(&mut self, node: Option<&Node>, duration: Option<u64>) -> Vec<Expectation> {
        let mut out = Vec::new();
        let Some(node) = node.filter(|n| n.value != Value::Null) else {
            return out;
        };
        let Some(items) = node.as_seq() else {
            self.wrong_type(node, "expect", "array");
            return out;
        };
        for (index, item) in items.iter().enumerate() {
            let path = format!("expect[{index}]");
            let Some(entries) = self.mapping(item, &path, EXPECT_KEYS) else {
                continue;
            };
            let forms: Vec<(&str, &Node)> = entries
                .iter()
                .filter_map(|(k, v)| {
                    let key = k.as_str()?;
                    ["at", "during", "within"]
                        .contains(&key)
                        .then_some((key, v))
                })
                .collect();
            let window = match forms.as_slice() {
                [] => {
                    self.problem(
                        item.span,
                        join(&path, "at"),
                        "Required value: one of at: T, during: A..B or within: D",
                    );
                    None
                }
                [(form, n)] => self.window(form, n, &join(&path, form), duration),
                [_, (form, n), ..] => {
                    self.problem(
                        n.span,
                        join(&path, form),
                        "Forbidden: an expectation has exactly one of at:, during: or within:",
                    );
                    None
                }
            };
            let that = match item.get("that").filter(|n| n.value != Value::Null) {
                None => {
                    self.problem(
                        item.span,
                        join(&path, "that"),
                        "Required value: a condition, like deployment/web available_replicas == 3",
                    );
                    None
                }
                Some(n) => {
                    let p = join(&path, "that");
                    self.text(n, &p)
                        .and_then(|text| match parse_condition(&text) {
                            Ok(c) => Some((c, text.trim().to_string(), n.span)),
                            Err(e) => {
                                let span = self.column_in_scalar(n, &text, e.col);
                                self.problem_help(span, &p, e.message, e.help);
                                None
                            }
                        })
                }
            };
            if let (Some(window), Some((that, that_text, that_span))) = (window, that) {
                out.push(Expectation {
                    index,
                    line: item.span.line,
                    form: window.form(),
                    window_text: window.text(),
                    window,
                    that,
                    that_text,
                    that_span,
                    span: item.span,
                });
            }
        }
        out
    }

    fn window(
        &mut self,
        form: &str,
        node: &Node,
        path: &str,
        duration: Option<u64>,
    ) -> Option<Window> {
        let window = if form == "at" {
            Window::At(self.duration(node, path)?)
        } else {
            let text = self.text(node, path)?;
            match parse_range(&text, form == "within") {
                Ok((a, b)) if form == "during" => Window::During(a, b),
                Ok((a, b)) => Window::Within(a, b),
                Err(e) => {
                    // A hint for the one bound that is not a Go duration, if one is not.
                    let hint = text.split("..").find_map(|part| {
                        parse_micros(part.trim())
                            .is_err()
                            .then(|| duration_hint(part.trim()))
                            .flatten()
                    });
                    self.problem_help(
                        node.span,
                        path,
                        format!("Invalid value: {text:?}: {e}"),
                        hint,
                    );
                    return None;
                }
            }
        };
        self.before_duration(node, path, window.end(), duration)?;
        Some(window)
    }

    /// The scenario position of 1-based character column `col` of a one-line scalar's value;
    /// the scalar's own span when the value is not written on one line as-is.
    fn column_in_scalar(&self, node: &Node, value: &str, col: u32) -> Span {
        let written = self.src.get(node.span.offset..).unwrap_or("");
        let quoted = match written.chars().next() {
            Some('"' | '\'') => true,
            Some('|' | '>') => return node.span,
            _ => false,
        };
        let skip = usize::from(quoted);
        let chars_before = (col as usize).saturating_sub(1);
        let byte_in_value = value
            .char_indices()
            .nth(chars_before)
            .map_or(value.len(), |(i, _)| i);
        let offset = node.span.offset + skip + byte_in_value;
        // Escapes in quoted scalars or a value folded over lines break the 1:1 mapping.
        let exact = self
            .src
            .get(node.span.offset + skip..offset)
            .is_some_and(|s| s == &value[..byte_in_value] && !s.contains('\n'))
            || (!quoted && byte_in_value == 0);
        if !exact {
            return node.span;
        }
        Span {
            offset,
            len: 0,
            line: node.span.line,
            col: node
                .span
                .col
                .saturating_add(u32::from(quoted))
                .saturating_add(u32::try_from(chars_before).unwrap_or(u32::MAX)),
        }
    }
}

fn default_pool(span: Span) -> NodePoolSpec {
    NodePoolSpec {
        name: "nodepool1".to_string(),
        mode: PoolMode::System,
        count: 3,
        count_span: None,
        vm_size: Spanned::new("Standard_DS2_v2".to_string(), span),
        cpu: None,
        memory: None,
        max_pods: None,
        zones: Vec::new(),
        labels: Vec::new(),
        taints: Vec::new(),
        serialize_image_pulls: true,
        max_parallel_image_pulls: None,
    }
}

/// A Linux node pool name: 1–12 lower-case letters and digits, starting with a letter
/// (aks-nodes.md §4.1; az's `--nodepool-name` messages).
pub fn pool_name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("must not be empty")
    } else if name.chars().count() > 12 {
        Some("can contain at most 12 characters")
    } else if !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Some("should contain only alphanumeric characters")
    } else if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        || !name.as_bytes()[0].is_ascii_lowercase()
    {
        Some("must start with a lower case letter and contain only lower case letters and digits")
    } else {
        None
    }
}

/// Azure's rule for a managed cluster's name: 1–63 letters, digits, `_` and `-`, starting and
/// ending with a letter or digit.
fn is_aks_cluster_name(name: &str) -> bool {
    let b = name.as_bytes();
    let ok_inner = |c: &u8| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-';
    matches!((b.first(), b.last()), (Some(f), Some(l)) if f.is_ascii_alphanumeric() && l.is_ascii_alphanumeric())
        && b.len() <= 63
        && b.iter().all(ok_inner)
}

/// `MAJOR.MINOR` or `MAJOR.MINOR.PATCH` (az aks create's `--kubernetes-version` forms) to
/// `(major, minor)`.
pub(crate) fn parse_kubernetes_version(s: &str) -> Option<(u32, u32)> {
    let parts: Vec<&str> = s.split('.').collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    Some((parts[0].parse().ok()?, parts[1].parse().ok()?))
}

/// kubectl's taint parser for a taint being added: `key=value:Effect` or `key:Effect`
/// (kubectl `parseTaints` rejects a taint without an effect). Key and value are not
/// validated here.
fn parse_taint(spec: &str, span: Span) -> Result<Taint, String> {
    let invalid = || format!("invalid taint spec: {spec}");
    let parts: Vec<&str> = spec.split(':').collect();
    let [kv, effect] = parts.as_slice() else {
        return Err(invalid());
    };
    let effect = TaintEffect::ALL
        .into_iter()
        .find(|e| e.as_str() == *effect)
        .ok_or_else(|| format!("invalid taint effect: {effect}, unsupported taint effect"))?;
    let kv: Vec<&str> = kv.split('=').collect();
    let (key, value) = match kv.as_slice() {
        [k] => (*k, ""),
        [k, v] => (*k, *v),
        _ => return Err(invalid()),
    };
    Ok(Taint {
        key: key.to_string(),
        value: value.to_string(),
        effect,
        span,
    })
}

const RFC3339: &str = "2006-01-02T15:04:05Z07:00";

/// Parses an RFC 3339 timestamp to Unix seconds with Go's `time.Parse(time.RFC3339, s)` rules
/// and messages (Z or ±hh:mm offset; a fraction of a second is accepted only when zero,
/// since t=0 is a whole second).
fn parse_rfc3339(s: &str) -> Result<i64, String> {
    let mut rest = s;
    let cannot = |rest: &str, elem: &str| {
        format!("parsing time {s:?} as {RFC3339:?}: cannot parse {rest:?} as {elem:?}")
    };
    let range = |what: &str| format!("parsing time {s:?}: {what} out of range");
    let num = |rest: &mut &str, digits: usize, elem: &str| -> Result<i64, String> {
        let d = rest
            .get(..digits)
            .filter(|d| d.bytes().all(|b| b.is_ascii_digit()));
        match d {
            Some(d) => {
                *rest = &rest[digits..];
                d.parse().map_err(|_| cannot(rest, elem))
            }
            None => Err(cannot(rest, elem)),
        }
    };
    let lit = |rest: &mut &str, l: &str| -> Result<(), String> {
        match rest.strip_prefix(l) {
            Some(r) => {
                *rest = r;
                Ok(())
            }
            None => Err(cannot(rest, l)),
        }
    };
    let year = num(&mut rest, 4, "2006")?;
    lit(&mut rest, "-")?;
    let month = num(&mut rest, 2, "01")?;
    if !(1..=12).contains(&month) {
        return Err(range("month"));
    }
    lit(&mut rest, "-")?;
    let day = num(&mut rest, 2, "02")?;
    lit(&mut rest, "T")?;
    let hour = num(&mut rest, 2, "15")?;
    if hour > 23 {
        return Err(range("hour"));
    }
    lit(&mut rest, ":")?;
    let minute = num(&mut rest, 2, "04")?;
    if minute > 59 {
        return Err(range("minute"));
    }
    lit(&mut rest, ":")?;
    let second = num(&mut rest, 2, "05")?;
    if second > 59 {
        return Err(range("second"));
    }
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(cannot(rest, "Z07:00"));
        }
        if frac.bytes().take(digits).any(|b| b != b'0') {
            return Err(format!(
                "parsing time {s:?}: startTime is a whole second (t=0 of virtual time)"
            ));
        }
        rest = &frac[digits..];
    }
    let offset = if let Some(r) = rest.strip_prefix('Z') {
        rest = r;
        0
    } else {
        let sign = match rest.as_bytes().first() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return Err(cannot(rest, "Z07:00")),
        };
        let mut r = &rest[1..];
        let oh = num(&mut r, 2, "Z07:00").map_err(|_| cannot(rest, "Z07:00"))?;
        lit(&mut r, ":").map_err(|_| cannot(rest, "Z07:00"))?;
        let om = num(&mut r, 2, "Z07:00").map_err(|_| cannot(rest, "Z07:00"))?;
        if oh > 23 || om > 59 {
            return Err(format!("parsing time {s:?}: time zone offset out of range"));
        }
        rest = r;
        sign * (oh * 3600 + om * 60)
    };
    if !rest.is_empty() {
        return Err(format!("parsing time {s:?}: extra text: {rest:?}"));
    }
    // month is 1..=12 and day 1..=31 here (checked above).
    use crate::model::civil::{days_from_civil, days_in_month};
    if day < 1 || day > i64::from(days_in_month(year, month as u32)) {
        return Err(range("day"));
    }
    let days = days_from_civil(year, month as u32, day as u32);
    Ok(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kind::Kind;
    use crate::scenario::expect::{CondValue, Metric, Op, Target};

    const PATH: &str = "scenarios/test.yaml";

    fn ok(src: &str) -> Scenario {
        match load_str(Path::new(PATH), src) {
            Ok(s) => s,
            Err(p) => panic!("{}", render(PATH, src, &p)),
        }
    }

    fn errs(src: &str) -> Vec<Problem> {
        match load_str(Path::new(PATH), src) {
            Ok(_) => panic!("expected problems in:\n{src}"),
            Err(p) => p,
        }
    }

    /// The one problem of `src`, as (line, col, "path: message (help)").
    fn one(src: &str) -> (u32, u32, String) {
        let p = errs(src);
        assert_eq!(p.len(), 1, "{}", render(PATH, src, &p));
        (p[0].span.line, p[0].span.col, p[0].to_string())
    }

    const MIN: &str = "name: t\nduration: 10m\n";

    /// docs/scenario.md's example, with `...` replaced by a real Pod.
    const CONTRACT_EXAMPLE: &str = r#"version: 1
name: quickstart
description: free text
seed: 1
duration: 10m
startTime: 2026-01-01T00:00:00Z
cluster:
  name: AzureForArchitects-AKS
  location: eastus
  tier: standard
  kubernetesVersion: "1.35"
  networkPlugin: kubenet
  networkPluginMode: overlay
  podCidr: 10.244.0.0/16
  serviceCidr: 10.0.0.0/16
  dnsServiceIp: 10.0.0.10
  vnetSubnetCidr: 10.240.0.0/16
  systemPods: true
  nodePools:
  - name: nodepool1
    mode: System
    count: 3
    vmSize: Standard_DS2_v2
    cpu: "2"
    memory: 7Gi
    maxPods: 110
    zones: [1, 2, 3]
    labels: {}
    taints: []
timing:
  etcd.write: 5ms
  kubelet.imagePull: {median: 3s, p99: 20s, min: 500ms, max: 2m}
steps:
- at: 0s
  run: kubectl apply -f manifests/nginx.yaml
- at: 5s
  apply: |
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
expect:
- at: 2m
  that: deployment/nginx-server available_replicas == 6
"#;

    #[test]
    fn the_contract_example_loads_with_every_field() {
        let s = ok(CONTRACT_EXAMPLE);
        assert_eq!(s.name, "quickstart");
        assert_eq!(s.description.as_deref(), Some("free text"));
        assert_eq!(s.seed, 1);
        assert_eq!(s.duration_us, 600_000_000);
        // date -u -d 2026-01-01T00:00:00Z +%s
        assert_eq!(s.start_time_unix, Some(1_767_225_600));
        let c = &s.cluster;
        assert_eq!(c.name, "AzureForArchitects-AKS");
        assert_eq!(c.location, "eastus");
        assert_eq!(c.tier, Tier::Standard);
        assert_eq!(c.kubernetes_version, "1.35");
        assert_eq!(c.kubernetes_minor(), (1, 35));
        let raw = |v: &Option<Spanned<String>>| v.as_ref().map(|s| s.value.clone());
        assert_eq!(raw(&c.network_plugin).as_deref(), Some("kubenet"));
        assert_eq!(raw(&c.network_plugin_mode).as_deref(), Some("overlay"));
        assert_eq!(raw(&c.pod_cidr).as_deref(), Some("10.244.0.0/16"));
        assert_eq!(raw(&c.service_cidr).as_deref(), Some("10.0.0.0/16"));
        assert_eq!(raw(&c.dns_service_ip).as_deref(), Some("10.0.0.10"));
        assert_eq!(raw(&c.vnet_subnet_cidr).as_deref(), Some("10.240.0.0/16"));
        assert_eq!(c.pod_cidr.as_ref().map(|s| s.span.line), Some(14));
        assert!(c.system_pods);
        assert_eq!(c.node_pools.len(), 1);
        let p = &c.node_pools[0];
        assert_eq!(p.name, "nodepool1");
        assert_eq!(p.mode, PoolMode::System);
        assert_eq!(p.count, 3);
        assert_eq!(p.vm_size.value, "Standard_DS2_v2");
        assert_eq!(p.cpu.as_ref().map(|s| s.value.as_str()), Some("2"));
        assert_eq!(p.memory.as_ref().map(|s| s.value.as_str()), Some("7Gi"));
        assert_eq!(p.max_pods.as_ref().map(|s| s.value), Some(110));
        assert_eq!(p.zones, vec![1, 2, 3]);
        assert!(p.labels.is_empty() && p.taints.is_empty());
        let timing = s.timing.as_ref().expect("timing kept raw");
        assert!(timing.get("etcd.write").is_some());
        assert_eq!(s.steps.len(), 2);
        assert_eq!(s.steps[0].at_us, 0);
        assert_eq!(
            s.steps[0].action.command(),
            "kubectl apply -f manifests/nginx.yaml"
        );
        assert_eq!(s.steps[1].at_us, 5_000_000);
        assert_eq!(s.steps[1].action.command(), "kubectl apply -f -");
        let StepAction::Apply { text, .. } = &s.steps[1].action else {
            panic!("apply step")
        };
        assert!(text.starts_with("apiVersion: v1\nkind: Pod\n"));
        assert_eq!(s.expect.len(), 1);
        let e = &s.expect[0];
        assert_eq!((e.index, e.line, e.form), (0, 47, "at"));
        assert_eq!(e.window, Window::At(120_000_000));
        assert_eq!(e.window_text, "2m");
        assert_eq!(
            e.that_text,
            "deployment/nginx-server available_replicas == 6"
        );
        assert_eq!(
            e.that.target,
            Target::Object {
                kind: Kind::Deployment,
                namespace: None,
                name: "nginx-server".into()
            }
        );
        assert_eq!(
            (e.that.metric, e.that.op, &e.that.value),
            (Metric::AvailableReplicas, Op::Eq, &CondValue::Int(6))
        );
        assert_eq!(s.source.text, CONTRACT_EXAMPLE);
    }

    #[test]
    fn omitted_fields_take_the_contract_defaults() {
        // docs/scenario.md defaults; the pool is what `az aks create` makes (aks-nodes.md §5).
        let s = ok(MIN);
        assert_eq!(s.seed, 1);
        assert_eq!(s.description, None);
        assert_eq!(s.start_time_unix, None);
        assert!(s.timing.is_none() && s.steps.is_empty() && s.expect.is_empty());
        let c = &s.cluster;
        assert_eq!(
            (c.name.as_str(), c.location.as_str(), c.tier),
            ("kubesim", "eastus", Tier::Standard)
        );
        assert_eq!(c.kubernetes_version, "1.35");
        assert!(c.network_plugin.is_none() && c.pod_cidr.is_none());
        assert!(c.system_pods);
        assert_eq!(c.node_pools.len(), 1);
        let p = &c.node_pools[0];
        assert_eq!(
            (p.name.as_str(), p.mode, p.count),
            ("nodepool1", PoolMode::System, 3)
        );
        assert_eq!(p.vm_size.value, "Standard_DS2_v2");
        assert!(p.max_pods.is_none() && p.cpu.is_none() && p.zones.is_empty());
        // A cluster without nodePools gets the same default pool.
        let s = ok(&format!("{MIN}cluster:\n  tier: free\n"));
        assert_eq!(s.cluster.tier, Tier::Free);
        assert_eq!(s.cluster.node_pools[0].name, "nodepool1");
    }

    #[test]
    fn pools_after_the_first_default_to_user_mode() {
        // aks-nodes.md §5: the first pool is System, `az aks nodepool add` makes User pools.
        let s = ok(&format!(
            "{MIN}cluster:\n  nodePools:\n  - name: sys\n  - name: apps\n    count: 0\n"
        ));
        let pools = &s.cluster.node_pools;
        assert_eq!(
            (pools[0].mode, pools[1].mode, pools[1].count),
            (PoolMode::System, PoolMode::User, 0)
        );
    }

    #[test]
    fn kubernetes_version_is_read_as_written_never_as_a_float() {
        for (written, kept) in [
            ("1.35", "1.35"),
            ("\"1.35\"", "1.35"),
            ("1.30", "1.30"),
            ("1.3", "1.3"),
            ("1.35.2", "1.35.2"),
        ] {
            let s = ok(&format!("{MIN}cluster:\n  kubernetesVersion: {written}\n"));
            assert_eq!(s.cluster.kubernetes_version, kept, "{written}");
        }
        assert_eq!(
            ok(&format!("{MIN}cluster:\n  kubernetesVersion: 1.30\n"))
                .cluster
                .kubernetes_minor(),
            (1, 30)
        );
        for bad in ["1", "v1.35", "1.35.x", "latest", "1..3"] {
            let (line, col, msg) = one(&format!("{MIN}cluster:\n  kubernetesVersion: {bad}\n"));
            assert_eq!((line, col), (4, 22), "{bad}");
            assert!(
                msg.contains("should be the full version number or major.minor version number"),
                "{msg}"
            );
        }
    }

    #[test]
    fn inline_manifest_positions_map_to_scenario_lines_and_columns() {
        let s = ok(CONTRACT_EXAMPLE);
        let StepAction::Apply { text, map, .. } = &s.steps[1].action else {
            panic!("apply step")
        };
        let parsed = parse_stream(text, &Limits::default());
        let doc = &parsed.docs[0];
        let name = doc.get("metadata").and_then(|m| m.get("name")).unwrap();
        let image = doc
            .get("spec")
            .and_then(|s| s.get("containers"))
            .and_then(|c| c.as_seq())
            .and_then(|c| c[0].get("image"))
            .unwrap();
        for (node, expected_text) in [(name, "web"), (image, "nginx:1.27")] {
            let mapped = map.to_scenario(node.span);
            let line = CONTRACT_EXAMPLE
                .lines()
                .nth(mapped.line as usize - 1)
                .unwrap();
            let at_col: String = line.chars().skip(mapped.col as usize - 1).collect();
            assert_eq!(at_col, expected_text);
            assert!(CONTRACT_EXAMPLE[mapped.offset..].starts_with(expected_text));
        }
        // `name: web` is inline line 4 (column 7): scenario line 41, column 7 + 6.
        let mapped = map.to_scenario(name.span);
        assert_eq!((mapped.line, mapped.col), (41, 13));
        // The content starts on the line after `apply: |` (line 37).
        assert_eq!(map.scenario_line(1), 38);
    }

    #[test]
    fn inline_mapping_survives_leading_blank_lines_and_chomping_indicators() {
        let src = format!(
            "{MIN}steps:\n- at: 1s\n  apply: |-   # a comment\n\n      kind: Pod\n      kind: Job\n"
        );
        let s = ok(&src);
        let StepAction::Apply { text, map, .. } = &s.steps[0].action else {
            panic!("apply step")
        };
        assert_eq!(text, "\nkind: Pod\nkind: Job");
        let parsed = parse_stream(text, &Limits::default());
        let p = &parsed.problems[0];
        assert_eq!((p.span.line, p.span.col), (3, 1));
        // Inline line 1 is the blank scenario line 6; the duplicate key is on line 8, column 7.
        let mapped = map.to_scenario(p.span);
        assert_eq!((mapped.line, mapped.col), (8, 7));
        assert!(src[mapped.offset..].starts_with("kind: Job"));
        // Folded scalars cannot be mapped line by line: the scalar's own position is used.
        let src = format!("{MIN}steps:\n- at: 1s\n  apply: >\n    kind: Pod\n");
        let s = ok(&src);
        let StepAction::Apply { span, map, .. } = &s.steps[0].action else {
            panic!("apply step")
        };
        let inline = Span {
            offset: 0,
            len: 1,
            line: 1,
            col: 1,
        };
        assert_eq!(map.to_scenario(inline), *span);
    }

    #[test]
    fn a_missing_file_is_reported_with_its_path() {
        // kubectl: error: the path "x" does not exist
        let e = load(Path::new("/nonexistent/kubesim/scenario.yaml")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "/nonexistent/kubesim/scenario.yaml: error: the path \"/nonexistent/kubesim/scenario.yaml\" does not exist\n"
        );
    }

    #[test]
    fn a_file_on_disk_loads_and_bad_input_renders_every_problem() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.yaml");
        std::fs::write(&good, MIN).unwrap();
        assert_eq!(load(&good).unwrap().source.path, good);
        let bad = dir.path().join("bad.yaml");
        std::fs::write(&bad, "name: Bad\nduration: 10x\n").unwrap();
        let e = load(&bad).unwrap_err();
        let LoadError::Invalid { problems, .. } = &e else {
            panic!("invalid")
        };
        assert_eq!(problems.len(), 2);
        let text = e.to_string();
        assert!(
            text.contains("bad.yaml:1:7: error: name: Invalid value: \"Bad\""),
            "{text}"
        );
        assert!(text.contains("bad.yaml:2:11: error: duration: Invalid value: \"10x\": time: unknown unit \"x\" in duration \"10x\""), "{text}");
    }

    #[test]
    fn yaml_that_is_not_a_scenario_mapping_is_bad_input() {
        let (line, _, msg) = one("name: [\n");
        assert_eq!(line, 2);
        assert!(msg.starts_with("yaml: line"), "{msg}");
        let (line, col, msg) = one("- a\n- b\n");
        assert_eq!((line, col), (1, 1));
        assert!(msg.contains("a scenario file is a YAML mapping"), "{msg}");
        let (_, _, msg) = one("# nothing\n");
        assert!(msg.contains("empty"), "{msg}");
        let (line, _, msg) = one(&format!("{MIN}---\nname: u\n"));
        assert_eq!(line, 4);
        assert!(msg.contains("one YAML document"), "{msg}");
        let (line, col, msg) = one(&format!("{MIN}name: u\n"));
        assert_eq!((line, col), (3, 1));
        assert!(msg.contains("already set in map"), "{msg}");
    }

    #[test]
    fn only_scenario_version_1_is_read() {
        assert_eq!(ok(&format!("version: 1\n{MIN}")).name, "t");
        for v in ["2", "\"1\"", "1.0"] {
            let (line, col, msg) = one(&format!("version: {v}\n{MIN}"));
            assert_eq!((line, col), (1, 10));
            assert!(
                msg.contains("this kubesim reads scenario version 1"),
                "{msg}"
            );
        }
    }

    #[test]
    fn unknown_keys_are_reported_at_every_level_with_a_suggestion() {
        let src = format!(
            "{MIN}durration: 1m\ncluster:\n  nodePool: []\n  nodePools:\n  - name: a\n    vmsize: x\nsteps:\n- at: 0s\n  run: kubectl get pods\n  stopafter: 1s\nexpect:\n- at: 1s\n  that: cluster pods_running == 0\n  wthin: 1s\n"
        );
        let p = errs(&src);
        let got: Vec<(u32, u32, String)> = p
            .iter()
            .map(|p| (p.span.line, p.span.col, p.to_string()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    3,
                    1,
                    "durration: unknown field (did you mean \"duration\"?)".to_string()
                ),
                (
                    5,
                    3,
                    "cluster.nodePool: unknown field (did you mean \"nodePools\"?)".to_string()
                ),
                (
                    8,
                    5,
                    "cluster.nodePools[0].vmsize: unknown field (did you mean \"vmSize\"?)"
                        .to_string()
                ),
                (
                    12,
                    3,
                    "steps[0].stopafter: unknown field (did you mean \"stopAfter\"?)".to_string()
                ),
                (
                    16,
                    3,
                    "expect[0].wthin: unknown field (did you mean \"within\"?)".to_string()
                ),
            ]
        );
    }

    #[test]
    fn keys_later_versions_define_are_unknown_with_a_hint() {
        for key in ["traffic", "aad"] {
            let (_, _, msg) = one(&format!("{MIN}{key}: {{}}\n"));
            assert_eq!(
                msg,
                format!(
                    "{key}: unknown field (\"{key}\" is not supported by this version of kubesim yet)"
                )
            );
        }
    }

    #[test]
    fn the_control_plane_defaults_to_one_api_server_and_three_etcd_members() {
        assert_eq!(ok(MIN).cluster.control_plane, ControlPlaneSpec::default());
        let s = ok(&format!(
            "{MIN}cluster:\n  controlPlane: {{apiServers: 2, etcdMembers: 5}}\n"
        ));
        assert_eq!(
            s.cluster.control_plane,
            ControlPlaneSpec {
                api_servers: 2,
                etcd_members: 5,
                ..ControlPlaneSpec::default()
            }
        );
        // kube-apiserver's and kube-controller-manager's flags, 400/200 and 20/30 unless set.
        let s = ok(&format!(
            "{MIN}cluster:\n  controlPlane: {{maxRequestsInflight: 40, maxMutatingRequestsInflight: 20, controllerManagerQps: 500, controllerManagerBurst: 1000}}\n"
        ));
        let cp = s.cluster.control_plane;
        assert_eq!(
            (
                cp.max_requests_inflight,
                cp.max_mutating_requests_inflight,
                cp.controller_manager_qps,
                cp.controller_manager_burst
            ),
            (40, 20, 500, 1000)
        );
        // KubeSchedulerConfiguration's clientConnection defaults are qps 50, burst 100.
        assert_eq!((cp.scheduler_qps, cp.scheduler_burst), (50, 100));
        let s = ok(&format!(
            "{MIN}cluster:\n  controlPlane: {{schedulerQps: 100, schedulerBurst: 200}}\n"
        ));
        let cp = s.cluster.control_plane;
        assert_eq!((cp.scheduler_qps, cp.scheduler_burst), (100, 200));
        assert_eq!(cp.controller_manager_qps, 20);
    }

    #[test]
    fn etcd_members_are_odd_from_one_to_seven_and_api_servers_at_least_one() {
        for (yaml, want) in [
            (
                "etcdMembers: 4",
                "cluster.controlPlane.etcdMembers: Invalid value: 4: must be an odd number",
            ),
            (
                "etcdMembers: 9",
                "cluster.controlPlane.etcdMembers: Invalid value: 9: must be between 0 and 7",
            ),
            (
                "etcdMembers: 0",
                "cluster.controlPlane.etcdMembers: Invalid value: 0: must be an odd number",
            ),
            (
                "apiServers: 0",
                "cluster.controlPlane.apiServers: Invalid value: 0: must be between 1 and 9",
            ),
            (
                "etcdMember: 3",
                "cluster.controlPlane.etcdMember: unknown field",
            ),
        ] {
            let (line, col, msg) = one(&format!("{MIN}cluster:\n  controlPlane:\n    {yaml}\n"));
            assert!(msg.starts_with(want), "{yaml}: {msg}");
            assert_eq!(line, MIN.lines().count() as u32 + 3, "{yaml}");
            assert!(col >= 5, "{yaml}: column {col}");
        }
    }

    #[test]
    fn images_declare_pulls_exits_and_readiness() {
        let s = ok(&format!(
            "{MIN}images:\n  registry.example/app:v2: {{pullTime: 5s, crashAfter: 3s}}\n  registry.example/app:v3: {{exists: false}}\n  registry.example/app:v4: {{readyAfter: 20s, sizeMB: 300, probeLatency: 2s}}\n  registry.example/job:1: {{runFor: 30s, exitCode: 0}}\n"
        ));
        let v2 = &s.images["registry.example/app:v2"];
        assert_eq!(
            (v2.pull_time_us, v2.exit_after_us, v2.exit_code),
            (Some(5_000_000), Some(3_000_000), 1)
        );
        assert!(s.images["registry.example/app:v3"].missing);
        let v4 = &s.images["registry.example/app:v4"];
        assert_eq!(
            (v4.ready_after_us, v4.size_mb, v4.exit_after_us),
            (20_000_000, Some(300), None)
        );
        assert_eq!(v4.probe_latency_us, 2_000_000);
        assert_eq!(s.images["registry.example/job:1"].probe_latency_us, 0);
        let job = &s.images["registry.example/job:1"];
        assert_eq!((job.exit_after_us, job.exit_code), (Some(30_000_000), 0));
    }

    #[test]
    fn image_entries_are_checked_with_their_field_paths() {
        let (line, col, msg) = one(&format!("{MIN}images:\n  app:v1: {{crashAfter: 3 s}}\n"));
        assert_eq!((line, col), (4, 24));
        assert!(
            msg.starts_with("images[app:v1].crashAfter: Invalid value: \"3 s\""),
            "{msg}"
        );
        let (_, _, msg) = one(&format!("{MIN}images:\n  app:v1: {{pulltime: 3s}}\n"));
        assert_eq!(
            msg,
            "images[app:v1].pulltime: unknown field (did you mean \"pullTime\"?)"
        );
        let (_, _, msg) = one(&format!(
            "{MIN}images:\n  app:v1: {{crashAfter: 1s, runFor: 2s}}\n"
        ));
        assert_eq!(
            msg,
            "images[app:v1].runFor: Forbidden: may not be set together with crashAfter"
        );
        let (_, _, msg) = one(&format!(
            "{MIN}images:\n  app:v1: {{exists: false, readyAfter: 1s}}\n"
        ));
        assert_eq!(
            msg,
            "images[app:v1].readyAfter: Forbidden: an image with exists: false never runs"
        );
        let (_, _, msg) = one(&format!(
            "{MIN}images:\n  app:v1: {{runFor: 1s, exitCode: 256}}\n"
        ));
        assert_eq!(
            msg,
            "images[app:v1].exitCode: Invalid value: 256: must be between 0 and 255, inclusive"
        );
        let (_, _, msg) = one(&format!("{MIN}images:\n  app/UPPER: {{}}\n"));
        assert_eq!(
            msg,
            "images[app/UPPER]: Invalid value: \"app/UPPER\": invalid reference format"
        );
    }

    #[test]
    fn the_scenario_name_is_lower_case_alphanumerics_and_dashes() {
        assert_eq!(ok("name: web-2\nduration: 1s\n").name, "web-2");
        for bad in ["Web", "web_2", "\"\"", "a.b"] {
            let (line, col, msg) = one(&format!("name: {bad}\nduration: 1s\n"));
            assert_eq!((line, col), (1, 7), "{bad}");
            assert!(msg.contains("[a-z0-9-]+"), "{msg}");
        }
        let (line, col, msg) = one("duration: 1s\n");
        assert_eq!((line, col), (1, 1));
        assert_eq!(msg, "name: Required value: a scenario needs a name");
    }

    #[test]
    fn seed_is_a_u64() {
        assert_eq!(
            ok(&format!("{MIN}seed: 18446744073709551615\n")).seed,
            u64::MAX
        );
        assert_eq!(ok(&format!("{MIN}seed: 0\n")).seed, 0);
        let (line, col, msg) = one(&format!("{MIN}seed: -1\n"));
        assert_eq!((line, col), (3, 7));
        assert!(
            msg.contains("must be between 0 and 18446744073709551615"),
            "{msg}"
        );
        let (_, _, msg) = one(&format!("{MIN}seed: abc\n"));
        assert_eq!(
            msg,
            "seed: Invalid value: \"string\": must be of type integer"
        );
        assert!(errs(&format!("{MIN}seed: 18446744073709551616\n")).len() == 1);
    }

    #[test]
    fn wrong_types_name_the_expected_type() {
        let src = format!("{MIN}cluster:\n  systemPods: maybe\n  nodePools: {{}}\nsteps: {{}}\n");
        let got: Vec<String> = errs(&src).iter().map(|p| p.to_string()).collect();
        assert_eq!(
            got,
            vec![
                "cluster.systemPods: Invalid value: \"string\": must be of type boolean",
                "cluster.nodePools: Invalid value: \"object\": must be of type array",
                "steps: Invalid value: \"object\": must be of type array",
            ]
        );
    }

    #[test]
    fn duration_is_a_required_go_duration_up_to_30_days() {
        assert_eq!(ok("name: t\nduration: 1h30m\n").duration_us, 5_400_000_000);
        assert_eq!(ok("name: t\nduration: 720h\n").duration_us, MAX_DURATION_US);
        let (line, col, msg) = one("name: t\n");
        assert_eq!((line, col), (1, 1));
        assert!(msg.starts_with("duration: Required value"), "{msg}");
        // Go time_test.go parseDurationErrorTests: `3000000h` → invalid (overflow); `1d` →
        // unknown unit "d".
        let (line, col, msg) = one("name: t\nduration: 1d\n");
        assert_eq!((line, col), (2, 11));
        assert!(
            msg.starts_with(
                "duration: Invalid value: \"1d\": time: unknown unit \"d\" in duration \"1d\" (did you mean \"24h\"?"
            ),
            "{msg}"
        );
        let (_, _, msg) = one("name: t\nduration: 721h\n");
        assert!(msg.contains("must be at most 30 days"), "{msg}");
        let (_, _, msg) = one("name: t\nduration: 0s\n");
        assert!(msg.contains("must be greater than 0"), "{msg}");
        let (_, _, msg) = one("name: t\nduration: 10\n");
        assert!(
            msg.contains("time: missing unit in duration \"10\""),
            "{msg}"
        );
    }

    #[test]
    fn start_time_is_rfc3339_as_go_parses_it() {
        let st = |v: &str| ok(&format!("{MIN}startTime: {v}\n")).start_time_unix;
        assert_eq!(st("1970-01-01T00:00:00Z"), Some(0));
        // date -u -d '2024-02-29T12:30:45+05:30' +%s
        assert_eq!(st("2024-02-29T12:30:45+05:30"), Some(1_709_190_045));
        // date -u -d '1969-12-31T23:59:59Z' +%s
        assert_eq!(st("1969-12-31T23:59:59Z"), Some(-1));
        assert_eq!(st("2026-01-01T00:00:00.000Z"), Some(1_767_225_600));
        // Go time.Parse(time.RFC3339, …) error wording.
        let cases = [
            (
                "2026-01-01",
                "parsing time \"2026-01-01\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"T\"",
            ),
            (
                "2026-13-01T00:00:00Z",
                "parsing time \"2026-13-01T00:00:00Z\": month out of range",
            ),
            (
                "2025-02-29T00:00:00Z",
                "parsing time \"2025-02-29T00:00:00Z\": day out of range",
            ),
            (
                "2026-01-01T24:00:00Z",
                "parsing time \"2026-01-01T24:00:00Z\": hour out of range",
            ),
            (
                "2026-01-01T00:00:00",
                "parsing time \"2026-01-01T00:00:00\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"Z07:00\"",
            ),
        ];
        for (input, message) in cases {
            let (line, col, msg) = one(&format!("{MIN}startTime: {input}\n"));
            assert_eq!((line, col), (3, 12));
            assert_eq!(msg, format!("startTime: {message}"));
        }
    }

    #[test]
    fn step_and_window_instants_at_or_after_duration_are_bad_input() {
        let src = format!(
            "{MIN}steps:\n- at: 10m\n  run: kubectl get pods\n- at: 9m59s\n  run: kubectl get pods\nexpect:\n- within: 11m\n  that: cluster pods_running == 0\n- during: 1m..600s\n  that: cluster pods_running == 0\n"
        );
        let got: Vec<(u32, u32, String)> = errs(&src)
            .iter()
            .map(|p| (p.span.line, p.span.col, p.to_string()))
            .collect();
        assert_eq!(
            got,
            vec![
                (4, 7, "steps[0].at: Invalid value: \"10m\": 10m is at or after the scenario's duration 10m".to_string()),
                (9, 11, "expect[0].within: Invalid value: \"11m\": 11m is at or after the scenario's duration 10m".to_string()),
                (11, 11, "expect[1].during: Invalid value: \"1m..600s\": 10m is at or after the scenario's duration 10m".to_string()),
            ]
        );
    }

    #[test]
    fn steps_need_at_and_exactly_one_command() {
        let src = format!(
            "{MIN}steps:\n- run: kubectl get pods\n- at: 1s\n- at: 1s\n  run: kubectl get pods\n  apply: |\n    kind: Pod\n- at: 1s\n  run: \"\"\n"
        );
        let got: Vec<(u32, u32, String)> = errs(&src)
            .iter()
            .map(|p| (p.span.line, p.span.col, p.to_string()))
            .collect();
        assert_eq!(
            got,
            vec![
                (4, 3, "steps[0].at: Required value: when the step starts, like 0s".to_string()),
                (5, 3, "steps[1].run: Required value: a step needs run: (a kubectl command) or apply: (inline manifests)".to_string()),
                (9, 5, "steps[2].apply: Forbidden: a step has run: or apply:, not both".to_string()),
                (11, 8, "steps[3].run: Required value: a kubectl command line".to_string()),
            ]
        );
    }

    #[test]
    fn step_ids_are_names_and_unique_and_stop_after_is_a_duration() {
        let s = ok(&format!(
            "{MIN}steps:\n- at: 0s\n  id: watch-pods\n  run: kubectl get pods --watch\n  stopAfter: 30s\n"
        ));
        assert_eq!(s.steps[0].id.as_deref(), Some("watch-pods"));
        assert_eq!(s.steps[0].stop_after_us, Some(30_000_000));
        let src = format!(
            "{MIN}steps:\n- at: 0s\n  id: a\n  run: x\n- at: 0s\n  id: a\n  run: x\n- at: 0s\n  id: B_1\n  run: x\n  stopAfter: soon\n"
        );
        let got: Vec<String> = errs(&src).iter().map(|p| p.to_string()).collect();
        assert_eq!(
            got,
            vec![
                "steps[1].id: Duplicate value: \"a\"".to_string(),
                "steps[2].id: Invalid value: \"B_1\": must consist of lower case alphanumeric characters or '-' ([a-z0-9-]+)".to_string(),
                "steps[2].stopAfter: Invalid value: \"soon\": time: invalid duration \"soon\"".to_string(),
            ]
        );
    }

    #[test]
    fn expectation_forms_parse_into_windows() {
        let s = ok(&format!(
            "{MIN}expect:\n- at: 2m\n  that: cluster pods_pending == 0\n- during: 1m..2m\n  that: cluster pods_pending == 0\n- within: 180s\n  that: cluster pods_pending == 0\n- within: 30s..1m30s\n  that: pod/web phase == Running\n"
        ));
        let got: Vec<(&str, Window, &str, u32)> = s
            .expect
            .iter()
            .map(|e| (e.form, e.window, e.window_text.as_str(), e.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("at", Window::At(120_000_000), "2m", 4),
                (
                    "during",
                    Window::During(60_000_000, 120_000_000),
                    "1m..2m",
                    6
                ),
                ("within", Window::Within(0, 180_000_000), "0s..3m", 8),
                (
                    "within",
                    Window::Within(30_000_000, 90_000_000),
                    "30s..1m30s",
                    10
                ),
            ]
        );
    }

    #[test]
    fn expectations_need_one_window_and_an_ordered_range() {
        let src = format!(
            "{MIN}expect:\n- that: cluster pods_pending == 0\n- at: 1m\n  within: 2m\n  that: cluster pods_pending == 0\n- during: 3m..1m\n  that: cluster pods_pending == 0\n- during: 1m\n  that: cluster pods_pending == 0\n- at: 1m\n"
        );
        let got: Vec<(u32, String)> = errs(&src)
            .iter()
            .map(|p| (p.span.line, p.to_string()))
            .collect();
        assert_eq!(
            got,
            vec![
                (4, "expect[0].at: Required value: one of at: T, during: A..B or within: D".to_string()),
                (6, "expect[1].within: Forbidden: an expectation has exactly one of at:, during: or within:".to_string()),
                (8, "expect[2].during: Invalid value: \"3m..1m\": the range starts at 3m after it ends at 1m".to_string()),
                (10, "expect[3].during: Invalid value: \"1m\": expected a range START..END of Go durations, like 1m..2m, not \"1m\"".to_string()),
                (12, "expect[4].that: Required value: a condition, like deployment/web available_replicas == 3".to_string()),
            ]
        );
    }

    #[test]
    fn condition_errors_point_at_the_column_in_the_scenario_file() {
        // Plain scalar: `  that: ` is 8 columns; the metric starts at column 16 of the text.
        let (line, col, msg) = one(&format!(
            "{MIN}expect:\n- at: 1m\n  that: deployment/web availabel_replicas == 3\n"
        ));
        assert_eq!((line, col), (5, 9 + 15));
        assert!(
            msg.ends_with("(did you mean \"available_replicas\"?)"),
            "{msg}"
        );
        // Double-quoted: one more column for the quote.
        let (line, col, _) = one(&format!(
            "{MIN}expect:\n- at: 1m\n  that: \"pod/web phase < Running\"\n"
        ));
        assert_eq!((line, col), (5, 10 + 14));
    }

    #[test]
    fn node_pool_names_follow_aks_rules_and_are_unique() {
        // aks-nodes.md §4.1: 1–12 chars, lower-case alphanumerics, starting with a letter;
        // az's `--nodepool-name` messages.
        let cases = [
            ("averyveryverylongname", "can contain at most 12 characters"),
            ("pool-1", "should contain only alphanumeric characters"),
            ("Pool1", "must start with a lower case letter"),
            ("1pool", "must start with a lower case letter"),
        ];
        for (name, message) in cases {
            let (line, col, msg) = one(&format!("{MIN}cluster:\n  nodePools:\n  - name: {name}\n"));
            assert_eq!((line, col), (5, 11), "{name}");
            assert!(msg.contains(message), "{msg}");
        }
        let (line, _, msg) = one(&format!(
            "{MIN}cluster:\n  nodePools:\n  - name: a\n  - name: a\n"
        ));
        assert_eq!(line, 6);
        assert_eq!(msg, "cluster.nodePools[1].name: Duplicate value: \"a\"");
        let (_, _, msg) = one(&format!("{MIN}cluster:\n  nodePools:\n  - count: 1\n"));
        assert_eq!(msg, "cluster.nodePools[0].name: Required value");
    }

    #[test]
    fn pool_counts_and_pool_numbers_respect_aks_limits() {
        // facts D.8: 1,000 nodes per pool, 100 pools per cluster; free tier 1,000 nodes.
        let (_, _, msg) = one(&format!(
            "{MIN}cluster:\n  nodePools:\n  - name: a\n    count: 1001\n"
        ));
        assert!(msg.contains("must be between 0 and 1000"), "{msg}");
        assert_eq!(
            ok(&format!(
                "{MIN}cluster:\n  nodePools:\n  - name: a\n    count: 1000\n"
            ))
            .cluster
            .node_pools[0]
                .count,
            1000
        );
        let mut many = format!("{MIN}cluster:\n  nodePools:\n");
        for i in 0..101 {
            many.push_str(&format!("  - name: p{i}\n    count: 0\n"));
        }
        many = many.replacen("count: 0", "count: 1", 1);
        let (_, _, msg) = one(&many);
        assert!(
            msg.contains("Too many: 101: must have at most 100 items"),
            "{msg}"
        );
        let (_, _, msg) = one(&format!(
            "{MIN}cluster:\n  tier: free\n  nodePools:\n  - name: a\n    count: 600\n  - name: b\n    count: 401\n"
        ));
        assert!(
            msg.contains("Too many: 1001 nodes: a free tier cluster has at most 1000 nodes"),
            "{msg}"
        );
        // aks-nodes.md §5: only User pools scale to 0; at least one System pool.
        let (line, col, msg) = one(&format!(
            "{MIN}cluster:\n  nodePools:\n  - name: a\n    count: 0\n"
        ));
        assert_eq!((line, col), (6, 12));
        assert!(
            msg.contains("a System node pool needs at least 1 node"),
            "{msg}"
        );
        let (_, _, msg) = one(&format!(
            "{MIN}cluster:\n  nodePools:\n  - name: a\n    mode: User\n"
        ));
        assert!(
            msg.contains("at least one node pool must have mode System"),
            "{msg}"
        );
        let (_, _, msg) = one(&format!(
            "{MIN}cluster:\n  nodePools:\n  - name: a\n    mode: system\n"
        ));
        assert_eq!(
            msg,
            "cluster.nodePools[0].mode: Unsupported value: \"system\": supported values: \"System\", \"User\" (did you mean \"System\"?)"
        );
    }

    #[test]
    fn image_pull_settings_follow_kubelet_configuration_validation() {
        // KubeletConfiguration: serializeImagePulls defaults to true; maxParallelImagePulls
        // must be positive and may exceed 1 only with serializeImagePulls false
        // (pkg/kubelet/apis/config/validation).
        let pool = |extra: &str| format!("{MIN}cluster:\n  nodePools:\n  - name: a\n{extra}");
        let s = ok(&pool(""));
        assert_eq!(s.cluster.node_pools[0].parallel_image_pulls(), Some(1));
        let s = ok(&pool("    serializeImagePulls: false\n"));
        assert_eq!(s.cluster.node_pools[0].parallel_image_pulls(), None);
        let s = ok(&pool(
            "    serializeImagePulls: false\n    maxParallelImagePulls: 3\n",
        ));
        assert_eq!(s.cluster.node_pools[0].parallel_image_pulls(), Some(3));
        let s = ok(&pool("    maxParallelImagePulls: 1\n"));
        assert_eq!(s.cluster.node_pools[0].parallel_image_pulls(), Some(1));
        let got: Vec<String> = errs(&pool("    maxParallelImagePulls: 3\n"))
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(
            got,
            [
                "cluster.nodePools[0].maxParallelImagePulls: Invalid value: 3: must be 1 when serializeImagePulls is true"
            ]
        );
        let got: Vec<String> = errs(&pool(
            "    serializeImagePulls: false\n    maxParallelImagePulls: 0\n",
        ))
        .iter()
        .map(|p| p.to_string())
        .collect();
        assert_eq!(
            got,
            [
                "cluster.nodePools[0].maxParallelImagePulls: Invalid value: 0: must be a positive number"
            ]
        );
    }

    #[test]
    fn max_pods_and_zones_are_checked_as_aks_enforces_them() {
        // aks-nodes.md §3.4: maxPods 10–250, strictly enforced.
        for (v, good) in [("10", true), ("250", true), ("9", false), ("251", false)] {
            let src = format!("{MIN}cluster:\n  nodePools:\n  - name: a\n    maxPods: {v}\n");
            assert_eq!(load_str(Path::new(PATH), &src).is_ok(), good, "{v}");
        }
        let s = ok(&format!(
            "{MIN}cluster:\n  nodePools:\n  - name: a\n    zones: [\"1\", 3]\n"
        ));
        assert_eq!(s.cluster.node_pools[0].zones, vec![1, 3]);
        let got: Vec<String> = errs(&format!(
            "{MIN}cluster:\n  nodePools:\n  - name: a\n    zones: [1, 1, 4]\n"
        ))
        .iter()
        .map(|p| p.to_string())
        .collect();
        assert_eq!(
            got,
            vec![
                "cluster.nodePools[0].zones[1]: Duplicate value: 1",
                "cluster.nodePools[0].zones[2]: Unsupported value: \"4\": supported values: 1, 2, 3",
            ]
        );
    }

    #[test]
    fn tier_and_cluster_name_are_checked() {
        let (_, _, msg) = one(&format!("{MIN}cluster:\n  tier: gold\n"));
        assert_eq!(
            msg,
            "cluster.tier: Unsupported value: \"gold\": supported values: \"free\", \"premium\", \"standard\""
        );
        assert_eq!(
            ok(&format!("{MIN}cluster:\n  tier: premium\n"))
                .cluster
                .tier,
            Tier::Premium
        );
        for bad in ["-aks", "aks_", "a b"] {
            let (_, _, msg) = one(&format!("{MIN}cluster:\n  name: \"{bad}\"\n"));
            assert!(msg.starts_with("cluster.name: Invalid value"), "{msg}");
        }
        assert_eq!(
            ok(&format!("{MIN}cluster:\n  name: my_cluster-1\n"))
                .cluster
                .name,
            "my_cluster-1"
        );
    }

    #[test]
    fn taints_split_as_kubectl_taint_does() {
        // kubectl pkg/cmd/taint/utils_test.go TestParseTaints, "add new taints".
        let s = ok(&format!(
            "{MIN}cluster:\n  nodePools:\n  - name: a\n    taints: [\"foo=abc:NoSchedule\", \"baz:NoExecute\", \"foobar=:PreferNoSchedule\"]\n"
        ));
        let t: Vec<(&str, &str, TaintEffect)> = s.cluster.node_pools[0]
            .taints
            .iter()
            .map(|t| (t.key.as_str(), t.value.as_str(), t.effect))
            .collect();
        assert_eq!(
            t,
            vec![
                ("foo", "abc", TaintEffect::NoSchedule),
                ("baz", "", TaintEffect::NoExecute),
                ("foobar", "", TaintEffect::PreferNoSchedule),
            ]
        );
        // TestParseTaints error cases (those that fail on structure, not on key syntax).
        let cases = [
            // {"foo=abc=xyz:NoSchedule"}: invalid spec format
            (
                "foo=abc=xyz:NoSchedule",
                "invalid taint spec: foo=abc=xyz:NoSchedule",
            ),
            // {"foo=abc:xyz:NoSchedule"}: invalid spec format
            (
                "foo=abc:xyz:NoSchedule",
                "invalid taint spec: foo=abc:xyz:NoSchedule",
            ),
            // {"foo"}: invalid spec format for adding taint
            ("foo", "invalid taint spec: foo"),
            // {"foo=abc"}: invalid spec format
            ("foo=abc", "invalid taint spec: foo=abc"),
            // {"foo=abc:invalid_effect"}: invalid spec effect for adding taint
            (
                "foo=abc:invalid_effect",
                "invalid taint effect: invalid_effect, unsupported taint effect",
            ),
        ];
        for (spec, message) in cases {
            let (line, col, msg) = one(&format!(
                "{MIN}cluster:\n  nodePools:\n  - name: a\n    taints:\n    - \"{spec}\"\n"
            ));
            assert_eq!((line, col), (7, 7), "{spec}");
            assert_eq!(msg, format!("cluster.nodePools[0].taints[0]: {message}"));
        }
        let (_, _, msg) = one(&format!(
            "{MIN}cluster:\n  nodePools:\n  - name: a\n    taints: [\"k=1:NoSchedule\", \"k=2:NoSchedule\"]\n"
        ));
        assert_eq!(
            msg,
            "cluster.nodePools[0].taints[1]: duplicated taints with the same key and effect: k=2:NoSchedule"
        );
    }

    #[test]
    fn labels_are_kept_raw_with_their_positions() {
        let s = ok(&format!(
            "{MIN}cluster:\n  nodePools:\n  - name: a\n    labels:\n      tier: web\n      n: 1\n"
        ));
        let l: Vec<(&str, &str, u32)> = s.cluster.node_pools[0]
            .labels
            .iter()
            .map(|(k, v)| (k.value.as_str(), v.value.as_str(), k.span.line))
            .collect();
        assert_eq!(l, vec![("tier", "web", 7), ("n", "1", 8)]);
    }

    #[test]
    fn every_problem_in_a_file_is_reported_in_file_order() {
        let src = "name: Bad\nseed: x\nduration: 1y\ncluster:\n  tier: gold\nexpect:\n- at: 1m\n  that: cluster nodes == 1\n";
        let lines: Vec<u32> = errs(src).iter().map(|p| p.span.line).collect();
        assert_eq!(lines, vec![1, 2, 3, 5, 8]);
    }

    #[test]
    fn arbitrary_text_never_panics() {
        use proptest::prelude::*;
        proptest!(|(s in "[a-z:\\- \\n|>\"'\\[\\]{}0-9.#]{0,200}")| {
            let _ = load_str(Path::new(PATH), &s);
        });
        proptest!(|(s in "(name|duration|steps|expect|cluster|at|that|run|apply|nodePools|count|  |- |: |\\n|1m|x|\\|)*")| {
            let _ = load_str(Path::new(PATH), &s);
        });
    }

    #[test]
    fn a_bad_duration_gets_the_go_spelling_as_help() {
        // Go time/format.go unitMap: ns us µs ms s m h; no days, no spaces.
        let cases = [
            ("5 minutes", Some("5m")),
            ("1d", Some("24h")),
            ("2 days", Some("48h")),
            ("30 sec", Some("30s")),
            ("1.5 hours", Some("1.5h")),
            ("soon", None),
            ("5 fortnights", None),
        ];
        for (text, want) in cases {
            let got = duration_hint(text);
            match want {
                Some(w) => assert!(
                    got.as_deref()
                        .is_some_and(|g| g.starts_with(&format!("did you mean {w:?}?"))),
                    "{text}: {got:?}"
                ),
                None => assert_eq!(got, None, "{text}"),
            }
        }
    }
}
