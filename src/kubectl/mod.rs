//! kubectl: the command-line parser and the printers, shared by steps.
pub mod exec;
