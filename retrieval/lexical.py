"""BM25 over the same paragraphs as the vectors (Chroma's local mode has no sparse index).

The ranking is bm25s; what this module adds is keeping it in step with the store cheaply: each report's tokens are
cached once (tokens/<report id>.json) and the BM25 matrix is saved under the store's stamp, so a start-up loads it
instead of re-reading every paragraph, and an ingest only tokenises the reports it added.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import threading
from pathlib import Path

import numpy as np

from retrieval import config

_TOKEN = re.compile(r"[a-z0-9]+")
_lock = threading.Lock()
TOKENS_VERSION = "tokens-v2"  # bump when what is tokenised changes (v2: the nearest heading joins the text)


def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


_STEM = None
_STOP: frozenset[str] | None = None


def stopwords() -> frozenset[str]:
    global _STOP
    if _STOP is None:
        from bm25s.stopwords import STOPWORDS_EN

        _STOP = frozenset(STOPWORDS_EN)
    return _STOP


def tokenize(text: str) -> list[str]:
    """Lower-case word stems without stop words; apostrophes dropped ("children's" -> "children")."""
    global _STEM
    if _STEM is None:
        _STEM = _stemmer()
    text = text.lower().replace("’", "'").replace("'s ", " ").replace("'", "")
    words = [w for w in _TOKEN.findall(text) if w not in stopwords()]
    return _STEM.stemWords(words)


def cache_dir(store) -> Path:
    if store.server:
        return config.cache_dir() / f"lexical-{store.server[0]}-{store.server[1]}"
    return Path(store.index_dir) / "lexical"


class LexicalIndex:
    """BM25 scores for every paragraph in the store, with per-document report ids for filtering."""

    def __init__(self, ids: list[str], report_ids: list[str], model):
        self.ids = ids
        self.report_ids = np.array(report_ids)
        self.model = model
        self.position = {pid: i for i, pid in enumerate(ids)}
        # each report's rows as runs (load() writes them report by report), so limiting a question to some reports
        # costs a few slices, not a comparison of every row's report id (np.isin: seconds at 10x the library)
        self._runs: dict[str, list[tuple[int, int]]] = {}
        start = 0
        for i in range(1, len(report_ids) + 1):
            if i == len(report_ids) or report_ids[i] != report_ids[start]:
                self._runs.setdefault(report_ids[start], []).append((start, i))
                start = i

    def mask(self, allowed_reports) -> np.ndarray:
        """True for the rows of the given reports."""
        m = np.zeros(len(self.ids), dtype=bool)
        for rid in allowed_reports:
            for a, b in self._runs.get(rid, ()):
                m[a:b] = True
        return m

    def scores(self, query: str) -> np.ndarray:
        toks = [t for t in tokenize(query) if t in self.model.vocab_dict]
        if not toks or not self.ids:
            return np.zeros(len(self.ids), dtype=np.float32)
        return self.model.get_scores(toks)

    def top(self, query: str, n: int, allowed_reports: set[str] | None = None) -> list[tuple[str, float]]:
        s = self.scores(query)
        if allowed_reports is not None:
            mask = self.mask(allowed_reports)
            s = np.where(mask, s, 0.0)
        if not len(s):
            return []
        n = min(n, len(s))
        idx = np.argpartition(-s, n - 1)[:n]
        idx = idx[np.argsort(-s[idx])]
        return [(self.ids[i], float(s[i])) for i in idx if s[i] > 0]


def _report_tokens(store, report_id: str, tokdir: Path) -> list[tuple[str, list[str]]]:
    f = tokdir / f"{report_id}.json"
    if f.exists():
        try:
            return [tuple(x) for x in json.loads(f.read_text())]
        except (ValueError, OSError):
            pass
    ids, docs, sections = store.all_paragraph_texts(report_id)
    rows = [(pid, tokenize(f"{section.split(' > ')[-1]} {doc}")) for pid, doc, section in zip(ids, docs, sections)]
    rows.sort()
    tmp = f.with_suffix(".tmp")
    tmp.write_text(json.dumps(rows))
    os.replace(tmp, f)
    return rows


def load(store, build: bool = True) -> LexicalIndex:
    """The BM25 index matching the store's current reports, loaded from disk or (re)built and saved."""
    import bm25s

    with _lock:
        root = cache_dir(store)
        stamp = store.stamp()
        saved = root / f"bm25-{TOKENS_VERSION}-{stamp}"
        if (saved / "docs.json").exists():
            try:
                model = bm25s.BM25.load(str(saved), mmap=False, load_corpus=False, show_progress=False)
                docs = json.loads((saved / "docs.json").read_text())
                return LexicalIndex(docs["ids"], docs["report_ids"], model)
            except Exception:
                shutil.rmtree(saved, ignore_errors=True)
        tokdir = root / TOKENS_VERSION
        tokdir.mkdir(parents=True, exist_ok=True)
        for stale in root.glob("tokens*"):
            if stale != tokdir:
                shutil.rmtree(stale, ignore_errors=True)
        reports = sorted(r["report_id"] for r in store.reports())
        ids: list[str] = []
        rids: list[str] = []
        corpus: list[list[str]] = []
        for rid in reports:
            for pid, toks in _report_tokens(store, rid, tokdir):
                ids.append(pid)
                rids.append(rid)
                corpus.append(toks or [""])
        model = bm25s.BM25()
        if corpus:
            model.index(corpus, show_progress=False)
        else:
            model.vocab_dict = {}
        if corpus:
            tmp = root / f".tmp-bm25-{stamp}-{os.getpid()}"
            shutil.rmtree(tmp, ignore_errors=True)
            model.save(str(tmp), show_progress=False)
            (tmp / "docs.json").write_text(json.dumps({"ids": ids, "report_ids": rids}))
            try:
                os.replace(tmp, saved)
            except OSError:
                shutil.rmtree(tmp, ignore_errors=True)
            keep = set(reports)
            for old in root.glob("bm25-*"):
                if old != saved:
                    shutil.rmtree(old, ignore_errors=True)
            for f in tokdir.glob("*.json"):
                if f.stem not in keep:
                    f.unlink(missing_ok=True)
        return LexicalIndex(ids, rids, model)
