//! Probes, computed rather than ticked. The prober worker (pkg/kubelet/prober/worker.go)
//! probes every `periodSeconds` from when it was created (the pod's admission), skips probes
//! before `initialDelaySeconds` of running, and flips its result after `successThreshold`
//! passes or `failureThreshold` failures in a row. Readiness and liveness are not probed
//! until the startup probe, if any, has succeeded. kubesim's process answers every probe
//! once it serves (the image's `readyAfter`) and fails every probe before, so the whole
//! course of a probe over one run is arithmetic: the kubelet sets one timer for the change
//! (ready, or killed), plus one per failing probe that records an `Unhealthy` event (a
//! bounded number: those before `readyAfter`). A pod whose probe results cannot change
//! costs no events at all, however many pods there are.

use crate::model::pod::{Probe, ProbeHandler};
use crate::sim::time::{SimDuration, SimTime};

const S: u64 = 1_000_000;

/// Which probe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProbeKind {
    /// `readinessProbe`.
    Readiness,
    /// `livenessProbe`.
    Liveness,
    /// `startupProbe`.
    Startup,
}

impl ProbeKind {
    /// The word events use (`Readiness probe failed`, `failed liveness probe`).
    pub fn as_str(self) -> &'static str {
        match self {
            ProbeKind::Readiness => "Readiness",
            ProbeKind::Liveness => "Liveness",
            ProbeKind::Startup => "Startup",
        }
    }
}

/// One probe over one run of a container.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Course {
    /// The first probe that counts.
    pub first: SimTime,
    /// Probes before this one fail (each an `Unhealthy` event).
    pub failing_until: SimTime,
    /// When the result turns to success (`successThreshold` passes in a row).
    pub pass: SimTime,
    /// For liveness and startup: the `failureThreshold`-th failure in a row, when it comes
    /// before the first pass; the kubelet then kills the container.
    pub kill: Option<SimTime>,
}

fn period(p: &Probe) -> u64 {
    u64::from(p.period_s.max(1)) * S
}

/// The first probe tick at or after `t` of a worker created at `worker_start`.
fn tick_at_or_after(p: &Probe, worker_start: SimTime, t: SimTime) -> SimTime {
    let since = t.since(worker_start).as_micros();
    worker_start + SimDuration(since.div_ceil(period(p)) * period(p))
}

/// The course of probe `p` for a run started at `start`, probed from `from` (the run's
/// start, or when its startup probe succeeded) by a worker created at `worker_start`, for
/// a process that serves from `serves`.
pub fn course(
    p: &Probe,
    kind: ProbeKind,
    worker_start: SimTime,
    start: SimTime,
    from: SimTime,
    serves: SimTime,
) -> Course {
    let delay = SimDuration(u64::from(p.initial_delay_s) * S);
    let first = tick_at_or_after(p, worker_start, (start + delay).max(from).max(worker_start));
    let failing_until = tick_at_or_after(p, worker_start, first.max(serves));
    let more = u64::from(p.success_threshold.max(1) - 1) * period(p);
    let kill = match kind {
        ProbeKind::Readiness => None,
        _ => {
            let k = first + SimDuration(u64::from(p.failure_threshold.max(1) - 1) * period(p));
            (k < failing_until).then_some(k)
        }
    };
    Course {
        first,
        failing_until,
        pass: failing_until + SimDuration(more),
        kill,
    }
}

/// Whether a process that answers after `latency_us` misses `p`'s `timeoutSeconds` (prober.go
/// runProbe passes the timeout to the HTTP client, the dialer and the exec call; an answer
/// that has not come when it ends is a failure).
pub fn times_out(p: &Probe, latency_us: u64) -> bool {
    latency_us >= u64::from(p.timeout_s.max(1)) * S
}

/// A time past any run's end: when a process that misses every probe's timeout "serves".
pub const NEVER: SimDuration = SimDuration(100 * 365 * 86_400 * S);

/// The probe after `t` (one period later).
pub fn next_probe(p: &Probe, t: SimTime) -> SimTime {
    t + SimDuration(period(p))
}

