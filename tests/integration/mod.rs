//! The test modules.

mod az;
mod bad_input;
mod cascade;
mod commands;
mod corpus;
mod daemonset;
mod determinism;
mod invariants;
mod layout;
mod outputs;
mod props;
mod quickstart;
mod scheduling;
mod statefulset;
mod stopped;
pub mod support;
