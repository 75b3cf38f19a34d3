"""The one document model: pages, lines and words with page-relative geometry, the
language and medical analyses of the document text, and the document record."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Geometry and document structure are part of the one model (explicit re-exports).
from meddoc.geometry import BoundingBox as BoundingBox
from meddoc.geometry import Geometry as Geometry
from meddoc.geometry import Point as Point
from meddoc.model_structure import Cell as Cell
from meddoc.model_structure import DocumentType as DocumentType
from meddoc.model_structure import Field as Field
from meddoc.model_structure import FieldPart as FieldPart
from meddoc.model_structure import LayoutBlock as LayoutBlock
from meddoc.model_structure import LayoutKind as LayoutKind
from meddoc.model_structure import Section as Section
from meddoc.model_structure import SectionKind as SectionKind
from meddoc.model_structure import Selection as Selection
from meddoc.model_structure import SelectionStatus as SelectionStatus
from meddoc.model_structure import Structure as Structure
from meddoc.model_structure import Table as Table
from meddoc.model_structure import TypeGuess as TypeGuess
from meddoc.model_structure import WordRef as WordRef


class TextType(enum.StrEnum):
    PRINTED = "PRINTED"
    HANDWRITING = "HANDWRITING"


class Status(enum.StrEnum):
    QUEUED = "QUEUED"  # waiting for admission (AWS: in the queue, under the in-flight limit)
    RECEIVED = "RECEIVED"
    PROCESSING = "PROCESSING"
    DONE = "DONE"
    FAILED = "FAILED"


class ReviewStatus(enum.StrEnum):
    UNREVIEWED = "UNREVIEWED"
    APPROVED = "APPROVED"
    FLAGGED = "FLAGGED"


class Category(enum.StrEnum):
    """Comprehend Medical's entity categories."""

    ANATOMY = "ANATOMY"
    BEHAVIORAL_ENVIRONMENTAL_SOCIAL = "BEHAVIORAL_ENVIRONMENTAL_SOCIAL"
    MEDICAL_CONDITION = "MEDICAL_CONDITION"
    MEDICATION = "MEDICATION"
    PROTECTED_HEALTH_INFORMATION = "PROTECTED_HEALTH_INFORMATION"
    TEST_TREATMENT_PROCEDURE = "TEST_TREATMENT_PROCEDURE"
    TIME_EXPRESSION = "TIME_EXPRESSION"


class CodeSystem(enum.StrEnum):
    ICD10CM = "ICD-10-CM"
    RXNORM = "RxNorm"
    SNOMEDCT = "SNOMED CT"


class CodingState(enum.StrEnum):
    """Why a code system has (or has no) concepts in a result."""

    LINKED = "LINKED"  # the engine looked codes up in this system
    DISABLED = "DISABLED"  # turned off by configuration (cost control)
    UNAVAILABLE = "UNAVAILABLE"  # the engine cannot code in this system (e.g. offline)


# --- text detection -------------------------------------------------------------------


@dataclass(slots=True)
class Word:
    text: str
    geometry: Geometry
    confidence: float  # 0-1
    text_type: TextType = TextType.PRINTED
    begin: int | None = None  # offset into Document.text, set by layout_text


@dataclass(slots=True)
class Line:
    text: str
    geometry: Geometry
    confidence: float  # 0-1
    words: list[Word] = field(default_factory=list)
    begin: int | None = None


@dataclass(slots=True)
class Page:
    number: int  # 1-based
    lines: list[Line] = field(default_factory=list)
    width: int | None = None  # pixels of the image the geometry refers to, when known
    height: int | None = None
    rotation: int = 0  # degrees clockwise the image was turned to read it upright
    # Structure read from the page (empty when the engine reads text only).
    fields: list[Field] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    layout: list[LayoutBlock] = field(default_factory=list)  # in reading order
    selections: list[Selection] = field(default_factory=list)  # every checkbox mark


@dataclass(slots=True)
class Engine:
    """Which engine produced a part of the result, for provenance and reprocessing."""

    name: str
    version: str


