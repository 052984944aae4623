//! The Job controller (kube-controller-manager's `job-controller`).
//!
//! Mirrors `pkg/controller/job/job_controller.go`: `syncJob` counts the Job's finished pods
//! once each, decides whether the Job has failed (`backoffLimit`, `activeDeadlineSeconds`)
//! or met its success criteria, and otherwise `manageJob` creates pods up to
//! `min(parallelism, completions - succeeded)` in slow-start batches (after the pod failure
//! back-off: 10 s doubling per failure since the last success, capped at 10 min) or deletes
//! the excess. Since 1.31 a finishing Job first gets the interim SuccessCriteriaMet or
//! FailureTarget condition and only gets Complete or Failed once none of its pods is
//! terminating (`delayTerminalCondition`, on with JobPodReplacementPolicy and JobManagedBy).
//!
//! Simplifications: finished pods are counted through a set of pod ids instead of the
//! `batch.kubernetes.io/job-tracking` finalizer and `uncountedTerminatedPods` (kubesim never
//! restarts the controller, so nothing is lost); a pod's finish time is when the controller
//! counts it; no podFailurePolicy, successPolicy, backoffLimitPerIndex, managedBy or
//! adoption of orphan pods; an Indexed Job's pods carry their index as the
//! `batch.kubernetes.io/job-completion-index` label and annotation (the
//! `JOB_COMPLETION_INDEX` variable, which holds the same value, is not stored).

use crate::apiserver::Op;
use crate::component::{Change, Component, Ctx, Notice, Response};
use crate::controllers::Workers;
use crate::controllers::activepods::{ActivePodsWithRanks, PodFacts};
use crate::controllers::podcontrol::pod_from_template;
use crate::controllers::podcontrol::{
    Expectations, delete_pod, delete_returned, observe_owned_pod, record_create, slow_start_batch,
};
use crate::controllers::workqueue::FailureBackoff;
use crate::model::job::{
    COMPLETION_INDEX, CONTROLLER_UID, CompletionMode, JOB_NAME, Job, JobCondition,
    JobConditionType as T, JobStatus, LEGACY_CONTROLLER_UID, LEGACY_JOB_NAME,
};
use crate::model::kind::Kind;
use crate::model::meta::{ObjRef, OwnerRef};
use crate::model::object::NewObject;
use crate::model::pod::{Phase, Pod, RestartPolicy};
use crate::sim::time::{SimDuration, SimTime};
use std::collections::{BTreeMap, BTreeSet};

/// `DefaultJobPodFailureBackOff` (job_controller.go).
pub const POD_FAILURE_BACKOFF: SimDuration = SimDuration::from_secs(10);
/// `MaxJobPodFailureBackOff` (job_controller.go): 10 minutes.
pub const MAX_POD_FAILURE_BACKOFF: SimDuration = SimDuration::from_secs(600);
/// `syncJobBatchPeriod`: pod events are batched into one sync a second later.
pub const SYNC_BATCH_PERIOD: SimDuration = SimDuration::from_secs(1);
/// `MaxPodCreateDeletePerSync` (job_controller.go).
pub const MAX_POD_CREATE_DELETE_PER_SYNC: i32 = 500;
/// `--concurrent-job-syncs` (kube-controller-manager's default).
pub const WORKERS: usize = 5;

const NAME: &str = "job-controller";

pub use crate::controllers::podcontrol::{Tag, Timer};

/// Creates still to send for one Job, and the indexes they carry (Indexed Jobs).
#[derive(Debug, Default)]
struct SyncState {
    /// Completion indexes still to create (Indexed), or empty.
    indexes: Vec<i32>,
    /// Creates still to send in later batches.
    remaining: i32,
    /// Size of the batch in flight.
    batch: i32,
    /// Responses still awaited.
    outstanding: u32,
    /// A create in this batch failed.
    failed: bool,
    /// Creates the API server refused, over all batches: manageJob counts each out of
    /// `active` again (`atomic.AddInt32(&active, -1)`).
    refused: i32,
}

/// `backoffRecord` (pkg/controller/job/backoff_utils.go).
#[derive(Clone, Copy, Debug, Default)]
struct Backoff {
    failures_after_last_success: u32,
    last_failure: Option<SimTime>,
}

impl Backoff {
    /// `getRemainingTime`: 10 s × 2^(failures−1), capped, minus the time since the last
    /// failure.
    fn remaining(&self, now: SimTime) -> SimDuration {
        let Some(last) = self.last_failure else {
            return SimDuration(0);
        };
        if self.failures_after_last_success == 0 {
            return SimDuration(0);
        }
        let mut d = POD_FAILURE_BACKOFF.as_micros();
        for _ in 1..self.failures_after_last_success {
            d = d.saturating_mul(2);
            if d >= MAX_POD_FAILURE_BACKOFF.as_micros() {
                d = MAX_POD_FAILURE_BACKOFF.as_micros();
                break;
            }
        }
        let elapsed = now.since(last).as_micros();
        SimDuration(d.saturating_sub(elapsed))
    }
}

