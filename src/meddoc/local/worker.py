"""A worker: claims jobs from the durable queue and runs each through the pipeline,
settling it DONE, FAILED (with the reason), SKIPPED (the same bytes already known) or
DELETED (the document was deleted while the job ran). Each worker is a process of its
own under a memory limit, so a document that needs too much memory fails alone; on a
full disk the worker keeps its job and waits for room."""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import logging
import os
import resource
import signal
import sqlite3
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection

from meddoc.errors import DocumentDeleted, DocumentNotFound, StorageFull
from meddoc.local.jobs import JobQueue, QueuedJob
from meddoc.local.runtime import LocalRuntime
from meddoc.local.settings import LocalSettings
from meddoc.pipeline.job import REJECT, SKIP
from meddoc.pipeline.runner import Pipeline

log = logging.getLogger(__name__)
SKIPPED = "SKIPPED"
FAILED = "FAILED"
OUT_OF_MEMORY = "too large to process: ran out of memory while reading the file"
DELETED = "DELETED"
GONE = "the document was deleted while it was being processed"
LONGEST_PAUSE = 120.0  # seconds between looks for room on a full disk

# What a worker tells its host, through a pipe (no file: the disk may be full): the disk
# is full (it pauses), it tries its job again, a job went through (there is room).
DISK_FULL = "disk-full"
RETRYING = "retrying"
ROOM = "room"

# Prepares a worker's runtime before its first job (tests swap the engines for fakes).
Prepare = Callable[[LocalRuntime], None]


def run_job(pipeline: Pipeline, queue: JobQueue, job: QueuedJob) -> str:
    """Process one job and settle it; returns the outcome. A full disk raises StorageFull
    (the job is left running, for its worker to try again)."""
    try:
        identified = pipeline.identify(
            job.source,
            job.name,
            reprocess=job.reprocess,
            resume=job.resume,
            expected_id=job.document_id if job.resume else "",
        )
    except DocumentNotFound:
        queue.settle(job.number, None, FAILED, "the file vanished before it could be read")
        return FAILED
    except StorageFull:
        raise
    except MemoryError:
        queue.settle(job.number, None, FAILED, OUT_OF_MEMORY)
        return FAILED
    except DocumentDeleted:
        queue.settle(job.number, None, DELETED, GONE)
        return DELETED
    except Exception as exc:
        # identify has recorded the failure on the document where it could name it
        queue.settle(job.number, None, FAILED, f"could not read the file ({type(exc).__name__})")
        return FAILED
    if identified.document_id:
        queue.note_document(job.number, identified.document_id)
    if identified.action == SKIP:
        queue.settle(job.number, identified.document_id, SKIPPED, identified.reason)
        return SKIPPED
    if identified.action == REJECT:
        queue.settle(job.number, identified.document_id, FAILED, identified.reason)
        return FAILED
    record = pipeline.process(identified)
    if record is None:
        queue.settle(job.number, identified.document_id, DELETED, GONE)
        return DELETED
    outcome = record.status.value
    reason = record.failure.reason if record.failure else ""
    queue.settle(job.number, identified.document_id, outcome, reason)
    return outcome


def work(
    runtime: LocalRuntime,
    until_empty: bool,
    keep_going: Callable[[], bool],
    report: Callable[[str, str], None] = lambda kind, message: None,
) -> None:
    """Claim and run jobs until told to stop (or, with `until_empty`, until none is left).
    A job that meets a full disk stays in this worker's hands and is tried again after a
    pause that doubles up to two minutes; `report` tells the host about the disk."""
    first_pause = runtime.settings.disk_pause_seconds
    pause = first_pause
    waiting_for_room = False
    held: QueuedJob | None = None
    while keep_going():
        try:
            if held is not None:
                runtime.queue.retry(held.number)  # its time limit starts again now
                report(RETRYING, "")
                job: QueuedJob | None = dataclasses.replace(held, attempts=held.attempts + 1)
            else:
                job = runtime.queue.claim(os.getpid())
            if job is not None:
                held = job
                run_job(runtime.pipeline, runtime.queue, job)
                held = None
            if waiting_for_room:  # a job went through, or there is none to try
                report(ROOM, "")
                waiting_for_room, pause = False, first_pause
            if job is None:
                if until_empty:
                    return
                time.sleep(0.5)
        except StorageFull as exc:
            _roll_back(runtime)
            report(DISK_FULL, str(exc))
            waiting_for_room = True
            log.warning("%s; this worker waits %.1f s for room, then tries again", exc, pause)
            _sleep(pause, keep_going)
            pause = min(pause * 2, max(LONGEST_PAUSE, first_pause))


def worker_process(
    settings: LocalSettings,
    until_empty: bool,
    parent: int,
    reports: Connection,
    prepare: Prepare | None = None,
) -> None:
    """Entry point of a worker process. It dies with its parent (so a killed host never
    leaves a worker finishing a job the next run also resumes), ignores Ctrl-C (its host
    decides when it stops) and runs under the memory limit."""
    _die_with_parent()
    if os.getppid() != parent:
        return  # the host ended while this process was starting
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    limit_memory(settings.memory_limit_bytes)
    runtime = LocalRuntime(settings)
    if prepare is not None:
        prepare(runtime)

    def report(kind: str, message: str) -> None:
        with contextlib.suppress(OSError):  # the host is gone: the worker stops soon
            reports.send((kind, message))

    work(runtime, until_empty, keep_going=lambda: os.getppid() == parent, report=report)


def limit_memory(limit: int | None) -> None:
    """Cap this process's address space: past it an allocation fails with MemoryError
    (that job FAILED, the worker alive) instead of the system killing the worker."""
    if limit is None:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _roll_back(runtime: LocalRuntime) -> None:
    """SQLite may keep a transaction open after a write failed for lack of room."""
    if runtime.connection.in_transaction:
        with contextlib.suppress(StorageFull, sqlite3.Error):  # SQLite rolled back itself
            runtime.connection.execute("ROLLBACK")


def _sleep(seconds: float, keep_going: Callable[[], bool]) -> None:
    deadline = time.monotonic() + seconds
    while keep_going() and time.monotonic() < deadline:
        time.sleep(min(0.5, max(deadline - time.monotonic(), 0)))


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
