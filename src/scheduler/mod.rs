//! kube-scheduler.
