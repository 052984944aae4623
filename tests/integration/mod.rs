//! The test modules.

mod bad_input;
mod cascade;
mod commands;
mod determinism;
mod invariants;
mod outputs;
mod quickstart;
mod scheduling;
pub mod support;
