"""Library: the indexed reports, an upload box that adds PDFs, Word documents and text files to the index, and the
"Get reports from Ofsted" panel (app/ui_fetch.py).

Uploads are saved under generated names (the file's own hash), in an `uploads` folder inside the index folder: the
name a user's browser sends is shown back to them but never used as a path.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import streamlit as st

from app import ui_common as ui


def max_bytes() -> int:
    """The per-file limit ingest applies (INSPECTIONS_MAX_MB, 100 MB by default): the app says and enforces the
    same figure as the CLI and the README."""
    from ingest.loaders import MAX_BYTES

    return MAX_BYTES


def uploads_dir(index: str | None = None) -> Path:
    return Path(index or ui.index_dir()).resolve() / "uploads"


def safe_path(data: bytes, original_name: str, folder: Path) -> Path | None:
    """Where to save an upload: folder/upload-<sha256 prefix><.pdf|.docx|.txt|.md>, or None for another file type."""
    from ingest.loaders import SUPPORTED

    suffix = Path(original_name or "").suffix.lower()
    if suffix not in SUPPORTED:
        return None
    path = (folder / f"upload-{hashlib.sha256(data).hexdigest()[:24]}{suffix}").resolve()
    if not path.is_relative_to(folder.resolve()):  # cannot happen with a generated name; checked all the same
        return None
    return path


def ingest_uploads(files: list[tuple[str, bytes]], index: str, progress=None) -> list[dict[str, Any]]:
    """Save and index uploaded files; one outcome per file, in order. `progress(done, total, name)` is optional.

    Files that fail are removed again, so the uploads folder only holds reports that are in the index.
    """
    from retrieval.indexer import IndexBusy, index_paths
    from retrieval.store import Store, StoreError

    folder = uploads_dir(index)
    outcomes: list[dict[str, Any]] = []
    saved: dict[str, tuple[int, str, bool]] = {}  # saved path -> (row, display name, existed before)
    limit = max_bytes()
    for name, data in files:
        row = {"File": name, "Outcome": "", "Reason": "", "Council": "", "Published": "", "Paragraphs": 0}
        outcomes.append(row)
        if not data:
            row.update(Outcome="failed", Reason="empty file")
            continue
        if len(data) > limit:
            row.update(Outcome="failed",
                       Reason=f"file too large ({len(data) / 1e6:.0f} MB; the limit is {limit // (1024 * 1024)} MB)")
            continue
        path = safe_path(data, name, folder)
        if path is None:
            row.update(Outcome="failed", Reason=f"unsupported file type {Path(name).suffix or '(none)'}: only .pdf, "
                                                 ".docx, .txt and .md are read")
            continue
        if str(path) in saved:
            row.update(Outcome="unchanged", Reason="the same file was uploaded twice")
            continue
        folder.mkdir(parents=True, exist_ok=True)
        existed = path.exists()
        if not existed:
            tmp = path.with_suffix(path.suffix + ".part")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        saved[str(path)] = (len(outcomes) - 1, name, existed)
    if not saved:
        return outcomes
    total = len(saved)
    done = 0

    def on_outcome(o) -> None:
        nonlocal done
        hit = saved.get(str(Path(o.path).resolve()))
        if hit is None:
            return
        i, name, existed = hit
        row = outcomes[i]
        row.update(Outcome=o.status, Reason=o.reason, Council=o.council or "", Published=o.published or "",
                   Paragraphs=o.paragraphs)
        if o.status == "failed" and not existed:
            try:
                Path(o.path).unlink()
            except OSError:
                pass
        done += 1
        if progress:
            progress(done, total, name)

    try:
        searcher = None
        try:
            searcher = ui._load_searcher(index, ui._server_key())
        except StoreError:  # no index yet: this upload starts one
            pass
        store = searcher.store if searcher is not None else Store(index, create=True)
        factory = (lambda: searcher.embedder) if searcher is not None else None
        index_paths(list(saved), store, embedder_factory=factory, progress=False, on_outcome=on_outcome,
                    wait_for_lock=False)
    except (IndexBusy, StoreError) as e:
        for path, (i, _name, existed) in saved.items():
            if not outcomes[i]["Outcome"]:
                outcomes[i].update(Outcome="failed", Reason=str(e))
                if not existed:
                    Path(path).unlink(missing_ok=True)
    return outcomes


def render() -> None:
    import pandas as pd

    st.title("Library")
    searcher = ui.searcher()
    reports = list(searcher.reports.values()) if searcher is not None else []
    if searcher is None:
        st.info(f"No index yet at {ui.index_dir()}: upload reports below to start one.")
    elif not reports:
        ui.empty_index_message()
    else:
        councils = sorted({r.get("council") for r in reports})
        m1, m2, m3 = st.columns(3)
        m1.metric("Reports", len(reports))
        m2.metric("Councils", len(councils))
        m3.metric("Paragraphs", sum(int(r.get("paragraphs") or 0) for r in reports))
        rows = [{"Council": r.get("council"), "Kind": ui.KIND_LABELS.get(r.get("kind"), r.get("kind")),
                 "Framework": ui.FRAMEWORK_LABELS.get(r.get("framework"), r.get("framework") or ""),
                 "Published": r.get("published") or "", "Inspection start": r.get("inspection_start") or "",
                 "Inspection end": r.get("inspection_end") or "", "Inspection type": r.get("inspection_type") or "",
                 "Lead inspector": r.get("lead_inspector") or "", "Pages": r.get("pages"),
                 "Paragraphs": r.get("paragraphs"),
                 "Recommendations": r.get("recommendations"), "Judgements": len(r.get("judgements") or []),
                 "File": Path(r.get("source") or "").name, "Report id": r["report_id"]}
                for r in sorted(reports, key=lambda r: (r.get("council") or "", r.get("published") or ""))]
        # tall enough to show a small library whole (no scrolling inside the table), capped for a large one
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=min(38 + 35 * len(rows), 640))
    st.subheader("Add reports")
    from app import ui_fetch

    ui_fetch.render(searcher)
    st.markdown(f"Upload Ofsted inspection reports (PDF) or council reports (PDF, Word .docx, .txt or .md), up to "
                f"{max_bytes() // (1024 * 1024)} MB each. Council, dates and kind are read from the text, so the "
                "file names do not matter. A file already indexed is skipped.")
    files = st.file_uploader("Reports to add", type=["pdf", "docx", "txt", "md"], accept_multiple_files=True,
                             key=f"lib_upload_{st.session_state.get('lib_upload_n', 0)}",
                             max_upload_size=max_bytes() // (1024 * 1024))
    if st.button("Add to the index", type="primary", disabled=not files, key="lib_go"):
        bar = st.progress(0.0, text="Reading the files…")

        def progress(done: int, total: int, name: str) -> None:
            bar.progress(done / total, text=f"{done} of {total} done (last: {name})")

        with ui.friendly_errors("adding the files"):
            with st.spinner("Indexing: reading, splitting into paragraphs and embedding…"):
                outcomes = ingest_uploads([(f.name, f.getvalue()) for f in files], ui.index_dir(), progress)
            bar.progress(1.0, text="Finished")
            st.session_state["lib_outcomes"] = outcomes
            st.session_state["lib_upload_n"] = st.session_state.get("lib_upload_n", 0) + 1
            if searcher is None:
                ui.reset_searcher()
            st.rerun()
    outcomes = st.session_state.get("lib_outcomes")
    if outcomes:
        ok = sum(o["Outcome"] in ("indexed", "replaced") for o in outcomes)
        same = sum(o["Outcome"] == "unchanged" for o in outcomes)
        bad = sum(o["Outcome"] == "failed" for o in outcomes)
        msg = f"Last upload: {ok} indexed, {same} already in the index, {bad} failed."
        (st.warning if bad else st.success)(msg)
        st.dataframe(pd.DataFrame(outcomes), hide_index=True, width="stretch")
