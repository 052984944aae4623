//! VolumeBinding's PreFilter, as a stub: kubesim stores PersistentVolumeClaims but simulates
//! no PersistentVolumes, StorageClasses or provisioning.
//!
//! Upstream (pkg/scheduler/framework/plugins/volumebinding, `PreFilter` → `podHasPVCs`)
//! looks up every claim the pod's volumes name; a claim that does not exist makes the
//! whole pod UnschedulableAndUnresolvable with the lister's NotFound text,
//! `persistentvolumeclaim "data" not found`, before any node is filtered, so the FitError
//! reads `0/3 nodes are available: persistentvolumeclaim "data" not found.` and preemption
//! finds no node worth trying. A claim that exists passes: kubesim treats it as bound, or
//! bindable on any node, as a claim of AKS's default StorageClass (`managed-csi`,
//! `volumeBindingMode: WaitForFirstConsumer`) is provisioned where the pod lands; the
//! Filter, Reserve and PreBind phases (node affinity of volumes, attach limits, provisioning
//! time) are not simulated. A pod rejected for a missing claim is retried by the queue's
//! periodic flush, not at the claim's creation (the scheduler has no PVC informer).

use crate::etcd::Store;
use crate::model::pod::Pod;

/// The PreFilter's rejection message, or `None` when every claim exists.
pub fn pre_filter(store: &Store, pod: &Pod) -> Option<String> {
    pod.spec
        .claims
        .iter()
        .find(|claim| {
            !store.others.iter().any(|o| {
                o.kind == "PersistentVolumeClaim"
                    && o.meta.namespace == pod.meta.namespace
                    && o.meta.name == claim.as_str()
            })
        })
        .map(|claim| format!("persistentvolumeclaim \"{claim}\" not found"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::etcd::store::testing as fx;
    use crate::model::object::OtherObject;

    #[test]
    fn a_missing_claim_is_named_as_the_lister_does_and_an_existing_one_passes() {
        let mut s = Store::default();
        let ns = fx::namespace(&mut s, "default");
        let other = fx::namespace(&mut s, "prod");
        let id = fx::pod(&mut s, "db-0", ns, fx::spec(100), None, None);
        let mut pod = s.pods.get(id).expect("pod").clone();
        assert_eq!(pre_filter(&s, &pod), None, "no claims: nothing to check");
        let mut spec = (*pod.spec).clone();
        spec.claims = vec!["data".into(), "logs".into()];
        pod.spec = std::sync::Arc::new(spec);
        assert_eq!(
            pre_filter(&s, &pod).as_deref(),
            Some("persistentvolumeclaim \"data\" not found")
        );
        let claim = |name: &str, ns| OtherObject {
            api_version: "v1".into(),
            kind: "PersistentVolumeClaim".into(),
            meta: crate::model::meta::Meta::new(name.into(), Some(ns), Default::default()),
        };
        // A claim of the same name in another namespace is not the pod's.
        s.others.push(claim("data", other));
        assert!(pre_filter(&s, &pod).is_some());
        s.others.push(claim("data", ns));
        assert_eq!(
            pre_filter(&s, &pod).as_deref(),
            Some("persistentvolumeclaim \"logs\" not found")
        );
        s.others.push(claim("logs", ns));
        assert_eq!(pre_filter(&s, &pod), None);
    }
}
