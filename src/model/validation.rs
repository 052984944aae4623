//! Name and label validation with apimachinery's own messages, as the API server's
//! validation returns them.
//!
//! Sources (kubernetes master, 2025): `k8s.io/apimachinery/pkg/api/validate/content`
//! (`IsDNS1123Label`, `IsDNS1123Subdomain`, `IsLabelKey` = `IsQualifiedName`, `IsLabelValue`,
//! `RegexError`, `MaxLenError`, `EmptyError`), `pkg/util/validation/validation.go`
//! (`IsDNS1035Label`), `pkg/apis/meta/v1/validation` (`ValidateLabels`, `ValidateLabelName`),
//! `pkg/util/validation/field` (`Error.Error()`), and the per-kind name functions of
//! `pkg/apis/core/validation` and `pkg/apis/apps/validation`.
//!
//! Simplified: the regular expressions are matched by hand; Go's `%q` quoting of bad values
//! escapes ASCII exactly but only approximates `unicode.IsPrint` beyond ASCII (control,
//! non-ASCII space and zero-width format characters are escaped, everything else is printed).

use std::fmt::Write as _;

use crate::model::kind::Kind;

const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_LABEL_ERR: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_LABEL_MAX: usize = 63;

const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1123_SUBDOMAIN_ERR: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_MAX: usize = 253;

const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";
const DNS1035_LABEL_ERR: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const DNS1035_LABEL_MAX: usize = 63;

const LABEL_KEY_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_KEY_ERR: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_KEY_MAX: usize = 63;

const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const LABEL_VALUE_ERR: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_MAX: usize = 63;

/// `MaxLenError`.
fn max_len_error(length: usize) -> String {
    format!("must be no more than {length} characters")
}

/// `RegexError`: note upstream's `', ` before each ` or `, which yields a double space.
fn regex_error(msg: &str, fmt: &str, examples: &[&str]) -> String {
    let mut out = String::from(msg);
    out.push_str(" (e.g. ");
    for (i, example) in examples.iter().enumerate() {
        if i > 0 {
            out.push_str(" or ");
        }
        let _ = write!(out, "'{example}', ");
    }
    let _ = write!(out, "regex used for validation is '{fmt}')");
    out
}

/// `EmptyError`.
const EMPTY_ERROR: &str = "must be non-empty";

fn is_lower_alnum(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// Matches `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`.
fn matches_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(&first), Some(&last)) => {
            is_lower_alnum(first)
                && is_lower_alnum(last)
                && b.iter().all(|&c| is_lower_alnum(c) || c == b'-')
        }
        _ => false,
    }
}

/// Matches `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`.
fn matches_dns1123_subdomain(s: &str) -> bool {
    s.split('.').all(matches_dns1123_label)
}

/// Matches `^[a-z]([-a-z0-9]*[a-z0-9])?$`.
fn matches_dns1035_label(s: &str) -> bool {
    s.as_bytes().first().is_some_and(u8::is_ascii_lowercase) && matches_dns1123_label(s)
}

