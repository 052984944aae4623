//! The API server's storage (etcd's key space), as typed arenas indexed by integer ids.
//!
//! One arena per kind, a name index per kind, a global revision counter
//! (`resourceVersion`), and an owner → dependents index for the garbage collector. Writes
//! go through the request path ([`crate::apiserver`]); this module only keeps the data and
//! records which objects changed in the current instant, for timeline.csv and expectations.

use crate::model::cronjob::CronJob;
use crate::model::job::Job;
use crate::model::kind::Kind;
use crate::model::meta::{Meta, NsId, ObjRef};
use crate::model::node::Node;
use crate::model::object::OtherObject;
use crate::model::pdb::PodDisruptionBudget;
use crate::model::pod::Pod;
use crate::model::priorityclass::PriorityClass;
use crate::model::service::{ConfigData, DaemonSet, Namespace, Service};
use crate::model::serviceaccount::ServiceAccount;
use crate::model::statefulset::StatefulSet;
use crate::model::workload::{Deployment, ReplicaSet};
use std::collections::BTreeMap;

/// Objects of one kind, in slots that are never reused.
#[derive(Debug)]
pub struct Arena<T> {
    slots: Vec<Option<Box<T>>>,
    live: usize,
}

impl<T> Default for Arena<T> {
    fn default() -> Self {
        Arena {
            slots: Vec::new(),
            live: 0,
        }
    }
}

impl<T> Arena<T> {
    /// Stores a new object and returns its id.
    pub fn insert(&mut self, v: T) -> u32 {
        self.slots.push(Some(Box::new(v)));
        self.live += 1;
        (self.slots.len() - 1) as u32
    }
    /// The object with this id, if it still exists.
    pub fn get(&self, id: u32) -> Option<&T> {
        self.slots.get(id as usize).and_then(|s| s.as_deref())
    }
    /// Mutable access.
    pub fn get_mut(&mut self, id: u32) -> Option<&mut T> {
        self.slots
            .get_mut(id as usize)
            .and_then(|s| s.as_deref_mut())
    }
    /// Removes the object; its id stays vacant forever.
    pub fn remove(&mut self, id: u32) -> Option<T> {
        let v = self
            .slots
            .get_mut(id as usize)
            .and_then(|s| s.take())
            .map(|b| *b);
        if v.is_some() {
            self.live -= 1;
        }
        v
    }
    /// Live objects in id (creation) order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &T)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.as_deref().map(|v| (i as u32, v)))
    }
    /// Number of live objects.
    pub fn len(&self) -> usize {
        self.live
    }
    /// No live objects.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }
    /// One past the largest id ever used (for side tables indexed by id).
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }
}

/// All stored objects.
#[derive(Debug, Default)]
pub struct Store {
    /// The etcd revision: bumped by every write, copied into `resourceVersion`.
    pub revision: u64,
    next_uid: u64,
    /// Namespace names, interned; index = [`NsId`].
    pub namespace_names: Vec<String>,
    /// Namespaces (same index as `namespace_names` while they exist).
    pub namespaces: Arena<Namespace>,
    /// Nodes.
    pub nodes: Arena<Node>,
    /// Pods.
    pub pods: Arena<Pod>,
    /// Deployments.
    pub deployments: Arena<Deployment>,
    /// ReplicaSets and ReplicationControllers.
    pub replicasets: Arena<ReplicaSet>,
    /// Services.
    pub services: Arena<Service>,
    /// ConfigMaps.
    pub configmaps: Arena<ConfigData>,
    /// Secrets.
    pub secrets: Arena<ConfigData>,
    /// ServiceAccounts.
    pub serviceaccounts: Arena<ServiceAccount>,
    /// DaemonSets.
    pub daemonsets: Arena<DaemonSet>,
    /// Jobs.
    pub jobs: Arena<Job>,
    /// StatefulSets.
    pub statefulsets: Arena<StatefulSet>,
    /// CronJobs.
    pub cronjobs: Arena<CronJob>,
    /// PodDisruptionBudgets.
    pub pdbs: Arena<PodDisruptionBudget>,
    /// PriorityClasses.
    pub priorityclasses: Arena<PriorityClass>,
    /// Other built-in kinds, stored only.
    pub others: Vec<OtherObject>,
    /// Kubernetes Events.
    pub events: crate::etcd::events::Events,
    /// Name index: (kind, namespace (None: cluster-scoped)) → name → id. Two levels so that
    /// a lookup by `&str` needs no owned key.
    names: BTreeMap<(Kind, Option<u32>), BTreeMap<String, u32>>,
    dependents: BTreeMap<ObjRef, Vec<ObjRef>>,
    /// Objects written in the current instant, in first-write order (for timeline rows).
    pub changed: Vec<ObjRef>,
    changed_flag: std::collections::BTreeSet<ObjRef>,
}