@dataclass(slots=True)
class TextDetection:
    pages: list[Page]
    engine: Engine


# --- language analysis ----------------------------------------------------------------


@dataclass(slots=True)
class Language:
    code: str  # ISO 639-1, e.g. "en", "es"
    score: float


@dataclass(slots=True)
class Span:
    """A scored stretch of an analysed text: text == analysed_text[begin:end]."""

    text: str
    begin: int
    end: int
    score: float


@dataclass(slots=True)
class KeyPhrase(Span):
    pass


@dataclass(slots=True)
class NamedEntity(Span):
    """A general (non-medical) entity: PERSON, LOCATION, DATE, ORGANIZATION, ..."""

    type: str = ""


@dataclass(slots=True)
class PiiEntity(Span):
    type: str = ""  # NAME, ADDRESS, PHONE, SSN, DATE_TIME, ...


@dataclass(slots=True)
class Sentiment:
    label: str  # POSITIVE | NEGATIVE | NEUTRAL | MIXED
    positive: float
    negative: float
    neutral: float
    mixed: float


@dataclass(slots=True)
class Segment:
    """One translated piece: original text [source_begin, source_end) became
    translation text [target_begin, target_end)."""

    source_begin: int
    source_end: int
    target_begin: int
    target_end: int


@dataclass(slots=True)
class Translation:
    source_language: str
    target_language: str
    text: str
    segments: list[Segment]
    engine: Engine


@dataclass(slots=True)
class LanguageAnalysis:
    """Comprehend-style analysis. Offsets point into `text_source`: the original
    document text, or its translation when the language was not supported."""

    language: Language
    text_source: str = "original"  # "original" | "translation"
    key_phrases: list[KeyPhrase] = field(default_factory=list)
    entities: list[NamedEntity] = field(default_factory=list)
    pii: list[PiiEntity] = field(default_factory=list)
    sentiment: Sentiment | None = None
    engines: list[Engine] = field(default_factory=list)
    note: str = ""  # why the analysis is empty or partial, for reviewers


# --- medical analysis -----------------------------------------------------------------


@dataclass(slots=True)
class Trait:
    name: str  # NEGATION, DIAGNOSIS, SIGN, SYMPTOM, PAST_HISTORY, HYPOTHETICAL, ...
    score: float


@dataclass(slots=True)
class Concept:
    system: CodeSystem
    code: str
    description: str
    score: float


@dataclass(slots=True)
class Attribute(Span):
    """A detail of an entity: DOSAGE, ROUTE_OR_MODE, FREQUENCY, STRENGTH, DURATION,..."""

    type: str = ""
    category: str | None = None
    relationship_type: str | None = None
    relationship_score: float | None = None
    traits: list[Trait] = field(default_factory=list)


@dataclass(slots=True)
class MedicalEntity(Span):
    id: int = 0
    category: Category = Category.MEDICAL_CONDITION
    type: str = ""  # DX_NAME, GENERIC_NAME, BRAND_NAME, TEST_NAME, SYSTEM_ORGAN_SITE, NAME...
    traits: list[Trait] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)
    concepts: list[Concept] = field(default_factory=list)

    def has_trait(self, name: str) -> bool:
        return any(t.name == name for t in self.traits)


@dataclass(slots=True)
class Coding:
    system: CodeSystem
    state: CodingState
    note: str = ""


@dataclass(slots=True)
class MedicalAnalysis:
    """Comprehend-Medical-style analysis; offsets point into `text_source`."""

    text_source: str = "original"  # "original" | "translation"
    entities: list[MedicalEntity] = field(default_factory=list)
    phi: list[MedicalEntity] = field(default_factory=list)
    unmapped_attributes: list[Attribute] = field(default_factory=list)
    coding: list[Coding] = field(default_factory=list)
    engines: list[Engine] = field(default_factory=list)
    note: str = ""  # why the analysis is empty or partial, for reviewers


# --- the document and its record ------------------------------------------------------


