"""Paragraph segmentation by the report's own numbering: the unit every citation points at.

Flow: cleaned pages -> classified lines (segment_lines) -> which printed numbers start paragraphs (segment_numbers)
-> headings and grades (segment_headings) -> paragraphs, assembled here.

A numbered paragraph runs from its number to the next accepted number or the next heading, taking in the lists and
tables printed under it (Ofsted puts a recommendation list inside the paragraph that introduces it) and the page
turns it crosses. Text outside the numbering (summaries, "what needs to improve" lists, cabinet reports' unnumbered
paragraphs) is kept as paragraphs with number None, one per printed paragraph or bullet item, so nothing is lost to
search. Contents pages and the back-cover boilerplate are dropped.
"""
from __future__ import annotations

import re

from ingest.clean import clean_document
from ingest.models import Document, Paragraph
from ingest.segment_headings import (
    JUDGEMENT_TABLE,
    SectionPath,
    continues_heading,
    graded_statement,
    heading_flags,
    heading_level,
    judged_headings,
    split_grade,
)
from ingest.segment_lines import Line, build_lines, grade_of, is_back_cover, is_contents, is_judgement_item
from ingest.segment_numbers import Run, accept_numbers

_TOC_ENTRY = re.compile(r"(?:\s|\t|\.{2,})\d{1,3}(?:\s+\d{1,3})*$")
_RECS = re.compile(r"recommend|need(?:s)? to improve|areas? for (?:development|improvement)|should take the following",
                   re.IGNORECASE)
_LSCB = re.compile(r"safeguarding children(?:'s|\u2019s)? (?:board|partnership)|\blscb\b|safeguarding partnership", re.IGNORECASE)


def _width(lines: list[Line], text_source: bool) -> float:
    """The measure: how long a full body line runs (90th percentile of line lengths)."""
    if text_source:
        return 1e9
    lens = sorted(len(ln.text) for ln in lines if not ln.bullet)
    return float(lens[int(0.9 * (len(lens) - 1))]) if lens else 80.0


_SALUTATION = re.compile(r"^Dear\s+\w[\w.'\u2019 -]{0,60},?$")
_SIGN_OFF = re.compile(r"^Yours (?:sincerely|faithfully),?$", re.IGNORECASE)
_SIGNATURE_END = re.compile(r"(?:Her|His) Majesty.s Inspector|\bHMI\b|Inspector$|Ofsted$", re.IGNORECASE)


def _letter_start(lines: list[Line]) -> int:
    """A letter (Ofsted's visit and joint inspection letters): the lines before and including its salutation on the
    first page ('Dear Ms Smith') are the sender's address, the date and the addressees, not findings."""
    for k, ln in enumerate(lines[:80]):
        if ln.page > 1:
            break
        if _SALUTATION.match(ln.text):
            return k + 1
    return 0


def _drop_furniture(lines: list[Line], text_source: bool, last_page: int) -> list[Line]:
    """Remove contents pages, the copyright/back-cover boilerplate and a letter's address block and signature (not
    report content)."""
    keep: list[Line] = []
    i = 0 if text_source else _letter_start(lines)
    while i < len(lines):
        ln = lines[i]
        if is_contents(ln.text):
            j = i + 1
            while j < len(lines) and (text_source or lines[j].page == ln.page):
                t = lines[j].text
                nxt = lines[j + 1].text if j + 1 < len(lines) else ""
                if _TOC_ENTRY.search(t) or (_TOC_ENTRY.search(nxt) and not lines[j].number and len(t) < 90
                                            and (text_source or lines[j + 1].page == ln.page)):
                    j += 1
                else:
                    break
            i = j
            continue
        if not text_source and _SIGN_OFF.match(ln.text):  # 'Yours sincerely' down to the signatory's title
            end = next((j for j in range(i + 1, min(len(lines), i + 7)) if lines[j].page == ln.page
                        and _SIGNATURE_END.search(lines[j].text)), i)
            i = end + 1
            continue
        if not text_source and is_back_cover(ln.text):
            j = i
            while j < len(lines) and (lines[j].page == ln.page or ln.page >= last_page - 2):
                j += 1
            i = j
            continue
        keep.append(ln)
        i += 1
    for k, ln in enumerate(keep):
        ln.pos = k
    return keep


def _squash(text: str) -> str:
    return re.sub(r"[^a-z]+", "", text.lower())


