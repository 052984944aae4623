//! Seeded random streams keyed by component, object and purpose (CONTRACT §9).
//! (placeholder until the timing branch lands)
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;

/// Streams.
#[derive(Clone, Debug)]
pub struct Streams {
    seed: u64,
}

impl Streams {
    /// New.
    pub fn new(seed: u64) -> Streams {
        Streams { seed }
    }
    /// Stream.
    pub fn stream(&self, component: &str, object: &str, purpose: &str) -> ChaCha8Rng {
        let mut h: u64 = 0xcbf29ce484222325 ^ self.seed;
        for b in component.bytes().chain([0]).chain(object.bytes()).chain([0]).chain(purpose.bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100000001b3);
        }
        ChaCha8Rng::seed_from_u64(h)
    }
}
