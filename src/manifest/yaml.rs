//! YAML text to a spanned [`Node`] tree, with limits against hostile input.
//!
//! kubectl reads manifests with sigs.k8s.io/yaml, which decodes with go-yaml v2 and then
//! converts to JSON. We follow the same scalar resolution (YAML 1.1 flavoured: `yes`/`no`/
//! `on`/`off`/`y`/`n` are booleans, `0x1F` and `0777` are integers, `1_000` is 1000) so that a
//! manifest means here what it means to kubectl. Duplicate keys are an error, as in kubectl's
//! strict decoding. The event stream comes from `saphyr-parser` (the parser under
//! serde-saphyr); the tree is built here so every node keeps its line and column and every
//! problem in a stream is collected.
//!
//! Limits (see [`Limits`]): document size (the API server's 3 MiB request body limit), nesting
//! depth, and the number of nodes produced by alias expansion (the "billion laughs" attack).

use crate::diag::{Problem, Span};
use crate::manifest::tree::{Node, Value};
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

/// Bounds on what one YAML stream may make us build.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest accepted input, in bytes.
    pub max_bytes: usize,
    /// Deepest accepted nesting of mappings and sequences.
    pub max_depth: usize,
    /// Most nodes that alias expansion may copy in one stream.
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    /// 3 MiB is kube-apiserver's `MaxRequestBodyBytes` (facts A.7); 100 levels is deeper than
    /// any Kubernetes type; 100,000 copied nodes stops exponential alias expansion long before
    /// it costs memory.
    fn default() -> Self {
        Limits {
            max_bytes: 3 * 1024 * 1024,
            max_depth: 100,
            max_alias_nodes: 100_000,
        }
    }
}

/// The documents of one stream and every problem found while reading them.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Non-empty documents in stream order (kubectl skips empty ones).
    pub docs: Vec<Node>,
    /// Problems; when a syntax error stops the scanner, documents after it are missing.
    pub problems: Vec<Problem>,
}

/// Parses a YAML stream (one or more documents).
pub fn parse_stream(src: &str, limits: &Limits) -> Parsed {
    let mut out = Parsed::default();
    if src.len() > limits.max_bytes {
        out.problems.push(Problem::new(
            Span {
                offset: 0,
                len: 0,
                line: 1,
                col: 1,
            },
            "",
            format!(
                "the document is {} bytes, larger than the {} bytes a request body may carry",
                src.len(),
                limits.max_bytes
            ),
        ));
        return out;
    }
    let mut b = Builder::new(src, *limits);
    if let Err(p) = b.run() {
        b.problems.push(p);
    }
    out.docs = b.docs;
    out.problems = b.problems;
    out
}

/// A container being built.
enum Frame {
    Seq {
        span: Span,
        items: Vec<Node>,
        anchor: usize,
    },
    Map {
        span: Span,
        entries: Vec<(Node, Node)>,
        merged: Vec<bool>,
        key: Option<Node>,
        anchor: usize,
    },
}

struct Builder<'a> {
    src: &'a str,
    limits: Limits,
    /// Byte offset of each char, only for non-ASCII input (saphyr counts chars).
    char_bytes: Option<Vec<usize>>,
    stack: Vec<Frame>,
    anchors: Vec<(usize, Node)>,
    alias_nodes: usize,
    docs: Vec<Node>,
    problems: Vec<Problem>,
    doc_root: Option<Node>,
}

impl<'a> Builder<'a> {
    fn new(src: &'a str, limits: Limits) -> Self {
        let char_bytes = if src.is_ascii() {
            None
        } else {
            Some(src.char_indices().map(|(i, _)| i).collect())
        };
        Builder {
            src,
            limits,
            char_bytes,
            stack: Vec::new(),
            anchors: Vec::new(),
            alias_nodes: 0,
            docs: Vec::new(),
            problems: Vec::new(),
            doc_root: None,
        }
    }

    fn span(&self, m: &saphyr_parser::Marker, end: Option<&saphyr_parser::Marker>) -> Span {
        let to_byte = |i: usize| match &self.char_bytes {
            None => i.min(self.src.len()),
            Some(v) => v.get(i).copied().unwrap_or(self.src.len()),
        };
        let offset = to_byte(m.index());
        let len = end
            .map(|e| to_byte(e.index()).saturating_sub(offset))
            .unwrap_or(0);
        Span {
            offset,
            len,
            line: m.line() as u32,
            col: m.col() as u32 + 1,
        }
    }

