//! The `kubesim` step commands: faults and operations no real command line has, because they
//! happen to the machines rather than through the API (docs/commands.md#faults). `kubesim node
//! fail NODE` stops a VM; `kubesim etcd fail etcd-2` stops an etcd member; and so on.
//!
//! This module parses them (checked before the run, like kubectl's command lines) into a
//! typed [`FaultCommand`].

/// A node pressure condition `kubesim node pressure` raises (the kubelet's eviction signals
/// `memory.available`, `nodefs.available`, `pid.available`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Pressure {
    /// `memory` → MemoryPressure.
    Memory,
    /// `disk` → DiskPressure.
    Disk,
    /// `pid` → PIDPressure.
    Pid,
}

impl Pressure {
    /// The node condition the kubelet reports under it.
    pub fn condition(self) -> crate::model::node::ConditionType {
        use crate::model::node::ConditionType as C;
        match self {
            Pressure::Memory => C::MemoryPressure,
            Pressure::Disk => C::DiskPressure,
            Pressure::Pid => C::PidPressure,
        }
    }

    /// The word the command line uses.
    pub fn word(self) -> &'static str {
        match self {
            Pressure::Memory => "memory",
            Pressure::Disk => "disk",
            Pressure::Pid => "pid",
        }
    }
}

/// What happens to one node's VM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeFault {
    /// `fail`: the VM stops (kubelet, containers and heartbeats stop; the VM still exists).
    Fail,
    /// `recover`: the VM boots again and its kubelet re-registers.
    Recover,
    /// `delete`: the VM is deleted, and with it the Node.
    Delete,
    /// `partition`: the node keeps running but cannot reach the API server.
    Partition,
    /// `heal`: the partition ends.
    Heal,
    /// `pressure RESOURCE`: the kubelet reports the pressure condition.
    Pressure(Pressure),
    /// `relieve [RESOURCE]`: the pressure ends (all of it without a resource).
    Relieve(Option<Pressure>),
}

/// A parsed `kubesim` step command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultCommand {
    /// `kubesim node VERB NODE [...]`.
    Node {
        /// The node's name.
        node: String,
        /// What happens to it.
        fault: NodeFault,
    },
    /// `kubesim etcd fail|recover etcd-N`.
    Etcd {
        /// The member's name (`etcd-0`, `etcd-1`, …).
        member: String,
        /// `true` for `fail`, `false` for `recover`.
        fail: bool,
    },
    /// `kubesim apiserver fail|recover N`.
    ApiServer {
        /// The API server's index.
        index: u32,
        /// `true` for `fail`, `false` for `recover`.
        fail: bool,
    },
    /// `kubesim controller-manager restart`.
    RestartControllerManager,
    /// `kubesim scheduler restart`.
    RestartScheduler,
}

/// A control-plane process that `kubesim … restart` restarts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Process {
    /// kube-controller-manager (every controller of the component table that it runs).
    ControllerManager,
    /// kube-scheduler.
    Scheduler,
}

impl Process {
    /// Its name, which is also its leader-election Lease's name in kube-system.
    pub fn name(self) -> &'static str {
        match self {
            Process::ControllerManager => "kube-controller-manager",
            Process::Scheduler => "kube-scheduler",
        }
    }
}

/// A fault of the managed control plane, as the run carries it from a step to the machines
/// (small and `Copy`, like every event payload).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ControlPlaneFault {
    /// etcd member N stops (`true`) or runs again (`false`).
    Etcd(u32, bool),
    /// API server replica N stops (`true`) or runs again (`false`).
    ApiServer(u32, bool),
    /// The process exits and starts again.
    Restart(Process),
}

/// The member index of `etcd-N`.
pub fn etcd_index(member: &str) -> Option<u32> {
    let n = member.strip_prefix("etcd-")?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) || (n.len() > 1 && n.starts_with('0'))
    {
        return None;
    }
    n.parse().ok()
}

impl FaultCommand {
    /// Whether it takes something away (a VM, a member, a process, a node's network or
    /// resources) rather than giving it back: where a sweep's time to recover starts.
    pub fn harms(&self) -> bool {
        match self {
            FaultCommand::Node { fault, .. } => matches!(
                fault,
                NodeFault::Fail | NodeFault::Delete | NodeFault::Partition | NodeFault::Pressure(_)
            ),
            FaultCommand::Etcd { fail, .. } | FaultCommand::ApiServer { fail, .. } => *fail,
            FaultCommand::RestartControllerManager | FaultCommand::RestartScheduler => true,
        }
    }

    /// The control-plane fault this command is, checked against the cluster's control plane
    /// (`etcd_members` members, `api_servers` replicas); `None` for a node fault. The error
    /// names what exists.
    pub fn control_plane(
        &self,
        etcd_members: u32,
        api_servers: u32,
    ) -> Option<Result<ControlPlaneFault, String>> {
        Some(match self {
            FaultCommand::Node { .. } => return None,
            FaultCommand::Etcd { member, fail } => match etcd_index(member) {
                Some(m) if m < etcd_members => Ok(ControlPlaneFault::Etcd(m, *fail)),
                _ => Err(format!(
                    "etcd member {member:?} does not exist: the cluster's etcd members are etcd-0 to etcd-{} (cluster.controlPlane.etcdMembers: {etcd_members})",
                    etcd_members.saturating_sub(1)
                )),
            },
            FaultCommand::ApiServer { index, fail } if *index < api_servers => {
                Ok(ControlPlaneFault::ApiServer(*index, *fail))
            }
            FaultCommand::ApiServer { index, .. } => Err(format!(
                "API server {index} does not exist: the cluster's API servers are 0 to {} (cluster.controlPlane.apiServers: {api_servers})",
                api_servers.saturating_sub(1)
            )),
            FaultCommand::RestartControllerManager => {
                Ok(ControlPlaneFault::Restart(Process::ControllerManager))
            }
            FaultCommand::RestartScheduler => Ok(ControlPlaneFault::Restart(Process::Scheduler)),
        })
    }
}

