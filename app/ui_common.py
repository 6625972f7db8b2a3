"""What every page of the app shares: the cached index and model, messages, evidence cards, grade colours, the
source viewer and the "download for a draft" buttons. Pages stay thin: all the work is in retrieval/.
"""
from __future__ import annotations

import html
import mimetypes
import logging
import os
import re
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import streamlit as st

from retrieval import config

log = logging.getLogger("inspections.app")

KIND_LABELS = {"ofsted_inspection": "Ofsted inspection", "ofsted_visit": "Ofsted monitoring or focused visit",
               "ofsted_jtai": "Joint targeted area inspection", "council_report": "Council report"}
FRAMEWORK_LABELS = {"slac_2009_2012": "Safeguarding and looked after children (2009-12)",
                    "sif_2013_2017": "Single inspection framework (2013-17)",
                    "ilacs_2018": "ILACS (2018 on)"}

# GOV.UK palette: every pairing passes WCAG AA for normal text, and the grade is always written out too.
GRADE_STYLES = {4: ("#1d70b8", "#ffffff"), 3: ("#00703c", "#ffffff"), 2: ("#ffdd00", "#0b0c0c"),
                1: ("#d4351c", "#ffffff")}

CSS = """
<style>
mark.hl { background: #fff2a8; color: inherit; padding: 0 1px; border-bottom: 2px solid #b58800; }
mark.hl span.s-strength { border-bottom: 2px solid #1b5e20; } mark.hl span.s-concern { border-bottom: 2px solid #8a1c1c; }
div.para { line-height: 1.55; }
div.para.dim { color: #505a5f; }
span.grade { padding: 1px 6px; border-radius: 3px; font-weight: 600; }
</style>
"""


# ---- the index ---------------------------------------------------------------------------------------------------
def index_dir() -> str:
    return os.path.abspath(config.index_dir())


# ---- the user's own council: one sidebar setting on every page, kept in the user store --------------------------
MY_COUNCIL_KEY = "my_council"


def saved_my_council() -> str | None:
    """The user's own council as saved in the user store (None when never set or unreadable)."""
    from retrieval import userstore

    try:
        return userstore.preference(userstore.open_store(index_dir()), userstore.MY_COUNCIL)
    except userstore.UserStoreError:
        return None


def my_council() -> str | None:
    """The user's own council: the sidebar's "My council" in this session, else as saved. Compare, Outcomes and the
    action plan start from it; Ask only offers it (a question is never limited to it unasked)."""
    if MY_COUNCIL_KEY in st.session_state:
        return st.session_state[MY_COUNCIL_KEY] or None
    return saved_my_council()


def follows_my_council(page_key: str, first_run: bool = True) -> bool:
    """True on a page's first run in the session (unless first_run is False: a page a link may open with another
    council) and whenever "My council" has changed since the page last looked, so a page starts from the user's
    council once, then lets the user choose, until they change their council."""
    mine = my_council()
    seen = f"_my_council_seen_{page_key}"
    changed = first_run if seen not in st.session_state else st.session_state[seen] != mine
    st.session_state[seen] = mine
    return changed


def _save_my_council() -> None:
    from retrieval import userstore

    mine = st.session_state.get(MY_COUNCIL_KEY) or None
    try:
        userstore.set_preference(userstore.open_store(index_dir()), userstore.MY_COUNCIL, mine)
    except userstore.UserStoreError as e:
        st.session_state["my_council_error"] = f"Your council could not be saved for next time: {e}"


def my_council_sidebar() -> None:
    """The "My council" choice at the top of the sidebar of every page (app/main.py calls it once per run): saved
    in the index folder's user store as it changes, so it is there after a reload or a restart."""
    from ingest import gazetteer

    if MY_COUNCIL_KEY not in st.session_state:  # a new session: the council saved last time
        st.session_state[MY_COUNCIL_KEY] = saved_my_council() or ""
    names = sorted({c.name for c in gazetteer.councils()})
    current = st.session_state[MY_COUNCIL_KEY]
    if current and current not in names:  # saved under a name the gazetteer no longer lists: still shown
        names.append(current)
    with st.sidebar:
        st.selectbox("My council", ["", *names], key=MY_COUNCIL_KEY, on_change=_save_my_council,
                     format_func=lambda c: c or "(not set)",
                     help="Your own council. Compare opens with it and its nearest statistical neighbours, Outcomes "
                          "with its neighbours and the Action plan with its plan; Ask is never limited to it unless "
                          "you choose it there. Kept for next time (in the index folder's user store).")
        err = st.session_state.pop("my_council_error", None)
        if err:
            st.caption(err)


