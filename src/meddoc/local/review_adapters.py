"""Local mode's side of the review API: uploads received by the local server, page
images rendered (and PHI blacked out) here, reprocessing through the job queue."""

from __future__ import annotations

import itertools
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass

from meddoc.api.views import Accepted, UploadIntent
from meddoc.errors import DocumentNotFound, InvalidRequest
from meddoc.limits import Limits
from meddoc.local.files import FileBlobStore
from meddoc.local.jobs import JobQueue
from meddoc.local.settings import UPLOADS
from meddoc.model import DocumentRecord, ObjectRef
from meddoc.pipeline.job import PROCESS, REJECT, Job

UPLOAD_PATH = "/api/uploads/"


@dataclass(frozen=True, slots=True)
class _Pending:
    name: str
    size: int


class LocalUploads:
    """Upload intents are one-time tokens for PUT /api/uploads/<token>; the bytes go
    into the upload store and a job is queued that owns the new record."""

    def __init__(
        self,
        blobs: FileBlobStore,
        queue: JobQueue,
        limits: Limits,
        identify: Callable[[ObjectRef, str], Job],
    ) -> None:
        self.blobs = blobs
        self.queue = queue
        self.limits = limits
        self.identify = identify
        self._pending: dict[str, _Pending] = {}
        self._lock = threading.Lock()
        self._counter = itertools.count(1)

    def intent(self, name: str, size: int, content_type: str) -> UploadIntent:
        if size > self.limits.max_document_bytes:
            raise InvalidRequest("the file is larger than the largest document accepted")
        token = secrets.token_urlsafe(18)
        with self._lock:
            self._pending[token] = _Pending(name, size)
        return UploadIntent(
            "PUT", UPLOAD_PATH + token, key=name, max_bytes=self.limits.max_document_bytes
        )

    def receive(self, token: str, data: bytes) -> Accepted:
        """Store the file and identify it at once, so its record (RECEIVED, or FAILED
        with the reason) is visible before a worker picks it up."""
        with self._lock:
            pending = self._pending.pop(token, None)
        if pending is None:
            raise DocumentNotFound("no such upload; ask for a new one")
        if len(data) != pending.size:
            raise InvalidRequest(f"expected {pending.size} bytes, received {len(data)}")
        # A folder per upload keeps two files of the same name apart.
        ref = ObjectRef(UPLOADS, f"uploads/{token[:12]}/{pending.name}")
        self.blobs.write(ref, data, "application/octet-stream")
        job = self.identify(ref, pending.name)
        if job.action == PROCESS:
            self.queue.enqueue(ref, pending.name, owned=True)
            return Accepted(job.document_id, "RECEIVED", "queued for processing")
        if job.action == REJECT:
            return Accepted(job.document_id, "FAILED", job.reason)
        return Accepted(job.document_id, "KNOWN", job.reason)

    def delete_original(self, record: DocumentRecord) -> int:
        deleted = 0
        for ref in [record.source, *record.other_sources]:
            if self.blobs.exists(ref):
                self.blobs.path(ref).unlink()
                deleted += 1
        return deleted


class LocalReprocessor:
    def __init__(self, queue: JobQueue) -> None:
        self.queue = queue

    def reprocess(self, record: DocumentRecord) -> None:
        # The service has set the record RECEIVED: the job owns it and runs it.
        self.queue.enqueue(record.source, record.name, owned=True)