/// `Unhealthy`'s message for a failing probe (prober.go `%s probe failed: %s`, trimmed as
/// kubectl prints it): a server not yet serving answers 503 or refuses the connection; one
/// that answers too slowly (`timed_out`) hits the client's deadline.
pub fn failure_message(
    p: &Probe,
    kind: ProbeKind,
    pod_ip: Option<std::net::Ipv4Addr>,
    timed_out: bool,
) -> String {
    let ip = pod_ip.map(|i| i.to_string()).unwrap_or_default();
    let output = match p.handler {
        // The HTTP client's error, without the `Get "URL": ` prefix (kubesim keeps no URL).
        ProbeHandler::HttpGet if timed_out => {
            "context deadline exceeded (Client.Timeout exceeded while awaiting headers)".to_string()
        }
        ProbeHandler::TcpSocket(port) if timed_out => {
            let port = port.map(|p| p.to_string()).unwrap_or_default();
            format!("dial tcp {ip}:{port}: i/o timeout")
        }
        ProbeHandler::Grpc if timed_out => format!(
            "timeout: health rpc did not complete within {}s",
            p.timeout_s.max(1)
        ),
        ProbeHandler::Exec if timed_out => "command timed out".to_string(),
        ProbeHandler::HttpGet => "HTTP probe failed with statuscode: 503".to_string(),
        ProbeHandler::TcpSocket(port) => {
            let port = port.map(|p| p.to_string()).unwrap_or_default();
            format!("dial tcp {ip}:{port}: connect: connection refused")
        }
        ProbeHandler::Grpc => "timeout: failed to connect service within 1s".to_string(),
        ProbeHandler::Exec => String::new(),
    };
    format!("{} probe failed: {output}", kind.as_str())
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProbeKind::*;

    fn probe(delay: u32, period: u32, success: u32, failure: u32) -> Probe {
        Probe {
            initial_delay_s: delay,
            period_s: period,
            success_threshold: success,
            failure_threshold: failure,
            ..Probe::default()
        }
    }

    fn at(s: u64) -> SimTime {
        SimTime(s * S)
    }

    #[test]
    fn readiness_passes_at_the_first_tick_after_the_process_serves() {
        // worker.go: ticks every periodSeconds from the worker's start; a process serving
        // 20s after a start at 3s passes at the tick 30s after admission.
        let p = probe(0, 10, 1, 3);
        let c = course(&p, Readiness, at(0), at(3), at(3), at(23));
        assert_eq!(
            (c.first, c.failing_until, c.pass, c.kill),
            (at(10), at(30), at(30), None)
        );
        // Already serving: the first tick at or after the start.
        assert_eq!(
            course(&p, Readiness, at(0), at(3), at(3), at(3)).pass,
            at(10)
        );
    }

    #[test]
    fn initial_delay_and_success_threshold_push_the_pass_later() {
        // initialDelaySeconds 15 from a start at 3s: first counted probe at 20s.
        let c = course(&probe(15, 10, 1, 3), Readiness, at(0), at(3), at(3), at(3));
        assert_eq!((c.first, c.pass), (at(20), at(20)));
        // successThreshold 3: two more periods.
        let c = course(&probe(0, 5, 3, 3), Readiness, at(0), at(0), at(0), at(0));
        assert_eq!(c.pass, at(10));
    }

    #[test]
    fn liveness_kills_at_the_failure_threshold_before_the_process_serves() {
        // failureThreshold 3, period 10: failures at 10, 20, 30; the process serves at 45.
        let p = probe(0, 10, 1, 3);
        let c = course(&p, Liveness, at(0), at(1), at(1), at(45));
        assert_eq!(c.kill, Some(at(30)));
        // Serving at 25: the tick at 30 passes, no kill.
        assert_eq!(course(&p, Liveness, at(0), at(1), at(1), at(25)).kill, None);
        // Probed only from when the startup probe succeeded.
        assert_eq!(
            course(&p, Liveness, at(0), at(1), at(50), at(45)).first,
            at(50)
        );
    }

    #[test]
    fn failure_texts_follow_the_handler_and_the_probe() {
        let http = probe(0, 10, 1, 3);
        assert_eq!(
            failure_message(&http, Readiness, None, false),
            "Readiness probe failed: HTTP probe failed with statuscode: 503"
        );
        let exec = Probe {
            handler: ProbeHandler::Exec,
            ..http
        };
        assert_eq!(
            failure_message(&exec, Liveness, None, false),
            "Liveness probe failed:"
        );
        let tcp = Probe {
            handler: ProbeHandler::TcpSocket(Some(8080)),
            ..http
        };
        assert_eq!(
            failure_message(
                &tcp,
                Startup,
                Some(std::net::Ipv4Addr::new(10, 244, 0, 5)),
                false
            ),
            "Startup probe failed: dial tcp 10.244.0.5:8080: connect: connection refused"
        );
    }
}
