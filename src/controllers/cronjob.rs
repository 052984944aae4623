//! The CronJob controller (kube-controller-manager's `cronjob-controller`).
//!
//! Mirrors `pkg/controller/cronjob/cronjob_controllerv2.go` and `utils.go`: `sync` first
//! deletes finished Jobs beyond the history limits (`cleanupFinishedJobs`, oldest start
//! first), then `syncCronJob` reconciles `status.active` with the Jobs the CronJob controls
//! (SawCompletedJob, MissingJob, `lastSuccessfulTime`), finds the most recent unmet
//! schedule time (`mostRecentScheduleTime`, counting missed times by the interval between
//! two activations), skips it when past `startingDeadlineSeconds` (MissSchedule), already
//! processed, or while a run is active under Forbid (JobAlreadyActive), deletes the active
//! runs under Replace, and creates the Job `<cronjob>-<scheduled minutes since the epoch>`
//! from the template with the `batch.kubernetes.io/cronjob-scheduled-timestamp`
//! annotation. The key is requeued 100 ms after the next schedule time
//! (`nextScheduleTimeDuration`).
//!
//! Virtual time t=0 is the scenario's `startTime` (the Unix epoch without one); schedules
//! are computed in UTC. Simplifications: no adoption of Jobs created by others (their
//! UnexpectedJob warning is still recorded), and a Job create that fails with AlreadyExists
//! re-adds the existing Job to `active` only if this CronJob controls it.

use crate::apiserver::{Op, Propagation};
use crate::component::{Change, Component, Ctx, Notice, Response};
use crate::controllers::Workers;
use crate::model::cron::InZone;
use crate::model::cronjob::{
    ActiveJob, ConcurrencyPolicy, CronJob, CronJobStatus, SCHEDULED_TIMESTAMP,
};
use crate::model::job::{Job, JobConditionType, JobStatus};
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::model::object::NewObject;
use crate::model::request::Outcome;
use crate::sim::engine::TimerKey;
use crate::sim::time::{SimDuration, SimTime};
use std::collections::BTreeMap;

/// `nextScheduleDelta`: the requeue lands 100 ms after the schedule time, for clock skew.
pub const NEXT_SCHEDULE_DELTA: SimDuration = SimDuration::from_millis(100);
/// `--concurrent-cron-job-syncs` (kube-controller-manager's default).
pub const WORKERS: usize = 5;
/// More missed start times than this is reported as TooManyMissedTimes.
pub const MANY_MISSED: i64 = 100;

const NAME: &str = "cronjob-controller";

pub use crate::controllers::podcontrol::Timer;

/// What a response is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// A Job delete (history cleanup or Replace) of this CronJob.
    Delete(u32),
    /// The create of the Job for this CronJob's scheduled time (Unix seconds).
    Create(u32, i64),
    /// The status write.
    Status(u32),
}

/// A sync whose requests are in flight: the status it is building and when to requeue.
#[derive(Debug)]
struct Pending {
    status: CronJobStatus,
    outstanding: u32,
    requeue: Option<SimTime>,
}

/// The controller's state.
#[derive(Debug)]
pub struct CronJobController {
    /// Its work queue and workers.
    pub workers: Workers<Timer>,
    pending: BTreeMap<u32, Pending>,
    /// `AddAfter` timers by key: the earliest wins.
    waiting: BTreeMap<u32, (SimTime, TimerKey)>,
    /// Names of Jobs with a DELETE in flight, for the SuccessfulDelete Event.
    deleting: BTreeMap<u32, String>,
}

impl Default for CronJobController {
    fn default() -> Self {
        CronJobController {
            workers: Workers::new(WORKERS, Kind::CronJob, NAME, Timer::Sync),
            pending: BTreeMap::new(),
            waiting: BTreeMap::new(),
            deleting: BTreeMap::new(),
        }
    }
}

type Cx<'a> = Ctx<'a, CronJobController>;

fn cj_ref(id: u32) -> ObjRef {
    ObjRef {
        kind: Kind::CronJob,
        id,
    }
}

fn job_ref(id: u32) -> ObjRef {
    ObjRef {
        kind: Kind::Job,
        id,
    }
}

/// Missed schedules since the earliest time (`missedSchedulesType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Missed {
    None,
    Few,
    Many,
}

/// The clock the controller reads: virtual time as Unix µs.
fn unix_us(cx: &Cx<'_>, t: SimTime) -> i64 {
    cx.store.events.start_unix() * 1_000_000 + t.as_micros() as i64
}

/// A Unix time in seconds as virtual time (schedule times after the CronJob's creation
/// are never before t=0).
fn sim_of(cx: &Cx<'_>, unix: i64) -> SimTime {
    SimTime((unix * 1_000_000 - cx.store.events.start_unix() * 1_000_000).max(0) as u64)
}

/// What `mostRecentScheduleTime` reads, as Unix µs: now, the creation second, the last
/// schedule time and `startingDeadlineSeconds`.
#[derive(Clone, Copy, Debug)]
struct Times {
    now: i64,
    created: i64,
    last: Option<i64>,
    deadline: Option<i64>,
}

