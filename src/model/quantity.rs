//! Kubernetes resource quantities (apimachinery `resource.Quantity`).