/// The controller's state.
#[derive(Debug)]
pub struct JobController {
    /// Its work queue.
    pub workers: Workers<Timer>,
    expectations: Expectations,
    syncs: BTreeMap<u32, SyncState>,
    deleting: BTreeMap<u32, String>,
    /// Pods whose finish was counted into their Job's status (the tracking finalizer).
    counted: BTreeSet<u32>,
    backoff: BTreeMap<u32, Backoff>,
    /// Jobs with a batched sync pending (`enqueueSyncJobBatched`).
    batched: BTreeSet<u32>,
    /// Status computed by a sync whose pod requests are still in flight.
    pending: BTreeMap<u32, JobStatus>,
    /// Per Job: the retry delay after a sync whose creates failed.
    api_backoff: FailureBackoff,
}

impl Default for JobController {
    fn default() -> Self {
        JobController {
            workers: Workers::new(WORKERS, Kind::Job, NAME, Timer::Sync),
            expectations: Expectations::default(),
            syncs: BTreeMap::new(),
            deleting: BTreeMap::new(),
            counted: BTreeSet::new(),
            backoff: BTreeMap::new(),
            batched: BTreeSet::new(),
            pending: BTreeMap::new(),
            // job_controller.go DefaultJobApiBackOff and MaxJobApiBackOff.
            api_backoff: FailureBackoff::new(SimDuration::from_secs(1), SimDuration::from_secs(60)),
        }
    }
}

type Cx<'a> = Ctx<'a, JobController>;

fn job_ref(id: u32) -> ObjRef {
    ObjRef {
        kind: Kind::Job,
        id,
    }
}

impl Component for JobController {
    type Tag = Tag;
    type Timer = Timer;
    type Env = ();

    fn observe(&mut self, cx: &mut Cx<'_>, n: Notice) {
        match n.obj.kind {
            Kind::Pod => {
                let Some(job) = observe_owned_pod(&mut self.expectations, cx.store, n) else {
                    return;
                };
                if n.change == Change::Deleted {
                    self.counted.remove(&n.obj.id);
                }
                // updatePod/deletePod: `enqueueSyncJobBatched`.
                if self.batched.insert(job) {
                    cx.after(SYNC_BATCH_PERIOD, Timer::Requeue(job));
                }
            }
            _ => {
                if n.change == Change::Deleted {
                    self.expectations.forget(n.obj.id);
                    self.backoff.remove(&n.obj.id);
                    self.api_backoff.forget(n.obj.id);
                }
                self.workers.enqueue(cx, n.obj.id);
            }
        }
    }

    fn on_response(&mut self, cx: &mut Cx<'_>, tag: Tag, r: Response<'_>) {
        on_response(self, cx, tag, r);
    }

    fn on_timer(&mut self, cx: &mut Cx<'_>, timer: Timer) {
        match timer {
            Timer::Sync(id) => sync(self, cx, id),
            Timer::Requeue(id) => {
                self.batched.remove(&id);
                self.workers.enqueue(cx, id);
            }
        }
    }
}

/// Pods controlled by this Job, in creation order.
fn owned_pods<'s>(cx: &Cx<'s>, job: u32) -> Vec<&'s Pod> {
    let store = cx.store;
    store
        .dependents_of(job_ref(job))
        .iter()
        .filter(|d| d.kind == Kind::Pod)
        .filter_map(|d| store.pods.get(d.id))
        .filter(|p| p.meta.controller() == Some(job_ref(job)))
        .collect()
}

/// A pod's completion index, if it has a valid one below `completions`
/// (`getCompletionIndex`).
fn completion_index(pod: &Pod, completions: i32) -> Option<i32> {
    let ix: i32 = pod.meta.labels.get(COMPLETION_INDEX)?.parse().ok()?;
    (0..completions).contains(&ix).then_some(ix)
}

/// `isPodFailed` without a podFailurePolicy: Failed, or deleted before it succeeded (the
/// pod may never reach a phase).
fn is_pod_failed(p: &Pod) -> bool {
    p.status.phase == Phase::Failed
        || (p.meta.deleted.is_some() && p.status.phase != Phase::Succeeded)
}

/// `pastBackoffLimitOnFailure`: with restartPolicy OnFailure, the container restarts of
/// running and pending pods count against backoffLimit.
fn past_backoff_limit_on_failure(job: &Job, pods: &[&Pod]) -> bool {
    if job.spec.template.spec.restart_policy != RestartPolicy::OnFailure {
        return false;
    }
    let restarts: i64 = pods
        .iter()
        .filter(|p| matches!(p.status.phase, Phase::Running | Phase::Pending))
        .flat_map(|p| p.status.containers.iter())
        .map(|c| i64::from(c.restart_count))
        .sum();
    if job.spec.backoff_limit == 0 {
        restarts > 0
    } else {
        restarts >= i64::from(job.spec.backoff_limit)
    }
}

