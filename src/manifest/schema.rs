//! The field table of every Kubernetes 1.35 API type, and the check of a manifest against it.
//!
//! Models what kube-apiserver does with a manifest body before any admission plugin runs:
//! decoding with `sigs.k8s.io/json` in strict mode (unknown fields, wrong JSON types, integer
//! overflow) and the field validation that rejects missing required fields and unsupported
//! enum values. Every problem is collected, where the API server stops at the first type error.
//!
//! The table (`schema_table.txt`, embedded) is generated from the strict JSON schemas of
//! Kubernetes 1.35 (`kubernetes-json-schema/v1.35.0-local-strict/_definitions.json`, the
//! `kubernetes-validate` package's copy of the OpenAPI document) by the test
//! `schema_table_matches_the_pinned_json_schemas`; descriptions are stripped.
//!
//! Simplifications, each chosen on purpose:
//! - Go's decoder names named string types (`v1.Protocol`, `v1.PullPolicy`) in type errors;
//!   the schemas do not carry Go type names, so those print as `string`.
//! - Required fields come from the OpenAPI `required` lists. The API server's validation
//!   words some of them differently (a missing `ServicePort.port` is `Invalid value: 0: must be
//!   between 1 and 65535, inclusive`; a missing Deployment `template` shows up as errors inside
//!   the template); here they are all `Required value`. Fields whose zero value the API server
//!   accepts although the OpenAPI lists them as required are exempt (`ZERO_VALUE_ACCEPTED`).
//!   A required field that is `null`, `""` or `[]` counts as missing, as validation sees Go's
//!   zero value.
//! - The pinned strict schemas carry no enums except `apiVersion`/`kind` (they are built from
//!   the OpenAPI v2 document), so the generator adds the enums of the core and apps fields
//!   kubesim models from k8s.io/api's `+enum` constants (`ENUMS` in the generator). Values are
//!   listed alphabetically, as the OpenAPI v3 document lists them; Kubernetes' validators
//!   sometimes list them in another order. An empty string is left to defaulting. Inside the
//!   top-level `status` only decoding is checked, since the API server drops a created
//!   object's status.
//! - Quantities and IntOrString values are only type-checked; `crate::model` parses them.
//!   `date-time` strings are not parsed.

use crate::diag::{Problem, Span, did_you_mean};
use crate::manifest::tree::{Node, Value};
use std::sync::OnceLock;

/// The generated table, embedded so that the product never reads the schemas at run time.
const TABLE: &str = include_str!("schema_table.txt");

/// One API type (a Go struct) in the table, by position; cheap to copy and compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DefId(u32);

/// Index of a field type in the arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct TyId(u32);

/// What a field holds, as Go's JSON decoder sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    String,
    /// `[]byte`: a base64 string (`format: byte`).
    Bytes,
    Int32,
    Int64,
    Float64,
    Bool,
    /// `intstr.IntOrString`: a string, or a number that fits int32.
    IntOrString,
    /// `resource.Quantity`: a string or a number; parsed elsewhere.
    Quantity,
    /// `metav1.Time` / `MicroTime`: a string.
    Time,
    /// Raw JSON (`runtime.RawExtension`, `FieldsV1`, `apiextensions.JSON`, ...).
    Any,
    Struct(DefId),
    Array(TyId),
    Map(TyId),
}

struct Field {
    name: &'static str,
    ty: TyId,
    required: bool,
    /// `A|B|C`, split only when checked.
    enum_values: Option<&'static str>,
}

struct Def {
    name: &'static str,
    /// Range into `Schema::fields`, sorted by name.
    fields: (u32, u32),
}

/// One `x-kubernetes-group-version-kind` of the table.
pub(crate) struct TableKind {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub def: DefId,
}

/// The parsed table: definitions, their fields and the field types, in arenas.
pub(crate) struct Schema {
    defs: Vec<Def>,
    fields: Vec<Field>,
    types: Vec<Ty>,
    pub kinds: Vec<TableKind>,
}

/// Fields the OpenAPI lists as required but whose Go zero value the API server accepts
/// (pkg/apis/core/validation: HTTP header values may be empty; `sleep.seconds: 0` is valid
/// since PodLifecycleSleepActionAllowZero; an iSCSI LUN is 0..=255).
const ZERO_VALUE_ACCEPTED: &[(&str, &str)] = &[
    ("io.k8s.api.core.v1.HTTPHeader", "value"),
    ("io.k8s.api.core.v1.SleepAction", "seconds"),
    ("io.k8s.api.core.v1.ISCSIVolumeSource", "lun"),
    ("io.k8s.api.core.v1.ISCSIPersistentVolumeSource", "lun"),
];

/// The table, parsed on first use.
pub(crate) fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        parse_table(TABLE).expect("schema_table.txt is generated and checked by the tests") // ok: internal invariant, not reachable from input
    })
}

/// Finds a definition by its OpenAPI name (`io.k8s.api.apps.v1.Deployment`).
pub fn def_by_name(name: &str) -> Option<DefId> {
    let s = schema();
    s.defs
        .binary_search_by(|d| d.name.cmp(name))
        .ok()
        .map(|i| DefId(i as u32))
}

/// The OpenAPI name of a definition, for messages and debugging.
pub fn def_name(def: DefId) -> &'static str {
    schema().def(def).name
}

impl Schema {
    fn def(&self, id: DefId) -> &Def {
        &self.defs[id.0 as usize]
    }

    fn fields_of(&self, id: DefId) -> &[Field] {
        let (a, b) = self.def(id).fields;
        &self.fields[a as usize..b as usize]
    }

    fn ty(&self, id: TyId) -> Ty {
        self.types[id.0 as usize]
    }

