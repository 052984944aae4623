//! Bad input (CONTRACT §3): exit 2, no output folder (an existing one left as it was), and
//! per problem a diagnostic whose first line is `FILE:LINE:COL: error: PATH: MESSAGE` (for an
//! inline manifest, the line in the scenario file), then the offending line with a caret, then
//! `help:` when there is a suggestion. One test per class of mistake; the expected text is
//! Kubernetes', kubectl's or Go's own wording, cited above each assertion.

use super::support::{Run, bin, run_yaml, scenario};
use std::process::Command;

/// Asserts bad input (exit 2, no output folder) and returns stderr with the temporary
/// folder's path removed, so file names read as the scenario wrote them.
fn rejected(r: &Run) -> String {
    assert_eq!(r.code, 2, "exit code; stderr:\n{}", r.stderr);
    assert!(!r.out.exists(), "bad input creates no output folder");
    let dir = r.out.parent().expect("temporary folder");
    r.stderr.replace(&format!("{}/", dir.display()), "")
}

/// The first line of every diagnostic.
fn headlines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| !l.starts_with(' ') && l.contains(": error: "))
        .collect()
}

/// The `help:` of the diagnostic whose first line starts with `start`.
fn help_of<'a>(stderr: &'a str, start: &str) -> Option<&'a str> {
    let mut lines = stderr.lines().skip_while(|l| !l.starts_with(start));
    lines.next()?;
    lines
        .take_while(|l| l.starts_with(' '))
        .find_map(|l| l.strip_prefix("  help: "))
}

/// Runs `kubesim ARGS` in a temporary folder holding `files`; returns exit code and stderr.
fn kubesim_in(files: &[(&str, &str)], args: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write file");
    }
    let o = Command::new(bin())
        .args(args)
        .current_dir(dir.path())
        .output()
        .expect("run kubesim");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// A scenario whose steps `kubectl apply -f` each file, one step per file.
fn applying(files: &[&str]) -> String {
    let steps: String = files
        .iter()
        .enumerate()
        .map(|(i, f)| format!("- at: {}s\n  run: kubectl apply -f {f}\n", i + 1))
        .collect();
    scenario("bad", "1m", 1, &format!("steps:\n{steps}"))
}

/// A valid Deployment, with `replicas:` on line 6 and the pod template's labels on line 12.
fn deployment(name: &str, replicas: &str, selector_app: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {selector_app}\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n"
    )
}

#[test]
fn the_diagnostic_layout_is_a_greppable_headline_the_line_with_a_caret_and_help() {
    let r = run_yaml("name: bad\nduration: 1m\nsteeps: []\n", &[], &[]);
    let err = rejected(&r);
    // CONTRACT §1: unknown keys are bad input, with a did-you-mean. No colour, no wrapping:
    // the bytes are the same on a terminal and in a pipe.
    assert_eq!(
        err,
        "scenario.yaml:3:1: error: steeps: unknown field\n   \u{256d}\u{2500}\u{2500}\u{2500}\u{2500}\n 2 \u{2502} duration: 1m\n 3 \u{2502} steeps: []\n   \u{b7} \u{2500}\u{2500}\u{2500}\u{2500}\u{2500}\u{2500}\n   \u{2570}\u{2500}\u{2500}\u{2500}\u{2500}\n  help: did you mean \"steps\"?\n"
    );
    assert!(!err.contains('\u{1b}'), "no ANSI escapes");
}

#[test]
fn text_that_is_not_yaml_is_reported_where_the_parser_stopped() {
    // go-yaml scannerc.go: "mapping values are not allowed in this context", prefixed
    // `yaml: line N: ` as go-yaml's decoder does.
    let r = run_yaml("name: bad\nduration: 1m\n  foo: [\n", &[], &[]);
    assert_eq!(
        headlines(&rejected(&r)),
        ["scenario.yaml:3:6: error: yaml: line 3: mapping values are not allowed in this context"]
    );

    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: app: web\n";
    let r = run_yaml(&applying(&["pod.yaml"]), &[("pod.yaml", pod)], &[]);
    assert_eq!(
        headlines(&rejected(&r)),
        ["pod.yaml:5:14: error: yaml: line 5: mapping values are not allowed in this context"]
    );
}

