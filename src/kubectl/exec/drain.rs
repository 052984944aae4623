//! What `kubectl cordon|uncordon` and `kubectl drain` do (`kubectl/pkg/cmd/drain/drain.go`
//! `RunCordonOrUncordon`, `RunDrain`, `deleteOrEvictPodsSimple`; `kubectl/pkg/drain/drain.go`
//! `GetPodsForDeletion`, `evictPods`, `deletePods`, `waitForDelete`).
//!
//! The node's GET; unless it already has the wanted `spec.unschedulable` (`node/N already
//! cordoned`), the PATCH (`node/N cordoned`). A drain then LISTs the node's pods (and
//! `--pod-selector`'s), runs the filters, and refuses the node with every filter error, or
//! prints the warnings and evicts each pod: `evicting pod NS/NAME` and POST
//! pods/NAME/eviction; a 429 is printed with `(will retry after 5s)` and tried again 5 s
//! later; once the eviction is accepted, the pod is polled every second until it is gone
//! (`pod/NAME evicted`). With `--disable-eviction` each pod is DELETEd instead (`pod/NAME
//! deleted`). `--timeout` is the evictions' one deadline (`global timeout reached`), seen
//! at the next retry or poll as kubectl's goroutines see it. All pods done: `node/N
//! drained`, or the errors as `RunDrain` reports them.
//!
//! Simplified: the polls read the store rather than sending GETs; stdout and stderr are one
//! terminal.

use super::{Cx, Program, Tag, Terminal, Timer, api_error};
use crate::apiserver::{ApiError, Op, Outcome, Propagation};
use crate::kubectl::drain::{
    DELETE_POLL_INTERVAL, Decision, Drain, EVICT_RETRY_DELAY, Filtered, decide, listed,
};
use crate::kubectl::messages::resource_name;
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::sim::duration::format_micros;
use crate::sim::time::SimTime;

/// The cursor of the node's GET and PATCH; the LIST of pods is the next one, each pod's
/// eviction after it.
const NODE: u32 = 0;
const LIST: u32 = 1;
const FIRST_POD: u32 = 2;

/// One pod a drain evicts.
#[derive(Clone, Debug)]
struct Evictee {
    id: u32,
    uid: u64,
    name: String,
    namespace: String,
    done: bool,
}

/// A drain in progress.
#[derive(Debug, Default)]
pub(super) struct DrainRun {
    node: u32,
    pods: Vec<Evictee>,
    /// `--timeout` from the first eviction on (`context.WithTimeout` in evictPods).
    deadline: Option<SimTime>,
    /// The errors the evictions returned, in the order they returned.
    errors: Vec<String>,
}

/// `utilerrors.NewAggregate(errs).Error()`: one message as is, several as `[a, b]`.
fn aggregate(errors: &[String]) -> String {
    match errors {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    }
}

impl Terminal {
    fn drain_spec(&self) -> Option<&Drain> {
        match &self.step.program {
            Program::Drain(d) => Some(d),
            _ => None,
        }
    }

    fn node_name(&self) -> &str {
        match &self.step.program {
            Program::Drain(d) => &d.node,
            Program::Cordon(c) => &c.node,
            _ => "",
        }
    }

    fn desired(&self) -> bool {
        match &self.step.program {
            Program::Cordon(c) => c.unschedulable,
            _ => true,
        }
    }

    /// The request at the cursor of a cordon or drain.
    pub(super) fn drain_next(&mut self, cx: &mut Cx<'_>) {
        let tag = Tag {
            action: self.cursor as u32,
            act: false,
        };
        match tag.action {
            NODE => cx.submit(Op::Read, tag, &format!("node/{}", self.node_name())),
            LIST => cx.submit(Op::List, tag, &format!("pods/{}", self.node_name())),
            _ => {}
        }
    }

