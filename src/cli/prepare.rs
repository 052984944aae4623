//! Everything checked before virtual time starts (docs/outputs.md): the scenario, its cluster,
//! timing overrides, every step's command line, every manifest file a step names and every
//! inline manifest. Problems are collected per source file so each renders against its own
//! text.

use crate::aks::cluster::{ClusterPlan, plan};
use crate::apiserver::Propagation;
use crate::diag::{Problem, Span};
use crate::kubectl::command::{
    self, Cascade, Command, DeleteTarget, ManifestSource, OutputFormat, Selection, Targets,
};
use crate::kubectl::exec::{
    ApplyItem, DeleteItem, DescribeSpec, GetSpec, PreparedStep, Program, Visit,
};
use crate::kubectl::words;
use crate::manifest::{Document, extract::extract, read_manifests};
use crate::model::labels::Selector;
use crate::scenario::spec::{Scenario, StepAction};
use crate::sim::time::{SimDuration, SimTime};
use crate::sim::timing::Timings;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Problems found in one file.
#[derive(Debug)]
pub struct FileProblems {
    /// The file as the user named it.
    pub path: PathBuf,
    /// Its text (empty if it could not be read).
    pub text: String,
    /// What is wrong.
    pub problems: Vec<Problem>,
}

/// A scenario ready to run.
#[derive(Debug)]
pub struct Prepared {
    /// The scenario.
    pub scenario: Scenario,
    /// The cluster.
    pub plan: ClusterPlan,
    /// Latency distributions with the scenario's overrides.
    pub timings: Timings,
    /// The steps.
    pub steps: Vec<PreparedStep>,
    /// Warnings (stored-but-not-simulated kinds), printed to stderr.
    pub warnings: Vec<String>,
}

impl Prepared {
    /// What the run is built from.
    pub fn into_run_plan(self) -> crate::cluster::RunPlan {
        crate::cluster::RunPlan {
            scenario: self.scenario,
            cluster: self.plan,
            timings: self.timings,
            steps: self.steps,
        }
    }
}

/// Everything wrong with a scenario, by file.
#[derive(Debug, Default)]
pub struct BadInput {
    /// Per-file problems, scenario first.
    pub files: Vec<FileProblems>,
    /// Warnings found on the way.
    pub warnings: Vec<String>,
}

impl BadInput {
    /// Renders every problem as `file:line:col: error: …` with the offending line.
    pub fn render(&self) -> String {
        self.files
            .iter()
            .map(|f| crate::diag::render(&f.path.display().to_string(), &f.text, &f.problems))
            .collect()
    }
}

struct Ctx<'a> {
    dir: &'a Path,
    bad: BadInput,
    warned: BTreeSet<String>,
    /// The control plane `kubesim etcd|apiserver` steps must name members of.
    control_plane: crate::scenario::spec::ControlPlaneSpec,
}

impl Ctx<'_> {
    fn scenario_problem(&mut self, p: Problem) {
        self.bad.files[0].problems.push(p);
    }

    /// A problem with a step's command line, the caret under `word` when it is on the line.
    fn step_problem(&mut self, step: &StepAt, word: Option<&str>, message: impl Into<String>) {
        let span = match word {
            Some(w) => step.span.narrow_to(&self.bad.files[0].text, w),
            None => step.span,
        };
        // kubectl's `error: ` prefix: the diagnostic's headline already says it.
        let message = message.into();
        let message = message.strip_prefix("error: ").unwrap_or(&message);
        self.scenario_problem(Problem::new(span, step.path.clone(), message));
    }

    fn file(&mut self, path: PathBuf, text: String, problems: Vec<Problem>) {
        if !problems.is_empty() {
            self.bad.files.push(FileProblems {
                path,
                text,
                problems,
            });
        }
    }
}

