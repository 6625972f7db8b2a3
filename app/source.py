"""Show a paragraph where it sits in the original report: a PDF page rendered as an image, the paragraph shaded.

Ingest may not keep where a paragraph sits on its page, so the paragraph is found again in the PDF's own text layer
(pypdfium2): the first words of the paragraph and its last words are located in the page's characters (compared on
letters and digits only, so line breaks, hyphens, ligatures and curly quotes do not matter) and everything between
them is shaded. A paragraph that runs over a page break is shaded to the foot of its first page and from the top of
the next page down to its last words. Where the words cannot be found, the stored vertical extent (when ingest kept
one) is used; failing that the page is shown unshaded and the caller is told so.

Text sources (.txt/.md) have no pages to draw: `text_context` gives the paragraph with its neighbours instead.
"""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HIGHLIGHT = (255, 221, 0, 90)  # yellow wash, text stays readable underneath
EDGE = (29, 112, 184, 255)  # a solid blue bar in the margin: the mark does not rely on colour alone
START_WORDS = 8
END_WORDS = 8


@dataclass
class Band:
    page: int  # 1-based
    top: float  # PDF points from the top of the page
    bottom: float
    left: float
    right: float


@dataclass
class PageImage:
    page: int
    png: bytes
    width: int
    height: int
    band: Band | None = None


@dataclass
class SourceView:
    """What the app shows: page images (first page of the paragraph, and the next when it runs over)."""

    source: str
    pages: list[PageImage] = field(default_factory=list)
    found: bool = False  # the paragraph's words were located on the page
    method: str = ""  # "text" (words found), "stored" (ingest's extent), "" (not located)
    message: str = ""


def is_pdf(path: str | None) -> bool:
    return bool(path) and Path(path).suffix.lower() == ".pdf"


def _fold(ch: str) -> str:
    """Letters and digits only, lower case, ligatures and accents unfolded ("ﬁ" -> "fi", "é" -> "e")."""
    out = []
    for c in unicodedata.normalize("NFKD", ch):
        if c.isalnum() and not unicodedata.combining(c):
            out.append(c.lower())
    return "".join(out)


def _key_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each folded character, the index of the character it came from."""
    key: list[str] = []
    idx: list[int] = []
    for i, ch in enumerate(text):
        f = _fold(ch)
        for c in f:
            key.append(c)
            idx.append(i)
    return "".join(key), idx


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"\s+", text.strip()) if _fold(w)]


def _strip_number(text: str, number: str | None) -> str:
    """Drop a printed paragraph number at the start ("128." / "2.1.1"): ingest may or may not keep it."""
    t = text.strip()
    if number and t.startswith(number):
        t = t[len(number):].lstrip(" .)")
    return t


def _page_chars(textpage) -> str:
    n = textpage.count_chars()
    text = textpage.get_text_range(0, n) if n else ""
    if len(text) != n:  # be safe: one character per index, as the char boxes are indexed
        import pypdfium2.raw as pdfium_c

        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i) or 32) for i in range(n))
    return text


def _find(key: str, needle: str, start: int = 0) -> int:
    return key.find(needle, start) if needle else -1


def _locate_start(key: str, words: list[str]) -> tuple[int, int]:
    """(position in key, length) of the paragraph's opening words, trying shorter openings if need be."""
    for n in (START_WORDS, 6, 4):
        needle = "".join(_fold(w) for w in words[:n])
        if len(needle) < 12 and n != 4:
            continue
        pos = _find(key, needle)
        if pos >= 0:
            return pos, len(needle)
    return -1, 0


def _locate_end(key: str, words: list[str], after: int) -> int:
    """Position in key just past the paragraph's last words, searching from `after`; -1 when not on this page."""
    for n in (END_WORDS, 5, 3):
        needle = "".join(_fold(w) for w in words[-n:])
        if len(needle) < 8 and n != 3:
            continue
        pos = _find(key, needle, after)
        if pos >= 0:
            return pos + len(needle)
    return -1


def _extent(textpage, height: float, first: int, last: int) -> tuple[float, float, float, float] | None:
    """Top, bottom (points from the page top), left, right of the visible characters first..last."""
    tops, bottoms, lefts, rights = [], [], [], []
    for i in range(first, last + 1):
        try:
            left, bottom, right, top = textpage.get_charbox(i)
        except (RuntimeError, ValueError):  # pypdfium2's PdfiumError is a RuntimeError
            continue
        if right - left <= 0 or top - bottom <= 0:
            continue  # generated spaces and line breaks have no box
        tops.append(height - top)
        bottoms.append(height - bottom)
        lefts.append(left)
        rights.append(right)
    if not tops:
        return None
    return min(tops), max(bottoms), min(lefts), max(rights)