fn condition(kind: T, reason: &'static str, message: &'static str, now: SimTime) -> JobCondition {
    JobCondition {
        kind,
        reason,
        message,
        since: now,
    }
}

/// `syncJob`.
fn sync(me: &mut JobController, cx: &mut Cx<'_>, id: u32) {
    let store = cx.store;
    let Some(job) = store.jobs.get(id) else {
        me.expectations.forget(id);
        me.backoff.remove(&id);
        me.workers.done(cx, id);
        return;
    };
    if job.status.finished().is_some() {
        me.backoff.remove(&id);
        me.workers.done(cx, id);
        return;
    }
    let now = cx.now;
    let satisfied = me.expectations.satisfied(id);
    let pods = owned_pods(cx, id);
    let active_pods: Vec<&Pod> = pods.iter().copied().filter(|p| p.is_active()).collect();
    let mut active = active_pods.len() as i32;
    let mut ready = active_pods.iter().filter(|p| p.is_ready()).count() as i32;
    let mut terminating = pods
        .iter()
        .filter(|p| p.meta.deleted.is_some() && !p.is_terminal())
        .count() as i32;
    let mut status = job.status.clone();
    let ids = |pred: &dyn Fn(&Pod) -> bool| -> Vec<u32> {
        store
            .dependents_of(job_ref(id))
            .iter()
            .filter(|d| d.kind == Kind::Pod && !me.counted.contains(&d.id))
            .filter(|d| store.pods.get(d.id).is_some_and(pred))
            .map(|d| d.id)
            .collect()
    };
    let new_succeeded = ids(&|p| p.status.phase == Phase::Succeeded);
    let new_failed = ids(&is_pod_failed);
    status.succeeded += new_succeeded.len() as i32;
    status.failed += new_failed.len() as i32;
    if job.spec.completion_mode == CompletionMode::Indexed {
        let completions = job.spec.completions.unwrap_or(0);
        let mut done: BTreeSet<i32> = status.completed_indexes.iter().copied().collect();
        for pid in &new_succeeded {
            if let Some(ix) = store
                .pods
                .get(*pid)
                .and_then(|p| completion_index(p, completions))
            {
                done.insert(ix);
            }
        }
        status.completed_indexes = done.into_iter().collect();
        status.succeeded = status.completed_indexes.len() as i32;
    }
    me.counted.extend(new_succeeded.iter().chain(&new_failed));
    // newBackoffRecord: a success resets the count of failures since the last success.
    let b = me.backoff.entry(id).or_default();
    if !new_succeeded.is_empty() {
        b.failures_after_last_success = 0;
    }
    if !new_failed.is_empty() {
        b.failures_after_last_success += new_failed.len() as u32;
        b.last_failure = Some(now);
    }
    let backoff = *b;
    if status.start_time.is_none() && !job.spec.suspend {
        status.start_time = Some(now);
    }

    let mut finishing: Option<JobCondition> = None;
    if let Some(c) = status
        .conditions
        .iter()
        .find(|c| matches!(c.kind, T::SuccessCriteriaMet | T::FailureTarget))
    {
        finishing = Some(c.clone());
    } else if status.failed > job.spec.backoff_limit || past_backoff_limit_on_failure(job, &pods) {
        finishing = Some(condition(
            T::FailureTarget,
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
            now,
        ));
    } else if let (Some(ads), Some(start), false) = (
        job.spec.active_deadline_seconds,
        status.start_time,
        job.spec.suspend,
    ) {
        let allowed = SimDuration::from_secs(ads as u64);
        let elapsed = now.since(start);
        if elapsed >= allowed {
            finishing = Some(condition(
                T::FailureTarget,
                "DeadlineExceeded",
                "Job was active longer than specified deadline",
                now,
            ));
        } else {
            cx.after(
                SimDuration(allowed.as_micros() - elapsed.as_micros()),
                Timer::Requeue(id),
            );
        }
    }

    let failing = finishing
        .as_ref()
        .is_some_and(|c| c.kind == T::FailureTarget);
    if failing {
        // deleteActivePods: the Job has failed; its running pods go, each counted as
        // failed (trackJobStatusAndRemoveFinalizers: once the Job is finished, every
        // non-terminated pod is considered failed).
        let victims: Vec<u32> = active_pods.iter().filter_map(|p| pod_id(cx, p)).collect();
        let uncounted: Vec<u32> = victims
            .iter()
            .copied()
            .filter(|p| !me.counted.contains(p))
            .collect();
        status.failed += uncounted.len() as i32;
        me.counted.extend(uncounted);
        ready -= active_pods.iter().filter(|p| p.is_ready()).count() as i32;
        terminating += victims.len() as i32;
        active = 0;
        if !satisfied {
            finishing = None;
        }
        delete_pods(me, cx, id, &victims);
    } else if finishing.is_none() {
        if satisfied && job.meta.deleted.is_none() {
            active = manage_job(me, cx, id, job, &status, &active_pods, backoff);
        }
        let complete = match job.spec.completions {
            None => status.succeeded > 0 && active == 0,
            Some(c) => status.succeeded >= c && active == 0,
        };
        if complete {
            finishing = Some(condition(
                T::SuccessCriteriaMet,
                "CompletionsReached",
                "Reached expected number of succeeded pods",
                now,
            ));
        } else if satisfied {
            suspend_condition(cx, id, job.spec.suspend, &mut status, now);
        }
    }

    status.active = active;
    status.ready = ready;
    status.terminating = terminating;
    if let Some(c) = &finishing
        && !status.has(c.kind)
    {
        status.conditions.push(c.clone());
    }
    // enactJobFinished: the terminal condition waits until no pod is terminating.
    if let Some(c) = finishing
        && terminating == 0
        && active == 0
    {
        let (kind, message) = if c.kind == T::SuccessCriteriaMet {
            status.completion_time = Some(now);
            (T::Complete, "Job completed")
        } else {
            (T::Failed, c.message)
        };
        status
            .conditions
            .push(condition(kind, c.reason, c.message, now));
        // recordJobFinished.
        let (warning, reason) = match kind {
            T::Complete => (false, "Completed"),
            _ => (true, c.reason),
        };
        cx.event(job_ref(id), warning, reason, NAME, message.to_string());
    }
    if me.syncs.contains_key(&id) {
        // Creates or deletes are in flight; the status is written when they return.
        me.pending.insert(id, status);
        return;
    }
    write_status(me, cx, id, status);
}

