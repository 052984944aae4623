//! The kubelet and its container runtime.
use crate::apiserver::{Outcome, Request};
use crate::model::meta::ObjRef;
use crate::sim::event::{Change, KubeletStep};
use crate::sim::world::World;

/// A node's kubelet.
#[derive(Debug, Default)]
pub struct Kubelet {}

/// Informer event.
pub fn observe(_w: &mut World, _node: u32, _obj: ObjRef, _change: Change) {}
/// Step.
pub fn step(_w: &mut World, _node: u32, _pod: u32, _s: KubeletStep) {}
/// Response.
pub fn on_response(_w: &mut World, _node: u32, _req: &Request, _o: Outcome) {}