impl Store {
    /// The id of a namespace name, interning it (namespaces are few).
    pub fn ns_id(&mut self, name: &str) -> NsId {
        if let Some(i) = self.namespace_names.iter().position(|n| n == name) {
            return NsId(i as u32);
        }
        self.namespace_names.push(name.to_string());
        NsId((self.namespace_names.len() - 1) as u32)
    }

    /// The id of an existing namespace name, without interning.
    pub fn find_ns(&self, name: &str) -> Option<NsId> {
        self.namespace_names
            .iter()
            .position(|n| n == name)
            .map(|i| NsId(i as u32))
    }

    /// A namespace's name.
    pub fn ns_name(&self, id: NsId) -> &str {
        self.namespace_names
            .get(id.0 as usize)
            .map(String::as_str)
            .unwrap_or("")
    }

    /// Whether the namespace object exists (and is not terminating).
    pub fn namespace_active(&self, ns: NsId) -> bool {
        self.lookup(Kind::Namespace, None, self.ns_name(ns))
            .is_some()
    }

    /// Finds an object by kind, namespace and name.
    pub fn lookup(&self, kind: Kind, ns: Option<NsId>, name: &str) -> Option<u32> {
        let scope = ns.map(|n| n.0);
        self.names.get(&(kind, scope))?.get(name).copied()
    }

    /// Names of objects of `kind` in `ns` (None: all namespaces), sorted by namespace then
    /// name, as `kubectl get` lists them (docs/scenario.md#names).
    pub fn list(&self, kind: Kind, ns: Option<NsId>) -> Vec<u32> {
        let mut v: Vec<(String, &String, u32)> = self
            .names
            .range((kind, None)..)
            .take_while(|((k, _), _)| *k == kind)
            .filter(|((_, scope), _)| ns.is_none() || *scope == ns.map(|n| n.0))
            .flat_map(|((_, scope), names)| {
                let ns_name = scope
                    .map(|s| self.ns_name(NsId(s)).to_string())
                    .unwrap_or_default();
                names
                    .iter()
                    .map(move |(name, id)| (ns_name.clone(), name, *id))
            })
            .collect();
        v.sort();
        v.into_iter().map(|(_, _, id)| id).collect()
    }

    /// A node's name, empty once the node is gone (for messages that name it).
    pub fn node_name(&self, id: u32) -> String {
        self.nodes
            .get(id)
            .map(|n| n.meta.name.clone())
            .unwrap_or_default()
    }

    /// Metadata of any stored object.
    pub fn meta(&self, r: ObjRef) -> Option<&Meta> {
        match r.kind {
            Kind::Namespace => self.namespaces.get(r.id).map(|o| &o.meta),
            Kind::Node => self.nodes.get(r.id).map(|o| &o.meta),
            Kind::Pod => self.pods.get(r.id).map(|o| &o.meta),
            Kind::Deployment => self.deployments.get(r.id).map(|o| &o.meta),
            Kind::ReplicaSet | Kind::ReplicationController => {
                self.replicasets.get(r.id).map(|o| &o.meta)
            }
            Kind::Service => self.services.get(r.id).map(|o| &o.meta),
            Kind::ConfigMap => self.configmaps.get(r.id).map(|o| &o.meta),
            Kind::Secret => self.secrets.get(r.id).map(|o| &o.meta),
            Kind::ServiceAccount => self.serviceaccounts.get(r.id).map(|o| &o.meta),
            Kind::PodDisruptionBudget => self.pdbs.get(r.id).map(|o| &o.meta),
            Kind::PriorityClass => self.priorityclasses.get(r.id).map(|o| &o.meta),
            Kind::DaemonSet => self.daemonsets.get(r.id).map(|o| &o.meta),
            Kind::Job => self.jobs.get(r.id).map(|o| &o.meta),
            Kind::StatefulSet => self.statefulsets.get(r.id).map(|o| &o.meta),
            Kind::CronJob => self.cronjobs.get(r.id).map(|o| &o.meta),
            Kind::Event => None,
        }
    }

