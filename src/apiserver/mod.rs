//! kube-apiserver and its etcd store.

pub mod ratelimit;
pub mod store;
