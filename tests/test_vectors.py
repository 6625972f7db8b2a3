"""The paragraph-vector matrix behind filtered questions (retrieval/vectors.py): the same nearest paragraphs as
Chroma's filtered query, kept in step with ingest, and used by the searcher."""
from __future__ import annotations

import shutil

import numpy as np

from retrieval import vectors
from retrieval.embed import get_embedder
from retrieval.indexer import index_paths
from retrieval.store import PARAGRAPHS, Store
from tests.conftest import ROOT


def test_the_matrix_holds_every_paragraph_once(index_dir):
    store = Store(str(index_dir))
    m = vectors.load(store)
    assert len(m.ids) == len(set(m.ids)) == store.count()
    assert m.matrix.shape == (store.count(), 384)
    norms = np.linalg.norm(np.asarray(m.matrix[:50]), axis=1)
    assert np.allclose(norms, 1.0, atol=1e-3)  # unit vectors, as Chroma holds them


def test_filtered_nearest_paragraphs_match_chroma(index_dir):
    store = Store(str(index_dir))
    m = vectors.load(store)
    emb = get_embedder()
    by_council: dict[str, set[str]] = {}
    for r in store.reports():
        by_council.setdefault(r["council"], set()).add(r["report_id"])
    for question in ("care leavers' accommodation", "quality of supervision of social workers"):
        vec = emb.embed_query(question)
        for council, reports in by_council.items():
            ours = m.top(vec, 10, reports)
            chroma = [(pid, sim) for pid, sim, _t, _m in store.dense(PARAGRAPHS, vec, 10, reports)]
            assert [p for p, _ in ours] == [p for p, _ in chroma], council
            assert np.allclose([s for _, s in ours], [s for _, s in chroma], atol=1e-4)
            assert all(p.split(":")[0] in reports for p, _ in ours)


def test_no_allowed_report_gives_nothing(index_dir):
    m = vectors.load(Store(str(index_dir)))
    assert m.top(np.ones(384, dtype=np.float32) / np.sqrt(384), 10, {"not-a-report"}) == []


def test_ingest_keeps_the_matrix_in_step(tmp_path):
    seeds = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))
    store = Store(str(tmp_path / "idx"), create=True)
    index_paths([str(seeds[0])], store, progress=False)
    first = vectors.load(store)
    assert len(first.ids) == store.count()
    index_paths([str(seeds[1])], store, progress=False)  # ingest prepares the matrix of the new library
    folder = next((tmp_path / "idx" / "lexical").glob("vectors-*"))
    assert len(list(folder.glob("matrix-*.npy"))) == 1  # the old library's matrix is gone
    second = vectors.load(store)
    assert len(second.ids) == store.count() > len(first.ids)
    assert set(second.runs) == {r["report_id"] for r in store.reports()}


def test_a_copied_index_answers_council_questions_from_the_matrix(index_dir, tmp_path):
    """The searcher's filtered dense search reads the matrix (no Chroma `where` walk), with the same answer."""
    from retrieval.search import Searcher

    copy = tmp_path / "copy"
    shutil.copytree(index_dir, copy)
    s = Searcher(Store(str(copy)))
    council = s.councils()[0]
    res = s.ask(f"what did inspectors say about care leavers in {council}?", k=5, mode="dense")
    assert res.evidence and all(e.council == council for e in res.evidence)
    assert s._vectors is not None and len(s._vectors.ids) == Store(str(copy)).count()


def test_a_running_searcher_follows_another_process_ingest(tmp_path):
    """The searcher skips re-reading the report list while the index files are untouched, and still sees a report
    another process adds (and its vectors, for a question limited to that report's council)."""
    from retrieval.search import Searcher
    from tests.conftest import run_cli

    seeds = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))
    idx = tmp_path / "idx"
    run_cli("ingest", str(seeds[0]), "--index", str(idx), "-q", check=True, process=True)
    s = Searcher(Store(str(idx)))
    s.ask("care leavers", k=3)
    before = set(s.reports)
    marker = s._marker
    s.ask("supervision", k=3)
    assert s._marker == marker and set(s.reports) == before  # nothing written: nothing re-read
    run_cli("ingest", str(seeds[1]), "--index", str(idx), "-q", check=True, process=True)
    res = s.ask("care leavers", k=3)
    added = set(s.reports) - before
    assert len(added) == 1 and s._marker != marker
    council = s.reports[next(iter(added))]["council"]
    got = s.ask(f"care leavers in {council}", k=3, mode="dense").evidence
    assert res.evidence and got and all(e.council == council for e in got)


def test_reports_without_recommendations_are_read_once(index_dir, tmp_path):
    """A report with no recommendations (two in the shared corpus) has no rows in that collection: it is kept as an
    empty entry, so the matrix loads whole instead of failing, and being retried, on every question."""
    from retrieval.store import report_filter

    copy = tmp_path / "copy"
    shutil.copytree(index_dir, copy)
    store = Store(str(copy))
    bare = store.reports()[0]["report_id"]
    store.recs.delete(where=report_filter([bare]))
    shutil.rmtree(copy / "lexical" / f"vectors-{store.recs.id}", ignore_errors=True)  # read afresh from Chroma
    recs = vectors.load(store, "recommendations")
    assert bare not in recs.runs and len(recs.runs) == len(store.reports()) - 1
    folder = copy / "lexical" / f"vectors-{store.recs.id}"
    assert {f.stem for f in folder.glob("*.npz")} == {r["report_id"] for r in store.reports()}
    assert vectors.load_or_none(store, "recommendations") is not None


def test_an_unfiltered_question_on_a_small_library_is_exact(index_dir):
    """Below EXACT_ROWS every question reads the matrix (a one-off command skips loading Chroma's HNSW index), and
    the rows it returns are the exact nearest ones."""
    store = Store(str(index_dir))
    m = vectors.load(store)
    assert vectors.exact_for(m, None) and vectors.exact_for(m, {"x"}) and not vectors.exact_for(None, None)
    vec = get_embedder().embed_query("children missing from home and return interviews")
    got = m.top(vec, 10)
    sims = np.asarray(m.matrix) @ vec
    assert [p for p, _ in got] == [m.ids[i] for i in np.argsort(-sims, kind="stable")[:10]]