    fn scan_problem(&self, e: &ScanError) -> Problem {
        let span = self.span(e.marker(), None);
        // libyaml's parser errors carry a context ("while parsing a flow mapping, ...");
        // go-yaml, and so kubectl, prints only the problem after it.
        let info = e.info();
        let problem = info
            .strip_prefix("while parsing ")
            .and_then(|rest| rest.split_once(", "))
            .map_or(info, |(_, problem)| problem);
        Problem::new(span, "", format!("yaml: line {}: {problem}", span.line))
    }

    fn run(&mut self) -> Result<(), Problem> {
        let mut parser = Parser::new_from_str(self.src);
        while let Some(item) = parser.next_event() {
            let (ev, sp) = item.map_err(|e| self.scan_problem(&e))?;
            let span = self.span(&sp.start, Some(&sp.end));
            match ev {
                Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
                Event::DocumentStart(_) => {
                    self.anchors.clear();
                    self.doc_root = None;
                }
                Event::DocumentEnd => {
                    if let Some(root) = self.doc_root.take()
                        && root.value != Value::Null
                    {
                        self.docs.push(root);
                    }
                }
                Event::Alias(id) => {
                    let node = self.expand_alias(id, span)?;
                    self.push_node(node);
                }
                Event::Scalar(text, style, anchor, tag) => {
                    let tag = tag.map(|t| t.suffix.clone());
                    let node = resolve_scalar(&text, style, tag.as_deref(), span);
                    if anchor > 0 {
                        self.anchors.push((anchor, node.clone()));
                    }
                    self.push_node(node);
                }
                Event::SequenceStart(anchor, _) => {
                    self.enter(span)?;
                    self.stack.push(Frame::Seq {
                        span,
                        items: Vec::new(),
                        anchor,
                    });
                }
                Event::MappingStart(anchor, _) => {
                    self.enter(span)?;
                    self.stack.push(Frame::Map {
                        span,
                        entries: Vec::new(),
                        merged: Vec::new(),
                        key: None,
                        anchor,
                    });
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let (node, anchor) = match self.stack.pop() {
                        Some(Frame::Seq {
                            span,
                            items,
                            anchor,
                        }) => (
                            Node {
                                value: Value::Seq(items),
                                span,
                                raw: String::new(),
                            },
                            anchor,
                        ),
                        Some(Frame::Map {
                            span,
                            entries,
                            anchor,
                            ..
                        }) => (
                            Node {
                                value: Value::Map(entries),
                                span,
                                raw: String::new(),
                            },
                            anchor,
                        ),
                        None => continue,
                    };
                    if anchor > 0 {
                        self.anchors.push((anchor, node.clone()));
                    }
                    self.push_node(node);
                }
            }
        }
        Ok(())
    }

    fn enter(&self, span: Span) -> Result<(), Problem> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(Problem::new(
                span,
                "",
                format!(
                    "yaml: nesting deeper than {} levels is not accepted",
                    self.limits.max_depth
                ),
            ));
        }
        Ok(())
    }

    fn expand_alias(&mut self, id: usize, span: Span) -> Result<Node, Problem> {
        let Some((_, node)) = self.anchors.iter().rev().find(|(a, _)| *a == id) else {
            return Err(Problem::new(span, "", "yaml: unknown anchor referenced"));
        };
        self.alias_nodes += count_nodes(node);
        if self.alias_nodes > self.limits.max_alias_nodes {
            return Err(Problem::new(
                span,
                "",
                format!(
                    "yaml: aliases expand to more than {} nodes; refusing a document built to exhaust memory",
                    self.limits.max_alias_nodes
                ),
            ));
        }
        Ok(node.clone())
    }

    /// Adds a finished node to the container being built, or makes it the document root.
    fn push_node(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => self.doc_root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                merged,
                key,
                ..
            }) => match key.take() {
                None => *key = Some(node),
                Some(k) => {
                    let problem = add_entry(entries, merged, k, node);
                    if let Some(p) = problem {
                        self.problems.push(p);
                    }
                }
            },
        }
    }
}

