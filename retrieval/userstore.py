"""The one store of what users edit (action-plan tracking now; other user state later), in SQLite.

The index (Chroma) is rebuilt from files and may be emptied and re-ingested at any time; what an officer types into
a plan (lead, status, RAG, progress notes, evidence of impact) cannot be rebuilt from anything, so it lives apart
from the index, in one SQLite file in the index folder (or at $INSPECTIONS_USERDATA). Several app sessions and
command-line processes may write at once, so:
- every write is one transaction opened with BEGIN IMMEDIATE (the write lock is taken up front, so two writers
  queue instead of failing half-way with "database is locked" on upgrade), with a busy timeout to wait for it;
- the file runs in WAL mode, so readers never block the writer or each other;
- edits are field by field (an upsert of only the fields changed) and notes are rows of their own, so two people
  editing the same plan at once never overwrite each other's other fields or notes; every change is also logged.

The core (`UserStore`: connection, transaction, schema migrations per component) knows nothing of plans; a component
registers its tables with `register_schema` and builds its functions on `transaction()`. The plan functions below
are the first such component.

Plan items are keyed by what does not change when the same report is ingested again: the council, the report's
natural identity (kind + publication date: a report file replaced by another copy of the same report gets a new
id, since ids hash the file's bytes, but keeps these) and the recommendation's printed number and normalised text.
The report id is kept beside them, so a row is also found when a newer ingest reads the date differently; and a
row whose recommendation text a newer ingest reads slightly differently (a hyphen, a page break) is matched by
similarity and re-keyed to the new reading rather than orphaned.
"""
from __future__ import annotations

import difflib
import os
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from retrieval import config

FILE_NAME = "userdata.sqlite3"
ENV = "INSPECTIONS_USERDATA"
BUSY_TIMEOUT_S = 30.0


class UserStoreError(Exception):
    """The user store cannot be opened or written; the message says why in plain words."""


def default_path(index_dir: str | None = None) -> Path:
    """Where user edits live: $INSPECTIONS_USERDATA (a file path) when set, else userdata.sqlite3 in the index
    folder (so an index and the plans made on it travel together)."""
    explicit = os.environ.get(ENV)
    if explicit:
        return Path(explicit)
    return Path(config.index_dir(index_dir)) / FILE_NAME


# ---- the core: connection, transactions, migrations ------------------------------------------------------------
_SCHEMAS: dict[str, list[str]] = {}