#[test]
fn a_scalar_where_a_map_belongs_and_the_reverse_get_the_decoders_type_error() {
    // encoding/json UnmarshalTypeError.Error: "json: cannot unmarshal <value> into Go struct
    // field <Struct>.<path> of type <type>", as the API server's decoder returns it.
    let spec_scalar = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec: 3\n";
    let replicas_map = deployment("web", "{a: 1}", "web");
    let r = run_yaml(
        &applying(&["a.yaml", "b.yaml"]),
        &[("a.yaml", spec_scalar), ("b.yaml", &replicas_map)],
        &[],
    );
    assert_eq!(
        headlines(&rejected(&r)),
        [
            "a.yaml:5:7: error: spec: json: cannot unmarshal number into Go struct field Deployment.spec of type v1.DeploymentSpec",
            "b.yaml:6:13: error: spec.replicas: json: cannot unmarshal object into Go struct field DeploymentSpec.spec.replicas of type int32",
        ]
    );

    // The scenario file's own types, in the OpenAPI validator's words (`must be of type`).
    let r = run_yaml(
        "name: bad\nduration: 1m\ncluster: [a, b]\nsteps:\n  at: 1s\n",
        &[],
        &[],
    );
    assert_eq!(
        headlines(&rejected(&r)),
        [
            "scenario.yaml:3:10: error: cluster: Invalid value: \"array\": must be of type object",
            "scenario.yaml:5:3: error: steps: Invalid value: \"object\": must be of type array",
        ]
    );
}

#[test]
fn a_duplicate_key_is_reported_at_the_second_one_even_inside_an_inline_manifest() {
    // go-yaml v2 decode.go (strict, as sigs.k8s.io/yaml reads for kubectl):
    // `key "name" already set in map`; kubesim adds where the first one is.
    let r = run_yaml("name: bad\nname: worse\nduration: 1m\n", &[], &[]);
    assert_eq!(
        headlines(&rejected(&r)),
        ["scenario.yaml:2:1: error: yaml: key \"name\" already set in map (first set at line 1)"]
    );

    // Lines 9 and 10 of the scenario, not lines 4 and 5 of the inline text.
    let s = "name: bad\nduration: 1m\nsteps:\n- at: 1s\n  apply: |\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: a\n      name: b\n";
    let r = run_yaml(s, &[], &[]);
    assert_eq!(
        headlines(&rejected(&r)),
        ["scenario.yaml:10:7: error: yaml: key \"name\" already set in map (first set at line 9)"]
    );
}

#[test]
fn an_unknown_field_gets_strict_decodings_message_and_a_did_you_mean() {
    // reference §7.5: strict decoding names `unknown field "spec.replicaz"`.
    let manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicaz: 3\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx}]}\n";
    let r = run_yaml(&applying(&["web.yaml"]), &[("web.yaml", manifest)], &[]);
    let err = rejected(&r);
    assert_eq!(
        headlines(&err),
        ["web.yaml:6:3: error: spec.replicaz: unknown field \"spec.replicaz\""]
    );
    assert_eq!(
        help_of(&err, "web.yaml:6:3"),
        Some("did you mean \"replicas\"?")
    );

    let r = run_yaml(
        "name: bad\nduration: 1m\ncluster:\n  nodePools:\n  - name: pool1\n    cont: 2\n",
        &[],
        &[],
    );
    let err = rejected(&r);
    assert_eq!(
        headlines(&err),
        ["scenario.yaml:6:5: error: cluster.nodePools[0].cont: unknown field"]
    );
    assert_eq!(
        help_of(&err, "scenario.yaml:6:5"),
        Some("did you mean \"count\"?")
    );
}

