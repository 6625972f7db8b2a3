"""Every real Ofsted document read: front pages in every form, visit and joint inspection letters, grades kept as
text and section paths as printed.

Front pages are built on the structure of real ones (a page number, the council in any case and form, the title
broken over lines); the letters come from tests/fixtures/make_letters.py (the corpus holds none); grades and
section paths are read from the real PDFs in corpus/.
"""
from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import pytest

from ingest.loaders import load
from ingest.metadata import read_metadata
from ingest.models import Document, Page
from ingest.pipeline import parse_file
from ingest.segment import segment

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from conftest import CORPUS, cli_json, run_cli  # noqa: E402
from make_letters import write_letters  # noqa: E402

# the rest of a 2018+ front page and a second page, as pypdf gives them
_FRONT_REST = ("Inspection dates: 13 to 24 February 2023 \nLead inspector: Jo Example, His Majesty\u2019s Inspector \n"
               " \nJudgement Grade \nThe impact of leaders on social work practice with children \nand families "
               "Requires improvement to be good \nThe experiences and progress of children who need help \nand "
               "protection Requires improvement to be good \nOverall effectiveness Requires improvement to be good \n"
               + "Leaders have a clear understanding of the services that children receive and of what needs to "
                 "improve. \n" * 6)
_PAGE_TWO = ("What needs to improve in this area of social work practice \n" +
             "Social workers visit children regularly and know them well. \n" * 20)

FRONT_PAGES = {
    # the held-out Tameside report's form: page number, council in lower case, the title broken over lines
    "council before title, lower case": "1 \n \nTameside metropolitan borough \nInspection of local authority "
                                        "children\u2019s services \nservices \n",
    "title broken over lines": "1 \nTameside metropolitan borough \nInspection of local authority children\u2019s \n"
                               "services \n",
    "title broken twice": "1 \nTameside Metropolitan Borough Council \nInspection of local \nauthority children\u2019s "
                          "\nservices \n",
    "capitals": "1 \nTAMESIDE METROPOLITAN BOROUGH COUNCIL \nINSPECTION OF LOCAL AUTHORITY CHILDREN\u2019S SERVICES \n",
    "modifier apostrophe": "1 \nTameside metropolitan borough \nInspection of local authority children\u02bcs services \n",
    "apostrophe lost": "1 \nTameside metropolitan borough \nInspection of local authority childrens services \n",
    "apostrophe spaced": "1 \nTameside metropolitan borough \nInspection of local authority children\u2019 s services \n",
    "council after title": "Page 1 of 24 \nInspection of local authority children\u2019s services \n"
                           "tameside metropolitan borough council \n",
    "council named in title": "Inspection of Tameside local authority \nchildren\u2019s services \n",
    "borough council, older title": "1 \nTameside Borough Council \nInspection of children\u2019s social care services \n",
    "metropolitan borough of": "2 \nMetropolitan Borough of Tameside \nInspection of local authority children\u2019s "
                               "services \n",
}


def _front_page_doc(front: str, title_last: bool = False) -> Document:
    page1 = (_FRONT_REST + front) if title_last else (front + _FRONT_REST)
    return Document(path="50231520.pdf", sha256="0" * 64, source_type="pdf",
                    pages=[Page(1, page1), Page(2, _PAGE_TWO)], info={"/CreationDate": "D:20230411103000"})


@pytest.mark.parametrize("form", list(FRONT_PAGES))
def test_front_page_forms_are_read(form):
    m = read_metadata(_front_page_doc(FRONT_PAGES[form]))
    assert (m.council, m.kind, m.framework) == ("Tameside", "ofsted_inspection", "ilacs_2018")
    assert m.title.lower().startswith("inspection of")
    assert m.inspection_dates == "13 to 24 February 2023"
    assert m.published == "2023-04-12"  # the next working day after the PDF was made


def test_title_out_of_reading_order_and_on_a_cover_page():
    """pypdf may give the title after the rest of the page; a cover page may hold only the title."""
    front = FRONT_PAGES["council before title, lower case"]
    assert read_metadata(_front_page_doc(front, title_last=True)).council == "Tameside"
    cover = Document(path="x.pdf", sha256="0" * 64, source_type="pdf",
                     pages=[Page(1, front), Page(2, _FRONT_REST), Page(3, _PAGE_TWO)])
    m = read_metadata(cover)
    assert (m.council, m.kind, m.inspection_dates) == ("Tameside", "ofsted_inspection", "13 to 24 February 2023")


def test_a_council_paper_quoting_the_title_is_not_an_ofsted_report():
    paper = ("Report to: Cabinet \nMeeting date: 12 June 2023 \nWards affected: all \nPortfolio: Children \n"
             "Inspection of local authority children\u2019s services \nThe report sets out Ofsted\u2019s findings "
             "for Tameside Metropolitan Borough Council and the council\u2019s response. \n" * 3)
    doc = Document(path="x.pdf", sha256="0" * 64, source_type="pdf", pages=[Page(1, paper), Page(2, _PAGE_TWO)])
    assert read_metadata(doc).kind == "council_report"


# ---------------------------------------------------------------------------------------------------- letters

