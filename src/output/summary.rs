//! summary.json: one object describing the run (docs/outputs.md), keys in the contract's order.
//!
//! Serialized from structs (never maps) so the key order is the declaration order. Decisions
//! where docs/outputs.md is open:
//! - the file is pretty-printed by serde_json (two-space indent) and ends with a newline;
//! - `deployments` lists the Deployments that exist at the end of the run (like `final`, the
//!   end state); a deleted and re-created Deployment is a new object with a new history;
//! - `first_fully_available_us` is the first instant end at which
//!   `available_replicas >= desired` with `desired > 0` (surge pods may make it exceed
//!   desired; a Deployment of 0 replicas is never "fully available"), null until then;
//! - `min_available_replicas` is the least `available_replicas` at any instant end from the
//!   Deployment's creation on, its creation value included;
//!   `min_available_replicas_since_fully_available` the same from `first_fully_available_us`
//!   on (null before);
//! - `rollouts` (appended to each Deployment) comes from [`crate::output::rollouts`], whose
//!   doc defines a rollout's start and end; its `outcome` is a word, the one string among the
//!   figures (docs/outputs.md#rollouts);
//! - a step's `exit_code` is null when it was stopped (`stopAfter` or the end of the run) or
//!   never returned;
//! - three keys are added after `expectations` (docs/outputs.md lets later versions add keys):
//!   `completed` (false when the run stopped before its end), `stop_reason` (`SIGINT`,
//!   `SIGTERM`, `max-live-pods` or `invariant`; null when completed) and `stopped_at_us` (the
//!   virtual time it stopped at, in µs like every time here; null when completed). A stopped
//!   run's `passed` is false, and expectations it did not decide say `not evaluated`;
//! - `flow_control` follows them: one object per limited API Priority and Fairness level.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::output::expectations::Expectations;
use crate::output::rollouts::{Rollout, Rollouts};
use crate::output::timeline::Timeline;
use crate::output::transcript::Transcript;
use crate::scenario::Scenario;
use crate::sim::stop::Stop;
use crate::sim::time::SimTime;

/// The whole file.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// Format version, 1.
    pub format: u32,
    /// Scenario name.
    pub scenario: String,
    /// The seed used.
    pub seed: u64,
    /// The scenario's duration.
    pub duration_us: u64,
    /// Engine events handled.
    pub events_processed: u64,
    /// Every expectation held.
    pub passed: bool,
    /// The cluster at the end.
    #[serde(rename = "final")]
    pub final_state: FinalState,
    /// Deployments at the end, by (namespace, name).
    pub deployments: Vec<DeploymentSummary>,
    /// Steps in file order.
    pub steps: Vec<StepSummary>,
    /// Expectations in file order.
    pub expectations: Vec<ExpectationSummary>,
    /// The run reached its end (its duration, or nothing left to happen).
    pub completed: bool,
    /// Why it stopped before its end; null when it completed.
    pub stop_reason: Option<&'static str>,
    /// When it stopped, in µs of virtual time; null when it completed.
    pub stopped_at_us: Option<u64>,
    /// API Priority and Fairness: each limited priority level's seats and what it saw.
    pub flow_control: Vec<crate::apiserver::flowcontrol::LevelStats>,
}

/// `final`: the cluster metrics at the end of the run.
#[derive(Debug, Serialize)]
pub struct FinalState {
    /// Nodes that exist.
    pub nodes: i64,
    /// Ready nodes.
    pub nodes_ready: i64,
    /// Pending pods (not being deleted).
    pub pods_pending: i64,
    /// Running pods (not being deleted).
    pub pods_running: i64,
    /// Succeeded pods.
    pub pods_succeeded: i64,
    /// Failed pods.
    pub pods_failed: i64,
    /// Pods being deleted, not terminal.
    pub pods_terminating: i64,
}

/// One Deployment's availability over the run.
#[derive(Debug, Serialize)]
pub struct DeploymentSummary {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// `spec.replicas` at the end.
    pub desired: i64,
    /// `status.availableReplicas` at the end.
    pub available_replicas: i64,
    /// When it first had all desired replicas available, in µs.
    pub first_fully_available_us: Option<u64>,
    /// The least available replicas since its creation.
    pub min_available_replicas: i64,
    /// The least available replicas since it was first fully available (null before).
    pub min_available_replicas_since_fully_available: Option<i64>,
    /// Its rollouts in start order, creation first (docs/outputs.md#rollouts).
    pub rollouts: Vec<RolloutSummary>,
}

