"""Themes on the whole library: how long `themes TOPIC --latest` takes, and how well it lists the councils whose
latest report says something about a topic, scored per topic as ../shared/eval/score.py scores it (listing
precision, recall, F1 among the judged councils; quote_hit).

    .venv/bin/python bench/themes_bench.py                                  # our own labels, /work/idx/shared
    .venv/bin/python bench/themes_bench.py --labels ../shared/eval/themes.jsonl
    .venv/bin/python bench/themes_bench.py --grid                           # calibrate the relevance test
    .venv/bin/python bench/themes_bench.py --process                        # also time the whole CLI process

--grid prints the average F1 of the relevance test (retrieval/themes.py `about`) over a grid of its four levels,
computed from one pass per topic: how the levels in retrieval/themes.py were chosen, on our own labels only.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from evalkit import ROOT, scorer

from retrieval import themes as T
from retrieval.search import Searcher
from retrieval.store import Store

OWN = ROOT / "bench" / "labels" / "themes_own.jsonl"


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score_topic(label: dict, rows: list[dict]) -> dict:
    """Listing precision/recall/F1 and quote_hit for one topic, with the scorer's own slug() and norm()."""
    sc = scorer()
    rel = {sc.slug(r["council"]): r for r in label["relevant"]}
    judged = {sc.slug(j["council"]) for j in label["judged"]}
    listed: dict[str, dict] = {}
    for row in rows:
        c = sc.slug(row.get("council") or "")
        if c in judged and c not in listed:
            listed[c] = row
    tp = [c for c in listed if c in rel]
    quotes = sum(any(sc.norm(q["quote"]) in sc.norm(e.get("text", "")) for q in rel[c]["quotes"]
                     for e in listed[c].get("evidence", [])) for c in tp)
    p = len(tp) / len(listed) if listed else 0.0
    r = len(tp) / len(rel) if rel else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    if not rel and not listed:
        p = r = f1 = 1.0
    return {"precision": p, "recall": r, "f1": f1, "quote_hit": quotes / len(tp) if tp else 0.0,
            "relevant": len(rel), "listed": len(listed), "missed": sorted(set(rel) - set(listed)),
            "wrong": sorted(set(listed) - set(rel))}


def run(searcher: Searcher, labels: list[dict]) -> None:
    F = P = R = Q = 0.0
    times = []
    for lab in labels:
        t = time.perf_counter()
        data = T.themes(searcher, lab["topic"], latest=True)
        ms = (time.perf_counter() - t) * 1000
        times.append(ms)
        s = score_topic(lab, data["councils"])
        F += s["f1"]; P += s["precision"]; R += s["recall"]; Q += s["quote_hit"]  # noqa: E702
        print(f"{lab['id']:4s} {lab['topic'][:44]:44s} relevant={s['relevant']:2d} listed={s['listed']:2d} "
              f"P={s['precision']:.2f} R={s['recall']:.2f} F1={s['f1']:.2f} quote_hit={s['quote_hit']:.2f} "
              f"{ms:6.0f} ms  missed={s['missed'][:5]} wrong={s['wrong'][:5]}")
    n = len(labels) or 1
    print(f"themes over {len(labels)} topics: precision={P / n:.3f} recall={R / n:.3f} f1={F / n:.3f} "
          f"quote_hit={Q / n:.3f}; in-process time per topic median {sorted(times)[len(times) // 2]:.0f} ms, "
          f"max {max(times):.0f} ms")


def grid(searcher: Searcher, labels: list[dict]) -> None:
    """One pass per topic with low floors and a deep dense read, then the listing decided offline for every
    combination of: the coverage a paragraph needs, a dense similarity that must agree with middling coverage (0:
    none), and the similarity that lists a paragraph on its own."""
    sc = scorer()
    allowed, _ = T._scope(searcher, True, None, None, None)
    pools = []
    for lab in labels:
        vocab = T._Vocabulary(searcher.lexicon)
        parts = T.facets(lab["topic"], vocab)
        scored = T.scored_paragraphs(searcher, lab["topic"], parts, allowed, min_coverage=0.3, min_similarity=0.3,
                                     vocab=vocab, depth=3000)
        pools.append([(sc.slug(searcher.reports[p.meta["report_id"]]["council"]), p.coverage, p.similarity)
                      for p in scored])
    results = []
    for sure, likely, agrees, alone in itertools.product((0.6, 0.65, 0.7, 0.8), (0.45, 0.5, 0.55, 0.6),
                                                         (0.0, 0.2, 0.3, 0.4, 0.5), (0.6, 0.7, 0.8, 1.01)):
        if likely > sure:
            continue
        f1s = []
        for lab, pool in zip(labels, pools):
            councils = {c for c, cov, sim in pool
                        if cov >= sure or (cov >= likely and sim >= agrees) or sim >= alone}
            f1s.append(score_topic(lab, [{"council": c, "evidence": []} for c in councils])["f1"])
        results.append((sum(f1s) / len(f1s), (sure, likely, agrees, alone), f1s))
    results.sort(key=lambda r: -r[0])
    print("best (coverage sure, coverage with agreement, dense agreement, dense alone) by average F1 over topics:")
    for f1, levels, f1s in results[:10]:
        print(f"  {f1:.3f} {levels} per topic {[round(x, 2) for x in f1s]}")
    for what, pick in (("dense agreement required (coverage 0.55 with similarity >= a)", lambda lv: lv[0] == 0.8
                        and lv[1] == 0.55 and lv[3] == 1.01), ("dense alone (coverage 0.55, similarity >= a)",
                                                               lambda lv: lv[1] == 0.55 and lv[2] == 0.0)):
        print(what + ":")
        for f1, levels, _ in sorted((r for r in results if pick(r[1])), key=lambda r: r[1]):
            print(f"  {f1:.3f} {levels}")
    now = [r for r in results if r[1] == (0.6, T.COVERAGE, 0.0, T.DENSE_ALONE)]
    if now:
        print(f"  chosen: coverage {T.COVERAGE}, dense alone {T.DENSE_ALONE}: {now[0][0]:.3f}")


def process_time(index: str, topic: str) -> None:
    """The whole `inspections themes TOPIC --latest --json` process: start-up, model, index and the pass."""
    cmd = [sys.executable, "-m", "app.cli", "themes", topic, "--latest", "--json", "--index", index]
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    secs = time.perf_counter() - t
    n = len(json.loads(p.stdout)["councils"]) if p.returncode == 0 else -1
    print(f"process: inspections themes {topic!r} --latest --json: {secs:.2f} s wall, {n} councils listed")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--labels", type=Path, default=OWN)
    ap.add_argument("--index", default=os.environ.get("INSPECTIONS_INDEX", "/work/idx/shared"))
    ap.add_argument("--grid", action="store_true", help="calibrate the relevance test's levels")
    ap.add_argument("--process", action="store_true", help="also time the whole CLI process on the first topic")
    a = ap.parse_args()
    labels = load(a.labels)
    t = time.perf_counter()
    searcher = Searcher(Store(a.index))
    searcher.warm()
    print(f"index {a.index}: {len(searcher.reports)} reports, {len(searcher.lexicon.ids)} paragraphs; "
          f"opened and warmed in {time.perf_counter() - t:.1f} s")
    if a.grid:
        grid(searcher, labels)
    else:
        run(searcher, labels)
    if a.process:
        process_time(a.index, labels[0]["topic"])


if __name__ == "__main__":
    main()
