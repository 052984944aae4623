//! Kubernetes resource quantities (apimachinery `resource.Quantity`).

/// Quantity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quantity(i128);

/// Error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuantityError;

impl std::fmt::Display for QuantityError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
    }
}

impl Quantity {
    /// Parse (milli units).
    pub fn parse(s: &str) -> Result<Quantity, QuantityError> {
        let (num, mult): (&str, i128) = if let Some(n) = s.strip_suffix('m') {
            (n, 1)
        } else if let Some(n) = s.strip_suffix("Ki") {
            (n, 1024 * 1000)
        } else if let Some(n) = s.strip_suffix("Mi") {
            (n, 1024 * 1024 * 1000)
        } else if let Some(n) = s.strip_suffix("Gi") {
            (n, 1024 * 1024 * 1024 * 1000)
        } else {
            (s, 1000)
        };
        let v: f64 = num.parse().map_err(|_| QuantityError)?;
        Ok(Quantity((v * mult as f64).ceil() as i128))
    }
    /// Milli.
    pub fn milli_value(&self) -> i64 {
        self.0 as i64
    }
    /// Value.
    pub fn value(&self) -> i64 {
        ((self.0 + 999) / 1000) as i64
    }
}
