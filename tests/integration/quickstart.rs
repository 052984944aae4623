//! The bundled quickstart: the AKS chapter's flow, checked against kubectl's documented
//! output (reference/kubectl-output.md) and Kubernetes' event texts.

use super::support::{block, root, run_file};

#[test]
fn quickstart_completes_and_every_expectation_holds() {
    let r = run_file(&root().join("scenarios/quickstart.yaml"), &[]);
    assert_eq!(r.code, 0, "stderr: {}\nstdout: {}", r.stderr, r.stdout);
    for f in [
        "events.csv",
        "timeline.csv",
        "transcript.txt",
        "summary.json",
    ] {
        assert!(r.out.join(f).exists(), "{f} written");
    }
    // CONTRACT §3: one line per expectation on stdout after the transcript.
    assert_eq!(
        r.stdout.lines().filter(|l| l.starts_with("PASS  ")).count(),
        5
    );
}

#[test]
fn quickstart_prints_what_kubectl_prints() {
    let r = run_file(&root().join("scenarios/quickstart.yaml"), &[]);
    let t = r.file("transcript.txt");
    // reference §6.1, name printer: `run` → `pod/<name> created`; apply of new objects →
    // `<kind>[.<group>]/<name> created`.
    assert_eq!(
        block(
            &t,
            "kubectl run webserver --restart=Never --image nginx --port 80"
        ),
        ["pod/webserver created"]
    );
    assert_eq!(
        block(
            &t,
            "kubectl apply -f manifests/nginx-deployment-and-services.yaml"
        ),
        [
            "deployment.apps/nginx-server created",
            "service/nginx-service created",
            "service/nginx-lb created"
        ]
    );
    assert_eq!(
        block(&t, "kubectl scale deployment/nginx-server --replicas=3"),
        ["deployment.apps/nginx-server scaled"]
    );
    // reference §6.2, kubectl ≥ 1.34: `pod "web" deleted from default namespace`.
    assert_eq!(
        block(&t, "kubectl delete pod webserver"),
        [r#"pod "webserver" deleted from default namespace"#]
    );
    // reference §1.4 Nodes: NAME STATUS ROLES AGE VERSION; AKS nodes are Ready with role
    // `agent` (aks-nodes §4.4), named aks-<pool>-<8 digits>-vmss<6> (CONTRACT §6).
    let nodes = block(&t, "kubectl get nodes");
    assert_eq!(nodes.len(), 3);
    let header: Vec<&str> = nodes[0].split_whitespace().collect();
    assert_eq!(header, ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]);
    for (i, row) in nodes[1..].iter().enumerate() {
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert!(
            cells[0].starts_with("aks-nodepool1-") && cells[0].ends_with(&format!("-vmss00000{i}")),
            "{row}"
        );
        assert_eq!(
            cells[0].len(),
            "aks-nodepool1-".len() + 8 + "-vmss000000".len()
        );
        assert_eq!(&cells[1..4], ["Ready", "agent", "0s"]);
    }
    // reference §1.4 Deployments: READY = readyReplicas/spec.replicas.
    let dep = block(&t, "kubectl get deployment nginx-server");
    assert_eq!(
        dep[0].split_whitespace().collect::<Vec<_>>(),
        ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    );
    assert_eq!(
        dep[1].split_whitespace().take(4).collect::<Vec<_>>(),
        ["nginx-server", "6/6", "6", "6"]
    );
    // reference §1.4 Services: a provisioned LoadBalancer shows its ingress IP and
    // `port:nodePort/protocol`, with nodePort in 30000–32767 (facts B.13).
    let svc = block(&t, "kubectl get service nginx-lb");
    let cells: Vec<&str> = svc[1].split_whitespace().collect();
    assert_eq!(cells[1], "LoadBalancer");
    assert!(
        cells[2].starts_with("10.0."),
        "ClusterIP from serviceCidr 10.0.0.0/16: {}",
        cells[2]
    );
    assert_ne!(cells[3], "<pending>");
    let node_port: u32 = cells[4]
        .trim_start_matches("80:")
        .trim_end_matches("/TCP")
        .parse()
        .expect("nodePort");
    assert!((30000..=32767).contains(&node_port));
    // `get pods --all-namespaces` prepends NAMESPACE (reference §1.1 rule 4) and lists AKS's
    // system pods in kube-system (CONTRACT §7).
    let all = block(&t, "kubectl get pods --all-namespaces");
    assert!(all[0].starts_with("NAMESPACE"));
    assert!(
        all.iter()
            .any(|l| l.starts_with("kube-system") && l.contains("coredns-"))
    );
    assert!(
        all.iter()
            .any(|l| l.starts_with("kube-system") && l.contains("kube-proxy-"))
    );
}

