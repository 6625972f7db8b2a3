"""Page cleaning and paragraph segmentation on the repo's real reports (corpus/seeds and corpus/ofsted).

Expected boundaries were read off the source files by hand; the numbering checks hold for every PDF in the repo.
"""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from ingest.clean import clean_pages
from ingest.loaders import load
from ingest.models import Document, Page, Paragraph
from ingest.segment import segment

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
PDFS = sorted((ROOT / "corpus" / "ofsted").glob("*/*.pdf"))
SEED_2012 = SEEDS / "004_18dbb9304245f449.txt"

# running-header text that must never be inside a paragraph: the 2021+ two-line header (title, then dates with
# the page number) and its date line on its own
HEADER = re.compile(r"local authority children.s services\s+\d{1,2}(?: \w+)? (?:to|-|\u2013) \d{1,2} \w+ 20\d\d"
                    r"|\d{1,2}(?: \w+)? (?:to|-|\u2013) \d{1,2} \w+ 20\d\d \d{1,2} [A-Za-z]", re.IGNORECASE)
BULLET_GLYPHS = re.compile("[\uf06e\uf02d\uf0a7\uf0b7\u25fc]")


@cache
def paragraphs(path: Path) -> tuple[Paragraph, ...]:
    return tuple(segment(load(path)))


def by_number(paras, number: str, part: str = "main") -> Paragraph:
    found = [p for p in paras if p.number == number and p.part == part]
    assert len(found) == 1, f"paragraph {number} ({part}) found {len(found)} times"
    return found[0]


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


# --- the 2012 seed report (text converted with flaws) ---------------------------------------------------------

def test_seed_2012_numbers_run_1_to_156_in_order():
    nums = [p.number for p in paragraphs(SEED_2012) if p.number]
    assert nums == [str(n) for n in range(1, 157)]


@pytest.mark.parametrize("number, starts, ends", [
    # continues after an old page break as a fake "- " item
    ("9", "Central Bedfordshire also has 12 specialist commissioned services including",
     ("and a looked after children and leaving care team based in Bedford. The adoption and fostering team are "
      "currently based in Bedford.")),
    ("20", "The capacity for improvement is good. The council and its partners",
     "managers take prompt action to address them and have a proven track record of improvement."),
    # takes in its recommendation list, timescale lines and all
    ("24", "In order to improve the quality of provision and services for safeguarding children",
     ("use the experience of service users as part of the needs assessment when reviewing service design and "
      "delivery.")),
    # printed mid-line in the source: "- In cases seen by inspectors ... safeguarded 37. and the quality"
    ("37", "In cases seen by inspectors children had been appropriately safeguarded and the quality and timeliness",
     "ensuring that the cultural needs of the child are met."),
    ("128", "There is not sufficient suitable accommodation to meet the needs of care leavers.",
     "action is planned to improve the quality and choice of accommodation for care leavers."),
    ("156", "An annual analysis of educational performance and attendance of looked after children",
     "placed out of area to those placed locally."),
])
def test_seed_2012_paragraph_boundaries(number, starts, ends):
    p = by_number(paragraphs(SEED_2012), number)
    assert p.text.startswith(starts)
    assert p.text.endswith(ends)
    assert not p.text.startswith(("-", number))
    assert p.page == 1 and p.pages == [1]


def test_seed_2012_paragraph_36_stops_where_37_begins():
    p36 = by_number(paragraphs(SEED_2012), "36")
    assert p36.text.endswith("to enable the system to support high quality practice.")
    assert "In cases seen" not in p36.text


def test_seed_2012_sections_and_grades():
    paras = paragraphs(SEED_2012)
    p14 = by_number(paras, "14")
    assert p14.section == "Safeguarding services > Overall effectiveness" and p14.grade == "Good"
    p42 = by_number(paras, "42")
    assert p42.section.endswith("The contribution of health agencies to keeping children and young people safe")
    assert p42.grade == "Adequate"
    assert by_number(paras, "128").section.endswith("Economic well-being")
    # the record of main findings table is not glued onto the last paragraph; the contents are not paragraphs
    assert "Record of main findings" not in by_number(paras, "156").text
    assert not any(p.text.startswith("About this inspection") for p in paras)


