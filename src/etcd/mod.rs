//! etcd: the revisioned key space behind the API server.
//!
//! Only the API server writes here (through [`crate::apiserver`]); every other component reads
//! the committed state when its informer is notified. Its members form a Raft group
//! ([`raft`]): a write commits after the leader's append (`etcd.write`) and a round trip to a
//! quorum (`etcd.peerRoundTrip`); without a leader requests wait, without a quorum they time
//! out.

pub mod events;
pub mod raft;
pub mod store;

pub use store::{Arena, Store};
