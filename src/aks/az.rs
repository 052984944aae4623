//! The `az aks` commands a step may run: parsed as the Azure CLI's argparse does, checked as
//! AKS checks them, answered from Azure's state, and printed as az prints them.
//!
//! Commands: `az aks scale`, `az aks show`, `az aks nodepool add|scale|delete|list`. Each
//! takes `-g/--resource-group` and names the cluster with `-n/--name` (`aks scale`, `aks
//! show`) or `--cluster-name` (`nodepool`); a name other than the scenario's cluster is
//! Azure's `ResourceNotFound`. Scenarios have no resource group, so any `-g` is accepted and
//! shown back. Operations block until AKS finishes, as az does without `--no-wait`.
//!
//! Output: `-o none` prints nothing; `-o table` prints the table azure-cli's transformers
//! build (`aks_show_table_format`, `aks_agentpool_list_table_format` in
//! `azure/cli/command_modules/acs/_format.py`, laid out by knack's `_TableOutput` with
//! tabulate's "simple" format); the default JSON holds the fields kubesim models of the
//! agent pool or cluster, keys sorted (the ARM resource has many more). ARM error codes are
//! AKS's; their message texts are kubesim's where AKS does not publish them, while az's own
//! client-side messages (`The nodepool "P" was not found.`, `The new node count is the same
//! as the current node count.`, `There are more than one node pool ...`) are azure-cli's
//! (`acs/custom.py` `aks_scale`, `aks_agentpool_scale`). Errors print as az's
//! `ERROR: ...` on stderr with exit status 1 (run time) — or, for argument errors, are bad
//! input reported before the run, as kubectl's unknown flags are. `--no-wait` returns once
//! AKS accepted the operation, printing nothing, while the operation goes on.

use crate::aks::cluster::PoolPlan;
use crate::aks::fleet::{Azure, MAX_NODES_PER_POOL, OperationKind, Pool};
use crate::aks::vm_sizes;
use crate::model::pod::{Taint, TaintEffect};

/// `-o/--output`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// `json` (az's default), `jsonc`, `yaml`, `yamlc`, `tsv`: kubesim prints JSON for all.
    Json,
    /// `table`.
    Table,
    /// `none`.
    None,
}

/// A parsed `az aks` command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AzCommand {
    /// `-g/--resource-group`.
    pub resource_group: String,
    /// `-n/--name` or `--cluster-name`: the managed cluster.
    pub cluster: String,
    /// `-o`.
    pub output: Output,
    /// `--no-wait`: return as soon as AKS accepted the operation, printing nothing.
    pub no_wait: bool,
    /// What it does.
    pub verb: AzVerb,
}

/// The command itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AzVerb {
    /// `az aks scale --node-count N [--nodepool-name P]`.
    Scale {
        /// Pool (empty: the only one).
        pool: Option<String>,
        /// New count.
        count: u32,
    },
    /// `az aks show`.
    Show,
    /// `az aks nodepool add`.
    PoolAdd(NewPool),
    /// `az aks nodepool scale --name P --node-count N`.
    PoolScale {
        /// Pool.
        pool: String,
        /// New count.
        count: u32,
    },
    /// `az aks nodepool delete --name P`.
    PoolDelete {
        /// Pool.
        pool: String,
    },
    /// `az aks nodepool list`.
    PoolList,
}

/// `az aks nodepool add`'s arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPool {
    /// `--name/-n`.
    pub name: String,
    /// `--node-count/-c` (default 3).
    pub count: u32,
    /// `--node-vm-size/-s` (default `Standard_DS2_v2`, as the scenario's pools).
    pub vm_size: String,
    /// `--max-pods/-m` (0: the network plugin's default).
    pub max_pods: u32,
    /// `--mode` System or User (default User).
    pub system: bool,
    /// `--labels k=v ...`.
    pub labels: Vec<(String, String)>,
    /// `--node-taints k=v:Effect,...`.
    pub taints: Vec<Taint>,
    /// `--zones 1 2 3`.
    pub zones: Vec<u32>,
}