impl Times {
    fn of(cx: &Cx<'_>, cj: &CronJob) -> Times {
        Times {
            now: unix_us(cx, cx.now),
            // metav1.Time keeps whole seconds.
            created: unix_us(cx, cj.meta.created).div_euclid(1_000_000) * 1_000_000,
            last: cj.status.last_schedule_time.map(|t| unix_us(cx, t)),
            deadline: cj.spec.starting_deadline_seconds,
        }
    }
}

/// `mostRecentScheduleTime`: the earliest time considered (µs), the most recent schedule
/// time not after now (s), and how many were missed; Err for a schedule whose two next
/// activations are less than a second apart or never come.
fn most_recent(
    t: Times,
    sched: &InZone,
    with_deadline: bool,
) -> Result<(i64, Option<i64>, Missed), String> {
    let now = t.now;
    let mut earliest = t.last.unwrap_or(t.created);
    if let (true, Some(d)) = (with_deadline, t.deadline) {
        earliest = earliest.max(now - d * 1_000_000);
    }
    let never = || "time difference between two schedules is less than 1 second".to_string();
    let t1 = sched.next(earliest).ok_or_else(never)?;
    if now < t1 * 1_000_000 {
        return Ok((earliest, None, Missed::None));
    }
    let t2 = sched.next(t1 * 1_000_000).ok_or_else(never)?;
    if now < t2 * 1_000_000 {
        return Ok((earliest, Some(t1), Missed::None));
    }
    let between = t2 - t1;
    if between < 1 {
        return Err(never());
    }
    // A rough count of the intervals that fit between t1 and now, then a walk from one
    // interval before the estimate (for schedules whose intervals differ).
    let elapsed = (now - t1 * 1_000_000) / 1_000_000;
    let missed = elapsed / between + 1;
    let mut at = t1 + (missed - 2) * between;
    let mut most = None;
    while let Some(n) = sched.next(at * 1_000_000).filter(|n| n * 1_000_000 <= now) {
        most = Some(n);
        at = n;
    }
    let kind = if missed > MANY_MISSED {
        Missed::Many
    } else {
        Missed::Few
    };
    Ok((earliest, most, kind))
}

/// `nextScheduleTimeDuration`: the Unix µs to look again at, 100 ms after the next schedule
/// time; None where that time never comes.
fn next_requeue(t: Times, sched: &InZone) -> Option<i64> {
    let from = match most_recent(t, sched, false) {
        Err(_) => t.now,
        Ok((earliest, None, Missed::None)) => earliest,
        Ok((_, None, _)) => t.now,
        Ok((_, Some(at), _)) => at * 1_000_000,
    };
    let next = sched.next(from)?;
    Some(next * 1_000_000 + NEXT_SCHEDULE_DELTA.as_micros() as i64)
}

/// `getJobName`: the CronJob's name and the scheduled time in minutes since the epoch.
pub fn job_name(cronjob: &str, scheduled_unix: i64) -> String {
    format!("{cronjob}-{}", scheduled_unix.div_euclid(60))
}

/// The Jobs this CronJob controls (`getJobsToBeReconciled`).
fn owned_jobs<'s>(cx: &Cx<'s>, id: u32) -> Vec<(u32, &'s Job)> {
    let store = cx.store;
    store
        .dependents_of(cj_ref(id))
        .iter()
        .filter(|d| d.kind == Kind::Job)
        .filter_map(|d| store.jobs.get(d.id).map(|j| (d.id, j)))
        .filter(|(_, j)| j.meta.controller() == Some(cj_ref(id)))
        .collect()
}

/// `getFinishedStatus`: Complete or Failed.
fn finished(s: &JobStatus) -> Option<JobConditionType> {
    s.finished().map(|c| c.kind)
}

impl Component for CronJobController {
    type Tag = Tag;
    type Timer = Timer;
    type Env = ();

    fn observe(&mut self, cx: &mut Cx<'_>, n: Notice) {
        match n.obj.kind {
            // addJob/updateJob/deleteJob: wake the controlling CronJob.
            Kind::Job => {
                if let Some(cj) = n.controller {
                    self.enqueue(cx, cj);
                }
            }
            _ => {
                if n.change == Change::Deleted
                    && let Some((_, key)) = self.waiting.remove(&n.obj.id)
                {
                    cx.cancel(key);
                }
                self.enqueue(cx, n.obj.id);
            }
        }
    }

    fn on_response(&mut self, cx: &mut Cx<'_>, tag: Tag, r: Response<'_>) {
        match tag {
            Tag::Delete(id) => {
                self.deleted(cx, id, r);
                self.returned(cx, id);
            }
            Tag::Create(id, scheduled) => {
                self.created(cx, id, scheduled, r.outcome);
                self.returned(cx, id);
            }
            Tag::Status(id) => self.done(cx, id),
        }
    }

    fn on_timer(&mut self, cx: &mut Cx<'_>, timer: Timer) {
        match timer {
            Timer::Sync(id) => self.sync(cx, id),
            Timer::Requeue(id) => {
                self.waiting.remove(&id);
                self.enqueue(cx, id);
            }
        }
    }
}

impl CronJobController {
    fn enqueue(&mut self, cx: &mut Cx<'_>, key: u32) {
        self.workers.enqueue(cx, key);
    }

