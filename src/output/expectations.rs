//! Expectations (docs/expectations.md): checks of the simulated cluster's state over windows of
//! virtual time, settled as the run goes and reported as `PASS|FAIL` lines and in
//! summary.json.
//!
//! Like an e2e test's `wait.PollUntil` but without polling: a condition is read at the end of
//! every instant in which something was written (only then can a value change) and at its
//! window's edges, for which the run schedules `Event::ExpectEdge` from [`Expectations::edges`]
//! so that an instant exists there. `at T` reads the state at T; `during A..B` fails when the
//! condition is false at some instant in [A, B] and passes at B; `within` passes at
//! the first instant where it holds and fails at B.
//!
//! Decisions where docs/expectations.md is open:
//! - an object that does not exist reads `exists` as 0 and has no other value, so only
//!   comparisons on `exists` can hold (`exists == 0`, also `exists != 1` or `exists < 1`);
//! - reasons: `was 6 at 120.000000s` (`at`, and the first failing instant of `during`, which
//!   is decided at its window's end and adds `; worst 4 at 121.000000s` when a later value
//!   was farther from holding),
//!   `held from 60.000000s to 120.000000s` (`during`), `held at 41.234567s` and
//!   `never held; last value 5` (`within`); a missing object reads
//!   `deployment/web does not exist at 3.000000s` or `never held; deployment/web does not exist`;
//! - `<when>` in the printed line is the form and the canonical window: `within 0s..3m`.

use crate::etcd::Store;
use crate::model::meta::ObjRef;
use crate::output::metrics::{Counters, MetricValue, metric_value};
use crate::scenario::{CondValue, Condition, Expectation, Metric, Op, Window};
use crate::sim::time::SimTime;

/// An expectation's outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Whether it held.
    pub passed: bool,
    /// Why, for the PASS/FAIL line and summary.json.
    pub reason: String,
}

/// What a condition read.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Observed {
    Missing,
    Value(MetricValue),
}

/// Every expectation of the scenario and its state.
#[derive(Debug, Default)]
pub struct Expectations {
    list: Vec<Expectation>,
    verdicts: Vec<Option<Verdict>>,
    /// Read at least once inside its window.
    started: Vec<bool>,
    /// The last reading (for `within`'s failure reason).
    last: Vec<Option<Observed>>,
    /// A `during` that failed: its first violation, and its worst one so far.
    failing: Vec<Option<Failing>>,
    /// Each target's last resolution by name ([`metric_value`]).
    resolved: Vec<Option<(ObjRef, u64)>>,
}

/// A failed `during` until its window ends: the first false instant's reason, and the value
/// farthest from holding with its instant (integer metrics only).
#[derive(Clone, Debug)]
struct Failing {
    first: String,
    first_value: Option<i64>,
    worst: Option<(i64, u64)>,
}

/// Whether `new` is farther from satisfying `op b` than `old`: larger for `<`/`<=`, smaller
/// for `>`/`>=`, farther from `b` for `==`; `!=` has one failing value.
fn worse(op: Op, b: i64, new: i64, old: i64) -> bool {
    match op {
        Op::Lt | Op::Le => new > old,
        Op::Gt | Op::Ge => new < old,
        Op::Eq => (new - b).abs() > (old - b).abs(),
        Op::Ne => false,
    }
}

/// The window's first and last instant in µs.
fn bounds(w: Window) -> (u64, u64) {
    match w {
        Window::At(t) => (t, t),
        Window::During(a, b) | Window::Within(a, b) => (a, b),
    }
}

fn secs(t: u64) -> String {
    format!("{}s", SimTime(t).csv())
}

/// Reads the condition's value and compares it.
fn check(
    c: &Condition,
    store: &Store,
    counters: &Counters,
    cache: &mut Option<(ObjRef, u64)>,
) -> (bool, Observed) {
    let v = metric_value(store, counters, &c.target, c.metric, cache);
    let missing = match &v {
        None => true,
        Some(MetricValue::Int(0)) => c.metric == Metric::Exists,
        Some(_) => false,
    };
    let holds = match (&v, &c.value) {
        (Some(MetricValue::Int(a)), CondValue::Int(b)) => c.op.holds(*a, *b),
        (Some(MetricValue::Word(a)), CondValue::Word(b)) => match c.op {
            Op::Eq => a == b,
            Op::Ne => a != b,
            _ => false,
        },
        _ => false,
    };
    let obs = match v {
        Some(v) if !missing => Observed::Value(v),
        _ => Observed::Missing,
    };
    (holds, obs)
}

fn describe(c: &Condition, obs: &Observed, t: u64) -> String {
    match obs {
        Observed::Value(v) => format!("was {v} at {}", secs(t)),
        Observed::Missing => format!("{} does not exist at {}", c.target, secs(t)),
    }
}

