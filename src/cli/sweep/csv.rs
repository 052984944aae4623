//! sweep.csv (docs/sweeps.md#sweepcsv): one row per run, in run order. Written whole after
//! every run has finished, from results collected by run index, so the bytes never depend on
//! which thread finished first.

use std::io;
use std::path::Path;

use super::figures::{Figures, NUMERIC, format};

/// One finished run.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RunResult {
    /// Its index in the run list (combination-major, seed-minor).
    pub run: usize,
    /// Its combination's index.
    pub combination: usize,
    /// The seed.
    pub seed: u64,
    /// What it measured.
    pub figures: Figures,
}

/// sweep.csv's header: the combination, one column per `--set` PATH, the seed, the figures.
pub fn header(paths: &[String]) -> Vec<String> {
    let mut h = vec!["combination".to_string()];
    h.extend(paths.iter().cloned());
    h.push("seed".into());
    h.push("completed".into());
    h.extend(NUMERIC[..7].iter().map(|(n, _)| n.to_string()));
    h.push("passed".into());
    h.push(NUMERIC[7].0.to_string());
    h
}

/// A run's row; `values` are its combination's `--set` values as written.
pub fn row(r: &RunResult, values: &[&str]) -> Vec<String> {
    let f = &r.figures;
    let mut row = vec![r.combination.to_string()];
    row.extend(values.iter().map(|v| v.to_string()));
    row.push(r.seed.to_string());
    row.push(f.completed.to_string());
    let numeric = f.numeric();
    for ((_, unit), v) in NUMERIC.iter().zip(numeric).take(7) {
        row.push(v.map(|v| format(*unit, v)).unwrap_or_default());
    }
    row.push(f.passed.to_string());
    row.push(f.events_processed.to_string());
    row
}

/// Writes `rows` under `header` to `path` as docs/outputs.md's CSV: `\n` line ends, RFC 4180
/// quoting only where needed.
pub fn write(path: &Path, header: &[String], rows: &[Vec<String>]) -> io::Result<()> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .quote_style(::csv::QuoteStyle::Necessary)
        .from_path(path)?;
    w.write_record(header)?;
    for r in rows {
        w.write_record(r)?;
    }
    w.flush()
}
