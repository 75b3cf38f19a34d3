"""The durable job table: every file taken in is a queued job until a worker settles
it. A job a crash left running is queued again at the next start (and then resumes its
document), so a batch killed half-way loses nothing and redoes nothing that finished.
Jobs never tried come first, so a job that keeps killing its worker cannot hold up the
rest of the queue."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from meddoc.model import ObjectRef

QUEUED = "queued"
RUNNING = "running"
SETTLED = "settled"


@dataclass(frozen=True, slots=True)
class QueuedJob:
    number: int
    source: ObjectRef
    name: str
    reprocess: bool
    attempts: int  # including this one: > 1 means an earlier run was interrupted
    owned: bool = False  # its record was created when the file arrived (uploads)
    document_id: str = ""  # the record an owned job carries on with (reprocessing)

    @property
    def resume(self) -> bool:
        """Whether this job carries on with a record it owns."""
        return self.owned or self.attempts > 1


@dataclass(frozen=True, slots=True)
class RunningJob:
    """A job in a worker's hands, as the worker host supervises it."""

    number: int
    worker: int  # the worker process's id
    started_at: datetime
    document_id: str
    source: ObjectRef
    name: str
    crashes: int  # earlier runs that killed their worker


@dataclass(frozen=True, slots=True)
class Outcome:
    number: int
    name: str
    document_id: str | None
    outcome: str | None  # DONE | FAILED | SKIPPED (same bytes already known)
    reason: str | None


def timestamp() -> str:
    """Now, as the job table keeps times (ISO 8601, UTC: they sort as text)."""
    return datetime.now(UTC).isoformat()


