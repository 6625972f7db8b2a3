"""'Download for a draft': answers and comparisons as Word (.docx, opened again with python-docx) and Markdown."""
from __future__ import annotations

import io

import pytest
from docx import Document

from app.export import answer_docx, answer_markdown, comparison_docx, comparison_markdown, filename

P128 = ("There is not sufficient suitable accommodation to meet the needs of care leavers. Cases reviewed by "
        "inspectors indicated that care leavers have recently been placed in unsuitable bed and breakfast provision.")
CITE = "Ofsted, Inspection of safeguarding and looked after children services, published 10 April 2012, paragraph 128"


def answer_dict() -> dict:
    return {
        "question": "What did inspectors say about care leaver accommodation?",
        "answer": "Central Bedfordshire\n- There is not sufficient suitable accommodation to meet the needs of care "
                  "leavers. [1]\n\nNorth Tyneside\n- The proportion is *extremely* high at 98%. [2]",
        "message": "",
        "evidence": [
            {"report_id": "c708", "council": "Central Bedfordshire", "title": "Inspection of safeguarding and looked "
             "after children services", "kind": "ofsted_inspection", "published": "2012-04-10", "paragraph": "128",
             "part": "main", "section": "Economic well-being", "page": 1, "text": P128, "score": 0.1,
             "citation": CITE},
            {"report_id": "6bfe", "council": "North Tyneside", "title": "Inspection of services", "kind":
             "ofsted_inspection", "published": "2017-06-13", "paragraph": None, "part": "main", "section": "",
             "page": 31, "text": "The proportion is *extremely* high at 98%.\x0c | pipes | and $5",
             "score": 0.05, "citation": "Ofsted, Inspection of services, published 13 June 2017, page 31"},
        ],
        "recommendations": [{"text": "Ensure that care leavers live in suitable accommodation.",
                             "timescale": "Within three months", "owner": "Central Bedfordshire Council",
                             "citation": "Ofsted, Inspection of safeguarding and looked after children services, "
                                         "published 10 April 2012, paragraph 150"}],
        "judgements": [{"council": "Central Bedfordshire", "published": "2012-04-10", "area": "Economic well-being",
                        "grade": "Adequate"}],
    }


def docx_text(data: bytes) -> tuple[str, list]:
    doc = Document(io.BytesIO(data))
    paras = "\n".join(p.text for p in doc.paragraphs)
    return paras, doc.tables


def test_answer_docx_quotes_and_cites():
    data = answer_docx(answer_dict())
    assert data[:2] == b"PK"
    text, tables = docx_text(data)
    assert "What did inspectors say about care leaver accommodation?" in text
    assert P128 in text and CITE in text
    assert "paragraph 128" in text and "Economic well-being; page 1; paragraph 128" in text
    assert "Ensure that care leavers live in suitable accommodation." in text
    assert "Timescale: Within three months; Owner: Central Bedfordshire Council" in text
    assert "\x0c" not in text  # control characters from PDF text layers are dropped
    assert tables and tables[0].rows[1].cells[3].text == "Adequate"
    doc = Document(io.BytesIO(data))
    styles = {p.style.name for p in doc.paragraphs}
    assert "Quote" in styles and "List Bullet" in styles
    assert doc.core_properties.title.startswith("What did inspectors say")


def test_answer_markdown():
    md = answer_markdown(answer_dict())
    assert md.startswith("# What did inspectors say about care leaver accommodation?")
    assert "## Answer" in md and "**Central Bedfordshire**" in md
    assert "> " + P128 in md
    assert f"Source: {CITE}" in md
    assert "\\*extremely\\*" in md and "\\| pipes \\|" in md  # quoted text cannot turn into formatting
    assert "## Recommendations" in md and "(Timescale: Within three months; Owner: Central Bedfordshire Council)" in md
    assert "| Central Bedfordshire | 10 April 2012 | Economic well-being | Adequate |" in md


def test_conversation_export_has_every_answer():
    a, b = answer_dict(), dict(answer_dict(), question="And what about health?")
    md = answer_markdown([a, b])
    assert "## 1. What did inspectors say" in md and "## 2. And what about health?" in md
    text, _ = docx_text(answer_docx([a, b]))
    assert "1. What did inspectors say" in text and "2. And what about health?" in text


def test_empty_answer_still_exports():
    a = {"question": "zzz", "answer": "", "evidence": [], "recommendations": [], "judgements": [],
         "message": "No indexed report for Devon."}
    assert "No indexed report for Devon." in answer_markdown(a)
    text, _ = docx_text(answer_docx(a))
    assert "No answer was found" in text and "Devon" in text


def test_comparison_exports():
    a = answer_dict()
    data = {"topic": "care leaver accommodation", "councils": [
        {"council": "Central Bedfordshire", "indexed": True, "evidence": a["evidence"][:1],
         "judgements": a["judgements"], "recommendations": a["recommendations"]},
        {"council": "Devon", "indexed": False, "evidence": [], "judgements": [], "recommendations": [],
         "message": "No indexed report for Devon."}]}
    md = comparison_markdown(data)
    assert "# Comparison: care leaver accommodation" in md and "## Devon" in md and "No indexed report for Devon." in md
    assert f"Source: {CITE}" in md
    text, tables = docx_text(comparison_docx(data))
    assert P128 in text and CITE in text and "No indexed report for Devon." in text
    assert tables[0].rows[1].cells[2].text == "Adequate"


def test_filenames_are_safe():
    assert filename("What did inspectors say about care leavers?", "docx") == \
        "findings-what-did-inspectors-say-about-care-leavers.docx"
    assert filename("../../etc/passwd", "md") == "findings-etc-passwd.md"
    assert filename("", "md") == "findings-export.md"


@pytest.mark.parametrize("fmt", ["docx", "md"])
def test_real_answer_exports(searcher, fmt):
    res = searcher.ask("what did inspectors say about care leaver accommodation?")
    e128 = next(e for e in res.evidence if e.paragraph == "128")
    if fmt == "docx":
        text, _ = docx_text(answer_docx(res))
    else:
        text = answer_markdown(res).replace("\\", "")
    assert e128.citation in text
    assert e128.text.split(". ")[0] in text