/// One rollout of a Deployment: what an operator asks of it afterwards (how long, how much
/// capacity it cost, how far it surged, how it ended).
#[derive(Debug, Serialize)]
pub struct RolloutSummary {
    /// The new ReplicaSet's revision; null when none was ever made for it.
    pub revision: Option<i64>,
    /// `spec.replicas` when it was last observed.
    pub desired: i64,
    /// When its template was first observed, in µs.
    pub start_us: u64,
    /// When it completed (`DeploymentComplete` of its generation), in µs; null if never.
    pub end_us: Option<u64>,
    /// `end_us − start_us`; null if it never completed.
    pub duration_us: Option<u64>,
    /// The least `availableReplicas` during it.
    pub min_available_replicas: i64,
    /// ∫ max(0, desired − available) dt over it, in pod·µs.
    pub unavailable_pod_us: u64,
    /// Peak of the ReplicaSets' summed `spec.replicas` above `spec.replicas`.
    pub max_surge_replicas: i64,
    /// When its Progressing condition first said `ProgressDeadlineExceeded`; null if never.
    pub progress_deadline_exceeded_us: Option<u64>,
    /// `complete`, `superseded`, `progress_deadline_exceeded` or `running`.
    pub outcome: &'static str,
}

impl RolloutSummary {
    fn new(r: &Rollout) -> RolloutSummary {
        RolloutSummary {
            revision: r.revision,
            desired: r.desired,
            start_us: r.start.as_micros(),
            end_us: r.end.map(|t| t.as_micros()),
            duration_us: r.end.map(|t| t.0.saturating_sub(r.start.0)),
            min_available_replicas: r.min_available,
            unavailable_pod_us: r.unavailable_pod_us,
            max_surge_replicas: r.max_surge,
            progress_deadline_exceeded_us: r.deadline_exceeded.map(|t| t.as_micros()),
            outcome: r.outcome().as_str(),
        }
    }
}

/// The lines `kubesim run` prints at its end, one per rollout of a Deployment outside
/// `kube-system` (AKS's own add-ons, which summary.json still lists), Deployments by
/// (namespace, name), e.g. `rollout default/web revision 2: 41.200s, min available 8/10, unavailable
/// 31.4 pod-s, surge peak +3, complete`. The time is the rollout's duration when it
/// completed, else from its start to the next rollout's start (superseded) or to the run's
/// end.
pub fn rollout_lines(s: &Summary) -> Vec<String> {
    let run_end = s.stopped_at_us.unwrap_or(s.duration_us);
    let mut lines = Vec::new();
    for d in s
        .deployments
        .iter()
        .filter(|d| d.namespace != "kube-system")
    {
        for (i, r) in d.rollouts.iter().enumerate() {
            let next = d.rollouts.get(i + 1).map(|n| n.start_us);
            let until = r.end_us.or(next).unwrap_or(run_end);
            let took = SimTime(until.saturating_sub(r.start_us)).millis3();
            let revision = r
                .revision
                .map_or_else(|| "<none>".to_string(), |v| v.to_string());
            lines.push(format!(
                "rollout {}/{} revision {revision}: {took}s, min available {}/{}, unavailable {}.{} pod-s, surge peak +{}, {}",
                d.namespace,
                d.name,
                r.min_available_replicas,
                r.desired,
                r.unavailable_pod_us / 1_000_000,
                r.unavailable_pod_us % 1_000_000 / 100_000,
                r.max_surge_replicas,
                r.outcome.replace('_', " "),
            ));
        }
    }
    lines
}

/// One step.
#[derive(Debug, Serialize)]
pub struct StepSummary {
    /// Position in `steps:`.
    pub index: usize,
    /// Its `id:`.
    pub id: Option<String>,
    /// Its `at:` in µs.
    pub at_us: u64,
    /// The command as the transcript shows it.
    pub command: String,
    /// Exit status; null when stopped or never finished.
    pub exit_code: Option<i32>,
}

/// One expectation's verdict.
#[derive(Debug, Serialize)]
pub struct ExpectationSummary {
    /// Position in `expect:`.
    pub index: usize,
    /// Line in the scenario file.
    pub line: u32,
    /// `at`, `during` or `within`.
    pub form: String,
    /// The window, canonically written.
    pub window: String,
    /// The condition as written.
    pub that: String,
    /// Whether it held.
    pub passed: bool,
    /// Why.
    pub reason: String,
}

