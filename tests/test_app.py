"""The Streamlit app, page by page, with streamlit.testing.v1.AppTest against a real index of corpus/.

The index is the session's (conftest `index_dir`, built once with the real CLI); the upload test works on a copy so
the shared index stays as other tests expect it.
"""
from __future__ import annotations

import io
import shutil

import pytest
from conftest import CORPUS, SEED_2012, app_page
from streamlit.testing.v1 import AppTest

TIMEOUT = 240
QUESTION = "what did inspectors say about care leaver accommodation?"


@pytest.fixture
def open_app(monkeypatch):
    def make(index_dir, page: str | None = None) -> AppTest:
        monkeypatch.setenv("INSPECTIONS_INDEX", str(index_dir))
        monkeypatch.delenv("CHROMA_HOST", raising=False)
        at = app_page(f"views/{page}.py" if page else None, timeout=TIMEOUT)
        assert_clean(at)
        return at

    return make


def assert_clean(at: AppTest) -> None:
    """No exception, no stack trace, no 'Something went wrong'."""
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error], [e.value for e in at.error]


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info] + \
            [w.value for w in at.warning] + [s.value for s in at.success] + [c.value for c in at.code]
    return "\n".join(str(p) for p in parts).replace("\\", "")  # markdown escapes aside


def element(at: AppTest, kind: str) -> list:
    return list(at.get(kind))


# ---- Ask --------------------------------------------------------------------------------------------------------
def test_ask_answers_with_the_2012_paragraph_128_citation(open_app, index_dir):
    at = open_app(index_dir)
    assert "Ask the inspection reports" in at.title[0].value
    at.chat_input[0].set_value(QUESTION).run()
    assert_clean(at)
    citations = [c.value for c in at.code]
    hit = [c for c in citations if "paragraph 128" in c and "10 April 2012" in c]
    assert hit, citations
    body = texts(at)
    assert "Central Bedfordshire" in body and "[1]" in body
    # the card quotes paragraph 128 with the answer's sentences marked
    cards = [m.value for m in at.markdown if "bed and breakfast" in m.value and 'class="para"' in m.value]
    assert cards and '<mark class="hl">' in "".join(cards)
    assert any("paragraph 128" in c.value for c in at.caption)
    labels = [b.label for b in element(at, "download_button")]
    assert "Download for a draft (Word)" in labels and "Download as Markdown" in labels
    # relevant recommendations and the judgements sit under the evidence
    assert any("Recommendations on this question" in e.label for e in at.expander)
    assert any("Judgements" in e.label for e in at.expander)


def test_follow_up_keeps_the_council_and_the_sidebar_shows_it(open_app, index_dir):
    at = open_app(index_dir)
    at.chat_input[0].set_value("What did inspectors say about care leavers in North Tyneside?").run()
    assert_clean(at)
    assert at.sidebar.multiselect(key="ask_councils").value == ["North Tyneside"]
    at.chat_input[0].set_value("And what about their personal advisers?").run()
    assert_clean(at)
    assert at.sidebar.multiselect(key="ask_councils").value == ["North Tyneside"]
    second = [m.value for m in at.markdown if m.value.startswith("**\\[")]
    assert second and all("North Tyneside" in m for m in second[-3:])
    # the user widens the filter in the sidebar: the next follow-up searches every council
    at.sidebar.multiselect(key="ask_councils").set_value([]).run()
    at.chat_input[0].set_value("And their health assessments?").run()
    assert_clean(at)
    last_turn = at.chat_message[-1]
    councils = {m.value.split("**")[1].split("] ")[-1] for m in last_turn.markdown if m.value.startswith("**\\[")}
    assert len(councils) > 1, councils


def test_unknown_council_says_what_to_do(open_app, index_dir):
    at = open_app(index_dir)
    at.chat_input[0].set_value("What did inspectors say about care leavers in Devon?").run()
    assert_clean(at)
    warnings = " ".join(w.value for w in at.warning)
    assert "Devon" in warnings and "Library" in warnings


