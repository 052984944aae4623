//! `kubectl get` tables for each kind, filled from the store as the API server would serve
//! them (reference/kubectl-output.md §1.4, `printers.go`): the same columns, cells and
//! placeholders, laid out by [`super::table`].

use crate::etcd::Store;
use crate::etcd::events::StoredEvent;
use crate::kubectl::age::translate_timestamp_since;
use crate::kubectl::table::{Column, Row, Table};
use crate::model::kind::Kind;
use crate::model::labels::Labels;
use crate::model::meta::Meta;
use crate::model::pod::PodSpec;
use crate::model::service::ServiceType;
use crate::output::metrics::{
    node_status_cell, pod_ready_cell, pod_restarts_since, pod_status_cell,
};
use crate::sim::time::SimTime;

/// The columns `kubectl get` prints for a kind.
pub fn columns(kind: Kind) -> Vec<Column> {
    use Column as C;
    match kind {
        Kind::Pod => vec![
            C::new("Name"),
            C::new("Ready"),
            C::new("Status"),
            C::new("Restarts"),
            C::new("Age"),
            C::wide("IP"),
            C::wide("Node"),
            C::wide("Nominated Node"),
            C::wide("Readiness Gates"),
        ],
        Kind::Node => vec![
            C::new("Name"),
            C::new("Status"),
            C::new("Roles"),
            C::new("Age"),
            C::new("Version"),
            C::wide("Internal-IP"),
            C::wide("External-IP"),
            C::wide("OS-Image"),
            C::wide("Kernel-Version"),
            C::wide("Container-Runtime"),
        ],
        Kind::Deployment => vec![
            C::new("Name"),
            C::new("Ready"),
            C::new("Up-to-date"),
            C::new("Available"),
            C::new("Age"),
            C::wide("Containers"),
            C::wide("Images"),
            C::wide("Selector"),
        ],
        Kind::ReplicaSet | Kind::ReplicationController => vec![
            C::new("Name"),
            C::new("Desired"),
            C::new("Current"),
            C::new("Ready"),
            C::new("Age"),
            C::wide("Containers"),
            C::wide("Images"),
            C::wide("Selector"),
        ],
        Kind::Service => vec![
            C::new("Name"),
            C::new("Type"),
            C::new("Cluster-IP"),
            C::new("External-IP"),
            C::new("Port(s)"),
            C::new("Age"),
            C::wide("Selector"),
        ],
        Kind::Namespace => vec![C::new("Name"), C::new("Status"), C::new("Age")],
        Kind::ConfigMap => vec![C::new("Name"), C::new("Data"), C::new("Age")],
        // printServiceAccount: SECRETS is len(secrets).
        Kind::ServiceAccount => vec![C::new("Name"), C::new("Secrets"), C::new("Age")],
        // printPodDisruptionBudget (printers.go podDisruptionBudgetColumnDefinitions).
        Kind::PodDisruptionBudget => vec![
            C::new("Name"),
            C::new("Min Available"),
            C::new("Max Unavailable"),
            C::new("Allowed Disruptions"),
            C::new("Age"),
        ],
        // printers.go priorityClassColumnDefinitions (PreemptionPolicy last, after Age).
        Kind::PriorityClass => vec![
            C::new("Name"),
            C::new("Value"),
            C::new("Global-Default"),
            C::new("Age"),
            C::new("PreemptionPolicy"),
        ],
        Kind::Secret => vec![
            C::new("Name"),
            C::new("Type"),
            C::new("Data"),
            C::new("Age"),
        ],
        Kind::DaemonSet => vec![
            C::new("Name"),
            C::new("Desired"),
            C::new("Current"),
            C::new("Ready"),
            C::new("Up-to-date"),
            C::new("Available"),
            C::new("Node Selector"),
            C::new("Age"),
            C::wide("Containers"),
            C::wide("Images"),
            C::wide("Selector"),
        ],
        Kind::Job => vec![
            C::new("Name"),
            C::new("Status"),
            C::new("Completions"),
            C::new("Duration"),
            C::new("Age"),
            C::wide("Containers"),
            C::wide("Images"),
            C::wide("Selector"),
        ],
        // printStatefulSet (kubectl 1.35): READY is readyReplicas/replicas.
        Kind::StatefulSet => vec![
            C::new("Name"),
            C::new("Ready"),
            C::new("Age"),
            C::wide("Containers"),
            C::wide("Images"),
        ],
        Kind::CronJob => vec![
            C::new("Name"),
            C::new("Schedule"),
            C::new("Timezone"),
            C::new("Suspend"),
            C::new("Active"),
            C::new("Last Schedule"),
            C::new("Age"),
            C::wide("Containers"),
            C::wide("Images"),
            C::wide("Selector"),
        ],
        Kind::Event => vec![
            C::new("Last Seen"),
            C::new("Type"),
            C::new("Reason"),
            C::new("Object"),
            C::wide("Subobject"),
            C::wide("Source"),
            C::new("Message"),
            C::wide("First Seen"),
            C::wide("Count"),
            C::wide("Name"),
        ],
    }
}