/// Matches `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`.
fn matches_label_key_name(s: &str) -> bool {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && b.iter()
                    .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

/// `IsDNS1123Label`: the rule for Namespace names (and DNS labels generally).
pub fn is_dns1123_label(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > DNS1123_LABEL_MAX {
        errs.push(max_len_error(DNS1123_LABEL_MAX));
    }
    if !matches_dns1123_label(s) {
        if matches_dns1123_subdomain(s) {
            // A valid subdomain but not a label: with the length checked, it must be dots.
            errs.push("must not contain dots".to_string());
        } else {
            errs.push(regex_error(
                DNS1123_LABEL_ERR,
                DNS1123_LABEL_FMT,
                &["my-name", "123-abc"],
            ));
        }
    }
    errs
}

/// `IsDNS1123Subdomain`: the rule for most object names (Pod, Deployment, Node, ...) and
/// for label-key prefixes.
pub fn is_dns1123_subdomain(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > DNS1123_SUBDOMAIN_MAX {
        errs.push(max_len_error(DNS1123_SUBDOMAIN_MAX));
    }
    if !matches_dns1123_subdomain(s) {
        errs.push(regex_error(
            DNS1123_SUBDOMAIN_ERR,
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    errs
}

/// `IsDNS1035Label`: the rule for Service names, which become DNS names and env-var prefixes.
pub fn is_dns1035_label(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > DNS1035_LABEL_MAX {
        errs.push(max_len_error(DNS1035_LABEL_MAX));
    }
    if !matches_dns1035_label(s) {
        errs.push(regex_error(
            DNS1035_LABEL_ERR,
            DNS1035_LABEL_FMT,
            &["my-name", "abc-123"],
        ));
    }
    errs
}

/// `IsQualifiedName` (`IsLabelKey`): label and annotation keys, `[prefix/]name`.
pub fn is_qualified_name(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let mut parts = s.split('/');
    let first = parts.next().unwrap_or_default();
    let (prefix, name) = match (parts.next(), parts.next()) {
        (None, _) => (None, first),
        (Some(name), None) => (Some(first), name),
        (Some(_), Some(_)) => {
            let msg = regex_error(
                LABEL_KEY_ERR,
                LABEL_KEY_FMT,
                &["MyName", "my.name", "123-abc"],
            );
            errs.push(format!(
                "a valid label key {msg} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            ));
            return errs;
        }
    };
    match prefix {
        Some("") => errs.push(format!("prefix part {EMPTY_ERROR}")),
        Some(p) => errs.extend(
            is_dns1123_subdomain(p)
                .into_iter()
                .map(|m| format!("prefix part {m}")),
        ),
        None => {}
    }
    if name.is_empty() {
        errs.push(format!("name part {EMPTY_ERROR}"));
    } else if name.len() > LABEL_KEY_MAX {
        errs.push(format!("name part {}", max_len_error(LABEL_KEY_MAX)));
    }
    if !matches_label_key_name(name) {
        let msg = regex_error(
            LABEL_KEY_ERR,
            LABEL_KEY_FMT,
            &["MyName", "my.name", "123-abc"],
        );
        errs.push(format!("name part {msg}"));
    }
    errs
}

/// `IsValidLabelValue` (`IsLabelValue`): label values, which may be empty.
pub fn is_valid_label_value(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > LABEL_VALUE_MAX {
        errs.push(max_len_error(LABEL_VALUE_MAX));
    }
    if !s.is_empty() && !matches_label_key_name(s) {
        errs.push(regex_error(
            LABEL_VALUE_ERR,
            LABEL_VALUE_FMT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

/// The name rule the API server applies to `metadata.name` of each kind, as bare messages
/// (wrap each with [`field_invalid`]`("metadata.name", name, msg)`). Service names are
/// DNS-1035 labels (`ValidateServiceName`), Namespace names DNS-1123 labels
/// (`ValidateNamespaceName`); every other kind here uses `NameIsDNSSubdomain`. An empty name
/// is reported upstream by `ValidateObjectMeta` as `Required`, not by this rule.
pub fn validate_name(kind: Kind, name: &str) -> Vec<String> {
    match kind {
        Kind::Service => is_dns1035_label(name),
        Kind::Namespace => is_dns1123_label(name),
        Kind::Node
        | Kind::Pod
        | Kind::Deployment
        | Kind::ReplicaSet
        | Kind::ReplicationController
        | Kind::ConfigMap
        | Kind::Secret
        | Kind::DaemonSet
        | Kind::Job
        | Kind::StatefulSet
        | Kind::CronJob
        | Kind::ServiceAccount
        | Kind::PodDisruptionBudget
        | Kind::PriorityClass
        | Kind::Event => is_dns1123_subdomain(name),
    }
}

/// `ValidateLabelName`: one key, as field errors at `path`.
pub fn validate_label_name(key: &str, path: &str) -> Vec<String> {
    is_qualified_name(key)
        .iter()
        .map(|msg| field_invalid(path, key, msg))
        .collect()
}

/// `ValidateLabels`: every key and value, as field errors at `path` (e.g. `metadata.labels`).
/// Upstream walks a Go map in random order; here the pairs are checked in the order given.
pub fn validate_labels(labels: &[(String, String)], path: &str) -> Vec<String> {
    let mut errs = Vec::new();
    for (key, value) in labels {
        errs.extend(validate_label_name(key, path));
        errs.extend(
            is_valid_label_value(value)
                .iter()
                .map(|msg| field_invalid(path, value, msg)),
        );
    }
    errs
}

/// `field.Invalid(path, value, detail).Error()` for a string value:
/// `path: Invalid value: "value": detail`.
pub fn field_invalid(path: &str, value: &str, detail: &str) -> String {
    field_error(path, &format!("Invalid value: {}", go_quote(value)), detail)
}

/// `field.Invalid(...)` for a `[]string` value, printed as Go's `%#v` does
/// (`[]string{"a", "b"}`).
pub fn field_invalid_list(path: &str, values: &[String], detail: &str) -> String {
    let items: Vec<String> = values.iter().map(|v| go_quote(v)).collect();
    let value = format!("[]string{{{}}}", items.join(", "));
    field_error(path, &format!("Invalid value: {value}"), detail)
}

/// `field.Required(path, detail).Error()`: `path: Required value: detail`.
pub fn field_required(path: &str, detail: &str) -> String {
    field_error(path, "Required value", detail)
}

/// `field.Forbidden(path, detail).Error()`: `path: Forbidden: detail`.
pub fn field_forbidden(path: &str, detail: &str) -> String {
    field_error(path, "Forbidden", detail)
}

fn field_error(path: &str, body: &str, detail: &str) -> String {
    if detail.is_empty() {
        format!("{path}: {body}")
    } else {
        format!("{path}: {body}: {detail}")
    }
}

/// Go's `strconv.Quote` (the `%q` verb), as field errors print bad values.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if !go_is_print(c) => {
                if u32::from(c) < 0x10000 {
                    let _ = write!(out, "\\u{:04x}", u32::from(c));
                } else {
                    let _ = write!(out, "\\U{:08x}", u32::from(c));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Approximates Go's `strconv.IsPrint` beyond ASCII (see the module note).
fn go_is_print(c: char) -> bool {
    if c.is_ascii() {
        return !c.is_ascii_control();
    }
    !(c.is_control()
        || c.is_whitespace()
        || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(n: usize) -> String {
        "a".repeat(n)
    }

    #[test]
    fn dns1123_labels_follow_the_upstream_table() {
        // validation_test.go / content/dns_test.go TestIsDNS1123Label.
        let mut good: Vec<String> = [
            "a",
            "ab",
            "abc",
            "a1",
            "a-1",
            "a--1--2--b",
            "0",
            "01",
            "012",
            "1a",
            "1-a",
            "1--a--b--2",
        ]
        .map(String::from)
        .to_vec();
        good.push(a(63));
        for v in &good {
            assert_eq!(is_dns1123_label(v), Vec::<String>::new(), "{v:?}");
        }
        let mut bad: Vec<String> = [
            "", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1", "_", "a_",
            "_a", "a_b", "1_", "_1", "1_2", ".", "a.", ".a", "a.b", "1.", ".1", "1.2", " ", "a ",
            " a", "a b", "1 ", " 1", "1 2",
        ]
        .map(String::from)
        .to_vec();
        bad.push(a(64));
        for v in &bad {
            assert!(!is_dns1123_label(v).is_empty(), "{v:?}");
        }
    }

    #[test]
    fn dns1123_subdomains_follow_the_upstream_table() {
        // validation_test.go / content/dns_test.go TestIsDNS1123Subdomain.
        let mut good: Vec<String> = [
            "a",
            "ab",
            "abc",
            "a1",
            "a-1",
            "a--1--2--b",
            "0",
            "01",
            "012",
            "1a",
            "1-a",
            "1--a--b--2",
            "a.a",
            "ab.a",
            "abc.a",
            "a1.a",
            "a-1.a",
            "a--1--2--b.a",
            "a.1",
            "ab.1",
            "abc.1",
            "a1.1",
            "a-1.1",
            "a--1--2--b.1",
            "0.a",
            "01.a",
            "012.a",
            "1a.a",
            "1-a.a",
            "1--a--b--2",
            "0.1",
            "01.1",
            "012.1",
            "1a.1",
            "1-a.1",
            "1--a--b--2.1",
            "a.b.c.d.e",
            "aa.bb.cc.dd.ee",
            "1.2.3.4.5",
            "11.22.33.44.55",
        ]
        .map(String::from)
        .to_vec();
        good.push(a(253));
        for v in &good {
            assert_eq!(is_dns1123_subdomain(v), Vec::<String>::new(), "{v:?}");
        }
        let mut bad: Vec<String> = [
            "",
            "A",
            "ABC",
            "aBc",
            "A1",
            "A-1",
            "1-A",
            "-",
            "a-",
            "-a",
            "1-",
            "-1",
            "_",
            "a_",
            "_a",
            "a_b",
            "1_",
            "_1",
            "1_2",
            ".",
            "a.",
            ".a",
            "a..b",
            "1.",
            ".1",
            "1..2",
            " ",
            "a ",
            " a",
            "a b",
            "1 ",
            " 1",
            "1 2",
            "A.a",
            "aB.a",
            "ab.A",
            "A1.a",
            "a1.A",
            "A.1",
            "aB.1",
            "A1.1",
            "1A.1",
            "0.A",
            "01.A",
            "012.A",
            "1A.a",
            "1a.A",
            "A.B.C.D.E",
            "AA.BB.CC.DD.EE",
            "a.B.c.d.e",
            "aa.bB.cc.dd.ee",
            "a@b",
            "a,b",
            "a_b",
            "a;b",
            "a:b",
            "a%b",
            "a?b",
            "a$b",
        ]
        .map(String::from)
        .to_vec();
        bad.push(a(254));
        for v in &bad {
            assert!(!is_dns1123_subdomain(v).is_empty(), "{v:?}");
        }
    }

    #[test]
    fn dns1035_labels_follow_the_upstream_table() {
        // validation_test.go TestIsDNS1035Label.
        let mut good: Vec<String> = ["a", "ab", "abc", "a1", "a-1", "a--1--2--b"]
            .map(String::from)
            .to_vec();
        good.push(a(63));
        for v in &good {
            assert_eq!(is_dns1035_label(v), Vec::<String>::new(), "{v:?}");
        }
        let mut bad: Vec<String> = [
            "0",
            "01",
            "012",
            "1a",
            "1-a",
            "1--a--b--2",
            "",
            "A",
            "ABC",
            "aBc",
            "A1",
            "A-1",
            "1-A",
            "-",
            "a-",
            "-a",
            "1-",
            "-1",
            "_",
            "a_",
            "_a",
            "a_b",
            "1_",
            "_1",
            "1_2",
            ".",
            "a.",
            ".a",
            "a.b",
            "1.",
            ".1",
            "1.2",
            " ",
            "a ",
            " a",
            "a b",
            "1 ",
            " 1",
            "1 2",
        ]
        .map(String::from)
        .to_vec();
        bad.push(a(64));
        for v in &bad {
            assert!(!is_dns1035_label(v).is_empty(), "{v:?}");
        }
    }

    #[test]
    fn qualified_names_follow_the_upstream_table() {
        // validation_test.go TestIsQualifiedName / content/kube_test.go TestIsLabelKey.
        let mut good: Vec<String> = [
            "simple",
            "now-with-dashes",
            "1-starts-with-num",
            "1234",
            "simple/simple",
            "now-with-dashes/simple",
            "now-with-dashes/now-with-dashes",
            "now.with.dots/simple",
            "now-with.dashes-and.dots/simple",
            "1-num.2-num/3-num",
            "1234/5678",
            "1.2.3.4/5678",
            "Uppercase_Is_OK_123",
            "example.com/Uppercase_Is_OK_123",
            "requests.storage-foo",
        ]
        .map(String::from)
        .to_vec();
        good.push(a(63));
        good.push(format!("{}/{}", a(253), "b".repeat(63)));
        for v in &good {
            assert_eq!(is_qualified_name(v), Vec::<String>::new(), "{v:?}");
        }
        let mut bad: Vec<String> = [
            "nospecialchars%^=@",
            "cantendwithadash-",
            "-cantstartwithadash-",
            "only/one/slash",
            "Example.com/abc",
            "example_com/abc",
            "example.com/",
            "/simple",
        ]
        .map(String::from)
        .to_vec();
        bad.push(a(64));
        bad.push(format!("{}/abc", a(254)));
        for v in &bad {
            assert!(!is_qualified_name(v).is_empty(), "{v:?}");
        }
    }

    #[test]
    fn label_values_follow_the_upstream_table() {
        // validation_test.go TestIsValidLabelValue / content/kube_test.go TestIsLabelValue.
        let good = [
            "simple",
            "now-with-dashes",
            "1-starts-with-num",
            "end-with-num-1",
            "1234",
            &a(63),
            "",
        ];
        for v in good {
            assert_eq!(is_valid_label_value(v), Vec::<String>::new(), "{v:?}");
        }
        let bad = [
            "nospecialchars%^=@",
            "Tama-nui-te-rā.is.Māori.sun",
            "\\backslashes\\are\\bad",
            "-starts-with-dash",
            "ends-with-dash-",
            ".starts.with.dot",
            "ends.with.dot.",
            &a(64),
        ];
        for v in bad {
            assert!(!is_valid_label_value(v).is_empty(), "{v:?}");
        }
    }

    #[test]
    fn messages_are_apimachinerys_word_for_word() {
        // Text from content/dns.go, content/kube.go and validation.go (RegexError, MaxLenError).
        assert_eq!(
            is_dns1123_subdomain("Web_1"),
            vec![
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
            ]
        );
        assert_eq!(
            is_dns1123_subdomain(&a(254)),
            vec!["must be no more than 253 characters"]
        );
        assert_eq!(
            is_dns1123_label("My-NS"),
            vec![
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
            ]
        );
        assert_eq!(is_dns1123_label("a.b"), vec!["must not contain dots"]);
        assert_eq!(
            is_dns1035_label("1web"),
            vec![
                "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
            ]
        );
        assert_eq!(
            is_qualified_name("/x"),
            vec!["prefix part must be non-empty"]
        );
        assert_eq!(
            is_valid_label_value("-x"),
            vec![
                "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
            ]
        );
    }

    #[test]
    fn label_errors_take_the_field_error_form() {
        // The brief's example, from ValidateLabels + field.Error.Error().
        let labels = [("a b".to_string(), "ok".to_string())];
        assert_eq!(
            validate_labels(&labels, "metadata.labels"),
            vec![
                "metadata.labels: Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
            ]
        );
        let too_long = [("app".to_string(), a(64))];
        assert_eq!(
            validate_labels(&too_long, "metadata.labels"),
            vec![format!(
                "metadata.labels: Invalid value: \"{}\": must be no more than 63 characters",
                a(64)
            )]
        );
        assert!(validate_labels(&[("app".into(), "web".into())], "metadata.labels").is_empty());
    }

    #[test]
    fn each_kind_uses_its_upstream_name_rule() {
        // Service: DNS-1035 label; Namespace: DNS-1123 label; the rest: DNS-1123 subdomain.
        assert!(validate_name(Kind::Pod, "web.v1").is_empty());
        assert!(validate_name(Kind::Deployment, "web.v1").is_empty());
        assert!(validate_name(Kind::Node, "aks-nodepool1-12345678-vmss000000").is_empty());
        assert_eq!(
            validate_name(Kind::Namespace, "web.v1"),
            vec!["must not contain dots"]
        );
        assert!(!validate_name(Kind::Service, "web.v1").is_empty());
        assert!(!validate_name(Kind::Service, "1web").is_empty());
        assert!(validate_name(Kind::ConfigMap, "1web").is_empty());
        assert!(!validate_name(Kind::Secret, "Web").is_empty());
    }

    #[test]
    fn bad_values_are_quoted_like_go() {
        // strconv.Quote escapes.
        assert_eq!(go_quote("a b"), "\"a b\"");
        assert_eq!(go_quote("q\"\\\n\t\u{1}"), "\"q\\\"\\\\\\n\\t\\x01\"");
        assert_eq!(go_quote("rā"), "\"rā\"");
        assert_eq!(go_quote("\u{200b}"), "\"\\u200b\"");
        assert_eq!(
            field_invalid_list("values", &[], "x"),
            "values: Invalid value: []string{}: x"
        );
        assert_eq!(
            field_required("spec.selector", ""),
            "spec.selector: Required value"
        );
    }
}