def test_view_in_report_text_and_pdf(open_app, index_dir):
    at = open_app(index_dir)
    at.chat_input[0].set_value(QUESTION).run()
    cards = [m.value for m in at.markdown if m.value.startswith("**\\[")]
    captions = [c.value for c in at.caption if c.value.startswith("Published")]
    # the 2012 report is a text file: its card shows the paragraph among its neighbours
    i128 = next(i for i, c in enumerate(captions) if "paragraph 128" in c)
    at.toggle(key=f"view_0_{i128}").set_value(True).run()
    assert_clean(at)
    marked = [m.value for m in at.markdown if '<mark class="hl">128.' in m.value]
    assert marked and "bed and breakfast" in marked[0]
    # a PDF card shows its rendered page
    ipdf = next(i for i, c in enumerate(captions) if "page " in c and "2012" not in c)
    at.toggle(key=f"view_0_{ipdf}").set_value(True).run()
    assert_clean(at)
    assert element(at, "image"), "no page image"
    assert any(b.label == "Download the original file" for b in element(at, "download_button"))
    assert len(cards) >= 3


def test_source_page_highlight_is_real(searcher):
    """pypdfium2 renders a corpus PDF page and the paragraph's band is shaded (and only that band)."""
    from PIL import Image

    from app.source import render_paragraph

    rep = next(r for r in searcher.reports.values() if r["source"].endswith("central-bedfordshire/2017-08-25.pdf"))
    paras = searcher.store.paragraphs_of(rep["report_id"])
    p = next(p for p in paras if p.get("number") == "66")
    view = render_paragraph(rep["source"], int(p["page"]), p["text"], "66")
    assert view.found and view.method == "text", view.message
    img = view.pages[0]
    assert img.page == int(p["page"]) and img.png.startswith(b"\x89PNG")
    band = img.band
    assert 0 < band.top < band.bottom < 842 and band.bottom - band.top < 300
    pic = Image.open(io.BytesIO(img.png)).convert("RGB")
    scale = pic.size[1] / 841.92

    def yellow_share(top: float, bottom: float) -> float:
        box = pic.crop((int(band.left * scale), int(top * scale), int(band.right * scale), int(bottom * scale)))
        px = list(box.getdata())
        return sum(1 for r, g, b in px if r > 230 and g > 200 and b < 200) / max(1, len(px))

    assert yellow_share(band.top, band.bottom) > 0.5
    below = min(830.0, band.bottom + 20)
    assert yellow_share(below, min(841.0, below + 60)) < 0.05


# ---- Compare ----------------------------------------------------------------------------------------------------
def test_compare_two_councils(open_app, index_dir):
    at = open_app(index_dir, "compare")
    at.multiselect(key="cmp_councils").set_value(["Central Bedfordshire", "Herefordshire"]).run()
    at.text_input(key="cmp_topic").set_value("care leaver accommodation")
    next(b for b in at.button if b.label == "Compare").click().run()
    assert_clean(at)
    headers = [m.value for m in at.markdown if m.value.startswith("### ")]
    assert "### Central Bedfordshire" in headers and "### Herefordshire" in headers
    grades = at.dataframe[0].value
    assert {"Central Bedfordshire", "Herefordshire"} <= set(grades.columns)
    overall = grades[grades["Judgement area"] == "Overall effectiveness"].iloc[0]
    assert overall["Herefordshire"].startswith("Inadequate") and overall["Central Bedfordshire"].startswith("Good")
    assert any("paragraph" in c.value for c in at.code)


def test_compare_with_neighbours_and_an_unindexed_council(open_app, index_dir):
    from ingest import gazetteer

    at = open_app(index_dir, "compare")
    at.multiselect(key="cmp_councils").set_value(["Herefordshire"]).run()
    at.number_input(key="cmp_n_neighbours").set_value(2).run()
    next(b for b in at.button if b.label.startswith("Add statistical neighbours")).click().run()
    want = [n.name for n in gazetteer.neighbours("Herefordshire")[:2]]
    assert at.multiselect(key="cmp_councils").value == ["Herefordshire", *want]
    at.text_input(key="cmp_topic").set_value("care leavers")
    next(b for b in at.button if b.label == "Compare").click().run()
    assert_clean(at)
    infos = " ".join(i.value for i in at.info)
    for name in want:
        assert f"No indexed report for {name}" in infos


