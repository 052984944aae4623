//! kube-apiserver and its etcd store.
