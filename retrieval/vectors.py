"""The library's paragraph (and recommendation) vectors as memory-mapped matrices, for exact nearest neighbours
inside a filter.

A question limited to some councils or years asked Chroma for its nearest paragraphs with a `where` filter on report
ids, which Chroma answers by walking the filtered rows: 170 ms a query at 10x the shared corpus, and most of a
question's time (ask p95 10x its 1x figure). The filtered rows are few (a council holds a few hundred paragraphs), so
their exact cosine is a slice of this matrix and one matrix product: milliseconds at any library size. Unfiltered
questions use it too up to EXACT_ROWS rows, and Chroma's HNSW index above that.

Kept in step with the store as the BM25 index is (retrieval/lexical.py): each report's vectors are read from Chroma
once and kept as `<report id>.npz` in a folder named by its collection (a rebuilt collection starts a new folder), and the whole library's matrix is saved under the store's stamp as one .npy file that start-up maps rather
than reads, so a process touches only the rows its questions ask for.
"""
from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import numpy as np

_lock = threading.Lock()
_PAGE = 5000  # rows per Chroma read when many reports are missing
# Up to this many rows an unfiltered question is answered from the matrix too: exact, and faster than a first query
# of Chroma's HNSW index, which a one-off command pays in full (190 ms to load it for the shared corpus's 36,000
# paragraphs; a full scan of them is a few milliseconds). Above it, a long-running app's HNSW index is the faster.
EXACT_ROWS = 150_000


def exact_for(matrix: "DenseMatrix | None", allowed) -> bool:
    """Whether a question over these reports (None: all) is answered from the matrix."""
    return matrix is not None and (allowed is not None or len(matrix.ids) <= EXACT_ROWS)


class DenseMatrix:
    """Unit vectors of every row of one collection (paragraphs or recommendations), rows grouped by report."""

    def __init__(self, ids: list[str], runs: dict[str, tuple[int, int]], matrix: np.ndarray):
        self.ids = ids
        self.runs = runs  # report id -> (first row, end row)
        self.matrix = matrix

    def top(self, vector: np.ndarray, n: int, allowed_reports=None) -> list[tuple[str, float]]:
        """The n rows of the allowed reports (all when None) most similar to a unit query vector: (id, cosine), best
        first."""
        if allowed_reports is None:
            rows = np.arange(len(self.ids))
        else:
            spans = sorted(self.runs[r] for r in allowed_reports if r in self.runs)
            rows = np.concatenate([np.arange(a, b) for a, b in spans]) if spans else np.arange(0)
        if not len(rows) or n <= 0:
            return []
        sims = (self.matrix if allowed_reports is None else self.matrix[rows]) @ np.asarray(vector, dtype=np.float32)
        n = min(n, len(rows))
        best = np.argpartition(-sims, n - 1)[:n]
        best = best[np.argsort(-sims[best], kind="stable")]
        return [(self.ids[rows[i]], float(sims[i])) for i in best]


def _folder(store, collection: str) -> Path:
    from retrieval import lexical

    return lexical.cache_dir(store) / f"vectors-{store.collection(collection).id}"


def _read_reports(col, report_ids: list[str], folder: Path) -> None:
    """Each missing report's (ids, vectors) from Chroma into <report id>.npz: one filtered read per report when a
    few are missing (an ingest), a paged read of the whole collection when many are (a first start on a big
    library)."""
    from retrieval.store import report_filter

    got: dict[str, tuple[list[str], list]] = {}
    if len(report_ids) <= 50:
        for rid in report_ids:
            res = col.get(where=report_filter([rid]), include=["embeddings"])
            got[rid] = (list(res["ids"]), list(res["embeddings"]))
    else:
        wanted = set(report_ids)
        offset = 0
        while True:
            res = col.get(include=["embeddings"], limit=_PAGE, offset=offset)
            if not res["ids"]:
                break
            for pid, vec in zip(res["ids"], res["embeddings"]):
                rid = pid.split(":")[0]
                if rid in wanted:
                    ids, vecs = got.setdefault(rid, ([], []))
                    ids.append(pid)
                    vecs.append(vec)
            offset += len(res["ids"])
    for rid in report_ids:  # a report with no rows here (no recommendations) is written empty: read once, not again
        ids, vecs = got.get(rid, ([], []))
        order = sorted(range(len(ids)), key=ids.__getitem__)
        tmp = folder / f".{rid}.{os.getpid()}.npz"
        with open(tmp, "wb") as fh:
            np.savez(fh, ids=np.array([ids[i] for i in order], dtype=str),
                     vectors=np.asarray([vecs[i] for i in order], dtype=np.float32).reshape(len(ids), -1)
                     if ids else np.zeros((0, 0), dtype=np.float32))
        os.replace(tmp, folder / f"{rid}.npz")