/// What the run's writers recorded as it went, which the summary is assembled from.
pub(crate) struct Recorded<'a> {
    /// Counters and Deployment availability.
    pub timeline: &'a Timeline,
    /// Rollout histories.
    pub rollouts: &'a Rollouts,
    /// Step exit codes.
    pub transcript: &'a Transcript,
}

/// Assembles the summary from the scenario and what the run recorded; `stop` when it stopped
/// before its end.
pub(crate) fn build(
    scenario: &Scenario,
    seed: u64,
    events_processed: u64,
    recorded: Recorded<'_>,
    expectations: &Expectations,
    stop: Option<&Stop>,
    flow_control: Vec<crate::apiserver::flowcontrol::LevelStats>,
) -> Summary {
    let Recorded {
        timeline,
        rollouts,
        transcript,
    } = recorded;
    let c = timeline.counters();
    let get = |m| c.cluster(m).unwrap_or(0);
    use crate::scenario::Metric as M;
    let final_state = FinalState {
        nodes: get(M::NodesReady) + get(M::NodesNotReady),
        nodes_ready: get(M::NodesReady),
        pods_pending: get(M::PodsPending),
        pods_running: get(M::PodsRunning),
        pods_succeeded: get(M::PodsSucceeded),
        pods_failed: get(M::PodsFailed),
        pods_terminating: get(M::PodsTerminating),
    };
    let run_end = stop.map_or(SimTime(scenario.duration_us), |s| s.at);
    let mut deployments: Vec<DeploymentSummary> = timeline
        .deployments()
        .map(|(ns, name, id, track)| DeploymentSummary {
            namespace: timeline.ns_name(ns).to_string(),
            name: name.to_string(),
            desired: track.desired,
            available_replicas: track.available,
            first_fully_available_us: track.first_fully_available.map(|t| t.as_micros()),
            min_available_replicas: track.min_available,
            min_available_replicas_since_fully_available: track.min_available_since_fully_available,
            rollouts: rollouts
                .of(id, run_end)
                .iter()
                .map(RolloutSummary::new)
                .collect(),
        })
        .collect();
    deployments.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    let steps = scenario
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| StepSummary {
            index: s.index,
            id: s.id.clone(),
            at_us: s.at_us,
            command: s.action.command().to_string(),
            exit_code: transcript
                .steps()
                .get(i)
                .filter(|r| !r.stopped)
                .and_then(|r| r.exit_code),
        })
        .collect();
    let expectations_out = expectations
        .results()
        .map(|(e, v)| ExpectationSummary {
            index: e.index,
            line: e.line,
            form: e.form.to_string(),
            window: e.window_text.clone(),
            that: e.that_text.clone(),
            passed: v.is_some_and(|v| v.passed),
            reason: v.map_or_else(|| "not evaluated".to_string(), |v| v.reason.clone()),
        })
        .collect();
    Summary {
        format: 1,
        scenario: scenario.name.clone(),
        seed,
        duration_us: scenario.duration_us,
        events_processed,
        passed: expectations.passed() && stop.is_none(),
        final_state,
        deployments,
        steps,
        expectations: expectations_out,
        completed: stop.is_none(),
        stop_reason: stop.map(|s| s.reason.as_str()),
        stopped_at_us: stop.map(|s| s.at.as_micros()),
        flow_control,
    }
}

/// The JSON text: pretty-printed, keys in declaration order, a final newline.
pub fn to_json(s: &Summary) -> String {
    let mut text = serde_json::to_string_pretty(s).unwrap_or_default();
    text.push('\n');
    text
}

