//! Steps: each one a terminal running one kubectl command in virtual time (CONTRACT §2).
//!
//! A command makes the requests kubectl makes, one after another, through the API server,
//! and prints what kubectl prints when each response arrives. `delete` waits (kubectl's
//! `--wait=true`) until every deleted object is gone. Names are resolved by a GET first,
//! as kubectl's resource builder does, so a NotFound costs a round trip.

use crate::apiserver::{ApiError, Client, NewObject, Op, Outcome, Propagation, Request, submit};
use crate::kubectl::messages::{Operation, deleted, printed_name, resource_name};
use crate::kubectl::print;
use crate::kubectl::table::{Decoration, no_resources_message};
use crate::model::kind::Kind;
use crate::model::labels::Selector;
use crate::model::meta::ObjRef;
use crate::sim::event::Event;
use crate::sim::time::{SimDuration, SimTime};
use crate::sim::world::World;
use std::collections::{BTreeMap, BTreeSet};

/// One object `kubectl apply` sends.
#[derive(Debug)]
pub struct ApplyItem {
    /// The object.
    pub object: NewObject,
    /// Its namespace (from the manifest, `-n`, or `default`).
    pub namespace: Option<String>,
    /// The file name kubectl names in errors (`STDIN` for `apply: |`).
    pub source: String,
    /// `kind.group` as the name printer writes it.
    pub kind_group: String,
}

/// One object `kubectl delete` removes.
#[derive(Debug)]
pub struct DeleteItem {
    /// Kind.
    pub kind: Kind,
    /// Name.
    pub name: String,
    /// Namespace (ignored for cluster-scoped kinds).
    pub namespace: String,
}

// Clones of a step's items are counted in tests: a step's work must stay linear in its items
// (cloning the whole list per request made `apply -f` of 4,000 objects take 45 s).
impl Clone for ApplyItem {
    fn clone(&self) -> Self {
        #[cfg(test)]
        tests::count_item_clone();
        ApplyItem {
            object: self.object.clone(),
            namespace: self.namespace.clone(),
            source: self.source.clone(),
            kind_group: self.kind_group.clone(),
        }
    }
}

impl Clone for DeleteItem {
    fn clone(&self) -> Self {
        #[cfg(test)]
        tests::count_item_clone();
        DeleteItem {
            kind: self.kind,
            name: self.name.clone(),
            namespace: self.namespace.clone(),
        }
    }
}

/// What `kubectl get` was asked for.
#[derive(Clone, Debug)]
pub struct GetSpec {
    /// Kinds listed (`get pods,svc`), or single objects (`get pod/a svc/b`).
    pub items: Vec<(Kind, Option<String>)>,
    /// Namespace, or None for `-A`.
    pub namespace: Option<String>,
    /// `-o wide`.
    pub wide: bool,
    /// `-o name`.
    pub name_only: bool,
    /// `-l`.
    pub selector: Option<Selector>,
    /// `--show-labels`.
    pub show_labels: bool,
}

/// A step's command, checked and ready to run.
#[derive(Clone, Debug)]
pub enum Program {
    /// `kubectl apply -f`.
    Apply(Vec<ApplyItem>),
    /// `kubectl run`, `kubectl create namespace|deployment`.
    Create {
        /// The object.
        object: Box<NewObject>,
        /// Namespace.
        namespace: Option<String>,
        /// `create deployment` wraps AlreadyExists as `error: failed to create deployment: …`.
        wrap_create_error: bool,
    },
    /// `kubectl scale`.
    Scale {
        /// Targets.
        targets: Vec<DeleteItem>,
        /// New replicas.
        replicas: i32,
    },
    /// `kubectl delete`.
    Delete {
        /// Targets.
        targets: Vec<DeleteItem>,
        /// `--cascade`.
        propagation: Propagation,
        /// `--wait`.
        wait: bool,
    },
    /// `kubectl get`.
    Get(GetSpec),
}

/// A scenario step, ready to run.
#[derive(Clone, Debug)]
pub struct PreparedStep {
    /// Index in the scenario file.
    pub index: u32,
    /// When it starts.
    pub at: SimTime,
    /// `id`.
    pub id: Option<String>,
    /// The command as typed (`kubectl apply -f -` for `apply: |`).
    pub command: String,
    /// `stopAfter`.
    pub stop_after: Option<SimDuration>,
    /// What it does.
    pub program: Program,
    /// Warnings kubectl prints first (stderr).
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug, Default)]
struct StepState {
    running: bool,
    cursor: usize,
    failed: bool,
    waiting: BTreeSet<ObjRef>,
    actions_done: bool,
    exit: Option<i32>,
}

