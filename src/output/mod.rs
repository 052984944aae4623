//! The run's outputs (docs/outputs.md): events.csv, timeline.csv, transcript.txt and summary.json,
//! plus the transcript and expectation lines on stdout.
//!
//! Files are streamed as the run goes (never held whole in memory) and are byte-identical for
//! the same scenario and seed: no wall clock, no absolute path. Writing never panics: the first
//! I/O error is recorded, the failing file stops being written, and the run goes on so the
//! caller can report it and exit 2 (docs/outputs.md).

pub mod events;
pub mod expectations;
pub mod metrics;
pub mod peaks;
pub mod rollouts;
pub mod summary;
pub mod timeline;
pub mod transcript;

use indicatif::ProgressBar;
use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use crate::diag::did_you_mean;
use crate::etcd::Store;
use crate::model::meta::ObjRef;
use crate::scenario::Scenario;
use crate::sim::time::SimTime;

use crate::etcd::events::StoredEvent;
use events::EventLog;
use expectations::Expectations;
use metrics::Counters;
use rollouts::Rollouts;
use timeline::Timeline;
use transcript::Transcript;

/// Which optional files `--outputs` selects; summary.json is always written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutputSet {
    /// events.csv.
    pub events: bool,
    /// timeline.csv.
    pub timeline: bool,
    /// transcript.txt.
    pub transcript: bool,
}

impl Default for OutputSet {
    /// docs/outputs.md's default, `events,timeline,transcript,summary`.
    fn default() -> Self {
        OutputSet {
            events: true,
            timeline: true,
            transcript: true,
        }
    }
}

/// Every file a run writes into its output folder. A run removes those of them it does not
/// write itself — an earlier run's, left out of this one by `--outputs` — so the folder holds
/// only this run's files; files kubesim does not write are never touched.
pub const FILES: [&str; 4] = [
    "events.csv",
    "timeline.csv",
    "transcript.txt",
    "summary.json",
];

/// The names `--outputs` accepts.
const OUTPUT_NAMES: [&str; 4] = ["events", "timeline", "transcript", "summary"];

impl OutputSet {
    /// Parses `--outputs LIST`: comma-separated names from `events, timeline, transcript,
    /// summary`, repeats allowed. `summary` may be named alone, since summary.json is always
    /// written.
    pub fn parse(list: &str) -> Result<OutputSet, String> {
        let mut set = OutputSet {
            events: false,
            timeline: false,
            transcript: false,
        };
        for name in list.split(',').map(str::trim) {
            match name {
                "events" => set.events = true,
                "timeline" => set.timeline = true,
                "transcript" => set.transcript = true,
                "summary" => {}
                "" => {
                    return Err(format!(
                        "--outputs {list:?} has an empty name; outputs are {}",
                        OUTPUT_NAMES.join(", ")
                    ));
                }
                other => {
                    let mut msg = format!(
                        "unknown output {other:?} in --outputs; outputs are {}",
                        OUTPUT_NAMES.join(", ")
                    );
                    if let Some(s) = did_you_mean(other, OUTPUT_NAMES) {
                        msg.push_str(&format!(" (did you mean {s:?}?)"));
                    }
                    return Err(msg);
                }
            }
        }
        Ok(set)
    }
}

/// One CSV file being streamed; after its first write error it records the error and stops.
#[derive(Debug)]
pub(crate) struct CsvSink {
    file: &'static str,
    writer: Option<csv::Writer<File>>,
    error: Option<String>,
}

impl CsvSink {
    /// Creates `dir/file` and writes the header row.
    fn create(dir: &Path, file: &'static str, header: &[&str]) -> io::Result<CsvSink> {
        let f = File::create(dir.join(file))?;
        // csv's writer is buffered; `\n` ends and minimal RFC 4180 quoting (docs/outputs.md).
        let writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(f);
        let mut sink = CsvSink {
            file,
            writer: Some(writer),
            error: None,
        };
        sink.row(header);
        match sink.error.take() {
            Some(e) => Err(io::Error::other(e)),
            None => Ok(sink),
        }
    }