    fn done(&mut self, cx: &mut Cx<'_>, key: u32) {
        self.workers.done(cx, key);
    }

    /// `queue.AddAfter`: a key already waiting keeps the earlier time.
    fn add_after(&mut self, cx: &mut Cx<'_>, key: u32, at: SimTime) {
        if let Some(&(when, timer)) = self.waiting.get(&key) {
            if when <= at {
                return;
            }
            cx.cancel(timer);
        }
        let timer = cx.at(at, Timer::Requeue(key));
        self.waiting.insert(key, (at, timer));
    }

    /// `sync`: cleanup, then `syncCronJob`, then the status write once every request of
    /// the sync has returned.
    fn sync(&mut self, cx: &mut Cx<'_>, id: u32) {
        let Some(cj) = cx.store.cronjobs.get(id) else {
            self.done(cx, id);
            return;
        };
        let jobs = owned_jobs(cx, id);
        let mut status = cj.status.clone();
        let mut deletes = cleanup_finished(cj, &jobs);
        let (requeue, create) = sync_cron_job(cx, (id, cj), &jobs, &mut status, &mut deletes);
        let outstanding = (deletes.len() + usize::from(create.is_some())) as u32;
        let key = cx.store.key(cj_ref(id));
        for (job, name) in deletes {
            // deleteJob: background propagation, then the reference leaves `active`.
            status.active.retain(|a| a.id != job);
            self.deleting.insert(job, name);
            let op = Op::Delete {
                target: job_ref(job),
                uid: cx.store.jobs.get(job).map(|j| j.meta.uid),
                propagation: Propagation::Background,
                grace_seconds: None,
            };
            cx.submit(op, Tag::Delete(id), &key);
        }
        if let Some((scheduled, job)) = create {
            let ns = cj.meta.namespace.map(|n| cx.store.ns_name(n).to_string());
            let op = Op::Create {
                object: Box::new(NewObject::Job(job)),
                namespace: ns,
                generate_name: None,
            };
            cx.submit(op, Tag::Create(id, scheduled), &key);
        }
        self.pending.insert(
            id,
            Pending {
                status,
                outstanding,
                requeue,
            },
        );
        if outstanding == 0 {
            self.finish(cx, id);
        }
    }

    fn deleted(&mut self, cx: &mut Cx<'_>, id: u32, r: Response<'_>) {
        let Op::Delete { target, .. } = r.op else {
            return;
        };
        let name = self.deleting.remove(&target.id).unwrap_or_default();
        match r.outcome {
            Outcome::Failed(e) => {
                let msg = format!("Deleted job: {}", e.message);
                cx.event(cj_ref(id), true, "FailedDelete", NAME, msg);
            }
            _ => {
                let msg = format!("Deleted job {name}");
                cx.event(cj_ref(id), false, "SuccessfulDelete", NAME, msg);
            }
        }
    }

    fn created(&mut self, cx: &mut Cx<'_>, id: u32, scheduled: i64, outcome: &Outcome) {
        let job = match outcome {
            Outcome::Created(r) => {
                let name = cx.store.jobs.get(r.id).map(|j| j.meta.name.clone());
                let name = name.unwrap_or_default();
                let msg = format!("Created job {name}");
                cx.event(cj_ref(id), false, "SuccessfulCreate", NAME, msg);
                Some(r.id)
            }
            // IsAlreadyExists: ours but missing from `active` is added again.
            Outcome::Failed(e) if e.reason == "AlreadyExists" => {
                let ns = cx.store.cronjobs.get(id).and_then(|c| c.meta.namespace);
                let name = cx
                    .store
                    .cronjobs
                    .get(id)
                    .map(|c| job_name(&c.meta.name, scheduled));
                name.and_then(|n| cx.store.lookup(Kind::Job, ns, &n))
                    .filter(|j| {
                        let ours = cx.store.jobs.get(*j).and_then(|j| j.meta.controller());
                        ours == Some(cj_ref(id))
                    })
            }
            Outcome::Failed(e) => {
                let msg = format!("Error creating job: {}", e.message);
                cx.event(cj_ref(id), true, "FailedCreate", NAME, msg);
                None
            }
            _ => None,
        };
        let (Some(job), Some(p)) = (job, self.pending.get_mut(&id)) else {
            return;
        };
        if let Some(j) = cx.store.jobs.get(job) {
            if !p.status.active.iter().any(|a| a.uid == j.meta.uid) {
                p.status.active.push(ActiveJob {
                    id: job,
                    uid: j.meta.uid,
                    name: j.meta.name.clone(),
                });
            }
            p.status.last_schedule_time = Some(sim_of(cx, scheduled));
        }
    }

    fn returned(&mut self, cx: &mut Cx<'_>, id: u32) {
        let Some(p) = self.pending.get_mut(&id) else {
            return;
        };
        p.outstanding = p.outstanding.saturating_sub(1);
        if p.outstanding == 0 {
            self.finish(cx, id);
        }
    }

