"""What the API returns: small dataclasses around the model, so the published OpenAPI
document describes every response exactly."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from meddoc.model import (
    AuditEvent,
    Category,
    CodeSystem,
    Correction,
    CorrectionKind,
    Document,
    DocumentRecord,
    Field,
    MedicalEntity,
    ReviewStatus,
    Section,
    Status,
    Table,
)


@dataclass(slots=True)
class DocumentList:
    items: list[DocumentRecord]
    next_cursor: str | None = None


@dataclass(slots=True)
class PageLink:
    number: int
    image_url: str
    width: int | None = None
    height: int | None = None


@dataclass(slots=True)
class Reading:
    """What an entity is read as where it sits (meddoc.structure.clinical): a drug
    under "Allergies" is an ALLERGY, an analyte in a lab table a LAB_RESULT."""

    entity_id: int
    read_as: str  # a StatementKind value
    section: str  # a SectionKind value


@dataclass(slots=True)
class DocumentView:
    """One document for review. `document` is the machine result (PHI masked unless
    `phi_revealed`); `entities`, `fields` and `tables` are the reviewed view (corrections
    applied; a field or cell id "p<page>.f<n>" / "p<page>.t<n>" names its page), and
    `corrected` the fields and cells ("p1.t1/r2c3") reviewers corrected; `readings` and
    `sections` come from the clinical mapping of that reviewed view."""

    record: DocumentRecord
    document: Document | None
    entities: list[MedicalEntity]
    corrections: list[Correction]
    audit: list[AuditEvent]
    pages: list[PageLink]
    phi_revealed: bool = False
    fields: list[Field] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    corrected: list[str] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)  # the document's, in text order


@dataclass(slots=True)
class UploadIntent:
    """How to send a file: POST with `fields` as form fields then the file (S3
    presigned POST), or PUT of the raw bytes (local server)."""

    method: str
    url: str
    key: str
    fields: dict[str, str] = field(default_factory=dict)
    max_bytes: int = 0


@dataclass(slots=True)
class WorkerHealth:
    """The processes that run the pipeline (local mode)."""

    alive: int
    expected: int
    host: str = ""  # the id of the process running them (this one, or another)
    last_crash: str | None = None  # when and how a worker last died


@dataclass(slots=True)
class RuntimeHealth:
    """What the host's runtime knows beyond the documents: its workers and problems."""

    workers: WorkerHealth | None = None
    disk_free_mb: int | None = None
    problems: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Health:
    status: str  # "ok", or "degraded" with the problems listed
    version: str
    mode: str
    documents: dict[str, int]
    workers: WorkerHealth | None = None
    disk_free_mb: int | None = None
    problems: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Accepted:
    document_id: str
    status: str
    message: str = ""


@dataclass(slots=True)
class Deleted:
    document_id: str
    objects: int


@dataclass(slots=True)
class ReviewRequest:
    status: ReviewStatus
    note: str = ""


@dataclass(slots=True)
class NoteRequest:
    text: str


@dataclass(slots=True)
class EntityInput:
    """An entity as a reviewer states it; offsets point into the analysed text (the
    text may be left out: a masked view cannot quote PHI, and the offsets say it)."""

    begin: int
    end: int
    category: Category
    type: str
    text: str = ""
    code: str = ""
    code_system: CodeSystem = CodeSystem.ICD10CM
    code_description: str = ""
    negated: bool = False


@dataclass(slots=True)
class CorrectionRequest:
    """CORRECT / ADD / REMOVE an entity (entity_id, entity), or FIELD / CELL: the value of
    a form field (target "p1.f3") or the text of a table cell (target "p1.t1/r2c3") as
    it should read."""

    kind: CorrectionKind
    entity_id: int | None = None
    entity: EntityInput | None = None
    note: str = ""
    target: str = ""
    value: str = ""


@dataclass(slots=True)
class UploadRequest:
    name: str
    size: int
    content_type: str = "application/octet-stream"


@dataclass(slots=True)
class ExportRequest:
    ids: list[str]
    format: str = "json"  # json | csv | fields_csv | statements_csv | fhir
    include_phi: bool = False
    include_patient: bool = False


@dataclass(slots=True)
class ExportJob:
    """An export too big to answer at once, written to the results store by a worker:
    RUNNING, then DONE with a short-lived `download_url`, or FAILED with a reason."""

    id: str
    status: str  # RUNNING | DONE | FAILED
    format: str
    documents: int
    created_at: datetime
    download_url: str = ""
    reason: str = ""


@dataclass(slots=True)
class PipelineStatus:
    """For operators: how many documents are where, what moved in the last hour, and
    the document waiting longest (the first place to look when something is stuck)."""

    documents: dict[str, int]
    done_last_hour: int
    oldest_unsettled: DocumentRecord | None = None


@dataclass(slots=True)
class ReprocessRequest:
    """Which documents to process again: those with a status (e.g. FAILED), or every
    document (after an engine upgrade)."""

    status: Status | None = None
    all: bool = False


@dataclass(slots=True)
class ReprocessResult:
    queued: int
    skipped: int


@dataclass(slots=True)
class Identity:
    """The caller as the API sees them: the name the audit trail records, their roles,
    and what those permit (the site shows only the actions listed here)."""

    name: str
    roles: list[str]
    permissions: list[str]


@dataclass(slots=True)
class ErrorDetail:
    code: str
    message: str


@dataclass(slots=True)
class ErrorBody:
    """Every error answer: a code (e.g. NotAllowed) and a readable, PHI-free message."""

    error: ErrorDetail