fn age(meta: &Meta, now: SimTime) -> String {
    translate_timestamp_since(Some(meta.created), now)
}

/// printPod's RESTARTS: the count, then `(42s ago)` from the latest
/// `lastState.terminated.finishedAt` once there is a restart (reference §3.3).
fn restarts_cell(p: &crate::model::pod::Pod, now: SimTime) -> String {
    let (restarts, last) = pod_restarts_since(p);
    match last {
        Some(t) if restarts != 0 => {
            // metav1.Time keeps whole seconds, as AGE does.
            let finished = t.0 / 1_000_000 * 1_000_000;
            let ago = now.0.saturating_sub(finished) as i64;
            format!(
                "{restarts} ({} ago)",
                crate::kubectl::age::human_duration(ago)
            )
        }
        _ => restarts.to_string(),
    }
}

fn containers_cells(spec: &PodSpec) -> (String, String) {
    let names: Vec<&str> = spec.containers.iter().map(|c| c.name.as_str()).collect();
    let images: Vec<&str> = spec.containers.iter().map(|c| c.image.as_str()).collect();
    (names.join(","), images.join(","))
}

/// One object's row, or None if it does not exist.
pub fn row(
    store: &Store,
    kind: Kind,
    id: u32,
    now: SimTime,
) -> Option<(Row, Labels, Option<String>)> {
    let none = || "<none>".to_string();
    let (cells, meta): (Vec<String>, &Meta) = match kind {
        Kind::Pod => {
            let p = store.pods.get(id)?;
            let node = p
                .node
                .and_then(|n| store.nodes.get(n))
                .map(|n| n.meta.name.clone());
            (
                vec![
                    p.meta.name.clone(),
                    pod_ready_cell(p),
                    pod_status_cell(p),
                    restarts_cell(p, now),
                    age(&p.meta, now),
                    p.status
                        .pod_ip
                        .map(|ip| ip.to_string())
                        .unwrap_or_else(none),
                    node.unwrap_or_else(none),
                    // printPod: NOMINATED NODE is status.nominatedNodeName.
                    p.status.nominated_node.clone().unwrap_or_else(none),
                    none(),
                ],
                &p.meta,
            )
        }
        Kind::Node => {
            let n = store.nodes.get(id)?;
            (
                vec![
                    n.meta.name.clone(),
                    node_status_cell(n),
                    roles(&n.meta.labels),
                    age(&n.meta, now),
                    n.info.kubelet_version.clone(),
                    n.internal_ip.to_string(),
                    none(),
                    or_unknown(&n.info.os_image),
                    or_unknown(&n.info.kernel_version),
                    or_unknown(&n.info.container_runtime_version),
                ],
                &n.meta,
            )
        }
        Kind::Deployment => {
            let d = store.deployments.get(id)?;
            let (c, i) = containers_cells(&d.spec.template.spec);
            (
                vec![
                    d.meta.name.clone(),
                    format!("{}/{}", d.status.ready_replicas, d.spec.replicas),
                    d.status.updated_replicas.to_string(),
                    d.status.available_replicas.to_string(),
                    age(&d.meta, now),
                    c,
                    i,
                    d.spec.selector.to_string(),
                ],
                &d.meta,
            )
        }
        Kind::StatefulSet => {
            let d = store.statefulsets.get(id)?;
            let (c, i) = containers_cells(&d.spec.template.spec);
            (
                vec![
                    d.meta.name.clone(),
                    format!("{}/{}", d.status.ready_replicas, d.spec.replicas),
                    age(&d.meta, now),
                    c,
                    i,
                ],
                &d.meta,
            )
        }
        Kind::ReplicaSet | Kind::ReplicationController => {
            let rs = store.replicasets.get(id)?;
            let (c, i) = containers_cells(&rs.spec.template.spec);
            let selector =
                if rs.legacy_rc {
                    let l =
                        Labels::from_pairs(rs.spec.selector.requirements().iter().map(|r| {
                            (r.key.clone(), r.values.first().cloned().unwrap_or_default())
                        }));
                    l.format()
                } else {
                    rs.spec.selector.format_label_selector()
                };
            (
                vec![
                    rs.meta.name.clone(),
                    rs.spec.replicas.to_string(),
                    rs.status.replicas.to_string(),
                    rs.status.ready_replicas.to_string(),
                    age(&rs.meta, now),
                    c,
                    i,
                    selector,
                ],
                &rs.meta,
            )
        }
        Kind::Service => {
            let s = store.services.get(id)?;
            let cluster_ip = if s.headless {
                "None".to_string()
            } else {
                s.cluster_ip.map(|ip| ip.to_string()).unwrap_or_else(none)
            };
            let external = match s.service_type {
                ServiceType::ClusterIP | ServiceType::NodePort => {
                    if s.external_ips.is_empty() {
                        none()
                    } else {
                        s.external_ips.join(",")
                    }
                }
                ServiceType::LoadBalancer => {
                    let mut v: Vec<String> = s
                        .load_balancer_ip
                        .map(|ip| ip.to_string())
                        .into_iter()
                        .collect();
                    v.extend(s.external_ips.iter().cloned());
                    if v.is_empty() {
                        "<pending>".to_string()
                    } else {
                        v.join(",")
                    }
                }
                ServiceType::ExternalName => s.external_name.clone().unwrap_or_default(),
            };
            let ports: Vec<String> = s
                .ports
                .iter()
                .map(|p| match p.node_port {
                    Some(np) => format!("{}:{}/{}", p.port, np, p.protocol),
                    None => format!("{}/{}", p.port, p.protocol),
                })
                .collect();
            let selector = s.selector.as_ref().map(Labels::format).unwrap_or_else(none);
            (
                vec![
                    s.meta.name.clone(),
                    s.service_type.as_str().to_string(),
                    cluster_ip,
                    external,
                    if ports.is_empty() {
                        none()
                    } else {
                        ports.join(",")
                    },
                    age(&s.meta, now),
                    selector,
                ],
                &s.meta,
            )
        }
        Kind::Namespace => {
            let n = store.namespaces.get(id)?;
            let status = if n.terminating {
                "Terminating"
            } else {
                "Active"
            };
            (
                vec![n.meta.name.clone(), status.to_string(), age(&n.meta, now)],
                &n.meta,
            )
        }
        Kind::ConfigMap => {
            let c = store.configmaps.get(id)?;
            (
                vec![c.meta.name.clone(), c.keys.to_string(), age(&c.meta, now)],
                &c.meta,
            )
        }
        // printPodDisruptionBudget: MIN AVAILABLE and MAX UNAVAILABLE are the IntOrString's
        // String(), `N/A` when unset.
        Kind::PodDisruptionBudget => {
            let b = store.pdbs.get(id)?;
            let cell = |v: Option<crate::model::workload::IntOrPercent>| {
                v.map_or_else(|| "N/A".to_string(), |v| v.to_string())
            };
            (
                vec![
                    b.meta.name.clone(),
                    cell(b.spec.min_available),
                    cell(b.spec.max_unavailable),
                    b.status.disruptions_allowed.to_string(),
                    age(&b.meta, now),
                ],
                &b.meta,
            )
        }
        // printPriorityClass: the value, globalDefault as Go prints a bool, the policy.
        Kind::PriorityClass => {
            let c = store.priorityclasses.get(id)?;
            (
                vec![
                    c.meta.name.clone(),
                    c.value.to_string(),
                    c.global_default.to_string(),
                    age(&c.meta, now),
                    c.preemption_policy.as_str().to_string(),
                ],
                &c.meta,
            )
        }
        Kind::ServiceAccount => {
            let a = store.serviceaccounts.get(id)?;
            (
                vec![
                    a.meta.name.clone(),
                    a.secrets.to_string(),
                    age(&a.meta, now),
                ],
                &a.meta,
            )
        }
        Kind::Secret => {
            let c = store.secrets.get(id)?;
            let t = c.secret_type.clone().unwrap_or_else(|| "Opaque".into());
            (
                vec![
                    c.meta.name.clone(),
                    t,
                    c.keys.to_string(),
                    age(&c.meta, now),
                ],
                &c.meta,
            )
        }
        Kind::DaemonSet => {
            // printDaemonSet: the status counts, the template's nodeSelector
            // (labels.FormatLabels), and for -o wide its containers, images and selector.
            let d = store.daemonsets.get(id)?;
            let st = &d.status;
            let (c, i) = containers_cells(&d.spec.template.spec);
            (
                vec![
                    d.meta.name.clone(),
                    st.desired_number_scheduled.to_string(),
                    st.current_number_scheduled.to_string(),
                    st.number_ready.to_string(),
                    st.updated_number_scheduled.to_string(),
                    st.number_available.to_string(),
                    d.spec.template.spec.node_selector.format(),
                    age(&d.meta, now),
                    c,
                    i,
                    d.spec.selector.format_label_selector(),
                ],
                &d.meta,
            )
        }
        Kind::Job => {
            let j = store.jobs.get(id)?;
            let (c, i) = containers_cells(&j.spec.template.spec);
            let selector = format!("{}={}", crate::model::job::CONTROLLER_UID, j.meta.uid);
            (
                vec![
                    j.meta.name.clone(),
                    job_status_cell(j).to_string(),
                    job_completions_cell(j),
                    job_duration_cell(j, now),
                    age(&j.meta, now),
                    c,
                    i,
                    selector,
                ],
                &j.meta,
            )
        }
        // printCronJob: TIMEZONE and LAST SCHEDULE `<none>` when unset, SUSPEND
        // `printBoolPtr` of the defaulted field; -o wide's SELECTOR is the job template's
        // `spec.selector`, which a CronJob's template leaves unset (`<none>`).
        Kind::CronJob => {
            let cj = store.cronjobs.get(id)?;
            let (c, i) = containers_cells(&cj.spec.job_template.spec.template.spec);
            let last = match cj.status.last_schedule_time {
                Some(t) => translate_timestamp_since(Some(t), now),
                None => "<none>".to_string(),
            };
            let suspend = if cj.spec.suspend { "True" } else { "False" };
            (
                vec![
                    cj.meta.name.clone(),
                    cj.spec.schedule.clone(),
                    cj.spec.time_zone.as_deref().unwrap_or("<none>").to_string(),
                    suspend.to_string(),
                    cj.status.active.len().to_string(),
                    last,
                    age(&cj.meta, now),
                    c,
                    i,
                    "<none>".to_string(),
                ],
                &cj.meta,
            )
        }
        Kind::Event => return None,
    };
    let ns = meta.namespace.map(|n| store.ns_name(n).to_string());
    let mut r = Row::new(cells);
    if let Some(ns) = &ns {
        r = r.namespace(ns.clone());
    }
    r = r.labels(meta.labels.format());
    Some((r, meta.labels.clone(), ns))
}

