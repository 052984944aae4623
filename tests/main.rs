//! kubesim's integration tests: one binary, one module per concern (house rule 4).
//!
//! Expected values come from Kubernetes' rules and kubectl's documented output
//! (../shared/reference), cited where they are asserted, never from our own output.

mod integration;
