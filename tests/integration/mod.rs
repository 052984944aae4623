//! The test modules.

mod az;
mod bad_input;
mod cascade;
mod commands;
mod controlplane;
mod corpus;
mod cronjob;
mod daemonset;
mod describe;
mod determinism;
mod invariants;
mod job;
mod kubelet;
mod layout;
mod outputs;
mod props;
mod quickstart;
mod recreate;
mod report;
mod rollout;
mod rollout_commands;
mod scheduling;
mod statefulset;
mod stopped;
pub mod support;
mod verbs;
mod watch;