/// Checks a loaded scenario and everything it names.
pub fn prepare(scenario: Scenario) -> Result<Prepared, BadInput> {
    let dir = scenario
        .source
        .path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut ctx = Ctx {
        dir: &dir,
        bad: BadInput {
            files: vec![FileProblems {
                path: scenario.source.path.clone(),
                text: scenario.source.text.clone(),
                problems: Vec::new(),
            }],
            warnings: Vec::new(),
        },
        warned: BTreeSet::new(),
        control_plane: scenario.cluster.control_plane,
    };
    let first = Span {
        offset: 0,
        len: 0,
        line: 1,
        col: 1,
    };
    let plan = match plan(&scenario.cluster, first) {
        Ok(p) => Some(p),
        Err(ps) => {
            ps.into_iter().for_each(|p| ctx.scenario_problem(p));
            None
        }
    };
    let mut timings = Timings::defaults();
    // --node-monitor-grace-period was 40 s before Kubernetes 1.32 (PR #126287 made it 50 s);
    // the scenario's own `timing:` still overrides it.
    if crate::aks::node_info::LTS_ONLY_VERSIONS
        .contains(&scenario.cluster.kubernetes_version.as_str())
        && scenario.cluster.tier != crate::scenario::Tier::Premium
    {
        ctx.bad.warnings.push(format!(
            "warning: Kubernetes {} is past AKS community support; AKS creates it only with Long Term Support (tier premium, support plan AKSLongTermSupport). kubesim simulates it on tier {}.",
            scenario.cluster.kubernetes_version,
            scenario.cluster.tier.as_str()
        ));
    }
    if scenario.cluster.kubernetes_minor() < (1, 32) {
        timings.set(
            crate::sim::timing::TimingName::NodeLifecycleMonitorGracePeriod,
            crate::sim::timing::Distribution::Constant(40_000_000),
        );
    }
    if let Some(t) = &scenario.timing {
        for p in crate::scenario::timing::apply_overrides(&mut timings, t) {
            ctx.scenario_problem(p);
        }
    }
    let mut steps = Vec::new();
    for step in &scenario.steps {
        let (command_text, program, warnings) = match &step.action {
            StepAction::Run { line, span } => {
                let at = StepAt {
                    span: *span,
                    path: format!("steps[{}].run", step.index),
                };
                match prepare_run(&mut ctx, line, &at) {
                    Some((p, w)) => (line.trim().to_string(), p, w),
                    None => continue,
                }
            }
            StepAction::Apply { text, span, map } => {
                let (docs, problems) = read_manifests(text);
                let mut mapped: Vec<Problem> = problems
                    .into_iter()
                    .map(|mut p| {
                        p.span = map.to_scenario(p.span);
                        p.message = scenario_lines(&p.message, |l| map.scenario_line(l));
                        p
                    })
                    .collect();
                let items = apply_items(&mut ctx, docs, None, "STDIN", &mut mapped, &|s| {
                    map.to_scenario(s)
                });
                if items.is_empty() && mapped.is_empty() {
                    // kubectl apply.go: `error: no objects passed to apply`.
                    mapped.push(Problem::new(
                        *span,
                        format!("steps[{}].apply", step.index),
                        "no objects passed to apply",
                    ));
                }
                let ok = mapped.is_empty();
                mapped.into_iter().for_each(|p| ctx.scenario_problem(p));
                if !ok {
                    continue;
                }
                (
                    "kubectl apply -f -".to_string(),
                    Program::Apply(items),
                    Vec::new(),
                )
            }
        };
        steps.push(PreparedStep {
            index: step.index as u32,
            at: SimTime(step.at_us),
            id: step.id.clone(),
            command: command_text,
            stop_after: step.stop_after_us.map(SimDuration),
            program,
            warnings,
        });
    }
    let has_problems = ctx.bad.files.iter().any(|f| !f.problems.is_empty());
    let warnings = std::mem::take(&mut ctx.bad.warnings);
    match (has_problems, plan) {
        (false, Some(plan)) => Ok(Prepared {
            scenario,
            plan,
            timings,
            steps,
            warnings,
        }),
        _ => {
            ctx.bad.files.retain(|f| !f.problems.is_empty());
            ctx.bad.warnings = warnings;
            Err(ctx.bad)
        }
    }
}

