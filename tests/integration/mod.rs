//! The test modules.

mod bad_input;
mod cascade;
mod commands;
mod corpus;
mod daemonset;
mod determinism;
mod invariants;
mod outputs;
mod props;
mod quickstart;
mod scheduling;
pub mod support;
