"""The Themes page in a real browser (headless Chromium through Playwright, the app served by `streamlit run` on
127.0.0.1, as tests/test_browser.py does): type a topic, see the councils that speak of it with the charts, download
the table as CSV and Word, look at a council's paragraph on its printed page, and follow the link to its profile."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from test_browser import _scroll_to, _settle, _shot, app_url, browser, page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_themes_page(page, app_url, tmp_path):  # noqa: F811
    from docx import Document

    page.goto(app_url + "/themes")
    page.get_by_label("Topic", exact=True).wait_for()
    _settle(page)
    page.get_by_label("Topic", exact=True).fill("private fostering")
    page.get_by_role("button", name="Find councils").click()
    page.get_by_text("councils say something about it").wait_for()
    page.locator("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg").first.wait_for()
    _settle(page)
    body = page.locator("body").inner_text()
    assert "3 of 4 councils say something about it" in body, body[:1500]
    assert page.get_by_test_id("stDataFrame").count() == 1
    assert page.get_by_test_id("stVegaLiteChart").count() == 2
    assert "[1] Cambridgeshire" in body  # the first council's paragraphs, as cards
    _shot(page, "themes.png")

    with page.expect_download() as info:
        page.get_by_role("button", name="Download the table (CSV)").click()
    csv_text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert csv_text.startswith("Council,Region,Published")
    listed = {row["Council"] for row in csv.DictReader(io.StringIO(csv_text))}
    assert {"Cambridgeshire", "Herefordshire", "North Tyneside"} <= listed
    assert "Central Bedfordshire" not in csv_text  # its latest inspection says nothing on private fostering
    assert "Ofsted, Inspection of" in csv_text
    with page.expect_download() as info:
        page.get_by_role("button", name="Download for a draft (Word)").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "private fostering" in text.lower() and "Source: Ofsted, Inspection of" in text

    # a council's paragraph on the printed page it sits on
    card_caption = page.get_by_test_id("stCaptionContainer").filter(has_text="· page ").first
    card = card_caption.locator("xpath=ancestor::div[@data-testid='stVerticalBlock'][1]")
    card.get_by_text("View in report").click()
    image = page.get_by_test_id("stImage").first
    image.wait_for()
    _settle(page)
    _scroll_to(page, image)
    _shot(page, "themes_source.png")

    # the profile link
    council = page.get_by_test_id("stSelectbox").filter(has_text="Council").first.inner_text().split("\n")[-1]
    page.get_by_role("button", name="Open the council profile of").click()
    page.get_by_text("Judgements over time").wait_for()
    _settle(page)
    assert council.strip() in page.locator("body").inner_text()
