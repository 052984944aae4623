//! Problems found in user input, with the place they were found.
//!
//! Every loader (scenario, manifest, command line) reports [`Problem`]s instead of stopping
//! at the first error, so a user sees everything wrong with a file in one run (CONTRACT §3).
//! Rendering (file name, caret line) happens once, at the edge, in [`render`].

use std::fmt;

/// A region of one source text. `line` is 1-based, `col` is 1-based and counted in
/// characters, as editors and rustc show them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// Byte offset of the first byte.
    pub offset: usize,
    /// Length in bytes (0 for a point).
    pub len: usize,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub col: u32,
}

/// One thing wrong with the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where in the source text.
    pub span: Span,
    /// The field path in Kubernetes' notation (`spec.template.spec.containers[0].image`), or
    /// empty when the problem is not about one field (YAML syntax).
    pub path: String,
    /// What is wrong, in Kubernetes' or kubectl's wording where one exists.
    pub message: String,
    /// A suggestion (`did you mean "replicas"?`), when there is one.
    pub help: Option<String>,
}

impl Problem {
    /// A problem at `span` about the field `path`.
    pub fn new(span: Span, path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            span,
            path: path.into(),
            message: message.into(),
            help: None,
        }
    }

    /// The same problem with a suggestion attached.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)?;
        } else {
            write!(f, "{}: {}", self.path, self.message)?;
        }
        if let Some(h) = &self.help {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}

/// Renders problems as `file:line:col: error: path: message`, followed by the offending line
/// and a caret, the layout rustc and most editors understand.
pub fn render(file: &str, source: &str, problems: &[Problem]) -> String {
    let mut out = String::new();
    for p in problems {
        out.push_str(&format!(
            "{file}:{}:{}: error: {p}\n",
            p.span.line, p.span.col
        ));
        if let Some(text) = source.lines().nth((p.span.line as usize).saturating_sub(1)) {
            out.push_str(&format!("  | {text}\n"));
            let pad: String = text
                .chars()
                .take((p.span.col as usize).saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            out.push_str(&format!("  | {pad}^\n"));
        }
    }
    out
}

/// Levenshtein-based suggestion: the closest candidate within a third of the word's length,
/// as kubectl and clap do for mistyped names.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(!ca.eq_ignore_ascii_case(cb));
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_a_one_letter_typo() {
        assert_eq!(
            did_you_mean("replicaz", ["replicas", "selector"]),
            Some("replicas")
        );
        assert_eq!(did_you_mean("zzz", ["replicas", "selector"]), None);
    }

    #[test]
    fn render_points_a_caret_at_the_column() {
        let src = "a: 1\nbad: x\n";
        let p = Problem::new(
            Span {
                offset: 10,
                len: 1,
                line: 2,
                col: 6,
            },
            "bad",
            "nope",
        );
        let out = render("f.yaml", src, &[p]);
        assert_eq!(
            out,
            "f.yaml:2:6: error: bad: nope\n  | bad: x\n  |      ^\n"
        );
    }
}
