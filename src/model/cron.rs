//! CronJob schedules: robfig/cron v3's `ParseStandard` (the parser the CronJob controller
//! and API validation use) and `Schedule.Next`, over Unix times in UTC.
//!
//! Five fields (minute, hour, day of month, month, day of week) with `*`/`?`, ranges `a-b`,
//! steps `/n` (`a/n` means `a-max/n`), lists `a,b` and the names `jan`–`dec`, `sun`–`sat`
//! (case-insensitive); or a descriptor `@yearly @annually @monthly @weekly @daily @midnight
//! @hourly`, or `@every <Go duration>` (which `ParseStandard` accepts, so Kubernetes does).
//! Day of week is 0–6 (7 is out of range, as in robfig v3.0.1). When neither day field is
//! `*`, a day matches if either matches (`dayMatches`). `TZ=`/`CRON_TZ=` prefixes are refused
//! by batch/v1 validation before they reach here, so only UTC is computed.

/// `starBit`: the field was `*` or `?` (matters for `dayMatches`).
const STAR: u64 = 1 << 63;

/// A parsed schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// `SpecSchedule`: one bit per allowed value of each field.
    Spec {
        /// Minutes 0–59.
        minute: u64,
        /// Hours 0–23.
        hour: u64,
        /// Days of the month 1–31 (with the star bit).
        dom: u64,
        /// Months 1–12.
        month: u64,
        /// Days of the week 0–6, Sunday 0 (with the star bit).
        dow: u64,
    },
    /// `ConstantDelaySchedule` of `@every`: whole seconds, at least 1.
    Every {
        /// The delay in seconds.
        secs: i64,
    },
}

struct Bounds {
    min: u32,
    max: u32,
    names: &'static [(&'static str, u32)],
}

const MINUTES: Bounds = Bounds {
    min: 0,
    max: 59,
    names: &[],
};
const HOURS: Bounds = Bounds {
    min: 0,
    max: 23,
    names: &[],
};
const DOM: Bounds = Bounds {
    min: 1,
    max: 31,
    names: &[],
};
const MONTHS: Bounds = Bounds {
    min: 1,
    max: 12,
    names: &[
        ("jan", 1),
        ("feb", 2),
        ("mar", 3),
        ("apr", 4),
        ("may", 5),
        ("jun", 6),
        ("jul", 7),
        ("aug", 8),
        ("sep", 9),
        ("oct", 10),
        ("nov", 11),
        ("dec", 12),
    ],
};
const DOW: Bounds = Bounds {
    min: 0,
    max: 6,
    names: &[
        ("sun", 0),
        ("mon", 1),
        ("tue", 2),
        ("wed", 3),
        ("thu", 4),
        ("fri", 5),
        ("sat", 6),
    ],
};

/// `ParseStandard`: the schedule, or robfig's error text (which API validation puts after
/// `spec.schedule: Invalid value: "…": `).
pub fn parse(spec: &str) -> Result<Schedule, String> {
    if spec.is_empty() {
        return Err("empty spec string".into());
    }
    if spec.starts_with('@') {
        return descriptor(spec);
    }
    let fields: Vec<&str> = spec.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "expected exactly 5 fields, found {}: [{}]",
            fields.len(),
            fields.join(" ")
        ));
    }
    Ok(Schedule::Spec {
        minute: field(fields[0], &MINUTES)?,
        hour: field(fields[1], &HOURS)?,
        dom: field(fields[2], &DOM)?,
        month: field(fields[3], &MONTHS)?,
        dow: field(fields[4], &DOW)?,
    })
}

/// `parseDescriptor`.
fn descriptor(spec: &str) -> Result<Schedule, String> {
    let every = |m: u32, h: Option<u32>, dom: Option<u32>, month: Option<u32>, dow| {
        let one = |v: Option<u32>, b: &Bounds| v.map_or(all(b), |v| 1u64 << v);
        Schedule::Spec {
            minute: 1 << m,
            hour: one(h, &HOURS),
            dom: one(dom, &DOM),
            month: one(month, &MONTHS),
            dow: one(dow, &DOW),
        }
    };
    Ok(match spec {
        "@yearly" | "@annually" => every(0, Some(0), Some(1), Some(1), None),
        "@monthly" => every(0, Some(0), Some(1), None, None),
        "@weekly" => every(0, Some(0), None, None, Some(0)),
        "@daily" | "@midnight" => every(0, Some(0), None, None, None),
        "@hourly" => every(0, None, None, None, None),
        _ => {
            let Some(d) = spec.strip_prefix("@every ") else {
                return Err(format!("unrecognized descriptor: {spec}"));
            };
            let nanos = crate::sim::duration::parse_nanos(d)
                .map_err(|e| format!("failed to parse duration {spec}: {e}"))?;
            // Every: at least a second, truncated to whole seconds.
            Schedule::Every {
                secs: (nanos / 1_000_000_000).max(1),
            }
        }
    })
}

