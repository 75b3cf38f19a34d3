"""Local mode's side of the review API: uploads received by the local server (streamed
to disk, identified in the sandbox), page images rendered (and PHI blacked out) in the
sandbox, reprocessing through the job queue."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from meddoc.api.views import Accepted, UploadIntent
from meddoc.errors import DocumentNotFound, InvalidDocument, InvalidRequest, ServiceUnavailable
from meddoc.limits import Limits
from meddoc.local.files import FileBlobStore, Original, is_content_ref
from meddoc.local.jobs import JobQueue
from meddoc.local.runtime import LocalRuntime
from meddoc.local.sandbox import Busy, Overrun, Sandbox
from meddoc.local.settings import UPLOADS, LocalSettings
from meddoc.model import BoundingBox, DocumentRecord, ObjectRef
from meddoc.page_images import render_page
from meddoc.pipeline.job import PROCESS, REJECT, Job
from meddoc.pipeline.validate import stream_digest

UPLOAD_PATH = "/api/uploads/"
RENDER_SECONDS = 60.0  # a page image that takes longer is refused ("too large to show")
IDENTIFY_SECONDS = 60.0  # then the upload is left to a worker (below the uploader's 120 s)

StepOut = Callable[[], AbstractContextManager[None]]
# What a sandbox process runs for a page image: (data directory, original, page number,
# rotation, boxes to black out) -> JPEG bytes. A module-level function (it is pickled).
RenderTask = Callable[[Path, ObjectRef, int, int, list[BoundingBox]], bytes]


@dataclass(frozen=True, slots=True)
class _Pending:
    name: str
    size: int


@dataclass(frozen=True, slots=True)
class _Received:
    token: str
    name: str
    original: Original


class LocalUploads:
    """Upload intents are one-time tokens for PUT /api/uploads/<token>. The server
    streams the body into the upload store (`accept`) and hands the resolver a receipt;
    the route then identifies the file (`receive`) and queues a job that owns the new
    record. `identify` returns None when it could not finish (a worker then does it)."""

    def __init__(
        self,
        blobs: FileBlobStore,
        queue: JobQueue,
        limits: Limits,
        identify: Callable[[ObjectRef, str], Job | None],
    ) -> None:
        self.blobs = blobs
        self.queue = queue
        self.limits = limits
        self.identify = identify
        self._pending: dict[str, _Pending] = {}
        self._received: dict[str, _Received] = {}
        self._lock = threading.Lock()

    def intent(self, name: str, size: int, content_type: str) -> UploadIntent:
        if size > self.limits.max_document_bytes:
            raise InvalidRequest("the file is larger than the largest document accepted")
        token = secrets.token_urlsafe(18)
        with self._lock:
            self._pending[token] = _Pending(name, size)
        return UploadIntent(
            "PUT", UPLOAD_PATH + token, key=name, max_bytes=self.limits.max_document_bytes
        )

    def expected_size(self, token: str) -> int | None:
        """The size the intent announced, or None for a token never given (or used)."""
        with self._lock:
            pending = self._pending.get(token)
        return pending.size if pending else None

    def accept(self, token: str, stream: BinaryIO) -> str:
        """Store the body of PUT /api/uploads/<token> (exactly the announced size) from
        the stream, never whole in memory; returns the receipt `receive` takes."""
        with self._lock:
            pending = self._pending.pop(token, None)
        if pending is None:
            raise DocumentNotFound("no such upload; ask for a new one")
        # Stored under the hash of its bytes: the name is only shown, never a path.
        original = self.blobs.take_in(UPLOADS, stream, limit=pending.size)
        if original.size != pending.size:
            raise InvalidRequest(f"expected {pending.size} bytes, received {original.size}")
        receipt = secrets.token_urlsafe(18)
        with self._lock:
            self._received[receipt] = _Received(token, pending.name, original)
        return receipt

    def forget(self, receipt: str) -> None:
        """Drop a receipt the route did not take (the request failed on the way)."""
        with self._lock:
            self._received.pop(receipt, None)

    def receive(self, token: str, receipt: str) -> Accepted:
        """Identify the stored file at once, so its record (RECEIVED, or FAILED with the
        reason) is visible before a worker picks it up."""
        with self._lock:
            received = self._received.get(receipt)
            if received is not None and received.token == token:
                del self._received[receipt]
            else:
                received = None
        if received is None:
            raise InvalidRequest("the upload carried no file; ask for a new one")
        ref, name = received.original.ref, received.name
        job = self.identify(ref, name)
        if job is None:
            self.queue.enqueue(ref, name)  # not owned: the worker identifies it
            return Accepted(received.original.sha256, "RECEIVED", "queued for processing")
        if job.action == PROCESS:
            self.queue.enqueue(ref, name, owned=True, document_id=job.document_id)
            return Accepted(job.document_id, "RECEIVED", "queued for processing")
        if job.action == REJECT:
            return Accepted(job.document_id, "FAILED", job.reason)
        return Accepted(job.document_id, "KNOWN", job.reason)

    def delete_original(self, record: DocumentRecord) -> int:
        """Delete exactly this document's bytes. Originals stored by name (data folders
        from before content addressing) are deleted only while they still hold these
        bytes: another document may have been stored under the same name since."""
        deleted = 0
        for ref in dict.fromkeys([record.source, *record.other_sources]):
            if not self.blobs.exists(ref):
                continue
            if is_content_ref(ref, record.id) or stream_digest(self.blobs, ref) == record.id:
                deleted += self.blobs.delete(ref)
        return deleted


class LocalReprocessor:
    def __init__(self, queue: JobQueue) -> None:
        self.queue = queue

    def reprocess(self, record: DocumentRecord) -> None:
        # The service has set the record RECEIVED: the job owns it and runs it.
        self.queue.enqueue(record.source, record.name, owned=True, document_id=record.id)


class SandboxedPages:
    """Page images rendered in the sandbox; the resolver lets other requests through
    while one renders (`step_out`)."""

    def __init__(
        self,
        sandbox: Sandbox,
        blobs: FileBlobStore,
        step_out: StepOut,
        task: RenderTask | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.root = blobs.root
        self.step_out = step_out
        self.task = task or render_stored_page

    def render(
        self, source: ObjectRef, number: int, rotation: int, redact: list[BoundingBox]
    ) -> bytes:
        with self.step_out():
            try:
                return self.sandbox.run(
                    RENDER_SECONDS, self.task, self.root, source, number, rotation, redact
                )
            except Overrun as exc:
                raise InvalidDocument(
                    f"the page is too large to show: rendering it needed more {exc.what}"
                    " than a page image may take"
                ) from exc
            except Busy as exc:
                raise ServiceUnavailable("page images are busy; try again in a moment") from exc


class SandboxedIdentify:
    """Identifies uploads in the sandbox (validation reads the whole file); a file it
    cannot identify within the sandbox's limits is left to a worker (None)."""

    def __init__(
        self, sandbox: Sandbox, settings: LocalSettings, limits: Limits, step_out: StepOut
    ) -> None:
        self.sandbox = sandbox
        self.settings = settings
        self.limits = limits
        self.step_out = step_out

    def __call__(self, source: ObjectRef, name: str) -> Job | None:
        with self.step_out():
            try:
                return self.sandbox.run(
                    IDENTIFY_SECONDS, identify_stored, self.settings, self.limits, source, name
                )
            except (Overrun, Busy, RuntimeError):
                return None


def render_stored_page(
    root: Path, source: ObjectRef, number: int, rotation: int, redact: list[BoundingBox]
) -> bytes:
    """A page image of a stored original (in a sandbox process)."""
    return render_page(FileBlobStore(root).read(source), number, rotation, redact)


_runtimes: dict[LocalSettings, LocalRuntime] = {}


def identify_stored(settings: LocalSettings, limits: Limits, source: ObjectRef, name: str) -> Job:
    """Validate a stored upload (in a sandbox process): its record exists afterwards."""
    runtime = _runtimes.get(settings)
    if runtime is None:
        runtime = _runtimes[settings] = LocalRuntime(settings)
    runtime.pipeline.limits = limits
    return runtime.pipeline.identify(source, name)
