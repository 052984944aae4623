//! A step's `run:` line split into words as a POSIX shell would, without expansion (docs/commands.md).
//!
//! Models the token recognition and quote removal of the POSIX Shell Command Language
//! (XCU §2.2 "Quoting" and §2.3 "Token Recognition"): blanks separate words, a backslash
//! quotes the next character, single quotes keep everything literal, double quotes keep
//! everything literal except `$`, `` ` ``, `\` and `"`.
//!
//! Simplification: kubesim never runs a shell, so everything a shell would *interpret* rather
//! than pass on — pipes, lists, redirections, expansions, globs, comments, subshells — is
//! rejected with a message naming the character and its column, instead of being silently
//! passed to kubectl as text. Inside quotes those characters are literal (`'a|b'` is fine),
//! except `$` and `` ` `` inside double quotes, which a shell still expands.

/// Splits one command line into words, or explains (with the column) what a shell would have
/// done with it that kubesim does not.
///
/// An empty or blank line gives no words; the caller decides whether that is an error.
pub fn split(line: &str) -> Result<Vec<String>, String> {
    Splitter::new(line).run()
}

/// Position of a character: 1-based line and 1-based column in characters.
#[derive(Clone, Copy)]
struct Pos {
    line: u32,
    col: u32,
}

impl Pos {
    fn describe(self) -> String {
        if self.line == 1 {
            format!("column {}", self.col)
        } else {
            format!("line {}, column {}", self.line, self.col)
        }
    }
}

struct Splitter<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    pos: Pos,
    words: Vec<String>,
    /// The word being built; `Some("")` after an empty quoted string (`''` is a word).
    word: Option<String>,
}

impl<'a> Splitter<'a> {
    fn new(line: &'a str) -> Self {
        Splitter {
            chars: line.chars().peekable(),
            pos: Pos { line: 1, col: 0 },
            words: Vec::new(),
            word: None,
        }
    }

    /// Takes the next character and advances the position to it.
    fn next(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        if c == '\n' {
            self.pos = Pos {
                line: self.pos.line.saturating_add(1),
                col: 0,
            };
        } else {
            self.pos.col = self.pos.col.saturating_add(1);
        }
        Some(c)
    }

    fn push(&mut self, c: char) {
        self.word.get_or_insert_with(String::new).push(c);
    }

    fn end_word(&mut self) {
        if let Some(w) = self.word.take() {
            self.words.push(w);
        }
    }

    fn fail(&self, at: Pos, what: &str) -> Result<Vec<String>, String> {
        Err(format!("{what} ({})", at.describe()))
    }

    fn run(mut self) -> Result<Vec<String>, String> {
        while let Some(c) = self.next() {
            let at = self.pos;
            match c {
                ' ' | '\t' => self.end_word(),
                '\n' => {
                    self.end_word();
                    // A newline ends a command; only blank lines may follow. Point at the
                    // first character of the second command.
                    let mut second = at;
                    for rest in self.chars.clone() {
                        if rest == '\n' {
                            second = Pos {
                                line: second.line.saturating_add(1),
                                col: 0,
                            };
                        } else {
                            second.col = second.col.saturating_add(1);
                            if !rest.is_whitespace() {
                                return self.fail(
                                    second,
                                    "a second command on a new line is not supported: kubesim runs one command per step",
                                );
                            }
                        }
                    }
                }
                '\\' => match self.next() {
                    // Backslash-newline is a line continuation: both characters vanish.
                    Some('\n') => {}
                    Some(escaped) => self.push(escaped),
                    None => {
                        return self.fail(at, "a backslash at the end of the line escapes nothing");
                    }
                },
                '\'' => {
                    self.word.get_or_insert_with(String::new);
                    loop {
                        match self.next() {
                            Some('\'') => break,
                            Some(inner) => self.push(inner),
                            None => {
                                return self.fail(
                                    at,
                                    "unterminated single quote: the quote opened here is never closed",
                                );
                            }
                        }
                    }
                }
                '"' => {
                    self.word.get_or_insert_with(String::new);
                    self.double_quoted(at)?;
                }
                '|' => {
                    if self.chars.peek() == Some(&'|') {
                        return self.fail(
                            at,
                            "`||` is not supported: kubesim runs one command per step",
                        );
                    }
                    return self.fail(
                        at,
                        "pipes are not supported: kubesim runs one command per step",
                    );
                }
                '&' => {
                    if self.chars.peek() == Some(&'&') {
                        return self.fail(
                            at,
                            "`&&` is not supported: kubesim runs one command per step",
                        );
                    }
                    return self.fail(
                        at,
                        "background jobs (`&`) are not supported: every step already runs as if in a terminal of its own",
                    );
                }
                ';' => {
                    return self.fail(
                        at,
                        "`;` is not supported: kubesim runs one command per step",
                    );
                }
                '<' | '>' => {
                    return self.fail(
                        at,
                        &format!(
                            "redirections (`{c}`) are not supported: kubesim runs no shell, so there is nothing to redirect"
                        ),
                    );
                }
                '(' | ')' => {
                    return self.fail(
                        at,
                        &format!(
                            "subshells (`{c}`) are not supported: kubesim runs one command per step; quote the word to pass `{c}` literally"
                        ),
                    );
                }
                '`' => {
                    return self.fail(
                        at,
                        "command substitution (`` ` ``) is not supported: kubesim runs no shell",
                    );
                }
                '$' => {
                    if let Some(msg) = expansion(self.chars.peek().copied(), false) {
                        return self.fail(at, &msg);
                    }
                    self.push('$');
                }
                '*' | '?' | '[' => {
                    return self.fail(
                        at,
                        &format!(
                            "pathname expansion (`{c}`) is not supported: kubesim runs no shell; quote the word to pass `{c}` literally"
                        ),
                    );
                }
                '~' if self.word.is_none() => {
                    return self.fail(
                        at,
                        "tilde expansion (`~`) is not supported: paths are relative to the scenario file's folder",
                    );
                }
                '#' if self.word.is_none() => {
                    return self.fail(
                        at,
                        "comments (`#`) are not supported in a step's command; quote the word to pass `#` literally",
                    );
                }
                other => self.push(other),
            }
        }
        self.end_word();
        Ok(self.words)
    }