# --- cabinet reports in corpus/seeds -------------------------------------------------------------------------

def test_cabinet_report_keeps_its_decimal_numbering_and_loses_markup():
    paras = paragraphs(SEEDS / "002_222567e1b7fed4d7.txt")
    nums = [p.number for p in paras if p.number]
    assert nums == ["1.1", "1.2", "1.3", "2.1", "2.1.1", "3.1", "3.2", "4.1.1", "4.2.1", "4.3.1", "4.4.1", "4.5.1"]
    p11 = by_number(paras, "1.1")
    assert "15th September" in p11.text
    assert by_number(paras, "2.1").text == "The inspection report contains 12 formal recommendations for improvement."
    p32 = by_number(paras, "3.2")  # continues after an old page break that starts with a capital
    assert p32.text.endswith("The first review is planned to take place in February 2010.")
    assert by_number(paras, "4.1.1").section == "4.0 SIGNIFICANT IMPLICATIONS > 4.1 Resources and performance information"
    for p in paras:
        assert not re.search(r"</?\w+[^>]*>|\*\*|^#", p.text), p.text


def test_cabinet_report_restarted_list_is_its_own_part():
    paras = paragraphs(SEEDS / "000_9b2c901988472ad8.txt")
    main = [int(p.number) for p in paras if p.number and p.part == "main"]
    assert main == list(range(1, 34))
    rec = by_number(paras, "1", part="recommendations")
    assert rec.text.startswith("agree the Action Plan")
    assert by_number(paras, "13").text.startswith("The Children Act 2004 requires Ofsted")


def test_unnumbered_cabinet_text_is_kept():
    paras = paragraphs(SEEDS / "003_c839e8cefc8a4b2d.txt")
    texts = [p.text for p in paras if p.number is None]
    assert any(t.startswith("The inspection took place from the 5 - 16 March 2012.") for t in texts)
    assert any(t.startswith("2. Practice issues.") for t in texts)  # a list item outside the numbering keeps its number


# --- every PDF in corpus/ofsted ---------------------------------------------------------------------------------

@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_pdf_numbering_is_gap_free_and_complete(pdf):
    paras = paragraphs(pdf)
    parts: dict[str, list[int]] = {}
    for p in paras:
        if p.number:
            parts.setdefault(p.part, []).append(int(p.number))
    assert "main" in parts
    for part, nums in parts.items():
        assert nums == list(range(1, len(nums) + 1)), f"{part}: {nums}"
    # the numbering reaches as far as the printed sequence of numbered lines does
    raw = {int(m.group(1)) for m in re.finditer(r"^\s*(\d{1,3})\.\s+[A-Z\u2018\u201c]", load(pdf).text, re.MULTILINE)}
    top = 0
    while top + 1 in raw:
        top += 1
    assert max(parts["main"]) >= top


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_pdf_paragraphs_are_free_of_page_furniture(pdf):
    doc = load(pdf)
    paras = paragraphs(pdf)
    title = next((l.strip() for p in doc.pages[1:] for l in p.text.splitlines()
                  if re.match(r"\s*Inspection of .* local authority children.s services\s*$", l)), None)
    for p in paras:
        assert not HEADER.search(p.text), (p.number, p.text)
        if title:
            assert title not in p.text, (p.number, p.text)
        assert not BULLET_GLYPHS.search(p.text), (p.number, p.text)
        assert "regulates and inspects to achieve excellence" not in p.text
        assert "You may reuse this information" not in p.text
        assert p.text and p.page == p.pages[0] and p.pages == sorted(p.pages)
        assert not re.match(r"^\d{1,3}\.\s", p.text) or p.number is None


def test_paragraph_over_a_page_break_is_one_paragraph_with_its_start_page():
    paras = paragraphs(ROOT / "corpus/ofsted/herefordshire/2022-09-21.pdf")
    p1 = by_number(paras, "1")
    assert p1.page == 2 and p1.pages == [2, 3]
    assert ("Too many children do not have a consistent social worker to rely on. The churn in social workers"
            in p1.text)
    assert p1.text.endswith("ineffective management oversight leave children at risk of harm.")
    assert p1.section == "The experiences and progress of children who need help and protection"
    assert p1.grade == "Inadequate"