class JobQueue:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection
        self._lock = threading.RLock()

    def enqueue(
        self,
        source: ObjectRef,
        name: str,
        reprocess: bool = False,
        owned: bool = False,
        document_id: str | None = None,
    ) -> int:
        """Queue a job; a file that already has a pending job under the same name is not
        queued twice (the pending job's number is returned)."""
        with self._lock:
            pending = self.db.execute(
                "SELECT number FROM jobs WHERE bucket = ? AND key = ? AND name = ?"
                " AND reprocess = ? AND state IN (?, ?)",
                (source.bucket, source.key, name, int(reprocess), QUEUED, RUNNING),
            ).fetchone()
            if pending is not None:
                return int(pending["number"])
            cursor = self.db.execute(
                "INSERT INTO jobs (bucket, key, name, state, reprocess, owned, document_id,"
                " enqueued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    source.bucket,
                    source.key,
                    name,
                    QUEUED,
                    int(reprocess),
                    int(owned),
                    document_id,
                    timestamp(),
                ),
            )
            return int(cursor.lastrowid or 0)

    def claim(self, worker: int = 0) -> QueuedJob | None:
        """The next job, now marked running in `worker`'s hands (atomic across processes):
        jobs that never killed a worker first, then those tried fewest times, oldest
        first, so neither a job that crashes workers nor one every restart interrupts
        can hold up the rest."""
        with self._lock:
            row = self.db.execute(
                "UPDATE jobs SET state = ?, started_at = ?, attempts = attempts + 1,"
                " claimed_by = ? WHERE number = (SELECT number FROM jobs WHERE state = ?"
                " ORDER BY crashes, attempts, number LIMIT 1) RETURNING number, bucket, key,"
                " name, reprocess, owned, attempts, document_id",
                (RUNNING, timestamp(), worker, QUEUED),
            ).fetchone()
        if row is None:
            return None
        return QueuedJob(
            number=row["number"],
            source=ObjectRef(row["bucket"], row["key"]),
            name=row["name"],
            reprocess=bool(row["reprocess"]),
            attempts=row["attempts"],
            owned=bool(row["owned"]),
            document_id=row["document_id"] or "",
        )

    def settle(self, number: int, document_id: str | None, outcome: str, reason: str) -> None:
        with self._lock:
            self.db.execute(
                "UPDATE jobs SET state = ?, document_id = ?, outcome = ?, reason = ?,"
                " finished_at = ?, claimed_by = NULL WHERE number = ?",
                (SETTLED, document_id, outcome, reason, timestamp(), number),
            )

    def retry(self, number: int) -> None:
        """Start a job again in the same worker's hands (after a pause for disk space):
        another attempt, with its clock started again."""
        with self._lock:
            self.db.execute(
                "UPDATE jobs SET attempts = attempts + 1, started_at = ? WHERE number = ?",
                (timestamp(), number),
            )

    def release(self, number: int, crash: str | None = None) -> int:
        """Put a running job back in the queue; `crash` says how the run killed its
        worker (counted). Returns the job's crashes so far."""
        with self._lock:
            row = self.db.execute(
                "UPDATE jobs SET state = ?, claimed_by = NULL,"
                " crashes = crashes + ?, last_crash = COALESCE(?, last_crash)"
                " WHERE number = ? AND state = ? RETURNING crashes",
                (QUEUED, int(crash is not None), crash, number, RUNNING),
            ).fetchone()
        return int(row["crashes"]) if row else 0

    def running(self) -> list[RunningJob]:
        with self._lock:
            rows = self.db.execute(
                "SELECT number, claimed_by, started_at, document_id, bucket, key, name,"
                " crashes FROM jobs WHERE state = ? ORDER BY number",
                (RUNNING,),
            ).fetchall()
        return [
            RunningJob(
                number=r["number"],
                worker=r["claimed_by"] or 0,
                started_at=datetime.fromisoformat(r["started_at"]),
                document_id=r["document_id"] or "",
                source=ObjectRef(r["bucket"], r["key"]),
                name=r["name"],
                crashes=r["crashes"],
            )
            for r in rows
        ]

    def note_document(self, number: int, document_id: str) -> None:
        """Remember which document a running job works on (once it is identified)."""
        with self._lock:
            self.db.execute(
                "UPDATE jobs SET document_id = ? WHERE number = ?", (document_id, number)
            )

    def pending_documents(self) -> frozenset[str]:
        with self._lock:
            rows = self.db.execute(
                "SELECT document_id FROM jobs WHERE state IN (?, ?) AND document_id IS NOT NULL",
                (QUEUED, RUNNING),
            ).fetchall()
        return frozenset(row["document_id"] for row in rows)

    def pending_sources(self, bucket: str) -> frozenset[str]:
        """Keys in `bucket` that queued or running jobs will read."""
        with self._lock:
            rows = self.db.execute(
                "SELECT DISTINCT key FROM jobs WHERE bucket = ? AND state IN (?, ?)",
                (bucket, QUEUED, RUNNING),
            ).fetchall()
        return frozenset(row["key"] for row in rows)

    def recover(self) -> int:
        """Queue again the jobs a crashed run left running. Only the process holding
        the data directory's lock may call this."""
        with self._lock:
            return self.db.execute(
                "UPDATE jobs SET state = ?, claimed_by = NULL WHERE state = ?", (QUEUED, RUNNING)
            ).rowcount

    def counts(self, since: int = 0, settled_from: str = "") -> dict[str, int]:
        """Jobs by state (and settled ones by outcome) from job number `since` on; with
        `settled_from` (a time from `now()`), jobs settled before it are left out."""
        with self._lock:
            rows = self.db.execute(
                "SELECT state, outcome, COUNT(*) AS n FROM jobs WHERE number >= ?"
                " AND (state != ? OR finished_at >= ?) GROUP BY state, outcome",
                (since, SETTLED, settled_from),
            ).fetchall()
        counts: dict[str, int] = {}
        for row in rows:
            key = row["outcome"] if row["state"] == SETTLED else row["state"]
            counts[key] = counts.get(key, 0) + row["n"]
        return counts

    def outcomes(self, since: int = 0, settled_from: str = "") -> list[Outcome]:
        with self._lock:
            rows = self.db.execute(
                "SELECT number, name, document_id, outcome, reason FROM jobs"
                " WHERE number >= ? AND state = ? AND finished_at >= ? ORDER BY number",
                (since, SETTLED, settled_from),
            ).fetchall()
        return [
            Outcome(r["number"], r["name"], r["document_id"], r["outcome"], r["reason"])
            for r in rows
        ]

    def pending(self, since: int = 0) -> int:
        with self._lock:
            row = self.db.execute(
                "SELECT COUNT(*) AS n FROM jobs WHERE number >= ? AND state IN (?, ?)",
                (since, QUEUED, RUNNING),
            ).fetchone()
        return int(row["n"])

    def last_number(self) -> int:
        with self._lock:
            row = self.db.execute("SELECT MAX(number) AS n FROM jobs").fetchone()
        return int(row["n"] or 0)

    def oldest_pending(self) -> int | None:
        with self._lock:
            row = self.db.execute(
                "SELECT MIN(number) AS n FROM jobs WHERE state IN (?, ?)", (QUEUED, RUNNING)
            ).fetchone()
        return None if row["n"] is None else int(row["n"])