/// Where a `run:` step is written, for its problems.
struct StepAt {
    /// The command line's scalar.
    span: Span,
    /// `steps[i].run`.
    path: String,
}

fn prepare_run(ctx: &mut Ctx<'_>, line: &str, step: &StepAt) -> Option<(Program, Vec<String>)> {
    let words = match words::split(line) {
        Ok(w) => w,
        Err(e) => {
            ctx.step_problem(step, None, e);
            return None;
        }
    };
    if words.first().is_some_and(|w| w == "az") {
        return match crate::aks::az::parse(&words) {
            Ok(cmd) => Some((Program::Az(cmd), Vec::new())),
            Err(e) => {
                // The caret goes under the first unrecognized word, as for kubectl's flags.
                let culprit = e
                    .strip_prefix("unrecognized arguments: ")
                    .and_then(|rest| rest.split(' ').next());
                ctx.step_problem(step, culprit, format!("ERROR: {e}"));
                None
            }
        };
    }
    if words.first().is_some_and(|w| w == "kubesim") {
        let cp = ctx.control_plane;
        let checked = crate::fault::parse(&words).and_then(|cmd| {
            match cmd.control_plane(cp.etcd_members, cp.api_servers) {
                Some(Err(e)) => Err(e),
                _ => Ok(cmd),
            }
        });
        return match checked {
            Ok(cmd) => Some((Program::Fault(cmd), Vec::new())),
            Err(e) => {
                ctx.step_problem(step, None, e);
                None
            }
        };
    }
    let cmd = match command::parse(&words) {
        Ok(c) => c,
        Err(e) => {
            let span = match culprit(&e, &words) {
                Some(w) => step.span.narrow_to(&ctx.bad.files[0].text, w),
                None => step.span,
            };
            let p = Problem::new(span, step.path.clone(), e.headline());
            ctx.scenario_problem(match e.hint() {
                Some(h) => p.with_help(h),
                None => p,
            });
            return None;
        }
    };
    let ns_or_default = |ns: &Option<String>| ns.clone().unwrap_or_else(|| "default".to_string());
    let bad = |ctx: &mut Ctx<'_>, msg: String| {
        ctx.step_problem(step, None, msg);
        None
    };
    match cmd {
        Command::Apply(a) => {
            let mut items = Vec::new();
            let mut failed = false;
            for src in &a.files {
                match src {
                    ManifestSource::Stdin => return bad(ctx, "`-f -` reads stdin, which a `run:` step does not have; use an `apply: |` step".into()),
                    ManifestSource::Path(p) => {
                        let Some(docs) = load_files(ctx, p, step) else {
                            failed = true;
                            continue;
                        };
                        for (file, text, docs) in docs {
                            let mut problems = Vec::new();
                            let found = apply_items(ctx, docs, a.namespace.clone(), &file, &mut problems, &|s| s);
                            if problems.is_empty() {
                                items.extend(found);
                            } else {
                                let path = ctx.dir.join(&file);
                                ctx.file(path, text, problems);
                                failed = true;
                            }
                        }
                    }
                }
            }
            // Every file is checked before giving up, so all their problems are reported.
            if failed {
                return None;
            }
            Some((Program::Apply(items), Vec::new()))
        }
        Command::Delete(d) => {
            let namespace = ns_or_default(&d.namespace);
            let mut targets = Vec::new();
            let mut select = None;
            match d.target {
                DeleteTarget::Objects(objs) => {
                    targets.extend(objs.into_iter().map(|o| DeleteItem {
                        kind: o.kind,
                        name: o.name,
                        namespace: namespace.clone(),
                    }));
                }
                DeleteTarget::Selected { kinds, selector } => {
                    let selector = step_selector(ctx, step, selector.as_deref())?;
                    select = Some(Visit::Selected {
                        kinds,
                        namespace: namespace.clone(),
                        selector,
                    });
                }
                DeleteTarget::Files(files) => {
                    for src in files {
                        let ManifestSource::Path(p) = src else {
                            return bad(
                                ctx,
                                "`-f -` needs stdin, which a `run:` step does not have".into(),
                            );
                        };
                        for (_, _, docs) in load_files(ctx, &p, step)? {
                            for doc in docs {
                                let Some(kind) = doc.info.simulated else {
                                    continue;
                                };
                                let name = doc.name.clone().unwrap_or_default();
                                let ns = doc.namespace.clone().unwrap_or_else(|| namespace.clone());
                                targets.push(DeleteItem {
                                    kind,
                                    name,
                                    namespace: ns,
                                });
                            }
                        }
                    }
                }
            }
            let propagation = match d.cascade {
                Cascade::Background => Propagation::Background,
                Cascade::Foreground => Propagation::Foreground,
                Cascade::Orphan => Propagation::Orphan,
            };
            Some((
                Program::Delete {
                    targets,
                    select,
                    propagation,
                    wait: d.wait,
                },
                d.warnings,
            ))
        }
        Command::Run(r) => {
            let labels = r
                .labels
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",");
            let restart = match r.restart {
                command::RestartPolicy::Always => crate::model::pod::RestartPolicy::Always,
                command::RestartPolicy::OnFailure => crate::model::pod::RestartPolicy::OnFailure,
                command::RestartPolicy::Never => crate::model::pod::RestartPolicy::Never,
            };
            match crate::manifest::extract::run_pod(
                &r.name,
                &r.image,
                Some(&labels),
                r.port.map(i32::from),
                restart,
            ) {
                Ok(object) => Some((
                    Program::Create {
                        object: Box::new(object),
                        namespace: Some(ns_or_default(&r.namespace)),
                        wrap_create_error: false,
                    },
                    Vec::new(),
                )),
                Err(e) => bad(ctx, e),
            }
        }
        Command::CreateNamespace(c) => {
            let object = match crate::manifest::extract::create_namespace(&c.name) {
                Ok(o) => o,
                Err(e) => return bad(ctx, e),
            };
            Some((
                Program::Create {
                    object: Box::new(object),
                    namespace: None,
                    wrap_create_error: false,
                },
                Vec::new(),
            ))
        }
        Command::CreateDeployment(c) => {
            let image = c.images.first().cloned().unwrap_or_default();
            let object =
                crate::manifest::extract::create_deployment(&c.name, &image, c.replicas, c.port);
            wrapped_create(object, &c.namespace).unwrap_or_else(|e| bad(ctx, e))
        }
        Command::CreateJob(command::CreateJob {
            name,
            from: Some(cronjob),
            namespace,
            ..
        }) => Some((
            Program::CreateJobFrom {
                cronjob,
                name,
                namespace: ns_or_default(&namespace),
            },
            Vec::new(),
        )),
        Command::CreateJob(c) => {
            let object = crate::manifest::extract::create_job(&c.name, &c.image, &c.command);
            wrapped_create(object, &c.namespace).unwrap_or_else(|e| bad(ctx, e))
        }
        Command::Scale(s) => {
            let namespace = ns_or_default(&s.namespace);
            let Ok(replicas) = i32::try_from(s.replicas) else {
                return bad(ctx, format!("invalid --replicas value {}", s.replicas));
            };
            let targets = s
                .targets
                .into_iter()
                .map(|o| DeleteItem {
                    kind: o.kind,
                    name: o.name,
                    namespace: namespace.clone(),
                })
                .collect();
            Some((Program::Scale { targets, replicas }, Vec::new()))
        }
        Command::Describe(d) => {
            let selector = step_selector(ctx, step, d.selector.as_deref())?;
            let (items, names) = match d.selection {
                Selection::Kinds(kinds) => (kinds.into_iter().map(|k| (k, None)).collect(), false),
                Selection::Objects(objs) => (
                    objs.into_iter().map(|o| (o.kind, Some(o.name))).collect(),
                    true,
                ),
            };
            let namespace = if d.all_namespaces {
                None
            } else {
                Some(ns_or_default(&d.namespace))
            };
            Some((
                Program::Describe(DescribeSpec {
                    items,
                    namespace,
                    selector,
                    show_events: d.show_events,
                    prefix_fallback: d.prefix_fallback && names,
                }),
                Vec::new(),
            ))
        }
        Command::Label(l) => {
            let visit = visit_of(ctx, step, &l.targets, &l.namespace)?;
            Some((
                Program::Label {
                    spec: Box::new(l),
                    visit,
                },
                Vec::new(),
            ))
        }
        Command::Patch(p) => {
            let targets = Targets::Named(p.targets);
            let visit = visit_of(ctx, step, &targets, &p.namespace)?;
            Some((
                Program::Patch {
                    patch: p.patch,
                    visit,
                },
                Vec::new(),
            ))
        }
        Command::Rollout(r) => {
            let targets = Targets::Named(vec![r.target.clone()]);
            let visit = visit_of(ctx, step, &targets, &r.namespace)?;
            Some((
                Program::Rollout {
                    spec: Box::new(r),
                    visit,
                },
                Vec::new(),
            ))
        }
        Command::Cordon(c) => Some((Program::Cordon(c), Vec::new())),
        Command::Drain(d) => Some((Program::Drain(Box::new(d)), Vec::new())),
        Command::Wait(w) => {
            let visit = visit_of(ctx, step, &w.targets, &w.namespace)?;
            Some((
                Program::Wait {
                    spec: Box::new(w),
                    visit,
                },
                Vec::new(),
            ))
        }
        Command::Get(g) => {
            let selector = step_selector(ctx, step, g.selector.as_deref())?;
            let items = match g.selection {
                Selection::Kinds(kinds) => kinds.into_iter().map(|k| (k, None)).collect(),
                Selection::Objects(objs) => {
                    objs.into_iter().map(|o| (o.kind, Some(o.name))).collect()
                }
            };
            let namespace = if g.all_namespaces {
                None
            } else {
                Some(ns_or_default(&g.namespace))
            };
            Some((
                Program::Get(GetSpec {
                    items,
                    namespace,
                    wide: g.output == OutputFormat::Wide,
                    name_only: g.output == OutputFormat::Name,
                    selector,
                    show_labels: g.show_labels,
                    watch: g.watch,
                }),
                Vec::new(),
            ))
        }
    }
}

