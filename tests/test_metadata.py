"""Report metadata read from the words of every file in corpus/ (never from file names), plus refusals.

Expected values were written by reading each document: the council on its title page or header, the title wording
that names the framework, the printed "Published:" date (2013-2017) or, for reports that print none, the day after
the PDF's /CreationDate (next working day) which the bench measured as the best predictor of Ofsted's listed date.
"""
from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pytest

from ingest import gazetteer
from ingest.loaders import load
from ingest.metadata import Metadata, bank_holidays, next_working_day, parse_date, pdf_date, read_metadata
from ingest.models import Document, IngestError, Page

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

# path, council, kind, framework, published (what the document supports), date Ofsted lists it under
EXPECTED = [
    ("seeds/000_9b2c901988472ad8.txt", "Central Bedfordshire", "council_report", None, "2012-08-21", None),
    ("seeds/001_5200bfa8f44a5482.txt", "Herefordshire", "council_report", None, "2014-09-11", None),
    ("seeds/002_222567e1b7fed4d7.txt", "Cambridgeshire", "council_report", None, "2010-01-26", None),
    ("seeds/003_c839e8cefc8a4b2d.txt", "North Tyneside", "council_report", None, "2012-07-09", None),
    ("seeds/004_18dbb9304245f449.txt", "Central Bedfordshire", "ofsted_inspection", "slac_2009_2012", "2012-04-10",
     "2012-04-10"),
    ("ofsted/cambridgeshire/2014-08-08.pdf", "Cambridgeshire", "ofsted_inspection", "sif_2013_2017", "2014-08-08",
     "2014-08-08"),
    # made 2019-03-22, a re-issue five weeks after Ofsted listed it: the one file here the PDF date cannot place
    ("ofsted/cambridgeshire/2019-02-18.pdf", "Cambridgeshire", "ofsted_inspection", "ilacs_2018", "2019-03-25",
     "2019-02-18"),
    ("ofsted/cambridgeshire/2024-05-16.pdf", "Cambridgeshire", "ofsted_inspection", "ilacs_2018", "2024-05-16",
     "2024-05-16"),
    ("ofsted/central-bedfordshire/2017-08-25.pdf", "Central Bedfordshire", "ofsted_inspection", "sif_2013_2017",
     "2017-08-25", "2017-08-25"),
    ("ofsted/central-bedfordshire/2022-03-04.pdf", "Central Bedfordshire", "ofsted_inspection", "ilacs_2018",
     "2022-03-04", "2022-03-04"),
    ("ofsted/herefordshire/2014-06-30.pdf", "Herefordshire", "ofsted_inspection", "sif_2013_2017", "2014-06-30",
     "2014-06-30"),
    # made Friday 20 July 2018 -> Monday 23 July
    ("ofsted/herefordshire/2018-07-23.pdf", "Herefordshire", "ofsted_inspection", "ilacs_2018", "2018-07-23",
     "2018-07-23"),
    ("ofsted/herefordshire/2022-09-21.pdf", "Herefordshire", "ofsted_inspection", "ilacs_2018", "2022-09-16",
     "2022-09-21"),
    ("ofsted/north-tyneside/2017-06-13.pdf", "North Tyneside", "ofsted_inspection", "sif_2013_2017", "2017-06-13",
     "2017-06-13"),
    # made Thursday 9 April 2020: Good Friday and Easter Monday skipped -> Tuesday 14 April
    ("ofsted/north-tyneside/2020-04-15.pdf", "North Tyneside", "ofsted_inspection", "ilacs_2018", "2020-04-14",
     "2020-04-15"),
    ("ofsted/north-tyneside/2025-01-13.pdf", "North Tyneside", "ofsted_inspection", "ilacs_2018", "2025-01-10",
     "2025-01-13"),
]


@cache
def _doc(rel: str) -> Document:
    return load(CORPUS / rel)


def test_every_corpus_file_is_listed():
    on_disk = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.suffix in (".pdf", ".txt")}
    assert on_disk == {row[0] for row in EXPECTED}


@pytest.mark.parametrize("rel,council,kind,framework,published,listed", EXPECTED, ids=[r[0] for r in EXPECTED])
def test_corpus_metadata(rel, council, kind, framework, published, listed):
    m = read_metadata(_doc(rel))
    assert isinstance(m, Metadata)
    assert (m.council, m.kind, m.framework, m.published) == (council, kind, framework, published)
    assert gazetteer.lookup(m.council) is not None and gazetteer.lookup(m.council).name == m.council
    assert m.title and m.inspection_dates
    if listed and rel != "ofsted/cambridgeshire/2019-02-18.pdf":
        gap = abs((dt.date.fromisoformat(m.published) - dt.date.fromisoformat(listed)).days)
        assert gap <= 7


def test_titles_and_dates_as_printed():
    m = read_metadata(_doc("ofsted/north-tyneside/2025-01-13.pdf"))
    assert m.title == "Inspection of North Tyneside local authority children's services"
    assert m.inspection_dates == "11 to 15 November 2024"
    m = read_metadata(_doc("ofsted/herefordshire/2014-06-30.pdf"))
    assert m.title == ("Inspection of services for children in need of help and protection, children looked after "
                       "and care leavers")
    m = read_metadata(_doc("ofsted/herefordshire/2018-07-23.pdf"))
    assert m.title == "Inspection of children's social care services"
    assert m.inspection_dates == "11 June 2018 to 22 June 2018"
    m = read_metadata(_doc("seeds/004_18dbb9304245f449.txt"))
    assert m.title == "Inspection of safeguarding and looked after children services"
    assert m.inspection_dates == "20 February to 2 March 2012"


