//! The test modules.

mod bad_input;
mod cascade;
mod commands;
mod corpus;
mod determinism;
mod outputs;
mod quickstart;
mod scheduling;
pub mod support;
