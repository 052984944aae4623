//! `kubesim sweep` (docs/sweeps.md): the run list, the figures a `--set` moves, bad flags,
//! and output that does not depend on `--jobs`.

use std::path::Path;
use std::process::Command;

use super::support::{bin, csv_rows};

/// A two-node cluster, a Deployment of two replicas at 1s, a scale of it at 20s (step 1)
/// and the expectation that two nodes are Ready at 30s.
const SCENARIO: &str = "name: sweep-small
duration: 40s
cluster:
  nodePools:
  - name: pool1
    count: 2
steps:
- at: 1s
  run: kubectl create deployment web --image=nginx --replicas=2
- at: 20s
  run: kubectl scale deployment web --replicas=3
expect:
- at: 30s
  that: cluster nodes_ready == 2
";

/// Runs `kubesim ARGS` in a folder holding scenario.yaml; exit code and stderr.
fn kubesim(dir: &Path, args: &[&str]) -> (i32, String) {
    let o = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run kubesim");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// `kubesim sweep scenario.yaml ARGS` in `dir`.
fn sweep(dir: &Path, args: &[&str]) -> (i32, String) {
    let mut all = vec!["sweep", "scenario.yaml"];
    all.extend_from_slice(args);
    kubesim(dir, &all)
}

fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("scenario.yaml"), SCENARIO).expect("write scenario");
    dir
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_default()
}

