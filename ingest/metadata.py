"""Who a report is about, what kind it is and when it was published, read from the document's own words.

Users' downloads are named like 50231520.pdf, so nothing here looks at a file name: the council comes from the title
page (or a council report's header), the kind and inspection framework from the title wording (not the year: SIF
re-inspections ran into 2018), and the publication date from the "Published:" line that 2012-2017 reports print.
2018+ reports print no publication date; for them Ofsted publishes on the next working day after it made the final
PDF (/CreationDate; England and Wales bank holidays skipped). Measured by bench/metadata_check.py on the 180
shared-corpus PDFs without a printed date, that gives the date Ofsted lists exactly for 140 (0.78) and within five
days for 175; the rest are batches Ofsted held back a few days, or PDFs re-made after publication. Richer rules
(an offset per weekday, files made after 17:00 a day later) score no better when whole publication days are held out.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import holidays

from ingest import gazetteer
from ingest.models import Document, IngestError


@dataclass
class Metadata:
    council: str  # gazetteer proper name
    kind: str  # "ofsted_inspection" | "ofsted_visit" | "council_report"
    framework: str | None  # "slac_2009_2012" | "sif_2013_2017" | "ilacs_2018" (None for council reports)
    title: str  # as printed (whitespace, apostrophes and footnote markers tidied)
    published: str | None  # YYYY-MM-DD: printed/derived publication date; a council report's meeting date
    inspection_dates: str | None  # as printed, e.g. "11 to 15 November 2024"
    committee: str | None = None  # council reports: "Cabinet", "Executive" ...


# ---------------------------------------------------------------------------------------------------- dates

_MONTHS = {m[:3].lower(): i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
     "December"], start=1)}
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
          r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
DATE = rf"(?:{_DAY}\s+{_MONTH},?\s+(?:19|20)\d\d|\d{{1,2}}/\d{{1,2}}/(?:19|20)\d\d)"
_DATE_PARTS = re.compile(rf"({_DAY})\s+({_MONTH}),?\s+((?:19|20)\d\d)|(\d{{1,2}})/(\d{{1,2}})/((?:19|20)\d\d)", re.I)


def parse_date(text: str) -> dt.date | None:
    """The first date written in `text` ("7 July 2017", "07 Feb 2017", "25/11/2016" day first), or None."""
    m = _DATE_PARTS.search(text or "")
    if not m:
        return None
    try:
        if m.group(1):
            return dt.date(int(m.group(3)), _MONTHS[m.group(2)[:3].lower()], int(re.sub(r"\D", "", m.group(1))))
        return dt.date(int(m.group(6)), int(m.group(5)), int(m.group(4)))
    except (ValueError, KeyError):
        return None


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[dt.date]:
    """England's bank holidays of a year (with substitute days and one-off ones), from the `holidays` package:
    Ofsted publishes on working days only."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def next_working_day(day: dt.date) -> dt.date:
    day += dt.timedelta(1)
    while day.weekday() >= 5 or day in bank_holidays(day.year):
        day += dt.timedelta(1)
    return day


def pdf_date(value: str | None) -> dt.datetime | None:
    """A PDF info date ("D:20170706144149+01'00'") as the local date and time it was written, or None."""
    m = re.match(r"\s*(?:D:)?(\d{4})(\d\d)?(\d\d)?(\d\d)?(\d\d)?", str(value or ""))
    if not m:
        return None
    try:
        return dt.datetime(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1), int(m.group(4) or 0),
                           int(m.group(5) or 0))
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------------- text helpers

def _tidy(text: str) -> str:
    """Text with markdown/HTML emphasis removed and curly apostrophes straightened, lines kept."""
    text = re.sub(r"</?[a-zA-Z][^>]*>", "", text)
    text = text.replace("**", "").replace("\u00a0", " ")
    text = _APOSTROPHES.sub("'", text)
    text = re.sub(r"(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])", "", text)  # *To:* -> To:
    # "children ' s", "childrens", "children s" (a glyph the PDF's font did not map): one spelling for the titles
    return _CHILDRENS.sub(lambda m: m.group(1) + ("'S" if m.group(1).isupper() else "'s"), text)


