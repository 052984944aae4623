//! Seeded random streams keyed by component, object and purpose (CONTRACT §9).
