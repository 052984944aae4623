//! What the API server does with a request once etcd commits it: naming, namespace and
//! uniqueness checks, allocation of ClusterIPs and NodePorts, defaulting of deletion
//! (graceful for bound pods, finalizers for foreground and orphan propagation), and the
//! watch events that follow.

use crate::apiserver::{ApiError, Op, Outcome, Propagation, Server, generate_name};
use crate::component::{Change, ComponentId, ComponentKind};
use crate::model::kind::Kind;
use crate::model::meta::{NsId, ObjRef};
use crate::model::object::NewObject;
use crate::model::pod::Phase;
use crate::model::service::ServiceType;

/// Applies one committed request to the store and returns its outcome.
pub fn apply(s: &mut Server<'_>, client: ComponentId, op: Op) -> Outcome {
    match op {
        Op::Create {
            object,
            namespace,
            generate_name,
        } => create(s, *object, namespace, generate_name),
        Op::Apply { object, namespace } => apply_object(s, *object, namespace),
        Op::Read | Op::List => Outcome::Done,
        Op::Scale {
            target,
            replicas,
            annotations,
        } => scale(s, target, replicas, annotations),
        Op::ReplicaSetStatus {
            id,
            status,
            resource_version,
        } => {
            let kind = s.store.rs_kind(id);
            let Some(rs) = s.store.replicasets.get_mut(id) else {
                return gone(Kind::ReplicaSet);
            };
            if rs.meta.resource_version != resource_version {
                return crate::apiserver::eviction::stale(kind, &rs.meta.name);
            }
            rs.status = status;
            // A ReplicationController is published as one: watchers key by kind (the GC's
            // dependents index, kubectl's wait).
            modified(s, ObjRef { kind, id })
        }
        Op::DaemonSetStatus { id, status } => {
            let Some(d) = s.store.daemonsets.get_mut(id) else {
                return gone(Kind::DaemonSet);
            };
            d.status = status;
            modified(
                s,
                ObjRef {
                    kind: Kind::DaemonSet,
                    id,
                },
            )
        }
        Op::ReplicaSetRevision {
            id,
            revision,
            annotations,
        } => {
            let Some(rs) = s.store.replicasets.get_mut(id) else {
                return gone(Kind::ReplicaSet);
            };
            rs.revision = revision;
            for (k, v) in annotations {
                rs.meta.annotations.insert(k, v);
            }
            let kind = s.store.rs_kind(id);
            modified(s, ObjRef { kind, id })
        }
        Op::DeploymentRevision { id, revision } => {
            let Some(d) = s.store.deployments.get_mut(id) else {
                return gone(Kind::Deployment);
            };
            d.meta.annotations.insert(
                crate::model::workload::REVISION_ANNOTATION,
                revision.to_string(),
            );
            modified(
                s,
                ObjRef {
                    kind: Kind::Deployment,
                    id,
                },
            )
        }
        Op::JobStatus { id, status } => {
            let Some(j) = s.store.jobs.get_mut(id) else {
                return gone(Kind::Job);
            };
            j.status = *status;
            modified(
                s,
                ObjRef {
                    kind: Kind::Job,
                    id,
                },
            )
        }
        Op::CronJobStatus { id, status } => {
            let Some(cj) = s.store.cronjobs.get_mut(id) else {
                return gone(Kind::CronJob);
            };
            cj.status = *status;
            modified(
                s,
                ObjRef {
                    kind: Kind::CronJob,
                    id,
                },
            )
        }
        Op::StatefulSetStatus { id, status } => {
            let Some(st) = s.store.statefulsets.get_mut(id) else {
                return gone(Kind::StatefulSet);
            };
            st.status = status;
            modified(
                s,
                ObjRef {
                    kind: Kind::StatefulSet,
                    id,
                },
            )
        }
        Op::DeploymentStatus {
            id,
            status,
            resource_version,
        } => {
            let Some(d) = s.store.deployments.get_mut(id) else {
                return gone(Kind::Deployment);
            };
            if d.meta.resource_version != resource_version {
                // A `kubectl scale` or `apply` committed while the status write was in flight.
                return crate::apiserver::eviction::stale(Kind::Deployment, &d.meta.name);
            }
            d.status = status;
            modified(
                s,
                ObjRef {
                    kind: Kind::Deployment,
                    id,
                },
            )
        }
        Op::PdbStatus {
            id,
            status,
            resource_version,
        } => crate::apiserver::eviction::update_status(s, id, *status, resource_version),
        Op::Evict { pod, grace_seconds } => {
            crate::apiserver::eviction::evict(s, client, pod, grace_seconds)
        }
        Op::Bind { pod, node } => bind(s, pod, node),
        Op::PodStatus { pod, status } => {
            let Some(p) = s.store.pods.get_mut(pod) else {
                return gone(Kind::Pod);
            };
            let scheduled = p.status.scheduled;
            let disruption = p.status.disruption;
            p.status = *status;
            if p.node.is_some() {
                p.status.scheduled = scheduled.or(Some(true));
            }
            // A status patch lists the conditions it sets; others stay (strategic merge by
            // condition type).
            p.status.disruption = p.status.disruption.or(disruption);
            modified(
                s,
                ObjRef {
                    kind: Kind::Pod,
                    id: pod,
                },
            )
        }
        Op::PodDisruption {
            pod,
            condition,
            fail,
        } => pod_disruption(s, pod, condition, fail),
        Op::Delete {
            target,
            uid,
            propagation,
            grace_seconds,
        } => delete(s, client, target, uid, propagation, grace_seconds),
        Op::RemoveFinalizers { target } => {
            if s.store.meta(target).is_none() {
                return gone(target.kind);
            }
            remove(s, target);
            Outcome::Deleted(target)
        }
        Op::RemoveOwnerRef { dependent, owner } => {
            if s.store.meta(dependent).is_none() {
                return gone(dependent.kind);
            }
            s.store.remove_owner_ref(dependent, owner);
            s.publish(dependent, Change::Modified);
            Outcome::Done
        }
        Op::NodeReady { node } => {
            let now = s.now;
            let Some(n) = s.store.nodes.get_mut(node) else {
                return gone(Kind::Node);
            };
            crate::apiserver::nodestatus::post_ready(n, now);
            modified(
                s,
                ObjRef {
                    kind: Kind::Node,
                    id: node,
                },
            )
        }
        Op::NodeImages { node, images } => {
            let now = s.now;
            let Some(n) = s.store.nodes.get_mut(node) else {
                return gone(Kind::Node);
            };
            crate::apiserver::nodestatus::post_images(n, images, now);
            modified(
                s,
                ObjRef {
                    kind: Kind::Node,
                    id: node,
                },
            )
        }
        Op::KubeletSilent { node, at } => {
            let Some(n) = s.store.nodes.get_mut(node) else {
                return gone(Kind::Node);
            };
            crate::apiserver::nodestatus::fall_silent(n, at);
            Outcome::Done
        }
        Op::NodePressure { node, kind, under } => {
            let now = s.now;
            let Some(n) = s.store.nodes.get_mut(node) else {
                return gone(Kind::Node);
            };
            crate::apiserver::nodestatus::post_pressure(n, kind, under, now);
            modified(
                s,
                ObjRef {
                    kind: Kind::Node,
                    id: node,
                },
            )
        }
        Op::NodeConditions {
            node,
            conditions,
            resource_version,
        } => {
            let Some(n) = s.store.nodes.get_mut(node) else {
                return gone(Kind::Node);
            };
            if n.meta.resource_version != resource_version {
                return crate::apiserver::eviction::stale(Kind::Node, &n.meta.name);
            }
            n.conditions = conditions;
            modified(
                s,
                ObjRef {
                    kind: Kind::Node,
                    id: node,
                },
            )
        }
        Op::NodeTaints { node, add, remove } => {
            let Some(n) = s.store.nodes.get_mut(node) else {
                return gone(Kind::Node);
            };
            if !crate::apiserver::nodestatus::swap_taints(n, add, &remove) {
                return Outcome::Done;
            }
            modified(
                s,
                ObjRef {
                    kind: Kind::Node,
                    id: node,
                },
            )
        }
        Op::Cordon {
            node,
            unschedulable,
        } => {
            let Some(n) = s.store.nodes.get_mut(node) else {
                return gone(Kind::Node);
            };
            n.unschedulable = unschedulable;
            modified(
                s,
                ObjRef {
                    kind: Kind::Node,
                    id: node,
                },
            )
        }
        Op::Patch { target, patch } => crate::apiserver::patch::patch(s, target, &patch),
        Op::LoadBalancerIngress { svc, ip } => {
            let Some(service) = s.store.services.get_mut(svc) else {
                return gone(Kind::Service);
            };
            service.load_balancer_ip = Some(ip);
            modified(
                s,
                ObjRef {
                    kind: Kind::Service,
                    id: svc,
                },
            )
        }
    }
}