/// All steps and their progress.
#[derive(Debug, Default)]
pub struct Steps {
    /// The steps, in file order.
    pub list: Vec<PreparedStep>,
    state: Vec<StepState>,
    waiters: BTreeMap<ObjRef, Vec<u32>>,
    last_started: Option<u32>,
}

impl Steps {
    /// Steps from a prepared list.
    pub fn new(list: Vec<PreparedStep>) -> Steps {
        let state = vec![StepState::default(); list.len()];
        Steps {
            list,
            state,
            waiters: BTreeMap::new(),
            last_started: None,
        }
    }

    /// Steps waiting for this object to go.
    pub fn waiters_of(&self, obj: ObjRef) -> Vec<u32> {
        let mut v = self.waiters.get(&obj).cloned().unwrap_or_default();
        if obj.kind == Kind::ReplicationController {
            v.extend(
                self.waiters
                    .get(&ObjRef {
                        kind: Kind::ReplicaSet,
                        id: obj.id,
                    })
                    .cloned()
                    .unwrap_or_default(),
            );
        }
        v
    }

    /// The exit code of a finished step (None if it was stopped or never ran).
    pub fn exit_code(&self, i: u32) -> Option<i32> {
        self.state.get(i as usize).and_then(|s| s.exit)
    }

    /// Names the most recently started step, for errors that stop the run.
    pub fn culprit_description(&self) -> String {
        match self.last_started.and_then(|i| self.list.get(i as usize)) {
            Some(s) => format!(
                "the last step started was step {} (`{}`) at t={}s",
                s.index,
                s.command,
                s.at.millis3()
            ),
            None => "no step had started".to_string(),
        }
    }
}

const PHASE_MAIN: u64 = 0;
const PHASE_ACT: u64 = 1 << 32;

fn print(w: &mut World, i: u32, text: &str) {
    let now = w.now;
    w.out.step_output(i, now, text);
}

/// The step's start time has come.
pub fn start_step(w: &mut World, i: u32) {
    // The step's header, warnings and stopAfter only: its program is read item by item.
    let Some((command, warnings, stop_after)) = w
        .steps
        .list
        .get(i as usize)
        .map(|s| (s.command.clone(), s.warnings.clone(), s.stop_after))
    else {
        return;
    };
    w.steps.last_started = Some(i);
    w.steps.state[i as usize].running = true;
    let now = w.now;
    w.out.step_started(i, now, &command);
    for warning in &warnings {
        print(w, i, warning);
    }
    if let Some(d) = stop_after {
        w.schedule(d, Event::StepStop(i));
    }
    next_action(w, i);
}

fn program(w: &World, i: u32) -> Option<&Program> {
    w.steps.list.get(i as usize).map(|s| &s.program)
}

/// Sends the request for the action at the cursor, or finishes the step. Only the item at
/// the cursor is read (and cloned into the request), so a step's work is linear in its items.
fn next_action(w: &mut World, i: u32) {
    let Some(st) = w.steps.state.get(i as usize) else {
        return;
    };
    if !st.running {
        return;
    }
    let cursor = st.cursor;
    let key = |ns: &Option<String>, name: &str| format!("{}/{name}", ns.as_deref().unwrap_or(""));
    let request = match program(w, i) {
        None => return,
        Some(Program::Apply(items)) => items.get(cursor).map(|item| {
            let op = Op::Apply {
                object: Box::new(item.object.clone()),
                namespace: item.namespace.clone(),
            };
            (op, key(&item.namespace, &item.object.meta().name))
        }),
        Some(Program::Create {
            object, namespace, ..
        }) => (cursor == 0).then(|| {
            let key = key(namespace, &object.meta().name);
            let op = Op::Create {
                object: object.clone(),
                namespace: namespace.clone(),
                generate_name: None,
            };
            (op, key)
        }),
        Some(Program::Scale { targets, .. } | Program::Delete { targets, .. }) => targets
            .get(cursor)
            .map(|t| (Op::Read, format!("{}/{}", t.namespace, t.name))),
        Some(Program::Get(_)) => (cursor == 0).then(|| (Op::Read, "get".to_string())),
    };
    match request {
        Some((op, key)) => {
            submit(w, Client::Step(i), op, PHASE_MAIN | cursor as u64, &key);
        }
        None => actions_done(w, i),
    }
}

fn advance(w: &mut World, i: u32) {
    if let Some(st) = w.steps.state.get_mut(i as usize) {
        st.cursor += 1;
    }
    next_action(w, i);
}

