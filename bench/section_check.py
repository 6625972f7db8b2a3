"""Section paths checked across the whole shared corpus by a rule independent of the segmenter's.

The segmenter builds a paragraph's section path from line shapes (ingest/segment_headings.py). This check reads the
cleaned text instead and asks, for every paragraph of every Ofsted inspection report:

1. top level: the last of its framework's top-level headings printed (as a heading: at a line start, with nothing
   after it on its line but a grade) before the paragraph must be the first element of the paragraph's path; before
   the first such heading, the path must not name a later section.
2. present: the deepest element of the path must be printed between that top-level heading and the paragraph
   (a heading from an earlier section carried over is wrong).
3. order: the top-level judgement sections a report's paragraphs are labelled with follow the framework's order.

It exits 1 when any paragraph breaks a rule (listing the first ones), so it can gate a change.

Titles are compared without a leading "The", a "Section 2:" number or "(LSCB)", and with "LSCB" spelled out: the
reports print one section under these variants ("Section 2: The effectiveness of the Local Safeguarding Children
Board" then "The effectiveness of the LSCB is good"; 2023-24 "Experiences and progress of ..."). Comparing the first
40 characters with "The" kept made every "The experiences and progress of children ..." section equal to every other,
so a paragraph under the wrong one passed. A heading may end in a full stop after its grade (2014 reports state the
grade as a sentence: "... help and protection" / "are good.").

Where the text is read: headings from the end of the front page's list of grades (an "Executive summary" printed
on page 1 is a heading; the titles and grades above it repeat the section names), never on a contents page; a
heading is not one when the next line goes on with its sentence in lower case; a judged section's name printed
before the section itself (a sub-heading of a 2015 summary or of the recommendations, or a table row on the
heading's page) does not start it. A paragraph is looked for from its own page and after the one before it (a
summary's first sentence repeats the front page's title; a heading kept as text repeats the next paragraph's first
words). Front-page paragraphs sum up each judged section under its name: they are not held to rule 1's "before the
first heading" part nor to the order rule.

    .venv/bin/python bench/section_check.py [--corpus DIR] [--show N] [--snapshot FILE]

--snapshot reads paragraphs from a JSON file ({"ofsted/x/y.pdf": {"paras": [paragraph JSON ...]}}) instead of
running the segmenter: how the figures before a change were measured.
"""
from __future__ import annotations

import argparse
import bisect
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from evalkit import SHARED, load_doc  # noqa: E402
from ingest.clean import clean_pages  # noqa: E402
from ingest.metadata import read_metadata  # noqa: E402
from ingest.models import IngestError  # noqa: E402
from ingest.segment import segment  # noqa: E402

# each framework's top-level sections in the order its reports print them (read from the reports)
TOP = {
    "sif_2013_2017": ["Executive summary", "Information about this local authority area", "Recommendations",
                      "Summary for children and young people",
                      "The experiences and progress of children who need help and protection",
                      "The experiences and progress of children looked after and achieving permanence",
                      "Leadership, management and governance",
                      "The Local Safeguarding Children Board",
                      "The effectiveness of the Local Safeguarding Children Board",
                      "Review of the effectiveness of the Local Safeguarding Children Board",
                      "Information about this inspection"],
    "ilacs_2018": ["What needs to improve",
                   "The experiences and progress of children who need help and protection",
                   "The experiences and progress of children in care and care leavers",  # one section until 2023
                   "The experiences and progress of children in care",
                   "The experiences and progress of care leavers",
                   "The impact of leaders on social work practice with children and families"],
}
ONCE = {"Recommendations", "Executive summary"}
# sections that a report's order check compares (the judgement sections; front matter may move about)
JUDGED = re.compile(r"^experiences and progress|^leadership, management|^impact of leaders|"
                    r"safeguarding children board|effectiveness of the lscb", re.IGNORECASE)
_GRADE_TAIL = re.compile(r"^\s*(?:(?:is|are)\b)?\s*[:\u2013-]?\s*(?:(?:is|are)\s+)?(?:judged\s+(?:to\s+be\s+)?)?"
                         r"(?:requires?\s+improvement(?:\s+to\s+be\s+good)?|outstanding|good|adequate|inadequate)?"
                         r"\s*\??\s*$", re.IGNORECASE)
# 2014: '... help and protection' / 'are good.' is a heading (not 'Leadership ...: Inadequate.' in a list of the
# previous inspection's grades)
_STATED_TAIL = re.compile(r"^\s*(?:(?:is|are)\s+(?:judged\s+(?:to\s+be\s+)?)?(?:requires?\s+improvement(?:\s+to\s+be\s+good)?"
                          r"|outstanding|good|adequate|inadequate)|requires?\s+improvement(?:\s+to\s+be\s+good)?)\.\s*$",
                          re.IGNORECASE)


