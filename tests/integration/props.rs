//! Never crash (issue 3, "Never crash"): property tests over every reader of user input.
//!
//! kubectl and the API server answer any input with a result or an error; so must kubesim
//! (CONTRACT §3: "A panic is always a bug"). Each target below gets arbitrary text (random
//! bytes read the lossy UTF-8 way, and random Unicode) and, more usefully, *nearly valid*
//! input: mutations of the AKS chapter's seed manifests (`../shared/corpus/seed-examples`,
//! copied below verbatim so the tests run from a fresh clone), of `scenarios/quickstart.yaml`
//! and of the bundled manifests, and structured generators that assemble YAML, manifests,
//! command lines, selectors, quantities, durations, CIDRs and whole scenarios from Kubernetes'
//! and the scenario format's own vocabulary. The property is the same everywhere: a result or
//! an error, never
//! - a panic (proptest catches it, shrinks the input and persists it),
//! - a hang (a case running past [`CASE_TIMEOUT_MS`] is killed; one that finishes but takes
//!   longer than [`CASE_LIMIT`] fails too), or
//! - a stack overflow.
//!
//! Each target runs in a child process (`ProptestConfig::fork` and `timeout`, proptest's
//! `fork`/`timeout` features, on by default), so a stack overflow or a hang becomes a failing
//! case that proptest shrinks and persists like a panic, rather than a dead test binary.
//!
//! Targets: `scenario::load_str`; `manifest::read_manifests` then `extract::extract` on every
//! document it returns; `kubectl::words::split` then `kubectl::command::parse` (or
//! `aks::az::parse` for `az` lines);
//! `model::quantity::Quantity::parse`; `model::duration::{parse_nanos, parse_micros}`;
//! `network::NetworkConfig::resolve`; `model::labels::Selector::parse`; and the whole
//! preparation stage (`cli::prepare::prepare` on a loaded scenario, with inline manifests and
//! `-f` files), including rendering every problem (`diag::render`, `BadInput::render`). The
//! small per-module proptests (`grep -rn 'proptest!' src`) cover short random text; these
//! suites add the structured and mutated inputs and do not repeat them.
//!
//! The YAML reader's limits (`manifest::yaml::Limits`: depth 100, 3 MiB, 100,000
//! alias-expanded nodes) are checked by plain tests through every entry point: the manifest
//! reader, the scenario loader (`load_str` and `load`), an inline `apply: |` manifest and a
//! `-f` file through `prepare`; and by a property whose inputs are built to exhaust a reader
//! (deep nesting, alias chains, nested anchors, wide mappings with repeated keys).
//!
//! ## Determinism
//! proptest 1.x seeds each `TestRunner` from its config: `TestRunner::new(config)` (what
//! `proptest!` calls) builds its RNG with `TestRng::default_rng(config.rng_seed,
//! config.rng_algorithm)`. The default seed, `RngSeed::Random`, comes from the OS (or from
//! `PROPTEST_RNG_SEED`); [`config`] sets `rng_seed: RngSeed::Fixed(SEED)` and
//! `rng_algorithm: RngAlgorithm::ChaCha`, so every run of every target generates the same
//! cases on every machine. (The long-hand equivalent is `TestRunner::new_with_rng(config,
//! TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes))`; `TestRng::deterministic_rng`
//! also works but gives every target the same fixed stream.) `proptest!` sets the config's
//! `source_file`, so with the default `FileFailurePersistence::SourceParallel
//! ("proptest-regressions")` a failure is saved to `proptest-regressions/integration/props.txt`
//! (next to `tests/`, whose `main.rs` marks the source root) and replayed before new cases.
//!
//! ## Case counts
//! CI runs [`CI_CASES`] cases per target ([`HOSTILE_CI_CASES`] for the large hostile
//! inputs); the module takes under 20 s in a debug build on 2 cores. A campaign:
//! `PROPTEST_CASES=200000 cargo test --release --test main props::the_ props::preparation`
//! (about 4 minutes), and `PROPTEST_CASES=20000 … props::every_entry_point` for the hostile
//! inputs; `PROPTEST_RNG_SEED=N` picks another seed.

