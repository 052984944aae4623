//! The AGE column: apimachinery's `duration.HumanDuration` and kubectl's
//! `translateTimestampSince` (kubectl-output reference §2).
//!
//! Source: `k8s.io/apimachinery/pkg/util/duration/duration.go`, `HumanDuration`, and
//! `pkg/printers/internalversion/printers.go`, `translateTimestampSince`. The Go code works in
//! nanoseconds; kubesim's clock is whole µs, which changes no output because every branch
//! truncates to whole seconds or coarser.

use crate::sim::time::SimTime;

const SECOND: i64 = 1_000_000;
const MINUTE: i64 = 60 * SECOND;
const HOUR: i64 = 60 * MINUTE;

/// kubectl's AGE text for an elapsed time in µs (`now − creationTimestamp`): about two
/// significant figures (`45s`, `3m50s`, `179m`, `5h30m`, `2d3h`, `367d`, `2y1d`, `8y`).
///
/// More than a second in the future prints `<invalid>`, less than that `0s`, as the Go code
/// tolerates small clock skew. Years are 365 days; there is no month unit.
pub fn human_duration(micros: i64) -> String {
    // Go: seconds := int(d.Seconds()) — truncation toward zero, as Rust's `/` does.
    let seconds = micros / SECOND;
    if seconds < -1 {
        return "<invalid>".to_string();
    }
    if seconds < 0 {
        return "0s".to_string();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = micros / MINUTE;
    if minutes < 10 {
        let s = seconds % 60;
        if s == 0 {
            return format!("{minutes}m");
        }
        return format!("{minutes}m{s}s");
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = micros / HOUR;
    if hours < 8 {
        let m = minutes % 60;
        if m == 0 {
            return format!("{hours}h");
        }
        return format!("{hours}h{m}m");
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        if h == 0 {
            return format!("{}d", hours / 24);
        }
        return format!("{}d{h}h", hours / 24);
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        if dy == 0 {
            return format!("{}y", hours / 24 / 365);
        }
        return format!("{}y{dy}d", hours / 24 / 365);
    }
    format!("{}y", hours / 24 / 365)
}

/// The AGE cell of an object created at `created` as seen at `now`: `<unknown>` when the
/// object has no creation time (Go's zero timestamp), otherwise [`human_duration`].
///
/// Mirrors `translateTimestampSince`, whose argument is a `metav1.Time`: it reaches kubectl
/// as RFC 3339 with whole seconds, so `created` is truncated to its second first (a pod
/// created at 1.08 s is `2s` old at 3.0 s). t=0 is a whole second (`startTime` allows no
/// fraction), so truncating virtual time truncates the timestamp. Used by AGE, LAST SEEN and
/// `RESTARTS (… ago)`. A `created` after `now` gives a negative duration, as on a real server
/// whose clock lags.
pub fn translate_timestamp_since(created: Option<SimTime>, now: SimTime) -> String {
    let Some(created) = created else {
        return "<unknown>".to_string();
    };
    translate_micro_timestamp_since(whole_second(created), now)
}

/// `translateMicroTimestampSince`: the same for a `metav1.MicroTime` (an events.k8s.io
/// `eventTime`), which keeps its microseconds.
pub fn translate_micro_timestamp_since(created: SimTime, now: SimTime) -> String {
    let elapsed = i128::from(now.as_micros()) - i128::from(created.as_micros());
    let saturated = if elapsed < 0 { i64::MIN } else { i64::MAX };
    human_duration(i64::try_from(elapsed).unwrap_or(saturated))
}

/// `created` as a `metav1.Time` carries it: the start of its second.
fn whole_second(t: SimTime) -> SimTime {
    SimTime(t.as_micros() / SECOND as u64 * SECOND as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: i64 = 1_000;
    const DAY: i64 = 24 * HOUR;
    const YEAR: i64 = 365 * DAY;

    fn check(cases: &[(i64, &str)]) {
        for (d, want) in cases {
            assert_eq!(human_duration(*d), *want, "HumanDuration({d} µs)");
        }
    }

    #[test]
    fn ports_apimachinery_test_human_duration() {
        // duration_test.go TestHumanDuration
        check(&[
            // {d: time.Second, want: "1s"}
            (SECOND, "1s"),
            // {d: 70 * time.Second, want: "70s"}
            (70 * SECOND, "70s"),
            // {d: 190 * time.Second, want: "3m10s"}
            (190 * SECOND, "3m10s"),
            // {d: 70 * time.Minute, want: "70m"}
            (70 * MINUTE, "70m"),
            // {d: 47 * time.Hour, want: "47h"}
            (47 * HOUR, "47h"),
            // {d: 49 * time.Hour, want: "2d1h"}
            (49 * HOUR, "2d1h"),
            // {d: (8*24 + 2) * time.Hour, want: "8d"}
            ((8 * 24 + 2) * HOUR, "8d"),
            // {d: (367 * 24) * time.Hour, want: "367d"}
            (367 * 24 * HOUR, "367d"),
            // {d: (365*2*24 + 25) * time.Hour, want: "2y1d"}
            ((365 * 2 * 24 + 25) * HOUR, "2y1d"),
            // {d: (365*8*24 + 2) * time.Hour, want: "8y"}
            ((365 * 8 * 24 + 2) * HOUR, "8y"),
        ]);
    }

    #[test]
    fn ports_apimachinery_test_human_duration_boundaries() {
        // duration_test.go TestHumanDurationBoundaries (Go's `+ 1` ns becomes `+ 1` µs).
        check(&[
            // {d: -2 * time.Second, want: "<invalid>"}
            (-2 * SECOND, "<invalid>"),
            // {d: -2*time.Second + 1, want: "0s"}
            (-2 * SECOND + 1, "0s"),
            // {d: 0, want: "0s"}
            (0, "0s"),
            // {d: time.Second - time.Millisecond, want: "0s"}
            (SECOND - MS, "0s"),
            // {d: 2*time.Minute - time.Millisecond, want: "119s"}
            (2 * MINUTE - MS, "119s"),
            // {d: 2 * time.Minute, want: "2m"}
            (2 * MINUTE, "2m"),
            // {d: 2*time.Minute + time.Second, want: "2m1s"}
            (2 * MINUTE + SECOND, "2m1s"),
            // {d: 10*time.Minute - time.Millisecond, want: "9m59s"}
            (10 * MINUTE - MS, "9m59s"),
            // {d: 10 * time.Minute, want: "10m"}
            (10 * MINUTE, "10m"),
            // {d: 10*time.Minute + time.Second, want: "10m"}
            (10 * MINUTE + SECOND, "10m"),
            // {d: 3*time.Hour - time.Millisecond, want: "179m"}
            (3 * HOUR - MS, "179m"),
            // {d: 3 * time.Hour, want: "3h"}
            (3 * HOUR, "3h"),
            // {d: 3*time.Hour + time.Minute, want: "3h1m"}
            (3 * HOUR + MINUTE, "3h1m"),
            // {d: 8*time.Hour - time.Millisecond, want: "7h59m"}
            (8 * HOUR - MS, "7h59m"),
            // {d: 8 * time.Hour, want: "8h"}
            (8 * HOUR, "8h"),
            // {d: 8*time.Hour + 59*time.Minute, want: "8h"}
            (8 * HOUR + 59 * MINUTE, "8h"),
            // {d: 2*24*time.Hour - time.Millisecond, want: "47h"}
            (2 * DAY - MS, "47h"),
            // {d: 2 * 24 * time.Hour, want: "2d"}
            (2 * DAY, "2d"),
            // {d: 2*24*time.Hour + time.Hour, want: "2d1h"}
            (2 * DAY + HOUR, "2d1h"),
            // {d: 8*24*time.Hour - time.Millisecond, want: "7d23h"}
            (8 * DAY - MS, "7d23h"),
            // {d: 8 * 24 * time.Hour, want: "8d"}
            (8 * DAY, "8d"),
            // {d: 8*24*time.Hour + 23*time.Hour, want: "8d"}
            (8 * DAY + 23 * HOUR, "8d"),
            // {d: 2*365*24*time.Hour - time.Millisecond, want: "729d"}
            (2 * YEAR - MS, "729d"),
            // {d: 2 * 365 * 24 * time.Hour, want: "2y"}
            (2 * YEAR, "2y"),
            // {d: 2*365*24*time.Hour + 23*time.Hour, want: "2y"}
            (2 * YEAR + 23 * HOUR, "2y"),
            // {d: 2*365*24*time.Hour + 23*time.Hour + 59*time.Minute, want: "2y"}
            (2 * YEAR + 23 * HOUR + 59 * MINUTE, "2y"),
            // {d: 2*365*24*time.Hour + 24*time.Hour - time.Millisecond, want: "2y"}
            (2 * YEAR + DAY - MS, "2y"),
            // {d: 2*365*24*time.Hour + 24*time.Hour, want: "2y1d"}
            (2 * YEAR + DAY, "2y1d"),
            // {d: 3 * 365 * 24 * time.Hour, want: "3y"}
            (3 * YEAR, "3y"),
            // {d: 4 * 365 * 24 * time.Hour, want: "4y"}
            (4 * YEAR, "4y"),
            // {d: 5 * 365 * 24 * time.Hour, want: "5y"}
            (5 * YEAR, "5y"),
            // {d: 6 * 365 * 24 * time.Hour, want: "6y"}
            (6 * YEAR, "6y"),
            // {d: 7 * 365 * 24 * time.Hour, want: "7y"}
            (7 * YEAR, "7y"),
            // {d: 8*365*24*time.Hour - time.Millisecond, want: "7y364d"}
            (8 * YEAR - MS, "7y364d"),
            // {d: 8 * 365 * 24 * time.Hour, want: "8y"}
            (8 * YEAR, "8y"),
            // {d: 8*365*24*time.Hour + 364*24*time.Hour, want: "8y"}
            (8 * YEAR + 364 * DAY, "8y"),
            // {d: 9 * 365 * 24 * time.Hour, want: "9y"}
            (9 * YEAR, "9y"),
        ]);
    }

    #[test]
    fn matches_every_example_of_the_reference_table() {
        // kubectl-output reference §2 "Examples", HumanDuration column.
        check(&[
            (-5 * SECOND, "<invalid>"),
            (-1500 * MS, "0s"),
            (0, "0s"),
            (45 * SECOND, "45s"),
            (70 * SECOND, "70s"),
            (119 * SECOND, "119s"),
            (120 * SECOND, "2m"),
            (121 * SECOND, "2m1s"),
            (3 * MINUTE + 50 * SECOND, "3m50s"),
            (9 * MINUTE + 59 * SECOND, "9m59s"),
            (10 * MINUTE + 30 * SECOND, "10m"),
            (70 * MINUTE, "70m"),
            (2 * HOUR + 59 * MINUTE, "179m"),
            (3 * HOUR + MINUTE, "3h1m"),
            (5 * HOUR + 30 * MINUTE, "5h30m"),
            (8 * HOUR + 59 * MINUTE, "8h"),
            (47 * HOUR + 59 * MINUTE, "47h"),
            (49 * HOUR, "2d1h"),
            (51 * HOUR, "2d3h"),
            (7 * DAY + 23 * HOUR, "7d23h"),
            (8 * DAY + 23 * HOUR, "8d"),
            (367 * DAY, "367d"),
            (729 * DAY, "729d"),
            (730 * DAY, "2y"),
            (731 * DAY, "2y1d"),
            (3 * YEAR + 100 * DAY, "3y100d"),
            (8 * YEAR - MS, "7y364d"),
            (8 * YEAR + 364 * DAY, "8y"),
        ]);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_duration(micros in proptest::num::i64::ANY) {
            proptest::prop_assert!(!human_duration(micros).is_empty());
        }
    }

    #[test]
    fn translate_timestamp_since_prints_unknown_for_a_missing_timestamp() {
        // reference §2: `<unknown>` if ts.IsZero().
        assert_eq!(translate_timestamp_since(None, SimTime(0)), "<unknown>");
        assert_eq!(
            translate_timestamp_since(
                Some(SimTime(10 * SECOND as u64)),
                SimTime(241 * SECOND as u64)
            ),
            "3m51s"
        );
    }

    #[test]
    fn translate_timestamp_since_treats_a_future_creation_as_clock_skew() {
        // reference §1.5: `<invalid>` for more than 1 s in the future.
        assert_eq!(
            translate_timestamp_since(Some(SimTime(5 * SECOND as u64)), SimTime(0)),
            "<invalid>"
        );
        assert_eq!(
            translate_timestamp_since(Some(SimTime(SECOND as u64)), SimTime(0)),
            "0s"
        );
        assert_eq!(
            translate_timestamp_since(Some(SimTime(0)), SimTime(u64::MAX)),
            "292471y"
        );
    }

    #[test]
    fn ages_count_from_the_second_the_timestamp_serializes_to() {
        // creationTimestamp is a metav1.Time (RFC 3339, whole seconds): created at 1.08 s it
        // reads 00:00:01, so at 3.0 s kubectl prints 2s, not the 1.92 s of elapsed time.
        let created = SimTime(1_080_000);
        assert_eq!(
            translate_timestamp_since(Some(created), SimTime(3 * SECOND as u64)),
            "2s"
        );
        // An events.k8s.io eventTime is a MicroTime and keeps its fraction.
        assert_eq!(
            translate_micro_timestamp_since(created, SimTime(3 * SECOND as u64)),
            "1s"
        );
    }
}
