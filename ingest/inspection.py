"""When an inspection took place, what kind it was and who led it, read from the report's own words.

Regional tables of "where every council stands" hang on these four facts, and they are printed in many ways across
the three frameworks: "Inspection dates: 11 to 15 September 2023", "16 April 2018 to 27 April 2018",
"27 February – 10 March 2016", "15-19 July 2013", "30/11/2015 – 11/12/2015", a range over a month or a year end,
two ranges for an inspection split by a holiday, and the line broken anywhere. So the dates are read as a run of
date words (days, months, years, dashes, "to", "and") after the label, wherever the line breaks, and each part that
leaves out its month or year takes it from the part after it ("11 to 15 September 2023": the 11th is in September
2023; "28 December to 8 January 2019": the 28th is in December 2018).

The type: ILACS inspections are "short" (one week on site) or "standard" (two weeks); the reports do not print the
word, so it is decided from the days on site, with the report's own words ("short inspection") where the dates are
missing. SIF and SLAC inspections are named by their framework, visits by what they are.

The lead inspector is the name as printed, without the title: ILACS and SLAC print it on the front page ("Lead
inspector: Jo Smith, His Majesty's Inspector", "Reporting inspector Jo Smith HMI"); SIF reports print it in
"The inspection team" near the end; visit letters sign off with it ("Yours sincerely / Jo Smith / His Majesty's
Inspector").
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dateutil import parser as dateparser

from ingest.models import Document

MAX_DAYS_ON_SITE = 45  # a printed range longer than this is not an inspection's dates (a misread)


@dataclass
class Inspection:
    start: dt.date | None = None
    end: dt.date | None = None
    type: str | None = None  # short, standard (ILACS); sif; slac; monitoring_visit, focused_visit, jtai
    lead_inspector: str | None = None

    def fields(self) -> dict[str, str | None]:
        """As the Report's fields (ISO dates)."""
        return {"inspection_start": self.start.isoformat() if self.start else None,
                "inspection_end": self.end.isoformat() if self.end else None,
                "inspection_type": self.type, "lead_inspector": self.lead_inspector}


# ---------------------------------------------------------------------------------------------------- dates

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_DASH = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2500\u2501"
_TOKEN = re.compile(
    rf"(?P<numeric>\d{{1,2}})[/.](?P<nm>\d{{1,2}})[/.](?P<ny>(?:19|20)?\d\d)(?!\d)"
    rf"|(?P<year>(?:19|20)\d\d)(?!\d)"
    rf"|(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?![\d/])"
    rf"|(?P<month>{_MONTH})\.?(?![a-z])"
    rf"|(?P<sep>to|and|until|till|through|[{_DASH}&]+)(?![a-z])"
    rf"|(?P<skip>from|between|the|of|on|inclusive|(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?"
    rf"|,|\.|:|;|\(|\))(?![a-z])"
    rf"|(?P<other>\S)", re.I)
_LABEL = re.compile(r"\b(?:Inspection|Visit|Inspection\s+visit)\s+dates?\b\s*:?|\bDates?\s+of\s+(?:the\s+)?"
                    r"(?:inspection|visit)\b\s*:?", re.I)


_TOOK_PLACE = re.compile(r"\b(?:inspection|visit|fieldwork)\s+(?:took\s+place|was\s+(?:carried\s+out|undertaken|"
                         r"conducted|held))\b", re.I)


@dataclass
class _Part:
    day: int
    month: int | None = None
    year: int | None = None


def _month_number(word: str) -> int:
    return dateparser.parse(word.rstrip(".")).month


def _parts(text: str) -> list[_Part]:
    """The run of date words at the start of `text`, as day/month/year parts in printed order; it stops at the
    first word that is not part of a date range (e.g. "Lead inspector" after the dates)."""
    parts: list[_Part] = []
    for m in _TOKEN.finditer(text):
        if m.group("other") is not None:
            break
        if m.group("numeric"):
            y = int(m.group("ny"))
            parts.append(_Part(int(m.group("numeric")), int(m.group("nm")), y + 2000 if y < 100 else y))
        elif m.group("day"):
            parts.append(_Part(int(m.group("day"))))
        elif m.group("month"):
            if not parts or parts[-1].month is not None:
                break  # "September 2023" with no day, or a second month for one day: not a range we read
            parts[-1].month = _month_number(m.group("month"))
        elif m.group("year"):
            if not parts or parts[-1].year is not None:
                break
            parts[-1].year = int(m.group("year"))
    return parts


