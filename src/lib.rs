//! # kubesim — a deterministic discrete-event simulator of a Kubernetes control plane on AKS
//!
//! A tour of the architecture, following one request:
//!
//! 1. [`scenario`] loads a scenario file into a spanned YAML tree ([`manifest::tree`]),
//!    checks it and collects every problem ([`diag`]).
//! 2. [`manifest`] checks each Kubernetes document against a field table generated from
//!    Kubernetes' strict JSON schemas, then extracts the fields kubesim simulates into compact
//!    [`model`] types.
//! 3. [`sim`] is the engine: virtual time (integer µs), the event queue ordered by
//!    `(time, seq)` with cancellable timers, the seeded random streams and the named latency
//!    distributions. It knows no component.
//! 4. [`component`] defines who acts: one [`component::ComponentId`] per running component,
//!    one table of names, users, client limits and watches, and the [`component::Ctx`]
//!    through which a handler reads the store and acts (requests, timers, Events).
//! 5. Each step's command ([`kubectl`]) becomes requests to the [`apiserver`], which commits
//!    to [`etcd`] and fans out watch events to the [`controllers`], the [`scheduler`] and the
//!    [`kubelet`]s; [`aks`] and [`network`] describe the cluster they run on, and an `az`
//!    step asks AKS's resource provider ([`aks::provider`]) to add or remove nodes; a `kubesim`
//!    step ([`fault`]) breaks or repairs a machine: an etcd member of the Raft group
//!    ([`etcd::raft`]), an API server replica ([`apiserver::endpoints`]), or a
//!    control-plane process whose leader lease [`cluster::leader`] models.
//! 6. [`cluster`] assembles a run from all of them and routes events; [`output`] streams
//!    events.csv, timeline.csv, the transcript and summary.json.
//! 7. [`cli`] is the command line; its `sweep` ([`cli::sweep`]) runs many worlds of one
//!    scenario, over seeds and `--set` overrides, on a thread pool, and writes a row of key
//!    figures per run.

pub mod aks;
pub mod apiserver;
pub mod cli;
pub mod cluster;
pub mod component;
pub mod controllers;
pub mod diag;
pub mod etcd;
pub mod fault;
pub mod kubectl;
pub mod kubelet;
pub mod manifest;
pub mod model;
pub mod network;
pub mod output;
pub mod scenario;
pub mod scheduler;
pub mod sim;
