"""Stance on labelled paragraphs: accuracy, confusion and strength/concern swaps (the error that answers "praised
for" with a criticism). Reads a label file of bench/labels/stance_own.jsonl's shape, whose "quote" is the whole
paragraph and "section" its heading path, so it runs without an index.

    .venv/bin/python bench/stance_check.py [bench/labels/stance_own.jsonl] [--show]
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from retrieval.stance import STANCES, stance  # noqa: E402


def main(argv: list[str]) -> None:
    show = "--show" in argv
    files = [a for a in argv if not a.startswith("--")] or [str(Path(__file__).parent / "labels/stance_own.jsonl")]
    rows = [json.loads(line) for f in files for line in open(f, encoding="utf-8") if line.strip()]
    confusion: Counter[tuple[str, str]] = Counter()
    for r in rows:
        got = stance(r["quote"], r.get("section"), r.get("part"))
        want = r["paragraph_stance"]
        confusion[(want, got)] += 1
        if show and got != want:
            print(f"want {want:8s} got {got:8s} {r['council']} {r['published']} p{r.get('paragraph')}: "
                  f"{r['quote'][:300]}\n")
    n = len(rows)
    right = sum(v for (w, g), v in confusion.items() if w == g)
    swaps = confusion[("strength", "concern")] + confusion[("concern", "strength")]
    print("label \\ got " + " ".join(f"{s:>9s}" for s in STANCES))
    for w in STANCES:
        print(f"{w:11s} " + " ".join(f"{confusion[(w, g)]:9d}" for g in STANCES))
    print(f"stance right {right}/{n} = {right / max(n, 1):.3f}; strength/concern swaps {swaps} "
          f"({swaps * 300 / max(n, 1):.1f} per 300)")


if __name__ == "__main__":
    main(sys.argv[1:])
