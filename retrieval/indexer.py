"""Index files into the store: skip unchanged bytes, parse in worker processes, embed in batches, write each report
whole, replace a changed file's old report, and tell the user every file's outcome.

Parsing (pypdf, pure Python) runs in a process pool while this process embeds, so on two cores the slower of the two
sets the pace rather than their sum. The pool's workers end with the ingest however it ends: Ctrl-C stops them (and
the next run carries on from what was written), and a parent killed outright (kill -9, a closed terminal, a test
runner timing out) takes them with it instead of leaving them parsing for nobody.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Mapping

import numpy as np
from filelock import FileLock, Timeout

from ingest.loaders import file_sha256, iter_files
from ingest.models import IngestError, ParsedReport
from ingest.pipeline import parse_file, report_id
from retrieval import config
from retrieval.store import Store, StoreError


@dataclass
class Outcome:
    path: str
    status: str  # "indexed" | "replaced" | "unchanged" | "failed"
    reason: str = ""
    report_id: str = ""
    council: str = ""
    published: str | None = None
    paragraphs: int = 0
    pages: int = 0
    published_read: str | None = None  # the date read from the file, when the date a publisher lists won over it


@dataclass
class Summary:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    parse_seconds: float = 0.0
    embed_seconds: float = 0.0
    write_seconds: float = 0.0
    recovered: int = 0

    def count(self, *status: str) -> int:
        return sum(o.status in status for o in self.outcomes)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def paragraphs_added(self) -> int:
        return sum(o.paragraphs for o in self.outcomes if o.status in ("indexed", "replaced"))

    def line(self) -> str:
        return (f"{self.count('indexed', 'replaced')} indexed, {self.count('unchanged')} unchanged, "
                f"{self.count('failed')} failed; {self.paragraphs_added} paragraphs added in {self.seconds:.1f} s")


EMBED_BATCH = 512  # paragraphs gathered across reports before one call to the model
WRITE_QUEUE = 8  # reports embedded and waiting for the writer thread before the embedding loop waits for it


class IndexBusy(Exception):
    pass


@contextmanager
def ingest_lock(store: Store, wait_for: bool = True, notice: Callable[[str], None] | None = None) -> Iterator[None]:
    """One ingest at a time per index: a second one waits (saying so) rather than interleaving writes."""
    if store.server:
        lock_path = config.cache_dir() / f"ingest-{store.server[0]}-{store.server[1]}.lock"
    else:
        lock_path = Path(store.index_dir) / ".ingest.lock"
    lock = FileLock(str(lock_path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if not wait_for:
            raise IndexBusy(f"another ingest is running on {store.location}; try again when it has finished")
        if notice:
            notice(f"another ingest is running on {store.location}; waiting for it to finish...")
        lock.acquire()
    try:
        yield
    finally:
        lock.release()


def source_key(path: str | Path) -> str:
    return str(Path(path).resolve())


PARENT_POLL_SECONDS = 1.0


def _parent_alive(parent: int) -> bool:
    if os.name == "posix":
        return os.getppid() == parent  # an orphan is re-parented (to init or a subreaper)
    import ctypes  # Windows: the parent's process handle is signalled once it has exited

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x00100000, False, parent)  # SYNCHRONIZE
    if not handle:
        return False
    try:
        return kernel32.WaitForSingleObject(handle, 0) == 0x102  # WAIT_TIMEOUT: still running
    finally:
        kernel32.CloseHandle(handle)


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(PARENT_POLL_SECONDS)
        if not _parent_alive(parent):
            os._exit(1)


def _end_with_parent(parent: int) -> None:
    """Pool initializer. Ctrl-C is left to the parent (it stops the pool); on Linux the kernel kills the worker when
    the parent dies (PR_SET_PDEATHSIG), and everywhere a watcher thread exits it within a second or so of the
    parent's death."""
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # held back at start-up (_sigint_held)
    except (ValueError, OSError):
        pass
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if not _parent_alive(parent):  # the parent died before the line above took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="watch-parent").start()


@contextmanager
def _sigint_held() -> Iterator[None]:
    """Hold Ctrl-C back while the pool may start a worker: a child starts with its parent's signal mask, so a
    Ctrl-C during its start-up (before the initializer ignores it) waits, and is then ignored, instead of printing
    a traceback from half-imported modules. The parent gets its Ctrl-C a moment later."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal masks (and no SIGINT to a process group)
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextmanager
def _parsing_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool that, when the ingest is interrupted, drops its queue and stops its workers at once (a
    worker halfway through a PDF has nothing worth finishing) instead of parsing everything already submitted."""
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"),
                               initializer=_end_with_parent, initargs=(os.getpid(),))
    try:
        yield pool
    except BaseException:
        procs = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            p.terminate()
        for p in procs:
            p.join(timeout=5)
        raise
    pool.shutdown(wait=True)


