"""Side-by-side evidence for one topic across councils: the habit of comparing a council with its neighbours.

Each council's current position comes first: its latest report's paragraphs lead and older ones are marked
`earlier`; its latest grades are given apart from the grades of every report (`latest_judgements`, with the
framework they were given under). A stance ("strength", "concern", "mixed") keeps the paragraphs that say so.
"""
from __future__ import annotations

from typing import Any

from retrieval.query import understand
from retrieval.search import Filters, Searcher
from retrieval.stance import keep_stance

FRAMEWORK_NAMES = {"ilacs_2018": "ILACS (2018 on)", "sif_2013_2017": "Single inspection framework (2013-2017)",
                   "slac_2009_2012": "Safeguarding and looked after children (2009-2012)"}


def compare(searcher: Searcher, topic: str, councils: list[str], k: int = 5, latest: bool = False,
            stance: str | None = None) -> dict[str, Any]:
    """Per council: its top evidence on the topic (latest report first), its judgements, its latest report's
    grades and the recommendations on the topic."""
    keep_stance([], stance)  # an unknown stance is a ValueError naming the choices, before any searching
    searcher.refresh()
    q = understand(topic, councils=councils or None, known_councils=searcher.councils())
    names = q.councils
    text = q.text or topic
    out = []
    indexed = set(searcher.councils())
    current = searcher.latest_reports()
    history = bool(q.years or q.history)
    for name in names:
        if name not in indexed:
            out.append({"council": name, "indexed": False, "evidence": [], "judgements": [], "recommendations": [],
                        "latest_judgements": [], "message": f"No indexed report for {name}."})
            continue
        f = Filters(councils=[name], latest=latest or q.latest, year_from=q.year_from, year_to=q.year_to)
        ranked = searcher.search(text, f, k=k * 3)
        for e in ranked:
            e.earlier = e.report_id not in current and e.kind != "council_report"
        ranked = keep_stance(ranked, stance)
        if history or latest or q.latest:
            evidence = ranked[:k]
        else:
            evidence = _latest_first(searcher, text, name, ranked, k, stance)
        allowed = searcher.allowed_reports(f)
        ofsted = sorted((r for r in searcher.reports.values() if r["report_id"] in allowed
                         and r.get("kind") != "council_report"), key=lambda r: r.get("published") or "")
        judgements = searcher.judgements_for([r["report_id"] for r in ofsted])
        graded = [r for r in ofsted if r.get("judgements")]
        newest = graded[-1] if graded else None
        latest_j = [j for j in judgements if newest and j["report_id"] == newest["report_id"]]
        recs = searcher.related_recommendations(text, allowed, n=5)
        recs.sort(key=lambda r: r.get("published") or "", reverse=True)
        out.append({"council": name, "indexed": True, "evidence": [e.to_json() for e in evidence],
                    "judgements": judgements, "latest_judgements": latest_j,
                    "framework": FRAMEWORK_NAMES.get((newest or {}).get("framework") or "", None),
                    "recommendations": recs})
    return {"topic": topic, "councils": out, "stance": stance}


def _latest_first(searcher: Searcher, text: str, council: str, ranked: list, k: int, stance: str | None) -> list:
    """The council's latest report's own best paragraphs on the topic lead (when they share a word with it: a
    latest report silent on the topic adds nothing), then the rest in search order, latest report first."""
    from retrieval import lexical

    words = set(lexical.tokenize(text))
    lead = []
    for e in keep_stance(searcher.search(text, Filters(councils=[council], latest=True), k=2), stance):
        if not words & set(lexical.tokenize(e.text)):
            continue
        e.earlier = False
        lead.append(e)
    seen = {(e.report_id, e.paragraph, e.text[:80]) for e in lead}
    rest = [e for e in ranked if (e.report_id, e.paragraph, e.text[:80]) not in seen]
    rest.sort(key=lambda e: e.earlier)
    return (lead + rest)[:k]
