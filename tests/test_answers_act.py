"""Answers an officer can act on (issue 18), observation by observation, through the real CLI and the Searcher the
CLI and the app share, on the session index of corpus/ (Cambridgeshire, Central Bedfordshire, Herefordshire and North
Tyneside: reports from 2012 to 2025, three frameworks, outstanding to inadequate)."""
from __future__ import annotations

import re

from conftest import cli_json, run_cli

from retrieval.query import understand

PRAISE = "Which councils were praised for return home interviews?"


def _latest(corpus_reports, council):
    return max((r for r in corpus_reports if r["council"] == council and r["kind"] != "council_report"),
               key=lambda r: r["published"])


# ---- 1. a question across councils does not stay on the previous councils ------------------------------------------
def test_question_about_councils_in_general_clears_the_previous_councils(searcher):
    first = searcher.ask("What did inspectors say about caseloads in North Tyneside?", k=5)
    second = searcher.ask("and what about in Herefordshire?", previous=first.query, k=5)
    assert set(second.query.councils) == {"North Tyneside", "Herefordshire"}
    third = searcher.ask(PRAISE, previous=second.query, k=10)
    assert third.query.councils == [] and not third.query.kept_councils
    assert {e.council for e in third.evidence} - {"North Tyneside", "Herefordshire"}  # other councils answer too
    assert third.to_json()["councils_kept"] is False


def test_follow_up_that_refers_back_keeps_the_councils_and_says_so(searcher):
    first = searcher.ask("care leavers in Cambridgeshire", k=3)
    follow = searcher.ask("What about their personal advisers there?", previous=first.query, k=3)
    assert follow.query.councils == ["Cambridgeshire"] and follow.to_json()["councils_kept"] is True
    fresh = searcher.ask("How are return home interviews carried out?", previous=first.query, k=3)
    assert fresh.query.councils == []  # a new question with its own topic and no pointer back


# ---- 2. praise is told from criticism ----------------------------------------------------------------------------
def test_praise_question_quotes_no_criticism(index_dir):
    res = cli_json("ask", PRAISE, "--index", str(index_dir), "--k", "8")
    assert res["stance"] == "strength" and res["evidence"]
    stances = [e["stance"] for e in res["evidence"]]
    assert "concern" not in stances
    assert stances[0] == "strength"
    assert not any("what needs to improve" in (e["section"] or "").lower() for e in res["evidence"])
    assert not any(e["part"] == "recommendations" for e in res["evidence"])


def test_criticism_question_quotes_no_praise(index_dir):
    res = cli_json("ask", "What were the weaknesses in services for care leavers?", "--index", str(index_dir))
    assert res["stance"] == "concern" and res["evidence"]
    assert "strength" not in [e["stance"] for e in res["evidence"]]
    assert res["evidence"][0]["stance"] == "concern"


# ---- 3. a place that is not a council -----------------------------------------------------------------------------
def test_unknown_place_gets_a_notice_and_no_answer_from_elsewhere(index_dir):
    res = cli_json("ask", "care leavers in Atlantis", "--index", str(index_dir))
    assert any("Atlantis" in n for n in res["notices"])
    assert res["evidence"] == [] and not res["found"]
    plain = run_cli("ask", "care leavers in Atlantis", "--index", str(index_dir)).stdout
    assert "No council called 'Atlantis'" in plain and "Cite:" not in plain
    # an ordinary capitalised word is not taken for a place
    ok = cli_json("ask", "support for Unaccompanied asylum seeking children", "--index", str(index_dir))
    assert ok["notices"] == [] and ok["evidence"]


# ---- 4. current position first, dates on every bullet --------------------------------------------------------------
def test_latest_report_leads_and_earlier_ones_are_marked(index_dir, corpus_reports):
    latest = _latest(corpus_reports, "North Tyneside")
    res = cli_json("ask", "What did inspectors say about caseloads in North Tyneside?", "--index", str(index_dir))
    ev = res["evidence"]
    assert ev[0]["report_id"] == latest["report_id"] and ev[0]["earlier"] is False
    first_earlier = next(i for i, e in enumerate(ev) if e["earlier"])
    assert all(e["report_id"] == latest["report_id"] for e in ev[:first_earlier] if e["kind"] != "council_report")
    # after the first earlier paragraph, a latest-report one is only a weak match (it does not lead: a weak current
    # paragraph placed first would bury the one that answers)
    from retrieval.search import LEAD_FLOOR

    best = max(e["score"] for e in ev)
    assert all(e["earlier"] or e["score"] < LEAD_FLOOR * best for e in ev[first_earlier:] if e["kind"] != "council_report")
    bullets = [line for line in res["answer"].splitlines() if line.startswith("- ")]
    assert bullets and all(re.match(r"- \(\d{1,2} \w+ \d{4}(, earlier report)?\) ", b) for b in bullets)


def test_history_questions_keep_search_order(index_dir):
    res = cli_json("ask", "How have caseloads in North Tyneside changed over time?", "--index", str(index_dir))
    assert res["evidence"]
    q = understand("How have caseloads in North Tyneside changed over time?")
    assert q.history


