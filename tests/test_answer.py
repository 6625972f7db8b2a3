"""Extractive answers (verbatim sentences with [n] markers, grouped by council) and citation strings."""
from __future__ import annotations

import re

from ingest.models import Evidence
from retrieval.answer import extractive_answer, split_sentences
from retrieval.citation import citation, council_title, long_date
from retrieval.query import understand


def ev(text: str, council: str = "Central Bedfordshire", paragraph: str | None = "1", published: str = "2017-08-25",
       kind: str = "ofsted_inspection") -> Evidence:
    title = f"Inspection of {council} local authority children's services"
    return Evidence(report_id=f"{council[:4].lower()}{published}", council=council, title=title, kind=kind,
                    published=published, paragraph=paragraph, part="main", section="", page=3, text=text, score=0.5,
                    citation=citation(council=council, kind=kind, title=title, published=published,
                                      paragraph=paragraph, page=3))


CARE_LEAVERS = ev("Virtually all care leavers are in suitable accommodation. Bed and breakfast accommodation has not "
                  "been used for the last four years. The council has a clear local offer.", paragraph="66")
ADOPTION = ev("Adoption performance has improved, e.g. the time between a child entering care and moving in with "
              "their adoptive family is shorter. Adopters are well supported by the regional agency.",
              paragraph="70")
STAYING_PUT = ev("Accommodation for care leavers is appropriate to their circumstances. However, the number who stay "
                 "put with their foster carers is low. Personal advisers know young people well.", paragraph="64")


# ---- sentences -----------------------------------------------------------------------------------------------------

def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_split_keeps_abbreviations_numbers_and_initials_inside_sentences() -> None:
    text = ("Support is good, e.g. for care leavers at university. The rate rose to 93.3% from 2.1 times the "
            "average, i.e. well above it. Mr. J. Smith, the DCS, chairs the board (see para. 4). Is this enough? "
            "Yes!")
    assert _sentences(text) == [
        "Support is good, e.g. for care leavers at university.",
        "The rate rose to 93.3% from 2.1 times the average, i.e. well above it.",
        "Mr. J. Smith, the DCS, chairs the board (see para. 4).",
        "Is this enough?",
        "Yes!",
    ]


def test_split_on_bullets_and_lower_case_continuations() -> None:
    text = "Leaders should:\n• ensure plans are reviewed\n• increase the number of foster carers. The end"
    assert _sentences(text) == ["Leaders should:", "ensure plans are reviewed",
                                "increase the number of foster carers.", "The end"]
    assert _sentences("It was 5 p.m. when the review ended.") == ["It was 5 p.m. when the review ended."]


def test_split_cuts_very_long_run_ons_at_semicolons() -> None:
    clause = " ".join(["word"] * 35)
    text = f"First {clause}; second {clause}; third part."
    parts = _sentences(text)
    assert len(parts) == 3 and all(p in text for p in parts)


# ---- answers -------------------------------------------------------------------------------------------------------

def test_answer_sentences_are_verbatim_with_correct_markers() -> None:
    q = understand("what did inspectors say about care leaver accommodation in Central Bedfordshire?")
    evidence = [ADOPTION, CARE_LEAVERS, STAYING_PUT]
    a = extractive_answer(q, evidence)
    assert a.found and a.sentences
    for sentence, n in a.sentences:
        assert sentence in evidence[n - 1].text
        assert f"{sentence} [{n}]" in a.text
    chosen = [s for s, _ in a.sentences]
    assert "Virtually all care leavers are in suitable accommodation." in chosen
    assert not any("Adopt" in s for s in chosen)  # shares nothing with the question
    assert a.councils == ["Central Bedfordshire"]
    assert "Central Bedfordshire\n" not in a.text  # one council: no heading


