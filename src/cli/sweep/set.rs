//! `--set PATH=V1,V2,…`: one swept parameter (docs/sweeps.md), applied to the scenario's
//! parsed YAML tree before the scenario is checked, so an override is held to exactly the
//! rules the file is (the loader never sees where a value came from).
//!
//! PATH is keys and `[N]` list indices, `cluster.nodePools[0].count`. An existing value is
//! replaced; missing keys at the end of the path are added (a typo is then an unknown field
//! the scenario check reports). Each value is read as YAML (`10` a number, `5ms` a string,
//! `[a, b]` a list); the list is split on commas outside quotes and brackets, and `\,` is a
//! comma inside a value.

use crate::diag::did_you_mean;
use crate::manifest::tree::{Node, Value};
use crate::manifest::yaml::{Limits, parse_stream};

/// One step of a PATH.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    /// A mapping key.
    Key(String),
    /// A list index, 0-based.
    Index(usize),
}

/// One `--set` flag, parsed.
#[derive(Clone, Debug)]
pub struct SetFlag {
    /// PATH as written: the sweep.csv column header.
    pub path: String,
    segments: Vec<Segment>,
    /// The values as written (after `\,` unescaping): sweep.csv's cells.
    pub values: Vec<String>,
    /// The values read as YAML, same order.
    nodes: Vec<Node>,
}

impl SetFlag {
    /// Parses `PATH=V1,V2,…`; the error names the flag and what is wrong.
    pub fn parse(flag: &str) -> Result<SetFlag, String> {
        let Some((path, list)) = flag.split_once('=') else {
            return Err(format!(
                "--set {flag:?}: want PATH=VALUE[,VALUE…], e.g. cluster.nodePools[0].count=10,20"
            ));
        };
        let segments = parse_path(path).map_err(|e| format!("--set {path}: {e}"))?;
        let values = split_values(list).map_err(|e| format!("--set {path}={list}: {e}"))?;
        let nodes = values
            .iter()
            .map(|v| parse_value(v).map_err(|e| format!("--set {path}={v}: {e}")))
            .collect::<Result<_, _>>()?;
        Ok(SetFlag {
            path: path.to_string(),
            segments,
            values,
            nodes,
        })
    }

    /// Replaces (or adds) the value at PATH in `root` with value number `i`.
    pub fn apply(&self, root: &mut Node, i: usize) -> Result<(), String> {
        let value = self
            .nodes
            .get(i)
            .cloned()
            .ok_or_else(|| format!("--set {}: no value {i}", self.path))?;
        set_at(root, &self.segments, value).map_err(|e| format!("--set {}: {e}", self.path))
    }
}

/// Splits PATH into keys and indices: `a.b[0].c`.
fn parse_path(path: &str) -> Result<Vec<Segment>, String> {
    let mut segments = Vec::new();
    let mut rest = path;
    if rest.is_empty() {
        return Err("the path is empty".into());
    }
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            let Some((n, tail)) = after.split_once(']') else {
                return Err(format!("{rest:?} has no closing ]"));
            };
            let index = n
                .parse::<usize>()
                .map_err(|_| format!("[{n}] is not a list index (0, 1, …)"))?;
            segments.push(Segment::Index(index));
            rest = tail;
        } else {
            if !segments.is_empty() {
                rest = rest
                    .strip_prefix('.')
                    .ok_or_else(|| format!("expected . or [ before {rest:?}"))?;
            }
            // `"a.b"` is one key holding dots.
            let (key, tail) = match rest.strip_prefix('"') {
                Some(quoted) => {
                    let close = quoted
                        .find('"')
                        .ok_or_else(|| format!("{rest:?} has no closing \""))?;
                    (&quoted[..close], &quoted[close + 1..])
                }
                None => rest.split_at(rest.find(['.', '[', ']']).unwrap_or(rest.len())),
            };
            if key.is_empty() {
                return Err(format!("an empty key before {tail:?}"));
            }
            segments.push(Segment::Key(key.to_string()));
            rest = tail;
        }
    }
    if matches!(segments.first(), Some(Segment::Index(_))) {
        return Err("the path starts at the top of the scenario, with a key".into());
    }
    Ok(segments)
}

/// Splits a value list on commas outside quotes, brackets and braces; `\,` is a comma and
/// `\\` a backslash outside quotes.
fn split_values(list: &str) -> Result<Vec<String>, String> {
    let mut values = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut chars = list.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            cur.push(c);
            if c == '\\' && q == '"' {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\\' if matches!(chars.peek(), Some(',' | '\\')) => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            '"' | '\'' if opens_quote(&cur) => {
                quote = Some(c);
                cur.push(c);
            }
            '[' | '{' => {
                depth += 1;
                cur.push(c);
            }
            ']' | '}' => {
                depth = depth.saturating_sub(1);
                cur.push(c);
            }
            ',' if depth == 0 => values.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    if let Some(q) = quote {
        return Err(format!("a value has no closing {q}"));
    }
    values.push(cur);
    if values.iter().any(|v| v.trim().is_empty()) {
        return Err("a value is empty (write null for YAML's null)".into());
    }
    Ok(values)
}

