//! Labels and label selectors: apimachinery `pkg/labels` (`Set`, `FormatLabels`, the `-l`
//! selector lexer and parser, `Requirement`, `internalSelector`) and `metav1`'s
//! `LabelSelectorAsSelector` / `FormatLabelSelector` (`pkg/apis/meta/v1/helpers.go`), with the
//! API server's `ValidateLabelSelector` (`pkg/apis/meta/v1/validation`).
//!
//! Simplified: labels are a small sorted vector rather than a map; selectors are always the
//! requirement list (`internalSelector`), so `labels.Nothing()` (a nil `LabelSelector`) is not
//! modelled; requirements are sorted by key with a stable sort where Go's `sort.Sort` is not
//! stable (only the order of requirements on the same key can differ).

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use crate::model::validation::{
    field_forbidden, field_invalid, field_invalid_list, field_required, is_qualified_name,
    is_valid_label_value, validate_label_name, validate_labels,
};

/// An object's labels, kept sorted by key so lookups are binary searches and printing is
/// already in `FormatLabels` order. Shared on clone (a template's pods all carry its labels,
/// one copy for all of them) and copied on the first change; no labels is no allocation.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Labels(Option<Arc<Vec<(String, String)>>>);

/// Prints as the plain list did (`Labels([("app", "web")])`): Deployment template hashes are
/// taken over this text.
impl fmt::Debug for Labels {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Labels").field(&self.pairs()).finish()
    }
}

impl Labels {
    /// Builds labels from pairs; a repeated key keeps its last value, as a map would.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Labels {
        let mut labels = Labels::default();
        for (key, value) in pairs {
            labels.insert(key, value);
        }
        labels
    }

    /// The same shared copy as `other` (a clone neither has changed since), so equal without
    /// comparing: lets a reader that matches many pods of one template match once.
    pub fn shares(&self, other: &Labels) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }

    fn pairs(&self) -> &[(String, String)] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }

    /// The value for `key`, if the label is set (possibly to the empty string).
    pub fn get(&self, key: &str) -> Option<&str> {
        let pairs = self.pairs();
        pairs
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()
            .and_then(|i| pairs.get(i))
            .map(|(_, v)| v.as_str())
    }

    /// Sets `key` to `value`, replacing any previous value.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let (key, value) = (key.into(), value.into());
        let pairs = Arc::make_mut(self.0.get_or_insert_with(Default::default));
        match pairs.binary_search_by(|(k, _)| k.as_str().cmp(&key)) {
            Ok(i) => {
                if let Some(slot) = pairs.get_mut(i) {
                    slot.1 = value;
                }
            }
            Err(i) => pairs.insert(i, (key, value)),
        }
    }

    /// Removes `key`; whether it was set (`kubectl label KEY-`).
    pub fn remove(&mut self, key: &str) -> bool {
        let Ok(i) = self.pairs().binary_search_by(|(k, _)| k.as_str().cmp(key)) else {
            return false;
        };
        if let Some(shared) = self.0.as_mut() {
            let pairs = Arc::make_mut(shared);
            pairs.remove(i);
            if pairs.is_empty() {
                self.0 = None;
            }
        }
        true
    }

    /// The pairs in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs().iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The number of labels.
    pub fn len(&self) -> usize {
        self.pairs().len()
    }

    /// Whether there are no labels.
    pub fn is_empty(&self) -> bool {
        self.pairs().is_empty()
    }

    /// Whether every label of `other` is set here to the same value: the equality-selector
    /// match of ReplicationController and Service selectors (`SelectorFromSet(other).Matches`).
    pub fn is_superset_of(&self, other: &Labels) -> bool {
        other.iter().all(|(k, v)| self.get(k) == Some(v))
    }

    /// `labels.FormatLabels`: `k=v` in key order joined by `,`, or `<none>` (kubectl's
    /// LABELS column and RC/DaemonSet selector columns).
    pub fn format(&self) -> String {
        if self.is_empty() {
            return "<none>".to_string();
        }
        let mut out = String::new();
        for (i, (k, v)) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(k);
            out.push('=');
            out.push_str(v);
        }
        out
    }
}

/// How a requirement relates a key to its values (`selection.Operator`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `key in (a,b)`: the label is set to one of the values.
    In,
    /// `key notin (a,b)`: the label is unset or set to none of the values.
    NotIn,
    /// `key`: the label is set.
    Exists,
    /// `!key`: the label is unset.
    DoesNotExist,
    /// `key=a`.
    Equals,
    /// `key==a`.
    DoubleEquals,
    /// `key!=a`: the label is unset or different.
    NotEquals,
    /// `key>1`: the label is an integer greater than the value.
    GreaterThan,
    /// `key<1`: the label is an integer less than the value.
    LessThan,
}

/// One condition of a selector (`labels.Requirement`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Requirement {
    /// The label key.
    pub key: String,
    /// How the key relates to the values.
    pub operator: Operator,
    /// The values; sorted and de-duplicated when parsed, kept as given from a LabelSelector.
    pub values: Vec<String>,
}

