//! Steps: each one a terminal running one kubectl command in virtual time (docs/commands.md).
//!
//! A command makes the requests kubectl makes, one after another, through the API server,
//! and prints what kubectl prints when each response arrives. `delete` waits (kubectl's
//! `--wait=true`) until every deleted object is gone. Names are resolved by a GET first,
//! as kubectl's resource builder does, so a NotFound costs a round trip.

use crate::apiserver::{ApiError, Op, Outcome, Propagation};
use crate::component::{
    Component, ComponentId, ComponentKind, Ctx, Message, Notice, Response, TerminalOutput,
};
use crate::etcd::Store;
use crate::kubectl::messages::{Operation, deleted, printed_name, resource_name};
use crate::kubectl::print;
use crate::kubectl::table::{Decoration, no_resources_message};
use crate::model::kind::Kind;
use crate::model::labels::Selector;
use crate::model::meta::ObjRef;
use crate::model::object::NewObject;
use crate::sim::time::{SimDuration, SimTime};
use std::collections::BTreeSet;

mod drain;
mod fault;
mod rollout;
mod visit;
mod watch;
pub use visit::Visit;

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
        clone_count::count_item_clone();
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
        clone_count::count_item_clone();
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
    /// `-w` or `--watch-only` (one kind, at most one name).
    pub watch: Option<crate::kubectl::command::WatchMode>,
}

/// What `kubectl describe` was asked for.
#[derive(Clone, Debug)]
pub struct DescribeSpec {
    /// Kinds (every object) or single objects by name.
    pub items: Vec<(Kind, Option<String>)>,
    /// Namespace, or None for `-A`.
    pub namespace: Option<String>,
    /// `-l`.
    pub selector: Option<Selector>,
    /// `--show-events`, if given.
    pub show_events: Option<bool>,
    /// `TYPE NAME`: a missing NAME is read as a prefix.
    pub prefix_fallback: bool,
}

/// A step's command, checked and ready to run.
#[derive(Clone, Debug)]
pub enum Program {
    /// `kubectl apply -f`.
    Apply(Vec<ApplyItem>),
    /// `kubectl run`, `kubectl create namespace|deployment|job`.
    Create {
        /// The object.
        object: Box<NewObject>,
        /// Namespace.
        namespace: Option<String>,
        /// `create deployment` and `create job` wrap an API error as
        /// `error: failed to create deployment: …` (`fmt.Errorf` in `create_*.go`).
        wrap_create_error: bool,
    },
    /// `kubectl create job NAME --from=cronjob/CRONJOB`: a GET of the CronJob, then the
    /// create of a Job from its template.
    CreateJobFrom {
        /// The CronJob's name.
        cronjob: String,
        /// The Job's name.
        name: String,
        /// Namespace.
        namespace: String,
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
        /// Targets named on the command line or in files.
        targets: Vec<DeleteItem>,
        /// Or the objects a LIST selects when the step runs (`-l`, `--all`).
        select: Option<Visit>,
        /// `--cascade`.
        propagation: Propagation,
        /// `--wait`.
        wait: bool,
    },
    /// `kubectl get`.
    Get(GetSpec),
    /// `kubectl describe`.
    Describe(DescribeSpec),
    /// An `az aks` command.
    Az(crate::aks::az::AzCommand),
    /// A `kubesim` fault or operation (`kubesim node fail NODE`, …).
    Fault(crate::fault::FaultCommand),
    /// `kubectl label` or `kubectl annotate`.
    Label {
        /// The command.
        spec: Box<crate::kubectl::label::Label>,
        /// The objects it visits.
        visit: Visit,
    },
    /// `kubectl patch`.
    Patch {
        /// The changes.
        patch: Box<crate::model::patch::ObjectPatch>,
        /// The objects it visits.
        visit: Visit,
    },
    /// `kubectl wait`.
    Wait {
        /// The command.
        spec: Box<crate::kubectl::wait::Wait>,
        /// The objects it visits.
        visit: Visit,
    },
    /// `kubectl cordon` or `kubectl uncordon`.
    Cordon(crate::kubectl::drain::Cordon),
    /// `kubectl drain`.
    Drain(Box<crate::kubectl::drain::Drain>),
    /// `kubectl set image` and `kubectl rollout …`.
    Rollout {
        /// The command.
        spec: Box<crate::kubectl::rollout::Rollout>,
        /// The workload it visits.
        visit: Visit,
    },
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

/// One step's terminal: the command it runs and how far it got.
#[derive(Debug)]
pub struct Terminal {
    step: PreparedStep,
    running: bool,
    cursor: usize,
    failed: bool,
    waiting: BTreeSet<ObjRef>,
    actions_done: bool,
    exit: Option<i32>,
    /// What `delete -l`'s LIST returned, deleted in turn.
    selected: Vec<DeleteItem>,
    /// The objects a LIST selected (`-l`, `--all`), once it returned.
    resolved: Option<Vec<ObjRef>>,
    /// The line to print when the write in flight returns.
    pending: String,
    /// The object `kubectl wait` is waiting on.
    watching: Option<ObjRef>,
    /// `kubectl wait`'s timeout passed while a request was in flight.
    timed_out: bool,
    /// The last line `rollout status` printed (a repeat is not printed again).
    last_status: Option<String>,
    /// Errors `set image` prints once its PATCH returned.
    after_patch: Vec<String>,
    /// `kubectl get --watch`'s printer, once its list returned.
    get_watch: Option<Box<watch::GetWatch>>,
    /// `kubectl drain`'s evictions, once its LIST returned.
    drain: Option<Box<drain::DrainRun>>,
}

/// Which request of the step a response answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tag {
    /// The action (the cursor into the command's items).
    pub action: u32,
    /// The lookup GET (false) or the write that follows it (true).
    pub act: bool,
}

