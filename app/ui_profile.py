"""Council profile: one council's judgements over time (chart and table), its recommendations report by report,
and its statistical neighbours' latest overall grades beside it."""
from __future__ import annotations

from typing import Any

import streamlit as st

from app import ui_common as ui


def chart(judgements: list[dict[str, Any]], every_area: bool = False):
    """Grade (ordinal, 1 Inadequate .. 4 Outstanding) against publication date, one line per judgement area:
    the headline areas (matched across frameworks) by default, or every area as printed."""
    import altair as alt
    import pandas as pd

    rows = [{"Published": j["published"], "Area": j["area"] if every_area else j.get("family"),
             "Printed area": j["area"], "Grade": j["grade"], "Level": j["level"]}
            for j in judgements if j.get("level") and j.get("published") and (every_area or j.get("family"))]
    if not rows:
        return None
    df = pd.DataFrame(rows)
    df["Published"] = pd.to_datetime(df["Published"], errors="coerce")
    df = df.dropna(subset=["Published"])
    labels = "datum.value == 4 ? 'Outstanding' : datum.value == 3 ? 'Good' : datum.value == 2 ? " \
             "'Requires improvement / Adequate' : datum.value == 1 ? 'Inadequate' : ''"
    y = alt.Y("Level:Q", title=None, scale=alt.Scale(domain=[0.7, 4.3]),
              axis=alt.Axis(values=[1, 2, 3, 4], labelExpr=labels, labelLimit=220, grid=True))
    x = alt.X("Published:T", title="Report published", axis=alt.Axis(format="%Y"))
    # Okabe-Ito colours (distinguishable with colour-blindness), and a different marker shape per line as well
    palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#E69F00", "#56B4E9", "#882255", "#117733"]
    enc = {"x": x, "y": y,
           "color": alt.Color("Area:N", title="Judgement area", scale=alt.Scale(range=palette),
                              legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=400)),
           "tooltip": [alt.Tooltip("Published:T", format="%d %B %Y"), "Printed area:N", "Grade:N"]}
    base = alt.Chart(df)
    lines = base.mark_line().encode(strokeWidth=alt.condition(alt.datum.Area == "Overall effectiveness",
                                                              alt.value(4), alt.value(2)), **enc)
    points = base.mark_point(size=90, filled=True).encode(shape=alt.Shape("Area:N", legend=None), **enc)
    return (lines + points).properties(height=300)


def render() -> None:
    import pandas as pd

    searcher = ui.page_searcher("Council profile")
    if searcher is None:
        return
    from ingest import gazetteer
    from retrieval.profile import profile

    indexed = searcher.councils()
    council = st.selectbox("Council", indexed, key="profile_council")
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
                st.altair_chart(ch, width="stretch", height=480)
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