    /// Reads up to the closing `"`; the opening quote was at `open`.
    fn double_quoted(&mut self, open: Pos) -> Result<(), String> {
        loop {
            let Some(c) = self.next() else {
                return Err(format!(
                    "unterminated double quote: the quote opened here is never closed ({})",
                    open.describe()
                ));
            };
            let at = self.pos;
            match c {
                '"' => return Ok(()),
                // Inside double quotes a backslash quotes only `$`, `` ` ``, `"`, `\` and newline.
                '\\' => match self.chars.peek().copied() {
                    Some('\n') => {
                        self.next();
                    }
                    Some(q @ ('$' | '`' | '"' | '\\')) => {
                        self.next();
                        self.push(q);
                    }
                    _ => self.push('\\'),
                },
                '$' => {
                    if let Some(msg) = expansion(self.chars.peek().copied(), true) {
                        return Err(format!("{msg} ({})", at.describe()));
                    }
                    self.push('$');
                }
                '`' => {
                    return Err(format!(
                        "command substitution (`` ` ``) is not supported, even inside double quotes: kubesim runs no shell ({})",
                        at.describe()
                    ));
                }
                other => self.push(other),
            }
        }
    }
}

/// What a shell would expand at a `$` followed by `next`, or `None` when the `$` is literal
/// (end of word, `$` before a blank or `/`, …).
fn expansion(next: Option<char>, quoted: bool) -> Option<String> {
    let why = "kubesim runs no shell and expands nothing; write the value itself";
    let suffix = if quoted {
        ", even inside double quotes"
    } else {
        ""
    };
    match next? {
        '{' => Some(format!(
            "parameter expansion (`${{…}}`) is not supported{suffix}: {why}"
        )),
        '(' => Some(format!(
            "command substitution (`$(…)`) is not supported{suffix}: {why}"
        )),
        '\'' | '"' if !quoted => Some(format!(
            "`$'…'` and `$\"…\"` quoting is not supported: {why}"
        )),
        c if c.is_ascii_alphanumeric() || "_@*#?$!-".contains(c) => Some(format!(
            "variable expansion (`${c}`) is not supported{suffix}: {why}"
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(line: &str) -> Vec<String> {
        match split(line) {
            Ok(w) => w,
            Err(e) => panic!("{line:?} should split, got {e}"),
        }
    }

    fn err(line: &str) -> String {
        match split(line) {
            Ok(w) => panic!("{line:?} should be rejected, got {w:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn blanks_separate_words_and_repeat_freely() {
        assert_eq!(ok("  kubectl   get\tpods  "), ["kubectl", "get", "pods"]);
        assert!(ok("").is_empty());
        assert!(ok("   \t ").is_empty());
    }

    #[test]
    fn single_quotes_keep_everything_literal() {
        // XCU 2.2.2: no character inside single quotes is special, backslash included.
        assert_eq!(
            ok(r"kubectl get pods -l 'app in (a,b)' 'x\y' 'a|b;c&d>e$F`g'"),
            [
                "kubectl",
                "get",
                "pods",
                "-l",
                "app in (a,b)",
                r"x\y",
                "a|b;c&d>e$F`g"
            ]
        );
    }

    #[test]
    fn double_quotes_keep_blanks_and_backslash_escapes_only_its_four_characters() {
        // XCU 2.2.3: inside "", backslash quotes only $ ` " \ and newline.
        assert_eq!(
            ok(r#""a b" "x\"y" "p\\q" "r\ns" "t\$""#),
            ["a b", "x\"y", r"p\q", r"r\ns", "t$"]
        );
    }

    #[test]
    fn backslash_outside_quotes_quotes_the_next_character() {
        assert_eq!(ok(r"a\ b \| \$X c\'d"), ["a b", "|", "$X", "c'd"]);
        assert_eq!(ok("kubectl \\\n get"), ["kubectl", "get"]);
    }

    #[test]
    fn adjacent_quoted_parts_join_into_one_word_and_empty_quotes_are_a_word() {
        assert_eq!(
            ok(r#"--labels='app=web',"tier=front""#),
            ["--labels=app=web,tier=front"]
        );
        assert_eq!(ok("a '' \"\" b"), ["a", "", "", "b"]);
    }

    #[test]
    fn a_lone_dollar_and_a_trailing_newline_are_harmless() {
        assert_eq!(ok("echo $ a$ \"b$\""), ["echo", "$", "a$", "b$"]);
        assert_eq!(ok("kubectl get pods\n"), ["kubectl", "get", "pods"]);
    }

    #[test]
    fn pipes_name_the_character_and_its_column() {
        assert_eq!(
            err("kubectl get pods -o wide | grep web"),
            "pipes are not supported: kubesim runs one command per step (column 26)"
        );
    }

    #[test]
    fn lists_and_background_jobs_are_rejected() {
        assert_eq!(
            err("kubectl get pods && kubectl get svc"),
            "`&&` is not supported: kubesim runs one command per step (column 18)"
        );
        assert_eq!(
            err("a || b"),
            "`||` is not supported: kubesim runs one command per step (column 3)"
        );
        assert_eq!(
            err("a; b"),
            "`;` is not supported: kubesim runs one command per step (column 2)"
        );
        assert!(err("kubectl get pods &").starts_with("background jobs (`&`)"));
        assert_eq!(
            err("kubectl get pods\nkubectl get svc"),
            "a second command on a new line is not supported: kubesim runs one command per step (line 2, column 1)"
        );
    }

    #[test]
    fn redirections_are_rejected_with_their_character() {
        assert!(err("kubectl get pods > out.txt").starts_with("redirections (`>`)"));
        assert!(err("kubectl apply -f - < a.yaml").starts_with("redirections (`<`)"));
        assert!(err("kubectl get pods 2>&1").ends_with("(column 19)"));
    }

    #[test]
    fn expansions_are_rejected_even_inside_double_quotes() {
        assert_eq!(
            err("kubectl get pods -n $NS"),
            "variable expansion (`$N`) is not supported: kubesim runs no shell and expands nothing; write the value itself (column 21)"
        );
        assert!(err("kubectl get pods -n ${NS}").starts_with("parameter expansion"));
        assert!(err("kubectl get pods -n $(cat ns)").starts_with("command substitution (`$(…)`)"));
        assert!(err("kubectl get pods -n `cat ns`").starts_with("command substitution"));
        assert!(
            err(r#"kubectl get pods -n "$NS""#).starts_with(
                "variable expansion (`$N`) is not supported, even inside double quotes"
            )
        );
        assert!(err(r#"kubectl get "`x`""#).contains("even inside double quotes"));
    }

    #[test]
    fn globs_tilde_comments_and_subshells_are_rejected_unquoted_only() {
        assert!(err("kubectl apply -f m/*.yaml").starts_with("pathname expansion (`*`)"));
        assert!(err("kubectl apply -f ~/m.yaml").starts_with("tilde expansion"));
        assert!(err("kubectl get pods # all").starts_with("comments (`#`)"));
        assert!(err("(kubectl get pods)").starts_with("subshells (`(`)"));
        assert_eq!(
            ok("'m/*.yaml' a~b a#b \"(x)\""),
            ["m/*.yaml", "a~b", "a#b", "(x)"]
        );
    }

    #[test]
    fn unterminated_quotes_point_at_the_opening_quote() {
        assert_eq!(
            err("kubectl get pods -l 'app=web"),
            "unterminated single quote: the quote opened here is never closed (column 21)"
        );
        assert_eq!(
            err("kubectl get \"pods"),
            "unterminated double quote: the quote opened here is never closed (column 13)"
        );
        assert!(err("kubectl get pods\\").starts_with("a backslash at the end"));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        assert!(err("kubectl get é | x").ends_with("(column 15)"));
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_plain_words_round_trip(line in "\\PC{0,40}") {
            let _ = split(&line);
            let plain: Vec<String> = line
                .split_whitespace()
                .filter(|w| w.chars().all(|c| c.is_ascii_alphanumeric() || "-_=,./:@".contains(c)))
                .map(str::to_string)
                .collect();
            proptest::prop_assert_eq!(split(&plain.join(" ")), Ok(plain));
        }
    }
}