/// A terminal's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// The step's `at` has come.
    Start,
    /// `stopAfter` elapsed: Ctrl-C.
    Stop,
    /// `kubectl wait --timeout` or `rollout status --timeout` elapsed.
    WaitTimeout,
    /// `kubectl drain` evicts this pod (its index) again after a 429.
    DrainRetry(u32),
    /// `kubectl drain` looks whether this evicted pod (its index) is gone.
    DrainPoll(u32),
}

type Cx<'a> = Ctx<'a, Terminal>;

impl Component for Terminal {
    type Tag = Tag;
    type Timer = Timer;
    /// Azure, which `az` commands read and ask to change.
    type Env = crate::aks::fleet::Azure;

    /// A deletion the step waits for has happened.
    fn observe(&mut self, cx: &mut Cx<'_>, n: Notice) {
        if matches!(self.step.program, Program::Wait { .. }) {
            self.observe_wait(cx, n);
            return;
        }
        if matches!(self.step.program, Program::Rollout { .. }) {
            self.observe_rollout(cx, n);
            return;
        }
        if let Program::Get(spec) = &self.step.program
            && spec.watch.is_some()
        {
            let spec = spec.clone();
            self.observe_get_watch(cx, &spec, n);
            return;
        }
        if !self.waiting.remove(&n.obj.in_arena()) {
            return;
        }
        if self.waiting.is_empty() && self.actions_done {
            let code = if self.failed { 1 } else { 0 };
            self.finish(cx, code);
        }
    }

    fn on_response(&mut self, cx: &mut Cx<'_>, tag: Tag, r: Response<'_>) {
        if let Some(line) = unavailable(&r) {
            if self.running {
                self.failed = true;
                self.print(cx, &line);
                self.finish(cx, 1);
            }
            return;
        }
        self.on_response(cx, tag, r.outcome);
    }

    fn on_timer(&mut self, cx: &mut Cx<'_>, timer: Timer) {
        match timer {
            Timer::Start => self.start(cx),
            Timer::Stop => self.stop(cx),
            Timer::WaitTimeout => self.wait_timeout(cx),
            Timer::DrainRetry(i) => self.drain_retry(cx, i),
            Timer::DrainPoll(i) => self.poll(cx, i as usize),
        }
    }

    /// AKS finished the operation an `az` command waits for.
    fn on_message(&mut self, cx: &mut Cx<'_>, _: ComponentId, msg: Message) {
        let (Message::ArmDone { operation }, Program::Az(cmd)) = (msg, &self.step.program) else {
            return;
        };
        if !self.running {
            return;
        }
        let result = crate::aks::az::finish(cmd, cx.env, operation);
        self.az_result(cx, result);
    }
}

impl Terminal {
    /// The terminal that will run this step.
    pub fn new(step: PreparedStep) -> Terminal {
        Terminal {
            step,
            running: false,
            cursor: 0,
            failed: false,
            waiting: BTreeSet::new(),
            actions_done: false,
            exit: None,
            selected: Vec::new(),
            resolved: None,
            pending: String::new(),
            watching: None,
            timed_out: false,
            last_status: None,
            after_patch: Vec::new(),
            get_watch: None,
            drain: None,
        }
    }

    /// The step it runs.
    pub fn step(&self) -> &PreparedStep {
        &self.step
    }

    /// The exit code of a finished step (None if it was stopped or never ran).
    pub fn exit_code(&self) -> Option<i32> {
        self.exit
    }