def _load_in_background(load: Callable[[], object]) -> Future:
    """Load the model in a daemon thread: an ingest stopped by Ctrl-C exits at once instead of waiting for a model
    it will not use to finish loading (tens of seconds on a busy machine)."""
    fut: Future = Future()

    def run() -> None:
        if not fut.set_running_or_notify_cancel():
            return
        try:
            fut.set_result(load())
        except BaseException as e:  # handed to whoever waits for the model
            fut.set_exception(e)

    threading.Thread(target=run, daemon=True, name="load-model").start()
    return fut


@contextmanager
def _writer_thread() -> Iterator[ThreadPoolExecutor]:
    """The one writer thread; interrupted, it finishes the write in progress and drops the queued ones."""
    writer = ThreadPoolExecutor(max_workers=1)
    try:
        yield writer
    except BaseException:
        writer.shutdown(wait=True, cancel_futures=True)
        raise
    writer.shutdown(wait=True)


def _parse(path: str) -> tuple[str, ParsedReport | None, str, float]:
    t = time.perf_counter()
    try:
        return path, parse_file(path), "", time.perf_counter() - t
    except IngestError as e:
        return path, None, str(e), time.perf_counter() - t
    except Exception as e:  # never lose the batch to one file
        return path, None, f"could not be understood ({type(e).__name__}: {str(e)[:120]})", time.perf_counter() - t


def embed_text(section: str, text: str) -> str:
    """What the model sees: the nearest heading gives a short paragraph its topic ("Care leavers: ...")."""
    head = section.split(" > ")[-1].strip() if section else ""
    return f"{head}: {text}" if head else text


