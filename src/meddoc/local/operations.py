"""Local operations from the command line: status, reprocessing (one document, those
with a status, or all), and deletion everywhere (for retention requests)."""

from __future__ import annotations

import getpass
import sys
from typing import TextIO

from meddoc.api.roles import Actor, admin
from meddoc.api.service import ReviewService
from meddoc.local.batch import BatchSummary, run_jobs
from meddoc.local.runtime import LocalRuntime
from meddoc.local.serving import local_uploads, review_service
from meddoc.local.settings import LocalSettings
from meddoc.model import Status


def _service(runtime: LocalRuntime) -> ReviewService:
    return review_service(runtime, local_uploads(runtime))


def _actor() -> Actor:
    return admin(f"cli:{getpass.getuser()}")


def status_report(settings: LocalSettings) -> str:
    status = _service(LocalRuntime(settings)).status()
    counts = ", ".join(f"{count} {name}" for name, count in sorted(status.documents.items()))
    lines = [f"documents: {counts or 'none'}", f"done in the last hour: {status.done_last_hour}"]
    if status.oldest_unsettled is not None:
        oldest = status.oldest_unsettled
        lines.append(
            f"waiting longest: {oldest.id} ({oldest.status.value} since "
            f"{oldest.updated_at:%Y-%m-%d %H:%M} UTC)"
        )
    return "\n".join(lines)


def reprocess(
    settings: LocalSettings,
    ids: list[str],
    status: Status | None,
    every: bool,
    out: TextIO = sys.stderr,
) -> BatchSummary:
    """Queue the documents again and run them (or leave them to the running server)."""

    def queue(runtime: LocalRuntime) -> int:
        first = runtime.queue.last_number() + 1
        service = _service(runtime)
        for document_id in ids:
            service.reprocess(document_id, _actor())
        if status is not None or every:
            service.reprocess_matching(_actor(), status, every)
        return first if runtime.queue.last_number() >= first else 0

    return run_jobs(settings, queue, out)


def delete(settings: LocalSettings, document_id: str) -> int:
    return _service(LocalRuntime(settings)).delete(document_id, _actor()).objects
