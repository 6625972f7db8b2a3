"""Which labelled questions fail, and what came back instead — the report that drives retrieval work.

    .venv/bin/python bench/retrieval_report.py --index DIR [--mode hybrid] [--filtered] [--questions FILE]

Scores with the same rules as ../shared/eval/score.py (imported from there) on an existing index of the shared
corpus, prints the summary and, for every question that misses a grade-2 passage in the top 10, the missing
passages and the top 3 that came back.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT.parent / "shared" / "eval"))


def main() -> None:
    import score  # ../shared/eval/score.py: the scorer's own normalisation and matching

    ap = argparse.ArgumentParser()
    ap.add_argument("--index", required=True)
    ap.add_argument("--mode", default="hybrid")
    ap.add_argument("--filtered", action="store_true")
    ap.add_argument("--questions", default=str(ROOT.parent / "shared" / "eval" / "questions.jsonl"))
    ap.add_argument("--quiet", action="store_true", help="summary only")
    a = ap.parse_args()
    from retrieval.search import Searcher
    from retrieval.store import Store

    s = Searcher(Store(a.index))
    qs = score.load_jsonl(a.questions)
    results = {}
    for q in qs:
        res = s.ask(q["question"], councils=q["councils"] if a.filtered else None, k=10, mode=a.mode)
        results[q["id"]] = res.to_json() | {"_councils": res.query.councils}
    summary = score.score_retrieval(qs, results)
    print(" ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in summary.items()))
    if a.quiet:
        return
    for q in qs:
        r = results[q["id"]]
        evs = r["evidence"][:10]
        ev = [score.norm(e["text"]) for e in evs]
        missing = []
        for rel in q["relevant"]:
            qt = score.norm(rel["quote"])
            rank = next((i for i, t in enumerate(ev) if qt in t and score.same_report(evs[i], rel)), None)
            if rank is None and rel["grade"] == 2:
                missing.append(rel)
            elif rank is not None and rel.get("paragraph") and str(evs[rank].get("paragraph") or "") != str(rel["paragraph"]):
                print(f"  PARAGRAPH MISMATCH {q['id']}: label {rel['paragraph']} got {evs[rank].get('paragraph')}")
        if missing:
            print(f"\n{q['id']} [{q.get('type')}] {q['question']}  (recognised councils: {r['_councils']})")
            for rel in missing:
                print(f"   MISSING {rel['council']} {rel['published']} para {rel.get('paragraph')}: {rel['quote'][:90]}")
            for i, e in enumerate(evs[:3], 1):
                print(f"   got {i}. {e['council']} {e['published']} para {e['paragraph']}: {e['text'][:90]}")


if __name__ == "__main__":
    main()
