//! Scenario files (CONTRACT §1): loading, checking, expectations.
