//! Container images as a scenario declares them (docs/scenario.md `images:`): how long a pull
//! takes, whether the image exists, and what its process does once started. A real image
//! is opaque to Kubernetes; the simulator needs these facts to play out pulls, crashes,
//! readiness and batch work.

use std::collections::BTreeMap;

/// One entry of `images:`. Durations are µs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImageSpec {
    /// `pullTime`: a full pull takes exactly this long (otherwise `kubelet.imagePull` is drawn).
    pub pull_time_us: Option<u64>,
    /// `exists: false`: the registry answers NotFound (ErrImagePull, then ImagePullBackOff).
    pub missing: bool,
    /// `sizeMB`: the size the `Pulled` event reports, in MB of 10^6 bytes.
    pub size_mb: Option<u64>,
    /// `readyAfter`: the process passes readiness this long after each start.
    pub ready_after_us: u64,
    /// `crashAfter` or `runFor`: the process exits this long after each start.
    pub exit_after_us: Option<u64>,
    /// `exitCode` (default 1 with `crashAfter`, 0 with `runFor`).
    pub exit_code: i32,
    /// `probeLatency`: how long the serving process takes to answer a probe; a probe whose
    /// `timeoutSeconds` this reaches fails (default 0).
    pub probe_latency_us: u64,
}

/// The `images:` table by image reference as pods write it (`registry.example/app:v2`).
pub type ImageCatalog = BTreeMap<String, ImageSpec>;
