//! A scenario's `timing:` overrides: each name of the registry ([`crate::sim::timing`]) may
//! be given a constant (`etcd.write: 5ms`) or a `{median, p99, min, max}` mapping; every
//! problem is reported at its node.

use crate::diag::{Problem, did_you_mean};
use crate::manifest::tree::{Node, Value};
use crate::sim::duration::{format_micros, parse_micros};
use crate::sim::timing::{Distribution, TimingName, Timings};

/// Applies a scenario's `timing:` mapping (docs/timings.md) and returns every problem found;
/// an entry with a problem leaves that name's distribution unchanged. A null `timing:`
/// is the same as an empty one.
pub fn apply_overrides(timings: &mut Timings, timing: &Node) -> Vec<Problem> {
    let mut problems = Vec::new();
    let entries = match &timing.value {
        Value::Null => return problems,
        Value::Map(entries) => entries,
        _ => {
            problems.push(Problem::new(
                timing.span,
                "timing",
                format!(
                    "must be a mapping from timing names to durations or {{median, p99}}, not {}",
                    timing.type_name()
                ),
            ));
            return problems;
        }
    };
    for (key, value) in entries {
        let Some(text) = key.as_str() else {
            problems.push(Problem::new(
                key.span,
                "timing",
                format!("a timing name must be text, not {}", key.type_name()),
            ));
            continue;
        };
        let path = format!("timing.{text}");
        let Some(name) = TimingName::from_name(text) else {
            let mut p = Problem::new(
                key.span,
                &path,
                format!("unknown timing name \"{text}\" (`kubesim timings` lists them)"),
            );
            if let Some(s) = did_you_mean(text, TimingName::ALL.iter().map(|n| n.as_str())) {
                p = p.with_help(format!("did you mean \"{s}\"?"));
            }
            problems.push(p);
            continue;
        };
        if let Some(d) = parse_distribution(value, &path, &mut problems) {
            timings.set(name, d);
        }
    }
    problems
}

/// The keys of the mapping form, in the order they are documented.
const KEYS: [&str; 4] = ["median", "p99", "min", "max"];

/// Reads one entry's value: a duration scalar or a `{median, p99, min, max}` mapping.
fn parse_distribution(
    value: &Node,
    path: &str,
    problems: &mut Vec<Problem>,
) -> Option<Distribution> {
    match &value.value {
        Value::Map(entries) => parse_lognormal(value, entries, path, problems),
        Value::Str(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
            parse_duration(value, path, problems).map(Distribution::Constant)
        }
        Value::Null | Value::Seq(_) => {
            problems.push(Problem::new(
                value.span,
                path,
                format!(
                    "must be a duration (5ms) or a mapping with median and p99, not {}",
                    value.type_name()
                ),
            ));
            None
        }
    }
}

/// The mapping form; checks keys, required values and the order min ≤ median ≤ p99, max.
fn parse_lognormal(
    node: &Node,
    entries: &[(Node, Node)],
    path: &str,
    problems: &mut Vec<Problem>,
) -> Option<Distribution> {
    let before = problems.len();
    // One slot per KEYS entry: the parsed value and the node it came from.
    let mut found: [Option<(u64, &Node)>; 4] = [None; 4];
    for (key, val) in entries {
        let text = key.as_str().unwrap_or("");
        let Some(i) = KEYS.iter().position(|k| *k == text) else {
            let mut p = Problem::new(
                key.span,
                format!("{path}.{text}"),
                format!("unknown field \"{text}\"; a distribution has median, p99, min and max"),
            );
            if let Some(s) = did_you_mean(text, KEYS) {
                p = p.with_help(format!("did you mean \"{s}\"?"));
            }
            problems.push(p);
            continue;
        };
        if let Some(us) = parse_duration(val, &format!("{path}.{text}"), problems) {
            found[i] = Some((us, val));
        }
    }
    let [median, p99, min, max] = found;
    for (i, slot) in [median, p99].iter().enumerate() {
        if slot.is_none() && !entries.iter().any(|(k, _)| k.as_str() == Some(KEYS[i])) {
            problems.push(Problem::new(
                node.span,
                format!("{path}.{}", KEYS[i]),
                "Required value: a distribution mapping needs median and p99",
            ));
        }
    }
    if problems.len() > before {
        return None;
    }
    let ((median_us, median_node), (p99_us, p99_node)) = (median?, p99?);
    if median_us == 0 {
        problems.push(Problem::new(
            median_node.span,
            format!("{path}.median"),
            "must be greater than 0 (write a constant such as 0s instead)",
        ));
    }
    if p99_us < median_us {
        problems.push(Problem::new(
            p99_node.span,
            format!("{path}.p99"),
            format!(
                "must be greater than or equal to median ({})",
                format_micros(median_us)
            ),
        ));
    }
    if let Some((lo, lo_node)) = min
        && lo > median_us
    {
        problems.push(Problem::new(
            lo_node.span,
            format!("{path}.min"),
            format!(
                "must be less than or equal to median ({})",
                format_micros(median_us)
            ),
        ));
    }
    if let Some((hi, hi_node)) = max
        && hi < median_us
    {
        problems.push(Problem::new(
            hi_node.span,
            format!("{path}.max"),
            format!(
                "must be greater than or equal to median ({})",
                format_micros(median_us)
            ),
        ));
    }
    if problems.len() > before {
        return None;
    }
    Some(Distribution::LogNormal {
        median_us,
        p99_us,
        min_us: min.map(|(us, _)| us),
        max_us: max.map(|(us, _)| us),
    })
}

