//! Writes a YAML tree back as block-style YAML, so a scenario edited by `--set` is checked
//! and run by the same loader as any file. Multi-line strings become literal blocks (`|`),
//! which keeps an inline manifest's lines exact for its messages. The text is read back and
//! compared with the tree; if a value would not survive (an odd string), every string is
//! written double-quoted instead, and if even that differs the error says it is a kubesim bug.

use crate::manifest::tree::{Node, Value};
use crate::manifest::yaml::{Limits, parse_stream};

/// The tree as YAML text that reads back to the same values.
pub fn to_yaml(root: &Node) -> Result<String, String> {
    for quote_all in [false, true] {
        let mut out = String::new();
        Emitter { quote_all }.document(&mut out, root);
        let back = parse_stream(&out, &Limits::default());
        if back.problems.is_empty() && back.docs.len() == 1 && same(&back.docs[0], root) {
            return Ok(out);
        }
    }
    Err("the scenario with the overrides cannot be written back as YAML (a kubesim bug; please report it)".into())
}

/// Whether two trees hold the same values (positions aside; scalars other than strings by
/// their text, which is what the loader reads for `kubernetesVersion: 1.35`).
fn same(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Null, Value::Null) => true,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y && a.raw == b.raw,
        (Value::Int(x), Value::Int(y)) => x == y && a.raw == b.raw,
        (Value::Float(_), Value::Float(_)) => a.raw == b.raw,
        (Value::Seq(x), Value::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k1, v1), (k2, v2))| same(k1, k2) && same(v1, v2))
        }
        _ => false,
    }
}

struct Emitter {
    /// Write every string double-quoted (the fallback).
    quote_all: bool,
}

impl Emitter {
    fn document(&self, out: &mut String, root: &Node) {
        match &root.value {
            Value::Map(entries) if !entries.is_empty() => self.entries(out, entries, 0),
            Value::Seq(items) if !items.is_empty() => self.items(out, items, 0),
            _ => {
                out.push_str(&self.scalar(root));
                out.push('\n');
            }
        }
    }

    fn entries(&self, out: &mut String, entries: &[(Node, Node)], indent: usize) {
        self.entries_from(out, entries, indent, false);
    }

    /// The entries; with `inline_first`, the first goes on the current line (after `- `).
    fn entries_from(
        &self,
        out: &mut String,
        entries: &[(Node, Node)],
        indent: usize,
        inline_first: bool,
    ) {
        for (i, (k, v)) in entries.iter().enumerate() {
            if !(inline_first && i == 0) {
                out.push_str(&" ".repeat(indent));
            }
            out.push_str(&self.scalar(k));
            out.push(':');
            self.after(out, v, indent);
        }
    }

    fn items(&self, out: &mut String, items: &[Node], indent: usize) {
        for item in items {
            out.push_str(&" ".repeat(indent));
            match &item.value {
                Value::Map(entries) if !entries.is_empty() => {
                    out.push_str("- ");
                    self.entries_from(out, entries, indent + 2, true);
                }
                _ => {
                    out.push('-');
                    self.after(out, item, indent);
                }
            }
        }
    }

    /// A value after `key:` or `-` at `indent`: inline when a scalar, else on the lines below.
    fn after(&self, out: &mut String, v: &Node, indent: usize) {
        match &v.value {
            Value::Map(entries) if !entries.is_empty() => {
                out.push('\n');
                self.entries(out, entries, indent + 2);
            }
            Value::Seq(items) if !items.is_empty() => {
                out.push('\n');
                self.items(out, items, indent + 2);
            }
            Value::Str(s) if !self.quote_all && literal_ok(s) => {
                let chomp = if !s.ends_with('\n') {
                    "-"
                } else if s.ends_with("\n\n") {
                    "+"
                } else {
                    ""
                };
                out.push_str(&format!(" |{chomp}\n"));
                let body = s.strip_suffix('\n').unwrap_or(s);
                for line in body.split('\n') {
                    if !line.is_empty() {
                        out.push_str(&" ".repeat(indent + 2));
                        out.push_str(line);
                    }
                    out.push('\n');
                }
            }
            _ => {
                out.push(' ');
                out.push_str(&self.scalar(v));
                out.push('\n');
            }
        }
    }

    /// A scalar (or an empty collection) on one line.
    fn scalar(&self, v: &Node) -> String {
        match &v.value {
            Value::Null => "null".into(),
            Value::Bool(_) | Value::Int(_) | Value::Float(_) => v.raw.clone(),
            Value::Str(s) if !self.quote_all && plain_ok(s) => s.clone(),
            // ok: serialising a str cannot fail.
            Value::Str(s) => serde_json::to_string(s).expect("a string serialises"),
            Value::Seq(_) => "[]".into(),
            Value::Map(_) => "{}".into(),
        }
    }
}

/// A string that reads back as itself when written plain: no indicator first, no `: ` or
/// ` #` inside, no surrounding spaces, and not another type (`10`, `true`, `null`).
fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || s.trim() != s
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.chars().any(char::is_control)
    {
        return false;
    }
    let back = parse_stream(s, &Limits::default());
    back.problems.is_empty()
        && matches!(back.docs.as_slice(), [n] if n.value == Value::Str(s.to_string()))
}

/// A multi-line string a literal block keeps verbatim.
fn literal_ok(s: &str) -> bool {
    s.contains('\n')
        && !s.trim_start_matches('\n').starts_with([' ', '\t'])
        && !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
        && s.split('\n').all(|l| l.is_empty() || !l.trim().is_empty())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The first document of `text`.
    pub(crate) fn tree(text: &str) -> Node {
        parse_stream(text, &Limits::default())
            .docs
            .into_iter()
            .next()
            .expect("one document")
    }

    #[test]
    fn a_scenario_reads_back_the_same_after_writing() {
        let text = "name: x\nversion: 1.35\ncount: 010\nquoted: \"10\"\nempty:\nlist: []\nsteps:\n- at: 0s\n  run: 'kubectl get pods # not a comment'\n- apply: |\n    kind: Pod\n    metadata:\n      name: a\n\n    # comment\nspace: \" lead\"\nnested:\n- - a\n  - b: c\n";
        let t = tree(text);
        let out = to_yaml(&t).unwrap();
        assert!(same(&tree(&out), &t), "{out}");
        // Multi-line strings stay literal blocks, so inline manifests keep their lines.
        assert!(out.contains("  - apply: |\n      kind: Pod\n"), "{out}");
        assert!(out.contains("quoted: \"10\"\n"), "{out}");
    }

    proptest::proptest! {
        #[test]
        fn any_yaml_document_writes_back_to_the_same_values(body in "[ -~\n]{0,120}") {
            let parsed = parse_stream(&body, &Limits::default());
            if parsed.problems.is_empty() && let [root] = parsed.docs.as_slice() {
                proptest::prop_assert!(to_yaml(root).is_ok(), "{body:?}");
            }
        }
    }
}
