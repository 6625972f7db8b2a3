"""Action plans (retrieval/plan.py, app/plan_export.py, `inspections plan`) on the session index of corpus/: items
in the report's order with due dates, evidence and citations; strict "raised before" links; the Word, Excel, CSV
and Markdown files open and hold every item; tracking survives a re-ingest, the file replaced by another copy of the
same report, and a new process; the Action plan page in AppTest."""
from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date, datetime

import pytest
from conftest import CORPUS, ROOT, cli_json, run_cli

from retrieval.timescale import due_date

SEED_2012 = "c708ac5a"  # Central Bedfordshire, published 10 April 2012: "Immediately", "Within three/six months"


# ---- due dates: every timescale form the corpus prints, and the forms ingest writes ---------------------------------
@pytest.mark.parametrize("timescale, published, due", [
    ("Immediately", "2012-04-10", date(2012, 4, 10)),
    ("Priority and immediate action", "2014-06-30", date(2014, 6, 30)),
    ("Within three months", "2012-04-10", date(2012, 7, 10)),
    ("Within six months", "2012-04-10", date(2012, 10, 10)),
    ("Within 3 months", "2010-01-26", date(2010, 4, 26)),
    ("Within one month", "2013-01-31", date(2013, 2, 28)),  # calendar months: 31 January + 1 month = 28 February
    ("Within one month", "2016-01-31", date(2016, 2, 29)),
    ("Within twelve months", "2012-04-10", date(2013, 4, 10)),
    ("Within a year", "2012-02-29", date(2013, 2, 28)),
    ("Within one year", "2012-04-10", date(2013, 4, 10)),
    ("Within two weeks", "2012-04-10", date(2012, 4, 24)),
    ("Within nine months", "2012-04-10", date(2013, 1, 10)),
    ("within three months:", "2012-04-10", date(2012, 7, 10)),
    (None, "2012-04-10", None),
    ("", "2012-04-10", None),
    ("Areas for improvement", "2012-04-10", None),
    ("Within three months", None, None),
    ("Within three months", "not a date", None),
])
def test_due_date_from_every_timescale_form(timescale, published, due):
    assert due_date(timescale, published) == due


def test_every_timescale_in_the_index_has_a_due_date(index_dir):
    rows = cli_json("recommendations", "--index", str(index_dir))
    forms = {r["timescale"] for r in rows if r.get("timescale")}
    assert {"Immediately", "Within three months", "Within six months"} <= forms
    for f in forms:
        assert due_date(f, "2020-01-01") is not None, f


# ---- the plan from the CLI -----------------------------------------------------------------------------------------
@pytest.fixture
def user_env(tmp_path):
    return {"INSPECTIONS_USERDATA": str(tmp_path / "user.sqlite3")}


def test_plan_json_shape_order_due_dates_and_citations(index_dir, user_env):
    plan = cli_json("plan", "--council", "Central Bedfordshire", "--report", SEED_2012, "--index", str(index_dir),
                    env=user_env)
    assert plan["council"] == "Central Bedfordshire"
    assert plan["report"]["published"] == "2012-04-10"
    recs = cli_json("recommendations", "--report", SEED_2012, "--index", str(index_dir))
    recs = [r for r in recs if r.get("kind") != "council decision"]
    items = plan["items"]
    assert [it["text"] for it in items] == [r["text"] for r in recs]  # every recommendation, in the report's order
    keys = {"text", "number", "group", "timescale", "due", "owner", "citation", "paragraph", "page", "evidence",
            "raised_before", "lead", "status", "rag", "notes"}
    for it in items:
        assert keys <= set(it), keys - set(it)
        assert it["citation"].startswith("Ofsted, ") and "10 April 2012" in it["citation"]
        want = {"Immediately": "2012-04-10", "Within three months": "2012-07-10",
                "Within six months": "2012-10-10"}.get(it["timescale"])
        assert it["due"] == want, it
        assert it["status"] == "not started" and it["lead"] is None and it["notes"] == []
    assert {it["timescale"] for it in items} >= {"Immediately", "Within three months", "Within six months"}
    assert any(it["owner"] for it in items)  # other agencies named as having to act