#[test]
fn quickstart_events_use_kubernetes_reasons_and_messages() {
    let r = run_file(&root().join("scenarios/quickstart.yaml"), &[]);
    let ev = r.events();
    let find = |reason: &str| ev.iter().filter(|e| e[6] == reason).collect::<Vec<_>>();
    // scheduler finishBinding: `Successfully assigned %v/%v to %v`, source default-scheduler.
    let scheduled = find("Scheduled");
    assert_eq!(scheduled.len(), 8, "webserver, webserver-2 and 6 replicas");
    for e in &scheduled {
        assert_eq!(e[7], "default-scheduler");
        assert!(
            e[8].starts_with(&format!(
                "Successfully assigned default/{} to aks-nodepool1-",
                e[4]
            )),
            "{:?}",
            e
        );
    }
    // ReplicaSet controller: `Created pod: %v` (controller_utils.go RealPodControl).
    let created = find("SuccessfulCreate");
    assert_eq!(created.len(), 6);
    assert!(
        created
            .iter()
            .all(|e| e[3] == "replicaset" && e[8].starts_with("Created pod: nginx-server-"))
    );
    // Deployment controller 1.31+: `Scaled up replica set %s from 0 to %d`, later down to 3.
    let scaling = find("ScalingReplicaSet");
    assert!(
        scaling[0][8].starts_with("Scaled up replica set nginx-server-")
            && scaling[0][8].ends_with(" from 0 to 6")
    );
    assert!(
        scaling
            .iter()
            .any(|e| e[8].ends_with(" from 6 to 3") && e[8].starts_with("Scaled down"))
    );
    // kubelet 1.35 texts: `Pulling image "nginx"`, `Container created`, `Container started`,
    // `Stopping container <name>` on deletion.
    assert!(
        find("Pulling")
            .iter()
            .all(|e| e[8] == r#"Pulling image "nginx""# && e[7] == "kubelet")
    );
    assert_eq!(find("Created").len(), 8);
    assert!(find("Started").iter().all(|e| e[8] == "Container started"));
    assert!(
        find("Killing")
            .iter()
            .any(|e| e[4] == "webserver" && e[8] == "Stopping container webserver")
    );
    // service controller: Ensuring then Ensured load balancer.
    assert_eq!(find("EnsuringLoadBalancer").len(), 1);
    assert_eq!(find("EnsuredLoadBalancer").len(), 1);
}

#[test]
fn kubelet_pulls_images_one_at_a_time_per_node() {
    // serializeImagePulls defaults to true (facts A.3): on one node a pull starts only when
    // the previous one ended, so "including waiting" ≥ the pull itself and pull intervals
    // never overlap.
    let r = run_file(&root().join("scenarios/quickstart.yaml"), &[]);
    let ev = r.events();
    for e in ev
        .iter()
        .filter(|e| e[6] == "Pulled" && e[8].starts_with("Successfully pulled"))
    {
        let msg = &e[8];
        let pull = go_secs(
            msg.split(" in ")
                .nth(1)
                .and_then(|s| s.split(' ').next())
                .unwrap_or(""),
        );
        let waited = go_secs(
            msg.split('(')
                .nth(1)
                .and_then(|s| s.split(' ').next())
                .unwrap_or(""),
        );
        assert!(waited >= pull, "{msg}");
    }
}

fn go_secs(s: &str) -> f64 {
    if let Some(ms) = s.strip_suffix("ms") {
        return ms.parse::<f64>().unwrap_or(0.0) / 1000.0;
    }
    if let Some((m, rest)) = s.split_once('m') {
        return m.parse::<f64>().unwrap_or(0.0) * 60.0 + go_secs(rest);
    }
    s.trim_end_matches('s').parse().unwrap_or(0.0)
}

#[test]
fn every_bundled_scenario_validates() {
    for entry in std::fs::read_dir(root().join("scenarios")).expect("scenarios/") {
        let p = entry.expect("entry").path();
        if p.extension().is_some_and(|e| e == "yaml") {
            let o = std::process::Command::new(super::support::bin())
                .arg("validate")
                .arg(&p)
                .output()
                .expect("validate");
            assert!(
                o.status.success(),
                "{}: {}",
                p.display(),
                String::from_utf8_lossy(&o.stderr)
            );
        }
    }
}

/// The course's scenarios (every bundled one but the `scale-*` benchmarks and the 30,000-pod
/// `burst-30k`, which have their own tests) pass their expectations: a run exits 0 only
/// when every expectation passed.
#[test]
fn every_bundled_lab_passes_its_expectations() {
    let mut ran = 0;
    for entry in std::fs::read_dir(root().join("scenarios")).expect("scenarios/") {
        let p = entry.expect("entry").path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !name.ends_with(".yaml") || name.starts_with("scale-") || name == "burst-30k.yaml" {
            continue;
        }
        let r = run_file(&p, &["--quiet"]);
        assert_eq!(r.code, 0, "{name}: {}{}", r.stdout, r.stderr);
        assert!(!r.stderr.contains("FAIL"), "{name}: {}", r.stderr);
        ran += 1;
    }
    assert!(ran >= 2, "quickstart and self-healing at least");
}

#[test]
fn the_quickstart_keeps_the_invariants_after_every_event() {
    let r = run_file(
        &root().join("scenarios/quickstart.yaml"),
        &["--check-invariants", "--quiet"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}
