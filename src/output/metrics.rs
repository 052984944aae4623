//! Cells and metrics (placeholder until the output branch lands).
use crate::model::node::Node;
use crate::model::pod::Pod;
use crate::sim::time::SimTime;
/// STATUS.
pub fn pod_status_cell(p: &Pod) -> String {
    p.status.phase.as_str().to_string()
}
/// READY.
pub fn pod_ready_cell(p: &Pod) -> String {
    format!(
        "{}/{}",
        p.status.containers.iter().filter(|c| c.ready).count(),
        p.spec.containers.len()
    )
}
/// RESTARTS.
pub fn pod_restarts_cell(_p: &Pod, _now: SimTime) -> String {
    "0".into()
}
/// Node STATUS.
pub fn node_status_cell(n: &Node) -> String {
    if n.ready {
        "Ready".into()
    } else {
        "NotReady".into()
    }
}
