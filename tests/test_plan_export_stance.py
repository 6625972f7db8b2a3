"""What inspectors say in each exported quotation (issue 18): the action plan's Word file labels every finding under
a recommendation with its stance (strength, concern, mixed, neutral: retrieval/stance.py, as the page shows it), its
Excel file has a "Stance" column (a "Findings" sheet, one row per finding), and a plan whose findings were filtered
by stance (`inspections plan --stance`, the page's "What inspectors say") exports only those and says so in its
header. The Compare, Themes and Ask Word and Markdown exports label their quotations the same way.

All on the session index of corpus/ through the real capabilities and CLI; the files are read back with python-docx
and openpyxl. Herefordshire 2022's recommendations are backed by findings that criticise, and its report also holds
paragraphs that praise (tests/test_stance_filters.py).
"""
from __future__ import annotations

import io

import pytest
from conftest import run_cli

LABELS = {"strength": "Strength", "concern": "Concern", "mixed": "Mixed", "neutral": "Neutral"}
KEPT = "What inspectors say: only findings that state"


@pytest.fixture
def user_env(tmp_path):
    return {"INSPECTIONS_USERDATA": str(tmp_path / "user.sqlite3")}


@pytest.fixture(scope="module")
def plan(index_dir, tmp_path_factory):
    """Herefordshire's action plan, every finding kept (as the CLI prints it with --json)."""
    from retrieval import userstore
    from retrieval.plan import action_plan
    from retrieval.search import Searcher
    from retrieval.store import Store

    store = userstore.UserStore(tmp_path_factory.mktemp("plan_user") / "user.sqlite3")
    return action_plan(Searcher(Store(str(index_dir))), "Herefordshire", store=store).to_json()


def _findings(plan: dict) -> list[dict]:
    return [e for it in plan["items"] for e in it["evidence"]]


def _quote_labels(data: bytes) -> list[tuple[str, str]]:
    """(label, the line under each quotation) of a Word file: the first run of the paragraph after each Quote."""
    from docx import Document

    paras = Document(io.BytesIO(data)).paragraphs
    out = []
    for p, under in zip(paras, paras[1:]):
        if p.style.name == "Quote":
            assert under.runs, "nothing under the quotation"
            first = under.runs[0]
            assert first.bold and first.font.color.rgb is not None, under.text  # a label, not body text
            out.append((first.text, under.text))
    return out


def test_plan_word_labels_every_finding_with_its_stance(plan):
    from app.plan_export import plan_docx

    findings = _findings(plan)
    assert findings and {"concern", "strength"} & {e["stance"] for e in findings}
    labels = _quote_labels(plan_docx(plan))
    assert [lab for lab, _ in labels] == [LABELS[e["stance"]] for e in findings]  # every quote, in the plan's order
    for (_lab, under), e in zip(labels, findings):
        assert e["citation"] in under  # the label sits on the citation line under its own quotation
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(plan_docx(plan))).paragraphs)
    assert KEPT not in text  # nothing filtered, so the header says nothing about it


def test_plan_excel_has_a_stance_column(plan):
    from openpyxl import load_workbook

    from app.plan_export import plan_xlsx

    wb = load_workbook(io.BytesIO(plan_xlsx(plan)))
    assert wb.sheetnames == ["Action plan", "Findings"]
    ws = wb["Findings"]
    header = [c.value for c in ws[4]]
    assert "Stance" in header
    col = {h: i for i, h in enumerate(header)}
    body = [r for r in ws.iter_rows(min_row=5, values_only=True) if any(r)]
    findings = _findings(plan)
    assert [r[col["Stance"]] for r in body] == [LABELS[e["stance"]] for e in findings]
    assert [r[col["Citation"]] for r in body] == [e["citation"] for e in findings]
    assert [r[col["Finding"]] for r in body] == [e["text"] for e in findings]
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A4:")  # filter the findings by stance
    # the plan's own sheet: each evidence line says its stance too
    main = wb["Action plan"]
    mcol = {c.value: i for i, c in enumerate(main[4])}
    lines = [line for row in main.iter_rows(min_row=5, values_only=True)
             for line in (row[mcol["Evidence paragraphs"]] or "").splitlines()]
    assert lines == [f"{LABELS[e['stance']]}: {e['citation']}" for e in findings]


