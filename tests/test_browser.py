"""The app in a real browser: `streamlit run` on 127.0.0.1 and a free port, driven by Debian's headless Chromium
through Playwright. Asks a question, sees a cited answer, downloads the Word export and opens it; checks what every
page must show. Screenshots go to a temporary folder; set INSPECTIONS_SCREENSHOTS=docs/screenshots (as `make
screenshots` does) to refresh the README's pictures."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from conftest import ROOT, serve_app

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(os.environ.get("INSPECTIONS_SCREENSHOTS") or Path(os.environ.get("TMPDIR", "/tmp")) / "inspections-shots")
if not SHOTS.is_absolute():
    SHOTS = ROOT / SHOTS
QUESTION = "what did inspectors say about care leaver accommodation?"
VIEWPORT = {"width": 1400, "height": 1000}

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (`make browser`) to run the browser tests",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (the Python package) is not installed")


@pytest.fixture(scope="module")
def app_url(index_dir, tmp_path_factory):
    with serve_app(index_dir, tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    pg = ctx.new_page()
    pg.set_default_timeout(120_000)
    try:
        yield pg
    finally:
        ctx.close()


def _settle(page) -> None:
    """Wait until Streamlit has finished running the script (no 'Running...' status widget)."""
    time.sleep(0.5)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
    time.sleep(0.5)


def _scroll_to(page, locator) -> None:
    """Bring an element to the top of the view (twice: a chat scrolls itself to the bottom after rendering)."""
    for _ in range(2):
        locator.first.evaluate("e => e.scrollIntoView({block: 'start'})")
        time.sleep(0.8)


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name))


def test_ask_answer_citation_and_word_export(page, app_url, tmp_path):
    from docx import Document

    page.goto(app_url)
    page.get_by_text("For example").wait_for()
    _shot(page, "welcome.png")
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(QUESTION)
    box.press("Enter")
    page.get_by_text("paragraph 128").first.wait_for()
    _settle(page)
    cite = page.get_by_test_id("stCode").filter(has_text="paragraph 128").first
    assert "10 April 2012" in cite.inner_text()
    _scroll_to(page, page.get_by_test_id("stChatMessage").nth(1))
    _shot(page, "ask.png")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download for a draft (Word)").first.click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert QUESTION in text
    assert "published 10 April 2012, paragraph 128" in text
    assert "bed and breakfast" in text
    # "View in report" on a card from a PDF report: the printed page with the paragraph shaded
    page.keyboard.press("Escape")
    caption = page.get_by_test_id("stCaptionContainer").filter(has_text="· page ").first
    card = caption.locator("xpath=ancestor::div[@data-testid='stVerticalBlock'][1]")
    card.get_by_text("View in report").click()
    image = page.get_by_test_id("stImage").first
    image.wait_for()
    _settle(page)
    _scroll_to(page, image)
    _shot(page, "source.png")


def test_compare_page(page, app_url):
    page.goto(app_url + "/compare")
    page.get_by_text("Compare councils").first.wait_for()
    _settle(page)
    box = page.get_by_test_id("stMultiSelect").first  # the page starts with no councils chosen (issue 18)
    for name in ("Central Bedfordshire", "Herefordshire"):
        box.click()
        page.keyboard.type(name)
        page.keyboard.press("Enter")
        _settle(page)
    page.keyboard.press("Escape")
    page.get_by_label("Topic").fill("care leaver accommodation")
    page.get_by_role("button", name="Compare", exact=True).click()
    page.get_by_text("Each council's latest grade").wait_for()
    _settle(page)
    assert page.get_by_role("heading", name="Central Bedfordshire").count() >= 1
    _scroll_to(page, page.get_by_role("heading", name="Judgements"))
    _shot(page, "compare.png")


def _grid_text(page) -> str:
    """The text of the page's data tables: st.dataframe draws a canvas, and its cells sit in an accessibility grid
    that is hidden from view, so their text content is read rather than their rendered text."""
    return " ".join(page.locator("[data-testid='stDataFrame'] [role='gridcell']").all_text_contents()) + " " + \
        " ".join(page.get_by_test_id("stTable").all_inner_texts())


def test_recommendations_page(page, app_url, corpus_reports):
    page.goto(app_url + "/recommendations")
    page.get_by_text("Download these recommendations (CSV)").wait_for()
    _settle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download these recommendations (CSV)").click()
    csv_text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    # every council of the corpus has recommendations listed, with timescales and citations
    for council in {r["council"] for r in corpus_reports if r["kind"] == "ofsted_inspection"}:
        assert council in csv_text, council
    assert "Within three months" in csv_text or "within three months" in csv_text.lower()
    assert "paragraph" in csv_text and "published" in csv_text
    _shot(page, "recommendations.png")


def test_library_page(page, app_url, corpus_reports):
    page.goto(app_url + "/library")
    page.get_by_text("Add reports").wait_for()
    _settle(page)
    body = page.locator("body").inner_text() + _grid_text(page)
    assert f"{len(corpus_reports)} reports" in body or str(len(corpus_reports)) in body
    for council in {r["council"] for r in corpus_reports}:
        assert council in body, council
    assert page.get_by_test_id("stFileUploader").count() == 1
    _shot(page, "library.png")


def test_profile_page(page, app_url):
    page.goto(app_url + "/profile")
    page.get_by_text("Judgements over time").wait_for()
    page.locator("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg").first.wait_for()
    _settle(page)
    body = page.locator("body").inner_text() + _grid_text(page)
    # the council shown has its grades listed (a grade word is visible) and its neighbours are named
    assert any(g in body for g in ("Good", "Outstanding", "Requires improvement", "Inadequate", "Adequate")), body[:2000]
    assert "neighbour" in body.lower()
    _shot(page, "profile.png")