@pytest.fixture(scope="module")
def letters(tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    folder = tmp_path_factory.mktemp("letters")
    return folder, write_letters(folder)


@pytest.mark.parametrize("name", ["focused_visit.pdf", "monitoring_visit.pdf", "jtai_2023.pdf", "jtai_2018.pdf"])
def test_letters_are_recognised_with_kind_council_and_dates(letters, name):
    folder, expected = letters
    want = expected[name]
    parsed = parse_file(folder / name)
    r = parsed.report
    assert (r.council, r.kind, r.framework) == (want["council"], want["kind"], want["framework"])
    assert r.title.replace("\u2019", "'") == want["title"]
    assert r.inspection_dates == want["inspection_dates"]
    assert r.published == want["published"]
    # findings are unnumbered paragraphs under their headings, on the page they are printed on
    quote, page = want["finding"]
    found = [p for p in parsed.paragraphs if p.text.startswith(quote)]
    assert len(found) == 1 and found[0].number is None and found[0].page == page
    assert found[0].section and "Dear" not in found[0].section
    texts = " ".join(p.text for p in parsed.paragraphs)
    # the address block, the salutation and the signature are not findings
    assert "Piccadilly Gate" not in texts and "Dear " not in texts and "Yours sincerely" not in texts
    assert all(not p.text.startswith("This letter summarises") or p.page == 1 for p in parsed.paragraphs)


def test_letter_findings_are_searchable_and_cited_by_page(letters, tmp_path):
    folder, expected = letters
    index = tmp_path / "idx"
    p = run_cli("ingest", str(folder), "--index", str(index), "--quiet")
    assert p.returncode == 0, p.stdout + p.stderr
    kinds = {r["council"]: r["kind"] for r in cli_json("reports", "--index", str(index))}
    assert kinds == {"Tameside": "ofsted_visit", "Sandwell": "ofsted_visit", "Bromley": "ofsted_jtai",
                     "Hartlepool": "ofsted_jtai"}
    res = cli_json("ask", "do independent reviewing officers challenge drift in plans?", "--council", "Sandwell",
                   "--index", str(index))
    top = res["evidence"][0]
    assert top["text"].startswith("Independent reviewing officers challenge drift")
    assert (top["kind"], top["paragraph"], top["page"]) == ("ofsted_visit", None, 2)
    assert top["citation"] == ("Ofsted, Monitoring visit to Sandwell children's services, published "
                               "8 December 2023, page 2")
    res = cli_json("ask", "health visitors recognise the signs of harm", "--council", "Bromley", "--index", str(index))
    assert res["evidence"][0]["text"].startswith("Health visitors and school nurses")
    assert res["evidence"][0]["section"] == "Strengths"


# ---------------------------------------------------------------------------------------------------- grades as text

@cache
def _paragraphs(rel: str) -> list:
    return segment(load(CORPUS / rel))


@pytest.mark.parametrize("rel,starts,page,section,grade", [
    # 2018+: the graded section heading
    ("ofsted/cambridgeshire/2024-05-16.pdf", "The experiences and progress of care leavers: requires improvement to "
     "be good", 8, "The experiences and progress of care leavers", "Requires improvement to be good"),
    # 2014-2018: the graded sentence-heading of a sub-judgement, and a graded section heading with its grade below
    ("ofsted/central-bedfordshire/2017-08-25.pdf", "The graded judgement about the experience and progress of care "
     "leavers is that it is good", 20, "The experiences and progress of children looked after and achieving "
     "permanence > Experience and progress of care leavers", "Good"),
    ("ofsted/central-bedfordshire/2017-08-25.pdf", "The experiences and progress of children looked after and "
     "achieving permanence Requires improvement to be good", 14, "The experiences and progress of children looked "
     "after and achieving permanence", "Requires improvement to be good"),
])
def test_graded_headings_are_kept_as_paragraphs(rel, starts, page, section, grade):
    found = [p for p in _paragraphs(rel) if p.text.startswith(starts)]
    assert len(found) == 1
    p = found[0]
    assert (p.number, p.page, p.section, p.grade) == (None, page, section, grade)


def test_record_of_main_findings_is_kept_as_a_paragraph():
    """2009-2013 reports close with a table of every area and its grade."""
    found = [p for p in _paragraphs("seeds/004_18dbb9304245f449.txt") if p.text.startswith("Record of main findings")]
    assert len(found) == 1
    text = found[0].text
    assert found[0].number is None and found[0].section.endswith("Record of main findings")
    for row in ("Safeguarding services", "Being healthy Inadequate", "Staying safe Adequate",
                "Making a positive contribution, including user engagement Good"):
        assert row in text


def test_section_paths_follow_the_reports_sections():
    """A 2013-2017 report: the recommendations are their own section (not under 'Information about this local
    authority area'), and the sub-judgements sit under children looked after (where the PDF prints them), not under
    the section before; the grade wrapped over two lines ('Requires improvement' / 'to be good') is a grade."""
    paras = {p.number: p for p in _paragraphs("ofsted/central-bedfordshire/2017-08-25.pdf") if p.number}
    looked_after = "The experiences and progress of children looked after and achieving permanence"
    assert paras["1"].section == "Recommendations"
    assert paras["10"].section == "The experiences and progress of children who need help and protection > " \
                                  "Inspection findings"
    assert paras["30"].section == f"{looked_after} > Inspection findings"
    assert paras["30"].grade == "Requires improvement to be good"
    assert paras["47"].section == f"{looked_after} > Adoption performance" and paras["47"].grade == "Good"
    assert paras["58"].section == f"{looked_after} > Experience and progress of care leavers"
    assert paras["68"].section == "Leadership, management and governance > Inspection findings"
    assert paras["84"].section == "The Local Safeguarding Children Board > Recommendations"
    # 2018+: the heading's verb is not part of the section name ('... care leavers are: good')
    ilacs = [p for p in _paragraphs("ofsted/herefordshire/2018-07-23.pdf") if p.number]
    assert not any(p.section.endswith((" is", " are")) for p in ilacs)
