//! The node's image store and its puller. Pulls are serialized by default (KubeletConfiguration
//! `serializeImagePulls: true`, what AKS sets), so a pull waits for the one before it, which
//! is what the `Pulled` event's `including waiting` measures; a pool with
//! `serializeImagePulls: false` pulls in parallel, up to `maxParallelImagePulls` at once
//! (pkg/kubelet/images puller.go `parallelImagePuller`, its semaphore). A pull of an
//! image already on disk (pull policy `Always`) is a registry round trip to resolve the
//! manifest, not a download; so is a pull of an image the registry does not have.

use std::collections::BTreeMap;

use crate::sim::time::{SimDuration, SimTime};

/// What is on the node's disk, and the pull queue.
#[derive(Clone, Debug, Default)]
pub struct ImageStore {
    /// Image → when it is (or will be, for a pull in the queue) on disk.
    on_disk: BTreeMap<String, SimTime>,
    /// When each of the puller's workers is free again (one for a serial puller).
    workers: Vec<SimTime>,
    /// How many workers there may be; `None` is no limit.
    max_workers: Option<u32>,
}

/// A pull put in the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueuedPull {
    /// When it finishes.
    pub end: SimTime,
    /// How long the pull itself takes (the `in 1.2s` of the `Pulled` event).
    pub took: SimDuration,
    /// Whether it downloads the image (false: a manifest check of an image on disk).
    pub download: bool,
}

impl ImageStore {
    /// A store that holds `images` from the start (AKS's node image caches the system
    /// images).
    pub fn new(images: impl IntoIterator<Item = String>) -> ImageStore {
        ImageStore {
            on_disk: images.into_iter().map(|i| (i, SimTime::ZERO)).collect(),
            workers: Vec::new(),
            max_workers: Some(1),
        }
    }

    /// Pulls up to `max` images at once (`None`: no limit) instead of one after another.
    pub fn parallel(mut self, max: Option<u32>) -> ImageStore {
        self.max_workers = max.map(|m| m.max(1));
        self
    }

    /// The worker a pull asked for at `now` runs on, and when it begins: the first worker
    /// free by then, else a new one if the limit allows, else the earliest to become free.
    fn worker(&mut self, now: SimTime) -> (usize, SimTime) {
        if let Some(i) = self.workers.iter().position(|t| *t <= now) {
            return (i, now);
        }
        let room = self
            .max_workers
            .is_none_or(|m| self.workers.len() < m as usize);
        if room {
            self.workers.push(now);
            return (self.workers.len() - 1, now);
        }
        let (i, t) = self
            .workers
            .iter()
            .enumerate()
            .min_by_key(|(i, t)| (**t, *i))
            .map(|(i, t)| (i, *t))
            .unwrap_or((0, now));
        (i, t)
    }

    /// Whether `image` is on disk at `now` (`EnsureImageExists`'s presence check).
    pub fn present(&self, image: &str, now: SimTime) -> bool {
        self.on_disk.get(image).is_some_and(|t| *t <= now)
    }

    /// The images on disk at `now` (the image manager's list).
    pub fn on_disk(&self, now: SimTime) -> impl Iterator<Item = &str> + '_ {
        self.on_disk
            .iter()
            .filter(move |(_, t)| **t <= now)
            .map(|(i, _)| i.as_str())
    }

    /// Queues a pull of `image` at `now`: a download taking `download` unless the image is
    /// on disk when the pull begins (then `check`); an image the registry lacks (`exists`
    /// false) fails after `check` and never lands on disk.
    pub fn queue(
        &mut self,
        image: &str,
        now: SimTime,
        exists: bool,
        download: SimDuration,
        check: SimDuration,
    ) -> QueuedPull {
        let (worker, begin) = self.worker(now);
        let cached = self.present(image, begin);
        let full = exists && !cached;
        let took = if full { download } else { check };
        let end = begin + took;
        self.workers[worker] = end;
        if full {
            self.on_disk.insert(image.to_string(), end);
        }
        QueuedPull {
            end,
            took,
            download: full,
        }
    }
}

/// The `Failed` event text of a pull the registry answers NotFound for (kubelet
/// images/image_manager.go `Failed to pull image %q: %v` around containerd's error).
pub fn not_found_message(image: &str) -> String {
    let r = crate::model::image::containerd_name(image);
    format!(
        "Failed to pull image {image:?}: rpc error: code = NotFound desc = failed to pull and unpack image {r:?}: failed to resolve reference {r:?}: {r}: not found"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1_000_000;

    #[test]
    fn pulls_wait_for_each_other_and_a_cached_image_is_only_checked() {
        let mut store = ImageStore::new(Vec::new());
        let d = SimDuration(5 * S);
        let c = SimDuration(S / 5);
        let a = store.queue("nginx", SimTime(0), true, d, c);
        assert_eq!((a.end, a.download), (SimTime(5 * S), true));
        // Queued behind the first pull of the same image: a manifest check once it is on disk.
        let b = store.queue("nginx", SimTime(S), true, d, c);
        assert_eq!(
            (b.end, b.took, b.download),
            (SimTime(5 * S + S / 5), c, false)
        );
        assert!(!store.present("nginx", SimTime(4 * S)));
        assert!(store.present("nginx", SimTime(5 * S)));
        // An image the registry lacks fails after the check and is never on disk.
        let m = store.queue("nope:1", SimTime(10 * S), false, d, c);
        assert_eq!((m.end, m.download), (SimTime(10 * S + S / 5), false));
        assert!(!store.present("nope:1", SimTime(100 * S)));
    }

    #[test]
    fn a_parallel_puller_runs_up_to_max_parallel_image_pulls_at_once() {
        // puller.go parallelImagePuller: a semaphore of maxParallelImagePulls; a pull beyond
        // it waits for the first to finish. Unlimited with no maximum.
        let d = SimDuration(5 * S);
        let c = SimDuration(S / 5);
        let mut two = ImageStore::new(Vec::new()).parallel(Some(2));
        let ends: Vec<SimTime> = ["a", "b", "c"]
            .iter()
            .map(|i| two.queue(i, SimTime(0), true, d, c).end)
            .collect();
        assert_eq!(ends, [SimTime(5 * S), SimTime(5 * S), SimTime(10 * S)]);
        let mut any = ImageStore::new(Vec::new()).parallel(None);
        let ends: Vec<SimTime> = ["a", "b", "c"]
            .iter()
            .map(|i| any.queue(i, SimTime(0), true, d, c).end)
            .collect();
        assert_eq!(ends, [SimTime(5 * S); 3]);
        let mut serial = ImageStore::new(Vec::new()).parallel(Some(1));
        assert_eq!(
            serial.queue("a", SimTime(0), true, d, c).end,
            SimTime(5 * S)
        );
        assert_eq!(
            serial.queue("b", SimTime(0), true, d, c).end,
            SimTime(10 * S)
        );
    }
}
