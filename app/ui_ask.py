"""Ask: a chat over the reports. Each answer quotes the sentences that answer the question with [n] markers, then
the paragraphs they come from as evidence cards, the recommendations on the question and the judgements."""
from __future__ import annotations

import dataclasses
from typing import Any

import streamlit as st

from app import ui_common as ui
from app import ui_summary  # the checked written answer (language model), when configured

EXAMPLES = [
    "What did inspectors say about care leaver accommodation?",
    "How effective is the front door (MASH) in North Tyneside?",
    "What did Ofsted recommend about return home interviews?",
]
KIND_CHOICES = {"Any report": None, "Ofsted inspections": "ofsted_inspection", "Ofsted monitoring visits":
                "ofsted_visit", "Council reports": "council_report"}


def _year_bounds(searcher) -> tuple[int, int]:
    years = [int(r["published"][:4]) for r in searcher.reports.values() if (r.get("published") or "")[:4].isdigit()]
    return (min(years), max(years)) if years else (2009, 2025)


def _councils_edited() -> None:
    st.session_state["ask_councils_edited"] = True


def _use_example(question: str) -> None:
    st.session_state["ask_example"] = question


def _widen(t: int) -> None:
    st.session_state["ask_widen"] = t


def scope_line(res, t: int) -> None:
    """Which councils an answer is limited to, and why; one click asks the same question of every council."""
    from retrieval.query import find_councils

    councils = list(res.query.councils or [])
    if not councils:
        return
    named = find_councils(res.question)
    if named:
        st.caption("Councils: " + ", ".join(councils))
        return
    why = "kept from the previous question" if getattr(res.query, "kept_councils", False) else "chosen in the sidebar"
    cols = st.columns([4, 1])
    cols[0].info(f"This answer is limited to {', '.join(councils)} ({why}).")
    cols[1].button("Search all councils", key=f"ask_widen_{t}", on_click=_widen, args=(t,),
                   help="Ask the same question again of every indexed council")


# ---- conversations kept in the index folder's user store (retrieval/userstore.py) -----------------------------
def _user_store():
    from retrieval.userstore import UserStoreError, open_store

    try:
        return open_store(ui.index_dir())
    except UserStoreError as e:
        st.sidebar.caption(f"Conversations are not kept: {e}")
        return None


def _saved(res) -> dict[str, Any]:
    """An answer as kept: the ask JSON plus what the page needs to show it again (quoted sentences, the query)."""
    return {**res.to_json(), "sentences": [list(x) for x in res.answer.sentences],
            "query": dataclasses.asdict(res.query), "timing_ms": res.timing_ms}


def _restored(saved: dict[str, Any]):
    """An answer as the page shows it, from what was kept."""
    from ingest.models import Evidence
    from retrieval.answer import Answer
    from retrieval.query import Query
    from retrieval.search import AskResult

    fields = {f.name for f in dataclasses.fields(Query)}
    query = Query(**{k: v for k, v in (saved.get("query") or {}).items() if k in fields})
    ev_fields = {f.name for f in dataclasses.fields(Evidence)}
    evidence = [Evidence(**{k: v for k, v in e.items() if k in ev_fields}) for e in saved.get("evidence") or []]
    answer = Answer(saved.get("answer") or "", [tuple(x) for x in saved.get("sentences") or []],
                    list(saved.get("councils") or []), bool(saved.get("found")))
    return AskResult(question=saved.get("question") or "", query=query, answer=answer, evidence=evidence,
                     recommendations=saved.get("recommendations") or [], judgements=saved.get("judgements") or [],
                     timing_ms=float(saved.get("timing_ms") or 0), message=saved.get("message") or "",
                     notices=list(saved.get("notices") or []))