/// A Go duration scalar in whole µs; Go's error text when it is not one.
fn parse_duration(node: &Node, path: &str, problems: &mut Vec<Problem>) -> Option<u64> {
    let Some(text) = node.as_str() else {
        problems.push(Problem::new(
            node.span,
            path,
            format!("must be a duration such as 5ms, not {}", node.type_name()),
        ));
        return None;
    };
    match parse_micros(text) {
        Ok(us) => Some(us),
        Err(e) => {
            problems.push(Problem::new(node.span, path, e.to_string()));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::yaml::{Limits, parse_stream};

    /// Input, expected path, message, help, and (line, col) of the reported node.
    type BadCase = (
        &'static str,
        &'static str,
        &'static str,
        Option<&'static str>,
        (u32, u32),
    );

    /// Applies the `timing:` value of a one-document scenario fragment to the defaults.
    fn apply(src: &str) -> (Timings, Vec<Problem>) {
        let parsed = parse_stream(src, &Limits::default());
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let doc = parsed.docs.first().expect("test input has a document");
        let timing = doc.get("timing").expect("test input has timing");
        let mut t = Timings::defaults();
        let problems = apply_overrides(&mut t, timing);
        (t, problems)
    }

    #[test]
    fn scalar_and_mapping_overrides_replace_the_defaults() {
        let (t, problems) = apply(
            "timing:\n  etcd.write: 5ms\n  kubelet.imagePull: {median: 3s, p99: 20s, min: 500ms, max: 2m}\n  apiserver.request: {median: 10ms, p99: 150ms}\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(t.get(TimingName::EtcdWrite), &Distribution::Constant(5_000));
        assert_eq!(
            t.get(TimingName::KubeletImagePull),
            &Distribution::LogNormal {
                median_us: 3_000_000,
                p99_us: 20_000_000,
                min_us: Some(500_000),
                max_us: Some(120_000_000),
            }
        );
        assert_eq!(
            t.get(TimingName::ApiserverRequest),
            &Distribution::LogNormal {
                median_us: 10_000,
                p99_us: 150_000,
                min_us: None,
                max_us: None,
            }
        );
        assert_eq!(
            t.get(TimingName::EtcdRead),
            Timings::defaults().get(TimingName::EtcdRead)
        );
    }

    #[test]
    fn an_empty_timing_key_changes_nothing() {
        let (t, problems) = apply("timing:\n");
        assert!(problems.is_empty());
        assert_eq!(t, Timings::defaults());
    }

    /// Each bad input, the path and message it must produce, and the line and column of
    /// the node the problem points at.
    #[test]
    fn every_bad_override_is_reported_at_its_node() {
        let cases: &[BadCase] = &[
            (
                "timing:\n  etcd.wrte: 5ms\n",
                "timing.etcd.wrte",
                "unknown timing name \"etcd.wrte\" (`kubesim timings` lists them)",
                Some("did you mean \"etcd.write\"?"),
                (2, 3),
            ),
            (
                "timing:\n  etcd.write: {median: 1ms, p99: 2ms, mx: 3ms}\n",
                "timing.etcd.write.mx",
                "unknown field \"mx\"; a distribution has median, p99, min and max",
                Some("did you mean \"max\"?"),
                (2, 39),
            ),
            (
                "timing:\n  etcd.write: {p99: 2ms}\n",
                "timing.etcd.write.median",
                "Required value: a distribution mapping needs median and p99",
                None,
                (2, 15),
            ),
            (
                "timing:\n  etcd.write: {median: 2ms}\n",
                "timing.etcd.write.p99",
                "Required value: a distribution mapping needs median and p99",
                None,
                (2, 15),
            ),
            (
                "timing:\n  etcd.write: {median: 10ms, p99: 5ms}\n",
                "timing.etcd.write.p99",
                "must be greater than or equal to median (10ms)",
                None,
                (2, 35),
            ),
            (
                "timing:\n  etcd.write: {median: 10ms, p99: 50ms, min: 20ms}\n",
                "timing.etcd.write.min",
                "must be less than or equal to median (10ms)",
                None,
                (2, 46),
            ),
            (
                "timing:\n  etcd.write: {median: 10ms, p99: 50ms, max: 5ms}\n",
                "timing.etcd.write.max",
                "must be greater than or equal to median (10ms)",
                None,
                (2, 46),
            ),
            (
                "timing:\n  etcd.write: {median: 0s, p99: 5ms}\n",
                "timing.etcd.write.median",
                "must be greater than 0 (write a constant such as 0s instead)",
                None,
                (2, 24),
            ),
            // Go's own messages (src/time/time_test.go parseDurationErrorTests) pass through.
            (
                "timing:\n  etcd.write: 5\n",
                "timing.etcd.write",
                "time: missing unit in duration \"5\"",
                None,
                (2, 15),
            ),
            (
                "timing:\n  etcd.write: {median: 3x, p99: 5ms}\n",
                "timing.etcd.write.median",
                "time: unknown unit \"x\" in duration \"3x\"",
                None,
                (2, 24),
            ),
            (
                "timing:\n  etcd.write: 1ns\n",
                "timing.etcd.write",
                "duration \"1ns\" is finer than 1µs, the resolution of virtual time",
                None,
                (2, 15),
            ),
            (
                "timing:\n  etcd.write: -5ms\n",
                "timing.etcd.write",
                "duration \"-5ms\" must not be negative",
                None,
                (2, 15),
            ),
            (
                "timing:\n  etcd.write: {median: [1ms], p99: 5ms}\n",
                "timing.etcd.write.median",
                "must be a duration such as 5ms, not array",
                None,
                (2, 24),
            ),
            (
                "timing:\n  etcd.write:\n",
                "timing.etcd.write",
                "must be a duration (5ms) or a mapping with median and p99, not null",
                None,
                (2, 13), // the YAML reader places an empty value at its key's colon
            ),
            (
                "timing:\n  etcd.write: [5ms]\n",
                "timing.etcd.write",
                "must be a duration (5ms) or a mapping with median and p99, not array",
                None,
                (2, 15),
            ),
            (
                "timing: [etcd.write]\n",
                "timing",
                "must be a mapping from timing names to durations or {median, p99}, not array",
                None,
                (1, 9),
            ),
        ];
        for (src, path, message, help, (line, col)) in cases {
            let (t, problems) = apply(src);
            assert_eq!(problems.len(), 1, "{src}: {problems:?}");
            let p = &problems[0];
            assert_eq!(p.path, *path, "{src}");
            assert_eq!(p.message, *message, "{src}");
            assert_eq!(p.help.as_deref(), *help, "{src}");
            assert_eq!((p.span.line, p.span.col), (*line, *col), "{src}");
            assert_eq!(t, Timings::defaults(), "{src}: a bad entry must not apply");
        }
    }

    /// A misspelt required key is both an unknown field and a missing value, as Kubernetes'
    /// strict decoding plus validation would report it.
    #[test]
    fn a_misspelt_median_is_unknown_and_missing() {
        let (_, problems) = apply("timing:\n  etcd.write: {medain: 1ms, p99: 2ms}\n");
        let got: Vec<(&str, Option<&str>)> = problems
            .iter()
            .map(|p| (p.path.as_str(), p.help.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("timing.etcd.write.medain", Some("did you mean \"median\"?")),
                ("timing.etcd.write.median", None),
            ]
        );
    }

    #[test]
    fn problems_in_several_entries_are_all_reported() {
        let (_, problems) = apply(
            "timing:\n  etcd.wrte: 5ms\n  etcd.read: {median: 2ms}\n  kubelet.imagePull: 3q\n",
        );
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "timing.etcd.wrte",
                "timing.etcd.read.p99",
                "timing.kubelet.imagePull"
            ]
        );
    }

    /// The DEFAULT column must be valid `timing:` input that reads back as the default, and
    /// every default must pass the same checks a user's override does.
    #[test]
    fn every_default_as_printed_reads_back_as_itself() {
        let d = Timings::defaults();
        for n in TimingName::ALL {
            let src = format!("timing:\n  {}: {}\n", n, d.get(n));
            let (t, problems) = apply(&src);
            assert!(problems.is_empty(), "{src}: {problems:?}");
            assert_eq!(t.get(n), d.get(n), "{src}");
        }
    }
}
