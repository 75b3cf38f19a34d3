"""How a document record moves: [QUEUED ->] RECEIVED -> PROCESSING -> DONE | FAILED (a
reprocessed document waits QUEUED for admission on AWS). Each move is a change function
for DocumentStore.update, so both stores apply the same rules."""

from __future__ import annotations

from datetime import datetime, timedelta

from meddoc.model import (
    DocumentRecord,
    Engine,
    Failure,
    ObjectRef,
    Status,
    Summary,
)
from meddoc.ports import RecordChange


def add_source(source: ObjectRef, now: datetime) -> RecordChange:
    def change(record: DocumentRecord) -> bool:
        if source == record.source or source in record.other_sources:
            return False
        record.other_sources.append(source)
        record.updated_at = now
        return True

    return change


class Restart:
    """A new attempt (reprocessing, or a FAILED document uploaded again). Given the
    record as the caller `seen` it, the restart applies only if the record is still in
    that status and attempt: of two events that both saw the same FAILED record, one
    restarts it (`won`) and the other finds it already restarted."""

    def __init__(
        self, now: datetime, seen: DocumentRecord | None = None, status: Status = Status.RECEIVED
    ) -> None:
        self.now = now
        self.seen = seen
        self.status = status
        self.won = False

    def __call__(self, record: DocumentRecord) -> bool:
        # Set on every call: a store retrying after a concurrent write calls it again.
        self.won = self.seen is None or (
            record.status == self.seen.status and record.attempts == self.seen.attempts
        )
        if self.won:
            record.status = self.status
            record.failure = None
            record.attempts += 1
            record.updated_at = self.now
        return self.won


def restart(
    now: datetime, seen: DocumentRecord | None = None, status: Status = Status.RECEIVED
) -> Restart:
    """`status` QUEUED when the new attempt waits for admission before it runs."""
    return Restart(now, seen, status)


UNDER_WAY = (Status.QUEUED, Status.RECEIVED, Status.PROCESSING)


def admit(now: datetime) -> RecordChange:
    """QUEUED -> RECEIVED: the workflow that owns the record has started."""

    def change(record: DocumentRecord) -> bool:
        if record.status != Status.QUEUED:
            return False
        record.status = Status.RECEIVED
        record.updated_at = now
        return True

    return change


def start(now: datetime) -> RecordChange:
    def change(record: DocumentRecord) -> bool:
        if record.status in (Status.PROCESSING, Status.DONE):
            return False
        record.status = Status.PROCESSING
        record.failure = None
        record.updated_at = now
        return True

    return change


def finish(
    summary: Summary, result: ObjectRef, engines: list[Engine], now: datetime
) -> RecordChange:
    def change(record: DocumentRecord) -> bool:
        record.status = Status.DONE
        record.failure = None
        record.summary = summary
        record.result = result
        record.engines = engines
        record.updated_at = now
        return True

    return change


def fail(failure: Failure, now: datetime) -> RecordChange:
    """FAILED with a reason. A DONE document stays DONE (a late failure report must not
    undo a success), and the first failure of an attempt keeps its (more precise)
    reason when an enclosing state reports the same failure again."""

    def change(record: DocumentRecord) -> bool:
        if record.status == Status.DONE:
            return False
        if record.status == Status.FAILED and record.failure is not None:
            return False
        record.status = Status.FAILED
        record.failure = failure
        record.updated_at = now
        return True

    return change


def is_settled(record: DocumentRecord) -> bool:
    return record.status in (Status.DONE, Status.FAILED)


def time_out(now: datetime, older_than: timedelta) -> RecordChange:
    """FAILED "timed out" for a document still RECEIVED or PROCESSING since longer than
    allowed (checked again inside the update, so one that just moved on is left alone)."""

    def change(record: DocumentRecord) -> bool:
        if record.status not in (Status.RECEIVED, Status.PROCESSING):
            return False
        if now - record.updated_at <= older_than:
            return False
        minutes = int(older_than.total_seconds() // 60)
        record.failure = Failure(
            step="processing",
            reason=f"timed out: still {record.status.value} after {minutes} minutes; "
            "reprocess the document",
            error="TimedOut",
        )
        record.status = Status.FAILED
        record.updated_at = now
        return True

    return change