    /// A response to one of a cordon's or drain's requests.
    pub(super) fn on_drain_response(&mut self, cx: &mut Cx<'_>, tag: Tag, outcome: &Outcome) {
        match (tag.action, tag.act) {
            (NODE, false) => self.node_read(cx),
            (NODE, true) => match outcome {
                Outcome::Failed(e) | Outcome::Refused { error: e, .. } => {
                    let verb = if self.desired() { "cordon" } else { "uncordon" };
                    let line = format!(
                        "error: unable to {verb} node {:?}: {}",
                        self.node_name(),
                        e.message
                    );
                    self.print(cx, &line);
                    self.finish(cx, 1);
                }
                _ => {
                    let word = if self.desired() {
                        "cordoned"
                    } else {
                        "uncordoned"
                    };
                    self.cordoned(cx, word);
                }
            },
            (LIST, _) => self.pods_listed(cx),
            (i, _) => self.evicted(cx, (i - FIRST_POD) as usize, outcome),
        }
    }

    /// The node's GET returned.
    fn node_read(&mut self, cx: &mut Cx<'_>) {
        let name = self.node_name().to_string();
        let Some(id) = cx.store.lookup(Kind::Node, None, &name) else {
            let line = api_error(&ApiError::not_found(Kind::Node, &name), None);
            self.print(cx, &line);
            self.finish(cx, 1);
            return;
        };
        let desired = self.desired();
        if cx
            .store
            .nodes
            .get(id)
            .is_some_and(|n| n.unschedulable == desired)
        {
            let word = if desired {
                "already cordoned"
            } else {
                "already uncordoned"
            };
            self.cordoned(cx, word);
            return;
        }
        let op = Op::Cordon {
            node: id,
            unschedulable: desired,
        };
        let tag = Tag {
            action: NODE,
            act: true,
        };
        cx.submit(op, tag, &format!("node/{name}"));
    }

    /// `node/N cordoned` (or the other words); a cordon ends, a drain lists the pods.
    fn cordoned(&mut self, cx: &mut Cx<'_>, word: &str) {
        let line = format!("{} {word}", resource_name(Kind::Node, self.node_name()));
        self.print(cx, &line);
        if self.drain_spec().is_none() {
            self.finish(cx, 0);
            return;
        }
        self.cursor = LIST as usize;
        self.drain_next(cx);
    }

    /// `GetPodsForDeletion` on the LIST's answer: the node's pods (that `--pod-selector`
    /// selects) in list order, through the filters.
    fn pods_listed(&mut self, cx: &mut Cx<'_>) {
        let Some(d) = self.drain_spec().cloned() else {
            return;
        };
        let store = cx.store;
        let Some(node) = store.lookup(Kind::Node, None, &d.node) else {
            return;
        };
        let mut filtered: Vec<(Filtered, String)> = Vec::new();
        let mut pods = Vec::new();
        for id in store.list(Kind::Pod, None) {
            let Some(p) = store.pods.get(id) else {
                continue;
            };
            if p.node != Some(node)
                || d.pod_selector
                    .as_ref()
                    .is_some_and(|s| !s.matches(&p.meta.labels))
            {
                continue;
            }
            let namespace = p
                .meta
                .namespace
                .map(|n| store.ns_name(n).to_string())
                .unwrap_or_default();
            let Decision {
                delete,
                filtered: f,
            } = decide(p, &d);
            if let Some(f) = f {
                filtered.push((f, format!("{namespace}/{}", p.meta.name)));
            }
            if delete {
                pods.push(Evictee {
                    id,
                    uid: p.meta.uid,
                    name: p.meta.name.clone(),
                    namespace,
                    done: false,
                });
            }
        }
        let errors = listed(&filtered, true);
        if !errors.is_empty() {
            self.node_failed(cx, &d.node, &errors);
            return;
        }
        let warnings = listed(&filtered, false);
        if !warnings.is_empty() {
            self.print(cx, &format!("Warning: {}", warnings.join("; ")));
        }
        self.drain = Some(Box::new(DrainRun {
            node,
            deadline: d.timeout.map(|t| cx.now + t),
            pods,
            errors: Vec::new(),
        }));
        let count = self.drain.as_ref().map_or(0, |r| r.pods.len());
        for i in 0..count {
            self.send_eviction(cx, i);
        }
        self.maybe_drained(cx);
    }

