"""Findings for a draft: an answer (or a comparison) as a Word document or Markdown, every quotation cited in full.

Input is the JSON shape the CLI prints (`AskResult.to_json()`, `compare()`), so a script holding `inspections ask
--json` output can make the same document as the app. Quotations are the paragraphs exactly as indexed; nothing is
paraphrased here.
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from retrieval.citation import long_date

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MD_MIME = "text/markdown"

NOTE = ("Quotations are taken word for word from the reports cited. Paragraph numbers are as printed in each "
        "report; check them against the report before publishing.")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(value: Any) -> Any:
    """Strip characters Word's XML cannot hold (stray control characters from PDF text layers)."""
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def _as_dict(obj: Any) -> dict[str, Any]:
    if hasattr(obj, "to_json"):
        obj = obj.to_json()
    return _clean(dict(obj))


def when(published: str | None) -> str:
    """'2012-04-10' -> '10 April 2012' (the citation's own format); 'date unknown' when there is none."""
    return long_date(published) or "date unknown"


# What inspectors say in a quoted paragraph (retrieval/stance.py), as a label beside the quote in every export; the
# colours are the app's badges (app/ui_common.STANCE_STYLES), with neutral in grey.
STANCE_LABELS = {"strength": "Strength", "concern": "Concern", "mixed": "Mixed", "neutral": "Neutral"}
STANCE_COLOURS = {"strength": "1B5E20", "concern": "8A1C1C", "mixed": "7A4B00", "neutral": "505A5F"}


# What an export filtered by stance (retrieval/stance.keep_stance) says it kept, in its header.
STANCE_KEPT = {"strength": "only paragraphs that state a strength (then those that are mixed)",
               "concern": "only paragraphs that state a concern (then those that are mixed)",
               "mixed": "only paragraphs that both praise and criticise",
               "neutral": "only paragraphs that describe, without praise or criticism"}


# How a count of councils says which paragraphs were kept: "3 councils say something about it as a concern (or mixed)"
STANCE_SAID = {"strength": " as a strength (or mixed)", "concern": " as a concern (or mixed)",
               "mixed": ", praising and criticising at once", "neutral": ", only describing"}


def stance_kept(stance: str | None) -> str:
    """The header line of an export filtered by stance ('' when nothing was filtered)."""
    return f"What inspectors say: {STANCE_KEPT[stance]}." if stance in STANCE_KEPT else ""


def stance_of(e: dict[str, Any]) -> str:
    """The paragraph's stance as search gave it (Evidence.stance); JSON saved before stances existed is read by
    retrieval/stance.py's own rule, so an old file exports with the same labels as a new one."""
    s = e.get("stance")
    if s in STANCE_LABELS:
        return s
    from retrieval.stance import stance

    return stance(e.get("text") or "", e.get("section"), e.get("part"))


def stance_label(e: dict[str, Any]) -> str:
    """'Strength', 'Concern', 'Mixed' or 'Neutral'."""
    return STANCE_LABELS[stance_of(e)]


def add_stance_label(paragraph: Any, e: dict[str, Any]) -> None:
    """A small coloured label ("Concern") at the start of a Word paragraph (the line under a quote)."""
    from docx.shared import Pt, RGBColor

    run = paragraph.add_run(stance_label(e))
    run.bold = True
    run.font.size = Pt(8)
    run.font.color.rgb = RGBColor.from_string(STANCE_COLOURS[stance_of(e)])
    paragraph.add_run(" · ")


def _where(e: dict[str, Any]) -> str:
    bits = []
    if e.get("section"):
        bits.append(e["section"])
    if e.get("page"):
        bits.append(f"page {e['page']}")
    if e.get("paragraph"):
        bits.append(f"paragraph {e['paragraph']}")
    return "; ".join(bits)


def filename(text: str, ext: str, prefix: str = "findings") -> str:
    """A safe download name from a question or topic: 'findings-care-leaver-accommodation.docx'."""
    slug = re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-")[:60].rstrip("-")
    return f"{prefix}-{slug or 'export'}.{ext}"


def _rec_line(r: dict[str, Any]) -> str:
    extra = []
    if r.get("timescale"):
        extra.append(f"Timescale: {r['timescale']}")
    if r.get("owner"):
        extra.append(f"Owner: {r['owner']}")
    return "; ".join(extra)


