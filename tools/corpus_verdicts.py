#!/usr/bin/env python3
"""Independent verdicts on the real-manifest corpus, for tests/integration/corpus.rs.

Runs the `kubernetes-validate` CLI (PyPI; Kubernetes' OpenAPI as JSON schemas, the same
v1.35.0-local-strict schemas kubesim's field table is generated from) once per file of
../shared/corpus/real-manifests/ and writes tests/data/corpus-verdicts.csv:

    file,kubernetes_validate,kinds,message

- file: the path under real-manifests/, as INDEX.csv lists it.
- kubernetes_validate: `valid` (exit 0, every document checked), `invalid` (a document did
  not validate), `no-schema` (exit 0, but some document's apiVersion/kind has no 1.35 schema,
  so kubernetes-validate only warned; it does not know which versions a cluster serves),
  `unparseable` (PyYAML could not read the file).
- kinds: the distinct `kind`s in order of first appearance, `;`-separated (as INDEX.csv).
- message: kubernetes-validate's first ERROR or WARN line, file name dropped, cut at 300
  characters; empty for `valid`.

Run by hand after the corpus or the pinned kubernetes-validate changes (CI has no network):

    pip install kubernetes-validate==1.37.0
    python3 tools/corpus_verdicts.py [CORPUS_DIR] [OUT_CSV]

Verdicts are per file, as `kubectl apply -f FILE` and `kubesim validate FILE` give them.
"""

import csv
import os
import subprocess
import sys

import yaml

KUBERNETES_VERSION = "1.35.0"


def kinds_of(path):
    """The distinct kinds of a file's non-empty documents, as kubernetes-validate reads them."""
    with open(path, encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f.read()) if d]
    seen = []
    for d in docs:
        k = d.get("kind") if isinstance(d, dict) else None
        if isinstance(k, str) and k not in seen:
            seen.append(k)
    return ";".join(seen)


def verdict(corpus, rel):
    """Runs the kubernetes-validate CLI on one file; returns (verdict, message)."""
    p = subprocess.run(
        [
            "kubernetes-validate",
            "--strict",
            "--kubernetes-version",
            KUBERNETES_VERSION,
            "--quiet",
            rel,
        ],
        cwd=corpus,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [l for l in (p.stdout + p.stderr).splitlines() if l.strip()]
    first = next((l for l in lines if l.startswith(("ERROR", "WARN"))), "")
    message = first.replace(" " + rel, "", 1)[:300]
    if p.returncode == 0:
        return ("no-schema" if any(l.startswith("WARN") for l in lines) else "valid"), message
    if any("Couldn't parse YAML" in l for l in lines):
        return "unparseable", lines[-1].replace(" " + rel, "", 1)[:300]
    if any(l.startswith("ERROR") and "did not validate" in l for l in lines):
        return "invalid", message
    sys.exit(f"{rel}: kubernetes-validate exited {p.returncode}:\n" + "\n".join(lines))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        root, "..", "shared", "corpus", "real-manifests")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        root, "tests", "data", "corpus-verdicts.csv")
    with open(os.path.join(corpus, "INDEX.csv"), encoding="utf-8", newline="") as f:
        index = sorted(csv.DictReader(f), key=lambda r: r["path"])
    rows = []
    for r in index:
        rel = r["path"]
        v, message = verdict(corpus, rel)
        kinds = kinds_of(os.path.join(corpus, rel))
        if kinds != r["kinds"]:
            print(f"note: {rel}: kinds {kinds!r}, INDEX.csv says {r['kinds']!r}", file=sys.stderr)
        rows.append((rel, v, kinds, message))
        print(f"{v:12} {rel}", file=sys.stderr)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["file", "kubernetes_validate", "kinds", "message"])
        w.writerows(rows)
    counts = {}
    for _, v, _, _ in rows:
        counts[v] = counts.get(v, 0) + 1
    print(f"{len(rows)} files: {counts} -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
