//! Kubernetes Events as the API server stores them.
//!
//! Each Event is named as client-go's recorder names it, `<involved object>.<hex of the
//! event's time in Unix ns>` (the time being `startTime` plus virtual time), so `kubectl get
//! events`, which does not sort, lists them in storage-key order: by namespace, then by name
//! — which puts a Pod's events before its ReplicaSet's and the Deployment's last, as on a real
//! cluster (`web-5d4f-abcde.` < `web-5d4f.` < `web.`, since `-` sorts before `.`). Two Events
//! in one nanosecond would share a name; the later takes the next free nanosecond, as a real
//! recorder's clock would have moved on.
//!
//! kube-apiserver keeps Events for `--event-ttl` (default 1 h), then etcd's lease expires
//! them. Simplified: no aggregation (`count` stays 1, as events.csv has one row per emitted
//! Event); expiry is exact at 1 h rather than lease-granular; Events are written without
//! going through etcd's commit latency or a client rate limit.

use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::sim::time::{SimDuration, SimTime};
use std::collections::VecDeque;
use std::num::NonZeroU32;
use std::sync::Arc;

/// kube-apiserver's default `--event-ttl`: 1 h.
pub const EVENT_TTL: SimDuration = SimDuration::from_secs(3600);

/// One stored Event. Kept small, as 150,000 pods make about 750,000 Events within the TTL
/// (results/BENCHMARKS.md, "Memory per pod"): the name's hex suffix is kept as a number, and
/// the namespace, the involved object's name and the message are shared text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEvent {
    /// The involved object's name; `metadata.name` is this, a dot and `stamp_ns` in hex.
    pub object: Arc<str>,
    /// The Unix nanoseconds that name the Event (0 until it is stored).
    pub stamp_ns: u64,
    /// When it was emitted (`lastTimestamp`), in virtual time.
    pub time: SimTime,
    /// The involved object's namespace (empty for cluster-scoped objects).
    pub namespace: Arc<str>,
    /// The involved object's kind.
    pub kind: Kind,
    /// `type` Warning (else Normal).
    pub warning: bool,
    /// `reason` (`Scheduled`, `Pulling`, ...).
    pub reason: &'static str,
    /// `source.component` (`default-scheduler`, `kubelet`, ...).
    pub source: &'static str,
    /// `source.host`: the node of a kubelet's event (kubectl's wide SOURCE column), as its
    /// id plus one, which keeps the Event at 104 bytes ([`StoredEvent::host`] reads it).
    pub host_plus_one: Option<NonZeroU32>,
    /// `message`.
    pub message: Arc<str>,
}

impl StoredEvent {
    /// The involved object's name.
    pub fn object(&self) -> &str {
        &self.object
    }

    /// `metadata.name`: `<involved object>.<hex Unix ns>` (client-go's recorder).
    pub fn name(&self) -> String {
        format!("{}.{:x}", self.object, self.stamp_ns)
    }

    /// The node of `source.host`, if any.
    pub fn host(&self) -> Option<u32> {
        self.host_plus_one.map(|n| n.get() - 1)
    }

    /// `host_plus_one` for the node `host`.
    pub fn host_field(host: Option<u32>) -> Option<NonZeroU32> {
        host.and_then(|n| NonZeroU32::new(n.checked_add(1)?))
    }

    /// `Normal` or `Warning`.
    pub fn type_str(&self) -> &'static str {
        if self.warning { "Warning" } else { "Normal" }
    }
}

/// How many recently named objects [`Events::share`] remembers: a pod's Events after its
/// creation (Scheduled, then the kubelet's) come within moments of each other.
const RECENT_OBJECTS: usize = 64;

/// The Events within their TTL, in time order.
#[derive(Debug, Default)]
pub struct Events {
    recent: VecDeque<StoredEvent>,
    start_unix_ns: u64,
    last_ns: u64,
    /// Namespace names seen, shared by every Event in them (namespaces are few).
    namespaces: Vec<Arc<str>>,
    /// The last message of each reason: most repeat (`Created container: web`).
    last_messages: Vec<(&'static str, Arc<str>)>,
    /// The names of the objects most recently named, oldest first, with the stored object
    /// each belongs to.
    recent_objects: VecDeque<(ObjRef, Arc<str>)>,
}

impl Events {
    /// Events of a run whose t=0 is `start_unix` seconds after the Unix epoch.
    pub fn new(start_unix: i64) -> Events {
        let start_unix_ns = u64::try_from(start_unix).unwrap_or(0) * 1_000_000_000;
        Events {
            recent: VecDeque::new(),
            start_unix_ns,
            ..Events::default()
        }
    }

    /// t=0 in Unix seconds (`startTime`), which dates what kubectl prints as absolute time.
    pub fn start_unix(&self) -> i64 {
        (self.start_unix_ns / 1_000_000_000) as i64
    }

