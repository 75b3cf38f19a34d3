"""The structure of a document beyond its words: form fields (label -> value, checkboxes),
tables, layout blocks in reading order, sections and the kind of document. Parts refer to
their words by position on the page, so each can be shown on the page image and found in
the document text (Word.begin)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from meddoc.geometry import Geometry


class SelectionStatus(enum.StrEnum):
    """A checkbox or radio button, as Textract names its states."""

    SELECTED = "SELECTED"
    NOT_SELECTED = "NOT_SELECTED"


@dataclass(frozen=True, slots=True)
class WordRef:
    """One word of a page: Page.lines[line].words[word]."""

    line: int
    word: int


@dataclass(slots=True)
class Selection:
    """A checkbox or radio button mark on a page."""

    status: SelectionStatus
    geometry: Geometry
    confidence: float  # 0-1


@dataclass(slots=True)
class FieldPart:
    """The key (label) or the value of a form field."""

    text: str
    words: list[WordRef] = field(default_factory=list)
    geometry: Geometry | None = None


@dataclass(slots=True)
class Field:
    """A form field: a label and its value ("Allergies: Sulfamethoxazole"). A checkbox
    field's value may have no words; its `selection` says whether it is ticked."""

    id: str  # unique in the document: "p<page>.f<n>"
    key: FieldPart
    value: FieldPart
    confidence: float  # 0-1
    selection: SelectionStatus | None = None


@dataclass(slots=True)
class Cell:
    row: int  # 1-based; a merged cell's first row and column
    column: int
    text: str
    words: list[WordRef] = field(default_factory=list)
    geometry: Geometry | None = None
    confidence: float = 0.0  # 0-1
    row_span: int = 1
    column_span: int = 1
    header: bool = False  # a column header
    selection: SelectionStatus | None = None


@dataclass(slots=True)
class Table:
    id: str  # unique in the document: "p<page>.t<n>"
    geometry: Geometry
    confidence: float  # 0-1
    rows: int
    columns: int
    cells: list[Cell] = field(default_factory=list)
    title: str = ""

    def cell(self, row: int, column: int) -> Cell | None:
        """The cell covering (row, column), merged cells included."""
        for cell in self.cells:
            if (
                cell.row <= row < cell.row + cell.row_span
                and cell.column <= column < cell.column + cell.column_span
            ):
                return cell
        return None

    def row(self, row: int) -> list[Cell]:
        """The cells that start in one row, left to right."""
        return sorted((c for c in self.cells if c.row == row), key=lambda c: c.column)

    @property
    def header_rows(self) -> int:
        """How many rows at the top are column headers."""
        count = 0
        while count < self.rows and any(c.header for c in self.row(count + 1)):
            count += 1
        return count


class LayoutKind(enum.StrEnum):
    """Textract's LAYOUT_* block types, without the prefix."""

    TITLE = "TITLE"
    SECTION_HEADER = "SECTION_HEADER"
    TEXT = "TEXT"
    LIST = "LIST"
    TABLE = "TABLE"
    KEY_VALUE = "KEY_VALUE"
    PAGE_HEADER = "HEADER"
    PAGE_FOOTER = "FOOTER"
    PAGE_NUMBER = "PAGE_NUMBER"
    FIGURE = "FIGURE"


@dataclass(slots=True)
class LayoutBlock:
    """A region of a page of one kind; a page's blocks are in reading order."""

    kind: LayoutKind
    geometry: Geometry
    confidence: float  # 0-1
    lines: list[int] = field(default_factory=list)  # indices into Page.lines


class DocumentType(enum.StrEnum):
    INTAKE_FORM = "INTAKE_FORM"
    PRESCRIPTION = "PRESCRIPTION"
    LAB_REPORT = "LAB_REPORT"
    VISIT_NOTE = "VISIT_NOTE"
    DISCHARGE_SUMMARY = "DISCHARGE_SUMMARY"
    INSURANCE_CARD = "INSURANCE_CARD"
    CONSENT = "CONSENT"  # consent or release of information
    OTHER = "OTHER"


@dataclass(slots=True)
class TypeGuess:
    type: DocumentType = DocumentType.OTHER
    confidence: float = 0.0  # 0-1


class SectionKind(enum.StrEnum):
    """What a stretch of the document is about; it decides what its entities mean
    (an allergy is not a medication taken, a smoking history is not family history)."""

    ISSUER = "ISSUER"  # letterhead: who issued the document, never the patient
    PATIENT = "PATIENT"  # the patient's own details
    REASON = "REASON"  # reason for visit, chief complaint
    PROBLEMS = "PROBLEMS"  # current conditions, diagnoses, assessment
    ALLERGIES = "ALLERGIES"
    MEDICATIONS = "MEDICATIONS"  # current medications
    PRESCRIBED = "PRESCRIBED"  # what this document prescribes (Rx)
    PAST_HISTORY = "PAST_HISTORY"
    FAMILY_HISTORY = "FAMILY_HISTORY"
    SOCIAL_HISTORY = "SOCIAL_HISTORY"
    VITAL_SIGNS = "VITAL_SIGNS"
    RESULTS = "RESULTS"  # laboratory results
    EXAM = "EXAM"
    PLAN = "PLAN"
    SIGNATURE = "SIGNATURE"
    OTHER = "OTHER"


@dataclass(slots=True)
class Section:
    """A stretch of the document text ([begin, end) of Document.text) of one kind: under a
    heading ("Family history"), or one field ("Allergies: Penicillin")."""

    kind: SectionKind
    title: str  # the heading or label as written
    begin: int
    end: int


@dataclass(slots=True)
class Structure:
    """What the document is and how its text divides, worked out the same way on both
    hosts once the text is known."""

    document_type: TypeGuess = field(default_factory=TypeGuess)
    sections: list[Section] = field(default_factory=list)

    def sections_at(self, offset: int) -> list[Section]:
        """The sections holding an offset, innermost (shortest) first."""
        holding = [s for s in self.sections if s.begin <= offset < s.end]
        return sorted(holding, key=lambda s: s.end - s.begin)

    def kind_at(self, offset: int) -> SectionKind:
        holding = self.sections_at(offset)
        return holding[0].kind if holding else SectionKind.OTHER
