"""Every embedding backend judged by retrieval, not by cosine: the shared questions scored on the same paragraphs with
each backend's vectors.

    .venv/bin/python bench/backend_retrieval.py [--source ../idx/final] [--backend NAME ...] [--work DIR] [--json]

For each backend the source index (an index of the whole shared corpus) is copied and every paragraph and
recommendation vector in the copy is replaced by that backend's vector of the same model input (what ingest embeds:
retrieval.indexer.embed_text); the questions are then embedded by the same backend, asked as score.py asks them
(natural: no council filter) in hybrid and dense-only modes, and scored by score.py's own `score_retrieval`. The
paragraphs, their sections and the BM25 index are the source's, so the rows differ only by the vectors. The vector
cache (one per model and backend) makes a second run quick; a cold run costs each backend its embedding time for the
whole corpus (3-9 minutes on 2 cores).

Quantisation that keeps recall2@10 within 0.005 of fp32 is as good as fp32 here (issue 17).
The last line with --json is one object: {"backends": [{"name", "recall2@10", "mrr@10", "dense_recall2@10",
"dense_mrr@10", "n"}]}.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED_EVAL = ROOT.parent / "shared" / "eval"
sys.path.insert(0, str(SHARED_EVAL))


def _read_all(col, page: int = 5000) -> tuple[list[str], list[str], list[dict]]:
    ids: list[str] = []
    docs: list[str] = []
    metas: list[dict] = []
    offset = 0
    while True:
        got = col.get(include=["documents", "metadatas"], limit=page, offset=offset)
        if not got["ids"]:
            return ids, docs, metas
        ids += got["ids"]
        docs += got["documents"]
        metas += got["metadatas"]
        offset += len(got["ids"])


def revector(index: Path, backend: str) -> float:
    """Replace every vector of the index at `index` with `backend`'s; returns the seconds spent embedding."""
    from tqdm import tqdm

    from retrieval.embed import Embedder
    from retrieval.indexer import embed_text
    from retrieval.store import Store

    store = Store(str(index))
    emb = Embedder(backend=backend)
    spent = 0.0
    # the store keeps each row's text in its metadata ("text"), not as Chroma's document
    for col, text_of in ((store.paragraphs, lambda m: embed_text(m.get("section") or "", m["text"])),
                         (store.recs, lambda m: m["text"])):
        ids, _docs, metas = _read_all(col)
        texts = [text_of(m) for m in metas]
        step = 2000
        for i in tqdm(range(0, len(ids), step), desc=f"{backend}: {col.name}", unit="batch", file=sys.stderr):
            t = time.perf_counter()
            vecs = emb.embed(texts[i:i + step])
            spent += time.perf_counter() - t
            col.update(ids=ids[i:i + step], embeddings=[v.tolist() for v in vecs])
    # the vector matrices copied with the index hold the source's vectors: read afresh from the updated collections
    for folder in (index / "lexical").glob("vectors-*"):
        shutil.rmtree(folder)
    return spent


def judge(index: Path, backend: str, questions: list[dict]) -> dict:
    import score  # ../shared/eval/score.py: the scorer's own matching

    from retrieval.embed import Embedder
    from retrieval.search import Searcher
    from retrieval.store import Store

    searcher = Searcher(Store(str(index)), embedder=Embedder(backend=backend))
    row: dict = {"name": backend}
    for mode, prefix in (("hybrid", ""), ("dense", "dense_")):
        results = {q["id"]: searcher.ask(q["question"], k=10, mode=mode).to_json() for q in questions}
        s = score.score_retrieval(questions, results)
        row[f"{prefix}recall2@10"] = round(s["recall2@10"], 3)
        row[f"{prefix}mrr@10"] = round(s["mrr@10"], 3)
        row["n"] = s["n"]
    return row


def main() -> int:
    import score

    from retrieval.embed import BACKENDS

    ap = argparse.ArgumentParser(description="every embedding backend judged by retrieval on the shared questions")
    ap.add_argument("--source", default=str(ROOT.parent / "idx" / "final"), help="an index of the shared corpus")
    ap.add_argument("--backend", action="append", choices=BACKENDS, help="only these (repeatable; default: all)")
    ap.add_argument("--questions", default=str(SHARED_EVAL / "questions.jsonl"))
    ap.add_argument("--work", help="where the copies go (default: a temporary folder, removed afterwards)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    source = Path(a.source)
    if not (source / "chroma.sqlite3").exists():
        raise SystemExit(f"no index at {source}: build one with `inspections ingest ../shared/corpus --index {source}`")
    questions = score.load_jsonl(a.questions)
    work = Path(a.work) if a.work else Path(tempfile.mkdtemp(prefix="backend-retrieval-"))
    rows = []
    try:
        for backend in a.backend or list(BACKENDS):
            copy = work / backend
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(source, copy)
            spent = revector(copy, backend)
            row = judge(copy, backend, questions) | {"embed_s": round(spent)}
            rows.append(row)
            print(f"{backend:14s} recall2@10 {row['recall2@10']:.3f}  MRR {row['mrr@10']:.3f}   dense only: "
                  f"recall2@10 {row['dense_recall2@10']:.3f}  MRR {row['dense_mrr@10']:.3f}   "
                  f"({row['n']} questions; embedded in {spent:.0f} s)", flush=True)
            if not a.work:
                shutil.rmtree(copy, ignore_errors=True)
    finally:
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)
    if a.json:
        print(json.dumps({"backends": rows}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
