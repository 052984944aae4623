//! The pod lifecycle end to end: images, exits, restarts and their back-off as kubectl shows
//! them.

use super::support::{root, run_file};

#[test]
fn the_crash_loop_scenario_shows_kubectls_statuses_and_passes() {
    let r = run_file(&root().join("scenarios/crash-loop.yaml"), &["--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = r.file("transcript.txt");
    let last = t
        .rsplit("$ kubectl get pods\n")
        .next()
        .expect("a second get pods");
    let row = |name: &str| -> Vec<String> {
        let line = last
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} in {last}"));
        // NAME READY STATUS RESTARTS [(Ns ago)] AGE
        line.split_whitespace().map(str::to_string).collect()
    };
    // Exits 3s after each start; restarts after 0, 10, 20, 40, 80s of back-off
    // (kubelet.go backOffPeriod doubling): by 280s five restarts, the next due past 300s.
    let app = row("app-");
    assert_eq!(&app[1..4], ["0/1", "CrashLoopBackOff", "5"], "{app:?}");
    assert!(app[4].starts_with('(') && app[5] == "ago)", "{app:?}");
    // printPod: the terminated reason of an exit-0 run under Never.
    assert_eq!(&row("tmp")[1..4], ["0/1", "Completed", "0"]);
    assert_eq!(&row("missing")[1..4], ["0/1", "ImagePullBackOff", "0"]);
    let events = r.events();
    assert!(events.iter().any(|e| e[6] == "BackOff"
        && e[8].starts_with("Back-off restarting failed container app in pod app-")));
    assert!(events.iter().any(|e| e[8] == "Error: ImagePullBackOff"));
}
