"""Themes: a topic across every council, through the real CLI on the session index of corpus/ (four councils), the
capability's relevance test on its own, and the Themes page with AppTest.

What the corpus holds (read from its reports): private fostering is in the latest inspections of Cambridgeshire
(2024), Herefordshire (2022) and North Tyneside (2025), not Central Bedfordshire's (2022); radicalisation only in
Central Bedfordshire's and North Tyneside's 2017 inspections; deprivation of liberty only in Herefordshire's 2022
one; modern slavery nowhere.
"""
from __future__ import annotations

import io
import re

import pytest
from conftest import ROOT, cli_json, run_cli
from streamlit.testing.v1 import AppTest

from retrieval import themes as T

PRIVATE_FOSTERING = re.compile(r"private(ly)?\s+foster", re.IGNORECASE)


def themes_json(index_dir, topic: str, *extra: str) -> dict:
    return cli_json("themes", topic, "--index", str(index_dir), *extra)


def test_latest_lists_exactly_the_councils_whose_latest_inspection_speaks_of_it(index_dir, corpus_reports):
    data = themes_json(index_dir, "private fostering", "--latest")
    assert data["topic"] == "private fostering"
    rows = {r["council"]: r for r in data["councils"]}
    assert set(rows) == {"Cambridgeshire", "Herefordshire", "North Tyneside"}
    latest = {}
    for r in corpus_reports:
        if r["kind"] == "ofsted_inspection" and r["published"] > latest.get(r["council"], ("", ""))[0]:
            latest[r["council"]] = (r["published"], r["report_id"])
    for council, row in rows.items():
        assert row["report_id"] == latest[council][1], council  # the latest full inspection, not an older one
        assert row["region"] == {"Cambridgeshire": "East of England", "Herefordshire": "West Midlands",
                                 "North Tyneside": "North East"}[council]
        assert 1 <= len(row["evidence"]) <= 3
        best = row["evidence"][0]
        assert PRIVATE_FOSTERING.search(best["text"]), best["text"]  # the paragraph that is about it comes first
        assert best["report_id"] == row["report_id"] and best["council"] == council
        assert best["citation"].startswith("Ofsted, ") and row["published"][:4] in best["citation"]
        assert row["grade"] == best["grade"]  # the grade of the section the best paragraph sits in
    assert rows["North Tyneside"]["grade"] == "Outstanding"
    assert data["councils_considered"] == 4 and data["reports_considered"] == 4
    assert sum(y["councils"] for y in data["by_year"]) == 3
    assert {y["year"] for y in data["by_year"]} == {"2022", "2024", "2025"}
    assert {g["region"]: g["councils"] for g in data["by_region"]} == {
        "East of England": 1, "North East": 1, "West Midlands": 1}
    assert sum(g["councils"] for g in data["by_grade"]) == 3


def test_a_topic_no_report_mentions_lists_nobody(index_dir):
    for topic in ("modern slavery", "zebra crossings in Venice"):
        data = themes_json(index_dir, topic)
        assert data["councils"] == [], (topic, [(r["council"], r["evidence"][0]["text"][:200]) for r in data["councils"]])
        assert data["by_year"] == []


def test_a_rare_topic_only_in_older_reports(index_dir):
    """Radicalisation is in two 2017 inspections and no latest one: nobody with --latest, those two without."""
    assert themes_json(index_dir, "children at risk of radicalisation", "--latest")["councils"] == []
    data = themes_json(index_dir, "children at risk of radicalisation")
    rows = {r["council"]: r for r in data["councils"]}
    assert set(rows) == {"Central Bedfordshire", "North Tyneside"}
    for row in rows.values():
        assert row["published"].startswith("2017")
        assert any("radicalis" in e["text"].lower() for e in row["evidence"])
    assert [(y["year"], y["councils"]) for y in data["by_year"]] == [("2017", 2)]


def test_region_and_since_filters(index_dir):
    data = themes_json(index_dir, "private fostering", "--region", "north east")
    assert data["region"] == "North East"
    assert [r["council"] for r in data["councils"]] == ["North Tyneside"]
    assert data["councils_considered"] == 1
    since = themes_json(index_dir, "corporate parenting", "--since", "2023")
    assert since["councils"], "corporate parenting is in the 2024 and 2025 inspections"
    assert all(r["published"] >= "2023" for r in since["councils"])
    assert all(int(y["year"]) >= 2023 for y in since["by_year"])
    everything = themes_json(index_dir, "corporate parenting")
    assert {y["year"] for y in everything["by_year"]} > {y["year"] for y in since["by_year"]}
    # without --latest a council's row names every report that speaks of the topic, its newest one quoted
    nt = next(r for r in everything["councils"] if r["council"] == "North Tyneside")
    assert len(nt["reports"]) >= 2 and nt["published"] == max(x["published"] for x in nt["reports"])