def locate(pdf, page_number: int, text: str, number: str | None = None) -> list[Band]:
    """Bands covering the paragraph on its page (and the next page when it runs over); [] when not found."""
    words = _words(_strip_number(text, number))
    if not words or page_number < 1 or page_number > len(pdf):
        return []
    page = pdf[page_number - 1]
    height = page.get_height()
    tp = page.get_textpage()
    raw = _page_chars(tp)
    key, idx = _key_with_map(raw)
    start, length = _locate_start(key, words)
    if start < 0:
        return []
    # how far the page's letters run on exactly as the paragraph's: all the way for a paragraph on one page
    para_key = "".join(_fold(w) for w in words)
    here = max(_common_prefix(key[start:], para_key), length)
    if here >= len(para_key) - 2:
        ext = _extent(tp, height, idx[start], idx[start + here - 1])
        return [Band(page_number, *ext)] if ext else []
    # the texts part company before the paragraph's end: either the two text layers differ somewhere in the middle
    # (the last words still follow, close by, on this page) or the paragraph runs over the page break
    end = _locate_end(key, words, start + here)
    if end >= 0 and end - start <= int(len(para_key) * 1.3) + 40:
        ext = _extent(tp, height, idx[start], idx[end - 1])
        return [Band(page_number, *ext)] if ext else []
    # runs over the page break: the rest is looked for on the next page (under the running header) and shaded
    bands = []
    ext = _extent(tp, height, idx[start], idx[start + here - 1])
    if ext:
        bands.append(Band(page_number, *ext))
    rest = para_key[here:]
    if page_number < len(pdf) and len(rest) >= 15:
        nxt = pdf[page_number]
        ntp = nxt.get_textpage()
        nkey, nidx = _key_with_map(_page_chars(ntp))
        head = rest[:40]
        cont = nkey.find(head)
        if cont < 0 and len(rest) > 60:
            cont = nkey.find(rest[20:60])
            cont = cont - 20 if cont >= 20 else cont
        if cont >= 0:
            there = _common_prefix(nkey[cont:], rest)
            ext2 = _extent(ntp, nxt.get_height(), nidx[cont], nidx[cont + there - 1]) if there >= 15 else None
            if ext2:
                bands.append(Band(page_number + 1, *ext2))
    return bands


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _draw(page, bands: list[Band], scale: float) -> tuple[bytes, int, int]:
    from PIL import Image, ImageDraw

    img = page.render(scale=scale).to_pil().convert("RGBA")
    if bands:
        overlay = Image.new("RGBA", img.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        width = page.get_width()
        for b in bands:
            pad = 3
            y0 = max(0, (b.top - pad) * scale)
            y1 = min(img.size[1], (b.bottom + pad) * scale)
            x0 = max(0, (b.left - pad) * scale)
            x1 = min(img.size[0], (max(b.right, width * 0.5) + pad) * scale)
            draw.rectangle([x0, y0, x1, y1], fill=HIGHLIGHT)
            bar_x = max(0, x0 - 8 * scale)
            draw.rectangle([bar_x, y0, bar_x + 3 * scale, y1], fill=EDGE)
        img = Image.alpha_composite(img, overlay)
    buf = io.BytesIO()
    img.convert("RGB").save(buf, format="PNG", optimize=False)
    return buf.getvalue(), img.size[0], img.size[1]


def render_paragraph(source: str, page: int, text: str, number: str | None = None, scale: float = 1.4,
                     top: float | None = None, bottom: float | None = None) -> SourceView:
    """The paragraph's page(s) as PNG images with the paragraph shaded. Never raises for a bad or missing file."""
    view = SourceView(source=source)
    if not is_pdf(source):
        view.message = "This report is a text file: it has no printed pages to show."
        return view
    if not Path(source).is_file():
        view.message = f"The original file is no longer at {source}."
        return view
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(source)
    except Exception as e:  # noqa: BLE001 - damaged since it was indexed, or replaced by something else
        view.message = f"The original file cannot be opened ({type(e).__name__})."
        return view
    try:
        if page < 1 or page > len(pdf):
            view.message = f"The report has {len(pdf)} pages; page {page} is not one of them."
            return view
        bands = locate(pdf, page, text, number)
        if bands:
            view.found, view.method = True, "text"
        elif top is not None and bottom is not None and bottom > top:
            p = pdf[page - 1]
            bands = [Band(page, top, bottom, 0.08 * p.get_width(), 0.92 * p.get_width())]
            view.found, view.method = True, "stored"
        else:
            view.message = "The paragraph's words could not be matched on the page; the whole page is shown."
        pages = sorted({b.page for b in bands} | {page})
        for n in pages:
            png, w, h = _draw(pdf[n - 1], [b for b in bands if b.page == n], scale)
            first = next((b for b in bands if b.page == n), None)
            view.pages.append(PageImage(page=n, png=png, width=w, height=h, band=first))
    finally:
        pdf.close()
    return view


def text_context(paragraphs: list[dict[str, Any]], paragraph_id: str | None = None, number: str | None = None,
                 text: str | None = None, around: int = 2) -> tuple[list[dict[str, Any]], int]:
    """For text sources: the paragraph with `around` neighbours each side, and the index of the paragraph itself.

    `paragraphs` are Store.paragraphs_of rows in document order; the paragraph is found by id, else by its text,
    else by its printed number. Returns ([], -1) when it is not there.
    """
    pos = -1
    if paragraph_id:
        pos = next((i for i, p in enumerate(paragraphs) if p.get("id") == paragraph_id), -1)
    if pos < 0 and text:
        pos = next((i for i, p in enumerate(paragraphs) if p.get("text") == text), -1)
    if pos < 0 and number:
        pos = next((i for i, p in enumerate(paragraphs) if str(p.get("number") or "") == str(number)), -1)
    if pos < 0:
        return [], -1
    lo = max(0, pos - around)
    return paragraphs[lo:pos + around + 1], pos - lo


def original_file(source: str | None, allowed_roots: list[str] | None = None) -> bytes | None:
    """The original file's bytes for download, or None when it is gone. Only paths the index recorded are passed
    in; `allowed_roots`, when given, further confines them."""
    if not source:
        return None
    p = Path(source)
    if allowed_roots:
        rp = p.resolve()
        if not any(rp.is_relative_to(Path(r).resolve()) for r in allowed_roots):
            return None
    try:
        return p.read_bytes() if p.is_file() else None
    except OSError:
        return None