/// All values of a field, with the star bit.
fn all(b: &Bounds) -> u64 {
    bits(b.min, b.max, 1) | STAR
}

fn bits(min: u32, max: u32, step: u32) -> u64 {
    (min..=max)
        .step_by(step as usize)
        .fold(0, |acc, i| acc | 1 << i)
}

/// `getField`: comma-separated ranges (empty parts skipped, as `strings.FieldsFunc` does).
fn field(f: &str, b: &Bounds) -> Result<u64, String> {
    f.split(',')
        .filter(|p| !p.is_empty())
        .try_fold(0, |acc, expr| Ok(acc | range(expr, b)?))
}

/// `getRange`: `*`/`?`, `n`, `a-b`, each with an optional `/step`.
fn range(expr: &str, b: &Bounds) -> Result<u64, String> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_and_high: Vec<&str> = range_and_step[0].split('-').collect();
    let (start, mut end, mut extra);
    if low_and_high[0] == "*" || low_and_high[0] == "?" {
        (start, end, extra) = (b.min, b.max, STAR);
    } else {
        start = int_or_name(low_and_high[0], b)?;
        end = match low_and_high.len() {
            1 => start,
            2 => int_or_name(low_and_high[1], b)?,
            _ => return Err(format!("too many hyphens: {expr}")),
        };
        extra = 0;
    }
    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            let step = int(range_and_step[1])?;
            // "N/step" means "N-max/step".
            if low_and_high.len() == 1 {
                end = b.max;
            }
            if step > 1 {
                extra = 0;
            }
            step
        }
        _ => return Err(format!("too many slashes: {expr}")),
    };
    if start < b.min {
        return Err(format!(
            "beginning of range ({start}) below minimum ({}): {expr}",
            b.min
        ));
    }
    if end > b.max {
        return Err(format!(
            "end of range ({end}) above maximum ({}): {expr}",
            b.max
        ));
    }
    if start > end {
        return Err(format!(
            "beginning of range ({start}) beyond end of range ({end}): {expr}"
        ));
    }
    if step == 0 {
        return Err(format!("step of range should be a positive number: {expr}"));
    }
    Ok(bits(start, end, step) | extra)
}

/// `parseIntOrName`.
fn int_or_name(expr: &str, b: &Bounds) -> Result<u32, String> {
    let lower = expr.to_ascii_lowercase();
    match b.names.iter().find(|(n, _)| *n == lower) {
        Some((_, v)) => Ok(*v),
        None => int(expr),
    }
}

/// `mustParseInt`: `strconv.Atoi` (an optional sign, decimal digits), not negative.
fn int(expr: &str) -> Result<u32, String> {
    let digits = expr.strip_prefix(['+', '-']).unwrap_or(expr);
    let syntax = || {
        format!("failed to parse int from {expr}: strconv.Atoi: parsing {expr:?}: invalid syntax")
    };
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(syntax());
    }
    let n: i64 = digits.parse().map_err(|_| {
        format!(
            "failed to parse int from {expr}: strconv.Atoi: parsing {expr:?}: value out of range"
        )
    })?;
    if expr.starts_with('-') && n != 0 {
        return Err(format!("negative number (-{n}) not allowed: {expr}"));
    }
    // Past every field's maximum either way; the range check names it.
    Ok(n.min(i64::from(u32::MAX)) as u32)
}

