//! kube-apiserver and its etcd store.

pub mod store;
