"""The user store (retrieval/userstore.py) on a real SQLite file: edits survive a new process, keys survive the
report being read again under another id or with slightly different text, and two processes editing the same plan
at once lose nothing (real processes, started with multiprocessing's spawn, against the same file)."""
from __future__ import annotations

import multiprocessing as mp
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

from retrieval import userstore
from retrieval.userstore import UserStore, add_note, change_log, item_key, load_tracking, save_tracking

REPORT = {"report_id": "abc123def456", "kind": "ofsted_inspection", "published": "2022-05-04"}
RECS = [("1", "The quality of assessments to ensure that they consistently inform care planning."),
        ("2", "The effectiveness of social work supervision in progressing plans for children."),
        ("3", "The analysis of return home interviews.")]


def keys(report=REPORT, recs=RECS, council="York"):
    return [item_key(council, report, n, t) for n, t in recs]


def test_wal_busy_timeout_and_schema(tmp_path):
    st = UserStore(tmp_path / "u.sqlite3", timeout=7)
    save_tracking(st, keys()[0], lead="x")
    with st.reading() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 7000
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"plan_items", "plan_notes", "plan_changes", "schema_versions"} <= tables
        assert conn.execute("SELECT version FROM schema_versions WHERE component = 'plan'").fetchone()[0] == 1
    UserStore(tmp_path / "u.sqlite3")  # opening again migrates nothing twice


def test_defaults_then_field_level_edits(tmp_path):
    st = UserStore(tmp_path / "u.sqlite3")
    ks = keys()
    assert [t.status for t in load_tracking(st, ks)] == ["not started"] * 3
    save_tracking(st, ks[0], lead="Jo Bloggs", status="in progress")
    save_tracking(st, ks[0], rag="A")  # only the RAG changes; the lead and status stay
    add_note(st, ks[0], "Audit of 40 assessments done", "2022-08-01")
    add_note(st, ks[0], "Training for team managers", "2022-07-01")
    t = load_tracking(st, ks)[0]
    assert (t.lead, t.status, t.rag) == ("Jo Bloggs", "in progress", "amber")
    assert [n.noted_on for n in t.notes] == ["2022-07-01", "2022-08-01"]  # in date order
    assert [c["field"] for c in change_log(st, ks[0])] == ["lead", "status", "rag"]
    with pytest.raises(ValueError, match="status must be"):
        save_tracking(st, ks[1], status="finished")
    with pytest.raises(ValueError, match="RAG"):
        save_tracking(st, ks[1], rag="purple")
    with pytest.raises(ValueError, match="needs some text"):
        add_note(st, ks[1], "   ")
    assert load_tracking(st, ks)[1].status == "not started"  # a refused edit wrote nothing


def test_keys_survive_another_file_id_another_date_reading_and_text_variants(tmp_path):
    st = UserStore(tmp_path / "u.sqlite3")
    save_tracking(st, keys()[0], lead="A", rag="red")
    add_note(st, keys()[2], "first note", "2022-06-01")
    # the same report from another copy of the file: a new id, the same kind and date
    copy = {**REPORT, "report_id": "fff000111222"}
    t = load_tracking(st, keys(copy))
    assert (t[0].lead, t[0].rag, t[2].notes[0].text) == ("A", "red", "first note")
    # a newer ingest reads the date differently but the file is the same
    redated = {**copy, "published": "2022-05-05"}
    assert load_tracking(st, keys(redated))[0].lead == "A"
    # ... and reads a recommendation's text slightly differently (hyphen, quote, page-break space), or renumbers it
    variant = [("1", "The quality of assess- ments to ensure that they consistently inform care planning"),
               ("2", RECS[1][1]), ("4", RECS[2][1])]
    t = load_tracking(st, keys(redated, variant))
    assert (t[0].lead, t[2].notes[0].text) == ("A", "first note")
    # the rows were re-keyed, so an edit under the new reading lands on the same row
    save_tracking(st, keys(redated, variant)[0], status="done")
    t = load_tracking(st, keys(redated, variant))[0]
    assert (t.lead, t.status) == ("A", "done")
    with st.reading() as conn:
        assert conn.execute("SELECT COUNT(*) FROM plan_items").fetchone()[0] == 2
    # another council's plan never sees these rows
    assert load_tracking(st, keys(redated, variant, council="Leeds"))[0].lead is None