/// Parses the words of an `az` step (`az` first) as azure-cli would, or gives the text az
/// prints for a bad command line.
pub fn parse(words: &[String]) -> Result<AzCommand, String> {
    let rest = words.get(1..).unwrap_or(&[]);
    let (group, rest) = match rest.split_first() {
        Some((g, r)) if g == "aks" => (g, r),
        Some((g, _)) => return Err(misspelled(g)),
        None => return Err(unsupported("az without a command")),
    };
    let _ = group;
    let Some((cmd, rest)) = rest.split_first() else {
        return Err(unsupported("az aks without a command"));
    };
    match cmd.as_str() {
        "scale" => {
            let f = Flags::parse(rest, &SCALE)?;
            let cluster = f.required(&["--name", "-n"])?;
            let count = f.count(true)?.unwrap_or(0);
            Ok(AzCommand {
                resource_group: f.required(&["--resource-group", "-g"])?,
                cluster,
                output: f.output()?,
                no_wait: f.switch("--no-wait"),
                verb: AzVerb::Scale {
                    pool: f.value(&["--nodepool-name"]).map(str::to_string),
                    count,
                },
            })
        }
        "show" => {
            let f = Flags::parse(rest, &SHOW)?;
            Ok(AzCommand {
                cluster: f.required(&["--name", "-n"])?,
                resource_group: f.required(&["--resource-group", "-g"])?,
                output: f.output()?,
                no_wait: false,
                verb: AzVerb::Show,
            })
        }
        "nodepool" => {
            let Some((sub, rest)) = rest.split_first() else {
                return Err(unsupported("az aks nodepool without a command"));
            };
            let spec: &[FlagSpec] = match sub.as_str() {
                "add" => &POOL_ADD,
                "scale" => &POOL_SCALE,
                "delete" => &POOL_DELETE,
                "list" => &POOL_LIST,
                other if NODEPOOL_VERBS.contains(&other) => {
                    return Err(unsupported(&format!("\"az aks nodepool {other}\"")));
                }
                other => return Err(misspelled(other)),
            };
            let f = Flags::parse(rest, spec)?;
            let cluster = f.required(&["--cluster-name"])?;
            let resource_group = f.required(&["--resource-group", "-g"])?;
            let output = f.output()?;
            let verb = match sub.as_str() {
                "add" => AzVerb::PoolAdd(new_pool(&f)?),
                "scale" => AzVerb::PoolScale {
                    pool: f.required(&["--name", "-n", "--nodepool-name"])?,
                    count: f.count(false)?.unwrap_or(3),
                },
                "delete" => AzVerb::PoolDelete {
                    pool: f.required(&["--name", "-n", "--nodepool-name"])?,
                },
                _ => AzVerb::PoolList,
            };
            Ok(AzCommand {
                resource_group,
                cluster,
                output,
                no_wait: f.switch("--no-wait"),
                verb,
            })
        }
        other if AKS_VERBS.contains(&other) => Err(unsupported(&format!("\"az aks {other}\""))),
        other => Err(misspelled(other)),
    }
}

fn new_pool(f: &Flags) -> Result<NewPool, String> {
    let name = f.required(&["--name", "-n", "--nodepool-name"])?;
    let max_pods = match f.value(&["--max-pods", "-m"]) {
        Some(v) => int(v, "--max-pods/-m")?,
        None => 0,
    };
    let system = match f.value(&["--mode"]) {
        None => false,
        Some(m) if m.eq_ignore_ascii_case("system") => true,
        Some(m) if m.eq_ignore_ascii_case("user") => false,
        Some(m) => {
            return Err(format!(
                "argument --mode: invalid choice: '{m}' (choose from 'System', 'User')"
            ));
        }
    };
    let mut labels = Vec::new();
    for l in f.values(&["--labels"]) {
        match l.split_once('=') {
            Some((k, v)) => labels.push((k.to_string(), v.to_string())),
            None => return Err(format!("usage error: {l} is not a valid key=value label")),
        }
    }
    let mut taints = Vec::new();
    if let Some(t) = f.value(&["--node-taints"]) {
        for one in t.split(',').filter(|s| !s.is_empty()) {
            taints.push(taint(one)?);
        }
    }
    let mut zones = Vec::new();
    for z in f.values(&["--zones", "-z"]) {
        match z.as_str() {
            "1" | "2" | "3" => zones.push(z.parse().unwrap_or(1)),
            _ => {
                return Err(format!(
                    "argument --zones/-z: invalid choice: '{z}' (choose from '1', '2', '3')"
                ));
            }
        }
    }
    Ok(NewPool {
        name,
        count: f.count(false)?.unwrap_or(3),
        vm_size: f
            .value(&["--node-vm-size", "-s"])
            .unwrap_or("Standard_DS2_v2")
            .to_string(),
        max_pods,
        system,
        labels,
        taints,
        zones,
    })
}

