//! The pod phase the kubelet computes from its containers: a port of `getPhase`
//! (pkg/kubelet/kubelet_pods.go), init containers first.

use crate::model::pod::{ContainerState, ContainerStatus, Phase, RestartPolicy};

/// `getPhase`. An init container that is running or waiting for its first run keeps the pod
/// Pending; one that failed (terminated non-zero, or waiting after a non-zero exit) fails the
/// pod under `Never` and otherwise keeps it Pending while it is retried (the regular
/// containers all wait). Then for the regular containers: any
/// container waiting for its first run keeps the pod Pending; any running one makes it
/// Running; once all have stopped, `Always` stays Running (it restarts them), `OnFailure`
/// is Succeeded if all exited 0 and Running otherwise, `Never` is Succeeded if all exited 0
/// and Failed otherwise. A container waiting to be restarted (it has a `lastState`) counts
/// as stopped, with its last exit code.
pub fn phase(
    policy: RestartPolicy,
    init: &[ContainerStatus],
    containers: &[ContainerStatus],
) -> Phase {
    let (mut pending_init, mut failed_init) = (0, 0);
    for c in init {
        match (&c.state, &c.last_state) {
            (ContainerState::Terminated { exit_code, .. }, _) => {
                failed_init += usize::from(*exit_code != 0);
            }
            (ContainerState::Waiting(_), Some(last)) => {
                failed_init += usize::from(last.exit_code != 0);
            }
            _ => pending_init += 1,
        }
    }
    if failed_init > 0 && policy == RestartPolicy::Never {
        return Phase::Failed;
    }
    if pending_init > 0 {
        return Phase::Pending;
    }
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
            phase(Always, &[], std::slice::from_ref(&creating)),
            Phase::Pending
        );
        assert_eq!(
            phase(Always, &[], &[running.clone(), creating]),
            Phase::Pending
        );
        assert_eq!(
            phase(Always, &[], &[running.clone(), exited(1)]),
            Phase::Running
        );
        assert_eq!(phase(Always, &[], &[exited(0)]), Phase::Running);
        assert_eq!(
            phase(Always, &[], std::slice::from_ref(&backoff)),
            Phase::Running
        );
        assert_eq!(
            phase(OnFailure, &[], &[exited(0), exited(0)]),
            Phase::Succeeded
        );
        assert_eq!(
            phase(OnFailure, &[], &[exited(0), exited(1)]),
            Phase::Running
        );
        assert_eq!(phase(OnFailure, &[], &[backoff]), Phase::Running);
        assert_eq!(phase(Never, &[], &[exited(0), exited(0)]), Phase::Succeeded);
        assert_eq!(phase(Never, &[], &[exited(0), exited(2)]), Phase::Failed);
        assert_eq!(phase(Never, &[], &[running, exited(2)]), Phase::Running);
    }

    #[test]
    fn init_containers_hold_the_pod_pending_or_fail_it_under_never() {
        // kubelet_pods_test.go TestPodPhaseWithRestartAlwaysInitContainers /
        // TestPodPhaseWithRestartNeverInitContainers: a running or not yet run init container
        // is Pending; a failed one is Pending while it is retried, Failed under Never.
        use RestartPolicy::*;
        let waiting = cs(ContainerState::Waiting("PodInitializing"), None);
        let running = cs(ContainerState::Running(SimTime(0)), None);
        let backoff = cs(ContainerState::Waiting("CrashLoopBackOff"), Some(1));
        let main = std::slice::from_ref(&waiting);
        assert_eq!(
            phase(Always, std::slice::from_ref(&running), main),
            Phase::Pending
        );
        assert_eq!(
            phase(Always, &[exited(0), waiting.clone()], main),
            Phase::Pending
        );
        assert_eq!(phase(Always, &[exited(1)], main), Phase::Pending);
        assert_eq!(phase(OnFailure, &[backoff], main), Phase::Pending);
        assert_eq!(phase(Never, &[exited(1)], main), Phase::Failed);
        assert_eq!(phase(Never, &[exited(0)], main), Phase::Pending);
        let started = cs(ContainerState::Running(SimTime(0)), None);
        assert_eq!(phase(Never, &[exited(0)], &[started]), Phase::Running);
    }
}