use super::support::root;
use kubesim::cli::prepare::prepare;
use kubesim::diag::{Problem, render};
use kubesim::kubectl::{command, words};
use kubesim::manifest::extract::{extract, generate_name, invalid_message};
use kubesim::manifest::read_manifests;
use kubesim::model::labels::{Labels, Selector};
use kubesim::model::quantity::Quantity;
use kubesim::network::NetworkConfig;
use kubesim::scenario::load_str;
use kubesim::sim::duration::{parse_micros, parse_nanos};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::{FileFailurePersistence, RngAlgorithm, RngSeed, TestCaseError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The fixed seed of every target (any value; changing it changes every generated case).
const SEED: u64 = 0x6b75_6265_7369_6d33;

/// Cases per target in CI; `PROPTEST_CASES` overrides it for a campaign.
const CI_CASES: u32 = 1024;

/// Cases in CI for the target whose inputs are built to be large (up to ~300 KB, read three
/// times each): about 0.1 s a case in a debug build.
const HOSTILE_CI_CASES: u32 = 48;

/// The longest one case may take before its process is killed and the case counts as a hang.
/// Generated inputs are at most a few hundred kilobytes, which every reader handles in well
/// under a second even in a debug build.
const CASE_TIMEOUT_MS: u32 = 20_000;

/// A slow case that still finishes fails too, with its time: [`CASE_TIMEOUT_MS`] only
/// catches the ones that never would.
const CASE_LIMIT: Duration = Duration::from_secs(10);

/// The config of every target: fixed seed, ChaCha, bounded cases, failures persisted.
fn config(cases: u32) -> ProptestConfig {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    ProptestConfig {
        cases: env("PROPTEST_CASES").map_or(cases, |c| u32::try_from(c).unwrap_or(u32::MAX)),
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(env("PROPTEST_RNG_SEED").unwrap_or(SEED)),
        failure_persistence: Some(Box::new(FileFailurePersistence::SourceParallel(
            "proptest-regressions",
        ))),
        // Each target runs in a child process (rusty-fork), so a stack overflow or a case
        // running past `timeout` is a failing case to shrink and persist like a panic,
        // instead of an aborted or hung test binary.
        fork: true,
        timeout: CASE_TIMEOUT_MS,
        // Shrinking a slow case must not itself take forever.
        max_shrink_time: 120_000,
        ..ProptestConfig::default()
    }
}

/// Runs `f`, failing the case if it takes longer than [`CASE_LIMIT`].
fn timed<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, TestCaseError> {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    if took > CASE_LIMIT {
        return Err(TestCaseError::fail(format!("{what} took {took:?}")));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// The code under test, driven end to end.

/// Where generated scenarios claim to live: `scenarios/`, so `-f manifests/…` names the
/// bundled manifests.
fn scenario_path() -> PathBuf {
    root().join("scenarios").join("props.yaml")
}

/// Reads a manifest stream, extracts every clean document, renders every problem.
fn check_manifests(src: &str) {
    let (docs, problems) = read_manifests(src);
    for d in &docs {
        let _ = generate_name(d);
        if let Err(ps) = extract(d) {
            let _ = invalid_message(d.info.kind, d.name.as_deref().unwrap_or_default(), &ps);
            let _ = render("m.yaml", src, &ps);
        }
    }
    let _ = render("m.yaml", src, &problems);
}

/// Loads a scenario and, when it loads, prepares it; renders whatever is wrong.
fn check_scenario(src: &str) {
    match load_str(&scenario_path(), src) {
        Ok(s) => {
            if let Err(bad) = prepare(s) {
                let _ = bad.render();
            }
        }
        Err(problems) => {
            let _ = render("props.yaml", src, &problems);
        }
    }
}

/// Splits a `run:` line and parses the words as kubectl would, or as az would for a line
/// that starts with `az`.
fn check_command(line: &str) {
    if let Ok(words) = words::split(line) {
        if words.first().is_some_and(|w| w == "az") {
            let _ = kubesim::aks::az::parse(&words);
        } else {
            let _ = command::parse(&words).map_err(|e| e.to_string());
        }
    }
}

// ---------------------------------------------------------------------------------------
// Vocabulary.

/// Pieces of YAML syntax, including the ones that stress a reader (anchors, merge keys,
/// tags, block scalar headers, directives, BOM, NUL, Unicode line separators).
const YAML_TOKENS: &[&str] = &[
    ": ",
    "- ",
    "-",
    ":",
    "{",
    "}",
    "[",
    "]",
    ",",
    "? ",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "<<: *a",
    "<<: ",
    "!!str ",
    "!!int ",
    "!!float ",
    "!!bool ",
    "!!null ",
    "!!map ",
    "!!seq ",
    "!!binary ",
    "!foo ",
    "!<tag:yaml.org,2002:str> ",
    "|",
    "|-",
    "|+",
    ">",
    ">-",
    "|2",
    "|9",
    "\"",
    "'",
    "#",
    "\n",
    "\t",
    "  ",
    "    ",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
    "%TAG !e! tag:x,2000:\n",
    "\\",
    "\r\n",
    "\r",
    "\u{feff}",
    "é",
    "😀",
    "\u{0}",
    "\u{85}",
    "\u{2028}",
    "\u{7f}",
    "\"\\u0000\"",
    "\"\\x\"",
    "'it''s'",
];

/// Scalars at the edges of what Kubernetes accepts: number limits, YAML 1.1 spellings,
/// quantities, durations, CIDRs, selectors, names.
const SCALARS: &[&str] = &[
    "",
    "~",
    "null",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "true",
    "0",
    "-0",
    "-1",
    "+1",
    "1",
    "3",
    "6",
    "1.5",
    "1e400",
    "-1e400",
    ".nan",
    ".inf",
    "-.inf",
    "0x7fffffffffffffff",
    "0x8000000000000000",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999999999",
    "0777",
    "0o9",
    "0b102",
    "1_000",
    "2147483647",
    "2147483648",
    "-2147483648",
    "-2147483649",
    "4294967296",
    "65535",
    "65536",
    "30000",
    "32767",
    "100m",
    "0.5",
    "1Gi",
    "1G",
    "1GB",
    "2 cores",
    "9Ei",
    "9999999999999Ei",
    "1e18",
    "1e-18",
    "0.000000001",
    "1.5h",
    "1d",
    "5 minutes",
    "-1s",
    "0s",
    "1ns",
    "1us",
    "1µs",
    "720h",
    "720h0m0.000001s",
    "2562047h47m16.854775807s",
    "2562048h",
    "10.0.0.0/8",
    "10.0.0.0/33",
    "10.0.0.0/16",
    "10.0.0.10",
    "10.244.0.0/16",
    "0.0.0.0/0",
    "::/0",
    "fd00::/8",
    "255.255.255.255",
    "256.1.1.1",
    "01.2.3.4",
    "a=b",
    "a in (b)",
    "!a",
    "a,b",
    "x/y",
    "web",
    "nginx",
    "nginx:1.25",
    "default",
    "kube-system",
    "Pod",
    "Deployment",
    "Service",
    "TCP",
    "UDP",
    "SCTP",
    "HTTP",
    "LoadBalancer",
    "ClusterIP",
    "NodePort",
    "ExternalName",
    "None",
    "Never",
    "Always",
    "OnFailure",
    "RollingUpdate",
    "Recreate",
    "In",
    "NotIn",
    "Exists",
    "DoesNotExist",
    "NoSchedule",
    "NoExecute",
    "Equal",
    "A_B",
    "-web",
    "web-",
    "a.b",
    "UPPER",
    "kubernetes.io/role",
    "a/b/c",
    "/a",
    "é",
    "25%",
    "101%",
    "-5%",
    "%",
    "system",
    "user",
    "System",
    "User",
    "kubenet",
    "azure",
    "overlay",
    "free",
    "standard",
    "premium",
    "Standard_DS2_v2",
    "Standard_B2s",
    "Standard_Nope",
    "1.35",
    "1.9",
    "1.100",
];

/// Kubernetes field names (known and unknown to the schemas).
const K8S_KEYS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "name",
    "namespace",
    "labels",
    "annotations",
    "generateName",
    "ownerReferences",
    "finalizers",
    "uid",
    "spec",
    "status",
    "replicas",
    "selector",
    "matchLabels",
    "matchExpressions",
    "key",
    "operator",
    "values",
    "template",
    "containers",
    "initContainers",
    "image",
    "ports",
    "containerPort",
    "hostPort",
    "protocol",
    "resources",
    "requests",
    "limits",
    "cpu",
    "memory",
    "ephemeral-storage",
    "nodeSelector",
    "nodeName",
    "tolerations",
    "effect",
    "tolerationSeconds",
    "type",
    "clusterIP",
    "clusterIPs",
    "port",
    "targetPort",
    "nodePort",
    "externalTrafficPolicy",
    "loadBalancerIP",
    "ipFamilies",
    "ipFamilyPolicy",
    "sessionAffinity",
    "strategy",
    "rollingUpdate",
    "maxSurge",
    "maxUnavailable",
    "minReadySeconds",
    "progressDeadlineSeconds",
    "revisionHistoryLimit",
    "paused",
    "restartPolicy",
    "hostNetwork",
    "terminationGracePeriodSeconds",
    "priority",
    "priorityClassName",
    "schedulerName",
    "affinity",
    "env",
    "value",
    "command",
    "args",
    "readinessProbe",
    "livenessProbe",
    "httpGet",
    "path",
    "volumes",
    "volumeMounts",
    "data",
    "stringData",
    "binaryData",
    "items",
    "immutable",
    "replicaz",
    "contianers",
    "<<",
    "",
    "1",
    "true",
];

/// The bundled scenario and manifests.
const QUICKSTART: &str = include_str!("../../scenarios/quickstart.yaml");
const NGINX_POD_BUNDLED: &str = include_str!("../../scenarios/manifests/nginx-pod.yaml");
const NGINX_DEPLOYMENT_BUNDLED: &str =
    include_str!("../../scenarios/manifests/nginx-deployment-and-services.yaml");

/// `pod.yaml`, verbatim.
const POD: &str = r#"---
apiVersion: v1
kind: Pod
metadata:
  name: tappdeployment
  labels:
    appname: tapp
    ostype: linux
spec:
  containers:
  - name: mynewcontainer
    image: "tacracr.azurecr.io/tapp:latest"
    ports:
    - containerPort: 80
      protocol: TCP
      name: http
"#;

/// `service-loadbalancer.yaml`, verbatim.
const SERVICE_LOADBALANCER: &str = r#"apiVersion: v1
kind: Service
metadata:
  name: tappservice
  labels:
    appname: tapp
    ostype: linux
spec:
  type: LoadBalancer
  selector:
    appname: myappnew
  ports:
  - name: http
    port: 8080
    targetPort: 80
    protocol: TCP
"#;

/// `deployment-rolling.yaml`, verbatim.
const DEPLOYMENT_ROLLING: &str = r#"---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: tappdeployment
  labels:
    appname: tapp
    ostype: linux
spec:
  replicas: 3
  selector:
    matchLabels:
      appname: myappnew
  strategy:
    type: RollingUpdate
    rollingUpdate:
       maxSurge: 1
       maxUnavailable: 1
  template:
    metadata:
      name: mypod
      labels:
        appname: myappnew
    spec:
      containers:
      - name: mynewcontainer
        image: "tacracr.azurecr.io/tapp:latest"
        ports:
        - containerPort: 80
          protocol: TCP
          name: http
"#;

/// `replicaset.yaml`, verbatim.
const REPLICASET: &str = r#"---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: tappdeployment
  labels:
    appname: tapp
    ostype: linux
spec:
  replicas: 3
  selector:
    matchLabels:
      appname: myappnew
  template:
    metadata:
      name: mypod
      labels:
        appname: myappnew
    spec:
      containers:
      - name: mynewcontainer
        image: "tacracr.azurecr.io/tapp:latest"
        ports:
        - containerPort: 80
          protocol: TCP
          name: http
"#;

/// `nginx-pod.yaml`, verbatim.
const NGINX_POD: &str = r#"apiVersion: v1
kind: Pod
metadata:
  name: webserver-2
  labels:
    appname: nginx
    ostype: linux
spec:
  containers:
  - name: wenserver-2-container
    image: nginx
    ports:
    - containerPort: 80
      protocol: TCP
      name: http
"#;

/// `nginx-deployment-and-services.yaml`, verbatim.
const NGINX_DEPLOYMENT_AND_SERVICES: &str = r#"#Creating a deployment that runs six replicas of nginx
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-server
spec:
  replicas: 6
  selector:
    matchLabels:
      app: nginx-server
  template:
    metadata:
      labels:
        app: nginx-server
    spec:
      containers:
      - name: nginx-server
        image: nginx
        ports:
        - containerPort: 80
          name: http
---
#Creating Service
apiVersion: v1
kind: Service
metadata:
  name: nginx-service
spec:
  ports:
  - port: 80
  selector:
    app: nginx-server
---
apiVersion: v1
kind: Service
metadata:
  name: nginx-lb
spec:
  type: LoadBalancer
  ports:
  - port: 80
  selector:
    app: nginx-server
"#;

/// `virtual-node-pod-fragment.yaml`, verbatim.
const VIRTUAL_NODE_POD_FRAGMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: aci-helloworld
spec:
  replicas: 2
  selector:
    matchLabels:
      app: aci-helloworld
  template:
    metadata:
      labels:
        app: aci-helloworld
    spec:
      containers:
      - name: aci-helloworld
        image: mcr.microsoft.com/azuredocs/aci-helloworld
        ports:
        - containerPort: 80
      nodeSelector:
        kubernetes.io/role: agent
        beta.kubernetes.io/os: linux
        type: virtual-kubelet
      tolerations:
      - key: virtual-kubelet.io/provider
        operator: Exists
      - key: azure.com/aci
        effect: NoSchedule
"#;

const SEED_EXAMPLES: &[&str] = &[
    POD,
    SERVICE_LOADBALANCER,
    DEPLOYMENT_ROLLING,
    REPLICASET,
    NGINX_POD,
    NGINX_DEPLOYMENT_AND_SERVICES,
    VIRTUAL_NODE_POD_FRAGMENT,
];

// ---------------------------------------------------------------------------------------
// Structured YAML.

/// A YAML value to render; containers carry whether they are written in flow style.
#[derive(Clone, Debug)]
enum Y {
    Scalar(String, Quote),
    Seq(Vec<Y>, bool),
    Map(Vec<(String, Y)>, bool),
}

/// How a scalar is written.
#[derive(Clone, Copy, Debug)]
enum Quote {
    Plain,
    Single,
    Double,
}

fn scalar_text() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(SCALARS).prop_map(str::to_string),
        2 => "[a-z0-9][a-z0-9.-]{0,20}",
        1 => "\\PC{0,12}",
        1 => (select(SCALARS), 1..400usize).prop_map(|(s, n)| s.repeat(n.min(4000 / (s.len() + 1)))),
    ]
}