def _dates(parts: list[_Part]) -> list[dt.date]:
    """Each part's full date: a part without its month or year takes them from the part after it."""
    out: list[dt.date] = []
    later: dt.date | None = None
    for p in reversed(parts):
        month, year = p.month, p.year
        if month is None:
            if later is None:
                continue  # a trailing bare number (a page number after the dates)
            month = later.month
            if p.day > later.day:  # "28 to 3 March": the 28th of February
                month = month - 1 or 12
        if year is None:
            if later is None:
                continue
            year = later.year - (1 if (month, p.day) > (later.month, later.day) else 0)
        try:
            d = dt.date(year, month, p.day)
        except ValueError:
            continue
        out.append(d)
        later = d
    return sorted(out)


def parse_range(text: str | None) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day of a printed range of inspection dates, or (None, None) when it is not one."""
    found = _dates(_parts(text or ""))
    if not found:
        return None, None
    start, end = found[0], found[-1]
    if (end - start).days > MAX_DAYS_ON_SITE:
        return None, None
    return start, end


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").replace("\u00a0", " ")).strip()


def _front(doc: Document, pages: int = 2) -> str:
    return "\n".join(p.text for p in doc.pages[:pages])


def read_dates(doc: Document, printed: str | None = None) -> tuple[dt.date | None, dt.date | None]:
    """The inspection's first and last day: after the front page's "Inspection dates" label (any line breaks),
    else the dates line metadata kept (`printed`), else a running header that repeats the dates (ILACS pages), else
    a sentence saying when the inspection took place."""
    front = _flat(_front(doc, 3))
    for m in _LABEL.finditer(front):
        start, end = parse_range(front[m.end():m.end() + 200])
        if start:
            return start, end
    start, end = parse_range(printed)
    if start:
        return start, end
    # ILACS running header: "Inspection of X local authority children's services / 10 to 14 June 2024  2"
    for page in doc.pages[1:4]:
        m = re.search(r"children.s services\s*\n\s*(\d{1,2}\b.{4,80})", page.text, re.I)
        if m:
            start, end = parse_range(_flat(m.group(1)))
            if start:
                return start, end
    for m in _TOOK_PLACE.finditer(front):  # "The inspection took place between 11 and 15 September 2023"
        start, end = parse_range(front[m.end():m.end() + 200])
        if start:
            return start, end
    return None, None


# ---------------------------------------------------------------------------------------------------- type

_WEEKDAYS_SHORT = 5  # one working week on site


def _weekdays(start: dt.date, end: dt.date) -> int:
    return sum(1 for i in range((end - start).days + 1) if (start + dt.timedelta(i)).weekday() < 5)


def inspection_type(framework: str | None, kind: str, title: str, start: dt.date | None, end: dt.date | None,
                    text: str = "") -> str | None:
    """short / standard for ILACS inspections (by days on site), the framework for SIF and SLAC, what a visit is."""
    if kind in ("ofsted_visit", "ofsted_jtai"):
        low = title.lower()
        if "joint targeted" in low:
            return "jtai"
        if "focus" in low:
            return "focused_visit"
        return "monitoring_visit"
    if kind != "ofsted_inspection":
        return None
    if framework == "sif_2013_2017":
        return "sif"
    if framework == "slac_2009_2012":
        return "slac"
    if framework != "ilacs_2018":
        return None
    if start and end:
        return "short" if _weekdays(start, end) <= _WEEKDAYS_SHORT else "standard"
    m = re.search(r"\b(short|standard) inspection\b", text, re.I)
    return m.group(1).lower() if m else None


# ---------------------------------------------------------------------------------------------------- lead inspector

_NAME_WORD = r"(?:[A-ZÀ-ÖØ-Ý][\w'’\-]*\.?|(?:de|da|van|von|der|le|la|du|di|St\.?)(?=\s))"
_NAME = rf"{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{1,5}}"
_TITLE = re.compile(r",?\s*(?:\(?\bHMI\b\)?|(?:Her|His) Majesty\W{0,2}s?\s+Inspectors?(?: of [A-Z][\w ]+)?|"
                    r"\bHM\s+Inspector|Ofsted Inspector|Social Care Regulatory Inspector|Senior HMI|"
                    r"Regional Director)\b,?", re.I)
_LEAD = re.compile(r"(?<!deputy\s)\b(?:Lead|Reporting)\s+inspectors?(?:\s+on\s+site)?\s*[:\-\u2013]?[ \t]*", re.I)
_NOT_NAME = re.compile(r"\b(?:Judgements?|Grade|Inspection|Inspectors?|Age|Group|Published|Report|Children|Services|"
                       r"Council|Local|Authority|Ofsted|Team|Overall|Effectiveness|Date|The|This|Deputy|Lead|Senior|Quality)\b")
_SIGN_OFF = re.compile(r"Yours\s+(?:sincerely|faithfully)\s*,?\s*\n", re.I)


def _names(value: str) -> str | None:
    """'Jo Smith, His Majesty's Inspector, and Al Brown, HMI' -> 'Jo Smith and Al Brown' (None if no name)."""
    value = _TITLE.sub(" ; ", value)
    names: list[str] = []
    for piece in re.split(r"\s*;\s*|\s+and\s+|\s*&\s*", value):
        piece = re.sub(r"^and\s+", "", piece.strip(" ,."))
        if not piece:
            continue
        m = re.match(_NAME, piece)  # a name, perhaps followed by other words on its line
        cut = _NOT_NAME.search(m.group(0)) if m else None
        name = (m.group(0)[:cut.start()] if cut else m.group(0)).strip(" .") if m else ""
        if len(name.split()) < 2:
            break
        names.append(name)
        if cut or m.end() < len(piece):
            break
    return " and ".join(names) or None


