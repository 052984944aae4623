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
//! Limits (see [`Limits`]): document size (the API server's 3 MiB request body limit, also
//! applied while reading a file, [`read_file`]), nesting depth, and the number of nodes produced
//! by alias expansion (the "billion laughs" attack). go-yaml keeps an alias as a pointer to its
//! anchor's node; here an alias is expanded by replaying the anchor's recorded parser events,
//! so an unused anchor costs nothing, expansion is charged node by node before anything is
//! built, and an expanded tree is never deeper than the depth limit (every later walk over the
//! tree is recursive). Mapping keys are indexed, so duplicate detection stays linear.

use crate::diag::{Problem, Span};
use crate::manifest::tree::{Node, Value};
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};
use std::collections::BTreeMap;
use std::io::{self, Read};
use std::path::Path;

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

/// Reads a file for [`parse_stream`], but never more than `limits.max_bytes + 1` bytes of it:
/// a larger file is refused without being read into memory first. Only a regular file (or a
/// link to one) is read: a named pipe would block until something writes to it and a device
/// such as `/dev/zero` never ends, so anything else is refused with [`NotRegularFile`] before it
/// is opened (and again after, should the path have changed in between; on Unix the file is
/// opened non-blocking, so even then a pipe cannot hang the open).
pub fn read_file(path: &Path, limits: &Limits) -> io::Result<String> {
    regular_file(&std::fs::metadata(path)?)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    regular_file(&file.metadata()?)?;
    let mut bytes = Vec::new();
    file.take(
        u64::try_from(limits.max_bytes)
            .unwrap_or(u64::MAX)
            .saturating_add(1),
    )
    .read_to_end(&mut bytes)?;
    if bytes.len() > limits.max_bytes {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!(
                "the file is larger than the {} bytes a request body may carry",
                limits.max_bytes
            ),
        ));
    }
    String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// [`read_file`]'s error for a path that is not a regular file: what it is instead.
#[derive(Debug)]
pub struct NotRegularFile(pub &'static str);

impl std::fmt::Display for NotRegularFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not a regular file ({})", self.0)
    }
}

impl std::error::Error for NotRegularFile {}

fn regular_file(meta: &std::fs::Metadata) -> io::Result<()> {
    let t = meta.file_type();
    if t.is_file() {
        return Ok(());
    }
    let mut what = if t.is_dir() {
        "a directory"
    } else {
        "not a file"
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            what = "a named pipe";
        } else if t.is_socket() {
            what = "a socket";
        } else if t.is_char_device() {
            what = "a character device";
        } else if t.is_block_device() {
            what = "a block device";
        }
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        NotRegularFile(what),
    ))
}

/// kubectl's wording for a `-f` path (or a file `kubesim validate` names) that cannot be read
/// because it is missing — cli-runtime's builder: `the path "x" does not exist` — and, in the
/// same style, for one that is not a regular file; `None` for other errors, which each caller
/// words itself.
pub fn path_problem(name: &str, e: &io::Error) -> Option<String> {
    if e.kind() == io::ErrorKind::NotFound {
        return Some(format!("the path {name:?} does not exist"));
    }
    let what = e.get_ref()?.downcast_ref::<NotRegularFile>()?;
    Some(format!(
        "the path {name:?} is not a regular file ({})",
        what.0
    ))
}

/// A container being built.
enum Frame {
    Seq {
        span: Span,
        items: Vec<Node>,
        anchor: usize,
        /// Where its events start in [`Builder::log`], when it is an anchor being recorded.
        log_start: Option<usize>,
    },
    Map {
        span: Span,
        entries: MapEntries,
        key: Option<Node>,
        anchor: usize,
        /// Where its events start in [`Builder::log`], when it is an anchor being recorded.
        log_start: Option<usize>,
    },
}

/// The entries of a mapping under construction, indexed by key so that duplicate detection
/// and merging stay linear in the mapping's size (a 3 MiB mapping has ~300,000 keys).
#[derive(Default)]
struct MapEntries {
    entries: Vec<(Node, Node)>,
    /// Per entry: whether it came from a `<<` merge (an explicit key may override it).
    merged: Vec<bool>,
    /// The position of the entry for each scalar key's text ([`Node::as_str`]).
    index: BTreeMap<String, usize>,
    /// Whether an entry has a null key (the only keys without text).
    has_null_key: bool,
}

impl MapEntries {
    /// The position of the entry whose key has the same text as `key`.
    fn position(&self, key: &Node) -> Option<usize> {
        key.as_str().and_then(|k| self.index.get(k).copied())
    }

