//! The kubelet and its container runtime.
