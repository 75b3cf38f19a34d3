"""The reviewed view of a document: the machine's medical entities with reviewers'
corrections applied in order (the machine result itself is never changed), and the
checks a correction must pass to apply."""

from __future__ import annotations

import copy
from typing import Any

from meddoc import serialization
from meddoc.errors import InvalidRequest
from meddoc.model import Correction, CorrectionKind, Document, MedicalAnalysis, MedicalEntity

# Entities reviewers add get ids from here up, apart from the engine's own.
ADDED_IDS_FROM = 100_000


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


def reviewed_document(document: Document, corrections: list[Correction]) -> Document:
    """A copy of the document whose medical entities are the reviewed ones."""
    reviewed = copy.deepcopy(document)
    medical = reviewed.medical or MedicalAnalysis()
    medical.entities = reviewed_entities(medical.entities, corrections)
    reviewed.medical = medical
    return reviewed


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