/// printJob's STATUS, in its precedence order (reference/kubectl-output.md, Jobs).
fn job_status_cell(j: &crate::model::job::Job) -> &'static str {
    use crate::model::job::JobConditionType as T;
    let st = &j.status;
    if st.has(T::Complete) {
        "Complete"
    } else if st.has(T::Failed) {
        "Failed"
    } else if j.meta.deleted.is_some() {
        "Terminating"
    } else if st.has(T::Suspended) {
        "Suspended"
    } else if st.has(T::FailureTarget) {
        "FailureTarget"
    } else {
        "Running"
    }
}

/// printJob's COMPLETIONS: `succeeded/completions`, or for a work queue `succeeded/1`
/// (`succeeded/1 of parallelism` when parallelism > 1).
fn job_completions_cell(j: &crate::model::job::Job) -> String {
    let s = j.status.succeeded;
    match j.spec.completions {
        Some(c) => format!("{s}/{c}"),
        None if j.spec.parallelism > 1 => format!("{s}/1 of {}", j.spec.parallelism),
        None => format!("{s}/1"),
    }
}

/// printJob's DURATION: empty before startTime, then `HumanDuration` of now − start or of
/// completionTime − start, both as kubectl receives them (whole seconds; the running
/// case subtracts from the unrounded clock, as `time.Since` does).
fn job_duration_cell(j: &crate::model::job::Job, now: SimTime) -> String {
    let Some(start) = j.status.start_time else {
        return String::new();
    };
    let secs = |t: SimTime| (t.as_micros() / 1_000_000 * 1_000_000) as i64;
    let micros = match j.status.completion_time {
        Some(end) => secs(end) - secs(start),
        None => now.as_micros() as i64 - secs(start),
    };
    crate::kubectl::age::human_duration(micros)
}

