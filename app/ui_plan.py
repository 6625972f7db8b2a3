"""Action plan: a report's recommendations as the plan the council tracks. Pick a council (and report); edit lead,
status, RAG, actions and progress notes in the table (saved to the user store as you edit); open an item for the
findings behind it and where it was recommended before; see progress at a glance; download Word, Excel or CSV.

The plan itself (items, evidence, earlier recommendations) comes from retrieval/plan.py and is kept for the session
per report; only the tracking is read again on every run, so another person's edits show on the next interaction.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from app import ui_common as ui

STATUS_LABELS = {"not started": "Not started", "in progress": "In progress", "done": "Done"}
RAG_LABELS = {"red": "Red", "amber": "Amber", "green": "Green"}
NOTE_COLUMN = "Add a progress note"
STANCE_WORDS = {"strength": "a strength", "concern": "a concern", "mixed": "both a strength and a concern",
                "neutral": "a description only"}


def _user_store():
    from retrieval import userstore

    return userstore.open_store(ui.index_dir())


def _report_label(r: dict[str, Any]) -> str:
    kind = ui.KIND_LABELS.get(r.get("kind"), r.get("kind") or "")
    return f"{kind}, published {ui.when(r.get('published'))}"


def _plan(searcher, council: str, report_id: str | None, stance: str | None = None):
    """The plan for this report (its evidence only of `stance` when given), built once per session and index
    state; its tracking is re-read every run."""
    from retrieval import userstore
    from retrieval.plan import action_plan

    cache = st.session_state.setdefault("plan_cache", {})
    key = (council, report_id, searcher.store.stamp(), stance)
    plan = cache.get(key)
    if plan is None:
        with st.spinner("Building the action plan: finding the evidence behind each recommendation…"):
            plan = action_plan(searcher, council, report_id, store=_user_store(), stance=stance)
        for k in [k for k in cache if k[:3] != key[:3]]:  # keep this report's plans (one per stance) only
            del cache[k]
        cache[key] = plan
    else:
        for it, t in zip(plan.items, userstore.load_tracking(_user_store(), [it.key for it in plan.items])):
            it.tracking = t
    return plan


def _save_edits(plan, editor_key: str) -> None:
    """on_change of the table: save each edited cell to the store (only what changed), then start the editor
    afresh from the store so its state never replays an edit."""
    from retrieval import userstore

    state = st.session_state.get(editor_key) or {}
    store = _user_store()
    errors = []
    for row, changes in (state.get("edited_rows") or {}).items():
        it = plan.items[int(row)]
        fields: dict[str, Any] = {}
        for col, value in changes.items():
            if col == "Lead":
                fields["lead"] = value
            elif col == "Status":
                fields["status"] = {v: k for k, v in STATUS_LABELS.items()}.get(value, value or "not started")
            elif col == "RAG":
                fields["rag"] = {v: k for k, v in RAG_LABELS.items()}.get(value, value)
            elif col == "Actions":
                fields["actions"] = value
            elif col == NOTE_COLUMN and (value or "").strip():
                try:
                    userstore.add_note(store, it.key, value)
                except ValueError as e:
                    errors.append(str(e))
        try:
            if fields:
                userstore.save_tracking(store, it.key, **fields)
        except ValueError as e:
            errors.append(str(e))
    st.session_state["plan_errors"] = errors
    st.session_state["plan_editor_version"] = st.session_state.get("plan_editor_version", 0) + 1


def _summary(plan) -> None:
    from app.plan_export import RAG_FILL

    s = plan.summary()
    n = s["items"]
    cols = st.columns(5)
    cols[0].metric("Done", f"{s['status']['done']} of {n}")
    cols[1].metric("In progress", s["status"]["in progress"])
    cols[2].metric("Not started", s["status"]["not started"])
    cols[3].metric("Overdue", s["overdue"], help="Past the due date the report's timescale sets and not done")
    cols[4].metric("Raised before", s["raised_before"],
                   help="Items an earlier report of this council also recommended")
    badges = []
    for r in ("red", "amber", "green"):
        bg, fg = RAG_FILL[r]
        badges.append(f'<span class="grade" style="background:#{bg};color:#{fg}">{RAG_LABELS[r]}: {s["rag"][r]}</span>')
    st.markdown("RAG rating: " + " ".join(badges) + f" · not rated: {s['rag']['not rated']}", unsafe_allow_html=True)


def _table(plan) -> None:
    import pandas as pd

    rows = []
    for it in plan.items:
        t = it.tracking
        latest = t.notes[-1] if t.notes else None
        rows.append({"No.": it.number or "", "Recommendation": it.text,
                     "Due": it.due, "Overdue": "OVERDUE" if it.overdue else "",
                     "Lead": t.lead or "", "Status": STATUS_LABELS.get(t.status, "Not started"),
                     "RAG": RAG_LABELS.get(t.rag or "", None), "Actions": t.actions or "",
                     "Latest progress": f"{latest.noted_on}: {latest.text}" if latest else "",
                     NOTE_COLUMN: "", "Raised before": len(it.raised_before)})
    df = pd.DataFrame(rows)

    def late(row) -> list[str]:
        style = "background-color: #f6d7d2; color: #b10e1e; font-weight: 600"
        return [style if row["Overdue"] and c in ("Due", "Overdue", "No.") else "" for c in row.index]

    styled = df.style.apply(late, axis=1) if len(df) else df
    version = st.session_state.get("plan_editor_version", 0)
    key = f"plan_editor_{plan.report['report_id']}_{version}"
    st.data_editor(
        styled, key=key, hide_index=True, width="stretch", num_rows="fixed", on_change=_save_edits,
        args=(plan, key),
        disabled=["No.", "Recommendation", "Due", "Overdue", "Latest progress", "Raised before"],
        column_config={
            "No.": st.column_config.TextColumn(width="small"),
            "Recommendation": st.column_config.TextColumn(width="large"),
            "Due": st.column_config.DateColumn(format="D MMM YYYY", help="From the report's timescale"),
            "Overdue": st.column_config.TextColumn(width="small"),
            "Lead": st.column_config.TextColumn(help="The lead officer", max_chars=120),
            "Status": st.column_config.SelectboxColumn(options=list(STATUS_LABELS.values()), required=True),
            "RAG": st.column_config.SelectboxColumn(options=list(RAG_LABELS.values()),
                                                    help="Red / amber / green rating of progress"),
            "Actions": st.column_config.TextColumn(help="What the council will do", width="medium"),
            "Latest progress": st.column_config.TextColumn(width="medium"),
            NOTE_COLUMN: st.column_config.TextColumn(help="Type a progress update: it is saved with today's date",
                                                     width="medium"),
            "Raised before": st.column_config.NumberColumn(help="Earlier recommendations that made the same point",
                                                           width="small"),
        })


def _item_detail(plan, i: int, it) -> None:
    from retrieval import userstore

    label = f"{it.number + '. ' if it.number else ''}{it.text[:110]}{'…' if len(it.text) > 110 else ''}"
    if it.overdue:
        label = f":red[**Overdue**] {label}"
    if it.raised_before:
        label += " · raised before"
    with st.expander(label):
        st.markdown(ui.md(it.text))
        facts = [f"**Timescale:** {ui.md(it.timescale or 'not stated')}",
                 f"**Due:** {ui.md(ui.when(it.due.isoformat()) if it.due else 'not set')}",
                 f"**Owner:** {ui.md(it.owner or 'not stated')}"]
        if it.group:
            facts.insert(0, f"**Group:** {ui.md(it.group)}")
        st.markdown(" · ".join(facts))
        st.code(it.citation, language=None, wrap_lines=True)
        st.markdown("**The findings behind it**")
        if plan.stance:
            st.caption(f"Only findings that state {STANCE_WORDS[plan.stance]}"
                       + (" (or both a strength and a concern)" if plan.stance in ("strength", "concern") else "")
                       + ": “What inspectors say” at the top of the page.")
        if not it.evidence:
            st.caption("No paragraph of the report's findings matched this recommendation"
                       + (f" as {STANCE_WORDS[plan.stance]}." if plan.stance else "."))
        for e in it.evidence:
            with st.container(border=True):
                where = f"paragraph {e.paragraph}" if e.paragraph else f"page {e.page}"
                st.caption(ui.md(" · ".join(x for x in (e.section, where) if x)) + " " + ui.stance_badge(e.stance),
                           unsafe_allow_html=True)
                st.markdown(ui.md(e.text))
                st.code(e.citation, language=None, wrap_lines=True)
        st.markdown("**Recommended before**")
        if not it.raised_before:
            st.caption("No earlier report of this council in the index made the same point.")
        for r in it.raised_before:
            with st.container(border=True):
                st.markdown(f"**{ui.md(ui.when(r.published))}:** {ui.md(r.text)}")
                st.code(r.citation, language=None, wrap_lines=True)
        st.markdown("**Progress notes**")
        for n in it.tracking.notes:
            st.markdown(f"- **{ui.md(ui.when(n.noted_on))}:** {ui.md(n.text)}")
        with st.form(key=f"plan_note_{i}", clear_on_submit=True, border=False):
            c1, c2 = st.columns([1, 4])
            when = c1.date_input("Date", value=date.today(), key=f"plan_note_date_{i}", format="DD/MM/YYYY")
            text = c2.text_input("Progress note", key=f"plan_note_text_{i}")
            impact = st.text_area("Evidence of impact", value=it.tracking.impact or "", key=f"plan_impact_{i}",
                                  help="What has changed for children, and how you know")
            if st.form_submit_button("Save"):
                store = _user_store()
                if (text or "").strip():
                    userstore.add_note(store, it.key, text, when)
                if (impact or "") != (it.tracking.impact or ""):
                    userstore.save_tracking(store, it.key, impact=impact)
                st.rerun()


def _downloads(plan) -> None:
    from app.plan_export import MIMES, plan_filename, render

    data = plan.to_json()
    with st.container(horizontal=True):
        for fmt, label, icon in (("docx", "Download the plan (Word)", ":material/description:"),
                                 ("xlsx", "Download the plan (Excel)", ":material/table_view:"),
                                 ("csv", "Download the plan (CSV)", ":material/download:")):
            st.download_button(label, data=lambda f=fmt: render(data, f), file_name=plan_filename(data, fmt),
                               mime=MIMES[fmt], key=f"plan_dl_{fmt}", on_click="ignore", icon=icon)
    if plan.stance:
        st.caption(f"The downloads hold only the findings that state {STANCE_WORDS[plan.stance]}, as chosen in "
                   "“What inspectors say”, and say so at the top; each quotation is labelled with its stance.")


def render() -> None:
    searcher = ui.page_searcher("Action plan")
    if searcher is None:
        return
    from retrieval.plan import PlanError

    councils = searcher.councils()
    link = (st.query_params.get("council"), st.query_params.get("report"))
    linked = bool(link[0] and link != st.session_state.get("plan_link"))
    if linked:  # opened from a link (profile, Ask) or reloaded
        st.session_state["plan_link"] = link
        from retrieval.profile import resolve_council

        name = resolve_council(link[0], councils)
        if name in councils:
            st.session_state["plan_council"] = name
            st.session_state["plan_report_wanted"] = link[1]
    follow = ui.follows_my_council("plan")  # first visit, or "My council" changed in the sidebar
    mine = ui.my_council()
    if (follow or "plan_council" not in st.session_state) and mine in councils and not linked:
        st.session_state["plan_council"] = mine  # the user's own council's plan, unless a link names another
    council = st.selectbox("Council", councils, key="plan_council",
                           help="Starts at **My council** (in the sidebar) when it has reports indexed")
    if not council:
        return
    reps = [r for r in searcher.reports.values() if r.get("council") == council and r.get("kind") != "council_report"]
    reps.sort(key=lambda r: r.get("published") or "", reverse=True)
    full = [r for r in reps if r.get("kind") == "ofsted_inspection"]
    if not reps:
        st.info(f"{council} has no indexed Ofsted report to make a plan from. Add its reports on the Library page.")
        return
    ids = [r["report_id"] for r in reps]
    by_id = {r["report_id"]: r for r in reps}
    wanted_report = st.session_state.pop("plan_report_wanted", None)
    if wanted_report in ids:
        st.session_state["plan_report"] = wanted_report
    elif st.session_state.get("plan_report") not in ids:
        st.session_state["plan_report"] = full[0]["report_id"] if full else ids[0]
    r1, r2 = st.columns([3, 1], vertical_alignment="bottom")
    report_id = r1.selectbox("Report", ids, key="plan_report", format_func=lambda i: _report_label(by_id[i]),
                             help="By default the council's latest full inspection")
    said = r2.selectbox("What inspectors say", list(ui.STANCE_CHOICES), key="plan_stance",
                        help="The findings shown under each recommendation (and in the downloads): "
                             + ui.STANCE_HELP[0].lower() + ui.STANCE_HELP[1:] + ".")
    st.query_params["council"] = council
    st.query_params["report"] = report_id
    st.session_state["plan_link"] = (council, report_id)  # our own link: not one to follow on the next run
    with ui.friendly_errors("building the action plan"):
        try:
            plan = _plan(searcher, council, report_id, ui.STANCE_CHOICES[said])
        except PlanError as e:
            st.warning(str(e))
            return
        st.caption(ui.md(plan.report.get("title") or ""))
        if not plan.items:
            st.info("This report makes no recommendations, so there is nothing to plan.")
            return
        for err in st.session_state.pop("plan_errors", []) or []:
            st.warning(err)
        _summary(plan)
        overdue = [it for it in plan.items if it.overdue]
        if overdue:
            st.warning(f"**{len(overdue)} overdue:** " + "; ".join(
                ui.md(f"{it.number + '. ' if it.number else ''}{it.text[:70]}…") for it in overdue[:5]),
                icon=":material/schedule:")
        st.caption("Edit lead, status, RAG and actions in the table, or type a progress note: every change is saved "
                   "as you make it.")
        _table(plan)
        _downloads(plan)
        st.subheader("Each recommendation")
        for i, it in enumerate(plan.items):
            _item_detail(plan, i, it)