    /// Whether the command is still running.
    pub fn is_running(&self) -> bool {
        self.running
    }

    /// Names the step, for errors that stop the run.
    pub fn describe(&self) -> String {
        format!(
            "step {} (`{}`) at t={}s",
            self.step.index,
            self.step.command,
            self.step.at.millis3()
        )
    }

    fn print(&self, cx: &mut Cx<'_>, text: &str) {
        cx.terminal(TerminalOutput::Line(text.to_string()));
    }

    /// The step's start time has come.
    fn start(&mut self, cx: &mut Cx<'_>) {
        self.running = true;
        cx.terminal(TerminalOutput::Started(self.step.command.clone()));
        for warning in &self.step.warnings {
            self.print(cx, warning);
        }
        if let Some(d) = self.step.stop_after {
            cx.after(d, Timer::Stop);
        }
        let timeout = match &self.step.program {
            Program::Wait { spec, .. } => spec.timeout,
            Program::Rollout { spec, .. } => match spec.action {
                crate::kubectl::rollout::Action::Status { timeout, .. } => timeout,
                _ => None,
            },
            _ => None,
        };
        if let Some(d) = timeout {
            cx.after(d, Timer::WaitTimeout);
        }
        self.next_action(cx);
    }

    /// The lookup GET returned: the write it was for, or kubectl's NotFound.
    fn act_on(&mut self, cx: &mut Cx<'_>, tag: Tag, t: &DeleteItem, op: impl FnOnce(ObjRef) -> Op) {
        match resolve(cx.store, t) {
            Some(obj) => {
                let key = format!("{}/{}", t.namespace, t.name);
                cx.submit(op(obj), Tag { act: true, ..tag }, &key);
            }
            None => {
                self.failed = true;
                let line = api_error(&ApiError::not_found(t.kind, &t.name), None);
                self.print(cx, &line);
                self.advance(cx);
            }
        }
    }

    /// `createJobFromCronJob` (create_job.go), once the GET of the CronJob returned: its job
    /// template as a Job named `name`, annotated `cronjob.kubernetes.io/instantiate: manual`
    /// and controlled by the CronJob; a missing CronJob is the GET's NotFound.
    fn create_job_from(&mut self, cx: &mut Cx<'_>, tag: Tag, (cj, name, ns): (&str, &str, &str)) {
        let target = DeleteItem {
            kind: Kind::CronJob,
            name: cj.to_string(),
            namespace: ns.to_string(),
        };
        let Some(obj) = resolve(cx.store, &target) else {
            self.failed = true;
            let line = api_error(&ApiError::not_found(Kind::CronJob, cj), None);
            self.print(cx, &line);
            self.advance(cx);
            return;
        };
        let Some(cronjob) = cx.store.cronjobs.get(obj.id) else {
            return;
        };
        let manual = (crate::model::cronjob::INSTANTIATE, "manual".to_string());
        let job = cronjob.job_from_template(obj.id, name.to_string(), manual, false);
        let op = Op::Create {
            object: Box::new(NewObject::Job(job)),
            namespace: Some(ns.to_string()),
            generate_name: None,
        };
        cx.submit(op, Tag { act: true, ..tag }, &format!("{ns}/{name}"));
    }

