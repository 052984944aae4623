//! The field table generated from Kubernetes' strict JSON schemas, and the check against it.