/// A step's `-l` parsed, or its problem reported (the outer None).
/// The program of `kubectl create deployment|job` (whose API errors kubectl wraps), or the
/// 422 text of an object the API server would refuse.
fn wrapped_create(
    object: Result<crate::model::object::NewObject, String>,
    namespace: &Option<String>,
) -> Result<Option<(Program, Vec<String>)>, String> {
    Ok(Some((
        Program::Create {
            object: Box::new(object?),
            namespace: Some(namespace.clone().unwrap_or_else(|| "default".to_string())),
            wrap_create_error: true,
        },
        Vec::new(),
    )))
}

fn step_selector(
    ctx: &mut Ctx<'_>,
    step: &StepAt,
    selector: Option<&str>,
) -> Option<Option<Selector>> {
    let Some(s) = selector else {
        return Some(None);
    };
    match Selector::parse(s) {
        Ok(sel) => Some(Some(sel)),
        Err(e) => {
            ctx.step_problem(step, Some(s), e.to_string());
            None
        }
    }
}

/// The objects a visiting command names, with its selector parsed.
fn visit_of(
    ctx: &mut Ctx<'_>,
    step: &StepAt,
    targets: &Targets,
    namespace: &Option<String>,
) -> Option<Visit> {
    let namespace = namespace.clone().unwrap_or_else(|| "default".to_string());
    Some(match targets {
        Targets::Named(objs) => Visit::Named(
            objs.iter()
                .map(|o| DeleteItem {
                    kind: o.kind,
                    name: o.name.clone(),
                    namespace: namespace.clone(),
                })
                .collect(),
        ),
        Targets::Selected { kinds, selector } => {
            let selector = step_selector(ctx, step, selector.as_deref())?;
            Visit::Selected {
                kinds: kinds.clone(),
                namespace,
                selector,
            }
        }
    })
}

