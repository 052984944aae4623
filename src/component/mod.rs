//! Who acts in the cluster: one identity per running component, one table describing each,
//! and the interface every component implements.
//!
//! A component (a controller, the scheduler, a kubelet, a kubectl terminal) owns its state,
//! reads the committed store when its informer is notified, and acts only through its
//! [`Ctx`]: requests to the API server tagged with its own typed [`Component::Tag`], timers
//! carrying its own [`Component::Timer`], Kubernetes Events and terminal output. It never sees
//! another component. The assembly of a run ([`crate::cluster`]) routes notifications,
//! responses and timers back by [`ComponentId`].
//!
//! Adding a cluster-wide component: a new file implementing [`Component`] (and its `pub mod`
//! line); a [`ComponentKind`] with its row in [`ComponentKind::info`] (name, identity, client
//! limits, watches); and one row in the run's registry ([`crate::cluster::registry`]), from
//! which its tag and timer variants, its conversions, its field in the run and its dispatch
//! arm are generated. If it needs the state at t=0 (an informer's initial list), `World::new`
//! hands it over. A request the API server does not know yet also needs an [`Op`] and its
//! handling in [`crate::apiserver::admission`].
//!

pub mod ctx;

pub use ctx::{Ctx, EventRecord, Sink, TerminalOutput};

use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::model::request::{Op, Outcome};

/// What happened to a watched object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// ADDED.
    Added,
    /// MODIFIED.
    Modified,
    /// DELETED.
    Deleted,
}

/// The kinds of component a cluster runs; instances are told apart by [`ComponentId`].
///
/// The order is the order in which a committed change is fanned out to watchers, which
/// decides who hears first when two deliveries land on the same µs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ComponentKind {
    /// kube-controller-manager's ReplicaSet (and ReplicationController) controller.
    ReplicaSetController,
    /// kube-controller-manager's Deployment controller.
    DeploymentController,
    /// kube-controller-manager's DaemonSet controller.
    DaemonSetController,
    /// kube-controller-manager's Job controller.
    JobController,
    /// kube-controller-manager's TTL-after-finished controller (deletes finished Jobs).
    TtlAfterFinishedController,
    /// kube-controller-manager's StatefulSet controller.
    StatefulSetController,
    /// kube-controller-manager's CronJob controller.
    CronJobController,
    /// kube-scheduler.
    Scheduler,
    /// The kubelet of one node (instance: the node id).
    Kubelet,
    /// cloud-controller-manager's service controller (Azure load balancers).
    ServiceController,
    /// kube-controller-manager's garbage collector.
    GarbageCollector,
    /// AKS's resource provider: carries out `az` operations on node pools.
    AksProvider,
    /// kube-controller-manager's root CA certificate publisher (`kube-root-ca.crt`).
    RootCaPublisher,
    /// kube-controller-manager's ServiceAccounts controller (`default` in every namespace).
    ServiceAccountsController,
    /// kube-controller-manager's taint eviction controller (NoExecute taints evict pods).
    TaintEvictionController,
    /// kube-controller-manager's pod garbage collector (PodGC).
    PodGarbageCollector,
    /// kube-controller-manager's node lifecycle controller (heartbeats, Unknown, taints).
    NodeLifecycleController,
    /// cloud-controller-manager's cloud node lifecycle controller (deletes the Nodes of
    /// deleted VMs).
    CloudNodeLifecycleController,
    /// kube-controller-manager's disruption controller (PodDisruptionBudget status).
    DisruptionController,
    /// One scenario step's terminal running kubectl or az (instance: the step index).
    Terminal,
}

impl ComponentKind {
    /// Every kind, in fan-out order.
    pub const ALL: [ComponentKind; 20] = [
        ComponentKind::ReplicaSetController,
        ComponentKind::DeploymentController,
        ComponentKind::DaemonSetController,
        ComponentKind::JobController,
        ComponentKind::TtlAfterFinishedController,
        ComponentKind::StatefulSetController,
        ComponentKind::CronJobController,
        ComponentKind::Scheduler,
        ComponentKind::Kubelet,
        ComponentKind::ServiceController,
        ComponentKind::GarbageCollector,
        ComponentKind::AksProvider,
        ComponentKind::RootCaPublisher,
        ComponentKind::ServiceAccountsController,
        ComponentKind::TaintEvictionController,
        ComponentKind::PodGarbageCollector,
        ComponentKind::NodeLifecycleController,
        ComponentKind::CloudNodeLifecycleController,
        ComponentKind::DisruptionController,
        ComponentKind::Terminal,
    ];

