"""The cost curve as the library grows: libraries of 1x, 3x and 10x the shared corpus, each measured the same way.

    .venv/bin/python bench/scale_bench.py [--source ../idx/shared] [--factors 1,3,10] [--questions 20] [--no-server]
                                          [--work DIR --keep] [--reuse]

A library of k x is the source index copied whole (copy 0) plus k-1 copies of every report under another real
council (the gazetteer's councils rotated) and new report ids: real paragraphs, real recommendations, their vectors
re-used (read from the source with Chroma's get(include=embeddings) and written through the store's own batched
write and record layout, the report record last), and the lexical tokens of each copy taken from its original's.
Nothing is embedded again, so building the library costs only Chroma's writes.

For each library, in fresh processes (so memory and start-up are each its own):
- serve: open the store, load reports + BM25 + the model (start-up, and the BM25 load alone), then the shared eval
  questions one after another: ask p50/p95 (ms) and `themes` time; peak RSS of that process (what the app's
  process holds to answer);
- one-off `inspections ask` as a whole process (wall s);
- app start-up: `inspections app` on a free port until its health endpoint answers, then the first page's work
  (the serve process's start-up) added; the app process's RSS;
- ingest of one new document into the library: wall and peak RSS;
- index size on disk (Chroma + lexical);
- the same serve measurements with the library behind a Chroma server (`chroma run`), stopped afterwards.
The machine's other work moves absolute figures: compare the rows of one run.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

T0 = time.perf_counter()
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = ROOT / ".venv" / "bin"
QUESTIONS_FILE = ROOT.parent / "shared" / "eval" / "questions.jsonl"
THEMES = ["private fostering", "care leavers accommodation"]


# ---- building a library ------------------------------------------------------------------------------------------
def _read_all(col, include: list[str], page: int = 5000) -> dict[str, list]:
    out: dict[str, list] = {"ids": [], **{k: [] for k in include}}
    offset = 0
    while True:
        got = col.get(include=include, limit=page, offset=offset)
        if not got["ids"]:
            return out
        out["ids"] += got["ids"]
        for k in include:
            out[k] += list(got[k])
        offset += len(got["ids"])


def build_library(source: Path, dest: Path, factor: int, reuse: bool = False) -> dict:
    """dest = source + (factor - 1) re-councilled copies. Returns counts."""
    from ingest import gazetteer
    from retrieval.store import Store

    if reuse and dest.exists():  # a library left by --keep: used as it is when it holds factor x the source
        held, want = Store(str(dest)), Store(str(source))
        n, base = held.reports_col.count(), factor * want.reports_col.count()
        if base <= n <= base + 5:  # (each run's ingest measurement adds a document)
            return {"reports": n, "paragraphs": held.paragraphs.count()}
        from chromadb.api.shared_system_client import SharedSystemClient

        del held
        SharedSystemClient.clear_system_cache()  # the folder is replaced below: no client may keep the old files open
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(source, dest)
    store = Store(str(dest))
    reports = _read_all(store.reports_col, ["documents", "metadatas"])
    n_par = store.paragraphs.count()
    if factor <= 1:
        return {"reports": len(reports["ids"]), "paragraphs": n_par}
    paras = _read_all(store.paragraphs, ["metadatas", "embeddings"])
    recs = _read_all(store.recs, ["metadatas", "embeddings"])
    names = sorted(c.name for c in gazetteer.councils())
    tokdir = dest / "lexical" / "tokens-v2"
    tokdir.mkdir(parents=True, exist_ok=True)
    for copy in range(1, factor):
        rid_map = {rid: hashlib.sha1(f"{rid}:copy{copy}".encode()).hexdigest()[:len(rid)] for rid in reports["ids"]}

        def council(name: str | None) -> str | None:
            if name in names:
                return names[(names.index(name) + 7 * copy) % len(names)]
            return name

        for col, rows in ((store.paragraphs, paras), (store.recs, recs)):
            ids, metas = [], []
            for pid, meta in zip(rows["ids"], rows["metadatas"]):
                rid = meta["report_id"]
                ids.append(rid_map[rid] + pid[len(rid):])
                metas.append(dict(meta, report_id=rid_map[rid], council=council(meta.get("council"))))
            store._batched_add(col, ids, metas, rows["embeddings"])
        for rid, doc, meta in zip(reports["ids"], reports["documents"], reports["metadatas"]):
            new = rid_map[rid]
            rec = json.loads(doc)
            sha = hashlib.sha256(f"{rec.get('sha256')}:copy{copy}".encode()).hexdigest()
            rec.update(report_id=new, council=council(rec.get("council")), sha256=sha)
            store.reports_col.upsert(ids=[new], documents=[json.dumps(rec)], embeddings=[[1.0]],
                                     metadatas=[dict(meta, sha256=sha, council=rec["council"],
                                                     source_key=f"{meta.get('source_key')}:copy{copy}")])
            src = source / "lexical" / "tokens-v2" / f"{rid}.json"
            if src.exists():
                rows = json.loads(src.read_text())
                (tokdir / f"{new}.json").write_text(json.dumps([[new + pid[len(rid):], toks] for pid, toks in rows]))
    return {"reports": len(reports["ids"]) * factor, "paragraphs": n_par * factor}


# ---- measuring ---------------------------------------------------------------------------------------------------
def serve_child(index: str, questions: list[str]) -> None:
    """What the app's process does: open, load, then answer questions one after another."""
    import resource

    from retrieval import lexical, vectors
    from retrieval.search import Searcher
    from retrieval.store import Store
    from retrieval.themes import themes

    imported = time.perf_counter() - T0
    t = time.perf_counter()
    store = Store(index)
    s = Searcher(store)
    s.warm()
    startup = time.perf_counter() - t
    t = time.perf_counter()
    s.ask("what did inspectors say about the quality of supervision?")  # a first page's question (timed apart)
    first = time.perf_counter() - t
    t = time.perf_counter()
    lexical.load(store)  # saved under the store's stamp: the load a start-up pays
    lex = time.perf_counter() - t
    t = time.perf_counter()
    vectors.load(store)  # the paragraph vectors mapped from their saved matrix (retrieval/vectors.py)
    vec_load = time.perf_counter() - t
    times = []
    for q in questions:
        t = time.perf_counter()
        s.ask(q)
        times.append((time.perf_counter() - t) * 1000)
    th = []
    for topic in THEMES:
        t = time.perf_counter()
        themes(s, topic)
        th.append(time.perf_counter() - t)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    print(json.dumps({"imports_s": round(imported, 2), "startup_s": round(startup, 2), "lexical_load_s": round(lex, 2), "vectors_load_s": round(vec_load, 2),
                      "first_ask_s": round(first, 2), "ask_p50_ms": round(statistics.median(times)), "ask_p95_ms": round(p95),
                      "themes_s": round(statistics.median(th), 2),
                      "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, timeout: float) -> float:
    t = time.perf_counter()
    while time.perf_counter() - t < timeout:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return time.perf_counter() - t
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(url)


def _rss_tree_mb(pid: int) -> float:
    """Resident memory of a process and its children (the app runs Streamlit in a child)."""
    total = 0
    pids = [pid]
    try:
        kids = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        pids += [int(k) for k in kids]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def serve(index: str, questions: list[str], env: dict[str, str]) -> dict:
    p = subprocess.run([sys.executable, __file__, "--serve-child", index, "--questions-json", json.dumps(questions)],
                       capture_output=True, text=True, env=env, cwd=ROOT)
    lines = [x for x in p.stdout.splitlines() if x.startswith("{")]
    if p.returncode or not lines:
        raise RuntimeError(f"serve failed: {p.stderr[-800:]}")
    return json.loads(lines[-1])


def oneoff_ask(index: str, question: str, env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run([str(BIN / "inspections"), "ask", question, "--index", index], capture_output=True, env=env,
                   cwd=ROOT, check=True)
    return time.perf_counter() - t


def app_startup(index: str, env: dict[str, str]) -> tuple[float, float]:
    port = _free_port()
    proc = subprocess.Popen([str(BIN / "inspections"), "app", "--index", index, "--port", str(port)], env=env,
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        up = _wait_http(f"http://127.0.0.1:{port}/_stcore/health", 120)
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10).read()
        return up, _rss_tree_mb(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def ingest_one(index: str, env: dict[str, str], work: Path) -> tuple[float, float]:
    """One new document into the library: a seed report with a line of its own (so its bytes are new)."""
    seed = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))[0]
    doc = work / f"new-{time.time_ns()}.txt"
    doc.write_text(seed.read_text(encoding="utf-8") + f"\n\nAppendix {time.time_ns()}.\n", encoding="utf-8")
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", str(BIN / "inspections"), "ingest", str(doc), "--index", index,
                        "-q"], capture_output=True, text=True, env=env, cwd=ROOT)
    wall = time.perf_counter() - t
    rss_kb = int(p.stderr.strip().splitlines()[-1]) if p.stderr.strip() else 0
    return wall, rss_kb / 1024


def du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def chroma_server(index: str, questions: list[str], env: dict[str, str], work: Path) -> dict:
    port = _free_port()
    proc = subprocess.Popen([str(BIN / "chroma"), "run", "--path", index, "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        up = _wait_http(f"http://127.0.0.1:{port}/api/v2/heartbeat", 180)
        cache = work / f"server-cache-{port}"
        cache.mkdir()
        from retrieval import config

        (cache / "models").symlink_to(config.cache_dir() / "models")  # the built embedding models, not rebuilt
        # server mode keeps the lexical index in the cache folder: start from the library's own tokens
        shutil.copytree(Path(index) / "lexical", cache / f"lexical-127.0.0.1-{port}")
        senv = dict(env, CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(port), INSPECTIONS_CACHE=str(cache))
        r = serve(index, questions, senv)
        r["server_up_s"] = round(up, 1)
        r["server_rss_mb"] = round(_rss_tree_mb(proc.pid))
        return r
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> int:
    ap = argparse.ArgumentParser(description="the cost curve at 1x, 3x, 10x the shared corpus")
    ap.add_argument("--source", default=str(ROOT.parent / "idx" / "shared"), help="an index of the shared corpus")
    ap.add_argument("--factors", default="1,3,10")
    ap.add_argument("--questions", type=int, default=20, help="eval questions asked per library")
    ap.add_argument("--work", default=None, help="where the libraries are built (default: a temporary folder)")
    ap.add_argument("--no-server", action="store_true", help="skip the Chroma server measurements")
    ap.add_argument("--keep", action="store_true", help="keep the libraries afterwards")
    ap.add_argument("--reuse", action="store_true", help="use libraries kept in --work by an earlier --keep run")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--serve-child", help=argparse.SUPPRESS)
    ap.add_argument("--questions-json", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.serve_child:
        serve_child(a.serve_child, json.loads(a.questions_json))
        return 0
    qs = [json.loads(x)["question"] for x in QUESTIONS_FILE.read_text().splitlines() if x.strip()]
    questions = qs[:: max(1, len(qs) // a.questions)][: a.questions]
    work = Path(a.work or tempfile.mkdtemp(prefix="scale-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    env.pop("CHROMA_HOST", None)
    rows = []
    hdr = (f"{'library':<8}{'reports':>8}{'paragr.':>9}{'build s':>8}{'size MB':>8}{'start s':>8}{'BM25 s':>7}"
           f"{'1st ask':>8}{'ask p50':>8}{'ask p95':>8}{'themes s':>9}{'RSS MB':>7}{'1-off s':>8}{'page s':>7}{'app MB':>7}"
           f"{'ingest s':>9}{'ing. MB':>8}")
    print(f"source {a.source}; {len(questions)} questions; ask in ms; start = open + reports + BM25 + model; "
          f"page = the app's health endpoint up + that start-up + a first question; work folder {work}", flush=True)
    print(hdr, flush=True)
    try:
        for k in [int(x) for x in a.factors.split(",")]:
            dest = work / f"lib-{k}x"
            t = time.perf_counter()
            counts = build_library(Path(a.source), dest, k, reuse=a.reuse)
            built = time.perf_counter() - t
            r = serve(str(dest), questions, env)  # also builds the BM25 of the copies once (saved), before timing
            r = serve(str(dest), questions, env)
            one = oneoff_ask(str(dest), questions[0], env)
            up, app_mb = app_startup(str(dest), env)
            ing_s, ing_mb = ingest_one(str(dest), env, work)
            row = {"factor": k, **counts, "build_s": round(built), "size_mb": round(du_mb(dest)), **r,
                   "oneoff_ask_s": round(one, 1), "app_health_s": round(up, 1),
                   "app_first_page_s": round(up + r["imports_s"] + r["startup_s"] + r["first_ask_s"], 1), "app_rss_mb": round(app_mb),
                   "ingest_one_s": round(ing_s, 1), "ingest_rss_mb": round(ing_mb)}
            if not a.no_server:
                row["server"] = chroma_server(str(dest), questions, env, work)
            rows.append(row)
            print(f"{str(k) + 'x':<8}{row['reports']:>8}{row['paragraphs']:>9}{row['build_s']:>8}{row['size_mb']:>8}"
                  f"{row['startup_s']:>8.1f}{row['lexical_load_s']:>7.2f}{row['first_ask_s']:>8.2f}{row['ask_p50_ms']:>8}"
                  f"{row['ask_p95_ms']:>8}{row['themes_s']:>9.2f}{row['rss_mb']:>7}{row['oneoff_ask_s']:>8.1f}"
                  f"{row['app_first_page_s']:>7.1f}"
                  f"{row['app_rss_mb']:>7}{row['ingest_one_s']:>9.1f}{row['ingest_rss_mb']:>8}", flush=True)
            if "server" in row:
                sv = row["server"]
                print(f"{'  server':<8}{'':>8}{'':>9}{'':>8}{'':>8}{sv['startup_s']:>8.1f}{sv['lexical_load_s']:>7.2f}"
                      f"{sv['first_ask_s']:>8.2f}{sv['ask_p50_ms']:>8}{sv['ask_p95_ms']:>8}{sv['themes_s']:>9.2f}{sv['rss_mb']:>7}"
                      f"   (Chroma server up in {sv['server_up_s']} s, its RSS {sv['server_rss_mb']} MB)", flush=True)
            if not a.keep:
                shutil.rmtree(dest, ignore_errors=True)
        if len(rows) > 1:
            first, last = rows[0], rows[-1]
            print(f"{last['factor']}x vs {first['factor']}x: ask p95 {last['ask_p95_ms'] / max(1, first['ask_p95_ms']):.2f}x, "
                  f"start-up {last['startup_s']:.1f} s, serving RSS {last['rss_mb']} MB")
        if a.json:
            print(json.dumps({"rows": rows}))
    finally:
        if not a.keep and not a.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