def register_schema(component: str, steps: list[str]) -> None:
    """Declare a component's tables as an ordered list of SQL scripts (never edit a released step: append one).
    Each store applies the steps it has not yet applied, once, in a write transaction."""
    _SCHEMAS[component] = list(steps)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class UserStore:
    """One SQLite file of user edits. Cheap to create; connections are opened per transaction, so an instance may
    be shared between threads (Streamlit sessions) and survives a fork."""

    def __init__(self, path: str | os.PathLike[str] | None = None, timeout: float = BUSY_TIMEOUT_S):
        self.path = Path(path) if path is not None else default_path()
        self.timeout = timeout
        self._migrated: set[str] = set()
        # Nothing is created before the first write: reading a plan off a read-only (or shared) index folder
        # leaves it as it was.
        if self.path.exists():
            self._migrate()

    def ensure(self) -> None:
        """Create the file (and its folder) and bring its tables up to date; every write does this first."""
        if not self.path.exists():
            self._migrated = set()
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise UserStoreError(f"cannot create the folder for the user store {self.path}: {e.strerror}") \
                    from None
        self._migrate()

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        except sqlite3.Error as e:
            raise UserStoreError(f"cannot open the user store {self.path}: {e}") from None
        conn.row_factory = sqlite3.Row
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")  # safe in WAL: a power cut loses at most the last commits
        except sqlite3.DatabaseError as e:
            conn.close()
            raise UserStoreError(f"{self.path} is not a usable SQLite file ({e}); move it away or set {ENV}") from None
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: BEGIN IMMEDIATE (takes the write lock now, waiting up to the busy timeout), COMMIT
        on success, ROLLBACK on any error, so a write is all or nothing."""
        self.ensure()
        with self._transaction() as conn:
            yield conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        try:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as e:
                raise UserStoreError(f"the user store {self.path} is busy ({e}); try again") from None
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.close()

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: one consistent snapshot (WAL readers never wait for the writer). Before anything was
        ever written, an empty database in memory with the same tables."""
        if not self.path.exists():
            conn = sqlite3.connect(":memory:", isolation_level=None)
            conn.row_factory = sqlite3.Row
            for steps in _SCHEMAS.values():
                for step in steps:
                    conn.executescript(step)
            try:
                yield conn
            finally:
                conn.close()
            return
        self._migrate()
        conn = self._connect()
        try:
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                conn.execute("COMMIT")
        finally:
            conn.close()

    def _wal(self, conn: sqlite3.Connection) -> str:
        """Switch the file to write-ahead logging. The switch takes the file's exclusive lock and SQLite does not wait
        on its busy timeout for it, so two processes opening a new store at once see "database is locked": retry
        for up to the busy timeout."""
        from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_random_exponential

        for attempt in Retrying(retry=retry_if_exception(lambda e: isinstance(e, sqlite3.OperationalError)
                                                         and "locked" in str(e)),
                                wait=wait_random_exponential(multiplier=0.02, max=0.5),
                                stop=stop_after_delay(self.timeout), reraise=True):
            with attempt:
                return conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        raise AssertionError("unreachable")  # Retrying either returns or re-raises

    def _migrate(self) -> None:
        pending = {c for c in _SCHEMAS if c not in self._migrated}
        if not pending:
            return
        conn = self._connect()
        try:
            mode = self._wal(conn)
            if str(mode).lower() != "wal":
                raise UserStoreError(f"the user store {self.path} cannot use write-ahead logging (journal mode "
                                     f"{mode}); put it on a local disk ({ENV})")
        except sqlite3.DatabaseError as e:
            conn.close()
            raise UserStoreError(f"{self.path} is not a usable SQLite file ({e}); move it away or set {ENV}") from None
        conn.close()
        with self._transaction() as tx:
            tx.execute("CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, "
                       "version INTEGER NOT NULL)")
            for component in sorted(pending):
                row = tx.execute("SELECT version FROM schema_versions WHERE component = ?", (component,)).fetchone()
                done = row["version"] if row else 0
                steps = _SCHEMAS[component]
                for step in steps[done:]:
                    for stmt in (s.strip() for s in step.split(";")):
                        if stmt:
                            tx.execute(stmt)
                if len(steps) > done:
                    tx.execute("INSERT INTO schema_versions (component, version) VALUES (?, ?) ON CONFLICT(component) "
                               "DO UPDATE SET version = excluded.version", (component, len(steps)))
        self._migrated |= pending


_STORES: dict[str, UserStore] = {}


def open_store(index_dir: str | None = None, path: str | os.PathLike[str] | None = None) -> UserStore:
    """The user store for an index (one instance per file per process)."""
    p = Path(path) if path is not None else default_path(index_dir)
    k = str(p.resolve())
    if k not in _STORES or not p.exists():
        _STORES[k] = UserStore(p)
    return _STORES[k]


# ---- action-plan tracking ----------------------------------------------------------------------------------------
STATUSES = ("not started", "in progress", "done")
RAGS = ("red", "amber", "green")
FIELDS = ("lead", "status", "rag", "actions", "impact")

register_schema("plan", [
    """
    CREATE TABLE plan_items (
        id INTEGER PRIMARY KEY,
        council TEXT NOT NULL,
        report_key TEXT NOT NULL,
        report_id TEXT NOT NULL,
        number TEXT NOT NULL DEFAULT '',
        text_key TEXT NOT NULL,
        text TEXT NOT NULL,
        lead TEXT,
        status TEXT,
        rag TEXT,
        actions TEXT,
        impact TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (council, report_key, number, text_key)
    );
    CREATE INDEX plan_items_report ON plan_items (council, report_id);
    CREATE TABLE plan_notes (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL REFERENCES plan_items(id) ON DELETE CASCADE,
        noted_on TEXT NOT NULL,
        text TEXT NOT NULL,
        author TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX plan_notes_item ON plan_notes (item_id, noted_on);
    CREATE TABLE plan_changes (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL REFERENCES plan_items(id) ON DELETE CASCADE,
        field TEXT NOT NULL,
        value TEXT,
        author TEXT,
        changed_at TEXT NOT NULL
    )
    """,
])


def text_key(text: str) -> str:
    """A recommendation's text as its key: case, quotes, hyphens, punctuation and spacing do not count (a re-ingest
    may read "long- term" for "long-term", or a curly quote for a straight one)."""
    s = unicodedata.normalize("NFKC", text or "").replace("\u00ad", "").lower()
    s = re.sub(r"[\u2010-\u2015\u2212-]\s*", "", s)
    s = re.sub(r"[^\w\s]", " ", s)
    return re.sub(r"\s+", " ", s).strip()


