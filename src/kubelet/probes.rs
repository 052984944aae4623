//! Readiness probes, computed rather than ticked: the prober worker
//! (pkg/kubelet/prober/worker.go) probes every `periodSeconds` from when it was created (the
//! pod's admission), skips probes before `initialDelaySeconds` of running, and flips the
//! result after `successThreshold` passes in a row. Because an image's readiness starts
//! passing at a known instant (`readyAfter`), the tick at which the container becomes
//! ready is arithmetic; the kubelet sets one timer for it, plus one per failing probe that
//! records an `Unhealthy` event (a bounded number: those before `readyAfter`). A pod whose
//! probe result cannot change costs no events at all, however many pods there are.

use crate::model::pod::{Probe, ProbeHandler};
use crate::sim::time::{SimDuration, SimTime};

const S: u64 = 1_000_000;

/// The first probe tick at or after `t` of a worker created at `worker_start`.
fn tick_at_or_after(p: &Probe, worker_start: SimTime, t: SimTime) -> SimTime {
    let period = u64::from(p.period_s.max(1)) * S;
    let since = t.since(worker_start).as_micros();
    worker_start + SimDuration(since.div_ceil(period) * period)
}

/// The first probe that counts for a run started at `start` (`initialDelaySeconds` passed).
pub fn first_probe(p: &Probe, worker_start: SimTime, start: SimTime) -> SimTime {
    let delay = SimDuration(u64::from(p.initial_delay_s) * S);
    tick_at_or_after(p, worker_start, (start + delay).max(worker_start))
}

/// When the container becomes ready: the first tick that passes (not before `start +
/// ready_after`), then `successThreshold - 1` more periods.
pub fn ready_at(
    p: &Probe,
    worker_start: SimTime,
    start: SimTime,
    ready_after: SimDuration,
) -> SimTime {
    let first_pass = tick_at_or_after(
        p,
        worker_start,
        first_probe(p, worker_start, start).max(start + ready_after),
    );
    let more = u64::from(p.success_threshold.max(1) - 1) * u64::from(p.period_s.max(1)) * S;
    first_pass + SimDuration(more)
}

/// The probe after `t` (one period later).
pub fn next_probe(p: &Probe, t: SimTime) -> SimTime {
    t + SimDuration(u64::from(p.period_s.max(1)) * S)
}

/// `Unhealthy`'s message for a failing readiness probe (prober.go `%s probe failed: %s`,
/// trimmed as kubectl prints it): a server not yet serving answers 503 or refuses the
/// connection.
pub fn failure_message(p: &Probe, pod_ip: Option<std::net::Ipv4Addr>) -> String {
    let output = match p.handler {
        ProbeHandler::HttpGet => "HTTP probe failed with statuscode: 503".to_string(),
        ProbeHandler::TcpSocket(port) => {
            let ip = pod_ip.map(|i| i.to_string()).unwrap_or_default();
            let port = port.map(|p| p.to_string()).unwrap_or_default();
            format!("dial tcp {ip}:{port}: connect: connection refused")
        }
        ProbeHandler::Grpc => "timeout: failed to connect service within 1s".to_string(),
        ProbeHandler::Exec => String::new(),
    };
    format!("Readiness probe failed: {output}")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(delay: u32, period: u32, success: u32) -> Probe {
        Probe {
            initial_delay_s: delay,
            period_s: period,
            success_threshold: success,
            ..Probe::default()
        }
    }

    #[test]
    fn readiness_passes_at_the_first_tick_after_ready_after() {
        // worker.go: ticks every periodSeconds from the worker's start; readyAfter 20s on a
        // container started 3s after admission passes at the tick 30s after admission.
        let p = probe(0, 10, 1);
        let worker = SimTime(0);
        assert_eq!(
            ready_at(&p, worker, SimTime(3 * S), SimDuration(20 * S)),
            SimTime(30 * S)
        );
        // Already passing: the first tick at or after the start.
        assert_eq!(
            ready_at(&p, worker, SimTime(3 * S), SimDuration(0)),
            SimTime(10 * S)
        );
    }

    #[test]
    fn initial_delay_and_success_threshold_push_readiness_later() {
        let worker = SimTime(0);
        // initialDelaySeconds 15 from a start at 3s: first counted probe at 20s.
        assert_eq!(
            first_probe(&probe(15, 10, 1), worker, SimTime(3 * S)),
            SimTime(20 * S)
        );
        assert_eq!(
            ready_at(&probe(15, 10, 1), worker, SimTime(3 * S), SimDuration(0)),
            SimTime(20 * S)
        );
        // successThreshold 3: two more periods.
        assert_eq!(
            ready_at(&probe(0, 5, 3), worker, SimTime(0), SimDuration(0)),
            SimTime(10 * S)
        );
    }

    #[test]
    fn failure_texts_follow_the_handler() {
        let http = probe(0, 10, 1);
        assert_eq!(
            failure_message(&http, None),
            "Readiness probe failed: HTTP probe failed with statuscode: 503"
        );
        let exec = Probe {
            handler: ProbeHandler::Exec,
            ..http
        };
        assert_eq!(failure_message(&exec, None), "Readiness probe failed:");
        let tcp = Probe {
            handler: ProbeHandler::TcpSocket(Some(8080)),
            ..http
        };
        assert_eq!(
            failure_message(&tcp, Some(std::net::Ipv4Addr::new(10, 244, 0, 5))),
            "Readiness probe failed: dial tcp 10.244.0.5:8080: connect: connection refused"
        );
    }
}
