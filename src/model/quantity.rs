//! Kubernetes resource quantities: apimachinery `resource.Quantity`
//! (`k8s.io/apimachinery/pkg/api/resource`), hand-ported.
//!
//! Ported: `ParseQuantity` with its fast scanner (`parseQuantityString`) and suffix table
//! (`suffix.go`), `String()` / `CanonicalizeBytes` (`quantity.go`, `amount.go`), `Value()` and
//! `MilliValue()`. Behaviour follows apimachinery master (2025): a DecimalSI exponent above `E`
//! falls back to `e` notation (`1000E` prints `1e21`), and the int64 accessors round away from
//! zero and saturate at `i64::MIN` / `i64::MAX` (`checked_accessors_test.go`); older releases
//! dropped the suffix and wrapped.
//!
//! Simplified: upstream keeps a big decimal (`inf.Dec`); here a value is an `i128` mantissa
//! times a power of ten. Every parsed value is rounded to nano away from zero exactly as
//! upstream does, so only the number of significant digits is bounded: a number with more
//! significant digits than an `i128` holds (about 38), or one with more than about 20
//! significant digits and more than 9 fractional places under a binary suffix, is rejected
//! with [`QuantityError::Numeric`] where upstream would keep it. BinarySI values saturate at
//! 2^63-1 as upstream does (`8Ei` parses as 9223372036854775807).

use std::fmt;
use std::str::FromStr;

/// How a quantity was written, which decides how it is printed back (upstream `Format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// `12e6`: printed with an `e` exponent that is a multiple of three.
    DecimalExponent,
    /// `12Mi`: printed with the largest exact power-of-1024 suffix.
    BinarySI,
    /// `12M`, `500m`, or no suffix: printed with the largest exact SI suffix.
    DecimalSI,
}

/// Why a string is not a quantity; `Display` gives apimachinery's own messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    /// `ErrFormatWrong`: the text does not have the shape number-then-suffix.
    #[error(
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    )]
    FormatWrong,
    /// `ErrNumeric`: the number part cannot be read (or, here only, has too many digits).
    #[error("unable to parse numeric part of quantity")]
    Numeric,
    /// `ErrSuffix`: the suffix is not one of the known SI, binary or exponent suffixes.
    #[error("unable to parse quantity's suffix")]
    Suffix,
}

/// A fixed-point amount of a resource (`500m` CPU, `1Gi` memory), as Kubernetes parses and
/// prints it. Equality compares values, like Go's `Quantity.Equal`: `1Gi == 1024Mi`.
#[derive(Clone, Debug)]
pub struct Quantity {
    /// The value is `mantissa * 10^exponent`; the mantissa has no trailing decimal zero
    /// (zero is stored as `0 * 10^0`), so equal values have equal fields.
    mantissa: i128,
    exponent: i64,
    format: Format,
    /// The input text, when upstream keeps it as the `String()` form (its fast path caches
    /// an input it considers canonical, e.g. `1.441` stays `1.441`).
    cached: Option<Box<str>>,
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.mantissa == other.mantissa && self.exponent == other.exponent
    }
}

impl Eq for Quantity {}

/// The largest magnitude a BinarySI quantity keeps (upstream `maxAllowed`, 2^63-1).
const MAX_ALLOWED: i128 = i64::MAX as i128;
const NANO_PER_UNIT: i128 = 1_000_000_000;

impl Quantity {
    /// Parses a quantity exactly as `resource.ParseQuantity` does, including its quirks
    /// (`1.G` and `.` are accepted, `0.9n` rounds up to `1n`, `9Ei` saturates).
    pub fn parse(s: &str) -> Result<Quantity, QuantityError> {
        if s.is_empty() {
            return Err(QuantityError::FormatWrong);
        }
        if s == "0" {
            return Ok(Quantity {
                mantissa: 0,
                exponent: 0,
                format: Format::DecimalSI,
                cached: Some(s.into()),
            });
        }
        let scanned = scan(s.as_bytes())?;
        let (base, suffix_exp, format) = interpret(scanned.suffix).ok_or(QuantityError::Suffix)?;
        let digits = Digits::new(scanned.num, scanned.denom);
        let (fast_path, cache) = fast_path(&scanned, &digits, suffix_exp, format);
        if !fast_path && !scanned.has_digit {
            // inf.Dec.SetString needs at least one digit.
            return Err(QuantityError::Numeric);
        }
        let cached = cache.then(|| Box::<str>::from(s));
        let denom_len = i64::try_from(scanned.denom.len()).map_err(|_| QuantityError::Numeric)?;
        let Some((lead, end, trail)) = digits.significant() else {
            return Ok(Quantity {
                mantissa: 0,
                exponent: 0,
                format,
                cached,
            });
        };
        let trail = i64::try_from(trail).map_err(|_| QuantityError::Numeric)?;
        let (magnitude, exponent, format) = match base {
            Base::Ten => {
                let e10 = i64::from(suffix_exp) - denom_len + trail;
                let (m, e) = round_to_nano(&digits, lead, end, e10)?;
                (m, e, format)
            }
            Base::Two => {
                let e10 = trail - denom_len;
                binary_value(&digits, lead, end, e10, suffix_exp)?
            }
        };
        let (mantissa, exponent) = normalize(magnitude, exponent);
        let mantissa = if scanned.positive {
            mantissa
        } else {
            -mantissa
        };
        Ok(Quantity {
            mantissa,
            exponent,
            format,
            cached,
        })
    }

    /// The format the quantity remembers from its text, which drives [`fmt::Display`].
    pub fn format(&self) -> Format {
        self.format
    }

