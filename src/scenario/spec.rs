//! The checked scenario (docs/scenario.md, docs/commands.md): what `az aks create` would build, the steps typed
//! into terminals, and the expectations.
//!
//! These are the types [`super::load()`] produces after every check it owns has passed, with the
//! contract's defaults applied (one System pool `nodepool1` of 3 `Standard_DS2_v2` nodes, as
//! `az aks create` makes). Fields that other modules validate (quantities, CIDRs, the network
//! plugin, VM sizes, label and taint keys, command lines) stay raw text with their [`Span`], so
//! those checks can still point at the right line.

use std::path::PathBuf;

use crate::diag::Span;
use crate::manifest::tree::Node;

use super::expect::Expectation;

/// A value with the place in the scenario file it came from; defaults carry the span of the
/// mapping that omitted them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written (or, for a default, where it would have been).
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Pairs a value with its span.
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// The scenario file's path and text, kept so diagnostics found later (commands, inline
/// manifests, quantities) can still quote the offending line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// The path as given on the command line (never printed into outputs: docs/outputs.md).
    pub path: PathBuf,
    /// The whole text.
    pub text: String,
}

/// One scenario: the cluster, the steps and the expectations (docs/scenario.md).
#[derive(Clone, Debug)]
pub struct Scenario {
    /// `[a-z0-9-]+`; names the output folder and summary.json's `scenario`.
    pub name: String,
    /// Free text, for people.
    pub description: Option<String>,
    /// The master seed (default 1); `--seed N` overrides it.
    pub seed: u64,
    /// How long virtual time runs, in µs (> 0, at most 30 days).
    pub duration_us: u64,
    /// The wall-clock instant of t=0 in Unix seconds, used only where kubectl prints absolute
    /// times.
    pub start_time_unix: Option<i64>,
    /// The AKS cluster at t=0.
    pub cluster: ClusterSpec,
    /// `images:`: how declared images pull and behave; an image not listed serves forever
    /// (docs/scenario.md `images:`).
    pub images: crate::model::image::ImageCatalog,
    /// `timing:` as written; checked against the distribution names by `sim::timing`.
    pub timing: Option<Node>,
    /// Steps in file order (steps with the same `at` start in this order: docs/commands.md).
    pub steps: Vec<Step>,
    /// Expectations in file order.
    pub expect: Vec<Expectation>,
    /// The file, for rendering diagnostics found after loading.
    pub source: SourceFile,
}

/// AKS pricing tier (`az aks create --tier`); it bounds the cluster's node count (facts D.8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    /// No SLA; up to 1,000 nodes.
    Free,
    /// Uptime SLA; up to 5,000 nodes. AKS's and kubesim's default.
    Standard,
    /// Standard plus long-term support.
    Premium,
}

impl Tier {
    /// Every tier, in the order messages list them.
    pub const ALL: [Tier; 3] = [Tier::Free, Tier::Premium, Tier::Standard];

    /// The spelling in the scenario file.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Free => "free",
            Tier::Standard => "standard",
            Tier::Premium => "premium",
        }
    }

    /// Most nodes a cluster of this tier may have across all pools (facts D.8:
    /// `free-standard-pricing-tiers.md`).
    pub fn max_nodes(self) -> u64 {
        match self {
            Tier::Free => 1_000,
            Tier::Standard | Tier::Premium => 5_000,
        }
    }
}

