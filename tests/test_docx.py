"""Word (.docx) council papers: read with python-docx, automatic numbering written out, indexed like text reports."""
from __future__ import annotations

import json

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from conftest import run_cli
from ingest.word import docx_text

INTRO = ("Central Bedfordshire Council", "Meeting: Executive", "Date: 21 August 2012",
         "Subject: Safeguarding and Looked After Children Post Inspection Action Plan",
         "Report of: Cllr Mark Versallion, Executive Member for Children's Services")
NUMBERED = (
    "The improvement actions for the Council and for NHS Bedfordshire and Luton will be funded from existing "
    "resources. The regional challenge and support programme is funded from the Children's Improvement Board.",
    "The Children Act 2004 requires Ofsted to provide an evaluation of the contribution made by relevant services in "
    "the local area towards ensuring that children and young people are properly safeguarded.",
    "The Council has a duty under the Education Act 1996 to promote high standards, ensure fair access to educational "
    "opportunity and to promote the fulfilment by every child of his or her educational potential.",
)

# A three-level outline list as Word writes one: "1.", "1.1", "(a)"; a second list instance restarts at 7.
OUTLINE = f"""<w:abstractNum {nsdecls('w')} w:abstractNumId="90">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%3)"/></w:lvl>
</w:abstractNum>"""


def _outline(doc) -> tuple[str, str]:
    numbering = doc.part.numbering_part.element
    numbering.insert(0, parse_xml(OUTLINE))  # abstractNum elements come before num elements
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="91"><w:abstractNumId w:val="90"/>'
                               '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="7"/></w:lvlOverride></w:num>'))
    return "90", "91"


def _numbered(doc, text: str, num_id: str, level: int) -> None:
    p = doc.add_paragraph(text)
    p._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def council_paper(path) -> None:
    """A cabinet paper as councils write them: front matter, headings, Word's own numbered paragraphs, a bullet, a
    paragraph numbered by hand and a contacts table."""
    doc = Document()
    for line in INTRO:
        doc.add_paragraph(line)
    doc.add_heading("Financial", level=2)
    doc.add_paragraph(NUMBERED[0], style="List Number")
    doc.add_heading("Legal", level=2)
    doc.add_paragraph(NUMBERED[1], style="List Number")
    doc.add_paragraph(NUMBERED[2], style="List Number")
    doc.add_paragraph("Failure to deliver the improvement actions would harm children.", style="List Bullet")
    doc.add_paragraph("4. A paragraph numbered by hand keeps the number its author typed in front of it, and is "
                      "read as paragraph four of the report like the others.")
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Contact officer", "Sylvia Gibson"
    table.cell(1, 0).text, table.cell(1, 1).text = "Telephone", "0300 300 8000"
    doc.save(path)


def test_automatic_numbering_is_written_out(tmp_path):
    doc = Document()
    first, restarted = _outline(doc)
    _numbered(doc, "Purpose of the report", first, 0)
    _numbered(doc, "This report sets out the outcome.", first, 1)
    _numbered(doc, "Cabinet is asked to note it.", first, 1)
    _numbered(doc, "and to approve the plan.", first, 2)
    _numbered(doc, "and to ask for updates.", first, 2)
    _numbered(doc, "Background", first, 0)
    _numbered(doc, "Ofsted inspected the council in 2012.", first, 1)
    _numbered(doc, "A later section numbered from seven", restarted, 0)
    _numbered(doc, "Its first point.", restarted, 1)
    p = doc.add_paragraph("Not numbered: its style's list is switched off.", style="List Number")
    p._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {nsdecls("w")}><w:numId w:val="0"/></w:numPr>'))
    # a content control around a paragraph, as council templates put around whole sections
    p = doc.add_paragraph("Inside a content control.")
    sdt = parse_xml(f'<w:sdt {nsdecls("w")}><w:sdtPr/><w:sdtContent/></w:sdt>')
    p._p.addprevious(sdt)
    sdt.find(qn("w:sdtContent")).append(p._p)
    doc.save(tmp_path / "outline.docx")
    lines = docx_text((tmp_path / "outline.docx").read_bytes()).split("\n\n")
    assert lines == ["1. Purpose of the report", "1.1 This report sets out the outcome.", "1.2 Cabinet is asked to note it.",
                     "(a) and to approve the plan.", "(b) and to ask for updates.", "2. Background",
                     "2.1 Ofsted inspected the council in 2012.", "7. A later section numbered from seven",
                     "7.1 Its first point.", "Not numbered: its style's list is switched off.",
                     "Inside a content control.\n"]


