"""The segmenter's view of a cleaned document: one record per text line, classified.

Kept apart from the paragraph state machine so each rule about what a line *is* (a numbered start, a bullet, a
grade, boilerplate) can be read and tested on its own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.clean import CleanPage

# bullets as pypdf reports them (private-use Wingdings glyphs, squares, dashes) and as text files write them
BULLETS = "\uf06e\uf02d\uf0a7\uf0b7\uf0be\uf0d8\uf076\uf0fc\u25fc\u25aa\u25a0\u25cf\u2022\u2023\u2043\u2500\u2015\u2212\u0336\u25e6\u2219"
_BULLET = re.compile(r"^(?:[" + BULLETS + r"]\s*|[-*]\s+(?=\S)|o\s+(?=[a-z]))")
_PDF_NUMBER = re.compile(r"^(\d{1,3})\.(?:\s+|$|(?=[A-Z\u2018\u201c]))(.*)$")
_TEXT_NUMBER = re.compile(r"^(\d{1,3}(?:\.\d{1,2}){0,3})(?:(\.)\s+(?=\S)|()\s+(?=[A-Z(\u2018\u201c'\"]))(.*)$")
_TEXT_NUMBER_ALONE = re.compile(r"^(\d{1,3}(?:\.\d{1,2}){0,3})\.$")
GRADE_WORDS = r"(requires? improvement to be good|requires? improvement|outstanding|good|adequate|inadequate|poor|satisfactory)"
_GRADE_LINE = re.compile(r"^(?:grade\s*[1-4]\s*\(?\s*" + GRADE_WORDS + r"\s*\)?|" + GRADE_WORDS + r")\s*$", re.IGNORECASE)
_JUDGEMENT_ITEM = re.compile(r"\b" + GRADE_WORDS + r"\s*$", re.IGNORECASE)
_TERMINAL = re.compile(r"[.!?:;][\s\u2019\u201d'\")\]]*$|\(recommendations?\)\s*$", re.IGNORECASE)

_BACK_COVER = re.compile(
    r"^(The Office for Standards in Education, Children.s Services and Skills \(Ofsted\)\s*(?:regulates|$)"
    r"|Ofsted (?:is the Office|regulates and inspects)"
    r"|Any complaints about the inspection or the report should be made"
    r"|If you would like a copy of this document in a different format"
    r"|You may (?:re-?use|copy) this information"
    r"|This document may be reproduced in whole or in part"
    r"|\u00a9 Crown copyright)", re.IGNORECASE)
_CONTENTS = re.compile(r"^(table of )?contents( page)?$", re.IGNORECASE)


@dataclass
class Line:
    """One cleaned text line with what the segmenter needs to know about it."""

    text: str                 # the line, stripped (bullet glyph and number still on it)
    page: int
    pos: int                  # index among the document's content lines
    blank_before: bool        # a blank line sits between it and the previous line on the same page
    first_on_page: bool
    md_level: int = 0         # text sources: markdown heading level (0: not a heading)
    indent: bool = False      # text sources: the line starts with white space (a wrapped or nested line)
    dash: bool = False        # text sources: the line was written as a "- " list item
    bullet: bool = False
    number: str | None = None  # printed number starting a paragraph (cleared unless the numbering accepts it)
    printed: str | None = None  # the number the line starts with, accepted or not
    body: str = ""            # the text after the bullet glyph / number
    table: bool = False       # text sources: tab-separated cells
    run: int = -1             # accepted numbered start: which run of numbering it belongs to
    skip: bool = False        # part of a front-page judgement list: neither paragraph nor heading

    @property
    def md_heading(self) -> bool:
        return self.md_level > 0

    @property
    def closed(self) -> bool:
        """The line ends a sentence (or a list intro): the next line may start something new."""
        return bool(_TERMINAL.search(self.text))


def grade_of(text: str) -> str | None:
    """'Grade 3 (adequate)' / 'Requires improvement' as a whole line -> the grade, capitalised."""
    m = _GRADE_LINE.match(text.strip())
    if not m:
        return None
    return capital(m.group(1) or m.group(2))


def capital(grade: str) -> str:
    g = re.sub(r"\s+", " ", grade.strip()).lower()
    g = re.sub(r"^require\b", "requires", g)  # '... protection require improvement.': the grade's own name
    return g[:1].upper() + g[1:]


def is_judgement_item(text: str) -> bool:
    """A line of the front-page judgement list ('1. Children who need help and protection Requires improvement'):
    short, no full stop, ends with a grade word. Not a paragraph."""
    t = text.strip()
    return len(t) < 130 and not t.endswith(".") and bool(_JUDGEMENT_ITEM.search(t))


def is_back_cover(text: str) -> bool:
    return bool(_BACK_COVER.match(text.strip()))


def is_contents(text: str) -> bool:
    return bool(_CONTENTS.match(text.strip().rstrip(":")))


def build_lines(pages: list[CleanPage], text_source: bool) -> list[Line]:
    """Flatten cleaned pages into classified lines (blank lines become the blank_before flag)."""
    out: list[Line] = []
    for p in pages:
        blank = False
        first = True
        for i, raw in enumerate(p.lines):
            if not raw.strip():
                blank = not first
                continue
            text = raw.strip()
            ln = Line(text=text, page=p.number, pos=len(out), blank_before=blank, first_on_page=first,
                      md_level=p.md_headings.get(i, 0))
            blank = False
            first = False
            if text_source:
                ln.indent = raw[:1].isspace()
                ln.table = "\t" in text.strip("\t ")
                if re.match(r"^-\s+\S", text):
                    ln.dash = True
                    text = text[1:].strip()
            body = text
            m = _BULLET.match(body) if not ln.dash else None
            if m:
                ln.bullet = True
                body = body[m.end():].strip()
            num = None
            if not ln.bullet:
                if text_source:
                    mm = _TEXT_NUMBER.match(body)
                    if mm and (mm.group(2) or "." in mm.group(1) or ln.dash or not ln.indent):
                        num, body = mm.group(1), mm.group(4).strip()
                    elif _TEXT_NUMBER_ALONE.match(body):
                        num, body = _TEXT_NUMBER_ALONE.match(body).group(1), ""
                else:
                    mm = _PDF_NUMBER.match(body)
                    if mm:
                        num, body = mm.group(1), mm.group(2).strip()
            if text_source and ln.dash and not num:
                # "- text" is a list item, unless it starts in lower case: then it is a line broken off the one before
                ln.bullet = not body[:1].islower()
            ln.number, ln.printed, ln.body = num, num, body
            out.append(ln)
    return out