    /// The Go type as `reflect.Type.String()` prints it in decoding errors.
    fn go_type(&self, ty: Ty) -> String {
        match ty {
            Ty::String => "string".into(),
            Ty::Bytes => "[]uint8".into(),
            Ty::Int32 => "int32".into(),
            Ty::Int64 => "int64".into(),
            Ty::Float64 => "float64".into(),
            Ty::Bool => "bool".into(),
            Ty::IntOrString => "intstr.IntOrString".into(),
            Ty::Quantity => "resource.Quantity".into(),
            Ty::Time => "v1.Time".into(),
            Ty::Any => "runtime.RawExtension".into(),
            Ty::Struct(d) => go_struct_name(self.def(d).name, true).into(),
            Ty::Array(t) => format!("[]{}", self.go_type(self.ty(t))),
            Ty::Map(t) => format!("map[string]{}", self.go_type(self.ty(t))),
        }
    }
}

/// `io.k8s.api.apps.v1.DeploymentSpec` → `v1.DeploymentSpec` (with package) or
/// `DeploymentSpec`: Go names types by their package's last path element.
fn go_struct_name(def: &str, with_package: bool) -> &str {
    let mut parts = def.rsplitn(3, '.');
    let name = parts.next().unwrap_or(def);
    if !with_package {
        return name;
    }
    match parts.next() {
        Some(pkg) => &def[def.len() - name.len() - pkg.len() - 1..],
        None => name,
    }
}

/// Parses the table text. Lines: `kind API_VERSION KIND DEF`, `struct DEF`, and under a
/// struct `  FIELD[!] TYPE [enum=A|B]` (`!` marks a required field).
fn parse_table(text: &'static str) -> Result<Schema, String> {
    // Pass 1: definition names in order (the generator writes them sorted).
    let mut names: Vec<&'static str> = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("struct ") {
            names.push(name.trim());
        }
    }
    if !names.windows(2).all(|w| w[0] < w[1]) {
        return Err("struct names are not sorted".into());
    }
    let lookup =
        |name: &str| -> Option<DefId> { names.binary_search(&name).ok().map(|i| DefId(i as u32)) };
    let mut s = Schema {
        defs: Vec::with_capacity(names.len()),
        fields: Vec::new(),
        types: Vec::new(),
        kinds: Vec::new(),
    };
    for (n, line) in text.lines().enumerate() {
        let bad = || format!("line {}: cannot read {line:?}", n + 1);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("kind ") {
            let mut w = rest.split_whitespace();
            let (Some(api_version), Some(kind), Some(def), None) =
                (w.next(), w.next(), w.next(), w.next())
            else {
                return Err(bad());
            };
            let def = lookup(def).ok_or_else(bad)?;
            s.kinds.push(TableKind {
                api_version,
                kind,
                def,
            });
        } else if let Some(name) = line.strip_prefix("struct ") {
            let at = s.fields.len() as u32;
            s.defs.push(Def {
                name: name.trim(),
                fields: (at, at),
            });
        } else if let Some(rest) = line.strip_prefix("  ") {
            let mut w = rest.split_whitespace();
            let (Some(name), Some(ty)) = (w.next(), w.next()) else {
                return Err(bad());
            };
            let enum_values = match w.next() {
                None => None,
                Some(e) => Some(e.strip_prefix("enum=").ok_or_else(bad)?),
            };
            let (name, required) = match name.strip_suffix('!') {
                Some(n) => (n, true),
                None => (name, false),
            };
            let ty = parse_ty(&mut s.types, ty, &lookup).ok_or_else(bad)?;
            s.fields.push(Field {
                name,
                ty,
                required,
                enum_values,
            });
            let end = s.fields.len() as u32;
            let def = s.defs.last_mut().ok_or_else(bad)?;
            def.fields.1 = end;
        } else {
            return Err(bad());
        }
    }
    for d in &s.defs {
        let f = &s.fields[d.fields.0 as usize..d.fields.1 as usize];
        if !f.windows(2).all(|w| w[0].name < w[1].name) {
            return Err(format!("fields of {} are not sorted", d.name));
        }
    }
    Ok(s)
}

fn parse_ty(
    types: &mut Vec<Ty>,
    text: &str,
    lookup: &dyn Fn(&str) -> Option<DefId>,
) -> Option<TyId> {
    let ty = if let Some(inner) = text.strip_prefix("[]") {
        Ty::Array(parse_ty(types, inner, lookup)?)
    } else if let Some(inner) = text.strip_prefix("map[string]") {
        Ty::Map(parse_ty(types, inner, lookup)?)
    } else {
        match text {
            "string" => Ty::String,
            "bytes" => Ty::Bytes,
            "int32" => Ty::Int32,
            "int64" => Ty::Int64,
            "float64" => Ty::Float64,
            "bool" => Ty::Bool,
            "int-or-string" => Ty::IntOrString,
            "quantity" => Ty::Quantity,
            "time" => Ty::Time,
            "any" => Ty::Any,
            name => Ty::Struct(lookup(name)?),
        }
    };
    types.push(ty);
    Some(TyId(types.len() as u32 - 1))
}

/// Checks one document (a mapping) against a definition, as kube-apiserver's strict decoding
/// and field validation would, and returns every problem found, in document order.
pub fn check(doc: &Node, def: DefId) -> Vec<Problem> {
    let mut c = Checker {
        s: schema(),
        path: Vec::new(),
        problems: Vec::new(),
    };
    match doc.as_map() {
        Some(entries) => c.object(entries, doc.span, def, true),
        None => c.type_error(doc, Ty::Struct(def)),
    }
    c.problems.sort_by_key(|p| p.span.offset);
    c.problems
}

/// One step of the path from the document root.
#[derive(Clone, Copy)]
enum Seg<'n> {
    /// A struct field, with the struct that declares it (Go's error context).
    Field(&'static str, DefId),
    Index(usize),
    Key(&'n str),
}

struct Checker<'n> {
    s: &'static Schema,
    path: Vec<Seg<'n>>,
    problems: Vec<Problem>,
}