/// Adds `key: value` to a mapping under construction, applying `<<` merge keys as go-yaml
/// does; returns a problem for a duplicate or non-scalar key.
fn add_entry(
    entries: &mut Vec<(Node, Node)>,
    merged: &mut Vec<bool>,
    key: Node,
    value: Node,
) -> Option<Problem> {
    if matches!(key.value, Value::Map(_) | Value::Seq(_)) {
        return Some(Problem::new(
            key.span,
            "",
            "yaml: a mapping key must be a scalar",
        ));
    }
    if key.raw == "<<" && matches!(key.value, Value::Str(_)) {
        let sources: Vec<Node> = match value.value {
            Value::Map(_) => vec![value],
            Value::Seq(items) => items,
            _ => {
                return Some(Problem::new(
                    value.span,
                    "",
                    "yaml: map merge requires map or sequence of maps as the value",
                ));
            }
        };
        for src in sources {
            if let Value::Map(src_entries) = src.value {
                for (k, v) in src_entries {
                    if !entries.iter().any(|(e, _)| e.as_str() == k.as_str()) {
                        entries.push((k, v));
                        merged.push(true);
                    }
                }
            }
        }
        return None;
    }
    let existing = entries
        .iter()
        .position(|(e, _)| e.as_str().is_some() && e.as_str() == key.as_str());
    if let Some(i) = existing
        && merged.get(i) == Some(&true)
    {
        // An explicit key overrides a merged one, whatever the order (go-yaml v2).
        entries[i] = (key, value);
        merged[i] = false;
        return None;
    }
    if let Some((first, _)) = existing.and_then(|i| entries.get(i)) {
        return Some(Problem::new(
            key.span,
            "",
            format!(
                "yaml: key {:?} already set in map (first set at line {})",
                key.as_str().unwrap_or_default(),
                first.span.line
            ),
        ));
    }
    entries.push((key, value));
    merged.push(false);
    None
}

fn count_nodes(n: &Node) -> usize {
    match &n.value {
        Value::Seq(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        Value::Map(entries) => {
            1 + entries
                .iter()
                .map(|(k, v)| count_nodes(k) + count_nodes(v))
                .sum::<usize>()
        }
        _ => 1,
    }
}

/// Resolves a scalar as go-yaml v2 does for an untyped (`interface{}`) target.
fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&str>, span: Span) -> Node {
    let raw = text.to_string();
    let value = match (style, tag) {
        (_, Some("str")) => Value::Str(raw.clone()),
        (ScalarStyle::Plain, Some("int"))
        | (ScalarStyle::Plain, Some("float"))
        | (ScalarStyle::Plain, None) => resolve_plain(text),
        (ScalarStyle::Plain, Some("bool")) | (ScalarStyle::Plain, Some("null")) => {
            resolve_plain(text)
        }
        _ => Value::Str(raw.clone()),
    };
    Node { value, span, raw }
}

/// go-yaml v2 `resolve` for plain scalars.
fn resolve_plain(t: &str) -> Value {
    match t {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Value::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false);
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let first = t.as_bytes()[0];
    if !(first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.') {
        return Value::Str(t.to_string());
    }
    let plain: String = t.chars().filter(|c| *c != '_').collect();
    if let Some(i) = parse_go_int(&plain) {
        return Value::Int(i);
    }
    if is_yaml_float(&plain)
        && let Ok(f) = plain.parse::<f64>()
    {
        return Value::Float(f);
    }
    Value::Str(t.to_string())
}

/// Go's `strconv.ParseInt(s, 0, 64)`: optional sign, then `0x`, `0o`, `0b` or a leading `0`
/// (octal) prefix, or decimal.
fn parse_go_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() {
        return None;
    }
    let (radix, digits) =
        if let Some(d) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            (16, d)
        } else if let Some(d) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
            (8, d)
        } else if let Some(d) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
            (2, d)
        } else if body.len() > 1 && body.starts_with('0') {
            (8, &body[1..])
        } else {
            (10, body)
        };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(digits, radix).ok()?;
    let v = if neg { -magnitude } else { magnitude };
    i64::try_from(v).ok()
}