    /// Mutable metadata of any stored object.
    pub fn meta_mut(&mut self, r: ObjRef) -> Option<&mut Meta> {
        match r.kind {
            Kind::Namespace => self.namespaces.get_mut(r.id).map(|o| &mut o.meta),
            Kind::Node => self.nodes.get_mut(r.id).map(|o| &mut o.meta),
            Kind::Pod => self.pods.get_mut(r.id).map(|o| &mut o.meta),
            Kind::Deployment => self.deployments.get_mut(r.id).map(|o| &mut o.meta),
            Kind::ReplicaSet | Kind::ReplicationController => {
                self.replicasets.get_mut(r.id).map(|o| &mut o.meta)
            }
            Kind::Service => self.services.get_mut(r.id).map(|o| &mut o.meta),
            Kind::ConfigMap => self.configmaps.get_mut(r.id).map(|o| &mut o.meta),
            Kind::Secret => self.secrets.get_mut(r.id).map(|o| &mut o.meta),
            Kind::ServiceAccount => self.serviceaccounts.get_mut(r.id).map(|o| &mut o.meta),
            Kind::PodDisruptionBudget => self.pdbs.get_mut(r.id).map(|o| &mut o.meta),
            Kind::PriorityClass => self.priorityclasses.get_mut(r.id).map(|o| &mut o.meta),
            Kind::DaemonSet => self.daemonsets.get_mut(r.id).map(|o| &mut o.meta),
            Kind::Job => self.jobs.get_mut(r.id).map(|o| &mut o.meta),
            Kind::StatefulSet => self.statefulsets.get_mut(r.id).map(|o| &mut o.meta),
            Kind::CronJob => self.cronjobs.get_mut(r.id).map(|o| &mut o.meta),
            Kind::Event => None,
        }
    }

    /// `ns/name` (or `name`) of an object, for messages and random-stream keys.
    pub fn key(&self, r: ObjRef) -> String {
        match self.meta(r) {
            Some(m) => match m.namespace {
                Some(ns) => format!("{}/{}", self.ns_name(ns), m.name),
                None => m.name.clone(),
            },
            None => String::new(),
        }
    }

    /// Called by every create after the object is placed in its arena: assigns uid,
    /// resourceVersion and creationTimestamp, and indexes name and owners.
    pub fn register(&mut self, r: ObjRef, now: crate::sim::time::SimTime) {
        self.revision += 1;
        self.next_uid += 1;
        let (rev, uid) = (self.revision, self.next_uid);
        let Some(m) = self.meta_mut(r) else { return };
        m.uid = uid;
        m.resource_version = rev;
        m.created = now;
        m.writes = 1;
        let scope = m.namespace.map(|n| n.0);
        let name = m.name.clone();
        let owners: Vec<ObjRef> = m.owners.iter().map(|o| o.owner).collect();
        self.names
            .entry((r.kind, scope))
            .or_default()
            .insert(name, r.id);
        for o in owners {
            self.dependents.entry(o).or_default().push(r);
        }
        self.mark_changed(r);
    }

    /// Called by every update: bumps resourceVersion and marks the object changed.
    pub fn touch(&mut self, r: ObjRef) {
        self.revision += 1;
        let rev = self.revision;
        if let Some(m) = self.meta_mut(r) {
            m.resource_version = rev;
            m.writes += 1;
        }
        self.mark_changed(r);
    }