impl<'n> Checker<'n> {
    /// Decodes a mapping into a struct: unknown fields, each field's value, then required
    /// fields. `at` is where to point when a required field is missing (the key that
    /// introduced this object). `validate` is false under the top-level `status`.
    fn object(&mut self, entries: &'n [(Node, Node)], at: Span, def: DefId, validate: bool) {
        let fields = self.s.fields_of(def);
        let root = self.path.is_empty();
        for (key, value) in entries {
            let name = key.as_str().unwrap_or(&key.raw);
            let Ok(i) = fields.binary_search_by(|f| f.name.cmp(name)) else {
                self.unknown_field(key, name, fields);
                continue;
            };
            let field = &fields[i];
            if root && (field.name == "apiVersion" || field.name == "kind") {
                // kinds.rs resolves these; a wrong one is "no matches for kind".
                continue;
            }
            self.path.push(Seg::Field(field.name, def));
            let validate_here = validate && !(root && field.name == "status");
            self.value(value, key.span, field.ty, validate_here);
            if validate_here
                && let (Some(values), Value::Str(s)) = (field.enum_values, &value.value)
                && !s.is_empty()
                && !values.split('|').any(|v| v == s)
            {
                let supported: Vec<String> = values.split('|').map(go_quote).collect();
                self.problem(
                    value.span,
                    format!(
                        "Unsupported value: {}: supported values: {}",
                        go_quote(s),
                        supported.join(", ")
                    ),
                );
            }
            self.path.pop();
        }
        if validate {
            self.required(entries, at, def, fields);
        }
    }

    fn required(&mut self, entries: &[(Node, Node)], at: Span, def: DefId, fields: &[Field]) {
        for field in fields.iter().filter(|f| f.required) {
            let present = entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(field.name))
                .map(|(_, v)| v);
            let span = match present {
                None => at,
                Some(v) if is_zero(v) => v.span,
                Some(_) => continue,
            };
            let def_name = self.s.def(def).name;
            if ZERO_VALUE_ACCEPTED.contains(&(def_name, field.name)) {
                continue;
            }
            self.path.push(Seg::Field(field.name, def));
            self.problem(span, "Required value");
            self.path.pop();
        }
    }

    fn unknown_field(&mut self, key: &Node, name: &str, fields: &[Field]) {
        let mut path = self.path_string();
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(name);
        let mut p = Problem::new(key.span, path.clone(), format!("unknown field {path:?}"));
        if let Some(s) = did_you_mean(name, fields.iter().map(|f| f.name)) {
            p = p.with_help(format!("did you mean {s:?}?"));
        }
        self.problems.push(p);
    }

    /// Decodes one value into a field of type `ty`.
    fn value(&mut self, node: &'n Node, at: Span, ty: TyId, validate: bool) {
        let ty = self.s.ty(ty);
        match (&node.value, ty) {
            (Value::Null, _) | (_, Ty::Any) => {}
            (Value::Float(f), _) if !f.is_finite() => {
                // sigs.k8s.io/yaml's YAML→JSON step cannot encode it (json.Marshal).
                let text = if f.is_nan() {
                    "NaN"
                } else if *f > 0.0 {
                    "+Inf"
                } else {
                    "-Inf"
                };
                self.problem(node.span, format!("json: unsupported value: {text}"));
            }
            (Value::Str(_), Ty::String | Ty::Time | Ty::IntOrString | Ty::Quantity) => {}
            (Value::Str(s), Ty::Bytes) => {
                if let Err(at) = base64_std_decode_check(s.as_bytes()) {
                    self.problem(node.span, format!("illegal base64 data at input byte {at}"));
                }
            }
            (Value::Bool(_), Ty::Bool) => {}
            (Value::Int(_) | Value::Float(_), Ty::Float64 | Ty::Quantity) => {}
            (Value::Int(_) | Value::Float(_), Ty::Int32 | Ty::Int64 | Ty::IntOrString) => {
                // kubectl sends the YAML number as JSON text; the decoder then runs ParseInt
                // on it, so `3.0` (sent as `3`) is an integer and `1.5` is not.
                let int = match node.value {
                    Value::Int(i) => Some(i),
                    _ => go_json_number(node).parse::<i64>().ok(),
                };
                let fits = match int {
                    Some(_) if ty == Ty::Int64 => true,
                    Some(n) => i32::try_from(n).is_ok(),
                    None => false,
                };
                if !fits {
                    self.type_error(node, ty);
                }
            }
            (Value::Map(entries), Ty::Struct(def)) => self.object(entries, at, def, validate),
            (Value::Seq(items), Ty::Array(elem)) => {
                for (i, item) in items.iter().enumerate() {
                    self.path.push(Seg::Index(i));
                    self.value(item, item.span, elem, validate);
                    self.path.pop();
                }
            }
            (Value::Map(entries), Ty::Map(elem)) => {
                for (k, v) in entries {
                    self.path.push(Seg::Key(k.as_str().unwrap_or(&k.raw)));
                    self.value(v, k.span, elem, validate);
                    self.path.pop();
                }
            }
            _ => self.type_error(node, ty),
        }
    }

    /// The decoder's message for a JSON value that does not fit the Go type.
    fn type_error(&mut self, node: &Node, ty: Ty) {
        let message = match ty {
            Ty::Quantity => {
                // resource.Quantity.UnmarshalJSON: anything but a string or number fails
                // ParseQuantity with ErrFormatWrong (apimachinery pkg/api/resource/quantity.go).
                "quantities must match the regular expression \
                 '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
                    .to_string()
            }
            _ => {
                // IntOrString.UnmarshalJSON decodes a non-string into its int32; metav1.Time
                // decodes into a string first. The outer decoder then adds its context.
                let target = match ty {
                    Ty::IntOrString => Ty::Int32,
                    Ty::Time => Ty::String,
                    t => t,
                };
                let got = match (&node.value, target) {
                    (Value::Int(_) | Value::Float(_), Ty::Int32 | Ty::Int64 | Ty::Float64) => {
                        format!("number {}", go_json_number(node))
                    }
                    (Value::Int(_) | Value::Float(_), _) => "number".into(),
                    (Value::Str(_), _) => "string".into(),
                    (Value::Bool(_), _) => "bool".into(),
                    (Value::Seq(_), _) => "array".into(),
                    (Value::Map(_), _) => "object".into(),
                    (Value::Null, _) => "null".into(),
                };
                let go_type = self.s.go_type(target);
                match self.go_context() {
                    Some((owner, fields)) => format!(
                        "json: cannot unmarshal {got} into Go struct field {owner}.{fields} of type {go_type}"
                    ),
                    None => format!("json: cannot unmarshal {got} into Go value of type {go_type}"),
                }
            }
        };
        self.problem(node.span, message);
    }

    /// Go's decoder error context: the innermost struct and the JSON field names from the
    /// root, without indices or map keys (`EnvVar`, `spec.template.spec.containers.env.value`).
    fn go_context(&self) -> Option<(&'static str, String)> {
        let mut owner = None;
        let mut fields = String::new();
        for seg in &self.path {
            if let Seg::Field(name, def) = seg {
                owner = Some(*def);
                if !fields.is_empty() {
                    fields.push('.');
                }
                fields.push_str(name);
            }
        }
        owner.map(|d| (go_struct_name(self.s.def(d).name, false), fields))
    }

    fn problem(&mut self, span: Span, message: impl Into<String>) {
        let path = self.path_string();
        self.problems.push(Problem::new(span, path, message));
    }

    /// The path in Kubernetes' field notation (`spec.containers[0].ports[1]`, `labels[app]`).
    fn path_string(&self) -> String {
        let mut out = String::new();
        for seg in &self.path {
            match seg {
                Seg::Field(name, _) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(name);
                }
                Seg::Index(i) => out.push_str(&format!("[{i}]")),
                Seg::Key(k) => {
                    out.push('[');
                    out.push_str(k);
                    out.push(']');
                }
            }
        }
        out
    }
}

