"""An ingest killed part-way leaves a usable index and the next one finishes the job; two ingests never interleave."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from conftest import CORPUS, ROOT, cli_json, run_cli


def _start_ingest(idx, *extra: str, env_extra: dict | None = None) -> subprocess.Popen:
    env = dict(os.environ, HF_HUB_OFFLINE="1", INSPECTIONS_EMBED_CACHE="0", **(env_extra or {}))
    env.pop("CHROMA_HOST", None)
    return subprocess.Popen([sys.executable, "-m", "app.cli", "ingest", str(CORPUS), "--index", str(idx), "--quiet",
                             *extra], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_reports(idx, n: int, proc: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        p = run_cli("reports", "--json", "--index", str(idx))
        if p.returncode == 0 and len(json.loads(p.stdout or "[]")) >= n:
            return
        time.sleep(0.5)


def test_sigkill_mid_ingest_then_rerun_matches_a_clean_build(tmp_path, corpus_reports, searcher):
    searcher.embedder.embed_query("load the model before the clock starts")
    idx = tmp_path / "idx"
    proc = _start_ingest(idx)
    _wait_for_reports(idx, 2, proc)
    # a question asked while the ingest runs is answered from complete reports only
    from retrieval.search import Searcher
    from retrieval.store import Store

    live = Searcher(Store(str(idx)))
    evidence = live.ask("care leavers", k=10).evidence
    assert evidence and {e.report_id for e in evidence} <= set(live.reports)
    time.sleep(1.0)  # let it get into the middle of another report
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = cli_json("reports", "--index", str(idx))
    assert 0 < len(partial) < len(corpus_reports)
    for r in partial:  # what was complete answers as before: whole reports only
        paras = cli_json("paragraphs", r["report_id"], "--index", str(idx))
        assert len(paras) == r["paragraphs"]
    p = run_cli("ingest", str(CORPUS), "--index", str(idx), "--quiet")
    assert p.returncode == 0, p.stdout + p.stderr
    after = {r["report_id"]: r["paragraphs"] for r in cli_json("reports", "--index", str(idx))}
    clean = {r["report_id"]: r["paragraphs"] for r in corpus_reports}
    assert after == clean
    for rid, n in after.items():
        assert len(cli_json("paragraphs", rid, "--index", str(idx))) == n  # no duplicates, no leftovers


def test_second_ingest_refuses_while_one_runs(tmp_path):
    """While another ingest holds the index (here: this test, through the same lock an ingest takes), `--no-wait`
    refuses with a message and a plain ingest waits, says so, and runs once the first has finished."""
    from retrieval.indexer import ingest_lock
    from retrieval.store import Store

    idx = tmp_path / "idx"
    log = tmp_path / "waiting.err"
    store = Store(str(idx), create=True)
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    env.pop("CHROMA_HOST", None)
    with ingest_lock(store):
        second = run_cli("ingest", str(CORPUS / "seeds"), "--index", str(idx), "--no-wait", "--quiet")
        assert second.returncode == 1
        assert "another ingest is running" in second.stderr
        with open(log, "w") as err:
            waiting = subprocess.Popen([sys.executable, "-m", "app.cli", "ingest", str(CORPUS / "seeds"), "--index",
                                        str(idx), "--quiet"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
        try:
            deadline = time.time() + 120
            while "waiting for it to finish" not in log.read_text() and time.time() < deadline:
                assert waiting.poll() is None, log.read_text()
                time.sleep(0.3)
            assert "waiting for it to finish" in log.read_text()
            assert cli_json("reports", "--index", str(idx)) == []  # it waited: nothing written yet
        except BaseException:
            waiting.kill()
            waiting.wait()
            raise
    assert waiting.wait(timeout=600) == 0, log.read_text()
    assert len(cli_json("reports", "--index", str(idx))) == len(list((CORPUS / "seeds").iterdir()))
