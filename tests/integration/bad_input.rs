//! Bad input: exit 2, a message with file, line, column and field path, no output folder
//! (CONTRACT §3).

use super::support::{run_yaml, scenario};

#[test]
fn an_unknown_scenario_key_is_reported_with_its_line_and_no_folder_is_made() {
    let text = "name: bad\nduration: 1m\nsteeps: []\n";
    let r = run_yaml(text, &[], &[]);
    assert_eq!(r.code, 2);
    assert!(!r.out.exists(), "no output folder on bad input");
    assert!(r.stderr.contains("scenario.yaml:3:1"), "{}", r.stderr);
    assert!(r.stderr.contains("steps"), "did-you-mean: {}", r.stderr);
}

#[test]
fn a_manifest_with_an_unknown_field_names_file_line_and_path() {
    let manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicaz: 3\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx}]}\n";
    let s = scenario(
        "bad",
        "1m",
        1,
        "steps:\n- at: 1s\n  run: kubectl apply -f web.yaml\n",
    );
    let r = run_yaml(&s, &[("web.yaml", manifest)], &[]);
    assert_eq!(r.code, 2);
    // reference §7.5: strict decoding names `unknown field "spec.replicaz"`.
    assert!(r.stderr.contains("web.yaml:6:3"), "{}", r.stderr);
    assert!(
        r.stderr.contains("unknown field \"spec.replicaz\""),
        "{}",
        r.stderr
    );
    assert!(!r.out.exists());
}

#[test]
fn every_problem_is_reported_not_only_the_first() {
    let s = "name: bad\nduration: 5 minutes\nseed: -1\n";
    let r = run_yaml(s, &[], &[]);
    assert_eq!(r.code, 2);
    // Go's own message for the duration (time.ParseDuration) and the seed's type.
    assert!(
        r.stderr
            .contains("time: unknown unit \" minutes\" in duration \"5 minutes\""),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(":3:"),
        "the seed problem on line 3 too: {}",
        r.stderr
    );
}

#[test]
fn a_missing_manifest_file_is_bad_input() {
    let s = scenario(
        "bad",
        "1m",
        1,
        "steps:\n- at: 1s\n  run: kubectl apply -f nope.yaml\n",
    );
    let r = run_yaml(&s, &[], &[]);
    assert_eq!(r.code, 2);
    // kubectl: `error: the path "nope.yaml" does not exist`.
    assert!(
        r.stderr.contains("the path \"nope.yaml\" does not exist"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_api_version_no_cluster_serves_gets_kubectls_message() {
    let s = scenario(
        "bad",
        "1m",
        1,
        "steps:\n- at: 1s\n  apply: |\n    apiVersion: extensions/v1beta1\n    kind: Deployment\n    metadata: {name: x}\n",
    );
    let r = run_yaml(&s, &[], &[]);
    assert_eq!(r.code, 2);
    // reference §7.6.
    assert!(
        r.stderr
            .contains("no matches for kind \"Deployment\" in version \"extensions/v1beta1\""),
        "{}",
        r.stderr
    );
    // The inline manifest's problem points into the scenario file: line 10 holds apiVersion.
    assert!(r.stderr.contains("scenario.yaml:10:"), "{}", r.stderr);
}

#[test]
fn an_unknown_flag_is_bad_input_with_kubectls_wording() {
    let s = scenario(
        "bad",
        "1m",
        1,
        "steps:\n- at: 1s\n  run: kubectl get pods --colour\n",
    );
    let r = run_yaml(&s, &[], &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown flag: --colour"), "{}", r.stderr);
}

#[test]
fn a_step_at_or_after_the_duration_is_bad_input() {
    let s = scenario(
        "bad",
        "1m",
        1,
        "steps:\n- at: 1m\n  run: kubectl get pods\n",
    );
    let r = run_yaml(&s, &[], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}
