#!/usr/bin/env python3
"""Every benchmark and check against ../shared in one run (`make bench`), or the scorer's figures with the floors
the README states (`make eval`, exits 1 when any figure falls below its floor).

The floors live here, in one table, and README's "Evaluation" table repeats them: a change that lowers a figure
fails `make eval` instead of slipping through a script that always exits 0.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EVAL = SHARED / "eval"

# scorer subcommand, its arguments, and the floor flags (README "Evaluation": keep the two in step)
FLOORS: list[tuple[str, list[str], list[str]]] = [
    ("retrieval", [str(EVAL / "questions.jsonl"), "--modes", "bm25,dense"],
     ["--min-recall", "0.95", "--min-mrr", "0.90", "--min-para", "0.99"]),
    ("paragraphs", [str(EVAL / "paragraphs.jsonl")], ["--min-pass", "1.0"]),
    ("recommendations", [str(EVAL / "recommendations.jsonl")], ["--min-f1", "0.98"]),
    ("judgements", [str(EVAL / "judgements.csv")], ["--min-acc", "0.95"]),
    ("inspections", [str(EVAL / "inspections.csv")], ["--min-acc", "0.97"]),
    ("themes", [str(EVAL / "themes.jsonl")], ["--min-f1", "0.90"]),
    ("plan", [str(EVAL / "recurrence.jsonl")], ["--min-f1", "0.85", "--min-items", "1.0"]),
    ("stance", [str(EVAL / "stance.jsonl")], ["--min-acc", "0.83", "--max-swaps", "2"]),
    ("bad", [], []),
    ("perf", [str(EVAL / "questions.jsonl")], []),
]

BENCHES = ["paragraph_report.py", "metadata_check.py", "extract_check.py --quiet", "bad_inputs.py"]


def _run(cmd: list[str]) -> tuple[int, str]:
    t = time.time()
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    out = (p.stdout + p.stderr).strip().splitlines()
    last = out[-1] if out else ""
    print(f"{'ok  ' if p.returncode == 0 else 'FAIL'} {time.time() - t:6.1f} s  {' '.join(cmd[1:3])}: {last}", flush=True)
    return p.returncode, "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eval", action="store_true", help="the scorer's figures with their floors (exit 1 below one)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print each script's whole output")
    a = ap.parse_args()
    if not EVAL.is_dir():
        print(f"no {EVAL}: the shared evaluation data must sit beside the checkout", file=sys.stderr)
        return 2
    failed = []
    if a.eval:
        for sub, args, floors in FLOORS:
            code, out = _run([sys.executable, str(EVAL / "score.py"), sub, *args, *floors])
            if a.verbose:
                print(out)
            if code:
                failed.append(sub)
    else:
        for script in BENCHES:
            name, *flags = script.split()
            code, out = _run([sys.executable, str(ROOT / "bench" / name), *flags])
            if a.verbose:
                print(out)
            if code:
                failed.append(name)
    print(f"{len(failed)} below their floor or failed: {', '.join(failed)}" if failed else "all at or above their floors")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
