//! `kubesim run`'s progress bar on stderr: virtual time reached of the scenario's `duration`,
//! events per wall-clock second and live pods.
//!
//! It is fed by the run's [`ProgressHook`] and reads the wall clock, so it writes to stderr
//! only and never to a file or stdout (docs/determinism.md). By default it appears only when
//! stderr is a terminal, `--quiet` is not given and the run has lasted a second of wall time;
//! `KUBESIM_PROGRESS` overrides the terminal test (docs/outputs.md#progress-bar).

use crate::cluster::{Progress, ProgressHook};
use indicatif::{HumanCount, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// The variable that overrides the terminal test.
pub const ENV: &str = "KUBESIM_PROGRESS";

/// Wall time before the bar appears in `auto` mode: a short run finishes without one.
const DELAY: Duration = Duration::from_secs(1);

/// Least wall time between two redraws (indicatif limits drawing too, but this also saves
/// formatting the message).
const REDRAW: Duration = Duration::from_millis(100);

/// Least wall time over which events per second are measured, so the figure does not jitter.
const RATE_WINDOW: Duration = Duration::from_millis(500);

/// When the bar is shown, from `KUBESIM_PROGRESS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Unset or `auto`: when stderr is a terminal, after a second of wall time.
    Auto,
    /// `always`: even when stderr is not a terminal, from the start (for tests and logs).
    Always,
    /// `never`: not at all.
    Never,
}

impl Mode {
    /// Reads `KUBESIM_PROGRESS`; an unknown value is an error naming the variable.
    pub fn from_env() -> Result<Mode, String> {
        match std::env::var(ENV) {
            Err(std::env::VarError::NotPresent) => Ok(Mode::Auto),
            Ok(v) => Mode::parse(&v),
            Err(std::env::VarError::NotUnicode(v)) => {
                Err(format!("{ENV}: expected auto, always or never, got {v:?}"))
            }
        }
    }

    fn parse(value: &str) -> Result<Mode, String> {
        match value {
            "" | "auto" => Ok(Mode::Auto),
            "always" => Ok(Mode::Always),
            "never" => Ok(Mode::Never),
            other => Err(format!(
                "{ENV}: expected auto, always or never, got {other:?}"
            )),
        }
    }
}

/// The bar of one run; [`RunBar::hook`] feeds it, [`RunBar::clear`] removes it.
pub struct RunBar {
    bar: ProgressBar,
}

impl RunBar {
    /// The bar for a run, or None when it must not be shown (`--quiet`, `never`, or `auto`
    /// with stderr not a terminal). It starts hidden.
    pub fn new(mode: Mode, quiet: bool) -> Option<RunBar> {
        let show = match mode {
            _ if quiet => false,
            Mode::Never => false,
            Mode::Always => true,
            Mode::Auto => std::io::stderr().is_terminal(),
        };
        show.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            let style = ProgressStyle::with_template("{msg} [{wide_bar}]")
                .expect("a valid template") // ok: a constant template, not input
                .progress_chars("=> ");
            bar.set_style(style);
            RunBar { bar }
        })
    }

    /// A handle on the bar for whatever prints to stdout while it is shown.
    pub fn handle(&self) -> ProgressBar {
        self.bar.clone()
    }

    /// The hook to give the run. `mode` decides when the bar becomes visible.
    pub fn hook(&self, mode: Mode) -> ProgressHook {
        let bar = self.bar.clone();
        let started = Instant::now();
        let (delay, target): (Duration, fn() -> ProgressDrawTarget) = match mode {
            // indicatif's stderr target draws only on a terminal; `always` must draw on a pipe.
            Mode::Always => (Duration::ZERO, || {
                ProgressDrawTarget::term_like_with_hz(
                    Box::new(console::Term::buffered_stderr()),
                    10,
                )
            }),
            Mode::Auto | Mode::Never => (DELAY, ProgressDrawTarget::stderr),
        };
        let mut shown = false;
        let mut last_draw: Option<Instant> = None;
        let mut rate = Rate::new(started);
        Box::new(move |p: Progress| {
            let now = Instant::now();
            rate.sample(now, p.events);
            if !shown {
                if now.duration_since(started) < delay {
                    return;
                }
                bar.set_draw_target(target());
                bar.set_length(p.end.as_micros() / 1000);
                shown = true;
            } else if last_draw.is_some_and(|t| now.duration_since(t) < REDRAW) {
                return;
            }
            last_draw = Some(now);
            bar.set_position(p.now.as_micros() / 1000);
            bar.set_message(message(&p, rate.per_sec));
        })
    }

    /// Removes the bar from the terminal, before the run's last lines are printed.
    pub fn clear(self) {
        self.bar.finish_and_clear();
    }
}

/// The bar's text: `virtual 12.3s of 600s  45,678 ev/s  9,000 pods`.
fn message(p: &Progress, per_sec: u64) -> String {
    format!(
        "virtual {:.1}s of {}s  {} ev/s  {} pods",
        p.now.as_micros() as f64 / 1e6,
        p.end.as_micros() / 1_000_000,
        HumanCount(per_sec),
        HumanCount(p.live_pods as u64)
    )
}

/// Events per wall-clock second over the last [`RATE_WINDOW`] or more.
struct Rate {
    since: Instant,
    events: u64,
    per_sec: u64,
}

impl Rate {
    fn new(start: Instant) -> Rate {
        Rate {
            since: start,
            events: 0,
            per_sec: 0,
        }
    }

    fn sample(&mut self, now: Instant, events: u64) {
        let dt = now.duration_since(self.since);
        if dt >= RATE_WINDOW {
            self.per_sec = ((events - self.events) as f64 / dt.as_secs_f64()) as u64;
            self.since = now;
            self.events = events;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::time::SimTime;

    #[test]
    fn the_variable_takes_three_words_and_names_itself_otherwise() {
        assert_eq!(Mode::parse("always"), Ok(Mode::Always));
        assert_eq!(Mode::parse("never"), Ok(Mode::Never));
        assert_eq!(Mode::parse("auto"), Ok(Mode::Auto));
        assert_eq!(Mode::parse(""), Ok(Mode::Auto));
        let e = Mode::parse("yes").unwrap_err();
        assert!(
            e.starts_with("KUBESIM_PROGRESS:") && e.contains("\"yes\""),
            "{e}"
        );
    }

    #[test]
    fn quiet_or_never_means_no_bar_whatever_the_terminal() {
        assert!(RunBar::new(Mode::Always, true).is_none());
        assert!(RunBar::new(Mode::Never, false).is_none());
        assert!(RunBar::new(Mode::Always, false).is_some());
    }

    #[test]
    fn the_text_gives_virtual_time_of_duration_rate_and_pods() {
        let p = Progress {
            now: SimTime(12_345_678),
            end: SimTime(600_000_000),
            events: 1,
            live_pods: 30_000,
        };
        assert_eq!(
            message(&p, 1_234_567),
            "virtual 12.3s of 600s  1,234,567 ev/s  30,000 pods"
        );
    }

    #[test]
    fn the_rate_is_events_over_the_window_and_waits_for_a_full_window() {
        let t0 = Instant::now();
        let mut r = Rate::new(t0);
        r.sample(t0 + Duration::from_millis(100), 10_000);
        assert_eq!(r.per_sec, 0, "a tenth of a second is not a window yet");
        r.sample(t0 + Duration::from_secs(2), 100_000);
        assert_eq!(r.per_sec, 50_000, "100,000 events in 2 s");
        r.sample(t0 + Duration::from_secs(3), 130_000);
        assert_eq!(r.per_sec, 30_000, "30,000 more in the next second");
    }
}
