//! Admitted pod specs, shared: a mutating admission plugin that changes a pod's spec
//! (DefaultTolerationSeconds) would otherwise give every pod of a template its own copy.
//!
//! Kubernetes stores each pod whole; kubesim's pods of one template share one
//! `Arc<PodSpec>` ([`crate::model::pod::PodSpec`]), which is what keeps 150,000 pods small.
//! This table maps a template's spec to its admitted spec, so the pods keep sharing one.

use crate::model::pod::PodSpec;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Specs as written → the same specs after admission, keyed by the written spec's address.
///
/// Each entry holds the written spec, so its address cannot be reused by another spec
/// while the entry exists; entries whose written spec nobody else holds any more (the
/// template was replaced or deleted) are dropped when the table has doubled. The table is
/// only looked up, so the addresses never reach the output.
#[derive(Debug, Default)]
pub struct AdmittedSpecs {
    by_written: BTreeMap<usize, (Arc<PodSpec>, Arc<PodSpec>)>,
    sweep_at: usize,
}

impl AdmittedSpecs {
    /// Forgets every admitted spec: admission's answer changed (a PriorityClass was
    /// created, changed or deleted), so specs are admitted afresh.
    pub fn clear(&mut self) {
        self.by_written.clear();
    }

    /// The admitted spec of `written`: `mutate` decides it (None: admission changes
    /// nothing, and `written` itself is kept), once per written spec.
    pub fn admit(
        &mut self,
        written: &Arc<PodSpec>,
        mutate: impl FnOnce(&PodSpec) -> Option<PodSpec>,
    ) -> Arc<PodSpec> {
        let key = Arc::as_ptr(written) as usize;
        if let Some((_, admitted)) = self.by_written.get(&key) {
            return admitted.clone();
        }
        let Some(spec) = mutate(written) else {
            return written.clone();
        };
        let admitted = Arc::new(spec);
        if self.by_written.len() >= self.sweep_at {
            self.by_written.retain(|_, (w, _)| Arc::strong_count(w) > 1);
            self.sweep_at = (self.by_written.len() * 2).max(64);
        }
        self.by_written
            .insert(key, (written.clone(), admitted.clone()));
        admitted
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::etcd::store::testing as fx;

    #[test]
    fn pods_of_one_template_share_one_admitted_spec_and_unchanged_specs_stay_themselves() {
        let mut specs = AdmittedSpecs::default();
        let template = fx::spec(100);
        let add = |s: &PodSpec| {
            let mut s = s.clone();
            s.priority = 7;
            Some(s)
        };
        let a = specs.admit(&template, add);
        let b = specs.admit(&template, |_| panic!("decided once per template"));
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(a.priority, 7);
        let other = fx::spec(100);
        let kept = specs.admit(&other, |_| None);
        assert!(Arc::ptr_eq(&kept, &other));
    }

    #[test]
    fn entries_of_dropped_templates_are_swept_when_the_table_doubles() {
        let mut specs = AdmittedSpecs::default();
        let add = |s: &PodSpec| Some(s.clone());
        for _ in 0..200 {
            let written = fx::spec(100);
            specs.admit(&written, add);
        }
        assert!(specs.by_written.len() <= 64, "{}", specs.by_written.len());
    }
}