/// The column `name` of sweep.csv's rows.
fn column(text: &str, name: &str) -> Vec<String> {
    let header: Vec<&str> = text.lines().next().unwrap_or("").split(',').collect();
    let i = header
        .iter()
        .position(|h| *h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"));
    csv_rows(text).into_iter().map(|r| r[i].clone()).collect()
}

#[test]
fn sweep_rows_follow_combinations_then_seeds_and_a_set_changes_the_run() {
    let dir = folder();
    let (code, err) = sweep(
        dir.path(),
        &[
            "--seeds",
            "5..6",
            "--set",
            "cluster.nodePools[0].count=2,3",
            "--set",
            "steps[1].run=kubectl scale deployment web --replicas=3,kubectl scale deployment nope --replicas=3",
            "--out",
            "out",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let text = read(&dir.path().join("out"), "sweep.csv");
    assert!(
        text.starts_with("combination,cluster.nodePools[0].count,steps[1].run,seed,completed,rollout_s,lowest_availability,unavailable_pod_s,failed_requests,failed_steps,max_pods_pending,recovery_s,passed,events_processed\n"),
        "{text}"
    );
    // docs/sweeps.md: the first --set outermost, the last fastest, seeds innermost.
    assert_eq!(
        column(&text, "combination"),
        ["0", "0", "1", "1", "2", "2", "3", "3"]
    );
    assert_eq!(
        column(&text, "seed"),
        ["5", "6", "5", "6", "5", "6", "5", "6"]
    );
    assert_eq!(
        column(&text, "cluster.nodePools[0].count"),
        ["2", "2", "2", "2", "3", "3", "3", "3"]
    );
    // `cluster nodes_ready == 2` holds only with two nodes.
    assert_eq!(
        column(&text, "passed"),
        [
            "true", "true", "true", "true", "false", "false", "false", "false"
        ]
    );
    // kubectl scale of a Deployment that does not exist exits 1 (NotFound); of web, 0.
    assert_eq!(
        column(&text, "failed_steps"),
        ["0", "0", "1", "1", "0", "0", "1", "1"]
    );
    // No fault step: no time to recover.
    assert!(column(&text, "recovery_s").iter().all(String::is_empty));
}

#[test]
fn sweep_output_is_the_same_whatever_the_jobs() {
    let dir = folder();
    let args = |jobs: &'static str, out: &'static str| {
        vec![
            "--seeds",
            "1..4",
            "--set",
            "cluster.nodePools[0].count=2,3",
            "--jobs",
            jobs,
            "--out",
            out,
        ]
    };
    let (code, err) = sweep(dir.path(), &args("1", "one"));
    assert_eq!(code, 0, "{err}");
    let (code, err) = sweep(dir.path(), &args("2", "two"));
    assert_eq!(code, 0, "{err}");
    let one = read(&dir.path().join("one"), "sweep.csv");
    assert_eq!(one.lines().count(), 1 + 2 * 4);
    assert_eq!(one, read(&dir.path().join("two"), "sweep.csv"));
    assert_eq!(
        read(&dir.path().join("one"), "sweep-summary.csv"),
        read(&dir.path().join("two"), "sweep-summary.csv")
    );
}

#[test]
fn the_summary_gives_nearest_rank_percentiles_of_each_combinations_seeds() {
    let dir = folder();
    let (code, err) = sweep(
        dir.path(),
        &[
            "--seeds",
            "1..5",
            "--set",
            "cluster.nodePools[0].count=2,3",
            "--out",
            "out",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let runs = read(&dir.path().join("out"), "sweep.csv");
    let summary = read(&dir.path().join("out"), "sweep-summary.csv");
    let events = column(&runs, "events_processed");
    for (c, seeds) in events.chunks(5).enumerate() {
        let mut v: Vec<u64> = seeds.iter().map(|e| e.parse().expect("a count")).collect();
        v.sort_unstable();
        // Nearest rank over n = 5: p50 at rank ⌈2.5⌉ = 3, p90 at ⌈4.5⌉ = 5, p99 at ⌈4.95⌉ = 5.
        let want = [v[0], v[2], v[4], v[4], v[4]].map(|x| x.to_string());
        let got: Vec<String> = ["min", "p50", "p90", "p99", "max"]
            .iter()
            .map(|s| column(&summary, &format!("events_processed_{s}"))[c].clone())
            .collect();
        assert_eq!(got, want, "combination {c}");
        assert_eq!(column(&summary, "runs")[c], "5");
    }
    // `cluster nodes_ready == 2` holds for every seed with two nodes and none with three.
    assert_eq!(column(&summary, "passed_runs"), ["5", "0"]);
}

#[test]
fn a_bad_set_path_or_value_is_exit_2_naming_the_segment() {
    let dir = folder();
    let set = |flag: &str| sweep(dir.path(), &["--seeds", "1", "--set", flag]);
    let (code, err) = set("cluster.nodePools[4].count=1");
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "--set cluster.nodePools[4].count: [4] is out of range: cluster.nodePools has 1 item"
        ),
        "{err}"
    );
    let (code, err) = set("cluster.nodepools[0].count=1");
    assert_eq!(code, 2);
    assert!(err.contains("cluster has no key \"nodepools\""), "{err}");
    // A value the scenario refuses: AKS needs at least one node in a System pool.
    let (code, err) = set("cluster.nodePools[0].count=2,0");
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "combination 1 (--set cluster.nodePools[0].count=0) makes the scenario invalid"
        ),
        "{err}"
    );
    assert!(
        !dir.path().join("results").exists(),
        "bad input writes nothing"
    );
    let (code, err) = sweep(dir.path(), &["--seeds", "3..1"]);
    assert_eq!(code, 2);
    assert!(err.contains("--seeds \"3..1\""), "{err}");
}

#[test]
fn merged_shards_are_the_unsharded_sweep_byte_for_byte() {
    let dir = folder();
    let base = ["--seeds", "1..3", "--set", "cluster.nodePools[0].count=2,3"];
    let with = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        let (code, err) = sweep(dir.path(), &args);
        assert_eq!(code, 0, "{extra:?}: {err}");
    };
    with(&["--out", "full"]);
    // 6 runs in 4 shards: shard I holds the runs whose index % 4 == I (0-based).
    for i in 0..4 {
        with(&["--shard", &format!("{i}/4"), "--out", &format!("shard-{i}")]);
    }
    let runs = column(&read(&dir.path().join("shard-1"), "sweep.csv"), "seed");
    // Runs 1 and 5: combination 0 seed 2, combination 1 seed 3.
    assert_eq!(runs, ["2", "3"]);
    assert!(!dir.path().join("shard-1/sweep-summary.csv").exists());
    // Merged in any order.
    let (code, err) = kubesim(
        dir.path(),
        &[
            "sweep", "merge", "shard-3", "shard-0", "shard-2", "shard-1", "--out", "merged",
        ],
    );
    assert_eq!(code, 0, "{err}");
    for file in ["sweep.csv", "sweep-summary.csv"] {
        let full = read(&dir.path().join("full"), file);
        assert!(!full.is_empty());
        assert_eq!(read(&dir.path().join("merged"), file), full, "{file}");
    }
    assert!(!dir.path().join("merged/shard.json").exists());
    let merge = |dirs: &[&str]| {
        let mut args = vec!["sweep", "merge"];
        args.extend_from_slice(dirs);
        args.extend(["--out", "bad"]);
        kubesim(dir.path(), &args)
    };
    let (code, err) = merge(&["shard-0", "shard-1", "shard-3"]);
    assert_eq!(code, 2);
    assert!(err.contains("shard 2 of 4 is missing"), "{err}");
    let (code, err) = merge(&["shard-0", "shard-1", "shard-1", "shard-2", "shard-3"]);
    assert_eq!(code, 2);
    assert!(err.contains("shard 1/4 is given twice"), "{err}");
    let (code, err) = merge(&["shard-0", "full"]);
    assert_eq!(code, 2);
    assert!(err.contains("full: cannot read shard.json"), "{err}");
    let (code, err) = kubesim(
        dir.path(),
        &[
            "sweep", "merge", "shard-0", "shard-1", "shard-2", "shard-3", "--out", "shard-2",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("that is a shard folder"), "{err}");
    with(&["--shard", "0/2", "--out", "half-0"]);
    let (code, err) = merge(&["shard-0", "half-0"]);
    assert_eq!(code, 2);
    assert!(err.contains("they differ in shard count"), "{err}");
}

#[test]
fn the_emitted_indexed_job_runs_one_pod_per_shard_in_kubesim() {
    let dir = folder();
    let o = Command::new(bin())
        .args([
            "sweep",
            "scenario.yaml",
            "--seeds",
            "1..3",
            "--set",
            "cluster.nodePools[0].count=2,3",
            "--emit-job",
            "--shards",
            "3",
            "--parallelism",
            "2",
        ])
        .current_dir(dir.path())
        .output()
        .expect("run kubesim");
    assert_eq!(o.status.code(), Some(0));
    let job = String::from_utf8_lossy(&o.stdout).into_owned();
    for line in [
        "  completionMode: Indexed\n",
        "  completions: 3\n",
        "  parallelism: 2\n",
        "        runAsNonRoot: true\n",
        "          allowPrivilegeEscalation: false\n",
        "          readOnlyRootFilesystem: true\n",
        // The kubelet expands $(VAR) in args from the env the Job controller sets.
        "        - \"$(JOB_COMPLETION_INDEX)/3\"\n",
        "        - \"/results/shard-$(JOB_COMPLETION_INDEX)\"\n",
        "          claimName: kubesim-sweep-results\n",
    ] {
        assert!(job.contains(line), "{line:?} missing from\n{job}");
    }
    std::fs::write(dir.path().join("job.yaml"), &job).expect("write job");
    // The image's process runs 20 s and exits 0; 2 nodes of 2 vCPU fit one 1-CPU pod each.
    let run = "name: indexed-sweep
duration: 3m
cluster:
  nodePools:
  - name: pool1
    count: 2
images:
  myregistry.azurecr.io/kubesim:latest: {runFor: 20s}
steps:
- at: 1s
  run: kubectl apply -f job.yaml
expect:
- during: 2s..2m59s
  that: job/sweep-sweep-small active <= 2
- within: 2m
  that: job/sweep-sweep-small succeeded == 3
";
    std::fs::write(dir.path().join("run.yaml"), run).expect("write scenario");
    let (code, err) = kubesim(dir.path(), &["run", "run.yaml", "--out", "out", "-q"]);
    assert_eq!(code, 0, "{err}");
    // One pod per completion index (pods are named JOB-INDEX-RANDOM), each succeeded once.
    let timeline = csv_rows(&read(&dir.path().join("out"), "timeline.csv"));
    let mut indexes: Vec<String> = timeline
        .iter()
        .filter(|r| r[2] == "pod" && r[4] == "phase" && r[6] == "Succeeded")
        .filter_map(|r| r[3].strip_prefix("sweep-sweep-small-"))
        .filter_map(|rest| rest.split('-').next().map(str::to_string))
        .collect();
    indexes.sort();
    assert_eq!(indexes, ["0", "1", "2"]);
}

#[test]
fn job_flags_need_emit_job_and_emit_job_no_shard() {
    let dir = folder();
    let (code, _) = sweep(dir.path(), &["--seeds", "1", "--shards", "3"]);
    assert_eq!(code, 2);
    let (code, _) = sweep(
        dir.path(),
        &["--seeds", "1", "--emit-job", "--shard", "0/2"],
    );
    assert_eq!(code, 2);
}

/// A figure's text (fixed decimals) as an integer in its smallest unit.
fn exact(cell: &str) -> i64 {
    cell.replace('.', "")
        .parse()
        .expect("a fixed-decimal figure")
}

#[test]
fn an_earlier_grace_period_adds_exactly_the_pods_times_the_difference_to_unavailability() {
    let dir = folder();
    // The name AKS gives the single node, as this cluster's run reports it.
    let (code, err) = kubesim(
        dir.path(),
        &["run", "scenario.yaml", "--out", "probe", "-q"],
    );
    assert!(code == 0 || code == 1, "{err}");
    let timeline = csv_rows(&read(&dir.path().join("probe"), "timeline.csv"));
    let node = timeline
        .iter()
        .find(|r| r[2] == "node" && r[3].ends_with("-vmss000000"))
        .map(|r| r[3].clone())
        .expect("the first node's row");
    let scenario = format!(
        "name: sweep-fault
duration: 2m
cluster:
  nodePools:
  - name: pool1
    count: 1
steps:
- at: 1s
  run: kubectl create deployment web --image=nginx --replicas=2
- at: 20s
  run: kubesim node fail {node}
"
    );
    std::fs::write(dir.path().join("fault.yaml"), scenario).expect("write scenario");
    let (code, err) = kubesim(
        dir.path(),
        &[
            "sweep",
            "fault.yaml",
            "--seeds",
            "1..2",
            "--set",
            "timing.nodelifecycle.monitorGracePeriod=40s,50s",
            "--out",
            "out",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let text = read(&dir.path().join("out"), "sweep.csv");
    assert_eq!(
        column(&text, "failed_steps"),
        ["0", "0", "0", "0"],
        "{text}"
    );
    let unavailable: Vec<i64> = column(&text, "unavailable_pod_s")
        .iter()
        .map(|c| exact(c))
        .collect();
    // Both replicas sit on the only node, whose VM stops and never comes back: a grace period
    // 10 s shorter marks them not ready 10 s earlier (the monitor period, 5 s, divides both),
    // so 2 pods × 10 s = 20 pod-seconds more for every seed.
    for seed in 0..2 {
        assert_eq!(
            unavailable[seed] - unavailable[2 + seed],
            20_000_000,
            "{text}"
        );
    }
    assert_eq!(column(&text, "lowest_availability"), ["0.000"; 4]);
    // Never fully available again: no time to recover.
    assert!(
        column(&text, "recovery_s").iter().all(String::is_empty),
        "{text}"
    );
}

#[test]
fn a_sweep_run_is_the_run_kubesim_run_makes_with_that_seed() {
    let dir = folder();
    let (code, err) = sweep(dir.path(), &["--seeds", "5", "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    let (code, err) = kubesim(
        dir.path(),
        &["run", "scenario.yaml", "--seed", "5", "--out", "run", "-q"],
    );
    assert_eq!(code, 0, "{err}");
    let summary: serde_json::Value =
        serde_json::from_str(&read(&dir.path().join("run"), "summary.json")).expect("json");
    let text = read(&dir.path().join("out"), "sweep.csv");
    assert_eq!(
        column(&text, "events_processed"),
        [summary["events_processed"].to_string()]
    );
    assert_eq!(column(&text, "passed"), [summary["passed"].to_string()]);
}

#[test]
fn recovery_runs_from_the_fault_to_every_replica_available_again() {
    // scenarios/node-failure.yaml: the VM of one of 3 nodes stops at 60 s and boots again at
    // 200 s; its pod is not evicted (the 300 s unreachable toleration outlasts the 6 m run),
    // so web is fully available again only after the VM is back: recovery is more than
    // 200 − 60 = 140 s and less than the 300 s left after the fault.
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = super::support::root().join("scenarios/node-failure.yaml");
    let scenario = scenario.to_str().expect("a UTF-8 path");
    let (code, err) = kubesim(
        dir.path(),
        &["sweep", scenario, "--seeds", "1..3", "--out", "out"],
    );
    assert_eq!(code, 0, "{err}");
    let text = read(&dir.path().join("out"), "sweep.csv");
    for cell in column(&text, "recovery_s") {
        let us = exact(&cell);
        assert!(us > 140_000_000 && us < 300_000_000, "{text}");
    }
    // One of three replicas on the failed node: at worst 2 of 3 available.
    assert_eq!(column(&text, "lowest_availability"), ["0.666"; 3]);
}

#[test]
fn every_bundled_scenario_survives_being_rewritten_by_a_set() {
    // --emit-job checks every combination, rewritten, as a run would, and runs nothing.
    let dir = tempfile::tempdir().expect("tempdir");
    let scenarios = super::support::root().join("scenarios");
    let mut checked = 0;
    for entry in std::fs::read_dir(&scenarios).expect("scenarios/") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let p = path.to_str().expect("a UTF-8 path");
        let (code, err) = kubesim(
            dir.path(),
            &["sweep", p, "--seeds", "1", "--set", "seed=1", "--emit-job"],
        );
        assert_eq!(code, 0, "{p}: {err}");
        checked += 1;
    }
    assert!(checked >= 20, "{checked} scenarios");
}

#[test]
fn a_set_that_changes_nothing_changes_no_figure() {
    // `seed:` is overridden by --seeds, so the rewritten scenario (inline manifests and all)
    // must run exactly as the file does.
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = super::support::root().join("scenarios/node-failure.yaml");
    let scenario = scenario.to_str().expect("a UTF-8 path");
    let run = |extra: &[&str], out: &str| {
        let mut args = vec!["sweep", scenario, "--seeds", "3..4", "--out", out];
        args.extend_from_slice(extra);
        let (code, err) = kubesim(dir.path(), &args);
        assert_eq!(code, 0, "{err}");
        read(&dir.path().join(out), "sweep.csv")
    };
    let plain = run(&[], "plain");
    let rewritten = run(&["--set", "seed=12345"], "rewritten");
    let figures = |text: &str, skip: usize| -> Vec<String> {
        text.lines()
            .skip(1)
            .map(|l| l.split(',').skip(skip).collect::<Vec<_>>().join(","))
            .collect()
    };
    // Columns: combination, [seed: parameter], seed, figures…
    assert_eq!(figures(&plain, 1), figures(&rewritten, 2));
}

#[test]
fn a_scenario_whose_yaml_does_not_read_is_reported_at_its_own_lines() {
    let dir = folder();
    std::fs::write(
        dir.path().join("scenario.yaml"),
        "name: x\nname: y\nduration: 1m\n",
    )
    .expect("write");
    let (code, err) = sweep(dir.path(), &["--seeds", "1", "--set", "seed=2"]);
    assert_eq!(code, 2);
    // A duplicate key, reported where it is in the file.
    assert!(
        err.contains("scenario.yaml:2:1: error: yaml: key \"name\" already set"),
        "{err}"
    );
    assert!(!err.contains("combination"), "{err}");
}