impl Requirement {
    /// `labels.NewRequirement` (no field path): checks the key, the number of values the
    /// operator takes and each value, and reports upstream's aggregated error text.
    pub fn new(key: &str, operator: Operator, values: Vec<String>) -> Result<Requirement, String> {
        let mut errs = Vec::new();
        let key_errs = is_qualified_name(key);
        if !key_errs.is_empty() {
            errs.push(field_invalid("key", key, &key_errs.join("; ")));
        }
        match operator {
            Operator::In | Operator::NotIn if values.is_empty() => errs.push(field_invalid_list(
                "values",
                &values,
                "for 'in', 'notin' operators, values set can't be empty",
            )),
            Operator::Equals | Operator::DoubleEquals | Operator::NotEquals
                if values.len() != 1 =>
            {
                errs.push(field_invalid_list(
                    "values",
                    &values,
                    "exact-match compatibility requires one single value",
                ))
            }
            Operator::Exists | Operator::DoesNotExist if !values.is_empty() => {
                errs.push(field_invalid_list(
                    "values",
                    &values,
                    "values set must be empty for exists and does not exist",
                ))
            }
            Operator::GreaterThan | Operator::LessThan => {
                if values.len() != 1 {
                    errs.push(field_invalid_list(
                        "values",
                        &values,
                        "for 'Gt', 'Lt' operators, exactly one value is required",
                    ));
                }
                for (i, v) in values.iter().enumerate() {
                    if v.parse::<i64>().is_err() {
                        errs.push(field_invalid(
                            &format!("values[{i}]"),
                            v,
                            "for 'Gt', 'Lt' operators, the value must be an integer",
                        ));
                    }
                }
            }
            _ => {}
        }
        for (i, v) in values.iter().enumerate() {
            let value_errs = is_valid_label_value(v);
            if !value_errs.is_empty() {
                errs.push(field_invalid(
                    &format!("values[{i}][{key}]"),
                    v,
                    &value_errs.join("; "),
                ));
            }
        }
        if errs.is_empty() {
            Ok(Requirement {
                key: key.to_string(),
                operator,
                values,
            })
        } else {
            Err(aggregate(errs))
        }
    }

    /// `Requirement.Matches`.
    pub fn matches(&self, labels: &Labels) -> bool {
        let has_value = |v: &str| self.values.iter().any(|x| x == v);
        match self.operator {
            Operator::In | Operator::Equals | Operator::DoubleEquals => {
                labels.get(&self.key).is_some_and(has_value)
            }
            Operator::NotIn | Operator::NotEquals => !labels.get(&self.key).is_some_and(has_value),
            Operator::Exists => labels.get(&self.key).is_some(),
            Operator::DoesNotExist => labels.get(&self.key).is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                let Some(Ok(actual)) = labels.get(&self.key).map(str::parse::<i64>) else {
                    return false;
                };
                let [wanted] = self.values.as_slice() else {
                    return false;
                };
                match wanted.parse::<i64>() {
                    Ok(w) if self.operator == Operator::GreaterThan => actual > w,
                    Ok(w) => actual < w,
                    Err(_) => false,
                }
            }
        }
    }
}

impl fmt::Display for Requirement {
    /// `Requirement.String()`: `!k`, `k`, `k=v`, `k==v`, `k!=v`, `k>v`, `k<v`,
    /// `k in (a,b)`, `k notin (a,b)`, with several values printed sorted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.operator == Operator::DoesNotExist {
            f.write_str("!")?;
        }
        f.write_str(&self.key)?;
        let (op, parens) = match self.operator {
            Operator::Exists | Operator::DoesNotExist => return Ok(()),
            Operator::Equals => ("=", false),
            Operator::DoubleEquals => ("==", false),
            Operator::NotEquals => ("!=", false),
            Operator::GreaterThan => (">", false),
            Operator::LessThan => ("<", false),
            Operator::In => (" in ", true),
            Operator::NotIn => (" notin ", true),
        };
        f.write_str(op)?;
        if parens {
            f.write_str("(")?;
        }
        if let [only] = self.values.as_slice() {
            f.write_str(only)?;
        } else {
            let mut sorted: Vec<&str> = self.values.iter().map(String::as_str).collect();
            sorted.sort_unstable();
            f.write_str(&sorted.join(","))?;
        }
        if parens {
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// A label selector: requirements that must all match (`internalSelector`). The empty
/// selector matches everything (`labels.Everything()`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Selector {
    requirements: Vec<Requirement>,
}

impl Selector {
    /// `labels.Parse`: the `kubectl -l` syntax (`a=b,c!=d,e in (x,y),!f,g`), with upstream's
    /// error text (e.g. `unable to parse requirement: found '', expected: identifier`).
    pub fn parse(s: &str) -> Result<Selector, String> {
        let mut parser = Parser {
            items: lex(s),
            position: 0,
        };
        let mut requirements = parser.parse()?;
        requirements.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(Selector { requirements })
    }

