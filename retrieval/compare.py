"""Side-by-side evidence for one topic across councils: the habit of comparing a council with its neighbours."""
from __future__ import annotations

from typing import Any

from retrieval.query import understand
from retrieval.search import Filters, Searcher


def compare(searcher: Searcher, topic: str, councils: list[str], k: int = 5, latest: bool = False) -> dict[str, Any]:
    """Per council: its top evidence on the topic, its judgements and the recommendations on the topic."""
    searcher.refresh()
    q = understand(topic, councils=councils or None, known_councils=searcher.councils())
    names = q.councils
    text = q.text or topic
    out = []
    indexed = set(searcher.councils())
    for name in names:
        if name not in indexed:
            out.append({"council": name, "indexed": False, "evidence": [], "judgements": [], "recommendations": [],
                        "message": f"No indexed report for {name}."})
            continue
        f = Filters(councils=[name], latest=latest or q.latest, year_from=q.year_from, year_to=q.year_to)
        evidence = searcher.search(text, f, k=k)
        allowed = searcher.allowed_reports(f)
        ofsted = sorted((r for r in searcher.reports.values() if r["report_id"] in allowed
                         and r.get("kind") != "council_report"), key=lambda r: r.get("published") or "")
        judgements = searcher.judgements_for([r["report_id"] for r in ofsted])
        recs = searcher.related_recommendations(text, allowed, n=5)
        out.append({"council": name, "indexed": True, "evidence": [e.to_json() for e in evidence],
                    "judgements": judgements, "recommendations": recs})
    return {"topic": topic, "councils": out}
