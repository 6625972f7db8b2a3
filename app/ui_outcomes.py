"""Outcomes: where every council stands. Each council's latest full inspection (dates, type, lead inspector, grades),
days since it started, days Ofsted took to publish, the window for the next one and the change since the previous
one; grades by region (a chart); a council beside its statistical neighbours; Excel and CSV downloads. The figures
are made by retrieval/outcomes.py; this page only presents them."""
from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from app import ui_common as ui

ALL = "All regions"
GRADE_ORDER = ["Outstanding", "Good", "Requires improvement / Adequate", "Inadequate"]
CHANGE_MARKS = {"improved": "▲ improved", "same": "= same", "declined": "▼ declined"}


def region_chart(by_region: list[dict[str, Any]]):
    """Councils by latest overall grade in each region (stacked bars, grade colours as the badges)."""
    import altair as alt
    import pandas as pd

    data = [{"Region": g["region"], "Grade": grade, "Councils": n, "Inspected": g["inspected"]}
            for g in by_region for grade, n in g["grades"].items() if n]
    if not data:
        return None
    colours = [ui.GRADE_STYLES[lvl][0] for lvl in (4, 3, 2, 1)]
    return alt.Chart(pd.DataFrame(data)).mark_bar().encode(
        y=alt.Y("Region:N", title=None, sort="ascending"),
        x=alt.X("Councils:Q", title="Councils by latest overall grade", stack="zero",
                axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("Grade:N", title=None, scale=alt.Scale(domain=GRADE_ORDER, range=colours),
                        legend=alt.Legend(orient="bottom", labelLimit=260)),
        order=alt.Order("order:Q"),
        tooltip=["Region:N", "Grade:N", "Councils:Q", "Inspected:Q"],
    ).transform_calculate(order=f"indexof({GRADE_ORDER!r}, datum.Grade)").properties(height=chart_height(by_region))


def chart_height(by_region: list[dict[str, Any]]) -> int:
    return max(140, 36 * sum(1 for g in by_region if g["inspected"]))


def table(rows: list[dict[str, Any]]):
    """The on-screen table: the export's rows, dates written out, change marked."""
    import pandas as pd

    from app.outcomes_export import rows as export_rows

    out = []
    for r in export_rows({"councils": rows}):
        r.pop("_level", None)
        r["Change"] = CHANGE_MARKS.get(r["Change"], r["Change"])
        out.append(r)
    df = pd.DataFrame(out)
    for c in df.columns:
        if c in ("Inspection start", "Inspection end", "Published", "Next likely from", "Next likely (median)",
                 "Next likely by", "Previous inspection start"):
            df[c] = pd.to_datetime(df[c], errors="coerce")
    return df


def neighbour_rows(rows: list[dict[str, Any]], council: str) -> list[dict[str, Any]]:
    """The council's row first, then its statistical neighbours' rows in the gazetteer's order (nearest first)."""
    by_name = {r["council"]: r for r in rows}
    own = by_name.get(council)
    names = (own or {}).get("neighbours")
    if names is None:
        from ingest import gazetteer

        names = [n.name for n in gazetteer.neighbours(council)]
    return [by_name[n] for n in [council, *names] if n in by_name]


def render() -> None:
    searcher = ui.page_searcher("Outcomes: where every council stands")
    if searcher is None:
        return
    from retrieval.outcomes import outcomes

    st.markdown("Each council's latest full inspection in the library, as it stood on the date you choose: grades, "
                "dates, type and lead inspector, how long ago it started, how long Ofsted took to publish it, when "
                "the next one is likely and whether the grade went up or down since the previous one.")
    from ingest import gazetteer

    regions = [ALL, *sorted({c.region for c in gazetteer.councils() if c.region})]
    # first visit, and whenever "My council" changes in the sidebar: start from that council's neighbours
    if ui.follows_my_council("outcomes") or "outcomes_council" not in st.session_state:
        saved = ui.my_council()
        st.session_state["outcomes_council"] = saved if saved in searcher.councils() else ""
    c1, c2, c3 = st.columns([2, 1, 2], vertical_alignment="bottom")
    with c1:
        region = st.selectbox("Region", regions, key="outcomes_region",
                              disabled=bool(st.session_state.get("outcomes_council")),
                              help="With a council chosen, its statistical neighbours are shown from every region.")
    with c2:
        as_of = st.date_input("As of", value=date.today(), key="outcomes_as_of", format="YYYY-MM-DD",
                              help="Only reports published on or before this date count.")
    with c3:
        mine = st.selectbox("Show my council's statistical neighbours", ["", *searcher.councils()],
                            key="outcomes_council", format_func=lambda c: c or "(every council in the region)")
    with ui.friendly_errors("working out where every council stands"):
        # with a council chosen, its neighbours come from every region
        data = outcomes(searcher, region=None if (mine or region == ALL) else region, as_of=as_of)
        rows = neighbour_rows(data["councils"], mine) if mine else data["councils"]
        show(data, rows, mine)


def show(data: dict[str, Any], rows: list[dict[str, Any]], mine: str) -> None:
    from app import outcomes_export as ox

    scope = f"{mine} and its statistical neighbours" if mine else (data["region"] or "England")
    pub = data.get("days_to_publish") or {}
    m1, m2, m3 = st.columns(3)
    m1.metric("Councils with a full inspection", len(rows))
    m2.metric("Median days from inspection end to publication",
              pub.get("median_days", "–"), help=f"Over {pub.get('count', 0)} full inspections in the library")
    m3.metric("As of", ui.when(data["as_of"]))
    st.caption(f"{scope}: latest full inspections published on or before {ui.when(data['as_of'])}.")
    if not rows:
        st.info("No council here has a full inspection in the library by this date. Add its reports on the "
                "Library page.")
        return
    export = {**data, "councils": rows, "region": mine and f"{mine} and neighbours" or data["region"]}
    with st.container(horizontal=True):
        st.download_button("Download as Excel", data=lambda: ox.outcomes_xlsx(export),
                           file_name=ox.filename(export, "xlsx"), mime=ox.XLSX_MIME, key="outcomes_xlsx",
                           on_click="ignore", icon=":material/table_view:")
        st.download_button("Download as CSV", data=ox.outcomes_csv(export).encode("utf-8-sig"),
                           file_name=ox.filename(export, "csv"), mime=ox.CSV_MIME, key="outcomes_csv",
                           on_click="ignore", icon=":material/download:")
    df = table(rows)
    graded = ["Overall grade", *ox.SUB_AREAS, "Previous grade"]
    dates = {c: st.column_config.DateColumn(c, format="D MMM YYYY") for c in df.columns
             if str(df[c].dtype).startswith("datetime")}
    st.dataframe(df.style.map(ui.grade_cell_style, subset=graded), hide_index=True, width="stretch",
                 column_config={**dates, "Council": st.column_config.TextColumn(pinned=True),
                                "Change note": st.column_config.TextColumn(width="large"),
                                "Window basis": st.column_config.TextColumn(width="medium")})
    if not mine:
        st.markdown("#### Grades by region")
        ch = region_chart(data["by_region"])
        if ch is not None:
            st.altair_chart(ch, width="stretch", height=chart_height(data["by_region"]) + 90)
    with st.expander("How the next-inspection window is worked out"):
        st.markdown(ui.md(data["method"]))
        for g in data.get("gaps") or []:
            under = ui.FRAMEWORK_LABELS.get(g.get("framework"), "any framework")
            st.markdown(f"- after **{ui.md(g['grade'])}** ({ui.md(under)}): {g['count']} gaps, shortest "
                        f"{g['min_days']} days, "
                        f"median {g['median_days']}, longest {g['max_days']}")
        if data.get("not_inspected") and not mine:
            st.caption("No full inspection in the library for: " + ", ".join(data["not_inspected"]))