def test_compare_shows_latest_findings_and_latest_grades(index_dir, corpus_reports):
    p = run_cli("compare", "caseloads", "--council", "North Tyneside", "--council", "Herefordshire", "--k", "3",
                "--index", str(index_dir), check=True)
    out = p.stdout
    assert "Latest grades (2025-01-10, ILACS" in out and "Latest grades (2022-09-16, ILACS" in out
    assert "2014-06-30 Overall" not in out and "2017-06-13 Overall" not in out  # not every grade of every year
    for block in out.split("== ")[1:]:
        quotes = [line for line in block.splitlines() if line.startswith("  - [")]
        assert quotes and "latest report" in quotes[0]
        # whole (a graded heading may end in a word), or cut at a word with an ellipsis
        assert all(q.endswith(" …") or len(q.split("] ", 1)[1]) <= 300 for q in quotes)
    data = cli_json("compare", "caseloads", "--council", "Herefordshire", "--k", "3", "--stance", "concern",
                    "--index", str(index_dir))
    assert all(e["stance"] in ("concern", "mixed") for e in data["councils"][0]["evidence"])


# ---- 5. long and meaningless questions -----------------------------------------------------------------------------
def test_long_question_says_it_was_cut(index_dir):
    long_q = "What did inspectors say about care leavers' accommodation? " + "Some context here. " * 160
    assert len(long_q) > 3000
    res = cli_json("ask", long_q, "--index", str(index_dir))
    assert any("2,000" in n for n in res["notices"])


def test_gibberish_is_one_no_answer_state(index_dir):
    res = cli_json("ask", "xqzv blorf wibble plonk", "--index", str(index_dir))
    assert not res["found"] and res["evidence"] == [] and res["recommendations"] == [] and res["judgements"] == []


# ---- 6. follow-ups carry the topic; grade questions answered from the judgements --------------------------------
def test_follow_up_pointing_back_keeps_the_topic(searcher):
    first = searcher.ask("What did inspectors say about care leaver accommodation in Herefordshire?", k=5)
    for follow_up in ("what were the recommendations about that?", "what did they recommend"):
        res = searcher.ask(follow_up, previous=first.query, k=5)
        assert res.query.councils == ["Herefordshire"]
        assert "accommodation" in res.query.text and res.query.intent == "recommendations"


def test_which_councils_were_judged_outstanding_is_a_cited_list(index_dir, corpus_reports):
    res = cli_json("ask", "Which councils were judged outstanding for care leavers?", "--index", str(index_dir))
    assert res["found"]
    listed = {j["council"] for j in res["judgements"]}
    assert listed == {"North Tyneside"}  # its 2025 report; no superseded table counts
    nt = _latest(corpus_reports, "North Tyneside")
    assert res["judgements"][0]["report_id"] == nt["report_id"]
    assert "North Tyneside: Outstanding" in res["answer"] and "published 10 January 2025" in res["answer"]
    bad = cli_json("ask", "inadequate councils in the West Midlands", "--index", str(index_dir))
    assert [j["council"] for j in bad["judgements"]] == ["Herefordshire"]
    assert "Herefordshire: Inadequate" in bad["answer"]


# ---- 7. CLI output an officer can use --------------------------------------------------------------------------
def test_recommendations_plain_output_is_newest_first_with_timescale_and_citation(index_dir):
    out = run_cli("recommendations", "--council", "North Tyneside", "--index", str(index_dir), check=True).stdout
    dates = re.findall(r"^North Tyneside (\d{4}-\d{2}-\d{2}) ", out, re.M)
    assert dates and dates == sorted(dates, reverse=True)
    assert "Timescale:" in out and "Ofsted, Inspection" in out


def test_paragraphs_takes_a_report_id_prefix(index_dir, corpus_reports):
    rid = _latest(corpus_reports, "Herefordshire")["report_id"]
    full = cli_json("paragraphs", rid, "--index", str(index_dir))
    short = cli_json("paragraphs", rid[:6], "--index", str(index_dir))
    assert short == full
    bad = run_cli("paragraphs", "zzzz", "--index", str(index_dir))
    assert bad.returncode == 1 and "no indexed report" in bad.stderr + bad.stdout


# ---- the app (Streamlit AppTest on the session index) ----------------------------------------------------------
def _app(index_dir, monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    from conftest import ROOT

    monkeypatch.setenv("INSPECTIONS_INDEX", str(index_dir))
    monkeypatch.setenv("INSPECTIONS_USERDATA", str(tmp_path / "userdata.sqlite3"))
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=240)
    at.run()
    return at


def _said(at) -> str:
    return "\n".join(str(x.value) for kind in (at.markdown, at.caption, at.info, at.warning) for x in kind)


