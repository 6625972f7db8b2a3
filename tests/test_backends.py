"""The embedding backends (retrieval/embed.py, retrieval/embed_build.py): each loads and embeds the real model, the
default one ranks real report paragraphs as torch fp32 does, the vector cache is kept per backend, and a backend that
cannot be had builds itself or falls back to torch with a notice."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval.embed import BACKENDS, DEFAULT_BACKEND, Embedder

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "care leavers living in unsuitable accommodation",
    "return home interviews after children go missing",
    "management oversight and supervision of social workers",
    "private fostering arrangements",
    "the local authority designated officer (LADO)",
    "children subject to child protection plans",
]


@pytest.fixture(scope="module")
def paragraphs() -> list[str]:
    """Every paragraph of two real reports, as the model sees them at ingest."""
    from ingest.pipeline import parse_file
    from retrieval.indexer import embed_text

    texts: list[str] = []
    for f in ("corpus/ofsted/cambridgeshire/2024-05-16.pdf", "corpus/ofsted/herefordshire/2014-06-30.pdf"):
        texts += [embed_text(p.section, p.text) for p in parse_file(ROOT / f).paragraphs]
    return list(dict.fromkeys(texts))


@pytest.fixture(scope="module")
def torch_vectors(paragraphs) -> tuple[Embedder, np.ndarray]:
    e = Embedder(cache=False, backend="torch")
    return e, e.embed(paragraphs)


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b != "torch"])
def test_each_backend_loads_and_embeds_like_torch(backend, paragraphs, torch_vectors):
    e = Embedder(cache=False, backend=backend)
    assert e.backend == backend, "fell back to torch"
    vecs = e.embed(paragraphs)
    assert vecs.shape == (len(paragraphs), 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    cos = (vecs * torch_vectors[1]).sum(axis=1)
    floor = 0.999 if not backend.endswith("int8") else 0.95  # fp32 graphs: the same arithmetic; 8-bit: close
    assert float(np.median(cos)) > floor, (backend, float(np.median(cos)))
    q = e.embed_query("care leavers in unsuitable accommodation")
    assert q.shape == (384,)


def test_default_backend_finds_what_torch_finds(paragraphs, torch_vectors):
    """Real questions over two real reports: torch fp32's best paragraph is the default backend's best for most
    questions and among its best three for every one (8-bit arithmetic may swap two near-equal paragraphs, as
    fp32 on another machine can; retrieval over the shared questions is the measure that counts, see README)."""
    torch_e, ref = torch_vectors
    e = Embedder(cache=False, backend=DEFAULT_BACKEND)
    mine = e.embed(paragraphs)
    same = 0
    for q in QUESTIONS:
        want = int(np.argmax(ref @ torch_e.embed([q])[0]))
        order = np.argsort(-(mine @ e.embed([q])[0]))
        assert want in order[:3].tolist(), (q, paragraphs[want][:80], paragraphs[int(order[0])][:80])
        same += int(order[0]) == want
    assert same >= len(QUESTIONS) - 1, same


def test_default_is_faster_to_load_than_torch():
    """The default runs without torch, which is most of a one-off command's start-up (checked in a fresh
    process: nothing imported by this test session counts)."""
    import subprocess
    import sys

    code = ("import sys, retrieval.embed as m; e = m.Embedder(cache=False); e.embed(['a paragraph']); "
            "print(e.backend, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    backend, loaded_torch = out.stdout.split()
    assert backend == DEFAULT_BACKEND
    assert loaded_torch == ("True" if DEFAULT_BACKEND == "torch" else "False")


def test_cache_is_kept_per_backend(tmp_path, monkeypatch):
    """Switching backends never reads the other backend's vectors: each has its own cache file."""
    from retrieval import embed_build
    from retrieval.embed import model_path

    other = "onnx-int8" if DEFAULT_BACKEND == "torch" else DEFAULT_BACKEND
    graph = embed_build.build(model_path(), [other], quiet=True)[other]
    # the built graph stays where make install put it; only the vector cache moves to tmp_path
    monkeypatch.setattr(embed_build, "built_file", lambda path, backend: graph)
    monkeypatch.setenv("INSPECTIONS_CACHE", str(tmp_path))
    texts = ["Return home interviews are timely.", "Private fostering is poorly understood."]
    t = Embedder(cache=True, backend="torch")
    tv = t.embed(texts)
    o = Embedder(cache=True, backend=other)
    assert o.cache.path != t.cache.path
    ov = o.embed(texts)
    assert not np.array_equal(tv, ov)  # computed by its own model, not read from torch's cache
    assert np.allclose(Embedder(cache=True, backend=other).embed(texts), ov, atol=1e-6)
    assert np.allclose(Embedder(cache=True, backend="torch").embed(texts), tv, atol=1e-6)
    assert len(list(tmp_path.glob("vectors-*.sqlite"))) == 2


def test_missing_model_is_built_on_first_use(tmp_path, monkeypatch, capfd):
    """A cache folder without the built model (a fresh user, a moved cache): built from the bundled model, with a
    message, and then used."""
    monkeypatch.setenv("INSPECTIONS_CACHE", str(tmp_path))
    e = Embedder(cache=False, backend="onnx")
    assert e.backend == "onnx"
    assert "building the onnx embedding model" in capfd.readouterr().err
    assert list((tmp_path / "models").glob("*/onnx/model.onnx"))
    v = e.embed(["Care leavers are well supported."])
    assert v.shape == (1, 384)


def test_unbuildable_backend_falls_back_to_torch(tmp_path, monkeypatch, capfd):
    """When the built model can neither be found nor written (the cache folder is not a folder), the command still
    works: torch fp32, with a one-line notice."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("INSPECTIONS_CACHE", str(blocker))
    e = Embedder(cache=False, backend="onnx-int8")
    assert e.backend == "torch"
    err = capfd.readouterr().err
    assert "embedding backend onnx-int8 unavailable" in err and "using torch" in err
    assert e.embed(["Care leavers are well supported."]).shape == (1, 384)


def test_unknown_backend_name_is_named_and_the_default_used(monkeypatch, capfd):
    monkeypatch.setenv("INSPECTIONS_EMBED_BACKEND", "tensorflow")
    e = Embedder(cache=False)
    assert e.backend == DEFAULT_BACKEND
    assert "unknown embedding backend 'tensorflow'" in capfd.readouterr().err