/// [`Op::PodDisruption`]: `UpdatePodCondition` keeps the transition time of a condition
/// whose status does not change, and a finished pod keeps its phase.
fn pod_disruption(
    s: &mut Server<'_>,
    pod: u32,
    condition: Option<(&'static str, &'static str)>,
    fail: bool,
) -> Outcome {
    let now = s.now;
    let Some(p) = s.store.pods.get_mut(pod) else {
        return gone(Kind::Pod);
    };
    if let Some((reason, message)) = condition {
        let since = p.status.disruption.map_or(now, |d| d.since);
        p.status.disruption = Some(crate::model::pod::DisruptionTarget {
            reason,
            message,
            since,
        });
    }
    if fail && !p.is_terminal() {
        p.status.phase = Phase::Failed;
    }
    modified(
        s,
        ObjRef {
            kind: Kind::Pod,
            id: pod,
        },
    )
}

/// A write that changed an object: the new resourceVersion and the watch event.
pub(super) fn modified(s: &mut Server<'_>, r: ObjRef) -> Outcome {
    s.store.touch(r);
    s.publish(r, Change::Modified);
    Outcome::Done
}

fn gone(kind: Kind) -> Outcome {
    Outcome::Failed(ApiError {
        reason: "NotFound",
        message: format!("{} not found", kind.group_resource()),
    })
}

fn resolve_ns(
    s: &mut Server<'_>,
    kind: Option<Kind>,
    namespace: &Option<String>,
) -> Result<Option<NsId>, ApiError> {
    let namespaced = kind.map(Kind::namespaced).unwrap_or(namespace.is_some());
    if !namespaced {
        return Ok(None);
    }
    let name = namespace.clone().unwrap_or_else(|| "default".to_string());
    match s.store.find_ns(&name) {
        Some(id) if s.store.lookup(Kind::Namespace, None, &name).is_some() => Ok(Some(id)),
        _ => Err(ApiError::not_found(Kind::Namespace, &name)),
    }
}

/// The ServiceAccount admission plugin (plugin/pkg/admission/serviceaccount/admission.go):
/// a pod runs as an account that exists in its namespace, else the create is Forbidden with
/// `error looking up service account <ns>/<name>: serviceaccount "<name>" not found`. The
/// name in the message is the pod's, or its `generateName` before one is drawn (the
/// admission errors' `extractResourceName`), as a ReplicaSet's FailedCreate events show it.
fn service_account_admission(
    s: &Server<'_>,
    p: &crate::model::pod::Pod,
    ns: Option<NsId>,
    gen_name: Option<&str>,
) -> Result<(), ApiError> {
    let account = p.spec.service_account();
    if s.store.lookup(Kind::ServiceAccount, ns, account).is_some() {
        return Ok(());
    }
    let name = match (p.meta.name.as_str(), gen_name) {
        ("", Some(base)) => base,
        (name, _) => name,
    };
    let namespace = ns.map_or("", |n| s.store.ns_name(n));
    Err(ApiError {
        reason: "Forbidden",
        message: format!(
            "pods {name:?} is forbidden: error looking up service account {namespace}/{account}: serviceaccount {account:?} not found"
        ),
    })
}

/// kube-apiserver's `--default-not-ready-toleration-seconds` and
/// `--default-unreachable-toleration-seconds` (300; AKS keeps the default).
pub const DEFAULT_TOLERATION_SECONDS: i64 = 300;

/// The DefaultTolerationSeconds admission plugin
/// (plugin/pkg/admission/defaulttolerationseconds/admission.go `Admit`): a pod that does not
/// already tolerate `not-ready:NoExecute` (or `unreachable:NoExecute`) gets
/// `Exists`/`NoExecute` for 300 s of it, not-ready first. A toleration counts when its key
/// is that taint's or empty and its effect NoExecute or empty; operator and value are not
/// looked at. None when the spec needs nothing.
pub fn default_toleration_seconds(
    spec: &crate::model::pod::PodSpec,
) -> Option<crate::model::pod::PodSpec> {
    use crate::model::node::{NOT_READY_TAINT, UNREACHABLE_TAINT};
    use crate::model::pod::{TaintEffect, Toleration};
    let tolerates = |key: &str| {
        spec.tolerations.iter().any(|t| {
            (t.key == key || t.key.is_empty())
                && t.effect.is_none_or(|e| e == TaintEffect::NoExecute)
        })
    };
    let missing: Vec<&str> = [NOT_READY_TAINT, UNREACHABLE_TAINT]
        .into_iter()
        .filter(|k| !tolerates(k))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let mut admitted = spec.clone();
    admitted
        .tolerations
        .extend(missing.into_iter().map(|key| Toleration {
            key: key.to_string(),
            exists: true,
            value: String::new(),
            effect: Some(TaintEffect::NoExecute),
            seconds: Some(DEFAULT_TOLERATION_SECONDS),
        }));
    Some(admitted)
}

