//! ServiceAccounts: the identities pods run as (`system:serviceaccount:<ns>:<name>`).
//!
//! Every namespace holds a `default` one, made by the ServiceAccount controller; the
//! ServiceAccount admission plugin gives each pod without `serviceAccountName` that one.

use crate::model::meta::Meta;

/// A stored ServiceAccount. Token Secrets are not made (Kubernetes stopped making them in
/// 1.24; pods get projected tokens), so `secrets` counts only the references a manifest lists.
#[derive(Clone, Debug)]
pub struct ServiceAccount {
    /// Metadata.
    pub meta: Meta,
    /// `secrets`: how many Secret references the object lists (kubectl's SECRETS column).
    pub secrets: usize,
}
