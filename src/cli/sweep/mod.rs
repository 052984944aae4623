//! `kubesim sweep`: many runs of one scenario, over seeds and `--set` overrides, on every
//! core (docs/sweeps.md). The capacity planner's "what if": each run is a whole in-process
//! simulation whose key figures become one row of sweep.csv.
//!
//! Runs go to a rayon pool (rayon is used here only, never inside a run). A [`World`] is not
//! `Send`, so each worker builds its own from the combination's scenario text; results are
//! collected by run index and written after the last run, so the files are the same bytes
//! whatever `--jobs` is and whichever thread finished first.

pub mod csv;
pub mod emit;
pub mod figures;
pub mod job;
pub mod plan;
pub mod set;
pub mod shard;
pub mod summary;

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::cluster::World;
use crate::output::Outputs;
use figures::Figures;
use plan::{Grid, Plan, Seeds};
use set::SetFlag;
use shard::Shard;

/// `kubesim sweep`'s flags, or `kubesim sweep merge`.
#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct SweepArgs {
    /// `merge` combines shard folders instead of running.
    #[command(subcommand)]
    pub command: Option<SweepCmd>,
    /// The scenario file (YAML; see README.md "Scenario format").
    #[arg(required = true)]
    pub scenario: Option<PathBuf>,
    /// The seeds: A..B runs every seed from A to B, both included; N runs one.
    #[arg(long, required = true)]
    pub seeds: Option<String>,
    /// A swept parameter: PATH into the scenario YAML and its values, split on commas
    /// outside quotes and brackets (`\,` is a comma in a value). Repeat for more parameters;
    /// every combination runs.
    #[arg(long = "set", value_name = "PATH=V1,V2,…")]
    pub sets: Vec<String>,
    /// Runs at once [default: the available cores; with --emit-job, 1 per pod].
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Output folder [default: results/<scenario name>-sweep/].
    #[arg(long, conflicts_with = "emit_job")]
    pub out: Option<PathBuf>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Stop a run (its `completed` false) when more pods than this exist at once.
    #[arg(long, default_value_t = 300_000)]
    pub max_live_pods: usize,
    /// Run only shard I of N (0-based): the runs whose index modulo N is I. Writes its
    /// sweep.csv rows and shard.json; `kubesim sweep merge` combines the shards.
    #[arg(long, value_name = "I/N", conflicts_with = "emit_job")]
    pub shard: Option<String>,
    /// Print (stdout) a PersistentVolumeClaim and a Kubernetes Indexed Job that run this
    /// sweep in --shards pods, instead of running it.
    #[arg(long)]
    pub emit_job: bool,
    /// --emit-job: the Job's completions, one shard each.
    #[arg(long, default_value_t = 4, requires = "emit_job")]
    pub shards: usize,
    /// --emit-job: pods at once [default: --shards].
    #[arg(long, requires = "emit_job")]
    pub parallelism: Option<usize>,
    /// --emit-job: the image, with kubesim as its entrypoint and the scenario files at the
    /// paths given here.
    #[arg(
        long,
        default_value = "myregistry.azurecr.io/kubesim:latest",
        requires = "emit_job"
    )]
    pub image: String,
    /// --emit-job: the PersistentVolumeClaim the shards write to (ReadWriteMany).
    #[arg(long, default_value = "kubesim-sweep-results", requires = "emit_job")]
    pub results_claim: String,
    /// --emit-job: where the claim is mounted; shard I writes DIR/shard-I.
    #[arg(long, default_value = "/results", requires = "emit_job")]
    pub results_dir: String,
}

/// `kubesim sweep`'s subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum SweepCmd {
    /// Combine the folders of every shard of one sweep into the sweep.csv and
    /// sweep-summary.csv the unsharded sweep writes, byte for byte.
    ///
    /// Example: kubesim sweep merge shard-0 shard-1 shard-2 --out merged
    Merge {
        /// The shards' output folders, each holding sweep.csv and shard.json.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Output folder [default: results/<scenario name>-sweep/].
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Runs `kubesim sweep`; the exit code (0 written, 2 bad input or an I/O error). A run whose
/// expectations fail is a result (`passed` false), not an error.
pub fn main(args: SweepArgs) -> u8 {
    let done = match args.command {
        Some(SweepCmd::Merge { dirs, out }) => merge(&dirs, out),
        None => sweep(args),
    };
    match done {
        Ok(()) => 0,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("error: {message}");
            }
            2
        }
    }
}

/// An error already printed (the scenario check renders its own problems).
const PRINTED: String = String::new();

