//! Running the `kubesim` binary on scenarios written to temporary folders.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What one run left behind.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub out: PathBuf,
    _dir: tempfile::TempDir,
}

impl Run {
    pub fn file(&self, name: &str) -> String {
        std::fs::read_to_string(self.out.join(name)).unwrap_or_default()
    }

    pub fn events(&self) -> Vec<Vec<String>> {
        csv_rows(&self.file("events.csv"))
    }

    pub fn timeline(&self) -> Vec<Vec<String>> {
        csv_rows(&self.file("timeline.csv"))
    }
}

pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    r.records()
        .map(|rec| rec.expect("valid csv").iter().map(str::to_string).collect())
        .collect()
}

/// Asserts that a CSV file is whole — it ends with a line end and every row has the header's
/// number of fields — and returns its rows after the header.
pub fn whole_csv(path: &Path) -> usize {
    let text = std::fs::read_to_string(path).expect("the CSV file exists");
    assert!(text.ends_with('\n'), "{} ends mid-line", path.display());
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let columns = r.headers().expect("a header").len();
    let mut rows = 0;
    for rec in r.records() {
        let rec = rec.expect("valid csv");
        assert_eq!(rec.len(), columns, "{}: {rec:?}", path.display());
        rows += 1;
    }
    rows
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_kubesim")
}

/// The repository root (for bundled scenarios).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Writes `scenario` (and extra files) to a temporary folder and runs it.
pub fn run_yaml(scenario: &str, files: &[(&str, &str)], args: &[&str]) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        let p = dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, text).expect("write file");
    }
    let path = dir.path().join("scenario.yaml");
    std::fs::write(&path, scenario).expect("write scenario");
    run_path(&path, dir, args)
}

/// Runs a scenario file (e.g. a bundled one) with the outputs in a temporary folder.
pub fn run_file(path: &Path, args: &[&str]) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    run_path(path, dir, args)
}

fn run_path(path: &Path, dir: tempfile::TempDir, args: &[&str]) -> Run {
    let out = dir.path().join("out");
    let o = Command::new(bin())
        .arg("run")
        .arg(path)
        .arg("--out")
        .arg(&out)
        .args(args)
        .output()
        .expect("run kubesim");
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        out,
        _dir: dir,
    }
}

/// A CSV time column (seconds) as a number.
pub fn seconds(t: &str) -> f64 {
    t.parse().expect("a time")
}

/// A small cluster and a prelude every scenario shares.
pub fn scenario(name: &str, duration: &str, nodes: u32, steps: &str) -> String {
    format!(
        "name: {name}\nduration: {duration}\ncluster:\n  nodePools:\n  - name: pool1\n    count: {nodes}\n{steps}"
    )
}

/// The transcript block (output lines) of the first step whose header is `command`.
pub fn block<'a>(transcript: &'a str, command: &str) -> Vec<&'a str> {
    let header = format!("$ {command}");
    let mut lines = transcript.lines();
    for l in lines.by_ref() {
        if l.starts_with("[t=") && l.ends_with(&header) {
            break;
        }
    }
    lines
        .take_while(|l| !l.is_empty() && !l.starts_with("[t="))
        .collect()
}
