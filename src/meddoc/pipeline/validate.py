"""Step 1: identify an upload. Hashes its bytes as a stream (the hash is the document
id), checks type and limits by ranged reads, and creates the one record for those bytes,
idempotently; memory does not grow with the file's size."""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable
from datetime import datetime

from meddoc.errors import DocumentDeleted, InvalidDocument
from meddoc.limits import Limits
from meddoc.model import DocumentRecord, Failure, ObjectRef, Status
from meddoc.pipeline import records
from meddoc.pipeline.deletion import Deletions
from meddoc.pipeline.file_types import FileType, check_document_bytes, identify_stored
from meddoc.pipeline.job import PROCESS, REJECT, SKIP, Job
from meddoc.ports import BlobStore, DocumentStore

STEP = "validate"


def validate(
    job: Job,
    *,
    blobs: BlobStore,
    store: DocumentStore,
    limits: Limits,
    now: Callable[[], datetime],
    deletions: Deletions | None = None,
) -> Job:
    """Give the job its document id and action: process, skip (same bytes already
    processed or under way) or reject (its record is FAILED with the reason). A job
    that was to resume a record deleted meanwhile raises DocumentDeleted."""
    name = job.name or posixpath.basename(job.source.key)
    size = blobs.size(job.source)
    try:
        check_document_bytes(size, limits)
    except InvalidDocument as exc:
        digest = stream_digest(blobs, job.source)
        return _reject(job, digest, name, size, "", 0, str(exc), store, now())
    # Never read whole: hashed as a stream, identified by ranged reads (file_types).
    digest = stream_digest(blobs, job.source)
    if job.expected_id and digest != job.expected_id:
        return _replaced(job, digest, store, now())
    try:
        file_type = identify_stored(blobs, job.source, size, limits)
    except InvalidDocument as exc:
        return _reject(job, digest, name, size, "", 0, str(exc), store, now())
    job.document_id = digest
    attempts = 1
    if deletions is not None:
        if deletions.resumes_deleted(job):
            raise DocumentDeleted("the document was deleted before it could be processed")
        attempts = deletions.next_attempt(digest)
    record = _new_record(job, digest, name, size, file_type, now(), attempts)
    job.name = name
    job.content_type = file_type.content_type
    job.page_count = file_type.page_count
    if store.create(record):
        job.action = PROCESS
        job.attempt = record.attempts
        return job
    return _existing(job, store, now())


def _existing(job: Job, store: DocumentStore, now: datetime) -> Job:
    existing = store.update(job.document_id, records.add_source(job.source, now))
    if job.resume and existing.status in (Status.RECEIVED, Status.QUEUED):
        # This job owns the record it (or the upload that queued it) created, or the
        # record a reprocess request left QUEUED for it.
        existing = store.update(job.document_id, records.admit(now))
        job.action = PROCESS
        job.attempt = existing.attempts
        return job
    again = (
        existing.status == Status.FAILED
        or (job.reprocess and existing.status == Status.DONE)
        or (job.resume and existing.status == Status.PROCESSING)
    )
    if again:
        restart = records.restart(now, seen=existing)
        restarted = store.update(job.document_id, restart)
        if restart.won:
            job.action = PROCESS
            job.attempt = restarted.attempts
            return job
        existing = restarted  # another event of the same burst restarted it first
    job.action = SKIP
    job.attempt = existing.attempts
    job.reason = f"the same file is already {existing.status.lower()}"
    return job


def _replaced(job: Job, digest: str, store: DocumentStore, now: datetime) -> Job:
    """The bytes at the source are not the document's any more: fail that document (its
    original is gone) and leave whatever document the new bytes are alone."""
    reason = (
        "the original file was replaced by different bytes after it was taken in; "
        "upload the document again"
    )
    failure = Failure(STEP, reason, "InvalidDocument")
    store.update(job.expected_id, records.fail(failure, now))
    job.document_id = job.expected_id
    job.action = REJECT
    job.reason = reason
    return job


def _reject(
    job: Job,
    digest: str,
    name: str,
    size: int,
    content_type: str,
    page_count: int,
    reason: str,
    store: DocumentStore,
    now: datetime,
) -> Job:
    record = _new_record(job, digest, name, size, FileType(content_type, page_count), now)
    if not store.create(record):
        store.update(digest, records.add_source(job.source, now))
    store.update(digest, records.fail(Failure(STEP, reason, "InvalidDocument"), now))
    job.document_id = digest
    job.name = name
    job.action = REJECT
    job.reason = reason
    return job


def _new_record(
    job: Job,
    digest: str,
    name: str,
    size: int,
    file_type: FileType,
    now: datetime,
    attempts: int = 1,
) -> DocumentRecord:
    return DocumentRecord(
        id=digest,
        source=job.source,
        name=name,
        content_type=file_type.content_type,
        size=size,
        page_count=file_type.page_count,
        created_at=now,
        updated_at=now,
        attempts=attempts,
    )


def stream_digest(blobs: BlobStore, ref: ObjectRef) -> str:
    """The SHA-256 of the stored bytes (the document id), read in chunks."""
    digest = hashlib.sha256()
    for chunk in blobs.read_chunks(ref):
        digest.update(chunk)
    return digest.hexdigest()
