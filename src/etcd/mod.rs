//! etcd: the revisioned key space behind the API server.
//!
//! Only the API server writes here (through [`crate::apiserver`]); every other component reads
//! the committed state when its informer is notified. Raft membership and quorum come with the
//! control-plane work; today etcd is one member whose commit latency is `etcd.write`.

pub mod events;
pub mod store;

pub use store::{Arena, Store};
