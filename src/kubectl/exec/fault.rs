//! Running a `kubesim` fault step: each fault acts on the machines (a VM, an etcd member, a
//! control-plane process), not through the API server, so the step prints kubesim's own
//! confirmation and returns at once.

use super::{Cx, Terminal};
use crate::fault::{ControlPlaneFault, FaultCommand};

impl Terminal {
    /// Starts `cmd`. Only faults [`crate::fault::parse`] accepts reach here, and it accepts
    /// only those that are simulated; each arm below is that fault's behaviour.
    pub(super) fn start_fault(&mut self, cx: &mut Cx<'_>, cmd: &FaultCommand) {
        // The step's members and replicas were checked against the scenario before the run.
        match cmd.control_plane(u32::MAX, u32::MAX) {
            Some(Ok(fault)) => {
                cx.control_plane(fault);
                self.print(cx, &confirmation(fault));
                self.finish(cx, 0);
            }
            Some(Err(_)) | None => {
                self.print(
                    cx,
                    "error: this fault is not simulated by this version of kubesim",
                );
                self.finish(cx, 1);
            }
        }
    }
}

/// What kubesim prints for a control-plane fault: what happened to which machine.
fn confirmation(fault: ControlPlaneFault) -> String {
    let verb = |fail: bool| if fail { "stopped" } else { "started" };
    match fault {
        ControlPlaneFault::Etcd(m, fail) => format!("etcd member etcd-{m} {}", verb(fail)),
        ControlPlaneFault::ApiServer(i, fail) => format!("kube-apiserver {i} {}", verb(fail)),
        ControlPlaneFault::Restart(p) => format!("{} restarting", p.name()),
    }
}
