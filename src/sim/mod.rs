//! The engine: virtual time, the event queue with cancellable timers, random streams, latency
//! distributions. It knows no component; [`crate::cluster`] assembles a run on it.

pub mod duration;
pub mod engine;
pub mod queue;
pub mod rng;
pub mod stop;
pub mod time;
pub mod timing;