/// A pod's mutating admission on create, in kube-apiserver's plugin order: Priority
/// (`resolved`, None for a spec written before admission ran), then
/// DefaultTolerationSeconds. None when the spec needs nothing.
pub fn admit_pod_spec(
    spec: &crate::model::pod::PodSpec,
    resolved: Option<&crate::apiserver::priority::Resolved>,
) -> Option<crate::model::pod::PodSpec> {
    let prioritized = resolved.and_then(|r| crate::apiserver::priority::apply(spec, r));
    let base = prioritized.as_ref().unwrap_or(spec);
    default_toleration_seconds(base).or(prioritized)
}

fn create(
    s: &mut Server<'_>,
    mut object: NewObject,
    namespace: Option<String>,
    gen_name: Option<String>,
) -> Outcome {
    let kind = object.kind();
    let ns = match resolve_ns(s, kind, &namespace) {
        Ok(ns) => ns,
        Err(e) => return Outcome::Failed(e),
    };
    if let NewObject::Pod(p) = &object
        && let Err(e) = service_account_admission(s, p, ns, gen_name.as_deref())
    {
        return Outcome::Failed(e);
    }
    let priority = match &object {
        NewObject::Pod(p) => {
            let name = match (p.meta.name.as_str(), gen_name.as_deref()) {
                ("", Some(base)) => base,
                (name, _) => name,
            };
            match crate::apiserver::priority::resolve(s.store, &p.spec, name) {
                Ok(r) => Some(r),
                Err(e) => return Outcome::Failed(e),
            }
        }
        NewObject::PriorityClass(c) => {
            if let Err(e) = crate::apiserver::priority::admit_class(s.store, c) {
                return Outcome::Failed(e);
            }
            None
        }
        _ => None,
    };
    if let Some(base) = gen_name
        && object.meta().name.is_empty()
    {
        let k = kind.unwrap_or(Kind::ConfigMap);
        object.meta_mut().name = generate_name(s, &base, k, ns);
    }
    object.meta_mut().namespace = ns;
    let name = object.meta().name.clone();
    if let Some(k) = kind
        && s.store.lookup(k, ns, &name).is_some()
    {
        return Outcome::Failed(ApiError::already_exists(k, &name));
    }
    let now = s.now;
    let r = match object {
        NewObject::Pod(mut p) => {
            p.spec = s
                .alloc
                .pod_specs
                .admit(&p.spec, |spec| admit_pod_spec(spec, priority.as_ref()));
            if let Some(node_name) = p.spec.node_name.clone() {
                p.node = s.store.lookup(Kind::Node, None, &node_name);
                p.status.scheduled = p.node.map(|_| true);
            }
            ObjRef {
                kind: Kind::Pod,
                id: s.store.pods.insert(p),
            }
        }
        NewObject::Deployment(d) => ObjRef {
            kind: Kind::Deployment,
            id: s.store.deployments.insert(d),
        },
        NewObject::ReplicaSet(rs) => {
            let k = if rs.legacy_rc {
                Kind::ReplicationController
            } else {
                Kind::ReplicaSet
            };
            ObjRef {
                kind: k,
                id: s.store.replicasets.insert(rs),
            }
        }
        NewObject::DaemonSet(d) => ObjRef {
            kind: Kind::DaemonSet,
            id: s.store.daemonsets.insert(d),
        },
        NewObject::Job(j) => ObjRef {
            kind: Kind::Job,
            id: s.store.jobs.insert(j),
        },
        NewObject::StatefulSet(d) => ObjRef {
            kind: Kind::StatefulSet,
            id: s.store.statefulsets.insert(d),
        },
        NewObject::CronJob(cj) => ObjRef {
            kind: Kind::CronJob,
            id: s.store.cronjobs.insert(cj),
        },
        NewObject::Service(mut svc) => {
            if let Err(e) = allocate_service(s, &mut svc) {
                return Outcome::Failed(e);
            }
            ObjRef {
                kind: Kind::Service,
                id: s.store.services.insert(svc),
            }
        }
        NewObject::ConfigMap(c) => ObjRef {
            kind: Kind::ConfigMap,
            id: s.store.configmaps.insert(c),
        },
        NewObject::Secret(c) => ObjRef {
            kind: Kind::Secret,
            id: s.store.secrets.insert(c),
        },
        NewObject::ServiceAccount(a) => ObjRef {
            kind: Kind::ServiceAccount,
            id: s.store.serviceaccounts.insert(a),
        },
        NewObject::PodDisruptionBudget(b) => ObjRef {
            kind: Kind::PodDisruptionBudget,
            id: s.store.pdbs.insert(b),
        },
        NewObject::PriorityClass(c) => {
            // Pods admitted from now on resolve against the new set of classes.
            s.alloc.pod_specs.clear();
            ObjRef {
                kind: Kind::PriorityClass,
                id: s.store.priorityclasses.insert(c),
            }
        }
        NewObject::Namespace(n) => {
            s.store.ns_id(&n.meta.name);
            ObjRef {
                kind: Kind::Namespace,
                id: s.store.namespaces.insert(n),
            }
        }
        NewObject::Node(n) => ObjRef {
            kind: Kind::Node,
            id: s.store.nodes.insert(n),
        },
        NewObject::Other(mut o) => {
            s.store.revision += 1;
            o.meta.created = now;
            s.store.others.push(o);
            return Outcome::Done;
        }
    };
    s.store.register(r, now);
    s.publish(r, Change::Added);
    Outcome::Created(r)
}