@dataclass(frozen=True)
class ItemKey:
    """Which recommendation of which report a tracking row belongs to."""

    council: str
    report_key: str  # "<kind>:<published>": the same report keeps it when its file is replaced by another copy
    report_id: str
    number: str
    text: str

    @property
    def tkey(self) -> str:
        return text_key(self.text)


def item_key(council: str, report: dict[str, Any], number: str | None, text: str) -> ItemKey:
    """The key of one recommendation of a report (a `reports --json` record)."""
    rk = f"{report.get('kind') or ''}:{(report.get('published') or '')[:10]}"
    return ItemKey(council=(council or "").strip().lower(), report_key=rk, report_id=report.get("report_id") or "",
                   number=(number or "").strip(), text=text or "")


@dataclass
class Note:
    noted_on: str  # YYYY-MM-DD
    text: str
    author: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"date": self.noted_on, "text": self.text, "author": self.author}


@dataclass
class Tracking:
    """What the council fills in for one plan item."""

    lead: str | None = None
    status: str = "not started"
    rag: str | None = None
    actions: str | None = None
    impact: str | None = None
    notes: list[Note] = field(default_factory=list)
    updated_at: str | None = None


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _match_rows(keys: list[ItemKey], rows: list[sqlite3.Row]) -> dict[int, sqlite3.Row]:
    """Which stored row belongs to which item: exact (number, text) first, then the same text under another
    number, then similar text under the same number (>= 0.85) or anywhere (>= 0.92). Each row goes to one item."""
    out: dict[int, sqlite3.Row] = {}
    free = list(rows)

    def take(i: int, row: sqlite3.Row) -> None:
        out[i] = row
        free.remove(row)

    for i, k in enumerate(keys):
        row = next((r for r in free if r["number"] == k.number and r["text_key"] == k.tkey), None)
        if row is not None:
            take(i, row)
    for i, k in enumerate(keys):
        if i not in out:
            row = next((r for r in free if r["text_key"] == k.tkey), None)
            if row is not None:
                take(i, row)
    for same_number, floor in ((True, 0.85), (False, 0.92)):
        for i, k in enumerate(keys):
            if i in out:
                continue
            cands = [(_similar(k.tkey, r["text_key"]), r) for r in free if not same_number or r["number"] == k.number]
            cands = [c for c in cands if c[0] >= floor]
            if cands:
                take(i, max(cands, key=lambda c: c[0])[1])
    return out


def _rows_for(conn: sqlite3.Connection, keys: list[ItemKey]) -> list[sqlite3.Row]:
    if not keys:
        return []
    k = keys[0]
    return conn.execute("SELECT * FROM plan_items WHERE council = ? AND (report_key = ? OR report_id = ?) "
                        "ORDER BY id", (k.council, k.report_key, k.report_id)).fetchall()


def load_tracking(store: UserStore, keys: list[ItemKey]) -> list[Tracking]:
    """The tracking of each item of one report's plan (defaults where nothing was saved). Rows saved under an
    earlier reading of the report (another file id, a slightly different text) are re-keyed to this one, in one
    transaction, so later edits land on the same row."""
    if not keys:
        return []
    with store.reading() as conn:
        rows = _rows_for(conn, keys)
    if not rows:
        return [Tracking() for _ in keys]
    matched = _match_rows(keys, rows)
    stale = {i: r for i, r in matched.items() if (r["report_key"], r["report_id"], r["number"], r["text_key"]) !=
             (keys[i].report_key, keys[i].report_id, keys[i].number, keys[i].tkey)}
    if stale:
        with store.transaction() as tx:
            rows = _rows_for(tx, keys)  # again, under the write lock: another process may have re-keyed them
            matched = _match_rows(keys, rows)
            for i, r in matched.items():
                k = keys[i]
                if (r["report_key"], r["report_id"], r["number"], r["text_key"]) != \
                        (k.report_key, k.report_id, k.number, k.tkey):
                    tx.execute("UPDATE plan_items SET report_key = ?, report_id = ?, number = ?, text_key = ?, "
                               "text = ? WHERE id = ?", (k.report_key, k.report_id, k.number, k.tkey, k.text, r["id"]))
    ids = {i: r["id"] for i, r in matched.items()}
    with store.reading() as conn:
        notes: dict[int, list[Note]] = {}
        if ids:
            marks = ",".join("?" * len(ids))
            for n in conn.execute(f"SELECT item_id, noted_on, text, author FROM plan_notes WHERE item_id IN ({marks}) "
                                  "ORDER BY noted_on, id", list(ids.values())):
                notes.setdefault(n["item_id"], []).append(Note(n["noted_on"], n["text"], n["author"]))
        out = []
        for i in range(len(keys)):
            r = matched.get(i)
            if r is None:
                out.append(Tracking())
                continue
            r = conn.execute("SELECT * FROM plan_items WHERE id = ?", (r["id"],)).fetchone()
            out.append(Tracking(lead=r["lead"], status=r["status"] or "not started", rag=r["rag"],
                                actions=r["actions"], impact=r["impact"], notes=notes.get(r["id"], []),
                                updated_at=r["updated_at"]))
    return out


