"""What the bench scripts share: where ../shared is, the evaluation's own scorer module (so every figure here is
computed with its rules), and the shared corpus's Documents, loaded once and kept in a pickle cache because pypdf
takes minutes over the whole corpus.

The cache lives in $DOC_CACHE (default /tmp/doc_cache), keyed by the path under ../shared/corpus; files outside
../shared/corpus are loaded every time.
"""
from __future__ import annotations

import importlib.util
import os
import pickle
import sys
from functools import lru_cache
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ingest.loaders import load  # noqa: E402
from ingest.models import Document, IngestError  # noqa: E402

SHARED = Path(os.environ.get("INSPECTIONS_SHARED", ROOT.parent / "shared"))
CACHE = Path(os.environ.get("DOC_CACHE", "/tmp/doc_cache"))


@lru_cache(maxsize=1)
def scorer() -> ModuleType:
    """../shared/eval/score.py as a module: its norm(), slug(), judgement_key() and matching functions."""
    spec = importlib.util.spec_from_file_location("eval_score", SHARED / "eval" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def load_doc(path: Path, cache: Path | None = CACHE) -> Document | str:
    """The file's Document, or the loader's reason for refusing it, from the cache when it holds the file."""
    try:
        key = str(path.resolve().relative_to((SHARED / "corpus").resolve())).replace("/", "__") + ".pkl"
    except ValueError:
        key = None
    pkl = cache / key if cache is not None and key else None
    if pkl is not None and pkl.exists():
        with open(pkl, "rb") as fh:
            return pickle.load(fh)
    try:
        doc: Document | str = load(path)
    except IngestError as e:
        doc = str(e)
    if pkl is not None:
        pkl.parent.mkdir(parents=True, exist_ok=True)
        tmp = pkl.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(doc, fh)
        os.replace(tmp, pkl)
    return doc