/// Writes summary.json.
pub(crate) fn write(path: &Path, s: &Summary) -> std::io::Result<()> {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    f.write_all(to_json(s).as_bytes())?;
    f.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::etcd::Store;
    use crate::output::timeline::tests::{add_deployment, add_node, store};
    use crate::output::{OutputSet, Outputs};
    use crate::sim::time::SimTime;

    const SCENARIO: &str = "\
name: tiny
seed: 7
duration: 10s
steps:
- at: 0s
  id: make
  run: kubectl create deployment web --image=nginx --replicas=2
- at: 1s
  run: kubectl get pods --watch
  stopAfter: 2s
expect:
- within: 5s
  that: deployment/web available_replicas == 2
";

    #[test]
    fn summary_keys_and_shapes_follow_the_contract() {
        // docs/outputs.md summary.json: key order, integers only, null for absent values,
        // deployments by (namespace, name), steps and expectations in file order. The one
        // rollout (the creation, no ReplicaSet, no Progressing condition) is running: 2 pods
        // short from 0 s to 3 s is 2 × 3 s = 6,000,000 pod·µs, none short after.
        let scenario = crate::scenario::load_str(Path::new("tiny.yaml"), SCENARIO).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut out = Outputs::create(dir.path(), &OutputSet::default(), true).unwrap();
        let mut ex = Expectations::new(scenario.expect.clone());
        let mut s = store();
        let instant = |out: &mut Outputs, s: &mut Store, ex: &mut Expectations, t: u64| {
            let changed = s.take_changed();
            out.timeline_instant(SimTime(t), s, &changed);
            ex.evaluate_at(SimTime(t), !changed.is_empty(), s, out.counters());
        };
        add_node(
            &mut s,
            "aks-nodepool1-12345678-vmss000000",
            true,
            SimTime::ZERO,
        );
        out.step_started(0, SimTime::ZERO, scenario.steps[0].action.command());
        let d = add_deployment(&mut s, "web", 2, SimTime::ZERO);
        instant(&mut out, &mut s, &mut ex, 0);
        out.step_exited(0, SimTime(20_000), 0);
        out.step_started(1, SimTime(1_000_000), scenario.steps[1].action.command());
        s.deployments
            .get_mut(d.id)
            .unwrap()
            .status
            .available_replicas = 2;
        s.touch(d);
        instant(&mut out, &mut s, &mut ex, 3_000_000);
        out.step_stopped(1, SimTime(3_000_000));
        instant(&mut out, &mut s, &mut ex, 5_000_000);
        ex.settle(SimTime(10_000_000), &s, out.counters());
        out.finish(crate::output::RunEnd {
            scenario: &scenario,
            seed: 7,
            events_processed: 42,
            expectations: &ex,
            stop: None,
            flow_control: Vec::new(),
        });
        assert!(out.io_error().is_none());
        let text = std::fs::read_to_string(dir.path().join("summary.json")).unwrap();
        let expected = r#"{
  "format": 1,
  "scenario": "tiny",
  "seed": 7,
  "duration_us": 10000000,
  "events_processed": 42,
  "passed": true,
  "final": {
    "nodes": 1,
    "nodes_ready": 1,
    "pods_pending": 0,
    "pods_running": 0,
    "pods_succeeded": 0,
    "pods_failed": 0,
    "pods_terminating": 0
  },
  "deployments": [
    {
      "namespace": "default",
      "name": "web",
      "desired": 2,
      "available_replicas": 2,
      "first_fully_available_us": 3000000,
      "min_available_replicas": 0,
      "min_available_replicas_since_fully_available": 2,
      "rollouts": [
        {
          "revision": null,
          "desired": 2,
          "start_us": 0,
          "end_us": null,
          "duration_us": null,
          "min_available_replicas": 0,
          "unavailable_pod_us": 6000000,
          "max_surge_replicas": 0,
          "progress_deadline_exceeded_us": null,
          "outcome": "running"
        }
      ]
    }
  ],
  "steps": [
    {
      "index": 0,
      "id": "make",
      "at_us": 0,
      "command": "kubectl create deployment web --image=nginx --replicas=2",
      "exit_code": 0
    },
    {
      "index": 1,
      "id": null,
      "at_us": 1000000,
      "command": "kubectl get pods --watch",
      "exit_code": null
    }
  ],
  "expectations": [
    {
      "index": 0,
      "line": 12,
      "form": "within",
      "window": "0s..5s",
      "that": "deployment/web available_replicas == 2",
      "passed": true,
      "reason": "held at 3.000000s"
    }
  ],
  "completed": true,
  "stop_reason": null,
  "stopped_at_us": null,
  "flow_control": []
}
"#;
        assert_eq!(text, expected);
        // The other files were written too, each starting with its header.
        let timeline = std::fs::read_to_string(dir.path().join("timeline.csv")).unwrap();
        assert!(timeline.starts_with("time,namespace,kind,name,metric,value,text\n"));
        let transcript = std::fs::read_to_string(dir.path().join("transcript.txt")).unwrap();
        assert!(transcript.ends_with("[t=3.000] (stopped) $ kubectl get pods --watch\n"));
    }
}