# ---- Recommendations --------------------------------------------------------------------------------------------
def test_recommendations_filter_and_csv(open_app, index_dir):
    at = open_app(index_dir, "recommendations")
    full = at.dataframe[0].value
    assert len(full) > 20 and {"Council", "Recommendation", "Timescale", "Owner", "Citation"} <= set(full.columns)
    at.multiselect(key="rec_councils").set_value(["Central Bedfordshire"]).run()
    at.text_input(key="rec_theme").set_value("care leavers").run()
    assert_clean(at)
    df = at.dataframe[0].value
    assert 0 < len(df) < len(full)
    assert set(df["Council"]) == {"Central Bedfordshire"}
    assert all("care leaver" in t.lower() for t in df["Recommendation"])
    assert all(c.startswith(("Ofsted", "Central Bedfordshire Council")) for c in df["Citation"])
    assert any(c.value.startswith(f"{len(df)} of {len(full)}") for c in at.caption)
    assert any(b.label.startswith("Download these recommendations") for b in element(at, "download_button"))
    at.text_input(key="rec_theme").set_value("no such words anywhere").run()
    assert any("No recommendation matches" in i.value for i in at.info)


# ---- Library ----------------------------------------------------------------------------------------------------
def test_library_lists_reports(open_app, index_dir, corpus_reports):
    at = open_app(index_dir, "library")
    df = at.dataframe[0].value
    assert len(df) == len(corpus_reports)
    assert {"Council", "Kind", "Framework", "Published", "Pages", "Paragraphs"} <= set(df.columns)


def test_library_upload_good_and_bad_files(open_app, index_dir, tmp_path):
    idx = tmp_path / "idx"
    shutil.copytree(index_dir, idx)
    at = open_app(idx, "library")
    before = len(at.dataframe[0].value)
    good = SEED_2012.read_bytes().replace(b"bed and breakfast", b"bed-and-breakfast hotel")
    bad = b"<!DOCTYPE html><html><head><title>Ofsted</title></head><body>Report</body></html>" * 20
    up = at.get("file_uploader")[0]
    up.set_value([("../../../etc/evil report.txt", good, "text/plain"), ("50231520.pdf", bad, "application/pdf")])
    at.run()
    next(b for b in at.button if b.label == "Add to the index").click().run()
    assert_clean(at)
    outcomes = at.dataframe[-1].value
    rows = {r["File"]: r for r in outcomes.to_dict("records")}
    assert rows["../../../etc/evil report.txt"]["Outcome"] == "indexed"
    assert rows["../../../etc/evil report.txt"]["Council"] == "Central Bedfordshire"
    assert rows["50231520.pdf"]["Outcome"] == "failed" and "HTML" in rows["50231520.pdf"]["Reason"]
    assert any("1 indexed" in w.value and "1 failed" in w.value for w in at.warning)
    saved = sorted(p.name for p in (idx / "uploads").iterdir())
    assert len(saved) == 1 and saved[0].startswith("upload-") and saved[0].endswith(".txt")
    assert not (tmp_path / "etc").exists()
    assert len(at.dataframe[0].value) == before + 1


def test_library_upload_limits(tmp_path, monkeypatch):
    from app import ui_library

    monkeypatch.setattr(ui_library, "max_bytes", lambda: 1000)
    out = ui_library.ingest_uploads([("big.pdf", b"%PDF-" + b"x" * 2000), ("notes.xlsx", b"PK\x03\x04 data"),
                                     ("empty.txt", b"")], str(tmp_path / "idx"))
    assert [o["Outcome"] for o in out] == ["failed"] * 3
    assert "too large" in out[0]["Reason"] and "unsupported file type" in out[1]["Reason"]
    assert out[2]["Reason"] == "empty file"
    assert not (tmp_path / "idx" / "uploads").exists() or not any((tmp_path / "idx" / "uploads").iterdir())


def test_safe_upload_names(tmp_path):
    from app.ui_library import safe_path

    p = safe_path(b"data", "../../x/../../etc/passwd.PDF", tmp_path)
    assert p.parent == tmp_path.resolve() and p.name.startswith("upload-") and p.suffix == ".pdf"
    assert safe_path(b"data", "report.exe", tmp_path) is None


