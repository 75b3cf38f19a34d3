"""What every export starts from: a record, its reviewed document (corrections applied)
and, per entity, whether it is the machine's, corrected or added by a reviewer."""

from __future__ import annotations

import copy
import enum
from dataclasses import dataclass, field

from meddoc.masked_review import mask_corrections, mask_record
from meddoc.model import (
    CodeSystem,
    Concept,
    Correction,
    Document,
    DocumentRecord,
    MedicalEntity,
)
from meddoc.privacy import DocumentPhi, PhiFinding, document_phi, mask_document
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
    phi: DocumentPhi | None = None  # the document's PHI (meddoc.privacy), once processed

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
    phi = document_phi(item.document, item.corrections)
    return ReviewedItem(item.record, reviewed, list(machine), origins, removed, phi)


def masked_item(item: ExportItem) -> ExportItem:
    """The item as an export without PHI carries it: the document and the corrections
    masked (meddoc.privacy), and the document's PHI words masked in the file name and
    the upload's key."""
    record = copy.deepcopy(item.record)
    if item.document is None:
        return ExportItem(record, None, mask_corrections(item.corrections, None, None))
    phi = document_phi(item.document, item.corrections)
    masked = mask_document(item.document, phi)
    shown = mask_record(record, phi)
    return ExportItem(shown, masked, mask_corrections(item.corrections, masked, phi))


def _origin(entity: MedicalEntity, machine: MedicalEntity | None) -> Origin:
    # Reviewers' added entities get ids from meddoc.review.ADDED_IDS_FROM up, so an id
    # the machine never had means "added".
    if machine is None:
        return Origin.ADDED
    return Origin.MACHINE if entity == machine else Origin.CORRECTED


def best_concept(entity: MedicalEntity, system: CodeSystem) -> Concept | None:
    concepts = [c for c in entity.concepts if c.system == system]
    return max(concepts, key=lambda c: c.score) if concepts else None


def phi_findings(item: ReviewedItem) -> list[PhiFinding]:
    """The document's PHI as reported (meddoc.privacy.document_phi)."""
    return list(item.phi.findings) if item.phi is not None else []


def finding_origin(item: ReviewedItem, finding: PhiFinding) -> Origin:
    """A finding that is a reviewed entity has that entity's origin; others are the
    machine's."""
    by_id = {e.id: e for e in item.entities}
    entity = by_id.get(finding.entity_id) if finding.entity_id is not None else None
    return item.origin(entity) if entity is not None else Origin.MACHINE
