"""The shared types every layer speaks: Report, Paragraph, Recommendation, Judgement, Evidence.

They live in one module so ingest, retrieval and the app agree on one vocabulary and one JSON shape (DESIGN.md).
Plain dataclasses: cheap to pickle across the ingest process pool and to turn into the CLI's JSON.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("ofsted_inspection", "ofsted_visit", "ofsted_jtai", "council_report")
FRAMEWORKS = ("slac_2009_2012", "sif_2013_2017", "ilacs_2018")


@dataclass
class Page:
    """One page of a source document as extracted text (1-based number).

    Plain-text sources have no pages; they arrive as a single page 1. `lines` carries, for PDFs, each text line's
    vertical extent on the page (top, bottom in PDF points from the page top) so the app can highlight a paragraph.
    """

    number: int
    text: str
    lines: list[tuple[str, float, float]] = field(default_factory=list)
    height: float = 0.0


@dataclass
class Document:
    """A loaded file: its pages of text plus what the file itself says (PDF info dictionary)."""

    path: str
    sha256: str
    source_type: str  # "pdf" | "text"
    pages: list[Page]
    info: dict[str, str] = field(default_factory=dict)  # PDF /CreationDate, /ModDate, /Title ...

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.pages)


@dataclass
class Paragraph:
    """A paragraph as the report prints it. `number` is the printed number ("128", "2.1.1") or None."""

    text: str
    page: int
    number: str | None = None
    part: str = "main"
    section: str = ""
    grade: str | None = None
    pages: list[int] = field(default_factory=list)  # every page the paragraph touches, first = page
    top: float | None = None  # vertical extent on the first page, PDF points from the top (for highlighting)
    bottom: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {"paragraph": self.number, "part": self.part, "section": self.section, "grade": self.grade,
                "page": self.page, "pages": self.pages or [self.page], "text": self.text}


@dataclass
class Recommendation:
    text: str
    number: str | None = None
    timescale: str | None = None
    owner: str | None = None
    group: str | None = None
    paragraph: str | None = None  # the printed number of the paragraph introducing the list
    page: int | None = None
    kind: str = "recommendation"  # or "council decision"


@dataclass
class Judgement:
    area: str
    grade: str  # Outstanding / Good / Requires improvement (to be good) / Adequate / Inadequate
    score: int | None = None  # the 1-4 grade where printed


@dataclass
class Report:
    """A report's identity and metadata. `id` is the shortened sha256 of the file bytes (stable across machines)."""

    id: str
    council: str
    kind: str
    framework: str | None
    title: str
    published: str | None  # YYYY-MM-DD
    inspection_dates: str | None
    source: str
    pages: int
    sha256: str = ""
    committee: str | None = None  # council reports: the meeting ("Cabinet", "Executive")
    inspection_start: str | None = None  # YYYY-MM-DD, first day on site (ingest/inspection.py)
    inspection_end: str | None = None  # YYYY-MM-DD, last day on site
    inspection_type: str | None = None  # short, standard (ILACS); sif; slac; monitoring_visit ...
    lead_inspector: str | None = None  # the name as printed, without the title

    def to_json(self, paragraphs: int | None = None) -> dict[str, Any]:
        d = {"report_id": self.id, "council": self.council, "kind": self.kind, "framework": self.framework,
             "title": self.title, "published": self.published, "inspection_dates": self.inspection_dates,
             "source": self.source, "pages": self.pages, "inspection_start": self.inspection_start,
             "inspection_end": self.inspection_end, "inspection_type": self.inspection_type,
             "lead_inspector": self.lead_inspector}
        if paragraphs is not None:
            d["paragraphs"] = paragraphs
        return d


@dataclass
class ParsedReport:
    """Everything ingest understood of one file, ready to be written to the index in one go."""

    report: Report
    paragraphs: list[Paragraph]
    recommendations: list[Recommendation] = field(default_factory=list)
    judgements: list[Judgement] = field(default_factory=list)


@dataclass
class Evidence:
    """A search hit: a paragraph with its report's metadata, a score and a citation ready to paste."""

    report_id: str
    council: str
    title: str
    kind: str
    published: str | None
    paragraph: str | None
    part: str
    section: str
    page: int
    text: str
    score: float
    citation: str
    grade: str | None = None
    source: str = ""
    top: float | None = None
    bottom: float | None = None
    stance: str = "neutral"  # strength | concern | mixed | neutral (retrieval/stance.py)
    earlier: bool = False  # from an earlier report than the council's latest: shown as "2017 report - earlier inspection"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class IngestError(Exception):
    """A file that cannot become a report; the message is the reason shown to a person."""
