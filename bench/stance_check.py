"""Stance on labelled paragraphs: accuracy, confusion and strength/concern swaps (the error that answers "praised
for" with a criticism). Reads label files of bench/labels/stance_own.jsonl's shape, whose "quote" is the whole
paragraph, "section" its heading path and "part" its part of the report, so it runs without an index.

    .venv/bin/python bench/stance_check.py [FILE ...] [--show]

Without files it reads every bench/labels/stance_own*.jsonl except the held-out ones (stance_own_heldout*.jsonl:
paragraphs kept aside to check that rules made from the others were not fitted to them; score them by naming them,
and never study their errors). Each file gets one line, then the confusion and the summary of them all.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from retrieval.stance import STANCES, stance  # noqa: E402

LABELS = Path(__file__).parent / "labels"


def _summary(confusion: Counter[tuple[str, str]]) -> tuple[int, int, int]:
    n = sum(confusion.values())
    right = sum(v for (w, g), v in confusion.items() if w == g)
    swaps = confusion[("strength", "concern")] + confusion[("concern", "strength")]
    return n, right, swaps


def main(argv: list[str]) -> None:
    show = "--show" in argv
    files = [Path(a) for a in argv if not a.startswith("--")] or sorted(
        p for p in LABELS.glob("stance_own*.jsonl") if "heldout" not in p.name)
    confusion: Counter[tuple[str, str]] = Counter()
    for f in files:
        mine: Counter[tuple[str, str]] = Counter()
        for line in f.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            r = json.loads(line)
            got = stance(r["quote"], r.get("section"), r.get("part"))
            want = r["paragraph_stance"]
            mine[(want, got)] += 1
            if show and got != want:
                print(f"want {want:8s} got {got:8s} {r['council']} {r['published']} p{r.get('paragraph')}: "
                      f"{r['quote'][:300]}\n")
        if len(files) > 1:
            n, right, swaps = _summary(mine)
            print(f"{f.name:34s} {right}/{n} = {right / max(n, 1):.3f}; swaps {swaps}")
        confusion.update(mine)
    n, right, swaps = _summary(confusion)
    print("label \\ got " + " ".join(f"{s:>9s}" for s in STANCES))
    for w in STANCES:
        print(f"{w:11s} " + " ".join(f"{confusion[(w, g)]:9d}" for g in STANCES))
    print(f"stance right {right}/{n} = {right / max(n, 1):.3f}; strength/concern swaps {swaps} "
          f"({swaps * 300 / max(n, 1):.1f} per 300)")


if __name__ == "__main__":
    main(sys.argv[1:])
