"""Check the inspection fields (ingest/inspection.py) over the whole shared corpus: per framework, how many reports
got their start and end dates, type and lead inspector, and every miss with what the front page prints there.

Exits 1 when an Ofsted inspection report has no inspection dates (the outcomes tables cannot place it), and prints
the odd values that usually mean a misread: an end before the start, more days on site than an inspection lasts,
publication before the inspection ended or more than a year after it.

    .venv/bin/python bench/inspection_check.py [--corpus ../shared/corpus] [--cache /tmp/doc_cache] [--show N]
    .venv/bin/python bench/inspection_check.py --index DIR     # the same figures from an index (reports --json)
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evalkit import CACHE, SHARED, load_doc  # noqa: E402

FIELDS = ("inspection_start", "inspection_end", "inspection_type", "lead_inspector")


def from_files(corpus: Path, cache: Path | None) -> list[dict]:
    """The report fields as ingest would store them, without segmenting or indexing (metadata + inspection only)."""
    from ingest.inspection import read_inspection
    from ingest.metadata import read_metadata
    from ingest.models import IngestError

    rows = []
    files = sorted(p for p in corpus.rglob("*") if p.suffix.lower() in (".pdf", ".txt", ".md"))
    for i, path in enumerate(files, 1):
        print(f"\r{i}/{len(files)} {path.parent.name[:30]:30s}", end="", file=sys.stderr, flush=True)
        doc = load_doc(path, cache)
        if isinstance(doc, str):
            continue
        try:
            meta = read_metadata(doc)
        except IngestError:
            continue
        insp = read_inspection(doc, meta.kind, meta.framework, meta.title, meta.inspection_dates)
        rows.append({"source": str(path), "council": meta.council, "kind": meta.kind, "framework": meta.framework,
                     "published": meta.published, "inspection_dates": meta.inspection_dates, "doc": doc,
                     **insp.fields()})
    print(file=sys.stderr)
    return rows


def from_index(index: str) -> list[dict]:
    from retrieval.store import Store

    return Store(index).reports()


def front_lines(row: dict) -> str:
    """What the front page prints about the dates and the inspectors (for reading a miss)."""
    doc = row.get("doc")
    if doc is None:
        from ingest.loaders import load

        try:
            doc = load(row["source"])
        except Exception as e:  # a bench: say why and carry on
            return f"(cannot read: {e})"
    text = "\n".join(p.text for p in doc.pages[:2])
    hits = [m.group(0).strip() for m in re.finditer(r"(?im)^.*(?:inspection dates?|inspector|HMI|Majesty).*$", text)]
    return " | ".join(h[:120] for h in hits[:4]) or repr(re.sub(r"\s+", " ", text)[:300])


def oddities(row: dict) -> list[str]:
    out = []
    try:
        start = dt.date.fromisoformat(row["inspection_start"]) if row.get("inspection_start") else None
        end = dt.date.fromisoformat(row["inspection_end"]) if row.get("inspection_end") else None
        pub = dt.date.fromisoformat(row["published"]) if row.get("published") else None
    except ValueError as e:
        return [f"bad date ({e})"]
    if start and end:
        if end < start:
            out.append("ends before it starts")
        if start.weekday() >= 5 or end.weekday() >= 5:
            out.append("starts or ends on a weekend")
        if (end - start).days > 35:  # SIF inspections ran four weeks
            out.append(f"{(end - start).days + 1} days on site")
    if end and pub and not (end <= pub <= end + dt.timedelta(days=366)):
        out.append(f"published {pub} vs inspection end {end}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(SHARED / "corpus"))
    ap.add_argument("--cache", default=str(CACHE), help="pickled Documents (evalkit); '' to load every file")
    ap.add_argument("--index", help="read the fields from this index instead of parsing the files")
    ap.add_argument("--show", type=int, default=40, help="misses listed per field")
    a = ap.parse_args()
    rows = from_index(a.index) if a.index else from_files(Path(a.corpus), Path(a.cache) if a.cache else None)
    inspections = [r for r in rows if r.get("kind") == "ofsted_inspection"]
    by_fw: dict[str, list[dict]] = collections.defaultdict(list)
    for r in inspections:
        by_fw[r.get("framework") or "?"].append(r)
    print(f"{len(rows)} reports, {len(inspections)} Ofsted inspections\n")
    print(f"{'framework':16s} {'reports':>7s} " + " ".join(f"{f.replace('inspection_', ''):>8s}" for f in FIELDS) +
          "  types")
    for fw in sorted(by_fw):
        rs = by_fw[fw]
        got = [sum(1 for r in rs if r.get(f)) for f in FIELDS]
        types = collections.Counter(r.get("inspection_type") for r in rs)
        print(f"{fw:16s} {len(rs):7d} " + " ".join(f"{g:8d}" for g in got) + "  " +
              ", ".join(f"{k}: {v}" for k, v in sorted(types.items(), key=lambda kv: str(kv[0]))))
    others = collections.Counter(r.get("kind") for r in rows if r.get("kind") != "ofsted_inspection")
    for kind, n in sorted(others.items()):
        rs = [r for r in rows if r.get("kind") == kind]
        print(f"{kind:16s} {n:7d} " + " ".join(f"{sum(1 for r in rs if r.get(f)):8d}" for f in FIELDS))
    failed = 0
    for f in FIELDS:
        miss = [r for r in inspections if not r.get(f)]
        if not miss:
            continue
        print(f"\nmissing {f}: {len(miss)}")
        for r in miss[:a.show]:
            print(f"  {r.get('framework')} {r.get('council')} {r.get('published')} {Path(r['source']).name}: "
                  f"{front_lines(r)}")
        if f == "inspection_start":
            failed = len(miss)
    odd = [(r, oddities(r)) for r in inspections]
    odd = [(r, o) for r, o in odd if o]
    if odd:
        print(f"\nodd values: {len(odd)}")
        for r, o in odd[:a.show]:
            print(f"  {r.get('council')} {r.get('published')} {r.get('inspection_start')}..{r.get('inspection_end')}: "
                  + "; ".join(o))
    # an independent reading of the end date: ingest/metadata.py's own parse of the printed dates line
    from ingest import metadata as md

    checked = [r for r in inspections if r.get("inspection_dates") and r.get("inspection_end")]
    differ = [r for r in checked if str(md._end_date(r["inspection_dates"])) != r["inspection_end"]]
    print(f"\nend date agrees with metadata's reading of the printed line: {len(checked) - len(differ)}/{len(checked)}")
    for r in differ[:a.show]:
        print(f"  {r.get('council')} {r.get('published')}: printed {r['inspection_dates']!r} -> "
              f"{r['inspection_start']}..{r['inspection_end']}")
    leads = collections.Counter(r.get("lead_inspector") for r in inspections if r.get("lead_inspector"))
    print(f"\n{len(leads)} distinct lead inspectors; the ten most frequent: " +
          ", ".join(f"{k} ({v})" for k, v in leads.most_common(10)))
    print(f"\ninspection reports without dates: {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
