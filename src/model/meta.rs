//! Object metadata, compactly: what `metav1.ObjectMeta` carries that the simulator uses.

use crate::model::kind::Kind;
use crate::model::labels::Labels;
use crate::sim::time::SimTime;

/// Index of a namespace in the store's namespace table; names are interned once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NsId(pub u32);

/// A reference to a stored object by kind and arena index. Indices are never reused, so a
/// stale reference finds a vacant slot rather than a different object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjRef {
    /// The object's kind.
    pub kind: Kind,
    /// Its index in that kind's arena.
    pub id: u32,
}

impl ObjRef {
    /// The pod with this id (pod-handling controllers name pods by id alone).
    pub const fn pod(id: u32) -> ObjRef {
        ObjRef {
            kind: Kind::Pod,
            id,
        }
    }

    /// The reference as the store keeps it: ReplicaSets and ReplicationControllers share an
    /// arena, so an RC may be referred to by either kind; this picks one.
    pub fn in_arena(self) -> ObjRef {
        match self.kind {
            Kind::ReplicationController => ObjRef {
                kind: Kind::ReplicaSet,
                id: self.id,
            },
            _ => self,
        }
    }
}

/// `metadata.ownerReferences[i]`, pointing into the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OwnerRef {
    /// The owner.
    pub owner: ObjRef,
    /// The owner's uid when the reference was made (GC compares it).
    pub uid: u64,
    /// `controller: true`.
    pub controller: bool,
    /// `blockOwnerDeletion: true` (foreground deletion waits for this dependent).
    pub block_owner_deletion: bool,
}

/// The metadata of every stored object.
#[derive(Clone, Debug)]
pub struct Meta {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace` (None for cluster-scoped kinds).
    pub namespace: Option<NsId>,
    /// `metadata.uid`, unique for the run.
    pub uid: u64,
    /// `metadata.resourceVersion`: the store revision of the last write.
    pub resource_version: u64,
    /// `metadata.generation`: bumped on spec changes.
    pub generation: i64,
    /// `metadata.creationTimestamp`.
    pub created: SimTime,
    /// `metadata.deletionTimestamp`, set by graceful or foreground deletion.
    pub deleted: Option<SimTime>,
    /// `metadata.labels`.
    pub labels: Labels,
    /// `metadata.annotations`: free-form key/value pairs nothing selects on (`kubectl
    /// annotate`, `describe`); a sorted map like the labels.
    pub annotations: Labels,
    /// `metadata.ownerReferences`.
    pub owners: Vec<OwnerRef>,
    /// `foregroundDeletion` finalizer present.
    pub foreground_deletion: bool,
    /// `orphan` finalizer present.
    pub orphan_finalizer: bool,
    /// How many times this object was written: keys random draws to the object's own
    /// history, so unrelated objects never shift each other's draws (docs/determinism.md).
    pub writes: u32,
}

impl Meta {
    /// Fresh metadata for an object the API server is about to create.
    pub fn new(name: String, namespace: Option<NsId>, labels: Labels) -> Meta {
        Meta {
            name,
            namespace,
            uid: 0,
            resource_version: 0,
            generation: 1,
            created: SimTime::ZERO,
            deleted: None,
            labels,
            annotations: Labels::default(),
            owners: Vec::new(),
            foreground_deletion: false,
            orphan_finalizer: false,
            writes: 0,
        }
    }

    /// The controlling owner, if any (`metav1.GetControllerOf`).
    pub fn controller(&self) -> Option<ObjRef> {
        self.owners.iter().find(|o| o.controller).map(|o| o.owner)
    }
}

/// The UUID text of a uid (`metadata.uid` as Kubernetes prints it: in `format.Pod`'s
/// `name_namespace(uid)`, in the scheduler's `Preempted by pod <uid>`): kubesim's uids are
/// integers, shown in the UUID layout.
pub fn uid_text(uid: u64) -> String {
    let h = crate::sim::rng::fnv1a_64(&[&uid.to_le_bytes()]);
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        (uid >> 32) as u32 ^ (h >> 32) as u32,
        (h >> 16) & 0xffff,
        h & 0xfff,
        (h >> 12) & 0xfff,
        uid & 0xffff_ffff_ffff
    )
}