/// The usage line of each group, shown when its words do not parse.
const NODE_USAGE: &str = "kubesim node fail|recover|delete|partition|heal NODE | kubesim node pressure NODE memory|disk|pid | kubesim node relieve NODE [memory|disk|pid]";
const ETCD_USAGE: &str = "kubesim etcd fail|recover etcd-N";
const APISERVER_USAGE: &str = "kubesim apiserver fail|recover N";

/// Parses a `kubesim …` command line (its words, `kubesim` first). The error is the
/// diagnostic's text.
pub fn parse(words: &[String]) -> Result<FaultCommand, String> {
    let rest: Vec<&str> = words.iter().skip(1).map(String::as_str).collect();
    let usage = |u: &str| format!("usage: {u}");
    let cmd = match rest.as_slice() {
        ["node", verb, node, more @ ..] => {
            let fault = match (*verb, more) {
                ("fail", []) => NodeFault::Fail,
                ("recover", []) => NodeFault::Recover,
                ("delete", []) => NodeFault::Delete,
                ("partition", []) => NodeFault::Partition,
                ("heal", []) => NodeFault::Heal,
                ("pressure", [r]) => NodeFault::Pressure(pressure(r)?),
                ("relieve", []) => NodeFault::Relieve(None),
                ("relieve", [r]) => NodeFault::Relieve(Some(pressure(r)?)),
                _ => return Err(usage(NODE_USAGE)),
            };
            FaultCommand::Node {
                node: (*node).to_string(),
                fault,
            }
        }
        ["node", ..] => return Err(usage(NODE_USAGE)),
        ["etcd", verb @ ("fail" | "recover"), member] => FaultCommand::Etcd {
            member: (*member).to_string(),
            fail: *verb == "fail",
        },
        ["etcd", ..] => return Err(usage(ETCD_USAGE)),
        ["apiserver", verb @ ("fail" | "recover"), index] => FaultCommand::ApiServer {
            index: index.parse().map_err(|_| {
                format!("invalid API server index {index:?}: want 0, 1, … ({APISERVER_USAGE})")
            })?,
            fail: *verb == "fail",
        },
        ["apiserver", ..] => return Err(usage(APISERVER_USAGE)),
        ["controller-manager", "restart"] => FaultCommand::RestartControllerManager,
        ["scheduler", "restart"] => FaultCommand::RestartScheduler,
        ["controller-manager" | "scheduler", ..] => {
            return Err(usage(&format!("kubesim {} restart", rest[0])));
        }
        _ => {
            return Err(format!(
                "unknown kubesim command {:?}: the step commands are `kubesim node …`, `kubesim etcd …`, `kubesim apiserver …`, `kubesim controller-manager restart` and `kubesim scheduler restart`",
                rest.join(" ")
            ));
        }
    };
    Ok(cmd)
}

fn pressure(word: &str) -> Result<Pressure, String> {
    [Pressure::Memory, Pressure::Disk, Pressure::Pid]
        .into_iter()
        .find(|p| p.word() == word)
        .ok_or_else(|| format!("unknown pressure {word:?}: want memory, disk or pid"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn malformed_lines_name_the_usage_of_their_group() {
        for (line, want) in [
            ("kubesim node fail", NODE_USAGE),
            ("kubesim node pressure n1 cpu", "unknown pressure \"cpu\""),
            ("kubesim node fail n1 extra", NODE_USAGE),
            ("kubesim etcd stop etcd-0", ETCD_USAGE),
            (
                "kubesim apiserver fail one",
                "invalid API server index \"one\"",
            ),
            ("kubesim scheduler stop", "kubesim scheduler restart"),
            ("kubesim pods fail", "unknown kubesim command \"pods fail\""),
        ] {
            let e = parse(&words(line)).unwrap_err();
            assert!(e.contains(want), "{line}: {e}");
        }
    }

    #[test]
    fn control_plane_faults_name_members_and_replicas_that_exist() {
        let cp = |line: &str| parse(&words(line)).unwrap().control_plane(3, 2).unwrap();
        assert_eq!(
            cp("kubesim etcd fail etcd-2"),
            Ok(ControlPlaneFault::Etcd(2, true))
        );
        assert_eq!(
            cp("kubesim etcd recover etcd-0"),
            Ok(ControlPlaneFault::Etcd(0, false))
        );
        assert_eq!(
            cp("kubesim apiserver fail 1"),
            Ok(ControlPlaneFault::ApiServer(1, true))
        );
        assert_eq!(
            cp("kubesim scheduler restart"),
            Ok(ControlPlaneFault::Restart(Process::Scheduler))
        );
        for (line, want) in [
            (
                "kubesim etcd fail etcd-3",
                "etcd member \"etcd-3\" does not exist: the cluster's etcd members are etcd-0 to etcd-2",
            ),
            (
                "kubesim etcd fail etcd-01",
                "etcd member \"etcd-01\" does not exist",
            ),
            (
                "kubesim etcd fail node-1",
                "etcd member \"node-1\" does not exist",
            ),
            (
                "kubesim apiserver recover 2",
                "API server 2 does not exist: the cluster's API servers are 0 to 1",
            ),
        ] {
            let e = cp(line).unwrap_err();
            assert!(e.starts_with(want), "{line}: {e}");
        }
    }
}
