//! Go's `time.ParseDuration`, ported, and the conversion to whole microseconds.
//!
//! Kubernetes and the scenario format write durations the Go way (`500ms`, `1h30m`, `1.5h`;
//! units ns us µs μs ms s m h; no spaces, no days). `humantime` is not this format (it takes
//! `5 minutes` and `1d` and rejects `1.5h`), so this is a port of Go's algorithm, including
//! its overflow rules and its error messages, tested with Go's own table
//! (`src/time/time_test.go`, `parseDurationTests` and `parseDurationErrorTests`).

use std::fmt;

/// Why a duration did not parse; `Display` gives Go's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DurationError {
    /// `time: invalid duration "…"`.
    Invalid(String),
    /// `time: missing unit in duration "…"`.
    MissingUnit(String),
    /// `time: unknown unit "…" in duration "…"`.
    UnknownUnit { unit: String, input: String },
    /// The value is valid Go but finer than the simulator's 1 µs resolution (docs/scenario.md).
    FinerThanMicrosecond(String),
    /// The value is negative where only a length of time makes sense.
    Negative(String),
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DurationError::Invalid(s) => write!(f, "time: invalid duration {}", quote(s)),
            DurationError::MissingUnit(s) => {
                write!(f, "time: missing unit in duration {}", quote(s))
            }
            DurationError::UnknownUnit { unit, input } => {
                write!(
                    f,
                    "time: unknown unit {} in duration {}",
                    quote(unit),
                    quote(input)
                )
            }
            DurationError::FinerThanMicrosecond(s) => write!(
                f,
                "duration {} is finer than 1µs, the resolution of virtual time",
                quote(s)
            ),
            DurationError::Negative(s) => write!(f, "duration {} must not be negative", quote(s)),
        }
    }
}

/// Go's `time.quote`: double quotes, with `"` and `\` escaped.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

const NS: u64 = 1;
const US: u64 = 1_000;
const MS: u64 = 1_000_000;
const S: u64 = 1_000_000_000;
const LIMIT: u64 = 1 << 63;

fn unit_ns(u: &str) -> Option<u64> {
    Some(match u {
        "ns" => NS,
        "us" | "µs" | "μs" => US,
        "ms" => MS,
        "s" => S,
        "m" => 60 * S,
        "h" => 3600 * S,
        _ => return None,
    })
}

/// Parses a Go duration into nanoseconds, exactly as `time.ParseDuration` does.
pub fn parse_nanos(input: &str) -> Result<i64, DurationError> {
    let invalid = || DurationError::Invalid(input.to_string());
    let mut s = input;
    let mut neg = false;
    if let Some(c) = s.chars().next()
        && (c == '-' || c == '+')
    {
        neg = c == '-';
        s = &s[1..];
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut d: u64 = 0;
    while !s.is_empty() {
        let first = s.as_bytes()[0];
        if !(first == b'.' || first.is_ascii_digit()) {
            return Err(invalid());
        }
        // Integer part.
        let before = s.len();
        let (mut v, rest) = leading_int(s).ok_or_else(invalid)?;
        s = rest;
        let pre = before != s.len();
        // Fraction.
        let mut f: u64 = 0;
        let mut scale = 1.0f64;
        let mut post = false;
        if let Some(rest) = s.strip_prefix('.') {
            let before = rest.len();
            let (ff, sc, rest) = leading_fraction(rest);
            f = ff;
            scale = sc;
            s = rest;
            post = before != s.len();
        }
        if !pre && !post {
            return Err(invalid());
        }
        // Unit.
        let unit_len = s
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(s.len());
        if unit_len == 0 {
            return Err(DurationError::MissingUnit(input.to_string()));
        }
        let (u, rest) = s.split_at(unit_len);
        s = rest;
        let unit = unit_ns(u).ok_or_else(|| DurationError::UnknownUnit {
            unit: u.to_string(),
            input: input.to_string(),
        })?;
        if v > LIMIT / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            // Go computes this in float64 on purpose; keep the same rounding.
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > LIMIT {
                return Err(invalid());
            }
        }
        d = d.checked_add(v).ok_or_else(invalid)?;
        if d > LIMIT {
            return Err(invalid());
        }
    }
    if neg {
        return Ok((d as i128).wrapping_neg() as i64);
    }
    if d > LIMIT - 1 {
        return Err(invalid());
    }
    Ok(d as i64)
}