    /// Writes the status if it changed, and requeues for the next schedule time.
    fn finish(&mut self, cx: &mut Cx<'_>, id: u32) {
        let Some(p) = self.pending.remove(&id) else {
            return;
        };
        if let Some(at) = p.requeue {
            self.add_after(cx, id, at);
        }
        match cx.store.cronjobs.get(id) {
            Some(cj) if cj.status != p.status => {
                let key = cx.store.key(cj_ref(id));
                let op = Op::CronJobStatus {
                    id,
                    status: Box::new(p.status),
                };
                cx.submit(op, Tag::Status(id), &key);
            }
            _ => self.done(cx, id),
        }
    }
}

/// `cleanupFinishedJobs`: the finished Jobs beyond `successfulJobsHistoryLimit` and
/// `failedJobsHistoryLimit`, oldest first (`byJobStartTime`: by startTime, unstarted last,
/// ties by name).
fn cleanup_finished(cj: &CronJob, jobs: &[(u32, &Job)]) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    for (kind, limit) in [
        (
            JobConditionType::Complete,
            cj.spec.successful_jobs_history_limit,
        ),
        (JobConditionType::Failed, cj.spec.failed_jobs_history_limit),
    ] {
        let mut done: Vec<&(u32, &Job)> = jobs
            .iter()
            .filter(|(_, j)| finished(&j.status) == Some(kind))
            .collect();
        let excess = done.len().saturating_sub(limit.max(0) as usize);
        done.sort_by(|a, b| {
            let key = |j: &Job| (j.status.start_time.is_none(), j.status.start_time);
            key(a.1)
                .cmp(&key(b.1))
                .then_with(|| a.1.meta.name.cmp(&b.1.meta.name))
        });
        out.extend(
            done.into_iter()
                .take(excess)
                .map(|(id, j)| (*id, j.meta.name.clone())),
        );
    }
    out
}

/// `syncCronJob`: updates `status`, may add Replace's deletes, and returns when to requeue
/// and the Job to create (with its scheduled time in Unix seconds).
fn sync_cron_job(
    cx: &mut Cx<'_>,
    (id, cj): (u32, &CronJob),
    jobs: &[(u32, &Job)],
    status: &mut CronJobStatus,
    deletes: &mut Vec<(u32, String)>,
) -> (Option<SimTime>, Option<(i64, Job)>) {
    let me = cj_ref(id);
    for (_, j) in jobs {
        let found = status.active.iter().any(|a| a.uid == j.meta.uid);
        match finished(&j.status) {
            None if !found => {
                let msg = format!(
                    "Saw a job that the controller did not create or forgot: {}",
                    j.meta.name
                );
                cx.event(me, true, "UnexpectedJob", NAME, msg);
            }
            None => {}
            Some(kind) => {
                if found {
                    status.active.retain(|a| a.uid != j.meta.uid);
                    let msg = format!(
                        "Saw completed job: {}, condition: {}",
                        j.meta.name,
                        kind.as_str()
                    );
                    cx.event(me, false, "SawCompletedJob", NAME, msg);
                }
                if kind == JobConditionType::Complete
                    && let Some(done) = j.status.completion_time
                    && status.last_successful_time.is_none_or(|t| done > t)
                {
                    status.last_successful_time = Some(done);
                }
            }
        }
    }
    // Active references whose Job is gone.
    let gone: Vec<ActiveJob> = status
        .active
        .iter()
        .filter(|a| !jobs.iter().any(|(_, j)| j.meta.uid == a.uid))
        .cloned()
        .collect();
    for a in gone {
        let msg = format!("Active job went missing: {}", a.name);
        cx.event(me, false, "MissingJob", NAME, msg);
        status.active.retain(|x| x.uid != a.uid);
    }
    if cj.meta.deleted.is_some() || cj.spec.suspend {
        return (None, None);
    }
    let sched = InZone::new(cj.spec.parsed, cj.spec.time_zone.as_deref());
    // The sync's view: the status as it stands now (nextScheduleTime reads it).
    let view = CronJob {
        meta: cj.meta.clone(),
        spec: cj.spec.clone(),
        status: status.clone(),
    };
    let times = Times::of(cx, &view);
    let start = cx.store.events.start_unix() * 1_000_000;
    let requeue = next_requeue(times, &sched).map(|at| SimTime((at - start).max(0) as u64));
    let scheduled = match most_recent(times, &sched, true) {
        Err(e) => {
            let msg = format!("invalid schedule: {} : {e}", cj.spec.schedule);
            cx.event(me, true, "InvalidSchedule", NAME, msg);
            return (None, None);
        }
        Ok((_, None, _)) => return (requeue, None),
        Ok((_, Some(t), missed)) => {
            if missed == Missed::Many {
                let msg = "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew";
                cx.event(me, true, "TooManyMissedTimes", NAME, msg.to_string());
            }
            t
        }
    };
    let now = unix_us(cx, cx.now);
    if let Some(d) = cj.spec.starting_deadline_seconds
        && (scheduled + d) * 1_000_000 < now
    {
        let msg = format!(
            "Missed scheduled time to start a job: {}",
            crate::model::civil::rfc1123z(scheduled)
        );
        cx.event(me, true, "MissSchedule", NAME, msg);
        return (requeue, None);
    }
    let name = job_name(&cj.meta.name, scheduled);
    if status.active.iter().any(|a| a.name == name)
        || status.last_schedule_time == Some(sim_of(cx, scheduled))
    {
        return (requeue, None);
    }
    match cj.spec.concurrency_policy {
        ConcurrencyPolicy::Forbid if !status.active.is_empty() => {
            let msg = "Not starting job because prior execution is running and concurrency policy is Forbid";
            cx.event(me, false, "JobAlreadyActive", NAME, msg.to_string());
            return (requeue, None);
        }
        ConcurrencyPolicy::Replace => {
            for a in &status.active {
                if !deletes.iter().any(|(id, _)| *id == a.id) {
                    deletes.push((a.id, a.name.clone()));
                }
            }
        }
        _ => {}
    }
    (
        requeue,
        Some((scheduled, job_from_template(cj, me, scheduled))),
    )
}

