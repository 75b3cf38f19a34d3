"""The local SQLite database: one file holding document records, their search index
(terms and FTS5 text), the durable job table and the tombstones of deleted documents.
WAL mode lets the server read while workers write; every connection waits for locks
instead of failing."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from meddoc.local.disk import room_needed

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    status TEXT NOT NULL,
    review TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS records_by_status ON records (status, created_at);
CREATE INDEX IF NOT EXISTS records_by_date ON records (created_at, id);
CREATE TABLE IF NOT EXISTS audit (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL,
    at TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_document ON audit (document_id, at);
CREATE TABLE IF NOT EXISTS corrections (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL,
    at TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS corrections_by_document ON corrections (document_id, at);
CREATE TABLE IF NOT EXISTS terms (
    document_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    category TEXT NOT NULL,
    PRIMARY KEY (document_id, kind, value, category)
);
CREATE INDEX IF NOT EXISTS terms_by_value ON terms (kind, value);
CREATE VIRTUAL TABLE IF NOT EXISTS texts USING fts5(
    document_id UNINDEXED, text, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS jobs (
    number INTEGER PRIMARY KEY AUTOINCREMENT,
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    state TEXT NOT NULL,
    document_id TEXT,
    outcome TEXT,
    reason TEXT,
    reprocess INTEGER NOT NULL DEFAULT 0,
    owned INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    enqueued_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    claimed_by INTEGER,
    crashes INTEGER NOT NULL DEFAULT 0,
    last_crash TEXT
);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, number);
CREATE TABLE IF NOT EXISTS seen_files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tombstones (
    document_id TEXT PRIMARY KEY,
    attempts INTEGER NOT NULL,
    at TEXT NOT NULL
);
"""


# Columns added since the first release: (table, column, definition). Data folders made
# before them get them at the next start.
MIGRATIONS = (
    ("jobs", "claimed_by", "INTEGER"),  # the worker process running the job
    ("jobs", "crashes", "INTEGER NOT NULL DEFAULT 0"),  # runs that killed their worker
    ("jobs", "last_crash", "TEXT"),  # how the last of them ended
)


class Connection(sqlite3.Connection):
    """A connection that reports a full disk as StorageFull (naming the data directory),
    so no caller mistakes it for a broken document or a bug."""

    data_dir = Path(".")

    def _cursor(self) -> Cursor:
        return self.cursor(Cursor)

    def execute(self, sql: str, parameters: Any = (), /) -> Cursor:
        cursor = self._cursor()
        with room_needed(self.data_dir):
            cursor.execute(sql, parameters)
        return cursor

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Cursor:
        cursor = self._cursor()
        with room_needed(self.data_dir):
            cursor.executemany(sql, parameters)
        return cursor

    def executescript(self, script: str, /) -> Cursor:
        cursor = self._cursor()
        with room_needed(self.data_dir):
            cursor.executescript(script)
        return cursor


class Cursor(sqlite3.Cursor):
    """A write with RETURNING finishes (and may find the disk full) while its rows are
    fetched, so fetching says "disk full" the same way."""

    def _data_dir(self) -> Path:
        connection = self.connection
        return connection.data_dir if isinstance(connection, Connection) else Path(".")

    def fetchone(self) -> Any:
        with room_needed(self._data_dir()):
            return super().fetchone()

    def fetchall(self) -> list[Any]:
        with room_needed(self._data_dir()):
            return super().fetchall()


def connect(path: Path) -> Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(
        path, timeout=30, isolation_level=None, check_same_thread=False, factory=Connection
    )
    connection.data_dir = path.parent
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA busy_timeout = 30000")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.executescript(SCHEMA)
    migrate(connection)
    return connection


def migrate(connection: sqlite3.Connection) -> None:
    """Add the columns an older data folder lacks (under the write lock, looking again
    there, so two processes starting together do not both add them)."""
    if not _missing(connection):
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        for table, column, definition in _missing(connection):
            connection.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _missing(connection: sqlite3.Connection) -> list[tuple[str, str, str]]:
    columns: dict[str, set[str]] = {}
    for table in {table for table, _, _ in MIGRATIONS}:
        columns[table] = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
    return [m for m in MIGRATIONS if m[1] not in columns[m[0]]]