    /// A sink that writes nothing.
    pub(crate) fn none(file: &'static str) -> CsvSink {
        CsvSink {
            file,
            writer: None,
            error: None,
        }
    }

    /// Writes one row.
    pub(crate) fn row(&mut self, fields: &[&str]) {
        if let Some(w) = &mut self.writer
            && let Err(e) = w.write_record(fields)
        {
            self.fail(e.to_string());
        }
    }

    fn fail(&mut self, e: String) {
        self.writer = None;
        if self.error.is_none() {
            self.error = Some(format!("writing {}: {e}", self.file));
        }
    }

    /// Flushes buffered rows to the file.
    fn flush(&mut self) {
        if let Some(w) = &mut self.writer
            && let Err(e) = w.flush()
        {
            self.fail(e.to_string());
        }
    }

    fn take_error(&mut self) -> Option<String> {
        self.error.take()
    }
}

/// Writes `text` to stdout; a closed pipe is not an error worth stopping a run. With a
/// progress bar on stderr, the bar is wiped first and drawn again after, so that on a terminal
/// showing both the text never lands inside the bar's line.
fn write_stdout(text: &str, bar: Option<&ProgressBar>) -> Result<(), String> {
    let write = || {
        let mut out = io::stdout().lock();
        out.write_all(text.as_bytes()).and_then(|()| out.flush())
    };
    let r = match bar {
        Some(bar) => bar.suspend(write),
        None => write(),
    };
    match r {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(format!("writing to stdout: {e}")),
        _ => Ok(()),
    }
}

/// How a run ended, which summary.json reports.
pub struct RunEnd<'a> {
    /// The scenario run.
    pub scenario: &'a Scenario,
    /// The seed used (after `--seed`).
    pub seed: u64,
    /// Engine events handled.
    pub events_processed: u64,
    /// The expectations' verdicts.
    pub expectations: &'a Expectations,
    /// Why and when the run stopped, if it did not complete.
    pub stop: Option<&'a crate::sim::stop::Stop>,
    /// API Priority and Fairness figures per limited level.
    pub flow_control: Vec<crate::apiserver::flowcontrol::LevelStats>,
}

/// Every output writer of one run, and the incremental state summary.json and expectations
/// need (cluster counters, deployment availability, step exit codes).
#[derive(Debug)]
pub struct Outputs {
    dir: Option<std::path::PathBuf>,
    quiet: bool,
    /// Print to stdout and stderr at all (false for [`Outputs::discard`]).
    print: bool,
    /// The progress bar on stderr to step around when printing, if one is shown.
    bar: Option<ProgressBar>,
    events: EventLog,
    timeline: Timeline,
    rollouts: Rollouts,
    transcript: Transcript,
    /// Kept only for sweeps ([`Outputs::sweep`]).
    peaks: Option<peaks::Peaks>,
    io_error: Option<String>,
}

impl Default for Outputs {
    fn default() -> Self {
        Outputs::discard()
    }
}

