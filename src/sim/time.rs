//! Virtual time: an integer number of microseconds since t=0 (docs/expectations.md).
//!
//! Never a float: equal instants must compare equal on every machine, and the output prints
//! the exact µs (`90.000250`).

use std::fmt;
use std::ops::{Add, Sub};

/// An instant of virtual time, in µs since the scenario started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

/// A span of virtual time in µs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimDuration(pub u64);

impl SimTime {
    /// t=0.
    pub const ZERO: SimTime = SimTime(0);

    /// Whole µs since t=0.
    pub fn as_micros(self) -> u64 {
        self.0
    }

    /// Time elapsed since `earlier`, zero if `earlier` is later.
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }

    /// `SECONDS.ffffff`, the form of the `time` column in every CSV.
    pub fn csv(self) -> String {
        format!("{}.{:06}", self.0 / 1_000_000, self.0 % 1_000_000)
    }

    /// `SECONDS.mmm` truncated, the form of transcript headers.
    pub fn millis3(self) -> String {
        format!("{}.{:03}", self.0 / 1_000_000, (self.0 % 1_000_000) / 1000)
    }
}

impl SimDuration {
    /// From whole seconds.
    pub const fn from_secs(s: u64) -> Self {
        SimDuration(s * 1_000_000)
    }
    /// From whole milliseconds.
    pub const fn from_millis(ms: u64) -> Self {
        SimDuration(ms * 1000)
    }
    /// Whole µs.
    pub fn as_micros(self) -> u64 {
        self.0
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, d: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(d.0))
    }
}

impl Sub<SimTime> for SimTime {
    type Output = SimDuration;
    fn sub(self, o: SimTime) -> SimDuration {
        self.since(o)
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.csv())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_time_has_exactly_six_decimals() {
        assert_eq!(SimTime(90_000_250).csv(), "90.000250");
        assert_eq!(SimTime(0).csv(), "0.000000");
    }

    #[test]
    fn transcript_time_truncates_to_milliseconds() {
        assert_eq!(SimTime(1_234_999).millis3(), "1.234");
    }
}