def test_default_report_is_the_latest_full_inspection_with_evidence_from_its_body(index_dir, corpus_reports,
                                                                                 user_env):
    plan = cli_json("plan", "--council", "herefordshire", "--index", str(index_dir), env=user_env)
    mine = [r for r in corpus_reports if r["council"] == "Herefordshire" and r["kind"] == "ofsted_inspection"]
    assert plan["report"]["report_id"] == max(mine, key=lambda r: r["published"])["report_id"]
    assert plan["items"]
    texts = {it["text"] for it in plan["items"]}
    numbered = 0
    for it in plan["items"]:
        assert 1 <= len(it["evidence"]) <= 3
        for e in it["evidence"]:
            assert e["report_id"] == plan["report"]["report_id"]  # the same report's findings
            assert e["text"] not in texts  # not the recommendation list itself
            assert "what needs to improve" not in (e["section"] or "").lower()
            assert e["citation"] and e["text"]
            numbered += bool(e["paragraph"])
    assert numbered >= len(plan["items"])  # officers quote numbered paragraphs


def test_raised_before_names_earlier_reports_only(index_dir, user_env):
    plan = cli_json("plan", "--council", "Herefordshire", "--index", str(index_dir), env=user_env)
    linked = [it for it in plan["items"] if it["raised_before"]]
    assert linked, "Herefordshire 2022 repeats points made in 2018 (management oversight)"
    for it in linked:
        for rb in it["raised_before"]:
            assert rb["published"] < plan["report"]["published"]
            assert rb["report_id"] != plan["report"]["report_id"]
            assert {"report_id", "published", "text", "number", "citation"} <= set(rb)
            assert "Herefordshire" in rb["citation"]
    oversight = [it for it in plan["items"] if it["text"].startswith("Management oversight")]
    assert oversight and any("management oversight" in rb["text"].lower() for rb in oversight[0]["raised_before"])


@pytest.mark.parametrize("a, b, same", [
    ("The quality and frequency of supervision.",
     "Ensure that supervision of social workers is regular and reflective.", True),
    ("The response to children aged 16 and 17 who are homeless.",
     "Ensure that practice in relation to homeless 16 and 17 year olds is compliant with statutory guidance.", True),
    # a shared word is not enough
    ("The quality of assessments to ensure that they consistently inform care planning.",
     "Ensure that assessments consider the impact of a child's family culture and ethnicity.", False),
    ("The quality of assessments to ensure that they consistently inform care planning.",
     "Ensure that plans are updated when children's needs change.", False),
    ("The timely access to emotional and mental health support for children and young people.",
     "Ensure that care leavers get timely support for their mental health and accommodation needs.", False),
    ("The analysis of return home interviews.", "Improve the quality of chronologies.", False),
])
def test_raised_before_is_strict(a, b, same):
    from retrieval.embed import get_embedder
    from retrieval.plan import _unit, same_point

    v = _unit(get_embedder().embed([a, b]))
    assert same_point(a, b, float(v[0] @ v[1])) is same


def test_unknown_council_and_report_are_clear_errors(index_dir, user_env):
    p = run_cli("plan", "--council", "Atlantis", "--index", str(index_dir), env=user_env)
    assert p.returncode == 1 and "Unknown council" in p.stderr + p.stdout
    p = run_cli("plan", "--council", "Herefordshire", "--report", "zzzz", "--index", str(index_dir), env=user_env)
    assert p.returncode == 1 and "no indexed report" in p.stderr + p.stdout


# ---- the files -----------------------------------------------------------------------------------------------------
def _tracked_plan(index_dir, user_env):
    """The 2012 plan with some tracking saved, through the same functions the app calls."""
    import os

    from retrieval import userstore
    from retrieval.plan import action_plan
    from retrieval.search import Searcher
    from retrieval.store import Store

    store = userstore.UserStore(user_env["INSPECTIONS_USERDATA"])
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    plan = action_plan(Searcher(Store(str(index_dir))), "Central Bedfordshire", SEED_2012, store=store)
    first, second = plan.items[0], plan.items[1]
    userstore.save_tracking(store, first.key, lead="Head of Safeguarding", status="in progress", rag="red",
                            actions="Audit every open case")
    userstore.add_note(store, first.key, "Audit of 50 cases completed", "2012-05-01")
    userstore.save_tracking(store, second.key, status="done", rag="green")
    return action_plan(Searcher(Store(str(index_dir))), "Central Bedfordshire", SEED_2012, store=store)