    /// Removes an object from its arena and every index.
    pub fn remove(&mut self, r: ObjRef) {
        self.revision += 1;
        let Some(m) = self.meta(r) else { return };
        let scope = m.namespace.map(|n| n.0);
        let owners: Vec<ObjRef> = m.owners.iter().map(|o| o.owner).collect();
        let name = m.name.clone();
        if let Some(names) = self.names.get_mut(&(r.kind, scope)) {
            names.remove(&name);
        }
        for o in owners {
            if let Some(d) = self.dependents.get_mut(&o) {
                d.retain(|x| *x != r);
                if d.is_empty() {
                    self.dependents.remove(&o);
                }
            }
        }
        self.mark_changed(r);
        match r.kind {
            Kind::Namespace => drop(self.namespaces.remove(r.id)),
            Kind::Node => drop(self.nodes.remove(r.id)),
            Kind::Pod => drop(self.pods.remove(r.id)),
            Kind::Deployment => drop(self.deployments.remove(r.id)),
            Kind::ReplicaSet | Kind::ReplicationController => drop(self.replicasets.remove(r.id)),
            Kind::Service => drop(self.services.remove(r.id)),
            Kind::ConfigMap => drop(self.configmaps.remove(r.id)),
            Kind::Secret => drop(self.secrets.remove(r.id)),
            Kind::ServiceAccount => drop(self.serviceaccounts.remove(r.id)),
            Kind::PodDisruptionBudget => drop(self.pdbs.remove(r.id)),
            Kind::PriorityClass => drop(self.priorityclasses.remove(r.id)),
            Kind::DaemonSet => drop(self.daemonsets.remove(r.id)),
            Kind::Job => drop(self.jobs.remove(r.id)),
            Kind::StatefulSet => drop(self.statefulsets.remove(r.id)),
            Kind::CronJob => drop(self.cronjobs.remove(r.id)),
            Kind::Event => {}
        }
    }

    /// Drops an owner reference from a dependent (orphaning).
    pub fn remove_owner_ref(&mut self, dependent: ObjRef, owner: ObjRef) {
        if let Some(m) = self.meta_mut(dependent) {
            m.owners.retain(|o| o.owner != owner);
        }
        if let Some(d) = self.dependents.get_mut(&owner) {
            d.retain(|x| *x != dependent);
            if d.is_empty() {
                self.dependents.remove(&owner);
            }
        }
        self.touch(dependent);
    }

    /// Objects whose ownerReferences name `owner`, in creation order.
    pub fn dependents_of(&self, owner: ObjRef) -> &[ObjRef] {
        self.dependents
            .get(&owner)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    fn mark_changed(&mut self, r: ObjRef) {
        if self.changed_flag.insert(r) {
            self.changed.push(r);
        }
    }

    /// Takes the list of objects changed in the instant that just ended.
    pub fn take_changed(&mut self) -> Vec<ObjRef> {
        self.changed_flag.clear();
        std::mem::take(&mut self.changed)
    }

    /// The kind an RS-arena entry really is (ReplicaSet or ReplicationController).
    pub fn rs_kind(&self, id: u32) -> Kind {
        match self.replicasets.get(id) {
            Some(rs) if rs.legacy_rc => Kind::ReplicationController,
            _ => Kind::ReplicaSet,
        }
    }
}

/// Small hand-built stores for unit tests of one component: each helper places an object in
/// its arena and registers it, as the API server's create does.
#[cfg(test)]
pub mod testing {
    use super::*;
    use crate::model::labels::{Labels, Selector};
    use crate::model::meta::OwnerRef;
    use crate::model::pod::{Container, PodSpec, PodStatus, PullPolicy, Resources, RestartPolicy};
    use crate::model::workload::{
        DeploymentSpec, DeploymentStatus, IntOrPercent, PodTemplate, ReplicaSetSpec,
        ReplicaSetStatus, Strategy,
    };
    use crate::sim::time::SimTime;
    use std::sync::Arc;