    /// `ceil(q * 1000)` rounded away from zero, saturating at the `i64` rails: the
    /// milli-CPU the scheduler and kubelet account in.
    pub fn milli_value(&self) -> i64 {
        self.scaled_value(-3)
    }

    /// `q` rounded away from zero to an integer, saturating at the `i64` rails: the bytes
    /// (or counts) the scheduler and kubelet account in.
    pub fn value(&self) -> i64 {
        self.scaled_value(0)
    }

    /// Upstream `ScaledValue(scale)`: the value in units of `10^scale`.
    fn scaled_value(&self, scale: i64) -> i64 {
        let m = self.mantissa;
        if m == 0 {
            return 0;
        }
        let shift = self.exponent.saturating_sub(scale);
        let result = if shift >= 0 {
            u32::try_from(shift)
                .ok()
                .and_then(|s| 10i128.checked_pow(s))
                .and_then(|p| m.checked_mul(p))
        } else {
            let places = shift.unsigned_abs();
            match u32::try_from(places)
                .ok()
                .and_then(|k| 10i128.checked_pow(k))
            {
                // |m| < 10^39 <= divisor: the quotient is zero and the remainder is not.
                None => Some(m.signum()),
                Some(divisor) => {
                    let (q, r) = (m / divisor, m % divisor);
                    Some(if r == 0 { q } else { q + m.signum() })
                }
            }
        };
        match result {
            Some(v) => i64::try_from(v).unwrap_or(if v > 0 { i64::MAX } else { i64::MIN }),
            None if m > 0 => i64::MAX,
            None => i64::MIN,
        }
    }

    /// Writes the canonical form (`CanonicalizeBytes`), ignoring any cached input text.
    fn write_canonical(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mantissa == 0 {
            return f.write_str("0");
        }
        if self.format == Format::BinarySI {
            if let Some(integer) = self.binary_integer() {
                return write_binary(f, integer);
            }
            // Between -1024 and 1024, or not an integer: shown as DecimalSI.
            return write_decimal(f, self.mantissa, self.exponent, Format::DecimalSI);
        }
        write_decimal(f, self.mantissa, self.exponent, self.format)
    }

    /// The value as an integer when a binary suffix can show it exactly: `|q| >= 1024` and
    /// `q` is whole (upstream's `CmpInt64(±1024)` and `AsScale(0)` checks).
    fn binary_integer(&self) -> Option<i128> {
        if self.exponent < 0 {
            return None;
        }
        let v = u32::try_from(self.exponent)
            .ok()
            .and_then(|e| 10i128.checked_pow(e))
            .and_then(|p| self.mantissa.checked_mul(p))?;
        (v.unsigned_abs() >= 1024).then_some(v)
    }
}

impl FromStr for Quantity {
    type Err = QuantityError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Quantity::parse(s)
    }
}

impl fmt::Display for Quantity {
    /// Upstream `String()`: the cached input when parsing kept it, else the canonical form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cached {
            Some(text) => f.write_str(text),
            None => self.write_canonical(f),
        }
    }
}

/// Decimal canonical form: exponent lowered to a multiple of three, then an SI suffix, or
/// `e<exp>` for DecimalExponent and for exponents beyond the SI table.
fn write_decimal(
    f: &mut fmt::Formatter<'_>,
    m: i128,
    exponent: i64,
    format: Format,
) -> fmt::Result {
    let pad = exponent.rem_euclid(3);
    let e = exponent - pad;
    if m < 0 {
        f.write_str("-")?;
    }
    write!(f, "{}", m.unsigned_abs())?;
    for _ in 0..pad {
        f.write_str("0")?;
    }
    let si = match e {
        -9 => Some("n"),
        -6 => Some("u"),
        -3 => Some("m"),
        0 => Some(""),
        3 => Some("k"),
        6 => Some("M"),
        9 => Some("G"),
        12 => Some("T"),
        15 => Some("P"),
        18 => Some("E"),
        _ => None,
    };
    match (format, si) {
        (Format::DecimalSI, Some(suffix)) => f.write_str(suffix),
        _ if e == 0 => Ok(()),
        _ => write!(f, "e{e}"),
    }
}

/// Binary canonical form (`AsCanonicalBase1024Bytes`): the largest exact power of 1024.
fn write_binary(f: &mut fmt::Formatter<'_>, mut v: i128) -> fmt::Result {
    const SUFFIXES: [&str; 7] = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    let mut times = 0usize;
    while v.unsigned_abs() >= 1024 && v % 1024 == 0 {
        v /= 1024;
        times += 1;
    }
    // Only reachable up to Ei: BinarySI values are capped at 2^63-1 when parsed.
    write!(f, "{v}{}", SUFFIXES.get(times).copied().unwrap_or(""))
}

/// The pieces `parseQuantityString` returns.
struct Scanned<'a> {
    positive: bool,
    /// Integer digits without leading zeros (empty stands for upstream's `"0"`).
    num: &'a [u8],
    denom: &'a [u8],
    suffix: &'a [u8],
    /// Whether the number text has a digit (upstream's `value` string, which `inf.Dec`
    /// must be able to read when the fast path is not taken).
    has_digit: bool,
}

