"""Query latency: p50/p95/p99 of `ask` on an index, warm, at 1 and at 4 concurrent callers.

    .venv/bin/python bench/query_bench.py --index DIR [--questions FILE] [--rounds 2]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", required=True)
    ap.add_argument("--questions", default=str(ROOT.parent / "shared" / "eval" / "questions.jsonl"))
    ap.add_argument("--rounds", type=int, default=2)
    a = ap.parse_args()
    from retrieval.search import Searcher
    from retrieval.store import Store

    qs = [json.loads(l)["question"] for l in open(a.questions) if l.strip()]
    t = time.perf_counter()
    s = Searcher(Store(a.index))
    s.refresh()
    s.embedder.embed_query("warm up")
    print(f"start-up (store, lexical index, model): {time.perf_counter() - t:.1f} s; {len(s.reports)} reports, "
          f"{s.store.count()} paragraphs")
    s.ask(qs[0])

    def one(q: str) -> float:
        t0 = time.perf_counter()
        s.ask(q, k=10)
        return (time.perf_counter() - t0) * 1000

    for callers in (1, 4):
        times: list[float] = []
        t = time.perf_counter()
        with ThreadPoolExecutor(callers) as pool:
            for _ in range(a.rounds):
                times += list(pool.map(one, qs))
        wall = time.perf_counter() - t
        print(f"{callers} caller(s): n={len(times)} p50 {statistics.median(times):.0f} ms, p95 {pct(times, 0.95):.0f} ms, "
              f"p99 {pct(times, 0.99):.0f} ms; throughput {len(times) / wall:.1f} questions/s")


if __name__ == "__main__":
    main()