_CONTENTS = re.compile(r"^(?:table of )?contents\b", re.IGNORECASE)
_LIST_GRADE = re.compile(r"\b(?:outstanding|good|adequate|inadequate|improvement(?: to be good)?)\.?\s*$", re.IGNORECASE)


def _norm(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", text).strip().lower()


def _key(text: str) -> str:
    """A section title as compared: normalised, without a 'Section 2:' number or a leading 'The' (2014 reports
    print 'Section 2: The effectiveness of the Local Safeguarding Children Board' and then state its grade as
    'The effectiveness of the LSCB is good', some 2023-24 reports 'Experiences and progress of ...')."""
    text = re.sub(r"\blscb\b", "local safeguarding children board", re.sub(r"\s*\(lscb\)", "", _norm(text)))
    return re.sub(r"^(?:section \d{1,2}:?\s*)?(?:the\s+)?", "", text)


def heading_positions(lines: list[str], title: str) -> list[int]:
    """Character offsets (in the text of `lines` joined by spaces) where `title` is printed as a heading: from a line
    start, possibly wrapped over up to three lines, with nothing after it on its last line but a grade, and the next
    line not going on with the sentence ('The local safeguarding children board requires improvement' / 'because:',
    '... help and protection are' / 'inadequate. Serious concerns ...' are summaries' sentences)."""
    want = _key(title)
    out, offset = [], 0
    starts = []
    for ln in lines:
        starts.append(offset)
        offset += len(ln) + 1
    for k, ln in enumerate(lines):
        if not _key(ln) or not want.startswith(_key(ln)[:12]):
            continue
        joined = ""
        for j in range(k, min(k + 4, len(lines))):
            joined = _key(f"{joined} {lines[j]}")
            if joined.startswith(want):
                goes_on = j + 1 < len(lines) and lines[j + 1].strip()[:1].islower() and \
                    not _GRADE_TAIL.match(lines[j + 1].strip().rstrip("."))  # the sentence goes on (not a grade)
                if (_GRADE_TAIL.match(joined[len(want):]) or _STATED_TAIL.match(joined[len(want):])) and not goes_on:
                    out.append(starts[k])
                    break
                continue  # a grade wrapped onto the next line
            if not want.startswith(joined):
                break
    return out


def front_matter_end(page_one: list[str]) -> int:
    """The line after the front page's titles and list of grades (its last line ending in a grade): they repeat the
    section names. An 'Executive summary' printed on the front page below them is a heading."""
    graded = [k for k, ln in enumerate(page_one) if _LIST_GRADE.search(ln.strip())]
    return graded[-1] + 1 if graded else len(page_one)


def check_report(lines: list[str], paras: list[dict], framework: str, body_from: int = 0,
                 page_starts: list[int] | None = None) -> tuple[list[str], int]:
    """Errors (one line each) and the number of paragraphs checked. Headings are looked for from line `body_from`
    on (the front page's titles and table of grades repeat the section names). A paragraph is looked for from the
    start of its page (`page_starts`: the index of each page's first line) so that a summary sentence is not found
    in the front page's title that it repeats."""
    text = _norm(" ".join(lines))
    tops = TOP.get(framework)
    if not tops:
        return [], 0
    body = len(" ".join(lines[:body_from])) if body_from else 0
    marks = sorted((pos, t) for t in tops for pos in heading_positions(lines, t) if pos >= body)
    # front matter a later part repeats (the LSCB review's own recommendations) is top-level the first time only
    once = {t for t in tops if t in ONCE}
    marks = [(pos, t) for k, (pos, t) in enumerate(marks) if t not in once or all(u != t for _, u in marks[:k])]
    # a judged section's name printed before the section as a sub-heading of the summary or of the recommendations
    # (2015: 'Summary of findings' / 'Leadership, management and governance' / 'Social work practice') does not
    # start the section: judged sections start at the first one printed for the last time (a table row under the
    # heading on its page repeats it)
    line_at = [len(" ".join(lines[:k])) for k in (page_starts or [0])]
    page_of = {pos: bisect.bisect_right(line_at, pos) for pos, _ in marks}
    last = {t: page_of[pos] for pos, t in marks}
    starts = [pos for pos, t in marks if JUDGED.search(_key(t)) and last[t] == page_of[pos]]
    marks = [(pos, t) for pos, t in marks if not (JUDGED.search(_key(t)) and starts and pos < min(starts))]
    # map heading positions to the normalised text: offsets in the joined raw text are close enough after
    # normalising each line on its own (whitespace only shrinks), so locate each heading's words again
    located = []
    for pos, t in marks:
        raw = " ".join(lines)[:pos]
        located.append((len(_norm(raw)), t))
    page_at = [len(_norm(" ".join(lines[:k]))) for k in (page_starts or [0])]
    errors, checked = [], 0
    at = 0
    seen_tops: list[str] = []
    for p in paras:
        section = p.get("section") or ""
        if not section or section in ("Judgements",) or section.startswith("Record of main findings"):
            continue
        probe = _norm(p["text"])[:60]
        if not probe:
            continue
        page = int(p.get("page") or 1)
        pos = text.find(probe, max(at, page_at[min(page, len(page_at)) - 1]))
        if pos < 0:
            pos = text.find(probe)
        if pos < 0:
            continue  # not located (text joined across a page differently): not judged
        at = pos + 1  # the next paragraph starts after this one (a heading kept as text repeats its words)
        checked += 1
        where = f"para {p.get('paragraph') or '-'} p{p.get('page')}"
        parts = [x.strip() for x in section.split(" > ")]
        before = [(q, t) for q, t in located if q <= pos]
        if before:
            q, top = before[-1]
            if not _key(parts[0]).startswith(_key(top)[:40]) and not _key(top).startswith(_key(parts[0])[:40]):
                errors.append(f"{where}: under '{top}' in the text, labelled '{section}'")
                continue
            deepest = _norm(parts[-1])[:40]
            if len(parts) > 1 and deepest not in text[q:pos + 1] and deepest not in _norm(p["text"]):
                errors.append(f"{where}: '{parts[-1]}' is not printed between '{top}' and the paragraph "
                              f"(labelled '{section}')")
                continue
        else:
            later = [t for t in tops if _key(parts[0]).startswith(_key(t)[:40])]
            # (not on the front page: it states each judged section's grade and sums it up under that name)
            if later and int(p.get("page") or 1) > 1 and any(h >= body for h in heading_positions(lines, later[0])):
                errors.append(f"{where}: before any top-level heading, labelled '{section}'")
                continue
        if int(p.get("page") or 1) > 1 and JUDGED.search(_key(parts[0])) and (not seen_tops or seen_tops[-1] != parts[0]):
            seen_tops.append(parts[0])
    order = [next((k for k, t in enumerate(tops) if _key(s).startswith(_key(t)[:40])), None) for s in seen_tops]
    order = [o for o in order if o is not None]
    if order != sorted(order):
        errors.append(f"top-level sections out of the framework's order: {seen_tops}")
    return errors, checked


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(SHARED / "corpus"))
    ap.add_argument("--show", type=int, default=3, help="errors shown per report")
    ap.add_argument("--snapshot", help="paragraphs from this JSON instead of the segmenter")
    a = ap.parse_args()
    corpus = Path(a.corpus)
    snap = json.loads(Path(a.snapshot).read_text()) if a.snapshot else None
    totals: Counter[str] = Counter()
    bad_reports = []
    for f in sorted((corpus / "ofsted").glob("*/*.pdf")):
        rel = str(f.relative_to(corpus))
        doc = load_doc(f)
        if isinstance(doc, str):
            continue
        try:
            framework = read_metadata(doc).framework or ""
        except IngestError:
            continue
        if framework not in TOP:
            totals["reports of other frameworks (not checked)"] += 1
            continue
        paras = snap[rel]["paras"] if snap else [p.to_json() for p in segment(doc)]
        pages = clean_pages(doc)
        # a contents page lists the headings (some without their page numbers): not where sections start
        lines = [ln if not _CONTENTS.match(page.text.strip()) else "" for page in pages for ln in page.text.split("\n")]
        starts = [0]
        for page in pages[:-1]:
            starts.append(starts[-1] + len(page.text.split("\n")))
        errors, checked = check_report(lines, paras, framework, body_from=front_matter_end(pages[0].text.split("\n")),
                                       page_starts=starts)
        totals["reports checked"] += 1
        totals["paragraphs checked"] += checked
        totals["paragraphs wrong"] += len([e for e in errors if e.startswith("para")])
        totals["numbered paragraphs wrong"] += len([e for e in errors if e.startswith("para ") and
                                                     not e.startswith("para -")])
        if errors:
            bad_reports.append(rel)
            print(f"{rel}: {len(errors)} errors")
            for e in errors[:a.show]:
                print(f"   {e}")
    print()
    for k, v in totals.items():
        print(f"{k}: {v}")
    print(f"reports with errors: {len(bad_reports)}")
    return 1 if bad_reports else 0


if __name__ == "__main__":
    sys.exit(main())
