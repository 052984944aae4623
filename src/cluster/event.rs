//! The closed set of things that can happen in a run, with small payloads (ids and each
//! component's own typed tags and timers, never whole objects).

use crate::aks::provider;
use crate::component::{ComponentId, Message, Notice};
use crate::controllers::{daemonset, deployment, replicaset, service};
use crate::kubectl::exec;
use crate::kubelet;
use crate::scheduler;

/// One event in the future-event list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
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
}

/// Every component's timer type, one variant per row of the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnyTimer {
    /// Deployment controller.
    Deployment(deployment::Sync),
    /// ReplicaSet controller.
    ReplicaSet(replicaset::Timer),
    /// DaemonSet controller.
    DaemonSet(daemonset::Timer),
    /// Scheduler.
    Scheduler(scheduler::Timer),
    /// A kubelet.
    Kubelet(kubelet::Step),
    /// Service controller.
    Service(service::Provisioned),
    /// A terminal.
    Terminal(exec::Timer),
    /// The garbage collector (it sets none).
    Gc(()),
    /// AKS's resource provider.
    Aks(provider::Timer),
}

/// Every component's request tag, one variant per row of the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnyTag {
    /// Deployment controller.
    Deployment(deployment::Tag),
    /// ReplicaSet controller.
    ReplicaSet(replicaset::Tag),
    /// DaemonSet controller.
    DaemonSet(daemonset::Tag),
    /// Scheduler.
    Scheduler(scheduler::Tag),
    /// A kubelet.
    Kubelet(()),
    /// Service controller.
    Service(()),
    /// A terminal.
    Terminal(exec::Tag),
    /// The garbage collector.
    Gc(()),
    /// AKS's resource provider.
    Aks(provider::Tag),
}
