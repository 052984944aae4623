//! Finds the node a field path names, so a validation problem's caret sits under the field
//! it is about.
//!
//! The API server's validators (kubernetes `pkg/apis/*/validation`) report a field path
//! (`spec.selector.matchExpressions[0].operator`) and no position; kubesim's extractors often
//! know only an enclosing node. Walking the path through the spanned tree recovers the exact
//! place. A problem whose bad value is one entry of a map or list (`metadata.labels:
//! Invalid value: "-bad-"`, where Kubernetes names the map, not the entry) points at that
//! entry's key.

use crate::diag::{Problem, Span};
use crate::manifest::tree::Node;

/// Moves `problem`'s span to the node its path names when that node lies further into the
/// document than the span it has (the path only descends, so a later node is a more precise
/// one); otherwise leaves it as it is.
pub fn refine(root: &Node, problem: &mut Problem) {
    let Some(node) = resolve(root, &problem.path) else {
        return;
    };
    let span = bad_entry(node, &problem.message).unwrap_or(node.span);
    if span.offset > problem.span.offset {
        problem.span = span;
    }
}

/// One step of a field path.
#[derive(Debug, PartialEq, Eq)]
enum Step<'a> {
    /// `.name` or `[key]`.
    Key(&'a str),
    /// `[3]`.
    Index(usize),
}

/// Splits `spec.containers[0].resources.requests[cpu]` into its steps; `None` when it is not
/// a field path.
fn steps(path: &str) -> Option<Vec<Step<'_>>> {
    let mut out = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        rest = rest.strip_prefix('.').unwrap_or(rest);
        if let Some(inner) = rest.strip_prefix('[') {
            let close = inner.find(']')?;
            let key = &inner[..close];
            out.push(match key.parse::<usize>() {
                Ok(i) => Step::Index(i),
                Err(_) => Step::Key(key),
            });
            rest = &inner[close + 1..];
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            if end == 0 {
                return None;
            }
            out.push(Step::Key(&rest[..end]));
            rest = &rest[end..];
        }
    }
    Some(out)
}

/// The node at `path` under `root`, or the deepest one reached before the path left the tree.
fn resolve<'n>(root: &'n Node, path: &str) -> Option<&'n Node> {
    let steps = steps(path)?;
    if steps.is_empty() {
        return None;
    }
    let mut node = root;
    for step in steps {
        let next = match step {
            Step::Key(k) => node.get(k),
            Step::Index(i) => node.as_seq().and_then(|s| s.get(i)),
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    Some(node)
}

/// For `Invalid value: "x": …` about a map or list: the span of the entry whose key or value
/// is `x` (of its key, for a map).
fn bad_entry(node: &Node, message: &str) -> Option<Span> {
    let quoted = message.strip_prefix("Invalid value: \"")?;
    let value = &quoted[..quoted.find('"')?];
    if let Some(entries) = node.as_map() {
        // The entry's key either way: the entry is what the user looks for.
        return entries
            .iter()
            .find(|(k, v)| k.as_str() == Some(value) || v.as_str() == Some(value))
            .map(|(k, _)| k.span);
    }
    node.as_seq()?
        .iter()
        .find(|n| n.as_str() == Some(value))
        .map(|n| n.span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::yaml::{Limits, parse_stream};

    fn doc(text: &str) -> Node {
        parse_stream(text, &Limits::default())
            .docs
            .into_iter()
            .next()
            .expect("one document")
    }

    fn at(line: u32, col: u32) -> Problem {
        Problem::new(
            Span {
                offset: 0,
                len: 0,
                line,
                col,
            },
            "",
            "",
        )
    }

    #[test]
    fn splits_dotted_indexed_and_keyed_steps() {
        assert_eq!(
            steps("spec.containers[0].resources.requests[cpu]"),
            Some(vec![
                Step::Key("spec"),
                Step::Key("containers"),
                Step::Index(0),
                Step::Key("resources"),
                Step::Key("requests"),
                Step::Key("cpu"),
            ])
        );
        assert_eq!(
            steps("metadata.annotations[kubernetes.io/x]"),
            Some(vec![
                Step::Key("metadata"),
                Step::Key("annotations"),
                Step::Key("kubernetes.io/x"),
            ])
        );
        assert_eq!(steps("a[0"), None);
    }

    #[test]
    fn moves_the_caret_from_an_enclosing_key_to_the_named_field() {
        let root =
            doc("spec:\n  selector:\n    matchExpressions:\n    - {key: app, operator: Equals}\n");
        let mut p = at(3, 5);
        p.span.offset = 19;
        p.path = "spec.selector.matchExpressions[0].operator".into();
        refine(&root, &mut p);
        assert_eq!((p.span.line, p.span.col), (4, 28));
    }

    #[test]
    fn points_at_the_map_entry_holding_the_invalid_value() {
        let root = doc("metadata:\n  labels:\n    ok: yes\n    \"-bad-\": x\n");
        let mut p = at(1, 1);
        p.path = "metadata.labels".into();
        p.message = "Invalid value: \"-bad-\": name part must consist of …".into();
        refine(&root, &mut p);
        assert_eq!((p.span.line, p.span.col), (4, 5));
    }

    #[test]
    fn keeps_a_span_more_precise_than_the_path() {
        let root = doc("metadata:\n  labels:\n    a: b\n");
        let mut p = at(3, 8);
        p.span.offset = 27;
        p.path = "metadata.labels".into();
        refine(&root, &mut p);
        assert_eq!((p.span.line, p.span.col), (3, 8));
    }
}
