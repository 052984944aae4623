//! Labels and label selectors (apimachinery `labels` and `metav1.LabelSelector`).

/// Sorted label map.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Labels(Vec<(String, String)>);

impl Labels {
    /// From pairs; last value wins.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Labels {
        let mut l = Labels::default();
        for (k, v) in pairs {
            l.insert(k, v);
        }
        l
    }
    /// Value of a key.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
    /// Sets a key.
    pub fn insert(&mut self, key: String, value: String) {
        match self.0.binary_search_by(|(k, _)| k.as_str().cmp(&key)) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (key, value)),
        }
    }
    /// Pairs in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
    /// Number of labels.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// No labels.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// FormatLabels.
    pub fn format(&self) -> String {
        if self.0.is_empty() {
            return "<none>".into();
        }
        self.0.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
    }
}

/// Operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    /// in
    In,
    /// notin
    NotIn,
    /// exists
    Exists,
    /// !
    DoesNotExist,
    /// =
    Equals,
    /// ==
    DoubleEquals,
    /// !=
    NotEquals,
}

/// Requirement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    /// key
    pub key: String,
    /// op
    pub operator: Operator,
    /// values
    pub values: Vec<String>,
}

/// Selector.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector(Vec<Requirement>);

impl Selector {
    /// Equality selector.
    pub fn from_map(l: &Labels) -> Selector {
        Selector(
            l.iter()
                .map(|(k, v)| Requirement { key: k.into(), operator: Operator::Equals, values: vec![v.into()] })
                .collect(),
        )
    }
    /// Parse.
    pub fn parse(s: &str) -> Result<Selector, String> {
        let mut reqs = Vec::new();
        for part in s.split(',').filter(|p| !p.is_empty()) {
            let Some((k, v)) = part.split_once('=') else { return Err(format!("bad selector {part}")) };
            reqs.push(Requirement { key: k.into(), operator: Operator::Equals, values: vec![v.into()] });
        }
        Ok(Selector(reqs))
    }
    /// From metav1.LabelSelector.
    pub fn from_label_selector(
        match_labels: &[(String, String)],
        match_expressions: &[(String, String, Vec<String>)],
    ) -> Result<Selector, Vec<String>> {
        let mut reqs: Vec<Requirement> = match_labels
            .iter()
            .map(|(k, v)| Requirement { key: k.clone(), operator: Operator::Equals, values: vec![v.clone()] })
            .collect();
        for (k, op, vals) in match_expressions {
            let operator = match op.as_str() {
                "In" => Operator::In,
                "NotIn" => Operator::NotIn,
                "Exists" => Operator::Exists,
                "DoesNotExist" => Operator::DoesNotExist,
                _ => return Err(vec![format!("{op:?} is not a valid label selector operator")]),
            };
            reqs.push(Requirement { key: k.clone(), operator, values: vals.clone() });
        }
        Ok(Selector(reqs))
    }
    /// Matches.
    pub fn matches(&self, l: &Labels) -> bool {
        self.0.iter().all(|r| match r.operator {
            Operator::Equals | Operator::DoubleEquals | Operator::In => {
                l.get(&r.key).is_some_and(|v| r.values.iter().any(|x| x == v))
            }
            Operator::NotEquals | Operator::NotIn => !l.get(&r.key).is_some_and(|v| r.values.iter().any(|x| x == v)),
            Operator::Exists => l.get(&r.key).is_some(),
            Operator::DoesNotExist => l.get(&r.key).is_none(),
        })
    }
    /// Empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// FormatLabelSelector.
    pub fn format_label_selector(&self) -> String {
        if self.0.is_empty() { "<none>".into() } else { self.to_string() }
    }
}

impl std::fmt::Display for Selector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|r| format!("{}={}", r.key, r.values.join(","))).collect();
        f.write_str(&parts.join(","))
    }
}