/// `key=value:Effect` (or `key:Effect`), as `--node-taints` takes them.
fn taint(text: &str) -> Result<Taint, String> {
    let bad = || format!("Taint does not match pattern: {text}");
    let (kv, effect) = text.rsplit_once(':').ok_or_else(bad)?;
    let effect = match effect {
        "NoSchedule" => TaintEffect::NoSchedule,
        "PreferNoSchedule" => TaintEffect::PreferNoSchedule,
        "NoExecute" => TaintEffect::NoExecute,
        _ => return Err(bad()),
    };
    let (key, value) = kv.split_once('=').unwrap_or((kv, ""));
    if key.is_empty() {
        return Err(bad());
    }
    Ok(Taint {
        key: key.to_string(),
        value: value.to_string(),
        effect,
        time_added: None,
    })
}

fn int(v: &str, flag: &str) -> Result<u32, String> {
    v.parse::<u32>()
        .map_err(|_| format!("argument {flag}: invalid int value: '{v}'"))
}

fn misspelled(word: &str) -> String {
    format!("'{word}' is misspelled or not recognized by the system.")
}

fn unsupported(what: &str) -> String {
    format!(
        "kubesim does not simulate {what}; it runs az aks scale, az aks show and az aks nodepool add|scale|delete|list"
    )
}

/// Other `az aks` verbs, which exist but kubesim does not run.
const AKS_VERBS: [&str; 12] = [
    "create",
    "delete",
    "upgrade",
    "update",
    "list",
    "get-credentials",
    "start",
    "stop",
    "browse",
    "get-upgrades",
    "enable-addons",
    "disable-addons",
];

/// Other `az aks nodepool` verbs.
const NODEPOOL_VERBS: [&str; 6] = ["show", "update", "upgrade", "start", "stop", "get-upgrades"];

/// One flag: its spellings, how many values it takes, and whether argparse requires it.
struct FlagSpec {
    names: &'static [&'static str],
    arity: Arity,
    required: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Arity {
    /// A switch (`--yes`).
    None,
    /// One value.
    One,
    /// Values up to the next flag (`--labels a=b c=d`).
    Many,
}

const fn flag(names: &'static [&'static str], arity: Arity) -> FlagSpec {
    let required = matches!(
        names[0].as_bytes(),
        b"--resource-group" | b"--cluster-name" | b"--name"
    );
    FlagSpec {
        names,
        arity,
        required,
    }
}

/// A flag argparse requires whatever its name (`az aks scale --node-count`).
const fn required(names: &'static [&'static str], arity: Arity) -> FlagSpec {
    FlagSpec {
        names,
        arity,
        required: true,
    }
}

const GLOBAL: [FlagSpec; 6] = [
    flag(&["--output", "-o"], Arity::One),
    flag(&["--only-show-errors"], Arity::None),
    flag(&["--verbose"], Arity::None),
    flag(&["--subscription"], Arity::One),
    flag(&["--yes", "-y"], Arity::None),
    flag(&["--no-wait"], Arity::None),
];
const SCALE: [FlagSpec; 4] = [
    flag(&["--resource-group", "-g"], Arity::One),
    flag(&["--name", "-n"], Arity::One),
    required(&["--node-count", "-c"], Arity::One),
    flag(&["--nodepool-name"], Arity::One),
];
const SHOW: [FlagSpec; 2] = [
    flag(&["--resource-group", "-g"], Arity::One),
    flag(&["--name", "-n"], Arity::One),
];
const POOL_ADD: [FlagSpec; 11] = [
    flag(&["--resource-group", "-g"], Arity::One),
    flag(&["--cluster-name"], Arity::One),
    flag(&["--name", "-n", "--nodepool-name"], Arity::One),
    flag(&["--node-count", "-c"], Arity::One),
    flag(&["--node-vm-size", "-s"], Arity::One),
    flag(&["--max-pods", "-m"], Arity::One),
    flag(&["--mode"], Arity::One),
    flag(&["--labels"], Arity::Many),
    flag(&["--node-taints"], Arity::One),
    flag(&["--zones", "-z"], Arity::Many),
    flag(&["--os-type"], Arity::One),
];
const POOL_SCALE: [FlagSpec; 4] = [
    flag(&["--resource-group", "-g"], Arity::One),
    flag(&["--cluster-name"], Arity::One),
    flag(&["--name", "-n", "--nodepool-name"], Arity::One),
    flag(&["--node-count", "-c"], Arity::One),
];
const POOL_DELETE: [FlagSpec; 3] = [
    flag(&["--resource-group", "-g"], Arity::One),
    flag(&["--cluster-name"], Arity::One),
    flag(&["--name", "-n", "--nodepool-name"], Arity::One),
];
const POOL_LIST: [FlagSpec; 2] = [
    flag(&["--resource-group", "-g"], Arity::One),
    flag(&["--cluster-name"], Arity::One),
];