/// `getJobFromTemplate2`: the template's labels, annotations and spec, the deterministic
/// name, the controller reference and the scheduled-timestamp annotation (RFC 3339, UTC).
fn job_from_template(cj: &CronJob, me: ObjRef, scheduled: i64) -> Job {
    let stamp = crate::model::civil::rfc3339(scheduled);
    let name = job_name(&cj.meta.name, scheduled);
    cj.job_from_template(me.id, name, (SCHEDULED_TIMESTAMP, stamp), true)
}

#[cfg(test)]
mod tests {
    //! Against a small store through the API server's [`Harness`], after rows of
    //! `TestControllerV2SyncCronJob` (pkg/controller/cronjob/cronjob_controllerv2_test.go):
    //! t=0 is the Unix epoch, the CronJob is created at t=0 with schedule `* * * * *`, so
    //! its times are 00:01, 00:02, … (Job names `pi-1`, `pi-2`, …).
    use super::*;
    use crate::apiserver::testing::Harness;
    use crate::component::ctx::EventRecord;
    use crate::component::ctx::testing::{Recorder, run};
    use crate::component::{ComponentId, ComponentKind};
    use crate::etcd::store::testing as fx;
    use crate::model::cronjob::{CronJobSpec, JobTemplate};
    use crate::model::job::{CompletionMode, JobCondition, JobSpec};
    use crate::model::meta::Meta;
    use crate::model::pod::RestartPolicy;
    use crate::model::workload::PodTemplate;
    use std::sync::Arc;

    const ME: ComponentId = ComponentId::of(ComponentKind::CronJobController);
    const USER: ComponentId = ComponentId::terminal(0);

    fn secs(s: u64) -> SimTime {
        SimTime(s * 1_000_000)
    }

    struct Fx {
        h: Harness,
        c: CronJobController,
        cj: u32,
    }

    impl Fx {
        fn new(policy: ConcurrencyPolicy, edit: impl FnOnce(&mut CronJobSpec)) -> Fx {
            let mut h = Harness::default();
            fx::namespace(&mut h.store, "default");
            let mut pod = (*fx::spec(100)).clone();
            pod.restart_policy = RestartPolicy::OnFailure;
            let mut spec = CronJobSpec {
                schedule: "* * * * *".into(),
                parsed: crate::model::cron::parse("* * * * *").expect("valid"),
                time_zone: None,
                starting_deadline_seconds: None,
                concurrency_policy: policy,
                suspend: false,
                successful_jobs_history_limit: 3,
                failed_jobs_history_limit: 1,
                job_template: JobTemplate {
                    labels: fx::labels(&[("app", "pi")]),
                    annotations: fx::labels(&[]),
                    spec: JobSpec {
                        parallelism: 1,
                        completions: Some(1),
                        backoff_limit: 6,
                        active_deadline_seconds: None,
                        ttl_seconds_after_finished: None,
                        completion_mode: CompletionMode::NonIndexed,
                        suspend: false,
                        template: Arc::new(PodTemplate {
                            annotations: Default::default(),
                            labels: fx::labels(&[("app", "pi")]),
                            spec: Arc::new(pod),
                        }),
                    },
                },
            };
            edit(&mut spec);
            let cj = CronJob {
                meta: Meta::new("pi".into(), None, fx::labels(&[])),
                spec,
                status: CronJobStatus::default(),
            };
            let op = Op::Create {
                object: Box::new(NewObject::CronJob(cj)),
                namespace: Some("default".into()),
                generate_name: None,
            };
            let Outcome::Created(r) = h.apply(SimTime::ZERO, USER, op) else {
                panic!("the CronJob is created");
            };
            Fx {
                h,
                c: CronJobController::default(),
                cj: r.id,
            }
        }

        fn status(&self) -> &CronJobStatus {
            &self
                .h
                .store
                .cronjobs
                .get(self.cj)
                .expect("the CronJob")
                .status
        }

