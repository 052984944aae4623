//! Which apiVersion/kind pairs a Kubernetes 1.35 cluster serves, and their scope.