fn sweep(args: SweepArgs) -> Result<(), String> {
    let wall = std::time::Instant::now();
    let (Some(path), Some(seeds)) = (&args.scenario, &args.seeds) else {
        return Err("kubesim sweep needs SCENARIO and --seeds (see kubesim sweep --help)".into());
    };
    let seeds = Seeds::parse(seeds)?;
    let sets = parse_sets(&args.sets)?;
    let shard = args.shard.as_deref().map(Shard::parse).transpose()?;
    let jobs = match args.jobs {
        Some(0) => return Err("--jobs 0: want at least 1".into()),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, usize::from),
    };
    let text = read_scenario(path)?;
    let limits = crate::manifest::yaml::Limits::default();
    if !sets.is_empty()
        && !crate::manifest::yaml::parse_stream(&text, &limits)
            .problems
            .is_empty()
    {
        // YAML that cannot be edited: its problems, at the file's own lines.
        let loaded = crate::scenario::load::load_text(path, text);
        return match crate::cli::prepared_from(loaded, &mut |w| eprintln!("{w}")) {
            Err(()) => Err(PRINTED),
            Ok(_) => Err(format!("{}: the YAML cannot be read", path.display())),
        };
    }
    let fingerprint = shard::fnv1a(&text);
    let plan = Plan::new(path, text, sets, seeds)?;
    let name = check(&plan)?;
    if args.emit_job {
        return emit_job(&args, path, &name);
    }
    let dir = args
        .out
        .unwrap_or_else(|| PathBuf::from("results").join(format!("{name}-sweep")));
    let runs: Vec<usize> = (0..plan.grid.runs())
        .filter(|r| shard.is_none_or(|s| s.holds(*r)))
        .collect();
    let results = execute(&plan, &runs, jobs, args.quiet, args.max_live_pods)?;
    create(&dir)?;
    write_runs(&plan.grid, &dir, &results)?;
    let count = results.len();
    match shard {
        Some(shard) => shard::write(
            &dir,
            &shard::Manifest {
                format: 1,
                head: shard::Head {
                    scenario: name,
                    scenario_fnv1a: fingerprint,
                    shard,
                    grid: plan.grid.clone(),
                    max_live_pods: args.max_live_pods,
                },
                runs: results,
            },
        )?,
        None => remove_stale(&dir, shard::MANIFEST)?,
    }
    eprintln!(
        "kubesim sweep: {count} runs on {jobs} threads, {:.2}s wall",
        wall.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Prints the Indexed Job of `--emit-job`.
fn emit_job(args: &SweepArgs, path: &Path, name: &str) -> Result<(), String> {
    if args.shards == 0 {
        return Err("--shards 0: want at least 1".into());
    }
    let parallelism = args.parallelism.unwrap_or(args.shards);
    if parallelism == 0 {
        return Err("--parallelism 0: want at least 1".into());
    }
    let dns = |s: &str| {
        !s.is_empty()
            && s.len() <= 253
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
            && s.starts_with(|c: char| c.is_ascii_alphanumeric())
            && s.ends_with(|c: char| c.is_ascii_alphanumeric())
    };
    if !dns(&args.results_claim) {
        return Err(format!(
            "--results-claim {:?}: a claim name is lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
            args.results_claim
        ));
    }
    if !args.results_dir.starts_with('/') {
        return Err(format!(
            "--results-dir {:?}: the mount path must be absolute",
            args.results_dir
        ));
    }
    let mut sweep_args = vec![path.display().to_string()];
    sweep_args.extend(["--seeds".into(), args.seeds.clone().unwrap_or_default()]);
    for s in &args.sets {
        sweep_args.extend(["--set".into(), s.clone()]);
    }
    sweep_args.extend(["--max-live-pods".into(), args.max_live_pods.to_string()]);
    let text = job::yaml(&job::JobSpec {
        name: job::job_name(name),
        image: &args.image,
        shards: args.shards,
        parallelism,
        claim: &args.results_claim,
        results: &args.results_dir,
        jobs: args.jobs.unwrap_or(1),
        sweep_args,
    });
    print!("{text}");
    Ok(())
}

/// Parses every `--set`; a PATH given twice is an error (list all its values in one flag).
fn parse_sets(flags: &[String]) -> Result<Vec<SetFlag>, String> {
    let mut seen = BTreeSet::new();
    let mut sets = Vec::new();
    for f in flags {
        let s = SetFlag::parse(f)?;
        if !seen.insert(s.path.clone()) {
            return Err(format!(
                "--set {}: the path is given twice; list all its values in one --set",
                s.path
            ));
        }
        sets.push(s);
    }
    Ok(sets)
}

fn read_scenario(path: &Path) -> Result<String, String> {
    use crate::manifest::yaml;
    yaml::read_file(path, &yaml::Limits::default()).map_err(|e| {
        let name = path.display().to_string();
        yaml::path_problem(&name, &e).unwrap_or_else(|| format!("reading {name:?}: {e}"))
    })
}

/// Checks every combination's scenario before anything runs, printing each warning once;
/// returns the scenario's name.
fn check(plan: &Plan) -> Result<String, String> {
    let mut warned = BTreeSet::new();
    let mut name = String::new();
    for (i, text) in plan.texts.iter().enumerate() {
        let loaded = crate::scenario::load::load_text(&plan.path, text.clone());
        let mut warn = |w: &str| {
            if warned.insert(w.to_string()) {
                eprintln!("{w}");
            }
        };
        match crate::cli::prepared_from(loaded, &mut warn) {
            Ok(p) => name = p.scenario.name,
            Err(()) if plan.grid.sets.is_empty() => return Err(PRINTED),
            Err(()) => {
                return Err(format!(
                    "combination {i} ({}) makes the scenario invalid; the lines above are those of the scenario rewritten with these values",
                    plan.grid.describe(i)
                ));
            }
        }
    }
    Ok(name)
}

/// Runs `runs` (indices into the plan's run list) on `jobs` threads; results in `runs` order.
fn execute(
    plan: &Plan,
    runs: &[usize],
    jobs: usize,
    quiet: bool,
    max_live_pods: usize,
) -> Result<Vec<csv::RunResult>, String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        // The main thread's stack size: a run must not need less stack on a worker.
        .stack_size(8 << 20)
        .build()
        .map_err(|e| format!("cannot start {jobs} threads: {e}"))?;
    let bar = progress(runs.len() as u64, quiet);
    let results: Vec<Result<csv::RunResult, String>> = pool.install(|| {
        runs.par_iter()
            .map(|&r| {
                let (combination, seed) = plan.grid.run(r);
                let text = &plan.texts[combination];
                let figures = run_one(&plan.path, text, seed, max_live_pods).map_err(|e| {
                    format!(
                        "run {r} ({} seed {seed}): {e}",
                        plan.grid.describe(combination)
                    )
                })?;
                bar.inc(1);
                Ok(csv::RunResult {
                    run: r,
                    combination,
                    seed,
                    figures,
                })
            })
            .collect()
    });
    bar.finish_and_clear();
    results.into_iter().collect()
}

