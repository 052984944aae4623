//! transcript.txt: what the steps' terminals would show, in virtual-time order (docs/outputs.md),
//! echoed to stdout as it is produced unless `--quiet`.
//!
//! Each step is a terminal of its own; the transcript interleaves them as one scrollback.
//! Layout decisions (docs/outputs.md leaves them open):
//! - every started step gets its header line, even if the command prints nothing, because a
//!   user sees the command they typed; the header's time is the step's `at`;
//! - output that does not end in a newline gets one, so the next header starts a line;
//! - `[exit N]` and `(stopped)` belong to the step's block: when another step printed since,
//!   `[exit N]` follows a `(continued)` header, and `(stopped)` starts its own block;
//! - blocks are separated by exactly one empty line; a `(stopped)` line directly after its
//!   own step's output closes that block without a blank line.

use std::fs::File;
use std::io::{BufWriter, Write};

use indicatif::ProgressBar;

use crate::sim::time::SimTime;

/// What summary.json reports about a step.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepRecord {
    /// The command as printed.
    pub command: String,
    /// When it started.
    pub started: Option<SimTime>,
    /// Exit status once the command returned (None while running or when stopped).
    pub exit_code: Option<i32>,
    /// Stopped by `stopAfter` or the end of the run.
    pub stopped: bool,
}

/// The transcript writer.
#[derive(Debug)]
pub struct Transcript {
    file: Option<BufWriter<File>>,
    echo: bool,
    /// The progress bar to step around when echoing.
    bar: Option<ProgressBar>,
    error: Option<String>,
    steps: Vec<StepRecord>,
    /// The step whose block is the last one written.
    last: Option<u32>,
    wrote_any: bool,
}

impl Transcript {
    /// Writes to `file` (if selected) and, when `echo`, to stdout.
    pub(crate) fn new(file: Option<BufWriter<File>>, echo: bool) -> Transcript {
        Transcript {
            file,
            echo,
            bar: None,
            error: None,
            steps: Vec::new(),
            last: None,
            wrote_any: false,
        }
    }

    /// Echoes around `bar` from now on.
    pub(crate) fn print_around(&mut self, bar: ProgressBar) {
        self.bar = Some(bar);
    }

    /// Every step seen so far, indexed by step number.
    pub fn steps(&self) -> &[StepRecord] {
        &self.steps
    }

    fn emit(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.wrote_any = true;
        if let Some(f) = &mut self.file
            && let Err(e) = f.write_all(text.as_bytes())
        {
            self.file = None;
            self.error
                .get_or_insert_with(|| format!("writing transcript.txt: {e}"));
        }
        if self.echo
            && let Err(e) = super::write_stdout(text, self.bar.as_ref())
        {
            self.echo = false;
            self.error.get_or_insert(e);
        }
    }

    fn record(&mut self, step: u32) -> &mut StepRecord {
        let i = step as usize;
        if self.steps.len() <= i {
            self.steps.resize_with(i + 1, StepRecord::default);
        }
        &mut self.steps[i]
    }

    fn command(&self, step: u32) -> String {
        self.steps
            .get(step as usize)
            .map(|s| s.command.clone())
            .unwrap_or_default()
    }

    /// Starts a block: the separating empty line (if anything came before) and a header.
    fn header(&mut self, step: u32, t: SimTime, tag: &str) {
        let sep = if self.wrote_any { "\n" } else { "" };
        let cmd = self.command(step);
        self.emit(&format!("{sep}[t={}] {tag}$ {cmd}\n", t.millis3()));
        self.last = Some(step);
    }

    /// A `(continued)` header unless this step's block is the last one.
    fn continue_block(&mut self, step: u32, now: SimTime) {
        if self.last != Some(step) {
            self.header(step, now, "(continued) ");
        }
    }

    pub(crate) fn started(&mut self, step: u32, at: SimTime, command: &str) {
        let r = self.record(step);
        r.command = command.to_string();
        r.started = Some(at);
        self.header(step, at, "");
    }

    pub(crate) fn output(&mut self, step: u32, now: SimTime, text: &str) {
        if text.is_empty() {
            return;
        }
        self.continue_block(step, now);
        // One write with its line end: a progress bar on the same terminal is drawn again
        // after each write, which must leave the cursor at the start of a line.
        if text.ends_with('\n') {
            self.emit(text);
        } else {
            self.emit(&format!("{text}\n"));
        }
    }

    pub(crate) fn exited(&mut self, step: u32, now: SimTime, code: i32) {
        self.record(step).exit_code = Some(code);
        if code != 0 {
            self.continue_block(step, now);
            self.emit(&format!("[exit {code}]\n"));
        }
    }

    pub(crate) fn stopped(&mut self, step: u32, now: SimTime) {
        self.record(step).stopped = true;
        if self.last == Some(step) {
            let cmd = self.command(step);
            self.emit(&format!("[t={}] (stopped) $ {cmd}\n", now.millis3()));
        } else {
            self.header(step, now, "(stopped) ");
        }
    }

