//! ImageLocality (pkg/scheduler/framework/plugins/imagelocality, weight 1): prefer nodes
//! that already hold the pod's images, by size, scaled by how many nodes hold each image
//! (against the "node heating problem" of piling pods where an image first landed).
//!
//! The scheduler cache's `imageStates` (backend/cache: each image name reported in a
//! node's `status.images` → size and the nodes holding it) are kept here as nodes change,
//! with names interned so a cycle looks up each container's image once and each node by a
//! binary search of its sorted image ids.

use crate::model::node::ContainerImage;
use crate::model::pod::PodSpec;
use std::collections::BTreeMap;
use std::sync::Arc;

const MB: i64 = 1024 * 1024;
/// `minThreshold`: images smaller than this score nothing.
const MIN_THRESHOLD: i64 = 23 * MB;
/// `maxContainerThreshold`: the score's ceiling per container.
const MAX_CONTAINER_THRESHOLD: i64 = 1000 * MB;

/// The cache's image states.
#[derive(Debug, Default)]
pub struct ImageStates {
    ids: BTreeMap<String, u32>,
    /// Per image id: its size and how many nodes report it (`ImageStateSummary`).
    states: Vec<(i64, u32)>,
    /// Per node: what it reports.
    nodes: Vec<Option<NodeImages>>,
}

/// One node's `status.images` as last seen (compared by pointer first) and its image ids,
/// sorted.
#[derive(Clone, Debug)]
struct NodeImages {
    list: Arc<Vec<ContainerImage>>,
    ids: Vec<u32>,
}

impl ImageStates {
    /// A node was added or updated with this `status.images` (`addNodeImageStates`, after
    /// `removeNodeImageStates` of its old list).
    pub fn set_node(&mut self, node: u32, images: &Arc<Vec<ContainerImage>>) {
        let i = node as usize;
        if let Some(Some(old)) = self.nodes.get(i)
            && (Arc::ptr_eq(&old.list, images) || *old.list == **images)
        {
            return;
        }
        self.remove_node(node);
        let mut ids = Vec::new();
        for image in images.iter() {
            let size = i64::try_from(image.size_bytes).unwrap_or(i64::MAX);
            for name in &image.names {
                let next = self.states.len() as u32;
                let id = *self.ids.entry(name.clone()).or_insert(next);
                if id == next {
                    self.states.push((size, 0));
                }
                ids.push(id);
            }
        }
        ids.sort_unstable();
        ids.dedup();
        for id in &ids {
            self.states[*id as usize].1 += 1;
        }
        if self.nodes.len() <= i {
            self.nodes.resize(i + 1, None);
        }
        self.nodes[i] = Some(NodeImages {
            list: images.clone(),
            ids,
        });
    }

    /// A node was deleted.
    pub fn remove_node(&mut self, node: u32) {
        let Some(Some(old)) = self.nodes.get_mut(node as usize).map(Option::take) else {
            return;
        };
        for id in old.ids {
            let s = &mut self.states[id as usize];
            s.1 = s.1.saturating_sub(1);
        }
    }

    /// The pod's images as the plugin looks them up (init containers, then containers;
    /// `normalizedImageName`): an id where some node reports that name.
    pub fn pod_images(&self, spec: &PodSpec) -> Vec<Option<u32>> {
        spec.init_containers
            .iter()
            .chain(&spec.containers)
            .map(|c| {
                self.ids
                    .get(&crate::model::image::scheduler_name(&c.image))
                    .copied()
            })
            .collect()
    }

    /// The plugin's score of `node` (0 to 100) for a pod whose images are `pod`, in a
    /// cluster of `total_nodes` (`Score`: `calculatePriority(sumImageScores)`).
    pub fn score(&self, pod: &[Option<u32>], node: u32, total_nodes: usize) -> i64 {
        let Some(Some(NodeImages { ids: held, .. })) = self.nodes.get(node as usize) else {
            return calculate_priority(0, pod.len());
        };
        let sum = pod
            .iter()
            .flatten()
            .filter(|id| held.binary_search(id).is_ok())
            .map(|id| {
                let (size, nodes) = self.states[*id as usize];
                scaled_image_score(size, nodes, total_nodes)
            })
            .sum();
        calculate_priority(sum, pod.len())
    }
}

/// `scaledImageScore`: the image's size times the fraction of nodes holding it (the Go
/// code's float64 product truncated to int64).
fn scaled_image_score(size: i64, num_nodes: u32, total_nodes: usize) -> i64 {
    if total_nodes == 0 {
        return 0;
    }
    let spread = f64::from(num_nodes) / total_nodes as f64;
    (size as f64 * spread) as i64
}