/// A progress bar of runs done, on stderr only when it is a terminal and not `--quiet`.
fn progress(total: u64, quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} runs, {elapsed} (eta {eta})")
    {
        bar.set_style(style);
    }
    bar
}

/// One whole simulation of `text` (the scenario at `path` with a combination's values).
fn run_one(path: &Path, text: &str, seed: u64, max_live_pods: usize) -> Result<Figures, String> {
    let scenario =
        crate::scenario::load::load_text(path, text.to_string()).map_err(|e| e.to_string())?;
    let prepared = crate::cli::prepare::prepare(scenario).map_err(|b| b.render())?;
    let scenario = prepared.scenario.clone();
    let mut world = World::new(prepared.into_run_plan(), seed, Outputs::sweep())
        .map_err(|e| format!("the cluster cannot be created: {e}"))?;
    world.limits.max_live_pods = max_live_pods;
    world.run();
    Ok(Figures::measure(&world, &scenario, seed))
}

/// Writes sweep.csv and, when `results` holds every run, sweep-summary.csv.
fn write_runs(grid: &Grid, dir: &Path, results: &[csv::RunResult]) -> Result<(), String> {
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|r| csv::row(r, &grid.values(r.combination)))
        .collect();
    let paths = grid.paths();
    let write = |name: &str, header: Vec<String>, rows: Vec<Vec<String>>| {
        let file = dir.join(name);
        csv::write(&file, &header, &rows).map_err(|e| format!("writing {}: {e}", file.display()))
    };
    write("sweep.csv", csv::header(&paths), rows)?;
    if results.len() == grid.runs() {
        write(
            "sweep-summary.csv",
            summary::header(&paths),
            summary::rows(grid, results),
        )
    } else {
        // A shard's folder holds no summary of part of the seeds, nor an earlier one.
        remove_stale(dir, "sweep-summary.csv")
    }
}

/// Removes `dir/file` left by an earlier sweep into the same folder.
fn remove_stale(dir: &Path, file: &str) -> Result<(), String> {
    match std::fs::remove_file(dir.join(file)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("cannot remove {}: {e}", dir.join(file).display()))
        }
        _ => Ok(()),
    }
}

fn create(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))
}

/// `kubesim sweep merge DIR… [--out DIR]`.
fn merge(dirs: &[PathBuf], out: Option<PathBuf>) -> Result<(), String> {
    let merged = shard::merge(dirs)?;
    let dir =
        out.unwrap_or_else(|| PathBuf::from("results").join(format!("{}-sweep", merged.scenario)));
    // Writing into a shard's folder would overwrite the rows it holds.
    if let Ok(out) = dir.canonicalize()
        && let Some(d) = dirs
            .iter()
            .find(|d| d.canonicalize().is_ok_and(|d| d == out))
    {
        return Err(format!(
            "--out {}: that is a shard folder; merge into another one",
            d.display()
        ));
    }
    create(&dir)?;
    write_runs(&merged.grid, &dir, &merged.runs)?;
    remove_stale(&dir, shard::MANIFEST)
}
