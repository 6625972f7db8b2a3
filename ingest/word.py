"""Word documents (.docx) as the plain text the text-report pipeline already reads.

Council papers (cabinet reports, action plans) are mostly written in Word, and their paragraph numbers are usually
Word's automatic numbering: the number is not in the paragraph's text at all, only a reference (numPr: a list id and
a level) into the document's numbering definitions. python-docx exposes that reference but not the number it
produces, so this module counts the lists the way Word does and writes the number in front of the text ("3.2 The
council will ..."), which is how a .txt report saved from the same document reads. Numbers typed by hand stay as
typed. Tables become one line per row with the cells separated by tabs, as in text reports saved from Word.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from docx.oxml.ns import qn


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    legal: bool = False  # isLgl: every level shown as a decimal number


@dataclass
class _List:
    levels: dict[int, _Level] = field(default_factory=dict)


def _val(el, tag: str, default: str | None = None) -> str | None:
    child = el.find(qn(tag)) if el is not None else None
    if child is None:
        return default
    return child.get(qn("w:val"), default)


def _roman(n: int) -> str:
    out = []
    for value, digits in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                          (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out.append(digits)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    # Word repeats the letter past z: a..z, aa..zz, aaa..
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""


def _format(n: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt in ("none", "bullet"):
        return ""
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)  # decimal and the rarer formats (ordinal, cardinalText ...) read well enough as digits


class Numbering:
    """Word's list counters for one document: `label(num_id, level)` gives the next paragraph's number text."""

    def __init__(self, document) -> None:
        self.abstract: dict[str, _List] = {}
        self.num_to_abstract: dict[str, str] = {}
        self.overrides: dict[str, dict[int, int]] = {}  # numId -> level -> startOverride
        self.counters: dict[str, dict[int, int]] = {}  # abstractNumId -> level -> current value
        self.started: set[tuple[str, int]] = set()  # (numId, level) whose startOverride has been applied
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        for a in root.findall(qn("w:abstractNum")):
            lst = _List()
            for lvl in a.findall(qn("w:lvl")):
                ilvl = int(lvl.get(qn("w:ilvl"), "0"))
                lst.levels[ilvl] = _Level(start=int(_val(lvl, "w:start", "1") or 1),
                                          fmt=_val(lvl, "w:numFmt", "decimal") or "decimal",
                                          text=_val(lvl, "w:lvlText", "") or "",
                                          legal=lvl.find(qn("w:isLgl")) is not None)
            self.abstract[a.get(qn("w:abstractNumId"))] = lst
        for num in root.findall(qn("w:num")):
            nid = num.get(qn("w:numId"))
            self.num_to_abstract[nid] = _val(num, "w:abstractNumId") or ""
            for ov in num.findall(qn("w:lvlOverride")):
                start = _val(ov, "w:startOverride")
                if start is not None:
                    self.overrides.setdefault(nid, {})[int(ov.get(qn("w:ilvl"), "0"))] = int(start)

    def label(self, num_id: str, ilvl: int) -> tuple[str, bool]:
        """(the number text, whether the level is a bullet); ("", False) for a list the document does not define.

        Lists that share one definition continue each other's numbering, as in Word; a list that overrides its
        start restarts there the first time it is used."""
        aid = self.num_to_abstract.get(num_id)
        lst = self.abstract.get(aid or "")
        if lst is None:
            return "", False
        level = lst.levels.get(ilvl) or _Level()
        if level.fmt == "bullet":
            return "", True
        counts = self.counters.setdefault(aid, {})
        start = self.overrides.get(num_id, {}).get(ilvl)
        if start is not None and (num_id, ilvl) not in self.started:
            self.started.add((num_id, ilvl))
            counts[ilvl] = start
        elif ilvl in counts:
            counts[ilvl] += 1
        else:
            counts[ilvl] = level.start
        for deeper in [k for k in counts if k > ilvl]:  # a higher level's next item restarts the levels below it
            del counts[deeper]

        def one(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            lv = lst.levels.get(k) or _Level()
            value = counts.get(k, lv.start)
            return str(value) if (level.legal and k != ilvl) else _format(value, lv.fmt)

        return re.sub(r"%(\d)", one, level.text).strip(), False


def _num_pr(p, styles: dict[str, object]) -> tuple[str, int] | None:
    """The paragraph's list reference (its own, else its style's, following basedOn), or None."""
    ppr = p.find(qn("w:pPr"))
    num = ppr.find(qn("w:numPr")) if ppr is not None else None
    ilvl = None
    if num is not None:
        ilvl = _val(num, "w:ilvl")
        nid = _val(num, "w:numId")
        if nid is not None:  # numId 0 switches off the numbering a style would give
            return None if nid == "0" else (nid, int(ilvl or 0))
    style_id = _val(ppr, "w:pStyle") if ppr is not None else None
    seen = set()
    while style_id and style_id not in seen:
        seen.add(style_id)
        st = styles.get(style_id)
        if st is None:
            break
        sppr = st.find(qn("w:pPr"))
        snum = sppr.find(qn("w:numPr")) if sppr is not None else None
        if snum is not None and _val(snum, "w:numId") is not None:
            nid = _val(snum, "w:numId")
            if nid == "0":
                return None
            return nid, int(ilvl if ilvl is not None else (_val(snum, "w:ilvl") or 0))
        style_id = _val(st, "w:basedOn")
    return None


def _paragraph_text(p) -> str:
    """The visible text of a w:p: runs (including those in hyperlinks and fields), tabs and breaks as spaces."""
    parts: list[str] = []
    for el in p.iter():
        if el.tag == qn("w:t"):
            parts.append(el.text or "")
        elif el.tag in (qn("w:tab"), qn("w:br"), qn("w:cr")):
            parts.append(" ")
        elif el.tag == qn("w:delText"):
            continue
    return re.sub(r"[ \t\u00a0]+", " ", "".join(parts)).strip()


def _blocks(parent):
    """The body's paragraphs and tables in order, including those inside content controls (w:sdt), which council
    templates wrap around whole sections."""
    for el in parent.iterchildren():
        if el.tag in (qn("w:p"), qn("w:tbl")):
            yield el
        elif el.tag == qn("w:sdt"):
            content = el.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content)
        elif el.tag == qn("w:customXml"):
            yield from _blocks(el)


def docx_text(data: bytes) -> str:
    """The document's body as text: one paragraph per line block, automatic numbers written out, tables by row."""
    from docx import Document

    document = Document(io.BytesIO(data))
    styles = {s.get(qn("w:styleId")): s for s in document.styles.element.findall(qn("w:style"))}
    numbering = Numbering(document)
    blocks: list[str] = []
    for el in _blocks(document.element.body):
        if el.tag == qn("w:p"):
            text = _paragraph_text(el)
            ref = _num_pr(el, styles)
            if ref:
                label, bullet = numbering.label(*ref)  # counted even when empty, as Word does
                if text:
                    text = f"- {text}" if bullet else (f"{label} {text}" if label else text)
            if text:
                blocks.append(text)
        elif el.tag == qn("w:tbl"):
            for row in el.findall(qn("w:tr")):
                cells = []
                for cell in row.findall(qn("w:tc")):
                    cells.append(" ".join(t for t in (_paragraph_text(p) for p in cell.iter(qn("w:p"))) if t))
                line = "\t".join(cells).strip()
                if line:
                    blocks.append(line)
    return "\n\n".join(blocks) + "\n"
