//! The commands that visit existing objects one after another — `label`, `annotate`,
//! `patch` and `wait` — as the resource builder's visitor runs them: each named object is
//! fetched (a GET) and then acted on; a selector (`-l`, `--all`) lists each kind once and
//! acts on every object listed, in the list's order.
//!
//! `label`/`annotate` compute their change from the fetched object and send it as a PATCH
//! (label.go `RunLabel`, annotate.go `RunAnnotate`); `patch` sends its patch as given
//! (patch.go `RunPatch`); `wait` checks the condition on the fetched object and otherwise
//! watches it until the condition holds, it is deleted, or `--timeout` passes (wait.go
//! `RunWait`: one timeout for the whole command). Errors are printed as they happen and
//! the command goes on with the next object (`ContinueOnError`), except that `wait` stops at
//! its first error, as its visitor returns it.

use super::{Cx, DeleteItem, Program, Tag, Terminal, api_error, resolve};
use crate::apiserver::{Op, Outcome};
use crate::component::{Change, Notice};
use crate::etcd::Store;
use crate::kubectl::messages::resource_name;
use crate::kubectl::wait::{WaitFor, met};
use crate::model::kind::Kind;
use crate::model::labels::Selector;
use crate::model::meta::ObjRef;
use crate::model::patch::ObjectPatch;

/// The objects a visiting command acts on.
#[derive(Clone, Debug)]
pub enum Visit {
    /// Objects by name, each fetched first.
    Named(Vec<DeleteItem>),
    /// Every object of these kinds in the namespace that the selector matches (None: all).
    Selected {
        /// The kinds, in the order given.
        kinds: Vec<Kind>,
        /// The namespace (ignored for cluster-scoped kinds).
        namespace: String,
        /// `-l`; None for `--all`.
        selector: Option<Selector>,
    },
}

impl Visit {
    /// The key of the read to send at `cursor`, or None when the LIST already returned.
    pub(super) fn next_request(
        &self,
        cursor: usize,
        resolved: Option<&[ObjRef]>,
    ) -> Option<(Op, String)> {
        match self {
            Visit::Named(items) => items
                .get(cursor)
                .map(|t| (Op::Read, format!("{}/{}", t.namespace, t.name))),
            Visit::Selected { .. } => resolved.is_none().then(|| (Op::List, "list".to_string())),
        }
    }

    /// The LIST's answer: the matching objects, kind by kind, each in name order.
    pub(super) fn select(&self, store: &Store) -> Vec<ObjRef> {
        let Visit::Selected {
            kinds,
            namespace,
            selector,
        } = self
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for &kind in kinds {
            let ns = if kind.namespaced() {
                match store.find_ns(namespace) {
                    Some(ns) => Some(ns),
                    None => continue,
                }
            } else {
                None
            };
            for id in store.list(kind, ns) {
                if matches!(kind, Kind::ReplicaSet | Kind::ReplicationController)
                    && store.rs_kind(id) != kind
                {
                    continue;
                }
                let obj = ObjRef { kind, id };
                let matches = store
                    .meta(obj)
                    .is_some_and(|m| selector.as_ref().is_none_or(|s| s.matches(&m.labels)));
                if matches {
                    out.push(obj);
                }
            }
        }
        out
    }
}

fn name_of(store: &Store, obj: ObjRef) -> String {
    store.meta(obj).map(|m| m.name.clone()).unwrap_or_default()
}

impl Terminal {
    fn visit(&self) -> Option<&Visit> {
        match &self.step.program {
            Program::Label { visit, .. }
            | Program::Patch { visit, .. }
            | Program::Wait { visit, .. }
            | Program::Rollout { visit, .. } => Some(visit),
            _ => None,
        }
    }

    /// A response to a visiting command's GET, LIST or PATCH.
    pub(super) fn on_visit_response(&mut self, cx: &mut Cx<'_>, tag: Tag, outcome: &Outcome) {
        if tag.act {
            self.written(cx, outcome);
            return;
        }
        let Some(visit) = self.visit() else { return };
        match visit {
            Visit::Selected { .. } => {
                self.resolved = Some(visit.select(cx.store));
                self.next_action(cx);
            }
            Visit::Named(items) => {
                let Some(item) = items.get(tag.action as usize) else {
                    return;
                };
                match resolve(cx.store, item) {
                    Some(obj) => self.act(cx, tag, obj),
                    None => {
                        let line = api_error(
                            &crate::apiserver::ApiError::not_found(item.kind, &item.name),
                            None,
                        );
                        self.not_found(cx, line);
                    }
                }
            }
        }
    }