/// Whether validation sees Go's zero value: absent-like `null`, `""` or `[]`.
fn is_zero(v: &Node) -> bool {
    match &v.value {
        Value::Null => true,
        Value::Str(s) => s.is_empty(),
        Value::Seq(items) => items.is_empty(),
        _ => false,
    }
}

/// A YAML number as the JSON text kubectl sends: integers in decimal, floats as Go's
/// `encoding/json` writes a float64 (shortest form; exponent only below 1e-6 or from 1e21).
pub(crate) fn go_json_number(node: &Node) -> String {
    match node.value {
        Value::Int(i) => i.to_string(),
        Value::Float(f) => go_json_float(f),
        _ => node.raw.clone(),
    }
}

/// Go's `encoding/json` float64 encoding (floatEncoder in encode.go).
pub(crate) fn go_json_float(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = format!("{f:e}");
        match s.split_once('e') {
            Some((mantissa, exp)) => match exp.strip_prefix('-') {
                Some(e) => format!("{mantissa}e-{e}"),
                None => format!("{mantissa}e+{exp:0>2}"),
            },
            None => s,
        }
    } else {
        format!("{f}")
    }
}

/// Go's `strconv.Quote` for the strings that appear in field errors.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `base64.StdEncoding.Decode` error position (`CorruptInputError`), which is what
/// `encoding/json` reports for a `[]byte` field (`illegal base64 data at input byte N`).
/// Newlines are skipped, as Go does.
fn base64_std_decode_check(src: &[u8]) -> Result<(), usize> {
    let is_alphabet = |b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'/';
    let skip_newlines = |mut i: usize| {
        while i < src.len() && (src[i] == b'\n' || src[i] == b'\r') {
            i += 1;
        }
        i
    };
    let mut si = 0;
    // One quantum of four characters per iteration (decodeQuantum in encoding/base64).
    while si < src.len() {
        let mut j = 0;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(());
                }
                return Err(si - j);
            }
            let c = src[si];
            si += 1;
            if is_alphabet(c) {
                j += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' {
                return Err(si - 1);
            }
            // Padding: only after two or three characters of a quantum.
            match j {
                0 | 1 => return Err(si - 1),
                2 => {
                    si = skip_newlines(si);
                    if si == src.len() {
                        return Err(src.len());
                    }
                    if src[si] != b'=' {
                        return Err(si - 1);
                    }
                    si += 1;
                }
                _ => {}
            }
            si = skip_newlines(si);
            if si < src.len() {
                return Err(si);
            }
            return Ok(());
        }
    }
    Ok(())
}

#[cfg(test)]
mod generate {
    //! Writes the table from `_definitions.json`. Every JSON schema shape it does not know
    //! makes it panic, so that a new schema version cannot be half-read silently.

    use serde_json::{Map, Value};
    use std::collections::{BTreeMap, BTreeSet};

    /// Definitions that are not structs to Go's decoder: they have their own UnmarshalJSON.
    /// `any`: accepts any JSON (RawExtension, FieldsV1, Patch, apiextensions JSON and the
    /// JSONSchemaPropsOr* unions, which accept an object or a bool/array).
    const SCALARS: &[(&str, &str)] = &[
        (
            "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
            "int-or-string",
        ),
        ("io.k8s.apimachinery.pkg.api.resource.Quantity", "quantity"),
        ("io.k8s.apimachinery.pkg.apis.meta.v1.Time", "time"),
        ("io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime", "time"),
        ("io.k8s.apimachinery.pkg.runtime.RawExtension", "any"),
        ("io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1", "any"),
        ("io.k8s.apimachinery.pkg.apis.meta.v1.Patch", "any"),
        (
            "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON",
            "any",
        ),
        (
            "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray",
            "any",
        ),
        (
            "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool",
            "any",
        ),
        (
            "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray",
            "any",
        ),
    ];

