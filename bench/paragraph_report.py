"""Segmentation report over the whole shared corpus: numbering gaps, failures, paragraph lengths, label checks.

Runs segment() on every file (Documents through bench/evalkit.py's pickle cache, filled on first use) and scores ../shared/eval/paragraphs.jsonl exactly as score.py's `paragraphs` command does (same `norm`,
same match by printed number and part), so the paragraph rules can be measured without building an index.

    cd /work/main && .venv/bin/python bench/paragraph_report.py [--corpus DIR] [--labels FILE] [--show-fail]
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evalkit import SHARED, load_doc, scorer
from ingest.models import Paragraph
from ingest.segment import segment

# running-header text that must never sit inside a paragraph: the 2021+ two-line header (title + dates + page
# number), its date line alone, and the 2012-2013 title line
_DATES = r"\d{1,2}(?: \w+)? (?:to|-|\u2013) \d{1,2} \w+ 20\d\d"
HEADER = re.compile(r"children.s services\s+" + _DATES + r"|" + _DATES + r" \d{1,2} [A-Za-z]"
                    r"|(?:Council|Borough) Inspection of (?:safeguarding and )?looked after children", re.IGNORECASE)
RAW_NUMBER = re.compile(r"^\s*(\d{1,3})\.\s+[A-Z\u2018\u201c]", re.MULTILINE)


def corpus_files(corpus: Path) -> list[Path]:
    files = sorted((corpus / "seeds").glob("*")) if (corpus / "seeds").is_dir() else []
    files += sorted((corpus / "ofsted").glob("*/*.pdf")) if (corpus / "ofsted").is_dir() else []
    return [f for f in files if f.is_file()]


def numbering_gaps(paras: list[Paragraph]) -> list[str]:
    """Per part: the first missing or repeated number (integers), or a repeated one (decimals)."""
    problems = []
    parts: dict[str, list[str]] = {}
    for p in paras:
        if p.number:
            parts.setdefault(p.part, []).append(p.number)
    for part, nums in parts.items():
        if all(n.isdigit() for n in nums):
            ints = [int(n) for n in nums]
            expect = 1
            for n in ints:
                if n != expect:
                    problems.append(f"{part}: expected {expect}, got {n}")
                    break
                expect += 1
        else:
            dup = [n for n, c in Counter(nums).items() if c > 1]
            if dup:
                problems.append(f"{part}: repeated {dup[0]}")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(SHARED / "corpus"))
    ap.add_argument("--labels", default=str(SHARED / "eval" / "paragraphs.jsonl"))
    ap.add_argument("--show-fail", action="store_true", help="print the paragraph text of failed checks")
    a = ap.parse_args()
    corpus = Path(a.corpus)
    sc = scorer()

    t0 = time.time()
    results: dict[str, list[Paragraph]] = {}
    failed: Counter[str] = Counter()
    crashed = []
    seg_time = 0.0
    for f in corpus_files(corpus):
        doc = load_doc(f)
        rel = str(f.relative_to(corpus))
        if isinstance(doc, str):
            failed[doc] += 1
            continue
        t = time.time()
        try:
            results[rel] = segment(doc)
        except Exception as e:  # noqa: BLE001 - a crash is a bug to fix, reported not hidden
            crashed.append((rel, repr(e)[:200]))
        seg_time += time.time() - t

    numbered = {k: v for k, v in results.items() if any(p.number for p in v)}
    gaps = {k: numbering_gaps(v) for k, v in numbered.items()}
    clean = [k for k, g in gaps.items() if not g]
    print(f"files: {len(results) + sum(failed.values()) + len(crashed)}  segmented: {len(results)}  "
          f"load failures: {sum(failed.values())}  crashes: {len(crashed)}  segment time {seg_time:.1f} s "
          f"(total {time.time() - t0:.1f} s)")
    for why, n in failed.most_common():
        print(f"  failed x{n}: {why}")
    for rel, err in crashed:
        print(f"  CRASH {rel}: {err}")
    # truncation: the printed numbering in the raw text runs further than the paragraphs found
    short = []
    for k, v in numbered.items():
        doc = load_doc(corpus / k)
        raw = {int(m.group(1)) for m in RAW_NUMBER.finditer(doc.text)}
        top = 0
        while top + 1 in raw:
            top += 1
        mains = [int(p.number) for p in v if p.number and p.number.isdigit() and p.part == "main"]
        if mains and max(mains) < top:
            short.append(f"{k}: main ends at {max(mains)}, text numbered to {top}")
    print(f"numbered reports whose main numbering stops before the printed sequence does: {len(short)}")
    for s in short:
        print("  SHORT " + s)
    unnumbered = sorted(set(results) - set(numbered))
    print(f"numbered reports gap-free: {len(clean)}/{len(numbered)}   (no numbering at all: {len(unnumbered)} "
          f"{', '.join(unnumbered[:8])}{' ...' if len(unnumbered) > 8 else ''})")
    for k in sorted(gaps):
        if gaps[k]:
            print(f"  GAP {k}: {'; '.join(gaps[k][:3])}")

    words = [len(p.text.split()) for v in results.values() for p in v]
    nwords = [len(p.text.split()) for v in results.values() for p in v if p.number]
    if words:
        q = statistics.quantiles(words, n=20)
        print(f"paragraph lengths (words) over {len(words)} paragraphs ({len(nwords)} numbered): "
              f"median {statistics.median(words):.0f}, p5 {q[0]:.0f}, p25 {q[4]:.0f}, p75 {q[14]:.0f}, "
              f"p95 {q[18]:.0f}, max {max(words)}; >400 words: {sum(w > 400 for w in words)}, "
              f"<4 words: {sum(w < 4 for w in words)}")
    headered = [(k, p.number, p.page) for k, v in results.items() for p in v if HEADER.search(p.text)]
    print(f"paragraphs with running-header text inside: {len(headered)} {headered[:5]}")

    passed = total = 0
    with open(a.labels) as fh:
        labels = [json.loads(line) for line in fh if line.strip()]
    for lab in labels:
        src = lab.get("source")
        if src and src.startswith("corpus/"):
            rel = src[len("corpus/"):]
        else:
            folder = sc.slug(lab["council"])
            rel = next((k for k in results if k.startswith(f"ofsted/{folder}/") and lab["published"] in k), "")
        paras = results.get(rel, [])
        ok_here = 0
        for c in lab["checks"]:
            total += 1
            cands = [p for p in paras if str(p.number or "").rstrip(".") == c["paragraph"]]
            if c.get("part"):
                cands = [p for p in cands if c["part"] in str(p.part or "").lower()] or cands
            good = any(sc.norm(p.text).lstrip("0123456789. ").startswith(sc.norm(c["starts"]))
                       and sc.norm(p.text).endswith(sc.norm(c["ends"])) and not HEADER.search(p.text) for p in cands)
            ok_here += good
            if not good:
                got = cands[0] if cands else None
                print(f"  FAIL {lab['council']} {lab['published']} para {c['paragraph']}: "
                      + (f"page {got.page} (label {c.get('page')}) starts {got.text[:70]!r} ... ends {got.text[-70:]!r}"
                         if got else "no paragraph with that number"))
                if a.show_fail and got:
                    print("       " + got.text)
            elif cands and c.get("page") and cands[0].page != c["page"]:
                print(f"  page differs {lab['council']} para {c['paragraph']}: {cands[0].page} vs label {c['page']}")
        passed += ok_here
        print(f"{lab['council']:30s} {lab['published']} {ok_here}/{len(lab['checks'])}{'' if paras else '  (no report)'}")
    share = passed / total if total else 0.0
    print(f"paragraph checks passed {passed}/{total} = {share:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
