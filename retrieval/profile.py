"""One council over time: its inspections' judgements, its recommendations report by report, and where its
statistical neighbours stood at their latest inspection.

Grades are put on one ordinal scale so inspections under different frameworks can share a chart: Outstanding 4,
Good 3, Requires improvement / Adequate 2, Inadequate 1 (the 2009-12 'Adequate' and the 2013-on 'Requires
improvement' sit on the same step). The printed grade is always kept beside the number.
"""
from __future__ import annotations

import re
from typing import Any

from ingest import gazetteer
from retrieval import councils

LEVELS = {4: "Outstanding", 3: "Good", 2: "Requires improvement / Adequate", 1: "Inadequate"}


def grade_level(grade: str | None) -> int | None:
    """The ordinal step of a printed grade, or None when it is not one of the four."""
    g = (grade or "").strip().lower()
    if not g:
        return None
    if g.startswith("outstanding"):
        return 4
    if g.startswith("good"):
        return 3
    if g.startswith(("requires improvement", "adequate")):
        return 2
    if g.startswith("inadequate"):
        return 1
    return None


def is_overall(area: str | None) -> bool:
    return bool(re.search(r"\boverall\b", (area or "").lower()))


FAMILIES = [  # (label, pattern over the printed area, lower case); first match wins
    ("Overall effectiveness (looked after children, 2009-12)", r"looked after children > overall effectiveness"),
    ("Overall effectiveness (safeguarding, 2009-12)", r"safeguarding services > overall effectiveness"),
    ("Overall effectiveness", r"^overall effectiveness$"),
    ("Help and protection", r"need help and protection"),
    ("Children in care", r"children looked after and achieving permanence|children in care"),
    ("Care leavers", r"care leavers"),
    ("Leadership", r"leadership, management and governance|impact of leaders"),
    ("Safeguarding board (LSCB)", r"local safeguarding children board"),
    ("Adoption", r"^adoption performance$"),
]


def area_family(area: str | None) -> str | None:
    """The headline series a printed judgement area belongs to, so one line can run across frameworks
    ("Children looked after and achieving permanence" in 2014, "... children in care ..." in 2019); None for the
    finer 2009-12 sub-judgements, which are listed but not charted by default."""
    a = re.sub(r"\s+", " ", (area or "").lower()).strip()
    for label, pattern in FAMILIES:
        if re.search(pattern, a):
            return label
    return None


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