def test_ilacs_unnumbered_summary_and_improvement_bullets_are_kept():
    paras = paragraphs(ROOT / "corpus/ofsted/herefordshire/2022-09-21.pdf")
    first = next(i for i, p in enumerate(paras) if p.number == "1")
    before = paras[:first]
    assert any(p.text.startswith("Children and young people in Herefordshire are not protected") for p in before)
    bullets = [p for p in before if p.section.startswith("What needs to improve")]
    assert len(bullets) >= 5  # one paragraph per bullet item, glyph stripped
    assert any(p.text.startswith("Management oversight and grip across the service") for p in bullets)


def test_sif_front_page_judgement_list_is_not_paragraphs_1_to_3():
    paras = paragraphs(ROOT / "corpus/ofsted/cambridgeshire/2014-08-08.pdf")
    p1 = by_number(paras, "1")
    assert p1.page == 3
    assert p1.text.startswith("Council leaders and senior managers have responded purposefully")
    # the list is kept whole, unnumbered, as the grades printed on page 1 (so questions about grades can find it)
    listed = [p for p in paras if "Children who need help and protection Requires" in p.text]
    assert [(p.number, p.section, p.page) for p in listed] == [(None, "Judgements", 1)]
    assert listed[0].text.startswith("1. Children who need help and protection Requires improvement 2. Children")
    assert "2.2 Experiences and progress of care leavers Good" in listed[0].text
    # the recommendations carry on the same numbering; paragraph 8 crosses pages 3-4
    assert by_number(paras, "13").text.startswith("Ensure that statutory child protection guidance is followed")
    p8 = by_number(paras, "8")
    assert p8.pages == [3, 4] and p8.text.endswith("through the child protection process.")


def test_ilacs_judgement_table_is_one_unnumbered_paragraph():
    paras = paragraphs(ROOT / "corpus/ofsted/herefordshire/2018-07-23.pdf")
    table = [p for p in paras if p.section == "Judgements"]
    assert len(table) == 1 and table[0].number is None and table[0].page == 1
    assert table[0].text.startswith("Judgement Grade The impact of leaders on social work practice with children and "
                                    "families Inadequate")
    assert table[0].text.endswith("Overall effectiveness Requires improvement")
    assert by_number(paras, "1").page > 1


def test_footnotes_and_their_markers_are_removed():
    doc = load(ROOT / "corpus/ofsted/cambridgeshire/2014-08-08.pdf")
    pages = clean_pages(doc)
    assert [p.number for p in pages] == [p.number for p in doc.pages]
    assert "Ofsted produces this report under its power to combine reports" not in pages[0].text
    assert "Ofsted produces this report under its power to combine reports" in doc.pages[0].text
    text = " ".join(p.text for p in paragraphs(ROOT / "corpus/ofsted/cambridgeshire/2014-08-08.pdf"))
    assert "This report includes the report of the inspection of local authority functions" not in text


def test_clean_pages_drops_running_headers_and_joins_hyphenated_words():
    doc = load(ROOT / "corpus/ofsted/herefordshire/2022-09-21.pdf")
    pages = clean_pages(doc)
    assert len(pages) == len(doc.pages)
    assert "Inspection of Herefordshire local authority children’s services" in doc.pages[2].text
    assert "Inspection of Herefordshire local authority children’s services" not in pages[2].text
    assert not re.search(r"^\s*18 to 29 July 2022 3\s*$", pages[2].text, re.MULTILINE)
    sif = clean_pages(load(ROOT / "corpus/ofsted/cambridgeshire/2014-08-08.pdf"))
    assert "reduce the need for long-term statutory intervention" in sif[3].text.replace("\n", " ")
    assert not re.search(r"^\s*4\s*$", sif[3].text, re.MULTILINE)  # the page number


def test_segment_text_source_is_page_one_throughout():
    assert {p.page for p in paragraphs(SEED_2012)} == {1}


# --- section paths: headings printed as sentences, with a colon, or after the front page's list of grades ------

_BODY = ("Social workers visit children regularly and know them well, and their records\n"
         "show purposeful direct work that helps children to understand their histories.\n")