def _server_key() -> str:
    return f"{os.environ.get('CHROMA_HOST', '')}:{os.environ.get('CHROMA_PORT', '')}"


@st.cache_resource(show_spinner=False)
def _load_searcher(path: str, server: str):
    """One Store + Searcher (and its embedding model) per index for the life of the server, shared by sessions."""
    from retrieval.search import Searcher
    from retrieval.store import Store

    searcher = Searcher(Store(path, create=False))
    searcher.refresh()
    if searcher.reports:
        searcher.embedder  # noqa: B018 - load the model now, under the spinner, not on the first question
    return searcher


def searcher():
    """The cached Searcher, or None (with a message shown) when there is no index yet."""
    from retrieval.store import StoreError

    try:
        with st.spinner("Opening the index and loading the language model (a few seconds the first time)…"):
            s = _load_searcher(index_dir(), _server_key())
            s.refresh()
            return s
    except StoreError as e:
        st.session_state["index_error"] = str(e)
        return None
    except Exception as e:  # a Chroma server that went away: forget the connection, so the next visit reconnects
        reset_searcher()
        st.session_state["index_error"] = (f"The index cannot be reached just now ({type(e).__name__}). "
                                           "Reload the page to try again.")
        return None


def page_searcher(title: str):
    """What every page starts with: the style, its title and a searcher over a non-empty index (else a message)."""
    css()
    st.title(title)
    s = searcher()
    if s is None:
        no_index_message()
        return None
    if not s.reports:
        empty_index_message()
        return None
    return s


def reset_searcher() -> None:
    _load_searcher.clear()


def no_index_message(what_next: str = "") -> None:
    err = st.session_state.get("index_error") or f"No index at {index_dir()}."
    st.info(f"**There are no reports to search yet.** {err}\n\n"
            "Add inspection reports (PDF or text) on the **Library** page, or index a folder from a terminal:\n\n"
            f"`inspections ingest corpus --index {index_dir()}`" + (f"\n\n{what_next}" if what_next else ""))


def empty_index_message() -> None:
    st.info("**The index has no reports yet.** Add Ofsted inspection reports (PDF) or council reports (text) on "
            "the **Library** page, then come back here.")


@contextmanager
def friendly_errors(what: str) -> Iterator[None]:
    """Anything unexpected becomes one plain sentence for the user; the details go to the server log."""
    try:
        yield
    except Exception as e:  # the page must never show a stack trace
        if type(e).__name__ in ("RerunException", "StopException"):
            raise
        log.error("error while %s:\n%s", what, traceback.format_exc())
        st.error(f"Something went wrong while {what} ({type(e).__name__}). Try again; if it keeps happening, "
                 "the server log has the details.")


# ---- text --------------------------------------------------------------------------------------------------------
def md(text: str | None) -> str:
    """Text safe to put inside st.markdown: markdown and LaTeX characters escaped."""
    return re.sub(r"([\\`*_{}\[\]<>#+|$~])", r"\\\1", str(text or ""))


def when(published: str | None) -> str:
    from app.export import when as _when

    return _when(published)


def _norm_ws(s: str) -> str:
    return re.sub(r"\s+", " ", s or "").strip()


def _stanced(sentence: str) -> str:
    """A highlighted sentence, its stance (retrieval/stance.py) as a tooltip and an underline colour."""
    from retrieval.stance import sentence_stance

    stance = sentence_stance(sentence)
    if stance not in ("strength", "concern", "mixed"):
        return html.escape(sentence)
    return f'<span class="s-{stance}" title="What inspectors say here: {stance}">{html.escape(sentence)}</span>'


def highlight_html(text: str, sentences: list[str], css_class: str = "para") -> str:
    """The paragraph as HTML with the answer's sentences marked (matched verbatim, whitespace aside)."""
    body = _norm_ws(text)
    spans: list[tuple[int, int]] = []
    for s in sentences:
        s = _norm_ws(s)
        if not s:
            continue
        i = body.find(s)
        if i < 0:
            i = body.lower().find(s.lower())
        if i >= 0:
            spans.append((i, i + len(s)))
    spans.sort()
    out, pos = [], 0
    for a, b in spans:
        a = max(a, pos)
        if a >= b:
            continue
        out.append(html.escape(body[pos:a]))
        out.append(f'<mark class="hl">{_stanced(body[a:b])}</mark>')
        pos = b
    out.append(html.escape(body[pos:]))
    return f'<div class="{css_class}">{"".join(out)}</div>'


