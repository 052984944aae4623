#!/usr/bin/env python3
"""Writes the scalability-envelope workload for kubesim and for Kubernetriks, and kubesim's
scenarios/scale-5k.yaml.

The workload (results/BENCHMARKS.md, "Side by side with Kubernetriks"): N nodes of 16 vCPU /
64 GiB, 30 pods per node requesting 500m CPU and 1Gi memory, created evenly over the first
600 s of virtual time, and a run long enough for every pod to be running.

    python3 tools/envelope.py kubesim NODES DIR       # DIR/envelope-NODES.yaml + manifests/
    python3 tools/envelope.py kubernetriks NODES DIR  # DIR/config.yaml, cluster.yaml, workload.yaml
    python3 tools/envelope.py scale-5k DIR            # DIR/scale-5k.yaml + manifests/

How each simulator is given the same workload:

- kubesim: an AKS cluster (Standard tier, Azure CNI Overlay, pod CIDR 10.128.0.0/11, pools of
  at most 1,000 Standard_D16ds_v5 nodes across zones 1-3) and Deployments of 1,000 replicas
  applied at t=0. The ReplicaSet controller creates pods as fast as kube-controller-manager's
  client allows, so `controllerManagerQps` is set to pods / 600 s: the creations are spread
  evenly over 600 s, as the trace below spreads them. The scheduler binds at its client's
  50 QPS, so at 5,000 nodes the last pods bind about 3,000 s in; the run lasts the horizon
  below and expects every pod Running by then.
- Kubernetriks (jellythefish/kubernetriks, generic trace format, src/trace/generic.rs): the
  same N nodes as `default_cluster` (cpu 16000 millicores, ram 64 GiB) and one CreatePod per
  pod at i * 600 / pods seconds. Its main program runs until every pod of the trace has
  finished (RunUntilAllPodsAreFinishedCallbacks, checked at multiples of 1,000 s), so each
  pod runs until 100 s before the horizon: both simulators cover the same virtual time with
  every pod alive to the end.

The horizon is the smallest multiple of 1,000 s that leaves 300 s after the last binding at
50 per second: 1,000 s up to 1,000 nodes, 4,000 s at 5,000.

Python 3.11, standard library only.
"""

import math
import os
import sys

PODS_PER_NODE = 30
ARRIVAL_S = 600
POOL_MAX = 1000
REPLICAS = 1000
SCHEDULER_QPS = 50
VM_SIZE = "Standard_D16ds_v5"
IMAGE = "mcr.microsoft.com/azurelinux/base/nginx:1.25"
IMAGE_V2 = "mcr.microsoft.com/azurelinux/base/nginx:1.26"
GIB = 1 << 30


def horizon_s(nodes: int) -> int:
    """Virtual seconds both simulators run for `nodes` nodes."""
    pods = nodes * PODS_PER_NODE
    busy = max(ARRIVAL_S, pods / SCHEDULER_QPS) + 300
    return int(math.ceil(busy / 1000.0)) * 1000


def pools(nodes: int) -> list[tuple[str, str, int]]:
    """(name, mode, count): as few pools as AKS's 1,000-node limit allows, the first System."""
    out = []
    left = nodes
    i = 0
    while left > 0:
        n = min(POOL_MAX, left)
        out.append((f"pool{i + 1}", "System" if i == 0 else "User", n))
        left -= n
        i += 1
    return out


