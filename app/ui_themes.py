"""Themes: a topic across every council. Which councils' reports say something about it (a table, filtered by
region, grade, framework and date), how common it is by year and by region (charts), each council's paragraphs with
the printed page they sit on, a link to its profile, and the table for a draft (CSV, Word). The deciding is done by
retrieval/themes.py; this page only presents it."""
from __future__ import annotations

import io
from datetime import date
from typing import Any

import streamlit as st

from app import ui_common as ui
from app.export import STANCE_SAID

GRADE_CHOICES = ["Outstanding", "Good", "Requires improvement / Adequate", "Inadequate", "No grade"]
def grade_choice(grade: str | None) -> str:
    """The filter bucket of a printed grade (the 2009-12 'Adequate' sits with 'Requires improvement')."""
    from retrieval.profile import LEVELS, grade_level

    lvl = grade_level(grade)
    return LEVELS[lvl] if lvl else "No grade"


def filter_rows(rows: list[dict[str, Any]], regions: list[str], grades: list[str],
                years: tuple[int, int] | None) -> list[dict[str, Any]]:
    """The table's rows under the page's filters (region, the council's overall grade, publication years)."""
    out = []
    for r in rows:
        if regions and r["region"] not in regions:
            continue
        if grades and grade_choice(r.get("overall_grade")) not in grades:
            continue
        year = int((r.get("published") or "0")[:4] or 0)
        if years and not (years[0] <= year <= years[1]):
            continue
        out.append(r)
    return out


def table_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per council, as the page shows it and the downloads write it."""
    from app.export import stance_label

    out = []
    for r in rows:
        best = (r.get("evidence") or [{}])[0]
        out.append({"Council": r["council"], "Region": r["region"], "Published": r.get("published") or "",
                    "Overall grade": r.get("overall_grade") or "", "Section grade": r.get("grade") or "",
                    "Section": r.get("section") or "", "Paragraphs on the topic": len(r.get("evidence") or []),
                    "Best paragraph": best.get("text") or "",
                    "Stance": stance_label(best) if best.get("text") else "", "Citation": best.get("citation") or ""})
    return out


def csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    import pandas as pd

    return pd.DataFrame(table_rows(rows)).to_csv(index=False).encode("utf-8-sig")  # BOM: Excel reads UTF-8


def docx_bytes(data: dict[str, Any], rows: list[dict[str, Any]]) -> bytes:
    """The listing for a draft: a summary table, then each council's paragraphs quoted with full citations."""
    from docx import Document
    from docx.shared import Pt

    from app.export import add_stance_label, when

    doc = Document()
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(10)
    doc.core_properties.title = f"Themes: {data['topic']}"[:200]
    doc.add_heading(f"“{data['topic']}” across councils", level=0)
    scope = "each council's latest full inspection" if data.get("latest") else "every Ofsted report indexed"
    said = STANCE_SAID.get(data.get("stance") or "", "")
    doc.add_paragraph(f"Prepared {when(date.today().isoformat())}. {len(rows)} councils whose reports say something "
                      f"about the topic{said} ({scope}; {data.get('councils_considered', 0)} councils read). "
                      "Quotations are word for word from the reports cited.").runs[0].italic = True
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["Council", "Region", "Published", "Overall grade", "Section grade"]):
        cell.paragraphs[0].add_run(text).bold = True
    for r in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, [r["council"], r["region"], when(r.get("published")),
                                      r.get("overall_grade") or "", r.get("grade") or ""]):
            cell.text = text or ""
    for r in rows:
        doc.add_heading(f"{r['council']} ({r['region']}), published {when(r.get('published'))}", level=1)
        for e in r.get("evidence") or []:
            doc.add_paragraph(ui_clean(e.get("text") or ""), style="Quote")
            p = doc.add_paragraph()
            add_stance_label(p, e)
            p.add_run("Source: ").bold = True
            p.add_run(e.get("citation") or "")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def ui_clean(text: str) -> str:
    """Characters Word's XML cannot hold (stray control characters from PDF text layers) removed."""
    import re

    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)


