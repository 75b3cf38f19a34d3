"""What the review service needs from the host it runs on: where uploads go, how a
document is processed again, where originals live and what renders page images."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from meddoc.api.views import UploadIntent
from meddoc.model import BoundingBox, DocumentRecord, ObjectRef


class UploadGateway(Protocol):
    def intent(self, name: str, size: int, content_type: str) -> UploadIntent: ...


class Reprocessor(Protocol):
    def reprocess(self, record: DocumentRecord) -> None: ...


class PageRenderer(Protocol):
    """Renders page images somewhere else (locally: in a sandbox process, so a slow page
    holds up no other request)."""

    def render(
        self, source: ObjectRef, number: int, rotation: int, redact: list[BoundingBox]
    ) -> bytes: ...


class Uploads(Protocol):
    """Where originals live, so deleting a document can delete them too."""

    def delete_original(self, record: DocumentRecord) -> int: ...


class ExportRunner(Protocol):
    """Runs an export job elsewhere (AWS: the export function, invoked asynchronously;
    locally: a worker thread of the server), so no request waits for it."""

    def start(self, export_id: str) -> None: ...


class DownloadLinks(Protocol):
    """A short-lived link to a finished export (AWS: a presigned GET of the object;
    locally: the API's own route)."""

    def url(self, ref: ObjectRef, export_id: str, filename: str, content_type: str) -> str: ...


@dataclass(frozen=True, slots=True)
class PageImage:
    """A page image, PHI boxes blacked out unless PHI was revealed."""

    content_type: str
    body: bytes