def test_app_scope_line_and_widening(index_dir, monkeypatch, tmp_path):
    at = _app(index_dir, monkeypatch, tmp_path)
    at.chat_input[0].set_value("What did inspectors say about caseloads in North Tyneside?").run()
    at.chat_input[0].set_value("What about their personal advisers there?").run()
    assert not at.exception
    assert any("limited to North Tyneside" in i.value and "previous question" in i.value for i in at.info)
    next(b for b in at.button if b.label == "Search all councils").click().run()
    assert not at.exception
    assert at.sidebar.multiselect(key="ask_councils").value == []
    at.chat_input[0].set_value(PRAISE).run()
    assert at.sidebar.multiselect(key="ask_councils").value == []


def test_app_unknown_place_and_gibberish_show_no_cards_and_no_download(index_dir, monkeypatch, tmp_path):
    at = _app(index_dir, monkeypatch, tmp_path)
    at.chat_input[0].set_value("care leavers in Atlantis").run()
    assert any("Atlantis" in w.value for w in at.warning)
    at.chat_input[0].set_value("xqzv blorf wibble plonk").run()
    assert not at.exception
    assert not [c for c in at.code]  # no evidence card (each card shows its citation in a code block)
    assert not [b for b in at.get("download_button") if "draft" in str(b.label)]


def test_app_long_question_is_taken_and_says_it_was_cut(index_dir, monkeypatch, tmp_path):
    at = _app(index_dir, monkeypatch, tmp_path)
    long_q = "What did inspectors say about care leavers' accommodation? " + "Some context here. " * 160
    at.chat_input[0].set_value(long_q).run()
    assert any("2,000" in w.value for w in at.warning)


def test_app_conversation_is_kept_reopened_and_exported_whole(index_dir, monkeypatch, tmp_path):
    at = _app(index_dir, monkeypatch, tmp_path)
    at.chat_input[0].set_value("What did inspectors say about caseloads in North Tyneside?").run()
    at.chat_input[0].set_value("and what about in Herefordshire?").run()
    assert not at.exception
    at.sidebar.text_input(key="ask_conversation_name").set_value("Caseloads, NT and Herefordshire").run()
    labels = [b.label for b in at.get("download_button")]
    assert "Download the whole conversation (Word)" in labels
    # a reload (a new session on the same index and store): the conversation is there to reopen
    again = _app(index_dir, monkeypatch, tmp_path)
    pick = again.sidebar.selectbox(key="ask_reopen_pick")
    assert any("Caseloads, NT and Herefordshire" in str(o) for o in pick.options)
    pick.select_index(0).run()
    next(b for b in again.sidebar.button if b.label == "Reopen").click().run()
    assert not again.exception
    said = _said(again)
    assert "and what about in Herefordshire?" in said and "(10 January 2025)" in said


def test_conversation_export_holds_every_question(searcher, tmp_path):
    from docx import Document

    from app.export import answer_docx

    first = searcher.ask("What did inspectors say about caseloads in North Tyneside?", k=3)
    second = searcher.ask("and what about in Herefordshire?", previous=first.query, k=3)
    path = tmp_path / "conversation.docx"
    path.write_bytes(answer_docx([first, second], title="Caseloads"))
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert first.question in text and second.question in text


def test_userstore_keeps_conversations(tmp_path):
    from retrieval.userstore import UserStore, list_conversations, load_conversation, rename_conversation, save_turn

    store = UserStore(tmp_path / "u.sqlite3")
    cid = save_turn(store, None, "care leavers in Kent?", ["Kent"], {"answer": "a", "found": True})
    save_turn(store, cid, "and there?", ["Kent"], {"answer": "b", "found": True})
    rename_conversation(store, cid, "Kent care leavers")
    again = UserStore(tmp_path / "u.sqlite3")  # a restart
    assert [(c["name"], c["turns"]) for c in list_conversations(again)] == [("Kent care leavers", 2)]
    conv = load_conversation(again, cid)
    assert [t["question"] for t in conv["turns"]] == ["care leavers in Kent?", "and there?"]


def test_a_weak_paragraph_of_the_latest_report_does_not_bury_the_answer():
    """York's 2017 report answers a question on out-of-hours cover; its 2022 report only mentions care leavers'
    education, a weak match: that paragraph stays in view (the current position) but does not go first."""
    from ingest.models import Evidence
    from retrieval.search import Searcher

    def ev(score: float, earlier: bool, text: str) -> Evidence:
        return Evidence(report_id="r2017" if earlier else "r2022", council="York", title="t", kind="ofsted_inspection",
                        published="2017-02-07" if earlier else "2022-05-04", paragraph="1", part="main", section="",
                        page=1, text=text, score=score, citation="c", earlier=earlier)

    ranked = [ev(0.108, True, "out-of-hours answer"), ev(0.091, True, "b"), ev(0.080, True, "c"),
              ev(0.066, False, "weak current"), ev(0.060, True, "d")]
    out = Searcher._current_first(ranked, k=5)
    assert out[0].text == "out-of-hours answer"
    assert any(e.text == "weak current" for e in out[:5])
    strong = [ev(0.100, False, "strong current")] + ranked
    assert Searcher._current_first(strong, k=6)[0].text == "strong current"