def year_chart(rows: list[dict[str, Any]]):
    """Councils and reports mentioning the topic, by year of publication."""
    import altair as alt
    import pandas as pd

    councils: dict[str, set[str]] = {}
    reports: dict[str, set[str]] = {}
    for r in rows:
        for rep in r.get("reports") or []:
            y = (rep.get("published") or "")[:4]
            if y:
                councils.setdefault(y, set()).add(r["council"])
                reports.setdefault(y, set()).add(rep["report_id"])
    data = [{"Year": y, "Count": len(v), "What": "Councils"} for y, v in councils.items()]
    data += [{"Year": y, "Count": len(v), "What": "Reports"} for y, v in reports.items()]
    if not data:
        return None
    df = pd.DataFrame(data)
    return alt.Chart(df).mark_bar().encode(
        x=alt.X("Year:O", title="Year of publication"), xOffset="What:N",
        y=alt.Y("Count:Q", title="Mentioning the topic"),
        color=alt.Color("What:N", title=None, scale=alt.Scale(range=["#0072B2", "#E69F00"]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=["Year:O", "What:N", "Count:Q"]).properties(height=280)


def region_chart(rows: list[dict[str, Any]], by_region: list[dict[str, Any]]):
    """Councils mentioning the topic by region, against the councils read there."""
    import altair as alt
    import pandas as pd

    listed: dict[str, int] = {}
    for r in rows:
        listed[r["region"]] = listed.get(r["region"], 0) + 1
    data = [{"Region": g["region"], "Councils": listed.get(g["region"], 0),
             "Read": g["councils_considered"]} for g in by_region]
    if not data:
        return None
    df = pd.DataFrame(data)
    df["Share"] = df["Councils"] / df["Read"].where(df["Read"] > 0, 1)
    base = alt.Chart(df).encode(y=alt.Y("Region:N", sort="-x", title=None))
    read = base.mark_bar(color="#d9d9d9").encode(x=alt.X("Read:Q", title="Councils (grey: read, blue: mention it)"))
    said = base.mark_bar(color="#0072B2").encode(
        x="Councils:Q", tooltip=["Region:N", "Councils:Q", "Read:Q", alt.Tooltip("Share:Q", format=".0%")])
    return (read + said).properties(height=280)


def _open_profile(council: str) -> None:
    st.session_state["profile_council"] = council
    st.session_state["themes_to_profile"] = True


def render() -> None:
    searcher = ui.page_searcher("Themes: a topic across every council")
    if searcher is None:
        return
    if st.session_state.pop("themes_to_profile", False):
        st.switch_page("views/profile.py")
    st.markdown("Type a topic: every council whose reports say something about it is listed (a finding, a "
                "description or a recommendation, including \"there are none\"), with the paragraphs that say "
                "it. Councils whose reports say nothing on it are not listed.")
    frameworks = {"": "Any framework", **ui.FRAMEWORK_LABELS}
    with st.form("themes_form", border=False):
        topic = st.text_input("Topic", key="themes_topic", placeholder="e.g. private fostering")
        c1, c2, c3, c4 = st.columns([1, 2, 1, 1], vertical_alignment="bottom")
        with c1:
            latest = st.checkbox("Latest full inspection only", value=True, key="themes_latest",
                                 help="Each council's latest full inspection; otherwise every Ofsted report.")
        with c2:
            framework = st.selectbox("Framework", list(frameworks), format_func=frameworks.get, key="themes_framework")
        with c3:
            said = st.selectbox("What inspectors say", list(ui.STANCE_CHOICES), key="themes_stance",
                                help=ui.STANCE_HELP + ". A council is listed when one of its paragraphs on the topic "
                                "says so.")
        with c4:
            go = st.form_submit_button("Find councils", type="primary")
    if go:
        if not topic.strip():
            st.warning("Type a topic, for example 'private fostering'.")
        else:
            from retrieval.themes import themes

            with ui.friendly_errors("reading every council's reports"), st.spinner("Reading every council's reports…"):
                try:
                    st.session_state["themes_result"] = themes(searcher, topic.strip(), latest=latest,
                                                               framework=framework or None,
                                                               stance=ui.STANCE_CHOICES[said])
                except ValueError as e:
                    st.warning(str(e))
    data = st.session_state.get("themes_result")
    if data:
        with ui.friendly_errors("showing the councils"):
            show(searcher, data)


def show(searcher, data: dict[str, Any]) -> None:
    import pandas as pd

    st.subheader(f"“{data['topic']}”")
    rows = data["councils"]
    years = sorted({int(r["published"][:4]) for r in rows if r.get("published")})
    f1, f2, f3 = st.columns(3)
    with f1:
        regions = st.multiselect("Region", sorted({g["region"] for g in data["by_region"]}), key="themes_regions",
                                 placeholder="Every region")
    with f2:
        grades = st.multiselect("Overall grade", GRADE_CHOICES, key="themes_grades", placeholder="Any grade",
                                help="The overall effectiveness grade of the report quoted.")
    with f3:
        span = None
        if len(years) > 1:
            span = st.slider("Published", years[0], years[-1], (years[0], years[-1]), key="themes_years")
    shown = filter_rows(rows, regions, grades, span)
    scope = "latest full inspections" if data.get("latest") else "Ofsted reports"
    said = STANCE_SAID.get(data.get("stance") or "", "")
    st.markdown(f"**{len(shown)}** of {data['councils_considered']} councils say something about it{said} "
                f"({data['reports_considered']} {scope} read" + (", filters applied)" if len(shown) != len(rows)
                                                                  else ")"))
    if not shown:
        st.info("No council's reports say anything about this topic" + (" under these filters." if rows else ".")
                + " Try other words for it (the reports' own wording works best), or widen the filters.")
        return
    with st.container(horizontal=True):
        from app.export import DOCX_MIME, filename

        st.download_button("Download the table (CSV)", data=csv_bytes(shown), file_name=filename(data["topic"], "csv",
                           prefix="themes"), mime="text/csv", key="themes_csv", on_click="ignore",
                           icon=":material/table:")
        st.download_button("Download for a draft (Word)", data=lambda: docx_bytes(data, shown),
                           file_name=filename(data["topic"], "docx", prefix="themes"), mime=DOCX_MIME,
                           key="themes_docx", on_click="ignore", icon=":material/description:")
    left, right = st.columns(2)
    with left:
        st.markdown("#### By year of publication")
        ch = year_chart(shown)
        if ch is not None:
            st.altair_chart(ch, width="stretch")
    with right:
        st.markdown("#### By region")
        ch = region_chart(shown, [g for g in data["by_region"] if not regions or g["region"] in regions])
        if ch is not None:
            st.altair_chart(ch, width="stretch")
    df = pd.DataFrame(table_rows(shown)).drop(columns=["Section", "Citation"])
    st.dataframe(df.style.map(ui.grade_cell_style, subset=["Overall grade", "Section grade"]), hide_index=True,
                 width="stretch", column_config={"Best paragraph": st.column_config.TextColumn(width="large")})
    st.markdown("#### A council's paragraphs")
    council = st.selectbox("Council", [r["council"] for r in shown], key="themes_council")
    row = next((r for r in shown if r["council"] == council), None)
    if row is None:
        return
    st.button(f"Open the council profile of {council}", key="themes_profile", on_click=_open_profile,
              args=(council,), icon=":material/timeline:")
    for i, e in enumerate(row["evidence"]):
        ui.evidence_card(e, i + 1, [], key=f"themes_{row['report_id']}_{i}", store=searcher.store)