def test_at_most_two_sentences_from_one_paragraph_and_max_sentences() -> None:
    text = " ".join(f"Care leavers live in suitable accommodation number {i}." for i in range(1, 8))
    q = understand("care leaver accommodation")
    a = extractive_answer(q, [ev(text)], max_sentences=5)
    assert len(a.sentences) == 2
    many = [ev(f"Care leavers in area {i} live in suitable accommodation.", paragraph=str(i)) for i in range(9)]
    assert len(extractive_answer(q, many, max_sentences=4).sentences) == 4


def test_prefers_sentences_sharing_more_of_the_question() -> None:
    q = understand("PA caseloads for care leavers")
    weak = ev("Care leavers enjoy a range of activities.", paragraph="2")
    strong = ev("Personal advisers' caseloads are too high, so care leavers do not get timely support.",
                paragraph="9")
    a = extractive_answer(q, [weak, strong], max_sentences=1)
    assert a.sentences == [("Personal advisers' caseloads are too high, so care leavers do not get timely support.",
                            2)]


def test_groups_by_council_in_the_order_asked() -> None:
    q = understand("Kent vs Sandwell PEP quality")
    evidence = [
        ev("The quality of PEPs in Sandwell is too inconsistent. Inspectors met the virtual head.",
           council="Sandwell", published="2013-08-02", paragraph="40"),
        ev("The current quality of PEPs is variable. Targets are not always precise and measurable.",
           council="Kent", published="2013-08-23", paragraph="40"),
        ev("Most PEPs are completed on time and their quality is improving.", council="Kent", paragraph="41"),
    ]
    a = extractive_answer(q, evidence)
    assert a.found and a.councils == ["Kent", "Sandwell"]
    lines = a.text.splitlines()
    assert lines[0] == "Kent" and "Sandwell" in lines
    kent = lines[1:lines.index("Sandwell")]
    assert all(re.search(r"\[(2|3)\]$", line) for line in kent if line)
    sandwell = lines[lines.index("Sandwell") + 1:]
    assert sandwell and all(line.endswith("[1]") for line in sandwell)
    for sentence, n in a.sentences:
        assert sentence in evidence[n - 1].text


def test_compare_says_when_a_council_has_nothing() -> None:
    q = understand("Kent vs Sandwell PEP quality")
    a = extractive_answer(q, [ev("The current quality of PEPs is variable.", council="Kent")])
    assert a.found and a.councils == ["Kent"]
    assert "Sandwell" in a.text and "Nothing" in a.text


def test_not_found_on_irrelevant_evidence() -> None:
    q = understand("knife crime at the airport in Central Bedfordshire")
    a = extractive_answer(q, [ADOPTION, CARE_LEAVERS])
    assert not a.found and a.sentences == []
    assert "Nothing in the indexed reports for Central Bedfordshire answers" in a.text
    assert "other words" in a.text and "fewer filters" in a.text


def test_not_found_without_evidence() -> None:
    q = understand("Kent PEPs in 2013")
    a = extractive_answer(q, [])
    assert not a.found and "Kent" in a.text and "2013" in a.text


def test_generic_words_alone_do_not_make_an_answer() -> None:
    q = understand("Are children's services in Kent supporting young people with gang violence?")
    a = extractive_answer(q, [ev("Children and young people are well supported by effective services.")])
    assert not a.found


def test_question_without_topic_words_quotes_the_top_paragraphs() -> None:
    q = understand("Central Bedfordshire?")
    a = extractive_answer(q, [CARE_LEAVERS, ADOPTION])
    assert a.found
    assert a.sentences[0] == ("Virtually all care leavers are in suitable accommodation.", 1)


def test_recommendation_question_quotes_what_must_be_done() -> None:
    q = understand("What did Ofsted recommend Kent do?")
    evidence = [ev("Kent is a large county with many districts.", council="Kent"),
                ev("Ensure that all care leavers live in suitable accommodation.", council="Kent", paragraph=None)]
    a = extractive_answer(q, evidence)
    assert a.found and a.sentences == [("Ensure that all care leavers live in suitable accommodation.", 2)]


