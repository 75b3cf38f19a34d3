"""The JSON export: each record with its reviewed document (entities, form field values and
table cells as corrected, and its structure), the clinical statements it makes, the
machine's entities and the reviewers' corrections side by side, so no machine result is
ever lost to a correction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from meddoc.exports.reviewed import ExportItem, ReviewedItem, masked_item, reviewed_item
from meddoc.review import corrected_targets
from meddoc.serialization import to_dict
from meddoc.structure.clinical import clinical_statements

__all__ = ["ExportItem", "export_json"]


def export_json(
    items: list[ExportItem], exported_at: datetime | None = None, include_phi: bool = False
) -> dict[str, Any]:
    """Without PHI, each document, its entities and corrections are masked and the
    file name has the document's PHI words masked (meddoc.privacy)."""
    moment = exported_at or datetime.now(UTC)
    shown = items if include_phi else [masked_item(item) for item in items]
    return {
        "exported_at": to_dict(moment),
        "documents": [_document(reviewed_item(item), item) for item in shown],
    }


def _document(reviewed: ReviewedItem, item: ExportItem) -> dict[str, Any]:
    document: dict[str, Any] | None = None
    clinical: dict[str, Any] | None = None
    if reviewed.document is not None:
        statements = clinical_statements(reviewed.document)
        document = to_dict(reviewed.document)
        # A record stored before documents had structure gets it worked out now.
        document["structure"] = to_dict(statements.structure)
        clinical = {
            "statements": to_dict(statements.statements),
            "patient": to_dict(statements.patient),
            "issuer": to_dict(statements.issuer),
            "absorbed_entity_ids": statements.absorbed_entity_ids,
        }
    return {
        "record": to_dict(reviewed.record),
        "document": document,
        # What the document says once each entity is read in its section (the same
        # statements the FHIR export is made of).
        "clinical": clinical,
        "machine_entities": to_dict(reviewed.machine_entities),
        "corrections": to_dict(item.corrections),
        # str keys: JSON objects cannot have integer keys
        "entity_origins": {str(e.id): reviewed.origin(e).value for e in reviewed.entities},
        "removed_entity_ids": reviewed.removed_entity_ids,
        # The fields ("p1.f3") and table cells ("p1.t1/r2c3") reviewers corrected.
        "corrected_structure": sorted(corrected_targets(item.corrections)),
    }
