"""A medical analysis as a DetectEntitiesV2-shaped response, so tools written for
Amazon Comprehend Medical's JSON can read the output of the offline engines unchanged."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from meddoc.aws.medical_parser import CONCEPT_KEYS
from meddoc.model import Attribute, Category, MedicalAnalysis, MedicalEntity, Trait


def to_comprehend_medical_json(analysis: MedicalAnalysis) -> dict[str, Any]:
    """Entities (PHI included, as PROTECTED_HEALTH_INFORMATION), their traits,
    attributes and concepts, the unmapped attributes, and the engine version as
    ModelVersion. Entity ids are kept unless two collide; attributes, which carry no
    id in the model, get fresh ids after every entity's."""
    entities = _with_phi(analysis)
    ids = _Ids(e.id for e in entities)
    return {
        "Entities": [_entity(entity, ids) for entity in entities],
        "UnmappedAttributes": [_unmapped(a, ids.fresh()) for a in analysis.unmapped_attributes],
        "ModelVersion": analysis.engines[0].version if analysis.engines else "unknown",
    }


class _Ids:
    """Service-style integer ids: entity ids kept while unique, then fresh ones."""

    def __init__(self, wanted: Iterable[int]) -> None:
        self._used: set[int] = set()
        self._next = max(wanted, default=-1) + 1

    def keep(self, wanted: int) -> int:
        if wanted in self._used:
            return self.fresh()
        self._used.add(wanted)
        return wanted

    def fresh(self) -> int:
        while self._next in self._used:
            self._next += 1
        self._used.add(self._next)
        return self._next


def _with_phi(analysis: MedicalAnalysis) -> list[MedicalEntity]:
    # PHI found by a separate DetectPHI call may repeat PHI entities DetectEntities
    # already returned: emit each span once.
    seen = {(e.begin, e.end, e.type) for e in analysis.entities if _is_phi(e)}
    phi = [
        dataclasses.replace(e, category=Category.PROTECTED_HEALTH_INFORMATION)
        for e in analysis.phi
        if (e.begin, e.end, e.type) not in seen
    ]
    return [*analysis.entities, *phi]


def _is_phi(entity: MedicalEntity) -> bool:
    return entity.category is Category.PROTECTED_HEALTH_INFORMATION


def _entity(entity: MedicalEntity, ids: _Ids) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "Id": ids.keep(entity.id),
        "BeginOffset": entity.begin,
        "EndOffset": entity.end,
        "Score": entity.score,
        "Text": entity.text,
        "Category": entity.category.value,
        "Type": entity.type,
        "Traits": _traits(entity.traits),
        "Attributes": [_attribute(a, ids.fresh()) for a in entity.attributes],
    }
    for system, key in CONCEPT_KEYS.items():
        concepts = [c for c in entity.concepts if c.system is system]
        if concepts:
            raw[key] = [
                {"Description": c.description, "Code": c.code, "Score": c.score} for c in concepts
            ]
    return raw


def _unmapped(attribute: Attribute, ident: int) -> dict[str, Any]:
    # Type is the category the attribute would belong to; left out when unknown.
    raw: dict[str, Any] = {"Attribute": _attribute(attribute, ident)}
    if attribute.category is not None:
        raw = {"Type": attribute.category, **raw}
    return raw


def _attribute(attribute: Attribute, ident: int) -> dict[str, Any]:
    raw: dict[str, Any] = {"Type": attribute.type, "Score": attribute.score}
    if attribute.relationship_score is not None:
        raw["RelationshipScore"] = attribute.relationship_score
    if attribute.relationship_type is not None:
        raw["RelationshipType"] = attribute.relationship_type
    raw.update(
        Id=ident,
        BeginOffset=attribute.begin,
        EndOffset=attribute.end,
        Text=attribute.text,
    )
    if attribute.category is not None:
        raw["Category"] = attribute.category
    raw["Traits"] = _traits(attribute.traits)
    return raw


def _traits(traits: list[Trait]) -> list[dict[str, Any]]:
    return [{"Name": t.name, "Score": t.score} for t in traits]
