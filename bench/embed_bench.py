"""Every embedding backend on the same paragraphs, in one run: paragraphs per second, start-up time, memory, and the
time to embed one question.

    .venv/bin/python bench/embed_bench.py [--quick] [--json] [--index DIR] [--n N] [--backend NAME ...]

The paragraphs are what ingest gives the model (heading + text, retrieval.indexer.embed_text), read from an index of
the shared corpus (default ../idx/shared or ../shared/corpus's paragraphs parsed afresh when no index is there),
sampled evenly across it so short and long paragraphs come in their real proportions. Each backend runs in its own
process, one after the other, so start-up (imports + model load) and peak RSS are its own; the machine's other work
moves absolute figures, so compare the rows of one run. Built forms missing are built first (not timed).
The last line with --json is one object: {"backends": [{"name", "per_s", "load_s", "rss_mb", "query_ms"}],
"default": NAME, "speedup": default per_s / torch per_s}.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

T0 = time.perf_counter()
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTIONS = ["what did inspectors say about care leaver accommodation?",
             "how well are return home interviews used after children go missing?",
             "quality of supervision and management oversight of social work practice",
             "private fostering arrangements", "the local authority designated officer (LADO)"]


def child(backend: str, texts_file: str, batch_size: int) -> None:
    """One backend in this process: load, warm up, time the paragraphs, then single questions."""
    import resource
    import statistics

    from retrieval.embed import Embedder

    texts = json.loads(Path(texts_file).read_text())
    emb = Embedder(cache=False, backend=backend)
    load_s = time.perf_counter() - T0  # from the interpreter's start: imports + model
    emb.embed(texts[:batch_size], batch_size=batch_size)  # first-call costs (allocations, kernels) not counted
    t = time.perf_counter()
    emb.embed(texts, batch_size=batch_size)
    dt = time.perf_counter() - t
    q = []
    for _ in range(3):
        for question in QUESTIONS:
            t = time.perf_counter()
            emb.embed([question])
            q.append((time.perf_counter() - t) * 1000)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tokens = sum(emb.count_tokens(x) for x in texts)
    print(json.dumps({"name": backend, "ran": emb.backend, "per_s": round(len(texts) / dt, 1),
                      "tokens_per_s": round(tokens / dt), "load_s": round(load_s, 2), "rss_mb": round(rss),
                      "query_ms": round(statistics.median(q), 1), "seconds": round(dt, 1), "n": len(texts)}))


def paragraphs(index: str | None, n: int) -> list[str]:
    """n distinct model inputs spread evenly over the shared corpus."""
    from retrieval.indexer import embed_text

    texts: list[str] = []
    if index and Path(index).exists():
        from retrieval.store import Store

        store = Store(index)
        for r in sorted(store.reports(), key=lambda r: r["report_id"]):
            texts += [embed_text(p.get("section") or "", p["text"]) for p in store.paragraphs_of(r["report_id"])]
    else:
        from ingest.loaders import iter_files
        from ingest.models import IngestError
        from ingest.pipeline import parse_file

        shared = ROOT.parent / "shared" / "corpus"
        files, _ = iter_files([str(shared if shared.exists() else ROOT / "corpus")])
        for f in files[:: max(1, len(files) // 40)]:
            try:
                texts += [embed_text(p.section, p.text) for p in parse_file(f).paragraphs]
            except IngestError:
                continue
    distinct = list(dict.fromkeys(texts))
    return distinct[:: max(1, len(distinct) // n)][:n]


def main() -> int:
    ap = argparse.ArgumentParser(description="every embedding backend on the same paragraphs")
    ap.add_argument("--quick", action="store_true", help="2,000 paragraphs (a few minutes for all backends)")
    ap.add_argument("--json", action="store_true", help="end with one JSON object")
    ap.add_argument("--n", type=int, default=0, help="paragraphs (default 8,000; --quick 2,000)")
    ap.add_argument("--index", default=str(ROOT.parent / "idx" / "shared"),
                    help="an index of the shared corpus to read paragraphs from")
    ap.add_argument("--backend", action="append", help="only these backends (repeatable)")
    ap.add_argument("--batch-size", type=int, default=16, help="as ingest uses (16)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--texts", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(a.child, a.texts, a.batch_size)
        return 0

    from retrieval import embed_build
    from retrieval.embed import BACKENDS, DEFAULT_BACKEND, model_path

    backends = a.backend or list(BACKENDS)
    n = a.n or (2000 if a.quick else 8000)
    texts = paragraphs(a.index, n)
    embed_build.build(model_path(), [b for b in backends if b != "torch"], quiet=not sys.stderr.isatty())
    tmp = Path(tempfile.mkdtemp(prefix="embed-bench-")) / "texts.json"
    tmp.write_text(json.dumps(texts))
    print(f"{len(texts)} paragraphs from {a.index if Path(a.index).exists() else 'the shared corpus'}, "
          f"batches of {a.batch_size}, {os.cpu_count()} CPUs", flush=True)
    print(f"{'backend':<15}{'para/s':>8}{'tokens/s':>10}{'vs torch':>9}{'start-up s':>11}{'RSS MB':>8}"
          f"{'question ms':>12}", flush=True)
    rows = []
    env = dict(os.environ, INSPECTIONS_EMBED_CACHE="0")
    for b in backends:
        p = subprocess.run([sys.executable, __file__, "--child", b, "--texts", str(tmp),
                            "--batch-size", str(a.batch_size)], capture_output=True, text=True, env=env)
        lines = [x for x in p.stdout.splitlines() if x.startswith("{")]
        if p.returncode or not lines:
            print(f"{b:<15} failed: {(p.stderr.strip().splitlines() or ['?'])[-1]}", flush=True)
            continue
        r = json.loads(lines[-1])
        rows.append(r)
        base = next((x["per_s"] for x in rows if x["name"] == "torch"), None)
        rel = f"{r['per_s'] / base:.2f}x" if base else "-"
        note = "" if r["ran"] == b else f"  (ran {r['ran']}: fell back)"
        print(f"{b:<15}{r['per_s']:>8.1f}{r['tokens_per_s']:>10}{rel:>9}{r['load_s']:>11.2f}{r['rss_mb']:>8}"
              f"{r['query_ms']:>12.1f}{note}", flush=True)
    tmp.unlink(missing_ok=True)
    by = {r["name"]: r for r in rows}
    speedup = (by[DEFAULT_BACKEND]["per_s"] / by["torch"]["per_s"]) if DEFAULT_BACKEND in by and "torch" in by else None
    if speedup:
        print(f"default backend {DEFAULT_BACKEND}: {speedup:.2f}x torch fp32's paragraphs per second")
    if a.json:
        print(json.dumps({"backends": [{k: r[k] for k in ("name", "per_s", "load_s", "rss_mb", "query_ms")}
                                       for r in rows],
                          "default": DEFAULT_BACKEND, "speedup": round(speedup, 2) if speedup else None}))
    return 0 if rows else 1


if __name__ == "__main__":
    raise SystemExit(main())
