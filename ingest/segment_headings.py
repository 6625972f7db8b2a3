"""Headings, their grades and the section path, read from line shape alone.

pypdf gives no font sizes, so a heading is recognised by how it sits among the lines: it is short (headings are
set large, body lines run to the measure), starts with a capital, does not end a sentence, and follows a line that
ended one (or a blank line, or another heading). Continuation lines of a wrapped heading start in lower case or
follow a line ending in a joining word. Text sources (cabinet reports) are one paragraph per line, so there a
heading is a short line without closing punctuation, or a markdown heading.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.segment_lines import GRADE_WORDS, Line, capital, grade_of, is_judgement_item

_JOINERS = {"of", "and", "the", "for", "to", "in", "with", "who", "on", "a", "an", "by", "at", "from", "or", "their",
            "its", "are", "is", "be", "whether", "that", "&"}
_SENTENCE_INSIDE = re.compile(r"[a-z)]\. [A-Z(]|\(recommendations?\)", re.IGNORECASE)
_NOT_HEADING_END = re.compile(r"[.,;:]['\u2019\u201d\")\]]*$")
_GRADE_SUFFIXES = (
    re.compile(r"^(.*?)[\s:\u2013\-]*\bgrade\s*[1-4]\s*\(\s*(\w+)\s*\)\s*$", re.IGNORECASE),
    re.compile(r"^(.*?)\s*[:\u2013\u2014]\s*" + GRADE_WORDS + r"\s*$", re.IGNORECASE),
    re.compile(r"^(.*?)\s+(?:is|are|was|were|remains?)\s+(?:judged\s+(?:to\s+be\s+)?)?" + GRADE_WORDS + r"\s*$", re.IGNORECASE),
    re.compile(r"^(.*?)\s+(Requires? improvement to be good|Requires? improvement|Outstanding|Good|Adequate|Inadequate)\s*$"),
    re.compile(r"^(.*?)\s+((?i:requires? improvement(?: to be good)?))\s*$"),
)
_STANDALONE = {"summary", "contents", "recommendations", "executive summary", "inspection findings"}
JUDGEMENT_TABLE = re.compile(r"^(?:key\s+)?judge?ments?(?:\s+judge?ments?)?\s+grades?$", re.IGNORECASE)
_GRADED = re.compile(r"^The graded judge?ments? (?:for|about|on) (?:the )?(.+?) (?:(?:is|are) (?:that (?:it|they) )?"
                     r"(?:is |are )?)?" + GRADE_WORDS + r"\.?$", re.IGNORECASE)


def graded_statement(lines: list[Line], i: int) -> tuple[str, str, int] | None:
    """2014-2017 reports state a sub-judgement in a sentence set like a heading ('The graded judgement for adoption
    performance is that it is good'): (section title, grade, lines used) or None."""
    if not re.match(r"The graded judge?ment", lines[i].text):
        return None
    text = lines[i].text
    for j in range(i, min(i + 3, len(lines))):
        if j > i:
            if lines[j].number or lines[j].blank_before:
                break
            text += " " + lines[j].text
        m = _GRADED.match(re.sub(r"\s+", " ", text).strip())
        if m:
            title = m.group(1).strip()
            return title[:1].upper() + title[1:], capital(m.group(2)), j - i + 1
    return None


def split_grade(text: str) -> tuple[str, str | None]:
    """'Capacity for improvement Grade 2 (good)' -> ('Capacity for improvement', 'Good'). A full stop after the
    grade is the end of a heading stated as a sentence ('... protection are good.', 2014 reports)."""
    for rx in _GRADE_SUFFIXES:
        m = rx.match(re.sub(r"(?<=[a-z])\.$", "", text.strip()))
        if m and m.group(1).strip():
            # 'The experiences and progress of children in care are: good' -> the title without its verb
            title = re.sub(r"\s+(?:is|are)$", "", m.group(1).strip().rstrip(":\u2013- "))
            return title, capital(m.group(2))
    return text.strip(), None


def _bare_len(text: str) -> int:
    """A heading line's length without the grade printed after it: '... help and protection Requires improvement'
    is a short wrapped line of a heading however long its grade."""
    return len(split_grade(text)[0])


def _grade_follows(lines: list[Line], i: int, width: float) -> bool:
    """A 'Grade 3 (Adequate)' line right under this one (after at most one wrapped line) marks it a heading."""
    for j in range(i + 1, min(i + 3, len(lines))):
        if grade_of(lines[j].text):
            return True
        if not (lines[j].text[:1].islower() and len(lines[j].text) < 0.72 * width and not lines[j].closed):
            return False
    return False


def _wrapped_end(lines: list[Line], i: int, width: float) -> int:
    """Index of the last line of a heading starting at i that wraps onto short lower-case lines."""
    j = i
    while j + 1 < len(lines) and j - i < 2:
        nxt = lines[j + 1]
        if nxt.page != lines[i].page or nxt.blank_before or nxt.number or nxt.bullet \
                or not (nxt.text[:1].islower() and _bare_len(nxt.text) < 0.72 * width and not nxt.closed):
            break
        j += 1
    return j


def _structure_follows(lines: list[Line], i: int, width: float) -> bool:
    """A numbered paragraph or a grade line right under this (possibly wrapped) line."""
    j = _wrapped_end(lines, i, width) + 1
    return j < len(lines) and (lines[j].number is not None or grade_of(lines[j].text) is not None)


def _grade_heading(lines: list[Line], i: int, width: float) -> bool:
    """'The experiences and progress of children in care and care leavers: good' - a judgement heading, however
    long, when it carries a grade and no full stop."""
    j = _wrapped_end(lines, i, width)
    text = " ".join(ln.text for ln in lines[i:j + 1])
    if len(text) > 1.6 * width or text.endswith("."):
        return False
    if j + 1 < len(lines) and lines[j + 1].text[:1].islower():
        return False  # the sentence goes on: '... well and there are good' / 'and cogent examples ...'

    title, grade = split_grade(text)
    return grade is not None and not re.search(r"\b(?:not|be|as|than|from|remains?|was|were|very|so|too)$", title)


_STATED = re.compile(r"^(.+?)\s+(?:(?:is|are)\s+(?:judged\s+(?:to\s+be\s+)?)?" + GRADE_WORDS +
                     r"|requires? improvement(?: to be good)?)\.$", re.IGNORECASE)


# the judged sections' whole names: a summary's sentence about the care leavers "in Redcar and Cleveland" is no heading
_STATED_TITLE = re.compile(
    r"^(?:the )?(?:experiences and progress of (?:children who need help and protection|children looked after and "
    r"achieving permanence|children in care(?: and care leavers)?|care leavers)|leadership,? management and governance"
    r"|impact of leaders on social work practice with children and families"
    r"|effectiveness of the (?:local safeguarding children board|lscb)(?: \(lscb\))?)$")


def is_top_level(text: str) -> bool:
    """One of the frameworks' top-level section titles, as printed ('What needs to improve:', 'Recommendations:'
    with a colon)."""
    t = re.sub(r"\s+", " ", text).strip().rstrip(":?").strip()
    return bool(_TOP_LEVEL.match(t) or _TOP_ONCE.match(t))


def top_statement(lines: list[Line], i: int) -> int | None:
    """2014 reports state a top-level section's grade as a sentence set as its heading, wrapped over lines
    ('The experiences and progress of children who need help and protection' / 'are good.'): the index of its
    last line, or None. Not on the front page, whose statements of grades are its summary, not sections."""
    if lines[i].page <= 1:
        return None
    text = lines[i].text
    for j in range(i, min(i + 3, len(lines))):
        if j > i:
            ln = lines[j]
            if ln.page != lines[i].page or ln.blank_before or ln.number or ln.bullet or not ln.text[:1].islower():
                return None
            text += " " + ln.text
        if lines[j].closed:
            m = _STATED.match(re.sub(r"\s+", " ", text).strip())
            return j if m and _STATED_TITLE.match(re.sub(r"^section \d{1,2}:?\s*", "", m.group(1).lower())) else None
    return None


def _pdf_heading(lines: list[Line], i: int, width: float, prev_heading: bool) -> bool:
    ln = lines[i]
    t = ln.text
    if ln.number or ln.bullet or not t[:1].isupper() or is_scale_row(t) or _SENTENCE_INSIDE.search(t):
        return False
    prev = lines[i - 1] if i else None
    # a line ending in a grade (the front page's list of judgements before a page break) ends what came before
    prev_ok = prev is None or prev_heading or ln.blank_before or prev.closed or grade_of(prev.text) is not None \
        or is_judgement_item(prev.text) or (ln.first_on_page and is_top_level(t))  # a section starting a page
    if prev_ok and (_grade_heading(lines, i, width) or top_statement(lines, i) is not None):
        return True
    if t.endswith(":") and prev_ok and not ln.skip and (is_top_level(t) or _grade_follows(lines, i, width)):
        return True  # 'What needs to improve:'; '... help and protection is:' over its grade ('Good')
    if _NOT_HEADING_END.search(t):
        return False
    if len(t) > 0.85 * width and not (prev_ok and len(t) < 0.97 * width and _structure_follows(lines, i, width)) \
            and not (prev_heading and len(t) < 0.97 * width and t.split()[-1].lower() not in _JOINERS
                     and i + 1 < len(lines) and (JUDGEMENT_TABLE.match(lines[i + 1].text)
                                                 or lines[i + 1].blank_before)):
        return False
    if not prev_ok and not (len(prev.text) < 0.72 * width and prev.text.split()[-1].lower() not in _JOINERS) \
            and not _grade_follows(lines, i, width) \
            and not (len(t) < 0.72 * width and len(prev.text) < 0.9 * width and _structure_follows(lines, i, width)):
        return False
    nxt = lines[i + 1] if i + 1 < len(lines) else None
    if nxt is None or nxt.number or nxt.bullet or nxt.blank_before or grade_of(nxt.text):
        return True
    if nxt.text[:1].islower():
        # a wrapped heading goes on in lower case on a short line; a sentence goes on to the measure
        return _bare_len(nxt.text) < 0.72 * width and not nxt.closed
    return True


def _text_heading(lines: list[Line], i: int) -> bool:
    ln = lines[i]
    t = ln.text
    if ln.md_heading:
        return True
    if ln.number or ln.bullet or ln.dash or ln.indent or ln.table or not t[:1].isupper() or len(t) > 120 \
            or is_scale_row(t):
        return False
    words = t.split()
    if words[-1].lower() in _JOINERS:
        return False
    if t.endswith(":"):
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if t.upper() == t and any(c.isalpha() for c in t):
            return True
        if nxt is None or nxt.number or nxt.table or nxt.md_heading:
            return True
        return len(words) <= 5 and not (nxt.bullet or nxt.dash or nxt.indent)
    return not _NOT_HEADING_END.search(t) and not t.endswith(("!", ".\"", "?\""))


def heading_level(ln: Line) -> int:
    """How deep a text source's heading sits: from its decimal number ('4.1' -> 2, '3.0' -> 1) when it has one,
    else from its markdown level."""
    m = re.match(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s", ln.text)
    if m and "." in m.group(1):
        parts = m.group(1).split(".")
        while len(parts) > 1 and parts[-1] == "0":
            parts.pop()
        return len(parts)
    if ln.md_level:
        return max(1, ln.md_level - 1)
    letters = [c for c in ln.text if c.isalpha()]
    return 1 if len(letters) > 3 and all(c.isupper() for c in letters) else 0  # 'CORPORATE IMPLICATIONS'


def heading_flags(lines: list[Line], width: float, text_source: bool) -> list[bool]:
    """Which lines are (parts of) headings."""
    flags = [False] * len(lines)
    stated_to = -1  # the last line of a heading stated as a sentence
    for i in range(len(lines)):
        if text_source:
            flags[i] = _text_heading(lines, i)
        elif i <= stated_to:
            flags[i] = True
        else:
            flags[i] = _pdf_heading(lines, i, width, i > 0 and flags[i - 1])
            if flags[i]:
                stated_to = top_statement(lines, i) or -1
            ln = lines[i]
            if not flags[i] and i > 0 and flags[i - 1] and ln.text[:1].islower() and not ln.number \
                    and not ln.bullet and _bare_len(ln.text) < 0.72 * width and not ln.closed \
                    and continues_heading(lines[i - 1], ln):
                flags[i] = True  # the lower-case second line of a wrapped heading
    return flags


def continues_heading(prev: Line, ln: Line) -> bool:
    """A heading wrapped over lines: the next part starts in lower case, the previous ends in a joining word, or a
    long first line leaves a word or two for the next ('... the Local Safeguarding' / 'Children Board')."""
    if ln.md_heading or prev.md_heading or prev.page != ln.page or ln.blank_before:
        return False
    last = prev.text.split()[-1].lower() if prev.text.split() else ""
    if ln.text[:1].islower() or last in _JOINERS or prev.text.endswith((",", "\u2013", "-")):
        return True
    return (len(ln.text.split()) <= 2 and len(prev.text) >= 45 and split_grade(prev.text)[1] is None
            and grade_of(prev.text) is None and split_grade(ln.text)[1] is None and not prev.text.endswith(("?", ")"))
            and ln.text.lower() not in _STANDALONE)


_METADATA = re.compile(r"^(?:inspection dates?|lead inspector|reporting inspector|report published|published|age group"
                       r"|inspection date|date of inspection|deputy lead inspector|team inspectors?|shadow inspectors?"
                       r"|senior data analyst|quality assurance manager)\b.*", re.IGNORECASE)
_SCALE_ROW = re.compile(r"^(?:outstanding|good|adequate|inadequate|requires improvement)\s*\(grade\s*\d\)\s*\S", re.IGNORECASE)


def is_scale_row(text: str) -> bool:
    """A row of the 'four point scale' table ('Good (Grade 2) A service that exceeds ...'): body text."""
    return bool(_SCALE_ROW.match(text.strip()))


@dataclass
class _Heading:
    raw: str
    page: int
    grade: str | None = None


# The top-level sections of the three frameworks, in the words their reports print. A lone heading after text is
# normally a sibling of the one before it; these always start a new top-level section (so "The experiences and
# progress of children looked after" is not put under "... children who need help and protection", nor the body
# under "Information about this local authority area"), and every heading until the next one sits under them.
_TOP_LEVEL = re.compile(
    r"^(?:section \d{1,2}:?\s*)?(?:"
    r"the experiences and progress of (?:children|care leavers)\b|(?:the )?impact of leaders\b"
    r"|leadership,? management and governance$|(?:the )?local safeguarding children board(?: \(lscb\))?$"
    r"|(?:review of )?the effectiveness of the (?:local safeguarding children board|lscb)\b)"
    r"|^information about this (?:local authority area|inspection)$|^summary for children and young people$"
    r"|^safeguarding services$|^services for looked after children$|^what needs to improve\b", re.IGNORECASE)
# front matter whose heading a later part repeats (the LSCB review has its own executive summary and
# recommendations): top-level the first time only, and only before the first judged section
_LEAF_TOP = re.compile(r"^what needs to improve\b", re.IGNORECASE)
_TOP_ONCE = re.compile(r"^(?:executive summary|recommendations)$", re.IGNORECASE)
_JUDGED = re.compile(r"^(?:section \d{1,2}:?\s*)?(?:the )?experiences and progress|^(?:the )?impact of leaders"
                     r"|^leadership|safeguarding children board|effectiveness of the lscb", re.IGNORECASE)


def _title_key(text: str) -> str:
    return re.sub(r"\s+", " ", split_grade(text)[0]).strip().rstrip(":").lower()


def judged_headings(lines: list[Line], flags: list[bool]) -> dict[str, int]:
    """The judged sections' headings past the front page (as SectionPath names them, lower case) and the last page
    each is printed on."""
    out: dict[str, int] = {}
    for i, ln in enumerate(lines):
        if not flags[i] or ln.page <= 1 or (i and flags[i - 1] and continues_heading(lines[i - 1], ln)):
            continue
        text, j = ln.text, i + 1
        while j < len(lines) and flags[j] and continues_heading(lines[j - 1], lines[j]):
            text, j = f"{text} {lines[j].text}", j + 1
        key = _title_key(text)
        if _TOP_LEVEL.match(key) and _JUDGED.search(key):
            out[key] = ln.page
    return out


@dataclass
class SectionPath:
    """The headings above the current text. Headings arriving together (no text between) form a path (its last two
    levels kept); a lone heading after text replaces the deepest level, a sibling of what came before. Front-page
    headings (title, dates) give way to the first heading of the report body; inspection metadata lines ('Lead
    inspector: ...') never enter the path."""

    stack: list[tuple[str, str | None, int, int]] = field(default_factory=list)  # title, grade, page, level
    pending: list[_Heading] = field(default_factory=list)
    under_top: bool = False  # stack[0] is a framework's top-level section (PDF reports)
    tops_seen: set[str] = field(default_factory=set)
    printed: dict[str, int] = field(default_factory=dict)  # judged sections' headings: the last page each is on
    demoted: bool = False  # the heading just read names a judged section printed later: a sub-heading here

    def _top(self, title: str, page: int = 0) -> bool:
        t = re.sub(r"\s+", " ", title).strip().lower()
        if _TOP_LEVEL.match(t):
            if _JUDGED.search(t):
                if "judged" not in self.tops_seen and self.printed.get(_title_key(t), 0) > page:
                    self.demoted = True
                    return False  # a summary's sub-heading ('Summary of findings' / 'Leadership, management and
                    # governance' / 'Social work practice', 2015): the section itself is printed later
                self.tops_seen.add("judged")
            return True
        if _TOP_ONCE.match(t) and t not in self.tops_seen and "judged" not in self.tops_seen:
            self.tops_seen.add(t)
            return True
        return False

    def heading(self, text: str, page: int, level: int = 0) -> None:
        """A heading; `level` when the source says how deep it is (markdown, or a decimal number '4.1')."""
        if _METADATA.match(text.strip()):
            return
        if level:
            self.flush()
            title, grade = split_grade(text)
            self.stack = [e for e in self.stack if e[3] and e[3] < level] + [(title, grade, page, level)]
            return
        self.pending.append(_Heading(text.strip(), page))

    def extend(self, text: str, page: int) -> None:
        """The next line of a wrapped heading."""
        if re.fullmatch(r"to be good", text.strip(), re.IGNORECASE):  # the end of a grade: 'Requires improvement' /
            last = self.pending[-1].grade if self.pending else self.stack[-1][1] if self.stack else None  # 'to be good'
            if last and last.lower().startswith("requires improvement") and not last.lower().endswith("good"):
                self.grade(f"{last} to be good")
                return
        if self.pending:
            self.pending[-1].raw += " " + text.strip()
        else:
            self.heading(text, page)

    def grade(self, grade: str) -> None:
        if self.pending:
            self.pending[-1].grade = grade
        elif self.stack:
            title, _, page, level = self.stack[-1]
            self.stack[-1] = (title, grade, page, level)

    def flush(self) -> None:
        if not self.pending:
            return
        new = []
        last_page = self.pending[-1].page
        for h in self.pending:
            if h.page != last_page:
                continue  # front-page titles, or headings that ran into the next page with no text under them
            title, grade = split_grade(h.raw)
            if title.endswith(":"):  # 'What needs to improve:', '... protection is:' over its grade
                title = re.sub(r"(?:\s+(?:is|are))?\s*:$", "", title)
            if title:
                new.append((title, h.grade or grade, h.page, 0))
        self.pending = []
        deduped: list[tuple[str, str | None, int, int]] = []
        for e in new:  # a heading repeated by a table row under it ('Key judgement ... grade')
            if deduped and deduped[-1][0].lower() == e[0].lower():
                deduped[-1] = (e[0], e[1] or deduped[-1][1], e[2], e[3])
            else:
                deduped.append(e)
        new = deduped
        if not new:
            return
        if not any(e[3] for e in self.stack):  # headings whose level the source does not give (PDFs)
            # a judgement section's name on the front page is its list of grades, not the section
            self.demoted = False
            tops = [k for k, e in enumerate(new) if not (e[2] <= 1 and _JUDGED.search(e[0])) and self._top(e[0], e[2])]
            if tops:
                self.stack = [new[tops[-1]]] + new[tops[-1] + 1:][-1:]
                # a list of what to improve has no sections of its own: the heading after it is its sibling
                self.under_top = not _LEAF_TOP.match(new[tops[-1]][0])
                return
            if self.under_top:
                self.stack = self.stack[:1] + new[-1:]
                return
        if self.stack and all(e[2] == 1 for e in self.stack) and new[-1][2] > 1:
            self.stack = []
        if len(new) >= 2:
            self.stack = [e for e in self.stack if e[3]][:1] + new[-2:] if any(e[3] for e in self.stack) \
                else new[-2:]
        elif self.stack and self.stack[-1][3]:
            self.stack = self.stack + new  # under a heading whose level the source gave
        elif self.stack and self.demoted:
            self.stack = self.stack[:1] + new  # under the summary it sits in, not its sibling
        elif self.stack:
            self.stack = self.stack[:-1] + new
        else:
            self.stack = new

    def current(self) -> tuple[str, str | None]:
        self.flush()
        path = " > ".join(e[0] for e in self.stack)
        grade = next((e[1] for e in reversed(self.stack) if e[1]), None)
        return path, grade
