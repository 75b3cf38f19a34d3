"""The reviewed view of a document: the machine's medical entities with reviewers'
corrections applied in order. The machine result itself is never changed."""

from __future__ import annotations

import copy

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