/// Go's `leadingInt`: digits into a u64, failing once the value passes 1<<63.
fn leading_int(s: &str) -> Option<(u64, &str)> {
    let mut x: u64 = 0;
    let mut i = 0;
    for &c in s.as_bytes() {
        if !c.is_ascii_digit() {
            break;
        }
        if x > LIMIT / 10 {
            return None;
        }
        x = x * 10 + u64::from(c - b'0');
        if x > LIMIT {
            return None;
        }
        i += 1;
    }
    Some((x, &s[i..]))
}

/// Go's `leadingFraction`: digits after the point, ignoring precision it cannot hold.
fn leading_fraction(s: &str) -> (u64, f64, &str) {
    let mut x: u64 = 0;
    let mut scale = 1.0f64;
    let mut overflow = false;
    let mut i = 0;
    for &c in s.as_bytes() {
        if !c.is_ascii_digit() {
            break;
        }
        i += 1;
        if overflow {
            continue;
        }
        if x > (LIMIT - 1) / 10 {
            overflow = true;
            continue;
        }
        let y = x * 10 + u64::from(c - b'0');
        if y > LIMIT {
            overflow = true;
            continue;
        }
        x = y;
        scale *= 10.0;
    }
    (x, scale, &s[i..])
}

/// Parses a non-negative Go duration into whole microseconds, the unit of virtual time;
/// a value with a sub-microsecond remainder is an error rather than silently rounded.
pub fn parse_micros(input: &str) -> Result<u64, DurationError> {
    let ns = parse_nanos(input)?;
    if ns < 0 {
        return Err(DurationError::Negative(input.to_string()));
    }
    if ns % 1000 != 0 {
        return Err(DurationError::FinerThanMicrosecond(input.to_string()));
    }
    Ok((ns / 1000) as u64)
}

/// Formats whole microseconds the way Go's `Duration.String()` does (`1h30m0s`, `1.5s`,
/// `250ms`, `0s`), so defaults and messages read like Kubernetes flags.
pub fn format_micros(us: u64) -> String {
    if us == 0 {
        return "0s".to_string();
    }
    if us < 1_000 {
        return format!("{us}µs");
    }
    if us < 1_000_000 {
        return format!("{}ms", trim_fraction(us, 1_000));
    }
    let total_s = us / 1_000_000;
    let frac_us = us % 1_000_000;
    let h = total_s / 3600;
    let m = (total_s % 3600) / 60;
    let s = total_s % 60;
    let secs = trim_fraction(s * 1_000_000 + frac_us, 1_000_000);
    match (h, m) {
        (0, 0) => format!("{secs}s"),
        (0, m) => format!("{m}m{secs}s"),
        (h, m) => format!("{h}h{m}m{secs}s"),
    }
}