fn or_unknown(s: &str) -> String {
    if s.is_empty() {
        "<unknown>".to_string()
    } else {
        s.to_string()
    }
}

/// `findNodeRoles`: suffixes of `node-role.kubernetes.io/*` labels plus `kubernetes.io/role`.
pub(crate) fn roles(labels: &Labels) -> String {
    let mut roles: Vec<String> = labels
        .iter()
        .filter_map(|(k, v)| {
            if let Some(r) = k.strip_prefix("node-role.kubernetes.io/") {
                Some(r.to_string())
            } else if k == "kubernetes.io/role" && !v.is_empty() {
                Some(v.to_string())
            } else {
                None
            }
        })
        .collect();
    roles.sort();
    roles.dedup();
    if roles.is_empty() {
        "<none>".to_string()
    } else {
        roles.join(",")
    }
}

/// An event's row (`printEvent`).
pub fn event_row(store: &Store, e: &StoredEvent, now: SimTime) -> Row {
    // SOURCE is `component, host` (formatEventSource), the host being the kubelet's node.
    let source = match e.host().and_then(|n| store.nodes.get(n)) {
        Some(node) => format!("{}, {}", e.source, node.meta.name),
        None => e.source.to_string(),
    };
    // printEvent: LAST SEEN is `lastTimestamp` (a metav1.Time, whole seconds) for the core/v1
    // events the kubelet and the controllers record, and the events.k8s.io `eventTime` (a
    // MicroTime) for the scheduler's, whose lastTimestamp is zero.
    let last_seen = if e.source == crate::scheduler::SCHEDULER_NAME {
        crate::kubectl::age::translate_micro_timestamp_since(e.time, now)
    } else {
        translate_timestamp_since(Some(e.time), now)
    };
    Row::new(vec![
        last_seen.clone(),
        e.type_str().to_string(),
        e.reason.to_string(),
        format!("{}/{}", e.kind.lower(), e.object()),
        String::new(),
        source,
        e.message.trim().to_string(),
        last_seen,
        "1".to_string(),
        e.name(),
    ])
    .namespace(e.namespace.to_string())
}

