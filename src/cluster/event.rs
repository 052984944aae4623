//! The closed set of things that can happen in a run, with small payloads (ids and each
//! component's own typed tags and timers, never whole objects).

pub use crate::cluster::registry::{AnyTag, AnyTimer};
use crate::component::{ComponentId, Message, Notice};

/// One event in the future-event list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A request reaches the API server's flow control (API Priority and Fairness).
    Admit(u32),
    /// A request waiting for a seat reaches its queue-wait limit.
    QueueTimeout(u32),
    /// A request reaches etcd's commit (or the read is served).
    Commit(u32),
    /// The response reaches its client.
    Respond(u32),
    /// A watch event reaches a component's informer.
    Notify {
        /// The receiver.
        to: ComponentId,
        /// What it hears.
        notice: Notice,
    },
    /// A component's timer fired.
    Timer {
        /// Whose.
        to: ComponentId,
        /// What it carries.
        timer: AnyTimer,
    },
    /// A message from one component to another (az's requests to Azure and their answers).
    Message {
        /// The receiver.
        to: ComponentId,
        /// The sender.
        from: ComponentId,
        /// What it says.
        msg: Message,
    },
    /// An expectation window edge (forces an instant boundary there).
    ExpectEdge(u32),
    /// Something happens to the managed control plane: a fault, an election's end, a
    /// process's restart.
    ControlPlane(crate::cluster::controlplane::Signal),
}
