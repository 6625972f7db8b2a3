"""Where things live and how the tool runs offline: one place for the index folder, the cache folder and the
environment the model libraries read.

Importing this module sets the offline environment (nothing may be fetched from a model hub at run time), so every
entry point (the CLI, the app, the embedder) imports it first instead of setting the variables itself.
"""
from __future__ import annotations

import os
from pathlib import Path

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "ANONYMIZED_TELEMETRY": "False",
}
for _k, _v in OFFLINE_ENV.items():
    os.environ.setdefault(_k, _v)

DEFAULT_INDEX = ".index"


def index_dir(explicit: str | None = None) -> str:
    """The index folder: the one given, else $INSPECTIONS_INDEX, else ./.index."""
    return explicit or os.environ.get("INSPECTIONS_INDEX") or DEFAULT_INDEX


def cache_dir() -> Path:
    """The user's cache folder (vectors, and the lexical index and ingest lock in server mode): $INSPECTIONS_CACHE,
    else the platform's cache folder (~/.cache/inspections on Linux, %LOCALAPPDATA%\\inspections\\Cache on
    Windows). Created on first use."""
    from platformdirs import user_cache_dir

    root = Path(os.environ.get("INSPECTIONS_CACHE") or user_cache_dir("inspections", appauthor=False))
    root.mkdir(parents=True, exist_ok=True)
    return root


def server_address() -> tuple[str, int] | None:
    """The Chroma server to use (CHROMA_HOST, CHROMA_PORT), or None for the local folder."""
    host = os.environ.get("CHROMA_HOST")
    if not host:
        return None
    return host, int(os.environ.get("CHROMA_PORT") or 8000)
