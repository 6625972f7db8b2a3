"""Recommendations: every recommendation the indexed reports made, filterable, each with its citation; CSV download."""
from __future__ import annotations

import re
from typing import Any

import streamlit as st

from app import ui_common as ui

COLUMNS = ["Council", "Published", "Report", "Type", "No.", "Recommendation", "Timescale", "Owner", "Group",
           "Citation"]


@st.cache_data(show_spinner=False, max_entries=4)
def _rows(_searcher, stamp: str) -> list[dict[str, Any]]:
    from retrieval.search import recommendation_json

    reports = _searcher.reports
    out = []
    for r in _searcher.store.recommendations():
        rep = reports.get(r["report_id"])
        if rep is None:
            continue
        d = recommendation_json(r, r["text"], rep)
        out.append({"Council": d.get("council") or rep.get("council"), "Published": d.get("published") or "",
                    "Report": rep.get("title") or "", "No.": d.get("number") or "", "Recommendation": d["text"],
                    "Timescale": d.get("timescale") or "", "Owner": d.get("owner") or "",
                    "Group": d.get("group") or "", "Citation": d.get("citation") or "",
                    "Type": (d.get("kind") or "recommendation").capitalize(),
                    "report_id": d["report_id"], "kind": d.get("kind") or "recommendation"})
    out.sort(key=lambda r: r["Published"], reverse=True)  # each council's newest report first (stable within one)
    out.sort(key=lambda r: r["Council"] or "")
    return out


def report_label(rep: dict[str, Any]) -> str:
    return f"{rep.get('council')} — {ui.KIND_LABELS.get(rep.get('kind'), rep.get('kind'))}, {rep.get('published') or '?'}"


def filter_rows(rows: list[dict[str, Any]], councils: list[str], report_ids: list[str], timescales: list[str],
                owners: list[str], theme: str) -> list[dict[str, Any]]:
    words = [w for w in re.split(r"\s+", (theme or "").lower()) if w]
    out = []
    for r in rows:
        if councils and r["Council"] not in councils:
            continue
        if report_ids and r["report_id"] not in report_ids:
            continue
        if timescales and (r["Timescale"] or "(not stated)") not in timescales:
            continue
        if owners and (r["Owner"] or "(not stated)") not in owners:
            continue
        hay = f"{r['Recommendation']} {r['Group']} {r['Owner']}".lower()
        if words and not all(w in hay for w in words):
            continue
        out.append(r)
    return out


def render() -> None:
    import pandas as pd

    searcher = ui.page_searcher("Recommendations")
    if searcher is None:
        return
    rows = _rows(searcher, searcher.store.stamp())
    if not rows:
        st.info("The indexed reports have no recommendations recorded. Ofsted reports list theirs under 'Areas for "
                "improvement' or 'What needs to improve'; add more reports on the Library page.")
        return
    st.markdown("Every recommendation in the indexed reports, as printed, with the timescale and the agency that "
                "must act. Filter, then download the table as CSV.")
    councils = sorted({r["Council"] for r in rows})
    c1, c2 = st.columns(2)
    with c1:
        pick_councils = st.multiselect("Council", councils, key="rec_councils", placeholder="All councils")
    reps = sorted({r["report_id"] for r in rows if not pick_councils or r["Council"] in pick_councils},
                  key=lambda rid: (searcher.reports[rid].get("council") or "", searcher.reports[rid].get("published") or ""))
    with c2:
        pick_reports = st.multiselect("Report", reps, key="rec_reports", placeholder="All reports",
                                      format_func=lambda rid: report_label(searcher.reports[rid]))
    c3, c4, c5 = st.columns(3)
    with c3:
        timescales = sorted({r["Timescale"] or "(not stated)" for r in rows})
        pick_times = st.multiselect("Timescale", timescales, key="rec_timescales", placeholder="Any timescale")
    with c4:
        owners = sorted({r["Owner"] or "(not stated)" for r in rows})
        pick_owners = st.multiselect("Owner", owners, key="rec_owners", placeholder="Any owner")
    with c5:
        theme = st.text_input("Theme (words to look for)", key="rec_theme", placeholder="e.g. care leavers")
    shown = filter_rows(rows, pick_councils, [r for r in pick_reports if r in reps], pick_times, pick_owners, theme)
    st.caption(f"{len(shown)} of {len(rows)} recommendations")
    if not shown:
        st.info("No recommendation matches these filters. Remove a filter or try other words.")
        return
    df = pd.DataFrame(shown, columns=COLUMNS)
    event = st.dataframe(df, hide_index=True, width="stretch", key="rec_table", on_select="rerun",
                         selection_mode="single-row",
                         column_config={"Recommendation": st.column_config.TextColumn(width="large"),
                                        "Citation": st.column_config.TextColumn(width="medium"),
                                        "Report": None, "Group": None})
    picked = list(getattr(getattr(event, "selection", None), "rows", None) or [])
    if picked and picked[0] < len(shown):
        r = shown[picked[0]]
        with st.container(border=True):
            st.markdown(f"**{ui.md(r['Council'])}**, {ui.md(r['Report'])}, published {ui.md(ui.when(r['Published']))}")
            if r["Group"]:
                st.caption(r["Group"])
            st.markdown(ui.md(r["Recommendation"]))
            st.markdown(f"**Timescale:** {ui.md(r['Timescale'] or 'not stated')} · "
                        f"**Owner:** {ui.md(r['Owner'] or 'not stated')}")
            st.code(r["Citation"], language=None, wrap_lines=True)
    else:
        st.caption("Select a row to read the recommendation in full with its citation.")
    st.download_button("Download these recommendations (CSV)", data=df.to_csv(index=False).encode("utf-8-sig"),
                       file_name="recommendations.csv", mime="text/csv", key="rec_csv", on_click="ignore")
