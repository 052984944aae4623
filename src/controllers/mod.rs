//! kube-controller-manager: Deployment, ReplicaSet, garbage collector.