fn quote() -> impl Strategy<Value = Quote> {
    prop_oneof![6 => Just(Quote::Plain), 1 => Just(Quote::Single), 2 => Just(Quote::Double)]
}

fn yaml_tree(keys: &'static [&'static str]) -> impl Strategy<Value = Y> {
    let leaf = (scalar_text(), quote()).prop_map(|(s, q)| Y::Scalar(s, q));
    leaf.prop_recursive(6, 48, 6, move |inner| {
        prop_oneof![
            (
                prop::collection::vec(inner.clone(), 0..5),
                prop::bool::weighted(0.2)
            )
                .prop_map(|(v, f)| Y::Seq(v, f)),
            (
                prop::collection::vec((select(keys).prop_map(str::to_string), inner), 0..6),
                prop::bool::weighted(0.2)
            )
                .prop_map(|(mut v, f)| {
                    // Duplicate keys come from the mutations; generated maps have none.
                    let mut seen = std::collections::BTreeSet::new();
                    v.retain(|(k, _)| seen.insert(k.clone()));
                    Y::Map(v, f)
                }),
        ]
    })
}

fn render_scalar(s: &str, q: Quote) -> String {
    match q {
        Quote::Plain => s.to_string(),
        Quote::Single => format!("'{}'", s.replace('\'', "''")),
        Quote::Double => serde_json::to_string(s).unwrap_or_default(),
    }
}