    /// `metav1.LabelSelectorAsSelector`, after the API server's `ValidateLabelSelector`
    /// (invalid label values rejected). Errors are field errors relative to the selector
    /// (`matchExpressions[0].values: Required value: ...`): prefix them with the selector's
    /// own path (`spec.selector.`). Operators are written as in YAML: `In`, `NotIn`, `Exists`,
    /// `DoesNotExist`.
    pub fn from_label_selector(
        match_labels: &[(String, String)],
        match_expressions: &[(String, String, Vec<String>)],
    ) -> Result<Selector, Vec<String>> {
        let mut errs = validate_labels(match_labels, "matchLabels");
        let mut expressions = Vec::with_capacity(match_expressions.len());
        for (i, (key, op, values)) in match_expressions.iter().enumerate() {
            let path = format!("matchExpressions[{i}]");
            let operator = match op.as_str() {
                "In" | "NotIn" => {
                    if values.is_empty() {
                        errs.push(field_required(
                            &format!("{path}.values"),
                            "must be specified when `operator` is 'In' or 'NotIn'",
                        ));
                    }
                    Some(if op == "In" {
                        Operator::In
                    } else {
                        Operator::NotIn
                    })
                }
                "Exists" | "DoesNotExist" => {
                    if !values.is_empty() {
                        errs.push(field_forbidden(
                            &format!("{path}.values"),
                            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                        ));
                    }
                    Some(if op == "Exists" {
                        Operator::Exists
                    } else {
                        Operator::DoesNotExist
                    })
                }
                _ => {
                    errs.push(field_invalid(
                        &format!("{path}.operator"),
                        op,
                        "not a valid selector operator",
                    ));
                    None
                }
            };
            errs.extend(validate_label_name(key, &format!("{path}.key")));
            for (j, value) in values.iter().enumerate() {
                for msg in is_valid_label_value(value) {
                    errs.push(field_invalid(&format!("{path}.values[{j}]"), value, &msg));
                }
            }
            if let Some(operator) = operator {
                expressions.push(Requirement {
                    key: key.clone(),
                    operator,
                    values: values.clone(),
                });
            }
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        // matchLabels first, then matchExpressions, then sorted by key, as upstream does.
        let mut requirements =
            Selector::from_map(&Labels::from_pairs(match_labels.iter().cloned())).requirements;
        requirements.append(&mut expressions);
        requirements.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(Selector { requirements })
    }

    /// `labels.SelectorFromSet`: equality on every label, for ReplicationController and
    /// Service selectors (no validation, like `SelectorFromValidatedSet`).
    pub fn from_map(labels: &Labels) -> Selector {
        let requirements = labels
            .iter()
            .map(|(k, v)| Requirement {
                key: k.to_string(),
                operator: Operator::Equals,
                values: vec![v.to_string()],
            })
            .collect();
        Selector { requirements }
    }

    /// Adds an equality requirement per label (`LabelSelector` plus `matchLabels`), as the
    /// Deployment controller adds `pod-template-hash` to a new ReplicaSet's selector.
    pub fn add_equals(&mut self, labels: &Labels) {
        for (k, v) in labels.iter() {
            self.requirements.push(Requirement {
                key: k.to_string(),
                operator: Operator::Equals,
                values: vec![v.to_string()],
            });
        }
        self.requirements.sort_by(|a, b| a.key.cmp(&b.key));
    }

    /// Whether every requirement matches `labels`.
    pub fn matches(&self, labels: &Labels) -> bool {
        self.requirements.iter().all(|r| r.matches(labels))
    }

    /// Whether the selector selects everything (`Selector.Empty()`).
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// The requirements, sorted by key.
    pub fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    /// `metav1.FormatLabelSelector`: the selector string, or `<none>` when empty (kubectl's
    /// ReplicaSet SELECTOR column).
    pub fn format_label_selector(&self) -> String {
        if self.is_empty() {
            "<none>".to_string()
        } else {
            self.to_string()
        }
    }
}

impl fmt::Display for Selector {
    /// `Selector.String()`: the requirements in key order, joined by `,`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.requirements.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

/// `utilerrors.NewAggregate(...).Error()` after `ToAggregate`'s de-duplication: one message
/// alone, several as `[a, b]`.
fn aggregate(errs: Vec<String>) -> String {
    let mut seen = BTreeSet::new();
    let unique: Vec<String> = errs
        .into_iter()
        .filter(|e| seen.insert(e.clone()))
        .collect();
    match unique.as_slice() {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    }
}

/// The selector lexer's tokens (`labels.Token`). Upstream's `ErrorToken` cannot occur:
/// every single special character is itself a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    EndOfString,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier,
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar,
}

fn special_token(lit: &[u8]) -> Option<Token> {
    Some(match lit {
        b")" => Token::ClosedPar,
        b"," => Token::Comma,
        b"!" => Token::DoesNotExist,
        b"==" => Token::DoubleEquals,
        b"=" => Token::Equals,
        b">" => Token::GreaterThan,
        b"<" => Token::LessThan,
        b"!=" => Token::NotEquals,
        b"(" => Token::OpenPar,
        _ => return None,
    })
}

fn is_whitespace(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_special(c: u8) -> bool {
    matches!(c, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

/// Port of `Lexer.Lex` run to the end (`Parser.scan`). A NUL byte reads as end of input,
/// as upstream's `read()` returns 0 there too.
fn lex(s: &str) -> Vec<(Token, &str)> {
    let bytes = s.as_bytes();
    let read = |pos: &mut usize| -> u8 {
        let c = bytes.get(*pos).copied().unwrap_or(0);
        if *pos < bytes.len() {
            *pos += 1;
        }
        c
    };
    let mut items = Vec::new();
    let mut pos = 0usize;
    loop {
        let mut c = read(&mut pos);
        while is_whitespace(c) {
            c = read(&mut pos);
        }
        if c == 0 {
            items.push((Token::EndOfString, ""));
            return items;
        }
        let start = pos - 1;
        if is_special(c) {
            // Longest special-symbol token: one character, or two when they form one.
            let two = bytes.get(start..start + 2).and_then(special_token);
            let len = if two.is_some() { 2 } else { 1 };
            let token = two.or_else(|| bytes.get(start..start + 1).and_then(special_token));
            let lit = s.get(start..start + len).unwrap_or_default();
            // Upstream reads one character past the token; a NUL there is consumed.
            pos = start + len + usize::from(bytes.get(start + len) == Some(&0));
            items.push((token.unwrap_or(Token::Identifier), lit));
        } else {
            let mut end = start + 1;
            loop {
                match bytes.get(end).copied() {
                    // A NUL ends the identifier and is consumed, as upstream's read() does.
                    Some(0) => {
                        pos = end + 1;
                        break;
                    }
                    Some(ch) if !is_special(ch) && !is_whitespace(ch) => end += 1,
                    _ => {
                        pos = end;
                        break;
                    }
                }
            }
            let lit = s.get(start..end).unwrap_or_default();
            let token = match lit {
                "in" => Token::In,
                "notin" => Token::NotIn,
                _ => Token::Identifier,
            };
            items.push((token, lit));
        }
    }
}

/// Whether `in` / `notin` read as keywords (`KeyAndOperator`) or as values (`Values`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    KeyAndOperator,
    Values,
}

/// Port of `labels.Parser`.
struct Parser<'a> {
    items: Vec<(Token, &'a str)>,
    position: usize,
}

const BINARY_OPERATORS: &str = "in, notin, =, ==, !=, gt, lt";

impl<'a> Parser<'a> {
    fn lookahead(&self, context: Context) -> (Token, &'a str) {
        let (tok, lit) = self
            .items
            .get(self.position)
            .copied()
            .unwrap_or((Token::EndOfString, ""));
        match tok {
            Token::In | Token::NotIn if context == Context::Values => (Token::Identifier, lit),
            _ => (tok, lit),
        }
    }

    fn consume(&mut self, context: Context) -> (Token, &'a str) {
        let item = self.lookahead(context);
        self.position += 1;
        item
    }

    fn parse(&mut self) -> Result<Vec<Requirement>, String> {
        let mut requirements = Vec::new();
        loop {
            let (tok, lit) = self.lookahead(Context::Values);
            match tok {
                Token::Identifier | Token::DoesNotExist => {
                    let r = self
                        .parse_requirement()
                        .map_err(|e| format!("unable to parse requirement: {e}"))?;
                    requirements.push(r);
                    let (t, l) = self.consume(Context::Values);
                    match t {
                        Token::EndOfString => return Ok(requirements),
                        Token::Comma => {
                            let (t2, l2) = self.lookahead(Context::Values);
                            if t2 != Token::Identifier && t2 != Token::DoesNotExist {
                                return Err(format!(
                                    "found '{l2}', expected: identifier after ','"
                                ));
                            }
                        }
                        _ => return Err(format!("found '{l}', expected: ',' or 'end of string'")),
                    }
                }
                Token::EndOfString => return Ok(requirements),
                _ => {
                    return Err(format!(
                        "found '{lit}', expected: !, identifier, or 'end of string'"
                    ));
                }
            }
        }
    }

    fn parse_requirement(&mut self) -> Result<Requirement, String> {
        let (key, operator) = self.parse_key_and_infer_operator()?;
        if let Some(op @ (Operator::Exists | Operator::DoesNotExist)) = operator {
            return Requirement::new(key, op, Vec::new());
        }
        let operator = self.parse_operator()?;
        let values = match operator {
            Operator::In | Operator::NotIn => self.parse_values()?,
            _ => self.parse_exact_value()?,
        };
        Requirement::new(key, operator, values.into_iter().collect())
    }

    fn parse_key_and_infer_operator(&mut self) -> Result<(&'a str, Option<Operator>), String> {
        let mut operator = None;
        let (mut tok, mut lit) = self.consume(Context::Values);
        if tok == Token::DoesNotExist {
            operator = Some(Operator::DoesNotExist);
            (tok, lit) = self.consume(Context::Values);
        }
        if tok != Token::Identifier {
            return Err(format!("found '{lit}', expected: identifier"));
        }
        let key_errs = is_qualified_name(lit);
        if !key_errs.is_empty() {
            // validateLabelKey(literal, p.path) with kubectl's nil path.
            return Err(field_invalid("<nil>", lit, &key_errs.join("; ")));
        }
        let (next, _) = self.lookahead(Context::Values);
        if matches!(next, Token::EndOfString | Token::Comma) && operator.is_none() {
            operator = Some(Operator::Exists);
        }
        Ok((lit, operator))
    }

    fn parse_operator(&mut self) -> Result<Operator, String> {
        let (tok, lit) = self.consume(Context::KeyAndOperator);
        Ok(match tok {
            Token::In => Operator::In,
            Token::Equals => Operator::Equals,
            Token::DoubleEquals => Operator::DoubleEquals,
            Token::GreaterThan => Operator::GreaterThan,
            Token::LessThan => Operator::LessThan,
            Token::NotIn => Operator::NotIn,
            Token::NotEquals => Operator::NotEquals,
            _ => return Err(format!("found '{lit}', expected: {BINARY_OPERATORS}")),
        })
    }

    fn parse_values(&mut self) -> Result<BTreeSet<String>, String> {
        let (tok, lit) = self.consume(Context::Values);
        if tok != Token::OpenPar {
            return Err(format!("found '{lit}' expected: '('"));
        }
        let (tok, lit) = self.lookahead(Context::Values);
        match tok {
            Token::Identifier | Token::Comma => {
                let set = self.parse_identifiers_list()?;
                let (tok, _) = self.consume(Context::Values);
                if tok != Token::ClosedPar {
                    return Err(format!("found '{lit}', expected: ')'"));
                }
                Ok(set)
            }
            Token::ClosedPar => {
                self.consume(Context::Values);
                Ok(BTreeSet::from([String::new()]))
            }
            _ => Err(format!("found '{lit}', expected: ',', ')' or identifier")),
        }
    }

    fn parse_identifiers_list(&mut self) -> Result<BTreeSet<String>, String> {
        let mut set = BTreeSet::new();
        loop {
            let (tok, lit) = self.consume(Context::Values);
            match tok {
                Token::Identifier => {
                    set.insert(lit.to_string());
                    let (tok2, lit2) = self.lookahead(Context::Values);
                    match tok2 {
                        Token::Comma => continue,
                        Token::ClosedPar => return Ok(set),
                        _ => return Err(format!("found '{lit2}', expected: ',' or ')'")),
                    }
                }
                Token::Comma => {
                    if set.is_empty() {
                        set.insert(String::new()); // to handle (,
                    }
                    let (tok2, _) = self.lookahead(Context::Values);
                    if tok2 == Token::ClosedPar {
                        set.insert(String::new()); // to handle ,)
                        return Ok(set);
                    }
                    if tok2 == Token::Comma {
                        self.consume(Context::Values);
                        set.insert(String::new()); // to handle ,,
                    }
                }
                _ => return Err(format!("found '{lit}', expected: ',', or identifier")),
            }
        }
    }

    fn parse_exact_value(&mut self) -> Result<BTreeSet<String>, String> {
        let (tok, _) = self.lookahead(Context::Values);
        if matches!(tok, Token::EndOfString | Token::Comma) {
            return Ok(BTreeSet::from([String::new()]));
        }
        let (tok, lit) = self.consume(Context::Values);
        if tok == Token::Identifier {
            return Ok(BTreeSet::from([lit.to_string()]));
        }
        Err(format!("found '{lit}', expected: identifier"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clone_shares_its_labels_until_either_changes() {
        let a = Labels::from_pairs([("app".to_string(), "web".to_string())]);
        let mut b = a.clone();
        assert!(a.shares(&b) && b.shares(&a));
        // Equal content built separately is not the shared copy.
        let c = Labels::from_pairs([("app".to_string(), "web".to_string())]);
        assert!(!a.shares(&c));
        b.insert("tier", "front");
        assert!(!a.shares(&b));
        assert_eq!(a.get("tier"), None, "the change copied, the original kept");
        assert!(!Labels::default().shares(&Labels::default()));
    }

    /// Go's `Set{...}`.
    fn set(pairs: &[(&str, &str)]) -> Labels {
        Labels::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    /// Go's `getRequirement(key, op, sets.NewString(vals...))`: values sorted and unique.
    fn req(key: &str, operator: Operator, vals: &[&str]) -> Requirement {
        let values: BTreeSet<String> = vals.iter().map(|v| v.to_string()).collect();
        Requirement::new(key, operator, values.into_iter().collect())
            .expect("valid requirement in test table")
    }

    fn sel(requirements: Vec<Requirement>) -> Selector {
        Selector { requirements }
    }

    #[test]
    fn format_labels_sorts_keys_and_shows_none_when_empty() {
        // labels_test.go TestSetString; FormatLabels' `<none>`.
        assert_eq!(set(&[("x", "y")]).format(), "x=y");
        assert_eq!(set(&[("foo", "bar")]).format(), "foo=bar");
        assert_eq!(
            set(&[("foo", "bar"), ("baz", "qup")]).format(),
            "baz=qup,foo=bar"
        );
        assert_eq!(Labels::default().format(), "<none>");
    }

    #[test]
    fn labels_get_and_has_like_a_map() {
        // labels_test.go TestLabelHas / TestLabelGet; last value wins for a repeated key.
        assert_eq!(set(&[("x", "y")]).get("x"), Some("y"));
        assert_eq!(set(&[("x", "")]).get("x"), Some(""));
        assert_eq!(set(&[("x", "y")]).get("foo"), None);
        let mut labels = set(&[("b", "1"), ("a", "2"), ("b", "3")]);
        assert_eq!(labels.get("b"), Some("3"));
        labels.insert("c", "4");
        labels.insert("a", "5");
        assert_eq!(
            labels.iter().collect::<Vec<_>>(),
            vec![("a", "5"), ("b", "3"), ("c", "4")]
        );
        assert_eq!(labels.len(), 3);
    }

    #[test]
    fn superset_is_the_set_selector_match() {
        // selector_test.go TestSetMatches (expectMatchDirect rows).
        let labelset = set(&[("foo", "bar"), ("baz", "blah")]);
        for selector in [
            set(&[]),
            set(&[("foo", "bar")]),
            set(&[("baz", "blah")]),
            set(&[("foo", "bar"), ("baz", "blah")]),
        ] {
            assert!(labelset.is_superset_of(&selector), "{selector:?}");
            assert!(
                Selector::from_map(&selector).matches(&labelset),
                "{selector:?}"
            );
        }
        assert!(!labelset.is_superset_of(&set(&[("foo", "blah")])));
    }

    #[test]
    fn parses_good_selectors_and_prints_them_back() {
        // selector_test.go TestSelectorParse testGoodStrings: String() equals the input
        // without spaces.
        for s in [
            "x=a,y=b,z=c",
            "",
            "x!=a,y=b",
            "x=",
            "x= ",
            "x=,z= ",
            "x= ,z= ",
            "!x",
            "x>1",
            "x>1,z<5",
        ] {
            let parsed = Selector::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"));
            assert_eq!(parsed.to_string(), s.replace(' ', ""), "{s:?}");
        }
    }

    #[test]
    fn rejects_bad_selectors() {
        // selector_test.go TestSelectorParse testBadStrings.
        for s in ["x=a||y=b", "x==a==b", "!x=a", "x<a"] {
            assert!(Selector::parse(s).is_err(), "{s:?}");
        }
    }

    #[test]
    fn parse_is_deterministic_in_key_order() {
        // selector_test.go TestDeterministicParse.
        assert_eq!(
            Selector::parse("x=a,a=x").map(|s| s.to_string()),
            Selector::parse("a=x,x=a").map(|s| s.to_string())
        );
    }

    #[test]
    fn selectors_match_label_sets_like_upstream() {
        // selector_test.go TestSelectorMatches.
        let yes: &[(&str, &[(&str, &str)])] = &[
            ("", &[("x", "y")]),
            ("x=y", &[("x", "y")]),
            ("x=y,z=w", &[("x", "y"), ("z", "w")]),
            ("x!=y,z!=w", &[("x", "z"), ("z", "a")]),
            ("notin=in", &[("notin", "in")]), // in and notin in exactMatch
            ("x", &[("x", "z")]),
            ("!x", &[("y", "z")]),
            ("x>1", &[("x", "2")]),
            ("x<1", &[("x", "0")]),
            ("foo=bar", &[("foo", "bar"), ("baz", "blah")]),
            ("baz=blah", &[("foo", "bar"), ("baz", "blah")]),
            ("foo=bar,baz=blah", &[("foo", "bar"), ("baz", "blah")]),
        ];
        for (s, labels) in yes {
            assert!(
                Selector::parse(s).is_ok_and(|q| q.matches(&set(labels))),
                "{s} should match {labels:?}"
            );
        }
        let no: &[(&str, &[(&str, &str)])] = &[
            ("x=z", &[]),
            ("x=y", &[("x", "z")]),
            ("x=y,z=w", &[("x", "w"), ("z", "w")]),
            ("x!=y,z!=w", &[("x", "z"), ("z", "w")]),
            ("x", &[("y", "z")]),
            ("!x", &[("x", "z")]),
            ("x>1", &[("x", "0")]),
            ("x<1", &[("x", "2")]),
            ("foo=blah", &[("foo", "bar"), ("baz", "blah")]),
            ("baz=bar", &[("foo", "bar"), ("baz", "blah")]),
            (
                "foo=bar,foobar=bar,baz=blah",
                &[("foo", "bar"), ("baz", "blah")],
            ),
        ];
        for (s, labels) in no {
            assert!(
                Selector::parse(s).is_ok_and(|q| !q.matches(&set(labels))),
                "{s} should not match {labels:?}"
            );
        }
    }

    #[test]
    fn the_empty_selector_is_everything() {
        // selector_test.go TestEverything / TestSetIsEmpty.
        assert!(Selector::default().matches(&set(&[("x", "y")])));
        assert!(Selector::default().is_empty());
        assert!(Selector::from_map(&Labels::default()).is_empty());
        assert_eq!(Selector::default().format_label_selector(), "<none>");
    }

    #[test]
    fn lexer_splits_tokens_like_upstream() {
        // selector_test.go TestLexer.
        let single = [
            ("", Token::EndOfString),
            (",", Token::Comma),
            ("notin", Token::NotIn),
            ("in", Token::In),
            ("=", Token::Equals),
            ("==", Token::DoubleEquals),
            (">", Token::GreaterThan),
            ("<", Token::LessThan),
            ("!", Token::DoesNotExist),
            ("!=", Token::NotEquals),
            ("(", Token::OpenPar),
            (")", Token::ClosedPar),
            ("~", Token::Identifier),
            ("||", Token::Identifier),
        ];
        for (s, t) in single {
            assert_eq!(lex(s).first().copied(), Some((t, s)), "{s:?}");
        }
        // read() returns 0 for a NUL byte: it ends an identifier or symbol and is consumed,
        // and at the start of a token it ends the input.
        let tokens = |s| lex(s).into_iter().map(|(t, _)| t).collect::<Vec<_>>();
        assert_eq!(
            tokens("!\0x"),
            [Token::DoesNotExist, Token::Identifier, Token::EndOfString]
        );
        assert_eq!(
            tokens("a\0b"),
            [Token::Identifier, Token::Identifier, Token::EndOfString]
        );
        assert_eq!(tokens("a \0b"), [Token::Identifier, Token::EndOfString]);
        // TestLexerSequence.
        use Token::*;
        let sequences: [(&str, &[Token]); 10] = [
            (
                "key in ( value )",
                &[Identifier, In, OpenPar, Identifier, ClosedPar],
            ),
            (
                "key notin ( value )",
                &[Identifier, NotIn, OpenPar, Identifier, ClosedPar],
            ),
            (
                "key in ( value1, value2 )",
                &[
                    Identifier, In, OpenPar, Identifier, Comma, Identifier, ClosedPar,
                ],
            ),
            ("key", &[Identifier]),
            ("!key", &[DoesNotExist, Identifier]),
            ("()", &[OpenPar, ClosedPar]),
            (
                "x in (),y",
                &[Identifier, In, OpenPar, ClosedPar, Comma, Identifier],
            ),
            (
                "== != (), = notin",
                &[
                    DoubleEquals,
                    NotEquals,
                    OpenPar,
                    ClosedPar,
                    Comma,
                    Equals,
                    NotIn,
                ],
            ),
            ("key>2", &[Identifier, GreaterThan, Identifier]),
            ("key<1", &[Identifier, LessThan, Identifier]),
        ];
        for (s, tokens) in sequences {
            let got: Vec<Token> = lex(s)
                .into_iter()
                .map(|(t, _)| t)
                .filter(|t| *t != EndOfString)
                .collect();
            assert_eq!(got, tokens, "{s:?}");
        }
    }

    #[test]
    fn requirement_constructor_validates_like_upstream() {
        // selector_test.go TestRequirementConstructor.
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let table = [
            ("x", Operator::In, s(&[]), false),
            ("x", Operator::NotIn, s(&[]), false),
            ("x", Operator::In, s(&["foo"]), true),
            ("x", Operator::NotIn, s(&["foo"]), true),
            ("x", Operator::Exists, s(&[]), true),
            ("x", Operator::DoesNotExist, s(&[]), true),
            ("1foo", Operator::In, s(&["bar"]), true),
            ("1234", Operator::In, s(&["bar"]), true),
            ("y", Operator::GreaterThan, s(&["1"]), true),
            ("z", Operator::LessThan, s(&["6"]), true),
            ("foo", Operator::GreaterThan, s(&["bar"]), false),
            ("barz", Operator::LessThan, s(&["blah"]), false),
        ];
        for (key, op, vals, ok) in table {
            assert_eq!(
                Requirement::new(key, op, vals.clone()).is_ok(),
                ok,
                "{key} {op:?} {vals:?}"
            );
        }
        // breaks DNS rule that len(key) <= 253
        assert!(Requirement::new(&"a".repeat(254), Operator::Exists, vec![]).is_err());
    }

    #[test]
    fn requirements_print_like_upstream() {
        // selector_test.go TestToString (valid rows).
        let table = [
            (
                vec![
                    req("x", Operator::In, &["abc", "def"]),
                    req("y", Operator::NotIn, &["jkl"]),
                    req("z", Operator::Exists, &[]),
                ],
                "x in (abc,def),y notin (jkl),z",
            ),
            (
                vec![
                    req("x", Operator::NotIn, &["abc", "def"]),
                    req("y", Operator::NotEquals, &["jkl"]),
                    req("z", Operator::DoesNotExist, &[]),
                ],
                "x notin (abc,def),y!=jkl,!z",
            ),
            (
                vec![
                    req("x", Operator::NotIn, &["abc"]),
                    req("y", Operator::In, &["jkl", "mno"]),
                    req("z", Operator::NotIn, &[""]),
                ],
                "x notin (abc),y in (jkl,mno),z notin ()",
            ),
            (
                vec![
                    req("x", Operator::Equals, &["abc"]),
                    req("y", Operator::DoubleEquals, &["jkl"]),
                    req("z", Operator::NotEquals, &["a"]),
                    req("z", Operator::Exists, &[]),
                ],
                "x=abc,y==jkl,z!=a,z",
            ),
            (
                vec![
                    req("x", Operator::GreaterThan, &["2"]),
                    req("y", Operator::LessThan, &["8"]),
                    req("z", Operator::Exists, &[]),
                ],
                "x>2,y<8,z",
            ),
        ];
        for (requirements, out) in table {
            assert_eq!(sel(requirements).to_string(), out);
        }
    }

    #[test]
    fn requirement_selectors_match_like_upstream() {
        // selector_test.go TestRequirementSelectorMatching (rows with valid requirements).
        let table = [
            (
                set(&[("x", "foo"), ("y", "baz")]),
                vec![
                    req("x", Operator::In, &["foo"]),
                    req("y", Operator::NotIn, &["alpha"]),
                ],
                true,
            ),
            (
                set(&[("x", "foo"), ("y", "baz")]),
                vec![
                    req("x", Operator::In, &["foo"]),
                    req("y", Operator::In, &["alpha"]),
                ],
                false,
            ),
            (
                set(&[("y", "")]),
                vec![
                    req("x", Operator::NotIn, &[""]),
                    req("y", Operator::Exists, &[]),
                ],
                true,
            ),
            (
                set(&[("y", "")]),
                vec![
                    req("x", Operator::DoesNotExist, &[]),
                    req("y", Operator::Exists, &[]),
                ],
                true,
            ),
            (
                set(&[("y", "")]),
                vec![
                    req("x", Operator::NotIn, &[""]),
                    req("y", Operator::DoesNotExist, &[]),
                ],
                false,
            ),
            (
                set(&[("y", "baz")]),
                vec![req("x", Operator::In, &[""])],
                false,
            ),
            (
                set(&[("z", "2")]),
                vec![req("z", Operator::GreaterThan, &["1"])],
                true,
            ),
            (
                set(&[("z", "v2")]),
                vec![req("z", Operator::GreaterThan, &["1"])],
                false,
            ),
        ];
        for (labels, requirements, want) in table {
            let s = sel(requirements);
            assert_eq!(s.matches(&labels), want, "{s} on {labels:?}");
        }
    }

    #[test]
    fn set_selector_parser_follows_the_upstream_table() {
        // selector_test.go TestSetSelectorParser: (input, expected requirements or None for
        // "must fail"; Some(None) where upstream expects success without comparing).
        type Row = (&'static str, Option<Option<Vec<Requirement>>>);
        let ok = |r: Vec<Requirement>| Some(Some(r));
        let table: Vec<Row> = vec![
            ("", ok(vec![])),
            ("\rx", ok(vec![req("x", Operator::Exists, &[])])),
            (
                "this-is-a-dns.domain.com/key-with-dash",
                ok(vec![req(
                    "this-is-a-dns.domain.com/key-with-dash",
                    Operator::Exists,
                    &[],
                )]),
            ),
            (
                "this-is-another-dns.domain.com/key-with-dash in (so,what)",
                ok(vec![req(
                    "this-is-another-dns.domain.com/key-with-dash",
                    Operator::In,
                    &["so", "what"],
                )]),
            ),
            (
                "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
                ok(vec![req(
                    "0.1.2.domain/99",
                    Operator::NotIn,
                    &["10.10.100.1", "tick.tack.clock"],
                )]),
            ),
            (
                "foo  in\t (abc)",
                ok(vec![req("foo", Operator::In, &["abc"])]),
            ),
            (
                "x notin\n (abc)",
                ok(vec![req("x", Operator::NotIn, &["abc"])]),
            ),
            (
                "x  notin\t\t\t(abc,def)",
                ok(vec![req("x", Operator::NotIn, &["abc", "def"])]),
            ),
            (
                "x in (abc,def)",
                ok(vec![req("x", Operator::In, &["abc", "def"])]),
            ),
            (
                "x in (abc,)",
                ok(vec![req("x", Operator::In, &["abc", ""])]),
            ),
            ("x in ()", ok(vec![req("x", Operator::In, &[""])])),
            (
                "x notin (abc,,def),bar,z in (),w",
                ok(vec![
                    req("bar", Operator::Exists, &[]),
                    req("w", Operator::Exists, &[]),
                    req("x", Operator::NotIn, &["abc", "", "def"]),
                    req("z", Operator::In, &[""]),
                ]),
            ),
            ("x,y in (a)", Some(None)),
            ("x=a", ok(vec![req("x", Operator::Equals, &["a"])])),
            ("x>1", ok(vec![req("x", Operator::GreaterThan, &["1"])])),
            ("x<7", ok(vec![req("x", Operator::LessThan, &["7"])])),
            (
                "x=a,y!=b",
                ok(vec![
                    req("x", Operator::Equals, &["a"]),
                    req("y", Operator::NotEquals, &["b"]),
                ]),
            ),
            (
                "x=a,y!=b,z in (h,i,j)",
                ok(vec![
                    req("x", Operator::Equals, &["a"]),
                    req("y", Operator::NotEquals, &["b"]),
                    req("z", Operator::In, &["h", "i", "j"]),
                ]),
            ),
            ("x=a||y=b", None),
            ("x,,y", None),
            (",x,y", None),
            ("x nott in (y)", None),
            ("x notin ( )", ok(vec![req("x", Operator::NotIn, &[""])])),
            (
                "x notin (, a)",
                ok(vec![req("x", Operator::NotIn, &["", "a"])]),
            ),
            ("a in (xyz),", None),
            ("a in (xyz)b notin ()", None),
            ("a ", ok(vec![req("a", Operator::Exists, &[])])),
            (
                "a in (x,y,notin, z,in)",
                ok(vec![req(
                    "a",
                    Operator::In,
                    &["in", "notin", "x", "y", "z"],
                )]),
            ), // operator 'in' inside list of identifiers
            ("a in (xyz abc)", None), // no comma
            ("a notin(", None),       // bad formed
            ("a (", None),            // cpar
            ("(", None),              // opar
        ];
        for (input, expect) in table {
            let got = Selector::parse(input);
            match expect {
                None => assert!(got.is_err(), "{input:?} should fail, got {got:?}"),
                Some(None) => assert!(got.is_ok(), "{input:?}: {got:?}"),
                Some(Some(reqs)) => assert_eq!(got, Ok(sel(reqs)), "{input:?}"),
            }
        }
    }

    #[test]
    fn parse_errors_use_upstream_wording() {
        // Derived from Parser.parse / parseKeyAndInferOperator / parseOperator / NewRequirement
        // in selector.go, with kubectl's nil field path ("<nil>").
        let cases = [
            ("x=a=b", "found '=', expected: ',' or 'end of string'"),
            (
                "x=a||y=b",
                "unable to parse requirement: values[0][x]: Invalid value: \"a||y\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
            ),
            (
                ",",
                "found ',', expected: !, identifier, or 'end of string'",
            ),
            ("x,", "found '', expected: identifier after ','"),
            (
                "!",
                "unable to parse requirement: found '', expected: identifier",
            ),
            (
                "x (",
                "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt",
            ),
            (
                "x in",
                "unable to parse requirement: found '' expected: '('",
            ),
            (
                "x<a",
                "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer",
            ),
            (
                "-x=a",
                "unable to parse requirement: <nil>: Invalid value: \"-x\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(Selector::parse(input), Err(want.to_string()), "{input:?}");
        }
    }

    #[test]
    fn label_selectors_convert_and_print_like_metav1() {
        let labels = [
            ("app".to_string(), "web".to_string()),
            ("tier".to_string(), "fe".to_string()),
        ];
        let exprs = [
            (
                "env".to_string(),
                "In".to_string(),
                vec!["prod".to_string(), "dev".to_string()],
            ),
            ("canary".to_string(), "DoesNotExist".to_string(), vec![]),
        ];
        let s = Selector::from_label_selector(&labels, &exprs).expect("valid selector");
        // LabelSelectorAsSelector sorts requirements by key; String() sorts multi-values.
        assert_eq!(s.to_string(), "app=web,!canary,env in (dev,prod),tier=fe");
        assert_eq!(
            s.format_label_selector(),
            "app=web,!canary,env in (dev,prod),tier=fe"
        );
        assert!(s.matches(&set(&[("app", "web"), ("tier", "fe"), ("env", "dev")])));
        assert!(!s.matches(&set(&[
            ("app", "web"),
            ("tier", "fe"),
            ("env", "dev"),
            ("canary", "1")
        ])));
        let everything = Selector::from_label_selector(&[], &[]).expect("empty selector");
        assert!(everything.is_empty());
        assert_eq!(everything.format_label_selector(), "<none>");
    }

    #[test]
    fn label_selector_validation_gives_api_server_messages() {
        // meta/v1/validation ValidateLabelSelectorRequirement.
        let exprs = [
            ("a".to_string(), "In".to_string(), vec![]),
            ("b".to_string(), "Exists".to_string(), vec!["x".to_string()]),
            ("c".to_string(), "Foo".to_string(), vec![]),
            (
                "-d".to_string(),
                "NotIn".to_string(),
                vec!["-v".to_string()],
            ),
        ];
        let errs = Selector::from_label_selector(&[], &exprs).expect_err("invalid selector");
        let key_msg = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
        let value_msg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
        assert_eq!(
            errs,
            vec![
                "matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'".to_string(),
                "matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'".to_string(),
                "matchExpressions[2].operator: Invalid value: \"Foo\": not a valid selector operator".to_string(),
                format!("matchExpressions[3].key: Invalid value: \"-d\": {key_msg}"),
                format!("matchExpressions[3].values[0]: Invalid value: \"-v\": {value_msg}"),
            ]
        );
        let bad_labels = [("app".to_string(), "a b".to_string())];
        let errs = Selector::from_label_selector(&bad_labels, &[]).expect_err("invalid value");
        assert_eq!(
            errs,
            vec![format!("matchLabels: Invalid value: \"a b\": {value_msg}")]
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_selector_text_never_panics(s in "\\PC{0,40}") {
            if let Ok(selector) = Selector::parse(&s) {
                let _ = selector.matches(&set(&[("a", "1")]));
                // What a selector prints parses back to the same selector.
                let printed = selector.to_string();
                proptest::prop_assert_eq!(Selector::parse(&printed).map(|s| s.to_string()), Ok(printed));
            }
        }
    }
}
