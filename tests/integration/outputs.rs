//! Output schemas (CONTRACT §5) and exit codes (§3).

use super::support::{root, run_file, run_yaml, scenario};

#[test]
fn csv_headers_are_the_contracts() {
    let r = run_file(&root().join("scenarios/quickstart.yaml"), &["--quiet"]);
    assert_eq!(
        r.file("events.csv").lines().next(),
        Some("time,seq,namespace,kind,name,type,reason,source,message")
    );
    // CONTRACT §5's six columns, then `text` (columns are only ever added at the end).
    assert_eq!(
        r.file("timeline.csv").lines().next(),
        Some("time,namespace,kind,name,metric,value,text")
    );
    // `time` has exactly six decimals; `seq` numbers rows from 1.
    for (i, e) in r.events().iter().enumerate() {
        assert_eq!(e[0].split('.').nth(1).map(str::len), Some(6), "{e:?}");
        assert_eq!(e[1], (i + 1).to_string());
        assert!(e[5] == "Normal" || e[5] == "Warning");
    }
}

#[test]
fn a_deployment_gets_a_row_for_every_metric_when_created() {
    let r = run_file(&root().join("scenarios/quickstart.yaml"), &["--quiet"]);
    // CONTRACT §5: on creation each metric of the kind gets a row, in the contract's order.
    let first: Vec<String> = r
        .timeline()
        .into_iter()
        .filter(|row| row[2] == "deployment" && row[3] == "nginx-server")
        .map(|row| row[4].clone())
        .take(7)
        .collect();
    assert_eq!(
        first,
        [
            "exists",
            "desired",
            "replicas",
            "updated_replicas",
            "ready_replicas",
            "available_replicas",
            "unavailable_replicas"
        ]
    );
}

#[test]
fn summary_keys_come_in_the_contracts_order() {
    let r = run_file(&root().join("scenarios/quickstart.yaml"), &["--quiet"]);
    let s = r.file("summary.json");
    let order = [
        "\"format\"",
        "\"scenario\"",
        "\"seed\"",
        "\"duration_us\"",
        "\"events_processed\"",
        "\"passed\"",
        "\"final\"",
        "\"deployments\"",
        "\"steps\"",
        "\"expectations\"",
    ];
    let pos: Vec<usize> = order
        .iter()
        .map(|k| s.find(k).unwrap_or(usize::MAX))
        .collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{s}");
    let v: serde_json::Value = serde_json::from_str(&s).expect("json");
    assert_eq!(v["duration_us"], 300_000_000u64);
    assert_eq!(v["final"]["nodes"], 2);
}

#[test]
fn a_failed_expectation_exits_1_and_says_fail() {
    let s = scenario(
        "fail",
        "30s",
        1,
        "expect:\n- at: 10s\n  that: cluster nodes_ready == 5\n",
    );
    let r = run_yaml(&s, &[], &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("FAIL  ") && l.contains("cluster nodes_ready == 5")),
        "{}",
        r.stdout
    );
    assert!(r.file("summary.json").contains("\"passed\": false"));
}

#[test]
fn outputs_can_be_left_out_but_summary_is_always_written() {
    let r = run_file(
        &root().join("scenarios/quickstart.yaml"),
        &["--quiet", "--outputs", "events"],
    );
    assert!(r.out.join("events.csv").exists());
    assert!(!r.out.join("timeline.csv").exists());
    assert!(r.out.join("summary.json").exists());
    assert!(r.stdout.is_empty(), "--quiet prints nothing on stdout");
}

#[test]
fn a_rerun_into_the_same_folder_leaves_only_its_own_files() {
    // An earlier run wrote every file; the user added two of their own.
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let s = scenario("rerun", "30s", 1, "");
    let path = dir.path().join("scenario.yaml");
    std::fs::write(&path, &s).expect("write");
    let run = |args: &[&str]| {
        let o = std::process::Command::new(super::support::bin())
            .arg("run")
            .arg(&path)
            .arg("--out")
            .arg(&out)
            .arg("--quiet")
            .args(args)
            .output()
            .expect("run kubesim");
        assert_eq!(o.status.code(), Some(0), "{o:?}");
    };
    run(&[]);
    std::fs::write(out.join("notes.txt"), "mine\n").expect("write");
    std::fs::write(out.join("extra.csv"), "a,b\n").expect("write");
    let names = || {
        let mut v: Vec<String> = std::fs::read_dir(&out)
            .expect("read_dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        names(),
        [
            "events.csv",
            "extra.csv",
            "notes.txt",
            "summary.json",
            "timeline.csv",
            "transcript.txt"
        ]
    );
    // Fewer outputs, another seed: timeline.csv and transcript.txt were the earlier run's.
    run(&["--outputs", "events", "--seed", "9"]);
    assert_eq!(
        names(),
        ["events.csv", "extra.csv", "notes.txt", "summary.json"]
    );
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).expect("kept"),
        "mine\n"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).expect("read"))
            .expect("json");
    assert_eq!(summary["seed"], 9, "the new run's summary");
    run(&["--outputs", "summary"]);
    assert_eq!(names(), ["extra.csv", "notes.txt", "summary.json"]);
}

#[test]
fn pod_rows_give_phase_and_node_as_a_number_and_its_word() {
    // docs/outputs.md: a pod's `phase` is 0 Pending, 1 Running, 2 Succeeded, 3 Failed with the
    // phase in `text`; `node` is 1 with the node's name once bound. A pod runs only after the
    // scheduler bound it, and a binding never changes (pods/binding is write-once).
    let r = run_file(&root().join("scenarios/quickstart.yaml"), &["--quiet"]);
    let rows = r.timeline();
    let nodes: std::collections::BTreeSet<&str> = rows
        .iter()
        .filter(|row| row[2] == "node")
        .map(|row| row[3].as_str())
        .collect();
    // Per pod: when and where it was bound, and when it first ran (compared per instant: a
    // pod created bound and running at t=0 gets both rows at 0).
    let mut bound: std::collections::BTreeMap<&str, (f64, &str)> = Default::default();
    let mut ran: std::collections::BTreeMap<&str, f64> = Default::default();
    for row in rows.iter().filter(|row| row[2] == "pod") {
        let (pod, metric, value, text) = (row[3].as_str(), &row[4], &row[5], row[6].as_str());
        let time: f64 = row[0].parse().unwrap();
        match metric.as_str() {
            "phase" => {
                let want =
                    ["Pending", "Running", "Succeeded", "Failed"][value.parse::<usize>().unwrap()];
                assert_eq!(text, want, "{row:?}");
                if text == "Running" {
                    ran.entry(pod).or_insert(time);
                }
            }
            "node" if value == "1" => {
                assert!(nodes.contains(text), "{row:?} names no node");
                assert!(
                    bound.insert(pod, (time, text)).is_none(),
                    "{pod} bound twice"
                );
            }
            "node" => assert_eq!((value.as_str(), text), ("0", ""), "{row:?}"),
            _ => assert_eq!(text, "", "{row:?}"),
        }
    }
    for (pod, t) in &ran {
        let (b, _) = bound
            .get(pod)
            .unwrap_or_else(|| panic!("{pod} ran unbound"));
        assert!(b <= t, "{pod} ran at {t} before it was bound at {b}");
    }
    let running = ran.len();
    assert!(
        running >= 6,
        "the quickstart's six nginx pods run: {running}"
    );
}
