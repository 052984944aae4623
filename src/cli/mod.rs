//! The command line: `kubesim run`, `kubesim validate`, `kubesim timings`, `kubesim sweep`.
//!
//! Two stages, as ripgrep does it: clap's raw values, then a checked scenario
//! ([`prepare`]). Exit codes: 0 the run completed and every expectation held, 1 an
//! expectation failed, 2 bad input or an error that stopped the run (docs/outputs.md), 130 and
//! 143 a run stopped by SIGINT or SIGTERM (its files whole, summary.json saying so).

pub mod prepare;
pub mod progress;
pub mod sweep;

use crate::cluster::World;
use crate::diag::{Problem, Span};
use crate::output::{OutputSet, Outputs};
use crate::sim::stop::{Interrupt, StopReason};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// kubesim replays a scenario — an AKS cluster, real Kubernetes manifests and a timeline of
/// kubectl commands — in virtual time, deterministically, and writes what happened.
#[derive(Parser, Debug)]
#[command(
    name = "kubesim",
    version,
    after_help = "Start with: kubesim run scenarios/quickstart.yaml\nThen read results/quickstart/transcript.txt, events.csv, timeline.csv and summary.json."
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Cmd,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Run a scenario and write events.csv, timeline.csv, transcript.txt and summary.json.
    ///
    /// Ctrl-C (SIGINT) or SIGTERM stops the run at the end of the current instant: the files
    /// are left whole and summary.json says `"completed": false` (exit 130 or 143).
    ///
    /// Example: kubesim run scenarios/quickstart.yaml
    Run {
        /// The scenario file (YAML; see README.md "Scenario format").
        scenario: PathBuf,
        /// Override the scenario's seed (same seed, same output, byte for byte).
        #[arg(long)]
        seed: Option<u64>,
        /// Output folder [default: results/<scenario name>/].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print nothing on stdout; errors and failed expectations still go to stderr.
        #[arg(long, short)]
        quiet: bool,
        /// Which files to write (summary.json is always written).
        #[arg(long, default_value = "events,timeline,transcript,summary")]
        outputs: String,
        /// Check the simulator's invariants after every event (slower; for debugging).
        #[arg(long)]
        check_invariants: bool,
        /// Stop the run (exit 2) when more pods than this exist at once. The default is twice
        /// Kubernetes' 150,000-pod scalability envelope; it guards memory against runaway
        /// scenarios such as `replicas: 2000000000`.
        #[arg(long, default_value_t = 300_000)]
        max_live_pods: usize,
    },
    /// Check scenario and manifest files without running them (exit 0 valid, 2 not).
    ///
    /// A file whose first document has top-level apiVersion and kind is a manifest file;
    /// any other is a scenario, checked with every file it names.
    Validate {
        /// Files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// List every named latency distribution with its default and source.
    Timings,
    /// Run a scenario over many seeds and `--set` values on every core; write sweep.csv
    /// (one row of key figures per run) and sweep-summary.csv (min, p50, p90, p99, max of
    /// each figure per combination).
    ///
    /// Example: kubesim sweep scenarios/scale-out.yaml --seeds 1..20 --set cluster.nodePools[0].count=3,6
    Sweep(sweep::SweepArgs),
}

/// Entry point used by `main.rs`.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    ExitCode::from(match cli.command {
        Cmd::Run {
            scenario,
            seed,
            out,
            quiet,
            outputs,
            check_invariants,
            max_live_pods,
        } => run(
            &scenario,
            RunFlags {
                seed,
                out,
                quiet,
                outputs,
                check_invariants,
                max_live_pods,
            },
        ),
        Cmd::Validate { files } => validate(&files),
        Cmd::Sweep(args) => sweep::main(args),
        Cmd::Timings => {
            print!("{}", crate::sim::timing::table());
            0
        }
    })
}

/// Loads and checks a scenario; on bad input prints every problem and returns None.
fn load_prepared(path: &Path) -> Result<prepare::Prepared, ()> {
    prepared_from(crate::scenario::load(path), &mut |w| eprintln!("{w}"))
}

