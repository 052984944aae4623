//! The kubelet's back-off for container restarts and image pulls: a port of client-go's
//! `flowcontrol.Backoff` (k8s.io/client-go/util/flowcontrol/backoff.go) with the kubelet's
//! parameters, 10 s initial and 300 s maximum (pkg/kubelet/kubelet.go `backOffPeriod`,
//! `MaxContainerBackOff`). Jitter is not applied (the kubelet creates it with none).

use crate::sim::time::{SimDuration, SimTime};

/// `backOffPeriod`: the first back-off, doubled on each failure.
pub const INITIAL: SimDuration = SimDuration(10_000_000);
/// `MaxContainerBackOff`: the cap.
pub const MAX: SimDuration = SimDuration(300_000_000);

/// One key's entry (`backoffEntry`): the current back-off and when it was last raised.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Backoff {
    entry: Option<(SimDuration, SimTime)>,
}

/// `hasExpired`: an entry idle for more than twice the maximum starts over.
fn expired(event: SimTime, last_update: SimTime) -> bool {
    event.since(last_update).as_micros() > 2 * MAX.as_micros()
}

impl Backoff {
    /// `Next(id, eventTime)`: start at [`INITIAL`] (new or expired entry) or double up to
    /// [`MAX`]; the entry is stamped `now`.
    pub fn next(&mut self, event: SimTime, now: SimTime) {
        let backoff = match self.entry {
            Some((b, last)) if !expired(event, last) => {
                SimDuration((b.as_micros() * 2).min(MAX.as_micros()))
            }
            _ => INITIAL,
        };
        self.entry = Some((backoff, now));
    }

    /// `IsInBackOffSince(id, eventTime)`: still within the back-off counted from `event`
    /// (a container's `finishedAt`).
    pub fn in_backoff_since(&self, event: SimTime, now: SimTime) -> bool {
        match self.entry {
            Some((b, last)) if !expired(event, last) => now.since(event) < b,
            _ => false,
        }
    }

    /// `IsInBackOffSinceUpdate(id, eventTime)`: still within the back-off counted from the
    /// last failure (image pulls).
    pub fn in_backoff_since_update(&self, now: SimTime) -> bool {
        match self.entry {
            Some((b, last)) if !expired(now, last) => now.since(last) < b,
            _ => false,
        }
    }

    /// The current back-off (`Get`), zero without an entry.
    pub fn get(&self) -> SimDuration {
        self.entry.map_or(SimDuration(0), |(b, _)| b)
    }

    /// When the entry was last raised.
    pub fn last_update(&self) -> Option<SimTime> {
        self.entry.map(|(_, t)| t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1_000_000;

    #[test]
    fn back_off_doubles_from_10s_to_a_300s_cap() {
        // flowcontrol backoff_test.go TestSlowBackoff shape with the kubelet's 10s/300s:
        // 10, 20, 40, 80, 160, 300, 300.
        let mut b = Backoff::default();
        let mut seen = Vec::new();
        for i in 0..7 {
            let t = SimTime(i * S);
            b.next(t, t);
            seen.push(b.get().as_micros() / S);
        }
        assert_eq!(seen, vec![10, 20, 40, 80, 160, 300, 300]);
    }

    #[test]
    fn an_entry_idle_for_ten_minutes_starts_over() {
        // hasExpired: eventTime - lastUpdate > 2 * maxDuration resets to the initial value.
        let mut b = Backoff::default();
        b.next(SimTime(0), SimTime(0));
        b.next(SimTime(S), SimTime(S));
        assert_eq!(b.get(), SimDuration(20 * S));
        let late = SimTime(S + 600 * S + 1);
        assert!(!b.in_backoff_since(late, late));
        b.next(late, late);
        assert_eq!(b.get(), INITIAL);
    }

    #[test]
    fn in_back_off_is_strictly_less_than_the_back_off() {
        // IsInBackOffSince: Since(eventTime) < backoff.
        let mut b = Backoff::default();
        assert!(!b.in_backoff_since(SimTime(0), SimTime(0)), "no entry yet");
        b.next(SimTime(0), SimTime(0));
        assert!(b.in_backoff_since(SimTime(0), SimTime(10 * S - 1)));
        assert!(!b.in_backoff_since(SimTime(0), SimTime(10 * S)));
        assert!(b.in_backoff_since_update(SimTime(9 * S)));
        assert!(!b.in_backoff_since_update(SimTime(10 * S)));
    }
}
