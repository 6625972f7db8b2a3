"""Page cleaning: what is printed on a page but is not the report's running text.

Every citation rests on this step. A running header left inside a paragraph ("Inspection of Devon local authority
children's services / 3 to 14 October 2022 5") turns a quote into something the report never said; a footnote
left at the foot of a page glues a statistic's source onto the sentence that continues on the next page. So pages
are cleaned before anything is segmented, by rules learnt from the layouts rather than from any one file:

- running headers/footers are lines that recur (digits ignored) at the top or bottom of most pages;
- page numbers are lone numbers at the top or bottom of a page;
- footnotes are numbered notes at a page's foot, usually under a rule that pypdf renders as a run of spaces,
  whose numbers appear glued to a word above them ("area2"); the markers go too;
- a word split by a hyphen at a line end (no space after the hyphen, as pypdf reports it) is joined, keeping the
  hyphen: in these reports such breaks fall on compounds ("multi-agency"), not on syllables.
Text sources (cabinet reports saved as .txt/.md) carry markup instead: HTML tags and markdown emphasis/heading
markers are removed; a markdown heading is remembered so the segmenter can still see it was a heading.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from ingest.models import Document, Page

_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,3}(?:\s+of\s+\d{1,3})?$", re.IGNORECASE)
_SEPARATOR = re.compile(r"^[ \t_]{12,}$|^_{5,}\s*$")
_FOOTNOTE = re.compile(r"^(\d{1,2})\s+\S")
_GLUE_BEFORE = r"(?:(?<=[A-Za-z)%\u2019\u201d'?!])|(?<=[a-z)%\u2019\u201d][.,;:]))"
_GLUE_AFTER = r"(?=[\s,.;:)\u2019\u201d]|$)"
_SPACES = re.compile(r"[ \u00a0\u2002\u2003\u2009\u202f]+")
_HTML_TAG = re.compile(r"</?(?:b|i|u|em|strong|sup|sub|span|font|a|br|p|div|small|big)\b[^>]*>", re.IGNORECASE)
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")


@dataclass
class CleanPage:
    """A cleaned page as lines ("" for a blank line) plus which lines were markdown headings (index -> level)."""

    number: int
    lines: list[str]
    md_headings: dict[int, int] = field(default_factory=dict)
    height: float = 0.0


_DIGITS = re.compile(r"\d+")
_WS = re.compile(r"\s+")


def _key(line: str) -> str:
    """A line's identity for running-header detection: digits vary (page numbers, dates), the words do not."""
    return _WS.sub(" ", _DIGITS.sub("#", line)).strip()


def _content_indexes(lines: list[str]) -> list[int]:
    return [i for i, l in enumerate(lines) if l.strip()]


def _running_keys(pages: list[list[str]], zone: int = 4) -> set[str]:
    """Lines that recur at the top or bottom of at least half of the pages (page 1 excepted: it has the title)."""
    counts: Counter[str] = Counter()
    for lines in pages:
        idx = _content_indexes(lines)
        keys = {_key(lines[i]) for i in idx[:zone] + idx[-zone:]}
        counts.update(k for k in keys if k and not _PAGE_NUMBER.match(k.replace("#", "1")))
    n = len(pages)
    if n < 3:
        return set()
    need = max(2, (n - 1) * 0.5)
    # a sentence end is body text however often it recurs ('(Recommendation)' closes many a page)
    return {k for k, c in counts.items()
            if c >= need and len(k) >= 3 and not re.search(r"[.;:]$|\([A-Za-z ]+\)$", k)}


def _strip_edges(lines: list[str], running: set[str]) -> list[str]:
    """Drop running headers/footers and page numbers from the top and bottom of one page."""
    lines = list(lines)
    for _ in range(6):  # top: header lines and the page number come in any order
        idx = _content_indexes(lines)
        if not idx:
            break
        first = lines[idx[0]].strip()
        if _key(first) in running or _PAGE_NUMBER.match(first):
            lines[idx[0]] = ""
        else:
            break
    for _ in range(6):
        idx = _content_indexes(lines)
        if not idx:
            break
        last = lines[idx[-1]].strip()
        if _key(last) in running or _PAGE_NUMBER.match(last):
            lines[idx[-1]] = ""
        else:
            break
    # a long running line can still sit mid-page when pypdf orders the text oddly
    long_keys = {k for k in running if len(k) >= 12}
    if not long_keys:
        return lines
    lo, hi = min(map(len, long_keys)) - 8, max(map(len, long_keys)) + 8
    return ["" if lo <= len(l.strip()) <= hi and _key(l) in long_keys else l for l in lines]