/// Checks a loaded (or refused) scenario and everything it names; on bad input prints every
/// problem to stderr. Warnings go to `warn`, so a sweep can print each once.
pub(crate) fn prepared_from(
    loaded: Result<crate::scenario::Scenario, crate::scenario::LoadError>,
    warn: &mut dyn FnMut(&str),
) -> Result<prepare::Prepared, ()> {
    let scenario = match loaded {
        Ok(s) => s,
        Err(crate::scenario::LoadError::Invalid {
            source,
            problems,
            partial: Some(partial),
        }) => {
            // Report the rest too: the cluster, commands and manifests of what was read.
            let mut bad = match prepare::prepare(*partial) {
                Ok(_) => prepare::BadInput::default(),
                Err(bad) => bad,
            };
            for w in &bad.warnings {
                warn(w);
            }
            match bad.files.iter_mut().find(|f| f.path == source.path) {
                Some(f) => {
                    f.problems.extend(problems);
                    f.problems
                        .sort_by_key(|p| (p.span.offset, p.span.line, p.span.col));
                    f.problems.dedup();
                }
                None => bad.files.insert(
                    0,
                    prepare::FileProblems {
                        path: source.path,
                        text: source.text,
                        problems,
                    },
                ),
            }
            eprint!("{}", bad.render());
            return Err(());
        }
        Err(e) => {
            eprint!("{e}");
            return Err(());
        }
    };
    match prepare::prepare(scenario) {
        Ok(p) => {
            for w in &p.warnings {
                warn(w);
            }
            Ok(p)
        }
        Err(bad) => {
            for w in &bad.warnings {
                warn(w);
            }
            eprint!("{}", bad.render());
            Err(())
        }
    }
}

/// `kubesim run`'s flags after clap.
struct RunFlags {
    seed: Option<u64>,
    out: Option<PathBuf>,
    quiet: bool,
    outputs: String,
    check_invariants: bool,
    max_live_pods: usize,
}

fn run(path: &Path, flags: RunFlags) -> u8 {
    let RunFlags {
        seed,
        out,
        quiet,
        outputs,
        check_invariants,
        max_live_pods,
    } = flags;
    let outputs = outputs.as_str();
    let wall = std::time::Instant::now();
    let set = match OutputSet::parse(outputs) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: --outputs: {e}");
            return 2;
        }
    };
    let progress_mode = match progress::Mode::from_env() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let Ok(prepared) = load_prepared(path) else {
        return 2;
    };
    let seed = seed.unwrap_or(prepared.scenario.seed);
    let dir = out.unwrap_or_else(|| PathBuf::from("results").join(&prepared.scenario.name));
    let scenario = prepared.scenario.clone();
    // The world is built before the output folder exists (planning has checked the cluster
    // as AKS would, so this fails only on a kubesim bug), and bad input leaves no folder.
    let mut world = match World::new(prepared.into_run_plan(), seed, Outputs::discard()) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: the cluster cannot be created: {e}");
            return 2;
        }
    };
    // From here a signal stops the run between instants instead of ending the process.
    stop_on_signals(&mut world.interrupt);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("error: cannot create {}: {e}", dir.display());
        return 2;
    }
    let outputs = match Outputs::create(&dir, &set, quiet) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: cannot write to {}: {e}", dir.display());
            return 2;
        }
    };
    world.out = outputs;
    world.limits.max_live_pods = max_live_pods;
    let broken = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    if check_invariants {
        // The first broken invariant stops the run at the end of its instant.
        let flag = world.interrupt.flag(StopReason::Invariant);
        let mut check = crate::cluster::invariants::observer(broken.clone());
        let found = broken.clone();
        world.observer = Some(Box::new(move |w, ev| {
            check(w, ev);
            if !found.borrow().is_empty() {
                flag.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        }));
    }
    let bar = progress::RunBar::new(progress_mode, quiet);
    if let Some(bar) = &bar {
        world.out.print_around(bar.handle());
        world.progress = Some(bar.hook(progress_mode));
    }
    world.run();
    // The bar goes before the rollout lines and the closing line are printed.
    world.progress = None;
    if let Some(bar) = bar {
        bar.clear();
    }
    // Whether it completed or stopped, every file is flushed whole and summary.json written.
    let stopped = world.stopped.clone();
    let events = world.events_processed();
    world.out.finish(crate::output::RunEnd {
        scenario: &scenario,
        seed,
        events_processed: events,
        expectations: &world.expectations,
        stop: stopped.as_ref(),
        flow_control: world.api.flow_stats(),
    });
    for v in broken.borrow().iter().take(20) {
        eprintln!(
            "error: invariant broken (a kubesim bug; please report it with the scenario): {v}"
        );
    }
    if let Some(s) = &stopped {
        match s.reason {
            StopReason::Sigint | StopReason::Sigterm => eprintln!(
                "kubesim: stopped by {} at t={}s; the outputs hold the run until then",
                s.reason.as_str(),
                s.at.millis3()
            ),
            StopReason::Invariant => eprintln!(
                "error: the run stopped at t={}s, the end of the instant in which an invariant broke",
                s.at.millis3()
            ),
            StopReason::MaxLivePods => eprintln!("error: {}", s.message),
        }
    }
    let io_error = world.out.io_error().map(str::to_string);
    if let Some(e) = &io_error {
        eprintln!("error: {e}");
    }
    eprintln!(
        "kubesim: {} virtual seconds, {} events, {:.2}s wall",
        world.now().millis3(),
        events,
        wall.elapsed().as_secs_f64()
    );
    let code = match (stopped, io_error) {
        (Some(s), _) => s.reason.exit_code(),
        (None, Some(_)) => 2,
        (None, None) if !broken.borrow().is_empty() => 2,
        (None, None) if world.expectations.passed() => 0,
        (None, None) => 1,
    };
    // Every file is flushed: freeing a 150,000-pod world object by object would add about a
    // twentieth to the run for nothing, as the process exits next.
    std::mem::forget(world);
    code
}