        /// A sync at `at` (its requeue timer fired first), every request answered; the
        /// Events and the requeue timers it set.
        fn sync(&mut self, at: SimTime) -> (Vec<EventRecord>, Vec<SimTime>) {
            let id = self.cj;
            let mut all: Recorder<CronJobController> =
                run(&mut self.c, &self.h.store, &mut (), ME, at, |c, cx| {
                    c.on_timer(cx, Timer::Requeue(id));
                    c.on_timer(cx, Timer::Sync(id));
                });
            let mut rec = Recorder::default();
            rec.effects.append(&mut all.effects);
            let mut events = Vec::new();
            let mut timers = Vec::new();
            loop {
                events.extend(rec.events().into_iter().cloned());
                timers.extend(
                    rec.timers()
                        .into_iter()
                        .filter(|(_, t)| matches!(t, Timer::Requeue(_)))
                        .map(|(t, _)| t),
                );
                if rec.requests().is_empty() {
                    break;
                }
                rec = self.h.answer(&mut self.c, &mut (), ME, at, &rec);
            }
            (events, timers)
        }

        fn job(&self, name: &str) -> Option<(u32, &Job)> {
            let ns = self.h.store.find_ns("default");
            let id = self.h.store.lookup(Kind::Job, ns, name)?;
            self.h.store.jobs.get(id).map(|j| (id, j))
        }

        /// The Job controller's part: the Job finished at `at`.
        fn finish(&mut self, name: &str, kind: JobConditionType, at: SimTime) {
            let (id, _) = self.job(name).expect("the Job");
            let j = self.h.store.jobs.get_mut(id).expect("job");
            j.status.start_time.get_or_insert(at);
            if kind == JobConditionType::Complete {
                j.status.completion_time = Some(at);
            }
            j.status.conditions.push(JobCondition {
                kind,
                reason: "",
                message: "",
                since: at,
            });
        }
    }

    fn said(events: &[EventRecord]) -> Vec<String> {
        events
            .iter()
            .map(|e| format!("{} {}", e.reason, e.message))
            .collect()
    }

    /// `topOfTheHour` of utils_test.go, 2016-05-19T10:00:00Z (a Thursday), plus `d` seconds,
    /// in Unix µs.
    fn top(d: i64) -> i64 {
        (1_463_652_000 + d) * 1_000_000
    }

    fn times(now: i64, created: i64, last: Option<i64>, deadline: Option<i64>) -> Times {
        Times {
            now: top(now),
            created: top(created),
            last: last.map(top),
            deadline,
        }
    }

    #[test]
    fn most_recent_schedule_time_follows_the_rows_of_utils_test() {
        // TestMostRecentScheduleTime (pkg/controller/cronjob/utils_test.go): (name, schedule,
        // times, includeSDS) → (earliest, most recent, missed).
        const M: i64 = 60;
        const H: i64 = 3600;
        let rows = [
            (
                "now before next schedule",
                "0 * * * *",
                times(30, 0, None, None),
                false,
                0,
                None,
                Missed::None,
            ),
            (
                "now just after next schedule",
                "0 * * * *",
                times(61 * M, 0, None, None),
                false,
                0,
                Some(60 * M),
                Missed::None,
            ),
            (
                "missed 5 schedules",
                "0 * * * *",
                times(301 * M, 10, None, None),
                false,
                10,
                Some(300 * M),
                Missed::Few,
            ),
            (
                "complex schedule",
                "30 6-16/4 * * 1-5",
                times(24 * H + 31 * M, 0, Some(30 * M), None),
                false,
                30 * M,
                Some(24 * H + 30 * M),
                Missed::Few,
            ),
            (
                "another complex schedule",
                "30 10,11,12 * * 1-5",
                times(30 * H + 30 * M, 0, Some(30 * M), None),
                false,
                30 * M,
                None,
                Missed::Few,
            ),
            (
                "complex schedule with longer diff between executions",
                "30 6-16/4 * * 1-5",
                times(96 * H + 31 * M, 0, Some(30 * M), None),
                false,
                30 * M,
                Some(96 * H + 30 * M),
                Missed::Few,
            ),
            (
                "complex schedule with shorter diff between executions",
                "30 6-16/4 * * 1-5",
                times(24 * H + 31 * M, 0, None, None),
                false,
                0,
                Some(24 * H + 30 * M),
                Missed::Few,
            ),
            (
                "@every schedule",
                "@every 1h",
                times(7 * 24 * H, -59 * M, Some(M), Some(10)),
                false,
                M,
                Some(6 * 24 * H + 23 * H + M),
                Missed::Many,
            ),
            (
                "earliestTime being CreationTimestamp and LastScheduleTime",
                "0 * * * *",
                times(30, 0, Some(0), None),
                false,
                0,
                None,
                Missed::None,
            ),
            (
                "earliestTime being LastScheduleTime (within StartingDeadlineSeconds)",
                "*/5 * * * *",
                times(31 * M, 0, Some(30 * M), Some(60)),
                false,
                30 * M,
                None,
                Missed::None,
            ),
            (
                "earliestTime being LastScheduleTime (outside StartingDeadlineSeconds)",
                "*/5 * * * *",
                times(32 * M, 0, Some(30 * M), Some(60)),
                true,
                31 * M,
                None,
                Missed::None,
            ),
        ];
        for (name, schedule, t, sds, earliest, recent, missed) in rows {
            let sched = crate::model::cron::parse(schedule).expect(name);
            let got = most_recent(t, &sched.into(), sds).expect(name);
            let want = (top(earliest), recent.map(|r| top(r) / 1_000_000), missed);
            assert_eq!(got, want, "{name}");
        }
        // "rogue cronjob": 31 February never comes.
        let rogue = crate::model::cron::parse("59 23 31 2 *").expect("parses");
        assert!(most_recent(times(H, 10, None, None), &rogue.into(), false).is_err());
    }

