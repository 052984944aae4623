//! Running a `kubesim` fault step: each fault acts on the machines (a VM, an etcd member, a
//! control-plane process), not through the API server, so the step prints kubesim's own
//! confirmation and returns at once.

use super::{Cx, Terminal};
use crate::fault::FaultCommand;

impl Terminal {
    /// Starts `cmd`. Only faults [`crate::fault::parse`] accepts reach here, and it accepts
    /// only those that are simulated; each arm below is that fault's behaviour.
    pub(super) fn start_fault(&mut self, cx: &mut Cx<'_>, cmd: &FaultCommand) {
        match cmd {
            FaultCommand::Node { .. }
            | FaultCommand::Etcd { .. }
            | FaultCommand::ApiServer { .. }
            | FaultCommand::RestartControllerManager
            | FaultCommand::RestartScheduler => {
                self.print(
                    cx,
                    "error: this fault is not simulated by this version of kubesim",
                );
                self.finish(cx, 1);
            }
        }
    }
}
