"""`inspections ingest`, `reports` and `paragraphs` through the real command line on the repo's corpus."""
from __future__ import annotations

import shutil

from conftest import CORPUS, SEED_2012, cli_json, run_cli


def test_every_corpus_file_is_indexed(corpus_reports):
    files = [p for p in CORPUS.rglob("*") if p.suffix in (".pdf", ".txt", ".md")]
    assert len(corpus_reports) == len(files)
    for r in corpus_reports:
        assert r["council"] and r["published"] and r["paragraphs"] > 5, r
        assert r["kind"] in ("ofsted_inspection", "council_report")


def test_reports_shape(corpus_reports):
    keys = {"report_id", "council", "kind", "framework", "title", "published", "inspection_dates", "source", "pages",
            "paragraphs"}
    for r in corpus_reports:
        assert keys <= set(r)


def test_paragraphs_of_the_2012_seed(index_dir, corpus_reports):
    rep = next(r for r in corpus_reports if r["source"].endswith(SEED_2012.name))
    paras = cli_json("paragraphs", rep["report_id"], "--index", str(index_dir))
    numbered = [p["paragraph"] for p in paras if p["paragraph"]]
    assert numbered == [str(i) for i in range(1, 157)]
    p128 = next(p for p in paras if p["paragraph"] == "128")
    assert "bed and breakfast" in p128["text"]
    assert set(paras[0]) >= {"paragraph", "part", "section", "page", "text"}


def test_rerun_changes_nothing(index_dir, corpus_reports):
    p = run_cli("ingest", str(CORPUS), "--index", str(index_dir), "--quiet")
    assert p.returncode == 0, p.stdout + p.stderr
    assert f"0 indexed, {len(corpus_reports)} unchanged, 0 failed" in p.stdout
    assert cli_json("reports", "--index", str(index_dir)) == corpus_reports


def test_changed_file_replaces_its_report(tmp_path):
    src = tmp_path / "report.txt"
    shutil.copy(SEED_2012, src)
    idx = str(tmp_path / "idx")
    run_cli("ingest", str(src), "--index", idx, "--quiet", check=True)
    before = cli_json("reports", "--index", idx)
    text = src.read_text(encoding="utf-8").replace("bed and breakfast", "bed-and-breakfast hotel")
    src.write_text(text, encoding="utf-8")
    p = run_cli("ingest", str(src), "--index", idx, "--quiet", check=True)
    assert "1 indexed" in p.stdout
    after = cli_json("reports", "--index", idx)
    assert len(after) == 1 and after[0]["report_id"] != before[0]["report_id"]
    paras = cli_json("paragraphs", after[0]["report_id"], "--index", idx)
    assert any("bed-and-breakfast hotel" in p["text"] for p in paras)
    assert cli_json("paragraphs", after[0]["report_id"][:10], "--index", idx) == paras


def test_unknown_report_id_is_a_clear_error(index_dir):
    p = run_cli("paragraphs", "nosuchreport", "--index", str(index_dir))
    assert p.returncode == 1 and "no indexed report" in p.stderr


def test_missing_index_is_a_clear_error(tmp_path):
    p = run_cli("reports", "--index", str(tmp_path / "nothing"))
    assert p.returncode == 1 and "no index" in p.stderr and "ingest" in p.stderr


def test_index_of_an_older_layout_is_refused_then_rebuilt(tmp_path):
    """An index whose text sits in Chroma documents (layout 1) cannot be read as it is; the next ingest rebuilds it."""
    import chromadb

    idx = tmp_path / "old"
    client = chromadb.PersistentClient(path=str(idx))
    client.get_or_create_collection("paragraphs", metadata={"hnsw:space": "cosine"}, embedding_function=None)
    reports = client.get_or_create_collection("reports", embedding_function=None)
    reports.upsert(ids=["r1"], documents=['{"report_id": "r1"}'], embeddings=[[1.0]],
                   metadatas=[{"sha256": "x", "source_key": "y", "council": "Z", "published": "2012-01-01"}])
    del client

    p = run_cli("reports", "--index", str(idx))
    assert p.returncode == 1 and "older version" in p.stderr and "ingest" in p.stderr
    p = run_cli("ingest", str(SEED_2012), "--index", str(idx), "--quiet", check=True)
    assert "older version" in p.stderr and "1 indexed" in p.stdout
    reps = cli_json("reports", "--index", str(idx))
    assert [r["council"] for r in reps] == ["Central Bedfordshire"]
    paras = cli_json("paragraphs", reps[0]["report_id"], "--index", str(idx))
    assert paras[0]["text"] and len(paras) > 150