fn render_flow(y: &Y) -> String {
    match y {
        Y::Scalar(s, q) => render_scalar(s, *q),
        Y::Seq(items, _) => format!(
            "[{}]",
            items.iter().map(render_flow).collect::<Vec<_>>().join(", ")
        ),
        Y::Map(entries, _) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| format!("{k}: {}", render_flow(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// `key: value` at `indent`, the value in block style unless it is a scalar, empty or flow.
fn render_entry(key: &str, y: &Y, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match y {
        Y::Seq(v, false) | Y::Seq(v, true) if v.is_empty() => {
            out.push_str(&format!("{pad}{key}: []\n"))
        }
        Y::Map(v, false) | Y::Map(v, true) if v.is_empty() => {
            out.push_str(&format!("{pad}{key}: {{}}\n"))
        }
        Y::Seq(_, false) | Y::Map(_, false) => {
            out.push_str(&format!("{pad}{key}:\n"));
            render_block(y, indent + 2, out);
        }
        _ => out.push_str(&format!("{pad}{key}: {}\n", render_flow(y))),
    }
}

fn render_block(y: &Y, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match y {
        Y::Map(entries, false) if !entries.is_empty() => {
            for (k, v) in entries {
                render_entry(k, v, indent, out);
            }
        }
        Y::Seq(items, false) if !items.is_empty() => {
            for item in items {
                match item {
                    Y::Seq(_, false) | Y::Map(_, false) => {
                        out.push_str(&format!("{pad}-\n"));
                        render_block(item, indent + 2, out);
                    }
                    _ => out.push_str(&format!("{pad}- {}\n", render_flow(item))),
                }
            }
        }
        _ => out.push_str(&format!("{pad}{}\n", render_flow(y))),
    }
}

// ---------------------------------------------------------------------------------------
// Mutations of valid examples: what a person editing a file gets wrong.

/// One edit to a text.
#[derive(Clone, Debug)]
enum Mutation {
    /// Delete up to n characters at a position.
    Delete(Index, usize),
    /// Insert a piece of YAML syntax at a position.
    Insert(Index, &'static str),
    /// Replace a line's value (after `: ` or `- `) with another scalar.
    ReplaceValue(Index, String, Quote),
    /// Insert `key: <tree>` after a line, at that line's indentation (or one deeper after
    /// `key:`).
    InsertField(Index, String, Y),
    /// Repeat a run of lines, up to 50 times (duplicate keys, long documents).
    RepeatLines(Index, usize, usize),
    /// Delete a line.
    DeleteLine(Index),
    /// Swap two lines.
    SwapLines(Index, Index),
    /// Change a line's indentation by -4..=4 spaces, or turn it into a tab.
    Reindent(Index, i8),
    /// Cut the text at a position.
    Truncate(Index),
}

fn mutation(keys: &'static [&'static str]) -> impl Strategy<Value = Mutation> {
    prop_oneof![
        2 => (any::<Index>(), 1..16usize).prop_map(|(i, n)| Mutation::Delete(i, n)),
        3 => (any::<Index>(), select(YAML_TOKENS)).prop_map(|(i, t)| Mutation::Insert(i, t)),
        6 => (any::<Index>(), scalar_text(), quote())
            .prop_map(|(i, s, q)| Mutation::ReplaceValue(i, s, q)),
        3 => (any::<Index>(), select(keys).prop_map(str::to_string), yaml_tree(keys))
            .prop_map(|(i, k, y)| Mutation::InsertField(i, k, y)),
        1 => (any::<Index>(), 1..8usize, 2..50usize)
            .prop_map(|(i, n, t)| Mutation::RepeatLines(i, n, t)),
        1 => any::<Index>().prop_map(Mutation::DeleteLine),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        1 => (any::<Index>(), -4i8..=5).prop_map(|(i, d)| Mutation::Reindent(i, d)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
    ]
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Applies edits in order. Positions are character positions, so the text stays UTF-8.
fn apply(text: &str, edits: &[Mutation]) -> String {
    let mut s = text.to_string();
    for m in edits {
        let chars: Vec<char> = s.chars().collect();
        let mut lines: Vec<String> = s.split('\n').map(str::to_string).collect();
        let n = lines.len();
        match m {
            Mutation::Delete(i, len) => {
                if !chars.is_empty() {
                    let at = i.index(chars.len());
                    let end = (at + len).min(chars.len());
                    s = chars[..at].iter().chain(&chars[end..]).collect();
                }
            }
            Mutation::Insert(i, t) => {
                let at = i.index(chars.len() + 1);
                s = chars[..at].iter().collect::<String>()
                    + t
                    + &chars[at..].iter().collect::<String>();
            }
            Mutation::Truncate(i) => s = chars[..i.index(chars.len() + 1)].iter().collect(),
            Mutation::ReplaceValue(i, v, q) => {
                let line = &mut lines[i.index(n)];
                let v = render_scalar(v, *q);
                if let Some(p) = line.find(": ") {
                    line.truncate(p + 2);
                    line.push_str(&v);
                } else if let Some(p) = line.find("- ") {
                    line.truncate(p + 2);
                    line.push_str(&v);
                } else {
                    *line = " ".repeat(indent_of(line)) + &v;
                }
                s = lines.join("\n");
            }
            Mutation::InsertField(i, k, y) => {
                let at = i.index(n);
                let line = &lines[at];
                let indent = indent_of(line) + if line.trim_end().ends_with(':') { 2 } else { 0 };
                let mut entry = String::new();
                render_entry(k, y, indent, &mut entry);
                lines.insert(at + 1, entry.trim_end_matches('\n').to_string());
                s = lines.join("\n");
            }
            Mutation::RepeatLines(i, len, times) => {
                let at = i.index(n);
                let end = (at + len).min(n);
                let run: Vec<String> = lines[at..end].to_vec();
                for _ in 1..*times {
                    lines.splice(end..end, run.iter().cloned());
                }
                s = lines.join("\n");
            }
            Mutation::DeleteLine(i) => {
                lines.remove(i.index(n));
                s = lines.join("\n");
            }
            Mutation::SwapLines(a, b) => {
                lines.swap(a.index(n), b.index(n));
                s = lines.join("\n");
            }
            Mutation::Reindent(i, d) => {
                let line = &mut lines[i.index(n)];
                let indent = indent_of(line);
                let body = line.trim_start_matches(' ').to_string();
                *line = match *d {
                    5 => format!("\t{body}"),
                    d => " ".repeat((indent as i64 + i64::from(d)).max(0) as usize) + &body,
                };
                s = lines.join("\n");
            }
        }
    }
    s
}

/// One of `seeds`, edited once (most often) to seven times.
fn mutated(
    seeds: &'static [&'static str],
    keys: &'static [&'static str],
) -> impl Strategy<Value = String> {
    let edits = prop_oneof![
        4 => prop::collection::vec(mutation(keys), 1..2),
        2 => prop::collection::vec(mutation(keys), 2..4),
        1 => prop::collection::vec(mutation(keys), 4..8),
    ];
    (select(seeds), edits).prop_map(|(seed, edits)| apply(seed, &edits))
}

/// Random bytes (lossy UTF-8, as a reader of arbitrary files would see them) or Unicode.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..600)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        "\\PC{0,300}",
        "(?s:.{0,300})",
    ]
}

/// YAML syntax, keys and scalars strung together.
fn yaml_soup(keys: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => select(YAML_TOKENS),
            2 => select(keys),
            2 => select(SCALARS),
            1 => Just("\n  "),
            1 => Just("\n- "),
        ],
        0..80,
    )
    .prop_map(|v| v.concat())
}

// ---------------------------------------------------------------------------------------
// Manifests.

/// apiVersion/kind pairs: served, simulated, stored-only, unserved and the List wrapper.
const KINDS: &[(&str, &str)] = &[
    ("v1", "Pod"),
    ("apps/v1", "Deployment"),
    ("apps/v1", "ReplicaSet"),
    ("v1", "ReplicationController"),
    ("v1", "Service"),
    ("v1", "ConfigMap"),
    ("v1", "Secret"),
    ("v1", "Namespace"),
    ("apps/v1", "StatefulSet"),
    ("apps/v1", "DaemonSet"),
    ("batch/v1", "Job"),
    ("v1", "List"),
    ("extensions/v1beta1", "Deployment"),
    ("v1", "Node"),
    ("networking.k8s.io/v1", "Ingress"),
    ("example.com/v1", "Widget"),
    ("v1", "pod"),
];

/// A generated manifest: a served kind with a name and a random body.
fn generated_manifest() -> impl Strategy<Value = String> {
    (
        select(KINDS),
        scalar_text(),
        yaml_tree(K8S_KEYS),
        yaml_tree(K8S_KEYS),
        prop::bool::ANY,
    )
        .prop_map(|((api, kind), name, meta, spec, list)| {
            let mut out = format!("apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: {name}\n");
            if let Y::Map(entries, _) = &meta {
                for (k, v) in entries {
                    render_entry(k, v, 2, &mut out);
                }
            }
            render_entry(if list { "items" } else { "spec" }, &spec, 0, &mut out);
            out
        })
}

/// Manifest streams: mutated seeds (most), generated documents, several documents joined.
fn manifest_stream() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => mutated(SEED_EXAMPLES, K8S_KEYS),
        1 => mutated(&[NGINX_POD_BUNDLED, NGINX_DEPLOYMENT_BUNDLED], K8S_KEYS),
        2 => generated_manifest(),
        1 => prop::collection::vec(
            prop_oneof![mutated(SEED_EXAMPLES, K8S_KEYS), generated_manifest()],
            2..4
        )
        .prop_map(|docs| docs.join("\n---\n")),
    ]
}

// ---------------------------------------------------------------------------------------
// Command lines.

/// Words of kubectl command lines kubesim accepts, plus the ones it must reject.
const COMMAND_WORDS: &[&str] = &[
    "aks",
    "nodepool",
    "--node-count",
    "--nodepool-name",
    "--cluster-name",
    "--labels",
    "--node-taints",
    "--zones",
    "--no-wait",
    "add",
    "list",
    "show",
    "--name",
    "-n",
    "--mode",
    "-o",
    "-c",
    "-g",
    "get",
    "apply",
    "delete",
    "run",
    "create",
    "scale",
    "namespace",
    "deployment",
    "describe",
    "logs",
    "exec",
    "rollout",
    "pods",
    "pod",
    "po",
    "deploy",
    "deployments",
    "rs",
    "replicasets",
    "rc",
    "svc",
    "services",
    "service",
    "ns",
    "namespaces",
    "no",
    "nodes",
    "events",
    "ev",
    "cm",
    "configmaps",
    "secrets",
    "all",
    "pod/webserver",
    "deployment/nginx-server",
    "deploy/web",
    "svc/nginx-lb",
    "pods,services",
    "pod/",
    "/x",
    "webserver",
    "nginx-server",
    "web",
    "-f",
    "-n",
    "-A",
    "-o",
    "-l",
    "-i",
    "-it",
    "--image",
    "--image=nginx",
    "--image=",
    "--replicas=3",
    "--replicas",
    "--replicas=-1",
    "--replicas=2147483648",
    "--replicas=99999999999999999999",
    "--restart=Never",
    "--restart=Sometimes",
    "--port=80",
    "--port=0",
    "--port=65536",
    "--port=-1",
    "--labels=a=b",
    "--labels=a=b,c",
    "--labels==",
    "--cascade=orphan",
    "--cascade=foreground",
    "--cascade=background",
    "--cascade=true",
    "--cascade",
    "--wait=false",
    "--wait",
    "--all-namespaces",
    "--all-namespaces=false",
    "-owide",
    "-oname",
    "-o=wide",
    "-ojson",
    "--output=yaml",
    "--show-labels",
    "--selector",
    "--selector=app=web",
    "-lapp=web",
    "-l=app",
    "--namespace=x",
    "--namespace=",
    "--namespace=kube-system",
    "-nkube-system",
    "--dry-run=client",
    "--force",
    "--grace-period=0",
    "--",
    "-",
    "--=",
    "-=",
    "---",
    "manifests/nginx-pod.yaml",
    "manifests",
    "manifests/",
    "missing.yaml",
    "https://example.com/x.yaml",
    "nginx",
    "nginx:1.25",
    "NGINX",
    "é",
    "a b",
    "app in (a,b)",
    "!app",
    "x,y,",
    "'",
    "\"",
    "\\",
    "|",
    ";",
    "&&",
    "$HOME",
    "`x`",
    ">",
    "<",
    "#",
    "*",
    "~",
    "(",
    ")",
    "{",
    "}",
];

