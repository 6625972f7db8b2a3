"""One file in, one ParsedReport out: load, read metadata, segment, extract recommendations and judgements.

Pure and picklable so the indexer can run it in a process pool; it never touches the index.
"""
from __future__ import annotations

import os
from pathlib import Path

from ingest.inspection import read_inspection
from ingest.judgements import extract_judgements
from ingest.loaders import load
from ingest.metadata import read_metadata
from ingest.models import IngestError, ParsedReport, Report
from ingest.recommendations import extract_recommendations
from ingest.segment import segment

ID_LENGTH = 16


def report_id(sha256: str) -> str:
    return sha256[:ID_LENGTH]


def parse_document(doc) -> ParsedReport:
    meta = read_metadata(doc)
    paragraphs = segment(doc)
    if not paragraphs:
        raise IngestError("not a recognised report: no paragraphs of text were found")
    recs = extract_recommendations(doc, meta.framework, meta.kind)
    judgements = extract_judgements(doc, meta.framework, meta.kind)
    report = Report(id=report_id(doc.sha256), council=meta.council, kind=meta.kind, framework=meta.framework,
                    title=meta.title, published=meta.published, inspection_dates=meta.inspection_dates,
                    source=os.path.abspath(doc.path), pages=len(doc.pages), sha256=doc.sha256,
                    committee=getattr(meta, "committee", None),
                    **read_inspection(doc, meta.kind, meta.framework, meta.title, meta.inspection_dates).fields())
    return ParsedReport(report=report, paragraphs=paragraphs, recommendations=recs, judgements=judgements)


def parse_file(path: str | Path) -> ParsedReport:
    """Raise IngestError (with the reason a person reads) for anything that cannot become a report."""
    doc = load(path)
    try:
        return parse_document(doc)
    except IngestError:
        raise
    except Exception as e:  # a parser bug must cost one file, never the batch
        raise IngestError(f"could not be understood ({type(e).__name__}: {str(e)[:120]})") from e