/// ClusterIP (unless headless or ExternalName) and NodePorts (NodePort and LoadBalancer),
/// as the Service REST storage allocates them on create.
fn allocate_service(
    srv: &mut Server<'_>,
    s: &mut crate::model::service::Service,
) -> Result<(), ApiError> {
    if s.service_type != ServiceType::ExternalName && !s.headless {
        let mut rng = srv.streams.stream("apiserver", &s.meta.name, "clusterIP");
        let ip = srv
            .alloc
            .service_ips
            .allocate_dynamic(&mut rng)
            .map_err(|e| ApiError {
                reason: "InternalError",
                message: format!("Internal error occurred: failed to allocate a serviceIP: {e}"),
            })?;
        s.cluster_ip = Some(ip);
    }
    if matches!(
        s.service_type,
        ServiceType::NodePort | ServiceType::LoadBalancer
    ) {
        for (i, p) in s.ports.iter_mut().enumerate() {
            if p.node_port.is_some() {
                continue;
            }
            let mut rng = srv
                .streams
                .stream("apiserver", &s.meta.name, &format!("nodePort:{i}"));
            let port = srv
                .alloc
                .node_ports
                .allocate_dynamic(&mut rng)
                .map_err(|e| ApiError {
                    reason: "InternalError",
                    message: format!("Internal error occurred: failed to allocate a nodePort: {e}"),
                })?;
            p.node_port = Some(i32::from(port));
        }
    }
    Ok(())
}

fn apply_object(s: &mut Server<'_>, object: NewObject, namespace: Option<String>) -> Outcome {
    let Some(kind) = object.kind() else {
        return create(s, object, namespace, None);
    };
    let ns = match resolve_ns(s, Some(kind), &namespace) {
        Ok(ns) => ns,
        Err(e) => return Outcome::Failed(e),
    };
    let name = object.meta().name.clone();
    let Some(id) = s.store.lookup(kind, ns, &name) else {
        return create(s, object, namespace, None);
    };
    let r = ObjRef { kind, id };
    let changed = match object {
        NewObject::Deployment(new) => match s.store.deployments.get_mut(id) {
            Some(d) => {
                let spec_changed = d.spec.replicas != new.spec.replicas
                    || d.spec.template != new.spec.template
                    || d.spec.strategy != new.spec.strategy
                    || d.spec.min_ready_seconds != new.spec.min_ready_seconds
                    || d.spec.paused != new.spec.paused
                    || d.spec.revision_history_limit != new.spec.revision_history_limit
                    || d.spec.progress_deadline_seconds != new.spec.progress_deadline_seconds;
                let labels_changed = d.meta.labels != new.meta.labels;
                if spec_changed {
                    let selector = d.spec.selector.clone();
                    d.spec = new.spec;
                    d.spec.selector = selector;
                    d.meta.generation += 1;
                }
                if labels_changed {
                    d.meta.labels = new.meta.labels;
                }
                spec_changed || labels_changed
            }
            None => false,
        },
        NewObject::ReplicaSet(new) => match s.store.replicasets.get_mut(id) {
            Some(rs) => {
                let spec_changed =
                    rs.spec.replicas != new.spec.replicas || rs.spec.template != new.spec.template;
                let labels_changed = rs.meta.labels != new.meta.labels;
                if spec_changed {
                    rs.spec.replicas = new.spec.replicas;
                    rs.spec.template = new.spec.template;
                    rs.spec.min_ready_seconds = new.spec.min_ready_seconds;
                    rs.meta.generation += 1;
                }
                if labels_changed {
                    rs.meta.labels = new.meta.labels;
                }
                spec_changed || labels_changed
            }
            None => false,
        },
        // The DaemonSet strategy's PrepareForUpdate: the selector is immutable; a template
        // change bumps the template generation, any spec change the generation.
        NewObject::DaemonSet(new) => match s.store.daemonsets.get_mut(id) {
            Some(d) => {
                let template_changed = d.spec.template != new.spec.template;
                let spec_changed = template_changed
                    || d.spec.strategy != new.spec.strategy
                    || d.spec.min_ready_seconds != new.spec.min_ready_seconds;
                let labels_changed = d.meta.labels != new.meta.labels;
                if spec_changed {
                    d.spec.template = new.spec.template;
                    d.spec.strategy = new.spec.strategy;
                    d.spec.min_ready_seconds = new.spec.min_ready_seconds;
                    d.meta.generation += 1;
                }
                if template_changed {
                    d.spec.template_generation += 1;
                }
                if labels_changed {
                    d.meta.labels = new.meta.labels;
                }
                spec_changed || labels_changed
            }
            None => false,
        },
        // The StatefulSet strategy's PrepareForUpdate and ValidateStatefulSetUpdate: only
        // replicas, template, updateStrategy, minReadySeconds and the retention policy may
        // change (the selector, serviceName and podManagementPolicy are kept); any spec
        // change bumps the generation.
        NewObject::StatefulSet(new) => match s.store.statefulsets.get_mut(id) {
            Some(d) => {
                let spec_changed = d.spec.replicas != new.spec.replicas
                    || d.spec.template != new.spec.template
                    || d.spec.strategy != new.spec.strategy
                    || d.spec.min_ready_seconds != new.spec.min_ready_seconds
                    || d.spec.revision_history_limit != new.spec.revision_history_limit;
                let labels_changed = d.meta.labels != new.meta.labels;
                if spec_changed {
                    d.spec.replicas = new.spec.replicas;
                    d.spec.template = new.spec.template;
                    d.spec.strategy = new.spec.strategy;
                    d.spec.min_ready_seconds = new.spec.min_ready_seconds;
                    d.spec.revision_history_limit = new.spec.revision_history_limit;
                    d.meta.generation += 1;
                }
                if labels_changed {
                    d.meta.labels = new.meta.labels;
                }
                spec_changed || labels_changed
            }
            None => false,
        },
        // ValidateCronJobUpdate: the whole spec may change; a spec change bumps the
        // generation.
        NewObject::CronJob(new) => match s.store.cronjobs.get_mut(id) {
            Some(cj) => {
                let spec_changed = cj.spec != new.spec;
                let labels_changed = cj.meta.labels != new.meta.labels;
                if spec_changed {
                    cj.spec = new.spec;
                    cj.meta.generation += 1;
                }
                if labels_changed {
                    cj.meta.labels = new.meta.labels;
                }
                spec_changed || labels_changed
            }
            None => false,
        },
        NewObject::Service(new) => match s.store.services.get_mut(id) {
            Some(svc) => {
                let changed = svc
                    .ports
                    .iter()
                    .map(|p| (p.port, &p.target_port))
                    .ne(new.ports.iter().map(|p| (p.port, &p.target_port)))
                    || svc.selector != new.selector
                    || svc.meta.labels != new.meta.labels;
                if changed {
                    svc.selector = new.selector;
                    svc.meta.labels = new.meta.labels;
                }
                changed
            }
            None => false,
        },
        NewObject::ConfigMap(new) => update_config(s.store.configmaps.get_mut(id), new),
        NewObject::Secret(new) => update_config(s.store.secrets.get_mut(id), new),
        // The PDB strategy's PrepareForUpdate: any spec change bumps the generation, which
        // the eviction subresource refuses on until the controller has observed it.
        NewObject::PodDisruptionBudget(new) => match s.store.pdbs.get_mut(id) {
            Some(b) => {
                let spec_changed = b.spec != new.spec;
                let labels_changed = b.meta.labels != new.meta.labels;
                if spec_changed {
                    b.spec = new.spec;
                    b.meta.generation += 1;
                }
                if labels_changed {
                    b.meta.labels = new.meta.labels;
                }
                spec_changed || labels_changed
            }
            None => false,
        },
        // ValidatePriorityClassUpdate: value and preemptionPolicy are immutable; the
        // description, globalDefault (one default at most) and labels may change.
        NewObject::PriorityClass(new) => {
            if let Err(e) = crate::apiserver::priority::admit_class(s.store, &new) {
                return Outcome::Failed(e);
            }
            match s.store.priorityclasses.get_mut(id) {
                Some(c) if c.value != new.value || c.preemption_policy != new.preemption_policy => {
                    let field = if c.value != new.value {
                        "value"
                    } else {
                        "preemptionPolicy"
                    };
                    return Outcome::Failed(ApiError {
                        reason: "Invalid",
                        message: format!(
                            "PriorityClass.scheduling.k8s.io {name:?} is invalid: {field}: Forbidden: may not be changed in an update."
                        ),
                    });
                }
                Some(c) => {
                    let changed = c.global_default != new.global_default
                        || c.description != new.description
                        || c.meta.labels != new.meta.labels;
                    c.global_default = new.global_default;
                    c.description = new.description;
                    c.meta.labels = new.meta.labels;
                    if changed {
                        s.alloc.pod_specs.clear();
                    }
                    changed
                }
                None => false,
            }
        }
        NewObject::ServiceAccount(new) => match s.store.serviceaccounts.get_mut(id) {
            Some(a) => {
                let changed = a.secrets != new.secrets || a.meta.labels != new.meta.labels;
                a.secrets = new.secrets;
                a.meta.labels = new.meta.labels;
                changed
            }
            None => false,
        },
        NewObject::Pod(new) => match s.store.pods.get_mut(id) {
            // Pod specs are immutable apart from a few fields; kubesim applies label changes.
            Some(p) => {
                let changed = p.meta.labels != new.meta.labels;
                if changed {
                    p.meta.labels = new.meta.labels;
                }
                changed
            }
            None => false,
        },
        NewObject::Namespace(new) => match s.store.namespaces.get_mut(id) {
            Some(n) => {
                let changed = n.meta.labels != new.meta.labels;
                n.meta.labels = new.meta.labels;
                changed
            }
            None => false,
        },
        // ValidateJobSpecUpdate: the template, completions and completionMode are immutable;
        // parallelism, suspend, activeDeadlineSeconds and ttlSecondsAfterFinished may change.
        // Simplification: an immutable change is dropped rather than refused.
        NewObject::Job(new) => match s.store.jobs.get_mut(id) {
            Some(j) => {
                let mut spec = j.spec.clone();
                spec.parallelism = new.spec.parallelism;
                spec.suspend = new.spec.suspend;
                spec.active_deadline_seconds = new.spec.active_deadline_seconds;
                spec.ttl_seconds_after_finished = new.spec.ttl_seconds_after_finished;
                let spec_changed = spec != j.spec;
                let labels_changed = j.meta.labels != new.meta.labels;
                if spec_changed {
                    j.spec = spec;
                    j.meta.generation += 1;
                }
                if labels_changed {
                    j.meta.labels = new.meta.labels;
                }
                spec_changed || labels_changed
            }
            None => false,
        },
        NewObject::Node(_) | NewObject::Other(_) => false,
    };
    if changed {
        s.store.touch(r);
        s.publish(r, Change::Modified);
        Outcome::Configured(r)
    } else {
        Outcome::Unchanged(r)
    }
}