    pub(crate) fn flush(&mut self) {
        if let Some(f) = &mut self.file
            && let Err(e) = f.flush()
        {
            self.file = None;
            self.error
                .get_or_insert_with(|| format!("writing transcript.txt: {e}"));
        }
    }

    pub(crate) fn take_error(&mut self) -> Option<String> {
        self.error.take()
    }
}

#[cfg(test)]
mod tests {
    use crate::output::{OutputSet, Outputs};
    use crate::sim::time::SimTime;

    fn s(secs: u64, ms: u64) -> SimTime {
        SimTime(secs * 1_000_000 + ms * 1000)
    }

    #[test]
    fn steps_interleave_with_continued_exit_and_stopped_blocks() {
        // docs/outputs.md transcript rules: header `[t=SECONDS.mmm] $ COMMAND` (truncated),
        // output unprefixed, `[exit N]` after a non-zero exit, `(continued)` when a running
        // step prints after another printed, `(stopped)` at Ctrl-C, one empty line between
        // blocks.
        let dir = tempfile::tempdir().unwrap();
        let set = OutputSet {
            events: false,
            timeline: false,
            transcript: true,
        };
        let mut out = Outputs::create(dir.path(), &set, true).unwrap();
        // Step 0 watches pods; step 1 deletes a missing deployment; step 2 prints nothing.
        out.step_started(0, SimTime::ZERO, "kubectl get pods --watch");
        out.step_output(
            0,
            SimTime(1_500),
            "NAME   READY   STATUS    RESTARTS   AGE\n",
        );
        out.step_started(1, SimTime(2_000_999), "kubectl delete deployment nope");
        out.step_output(
            1,
            SimTime(2_010_000),
            "Error from server (NotFound): deployments.apps \"nope\" not found",
        );
        out.step_exited(1, SimTime(2_010_000), 1);
        out.step_output(0, s(3, 250), "web-1   0/1     Pending   0          0s\n");
        out.step_output(
            0,
            s(3, 400),
            "web-1   0/1     ContainerCreating   0          0s\n",
        );
        out.step_started(2, s(4, 0), "kubectl scale deployment/web --replicas=0");
        out.step_exited(2, s(4, 20), 0);
        out.step_stopped(0, s(60, 0));
        // A stopped step whose block is the last one closes it without a blank line.
        out.step_started(3, s(61, 0), "kubectl get pods --watch");
        out.step_output(3, s(61, 5), "No resources found in default namespace.\n");
        out.step_stopped(3, s(70, 0));
        out.transcript.flush();
        assert!(out.io_error().is_none());
        let text = std::fs::read_to_string(dir.path().join("transcript.txt")).unwrap();
        let expected = "\
[t=0.000] $ kubectl get pods --watch
NAME   READY   STATUS    RESTARTS   AGE

[t=2.000] $ kubectl delete deployment nope
Error from server (NotFound): deployments.apps \"nope\" not found
[exit 1]

[t=3.250] (continued) $ kubectl get pods --watch
web-1   0/1     Pending   0          0s
web-1   0/1     ContainerCreating   0          0s

[t=4.000] $ kubectl scale deployment/web --replicas=0

[t=60.000] (stopped) $ kubectl get pods --watch

[t=61.000] $ kubectl get pods --watch
No resources found in default namespace.
[t=70.000] (stopped) $ kubectl get pods --watch
";
        assert_eq!(text, expected);
        let steps = out.transcript.steps();
        assert_eq!(steps[0].exit_code, None);
        assert!(steps[0].stopped);
        assert_eq!(steps[1].exit_code, Some(1));
        assert_eq!(steps[2].exit_code, Some(0));
    }

    #[test]
    fn a_late_non_zero_exit_is_attributed_with_a_continued_header() {
        // docs/outputs.md: `[exit N]` belongs to its step; another step printed in between.
        let dir = tempfile::tempdir().unwrap();
        let set = OutputSet {
            events: false,
            timeline: false,
            transcript: true,
        };
        let mut out = Outputs::create(dir.path(), &set, true).unwrap();
        out.step_started(0, SimTime::ZERO, "kubectl delete pod web");
        out.step_output(0, SimTime(1), "pod \"web\" deleted\n");
        out.step_started(1, SimTime(2), "kubectl get pods");
        out.step_exited(1, SimTime(3), 0);
        out.step_exited(0, s(30, 0), 1);
        out.transcript.flush();
        let text = std::fs::read_to_string(dir.path().join("transcript.txt")).unwrap();
        assert_eq!(
            text,
            "[t=0.000] $ kubectl delete pod web\n\
             pod \"web\" deleted\n\
             \n\
             [t=0.000] $ kubectl get pods\n\
             \n\
             [t=30.000] (continued) $ kubectl delete pod web\n\
             [exit 1]\n"
        );
        assert_eq!(out.transcript.steps()[0].exit_code, Some(1));
    }
}
