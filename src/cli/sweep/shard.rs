//! Shards (docs/sweeps.md#shards): `--shard I/N` runs the runs whose index modulo N is I
//! (0-based, like Kubernetes' `JOB_COMPLETION_INDEX`), and writes its sweep.csv rows plus
//! shard.json, which holds everything `kubesim sweep merge` needs to write exactly the files
//! the unsharded sweep writes: the grid, the scenario's identity and every run's figures.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::csv::RunResult;
use super::plan::Grid;

/// The manifest's file name.
pub const MANIFEST: &str = "shard.json";

/// `--shard I/N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// This shard, 0-based.
    pub index: usize,
    /// How many shards.
    pub count: usize,
}

impl Shard {
    /// Parses `I/N` with `0 <= I < N`; the error names the flag.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || {
            format!(
                "--shard {text:?}: want I/N with 0 <= I < N, e.g. 0/4 (shards are 0-based, like JOB_COMPLETION_INDEX)"
            )
        };
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let index = i.trim().parse::<usize>().map_err(|_| bad())?;
        let count = n.trim().parse::<usize>().map_err(|_| bad())?;
        if index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// Whether run `r` is this shard's.
    pub fn holds(&self, r: usize) -> bool {
        r % self.count == self.index
    }
}

/// shard.json.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// Format version, 1.
    pub format: u32,
    /// What every shard of the sweep shares, and which shard this is.
    #[serde(flatten)]
    pub head: Head,
    /// This shard's runs in run order.
    pub runs: Vec<RunResult>,
}

/// A shard's identity: its sweep and its index.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Head {
    /// The scenario's `name:`, which names the merged output folder.
    pub scenario: String,
    /// FNV-1a 64 of the scenario file's text: shards of an edited scenario do not merge.
    pub scenario_fnv1a: String,
    /// Which shard.
    pub shard: Shard,
    /// The sweep's paths, values and seeds.
    pub grid: Grid,
    /// `--max-live-pods`, which changes what a run measures.
    pub max_live_pods: usize,
}

/// FNV-1a 64 as hex (a fingerprint, not a defence against tampering).
pub fn fnv1a(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Writes shard.json into `dir`.
pub fn write(dir: &Path, manifest: &Manifest) -> Result<(), String> {
    let file = dir.join(MANIFEST);
    let mut text = serde_json::to_string_pretty(manifest)
        .map_err(|e| format!("writing {}: {e}", file.display()))?;
    text.push('\n');
    std::fs::write(&file, text).map_err(|e| format!("writing {}: {e}", file.display()))
}

/// What merging shard folders gives: the sweep's grid and scenario name and every run, in
/// run order.
#[derive(Debug)]
pub struct Merged {
    /// The scenario's name.
    pub scenario: String,
    /// The sweep's grid.
    pub grid: Grid,
    /// Every run, in run order.
    pub runs: Vec<RunResult>,
}

/// Reads the shard folders and checks that they are all the shards of one sweep, each once.
pub fn merge(dirs: &[PathBuf]) -> Result<Merged, String> {
    let mut by_index: BTreeMap<usize, (PathBuf, Vec<RunResult>)> = BTreeMap::new();
    let mut first: Option<(PathBuf, Head)> = None;
    for dir in dirs {
        let Manifest { head: m, runs, .. } = read(dir)?;
        if let Some((fdir, f)) = &first {
            let differs = [
                (f.scenario != m.scenario, "scenario name"),
                (f.scenario_fnv1a != m.scenario_fnv1a, "scenario file"),
                (f.shard.count != m.shard.count, "shard count"),
                (f.grid.sets != m.grid.sets, "--set values"),
                (f.grid.seeds != m.grid.seeds, "--seeds"),
                (f.max_live_pods != m.max_live_pods, "--max-live-pods"),
            ];
            if let Some((_, what)) = differs.iter().find(|(d, _)| *d) {
                return Err(format!(
                    "{} and {} are shards of different sweeps: they differ in {what}",
                    fdir.display(),
                    dir.display()
                ));
            }
        }
        if let Some((other, _)) = by_index.get(&m.shard.index) {
            return Err(format!(
                "shard {}/{} is given twice: {} and {}",
                m.shard.index,
                m.shard.count,
                other.display(),
                dir.display()
            ));
        }
        let expected: Vec<usize> = (0..m.grid.runs()).filter(|r| m.shard.holds(*r)).collect();
        let got: Vec<usize> = runs.iter().map(|r| r.run).collect();
        if got != expected {
            return Err(format!(
                "{}: {MANIFEST} does not hold exactly the runs of shard {}/{}",
                dir.display(),
                m.shard.index,
                m.shard.count
            ));
        }
        by_index.insert(m.shard.index, (dir.clone(), runs));
        if first.is_none() {
            first = Some((dir.clone(), m));
        }
    }
    let Some((_, head)) = first else {
        return Err("sweep merge: name the shard folders".into());
    };
    let missing: Vec<String> = (0..head.shard.count)
        .filter(|i| !by_index.contains_key(i))
        .map(|i| i.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "shard{} {} of {} {} missing (shards are numbered 0 to {})",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            head.shard.count,
            if missing.len() == 1 { "is" } else { "are" },
            head.shard.count - 1
        ));
    }
    let mut runs: Vec<RunResult> = by_index.into_values().flat_map(|(_, r)| r).collect();
    runs.sort_by_key(|r| r.run);
    Ok(Merged {
        scenario: head.scenario,
        grid: head.grid,
        runs,
    })
}

fn read(dir: &Path) -> Result<Manifest, String> {
    let file = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&file).map_err(|e| {
        format!(
            "{}: cannot read {MANIFEST} ({e}); a shard folder is the --out of `kubesim sweep … --shard I/N`",
            dir.display()
        )
    })?;
    let m: Manifest =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    if m.format != 1 {
        return Err(format!(
            "{}: format {} is not one this kubesim reads (1)",
            file.display(),
            m.format
        ));
    }
    let h = &m.head;
    if h.shard.index >= h.shard.count || h.grid.sets.iter().any(|(_, v)| v.is_empty()) {
        return Err(format!("{}: not a valid shard manifest", file.display()));
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_0_based_residues_of_the_run_index() {
        let s = Shard::parse("1/3").unwrap();
        let runs: Vec<usize> = (0..8).filter(|r| s.holds(*r)).collect();
        assert_eq!(runs, [1, 4, 7]);
        assert!(Shard::parse("3/3").is_err());
        assert!(Shard::parse("0/0").is_err());
        assert!(Shard::parse("1").is_err());
    }

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        // FNV test suite (draft-eastlake-fnv): FNV-1a 64 of "" and "a".
        assert_eq!(fnv1a(""), "cbf29ce484222325");
        assert_eq!(fnv1a("a"), "af63dc4c8601ec8c");
    }
}