    /// The object at the cursor of a listed selection.
    pub(super) fn visit_object(&mut self, cx: &mut Cx<'_>, tag: Tag) {
        let obj = self
            .resolved
            .as_ref()
            .and_then(|r| r.get(tag.action as usize).copied());
        if let Some(obj) = obj {
            self.act(cx, tag, obj);
        }
    }

    /// Every object was visited.
    pub(super) fn visited_all(&mut self, cx: &mut Cx<'_>) {
        let nothing_listed = self.resolved.as_ref().is_some_and(Vec::is_empty);
        if let Program::Wait { spec, .. } = &self.step.program
            && nothing_listed
            && spec.condition != WaitFor::Delete
        {
            // wait.go: errNoMatchingResources when nothing was visited.
            self.print(cx, "error: no matching resources found");
            self.finish(cx, 1);
            return;
        }
        self.actions_done(cx);
    }

    fn not_found(&mut self, cx: &mut Cx<'_>, line: String) {
        if matches!(self.step.program, Program::Rollout { .. }) {
            self.print(cx, &line);
            self.finish(cx, 1);
            return;
        }
        if let Program::Wait { spec, .. } = &self.step.program {
            // `--for=delete` ignores NotFound (IgnoreErrors(apierrors.IsNotFound)).
            if spec.condition == WaitFor::Delete {
                self.advance(cx);
            } else {
                self.print(cx, &line);
                self.finish(cx, 1);
            }
            return;
        }
        self.failed = true;
        self.print(cx, &line);
        self.advance(cx);
    }

    /// Acts on one fetched object.
    fn act(&mut self, cx: &mut Cx<'_>, tag: Tag, obj: ObjRef) {
        let store = cx.store;
        let name = name_of(store, obj);
        let printed = resource_name(obj.kind, &name);
        let patch = match &self.step.program {
            Program::Label { spec, .. } => {
                let Some(meta) = store.meta(obj) else { return };
                let current = if spec.annotate {
                    &meta.annotations
                } else {
                    &meta.labels
                };
                match spec.plan(current) {
                    Err(e) => {
                        self.failed = true;
                        self.print(cx, &format!("error: {e}"));
                        self.advance(cx);
                        return;
                    }
                    Ok(planned) => {
                        for note in &planned.notes {
                            self.print(cx, note);
                        }
                        self.pending = format!("{printed} {}", planned.operation);
                        let mut patch = ObjectPatch::default();
                        if spec.annotate {
                            patch.annotations = planned.patch;
                        } else {
                            patch.labels = planned.patch;
                        }
                        patch
                    }
                }
            }
            Program::Patch { patch, .. } => {
                self.pending = printed;
                (**patch).clone()
            }
            Program::Wait { .. } => {
                self.pending = printed;
                self.await_object(cx, obj);
                return;
            }
            Program::Rollout { .. } => match self.rollout_plan(cx, obj) {
                Some(patch) => patch,
                None => return,
            },
            _ => return,
        };
        let key = store.key(obj);
        let op = Op::Patch {
            target: obj,
            patch: Box::new(patch),
        };
        cx.submit(op, Tag { act: true, ..tag }, &key);
    }

    /// The PATCH returned.
    fn written(&mut self, cx: &mut Cx<'_>, outcome: &Outcome) {
        let pending = std::mem::take(&mut self.pending);
        let line = match outcome {
            Outcome::Failed(e) => {
                self.failed = true;
                // checkErr prints an Invalid status as its message alone.
                if e.reason == "Invalid" {
                    e.message.clone()
                } else {
                    api_error(e, None)
                }
            }
            // patch.go patchOperation.
            Outcome::Unchanged(_) if matches!(self.step.program, Program::Patch { .. }) => {
                format!("{pending} patched (no change)")
            }
            _ if matches!(self.step.program, Program::Patch { .. }) => {
                format!("{pending} patched")
            }
            _ => pending,
        };
        self.print(cx, &line);
        for e in std::mem::take(&mut self.after_patch) {
            self.failed = true;
            self.print(cx, &e);
        }
        self.advance(cx);
    }