    fn push(&mut self, key: Node, value: Node, merged: bool) {
        match key.as_str() {
            Some(k) => {
                self.index
                    .entry(k.to_string())
                    .or_insert(self.entries.len());
            }
            None => self.has_null_key = true,
        }
        self.entries.push((key, value));
        self.merged.push(merged);
    }

    /// Adds `key: value`, applying `<<` merge keys as go-yaml does; returns a problem for a
    /// duplicate or non-scalar key.
    fn add(&mut self, key: Node, value: Node) -> Option<Problem> {
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
                        let present = match k.as_str() {
                            Some(_) => self.position(&k).is_some(),
                            None => self.has_null_key,
                        };
                        if !present {
                            self.push(k, v, true);
                        }
                    }
                }
            }
            return None;
        }
        let existing = self.position(&key);
        if let Some(i) = existing
            && self.merged.get(i) == Some(&true)
            && let (Some(entry), Some(merged)) = (self.entries.get_mut(i), self.merged.get_mut(i))
        {
            // An explicit key overrides a merged one, whatever the order (go-yaml v2).
            *entry = (key, value);
            *merged = false;
            return None;
        }
        if let Some((first, _)) = existing.and_then(|i| self.entries.get(i)) {
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
        self.push(key, value, false);
        None
    }
}

