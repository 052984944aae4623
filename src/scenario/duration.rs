//! Go's `time.ParseDuration`, ported.