/// The store id of a pod borrowed from it.
fn pod_id(cx: &Cx<'_>, p: &Pod) -> Option<u32> {
    cx.store.lookup(Kind::Pod, p.meta.namespace, &p.meta.name)
}

/// The Suspended condition and its Events (`ensureJobConditionStatus` in syncJob); a
/// resumed Job restarts its activeDeadlineSeconds clock.
fn suspend_condition(
    cx: &mut Cx<'_>,
    id: u32,
    suspend: bool,
    status: &mut JobStatus,
    now: SimTime,
) {
    let has = status.has(T::Suspended);
    if suspend && !has {
        status.conditions.push(condition(
            T::Suspended,
            "JobSuspended",
            "Job suspended",
            now,
        ));
        cx.event(
            job_ref(id),
            false,
            "Suspended",
            NAME,
            "Job suspended".into(),
        );
    } else if !suspend && has {
        status.conditions.retain(|c| c.kind != T::Suspended);
        status.start_time = Some(now);
        cx.event(job_ref(id), false, "Resumed", NAME, "Job resumed".into());
    }
}

/// `manageJob`: creates or deletes pods toward the wanted number of active pods; returns
/// the active count as syncJob reports it (creates count once sent).
fn manage_job(
    me: &mut JobController,
    cx: &mut Cx<'_>,
    id: u32,
    job: &Job,
    status: &JobStatus,
    active_pods: &[&Pod],
    backoff: Backoff,
) -> i32 {
    let active = active_pods.len() as i32;
    if job.spec.suspend {
        let victims: Vec<u32> = active_pods.iter().filter_map(|p| pod_id(cx, p)).collect();
        delete_pods(me, cx, id, &victims);
        return 0;
    }
    let parallelism = job.spec.parallelism;
    let want = match job.spec.completions {
        None if status.succeeded > 0 => active,
        None => parallelism,
        Some(c) => (c - status.succeeded).clamp(0, parallelism),
    };
    if active > want {
        // activePodsForRemoval: `sort.Sort(controller.ActivePods(pods))`, the first go.
        let facts = active_pods.iter().map(|p| PodFacts::of(p)).collect();
        let n = (active - want).min(MAX_POD_CREATE_DELETE_PER_SYNC) as usize;
        let victims: Vec<u32> = ActivePodsWithRanks::plain(facts)
            .order()
            .into_iter()
            .take(n)
            .filter_map(|i| pod_id(cx, active_pods[i]))
            .collect();
        let deleted = victims.len() as i32;
        delete_pods(me, cx, id, &victims);
        return active - deleted;
    }
    if active == want {
        return active;
    }
    let wait = backoff.remaining(cx.now);
    if wait > SimDuration(0) {
        cx.after(wait, Timer::Requeue(id));
        return active;
    }
    let mut diff = (want - active).min(MAX_POD_CREATE_DELETE_PER_SYNC);
    let mut indexes = Vec::new();
    if job.spec.completion_mode == CompletionMode::Indexed {
        // firstPendingIndexes: the lowest indexes neither succeeded nor active.
        let completions = job.spec.completions.unwrap_or(0);
        let busy: BTreeSet<i32> = active_pods
            .iter()
            .filter_map(|p| completion_index(p, completions))
            .chain(status.completed_indexes.iter().copied())
            .collect();
        indexes = (0..completions)
            .filter(|i| !busy.contains(i))
            .take(diff as usize)
            .collect();
        diff = indexes.len() as i32;
    }
    if diff == 0 {
        return active;
    }
    me.expectations.set(id, diff, 0);
    indexes.reverse();
    me.syncs.insert(
        id,
        SyncState {
            indexes,
            remaining: diff,
            ..Default::default()
        },
    );
    next_batch(me, cx, id);
    active + diff
}