@pytest.mark.parametrize("stance, allowed", [("strength", {"Strength", "Mixed"}), ("concern", {"Concern", "Mixed"})])
def test_a_filtered_plan_exports_only_those_findings_and_says_so(index_dir, user_env, tmp_path, stance, allowed):
    from docx import Document
    from openpyxl import load_workbook

    docx, xlsx = tmp_path / "plan.docx", tmp_path / "plan.xlsx"
    for out in (docx, xlsx):
        p = run_cli("plan", "--council", "Herefordshire", "--stance", stance, "--format", out.suffix[1:], "--output", str(out),
                    "--index", str(index_dir), env=user_env)
        assert p.returncode == 0, p.stdout + p.stderr
    labels = [lab for lab, _ in _quote_labels(docx.read_bytes())]
    assert labels and set(labels) <= allowed and LABELS[stance] in labels
    head = [p.text for p in Document(str(docx)).paragraphs[:4]]
    assert any(h.startswith(f"{KEPT} a {stance}") for h in head), head
    wb = load_workbook(xlsx)
    assert wb["Action plan"]["A3"].value.startswith(f"{KEPT} a {stance}")
    assert wb["Findings"]["A2"].value.startswith(f"{KEPT} a {stance}")
    stances = [r[2] for r in wb["Findings"].iter_rows(min_row=5, values_only=True) if any(r)]
    assert stances and set(stances) <= allowed
    md = run_cli("plan", "--council", "Herefordshire", "--stance", stance, "--format", "md", "--output", "-",
                 "--index", str(index_dir), env=user_env)
    assert md.returncode == 0 and KEPT in md.stdout and f"**{LABELS[stance]}** —" in md.stdout


def test_compare_exports_label_each_quote(searcher):
    from app.export import comparison_docx, comparison_markdown
    from retrieval.compare import compare

    every = compare(searcher, "private fostering", ["Cambridgeshire", "Herefordshire"], k=3, latest=True)
    quoted = [e for c in every["councils"] for e in c["evidence"]]
    assert quoted
    labels = _quote_labels(comparison_docx(every))
    assert [lab for lab, _ in labels] == [LABELS[e["stance"]] for e in quoted]
    assert all("Source: " in under for _, under in labels)
    md = comparison_markdown(every)
    for e in quoted:
        assert f"**{LABELS[e['stance']]}** · Source: {e['citation']}" in md.replace("\\", "")
    assert "What inspectors say:" not in md
    kept = compare(searcher, "private fostering", ["Cambridgeshire", "Herefordshire"], k=3, latest=True,
                   stance="strength")
    labels = [lab for lab, _ in _quote_labels(comparison_docx(kept))]
    assert labels and set(labels) <= {"Strength", "Mixed"}
    assert "What inspectors say: only paragraphs that state a strength" in comparison_markdown(kept)


def test_themes_word_labels_each_quote(index_dir):
    from conftest import cli_json

    from app.ui_themes import csv_bytes, docx_bytes

    data = cli_json("themes", "private fostering", "--latest", "--index", str(index_dir))
    quoted = [e for r in data["councils"] for e in r["evidence"]]
    assert quoted
    labels = _quote_labels(docx_bytes(data, data["councils"]))
    assert [lab for lab, _ in labels] == [LABELS[e["stance"]] for e in quoted]
    import csv

    rows = list(csv.DictReader(io.StringIO(csv_bytes(data["councils"]).decode("utf-8-sig"))))
    assert [r["Stance"] for r in rows] == [LABELS[r["evidence"][0]["stance"]] for r in data["councils"]]


def test_ask_exports_label_each_quote(searcher):
    from app.export import answer_docx, answer_markdown

    res = searcher.ask("what did inspectors say about care leaver accommodation?")
    assert res.evidence
    labels = _quote_labels(answer_docx(res))
    assert [lab for lab, _ in labels] == [LABELS[e.stance] for e in res.evidence]
    md = answer_markdown(res)
    assert md.count(" · Source: ") == len(res.evidence)


def test_json_without_stances_is_labelled_by_the_same_rule():
    """A plan or answer saved before stances were stored exports with the labels retrieval/stance.py gives."""
    from app.export import stance_label
    from retrieval.stance import stance

    text = "There are not enough foster carers and too many children wait too long for a permanent home."
    assert stance_label({"text": text}) == LABELS[stance(text)] == "Concern"