def _join(parts: list[str]) -> str:
    return re.sub(r"\s+", " ", " ".join(p for p in parts if p)).strip()


class _Builder:
    """Collects lines into paragraphs as the assembler walks the document."""

    def __init__(self) -> None:
        self.out: list[Paragraph] = []
        self.texts: list[str] = []
        self.pages: list[int] = []
        self.number: str | None = None
        self.run = -1
        self.section = ""
        self.grade: str | None = None
        self.bullet = False
        self.waiting: list[Paragraph] = []  # graded headings kept as text, given the section of what follows
        self.heading: list[tuple[int, str]] = []  # the heading being read: (page, text) of each printed line
        self.heading_graded = False

    def heading_line(self, ln: Line, text: str, new: bool, graded: bool = False) -> None:
        """Follow a heading as it is printed (over lines, with its grade under it): a heading that carries a grade
        is kept as an unnumbered paragraph, so "how was X judged for care leavers?" finds the grade as printed."""
        if new:
            self.end_heading()
        self.heading.append((ln.page, text))
        self.heading_graded = self.heading_graded or graded

    def end_heading(self) -> None:
        if self.heading and (self.heading_graded or split_grade(_join([t for _, t in self.heading]))[1]):
            pages = list(dict.fromkeys(pg for pg, _ in self.heading))
            p = Paragraph(text=_join([t for _, t in self.heading]), page=pages[0], number=None, part=str(self.run),
                          pages=pages)
            self.out.append(p)
            self.waiting.append(p)
        self.heading, self.heading_graded = [], False

    @property
    def open(self) -> bool:
        return bool(self.texts)

    def start(self, ln: Line, text: str, number: str | None, run: int, section: tuple[str, str | None],
              bullet: bool = False) -> None:
        self.close()
        self.end_heading()
        self.place_waiting(section)
        self.texts, self.pages, self.number, self.run = [text], [ln.page], number, run
        self.section, self.grade = section
        self.bullet = bullet

    def place_waiting(self, section: tuple[str, str | None]) -> None:
        """Graded headings kept as text sit in their own section: the path of what follows, cut after the heading
        (a 'Summary' printed under it is not theirs)."""
        for p in self.waiting:
            parts = section[0].split(" > ")
            mine = [k for k, t in enumerate(parts) if _squash(t) and _squash(t) in _squash(p.text)]
            p.section, p.grade = (" > ".join(parts[:mine[-1] + 1]) if mine else section[0]), section[1]
        self.waiting = []

    def add(self, ln: Line, text: str) -> None:
        self.texts.append(text)
        if ln.page not in self.pages:
            self.pages.append(ln.page)

    def close(self) -> None:
        if self.texts:
            text = _join(self.texts)
            if text or self.number:
                p = Paragraph(text=text, page=self.pages[0], number=self.number, part=str(self.run),
                              section=self.section, grade=self.grade, pages=list(self.pages))
                self.out.append(p)
        self.texts, self.pages, self.number = [], [], None


def _name_parts(paras: list[Paragraph], runs: list[Run]) -> None:
    """Name each run of numbering: 'main' for the report's body, else from the heading where it starts."""
    by_run: dict[int, list[Paragraph]] = {}
    for p in paras:
        if p.number is not None:
            by_run.setdefault(int(p.part), []).append(p)
    names: dict[int, str] = {}

    def kind(ps: list[Paragraph]) -> str:
        start = ps[0].section
        if sum(bool(_LSCB.search(p.section)) for p in ps) * 2 > len(ps):
            return "lscb review"
        if _RECS.search(start) and all(_RECS.search(p.section) or p.section == start for p in ps):
            return "recommendations"
        if re.search(r"appendix|annex", start, re.IGNORECASE):
            return "appendix"
        return ""

    kinds = {r: kind(ps) for r, ps in by_run.items()}
    main = next((r for r in sorted(by_run) if not kinds[r]), min(by_run) if by_run else None)
    used: dict[str, int] = {"part": 1}
    for r in sorted(by_run):
        if r == main:
            names[r] = "main"
            continue
        name = kinds[r] or "part"
        used[name] = used.get(name, 0) + 1
        names[r] = name if used[name] == 1 else f"{name} {used[name]}"
    current = "main"  # unnumbered text belongs to the part of the numbered paragraph before it
    for p in paras:
        if p.number is not None:
            current = names.get(int(p.part), "main")
        p.part = current


