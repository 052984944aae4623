//! The key figures of one sweep run (docs/sweeps.md#figures), read from the run's summary
//! (the same object summary.json is written from) and its [`crate::output::peaks::Peaks`].
//!
//! Every figure is an integer in a fixed unit (µs, thousandths, counts), so percentiles
//! pick real values and the CSV text is exact; "user Deployments" are those outside
//! kube-system, as in `kubesim run`'s rollout lines.

use serde::{Deserialize, Serialize};

use crate::cluster::World;
use crate::scenario::Scenario;
use crate::scenario::spec::StepAction;

/// How a figure is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// µs, written as seconds with six decimals.
    Seconds,
    /// Thousandths, written with three decimals.
    Ratio,
    /// A count.
    Count,
}

/// The numeric figures in column order: their CSV name and unit.
pub const NUMERIC: [(&str, Unit); 8] = [
    ("rollout_s", Unit::Seconds),
    ("lowest_availability", Unit::Ratio),
    ("unavailable_pod_s", Unit::Seconds),
    ("failed_requests", Unit::Count),
    ("failed_steps", Unit::Count),
    ("max_pods_pending", Unit::Count),
    ("recovery_s", Unit::Seconds),
    ("events_processed", Unit::Count),
];

/// One run's figures; `None` where a figure does not apply (an empty cell).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    /// The run reached its end (not stopped by `--max-live-pods`).
    pub completed: bool,
    /// The longest completed rollout of a user Deployment, creation included, in µs.
    pub rollout_us: Option<u64>,
    /// The least `min_available_replicas_since_fully_available / desired` over user
    /// Deployments, in thousandths (capped at 1000).
    pub lowest_availability_milli: Option<u64>,
    /// ∫ Σ max(0, desired − available) dt over user Deployments, the whole run, pod·µs.
    pub unavailable_pod_us: Option<u64>,
    /// Requests API Priority and Fairness rejected with 429, each attempt counted.
    pub failed_requests: u64,
    /// Steps whose command exited non-zero.
    pub failed_steps: u64,
    /// The most pods pending at any instant end.
    pub max_pods_pending: u64,
    /// From the first fault step to the last time every user Deployment became fully
    /// available again, in µs.
    pub recovery_us: Option<u64>,
    /// Every expectation held (and the run completed).
    pub passed: bool,
    /// Engine events handled.
    pub events_processed: u64,
}

impl Figures {
    /// The numeric figures in [`NUMERIC`] order.
    pub fn numeric(&self) -> [Option<u64>; 8] {
        [
            self.rollout_us,
            self.lowest_availability_milli,
            self.unavailable_pod_us,
            Some(self.failed_requests),
            Some(self.failed_steps),
            Some(self.max_pods_pending),
            self.recovery_us,
            Some(self.events_processed),
        ]
    }

    /// Reads the figures of a finished run.
    pub fn measure(world: &World, scenario: &Scenario, seed: u64) -> Figures {
        let summary = world.out.summary(crate::output::RunEnd {
            scenario,
            seed,
            events_processed: world.events_processed(),
            expectations: &world.expectations,
            stop: world.stopped.as_ref(),
            flow_control: world.api.flow_stats(),
        });
        let user: Vec<_> = summary
            .deployments
            .iter()
            .filter(|d| d.namespace != "kube-system")
            .collect();
        let rollout_us = user
            .iter()
            .flat_map(|d| &d.rollouts)
            .filter_map(|r| r.duration_us)
            .max();
        let lowest_availability_milli = user
            .iter()
            .filter(|d| d.desired > 0)
            .filter_map(|d| {
                let m = d.min_available_replicas_since_fully_available?;
                Some((m.max(0) * 1000 / d.desired).min(1000) as u64)
            })
            .min();
        let failed_requests = summary.flow_control.iter().map(|l| l.rejected).sum();
        let failed_steps = summary
            .steps
            .iter()
            .filter(|s| s.exit_code.is_some_and(|c| c != 0))
            .count() as u64;
        let peaks = world.out.peaks();
        let max_pods_pending = peaks.map_or(0, |p| p.max_pods_pending.max(0) as u64);
        let unavailable_pod_us = peaks.map(|p| p.unavailable_pod_us(world.now()));
        let recovery_us = first_fault_us(scenario).and_then(|fault| {
            let p = peaks?;
            if !p.all_available() {
                return None;
            }
            Some(
                p.last_fully_available
                    .map_or(0, |t| t.as_micros().saturating_sub(fault)),
            )
        });
        Figures {
            completed: summary.completed,
            rollout_us,
            lowest_availability_milli,
            unavailable_pod_us,
            failed_requests,
            failed_steps,
            max_pods_pending,
            recovery_us,
            passed: summary.passed,
            events_processed: summary.events_processed,
        }
    }
}

/// When the first `kubesim` fault step that takes something away starts (docs/commands.md#faults).
pub fn first_fault_us(scenario: &Scenario) -> Option<u64> {
    scenario
        .steps
        .iter()
        .filter(|s| match &s.action {
            StepAction::Run { line, .. } => crate::kubectl::words::split(line)
                .ok()
                .filter(|w| w.first().is_some_and(|w| w == "kubesim"))
                .and_then(|w| crate::fault::parse(&w).ok())
                .is_some_and(|f| f.harms()),
            StepAction::Apply { .. } => false,
        })
        .map(|s| s.at_us)
        .min()
}

/// A figure's CSV text.
pub fn format(unit: Unit, v: u64) -> String {
    match unit {
        Unit::Seconds => format!("{}.{:06}", v / 1_000_000, v % 1_000_000),
        Unit::Ratio => format!("{}.{:03}", v / 1000, v % 1000),
        Unit::Count => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_written_exactly_with_fixed_decimals() {
        assert_eq!(format(Unit::Seconds, 41_200_000), "41.200000");
        assert_eq!(format(Unit::Seconds, 7), "0.000007");
        assert_eq!(format(Unit::Ratio, 833), "0.833");
        assert_eq!(format(Unit::Ratio, 1000), "1.000");
        assert_eq!(format(Unit::Count, 12), "12");
    }
}
