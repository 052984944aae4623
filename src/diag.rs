//! Problems found in user input, with the place they were found.
//!
//! Every loader (scenario, manifest, command line) reports [`Problem`]s instead of stopping
//! at the first error, so a user sees everything wrong with a file in one run (docs/outputs.md).
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

impl Span {
    /// The first `needle` at or after this span's start on the same line of `source`, as a
    /// span of its own; this span when there is none. Puts the caret under the one word of a
    /// command line (a flag, a file name) that a problem is about.
    pub fn narrow_to(self, source: &str, needle: &str) -> Span {
        let Some(line_index) = (self.line as usize).checked_sub(1) else {
            return self;
        };
        let Some((line_start, text)) = source
            .split_inclusive('\n')
            .scan(0, |start, l| {
                let this = *start;
                *start += l.len();
                Some((this, l.trim_end_matches(['\n', '\r'])))
            })
            .nth(line_index)
        else {
            return self;
        };
        let col = (self.col as usize).saturating_sub(1);
        let Some(at) = text.char_indices().nth(col).map(|(b, _)| b) else {
            return self;
        };
        match text.get(at..).and_then(|rest| rest.find(needle)) {
            Some(k) if !needle.is_empty() => Span {
                offset: line_start + at + k,
                len: needle.len(),
                line: self.line,
                col: self.col.saturating_add(
                    u32::try_from(text[at..at + k].chars().count()).unwrap_or(u32::MAX),
                ),
            },
            _ => self,
        }
    }
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

/// Renders problems for a person and for `grep`: per problem, one stable headline
/// `FILE:LINE:COL: error: PATH: MESSAGE` (the layout rustc, gcc and editors understand),
/// then miette's snippet of the offending line with a caret, then `help:` when there is a
/// suggestion.
///
/// The miette handler is configured here, not from the environment: no colour, no links,
/// no wrapping, Unicode box drawing. The same input gives the same bytes on a terminal, in
/// a pipe and in tests; colour was judged not worth a second output format.
pub fn render(file: &str, source: &str, problems: &[Problem]) -> String {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_links(false)
            .with_urls(false)
            .with_wrap_lines(false)
            .with_width(usize::MAX / 2)
            .with_context_lines(1)
            .without_primary_span_start()
            .without_syntax_highlighting()
            .without_cause_chain();
    // The prefix miette puts before the headline; the headline must start its line.
    let marker = format!(
        "  {} ",
        miette::GraphicalTheme::unicode_nocolor().characters.error
    );
    let mut out = String::new();
    for p in problems {
        let report = Report::new(file, source, p);
        let mut text = String::new();
        if handler.render_report(&mut text, &report).is_err() {
            // Writing to a String cannot fail; keep the headline if miette ever does.
            text = format!("{}\n", report.headline);
        }
        out.push_str(text.strip_prefix(&marker).unwrap_or(&text));
    }
    out
}

/// A problem as miette sees it: the headline as its message, the source and one label.
#[derive(Debug)]
struct Report<'a> {
    headline: String,
    source: &'a str,
    label: Option<miette::LabeledSpan>,
    help: Option<String>,
}

impl<'a> Report<'a> {
    fn new(file: &str, source: &'a str, p: &Problem) -> Self {
        let location = if p.span.line == 0 {
            format!("{file}:")
        } else {
            format!("{file}:{}:{}:", p.span.line, p.span.col)
        };
        let mut lines = p.message.lines();
        let first = lines.next().unwrap_or_default();
        let mut headline = if p.path.is_empty() {
            format!("{location} error: {first}")
        } else {
            format!("{location} error: {}: {first}", p.path)
        };
        // kubectl's multi-line messages keep their further lines, under the headline.
        for l in lines {
            headline.push('\n');
            headline.push_str(l);
        }
        Report {
            headline,
            source,
            label: caret(source, p.span),
            help: p.help.clone(),
        }
    }
}

/// The byte range to underline: from the problem's line and column (the authority, since the
/// headline shows them) to the end of its span, clipped to that line. `None` when the line
/// is not in `source` (a file that could not be read).
fn caret(source: &str, span: Span) -> Option<miette::LabeledSpan> {
    let line_index = usize::try_from(span.line).ok()?.checked_sub(1)?;
    let mut start = 0;
    for (i, l) in source.split_inclusive('\n').enumerate() {
        if i == line_index {
            let text = l.trim_end_matches(['\n', '\r']);
            let col = usize::try_from(span.col).unwrap_or(1).saturating_sub(1);
            let at = text.char_indices().nth(col).map_or(text.len(), |(b, _)| b);
            // A point still underlines the character it points at.
            let len = span.len.max(1).min(text.len() - at);
            return Some(miette::LabeledSpan::new_primary_with_span(
                None,
                (start + at, len),
            ));
        }
        start += l.len();
    }
    None
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.label
            .as_ref()
            .map(|_| &self.source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.label
            .clone()
            .map(|l| Box::new(std::iter::once(l)) as Box<dyn Iterator<Item = _>>)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h.as_str()) as Box<dyn fmt::Display + 'b>)
    }
}

