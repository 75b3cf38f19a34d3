"""Tombstones of deleted documents in the local SQLite database, beside the records (the
workers are other processes: they see a delete through this table)."""

from __future__ import annotations

from datetime import datetime

from meddoc import serialization
from meddoc.local.sqlite_store import SqliteDocumentStore
from meddoc.ports import Tombstone


class SqliteTombstones:
    def __init__(self, store: SqliteDocumentStore) -> None:
        self.store = store

    def bury(self, tombstone: Tombstone) -> None:
        with self.store.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO tombstones (document_id, attempts, at) VALUES (?, ?, ?)",
                (
                    tombstone.document_id,
                    tombstone.attempts,
                    serialization.to_dict(tombstone.at),
                ),
            )

    def find(self, document_id: str) -> Tombstone | None:
        with self.store._lock:
            row = self.store.db.execute(
                "SELECT document_id, attempts, at FROM tombstones WHERE document_id = ?",
                (document_id,),
            ).fetchone()
        return _tombstone(row) if row else None

    def lift(self, document_id: str) -> None:
        with self.store.transaction() as db:
            db.execute("DELETE FROM tombstones WHERE document_id = ?", (document_id,))

    def older_than(self, moment: datetime) -> list[Tombstone]:
        with self.store._lock:
            rows = self.store.db.execute(
                "SELECT document_id, attempts, at FROM tombstones WHERE at < ? ORDER BY at",
                (serialization.to_dict(moment),),
            ).fetchall()
        return [_tombstone(row) for row in rows]


def _tombstone(row: tuple[str, int, str]) -> Tombstone:
    document_id, attempts, at = row
    return Tombstone(document_id, int(attempts), datetime.fromisoformat(at))
