""""My council" (issue 18): one control in the sidebar of every page, kept in the user store (the preference
MY_COUNCIL), so the user sets it once, on any page, and every page that shows a council starts from it: Compare
with the council and its nearest statistical neighbours that have reports indexed, Outcomes with its neighbours, the
Action plan with its plan. Ask's council filter is not forced by it. AppTest on the session index of corpus/
(Cambridgeshire, Central Bedfordshire, Herefordshire, North Tyneside: in the gazetteer, Cambridgeshire is Central
Bedfordshire's only indexed statistical neighbour).
"""
from __future__ import annotations

import pytest
from conftest import app_page
from streamlit.testing.v1 import AppTest

from retrieval import userstore

PAGES = ["views/ask.py", "views/compare.py", "views/recommendations.py", "views/plan.py", "views/profile.py",
         "views/themes.py", "views/outcomes.py", "views/library.py"]


@pytest.fixture
def app(index_dir, monkeypatch, tmp_path):
    """Open the app (a new session: a reload, or the server restarted) on a page; the user store is the same file
    for every session of a test."""
    monkeypatch.setenv("INSPECTIONS_INDEX", str(index_dir))
    monkeypatch.setenv("INSPECTIONS_USERDATA", str(tmp_path / "user.sqlite3"))
    monkeypatch.delenv("CHROMA_HOST", raising=False)

    def open_app(page: str) -> AppTest:
        at = app_page(page)
        ok(at)
        return at

    return open_app


def ok(at: AppTest) -> None:
    assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]


def saved(tmp_path) -> str | None:
    return userstore.preference(userstore.UserStore(tmp_path / "user.sqlite3"), userstore.MY_COUNCIL)


def test_one_my_council_control_in_the_sidebar_of_every_page(app):
    at = app("views/library.py")
    for page in PAGES:
        at.switch_page(page).run()
        ok(at)
        everywhere = [s for s in at.selectbox if s.label == "My council"]
        assert [s.key for s in everywhere] == ["my_council"], page  # one control (Compare's own one is gone)
        assert [s.key for s in at.sidebar.selectbox if s.label == "My council"] == ["my_council"], page
        assert everywhere[0].value == ""  # never set: nothing assumed


def test_set_on_one_page_every_page_starts_from_it_and_it_survives_a_restart(app, tmp_path):
    at = app("views/library.py")
    at.selectbox(key="my_council").set_value("Central Bedfordshire").run()
    ok(at)
    assert saved(tmp_path) == "Central Bedfordshire"  # in the user store at once

    at.switch_page("views/plan.py").run()
    ok(at)
    assert at.selectbox(key="plan_council").value == "Central Bedfordshire"  # its own plan, not the first council
    assert any(c.value.startswith("Inspection of Central Bedfordshire") for c in at.caption)  # its plan is built
    at.switch_page("views/compare.py").run()
    ok(at)
    assert at.multiselect(key="cmp_councils").value == ["Central Bedfordshire", "Cambridgeshire"]
    at.switch_page("views/outcomes.py").run()
    ok(at)
    assert at.selectbox(key="outcomes_council").value == "Central Bedfordshire"
    at.switch_page("views/profile.py").run()
    ok(at)
    assert at.selectbox(key="profile_council").value == "Central Bedfordshire"  # not the first council
    at.switch_page("views/ask.py").run()
    ok(at)
    assert at.multiselect(key="ask_councils").value == []  # Ask is not limited to it unasked
    assert at.selectbox(key="my_council").value == "Central Bedfordshire"

    # a restart: a new session reads it back from the store, and the pages open with it
    again = app("views/plan.py")
    assert again.selectbox(key="my_council").value == "Central Bedfordshire"
    assert again.selectbox(key="plan_council").value == "Central Bedfordshire"
    again.switch_page("views/compare.py").run()
    ok(again)
    assert again.multiselect(key="cmp_councils").value == ["Central Bedfordshire", "Cambridgeshire"]
    assert any(i.value.startswith("Opened with Central Bedfordshire") for i in again.info)

    # changed on the Action plan page: that page follows at once, and so does Compare
    plan = app("views/plan.py")
    plan.selectbox(key="my_council").set_value("Herefordshire").run()
    ok(plan)
    assert saved(tmp_path) == "Herefordshire"
    assert plan.selectbox(key="plan_council").value == "Herefordshire"
    plan.switch_page("views/compare.py").run()
    ok(plan)
    assert plan.multiselect(key="cmp_councils").value == ["Herefordshire"]  # none of its neighbours is indexed
    plan.switch_page("views/outcomes.py").run()
    assert plan.selectbox(key="outcomes_council").value == "Herefordshire"

    # cleared: kept cleared, and the next session starts without it
    plan.selectbox(key="my_council").set_value("").run()
    ok(plan)
    assert saved(tmp_path) is None
    fresh = app("views/compare.py")
    assert fresh.selectbox(key="my_council").value == ""
    assert fresh.multiselect(key="cmp_councils").value == []


def test_a_choice_made_on_a_page_is_kept_until_my_council_changes(app):
    """The page starts from My council, then the user's own choice on the page stands across reruns."""
    at = app("views/compare.py")
    at.selectbox(key="my_council").set_value("Cambridgeshire").run()
    assert at.multiselect(key="cmp_councils").value == ["Cambridgeshire", "Central Bedfordshire"]
    at.multiselect(key="cmp_councils").set_value(["North Tyneside"]).run()
    ok(at)
    at.text_input(key="cmp_topic").set_value("private fostering").run()
    assert at.multiselect(key="cmp_councils").value == ["North Tyneside"]
    next(b for b in at.button if b.label == "Start from my council").click().run()
    assert at.multiselect(key="cmp_councils").value == ["Cambridgeshire", "Central Bedfordshire"]
