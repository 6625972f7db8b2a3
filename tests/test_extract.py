"""Recommendations and judgements come out whole and right from every layout in the repository's corpus.

Each test reads a real file under corpus/ (never a fixture written for the test): the 2012 Central Bedfordshire
report (plain text with its extraction flaws), 2014 and 2017 single-inspection-framework PDFs, 2022 and 2025 ILACS
PDFs and the council reports.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.judgements import extract_judgements
from ingest.loaders import load
from ingest.models import Document
from ingest.recommendations import body_lines, extract_recommendations

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    cache: dict[str, Document] = {}

    def get(rel: str) -> Document:
        if rel not in cache:
            cache[rel] = load(CORPUS / rel)
        return cache[rel]

    return get  # type: ignore[return-value]


def recs(doc: Document, kind: str = "ofsted_inspection", framework: str | None = None):
    return extract_recommendations(doc, framework, kind)


def grades(doc: Document, kind: str = "ofsted_inspection") -> dict[str, str]:
    return {j.area: j.grade for j in extract_judgements(doc, None, kind)}


# --- 2012: seed 004 (SLAC, plain text) -------------------------------------------------------------------------

SEED_2012 = "seeds/004_18dbb9304245f449.txt"


def test_2012_areas_for_improvement_come_out_as_two_whole_lists(docs):
    got = recs(docs(SEED_2012), framework="slac_2009_2012")
    first = [r for r in got if r.paragraph == "24"]
    second = [r for r in got if r.paragraph == "90"]
    assert len(first) == 8 and len(second) == 13 and len(got) == 21
    assert [r.timescale for r in first] == ["Immediately"] + ["Within three months"] * 2 + ["Within six months"] * 5
    assert [r.timescale for r in second] == ["Immediately"] * 3 + ["Within three months"] * 8 + \
        ["Within six months"] * 2
    # the first item lost its bullet glyph in the text conversion; it is still an item, and whole
    assert first[0].text == ("ensure that case chronologies consistently record the key events in a child's life so "
                             "that critical incidents can be fully analysed and used to inform case planning.")
    # a line the converter turned into a bullet ("- and local needs ...") belongs to the item before it
    assert first[4].text.endswith("in line with national directives and local needs to provide the commissioned "
                                  "service, and universal health child programme")
    # an item wrapped over three indented lines
    assert first[6].text.startswith("NHS Bedfordshire and Luton and South Essex University Partnership Trust should "
                                    "ensure that transition to adult mental health and learning disability")
    assert all(r.kind == "recommendation" and r.number is None for r in got)


def test_2012_owners_are_the_agencies_named(docs):
    got = recs(docs(SEED_2012))
    owners = [r.owner for r in got]
    assert owners[:4] == [None] * 4
    assert owners[4:8] == ["NHS Bedfordshire and Luton", "NHS Bedfordshire and Luton and the CBSCB",
                           "NHS Bedfordshire and Luton and South Essex University Partnership Trust",
                           "NHS Bedfordshire and Luton"]
    assert owners[15:19] == ["NHS Bedfordshire and Luton", "NHS Bedfordshire and Luton",
                             "NHS Bedfordshire and Luton and Central Bedfordshire Council",
                             "NHS Bedfordshire and Luton"]  # "... must ensure" counts too
    assert owners[8:15] == [None] * 7 and owners[19:] == [None, None]


def test_2012_record_of_main_findings_gives_every_row(docs):
    got = extract_judgements(docs(SEED_2012), "slac_2009_2012", "ofsted_inspection")
    # The table prints 22 graded rows (10 for safeguarding services, 12 for looked after children; the North
    # Tyneside cabinet report confirms "the inspection examines 22 areas"); group rows carry no grade.
    assert len(got) == 22
    by_area = {j.area: (j.grade, j.score) for j in got}
    assert by_area["Safeguarding services > Overall effectiveness"] == ("Good", 2)
    assert by_area["Safeguarding services > The contribution of health agencies to keeping children and young "
                   "people safe"] == ("Adequate", 3)
    assert by_area["Services for looked after children > Overall effectiveness"] == ("Adequate", 3)
    assert by_area["Services for looked after children > Being healthy"] == ("Inadequate", 4)
    assert by_area["Services for looked after children > Making a positive contribution, including user "
                   "engagement"] == ("Good", 2)
    assert not any("Safeguarding outcomes" in a or "How good" in a for a in by_area)


# --- 2014 and 2017: single inspection framework ----------------------------------------------------------------


def test_2014_lists_numbered_whole_and_lscb_owned(docs):
    doc = docs("ofsted/herefordshire/2014-06-30.pdf")
    got = recs(doc, framework="sif_2013_2017")
    assert [r.number for r in got] == [str(n) for n in range(17, 45)] + [str(n) for n in range(149, 157)]
    la, lscb = got[:28], got[28:]
    assert all(r.owner is None and r.timescale is None for r in la)
    assert all(r.owner == "LSCB" for r in lscb)
    # "16. There are no areas of priority action." is not a recommendation
    assert not any(r.text.startswith("There are no") for r in got)
    # item 27 runs over a page break: the running page number between its lines is gone
    item27 = next(r for r in got if r.number == "27")
    assert item27.text.endswith("appropriate alternative accommodation is available to prevent young people being "
                                "held in police custody overnight.")
    assert item27.page == 5
    assert lscb[0].text == "Ensure that governance arrangements between the LSCB and the Improvement Board are clarified."


def test_2014_judgement_list_overall_and_lscb(docs):
    got = grades(docs("ofsted/herefordshire/2014-06-30.pdf"))
    assert got == {
        "Overall effectiveness": "Requires improvement",
        "The effectiveness of the Local Safeguarding Children Board": "Requires improvement",
        "Children who need help and protection": "Requires improvement",
        "Children looked after and achieving permanence": "Requires improvement",
        "Adoption performance": "Good",
        "Experiences and progress of care leavers": "Requires improvement",
        "Leadership, management and governance": "Requires improvement",
    }


def test_2014_named_partners_own_their_lscb_recommendation(docs):
    got = recs(docs("ofsted/cambridgeshire/2014-08-08.pdf"))
    assert [r.number for r in got] == [str(n) for n in range(13, 22)] + ["129", "130", "131"]
    assert got[-1].owner == "the LSCB and health commissioners"
    assert got[-3].owner == "LSCB"  # "A comprehensive data report should be developed": the board's, not the report's
    assert grades(docs("ofsted/cambridgeshire/2014-08-08.pdf"))["Overall effectiveness"] == "Good"


def test_2017_recommendations_and_judgements(docs):
    doc = docs("ofsted/central-bedfordshire/2017-08-25.pdf")
    got = recs(doc, framework="sif_2013_2017")
    assert [r.number for r in got] == [str(n) for n in range(1, 10)] + ["84", "85", "86"]
    assert [r.owner for r in got] == [None] * 9 + ["LSCB"] * 3
    g = grades(doc)
    assert g["Children looked after and achieving permanence"] == "Requires improvement to be good"
    assert g["The effectiveness of the Local Safeguarding Children Board"] == "Good"
    assert g["Overall effectiveness"] == "Good" and len(g) == 7


# --- 2018 onwards: ILACS -----------------------------------------------------------------------------------------


def test_ilacs_what_needs_to_improve_bullets(docs):
    got = recs(docs("ofsted/central-bedfordshire/2022-03-04.pdf"), framework="ilacs_2018")
    assert [r.text for r in got] == [
        "The appraisal of information, to inform decision-making about contacts and child protection enquiries, to "
        "ensure that children receive the support they need at the earliest opportunity.",
        "The timeliness, oversight and effective use of the pre-proceedings stage of the PLO, to drive progress and "
        "make improvements at sufficient pace for the child.",
        "The consistency in recording key decisions and changes in children’s plans on case records.",
    ]
    assert all(r.page == 2 and r.timescale is None and r.owner is None and r.number is None for r in got)


def test_ilacs_table_with_children_in_care_and_care_leavers_together(docs):
    got = extract_judgements(docs("ofsted/central-bedfordshire/2022-03-04.pdf"), "ilacs_2018",
                             "ofsted_inspection")
    assert [(j.area, j.grade) for j in got] == [
        ("The impact of leaders on social work practice with children and families", "Good"),
        ("The experiences and progress of children who need help and protection", "Good"),
        ("The experiences and progress of children in care and care leavers", "Good"),
        ("Overall effectiveness", "Good"),
    ]  # no separate care leavers judgement is invented from the section headings


def test_ilacs_table_with_separate_care_leavers(docs):
    doc = docs("ofsted/north-tyneside/2025-01-13.pdf")
    got = grades(doc)
    assert got == {
        "The impact of leaders on social work practice with children and families": "Outstanding",
        "The experiences and progress of children who need help and protection": "Outstanding",
        "The experiences and progress of children in care": "Outstanding",
        "The experiences and progress of care leavers": "Outstanding",
        "Overall effectiveness": "Outstanding",
    }
    assert [r.text for r in recs(doc)] == [
        "Attendance of multi-agency partners at key decision-making meetings for children in need of help and "
        "protection.",
        "The consistency and quality of written contingency plans.",
    ]


def test_older_ilacs_grades_mixed(docs):
    got = grades(docs("ofsted/cambridgeshire/2019-02-18.pdf"))
    assert got["The impact of leaders on social work practice with children and families"] == "Good"
    assert got["The experiences and progress of children who need help and protection"] == "Requires improvement"
    assert got["Overall effectiveness"] == "Requires improvement"
    assert len(recs(docs("ofsted/cambridgeshire/2019-02-18.pdf"))) == 4


def test_running_headers_are_not_text(docs):
    lines = body_lines(docs("ofsted/central-bedfordshire/2022-03-04.pdf"))
    assert not any(ln.text.startswith("Inspection of Central Bedfordshire local authority") and ln.page > 1
                   for ln in lines)
    assert not any(ln.text.startswith("17 to 21 January 2022") for ln in lines)


# --- council reports ----------------------------------------------------------------------------------------------


def test_council_report_quotes_twelve_formal_recommendations(docs):
    got = recs(docs("seeds/002_222567e1b7fed4d7.txt"), kind="council_report")
    formal = [r for r in got if r.kind == "recommendation"]
    decisions = [r for r in got if r.kind == "council decision"]
    assert len(formal) == 12
    assert [r.timescale for r in formal] == ["Within three months"] * 3 + ["Within six months"] * 4 + \
        ["Within three months"] * 2 + ["Within six months"] * 3
    assert {r.group for r in formal[:7]} == {"Recommendations in relation to safeguarding"}
    assert {r.group for r in formal[7:]} == {"Recommendations in relation to Looked After Children"}
    assert formal[6].owner == "the Local Safeguarding Children Board"
    assert [r.text for r in decisions] == ["Cabinet is invited to comment on and approve the Improvement Plan."]


def test_council_decisions_as_printed(docs):
    a = recs(docs("seeds/001_5200bfa8f44a5482.txt"), kind="council_report")
    assert [(r.number, r.kind) for r in a] == [("a", "council decision"), ("b", "council decision"),
                                              ("c", "council decision")]
    assert a[1].text == "approve the action plan attached as Appendix 2 as the response to the areas for improvement " \
                        "identified;"
    b = recs(docs("seeds/003_c839e8cefc8a4b2d.txt"), kind="council_report")
    assert [r.number for r in b] == ["1.2.1", "1.2.2"] and all(r.paragraph == "1.2" for r in b)
    c = recs(docs("seeds/000_9b2c901988472ad8.txt"), kind="council_report")
    assert len(c) == 1 and c[0].text.startswith("agree the Action Plan to support improvement")


def test_council_reports_give_no_judgements_of_their_own(docs):
    for name in ("000_9b2c901988472ad8", "001_5200bfa8f44a5482", "002_222567e1b7fed4d7", "003_c839e8cefc8a4b2d"):
        assert extract_judgements(docs(f"seeds/{name}.txt"), None, "council_report") == []


def test_layout_is_read_from_the_text_not_the_hints(docs):
    """Wrong or missing framework/kind hints do not change what an Ofsted report yields."""
    doc = docs("ofsted/herefordshire/2014-06-30.pdf")
    assert len(extract_recommendations(doc, None, "ofsted_inspection")) == 36
    assert len(extract_recommendations(doc, "ilacs_2018", "ofsted_inspection")) == 36
    assert len(extract_judgements(doc, "ilacs_2018", "ofsted_inspection")) == 7
