//! The engine: virtual time, the event queue, random streams, latency distributions.

pub mod event;
pub mod invariants;
pub mod queue;
pub mod rng;
pub mod time;
pub mod timing;
pub mod world;
