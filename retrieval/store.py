"""The one store: Chroma, embedded in a local folder or a server when CHROMA_HOST is set.

Three collections: `paragraphs` (text + vector + citation metadata), `recommendations` (searchable too) and
`reports` (one record per complete report, written last). A report is visible to readers only once its record
exists, so an ingest killed half-way never shows half a report; a `pending` marker lets the next ingest clear what
the killed one left behind.

Paragraph and recommendation text is kept in the record's metadata ("text"), not as a Chroma document: Chroma keeps
a full-text index of documents that nothing here reads (lexical ranking is bm25s) and that took half of all write
time. The collections carry a layout number; an index written in an older layout is rebuilt by the next ingest.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from ingest.models import ParsedReport
from retrieval import config

PARAGRAPHS = "paragraphs"
RECOMMENDATIONS = "recommendations"
REPORTS = "reports"
META = "inspections_meta"
LAYOUT = 2  # 1: text as Chroma documents; 2: text in metadata


class StoreError(Exception):
    """The index cannot be reached or read; the message says what to do."""


def default_index_dir() -> str:
    return config.index_dir()


server_address = config.server_address


def _client(index_dir: str, create: bool):
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False, allow_reset=False)
    addr = server_address()
    if addr:
        try:
            client = chromadb.HttpClient(host=addr[0], port=addr[1], settings=settings)
            client.heartbeat()
            return client
        except Exception as e:
            raise StoreError(f"cannot reach the Chroma server at {addr[0]}:{addr[1]} ({type(e).__name__}). "
                             "Start it with `chroma run --path DIR --host HOST --port PORT`, or unset CHROMA_HOST "
                             "to use a local index.") from None
    if not create and not (Path(index_dir) / "chroma.sqlite3").exists():
        raise StoreError(f"no index at {index_dir}: run `inspections ingest PATH...` first "
                         "(or point --index / INSPECTIONS_INDEX at an existing index)")
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=index_dir, settings=settings)


_NOTHING: dict[str, Any] = {"report_id": {"$in": []}}


def report_filter(report_ids: Iterable[str] | None) -> dict[str, Any] | None:
    """The one Chroma `where` clause that limits a read to some reports (None: every report). An empty set of
    reports gives `_NOTHING`, which readers answer with no rows rather than sending it to Chroma."""
    if report_ids is None:
        return None
    ids = sorted(set(report_ids))
    if not ids:
        return _NOTHING
    return {"report_id": ids[0]} if len(ids) == 1 else {"report_id": {"$in": ids}}


def _clean_meta(d: dict[str, Any]) -> dict[str, Any]:
    """Chroma metadata takes str/int/float/bool only: None becomes "" so every record has every key."""
    out = {}
    for k, v in d.items():
        if v is None:
            out[k] = ""
        elif isinstance(v, (list, tuple)):
            out[k] = ",".join(str(x) for x in v)
        else:
            out[k] = v
    return out


# Report fields added after layout 2 (issue 14): a report indexed before them reads None, no rebuild needed.
LATER_REPORT_FIELDS = ("inspection_start", "inspection_end", "inspection_type", "lead_inspector")


def _report_record(document: str) -> dict[str, Any]:
    record = json.loads(document)
    for k in LATER_REPORT_FIELDS:
        record.setdefault(k, None)
    return record


def _pub_ord(published: str | None) -> int:
    try:
        return int((published or "")[:10].replace("-", ""))
    except ValueError:
        return 0


class Store:
    """Typed access to the index. Open with create=True to ingest, False to read (a missing index is an error)."""

    def __init__(self, index_dir: str | None = None, create: bool = False):
        self.index_dir = index_dir or default_index_dir()
        self.server = server_address()
        self.create = create
        self.broken = False
        self.rebuilt = False  # True when this open found an index of an older layout and emptied it to rebuild
        self._open()

    def _open(self) -> None:
        self.client = _client(self.index_dir, self.create)
        try:
            self._collections()
            if (self.paragraphs.metadata or {}).get("layout") != LAYOUT and self.reports_col.count():
                if not self.create:
                    raise StoreError(f"the index at {self.location} was built by an older version of inspections: "
                                     "run `inspections ingest` on your files again to rebuild it")
                for name in (PARAGRAPHS, RECOMMENDATIONS, REPORTS, META):
                    self.client.delete_collection(name)
                self.rebuilt = True
                self._collections()
        except StoreError:
            raise
        except Exception as e:
            raise StoreError(f"cannot open the index ({type(e).__name__}: {str(e)[:200]})") from None

    def _collections(self) -> None:
        space = {"hnsw:space": "cosine", "layout": LAYOUT}
        self.paragraphs = self.client.get_or_create_collection(PARAGRAPHS, metadata=space, embedding_function=None)
        self.recs = self.client.get_or_create_collection(RECOMMENDATIONS, metadata=space, embedding_function=None)
        self.reports_col = self.client.get_or_create_collection(REPORTS, embedding_function=None)
        self.meta = self.client.get_or_create_collection(META, embedding_function=None)

    def ensure(self) -> None:
        """Reconnect after a server outage (raises StoreError while it is still down)."""
        if self.broken:
            self._open()
            self.broken = False

    def lost(self, e: Exception) -> StoreError:
        """Turn a failed call into the error a person reads; the next `ensure` reconnects."""
        self.broken = True
        if self.server:
            return StoreError(f"cannot reach the Chroma server at {self.server[0]}:{self.server[1]} "
                              f"({type(e).__name__}); it may have stopped. Start it again with `chroma run`, "
                              "then retry: the app and commands reconnect by themselves.")
        return StoreError(f"the index at {self.index_dir} could not be read ({type(e).__name__}: {str(e)[:160]})")

    @property
    def location(self) -> str:
        return f"Chroma server {self.server[0]}:{self.server[1]}" if self.server else self.index_dir

    # ---- reading -------------------------------------------------------------------------------------------------
    def reports(self) -> list[dict[str, Any]]:
        """Every complete report, as the `reports --json` shape plus judgements, sha256 and counts."""
        got = self.reports_col.get(include=["documents"])
        out = [_report_record(doc) for doc in got["documents"] or []]
        out.sort(key=lambda r: (r.get("council") or "", r.get("published") or "", r.get("report_id")))
        return out

    def report(self, report_id: str) -> dict[str, Any] | None:
        got = self.reports_col.get(ids=[report_id], include=["documents"])
        if got["documents"]:
            return _report_record(got["documents"][0])
        matches = [r for r in self.reports() if r["report_id"].startswith(report_id)] if len(report_id) >= 6 else []
        return matches[0] if len(matches) == 1 else None

    def paragraphs_of(self, report_id: str) -> list[dict[str, Any]]:
        got = self.paragraphs.get(where=report_filter([report_id]), include=["metadatas"])
        rows = [dict(m, id=i) for i, m in zip(got["ids"], got["metadatas"])]
        rows.sort(key=lambda r: r["seq"])
        return rows

    def recommendations(self, report_ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
        where = report_filter(report_ids)
        if where == _NOTHING:
            return []
        got = self.recs.get(where=where, include=["metadatas"])
        rows = [dict(m, id=i) for i, m in zip(got["ids"], got["metadatas"])]
        rows.sort(key=lambda r: (r["council"], r["published"], r["report_id"], r["seq"]))
        return rows

    def all_paragraph_texts(self, report_id: str) -> tuple[list[str], list[str], list[str]]:
        """Ids, texts and section paths of a report's paragraphs (what the lexical index is built from)."""
        got = self.paragraphs.get(where=report_filter([report_id]), include=["metadatas"])
        return got["ids"], [m["text"] for m in got["metadatas"]], [m.get("section") or "" for m in got["metadatas"]]

    def count(self) -> int:
        return self.paragraphs.count()

    def collection(self, name: str):
        """The Chroma collection of searchable rows by name: PARAGRAPHS or RECOMMENDATIONS."""
        return self.paragraphs if name == PARAGRAPHS else self.recs

    def dense(self, collection: str, vector: np.ndarray, n: int,
              report_ids: Iterable[str] | None = None) -> list[tuple[str, float, str, dict]]:
        """Nearest records to a query vector among the given reports' (all when None): (id, cosine similarity,
        text, metadata)."""
        col = self.collection(collection)
        where = report_filter(report_ids)
        if where == _NOTHING:
            return []
        # no count() first: Chroma returns what there is when asked for more (a count costs 20 ms at 10x the library)
        res = col.query(query_embeddings=[vector.tolist()], n_results=n, where=where,
                        include=["metadatas", "distances"])
        return [(i, 1.0 - float(dist), meta["text"], meta) for i, meta, dist in
                zip(res["ids"][0], res["metadatas"][0], res["distances"][0])]

    def get_paragraphs(self, ids: list[str]) -> dict[str, tuple[str, dict]]:
        out: dict[str, tuple[str, dict]] = {}
        for i in range(0, len(ids), 500):
            got = self.paragraphs.get(ids=ids[i:i + 500], include=["metadatas"])
            for pid, m in zip(got["ids"], got["metadatas"]):
                out[pid] = (m["text"], m)
        return out

    # ---- writing -------------------------------------------------------------------------------------------------
    def find_sha(self, sha256: str) -> dict[str, Any] | None:
        got = self.reports_col.get(where={"sha256": sha256}, include=["documents"])
        return json.loads(got["documents"][0]) if got["documents"] else None

    def find_source(self, source_key: str) -> list[dict[str, Any]]:
        got = self.reports_col.get(where={"source_key": source_key}, include=["documents"])
        return [json.loads(d) for d in got["documents"] or []]

    def pending(self) -> list[str]:
        got = self.meta.get(where={"type": "pending"})
        return [i.split(":", 1)[1] for i in got["ids"]]

    def recover(self) -> int:
        """Remove what an interrupted ingest left behind; returns how many half-written reports were cleared."""
        cleared = 0
        for rid in self.pending():
            if not self.reports_col.get(ids=[rid])["ids"]:
                self._delete_rows(rid)
                cleared += 1
            self.meta.delete(ids=[f"pending:{rid}"])
        return cleared

    def _delete_rows(self, report_id: str) -> None:
        self.paragraphs.delete(where=report_filter([report_id]))
        self.recs.delete(where=report_filter([report_id]))

    def delete_report(self, report_id: str) -> None:
        """Readers stop seeing the report first (its record goes), then its rows go."""
        self.meta.upsert(ids=[f"pending:{report_id}"], metadatas=[{"type": "pending"}], documents=[""],
                         embeddings=[[1.0]])
        self.reports_col.delete(ids=[report_id])
        self._delete_rows(report_id)
        self.meta.delete(ids=[f"pending:{report_id}"])

    def _batch_size(self) -> int:
        try:
            return max(100, min(1000, int(self.client.get_max_batch_size())))
        except Exception:
            return 500

    def _batched_add(self, col, ids, metas, vecs) -> None:
        size = self._batch_size()
        for i in range(0, len(ids), size):
            col.upsert(ids=ids[i:i + size], metadatas=metas[i:i + size],
                       embeddings=[v.tolist() for v in vecs[i:i + size]])

    def write(self, parsed: ParsedReport, para_vecs: np.ndarray, rec_vecs: np.ndarray, source_key: str) -> None:
        """Write one report whole: rows first, the report record (what makes it visible) last."""
        r = parsed.report
        self.meta.upsert(ids=[f"pending:{r.id}"], metadatas=[{"type": "pending"}], documents=[""], embeddings=[[1.0]])
        self._delete_rows(r.id)
        base = {"report_id": r.id, "council": r.council, "kind": r.kind, "framework": r.framework,
                "published": r.published, "pub_ord": _pub_ord(r.published), "title": r.title}
        ids, metas = [], []
        for seq, p in enumerate(parsed.paragraphs):
            ids.append(f"{r.id}:{p.part}:{seq:05d}")
            metas.append(_clean_meta({**base, "text": p.text, "seq": seq, "number": p.number, "part": p.part,
                                      "section": p.section, "grade": p.grade, "page": p.page,
                                      "pages": p.pages or [p.page], "top": p.top if p.top is not None else -1.0,
                                      "bottom": p.bottom if p.bottom is not None else -1.0}))
        self._batched_add(self.paragraphs, ids, metas, para_vecs)
        ids, metas = [], []
        for seq, rec in enumerate(parsed.recommendations):
            ids.append(f"{r.id}:rec:{seq:04d}")
            metas.append(_clean_meta({**base, "text": rec.text, "seq": seq, "number": rec.number,
                                      "timescale": rec.timescale, "owner": rec.owner, "group": rec.group,
                                      "paragraph": rec.paragraph, "page": rec.page if rec.page is not None else -1,
                                      "rec_kind": rec.kind}))
        if ids:
            self._batched_add(self.recs, ids, metas, rec_vecs)
        record = {**r.to_json(paragraphs=len(parsed.paragraphs)), "sha256": r.sha256, "committee": r.committee,
                  "recommendations": len(parsed.recommendations),
                  "judgements": [asdict(j) for j in parsed.judgements]}
        self.reports_col.upsert(ids=[r.id], documents=[json.dumps(record)], embeddings=[[1.0]],
                                metadatas=[_clean_meta({"sha256": r.sha256, "source_key": source_key,
                                                        "council": r.council, "published": r.published})])
        self.meta.delete(ids=[f"pending:{r.id}"])

    def redate(self, report_id: str, published: str) -> None:
        """Give an indexed report another publication date (the date its publisher lists it under, learnt after it
        was indexed from the file), in its record and in every row that carries the date, without re-embedding."""
        got = self.reports_col.get(ids=[report_id], include=["documents", "metadatas"])
        if not got["documents"]:
            return
        record = json.loads(got["documents"][0])
        if record.get("published") == published:
            return
        date = {"published": published, "pub_ord": _pub_ord(published)}
        size = self._batch_size()
        for col in (self.paragraphs, self.recs):
            ids = col.get(where=report_filter([report_id]), include=[])["ids"]
            for i in range(0, len(ids), size):
                col.update(ids=ids[i:i + size], metadatas=[date] * len(ids[i:i + size]))
        record["published"] = published
        self.reports_col.update(ids=[report_id], documents=[json.dumps(record)], embeddings=[[1.0]],
                                metadatas=[{**(got["metadatas"][0] or {}), "published": published}])

    def write_marker(self) -> tuple | None:
        """Size and modification time of the local index's database files: changes whenever anything is written,
        so a reader can skip working out the stamp while it is unchanged (None for a server: ask the stamp)."""
        if self.server:
            return None
        out = []
        for name in ("chroma.sqlite3", "chroma.sqlite3-wal"):
            try:
                st = os.stat(os.path.join(self.index_dir, name))
                out.append((name, st.st_size, st.st_mtime_ns))
            except OSError:
                out.append((name, None, None))
        return tuple(out)

    def stamp(self) -> str:
        """A cheap fingerprint of which reports are complete: the lexical cache is valid while it is unchanged."""
        import hashlib

        ids = sorted(self.reports_col.get(include=[])["ids"])
        return hashlib.sha1("\n".join(ids).encode()).hexdigest()[:16]