def _clean_field(name: str, value: Any) -> str | None:
    if name not in FIELDS:
        raise ValueError(f"unknown plan field {name!r}: one of {', '.join(FIELDS)}")
    s = re.sub(r"[ \t]+", " ", str(value)).strip() if value is not None else ""
    if name == "status":
        s = s.lower().replace("_", " ").replace("-", " ")
        if s not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)} (not {value!r})")
        return s
    if name == "rag":
        s = s.lower()
        if not s:
            return None
        full = {"r": "red", "a": "amber", "g": "green"}.get(s, s)
        if full not in RAGS:
            raise ValueError(f"RAG rating must be red, amber or green (not {value!r})")
        return full
    return s or None


def _item_id(tx: sqlite3.Connection, key: ItemKey) -> int:
    """The row of an item, created when it is first edited (the upsert is atomic under the write lock)."""
    now = _now()
    tx.execute("INSERT INTO plan_items (council, report_key, report_id, number, text_key, text, created_at, updated_at)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(council, report_key, number, text_key) DO NOTHING",
               (key.council, key.report_key, key.report_id, key.number, key.tkey, key.text, now, now))
    return tx.execute("SELECT id FROM plan_items WHERE council = ? AND report_key = ? AND number = ? AND text_key = ?",
                      (key.council, key.report_key, key.number, key.tkey)).fetchone()["id"]


def save_tracking(store: UserStore, key: ItemKey, author: str | None = None, **fields: Any) -> None:
    """Set some tracking fields of one item (lead, status, rag, actions, impact); the others are left as they are,
    so two people editing different fields of the same item at once both keep their edit."""
    clean = {k: _clean_field(k, v) for k, v in fields.items()}
    if not clean:
        return
    now = _now()
    with store.transaction() as tx:
        item = _item_id(tx, key)
        sets = ", ".join(f"{k} = ?" for k in clean)
        tx.execute(f"UPDATE plan_items SET {sets}, updated_at = ? WHERE id = ?", [*clean.values(), now, item])
        tx.executemany("INSERT INTO plan_changes (item_id, field, value, author, changed_at) VALUES (?, ?, ?, ?, ?)",
                       [(item, k, v, author, now) for k, v in clean.items()])


def add_note(store: UserStore, key: ItemKey, text: str, noted_on: date | str | None = None,
             author: str | None = None) -> None:
    """Add a dated progress note to an item (notes are never overwritten, only added)."""
    body = (text or "").strip()
    if not body:
        raise ValueError("a progress note needs some text")
    when = noted_on.isoformat() if isinstance(noted_on, date) else (noted_on or date.today().isoformat())
    try:
        when = date.fromisoformat(str(when)[:10]).isoformat()
    except ValueError:
        raise ValueError(f"a note's date must be YYYY-MM-DD (not {noted_on!r})") from None
    now = _now()
    with store.transaction() as tx:
        item = _item_id(tx, key)
        tx.execute("INSERT INTO plan_notes (item_id, noted_on, text, author, created_at) VALUES (?, ?, ?, ?, ?)",
                   (item, when, body, author, now))
        tx.execute("UPDATE plan_items SET updated_at = ? WHERE id = ?", (now, item))


def change_log(store: UserStore, key: ItemKey) -> list[dict[str, Any]]:
    """Every field change saved for an item, oldest first (who set the RAG to red, and when)."""
    with store.reading() as conn:
        row = conn.execute("SELECT id FROM plan_items WHERE council = ? AND report_key = ? AND number = ? AND "
                           "text_key = ?", (key.council, key.report_key, key.number, key.tkey)).fetchone()
        if row is None:
            return []
        return [dict(r) for r in conn.execute("SELECT field, value, author, changed_at FROM plan_changes "
                                              "WHERE item_id = ? ORDER BY id", (row["id"],))]