_APOSTROPHES = re.compile("[\u2019\u2018\u02bc\u2032\u00b4`\uff07]")
_CHILDRENS = re.compile(r"\b(children)(?:\s*'\s*|\s)?s\b", re.I)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", _tidy(text)).strip()


def _head(doc: Document, chars: int = 4000) -> str:
    """The title page: page 1 of a PDF (with page 2 when page 1 is a near-empty cover), else the first characters."""
    if doc.source_type == "pdf" and len(doc.pages) > 0:
        head = doc.pages[0].text
        if len(head.strip()) < 300 and len(doc.pages) > 1:
            head += "\n" + doc.pages[1].text
        return head[:chars * 2]
    return doc.text[:chars]


# ---------------------------------------------------------------------------------------------------- Ofsted titles

# (pattern, framework, kind). Any case (a front page may set its title in capitals), but a title starts with a capital
# letter (checked in _find_title): a council report's "the Ofsted inspection of services for children ..." is not one.
_TITLES: list[tuple[re.Pattern[str], str | None, str]] = [
    (re.compile(r"\bInspection of children's social care services", re.I), "ilacs_2018", "ofsted_inspection"),
    (re.compile(r"\bInspection of (?:(?P<who>(?:the )?[A-Z](?:[^.:;]|(?<=St)\.){1,110}?) )?"
                r"(?:local authority |council )?children's services(?! in\b)", re.I), "ilacs_2018",
     "ofsted_inspection"),
    (re.compile(r"\b(?:Re-? ?inspection|Reinspection|Inspection) of services for children in need of help and "
                r"protection,? children looked after and care leavers", re.I), "sif_2013_2017", "ofsted_inspection"),
    (re.compile(r"\bReview of the effectiveness of the Local Safeguarding Children Board", re.I), "sif_2013_2017",
     "ofsted_inspection"),
    (re.compile(r"\bInspection of safeguarding and looked after children services", re.I), "slac_2009_2012",
     "ofsted_inspection"),
    (re.compile(r"\bInspection of (?:the )?looked after children services", re.I), "slac_2009_2012",
     "ofsted_inspection"),
    (re.compile(r"\bInspection of (?:the )?(?:local authority )?arrangements for the protection of children", re.I),
     "slac_2009_2012", "ofsted_inspection"),
]
_VISIT = re.compile(r"\b(?:Monitoring|Focused|Focussed) visit (?:to|of|on) (?P<who>(?:[^.:;]|(?<=St)\.){2,110}?)"
                    r"(?: local authority)?(?: children's services|$| on\b| carried)", re.I)
# "Joint targeted area inspection of Tameside" (2022 on) or "... of the multi-agency response to abuse and neglect in
# Tameside" (2016-2021): the council is the first one named before the sentence ends
_JTAI = re.compile(r"\bJoint targeted area inspection(?: \(JTAI\))? (?:of|in) (?P<who>[^.]{2,260}?)(?=\.|$| This letter)",
                   re.I)
_TITLE_WINDOW = 900  # an Ofsted title sits at the top of page 1 (after at most a running header and a page number)
_OFSTED_SIGNS = re.compile(r"Inspection dates?\b|Lead inspector|Reporting inspector|Her Majesty's Inspector|"
                           r"His Majesty's Inspector|\bHMI\b|Ofsted|Age group", re.I)


def _find_title(flat_head: str, window: int = _TITLE_WINDOW) -> tuple[re.Match[str], str | None, str] | None:
    """The earliest Ofsted report title on the title page (starting within `window` characters), with its framework
    and kind."""
    best = None
    for pat, framework, kind in _TITLES:
        m = next((m for m in pat.finditer(flat_head, 0, window + 400) if m.group(0)[:1].isupper()), None)
        if m and m.start() <= window and (best is None or m.start() < best[0].start()):
            best = (m, framework, kind)
    return best


