"""A recommendation's timescale as printed -> the date it falls due, counted from the report's publication date.

Reports print timescales as sub-headings over their recommendation lists: "Immediately", "Priority and immediate
action", "Within three months", "Within 6 months", "Within one year" (2009-2015 frameworks); later reports give
none. An officer's plan needs a date, not a phrase, and the date must be the one a committee would read off the
report: the publication date plus the period, calendar months as calendar months (31 January + 1 month = 28/29
February), which is what dateutil's relativedelta does. A timescale we cannot read gives no date rather than a guess.
"""
from __future__ import annotations

import re
from datetime import date

from dateutil.relativedelta import relativedelta

_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24, "twenty four": 24}
_NOW = re.compile(r"^\s*(?:immediate(?:ly)?|priority(?:\s+and\s+immediate(?:\s+actions?)?)?|with immediate effect|"
                  r"urgent(?:ly)?|now)\b", re.I)
_WITHIN = re.compile(r"^\s*(?:within|in|over|in the next|within the next|by)\s+(?:the\s+next\s+)?"
                     r"(?P<n>\d{1,3}|[a-z]+(?:[- ]four)?)\s+(?P<unit>days?|weeks?|months?|years?)\b", re.I)
_SINGLE = re.compile(r"^\s*(?:within|in)\s+(?:a|one|the next)\s+(?P<unit>day|week|month|year)\b", re.I)


def _published(published: str | date | None) -> date | None:
    if published is None:
        return None
    if isinstance(published, date):
        return published
    try:
        return date.fromisoformat(str(published).strip()[:10])
    except ValueError:
        return None


def period(timescale: str | None) -> relativedelta | None:
    """The time a printed timescale allows ("Immediately" -> no time at all); None when it sets no date."""
    s = re.sub(r"\s+", " ", (timescale or "").replace("\u2011", "-")).strip().rstrip(":.").strip()
    if not s:
        return None
    if _NOW.match(s):
        return relativedelta()
    m = _SINGLE.match(s)
    if m:
        return _delta(1, m.group("unit"))
    m = _WITHIN.match(s)
    if m:
        raw = m.group("n").lower()
        n = int(raw) if raw.isdigit() else _WORDS.get(raw)
        if n is None:
            return None
        return _delta(n, m.group("unit"))
    return None


def _delta(n: int, unit: str) -> relativedelta:
    u = unit.lower().rstrip("s")
    return {"day": relativedelta(days=n), "week": relativedelta(weeks=n), "month": relativedelta(months=n),
            "year": relativedelta(years=n)}[u]


def due_date(timescale: str | None, published: str | date | None) -> date | None:
    """When a recommendation falls due: the publication date plus the printed period ("Immediately" and "Priority
    and immediate action" fall due on the publication date). None when the report gives no timescale, prints one
    we cannot read as a period, or has no publication date."""
    start = _published(published)
    delta = period(timescale)
    if start is None or delta is None:
        return None
    return start + delta
