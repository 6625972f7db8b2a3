"""Council profile: one council's judgements over time (chart and table), its recommendations report by report,
and its statistical neighbours' latest overall grades beside it."""
from __future__ import annotations

from typing import Any

import streamlit as st

from app import ui_common as ui


SHORT_GRADES = {4: "Outstanding", 3: "Good", 1: "Inadequate"}  # level 2 is "RI" or "Adequate" as printed


def _short(grade: str, level: int) -> str:
    """A grade short enough for a cell: "RI" is how officers write Requires improvement (to be good)."""
    if level == 2:
        return "Adequate" if (grade or "").strip().lower() == "adequate" else "RI"
    return SHORT_GRADES.get(level, grade)


def chart(judgements: list[dict[str, Any]], every_area: bool = False):
    """A grid of grades: one row per judgement area, one column per inspection (oldest on the left), each cell
    coloured by its grade and labelled with it. Every area keeps its own row, so seven areas graded the same at one
    inspection stay seven readable cells (a line per area drew them on top of each other), and a change of grade
    reads along the row. The headline areas (matched across frameworks) by default, or every area as printed."""
    import altair as alt
    import pandas as pd

    from ingest.judgements import FAMILIES, LEVELS

    rows = [{"Published": j["published"], "Report": j.get("report_id") or j["published"],
             "Area": j["area"] if every_area else j.get("family"), "Printed area": j["area"], "Grade": j["grade"],
             "Level": j["level"], "Grade level": LEVELS[j["level"]], "Label": _short(j["grade"], j["level"])}
            for j in judgements if j.get("level") and j.get("published") and (every_area or j.get("family"))]
    if not rows:
        return None
    df = pd.DataFrame(rows)
    df["Date"] = pd.to_datetime(df["Published"], errors="coerce")
    df = df.dropna(subset=["Date"]).drop_duplicates(subset=["Area", "Report"])  # one cell per area and report
    if df.empty:
        return None
    df["Inspection"] = df["Date"].dt.strftime("%-d %b %Y")
    columns = list(dict.fromkeys(df.sort_values("Date", kind="stable")["Inspection"]))
    family_order = [label for label, _ in FAMILIES]
    areas = list(dict.fromkeys(df["Area"]))
    if not every_area:
        areas.sort(key=lambda a: family_order.index(a) if a in family_order else len(family_order))
    df = df.drop(columns=["Date"])
    grades = [LEVELS[k] for k in (4, 3, 2, 1)]
    colours = [ui.GRADE_STYLES[k][0] for k in (4, 3, 2, 1)]
    base = alt.Chart(df).encode(
        x=alt.X("Inspection:O", title="Inspection report published", sort=columns,
                axis=alt.Axis(labelAngle=0, orient="top", labelLimit=120, labelFontSize=12)),
        y=alt.Y("Area:N", title="Judgement area", sort=areas, axis=alt.Axis(labelLimit=260, labelFontSize=12)),
        tooltip=[alt.Tooltip("Inspection:O", title="Published"), "Printed area:N", "Grade:N"])
    cells = base.mark_rect(stroke="white", strokeWidth=3).encode(
        color=alt.Color("Grade level:N", title="Grade", scale=alt.Scale(domain=grades, range=colours),
                        legend=alt.Legend(orient="bottom", direction="horizontal", columns=2, labelLimit=260)))
    text = base.mark_text(fontWeight="bold", fontSize=12).encode(
        text="Label:N",
        color=alt.condition(alt.datum.Level == 2, alt.value(ui.GRADE_STYLES[2][1]), alt.value("#ffffff")))
    return (cells + text).properties(height=alt.Step(34), width=alt.Step(104))