def _clean_title(text: str) -> str:
    text = re.sub(r"(?<=[a-z])\d{1,2}\b", "", text)  # footnote markers: "Care Leavers1"
    return re.sub(r"\s+", " ", text).strip(" ,.-")


# ---------------------------------------------------------------------------------------------------- councils

_NHS = re.compile(r"\bNHS(?:\s+(?:[A-Z][\w'&-]*|and|&|of|the))+|"
                  r"\b(?:(?!Council\b|Borough\b)[A-Z][\w'&-]*\s+(?:and\s+|&\s+)?){1,3}"
                  r"(?:Clinical Commissioning Group|CCG|Police|Constabulary|"
                  r"(?:Hospitals? )?(?:NHS )?(?:Foundation )?Trust)\b")
_COUNCIL_AFTER = re.compile(r"\s+(?:(?:City|County|Borough|District|Metropolitan Borough|Metropolitan District)\s+)?"
                            r"Council\b", re.I)
_COUNCIL_BEFORE = re.compile(r"(?:London Borough of|Royal Borough of|City of|Council of(?: the)?|"
                             r"Metropolitan Borough of)\s+$", re.I)
_DOMAIN = re.compile(r"(?:@|\bwww\.|https?://)([a-z0-9.-]+\.gov\.uk)\b", re.I)


def _mask(text: str) -> str:
    """Blank out NHS bodies, CCGs, police forces and trusts ("NHS Bedfordshire and Luton"): not the council."""
    return _NHS.sub(lambda m: " " * len(m.group(0)), text)


def _first_council(text: str) -> gazetteer.Council | None:
    found = gazetteer.find_all(_mask(text))
    return found[0][0] if found else None


def _scored_council(text: str, head_chars: int = 600) -> gazetteer.Council | None:
    """The council a whole text is about: mentions counted, "X Council" forms, the opening lines and the
    council's own web/email domain weigh more; other councils (neighbours, partners) are mentioned less."""
    masked = _mask(text)
    score: dict[str, float] = {}
    by_name: dict[str, gazetteer.Council] = {}
    for council, start, end in gazetteer.find_all(masked):
        w = 1.0
        if _COUNCIL_AFTER.match(masked, end) or _COUNCIL_BEFORE.search(masked[max(0, start - 40):start]):
            w += 3
        if start < head_chars:
            w += 3
        score[council.name] = score.get(council.name, 0) + w
        by_name[council.name] = council
    for m in _DOMAIN.finditer(text):
        c = gazetteer.by_domain(m.group(1))
        if c:
            score[c.name] = score.get(c.name, 0) + 2
            by_name[c.name] = c
    if not score:
        return None
    return by_name[max(score, key=lambda n: score[n])]


# ---------------------------------------------------------------------------------------------------- council reports

_COUNCIL_CUES = [re.compile(p, re.I) for p in (
    r"\bMeeting(?: date)?\s*:",
    r"\bReport to (?:the )?(?:Cabinet|Executive|Council|[A-Z][\w' ]{0,60}(?:Committee|Board|Panel))",
    r"\bAgenda Item", r"\bReport (?:of|from|by|author)\s*:", r"\bKey decision",
    r"\bWards? affected", r"\bPortfolio", r"\b(?:Cabinet|Executive|Lead) Member", r"\bForward plan",
    r"\bTo\s*:\s*(?:the )?(?:Cabinet|Executive|Council)\b", r"\bPublic/Exempt|\bExempt information",
    r"\bDecision maker", r"\bContact officer|\bOfficer contact", r"\bTitle of report", r"\bElectoral divisions?",
    r"\bDate of (?:the )?meeting", r"\bPurpose of (?:the |this )?report", r"\bReport of the\b", r"\bBackground papers",
    r"\bRecommendations? (?:to|for) (?:the )?(?:Cabinet|Executive|Committee|Council|Members)",
    (r"\b(?:Cabinet|Executive|Overview and Scrutiny|Scrutiny (?:Committee|Panel|Board)|Corporate Parenting "
     r"(?:Panel|Board|Committee)|Health and Wellbeing Board)\b"))]