# ---- Council profile --------------------------------------------------------------------------------------------
def test_council_profile_chart_table_and_neighbours(open_app, index_dir):
    at = open_app(index_dir, "profile")
    at.selectbox(key="profile_council").set_value("Herefordshire").run()
    assert_clean(at)
    charts = element(at, "vega_lite_chart")
    assert charts, "no chart"
    spec = charts[0].proto.spec
    assert "Judgement area" in spec and "Outstanding" in spec and "Inadequate" in spec
    assert any("Latest overall grade" in m.value and "Inadequate" in m.value for m in at.markdown)
    tables = [d.value for d in at.dataframe]
    neighbours = next(t for t in tables if "Latest grade" in t.columns)
    assert len(neighbours) == 10
    judgements = next(t for t in tables if "Judgement area" in t.columns)
    assert set(judgements["Published"]) >= {"2014-06-30", "2018-07-23", "2022-09-16"}
    assert any("recommendations" in e.label for e in at.expander)


def test_profile_data(searcher):
    from retrieval.profile import grade_level, profile

    p = profile(searcher, "central beds")
    assert p["council"] == "Central Bedfordshire" and p["indexed"]
    assert [r["published"] for r in p["reports"]] == sorted(r["published"] for r in p["reports"])
    assert p["latest"]["grade"] == "Good" and p["latest"]["published"] == "2022-03-04"
    assert {j["family"] for j in p["judgements"]} >= {"Overall effectiveness", "Care leavers"}
    assert p["recommendations"][0]["published"] == max(g["published"] for g in p["recommendations"])
    assert grade_level("Requires improvement to be good") == grade_level("Adequate") == 2
    assert profile(searcher, "Atlantis")["known"] is False
    assert profile(searcher, "Devon")["indexed"] is False


# ---- no index ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("page", [None, "compare", "recommendations", "profile", "library"])
def test_no_index_is_a_clear_message(open_app, tmp_path, page):
    at = open_app(tmp_path / "nothing-here", page)
    body = texts(at)
    assert "inspections ingest" in body or "upload reports" in body.lower(), body
    assert not (tmp_path / "nothing-here").exists() or page == "library"


def test_example_question_is_one_click(open_app, index_dir):
    at = open_app(index_dir)
    examples = [b for b in at.button if (b.key or "").startswith("ask_example_")]
    assert len(examples) == 3
    examples[0].click().run()
    assert_clean(at)
    assert len(at.chat_message) == 2 and any("paragraph" in c.value for c in at.code)


def test_sidebar_year_and_kind_filters(open_app, index_dir):
    at = open_app(index_dir)
    at.sidebar.slider(key="ask_years").set_value((2017, 2017))
    at.sidebar.selectbox(key="ask_kind").set_value("Ofsted inspections")
    at.run()
    at.chat_input[0].set_value("care leavers accommodation").run()
    assert_clean(at)
    captions = [c.value for c in at.caption if c.value.startswith("Published")]
    assert captions and all("2017" in c for c in captions), captions


def test_first_upload_starts_an_index(open_app, tmp_path):
    """No index yet: the Library page says so, an upload creates it, and Ask then answers from it."""
    idx = tmp_path / "fresh"
    at = open_app(idx, "library")
    assert any("No index yet" in i.value for i in at.info)
    seed = CORPUS / "seeds" / "003_c839e8cefc8a4b2d.txt"
    at.get("file_uploader")[0].set_value(("cabinet report.txt", seed.read_bytes(), "text/plain"))
    at.run()
    next(b for b in at.button if b.label == "Add to the index").click().run()
    assert_clean(at)
    assert any("1 indexed" in s.value for s in at.success)
    assert len(at.dataframe[0].value) == 1 and at.dataframe[0].value.iloc[0]["Council"] == "North Tyneside"
    at.switch_page("views/ask.py").run()
    at.chat_input[0].set_value("What did the inspection say about safeguarding?").run()
    assert_clean(at)
    assert any("North Tyneside" in c.value for c in at.code)
