"""The clinical statements CSV: one row per statement of each reviewed document (an allergy,
a medication, one lab row with its own value, unit, range and flag, a vital sign...),
masked like every export unless PHI is asked for; cells defused like the entities CSV."""

from __future__ import annotations

from collections.abc import Iterator

from meddoc.exports.csv_export import csv_text
from meddoc.exports.reviewed import ExportItem, masked_item, reviewed_item
from meddoc.model import CodeSystem
from meddoc.structure.clinical import clinical_statements
from meddoc.structure.statements import Quantity, Statement

COLUMNS = (
    "document_id",
    "file_name",
    "document_type",
    "statement",
    "kind",
    "section",
    "text",
    "value",
    "unit",
    "ucum",
    "reference_low",
    "reference_high",
    "reference_text",
    "interpretation",
    "status",
    "detail",
    "loinc",
    "answer_snomedct",
    "relationship",
    "rxnorm_code",
    "icd10cm_code",
    "snomedct_code",
    "entity_ids",
)


def export_statements_csv(items: list[ExportItem], include_phi: bool = False) -> str:
    # A byte order mark, as the fields CSV has: spreadsheets then read accents right.
    rows = (row for item in items for row in _rows(item, include_phi))
    return csv_text(COLUMNS, rows, bom=True)


def _rows(item: ExportItem, include_phi: bool) -> Iterator[list[str]]:
    reviewed = reviewed_item(item if include_phi else masked_item(item))
    if reviewed.document is None:
        return
    clinical = clinical_statements(reviewed.document)
    document = [
        reviewed.record.id,
        reviewed.record.name,
        clinical.structure.document_type.type.value,
    ]
    for statement in clinical.statements:
        yield document + _cells(statement)


def _cells(statement: Statement) -> list[str]:
    value = statement.value
    if value is None and statement.components:
        shown = "/".join(_number(c.value) for c in statement.components)
        unit, code = statement.components[0].value.unit, statement.components[0].value.ucum
    else:
        shown = _number(value) if value is not None else statement.value_text
        unit, code = (value.unit, value.ucum) if value is not None else ("", "")
    return [
        statement.key,
        statement.kind.value,
        statement.section.value,
        statement.text,
        shown,
        unit,
        code,
        _number(statement.low) if statement.low else "",
        _number(statement.high) if statement.high else "",
        statement.range_text,
        statement.interpretation,
        statement.status,
        statement.detail,
        statement.code,
        statement.answer,
        statement.relationship,
        *(_best(statement, system) for system in _SYSTEMS),
        ";".join(str(i) for i in statement.entity_ids),
    ]


_SYSTEMS = (CodeSystem.RXNORM, CodeSystem.ICD10CM, CodeSystem.SNOMEDCT)


def _best(statement: Statement, system: CodeSystem) -> str:
    ranked = sorted((c for c in statement.concepts if c.system is system), key=lambda c: -c.score)
    return ranked[0].code if ranked else ""


def _number(value: Quantity) -> str:
    return value.comparator + value.text.lstrip("<>=≤≥ ")
