"""The CSV export: one row per medical entity of the reviewed view (one row per document
without any). Cells starting with = + - @ tab or CR get a leading apostrophe, so a
spreadsheet never runs OCR text as a formula (CSV/formula injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from meddoc.exports.reviewed import (
    ExportItem,
    Origin,
    ReviewedItem,
    best_concept,
    finding_origin,
    masked_item,
    phi_findings,
    reviewed_item,
)
from meddoc.model import Category, CodeSystem, MedicalEntity, Status
from meddoc.privacy import PhiFinding
from meddoc.structure.clinical import clinical_statements

COLUMNS = (
    "document_id",
    "file_name",
    "status",
    "review_status",
    "failure_reason",
    "entity_id",
    "origin",
    "category",
    "type",
    "text",
    "begin",
    "end",
    "score",
    "negated",
    "traits",
    "attributes",
    "icd10cm_code",
    "icd10cm_description",
    "rxnorm_code",
    "rxnorm_description",
    "snomedct_code",
    "snomedct_description",
    "text_source",
    # What the entity is read as in the section it sits in (meddoc.structure.clinical):
    # an allergy, a lab result, a smoking status..., and that section.
    "read_as",
    "section",
)

BOM = "\ufeff"  # a UTF-8 byte order mark: spreadsheets then read accents right
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SYSTEMS = (CodeSystem.ICD10CM, CodeSystem.RXNORM, CodeSystem.SNOMEDCT)


def export_csv(items: list[ExportItem], include_phi: bool = False) -> str:
    """Without PHI, every text is masked (meddoc.privacy) and PHI gets no rows; with
    it, each piece of the document's PHI gets a row of its own."""
    rows = (
        row
        for item in items
        for row in _rows(reviewed_item(item if include_phi else masked_item(item)), include_phi)
    )
    return csv_text(COLUMNS, rows)


def csv_text(columns: Sequence[str], rows: Iterable[list[str]], bom: bool = False) -> str:
    """Every CSV export's text: the header, then the rows with each cell defused; `bom`
    starts it with a byte order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([defuse(cell) for cell in row] for row in rows)
    return (BOM if bom else "") + buffer.getvalue()


def defuse(cell: str) -> str:
    """The cell as a spreadsheet shows it, never as a formula it would evaluate."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def _rows(item: ReviewedItem, include_phi: bool) -> list[list[str]]:
    document = _document_cells(item)
    readings = _readings(item)
    entities = [
        (e, item.origin(e), item.text_source)
        for e in item.entities
        if e.category != Category.PROTECTED_HEALTH_INFORMATION
    ]
    if include_phi:
        entities += [
            (_phi_entity(f), finding_origin(item, f), f.text_source) for f in phi_findings(item)
        ]
    if not entities:
        # Nothing may vanish from a spreadsheet: the document still gets its row.
        return [document + [""] * (len(COLUMNS) - len(document))]
    entities.sort(
        key=lambda row: (row[2] != item.text_source, row[0].begin, row[0].end, row[0].id)
    )
    return [
        document + _entity_cells(e, origin, source) + readings.get(e.id, ["", ""])
        for e, origin, source in entities
    ]


def _readings(item: ReviewedItem) -> dict[int, list[str]]:
    """Per entity id, the kind of statement it is read into and its section."""
    if item.document is None:
        return {}
    readings = clinical_statements(item.document).readings()
    return {
        entity_id: [statement.kind.value, statement.section.value]
        for entity_id, statement in readings.items()
    }


def _phi_entity(finding: PhiFinding) -> MedicalEntity:
    return MedicalEntity(
        finding.text,
        finding.begin,
        finding.end,
        finding.score,
        id=finding.entity_id if finding.entity_id is not None else -1,
        category=Category.PROTECTED_HEALTH_INFORMATION,
        type=finding.type,
    )


def _document_cells(item: ReviewedItem) -> list[str]:
    record = item.record
    failure = record.failure.reason if record.failure and record.status == Status.FAILED else ""
    return [
        record.id,
        record.name,
        record.status.value,
        record.review.status.value,
        failure,
    ]


def _entity_cells(entity: MedicalEntity, origin: Origin, text_source: str) -> list[str]:
    codes: list[str] = []
    for system in _SYSTEMS:
        concept = best_concept(entity, system)
        codes += [concept.code, concept.description] if concept else ["", ""]
    return [
        str(entity.id) if entity.id >= 0 else "",
        origin.value,
        entity.category.value,
        entity.type,
        entity.text,
        str(entity.begin),
        str(entity.end),
        f"{entity.score:.4f}",
        "yes" if entity.has_trait("NEGATION") else "no",
        ";".join(t.name for t in entity.traits),
        ";".join(f"{a.type}={a.text}" for a in entity.attributes),
        *codes,
        text_source,
    ]
