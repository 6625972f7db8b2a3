"""An action plan as the files councils pass round: Word (the landscape table a committee paper carries), Excel (one
row per item, to sort and filter), CSV and Markdown.

Input is the plan JSON the CLI prints (`Plan.to_json()`, see DESIGN.md), so a script holding `inspections plan
--json` output can make the same files as the app. Recommendation text and citations are as the report prints them;
nothing is paraphrased here.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

from app.export import _clean, add_stance_label, filename, stance_kept, stance_label  # noqa: F401  (one cleaner
# for Word's XML, one file-name rule, one stance label for every export)
from retrieval.citation import long_date

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
MD_MIME = "text/markdown"
FORMATS = ("docx", "xlsx", "csv", "md")

# RAG fills (GOV.UK palette, as the app's grade colours) and the text colour that reads on each.
RAG_FILL = {"red": ("D4351C", "FFFFFF"), "amber": ("FFBF47", "0B0C0C"), "green": ("00703C", "FFFFFF")}
OVERDUE_FILL = "F6D7D2"  # a light red row tint: overdue items stand out without hiding the RAG colour
COLUMNS = ["No.", "Group", "Recommendation", "Timescale", "Due", "Overdue", "Owner", "Lead", "Status", "RAG",
           "Actions", "Progress notes", "Evidence of impact", "Raised before", "Citation", "Evidence paragraphs"]


def _plan(plan: Any) -> dict[str, Any]:
    return _clean(plan.to_json() if hasattr(plan, "to_json") else dict(plan))


def _due(item: dict[str, Any]) -> date | None:
    try:
        return date.fromisoformat(item["due"]) if item.get("due") else None
    except ValueError:
        return None


def is_overdue(item: dict[str, Any], today: date | None = None) -> bool:
    d = _due(item)
    return d is not None and d < (today or date.today()) and (item.get("status") or "not started") != "done"


def _notes_text(item: dict[str, Any]) -> str:
    return "\n".join(f"{long_date(n.get('date')) or n.get('date')}: {n.get('text')}" for n in item.get("notes") or [])


def _before_text(item: dict[str, Any]) -> str:
    return "\n".join(f"{r.get('published') or ''}: {r.get('text')} ({r.get('citation')})"
                     for r in item.get("raised_before") or [])


def _evidence_text(item: dict[str, Any]) -> str:
    """One line per finding: its stance, then its citation ("Concern: Ofsted, ..., paragraph 12")."""
    return "\n".join(f"{stance_label(e)}: {e.get('citation') or ''}" for e in item.get("evidence") or [])


def _title(p: dict[str, Any]) -> str:
    rep = p.get("report") or {}
    return f"Action plan: {rep.get('title') or p.get('council')}"


def _subtitle(p: dict[str, Any]) -> str:
    rep = p.get("report") or {}
    s = p.get("summary") or {}
    bits = [f"{p.get('council')}", f"report published {long_date(rep.get('published')) or 'date unknown'}",
            f"{len(p.get('items') or [])} recommendations"]
    if s:
        bits.append(f"{s.get('status', {}).get('done', 0)} done, {s.get('overdue', 0)} overdue")
    return " · ".join(bits)


def _kept(p: dict[str, Any]) -> str:
    """The header line of a plan whose findings were filtered by stance (as on the page): the findings under each
    recommendation are then not all the report says."""
    return stance_kept(p.get("evidence_stance")).replace("paragraphs", "findings", 1)


def plan_filename(plan: Any, ext: str) -> str:
    p = _plan(plan)
    rep = p.get("report") or {}
    return filename(f"{p.get('council')} {rep.get('published') or ''}", ext, prefix="action-plan")


def rows(plan: Any, today: date | None = None) -> list[dict[str, Any]]:
    """One flat row per item (the columns of the spreadsheet and the CSV)."""
    p = _plan(plan)
    out = []
    for it in p.get("items") or []:
        out.append({"No.": it.get("number") or "", "Group": it.get("group") or "", "Recommendation": it.get("text"),
                    "Timescale": it.get("timescale") or "", "Due": _due(it),
                    "Overdue": "yes" if is_overdue(it, today) else "", "Owner": it.get("owner") or "",
                    "Lead": it.get("lead") or "", "Status": it.get("status") or "not started",
                    "RAG": (it.get("rag") or "").capitalize(), "Actions": it.get("actions") or "",
                    "Progress notes": _notes_text(it), "Evidence of impact": it.get("impact") or "",
                    "Raised before": _before_text(it), "Citation": it.get("citation") or "",
                    "Evidence paragraphs": _evidence_text(it)})
    return out


# ---- CSV -----------------------------------------------------------------------------------------------------------
def plan_csv(plan: Any, today: date | None = None) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS)
    w.writeheader()
    for r in rows(plan, today):
        w.writerow({**r, "Due": r["Due"].isoformat() if r["Due"] else ""})
    return buf.getvalue()


# ---- Excel ---------------------------------------------------------------------------------------------------------
def plan_xlsx(plan: Any, today: date | None = None) -> bytes:
    """One row per item: dates are real dates, the RAG cell is filled with its colour, overdue rows are tinted and
    their due date in bold red; status and RAG cells offer their allowed values."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    p = _plan(plan)
    wb = Workbook()
    ws = wb.active
    ws.title = "Action plan"
    ws.append([_title(p)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([_subtitle(p)])
    ws.append([_kept(p)] if _kept(p) else [])
    ws.append(COLUMNS)
    head = 4
    for c in ws[head]:
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = PatternFill("solid", fgColor="0B0C0C")
        c.alignment = Alignment(wrap_text=True, vertical="top")
    col = {name: i + 1 for i, name in enumerate(COLUMNS)}
    for r in rows(p, today):
        ws.append([r[c] for c in COLUMNS])
        n = ws.max_row
        for c in ws[n]:
            c.alignment = Alignment(wrap_text=True, vertical="top")
        due = ws.cell(n, col["Due"])
        if r["Due"]:
            due.number_format = "DD/MM/YYYY"
        if r["Overdue"]:
            for c in ws[n]:
                c.fill = PatternFill("solid", fgColor=OVERDUE_FILL)
            due.font = Font(bold=True, color="B10E1E")
            ws.cell(n, col["Overdue"]).font = Font(bold=True, color="B10E1E")
        rag = RAG_FILL.get(r["RAG"].lower())
        if rag:
            cell = ws.cell(n, col["RAG"])
            cell.fill = PatternFill("solid", fgColor=rag[0])
            cell.font = Font(bold=True, color=rag[1])
    widths = {"No.": 6, "Group": 16, "Recommendation": 60, "Timescale": 16, "Due": 12, "Overdue": 9, "Owner": 18,
              "Lead": 18, "Status": 13, "RAG": 8, "Actions": 40, "Progress notes": 40, "Evidence of impact": 30,
              "Raised before": 50, "Citation": 40, "Evidence paragraphs": 40}
    for name, w in widths.items():
        ws.column_dimensions[get_column_letter(col[name])].width = w
    last = max(ws.max_row, head + 1)
    status = DataValidation(type="list", formula1='"not started,in progress,done"', allow_blank=False)
    rag = DataValidation(type="list", formula1='"Red,Amber,Green"', allow_blank=True)
    ws.add_data_validation(status)
    ws.add_data_validation(rag)
    status.add(f"{get_column_letter(col['Status'])}{head + 1}:{get_column_letter(col['Status'])}{last}")
    rag.add(f"{get_column_letter(col['RAG'])}{head + 1}:{get_column_letter(col['RAG'])}{last}")
    ws.freeze_panes = ws.cell(head + 1, col["Recommendation"] + 1)
    ws.auto_filter.ref = f"A{head}:{get_column_letter(len(COLUMNS))}{last}"
    ws.page_setup.orientation = "landscape"
    _findings_sheet(wb, p)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


FINDING_COLUMNS = ["No.", "Recommendation", "Stance", "Finding", "Section", "Citation"]


def _findings_sheet(wb, p: dict[str, Any]) -> None:
    """A second sheet, one row per finding behind a recommendation with its stance, so a lead can filter the
    evidence to the strengths or the concerns (the Stance cell coloured as the app's labels)."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from app.export import STANCE_COLOURS, stance_of

    ws = wb.create_sheet("Findings")
    ws.append([f"The findings behind each recommendation: {p.get('council')}"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([_kept(p) or "Every finding the plan links to a recommendation, with what inspectors say in it."])
    ws.append([])
    ws.append(FINDING_COLUMNS)
    head = 4
    for c in ws[head]:
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = PatternFill("solid", fgColor="0B0C0C")
    stance_col = FINDING_COLUMNS.index("Stance") + 1
    for it in p.get("items") or []:
        for e in it.get("evidence") or []:
            ws.append([it.get("number") or "", it.get("text") or "", stance_label(e), e.get("text") or "",
                       e.get("section") or "", e.get("citation") or ""])
            for c in ws[ws.max_row]:
                c.alignment = Alignment(wrap_text=True, vertical="top")
            ws.cell(ws.max_row, stance_col).font = Font(bold=True, color=STANCE_COLOURS[stance_of(e)])
    for name, w in {"No.": 6, "Recommendation": 50, "Stance": 11, "Finding": 80, "Section": 30,
                    "Citation": 40}.items():
        ws.column_dimensions[get_column_letter(FINDING_COLUMNS.index(name) + 1)].width = w
    ws.freeze_panes = ws.cell(head + 1, 1)
    ws.auto_filter.ref = f"A{head}:{get_column_letter(len(FINDING_COLUMNS))}{max(ws.max_row, head + 1)}"


# ---- Word ----------------------------------------------------------------------------------------------------------
def _shade(cell, hex_fill: str) -> None:
    """Fill a table cell (python-docx has no API for cell shading: set w:shd on the cell's properties)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_fill)
    tc_pr.append(shd)


def _cell_text(cell, text: str, bold: bool = False, size: float | None = None, italic: bool = False,
               color: str | None = None, new_paragraph: bool = False) -> None:
    from docx.shared import Pt, RGBColor

    para = cell.add_paragraph() if new_paragraph else cell.paragraphs[0]
    run = para.add_run(text)
    run.bold = bold
    run.italic = italic
    if size:
        run.font.size = Pt(size)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)


def plan_docx(plan: Any, today: date | None = None) -> bytes:
    """A landscape Word document in the layout councils use: recommendation (with its citation under it), actions,
    lead, due, RAG, progress; then, per item, the findings behind it and where it was recommended before."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    p = _plan(plan)
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = sec.page_height, sec.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Cm(1.5))
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading(_title(p), level=1)
    doc.add_paragraph(_subtitle(p))
    if _kept(p):
        doc.add_paragraph().add_run(_kept(p)).italic = True
    s = p.get("summary") or {}
    if s:
        rag = s.get("rag") or {}
        doc.add_paragraph("RAG: " + ", ".join(f"{k.capitalize()} {rag.get(k, 0)}" for k in ("red", "amber", "green"))
                          + f", not rated {rag.get('not rated', 0)}")
    header = ["No.", "Recommendation", "Actions", "Lead", "Due", "RAG", "Progress"]
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for c, h in zip(table.rows[0].cells, header):
        _cell_text(c, h, bold=True)
        _shade(c, "D9D9D9")
    for it in p.get("items") or []:
        cells = table.add_row().cells
        _cell_text(cells[0], it.get("number") or "")
        _cell_text(cells[1], it.get("text") or "")
        extra = " · ".join(x for x in (it.get("group"), it.get("timescale"), it.get("owner")) if x)
        if extra:
            _cell_text(cells[1], extra, size=8, new_paragraph=True)
        _cell_text(cells[1], it.get("citation") or "", italic=True, size=8, new_paragraph=True)
        _cell_text(cells[2], it.get("actions") or "")
        _cell_text(cells[3], it.get("lead") or "")
        due = _due(it)
        overdue = is_overdue(it, today)
        _cell_text(cells[4], due.strftime("%d/%m/%Y") if due else (it.get("timescale") or "not set"), bold=overdue,
                   color="B10E1E" if overdue else None)
        if overdue:
            _cell_text(cells[4], "OVERDUE", bold=True, size=8, color="B10E1E", new_paragraph=True)
            _shade(cells[4], OVERDUE_FILL)
        rag = (it.get("rag") or "").lower()
        _cell_text(cells[5], rag.capitalize() if rag else "", bold=True,
                   color=RAG_FILL[rag][1] if rag in RAG_FILL else None)
        if rag in RAG_FILL:
            _shade(cells[5], RAG_FILL[rag][0])
        _cell_text(cells[6], (it.get("status") or "not started").capitalize(), bold=True)
        for n in it.get("notes") or []:
            _cell_text(cells[6], f"{long_date(n.get('date')) or n.get('date')}: {n.get('text')}", size=9,
                       new_paragraph=True)
        if it.get("impact"):
            _cell_text(cells[6], f"Impact: {it['impact']}", size=9, italic=True, new_paragraph=True)
    widths = [Cm(1.2), Cm(9.5), Cm(5.0), Cm(2.8), Cm(2.4), Cm(1.8), Cm(4.0)]
    for row in table.rows:
        for c, w in zip(row.cells, widths):
            c.width = w
    doc.add_heading("The findings behind each recommendation", level=2)
    doc.add_paragraph().add_run((_kept(p) + " " if _kept(p) else "") + "The label under each quotation says what "
                                "inspectors say in it: a strength, a concern, both (mixed) or neither "
                                "(neutral).").italic = True
    for it in p.get("items") or []:
        num = f"{it.get('number')}. " if it.get("number") else ""
        doc.add_heading(f"{num}{it.get('text')}", level=3)
        for e in it.get("evidence") or []:
            q = doc.add_paragraph(e.get("text") or "", style="Quote")
            q.paragraph_format.left_indent = Cm(0.8)
            cite = doc.add_paragraph()
            cite.paragraph_format.left_indent = Cm(0.8)
            add_stance_label(cite, e)
            cite.add_run(e.get("citation") or "").italic = True
        for r in it.get("raised_before") or []:
            doc.add_paragraph(f"Also recommended in {long_date(r.get('published')) or r.get('published')}: "
                              f"{r.get('text')} ({r.get('citation')})", style="List Bullet")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# ---- Markdown ------------------------------------------------------------------------------------------------------
def _md(text: str | None) -> str:
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", str(text or ""))


def plan_markdown(plan: Any, today: date | None = None) -> str:
    p = _plan(plan)
    out = [f"# {_md(_title(p))}", "", _md(_subtitle(p)), ""]
    if _kept(p):
        out += [f"*{_md(_kept(p))}*", ""]
    for it in p.get("items") or []:
        num = f"{it.get('number')}. " if it.get("number") else ""
        out.append(f"## {_md(num + (it.get('text') or ''))}")
        out.append("")
        due = _due(it)
        facts = [f"**Timescale:** {_md(it.get('timescale') or 'not stated')}",
                 f"**Due:** {due.isoformat() if due else 'not set'}" + (" (**overdue**)" if is_overdue(it, today) else ""),
                 f"**Owner:** {_md(it.get('owner') or 'not stated')}",
                 f"**Lead:** {_md(it.get('lead') or '')}", f"**Status:** {_md(it.get('status') or 'not started')}",
                 f"**RAG:** {_md((it.get('rag') or 'not rated').capitalize())}"]
        if it.get("group"):
            facts.insert(0, f"**Group:** {_md(it['group'])}")
        out.append(" · ".join(facts))
        out += ["", f"*{_md(it.get('citation'))}*", ""]
        if it.get("actions"):
            out += [f"**Actions:** {_md(it['actions'])}", ""]
        for n in it.get("notes") or []:
            out.append(f"- {n.get('date')}: {_md(n.get('text'))}")
        if it.get("notes"):
            out.append("")
        if it.get("impact"):
            out += [f"**Evidence of impact:** {_md(it['impact'])}", ""]
        if it.get("evidence"):
            out.append("**Findings behind it:**")
            out.append("")
            for e in it["evidence"]:
                out += [f"> {_md(e.get('text'))}", ">", f"> **{stance_label(e)}** — {_md(e.get('citation'))}", ""]
        for r in it.get("raised_before") or []:
            out.append(f"- Also recommended {r.get('published')}: {_md(r.get('text'))} ({_md(r.get('citation'))})")
        if it.get("raised_before"):
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def render(plan: Any, fmt: str, today: date | None = None) -> bytes:
    """The plan in one of FORMATS, as bytes ready to write (CSV with a byte-order mark, so Excel reads UTF-8)."""
    if fmt == "docx":
        return plan_docx(plan, today)
    if fmt == "xlsx":
        return plan_xlsx(plan, today)
    if fmt == "csv":
        return plan_csv(plan, today).encode("utf-8-sig")
    if fmt == "md":
        return plan_markdown(plan, today).encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")


MIMES = {"docx": DOCX_MIME, "xlsx": XLSX_MIME, "csv": CSV_MIME, "md": MD_MIME}