/// Flags as given: (canonical name, values).
struct Flags {
    given: Vec<(&'static str, Vec<String>)>,
}

impl Flags {
    fn parse(words: &[String], spec: &[FlagSpec]) -> Result<Flags, String> {
        let mut given: Vec<(&'static str, Vec<String>)> = Vec::new();
        let mut unknown: Vec<String> = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let w = &words[i];
            let (name, inline) = match w.split_once('=') {
                Some((n, v)) if n.starts_with('-') => (n, Some(v.to_string())),
                _ => (w.as_str(), None),
            };
            let Some(f) = spec
                .iter()
                .chain(GLOBAL.iter())
                .find(|f| f.names.contains(&name))
            else {
                unknown.push(w.clone());
                i += 1;
                continue;
            };
            let canonical = f.names[0];
            let mut values = Vec::new();
            i += 1;
            match (f.arity, inline) {
                (_, Some(v)) => values.push(v),
                (Arity::None, None) => {}
                (Arity::One, None) => match words.get(i) {
                    Some(v) if !v.starts_with("--") => {
                        values.push(v.clone());
                        i += 1;
                    }
                    _ => {
                        return Err(format!(
                            "argument {}: expected one argument",
                            f.names.join("/")
                        ));
                    }
                },
                (Arity::Many, None) => {
                    while let Some(v) = words.get(i).filter(|v| !v.starts_with('-')) {
                        values.push(v.clone());
                        i += 1;
                    }
                }
            }
            given.retain(|(n, _)| *n != canonical);
            given.push((canonical, values));
        }
        let missing: Vec<String> = spec
            .iter()
            .filter(|f| f.required)
            .filter(|f| !given.iter().any(|(n, _)| *n == f.names[0]))
            .map(|f| f.names.join("/"))
            .collect();
        // argparse reports missing required arguments before unrecognized ones.
        if !missing.is_empty() {
            return Err(format!(
                "the following arguments are required: {}",
                missing.join(", ")
            ));
        }
        if !unknown.is_empty() {
            return Err(format!("unrecognized arguments: {}", unknown.join(" ")));
        }
        Ok(Flags { given })
    }

    fn switch(&self, name: &str) -> bool {
        self.given.iter().any(|(n, _)| *n == name)
    }

    fn value(&self, names: &[&str]) -> Option<&str> {
        self.given
            .iter()
            .find(|(n, _)| names.contains(n))
            .and_then(|(_, v)| v.first())
            .map(String::as_str)
    }

