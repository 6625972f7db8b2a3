"""The citation an officer pastes into a cabinet report, built from a report's fields and one paragraph.

"Ofsted, Inspection of Devon local authority children's services, published 12 May 2015, paragraph 41" for an
Ofsted report; "Herefordshire Council, Cabinet, 11 September 2014, paragraph 10" for a council's own report. One
function writes both so every card, export and JSON answer cites a passage the same way.
"""
from __future__ import annotations

import re
from datetime import date

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
# Parts of a report whose numbering restarts, written as a reader would ("lscb review" -> "LSCB review").
_PART_WORDS = {"lscb": "LSCB", "lscp": "LSCP", "scr": "SCR", "jtai": "JTAI", "slac": "SLAC", "sif": "SIF",
               "ilacs": "ILACS", "annex": "annex", "appendix": "appendix"}
# Councils whose proper title is not "<name> Council".
_COUNCIL_TITLES = {"City of London": "City of London Corporation", "Isles of Scilly": "Council of the Isles of Scilly"}


def long_date(published: str | None) -> str | None:
    """"2015-05-12" -> "12 May 2015"; "2015-05" -> "May 2015"; anything else is returned as given."""
    if not published:
        return None
    s = published.strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?", s)
    if m:
        try:
            d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return s
        return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"
    m = re.fullmatch(r"(\d{4})-(\d{2})", s)
    if m and 1 <= int(m.group(2)) <= 12:
        return f"{_MONTHS[int(m.group(2)) - 1]} {m.group(1)}"
    return s


def council_title(council: str) -> str:
    """"Herefordshire" -> "Herefordshire Council"; a name that already ends with Council is kept as it is."""
    name = (council or "").strip()
    if not name:
        return "Council"
    if name in _COUNCIL_TITLES:
        return _COUNCIL_TITLES[name]
    if re.search(r"\b(council|corporation)$", name, re.IGNORECASE):
        return name
    return f"{name} Council"


def _part_label(part: str | None) -> str | None:
    if not part or part.strip().lower() in ("main", "body", ""):
        return None
    words = [_PART_WORDS.get(w.lower(), w) for w in re.split(r"[\s_]+", part.strip())]
    label = " ".join(words)
    return label[0].upper() + label[1:] if label else None


def _locator(paragraph: str | None, page: int | None, part: str | None) -> str | None:
    label = _part_label(part)
    para = (paragraph or "").strip()
    if para:
        where = f"paragraph {para}"
    elif page:
        where = f"page {page}"
    else:
        return label
    return f"{label} {where}" if label else where


def _names(title: str, council: str) -> bool:
    """Whether a title already names the council (any spelling the gazetteer equates)."""
    from ingest.gazetteer import find_all, key

    if key(council) and key(council) in key(title):
        return True
    return any(key(c.name) == key(council) for c, _, _ in find_all(title))


def citation(*, council: str, kind: str, title: str, published: str | None, paragraph: str | None,
             page: int | None, committee: str | None = None, part: str | None = None) -> str:
    """A citation ready to paste, naming the report, its date and where in it the passage is.

    "paragraph N" when the report numbers its paragraphs, else "page P". A part whose numbering restarts (an LSCB
    review bound into the report) is named before the number, so "paragraph 12" cannot be confused with the main
    report's paragraph 12.
    """
    when = long_date(published)
    where = _locator(paragraph, page, part)
    if kind == "council_report":
        pieces = [council_title(council), (committee or "").strip() or (title or "").strip(), when, where]
    else:
        name = (title or "").strip() or f"Inspection of {council} children's services"
        if council and not _names(name, council):
            name = f"{name} ({council})"  # older titles do not name the council; a pasted citation must
        pieces = ["Ofsted", name, f"published {when}" if when else None, where]
    return ", ".join(p for p in pieces if p)