def test_bad_input_is_a_plain_error(index_dir):
    p = run_cli("themes", "private fostering", "--region", "Atlantis", "--index", str(index_dir))
    assert p.returncode == 1 and "unknown region 'Atlantis'" in p.stderr and "North West" in p.stderr
    p = run_cli("themes", "  ", "--index", str(index_dir))
    assert p.returncode == 1 and "give a topic in words" in p.stderr
    p = run_cli("themes", "private fostering", "--latest", "--index", str(index_dir))
    assert p.returncode == 0 and "3 of 4 councils" in p.stdout and "North Tyneside (North East)" in p.stdout


def test_facets_and_the_window(searcher):
    vocab = T._Vocabulary(searcher.lexicon)
    parts = T.facets("support for special guardians and kinship carers", vocab)
    assert [f.words for f in parts] == ["support special guardians", "kinship carers"]
    uasc = [f.words for f in T.facets("UASC", vocab)]
    assert "uasc" in uasc and any("unaccompanied asylum" in w for w in uasc)
    # a common word weighs less than a rare one
    f = parts[0]
    assert f.weights[f.stems.index("guardian")] > f.weights[f.stems.index("support")]
    visitors = T.facets("independent visitors", vocab)[0]
    near = "children are matched with independent visitors".split()
    apart = ("the independent reviewing officer chairs reviews and " + "x " * 20 + "visitors").split()
    from retrieval.lexical import tokenize

    assert T.window_coverage(visitors, tokenize(" ".join(near))) == pytest.approx(1.0)
    assert T.window_coverage(visitors, tokenize(" ".join(apart))) < 0.8
    assert T.about(1.0, 0.0) and not T.about(0.0, 0.2)


def test_word_and_csv_downloads():
    from docx import Document

    from app.ui_themes import csv_bytes, docx_bytes, filter_rows

    ev = {"text": "Children who are privately fostered are visited.", "citation": "Ofsted, Inspection of X, para 3"}
    rows = [{"council": "North Tyneside", "region": "North East", "published": "2025-01-10", "grade": "Outstanding",
             "overall_grade": "Outstanding", "section": "Help", "report_id": "a", "evidence": [ev]},
            {"council": "Herefordshire", "region": "West Midlands", "published": "2022-09-16", "grade": None,
             "overall_grade": "Inadequate", "section": "", "report_id": "b", "evidence": [ev]}]
    assert [r["council"] for r in filter_rows(rows, ["North East"], [], None)] == ["North Tyneside"]
    assert [r["council"] for r in filter_rows(rows, [], ["Inadequate"], None)] == ["Herefordshire"]
    assert [r["council"] for r in filter_rows(rows, [], [], (2023, 2025))] == ["North Tyneside"]
    text = csv_bytes(rows).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Council,Region,Published") and "Ofsted, Inspection of X, para 3" in text
    doc = Document(io.BytesIO(docx_bytes({"topic": "private fostering", "latest": True, "councils_considered": 4},
                                         rows)))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "North Tyneside (North East)" in body and "Ofsted, Inspection of X, para 3" in body
    assert doc.tables[0].rows[1].cells[0].text == "North Tyneside"


def test_the_themes_page(index_dir, monkeypatch):
    monkeypatch.setenv("INSPECTIONS_INDEX", str(index_dir))
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=240)
    at.run()
    at.switch_page("views/themes.py").run()
    assert not at.exception
    at.text_input(key="themes_topic").set_value("private fostering")
    at.button(key="FormSubmitter:themes_form-Find councils").click().run()
    assert not at.exception and not at.error, [e.value for e in at.exception]
    body = "\n".join(m.value for m in at.markdown)
    assert "**3** of 4 councils say something about it" in body
    table = at.dataframe[0].value
    assert sorted(table["Council"]) == ["Cambridgeshire", "Herefordshire", "North Tyneside"]
    labels = [b.label for b in at.get("download_button")]
    assert "Download the table (CSV)" in labels and "Download for a draft (Word)" in labels
    assert len(at.get("vega_lite_chart")) == 2  # by year and by region
    # the region filter narrows the table; a council's cards carry the citation and the page viewer
    at.multiselect(key="themes_regions").set_value(["North East"]).run()
    assert list(at.dataframe[0].value["Council"]) == ["North Tyneside"]
    assert any("Inspection of North Tyneside" in c.value for c in at.code)
    assert any(t.label == "View in report" for t in at.toggle)
    # the profile link opens the council's profile
    at.button(key="themes_profile").click().run()
    assert not at.exception
    assert at.title[0].value == "Council profile"
    assert at.selectbox(key="profile_council").value == "North Tyneside"