def _judgement_rows(judgements: Iterable[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    return [(j.get("council") or "", when(j.get("published")), j.get("area") or "", j.get("grade") or "")
            for j in judgements]


# ---- Markdown ---------------------------------------------------------------------------------------------------
def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_#|<>\[\]])", r"\\\1", text or "")


def _md_quote(text: str) -> str:
    return "\n".join("> " + _md_escape(line) if line.strip() else ">" for line in (text or "").strip().splitlines())


def _md_answer(a: dict[str, Any], level: int = 2) -> list[str]:
    h = "#" * level
    out = [f"{h} Question", "", _md_escape(a.get("question") or ""), ""]
    if a.get("message"):
        out += [f"_{_md_escape(a['message'])}_", ""]
    out += [f"{h} Answer", ""]
    for line in (a.get("answer") or "No answer was found in the indexed reports.").strip().splitlines():
        s = line.strip()
        if s.startswith("- "):
            out.append(s)
        elif s and len(s) < 80:
            out += ["", f"**{_md_escape(s)}**", ""]
        elif s:
            out.append(s)
    out.append("")
    ev = a.get("evidence") or []
    if ev:
        out += [f"{h} Quoted paragraphs", ""]
        for i, e in enumerate(ev, 1):
            label = f"paragraph {e['paragraph']}" if e.get("paragraph") else f"page {e.get('page')}"
            out += [f"{h}# [{i}] {_md_escape(e.get('council') or '')}, {label}", "", _md_quote(e.get("text") or ""), "",
                    f"**{stance_label(e)}** · Source: {_md_escape(e.get('citation') or '')}", ""]
            where = _where(e)
            if where:
                out += [f"Where: {_md_escape(where)}", ""]
    recs = a.get("recommendations") or []
    if recs:
        out += [f"{h} Recommendations", ""]
        for r in recs:
            line = f"- {_md_escape(r.get('text') or '')}"
            extra = _rec_line(r)
            if extra:
                line += f" ({_md_escape(extra)})"
            if r.get("citation"):
                line += f"  \n  Source: {_md_escape(r['citation'])}"
            out.append(line)
        out.append("")
    js = a.get("judgements") or []
    if js:
        out += [f"{h} Judgements", "", "| Council | Published | Area | Grade |", "| --- | --- | --- | --- |"]
        out += [f"| {' | '.join(_md_escape(c) for c in row)} |" for row in _judgement_rows(js)]
        out.append("")
    return out


def answer_markdown(answers: Any | list[Any], title: str | None = None) -> str:
    """One answer or a list of them (a whole conversation) as a Markdown document."""
    items = [_as_dict(a) for a in (answers if isinstance(answers, list) else [answers])]
    title = title or (items[0].get("question") if len(items) == 1 else "Findings from inspection reports")
    out = [f"# {_md_escape(title or 'Findings')}", "", f"_Prepared {when(date.today().isoformat())}. {NOTE}_", ""]
    for n, a in enumerate(items, 1):
        if len(items) > 1:
            out += [f"## {n}. {_md_escape(a.get('question') or '')}", ""]
        out += _md_answer(a, level=3 if len(items) > 1 else 2)
    return "\n".join(out).rstrip() + "\n"


def comparison_markdown(data: dict[str, Any]) -> str:
    data = _clean(dict(data))
    topic = data.get("topic") or ""
    out = [f"# Comparison: {_md_escape(topic)}", "", f"_Prepared {when(date.today().isoformat())}. {NOTE}_", ""]
    if stance_kept(data.get("stance")):
        out += [f"_{stance_kept(data.get('stance'))}_", ""]
    for c in data.get("councils") or []:
        out += [f"## {_md_escape(c.get('council') or '')}", ""]
        if not c.get("indexed", True):
            out += [_md_escape(c.get("message") or "No indexed report."), ""]
            continue
        js = c.get("judgements") or []
        if js:
            out += ["| Published | Area | Grade |", "| --- | --- | --- |"]
            out += [f"| {_md_escape(w)} | {_md_escape(a)} | {_md_escape(g)} |" for _c, w, a, g in _judgement_rows(js)]
            out.append("")
        for e in c.get("evidence") or []:
            out += [_md_quote(e.get("text") or ""), "",
                    f"**{stance_label(e)}** · Source: {_md_escape(e.get('citation') or '')}", ""]
        if not c.get("evidence"):
            out += ["Nothing in this council's reports matched the topic.", ""]
        recs = c.get("recommendations") or []
        if recs:
            out += ["Recommendations:", ""]
            for r in recs:
                extra = _rec_line(r)
                out.append(f"- {_md_escape(r.get('text') or '')}" + (f" ({_md_escape(extra)})" if extra else "") +
                           (f"  \n  Source: {_md_escape(r['citation'])}" if r.get("citation") else ""))
            out.append("")
    return "\n".join(out).rstrip() + "\n"


# ---- Word ---------------------------------------------------------------------------------------------------------
def _new_document(title: str):
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    doc.core_properties.title = title[:200]
    doc.core_properties.author = "Inspections"
    doc.add_heading(title, level=0)
    p = doc.add_paragraph()
    run = p.add_run(f"Prepared {when(date.today().isoformat())}. {NOTE}")
    run.italic = True
    return doc


def _table(doc, header: list[str], rows: list[tuple[str, ...]]) -> None:
    t = doc.add_table(rows=1, cols=len(header))
    try:
        t.style = "Table Grid"
    except KeyError:  # a template without the style: a plain table is fine
        t.style = None
    for cell, text in zip(t.rows[0].cells, header):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = t.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = text or ""
    doc.add_paragraph()


def _quote(doc, text: str) -> None:
    try:
        doc.add_paragraph(text, style="Quote")
    except KeyError:
        doc.add_paragraph(text).paragraph_format.left_indent = 457200


def _citation_para(doc, label: str, text: str, evidence: dict[str, Any] | None = None) -> None:
    """'Source: <citation>' under a quote, with the quoted paragraph's stance label first when it is evidence."""
    p = doc.add_paragraph()
    if evidence is not None:
        add_stance_label(p, evidence)
    p.add_run(label).bold = True
    p.add_run(text)


def _docx_answer(doc, a: dict[str, Any], level: int) -> None:
    doc.add_heading("Question", level=level)
    doc.add_paragraph(a.get("question") or "")
    if a.get("message"):
        doc.add_paragraph(a["message"]).runs[0].italic = True
    doc.add_heading("Answer", level=level)
    for line in (a.get("answer") or "No answer was found in the indexed reports.").strip().splitlines():
        s = line.strip()
        if not s:
            continue
        if s.startswith(("- ", "• ")):
            doc.add_paragraph(s[2:].strip(), style="List Bullet")
        elif len(s) < 80:  # a council heading over its sentences
            doc.add_paragraph().add_run(s.replace("**", "")).bold = True
        else:
            doc.add_paragraph(s.replace("**", ""))
    ev = a.get("evidence") or []
    if ev:
        doc.add_heading("Quoted paragraphs", level=level)
        for i, e in enumerate(ev, 1):
            label = f"paragraph {e['paragraph']}" if e.get("paragraph") else f"page {e.get('page')}"
            doc.add_heading(f"[{i}] {e.get('council') or ''}, {label}", level=min(level + 1, 9))
            _quote(doc, (e.get("text") or "").strip())
            _citation_para(doc, "Source: ", e.get("citation") or "", e)
            where = _where(e)
            if where:
                _citation_para(doc, "Where: ", where)
    _docx_recommendations(doc, a.get("recommendations") or [], level)
    js = a.get("judgements") or []
    if js:
        doc.add_heading("Judgements", level=level)
        _table(doc, ["Council", "Published", "Area", "Grade"], _judgement_rows(js))


def _docx_recommendations(doc, recs: list[dict[str, Any]], level: int) -> None:
    """Recommendations as bullets with timescale/owner and their citation, under their own heading."""
    if not recs:
        return
    doc.add_heading("Recommendations", level=level)
    for r in recs:
        p = doc.add_paragraph(r.get("text") or "", style="List Bullet")
        extra = _rec_line(r)
        if extra:
            p.add_run(f" ({extra})").italic = True
        if r.get("citation"):
            _citation_para(doc, "Source: ", r["citation"])


def _save(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def answer_docx(answers: Any | list[Any], title: str | None = None) -> bytes:
    """One answer or a list of them as a Word document (bytes of a .docx)."""
    items = [_as_dict(a) for a in (answers if isinstance(answers, list) else [answers])]
    title = title or (items[0].get("question") if len(items) == 1 else "Findings from inspection reports")
    doc = _new_document(title or "Findings")
    for n, a in enumerate(items, 1):
        if len(items) > 1:
            doc.add_heading(f"{n}. {a.get('question') or ''}", level=1)
        _docx_answer(doc, a, level=2 if len(items) > 1 else 1)
    return _save(doc)


def comparison_docx(data: dict[str, Any]) -> bytes:
    data = _clean(dict(data))
    doc = _new_document(f"Comparison: {data.get('topic') or ''}")
    if stance_kept(data.get("stance")):
        doc.add_paragraph().add_run(stance_kept(data.get("stance"))).italic = True
    for c in data.get("councils") or []:
        doc.add_heading(c.get("council") or "", level=1)
        if not c.get("indexed", True):
            doc.add_paragraph(c.get("message") or "No indexed report.")
            continue
        js = c.get("judgements") or []
        if js:
            _table(doc, ["Published", "Area", "Grade"], [(w, a, g) for _c, w, a, g in _judgement_rows(js)])
        for e in c.get("evidence") or []:
            _quote(doc, (e.get("text") or "").strip())
            _citation_para(doc, "Source: ", e.get("citation") or "", e)
        if not c.get("evidence"):
            doc.add_paragraph("Nothing in this council's reports matched the topic.")
        _docx_recommendations(doc, c.get("recommendations") or [], 2)
    return _save(doc)