fn actions_done(w: &mut World, i: u32) {
    let st = &mut w.steps.state[i as usize];
    st.actions_done = true;
    if st.waiting.is_empty() {
        let code = if st.failed { 1 } else { 0 };
        finish(w, i, code);
    }
}

fn finish(w: &mut World, i: u32, code: i32) {
    let st = &mut w.steps.state[i as usize];
    if !st.running {
        return;
    }
    st.running = false;
    st.exit = Some(code);
    let now = w.now;
    w.out.step_exited(i, now, code);
}

/// `kubectl`'s rendering of an API error (reference §7.1).
fn api_error(e: &ApiError, source: Option<&str>) -> String {
    let msg = match source {
        Some(f) => format!("error when creating {f:?}: {}", e.message),
        None => e.message.clone(),
    };
    if e.reason.is_empty() {
        format!("Error from server: {msg}")
    } else {
        format!("Error from server ({}): {msg}", e.reason)
    }
}

fn resolve(w: &World, t: &DeleteItem) -> Option<ObjRef> {
    let ns = if t.kind.namespaced() {
        Some(w.store.find_ns(&t.namespace)?)
    } else {
        None
    };
    let id = w.store.lookup(t.kind, ns, &t.name)?;
    Some(ObjRef { kind: t.kind, id })
}

/// A response to one of the step's requests.
pub fn on_response(w: &mut World, i: u32, req: &Request, outcome: Outcome) {
    if !w.steps.state.get(i as usize).is_some_and(|s| s.running) {
        return;
    }
    let cursor = (req.ctx & 0xffff_ffff) as usize;
    let phase = req.ctx & !0xffff_ffff;
    let Some(current) = current(w, i, cursor) else {
        return;
    };
    match current {
        Current::Apply {
            name,
            kind_group,
            source,
        } => {
            let line = match &outcome {
                Outcome::Created(_) | Outcome::Done => format!("{kind_group}/{name} created"),
                Outcome::Configured(_) => format!("{kind_group}/{name} configured"),
                Outcome::Unchanged(_) => format!("{kind_group}/{name} unchanged"),
                Outcome::Failed(e) => {
                    w.steps.state[i as usize].failed = true;
                    api_error(e, Some(&source))
                }
                Outcome::Deleted(_) => String::new(),
            };
            print(w, i, &line);
            advance(w, i);
        }
        Current::Create {
            kind,
            name,
            wrap_create_error,
        } => {
            let line = match &outcome {
                Outcome::Failed(e) => {
                    w.steps.state[i as usize].failed = true;
                    if wrap_create_error {
                        format!("error: failed to create deployment: {}", e.message)
                    } else {
                        api_error(e, None)
                    }
                }
                _ => printed_name(kind, &name, Operation::Created),
            };
            print(w, i, &line);
            advance(w, i);
        }
        Current::Scale(t, replicas) => {
            if phase == PHASE_MAIN {
                match resolve(w, &t) {
                    Some(obj) => {
                        let key = format!("{}/{}", t.namespace, t.name);
                        submit(
                            w,
                            Client::Step(i),
                            Op::Scale {
                                target: obj,
                                replicas,
                                annotations: None,
                            },
                            PHASE_ACT | cursor as u64,
                            &key,
                        );
                    }
                    None => {
                        w.steps.state[i as usize].failed = true;
                        let line = api_error(&ApiError::not_found(t.kind, &t.name), None);
                        print(w, i, &line);
                        advance(w, i);
                    }
                }
            } else {
                let line = match &outcome {
                    Outcome::Failed(e) => {
                        w.steps.state[i as usize].failed = true;
                        api_error(e, None)
                    }
                    _ => printed_name(t.kind, &t.name, Operation::Scaled),
                };
                print(w, i, &line);
                advance(w, i);
            }
        }
        Current::Delete(t, propagation, wait) => {
            if phase == PHASE_MAIN {
                match resolve(w, &t) {
                    Some(obj) => {
                        let key = format!("{}/{}", t.namespace, t.name);
                        let uid = w.store.meta(obj).map(|m| m.uid);
                        let op = Op::Delete {
                            target: obj,
                            uid,
                            propagation,
                            grace_seconds: None,
                        };
                        submit(w, Client::Step(i), op, PHASE_ACT | cursor as u64, &key);
                    }
                    None => {
                        w.steps.state[i as usize].failed = true;
                        let line = api_error(&ApiError::not_found(t.kind, &t.name), None);
                        print(w, i, &line);
                        advance(w, i);
                    }
                }
            } else {
                match &outcome {
                    Outcome::Deleted(obj) => {
                        let line = deleted(t.kind, &t.name, &t.namespace);
                        print(w, i, &line);
                        if wait && w.store.meta(*obj).is_some() {
                            w.steps.state[i as usize].waiting.insert(*obj);
                            w.steps.waiters.entry(*obj).or_default().push(i);
                        }
                    }
                    Outcome::Failed(e) => {
                        w.steps.state[i as usize].failed = true;
                        let line = api_error(e, None);
                        print(w, i, &line);
                    }
                    _ => {}
                }
                advance(w, i);
            }
        }
        Current::Get(text, failed) => {
            if failed {
                w.steps.state[i as usize].failed = true;
            }
            if !text.is_empty() {
                print(w, i, text.trim_end_matches('\n'));
            }
            advance(w, i);
        }
    }
}

