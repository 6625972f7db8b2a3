"""One-off commands as a script or an officer at a terminal runs them: the whole process, start to exit.

    .venv/bin/python bench/oneoff_bench.py [--index DIR] [--n 5] [--backend torch --backend onnx-int8] [--json]

Each command runs N times per embedding backend (INSPECTIONS_EMBED_BACKEND), alternating backends so the machine's
other work falls on both alike; the figures are the median wall time and the median CPU time (user + system) of the
process. CPU time is what the command costs; on a busy machine wall time is that plus waiting for a core.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COMMANDS = {
    "ask": ["ask", "what did inspectors say about care leaver accommodation?"],
    "ask --council": ["ask", "how well are return home interviews used?", "--council", "Kent"],
    "compare": ["compare", "placement sufficiency", "--council", "Kent", "--council", "Medway"],
    "reports": ["reports"],
}


def run_once(args: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run([str(ROOT / ".venv" / "bin" / "inspections"), *args], capture_output=True, text=True,
                       env=env, cwd=ROOT)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if p.returncode:
        print(f"  {' '.join(args[:2])}: exit {p.returncode}: {(p.stderr.strip().splitlines() or ['?'])[-1]}",
              file=sys.stderr)
    return wall, cpu, p.returncode


def main() -> int:
    from retrieval.embed import DEFAULT_BACKEND

    ap = argparse.ArgumentParser(description="whole-process time of one-off commands")
    ap.add_argument("--index", default=str(ROOT.parent / "idx" / "shared"))
    ap.add_argument("--n", type=int, default=5, help="runs of each command per backend (median reported)")
    ap.add_argument("--backend", action="append", help=f"backends to compare (default: torch and {DEFAULT_BACKEND})")
    ap.add_argument("--command", action="append", choices=list(COMMANDS), help="only these commands")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    backends = a.backend or list(dict.fromkeys(["torch", DEFAULT_BACKEND]))
    commands = a.command or list(COMMANDS)
    results: dict[str, dict[str, list[tuple[float, float, int]]]] = {c: {b: [] for b in backends} for c in commands}
    base = dict(os.environ, INSPECTIONS_INDEX=a.index, HF_HUB_OFFLINE="1")
    base.pop("CHROMA_HOST", None)
    for c in commands:
        for b in backends:  # one untimed run: the OS file cache holds the model and index as a user's would
            run_once(COMMANDS[c], dict(base, INSPECTIONS_EMBED_BACKEND=b))
        for _ in range(a.n):
            for b in backends:
                results[c][b].append(run_once(COMMANDS[c], dict(base, INSPECTIONS_EMBED_BACKEND=b)))
    print(f"index {a.index}, {a.n} runs each, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f} at the end")
    print(f"{'command':<16}{'backend':<15}{'wall s (median)':>16}{'CPU s (median)':>16}{'failed':>8}")
    rows = []
    for c in commands:
        for b in backends:
            r = results[c][b]
            wall = statistics.median(x[0] for x in r)
            cpu = statistics.median(x[1] for x in r)
            bad = sum(1 for x in r if x[2])
            rows.append({"command": c, "backend": b, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "failed": bad})
            print(f"{c:<16}{b:<15}{wall:>16.2f}{cpu:>16.2f}{bad:>8}")
    if a.json:
        print(json.dumps({"index": a.index, "runs": a.n, "rows": rows}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