def test_judgement_question_quotes_grades() -> None:
    q = understand("How was Kent judged for care leavers in 2017?")
    evidence = [ev("Care leavers enjoy many activities and events.", council="Kent"),
                ev("Services for care leavers are good. The experiences and progress of care leavers are judged to be "
                   "good.", council="Kent", paragraph="60")]
    a = extractive_answer(q, evidence, max_sentences=2)
    assert [n for _, n in a.sentences] == [2, 2]


def test_inspectors_words_preferred_when_asked_for() -> None:
    q = understand("What did inspectors say about PEPs in Kent?")
    council = ev("The quality of PEPs will be audited every term.", council="Kent", kind="council_report")
    ofsted = ev("The quality of PEPs is variable.", council="Kent")
    a = extractive_answer(q, [council, ofsted], max_sentences=1)
    assert a.sentences == [("The quality of PEPs is variable.", 2)]


def test_duplicate_sentences_are_quoted_once() -> None:
    q = understand("care leaver accommodation")
    a = extractive_answer(q, [CARE_LEAVERS, ev(CARE_LEAVERS.text, paragraph=None)])
    texts = [s for s, _ in a.sentences]
    assert len(texts) == len(set(texts))


# ---- citations -----------------------------------------------------------------------------------------------------

def test_ofsted_citation() -> None:
    assert citation(council="Devon", kind="ofsted_inspection",
                    title="Inspection of Devon local authority children's services", published="2015-05-12",
                    paragraph="41", page=12) == (
        "Ofsted, Inspection of Devon local authority children's services, published 12 May 2015, paragraph 41")


def test_ofsted_citation_without_paragraph_number_gives_page() -> None:
    assert citation(council="Kent", kind="ofsted_inspection", title="Kent children's services inspection",
                    published="2013-08-03", paragraph=None, page=7) == (
        "Ofsted, Kent children's services inspection, published 3 August 2013, page 7")


def test_council_report_citation() -> None:
    assert citation(council="Herefordshire", kind="council_report", title="Ofsted inspection action plan",
                    published="2014-09-11", paragraph="10", page=2, committee="Cabinet") == (
        "Herefordshire Council, Cabinet, 11 September 2014, paragraph 10")
    assert citation(council="North Tyneside Council", kind="council_report", title="Report", published="2012-07-09",
                    paragraph="1.2.2", page=1, committee="Cabinet") == (
        "North Tyneside Council, Cabinet, 9 July 2012, paragraph 1.2.2")


def test_council_report_without_committee_uses_title() -> None:
    assert citation(council="Cambridgeshire", kind="council_report", title="Safeguarding inspection response",
                    published="2010-01-26", paragraph=None, page=4) == (
        "Cambridgeshire Council, Safeguarding inspection response, 26 January 2010, page 4")


def test_part_is_named_when_numbering_restarts() -> None:
    assert citation(council="Kent", kind="ofsted_inspection", title="Kent inspection", published="2017-06-13",
                    paragraph="12", page=40, part="lscb review") == (
        "Ofsted, Kent inspection, published 13 June 2017, LSCB review paragraph 12")
    assert citation(council="Kent", kind="ofsted_inspection", title="Kent inspection", published="2017-06-13",
                    paragraph="12", page=40, part="main").endswith("2017, paragraph 12")


def test_dates_and_council_titles() -> None:
    assert long_date("2015-05-12") == "12 May 2015"
    assert long_date("2015-05") == "May 2015"
    assert long_date(None) is None
    assert council_title("Bristol") == "Bristol Council"
    assert council_title("City of London") == "City of London Corporation"
    assert citation(council="Kent", kind="ofsted_inspection", title="", published=None, paragraph="3",
                    page=None) == "Ofsted, Inspection of Kent children's services, paragraph 3"


def test_citation_names_the_council_when_the_title_does_not() -> None:
    assert citation(council="Central Bedfordshire", kind="ofsted_inspection",
                    title="Inspection of safeguarding and looked after children services", published="2012-04-10",
                    paragraph="128", page=1) == (
        "Ofsted, Inspection of safeguarding and looked after children services (Central Bedfordshire), "
        "published 10 April 2012, paragraph 128")
