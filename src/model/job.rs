//! batch/v1 Jobs: spec and status as stored (pkg/apis/batch/types.go).
//!
//! Kept compact: the selector is not stored, because the API server always generates it
//! (`generateSelector`, pkg/registry/batch/job/strategy.go) as `controller-uid=<uid>`, and
//! the Job controller finds its pods through their owner references.

use crate::model::workload::PodTemplate;
use crate::sim::time::SimTime;
use std::sync::Arc;

/// Label (and annotation) with an Indexed Job pod's completion index
/// (`batch.kubernetes.io/job-completion-index`, pkg/apis/batch/types.go).
pub const COMPLETION_INDEX: &str = "batch.kubernetes.io/job-completion-index";
/// Label with the owning Job's uid (`batch.kubernetes.io/controller-uid`).
pub const CONTROLLER_UID: &str = "batch.kubernetes.io/controller-uid";
/// Label with the owning Job's name (`batch.kubernetes.io/job-name`).
pub const JOB_NAME: &str = "batch.kubernetes.io/job-name";
/// The legacy labels the API server still adds beside the prefixed ones.
pub const LEGACY_CONTROLLER_UID: &str = "controller-uid";
/// The legacy `job-name` label.
pub const LEGACY_JOB_NAME: &str = "job-name";

/// `spec.completionMode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionMode {
    /// Default: the Job is complete after `completions` pods succeeded.
    NonIndexed,
    /// Each index in `0..completions` must succeed once.
    Indexed,
}

/// `spec` of a Job, after `SetDefaults_Job` (pkg/apis/batch/v1/defaults.go).
#[derive(Clone, Debug, PartialEq)]
pub struct JobSpec {
    /// `parallelism` (default 1).
    pub parallelism: i32,
    /// `completions`: None is a work queue (complete when any pod succeeds); defaults to 1
    /// when `parallelism` is not set either.
    pub completions: Option<i32>,
    /// `backoffLimit` (default 6).
    pub backoff_limit: i32,
    /// `activeDeadlineSeconds`.
    pub active_deadline_seconds: Option<i64>,
    /// `ttlSecondsAfterFinished`.
    pub ttl_seconds_after_finished: Option<i64>,
    /// `completionMode` (default NonIndexed).
    pub completion_mode: CompletionMode,
    /// `suspend` (default false).
    pub suspend: bool,
    /// `template`.
    pub template: Arc<PodTemplate>,
}

/// `status.conditions[].type` of a Job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobConditionType {
    /// Interim success condition before pods are gone (1.31+).
    SuccessCriteriaMet,
    /// Interim failure condition before pods are gone (1.31+).
    FailureTarget,
    /// Finished successfully.
    Complete,
    /// Finished with failure.
    Failed,
    /// `suspend: true` took effect.
    Suspended,
}

impl JobConditionType {
    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            JobConditionType::SuccessCriteriaMet => "SuccessCriteriaMet",
            JobConditionType::FailureTarget => "FailureTarget",
            JobConditionType::Complete => "Complete",
            JobConditionType::Failed => "Failed",
            JobConditionType::Suspended => "Suspended",
        }
    }
}

/// One `status.conditions[]` entry (status True; kubesim never writes False conditions).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobCondition {
    /// `type`.
    pub kind: JobConditionType,
    /// `reason`.
    pub reason: &'static str,
    /// `message`.
    pub message: &'static str,
    /// `lastTransitionTime`.
    pub since: SimTime,
}

/// `status` of a Job.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JobStatus {
    /// `active`: pods not terminal and not terminating.
    pub active: i32,
    /// `ready`: active pods with Ready=True.
    pub ready: i32,
    /// `succeeded`.
    pub succeeded: i32,
    /// `failed`.
    pub failed: i32,
    /// `terminating`: pods with a deletionTimestamp not yet terminal.
    pub terminating: i32,
    /// `startTime`.
    pub start_time: Option<SimTime>,
    /// `completionTime` (only for Complete).
    pub completion_time: Option<SimTime>,
    /// `completedIndexes` of an Indexed Job, in ascending order.
    pub completed_indexes: Vec<i32>,
    /// `conditions`, in the order they were added.
    pub conditions: Vec<JobCondition>,
}

impl JobStatus {
    /// Whether a True condition of this type is present (`hasJobCondition` in printers.go).
    pub fn has(&self, kind: JobConditionType) -> bool {
        self.conditions.iter().any(|c| c.kind == kind)
    }

    /// `IsJobFinished` (pkg/controller/job/util/utils.go): Complete or Failed.
    pub fn finished(&self) -> Option<&JobCondition> {
        self.conditions.iter().find(|c| {
            matches!(
                c.kind,
                JobConditionType::Complete | JobConditionType::Failed
            )
        })
    }

    /// `completedIndexes` as the API writes it: ranges joined by commas (`1,3-5`).
    pub fn completed_indexes_text(&self) -> String {
        let mut out = String::new();
        let mut i = 0;
        let v = &self.completed_indexes;
        while i < v.len() {
            let mut j = i;
            while j + 1 < v.len() && v[j + 1] == v[j] + 1 {
                j += 1;
            }
            if !out.is_empty() {
                out.push(',');
            }
            if j == i {
                out.push_str(&v[i].to_string());
            } else {
                out.push_str(&format!("{}-{}", v[i], v[j]));
            }
            i = j + 1;
        }
        out
    }
}

/// A stored Job.
#[derive(Clone, Debug)]
pub struct Job {
    /// Metadata.
    pub meta: crate::model::meta::Meta,
    /// Spec.
    pub spec: JobSpec,
    /// Status.
    pub status: JobStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completed_indexes_are_written_as_ranges() {
        // succeededIndexes.String() (pkg/controller/job/indexed_job_utils.go): "1,3-5,7".
        let s = JobStatus {
            completed_indexes: vec![1, 3, 4, 5, 7],
            ..JobStatus::default()
        };
        assert_eq!(s.completed_indexes_text(), "1,3-5,7");
        assert_eq!(JobStatus::default().completed_indexes_text(), "");
    }
}