fn update_config(
    c: Option<&mut crate::model::service::ConfigData>,
    new: crate::model::service::ConfigData,
) -> bool {
    match c {
        Some(c) => {
            let changed = c.keys != new.keys
                || c.meta.labels != new.meta.labels
                || c.secret_type != new.secret_type;
            c.keys = new.keys;
            c.meta.labels = new.meta.labels;
            c.secret_type = new.secret_type;
            changed
        }
        None => false,
    }
}

fn scale(
    s: &mut Server<'_>,
    target: ObjRef,
    replicas: i32,
    annotations: Option<(i32, i32)>,
) -> Outcome {
    let changed = match target.kind {
        Kind::Deployment => match s.store.deployments.get_mut(target.id) {
            Some(d) => {
                let c = d.spec.replicas != replicas;
                if c {
                    d.spec.replicas = replicas;
                    d.meta.generation += 1;
                }
                c
            }
            None => return gone(target.kind),
        },
        Kind::ReplicaSet | Kind::ReplicationController => {
            match s.store.replicasets.get_mut(target.id) {
                Some(rs) => {
                    let c = rs.spec.replicas != replicas;
                    if c {
                        rs.spec.replicas = replicas;
                        rs.meta.generation += 1;
                    }
                    let a = annotations.is_some() && rs.replica_annotations != annotations;
                    if a {
                        rs.replica_annotations = annotations;
                    }
                    c || a
                }
                None => return gone(target.kind),
            }
        }
        Kind::StatefulSet => match s.store.statefulsets.get_mut(target.id) {
            Some(d) => {
                let c = d.spec.replicas != replicas;
                if c {
                    d.spec.replicas = replicas;
                    d.meta.generation += 1;
                }
                c
            }
            None => return gone(target.kind),
        },
        _ => return gone(target.kind),
    };
    if changed {
        s.store.touch(target);
        s.publish(target, Change::Modified);
    }
    Outcome::Done
}

