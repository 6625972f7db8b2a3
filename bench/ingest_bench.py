"""Ingest benchmark: index a corpus into a fresh index and print where the time goes.

    .venv/bin/python bench/ingest_bench.py [PATH ...] [--cold] [--rate-sample N]

Default PATH is ../shared/corpus (the whole shared corpus) when present, else corpus/. --cold turns off the
embedding cache so the model embeds every paragraph (the honest first-run figure). Prints parse, embed, write and
total seconds; pages/s and paragraphs/s; peak RSS; the same for a re-run with nothing changed; the parse-only
and embed-only rates measured in the same run; and the floor the machine's cores allow (the model's work on one
thread, plus parsing and writing, divided among the cores), which no overlap of the three can beat.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return me, kids


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--cold", action="store_true",
                    help="start with an empty embedding cache (a new machine): every distinct text is embedded")
    ap.add_argument("--rate-sample", type=int, default=0,
                    help="embed only this many texts for the embed-only rate (0: all of them, the honest figure)")
    a = ap.parse_args()
    shared = ROOT.parent / "shared" / "corpus"
    paths = a.paths or [str(shared if shared.exists() else ROOT / "corpus")]
    tmp = Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    if a.cold:
        os.environ["INSPECTIONS_CACHE"] = str(tmp / "cache")
    from ingest.loaders import iter_files
    from ingest.models import IngestError
    from ingest.pipeline import parse_file
    from retrieval.embed import Embedder
    from retrieval.indexer import embed_text, index_paths
    from retrieval.store import Store

    try:
        store = Store(str(tmp / "idx"), create=True)
        t = time.perf_counter()
        s = index_paths(paths, store, progress=True)
        total = time.perf_counter() - t
        pages = sum(o.pages for o in s.outcomes)
        paras = s.paragraphs_added
        print(f"\nfirst run over {', '.join(paths)} ({'cold: empty embedding cache' if a.cold else 'embedding cache as it is'})")
        print(f"  files: {s.count('indexed', 'replaced')} indexed, {s.count('failed')} failed")
        print(f"  parse {s.parse_seconds:.1f} s (CPU-seconds summed over workers), embed {s.embed_seconds:.1f} s, "
              f"write {s.write_seconds:.1f} s, total {total:.1f} s")
        print(f"  {pages} pages, {paras} paragraphs: {pages / total:.1f} pages/s, {paras / total:.1f} paragraphs/s")
        me, kids = rss_mb()
        print(f"  peak RSS: main process {me:.0f} MB, largest worker {kids:.0f} MB")
        t = time.perf_counter()
        s2 = index_paths(paths, store, progress=False)
        print(f"re-run with nothing changed: {time.perf_counter() - t:.1f} s ({s2.count('unchanged')} unchanged)")

        files, _ = iter_files(paths)
        sample = files[:: max(1, len(files) // 12)][:12]
        t = time.perf_counter()
        n_pages = 0
        texts: list[str] = []
        for f in sample:
            try:
                pr = parse_file(f)
            except IngestError:
                continue
            n_pages += pr.report.pages
            texts += [embed_text(p.section, p.text) for p in pr.paragraphs]
        dt = time.perf_counter() - t
        print(f"parse-only rate (one process, {len(sample)} files): {n_pages / dt:.1f} pages/s")
        emb = Embedder(cache=False)
        every: list[str] = []
        for r in store.reports():  # what the ingest gave the model (retrieval.indexer.model_inputs), from the index
            paras = store.paragraphs_of(r["report_id"])
            said = {p["text"] for p in paras}
            every += [embed_text(p.get("section") or "", p["text"]) for p in paras]
            every += [x["text"] for x in store.recommendations([r["report_id"]]) if x["text"] not in said]
        distinct = list(dict.fromkeys(every))
        sample = distinct if a.rate_sample <= 0 else distinct[: a.rate_sample]
        t = time.perf_counter()
        emb.embed(sample)
        dt = time.perf_counter() - t
        tokens = sum(emb.count_tokens(x) for x in sample)
        print(f"embed-only ({len(sample)} of {len(distinct)} distinct texts, {len(every)} in all): {dt:.1f} s, "
              f"{len(sample) / dt:.1f} texts/s, {tokens / dt:.0f} tokens/s")
        est = dt * len(distinct) / len(sample)
        print(f"embed-only time for this corpus: {est:.0f} s{'' if len(sample) == len(distinct) else ' (estimated)'}; "
              f"ingest total / embed-only = {total / est:.2f}")
        # The floor on this machine: the model's work on one thread plus parsing and writing, shared by the cores.
        import torch

        probe = distinct[:: max(1, len(distinct) // 1500)]
        threads = torch.get_num_threads()
        took = {}
        for n in (threads, 1):
            torch.set_num_threads(n)
            t = time.perf_counter()
            emb.embed(probe)
            took[n] = time.perf_counter() - t
        torch.set_num_threads(threads)
        speedup = took[1] / took[threads]
        cores = min(os.cpu_count() or 1, threads)
        work = est * speedup + s.parse_seconds + s.write_seconds
        floor = work / cores
        print(f"model threads {threads}: {speedup:.2f}x the speed of one thread; CPU work = embed on one thread "
              f"{est * speedup:.0f} s + parse {s.parse_seconds:.0f} s + write {s.write_seconds:.0f} s = {work:.0f} s, "
              f"so on {cores} cores no schedule beats {floor:.0f} s = {floor / est:.2f} x embed-only")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