/// What `az aks create` is told about the cluster (docs/scenario.md `cluster:`).
#[derive(Clone, Debug)]
pub struct ClusterSpec {
    /// The AKS resource name (default `kubesim`); node names hash it (docs/scenario.md#names).
    pub name: String,
    /// Azure region (default `eastus`), for region and zone labels.
    pub location: String,
    /// Pricing tier (default standard).
    pub tier: Tier,
    /// `MAJOR.MINOR` or `MAJOR.MINOR.PATCH` exactly as written (default `1.35`); never read
    /// through a float, so `1.30` stays `1.30`.
    pub kubernetes_version: String,
    /// `kubenet | azure`, raw; `None` means AKS's default (Azure CNI Overlay). Checked by
    /// `network::config`.
    pub network_plugin: Option<Spanned<String>>,
    /// `overlay`, raw; checked by `network::config`.
    pub network_plugin_mode: Option<Spanned<String>>,
    /// Raw CIDR text, checked by `network::config`.
    pub pod_cidr: Option<Spanned<String>>,
    /// Raw CIDR text, checked by `network::config`.
    pub service_cidr: Option<Spanned<String>>,
    /// Raw IP text, checked by `network::config`.
    pub dns_service_ip: Option<Spanned<String>>,
    /// Raw CIDR text, checked by `network::config`.
    pub vnet_subnet_cidr: Option<Spanned<String>>,
    /// Whether AKS's kube-system pods run (docs/scenario.md#the-cluster-at-t0); default true.
    pub system_pods: bool,
    /// At least one pool; at least one of them System.
    pub node_pools: Vec<NodePoolSpec>,
    /// The managed control plane's replicas (`cluster.controlPlane`).
    pub control_plane: ControlPlaneSpec,
}

/// How many API servers and etcd members the control plane runs. AKS manages both and does
/// not let a user choose; the key exists so that scenarios can teach quorum and HA
/// (docs/scenario.md#the-control-plane).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ControlPlaneSpec {
    /// kube-apiserver replicas behind the cluster's load balancer (default 1).
    pub api_servers: u32,
    /// etcd members, odd, 1 to 7 (default 3).
    pub etcd_members: u32,
    /// kube-apiserver's `--max-requests-inflight` (default 400).
    pub max_requests_inflight: u32,
    /// kube-apiserver's `--max-mutating-requests-inflight` (default 200).
    pub max_mutating_requests_inflight: u32,
    /// kube-controller-manager's `--kube-api-qps` (default 20).
    pub controller_manager_qps: u32,
    /// kube-controller-manager's `--kube-api-burst` (default 30).
    pub controller_manager_burst: u32,
    /// kube-scheduler's `clientConnection.qps` (default 50): its bindings' client-side rate.
    pub scheduler_qps: u32,
    /// kube-scheduler's `clientConnection.burst` (default 100).
    pub scheduler_burst: u32,
}

impl Default for ControlPlaneSpec {
    fn default() -> Self {
        ControlPlaneSpec {
            api_servers: 1,
            etcd_members: 3,
            max_requests_inflight: 400,
            max_mutating_requests_inflight: 200,
            controller_manager_qps: 20,
            controller_manager_burst: 30,
            scheduler_qps: 50,
            scheduler_burst: 100,
        }
    }
}

impl ClusterSpec {
    /// `(major, minor)` of [`ClusterSpec::kubernetes_version`], which the loader has checked;
    /// node allocatable depends on it (aks-nodes.md §1).
    pub fn kubernetes_minor(&self) -> (u32, u32) {
        super::load::parse_kubernetes_version(&self.kubernetes_version).unwrap_or((1, 35))
    }
}

/// AKS node pool mode (aks-nodes.md §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PoolMode {
    /// Hosts AKS's system pods; the first pool's default; needs at least one node.
    System,
    /// Application pools; may scale to 0.
    User,
}

impl PoolMode {
    /// The spelling in the scenario file and in the `kubernetes.azure.com/mode` label
    /// (lower-cased there).
    pub fn as_str(self) -> &'static str {
        match self {
            PoolMode::System => "System",
            PoolMode::User => "User",
        }
    }
}

