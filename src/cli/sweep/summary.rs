//! sweep-summary.csv (docs/sweeps.md#sweep-summarycsv): per combination, each figure's
//! min, p50, p90, p99 and max over its seeds.
//!
//! Percentiles are nearest-rank: with the n values sorted ascending, the p-th percentile is
//! the value at 1-based rank ⌈p·n/100⌉ (rank 1 at least). It is always one of the runs'
//! values, so it is written with the figure's own fixed decimals and never interpolated.

use super::csv::RunResult;
use super::figures::{NUMERIC, format};
use super::plan::Grid;

/// The percentiles written, between min and max.
const PERCENTILES: [u64; 3] = [50, 90, 99];

/// The nearest-rank `p`-th percentile of `sorted` (ascending); None when empty.
pub fn nearest_rank(sorted: &[u64], p: u64) -> Option<u64> {
    let n = sorted.len() as u64;
    if n == 0 {
        return None;
    }
    let rank = (p * n).div_ceil(100).clamp(1, n);
    sorted.get(rank as usize - 1).copied()
}

/// sweep-summary.csv's header.
pub fn header(paths: &[String]) -> Vec<String> {
    let mut h = vec!["combination".to_string()];
    h.extend(paths.iter().cloned());
    h.extend(["runs", "completed_runs", "passed_runs"].map(String::from));
    for (name, _) in NUMERIC {
        h.push(format!("{name}_min"));
        for p in PERCENTILES {
            h.push(format!("{name}_p{p}"));
        }
        h.push(format!("{name}_max"));
    }
    h
}

/// One row per combination from every run's result (in run order).
pub fn rows(grid: &Grid, results: &[RunResult]) -> Vec<Vec<String>> {
    let mut by_combination: Vec<Vec<&RunResult>> = vec![Vec::new(); grid.combinations()];
    for r in results {
        if let Some(runs) = by_combination.get_mut(r.combination) {
            runs.push(r);
        }
    }
    by_combination
        .into_iter()
        .enumerate()
        .map(|(c, runs)| {
            let count = |f: fn(&RunResult) -> bool| runs.iter().filter(|r| f(r)).count();
            let mut row = vec![c.to_string()];
            row.extend(grid.values(c).into_iter().map(str::to_string));
            row.push(runs.len().to_string());
            row.push(count(|r| r.figures.completed).to_string());
            row.push(count(|r| r.figures.passed).to_string());
            for (i, (_, unit)) in NUMERIC.iter().enumerate() {
                let mut values: Vec<u64> =
                    runs.iter().filter_map(|r| r.figures.numeric()[i]).collect();
                values.sort_unstable();
                let cell = |v: Option<u64>| v.map(|v| format(*unit, v)).unwrap_or_default();
                row.push(cell(values.first().copied()));
                for p in PERCENTILES {
                    row.push(cell(nearest_rank(&values, p)));
                }
                row.push(cell(values.last().copied()));
            }
            row
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles_match_hand_computed_ranks() {
        // n = 10: p50 rank ⌈5⌉ = 5, p90 rank ⌈9⌉ = 9, p99 rank ⌈9.9⌉ = 10.
        let ten: Vec<u64> = (1..=10).map(|v| v * 10).collect();
        assert_eq!(nearest_rank(&ten, 50), Some(50));
        assert_eq!(nearest_rank(&ten, 90), Some(90));
        assert_eq!(nearest_rank(&ten, 99), Some(100));
        // n = 4 (values 3, 5, 8, 13): p50 rank 2 → 5, p90 rank ⌈3.6⌉ = 4 → 13.
        let four = [3, 5, 8, 13];
        assert_eq!(nearest_rank(&four, 50), Some(5));
        assert_eq!(nearest_rank(&four, 90), Some(13));
        // n = 1: every percentile is the value; rank never falls below 1.
        assert_eq!(nearest_rank(&[7], 50), Some(7));
        assert_eq!(nearest_rank(&[7], 0), Some(7));
        // n = 200: p99 rank 198, p50 rank 100.
        let many: Vec<u64> = (1..=200).collect();
        assert_eq!(nearest_rank(&many, 99), Some(198));
        assert_eq!(nearest_rank(&many, 50), Some(100));
        assert_eq!(nearest_rank(&[], 50), None);
    }
}
