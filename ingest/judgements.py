"""Every judgement (grade) a report gives, area as printed, grade in Ofsted's words, 1-4 score where printed.

A wrong grade misleads an officer more than a missing one, so each layout is read where the report states it:
- 2012-2013 (SLAC / looked-after-children inspections): the "Record of main findings" table at the end, rows of
  "area  grade" under group rows ("Safeguarding services", "Services for looked after children"); the four-point
  scale (Outstanding 1, Good 2, Adequate 3, Inadequate 4) is printed in the report, so the score is given.
- 2014-2017 (single inspection framework): the cover page's numbered list (1. help and protection, 2. looked after
  and permanence, 2.1 adoption, 2.2 care leavers, 3. leadership), the overall judgement sentence ("Children's
  services in X are good" / "The overall judgement is ..."), and the LSCB review's judgement (also in a
  stand-alone review of the board).
- 2018 onwards (ILACS): the "Judgement / Grade" table on the cover page, then any section heading
  ("The experiences and progress of care leavers: good") whose judgement the table does not already give.
Areas are never duplicated: a heading repeating a table row adds nothing, and where a report judges children in
care and care leavers together no separate care leavers judgement is invented.
"""
from __future__ import annotations

import re

from ingest.models import Document, Judgement
from ingest.recommendations import Line, body_lines

_GRADE = r"(outstanding|good|requires?\s+improvement(?:\s+to\s+be\s+good)?|adequate|inadequate)"
_GRADE_RE = re.compile(rf"\b{_GRADE}\b", re.I)
_SCORES = {"outstanding": 1, "good": 2, "adequate": 3, "inadequate": 4}


def canonical_grade(text: str) -> str:
    """Ofsted's wording with one capital: "Require Improvement to \\nbe good" -> "Requires improvement to be
    good"."""
    g = re.sub(r"\s+", " ", text.strip().lower())
    g = re.sub(r"^require\b", "requires", g)
    return g[:1].upper() + g[1:]


def _area(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" .:-–")


def area_key(area: str) -> str:
    """Which ILACS judgement an area names, so a heading repeating a table row is recognised; other areas key on
    their own words."""
    a = re.sub(r"\s+", " ", area.lower())
    if "overall" in a:
        return "overall"
    if "leader" in a:
        return "leaders"
    if "help and protection" in a:
        return "help"
    if ("children in care" in a or "looked after" in a) and "care leaver" in a:
        return "in_care+leavers"
    if "children in care" in a or "looked after" in a:
        return "in_care"
    if "care leaver" in a:
        return "leavers"
    return a


# ---- the judgement vocabulary every layer reads (grades on one scale, areas in families) ---------------------

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


def _covered(keys: set[str], key: str) -> bool:
    if key in keys:
        return True
    if "in_care+leavers" in keys and key in ("in_care", "leavers"):
        return True
    return key == "in_care+leavers" and ("in_care" in keys or "leavers" in keys)


def _flat(lines: list[Line], max_page: int | None = None) -> str:
    return " ".join(ln.text for ln in lines if max_page is None or ln.page <= max_page)


# ---------------------------------------------------------------------------------------------------------------
# 2018+: the judgement table
# ---------------------------------------------------------------------------------------------------------------


def _ilacs_table(lines: list[Line]) -> list[Judgement]:
    """Rows of the "Judgement  Grade" table. Area text wraps over lines and the grade may share the area's last
    line or sit on its own, so the block (down to the overall effectiveness row) is joined and cut at each
    grade."""
    for i, ln in enumerate(lines[:80]):
        if not re.match(r"^judgements?\s+grades?$", ln.text, re.I):
            continue
        block: list[str] = []
        complete = False
        for nxt in lines[i + 1:i + 30]:
            block.append(nxt.text)
            if re.match(rf"^overall effectiveness\b.*\b{_GRADE}\s*$", nxt.text, re.I):
                complete = True
                break
            if len(block) > 1 and re.match(rf"^{_GRADE}\s*$", nxt.text, re.I) and \
                    re.match(r"^overall effectiveness\s*$", block[-2], re.I):
                complete = True
                break
        if not complete:
            continue
        out = []
        for m in re.finditer(rf"(.+?)\s+{_GRADE}(?=\s|$)", " ".join(block), re.I):
            area = _area(m.group(1))
            if re.search(r"[a-z]{4}", area):
                out.append(Judgement(area=area, grade=canonical_grade(m.group(2))))
        if out:
            return out
    return []


_HEADING_GRADE = re.compile(rf"^(?P<area>.*?):\s*{_GRADE}\s*$", re.I)
_HEADING_START = re.compile(r"^(the (experiences|impact|effectiveness)|overall effectiveness|how good|"
                            r"leadership|children|care leavers)", re.I)


def _heading_grades(lines: list[Line]) -> list[Judgement]:
    """Section headings that carry a grade after a colon, possibly wrapped over two lines:
    "The experiences and progress of children who need help and" / "protection: good"."""
    out = []
    for i, ln in enumerate(lines):
        m = _HEADING_GRADE.match(ln.text)
        if not m:
            continue
        area = m.group("area")
        prev = lines[i - 1].text if i else ""
        if not _HEADING_START.match(area) and _HEADING_START.match(prev) and len(prev) < 90 and \
                prev[-1:] not in ".;:":
            area = prev + " " + area
        if not _HEADING_START.match(area) or len(area) > 160:
            continue
        out.append(Judgement(area=_area(area), grade=canonical_grade(m.group(2))))
    return out


# ---------------------------------------------------------------------------------------------------------------
# 2014-2017: the cover page list, overall sentence and the LSCB
# ---------------------------------------------------------------------------------------------------------------