impl Schedule {
    /// `Schedule.Next`: the first activation strictly after `after` (Unix µs), as Unix
    /// seconds; None where robfig returns the zero time (no match within five years, as
    /// for `0 0 30 2 *`).
    pub fn next(&self, after_us: i64) -> Option<i64> {
        let secs = after_us.div_euclid(1_000_000);
        match *self {
            Schedule::Every { secs: d } => Some(secs + d),
            Schedule::Spec {
                minute,
                hour,
                dom,
                month,
                dow,
            } => {
                use crate::model::civil::{DAY, civil_from_days, days_in_month, weekday};
                // Next adds a second and truncates; activations are at second 0.
                let first = (secs + 1 + 59).div_euclid(60) * 60;
                let start_day = first.div_euclid(DAY);
                let (year0, _, _) = civil_from_days(start_day);
                let star = dom & STAR != 0 || dow & STAR != 0;
                let mut day = start_day;
                loop {
                    let (y, m, d) = civil_from_days(day);
                    if y > year0 + 5 {
                        return None;
                    }
                    if month & (1 << m) == 0 {
                        // On to the first of the next month.
                        day += i64::from(days_in_month(y, m) - d) + 1;
                        continue;
                    }
                    let dom_ok = dom & (1 << d) != 0;
                    let dow_ok = dow & (1 << weekday(day)) != 0;
                    let day_ok = if star {
                        dom_ok && dow_ok
                    } else {
                        dom_ok || dow_ok
                    };
                    if day_ok {
                        let from = if day == start_day {
                            first.rem_euclid(DAY) / 60
                        } else {
                            0
                        };
                        let hit = (from..24 * 60)
                            .find(|t| hour & (1 << (t / 60)) != 0 && minute & (1 << (t % 60)) != 0);
                        if let Some(t) = hit {
                            return Some(day * DAY + t * 60);
                        }
                    }
                    day += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! Rows of robfig/cron v3's parser_test.go (`TestRange`, `TestField`, `TestAll`,
    //! `TestParseScheduleErrors`, `TestStandardSpecSchedule`) and spec_test.go (`TestActivation`,
    //! `TestNext`), restricted to the five-field standard form and UTC.
    use super::*;
    use crate::model::civil::{DAY, days_from_civil};

    /// Unix seconds of a UTC date and time.
    fn at(y: i64, mo: u32, d: u32, h: i64, mi: i64) -> i64 {
        days_from_civil(y, mo, d) * DAY + h * 3600 + mi * 60
    }

    fn next(spec: &str, from: i64) -> Option<i64> {
        parse(spec).expect("valid").next(from * 1_000_000)
    }

    #[test]
    fn ranges_steps_and_lists_set_the_bits_robfig_sets() {
        // TestRange: "5" → bit 5; "5-5"; "5-6"; "5-7/2" → 5,7; "*/2" within 1-3 …
        let r = |e: &str, b: &Bounds| range(e, b);
        assert_eq!(r("5", &MINUTES), Ok(1 << 5));
        assert_eq!(r("5-7", &MINUTES), Ok(1 << 5 | 1 << 6 | 1 << 7));
        assert_eq!(r("5-7/2", &MINUTES), Ok(1 << 5 | 1 << 7));
        assert_eq!(r("5/20", &MINUTES), Ok(1 << 5 | 1 << 25 | 1 << 45));
        assert_eq!(r("*", &HOURS), Ok(bits(0, 23, 1) | STAR));
        assert_eq!(
            r("*/1", &HOURS),
            Ok(bits(0, 23, 1) | STAR),
            "step 1 keeps the star"
        );
        assert_eq!(
            r("*/2", &HOURS),
            Ok(bits(0, 23, 2)),
            "a step drops the star"
        );
        assert_eq!(r("mon-fri", &DOW), Ok(bits(1, 5, 1)));
        assert_eq!(r("JAN", &MONTHS), Ok(1 << 1));
        // TestField: lists.
        assert_eq!(field("5,6,7", &MINUTES), Ok(1 << 5 | 1 << 6 | 1 << 7));
        assert_eq!(field("1,5-7/2", &MINUTES), Ok(1 << 1 | 1 << 5 | 1 << 7));
    }

    #[test]
    fn malformed_fields_are_refused_with_robfigs_messages() {
        let err = |s: &str| parse(s).unwrap_err();
        assert_eq!(err(""), "empty spec string");
        assert_eq!(
            err("* * * *"),
            "expected exactly 5 fields, found 4: [* * * *]"
        );
        assert_eq!(
            err("0 0 0 * * *"),
            "expected exactly 5 fields, found 6: [0 0 0 * * *]"
        );
        assert_eq!(
            err("60 * * * *"),
            "end of range (60) above maximum (59): 60"
        );
        assert_eq!(
            err("* * 0 * *"),
            "beginning of range (0) below minimum (1): 0"
        );
        assert_eq!(
            err("* 5-3 * * *"),
            "beginning of range (5) beyond end of range (3): 5-3"
        );
        assert_eq!(
            err("*/0 * * * *"),
            "step of range should be a positive number: */0"
        );
        assert_eq!(err("1-2-3 * * * *"), "too many hyphens: 1-2-3");
        assert_eq!(err("*/2/3 * * * *"), "too many slashes: */2/3");
        assert_eq!(
            err("x * * * *"),
            "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax"
        );
        // Day of week 7 is past robfig v3.0.1's maximum of 6.
        assert_eq!(err("0 0 * * 7"), "end of range (7) above maximum (6): 7");
        assert_eq!(err("@fortnightly"), "unrecognized descriptor: @fortnightly");
        assert!(err("@every x").starts_with("failed to parse duration @every x: "));
    }

    #[test]
    fn next_activations_follow_robfigs_spec_test() {
        let t0 = at(2026, 1, 1, 0, 0); // a Thursday
        // Every minute: strictly after, at second 0.
        assert_eq!(next("* * * * *", t0), Some(t0 + 60));
        assert_eq!(next("* * * * *", t0 + 1), Some(t0 + 60));
        assert_eq!(next("*/15 * * * *", t0 + 60), Some(t0 + 15 * 60));
        // TestNext-like rows: wrap around the hour, the day, the month and the year.
        assert_eq!(
            next("0 * * * *", at(2026, 1, 1, 23, 30)),
            Some(at(2026, 1, 2, 0, 0))
        );
        assert_eq!(
            next("30 9 1 * *", at(2026, 1, 31, 10, 0)),
            Some(at(2026, 2, 1, 9, 30))
        );
        assert_eq!(
            next("0 0 1 1 *", at(2026, 6, 1, 0, 0)),
            Some(at(2027, 1, 1, 0, 0))
        );
        // Leap day: the next 29 February after 2026 is in 2028.
        assert_eq!(next("0 0 29 2 *", t0), Some(at(2028, 2, 29, 0, 0)));
        // Day of week only (dom is *): the next Monday is 5 January 2026.
        assert_eq!(next("0 9 * * mon", t0), Some(at(2026, 1, 5, 9, 0)));
        // Both day fields restricted: either matches (the 15th, or a Friday: 2 January).
        assert_eq!(next("0 0 15 * 5", t0), Some(at(2026, 1, 2, 0, 0)));
        // Both restricted with dow "*": only the day of month counts.
        assert_eq!(next("0 0 15 * *", t0), Some(at(2026, 1, 15, 0, 0)));
        // A date that never comes gives the zero time.
        assert_eq!(next("0 0 30 2 *", t0), None);
    }

    #[test]
    fn descriptors_are_the_schedules_parse_descriptor_builds() {
        let t0 = at(2026, 1, 1, 0, 0) + 60;
        assert_eq!(next("@hourly", t0), Some(at(2026, 1, 1, 1, 0)));
        assert_eq!(next("@daily", t0), Some(at(2026, 1, 2, 0, 0)));
        assert_eq!(next("@midnight", t0), Some(at(2026, 1, 2, 0, 0)));
        assert_eq!(next("@weekly", t0), Some(at(2026, 1, 4, 0, 0)), "Sunday");
        assert_eq!(next("@monthly", t0), Some(at(2026, 2, 1, 0, 0)));
        assert_eq!(next("@yearly", t0), Some(at(2027, 1, 1, 0, 0)));
        assert_eq!(next("@annually", t0), Some(at(2027, 1, 1, 0, 0)));
        // ConstantDelaySchedule: from the whole second, never under a second.
        assert_eq!(parse("@every 1h30m"), Ok(Schedule::Every { secs: 5400 }));
        assert_eq!(parse("@every 100ms"), Ok(Schedule::Every { secs: 1 }));
        assert_eq!(
            parse("@every 90s").unwrap().next(t0 * 1_000_000 + 500_000),
            Some(t0 + 90)
        );
    }
}