def test_council_reports_give_committee_title_and_meeting_date():
    m = read_metadata(_doc("seeds/000_9b2c901988472ad8.txt"))
    # the text also names Luton (inside "NHS Bedfordshire and Luton"); the report is Central Bedfordshire's
    assert (m.council, m.committee) == ("Central Bedfordshire", "Executive")
    assert m.title == "Safeguarding and Looked After Children Post Inspection Action Plan"
    m = read_metadata(_doc("seeds/003_c839e8cefc8a4b2d.txt"))
    assert m.committee == "Cabinet"
    assert m.title == "Ofsted Announced Inspection of Safeguarding and Looked After Children Services"
    assert m.inspection_dates == "5 - 16 March 2012"
    assert read_metadata(_doc("seeds/001_5200bfa8f44a5482.txt")).committee == "Cabinet"
    assert read_metadata(_doc("seeds/002_222567e1b7fed4d7.txt")).committee == "Cabinet"


def test_council_report_that_attaches_the_ofsted_report_stays_a_council_report():
    ofsted = _doc("seeds/004_18dbb9304245f449.txt").text
    header = ("Meeting: Executive\nDate: 4 September 2012\nSubject: Ofsted inspection report\n"
              "Report of: Director of Children's Services\nWards Affected: All\n\n")
    m = read_metadata(Document(path="x.txt", sha256="", source_type="text", pages=[Page(1, header + ofsted)]))
    assert (m.kind, m.council, m.published, m.committee) == ("council_report", "Central Bedfordshire",
                                                             "2012-09-04", "Executive")


def _text(t: str, info: dict | None = None) -> Document:
    return Document(path="x.txt", sha256="", source_type="text", pages=[Page(1, t)], info=info or {})


def test_not_a_report_is_refused():
    with pytest.raises(IngestError, match="not a recognised report"):
        read_metadata(_text("Take two eggs and a cup of flour, beat them well and leave to rest. " * 20))
    budget = ("Report to Cabinet\nDate: 12 March 2019\nSubject: Revenue budget 2019/20\nWards affected: All\n"
              + "Spending on highways rises by two per cent next year. " * 20)
    with pytest.raises(IngestError, match="not a recognised report"):
        read_metadata(_text(budget))


def test_monitoring_visit_letter():
    letter = ("Ofsted\nPiccadilly Gate\nStore Street\nManchester\nM1 2WD\n\n8 March 2019\n\nMr John Smith\n"
              "Director of Children's Services\nLondon Borough of Barnet\n\nDear Mr Smith\n\n"
              "Monitoring visit to Barnet children's services\n\nThis letter summarises the findings of the "
              "monitoring visit to Barnet children's services on 12 and 13 February 2019. The visit was carried out "
              "under the inspection of local authority children's services (ILACS) framework by Her Majesty's "
              "Inspectors.\n" + "Inspectors reviewed the progress made at the front door. " * 10)
    m = read_metadata(_text(letter, {"/CreationDate": "D:20190307101010+00'00'"}))
    assert (m.kind, m.council, m.framework) == ("ofsted_visit", "Barnet", "ilacs_2018")
    assert (m.inspection_dates, m.published) == ("12 and 13 February 2019", "2019-03-08")
    assert read_metadata(_text(letter)).published == "2019-03-08"  # no PDF date: the letter's own date


def test_title_page_decides_among_councils_named():
    page = ("Inspection of the London Borough of Ealing local authority children's services\n"
            "Inspection dates: 22 April to 3 May 2024\nLead inspector: Tom Anthony, His Majesty's Inspector\n"
            "Children in Ealing, unlike those placed in Hounslow, Brent, Harrow and Hillingdon, ...\n"
            + "Hounslow and Brent are neighbours. " * 20)
    m = read_metadata(_text(page))
    assert (m.council, m.framework, m.published) == ("Ealing", "ilacs_2018", None)


def test_working_days_skip_weekends_and_bank_holidays():
    assert next_working_day(dt.date(2019, 6, 28)) == dt.date(2019, 7, 1)  # Friday -> Monday
    assert next_working_day(dt.date(2020, 4, 9)) == dt.date(2020, 4, 14)  # Easter 2020
    assert next_working_day(dt.date(2020, 5, 7)) == dt.date(2020, 5, 11)  # VE day moved to Friday 8 May
    assert next_working_day(dt.date(2021, 12, 24)) == dt.date(2021, 12, 29)  # substitute Christmas days
    assert next_working_day(dt.date(2022, 9, 16)) == dt.date(2022, 9, 20)  # state funeral
    assert dt.date(2024, 5, 6) in bank_holidays(2024) and dt.date(2024, 5, 27) in bank_holidays(2024)
    assert dt.date(2024, 8, 26) in bank_holidays(2024) and dt.date(2024, 3, 29) in bank_holidays(2024)


def test_date_parsing():
    assert parse_date("Report published: 07 February 2017") == dt.date(2017, 2, 7)
    assert parse_date("Published: 25/11/2016") == dt.date(2016, 11, 25)
    assert parse_date("Inspection date: 18 Feb 2014") == dt.date(2014, 2, 18)
    assert parse_date("on the 15th September 2009") == dt.date(2009, 9, 15)
    assert parse_date("no date here") is None
    assert pdf_date("D:20170706144149+01'00'") == dt.datetime(2017, 7, 6, 14, 41)


def test_gazetteer_domains_and_ampersands():
    assert gazetteer.by_domain("mail.cambridgeshire.gov.uk").name == "Cambridgeshire"
    assert gazetteer.by_domain("bcpcouncil.gov.uk").name == "Bournemouth, Christchurch and Poole"
    assert [c.name for c, _, _ in gazetteer.find_all("B&NES and Brighton&Hove")] == [
        "Bath and North East Somerset", "Brighton and Hove"]
