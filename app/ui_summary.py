"""The written answer on the Ask page (presentation of retrieval/summary.py).

A settings panel in the sidebar (endpoint, model, key, timeout, "show what was removed"), the checked sentences
streamed above the evidence with each [n] linking to its evidence card, a plain statement of where text is sent
whenever the option is on, and the one-line notice when the quoted answer stands instead. Follow-ups send the
previous turn's question and written answer as context.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

import streamlit as st

from app import ui_common as ui
from retrieval.summary import DEFAULT_PARAGRAPHS, DEFAULT_TIMEOUT, Settings, Summary, summarise

_CITE = re.compile(r"\[\s*(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\s*\]")


def _env_settings() -> Settings:
    try:
        return Settings.from_env()
    except ValueError:
        import os

        from retrieval.summary import KEY_ENV, MODEL_ENV, URL_ENV

        return Settings(url=os.environ.get(URL_ENV, ""), model=os.environ.get(MODEL_ENV, ""),
                        api_key=os.environ.get(KEY_ENV, ""))


def settings_panel() -> Settings:
    """The sidebar's 'Written answer' settings (started from INSPECTIONS_LLM_* in the environment)."""
    env = _env_settings()
    for key, value in (("llm_url", env.url), ("llm_model", env.model), ("llm_key", env.api_key),
                       ("llm_timeout", float(env.timeout or DEFAULT_TIMEOUT)), ("llm_show_removed", False)):
        st.session_state.setdefault(key, value)
    with st.sidebar.expander("Written answer (language model)", expanded=False):
        st.text_input("Endpoint (OpenAI-compatible base URL)", key="llm_url",
                      placeholder="http://127.0.0.1:8080/v1",
                      help="Your council's approved model: Azure OpenAI, or a local llama.cpp, vLLM or Ollama "
                           "server. Leave empty to answer with quotations only.")
        st.text_input("Model", key="llm_model", help="The model or deployment name (empty: the endpoint's first).")
        st.text_input("API key", key="llm_key", type="password", help="Sent to the endpoint only; never shown.")
        st.number_input("Timeout (seconds)", min_value=1.0, max_value=600.0, step=5.0, key="llm_timeout")
        st.toggle("Show what was removed", key="llm_show_removed",
                  help="Sentences that failed the check, struck through, with the reason.")
        settings = Settings(url=(st.session_state["llm_url"] or "").strip(),
                            model=(st.session_state["llm_model"] or "").strip(),
                            api_key=(st.session_state["llm_key"] or "").strip(),
                            timeout=float(st.session_state["llm_timeout"] or DEFAULT_TIMEOUT),
                            paragraphs=env.paragraphs or DEFAULT_PARAGRAPHS)
        if not settings.configured:
            st.caption("Off: answers quote the reports only.")
    if settings.configured:  # said plainly, outside the (folded) panel, whenever the option is on
        st.sidebar.caption(where_sent(settings.host))
    st.session_state["llm_settings"] = settings
    return settings


def where_sent(host: str) -> str:
    return (f"Your question and the quoted paragraphs are sent to **{ui.md(host or 'the endpoint')}** to write the "
            "answer.")


def anchor(t: int, n: int) -> None:
    """The target of a written answer's [n] link: placed just above evidence card n of turn t."""
    st.markdown(f'<div id="{_anchor_id(t, n)}"></div>', unsafe_allow_html=True)


def _anchor_id(t: int, n: int) -> str:
    return f"ev-{t}-{n}"


def linked(sentence: str, t: int) -> str:
    """A sentence as Markdown with each [n] a link to evidence card n."""
    out, pos = [], 0
    for m in _CITE.finditer(sentence):
        out.append(ui.md(sentence[pos:m.start()]))
        nums = [int(x) for x in re.split(r"\s*[,;]\s*", m.group(1))]
        out.append("".join(f"[\\[{n}\\]](#{_anchor_id(t, n)})" for n in nums))
        pos = m.end()
    out.append(ui.md(sentence[pos:]))
    return "".join(out)


def _previous(turns: list[dict[str, Any]], t: int) -> tuple[str, str] | None:
    if t <= 0 or t > len(turns):
        return None
    prev = turns[t - 1]
    s: Summary | None = prev.get("summary")
    return (prev["result"].question, s.text if s and s.status == "ok" else "")


OFF = ("Written answers are off: set your council's language model under 'Written answer' in the sidebar. The "
       "answer below quotes the reports.")


def show(turn: dict[str, Any], t: int) -> None:
    """The turn's written answer (with the sidebar's settings): streamed and checked the first time the turn is
    shown, then kept with the turn so reruns and later settings never re-send it."""
    summary: Summary | None = turn.get("summary")
    settings: Settings = st.session_state.get("llm_settings") or _env_settings()
    if summary is None:
        res = turn["result"]
        if not settings.configured:
            turn["summary"] = Summary(status="off")
            st.caption(OFF)
            return
        st.caption(where_sent(settings.host))
        stream = summarise(res.question, res.evidence, _previous(st.session_state.get("ask_turns") or [], t),
                           settings)

        def sentences() -> Iterator[str]:
            for i, s in enumerate(stream.kept()):
                yield ("" if i == 0 else " ") + linked(s, t)

        st.write_stream(sentences())
        summary = stream.result()
        turn["summary"] = summary
    else:
        if summary.status == "off":
            st.caption(OFF)
            return
        st.caption(where_sent(summary.host))
        if summary.kept:
            st.markdown(" ".join(linked(v.sentence, t) for v in summary.kept))
    if summary.notice:
        st.caption(ui.md(summary.notice))
    if st.session_state.get("llm_show_removed") and summary.removed:
        st.markdown("\n".join(f"- ~~{ui.md(v.sentence)}~~ — *removed: {ui.md(v.why())}*" for v in summary.removed))