def _after_label(text: str, m: re.Match[str]) -> str:
    """The words after a "Lead inspector:" label: its line, with the next line when the first ends mid-list
    ("Lead inspectors: Jo Smith, His Majesty's Inspector, and Al Brown, / His Majesty's Inspector") or is empty."""
    lines = text[m.end():].split("\n")
    value = lines[0]
    i = 1
    while i < len(lines) and i < 4 and (not value.strip() or re.search(r"(?:,|\band)\s*$", value)):
        value += " " + lines[i]
        i += 1
    return re.sub(r"\s+", " ", value).strip()


def lead_inspector(doc: Document, kind: str) -> str | None:
    """The lead (or reporting) inspector's name as printed, front page first, then the team list at the end; a
    visit letter's signature."""
    for text in (_front(doc), "\n".join(p.text for p in doc.pages[2:])):
        text = text.replace("\u00a0", " ")
        for m in _LEAD.finditer(text):
            name = _names(_after_label(text, m))
            if name:
                return name
    if kind in ("ofsted_visit", "ofsted_jtai"):
        text = doc.text.replace("\u00a0", " ")
        for m in _SIGN_OFF.finditer(text):
            lines = [x.strip() for x in text[m.end():].split("\n") if x.strip()][:2]
            if lines:
                name = _names(lines[0])
                if name:
                    return name
    return None


# ---------------------------------------------------------------------------------------------------- all four

def read_inspection(doc: Document, kind: str, framework: str | None, title: str = "",
                    printed_dates: str | None = None) -> Inspection:
    """The inspection's dates, type and lead inspector. Council reports describe someone else's inspection: only
    the dates they print are kept."""
    if kind == "council_report":
        start, end = parse_range(printed_dates)
        return Inspection(start=start, end=end)
    start, end = read_dates(doc, printed_dates)
    text = _flat(_front(doc, 3))
    return Inspection(start=start, end=end, type=inspection_type(framework, kind, title, start, end, text),
                      lead_inspector=lead_inspector(doc, kind))