/// Builds an empty table for a kind.
pub fn table(kind: Kind) -> Table {
    Table::new(columns(kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_follow_find_node_roles() {
        // reference §4: suffixes of node-role.kubernetes.io/* plus kubernetes.io/role, sorted.
        let l = Labels::from_pairs([
            ("kubernetes.io/role".to_string(), "agent".to_string()),
            ("node-role.kubernetes.io/agent".to_string(), String::new()),
        ]);
        assert_eq!(roles(&l), "agent");
        assert_eq!(roles(&Labels::default()), "<none>");
        let cp = Labels::from_pairs([
            (
                "node-role.kubernetes.io/control-plane".to_string(),
                String::new(),
            ),
            ("node-role.kubernetes.io/master".to_string(), String::new()),
        ]);
        assert_eq!(roles(&cp), "control-plane,master");
    }

    #[test]
    fn restarts_show_how_long_ago_the_last_run_finished() {
        // reference §3.3 (printPod, PR #100142): `5 (42s ago)` from the latest
        // lastState.terminated.finishedAt; a pod that never restarted prints the bare count.
        use crate::model::pod::{ContainerState, PodStatus, Terminated};
        use crate::output::metrics::tests::{cs, pod};
        let mut c = cs(ContainerState::Waiting("CrashLoopBackOff"), false, 5);
        c.last_state = Some(Terminated {
            reason: "Error",
            exit_code: 1,
            finished: SimTime(100_400_000),
        });
        let p = pod(
            "web",
            0,
            1,
            PodStatus {
                containers: vec![c],
                ..PodStatus::default()
            },
        );
        assert_eq!(restarts_cell(&p, SimTime(142_900_000)), "5 (42s ago)");
        let fresh = pod("web", 0, 1, PodStatus::default());
        assert_eq!(restarts_cell(&fresh, SimTime(142_900_000)), "0");
    }

    #[test]
    fn job_cells_follow_print_job() {
        // printJob (reference/kubectl-output.md, Jobs): COMPLETIONS `s/c`, `s/1 of P` for a
        // work queue with parallelism > 1; STATUS Complete before Failed before
        // Terminating; DURATION completionTime − startTime in whole seconds, empty before
        // startTime.
        use crate::model::job::{
            CompletionMode, Job, JobCondition, JobConditionType as T, JobSpec, JobStatus,
        };
        use crate::model::workload::PodTemplate;
        let cond = |kind| JobCondition {
            kind,
            reason: "",
            message: "",
            since: SimTime::ZERO,
        };
        let mut j = Job {
            meta: Meta::new("pi".into(), None, Labels::default()),
            spec: JobSpec {
                parallelism: 3,
                completions: None,
                backoff_limit: 6,
                active_deadline_seconds: None,
                ttl_seconds_after_finished: None,
                completion_mode: CompletionMode::NonIndexed,
                suspend: false,
                template: std::sync::Arc::new(PodTemplate {
                    annotations: Default::default(),
                    labels: Labels::default(),
                    spec: crate::etcd::store::testing::spec(100),
                }),
            },
            status: JobStatus::default(),
        };
        assert_eq!(job_completions_cell(&j), "0/1 of 3");
        assert_eq!(job_status_cell(&j), "Running");
        assert_eq!(job_duration_cell(&j, SimTime(9_000_000)), "");
        j.spec.parallelism = 1;
        assert_eq!(job_completions_cell(&j), "0/1");
        j.spec.completions = Some(5);
        j.status.succeeded = 2;
        assert_eq!(job_completions_cell(&j), "2/5");
        j.status.start_time = Some(SimTime(1_900_000));
        j.status.completion_time = Some(SimTime(47_100_000));
        assert_eq!(job_duration_cell(&j, SimTime(900_000_000)), "46s");
        j.meta.deleted = Some(SimTime::ZERO);
        assert_eq!(job_status_cell(&j), "Terminating");
        j.status.conditions = vec![cond(T::FailureTarget), cond(T::Failed)];
        assert_eq!(job_status_cell(&j), "Failed");
        j.status.conditions = vec![cond(T::SuccessCriteriaMet), cond(T::Complete)];
        assert_eq!(job_status_cell(&j), "Complete");
    }
}