/// A command line: `kubectl` and random words, some quoted (single, double, backslashes,
/// unbalanced), joined by blanks.
fn command_line() -> impl Strategy<Value = String> {
    let word = (
        prop_oneof![4 => select(COMMAND_WORDS).prop_map(str::to_string), 1 => scalar_text()],
        0..6u8,
    )
        .prop_map(|(w, q)| match q {
            0 => format!("'{w}'"),
            1 => serde_json::to_string(&w).unwrap_or_default(),
            2 => w.chars().flat_map(|c| ['\\', c]).collect(),
            3 => format!("\"{w}"),
            _ => w,
        });
    (
        prop_oneof![8 => Just("kubectl"), 3 => Just("az"), 1 => Just("kubectl.exe"), 1 => Just("")],
        prop::collection::vec(word, 0..8),
        prop_oneof![8 => Just(" "), 1 => Just("  "), 1 => Just("\t"), 1 => Just("\n"), 1 => Just(" \\\n ")],
    )
        .prop_map(|(k, words, sep)| {
            std::iter::once(k.to_string())
                .chain(words)
                .collect::<Vec<_>>()
                .join(sep)
        })
}

/// The quickstart's `run:` lines.
fn quickstart_commands() -> Vec<&'static str> {
    QUICKSTART
        .lines()
        .filter_map(|l| l.trim().strip_prefix("run: "))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Scenarios.

/// Scenario keys (CONTRACT §1), step, expectation and timing names, and some misspellings.
const SCENARIO_KEYS: &[&str] = &[
    "version",
    "name",
    "description",
    "seed",
    "duration",
    "startTime",
    "cluster",
    "timing",
    "steps",
    "expect",
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
    "mode",
    "count",
    "vmSize",
    "cpu",
    "memory",
    "maxPods",
    "zones",
    "labels",
    "taints",
    "at",
    "id",
    "run",
    "apply",
    "stopAfter",
    "that",
    "during",
    "within",
    "etcd.write",
    "kubelet.imagePull",
    "apiserver.request",
    "median",
    "p99",
    "min",
    "max",
    "images",
    "traffic",
    "steeps",
    "nodepools",
    "<<",
    "",
];

/// Durations near the scenario format's rules (Go syntax, at most 30 days, whole µs).
const DURATIONS: &[&str] = &[
    "0s",
    "1s",
    "5s",
    "90s",
    "5m",
    "10m",
    "1h",
    "1.5h",
    "720h",
    "720h0m1s",
    "721h",
    "1ns",
    "1us",
    "1µs",
    "0.5us",
    "-1s",
    "1e3s",
    "",
    "5 minutes",
    "1d",
    "9999999999h",
    "2562047h47m16.854775807s",
    "2562048h",
    "1h1h1h",
    ".s",
    "1.s",
    "+5s",
    "5",
    "m",
];

/// `that:` pieces (CONTRACT §4).
const TARGETS: &[&str] = &[
    "cluster",
    "deployment/nginx-server",
    "deploy/web",
    "pod/webserver",
    "po/x",
    "rs/web",
    "svc/nginx-lb",
    "service/kube-system/x",
    "node/aks-nodepool1-0",
    "ns/default",
    "deployment/",
    "/x",
    "foo/bar",
    "pod/a/b/c",
    "Deployment/web",
];
const METRICS: &[&str] = &[
    "available_replicas",
    "replicas",
    "ready_replicas",
    "updated_replicas",
    "exists",
    "phase",
    "ready",
    "restarts",
    "node",
    "status",
    "nodes",
    "nodes_ready",
    "pods",
    "endpoints",
    "external_ip",
    "foo",
    "",
];
const OPS: &[&str] = &["==", "!=", "<", "<=", ">", ">=", "=", "===", "=>", ""];

/// Timing names from `kubesim timings` (CONTRACT §8) and misspellings.
const TIMING_NAMES: &[&str] = &[
    "apiserver.request",
    "etcd.write",
    "etcd.read",
    "watch.delivery",
    "controller.sync",
    "scheduler.schedule",
    "kubelet.podSandbox",
    "kubelet.imagePull",
    "kubelet.containerStart",
    "kubelet.containerStop",
    "kubelet.statusUpdate",
    "cloud.loadBalancerProvision",
    "aks.nodeProvision",
    "kubectl.roundTrip",
    "etcd.wirte",
    "nope",
];

/// Mostly one of `valid`, sometimes an edge-case scalar: most generated scenarios then load,
/// so the preparation stage behind the loader is reached, and the rest still probe the
/// loader's checks.
fn pick(valid: &'static [&'static str]) -> BoxedStrategy<String> {
    prop_oneof![
        19 => select(valid).prop_map(str::to_string),
        1 => scalar_text(),
    ]
    .boxed()
}

fn duration_text() -> BoxedStrategy<String> {
    prop_oneof![
        4 => select(DURATIONS).prop_map(str::to_string),
        1 => "[-+]?[0-9]{0,4}(\\.[0-9]{0,3})?(ns|us|ms|s|m|h|d|)",
    ]
    .boxed()
}

fn condition() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => Just("deployment/nginx-server available_replicas == 6".to_string()),
        2 => Just("cluster nodes_ready >= 1".to_string()),
        2 => Just("pod/webserver phase == Running".to_string()),
        3 => (select(TARGETS), select(METRICS), select(OPS), pick(&["0", "1", "3", "Running"]))
            .prop_map(|(t, m, o, v)| format!("{t} {m} {o} {v}")),
        1 => scalar_text(),
    ]
}

/// One `- ...` step: a command line or an inline manifest (a literal block, as users write
/// them, or occasionally a quoted scalar).
fn step() -> impl Strategy<Value = String> {
    let at = || pick(&["0s", "1s", "5s", "30s", "1m", "2m", "90s"]);
    prop_oneof![
        3 => (at(), prop_oneof![
                3 => command_line(),
                2 => select(quickstart_commands()).prop_map(str::to_string),
            ], quote())
            .prop_map(|(at, line, q)| format!("- at: {at}\n  run: {}\n", render_scalar(&line, q))),
        3 => (at(), prop_oneof![1 => select(SEED_EXAMPLES).prop_map(str::to_string), 3 => manifest_stream()], select(&["|", "|", "|-", "|+", "|2", ">"][..]))
            .prop_map(|(at, m, header)| {
                let body: String = m.lines().map(|l| format!("    {l}\n")).collect();
                format!("- at: {at}\n  apply: {header}\n{body}")
            }),
        1 => (at(), manifest_stream())
            .prop_map(|(at, m)| format!("- at: {at}\n  apply: {}\n", render_scalar(&m, Quote::Double))),
        1 => (at(), duration_text(), "[a-z0-9-]{0,8}", command_line()).prop_map(|(at, stop, id, line)| {
            format!("- at: {at}\n  id: {id}\n  stopAfter: {stop}\n  run: {}\n", render_scalar(&line, Quote::Single))
        }),
    ]
}

