"""The ports: what the pipeline needs from the outside world. AWS adapters (meddoc.aws)
and offline adapters (meddoc.local) implement them; the steps only see these."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

from meddoc.model import (
    AuditEvent,
    Correction,
    DocumentRecord,
    Language,
    LanguageAnalysis,
    MedicalAnalysis,
    ObjectRef,
    ReviewStatus,
    Status,
    TextDetection,
    Translation,
)


class CallCheckpoints(Protocol):
    """Answers of billable calls kept per chunk while a step runs, so that a retried step
    reads back what an earlier try already paid for (pipeline.checkpoints)."""

    def get(self, api: str, index: int, request: str) -> Any | None:
        """The answer kept for call `index` of `api` with exactly this request, or None."""
        ...

    def put(self, api: str, index: int, request: str, response: Any) -> None: ...


@dataclass(slots=True)
class ResponseLog:
    """Raw service responses gathered while a step runs; the step stores them beside the
    result so that nothing the services said is lost. Offline engines may leave it empty.
    With checkpoints, `call` makes each billable call at most once per attempt."""

    responses: list[tuple[str, Any]] = field(default_factory=list)
    checkpoints: CallCheckpoints | None = None

    def add(self, api: str, response: Any) -> None:
        self.responses.append((api, response))

    def call(self, api: str, index: int, request: str, make: Callable[[], Any]) -> Any:
        """The answer to call `index` of `api`: read back when an earlier try of the step
        kept it, else made (billed), kept, and logged. `request` is everything the answer
        depends on (chunk text and parameters), so a changed request is asked again."""
        response = self.checkpoints.get(api, index, request) if self.checkpoints else None
        if response is None:
            response = make()
            if self.checkpoints is not None:
                self.checkpoints.put(api, index, request, response)
        self.add(api, response)
        return response


class BlobStore(Protocol):
    """Bytes by reference: the upload and results buckets, or local folders."""

    def size(self, ref: ObjectRef) -> int:
        """Size in bytes; raises DocumentNotFound when absent."""
        ...

    def read(self, ref: ObjectRef) -> bytes: ...

    def read_chunks(self, ref: ObjectRef, chunk_size: int = 1 << 20) -> Iterator[bytes]: ...

    def read_range(self, ref: ObjectRef, start: int, length: int) -> bytes:
        """Up to `length` bytes from offset `start` (fewer at the end of the object)."""
        ...

    def write(self, ref: ObjectRef, data: bytes, content_type: str) -> None: ...

    def delete_prefix(self, bucket: str, prefix: str) -> int:
        """Delete every object under a prefix; returns how many."""
        ...


class TextDetector(Protocol):
    """OCR of a document, synchronously (AWS: single-page images only)."""

    def detect(self, ref: ObjectRef, content_type: str, log: ResponseLog) -> TextDetection: ...


@dataclass(frozen=True, slots=True)
class ResultPage:
    """One page of an asynchronous job's results, as the service returned it."""

    api: str
    response: Any
    next_token: str = ""  # "" on the last page


class AsyncTextDetector(Protocol):
    """OCR of a multi-page document (PDF, TIFF) as a job: start, then fetch its result
    pages one at a time (each is stored before the next is asked for), then assemble
    the detection from the stored pages, read back one at a time."""

    def start(self, ref: ObjectRef, token: str, log: ResponseLog) -> str:
        """Start a job; the same token starts no second job. Returns the job id."""
        ...

    def fetch(self, job_id: str, token: str) -> ResultPage | None:
        """The result page after `token` ("" for the first); None while the job runs.
        Raises TextDetectionFailed when the job failed."""
        ...

    def assemble(self, pages: Iterable[Any]) -> TextDetection:
        """The detection from every result page's response, in order, consumed lazily."""
        ...


class LanguageDetector(Protocol):
    def detect_language(self, text: str, log: ResponseLog) -> Language: ...


class Translator(Protocol):
    def translate(self, text: str, source: str, target: str, log: ResponseLog) -> Translation: ...


class LanguageAnalyzer(Protocol):
    """Key phrases, general entities, PII and sentiment of a text in a language."""

    def supports(self, language: str) -> bool: ...

    def analyze(self, text: str, language: Language, log: ResponseLog) -> LanguageAnalysis: ...


class MedicalAnalyzer(Protocol):
    """Medical entities, PHI and codes of a text (AWS: English only)."""

    def supports(self, language: str) -> bool: ...

    def analyze(self, text: str, language: str, log: ResponseLog) -> MedicalAnalysis: ...


