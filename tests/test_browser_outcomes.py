"""The Outcomes page in a real browser (headless Chromium through Playwright, the app served by `streamlit run` on
127.0.0.1, as tests/test_browser.py does): every council's latest full inspection with the grades-by-region chart,
the Excel and CSV downloads, a region, an earlier as-of date, and a council beside its statistical neighbours."""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from test_browser import _settle, _shot, app_url, browser, page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

COUNCILS = ("Cambridgeshire", "Central Bedfordshire", "Herefordshire", "North Tyneside")


def _metric(pg, label: str) -> str:
    return pg.get_by_test_id("stMetric").filter(has_text=label).first.get_by_test_id("stMetricValue").inner_text()


def _cells(pg) -> str:
    """The table's cells as text (st.dataframe draws a canvas; its cells sit in an aria grid the browser hides)."""
    return " ".join(pg.locator("[data-testid='stDataFrame'] [role='gridcell']").all_text_contents())


def _choose(pg, label: str, option: str) -> None:
    pg.get_by_test_id("stSelectbox").filter(has_text=label).first.click()
    pg.keyboard.type(option)
    pg.keyboard.press("Enter")
    _settle(pg)


def _csv(pg) -> list[dict[str, str]]:
    with pg.expect_download() as info:
        pg.get_by_test_id("stDownloadButton").filter(has_text="Download as CSV").click()  # not the table's own
    return list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))


def test_outcomes_page(page, app_url, tmp_path):  # noqa: F811
    from openpyxl import load_workbook

    page.goto(app_url + "/outcomes")
    page.get_by_text("Councils with a full inspection").wait_for()
    page.locator("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg").first.wait_for()
    _settle(page)
    assert _metric(page, "Councils with a full inspection") == "4"
    grid = _cells(page)
    for council in COUNCILS:
        assert council in grid, grid[:1500]
    assert "Grades by region" in page.locator("body").inner_text()
    _shot(page, "outcomes.png")

    # Excel: one row per council, dates as dates
    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").filter(has_text="Download as Excel").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.suffix == ".xlsx"
    ws = load_workbook(path)["Outcomes"]
    head = [c.value for c in ws[1]]
    rows = [{h: c.value for h, c in zip(head, r)} for r in ws.iter_rows(min_row=2)]
    assert sorted(r["Council"] for r in rows) == sorted(COUNCILS)
    cam = next(r for r in rows if r["Council"] == "Cambridgeshire")
    assert cam["Inspection start"] == dt.datetime(2024, 3, 4) and cam["Lead inspector"] == "Lisa Walsh"
    assert cam["Inspection type"] == "standard"

    # an earlier date: the library as it stood on 1 January 2024
    for segment, value in (("year", "2024"), ("month", "01"), ("day", "01")):
        page.get_by_role("spinbutton", name=f"{segment}, As of").click()
        page.keyboard.type(value)
    page.get_by_text("Each council's latest full inspection in the library").click()  # leaving the field sets it
    _settle(page)
    page.get_by_text("on or before 1 January 2024").first.wait_for()
    rows = {r["Council"]: r for r in _csv(page)}
    assert rows["Cambridgeshire"]["Inspection start"] == "2019-01-14"
    assert rows["Cambridgeshire"]["Change"] == "declined"  # SIF Good, then ILACS Requires improvement
    assert rows["North Tyneside"]["Inspection start"] == "2020-03-09"

    # one region
    _choose(page, "Region", "West Midlands")
    assert _metric(page, "Councils with a full inspection") == "1"
    assert [r["Council"] for r in _csv(page)] == ["Herefordshire"]

    # a council beside its statistical neighbours (from every region)
    _choose(page, "statistical neighbours", "Cambridgeshire")
    page.get_by_text("Cambridgeshire and its statistical neighbours").first.wait_for()
    assert [r["Council"] for r in _csv(page)] == ["Cambridgeshire", "Central Bedfordshire"]
    _shot(page, "outcomes_neighbours.png")
