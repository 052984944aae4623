//! Steps: each a terminal running one kubectl command in virtual time.
use crate::apiserver::{Outcome, Request};
use crate::model::meta::ObjRef;
use crate::sim::world::World;

/// All steps.
#[derive(Debug, Default)]
pub struct Steps {}

impl Steps {
    /// Steps waiting for this object to go.
    pub fn waiters_of(&self, _obj: ObjRef) -> Vec<u32> {
        Vec::new()
    }
    /// Which step caused the current load.
    pub fn culprit_description(&self) -> String {
        String::new()
    }
}

/// Start.
pub fn start_step(_w: &mut World, _i: u32) {}
/// Stop.
pub fn stop_step(_w: &mut World, _i: u32) {}
/// Stop all.
pub fn stop_all(_w: &mut World) {}
/// Response.
pub fn on_response(_w: &mut World, _i: u32, _req: &Request, _o: Outcome) {}
/// Deleted.
pub fn observe_deleted(_w: &mut World, _i: u32, _obj: ObjRef) {}
