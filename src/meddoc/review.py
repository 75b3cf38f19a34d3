"""The reviewed view of a document: the machine's medical entities, form fields and table
cells with reviewers' corrections applied in order (the machine result itself is never
changed), and the checks a correction must pass to apply."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from typing import Any

from meddoc import serialization
from meddoc.errors import InvalidRequest
from meddoc.model import (
    Cell,
    Correction,
    CorrectionKind,
    Document,
    Field,
    MedicalAnalysis,
    MedicalEntity,
    Table,
)

# Entities reviewers add get ids from here up, apart from the engine's own.
ADDED_IDS_FROM = 100_000
STRUCTURE_KINDS = (CorrectionKind.FIELD, CorrectionKind.CELL)
# A cell's target: "<table id>/r<row>c<column>", e.g. "p1.t1/r2c3".
_CELL_TARGET = re.compile(r"^(?P<table>p\d+\.t\d+)/r(?P<row>\d+)c(?P<column>\d+)$")


def reviewed_entities(
    entities: list[MedicalEntity], corrections: list[Correction]
) -> list[MedicalEntity]:
    current = {e.id: copy.deepcopy(e) for e in entities}
    next_id = max([ADDED_IDS_FROM - 1, *current]) + 1
    for correction in corrections:
        if correction.kind == CorrectionKind.REMOVE and correction.entity_id is not None:
            current.pop(correction.entity_id, None)
        elif correction.kind == CorrectionKind.CORRECT and correction.entity is not None:
            if correction.entity_id in current:
                corrected = copy.deepcopy(correction.entity)
                corrected.id = correction.entity_id
                current[correction.entity_id] = corrected
        elif correction.kind == CorrectionKind.ADD and correction.entity is not None:
            added = copy.deepcopy(correction.entity)
            added.id = next_id
            current[next_id] = added
            next_id += 1
    return sorted(current.values(), key=lambda e: (e.begin, e.end, e.id))


def copy_document(document: Document) -> Document:
    """A deep copy of the document that shares its words' and lines' geometry (immutable:
    copying every box and polygon would be most of the work)."""
    shared: dict[int, Any] = {}
    for page in document.pages:
        for line in page.lines:
            shared[id(line.geometry)] = line.geometry
            shared.update((id(word.geometry), word.geometry) for word in line.words)
    return copy.deepcopy(document, shared)


def reviewed_document(document: Document, corrections: list[Correction]) -> Document:
    """A copy of the document whose medical entities, field values and cell texts are
    the reviewed ones."""
    reviewed = reviewed_structure(document, corrections)
    medical = reviewed.medical or MedicalAnalysis()
    medical.entities = reviewed_entities(medical.entities, corrections)
    reviewed.medical = medical
    return reviewed


def reviewed_structure(document: Document, corrections: Iterable[Correction]) -> Document:
    """A copy of the document whose pages' form field values and table cell texts have
    the reviewers' FIELD and CELL corrections applied, in order (the last one wins). A
    corrected part keeps its words, so it is still shown where it was read; a correction
    whose target is gone (the document was processed again) is left out."""
    reviewed = copy_document(document)
    fields, cells = structure_targets(reviewed)
    for correction in corrections:
        if correction.kind == CorrectionKind.FIELD and correction.target in fields:
            fields[correction.target].value.text = correction.value
        elif correction.kind == CorrectionKind.CELL and correction.target in cells:
            cells[correction.target].text = correction.value
    return reviewed


def structure_targets(document: Document) -> tuple[dict[str, Field], dict[str, Cell]]:
    """The document's fields by id, and its table cells by target ("p1.t1/r2c3")."""
    fields = {f.id: f for page in document.pages for f in page.fields}
    cells = {
        cell_target(table, cell): cell
        for page in document.pages
        for table in page.tables
        for cell in table.cells
    }
    return fields, cells


def cell_target(table: Table, cell: Cell) -> str:
    return f"{table.id}/r{cell.row}c{cell.column}"


def corrected_targets(corrections: Iterable[Correction]) -> set[str]:
    """The fields and cells reviewers corrected."""
    return {c.target for c in corrections if c.kind in STRUCTURE_KINDS}


def check_structure_correction(
    kind: CorrectionKind, target: str, document: Document, corrections: list[Correction]
) -> dict[str, Any]:
    """The field's or cell's state before the correction ({target, label, value}, the
    value as reviewed so far); InvalidRequest when the target is not in the document."""
    reviewed = reviewed_structure(document, corrections)
    fields, cells = structure_targets(reviewed)
    if kind == CorrectionKind.FIELD:
        if target not in fields:
            raise InvalidRequest("the document has no such field")
        field = fields[target]
        return {"target": target, "label": field.key.text, "value": field.value.text}
    match = _CELL_TARGET.match(target)
    cell = cells.get(target) if match else None
    if match is None or cell is None:
        raise InvalidRequest("the document has no such table cell")
    table = next(t for p in reviewed.pages for t in p.tables if t.id == match["table"])
    return {"target": target, "label": _column_label(table, cell), "value": cell.text}


def _column_label(table: Table, cell: Cell) -> str:
    """The header text above a cell's column, where the table has a header row."""
    if cell.header or not table.header_rows:
        return ""
    header = table.cell(1, cell.column)
    return header.text if header is not None else ""


def reviewed_view(document: Document, corrections: list[Correction]) -> list[MedicalEntity]:
    return reviewed_entities(document.medical.entities if document.medical else [], corrections)


def check_correction(
    kind: CorrectionKind,
    entity_id: int | None,
    entity: MedicalEntity | None,
    current: dict[int, MedicalEntity],
    document: Document,
) -> dict[str, Any] | None:
    """The entity's state before the correction; InvalidRequest when it cannot apply."""
    needs_target = kind in (CorrectionKind.CORRECT, CorrectionKind.REMOVE)
    if needs_target and (entity_id is None or entity_id not in current):
        raise InvalidRequest(f"no entity {entity_id} in this document")
    if kind in (CorrectionKind.CORRECT, CorrectionKind.ADD):
        if entity is None:
            raise InvalidRequest("give the entity as it should be")
        text = document.analysed_text(
            document.medical.text_source if document.medical else "original"
        )
        if not 0 <= entity.begin < entity.end <= len(text):
            raise InvalidRequest("the entity's offsets are outside the text")
        if not entity.text:
            # The text may be left out (a masked view cannot quote PHI): the offsets say it.
            entity.text = text[entity.begin : entity.end]
        if text[entity.begin : entity.end] != entity.text:
            raise InvalidRequest("the entity's text does not match the text at its offsets")
    if entity_id is not None and entity_id in current:
        before: dict[str, Any] = serialization.to_dict(current[entity_id])
        return before
    return None


def keep_details(corrected: MedicalEntity, machine: MedicalEntity) -> MedicalEntity:
    """A correction states what it changes; the rest of the machine entity's details
    (traits other than negation, and attributes) carry over."""
    kept = [t for t in machine.traits if t.name != "NEGATION"]
    corrected.traits = kept + [t for t in corrected.traits if t.name == "NEGATION"]
    if not corrected.attributes:
        corrected.attributes = machine.attributes
    return corrected
