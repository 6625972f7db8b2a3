"""Where every council stands: its latest full inspection (dates, type, lead inspector, grades), how long ago it
started, how long Ofsted took to publish it, when the next one is likely, and whether the grade went up or down.

Regional improvement partnerships keep these tables by hand ("by manual data transfer and therefore subject to
errors"); here every figure comes from the reports in the library, as of a date:
- only reports published on or before the as-of date count, so a table "as of 1 April 2024" is the one that could
  have been drawn up that day;
- a *full* inspection is an Ofsted inspection of the council's children's services under any framework (SLAC
  2009-12, SIF 2013-17, ILACS 2018 on); monitoring and focused visits, joint targeted area inspections and a
  stand-alone review of the safeguarding board are not;
- grades sit on one scale across frameworks (ingest/judgements.py: Outstanding 4, Good 3, Requires improvement /
  Adequate 2, Inadequate 1), so a change since the previous full inspection can be read as improved / same /
  declined; where the two inspections were under different frameworks the change says so;
- the window for the next inspection is not Ofsted's schedule (which is not published per council): it is the
  shortest, median and longest gap between the starts of two consecutive full inspections of one council seen in
  the library, among councils that held the same grade (under the same framework as the council's latest
  inspection when there are enough such gaps: the schedule changed with each framework), added to the start of the
  council's latest inspection, and it is stated as such, with how many gaps it rests on.
"""
from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from typing import Any

from dateutil import parser as dateparser

from ingest import gazetteer
from ingest.judgements import LEVELS, grade_level, is_overall
from retrieval.profile import overall_judgement
from retrieval.themes import region_of, resolve_region

MIN_GAPS = 3  # fewer gaps than this under one framework: the window uses every framework's gaps
FRAMEWORK_NAMES = {"slac_2009_2012": "SLAC (2009-12)", "sif_2013_2017": "SIF (2013-17)", "ilacs_2018": "ILACS (2018 on)"}


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        pass
    try:
        return dateparser.parse(str(value), dayfirst=True).date()
    except (ValueError, OverflowError) as e:
        raise ValueError(f"not a date: {value!r} (write it as YYYY-MM-DD)") from e


def _reports(searcher_or_store) -> list[dict[str, Any]]:
    """Every report record, from a Searcher (its cached reports) or a Store."""
    if hasattr(searcher_or_store, "refresh") and hasattr(searcher_or_store, "reports"):
        searcher_or_store.refresh()
        return list(searcher_or_store.reports.values())
    return list(searcher_or_store.reports())


def is_full_inspection(report: dict[str, Any]) -> bool:
    """An inspection of the council's children's services (not a visit, a JTAI letter or a board review alone)."""
    title = (report.get("title") or "").strip().lower()
    return report.get("kind") == "ofsted_inspection" and not title.startswith("review of")


def _start(r: dict[str, Any]) -> dt.date | None:
    return _date(r.get("inspection_start")) or _date(r.get("inspection_end")) or _date(r.get("published"))


def _grade(r: dict[str, Any]) -> tuple[dict[str, Any] | None, int | None]:
    j = overall_judgement(r.get("judgements") or [])
    return j, grade_level(j.get("grade")) if j else None


def _gap_table(by_council: dict[str, list[dict[str, Any]]]) -> dict[tuple[str | None, int], list[int]]:
    """Days between the starts of consecutive full inspections of one council, by the framework and grade of the
    first one; the key (None, grade) holds every framework's gaps."""
    gaps: dict[tuple[str | None, int], list[int]] = defaultdict(list)
    for reps in by_council.values():
        for a, b in zip(reps, reps[1:]):
            level = _grade(a)[1]
            sa, sb = _start(a), _start(b)
            if level and sa and sb and sb > sa:
                gaps[(a.get("framework"), level)].append((sb - sa).days)
                gaps[(None, level)].append((sb - sa).days)
    return gaps


def _spread(days: list[int]) -> dict[str, Any]:
    return {"count": len(days), "min_days": min(days), "median_days": round(statistics.median(days)),
            "max_days": max(days)}


def _window(start: dt.date | None, level: int | None, framework: str | None,
            gaps: dict[tuple[str | None, int], list[int]], as_of: dt.date) -> dict[str, Any]:
    """The next inspection's likely window. Gaps after an inspection under the same framework are used when there
    are at least MIN_GAPS of them (the schedule changed with each framework); else the gaps of every framework."""
    label = LEVELS.get(level or 0)
    if start is None or not level:
        return {"basis": None, "gaps": 0, "note": "no overall grade or start date to base a window on"}
    days = gaps.get((framework, level)) or []
    basis = f"councils graded {label} under {FRAMEWORK_NAMES.get(framework, 'the same framework')}"
    if len(days) < MIN_GAPS:
        days = gaps.get((None, level)) or []
        basis = f"councils graded {label} (any framework)"
    if not days:
        return {"basis": basis, "gaps": 0,
                "note": f"no council graded {label} has two consecutive full inspections in the library yet"}
    s = _spread(days)
    earliest = start + dt.timedelta(s["min_days"])
    median = start + dt.timedelta(s["median_days"])
    latest = start + dt.timedelta(s["max_days"])
    if as_of < earliest:
        status = "before the window"
    elif as_of <= latest:
        status = "in the window"
    else:
        status = "past the longest gap seen"
    return {"basis": basis, "gaps": s["count"], "min_days": s["min_days"],
            "median_days": s["median_days"], "max_days": s["max_days"], "earliest": earliest.isoformat(),
            "median": median.isoformat(), "latest": latest.isoformat(), "status": status,
            "note": (f"between {s['min_days']} and {s['max_days']} days (median {s['median_days']}) after the "
                     f"start of the latest inspection: the shortest, median and longest gap between consecutive "
                     f"full inspections seen in this library for {basis} "
                     f"({s['count']} gap{'s' if s['count'] != 1 else ''}); not Ofsted's schedule")}