@dataclass
class ModelInputs:
    """The texts one report gives the model, and how their vectors map back to paragraphs and recommendations.

    Nearly every recommendation is also a paragraph of its report, word for word (440 of 446 in a sample of the
    corpus); those take their paragraph's vector instead of being embedded a second time.
    """
    texts: list[str]
    n_paragraphs: int
    rec_rows: list[int]  # per recommendation: the row of `texts` whose vector it takes

    def split(self, vecs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return vecs[:self.n_paragraphs], vecs[self.rec_rows]


def model_inputs(parsed: ParsedReport) -> ModelInputs:
    texts = [embed_text(x.section, x.text) for x in parsed.paragraphs]
    row_of = {}
    for i, x in enumerate(parsed.paragraphs):
        row_of.setdefault(x.text, i)
    rows: list[int] = []
    for r in parsed.recommendations:
        if r.text not in row_of:
            row_of[r.text] = len(texts)
            texts.append(r.text)
        rows.append(row_of[r.text])
    return ModelInputs(texts=texts, n_paragraphs=len(parsed.paragraphs), rec_rows=rows)


def index_paths(paths: list[str], store: Store, embedder_factory: Callable[[], object] | None = None,
                progress: bool = True, workers: int | None = None,
                on_outcome: Callable[[Outcome], None] | None = None, wait_for_lock: bool = True,
                notice: Callable[[str], None] | None = None,
                listed_dates: Mapping[str, str] | None = None) -> Summary:
    """Index every supported file under `paths`; returns the outcome of each.

    listed_dates: for files fetched from a publisher, the date it lists each under (YYYY-MM-DD), by path. It is the
    publication date officers cite, so it replaces the date read from the file: a PDF re-made after publication
    (Ofsted re-issues corrected reports) carries its own later date, and most ILACS reports print none.
    """
    from tqdm import tqdm

    t0 = time.perf_counter()
    summary = Summary()
    files, problems = iter_files(paths)
    listed_by_path = {str(Path(k).resolve()): v for k, v in (listed_dates or {}).items()}
    read_dates: dict[str, str | None] = {}  # path -> the date the file itself gave, where a listed date replaced it

    def report(o: Outcome) -> None:
        summary.outcomes.append(o)
        if on_outcome:
            on_outcome(o)

    for raw, why in problems:
        report(Outcome(path=raw, status="failed", reason=why))
    with ingest_lock(store, wait_for=wait_for_lock, notice=notice):
        summary.recovered = store.recover()
        todo: list[tuple[str, str]] = []
        seen_ids: dict[str, str] = {}
        duplicates: list[tuple[str, str]] = []  # (path, path of the same bytes earlier in this batch)
        for f in files:
            try:
                sha = file_sha256(f)
            except OSError as e:
                reason = "permission denied: the file is not readable" if isinstance(e, PermissionError) else \
                    f"cannot read the file ({e.strerror or e})"
                report(Outcome(path=str(f), status="failed", reason=reason))
                continue
            rid = report_id(sha)
            if rid in seen_ids:
                duplicates.append((str(f), seen_ids[rid]))
                continue
            existing = store.find_sha(sha)
            if existing:
                report(Outcome(path=str(f), status="unchanged", report_id=rid, council=existing.get("council", ""),
                               published=existing.get("published"), paragraphs=0))
                continue
            seen_ids[rid] = str(f)
            todo.append((str(f), sha))

        bar = tqdm(total=len(todo), unit="file", desc="Indexing", disable=not progress or not todo,
                   file=sys.stderr, dynamic_ncols=True)
        pages = paras = 0
        embedder = None
        n_workers = workers or min(2, max(1, (os.cpu_count() or 2)))
        if todo:
            writes: list = []  # (future, path, parsed): at most WRITE_QUEUE reports waiting to be written

            def write_one(parsed: ParsedReport, pv: np.ndarray, rv: np.ndarray, path: str) -> tuple[list, float]:
                t = time.perf_counter()
                key = source_key(path)
                old = [r for r in store.find_source(key) if r["report_id"] != parsed.report.id]
                store.write(parsed, pv, rv, key)
                for r in old:
                    store.delete_report(r["report_id"])
                return old, time.perf_counter() - t

            def finish(limit: int) -> None:
                nonlocal pages, paras
                while len(writes) > limit:
                    fut, path, parsed = writes.pop(0)
                    old, secs = fut.result()
                    summary.write_seconds += secs
                    rep = parsed.report
                    pages += rep.pages
                    paras += len(parsed.paragraphs)
                    bar.update(1)
                    bar.set_postfix(pages=pages, paragraphs=paras, refresh=False)
                    report(Outcome(path=path, status="replaced" if old else "indexed", report_id=rep.id,
                                   council=rep.council, published=rep.published,
                                   paragraphs=len(parsed.paragraphs), pages=rep.pages,
                                   published_read=read_dates.get(path, rep.published)))

            # Parsing in worker processes, embedding here, writing in a thread: the three overlap.
            with _parsing_pool(n_workers) as pool, _writer_thread() as writer:
                # the model loads (seconds) while the workers parse the first files
                loading = _load_in_background(embedder_factory or _default_embedder)
                queue = list(todo)
                running = set()
                ready: list[tuple[str, ParsedReport]] = []
                while queue or running:
                    while queue and len(running) < n_workers * 3:
                        with _sigint_held():  # submit starts the workers
                            running.add(pool.submit(_parse, queue.pop(0)[0]))
                    done, running = wait(running, return_when=FIRST_COMPLETED)
                    for fut in done:
                        path, parsed, why, secs = fut.result()
                        summary.parse_seconds += secs
                        if parsed is None:
                            bar.update(1)
                            report(Outcome(path=path, status="failed", reason=why))
                            continue
                        listed = listed_by_path.get(str(Path(path).resolve()))
                        if listed:
                            read_dates[path] = parsed.report.published
                            parsed.report.published = listed
                        ready.append((path, parsed))
                    # embed several reports in one call: longer, length-sorted batches waste less on padding
                    if ready and (sum(len(p.paragraphs) for _, p in ready) >= EMBED_BATCH or not (queue or running)):
                        if embedder is None:
                            embedder = loading.result()
                        t = time.perf_counter()
                        plans = [model_inputs(p) for _, p in ready]
                        texts = [x for plan in plans for x in plan.texts]
                        vecs = embedder.embed(texts) if texts else np.zeros((0, 384), dtype=np.float32)
                        summary.embed_seconds += time.perf_counter() - t
                        at = 0
                        for (path, p), plan in zip(ready, plans):
                            pv, rv = plan.split(vecs[at:at + len(plan.texts)])
                            at += len(plan.texts)
                            writes.append((writer.submit(write_one, p, pv, rv, path), path, p))
                        ready.clear()
                        finish(limit=WRITE_QUEUE)
                finish(limit=0)
        bar.close()
        first = {o.path: o for o in summary.outcomes}  # every file parsed above has its outcome by now
        for path, same in duplicates:  # a second copy of a file shares the first copy's fate
            o = first[same]
            if o.status == "failed":
                report(Outcome(path=path, status="failed", reason=o.reason))
            else:
                report(Outcome(path=path, status="unchanged", report_id=o.report_id, council=o.council,
                               published=o.published, reason=f"same file as {same}"))
        if summary.count("indexed", "replaced") or summary.recovered:
            from retrieval import lexical, vectors

            t = time.perf_counter()
            lexical.load(store)
            vectors.load_library(store)  # the new reports' vectors read once here, not by the first question
            summary.write_seconds += time.perf_counter() - t
    summary.seconds = time.perf_counter() - t0
    return summary


def _default_embedder():
    from retrieval.embed import get_embedder

    return get_embedder()


def delete(store: Store, report_ids: list[str]) -> None:
    for rid in report_ids:
        store.delete_report(rid)
    from retrieval import lexical, vectors

    lexical.load(store)
    vectors.load_library(store)


__all__ = ["Outcome", "Summary", "index_paths", "IndexBusy", "StoreError", "delete"]