fn bind(s: &mut Server<'_>, pod: u32, node: u32) -> Outcome {
    if s.store.nodes.get(node).is_none() {
        return gone(Kind::Node);
    }
    let Some(p) = s.store.pods.get(pod) else {
        return gone(Kind::Pod);
    };
    // BindingREST.setPodHostAndAnnotations refuses a terminating pod, then one that already
    // has a node (naming that node); assignPod wraps either as a Conflict on pods/binding.
    let refusal = if p.meta.deleted.is_some() {
        Some(format!(
            "pod {} is being deleted, cannot be assigned to a host",
            p.meta.name
        ))
    } else {
        p.node.map(|current| {
            let current = s
                .store
                .nodes
                .get(current)
                .map(|n| n.meta.name.as_str())
                .unwrap_or_default();
            format!(
                "pod {} is already assigned to node {current:?}",
                p.meta.name
            )
        })
    };
    if let Some(why) = refusal {
        return Outcome::Failed(ApiError {
            reason: "Conflict",
            message: format!(
                "Operation cannot be fulfilled on pods/binding {:?}: {why}",
                p.meta.name
            ),
        });
    }
    let Some(p) = s.store.pods.get_mut(pod) else {
        return gone(Kind::Pod);
    };
    p.node = Some(node);
    p.status.scheduled = Some(true);
    p.status.unschedulable_message = None;
    let r = ObjRef {
        kind: Kind::Pod,
        id: pod,
    };
    s.store.touch(r);
    s.publish(r, Change::Modified);
    Outcome::Done
}

pub(super) fn delete(
    s: &mut Server<'_>,
    client: ComponentId,
    target: ObjRef,
    uid: Option<u64>,
    propagation: Propagation,
    grace: Option<i64>,
) -> Outcome {
    let Some(meta) = s.store.meta(target) else {
        return gone(target.kind);
    };
    if uid.is_some_and(|u| u != meta.uid) {
        return Outcome::Failed(ApiError {
            reason: "Conflict",
            message: format!(
                "Operation cannot be fulfilled on {} {:?}: Precondition failed: UID in precondition: {}, UID in object meta: {}",
                target.kind.group_resource(),
                meta.name,
                uid.unwrap_or_default(),
                meta.uid
            ),
        });
    }
    let now = s.now;
    if target.kind == Kind::Pod {
        let Some(p) = s.store.pods.get_mut(target.id) else {
            return gone(Kind::Pod);
        };
        let grace = grace.unwrap_or(p.spec.termination_grace_seconds);
        // Graceful deletion applies to pods a kubelet runs; an unbound or finished pod, or
        // the kubelet's own final delete (grace 0), removes the object at once.
        let immediate = p.node.is_none()
            || grace == 0
            || matches!(p.status.phase, Phase::Succeeded | Phase::Failed)
            || client.kind == ComponentKind::Kubelet;
        if immediate {
            remove(s, target);
        } else if p.meta.deleted.is_none() {
            p.meta.deleted = Some(now);
            s.store.touch(target);
            s.publish(target, Change::Modified);
        }
        return Outcome::Deleted(target);
    }
    if target.kind == Kind::Namespace {
        delete_namespace(s, target);
        return Outcome::Deleted(target);
    }
    match propagation {
        Propagation::Background => remove(s, target),
        Propagation::Foreground | Propagation::Orphan => {
            if let Some(m) = s.store.meta_mut(target) {
                if m.deleted.is_none() {
                    m.deleted = Some(now);
                }
                m.foreground_deletion = propagation == Propagation::Foreground;
                m.orphan_finalizer = propagation == Propagation::Orphan;
            }
            s.store.touch(target);
            s.publish(target, Change::Modified);
        }
    }
    Outcome::Deleted(target)
}

/// The namespace lifecycle controller's work, folded into the delete: every object in the
/// namespace is deleted (pods gracefully), then the namespace itself.
fn delete_namespace(s: &mut Server<'_>, target: ObjRef) {
    let Some(name) = s.store.meta(target).map(|m| m.name.clone()) else {
        return;
    };
    if let Some(ns) = s.store.find_ns(&name) {
        // Every namespaced kind (Events stay until their TTL), workloads before the pods
        // they own; a kind added later is covered without another list to keep.
        let kinds = Kind::ALL
            .into_iter()
            .filter(|k| k.namespaced() && !matches!(k, Kind::Pod | Kind::Event))
            .chain([Kind::Pod]);
        for kind in kinds {
            for id in s.store.list(kind, Some(ns)) {
                let r = ObjRef { kind, id };
                let _ = delete(
                    s,
                    ComponentId::of(ComponentKind::GarbageCollector),
                    r,
                    None,
                    Propagation::Background,
                    None,
                );
            }
        }
    }
    remove(s, target);
}