    /// One pod's eviction (or DELETE with `--disable-eviction`).
    fn send_eviction(&mut self, cx: &mut Cx<'_>, i: usize) {
        let Some(d) = self.drain_spec().cloned() else {
            return;
        };
        let Some(p) = self.drain.as_ref().and_then(|r| r.pods.get(i)).cloned() else {
            return;
        };
        let tag = Tag {
            action: FIRST_POD + i as u32,
            act: true,
        };
        let key = format!("{}/{}", p.namespace, p.name);
        if d.disable_eviction {
            let op = Op::Delete {
                target: ObjRef {
                    kind: Kind::Pod,
                    id: p.id,
                },
                uid: None,
                propagation: Propagation::Background,
                grace_seconds: d.grace_seconds,
            };
            cx.submit(op, tag, &key);
            return;
        }
        self.print(cx, &format!("evicting pod {}/{}", p.namespace, p.name));
        if self.past_deadline(cx) {
            let e = format!(
                "error when evicting pods/{:?} -n {:?}: global timeout reached: {}",
                p.name,
                p.namespace,
                self.timeout_text()
            );
            self.pod_done(cx, i, Some(e));
            return;
        }
        let op = Op::Evict {
            pod: p.id,
            grace_seconds: d.grace_seconds,
        };
        cx.submit(op, tag, &key);
    }

    fn past_deadline(&self, cx: &Cx<'_>) -> bool {
        self.drain
            .as_ref()
            .and_then(|r| r.deadline)
            .is_some_and(|t| cx.now >= t)
    }

    /// `--timeout` as Go prints a Duration.
    fn timeout_text(&self) -> String {
        let t = self.drain_spec().and_then(|d| d.timeout);
        format_micros(t.map_or(0, |t| t.as_micros()))
    }

    /// The eviction (or DELETE) of pod `i` returned.
    fn evicted(&mut self, cx: &mut Cx<'_>, i: usize, outcome: &Outcome) {
        let Some(p) = self.drain.as_ref().and_then(|r| r.pods.get(i)).cloned() else {
            return;
        };
        match outcome {
            Outcome::Refused { error, .. } if error.reason == "TooManyRequests" => {
                let line = format!(
                    "error when evicting pods/{:?} -n {:?} (will retry after {}): {}",
                    p.name,
                    p.namespace,
                    format_micros(EVICT_RETRY_DELAY.as_micros()),
                    error.message
                );
                self.print(cx, &line);
                cx.after(EVICT_RETRY_DELAY, Timer::DrainRetry(i as u32));
            }
            // Gone already: nothing to wait for, nothing printed.
            Outcome::Failed(e) if e.reason == "NotFound" => self.pod_done(cx, i, None),
            Outcome::Failed(e) | Outcome::Refused { error: e, .. } => {
                let line = format!(
                    "error when evicting pods/{:?} -n {:?}: {}",
                    p.name, p.namespace, e.message
                );
                self.pod_done(cx, i, Some(line));
            }
            _ => self.poll(cx, i),
        }
    }

    /// 5 s after a 429: evict again.
    pub(super) fn drain_retry(&mut self, cx: &mut Cx<'_>, i: u32) {
        if self.is_running() {
            self.send_eviction(cx, i as usize);
        }
    }

    /// waitForDelete's check of pod `i`: gone (or replaced by a pod of another uid) prints
    /// `pod/NAME evicted`; otherwise the deadline or another look in 1 s.
    pub(super) fn poll(&mut self, cx: &mut Cx<'_>, i: usize) {
        if !self.is_running() {
            return;
        }
        let Some(p) = self.drain.as_ref().and_then(|r| r.pods.get(i)).cloned() else {
            return;
        };
        if p.done {
            return;
        }
        let present = cx.store.pods.get(p.id).is_some_and(|q| q.meta.uid == p.uid);
        if !present {
            let eviction = !self.drain_spec().is_some_and(|d| d.disable_eviction);
            let word = if eviction { "evicted" } else { "deleted" };
            self.print(cx, &format!("{} {word}", resource_name(Kind::Pod, &p.name)));
            self.pod_done(cx, i, None);
            return;
        }
        if self.past_deadline(cx) {
            let e = format!(
                "error when waiting for pod {:?} in namespace {:?} to terminate: global timeout reached: {}",
                p.name,
                p.namespace,
                self.timeout_text()
            );
            self.pod_done(cx, i, Some(e));
            return;
        }
        cx.after(DELETE_POLL_INTERVAL, Timer::DrainPoll(i as u32));
    }

