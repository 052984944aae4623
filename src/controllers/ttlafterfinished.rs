//! The TTL-after-finished controller (kube-controller-manager's
//! `ttl-after-finished-controller`): deletes a finished Job `ttlSecondsAfterFinished` after
//! it finished.
//!
//! Mirrors `pkg/controller/ttlafterfinished/ttlafterfinished_controller.go`: `processJob`
//! takes the finish time from the Complete or Failed condition's `lastTransitionTime`,
//! deletes the Job (foreground propagation, uid precondition) once `finish + ttl` has
//! passed, and otherwise looks again at that time (`enqueueAfter`).

use crate::apiserver::{Op, Propagation};
use crate::component::{Change, Component, Ctx, Notice, Response};
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::sim::time::{SimDuration, SimTime};
use std::collections::BTreeSet;

/// The controller's state: Jobs with an expiry timer or a DELETE in flight.
#[derive(Debug, Default)]
pub struct TtlAfterFinishedController {
    pending: BTreeSet<u32>,
}

type Cx<'a> = Ctx<'a, TtlAfterFinishedController>;

fn job_ref(id: u32) -> ObjRef {
    ObjRef {
        kind: Kind::Job,
        id,
    }
}

/// When a finished Job with a TTL expires (`timeLeft`'s `expireAt`), or None.
fn expire_at(cx: &Cx<'_>, id: u32) -> Option<SimTime> {
    let job = cx.store.jobs.get(id)?;
    if job.meta.deleted.is_some() {
        return None;
    }
    let ttl = job.spec.ttl_seconds_after_finished?;
    let finished = job.status.finished()?.since;
    Some(finished + SimDuration::from_secs(ttl as u64))
}

impl TtlAfterFinishedController {
    /// `processJob`.
    fn process(&mut self, cx: &mut Cx<'_>, id: u32) {
        let Some(at) = expire_at(cx, id) else {
            self.pending.remove(&id);
            return;
        };
        if at > cx.now {
            cx.at(at, id);
            return;
        }
        let uid = cx.store.jobs.get(id).map(|j| j.meta.uid);
        let key = cx.store.key(job_ref(id));
        let op = Op::Delete {
            target: job_ref(id),
            uid,
            propagation: Propagation::Foreground,
            grace_seconds: None,
        };
        cx.submit(op, id, &key);
    }
}

impl Component for TtlAfterFinishedController {
    /// The Job a DELETE was for.
    type Tag = u32;
    /// The Job whose expiry is due.
    type Timer = u32;
    type Env = ();

    fn observe(&mut self, cx: &mut Cx<'_>, n: Notice) {
        if n.change == Change::Deleted {
            self.pending.remove(&n.obj.id);
            return;
        }
        // addJob/updateJob: only finished Jobs with a TTL are queued, once.
        if expire_at(cx, n.obj.id).is_some() && self.pending.insert(n.obj.id) {
            self.process(cx, n.obj.id);
        }
    }

    fn on_response(&mut self, _: &mut Cx<'_>, id: u32, _: Response<'_>) {
        self.pending.remove(&id);
    }

    fn on_timer(&mut self, cx: &mut Cx<'_>, id: u32) {
        self.process(cx, id);
    }
}

#[cfg(test)]
mod tests {
    //! After `TestTimeLeft` and `TestProcessJob`-like cases of ttlafterfinished_controller_test.go.
    use super::*;
    use crate::component::ctx::testing::run;
    use crate::component::{ComponentId, ComponentKind};
    use crate::etcd::Store;
    use crate::etcd::store::testing as fx;
    use crate::model::job::{
        CompletionMode, Job, JobCondition, JobConditionType, JobSpec, JobStatus,
    };
    use crate::model::meta::Meta;
    use crate::model::workload::PodTemplate;
    use std::sync::Arc;

    const ME: ComponentId = ComponentId::of(ComponentKind::TtlAfterFinishedController);

    fn finished_job(store: &mut Store, ttl: Option<i64>, at: SimTime) -> u32 {
        let ns = fx::namespace(store, "default");
        let id = store.jobs.insert(Job {
            meta: Meta::new("pi".into(), Some(ns), fx::labels(&[])),
            spec: JobSpec {
                parallelism: 1,
                completions: Some(1),
                backoff_limit: 6,
                active_deadline_seconds: None,
                ttl_seconds_after_finished: ttl,
                completion_mode: CompletionMode::NonIndexed,
                suspend: false,
                template: Arc::new(PodTemplate {
                    annotations: Default::default(),
                    labels: fx::labels(&[]),
                    spec: fx::spec(100),
                }),
            },
            status: JobStatus {
                conditions: vec![JobCondition {
                    kind: JobConditionType::Complete,
                    reason: "CompletionsReached",
                    message: "Reached expected number of succeeded pods",
                    since: at,
                }],
                ..JobStatus::default()
            },
        });
        store.register(job_ref(id), SimTime::ZERO);
        id
    }

    fn notice(id: u32) -> Notice {
        Notice {
            obj: job_ref(id),
            change: Change::Modified,
            controller: None,
        }
    }

    #[test]
    fn a_finished_job_is_deleted_in_the_foreground_ttl_seconds_after_it_finished() {
        let mut store = Store::default();
        let finished = SimTime(10_000_000);
        let id = finished_job(&mut store, Some(100), finished);
        let mut c = TtlAfterFinishedController::default();
        let r = run(&mut c, &store, &mut (), ME, finished, |c, cx| {
            c.observe(cx, notice(id))
        });
        assert_eq!(r.timers(), [(SimTime(110_000_000), id)]);
        assert!(r.requests().is_empty(), "not expired yet");
        let r = run(
            &mut c,
            &store,
            &mut (),
            ME,
            SimTime(110_000_000),
            |c, cx| c.on_timer(cx, id),
        );
        let reqs = r.requests();
        assert_eq!(reqs.len(), 1);
        assert!(matches!(
            reqs[0].0,
            Op::Delete {
                propagation: Propagation::Foreground,
                uid: Some(_),
                ..
            }
        ));
    }

    #[test]
    fn a_job_without_ttl_or_not_finished_is_left_alone() {
        let mut store = Store::default();
        let id = finished_job(&mut store, None, SimTime::ZERO);
        let mut c = TtlAfterFinishedController::default();
        let r = run(&mut c, &store, &mut (), ME, SimTime::ZERO, |c, cx| {
            c.observe(cx, notice(id))
        });
        assert!(r.effects.is_empty());
        let j = store.jobs.get_mut(id).unwrap();
        j.spec.ttl_seconds_after_finished = Some(0);
        j.status.conditions.clear();
        let r = run(&mut c, &store, &mut (), ME, SimTime::ZERO, |c, cx| {
            c.observe(cx, notice(id))
        });
        assert!(r.effects.is_empty(), "a running Job has no finish time");
    }
}