fn expectation() -> impl Strategy<Value = String> {
    let window = prop_oneof![
        3 => pick(&["0s", "1m", "2m", "3m"]).prop_map(|t| format!("at: {t}")),
        2 => pick(&["1m", "2m", "3m"]).prop_map(|t| format!("within: {t}")),
        2 => (pick(&["0s", "1m"]), pick(&["2m", "9m"])).prop_map(|(a, b)| format!("within: {a}..{b}")),
        2 => (pick(&["0s", "1m"]), pick(&["2m", "9m"])).prop_map(|(a, b)| format!("during: {a}..{b}")),
        1 => (select(&["at", "within", "during"][..]), duration_text()).prop_map(|(k, t)| format!("{k}: {t}")),
    ];
    (window, condition()).prop_map(|(window, that)| {
        format!(
            "- {window}\n  that: {}\n",
            render_scalar(&that, Quote::Single)
        )
    })
}

/// Valid values of each `cluster:` key (CONTRACT §1).
const CLUSTER_VALUES: &[(&str, &[&str])] = &[
    ("name", &["AzureForArchitects-AKS", "kubesim"]),
    ("location", &["eastus", "westeurope"]),
    ("tier", &["free", "standard", "premium"]),
    ("kubernetesVersion", &["\"1.35\"", "\"1.34\""]),
    ("networkPlugin", &["kubenet", "azure"]),
    ("networkPluginMode", &["overlay"]),
    ("podCidr", &["10.244.0.0/16", "192.168.0.0/16"]),
    ("serviceCidr", &["10.0.0.0/16", "10.2.0.0/24"]),
    ("dnsServiceIp", &["10.0.0.10", "10.2.0.10"]),
    ("vnetSubnetCidr", &["10.240.0.0/16", "10.224.0.0/12"]),
    ("systemPods", &["true", "false"]),
];

/// Valid values of each node pool key (CONTRACT §1).
const POOL_VALUES: &[(&str, &[&str])] = &[
    ("mode", &["System", "User"]),
    ("count", &["1", "2", "3", "5"]),
    (
        "vmSize",
        &["Standard_DS2_v2", "Standard_B2s", "Standard_D4s_v5"],
    ),
    ("cpu", &["\"2\"", "4", "1500m"]),
    ("memory", &["7Gi", "16Gi", "8G"]),
    ("maxPods", &["30", "110", "250"]),
    ("zones", &["[1, 2, 3]", "[1]"]),
    ("labels", &["{}", "{tier: web}"]),
    ("taints", &["[]", "[\"dedicated=web:NoSchedule\"]"]),
];

/// `key: value` lines for a random subset of `table` (each key once), values mostly valid.
fn fields(
    table: &'static [(&'static str, &'static [&'static str])],
    indent: usize,
) -> impl Strategy<Value = String> {
    let keys: Vec<usize> = (0..table.len()).collect();
    (
        prop::sample::subsequence(keys, 0..5),
        prop::collection::vec(
            (
                prop::bool::weighted(0.9),
                scalar_text(),
                quote(),
                any::<Index>(),
            ),
            5,
        ),
    )
        .prop_map(move |(keys, values)| {
            let pad = " ".repeat(indent);
            keys.into_iter()
                .zip(values)
                .map(|(i, (valid, weird, q, v))| {
                    let (key, values) = table[i];
                    let value = if valid {
                        values[v.index(values.len())].to_string()
                    } else {
                        render_scalar(&weird, q)
                    };
                    format!("{pad}{key}: {value}\n")
                })
                .collect()
        })
}

fn cluster() -> impl Strategy<Value = String> {
    let pool = (pick(&["pool"]), fields(POOL_VALUES, 4));
    (fields(CLUSTER_VALUES, 2), prop::collection::vec(pool, 0..3)).prop_map(|(fields, pools)| {
        let mut out = format!("cluster:\n{fields}  nodePools:\n");
        if pools.is_empty() {
            out.push_str("  - name: nodepool1\n    count: 1\n");
        }
        for (i, (name, fields)) in pools.into_iter().enumerate() {
            out.push_str(&format!("  - name: {name}{i}\n{fields}"));
        }
        out
    })
}

fn timing() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            select(TIMING_NAMES),
            prop_oneof![
                pick(&["5ms", "1s"]),
                (
                    pick(&["5ms", "1s"]),
                    pick(&["20ms", "2s"]),
                    prop::option::of((pick(&["1ms"]), pick(&["1m"])))
                )
                    .prop_map(|(m, p, mm)| match mm {
                        Some((lo, hi)) =>
                            format!("{{median: {m}, p99: {p}, min: {lo}, max: {hi}}}"),
                        None => format!("{{median: {m}, p99: {p}}}"),
                    }),
            ],
        ),
        1..4,
    )
    .prop_map(|entries| {
        let mut out = String::from("timing:\n");
        for (k, v) in entries {
            out.push_str(&format!("  {k}: {v}\n"));
        }
        out
    })
}

/// A whole scenario assembled from valid-looking parts.
fn generated_scenario() -> impl Strategy<Value = String> {
    (
        "[a-z0-9-]{1,12}",
        prop_oneof![4 => Just("10m".to_string()), 1 => duration_text()],
        prop::option::of(pick(&["1", "42", "18446744073709551615"])),
        prop::option::weighted(0.8, cluster()),
        prop::option::weighted(0.3, timing()),
        prop::collection::vec(step(), 0..5),
        prop::collection::vec(expectation(), 0..3),
    )
        .prop_map(|(name, duration, seed, cluster, timing, steps, expect)| {
            let mut out = format!("name: {name}\nduration: {duration}\n");
            if let Some(seed) = seed {
                out.push_str(&format!("seed: {seed}\n"));
            }
            out.push_str(&cluster.unwrap_or_default());
            out.push_str(&timing.unwrap_or_default());
            if !steps.is_empty() {
                out.push_str("steps:\n");
                out.extend(steps);
            }
            if !expect.is_empty() {
                out.push_str("expect:\n");
                out.extend(expect);
            }
            out
        })
}

// ---------------------------------------------------------------------------------------
// YAML built to exhaust a reader.

/// A document shape aimed at one of the reader's limits.
#[derive(Clone, Debug)]
enum Hostile {
    /// `depth` nested mappings (block) or sequences (flow).
    Deep { depth: usize, flow: bool },
    /// Anchor `a{i}` nests `levels` sequences around `fanout` aliases of `a{i-1}`.
    AliasChain {
        anchors: usize,
        levels: usize,
        fanout: usize,
    },
    /// `anchors` anchored mappings nested around one sequence of `items` items, and
    /// `uses` aliases of the outermost anchor.
    NestedAnchors {
        anchors: usize,
        items: usize,
        uses: usize,
    },
    /// A mapping with `keys` keys, every `every`-th one a repeat of an earlier key.
    Wide { keys: usize, every: usize },
}

fn hostile() -> impl Strategy<Value = Hostile> {
    prop_oneof![
        (0..220usize, prop::bool::ANY).prop_map(|(depth, flow)| Hostile::Deep { depth, flow }),
        (1..60usize, 1..99usize, 1..4usize).prop_map(|(anchors, levels, fanout)| {
            Hostile::AliasChain {
                anchors,
                levels,
                fanout,
            }
        }),
        (1..99usize, 0..20_000usize, 0..12usize).prop_map(|(anchors, items, uses)| {
            Hostile::NestedAnchors {
                anchors,
                items,
                uses,
            }
        }),
        (0..20_000usize, 1..100_000usize).prop_map(|(keys, every)| Hostile::Wide { keys, every }),
    ]
}

/// The YAML of a hostile shape, as the value of a key at `indent` (every line indented).
fn render_hostile(h: &Hostile, indent: usize) -> String {
    let pad = " ".repeat(indent);
    match *h {
        Hostile::Deep { depth, flow: true } => {
            format!("{pad}h: {}{}\n", "[".repeat(depth), "]".repeat(depth))
        }
        Hostile::Deep { depth, flow: false } => format!("{pad}h:\n{}", nested_block(depth, indent)),
        Hostile::AliasChain {
            anchors,
            levels,
            fanout,
        } => {
            let mut out = format!("{pad}a0: &a0 x\n");
            for i in 1..=anchors {
                let uses = vec![format!("*a{}", i - 1); fanout].join(", ");
                out.push_str(&format!(
                    "{pad}a{i}: &a{i} {}{uses}{}\n",
                    "[".repeat(levels),
                    "]".repeat(levels)
                ));
            }
            out
        }
        Hostile::NestedAnchors {
            anchors,
            items,
            uses,
        } => format!(
            "{pad}n: {}[{}]{}\n{pad}u: [{}]\n",
            (0..anchors)
                .map(|i| format!("&n{i} {{k: "))
                .collect::<String>(),
            "1,".repeat(items),
            "}".repeat(anchors),
            vec!["*n0"; uses].join(", ")
        ),
        Hostile::Wide { keys, every } => (0..keys)
            .map(|i| {
                let k = if i > 0 && i % every == 0 { i / 2 } else { i };
                format!("{pad}k{k}: v\n")
            })
            .collect(),
    }
}

