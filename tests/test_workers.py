"""Ingest's parsing workers end with their parent, however it ends: kill -9, or Ctrl-C (which also stops cleanly and
lets the next run carry on)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import CORPUS, ROOT, run_cli


def _children(pid: int) -> list[int]:
    """Every live descendant of pid (psutil when installed, else /proc)."""
    try:
        import psutil

        try:
            return [c.pid for c in psutil.Process(pid).children(recursive=True)]
        except psutil.NoSuchProcess:
            return []
    except ImportError:
        pass
    kids: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            kids.setdefault(ppid, []).append(int(d.name))
    out, todo = [], [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            out.append(k)
            todo.append(k)
    return out


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's zombie waits for whoever reaps it, but it runs nothing)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _start_ingest(paths: list[str], index: Path) -> subprocess.Popen:
    env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONUNBUFFERED="1")
    env.pop("CHROMA_HOST", None)
    return subprocess.Popen([sys.executable, "-m", "app.cli", "ingest", *paths, "--index", str(index), "--quiet"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def _wait_for_workers(proc: subprocess.Popen, timeout: float = 120) -> list[int]:
    """The pool's worker processes, once they exist."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        workers = [c for c in _children(proc.pid) if "spawn_main" in _cmdline(c) and _running(c)]
        if workers:
            time.sleep(1.0)  # past start-up: parsing, or waiting for work
            return workers
        if proc.poll() is not None:
            raise AssertionError(f"ingest ended before its workers were seen:\n{proc.stderr.read()}")
        time.sleep(0.05)
    raise AssertionError("no worker process appeared")


def _gone_within(pids: list[int], seconds: float) -> list[int]:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        alive = [p for p in pids if _running(p)]
        if not alive:
            return []
        time.sleep(0.1)
    return [p for p in pids if _running(p)]


def test_workers_die_with_a_killed_parent(tmp_path):
    proc = _start_ingest([str(CORPUS)], tmp_path / "idx")
    family: list[int] = []
    try:
        _wait_for_workers(proc)
        family = _children(proc.pid)  # the workers and multiprocessing's helper process
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        left = _gone_within(family, 5)
        assert not left, f"still running after the parent was killed: {[(p, _cmdline(p)) for p in left]}"
    finally:
        if proc.poll() is None:
            proc.kill()
        for p in family + _children(proc.pid):  # never leave orphans behind, even when the test fails
            if _running(p) and "multiprocessing" in _cmdline(p):
                os.kill(p, signal.SIGKILL)


def test_ctrl_c_stops_cleanly_and_the_next_run_carries_on(tmp_path):
    src = tmp_path / "reports"
    src.mkdir()
    big = sorted(CORPUS.glob("ofsted/*/*.pdf"), key=lambda p: -p.stat().st_size)[:4]  # long enough to interrupt
    for p in big:
        shutil.copy(p, src / f"{p.parent.name}-{p.name}")
    idx = tmp_path / "idx"
    proc = _start_ingest([str(src)], idx)
    workers: list[int] = []
    try:
        workers = _wait_for_workers(proc)
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends to the whole foreground group
        _, err = proc.communicate(timeout=60)
        assert proc.returncode != 0
        assert "Traceback" not in err, err
        left = _gone_within(workers, 5)
        assert not left, [(p, _cmdline(p)) for p in left]
    finally:
        if proc.poll() is None:
            proc.kill()
        for p in workers:
            if _running(p) and "multiprocessing" in _cmdline(p):
                os.kill(p, signal.SIGKILL)
    p = run_cli("ingest", str(src), "--index", str(idx), "--json")
    assert p.returncode == 0, p.stdout + p.stderr
    outcomes = [json.loads(x) for x in p.stdout.splitlines()[:-1]]
    assert sorted(o["status"] for o in outcomes if o["status"] != "unchanged") == \
        ["indexed"] * sum(o["status"] != "unchanged" for o in outcomes)
    reports = json.loads(run_cli("reports", "--index", str(idx), "--json").stdout)
    assert len(reports) == 4