/// `calculatePriority`: the sum clamped to [23 MiB, 1000 MiB × containers] and scaled to
/// 0..100.
fn calculate_priority(sum: i64, containers: usize) -> i64 {
    let max = MAX_CONTAINER_THRESHOLD * containers.max(1) as i64;
    let s = sum.clamp(MIN_THRESHOLD, max);
    crate::scheduler::plugins::MAX_NODE_SCORE * (s - MIN_THRESHOLD) / (max - MIN_THRESHOLD)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::etcd::store::testing as fx;

    fn image(names: &[&str], mb: i64) -> ContainerImage {
        ContainerImage {
            names: names.iter().map(|n| n.to_string()).collect(),
            size_bytes: (mb * MB) as u64,
        }
    }

    fn spec(images: &[&str]) -> PodSpec {
        let containers = images
            .iter()
            .enumerate()
            .map(|(n, i)| fx::container(&format!("c{n}"), i, 0))
            .collect();
        (*fx::spec_of(containers)).clone()
    }

    /// The nodes of image_locality_test.go TestImageLocalityPriority: node403002000 and
    /// node25010, optionally a third node with no images.
    fn states(third: bool) -> (ImageStates, usize) {
        let mut s = ImageStates::default();
        s.set_node(
            0,
            &Arc::new(vec![
                image(&["gcr.io/40:latest", "gcr.io/40:v1", "gcr.io/40:v1"], 40),
                image(&["gcr.io/300:latest", "gcr.io/300:v1"], 300),
                image(&["gcr.io/2000:latest"], 2000),
            ]),
        );
        s.set_node(
            1,
            &Arc::new(vec![
                image(&["gcr.io/250:latest"], 250),
                image(&["gcr.io/10:latest", "gcr.io/10:v1"], 10),
            ]),
        );
        if third {
            s.set_node(2, &Arc::default());
        }
        (s, if third { 3 } else { 2 })
    }

    fn scores(pod: &[&str], third: bool) -> Vec<i64> {
        let (s, n) = states(third);
        let ids = s.pod_images(&spec(pod));
        (0..n as u32).map(|node| s.score(&ids, node, n)).collect()
    }

    // TestImageLocalityPriority's cases, with the expected scores worked out by the
    // current calculatePriority (maxThreshold = 1000 MiB × the pod's 2 containers), as
    // the upstream test's comments do: 100 × (Σ size × spread − 23 MiB) / (2000 MiB − 23 MiB).
    #[test]
    fn two_images_spread_on_two_nodes_prefer_the_larger_image_one() {
        // machine1: 40 MiB / 2 < 23 MiB → 0; machine2: 250 MiB / 2 → 100 × 102 / 1977 = 5.
        assert_eq!(scores(&["gcr.io/40", "gcr.io/250"], false), vec![0, 5]);
    }

    #[test]
    fn two_images_on_one_node_prefer_this_node() {
        // machine1: (40 + 300) / 2 = 170 MiB → 100 × 147 / 1977 = 7.
        assert_eq!(scores(&["gcr.io/40", "gcr.io/300"], false), vec![7, 0]);
    }

    #[test]
    fn if_exceed_limit_use_limit() {
        // machine1: 2000 MiB / 2 = 1000 MiB → 100 × 977 / 1977 = 49; machine2: 10 / 2 → 0.
        assert_eq!(scores(&["gcr.io/10", "gcr.io/2000"], false), vec![49, 0]);
        // With a third node holding nothing: 2000 MiB / 3 → 100 × (699050666 − 24117248)
        // / 2073034752 = 32.
        assert_eq!(scores(&["gcr.io/10", "gcr.io/2000"], true), vec![32, 0, 0]);
    }

    #[test]
    fn calculate_priority_follows_its_upstream_table() {
        // TestCalculatePriority: below the minimum, within range, above the maximum,
        // and two containers doubling the maximum.
        assert_eq!(calculate_priority(10 * MB, 1), 0);
        assert_eq!(
            calculate_priority(500 * MB, 1),
            100 * (500 * MB - MIN_THRESHOLD) / (MAX_CONTAINER_THRESHOLD - MIN_THRESHOLD)
        );
        assert_eq!(calculate_priority(2000 * MB, 1), 100);
        assert_eq!(
            calculate_priority(500 * MB, 2),
            100 * (500 * MB - MIN_THRESHOLD) / (2 * MAX_CONTAINER_THRESHOLD - MIN_THRESHOLD)
        );
    }

    #[test]
    fn an_unqualified_image_does_not_match_what_containerd_reports() {
        // The upstream TODO's second case: the pod writes nginx:1.27, the node reports
        // docker.io/library/nginx:1.27; only the fully qualified reference matches.
        let mut s = ImageStates::default();
        let list = crate::model::node::status_images([("nginx:1.27", 500_000_000)]);
        s.set_node(0, &Arc::new(list));
        let short = s.pod_images(&spec(&["nginx:1.27"]));
        let full = s.pod_images(&spec(&["docker.io/library/nginx:1.27"]));
        assert_eq!(s.score(&short, 0, 1), 0);
        assert!(s.score(&full, 0, 1) > 0);
    }

    #[test]
    fn node_counts_follow_updates_and_deletes() {
        let mut s = ImageStates::default();
        let list = Arc::new(vec![image(&["a:1"], 900)]);
        s.set_node(0, &list);
        s.set_node(1, &list);
        let pod = s.pod_images(&spec(&["a:1"]));
        // Both nodes hold it: the full 900 MiB counts.
        assert_eq!(
            s.score(&pod, 0, 2),
            100 * (900 * MB - MIN_THRESHOLD) / (1000 * MB - MIN_THRESHOLD)
        );
        s.remove_node(1);
        assert_eq!(
            s.score(&pod, 0, 2),
            100 * (450 * MB - MIN_THRESHOLD) / (1000 * MB - MIN_THRESHOLD)
        );
        s.set_node(0, &Arc::default());
        assert_eq!(s.score(&pod, 0, 2), 0);
    }
}