def _heading_like(text: str) -> bool:
    return len(text) < 70 and not re.search(r"[.;]\W*$", text)


_ENDS_GRADED = re.compile(
    r"\b(?:outstanding|good|adequate|inadequate|requires?\s+improvement(?:\s+to\s+be\s+good)?)\s*$", re.IGNORECASE)


def _graded(lines: list[Line], j: int) -> bool:
    """The line ends with a grade, or finishes one begun on the line before ('Requires' / 'improvement')."""
    return bool(_ENDS_GRADED.search(lines[j].text) or
                (j > 0 and _ENDS_GRADED.search(f"{lines[j - 1].text} {lines[j].text}")))


def _judgement_block(lines: list[Line], width: float) -> tuple[int, int] | None:
    """The front page's table or list of grades ('Judgement Grade' ... 'Overall effectiveness Good', or '1. Children
    who need help and protection Good' ... '3. Leadership, management and governance Good'): first and last line.

    The loop below reads these lines for the section path and grades, not as body text; the block is also kept
    as one unnumbered paragraph so that a question about how a council was judged can find the grades as printed.
    """
    for i, ln in enumerate(lines):
        if ln.page > 2:
            return None
        if not (JUDGEMENT_TABLE.match(ln.text) or (re.match(r"^1\.\s+\D", ln.text) and
                                                   any(_graded(lines, j) for j in range(i, min(len(lines), i + 3))))):
            continue
        end = None
        for j in range(i, min(len(lines), i + 30)):
            t = lines[j].text
            # over a page break only its numbered or graded items go on (not 'Executive summary' and its text)
            turned = lines[j].page != ln.page and not (_graded(lines, j) or re.match(r"^\d(?:\.\d)?\.?\s", t))
            if lines[j].page > 2 or turned or \
                    not (_graded(lines, j) or (len(t) < 0.85 * width and not t.endswith("."))):
                break
            if _graded(lines, j):
                end = j
        return (i, end) if end is not None and end > i else None
    return None


def _record_block(lines: list[Line], width: float, text_source: bool) -> tuple[int, int] | None:
    """The 2009-2013 reports' closing 'Record of main findings' table (each area and its grade): first and last
    line. Kept as one unnumbered paragraph, like the front page's judgements, so the grades are found as text."""
    for i, ln in enumerate(lines):
        if not re.match(r"^record of (?:the )?main findings:?$", ln.text, re.IGNORECASE):
            continue
        end = i
        for j in range(i + 1, min(len(lines), i + 60)):
            t = lines[j].text
            if lines[j].number or lines[j].page > ln.page + 1 or t.endswith(".") or is_back_cover(t) \
                    or len(t) > (160 if text_source else 0.85 * width):
                break
            end = j
        return (i, end) if end > i else None
    return None