/// What a response is about: the step's action at the cursor, copied out of its program so
/// the handler can change the world (for `get`, the listing, rendered as of now).
enum Current {
    Apply {
        name: String,
        kind_group: String,
        source: String,
    },
    Create {
        kind: Kind,
        name: String,
        wrap_create_error: bool,
    },
    Scale(DeleteItem, i32),
    Delete(DeleteItem, Propagation, bool),
    Get(String, bool),
}

fn current(w: &World, i: u32, cursor: usize) -> Option<Current> {
    Some(match program(w, i)? {
        Program::Apply(items) => {
            let item = items.get(cursor)?;
            Current::Apply {
                name: item.object.meta().name.clone(),
                kind_group: item.kind_group.clone(),
                source: item.source.clone(),
            }
        }
        Program::Create {
            object,
            wrap_create_error,
            ..
        } => Current::Create {
            kind: object.kind().unwrap_or(Kind::ConfigMap),
            name: object.meta().name.clone(),
            wrap_create_error: *wrap_create_error,
        },
        Program::Scale { targets, replicas } => {
            Current::Scale(targets.get(cursor)?.clone(), *replicas)
        }
        Program::Delete {
            targets,
            propagation,
            wait,
        } => Current::Delete(targets.get(cursor)?.clone(), *propagation, *wait),
        Program::Get(spec) => {
            let (text, failed) = render_get(w, spec);
            Current::Get(text, failed)
        }
    })
}

/// Renders `kubectl get` from the store as of now.
fn render_get(w: &World, spec: &GetSpec) -> (String, bool) {
    let now = w.now;
    let mut out = String::new();
    let mut failed = false;
    let multiple_kinds = {
        let mut kinds: Vec<Kind> = spec.items.iter().map(|(k, _)| *k).collect();
        kinds.dedup();
        kinds.len() > 1
    };
    let ns_id = spec.namespace.as_ref().map(|n| w.store.find_ns(n));
    let mut tables: Vec<String> = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    let mut any_rows = false;
    // Group consecutive items of one kind into one table.
    let mut groups: Vec<(Kind, Vec<Option<String>>)> = Vec::new();
    for (k, n) in &spec.items {
        match groups.last_mut() {
            Some((gk, names)) if gk == k => names.push(n.clone()),
            _ => groups.push((*k, vec![n.clone()])),
        }
    }
    for (kind, names) in groups {
        let mut table = print::table(kind);
        let mut rows = 0;
        let mut name_lines: Vec<String> = Vec::new();
        let ids: Vec<Option<u32>> = if names.iter().all(Option::is_none) {
            if kind == Kind::Event {
                Vec::new()
            } else {
                let ns = if kind.namespaced() {
                    ns_id.map(|n| n.unwrap_or(crate::model::meta::NsId(u32::MAX)))
                } else {
                    None
                };
                let mut ids = w.store.list(kind, ns);
                if kind == Kind::ReplicaSet || kind == Kind::ReplicationController {
                    ids.retain(|id| w.store.rs_kind(*id) == kind);
                }
                ids.into_iter().map(Some).collect()
            }
        } else {
            names
                .iter()
                .flatten()
                .map(|n| {
                    let ns_name = spec.namespace.clone().unwrap_or_else(|| "default".into());
                    let found = resolve(
                        w,
                        &DeleteItem {
                            kind,
                            name: n.clone(),
                            namespace: ns_name,
                        },
                    );
                    if found.is_none() {
                        errors.push(api_error(&ApiError::not_found(kind, n), None));
                        failed = true;
                    }
                    found.map(|r| r.id)
                })
                .collect()
        };
        if kind == Kind::Event {
            // No sort in kubectl: the API server lists by storage key, `<ns>/<involved
            // object name>.<hex time>`, so events group by object, oldest first.
            let mut events: Vec<&crate::output::events::EventRow> = w
                .out
                .recent_events(now)
                .filter(|e| spec.namespace.as_ref().is_none_or(|n| *n == e.namespace))
                .collect();
            events.sort_by(|a, b| {
                (&a.namespace, &a.name, a.time).cmp(&(&b.namespace, &b.name, b.time))
            });
            for e in events {
                table.push(print::event_row(&w.store, e, now));
                rows += 1;
            }
        }
        for id in ids.into_iter().flatten() {
            let Some((row, labels, _)) = print::row(&w.store, kind, id, now) else {
                continue;
            };
            if spec.selector.as_ref().is_some_and(|s| !s.matches(&labels)) {
                continue;
            }
            if spec.name_only {
                let name = w
                    .store
                    .meta(ObjRef { kind, id })
                    .map(|m| m.name.clone())
                    .unwrap_or_default();
                name_lines.push(resource_name(kind, &name));
            }
            table.push(row);
            rows += 1;
        }
        any_rows |= rows > 0;
        if spec.name_only {
            if !name_lines.is_empty() {
                tables.push(name_lines.join("\n") + "\n");
            }
        } else if rows > 0 {
            let deco = Decoration {
                wide: spec.wide,
                with_namespace: spec.namespace.is_none() && kind.namespaced(),
                show_labels: spec.show_labels,
                with_kind: if multiple_kinds { Some(kind) } else { None },
            };
            tables.push(table.render(deco));
        }
    }
    out.push_str(&tables.join("\n"));
    for e in errors {
        out.push_str(&e);
        out.push('\n');
    }
    if !any_rows && !failed {
        let all_namespaced = spec.items.iter().all(|(k, _)| k.namespaced());
        let ns = if all_namespaced {
            spec.namespace.as_deref()
        } else {
            None
        };
        out.push_str(&no_resources_message(ns));
        out.push('\n');
    }
    (out, failed)
}

