//! The run's outputs: events.csv, timeline.csv, transcript.txt, summary.json.
pub mod expectations;
use crate::apiserver::store::Store;
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::sim::time::SimTime;

/// Writers.
#[derive(Debug, Default)]
pub struct Outputs {}

impl Outputs {
    /// Timeline rows at the end of an instant.
    pub fn timeline_instant(&mut self, _now: SimTime, _store: &Store, _changed: &[ObjRef]) {}
    /// One events.csv row.
    #[allow(clippy::too_many_arguments)]
    pub fn event(
        &mut self,
        _t: SimTime,
        _ns: &str,
        _kind: Kind,
        _name: &str,
        _warning: bool,
        _reason: &str,
        _source: &str,
        _message: &str,
    ) {
    }
}