#[test]
fn a_missing_required_field_is_a_required_value_at_its_parent() {
    // core validation validateContainers: field.Required(path.Child("image"), ""); a
    // Required error prints no value (reference §7.3).
    let pod =
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n";
    let r = run_yaml(&applying(&["pod.yaml"]), &[("pod.yaml", pod)], &[]);
    assert_eq!(
        headlines(&rejected(&r)),
        ["pod.yaml:7:5: error: spec.containers[0].image: Required value"]
    );

    // CONTRACT §1: name is required.
    let r = run_yaml("duration: 1m\n", &[], &[]);
    assert_eq!(
        headlines(&rejected(&r)),
        ["scenario.yaml:1:1: error: name: Required value: a scenario needs a name"]
    );
}

#[test]
fn names_are_checked_by_the_rule_of_their_kind_with_kubernetes_message() {
    // apimachinery pkg/util/validation/validation.go: IsDNS1123Subdomain for Deployments,
    // IsDNS1035Label for Services (ValidateServiceName), IsDNS1123Label for Namespaces
    // (ValidateNamespaceName); RegexError appends the examples and the regex.
    let deploy = deployment("Web_1", "1", "web");
    let svc =
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: My.Svc\nspec:\n  ports:\n  - port: 80\n";
    let ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: Team_A\n";
    let r = run_yaml(
        &applying(&["deploy.yaml", "svc.yaml", "ns.yaml"]),
        &[("deploy.yaml", &deploy), ("svc.yaml", svc), ("ns.yaml", ns)],
        &[],
    );
    assert_eq!(
        headlines(&rejected(&r)),
        [
            "deploy.yaml:4:9: error: metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            "svc.yaml:4:9: error: metadata.name: Invalid value: \"My.Svc\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
            "ns.yaml:4:9: error: metadata.name: Invalid value: \"Team_A\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        ]
    );
}

#[test]
fn invalid_labels_and_selectors_point_at_the_entry_or_field_at_fault() {
    // apimachinery meta/v1/validation ValidateLabels: a key fails IsQualifiedName ("name
    // part " + RegexError), a value IsValidLabelValue; both name the map `metadata.labels`.
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  labels:\n    \"-bad-\": x\n    tier: \"a b\"\n";
    let r = run_yaml(&applying(&["cm.yaml"]), &[("cm.yaml", cm)], &[]);
    let err = rejected(&r);
    let lines = headlines(&err);
    assert!(lines.contains(&"cm.yaml:6:5: error: metadata.labels: Invalid value: \"-bad-\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"), "{err}");
    assert!(lines.contains(&"cm.yaml:7:5: error: metadata.labels: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"), "{err}");
    assert_eq!(lines.len(), 2, "{err}");

    // ValidateLabelSelectorRequirement: "not a valid selector operator"; then apps
    // ValidateDeploymentSpec: LabelSelectorAsSelector fails, "invalid label selector", the
    // value as JSON (reference §7.3, apimachinery ≥ 1.34).
    let sel = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchExpressions:\n    - key: app\n      operator: Equals\n      values: [web]\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n";
    let r = run_yaml(&applying(&["sel.yaml"]), &[("sel.yaml", sel)], &[]);
    assert_eq!(
        headlines(&rejected(&r)),
        [
            "sel.yaml:9:17: error: spec.selector.matchExpressions[0].operator: Invalid value: \"Equals\": not a valid selector operator",
            "sel.yaml:7:5: error: spec.selector: Invalid value: {\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"Equals\",\"values\":[\"web\"]}]}: invalid label selector",
        ]
    );

    // A `-l` selector: apimachinery labels selector.go parser, "unable to parse requirement:
    // found '', expected: ',' or ')'" (kubectl prints it after `error: `); the caret under
    // the selector.
    let s = scenario(
        "bad",
        "1m",
        1,
        "steps:\n- at: 1s\n  run: kubectl get pods -l 'app in (a'\n",
    );
    let r = run_yaml(&s, &[], &[]);
    assert_eq!(
        headlines(&rejected(&r)),
        [
            "scenario.yaml:9:29: error: steps[0].run: unable to parse requirement: found '', expected: ',' or ')'"
        ]
    );
}

#[test]
fn a_selector_that_does_not_match_the_template_gets_kubernetes_message() {
    // apps validation ValidatePodTemplateSpecForReplicaSet; reference §7.4 [server ≥ 1.34].
    let r = run_yaml(
        &applying(&["web.yaml"]),
        &[("web.yaml", &deployment("web", "1", "other"))],
        &[],
    );
    assert_eq!(
        headlines(&rejected(&r)),
        [
            "web.yaml:13:9: error: spec.template.metadata.labels: Invalid value: {\"app\":\"web\"}: `selector` does not match template `labels`"
        ]
    );
}

#[test]
fn a_bad_quantity_gets_apimachinerys_message_and_the_spelling_meant() {
    // apimachinery resource/quantity.go ErrFormatWrong; suffixes from resource/suffix.go
    // (decimal G, binary Gi; CPU in cores without a unit).
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: nginx\n    resources:\n      requests:\n        cpu: 2 cores\n        memory: 1GB\n";
    let r = run_yaml(&applying(&["pod.yaml"]), &[("pod.yaml", pod)], &[]);
    let err = rejected(&r);
    let regex = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    assert_eq!(
        headlines(&err),
        [
            format!("pod.yaml:11:14: error: spec.containers[0].resources.requests[cpu]: {regex}"),
            format!(
                "pod.yaml:12:17: error: spec.containers[0].resources.requests[memory]: {regex}"
            ),
        ]
    );
    assert_eq!(help_of(&err, "pod.yaml:11:14"), Some("did you mean \"2\"?"));
    assert_eq!(
        help_of(&err, "pod.yaml:12:17"),
        Some("did you mean \"1G\" (powers of 1000) or \"1Gi\" (powers of 1024)?")
    );

    // A node pool's capacity override in the scenario, same rule.
    let r = run_yaml(
        "name: bad\nduration: 1m\ncluster:\n  nodePools:\n  - name: pool1\n    cpu: 2 cores\n",
        &[],
        &[],
    );
    assert_eq!(
        headlines(&rejected(&r)),
        [format!(
            "scenario.yaml:6:10: error: cluster.nodePools[0].cpu: Invalid value: \"2 cores\": {regex}"
        )]
    );
}

#[test]
fn a_bad_duration_gets_gos_message_and_the_spelling_meant() {
    // Go time/format.go ParseDuration: `time: unknown unit " minutes" in duration
    // "5 minutes"`; units ns us µs ms s m h, no days (CONTRACT §1).
    let r = run_yaml("name: bad\nduration: 5 minutes\n", &[], &[]);
    let err = rejected(&r);
    assert_eq!(
        headlines(&err),
        [
            "scenario.yaml:2:11: error: duration: Invalid value: \"5 minutes\": time: unknown unit \" minutes\" in duration \"5 minutes\""
        ]
    );
    assert!(
        help_of(&err, "scenario.yaml:2:11").is_some_and(|h| h.starts_with("did you mean \"5m\"?")),
        "{err}"
    );

    let s = "name: bad\nduration: 1m\nsteps:\n- at: 1d\n  run: kubectl get pods\nexpect:\n- within: 5 minutes\n  that: cluster nodes_ready == 3\n";
    let r = run_yaml(s, &[], &[]);
    let err = rejected(&r);
    assert_eq!(
        headlines(&err),
        [
            "scenario.yaml:4:7: error: steps[0].at: Invalid value: \"1d\": time: unknown unit \"d\" in duration \"1d\"",
            "scenario.yaml:7:11: error: expect[0].within: Invalid value: \"5 minutes\": time: unknown unit \" minutes\" in duration \"5 minutes\"",
        ]
    );
    assert!(
        help_of(&err, "scenario.yaml:4:7").is_some_and(|h| h.starts_with("did you mean \"24h\"?")),
        "{err}"
    );
}

#[test]
fn a_bad_cidr_gets_gos_message() {
    // Go net.ParseCIDR: ParseError{Type: "CIDR address"} → "invalid CIDR address: <text>".
    let r = run_yaml(
        "name: bad\nduration: 1m\ncluster:\n  podCidr: 10.244.0.0/33\n  serviceCidr: 10.0.0.1/16\n",
        &[],
        &[],
    );
    let err = rejected(&r);
    let lines = headlines(&err);
    assert_eq!(
        lines.first(),
        Some(&"scenario.yaml:4:12: error: cluster.podCidr: invalid CIDR address: 10.244.0.0/33"),
        "{err}"
    );
    // A prefix with host bits set is not a network: the message names the one meant.
    assert!(
        lines.iter().any(|l| l.starts_with(
            "scenario.yaml:5:16: error: cluster.serviceCidr: 10.0.0.1/16 has host bits set"
        ) && l.ends_with("10.0.0.0/16")),
        "{err}"
    );
}

#[test]
fn replicas_must_be_non_negative_and_fit_in_int32() {
    // apps ValidateDeploymentSpec → ValidateNonnegativeField (IsNegativeErrorMsg, reference
    // §7.4); beyond int32 the decoder fails first (encoding/json UnmarshalTypeError).
    let r = run_yaml(
        &applying(&["neg.yaml", "big.yaml"]),
        &[
            ("neg.yaml", &deployment("neg", "-1", "web")),
            ("big.yaml", &deployment("big", "3000000000", "web")),
        ],
        &[],
    );
    assert_eq!(
        headlines(&rejected(&r)),
        [
            "neg.yaml:6:13: error: spec.replicas: Invalid value: -1: must be greater than or equal to 0",
            "big.yaml:6:13: error: spec.replicas: json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32",
        ]
    );
}

#[test]
fn an_api_version_no_cluster_serves_gets_kubectls_message() {
    // reference §7.6, NoKindMatchError: `no matches for kind "Deployment" in version
    // "extensions/v1beta1"`. The inline manifest's problem points into the scenario file:
    // line 10 holds apiVersion, its value at column 17.
    let s = scenario(
        "bad",
        "1m",
        1,
        "steps:\n- at: 1s\n  apply: |\n    apiVersion: extensions/v1beta1\n    kind: Deployment\n    metadata: {name: x}\n",
    );
    let r = run_yaml(&s, &[], &[]);
    let err = rejected(&r);
    assert_eq!(
        headlines(&err),
        [
            "scenario.yaml:10:17: error: no matches for kind \"Deployment\" in version \"extensions/v1beta1\""
        ]
    );
    assert_eq!(
        help_of(&err, "scenario.yaml:10:17"),
        Some("Deployment is served as apps/v1")
    );

    // A misspelt kind: one swapped pair of letters is one edit.
    let r = run_yaml(
        &applying(&["pod.yaml"]),
        &[(
            "pod.yaml",
            "apiVersion: v1\nkind: Pdo\nmetadata:\n  name: p\n",
        )],
        &[],
    );
    let err = rejected(&r);
    assert_eq!(
        headlines(&err),
        ["pod.yaml:1:13: error: no matches for kind \"Pdo\" in version \"v1\""]
    );
    assert_eq!(
        help_of(&err, "pod.yaml:1:13"),
        Some("did you mean \"Pod\"?")
    );
}

#[test]
fn a_missing_file_is_named_with_the_step_that_names_it() {
    // kubectl (cli-runtime resource builder): `the path "nope.yaml" does not exist`; the
    // caret under the path in the step's command line.
    let s = scenario(
        "bad",
        "1m",
        1,
        "steps:\n- at: 1s\n  run: kubectl apply -f nope.yaml\n",
    );
    let r = run_yaml(&s, &[], &[]);
    assert_eq!(
        headlines(&rejected(&r)),
        ["scenario.yaml:9:25: error: steps[0].run: the path \"nope.yaml\" does not exist"]
    );

    // No position to give: the file alone, in the same layout.
    let (code, err) = kubesim_in(&[], &["run", "missing.yaml"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "missing.yaml: error: the path \"missing.yaml\" does not exist\n"
    );
    let (code, err) = kubesim_in(&[], &["validate", "missing.yaml"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "missing.yaml: error: the path \"missing.yaml\" does not exist\n"
    );
}

#[test]
fn steps_and_expectation_windows_at_or_after_the_duration_are_bad_input() {
    // CONTRACT §3: a step or expectation window at or after `duration`.
    let s = "name: bad\nduration: 1m\nsteps:\n- at: 1m\n  run: kubectl get pods\nexpect:\n- at: 2m\n  that: cluster nodes_ready == 3\n- during: 30s..1m\n  that: cluster nodes_ready == 3\n";
    let r = run_yaml(s, &[], &[]);
    assert_eq!(
        headlines(&rejected(&r)),
        [
            "scenario.yaml:4:7: error: steps[0].at: Invalid value: \"1m\": 1m is at or after the scenario's duration 1m",
            "scenario.yaml:7:7: error: expect[0].at: Invalid value: \"2m\": 2m is at or after the scenario's duration 1m",
            "scenario.yaml:9:11: error: expect[1].during: Invalid value: \"30s..1m\": 1m is at or after the scenario's duration 1m",
        ]
    );
}

#[test]
fn an_unknown_command_or_flag_points_at_the_word_and_shows_the_usage() {
    // cobra command.go: `unknown command "frobnicate" for "kubectl"` (with suggestions within
    // two edits); pflag flag.go: `unknown flag: --colour`. kubectl's `See 'kubectl get
    // --help'` becomes the usage kubesim accepts.
    let s = scenario(
        "bad",
        "1m",
        1,
        "steps:\n- at: 1s\n  run: kubectl frobnicate pods\n- at: 2s\n  run: kubectl get pods --colour\n- at: 3s\n  run: kubectl delte pod x\n",
    );
    let r = run_yaml(&s, &[], &[]);
    let err = rejected(&r);
    assert_eq!(
        headlines(&err),
        [
            "scenario.yaml:9:16: error: steps[0].run: unknown command \"frobnicate\" for \"kubectl\"",
            "scenario.yaml:11:25: error: steps[1].run: unknown flag: --colour",
            "scenario.yaml:13:16: error: steps[2].run: unknown command \"delte\" for \"kubectl\"",
        ]
    );
    assert_eq!(
        help_of(&err, "scenario.yaml:9:16"),
        Some(
            "kubesim runs: kubectl apply, create deployment, create namespace, delete, describe, get, run, scale, label, annotate, patch, wait, set image, rollout status|history|undo|pause|resume|restart, cordon, uncordon, drain"
        )
    );
    assert_eq!(
        help_of(&err, "scenario.yaml:11:25"),
        Some(
            "usage: kubectl get KIND[,KIND...][/NAME] [NAME...] [-n NS | -A] [-o wide|name] [-l SELECTOR] [--show-labels] [-w | --watch-only]"
        )
    );
    assert_eq!(
        help_of(&err, "scenario.yaml:13:16"),
        Some("did you mean \"delete\"?")
    );
}

#[test]
fn every_problem_is_reported_not_only_the_first() {
    let s = "name: bad\nduration: 5 minutes\nseed: -1\n";
    let r = run_yaml(s, &[], &[]);
    let err = rejected(&r);
    let lines = headlines(&err);
    // Go's own message for the duration (time.ParseDuration) and the seed's range.
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].starts_with("scenario.yaml:2:11: error: duration: Invalid value: \"5 minutes\": time: unknown unit \" minutes\" in duration \"5 minutes\""),
        "{err}"
    );
    assert!(
        lines[1].starts_with("scenario.yaml:3:7: error: seed: "),
        "{err}"
    );
}

#[test]
fn an_existing_output_folder_is_left_as_it_was() {
    let r = run_yaml(
        "name: bad\nduration: 1m\nsteeps: []\n",
        &[("out/keep.txt", "mine")],
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let names: Vec<String> = std::fs::read_dir(&r.out)
        .expect("the folder is still there")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["keep.txt"]);
    assert_eq!(
        std::fs::read_to_string(r.out.join("keep.txt")).expect("read"),
        "mine"
    );
}

#[test]
fn validate_reports_every_file_in_the_same_format_as_run() {
    let manifest = deployment("web", "-1", "web");
    let scenario_text = "name: bad\nduration: 1m\nsteeps: []\n";
    let (code, err) = kubesim_in(
        &[("a.yaml", &manifest), ("b.yaml", scenario_text)],
        &["validate", "a.yaml", "b.yaml"],
    );
    assert_eq!(code, 2, "{err}");
    let expected_manifest =
        "a.yaml:6:13: error: spec.replicas: Invalid value: -1: must be greater than or equal to 0";
    assert_eq!(
        headlines(&err),
        [
            expected_manifest,
            "b.yaml:3:1: error: steeps: unknown field"
        ]
    );
    assert_eq!(help_of(&err, "b.yaml:3:1"), Some("did you mean \"steps\"?"));

    // The same manifest named by a scenario's step reads the same, caret and all.
    let r = run_yaml(&applying(&["a.yaml"]), &[("a.yaml", &manifest)], &[]);
    let run_err = rejected(&r);
    let block = |text: &str| -> String {
        text.lines()
            .skip_while(|l| !l.starts_with("a.yaml:"))
            .take_while(|l| l.starts_with("a.yaml:") || l.starts_with(' '))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(block(&run_err), block(&err));
    assert!(block(&err).starts_with(expected_manifest));
}

#[test]
fn problems_in_the_scenario_its_cluster_commands_and_manifests_are_reported_together() {
    // CONTRACT §3: all problems found are reported, not only the first — a bad scenario key
    // does not hide a bad command line or a bad inline manifest.
    let text = "name: Bad_Name\nduration: 1m\ncluster:\n  networkPlugin: kubnet\nsteps:\n- at: 1s\n  run: kubectl get pods | grep web\n- at: 2s\n  apply: |\n    apiVersion: v1\n    kind: Pod\n    metadata: {name: p}\n    spec: {containers: [{name: c}]}\n";
    let r = run_yaml(text, &[], &[]);
    assert_eq!(r.code, 2);
    for needle in [
        "scenario.yaml:1:7: error: name:",
        "scenario.yaml:4:18: error: cluster.networkPlugin:",
        "scenario.yaml:7:8: error: steps[0].run:",
        "scenario.yaml:13:",
    ] {
        assert!(
            r.stderr.contains(needle),
            "missing {needle:?} in:\n{}",
            r.stderr
        );
    }
}

/// Runs `kubesim ARGS` in `dir`; a run still going after 20 s is killed and fails the test
/// (what reading a named pipe did: it blocked until something wrote to it).
#[cfg(unix)]
fn kubesim_bounded(dir: &std::path::Path, args: &[&str]) -> (i32, String) {
    use std::time::{Duration, Instant};
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run kubesim");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("kubesim {args:?} still running after 20 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let o = child.wait_with_output().expect("output");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[cfg(unix)]
#[test]
fn a_named_pipe_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mkfifo = |name: &str| {
        let ok = Command::new("mkfifo")
            .arg(dir.path().join(name))
            .status()
            .expect("mkfifo");
        assert!(ok.success());
    };
    mkfifo("pipe.yaml");
    std::fs::create_dir(dir.path().join("manifests")).expect("mkdir");
    std::fs::write(
        dir.path().join("manifests/a.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
    )
    .expect("write");
    mkfifo("manifests/b.yaml");
    let s = scenario(
        "fifo",
        "1m",
        1,
        "steps:\n- at: 1s\n  run: kubectl apply -f pipe.yaml\n- at: 2s\n  run: kubectl apply -f manifests\n",
    );
    std::fs::write(dir.path().join("scenario.yaml"), &s).expect("write");
    let want = [
        "scenario.yaml:9:25: error: steps[0].run: the path \"pipe.yaml\" is not a regular file (a named pipe)",
        "scenario.yaml:11:25: error: steps[1].run: the path \"manifests/b.yaml\" is not a regular file (a named pipe)",
    ];
    // `-f PIPE` and a pipe inside `-f DIR`, in run and in validate.
    for cmd in ["run", "validate"] {
        let (code, err) = kubesim_bounded(dir.path(), &[cmd, "scenario.yaml"]);
        assert_eq!(code, 2, "{cmd}: {err}");
        assert_eq!(headlines(&err), want, "{cmd}: {err}");
    }
    assert!(
        !dir.path().join("results").exists(),
        "bad input creates no output folder"
    );
    // The scenario file itself, and a file `validate` names.
    for cmd in ["run", "validate"] {
        let (code, err) = kubesim_bounded(dir.path(), &[cmd, "pipe.yaml"]);
        assert_eq!(code, 2, "{cmd}: {err}");
        assert_eq!(
            err, "pipe.yaml: error: the path \"pipe.yaml\" is not a regular file (a named pipe)\n",
            "{cmd}"
        );
    }
    // A folder is not a scenario file either.
    let (code, err) = kubesim_bounded(dir.path(), &["validate", "manifests"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "manifests: error: the path \"manifests\" is not a regular file (a directory)\n"
    );
}

#[test]
fn a_node_subnet_too_small_for_the_pools_is_located_alike_by_validate_and_run() {
    // AKS refuses the cluster before it creates the VMs (InsufficientSubnetSize, its own
    // words, Azure/AKS-Construction#701): with Azure CNI each node reserves maxPods + 1 = 31
    // addresses and a /24 gives 251, so the ninth node — the user pool's fourth — does not fit.
    let s = "name: small\nduration: 1m\ncluster:\n  networkPlugin: azure\n  vnetSubnetCidr: 10.224.0.0/24\n  nodePools:\n  - name: system\n    count: 5\n  - name: user\n    mode: User\n    count: 4\n";
    let want = "scenario.yaml:11:12: error: cluster.nodePools[1].count: Pre-allocated IPs 279 exceeds IPs available 251 in Subnet Cidr 10.224.0.0/24, Subnet Name aks-subnet. If Autoscaler is enabled, the max-count from each nodepool is counted towards this total (which means that pre-allocated IPs count represents a theoretical max value, not the actual number of IPs requested). http://aka.ms/aks/insufficientsubnetsize";
    let (code, validated) = kubesim_in(&[("scenario.yaml", s)], &["validate", "scenario.yaml"]);
    assert_eq!(code, 2, "{validated}");
    assert_eq!(headlines(&validated), [want]);
    assert_eq!(
        help_of(&validated, "scenario.yaml:11:12"),
        Some(
            "each node takes maxPods + 1 = 31 addresses of vnetSubnetCidr 10.224.0.0/24, which has 251 to give; a larger vnetSubnetCidr, fewer nodes or a lower maxPods fits"
        )
    );
    let r = run_yaml(s, &[], &[]);
    assert_eq!(rejected(&r), validated, "run reports it as validate does");
    // Eight nodes fit.
    let fits = s.replace("count: 4", "count: 3");
    let (code, err) = kubesim_in(&[("scenario.yaml", &fits)], &["validate", "scenario.yaml"]);
    assert_eq!((code, err.as_str()), (0, ""));

    // No count written: the caret goes under the range that ran out (here the pod CIDR, whose
    // /23 holds two nodes' /24s; the default pool has three).
    let s =
        "name: small\nduration: 1m\ncluster:\n  networkPlugin: kubenet\n  podCidr: 10.244.0.0/23\n";
    let (code, err) = kubesim_in(&[("scenario.yaml", s)], &["validate", "scenario.yaml"]);
    assert_eq!(code, 2);
    assert_eq!(
        headlines(&err),
        [
            "scenario.yaml:5:12: error: cluster.podCidr: Pre-allocated IPs 768 exceeds IPs available 512 in Subnet Cidr 10.244.0.0/23, Subnet Name networkProfile.podCIDR. If Autoscaler is enabled, the max-count from each nodepool is counted towards this total (which means that pre-allocated IPs count represents a theoretical max value, not the actual number of IPs requested). http://aka.ms/aks/insufficientsubnetsize"
        ]
    );
}