/// Turns SIGINT and SIGTERM into stop requests the run loop reads between instants; the
/// handlers only set a flag. A second signal of the same kind ends the process at once, as
/// it would without a handler (for a run that does not get to its next instant end).
fn stop_on_signals(interrupt: &mut Interrupt) {
    use signal_hook::consts::{SIGINT, SIGTERM};
    for (signal, reason) in [(SIGINT, StopReason::Sigint), (SIGTERM, StopReason::Sigterm)] {
        let flag = interrupt.flag(reason);
        let registered = signal_hook::flag::register_conditional_shutdown(
            signal,
            i32::from(reason.exit_code()),
            flag.clone(),
        )
        .and_then(|_| signal_hook::flag::register(signal, flag));
        if let Err(e) = registered {
            eprintln!(
                "warning: cannot handle {}: {e}; it will end the run without a summary",
                reason.as_str()
            );
        }
    }
}

fn validate(files: &[PathBuf]) -> u8 {
    let mut ok = true;
    for f in files {
        let text =
            match crate::manifest::yaml::read_file(f, &crate::manifest::yaml::Limits::default()) {
                Ok(t) => t,
                Err(e) => {
                    let name = f.display().to_string();
                    let message = crate::manifest::yaml::path_problem(&name, &e)
                        .unwrap_or_else(|| format!("reading {name:?}: {e}"));
                    eprint!(
                        "{}",
                        crate::diag::render(
                            &name,
                            "",
                            &[Problem::new(Span::default(), "", message)]
                        )
                    );
                    ok = false;
                    continue;
                }
            };
        if is_manifest(&text) {
            let (docs, problems) = crate::manifest::read_manifests(&text);
            let mut problems = problems;
            for d in &docs {
                if let Err(ps) = crate::manifest::extract::extract(d) {
                    problems.extend(ps);
                }
                if d.info.simulated.is_none() {
                    eprintln!(
                        "warning: {} {:?} is stored but not simulated by this version of kubesim",
                        d.info.kind,
                        d.name.clone().unwrap_or_default()
                    );
                }
            }
            if !problems.is_empty() {
                eprint!(
                    "{}",
                    crate::diag::render(&f.display().to_string(), &text, &problems)
                );
                ok = false;
            }
        } else if load_prepared(f).is_err() {
            ok = false;
        }
    }
    if ok { 0 } else { 2 }
}

/// A file whose first document has top-level `apiVersion` and `kind` (docs/outputs.md).
fn is_manifest(text: &str) -> bool {
    let parsed =
        crate::manifest::yaml::parse_stream(text, &crate::manifest::yaml::Limits::default());
    parsed
        .docs
        .first()
        .is_some_and(|d| d.get("apiVersion").is_some() && d.get("kind").is_some())
}