_FRONT_2016 = ("Anytown County Council\nInspection of services for children in need of help and\n"
               "protection, children looked after and care leavers\nInspection dates: 3 to 27 February 2016\n"
               "Report published: 5 April 2016\n\nChildren's services in Anytown require improvement to be good\n"
               "1. Children who need help and protection Requires improvement\n"
               "2. Children looked after and achieving permanence Requires improvement\n"
               "3. Leadership, management and governance Requires improvement\n")


def _pdf(*pages: str) -> Document:
    return Document(path="x.pdf", sha256="0" * 64, source_type="pdf",
                    pages=[Page(i + 1, text) for i, text in enumerate(pages)])


def test_sections_start_at_sentence_colon_and_page_top_headings():
    """The forms that left whole sections under the heading before them (bench/section_check.py): 'Executive
    summary' at the top of page 2 after the front page's list of grades (2016-17), 'What needs to improve:' with
    its colon (2018-19), a judged section's title stated with its grade as a sentence over two lines (2014:
    '... help and protection' / 'are good.'), and '... is:' over its grade. A summary's sentence that names a
    section ('care leavers in Anytown are good.') is body text."""
    page2 = ("Executive summary\n" + _BODY + "The experiences and progress of care leavers in Anytown are good.\n"
             + _BODY + "What needs to improve:\n\u25fc The timeliness of assessments for children in need.\n")
    page3 = ("Inspection judgements about the local authority\n"
             "The experiences and progress of children who need help and protection\nare good.\n"
             "1. " + _BODY + "2. " + _BODY +
             "The experiences and progress of children looked after and achieving\npermanence require improvement.\n"
             "3. " + _BODY + "Leadership, management and governance is:\nGood\n4. " + _BODY)
    paras = segment(_pdf(_FRONT_2016, page2, page3))
    first = next(p for p in paras if p.page == 2)
    assert first.section == "Executive summary" and first.text.startswith("Social workers")
    assert all(p.section == "Executive summary" for p in paras if "care leavers in Anytown" in p.text)
    assert next(p for p in paras if p.text.startswith("The timeliness")).section == "What needs to improve"
    assert (by_number(paras, "1").section, by_number(paras, "1").grade) == (
        "The experiences and progress of children who need help and protection", "Good")
    assert by_number(paras, "2").text.endswith("their histories.")  # the next section's heading is not in it
    assert (by_number(paras, "3").section, by_number(paras, "3").grade) == (
        "The experiences and progress of children looked after and achieving permanence", "Requires improvement")
    assert by_number(paras, "4").section == "Leadership, management and governance"
    stated = [p for p in paras if p.number is None and p.page == 3]
    assert [p.text for p in stated][:1] == [
        "The experiences and progress of children who need help and protection are good."]  # kept as text


@pytest.mark.parametrize("pdf, number, section", [
    # 'Section 2: The effectiveness of the Local Safeguarding Children Board', then 'The effectiveness of the LSCB
    # is ...': the board's review is its own part, not under the local authority's leadership
    ("herefordshire/2014-06-30.pdf", "148", "The effectiveness of the LSCB > Priority and immediate action"),
    ("cambridgeshire/2014-08-08.pdf", "129", "The Local Safeguarding Children Board (LSCB) > Areas for improvement"),
])
def test_lscb_review_is_its_own_top_level_section(pdf, number, section):
    paras = paragraphs(ROOT / "corpus" / "ofsted" / pdf)
    assert by_number(paras, number).section == section


def _body(n: int) -> str:
    """Two full lines of body text, different for each n (a line repeated on every page is a running header)."""
    who = ["Social workers", "Team managers", "Personal advisers", "Family support workers", "Senior leaders"][n % 5]
    return (f"{who} visit children regularly and know them well, and their records show\n"
            f"purposeful direct work that helps children to understand their histories ({n}).\n")