/// A deletion the step waits for has happened.
pub fn observe_deleted(w: &mut World, i: u32, obj: ObjRef) {
    if let Some(v) = w.steps.waiters.get_mut(&obj) {
        v.retain(|s| *s != i);
        if v.is_empty() {
            w.steps.waiters.remove(&obj);
        }
    }
    let Some(st) = w.steps.state.get_mut(i as usize) else {
        return;
    };
    st.waiting.remove(&obj);
    if st.waiting.is_empty() && st.actions_done {
        let code = if st.failed { 1 } else { 0 };
        finish(w, i, code);
    }
}

/// `stopAfter` elapsed: Ctrl-C.
pub fn stop_step(w: &mut World, i: u32) {
    let Some(st) = w.steps.state.get_mut(i as usize) else {
        return;
    };
    if !st.running {
        return;
    }
    st.running = false;
    let now = w.now;
    w.out.step_stopped(i, now);
}

/// The run reached its duration: steps still running are stopped.
pub fn stop_all(w: &mut World) {
    for i in 0..w.steps.list.len() as u32 {
        stop_step(w, i);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::cell::Cell;

    thread_local! {
        static ITEM_CLONES: Cell<usize> = const { Cell::new(0) };
    }

    /// Counts one clone of an [`ApplyItem`] or a [`DeleteItem`] on this thread.
    pub(crate) fn count_item_clone() {
        ITEM_CLONES.with(|c| c.set(c.get() + 1));
    }

    #[test]
    fn a_step_of_many_objects_copies_each_item_a_bounded_number_of_times() {
        // Regression: every request and every response cloned the step's whole program, so
        // `kubectl apply -f` of one file of n objects copied n² items (4,000 ConfigMaps: 45 s).
        const N: usize = 300;
        let docs: String = (0..N)
            .map(|i| format!("    ---\n    apiVersion: v1\n    kind: ConfigMap\n    metadata: {{name: cm-{i}}}\n"))
            .collect();
        let names: Vec<String> = (0..N).map(|i| format!("cm-{i}")).collect();
        let text = format!(
            "name: t\nduration: 10m\nsteps:\n- at: 1s\n  apply: |\n{docs}- at: 5m\n  run: kubectl delete configmap {}\n",
            names.join(" ")
        );
        let mut w = crate::sim::test_world(&text);
        let before = ITEM_CLONES.with(Cell::get);
        w.run();
        let clones = ITEM_CLONES.with(Cell::get) - before;
        assert_eq!(w.steps.exit_code(0), Some(0), "every object applied");
        assert_eq!(w.steps.exit_code(1), Some(0), "every object deleted");
        assert_eq!(w.store.configmaps.len(), 0);
        // One clone per deletion's GET response and one per DELETE response; none per apply.
        assert!(
            clones <= 2 * N,
            "{clones} item clones for {N} + {N} objects"
        );
    }
}