def _strip_footnotes(lines: list[str]) -> list[str]:
    """Cut the footnote block at the foot of a page and the markers that point to it.

    A block starts at a numbered line near the page foot when either a rule (a long run of spaces) sits just above
    it, or its number is glued to a word earlier on the page. Everything from there to the page end is notes.
    """
    idx = _content_indexes(lines)
    if not idx:
        return lines
    start = None
    tail = [i for i in range(len(lines)) if i >= (idx[-16] if len(idx) > 16 else idx[0])]
    for i in tail:
        m = _FOOTNOTE.match(lines[i].strip())
        if not m:
            continue
        # the rule above the notes, possibly with a blank line between
        above = [lines[j] for j in range(max(0, i - 3), i)]
        ruled = any(_SEPARATOR.match(a) for a in above if a)
        num = m.group(1)
        before = "\n".join(lines[:i])
        marked = re.search(_GLUE_BEFORE + num + _GLUE_AFTER, before) is not None
        if ruled or (marked and not lines[i].strip()[len(num):].strip()[:1].islower()):
            start = i
            # a rule above belongs to the notes
            for j in range(i - 1, max(-1, i - 4), -1):
                if _SEPARATOR.match(lines[j]) or not lines[j].strip():
                    start = j
                else:
                    break
            notes = {m2.group(1) for m2 in (_FOOTNOTE.match(l.strip()) for l in lines[i:]) if m2}
            break
    if start is None:
        return lines
    kept = lines[:start]
    pattern = re.compile(_GLUE_BEFORE + "(?:" + "|".join(sorted(notes, key=len, reverse=True)) + ")" + _GLUE_AFTER)
    return [pattern.sub("", l) for l in kept]


def _tidy(line: str) -> str:
    line = line.replace("\u00ad", "").replace("\ufeff", "")
    return _SPACES.sub(" ", line).rstrip()


def _join_hyphens(pages: list[CleanPage], raw_ends: dict[tuple[int, int], bool]) -> None:
    """Join 'multi-' + 'agency' across a line (or page) break when pypdf put no space after the hyphen."""
    flat = [(p, i) for p in pages for i, l in enumerate(p.lines) if l.strip()]
    for (p, i), (q, j) in pairwise(flat):
        a, b = p.lines[i], q.lines[j]
        if not raw_ends.get((p.number, i)) or not re.search(r"[A-Za-z]-$", a):
            continue
        m = re.match(r"\s*([A-Za-z0-9][\w’'\-]*)([,.;:)?!’”]*)(\s*)(.*)$", b)
        if not m or p.md_headings or q.md_headings:
            continue
        p.lines[i] = a + m.group(1) + m.group(2)
        q.lines[j] = m.group(4)


def _clean_pdf(doc: Document) -> list[CleanPage]:
    raw = [p.text.replace("\r\n", "\n").replace("\r", "\n").split("\n") for p in doc.pages]
    running = _running_keys(raw)
    out: list[CleanPage] = []
    raw_ends: dict[tuple[int, int], bool] = {}
    for page, lines in zip(doc.pages, raw):
        lines = _strip_edges(lines, running)
        lines = _strip_footnotes(lines)
        cleaned = []
        for i, l in enumerate(lines):
            # a hyphen pypdf reports with no trailing space was a break inside a word
            raw_ends[(page.number, i)] = bool(re.search(r"[A-Za-z]-$", l))
            cleaned.append("" if _SEPARATOR.match(l) else _tidy(l).strip())
        out.append(CleanPage(number=page.number, lines=cleaned, height=page.height))
    _join_hyphens(out, raw_ends)
    return out


def strip_markup(line: str) -> tuple[str, int]:
    """A text line without HTML tags and markdown emphasis, and its markdown heading level (0: not a heading)."""
    m = _MD_HEADING.match(line)
    heading = line.strip().count("#", 0, m.end() - m.start()) if m else 0
    line = _MD_HEADING.sub("", line)
    line = _HTML_TAG.sub("", line)
    line = html.unescape(line)
    for _ in range(2):
        line = _MD_EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or "", line)
    line = line.replace("**", "")
    return line, heading


def _clean_text(doc: Document) -> list[CleanPage]:
    out = []
    for page in doc.pages:
        lines, heads = [], {}
        for i, raw in enumerate(page.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
            text, heading = strip_markup(raw)
            text = _SPACES.sub(" ", text.replace("\u00ad", "").replace("\ufeff", "")).rstrip()
            if heading and text.strip():
                heads[i] = heading
            lines.append(text if text.strip() else "")
        out.append(CleanPage(number=page.number, lines=lines, md_headings=heads, height=page.height))
    return out


def clean_document(doc: Document) -> list[CleanPage]:
    """Cleaned pages as lines, for the segmenter (which also needs to know the markdown headings)."""
    return _clean_pdf(doc) if doc.source_type == "pdf" else _clean_text(doc)


def clean_pages(doc: Document) -> list[Page]:
    """The document's pages with running headers/footers, page numbers and footnotes removed and words hyphenated
    across a line joined (same page numbers, one Page per input page)."""
    return [Page(number=p.number, text="\n".join(p.lines), height=p.height) for p in clean_document(doc)]
