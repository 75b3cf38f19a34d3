"""Labels placed marks the way Amazon Comprehend Medical would (category, type, traits,
attributes, ICD-10-CM concepts) and turns them into meddoc model entities."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from meddoc.model import Attribute, Category, CodeSystem, Concept, MedicalEntity, Trait
from samplegen.compose import Mark

# Which category an attribute of each type belongs to, as DetectEntitiesV2 reports it.
ATTRIBUTE_CATEGORIES = {
    "DOSAGE": Category.MEDICATION,
    "STRENGTH": Category.MEDICATION,
    "ROUTE_OR_MODE": Category.MEDICATION,
    "FREQUENCY": Category.MEDICATION,
    "DURATION": Category.MEDICATION,
    "FORM": Category.MEDICATION,
    "RATE": Category.MEDICATION,
    "TEST_VALUE": Category.TEST_TREATMENT_PROCEDURE,
    "TEST_UNIT": Category.TEST_TREATMENT_PROCEDURE,
    "SYSTEM_ORGAN_SITE": Category.ANATOMY,
    "DIRECTION": Category.ANATOMY,
}


@dataclass(frozen=True)
class Code:
    code: str
    description: str


@dataclass
class _Label:
    mark: Mark
    category: Category
    type: str
    traits: tuple[str, ...] = ()
    attributes: list[tuple[str, Mark]] = field(default_factory=list)
    codes: tuple[Code, ...] = ()


class Annotations:
    """Labels recorded while a document is composed, resolved to offsets at the end."""

    def __init__(self) -> None:
        self._entities: list[_Label] = []
        self._phi: list[_Label] = []

    def phi(self, mark: Mark, phi_type: str) -> Mark:
        self._phi.append(_Label(mark, Category.PROTECTED_HEALTH_INFORMATION, phi_type))
        return mark

    def condition(
        self, mark: Mark, code: Code | None, traits: Sequence[str] = ("DIAGNOSIS",)
    ) -> Mark:
        codes = (code,) if code else ()
        label = _Label(mark, Category.MEDICAL_CONDITION, "DX_NAME", tuple(traits), codes=codes)
        self._entities.append(label)
        return mark

    def medication(
        self,
        mark: Mark,
        attributes: Sequence[tuple[str, Mark]] = (),
        *,
        brand: bool = False,
        traits: Sequence[str] = (),
    ) -> Mark:
        kind = "BRAND_NAME" if brand else "GENERIC_NAME"
        label = _Label(mark, Category.MEDICATION, kind, tuple(traits), list(attributes))
        self._entities.append(label)
        return mark

    def test(
        self,
        mark: Mark,
        value: Mark | None = None,
        unit: Mark | None = None,
        kind: str = "TEST_NAME",
    ) -> Mark:
        attributes = [(t, m) for t, m in (("TEST_VALUE", value), ("TEST_UNIT", unit)) if m]
        label = _Label(mark, Category.TEST_TREATMENT_PROCEDURE, kind, attributes=attributes)
        self._entities.append(label)
        return mark

    def anatomy(self, mark: Mark, kind: str = "SYSTEM_ORGAN_SITE") -> Mark:
        self._entities.append(_Label(mark, Category.ANATOMY, kind))
        return mark

    def resolve(self, text: str) -> tuple[list[MedicalEntity], list[MedicalEntity]]:
        """Entities and PHI with offsets into `text`, ordered by offset and numbered."""
        return _resolve(self._entities, text), _resolve(self._phi, text)


def _resolve(labels: list[_Label], text: str) -> list[MedicalEntity]:
    ordered = sorted(labels, key=lambda label: (label.mark.begin, label.mark.end))
    return [_entity(index, label, text) for index, label in enumerate(ordered)]


def _entity(index: int, label: _Label, text: str) -> MedicalEntity:
    _check_placed(label.mark, text)
    attributes = []
    for attribute_type, mark in sorted(label.attributes, key=lambda item: item[1].begin):
        _check_placed(mark, text)
        attributes.append(
            Attribute(
                text=mark.text,
                begin=mark.begin,
                end=mark.end,
                score=1.0,
                type=attribute_type,
                category=ATTRIBUTE_CATEGORIES[attribute_type].value,
                relationship_type=attribute_type,
                relationship_score=1.0,
            )
        )
    return MedicalEntity(
        text=label.mark.text,
        begin=label.mark.begin,
        end=label.mark.end,
        score=1.0,
        id=index,
        category=label.category,
        type=label.type,
        traits=[Trait(name, 1.0) for name in label.traits],
        attributes=attributes,
        concepts=[Concept(CodeSystem.ICD10CM, c.code, c.description, 1.0) for c in label.codes],
    )


def _check_placed(mark: Mark, text: str) -> None:
    # A self-check of the composer, not a search: the offsets were fixed when placed.
    if not mark.placed or text[mark.begin : mark.end] != mark.text:
        raise AssertionError(f"mark {mark.text!r} was labelled but not placed where recorded")