    /// `kubectl wait` on one object: done now, or watch it.
    fn await_object(&mut self, cx: &mut Cx<'_>, obj: ObjRef) {
        let Program::Wait { spec, .. } = &self.step.program else {
            return;
        };
        let done = match &spec.condition {
            WaitFor::Delete => cx.store.meta(obj).is_none(),
            WaitFor::Condition { name, value } => met(cx.store, obj, name, value),
        };
        if done {
            self.condition_met(cx);
        } else if self.timed_out {
            self.time_out(cx, obj);
        } else {
            self.watching = Some(obj);
            match spec.condition {
                WaitFor::Delete => cx.watch_deletion(obj),
                WaitFor::Condition { .. } => cx.watch_object(obj),
            }
        }
    }

    fn condition_met(&mut self, cx: &mut Cx<'_>) {
        self.watching = None;
        let line = format!("{} condition met", std::mem::take(&mut self.pending));
        self.print(cx, &line);
        self.advance(cx);
    }

    /// A change of the object `kubectl wait` watches.
    pub(super) fn observe_wait(&mut self, cx: &mut Cx<'_>, n: Notice) {
        let Program::Wait { spec, .. } = &self.step.program else {
            return;
        };
        if !self.running || self.watching.map(ObjRef::in_arena) != Some(n.obj.in_arena()) {
            return;
        }
        match (&spec.condition, n.change) {
            (WaitFor::Delete, Change::Deleted) => self.condition_met(cx),
            (WaitFor::Delete, _) => {}
            (WaitFor::Condition { .. }, Change::Deleted) => {
                // The watch ends with the object; kubectl's next GET finds nothing.
                let name = self.awaited_name();
                let e = crate::apiserver::ApiError::not_found(n.obj.kind, &name);
                self.print(cx, &api_error(&e, None));
                self.finish(cx, 1);
            }
            (WaitFor::Condition { name, value }, _) => {
                if met(cx.store, n.obj, name, value) {
                    self.condition_met(cx);
                }
            }
        }
    }

    /// The name of the object `wait` is on (its printed `kind/name` is pending).
    fn awaited_name(&self) -> String {
        let name = self.pending.rsplit('/').next();
        name.unwrap_or_default().to_string()
    }

    /// `--timeout` passed.
    pub(super) fn wait_timeout(&mut self, cx: &mut Cx<'_>) {
        if !self.running {
            return;
        }
        if matches!(self.step.program, Program::Rollout { .. }) {
            // UntilWithSync's context ends: wait.ErrWaitTimeout through checkErr.
            self.print(cx, "error: timed out waiting for the condition");
            self.finish(cx, 1);
            return;
        }
        match self.watching {
            Some(obj) => self.time_out(cx, obj),
            // A request is in flight: its answer decides (the context is already done).
            None => self.timed_out = true,
        }
    }

