//! # kubesim — a deterministic discrete-event simulator of a Kubernetes control plane on AKS
//!
//! A tour of the architecture, following one request:
//!
//! 1. [`scenario`] loads a scenario file into a spanned YAML tree ([`manifest::tree`]),
//!    checks it against CONTRACT §1 and collects every problem ([`diag`]).
//! 2. [`manifest`] checks each Kubernetes document against a field table generated from
//!    Kubernetes' strict JSON schemas, then extracts the fields kubesim simulates into compact
//!    [`model`] types.
//! 3. [`sim`] owns virtual time (integer µs), the event queue ordered by `(time, seq)`, the
//!    seeded random streams and the named latency distributions.
//! 4. Each step's command ([`kubectl`]) becomes requests to the [`apiserver`], which writes to
//!    [`etcd`](apiserver::store) and fans out watch events to the [`controllers`], the
//!    [`scheduler`] and the [`kubelet`]s; [`aks`] and [`network`] describe the cluster they run on.
//! 5. [`output`] streams events.csv, timeline.csv, the transcript and summary.json.

pub mod aks;
pub mod apiserver;
pub mod cli;
pub mod controllers;
pub mod diag;
pub mod kubectl;
pub mod kubelet;
pub mod manifest;
pub mod model;
pub mod network;
pub mod output;
pub mod scenario;
pub mod scheduler;
pub mod sim;