# a meeting's paper: when one of these comes before a letter's heading, the letter is quoted in a council report
# (a letter's own addressees - "Lead Member for children's services" - are not such cues)
_MEETING_CUES = [p for p in _COUNCIL_CUES if re.search(r"Meeting|Agenda|Report to|Wards|Key decision|Forward plan|"
                                                       r"Decision maker|Report \(\?:of", p.pattern)]
_TITLE_LABEL = re.compile(r"\b(?:Subject|Title of report|Report title|Title)\s*:\s*(.+?)(?:\t|\s{3,}|$)", re.I | re.M)
_COMMITTEE = [re.compile(p, re.I | re.M) for p in (
    r"^\s*(?:Meeting|Committee|Decision maker)\s*:\s*(?!date)(.+?)(?=\t|\s{2,}|\s+Date\b|\s*$)",
    r"^\s*To\s*:\s*(.+?)(?=\t|\s{2,}|\s+Date\b|\s*$)",
    r"\bReport to (?:the )?(.+?)(?=\t|\s{2,}|\s+(?:Date|on|meeting)\b|\s*$)")]
_MEETING_DATE = re.compile(rf"\b(?:Meeting\s+date|Date\s+of\s+(?:the\s+)?meeting|Date)\s*:?\s*"
                           rf"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?({DATE})", re.I)
_TOOK_PLACE = re.compile(
    rf"\b(?:took place|conducted|carried out|undertaken|held)\s+(?:between|from|on)?\s*(?:the\s+)?"
    rf"({_DAY}(?:\s+{_MONTH})?(?:\s+(?:19|20)\d\d)?\s*(?:-|–|to|and)\s*{_DAY}\s+{_MONTH}(?:\s+(?:19|20)\d\d)?)", re.I)


def _council_report(doc: Document, head: str) -> Metadata:
    text = _tidy(doc.text)
    flat = _flat(head)
    if not re.search(r"\bOfsted\b|\binspection\b", text, re.I):
        raise IngestError("not a recognised report: a council report that does not mention an Ofsted inspection")
    council = _scored_council(_tidy(head)[:3000] + "\n" + text)
    if council is None:
        raise IngestError("not a recognised report: no English council is named in the council report")
    tidy_head = _tidy(head)
    m = _TITLE_LABEL.search(tidy_head)
    title = m.group(1) if m else ""
    if not title:
        for line in tidy_head.splitlines()[:30]:
            if re.search(r"Ofsted|inspection", line, re.I) and len(line.strip()) > 15:
                title = line
                break
    title = _clean_title(title)[:250] or "Council report"
    committee = None
    for pat in _COMMITTEE:
        m = pat.search(tidy_head[:3000])
        if m and re.search(r"[A-Za-z]{3}", m.group(1)):
            committee = m.group(1).strip(" .:-")
            break
    if committee is None:  # a header line that is just the meeting's name ("CABINET")
        for line in [x.strip() for x in tidy_head.splitlines() if x.strip()][:8]:
            if re.fullmatch(r"(?:the )?(?:Cabinet|Executive|Full Council|Council|[A-Z][\w,&' -]{0,60}"
                            r"(?:Committee|Board|Panel))", line, re.I):
                committee = line
                break
    if committee and committee.isupper():
        committee = committee.title()
    m = _MEETING_DATE.search(flat[:4000])
    meeting = parse_date(m.group(1)) if m else None
    if meeting is None:
        m = re.search(rf"\b(?:meeting|Cabinet|Executive|Committee)\s+(?:on|of)\s+(?:the\s+)?({DATE})", flat, re.I)
        meeting = parse_date(m.group(1)) if m else None
    if meeting is None:  # an unlabelled date among the header lines ("CABINET / 12 MARCH 2019")
        meeting = parse_date(flat[:300])
    m = _TOOK_PLACE.search(_flat(doc.text[:20000]))
    return Metadata(council=council.name, kind="council_report", framework=None, title=title,
                    published=meeting.isoformat() if meeting else None,
                    inspection_dates=m.group(1).strip(" .,") if m else None, committee=committee)