def test_edits_survive_a_new_process(tmp_path):
    path = tmp_path / "u.sqlite3"
    code = ("import sys; from retrieval.userstore import *; st = UserStore(sys.argv[1]); "
            f"k = item_key('York', {REPORT!r}, '3', {RECS[2][1]!r}); "
            "save_tracking(st, k, lead='Sam', status='done', rag='green'); add_note(st, k, 'closed', '2023-01-02')")
    subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, check=True, timeout=120)
    t = load_tracking(UserStore(path), keys())[2]
    assert (t.lead, t.status, t.rag, [n.text for n in t.notes]) == ("Sam", "done", "green", ["closed"])


def _editor(path: str, who: int, edits: int, start, out) -> None:
    """One process's edits: every item's lead, its own field, and a note per edit on every item."""
    st = UserStore(path)
    ks = keys()
    start.wait()
    t0 = time.perf_counter()
    for m in range(edits):
        k = ks[m % len(ks)]
        if who == 0:
            save_tracking(st, k, lead=f"lead {m}", author="p0")
        else:
            save_tracking(st, k, rag=("red", "amber", "green")[m % 3], author="p1")
        add_note(st, k, f"p{who} note {m}", "2023-01-01", author=f"p{who}")
    out.put((who, time.perf_counter() - t0))


def test_two_processes_editing_the_same_plan_lose_no_edit(tmp_path):
    path = str(tmp_path / "u.sqlite3")
    UserStore(path)
    edits = 60
    ctx = mp.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_editor, args=(path, who, edits, start, out)) for who in (0, 1)]
    for p in procs:
        p.start()
    try:
        time.sleep(1.0)
        start.set()
        for p in procs:
            p.join(timeout=300)
            assert p.exitcode == 0
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
    st = UserStore(path)
    got = load_tracking(st, keys())
    notes = [n.text for t in got for n in t.notes]
    assert len(notes) == 2 * edits and len(set(notes)) == 2 * edits
    # both processes' last value of their own field is there (neither overwrote the other's field)
    last = {m % 3: m for m in range(edits)}
    for i, t in enumerate(got):
        assert t.lead == f"lead {last[i]}"
        assert t.rag == ("red", "amber", "green")[last[i] % 3]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM plan_changes").fetchone()[0] == 2 * edits
        assert conn.execute("SELECT COUNT(*) FROM plan_items").fetchone()[0] == 3


def test_default_path_is_in_the_index_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(userstore.ENV, raising=False)
    assert userstore.default_path(str(tmp_path)) == Path(tmp_path) / "userdata.sqlite3"
    monkeypatch.setenv(userstore.ENV, str(tmp_path / "elsewhere.db"))
    assert userstore.default_path(str(tmp_path)) == tmp_path / "elsewhere.db"


def test_a_file_that_is_not_sqlite_gets_a_plain_error(tmp_path):
    bad = tmp_path / "u.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(userstore.UserStoreError, match="not a usable SQLite file"):
        save_tracking(UserStore(bad), keys()[0], lead="x")


def test_reading_creates_nothing(tmp_path):
    """Reading a plan off an index folder that holds no user store (a shared or read-only one) writes nothing."""
    path = tmp_path / "folder" / "u.sqlite3"
    st = UserStore(path)
    assert [t.status for t in load_tracking(st, keys())] == ["not started"] * 3
    assert change_log(st, keys()[0]) == []
    assert not path.exists() and not path.parent.exists()
    add_note(st, keys()[0], "first", "2024-01-01")  # the first write creates it
    assert path.exists() and load_tracking(st, keys())[0].notes[0].text == "first"
    path.unlink()
    for extra in ("-wal", "-shm"):
        Path(str(path) + extra).unlink(missing_ok=True)
    save_tracking(st, keys()[1], lead="again")  # a store whose file was removed makes it again, tables and all
    assert load_tracking(st, keys())[1].lead == "again"