    #[test]
    fn next_schedule_time_duration_follows_the_rows_of_utils_test() {
        // TestNextScheduleTimeDuration: the requeue is the next schedule time + 100 ms.
        const M: i64 = 60;
        const H: i64 = 3600;
        let rows = [
            (
                "complex schedule skipping weekend",
                "30 6-16/4 * * 1-5",
                times(24 * H + 31 * M, 0, Some(30 * M), None),
                3 * H + 59 * M,
            ),
            (
                "another complex schedule skipping weekend",
                "30 10,11,12 * * 1-5",
                times(30 * H + 30 * M, 0, Some(30 * M), None),
                66 * H,
            ),
            (
                "once a week cronjob, missed two runs",
                "0 12 * * 4",
                times(19 * 24 * H + H + 30 * M, 0, Some(2 * H), None),
                48 * H + 30 * M,
            ),
            (
                "no previous run of a cronjob",
                "0 12 * * 5",
                times(6 * H, 0, None, None),
                20 * H,
            ),
        ];
        for (name, schedule, t, wait) in rows {
            let sched = crate::model::cron::parse(schedule).expect(name);
            let at = next_requeue(t, &sched.into()).expect(name);
            assert_eq!(at - t.now, wait * 1_000_000 + 100_000, "{name}");
        }
    }

    #[test]
    fn job_names_carry_the_scheduled_time_in_minutes_since_the_epoch() {
        // getJobName / getTimeHashInMinutes: 28000000 minutes is 1683200000 s.
        assert_eq!(job_name("web", 28_000_000 * 60), "web-28000000");
        assert_eq!(job_name("pi", 60), "pi-1");
    }

    #[test]
    fn a_cronjob_fires_on_schedule_and_requeues_100ms_after_the_next_time() {
        let mut f = Fx::new(ConcurrencyPolicy::Allow, |_| {});
        // "never ran, not time": nothing yet, requeue at the first schedule time + 100 ms.
        let (ev, timers) = f.sync(secs(10));
        assert!(ev.is_empty());
        assert_eq!(timers, [SimTime(60_100_000)]);
        assert!(f.job("pi-1").is_none());
        // "never ran, is time": the Job for 00:01 is created from the template.
        let (ev, timers) = f.sync(SimTime(60_100_000));
        assert_eq!(said(&ev), ["SuccessfulCreate Created job pi-1"]);
        assert_eq!(timers, [SimTime(120_100_000)]);
        let (_, job) = f.job("pi-1").expect("created");
        assert_eq!(job.meta.labels.get("app"), Some("pi"));
        assert_eq!(
            job.meta.annotations.get(SCHEDULED_TIMESTAMP),
            Some("1970-01-01T00:01:00Z")
        );
        assert_eq!(job.meta.controller(), Some(cj_ref(f.cj)));
        let st = f.status();
        assert_eq!(st.active.len(), 1);
        assert_eq!(st.active[0].name, "pi-1");
        assert_eq!(st.last_schedule_time, Some(secs(60)));
        // Allow: the next run starts while the first is still active.
        let (ev, _) = f.sync(SimTime(120_100_000));
        assert_eq!(said(&ev), ["SuccessfulCreate Created job pi-2"]);
        assert_eq!(f.status().active.len(), 2);
    }

    #[test]
    fn forbid_skips_a_run_while_one_is_active_then_starts_the_next_time() {
        let mut f = Fx::new(ConcurrencyPolicy::Forbid, |_| {});
        f.sync(SimTime(60_100_000));
        // "prev ran but not done, is time, F": JobAlreadyActive, no Job.
        let (ev, timers) = f.sync(SimTime(120_100_000));
        assert_eq!(
            said(&ev),
            [
                "JobAlreadyActive Not starting job because prior execution is running and concurrency policy is Forbid"
            ]
        );
        assert_eq!(timers, [SimTime(180_100_000)]);
        assert!(f.job("pi-2").is_none());
        // The Job completes: it leaves `active`, its completion is the last success, and
        // with no startingDeadlineSeconds the skipped 00:02 still counts as unmet, so its
        // Job starts at once (the Job's update wakes the CronJob).
        f.finish("pi-1", JobConditionType::Complete, secs(130));
        let (ev, _) = f.sync(secs(131));
        assert_eq!(
            said(&ev),
            [
                "SawCompletedJob Saw completed job: pi-1, condition: Complete",
                "SuccessfulCreate Created job pi-2"
            ]
        );
        assert_eq!(f.status().last_successful_time, Some(secs(130)));
        assert_eq!(f.status().active.len(), 1);
    }

