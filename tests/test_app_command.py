"""`inspections app`: the server it starts is the process the caller holds, so stopping that process stops the
server (a bench or service manager that terminated `inspections app` used to leave Streamlit running on its port)."""
from __future__ import annotations

import os
import socket
import subprocess
import time

from conftest import ROOT, die_with_parent, wait_for_health


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_terminating_inspections_app_stops_the_server(index_dir):
    port = _free_port()
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    env.pop("CHROMA_HOST", None)
    proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "inspections"), "app", "--index", str(index_dir),
                             "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
    try:
        assert wait_for_health(f"http://127.0.0.1:{port}", proc), "the app did not start"
        proc.terminate()
        proc.wait(timeout=20)
        deadline = time.time() + 10
        while _listening(port) and time.time() < deadline:
            time.sleep(0.2)
        assert not _listening(port), "a server still listens after `inspections app` was stopped"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)