/// A quote opens a YAML quoted scalar only where a scalar starts.
fn opens_quote(before: &str) -> bool {
    before
        .trim_end()
        .chars()
        .last()
        .is_none_or(|c| matches!(c, '[' | '{' | ',' | ':'))
}

/// Reads one value as a YAML document.
fn parse_value(text: &str) -> Result<Node, String> {
    let parsed = parse_stream(text, &Limits::default());
    if let Some(p) = parsed.problems.first() {
        return Err(format!("not a YAML value: {}", p.message));
    }
    match parsed.docs.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err("not one YAML value".into()),
    }
}

/// Where the walk is, for messages: `cluster.nodePools[0]`.
fn prefix(segments: &[Segment]) -> String {
    let mut s = String::new();
    for seg in segments {
        match seg {
            Segment::Key(k) if s.is_empty() => s.push_str(k),
            Segment::Key(k) => {
                s.push('.');
                s.push_str(k);
            }
            Segment::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    if s.is_empty() {
        "the scenario".into()
    } else {
        s
    }
}

fn new_node(value: Value) -> Node {
    Node {
        value,
        span: Default::default(),
        raw: String::new(),
    }
}

fn key_node(k: &str) -> Node {
    Node {
        raw: k.to_string(),
        ..new_node(Value::Str(k.to_string()))
    }
}

/// Nested mappings holding `value` under `keys`.
fn chain(keys: &[String], value: Node) -> Node {
    keys.iter()
        .rev()
        .fold(value, |v, k| new_node(Value::Map(vec![(key_node(k), v)])))
}

fn set_at(root: &mut Node, segments: &[Segment], value: Node) -> Result<(), String> {
    let mut cur = root;
    let mut i = 0;
    while let Some(seg) = segments.get(i) {
        let here = prefix(&segments[..i]);
        match seg {
            Segment::Key(k) => {
                if matches!(cur.value, Value::Null) {
                    cur.value = Value::Map(Vec::new());
                }
                let type_name = cur.type_name();
                let Value::Map(entries) = &mut cur.value else {
                    return Err(format!(
                        "{here} is {} {type_name}, not an object, so it has no key {k:?}",
                        article(type_name),
                    ));
                };
                // The keys up to the next index; a key may itself hold dots (`etcd.write`),
                // so the longest run of them that names an existing key wins.
                let run: Vec<&str> = segments[i..]
                    .iter()
                    .map_while(|s| match s {
                        Segment::Key(k) => Some(k.as_str()),
                        Segment::Index(_) => None,
                    })
                    .collect();
                let found = (1..=run.len()).rev().find_map(|n| {
                    let joined = run[..n].join(".");
                    entries
                        .iter()
                        .position(|(key, _)| key.as_str() == Some(joined.as_str()))
                        .map(|at| (at, n))
                });
                if let Some((at, n)) = found {
                    cur = &mut entries[at].1;
                    i += n;
                    continue;
                }
                // A missing key: added with the keys after it, if no index follows.
                if i + run.len() != segments.len() {
                    let known: Vec<&str> = entries.iter().filter_map(|(k, _)| k.as_str()).collect();
                    let mut msg = format!("{here} has no key {k:?} (it has {})", known.join(", "));
                    if let Some(s) = did_you_mean(k, known.iter().copied()) {
                        msg.push_str(&format!("; did you mean {s:?}?"));
                    }
                    return Err(msg);
                }
                let keys = new_keys(&run, &here);
                // ok: `run` starts at this key segment, so new_keys returns at least one key.
                let (first, more) = keys.split_first().expect("a key segment is here");
                entries.push((key_node(first), chain(more, value)));
                return Ok(());
            }
            Segment::Index(n) => {
                let type_name = cur.type_name();
                let Value::Seq(items) = &mut cur.value else {
                    return Err(format!(
                        "{here} is {} {type_name}, not a list, so it has no item [{n}]",
                        article(type_name),
                    ));
                };
                let len = items.len();
                let Some(item) = items.get_mut(*n) else {
                    return Err(format!(
                        "[{n}] is out of range: {here} has {len} item{}",
                        if len == 1 { "" } else { "s" }
                    ));
                };
                cur = item;
                i += 1;
            }
        }
    }
    *cur = value;
    Ok(())
}

/// The keys to add for a missing run of them at `here`. Under `timing:` the longest run that
/// names a latency distribution (`kubesim timings`: `etcd.write`) is one key, as the file
/// writes it.
fn new_keys(run: &[&str], here: &str) -> Vec<String> {
    let timing = |name: &str| {
        crate::sim::timing::TimingName::ALL
            .iter()
            .any(|t| t.as_str() == name)
    };
    let (mut keys, rest) = match (here, run) {
        ("the scenario", ["timing", rest @ ..]) => (vec!["timing".to_string()], rest),
        ("timing", _) => (Vec::new(), run),
        _ => return run.iter().map(|k| k.to_string()).collect(),
    };
    let n = (1..=rest.len())
        .rev()
        .find(|n| timing(&rest[..*n].join(".")))
        .unwrap_or(1.min(rest.len()));
    if n > 0 {
        keys.push(rest[..n].join("."));
    }
    keys.extend(rest[n..].iter().map(|k| k.to_string()));
    keys
}

fn article(type_name: &str) -> &'static str {
    if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::sweep::emit::tests::tree;

    #[test]
    fn a_value_list_splits_on_commas_outside_quotes_and_brackets() {
        assert_eq!(split_values("10,20,40").unwrap(), ["10", "20", "40"]);
        assert_eq!(split_values(r"a\,b,c").unwrap(), ["a,b", "c"]);
        assert_eq!(
            split_values(r#""x,y",[1, 2],{a: 1, b: 2}"#).unwrap(),
            [r#""x,y""#, "[1, 2]", "{a: 1, b: 2}"]
        );
        // An apostrophe inside a word opens no quote.
        assert_eq!(split_values("it's,b").unwrap(), ["it's", "b"]);
        assert!(split_values("a,,b").is_err());
        assert!(split_values(r#""open"#).is_err());
    }

    #[test]
    fn a_path_is_keys_and_indices() {
        assert_eq!(
            parse_path("cluster.nodePools[0].count").unwrap(),
            [
                Segment::Key("cluster".into()),
                Segment::Key("nodePools".into()),
                Segment::Index(0),
                Segment::Key("count".into())
            ]
        );
        assert!(parse_path("[0]").is_err());
        assert!(parse_path("a..b").is_err());
        assert!(parse_path("a[x]").is_err());
        assert!(parse_path("a[0").is_err());
        assert_eq!(
            parse_path(r#"a."b.c".d"#).unwrap(),
            [
                Segment::Key("a".into()),
                Segment::Key("b.c".into()),
                Segment::Key("d".into())
            ]
        );
    }

    /// `cluster.nodePools[0]`.
    fn pool0(t: &Node) -> &Node {
        &t.get("cluster")
            .and_then(|c| c.get("nodePools"))
            .and_then(Node::as_seq)
            .unwrap()[0]
    }

    #[test]
    fn set_replaces_adds_and_names_the_segment_it_cannot_follow() {
        let mut t = tree("cluster:\n  nodePools:\n  - name: a\n    count: 2\n");
        let f = SetFlag::parse("cluster.nodePools[0].count=10,20").unwrap();
        f.apply(&mut t, 1).unwrap();
        let pool = pool0(&t);
        assert_eq!(pool.get("count").unwrap().value, Value::Int(20));
        // Timing names hold dots (`etcd.write`): added as one key, then found as one.
        let median = |t: &Node| {
            t.get("timing")
                .and_then(|t| t.get("etcd.write"))
                .and_then(|w| w.get("median"))
                .map(|m| m.value.clone())
        };
        let f = SetFlag::parse("timing.etcd.write.median=5ms,50ms").unwrap();
        f.apply(&mut t, 0).unwrap();
        assert_eq!(median(&t), Some(Value::Str("5ms".into())));
        f.apply(&mut t, 1).unwrap();
        assert_eq!(median(&t), Some(Value::Str("50ms".into())));
        let labels =
            SetFlag::parse(r#"cluster.nodePools[0].labels."kubernetes.io/role"=web"#).unwrap();
        labels.apply(&mut t, 0).unwrap();
        let pool = pool0(&t);
        assert_eq!(
            pool.get("labels")
                .and_then(|l| l.get("kubernetes.io/role"))
                .map(|v| v.value.clone()),
            Some(Value::Str("web".into()))
        );
        let e = SetFlag::parse("cluster.nodePools[3].count=1")
            .unwrap()
            .apply(&mut t, 0)
            .unwrap_err();
        assert_eq!(
            e,
            "--set cluster.nodePools[3].count: [3] is out of range: cluster.nodePools has 1 item"
        );
        let e = SetFlag::parse("cluster.nodePols[0].count=1")
            .unwrap()
            .apply(&mut t, 0)
            .unwrap_err();
        assert!(e.contains("cluster has no key \"nodePols\""), "{e}");
        assert!(e.contains("did you mean \"nodePools\""), "{e}");
        let e = SetFlag::parse("cluster.nodePools.count=1")
            .unwrap()
            .apply(&mut t, 0)
            .unwrap_err();
        assert!(
            e.contains("cluster.nodePools is an array, not an object"),
            "{e}"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_set_flag_is_parsed_or_refused_without_panicking(
            flag in "[a-zA-Z0-9.=,\\[\\]{}\"': -]{0,40}",
        ) {
            let mut t = tree("cluster:\n  nodePools:\n  - name: a\n    count: 2\nsteps: []\n");
            if let Ok(f) = SetFlag::parse(&flag) {
                for i in 0..f.values.len() {
                    if f.apply(&mut t, i).is_ok() {
                        let out = crate::cli::sweep::emit::to_yaml(&t);
                        proptest::prop_assert!(out.is_ok(), "{flag:?}");
                    }
                }
            }
        }
    }
}