fn delete_pods(me: &mut JobController, cx: &mut Cx<'_>, id: u32, victims: &[u32]) {
    if victims.is_empty() {
        return;
    }
    me.expectations.set(id, 0, victims.len() as i32);
    me.syncs.insert(
        id,
        SyncState {
            outstanding: victims.len() as u32,
            ..Default::default()
        },
    );
    for &pod in victims {
        delete_pod(cx, &mut me.deleting, pod, Tag::Delete(id));
    }
}

/// Sends the next slow-start batch of pod creates.
fn next_batch(me: &mut JobController, cx: &mut Cx<'_>, id: u32) {
    let Some(job) = cx.store.jobs.get(id) else {
        me.syncs.remove(&id);
        return;
    };
    let Some(st) = me.syncs.get_mut(&id) else {
        return;
    };
    let batch = slow_start_batch(st.batch as usize, st.remaining as usize) as i32;
    st.batch = batch;
    st.remaining -= batch;
    st.outstanding = batch as u32;
    st.failed = false;
    let ns = job.meta.namespace.map(|n| cx.store.ns_name(n).to_string());
    let key = cx.store.key(job_ref(id));
    let owner = OwnerRef {
        owner: job_ref(id),
        uid: job.meta.uid,
        controller: true,
        block_owner_deletion: true,
    };
    // generateSelector (pkg/registry/batch/job/strategy.go) puts these labels on the
    // template; the pods carry them.
    let uid = job.meta.uid.to_string();
    let mut labels = job.spec.template.labels.clone();
    for (k, v) in [
        (CONTROLLER_UID, uid.as_str()),
        (LEGACY_CONTROLLER_UID, uid.as_str()),
        (JOB_NAME, job.meta.name.as_str()),
        (LEGACY_JOB_NAME, job.meta.name.as_str()),
    ] {
        labels.insert(k.to_string(), v.to_string());
    }
    for _ in 0..batch {
        let index = st.indexes.pop();
        let mut pod = pod_from_template(&job.spec.template, labels.clone(), owner);
        let meta = &mut pod.meta;
        let generate_name = match index {
            // podGenerateNameWithIndex: `<job>-<index>-`; addCompletionIndexAnnotation and
            // addCompletionIndexLabel write the index both ways.
            Some(ix) => {
                meta.labels
                    .insert(COMPLETION_INDEX.to_string(), ix.to_string());
                meta.annotations
                    .insert(COMPLETION_INDEX.to_string(), ix.to_string());
                format!("{}-{ix}-", job.meta.name)
            }
            None => format!("{}-", job.meta.name),
        };
        let op = Op::Create {
            object: Box::new(NewObject::Pod(pod)),
            namespace: ns.clone(),
            generate_name: Some(generate_name),
        };
        cx.submit(op, Tag::Create(id), &key);
    }
}

/// Writes the status if it changed; the worker is done once the write returns.
fn write_status(me: &mut JobController, cx: &mut Cx<'_>, id: u32, status: JobStatus) {
    let Some(job) = cx.store.jobs.get(id) else {
        me.workers.done(cx, id);
        return;
    };
    if job.status == status {
        me.workers.done(cx, id);
        return;
    }
    let key = cx.store.key(job_ref(id));
    cx.submit(
        Op::JobStatus {
            id,
            status: Box::new(status),
        },
        Tag::Status(id),
        &key,
    );
}

fn on_response(me: &mut JobController, cx: &mut Cx<'_>, tag: Tag, req: Response<'_>) {
    match tag {
        // The Job controller never releases pods (no selector-based adoption here).
        Tag::Release(_) => {}
        Tag::Create(id) => {
            let failed = record_create(cx, job_ref(id), NAME, req.outcome);
            if failed {
                me.expectations.lower(id, 1, 0);
            }
            let Some(st) = me.syncs.get_mut(&id) else {
                return;
            };
            st.failed |= failed;
            st.refused += i32::from(failed);
            st.outstanding = st.outstanding.saturating_sub(1);
            match (st.outstanding, st.failed || st.remaining == 0) {
                (0, true) => {
                    // manageJob stops at a failed batch; the creates never sent are never
                    // observed.
                    let (unsent, failed, refused) = (st.remaining, st.failed, st.refused);
                    me.syncs.remove(&id);
                    me.expectations.lower(id, unsent, 0);
                    // syncJob's error re-adds the key rate-limited (DefaultJobApiBackOff 1 s
                    // doubling to MaxJobApiBackOff 1 min).
                    if let Some(after) = me.api_backoff.sync_ended(id, failed) {
                        cx.after(after, Timer::Requeue(id));
                    }
                    finish_sync(me, cx, id, unsent + refused);
                }
                (0, false) => next_batch(me, cx, id),
                _ => {}
            }
        }
        Tag::Delete(id) => {
            let owner = (id, job_ref(id), NAME);
            delete_returned(cx, &mut me.expectations, &mut me.deleting, owner, req);
            let Some(st) = me.syncs.get_mut(&id) else {
                return;
            };
            st.outstanding = st.outstanding.saturating_sub(1);
            if st.outstanding == 0 {
                me.syncs.remove(&id);
                finish_sync(me, cx, id, 0);
            }
        }
        Tag::Status(id) => me.workers.done(cx, id),
    }
}

