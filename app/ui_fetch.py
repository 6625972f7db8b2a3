"""Library: the "Get reports from Ofsted" panel. Presentation only: retrieval/fetch.py does the work, as for
`inspections fetch`; this shows its progress and what it added."""
from __future__ import annotations

import os
from typing import Any

import streamlit as st

from app import ui_common as ui

KIND_CHOICES = {"inspections": "Inspections", "visits": "Focused and monitoring visits, joint targeted area inspections",
                "all": "Everything Ofsted lists"}
# how far along the bar each stage of a fetch starts and ends
STAGES = {"search": (0.0, 0.05), "providers": (0.05, 0.35), "download": (0.35, 0.7), "index": (0.7, 1.0)}
STAGE_TEXT = {"search": "Listing the councils on Ofsted's site", "providers": "Reading each council's publications",
              "download": "Downloading", "index": "Indexing"}


def _council_names() -> list[str]:
    from ingest.gazetteer import councils

    return sorted({c.name for c in councils()})


def run(index: str, searcher, councils: list[str], kinds: str, since, base_url: str, progress=None) -> dict[str, Any]:
    """Fetch into the index the page shows; returns what the page keeps to show after its rerun."""
    from retrieval.fetch import FetchError, fetch
    from retrieval.store import Store

    store = searcher.store if searcher is not None else Store(index, create=True)
    factory = (lambda: searcher.embedder) if searcher is not None else None
    try:
        res = fetch(store, councils=councils or None, kinds=kinds, since=since, base_url=base_url or None,
                    progress=progress, embedder_factory=factory)
    except (FetchError, ValueError) as e:
        return {"error": str(e)}
    rows = [{"Council": o.council, "Published": o.published or "", "Paragraphs": o.paragraphs,
             "Report id": o.report_id} for o in res.added]
    problems = ([{"Document": p.describe(), "Problem": why} for p, why in res.not_pdf + res.failed] +
                [{"Document": o.path, "Problem": o.reason} for o in res.unreadable])
    return {"line": res.line(), "added": rows, "problems": problems, "failed": bool(res.failed),
            "dest": res.dest}


def render(searcher) -> None:
    from retrieval.fetch import BASE_URL_ENV, DEFAULT_BASE_URL

    with st.expander("Get reports from Ofsted", expanded=bool(st.session_state.get("fetch_result"))):
        st.markdown("Downloads the reports Ofsted publishes on councils' children's services from Ofsted's report "
                    "site, indexes them, and says what it added. Only reports not here yet are downloaded, so run "
                    "it again later to add what is new; an interrupted run carries on where it stopped.")
        c1, c2 = st.columns(2)
        councils = c1.multiselect("Councils (leave empty for every council)", _council_names(), key="fetch_councils")
        kinds = c2.radio("Documents", list(KIND_CHOICES), format_func=KIND_CHOICES.get, key="fetch_kinds")
        c3, c4 = st.columns(2)
        since = c3.date_input("Listed on or after (optional)", value=None, key="fetch_since", format="DD/MM/YYYY")
        base_url = c4.text_input("Report site", value=os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL,
                                 key="fetch_base")
        if st.button("Get reports", type="primary", key="fetch_go"):
            bar = st.progress(0.0, text="Reading Ofsted's report site…")

            def progress(stage: str, done: int, total: int, what: str) -> None:
                lo, hi = STAGES.get(stage, (0.0, 1.0))
                share = done / total if total else 0.0
                label = STAGE_TEXT.get(stage, stage) + (f": {done} of {total}" if total else "…")
                bar.progress(min(1.0, lo + (hi - lo) * share), text=label + (f" ({what[:60]})" if what else ""))

            with ui.friendly_errors("getting reports from Ofsted"):
                out = run(ui.index_dir(), searcher, councils, kinds, since, base_url, progress)
                bar.progress(1.0, text="Finished")
                st.session_state["fetch_result"] = out
                if searcher is None:
                    ui.reset_searcher()
                st.rerun()
        out = st.session_state.get("fetch_result")
        if out:
            if out.get("error"):
                st.error(out["error"])
                return
            (st.warning if out["problems"] else st.success)(f"Last run: {out['line']}.")
            if out["added"]:
                st.dataframe(out["added"], hide_index=True, width="stretch")
            if out["problems"]:
                st.dataframe(out["problems"], hide_index=True, width="stretch")
            st.caption(f"Downloaded files are kept in {out['dest']}.")