    /// The control-plane process that runs this component under a leader lease, if any:
    /// kube-scheduler, or kube-controller-manager for its controllers. The service
    /// and cloud node lifecycle controllers run in cloud-controller-manager, which kubesim does not restart.
    pub fn process(self) -> Option<crate::fault::Process> {
        use ComponentKind as K;
        match self {
            K::Scheduler => Some(crate::fault::Process::Scheduler),
            K::Kubelet
            | K::ServiceController
            | K::CloudNodeLifecycleController
            | K::AksProvider
            | K::Terminal => None,
            K::ReplicaSetController
            | K::DeploymentController
            | K::DaemonSetController
            | K::JobController
            | K::TtlAfterFinishedController
            | K::StatefulSetController
            | K::CronJobController
            | K::GarbageCollector
            | K::RootCaPublisher
            | K::ServiceAccountsController
            | K::TaintEvictionController
            | K::PodGarbageCollector
            | K::NodeLifecycleController
            | K::DisruptionController => Some(crate::fault::Process::ControllerManager),
        }
    }

    /// The component table: name, identity, client limits and watches of each kind.
    pub fn info(self) -> &'static ComponentInfo {
        use ComponentKind as K;
        match self {
            K::ReplicaSetController => &REPLICASET,
            K::DeploymentController => &DEPLOYMENT,
            K::DaemonSetController => &DAEMONSET,
            K::JobController => &JOB,
            K::TtlAfterFinishedController => &TTL_AFTER_FINISHED,
            K::StatefulSetController => &STATEFULSET,
            K::CronJobController => &CRONJOB,
            K::Scheduler => &SCHEDULER,
            K::Kubelet => &KUBELET,
            K::ServiceController => &SERVICE,
            K::GarbageCollector => &GC,
            K::AksProvider => &AKS_PROVIDER,
            K::RootCaPublisher => &ROOT_CA,
            K::ServiceAccountsController => &SERVICE_ACCOUNTS,
            K::TaintEvictionController => &TAINT_EVICTION,
            K::PodGarbageCollector => &POD_GC,
            K::NodeLifecycleController => &NODE_LIFECYCLE,
            K::CloudNodeLifecycleController => &CLOUD_NODE_LIFECYCLE,
            K::DisruptionController => &DISRUPTION,
            K::Terminal => &TERMINAL,
        }
    }
}

/// One running component.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ComponentId {
    /// What it is.
    pub kind: ComponentKind,
    /// Which one: the node id of a kubelet, the step index of a terminal, 0 otherwise.
    pub instance: u32,
}

impl ComponentId {
    /// The single instance of a cluster-wide component.
    pub const fn of(kind: ComponentKind) -> ComponentId {
        ComponentId { kind, instance: 0 }
    }
    /// The kubelet of node `node`.
    pub const fn kubelet(node: u32) -> ComponentId {
        ComponentId {
            kind: ComponentKind::Kubelet,
            instance: node,
        }
    }
    /// The terminal of step `step`.
    pub const fn terminal(step: u32) -> ComponentId {
        ComponentId {
            kind: ComponentKind::Terminal,
            instance: step,
        }
    }

    /// The name its client's random streams are keyed by (one per instance, so one
    /// kubelet's requests never shift another's draws).
    pub fn client_name(self) -> String {
        match self.kind {
            ComponentKind::Kubelet => format!("kubelet-{}", self.instance),
            ComponentKind::Terminal => format!("kubectl-step-{}", self.instance),
            k => k.info().name.to_string(),
        }
    }
}

/// A component's row in the table.
#[derive(Debug)]
pub struct ComponentInfo {
    /// Its name as Kubernetes shows it (an Event's `source.component`, a client's name).
    pub name: &'static str,
    /// The Kubernetes user its requests authenticate as; a kubelet's is this followed by its
    /// node's name (`system:node:<node>`), as the Node authorizer expects.
    pub user: &'static str,
    /// Its groups.
    pub groups: &'static [&'static str],
    /// The client-side rate limit of its API client, QPS and burst (None: not limited).
    pub client: Option<(u32, u32)>,
    /// The name its watch deliveries are keyed by.
    pub watch_name: &'static str,
    /// What its informers watch.
    pub watches: &'static [Watch],
}