    /// Enums the API server's validation enforces (`field.NotSupported`) but which the pinned
    /// strict schemas, built from the OpenAPI v2 document, do not carry (only `apiVersion` and
    /// `kind` have an `enum` there). Values are the `+enum` constants of k8s.io/api
    /// core/v1 and apps/v1 `types.go`, in the alphabetical order the OpenAPI v3 document uses.
    const ENUMS: &[(&str, &str, &str)] = &[
        (
            "io.k8s.api.apps.v1.DaemonSetUpdateStrategy",
            "type",
            "OnDelete|RollingUpdate",
        ),
        (
            "io.k8s.api.apps.v1.DeploymentStrategy",
            "type",
            "Recreate|RollingUpdate",
        ),
        (
            "io.k8s.api.apps.v1.StatefulSetSpec",
            "podManagementPolicy",
            "OrderedReady|Parallel",
        ),
        (
            "io.k8s.api.apps.v1.StatefulSetUpdateStrategy",
            "type",
            "OnDelete|RollingUpdate",
        ),
        (
            "io.k8s.api.core.v1.Container",
            "imagePullPolicy",
            "Always|IfNotPresent|Never",
        ),
        (
            "io.k8s.api.core.v1.Container",
            "terminationMessagePolicy",
            "FallbackToLogsOnError|File",
        ),
        (
            "io.k8s.api.core.v1.ContainerPort",
            "protocol",
            "SCTP|TCP|UDP",
        ),
        ("io.k8s.api.core.v1.HTTPGetAction", "scheme", "HTTP|HTTPS"),
        (
            "io.k8s.api.core.v1.NodeSelectorRequirement",
            "operator",
            "DoesNotExist|Exists|Gt|In|Lt|NotIn",
        ),
        (
            "io.k8s.api.core.v1.PodSpec",
            "dnsPolicy",
            "ClusterFirst|ClusterFirstWithHostNet|Default|None",
        ),
        (
            "io.k8s.api.core.v1.PodSpec",
            "preemptionPolicy",
            "Never|PreemptLowerPriority",
        ),
        (
            "io.k8s.api.core.v1.PodSpec",
            "restartPolicy",
            "Always|Never|OnFailure",
        ),
        ("io.k8s.api.core.v1.ServicePort", "protocol", "SCTP|TCP|UDP"),
        (
            "io.k8s.api.core.v1.ServiceSpec",
            "externalTrafficPolicy",
            "Cluster|Local",
        ),
        (
            "io.k8s.api.core.v1.ServiceSpec",
            "internalTrafficPolicy",
            "Cluster|Local",
        ),
        (
            "io.k8s.api.core.v1.ServiceSpec",
            "ipFamilyPolicy",
            "PreferDualStack|RequireDualStack|SingleStack",
        ),
        (
            "io.k8s.api.core.v1.ServiceSpec",
            "sessionAffinity",
            "ClientIP|None",
        ),
        (
            "io.k8s.api.core.v1.ServiceSpec",
            "type",
            "ClusterIP|ExternalName|LoadBalancer|NodePort",
        ),
        (
            "io.k8s.api.core.v1.Taint",
            "effect",
            "NoExecute|NoSchedule|PreferNoSchedule",
        ),
        (
            "io.k8s.api.core.v1.Toleration",
            "effect",
            "NoExecute|NoSchedule|PreferNoSchedule",
        ),
        ("io.k8s.api.core.v1.Toleration", "operator", "Equal|Exists"),
        (
            "io.k8s.api.core.v1.TopologySpreadConstraint",
            "whenUnsatisfiable",
            "DoNotSchedule|ScheduleAnyway",
        ),
    ];

    const PROPERTY_KEYS: &[&str] = &[
        "description",
        "type",
        "format",
        "items",
        "additionalProperties",
        "$ref",
        "enum",
    ];

