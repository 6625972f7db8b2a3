"""The inspection fields (ingest/inspection.py): dates in every printed form of the three frameworks, the type, and
the lead inspector without the title; read from real corpus/ reports (values checked against their front pages) and
from small strings; and carried through the index to `reports --json`."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import CORPUS, SEED_2012, cli_json

from ingest.inspection import inspection_type, lead_inspector, parse_range, read_inspection
from ingest.loaders import load
from ingest.metadata import read_metadata
from ingest.models import Document, Page

D = dt.date


@pytest.mark.parametrize("printed, start, end", [
    # ILACS (2018 on)
    ("11 to 15 September 2023", D(2023, 9, 11), D(2023, 9, 15)),
    ("11 September 2023 to 22 September 2023", D(2023, 9, 11), D(2023, 9, 22)),
    ("16 April 2018 to 27 April 2018 Lead inspector: Jo Smith", D(2018, 4, 16), D(2018, 4, 27)),
    ("30 October to 10 November 2023", D(2023, 10, 30), D(2023, 11, 10)),
    ("28 November–2 December 2022", D(2022, 11, 28), D(2022, 12, 2)),
    ("8 July 2019 to 12 July 2019 and 7 August 2019 to 8 August 2019", D(2019, 7, 8), D(2019, 8, 8)),
    ("11th to 15th September 2023", D(2023, 9, 11), D(2023, 9, 15)),
    # across a year end, the year printed once
    ("29 December 2014 to 9 January 2015", D(2014, 12, 29), D(2015, 1, 9)),
    ("28 December to 8 January 2019", D(2018, 12, 28), D(2019, 1, 8)),
    # SIF (2013-17): dashes of every kind, numeric dates, the publication date after the range
    ("27 February – 10 March 2016", D(2016, 2, 27), D(2016, 3, 10)),
    ("25 April – 18 May 2017 Report published: 7 July 2017", D(2017, 4, 25), D(2017, 5, 18)),
    ("13 June 2016 \u2500 7 July 2016", D(2016, 6, 13), D(2016, 7, 7)),
    ("30/11/2015 – 11/12/2015", D(2015, 11, 30), D(2015, 12, 11)),
    ("9 Feb 2015 – 5 March 2015", D(2015, 2, 9), D(2015, 3, 5)),
    # SLAC (2009-12)
    ("15-19 July 2013 Reporting inspector Sarah Urding HMI", D(2013, 7, 15), D(2013, 7, 19)),
    ("20 February to 2 March 2012", D(2012, 2, 20), D(2012, 3, 2)),
    # weekdays written out
    ("Monday 11 September to Friday 15 September 2023", D(2023, 9, 11), D(2023, 9, 15)),
    # a page number after a running header's dates is not a day
    ("10 to 14 June 2024 2", D(2024, 6, 10), D(2024, 6, 14)),
])
def test_printed_date_forms(printed, start, end):
    assert parse_range(printed) == (start, end)
    assert parse_range(printed.replace(" ", "\n", 3)) == (start, end)  # line breaks anywhere


@pytest.mark.parametrize("printed", ["September 2023", "", None, "1 January 2020 to 30 June 2020", "to be confirmed"])
def test_what_is_not_an_inspection_range(printed):
    assert parse_range(printed) == (None, None)


def _doc(*pages: str) -> Document:
    return Document(path="front.txt", sha256="0" * 64, source_type="pdf",
                    pages=[Page(number=i, text=t) for i, t in enumerate(pages, 1)])


def test_dates_label_with_the_range_on_the_next_lines():
    doc = _doc("Inspection of Anytown local authority children's services\nInspection dates:\n11 to 15\n"
               "September 2023\nLead inspector: Jo Smith, His Majesty's Inspector\nJudgement Grade\n")
    insp = read_inspection(doc, "ofsted_inspection", "ilacs_2018")
    assert insp.fields() == {"inspection_start": "2023-09-11", "inspection_end": "2023-09-15",
                             "inspection_type": "short", "lead_inspector": "Jo Smith"}


def test_dates_from_the_running_header_when_the_front_page_has_no_label():
    doc = _doc("Inspection of Anytown local authority children's services\nJudgement Grade\n",
               "Inspection of Anytown local authority children's services\n4 to 15 March 2024 2\nWhat needs to "
               "improve?")
    insp = read_inspection(doc, "ofsted_inspection", "ilacs_2018")
    assert (insp.start, insp.end, insp.type) == (D(2024, 3, 4), D(2024, 3, 15), "standard")


def test_dates_from_a_sentence_when_nothing_is_labelled():
    doc = _doc("Inspection of Anytown looked after children services\nAge group: All\n",
               "Introduction\n1. The inspection took place between 15 and 19 July 2013 and was led by ...")
    assert read_inspection(doc, "ofsted_inspection", "slac_2009_2012").fields()["inspection_start"] == "2013-07-15"


@pytest.mark.parametrize("front, name", [
    ("Lead inspector: Naintara Khosla, His Majesty\u2019s Inspector\nJudgement Grade", "Naintara Khosla"),
    ("Lead inspector:  Andy Whippey, HMI \n", "Andy Whippey"),
    ("Lead inspector:  Dominic Stevens \nHer Majesty's Inspector", "Dominic Stevens"),
    ("Reporting inspector Helen Cawston HMI \n\nAge group: All", "Helen Cawston"),
    ("Lead inspector: M\u00e1ire Atherton, His Majesty\u2019s Inspector", "M\u00e1ire Atherton"),
    ("Lead inspector: Paula Thomson-Jones\nDeputy lead inspector: Al Brown", "Paula Thomson-Jones"),
    ("Lead inspectors: Rebecca Quested, His Majesty\u2019s Inspector, and Matthew Reed, \nHis Majesty\u2019s "
     "Inspector", "Rebecca Quested and Matthew Reed"),
    ("Deputy lead inspector: Al Brown\nLead inspector on site: Pietro Battista\nReport author: Sean Tarpey",
     "Pietro Battista"),
    ("Lead inspector: Jo Smith HM Inspector", "Jo Smith"),
    ("Lead inspector:\n\nJo Smith, Her Majesty s Inspector", "Jo Smith"),
    ("Lead inspector:\nJudgement Grade\nOverall effectiveness Good", None),
])
def test_lead_inspector_without_the_title(front, name):
    assert lead_inspector(_doc(front), "ofsted_inspection") == name


def test_visit_letter_signature_is_the_lead():
    doc = _doc("Monitoring visit to Anytown children's services\nDear Ms Jones\n",
               "Yours sincerely\n\nJo Smith\nHis Majesty's Inspector\n")
    assert lead_inspector(doc, "ofsted_visit") == "Jo Smith"


@pytest.mark.parametrize("framework, kind, start, end, want", [
    ("ilacs_2018", "ofsted_inspection", D(2024, 11, 11), D(2024, 11, 15), "short"),
    ("ilacs_2018", "ofsted_inspection", D(2023, 7, 11), D(2023, 7, 13), "short"),  # a three-day short inspection
    ("ilacs_2018", "ofsted_inspection", D(2024, 3, 4), D(2024, 3, 15), "standard"),
    ("ilacs_2018", "ofsted_inspection", D(2019, 7, 8), D(2019, 8, 8), "standard"),  # split by the holidays
    ("ilacs_2018", "ofsted_inspection", None, None, None),
    ("sif_2013_2017", "ofsted_inspection", D(2017, 2, 27), D(2017, 3, 23), "sif"),
    ("slac_2009_2012", "ofsted_inspection", D(2012, 2, 20), D(2012, 3, 2), "slac"),
    (None, "council_report", None, None, None),
])
def test_inspection_type(framework, kind, start, end, want):
    assert inspection_type(framework, kind, "", start, end) == want


def test_ilacs_type_from_the_words_when_no_dates():
    assert inspection_type("ilacs_2018", "ofsted_inspection", "", None, None, "This was a short inspection.") == \
        "short"


# Real reports: each value read off the printed front page (or, for SIF, "The inspection team" at the end).
REAL = [
    ("ofsted/cambridgeshire/2014-08-08.pdf", "2014-06-03", "2014-06-25", "sif", "Helen Cawston"),  # "3 June 2014 - 25 June 2014"
    ("ofsted/cambridgeshire/2019-02-18.pdf", "2019-01-14", "2019-01-18", "short", "Dominic Stevens"),
    ("ofsted/cambridgeshire/2024-05-16.pdf", "2024-03-04", "2024-03-15", "standard", "Lisa Walsh"),  # "4 to 15 March 2024"
    ("ofsted/central-bedfordshire/2017-08-25.pdf", "2017-06-12", "2017-07-06", "sif", "Margaret Burke"),
    ("ofsted/herefordshire/2014-06-30.pdf", "2014-04-29", "2014-05-21", "sif", "Pietro Battista"),
    ("ofsted/herefordshire/2018-07-23.pdf", "2018-06-11", "2018-06-22", "standard", "Pauline Higham"),
    ("ofsted/north-tyneside/2017-06-13.pdf", "2017-02-27", "2017-03-23", "sif", "Neil Penswick"),  # "27 February to 23 March 2017"
    ("ofsted/north-tyneside/2025-01-13.pdf", "2024-11-11", "2024-11-15", "short", "Ceri Evans"),
    ("seeds/004_18dbb9304245f449.txt", "2012-02-20", "2012-03-02", "slac", "Pietro Battista"),  # "Reporting inspector ... HMI"
]


@pytest.mark.parametrize("rel, start, end, kind_, lead", REAL)
def test_real_reports(rel, start, end, kind_, lead):
    doc = load(CORPUS / rel)
    meta = read_metadata(doc)
    got = read_inspection(doc, meta.kind, meta.framework, meta.title, meta.inspection_dates).fields()
    assert got == {"inspection_start": start, "inspection_end": end, "inspection_type": kind_,
                   "lead_inspector": lead}


def test_an_index_without_the_fields_reads_none():
    from retrieval.store import _report_record

    old = _report_record(json.dumps({"report_id": "abc", "council": "Anytown", "published": "2015-01-01"}))
    assert all(old[k] is None for k in ("inspection_start", "inspection_end", "inspection_type", "lead_inspector"))


def test_reports_json_carries_the_fields(index_dir):
    rows = cli_json("reports", "--index", str(index_dir))
    by_source = {r["source"].split("corpus/")[-1]: r for r in rows}
    for rel, start, end, kind_, lead in REAL:
        r = by_source[rel]
        assert (r["inspection_start"], r["inspection_end"], r["inspection_type"], r["lead_inspector"]) == \
            (start, end, kind_, lead)
    council_reports = [r for r in rows if r["kind"] == "council_report"]
    assert council_reports and all(r["inspection_type"] is None and r["lead_inspector"] is None
                                   for r in council_reports)
    assert SEED_2012.name in {r["source"].rsplit("/", 1)[-1] for r in rows}
