//! Named, overridable latency distributions (CONTRACT §8).
