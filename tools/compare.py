#!/usr/bin/env python3
"""Runs kubesim and Kubernetriks side by side on tools/envelope.py's workload and prints a
Markdown table of wall time, peak memory and events (results/BENCHMARKS.md).

Builds nothing: it runs two release binaries that already exist.

    KUBERNETRIKS=/path/to/dslab-kubernetriks python3 tools/compare.py [NODES...]

- KUBESIM: the kubesim binary [default: target/release/kubesim, or $CARGO_TARGET_DIR's].
- KUBERNETRIKS: Kubernetriks' `dslab-kubernetriks` binary (required), built outside this
  repository.
- WORKDIR: where the generated inputs and outputs go [default: a new temporary folder].
- NODES: node counts [default: 100 1000 5000].

Each run is timed by /usr/bin/time -v (wall clock and maximum resident set size) with a
timeout of 900 s. kubesim runs with --quiet and its default outputs (every file);
Kubernetriks with its own main program, which writes its log, metrics and gauge CSV. The
table also checks that each simulator served the workload: kubesim's Deployments all
available (summary.json), Kubernetriks' pods all succeeded (its metrics table).

Python 3.11, standard library only.
"""

import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIMEOUT_S = 900


def timed(cmd: list[str], cwd: str) -> dict:
    """Runs `cmd` under /usr/bin/time -v; returns exit code, wall seconds and peak RSS."""
    full = ["timeout", str(TIMEOUT_S), "/usr/bin/time", "-v"] + cmd
    p = subprocess.run(full, cwd=cwd, capture_output=True, text=True)
    err = p.stderr
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", err)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    seconds = None
    if wall:
        parts = [float(x) for x in wall.group(1).split(":")]
        seconds = sum(v * 60 ** (len(parts) - 1 - i) for i, v in enumerate(parts))
    return {
        "code": p.returncode,
        "wall": seconds,
        "rss_mb": int(rss.group(1)) / 1024 if rss else None,
        "stderr": err,
    }


def kubesim(binary: str, nodes: int, work: str) -> dict:
    d = os.path.join(work, f"kubesim-{nodes}")
    gen = [sys.executable, os.path.join(ROOT, "tools/envelope.py"), "kubesim", str(nodes), d]
    subprocess.run(gen, check=True)
    r = timed([binary, "run", f"envelope-{nodes}.yaml", "--quiet", "--out", "out"], d)
    try:
        with open(os.path.join(d, "out/summary.json"), encoding="utf-8") as f:
            s = json.load(f)
        r["events"] = s["events_processed"]
        web = [x for x in s["deployments"] if x["namespace"] == "default"]
        r["served"] = sum(x["available_replicas"] for x in web)
    except (OSError, KeyError, ValueError):
        r["events"] = r["served"] = None
    return r


def kubernetriks(binary: str, nodes: int, work: str) -> dict:
    d = os.path.join(work, f"kubernetriks-{nodes}")
    gen = [sys.executable, os.path.join(ROOT, "tools/envelope.py"), "kubernetriks", str(nodes), d]
    subprocess.run(gen, check=True)
    r = timed([binary, "--config-file", "config.yaml"], d)
    r["events"] = r["served"] = None
    try:
        with open(os.path.join(d, "kubernetriks.log"), encoding="utf-8") as f:
            m = re.search(r"Processed (\d+) events in", f.read())
        r["events"] = int(m.group(1)) if m else None
        with open(os.path.join(d, "metrics.txt"), encoding="utf-8") as f:
            m = re.search(r"\| Pods succeeded\s+\| (\d+)", f.read())
        r["served"] = int(m.group(1)) if m else None
    except OSError:
        pass
    return r


def fmt(v, spec: str) -> str:
    return "—" if v is None else format(v, spec)


def main(argv: list[str]) -> None:
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    ks = os.environ.get("KUBESIM", os.path.join(target, "release/kubesim"))
    kt = os.environ.get("KUBERNETRIKS")
    if not kt:
        sys.exit("error: set KUBERNETRIKS to the dslab-kubernetriks release binary")
    for b in (ks, kt):
        if not os.access(b, os.X_OK):
            sys.exit(f"error: {b} is not an executable (this script builds nothing)")
    nodes = [int(a) for a in argv] or [100, 1000, 5000]
    work = os.environ.get("WORKDIR") or tempfile.mkdtemp(prefix="kubesim-compare-")
    print(f"inputs and outputs in {work}", file=sys.stderr)
    print(
        "| nodes | pods | kubesim wall s | kubesim peak MB | kubesim events | kubesim µs/pod | "
        "kubesim µs/event | Kubernetriks wall s | Kubernetriks peak MB | Kubernetriks events | "
        "ratio (Kubernetriks / kubesim wall) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in nodes:
        pods = n * 30
        a = kubesim(ks, n, work)
        b = kubernetriks(kt, n, work)
        for name, r in (("kubesim", a), ("Kubernetriks", b)):
            if r["code"] != 0 or r["served"] != pods:
                print(
                    f"warning: {name} at {n} nodes: exit {r['code']}, {r['served']} of {pods} "
                    f"pods served\n{r['stderr'][-2000:]}",
                    file=sys.stderr,
                )
        per_pod = a["wall"] * 1e6 / pods if a["wall"] else None
        per_event = a["wall"] * 1e6 / a["events"] if a["wall"] and a["events"] else None
        ratio = b["wall"] / a["wall"] if a["wall"] and b["wall"] else None
        print(
            f"| {n:,} | {pods:,} | {fmt(a['wall'], '.2f')} | {fmt(a['rss_mb'], '.0f')} | "
            f"{fmt(a['events'], ',')} | {fmt(per_pod, '.1f')} | {fmt(per_event, '.2f')} | "
            f"{fmt(b['wall'], '.2f')} | {fmt(b['rss_mb'], '.0f')} | {fmt(b['events'], ',')} | "
            f"{fmt(ratio, '.1f')}× |",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