type LoadedFile = (String, String, Vec<Document>);

/// Reads `-f PATH` (a file, or a folder's .yaml/.yml/.json files sorted by name).
fn load_files(ctx: &mut Ctx<'_>, p: &str, step: &StepAt) -> Option<Vec<LoadedFile>> {
    let full = ctx.dir.join(p);
    let files: Vec<(String, PathBuf)> = if full.is_dir() {
        let mut v: Vec<(String, PathBuf)> = match std::fs::read_dir(&full) {
            Ok(rd) => rd
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|f| {
                    f.extension()
                        .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
                })
                .map(|f| {
                    (
                        Path::new(p)
                            .join(f.file_name().unwrap_or_default())
                            .display()
                            .to_string(),
                        f,
                    )
                })
                .collect(),
            Err(e) => {
                ctx.step_problem(step, Some(p), format!("cannot read {p:?}: {e}"));
                return None;
            }
        };
        v.sort();
        v
    } else {
        vec![(p.to_string(), full)]
    };
    let mut out = Vec::new();
    let mut failed = false;
    for (name, path) in files {
        let text = match crate::manifest::yaml::read_file(&path, &Default::default()) {
            Ok(t) => t,
            Err(e) => {
                // kubectl (cli-runtime builder.go): `the path "x" does not exist`; a named
                // pipe or a device is refused rather than read.
                let msg = crate::manifest::yaml::path_problem(&name, &e)
                    .unwrap_or_else(|| format!("cannot read {name:?}: {e}"));
                ctx.step_problem(step, Some(p), msg);
                failed = true;
                continue;
            }
        };
        let (docs, problems) = read_manifests(&text);
        if !problems.is_empty() {
            ctx.file(ctx.dir.join(&name), text, problems);
            failed = true;
            continue;
        }
        out.push((name, text, docs));
    }
    if failed { None } else { Some(out) }
}

