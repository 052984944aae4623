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

/// The size of an image on a node, in bytes: `sizeMB` where the scenario gives one, else an
/// illustrative size of 20 to 220 MB fixed by the reference (the same on every node and in
/// every run). The `Pulled` event and the node's `status.images` report it.
pub fn size_bytes(catalog: &ImageCatalog, image: &str) -> u64 {
    catalog
        .get(image)
        .and_then(|s| s.size_mb)
        .map_or_else(|| illustrative_size(image), |mb| mb * 1_000_000)
}

fn illustrative_size(image: &str) -> u64 {
    let h = crate::sim::rng::fnv1a_64(&[image.as_bytes()]);
    20_000_000 + h % 200_000_000
}

/// The reference containerd resolves for an image a pod wrote, and the name its CRI
/// reports for it (`RepoTags`; the NotFound message names it too): the reference
/// normalised as the distribution library's `ParseNormalizedNamed` does — Docker Hub's
/// `docker.io` when the first path component is no registry host (no `.` or `:`, not
/// `localhost`), `library/` for an official image, `:latest` when neither tag nor digest
/// is given. `nginx:1.27` is reported as `docker.io/library/nginx:1.27`.
pub fn containerd_name(image: &str) -> String {
    let (first, rest) = match image.split_once('/') {
        Some((f, r)) if f.contains(['.', ':']) || f == "localhost" => (f, r.to_string()),
        Some(_) => ("docker.io", image.to_string()),
        None => ("docker.io", format!("library/{image}")),
    };
    let mut name = format!("{first}/{rest}");
    let last = name.rsplit('/').next().unwrap_or("");
    if !last.contains([':', '@']) {
        name.push_str(":latest");
    }
    name
}

/// `normalizedImageName` (pkg/scheduler/framework/plugins/imagelocality): the image a pod
/// writes, with `:latest` appended when it has no tag. Nothing else is normalised, so a
/// pod's `nginx:1.27` does not match the `docker.io/library/nginx:1.27` containerd reports
/// (the upstream TODO's second case): on AKS, ImageLocality counts only fully qualified
/// images.
pub fn scheduler_name(image: &str) -> String {
    let colon = image.rfind(':').map_or(-1, |i| i as isize);
    let slash = image.rfind('/').map_or(-1, |i| i as isize);
    if colon <= slash {
        format!("{image}:latest")
    } else {
        image.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containerd_reports_docker_hub_images_fully_qualified() {
        // The normalisation distribution/reference's ParseNormalizedNamed applies, as its
        // tests show it: docker.io and library/ for official images, a default tag.
        assert_eq!(
            containerd_name("nginx:1.27"),
            "docker.io/library/nginx:1.27"
        );
        assert_eq!(containerd_name("nginx"), "docker.io/library/nginx:latest");
        assert_eq!(
            containerd_name("bitnami/redis:7"),
            "docker.io/bitnami/redis:7"
        );
        assert_eq!(
            containerd_name("mcr.microsoft.com/oss/kubernetes/pause:3.6"),
            "mcr.microsoft.com/oss/kubernetes/pause:3.6"
        );
        assert_eq!(containerd_name("localhost/app"), "localhost/app:latest");
        assert_eq!(
            containerd_name("localhost:5000/app"),
            "localhost:5000/app:latest"
        );
        assert_eq!(
            containerd_name("registry:5000/team/app"),
            "registry:5000/team/app:latest"
        );
    }

    #[test]
    fn the_scheduler_only_adds_a_missing_tag() {
        // normalizedImageName: the last ':' must come after the last '/'.
        assert_eq!(scheduler_name("gcr.io/40"), "gcr.io/40:latest");
        assert_eq!(scheduler_name("gcr.io/40:v1"), "gcr.io/40:v1");
        assert_eq!(
            scheduler_name("registry:5000/app"),
            "registry:5000/app:latest"
        );
        assert_eq!(scheduler_name("nginx:1.27"), "nginx:1.27");
    }

    #[test]
    fn a_declared_size_wins_over_the_illustrative_one() {
        let mut c = ImageCatalog::new();
        c.insert(
            "app:v1".into(),
            ImageSpec {
                size_mb: Some(300),
                ..Default::default()
            },
        );
        assert_eq!(size_bytes(&c, "app:v1"), 300_000_000);
        let s = size_bytes(&c, "app:v2");
        assert!((20_000_000..220_000_000).contains(&s));
        assert_eq!(s, size_bytes(&ImageCatalog::new(), "app:v2"));
    }
}