def test_word_and_excel_hold_every_item_and_citation(index_dir, user_env, tmp_path):
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from openpyxl import load_workbook

    from app.plan_export import plan_docx, plan_xlsx

    plan = _tracked_plan(index_dir, user_env)
    data = plan.to_json()
    doc = Document(io.BytesIO(plan_docx(data, today=date(2013, 1, 1))))
    assert doc.sections[0].orientation == WD_ORIENT.LANDSCAPE
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["No.", "Recommendation", "Actions", "Lead", "Due", "RAG",
                                                     "Progress"]
    assert len(table.rows) == len(plan.items) + 1
    for row, it in zip(table.rows[1:], plan.items):
        assert it.text in row.cells[1].text and it.citation in row.cells[1].text  # the citation under it
    first = table.rows[1].cells
    assert first[3].text == "Head of Safeguarding" and first[5].text == "Red"
    assert "Audit of 50 cases completed" in first[6].text and "Audit every open case" in first[2].text
    overdue = [r for r, it in zip(table.rows[1:], plan.items) if it.due and it.tracking.status != "done"]
    assert overdue and all("OVERDUE" in r.cells[4].text for r in overdue)

    wb = load_workbook(io.BytesIO(plan_xlsx(data, today=date(2013, 1, 1))))
    ws = wb.active
    header = [c.value for c in ws[4]]
    col = {h: i for i, h in enumerate(header)}
    body = list(ws.iter_rows(min_row=5))
    assert len(body) == len(plan.items)
    for row, it in zip(body, plan.items):
        assert row[col["Recommendation"]].value == it.text
        assert row[col["Citation"]].value == it.citation
        due = row[col["Due"]].value
        if it.due:
            assert isinstance(due, datetime) and due.date() == it.due  # a real date, not text
        else:
            assert due is None
    red = body[0][col["RAG"]]
    assert red.value == "Red" and red.fill.fgColor.rgb.endswith("D4351C")
    green = body[1][col["RAG"]]
    assert green.value == "Green" and green.fill.fgColor.rgb.endswith("00703C")
    late = [row for row in body if row[col["Overdue"]].value == "yes"]
    assert late and all(row[col["Due"]].fill.fgColor.rgb.endswith("F6D7D2") for row in late)
    assert body[1][col["Overdue"]].value in (None, "")  # done is never overdue


def test_cli_writes_each_format(index_dir, user_env, tmp_path):
    from docx import Document
    from openpyxl import load_workbook

    plan = cli_json("plan", "--council", "Central Bedfordshire", "--report", SEED_2012, "--index", str(index_dir),
                    env=user_env)
    n = len(plan["items"])
    for fmt in ("docx", "xlsx", "csv", "md"):
        out = tmp_path / f"plan.{fmt}"
        p = run_cli("plan", "--council", "Central Bedfordshire", "--report", SEED_2012, "--format", fmt,
                    "--output", str(out), "--index", str(index_dir), env=user_env)
        assert p.returncode == 0, p.stdout + p.stderr
        assert out.exists() and out.stat().st_size > 0
        if fmt == "docx":
            text = "\n".join(c.text for row in Document(str(out)).tables[0].rows for c in row.cells)
        elif fmt == "xlsx":
            ws = load_workbook(out).active
            assert ws.max_row - 4 == n
            text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
        elif fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
            assert len(rows) == n and rows[0]["Due"] == plan["items"][0]["due"]
            text = out.read_text(encoding="utf-8-sig")
        else:
            text = out.read_text(encoding="utf-8").replace("\\", "")
        for it in plan["items"]:
            assert it["text"][:60].replace("\\", "") in text.replace("\\", ""), (fmt, it["text"])
            assert it["citation"] in text, (fmt, it["citation"])
    p = run_cli("plan", "--council", "Central Bedfordshire", "--report", SEED_2012, "--format", "md", "--output", "-",
                "--index", str(index_dir), env=user_env)
    assert p.returncode == 0 and p.stdout.startswith("# Action plan")
    p = run_cli("plan", "--council", "Herefordshire", "--index", str(index_dir), env=user_env)  # the plain listing
    assert p.returncode == 0 and "Herefordshire" in p.stdout and "Ofsted, " in p.stdout