/// `value / unit` with the fraction written without trailing zeros.
fn trim_fraction(value: u64, unit: u64) -> String {
    let whole = value / unit;
    let frac = value % unit;
    if frac == 0 {
        return whole.to_string();
    }
    let digits = unit.ilog10() as usize;
    let s = format!("{frac:0digits$}");
    format!("{whole}.{}", s.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: i64 = 1_000_000_000;
    const MIN: i64 = 60 * SEC;
    const HOUR: i64 = 60 * MIN;
    const MILLI: i64 = 1_000_000;
    const MICRO: i64 = 1_000;

    /// Go `src/time/time_test.go`, `parseDurationTests`.
    #[test]
    fn parses_every_case_of_gos_table() {
        let cases: &[(&str, i64)] = &[
            ("0", 0),
            ("5s", 5 * SEC),
            ("30s", 30 * SEC),
            ("1478s", 1478 * SEC),
            ("-5s", -5 * SEC),
            ("+5s", 5 * SEC),
            ("-0", 0),
            ("+0", 0),
            ("5.0s", 5 * SEC),
            ("5.6s", 5 * SEC + 600 * MILLI),
            ("5.s", 5 * SEC),
            (".5s", 500 * MILLI),
            ("1.0s", SEC),
            ("1.00s", SEC),
            ("1.004s", SEC + 4 * MILLI),
            ("1.0040s", SEC + 4 * MILLI),
            ("100.00100s", 100 * SEC + MILLI),
            ("10ns", 10),
            ("11us", 11 * MICRO),
            ("12µs", 12 * MICRO),
            ("12μs", 12 * MICRO),
            ("13ms", 13 * MILLI),
            ("14s", 14 * SEC),
            ("15m", 15 * MIN),
            ("16h", 16 * HOUR),
            ("3h30m", 3 * HOUR + 30 * MIN),
            ("10.5s4m", 4 * MIN + 10 * SEC + 500 * MILLI),
            ("-2m3.4s", -(2 * MIN + 3 * SEC + 400 * MILLI)),
            (
                "1h2m3s4ms5us6ns",
                HOUR + 2 * MIN + 3 * SEC + 4 * MILLI + 5 * MICRO + 6,
            ),
            ("39h9m14.425s", 39 * HOUR + 9 * MIN + 14 * SEC + 425 * MILLI),
            ("52763797000ns", 52_763_797_000),
            ("0.3333333333333333333h", 20 * MIN),
            ("9007199254740993ns", (1 << 53) + 1),
            ("9223372036854775807ns", i64::MAX),
            ("9223372036854775.807us", i64::MAX),
            ("9223372036s854ms775us807ns", i64::MAX),
            ("-9223372036854775808ns", i64::MIN),
            ("-9223372036854775.808us", i64::MIN),
            ("-9223372036s854ms775us808ns", i64::MIN),
            ("0.100000000000000000000h", 6 * MIN),
            (
                "0.830103483285477580700h",
                49 * MIN + 48 * SEC + 372_539_827,
            ),
        ];
        for (input, want) in cases {
            assert_eq!(parse_nanos(input), Ok(*want), "{input}");
        }
    }

    /// Go `parseDurationErrorTests`: input and the message Go gives.
    #[test]
    fn rejects_every_error_case_of_gos_table_with_gos_message() {
        let cases: &[(&str, &str)] = &[
            ("", "time: invalid duration \"\""),
            ("3", "time: missing unit in duration \"3\""),
            ("-", "time: invalid duration \"-\""),
            ("s", "time: invalid duration \"s\""),
            (".", "time: invalid duration \".\""),
            ("-.", "time: invalid duration \"-.\""),
            (".s", "time: invalid duration \".s\""),
            ("+.s", "time: invalid duration \"+.s\""),
            ("1d", "time: unknown unit \"d\" in duration \"1d\""),
            (
                "9223372036854775808ns",
                "time: invalid duration \"9223372036854775808ns\"",
            ),
            (
                "9223372036854775.808us",
                "time: invalid duration \"9223372036854775.808us\"",
            ),
            (
                "9223372036854ms775us808ns",
                "time: invalid duration \"9223372036854ms775us808ns\"",
            ),
            (
                "-9223372036854775809ns",
                "time: invalid duration \"-9223372036854775809ns\"",
            ),
        ];
        for (input, msg) in cases {
            let err = parse_nanos(input).expect_err(input);
            assert_eq!(err.to_string(), *msg, "{input}");
        }
    }

    #[test]
    fn words_and_days_are_not_go_durations() {
        // docs/scenario.md: no spaces, no days.
        assert_eq!(
            parse_nanos("5 minutes").map_err(|e| e.to_string()),
            Err("time: unknown unit \" minutes\" in duration \"5 minutes\"".to_string())
        );
        assert!(parse_nanos("1d").is_err());
    }

    #[test]
    fn micros_must_be_whole_and_non_negative() {
        assert_eq!(parse_micros("1.5h"), Ok(5_400_000_000));
        assert_eq!(parse_micros("250us"), Ok(250));
        assert!(matches!(
            parse_micros("1500ns"),
            Err(DurationError::FinerThanMicrosecond(_))
        ));
        assert!(matches!(
            parse_micros("-1s"),
            Err(DurationError::Negative(_))
        ));
    }

    #[test]
    fn formats_like_go_duration_string() {
        // Go Duration.String(): "1h30m0s", "1.5s", "250ms", "0s", "2m0s".
        assert_eq!(format_micros(5_400_000_000), "1h30m0s");
        assert_eq!(format_micros(1_500_000), "1.5s");
        assert_eq!(format_micros(250_000), "250ms");
        assert_eq!(format_micros(0), "0s");
        assert_eq!(format_micros(120_000_000), "2m0s");
        assert_eq!(format_micros(1_500), "1.5ms");
    }
}