# ---------------------------------------------------------------------------------------------------- Ofsted reports

_INSPECTION_DATES = re.compile(r"^\s*Inspection dates?\s*:?\s*(.*)$", re.I | re.M)
_PUBLISHED = re.compile(rf"\b(?:Report published|Published)\s*:?\s*({DATE})")
_INSPECTOR_ETC = re.compile(r"\s*(?:Lead inspectors?|Reporting inspector|Age group|Report published|Published)\b.*$",
                            re.I)


def _inspection_dates(head: str) -> str | None:
    """The "Inspection date(s):" line as printed, joined with its wrapped continuation."""
    tidy = _tidy(head)
    m = _INSPECTION_DATES.search(tidy)
    if not m:
        return None
    value = m.group(1).strip()
    rest = tidy[m.end():].lstrip("\n").splitlines()
    while rest and (not value or re.search(r"(?:\bto|\band|[-–])\s*$", value) or
                    re.match(r"\s*(?:to\b|and\b|[-–]|\d{4}\b)", rest[0])):
        nxt = rest.pop(0).strip()
        if not nxt:
            if value:
                break
            continue
        value = f"{value} {nxt}".strip()
    value = _INSPECTOR_ETC.sub("", value)
    value = re.sub(r"\s+", " ", value).strip(" .,")
    return value or None


def _end_date(dates: str | None) -> dt.date | None:
    """The last day of a printed range ("20 February to 2 March 2012" -> 2 March 2012)."""
    if not dates:
        return None
    found = [parse_date(m.group(0)) for m in re.finditer(DATE, dates, re.I)]
    found = [d for d in found if d]
    return max(found) if found else None


def _published(doc: Document, head: str, dates: str | None) -> str | None:
    """The printed publication date (title page, or the page after a cover), else the PDF-date rule above."""
    m = _PUBLISHED.search(_flat(head))
    if m is None and head and doc.source_type == "pdf" and len(doc.pages) > 1:
        m = _PUBLISHED.search(_flat(doc.pages[1].text)[:3000])
    if m:
        d = parse_date(m.group(1))
        if d:
            return d.isoformat()
    made = pdf_date(doc.info.get("/CreationDate")) or pdf_date(doc.info.get("/ModDate"))
    if made is None:
        return None
    end = _end_date(dates)
    if end and not (end <= made.date() <= end + dt.timedelta(days=400)):
        return None  # a PDF "made" before the inspection ended (or years later) says nothing about publication
    return next_working_day(made.date()).isoformat()


def _ofsted_council(flat_head: str, title: re.Match[str] | None) -> gazetteer.Council | None:
    if title is not None:
        who = title.groupdict().get("who")
        if who:
            c = _first_council(who)
            if c:
                return c
        c = _first_council(flat_head[:title.start()])
        if c:
            return c
        after = flat_head[title.end():title.end() + 400]
        after = re.split(r"Inspection dates?\b|Lead inspector|Reporting inspector", after, flags=re.I)[0]
        c = _first_council(after)
        if c:
            return c
    return _scored_council(flat_head)