impl Expectations {
    /// Takes the scenario's expectations, in file order.
    pub fn new(list: Vec<Expectation>) -> Expectations {
        let n = list.len();
        Expectations {
            list,
            verdicts: vec![None; n],
            started: vec![false; n],
            last: vec![None; n],
            failing: vec![None; n],
            resolved: vec![None; n],
        }
    }

    /// The instants at which an `Event::ExpectEdge(i)` must be scheduled: `at`'s instant, and
    /// the first and last instant of each range, sorted by time then index.
    pub fn edges(&self) -> Vec<(SimTime, u32)> {
        let mut v: Vec<(SimTime, u32)> = Vec::new();
        for (i, e) in self.list.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            let (a, b) = bounds(e.window);
            v.push((SimTime(a), i));
            if b != a {
                v.push((SimTime(b), i));
            }
        }
        v.sort();
        v
    }

    /// Evaluates the open expectations at the end of the instant `now`; `any_changed` says
    /// whether any object was written in it.
    pub fn evaluate_at(
        &mut self,
        now: SimTime,
        any_changed: bool,
        store: &Store,
        counters: &Counters,
    ) {
        for i in 0..self.list.len() {
            self.evaluate_one(i, now.as_micros(), any_changed, store, counters, false);
        }
    }

    /// Settles every expectation still open at the end of the run (`now`), reading the final
    /// state as the state at each window's end (correct whenever no instant passed unseen
    /// after the window, which the edges guarantee).
    pub fn settle(&mut self, now: SimTime, store: &Store, counters: &Counters) {
        for i in 0..self.list.len() {
            self.evaluate_one(i, now.as_micros(), true, store, counters, true);
        }
    }

    fn decide(&mut self, i: usize, passed: bool, reason: String) {
        if let Some(v) = self.verdicts.get_mut(i) {
            *v = Some(Verdict { passed, reason });
        }
    }

    fn evaluate_one(
        &mut self,
        i: usize,
        now: u64,
        any: bool,
        store: &Store,
        counters: &Counters,
        last_chance: bool,
    ) {
        let Some(e) = self.list.get(i) else { return };
        if self.verdicts.get(i).is_some_and(Option::is_some) {
            return;
        }
        let window = e.window;
        let (lo, hi) = bounds(window);
        let t = if last_chance {
            now.min(hi).max(lo)
        } else {
            now
        };
        if t < lo {
            return;
        }
        let started = self.started.get(i).copied().unwrap_or(false);
        let edge = t == lo || t == hi;
        if t <= hi && (any || edge || !started || last_chance) {
            if let Some(s) = self.started.get_mut(i) {
                *s = true;
            }
            let mut cache = self.resolved.get(i).copied().flatten();
            let (ok, obs) = check(&e.that, store, counters, &mut cache);
            if let Some(slot) = self.resolved.get_mut(i) {
                *slot = cache;
            }
            match window {
                Window::At(_) => {
                    let reason = describe(&e.that, &obs, t);
                    self.decide(i, ok, reason);
                }
                Window::During(..) if !ok => {
                    let value = match (&obs, &e.that.value) {
                        (Observed::Value(MetricValue::Int(a)), CondValue::Int(b)) => Some((*a, *b)),
                        _ => None,
                    };
                    let op = e.that.op;
                    let reason = describe(&e.that, &obs, t);
                    match self.failing.get_mut(i) {
                        Some(Some(f)) => {
                            if let (Some((a, b)), Some((w, _))) = (value, f.worst)
                                && worse(op, b, a, w)
                            {
                                f.worst = Some((a, t));
                            }
                        }
                        Some(slot) => {
                            *slot = Some(Failing {
                                first: reason,
                                first_value: value.map(|v| v.0),
                                worst: value.map(|(a, _)| (a, t)),
                            });
                        }
                        None => {}
                    }
                }
                Window::During(..) => {}
                Window::Within(..) if ok => self.decide(i, true, format!("held at {}", secs(t))),
                Window::Within(..) => {
                    if let Some(l) = self.last.get_mut(i) {
                        *l = Some(obs);
                    }
                }
            }
        }
        let open = self.verdicts.get(i).is_some_and(Option::is_none);
        let started = self.started.get(i).copied().unwrap_or(false);
        let failing = self.failing.get(i).cloned().flatten();
        if open
            && (t >= hi || last_chance)
            && let Some(f) = failing
        {
            // A failed `during` is decided at its window's end (or the run's), reporting its
            // first violation and, when worse, its worst one.
            let reason = match f.worst {
                Some((w, at)) if Some(w) != f.first_value => {
                    format!("{}; worst {w} at {}", f.first, secs(at))
                }
                _ => f.first,
            };
            self.decide(i, false, reason);
            return;
        }
        if open && started && t >= hi {
            match window {
                Window::During(..) => {
                    self.decide(i, true, format!("held from {} to {}", secs(lo), secs(hi)));
                }
                Window::Within(..) => {
                    let reason = match self.last.get(i).cloned().flatten() {
                        Some(Observed::Value(v)) => format!("never held; last value {v}"),
                        Some(Observed::Missing) => {
                            format!("never held; {} does not exist", self.list[i].that.target)
                        }
                        None => "never held".to_string(),
                    };
                    self.decide(i, false, reason);
                }
                Window::At(_) => {}
            }
        }
    }

    /// Each expectation with its verdict (None if never settled), in file order.
    pub fn results(&self) -> impl Iterator<Item = (&Expectation, Option<&Verdict>)> {
        self.list
            .iter()
            .zip(self.verdicts.iter().map(Option::as_ref))
    }

    /// Every expectation settled and held (exit 0 rather than 1).
    pub fn passed(&self) -> bool {
        self.verdicts
            .iter()
            .all(|v| v.as_ref().is_some_and(|v| v.passed))
    }

    /// The `PASS|FAIL  <when>  <that>  (<reason>)` lines, with whether each passed.
    pub fn lines(&self) -> Vec<(String, bool)> {
        self.results()
            .map(|(e, v)| {
                let passed = v.is_some_and(|v| v.passed);
                let reason = v.map_or("not evaluated", |v| v.reason.as_str());
                let word = if passed { "PASS" } else { "FAIL" };
                (
                    format!(
                        "{word}  {} {}  {}  ({reason})",
                        e.form, e.window_text, e.that_text
                    ),
                    passed,
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Span;
    use crate::model::kind::Kind;
    use crate::model::meta::ObjRef;
    use crate::model::pod::{ContainerState, Phase, PodStatus};
    use crate::output::Outputs;
    use crate::output::metrics::tests::{cs, pod, status};
    use crate::scenario::parse_condition;

    fn exp(index: usize, window: Window, that: &str) -> Expectation {
        Expectation {
            index,
            line: 10 + index as u32,
            form: window.form(),
            window_text: window.text(),
            window,
            that: parse_condition(that).unwrap(),
            that_text: that.to_string(),
            that_span: Span::default(),
            span: Span::default(),
        }
    }

    const S: u64 = 1_000_000;

    /// A tiny run: a pod `web` in `default` that is created at 1s, Pending, Running at 3s,
    /// deleted (terminating) at 5s; instants at 0..=6s; edges at each window's ends.
    fn run(list: Vec<Expectation>) -> Vec<(String, bool)> {
        let mut ex = Expectations::new(list);
        let mut out = Outputs::discard();
        let mut store = crate::etcd::Store::default();
        store.ns_id("default");
        let mut instants: Vec<u64> = (0..=6).map(|s| s * S).collect();
        instants.extend(ex.edges().iter().map(|(t, _)| t.as_micros()));
        instants.sort_unstable();
        instants.dedup();
        let mut web = None;
        for t in instants {
            let now = SimTime(t);
            if t == S {
                let r = ObjRef {
                    kind: Kind::Pod,
                    id: store.pods.insert(pod("web", 0, 1, PodStatus::default())),
                };
                store.register(r, now);
                web = Some(r);
            }
            if let (3_000_000, Some(r)) = (t, web) {
                store.pods.get_mut(r.id).unwrap().status = status(
                    Phase::Running,
                    vec![cs(ContainerState::Running(now), true, 0)],
                );
                store.pods.get_mut(r.id).unwrap().status.ready_since = Some(now);
                store.touch(r);
            }
            if let (5_000_000, Some(r)) = (t, web) {
                store.pods.get_mut(r.id).unwrap().meta.deleted = Some(now);
                store.touch(r);
            }
            let changed = store.take_changed();
            out.timeline_instant(now, &store, &changed);
            ex.evaluate_at(now, !changed.is_empty(), &store, out.counters());
        }
        ex.settle(SimTime(10 * S), &store, out.counters());
        assert_eq!(ex.passed(), ex.lines().iter().all(|l| l.1));
        ex.lines()
    }

    fn one(window: Window, that: &str) -> String {
        run(vec![exp(0, window, that)]).remove(0).0
    }

    #[test]
    fn at_checks_the_state_at_that_instant() {
        assert_eq!(
            one(Window::At(3 * S), "pod/web phase == Running"),
            "PASS  at 3s  pod/web phase == Running  (was Running at 3.000000s)"
        );
        assert_eq!(
            one(Window::At(2 * S), "pod/web ready == 1"),
            "FAIL  at 2s  pod/web ready == 1  (was 0 at 2.000000s)"
        );
        assert_eq!(
            one(Window::At(2_500_000), "cluster pods_pending >= 1"),
            "PASS  at 2.5s  cluster pods_pending >= 1  (was 1 at 2.500000s)"
        );
    }

    #[test]
    fn a_failed_during_reports_its_first_and_its_worst_value() {
        // pods_running is 1 from 3s and 0 once the pod terminates at 5s: 1 is off by one,
        // 0 by two.
        assert_eq!(
            one(Window::During(3 * S, 6 * S), "cluster pods_running == 2"),
            "FAIL  during 3s..6s  cluster pods_running == 2  (was 1 at 3.000000s; worst 0 at 5.000000s)"
        );
        // The first violation is the worst: nothing is added.
        assert_eq!(
            one(Window::During(4 * S, 6 * S), "cluster pods_running >= 1"),
            "FAIL  during 4s..6s  cluster pods_running >= 1  (was 0 at 5.000000s)"
        );
    }

    #[test]
    fn during_fails_at_the_first_false_instant_and_passes_at_its_end() {
        assert_eq!(
            one(Window::During(S, 4 * S), "pod/web exists == 1"),
            "PASS  during 1s..4s  pod/web exists == 1  (held from 1.000000s to 4.000000s)"
        );
        assert_eq!(
            one(
                Window::During(2 * S, 6 * S),
                "pod/web status != Terminating"
            ),
            "FAIL  during 2s..6s  pod/web status != Terminating  (was Terminating at 5.000000s)"
        );
        assert_eq!(
            one(Window::During(0, 2 * S), "cluster pods_pending == 0"),
            "FAIL  during 0s..2s  cluster pods_pending == 0  (was 1 at 1.000000s)"
        );
    }

    #[test]
    fn within_passes_at_the_first_instant_it_holds_or_fails_with_the_last_value() {
        assert_eq!(
            one(Window::Within(0, 6 * S), "cluster pods_running >= 1"),
            "PASS  within 0s..6s  cluster pods_running >= 1  (held at 3.000000s)"
        );
        assert_eq!(
            one(Window::Within(0, 2 * S), "pod/web status == Running"),
            "FAIL  within 0s..2s  pod/web status == Running  (never held; last value Pending)"
        );
        assert_eq!(
            one(
                Window::Within(4 * S, 6 * S),
                "cluster pods_terminating == 1"
            ),
            "PASS  within 4s..6s  cluster pods_terminating == 1  (held at 5.000000s)"
        );
    }

    #[test]
    fn a_missing_object_satisfies_only_exists_comparisons_and_the_reason_says_so() {
        // docs/expectations.md: "An object that does not exist satisfies no comparison except
        // `exists == 0`; the reason says so."
        assert_eq!(
            one(Window::At(0), "pod/web exists == 0"),
            "PASS  at 0s  pod/web exists == 0  (pod/web does not exist at 0.000000s)"
        );
        assert_eq!(
            one(Window::At(0), "pod/web restarts == 0"),
            "FAIL  at 0s  pod/web restarts == 0  (pod/web does not exist at 0.000000s)"
        );
        assert_eq!(
            one(Window::At(2 * S), "pod/other/web exists == 1"),
            "FAIL  at 2s  pod/other/web exists == 1  (pod/other/web does not exist at 2.000000s)"
        );
        assert_eq!(
            one(
                Window::Within(0, 2 * S),
                "deployment/ghost available_replicas >= 0"
            ),
            "FAIL  within 0s..2s  deployment/ghost available_replicas >= 0  (never held; deployment/ghost does not exist)"
        );
    }

    #[test]
    fn words_compare_with_equality_only() {
        assert_eq!(
            one(Window::At(S), "pod/web status == Pending"),
            "PASS  at 1s  pod/web status == Pending  (was Pending at 1.000000s)"
        );
        assert_eq!(
            one(Window::At(S), "pod/web node != <none>"),
            "FAIL  at 1s  pod/web node != <none>  (was <none> at 1.000000s)"
        );
        assert_eq!(
            one(Window::At(4 * S), "pod/web phase != Pending"),
            "PASS  at 4s  pod/web phase != Pending  (was Running at 4.000000s)"
        );
    }

    #[test]
    fn edges_cover_each_window_end_in_time_order() {
        let ex = Expectations::new(vec![
            exp(0, Window::Within(0, 3 * S), "cluster pods_running >= 0"),
            exp(1, Window::At(2 * S), "cluster pods_running >= 0"),
        ]);
        assert_eq!(
            ex.edges(),
            [(SimTime(0), 0), (SimTime(2 * S), 1), (SimTime(3 * S), 0)]
        );
    }
}