# ---- tracking survives a re-ingest, a replaced file and a restart ---------------------------------------------------
def test_tracking_survives_reingest_replaced_file_and_restart(tmp_path):
    from retrieval import userstore

    src = CORPUS / "ofsted" / "north-tyneside" / "2025-01-13.pdf"
    files = tmp_path / "files"
    files.mkdir()
    pdf = files / "north-tyneside-latest.pdf"
    shutil.copy(src, pdf)
    idx = tmp_path / "idx"
    env = {"INSPECTIONS_USERDATA": ""}  # the store in the index folder, as by default
    assert run_cli("ingest", str(files), "--index", str(idx), "--quiet", env=env).returncode == 0
    plan = cli_json("plan", "--council", "North Tyneside", "--index", str(idx), env=env)
    first_id = plan["report"]["report_id"]
    assert not (idx / "userdata.sqlite3").exists()  # reading a plan writes nothing
    store = userstore.UserStore(idx / "userdata.sqlite3")
    report = plan["report"]
    items = plan["items"]
    assert items
    k0 = userstore.item_key("North Tyneside", report, items[0]["number"], items[0]["text"])
    userstore.save_tracking(store, k0, lead="Service manager", status="in progress", rag="amber")
    userstore.add_note(store, k0, "Working group set up", "2025-02-03")
    assert (idx / "userdata.sqlite3").exists()  # in the index folder, as by default
    # the same file again (unchanged), then the file replaced by another copy of the same report (other bytes)
    assert run_cli("ingest", str(files), "--index", str(idx), "--quiet", env=env).returncode == 0
    pdf.write_bytes(src.read_bytes() + b"\n% re-saved copy\n")
    assert run_cli("ingest", str(files), "--index", str(idx), "--quiet", env=env).returncode == 0
    # a new process reads it back
    p = run_cli("plan", "--council", "North Tyneside", "--json", "--index", str(idx), env=env, process=True)
    assert p.returncode == 0, p.stderr
    again = json.loads(p.stdout)
    assert again["report"]["report_id"] != first_id  # a new file id ...
    it = again["items"][0]
    assert (it["lead"], it["status"], it["rag"]) == ("Service manager", "in progress", "amber")  # ... same tracking
    assert [n["text"] for n in it["notes"]] == ["Working group set up"]
    assert all(x["status"] == "not started" for x in again["items"][1:])


# ---- the page (AppTest) --------------------------------------------------------------------------------------------
def test_action_plan_page(index_dir, monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    from retrieval import userstore

    monkeypatch.setenv("INSPECTIONS_INDEX", str(index_dir))
    monkeypatch.setenv("INSPECTIONS_USERDATA", str(tmp_path / "user.sqlite3"))
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=300)
    at.run()
    at.switch_page("views/plan.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="plan_council").set_value("Herefordshire").run()
    assert not at.exception and not at.error, [e.value for e in at.exception]
    assert at.title[0].value == "Action plan"
    labels = {m.label: m.value for m in at.metric}
    assert labels["Done"].startswith("0 of ") and "Overdue" in labels and "Raised before" in labels
    assert any("RAG rating" in m.value and "Red: 0" in m.value for m in at.markdown)
    n = int(labels["Done"].split(" of ")[1])
    assert len(at.expander) == n
    assert any("raised before" in e.label for e in at.expander)
    downloads = [b.label for b in at.get("download_button")]
    assert {"Download the plan (Word)", "Download the plan (Excel)", "Download the plan (CSV)"} <= set(downloads)
    # a progress note and evidence of impact, saved from an item's form
    at.text_input(key="plan_note_text_0").input("Audit planned for March")
    at.text_area(key="plan_impact_0").input("Fewer repeat referrals")
    at.button(key="FormSubmitter:plan_note_0-Save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    body = "\n".join(m.value for m in at.markdown)
    assert "Audit planned for March" in body
    rows = userstore.UserStore(tmp_path / "user.sqlite3")
    with rows.reading() as conn:
        assert conn.execute("SELECT text FROM plan_notes").fetchone()[0] == "Audit planned for March"
        assert conn.execute("SELECT impact FROM plan_items").fetchone()[0] == "Fewer repeat referrals"


def test_profile_opens_the_plan_of_each_report(index_dir, monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("INSPECTIONS_INDEX", str(index_dir))
    monkeypatch.setenv("INSPECTIONS_USERDATA", str(tmp_path / "user.sqlite3"))
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=300)
    at.run()
    at.switch_page("views/profile.py").run()
    at.selectbox(key="profile_council").set_value("North Tyneside").run()
    assert not at.exception, [e.value for e in at.exception]
    links = [x.proto for x in at.get("page_link") if x.proto.label == "Open the action plan"]
    assert len(links) >= 3 and all(x.page == "plan" for x in links)
    from urllib.parse import parse_qsl

    query = dict(parse_qsl(links[-1].query_string))  # the oldest inspection's
    assert query["council"] == "North Tyneside"
    for k, v in query.items():  # following the link
        at.query_params[k] = v
    at.switch_page("views/plan.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="plan_council").value == "North Tyneside"
    assert at.selectbox(key="plan_report").value == query["report"]
