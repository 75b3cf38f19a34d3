"""A worker: claims jobs from the durable queue and runs each through the pipeline,
settling it DONE, FAILED (with the reason), SKIPPED (the same bytes already known) or
DELETED (the document was deleted while the job ran)."""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import time
from collections.abc import Callable

from meddoc.errors import DocumentDeleted, DocumentNotFound
from meddoc.local.jobs import JobQueue, QueuedJob
from meddoc.local.runtime import LocalRuntime
from meddoc.local.settings import LocalSettings
from meddoc.pipeline.job import REJECT, SKIP
from meddoc.pipeline.runner import Pipeline

log = logging.getLogger(__name__)
SKIPPED = "SKIPPED"
FAILED = "FAILED"
DELETED = "DELETED"
GONE = "the document was deleted while it was being processed"


def run_job(pipeline: Pipeline, queue: JobQueue, job: QueuedJob) -> str:
    """Process one job and settle it; returns the outcome."""
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


def work(settings: LocalSettings, until_empty: bool, keep_going: Callable[[], bool]) -> None:
    runtime = LocalRuntime(settings)
    while keep_going():
        job = runtime.queue.claim()
        if job is None:
            if until_empty:
                return
            time.sleep(0.5)
            continue
        run_job(runtime.pipeline, runtime.queue, job)


def worker_process(settings: LocalSettings, until_empty: bool) -> None:
    """Entry point of a worker process: dies with its parent, so a killed batch never
    leaves a worker finishing a job the next run will also resume."""
    _die_with_parent()
    parent = os.getppid()
    work(settings, until_empty, keep_going=lambda: os.getppid() == parent)


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
