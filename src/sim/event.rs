//! The closed set of things that can happen, with small id payloads (never whole objects).

use crate::model::meta::ObjRef;

/// Who receives a watch notification. Each is an informer in the real component.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Watcher {
    /// kube-controller-manager's Deployment controller.
    DeploymentController,
    /// kube-controller-manager's ReplicaSet (and ReplicationController) controller.
    ReplicaSetController,
    /// kube-controller-manager's garbage collector.
    GarbageCollector,
    /// kube-scheduler.
    Scheduler,
    /// The kubelet of node `n`.
    Kubelet(u32),
    /// cloud-controller-manager's service controller (load balancers).
    ServiceController,
    /// A kubectl step waiting on an object (`delete --wait`).
    Step(u32),
}

/// What happened to the object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// ADDED.
    Added,
    /// MODIFIED.
    Modified,
    /// DELETED.
    Deleted,
}

/// The controllers that run a work queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ctrl {
    /// Deployment controller (key: deployment id).
    Deployment,
    /// ReplicaSet/RC controller (key: RS-arena id).
    ReplicaSet,
}

/// Kubelet pod-worker steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KubeletStep {
    /// Sandbox and network are up.
    SandboxReady,
    /// An image pull for container `i` finished.
    ImagePulled(u16),
    /// Container `i` started.
    ContainerStarted(u16),
    /// All containers have stopped after SIGTERM.
    ContainersStopped,
    /// The status manager sends the pod's current status.
    PostStatus,
}

/// One event in the future-event list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A scenario step starts.
    StepStart(u32),
    /// A step's `stopAfter` elapsed (Ctrl-C).
    StepStop(u32),
    /// A request reaches etcd's commit (or the read is served).
    ApiCommit(u32),
    /// The response reaches the client.
    ApiResponse(u32),
    /// A watch event reaches a watcher's informer.
    Notify {
        /// Receiver.
        watcher: Watcher,
        /// Object.
        obj: ObjRef,
        /// Change.
        change: Change,
        /// The controlling owner's id when the watcher needs it after the object is gone
        /// (a pod's ReplicaSet, a ReplicaSet's Deployment); `u32::MAX` for none.
        owner: u32,
    },
    /// A controller worker finished processing a key (sync logic runs now).
    ControllerSync {
        /// Which controller.
        ctrl: Ctrl,
        /// The object id.
        key: u32,
    },
    /// `queue.AddAfter(key, d)` fired.
    ControllerRequeue {
        /// Which controller.
        ctrl: Ctrl,
        /// The object id.
        key: u32,
    },
    /// The scheduler finished the scheduling cycle of a pod.
    SchedulingCycle(u32),
    /// The scheduler's periodic queue flush (backoff and leftover unschedulable pods).
    SchedulerFlush,
    /// A kubelet pod-worker step for a pod on a node.
    Kubelet {
        /// Node id.
        node: u32,
        /// Pod id.
        pod: u32,
        /// Step.
        step: KubeletStep,
    },
    /// The cloud finished provisioning a Service's load balancer.
    LoadBalancerReady(u32),
    /// An expectation window edge (forces an instant boundary there).
    ExpectEdge(u32),
}
