"""The Action plan page in a real browser (Debian's headless Chromium through Playwright, as tests/test_browser.py):
edit an item's status in the table, reload the page and find it still there, download the Word file and open it.
The app runs with `streamlit run` on 127.0.0.1 and a free port, with its own user store file, and is stopped in the
fixture's `finally`."""
from __future__ import annotations

import re

import pytest
from conftest import serve_app
from test_browser import SHOTS, _settle, browser, page  # noqa: F401  (the same browser fixtures)

pytestmark = pytest.mark.browser
COUNCIL = "Herefordshire"


@pytest.fixture(scope="module")
def plan_app(index_dir, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("plan_app")
    user = tmp / "user.sqlite3"
    with serve_app(index_dir, tmp / "server.log", INSPECTIONS_USERDATA=str(user)) as url:
        yield url, user


def _done_count(pg) -> tuple[int, int]:
    metric = pg.get_by_test_id("stMetric").filter(has_text="Done").first
    m = re.search(r"(\d+) of (\d+)", metric.inner_text())
    assert m, metric.inner_text()
    return int(m.group(1)), int(m.group(2))


def test_edit_status_reload_and_download_word(page, plan_app, tmp_path):  # noqa: F811
    from docx import Document

    from retrieval import userstore

    url, user = plan_app
    page.goto(f"{url}/plan?council={COUNCIL}")
    page.get_by_text("Each recommendation").wait_for()
    _settle(page)
    done, total = _done_count(page)
    assert (done, total) == (0, total) and total > 0
    # the first item's Status cell: click the row's first cell, move right to Status, open it, choose Done
    grid = page.locator("[data-testid='stDataFrameResizable'] canvas").first
    option = page.get_by_role("option", name="Done")
    for attempt in range(3):  # the canvas grid may still be drawing when first clicked: click and open again
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 20, box["y"] + 35 + 17)
        for _ in range(5):  # No., Recommendation, Due, Overdue, Lead -> Status
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        try:
            option.wait_for(timeout=20_000)
            break
        except Exception:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
            _settle(page)
    option.click()
    page.keyboard.press("Escape")
    page.get_by_test_id("stMetric").filter(has_text="1 of").wait_for()
    _settle(page)
    assert _done_count(page) == (1, total)
    # saved in the store, not only in the page
    with userstore.UserStore(user).reading() as conn:
        assert conn.execute("SELECT status FROM plan_items").fetchall()[0][0] == "done"
    # a reload (a new session) shows it from the store
    page.reload()
    page.get_by_text("Each recommendation").wait_for()
    _settle(page)
    assert _done_count(page) == (1, total)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "plan.png"))
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the plan (Word)").click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    table = Document(str(path)).tables[0]
    assert len(table.rows) == total + 1
    first = table.rows[1].cells
    assert first[6].text.startswith("Done")
    assert "Ofsted, " in first[1].text and COUNCIL in first[1].text
