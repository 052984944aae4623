//! batch/v1 CronJobs: spec and status as stored (pkg/apis/batch/types.go), after
//! `SetDefaults_CronJob` (pkg/apis/batch/v1/defaults.go).

use crate::model::cron::Schedule;
use crate::model::job::{Job, JobSpec, JobStatus};
use crate::model::kind::Kind;
use crate::model::labels::Labels;
use crate::model::meta::{Meta, ObjRef, OwnerRef};
use crate::sim::time::SimTime;

/// Annotation with a created Job's scheduled time in RFC 3339
/// (`batch.kubernetes.io/cronjob-scheduled-timestamp`, `CronJobScheduledTimestampAnnotation`).
pub const SCHEDULED_TIMESTAMP: &str = "batch.kubernetes.io/cronjob-scheduled-timestamp";

/// Annotation `kubectl create job --from=cronjob/NAME` puts on its Job
/// (`cronjob.kubernetes.io/instantiate: manual`, create_job.go).
pub const INSTANTIATE: &str = "cronjob.kubernetes.io/instantiate";

/// `spec.concurrencyPolicy` (default Allow).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConcurrencyPolicy {
    /// Runs may overlap.
    Allow,
    /// A scheduled run is skipped while one is active.
    Forbid,
    /// The active runs are deleted and the new one starts.
    Replace,
}

impl ConcurrencyPolicy {
    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ConcurrencyPolicy::Allow => "Allow",
            ConcurrencyPolicy::Forbid => "Forbid",
            ConcurrencyPolicy::Replace => "Replace",
        }
    }
}

/// `spec.jobTemplate`: the Jobs' metadata and spec.
#[derive(Clone, Debug, PartialEq)]
pub struct JobTemplate {
    /// `metadata.labels`.
    pub labels: Labels,
    /// `metadata.annotations`.
    pub annotations: Labels,
    /// `spec`, defaulted as a Job's is.
    pub spec: JobSpec,
}

/// `spec` of a CronJob.
#[derive(Clone, Debug, PartialEq)]
pub struct CronJobSpec {
    /// `schedule` as written (printed as SCHEDULE).
    pub schedule: String,
    /// `schedule`, parsed (validation refuses a CronJob whose schedule does not parse).
    pub parsed: Schedule,
    /// `timeZone`: an IANA zone of the bundled database (see docs/scenario.md).
    pub time_zone: Option<String>,
    /// `startingDeadlineSeconds`.
    pub starting_deadline_seconds: Option<i64>,
    /// `concurrencyPolicy`.
    pub concurrency_policy: ConcurrencyPolicy,
    /// `suspend` (default false).
    pub suspend: bool,
    /// `successfulJobsHistoryLimit` (default 3).
    pub successful_jobs_history_limit: i32,
    /// `failedJobsHistoryLimit` (default 1).
    pub failed_jobs_history_limit: i32,
    /// `jobTemplate`.
    pub job_template: JobTemplate,
}

/// One `status.active[]` reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActiveJob {
    /// The Job's arena id.
    pub id: u32,
    /// Its uid (`inActiveList` compares uids).
    pub uid: u64,
    /// Its name (`inActiveListByName`).
    pub name: String,
}

/// `status` of a CronJob.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CronJobStatus {
    /// `active`: the Jobs it started that have not finished.
    pub active: Vec<ActiveJob>,
    /// `lastScheduleTime`: the scheduled time of the last Job it started.
    pub last_schedule_time: Option<SimTime>,
    /// `lastSuccessfulTime`: the completion time of the last Job that succeeded.
    pub last_successful_time: Option<SimTime>,
}

/// A stored CronJob.
#[derive(Clone, Debug)]
pub struct CronJob {
    /// Metadata.
    pub meta: Meta,
    /// Spec.
    pub spec: CronJobSpec,
    /// Status.
    pub status: CronJobStatus,
}

impl CronJob {
    /// A Job named `name` from the job template, controlled by this CronJob (arena id
    /// `id`): the template's labels, its annotations plus `annotation`, its spec. The
    /// controller's Jobs block owner deletion (`NewControllerRef`); kubectl's manual ones do
    /// not (create_job.go `createJobFromCronJob`).
    pub fn job_from_template(
        &self,
        id: u32,
        name: String,
        annotation: (&str, String),
        block_owner_deletion: bool,
    ) -> Job {
        let t = &self.spec.job_template;
        let mut meta = Meta::new(name, None, t.labels.clone());
        meta.annotations = t.annotations.clone();
        meta.annotations.insert(annotation.0, annotation.1);
        meta.owners.push(OwnerRef {
            owner: ObjRef {
                kind: Kind::CronJob,
                id,
            },
            uid: self.meta.uid,
            controller: true,
            block_owner_deletion,
        });
        Job {
            meta,
            spec: t.spec.clone(),
            status: JobStatus::default(),
        }
    }
}