def grade_badge(grade: str | None) -> str:
    from ingest.judgements import grade_level

    lvl = grade_level(grade)
    if not lvl:
        return html.escape(grade or "")
    bg, fg = GRADE_STYLES[lvl]
    return f'<span class="grade" style="background:{bg};color:{fg}">{html.escape(grade or "")}</span>'


def grade_cell_style(value: Any) -> str:
    """pandas Styler: colour a cell by the grade it names (empty cells stay plain)."""
    from ingest.judgements import grade_level

    lvl = grade_level(str(value)) if isinstance(value, str) else None
    if not lvl:
        return ""
    bg, fg = GRADE_STYLES[lvl]
    return f"background-color: {bg}; color: {fg}; font-weight: 600"


def css() -> None:
    st.markdown(CSS, unsafe_allow_html=True)


# ---- evidence cards ----------------------------------------------------------------------------------------------
def _ev(e: Any) -> dict[str, Any]:
    return e.to_json() if hasattr(e, "to_json") else dict(e)


STANCE_STYLES = {"strength": ("#e3f4e8", "#1b5e20", "Strength"), "concern": ("#fdecea", "#8a1c1c", "Concern"),
                 "mixed": ("#fff4e0", "#7a4b00", "Mixed")}
# The "What inspectors say" filter of Compare, Themes and the action plan's evidence (retrieval/stance.keep_stance).
STANCE_CHOICES = {"Everything": None, "Strengths": "strength", "Concerns": "concern", "Both (mixed)": "mixed"}
STANCE_HELP = ("Only paragraphs that praise (strengths) or criticise (concerns), those that do both after them; or "
               "only those that do both")


def stance_badge(stance: str | None) -> str:
    """A small label saying whether inspectors praise or criticise in this paragraph (retrieval/stance.py)."""
    if stance not in STANCE_STYLES:
        return ""
    bg, fg, text = STANCE_STYLES[stance]
    return (f'<span class="stance stance-{stance}" title="What inspectors say here: {text.lower()}" '
            f'style="background:{bg};color:{fg};border-radius:0.6em;padding:0.05em 0.5em;font-size:0.8em;'
            f'font-weight:600">{text}</span>')


def evidence_card(e: Any, n: int | None, sentences: list[str], key: str, store=None) -> None:
    """One quoted paragraph: who, which report, where, the text (answer sentences marked), its citation, and a
    view of the page it is printed on."""
    d = _ev(e)
    with st.container(border=True):
        label = f"[{n}] " if n is not None else ""
        st.markdown(f"**{md(label)}{md(d.get('council'))}** — {md(d.get('title'))} {stance_badge(d.get('stance'))}",
                    unsafe_allow_html=True)
        where = [f"Published {when(d.get('published'))}"]
        if d.get("earlier"):  # not the council's latest report: its current position may differ
            where.insert(1, f"{(d.get('published') or '')[:4]} report — earlier inspection")
        if d.get("section"):
            where.append(d["section"])
        from app.source import is_pdf

        if is_pdf(d.get("source")):  # text files have no printed pages
            where.append(f"page {d.get('page')}")
        where.append(f"paragraph {d['paragraph']}" if d.get("paragraph") else "unnumbered paragraph")
        if d.get("grade"):
            where.append(f"section graded {d['grade']}")
        st.caption(md(" · ".join(where)))
        st.markdown(highlight_html(d.get("text") or "", sentences), unsafe_allow_html=True)
        st.caption("Citation (use the copy button):")
        st.code(d.get("citation") or "", language=None, wrap_lines=True)
        if st.toggle("View in report", key=f"view_{key}", help="Show the printed page with this paragraph marked"):
            source_view(d, key, store)


@st.cache_data(show_spinner=False, max_entries=64)
def _render_page(source: str, mtime: float, page: int, text: str, number: str | None,
                 top: float | None, bottom: float | None):
    from app.source import render_paragraph

    return render_paragraph(source, page, text, number, top=top, bottom=bottom)


