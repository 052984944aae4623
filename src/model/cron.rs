//! CronJob schedules: robfig/cron v3's `ParseStandard` (the parser the CronJob controller
//! and API validation use) and `Schedule.Next`, over Unix times in UTC.
//!
//! Five fields (minute, hour, day of month, month, day of week) with `*`/`?`, ranges `a-b`,
//! steps `/n` (`a/n` means `a-max/n`), lists `a,b` and the names `jan`–`dec`, `sun`–`sat`
//! (case-insensitive); or a descriptor `@yearly @annually @monthly @weekly @daily @midnight
//! @hourly`, or `@every <Go duration>` (which `ParseStandard` accepts, so Kubernetes does).
//! Day of week is 0–6 (7 is out of range, as in robfig v3.0.1). When neither day field is
//! `*`, a day matches if either matches (`dayMatches`). `TZ=`/`CRON_TZ=` prefixes are refused
//! by batch/v1 validation before they reach here; a CronJob's `timeZone` comes as
//! [`InZone`], which walks the fields in the zone's local time as robfig's `Next` does with
//! `SpecSchedule.Location` (the IANA data is jiff's bundled copy, never the machine's).

use jiff::Timestamp;
use jiff::tz::TimeZone;

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

/// A schedule and the zone its fields are read in: what `cron.ParseStandard("TZ=<zone> …")`
/// builds for a CronJob with `timeZone` (formatSchedule in cronjob_controllerv2.go).
#[derive(Clone, Debug)]
pub struct InZone {
    /// The parsed schedule.
    pub schedule: Schedule,
    /// The zone; None is UTC.
    pub zone: Option<TimeZone>,
}

impl From<Schedule> for InZone {
    fn from(schedule: Schedule) -> InZone {
        InZone {
            schedule,
            zone: None,
        }
    }
}

/// The IANA zone of that name from the bundled database, or the API server's
/// `validateTimeZone` message (`time.LoadLocation` fails: `unknown time zone <name>`).
pub fn zone(name: &str) -> Result<TimeZone, String> {
    // Go reads the zoneinfo file of that exact name; jiff's lookup ignores case.
    TimeZone::get(name)
        .ok()
        .filter(|tz| tz.iana_name() == Some(name))
        .ok_or_else(|| format!("unknown time zone {name}"))
}

impl InZone {
    /// The schedule in the zone of that name (UTC for None; an unknown name, which
    /// validation refuses before here, is taken as UTC).
    pub fn new(schedule: Schedule, zone_name: Option<&str>) -> InZone {
        InZone {
            schedule,
            zone: zone_name.and_then(|n| zone(n).ok()),
        }
    }

    /// `Schedule.Next` in the zone: the first activation strictly after `after_us` (Unix
    /// µs), as Unix seconds.
    pub fn next(&self, after_us: i64) -> Option<i64> {
        match (&self.zone, self.schedule) {
            (
                Some(tz),
                Schedule::Spec {
                    minute,
                    hour,
                    dom,
                    month,
                    dow,
                },
            ) => next_in(tz, [minute, hour, dom, month, dow], after_us),
            _ => self.schedule.next(after_us),
        }
    }
}

/// Local civil fields of an instant: year, month, day, days since the epoch, hour, minute,
/// second.
struct Local {
    y: i64,
    m: u32,
    d: u32,
    day: i64,
    h: i64,
    mi: i64,
    s: i64,
}

