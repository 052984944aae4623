//! The spanned YAML tree every input is read into before anything else looks at it.
//!
//! Keeping positions on every node lets the schema checker, the scenario loader and the
//! extractors report `file:line:col` and a field path for every problem, and report all of
//! them, which serde-derived structs cannot (they stop at the first error).

use crate::diag::Span;

/// One YAML node with the place it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value, with scalars resolved as sigs.k8s.io/yaml (kubectl's YAML reader) resolves them.
    pub value: Value,
    /// Where the node starts (for a mapping or sequence, its first token).
    pub span: Span,
    /// For scalars, the text as written (without quotes), so a field that must be text
    /// (`kubernetesVersion: 1.35`) is read as written and never through a float.
    pub raw: String,
}

/// A YAML value. Mappings keep their keys' order and positions; duplicate keys are reported
/// by the parser (kubectl rejects them) and the first one is kept.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`, `~` or an empty value.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer that fits in i64.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A string (quoted, or plain text that is not another type).
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping; keys are nodes so their spans are kept.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The string of a scalar key or value; numbers and booleans give their raw text.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => Some(&self.raw),
            _ => None,
        }
    }

    /// The entries of a mapping.
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The items of a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// Looks a key up in a mapping (first match).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// The YAML type name used in messages (`string`, `integer`, `object`, ...), as the
    /// API server's decoder names JSON types.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Seq(_) => "array",
            Value::Map(_) => "object",
        }
    }
}
