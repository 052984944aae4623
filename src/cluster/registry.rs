//! The registry: one row per component type, tying it to its variants of [`AnyTag`] and
//! [`AnyTimer`]. A new component adds a row here, its variants of both, its field in
//! [`crate::cluster::World`] and its arm in the dispatch (the full list: [`crate::component`]).

use crate::aks::provider::AksProvider;
use crate::cluster::event::{AnyTag, AnyTimer};
use crate::component::Component;
use crate::controllers::daemonset::DaemonSetController;
use crate::controllers::deployment::DeploymentController;
use crate::controllers::gc::GarbageCollector;
use crate::controllers::replicaset::ReplicaSetController;
use crate::controllers::service::ServiceController;
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

macro_rules! registry {
    ($($ty:ty => $variant:ident;)*) => {
        $(
            impl Registered for $ty {
                fn wrap_tag(tag: Self::Tag) -> AnyTag {
                    AnyTag::$variant(tag)
                }
                fn unwrap_tag(tag: AnyTag) -> Option<Self::Tag> {
                    match tag {
                        AnyTag::$variant(t) => Some(t),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
                fn wrap_timer(timer: Self::Timer) -> AnyTimer {
                    AnyTimer::$variant(timer)
                }
                fn unwrap_timer(timer: AnyTimer) -> Option<Self::Timer> {
                    match timer {
                        AnyTimer::$variant(t) => Some(t),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
            }
        )*
    };
}

registry! {
    DeploymentController => Deployment;
    ReplicaSetController => ReplicaSet;
    DaemonSetController => DaemonSet;
    Scheduler => Scheduler;
    Kubelet => Kubelet;
    ServiceController => Service;
    Terminal => Terminal;
    GarbageCollector => Gc;
    AksProvider => Aks;
}
