//! events.csv: one row per Kubernetes Event a component emits. The Events themselves are
//! stored objects ([`crate::etcd::events`]); this is only their log.

use crate::etcd::events::StoredEvent;
use crate::output::CsvSink;

/// events.csv's header (docs/outputs.md); columns are only ever added at the end.
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

/// The events.csv writer.
#[derive(Debug)]
pub struct EventLog {
    pub(crate) sink: CsvSink,
    seq: u64,
}

impl EventLog {
    /// Over a sink whose header is already written.
    pub(crate) fn new(sink: CsvSink) -> EventLog {
        EventLog { sink, seq: 0 }
    }

    /// Writes the row, numbering it.
    pub(crate) fn record(&mut self, row: &StoredEvent) {
        self.seq += 1;
        let time = row.time.csv();
        let seq = self.seq.to_string();
        self.sink.row(&[
            &time,
            &seq,
            &row.namespace,
            row.kind.lower(),
            row.object(),
            row.type_str(),
            row.reason,
            row.source,
            &row.message,
        ]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kind::Kind;
    use crate::output::{OutputSet, Outputs};
    use crate::sim::time::SimTime;

    #[allow(clippy::too_many_arguments)]
    fn ev(
        t: u64,
        namespace: &str,
        kind: Kind,
        object: &str,
        warning: bool,
        reason: &'static str,
        source: &'static str,
        message: &str,
    ) -> StoredEvent {
        StoredEvent {
            object: object.into(),
            stamp_ns: 0,
            time: SimTime(t),
            namespace: namespace.into(),
            kind,
            warning,
            reason,
            source,
            host_plus_one: None,
            message: message.into(),
        }
    }

    fn only_events() -> OutputSet {
        OutputSet {
            events: true,
            timeline: false,
            transcript: false,
        }
    }

    #[test]
    fn rows_are_numbered_timed_and_quoted_only_where_needed() {
        // docs/outputs.md: seq from 1, six-decimal times, RFC 4180 quoting only where needed.
        let dir = tempfile::tempdir().unwrap();
        let mut out = Outputs::create(dir.path(), &only_events(), true).unwrap();
        out.event(&ev(
            90_000_250,
            "default",
            Kind::Pod,
            "web-abcde",
            false,
            "Scheduled",
            "default-scheduler",
            "Successfully assigned default/web-abcde to aks-nodepool1-12345678-vmss000000",
        ));
        out.event(&ev(
            91_000_000,
            "",
            Kind::Node,
            "aks-nodepool1-12345678-vmss000000",
            true,
            "Failed",
            "kubelet",
            "Error: a, \"quoted\" value",
        ));
        out.event(&ev(
            92_000_000,
            "default",
            Kind::ReplicationController,
            "rc",
            false,
            "SuccessfulCreate",
            "replication-controller",
            "Created pod: rc-x",
        ));
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
}
