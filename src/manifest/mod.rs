//! Kubernetes manifests: YAML with positions, the schema check, extraction.

pub mod kinds;
pub mod schema;
pub mod tree;
pub mod yaml;
