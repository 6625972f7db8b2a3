"""Shared fixtures: one real index of the repo's corpus/, built once per test session through the real CLI (in a
subprocess: the smoke test of the installed command), and `run_cli` for everything else (in-process)."""
from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEED_2012 = CORPUS / "seeds" / "004_18dbb9304245f449.txt"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def die_with_parent() -> None:
    """preexec_fn for servers a test starts: the kernel kills them when the test process dies, however it dies
    (a killed pytest must not leave a Streamlit or Chroma server running). Linux only; elsewhere a no-op."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG


def wait_for_health(url: str, proc: subprocess.Popen, timeout: float = 90) -> bool:
    """Whether the Streamlit server at url answers its health check before `proc` ends or the time runs out."""
    import time
    import urllib.request

    deadline = time.time() + timeout
    while True:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return True
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            return False
        time.sleep(0.5)


@contextlib.contextmanager
def serve_app(index_dir: Path, log: Path, **env_extra: str) -> Iterator[str]:
    """The real Streamlit app on a free 127.0.0.1 port, over `index_dir`: yields its URL once /_stcore/health
    answers, and stops it afterwards (and with the test process, however that ends)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, INSPECTIONS_INDEX=str(index_dir), HF_HUB_OFFLINE="1", PYTHONUNBUFFERED="1", **env_extra)
    env.pop("CHROMA_HOST", None)
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app" / "main.py"), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                preexec_fn=die_with_parent)
    url = f"http://127.0.0.1:{port}"
    try:
        if not wait_for_health(url, proc):
            raise RuntimeError(f"streamlit did not start:\n{log.read_text(errors='replace')}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def app_page(page: str | None = None, timeout: int = 300):
    """The real Streamlit app (AppTest) run once, then switched to `page` ("views/compare.py") when given: the
    caller sets the environment (index, user store) first."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=timeout)
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def run_cli(*args: str, check: bool = False, env: dict | None = None, timeout: int = 900,
            process: bool = False) -> subprocess.CompletedProcess:
    """Run the real `inspections` command line. In-process through click's CliRunner by default (the model and
    libraries load once per test session, not once per call); `process=True` runs it in a subprocess, as outside
    scripts do (the smoke test and anything that must survive or kill a process)."""
    if process:
        return run_cli_process(*args, check=check, env=env, timeout=timeout)
    from chromadb.api.shared_system_client import SharedSystemClient
    from click.testing import CliRunner

    from app.cli import cli

    overrides: dict[str, str | None] = {"HF_HUB_OFFLINE": "1", "CHROMA_HOST": None, **(env or {})}
    if env and "CHROMA_HOST" in env:
        overrides["CHROMA_HOST"] = env["CHROMA_HOST"]
    res = CliRunner().invoke(cli, list(args), env=overrides, catch_exceptions=True)
    # Chroma keeps one client system per path in the process: drop it so the next call sees what other processes
    # wrote, as a fresh `inspections` process would
    SharedSystemClient.clear_system_cache()
    stderr = res.stderr
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        import traceback

        stderr += "".join(traceback.format_exception(res.exception))
    p = subprocess.CompletedProcess(["inspections", *args], res.exit_code, res.stdout, stderr)
    if check and p.returncode != 0:
        raise AssertionError(f"inspections {' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


def run_cli_process(*args: str, check: bool = False, env: dict | None = None,
                    timeout: int = 900) -> subprocess.CompletedProcess:
    """Run the real `inspections` command line in a subprocess, as outside scripts do."""
    e = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONUNBUFFERED="1")
    e.pop("CHROMA_HOST", None)
    if env:
        e.update(env)
    p = subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True, text=True, cwd=ROOT, env=e,
                       timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f"inspections {' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


def cli_json(*args: str, env: dict | None = None):
    p = run_cli(*args, "--json", check=True, env=env)
    return json.loads(p.stdout)


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory) -> Path:
    """A real embedded index of corpus/ (all seed documents and PDFs), built with `inspections ingest`."""
    d = tmp_path_factory.mktemp("index") / "idx"
    p = run_cli("ingest", str(CORPUS), "--index", str(d), "--quiet", process=True)
    assert p.returncode == 0, p.stdout + p.stderr
    return d


@pytest.fixture(scope="session")
def corpus_reports(index_dir) -> list[dict]:
    return cli_json("reports", "--index", str(index_dir))


@pytest.fixture(scope="session")
def searcher(index_dir):
    """The same Searcher the CLI and the app use, on the session index."""
    from retrieval.search import Searcher
    from retrieval.store import Store

    return Searcher(Store(str(index_dir)))
