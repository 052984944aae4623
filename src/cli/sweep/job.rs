//! `kubesim sweep … --emit-job`: the sweep as a Kubernetes Indexed Job (docs/sweeps.md#on-aks).
//!
//! Each of the Job's `completions` pods runs one shard: the Job controller gives an Indexed
//! Job's pod its index as the `JOB_COMPLETION_INDEX` environment variable, and the kubelet
//! expands `$(JOB_COMPLETION_INDEX)` in `args` from it, so pod I runs `--shard I/N` and writes
//! to `RESULTS/shard-I` on a shared PersistentVolumeClaim. The pod runs as non-root with a
//! read-only root filesystem and no privilege escalation; only the claim is writable.

/// What the Job needs beyond the sweep's own flags.
#[derive(Debug)]
pub struct JobSpec<'a> {
    /// The Job's name.
    pub name: String,
    /// The container image holding `kubesim` as its entrypoint and the scenario files.
    pub image: &'a str,
    /// Shards = the Job's completions.
    pub shards: usize,
    /// Pods at once.
    pub parallelism: usize,
    /// The PersistentVolumeClaim the shards write to.
    pub claim: &'a str,
    /// Where the claim is mounted.
    pub results: &'a str,
    /// Threads per pod: `--jobs` and the CPU request.
    pub jobs: usize,
    /// `kubesim sweep`'s own arguments: the scenario, `--seeds`, every `--set` and
    /// `--max-live-pods`, as given.
    pub sweep_args: Vec<String>,
}

/// A Job name from the scenario's: `sweep-NAME`, lower-case letters, digits and `-`, short
/// enough that the pods' hostnames (`NAME-INDEX`) stay within a 63-character DNS label.
pub fn job_name(scenario: &str) -> String {
    let cleaned: String = scenario
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_alphanumeric() { c } else { '-' }
        })
        .collect();
    let mut name = format!("sweep-{cleaned}");
    name.truncate(50);
    name.trim_end_matches('-').to_string()
}

/// The PersistentVolumeClaim and the Job, as one YAML stream.
pub fn yaml(spec: &JobSpec<'_>) -> String {
    // ok: serialising a str cannot fail.
    let q = |s: &str| serde_json::to_string(s).expect("a string serialises");
    let mut args: Vec<String> = vec!["sweep".into()];
    args.extend(spec.sweep_args.iter().cloned());
    args.extend([
        "--shard".into(),
        format!("$(JOB_COMPLETION_INDEX)/{}", spec.shards),
        "--out".into(),
        format!(
            "{}/shard-$(JOB_COMPLETION_INDEX)",
            spec.results.trim_end_matches('/')
        ),
        "--jobs".into(),
        spec.jobs.to_string(),
        "--quiet".into(),
    ]);
    let args: String = args
        .iter()
        .map(|a| format!("        - {}\n", q(a)))
        .collect();
    format!(
        "# kubesim sweep as an Indexed Job: pod I runs shard I of {shards} and writes {results}/shard-I.
# kubectl apply -f this file; when the Job is Complete, copy {results} out and run
# kubesim sweep merge on the shard folders (README.md, Sweeps).
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: {claim}
spec:
  accessModes: [ReadWriteMany]
  storageClassName: azurefile-csi
  resources:
    requests:
      storage: 1Gi
---
apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
  labels:
    app.kubernetes.io/name: kubesim-sweep
spec:
  completionMode: Indexed
  completions: {shards}
  parallelism: {parallelism}
  backoffLimit: {backoff}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: kubesim-sweep
    spec:
      restartPolicy: Never
      securityContext:
        runAsNonRoot: true
        runAsUser: 65532
        runAsGroup: 65532
        fsGroup: 65532
        seccompProfile:
          type: RuntimeDefault
      containers:
      - name: sweep
        image: {image}
        args:
{args}        resources:
          requests:
            cpu: \"{jobs}\"
            memory: 1Gi
          limits:
            memory: 1Gi
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities:
            drop: [ALL]
        volumeMounts:
        - name: results
          mountPath: {results_q}
      volumes:
      - name: results
        persistentVolumeClaim:
          claimName: {claim}
",
        shards = spec.shards,
        results = spec.results,
        results_q = q(spec.results),
        claim = spec.claim,
        name = spec.name,
        parallelism = spec.parallelism,
        // One retry per shard on average before the Job fails.
        backoff = spec.shards,
        image = q(spec.image),
        jobs = spec.jobs,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_name_is_a_short_dns_label() {
        assert_eq!(job_name("node-failure"), "sweep-node-failure");
        assert_eq!(job_name("My_Scenario"), "sweep-my-scenario");
        let long = job_name(&"x".repeat(80));
        assert_eq!(long.len(), 50);
        assert_eq!(
            job_name(&format!("{}-y", "a".repeat(43))),
            format!("sweep-{}", "a".repeat(43))
        );
    }
}