/// One informer: a kind and which of its objects (a field or owner selection).
#[derive(Clone, Copy, Debug)]
pub struct Watch {
    /// The kind watched; `None` for every kind (the garbage collector's graph builder).
    pub kind: Option<Kind>,
    /// Which objects of it.
    pub select: Select,
}

/// Which objects an informer hears about.
#[derive(Clone, Copy, Debug)]
pub enum Select {
    /// All of them.
    All,
    /// Objects whose controller is of one of these kinds; the notification names the
    /// controller (the informer handler's `resolveControllerRef`), even after the object is
    /// gone.
    ControlledBy(&'static [Kind]),
    /// Pods bound to the watching kubelet's node (`fieldSelector=spec.nodeName=<node>`).
    OnMyNode,
    /// Services of type LoadBalancer (the service controller's `needsUpdate` filter).
    LoadBalancers,
    /// Changes the garbage collector acts on: an owner deleted or finalizing, a dependent
    /// whose owners are all gone, a foreground-deleting owner losing a dependent.
    Ownership,
}

const CONTROLLER_MANAGER_QPS: Option<(u32, u32)> = Some((20, 30));

static REPLICASET: ComponentInfo = ComponentInfo {
    name: "replicaset-controller",
    user: "system:serviceaccount:kube-system:replicaset-controller",
    groups: &[
        "system:serviceaccounts",
        "system:serviceaccounts:kube-system",
    ],
    // kube-controller-manager --kube-api-qps 20 / --kube-api-burst 30; each controller builds
    // its own clientset (`ClientOrDie(name)`), so each has its own token bucket.
    client: CONTROLLER_MANAGER_QPS,
    watch_name: "replicaset-controller",
    watches: &[
        Watch {
            kind: Some(Kind::Pod),
            select: Select::ControlledBy(&[Kind::ReplicaSet, Kind::ReplicationController]),
        },
        Watch {
            kind: Some(Kind::ReplicaSet),
            select: Select::All,
        },
        Watch {
            kind: Some(Kind::ReplicationController),
            select: Select::All,
        },
    ],
};

static DEPLOYMENT: ComponentInfo = ComponentInfo {
    name: "deployment-controller",
    user: "system:serviceaccount:kube-system:deployment-controller",
    groups: &[
        "system:serviceaccounts",
        "system:serviceaccounts:kube-system",
    ],
    client: CONTROLLER_MANAGER_QPS,
    watch_name: "deployment-controller",
    watches: &[
        Watch {
            kind: Some(Kind::ReplicaSet),
            select: Select::ControlledBy(&[Kind::Deployment]),
        },
        Watch {
            kind: Some(Kind::Deployment),
            select: Select::All,
        },
        // deletePod: a Recreate rollout waits for the old pods to be gone.
        Watch {
            kind: Some(Kind::Pod),
            select: Select::ControlledBy(&[Kind::ReplicaSet]),
        },
    ],
};

static DAEMONSET: ComponentInfo = ComponentInfo {
    name: "daemonset-controller",
    user: "system:serviceaccount:kube-system:daemon-set-controller",
    groups: &[
        "system:serviceaccounts",
        "system:serviceaccounts:kube-system",
    ],
    client: CONTROLLER_MANAGER_QPS,
    watch_name: "daemonset-controller",
    watches: &[
        Watch {
            kind: Some(Kind::Pod),
            select: Select::ControlledBy(&[Kind::DaemonSet]),
        },
        Watch {
            kind: Some(Kind::DaemonSet),
            select: Select::All,
        },
        Watch {
            kind: Some(Kind::Node),
            select: Select::All,
        },
    ],
};

static JOB: ComponentInfo = ComponentInfo {
    name: "job-controller",
    user: "system:serviceaccount:kube-system:job-controller",
    groups: &[
        "system:serviceaccounts",
        "system:serviceaccounts:kube-system",
    ],
    client: CONTROLLER_MANAGER_QPS,
    watch_name: "job-controller",
    watches: &[
        Watch {
            kind: Some(Kind::Pod),
            select: Select::ControlledBy(&[Kind::Job]),
        },
        Watch {
            kind: Some(Kind::Job),
            select: Select::All,
        },
    ],
};

static TTL_AFTER_FINISHED: ComponentInfo = ComponentInfo {
    name: "ttl-after-finished-controller",
    user: "system:serviceaccount:kube-system:ttl-after-finished-controller",
    groups: &[
        "system:serviceaccounts",
        "system:serviceaccounts:kube-system",
    ],
    client: CONTROLLER_MANAGER_QPS,
    watch_name: "ttl-after-finished-controller",
    watches: &[Watch {
        kind: Some(Kind::Job),
        select: Select::All,
    }],
};

static STATEFULSET: ComponentInfo = ComponentInfo {
    name: "statefulset-controller",
    user: "system:serviceaccount:kube-system:statefulset-controller",
    groups: &[
        "system:serviceaccounts",
        "system:serviceaccounts:kube-system",
    ],
    client: CONTROLLER_MANAGER_QPS,
    watch_name: "statefulset-controller",
    watches: &[
        Watch {
            kind: Some(Kind::Pod),
            select: Select::ControlledBy(&[Kind::StatefulSet]),
        },
        Watch {
            kind: Some(Kind::StatefulSet),
            select: Select::All,
        },
    ],
};
static CRONJOB: ComponentInfo = ComponentInfo {
    name: "cronjob-controller",
    user: "system:serviceaccount:kube-system:cronjob-controller",
    groups: &[
        "system:serviceaccounts",
        "system:serviceaccounts:kube-system",
    ],
    client: CONTROLLER_MANAGER_QPS,
    watch_name: "cronjob-controller",
    watches: &[
        Watch {
            kind: Some(Kind::Job),
            select: Select::ControlledBy(&[Kind::CronJob]),
        },
        Watch {
            kind: Some(Kind::CronJob),
            select: Select::All,
        },
    ],
};

/// Every pod and every node: the scheduler's cache and the taint eviction controller's
/// informers.
const PODS_AND_NODES: &[Watch] = &[
    Watch {
        kind: Some(Kind::Pod),
        select: Select::All,
    },
    Watch {
        kind: Some(Kind::Node),
        select: Select::All,
    },
];

static SCHEDULER: ComponentInfo = ComponentInfo {
    name: "default-scheduler",
    user: "system:kube-scheduler",
    groups: &["system:authenticated"],
    // KubeSchedulerConfiguration clientConnection qps 50 / burst 100.
    client: Some((50, 100)),
    watch_name: "default-scheduler",
    watches: PODS_AND_NODES,
};

static KUBELET: ComponentInfo = ComponentInfo {
    name: "kubelet",
    user: "system:node:",
    groups: &["system:nodes", "system:authenticated"],
    // KubeletConfiguration kubeAPIQPS 50 / kubeAPIBurst 100.
    client: Some((50, 100)),
    watch_name: "kubelet",
    watches: &[Watch {
        kind: Some(Kind::Pod),
        select: Select::OnMyNode,
    }],
};

static SERVICE: ComponentInfo = ComponentInfo {
    name: "service-controller",
    user: "system:serviceaccount:kube-system:service-controller",
    groups: &[
        "system:serviceaccounts",
        "system:serviceaccounts:kube-system",
    ],
    client: CONTROLLER_MANAGER_QPS,
    watch_name: "service-controller",
    watches: &[Watch {
        kind: Some(Kind::Service),
        select: Select::LoadBalancers,
    }],
};

static GC: ComponentInfo = ComponentInfo {
    name: "garbage-collector",
    user: "system:serviceaccount:kube-system:generic-garbage-collector",
    groups: &[
        "system:serviceaccounts",
        "system:serviceaccounts:kube-system",
    ],
    client: CONTROLLER_MANAGER_QPS,
    watch_name: "garbage-collector",
    watches: &[Watch {
        kind: None,
        select: Select::Ownership,
    }],
};

static AKS_PROVIDER: ComponentInfo = ComponentInfo {
    name: "aks-resource-provider",
    // AKS's resource provider acts on the cluster as `aksService` (what AKS audit logs show
    // for its cordon, drain and node deletions).
    user: "aksService",
    groups: &["system:masters", "system:authenticated"],
    client: None,
    watch_name: "aks-resource-provider",
    // It polls what it waits for (drained nodes), as `kubectl drain` does.
    watches: &[],
};

static ROOT_CA: ComponentInfo = ComponentInfo {
    // kube-controller-manager's `root-ca-certificate-publisher-controller`, with its own
    // service account (controllermanager.go `ClientOrDie("root-ca-cert-publisher")`).
    name: "root-ca-cert-publisher",
    user: "system:serviceaccount:kube-system:root-ca-cert-publisher",
    groups: &[
        "system:serviceaccounts",
        "system:serviceaccounts:kube-system",
    ],
    client: CONTROLLER_MANAGER_QPS,
    watch_name: "root-ca-cert-publisher",
    watches: &[
        Watch {
            kind: Some(Kind::Namespace),
            select: Select::All,
        },
        Watch {
            kind: Some(Kind::ConfigMap),
            select: Select::All,
        },
    ],
};

static SERVICE_ACCOUNTS: ComponentInfo = ComponentInfo {
    // kube-controller-manager's `serviceaccount-controller`, with its own service account
    // (controllermanager.go `ClientOrDie("service-account-controller")`).
    name: "serviceaccount-controller",
    user: "system:serviceaccount:kube-system:service-account-controller",
    groups: &[
        "system:serviceaccounts",
        "system:serviceaccounts:kube-system",
    ],
    client: CONTROLLER_MANAGER_QPS,
    watch_name: "serviceaccount-controller",
    watches: &[
        Watch {
            kind: Some(Kind::Namespace),
            select: Select::All,
        },
        Watch {
            kind: Some(Kind::ServiceAccount),
            select: Select::All,
        },
    ],
};

static DISRUPTION: ComponentInfo = ComponentInfo {
    // kube-controller-manager's `disruption-controller`, with its own service account
    // (controllermanager.go `ClientOrDie("disruption-controller")`). Its informers: every
    // pod (addPod/updatePod/deletePod) and every budget; the workloads it reads for
    // getExpectedScale are listers without handlers.
    name: "disruption-controller",
    user: "system:serviceaccount:kube-system:disruption-controller",
    groups: &[
        "system:serviceaccounts",
        "system:serviceaccounts:kube-system",
    ],
    client: CONTROLLER_MANAGER_QPS,
    watch_name: "disruption-controller",
    watches: &[
        Watch {
            kind: Some(Kind::Pod),
            select: Select::All,
        },
        Watch {
            kind: Some(Kind::PodDisruptionBudget),
            select: Select::All,
        },
    ],
};

static TAINT_EVICTION: ComponentInfo = ComponentInfo {
    // `names.TaintEvictionController`, its Events' source; its client is the node
    // lifecycle controller's service account (core.go `newTaintEvictionController`).
    name: "taint-eviction-controller",
    user: "system:serviceaccount:kube-system:node-controller",
    groups: &[
        "system:serviceaccounts",
        "system:serviceaccounts:kube-system",
    ],
    client: CONTROLLER_MANAGER_QPS,
    watch_name: "taint-eviction-controller",
    watches: PODS_AND_NODES,
};

static POD_GC: ComponentInfo = ComponentInfo {
    // controllermanager `ClientOrDie("pod-garbage-collector")`; its node lister is read from
    // the store when a cycle runs, so only pods are watched.
    name: "pod-garbage-collector",
    user: "system:serviceaccount:kube-system:pod-garbage-collector",
    groups: &[
        "system:serviceaccounts",
        "system:serviceaccounts:kube-system",
    ],
    client: CONTROLLER_MANAGER_QPS,
    watch_name: "pod-garbage-collector",
    watches: &[Watch {
        kind: Some(Kind::Pod),
        select: Select::All,
    }],
};

static NODE_LIFECYCLE: ComponentInfo = ComponentInfo {
    // kube-controller-manager's `node-lifecycle-controller`, with the `node-controller`
    // service account (controllermanager.go `ClientOrDie("node-controller")`), whose name
    // its Events carry.
    name: "node-controller",
    user: "system:serviceaccount:kube-system:node-controller",
    groups: &[
        "system:serviceaccounts",
        "system:serviceaccounts:kube-system",
    ],
    client: CONTROLLER_MANAGER_QPS,
    watch_name: "node-controller",
    // Its node informer drives the NoSchedule taints; leases and pods it reads from the
    // store on its 5 s pass.
    watches: &[Watch {
        kind: Some(Kind::Node),
        select: Select::All,
    }],
};

static CLOUD_NODE_LIFECYCLE: ComponentInfo = ComponentInfo {
    // cloud-controller-manager's `cloud-node-lifecycle-controller` (k8s.io/cloud-provider
    // controllers/nodelifecycle), with its own service account.
    name: "cloud-node-lifecycle-controller",
    user: "system:serviceaccount:kube-system:cloud-node-lifecycle-controller",
    groups: &[
        "system:serviceaccounts",
        "system:serviceaccounts:kube-system",
    ],
    // cloud-controller-manager's --kube-api-qps 20 / --kube-api-burst 30.
    client: CONTROLLER_MANAGER_QPS,
    watch_name: "cloud-node-lifecycle-controller",
    // It lists the nodes on its own period (MonitorNodes).
    watches: &[],
};

static TERMINAL: ComponentInfo = ComponentInfo {
    // AKS's clusterAdmin credential.
    name: "kubectl",
    user: "masterclient",
    groups: &["system:masters", "system:authenticated"],
    // kubectl's own client is not rate limited in practice (its defaults are far above what
    // one command sends).
    client: None,
    watch_name: "kubectl",
    // A terminal watches single objects it waits for (`delete --wait`), registered at run
    // time.
    watches: &[],
};

/// An informer event as the component's handler receives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Notice {
    /// The object.
    pub obj: ObjRef,
    /// What happened.
    pub change: Change,
    /// For [`Select::ControlledBy`]: the controller's id, resolved while the object existed.
    pub controller: Option<u32>,
}

