"""One council over time: its inspections' judgements, its recommendations report by report, and where its
statistical neighbours stood at their latest inspection.

Grades are put on one ordinal scale so inspections under different frameworks can share a chart: Outstanding 4,
Good 3, Requires improvement / Adequate 2, Inadequate 1 (the 2009-12 'Adequate' and the 2013-on 'Requires
improvement' sit on the same step). The printed grade is always kept beside the number.
"""
from __future__ import annotations

from typing import Any

from ingest import gazetteer
from ingest.judgements import LEVELS, area_family, grade_level, is_overall  # noqa: F401  (the one vocabulary)
from retrieval import councils


def overall_judgement(judgements: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The report's headline grade: the first 'overall effectiveness' judgement, else its first judgement."""
    if not judgements:
        return None
    for j in judgements:
        if is_overall(j.get("area")) and grade_level(j.get("grade")):
            return j
    return next((j for j in judgements if grade_level(j.get("grade"))), None)


def resolve_council(name: str, indexed: list[str]) -> str | None:
    """An indexed council's proper name for what the user typed; else the gazetteer's name; else None."""
    if not name:
        return None
    low = name.strip().lower()
    for c in indexed:
        if c.lower() == low:
            return c
    c = councils.lookup(name)
    return c.name if c else None


def _ofsted(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in reports if r.get("kind") != "council_report"]


def council_reports(searcher, council: str) -> list[dict[str, Any]]:
    """Every indexed report for a council, oldest first."""
    reps = [r for r in searcher.reports.values() if (r.get("council") or "").lower() == council.lower()]
    return sorted(reps, key=lambda r: (r.get("published") or "", r["report_id"]))


def latest_overall(searcher, council: str) -> dict[str, Any] | None:
    """A council's latest Ofsted inspection that carries a grade, with its headline judgement."""
    for rep in reversed(_ofsted(council_reports(searcher, council))):
        j = overall_judgement(rep.get("judgements") or [])
        if j:
            return {"report_id": rep["report_id"], "published": rep.get("published"), "area": j.get("area"),
                    "grade": j.get("grade"), "level": grade_level(j.get("grade")), "title": rep.get("title")}
    return None


def profile(searcher, council: str, neighbours: int = 10) -> dict[str, Any]:
    """Everything the council profile shows, as plain JSON-able data."""
    from retrieval.search import recommendation_json

    searcher.refresh()
    indexed = searcher.councils()
    name = resolve_council(council, indexed)
    if name is None:
        return {"council": council, "known": False, "indexed": False, "reports": [], "judgements": [],
                "recommendations": [], "neighbours": [],
                "message": f"{council!r} is not an English council with children's services that we know of."}
    reps = council_reports(searcher, name)
    out: dict[str, Any] = {"council": name, "known": True, "indexed": bool(reps), "reports": [], "judgements": [],
                           "recommendations": [], "neighbours": []}
    if not reps:
        out["message"] = (f"No indexed report for {name}. Add its inspection reports on the Library page "
                          "(or with `inspections ingest`).")
    for rep in reps:
        out["reports"].append({k: rep.get(k) for k in ("report_id", "council", "kind", "framework", "title",
                                                       "published", "inspection_dates", "source", "pages",
                                                       "paragraphs")})
        for j in rep.get("judgements") or []:
            out["judgements"].append({"report_id": rep["report_id"], "published": rep.get("published"),
                                      "framework": rep.get("framework"), "kind": rep.get("kind"),
                                      "area": j.get("area"), "grade": j.get("grade"), "score": j.get("score"),
                                      "level": grade_level(j.get("grade")), "overall": is_overall(j.get("area")),
                                      "family": area_family(j.get("area"))})
    if reps:
        rows = searcher.store.recommendations([r["report_id"] for r in reps])
        by_report: dict[str, list[dict[str, Any]]] = {}
        for r in rows:
            by_report.setdefault(r["report_id"], []).append(
                recommendation_json(r, r["text"], searcher.reports.get(r["report_id"])))
        for rep in reversed(reps):  # newest first: the one an officer is acting on
            if rep["report_id"] in by_report:
                out["recommendations"].append({"report_id": rep["report_id"], "title": rep.get("title"),
                                               "kind": rep.get("kind"), "published": rep.get("published"),
                                               "items": by_report[rep["report_id"]]})
    own = latest_overall(searcher, name) if reps else None
    out["latest"] = own
    indexed_set = {c.lower() for c in indexed}
    for rank, n in enumerate(gazetteer.neighbours(name)[:neighbours], 1):
        row = {"rank": rank, "council": n.name, "indexed": n.name.lower() in indexed_set, "published": None,
               "area": None, "grade": None, "level": None}
        if row["indexed"]:
            lat = latest_overall(searcher, n.name)
            if lat:
                row.update({k: lat[k] for k in ("published", "area", "grade", "level", "report_id")})
        out["neighbours"].append(row)
    return out