def source_view(d: dict[str, Any], key: str, store=None) -> None:
    """The printed page with the paragraph shaded (PDF), or the paragraph among its neighbours (text files),
    and a download of the original file."""
    from app.source import is_pdf, original_file, text_context

    source = d.get("source") or ""
    if not source and store is not None:
        rep = store.report(d.get("report_id") or "")
        source = (rep or {}).get("source") or ""
    if is_pdf(source):
        try:
            mtime = Path(source).stat().st_mtime
        except OSError:
            mtime = 0.0
        view = _render_page(source, mtime, int(d.get("page") or 1), d.get("text") or "", d.get("paragraph"),
                            d.get("top"), d.get("bottom"))
        if view.message:
            st.warning(view.message)
        for img in view.pages:
            what = "paragraph marked" if img.band else "page shown for context"
            st.image(img.png, caption=f"Page {img.page} of {Path(source).name} ({what})", width=760,
                     alt=f"Page {img.page} of the report with paragraph {d.get('paragraph') or ''} marked")
    elif store is not None and d.get("report_id"):
        rows, at = text_context(store.paragraphs_of(d["report_id"]), number=d.get("paragraph"), text=d.get("text"))
        if at < 0:
            st.warning("The paragraph could not be found in the stored report.")
        else:
            st.caption("This report is a text file (no printed pages): the paragraph with those around it.")
            for i, p in enumerate(rows):
                num = f"{p.get('number')}. " if p.get("number") else ""
                body = html.escape(num + _norm_ws(p.get("text") or ""))
                if i == at:
                    st.markdown(f'<div class="para"><mark class="hl">{body}</mark></div>', unsafe_allow_html=True)
                else:
                    st.markdown(f'<div class="para dim">{body}</div>', unsafe_allow_html=True)
    data = original_file(source)
    if data is not None:
        name = download_name(d, source)
        st.download_button("Download the original file", data=data, file_name=name, key=f"orig_{key}",
                           mime=mimetypes.guess_type(source)[0] or "text/plain", on_click="ignore")
    else:
        st.caption("The original file is not available on this server.")


def download_name(d: dict[str, Any], source: str) -> str:
    """A name a person recognises in their downloads folder: "Ofsted - Croydon - 2024-12-03.pdf"."""
    who = "Council report" if d.get("kind") == "council_report" else "Ofsted"
    parts = [who, d.get("council") or "", d.get("published") or ""]
    stem = " - ".join(re.sub(r"[\\/:*?\"<>|]+", " ", p).strip() for p in parts if p)
    return (stem or Path(source).stem) + (Path(source).suffix.lower() or ".pdf")


def recommendation_block(recs: list[dict[str, Any]], key: str, heading: str | None = None) -> None:
    if heading:
        st.markdown(f"**{md(heading)}**")
    for i, r in enumerate(recs):
        with st.container(border=True):
            st.markdown(md(r.get("text")))
            bits = [f"**Timescale:** {md(r.get('timescale') or 'not stated')}",
                    f"**Owner:** {md(r.get('owner') or 'not stated')}"]
            if r.get("council"):
                bits.insert(0, f"**{md(r['council'])}**, {md(when(r.get('published')))}")
            st.markdown(" · ".join(bits))
            if r.get("citation"):
                st.code(r["citation"], language=None, wrap_lines=True)


def judgements_table(judgements: list[dict[str, Any]], with_council: bool = True) -> None:
    import pandas as pd

    rows = [{**({"Council": j.get("council")} if with_council else {}), "Published": j.get("published") or "",
             "Judgement area": j.get("area"), "Grade": j.get("grade")} for j in judgements]
    df = pd.DataFrame(rows)
    st.dataframe(df.style.map(grade_cell_style, subset=["Grade"]), hide_index=True, width="stretch")


def export_buttons(label_text: str, make_docx: Callable[[], bytes], make_md: Callable[[], str], key: str) -> None:
    from app.export import DOCX_MIME, MD_MIME, filename

    with st.container(horizontal=True):
        st.download_button("Download for a draft (Word)", data=make_docx, file_name=filename(label_text, "docx"),
                           mime=DOCX_MIME, key=f"docx_{key}", on_click="ignore", icon=":material/description:",
                           help="Question, answer, quoted paragraphs with full citations and recommendations")
        st.download_button("Download as Markdown", data=make_md, file_name=filename(label_text, "md"),
                           mime=MD_MIME, key=f"md_{key}", on_click="ignore", icon=":material/download:")
