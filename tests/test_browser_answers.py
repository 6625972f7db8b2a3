"""Issue 18's main flow in a real browser (the app served by `streamlit run`, Debian's headless Chromium through
Playwright; server and browser fixtures from tests/test_browser.py): a conversation that moves from two councils
to all councils, praise told from criticism on the cards, current findings dated, a place that is not a council,
and the one click that widens an answer limited to earlier councils."""
from __future__ import annotations

import pytest
from test_browser import _settle, app_url, browser, page  # noqa: F401  (fixtures: the served app, Chromium)

pytestmark = pytest.mark.browser


def _ask(page, question: str, turn: int):  # noqa: F811
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    reply = page.get_by_test_id("stChatMessage").nth(2 * turn + 1)
    reply.wait_for()
    _settle(page)
    return reply


def test_conversation_scope_stance_dates_and_unknown_places(page, app_url):  # noqa: F811
    page.goto(app_url)
    page.get_by_text("For example").wait_for()

    first = _ask(page, "What did inspectors say about caseloads in North Tyneside?", 0)
    assert "(10 January 2025)" in first.inner_text()  # every bullet carries its report's date
    second = _ask(page, "and what about in Herefordshire?", 1)
    assert "Herefordshire" in second.inner_text()

    # 1 + 2: a question about councils in general is not limited to the two before, and quotes no criticism
    third = _ask(page, "Which councils were praised for return home interviews?", 2)
    text = third.inner_text()
    assert "limited to" not in text
    badges = third.locator("span.stance").all_inner_texts()
    assert badges and "Strength" in badges and "Concern" not in badges

    # a follow-up that refers back is limited, says so, and one click asks every council
    _ask(page, "What did inspectors say about care leavers in Cambridgeshire?", 3)
    fifth = _ask(page, "What about their personal advisers there?", 4)
    assert "This answer is limited to Cambridgeshire" in fifth.inner_text()
    fifth.get_by_role("button", name="Search all councils").click()
    page.get_by_test_id("stChatMessage").nth(11).wait_for()
    _settle(page)
    assert "limited to" not in page.get_by_test_id("stChatMessage").nth(11).inner_text()

    # 3 + 5: a place that is not a council is named in a notice; no cards and no download beside it
    fifth = _ask(page, "care leavers in Atlantis", 6)
    body = fifth.inner_text()
    assert "Atlantis" in body and "No council called" in body
    assert fifth.get_by_role("button", name="Download for a draft (Word)").count() == 0
    assert fifth.get_by_text("Citation (use the copy button):").count() == 0


def test_compare_starts_empty_and_leads_with_latest_findings(page, app_url):  # noqa: F811
    page.goto(app_url + "/compare")
    page.get_by_text("Compare councils").first.wait_for()
    _settle(page)
    box = page.get_by_test_id("stMultiSelect").first
    assert box.locator('[data-baseweb="tag"]').count() == 0  # no councils chosen for the user
    for name in ("North Tyneside", "Herefordshire"):
        box.click()
        page.keyboard.type(name)
        page.keyboard.press("Enter")
        _settle(page)
    page.keyboard.press("Escape")
    page.get_by_label("Topic").fill("caseloads")
    page.get_by_role("button", name="Compare", exact=True).click()
    page.get_by_text("Each council's latest grades").wait_for()
    _settle(page)
    caption = page.get_by_text("Each council's latest grades").inner_text()
    assert "ILACS" in caption  # the framework the grades were given under is named
    assert page.get_by_text("report — earlier inspection").count() >= 1  # older paragraphs say so
