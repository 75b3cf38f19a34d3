"""What becomes of a job whose worker died under it: queued again once, then FAILED with
a reason a person can act on, so a file that kills its worker never blocks the queue."""

from __future__ import annotations

import signal
from dataclasses import dataclass
from datetime import datetime

from meddoc.errors import DocumentNotFound
from meddoc.local.files import CONTENT_PREFIX
from meddoc.local.jobs import RunningJob
from meddoc.local.runtime import LocalRuntime
from meddoc.model import DocumentRecord, Failure, Status
from meddoc.pipeline import records
from meddoc.pipeline.file_types import sniff_type
from meddoc.pipeline.runner import utc_now
from meddoc.pipeline.validate import stream_digest

MAX_CRASHES = 2  # a job whose run killed its worker is tried once more, then FAILED
MEMORY = "memory"
TIME = "time"
SIGNAL = "signal"
EXIT = "exit"
_ERRORS = {MEMORY: "WorkerOutOfMemory", TIME: "WorkerOutOfTime"}


@dataclass(frozen=True, slots=True)
class Crash:
    """How a worker process ended other than on request: out of memory (killed by the
    system), out of time (stopped by the watchdog), a signal, or an exit code."""

    kind: str
    detail: str
    at: datetime

    def describe(self) -> str:
        if self.kind == MEMORY:
            return "ran out of memory (stopped by the system)"
        if self.kind == TIME:
            return f"ran out of time (limit {self.detail})"
        if self.kind == SIGNAL:
            return f"crashed ({self.detail})"
        return f"stopped unexpectedly ({self.detail})"

    def reason(self) -> str:
        """The failure reason of a job whose runs killed their worker MAX_CRASHES times."""
        if self.kind == MEMORY:
            return "too large to process: the worker ran out of memory twice"
        if self.kind == TIME:
            return f"too large to process: the worker ran out of time twice (limit {self.detail})"
        return (
            f"could not be processed: the worker stopped twice on it ({self.detail}); "
            "the file may be damaged or too large"
        )


def crash_of(exitcode: int | None, overdue: str, at: datetime) -> Crash | None:
    """The crash a worker's exit code tells (None: it ended cleanly). `overdue` is the time
    limit the watchdog stopped it for, if it did."""
    if overdue:
        return Crash(TIME, overdue, at)
    if exitcode is None or exitcode == 0:
        return None
    if exitcode == -signal.SIGKILL:
        # Nobody in meddoc sends SIGKILL but the watchdog: the kernel's out-of-memory
        # killer does (or a person, rarely).
        return Crash(MEMORY, "SIGKILL", at)
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return Crash(SIGNAL, name, at)
    return Crash(EXIT, f"exit code {exitcode}", at)


def after_crash(runtime: LocalRuntime, job: RunningJob, crash: Crash) -> bool:
    """Queue the job again (its crash counted), or settle it FAILED (its document too) once
    its runs have killed MAX_CRASHES workers. Returns whether it was settled."""
    if job.crashes + 1 < MAX_CRASHES:
        runtime.queue.release(job.number, crash=crash.kind)
        return False
    reason = crash.reason()
    failure = Failure("processing", reason, _ERRORS.get(crash.kind, "WorkerCrashed"))
    document_id, status = _fail_document(runtime, job, failure)
    if status == Status.DONE:  # it was finished when its worker died: nothing failed
        runtime.queue.settle(job.number, document_id, Status.DONE.value, "")
    else:
        runtime.queue.settle(job.number, document_id, Status.FAILED.value, reason)
    return True


def _fail_document(
    runtime: LocalRuntime, job: RunningJob, failure: Failure
) -> tuple[str | None, Status | None]:
    """Mark the job's document FAILED; a worker that died before the document had a record
    leaves it to be made here, so the file still has its one record."""
    try:
        document_id = job.document_id or _document_id(runtime, job)
    except DocumentNotFound:
        return None, None  # the original is gone: there is nothing to attach a failure to
    now = utc_now()
    if runtime.store.get(document_id) is None:
        runtime.store.create(_failed_record(runtime, job, document_id, failure, now))
    record = runtime.store.update(document_id, records.fail(failure, now))
    return document_id, record.status


def _document_id(runtime: LocalRuntime, job: RunningJob) -> str:
    """The SHA-256 of the job's original: its name when stored by content, else hashed
    (streamed, never decoded: this runs in the host, which has no memory limit)."""
    if job.source.key.startswith(CONTENT_PREFIX):
        return job.source.key.rsplit("/", 1)[-1]
    return stream_digest(runtime.blobs, job.source)


def _failed_record(
    runtime: LocalRuntime, job: RunningJob, document_id: str, failure: Failure, now: datetime
) -> DocumentRecord:
    head = next(runtime.blobs.read_chunks(job.source, 1024), b"")
    return DocumentRecord(
        id=document_id,
        source=job.source,
        name=job.name,
        content_type=sniff_type(head) or "application/octet-stream",
        size=runtime.blobs.size(job.source),
        created_at=now,
        updated_at=now,
        status=Status.FAILED,
        failure=failure,
    )