def load(store, collection: str = "paragraphs") -> DenseMatrix:
    """The matrix of a collection (paragraphs, or recommendations) matching the store's current reports: mapped from
    disk, or assembled (reading from Chroma only the reports not seen before) and saved."""
    with _lock:
        folder = _folder(store, collection)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = store.stamp()
        saved, index = folder / f"matrix-{stamp}.npy", folder / f"matrix-{stamp}.json"
        if saved.exists() and index.exists():
            try:
                meta = json.loads(index.read_text())
                return DenseMatrix(meta["ids"], {k: tuple(v) for k, v in meta["runs"].items()},
                                   np.load(saved, mmap_mode="r"))
            except (OSError, ValueError, KeyError):
                saved.unlink(missing_ok=True)
        reports = {r["report_id"]: r for r in store.reports()}
        missing = [rid for rid in reports if not (folder / f"{rid}.npz").exists()]
        if missing:
            _read_reports(store.collection(collection), missing, folder)
        ids: list[str] = []
        runs: dict[str, tuple[int, int]] = {}
        blocks: list[np.ndarray] = []
        for rid in sorted(reports):
            f = folder / f"{rid}.npz"
            if not f.exists():
                continue
            with np.load(f) as z:
                rows = [str(x) for x in z["ids"]]
                if not rows:
                    continue
                runs[rid] = (len(ids), len(ids) + len(rows))
                ids += rows
                blocks.append(z["vectors"])
        matrix = np.concatenate(blocks) if blocks else np.zeros((0, 1), dtype=np.float32)
        tmp = folder / f".matrix-{stamp}-{os.getpid()}.npy"
        np.save(tmp, matrix)
        (folder / f".matrix-{stamp}-{os.getpid()}.json").write_text(json.dumps({"ids": ids, "runs": runs}))
        os.replace(folder / f".matrix-{stamp}-{os.getpid()}.json", index)
        os.replace(tmp, saved)
        for old in list(folder.glob("matrix-*")):
            if old not in (saved, index):
                old.unlink(missing_ok=True)
        for f in folder.glob("*.npz"):
            if f.stem not in reports:
                f.unlink(missing_ok=True)
        current = {f"vectors-{store.paragraphs.id}", f"vectors-{store.recs.id}"}
        for other in folder.parent.glob("vectors-*"):
            if other.name not in current:  # a collection since rebuilt
                shutil.rmtree(other, ignore_errors=True)
        return DenseMatrix(ids, runs, np.load(saved, mmap_mode="r"))


def load_or_none(store, collection: str = "paragraphs") -> DenseMatrix | None:
    """`load`, or None when the vectors cannot be read now (another process writing the same local index can make
    Chroma's reads fail for a moment): the searcher then asks Chroma itself, and the next refresh tries again."""
    try:
        return load(store, collection)
    except Exception:  # noqa: BLE001 - an accelerator: any failure means "use Chroma's own query"
        return None


def load_library(store) -> tuple[DenseMatrix | None, DenseMatrix | None]:
    """Both matrices a search needs (paragraphs, recommendations), each None when it cannot be read now."""
    return load_or_none(store, "paragraphs"), load_or_none(store, "recommendations")
