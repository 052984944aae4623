//! Addresses: node IPs, pod IPs per network plugin, ClusterIPs, NodePorts, public IPs.