@dataclass(slots=True)
class Document:
    """Everything the pipeline learned about one uploaded file."""

    id: str
    pages: list[Page]
    text: str
    language: LanguageAnalysis | None = None
    translation: Translation | None = None
    medical: MedicalAnalysis | None = None
    engines: list[Engine] = field(default_factory=list)
    structure: Structure | None = None

    def analysed_text(self, text_source: str) -> str:
        if text_source == "translation":
            if self.translation is None:
                raise ValueError("analysis refers to a translation the document lacks")
            return self.translation.text
        return self.text


@dataclass(frozen=True, slots=True)
class ObjectRef:
    """Where bytes live: an S3 bucket and key, or a local store name and relative path.
    `version` pins one S3 object version (a key can be overwritten with other bytes);
    empty means the current bytes (local stores, or refs stored before versions)."""

    bucket: str
    key: str
    version: str = ""

    def __str__(self) -> str:
        return f"{self.bucket}/{self.key}"


@dataclass(slots=True)
class Failure:
    step: str
    reason: str  # human-readable, free of PHI
    error: str = ""  # the error type, for operators


@dataclass(slots=True)
class Review:
    status: ReviewStatus = ReviewStatus.UNREVIEWED
    reviewer: str | None = None
    reviewed_at: datetime | None = None
    notes: str = ""


@dataclass(slots=True)
class Summary:
    """Counts for lists and dashboards, small enough for any index row."""

    pages: int = 0
    words: int = 0
    handwriting_words: int = 0
    mean_confidence: float = 0.0
    language: str | None = None
    translated: bool = False
    medications: int = 0
    conditions: int = 0
    tests: int = 0
    anatomy: int = 0
    phi: int = 0
    icd10cm_codes: list[str] = field(default_factory=list)
    rxnorm_codes: list[str] = field(default_factory=list)
    # The file name with the document's PHI words masked, as lists show it (a file name
    # often carries the patient's name).
    shown_name: str = ""
    document_type: str = ""  # a DocumentType value, for lists and filters


@dataclass(slots=True)
class DocumentRecord:
    id: str  # sha256 of the uploaded bytes, hex
    source: ObjectRef
    name: str  # the file name as uploaded, for people
    content_type: str
    size: int
    created_at: datetime
    updated_at: datetime
    status: Status = Status.RECEIVED
    page_count: int = 1
    failure: Failure | None = None
    engines: list[Engine] = field(default_factory=list)
    summary: Summary | None = None
    review: Review = field(default_factory=Review)
    result: ObjectRef | None = None  # the full Document JSON, once DONE
    other_sources: list[ObjectRef] = field(default_factory=list)  # same bytes again
    attempts: int = 1


# --- review -----------------------------------------------------------------------------


class CorrectionKind(enum.StrEnum):
    CORRECT = "CORRECT"  # replace what the engine said about one entity
    ADD = "ADD"  # an entity the engine missed
    REMOVE = "REMOVE"  # an entity the engine should not have found
    FIELD = "FIELD"  # the value of a form field, as read on the page
    CELL = "CELL"  # the text of a table cell, as read on the page


@dataclass(slots=True)
class Correction:
    """A reviewer's change to the medical entities. The machine result is never
    overwritten: the reviewed view is the machine entities with the corrections
    applied in order (see meddoc.review)."""

    id: str
    document_id: str
    kind: CorrectionKind
    actor: str
    at: datetime
    entity_id: int | None = None  # the machine entity corrected or removed
    entity: MedicalEntity | None = None  # the entity as corrected or added
    # FIELD: the field id ("p1.f3"); CELL: the table id and cell ("p1.t1/r2c3").
    target: str = ""
    value: str = ""  # FIELD/CELL: the text as corrected
    note: str = ""


@dataclass(slots=True)
class AuditEvent:
    """Who did what to a document, when, with the state before and after."""

    id: str
    document_id: str
    action: str  # APPROVE, FLAG, UNREVIEW, NOTE, CORRECT, ADD, REMOVE, REVEAL_PHI, ...
    actor: str
    at: datetime
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    note: str = ""
