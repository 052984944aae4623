//! Invariants the simulation must never break, checked through the observer hook after
//! every event (`--check-invariants`, and the tests). Each check scans the whole state, so
//! this is for small scenarios, never for scale runs.

use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::sim::world::{Observer, World};
use std::collections::BTreeMap;

/// The first broken invariant in the current state, if any.
pub fn check(w: &World, last_time: &mut u64) -> Option<String> {
    if w.now.as_micros() < *last_time {
        return Some(format!(
            "virtual time went back from {} to {}",
            last_time,
            w.now.as_micros()
        ));
    }
    *last_time = w.now.as_micros();
    let mut per_node: BTreeMap<u32, (u32, i64, i64)> = BTreeMap::new();
    let mut ips: BTreeMap<std::net::Ipv4Addr, String> = BTreeMap::new();
    for (id, p) in w.store.pods.iter() {
        let key = w.store.key(ObjRef {
            kind: Kind::Pod,
            id,
        });
        if let Some(n) = p.node
            && !p.is_terminal()
        {
            let e = per_node.entry(n).or_default();
            e.0 += 1;
            let r = p.spec.requests();
            e.1 += r.cpu_milli;
            e.2 += r.memory;
        }
        if let Some(ip) = p.status.pod_ip
            && !p.spec.host_network
            && let Some(other) = ips.insert(ip, key.clone())
        {
            return Some(format!("pods {other} and {key} both hold {ip}"));
        }
        if let Some(o) = p.meta.controller()
            && w.store.meta(o).is_none()
            && p.meta.deleted.is_none()
            && w.now.as_micros() > 0
        {
            // Allowed transiently: the GC deletes dependents after the owner goes.
            let _ = o;
        }
    }
    for (n, (pods, cpu, mem)) in per_node {
        let Some(node) = w.store.nodes.get(n) else {
            continue;
        };
        if pods > node.max_pods {
            return Some(format!(
                "node {} holds {pods} pods, more than maxPods {}",
                node.meta.name, node.max_pods
            ));
        }
        if cpu > node.allocatable.cpu_milli || mem > node.allocatable.memory {
            return Some(format!(
                "node {} holds requests beyond its allocatable",
                node.meta.name
            ));
        }
    }
    None
}

/// An observer that panics with the broken invariant (tests turn that into a failure; the
/// CLI's `--check-invariants` reports it).
pub fn observer() -> Observer {
    let mut last = 0u64;
    Box::new(move |w, ev| {
        if let Some(msg) = check(w, &mut last) {
            panic!(
                "invariant broken after event seq {} ({:?}) at t={}: {msg}",
                ev.seq, ev.event, w.now
            );
        }
    })
}