/// One VMSS node pool (docs/scenario.md `nodePools[]`).
#[derive(Clone, Debug)]
pub struct NodePoolSpec {
    /// `[a-z][a-z0-9]{0,11}`, unique in the cluster.
    pub name: String,
    /// System or User.
    pub mode: PoolMode,
    /// Nodes at t=0 (0..=1000; at least 1 for a System pool).
    pub count: u32,
    /// Where `count` is written; `None` when the default applies.
    pub count_span: Option<Span>,
    /// VM size name, raw (default `Standard_DS2_v2`); checked against the `aks` size table.
    pub vm_size: Spanned<String>,
    /// CPU capacity override, raw Kubernetes quantity; checked by `model::quantity`.
    pub cpu: Option<Spanned<String>>,
    /// Memory capacity override, raw Kubernetes quantity; checked by `model::quantity`.
    pub memory: Option<Spanned<String>>,
    /// Pods per node (10..=250 as AKS enforces); `None` means the network plugin's default.
    pub max_pods: Option<Spanned<u32>>,
    /// Availability zones (1, 2 or 3), distinct.
    pub zones: Vec<u32>,
    /// Node labels `key: value` in file order; keys and values are raw and are checked by
    /// `model::labels` (qualified name, label value).
    pub labels: Vec<(Spanned<String>, Spanned<String>)>,
    /// Node taints in file order.
    pub taints: Vec<Taint>,
    /// The kubelets' `serializeImagePulls` (default true, as AKS runs them).
    pub serialize_image_pulls: bool,
    /// The kubelets' `maxParallelImagePulls` (only with `serializeImagePulls: false`;
    /// `None` there means no limit).
    pub max_parallel_image_pulls: Option<u32>,
}

impl NodePoolSpec {
    /// How many image pulls one of the pool's kubelets runs at once (`None`: no limit),
    /// as pkg/kubelet/images `NewImageManager` picks its puller: serial, or parallel up to
    /// `maxParallelImagePulls`.
    pub fn parallel_image_pulls(&self) -> Option<u32> {
        if self.serialize_image_pulls {
            Some(1)
        } else {
            self.max_parallel_image_pulls
        }
    }
}

/// The effect of a taint (core/v1 `TaintEffect`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TaintEffect {
    /// Pods that do not tolerate it are not scheduled.
    NoSchedule,
    /// The scheduler tries to avoid the node.
    PreferNoSchedule,
    /// Running pods that do not tolerate it are evicted.
    NoExecute,
}

impl TaintEffect {
    /// Every effect, in the order kubectl lists them.
    pub const ALL: [TaintEffect; 3] = [
        TaintEffect::NoSchedule,
        TaintEffect::PreferNoSchedule,
        TaintEffect::NoExecute,
    ];

    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TaintEffect::NoSchedule => "NoSchedule",
            TaintEffect::PreferNoSchedule => "PreferNoSchedule",
            TaintEffect::NoExecute => "NoExecute",
        }
    }
}

/// A node taint from `key=value:Effect` or `key:Effect`. Key and value are split but not yet
/// validated as a qualified name / label value (`model::labels` does that, with `span`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taint {
    /// The key, raw.
    pub key: String,
    /// The value, raw; empty for `key:Effect`.
    pub value: String,
    /// The effect.
    pub effect: TaintEffect,
    /// The taint string in the scenario file.
    pub span: Span,
}

/// One step (docs/commands.md): a command typed into a terminal of its own at `at`.
#[derive(Clone, Debug)]
pub struct Step {
    /// Position in `steps:` (0-based), as summary.json reports it.
    pub index: usize,
    /// When it starts, in µs (< the scenario's duration).
    pub at_us: u64,
    /// Optional `[a-z0-9-]+` name, unique among steps.
    pub id: Option<String>,
    /// What it runs.
    pub action: StepAction,
    /// Ctrl-C after this long, in µs (> 0).
    pub stop_after_us: Option<u64>,
    /// The step's entry in `steps:`.
    pub span: Span,
}

/// The command of a step.
#[derive(Clone, Debug)]
pub enum StepAction {
    /// `run:` — one kubectl command line, raw; split and checked by `kubectl`.
    Run {
        /// The line as written.
        line: String,
        /// Where it was written.
        span: Span,
    },
    /// `apply: |` — `kubectl apply -f -` with this text on stdin.
    Apply {
        /// The manifests, as YAML hands them over (block indentation removed).
        text: String,
        /// The scalar in the scenario file.
        span: Span,
        /// Maps positions in `text` back to the scenario file.
        map: InlineMap,
    },
}

impl StepAction {
    /// The command as the transcript prints it (`kubectl apply -f -` for inline manifests;
    /// docs/outputs.md).
    pub fn command(&self) -> &str {
        match self {
            StepAction::Run { line, .. } => line,
            StepAction::Apply { .. } => "kubectl apply -f -",
        }
    }
}

