//! The `kubesim` command: parse, run, exit code (0 ok, 1 expectation failed, 2 bad input).

fn main() -> std::process::ExitCode {
    kubesim::cli::main()
}