    /// `stopAfter` elapsed or the run ended: Ctrl-C.
    pub fn stop(&mut self, cx: &mut Cx<'_>) {
        if !self.running {
            return;
        }
        self.running = false;
        if self.get_watch.take().is_some() {
            cx.end_kind_watches();
        }
        cx.terminal(TerminalOutput::Stopped);
    }
    /// Sends the request for the action at the cursor, or finishes the step.
    fn next_action(&mut self, cx: &mut Cx<'_>) {
        if !self.running {
            return;
        }
        let cursor = self.cursor;
        let tag = Tag {
            action: cursor as u32,
            act: false,
        };
        match &self.step.program {
            Program::Apply(items) => match items.get(cursor) {
                Some(item) => {
                    let key = format!(
                        "{}/{}",
                        item.namespace.clone().unwrap_or_default(),
                        item.object.meta().name
                    );
                    let op = Op::Apply {
                        object: Box::new(item.object.clone()),
                        namespace: item.namespace.clone(),
                    };
                    cx.submit(op, tag, &key);
                }
                None => self.actions_done(cx),
            },
            Program::Create {
                object, namespace, ..
            } => {
                if cursor == 0 {
                    let key = format!(
                        "{}/{}",
                        namespace.clone().unwrap_or_default(),
                        object.meta().name
                    );
                    let op = Op::Create {
                        object: object.clone(),
                        namespace: namespace.clone(),
                        generate_name: None,
                    };
                    cx.submit(op, tag, &key);
                } else {
                    self.actions_done(cx);
                }
            }
            Program::CreateJobFrom {
                cronjob, namespace, ..
            } => {
                if cursor == 0 {
                    cx.submit(Op::Read, tag, &format!("{namespace}/{cronjob}"));
                } else {
                    self.actions_done(cx);
                }
            }
            Program::Delete {
                select: Some(_),
                propagation,
                ..
            } => {
                if cursor == 0 {
                    cx.submit(Op::List, tag, "list");
                } else if let Some(t) = self.selected.get(cursor - 1).cloned() {
                    // The items come from the LIST: kubectl deletes each without a GET.
                    let propagation = *propagation;
                    let tag = Tag { act: false, ..tag };
                    self.act_on(cx, tag, &t, |target| Op::Delete {
                        target,
                        uid: None,
                        propagation,
                        grace_seconds: None,
                    });
                } else {
                    self.actions_done(cx);
                }
            }
            Program::Scale { targets, .. } | Program::Delete { targets, .. } => {
                match targets.get(cursor) {
                    Some(t) => {
                        let key = format!("{}/{}", t.namespace, t.name);
                        cx.submit(Op::Read, tag, &key);
                    }
                    None => self.actions_done(cx),
                }
            }
            Program::Get(GetSpec { items, .. }) | Program::Describe(DescribeSpec { items, .. }) => {
                if cursor == 0 {
                    // A whole kind (`get pods`) is a LIST; named objects are GETs.
                    let op = if items.iter().any(|(_, name)| name.is_none()) {
                        Op::List
                    } else {
                        Op::Read
                    };
                    cx.submit(op, tag, "get");
                } else {
                    self.actions_done(cx);
                }
            }
            Program::Cordon(_) | Program::Drain(_) => self.drain_next(cx),
            Program::Az(cmd) => match crate::aks::az::start(cmd, cx.env) {
                crate::aks::az::Started::Done(result) => self.az_result(cx, result),
                crate::aks::az::Started::Waiting(operation) => {
                    let provider = ComponentId::of(ComponentKind::AksProvider);
                    cx.send(provider, Message::ArmRequest { operation });
                    if cmd.no_wait {
                        self.finish(cx, 0);
                    }
                }
            },
            Program::Fault(cmd) => {
                let cmd = cmd.clone();
                self.start_fault(cx, &cmd);
            }
            Program::Label { visit, .. }
            | Program::Patch { visit, .. }
            | Program::Wait { visit, .. }
            | Program::Rollout { visit, .. } => {
                let request = visit.next_request(cursor, self.resolved.as_deref());
                match request {
                    Some((op, key)) => cx.submit(op, tag, &key),
                    None if self.resolved.as_ref().is_some_and(|r| cursor < r.len()) => {
                        self.visit_object(cx, tag);
                    }
                    None => self.visited_all(cx),
                }
            }
        }
    }

    /// An `az` command ended: its output, or `ERROR: ...` and exit status 1.
    fn az_result(&mut self, cx: &mut Cx<'_>, result: Result<String, String>) {
        match result {
            Ok(text) => {
                if !text.is_empty() {
                    self.print(cx, &text);
                }
                self.finish(cx, 0);
            }
            Err(e) => {
                self.print(cx, &format!("ERROR: {e}"));
                self.finish(cx, 1);
            }
        }
    }

    fn advance(&mut self, cx: &mut Cx<'_>) {
        self.cursor += 1;
        self.next_action(cx);
    }

    fn actions_done(&mut self, cx: &mut Cx<'_>) {
        self.actions_done = true;
        if self.waiting.is_empty() {
            let code = if self.failed { 1 } else { 0 };
            self.finish(cx, code);
        }
    }

    fn finish(&mut self, cx: &mut Cx<'_>, code: i32) {
        if !self.running {
            return;
        }
        self.running = false;
        self.exit = Some(code);
        cx.terminal(TerminalOutput::Exited(code));
    }