/// Port of `parseQuantityString`: splits sign, integer digits, fraction and suffix.
fn scan(s: &[u8]) -> Result<Scanned<'_>, QuantityError> {
    let is_digit = |p: usize| s.get(p).is_some_and(u8::is_ascii_digit);
    let mut pos = 0;
    let mut positive = true;
    match s.first() {
        Some(b'-') => {
            positive = false;
            pos = 1;
        }
        Some(b'+') => pos = 1,
        _ => {}
    }
    let zeros_start = pos;
    while s.get(pos) == Some(&b'0') {
        pos += 1;
    }
    let mut out = Scanned {
        positive,
        num: &[],
        denom: &[],
        suffix: &[],
        has_digit: true,
    };
    if pos >= s.len() {
        // Upstream returns num = value = "0".
        return Ok(out);
    }
    let num_start = pos;
    while is_digit(pos) {
        pos += 1;
    }
    out.num = s.get(num_start..pos).unwrap_or_default();
    if s.get(pos) == Some(&b'.') {
        pos += 1;
        let denom_start = pos;
        while is_digit(pos) {
            pos += 1;
        }
        out.denom = s.get(denom_start..pos).unwrap_or_default();
    }
    out.has_digit = num_start > zeros_start || !out.num.is_empty() || !out.denom.is_empty();
    let suffix_start = pos;
    while s.get(pos).is_some_and(|c| b"eEinumkKMGTP".contains(c)) {
        pos += 1;
    }
    if matches!(s.get(pos), Some(b'-' | b'+')) {
        pos += 1;
    }
    while is_digit(pos) {
        pos += 1;
    }
    if pos < s.len() {
        return Err(QuantityError::FormatWrong);
    }
    out.suffix = s.get(suffix_start..).unwrap_or_default();
    Ok(out)
}

#[derive(Clone, Copy)]
enum Base {
    Two,
    Ten,
}

/// Port of `suffixer.interpret`: base, exponent and format of a suffix.
fn interpret(suffix: &[u8]) -> Option<(Base, i32, Format)> {
    let decimal = |e| Some((Base::Ten, e, Format::DecimalSI));
    let binary = |e| Some((Base::Two, e, Format::BinarySI));
    match suffix {
        b"" => decimal(0),
        b"n" => decimal(-9),
        b"u" => decimal(-6),
        b"m" => decimal(-3),
        b"k" => decimal(3),
        b"M" => decimal(6),
        b"G" => decimal(9),
        b"T" => decimal(12),
        b"P" => decimal(15),
        b"E" => decimal(18),
        b"Ki" => binary(10),
        b"Mi" => binary(20),
        b"Gi" => binary(30),
        b"Ti" => binary(40),
        b"Pi" => binary(50),
        b"Ei" => binary(60),
        [b'e' | b'E', rest @ ..] if !rest.is_empty() => {
            // strconv.ParseInt(rest, 10, 64), then Go's int32() conversion, which wraps.
            let parsed: i64 = std::str::from_utf8(rest).ok()?.parse().ok()?;
            Some((Base::Ten, parsed as i32, Format::DecimalExponent))
        }
        _ => None,
    }
}

/// Whether upstream would take its int64 fast path, and whether that path keeps the input
/// text as the `String()` form.
fn fast_path(
    scanned: &Scanned<'_>,
    digits: &Digits<'_>,
    suffix_exp: i32,
    format: Format,
) -> (bool, bool) {
    let num_len = scanned.num.len().max(1) as i64;
    let denom_len = scanned.denom.len() as i64;
    match format {
        Format::DecimalExponent | Format::DecimalSI => {
            let scale = i64::from(suffix_exp) - denom_len;
            let fast = num_len + denom_len <= 18 && scale >= -9;
            // scale%3 == 0 && !HasSuffix(shifted, "000") && shifted[0] != '0'
            let cache =
                fast && scale % 3 == 0 && !digits.ends_with_000() && !scanned.num.is_empty();
            (fast, cache)
        }
        Format::BinarySI => {
            let fast = scanned.denom.is_empty() && num_len <= 14 - i64::from(suffix_exp) * 3 / 10;
            // value&0x07 != 0 on the integer digits (at most 11 of them here).
            let low_bits = scanned.num.iter().fold(0u64, |acc, d| {
                acc.wrapping_mul(10).wrapping_add(u64::from(d - b'0'))
            });
            (fast, fast && low_bits & 7 != 0)
        }
    }
}

/// The digits of `num` followed by `denom`, read without copying.
struct Digits<'a> {
    num: &'a [u8],
    denom: &'a [u8],
}

impl<'a> Digits<'a> {
    fn new(num: &'a [u8], denom: &'a [u8]) -> Self {
        Digits { num, denom }
    }

    fn len(&self) -> usize {
        self.num.len() + self.denom.len()
    }

    fn at(&self, i: usize) -> u8 {
        let d = match i.checked_sub(self.num.len()) {
            None => self.num.get(i),
            Some(j) => self.denom.get(j),
        };
        d.map_or(0, |c| c - b'0')
    }

    fn ends_with_000(&self) -> bool {
        let n = self.len();
        n >= 3 && (n - 3..n).all(|i| self.at(i) == 0)
    }

    /// `(first significant, end of significant, trailing zeros)`, or `None` for zero.
    fn significant(&self) -> Option<(usize, usize, usize)> {
        let n = self.len();
        let lead = (0..n).find(|&i| self.at(i) != 0)?;
        let end = (0..n).rev().find(|&i| self.at(i) != 0)? + 1;
        Some((lead, end, n - end))
    }

    /// The digits `from..to` as an integer, or `None` when they overflow `i128`.
    fn value(&self, from: usize, to: usize) -> Option<i128> {
        (from..to).try_fold(0i128, |acc, i| {
            acc.checked_mul(10)?.checked_add(i128::from(self.at(i)))
        })
    }
}

