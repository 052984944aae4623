//! `kubectl describe`: kubectl's describers (`kubectl/pkg/describe/describe.go`) over the
//! store, for the kinds kubesim models (kubectl-output reference §5).
//!
//! Each describer writes `\t`-separated lines at 2-space indentation levels
//! (`prefixWriter`), laid out by the tabwriter of `tabbedString` (padding 2), flushed before
//! the Events table so that it aligns on its own. Timestamps are RFC 1123 with a numeric zone
//! (`time.RFC1123Z`) in UTC: t=0 is the scenario's `startTime` (the Unix epoch without one)
//! and a kubectl terminal's local zone is taken to be UTC.
//!
//! Only what kubesim models is printed; docs/commands.md lists what is left out (container
//! and image IDs, the service-account token volume, node annotations, leases and system
//! UUIDs).

mod node;
mod pod;
mod service;
mod workload;

use crate::etcd::Store;
use crate::etcd::events::StoredEvent;
use crate::kubectl::age::{translate_micro_timestamp_since, translate_timestamp_since};
use crate::kubectl::tabwriter::tabwrite;
use crate::model::kind::Kind;
use crate::model::labels::Labels;
use crate::model::meta::{Meta, ObjRef};
use crate::sim::time::SimTime;

/// What a describer reads: the store as of the response, and the wall-clock date of t=0.
pub struct View<'a> {
    /// The committed store.
    pub store: &'a Store,
    /// Now, in virtual time.
    pub now: SimTime,
    /// t=0 in Unix seconds.
    pub start_unix: i64,
    /// `DescriberSettings.ShowEvents`: false when several objects are described at once.
    pub show_events: bool,
}

/// The describe text of one object, or None for a kind without a describer here.
pub fn describe(v: &View<'_>, obj: ObjRef) -> Option<String> {
    let mut w = Writer::default();
    match obj.kind {
        Kind::Pod => pod::describe(v, &mut w, obj.id)?,
        Kind::Deployment => workload::deployment(v, &mut w, obj.id)?,
        Kind::ReplicaSet | Kind::ReplicationController => workload::replica_set(v, &mut w, obj.id)?,
        Kind::DaemonSet => workload::daemon_set(v, &mut w, obj.id)?,
        Kind::Node => node::describe(v, &mut w, obj.id)?,
        Kind::Service => service::describe(v, &mut w, obj.id)?,
        Kind::Namespace => service::namespace_describe(v, &mut w, obj.id)?,
        _ => return None,
    }
    Some(w.finish())
}

/// `DescribePodTemplate` alone: what `kubectl rollout history --revision=N` prints.
pub fn pod_template(v: &View<'_>, t: &crate::model::workload::PodTemplate) -> String {
    let mut w = Writer::default();
    pod::template(&mut w, v, t);
    w.finish()
}

/// The kinds [`describe`] knows.
pub fn describable(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Pod
            | Kind::Deployment
            | Kind::ReplicaSet
            | Kind::ReplicationController
            | Kind::DaemonSet
            | Kind::Node
            | Kind::Service
            | Kind::Namespace
    )
}

/// `tabbedString` with `prefixWriter`: lines at levels, flushed through the tabwriter.
#[derive(Default)]
pub(crate) struct Writer {
    done: String,
    pending: String,
}