def test_summary_subheadings_named_like_judged_sections_stay_in_the_summary():
    """2015 reports head the summary's findings 'Leadership, management and governance', 'Quality of practice': the
    judged section of that name starts where it is printed last, and the summary's bullets stay in the summary. A
    front page's list of grades printed 'Require improvement' is kept as the judgements paragraph."""
    front = _FRONT_2016.replace("Requires improvement", "Require improvement")
    summary = ("Summary of findings\nChildren's services in Anytown are inadequate because:\n"
               "Leadership, management and governance\n\u25fc " + _body(1) + "Quality of practice\n\u25fc " + _body(2))
    help_ = "The experiences and progress of children who need help and protection\n1. " + _body(3) + "2. " + _body(4)
    more = ["".join(_body(10 * k + n) for n in range(6)) for k in range(1, 5)]  # a real report's length: a line
    leaders = "Leadership, management and governance\n3. " + _body(5) + "4. " + _body(6)  # on 2 of 4 pages is furniture
    paras = segment(_pdf(front, summary, help_, *more, leaders))
    assert any(p.section == "Judgements" and "Children looked after and achieving permanence Require improvement"
               in p.text for p in paras)
    assert [p.section for p in paras if p.page == 2 and p.text.endswith("histories (1).")] == [
        "Summary of findings > Leadership, management and governance"]
    assert [p.section for p in paras if p.page == 2 and p.text.endswith("histories (2).")] == [
        "Summary of findings > Quality of practice"]
    assert by_number(paras, "1").section == "The experiences and progress of children who need help and protection"
    assert by_number(paras, "3").section == "Leadership, management and governance"


def test_heading_wrapped_before_its_grade_is_a_heading():
    """'The experiences and progress of' / 'children who need help and protection Requires improvement' (Wakefield
    2016): the second line is long only because of its grade; the section starts there."""
    page2 = ("Summary for children and young people\n" + _body(1) + "The experiences and progress of\n"
             "children who need help and protection Requires improvement\nSummary\n" + _body(2))
    paras = segment(_pdf(_FRONT_2016 + "Ofsted expects every child to receive good help and protection.\n", page2))
    last = next(p for p in paras if p.text.endswith("histories (2)."))
    assert (last.section, last.grade) == (
        "The experiences and progress of children who need help and protection > Summary", "Requires improvement")


def test_front_page_grades_over_a_page_break_and_page_top_sections():
    """The front page's list of grades may run onto page 2 (its numbered items go on) but 'Executive summary' and a
    first sentence ending in a grade word are not part of it (Doncaster 2015); a section title at the top of a page
    starts its section after an unfinished line (a list of inspectors' names), and 'Recommendations:' is a heading."""
    front = _FRONT_2016.split("3. Leadership")[0]
    page2 = ("3. Leadership, management and governance Requires improvement\nExecutive summary\n"
             "At the time of this inspection, services to children in Anytown are inadequate\n"
             "because help and protection remain weak, and leaders know what to improve.\n" + _body(1) +
             "The inspection team\nTeam inspectors: Jo Bloggs, Sam Smith, Alex Jones, Chris Brown, Pat Green\n")
    page3 = ("Information about this local authority area\nChildren living in this area\n\u25fc " + _body(2) +
             "Recommendations:\n1. " + _body(3) + "2. " + _body(4))
    paras = segment(_pdf(front, page2, page3))
    block = next(p for p in paras if p.section == "Judgements" and p.text.startswith("1."))
    assert block.text.endswith("3. Leadership, management and governance Requires improvement")
    summary = next(p for p in paras if p.text.startswith("At the time"))
    assert summary.section == "Executive summary" and "because help and protection remain weak" in summary.text
    assert next(p for p in paras if p.text.endswith("(2).")).section == (
        "Information about this local authority area > Children living in this area")
    assert by_number(paras, "1").section == "Recommendations"


def test_grade_with_a_full_stop_under_a_colon_heading():
    """'The experiences and progress of children in care and care leavers:' / 'requires improvement to be good.'
    (Medway, Reading 2019): the second line is the heading's grade, not a paragraph."""
    page2 = ("The experiences and progress of children in care and care leavers:\nrequires improvement to be good.\n"
             "1. " + _body(1) + "2. " + _body(2))
    paras = segment(_pdf(_FRONT_2016 + "Ofsted expects every child to receive good help and protection.\n", page2))
    assert (by_number(paras, "1").section, by_number(paras, "1").grade) == (
        "The experiences and progress of children in care and care leavers", "Requires improvement to be good")
    assert not any(p.text == "requires improvement to be good." for p in paras)