    /// The shared text for an Event about `obj` (named `name`, in namespace `namespace`)
    /// with this reason and message: equal text is stored once where it repeats.
    pub fn share(
        &mut self,
        obj: ObjRef,
        name: &str,
        namespace: &str,
        reason: &'static str,
        message: String,
    ) -> (Arc<str>, Arc<str>, Arc<str>) {
        let object = match self.recent_objects.iter().rev().find(|(r, _)| *r == obj) {
            Some((_, n)) if **n == *name => n.clone(),
            _ => {
                let n: Arc<str> = name.into();
                if self.recent_objects.len() == RECENT_OBJECTS {
                    self.recent_objects.pop_front();
                }
                self.recent_objects.push_back((obj, n.clone()));
                n
            }
        };
        let ns = match self.namespaces.iter().find(|n| ***n == *namespace) {
            Some(n) => n.clone(),
            None => {
                let n: Arc<str> = namespace.into();
                self.namespaces.push(n.clone());
                n
            }
        };
        let message = match self.last_messages.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, m)) if **m == *message => m.clone(),
            Some((_, m)) => {
                *m = message.into();
                m.clone()
            }
            None => {
                let m: Arc<str> = message.into();
                self.last_messages.push((reason, m.clone()));
                m
            }
        };
        (object, ns, message)
    }

    /// Stores an Event, naming it (`stamp_ns`) and setting its `time`.
    pub fn record(&mut self, mut e: StoredEvent, now: SimTime) -> &StoredEvent {
        let ns = (self.start_unix_ns + now.as_micros() * 1000).max(self.last_ns + 1);
        self.last_ns = ns;
        e.stamp_ns = ns;
        e.time = now;
        self.prune(now);
        self.recent.push_back(e);
        self.recent.back().expect("just pushed") // ok: internal invariant, not reachable from input
    }

    /// Drops Events at least one TTL old at `now` (they arrive in time order).
    pub fn prune(&mut self, now: SimTime) {
        while self
            .recent
            .front()
            .is_some_and(|e| now.since(e.time) >= EVENT_TTL)
        {
            self.recent.pop_front();
        }
    }

    /// Events younger than the TTL at `now` in `namespace` (None: all), in storage-key
    /// order, as the API server lists them.
    pub fn list(&self, namespace: Option<&str>, now: SimTime) -> Vec<&StoredEvent> {
        let mut v: Vec<&StoredEvent> = self
            .recent
            .iter()
            .filter(|e| now.since(e.time) < EVENT_TTL)
            .filter(|e| namespace.is_none_or(|n| n == &*e.namespace))
            .collect();
        v.sort_by_cached_key(|e| (e.namespace.clone(), e.name()));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(object: &str) -> StoredEvent {
        StoredEvent {
            object: object.into(),
            stamp_ns: 0,
            time: SimTime::ZERO,
            namespace: "default".into(),
            kind: Kind::Pod,
            warning: false,
            reason: "Scheduled",
            source: "default-scheduler",
            host_plus_one: None,
            message: "".into(),
        }
    }

    #[test]
    fn names_are_the_object_and_hex_unix_nanoseconds_and_never_repeat() {
        // client-go's recorder: fmt.Sprintf("%v.%x", ref.Name, t.UnixNano()).
        let mut e = Events::new(1_767_225_600); // 2026-01-01T00:00:00Z
        let t = SimTime(1_500_000);
        let a = e.record(ev("web"), t).name();
        assert_eq!(a, format!("web.{:x}", 1_767_225_601_500_000_000u64));
        let b = e.record(ev("web"), t).name();
        assert_eq!(b, format!("web.{:x}", 1_767_225_601_500_000_001u64));
    }

    #[test]
    fn listing_is_by_storage_key_so_pods_come_before_their_owners() {
        let mut e = Events::new(0);
        e.record(ev("web"), SimTime(1));
        e.record(ev("web-5d4f"), SimTime(2));
        e.record(ev("web-5d4f-abcde"), SimTime(3));
        let order: Vec<&str> = e
            .list(None, SimTime(4))
            .iter()
            .map(|x| x.object())
            .collect();
        assert_eq!(order, ["web-5d4f-abcde", "web-5d4f", "web"]);
    }

    #[test]
    fn an_event_is_104_bytes_and_keeps_its_host() {
        // Five Events per pod live for the TTL: the budget of results/BENCHMARKS.md.
        assert!(std::mem::size_of::<StoredEvent>() <= 104);
        let e = StoredEvent {
            host_plus_one: StoredEvent::host_field(Some(0)),
            ..ev("web")
        };
        assert_eq!(e.host(), Some(0));
        assert_eq!(ev("web").host(), None);
    }

    #[test]
    fn repeated_text_is_stored_once_and_different_text_apart() {
        let mut e = Events::new(0);
        let pod = ObjRef::pod(7);
        let a = e.share(
            pod,
            "web-1",
            "default",
            "Created",
            "Created container: web".into(),
        );
        let b = e.share(
            pod,
            "web-1",
            "default",
            "Created",
            "Created container: web".into(),
        );
        assert!(Arc::ptr_eq(&a.0, &b.0) && Arc::ptr_eq(&a.1, &b.1) && Arc::ptr_eq(&a.2, &b.2));
        // Another pod, another message for the same reason: their own text.
        let c = e.share(
            ObjRef::pod(8),
            "web-2",
            "default",
            "Created",
            "Created container: db".into(),
        );
        assert_eq!((&*c.0, &*c.2), ("web-2", "Created container: db"));
        assert!(Arc::ptr_eq(&a.1, &c.1));
    }

    #[test]
    fn events_expire_after_the_ttl() {
        let mut e = Events::new(0);
        e.record(ev("a"), SimTime(0));
        assert_eq!(e.list(None, SimTime(EVENT_TTL.as_micros() - 1)).len(), 1);
        assert!(e.list(None, SimTime(EVENT_TTL.as_micros())).is_empty());
    }
}
