//! Recreate never overlaps (issue 7 Done-when): over many seeds of scenarios/recreate.yaml,
//! no instant has a pod of the new template while any pod of the old one exists — a
//! terminating pod still exists until the API server removes it — and availability dips to 0.
//! Read from timeline.csv, where a pod's `exists` rows bound its life and its name carries
//! its ReplicaSet's `pod-template-hash` (`web-<hash>-<suffix>`).
//!
//! recreate.go (`rolloutRecreate`): scale the old ReplicaSets to 0, wait until
//! `oldPodsRunning` is false (no pod of theirs left that is not terminal), and only then
//! create the new ReplicaSet.

use super::support::{csv_rows, root, run_file};
use std::collections::BTreeMap;

#[test]
fn recreate_never_runs_old_and_new_pods_together_over_many_seeds() {
    let path = root().join("scenarios/recreate.yaml");
    for seed in 1..=12u64 {
        let run = run_file(&path, &["--seed", &seed.to_string(), "-q"]);
        assert_eq!(run.code, 0, "seed {seed}: {}", run.stderr);
        let rows = csv_rows(&run.file("timeline.csv"));
        // Live pods per template hash, brought to each instant's end before checking.
        let mut live: BTreeMap<String, i64> = BTreeMap::new();
        let mut first_hash: Option<String> = None;
        let mut new_seen = false;
        let mut dipped_to_zero_after_update = false;
        let mut i = 0;
        while i < rows.len() {
            let time = rows[i][0].clone();
            while i < rows.len() && rows[i][0] == time {
                let r = &rows[i];
                let (kind, name, metric, value) = (&r[2], &r[3], &r[4], &r[5]);
                if kind == "pod" && metric == "exists" && name.starts_with("web-") {
                    let hash = name.rsplit_once('-').map(|(h, _)| h.to_string()).unwrap();
                    let first = first_hash.get_or_insert_with(|| hash.clone());
                    new_seen |= hash != *first;
                    *live.entry(hash).or_default() += if value == "1" { 1 } else { -1 };
                }
                if kind == "deployment" && name == "web" && metric == "available_replicas" {
                    let t: f64 = time.parse().unwrap();
                    dipped_to_zero_after_update |= t >= 60.0 && value == "0";
                }
                i += 1;
            }
            let templates = live.values().filter(|n| **n > 0).count();
            assert!(
                templates <= 1,
                "seed {seed}: at {time} s pods of {templates} templates exist: {live:?}"
            );
        }
        assert!(
            new_seen,
            "seed {seed}: the new template's pods never appeared"
        );
        assert!(
            dipped_to_zero_after_update,
            "seed {seed}: availability never reached 0 during the rollout"
        );
    }
}
