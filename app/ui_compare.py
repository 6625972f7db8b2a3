"""Compare: one topic across councils, side by side: a grades table, then each council's top paragraphs and its
recommendations on the topic. The usual habit is a council against its statistical neighbours."""
from __future__ import annotations

from typing import Any

import streamlit as st

from app import ui_common as ui

STANCE_CHOICES = ui.STANCE_CHOICES
DEFAULT_NEIGHBOURS = 3  # statistical neighbours Compare opens with beside the user's own council


def default_councils(mine: str | None, indexed: list[str], n: int = DEFAULT_NEIGHBOURS) -> list[str]:
    """The councils Compare opens with: the user's own council and its `n` nearest statistical neighbours that
    have reports indexed (a neighbour with nothing to compare is no use as a default); none without a council."""
    from ingest import gazetteer

    if not mine:
        return []
    have = set(indexed)
    near = [c.name for c in gazetteer.neighbours(mine) if c.name in have and c.name != mine]
    return [mine, *near[:n]]


def _use_my_council() -> None:
    """Start the comparison from the sidebar's "My council" and its statistical neighbours."""
    mine = ui.my_council()
    chosen = default_councils(mine, list(st.session_state.get("cmp_indexed") or []),
                              int(st.session_state.get("cmp_n_neighbours") or DEFAULT_NEIGHBOURS))
    st.session_state["cmp_councils"] = chosen
    if mine:
        st.session_state["cmp_notice"] = _opened_with(chosen)


def _opened_with(chosen: list[str]) -> str:
    mine, near = chosen[0], chosen[1:]
    if not near:
        return f"{mine}, your council: none of its statistical neighbours has reports indexed."
    which = "nearest statistical neighbour" if len(near) == 1 else f"{len(near)} nearest statistical neighbours"
    return f"{mine}, your council, and its {which} with reports indexed: {', '.join(near)}."


def _all_councils(indexed: list[str]) -> list[str]:
    from ingest import gazetteer

    rest = sorted({c.name for c in gazetteer.councils()} - set(indexed))
    return indexed + rest


def _add_neighbours() -> None:
    from ingest import gazetteer

    chosen = list(st.session_state.get("cmp_councils") or [])
    if not chosen:
        st.session_state["cmp_notice"] = "Pick a council first; its statistical neighbours are then added."
        return
    how_many = int(st.session_state.get("cmp_n_neighbours") or 3)
    indexed = set(st.session_state.get("cmp_indexed") or [])
    near = [n.name for n in gazetteer.neighbours(chosen[0])]
    if st.session_state.get("cmp_only_indexed"):
        near = [n for n in near if n in indexed]
    added = [n for n in near if n not in chosen][:how_many]
    st.session_state["cmp_councils"] = chosen + added
    if not near:
        st.session_state["cmp_notice"] = f"No statistical neighbours of {chosen[0]} to add."
    else:
        st.session_state["cmp_notice"] = (f"Added {len(added)} statistical neighbours of {chosen[0]} (nearest first)."
                                          if added else "Its nearest neighbours are already in the list.")


def area_key(area: str) -> str:
    """Group the same judgement worded differently across frameworks by its family (ingest/judgements.py owns the
    vocabulary); areas outside the headline families group on their own words."""
    import re

    from ingest.judgements import area_family

    family = area_family(area)
    if family:
        return family
    a = re.sub(r"[^a-z ]+", " ", (area or "").lower())
    return re.sub(r"^(the )", "", re.sub(r"\s+", " ", a).strip())


def grades_table(result: dict[str, Any]):
    """One row per judgement area, one column per council: each council's latest grade for the area (and year)."""
    import pandas as pd

    areas: dict[str, str] = {}
    cells: dict[tuple[str, str], tuple[str, str]] = {}
    councils = [c["council"] for c in result["councils"]]
    for c in result["councils"]:
        for j in c.get("latest_judgements", c.get("judgements")) or []:
            k = area_key(j.get("area") or "")
            areas.setdefault(k, j.get("area") or "")
            prev = cells.get((k, c["council"]))
            pub = j.get("published") or ""
            if prev is None or pub >= prev[1]:
                cells[(k, c["council"])] = (j.get("grade") or "", pub)
    if not areas:
        return None
    rows = []
    for k, label in areas.items():
        row = {"Judgement area": label}
        for name in councils:
            g = cells.get((k, name))
            row[name] = f"{g[0]} ({g[1][:4]})" if g and g[1] else (g[0] if g else "")
        rows.append(row)
    df = pd.DataFrame(rows)
    return df.style.map(ui.grade_cell_style, subset=councils)


