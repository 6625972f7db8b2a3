"""Filtering by what inspectors say (issue 18): Themes and the action plan's evidence keep the paragraphs of a stance,
by the one rule Compare uses (retrieval/stance.keep_stance), from the real CLI on the session index of corpus/ and on
the pages with AppTest.

What the corpus says (read from its reports): on private fostering, the latest inspections of Cambridgeshire (2024,
paragraph 15: "There is robust oversight of children who are in private fostering arrangements") and North
Tyneside (2025, paragraph 15: "Children who are privately fostered make good progress ...") praise, while
Herefordshire's (2022) names it in its "What needs to improve" list: a concern. Herefordshire's 2022 recommendations
are backed by findings that criticise, and its report also holds paragraphs that praise (paragraph 4, 12, 17).
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from conftest import app_page, cli_json, run_cli

from retrieval.stance import STANCES, keep_stance

# ---- the rule ---------------------------------------------------------------------------------------------------
def test_keep_stance_is_compares_rule():
    items = [SimpleNamespace(n=i, stance=s) for i, s in
             enumerate(["mixed", "concern", "strength", "neutral", "strength", "mixed"])]
    pick = lambda wanted: [(it.n, it.stance) for it in keep_stance(items, wanted)]  # noqa: E731
    assert pick("strength") == [(2, "strength"), (4, "strength"), (0, "mixed"), (5, "mixed")]
    assert pick("concern") == [(1, "concern"), (0, "mixed"), (5, "mixed")]
    assert pick("mixed") == [(0, "mixed"), (5, "mixed")]
    assert pick("neutral") == [(3, "neutral")]
    assert [it.n for it in keep_stance(items, None)] == list(range(6))
    assert keep_stance([{"stance": "concern"}, {"stance": "strength"}], "concern") == [{"stance": "concern"}]
    with pytest.raises(ValueError, match="choose one of"):
        keep_stance(items, "praise")
    assert set(STANCES) == {"strength", "concern", "mixed", "neutral"}


# ---- Themes -----------------------------------------------------------------------------------------------------
def _listed(data: dict) -> dict[str, list[str]]:
    return {r["council"]: [e["stance"] for e in r["evidence"]] for r in data["councils"]}


def test_themes_cli_stance(index_dir):
    every = _listed(cli_json("themes", "private fostering", "--latest", "--index", str(index_dir)))
    assert set(every) == {"Cambridgeshire", "Herefordshire", "North Tyneside"}
    praised = cli_json("themes", "private fostering", "--latest", "--stance", "strength", "--index", str(index_dir))
    assert praised["stance"] == "strength"
    assert set(_listed(praised)) == {"Cambridgeshire", "North Tyneside"}
    for stances in _listed(praised).values():
        assert stances and stances[0] == "strength" and set(stances) <= {"strength", "mixed"}
    assert [y["councils"] for y in praised["by_year"]] == [1, 1]  # the counts follow the filter
    criticised = _listed(cli_json("themes", "private fostering", "--latest", "--stance", "concern",
                                  "--index", str(index_dir)))
    assert list(criticised) == ["Herefordshire"] and set(criticised["Herefordshire"]) <= {"concern", "mixed"}
    p = run_cli("themes", "private fostering", "--latest", "--stance", "concern", "--index", str(index_dir))
    assert p.returncode == 0, p.stderr
    assert "1 of 4 councils" in p.stdout and "as a concern (or mixed)" in p.stdout and "[concern]" in p.stdout
    bad = run_cli("themes", "private fostering", "--stance", "praise", "--index", str(index_dir))
    assert bad.returncode == 2 and "praise" in bad.stderr


def test_themes_word_download_says_what_was_kept(index_dir):
    import io

    from docx import Document

    from app.ui_themes import docx_bytes

    data = cli_json("themes", "private fostering", "--latest", "--stance", "concern", "--index", str(index_dir))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx_bytes(data, data["councils"]))).paragraphs)
    assert "1 councils whose reports say something about the topic as a concern (or mixed)" in text
    assert "Herefordshire" in text and "Cambridgeshire" not in text


def test_themes_page_what_inspectors_say(index_dir, monkeypatch):
    monkeypatch.setenv("INSPECTIONS_INDEX", str(index_dir))
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    at = app_page("views/themes.py", timeout=240)
    at.text_input(key="themes_topic").set_value("private fostering")
    at.selectbox(key="themes_stance").set_value("Concerns")
    at.button(key="FormSubmitter:themes_form-Find councils").click().run()
    assert not at.exception and not at.error, [e.value for e in at.exception]
    assert list(at.dataframe[0].value["Council"]) == ["Herefordshire"]
    body = "\n".join(m.value for m in at.markdown)
    assert "**1** of 4 councils say something about it as a concern (or mixed)" in body
    assert "stance-concern" in body and "stance-strength" not in body  # the cards' labels
    at.selectbox(key="themes_stance").set_value("Strengths")
    at.button(key="FormSubmitter:themes_form-Find councils").click().run()
    assert not at.exception
    assert sorted(at.dataframe[0].value["Council"]) == ["Cambridgeshire", "North Tyneside"]


# ---- the action plan's evidence ---------------------------------------------------------------------------------
@pytest.fixture
def user_env(tmp_path):
    return {"INSPECTIONS_USERDATA": str(tmp_path / "user.sqlite3")}


def _evidence(plan: dict) -> list[str]:
    return [e["stance"] for it in plan["items"] for e in it["evidence"]]


def test_plan_cli_stance(index_dir, user_env):
    every = cli_json("plan", "--council", "Herefordshire", "--index", str(index_dir), env=user_env)
    assert every["evidence_stance"] is None and "concern" in _evidence(every)
    praised = cli_json("plan", "--council", "Herefordshire", "--stance", "strength", "--index", str(index_dir),
                       env=user_env)
    assert praised["evidence_stance"] == "strength"
    assert [it["text"] for it in praised["items"]] == [it["text"] for it in every["items"]]  # the same items
    stances = _evidence(praised)
    assert stances and "strength" in stances and set(stances) <= {"strength", "mixed"}
    for it in praised["items"]:  # strengths first, then mixed, within each item
        s = [e["stance"] for e in it["evidence"]]
        assert s == sorted(s, key=["strength", "mixed"].index)
    criticised = cli_json("plan", "--council", "Herefordshire", "--stance", "concern", "--index", str(index_dir),
                          env=user_env)
    assert set(_evidence(criticised)) <= {"concern", "mixed"} and "concern" in _evidence(criticised)
    p = run_cli("plan", "--council", "Herefordshire", "--stance", "strength", "--index", str(index_dir), env=user_env)
    assert p.returncode == 0, p.stderr
    assert "evidence [strength]" in p.stdout and "evidence [concern]" not in p.stdout


def test_plan_page_filters_the_findings(index_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("INSPECTIONS_INDEX", str(index_dir))
    monkeypatch.setenv("INSPECTIONS_USERDATA", str(tmp_path / "user.sqlite3"))
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    at = app_page("views/plan.py")
    at.selectbox(key="plan_council").set_value("Herefordshire").run()
    assert not at.exception and not at.error, [e.value for e in at.exception]
    # the council chosen sticks (the page's own link in the address bar is not followed back to the first council)
    assert any(c.value.startswith("Inspection of Herefordshire") for c in at.caption)
    n = int({m.label: m.value for m in at.metric}["Done"].split(" of ")[1])

    def labels() -> set[str]:
        found = set()
        for c in at.caption:
            found |= {s for s in STANCES if f"stance-{s}" in c.value}
        return found

    assert "concern" in labels()
    at.selectbox(key="plan_stance").set_value("Strengths").run()
    assert not at.exception and not at.error, [e.value for e in at.exception]
    assert "strength" in labels() and labels() <= {"strength", "mixed"}
    assert len(at.expander) == n  # the same recommendations, only their findings filtered
    at.selectbox(key="plan_stance").set_value("Concerns").run()
    assert "concern" in labels() and labels() <= {"concern", "mixed"}