@dataclass(frozen=True, slots=True)
class IndexTerm:
    """A way to find a document: kind is "entity" (with the entity's category), or a
    code system ("ICD-10-CM", "RxNorm"); value is normalized (lower case entity text,
    upper case code)."""

    kind: str
    value: str
    category: str = ""


RecordChange = Callable[[DocumentRecord], bool]


class DocumentStore(Protocol):
    """Document records and their search index (DynamoDB, or SQLite locally)."""

    def get(self, document_id: str) -> DocumentRecord | None: ...

    def create(self, record: DocumentRecord) -> bool:
        """Store a new record; False (and no change) when the id already exists."""
        ...

    def update(self, document_id: str, change: RecordChange) -> DocumentRecord:
        """Apply `change` to the stored record atomically (re-reading and re-applying on
        a concurrent write); `change` mutates the record and returns whether it changed
        anything. Raises DocumentNotFound."""
        ...

    def index(self, document_id: str, terms: Iterable[IndexTerm], text: str) -> None:
        """Replace the document's index terms (and, where the store offers free-text
        search, its searchable text)."""
        ...


@dataclass(frozen=True, slots=True)
class DocumentQuery:
    """A search of the document list; every filter is optional, results newest first."""

    status: Status | None = None
    review: ReviewStatus | None = None
    since: datetime | None = None  # created at or after
    until: datetime | None = None  # created before
    text: str = ""  # free text (local: full text; AWS: entity terms and codes)
    entity: str = ""  # entity text, as found (case-insensitive)
    code: str = ""  # ICD-10-CM or RxNorm code
    category: str = ""  # of the entity or code searched
    document_type: str = ""  # a DocumentType value (Summary.document_type)
    limit: int = 25
    cursor: str | None = None  # opaque, from the previous page


@dataclass(slots=True)
class RecordPage:
    records: list[DocumentRecord]
    next_cursor: str | None = None


class ReviewStore(Protocol):
    """Searching documents and keeping what reviewers did (both stores implement it
    beside DocumentStore)."""

    def search(self, query: DocumentQuery) -> RecordPage: ...

    def count_by_status(self) -> dict[str, int]: ...

    def add_audit(self, event: AuditEvent) -> None: ...

    def audit(self, document_id: str) -> list[AuditEvent]: ...

    def add_correction(self, correction: Correction) -> None: ...

    def corrections(self, document_id: str) -> list[Correction]: ...

    def delete(self, document_id: str) -> None:
        """Delete the record, its index entries, corrections and audit events (they
        may quote PHI); the caller then records a content-free deletion event."""
        ...


class ReviewUnitOfWork(Protocol):
    """Review writes that commit together or not at all: a record change, its audit
    event, a correction and the index row it changes (cosmicpython's unit of work).

        with make_unit() as unit:
            record = unit.get(document_id)
            ...
            unit.add_audit(event)
            unit.commit()

    Leaving the block without commit() writes nothing. A record read or changed through
    the unit must still be as read when it commits: if another writer changed it
    meanwhile, commit() raises ConcurrentChange and writes nothing (try again). Other
    reads go to the stores: read what the change depends on before writing."""

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def get(self, document_id: str) -> DocumentRecord | None: ...

    def update(self, document_id: str, change: RecordChange) -> DocumentRecord:
        """Apply `change` to the record (as DocumentStore.update); DocumentNotFound."""
        ...

    def add_audit(self, event: AuditEvent) -> None: ...

    def add_correction(self, correction: Correction) -> None: ...

    def index(self, document_id: str, terms: Iterable[IndexTerm], text: str) -> None:
        """Replace the document's index terms and text, as DocumentStore.index."""
        ...

    def commit(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Tombstone:
    """A deleted document. Runs of its attempts up to `attempts` may still be under way:
    they stop at their next write; a new upload of the same bytes starts at the next
    attempt (so nothing a deleted run stored, e.g. an idempotency record, is reused)."""

    document_id: str
    attempts: int
    at: datetime


class Tombstones(Protocol):
    """Tombstones, kept beside the document records (DynamoDB, or SQLite locally)."""

    def bury(self, tombstone: Tombstone) -> None: ...

    def find(self, document_id: str) -> Tombstone | None: ...

    def lift(self, document_id: str) -> None: ...

    def older_than(self, moment: datetime) -> list[Tombstone]: ...
