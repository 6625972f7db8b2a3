"""Query understanding: councils in every form officers write them, years, latest, comparisons, abbreviations."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from retrieval.query import Query, find_councils, resolve_council, suggestions, understand, within_one_edit

QUESTIONS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "questions.jsonl"


# ---- councils ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("question, councils", [
    ("what did inspectors say about care leaver accommodation in Central Bedfordshire?", ["Central Bedfordshire"]),
    ("London Borough of Camden caseloads", ["Camden"]),
    ("Cambridgeshire County Council cabinet response", ["Cambridgeshire"]),
    ("Herefordshire Council action plan", ["Herefordshire"]),
    ("the Royal Borough of Greenwich's front door", ["Greenwich"]),
    ("BCP care leavers", ["Bournemouth, Christchurch and Poole"]),
    ("Kingston private fostering", ["Kingston upon Thames"]),
    ("Hull care leavers", ["Kingston upon Hull"]),
    ("Devon's care leavers", ["Devon"]),
    ("Devon’s care leavers", ["Devon"]),
    ("hackney private fostering", ["Hackney"]),
    ("Bucks SGO assessments", ["Buckinghamshire"]),
    ("How was Scilly judged overall?", ["Isles of Scilly"]),
    ("Brighton & Hove unregulated placements", ["Brighton and Hove"]),
    ("Stoke-on-Trent and Southend on Sea", ["Stoke-on-Trent", "Southend-on-Sea"]),
    ("Derby and Derbyshire caseloads", ["Derby", "Derbyshire"]),
    ("Reading care leavers", ["Reading"]),
])
def test_recognises_council_forms(question: str, councils: list[str]) -> None:
    assert understand(question).councils == councils


@pytest.mark.parametrize("question, council, typed", [
    ("Hertfordshre care leavers", "Hertfordshire", "Hertfordshre"),
    ("what about cambridgshire?", "Cambridgeshire", "cambridgshire"),
    ("Leicestershre caseloads", "Leicestershire", "Leicestershre"),
    ("North Tynside private fostering", "North Tyneside", "North Tynside"),
    ("Isles of Silly foster carers", "Isles of Scilly", "Isles of Silly"),
    ("Kingston upon Hul care leavers", "Kingston upon Hull", "Kingston upon Hul"),
    ("Middlesborough neglect", "Middlesbrough", "Middlesborough"),
    ("Wandswoth return home interviews", "Wandsworth", "Wandswoth"),
])
def test_one_slip_misspellings(question: str, council: str, typed: str) -> None:
    q = understand(question)
    assert q.councils == [council]
    assert q.corrected == {typed: council}


@pytest.mark.parametrize("question", [
    "What do inspectors say about the needs of care leavers?",            # needs ~ Leeds
    "How are social workers dealing with neglect?",                       # dealing ~ Ealing
    "What is the reading age of children in care?",                       # reading, lower case
    "Heading into the inspection, what were the main concerns?",          # heading ~ Reading
    "Reading the latest report, how good is the MASH?",                   # Reading + determiner
    "Who leads on exploitation work?",                                    # leads ~ Leeds
    "Midway through the year, were caseloads manageable?",                # midway ~ Medway
    "Was the focus too narrow on compliance?",                            # narrow ~ Harrow
    "How are allegations against staff handled by the designated officer?",  # staff ~ Staffs
    "Is the front door effective for children in need of help and protection?",
    "Are children seen alone and is there a stable workforce?",
    "Is the local safeguarding children board effective?",
    "Do children have up-to-date pathway plans and good direct work?",
])
def test_no_council_in_ordinary_questions(question: str) -> None:
    assert understand(question).councils == []


def test_eval_questions_recognise_exactly_their_councils() -> None:
    """Every labelled question names its councils in some form; none may gain or lose one."""
    if not QUESTIONS.exists():
        pytest.skip("shared evaluation questions not present")
    for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        q = understand(item["question"])
        assert sorted(q.councils) == sorted(item["councils"]), item["question"]
        assert not q.corrected, item["question"]


def test_mentions_have_spans_covering_official_wrapping() -> None:
    text = "Compare the London Borough of Camden with Herefordshire Council's findings"
    ms = find_councils(text)
    assert [m.council for m in ms] == ["Camden", "Herefordshire"]
    assert text[ms[0].start:ms[0].end] == "the London Borough of Camden"
    assert text[ms[1].start:ms[1].end] == "Herefordshire Council's"


def test_within_one_edit() -> None:
    assert within_one_edit("hertfordshre", "hertfordshire")     # deletion
    assert within_one_edit("kent", "kemt")                      # substitution
    assert within_one_edit("leeds", "leesd")                    # neighbours swapped
    assert not within_one_edit("kent", "kent")
    assert within_one_edit("herefordshire", "hertfordshire")    # two real councils one letter apart
    assert not within_one_edit("hertfordshre", "herefordshire")


# ---- explicit councils -------------------------------------------------------------------------------------------

def test_explicit_councils_win_and_are_normalised() -> None:
    q = understand("care leavers in Kent", councils=["kingston upon hull", "Bucks", "City of Bristol"])
    assert q.councils == ["Kingston upon Hull", "Buckinghamshire", "Bristol"]


def test_unknown_explicit_council_suggests_close_names() -> None:
    with pytest.raises(ValueError) as err:
        understand("care leavers", councils=["Hertfordshre"])
    assert "Hertfordshire" in str(err.value)
    with pytest.raises(ValueError) as err:
        resolve_council("Cambridge")
    assert "Cambridgeshire" in str(err.value)
    with pytest.raises(ValueError, match="Unknown council 'Atlantis'"):
        resolve_council("Atlantis")
    assert suggestions("North Tyne")[0] == "North Tyneside"
    assert suggestions("Kenr")[0] == "Kent"


def test_known_councils_fill_not_indexed() -> None:
    q = understand("Kent vs Medway caseloads", known_councils=["Kent", "Sandwell"])
    assert q.councils == ["Kent", "Medway"]
    assert q.not_indexed == ["Medway"]


# ---- comparisons and neighbours ----------------------------------------------------------------------------------

@pytest.mark.parametrize("question", [
    "compare Kent and Medway on caseloads",
    "Kent vs Medway caseloads",
    "Kent v Medway caseloads",
    "Kent versus Medway caseloads",
    "difference between Kent and Medway on caseloads",
    "Hackney and Surrey: elective home education",
])
def test_compare_detected(question: str) -> None:
    q = understand(question)
    assert q.compare
    assert len(q.councils) == 2


def test_single_council_is_no_comparison() -> None:
    q = understand("How well are allegations against professionals handled in Doncaster?")
    assert not q.compare
    assert q.councils == ["Doncaster"]


def test_statistical_neighbours_join_the_council() -> None:
    q = understand("How does Kent compare with its statistical neighbours on caseloads?")
    assert q.neighbours and q.compare
    assert q.councils[0] == "Kent" and len(q.councils) > 1
    assert "neighbour" not in q.text.lower()
    known = ["Kent", q.councils[1]]
    q2 = understand("Kent and its neighbours on caseloads", known_councils=known)
    assert q2.councils == known


# ---- years and latest ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("question, years, y_from, y_to", [
    ("Kent care leavers in 2019", [2019], 2019, 2019),
    ("Kent 2014 inspection", [2014], 2014, 2014),
    ("Kent care leavers between 2015 and 2018", [2015, 2018], 2015, 2018),
    ("Kent care leavers 2015-18", [2015, 2018], 2015, 2018),
    ("Kent care leavers since 2020", [2020], 2020, None),
    ("Kent care leavers before 2016", [2016], None, 2015),
    ("What did the council decide after the 2014 inspection?", [2014], 2014, None),
    ("following its 2009 Ofsted inspection", [2009], 2009, None),
    ("PEPs in 2018 - have they improved since?", [2018], 2018, None),
    ("agency staff in 2016, and had that changed by the 2019 inspection?", [2016, 2019], 2016, 2019),
    ("foster carers at the 2019 and 2023 inspections", [2019, 2023], 2019, 2023),
    ("homeless 16 and 17 year olds", [], None, None),
    ("section 20 of the Children Act 1989 in 2019", [2019], 2019, 2019),
    ("Working Together 2018 compliance", [], None, None),
    ("Kent 2013/14 caseloads", [2013, 2014], 2013, 2014),
    ("93.3% of care leavers and 2.1 million pounds", [], None, None),
])
def test_years(question: str, years: list[int], y_from: int | None, y_to: int | None) -> None:
    q = understand(question)
    assert (q.years, q.year_from, q.year_to) == (years, y_from, y_to)
    for y in years:
        assert str(y) not in q.text


@pytest.mark.parametrize("question", [
    "Knowsley care leavers at the latest inspection",
    "most recent inspection of Kent",
    "What did the last inspection say about Kent?",
    "Kent's current rating",
])
def test_latest(question: str) -> None:
    assert understand(question).latest


def test_not_latest_for_now_or_recent_years() -> None:
    assert not understand("How well does Enfield support those who are now care leavers?").latest


def test_latest_with_an_earlier_year_drops_the_year_window() -> None:
    q = understand("Suffolk was outstanding in 2019 - what is it rated at the latest inspection?")
    assert q.latest and q.year_to is None and q.year_from is None


def test_year_ok_with_slack() -> None:
    q = understand("Kent 2013 inspection")
    assert q.year_ok("2013-08-23") and not q.year_ok("2014-01-20")
    assert q.year_ok("2014-01-20", slack=1)
    assert not q.year_ok(None)
    assert understand("Kent caseloads").year_ok(None)


# ---- kinds, frameworks, intent --------------------------------------------------------------------------------------

def test_kind_and_speaker() -> None:
    assert understand("Who did North Tyneside cabinet authorise in 2012?").kind == "council_report"
    assert understand("What did the council say it would do about PEPs?").kind == "council_report"
    assert understand("Kent focused visit findings").kind == "ofsted_visit"
    q = understand("what did inspectors say about care leavers in Kent?")
    assert q.kind is None and q.speaker == "ofsted"
    assert understand("Who oversees the action plan in Kent?").speaker == "council"


def test_framework_and_intent() -> None:
    q = understand("Coventry vs Liverpool - pre-proceedings at their latest ILACS inspections")
    assert q.framework == "ilacs_2018" and "ILACS" not in q.text
    assert understand("What did Ofsted recommend Kent do about B&B?").intent == "recommendations"
    assert understand("How was Kent judged for care leavers?").intent == "judgements"


def test_a_question_asking_why_wants_reasons() -> None:
    for q in ("Why was Bradford judged inadequate for help and protection in 2018?",
              "What were the reasons for Kent's good grade for care leavers?",
              "Ofsted: why were Norfolk's services for care leavers judged good?"):
        assert understand(q).reasons, q
    for q in ("How was Kent judged for care leavers?", "Which councils were judged outstanding?",
              "what did inspectors say about why children go missing"):
        assert not understand(q).reasons, q


# ---- search text ---------------------------------------------------------------------------------------------------

def test_text_drops_names_years_and_filler_and_expands_abbreviations() -> None:
    q = understand("Kent vs Sandwell 2013 LAC inspections: how did they compare on PEP quality?")
    assert q.councils == ["Kent", "Sandwell"] and q.compare and q.years == [2013]
    text = q.text.lower()
    for gone in ("kent", "sandwell", "2013", "compare", "how", "inspections", " vs "):
        assert gone not in f" {text} "
    assert "LAC" in q.text and "looked after children" in text
    assert "PEP" in q.text and "personal education plan" in text
    assert "quality" in q.topic_terms and "pep" in q.topic_terms
    assert q.abbreviations == ["LAC", "PEP"]


def test_core_text_is_the_question_without_synonyms() -> None:
    q = understand("what did inspectors say about care leaver accommodation in Central Bedfordshire?")
    assert q.core_text == "care leaver accommodation"
    assert q.text.startswith(q.core_text) and "bed and breakfast" in q.text
    assert "housing" in q.related_terms and "housing" not in q.topic_terms


@pytest.mark.parametrize("question, phrase", [
    ("UASC support", "unaccompanied asylum-seeking children"),
    ("CSE and CCE", "child sexual exploitation"),
    ("CSE and CCE", "child criminal exploitation"),
    ("EHE oversight", "elective home education"),
    ("CME tracking", "children missing education"),
    ("IROs caseloads", "independent reviewing officer"),
    ("MASH thresholds", "multi-agency safeguarding hub"),
    ("lado arrangements", "local authority designated officer"),
    ("PLO tracking", "public law outline"),
    ("SGO support", "special guardianship order"),
    ("NEET care leavers", "not in education, employment or training"),
    ("CAMHS waiting times", "child and adolescent mental health services"),
    ("SEND and EHCPs", "special educational needs and disabilities"),
    ("SEND and EHCPs", "education, health and care plan"),
    ("YOT partnership", "youth offending team"),
    ("PA caseloads", "personal adviser"),
    ("RHIs after missing episodes", "return home interview"),
    ("DoLS orders", "deprivation of liberty"),
    ("CiC council", "children in care"),
    ("CLA reviews", "children looked after"),
    ("s47 enquiries", "section 47"),
    ("B&B use", "bed and breakfast"),
    ("care leaver accommodation", "suitable accommodation"),
    ("care leaver accommodation", "bed and breakfast"),
])
def test_abbreviations_and_synonyms_expand(question: str, phrase: str) -> None:
    assert phrase in understand(question).text.lower()


def test_english_words_are_not_taken_for_abbreviations() -> None:
    q = understand("send the plan and mash the data")
    assert "special educational" not in q.text and "safeguarding hub" not in q.text
    q = understand("WHAT DO INSPECTORS SAY ABOUT CARE LEAVERS IN KENT?")
    assert q.councils == ["Kent"] and "designated officer" not in q.text.lower()


# ---- follow-ups -----------------------------------------------------------------------------------------------------

def test_follow_up_keeps_councils_when_none_named() -> None:
    first = understand("Norfolk and Suffolk staying put at their most recent inspections")
    second = understand("and what about PA caseloads?", previous=first)
    assert second.councils == ["Norfolk", "Suffolk"] and second.compare
    assert "personal adviser" in second.text
    assert not second.latest  # a new topic question does not inherit the time window


def test_follow_up_naming_a_council_replaces_them() -> None:
    first = understand("Kent care leavers at the latest inspection")
    second = understand("What about Medway?", previous=first)
    assert second.councils == ["Medway"]
    assert second.text == first.text and second.topic_terms == first.topic_terms
    assert second.latest  # no topic of its own: the whole question carries over


def test_follow_up_with_and_adds_a_council() -> None:
    first = understand("Kent care leavers accommodation")
    second = understand("and Medway?", previous=first)
    assert second.councils == ["Kent", "Medway"] and second.compare


def test_follow_up_back_reference_keeps_years() -> None:
    first = understand("Sandwell IRO service in 2013")
    second = understand("What did that inspection say about PEPs?", previous=first)
    assert second.councils == ["Sandwell"] and second.years == [2013] and second.year_to == 2013


def test_no_council_searches_everything() -> None:
    q = understand("How well are care leavers supported into education, employment and training?")
    assert isinstance(q, Query) and q.councils == [] and not q.compare and q.topic_terms
