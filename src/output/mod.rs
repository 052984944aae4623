//! The run's outputs: events.csv, timeline.csv, transcript.txt, summary.json.
pub mod expectations;
pub mod metrics;
use crate::apiserver::store::Store;
use crate::model::kind::Kind;
use crate::model::meta::ObjRef;
use crate::sim::time::SimTime;

/// Writers.
#[derive(Debug, Default)]
pub struct Outputs {
    events: Vec<EventRow>,
}

/// An event kept for `kubectl get events`.
#[derive(Clone, Debug)]
pub struct EventRow {
    /// When.
    pub time: SimTime,
    /// Namespace.
    pub namespace: String,
    /// Involved kind.
    pub kind: Kind,
    /// Involved name.
    pub name: String,
    /// Normal/Warning.
    pub event_type: String,
    /// Reason.
    pub reason: String,
    /// Source.
    pub source: String,
    /// Message.
    pub message: String,
}

/// Which files.
#[derive(Debug, Default)]
pub struct OutputSet;
impl OutputSet {
    /// Parse.
    pub fn parse(_s: &str) -> Result<OutputSet, String> {
        Ok(OutputSet)
    }
}

impl Outputs {
    /// Create.
    pub fn create(
        _dir: &std::path::Path,
        _set: &OutputSet,
        _quiet: bool,
    ) -> std::io::Result<Outputs> {
        Ok(Outputs::default())
    }

    /// Timeline rows at the end of an instant.
    pub fn timeline_instant(&mut self, _now: SimTime, _store: &Store, _changed: &[ObjRef]) {}
    /// Recent events.
    pub fn recent_events(&self) -> impl Iterator<Item = &EventRow> {
        self.events.iter()
    }
    /// Step started.
    pub fn step_started(&mut self, _step: u32, _at: SimTime, _command: &str) {}
    /// Step output.
    pub fn step_output(&mut self, _step: u32, _now: SimTime, _text: &str) {}
    /// Step exited.
    pub fn step_exited(&mut self, _step: u32, _now: SimTime, _code: i32) {}
    /// Step stopped.
    pub fn step_stopped(&mut self, _step: u32, _now: SimTime) {}
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

/// Writes summary.json and flushes everything.
pub fn finish(
    _w: &mut crate::sim::world::World,
    _seed: u64,
    _name: &str,
    _duration: u64,
) -> std::io::Result<()> {
    Ok(())
}