_SIF_ITEM = re.compile(rf"(?:^|\s)(\d(?:\.\d)?)\.?\s+([A-Z][^0-9]*?)\s+{_GRADE}(?=\s|$)", re.I)


def _sif_list(lines: list[Line]) -> list[Judgement]:
    """"1. Children who need help and protection Requires improvement" ... "3. Leadership, management and
    governance Good", areas and grades possibly wrapped over lines."""
    first = [ln.text for ln in lines if ln.page <= 3]
    for i, t in enumerate(first):
        if not re.match(r"^1\.?\s+children who need help and protection\b", t, re.I):
            continue
        block: list[str] = []
        seen_last = False
        for t2 in first[i:i + 20]:
            block.append(t2)
            seen_last = seen_last or re.match(r"^3\.?\s", t2) is not None
            if seen_last and _GRADE_RE.search(t2):
                break
        out = [Judgement(area=_area(m.group(2)), grade=canonical_grade(m.group(3)))
               for m in _SIF_ITEM.finditer(" ".join(block))]
        if out:
            return out
    return []


_OVERALL = [
    re.compile(rf"\bthe overall judgement is\s+(?:that\s+.{{0,80}}?\s(?:(?:are|is)\s+)?)?{_GRADE}", re.I),
    re.compile(rf"\bchildren[’']s services in .{{2,120}}?\s(?:(?:are|is)\s+)?{_GRADE}", re.I),
]
# The board's judgement is a statement on a line of its own (cover page, or the review's first heading), never a
# clause inside a findings paragraph about an earlier inspection.
_LSCB = re.compile(
    rf"(?m)^(?:the judgement for )?the (?:effectiveness of the )?(?:local safeguarding children\s+board|lscb)"
    rf"(?:\s+\(lscb\))?\s+(?:is\s+|are\s+)?{_GRADE}\b", re.I)


def _sif_overall_and_lscb(lines: list[Line], overall: bool = True) -> list[Judgement]:
    """The overall judgement sentence on the cover and the LSCB review's judgement; a stand-alone review of the
    board has only the latter."""
    out = []
    cover = _flat(lines, 3)
    for pat in _OVERALL if overall else []:
        m = pat.search(cover)
        if m:
            out.append(Judgement(area="Overall effectiveness", grade=canonical_grade(m.group(1))))
            break
    m = _LSCB.search("\n".join(ln.text for ln in lines))
    if m:
        out.append(Judgement(area="The effectiveness of the Local Safeguarding Children Board",
                             grade=canonical_grade(m.group(1))))
    return out


# ---------------------------------------------------------------------------------------------------------------
# 2012-2013: the record of main findings
# ---------------------------------------------------------------------------------------------------------------


def _record_of_main_findings(lines: list[Line]) -> list[Judgement]:
    """Rows "area grade [Grade n]" under group rows; an area may wrap ("Outcomes for looked after children and" /
    "young people" / "Adequate"). A row without a grade is a group when the next line starts a new row (capital
    letter), else the start of a wrapped area. Areas are prefixed with their top-level group ("Safeguarding
    services > Overall effectiveness") because the same areas are judged for each group."""
    start = None
    for i, ln in enumerate(lines):
        if re.match(r"^record of main findings:?$", ln.text, re.I):
            start = i
    if start is None:
        return []
    out: list[Judgement] = []
    top: str | None = None
    pending = ""
    rows = lines[start + 1:]
    for k, ln in enumerate(rows):
        t = ln.text.strip()
        m = re.match(rf"^(.*?)\s*\b{_GRADE}\s*(?:\(?grade\s*([1-4])\)?)?\s*$", t, re.I)
        if m and (m.group(1) or pending):
            area = _area((pending + " " + m.group(1)).strip())
            pending = ""
            out.append(Judgement(area=f"{top} > {area}" if top else area, grade=canonical_grade(m.group(2)),
                                 score=int(m.group(3)) if m.group(3) else None))
            continue
        nxt = rows[k + 1].text.strip() if k + 1 < len(rows) else ""
        if pending:
            pending += " " + t
            continue
        if nxt[:1].isupper() or not nxt:
            if re.search(r"\bservices\b", t, re.I) and not t.endswith("?"):
                top = _area(t)
            continue  # a group row
        pending = t
    if out and re.search(r"\bgrade\s*[1-4]\b", _flat(lines), re.I):
        for j in out:
            j.score = j.score or _SCORES.get(j.grade.lower())
    return out


# ---------------------------------------------------------------------------------------------------------------


def extract_judgements(doc: Document, framework: str | None, kind: str) -> list[Judgement]:
    """The judgements the report itself gives: table rows first, then grades from headings that add an area.

    Council reports (kind from ingest/metadata.py, the one place that decides it) only quote an inspection's grades,
    so they give none of their own. `framework` is a hint: the layout is recognised from the text.
    """
    if kind == "council_report":
        return []
    lines = body_lines(doc)
    found: list[Judgement] = []
    found += _record_of_main_findings(lines)
    table = _ilacs_table(lines)
    found += table
    if not found:
        found += _sif_list(lines)
        lscb_review = re.search(r"review of the effectiveness of the local safeguarding children board",
                                _flat(lines, 1), re.I)
        if found or lscb_review:
            found = _sif_overall_and_lscb(lines, overall=bool(found)) + found
    keys = {area_key(j.area) for j in found}
    # headings add what the table lacks; with no table found at all (a layout not met before) they are the
    # fallback, but never beside the 2012-2017 lists, whose body headings repeat them in other words
    if table or not found:
        for j in _heading_grades(lines):
            k = area_key(j.area)
            if not _covered(keys, k):
                keys.add(k)
                found.append(j)
    unique: list[Judgement] = []
    seen: set[str] = set()
    for j in found:
        key = j.area.lower()
        if key not in seen:
            seen.add(key)
            unique.append(j)
    return unique