/// robfig's `SpecSchedule.Next` with `Location` set, line by line over Unix seconds: the
/// month and day loops step with `time.Date`/`AddDate` (Go's normalisation of local wall
/// times), the hour, minute and second loops add absolute durations. So a wall time in a
/// spring-forward gap is never reached (the hour loop goes 01:59 → 03:00), and in a
/// fall-back overlap the repeated hour is walked twice (spec_test.go's "1am nightly job
/// (runs twice)").
fn next_in(tz: &TimeZone, [minute, hour, dom, month, dow]: [u64; 5], after_us: i64) -> Option<i64> {
    use crate::model::civil::{DAY, civil_from_days, days_from_civil, weekday};
    let off = |t: i64| -> i64 {
        Timestamp::from_second(t).map_or(0, |ts| i64::from(tz.to_offset(ts).seconds()))
    };
    let local = |t: i64| {
        let l = t + off(t);
        let day = l.div_euclid(DAY);
        let (y, m, d) = civil_from_days(day);
        let s = l.rem_euclid(DAY);
        Local {
            y,
            m,
            d,
            day,
            h: s / 3600,
            mi: s / 60 % 60,
            s: s % 60,
        }
    };
    // time.Date(y, m, d, h, mi, s, loc): out-of-range months and days carry over; the
    // offset is the one in force at (wall time − the offset at the wall time read as UTC),
    // as Go's Date picks it (so an ambiguous time is its first occurrence).
    let date = |y: i64, m: i64, d: i64, h: i64, mi: i64, s: i64| {
        let y = y + (m - 1).div_euclid(12);
        let m = ((m - 1).rem_euclid(12) + 1) as u32;
        let l = (days_from_civil(y, m, 1) + d - 1) * DAY + h * 3600 + mi * 60 + s;
        l - off(l - off(l))
    };
    let day_matches = |f: &Local| {
        let dom_ok = dom & (1 << f.d) != 0;
        let dow_ok = dow & (1 << weekday(f.day)) != 0;
        if dom & STAR != 0 || dow & STAR != 0 {
            dom_ok && dow_ok
        } else {
            dom_ok || dow_ok
        }
    };
    // The upcoming whole second.
    let mut t = after_us.div_euclid(1_000_000) + 1;
    let year_limit = local(t).y + 5;
    let mut added = false;
    'wrap: loop {
        if local(t).y > year_limit {
            return None;
        }
        while month & (1 << local(t).m) == 0 {
            if !added {
                added = true;
                let f = local(t);
                t = date(f.y, i64::from(f.m), 1, 0, 0, 0);
            }
            let f = local(t);
            t = date(f.y, i64::from(f.m) + 1, i64::from(f.d), f.h, f.mi, f.s);
            if local(t).m == 1 {
                continue 'wrap;
            }
        }
        while !day_matches(&local(t)) {
            if !added {
                added = true;
                let f = local(t);
                t = date(f.y, i64::from(f.m), i64::from(f.d), 0, 0, 0);
            }
            let f = local(t);
            let before = t;
            t = date(f.y, i64::from(f.m), i64::from(f.d) + 1, f.h, f.mi, f.s);
            // A skipped day (Apia's 30 December 2011): Go's time.Date normalises the
            // missing midnight back onto the day before, and robfig's loop never ends
            // there; kubesim steps a day on instead.
            if t <= before {
                t = before + DAY;
            }
            // Back to midnight if DST moved it: add an hour if it is 23, take one if 1.
            let h = local(t).h;
            if h != 0 {
                t += if h > 12 { (24 - h) * 3600 } else { -h * 3600 };
            }
            if local(t).d == 1 {
                continue 'wrap;
            }
        }
        while hour & (1 << local(t).h) == 0 {
            if !added {
                added = true;
                let f = local(t);
                t = date(f.y, i64::from(f.m), i64::from(f.d), f.h, 0, 0);
            }
            t += 3600;
            if local(t).h == 0 {
                continue 'wrap;
            }
        }
        while minute & (1 << local(t).mi) == 0 {
            if !added {
                added = true;
                t -= t.rem_euclid(60);
            }
            t += 60;
            if local(t).mi == 0 {
                continue 'wrap;
            }
        }
        // ParseStandard's second field is 0 alone.
        let s = local(t).s;
        if s != 0 {
            added = true;
            t += 60 - s;
            continue 'wrap;
        }
        return Some(t);
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

    /// Unix seconds of an RFC 3339 time with its offset.
    fn ts(s: &str) -> i64 {
        s.parse::<Timestamp>().expect("a time").as_second()
    }

    fn next_tz(spec: &str, tz: &str, from: &str) -> Option<i64> {
        InZone::new(parse(spec).expect("valid"), Some(tz)).next(ts(from) * 1_000_000)
    }

    #[test]
    fn zones_are_the_bundled_iana_names_spelt_exactly() {
        assert!(zone("America/New_York").is_ok());
        assert!(zone("US/Eastern").is_ok(), "a backward link");
        assert!(zone("Etc/UTC").is_ok());
        assert_eq!(
            zone("Mars/Olympus_Mons").unwrap_err(),
            "unknown time zone Mars/Olympus_Mons"
        );
        assert_eq!(
            zone("america/new_york").unwrap_err(),
            "unknown time zone america/new_york"
        );
    }

    #[test]
    fn a_daily_job_in_new_york_follows_its_offset_through_the_year() {
        // 09:00 EST is 14:00 UTC; 09:00 EDT is 13:00 UTC.
        let ny = |from| next_tz("0 9 * * *", "America/New_York", from);
        assert_eq!(ny("2026-01-15T00:00:00Z"), Some(ts("2026-01-15T14:00:00Z")));
        assert_eq!(ny("2026-07-15T00:00:00Z"), Some(ts("2026-07-15T13:00:00Z")));
        // Across the 2026 spring-forward (8 March) and fall-back (1 November) days.
        assert_eq!(ny("2026-03-07T14:00:00Z"), Some(ts("2026-03-08T13:00:00Z")));
        assert_eq!(ny("2026-10-31T13:00:00Z"), Some(ts("2026-11-01T14:00:00Z")));
    }

    #[test]
    fn dst_transitions_follow_robfigs_spec_test_rows() {
        // spec_test.go TestNext, the "TZ=America/New_York" rows (with seconds dropped).
        let ny = |spec, from| next_tz(spec, "America/New_York", from);
        // 2am EST -> 3am EDT: 02:30 on 11 March does not exist, so next year's.
        assert_eq!(
            ny("30 2 11 Mar *", "2012-03-11T00:00:00-05:00"),
            Some(ts("2013-03-11T02:30:00-04:00"))
        );
        // Hourly: 01:00 EST, then 03:00 EDT.
        assert_eq!(
            ny("0 * * * *", "2012-03-11T00:00:00-05:00"),
            Some(ts("2012-03-11T01:00:00-05:00"))
        );
        assert_eq!(
            ny("0 * * * *", "2012-03-11T01:00:00-05:00"),
            Some(ts("2012-03-11T03:00:00-04:00"))
        );
        // 1am nightly; 2am nightly is skipped on the day of the gap.
        assert_eq!(
            ny("0 1 * * *", "2012-03-11T01:00:00-05:00"),
            Some(ts("2012-03-12T01:00:00-04:00"))
        );
        assert_eq!(
            ny("0 2 * * *", "2012-03-11T00:00:00-05:00"),
            Some(ts("2012-03-12T02:00:00-04:00"))
        );
        // A daily 02:30 on the 2026 spring-forward day fires next at 02:30 EDT on 9 March,
        // never at a wall time that did not exist.
        assert_eq!(
            ny("30 2 * * *", "2026-03-08T06:59:00Z"),
            Some(ts("2026-03-09T02:30:00-04:00"))
        );
        // 2am EDT -> 1am EST.
        assert_eq!(
            ny("30 2 04 Nov *", "2012-11-04T00:00:00-04:00"),
            Some(ts("2012-11-04T02:30:00-05:00"))
        );
        assert_eq!(
            ny("30 1 04 Nov *", "2012-11-04T01:45:00-04:00"),
            Some(ts("2012-11-04T01:30:00-05:00"))
        );
        // Hourly through the repeated hour.
        assert_eq!(
            ny("0 * * * *", "2012-11-04T00:00:00-04:00"),
            Some(ts("2012-11-04T01:00:00-04:00"))
        );
        assert_eq!(
            ny("0 * * * *", "2012-11-04T01:00:00-04:00"),
            Some(ts("2012-11-04T01:00:00-05:00"))
        );
        assert_eq!(
            ny("0 * * * *", "2012-11-04T01:00:00-05:00"),
            Some(ts("2012-11-04T02:00:00-05:00"))
        );
        // 1am nightly runs twice.
        assert_eq!(
            ny("0 1 * * *", "2012-11-04T00:00:00-04:00"),
            Some(ts("2012-11-04T01:00:00-04:00"))
        );
        assert_eq!(
            ny("0 1 * * *", "2012-11-04T01:00:00-04:00"),
            Some(ts("2012-11-04T01:00:00-05:00"))
        );
        assert_eq!(
            ny("0 1 * * *", "2012-11-04T01:00:00-05:00"),
            Some(ts("2012-11-05T01:00:00-05:00"))
        );
        // Never: the zero time, as in UTC.
        assert_eq!(ny("0 0 30 2 *", "2026-01-01T00:00:00Z"), None);
    }

    #[test]
    fn a_zone_of_offset_zero_walks_as_utc_does() {
        use proptest::prelude::*;
        let specs = [
            "* * * * *",
            "*/7 3-5 * * *",
            "0 0 29 2 *",
            "30 9 1,15 * mon",
            "0 12 * jun-aug 0,6",
            "@monthly",
            "@weekly",
        ];
        proptest!(|(i in 0..specs.len(), from in 0i64..4_000_000_000)| {
            let s = parse(specs[i]).unwrap();
            let us = from * 1_000_000 + 123;
            prop_assert_eq!(InZone::new(s, Some("Etc/UTC")).next(us), s.next(us));
        });
    }

    #[test]
    fn a_day_walk_across_apias_skipped_day_ends() {
        // Pacific/Apia went from 29 December 2011 23:59:59 (UTC-10) to 31 December 00:00
        // (UTC+14). Walking days for 00:30 on the 1st from 29 December 00:00 local reaches
        // 1 January 2012 00:30 local, 31 December 2011 10:30 UTC.
        let s = InZone::new(parse("30 0 1 * *").unwrap(), Some("Pacific/Apia"));
        let from = 1_325_152_800; // 2011-12-29 10:00 UTC, midnight in Apia
        assert_eq!(s.next(from * 1_000_000), Some(1_325_327_400));
    }

    #[test]
    fn odd_zones_always_give_a_later_activation() {
        // Midnight DST changes (Sao Paulo until 2019, Santiago), a half-hour DST (Lord
        // Howe), a 5:45 offset, and Apia's skipped 30 December 2011: each walk ends, later
        // than where it started, at a whole minute.
        use proptest::prelude::*;
        let zones = [
            "America/Sao_Paulo",
            "America/Santiago",
            "Australia/Lord_Howe",
            "Asia/Kathmandu",
            "Pacific/Apia",
            "Europe/London",
        ];
        let specs = [
            "0 0 * * *",
            "30 0 1 * *",
            "*/20 * * * *",
            "0 2 * * 0",
            "@daily",
        ];
        proptest!(|(z in 0..zones.len(), i in 0..specs.len(), from in 1_200_000_000i64..1_800_000_000)| {
            let s = InZone::new(parse(specs[i]).unwrap(), Some(zones[z]));
            let n = s.next(from * 1_000_000).expect("an activation");
            prop_assert!(n > from);
            prop_assert!(n - from < 40 * 86_400);
            prop_assert_eq!(n.rem_euclid(60), 0);
        });
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