/// The pod requests of a sync returned: write the status it computed, less the creates
/// that were never sent or that the API server refused.
fn finish_sync(me: &mut JobController, cx: &mut Cx<'_>, id: u32, unsent: i32) {
    match me.pending.remove(&id) {
        Some(mut status) => {
            status.active -= unsent;
            write_status(me, cx, id, status);
        }
        None => me.workers.done(cx, id),
    }
}

#[cfg(test)]
mod tests {
    //! Against a small store through the API server's [`Harness`], after rows of
    //! `TestControllerSyncJob` and `TestJobBackoff` (pkg/controller/job/job_controller_test.go);
    //! the test sets pod phases, as the kubelet would.
    use super::*;
    use crate::apiserver::testing::Harness;
    use crate::component::ctx::testing::{Recorder, run};
    use crate::component::{ComponentId, ComponentKind};
    use crate::etcd::store::testing as fx;
    use crate::model::job::JobSpec;
    use crate::model::meta::Meta;
    use crate::model::workload::PodTemplate;
    use std::sync::Arc;

    const ME: ComponentId = ComponentId::of(ComponentKind::JobController);
    const USER: ComponentId = ComponentId::terminal(0);

    struct Fx {
        h: Harness,
        c: JobController,
        job: u32,
        now: SimTime,
        /// Pods whose creation the controller's informer delivered.
        seen: BTreeSet<u32>,
    }

    impl Fx {
        fn new(completions: Option<i32>, parallelism: i32, mode: CompletionMode) -> Fx {
            let mut h = Harness::default();
            fx::namespace(&mut h.store, "default");
            let mut spec = (*fx::spec(100)).clone();
            spec.restart_policy = RestartPolicy::Never;
            let job = Job {
                meta: Meta::new("pi".into(), None, fx::labels(&[])),
                spec: JobSpec {
                    parallelism,
                    completions,
                    backoff_limit: 6,
                    active_deadline_seconds: None,
                    ttl_seconds_after_finished: None,
                    completion_mode: mode,
                    suspend: false,
                    template: Arc::new(PodTemplate {
                        annotations: Default::default(),
                        labels: fx::labels(&[("app", "pi")]),
                        spec: Arc::new(spec),
                    }),
                },
                status: JobStatus::default(),
            };
            let op = Op::Create {
                object: Box::new(NewObject::Job(job)),
                namespace: Some("default".into()),
                generate_name: None,
            };
            let crate::apiserver::Outcome::Created(r) = h.apply(SimTime::ZERO, USER, op) else {
                panic!("the Job is created");
            };
            Fx {
                h,
                c: JobController::default(),
                job: r.id,
                now: SimTime(1_000_000),
                seen: BTreeSet::new(),
            }
        }

        fn job(&self) -> &Job {
            self.h.store.jobs.get(self.job).expect("the Job exists")
        }

        /// One sync, with every request it sends (and sends in response) answered; returns
        /// all effects.
        fn sync(&mut self) -> Vec<crate::component::ctx::EventRecord> {
            let job = self.job;
            self.deliver();
            let mut rec: Recorder<JobController> = run(
                &mut self.c,
                &self.h.store,
                &mut (),
                ME,
                self.now,
                |c, cx| c.on_timer(cx, Timer::Sync(job)),
            );
            let mut events: Vec<_> = rec.events().into_iter().cloned().collect();
            while !rec.requests().is_empty() {
                rec = self.h.answer(&mut self.c, &mut (), ME, self.now, &rec);
                events.extend(rec.events().into_iter().cloned());
            }
            self.c.workers.queue.done(job);
            self.now = self.now + SimDuration::from_secs(1);
            events
        }

        /// The pod informer: adds, deletion timestamps and removals since the last call.
        fn deliver(&mut self) {
            let mut notices = Vec::new();
            for p in self.pods() {
                if self.seen.insert(p) {
                    notices.push((p, Change::Added));
                } else if self
                    .h
                    .store
                    .pods
                    .get(p)
                    .is_some_and(|p| p.meta.deleted.is_some())
                {
                    notices.push((p, Change::Modified));
                }
            }
            let gone: Vec<u32> = self
                .seen
                .iter()
                .copied()
                .filter(|p| self.h.store.pods.get(*p).is_none())
                .collect();
            for p in gone {
                self.seen.remove(&p);
                notices.push((p, Change::Deleted));
            }
            let job = self.job;
            for (id, change) in notices {
                let n = Notice {
                    obj: ObjRef {
                        kind: Kind::Pod,
                        id,
                    },
                    change,
                    controller: Some(job),
                };
                run(
                    &mut self.c,
                    &self.h.store,
                    &mut (),
                    ME,
                    self.now,
                    |c, cx| c.observe(cx, n),
                );
            }
        }