impl Writer {
    /// `Write(level, ...)`: one line (tabs separate its cells) at `level` × 2 spaces.
    pub(crate) fn line(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.pending.push_str("  ");
        }
        self.pending.push_str(text);
        self.pending.push('\n');
    }

    /// `w.Flush()`: what is written so far is laid out on its own.
    pub(crate) fn flush(&mut self) {
        self.done.push_str(&tabwrite(&self.pending, 0, 2));
        self.pending.clear();
    }

    fn finish(mut self) -> String {
        self.flush();
        self.done
    }

    /// `printLabelsMultilineWithIndent`: `Title:\tk=v`, one per line, sorted, `<none>` if empty.
    pub(crate) fn labels(&mut self, level: usize, title: &str, labels: &Labels) {
        let mut pairs: Vec<(&str, &str)> = labels.iter().collect();
        pairs.sort();
        if pairs.is_empty() {
            self.line(level, &format!("{title}:\t<none>"));
            return;
        }
        for (i, (k, v)) in pairs.iter().enumerate() {
            if i == 0 {
                self.line(level, &format!("{title}:\t{k}={v}"));
            } else {
                self.line(level, &format!("\t{k}={v}"));
            }
        }
    }

    /// `printAnnotationsMultiline` for objects whose annotations kubesim does not keep.
    pub(crate) fn annotations(&mut self, level: usize, pairs: &[(&str, String)]) {
        if pairs.is_empty() {
            self.line(level, "Annotations:\t<none>");
            return;
        }
        for (i, (k, v)) in pairs.iter().enumerate() {
            let title = if i == 0 { "Annotations:" } else { "" };
            self.line(level, &format!("{title}\t{k}: {v}"));
        }
    }

    /// `DescribeEvents`: the object's Events, oldest first, or `Events:\t<none>`; nothing at
    /// all when events are not shown.
    pub(crate) fn events(&mut self, v: &View<'_>, kind: Kind, meta: &Meta) {
        if !v.show_events {
            return;
        }
        let ns = meta
            .namespace
            .map(|n| v.store.ns_name(n).to_string())
            .unwrap_or_default();
        let mut mine: Vec<&StoredEvent> = v
            .store
            .events
            .list(Some(&ns), v.now)
            .into_iter()
            .filter(|e| e.kind == kind && e.object() == meta.name)
            .collect();
        if mine.is_empty() {
            self.line(0, "Events:\t<none>");
            return;
        }
        // event.SortableEvents: by lastTimestamp (stable for equal times).
        mine.sort_by_key(|e| e.time);
        self.flush();
        self.line(0, "Events:");
        self.line(1, "Type\tReason\tAge\tFrom\tMessage");
        self.line(1, "----\t------\t----\t----\t-------");
        for e in mine {
            // Age: since eventTime (a MicroTime) for the scheduler's events.k8s.io events,
            // since firstTimestamp (whole seconds) for the others.
            let age = if e.source == crate::scheduler::SCHEDULER_NAME {
                translate_micro_timestamp_since(e.time, v.now)
            } else {
                translate_timestamp_since(Some(e.time), v.now)
            };
            self.line(
                1,
                &format!(
                    "{}\t{}\t{age}\t{}\t{}",
                    e.type_str(),
                    e.reason,
                    e.source,
                    e.message.trim()
                ),
            );
        }
    }
}

impl View<'_> {
    /// `t` as `time.RFC1123Z` in UTC (`Thu, 01 Jan 2026 00:00:05 +0000`); a `metav1.Time`
    /// keeps whole seconds.
    pub(crate) fn date(&self, t: SimTime) -> String {
        rfc1123z(self.start_unix + (t.as_micros() / 1_000_000) as i64)
    }
}

/// `time.RFC1123Z` of a Unix time, in UTC.
pub(crate) use crate::model::civil::rfc1123z;

/// `time.RFC3339` of the virtual instant `now` (whole seconds, UTC as a terminal here is):
/// what `rollout restart` writes as `restartedAt`.
pub(crate) fn rfc3339(start_unix: i64, now: SimTime) -> String {
    crate::model::civil::rfc3339(start_unix + (now.as_micros() / 1_000_000) as i64)
}

/// CPU millicores as a Quantity prints them (`100m`, `1`, `1500m`).
pub(crate) fn cpu(milli: i64) -> String {
    if milli % 1000 == 0 {
        (milli / 1000).to_string()
    } else {
        format!("{milli}m")
    }
}

/// Bytes as a BinarySI Quantity prints them (`70Mi`, `16373236Ki`), the form requests,
/// limits and node capacity carry; 0 is `0`.
pub(crate) fn memory(bytes: i64) -> String {
    if bytes == 0 {
        return "0".to_string();
    }
    let mut v = bytes;
    let mut suffix = 0;
    while v % 1024 == 0 && suffix < 6 {
        v /= 1024;
        suffix += 1;
    }
    const SUFFIXES: [&str; 7] = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    format!("{v}{}", SUFFIXES[suffix])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc1123z() {
        // Go: time.Unix(0, 0).UTC().Format(time.RFC1123Z) = "Thu, 01 Jan 1970 00:00:00 +0000".
        assert_eq!(rfc1123z(0), "Thu, 01 Jan 1970 00:00:00 +0000");
        // 2026-01-01T00:00:00Z (1767225600) was a Thursday.
        assert_eq!(rfc1123z(1_767_225_600), "Thu, 01 Jan 2026 00:00:00 +0000");
        // 2024-02-29T13:05:09Z, a leap day and a Thursday.
        assert_eq!(rfc1123z(1_709_211_909), "Thu, 29 Feb 2024 13:05:09 +0000");
        // 2022-02-17T21:51:01Z, the describe example's Start Time in UTC (a Thursday).
        assert_eq!(rfc1123z(1_645_134_661), "Thu, 17 Feb 2022 21:51:01 +0000");
    }

    #[test]
    fn quantities_print_as_kubernetes_prints_them() {
        assert_eq!(cpu(100), "100m");
        assert_eq!(cpu(2000), "2");
        assert_eq!(cpu(0), "0");
        assert_eq!(memory(70 * 1024 * 1024), "70Mi");
        assert_eq!(memory(16_373_236 * 1024), "16373236Ki");
        assert_eq!(memory(0), "0");
    }
}
