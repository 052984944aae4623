//! `kubectl drain` through the Eviction API against a PodDisruptionBudget, in whole runs of the
//! bundled scenarios/drain-pdb.yaml: four web replicas, two per node, `minAvailable: 3`.
//!
//! The rules (kubectl pkg/drain: evictions retried every 5 s on 429; the eviction subresource,
//! pkg/registry/core/pod/storage/eviction.go: it refuses while `disruptionsAllowed` is 0 and
//! decrements it in the same write; the disruption controller: allowed = healthy − desired),
//! and `--disable-eviction`, which deletes pods without asking any budget.

use super::support::{Run, block, root, run_yaml};

const DRAIN: &str = "kubectl drain aks-nodepool1-46262649-vmss000000 --ignore-daemonsets";

/// The bundled lab with its text changed by `edit`, run with invariant checks.
fn drain_lab(edit: impl Fn(String) -> String) -> Run {
    let text = std::fs::read_to_string(root().join("scenarios/drain-pdb.yaml")).expect("lab");
    let r = run_yaml(&edit(text), &[], &["-q", "--check-invariants"]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    r
}

/// `(time, value)` of every timeline row of this object and metric.
fn series(r: &Run, kind: &str, name: &str, metric: &str) -> Vec<(f64, i64)> {
    r.timeline()
        .into_iter()
        .filter(|row| row[2] == kind && row[3] == name && row[4] == metric)
        .map(|row| (row[0].parse().unwrap(), row[5].parse().unwrap()))
        .collect()
}

/// The web pods, by name: when each became Ready first and when it was gone (if it was).
fn web_pods(r: &Run) -> Vec<(String, Option<f64>, Option<f64>)> {
    let mut pods: Vec<(String, Option<f64>, Option<f64>)> = Vec::new();
    for row in r.timeline() {
        if row[2] != "pod" || !row[3].starts_with("web-") {
            continue;
        }
        let i = match pods.iter().position(|p| p.0 == row[3]) {
            Some(i) => i,
            None => {
                pods.push((row[3].clone(), None, None));
                pods.len() - 1
            }
        };
        let t: f64 = row[0].parse().unwrap();
        match (row[4].as_str(), row[5].as_str()) {
            ("ready", "1") if pods[i].1.is_none() => pods[i].1 = Some(t),
            ("exists", "0") => pods[i].2 = Some(t),
            _ => {}
        }
    }
    pods
}

/// The lowest value of `deployment/web available_replicas` from `from` seconds on.
fn least_available_after(r: &Run, from: f64) -> i64 {
    let s = series(r, "deployment", "web", "available_replicas");
    let at_from = s.iter().rev().find(|(t, _)| *t <= from).map_or(0, |p| p.1);
    s.iter()
        .filter(|(t, _)| *t > from)
        .map(|p| p.1)
        .fold(at_from, i64::min)
}

#[test]
fn a_drain_is_held_by_the_budget_until_the_first_replacement_is_ready() {
    let r = drain_lab(|s| s);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = r.file("transcript.txt");
    let out = block(&t, DRAIN);
    assert_eq!(
        out.first(),
        Some(&"node/aks-nodepool1-46262649-vmss000000 cordoned")
    );
    assert_eq!(
        out.last(),
        Some(&"node/aks-nodepool1-46262649-vmss000000 drained")
    );
    let refused: Vec<&&str> = out
        .iter()
        .filter(|l| l.starts_with("error when evicting pods/\"web-"))
        .collect();
    assert!(!refused.is_empty(), "one budget allows one of two: {out:?}");
    for l in &refused {
        assert!(
            l.ends_with(
                "-n \"default\" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget."
            ),
            "{l}"
        );
    }
    // minAvailable 3 holds throughout the drain.
    assert!(
        least_available_after(&r, 59.0) >= 3,
        "{}",
        r.file("timeline.csv")
    );
    // The two web pods the drain removed: the second goes only after a pod created for the
    // first was Ready, and at least one 5 s retry after the drain began.
    let pods = web_pods(&r);
    let mut gone: Vec<f64> = pods.iter().filter_map(|p| p.2).collect();
    gone.sort_by(f64::total_cmp);
    assert_eq!(gone.len(), 2, "{pods:?}");
    let replacement_ready = pods
        .iter()
        .filter_map(|p| p.1)
        .filter(|&ready| ready > 60.0)
        .fold(f64::INFINITY, f64::min);
    assert!(replacement_ready < gone[1], "{pods:?}");
    assert!(
        gone[1] >= 65.0,
        "a refused eviction is retried after 5 s: {pods:?}"
    );
    // The budget allowed nothing between the first eviction and that replacement.
    let allowed = series(&r, "poddisruptionbudget", "web-pdb", "disruptions_allowed");
    let at = |t: f64| allowed.iter().rev().find(|p| p.0 <= t).map_or(-1, |p| p.1);
    assert_eq!(at(59.0), 1, "{allowed:?}");
    assert_eq!(at(gone[0]), 0, "{allowed:?}");
}

#[test]
fn disable_eviction_deletes_past_the_budget() {
    // kubectl drain --disable-eviction: DELETE instead of the eviction subresource, so no
    // budget is asked and both pods go at once; availability falls to 2 < minAvailable.
    let r = drain_lab(|s| {
        s.replace(
            "--ignore-daemonsets",
            "--ignore-daemonsets --disable-eviction",
        )
        .replace("available_replicas >= 3", "available_replicas >= 2")
    });
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = r.file("transcript.txt");
    let out = block(&t, &format!("{DRAIN} --disable-eviction"));
    assert!(
        !out.iter().any(|l| l.contains("disruption budget")),
        "{out:?}"
    );
    assert_eq!(
        out.last(),
        Some(&"node/aks-nodepool1-46262649-vmss000000 drained")
    );
    assert_eq!(
        least_available_after(&r, 59.0),
        2,
        "{}",
        r.file("timeline.csv")
    );
}

#[test]
fn a_budget_that_allows_nothing_holds_the_drain_until_its_timeout() {
    // minAvailable 4 of 4: disruptionsAllowed stays 0, every eviction of a web pod is refused,
    // and kubectl gives up at --timeout with exit 1; both web pods are still there.
    let r = drain_lab(|s| {
        s.replace("minAvailable: 3", "minAvailable: 4")
            .replace("--ignore-daemonsets", "--ignore-daemonsets --timeout=20s")
            .replace("available_replicas >= 3", "available_replicas >= 4")
            .replace("disruptions_allowed == 1", "disruptions_allowed == 0")
    });
    let summary: serde_json::Value =
        serde_json::from_str(&r.file("summary.json")).expect("summary.json");
    let drain = summary["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["id"] == "drain")
        .expect("the drain step");
    assert_eq!(drain["exit_code"], 1, "{drain}");
    let t = r.file("transcript.txt");
    let out = block(&t, &format!("{DRAIN} --timeout=20s"));
    assert!(
        out.iter()
            .any(|l| l.contains("global timeout reached: 20s")),
        "{out:?}"
    );
    // Retries every 5 s for 20 s: each web pod is refused at 0, 5, 10 and 15 s at least.
    let refusals = out
        .iter()
        .filter(|l| l.starts_with("error when evicting pods/\"web-") && l.contains("will retry"))
        .count();
    assert!(refusals >= 8, "{out:?}");
    assert!(
        web_pods(&r).iter().all(|p| p.2.is_none()),
        "no web pod was evicted"
    );
}