fn apply_items(
    ctx: &mut Ctx<'_>,
    docs: Vec<Document>,
    flag_ns: Option<String>,
    source: &str,
    problems: &mut Vec<Problem>,
    map: &dyn Fn(Span) -> Span,
) -> Vec<ApplyItem> {
    let mut items = Vec::new();
    for doc in docs {
        let span = map(doc.node.span);
        if let (Some(doc_ns), Some(flag)) = (&doc.namespace, &flag_ns)
            && doc_ns != flag
        {
            problems.push(Problem::new(
                span,
                "metadata.namespace",
                format!("the namespace from the provided object {doc_ns:?} does not match the namespace {flag:?}. You must pass '--namespace={doc_ns}' to perform this operation."),
            ));
            continue;
        }
        if doc.info.simulated.is_none() && ctx.warned.insert(doc.info.kind.to_string()) {
            ctx.bad.warnings.push(format!(
                "warning: {} {:?} is stored but not simulated by this version of kubesim",
                doc.info.kind,
                doc.name.clone().unwrap_or_default()
            ));
        }
        let namespace = if doc.info.namespaced {
            Some(
                doc.namespace
                    .clone()
                    .or(flag_ns.clone())
                    .unwrap_or_else(|| "default".into()),
            )
        } else {
            None
        };
        let kind_group = if doc.info.group.is_empty() {
            doc.info.kind.to_ascii_lowercase()
        } else {
            format!("{}.{}", doc.info.kind.to_ascii_lowercase(), doc.info.group)
        };
        match extract(&doc) {
            Ok(object) => items.push(ApplyItem {
                object,
                namespace,
                source: source.to_string(),
                kind_group,
            }),
            Err(ps) => problems.extend(ps.into_iter().map(|mut p| {
                p.span = map(p.span);
                p
            })),
        }
    }
    items
}