    /// A response to one of the step's requests.
    fn on_response(&mut self, cx: &mut Cx<'_>, tag: Tag, outcome: &Outcome) {
        if !self.running {
            return;
        }
        let cursor = tag.action as usize;
        let store = cx.store;
        match &self.step.program {
            Program::Apply(items) => {
                let Some(item) = items.get(cursor) else {
                    return;
                };
                let name = item.object.meta().name.clone();
                let line = match &outcome {
                    Outcome::Created(_) | Outcome::Done => {
                        format!("{}/{name} created", item.kind_group)
                    }
                    Outcome::Configured(_) => format!("{}/{name} configured", item.kind_group),
                    Outcome::Unchanged(_) => format!("{}/{name} unchanged", item.kind_group),
                    Outcome::Failed(e) | Outcome::Refused { error: e, .. } => {
                        self.failed = true;
                        api_error(e, Some(&item.source))
                    }
                    Outcome::Deleted(_) | Outcome::Unreachable(_) => String::new(),
                };
                self.print(cx, &line);
                self.advance(cx);
            }
            Program::Create {
                object,
                wrap_create_error,
                ..
            } => {
                let kind = object.kind().unwrap_or(Kind::ConfigMap);
                let name = object.meta().name.clone();
                let line = match &outcome {
                    Outcome::Failed(e) => {
                        self.failed = true;
                        if *wrap_create_error {
                            format!("error: failed to create {}: {}", kind.lower(), e.message)
                        } else {
                            api_error(e, None)
                        }
                    }
                    _ => printed_name(kind, &name, Operation::Created),
                };
                self.print(cx, &line);
                self.advance(cx);
            }
            Program::CreateJobFrom {
                cronjob,
                name,
                namespace,
            } => {
                if !tag.act {
                    let (cj, name, ns) = (cronjob.clone(), name.clone(), namespace.clone());
                    self.create_job_from(cx, tag, (&cj, &name, &ns));
                    return;
                }
                let line = match &outcome {
                    Outcome::Failed(e) => {
                        self.failed = true;
                        format!("error: failed to create job: {}", e.message)
                    }
                    _ => printed_name(Kind::Job, name, Operation::Created),
                };
                self.print(cx, &line);
                self.advance(cx);
            }
            Program::Scale { targets, replicas } => {
                let Some(t) = targets.get(cursor).cloned() else {
                    return;
                };
                if !tag.act {
                    let replicas = *replicas;
                    self.act_on(cx, tag, &t, |target| Op::Scale {
                        target,
                        replicas,
                        annotations: None,
                    });
                } else {
                    let line = match &outcome {
                        Outcome::Failed(e) => {
                            self.failed = true;
                            api_error(e, None)
                        }
                        _ => printed_name(t.kind, &t.name, Operation::Scaled),
                    };
                    self.print(cx, &line);
                    self.advance(cx);
                }
            }
            Program::Delete {
                targets,
                select,
                propagation,
                wait,
            } => {
                let t = match select {
                    Some(sel) if cursor == 0 => {
                        self.selected = select_for_delete(store, sel);
                        if self.selected.is_empty() {
                            self.print(cx, "No resources found");
                        }
                        self.advance(cx);
                        return;
                    }
                    Some(_) => self.selected.get(cursor - 1).cloned(),
                    None => targets.get(cursor).cloned(),
                };
                let Some(t) = t else {
                    return;
                };
                if !tag.act {
                    let propagation = *propagation;
                    self.act_on(cx, tag, &t, |target| Op::Delete {
                        target,
                        uid: store.meta(target).map(|m| m.uid),
                        propagation,
                        grace_seconds: None,
                    });
                } else {
                    match &outcome {
                        Outcome::Deleted(obj) => {
                            let line = deleted(t.kind, &t.name, &t.namespace);
                            self.print(cx, &line);
                            if *wait && store.meta(*obj).is_some() {
                                self.waiting.insert(obj.in_arena());
                                cx.watch_deletion(obj.in_arena());
                            }
                        }
                        Outcome::Failed(e) => {
                            self.failed = true;
                            let line = api_error(e, None);
                            self.print(cx, &line);
                        }
                        _ => {}
                    }
                    self.advance(cx);
                }
            }
            Program::Get(spec) if spec.watch.is_some() => {
                let spec = spec.clone();
                let mode = spec
                    .watch
                    .unwrap_or(crate::kubectl::command::WatchMode::ChangesOnly);
                self.start_watch(cx, &spec, mode);
            }
            Program::Get(spec) => {
                let (text, failed) = render_get(store, cx.now, spec);
                if failed {
                    self.failed = true;
                }
                if !text.is_empty() {
                    self.print(cx, text.trim_end_matches('\n'));
                }
                self.advance(cx);
            }
            Program::Describe(spec) => {
                let (text, failed) =
                    render_describe(cx.store, cx.now, cx.store.events.start_unix(), spec);
                if failed {
                    self.failed = true;
                }
                if !text.is_empty() {
                    self.print(cx, text.trim_end_matches('\n'));
                }
                self.advance(cx);
            }
            Program::Cordon(_) | Program::Drain(_) => self.on_drain_response(cx, tag, outcome),
            // az talks to Azure, not to the API server; a fault happens to the machines.
            Program::Az(_) | Program::Fault(_) => {}
            Program::Label { .. }
            | Program::Patch { .. }
            | Program::Wait { .. }
            | Program::Rollout { .. } => {
                self.on_visit_response(cx, tag, outcome);
            }
        }
    }
}

