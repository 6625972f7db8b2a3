"""Measure recommendation and judgement extraction against the shared labels, the way the scorer does.

    .venv/bin/python bench/extract_check.py [--all] [--quiet]

Scores with the scorer's own matching rules (norm, judgement_key and slug are imported from ../shared/eval/score.py,
so the figures here are the figures the scorer will print for the extraction step): recommendation precision,
recall, F1, timescale and owner accuracy over the labelled reports, then per-judgement accuracy over
judgements.csv, printing every miss. With --all it also counts recommendations and judgements per framework over
the whole shared corpus, so a layout that silently yields nothing shows up as a run of zeros.

Documents come through bench/evalkit.py's pickle cache ($DOC_CACHE, filled on first use). Not run by the tests: it needs the shared corpus and labels.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evalkit import SHARED, load_doc, scorer
from ingest.judgements import extract_judgements
from ingest.models import Document
from ingest.recommendations import extract_recommendations

score = scorer()


def get_doc(rel: str) -> Document | str:
    """A document by its path under ../shared ("corpus/ofsted/x/2017-01-01.pdf"), or the reason it cannot load."""
    return load_doc(SHARED / rel)


def meta_of(doc: Document) -> tuple[str | None, str]:
    """Framework and kind as the pipeline would pass them (the metadata reader, when it is importable)."""
    try:
        from ingest.metadata import read_metadata

        m = read_metadata(doc)
        return m.framework, m.kind
    except Exception:  # the metadata reader is another module: measure extraction even when it breaks
        kind = "council_report" if "/seeds/" in doc.path and "004_" not in doc.path else "ofsted_inspection"
        return None, kind


def extract(rel: str):
    doc = get_doc(rel)
    if isinstance(doc, str):
        return None, [], [], doc
    framework, kind = meta_of(doc)
    return framework, extract_recommendations(doc, framework, kind), extract_judgements(doc, framework,
                                                                                          kind), kind


def check_recommendations(quiet: bool) -> None:
    tp = fp_total = lab_total = ts_ok = own_ok = 0
    with open(SHARED / "eval" / "recommendations.jsonl") as fh:
        reports = [json.loads(line) for line in fh if line.strip()]
    for rep in reports:
        _, mine, _, _ = extract(rep["source"])
        mine_d = [{"text": r.text, "timescale": r.timescale, "owner": r.owner} for r in mine]
        labels = rep["recommendations"]
        lab_total += len(labels)
        fp_total += len(mine_d)
        used: set[int] = set()
        misses = []
        for lab in labels:
            head = " ".join(score.norm(lab["text"]).split()[:10])
            hit = next((i for i, r in enumerate(mine_d) if i not in used and head in score.norm(r["text"])), None)
            if hit is None:
                misses.append(f"    MISSING  {lab['text'][:110]}")
                continue
            used.add(hit)
            tp += 1
            r = mine_d[hit]
            t_ok = score.norm(str(r["timescale"] or "")) == score.norm(str(lab.get("timescale") or ""))
            mo = score.norm(str(r["owner"] or "")).removeprefix("the ")
            lo = score.norm(str(lab.get("owner") or "")).removeprefix("the ")
            o_ok = (mo == lo) or (bool(mo) and bool(lo) and (mo in lo or lo in mo))
            ts_ok += t_ok
            own_ok += o_ok
            if not t_ok:
                misses.append(f"    TIMESCALE got {r['timescale']!r} want {lab.get('timescale')!r}: {lab['text'][:70]}")
            if not o_ok:
                misses.append(f"    OWNER got {r['owner']!r} want {lab.get('owner')!r}: {lab['text'][:70]}")
        for i, r in enumerate(mine_d):
            if i not in used:
                misses.append(f"    EXTRA    {r['text'][:110]}")
        print(f"{rep['council']:30s} {rep['published']} labelled={len(labels)} extracted={len(mine_d)} "
              f"matched={len(used)}")
        if misses and not quiet:
            print("\n".join(misses))
    prec = tp / fp_total if fp_total else 0.0
    rec = tp / lab_total if lab_total else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    print(f"recommendations precision={prec:.3f} recall={rec:.3f} f1={f1:.3f} "
          f"timescale_acc={ts_ok / max(tp, 1):.3f} owner_acc={own_ok / max(tp, 1):.3f}")


def _find_pdf(council: str, published: str) -> str | None:
    base = SHARED / "corpus" / "ofsted"
    want = score.slug(council)
    for d in sorted(os.listdir(base)):
        if score.slug(d) == want and (base / d / f"{published}.pdf").exists():
            return f"corpus/ofsted/{d}/{published}.pdf"
    return None


def check_judgements(quiet: bool) -> None:
    ok = {k: 0 for k in score.JUDGEMENT_AREAS}
    total = 0
    with open(SHARED / "eval" / "judgements.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        rel = _find_pdf(row["council"], row["published"])
        mine = extract(rel)[2] if rel else []
        found: dict[str, str] = {}
        for j in mine:
            found.setdefault(score.judgement_key(j.area), score.norm(j.grade))
        total += 1
        for k in score.JUDGEMENT_AREAS:
            want = row[k]
            good = (k not in found) if want == "inspection_pre_dates_judgement" else (
                k in found and found[k].startswith(want))
            ok[k] += good
            if not good and not quiet:
                print(f"  {row['council']} {row['published']} ({rel}): {k} expected {want}, got {found.get(k)}")
    print(f"judgement accuracy over {total} reports: "
          + " ".join(f"{k}={v / max(total, 1):.3f}" for k, v in ok.items()))


def corpus_counts() -> None:
    """Recommendations and judgements per framework over every shared document; zero counts listed by name."""
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    zeros: dict[str, list[str]] = defaultdict(list)
    fails = Counter()
    rels = [f"corpus/seeds/{f}" for f in sorted(os.listdir(SHARED / "corpus" / "seeds"))]
    base = SHARED / "corpus" / "ofsted"
    rels += [f"corpus/ofsted/{d}/{f}" for d in sorted(os.listdir(base)) for f in sorted(os.listdir(base / d))]
    for rel in rels:
        framework, recs, judg, kind = extract(rel)
        if framework is None and not recs and not judg and kind not in ("council_report", "ofsted_inspection",
                                                                         "ofsted_visit"):
            fails[kind] += 1
            continue
        key = f"{framework or '-'} / {kind}"
        rows[key][0] += 1
        rows[key][1] += len(recs)
        rows[key][2] += len(judg)
        if not recs:
            zeros[key + " no recommendations"].append(rel.removeprefix("corpus/"))
        if not judg:
            zeros[key + " no judgements"].append(rel.removeprefix("corpus/"))
    print(f"{'framework / kind':40s} {'docs':>5s} {'recs':>6s} {'judgements':>10s}")
    for k in sorted(rows):
        d, r, j = rows[k]
        print(f"{k:40s} {d:5d} {r:6d} {j:10d}")
    for k in sorted(zeros):
        print(f"{k} ({len(zeros[k])}): {' '.join(zeros[k])}")
    for reason, n in fails.items():
        print(f"not loaded ({n}): {reason}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--all", action="store_true", help="also count per framework over the whole shared corpus")
    ap.add_argument("--quiet", action="store_true", help="summary lines only")
    a = ap.parse_args()
    check_recommendations(a.quiet)
    check_judgements(a.quiet)
    if a.all:
        corpus_counts()
    return 0


if __name__ == "__main__":
    sys.exit(main())
