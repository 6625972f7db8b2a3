"""Councils by grade: "which councils were judged outstanding for care leavers", "inadequate councils in the North
West" are answered from the judgements, not from paragraphs that happen to hold the words: each council's latest
judged Ofsted report, its grade for the area asked (overall effectiveness when none is named), cited.

A superseded judgement table is never read as the answer: only the latest report with judgements counts, and an
earlier grade is given only as what it was.
"""
from __future__ import annotations

import re
from typing import Any

from ingest.judgements import area_key, canonical_grade, grade_level
from retrieval.citation import citation
from retrieval.query import Query

_GRADE_ASKED = re.compile(r"\b(outstanding|good|requires? improvement(?: to be good)?|inadequate|adequate)\b", re.I)
_LIST_QUESTION = re.compile(r"\bwhich\b|\blist\b|\bcouncils\b|\blocal authorities\b|\bauthorities\b|\blas\b", re.I)
# The area a question names, as ingest/judgements.area_key names it.
_AREAS = [("leavers", re.compile(r"\bcare leavers?\b|\bleaving care\b|\bcare[- ]experienced\b", re.I)),
          ("in_care", re.compile(r"\bchildren in care\b|\blooked after\b|\blac\b|\bcla\b|\bin care\b", re.I)),
          ("help", re.compile(r"\bhelp and protection\b|\bchild protection\b|\bsafeguarding\b|\bearly help\b", re.I)),
          ("leaders", re.compile(r"\bleaders?\b|\bleadership\b|\bmanagement\b", re.I))]
AREA_NAMES = {"overall": "overall effectiveness", "leavers": "care leavers", "in_care": "children in care",
              "help": "help and protection", "leaders": "leadership"}


def is_grade_list(q: Query) -> bool:
    """A question asking which councils hold a grade (not what one council's report says)."""
    m = _GRADE_ASKED.search(q.question)
    if not m or (q.intent != "judgements" and (m.group(1).lower() == "good" or getattr(q, "stance", None))):
        return False  # "good at", "good practice" ask for praise, not for a grade
    return bool(getattr(q, "general", False) or getattr(q, "region", None)
                or (not q.councils and _LIST_QUESTION.search(q.question)))


def councils_by_grade(searcher, q: Query) -> dict[str, Any]:
    """Each council (of the question's region or councils, else every indexed one) whose latest judged report
    gives the asked grade for the asked area, with the report and its citation; `considered` says of how many."""
    m = _GRADE_ASKED.search(q.question)
    asked = canonical_grade(m.group(1)) if m else None
    level = grade_level(asked)
    area = next((key for key, rx in _AREAS if rx.search(q.question)), "overall")
    wanted = set(q.councils) if q.councils else None
    latest: dict[str, dict[str, Any]] = {}
    for r in searcher.reports.values():
        if r.get("kind") == "council_report" or not r.get("judgements"):
            continue
        if wanted is not None and r["council"] not in wanted:
            continue
        cur = latest.get(r["council"])
        if cur is None or (r.get("published") or "") > (cur.get("published") or ""):
            latest[r["council"]] = r
    rows = []
    for council, rep in sorted(latest.items()):
        judgement = _judgement_for(rep.get("judgements") or [], area)
        if judgement is None or (level is not None and grade_level(judgement["grade"]) != level):
            continue
        rows.append({"council": council, "report_id": rep["report_id"], "published": rep.get("published"),
                     "framework": rep.get("framework"), "area": judgement["area"], "grade": judgement["grade"],
                     "citation": citation(council=council, kind=rep["kind"], title=rep.get("title") or "",
                                          published=rep.get("published"), paragraph=None, page=1,
                                          committee=rep.get("committee"))})
    return {"grade": asked, "area": AREA_NAMES[area], "region": getattr(q, "region", None),
            "considered": len(latest), "councils": rows}


def _judgement_for(judgements: list[dict[str, Any]], area: str) -> dict[str, Any] | None:
    """The judgement of a report for an area; 2018-2022 reports judge children in care and care leavers together."""
    keys = [(area_key(j.get("area") or ""), j) for j in judgements]
    for key, j in keys:
        if key == area:
            return j
    for key, j in keys:
        if key == "in_care+leavers" and area in ("in_care", "leavers"):
            return j
    return None
