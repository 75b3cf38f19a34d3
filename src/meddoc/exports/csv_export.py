"""The CSV export: one row per medical entity of the reviewed view (one row per document
without any). Cells starting with = + - @ tab or CR get a leading apostrophe, so a
spreadsheet never runs OCR text as a formula (CSV/formula injection)."""

from __future__ import annotations

import csv
import io

from meddoc.exports.reviewed import (
    ExportItem,
    Origin,
    ReviewedItem,
    best_concept,
    phi_entities,
    reviewed_item,
)
from meddoc.model import Category, CodeSystem, MedicalEntity, Status

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
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SYSTEMS = (CodeSystem.ICD10CM, CodeSystem.RXNORM, CodeSystem.SNOMEDCT)


def export_csv(items: list[ExportItem], include_phi: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for item in items:
        for row in _rows(reviewed_item(item), include_phi):
            writer.writerow([defuse(cell) for cell in row])
    return buffer.getvalue()


def defuse(cell: str) -> str:
    """The cell as a spreadsheet shows it, never as a formula it would evaluate."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def _rows(item: ReviewedItem, include_phi: bool) -> list[list[str]]:
    document = _document_cells(item)
    entities = [
        (e, item.origin(e))
        for e in item.entities
        if e.category != Category.PROTECTED_HEALTH_INFORMATION
    ]
    if include_phi:
        in_entities = {id(e) for e in item.entities}
        entities += [
            (e, item.origin(e) if id(e) in in_entities else Origin.MACHINE)
            for e in phi_entities(item)
        ]
    if not entities:
        # Nothing may vanish from a spreadsheet: the document still gets its row.
        return [document + [""] * (len(COLUMNS) - len(document))]
    entities.sort(key=lambda pair: (pair[0].begin, pair[0].end, pair[0].id))
    return [document + _entity_cells(item, e, origin) for e, origin in entities]


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


def _entity_cells(item: ReviewedItem, entity: MedicalEntity, origin: Origin) -> list[str]:
    codes: list[str] = []
    for system in _SYSTEMS:
        concept = best_concept(entity, system)
        codes += [concept.code, concept.description] if concept else ["", ""]
    return [
        str(entity.id),
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
        item.text_source,
    ]
