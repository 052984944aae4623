//! `kubectl get -w` / `--watch-only` (kubectl `pkg/cmd/get/get.go`, `GetOptions.watch`): the
//! list as `get` prints it (not with `--watch-only`), then one row per change of an object of
//! the kind that the namespace, the name and `-l` select, each at the virtual time the
//! terminal's watch delivers it, until `stopAfter` or the end of the run.
//!
//! As kubectl's printer does: the header is printed once, with the first rows printed; every
//! change is its own tabwriter flush with `RememberWidths`, so a wider cell widens only the
//! rows from it on (reference §6.10); a deleted object prints its last row. An empty list
//! prints nothing (get.go prints no "No resources found" in watch mode).
//!
//! Simplified: a change's row is read from the store when the notification arrives, not from
//! the object version the event carried (two writes delivered after both committed print the
//! newer row twice); a deleted object's row is the last one rendered for it, its AGE
//! included; `--output-watch-events` is not simulated.

use std::collections::BTreeMap;

use super::{Cx, DeleteItem, GetSpec, Terminal, api_error, resolve};
use crate::apiserver::ApiError;
use crate::component::{Change, Notice};
use crate::etcd::Store;
use crate::kubectl::command::WatchMode;
use crate::kubectl::messages::resource_name;
use crate::kubectl::print;
use crate::kubectl::table::{Decoration, Row};
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::sim::time::SimTime;

/// A running `get --watch`: the printer's state.
#[derive(Debug, Default)]
pub struct GetWatch {
    /// Column widths remembered from earlier flushes.
    widths: Vec<usize>,
    /// The header was printed.
    header_printed: bool,
    /// The name and last row rendered of each selected object, by id, for its deletion.
    last_rows: BTreeMap<u32, (String, Row)>,
}

/// The one kind a watch is on (the command parser refused several).
fn watched_kind(spec: &GetSpec) -> Option<Kind> {
    spec.items.first().map(|(k, _)| *k)
}

/// Whether the existing object `id` of `kind` is one the watch selects by namespace and name
/// (`-l` is checked on its row's labels).
fn in_scope(store: &Store, spec: &GetSpec, kind: Kind, id: u32) -> bool {
    let r = ObjRef { kind, id };
    let Some(meta) = store.meta(r) else {
        return false;
    };
    let real = if matches!(kind, Kind::ReplicaSet | Kind::ReplicationController) {
        store.rs_kind(id)
    } else {
        r.kind
    };
    let ns_ok = !kind.namespaced()
        || spec
            .namespace
            .as_deref()
            .is_none_or(|ns| meta.namespace.map(|n| store.ns_name(n)) == Some(ns));
    let name_ok = spec
        .items
        .first()
        .and_then(|(_, n)| n.as_deref())
        .is_none_or(|n| n == meta.name);
    real == kind && ns_ok && name_ok
}

impl GetWatch {
    /// The name and row of a selected object as of now, or None when it does not exist or
    /// `-l` does not match it.
    fn row(
        store: &Store,
        spec: &GetSpec,
        kind: Kind,
        id: u32,
        now: SimTime,
    ) -> Option<(String, Row)> {
        if !in_scope(store, spec, kind, id) {
            return None;
        }
        let (row, labels, _) = print::row(store, kind, id, now)?;
        if spec.selector.as_ref().is_some_and(|s| !s.matches(&labels)) {
            return None;
        }
        let name = store.meta(ObjRef { kind, id })?.name.clone();
        Some((name, row))
    }

    /// One flush of `rows` (name, row), after the header if none was printed yet.
    fn flush(&mut self, spec: &GetSpec, kind: Kind, rows: &[&(String, Row)]) -> String {
        if spec.name_only {
            let mut out = String::new();
            for (name, _) in rows {
                out.push_str(&resource_name(kind, name));
                out.push('\n');
            }
            return out;
        }
        let mut table = print::table(kind);
        for (_, row) in rows {
            table.push(row.clone());
        }
        let deco = Decoration {
            wide: spec.wide,
            with_namespace: spec.namespace.is_none() && kind.namespaced(),
            show_labels: spec.show_labels,
            with_kind: None,
        };
        let text = table.render_remembering(deco, !self.header_printed, &mut self.widths);
        self.header_printed |= !text.is_empty();
        text
    }
}

impl Terminal {
    /// The LIST returned: prints it (unless `--watch-only`) and starts watching the kind.
    pub(super) fn start_watch(&mut self, cx: &mut Cx<'_>, spec: &GetSpec, mode: WatchMode) {
        let Some(kind) = watched_kind(spec) else {
            return;
        };
        let store = cx.store;
        let ids: Vec<u32> = match spec.items.first().and_then(|(_, n)| n.clone()) {
            Some(name) => {
                let item = DeleteItem {
                    kind,
                    name: name.clone(),
                    namespace: spec.namespace.clone().unwrap_or_else(|| "default".into()),
                };
                match resolve(store, &item) {
                    Some(r) => vec![r.id],
                    None => {
                        let line = api_error(&ApiError::not_found(kind, &name), None);
                        self.print(cx, &line);
                        self.finish(cx, 1);
                        return;
                    }
                }
            }
            None => {
                let ns = match (&spec.namespace, kind.namespaced()) {
                    (Some(ns), true) => match store.find_ns(ns) {
                        Some(id) => Some(id),
                        None => {
                            cx.watch_kind(kind);
                            self.get_watch = Some(Box::default());
                            return;
                        }
                    },
                    _ => None,
                };
                store.list(kind, ns)
            }
        };
        let mut w = GetWatch::default();
        let rows: Vec<(u32, (String, Row))> = ids
            .into_iter()
            .filter_map(|id| GetWatch::row(store, spec, kind, id, cx.now).map(|r| (id, r)))
            .collect();
        if mode == WatchMode::ListThenChanges {
            let list: Vec<&(String, Row)> = rows.iter().map(|(_, r)| r).collect();
            let text = w.flush(spec, kind, &list);
            if !text.is_empty() {
                self.print(cx, text.trim_end_matches('\n'));
            }
        }
        w.last_rows = rows.into_iter().collect();
        self.get_watch = Some(Box::new(w));
        cx.watch_kind(kind);
    }

    /// A change of an object of the watched kind: its row, if the watch selects it.
    pub(super) fn observe_get_watch(&mut self, cx: &mut Cx<'_>, spec: &GetSpec, n: Notice) {
        let (Some(kind), Some(w)) = (watched_kind(spec), self.get_watch.as_deref_mut()) else {
            return;
        };
        let arena = ObjRef { kind, id: 0 }.in_arena().kind;
        if !self.running || n.obj.in_arena().kind != arena {
            return;
        }
        let id = n.obj.id;
        let row = if n.change == Change::Deleted || cx.store.meta(n.obj).is_none() {
            w.last_rows.remove(&id)
        } else {
            match GetWatch::row(cx.store, spec, kind, id, cx.now) {
                Some(row) => {
                    w.last_rows.insert(id, row.clone());
                    Some(row)
                }
                None => {
                    w.last_rows.remove(&id);
                    None
                }
            }
        };
        let Some(row) = row else { return };
        let text = w.flush(spec, kind, &[&row]);
        if !text.is_empty() {
            self.print(cx, text.trim_end_matches('\n'));
        }
    }
}
