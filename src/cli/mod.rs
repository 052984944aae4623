//! The command line: `kubesim run`, `validate`, `timings`.

use std::process::ExitCode;

/// Entry point used by `main.rs`.
pub fn main() -> ExitCode {
    ExitCode::SUCCESS
}