// ---------------------------------------------------------------------------------------
// The properties.

proptest! {
    #![proptest_config(config(CI_CASES))]

    /// The scenario loader (and, when a scenario loads, the preparation stage) on any text.
    #[test]
    fn the_scenario_loader_survives_any_text(text in prop_oneof![any_text(), yaml_soup(SCENARIO_KEYS)]) {
        timed("load_str", || check_scenario(&text))?;
    }

    /// The quickstart, edited: a real scenario a user got slightly wrong.
    #[test]
    fn the_scenario_loader_and_preparation_survive_an_edited_quickstart(
        text in mutated(&[QUICKSTART], SCENARIO_KEYS),
    ) {
        timed("load_str + prepare", || check_scenario(&text))?;
    }

    /// Whole generated scenarios: clusters, timing overrides, `run:` lines, inline manifests
    /// (mutated seed examples and generated documents) and expectations, through
    /// `load_str`, `prepare` and the rendering of every problem.
    #[test]
    fn preparation_survives_generated_scenarios_with_inline_manifests(text in generated_scenario()) {
        timed("load_str + prepare", || check_scenario(&text))?;
    }

    /// The manifest reader and extraction on any text.
    #[test]
    fn the_manifest_reader_survives_any_text(text in prop_oneof![any_text(), yaml_soup(K8S_KEYS)]) {
        timed("read_manifests + extract", || check_manifests(&text))?;
    }

    /// The manifest reader and extraction on edited seed examples and generated manifests:
    /// values replaced by edge cases reach the extractors with a clean schema check.
    #[test]
    fn the_manifest_reader_survives_edited_seed_examples(text in manifest_stream()) {
        timed("read_manifests + extract", || check_manifests(&text))?;
    }

    /// `run:` lines: `words::split` then `command::parse`, on generated lines, edited
    /// quickstart lines and any text.
    #[test]
    fn the_command_line_parser_survives_generated_lines(
        line in prop_oneof![
            4 => command_line(),
            2 => (select(quickstart_commands()), prop::collection::vec((any::<Index>(), select(COMMAND_WORDS)), 1..4))
                .prop_map(|(line, edits)| {
                    let mut words: Vec<&str> = line.split(' ').collect();
                    for (i, w) in edits {
                        let at = i.index(words.len() + 1);
                        words.insert(at, w);
                    }
                    words.join(" ")
                }),
            1 => any_text(),
        ],
    ) {
        timed("split + parse", || check_command(&line))?;
    }

    /// Quantities near the grammar: long digit runs, huge exponents, every suffix, junk.
    #[test]
    fn the_quantity_parser_survives_nearly_valid_quantities(
        s in prop_oneof![
            4 => "[-+]{0,2}[0-9]{0,40}(\\.[0-9]{0,40})?([eE][-+]?[0-9]{0,25}|[numkMGTPE]i?|Ki|[a-zA-Z ]{1,3})?",
            1 => (select(SCALARS), select(SCALARS)).prop_map(|(a, b)| format!("{a}{b}")),
            1 => prop::collection::vec(any::<u8>(), 0..64).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
            1 => "[0-9]{100,3000}(Ei|e9)?",
        ],
    ) {
        timed("Quantity::parse", || {
            if let Ok(q) = Quantity::parse(&s) {
                let _ = (q.to_string(), q.value(), q.milli_value(), q.format());
            }
        })?;
    }

    /// Go durations near the grammar; where both parse, `parse_micros` is `parse_nanos` in
    /// whole microseconds (CONTRACT §1).
    #[test]
    fn the_duration_parsers_survive_nearly_valid_durations(
        s in prop_oneof![
            4 => "[-+]{0,2}([0-9]{0,25}(\\.[0-9]{0,25})?(ns|us|µs|μs|ms|s|m|h|d|x|µ|)){0,6}",
            1 => select(DURATIONS).prop_map(str::to_string),
            1 => prop::collection::vec(any::<u8>(), 0..64).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        ],
    ) {
        let (nanos, micros) = timed("parse_nanos + parse_micros", || (parse_nanos(&s), parse_micros(&s)))?;
        if let Ok(us) = micros {
            prop_assert_eq!(nanos.map(|ns| ns / 1000), Ok(i64::try_from(us).unwrap_or(-1)));
        }
    }

    /// The cluster's network keys: plugins, modes and nearly valid IPv4/IPv6 CIDRs.
    #[test]
    fn the_network_resolver_survives_nearly_valid_cidrs(
        plugin in prop::option::of(select(&["kubenet", "azure", "none", "Azure", "", "overlay", "calico"][..])),
        mode in prop::option::of(select(&["overlay", "Overlay", "", "transparent"][..])),
        cidrs in prop::collection::vec(prop::option::of(prop_oneof![
            4 => "([0-9]{1,4}\\.){0,4}[0-9]{0,4}(/[0-9]{0,3})?",
            1 => "[0-9a-f:]{0,20}(/[0-9]{0,3})?",
            1 => select(SCALARS).prop_map(str::to_string),
            1 => "\\PC{0,20}",
        ]), 4),
    ) {
        let c = |i: usize| cidrs.get(i).and_then(|c| c.as_deref());
        timed("NetworkConfig::resolve", || {
            let _ = NetworkConfig::resolve(plugin, mode, c(0), c(1), c(2), c(3));
        })?;
    }

    /// Label selectors built from `labels.Parse`'s tokens, long keys and values included.
    #[test]
    fn the_selector_parser_survives_nearly_valid_selectors(
        parts in prop::collection::vec(prop_oneof![
            3 => "[a-z0-9]([a-z0-9.-]{0,70}/)?[a-zA-Z0-9._-]{0,70}",
            3 => select(&["=", "==", "!=", "!", " in ", " notin ", "(", ")", ",", " ", "in", "notin", "exists", "!=="][..]).prop_map(str::to_string),
            1 => select(SCALARS).prop_map(str::to_string),
        ], 0..16),
    ) {
        let s = parts.concat();
        timed("Selector::parse", || {
            if let Ok(sel) = Selector::parse(&s) {
                let labels = Labels::from_pairs([("app".to_string(), "web".to_string())]);
                let _ = (sel.matches(&labels), sel.to_string(), sel.format_label_selector());
            }
        })?;
    }
}

proptest! {
    #![proptest_config(config(HOSTILE_CI_CASES))]

    /// YAML shaped against the reader's limits (depth, alias expansion, anchors, wide
    /// mappings) through the manifest reader, the scenario loader and an inline manifest.
    /// Found the alias-depth stack overflow (persisted as `AliasChain { anchors: 20, levels:
    /// 86, fanout: 1 }` in proptest-regressions/integration/props.txt).
    #[test]
    fn every_entry_point_survives_yaml_built_to_exhaust_the_reader(h in hostile()) {
        let manifest = pod_with(&render_hostile(&h, 4));
        timed("read_manifests", || check_manifests(&manifest))?;
        let scenario = format!("name: hostile\nduration: 1m\ndescription:\n{}", render_hostile(&h, 2));
        timed("load_str", || check_scenario(&scenario))?;
        let body: String = manifest.lines().map(|l| format!("    {l}\n")).collect();
        let inline = format!("name: hostile\nduration: 1m\nsteps:\n- at: 1s\n  apply: |\n{body}");
        timed("load_str + prepare", || check_scenario(&inline))?;
    }
}

// ---------------------------------------------------------------------------------------
// The YAML reader's limits, through every entry point.

