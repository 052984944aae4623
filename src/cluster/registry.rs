//! The registry: one row per component type. From the rows come the variants of [`AnyTag`]
//! and [`AnyTimer`], the [`Registered`] conversions, and for cluster-wide components their
//! field in [`Components`] and their arm in the dispatch. A new cluster-wide component is
//! its own file, its row in the component table ([`crate::component::ComponentKind::info`])
//! and one row here.

use crate::aks::cloudnode::CloudNodeLifecycleController;
use crate::aks::fleet::Azure;
use crate::aks::provider::AksProvider;
use crate::cluster::{Call, Parts};
use crate::component::{Component, ComponentId, ComponentKind};
use crate::controllers::cronjob::CronJobController;
use crate::controllers::daemonset::DaemonSetController;
use crate::controllers::deployment::DeploymentController;
use crate::controllers::disruption::DisruptionController;
use crate::controllers::gc::GarbageCollector;
use crate::controllers::job::JobController;
use crate::controllers::nodelifecycle::NodeLifecycleController;
use crate::controllers::podgc::PodGcController;
use crate::controllers::replicaset::ReplicaSetController;
use crate::controllers::rootca::RootCaPublisher;
use crate::controllers::service::ServiceController;
use crate::controllers::serviceaccount::ServiceAccountsController;
use crate::controllers::statefulset::StatefulSetController;
use crate::controllers::tainteviction::TaintEvictionController;
use crate::controllers::ttlafterfinished::TtlAfterFinishedController;
use crate::kubectl::exec::Terminal;
use crate::kubelet::Kubelet;
use crate::scheduler::Scheduler;

/// A component the run knows how to route to: its tags and timers travel as [`AnyTag`] and
/// [`AnyTimer`] and come back as its own types.
pub trait Registered: Component {
    /// Its tag as the request table keeps it.
    fn wrap_tag(tag: Self::Tag) -> AnyTag;
    /// Its own tag again, if `tag` is one.
    fn unwrap_tag(tag: AnyTag) -> Option<Self::Tag>;
    /// Its timer as the queue keeps it.
    fn wrap_timer(timer: Self::Timer) -> AnyTimer;
    /// Its own timer again, if `timer` is one.
    fn unwrap_timer(timer: AnyTimer) -> Option<Self::Timer>;
}

/// The part of Azure a component's `Env` is: none, the public IPs, the IPAM, or all of it.
macro_rules! env_of {
    ($azure:ident, none) => {
        &mut ()
    };
    ($azure:ident, azure) => {
        $azure
    };
    ($azure:ident, $part:ident) => {
        &mut $azure.$part
    };
}

macro_rules! registry {
    (
        cluster_wide { $( $field:ident: $ty:ty => $variant:ident, $kind:ident, env $env:ident; )* }
        per_instance { $( $ity:ty => $ivariant:ident; )* }
    ) => {
        /// Every component's timer type, one variant per row of the registry.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum AnyTimer {
            $(
                #[doc = concat!("A timer of `", stringify!($ty), "`.")]
                $variant(<$ty as Component>::Timer),
            )*
            $(
                #[doc = concat!("A timer of a `", stringify!($ity), "`.")]
                $ivariant(<$ity as Component>::Timer),
            )*
        }

        /// Every component's request tag, one variant per row of the registry.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum AnyTag {
            $(
                #[doc = concat!("A request of `", stringify!($ty), "`.")]
                $variant(<$ty as Component>::Tag),
            )*
            $(
                #[doc = concat!("A request of a `", stringify!($ity), "`.")]
                $ivariant(<$ity as Component>::Tag),
            )*
        }

        $( registry!(@registered $ty => $variant); )*
        $( registry!(@registered $ity => $ivariant); )*

        /// The cluster-wide components of a run, one of each.
        #[derive(Debug, Default)]
        pub struct Components {
            $(
                #[doc = concat!("`", stringify!($ty), "`.")]
                pub $field: $ty,
            )*
        }

        impl Components {
            /// Replaces the cluster-wide component of `kind` by a fresh instance (its process
            /// restarted); false if `kind` has instances.
            pub(crate) fn restart(&mut self, kind: ComponentKind) -> bool {
                match kind {
                    $(
                        ComponentKind::$kind => {
                            self.$field = <$ty>::default();
                            true
                        }
                    )*
                    _ => false,
                }
            }

            /// Hands `call` to the cluster-wide component of `kind`; false if `kind` has
            /// instances (kubelets, terminals), which the run routes itself.
            pub(crate) fn run(
                &mut self,
                kind: ComponentKind,
                me: ComponentId,
                parts: &mut Parts<'_>,
                azure: &mut Azure,
                call: Call<'_>,
            ) -> bool {
                match kind {
                    $(
                        ComponentKind::$kind => {
                            parts.run(me, &mut self.$field, env_of!(azure, $env), call);
                            true
                        }
                    )*
                    _ => false,
                }
            }
        }
    };
    (@registered $ty:ty => $variant:ident) => {
        impl Registered for $ty {
            fn wrap_tag(tag: Self::Tag) -> AnyTag {
                AnyTag::$variant(tag)
            }
            fn unwrap_tag(tag: AnyTag) -> Option<Self::Tag> {
                match tag {
                    AnyTag::$variant(t) => Some(t),
                    _ => None,
                }
            }
            fn wrap_timer(timer: Self::Timer) -> AnyTimer {
                AnyTimer::$variant(timer)
            }
            fn unwrap_timer(timer: AnyTimer) -> Option<Self::Timer> {
                match timer {
                    AnyTimer::$variant(t) => Some(t),
                    _ => None,
                }
            }
        }
    };
}

registry! {
    cluster_wide {
        deployments: DeploymentController => Deployment, DeploymentController, env none;
        replicasets: ReplicaSetController => ReplicaSet, ReplicaSetController, env none;
        daemonsets: DaemonSetController => DaemonSet, DaemonSetController, env none;
        jobs: JobController => Job, JobController, env none;
        ttl: TtlAfterFinishedController => TtlAfterFinished, TtlAfterFinishedController, env none;
        statefulsets: StatefulSetController => StatefulSet, StatefulSetController, env none;
        cronjobs: CronJobController => CronJob, CronJobController, env none;
        scheduler: Scheduler => Scheduler, Scheduler, env none;
        services: ServiceController => Service, ServiceController, env public_ips;
        gc: GarbageCollector => Gc, GarbageCollector, env none;
        aks: AksProvider => Aks, AksProvider, env azure;
        rootca: RootCaPublisher => RootCa, RootCaPublisher, env none;
        serviceaccounts: ServiceAccountsController => ServiceAccounts, ServiceAccountsController, env none;
        tainteviction: TaintEvictionController => TaintEviction, TaintEvictionController, env none;
        podgc: PodGcController => PodGc, PodGarbageCollector, env none;
        nodelifecycle: NodeLifecycleController => NodeLifecycle, NodeLifecycleController, env none;
        cloudnodes: CloudNodeLifecycleController => CloudNodes, CloudNodeLifecycleController, env azure;
        disruption: DisruptionController => Disruption, DisruptionController, env none;
    }
    per_instance {
        Kubelet => Kubelet;
        Terminal => Terminal;
    }
}
