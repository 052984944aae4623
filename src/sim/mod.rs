//! The engine: virtual time, the event queue, random streams, latency distributions.

pub mod event;
pub mod invariants;
pub mod queue;
pub mod rng;
pub mod stop;
pub mod time;
pub mod timing;
pub mod world;

/// For unit tests: the world of a scenario written inline, loaded, prepared and built.
#[cfg(test)]
pub(crate) fn test_world(text: &str) -> world::World {
    let scenario = crate::scenario::load::load_str(std::path::Path::new("t.yaml"), text)
        .expect("the scenario loads");
    let prepared = crate::cli::prepare::prepare(scenario).expect("the scenario is valid");
    world::World::new(prepared, 1, crate::output::Outputs::discard()).expect("the cluster builds")
}