def fnv1a32(text: str) -> int:
    """32-bit FNV-1a, as kubesim hashes `<cluster>/<pool>` for node names."""
    h = 0x811C9DC5
    for b in text.encode():
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def base36(n: int, width: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    s = ""
    while n:
        n, r = divmod(n, 36)
        s = digits[r] + s
    return s.rjust(width, "0")


def node_name(cluster: str, pool: str, index: int) -> str:
    """kubesim's node name (docs/scenario.md#names): aks-<pool>-<8 digits>-vmss<base 36>."""
    digits = fnv1a32(f"{cluster}/{pool}") % 100_000_000
    return f"aks-{pool}-{digits:08d}-vmss{base36(index, 6)}"


def deployments(count: int, prefix: str, cpu: str = "500m", memory: str = "1Gi") -> str:
    """`count` Deployments of REPLICAS pods requesting `cpu` and `memory` each."""
    docs = []
    for i in range(count):
        name = f"{prefix}-{i:03d}"
        docs.append(
            f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: {REPLICAS}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
      - name: web
        image: {IMAGE}
        resources:
          requests:
            cpu: {cpu}
            memory: {memory}
"""
        )
    return "---\n".join(docs)


def available(count: int, within: str) -> str:
    """One expectation per Deployment: all its replicas available by `within`."""
    return "".join(
        f"- within: {within}\n  that: deployment/web-{i:03d} available_replicas == {REPLICAS}\n"
        for i in range(count)
    )


def cluster_yaml(name: str, nodes: int, qps: int, scheduler_qps: int = SCHEDULER_QPS) -> str:
    lines = [
        "cluster:",
        f"  name: {name}",
        "  tier: standard",
        "  networkPlugin: azure",
        "  networkPluginMode: overlay",
        "  podCidr: 10.128.0.0/11",
        "  vnetSubnetCidr: 10.224.0.0/16",
        f"  controlPlane: {{controllerManagerQps: {qps}, controllerManagerBurst: {qps}"
        + (
            f", schedulerQps: {scheduler_qps}, schedulerBurst: {scheduler_qps}}}"
            if scheduler_qps != SCHEDULER_QPS
            else "}"
        ),
        "  nodePools:",
    ]
    for pool, mode, count in pools(nodes):
        lines += [
            f"  - name: {pool}",
            f"    mode: {mode}",
            f"    count: {count}",
            f"    vmSize: {VM_SIZE}",
            "    zones: [1, 2, 3]",
        ]
    return "\n".join(lines) + "\n"


def write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def kubesim(nodes: int, out: str) -> None:
    pods = nodes * PODS_PER_NODE
    if pods % REPLICAS:
        sys.exit(f"error: {nodes} nodes: {pods} pods is not a multiple of {REPLICAS}")
    name = f"envelope-{nodes}"
    h = horizon_s(nodes)
    qps = max(1, pods // ARRIVAL_S)
    manifest = f"manifests/{name}-deployments.yaml"
    write(os.path.join(out, manifest), deployments(pods // REPLICAS, "web"))
    scenario = f"""# Generated by tools/envelope.py: {nodes} nodes, {pods} pods created over {ARRIVAL_S} s.
version: 1
name: {name}
seed: 1
duration: {h}s
{cluster_yaml(name, nodes, qps)}steps:
- at: 0s
  run: kubectl apply -f {manifest}
expect:
{available(pods // REPLICAS, f"{h - 10}s")}"""
    write(os.path.join(out, f"{name}.yaml"), scenario)


def kubernetriks(nodes: int, out: str) -> None:
    pods = nodes * PODS_PER_NODE
    h = horizon_s(nodes)
    out = os.path.abspath(out)
    config = f"""sim_name: "envelope-{nodes}"
seed: 1
logs_filepath: "{out}/kubernetriks.log"
metrics_printer:
  format: !PrettyTable
  output_file: {out}/metrics.txt
horizontal_pod_autoscaler:
  enabled: false
  type: kube_horizontal_pod_autoscaler
cluster_autoscaler:
  enabled: false
  type: kube_cluster_autoscaler
  max_node_count: 0
  node_groups: []
trace_config:
  generic_trace:
    workload_trace_path: {out}/workload.yaml
    cluster_trace_path: {out}/cluster.yaml
default_cluster:
- node_count: {nodes}
  node_template:
    metadata:
      name: node_16cpu_64gb
    status:
      capacity:
        cpu: 16000
        ram: {64 * GIB}
scheduling_cycle_interval: 10.0
enable_unscheduled_pods_conditional_move: false
as_to_ps_network_delay: 0.050
ps_to_sched_network_delay: 0.089
sched_to_as_network_delay: 0.023
as_to_node_network_delay: 0.152
as_to_ca_network_delay: 0.67
as_to_hpa_network_delay: 0.50
"""
    write(os.path.join(out, "config.yaml"), config)
    write(os.path.join(out, "cluster.yaml"), "events: []\n")
    # Its metrics collector writes experiments/gauge_metrics.csv under the working folder.
    os.makedirs(os.path.join(out, "experiments"), exist_ok=True)
    res = f"{{cpu: 500, ram: {GIB}}}"
    with open(os.path.join(out, "workload.yaml"), "w", encoding="utf-8") as f:
        f.write("events:\n")
        for i in range(pods):
            t = i * ARRIVAL_S / pods
            run = h - 100 - t
            f.write(
                f"- {{timestamp: {t!r}, event_type: !CreatePod {{pod: {{metadata: {{name: pod_{i}}}, "
                f"spec: {{resources: {{requests: {res}, limits: {res}}}, running_duration: {run!r}}}}}}}}}\n"
            )


# scale-5k's clients: Kubernetes' own 5,000-node scalability jobs run kube-controller-manager
# and kube-scheduler with --kube-api-qps=100 --kube-api-burst=100 (kubernetes/test-infra).
SCALE_QPS = 100
# scale-5k's pods request 250m / 512Mi: 30 per Standard_D16ds_v5 node leave room for a 25%
# surge beside AKS's DaemonSet pods, as a cluster sized for rolling updates does (with
# 500m / 1Gi the nodes are full and a rollout proceeds only as old pods go).
SCALE_CPU, SCALE_MEMORY = "250m", "512Mi"


def scale_5k(out: str) -> None:
    """5,000 nodes, 150,000 pods in 150 Deployments, a rolling update of each, 5% of nodes lost."""
    nodes = 5000
    name = "scale-5k"
    count = nodes * PODS_PER_NODE // REPLICAS
    manifest = f"manifests/{name}-deployments.yaml"
    write(
        os.path.join(out, manifest),
        deployments(count, "web", SCALE_CPU, SCALE_MEMORY),
    )
    steps = [f"- at: 10s\n  run: kubectl apply -f {manifest}\n"]
    # 150,000 creates at 100 QPS take 25 minutes; the rolling update's creates and deletes
    # about 50 more.
    for i in range(count):
        steps.append(f"- at: 30m\n  run: kubectl set image deployment/web-{i:03d} web={IMAGE_V2}\n")
    lost = []
    for pool, _, pool_count in pools(nodes):
        # 5% of each pool, spread over its instances (and so over the zones).
        for k in range(pool_count // 20):
            lost.append(node_name(name, pool, k * 20))
    for n in lost:
        steps.append(f"- at: 90m\n  run: kubesim node fail {n}\n")
    scenario = f"""# Generated by tools/envelope.py scale-5k: Kubernetes' scalability envelope on AKS.
# 5,000 Standard_D16ds_v5 nodes (Standard tier allows 5,000) in five pools of 1,000 (AKS's pool
# limit) across zones 1-3, Azure CNI Overlay with a /11 pod CIDR (8,192 node /24s), the
# controller manager and the scheduler at 100 QPS / 100 burst as in Kubernetes' own 5,000-node
# tests. At 10s 150 Deployments of 1,000 replicas ({SCALE_CPU}, {SCALE_MEMORY} each) are applied. At 30m
# every Deployment's image changes (a rolling update with the default 25% surge and
# unavailability); at 90m 5% of the nodes (250, 50 per pool) stop: after the grace period they
# are tainted unreachable at the node lifecycle controller's eviction rate, their pods are
# evicted 300 s later and replaced. Expect every Deployment fully available by 30m and again
# at the end. See results/BENCHMARKS.md for the figures.
version: 1
name: {name}
seed: 1
duration: 2h
{cluster_yaml(name, nodes, SCALE_QPS, SCALE_QPS)}steps:
{"".join(steps)}expect:
{available(count, "30m")}{available_at_end(count)}"""
    write(os.path.join(out, f"{name}.yaml"), scenario)


def available_at_end(count: int) -> str:
    """One expectation per Deployment: all its replicas available a minute before the end."""
    return "".join(
        f"- at: 119m\n  that: deployment/web-{i:03d} available_replicas == {REPLICAS}\n"
        for i in range(count)
    )


def main(argv: list[str]) -> None:
    usage = "usage: envelope.py kubesim|kubernetriks NODES DIR | envelope.py scale-5k DIR"
    if len(argv) == 3 and argv[0] in ("kubesim", "kubernetriks"):
        try:
            nodes = int(argv[1])
        except ValueError:
            sys.exit(f"error: NODES must be a number, got {argv[1]!r}\n{usage}")
        if not 1 <= nodes <= 5000:
            sys.exit(f"error: NODES must be 1 to 5000, got {nodes}")
        (kubesim if argv[0] == "kubesim" else kubernetriks)(nodes, argv[2])
    elif len(argv) == 2 and argv[0] == "scale-5k":
        scale_5k(argv[1])
    else:
        sys.exit(usage)


if __name__ == "__main__":
    main(sys.argv[1:])