/// A base-10 value `digits * 10^e10`, rounded away from zero to nano like upstream's
/// `amount.Round(amount, Nano, inf.RoundUp)`.
fn round_to_nano(
    digits: &Digits<'_>,
    lead: usize,
    end: usize,
    e10: i64,
) -> Result<(i128, i64), QuantityError> {
    if e10 >= -9 {
        let m = digits.value(lead, end).ok_or(QuantityError::Numeric)?;
        return Ok((m, e10));
    }
    let drop = (-9 - e10).unsigned_abs();
    let kept = (end - lead) as u64;
    if drop >= kept {
        return Ok((1, -9));
    }
    // The dropped digits end in a non-zero digit, so the rounding always adds one.
    let keep_end = end - drop as usize;
    let m = digits
        .value(lead, keep_end)
        .and_then(|m| m.checked_add(1))
        .ok_or(QuantityError::Numeric)?;
    Ok((m, -9))
}

/// A binary value `digits * 10^e10 * 2^shift`, rounded away from zero to nano and capped at
/// 2^63-1; a non-zero value below one switches to DecimalSI, as upstream does.
fn binary_value(
    digits: &Digits<'_>,
    lead: usize,
    end: usize,
    e10: i64,
    shift: i32,
) -> Result<(i128, i64, Format), QuantityError> {
    let capped = Ok((MAX_ALLOWED, 0, Format::BinarySI));
    let scaled = digits
        .value(lead, end)
        .and_then(|m| m.checked_mul(1i128 << shift.clamp(0, 60)));
    let nano_exp = e10 + 9;
    let nanos = if nano_exp >= 0 {
        let grown = u32::try_from(nano_exp)
            .ok()
            .and_then(|k| 10i128.checked_pow(k))
            .zip(scaled)
            .and_then(|(p, v)| v.checked_mul(p));
        match grown {
            Some(v) => v,
            None => return capped,
        }
    } else {
        let v = scaled.ok_or(QuantityError::Numeric)?;
        match u32::try_from(nano_exp.unsigned_abs())
            .ok()
            .and_then(|k| 10i128.checked_pow(k))
        {
            None => 1,
            Some(divisor) => v / divisor + i128::from(v % divisor != 0),
        }
    };
    if nanos > MAX_ALLOWED * NANO_PER_UNIT {
        return capped;
    }
    let format = if nanos < NANO_PER_UNIT {
        Format::DecimalSI
    } else {
        Format::BinarySI
    };
    Ok((nanos, -9, format))
}