    /// wait.go: `timed out waiting for the condition on <resource>/<name>`.
    fn time_out(&mut self, cx: &mut Cx<'_>, obj: ObjRef) {
        let name = self.awaited_name();
        let line = format!(
            "error: timed out waiting for the condition on {}/{name}",
            obj.kind.plural()
        );
        self.print(cx, &line);
        self.finish(cx, 1);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{PreparedStep, Timer};
    use super::*;
    use crate::apiserver::testing::Harness;
    use crate::component::ctx::testing::{Effect, Recorder, run};
    use crate::component::{Component, TerminalOutput};
    use crate::etcd::store::testing as fx;
    use crate::sim::time::SimTime;

    use super::super::tests::{ME, start};

    fn terminal(line: &str) -> Terminal {
        let words = crate::kubectl::words::split(line).unwrap();
        let cmd = crate::kubectl::command::parse(&words).unwrap();
        let named = |objs: &[crate::kubectl::command::NamedObject]| {
            Visit::Named(
                objs.iter()
                    .map(|o| DeleteItem {
                        kind: o.kind,
                        name: o.name.clone(),
                        namespace: "default".into(),
                    })
                    .collect(),
            )
        };
        let targets = |t: &crate::kubectl::command::Targets| match t {
            crate::kubectl::command::Targets::Named(objs) => named(objs),
            crate::kubectl::command::Targets::Selected { kinds, selector } => Visit::Selected {
                kinds: kinds.clone(),
                namespace: "default".into(),
                selector: selector.as_deref().map(|s| Selector::parse(s).unwrap()),
            },
        };
        let program = match cmd {
            crate::kubectl::command::Command::Label(l) => Program::Label {
                visit: targets(&l.targets),
                spec: Box::new(l),
            },
            crate::kubectl::command::Command::Patch(p) => Program::Patch {
                visit: named(&p.targets),
                patch: p.patch,
            },
            crate::kubectl::command::Command::Wait(w) => Program::Wait {
                visit: targets(&w.targets),
                spec: Box::new(w),
            },
            other => panic!("{other:?}"),
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

    fn reply(
        h: &mut Harness,
        t: &mut Terminal,
        at: u64,
        sent: &Recorder<Terminal>,
    ) -> Recorder<Terminal> {
        super::super::tests::reply(h, t, SimTime(at), sent)
    }

    fn lines(r: &Recorder<Terminal>) -> Vec<String> {
        r.terminal()
            .into_iter()
            .filter_map(|o| match o {
                TerminalOutput::Line(l) => Some(l.clone()),
                TerminalOutput::Exited(c) => Some(format!("[exit {c}]")),
                _ => None,
            })
            .collect()
    }

    /// Runs a command whose requests all answer at once; returns everything printed.
    fn run_through(h: &mut Harness, t: &mut Terminal) -> Vec<String> {
        let sent = start(t, h);
        run_through_rest(h, t, sent)
    }

    fn pod_labels(h: &Harness, pod: u32) -> String {
        h.store.pods.get(pod).unwrap().meta.labels.format()
    }

    #[test]
    fn label_gets_then_patches_and_the_store_changes() {
        // label.go: GET through the builder, labelFunc, a merge PATCH, then the name printer
        // with `labeled`.
        let mut h = Harness::default();
        let (_, _, pod) = fx::bound_pod(&mut h.store, "web");
        let before = pod_labels(&h, pod);
        let mut t = terminal("kubectl label pod web tier=front");
        let first = start(&mut t, &h);
        assert!(matches!(
            first.requests()[..],
            [(Op::Read, Tag { act: false, .. })]
        ));
        let second = reply(&mut h, &mut t, 100, &first);
        assert!(matches!(
            second.requests()[..],
            [(Op::Patch { .. }, Tag { act: true, .. })]
        ));
        assert_eq!(
            pod_labels(&h, pod),
            before,
            "nothing changes before the PATCH commits"
        );
        let third = reply(&mut h, &mut t, 200, &second);
        assert_eq!(lines(&third), ["pod/web labeled", "[exit 0]"]);
        assert_eq!(
            h.store.pods.get(pod).unwrap().meta.labels.get("tier"),
            Some("front")
        );
    }

    #[test]
    fn an_overwrite_without_the_flag_fails_and_a_missing_object_is_not_found() {
        let mut h = Harness::default();
        let (_, _, pod) = fx::bound_pod(&mut h.store, "web");
        let key = h
            .store
            .pods
            .get(pod)
            .unwrap()
            .meta
            .labels
            .iter()
            .next()
            .map(|(k, v)| (k.to_string(), v.to_string()));
        let (k, v) = key.expect("the fixture pod has a label");
        let mut t = terminal(&format!("kubectl label pod web nope {k}={v}x"));
        let out = run_through(&mut h, &mut t);
        assert_eq!(
            out,
            [
                format!("error: '{k}' already has a value ({v}), and --overwrite is false"),
                "Error from server (NotFound): pods \"nope\" not found".to_string(),
                "[exit 1]".to_string()
            ]
        );
    }

    #[test]
    fn a_selector_lists_once_and_annotates_each_match() {
        let mut h = Harness::default();
        let (ns, node, _) = fx::bound_pod(&mut h.store, "a");
        fx::pod(&mut h.store, "b", ns, fx::spec(100), None, Some(node));
        let mut t = terminal("kubectl annotate pods --all note=x");
        let first = start(&mut t, &h);
        let second = reply(&mut h, &mut t, 100, &first);
        assert_eq!(second.requests().len(), 1, "one PATCH at a time");
        let out = run_through_rest(&mut h, &mut t, second);
        assert_eq!(out, ["pod/a annotated", "pod/b annotated", "[exit 0]"]);
        assert_eq!(
            h.store.pods.get(0).unwrap().meta.annotations.get("note"),
            Some("x")
        );
    }

    fn run_through_rest(
        h: &mut Harness,
        t: &mut Terminal,
        mut sent: Recorder<Terminal>,
    ) -> Vec<String> {
        let mut out = lines(&sent);
        for at in 1..20 {
            if sent.requests().is_empty() {
                break;
            }
            sent = reply(h, t, at * 100, &sent);
            out.extend(lines(&sent));
        }
        out
    }

    #[test]
    fn patch_prints_patched_then_no_change() {
        // patch.go patchOperation: `patched`, or `patched (no change)` when the object is
        // the same after the patch.
        let mut h = Harness::default();
        let ns = fx::namespace(&mut h.store, "default");
        let d = fx::deployment(
            &mut h.store,
            "web",
            ns,
            1,
            fx::rolling(
                crate::model::workload::IntOrPercent::Percent(25),
                crate::model::workload::IntOrPercent::Percent(25),
            ),
        );
        let line = r#"kubectl patch deployment web -p '{"spec":{"replicas":3}}'"#;
        let mut t = terminal(line);
        assert_eq!(
            run_through(&mut h, &mut t),
            ["deployment.apps/web patched", "[exit 0]"]
        );
        assert_eq!(h.store.deployments.get(d).unwrap().spec.replicas, 3);
        assert_eq!(h.store.deployments.get(d).unwrap().meta.generation, 2);
        let mut again = terminal(line);
        assert_eq!(
            run_through(&mut h, &mut again),
            ["deployment.apps/web patched (no change)", "[exit 0]"]
        );
        let recreate =
            r#"kubectl patch deployment web -p '{"spec":{"strategy":{"type":"Recreate"}}}'"#;
        let mut bad = terminal(recreate);
        // ValidateDeploymentStrategy keeps the stored rollingUpdate unless the patch nulls it.
        assert_eq!(
            run_through(&mut h, &mut bad),
            [
                "The Deployment \"web\" is invalid: spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
                "[exit 1]"
            ]
        );
    }

    #[test]
    fn wait_watches_until_the_condition_holds() {
        // wait.go: a GET, then a watch of the object; `condition met` when it holds.
        let mut h = Harness::default();
        let (_, _, pod) = fx::bound_pod(&mut h.store, "web");
        h.store.pods.get_mut(pod).unwrap().status.ready_since = None;
        h.store.pods.get_mut(pod).unwrap().status.start_time = Some(SimTime(1));
        let mut t = terminal("kubectl wait --for=condition=Ready pod/web");
        let first = start(&mut t, &h);
        assert!(first.effects.iter().any(
            |e| matches!(e, Effect::Timer(at, Timer::WaitTimeout) if *at == SimTime(30_000_000))
        ));
        let second = reply(&mut h, &mut t, 100, &first);
        let obj = ObjRef {
            kind: Kind::Pod,
            id: pod,
        };
        assert!(
            second
                .effects
                .iter()
                .any(|e| matches!(e, Effect::WatchObject(o) if *o == obj))
        );
        assert!(lines(&second).is_empty());
        h.store.pods.get_mut(pod).unwrap().status.ready_since = Some(SimTime(500));
        let notice = Notice {
            obj,
            change: Change::Modified,
            controller: None,
        };
        let done = run(
            &mut t,
            &h.store,
            &mut crate::aks::fleet::testing::azure(),
            ME,
            SimTime(600),
            |t, cx| t.observe(cx, notice),
        );
        assert_eq!(lines(&done), ["pod/web condition met", "[exit 0]"]);
    }

    #[test]
    fn wait_times_out_with_the_resource_and_name() {
        // wait.go: `timed out waiting for the condition on pods/web`, exit 1.
        let mut h = Harness::default();
        let _ = fx::bound_pod(&mut h.store, "web");
        let mut t = terminal("kubectl wait --for=delete pod/web --timeout=5s");
        let first = start(&mut t, &h);
        let _ = reply(&mut h, &mut t, 100, &first);
        let fired = run(
            &mut t,
            &h.store,
            &mut crate::aks::fleet::testing::azure(),
            ME,
            SimTime(5_000_000),
            |t, cx| Component::on_timer(t, cx, Timer::WaitTimeout),
        );
        assert_eq!(
            lines(&fired),
            [
                "error: timed out waiting for the condition on pods/web",
                "[exit 1]"
            ]
        );
    }

    #[test]
    fn wait_on_an_empty_selection_finds_nothing() {
        let mut h = Harness::default();
        fx::namespace(&mut h.store, "default");
        let mut t = terminal("kubectl wait --for=condition=Ready pods -l app=none");
        assert_eq!(
            run_through(&mut h, &mut t),
            ["error: no matching resources found", "[exit 1]"]
        );
        let mut d = terminal("kubectl wait --for=delete pods -l app=none");
        assert_eq!(run_through(&mut h, &mut d), ["[exit 0]"]);
    }
}