/// go-yaml v2's float pattern `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if int_digits == 0 && i == frac_start {
            return false;
        }
    } else if int_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(src: &str) -> Node {
        let p = parse_stream(src, &Limits::default());
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        p.docs.into_iter().next().expect("one document")
    }

    #[test]
    fn scalars_resolve_as_go_yaml_v2_does() {
        // go-yaml v2 resolve.go: YAML 1.1 booleans, base prefixes, underscores, floats.
        let n = one(
            "a: yes\nb: off\nc: 0x1F\nd: 0777\ne: 1_000\nf: 1.5\ng: 1e3\nh: \"1\"\ni: ~\nj: 1.35\nk: abc\nl: 500m\n",
        );
        let v = |k: &str| n.get(k).expect("key").value.clone();
        assert_eq!(v("a"), Value::Bool(true));
        assert_eq!(v("b"), Value::Bool(false));
        assert_eq!(v("c"), Value::Int(31));
        assert_eq!(v("d"), Value::Int(511));
        assert_eq!(v("e"), Value::Int(1000));
        assert_eq!(v("f"), Value::Float(1.5));
        assert_eq!(v("g"), Value::Float(1000.0));
        assert_eq!(v("h"), Value::Str("1".into()));
        assert_eq!(v("i"), Value::Null);
        assert_eq!(n.get("j").expect("j").raw, "1.35");
        assert_eq!(v("k"), Value::Str("abc".into()));
        assert_eq!(v("l"), Value::Str("500m".into()));
    }

    #[test]
    fn positions_are_one_based_lines_and_columns() {
        let n = one("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n");
        let name = n.get("metadata").and_then(|m| m.get("name")).expect("name");
        assert_eq!((name.span.line, name.span.col), (4, 9));
        assert_eq!(
            &"apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n"[name.span.offset..][..3],
            "web"
        );
    }

    #[test]
    fn multi_document_streams_skip_empty_documents() {
        let p = parse_stream(
            "---\n# only a comment\n---\na: 1\n---\nb: 2\n",
            &Limits::default(),
        );
        assert!(p.problems.is_empty());
        assert_eq!(p.docs.len(), 2);
    }

    #[test]
    fn parser_errors_read_as_go_yaml_prints_them_without_libyamls_context() {
        // libyaml parser.c: context "while parsing a flow mapping", problem "did not find
        // expected ',' or '}'"; go-yaml decode.go (parser.fail) prints `yaml: line N: ` and
        // the problem only.
        let p = parse_stream("a: {b: 1\nc: [\n", &Limits::default());
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        let m = &p.problems[0].message;
        assert!(m.starts_with("yaml: line "), "{m}");
        assert!(m.ends_with(": did not find expected ',' or '}'"), "{m}");
    }

    #[test]
    fn duplicate_keys_are_reported_with_both_lines() {
        let p = parse_stream("a: 1\nb: 2\na: 3\n", &Limits::default());
        assert_eq!(p.problems.len(), 1);
        assert_eq!(p.problems[0].span.line, 3);
        assert!(
            p.problems[0]
                .message
                .contains("key \"a\" already set in map (first set at line 1)")
        );
    }

    #[test]
    fn syntax_errors_carry_the_scanner_position() {
        let p = parse_stream("a: b: c\n", &Limits::default());
        assert_eq!(p.problems.len(), 1);
        assert!(
            p.problems[0].message.starts_with("yaml: line 1:"),
            "{}",
            p.problems[0].message
        );
    }

    #[test]
    fn merge_keys_and_aliases_expand() {
        let n = one("base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n");
        let d = n.get("d").expect("d");
        assert_eq!(d.get("x").map(|v| v.value.clone()), Some(Value::Int(1)));
        assert_eq!(d.get("y").map(|v| v.value.clone()), Some(Value::Int(3)));
    }

    #[test]
    fn billion_laughs_is_refused() {
        let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = i - 1;
            s.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
        }
        let p = parse_stream(&s, &Limits::default());
        assert!(
            p.problems
                .iter()
                .any(|p| p.message.contains("aliases expand"))
        );
    }

    #[test]
    fn deep_nesting_is_refused() {
        // Block style: our own depth limit fires.
        let mut s = String::new();
        for i in 0..150 {
            s.push_str(&" ".repeat(i));
            s.push_str("k:\n");
        }
        let p = parse_stream(&s, &Limits::default());
        assert!(
            p.problems
                .iter()
                .any(|p| p.message.contains("nesting deeper")),
            "{:?}",
            p.problems
        );
        // Flow style: the scanner's own recursion limit may fire first; either way, refused.
        let s = "[".repeat(500) + &"]".repeat(500);
        assert!(!parse_stream(&s, &Limits::default()).problems.is_empty());
    }

    #[test]
    fn non_ascii_text_keeps_byte_offsets() {
        let src = "a: \"é\"\nb: x\n";
        let n = one(src);
        let b = n.get("b").expect("b");
        assert_eq!(&src[b.span.offset..][..1], "x");
    }
}
