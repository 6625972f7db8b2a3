"""Every bad file gets an outcome line with a plain reason; the rest of the batch is indexed; what was indexed before
stays; the exit status is 1 when any file failed."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from conftest import CORPUS, SEED_2012, cli_json, run_cli

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from make_bad import encrypted, make_bad_files  # noqa: E402

REAL_PDF = CORPUS / "ofsted" / "herefordshire" / "2022-09-21.pdf"


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad")
    idx = root / "idx"
    run_cli("ingest", str(SEED_2012), "--index", str(idx), "--quiet", check=True)
    before = cli_json("reports", "--index", str(idx))
    bad = root / "in"
    bad.mkdir()
    reasons = make_bad_files(bad, REAL_PDF)
    good = bad / "good.pdf"
    shutil.copy(REAL_PDF, good)
    (bad / "open.pdf").write_bytes(encrypted((CORPUS / "ofsted" / "cambridgeshire" / "2019-02-18.pdf").read_bytes(), ""))
    latin = bad / "latin.txt"
    seed = (CORPUS / "seeds" / "001_5200bfa8f44a5482.txt").read_text(encoding="utf-8")
    latin.write_bytes(seed.replace("'", "\u2019").encode("cp1252", errors="replace"))
    p = run_cli("ingest", str(bad), str(root / "missing-folder"), "--index", str(idx), "--quiet")
    after = cli_json("reports", "--index", str(idx))
    return p, reasons, before, after


def test_each_bad_file_has_its_reason(batch):
    p, reasons, _, _ = batch
    lines = p.stdout.splitlines()
    for name, why in reasons.items():
        line = next((l for l in lines if name in l), "")
        assert line.startswith("FAILED") and why.lower() in line.lower(), (name, line, p.stdout)
    assert any("missing-folder" in l and "no such file" in l for l in lines)


def test_exit_status_and_summary(batch):
    p, reasons, _, _ = batch
    assert p.returncode == 1
    assert f"{len(reasons) + 1} failed" in p.stdout  # the bad files and the missing folder


def test_good_files_indexed_and_old_ones_kept(batch):
    _, _, before, after = batch
    ids = {r["report_id"] for r in after}
    assert {r["report_id"] for r in before} <= ids
    sources = {Path(r["source"]).name for r in after}
    assert {"good.pdf", "open.pdf", "latin.txt"} <= sources


def test_cp1252_text_is_read_right(batch):
    _, _, _, after = batch
    rep = next(r for r in after if r["source"].endswith("latin.txt"))
    assert rep["council"] == "Herefordshire"
    assert rep["published"] == "2014-09-11"


def test_file_too_large(tmp_path):
    big = tmp_path / "huge.pdf"
    with open(big, "wb") as fh:
        fh.truncate(200 * 1024 * 1024)
    p = run_cli("ingest", str(big), "--index", str(tmp_path / "idx"), "--quiet")
    assert p.returncode == 1 and "too large" in p.stdout


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file, so unreadable files cannot be made here")
def test_unreadable_file(tmp_path):
    f = tmp_path / "secret.txt"
    shutil.copy(SEED_2012, f)
    f.chmod(0)
    p = run_cli("ingest", str(f), "--index", str(tmp_path / "idx"), "--quiet")
    assert p.returncode == 1 and "not readable" in p.stdout