struct Builder<'a> {
    src: &'a str,
    limits: Limits,
    /// Byte offset of each char, only for non-ASCII input (saphyr counts chars).
    char_bytes: Option<Vec<usize>>,
    stack: Vec<Frame>,
    /// The events of every anchored node of the current document, in order; an alias is
    /// expanded by replaying its anchor's events. Copying events instead of cloning finished
    /// nodes means an anchor costs nothing until it is used, alias expansion is charged node
    /// by node before anything is built, and an expanded alias is subject to the depth limit
    /// like any other node (so no tree is ever deeper than [`Limits::max_depth`]).
    log: Vec<(Event<'a>, Span)>,
    /// Anchor id to its events in `log` (a half-open range).
    anchors: BTreeMap<usize, (usize, usize)>,
    /// How many anchored containers are open (their events are being recorded).
    recording: usize,
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
            log: Vec::new(),
            anchors: BTreeMap::new(),
            recording: 0,
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
            self.event(ev, span, None)?;
        }
        Ok(())
    }

    /// Records `ev` if it belongs to an anchored node being read (never while replaying).
    fn record(&mut self, ev: &Event<'a>, span: Span, replay: Option<Span>, anchored: bool) {
        if replay.is_none() && (self.recording > 0 || anchored) {
            self.log.push((ev.clone(), span));
        }
    }

    /// Handles one event; `replay` is the alias being expanded, if the event is a copy.
    fn event(&mut self, ev: Event<'a>, span: Span, replay: Option<Span>) -> Result<(), Problem> {
        match ev {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
            Event::DocumentStart(_) => {
                self.anchors.clear();
                self.log.clear();
                self.recording = 0;
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
                self.record(&ev, span, replay, false);
                self.expand_alias(id, replay.unwrap_or(span))?;
            }
            Event::Scalar(ref text, style, anchor, ref tag) => {
                self.record(&ev, span, replay, anchor > 0);
                if anchor > 0 && replay.is_none() {
                    let i = self.log.len().saturating_sub(1);
                    self.anchors.insert(anchor, (i, i + 1));
                }
                let tag = tag.as_ref().map(|t| t.suffix.as_str());
                let node = resolve_scalar(text, style, tag, span);
                self.push_node(node);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                self.enter(replay.unwrap_or(span))?;
                self.record(&ev, span, replay, anchor > 0);
                let log_start = (anchor > 0 && replay.is_none()).then(|| {
                    self.recording += 1;
                    self.log.len().saturating_sub(1)
                });
                self.stack.push(if matches!(ev, Event::SequenceStart(..)) {
                    Frame::Seq {
                        span,
                        items: Vec::new(),
                        anchor,
                        log_start,
                    }
                } else {
                    Frame::Map {
                        span,
                        entries: MapEntries::default(),
                        key: None,
                        anchor,
                        log_start,
                    }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.record(&ev, span, replay, false);
                let (node, anchor, log_start) = match self.stack.pop() {
                    Some(Frame::Seq {
                        span,
                        items,
                        anchor,
                        log_start,
                    }) => (
                        Node {
                            value: Value::Seq(items),
                            span,
                            raw: String::new(),
                        },
                        anchor,
                        log_start,
                    ),
                    Some(Frame::Map {
                        span,
                        entries,
                        anchor,
                        log_start,
                        ..
                    }) => (
                        Node {
                            value: Value::Map(entries.entries),
                            span,
                            raw: String::new(),
                        },
                        anchor,
                        log_start,
                    ),
                    None => return Ok(()),
                };
                if let Some(start) = log_start {
                    self.recording = self.recording.saturating_sub(1);
                    self.anchors.insert(anchor, (start, self.log.len()));
                }
                self.push_node(node);
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

    /// Expands an alias by replaying its anchor's events, charging every node it makes
    /// against [`Limits::max_alias_nodes`]; `origin` is the alias as written.
    fn expand_alias(&mut self, id: usize, origin: Span) -> Result<(), Problem> {
        let Some(&(start, end)) = self.anchors.get(&id) else {
            return Err(Problem::new(origin, "", "yaml: unknown anchor referenced"));
        };
        for i in start..end {
            let Some((ev, span)) = self.log.get(i).cloned() else {
                break;
            };
            if matches!(
                ev,
                Event::Scalar(..) | Event::SequenceStart(..) | Event::MappingStart(..)
            ) {
                self.alias_nodes += 1;
                if self.alias_nodes > self.limits.max_alias_nodes {
                    return Err(Problem::new(
                        origin,
                        "",
                        format!(
                            "yaml: aliases expand to more than {} nodes; refusing a document built to exhaust memory",
                            self.limits.max_alias_nodes
                        ),
                    ));
                }
            }
            self.event(ev, span, Some(origin))?;
        }
        Ok(())
    }

    /// Adds a finished node to the container being built, or makes it the document root.
    fn push_node(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => self.doc_root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => {
                    if let Some(p) = entries.add(k, node) {
                        self.problems.push(p);
                    }
                }
            },
        }
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

    #[test]
    fn an_alias_is_a_copy_of_its_anchor_with_the_anchors_positions() {
        // go-yaml v2 decode.go alias(): the alias decodes the anchored node again.
        let n = one("a: &x {k: [1, 2]}\nb: *x\n");
        assert_eq!(n.get("a"), n.get("b"));
        let k = n.get("b").and_then(|b| b.get("k")).expect("k");
        assert_eq!((k.span.line, k.span.col), (1, 11));
    }

    #[test]
    fn an_alias_names_the_latest_anchor_of_that_name_and_nested_aliases_expand() {
        // YAML 1.2 §3.2.2.2: an alias refers to the most recent preceding node with the anchor.
        let n = one("a: &x 1\nb: &y [*x, &x 2]\nc: *x\nd: *y\n");
        let v = |k: &str| n.get(k).map(|v| v.value.clone());
        assert_eq!(v("c"), Some(Value::Int(2)));
        let d: Vec<Value> = n
            .get("d")
            .and_then(Node::as_seq)
            .expect("d")
            .iter()
            .map(|i| i.value.clone())
            .collect();
        assert_eq!(d, vec![Value::Int(1), Value::Int(2)]);
    }

    #[test]
    fn an_alias_inside_its_own_anchor_is_unknown() {
        let p = parse_stream("a: &x [*x]\n", &Limits::default());
        assert!(
            p.problems
                .iter()
                .any(|p| p.message == "yaml: unknown anchor referenced"),
            "{:?}",
            p.problems
        );
    }

    #[test]
    fn aliases_count_towards_the_depth_limit() {
        // Regression (tests/integration/props.rs): each anchor nests the previous alias 95
        // levels deeper; expanded, 45 of them made a tree ~4,300 levels deep from 9 KB of text,
        // and copying it overflowed the stack.
        let mut s = String::from("a0: &a0 x\n");
        for i in 1..=45 {
            s.push_str(&format!(
                "a{i}: &a{i} {}*a{}{}\n",
                "[".repeat(95),
                i - 1,
                "]".repeat(95)
            ));
        }
        let p = parse_stream(&s, &Limits::default());
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert_eq!(
            p.problems[0].message,
            "yaml: nesting deeper than 100 levels is not accepted"
        );
        // Reported at the alias that went too deep (line 3: `a2: &a2 [[…*a1…]]`).
        assert_eq!(p.problems[0].span.line, 3);
    }

    #[test]
    fn the_alias_budget_counts_every_expanded_node() {
        // 10 aliases of a 10,001-node sequence: 100,010 nodes, just over the limit.
        let s = format!(
            "a: &a [{}]\nb: [{}]\n",
            "1, ".repeat(10_000),
            "*a, ".repeat(10)
        );
        let p = parse_stream(&s, &Limits::default());
        assert!(
            p.problems
                .iter()
                .any(|p| p.message.contains("aliases expand")),
            "{:?}",
            p.problems
        );
        let s = format!(
            "a: &a [{}]\nb: [{}]\n",
            "1, ".repeat(10_000),
            "*a, ".repeat(9)
        );
        assert!(parse_stream(&s, &Limits::default()).problems.is_empty());
    }

    #[test]
    fn anchors_that_no_alias_uses_cost_no_copies() {
        // Regression (tests/integration/props.rs): every anchored node was cloned when
        // defined, so 98 nested anchors around a 100,000-item sequence copied it 98 times
        // (600 KB of text, 1.1 GB of memory, 3.6 s in release).
        let s = format!(
            "{}[{}]{}\n",
            (0..95).map(|i| format!("&a{i} {{k: ")).collect::<String>(),
            "1,".repeat(100_000),
            "}".repeat(95)
        );
        let start = std::time::Instant::now();
        let p = parse_stream(&s, &Limits::default());
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert!(start.elapsed() < std::time::Duration::from_secs(20));
    }

    #[test]
    fn duplicate_keys_are_found_in_linear_time() {
        // Regression (tests/integration/props.rs): each key was compared with every earlier
        // key, so 40,000 keys took 3 s (release) and a 3 MiB mapping (~250,000 keys) minutes.
        let mut s: String = (0..50_000).map(|i| format!("k{i}: v\n")).collect();
        s.push_str("k49999: w\n1: a\n\"1\": b\n");
        let start = std::time::Instant::now();
        let p = parse_stream(&s, &Limits::default());
        assert!(start.elapsed() < std::time::Duration::from_secs(20));
        let messages: Vec<&str> = p.problems.iter().map(|p| p.message.as_str()).collect();
        // Keys compare by their text, as go-yaml's strict decoding does for 1 and "1".
        assert_eq!(
            messages,
            vec![
                "yaml: key \"k49999\" already set in map (first set at line 50000)",
                "yaml: key \"1\" already set in map (first set at line 50002)",
            ]
        );
    }

    #[test]
    fn an_explicit_key_overrides_a_merged_one_in_either_order() {
        let n = one("b: &b {x: 1, y: 2}\nd:\n  y: 3\n  <<: *b\n");
        let d = n.get("d").expect("d");
        assert_eq!(d.get("y").map(|v| v.value.clone()), Some(Value::Int(3)));
        assert_eq!(d.get("x").map(|v| v.value.clone()), Some(Value::Int(1)));
    }

    #[test]
    fn reading_a_file_stops_after_the_size_limit() {
        let limits = Limits {
            max_bytes: 16,
            ..Limits::default()
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let small = dir.path().join("small.yaml");
        std::fs::write(&small, "a: 1\n").expect("write");
        assert_eq!(read_file(&small, &limits).expect("small file"), "a: 1\n");
        let big = dir.path().join("big.yaml");
        std::fs::write(&big, "a: 1\n".repeat(10)).expect("write");
        let e = read_file(&big, &limits).expect_err("too big");
        assert_eq!(
            e.to_string(),
            "the file is larger than the 16 bytes a request body may carry"
        );
        // A device that never ends is refused (regression: it was read until memory ran out).
        if Path::new("/dev/zero").exists() {
            let e = read_file(Path::new("/dev/zero"), &Limits::default()).expect_err("device");
            assert_eq!(
                path_problem("/dev/zero", &e).as_deref(),
                Some("the path \"/dev/zero\" is not a regular file (a character device)")
            );
        }
    }

    #[test]
    fn only_regular_files_are_read_and_the_rest_are_named_for_what_they_are() {
        let dir = tempfile::tempdir().expect("tempdir");
        let e = read_file(dir.path(), &Limits::default()).expect_err("a directory");
        assert_eq!(
            path_problem("d", &e).as_deref(),
            Some("the path \"d\" is not a regular file (a directory)")
        );
        let missing = dir.path().join("missing.yaml");
        let e = read_file(&missing, &Limits::default()).expect_err("missing");
        assert_eq!(
            path_problem("missing.yaml", &e).as_deref(),
            Some("the path \"missing.yaml\" does not exist")
        );
        // A link to a regular file is read.
        #[cfg(unix)]
        {
            let target = dir.path().join("t.yaml");
            std::fs::write(&target, "a: 1\n").expect("write");
            let link = dir.path().join("l.yaml");
            std::os::unix::fs::symlink(&target, &link).expect("symlink");
            assert_eq!(
                read_file(&link, &Limits::default()).expect("link"),
                "a: 1\n"
            );
        }
        // Other errors are left to the caller's wording.
        let other = io::Error::other("boom");
        assert_eq!(path_problem("x", &other), None);
    }
}
