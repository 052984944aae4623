//! What AKS decides: VM sizes, allocatable, node names and labels, system pods.
