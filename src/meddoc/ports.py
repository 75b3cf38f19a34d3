"""The ports: what the pipeline needs from the outside world. AWS adapters (meddoc.aws)
and offline adapters (meddoc.local) implement them; the steps only see these."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from meddoc.model import (
    DocumentRecord,
    Failure,
    Language,
    LanguageAnalysis,
    MedicalAnalysis,
    ObjectRef,
    Status,
    Summary,
    TextDetection,
    Translation,
)


class BlobStore(Protocol):
    """Bytes by reference: the upload bucket and the results bucket, or local folders."""

    def size(self, ref: ObjectRef) -> int:
        """Size in bytes; raises DocumentNotFound when absent."""
        ...

    def read(self, ref: ObjectRef) -> bytes: ...

    def read_chunks(self, ref: ObjectRef, chunk_size: int = 1 << 20) -> Iterator[bytes]: ...

    def write(self, ref: ObjectRef, data: bytes, content_type: str) -> None: ...

    def delete(self, ref: ObjectRef) -> None: ...

    def exists(self, ref: ObjectRef) -> bool: ...


class TextDetector(Protocol):
    """OCR of a single-page image, synchronously."""

    def detect(self, ref: ObjectRef, content_type: str) -> TextDetection: ...


class AsyncTextDetector(Protocol):
    """OCR of a multi-page document (PDF, TIFF) as a job: start, then poll."""

    def start(self, ref: ObjectRef, content_type: str, token: str) -> str:
        """Start a job; the same token starts no second job. Returns the job id."""
        ...

    def poll(self, job_id: str) -> TextDetection | None:
        """The detection once the job has finished, None while it is running."""
        ...


class LanguageDetector(Protocol):
    def detect_language(self, text: str) -> Language: ...


class Translator(Protocol):
    def translate(self, text: str, source: str, target: str) -> Translation: ...


class LanguageAnalyzer(Protocol):
    """Key phrases, general entities, PII and sentiment of a text in a language."""

    def supports(self, language: str) -> bool: ...

    def analyze(self, text: str, language: Language) -> LanguageAnalysis: ...


class MedicalAnalyzer(Protocol):
    """Medical entities, PHI and codes of an English text."""

    def analyze(self, text: str) -> MedicalAnalysis: ...


class DocumentStore(Protocol):
    """Document records and their search index (DynamoDB, or SQLite locally)."""

    def get(self, document_id: str) -> DocumentRecord | None: ...

    def create(self, record: DocumentRecord) -> bool:
        """Store a new record; False (and no change) when the id already exists."""
        ...

    def add_source(self, document_id: str, source: ObjectRef) -> None:
        """Remember another upload of the same bytes."""
        ...

    def begin_processing(self, record: DocumentRecord) -> None:
        """Mark PROCESSING (a fresh attempt), clearing any earlier failure."""
        ...

    def finish(
        self, record: DocumentRecord, summary: Summary, terms: list[tuple[str, str]]
    ) -> None:
        """Mark DONE with the summary, and index the document under its terms:
        (kind, value) pairs such as ("entity", "metformin"), ("ICD-10-CM", "E11.9")."""
        ...

    def fail(self, document_id: str, failure: Failure) -> None:
        """Mark FAILED with a reason, unless the document is already DONE."""
        ...

    def by_status(self, status: Status, limit: int = 100) -> list[DocumentRecord]: ...