/// Moves trailing decimal zeros of the mantissa into the exponent.
fn normalize(mut m: i128, mut e: i64) -> (i128, i64) {
    if m == 0 {
        return (0, 0);
    }
    while m % 10 == 0 {
        m /= 10;
        e += 1;
    }
    (m, e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Format::{BinarySI, DecimalExponent, DecimalSI};

    /// Go's `decQuantity(i, exponent, format)`: the value `i * 10^exponent`, uncached.
    fn dec_quantity(i: i128, exponent: i64, format: Format) -> Quantity {
        let (mantissa, exponent) = normalize(i, exponent);
        Quantity {
            mantissa,
            exponent,
            format,
            cached: None,
        }
    }

    fn neg(q: &Quantity) -> Quantity {
        Quantity {
            mantissa: -q.mantissa,
            cached: None,
            ..q.clone()
        }
    }

    fn parse(s: &str) -> Quantity {
        Quantity::parse(s).unwrap_or_else(|e| panic!("{s:?}: unexpected error: {e}"))
    }

    const MAX: i128 = i64::MAX as i128;

    /// apimachinery pkg/api/resource/quantity_test.go TestQuantityParse, the valid table.
    fn parse_table() -> Vec<(&'static str, Quantity)> {
        vec![
            ("0", dec_quantity(0, 0, DecimalSI)),
            ("0n", dec_quantity(0, 0, DecimalSI)),
            ("0u", dec_quantity(0, 0, DecimalSI)),
            ("0m", dec_quantity(0, 0, DecimalSI)),
            ("0Ki", dec_quantity(0, 0, BinarySI)),
            ("0k", dec_quantity(0, 0, DecimalSI)),
            ("0Mi", dec_quantity(0, 0, BinarySI)),
            ("0M", dec_quantity(0, 0, DecimalSI)),
            ("0Gi", dec_quantity(0, 0, BinarySI)),
            ("0G", dec_quantity(0, 0, DecimalSI)),
            ("0Ti", dec_quantity(0, 0, BinarySI)),
            ("0T", dec_quantity(0, 0, DecimalSI)),
            // Quantity less numbers are allowed
            ("1", dec_quantity(1, 0, DecimalSI)),
            // Binary suffixes
            ("1Ki", dec_quantity(1024, 0, BinarySI)),
            ("8Ki", dec_quantity(8 * 1024, 0, BinarySI)),
            ("7Mi", dec_quantity(7 << 20, 0, BinarySI)),
            ("6Gi", dec_quantity(6 << 30, 0, BinarySI)),
            ("5Ti", dec_quantity(5 << 40, 0, BinarySI)),
            ("4Pi", dec_quantity(4 << 50, 0, BinarySI)),
            ("3Ei", dec_quantity(3 << 60, 0, BinarySI)),
            ("10Ti", dec_quantity(10 << 40, 0, BinarySI)),
            ("100Ti", dec_quantity(100 << 40, 0, BinarySI)),
            // Decimal suffixes
            ("5n", dec_quantity(5, -9, DecimalSI)),
            ("4u", dec_quantity(4, -6, DecimalSI)),
            ("3m", dec_quantity(3, -3, DecimalSI)),
            ("9", dec_quantity(9, 0, DecimalSI)),
            ("8k", dec_quantity(8, 3, DecimalSI)),
            ("50k", dec_quantity(5, 4, DecimalSI)),
            ("7M", dec_quantity(7, 6, DecimalSI)),
            ("6G", dec_quantity(6, 9, DecimalSI)),
            ("5T", dec_quantity(5, 12, DecimalSI)),
            ("40T", dec_quantity(4, 13, DecimalSI)),
            ("300T", dec_quantity(3, 14, DecimalSI)),
            ("2P", dec_quantity(2, 15, DecimalSI)),
            ("1E", dec_quantity(1, 18, DecimalSI)),
            // Decimal exponents
            ("1E-3", dec_quantity(1, -3, DecimalExponent)),
            ("1e3", dec_quantity(1, 3, DecimalExponent)),
            ("1E6", dec_quantity(1, 6, DecimalExponent)),
            ("1e9", dec_quantity(1, 9, DecimalExponent)),
            ("1E12", dec_quantity(1, 12, DecimalExponent)),
            ("1e15", dec_quantity(1, 15, DecimalExponent)),
            ("1E18", dec_quantity(1, 18, DecimalExponent)),
            // Nonstandard but still parsable
            ("1e14", dec_quantity(1, 14, DecimalExponent)),
            ("1e13", dec_quantity(1, 13, DecimalExponent)),
            ("1e3", dec_quantity(1, 3, DecimalExponent)),
            ("100.035k", dec_quantity(100035, 0, DecimalSI)),
            // Things that look like floating point
            ("0.001", dec_quantity(1, -3, DecimalSI)),
            ("0.0005k", dec_quantity(5, -1, DecimalSI)),
            ("0.005", dec_quantity(5, -3, DecimalSI)),
            ("0.05", dec_quantity(5, -2, DecimalSI)),
            ("0.5", dec_quantity(5, -1, DecimalSI)),
            ("0.00050k", dec_quantity(5, -1, DecimalSI)),
            ("0.00500", dec_quantity(5, -3, DecimalSI)),
            ("0.05000", dec_quantity(5, -2, DecimalSI)),
            ("0.50000", dec_quantity(5, -1, DecimalSI)),
            ("0.5e0", dec_quantity(5, -1, DecimalExponent)),
            ("0.5e-1", dec_quantity(5, -2, DecimalExponent)),
            ("0.5e-2", dec_quantity(5, -3, DecimalExponent)),
            ("0.5e0", dec_quantity(5, -1, DecimalExponent)),
            ("10.035M", dec_quantity(10035, 3, DecimalSI)),
            ("1.2e3", dec_quantity(12, 2, DecimalExponent)),
            ("1.3E+6", dec_quantity(13, 5, DecimalExponent)),
            ("1.40e9", dec_quantity(14, 8, DecimalExponent)),
            ("1.53E12", dec_quantity(153, 10, DecimalExponent)),
            ("1.6e15", dec_quantity(16, 14, DecimalExponent)),
            ("1.7E18", dec_quantity(17, 17, DecimalExponent)),
            ("9.01", dec_quantity(901, -2, DecimalSI)),
            ("8.1k", dec_quantity(81, 2, DecimalSI)),
            ("7.123456M", dec_quantity(7123456, 0, DecimalSI)),
            ("6.987654321G", dec_quantity(6987654321, 0, DecimalSI)),
            ("5.444T", dec_quantity(5444, 9, DecimalSI)),
            ("40.1T", dec_quantity(401, 11, DecimalSI)),
            ("300.2T", dec_quantity(3002, 11, DecimalSI)),
            ("2.5P", dec_quantity(25, 14, DecimalSI)),
            ("1.01E", dec_quantity(101, 16, DecimalSI)),
            // Things that saturate/round
            ("3.001n", dec_quantity(4, -9, DecimalSI)),
            ("1.1E-9", dec_quantity(2, -9, DecimalExponent)),
            ("0.0000000001", dec_quantity(1, -9, DecimalSI)),
            ("0.0000000005", dec_quantity(1, -9, DecimalSI)),
            ("0.00000000050", dec_quantity(1, -9, DecimalSI)),
            ("0.5e-9", dec_quantity(1, -9, DecimalExponent)),
            ("0.9n", dec_quantity(1, -9, DecimalSI)),
            ("0.00000012345", dec_quantity(124, -9, DecimalSI)),
            ("0.00000012354", dec_quantity(124, -9, DecimalSI)),
            // {"9Ei", Quantity{d: maxAllowed, Format: BinarySI}},
            ("9Ei", dec_quantity(MAX, 0, BinarySI)),
            ("9223372036854775807Ki", dec_quantity(MAX, 0, BinarySI)),
            ("12E", dec_quantity(12, 18, DecimalSI)),
            // We'll accept fractional binary stuff, too.
            ("100.035Ki", dec_quantity(10243584, -2, BinarySI)),
            ("0.5Mi", dec_quantity(512 * 1024, 0, BinarySI)),
            ("0.05Gi", dec_quantity(536870912, -1, BinarySI)),
            ("0.025Ti", dec_quantity(274877906944, -1, BinarySI)),
            // Things written by trolls
            ("0.000000000001Ki", dec_quantity(2, -9, DecimalSI)), // rounds up, changes format
            (".001", dec_quantity(1, -3, DecimalSI)),
            (".0001k", dec_quantity(100, -3, DecimalSI)),
            ("1.", dec_quantity(1, 0, DecimalSI)),
            ("1.G", dec_quantity(1, 9, DecimalSI)),
        ]
    }

    #[test]
    fn parses_the_upstream_table_with_value_and_format() {
        for (input, expect) in parse_table() {
            let got = parse(input);
            assert_eq!(got, expect, "{input}");
            assert_eq!(got.format(), expect.format(), "{input}");
        }
    }

    #[test]
    fn parses_the_upstream_table_negated_and_with_explicit_plus() {
        // TestQuantityParse: "Try the negative version of everything" and "with an explicit +".
        for (input, expect) in parse_table() {
            let minus = parse(&format!("-{input}"));
            assert_eq!(minus, neg(&expect), "-{input}");
            assert_eq!(minus.format(), expect.format(), "-{input}");
            let plus = parse(&format!("+{input}"));
            assert_eq!(plus, expect, "+{input}");
            assert_eq!(plus.format(), expect.format(), "+{input}");
        }
    }

    #[test]
    fn rejects_the_upstream_invalid_table() {
        // TestQuantityParse `invalid`, plus the empty string checked at its top.
        for input in [
            "", "1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-",
            // trailing whitespace is forbidden
            " 1", "1 ",
        ] {
            assert!(
                Quantity::parse(input).is_err(),
                "{input:?} parsed unexpectedly"
            );
        }
    }

    #[test]
    fn reports_which_part_of_the_text_is_wrong() {
        // Derived from parseQuantityString / ParseQuantity: a character outside the
        // number-and-suffix alphabet is ErrFormatWrong; a well-formed but unknown suffix is
        // ErrSuffix; `Pi` skips the int64 fast path and inf.Dec cannot read "" (ErrNumeric).
        let cases = [
            ("", QuantityError::FormatWrong),
            ("2 cores", QuantityError::FormatWrong),
            ("1GB", QuantityError::FormatWrong),
            ("0.1am", QuantityError::FormatWrong),
            ("1.1.M", QuantityError::FormatWrong),
            ("0.1mi", QuantityError::Suffix),
            ("1i", QuantityError::Suffix),
            ("-3.01e-", QuantityError::Suffix),
            ("Pi", QuantityError::Numeric),
        ];
        for (input, err) in cases {
            assert_eq!(Quantity::parse(input), Err(err), "{input:?}");
        }
    }

    #[test]
    fn exponents_wrap_like_gos_int32_conversion() {
        // suffix.go interpret: `int32(parsed)` after strconv.ParseInt, so 2^32 wraps to 0 and
        // 2^31 to -2^31 (which then rounds up to 1n); beyond int64 ParseInt fails.
        assert_eq!(parse("1e4294967296"), parse("1"));
        assert_eq!(parse("1e2147483648"), parse("1n"));
        assert_eq!(
            Quantity::parse("1e9223372036854775808"),
            Err(QuantityError::Suffix)
        );
    }

    #[test]
    fn error_messages_are_apimachinerys() {
        // quantity.go: ErrFormatWrong, ErrNumeric, ErrSuffix.
        assert_eq!(
            QuantityError::FormatWrong.to_string(),
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        );
        assert_eq!(
            QuantityError::Numeric.to_string(),
            "unable to parse numeric part of quantity"
        );
        assert_eq!(
            QuantityError::Suffix.to_string(),
            "unable to parse quantity's suffix"
        );
    }

    #[test]
    fn scanner_accepts_a_bare_dot_as_zero() {
        // TestParseQuantityString: "." and "-." scan to num "0" with no suffix, so
        // ParseQuantity takes the int64 path and yields zero.
        assert_eq!(parse("."), dec_quantity(0, 0, DecimalSI));
        assert_eq!(parse("-.").to_string(), "0");
    }

    #[test]
    fn canonical_strings_match_the_upstream_table() {
        // TestQuantityString: (quantity, canonical form, alternate spelling or "").
        let table = [
            (dec_quantity(1 << 30, 0, BinarySI), "1Gi", "1024Mi"),
            (dec_quantity(300 << 20, 0, BinarySI), "300Mi", "307200Ki"),
            (dec_quantity(6 * 1024, 0, BinarySI), "6Ki", ""),
            (dec_quantity(1001 << 30, 0, BinarySI), "1001Gi", "1025024Mi"),
            (dec_quantity(1 << 40, 0, BinarySI), "1Ti", "1024Gi"),
            (dec_quantity(5, 0, BinarySI), "5", "5000m"),
            (dec_quantity(500, -3, BinarySI), "500m", "0.5"),
            (dec_quantity(1, 9, DecimalSI), "1G", "1000M"),
            (dec_quantity(1000, 6, DecimalSI), "1G", "0.001T"),
            (dec_quantity(1000000, 3, DecimalSI), "1G", ""),
            (dec_quantity(1000000000, 0, DecimalSI), "1G", ""),
            (dec_quantity(1, -3, DecimalSI), "1m", "1000u"),
            (dec_quantity(80, -3, DecimalSI), "80m", ""),
            (dec_quantity(1080, -3, DecimalSI), "1080m", "1.08"),
            (dec_quantity(108, -2, DecimalSI), "1080m", "1080000000n"),
            (dec_quantity(10800, -4, DecimalSI), "1080m", ""),
            (dec_quantity(300, 6, DecimalSI), "300M", ""),
            (dec_quantity(1, 12, DecimalSI), "1T", ""),
            (dec_quantity(1234567, 6, DecimalSI), "1234567M", ""),
            (dec_quantity(1234567, -3, BinarySI), "1234567m", ""),
            (dec_quantity(3, 3, DecimalSI), "3k", ""),
            (dec_quantity(1025, 0, BinarySI), "1025", ""),
            (dec_quantity(0, 0, DecimalSI), "0", ""),
            (dec_quantity(0, 0, BinarySI), "0", ""),
            (dec_quantity(1, 9, DecimalExponent), "1e9", ".001e12"),
            (dec_quantity(1, -3, DecimalExponent), "1e-3", "0.001e0"),
            (dec_quantity(1, -9, DecimalExponent), "1e-9", "1000e-12"),
            (dec_quantity(80, -3, DecimalExponent), "80e-3", ""),
            (dec_quantity(300, 6, DecimalExponent), "300e6", ""),
            (dec_quantity(1, 12, DecimalExponent), "1e12", ""),
            (dec_quantity(1, 3, DecimalExponent), "1e3", ""),
            (dec_quantity(3, 3, DecimalExponent), "3e3", ""),
            (dec_quantity(3, 3, DecimalSI), "3k", ""),
            (dec_quantity(0, 0, DecimalExponent), "0", "00"),
            (dec_quantity(1, -9, DecimalSI), "1n", ""),
            (dec_quantity(80, -9, DecimalSI), "80n", ""),
            (dec_quantity(1080, -9, DecimalSI), "1080n", ""),
            (dec_quantity(108, -8, DecimalSI), "1080n", ""),
            (dec_quantity(10800, -10, DecimalSI), "1080n", ""),
            (dec_quantity(1, -6, DecimalSI), "1u", ""),
            (dec_quantity(80, -6, DecimalSI), "80u", ""),
            (dec_quantity(1080, -6, DecimalSI), "1080u", ""),
        ];
        for (q, expect, alternate) in &table {
            assert_eq!(q.to_string(), *expect, "{q:?}");
            // Parsing the canonical form keeps it verbatim ("did not copy canonical string").
            let reparsed = parse(expect);
            assert_eq!(reparsed.cached.as_deref(), Some(*expect), "{expect}");
            if !alternate.is_empty() {
                let alt = parse(alternate);
                assert_eq!(alt.cached, None, "{alternate}: unexpected nested string");
                assert_eq!(alt.to_string(), *expect, "{alternate}");
            }
            // "Don't expect it to print -0 ever".
            if q.mantissa != 0 {
                assert_eq!(neg(q).to_string(), format!("-{expect}"), "{q:?}");
            }
        }
    }

    #[test]
    fn parse_then_print_matches_the_upstream_emit_table() {
        // TestQuantityParseEmit, positive then negated.
        let table = [
            ("1Ki", "1Ki"),
            ("1Mi", "1Mi"),
            ("1Gi", "1Gi"),
            ("1024Mi", "1Gi"),
            ("1000M", "1G"),
            (".001Ki", "1024m"),
            (".000001Ki", "1024u"),
            (".000000001Ki", "1024n"),
            (".000000000001Ki", "2n"),
        ];
        for (input, expect) in table {
            assert_eq!(parse(input).to_string(), expect, "{input}");
            assert_eq!(
                parse(&format!("-{input}")).to_string(),
                format!("-{expect}"),
                "-{input}"
            );
        }
    }

    #[test]
    fn string_form_matches_the_upstream_golden_serialization_table() {
        // quantity_golden_test.go quantitySerializationCases: wantString for parsed inputs.
        let table = [
            ("1", "1"),
            ("-1", "-1"),
            ("1Ki", "1Ki"),
            ("1024Mi", "1Gi"),
            ("1000M", "1G"),
            ("1e3", "1e3"),
            ("0.1", "100m"),
            ("0.000000000000001", "1n"),
            // The fractional-digit class (#138165): the fast path keeps the input text.
            ("1.441", "1.441"),
            ("1.000001", "1.000001"),
            ("1.000000001", "1.000000001"),
            ("1.5", "1500m"),
            ("9223372036854775807", "9223372036854775807"),
            ("9223372036854775808", "9223372036854775808"),
            ("18446744073709551616", "18446744073709551616"),
            ("1E", "1E"),
            ("100E", "100E"),
            ("1000E", "1e21"),
            ("1e100", "10e99"),
            ("8Ei", "9223372036854775807"),
            ("-20Ei", "-9223372036854775807"),
            ("-9.5Gi", "-9728Mi"),
            ("-9.5000000001Gi", "-10200547328107374183n"),
        ];
        for (input, expect) in table {
            assert_eq!(parse(input).to_string(), expect, "{input}");
        }
    }

    #[test]
    fn sub_nano_values_round_away_from_zero_to_one_nano() {
        // quantity_subnano_test.go TestParseQuantitySubNanoRoundsUp.
        let table = [
            ("1e-2147483647", "1n"),
            ("-1e-2147483647", "-1n"),
            ("1e-100", "1n"),
            ("-1e-100", "-1n"),
            ("1e-10", "1n"),
            ("9e-10", "1n"),
            ("-9e-10", "-1n"),
            ("1e-9", "1n"),
            ("-1e-9", "-1n"),
            ("2e-9", "2n"),
            ("15e-10", "2n"),
            ("1000000000000000000000e-30", "1n"),
            ("1000000000000000000001e-30", "2n"),
            ("999999999999999999999e-30", "1n"),
            ("0e-2147483647", "0"),
            ("0.0e-100", "0"),
            ("0.00000000000000000000001Ki", "1n"),
        ];
        for (input, want) in table {
            assert_eq!(parse(input), parse(want), "{input}");
        }
        // TestParseQuantitySubNanoMatchesRound: printed form and format.
        for (input, want, format) in [
            ("1e-100", "1e-9", DecimalExponent),
            ("0.0000000000001", "1n", DecimalSI),
            ("-0.0000000000001", "-1n", DecimalSI),
            ("0.00000000000000000000001Ki", "1n", DecimalSI),
        ] {
            let q = parse(input);
            assert_eq!(
                (q.to_string().as_str(), q.format()),
                (want, format),
                "{input}"
            );
        }
    }

    #[test]
    fn brief_examples_parse_print_and_convert() {
        // Expected values from the rules above: 500m is half a core; 1.5Gi prints as
        // 1536Mi (quantity.go doc comment: "1.5Gi will be serialized as 1536Mi").
        let cases = [
            ("500m", "500m", 1, 500),
            ("1Gi", "1Gi", 1 << 30, (1 << 30) * 1000),
            ("1.5Gi", "1536Mi", 1536 << 20, (1536 << 20) * 1000),
            ("1e3", "1e3", 1000, 1_000_000),
            ("0.1", "100m", 1, 100),
            ("100Mi", "100Mi", 100 << 20, (100 << 20) * 1000),
            ("-500m", "-500m", -1, -500),
            ("-1.5Gi", "-1536Mi", -(1536 << 20), -((1536 << 20) * 1000)),
        ];
        for (input, printed, value, milli) in cases {
            let q = parse(input);
            assert_eq!(q.to_string(), printed, "{input}");
            assert_eq!(q.value(), value, "{input} value");
            assert_eq!(q.milli_value(), milli, "{input} milli");
        }
    }

    #[test]
    fn scaled_values_round_up_like_the_upstream_table() {
        // TestScaledValue: NewScaledQuantity(1, from).ScaledValue(to), for to = Milli and 0.
        let table = [
            (-9, -3, 1),
            (-9, 0, 1),
            (-6, -3, 1),
            (-6, 0, 1),
            (-3, -3, 1),
            (-3, 0, 1),
            (0, -3, 1000),
            (0, 0, 1),
        ];
        for (from, to, expected) in table {
            let q = dec_quantity(1, from, DecimalSI);
            let got = if to == 0 { q.value() } else { q.milli_value() };
            assert_eq!(got, expected, "{from} to {to}");
        }
    }

    #[test]
    fn int64_accessors_round_away_from_zero_and_saturate() {
        // checked_accessors_test.go TestScaledValueSaturationAndRounding (9.5 -> 10,
        // -9.5 -> -10, ±0.001 -> ±1, 1e27 and beyond saturate) and TestQuantityDecOnlyOverflow.
        let value_cases: [(&str, i64); 10] = [
            ("9.5", 10),
            ("-9.5", -10),
            ("0.001", 1),
            ("-0.001", -1),
            ("1e27", i64::MAX),
            ("-1e27", i64::MIN),
            ("1e100", i64::MAX),
            ("-1e100", i64::MIN),
            ("9223372036854775807", i64::MAX),
            ("-9223372036854775808", i64::MIN),
        ];
        for (input, want) in value_cases {
            assert_eq!(parse(input).value(), want, "{input}");
        }
        assert_eq!(parse("9223372036854775808").value(), i64::MAX);
        assert_eq!(parse("-9223372036854775809").value(), i64::MIN);
        // "scale-up pos overflow": 1e30 at milli scale.
        assert_eq!(parse("1e30").milli_value(), i64::MAX);
        assert_eq!(parse("-1e30").milli_value(), i64::MIN);
        // TestQuantityValueSaturates.
        assert_eq!(dec_quantity(MAX, 1, DecimalSI).value(), i64::MAX);
        assert_eq!(dec_quantity(-MAX - 1, 1, DecimalSI).value(), i64::MIN);
        assert_eq!(dec_quantity(MAX, 0, DecimalSI).milli_value(), i64::MAX);
    }

    #[test]
    fn round_trips_keep_milli_and_unit_values() {
        // TestMilliNewSet (exact rows) and TestNewSet: parse(String()) gives the value back.
        for (text, milli) in [("1m", 1), ("1", 1000), ("1234", 1234000), ("1e3", 1000000)] {
            assert_eq!(parse(text).milli_value(), milli, "{text}");
        }
        for (text, value) in [
            ("1", 1),
            ("1k", 1000),
            ("1234k", 1234000),
            ("1Ki", 1024),
            ("1e6", 1000000),
            ("1Mi", 1024 * 1024),
        ] {
            assert_eq!(parse(text).value(), value, "{text}");
        }
    }

    #[test]
    fn equality_compares_values_not_spellings() {
        // TestQuantityCmp: 10000T > 100Gi; equal values in different formats are Equal.
        assert_eq!(parse("1Gi"), parse("1024Mi"));
        assert_eq!(parse("1k"), parse("1e3"));
        assert_ne!(parse("100m"), parse("50m"));
        assert_eq!("1.5".parse::<Quantity>(), Ok(parse("1500m")));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,40}") {
            let _ = Quantity::parse(&s).map(|q| (q.to_string(), q.value(), q.milli_value()));
        }

        #[test]
        fn printed_quantities_parse_back_to_the_same_value(
            s in "[-+]?[0-9]{0,22}(\\.[0-9]{0,22})?([numkMGTPE]|[KMGTPE]i|[eE][-+]?[0-9]{1,3})?"
        ) {
            // TestJSON's round trip: encode, decode, compare with Cmp.
            if let Ok(q) = Quantity::parse(&s) {
                let printed = q.to_string();
                let back = Quantity::parse(&printed);
                proptest::prop_assert_eq!(back, Ok(q), "{} printed as {}", s, printed);
            }
        }
    }
}
