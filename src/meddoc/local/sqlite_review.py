"""ReviewStore on SQLite: document search (status, dates, document type, full text through
FTS5, entity terms, codes) with cursor paging, and the audit trail and corrections; and the
unit of work that makes review writes one transaction."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from types import TracebackType
from typing import Any, Self

from meddoc import serialization
from meddoc.errors import InvalidRequest
from meddoc.local.sqlite_store import SqliteDocumentStore
from meddoc.model import AuditEvent, Correction, DocumentRecord
from meddoc.ports import DocumentQuery, IndexTerm, RecordChange, RecordPage

CODE_KINDS = ("ICD-10-CM", "RxNorm")
_WORD = re.compile(r"\w+", re.UNICODE)


class SqliteReviewStore:
    def __init__(self, store: SqliteDocumentStore) -> None:
        self.store = store

    def search(self, query: DocumentQuery) -> RecordPage:
        where, params = _conditions(query)
        # Only fixed condition strings are joined; every value is a bound parameter.
        sql = (
            "SELECT data, created_at, id FROM records"  # noqa: S608
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY created_at DESC, id DESC LIMIT ?"
        )
        with self.store._lock:
            rows = self.store.db.execute(sql, [*params, query.limit + 1]).fetchall()
        records = [serialization.loads(DocumentRecord, r["data"]) for r in rows[: query.limit]]
        cursor = None
        if len(rows) > query.limit:
            last = rows[query.limit - 1]
            cursor = _encode_cursor(last["created_at"], last["id"])
        return RecordPage(records, cursor)

    def count_by_status(self) -> dict[str, int]:
        with self.store._lock:
            rows = self.store.db.execute(
                "SELECT status, COUNT(*) AS n FROM records GROUP BY status"
            ).fetchall()
        return {row["status"]: row["n"] for row in rows}

    def add_audit(self, event: AuditEvent) -> None:
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO audit (id, document_id, at, data) VALUES (?, ?, ?, ?)",
                (
                    event.id,
                    event.document_id,
                    serialization.to_dict(event.at),
                    serialization.dumps(event),
                ),
            )

    def audit(self, document_id: str) -> list[AuditEvent]:
        return [serialization.loads(AuditEvent, data) for data in self._rows("audit", document_id)]

    def add_correction(self, correction: Correction) -> None:
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO corrections (id, document_id, at, data) VALUES (?, ?, ?, ?)",
                (
                    correction.id,
                    correction.document_id,
                    serialization.to_dict(correction.at),
                    serialization.dumps(correction),
                ),
            )

    def corrections(self, document_id: str) -> list[Correction]:
        return [
            serialization.loads(Correction, data)
            for data in self._rows("corrections", document_id)
        ]

    def delete(self, document_id: str) -> None:
        with self.store.transaction() as db:
            for table, column in (
                ("terms", "document_id"),
                ("texts", "document_id"),
                ("audit", "document_id"),
                ("corrections", "document_id"),
                ("records", "id"),
            ):
                db.execute(f"DELETE FROM {table} WHERE {column} = ?", (document_id,))  # noqa: S608

    def _rows(self, table: str, document_id: str) -> list[str]:
        with self.store._lock:
            rows = self.store.db.execute(
                f"SELECT data FROM {table} WHERE document_id = ? ORDER BY at, rowid",  # noqa: S608
                (document_id,),
            ).fetchall()
        return [row["data"] for row in rows]


class SqliteReviewUnitOfWork:
    """One SQLite transaction (BEGIN IMMEDIATE) around review writes: the stores' own
    writes join it, and it commits them together or rolls them all back. Holding the
    write lock from the first read, the records read through it cannot change."""

    def __init__(self, reviews: SqliteReviewStore) -> None:
        self.reviews = reviews
        self.store = reviews.store
        self._open = False

    def __enter__(self) -> Self:
        self.store.begin()
        self._open = True
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._open:  # not committed: nothing of it stays
            self._open = False
            self.store.rollback()

    def get(self, document_id: str) -> DocumentRecord | None:
        return self.store.get(document_id)

    def update(self, document_id: str, change: RecordChange) -> DocumentRecord:
        return self.store.update(document_id, change)

    def add_audit(self, event: AuditEvent) -> None:
        self.reviews.add_audit(event)

    def add_correction(self, correction: Correction) -> None:
        self.reviews.add_correction(correction)

    def index(self, document_id: str, terms: Iterable[IndexTerm], text: str) -> None:
        self.store.index(document_id, terms, text)

    def commit(self) -> None:
        self._open = False
        self.store.commit()


def _conditions(query: DocumentQuery) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if query.status is not None:
        where.append("status = ?")
        params.append(query.status.value)
    if query.review is not None:
        where.append("review = ?")
        params.append(query.review.value)
    if query.document_type:
        # Summary.document_type lives in the record's JSON; no column of its own, since
        # a local store is small enough to read the records the other filters leave.
        where.append("json_extract(data, '$.summary.document_type') = ?")
        params.append(query.document_type)
    if query.since is not None:
        where.append("created_at >= ?")
        params.append(serialization.to_dict(query.since))
    if query.until is not None:
        where.append("created_at < ?")
        params.append(serialization.to_dict(query.until))
    words = _WORD.findall(query.text)
    if words:
        # Each word as a quoted prefix term: user input can never be FTS5 syntax.
        where.append("id IN (SELECT document_id FROM texts WHERE texts MATCH ?)")
        params.append(" AND ".join(f'"{w}"*' for w in words))
    if query.entity.strip():
        where.append(
            "id IN (SELECT document_id FROM terms WHERE kind = 'entity'"
            " AND value LIKE ? ESCAPE '\\' AND (? = '' OR category = ?))"
        )
        params += [
            f"%{_like(' '.join(query.entity.lower().split()))}%",
            query.category,
            query.category,
        ]
    if query.code.strip():
        where.append(
            "id IN (SELECT document_id FROM terms WHERE kind IN (?, ?)"
            " AND (value = ? OR value LIKE ? ESCAPE '\\'))"
        )
        code = query.code.strip().upper()
        params += [*CODE_KINDS, code, f"{_like(code)}%"]
    if query.cursor:
        created_at, document_id = _decode_cursor(query.cursor)
        where.append("(created_at < ? OR (created_at = ? AND id < ?))")
        params += [created_at, created_at, document_id]
    return where, params


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _encode_cursor(created_at: str, document_id: str) -> str:
    raw = json.dumps([created_at, document_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created_at, document_id = json.loads(base64.urlsafe_b64decode(padded))
        return str(created_at), str(document_id)
    except (ValueError, TypeError) as exc:
        raise InvalidRequest("the cursor is not one this server gave out") from exc