/// Edit-distance suggestion: the closest candidate within a third of the word's length, as
/// kubectl and clap suggest mistyped names. Swapping two neighbouring letters (`Pdo` for
/// `Pod`) counts as one edit (optimal string alignment distance), the commonest typo.
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

/// Optimal string alignment distance, ignoring ASCII case.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    // Rows i-2, i-1 and i of the dynamic-programming table.
    let mut before: Vec<usize> = Vec::new();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j - 1] + cost).min(prev[j] + 1).min(cur[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d;
        }
        before = std::mem::replace(&mut prev, cur);
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
    fn did_you_mean_counts_swapped_neighbours_as_one_edit() {
        // "Pdo" is two Levenshtein edits from "Pod" but one swap.
        assert_eq!(
            did_you_mean("Pdo", ["Pod", "Service", "Secret"]),
            Some("Pod")
        );
        assert_eq!(edit_distance("ca", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    fn span(offset: usize, len: usize, line: u32, col: u32) -> Span {
        Span {
            offset,
            len,
            line,
            col,
        }
    }

    #[test]
    fn render_gives_a_greppable_headline_then_the_line_with_a_caret_and_help() {
        let src = "a: 1\nbad: x\nc: 3\n";
        let p = Problem::new(span(10, 1, 2, 6), "bad", "nope").with_help("did you mean \"b\"?");
        assert_eq!(
            render("f.yaml", src, &[p]),
            "f.yaml:2:6: error: bad: nope\n   \u{256d}\u{2500}\u{2500}\u{2500}\u{2500}\n 1 \u{2502} a: 1\n 2 \u{2502} bad: x\n   \u{b7}      \u{2500}\n 3 \u{2502} c: 3\n   \u{2570}\u{2500}\u{2500}\u{2500}\u{2500}\n  help: did you mean \"b\"?\n"
        );
    }

    #[test]
    fn render_without_a_position_names_the_file_alone() {
        let p = Problem::new(Span::default(), "", "the path \"x.yaml\" does not exist");
        assert_eq!(
            render("x.yaml", "", &[p]),
            "x.yaml: error: the path \"x.yaml\" does not exist\n"
        );
    }

    #[test]
    fn render_places_the_caret_by_line_and_column_and_clips_it_to_the_line() {
        // The offset is wrong on purpose and the length runs past the line: line and column
        // are what the headline shows, so the caret follows them.
        let src = "key: value\n";
        let p = Problem::new(span(0, 99, 1, 6), "key", "bad");
        let out = render("f.yaml", src, &[p]);
        assert!(
            out.contains(
                " 1 \u{2502} key: value\n   \u{b7}      \u{2500}\u{2500}\u{2500}\u{2500}\u{2500}\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn render_keeps_further_message_lines_under_the_headline() {
        let p = Problem::new(span(0, 0, 9, 1), "", "first\nsecond");
        assert_eq!(
            render("f.yaml", "", &[p]),
            "f.yaml:9:1: error: first\n  \u{2502} second\n"
        );
    }

    #[test]
    fn render_reports_every_problem_in_order() {
        let src = "a: 1\nb: 2\n";
        let out = render(
            "f.yaml",
            src,
            &[
                Problem::new(span(0, 1, 1, 1), "a", "one"),
                Problem::new(span(5, 1, 2, 1), "b", "two"),
            ],
        );
        let headlines: Vec<&str> = out.lines().filter(|l| l.starts_with("f.yaml")).collect();
        assert_eq!(
            headlines,
            ["f.yaml:1:1: error: a: one", "f.yaml:2:1: error: b: two"]
        );
    }

    #[test]
    fn narrow_to_finds_a_word_after_the_column_on_the_same_line() {
        let src = "steps:\n  run: kubectl get pods --colour\n";
        let run = span(14, 30, 2, 8);
        assert_eq!(run.narrow_to(src, "--colour"), span(31, 8, 2, 25));
        assert_eq!(run.narrow_to(src, "--nope"), run);
        assert_eq!(run.narrow_to(src, "steps"), run);
    }

    #[test]
    fn render_copes_with_tabs_wide_characters_crlf_empty_lines_and_far_positions() {
        let src = "a:\tb\r\nnäme: ü\r\n\r\nend\n";
        let problems = [
            Problem::new(span(3, 1, 1, 3), "a", "tab"),
            Problem::new(span(13, 2, 2, 7), "näme", "wide"),
            Problem::new(span(0, 0, 3, 1), "", "empty line"),
            Problem::new(span(0, 0, 99, 99), "", "past the end"),
            Problem::new(span(0, 5, 4, 40), "", "past the line"),
        ];
        let out = render("f.yaml", src, &problems);
        let headlines: Vec<&str> = out.lines().filter(|l| l.starts_with("f.yaml")).collect();
        assert_eq!(
            headlines,
            [
                "f.yaml:1:3: error: a: tab",
                "f.yaml:2:7: error: näme: wide",
                "f.yaml:3:1: error: empty line",
                "f.yaml:99:99: error: past the end",
                "f.yaml:4:40: error: past the line",
            ]
        );
        assert!(
            out.contains(" 2 \u{2502} näme: ü\n   \u{b7}       \u{2500}\n"),
            "{out}"
        );
    }
}
