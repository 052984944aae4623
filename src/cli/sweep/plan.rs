//! The run list of a sweep (docs/sweeps.md#order): every combination of the `--set` values,
//! the first flag outermost and the last varying fastest, times every seed, seeds innermost.
//! Run `r` is combination `r / seeds` with seed `first + r % seeds`.

use std::path::{Path, PathBuf};

use super::set::SetFlag;
use crate::manifest::yaml::{Limits, parse_stream};

/// The most runs one sweep may list (a guard against a typo such as `--seeds 1..1000000000`).
pub const MAX_RUNS: u64 = 1_000_000;

/// `--seeds A..B` (both included) or `--seeds N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Seeds {
    /// The first seed.
    pub first: u64,
    /// The last seed (included).
    pub last: u64,
}

impl Seeds {
    /// Parses the flag's value; the error names the flag.
    pub fn parse(text: &str) -> Result<Seeds, String> {
        let bad = || {
            format!("--seeds {text:?}: want A..B (both included, A <= B) or one seed, e.g. 1..20")
        };
        let (a, b) = text.split_once("..").unwrap_or((text, text));
        let first = a.trim().parse::<u64>().map_err(|_| bad())?;
        let last = b.trim().parse::<u64>().map_err(|_| bad())?;
        if last < first {
            return Err(bad());
        }
        Ok(Seeds { first, last })
    }

    /// How many seeds.
    pub fn count(&self) -> u64 {
        self.last - self.first + 1
    }
}

/// The sweep's shape: the `--set` paths with their values, and the seeds. All that is
/// needed to name a run, so a shard manifest carries it and `sweep merge` rebuilds the
/// unsharded files from it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Grid {
    /// Per `--set` flag in order: PATH and its values as written.
    pub sets: Vec<(String, Vec<String>)>,
    /// The seeds.
    pub seeds: Seeds,
}

impl Grid {
    /// How many combinations.
    pub fn combinations(&self) -> usize {
        self.sets.iter().map(|(_, v)| v.len()).product()
    }

    /// How many runs.
    pub fn runs(&self) -> usize {
        self.combinations() * self.seeds.count() as usize
    }

    /// Run `r`'s combination index and seed.
    pub fn run(&self, r: usize) -> (usize, u64) {
        let n = self.seeds.count() as usize;
        (r / n, self.seeds.first + (r % n) as u64)
    }

    /// Per flag, the index of combination `c`'s value: the last flag varies fastest.
    fn choice(&self, c: usize) -> Vec<usize> {
        let mut choice = vec![0; self.sets.len()];
        let mut rest = c;
        for (i, (_, values)) in choice.iter_mut().zip(&self.sets).rev() {
            *i = rest % values.len().max(1);
            rest /= values.len().max(1);
        }
        choice
    }

    /// The `--set` paths: sweep.csv's parameter columns.
    pub fn paths(&self) -> Vec<String> {
        self.sets.iter().map(|(p, _)| p.clone()).collect()
    }

    /// The `--set` values of combination `c`, as written.
    pub fn values(&self, c: usize) -> Vec<&str> {
        self.sets
            .iter()
            .zip(self.choice(c))
            .map(|((_, values), i)| values.get(i).map_or("", String::as_str))
            .collect()
    }

    /// `--set PATH=VALUE …` of combination `c`, for messages.
    pub fn describe(&self, c: usize) -> String {
        self.sets
            .iter()
            .zip(self.values(c))
            .map(|((p, _), v)| format!("--set {p}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Everything a sweep runs.
#[derive(Debug)]
pub struct Plan {
    /// The scenario file as named.
    pub path: PathBuf,
    /// Paths, values and seeds.
    pub grid: Grid,
    /// Per combination, the scenario text with its values.
    pub texts: Vec<String>,
}

impl Plan {
    /// Builds every combination's scenario text from the file at `path`.
    pub fn new(
        path: &Path,
        text: String,
        sets: Vec<SetFlag>,
        seeds: Seeds,
    ) -> Result<Plan, String> {
        let count = sets
            .iter()
            .try_fold(1u64, |n, s| n.checked_mul(s.values.len() as u64));
        let runs = count.and_then(|c| c.checked_mul(seeds.count()));
        if runs.is_none_or(|r| r > MAX_RUNS) {
            return Err(format!(
                "the sweep lists more than {MAX_RUNS} runs (--set combinations × --seeds)"
            ));
        }
        let grid = Grid {
            sets: sets
                .iter()
                .map(|s| (s.path.clone(), s.values.clone()))
                .collect(),
            seeds,
        };
        let tree = if sets.is_empty() {
            None
        } else {
            // The caller has checked that the YAML reads; an empty file has no tree to edit
            // and goes to the scenario check as it is.
            parse_stream(&text, &Limits::default())
                .docs
                .into_iter()
                .next()
        };
        let mut texts = Vec::with_capacity(grid.combinations());
        for c in 0..grid.combinations() {
            texts.push(match &tree {
                Some(root) => {
                    let mut t = root.clone();
                    for (s, i) in sets.iter().zip(grid.choice(c)) {
                        s.apply(&mut t, i)?;
                    }
                    super::emit::to_yaml(&t)?
                }
                None => text.clone(),
            });
        }
        Ok(Plan {
            path: path.to_path_buf(),
            grid,
            texts,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_are_a_closed_range_or_one_seed() {
        assert_eq!(Seeds::parse("1..20").unwrap().count(), 20);
        assert_eq!(Seeds::parse("7").unwrap(), Seeds { first: 7, last: 7 });
        assert!(Seeds::parse("5..4").is_err());
        assert!(Seeds::parse("a..4").is_err());
        assert!(Seeds::parse("1..").is_err());
    }

    #[test]
    fn the_last_set_varies_fastest_and_seeds_are_innermost() {
        let sets = vec![
            SetFlag::parse("a=1,2").unwrap(),
            SetFlag::parse("b=x,y,z").unwrap(),
        ];
        let plan = Plan::new(
            Path::new("s.yaml"),
            "a: 0\nb: w\n".into(),
            sets,
            Seeds::parse("10..11").unwrap(),
        )
        .unwrap();
        let g = &plan.grid;
        assert_eq!(g.runs(), 2 * 3 * 2);
        assert_eq!(g.values(0), ["1", "x"]);
        assert_eq!(g.values(1), ["1", "y"]);
        assert_eq!(g.values(3), ["2", "x"]);
        assert_eq!(g.run(0), (0, 10));
        assert_eq!(g.run(1), (0, 11));
        assert_eq!(g.run(7), (3, 11));
        assert_eq!(plan.texts[3], "a: 2\nb: x\n");
    }
}