/// `depth` nested block mappings under `key:` at `indent`.
fn nested_block(depth: usize, indent: usize) -> String {
    (0..depth)
        .map(|i| format!("{}k{i}:\n", " ".repeat(indent + 2 * i)))
        .collect()
}

/// A Pod manifest whose `metadata.annotations` holds `extra` (already indented by 4).
fn pod_with(extra: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n{extra}spec:\n  containers:\n  - name: web\n    image: nginx\n"
    )
}

/// The same manifest text through every entry point: the manifest reader, a scenario's
/// inline `apply: |` step through `prepare`, and a `-f` file through `prepare`. Returns
/// every problem message of each.
fn through_every_entry_point(manifest: &str) -> [Vec<String>; 3] {
    let messages = |ps: &[Problem]| ps.iter().map(|p| p.message.clone()).collect::<Vec<_>>();
    let (_, direct) = read_manifests(manifest);
    let body: String = manifest.lines().map(|l| format!("    {l}\n")).collect();
    let inline = format!("name: limits\nduration: 1m\nsteps:\n- at: 1s\n  apply: |\n{body}");
    let inline = match load_str(&scenario_path(), &inline) {
        Ok(s) => match prepare(s) {
            Ok(_) => Vec::new(),
            Err(bad) => bad
                .files
                .iter()
                .flat_map(|f| messages(&f.problems))
                .collect(),
        },
        Err(ps) => messages(&ps),
    };
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("m.yaml"), manifest).expect("write manifest");
    let text = "name: limits\nduration: 1m\nsteps:\n- at: 1s\n  run: kubectl apply -f m.yaml\n";
    let file = match load_str(&dir.path().join("s.yaml"), text) {
        Ok(s) => match prepare(s) {
            Ok(_) => Vec::new(),
            Err(bad) => bad
                .files
                .iter()
                .flat_map(|f| messages(&f.problems))
                .collect(),
        },
        Err(ps) => messages(&ps),
    };
    [messages(&direct), inline, file]
}

fn all_mention(results: &[Vec<String>], needle: &str) {
    for (i, r) in results.iter().enumerate() {
        assert!(
            r.iter().any(|m| m.contains(needle)),
            "entry point {i} does not report {needle:?}: {r:?}"
        );
    }
}

#[test]
fn nesting_deeper_than_100_levels_is_refused_through_every_entry_point() {
    // Limits::max_depth is 100; the Pod's own mappings take 3 levels before the annotations.
    let deep = pod_with(&nested_block(100, 4));
    all_mention(
        &through_every_entry_point(&deep),
        "nesting deeper than 100 levels",
    );
    let flow = pod_with(&format!("    a: {}{}\n", "[".repeat(150), "]".repeat(150)));
    for r in through_every_entry_point(&flow) {
        assert!(!r.is_empty(), "deep flow nesting must be refused");
    }
    // The scenario file itself.
    let scenario = format!(
        "name: deep\nduration: 1m\ncluster:\n{}",
        nested_block(120, 0)
    );
    let ps = load_str(&scenario_path(), &scenario).expect_err("too deep");
    assert!(
        ps.iter()
            .any(|p| p.message.contains("nesting deeper than 100 levels")),
        "{ps:?}"
    );
}

#[test]
fn nesting_within_the_limit_is_read() {
    // 90 levels of annotations are read (and then rejected as a wrong type, not as too deep).
    let ok = pod_with(&nested_block(90, 4));
    for r in through_every_entry_point(&ok) {
        assert!(!r.iter().any(|m| m.contains("nesting deeper")), "{r:?}");
    }
}

#[test]
fn a_stream_larger_than_3_mib_is_refused_through_every_entry_point() {
    // kube-apiserver's MaxRequestBodyBytes (3 MiB); a scenario is read with the same limit,
    // so an inline manifest can never exceed it either.
    let big = pod_with(&format!("    big: \"{}\"\n", "x".repeat(3 * 1024 * 1024)));
    let [direct, _, file] = through_every_entry_point(&big);
    all_mention(&[direct, file], "larger than the 3145728 bytes");
    let scenario = format!(
        "name: big\nduration: 1m\ndescription: \"{}\"\n",
        "x".repeat(3 * 1024 * 1024)
    );
    let ps = load_str(&scenario_path(), &scenario).expect_err("too big");
    assert!(
        ps.iter()
            .any(|p| p.message.contains("larger than the 3145728 bytes")),
        "{ps:?}"
    );
}

#[test]
fn a_billion_laughs_is_refused_through_every_entry_point() {
    let mut lol = String::from("    l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        let p = i - 1;
        lol.push_str(&format!("    l{i}: &l{i} [*l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}]\n"));
    }
    all_mention(
        &through_every_entry_point(&pod_with(&lol)),
        "aliases expand to more than 100000 nodes",
    );
    let scenario = format!("name: lol\nduration: 1m\ndescription:\n{lol}");
    let ps = load_str(&scenario_path(), &scenario).expect_err("billion laughs");
    assert!(
        ps.iter().any(|p| p.message.contains("aliases expand")),
        "{ps:?}"
    );
}

/// Found by these tests: an alias expanded inside 95 levels of nesting, whose anchor was
/// itself 95 levels deep around the previous alias, built trees ~2,000 levels deep from a
/// 4 KB input (each level within the depth limit as written), and cloning them overflowed the
/// stack. Expanded aliases now count towards the depth limit.
#[test]
fn aliases_cannot_build_trees_deeper_than_the_limit() {
    let mut chain = String::from("    a0: &a0 x\n");
    for i in 1..=45 {
        chain.push_str(&format!(
            "    a{i}: &a{i} {}*a{}{}\n",
            "[".repeat(95),
            i - 1,
            "]".repeat(95)
        ));
    }
    all_mention(
        &through_every_entry_point(&pod_with(&chain)),
        "nesting deeper than 100 levels",
    );
    let scenario = format!("name: chain\nduration: 1m\ndescription:\n{chain}");
    let ps = load_str(&scenario_path(), &scenario).expect_err("too deep");
    assert!(
        ps.iter().any(|p| p.message.contains("nesting deeper")),
        "{ps:?}"
    );
}

// The other two limits problems these tests found (anchors copied when defined; duplicate
// keys found in quadratic time) are a matter of the YAML reader alone: their regression tests
// sit next to the fix, in src/manifest/yaml.rs.

#[test]
fn a_scenario_file_goes_through_the_same_limits_as_load_str() {
    // `scenario::load` reads the file and hands it to load_str: the limits hold for files.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("deep.yaml");
    std::fs::write(
        &path,
        format!(
            "name: deep\nduration: 1m\ncluster:\n{}",
            nested_block(120, 0)
        ),
    )
    .expect("write");
    let err = kubesim::scenario::load(&path)
        .expect_err("too deep")
        .to_string();
    assert!(err.contains("nesting deeper than 100 levels"), "{err}");
}

/// Found while checking the limits through every entry point: `-f FILE` and the scenario file
/// were read whole before the 3 MiB check, so `-f /dev/zero` read until memory ran out. A
/// file is now read through the limit (`manifest::yaml::read_file`), and only a regular file
/// is read at all.
#[test]
fn a_manifest_file_that_never_ends_is_refused() {
    if !Path::new("/dev/zero").exists() {
        return;
    }
    let text = "name: zero\nduration: 1m\nsteps:\n- at: 1s\n  run: kubectl apply -f /dev/zero\n";
    let s = load_str(Path::new("/tmp/s.yaml"), text).expect("scenario loads");
    let start = Instant::now();
    let bad = prepare(s).expect_err("an endless file is bad input");
    assert!(start.elapsed() < Duration::from_secs(20));
    let rendered = bad.render();
    assert!(
        rendered.contains("the path \"/dev/zero\" is not a regular file (a character device)"),
        "{rendered}"
    );
}

#[test]
fn a_scenario_file_that_never_ends_is_refused() {
    if !Path::new("/dev/zero").exists() {
        return;
    }
    let err = kubesim::scenario::load(Path::new("/dev/zero"))
        .expect_err("an endless file is bad input")
        .to_string();
    assert!(err.contains("is not a regular file"), "{err}");
}