def read_metadata(doc: Document) -> Metadata:
    """Council, kind, framework, title, dates (and committee) of an Ofsted report or a council report about one.

    Raises IngestError("not a recognised report: ...") for any other text.
    """
    head = _head(doc)
    flat = _flat(head)
    if len(re.findall(r"[A-Za-z]", flat)) < 40:
        raise IngestError("not a recognised report: the first page has almost no text")
    cues = sum(1 for p in _COUNCIL_CUES if p.search(flat[:3000]))
    # a title set anywhere on the page (text extracted out of reading order) when nothing reads like a council paper
    found = _find_title(flat) or (_find_title(flat, len(flat)) if not cues else None)
    visit = _VISIT.search(flat[:2500]) or _JTAI.search(flat[:2500])
    if visit and found and found[0].start() < visit.start():
        visit = None  # an inspection report that mentions a visit
    if found and not visit:
        m, framework, kind = found
        header_before = any(p.search(flat[:m.start()]) for p in _COUNCIL_CUES)  # a council report quoting it
        # the signs of an Ofsted report follow the title on its page; a bare cover page has them on the next pages
        signed = _OFSTED_SIGNS.search(flat[m.start():m.start() + 2000]) or (
            not cues and re.search(r"\bOfsted\b|Inspection dates?\b|Lead inspector", _tidy(doc.text), re.I))
        if not header_before and signed:
            council = _ofsted_council(flat, m) or _scored_council(doc.text)
            if council is None:
                raise IngestError("not a recognised report: an Ofsted report whose council could not be found")
            dates = _inspection_dates(head)
            return Metadata(council=council.name, kind=kind, framework=framework, title=_clean_title(m.group(0)),
                            published=_published(doc, head, dates), inspection_dates=dates)
    if visit and not any(p.search(flat[:visit.start()]) for p in _MEETING_CUES) and \
            re.search(r"\bOfsted\b|Her Majesty's Inspector|His Majesty's Inspector|\bHMI\b", _tidy(doc.text)):
        return _visit(doc, head, visit)
    if cues >= 2:
        return _council_report(doc, head)
    raise IngestError("not a recognised report: no Ofsted inspection title or council meeting header on its first "
                      "page")


_RANGE = (rf"{_DAY}(?:\s+{_MONTH})?(?:,?\s+(?:19|20)\d\d)?\s*(?:-|–|to|and)\s*{_DAY}\s+{_MONTH},?\s+(?:19|20)\d\d|"
          rf"{_DAY}\s+{_MONTH},?\s+(?:19|20)\d\d")
_VISIT_DATES = re.compile(rf"\b(?:visit|inspection|took place|carried out)\b[^.]{{0,160}}?\b(?:on|from|between)\s+"
                          rf"(?:the\s+)?({_RANGE})|\bBetween\s+({_RANGE})", re.I)


def _visit(doc: Document, head: str, m: re.Match[str]) -> Metadata:
    """Monitoring and focused visit letters ("ofsted_visit") and joint targeted area inspection letters
    ("ofsted_jtai"): the council from the letter's heading, the visit's dates from its first sentence ("This letter
    summarises the findings of the focused visit to X on 5 and 6 March 2024"), the publication date as for reports
    (else the letter's own date at its top)."""
    flat = _flat(head)
    jtai = m.re is _JTAI
    named = gazetteer.find_all(_mask(m.group("who")))
    council = named[0][0] if named else (_scored_council(flat) or _scored_council(doc.text))
    if council is None:
        raise IngestError("not a recognised report: an Ofsted letter whose council could not be found")
    title = m.group(0)
    if jtai and named:  # "... in Tameside" and no more of the sentence
        title = title[:m.start("who") - m.start() + named[0][2]]
    text = _flat(doc.text)
    if jtai:
        framework: str | None = None  # a joint inspection with CQC, HMICFRS and HMIP, outside Ofsted's frameworks
    elif re.search(r"\bILACS\b|inspection of local authority children's services|social care common inspection "
                   r"framework", text, re.I):
        framework = "ilacs_2018"
    elif re.search(r"single inspection framework|children in need of help and protection", text, re.I):
        framework = "sif_2013_2017"
    else:
        framework = None
    m2 = _VISIT_DATES.search(text, text.find(m.group(0)) + len(m.group(0)) if m.group(0) in text else 0) or \
        _VISIT_DATES.search(text)
    dates = (m2.group(1) or m2.group(2)) if m2 else _inspection_dates(head)
    published = _published(doc, "", dates)
    if published is None:
        letter = re.search(DATE, flat[:600], re.I)  # the letter's own date at its top
        d = parse_date(letter.group(0)) if letter else None
        published = d.isoformat() if d else None
    return Metadata(council=council.name, kind="ofsted_jtai" if jtai else "ofsted_visit", framework=framework,
                    title=_clean_title(title), published=published, inspection_dates=dates)
