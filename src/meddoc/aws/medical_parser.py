"""Amazon Comprehend Medical responses (DetectEntities, DetectEntitiesV2, DetectPHI and
InferICD10CM / InferRxNorm / InferSNOMEDCT) into medical entities, attributes and codes,
named as the service names them."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from typing import Any

from meddoc.model import Attribute, Category, CodeSystem, Concept, MedicalEntity, Trait

logger = logging.getLogger(__name__)

# Where each code system's concepts sit on an entity, in the service's own names.
CONCEPT_KEYS: dict[CodeSystem, str] = {
    CodeSystem.ICD10CM: "ICD10CMConcepts",
    CodeSystem.RXNORM: "RxNormConcepts",
    CodeSystem.SNOMEDCT: "SNOMEDCTConcepts",
}


def parse_medical_entities(
    response: Mapping[str, Any],
) -> tuple[list[MedicalEntity], list[Attribute]]:
    """Entities and unmapped attributes of a DetectEntities(V2) or DetectPHI response.

    An entity whose Category the model does not know yet is kept, not dropped, as an
    unmapped attribute carrying the service's category name, and a warning is logged.
    """
    entities: list[MedicalEntity] = []
    unmapped: list[Attribute] = []
    for raw in response.get("Entities") or []:
        category = _category(raw.get("Category"))
        if category is None:
            unmapped.append(_attribute(raw))
        else:
            entities.append(_entity(raw, category))
    for raw in response.get("UnmappedAttributes") or []:
        unmapped.append(_attribute(raw.get("Attribute") or {}, category=raw.get("Type")))
    return entities, unmapped


def parse_inferred(response: Mapping[str, Any]) -> list[MedicalEntity]:
    """Entities of an InferICD10CM, InferRxNorm or InferSNOMEDCT response, each with its
    candidate concepts (best first, as the service ranks them)."""
    entities, _ = parse_medical_entities(response)
    return entities


def medical_model_version(response: Mapping[str, Any]) -> str:
    return str(response.get("ModelVersion") or "unknown")


def merge_concepts(
    entities: list[MedicalEntity], inferred: list[MedicalEntity]
) -> list[MedicalEntity]:
    """Detected entities with the concepts of the inferred ones attached: each inferred
    entity goes to the detected entity of the same category whose span overlaps it
    most, or is added itself (with a fresh id) when none overlaps. Inputs are not
    changed."""
    merged = [dataclasses.replace(e, concepts=list(e.concepts)) for e in entities]
    next_id = max((e.id for e in merged), default=-1) + 1
    for candidate in inferred:
        target = _best_overlap(merged, candidate)
        if target is None:
            merged.append(
                dataclasses.replace(candidate, id=next_id, concepts=list(candidate.concepts))
            )
            next_id += 1
            continue
        known = {(c.system, c.code) for c in target.concepts}
        target.concepts.extend(c for c in candidate.concepts if (c.system, c.code) not in known)
    return merged


def _best_overlap(entities: list[MedicalEntity], other: MedicalEntity) -> MedicalEntity | None:
    best: MedicalEntity | None = None
    best_rank = (0, 0)
    for entity in entities:
        if entity.category != other.category:
            continue
        overlap = min(entity.end, other.end) - max(entity.begin, other.begin)
        # Most overlap first; on a tie, the span closest in length (an exact match).
        rank = (overlap, -abs((entity.end - entity.begin) - (other.end - other.begin)))
        if overlap > 0 and (best is None or rank > best_rank):
            best, best_rank = entity, rank
    return best


def _category(value: Any) -> Category | None:
    try:
        return Category(value)
    except ValueError:
        # The name is a service enum value, never document text: safe to log.
        logger.warning("unknown Comprehend Medical category %r kept as unmapped", value)
        return None


def _entity(raw: Mapping[str, Any], category: Category) -> MedicalEntity:
    return MedicalEntity(
        text=str(raw.get("Text", "")),
        begin=int(raw.get("BeginOffset", 0)),
        end=int(raw.get("EndOffset", 0)),
        score=float(raw.get("Score", 0.0)),
        id=int(raw.get("Id", 0)),
        category=category,
        type=str(raw.get("Type", "")),
        traits=_traits(raw),
        attributes=[_attribute(a) for a in raw.get("Attributes") or []],
        concepts=_concepts(raw),
    )


def _attribute(raw: Mapping[str, Any], category: Any = None) -> Attribute:
    relationship_score = raw.get("RelationshipScore")
    relationship_type = raw.get("RelationshipType")
    own_category = raw.get("Category") or category
    return Attribute(
        text=str(raw.get("Text", "")),
        begin=int(raw.get("BeginOffset", 0)),
        end=int(raw.get("EndOffset", 0)),
        score=float(raw.get("Score", 0.0)),
        type=str(raw.get("Type", "")),
        category=str(own_category) if own_category else None,
        relationship_type=str(relationship_type) if relationship_type else None,
        relationship_score=None if relationship_score is None else float(relationship_score),
        traits=_traits(raw),
    )


def _traits(raw: Mapping[str, Any]) -> list[Trait]:
    return [
        Trait(name=str(t["Name"]), score=float(t.get("Score", 0.0)))
        for t in raw.get("Traits") or []
        if t.get("Name")
    ]


def _concepts(raw: Mapping[str, Any]) -> list[Concept]:
    concepts = []
    for system, key in CONCEPT_KEYS.items():
        for item in raw.get(key) or []:
            # Early documentation printed ConceptId/ConceptName for Code/Description.
            code = item.get("Code") or item.get("ConceptId")
            if not code:
                continue
            description = item.get("Description") or item.get("ConceptName") or ""
            concepts.append(
                Concept(system, str(code), str(description), float(item.get("Score", 0.0)))
            )
    return concepts
