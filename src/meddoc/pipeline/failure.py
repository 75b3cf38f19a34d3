"""The last step of every failed run: turn the error into a reason a person can act on,
and mark the document FAILED, so that no upload is ever stuck or silently dropped."""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from meddoc import errors
from meddoc.limits import Limits
from meddoc.model import DocumentRecord, Failure
from meddoc.pipeline import records
from meddoc.pipeline.deletion import Deletions
from meddoc.pipeline.file_types import sniff_type
from meddoc.pipeline.job import Job
from meddoc.pipeline.validate import stream_digest
from meddoc.ports import BlobStore, DocumentStore

# Our own errors carry messages written for people and free of PHI; any other error's
# message could quote document text, so only its type is shown.
_OWN_ERRORS = {
    cls.__name__
    for cls in vars(errors).values()
    if isinstance(cls, type) and issubclass(cls, errors.MeddocError)
}


@dataclass(slots=True)
class StepError:
    """What Step Functions' Catch hands over: an error name and a cause (for a Lambda
    error, the JSON of errorType/errorMessage)."""

    error: str
    cause: str = ""


def failure_for(step: str, error: StepError) -> Failure:
    kind, message = _unpack(error)
    if kind in ("ServiceThrottled", "ServiceUnavailable"):
        reason = f"{message}; retries ran out in step {step}; reprocess the document later"
    elif kind in _OWN_ERRORS:
        reason = message
    elif kind in ("MemoryError", "Runtime.OutOfMemory"):
        reason = f"too large to process: ran out of memory in step {step}"
    elif kind in ("States.Timeout", "Sandbox.Timedout"):
        reason = f"step {step} timed out; reprocess the document, or split it if it is large"
    elif kind.startswith(("Lambda.", "States.")):
        reason = f"step {step} could not run ({kind}); reprocess the document"
    else:
        reason = f"unexpected error in step {step} ({kind}); see the service logs"
    return Failure(step=step, reason=reason, error=kind)


def step_error(exc: BaseException) -> StepError:
    """The StepError Step Functions would report for this exception from a Lambda."""
    cause = {"errorType": type(exc).__name__, "errorMessage": str(exc)}
    return StepError(type(exc).__name__, json.dumps(cause))


def record_failure(
    job: Job,
    step: str,
    error: StepError,
    *,
    blobs: BlobStore,
    store: DocumentStore,
    limits: Limits,
    now: Callable[[], datetime],
    deletions: Deletions | None = None,
) -> Job:
    """Mark the document FAILED; a run whose document was deleted meanwhile (its step
    may have failed for that very reason) cleans up instead and raises DocumentDeleted."""
    failure = failure_for(step, error)
    if not job.document_id:
        # Validation itself failed before naming the document (perhaps out of memory on
        # this very file): the upload is not validated again, only hashed as a stream,
        # so that the failure lands on the one record for these bytes.
        try:
            job = _identify(job, blobs, store, now(), deletions)
        except errors.DocumentNotFound:
            job.reason = "the upload was deleted before it could be processed"
            return job
    if deletions is not None:
        deletions.stop_if_deleted(job)
    store.update(job.document_id, records.fail(failure, now()))
    job.reason = failure.reason
    return job


def _identify(
    job: Job, blobs: BlobStore, store: DocumentStore, now: datetime, deletions: Deletions | None
) -> Job:
    """The document id of the upload and its record (created when there is none yet),
    from reads that take no more memory for a large file than for a small one."""
    digest = stream_digest(blobs, job.source)
    job.document_id = digest
    job.name = job.name or posixpath.basename(job.source.key)
    record = DocumentRecord(
        id=digest,
        source=job.source,
        name=job.name,
        content_type=sniff_type(blobs.read_range(job.source, 0, 1024)) or "",
        size=blobs.size(job.source),
        created_at=now,
        updated_at=now,
        attempts=deletions.next_attempt(digest) if deletions is not None else 1,
    )
    if store.create(record):
        job.attempt = record.attempts
    else:
        job.attempt = store.update(digest, records.add_source(job.source, now)).attempts
    return job


def _unpack(error: StepError) -> tuple[str, str]:
    kind, message = error.error, ""
    try:
        cause = json.loads(error.cause) if error.cause else {}
    except ValueError:
        cause = {}
    if isinstance(cause, dict):
        kind = str(cause.get("errorType") or kind)
        message = str(cause.get("errorMessage") or "")
    return kind, message or kind
