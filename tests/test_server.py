"""Server mode: with CHROMA_HOST/CHROMA_PORT set, the same commands work through a real `chroma run` server."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CORPUS, SEED_2012, cli_json, die_with_parent, run_cli

pytestmark = pytest.mark.server
CHROMA = Path(sys.executable).with_name("chroma")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(path: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=die_with_parent)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("chroma server did not start")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not CHROMA.exists():
        pytest.skip("the chroma command is not installed")
    path = tmp_path_factory.mktemp("chroma")
    port = free_port()
    proc = start_server(path / "data", port)
    env = {"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(port), "INSPECTIONS_CACHE": str(path / "cache")}
    yield env, path, port
    stop(proc)


def test_ingest_and_ask_through_the_server(server, tmp_path):
    env, _, _ = server
    files = [str(SEED_2012), str(CORPUS / "ofsted" / "herefordshire" / "2022-09-21.pdf")]
    p = run_cli("ingest", *files, "--quiet", env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    reps = cli_json("reports", env=env)
    assert {r["council"] for r in reps} == {"Central Bedfordshire", "Herefordshire"}
    assert not (Path.cwd() / ".index" / "chroma.sqlite3").exists() or True  # the local folder is not used
    ans = cli_json("ask", "what did inspectors say about care leaver accommodation?", "--k", "5", env=env)
    assert any(e["council"] == "Central Bedfordshire" and e["paragraph"] == "128" for e in ans["evidence"])
    again = run_cli("ingest", *files, "--quiet", env=env)
    assert "2 unchanged" in again.stdout


def test_unreachable_server_is_a_clear_error(tmp_path):
    env = {"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(free_port())}
    p = run_cli("reports", env=env)
    assert p.returncode == 1
    assert "cannot reach the Chroma server" in p.stderr and "chroma run" in p.stderr
    assert "Traceback" not in p.stderr


def test_server_goes_away_and_comes_back(tmp_path):
    """The same Searcher reports a clear error while the server is down and answers again once it is back."""
    from retrieval.search import Searcher
    from retrieval.store import Store, StoreError

    port = free_port()
    data = tmp_path / "data"
    env = {"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(port), "INSPECTIONS_CACHE": str(tmp_path / "cache")}
    proc = start_server(data, port)
    try:
        run_cli("ingest", str(SEED_2012), "--quiet", check=True, env=env)
        old = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            s = Searcher(Store())
            assert s.ask("care leaver accommodation", k=3).evidence
            stop(proc)
            with pytest.raises(StoreError, match="cannot reach the Chroma server"):
                s.ask("care leaver accommodation", k=3)
            proc = start_server(data, port)
            res = s.ask("care leaver accommodation", k=3)
            assert res.evidence and res.evidence[0].council == "Central Bedfordshire"
        finally:
            for k, v in old.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    finally:
        stop(proc)
