//! kube-scheduler.
use crate::apiserver::{Outcome, Request};
use crate::model::meta::ObjRef;
use crate::sim::event::Change;
use crate::sim::world::World;

/// The scheduler's state.
#[derive(Debug, Default)]
pub struct Scheduler {}

/// Informer event.
pub fn observe(_w: &mut World, _obj: ObjRef, _change: Change) {}
/// Cycle done.
pub fn cycle_done(_w: &mut World, _pod: u32) {}
/// Flush.
pub fn flush(_w: &mut World) {}
/// Response.
pub fn on_response(_w: &mut World, _req: &Request, _o: Outcome) {}
