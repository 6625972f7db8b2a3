"""The outcomes table as the files regions pass round: Excel (dates as real dates, grades coloured, a sheet of grades
by region and one saying how the figures were made) and CSV.

Input is the outcomes JSON the CLI prints (retrieval/outcomes.py), so a script holding `inspections outcomes
--json` output can make the same files as the app.
"""
from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from ingest.judgements import area_family
from retrieval.outcomes import FRAMEWORK_NAMES

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
# Excel fills per grade step (GOV.UK palette, as the app's badges) and the text colour that reads on each.
GRADE_FILL = {4: ("1D70B8", "FFFFFF"), 3: ("00703C", "FFFFFF"), 2: ("FFDD00", "0B0C0C"), 1: ("D4351C", "FFFFFF")}
SUB_AREAS = ["Leadership", "Help and protection", "Children in care", "Care leavers"]  # ingest/judgements families
DATE_COLUMNS = ("Inspection start", "Inspection end", "Published", "Next likely from", "Next likely (median)",
                "Next likely by", "Previous inspection start")


def _d(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One flat row per council, dates as `date` objects (None when unknown), in the table's order."""
    out = []
    for r in data.get("councils") or []:
        w = r.get("next_window") or {}
        prev = r.get("previous") or {}
        subs: dict[str, str] = {}
        for j in r.get("judgements") or []:
            fam = area_family(j.get("area"))
            if fam in SUB_AREAS and fam not in subs:
                subs[fam] = j.get("grade") or ""
        out.append({
            "Council": r["council"], "Region": r.get("region") or "", "Overall grade": r.get("overall_grade") or "",
            "Change": r.get("change") or "",
            "Framework": FRAMEWORK_NAMES.get(r.get("framework"), r.get("framework") or ""),
            "Inspection type": r.get("inspection_type") or "",
            "Inspection start": _d(r.get("inspection_start")), "Inspection end": _d(r.get("inspection_end")),
            "Lead inspector": r.get("lead_inspector") or "", "Published": _d(r.get("published")),
            "Days since start": r.get("days_since_start"), "Days to publish": r.get("days_to_publish"),
            "Next likely from": _d(w.get("earliest")), "Next likely (median)": _d(w.get("median")),
            "Next likely by": _d(w.get("latest")), "Window status": w.get("status") or "",
            **{a: subs.get(a, "") for a in SUB_AREAS},
            "Previous grade": prev.get("overall_grade") or "",
            "Previous inspection start": _d(prev.get("inspection_start")),
            "Window basis": (f"{w['gaps']} gaps, {w['basis']}" if w.get("gaps") else w.get("note") or ""),
            "Change note": r.get("change_note") or "", "Report id": r.get("report_id") or "",
            "_level": r.get("overall_level"),
        })
    return out


def columns() -> list[str]:
    return [k for k in rows({"councils": [{"council": ""}]})[0] if not k.startswith("_")]


def outcomes_csv(data: dict[str, Any]) -> str:
    buf = io.StringIO()
    cols = columns()
    w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore")
    w.writeheader()
    for row in rows(data):
        w.writerow({k: (v.isoformat() if isinstance(v, date) else ("" if v is None else v)) for k, v in row.items()})
    return buf.getvalue()


def outcomes_xlsx(data: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Outcomes"
    cols = columns()
    ws.append(cols)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    graded = [cols.index(c) + 1 for c in ("Overall grade", *SUB_AREAS, "Previous grade")]
    from ingest.judgements import grade_level

    for i, row in enumerate(rows(data), start=2):
        ws.append([row[c] for c in cols])
        for c in DATE_COLUMNS:
            ws.cell(i, cols.index(c) + 1).number_format = "d mmm yyyy"
        for col in graded:
            cell = ws.cell(i, col)
            lvl = grade_level(cell.value) if cell.value else None
            if lvl:
                bg, fg = GRADE_FILL[lvl]
                cell.fill = PatternFill("solid", start_color=bg, end_color=bg)
                cell.font = Font(color=fg, bold=True)
    widths = {"Council": 26, "Region": 22, "Overall grade": 24, "Lead inspector": 24, "Window basis": 40,
              "Change note": 50}
    for n, c in enumerate(cols, 1):
        ws.column_dimensions[get_column_letter(n)].width = widths.get(c, 16)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = ws.dimensions

    reg = wb.create_sheet("By region")
    grades = list(((data.get("by_region") or [{}])[0].get("grades") or {}).keys())
    reg.append(["Region", *grades, "No grade", "Inspected", "Councils"])
    for cell in reg[1]:
        cell.font = Font(bold=True)
    for g in data.get("by_region") or []:
        reg.append([g["region"], *[g["grades"].get(k, 0) for k in grades], g.get("no_grade", 0), g["inspected"],
                    g["councils"]])
    reg.column_dimensions["A"].width = 28

    about = wb.create_sheet("How it was made")
    about.append(["As of", _d(data.get("as_of"))])
    about["B1"].number_format = "d mmm yyyy"
    about.append(["Region", data.get("region") or "All regions"])
    about.append(["Method", data.get("method") or ""])
    for g in data.get("gaps") or []:
        about.append([f"Gaps after {g['grade']}", f"{g['count']} gaps: min {g['min_days']}, median "
                      f"{g['median_days']}, max {g['max_days']} days"])
    about.column_dimensions["A"].width = 30
    about.column_dimensions["B"].width = 120
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def filename(data: dict[str, Any], ext: str) -> str:
    scope = (data.get("region") or "england").lower().replace(" ", "-")
    return f"outcomes-{scope}-{data.get('as_of') or date.today().isoformat()}.{ext}"