    fn pod_done(&mut self, cx: &mut Cx<'_>, i: usize, error: Option<String>) {
        if let Some(run) = self.drain.as_mut() {
            if let Some(p) = run.pods.get_mut(i) {
                p.done = true;
            }
            run.errors.extend(error);
        }
        self.maybe_drained(cx);
    }

    /// Every pod is done: `node/N drained`, or `deleteOrEvictPodsSimple`'s report of the
    /// pods still there and `RunDrain`'s of the node.
    fn maybe_drained(&mut self, cx: &mut Cx<'_>) {
        let Some(run) = self.drain.as_ref() else {
            return;
        };
        if run.pods.iter().any(|p| !p.done) {
            return;
        }
        let name = self.node_name().to_string();
        if run.errors.is_empty() {
            let line = format!("{} drained", resource_name(Kind::Node, &name));
            self.print(cx, &line);
            self.finish(cx, 0);
            return;
        }
        let errors = run.errors.clone();
        let node = run.node;
        let Some(d) = self.drain_spec().cloned() else {
            return;
        };
        let pending: Vec<String> = cx
            .store
            .list(Kind::Pod, None)
            .into_iter()
            .filter_map(|id| cx.store.pods.get(id))
            .filter(|p| p.node == Some(node) && decide(p, &d).delete)
            .filter(|p| {
                d.pod_selector
                    .as_ref()
                    .is_none_or(|s| s.matches(&p.meta.labels))
            })
            .map(|p| format!("pod/{}", p.meta.name))
            .collect();
        if !pending.is_empty() {
            let mut text = format!(
                "There are pending pods in node {name:?} when an error occurred: {}",
                aggregate(&errors)
            );
            for p in pending {
                text.push('\n');
                text.push_str(&p);
            }
            self.print(cx, &text);
        }
        self.node_failed(cx, &name, &errors);
    }