        fn pods(&self) -> Vec<u32> {
            self.h
                .store
                .dependents_of(job_ref(self.job))
                .iter()
                .filter(|d| d.kind == Kind::Pod)
                .map(|d| d.id)
                .collect()
        }

        fn active(&self) -> Vec<u32> {
            self.pods()
                .into_iter()
                .filter(|p| self.h.store.pods.get(*p).is_some_and(Pod::is_active))
                .collect()
        }

        fn finish(&mut self, pod: u32, phase: Phase) {
            self.h.store.pods.get_mut(pod).expect("pod").status.phase = phase;
        }
    }

    fn reasons(events: &[crate::component::ctx::EventRecord]) -> Vec<&str> {
        events.iter().map(|e| e.reason).collect()
    }

    #[test]
    fn a_job_runs_parallelism_pods_until_completions_succeed_then_completes() {
        // TestControllerSyncJob "too few active pods" / "job finish": completions 3,
        // parallelism 2 → 2 pods, then one more, then Complete with succeeded 3.
        let mut f = Fx::new(Some(3), 2, CompletionMode::NonIndexed);
        let ev = f.sync();
        assert_eq!(reasons(&ev), ["SuccessfulCreate", "SuccessfulCreate"]);
        let pods = f.active();
        assert_eq!(pods.len(), 2);
        let p = f.h.store.pods.get(pods[0]).unwrap();
        assert!(p.meta.name.starts_with("pi-") && p.meta.name.len() == "pi-".len() + 5);
        let uid = f.job().meta.uid.to_string();
        assert_eq!(p.meta.labels.get(CONTROLLER_UID), Some(uid.as_str()));
        assert_eq!(p.meta.labels.get(LEGACY_CONTROLLER_UID), Some(uid.as_str()));
        assert_eq!(p.meta.labels.get(JOB_NAME), Some("pi"));
        assert_eq!(p.meta.labels.get(LEGACY_JOB_NAME), Some("pi"));
        assert_eq!(p.meta.labels.get("app"), Some("pi"));
        assert_eq!(f.job().status.active, 2);
        assert!(f.job().status.start_time.is_some());

        for p in pods {
            f.finish(p, Phase::Succeeded);
        }
        f.sync();
        assert_eq!(f.job().status.succeeded, 2);
        assert_eq!(f.active().len(), 1, "completions - succeeded = 1 more pod");
        let last = f.active()[0];
        f.finish(last, Phase::Succeeded);
        let ev = f.sync();
        let st = &f.job().status;
        assert_eq!((st.active, st.succeeded, st.failed), (0, 3, 0));
        let kinds: Vec<T> = st.conditions.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [T::SuccessCriteriaMet, T::Complete]);
        assert_eq!(st.conditions[1].reason, "CompletionsReached");
        assert!(st.completion_time.is_some());
        assert_eq!(reasons(&ev), ["Completed"]);
        assert!(f.sync().is_empty(), "a finished Job is left alone");
    }

    #[test]
    fn a_work_queue_job_completes_when_one_pod_succeeded_and_none_is_active() {
        // completions unset, parallelism 2: after one success no new pods; Complete once the
        // other pod finished too ("WQ job finishing").
        let mut f = Fx::new(None, 2, CompletionMode::NonIndexed);
        f.sync();
        let pods = f.active();
        f.finish(pods[0], Phase::Succeeded);
        f.sync();
        assert_eq!(f.active().len(), 1, "no replacement after a success");
        assert!(!f.job().status.has(T::Complete));
        f.finish(pods[1], Phase::Succeeded);
        f.sync();
        assert!(f.job().status.has(T::Complete));
    }

    #[test]
    fn failures_back_off_ten_seconds_doubling_and_stop_past_the_backoff_limit() {
        // TestJobBackoff / getRemainingTimeForFailuresCount: 1 failure → 10 s, 2 → 20 s;
        // backoffLimit 1: the second failure fails the Job with BackoffLimitExceeded.
        let mut f = Fx::new(Some(1), 1, CompletionMode::NonIndexed);
        f.h.store.jobs.get_mut(f.job).unwrap().spec.backoff_limit = 1;
        f.sync();
        let first = f.active()[0];
        f.finish(first, Phase::Failed);
        f.deliver();
        let t_fail = f.now;
        let job = f.job;
        let rec = run(&mut f.c, &f.h.store, &mut (), ME, f.now, |c, cx| {
            c.on_timer(cx, Timer::Sync(job))
        });
        let requeue: Vec<SimTime> = rec
            .timers()
            .into_iter()
            .filter(|(_, t)| *t == Timer::Requeue(job))
            .map(|(at, _)| at)
            .collect();
        assert_eq!(requeue, [t_fail + SimDuration::from_secs(10)]);
        assert!(
            !rec.requests()
                .iter()
                .any(|(op, _)| matches!(op, Op::Create { .. })),
            "no replacement during the back-off"
        );
        f.h.answer(&mut f.c, &mut (), ME, f.now, &rec);
        f.c.workers.queue.done(job);
        assert_eq!(f.job().status.failed, 1);
        f.now = t_fail + SimDuration::from_secs(10);
        f.sync();
        let second = f.active()[0];
        assert_ne!(first, second);
        f.finish(second, Phase::Failed);
        let ev = f.sync();
        let st = &f.job().status;
        assert_eq!(st.failed, 2);
        let kinds: Vec<T> = st.conditions.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [T::FailureTarget, T::Failed]);
        assert_eq!(st.conditions[1].reason, "BackoffLimitExceeded");
        assert_eq!(reasons(&ev), ["BackoffLimitExceeded"]);
        assert!(ev[0].warning);
        assert_eq!(
            st.completion_time, None,
            "only Complete sets completionTime"
        );
    }

    #[test]
    fn backoff_doubles_and_is_capped_at_ten_minutes() {
        let at = |failures| {
            Backoff {
                failures_after_last_success: failures,
                last_failure: Some(SimTime::ZERO),
            }
            .remaining(SimTime::ZERO)
        };
        assert_eq!(at(1), SimDuration::from_secs(10));
        assert_eq!(at(2), SimDuration::from_secs(20));
        assert_eq!(at(3), SimDuration::from_secs(40));
        assert_eq!(at(7), SimDuration::from_secs(600), "640 s capped at 10 min");
        assert_eq!(at(0), SimDuration(0));
    }

    #[test]
    fn an_indexed_job_completes_every_index_exactly_once() {
        // Indexed completion: completions 3, parallelism 2 → indexes 0 and 1 first, named
        // pi-<index>-xxxxx; a failed index is retried; index 2 last.
        let mut f = Fx::new(Some(3), 2, CompletionMode::Indexed);
        f.sync();
        let index = |f: &Fx, p: u32| {
            f.h.store
                .pods
                .get(p)
                .unwrap()
                .meta
                .labels
                .get(COMPLETION_INDEX)
                .map(str::to_string)
        };
        let pods = f.active();
        let ix: Vec<_> = pods.iter().map(|p| index(&f, *p)).collect();
        assert_eq!(ix, [Some("0".to_string()), Some("1".to_string())]);
        assert!(
            f.h.store
                .pods
                .get(pods[1])
                .unwrap()
                .meta
                .name
                .starts_with("pi-1-")
        );
        f.finish(pods[0], Phase::Succeeded);
        f.finish(pods[1], Phase::Failed);
        f.now = f.now + SimDuration::from_secs(10);
        f.sync();
        f.now = f.now + SimDuration::from_secs(10);
        f.sync();
        let mut ix: Vec<_> = f.active().iter().map(|p| index(&f, *p)).collect();
        ix.sort();
        assert_eq!(ix, [Some("1".to_string()), Some("2".to_string())]);
        for p in f.active() {
            f.finish(p, Phase::Succeeded);
        }
        f.sync();
        let st = &f.job().status;
        assert_eq!(st.completed_indexes, [0, 1, 2]);
        assert_eq!(st.completed_indexes_text(), "0-2");
        assert_eq!((st.succeeded, st.failed), (3, 1));
        assert!(st.has(T::Complete));
        let created = f.pods().len();
        assert_eq!(created, 4, "index 1 twice, the others once");
    }

    #[test]
    fn past_the_active_deadline_the_pods_are_deleted_and_the_job_fails() {
        // TestControllerSyncJob "activeDeadlineSeconds": DeadlineExceeded once the pods are
        // gone.
        let mut f = Fx::new(Some(1), 1, CompletionMode::NonIndexed);
        f.h.store
            .jobs
            .get_mut(f.job)
            .unwrap()
            .spec
            .active_deadline_seconds = Some(5);
        f.sync();
        f.now = f.now + SimDuration::from_secs(5);
        let ev = f.sync();
        assert_eq!(reasons(&ev), ["SuccessfulDelete"]);
        assert!(f.job().status.has(T::FailureTarget));
        assert!(
            !f.job().status.has(T::Failed),
            "the pod is still terminating"
        );
        assert!(f.pods().is_empty(), "an unbound pod is removed at once");
        let ev = f.sync();
        assert_eq!(reasons(&ev), ["DeadlineExceeded"]);
        let st = &f.job().status;
        assert!(st.has(T::Failed));
        assert_eq!(st.failed, 1, "the deleted pod counts as failed");
    }
}