    fn scalar(name: &str) -> Option<&'static str> {
        SCALARS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
    }

    fn ref_name(p: &Map<String, Value>) -> Option<&str> {
        p.get("$ref")?.as_str()?.strip_prefix("#/$defs/")
    }

    /// The JSON type of a schema: `"string"` or `["string", "null"]`.
    fn json_type(p: &Map<String, Value>) -> Option<&str> {
        match p.get("type")? {
            Value::String(s) => Some(s),
            Value::Array(a) => {
                let mut it = a.iter().filter_map(Value::as_str).filter(|t| *t != "null");
                let t = it.next();
                assert!(it.next().is_none(), "union type {a:?}");
                t
            }
            other => panic!("unexpected type {other}"),
        }
    }

    fn ty(p: &Map<String, Value>, refs: &mut Vec<String>) -> String {
        for k in p.keys() {
            assert!(
                PROPERTY_KEYS.contains(&k.as_str()) || k.starts_with("x-kubernetes-"),
                "unknown schema key {k}"
            );
        }
        if let Some(r) = ref_name(p) {
            refs.push(r.to_string());
            return scalar(r)
                .map(str::to_string)
                .unwrap_or_else(|| r.to_string());
        }
        let format = p.get("format").and_then(Value::as_str);
        let obj = |key: &str| p.get(key).and_then(Value::as_object);
        match (json_type(p), format) {
            (Some("string"), None) => "string".into(),
            (Some("string"), Some("byte")) => "bytes".into(),
            (Some("integer"), Some("int32")) => "int32".into(),
            (Some("integer"), Some("int64")) => "int64".into(),
            (Some("number"), Some("double")) => "float64".into(),
            (Some("boolean"), None) => "bool".into(),
            (Some("array"), None) => {
                let items = obj("items").expect("array without items");
                format!("[]{}", ty(items, refs))
            }
            (Some("object"), None) => {
                let values = obj("additionalProperties").expect("object without values");
                format!("map[string]{}", ty(values, refs))
            }
            other => panic!("unknown property shape {other:?}"),
        }
    }

    /// The table text for `_definitions.json`'s `$defs`.
    pub fn table(defs: &Map<String, Value>) -> String {
        let def = |name: &str| -> &Map<String, Value> {
            defs.get(name)
                .and_then(Value::as_object)
                .unwrap_or_else(|| panic!("missing definition {name}"))
        };
        // Kinds, and the definitions reachable from them.
        let mut kinds = BTreeSet::new();
        let mut todo: Vec<String> = Vec::new();
        for (name, d) in defs {
            let Some(gvks) = d
                .get("x-kubernetes-group-version-kind")
                .and_then(Value::as_array)
            else {
                continue;
            };
            for g in gvks {
                let field = |k: &str| g.get(k).and_then(Value::as_str).expect("gvk field");
                let (group, version) = (field("group"), field("version"));
                let api_version = if group.is_empty() {
                    version.to_string()
                } else {
                    format!("{group}/{version}")
                };
                kinds.insert(format!("kind {api_version} {} {name}", field("kind")));
            }
            todo.push(name.clone());
        }
        let mut structs: BTreeMap<String, Vec<String>> = BTreeMap::new();
        while let Some(name) = todo.pop() {
            if structs.contains_key(&name) || scalar(&name).is_some() {
                continue;
            }
            let d = def(&name);
            assert_eq!(json_type(d), Some("object"), "{name} is not an object");
            let required: BTreeSet<&str> = d
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let props = d.get("properties").and_then(Value::as_object);
            let mut lines = Vec::new();
            let mut refs = Vec::new();
            for (field, p) in props.into_iter().flatten() {
                let p = p.as_object().expect("property is an object");
                let mut line = format!(
                    "  {field}{} {}",
                    if required.contains(field.as_str()) {
                        "!"
                    } else {
                        ""
                    },
                    ty(p, &mut refs)
                );
                let supplement = ENUMS
                    .iter()
                    .find(|(d, f, _)| *d == name && f == field)
                    .map(|(_, _, values)| values.to_string());
                if let Some(values) = p.get("enum").and_then(Value::as_array) {
                    assert!(supplement.is_none(), "{name}.{field} has an enum now");
                    let values: Vec<&str> = values
                        .iter()
                        .map(|v| v.as_str().expect("string enum"))
                        .collect();
                    assert!(
                        values
                            .iter()
                            .all(|v| !v.is_empty() && !v.contains(['|', ' ']))
                    );
                    line.push_str(&format!(" enum={}", values.join("|")));
                } else if let Some(values) = supplement {
                    line.push_str(&format!(" enum={values}"));
                }
                lines.push(line);
            }
            for r in &required {
                assert!(
                    props.is_some_and(|p| p.contains_key(*r)),
                    "{name}: required {r} is not a property"
                );
            }
            lines.sort();
            todo.extend(refs);
            structs.insert(name, lines);
        }
        for (d, f, _) in ENUMS {
            let lines = structs.get(*d).unwrap_or_else(|| panic!("{d} is gone"));
            assert!(
                lines.iter().any(
                    |l| l.starts_with(&format!("  {f} ")) || l.starts_with(&format!("  {f}! "))
                ),
                "{d}.{f} is gone"
            );
        }
        let mut out = String::from(
            "# Kubernetes 1.35 API types for kubesim's manifest check (src/manifest/schema.rs).\n\
             # Generated from kubernetes-json-schema/v1.35.0-local-strict/_definitions.json by the\n\
             # test schema_table_matches_the_pinned_json_schemas; do not edit by hand. Regenerate\n\
             # with: KUBESIM_BLESS=1 cargo test --lib manifest::schema\n\
             # `kind API_VERSION KIND DEF` is an x-kubernetes-group-version-kind; `struct DEF`\n\
             # lists its fields as `NAME[!] TYPE [enum=A|B]`, `!` marking a required field.\n",
        );
        for k in &kinds {
            out.push_str(k);
            out.push('\n');
        }
        for (name, lines) in &structs {
            out.push_str(&format!("struct {name}\n"));
            for l in lines {
                out.push_str(l);
                out.push('\n');
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::yaml::{Limits, parse_stream};

    fn doc(src: &str) -> Node {
        let p = parse_stream(src, &Limits::default());
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        p.docs.into_iter().next().expect("one document")
    }

    fn def(name: &str) -> DefId {
        def_by_name(name).expect("definition")
    }

    fn problems(src: &str, def_name: &str) -> Vec<(String, String, u32, u32)> {
        check(&doc(src), def(def_name))
            .into_iter()
            .map(|p| (p.path, p.message, p.span.line, p.span.col))
            .collect()
    }

    fn one(src: &str, def_name: &str) -> (String, String, u32, u32) {
        let mut p = problems(src, def_name);
        assert_eq!(p.len(), 1, "{p:?}");
        p.remove(0)
    }

    const DEPLOYMENT: &str = "io.k8s.api.apps.v1.Deployment";

    #[test]
    fn schema_table_matches_the_pinned_json_schemas() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let json = root.join(
            "../shared/reference/kubernetes-json-schema/v1.35.0-local-strict/_definitions.json",
        );
        let Ok(text) = std::fs::read_to_string(&json) else {
            println!("skipped: {} is not here", json.display());
            return;
        };
        let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        let defs = value
            .get("$defs")
            .and_then(serde_json::Value::as_object)
            .expect("$defs");
        let generated = generate::table(defs);
        let committed = root.join("src/manifest/schema_table.txt");
        if std::env::var("KUBESIM_BLESS").as_deref() == Ok("1") {
            std::fs::write(&committed, &generated).expect("write the table");
            return;
        }
        assert!(
            generated == TABLE,
            "src/manifest/schema_table.txt is stale; regenerate it with KUBESIM_BLESS=1"
        );
    }

    #[test]
    fn the_embedded_table_parses_and_stays_small() {
        let s = schema();
        assert!(TABLE.len() < 1_000_000);
        assert!(s.defs.len() > 500, "{}", s.defs.len());
        assert!(
            s.kinds
                .iter()
                .any(|k| k.api_version == "apps/v1" && k.kind == "Deployment")
        );
        let spec = def("io.k8s.api.apps.v1.DeploymentSpec");
        let required: Vec<&str> = s
            .fields_of(spec)
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name)
            .collect();
        assert_eq!(required, ["selector", "template"]);
    }

    #[test]
    fn a_valid_deployment_has_no_problems() {
        let src = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: web\n  strategy:\n    type: RollingUpdate\n    rollingUpdate: {maxSurge: 1, maxUnavailable: 25%}\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n        ports:\n        - containerPort: 80\n        resources:\n          requests: {cpu: 250m, memory: 64Mi}\n          limits: {cpu: 1, memory: 1.5Gi}\n";
        assert_eq!(problems(src, DEPLOYMENT), []);
    }

    #[test]
    fn a_valid_load_balancer_service_has_no_problems() {
        let src = "apiVersion: v1\nkind: Service\nmetadata:\n  name: lb\nspec:\n  type: LoadBalancer\n  selector: {app: web}\n  ports:\n  - port: 8080\n    targetPort: 80\n    protocol: TCP\n";
        assert_eq!(problems(src, "io.k8s.api.core.v1.Service"), []);
    }

    #[test]
    fn a_flow_style_pod_has_no_problems() {
        let src = "{apiVersion: v1, kind: Pod, metadata: {name: p, creationTimestamp: null}, spec: {containers: [{name: c, image: nginx, env: [{name: A, value: \"1\"}]}]}}";
        assert_eq!(problems(src, "io.k8s.api.core.v1.Pod"), []);
    }

    #[test]
    fn unknown_fields_are_named_as_the_strict_decoder_names_them() {
        // kubectl-output.md §7.5: strict decoding error: unknown field "spec.replicaz".
        let src = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicaz: 3\n  selector: {}\n  template: {spec: {containers: [{name: c}]}}\n";
        let p = check(&doc(src), def(DEPLOYMENT));
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].path, "spec.replicaz");
        assert_eq!(p[0].message, "unknown field \"spec.replicaz\"");
        assert_eq!(p[0].help.as_deref(), Some("did you mean \"replicas\"?"));
        assert_eq!((p[0].span.line, p[0].span.col), (4, 3));
    }

    #[test]
    fn unknown_fields_in_lists_carry_indices() {
        // kubectl-output.md §7.5, the redis example: containerPorts and moutPath.
        let src = "spec:\n  selector: {}\n  template:\n    spec:\n      containers:\n      - name: redis\n        ports:\n        - containerPorts: 6379\n        volumeMounts:\n        - name: a\n          mountPath: /a\n        - name: b\n          moutPath: /b\n";
        let p = problems(src, DEPLOYMENT);
        let msgs: Vec<&str> = p.iter().map(|p| p.1.as_str()).collect();
        assert!(msgs.contains(
            &"unknown field \"spec.template.spec.containers[0].ports[0].containerPorts\""
        ));
        assert!(msgs.contains(
            &"unknown field \"spec.template.spec.containers[0].volumeMounts[1].moutPath\""
        ));
        // ...and the entries that lost their required field are reported too.
        assert!(p.contains(&(
            "spec.template.spec.containers[0].ports[0].containerPort".into(),
            "Required value".into(),
            8,
            11
        )));
        assert!(p.contains(&(
            "spec.template.spec.containers[0].volumeMounts[1].mountPath".into(),
            "Required value".into(),
            12,
            11
        )));
    }

    #[test]
    fn a_string_where_an_int32_belongs_gets_the_json_decoder_message() {
        // Go encoding/json UnmarshalTypeError as the API server returns it, e.g. openshift/svt
        // #354: "json: cannot unmarshal string into Go struct field
        // ReplicationControllerSpec.replicas of type int32" (since Go 1.20 the field is the
        // full path, as in headlamp #1896: "...Go struct field
        // EnvVar.spec.template.spec.containers.env.value of type string").
        let src = "spec:\n  replicas: \"3\"\n  selector: {}\n  template: {spec: {containers: [{name: c}]}}\n";
        assert_eq!(
            one(src, DEPLOYMENT),
            (
                "spec.replicas".into(),
                "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32".into(),
                2,
                13
            )
        );
    }

    #[test]
    fn a_number_where_a_string_belongs_names_the_innermost_struct_and_the_path_without_indices() {
        // headlamp #1896 / neondatabase helm-charts #71, verbatim message.
        let src = "spec:\n  selector: {}\n  template:\n    spec:\n      containers:\n      - name: c\n        env:\n        - name: PORT\n          value: 443\n";
        assert_eq!(
            one(src, DEPLOYMENT),
            (
                "spec.template.spec.containers[0].env[0].value".into(),
                "json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string".into(),
                9,
                18
            )
        );
        // crowdsec-bouncer-traefik-plugin #112: a bool in the same place.
        let src = src.replace("value: 443", "value: true");
        assert_eq!(
            one(&src, DEPLOYMENT).1,
            "json: cannot unmarshal bool into Go struct field EnvVar.spec.template.spec.containers.env.value of type string"
        );
    }

    #[test]
    fn int32_overflow_and_fractions_are_rejected_but_integral_floats_are_not() {
        // encoding/json literalStore: ParseInt fails or OverflowInt → "number <literal>".
        let base =
            "spec:\n  selector: {}\n  template: {spec: {containers: [{name: c}]}}\n  replicas: ";
        let msg = |v: &str| {
            problems(&format!("{base}{v}\n"), DEPLOYMENT)
                .into_iter()
                .map(|p| p.1)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            msg("3000000000"),
            [
                "json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32"
            ]
        );
        assert_eq!(
            msg("1.5"),
            [
                "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32"
            ]
        );
        // YAML 3.0 and 1e3 become the JSON numbers 3 and 1000, which ParseInt accepts.
        assert!(msg("3.0").is_empty());
        assert!(msg("1e3").is_empty());
        assert!(msg("-2147483648").is_empty());
    }

    #[test]
    fn scalars_and_objects_in_each_others_place_are_type_errors() {
        let p = problems(
            "metadata: web\nspec:\n  selector: {}\n  template:\n    spec:\n      containers: {name: c}\n",
            DEPLOYMENT,
        );
        assert_eq!(
            p,
            [
                (
                    "metadata".into(),
                    "json: cannot unmarshal string into Go struct field Deployment.metadata of type v1.ObjectMeta".into(),
                    1,
                    11
                ),
                (
                    "spec.template.spec.containers".into(),
                    "json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container".into(),
                    6,
                    19
                ),
            ]
        );
        let p = one(
            "metadata:\n  labels:\n  - app\n",
            "io.k8s.api.core.v1.ConfigMap",
        );
        assert_eq!(
            p.1,
            "json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string"
        );
        let p = one(
            "metadata:\n  labels:\n    version: 1\n",
            "io.k8s.api.core.v1.ConfigMap",
        );
        assert_eq!(p.0, "metadata.labels[version]");
        assert_eq!(
            p.1,
            "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"
        );
    }

    #[test]
    fn int_or_string_and_quantity_are_only_type_checked() {
        let base = "spec:\n  selector: {}\n  template: {spec: {containers: [{name: c}]}}\n  strategy:\n    rollingUpdate:\n      maxSurge: ";
        let p = problems(&format!("{base}true\n"), DEPLOYMENT);
        assert_eq!(
            p[0].1,
            "json: cannot unmarshal bool into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32"
        );
        assert!(problems(&format!("{base}\"25%\"\n"), DEPLOYMENT).is_empty());
        assert!(problems(&format!("{base}2\n"), DEPLOYMENT).is_empty());
        let p = one(
            "spec:\n  containers:\n  - name: c\n    resources:\n      limits:\n        cpu: [1]\n",
            "io.k8s.api.core.v1.Pod",
        );
        assert_eq!(p.0, "spec.containers[0].resources.limits[cpu]");
        assert_eq!(
            p.1,
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        );
    }

    #[test]
    fn missing_required_fields_use_the_field_error_form() {
        // kubectl-output.md §7.3: `<path>: Required value`, no value printed.
        let p = problems(
            "spec:\n  replicas: 1\n  template:\n    spec:\n      containers: []\n",
            DEPLOYMENT,
        );
        assert_eq!(
            p,
            [
                ("spec.selector".into(), "Required value".into(), 1, 1),
                (
                    "spec.template.spec.containers".into(),
                    "Required value".into(),
                    5,
                    19
                ),
            ]
        );
        let p = one(
            "spec:\n  containers:\n  - image: nginx\n",
            "io.k8s.api.core.v1.Pod",
        );
        assert_eq!(
            p,
            (
                "spec.containers[0].name".into(),
                "Required value".into(),
                3,
                5
            )
        );
    }

    #[test]
    fn enums_report_the_supported_values() {
        // kubectl-output.md §7.3: spec.strategy.type: Unsupported value: "Blue":
        // supported values: "Recreate", "RollingUpdate".
        let p = one(
            "spec:\n  selector: {}\n  template: {spec: {containers: [{name: c}]}}\n  strategy:\n    type: Blue\n",
            DEPLOYMENT,
        );
        assert_eq!(
            p,
            (
                "spec.strategy.type".into(),
                "Unsupported value: \"Blue\": supported values: \"Recreate\", \"RollingUpdate\""
                    .into(),
                5,
                11
            )
        );
        // An empty value is left to defaulting.
        assert!(
            problems(
                "spec:\n  containers: [{name: c, imagePullPolicy: \"\"}]\n",
                "io.k8s.api.core.v1.Pod"
            )
            .is_empty()
        );
    }

    #[test]
    fn status_is_decoded_but_not_validated() {
        let src = "spec: {containers: [{name: c}]}\nstatus:\n  phase: Sleeping\n  conditions:\n  - status: \"True\"\n";
        assert!(problems(src, "io.k8s.api.core.v1.Pod").is_empty());
        let src = "spec: {containers: [{name: c}]}\nstatus:\n  phaze: Running\n";
        assert_eq!(
            one(src, "io.k8s.api.core.v1.Pod").1,
            "unknown field \"status.phaze\""
        );
    }

    #[test]
    fn secret_data_must_be_base64() {
        // Go encoding/json saves base64.CorruptInputError as is.
        let p = one(
            "data:\n  password: mypassword\n",
            "io.k8s.api.core.v1.Secret",
        );
        assert_eq!(
            p,
            (
                "data[password]".into(),
                "illegal base64 data at input byte 8".into(),
                2,
                13
            )
        );
        assert!(
            problems(
                "data:\n  password: bXlwYXNzd29yZA==\n",
                "io.k8s.api.core.v1.Secret"
            )
            .is_empty()
        );
    }

    #[test]
    fn base64_corruption_offsets_match_go() {
        // Go encoding/base64 base64_test.go TestDecodeCorrupt, the table as is (-1: valid).
        let cases: &[(&str, i64)] = &[
            ("", -1),
            ("\n", -1),
            ("AAA=\n", -1),
            ("AAAA\n", -1),
            ("!!!!", 0),
            ("====", 0),
            ("x===", 1),
            ("=AAA", 0),
            ("A=AA", 1),
            ("AA=A", 2),
            ("AA==A", 4),
            ("AAA=AAAA", 4),
            ("AAAAA", 4),
            ("AAAAAA", 4),
            ("A=", 1),
            ("A==", 1),
            ("AA=", 3),
            ("AA==", -1),
            ("AAA=", -1),
            ("AAAA", -1),
            ("AAAAAA=", 7),
            ("YWJjZA=====", 8),
            ("A!\n", 1),
            ("A=\n", 1),
        ];
        for (input, offset) in cases {
            let got = match base64_std_decode_check(input.as_bytes()) {
                Ok(()) => -1,
                Err(at) => at as i64,
            };
            assert_eq!(got, *offset, "{input:?}");
        }
    }

    #[test]
    fn go_float_formatting_matches_encoding_json() {
        // encoding/json floatEncoder: 'f' in [1e-6, 1e21), else 'e' with e-07 cleaned to e-7.
        assert_eq!(go_json_float(1.5), "1.5");
        assert_eq!(go_json_float(3.0), "3");
        assert_eq!(go_json_float(1e21), "1e+21");
        assert_eq!(go_json_float(1e-7), "1e-7");
        assert_eq!(go_json_float(1.5e-10), "1.5e-10");
        assert_eq!(go_json_float(123456789.0), "123456789");
    }

    #[test]
    fn checking_a_thousand_line_manifest_is_fast() {
        let mut src = String::from("spec:\n  containers:\n");
        for i in 0..200 {
            src.push_str(&format!(
                "  - name: c{i}\n    image: nginx\n    ports:\n    - containerPort: 80\n    env: [{{name: A, value: b}}]\n"
            ));
        }
        let node = doc(&src);
        let pod = def("io.k8s.api.core.v1.Pod");
        let _ = check(&node, pod);
        let start = std::time::Instant::now();
        for _ in 0..10 {
            assert!(check(&node, pod).is_empty());
        }
        let each = start.elapsed() / 10;
        println!("checking 1,000 lines took {each:?}");
        assert!(each < std::time::Duration::from_millis(20), "{each:?}");
    }
}