def segment(doc: Document) -> list[Paragraph]:
    """Every paragraph of the document in order (see the module docstring for what counts as one)."""
    text_source = doc.source_type != "pdf"
    pages = clean_document(doc)
    lines = build_lines(pages, text_source)
    lines = _drop_furniture(lines, text_source, max((p.number for p in pages), default=1))
    width = _width(lines, text_source)
    runs = accept_numbers(lines, width, text_source)
    heads = heading_flags(lines, width, text_source)

    b = _Builder()
    path = SectionPath(printed=judged_headings(lines, heads) if not text_source else {})
    in_table_skip = False
    in_heading = False
    current_run = 0
    skip_to = -1
    block = None if text_source else _judgement_block(lines, width)
    record = _record_block(lines, width, text_source)

    def keep_block() -> None:
        assert block is not None
        b.close()
        first, last = block
        b.start(lines[first], lines[first].text, None, current_run, ("Judgements", None))
        for x in lines[first + 1:last + 1]:
            b.add(x, x.text)
        b.close()

    for i, ln in enumerate(lines):
        if block and i == block[1] + 1:
            keep_block()
        if i < skip_to or ln.skip:
            continue
        if record and i == record[0]:
            b.close()
            path.heading(ln.text.rstrip(":"), ln.page)
            b.start(ln, ln.text, None, current_run, path.current())
            for x in lines[i + 1:record[1] + 1]:
                b.add(x, x.text)
            b.close()
            skip_to = record[1] + 1
            continue
        if not text_source and ln.page <= 2 and re.match(r"^\d\.\d\s", ln.text) and is_judgement_item(ln.text):
            continue  # '2.1 Adoption performance Good' in the front page's judgement list
        stated = graded_statement(lines, i) if not ln.number else None
        if stated:
            b.close()
            b.heading_line(ln, _join([x.text for x in lines[i:i + stated[2]]]), new=True, graded=True)
            path.heading(stated[0], ln.page)
            path.grade(stated[1])
            in_heading = True
            skip_to = i + stated[2]
            continue
        if ln.bullet or ln.number:
            text = ln.body
        elif ln.dash:  # a text source's "- " item whose number (if any) the numbering did not take: keep it
            text = re.sub(r"^-\s*", "", ln.text)
        else:
            text = ln.text
        g = grade_of(ln.text) if not ln.number and not ln.bullet else None
        if g is None and in_heading and i and lines[i - 1].text.endswith(":") and ln.text.endswith("."):
            g = grade_of(ln.text[:-1])  # '... children in care and care leavers:' / 'requires improvement to be good.'

        if not text_source and JUDGEMENT_TABLE.match(ln.text):
            in_table_skip = ln.page == 1  # the front page's table of grades; elsewhere only its header row
            b.close()
            continue
        if in_table_skip:
            if re.match(r"^overall effectiveness\b", ln.text, re.IGNORECASE):
                in_table_skip = False
                path.heading(ln.text, ln.page)
                in_heading = True
                continue
            if len(ln.text) < 0.85 * width or grade_of(ln.text):
                continue
            in_table_skip = False

        if ln.number is not None:
            in_heading = False
            current_run = ln.run
            b.start(ln, text, ln.number, current_run, path.current())
            continue
        if g and (in_heading or not b.open or heads[i] or b.number is None or text_source):
            # a grade printed under (or beside) a heading
            path.grade(g)
            b.close()
            if b.heading:
                b.heading_line(ln, ln.text, new=False, graded=True)
            in_heading = True
            continue
        if heads[i]:
            b.close()
            if in_heading and i > 0 and heads[i - 1] and continues_heading(lines[i - 1], ln):
                path.extend(ln.text, ln.page)
                b.heading_line(ln, ln.text, new=not b.heading)
            else:
                path.heading(ln.text, ln.page, heading_level(ln) if text_source else 0)
                b.heading_line(ln, ln.text, new=True)
            in_heading = True
            continue
        in_heading = False

        # body text: continue the open paragraph or start an unnumbered one
        if b.open and b.number is not None:
            if text_source and not _text_continues(ln, lines[i - 1] if i else None, b):
                b.start(ln, text, None, current_run, path.current(), bullet=ln.bullet)
            else:
                b.add(ln, text)
            continue
        if b.open and _continues_unnumbered(ln, lines[i - 1] if i else None, b, width, text_source):
            b.add(ln, text)
            continue
        b.start(ln, text, None, current_run, path.current(), bullet=ln.bullet)
    b.close()
    b.end_heading()
    b.place_waiting(path.current())
    if block and block[1] + 1 >= len(lines):
        keep_block()
    paras = [p for p in b.out if p.text or p.number]
    _name_parts(paras, runs)
    return paras


def _text_continues(ln: Line, prev: Line | None, b: _Builder) -> bool:
    """Text sources, inside a numbered paragraph: does this line still belong to it? Its list items, a broken-off
    line and a list intro ('Immediately:') do; a table does not; a new sentence does only after a numbered
    heading-like line ('1.5 Information:'), which it completes."""
    if ln.table:
        return False
    if ln.bullet or ln.dash or ln.indent or ln.text.endswith(":"):
        return True
    if prev is None or not prev.closed or ln.text[:1].islower():
        return True
    return len(b.texts) == 1 and _heading_like(b.texts[0])


def _continues_unnumbered(ln: Line, prev: Line | None, b: _Builder, width: float, text_source: bool) -> bool:
    """Outside the numbering: does this line go on with the open paragraph or bullet item? A PDF paragraph ends
    at a blank line, or where a sentence ends on a line shorter than the measure."""
    if prev is None or ln.bullet:
        return False
    if text_source:
        if ln.table:
            return prev.table
        if ln.printed:
            return False  # an item of a numbered list outside the report's numbering
        return ln.text[:1].islower() or (ln.dash and not ln.bullet) or (ln.indent and not ln.bullet)
    if ln.blank_before:
        return False
    if ln.text[:1].islower() or not prev.closed:
        return True
    return len(prev.text) >= 0.85 * width and not b.bullet
