//! `describeService` and `describeNamespace` (kubectl-output reference §5.6; `describe.go`).
//!
//! kubesim has no EndpointSlice objects yet: `Endpoints:` lists what the EndpointSlice
//! controller would publish by now — the ready, not terminating pods the selector matches,
//! ordered by address — as if it had no delay.

use super::pod::namespace;
use super::{View, Writer};
use crate::model::kind::Kind;
use crate::model::service::ServiceType;
use std::net::Ipv4Addr;

pub(super) fn describe(v: &View<'_>, w: &mut Writer, id: u32) -> Option<()> {
    let s = v.store.services.get(id)?;
    let meta = &s.meta;
    w.line(0, &format!("Name:\t{}", meta.name));
    w.line(0, &format!("Namespace:\t{}", namespace(v, meta)));
    w.labels(0, "Labels", &meta.labels);
    w.annotations(0, &[]);
    let selector = match &s.selector {
        Some(l) if !l.is_empty() => l.format(),
        _ => "<none>".to_string(),
    };
    w.line(0, &format!("Selector:\t{selector}"));
    w.line(0, &format!("Type:\t{}", s.service_type.as_str()));
    let ip = if s.headless {
        Some("None".to_string())
    } else {
        s.cluster_ip.map(|ip| ip.to_string())
    };
    match &ip {
        // The API server defaults a single-stack IPv4 policy for every Service with a
        // cluster IP (ExternalName has none).
        Some(ip) => {
            w.line(0, "IP Family Policy:\tSingleStack");
            w.line(0, "IP Families:\tIPv4");
            w.line(0, &format!("IP:\t{ip}"));
            w.line(0, &format!("IPs:\t{ip}"));
        }
        None => {
            w.line(0, "IP Families:\t<none>");
            w.line(0, "IP:\t");
            w.line(0, "IPs:\t<none>");
        }
    }
    if !s.external_ips.is_empty() {
        w.line(0, &format!("External IPs:\t{}", s.external_ips.join(",")));
    }
    if let Some(name) = &s.external_name {
        w.line(0, &format!("External Name:\t{name}"));
    }
    if let Some(lb) = s.load_balancer_ip {
        // ipMode defaults to VIP (LoadBalancerIPMode, GA in 1.32).
        w.line(0, &format!("LoadBalancer Ingress:\t{lb} (VIP)"));
    }
    let endpoints = ready_endpoints(v, s);
    for p in &s.ports {
        let name = p.name.as_deref().unwrap_or("<unset>");
        w.line(0, &format!("Port:\t{name}\t{}/{}", p.port, p.protocol));
        w.line(0, &format!("TargetPort:\t{}/{}", p.target_port, p.protocol));
        if let Some(np) = p.node_port {
            w.line(0, &format!("NodePort:\t{name}\t{np}/{}", p.protocol));
        }
        let text = match &endpoints {
            None => "<none>".to_string(),
            Some(ips) => {
                let port = p.target_port.parse::<i32>().ok();
                let all: Vec<String> = ips
                    .iter()
                    .map(|ip| match port {
                        Some(port) => format!("{ip}:{port}"),
                        None => ip.to_string(),
                    })
                    .collect();
                let mut text = all.iter().take(3).cloned().collect::<Vec<_>>().join(",");
                if all.len() > 3 {
                    text.push_str(&format!(" + {} more...", all.len() - 3));
                }
                text
            }
        };
        w.line(0, &format!("Endpoints:\t{text}"));
    }
    if s.service_type != ServiceType::ExternalName {
        w.line(0, "Session Affinity:\tNone");
    }
    if matches!(
        s.service_type,
        ServiceType::NodePort | ServiceType::LoadBalancer
    ) {
        w.line(0, "External Traffic Policy:\tCluster");
    }
    if s.service_type != ServiceType::ExternalName {
        w.line(0, "Internal Traffic Policy:\tCluster");
    }
    w.events(v, Kind::Service, meta);
    Some(())
}

/// The addresses of the ready pods a Service selects; None for a Service without a selector
/// (it has no EndpointSlices).
fn ready_endpoints(v: &View<'_>, s: &crate::model::service::Service) -> Option<Vec<Ipv4Addr>> {
    let selector = s.selector.as_ref()?;
    let ns = s.meta.namespace;
    let mut ips: Vec<Ipv4Addr> = v
        .store
        .pods
        .iter()
        .map(|(_, p)| p)
        .filter(|p| p.meta.namespace == ns && p.meta.deleted.is_none() && p.is_ready())
        .filter(|p| p.meta.labels.is_superset_of(selector))
        .filter_map(|p| p.status.pod_ip)
        .collect();
    ips.sort();
    Some(ips)
}

pub(super) fn namespace_describe(v: &View<'_>, w: &mut Writer, id: u32) -> Option<()> {
    let n = v.store.namespaces.get(id)?;
    w.line(0, &format!("Name:\t{}", n.meta.name));
    w.labels(0, "Labels", &n.meta.labels);
    w.annotations(0, &[]);
    let phase = if n.terminating {
        "Terminating"
    } else {
        "Active"
    };
    w.line(0, &format!("Status:\t{phase}"));
    w.line(0, "");
    w.line(0, "No resource quota.");
    w.line(0, "");
    w.line(0, "No LimitRange resource.");
    Some(())
}
