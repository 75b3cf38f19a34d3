"""DocumentStore on SQLite: records as JSON with their status and dates in columns,
index terms in a table, and the document text in an FTS5 index for free-text search."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from meddoc import serialization
from meddoc.errors import DocumentNotFound
from meddoc.model import DocumentRecord
from meddoc.ports import IndexTerm, RecordChange


class SqliteDocumentStore:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection
        self._lock = threading.RLock()
        self._open = False  # a transaction is open (read and set under _lock only)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE: take the write lock first, so read-change-write is atomic
        across threads and processes. Inside an open transaction (a unit of work) the
        writes join it, and the unit commits or rolls them back."""
        with self._lock:
            if self._open:
                yield self.db
                return
            self.begin()
            try:
                yield self.db
            except BaseException:
                self.rollback()
                raise
            self.commit()

    def begin(self) -> None:
        """Open a transaction that holds this thread's lock until commit or rollback."""
        self._lock.acquire()
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._lock.release()
            raise
        self._open = True

    def commit(self) -> None:
        try:
            self.db.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise
        self._close()

    def rollback(self) -> None:
        try:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
        finally:
            self._close()

    def _close(self) -> None:
        self._open = False
        self._lock.release()

    def get(self, document_id: str) -> DocumentRecord | None:
        with self._lock:
            row = self.db.execute(
                "SELECT data FROM records WHERE id = ?", (document_id,)
            ).fetchone()
        return serialization.loads(DocumentRecord, row["data"]) if row else None

    def create(self, record: DocumentRecord) -> bool:
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO records (id, data, status, review, created_at,"
                " updated_at, version) VALUES (?, ?, ?, ?, ?, ?, 1)",
                _row(record),
            )
            return cursor.rowcount == 1

    def update(self, document_id: str, change: RecordChange) -> DocumentRecord:
        with self.transaction() as db:
            row = db.execute("SELECT data FROM records WHERE id = ?", (document_id,)).fetchone()
            if row is None:
                raise DocumentNotFound(f"no document {document_id}")
            record = serialization.loads(DocumentRecord, row["data"])
            if change(record):
                _, data, status, review, _, updated_at = _row(record)
                db.execute(
                    "UPDATE records SET data = ?, status = ?, review = ?, updated_at = ?,"
                    " version = version + 1 WHERE id = ?",
                    (data, status, review, updated_at, document_id),
                )
            return record

    def index(self, document_id: str, terms: Iterable[IndexTerm], text: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM terms WHERE document_id = ?", (document_id,))
            db.executemany(
                "INSERT OR IGNORE INTO terms (document_id, kind, value, category)"
                " VALUES (?, ?, ?, ?)",
                [(document_id, t.kind, t.value, t.category) for t in terms],
            )
            db.execute("DELETE FROM texts WHERE document_id = ?", (document_id,))
            if text:
                db.execute(
                    "INSERT INTO texts (document_id, text) VALUES (?, ?)", (document_id, text)
                )


def _row(record: DocumentRecord) -> tuple[str, str, str, str, str, str]:
    return (
        record.id,
        serialization.dumps(record),
        record.status.value,
        record.review.status.value,
        serialization.to_dict(record.created_at),
        serialization.to_dict(record.updated_at),
    )
