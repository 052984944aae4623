//! The pod phase the kubelet computes from its containers: a port of `getPhase`
//! (pkg/kubelet/kubelet_pods.go).

use crate::model::pod::{ContainerState, ContainerStatus, Phase, RestartPolicy};

/// `getPhase` for the regular containers (init containers are not run by kubesim): any
/// container waiting for its first run keeps the pod Pending; any running one makes it
/// Running; once all have stopped, `Always` stays Running (it restarts them), `OnFailure`
/// is Succeeded if all exited 0 and Running otherwise, `Never` is Succeeded if all exited 0
/// and Failed otherwise. A container waiting to be restarted (it has a `lastState`) counts
/// as stopped, with its last exit code.
pub fn phase(policy: RestartPolicy, containers: &[ContainerStatus]) -> Phase {
    let (mut waiting, mut running, mut stopped, mut succeeded) = (0, 0, 0, 0);
    for c in containers {
        match (&c.state, &c.last_state) {
            (ContainerState::Running(_), _) => running += 1,
            (ContainerState::Terminated { exit_code, .. }, _) => {
                stopped += 1;
                if *exit_code == 0 {
                    succeeded += 1;
                }
            }
            (ContainerState::Waiting(_), Some(last)) => {
                stopped += 1;
                if last.exit_code == 0 {
                    succeeded += 1;
                }
            }
            (ContainerState::Waiting(_), None) => waiting += 1,
        }
    }
    if waiting > 0 {
        return Phase::Pending;
    }
    if running > 0 {
        return Phase::Running;
    }
    if stopped == 0 {
        return Phase::Pending;
    }
    match policy {
        RestartPolicy::Always => Phase::Running,
        RestartPolicy::OnFailure if stopped == succeeded => Phase::Succeeded,
        RestartPolicy::OnFailure => Phase::Running,
        RestartPolicy::Never if stopped == succeeded => Phase::Succeeded,
        RestartPolicy::Never => Phase::Failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::pod::Terminated;
    use crate::sim::time::SimTime;

    fn cs(state: ContainerState, last: Option<i32>) -> ContainerStatus {
        ContainerStatus {
            state,
            ready: false,
            restart_count: u32::from(last.is_some()),
            last_state: last.map(|exit_code| Terminated {
                reason: "Error",
                exit_code,
                finished: SimTime(0),
            }),
        }
    }

    fn exited(code: i32) -> ContainerStatus {
        let reason = if code == 0 { "Completed" } else { "Error" };
        cs(
            ContainerState::Terminated {
                reason,
                exit_code: code,
            },
            None,
        )
    }

    #[test]
    fn phases_follow_get_phase() {
        // kubelet_pods_test.go TestPodPhaseWithRestartAlways/OnFailure/Never cases.
        use RestartPolicy::*;
        let running = cs(ContainerState::Running(SimTime(0)), None);
        let creating = cs(ContainerState::Waiting("ContainerCreating"), None);
        let backoff = cs(ContainerState::Waiting("CrashLoopBackOff"), Some(1));
        assert_eq!(
            phase(Always, std::slice::from_ref(&creating)),
            Phase::Pending
        );
        assert_eq!(phase(Always, &[running.clone(), creating]), Phase::Pending);
        assert_eq!(phase(Always, &[running.clone(), exited(1)]), Phase::Running);
        assert_eq!(phase(Always, &[exited(0)]), Phase::Running);
        assert_eq!(
            phase(Always, std::slice::from_ref(&backoff)),
            Phase::Running
        );
        assert_eq!(phase(OnFailure, &[exited(0), exited(0)]), Phase::Succeeded);
        assert_eq!(phase(OnFailure, &[exited(0), exited(1)]), Phase::Running);
        assert_eq!(phase(OnFailure, &[backoff]), Phase::Running);
        assert_eq!(phase(Never, &[exited(0), exited(0)]), Phase::Succeeded);
        assert_eq!(phase(Never, &[exited(0), exited(2)]), Phase::Failed);
        assert_eq!(phase(Never, &[running, exited(2)]), Phase::Running);
    }
}