    /// RunDrain's report of a node it could not drain, then checkErr's of the errors; exit 1.
    fn node_failed(&mut self, cx: &mut Cx<'_>, node: &str, errors: &[String]) {
        let text = format!(
            "error: unable to drain node {node:?} due to error: {}, continuing command...\nThere are pending nodes to be drained:\n {node}\n{}",
            aggregate(errors),
            errors.join("\n")
        );
        self.print(cx, &text);
        self.finish(cx, 1);
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{ME, reply, start};
    use super::super::{PreparedStep, Program, Terminal, Timer};
    use crate::apiserver::testing::Harness;
    use crate::component::ctx::testing::{Recorder, run};
    use crate::component::{Component, TerminalOutput};
    use crate::etcd::store::testing as fx;
    use crate::kubectl::command::{Command, parse};
    use crate::kubectl::words::split;
    use crate::model::kind::Kind;
    use crate::model::labels::Selector;
    use crate::model::meta::{Meta, ObjRef, OwnerRef};
    use crate::model::pdb::{PdbSpec, PdbStatus, PodDisruptionBudget};
    use crate::model::pod::Phase;
    use crate::model::workload::IntOrPercent;
    use crate::sim::time::SimTime;

    fn terminal(line: &str) -> Terminal {
        let program = match parse(&split(line).expect("words")).expect("parses") {
            Command::Drain(d) => Program::Drain(Box::new(d)),
            Command::Cordon(c) => Program::Cordon(c),
            other => panic!("not a node command: {other:?}"),
        };
        Terminal::new(PreparedStep {
            index: 0,
            at: SimTime::ZERO,
            id: None,
            command: line.to_string(),
            stop_after: None,
            program,
            warnings: Vec::new(),
        })
    }

    /// Node `n` running `web-0` (a ReplicaSet's, Ready) and `ds-0` (a DaemonSet's), and a
    /// budget over `app=web` allowing `allowed` disruptions.
    fn setup(allowed: i32) -> (Harness, u32) {
        let mut h = Harness::default();
        let ns = fx::namespace(&mut h.store, "default");
        let node = fx::node(&mut h.store, "n", 4000, 16 << 30);
        let rs = fx::replicaset(&mut h.store, "web", ns, 1, None);
        let owner = ObjRef {
            kind: Kind::ReplicaSet,
            id: rs,
        };
        let web = fx::pod(
            &mut h.store,
            "web-0",
            ns,
            fx::spec(100),
            Some(owner),
            Some(node),
        );
        let p = h.store.pods.get_mut(web).unwrap();
        p.status.phase = Phase::Running;
        p.status.ready_since = Some(SimTime(1));
        let ds = fx::pod(&mut h.store, "ds-0", ns, fx::spec(100), None, Some(node));
        let p = h.store.pods.get_mut(ds).unwrap();
        p.meta.labels = fx::labels(&[("app", "ds")]);
        p.meta.owners.push(OwnerRef {
            owner: ObjRef {
                kind: Kind::DaemonSet,
                id: 0,
            },
            uid: 77,
            controller: true,
            block_owner_deletion: true,
        });
        let id = h.store.pdbs.insert(PodDisruptionBudget {
            meta: Meta::new("web-pdb".into(), Some(ns), fx::labels(&[])),
            spec: PdbSpec {
                min_available: Some(IntOrPercent::Int(1)),
                max_unavailable: None,
                selector: Some(Selector::from_map(&fx::labels(&[("app", "web")]))),
                unhealthy_pod_eviction_policy: None,
            },
            status: PdbStatus {
                observed_generation: 1,
                disruptions_allowed: allowed,
                current_healthy: 1,
                desired_healthy: 1,
                expected_pods: 1,
                ..PdbStatus::default()
            },
        });
        h.store.register(
            ObjRef {
                kind: Kind::PodDisruptionBudget,
                id,
            },
            SimTime::ZERO,
        );
        (h, web)
    }

    fn lines(r: &Recorder<Terminal>) -> Vec<String> {
        r.terminal()
            .into_iter()
            .filter_map(|o| match o {
                TerminalOutput::Line(l) => Some(l.clone()),
                TerminalOutput::Exited(c) => Some(format!("exit {c}")),
                _ => None,
            })
            .collect()
    }

    fn fire(h: &Harness, t: &mut Terminal, at: SimTime, timer: Timer) -> Recorder<Terminal> {
        run(
            t,
            &h.store,
            &mut crate::aks::fleet::testing::azure(),
            ME,
            at,
            |t, cx| Component::on_timer(t, cx, timer),
        )
    }

    #[test]
    fn a_drain_blocked_by_a_budget_retries_every_5s_until_the_eviction_is_allowed() {
        // kubectl-output.md §6.3's successful drain through a PDB, line by line.
        let (mut h, web) = setup(0);
        let mut t = terminal("kubectl drain n --ignore-daemonsets");
        let get = start(&mut t, &h);
        let cordon = reply(&mut h, &mut t, SimTime(10), &get);
        assert!(lines(&cordon).is_empty());
        let list = reply(&mut h, &mut t, SimTime(20), &cordon);
        assert_eq!(lines(&list), ["node/n cordoned"]);
        assert!(h.store.nodes.iter().all(|(_, n)| n.unschedulable));
        let evict = reply(&mut h, &mut t, SimTime(30), &list);
        assert_eq!(
            lines(&evict),
            [
                "Warning: ignoring DaemonSet-managed Pods: default/ds-0",
                "evicting pod default/web-0"
            ]
        );
        let refused = reply(&mut h, &mut t, SimTime(40), &evict);
        assert_eq!(
            lines(&refused),
            [
                "error when evicting pods/\"web-0\" -n \"default\" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget."
            ]
        );
        assert_eq!(
            refused.timers(),
            [(SimTime(5_000_040), Timer::DrainRetry(0))]
        );
        // A replacement became Ready elsewhere: the controller allows one disruption.
        h.store.pdbs.get_mut(0).unwrap().status.disruptions_allowed = 1;
        let again = fire(&h, &mut t, SimTime(5_000_040), Timer::DrainRetry(0));
        assert_eq!(lines(&again), ["evicting pod default/web-0"]);
        let accepted = reply(&mut h, &mut t, SimTime(5_000_050), &again);
        assert!(lines(&accepted).is_empty(), "graceful: still terminating");
        assert_eq!(
            accepted.timers(),
            [(SimTime(6_000_050), Timer::DrainPoll(0))]
        );
        h.store.remove(ObjRef {
            kind: Kind::Pod,
            id: web,
        });
        let gone = fire(&h, &mut t, SimTime(6_000_050), Timer::DrainPoll(0));
        assert_eq!(
            lines(&gone),
            ["pod/web-0 evicted", "node/n drained", "exit 0"]
        );
    }

    #[test]
    fn daemon_set_and_unmanaged_pods_stop_the_drain_without_the_flags() {
        // drain.go RunDrain / filters.go errors(): the node stays cordoned.
        let (mut h, _) = setup(1);
        let ns = h.store.find_ns("default").unwrap();
        let node = h.store.lookup(Kind::Node, None, "n");
        fx::pod(&mut h.store, "naked", ns, fx::spec(100), None, node);
        let mut t = terminal("kubectl drain n");
        let get = start(&mut t, &h);
        let cordon = reply(&mut h, &mut t, SimTime(10), &get);
        let list = reply(&mut h, &mut t, SimTime(20), &cordon);
        let out = reply(&mut h, &mut t, SimTime(30), &list);
        let text = lines(&out).join("\n");
        assert_eq!(
            text,
            "error: unable to drain node \"n\" due to error: [cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/ds-0, cannot delete Pods that declare no controller (use --force to override): default/naked], continuing command...\n\
There are pending nodes to be drained:\n n\n\
cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/ds-0\n\
cannot delete Pods that declare no controller (use --force to override): default/naked\n\
exit 1"
        );
        assert!(out.requests().is_empty(), "nothing evicted");
    }

    #[test]
    fn the_timeout_ends_a_blocked_drain_at_its_next_retry() {
        // evictPods: `global timeout reached` once the context is done; then
        // deleteOrEvictPodsSimple lists the pending pods.
        let (mut h, _) = setup(0);
        let mut t = terminal("kubectl drain n --ignore-daemonsets --timeout=3s");
        let get = start(&mut t, &h);
        let cordon = reply(&mut h, &mut t, SimTime(10), &get);
        let list = reply(&mut h, &mut t, SimTime(20), &cordon);
        let evict = reply(&mut h, &mut t, SimTime(30), &list);
        reply(&mut h, &mut t, SimTime(40), &evict);
        let late = fire(&h, &mut t, SimTime(5_000_040), Timer::DrainRetry(0));
        let err = "error when evicting pods/\"web-0\" -n \"default\": global timeout reached: 3s";
        assert_eq!(
            lines(&late),
            [
                "evicting pod default/web-0".to_string(),
                format!(
                    "There are pending pods in node \"n\" when an error occurred: {err}\npod/web-0"
                ),
                format!(
                    "error: unable to drain node \"n\" due to error: {err}, continuing command...\nThere are pending nodes to be drained:\n n\n{err}"
                ),
                "exit 1".to_string(),
            ]
        );
    }

    #[test]
    fn cordon_and_uncordon_say_already_when_nothing_changes() {
        let (mut h, _) = setup(0);
        let mut t = terminal("kubectl uncordon n");
        let get = start(&mut t, &h);
        let out = reply(&mut h, &mut t, SimTime(10), &get);
        assert_eq!(lines(&out), ["node/n already uncordoned", "exit 0"]);
        let mut t = terminal("kubectl cordon n");
        let get = start(&mut t, &h);
        let patch = reply(&mut h, &mut t, SimTime(10), &get);
        let out = reply(&mut h, &mut t, SimTime(20), &patch);
        assert_eq!(lines(&out), ["node/n cordoned", "exit 0"]);
        let mut t = terminal("kubectl cordon missing");
        let get = start(&mut t, &h);
        let out = reply(&mut h, &mut t, SimTime(10), &get);
        assert_eq!(
            lines(&out),
            [
                "Error from server (NotFound): nodes \"missing\" not found",
                "exit 1"
            ]
        );
    }
}