/// The line kubectl exits with when a request found no server (connection refused) or a
/// read found etcd without a quorum: kubectl gives up on the whole command
/// (`cmdutil.CheckErr`; `StandardErrorMessage` in kubectl/pkg/cmd/util/helpers.go).
fn unavailable(r: &Response<'_>) -> Option<String> {
    match r.outcome {
        Outcome::Unreachable(host) => Some(format!(
            "The connection to the server {host} was refused - did you specify the right host or port?"
        )),
        Outcome::Failed(e) if r.op.is_read() && *e == crate::apiserver::etcd_timeout() => {
            Some(api_error(e, None))
        }
        _ => None,
    }
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

/// The objects a `delete -l`/`--all` LIST returns ([`Visit::select`]), as items to delete.
fn select_for_delete(store: &Store, sel: &Visit) -> Vec<DeleteItem> {
    let namespace = match sel {
        Visit::Selected { namespace, .. } => namespace.clone(),
        Visit::Named(_) => String::new(),
    };
    sel.select(store)
        .into_iter()
        .filter_map(|obj| {
            let m = store.meta(obj)?;
            Some(DeleteItem {
                kind: obj.kind,
                name: m.name.clone(),
                namespace: namespace.clone(),
            })
        })
        .collect()
}

fn resolve(store: &Store, t: &DeleteItem) -> Option<ObjRef> {
    let ns = if t.kind.namespaced() {
        Some(store.find_ns(&t.namespace)?)
    } else {
        None
    };
    let id = store.lookup(t.kind, ns, &t.name)?;
    Some(ObjRef { kind: t.kind, id })
}

/// Renders `kubectl describe` from the store as of now (describe.go `Run`): the objects'
/// texts separated by two blank lines, Events only for a single object unless
/// `--show-events` says otherwise; then the errors.
fn render_describe(
    store: &Store,
    now: SimTime,
    start_unix: i64,
    spec: &DescribeSpec,
) -> (String, bool) {
    let ns_name = spec.namespace.clone().unwrap_or_else(|| "default".into());
    let ns_id = spec.namespace.as_ref().map(|n| store.find_ns(n));
    let listed = |kind: Kind| -> Vec<ObjRef> {
        if kind.namespaced() && matches!(ns_id, Some(None)) {
            return Vec::new();
        }
        let ns = if kind.namespaced() {
            ns_id.flatten()
        } else {
            None
        };
        store
            .list(kind, ns)
            .into_iter()
            .filter(|&id| {
                !matches!(kind, Kind::ReplicaSet | Kind::ReplicationController)
                    || store.rs_kind(id) == kind
            })
            .map(|id| ObjRef { kind, id })
            .filter(|&r| {
                spec.selector
                    .as_ref()
                    .is_none_or(|s| store.meta(r).is_some_and(|m| s.matches(&m.labels)))
            })
            .collect()
    };
    let mut found: Vec<ObjRef> = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    let mut prefix_matched = false;
    for (kind, name) in &spec.items {
        match name {
            None => found.extend(listed(*kind)),
            Some(n) => {
                let item = DeleteItem {
                    kind: *kind,
                    name: n.clone(),
                    namespace: ns_name.clone(),
                };
                match resolve(store, &item) {
                    Some(r) => found.push(r),
                    None if spec.prefix_fallback => {
                        let matches: Vec<ObjRef> = listed(*kind)
                            .into_iter()
                            .filter(|r| {
                                store
                                    .meta(*r)
                                    .is_some_and(|m| m.name.starts_with(n.as_str()))
                            })
                            .collect();
                        if matches.is_empty() {
                            errors.push(api_error(&ApiError::not_found(*kind, n), None));
                        } else {
                            prefix_matched = true;
                            found.extend(matches);
                        }
                    }
                    None => errors.push(api_error(&ApiError::not_found(*kind, n), None)),
                }
            }
        }
    }
    // An error or several objects turn events off unless --show-events was given.
    let show_events = spec
        .show_events
        .unwrap_or(found.len() <= 1 && errors.is_empty() && !prefix_matched);
    let view = crate::kubectl::describe::View {
        store,
        now,
        start_unix,
        show_events,
    };
    let mut out = String::new();
    for (i, r) in found.iter().enumerate() {
        let Some(text) = crate::kubectl::describe::describe(&view, *r) else {
            continue;
        };
        if prefix_matched {
            // DescribeMatchingResources prints each text followed by a newline.
            out.push_str(&text);
            out.push('\n');
        } else if i == 0 {
            out.push_str(&text);
        } else {
            out.push_str("\n\n");
            out.push_str(&text);
        }
    }
    let failed = !errors.is_empty();
    for e in errors {
        out.push_str(&e);
        out.push('\n');
    }
    if found.is_empty() && !failed {
        let ns = spec.namespace.as_deref();
        out.push_str(&no_resources_message(ns));
        out.push('\n');
    }
    (out, failed)
}

/// Renders `kubectl get` from the store as of now.
fn render_get(store: &Store, now: SimTime, spec: &GetSpec) -> (String, bool) {
    let mut out = String::new();
    let mut failed = false;
    let multiple_kinds = {
        let mut kinds: Vec<Kind> = spec.items.iter().map(|(k, _)| *k).collect();
        kinds.dedup();
        kinds.len() > 1
    };
    let ns_id = spec.namespace.as_ref().map(|n| store.find_ns(n));
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
            // `-n` naming a namespace that was never created lists nothing.
            let missing_ns = kind.namespaced() && matches!(ns_id, Some(None));
            if kind == Kind::Event || missing_ns {
                Vec::new()
            } else {
                let ns = if kind.namespaced() {
                    ns_id.flatten()
                } else {
                    None
                };
                let mut ids = store.list(kind, ns);
                if kind == Kind::ReplicaSet || kind == Kind::ReplicationController {
                    ids.retain(|id| store.rs_kind(*id) == kind);
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
                        store,
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
            // No sort in kubectl: the API server lists by storage key (`<ns>/<name>`).
            for e in store.events.list(spec.namespace.as_deref(), now) {
                table.push(print::event_row(store, e, now));
                rows += 1;
            }
        }
        for id in ids.into_iter().flatten() {
            let Some((row, labels, _)) = print::row(store, kind, id, now) else {
                continue;
            };
            if spec.selector.as_ref().is_some_and(|s| !s.matches(&labels)) {
                continue;
            }
            if spec.name_only {
                let name = store
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apiserver::testing::Harness;
    use crate::component::ComponentId;
    use crate::component::ctx::testing::{Recorder, run};
    use crate::etcd::store::testing as fx;
    use crate::model::workload::IntOrPercent;

    pub(super) const ME: ComponentId = ComponentId::terminal(0);

    fn step(command: &str, program: Program) -> Terminal {
        Terminal::new(PreparedStep {
            index: 0,
            at: SimTime::ZERO,
            id: None,
            command: command.to_string(),
            stop_after: None,
            program,
            warnings: Vec::new(),
        })
    }

    fn target(kind: Kind, name: &str) -> DeleteItem {
        DeleteItem {
            kind,
            name: name.to_string(),
            namespace: "default".to_string(),
        }
    }

    pub(super) fn start(t: &mut Terminal, h: &Harness) -> Recorder<Terminal> {
        run(
            t,
            &h.store,
            &mut crate::aks::fleet::testing::azure(),
            ME,
            SimTime::ZERO,
            |t, cx| Component::on_timer(t, cx, Timer::Start),
        )
    }

    /// Commits what the terminal sent and hands it the responses (kubectl talks to the API
    /// server only; its Azure is never read).
    pub(super) fn reply(
        h: &mut Harness,
        t: &mut Terminal,
        at: SimTime,
        sent: &Recorder<Terminal>,
    ) -> Recorder<Terminal> {
        h.answer(t, &mut crate::aks::fleet::testing::azure(), ME, at, sent)
    }

    fn lines(r: &Recorder<Terminal>) -> Vec<TerminalOutput> {
        r.terminal().into_iter().cloned().collect()
    }

    fn setup() -> Harness {
        let mut h = Harness::default();
        let ns = fx::namespace(&mut h.store, "default");
        fx::deployment(
            &mut h.store,
            "web",
            ns,
            1,
            fx::rolling(IntOrPercent::Percent(25), IntOrPercent::Percent(25)),
        );
        h
    }

    #[test]
    fn scale_reads_then_scales_then_prints_the_name() {
        // kubectl scale: the resource builder GETs the object, then the scale subresource
        // is updated; the name printer writes `<kind>.<group>/<name> scaled`.
        let mut h = setup();
        let scale = Program::Scale {
            targets: vec![target(Kind::Deployment, "web")],
            replicas: 3,
        };
        let mut t = step("kubectl scale deployment web --replicas=3", scale);
        let first = start(&mut t, &h);
        assert_eq!(
            lines(&first),
            vec![TerminalOutput::Started(
                "kubectl scale deployment web --replicas=3".into()
            )]
        );
        assert!(matches!(
            first.requests()[..],
            [(
                Op::Read,
                Tag {
                    action: 0,
                    act: false
                }
            )]
        ));
        let second = reply(&mut h, &mut t, SimTime(100), &first);
        let d = h
            .store
            .lookup(Kind::Deployment, h.store.find_ns("default"), "web");
        assert!(matches!(
            second.requests()[..],
            [(Op::Scale { target, replicas: 3, annotations: None }, Tag { action: 0, act: true })]
                if Some(target.id) == d && target.kind == Kind::Deployment
        ));
        assert!(
            lines(&second).is_empty(),
            "nothing printed before the write returns"
        );
        let third = reply(&mut h, &mut t, SimTime(200), &second);
        assert_eq!(
            lines(&third),
            vec![
                TerminalOutput::Line("deployment.apps/web scaled".into()),
                TerminalOutput::Exited(0)
            ]
        );
        assert_eq!(t.exit_code(), Some(0));
        assert_eq!(
            h.store.deployments.get(d.unwrap()).unwrap().spec.replicas,
            3
        );
    }

    #[test]
    fn scaling_a_missing_deployment_prints_not_found_and_exits_1() {
        // apimachinery errors.NewNotFound: `deployments.apps "x" not found`; kubectl's
        // CheckErr prints `Error from server (NotFound): <message>` and exits 1.
        let mut h = setup();
        let scale = Program::Scale {
            targets: vec![target(Kind::Deployment, "x")],
            replicas: 3,
        };
        let mut t = step("kubectl scale deployment x --replicas=3", scale);
        let first = start(&mut t, &h);
        let second = reply(&mut h, &mut t, SimTime(100), &first);
        assert!(
            second.requests().is_empty(),
            "no write after the failed lookup"
        );
        assert_eq!(
            lines(&second),
            vec![
                TerminalOutput::Line(
                    r#"Error from server (NotFound): deployments.apps "x" not found"#.into()
                ),
                TerminalOutput::Exited(1)
            ]
        );
        assert_eq!(t.exit_code(), Some(1));
    }

    #[test]
    fn delete_waits_for_a_graceful_pod_to_go() {
        // kubectl delete (--wait=true by default) prints `pod "web" deleted from default
        // namespace` (kubectl ≥ 1.34) and returns only once the object is gone.
        let mut h = setup();
        let (_, _, pod) = fx::bound_pod(&mut h.store, "web");
        let delete = Program::Delete {
            targets: vec![target(Kind::Pod, "web")],
            select: None,
            propagation: Propagation::Background,
            wait: true,
        };
        let mut t = step("kubectl delete pod web", delete);
        let first = start(&mut t, &h);
        let second = reply(&mut h, &mut t, SimTime(100), &first);
        let third = reply(&mut h, &mut t, SimTime(200), &second);
        let obj = ObjRef {
            kind: Kind::Pod,
            id: pod,
        };
        assert_eq!(
            lines(&third),
            vec![TerminalOutput::Line(
                r#"pod "web" deleted from default namespace"#.into()
            )]
        );
        assert!(third.effects.iter().any(
            |e| matches!(e, crate::component::ctx::testing::Effect::WatchDeletion(o) if *o == obj)
        ));
        assert!(t.is_running(), "still waiting for the kubelet");
        let gone = run(
            &mut t,
            &h.store,
            &mut crate::aks::fleet::testing::azure(),
            ME,
            SimTime(300),
            |t, cx| {
                t.observe(
                    cx,
                    Notice {
                        obj,
                        change: crate::component::Change::Deleted,
                        controller: None,
                    },
                )
            },
        );
        assert_eq!(lines(&gone), vec![TerminalOutput::Exited(0)]);
    }
}

#[cfg(test)]
pub(crate) mod clone_count {
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
        let mut w = crate::cluster::test_world(&text);
        let before = ITEM_CLONES.with(Cell::get);
        w.run();
        let clones = ITEM_CLONES.with(Cell::get) - before;
        assert_eq!(w.terminals[0].exit_code(), Some(0), "every object applied");
        assert_eq!(w.terminals[1].exit_code(), Some(0), "every object deleted");
        // Only the root CA publisher's kube-root-ca.crt in each namespace is left.
        assert!(
            w.store
                .configmaps
                .iter()
                .all(|(_, c)| c.meta.name == "kube-root-ca.crt")
        );
        // One clone per deletion's GET response and one per DELETE response; none per apply.
        assert!(
            clones <= 2 * N,
            "{clones} item clones for {N} + {N} objects"
        );
    }
}