# ---- conversations: the Ask page's chats, kept so they reopen after a reload or restart ----------------------
register_schema("conversations", [
    """
    CREATE TABLE conversations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, created_at TEXT NOT NULL,
                                updated_at TEXT NOT NULL);
    CREATE TABLE conversation_turns (conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                                     seq INTEGER NOT NULL, question TEXT NOT NULL, councils TEXT NOT NULL,
                                     answer TEXT NOT NULL, asked_at TEXT NOT NULL,
                                     PRIMARY KEY (conversation_id, seq))
    """,
])


def save_turn(store: UserStore, conversation_id: int | None, question: str, councils: list[str],
              answer: dict[str, Any], name: str | None = None) -> int:
    """Add one question and its answer (the ask JSON) to a conversation, creating it (named after its first
    question unless named) when `conversation_id` is None; returns the conversation's id."""
    import json

    now = _now()
    with store.transaction() as tx:
        if conversation_id is None or tx.execute("SELECT 1 FROM conversations WHERE id = ?",
                                                 (conversation_id,)).fetchone() is None:
            title = (name or question or "Conversation").strip()
            title = title if len(title) <= 80 else title[:80].rsplit(" ", 1)[0] + " …"
            conversation_id = tx.execute("INSERT INTO conversations (name, created_at, updated_at) VALUES (?, ?, ?)",
                                         (title, now, now)).lastrowid
        seq = tx.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM conversation_turns WHERE conversation_id = ?",
                         (conversation_id,)).fetchone()[0]
        tx.execute("INSERT INTO conversation_turns (conversation_id, seq, question, councils, answer, asked_at) "
                   "VALUES (?, ?, ?, ?, ?, ?)", (conversation_id, seq, question, json.dumps(list(councils)),
                                                 json.dumps(answer, ensure_ascii=False), now))
        tx.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (now, conversation_id))
    return int(conversation_id)


def rename_conversation(store: UserStore, conversation_id: int, name: str) -> None:
    name = (name or "").strip()
    if not name:
        raise ValueError("a conversation needs a name")
    with store.transaction() as tx:
        tx.execute("UPDATE conversations SET name = ?, updated_at = ? WHERE id = ?", (name, _now(), conversation_id))


def list_conversations(store: UserStore) -> list[dict[str, Any]]:
    """Saved conversations, most recently used first, with how many questions each holds."""
    with store.reading() as conn:
        return [dict(r) for r in conn.execute(
            "SELECT c.id, c.name, c.created_at, c.updated_at, COUNT(t.seq) AS turns FROM conversations c "
            "LEFT JOIN conversation_turns t ON t.conversation_id = c.id GROUP BY c.id "
            "ORDER BY c.updated_at DESC, c.id DESC")]


def load_conversation(store: UserStore, conversation_id: int) -> dict[str, Any] | None:
    """A conversation with its turns in order: question, councils it was limited to, the answer as saved."""
    import json

    with store.reading() as conn:
        row = conn.execute("SELECT id, name, created_at, updated_at FROM conversations WHERE id = ?",
                           (conversation_id,)).fetchone()
        if row is None:
            return None
        turns = [{"question": t["question"], "councils": json.loads(t["councils"]), "answer": json.loads(t["answer"]),
                  "asked_at": t["asked_at"]}
                 for t in conn.execute("SELECT question, councils, answer, asked_at FROM conversation_turns "
                                       "WHERE conversation_id = ? ORDER BY seq", (conversation_id,))]
    return {**dict(row), "turns": turns}


def delete_conversation(store: UserStore, conversation_id: int) -> None:
    with store.transaction() as tx:
        tx.execute("DELETE FROM conversation_turns WHERE conversation_id = ?", (conversation_id,))
        tx.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))


# ---- preferences: settings a user makes once and expects kept (their own council) --------------------------------
MY_COUNCIL = "my_council"  # the council the officer works for: Compare opens with it and its statistical neighbours

register_schema("preferences", [
    "CREATE TABLE preferences (name TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL)",
])


def preference(store: UserStore, name: str) -> str | None:
    """A saved setting, or None when it was never set (or cleared)."""
    with store.reading() as conn:
        row = conn.execute("SELECT value FROM preferences WHERE name = ?", (name,)).fetchone()
    return row["value"] if row else None


def set_preference(store: UserStore, name: str, value: str | None) -> None:
    """Save a setting; an empty value clears it."""
    value = (value or "").strip()
    with store.transaction() as tx:
        if value:
            tx.execute("INSERT INTO preferences (name, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(name) "
                       "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at", (name, value, _now()))
        else:
            tx.execute("DELETE FROM preferences WHERE name = ?", (name,))