def test_docx_is_indexed_like_the_same_text(tmp_path):
    """The .docx and the text a person would save from it give the same report and the same numbered paragraphs."""
    council_paper(tmp_path / "paper.docx")
    text = docx_text((tmp_path / "paper.docx").read_bytes())
    assert "1. The improvement actions" in text and "3. The Council has a duty" in text
    assert "- Failure to deliver" in text and "Contact officer\tSylvia Gibson" in text
    (tmp_path / "paper.txt").write_text(text, encoding="utf-8")
    idx = tmp_path / "idx"
    p = run_cli("ingest", str(tmp_path / "paper.docx"), str(tmp_path / "paper.txt"), "--index", str(idx), "--json")
    assert p.returncode == 0, p.stdout + p.stderr
    outcomes = [json.loads(x) for x in p.stdout.splitlines()[:-1]]
    assert [o["status"] for o in outcomes] == ["indexed", "indexed"], outcomes
    reports = {r["source"].rsplit(".", 1)[1]: r for r in json.loads(run_cli("reports", "--index", str(idx),
                                                                             "--json").stdout)}
    word, plain = reports["docx"], reports["txt"]
    assert (word["council"], word["kind"], word["published"]) == ("Central Bedfordshire", "council_report",
                                                                  "2012-08-21")
    assert {k: word[k] for k in ("council", "kind", "title", "published")} == \
        {k: plain[k] for k in ("council", "kind", "title", "published")}
    paras = json.loads(run_cli("paragraphs", word["report_id"], "--index", str(idx), "--json").stdout)
    numbered = [(x["paragraph"], x["text"]) for x in paras if x["paragraph"]]
    assert [n for n, _ in numbered] == ["1", "2", "3", "4"]
    assert numbered[0][1].startswith(NUMBERED[0][:60]) and numbered[2][1].startswith(NUMBERED[2][:60])
    same = json.loads(run_cli("paragraphs", plain["report_id"], "--index", str(idx), "--json").stdout)
    assert [(x["paragraph"], x["text"]) for x in paras] == [(x["paragraph"], x["text"]) for x in same]


def test_bad_word_files_get_a_reason(tmp_path):
    (tmp_path / "old.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    (tmp_path / "page.docx").write_bytes(b"<!DOCTYPE html><html><body>Sign in</body></html>")
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 300)
    doc = Document()
    doc.add_paragraph("Too short.")
    doc.save(tmp_path / "short.docx")
    p = run_cli("ingest", str(tmp_path), "--index", str(tmp_path / "idx"), "--json")
    assert p.returncode == 1
    reasons = {o["path"].rsplit("/", 1)[1]: o["reason"] for o in map(json.loads, p.stdout.splitlines()[:-1])}
    assert "old Word (.doc)" in reasons["old.docx"]
    assert "HTML page" in reasons["page.docx"]
    assert "damaged Word document" in reasons["broken.docx"]
    assert "almost no text" in reasons["short.docx"]


def test_library_upload_takes_docx(tmp_path):
    from app import ui_library

    council_paper(tmp_path / "paper.docx")
    out = ui_library.ingest_uploads([("Cabinet paper.docx", (tmp_path / "paper.docx").read_bytes())],
                                    str(tmp_path / "idx"))
    assert [(o["Outcome"], o["Council"], o["Published"]) for o in out] == \
        [("indexed", "Central Bedfordshire", "2012-08-21")], out
    assert [p.suffix for p in (tmp_path / "idx" / "uploads").iterdir()] == [".docx"]