/// Where each line of an inline manifest sits in the scenario file, so a problem found in the
/// manifest text (line L, column C) is reported at the scenario's line and column (docs/outputs.md).
///
/// A literal block scalar (`apply: |`) keeps its lines verbatim after removing the block's
/// indentation, so the mapping is exact. Any other scalar style (quoted, folded) joins or
/// unescapes lines; positions then map to the scalar's start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlineMap {
    /// Per inline line (index L-1): the byte offset in the scenario text where its content
    /// starts, its scenario line, and the indentation removed, in characters.
    lines: Vec<InlineLine>,
    /// Byte offset in the inline text where each line starts.
    text_line_starts: Vec<usize>,
    /// The scalar's span, for positions that cannot be mapped exactly.
    fallback: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct InlineLine {
    offset: usize,
    line: u32,
    indent: u32,
}

impl InlineMap {
    /// Builds the map for a scalar whose value is `text` and whose span (as the YAML reader
    /// gives it: for a block scalar, the first character of its first non-blank line) is
    /// `span` in `source`.
    pub(crate) fn new(source: &str, span: Span, text: &str) -> Self {
        let text_line_starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let mut lines = Vec::new();
        if let Some((mut start, mut line)) = literal_block_start(source, span) {
            for text_line in text.split('\n') {
                let Some(rest) = source.get(start..).filter(|r| !r.is_empty()) else {
                    break;
                };
                let len = rest.find('\n').unwrap_or(rest.len());
                let src_line = rest.get(..len).unwrap_or("");
                let src_line = src_line.strip_suffix('\r').unwrap_or(src_line);
                // A literal line is the source line minus the block's indentation.
                let indent_bytes = src_line.len().saturating_sub(text_line.len());
                let indent = src_line
                    .get(..indent_bytes)
                    .map_or(0, |s| s.chars().count());
                lines.push(InlineLine {
                    offset: start + indent_bytes,
                    line,
                    indent: u32::try_from(indent).unwrap_or(u32::MAX),
                });
                start += len + 1;
                line = line.saturating_add(1);
            }
        }
        InlineMap {
            lines,
            text_line_starts,
            fallback: span,
        }
    }

    /// The scenario-file span of a span in the inline text (1-based line and column as
    /// [`Span`] has them).
    pub fn to_scenario(&self, inline: Span) -> Span {
        let idx = (inline.line as usize).saturating_sub(1);
        match (self.lines.get(idx), self.text_line_starts.get(idx)) {
            (Some(l), Some(&line_start)) => Span {
                offset: l.offset + inline.offset.saturating_sub(line_start),
                len: inline.len,
                line: l.line,
                col: inline.col.saturating_add(l.indent),
            },
            _ => self.fallback,
        }
    }

    /// The scenario line of inline line `line` (1-based); the scalar's line when unmappable.
    pub fn scenario_line(&self, line: u32) -> u32 {
        self.lines
            .get((line as usize).saturating_sub(1))
            .map_or(self.fallback.line, |l| l.line)
    }
}

/// For a literal block scalar (`|`, `|-`, `|+`, `|2`) whose content's first non-blank line
/// starts at `span`: the byte offset and line of the line after the `|` header, where the
/// content starts. `None` for any other scalar style.
fn literal_block_start(source: &str, span: Span) -> Option<(usize, u32)> {
    let mut line_start = source.get(..span.offset)?.rfind('\n').map_or(0, |i| i + 1);
    let mut line = span.line;
    loop {
        // The line above `line_start`.
        let prev_end = line_start.checked_sub(1)?;
        let prev_start = source.get(..prev_end)?.rfind('\n').map_or(0, |i| i + 1);
        let prev = source.get(prev_start..prev_end)?;
        if prev.trim().is_empty() {
            // A leading blank line of the content.
            line_start = prev_start;
            line = line.checked_sub(1)?;
            continue;
        }
        let header = prev.split(" #").next().unwrap_or(prev).trim_end();
        let indicator = header.rsplit([' ', '\t']).next().unwrap_or(header);
        let literal = indicator.strip_prefix('|').is_some_and(|rest| {
            rest.len() <= 2 && rest.chars().all(|c| matches!(c, '-' | '+' | '1'..='9'))
        });
        return literal.then_some((line_start, line));
    }
}
