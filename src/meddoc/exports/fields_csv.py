"""The CSV of form fields: one row per field of the reviewed document (FIELD corrections
applied), PHI masked unless asked for. It starts with a UTF-8 byte order mark, so a
spreadsheet opened by double-click reads accents ("Alergias: Penicilina", "Año") right."""

from __future__ import annotations

from collections.abc import Iterator

from meddoc.exports.csv_export import csv_text
from meddoc.exports.reviewed import ExportItem, masked_item, reviewed_item
from meddoc.review import corrected_targets

COLUMNS = (
    "document_id",
    "file_name",
    "document_type",
    "page",
    "field_id",
    "label",
    "value",
    "checkbox",
    "confidence",
    "corrected",
)


def export_fields_csv(items: list[ExportItem], include_phi: bool = False) -> str:
    """Documents without fields (or not processed) add no rows."""
    rows = (row for item in items for row in _rows(item, include_phi))
    return csv_text(COLUMNS, rows, bom=True)


def _rows(item: ExportItem, include_phi: bool) -> Iterator[list[str]]:
    shown = reviewed_item(item if include_phi else masked_item(item))
    if shown.document is None:
        return
    corrected = corrected_targets(item.corrections)
    summary = shown.record.summary
    document_type = summary.document_type if summary else ""
    for page in shown.document.pages:
        for field in page.fields:
            yield [
                shown.record.id,
                shown.record.name,
                document_type,
                str(page.number),
                field.id,
                field.key.text,
                field.value.text,
                field.selection.value if field.selection else "",
                f"{field.confidence:.4f}",
                "yes" if field.id in corrected else "no",
            ]
