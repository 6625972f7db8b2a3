"""Measure ingest.metadata on the whole shared corpus: council, kind, framework and publication date per file.

The folder and file name (<council>/<published date as Ofsted lists it>.pdf) are the ground truth here and only here:
the code under test never sees them. Councils are compared with the evaluation's own `slug`, dates exactly and
within 31 days. `--rules` also prints how well each candidate rule for reports without a printed publication date
predicts the listed date, which is how the rule in ingest/metadata.py was chosen.

    .venv/bin/python bench/metadata_check.py [--corpus ../shared/corpus/ofsted] [--cache /tmp/doc_cache] [--rules]
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT.parent / "shared" / "eval"))

from evalkit import load_doc
from ingest import metadata as md
from ingest.models import Document, IngestError

try:
    from score import slug  # the evaluation's own council comparison
except ImportError:  # pragma: no cover - only when ../shared is absent
    def slug(name: str) -> str:
        return re.sub(r"[^a-z0-9]+", "-", (name or "").lower()).strip("-")


def candidate_rules(rows: list[tuple[str, dt.date, Document]]) -> None:
    """Exact-match rate of each publication-date rule on reports that print no publication date."""
    def made(doc: Document, key: str = "/CreationDate") -> dt.date | None:
        d = md.pdf_date(doc.info.get(key))
        return d.date() if d else None

    def plus_wd(day: dt.date | None, n: int) -> dt.date | None:
        for _ in range(n):
            day = md.next_working_day(day) if day else None
        return day

    def end_plus(doc: Document, days: int) -> dt.date | None:
        end = md._end_date(md._inspection_dates(md._head(doc)))
        return end + dt.timedelta(days) if end else None

    rules = {
        "CreationDate": lambda d: made(d),
        "ModDate": lambda d: made(d, "/ModDate"),
        "next working day after CreationDate": lambda d: plus_wd(made(d), 1),
        "next working day after ModDate": lambda d: plus_wd(made(d, "/ModDate"), 1),
        "2nd working day after CreationDate": lambda d: plus_wd(made(d), 2),
        "next calendar day after CreationDate": lambda d: (made(d) + dt.timedelta(1)) if made(d) else None,
        "inspection end + 49 days": lambda d: end_plus(d, 49),
        "inspection end + 56 days": lambda d: end_plus(d, 56),
    }
    print(f"\nPublication-date rules on the {len(rows)} reports that print no publication date:")
    for name, rule in rules.items():
        exact = near = 0
        for _, truth, doc in rows:
            got = rule(doc)
            exact += got == truth
            near += bool(got) and abs((got - truth).days) <= 31
        print(f"  {name:40s} exact {exact:3d}/{len(rows)} = {exact / max(1, len(rows)):.3f}   "
              f"within 31 days {near / max(1, len(rows)):.3f}")
    # Richer rules, judged fairly: learn the best offset (0-5 working days) per feature on every other creation day
    # and predict the held-out day's files (Ofsted publishes in batches, so whole days are held out together).
    features = {"one offset for all": lambda c: (),
                "offset per weekday made": lambda c: (c.weekday(),),
                "offset per weekday and 2018-2020 or not": lambda c: (c.weekday(), c.year <= 2020),
                "offset for made after 17:00 or not": lambda c: (c.hour >= 17,)}
    made_at = [(truth, md.pdf_date(doc.info.get("/CreationDate"))) for _, truth, doc in rows]
    made_at = [(t, c) for t, c in made_at if c]
    for name, feat in features.items():
        ok = 0
        for day in {c.date() for _, c in made_at}:
            table: dict[tuple, collections.Counter] = collections.defaultdict(collections.Counter)
            for t, c in made_at:
                if c.date() != day:
                    for n in range(6):
                        if plus_wd(c.date(), n) == t:
                            table[feat(c)][n] += 1
            for t, c in made_at:
                if c.date() == day:
                    counts = table.get(feat(c)) or collections.Counter({1: 1})
                    ok += plus_wd(c.date(), max(counts, key=lambda k: (counts[k], -k))) == t
        print(f"  held-out-day check, {name:38s} exact {ok:3d}/{len(made_at)}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus" / "ofsted"))
    ap.add_argument("--cache", default="/tmp/doc_cache", help="pickled Documents (optional)")
    ap.add_argument("--rules", action="store_true", help="compare candidate publication-date rules")
    a = ap.parse_args()
    corpus = Path(a.corpus)
    cache = Path(a.cache) if a.cache and os.path.isdir(a.cache) else None

    n = 0
    right = collections.Counter()
    misses: list[str] = []
    not_reports: list[str] = []
    frameworks = collections.Counter()
    unprinted: list[tuple[str, dt.date, Document]] = []
    derived_gaps: collections.Counter[int] = collections.Counter()  # listed minus derived date, in days
    anomalies: list[str] = []
    printed_n = printed_ok = derived_n = derived_ok = 0
    for path in sorted(corpus.glob("*/*.pdf")):
        rel = str(path.relative_to(corpus))
        folder, truth = path.parent.name, dt.date.fromisoformat(path.stem[:10])
        doc = load_doc(path, cache)
        if isinstance(doc, str):
            not_reports.append(f"{rel}: {doc}")
            continue
        n += 1
        try:
            m = md.read_metadata(doc)
        except IngestError as e:
            misses.append(f"{rel}: refused: {e}")
            continue
        council_ok = slug(m.council) == slug(folder)
        got = dt.date.fromisoformat(m.published) if m.published else None
        exact = got == truth
        near = bool(got) and abs((got - truth).days) <= 31
        week = bool(got) and abs((got - truth).days) <= 7
        right.update({"council": council_ok, "kind": m.kind == "ofsted_inspection", "published exact": exact,
                      "published 7 days": week, "published 31 days": near, "council+published 7 days": council_ok and week, "title": bool(m.title), "inspection dates": bool(m.inspection_dates),
                      "council+published": council_ok and exact})
        frameworks[(m.framework, truth.year)] += 1
        was_printed = bool(md._PUBLISHED.search(md._flat(md._head(doc))))
        if was_printed:
            printed_n += 1
            printed_ok += exact
        else:
            derived_n += 1
            derived_ok += exact
            unprinted.append((rel, truth, doc))
            if got:
                derived_gaps[(truth - got).days] += 1
        # the framework follows the title wording; it must agree with the era Ofsted used it in (re-inspections
        # under the 2013 framework ran into 2018, the 2018 framework started in 2018)
        if (m.framework == "ilacs_2018" and truth.year < 2018) or (m.framework == "sif_2013_2017" and
                                                                  not 2013 <= truth.year <= 2018) or \
                (m.framework == "slac_2009_2012" and truth.year > 2013):
            anomalies.append(f"{rel}: {m.framework}")
        if not (council_ok and exact and m.kind == "ofsted_inspection" and m.framework):
            made = md.pdf_date(doc.info.get("/CreationDate"))
            misses.append(f"{rel}: council={m.council!r} kind={m.kind} framework={m.framework} published={m.published}"
                          f" ({'printed' if was_printed else 'derived'}; diff {(truth - got).days if got else '-'} d;"
                          f" created {made:%a %Y-%m-%d %H:%M})" if made else
                          f"{rel}: council={m.council!r} kind={m.kind} framework={m.framework} published={m.published}")

    print(f"Corpus {corpus}: {n} PDF reports read, {len(not_reports)} files that are not reports\n")
    for field in ("council", "kind", "published exact", "published 7 days", "published 31 days", "council+published",
                  "council+published 7 days", "title", "inspection dates"):
        print(f"  {field:24s} {right[field]:3d}/{n} = {right[field] / max(1, n):.3f}")
    print(f"  published exact where printed: {printed_ok}/{printed_n}; derived from the PDF: {derived_ok}/{derived_n}")
    near5 = sum(v for k, v in derived_gaps.items() if abs(k) <= 5)
    print(f"  derived dates: listed minus derived (days): {sorted(derived_gaps.items())}; "
          f"within 5 days {near5}/{sum(derived_gaps.values())}")
    print("\nFramework by listed year:")
    years = sorted({y for _, y in frameworks})
    for fw in sorted({f for f, _ in frameworks}, key=str):
        print(f"  {fw!s:16s} " + " ".join(f"{y}:{frameworks[(fw, y)]}" for y in years if frameworks[(fw, y)]))
    print(f"  framework out of its era: {anomalies or 'none'}")
    print(f"\nMisses ({len(misses)}):")
    for line in misses:
        print("  " + line)
    print(f"\nNot reports ({len(not_reports)}):")
    for line in not_reports:
        print("  " + line)
    if a.rules:
        candidate_rules([(r, t, d) for r, t, d in unprinted])
    return 0


if __name__ == "__main__":
    sys.exit(main())
