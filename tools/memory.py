#!/usr/bin/env python3
"""Measures kubesim's memory per pod: peak RSS with and without the envelope's pods.

For each node count N it writes two scenarios with tools/envelope.py's cluster (N nodes of
Standard_D16ds_v5, the same horizon): one with 30 pods per node in Deployments of 1,000
replicas, one with no Deployment at all, and runs both under `/usr/bin/time -v`. The
difference of the two peaks, divided by the user pods, is the memory per pod with the nodes,
their DaemonSet pods and everything else that does not grow with the pods taken out.

    python3 tools/memory.py KUBESIM NODES [NODES ...] [--outputs LIST]

NODES are multiples of 100 up to 5,000 (whole Deployments of 1,000 pods). KUBESIM is a
release binary (nothing is built); `--outputs` is passed to `kubesim run`
(`summary` writes no events.csv, timeline.csv or transcript.txt). Each run writes into a temporary folder that is removed afterwards. Prints a Markdown
table: nodes, pods, both peaks in KB (1,024 bytes, as `time -v` counts) and the slope in
bytes per pod. The figures are measurements of one machine, never kubesim outputs.

Python 3.11, standard library only.
"""

import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # importing envelope leaves no __pycache__ in tools/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import envelope  # noqa: E402


def scenario(nodes: int, with_pods: bool, out: str) -> str:
    """Writes the envelope scenario for `nodes` (or its cluster alone) into `out`."""
    name = f"memory-{nodes}-{'pods' if with_pods else 'idle'}"
    pods = nodes * envelope.PODS_PER_NODE
    qps = max(1, pods // envelope.ARRIVAL_S)
    text = f"version: 1\nname: {name}\nseed: 1\nduration: {envelope.horizon_s(nodes)}s\n"
    text += envelope.cluster_yaml(name, nodes, qps)
    if with_pods:
        manifest = f"manifests/{name}.yaml"
        count = pods // envelope.REPLICAS
        envelope.write(os.path.join(out, manifest), envelope.deployments(count, "web"))
        text += f"steps:\n- at: 0s\n  run: kubectl apply -f {manifest}\n"
    path = os.path.join(out, f"{name}.yaml")
    envelope.write(path, text)
    return path


def peak_kb(kubesim: str, path: str, outputs: str | None) -> int:
    """Runs one scenario under `time -v`; its maximum resident set size in KB."""
    with tempfile.TemporaryDirectory() as out:
        cmd = ["/usr/bin/time", "-v", kubesim, "run", path, "--quiet", "--out", out]
        if outputs:
            cmd += ["--outputs", outputs]
        run = subprocess.run(cmd, capture_output=True, text=True)
    # exit 1 is a failed expectation; the scenarios here have none, so any other is an error.
    if run.returncode != 0:
        sys.exit(f"error: {' '.join(cmd)} exited {run.returncode}:\n{run.stderr[-2000:]}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr)
    if not m:
        sys.exit(f"error: no peak RSS in the output of {' '.join(cmd)}")
    return int(m.group(1))


def main(argv: list[str]) -> None:
    usage = "usage: memory.py KUBESIM NODES [NODES ...] [--outputs LIST]"
    outputs = None
    if "--outputs" in argv:
        i = argv.index("--outputs")
        if i + 1 >= len(argv):
            sys.exit(usage)
        outputs = argv[i + 1]
        argv = argv[:i] + argv[i + 2 :]
    if len(argv) < 2:
        sys.exit(usage)
    kubesim = argv[0]
    try:
        counts = [int(n) for n in argv[1:]]
    except ValueError:
        sys.exit(f"error: NODES must be numbers, got {argv[1:]}\n{usage}")
    if any(not 1 <= n <= 5000 or n * envelope.PODS_PER_NODE % envelope.REPLICAS for n in counts):
        sys.exit("error: NODES must be 1 to 5000 and give whole Deployments of 1,000 (30 pods a node)")
    print("| nodes | pods | peak KB, no pods | peak KB, with pods | bytes per pod |")
    print("|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as work:
        for n in counts:
            idle = peak_kb(kubesim, scenario(n, False, work), outputs)
            full = peak_kb(kubesim, scenario(n, True, work), outputs)
            pods = n * envelope.PODS_PER_NODE
            slope = (full - idle) * 1024 / pods
            print(f"| {n:,} | {pods:,} | {idle:,} | {full:,} | {slope:,.0f} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