/// Removes an object for good, releasing what the API server allocated for it.
pub fn remove(s: &mut Server<'_>, target: ObjRef) {
    if target.kind == Kind::Service
        && let Some(svc) = s.store.services.get(target.id)
    {
        if let Some(ip) = svc.cluster_ip {
            s.alloc.service_ips.release(ip);
        }
        for p in &svc.ports {
            if let Some(np) = p.node_port {
                s.alloc.node_ports.release(np);
            }
        }
        if let Some(ip) = svc.load_balancer_ip {
            s.public_ips.release(ip);
        }
    }
    if target.kind == Kind::PriorityClass {
        s.alloc.pod_specs.clear();
    }
    // Watchers are told while the object's data is still there to route by.
    s.publish(target, Change::Deleted);
    s.store.remove(target);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apiserver::testing::{Harness, create, delete, new_pod};
    use crate::etcd::store::testing as fx;
    use crate::model::node::{NOT_READY_TAINT, UNREACHABLE_TAINT};
    use crate::model::pod::{TaintEffect, Toleration};
    use crate::sim::time::SimTime;

    const KUBECTL: ComponentId = ComponentId::terminal(0);
    const NOW: SimTime = SimTime(3_000_000);

    fn setup() -> Harness {
        let mut h = Harness::default();
        fx::namespace(&mut h.store, "default");
        h
    }

    fn created(o: Outcome) -> ObjRef {
        match o {
            Outcome::Created(r) => r,
            other => panic!("not created: {other:?}"),
        }
    }

    /// One row of `TestForgivenessAdmission` (defaulttolerationseconds/admission_test.go):
    /// (key, effect, seconds) of each toleration.
    type Row<'a> = Vec<(&'a str, Option<TaintEffect>, Option<i64>)>;

    fn admitted(tolerations: Row<'_>) -> Row<'_> {
        let mut spec = (*fx::spec(100)).clone();
        spec.tolerations = tolerations
            .iter()
            .map(|(key, effect, seconds)| Toleration {
                key: key.to_string(),
                exists: true,
                value: String::new(),
                effect: *effect,
                seconds: *seconds,
            })
            .collect();
        let out = default_toleration_seconds(&spec).unwrap_or(spec);
        out.tolerations
            .iter()
            .map(|t| {
                let key = tolerations
                    .iter()
                    .map(|r| r.0)
                    .chain([NOT_READY_TAINT, UNREACHABLE_TAINT])
                    .find(|k| *k == t.key)
                    .expect("only known keys");
                (key, t.effect, t.seconds)
            })
            .collect()
    }

    #[test]
    fn default_toleration_seconds_follows_test_forgiveness_admission() {
        const NE: Option<TaintEffect> = Some(TaintEffect::NoExecute);
        // "pod has no tolerations, expect add tolerations for `notread:NoExecute` and
        // `unreachable:NoExecute`"
        assert_eq!(
            admitted(vec![]),
            vec![
                (NOT_READY_TAINT, NE, Some(300)),
                (UNREACHABLE_TAINT, NE, Some(300))
            ]
        );
        // "pod has tolerations, but none is for taint `notread:NoExecute` or
        // `unreachable:NoExecute`, expect add tolerations for …" (foo=bar:NoSchedule 700 s in
        // the Go row; tolerationSeconds on NoSchedule is refused by validation here, so none)
        assert_eq!(
            admitted(vec![("foo", Some(TaintEffect::NoSchedule), None)]),
            vec![
                ("foo", Some(TaintEffect::NoSchedule), None),
                (NOT_READY_TAINT, NE, Some(300)),
                (UNREACHABLE_TAINT, NE, Some(300))
            ]
        );
        // "pod specified a toleration for taint `notReady:NoExecute`, expect add toleration
        // for `unreachable:NoExecute`"
        assert_eq!(
            admitted(vec![(NOT_READY_TAINT, NE, Some(700))]),
            vec![
                (NOT_READY_TAINT, NE, Some(700)),
                (UNREACHABLE_TAINT, NE, Some(300))
            ]
        );
        // "pod specified a toleration for taint `unreachable:NoExecute`, expect add
        // toleration for `notReady:NoExecute`"
        assert_eq!(
            admitted(vec![(UNREACHABLE_TAINT, NE, Some(700))]),
            vec![
                (UNREACHABLE_TAINT, NE, Some(700)),
                (NOT_READY_TAINT, NE, Some(300))
            ]
        );
        // "pod specified tolerations for both `notread:NoExecute` and
        // `unreachable:NoExecute`, expect no change"
        let both = vec![
            (NOT_READY_TAINT, NE, Some(700)),
            (UNREACHABLE_TAINT, NE, Some(700)),
        ];
        assert_eq!(admitted(both.clone()), both);
        // "pod specified toleration for taint `unreachable`, expect add toleration for
        // `notReady:NoExecute`" (no effect: every effect)
        assert_eq!(
            admitted(vec![(UNREACHABLE_TAINT, None, Some(700))]),
            vec![
                (UNREACHABLE_TAINT, None, Some(700)),
                (NOT_READY_TAINT, NE, Some(300))
            ]
        );
        // "pod has wildcard toleration for all kind of taints, expect no change"
        assert_eq!(
            admitted(vec![("", None, Some(700))]),
            vec![("", None, Some(700))]
        );
    }

    #[test]
    fn created_pods_get_the_default_tolerations_and_pods_of_one_spec_share_them() {
        let mut h = setup();
        let spec = fx::spec(100);
        let pod = |name: &str| {
            let NewObject::Pod(mut p) = new_pod(name, None) else {
                unreachable!()
            };
            p.spec = spec.clone();
            NewObject::Pod(p)
        };
        let a = created(h.apply(NOW, KUBECTL, create(pod("a"))));
        let b = created(h.apply(NOW, KUBECTL, create(pod("b"))));
        let (pa, pb) = (
            h.store.pods.get(a.id).unwrap(),
            h.store.pods.get(b.id).unwrap(),
        );
        assert_eq!(pa.spec.tolerations.len(), 2);
        assert!(std::sync::Arc::ptr_eq(&pa.spec, &pb.spec));
    }

    #[test]
    fn create_assigns_uid_resource_version_and_creation_time() {
        let mut h = setup();
        let before = h.store.revision;
        let a = created(h.apply(NOW, KUBECTL, create(new_pod("a", None))));
        let b = created(h.apply(NOW, KUBECTL, create(new_pod("b", None))));
        let (ma, mb) = (h.store.meta(a).unwrap(), h.store.meta(b).unwrap());
        // etcd3 store: resourceVersion is the revision of the write; every write is one.
        assert_eq!(ma.resource_version, before + 1);
        assert_eq!(mb.resource_version, before + 2);
        assert_eq!(h.store.revision, before + 2);
        assert_ne!(ma.uid, 0);
        assert_ne!(ma.uid, mb.uid, "uids are unique");
        assert_eq!(ma.created, NOW);
        assert_eq!(ma.namespace, h.store.find_ns("default"));
        assert_eq!(h.store.lookup(Kind::Pod, ma.namespace, "a"), Some(a.id));
    }

    #[test]
    fn a_taken_name_is_already_exists_and_writes_nothing() {
        // apimachinery errors.NewAlreadyExists: `pods "a" already exists`.
        let mut h = setup();
        h.apply(NOW, KUBECTL, create(new_pod("a", None)));
        let rev = h.store.revision;
        let again = h.apply(NOW, KUBECTL, create(new_pod("a", None)));
        assert_eq!(
            again,
            Outcome::Failed(ApiError {
                reason: "AlreadyExists",
                message: r#"pods "a" already exists"#.into(),
            })
        );
        assert_eq!(h.store.revision, rev);
        assert_eq!(h.store.pods.len(), 1);
    }

    #[test]
    fn a_missing_namespace_is_not_found() {
        // namespace lifecycle admission: `namespaces "nope" not found`.
        let mut h = setup();
        let op = Op::Create {
            object: Box::new(new_pod("a", None)),
            namespace: Some("nope".into()),
            generate_name: None,
        };
        assert_eq!(
            h.apply(NOW, KUBECTL, op),
            Outcome::Failed(ApiError {
                reason: "NotFound",
                message: r#"namespaces "nope" not found"#.into(),
            })
        );
    }

    #[test]
    fn generate_name_appends_five_safe_characters_to_a_base_cut_at_58() {
        // names.go SimpleNameGenerator: maxGeneratedNameLength = 63 − 5; the base is cut to
        // 58 and utilrand.String(5) appended, from "bcdfghjklmnpqrstvwxz2456789".
        let mut h = setup();
        let generate = |h: &mut Harness, base: &str| {
            let op = Op::Create {
                object: Box::new(new_pod("", None)),
                namespace: Some("default".into()),
                generate_name: Some(base.to_string()),
            };
            let r = created(h.apply(
                NOW,
                ComponentId::of(ComponentKind::ReplicaSetController),
                op,
            ));
            h.store.meta(r).unwrap().name.clone()
        };
        let name = generate(&mut h, "web-7d4b9c8f6d-");
        let suffix = name.strip_prefix("web-7d4b9c8f6d-").expect("base kept");
        assert_eq!(suffix.len(), 5);
        assert!(
            suffix
                .bytes()
                .all(|b| b"bcdfghjklmnpqrstvwxz2456789".contains(&b))
        );
        let long = "a".repeat(70);
        let name = generate(&mut h, &long);
        assert_eq!(name.len(), 63);
        assert!(name.starts_with(&"a".repeat(58)));
        assert!(!name[58..].contains('a'), "no vowels in the alphabet");
    }

    #[test]
    fn deleting_a_bound_pod_is_graceful_and_an_unbound_one_is_immediate() {
        // pkg/registry/core/pod strategy CheckGracefulDeletion: a pod on a node gets
        // deletionTimestamp (grace 30 s) and stays for the kubelet; an unscheduled pod has
        // its grace period set to 0 and goes at once.
        let mut h = setup();
        let (ns, _, bound) = fx::bound_pod(&mut h.store, "bound");
        let unbound = fx::pod(&mut h.store, "unbound", ns, fx::spec(100), None, None);
        let del = |id| {
            delete(
                ObjRef {
                    kind: Kind::Pod,
                    id,
                },
                None,
            )
        };
        let rev = h.store.revision;
        let r = ObjRef {
            kind: Kind::Pod,
            id: bound,
        };
        assert_eq!(h.apply(NOW, KUBECTL, del(bound)), Outcome::Deleted(r));
        let p = h
            .store
            .pods
            .get(bound)
            .expect("kept until the kubelet is done");
        assert_eq!(p.meta.deleted, Some(NOW));
        assert_eq!(p.meta.resource_version, rev + 1);
        assert_eq!(h.store.revision, rev + 1);
        h.apply(NOW, KUBECTL, del(unbound));
        assert!(h.store.pods.get(unbound).is_none());
        assert_eq!(h.store.lookup(Kind::Pod, Some(ns), "unbound"), None);
        assert_eq!(h.store.revision, rev + 2);
        // Deleting the terminating pod again changes nothing but keeps answering Deleted.
        assert_eq!(h.apply(NOW, KUBECTL, del(bound)), Outcome::Deleted(r));
        assert_eq!(h.store.revision, rev + 2);
    }

    #[test]
    fn a_uid_precondition_that_does_not_match_is_a_conflict() {
        // apimachinery storage: `Precondition failed: UID in precondition: %v, UID in object
        // meta: %v`, wrapped by NewConflict (`Operation cannot be fulfilled on pods "a": …`).
        let mut h = setup();
        let a = created(h.apply(NOW, KUBECTL, create(new_pod("a", None))));
        let uid = h.store.meta(a).unwrap().uid;
        let op = Op::Delete {
            target: a,
            uid: Some(uid + 100),
            propagation: Propagation::Background,
            grace_seconds: None,
        };
        assert_eq!(
            h.apply(NOW, KUBECTL, op),
            Outcome::Failed(ApiError {
                reason: "Conflict",
                message: format!(
                    r#"Operation cannot be fulfilled on pods "a": Precondition failed: UID in precondition: {}, UID in object meta: {uid}"#,
                    uid + 100
                ),
            })
        );
        assert!(h.store.meta(a).is_some());
    }

    #[test]
    fn binding_a_bound_pod_is_a_conflict() {
        // pkg/registry/core/pod/storage BindingREST: `pod %v is already assigned to node %q`
        // as a Conflict on pods/binding.
        let mut h = setup();
        let ns = h.store.find_ns("default").unwrap();
        let n0 = fx::node(&mut h.store, "n0", 4000, 16 << 30);
        let n1 = fx::node(&mut h.store, "n1", 4000, 16 << 30);
        let pod = fx::pod(&mut h.store, "a", ns, fx::spec(100), None, None);
        let sched = ComponentId::of(ComponentKind::Scheduler);
        assert_eq!(
            h.apply(NOW, sched, Op::Bind { pod, node: n0 }),
            Outcome::Done
        );
        assert_eq!(h.store.pods.get(pod).unwrap().node, Some(n0));
        assert_eq!(
            h.apply(NOW, sched, Op::Bind { pod, node: n1 }),
            Outcome::Failed(ApiError {
                reason: "Conflict",
                message: r#"Operation cannot be fulfilled on pods/binding "a": pod a is already assigned to node "n0""#.into(),
            })
        );
        // A terminating pod is refused first.
        let b = fx::pod(&mut h.store, "b", ns, fx::spec(100), None, None);
        h.store.pods.get_mut(b).unwrap().meta.deleted = Some(NOW);
        assert_eq!(
            h.apply(NOW, sched, Op::Bind { pod: b, node: n1 }),
            Outcome::Failed(ApiError {
                reason: "Conflict",
                message: r#"Operation cannot be fulfilled on pods/binding "b": pod b is being deleted, cannot be assigned to a host"#.into(),
            })
        );
        assert_eq!(h.store.pods.get(b).unwrap().node, None);
    }

    #[test]
    fn foreground_and_orphan_deletes_keep_the_owner_with_a_finalizer() {
        // apiserver registry store deletionFinalizersForGarbageCollection: Foreground adds
        // `foregroundDeletion`, Orphan adds `orphan`; the object stays with a
        // deletionTimestamp for the garbage collector, which is told of it.
        for propagation in [Propagation::Foreground, Propagation::Orphan] {
            let mut h = setup();
            let ns = h.store.find_ns("default").unwrap();
            let rs = ObjRef {
                kind: Kind::ReplicaSet,
                id: fx::replicaset(&mut h.store, "web", ns, 1, None),
            };
            let op = Op::Delete {
                target: rs,
                uid: None,
                propagation,
                grace_seconds: None,
            };
            assert_eq!(h.apply(NOW, KUBECTL, op), Outcome::Deleted(rs));
            let m = h.store.meta(rs).expect("kept");
            assert_eq!(m.deleted, Some(NOW));
            assert_eq!(
                m.foreground_deletion,
                propagation == Propagation::Foreground
            );
            assert_eq!(m.orphan_finalizer, propagation == Propagation::Orphan);
            assert!(
                h.deliveries
                    .iter()
                    .any(|d| d.to == ComponentId::of(ComponentKind::GarbageCollector))
            );
        }
    }
}