    fn values(&self, names: &[&str]) -> Vec<String> {
        self.given
            .iter()
            .find(|(n, _)| names.contains(n))
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn required(&self, names: &[&str]) -> Result<String, String> {
        self.value(names)
            .map(str::to_string)
            .ok_or_else(|| format!("the following arguments are required: {}", names.join("/")))
    }

    /// `--node-count/-c`, required for `az aks scale`.
    fn count(&self, required: bool) -> Result<Option<u32>, String> {
        match self.value(&["--node-count", "-c"]) {
            Some(v) => int(v, "--node-count/-c").map(Some),
            None if required => {
                Err("the following arguments are required: --node-count/-c".to_string())
            }
            None => Ok(None),
        }
    }

    fn output(&self) -> Result<Output, String> {
        match self.value(&["--output", "-o"]) {
            None => Ok(Output::Json),
            Some(o) => match o.to_ascii_lowercase().as_str() {
                "json" | "jsonc" | "yaml" | "yamlc" | "tsv" => Ok(Output::Json),
                "table" => Ok(Output::Table),
                "none" => Ok(Output::None),
                _ => Err(format!(
                    "argument --output/-o: invalid choice: '{o}' (choose from 'json', 'jsonc', 'yaml', 'yamlc', 'table', 'tsv', 'none')"
                )),
            },
        }
    }
}

/// What running a command against Azure gave at once.
pub enum Started {
    /// It finished: print this (stdout) or this error (stderr, exit 1).
    Done(Result<String, String>),
    /// AKS is carrying out this operation; the command waits for it.
    Waiting(u32),
}

/// Checks the command as AKS does and either answers it (show, list, refusals) or starts its
/// operation.
pub fn start(cmd: &AzCommand, azure: &mut Azure) -> Started {
    if cmd.cluster != azure.plan.name {
        let msg = format!(
            "The Resource 'Microsoft.ContainerService/managedClusters/{}' under resource group '{}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix",
            cmd.cluster, cmd.resource_group
        );
        return Started::Done(Err(arm_error("ResourceNotFound", &msg)));
    }
    match &cmd.verb {
        AzVerb::Show => Started::Done(Ok(render_cluster(cmd, azure))),
        AzVerb::PoolList => Started::Done(Ok(render_pools(cmd, azure, None))),
        AzVerb::Scale { pool, count } => {
            let live: Vec<&Pool> = azure.pools.iter().filter(|p| !p.deleted).collect();
            let target = match pool {
                None if live.len() > 1 => {
                    return Started::Done(Err("There are more than one node pool in the cluster. Please specify nodepool name or use az aks nodepool command to scale node pool".into()));
                }
                None => live.first().map(|p| p.index),
                Some(name) => azure.pool(name).map(|p| p.index),
            };
            let Some(index) = target else {
                let name = pool.clone().unwrap_or_default();
                return Started::Done(Err(format!("The nodepool \"{name}\" was not found.")));
            };
            begin_scale(azure, index, *count)
        }
        AzVerb::PoolScale { pool, count } => {
            let Some(p) = azure.pool(pool) else {
                return Started::Done(Err(pool_not_found(cmd, pool)));
            };
            if p.count == *count {
                return Started::Done(Err(
                    "The new node count is the same as the current node count.".into(),
                ));
            }
            let index = p.index;
            begin_scale(azure, index, *count)
        }
        AzVerb::PoolDelete { pool } => {
            let Some(p) = azure.pool(pool) else {
                return Started::Done(Err(pool_not_found(cmd, pool)));
            };
            let systems = azure
                .pools
                .iter()
                .filter(|q| !q.deleted && q.plan.system)
                .count();
            if p.plan.system && systems == 1 {
                return Started::Done(Err(arm_error(
                    "OperationNotAllowed",
                    &format!(
                        "Cannot delete agent pool '{pool}': there has to be at least one System agent pool in the cluster."
                    ),
                )));
            }
            let index = p.index;
            if let Some(p) = azure.pools.get_mut(index as usize) {
                p.provisioning_state = "Deleting";
            }
            Started::Waiting(azure.begin(OperationKind::DeletePool { pool: index }))
        }
        AzVerb::PoolAdd(new) => add_pool(azure, new),
    }
}

fn pool_not_found(cmd: &AzCommand, pool: &str) -> String {
    arm_error(
        "NotFound",
        &format!(
            "Could not find agent pool '{pool}' under managed cluster '{}' in resource group '{}'.",
            cmd.cluster, cmd.resource_group
        ),
    )
}

/// az's rendering of an ARM error: the code in parentheses, then `Code:` and `Message:`.
fn arm_error(code: &str, message: &str) -> String {
    format!("({code}) {message}\nCode: {code}\nMessage: {message}")
}

fn invalid_parameter(message: &str) -> String {
    arm_error("InvalidParameter", message)
}

/// The pool limit and AKS's up-front subnet check, then the operation.
fn begin_scale(azure: &mut Azure, pool: u32, count: u32) -> Started {
    if let Err(e) = check_count(azure, pool, count) {
        return Started::Done(Err(e));
    }
    if let Some(p) = azure.pools.get_mut(pool as usize) {
        p.provisioning_state = "Scaling";
    }
    Started::Waiting(azure.begin(OperationKind::Scale { pool, count }))
}

fn check_count(azure: &Azure, pool: u32, count: u32) -> Result<(), String> {
    let Some(p) = azure.pools.get(pool as usize) else {
        return Err("The nodepool was not found.".into());
    };
    if count > MAX_NODES_PER_POOL {
        return Err(invalid_parameter(&format!(
            "The value of parameter agentPoolProfile.count is invalid. Error details: value {count} must be between 0 and {MAX_NODES_PER_POOL}."
        )));
    }
    if count == 0 && p.plan.system {
        return Err(invalid_parameter(
            "The value of parameter agentPoolProfile.count is invalid. Error details: System node pools must have at least 1 node.",
        ));
    }
    let current = p.instances.iter().filter(|i| !i.deleting).count() as u32;
    let joining = count.saturating_sub(current);
    azure
        .ipam
        .check_join(u64::from(joining), p.plan.max_pods)
        .map_err(|e| arm_error("InsufficientSubnetSize", &e.to_string()))
}

fn add_pool(azure: &mut Azure, new: &NewPool) -> Started {
    if let Some(problem) = crate::scenario::load::pool_name_problem(&new.name) {
        return Started::Done(Err(invalid_parameter(&format!(
            "The agent pool name '{}' is invalid: it {problem}.",
            new.name
        ))));
    }
    if azure.pool(&new.name).is_some() {
        return Started::Done(Err(arm_error(
            "AgentPoolAlreadyExists",
            &format!("Agent pool '{}' already exists.", new.name),
        )));
    }
    let Some(size) = vm_sizes::lookup(&new.vm_size) else {
        return Started::Done(Err(invalid_parameter(&format!(
            "The VM size of {} is not supported for creation of VMs and Virtual Machine Scale Set.",
            new.vm_size
        ))));
    };
    if size.burstable && new.system {
        return Started::Done(Err(invalid_parameter(&format!(
            "The VM size of {} is not allowed in a System node pool: B-series sizes are not supported for System node pools.",
            size.name
        ))));
    }
    let max_pods = if new.max_pods == 0 {
        crate::network::config::default_max_pods(azure.plan.network.plugin)
    } else {
        new.max_pods
    };
    let (lo, hi) = crate::network::config::max_pods_range();
    if !(lo..=hi).contains(&max_pods) {
        return Started::Done(Err(invalid_parameter(&format!(
            "The value of parameter agentPoolProfile.maxPods is invalid. Error details: value {max_pods} must be between {lo} and {hi}."
        ))));
    }
    let minor =
        crate::aks::node_info::kubernetes_minor(&azure.plan.kubernetes_version).unwrap_or(35);
    let plan = PoolPlan {
        name: new.name.clone(),
        system: new.system,
        count: 0,
        vm_size: size.name,
        resources: crate::aks::allocatable::node_resources(
            size.cpu_milli(),
            size.memory_bytes(),
            minor,
            max_pods,
        ),
        max_pods,
        zones: new.zones.clone(),
        labels: new.labels.clone(),
        taints: new.taints.clone(),
    };
    let index = azure.pools.len() as u32;
    azure.pools.push(Pool {
        plan,
        index,
        instances: Vec::new(),
        next_instance: 0,
        count: 0,
        provisioning_state: "Creating",
        deleted: false,
    });
    if let Err(e) = check_count(azure, index, new.count) {
        azure.pools.pop();
        return Started::Done(Err(e));
    }
    Started::Waiting(azure.begin(OperationKind::AddPool {
        pool: index,
        count: new.count,
    }))
}

/// The operation ended: what az prints.
pub fn finish(cmd: &AzCommand, azure: &Azure, operation: u32) -> Result<String, String> {
    let result = azure
        .operations
        .get(operation as usize)
        .and_then(|o| o.result.clone())
        .unwrap_or(Ok(()));
    let pool = match azure.operations.get(operation as usize).map(|o| &o.kind) {
        Some(OperationKind::Scale { pool, .. } | OperationKind::AddPool { pool, .. }) => {
            Some(*pool)
        }
        _ => None,
    };
    result?;
    Ok(match &cmd.verb {
        AzVerb::PoolDelete { .. } => String::new(),
        AzVerb::Scale { .. } => render_cluster(cmd, azure),
        _ => render_pools(cmd, azure, pool),
    })
}

/// The agent pool fields kubesim models, as az's JSON and table show them.
fn pool_fields(azure: &Azure, p: &Pool) -> Vec<(&'static str, String)> {
    vec![
        ("name", p.plan.name.clone()),
        ("osType", "Linux".into()),
        ("kubernetesVersion", azure.plan.kubernetes_version.clone()),
        ("vmSize", p.plan.vm_size.to_string()),
        ("osDiskSizeGB", "128".into()),
        ("count", p.count.to_string()),
        ("maxPods", p.plan.max_pods.to_string()),
        ("provisioningState", p.provisioning_state.to_string()),
        ("mode", if p.plan.system { "System" } else { "User" }.into()),
    ]
}

fn render_pools(cmd: &AzCommand, azure: &Azure, only: Option<u32>) -> String {
    let pools: Vec<&Pool> = azure
        .pools
        .iter()
        .filter(|p| !p.deleted && only.is_none_or(|i| i == p.index))
        .collect();
    let rows: Vec<Vec<(&'static str, String)>> =
        pools.iter().map(|p| pool_fields(azure, p)).collect();
    match cmd.output {
        Output::None => String::new(),
        Output::Table => table(&rows),
        Output::Json => {
            let objects: Vec<serde_json::Value> = rows.iter().map(|r| json_object(r)).collect();
            let value = match (only, objects.len()) {
                (Some(_), 1) => objects.into_iter().next().unwrap_or_default(),
                _ => serde_json::Value::Array(objects),
            };
            serde_json::to_string_pretty(&value).unwrap_or_default()
        }
    }
}

fn render_cluster(cmd: &AzCommand, azure: &Azure) -> String {
    let version = azure.plan.kubernetes_version.clone();
    let current = azure
        .plan
        .info
        .kubelet_version
        .trim_start_matches('v')
        .to_string();
    let prefix: String = azure.plan.name.chars().take(10).collect();
    let rg: String = cmd.resource_group.chars().take(16).collect();
    let hash = crate::sim::rng::fnv1a_32(azure.plan.name.as_bytes());
    let fqdn = format!(
        "{prefix}-{rg}-000000-{hash:08x}.hcp.{}.azmk8s.io",
        azure.plan.location
    );
    let state = if azure
        .pools
        .iter()
        .all(|p| p.provisioning_state == "Succeeded" || p.deleted)
    {
        "Succeeded"
    } else {
        "Updating"
    };
    let fields = vec![
        ("name", azure.plan.name.clone()),
        ("location", azure.plan.location.clone()),
        ("resourceGroup", cmd.resource_group.clone()),
        ("kubernetesVersion", version),
        ("currentKubernetesVersion", current),
        ("provisioningState", state.to_string()),
        ("fqdn", fqdn),
    ];
    match cmd.output {
        Output::None => String::new(),
        Output::Table => table(&[fields]),
        Output::Json => {
            let mut obj = json_object(&fields);
            let pools: Vec<serde_json::Value> = azure
                .pools
                .iter()
                .filter(|p| !p.deleted)
                .map(|p| json_object(&pool_fields(azure, p)))
                .collect();
            if let serde_json::Value::Object(m) = &mut obj {
                m.insert("agentPoolProfiles".into(), serde_json::Value::Array(pools));
            }
            serde_json::to_string_pretty(&obj).unwrap_or_default()
        }
    }
}

fn json_object(fields: &[(&'static str, String)]) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for (k, v) in fields {
        let value = match v.parse::<u64>() {
            Ok(n) if *k != "kubernetesVersion" => serde_json::Value::from(n),
            _ => serde_json::Value::from(v.clone()),
        };
        m.insert((*k).to_string(), value);
    }
    serde_json::Value::Object(m)
}

/// knack's `_TableOutput` over tabulate's "simple" format: headers are the keys with their
/// first letter capitalised, a rule of dashes under each, columns two spaces apart and
/// left-aligned (numbers too: knack disables number parsing), trailing spaces trimmed.
fn table(rows: &[Vec<(&'static str, String)>]) -> String {
    let Some(first) = rows.first() else {
        return String::new();
    };
    let headers: Vec<String> = first
        .iter()
        .map(|(k, _)| {
            let mut c = k.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    let widths: Vec<usize> = (0..headers.len())
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i).map(|(_, v)| v.chars().count()))
                .chain([headers[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<String>| -> String {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = vec![
        line(headers),
        line(widths.iter().map(|w| "-".repeat(*w)).collect()),
    ];
    for r in rows {
        out.push(line(r.iter().map(|(_, v)| v.clone()).collect()));
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn scale_takes_azs_short_and_long_flags() {
        let c = parse(&words(
            "az aks scale -g rg -n c --node-count 5 --nodepool-name np1 -o none",
        ))
        .expect("valid");
        assert_eq!(c.resource_group, "rg");
        assert_eq!(c.cluster, "c");
        assert_eq!(c.output, Output::None);
        assert_eq!(
            c.verb,
            AzVerb::Scale {
                pool: Some("np1".into()),
                count: 5
            }
        );
        let c = parse(&words("az aks scale --resource-group=rg --name=c -c 2")).expect("valid");
        assert_eq!(
            c.verb,
            AzVerb::Scale {
                pool: None,
                count: 2
            }
        );
    }

    #[test]
    fn argparse_errors_read_as_azs() {
        assert_eq!(
            parse(&words("az aks scale -g rg -n c")),
            Err("the following arguments are required: --node-count/-c".into())
        );
        assert_eq!(
            parse(&words("az aks scale -g rg -n c -c 2 --bogus")),
            Err("unrecognized arguments: --bogus".into())
        );
        // argparse checks required arguments before it reports unrecognized ones.
        assert_eq!(
            parse(&words("az aks scale -g rg -n c --node-cont 3")),
            Err("the following arguments are required: --node-count/-c".into())
        );
        assert_eq!(
            parse(&words("az aks scale -g rg -n c -c 3 --node-cont 3")),
            Err("unrecognized arguments: --node-cont 3".into())
        );
        assert_eq!(
            parse(&words("az aks scael")),
            Err("'scael' is misspelled or not recognized by the system.".into())
        );
        assert_eq!(
            parse(&words("az aks nodepool list -g rg")),
            Err("the following arguments are required: --cluster-name".into())
        );
    }

    #[test]
    fn nodepool_add_reads_labels_taints_and_zones() {
        let c = parse(&words(
            "az aks nodepool add -g rg --cluster-name c --name gpu --node-count 2 --labels team=ml tier=gpu --node-taints sku=gpu:NoSchedule --zones 1 2 --mode User",
        ))
        .expect("valid");
        let AzVerb::PoolAdd(p) = c.verb else {
            panic!("not an add");
        };
        assert_eq!(p.count, 2);
        assert_eq!(
            p.labels,
            [("team".into(), "ml".into()), ("tier".into(), "gpu".into())]
        );
        assert_eq!(p.taints[0].key, "sku");
        assert_eq!(p.taints[0].value, "gpu");
        assert_eq!(p.taints[0].effect, TaintEffect::NoSchedule);
        assert_eq!(p.zones, [1, 2]);
        assert!(!p.system);
        // azure-cli's aks_agentpool_add: node_count=3 by default.
        let c = parse(&words("az aks nodepool add -g rg --cluster-name c -n np2")).expect("valid");
        let AzVerb::PoolAdd(p) = c.verb else {
            panic!("not an add");
        };
        assert_eq!(p.count, 3);
    }

    #[test]
    fn tables_are_tabulates_simple_format() {
        // knack _TableOutput: keys with the first letter capitalised (osDiskSizeGB →
        // OsDiskSizeGB), dashes as wide as each column, two spaces between columns.
        let rows = vec![
            vec![
                ("name", "nodepool1".to_string()),
                ("count", "3".to_string()),
            ],
            vec![("name", "np2".to_string()), ("count", "12".to_string())],
        ];
        assert_eq!(
            table(&rows),
            "Name       Count\n---------  -----\nnodepool1  3\nnp2        12"
        );
    }
}