    #[test]
    fn forbid_with_a_starting_deadline_does_not_make_up_a_skipped_run() {
        let mut f = Fx::new(ConcurrencyPolicy::Forbid, |s| {
            s.starting_deadline_seconds = Some(5);
        });
        f.sync(SimTime(60_100_000));
        f.sync(SimTime(120_100_000));
        f.finish("pi-1", JobConditionType::Complete, secs(130));
        let (ev, _) = f.sync(secs(131));
        assert_eq!(
            said(&ev),
            ["SawCompletedJob Saw completed job: pi-1, condition: Complete"]
        );
        assert!(f.status().active.is_empty());
        let (ev, _) = f.sync(SimTime(180_100_000));
        assert_eq!(said(&ev), ["SuccessfulCreate Created job pi-3"]);
        assert!(f.job("pi-2").is_none());
    }

    #[test]
    fn replace_deletes_the_running_job_and_starts_the_new_one() {
        let mut f = Fx::new(ConcurrencyPolicy::Replace, |_| {});
        f.sync(SimTime(60_100_000));
        let (ev, _) = f.sync(SimTime(120_100_000));
        assert_eq!(
            said(&ev),
            [
                "SuccessfulDelete Deleted job pi-1",
                "SuccessfulCreate Created job pi-2"
            ]
        );
        let st = f.status();
        assert_eq!(
            st.active
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>(),
            ["pi-2"]
        );
        assert!(
            f.job("pi-1").is_none_or(|(_, j)| j.meta.deleted.is_some()),
            "pi-1 is deleted"
        );
    }

    #[test]
    fn finished_jobs_beyond_the_history_limits_are_deleted_oldest_first() {
        let mut f = Fx::new(ConcurrencyPolicy::Allow, |s| {
            s.successful_jobs_history_limit = 2;
        });
        let mut deletes = Vec::new();
        let mut keep = |ev: Vec<EventRecord>| {
            deletes.extend(
                said(&ev)
                    .into_iter()
                    .filter(|e| e.starts_with("SuccessfulDelete")),
            )
        };
        for m in 1..=5u64 {
            keep(f.sync(SimTime(m * 60_000_000 + 100_000)).0);
            let name = format!("pi-{m}");
            let kind = if m <= 3 {
                JobConditionType::Complete
            } else {
                JobConditionType::Failed
            };
            f.finish(&name, kind, secs(m * 60 + 10));
        }
        keep(f.sync(secs(5 * 60 + 20)).0);
        // Three complete (limit 2) and two failed (limit 1, the default): pi-1 goes once
        // pi-3 has completed, pi-4 once pi-5 has failed.
        assert_eq!(
            deletes,
            [
                "SuccessfulDelete Deleted job pi-1",
                "SuccessfulDelete Deleted job pi-4"
            ]
        );
        assert!(f.job("pi-2").is_some() && f.job("pi-3").is_some() && f.job("pi-5").is_some());
    }

    #[test]
    fn a_start_missed_by_more_than_the_starting_deadline_is_not_made_up() {
        // "never ran, is time, past deadline": 00:01 was 15 s ago, the deadline is 10 s.
        let mut f = Fx::new(ConcurrencyPolicy::Allow, |s| {
            s.starting_deadline_seconds = Some(10);
        });
        let (ev, timers) = f.sync(secs(75));
        assert!(ev.is_empty(), "{ev:?}");
        assert!(f.job("pi-1").is_none());
        assert_eq!(timers, [SimTime(120_100_000)]);
        // Within the deadline it starts late.
        let mut f = Fx::new(ConcurrencyPolicy::Allow, |s| {
            s.starting_deadline_seconds = Some(20);
        });
        let (ev, _) = f.sync(secs(75));
        assert_eq!(said(&ev), ["SuccessfulCreate Created job pi-1"]);
    }

    #[test]
    fn after_more_than_100_missed_times_it_warns_and_starts_the_most_recent() {
        // "prev ran but done, long overdue, no deadline": TooManyMissedTimes, then the Job
        // of the most recent time (00:200 is 200 minutes after the epoch).
        let mut f = Fx::new(ConcurrencyPolicy::Allow, |_| {});
        let (ev, _) = f.sync(SimTime(200 * 60_000_000 + 100_000));
        assert_eq!(
            said(&ev),
            [
                "TooManyMissedTimes too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew",
                "SuccessfulCreate Created job pi-200",
            ]
        );
        assert_eq!(f.status().last_schedule_time, Some(secs(200 * 60)));
    }

    #[test]
    fn a_suspended_cronjob_starts_nothing_and_is_not_requeued() {
        let mut f = Fx::new(ConcurrencyPolicy::Allow, |s| s.suspend = true);
        let (ev, timers) = f.sync(SimTime(60_100_000));
        assert!(ev.is_empty());
        assert!(timers.is_empty());
        assert!(f.job("pi-1").is_none());
    }

    #[test]
    fn an_active_job_that_is_gone_leaves_the_active_list() {
        let mut f = Fx::new(ConcurrencyPolicy::Forbid, |_| {});
        f.sync(SimTime(60_100_000));
        let (id, _) = f.job("pi-1").expect("created");
        f.h.store.remove(job_ref(id));
        let (ev, _) = f.sync(secs(70));
        assert_eq!(said(&ev), ["MissingJob Active job went missing: pi-1"]);
        assert!(f.status().active.is_empty());
    }
}
