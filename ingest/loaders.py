"""Turn a file on disk into a Document (pages of text), or refuse it with a reason a person understands.

Officers point the tool at whatever their council has saved, so every way a file can be wrong gets a plain
sentence here rather than a stack trace further down.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
from pathlib import Path

from ingest.models import Document, IngestError, Page

SUPPORTED = (".pdf", ".docx", ".txt", ".md")
MAX_BYTES = int(os.environ.get("INSPECTIONS_MAX_MB", "100")) * 1024 * 1024

logging.getLogger("pypdf").setLevel(logging.ERROR)


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_file(path: str | Path) -> None:
    """Reasons that need no parsing: missing, unreadable, empty, too large, unsupported type."""
    p = Path(path)
    if not p.exists():
        raise IngestError("no such file or folder")
    if not p.is_file():
        raise IngestError("not a regular file")
    if not os.access(p, os.R_OK):
        raise IngestError("permission denied: the file is not readable")
    if p.suffix.lower() not in SUPPORTED:
        raise IngestError(f"unsupported file type {p.suffix or '(none)'}: only .pdf, .docx, .txt and .md are read")
    size = p.stat().st_size
    if size == 0:
        raise IngestError("empty file")
    if size > MAX_BYTES:
        raise IngestError(f"file too large ({size / 1e6:.0f} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB)")


def _sniff_not_pdf(head: bytes) -> str | None:
    """What a file named .pdf really is, when it is not a PDF."""
    if b"%PDF-" in head[:1024]:
        return None
    low = head[:2048].lstrip().lower()
    if low.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in low:
        return "not a PDF: the file is an HTML page (a web page saved with a .pdf name)"
    if head.startswith(b"\x89PNG"):
        return "not a PDF: the file is a PNG image"
    if head.startswith(b"\xff\xd8\xff"):
        return "not a PDF: the file is a JPEG image"
    if head.startswith(b"PK\x03\x04"):
        return "not a PDF: the file is a ZIP archive (or a Word/Excel document)"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "not a PDF: the file is an old Microsoft Office document"
    if low.startswith((b"<?xml", b"<")):
        return "not a PDF: the file is an XML/HTML document"
    return "not a PDF: the file does not start like a PDF"


def _garbage_share(text: str) -> float:
    """Share of characters that are neither letters, digits, punctuation nor space (broken font encodings)."""
    if not text:
        return 1.0
    bad = sum(1 for ch in text if not (ch.isalnum() or ch.isspace() or ch in ".,;:!?'\"()[]-–—/&%£$*+=@#’‘“”•…") )
    return bad / len(text)


def load_pdf(path: Path, data: bytes) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    why = _sniff_not_pdf(data[:4096])
    if why:
        raise IngestError(why)
    if b"%%EOF" not in data[-4096:]:
        raise IngestError("truncated or damaged PDF: the end of the file is missing")
    import io

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise IngestError("encrypted PDF: it needs a password to open")
        n = len(reader.pages)
    except IngestError:
        raise
    except FileNotDecryptedError:
        raise IngestError("encrypted PDF: it needs a password to open")
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as e:
        raise IngestError(f"truncated or damaged PDF ({str(e)[:80]})")
    if n == 0:
        raise IngestError("truncated or damaged PDF: it has no pages")
    pages = []
    for i, page in enumerate(reader.pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception as e:  # a single broken page content stream
            raise IngestError(f"truncated or damaged PDF: page {i} cannot be read ({str(e)[:60]})")
        try:
            height = float(page.mediabox.height)
        except Exception:
            height = 0.0
        pages.append(Page(number=i, text=text, height=height))
    alltext = "".join(p.text for p in pages)
    letters = sum(ch.isalpha() for ch in alltext)
    if letters < 200:
        raise IngestError("no text layer (scanned?): the PDF has pages but no readable text")
    if _garbage_share(alltext) > 0.3:
        raise IngestError("the PDF's text is unreadable (mostly garbage characters: a broken font encoding)")
    info: dict[str, str] = {}
    try:
        for k, v in (reader.metadata or {}).items():
            info[str(k)] = str(v)
    except Exception:
        pass
    return Document(path=str(path), sha256="", source_type="pdf", pages=pages, info=info)


def decode_text(data: bytes) -> str:
    """UTF-8 when it is, else Windows-1252 (what Word saves as 'plain text' here), else Latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def load_text(path: Path, data: bytes) -> Document:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError("not a text file: it contains binary data")
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
    if sum(ch.isalpha() for ch in text) < 200:
        raise IngestError("not a recognised report: the file has almost no text")
    return Document(path=str(path), sha256="", source_type="text", pages=[Page(number=1, text=text)])


def load_docx(path: Path, data: bytes) -> Document:
    """A Word document read as a text report (ingest/word.py writes out its automatic paragraph numbers)."""
    import zipfile

    from ingest.word import docx_text

    if not data.startswith(b"PK\x03\x04"):
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise IngestError("not a .docx: the file is an old Word (.doc) document or a password-protected one; "
                              "save it as .docx (or PDF) without a password")
        low = data[:2048].lstrip().lower()
        if low.startswith((b"<!doctype html", b"<html")) or b"<html" in low:
            raise IngestError("not a Word document: the file is an HTML page saved with a .docx name")
        raise IngestError("not a Word document: the file is not a .docx package")
    try:
        text = docx_text(data)
    except zipfile.BadZipFile as e:
        raise IngestError(f"truncated or damaged Word document ({str(e)[:80]})")
    except Exception as e:  # python-docx raises several types for a package that is not a Word document
        raise IngestError(f"not a readable Word document ({type(e).__name__}: {str(e)[:100]})")
    if sum(ch.isalpha() for ch in text) < 200:
        raise IngestError("not a recognised report: the file has almost no text")
    return Document(path=str(path), sha256="", source_type="text", pages=[Page(number=1, text=text)])


def load(path: str | Path) -> Document:
    """Read a supported file into a Document or raise IngestError with the reason."""
    p = Path(path)
    check_file(p)
    try:
        data = p.read_bytes()
    except PermissionError:
        raise IngestError("permission denied: the file is not readable")
    except OSError as e:
        raise IngestError(f"cannot read the file ({e.strerror or e})")
    suffix = p.suffix.lower()
    doc = load_pdf(p, data) if suffix == ".pdf" else load_docx(p, data) if suffix == ".docx" else load_text(p, data)
    doc.sha256 = hashlib.sha256(data).hexdigest()
    return doc


def iter_files(paths: list[str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand files and folders into the supported files under them; unusable paths come back with a reason."""
    files: list[Path] = []
    problems: list[tuple[str, str]] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for n in sorted(names):
                    if n.startswith("."):
                        continue
                    if Path(n).suffix.lower() in SUPPORTED:
                        files.append(Path(root) / n)
        elif p.exists():
            files.append(p)
        else:
            problems.append((raw, "no such file or folder"))
    seen: set[str] = set()
    unique = []
    for f in files:
        key = str(f.resolve())
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, problems


_ws = re.compile(r"[ \t]+")
