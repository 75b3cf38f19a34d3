"""The job that travels between steps: identity, type, and pointers to what earlier steps
stored. It stays small (Step Functions passes at most 256 KB between states)."""

from __future__ import annotations

from dataclasses import dataclass, field

from meddoc.model import ObjectRef

PROCESS = "process"
SKIP = "skip"  # the same bytes are already processed or in progress
REJECT = "reject"  # the upload can never be processed; its record says why

# Artifact names, also the file names under documents/<id>/steps/.
OCR = "ocr"
LANGUAGE = "language"
TEXT_ANALYSIS = "text"
MEDICAL = "medical"


@dataclass(slots=True)
class Job:
    source: ObjectRef
    name: str = ""
    document_id: str = ""
    content_type: str = ""
    page_count: int = 0
    attempt: int = 1
    action: str = PROCESS
    reason: str = ""
    reprocess: bool = False
    # A local job that owns its record: an upload identified on arrival, or a job a
    # crash interrupted (then its PROCESSING document starts again).
    resume: bool = False
    # The record a resuming job carries on with: bytes that no longer hash to it (an
    # original replaced under the same name) fail that record instead of another's.
    expected_id: str = ""
    text_job_id: str = ""  # asynchronous text detection
    text_status: str = ""
    polls: int = 0
    # Collection of an async job's results, page by page: the pages stored so far and the
    # token of the next (collection carries on in the next invocation when time runs out).
    text_pages: int = 0
    text_token: str = ""
    artifacts: dict[str, str] = field(default_factory=dict)  # name -> key in results
    analysis: dict[str, str] = field(default_factory=dict)  # from the parallel branches

    @property
    def multi_page(self) -> bool:
        return self.content_type == "application/pdf" or self.page_count > 1


@dataclass(frozen=True, slots=True)
class ResultsLayout:
    """Where a document's results live: everything under documents/<id>/, so deleting a
    document is deleting one prefix."""

    bucket: str

    def prefix(self, document_id: str) -> str:
        return f"documents/{document_id}/"

    def document(self, document_id: str) -> ObjectRef:
        return ObjectRef(self.bucket, f"{self.prefix(document_id)}document.json")

    def artifact(self, document_id: str, name: str) -> ObjectRef:
        return ObjectRef(self.bucket, f"{self.prefix(document_id)}steps/{name}.json")

    def checkpoint(self, document_id: str, attempt: int, name: str) -> ObjectRef:
        """A billable call's answer kept for retries of that attempt (checkpoints.py)."""
        key = f"{self.prefix(document_id)}steps/checkpoints/{attempt}/{name}.json"
        return ObjectRef(self.bucket, key)

    def raw(self, document_id: str, name: str) -> ObjectRef:
        return ObjectRef(self.bucket, f"{self.prefix(document_id)}raw/{name}.json")