/// A response to one of the component's requests.
#[derive(Clone, Copy, Debug)]
pub struct Response<'a> {
    /// What was asked.
    pub op: &'a Op,
    /// What the API server did.
    pub outcome: &'a Outcome,
}

/// A message between components that does not go through the API server: `az`'s requests
/// to Azure Resource Manager and their completion, and what happens to a node's VM. The operation itself is in Azure's
/// operation table ([`crate::aks::fleet::Azure::operations`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Message {
    /// An `az` command asks the AKS resource provider to carry out an operation.
    ArmRequest {
        /// The operation's id.
        operation: u32,
    },
    /// The operation finished (succeeded or failed).
    ArmDone {
        /// The operation's id.
        operation: u32,
    },
    /// A node's VM stops (`kubesim node fail`, `delete`): to its kubelet.
    VmStopped,
    /// A stopped VM is started (`kubesim node recover`): to its kubelet.
    VmStarted,
    /// The node loses its network path to the API server (`kubesim node partition`): to its
    /// kubelet, which keeps running.
    Partitioned,
    /// The partition ends (`kubesim node heal`): to its kubelet.
    Healed,
    /// An eviction signal of the node is met (`kubesim node pressure`): to its kubelet.
    Pressure(crate::fault::Pressure),
    /// The signal (every signal for None) is no longer met (`kubesim node relieve`).
    Relieved(Option<crate::fault::Pressure>),
}

/// A component: state plus handlers. Each handler gets read access to the store and an
/// effects sink through `cx`; none gets the world.
pub trait Component {
    /// Context a request carries back to its sender (which batch, which step action).
    type Tag: Copy + std::fmt::Debug;
    /// What a timer of this component carries.
    type Timer: Copy + std::fmt::Debug;
    /// What the component reaches outside the API server (a kubelet's CNI plugin, the service
    /// controller's Azure public IPs); `()` for most.
    type Env;

    /// An informer event.
    fn observe(&mut self, cx: &mut Ctx<'_, Self>, notice: Notice);
    /// A response to a request sent with `tag`.
    fn on_response(&mut self, cx: &mut Ctx<'_, Self>, tag: Self::Tag, response: Response<'_>);
    /// A timer fired.
    fn on_timer(&mut self, cx: &mut Ctx<'_, Self>, timer: Self::Timer);
    /// A message from another component (most components get none).
    fn on_message(&mut self, _cx: &mut Ctx<'_, Self>, _from: ComponentId, _msg: Message) {}
}
