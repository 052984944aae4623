//! `kubectl get --watch` / `--watch-only` (issue 7 Commands; kubectl get.go `watch`,
//! reference §6.10): the list, then one row per change at the virtual time it is delivered,
//! one header, widths that only grow, until `stopAfter`.

use super::support::{run_yaml, scenario};

/// Every output line of the step whose command is `command`, its `(continued)` blocks
/// included, in transcript order.
fn step_lines(transcript: &str, command: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for l in transcript.lines() {
        if l.starts_with("[t=") {
            inside = l.ends_with(&format!("$ {command}")) && !l.contains("(stopped)");
            continue;
        }
        if inside && !l.is_empty() {
            out.push(l.to_string());
        }
    }
    out
}

/// Runs `steps` on one node for a minute (it must pass) and returns the transcript and the
/// output lines of the step running `command`.
fn watched(name: &str, steps: &str, command: &str) -> (String, Vec<String>) {
    let run = run_yaml(&scenario(name, "1m", 1, steps), &[], &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let t = run.file("transcript.txt");
    let lines = step_lines(&t, command);
    (t, lines)
}

/// The STATUS cells (third column) of the rows of pods whose name starts with `prefix`, with
/// repeats of the same cell collapsed.
fn statuses(lines: &[String], skip: &str) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for l in lines
        .iter()
        .filter(|l| !l.starts_with("NAME ") && !l.starts_with(skip))
    {
        let status = l.split_whitespace().nth(2).unwrap_or("").to_string();
        if v.last() != Some(&status) {
            v.push(status);
        }
    }
    v
}

const STEPS: &str = "steps:
- at: 0s
  run: kubectl create deployment web --image=nginx --replicas=1
- at: 20s
  run: kubectl get pods -w
  stopAfter: 30s
- at: 25s
  run: kubectl scale deployment web --replicas=2
- at: 40s
  run: kubectl scale deployment web --replicas=1
";

#[test]
fn a_scale_up_prints_the_list_then_the_new_pod_from_pending_to_running() {
    let run = run_yaml(&scenario("watch", "1m", 1, STEPS), &[], &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let t = run.file("transcript.txt");
    let lines = step_lines(&t, "kubectl get pods -w");
    // get.go prints the list (header + the one pod) and flushes; then rows only.
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(header, ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
    assert_eq!(lines.iter().filter(|l| l.starts_with("NAME ")).count(), 1);
    let first = lines[1].clone();
    assert!(
        first.contains(" 1/1 ") && first.contains(" Running "),
        "{first}"
    );
    let old = first.split_whitespace().next().unwrap().to_string();
    // The new pod: created Pending (unbound, then bound), the kubelet's ContainerCreating
    // while the image is pulled and the container started, then Running (printPod STATUS,
    // reference §3.1); the old pod has no change until the scale-down.
    let new: Vec<String> = lines[2..]
        .iter()
        .filter(|l| !l.starts_with(&old))
        .cloned()
        .collect();
    let seq = statuses(&new, &old);
    assert_eq!(seq[..3], ["Pending", "ContainerCreating", "Running"], "{t}");
    // The scale-down deletes the newest pod (ReplicaSet ranking); it prints Terminating and
    // its last row on deletion.
    assert_eq!(seq.last().map(String::as_str), Some("Terminating"), "{t}");
    // RememberWidths: rows before the first ContainerCreating keep STATUS at the list's
    // width (max(6, len("Running") + 3) = 10); that row and later ones are wider.
    let pending = new.iter().find(|l| l.contains("Pending")).unwrap();
    assert!(pending.contains(" Pending   0 "), "{pending}");
    let creating = new
        .iter()
        .find(|l| l.contains("ContainerCreating"))
        .unwrap();
    assert!(creating.contains(" ContainerCreating   0 "), "{creating}");
    let running = new.iter().find(|l| l.contains(" Running ")).unwrap();
    assert!(running.contains(" Running             0 "), "{running}");
    // The watch never exits on its own: stopAfter stops it (exit code null).
    assert!(
        t.contains("[t=50.000] (stopped) $ kubectl get pods -w"),
        "{t}"
    );
    let s: serde_json::Value = serde_json::from_str(&run.file("summary.json")).unwrap();
    assert_eq!(s["steps"][1]["exit_code"], serde_json::Value::Null);
}

#[test]
fn watch_only_prints_changes_alone_and_the_selector_filters_them() {
    let steps = "steps:
- at: 0s
  run: kubectl create deployment web --image=nginx --replicas=1
- at: 0s
  run: kubectl create deployment db --image=nginx --replicas=1
- at: 20s
  run: kubectl get pods --watch-only -l app=web
  stopAfter: 20s
- at: 25s
  run: kubectl scale deployment web --replicas=2
- at: 25s
  run: kubectl scale deployment db --replicas=2
";
    let (t, lines) = watched(
        "watch-only",
        steps,
        "kubectl get pods --watch-only -l app=web",
    );
    // No list: the first output is the header printed with the first change (after 25 s).
    assert!(lines[0].starts_with("NAME "), "{t}");
    assert!(
        t.contains("[t=20.000] $ kubectl get pods --watch-only -l app=web\n\n"),
        "{t}"
    );
    assert!(lines.len() >= 4, "{t}");
    for l in &lines[1..] {
        assert!(l.starts_with("web-"), "{l}");
    }
    // Only the new pod changes; the existing web pod prints no row.
    let names: std::collections::BTreeSet<&str> = lines[1..]
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(names.len(), 1, "{t}");
}

#[test]
fn watch_with_o_name_prints_one_name_per_change() {
    let steps = "steps:
- at: 0s
  run: kubectl create deployment web --image=nginx --replicas=1
- at: 20s
  run: kubectl get deployments -w -o name
  stopAfter: 20s
- at: 25s
  run: kubectl scale deployment web --replicas=2
";
    let (t, lines) = watched("watch-name", steps, "kubectl get deployments -w -o name");
    // The list, then the scale (spec) and the controller's status writes.
    assert!(lines.len() >= 3, "{t}");
    assert!(lines.iter().all(|l| l == "deployment.apps/web"), "{t}");
}

#[test]
fn watch_refuses_several_types_and_several_names_as_kubectl_does() {
    // cli-runtime builder.go SingleResourceType and result.go Watch.
    for (cmd, msg) in [
        (
            "kubectl get pods,services -w",
            "you may only specify a single resource type",
        ),
        (
            "kubectl get pod a b -w",
            "watch is only supported on individual resources and resource collections, but 2 resources were found",
        ),
    ] {
        let steps = format!("steps:\n- at: 0s\n  run: {cmd}\n");
        let run = run_yaml(&scenario("watch-bad", "1m", 1, &steps), &[], &[]);
        assert_eq!(run.code, 2, "{cmd}: {}", run.stderr);
        assert!(run.stderr.contains(msg), "{cmd}: {}", run.stderr);
    }
}
