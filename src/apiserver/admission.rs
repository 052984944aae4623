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
        Op::Read => Outcome::Done,
        Op::Scale {
            target,
            replicas,
            annotations,
        } => scale(s, target, replicas, annotations),
        Op::ReplicaSetStatus { id, status } => {
            let Some(rs) = s.store.replicasets.get_mut(id) else {
                return gone(Kind::ReplicaSet);
            };
            rs.status = status;
            // A ReplicationController is published as one: watchers key by kind (the GC's
            // dependents index, kubectl's wait).
            let kind = s.store.rs_kind(id);
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
        Op::DeploymentStatus { id, status } => {
            let Some(d) = s.store.deployments.get_mut(id) else {
                return gone(Kind::Deployment);
            };
            d.status = status;
            modified(
                s,
                ObjRef {
                    kind: Kind::Deployment,
                    id,
                },
            )
        }
        Op::Bind { pod, node } => bind(s, pod, node),
        Op::PodStatus { pod, status } => {
            let Some(p) = s.store.pods.get_mut(pod) else {
                return gone(Kind::Pod);
            };
            let scheduled = p.status.scheduled;
            p.status = *status;
            if p.node.is_some() {
                p.status.scheduled = scheduled.or(Some(true));
            }
            let r = ObjRef {
                kind: Kind::Pod,
                id: pod,
            };
            s.store.touch(r);
            s.publish(r, Change::Modified);
            Outcome::Done
        }
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
        Op::LoadBalancerIngress { svc, ip } => {
            let Some(service) = s.store.services.get_mut(svc) else {
                return gone(Kind::Service);
            };
            service.load_balancer_ip = Some(ip);
            let r = ObjRef {
                kind: Kind::Service,
                id: svc,
            };
            s.store.touch(r);
            s.publish(r, Change::Modified);
            Outcome::Done
        }
    }
}

/// A committed update: the resourceVersion moves and watchers hear MODIFIED.
fn modified(s: &mut Server<'_>, r: ObjRef) -> Outcome {
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
        _ => return gone(target.kind),
    };
    if changed {
        s.store.touch(target);
        s.publish(target, Change::Modified);
    }
    Outcome::Done
}

fn bind(s: &mut Server<'_>, pod: u32, node: u32) -> Outcome {
    let Some(node_name) = s.store.nodes.get(node).map(|n| n.meta.name.clone()) else {
        return gone(Kind::Node);
    };
    let Some(p) = s.store.pods.get_mut(pod) else {
        return gone(Kind::Pod);
    };
    if p.node.is_some() {
        return Outcome::Failed(ApiError {
            reason: "Conflict",
            message: format!(
                "Operation cannot be fulfilled on pods/binding {:?}: pod {} is already assigned to node {:?}",
                p.meta.name, p.meta.name, node_name
            ),
        });
    }
    if p.meta.deleted.is_some() {
        return gone(Kind::Pod);
    }
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

fn delete(
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
        for kind in [
            Kind::Deployment,
            Kind::DaemonSet,
            Kind::ReplicaSet,
            Kind::ReplicationController,
            Kind::Service,
            Kind::ConfigMap,
            Kind::Secret,
            Kind::Pod,
        ] {
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
    // Watchers are told while the object's data is still there to route by.
    s.publish(target, Change::Deleted);
    s.store.remove(target);
}
