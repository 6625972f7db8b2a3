"""Issue 18's smaller points on two pages, with AppTest on the session index of corpus/ (Cambridgeshire, Central
Bedfordshire, Herefordshire, North Tyneside):

- Compare opens empty with a hint, or, once the user has set their own council ("My council", kept in the user
  store), with that council and its nearest statistical neighbours that have reports indexed: never with the first
  two councils of the alphabet. In the gazetteer, Cambridgeshire is Central Bedfordshire's third neighbour and the
  only indexed one; none of Herefordshire's ten is indexed.
- The council profile's judgements chart gives every judgement area its own row, so areas graded the same at one
  inspection do not sit on top of each other (Herefordshire's 2014 inspection graded seven areas, six of them
  Requires improvement; its 2022 one four, all Inadequate).
"""
from __future__ import annotations

import json

import pytest
from conftest import app_page
from streamlit.testing.v1 import AppTest

from retrieval import userstore

@pytest.fixture
def compare_page(index_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("INSPECTIONS_INDEX", str(index_dir))
    monkeypatch.setenv("INSPECTIONS_USERDATA", str(tmp_path / "user.sqlite3"))
    monkeypatch.delenv("CHROMA_HOST", raising=False)

    def open_page() -> AppTest:
        at = app_page("views/compare.py", timeout=240)
        assert not at.exception and not at.error, [e.value for e in at.exception]
        return at

    return open_page


def test_compare_starts_empty_with_a_hint_without_my_council(compare_page):
    at = compare_page()
    assert at.multiselect(key="cmp_councils").value == []
    assert at.selectbox(key="my_council").value == ""
    assert any("set **My council**" in c.value for c in at.caption)


def test_compare_starts_with_my_council_and_its_indexed_neighbours(compare_page, tmp_path):
    at = compare_page()
    at.selectbox(key="my_council").set_value("Central Bedfordshire").run()
    assert not at.exception and not at.error
    assert at.multiselect(key="cmp_councils").value == ["Central Bedfordshire", "Cambridgeshire"]
    assert any("your council" in i.value and "Cambridgeshire" in i.value for i in at.info)
    store = userstore.UserStore(tmp_path / "user.sqlite3")
    assert userstore.preference(store, userstore.MY_COUNCIL) == "Central Bedfordshire"

    # a new session (a reload, another day) opens with it: not the alphabet's first two
    again = compare_page()
    chosen = again.multiselect(key="cmp_councils").value
    assert chosen == ["Central Bedfordshire", "Cambridgeshire"]
    assert chosen != ["Cambridgeshire", "Central Bedfordshire"]  # the first two indexed councils of the alphabet
    assert again.selectbox(key="my_council").value == "Central Bedfordshire"
    assert any(i.value.startswith("Opened with Central Bedfordshire") for i in again.info)

    # a council with no indexed neighbour opens alone, and says why
    again.selectbox(key="my_council").set_value("Herefordshire").run()
    assert again.multiselect(key="cmp_councils").value == ["Herefordshire"]
    assert any("none of its statistical neighbours has reports indexed" in i.value for i in again.info)

    # cleared: the next session starts empty again
    again.selectbox(key="my_council").set_value("").run()
    assert userstore.preference(store, userstore.MY_COUNCIL) is None
    assert compare_page().multiselect(key="cmp_councils").value == []


def test_start_from_my_council_replaces_the_choice(compare_page):
    at = compare_page()
    at.selectbox(key="my_council").set_value("Cambridgeshire").run()
    at.multiselect(key="cmp_councils").set_value(["North Tyneside"]).run()
    next(b for b in at.button if b.label == "Start from my council").click().run()
    assert at.multiselect(key="cmp_councils").value == ["Cambridgeshire", "Central Bedfordshire"]


def test_default_councils_are_indexed_neighbours_nearest_first():
    from app.ui_compare import default_councils
    from ingest import gazetteer

    near = [c.name for c in gazetteer.neighbours("Barnet")]
    indexed = ["Barking and Dagenham", near[4], near[1], "Barnet", near[7], near[2]]
    assert default_councils("Barnet", indexed, 3) == ["Barnet", near[1], near[2], near[4]]
    assert default_councils("Barnet", indexed, 1) == ["Barnet", near[1]]
    assert default_councils(None, indexed) == []


def test_user_store_keeps_preferences(tmp_path):
    store = userstore.UserStore(tmp_path / "prefs.sqlite3")
    assert userstore.preference(store, userstore.MY_COUNCIL) is None  # nothing written yet: no file made
    assert not (tmp_path / "prefs.sqlite3").exists()
    userstore.set_preference(store, userstore.MY_COUNCIL, "Barnet")
    userstore.set_preference(store, userstore.MY_COUNCIL, " Bexley ")
    assert userstore.preference(userstore.UserStore(tmp_path / "prefs.sqlite3"), userstore.MY_COUNCIL) == "Bexley"
    userstore.set_preference(store, userstore.MY_COUNCIL, "")
    assert userstore.preference(store, userstore.MY_COUNCIL) is None


# ---- the profile chart ------------------------------------------------------------------------------------------
def _layers(spec: dict) -> list[dict]:
    return spec.get("layer") or [spec]


def _chart(at: AppTest) -> tuple[dict, list[dict]]:
    """The first chart's Vega-Lite spec and the rows Streamlit sent with it (as Arrow, beside the spec)."""
    from streamlit import dataframe_util

    proto = at.get("vega_lite_chart")[0].proto
    df = dataframe_util.convert_arrow_bytes_to_pandas_df(proto.datasets[0].data.data)
    return json.loads(proto.spec), df.to_dict("records")


def test_profile_chart_gives_every_area_its_own_row(index_dir, monkeypatch):
    monkeypatch.setenv("INSPECTIONS_INDEX", str(index_dir))
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    at = app_page("views/profile.py", timeout=240)
    at.selectbox(key="profile_council").set_value("Herefordshire").run()
    assert not at.exception and not at.error
    spec, rows = _chart(at)
    layers = _layers(spec)
    for layer in layers:
        y = (layer.get("encoding") or spec.get("encoding") or {}).get("y") or {}
        assert y.get("field") == "Area" and y.get("type") == "nominal", y  # a row per area, not a grade level
    # one mark per area and inspection: no two areas share a position
    cells = [(r["Area"], r["Inspection"]) for r in rows]
    assert len(cells) == len(set(cells))
    y_2014 = {r["Area"] for r in rows if r["Published"] == "2014-06-30"}
    assert len(y_2014) == 7, y_2014  # the seven areas of the 2014 inspection, seven rows
    grades_2014 = [r["Grade"] for r in rows if r["Published"] == "2014-06-30"]
    assert grades_2014.count("Requires improvement") == 6  # one grade in six areas: the case that overlapped
    marks = {(layer.get("mark") or {}).get("type") if isinstance(layer.get("mark"), dict) else layer.get("mark")
             for layer in layers}
    assert "rect" in marks and "text" in marks  # cells coloured by grade, labelled with it
    every = at.toggle(key="profile_every_area").set_value(True).run()
    _spec, rows = _chart(every)
    assert len({r["Area"] for r in rows}) > 7  # every area as printed, each its own row


def test_outcomes_starts_from_my_council_too(compare_page, index_dir, tmp_path):
    """The council saved as "My council" (the sidebar) is where the Outcomes page's neighbours view starts; without
    one it shows every council."""
    at = compare_page()
    at.switch_page("views/outcomes.py").run()
    assert not at.exception and at.selectbox(key="outcomes_council").value == ""
    userstore.set_preference(userstore.UserStore(tmp_path / "user.sqlite3"), userstore.MY_COUNCIL, "Herefordshire")
    fresh = app_page("views/outcomes.py", timeout=240)
    assert not fresh.exception and not fresh.error, [e.value for e in fresh.exception]
    assert fresh.selectbox(key="outcomes_council").value == "Herefordshire"
