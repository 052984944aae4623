//! kubectl: the command-line parser and the printers, shared by steps.
//!
//! A step's `run:` line goes through [`words::split`] (a POSIX shell's word splitting, without
//! expansion) and [`command::parse`] (kubectl's cobra/pflag command tree, reduced to the v1
//! commands of docs/commands.md). What kubectl prints is built by [`table`] (the `get` table layout),
//! [`age`] (the AGE column) and [`messages`] (success lines and error text).

pub mod age;
pub mod command;
pub mod describe;
pub mod drain;
pub mod exec;
pub mod label;
pub mod messages;
pub mod patch;
pub mod print;
pub mod rollout;
pub mod table;
pub mod tabwriter;
pub mod wait;
pub mod words;