def render() -> None:
    searcher = ui.page_searcher("Compare councils")
    if searcher is None:
        return
    indexed = searcher.councils()
    st.session_state["cmp_indexed"] = indexed
    options = _all_councils(indexed)
    mine = ui.my_council()
    changed = ui.follows_my_council("compare")
    if "cmp_councils" not in st.session_state:
        # the user's own council and its neighbours, or nothing: never the first two names of the alphabet
        st.session_state["cmp_councils"] = default_councils(mine if mine in options else None, indexed)
        if st.session_state["cmp_councils"]:
            st.session_state["cmp_notice"] = "Opened with " + _opened_with(st.session_state["cmp_councils"])
    elif changed and mine in options:  # "My council" changed in the sidebar: start again from it
        _use_my_council()
    st.markdown("Pick councils and a topic. Each council gets a column with the paragraphs that say most about the "
                "topic; councils whose reports are not indexed say so.")
    st.button("Start from my council", on_click=_use_my_council, disabled=mine not in options,
              help="Replace the councils below with your council (**My council** in the sidebar) and its "
                   "statistical neighbours.")
    st.multiselect("Councils", options, key="cmp_councils",
                   format_func=lambda c: c if c in indexed else f"{c} (not indexed)",
                   placeholder="Choose councils", help="Indexed councils are listed first.")
    c1, c2, c3 = st.columns([2, 1, 1], vertical_alignment="bottom")
    with c1:
        st.button("Add statistical neighbours of the first council", on_click=_add_neighbours,
                  help="The DfE's statistical neighbours, nearest first.")
    with c2:
        st.number_input("How many", 1, 10, DEFAULT_NEIGHBOURS, key="cmp_n_neighbours")
    with c3:
        st.checkbox("Only indexed ones", key="cmp_only_indexed")
    notice = st.session_state.pop("cmp_notice", None)
    if notice:
        st.info(notice)
    elif not st.session_state.get("cmp_councils"):
        st.caption("No councils chosen yet: pick them above, or set **My council** in the sidebar so that Compare "
                   "opens with it and its statistical neighbours.")
    with st.form("cmp_form", border=False):
        topic = st.text_input("Topic", key="cmp_topic", placeholder="e.g. care leaver accommodation")
        fc1, fc2, fc3 = st.columns([1, 1, 2], vertical_alignment="bottom")
        with fc1:
            latest = st.checkbox("Latest inspection only", key="cmp_latest")
        with fc2:
            said = st.selectbox("What inspectors say", list(STANCE_CHOICES), key="cmp_stance", help=ui.STANCE_HELP)
        with fc3:
            go = st.form_submit_button("Compare", type="primary")
    councils = list(st.session_state.get("cmp_councils") or [])
    if go:
        if not topic.strip():
            st.warning("Type a topic to compare, for example 'care leaver accommodation'.")
        elif not councils:
            st.warning("Pick at least one council.")
        else:
            from retrieval.compare import compare

            with ui.friendly_errors("comparing the councils"), st.spinner("Comparing…"):
                try:
                    st.session_state["cmp_result"] = compare(searcher, topic.strip(), councils, k=3, latest=latest,
                                                             stance=STANCE_CHOICES[said])
                except ValueError as e:
                    st.warning(str(e))
    result = st.session_state.get("cmp_result")
    if result:
        with ui.friendly_errors("showing the comparison"):
            show(searcher, result)


def show(searcher, result: dict[str, Any]) -> None:
    from app.export import comparison_docx, comparison_markdown

    st.subheader(f"“{result['topic']}”")
    ui.export_buttons(result["topic"], lambda: comparison_docx(result), lambda: comparison_markdown(result),
                      key="cmp")
    table = grades_table(result)
    st.markdown("#### Judgements")
    if table is not None:
        frameworks = "; ".join(f"{c['council']}: {c.get('framework') or 'framework not known'}"
                               for c in result["councils"] if c.get("latest_judgements"))
        st.caption("Each council's latest grades, from its latest judged inspection, with the year of the report "
                   f"(frameworks differ: {frameworks}). Blue: Outstanding · green: Good · yellow: Requires "
                   "improvement / Adequate · red: Inadequate.")
        st.dataframe(table, hide_index=True, width="stretch", height=36 * (len(table.data) + 1) + 4,
                     column_config={"Judgement area": st.column_config.TextColumn(width="medium")})
    else:
        st.caption("No judgements recorded for these councils.")
    cols = st.columns(len(result["councils"]))
    for col, c in zip(cols, result["councils"]):
        with col:
            st.markdown(f"### {ui.md(c['council'])}")
            if not c.get("indexed", True):
                st.info(f"No indexed report for {c['council']}. Add its inspection reports on the Library page.")
                continue
            if not c["evidence"]:
                st.caption("Nothing in this council's reports matched the topic.")
            for i, e in enumerate(c["evidence"]):
                ui.evidence_card(e, None, [], key=f"cmp_{c['council']}_{i}", store=searcher.store)
            if c.get("recommendations"):
                st.markdown("**Recommendations on the topic**")
                ui.recommendation_block(c["recommendations"], key=f"cmprec_{c['council']}")