impl Outputs {
    /// Creates `dir` if needed and the selected files in it, and writes their headers; removes
    /// the other [`FILES`] an earlier run left there. summary.json is written by
    /// [`Outputs::finish`], so an earlier one is removed now: a run that dies before then
    /// leaves no summary that is not its own.
    pub fn create(dir: &Path, outputs: &OutputSet, quiet: bool) -> io::Result<Outputs> {
        std::fs::create_dir_all(dir)?;
        let written = [outputs.events, outputs.timeline, outputs.transcript, false];
        for (file, written) in FILES.iter().zip(written) {
            if !written {
                match std::fs::remove_file(dir.join(file)) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                    _ => {}
                }
            }
        }
        let events = if outputs.events {
            EventLog::new(CsvSink::create(dir, "events.csv", &events::HEADER)?)
        } else {
            EventLog::new(CsvSink::none("events.csv"))
        };
        let timeline = if outputs.timeline {
            Timeline::new(CsvSink::create(dir, "timeline.csv", &timeline::HEADER)?)
        } else {
            Timeline::new(CsvSink::none("timeline.csv"))
        };
        let file = if outputs.transcript {
            Some(io::BufWriter::new(File::create(
                dir.join("transcript.txt"),
            )?))
        } else {
            None
        };
        Ok(Outputs {
            dir: Some(dir.to_path_buf()),
            quiet,
            print: true,
            bar: None,
            events,
            timeline,
            rollouts: Rollouts::default(),
            transcript: Transcript::new(file, !quiet),
            peaks: None,
            io_error: None,
        })
    }

    /// Outputs that write no file and print nothing, for tests and benches; the state that
    /// summary.json and expectations read is still kept.
    pub fn discard() -> Outputs {
        Outputs {
            dir: None,
            quiet: true,
            print: false,
            bar: None,
            events: EventLog::new(CsvSink::none("events.csv")),
            timeline: Timeline::new(CsvSink::none("timeline.csv")),
            rollouts: Rollouts::default(),
            transcript: Transcript::new(None, false),
            peaks: None,
            io_error: None,
        }
    }

    /// Like [`Outputs::discard`], but also keeping the [`peaks::Peaks`] a sweep reports.
    pub fn sweep() -> Outputs {
        Outputs {
            peaks: Some(peaks::Peaks::default()),
            ..Outputs::discard()
        }
    }

    /// The peaks kept by [`Outputs::sweep`] (None for any other outputs).
    pub fn peaks(&self) -> Option<&peaks::Peaks> {
        self.peaks.as_ref()
    }

    /// The first I/O error, if any; the run then exits 2 (docs/outputs.md).
    pub fn io_error(&self) -> Option<&str> {
        self.io_error.as_deref()
    }

    /// Prints around `bar` from now on (it is on stderr, which may be the same terminal).
    pub fn print_around(&mut self, bar: ProgressBar) {
        self.transcript.print_around(bar.clone());
        self.bar = Some(bar);
    }

    /// Whether stdout is silenced (`--quiet`).
    pub fn quiet(&self) -> bool {
        self.quiet
    }

    fn note(&mut self, e: Option<String>) {
        if self.io_error.is_none() {
            self.io_error = e;
        }
    }

    fn collect_errors(&mut self) {
        let e = self.events.sink.take_error();
        self.note(e);
        let e = self.timeline.sink.take_error();
        self.note(e);
        let e = self.transcript.take_error();
        self.note(e);
    }

    /// Timeline rows at the end of an instant, from the objects written in it, in first-write
    /// order.
    pub fn timeline_instant(&mut self, now: SimTime, store: &Store, changed: &[ObjRef]) {
        self.timeline.instant(now, store, changed);
        self.rollouts.instant(now, store, changed);
        if let Some(p) = &mut self.peaks {
            p.instant(now, store, changed, self.timeline.counters());
        }
        self.collect_errors();
    }

    /// One events.csv row.
    pub fn event(&mut self, e: &StoredEvent) {
        self.events.record(e);
        self.collect_errors();
    }

    /// The cluster counters and per-node pod counts, as of the last instant's end.
    pub fn counters(&self) -> &Counters {
        self.timeline.counters()
    }

    /// A step started at `at` (its `at:`): opens its transcript block.
    pub fn step_started(&mut self, step: u32, at: SimTime, command: &str) {
        self.transcript.started(step, at, command);
        self.collect_errors();
    }

    /// A step printed `text` (stdout and stderr merged in print order; may hold several lines).
    pub fn step_output(&mut self, step: u32, now: SimTime, text: &str) {
        self.transcript.output(step, now, text);
        self.collect_errors();
    }

    /// A step's command returned with exit status `code`.
    pub fn step_exited(&mut self, step: u32, now: SimTime, code: i32) {
        self.transcript.exited(step, now, code);
        self.collect_errors();
    }

    /// A step was stopped by `stopAfter` or by the end of the run (Ctrl-C).
    pub fn step_stopped(&mut self, step: u32, now: SimTime) {
        self.transcript.stopped(step, now);
        self.collect_errors();
    }

    /// Prints one expectation line: to stdout unless quiet; a failure goes to stderr when
    /// quiet (docs/outputs.md).
    pub(crate) fn expectation_line(&mut self, line: &str, passed: bool) {
        if !self.print {
            return;
        }
        if !self.quiet {
            let r = write_stdout(&format!("{line}\n"), self.bar.as_ref());
            self.note(r.err());
        } else if !passed {
            eprintln!("{line}");
        }
    }

    /// The run's summary.json object as of now, without writing it: what [`Outputs::finish`]
    /// writes, and what a sweep reads its figures from.
    pub fn summary(&self, end: RunEnd<'_>) -> summary::Summary {
        summary::build(
            end.scenario,
            end.seed,
            end.events_processed,
            summary::Recorded {
                timeline: &self.timeline,
                rollouts: &self.rollouts,
                transcript: &self.transcript,
            },
            end.expectations,
            end.stop,
            end.flow_control,
        )
    }

    /// Ends the run's output: flushes every file, writes summary.json and prints one line
    /// per rollout (docs/outputs.md#rollouts). Check [`Outputs::io_error`] afterwards.
    pub fn finish(&mut self, end: RunEnd<'_>) {
        self.events.sink.flush();
        self.timeline.sink.flush();
        self.transcript.flush();
        self.collect_errors();
        if let Some(dir) = self.dir.clone() {
            let s = self.summary(end);
            let r = summary::write(&dir.join("summary.json"), &s)
                .map_err(|e| format!("writing summary.json: {e}"));
            self.note(r.err());
            if self.print && !self.quiet {
                let mut text = String::new();
                for line in summary::rollout_lines(&s) {
                    text.push_str(&line);
                    text.push('\n');
                }
                let r = write_stdout(&text, self.bar.as_ref());
                self.note(r.err());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kind::Kind;

    #[test]
    fn outputs_list_parses_names_and_rejects_unknown_ones() {
        // docs/outputs.md: `--outputs` (default events,timeline,transcript,summary).
        assert_eq!(
            OutputSet::parse("events,timeline,transcript,summary"),
            Ok(OutputSet::default())
        );
        assert_eq!(
            OutputSet::parse("summary"),
            Ok(OutputSet {
                events: false,
                timeline: false,
                transcript: false
            })
        );
        assert_eq!(
            OutputSet::parse("timeline, events"),
            Ok(OutputSet {
                events: true,
                timeline: true,
                transcript: false
            })
        );
        let e = OutputSet::parse("events,timelne").unwrap_err();
        assert_eq!(
            e,
            "unknown output \"timelne\" in --outputs; outputs are events, timeline, transcript, summary (did you mean \"timeline\"?)"
        );
        assert!(OutputSet::parse("events,,timeline").is_err());
    }

    #[test]
    fn a_write_error_is_recorded_once_and_never_panics() {
        // /dev/full fails every write with ENOSPC (Linux).
        let Ok(full) = File::options().write(true).open("/dev/full") else {
            return;
        };
        let mut out = Outputs::discard();
        out.events.sink = CsvSink {
            file: "events.csv",
            writer: Some(csv::WriterBuilder::new().from_writer(full)),
            error: None,
        };
        out.event(&StoredEvent {
            object: "a".into(),
            stamp_ns: 0,
            time: SimTime(1),
            namespace: "default".into(),
            kind: Kind::Pod,
            warning: false,
            reason: "Pulled",
            source: "kubelet",
            host_plus_one: None,
            message: "m".into(),
        });
        out.events.sink.flush();
        out.collect_errors();
        let e = out.io_error().map(str::to_string);
        assert!(
            e.as_deref()
                .is_some_and(|e| e.starts_with("writing events.csv: ")),
            "{e:?}"
        );
        out.event(&StoredEvent {
            object: "b".into(),
            stamp_ns: 0,
            time: SimTime(2),
            namespace: "default".into(),
            kind: Kind::Pod,
            warning: false,
            reason: "Pulled",
            source: "kubelet",
            host_plus_one: None,
            message: "m".into(),
        });
        assert_eq!(out.io_error().map(str::to_string), e);
    }
}
