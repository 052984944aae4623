//! events.csv: one row per Kubernetes Event a component emits (CONTRACT §5), and the recent
//! Events `kubectl get events` lists.
//!
//! Models the API server's Event storage: kube-apiserver keeps Events for `--event-ttl`
//! (default 1 h) and then etcd's lease expires them. Simplified: no aggregation (`count`
//! stays 1, as events.csv has one row per emitted Event), and expiry is exact at 1 h rather
//! than lease-granular.

use std::collections::VecDeque;

use crate::model::kind::Kind;
use crate::output::CsvSink;
use crate::sim::time::{SimDuration, SimTime};

/// events.csv's header (CONTRACT §5); columns are only ever added at the end.
pub const HEADER: [&str; 9] = [
    "time",
    "seq",
    "namespace",
    "kind",
    "name",
    "type",
    "reason",
    "source",
    "message",
];

/// kube-apiserver's default `--event-ttl`: 1 h.
pub const EVENT_TTL: SimDuration = SimDuration::from_secs(3600);

/// One emitted Event, as `kubectl get events` needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRow {
    /// When it was emitted (`lastTimestamp`).
    pub time: SimTime,
    /// The involved object's namespace (empty for cluster-scoped objects).
    pub namespace: String,
    /// The involved object's kind.
    pub kind: Kind,
    /// The involved object's name.
    pub name: String,
    /// `type` Warning (else Normal).
    pub warning: bool,
    /// `reason` (`Scheduled`, `Pulling`, ...).
    pub reason: &'static str,
    /// `source.component` (`default-scheduler`, `kubelet`, ...).
    pub source: &'static str,
    /// `source.host`: the node of a kubelet's event (kubectl's wide SOURCE column).
    pub host: Option<u32>,
    /// `message`.
    pub message: String,
}

impl EventRow {
    /// `Normal` or `Warning`.
    pub fn type_str(&self) -> &'static str {
        if self.warning { "Warning" } else { "Normal" }
    }
}

/// The events.csv writer and the Events still within their TTL.
#[derive(Debug)]
pub struct EventLog {
    pub(crate) sink: CsvSink,
    seq: u64,
    recent: VecDeque<EventRow>,
}

impl EventLog {
    /// Over a sink whose header is already written.
    pub(crate) fn new(sink: CsvSink) -> EventLog {
        EventLog {
            sink,
            seq: 0,
            recent: VecDeque::new(),
        }
    }

    /// Writes the row (numbering it) and keeps it for `kubectl get events`.
    pub(crate) fn record(&mut self, row: EventRow) {
        self.seq += 1;
        let time = row.time.csv();
        let seq = self.seq.to_string();
        self.sink.row(&[
            &time,
            &seq,
            &row.namespace,
            row.kind.lower(),
            &row.name,
            row.type_str(),
            row.reason,
            row.source,
            &row.message,
        ]);
        self.prune(row.time);
        self.recent.push_back(row);
    }

    /// Drops Events at least one TTL old at `now` (they arrive in time order).
    pub(crate) fn prune(&mut self, now: SimTime) {
        while self
            .recent
            .front()
            .is_some_and(|e| now.since(e.time) >= EVENT_TTL)
        {
            self.recent.pop_front();
        }
    }

    /// Events younger than the TTL at `now`, oldest first.
    pub fn recent(&self, now: SimTime) -> impl Iterator<Item = &EventRow> {
        self.recent
            .iter()
            .filter(move |e| now.since(e.time) < EVENT_TTL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{OutputSet, Outputs};

    fn only_events() -> OutputSet {
        OutputSet {
            events: true,
            timeline: false,
            transcript: false,
        }
    }

    #[test]
    fn rows_are_numbered_timed_and_quoted_only_where_needed() {
        // CONTRACT §5: seq from 1, six-decimal times, RFC 4180 quoting only where needed.
        let dir = tempfile::tempdir().unwrap();
        let mut out = Outputs::create(dir.path(), &only_events(), true).unwrap();
        out.event(
            SimTime(90_000_250),
            "default",
            Kind::Pod,
            "web-abcde",
            false,
            "Scheduled",
            "default-scheduler",
            "Successfully assigned default/web-abcde to aks-nodepool1-12345678-vmss000000",
            None,
        );
        out.event(
            SimTime(91_000_000),
            "",
            Kind::Node,
            "aks-nodepool1-12345678-vmss000000",
            true,
            "Failed",
            "kubelet",
            "Error: a, \"quoted\" value",
            None,
        );
        out.event(
            SimTime(92_000_000),
            "default",
            Kind::ReplicationController,
            "rc",
            false,
            "SuccessfulCreate",
            "replication-controller",
            "Created pod: rc-x",
            None,
        );
        assert!(out.io_error().is_none());
        out.events.sink.flush();
        let text = std::fs::read_to_string(dir.path().join("events.csv")).unwrap();
        assert_eq!(
            text,
            "time,seq,namespace,kind,name,type,reason,source,message\n\
             90.000250,1,default,pod,web-abcde,Normal,Scheduled,default-scheduler,Successfully assigned default/web-abcde to aks-nodepool1-12345678-vmss000000\n\
             91.000000,2,,node,aks-nodepool1-12345678-vmss000000,Warning,Failed,kubelet,\"Error: a, \"\"quoted\"\" value\"\n\
             92.000000,3,default,replicationcontroller,rc,Normal,SuccessfulCreate,replication-controller,Created pod: rc-x\n"
        );
    }

    #[test]
    fn events_older_than_the_ttl_are_forgotten() {
        // kube-apiserver --event-ttl default 1h.
        let mut log = EventLog::new(CsvSink::none("events.csv"));
        let row = |t: u64, name: &str| EventRow {
            time: SimTime(t),
            namespace: "default".into(),
            kind: Kind::Pod,
            name: name.into(),
            warning: false,
            reason: "Pulled",
            source: "kubelet",
            host: None,
            message: String::new(),
        };
        log.record(row(0, "a"));
        log.record(row(1_000_000, "b"));
        let names = |log: &EventLog, now: u64| -> Vec<String> {
            log.recent(SimTime(now)).map(|e| e.name.clone()).collect()
        };
        assert_eq!(names(&log, 3_599_999_999), ["a", "b"]);
        assert_eq!(names(&log, 3_600_000_000), ["b"]);
        log.record(row(3_601_000_000, "c"));
        assert_eq!(log.recent.len(), 1, "both old events were pruned");
        assert_eq!(names(&log, 3_601_000_000), ["c"]);
    }
}
