"""What every export starts from: a record, its reviewed document (corrections applied)
and, per entity, whether it is the machine's, corrected or added by a reviewer."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from meddoc.model import (
    Category,
    CodeSystem,
    Concept,
    Correction,
    Document,
    DocumentRecord,
    MedicalEntity,
)
from meddoc.review import reviewed_document


class Origin(enum.StrEnum):
    MACHINE = "machine"
    CORRECTED = "corrected"
    ADDED = "added"


@dataclass(slots=True)
class ExportItem:
    """One document to export. `document` is None while the record is not DONE: the
    record alone is exported then, so one unfinished document never fails a batch."""

    record: DocumentRecord
    document: Document | None
    corrections: list[Correction] = field(default_factory=list)


@dataclass(slots=True)
class ReviewedItem:
    record: DocumentRecord
    document: Document | None  # the reviewed view; the machine result stays untouched
    machine_entities: list[MedicalEntity]
    origins: dict[int, Origin]
    removed_entity_ids: list[int]

    @property
    def entities(self) -> list[MedicalEntity]:
        if self.document is None or self.document.medical is None:
            return []
        return self.document.medical.entities

    @property
    def text_source(self) -> str:
        if self.document is None or self.document.medical is None:
            return "original"
        return self.document.medical.text_source

    def origin(self, entity: MedicalEntity) -> Origin:
        return self.origins.get(entity.id, Origin.MACHINE)


def reviewed_item(item: ExportItem) -> ReviewedItem:
    if item.document is None:
        return ReviewedItem(item.record, None, [], {}, [])
    machine = item.document.medical.entities if item.document.medical else []
    reviewed = reviewed_document(item.document, item.corrections)
    entities = reviewed.medical.entities if reviewed.medical else []
    by_id = {e.id: e for e in machine}
    origins = {e.id: _origin(e, by_id.get(e.id)) for e in entities}
    kept = {e.id for e in entities}
    removed = [e.id for e in machine if e.id not in kept]
    return ReviewedItem(item.record, reviewed, list(machine), origins, removed)


def _origin(entity: MedicalEntity, machine: MedicalEntity | None) -> Origin:
    # Reviewers' added entities get ids from meddoc.review.ADDED_IDS_FROM up, so an id
    # the machine never had means "added".
    if machine is None:
        return Origin.ADDED
    return Origin.MACHINE if entity == machine else Origin.CORRECTED


def best_concept(entity: MedicalEntity, system: CodeSystem) -> Concept | None:
    concepts = [c for c in entity.concepts if c.system == system]
    return max(concepts, key=lambda c: c.score) if concepts else None


def phi_entities(item: ReviewedItem) -> list[MedicalEntity]:
    """Detected PHI: the PHI analysis plus PHI-category entities of the reviewed view."""
    if item.document is None or item.document.medical is None:
        return []
    in_entities = [e for e in item.entities if e.category == Category.PROTECTED_HEALTH_INFORMATION]
    return [*item.document.medical.phi, *in_entities]