def _change(prev: dict[str, Any] | None, level: int | None) -> tuple[str | None, str | None]:
    if prev is None:
        return None, "no earlier full inspection in the library"
    before = _grade(prev)[1]
    if not level or not before:
        return None, "a grade is missing, so the change cannot be read"
    change = "improved" if level > before else "declined" if level < before else "same"
    return change, None


def outcomes(searcher_or_store, region: str | None = None, as_of: dt.date | str | None = None) -> dict[str, Any]:
    """Every council's latest full inspection as of a date (today by default), with the figures described above,
    the grade distribution by region and the gaps the next-inspection windows rest on. `region` limits the rows
    (and the distribution) to one region; the gaps always come from the whole library. Raises ValueError for an
    unknown region or an unreadable date."""
    day = _date(as_of) or dt.date.today()
    wanted = resolve_region(region) if region else None
    reports = [r for r in _reports(searcher_or_store)
               if (_date(r.get("published")) or _date(r.get("inspection_end")) or dt.date.min) <= day]
    full: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in reports:
        if is_full_inspection(r) and r.get("council"):
            full[r["council"]].append(r)
    for reps in full.values():
        reps.sort(key=lambda r: (_start(r) or dt.date.min, r.get("published") or "", r["report_id"]))
    gaps = _gap_table(full)

    rows = []
    for council, reps in full.items():
        reg = region_of(council)
        if wanted and reg != wanted:
            continue
        latest, prev = reps[-1], (reps[-2] if len(reps) > 1 else None)
        j, level = _grade(latest)
        start, end, published = _start(latest), _date(latest.get("inspection_end")), _date(latest.get("published"))
        change, change_note = _change(prev, level)
        if change and prev.get("framework") != latest.get("framework"):
            change_note = (f"compared across frameworks: {FRAMEWORK_NAMES.get(prev.get('framework'), '?')} then "
                           f"{FRAMEWORK_NAMES.get(latest.get('framework'), '?')}, on one scale (Requires "
                           "improvement and Adequate on the same step)")
        g = gazetteer.lookup(council)
        rows.append({
            "council": council, "region": reg, "la_code": g.code if g else None,
            "report_id": latest["report_id"], "title": latest.get("title"), "framework": latest.get("framework"),
            "inspection_type": latest.get("inspection_type"), "inspection_start": latest.get("inspection_start"),
            "inspection_end": latest.get("inspection_end"), "lead_inspector": latest.get("lead_inspector"),
            "published": latest.get("published"),
            "overall_grade": j.get("grade") if j else None, "overall_area": j.get("area") if j else None,
            "overall_level": level,
            "judgements": [{"area": x.get("area"), "grade": x.get("grade"), "level": grade_level(x.get("grade")),
                            "overall": is_overall(x.get("area"))} for x in latest.get("judgements") or []],
            "days_since_start": (day - start).days if start else None,
            "days_to_publish": (published - end).days if published and end else None,
            "next_window": _window(start, level, latest.get("framework"), gaps, day),
            "previous": None if prev is None else {
                "report_id": prev["report_id"], "published": prev.get("published"),
                "framework": prev.get("framework"), "inspection_start": prev.get("inspection_start"),
                "overall_grade": _grade(prev)[0].get("grade") if _grade(prev)[0] else None,
                "overall_level": _grade(prev)[1]},
            "change": change, "change_note": change_note,
            "full_inspections": len(reps),
            "neighbours": [n.name for n in gazetteer.neighbours(council)],
        })
    rows.sort(key=lambda r: (r["region"], r["council"]))

    in_scope = [c for c in gazetteer.councils() if not wanted or c.region == wanted]
    by_region = []
    for reg in sorted({c.region or "Unknown" for c in in_scope} | {r["region"] for r in rows}):
        mine = [r for r in rows if r["region"] == reg]
        counts = Counter(r["overall_level"] for r in mine)
        by_region.append({"region": reg, "councils": sum(1 for c in in_scope if (c.region or "Unknown") == reg),
                          "inspected": len(mine),
                          "grades": {LEVELS[lv]: counts.get(lv, 0) for lv in sorted(LEVELS, reverse=True)},
                          "no_grade": counts.get(None, 0)})
    shown = {r["council"] for r in rows}
    publish = [(_date(r.get("published")) - _date(r.get("inspection_end"))).days
               for reps in full.values() for r in reps if _date(r.get("published")) and _date(r.get("inspection_end"))]
    return {
        "as_of": day.isoformat(), "region": wanted, "councils": rows, "by_region": by_region,
        "gaps": [{"grade": LEVELS[lv], "level": lv, "framework": fw, **_spread(gaps[(fw, lv)])}
                 for fw, lv in sorted(gaps, key=lambda k: (-k[1], k[0] or ""))],
        "days_to_publish": _spread(publish) if publish else None,
        "not_inspected": sorted(c.name for c in in_scope if c.name not in shown),
        "method": ("Latest full inspection (SLAC, SIF or ILACS; not visits) published on or before the as-of date. "
                   "Next-inspection window: the shortest, median and longest gap between the starts of consecutive "
                   "full inspections of one council seen in this library, among councils that held the same "
                   f"overall grade under the same framework (every framework when fewer than {MIN_GAPS} such gaps), "
                   "counted from the start of the latest inspection; not Ofsted's schedule."),
    }