def render() -> None:
    import pandas as pd

    searcher = ui.page_searcher("Council profile")
    if searcher is None:
        return
    from ingest import gazetteer
    from retrieval.profile import profile

    indexed = searcher.councils()
    # start from "My council" (sidebar), and follow it when it changes; a council opened from Themes is kept
    changed = ui.follows_my_council("profile", first_run=False)
    mine = ui.my_council()
    if mine in indexed and ("profile_council" not in st.session_state or changed):
        st.session_state["profile_council"] = mine
    council = st.selectbox("Council", indexed, key="profile_council",
                           help="Starts at **My council** (in the sidebar) when it has reports indexed")
    if not council:
        return
    with ui.friendly_errors("building the profile"):
        p = profile(searcher, council)
        if p.get("message"):
            st.info(p["message"])
        g = gazetteer.lookup(p["council"])
        bits = [b for b in ((g.region if g else ""), f"{len(p['reports'])} indexed reports") if b]
        if p.get("latest"):
            lat = p["latest"]
            st.markdown(f"Latest overall grade: {ui.grade_badge(lat['grade'])} "
                        f"({ui.md(lat['area'])}, published {ui.md(ui.when(lat['published']))})",
                        unsafe_allow_html=True)
        st.caption(" · ".join(bits))
        left, right = st.columns([3, 2])
        with left:
            st.subheader("Judgements over time")
            every = st.toggle("Every judgement area as printed", key="profile_every_area",
                              help="By default the chart joins the headline judgements across inspection frameworks.")
            ch = chart(p["judgements"], every)
            if ch is None:
                st.caption("No graded judgements in the indexed reports for this council.")
            else:
                st.altair_chart(ch, width="content")
                st.caption("One row per judgement area, one column per inspection: each cell is the grade given "
                           "(RI: requires improvement). A blank cell: the area was not judged in that inspection.")
        with right:
            st.subheader("Statistical neighbours")
            st.caption("Latest overall grade of each statistical neighbour (nearest first), where its reports "
                       "are indexed.")
            if p["neighbours"]:
                rows = [{"#": n["rank"], "Council": n["council"],
                         "Latest grade": n["grade"] or ("no grade found" if n["indexed"] else "not indexed"),
                         "Published": n["published"] or ""} for n in p["neighbours"]]
                df = pd.DataFrame(rows)
                st.dataframe(df.style.map(ui.grade_cell_style, subset=["Latest grade"]), hide_index=True,
                             width="stretch")
            else:
                st.caption("No statistical neighbours listed for this council.")
        if p["judgements"]:
            titles = {r["report_id"]: r for r in p["reports"]}
            rows = [{"Published": j["published"] or "",
                     "Report": ui.KIND_LABELS.get(titles.get(j["report_id"], {}).get("kind"), ""),
                     "Judgement area": j["area"], "Grade": j["grade"]} for j in p["judgements"]]
            df = pd.DataFrame(rows).sort_values("Published", ascending=False, kind="stable")
            st.dataframe(df.style.map(ui.grade_cell_style, subset=["Grade"]), hide_index=True, width="stretch")
        st.subheader("Recommendations by report")
        if not p["recommendations"]:
            st.caption("No recommendations recorded in this council's indexed reports.")
        for i, group in enumerate(p["recommendations"]):
            kind = ui.KIND_LABELS.get(group.get("kind"), group.get("kind") or "")
            label = f"{kind}, published {ui.when(group.get('published'))} — {len(group['items'])} recommendations"
            with st.expander(label, expanded=i == 0):
                st.caption(group.get("title") or "")
                if group.get("kind") != "council_report":
                    st.page_link("views/plan.py", label="Open the action plan", icon=":material/assignment_turned_in:",
                                 query_params={"council": p["council"], "report": group["report_id"]})
                df = pd.DataFrame([{"No.": r.get("number") or "", "Recommendation": r["text"],
                                    "Timescale": r.get("timescale") or "", "Owner": r.get("owner") or "",
                                    "Citation": r.get("citation") or ""} for r in group["items"]])
                st.dataframe(df, hide_index=True, width="stretch",
                             column_config={"Recommendation": st.column_config.TextColumn(width="large")})
        st.subheader("Reports")
        full = searcher.reports  # the index records carry the inspection fields
        st.dataframe(pd.DataFrame([{"Published": r.get("published") or "",
                                    "Kind": ui.KIND_LABELS.get(r.get("kind"), r.get("kind")),
                                    **{label: full.get(r["report_id"], {}).get(k) or "" for label, k in (
                                        ("Inspection start", "inspection_start"), ("Inspection end", "inspection_end"),
                                        ("Inspection type", "inspection_type"), ("Lead inspector", "lead_inspector"))},
                                    "Title": r.get("title") or "", "Pages": r.get("pages"),
                                    "Paragraphs": r.get("paragraphs")} for r in p["reports"]]),
                     hide_index=True, width="stretch")