/// The word of a rejected command line the error is about (the unknown command, the flag,
/// the value), found by looking for each word, or its `--flag` part, as a whole token of the
/// message.
fn culprit<'w>(err: &command::CommandError, words: &'w [String]) -> Option<&'w str> {
    match err {
        command::CommandError::NotKubectl { program } => {
            return words.iter().find(|w| *w == program).map(String::as_str);
        }
        command::CommandError::UnknownCommand { name, .. } => {
            return words.iter().find(|w| *w == name).map(String::as_str);
        }
        _ => {}
    }
    let message = err.headline();
    words.iter().skip(1).find_map(|w| {
        let flag = w.split_once('=').map_or(w.as_str(), |(f, _)| f);
        [w.as_str(), flag]
            .into_iter()
            .find(|c| contains_token(&message, c))
    })
}

/// `needle` occurs in `text` not as part of a longer word.
fn contains_token(text: &str, needle: &str) -> bool {
    let word_char = |c: char| c.is_alphanumeric() || "-_./=".contains(c);
    !needle.is_empty()
        && text.match_indices(needle).any(|(i, _)| {
            let before = text[..i].chars().next_back();
            let after = text[i + needle.len()..].chars().next();
            !before.is_some_and(word_char) && !after.is_some_and(word_char)
        })
}

/// Go's YAML messages name lines of the text they parsed (`yaml: line 2: …`, `first set at
/// line 1`); for an inline manifest those become the scenario file's lines, the ones the
/// diagnostic's headline shows.
fn scenario_lines(message: &str, to_scenario: impl Fn(u32) -> u32) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find("line ") {
        let (head, tail) = rest.split_at(i + "line ".len());
        out.push_str(head);
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        let names_a_line = head.ends_with("yaml: line ") || head.ends_with("at line ");
        match tail[..digits].parse::<u32>() {
            Ok(n) if names_a_line => out.push_str(&to_scenario(n).to_string()),
            _ => out.push_str(&tail[..digits]),
        }
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_yaml_line_numbers_become_scenario_lines() {
        let to_scenario = |l: u32| l + 10;
        assert_eq!(
            scenario_lines("yaml: line 2: mapping values are not allowed", to_scenario),
            "yaml: line 12: mapping values are not allowed"
        );
        assert_eq!(
            scenario_lines(
                "yaml: key \"a\" already set in map (first set at line 1)",
                to_scenario
            ),
            "yaml: key \"a\" already set in map (first set at line 11)"
        );
        assert_eq!(
            scenario_lines("a line 3 of prose", to_scenario),
            "a line 3 of prose"
        );
    }

    fn words(line: &str) -> Vec<String> {
        words::split(line).expect("words")
    }

    #[test]
    fn the_caret_goes_under_the_word_an_error_is_about() {
        let cases = [
            ("kubectl get pods --colour", Some("--colour")),
            ("kubectl frobnicate pods", Some("frobnicate")),
            ("helm install x", Some("helm")),
            (
                "kubectl scale deployment/x --replicas=abc",
                Some("--replicas"),
            ),
        ];
        for (line, want) in cases {
            let w = words(line);
            let err = command::parse(&w).expect_err(line);
            assert_eq!(culprit(&err, &w), want, "{line}: {err}");
        }
    }
}