    /// Labels from pairs.
    pub fn labels(pairs: &[(&str, &str)]) -> Labels {
        Labels::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    /// A container requesting `cpu_milli` millicores (and no memory).
    pub fn container(name: &str, image: &str, cpu_milli: i64) -> Container {
        Container {
            name: name.to_string(),
            image: image.to_string(),
            pull_policy: PullPolicy::default_for(image),
            ports: Vec::new(),
            requests: Resources {
                cpu_milli,
                memory: 0,
            },
            limits: Resources::default(),
            command: Vec::new(),
            args: Vec::new(),
            probes: Default::default(),
            pre_stop_us: None,
            env_sources: Vec::new(),
            host_ports: Vec::new(),
        }
    }

    /// A pod spec with these containers and Kubernetes' defaults otherwise.
    pub fn spec_of(containers: Vec<Container>) -> Arc<PodSpec> {
        Arc::new(PodSpec {
            containers,
            init_containers: Vec::new(),
            restart_policy: RestartPolicy::Always,
            node_selector: Labels::default(),
            tolerations: Vec::new(),
            host_network: false,
            termination_grace_seconds: 30,
            node_name: None,
            priority: 0,
            priority_class_name: None,
            preemption_policy: Default::default(),
            scheduler_name: "default-scheduler".into(),
            required_node_name: None,
            config_volumes: Vec::new(),
            claims: Vec::new(),
            service_account_name: None,
            affinity: None,
            topology_spread: Vec::new(),
        })
    }

    /// One `nginx:1.25` container named `web` requesting `cpu_milli`.
    pub fn spec(cpu_milli: i64) -> Arc<PodSpec> {
        spec_of(vec![container("web", "nginx:1.25", cpu_milli)])
    }

    /// The template `app=<app>` with [`spec`]`(100)`.
    pub fn template(app: &str) -> Arc<PodTemplate> {
        Arc::new(PodTemplate {
            annotations: Default::default(),
            labels: labels(&[("app", app)]),
            spec: spec(100),
        })
    }

    fn place(store: &mut Store, r: ObjRef) -> u32 {
        store.register(r, SimTime::ZERO);
        r.id
    }

    fn controller_ref(store: &Store, owner: ObjRef) -> OwnerRef {
        OwnerRef {
            owner,
            uid: store.meta(owner).map(|m| m.uid).unwrap_or_default(),
            controller: true,
            block_owner_deletion: true,
        }
    }

    /// A Namespace object (active), with its `default` ServiceAccount.
    pub fn namespace(store: &mut Store, name: &str) -> NsId {
        let ns = store.ns_id(name);
        let id = store.namespaces.insert(Namespace {
            meta: Meta::new(name.to_string(), None, Labels::default()),
            terminating: false,
        });
        place(
            store,
            ObjRef {
                kind: Kind::Namespace,
                id,
            },
        );
        // Its `default` ServiceAccount, which the ServiceAccounts controller keeps and pod
        // admission requires.
        let sa = store
            .serviceaccounts
            .insert(crate::model::serviceaccount::ServiceAccount {
                meta: Meta::new("default".to_string(), Some(ns), Labels::default()),
                secrets: 0,
            });
        place(
            store,
            ObjRef {
                kind: Kind::ServiceAccount,
                id: sa,
            },
        );
        ns
    }

    /// A ConfigMap (or, with `secret`, an Opaque Secret) `name` in `ns` holding these keys.
    pub fn config_data(
        store: &mut Store,
        name: &str,
        ns: NsId,
        secret: bool,
        keys: &[&str],
    ) -> u32 {
        let data = crate::model::service::ConfigData {
            meta: Meta::new(name.to_string(), Some(ns), Labels::default()),
            keys: keys.len(),
            key_names: keys.iter().map(|k| k.to_string()).collect(),
            secret_type: secret.then(|| "Opaque".to_string()),
        };
        let (kind, id) = if secret {
            (Kind::Secret, store.secrets.insert(data))
        } else {
            (Kind::ConfigMap, store.configmaps.insert(data))
        };
        place(store, ObjRef { kind, id })
    }

    /// A Ready node with this allocatable cpu (millicores) and memory, 110 max pods.
    pub fn node(store: &mut Store, name: &str, cpu_milli: i64, memory: i64) -> u32 {
        let r = Resources { cpu_milli, memory };
        let id = store.nodes.insert(Node {
            meta: Meta::new(name.to_string(), None, Labels::default()),
            pool: 0,
            vm: store.nodes.capacity() as u32,
            taints: Vec::new(),
            unschedulable: false,
            capacity: r,
            allocatable: r,
            max_pods: 110,
            internal_ip: std::net::Ipv4Addr::new(10, 224, 0, 4),
            pod_cidr: None,
            info: Arc::new(crate::model::node::NodeInfo {
                kubelet_version: "v1.35.0".into(),
                os_image: "Ubuntu 22.04.5 LTS".into(),
                kernel_version: "5.15.0".into(),
                container_runtime_version: "containerd://1.7.0".into(),
            }),
            conditions: crate::model::node::kubelet_conditions(true, SimTime::ZERO),
            heartbeat: crate::model::node::Beat::new(
                SimTime::ZERO,
                crate::model::node::STATUS_REPORT,
            ),
            lease: Some(crate::model::node::Lease::new(SimTime::ZERO)),
            images: Default::default(),
        });
        place(
            store,
            ObjRef {
                kind: Kind::Node,
                id,
            },
        )
    }

    /// A Pending pod, controlled by `owner` if given, bound to `node` if given.
    pub fn pod(
        store: &mut Store,
        name: &str,
        ns: NsId,
        spec: Arc<PodSpec>,
        owner: Option<ObjRef>,
        node: Option<u32>,
    ) -> u32 {
        let mut meta = Meta::new(name.to_string(), Some(ns), labels(&[("app", "web")]));
        if let Some(o) = owner {
            meta.owners.push(controller_ref(store, o));
        }
        let id = store.pods.insert(Pod {
            meta,
            spec,
            node,
            status: PodStatus {
                scheduled: node.map(|_| true),
                ..PodStatus::default()
            },
        });
        place(
            store,
            ObjRef {
                kind: Kind::Pod,
                id,
            },
        )
    }

    /// Namespace `default` (made if missing), a 4-CPU 16 GiB node `aks-nodepool1-0` and a
    /// pod `pod_name` bound to it: (namespace, node, pod).
    pub fn bound_pod(store: &mut Store, pod_name: &str) -> (NsId, u32, u32) {
        let ns = match store.find_ns("default") {
            Some(ns) if store.namespace_active(ns) => ns,
            _ => namespace(store, "default"),
        };
        let node = node(store, "aks-nodepool1-0", 4000, 16 << 30);
        let pod = pod(store, pod_name, ns, spec(100), None, Some(node));
        (ns, node, pod)
    }

    /// A ReplicaSet of [`template`]`("web")` with `replicas`, controlled by `owner` if given.
    pub fn replicaset(
        store: &mut Store,
        name: &str,
        ns: NsId,
        replicas: i32,
        owner: Option<ObjRef>,
    ) -> u32 {
        let mut meta = Meta::new(name.to_string(), Some(ns), labels(&[("app", "web")]));
        if let Some(o) = owner {
            meta.owners.push(controller_ref(store, o));
        }
        let template = template("web");
        let id = store.replicasets.insert(ReplicaSet {
            meta,
            legacy_rc: false,
            template_hash: None,
            revision: 1,
            replica_annotations: None,
            spec: ReplicaSetSpec {
                replicas,
                selector: Selector::from_map(&template.labels),
                template,
                min_ready_seconds: 0,
            },
            status: ReplicaSetStatus::default(),
        });
        place(
            store,
            ObjRef {
                kind: Kind::ReplicaSet,
                id,
            },
        )
    }

    /// `RollingUpdate` with these maxSurge and maxUnavailable.
    pub fn rolling(max_surge: IntOrPercent, max_unavailable: IntOrPercent) -> Strategy {
        Strategy::RollingUpdate {
            max_surge,
            max_unavailable,
        }
    }

    /// A Deployment of [`template`]`("web")`.
    pub fn deployment(
        store: &mut Store,
        name: &str,
        ns: NsId,
        replicas: i32,
        strategy: Strategy,
    ) -> u32 {
        let template = template("web");
        let id = store.deployments.insert(Deployment {
            meta: Meta::new(name.to_string(), Some(ns), labels(&[("app", "web")])),
            spec: DeploymentSpec {
                replicas,
                selector: Selector::from_map(&template.labels),
                template,
                strategy,
                min_ready_seconds: 0,
                revision_history_limit: 10,
                progress_deadline_seconds: 600,
                paused: false,
            },
            status: DeploymentStatus::default(),
        });
        place(
            store,
            ObjRef {
                kind: Kind::Deployment,
                id,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::testing as fx;
    use super::*;

    #[test]
    fn every_write_bumps_the_revision_into_resource_version() {
        // etcd3: one revision per write; the object's resourceVersion is its last write's.
        let mut s = Store::default();
        let ns = fx::namespace(&mut s, "default");
        let base = s.revision; // the namespace and its ServiceAccount
        assert_eq!(base, 2);
        let a = ObjRef {
            kind: Kind::Pod,
            id: fx::pod(&mut s, "a", ns, fx::spec(100), None, None),
        };
        assert_eq!(s.revision, base + 1);
        assert_eq!(s.meta(a).unwrap().resource_version, base + 1);
        s.touch(a);
        assert_eq!(s.revision, base + 2);
        assert_eq!(s.meta(a).unwrap().resource_version, base + 2);
        assert_eq!(s.meta(a).unwrap().writes, 2);
        s.remove(a);
        assert_eq!(s.revision, base + 3);
        assert!(s.meta(a).is_none());
        assert_eq!(s.lookup(Kind::Pod, Some(ns), "a"), None);
    }

    #[test]
    fn register_gives_unique_uids_and_indexes_names_per_namespace_and_kind() {
        let mut s = Store::default();
        let d = fx::namespace(&mut s, "default");
        let k = fx::namespace(&mut s, "kube-system");
        let a = fx::pod(&mut s, "web", d, fx::spec(100), None, None);
        let b = fx::pod(&mut s, "web", k, fx::spec(100), None, None);
        let rs = fx::replicaset(&mut s, "web", d, 1, None);
        assert_eq!(s.lookup(Kind::Pod, Some(d), "web"), Some(a));
        assert_eq!(s.lookup(Kind::Pod, Some(k), "web"), Some(b));
        assert_eq!(s.lookup(Kind::ReplicaSet, Some(d), "web"), Some(rs));
        let uid = |kind, id| s.meta(ObjRef { kind, id }).unwrap().uid;
        let uids = [
            uid(Kind::Pod, a),
            uid(Kind::Pod, b),
            uid(Kind::ReplicaSet, rs),
        ];
        assert!(uids[0] != uids[1] && uids[1] != uids[2] && uids[0] != uids[2]);
        // `kubectl get pods -A` order: namespace, then name.
        assert_eq!(s.list(Kind::Pod, None), vec![a, b]);
        assert_eq!(s.list(Kind::Pod, Some(k)), vec![b]);
    }

    #[test]
    fn dependents_follow_owner_references_and_orphaning() {
        let mut s = Store::default();
        let ns = fx::namespace(&mut s, "default");
        let rs = ObjRef {
            kind: Kind::ReplicaSet,
            id: fx::replicaset(&mut s, "web", ns, 2, None),
        };
        let pod = |s: &mut Store, n| ObjRef {
            kind: Kind::Pod,
            id: fx::pod(s, n, ns, fx::spec(100), Some(rs), None),
        };
        let (a, b) = (pod(&mut s, "a"), pod(&mut s, "b"));
        assert_eq!(s.dependents_of(rs), &[a, b]);
        assert_eq!(s.meta(a).unwrap().owners[0].uid, s.meta(rs).unwrap().uid);
        let rev = s.revision;
        s.remove_owner_ref(a, rs);
        assert_eq!(s.dependents_of(rs), &[b]);
        assert!(s.meta(a).unwrap().owners.is_empty());
        assert_eq!(s.revision, rev + 1, "orphaning is a write");
        s.remove(b);
        assert!(s.dependents_of(rs).is_empty());
    }

    #[test]
    fn arena_ids_are_never_reused() {
        let mut a: Arena<u8> = Arena::default();
        let x = a.insert(1);
        a.remove(x);
        let y = a.insert(2);
        assert_ne!(x, y);
        assert_eq!(a.get(x), None);
        assert_eq!(a.len(), 1);
        assert_eq!(a.capacity(), 2);
    }
}