def keep_turn(res) -> None:
    """Save a new answer to the current conversation (created, named after its first question, when needed)."""
    from retrieval.userstore import UserStoreError, save_turn

    store = _user_store()
    if store is None:
        return
    try:
        st.session_state["ask_conversation_id"] = save_turn(
            store, st.session_state.get("ask_conversation_id"), res.question, list(res.query.councils), _saved(res))
    except UserStoreError as e:
        st.warning(f"This answer could not be kept: {e}")


def _reopen() -> None:
    ids = st.session_state.get("ask_reopen_ids") or {}
    st.session_state["ask_reopen"] = ids.get(st.session_state.get("ask_reopen_pick"))


def _rename() -> None:
    from retrieval.userstore import rename_conversation

    store, cid = _user_store(), st.session_state.get("ask_conversation_id")
    name = (st.session_state.get("ask_conversation_name") or "").strip()
    if store is not None and cid and name:
        rename_conversation(store, cid, name)


def conversations_panel(turns: list[dict[str, Any]]) -> None:
    """Sidebar: the current conversation's name and a whole-conversation download; saved ones to reopen."""
    from app.export import answer_docx, answer_markdown, filename
    from retrieval.userstore import list_conversations, load_conversation

    store = _user_store()
    if store is None:
        return
    wanted = st.session_state.pop("ask_reopen", None)
    if wanted:
        conv = load_conversation(store, int(wanted))
        if conv is not None:
            st.session_state["ask_turns"] = [{"result": _restored(t["answer"])} for t in conv["turns"]]
            st.session_state["ask_conversation_id"] = conv["id"]
            st.session_state["ask_conversation_name"] = conv["name"]
            turns[:] = st.session_state["ask_turns"]
    saved = list_conversations(store)
    with st.sidebar:
        st.subheader("Conversations")
        cid = st.session_state.get("ask_conversation_id")
        if cid and turns:
            current = next((c for c in saved if c["id"] == cid), None)
            if current and "ask_conversation_name" not in st.session_state:
                st.session_state["ask_conversation_name"] = current["name"]
            st.text_input("This conversation's name", key="ask_conversation_name", on_change=_rename)
            name = st.session_state.get("ask_conversation_name") or "Conversation"
            results = [t["result"] for t in turns]
            st.download_button("Download the whole conversation (Word)", key="ask_conv_docx",
                               data=lambda: answer_docx(results, title=name),
                               file_name=filename(name, "docx", prefix="conversation"), on_click="ignore",
                               mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            st.download_button("Download the whole conversation (Markdown)", key="ask_conv_md",
                               data=lambda: answer_markdown(results, title=name),
                               file_name=filename(name, "md", prefix="conversation"), on_click="ignore",
                               mime="text/markdown")
        others = [c for c in saved if c["id"] != cid]
        if others:
            labels = {f"{c['name']} · {c['turns']} question{'s' if c['turns'] != 1 else ''} · "
                      f"{c['updated_at'][:10]}": c["id"] for c in others}
            st.session_state["ask_reopen_ids"] = labels
            st.selectbox("Saved conversations", list(labels), key="ask_reopen_pick", index=None,
                         placeholder="Choose one to reopen")
            st.button("Reopen", on_click=_reopen, disabled=not st.session_state.get("ask_reopen_pick"))


def _new_conversation() -> None:
    st.session_state.pop("ask_conversation_id", None)
    st.session_state.pop("ask_conversation_name", None)
    st.session_state["ask_turns"] = []
    st.session_state["ask_councils"] = []
    st.session_state.pop("ask_councils_edited", None)


def sidebar(searcher) -> dict[str, Any]:
    """The active filters, shown and editable: councils in play, years, kind of report."""
    indexed = searcher.councils()
    pending = st.session_state.pop("ask_pending_councils", None)
    if pending is not None:
        st.session_state["ask_councils"] = pending
    chosen = st.session_state.get("ask_councils") or []
    options = indexed + [c for c in chosen if c not in indexed]
    lo, hi = _year_bounds(searcher)
    with st.sidebar:
        st.subheader("Filters")
        st.multiselect("Councils", options, key="ask_councils", on_change=_councils_edited,
                       format_func=lambda c: c if c in indexed else f"{c} (not indexed)",
                       placeholder="All councils",
                       help="A follow-up that refers back ('and what about…', 'there', 'they') keeps these councils; a "
                            "question about councils in general ('which councils…') clears them.")
        held = st.session_state.get("ask_years")
        if not held:
            st.session_state["ask_years"] = (lo, hi)
        elif held[0] < lo or held[1] > hi:  # the library changed under a remembered range
            st.session_state["ask_years"] = (max(lo, min(held[0], hi)), min(hi, max(held[1], lo)))
        if lo < hi:
            years = st.slider("Published between", lo, hi, key="ask_years")
        else:
            years = (lo, hi)
        kind = st.selectbox("Kind of report", list(KIND_CHOICES), key="ask_kind")
        k = st.slider("Paragraphs to quote", 3, 20, 8, key="ask_k")
        st.button("Start a new conversation", on_click=_new_conversation, width="stretch")
    return {"councils": list(st.session_state.get("ask_councils") or []), "years": years, "bounds": (lo, hi),
            "kind": KIND_CHOICES[kind], "k": k}


def run_question(searcher, question: str, filters: dict[str, Any], previous) -> Any:
    """Ask the question with the sidebar's filters and the previous turn's councils (see ui docs above)."""
    from retrieval.query import find_councils, understand
    from retrieval.search import Filters

    indexed = searcher.councils()
    named = find_councils(question, frozenset(indexed))
    edited = st.session_state.pop("ask_councils_edited", False)
    councils = None
    if not named and (edited or previous is None) and filters["councils"]:
        councils = filters["councils"]
    if not named and edited and not filters["councils"] and previous is not None:
        previous = dataclasses.replace(previous, councils=[], neighbours=False)  # the user cleared the councils
    lo, hi = filters["bounds"]
    y0, y1 = filters["years"]
    narrowed = (y0, y1) != (lo, hi) or filters["kind"]
    if not narrowed:
        return searcher.ask(question, councils=councils, k=filters["k"], previous=previous)
    q = understand(question, councils=councils, previous=previous, known_councils=indexed)
    f = Filters.from_query(q)
    if (y0, y1) != (lo, hi):
        f.year_from = max(f.year_from or y0, y0)
        f.year_to = min(f.year_to or y1, y1)
    if filters["kind"]:
        f.kind = filters["kind"]
    return searcher.ask(question, councils=councils, k=filters["k"], previous=previous, filters=f)


def sentences_by_evidence(answer, n_evidence: int) -> dict[int, list[str]]:
    """The answer's sentences grouped by the (0-based) index of the evidence they were taken from."""
    out: dict[int, list[str]] = {}
    for item in getattr(answer, "sentences", None) or []:
        try:
            sentence, idx = item[0], int(item[1])
        except (TypeError, ValueError, IndexError):
            continue
        if 1 <= idx <= n_evidence:  # Answer.sentences carry the 1-based [n] of the evidence
            out.setdefault(idx - 1, []).append(sentence)
    return out


def answer_markdown_text(text: str) -> str:
    """The extractive answer as Markdown: council heading lines in bold, sentences as bullets, [n] kept."""
    out = []
    for line in (text or "").splitlines():
        s = line.strip()
        if not s:
            out.append("")
        elif s.startswith("- "):
            out.append("- " + ui.md(s[2:]))
        else:
            out.append(f"**{ui.md(s)}**" if len(s) < 80 else ui.md(s))
    return "\n".join(out)


def show_turn(searcher, turn: dict[str, Any], t: int) -> None:
    from app.export import answer_docx, answer_markdown

    res = turn["result"]
    with st.chat_message("user"):
        st.markdown(ui.md(res.question))
    with st.chat_message("assistant"):
        if res.message:
            st.warning(res.message + " The Library page adds reports.")
        found = getattr(res.answer, "found", bool(res.evidence))
        for notice in getattr(res, "notices", None) or []:
            st.warning(notice)
        scope_line(res, t)
        if not res.evidence and res.message:
            return
        if not res.evidence:
            st.info("Nothing in the indexed reports answers that. Try other words (for example 'care leavers' rather "
                    "than 'CL'), clear the council or year filters in the sidebar, or add reports on the Library "
                    "page.")
            return
        if not found:
            st.info("No sentence answers the question directly; these are the closest paragraphs.")
        ui_summary.show(turn, t)
        st.markdown(answer_markdown_text(res.answer.text))
        st.caption(f"{len(res.evidence)} paragraphs quoted below · found in {res.timing_ms:.0f} ms")
        ui.export_buttons(res.question, lambda: answer_docx(res), lambda: answer_markdown(res), key=f"ask{t}")
        by_ev = sentences_by_evidence(res.answer, len(res.evidence))
        st.markdown("#### Evidence")
        for i, e in enumerate(res.evidence):
            ui_summary.anchor(t, i + 1)
            ui.evidence_card(e, i + 1, by_ev.get(i, []), key=f"{t}_{i}", store=searcher.store)
        if res.recommendations:
            with st.expander(f"Recommendations on this question ({len(res.recommendations)})", expanded=True):
                ui.recommendation_block(res.recommendations, key=f"rec{t}")
                plans = {(r.get("council"), r.get("report_id")): r for r in res.recommendations
                         if r.get("council") and r.get("report_id") and r.get("kind") != "council decision"}
                for (council, rid), r in plans.items():
                    st.page_link("views/plan.py", label=f"Open the action plan: {council}, {ui.when(r.get('published'))}",
                                 icon=":material/assignment_turned_in:", query_params={"council": council, "report": rid})
        if res.judgements:
            with st.expander("Judgements in these reports", expanded=False):
                ui.judgements_table(res.judgements)


def render() -> None:
    searcher = ui.page_searcher("Ask the inspection reports")
    if searcher is None:
        return
    filters = sidebar(searcher)
    ui_summary.settings_panel()
    turns: list[dict[str, Any]] = st.session_state.setdefault("ask_turns", [])
    conversations_panel(turns)
    if not turns:
        n = len(searcher.reports)
        st.markdown(f"Ask a question in plain English about the **{n} indexed reports** "
                    f"({', '.join(searcher.councils())}). Answers quote the reports word for word, with the "
                    "paragraph numbers to cite.")
        st.markdown("For example (click one to ask it):")
        for i, q in enumerate(EXAMPLES):
            st.button(q, key=f"ask_example_{i}", type="tertiary", icon=":material/arrow_forward:",
                      on_click=_use_example, args=(q,))
    for t, turn in enumerate(turns):
        with ui.friendly_errors("showing an answer"):
            show_turn(searcher, turn, t)
    from retrieval.search import MAX_QUESTION_CHARS

    question = st.chat_input("Ask about the reports, e.g. what did inspectors say about care leavers?",
                             key="ask_input", max_chars=MAX_QUESTION_CHARS * 2)
    example = st.session_state.pop("ask_example", None)
    widen = st.session_state.pop("ask_widen", None)
    if widen is not None and widen < len(turns):
        with ui.friendly_errors("answering the question"):
            res = searcher.ask(turns[widen]["result"].question, k=filters["k"])
            turns.append({"result": res})
            keep_turn(res)
            st.session_state["ask_pending_councils"] = list(res.query.councils)
            st.rerun()
    question = question or example
    if question and question.strip():
        previous = turns[-1]["result"].query if turns else None
        with ui.friendly_errors("answering the question"):
            with st.spinner("Searching the reports…"):
                try:
                    res = run_question(searcher, question.strip(), filters, previous)
                except ValueError as e:  # an unknown council given in the filters
                    st.warning(str(e))
                    return
            turns.append({"result": res})
            keep_turn(res)
            st.session_state["ask_pending_councils"] = list(res.query.councils)
            st.rerun()
