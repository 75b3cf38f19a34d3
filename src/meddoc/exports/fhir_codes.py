"""What every FHIR resource of a document shares: the context (subject, the document
reference, redaction, origins), CodeableConcepts from statements and the resource's
common head (origin tag, identifier)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from meddoc.exports.reviewed import Origin
from meddoc.model import CodeSystem, Concept
from meddoc.structure.statements import Quantity, Statement

SYSTEM_URLS = {
    CodeSystem.ICD10CM: "http://hl7.org/fhir/sid/icd-10-cm",
    CodeSystem.RXNORM: "http://www.nlm.nih.gov/research/umls/rxnorm",
    CodeSystem.SNOMEDCT: "http://snomed.info/sct",
}
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
ORIGIN_SYSTEM = "urn:meddoc:entity-origin"
ENTITY_SYSTEM = "urn:meddoc:entity"
# A statement read from the document's structure rather than one entity.
STATEMENT_SYSTEM = "urn:meddoc:statement"


@dataclass(frozen=True, slots=True)
class ResourceContext:
    """What every resource of one document shares."""

    document_id: str
    document_reference: dict[str, str]
    subject: dict[str, Any]
    approved: bool
    redact: Callable[[str], str]
    origins: dict[int, Origin] = field(default_factory=dict)  # by entity id
    organization: dict[str, str] | None = None  # a reference to the issuer, if any


def codeable(
    text: str,
    concepts: list[Concept],
    systems: tuple[CodeSystem, ...],
    context: ResourceContext,
    extra: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """A CodeableConcept of the best concept per system (and `extra` codings first), or
    {} when there is neither a text nor a code (FHIR allows no empty elements)."""
    codings = list(extra or [])
    for system in systems:
        ranked = sorted((c for c in concepts if c.system is system), key=lambda c: -c.score)
        coding = _coding(system, ranked[0]) if ranked else None
        if coding:
            codings.append(coding)
    concept: dict[str, Any] = {}
    shown = context.redact(text)
    if shown:
        concept["text"] = shown
    if codings:
        concept["coding"] = codings
    return concept


def _coding(system: CodeSystem, concept: Concept) -> dict[str, str] | None:
    # A FHIR code has no outer and no repeated inner whitespace; a reviewer may type some.
    code = " ".join(concept.code.split())
    if not code:
        return None
    coding = {"system": SYSTEM_URLS[system], "code": code}
    if concept.description.strip():
        coding["display"] = concept.description.strip()
    return coding


def base(resource_type: str, statement: Statement, context: ResourceContext) -> dict[str, Any]:
    """The resource's type, its origin tag (machine, or what reviewers did to the
    entities it stands for) and an identifier stable across exports."""
    origins = [context.origins.get(i, Origin.MACHINE) for i in statement.entity_ids]
    changed = [o for o in origins if o is not Origin.MACHINE]
    origin = changed[0] if changed else Origin.MACHINE
    if statement.key.isdigit():
        identifier = {"system": ENTITY_SYSTEM, "value": f"{context.document_id}/{statement.key}"}
    else:
        identifier = {
            "system": STATEMENT_SYSTEM,
            "value": f"{context.document_id}/{statement.key}",
        }
    return {
        "resourceType": resource_type,
        "meta": {"tag": [{"system": ORIGIN_SYSTEM, "code": origin.value}]},
        "identifier": [identifier],
    }


def quantity(value: Quantity, context: ResourceContext) -> dict[str, Any]:
    """A Quantity; the UCUM system and code only where the unit is known (qty-3)."""
    number: float | int = int(value.value) if _whole(value) else value.value
    result: dict[str, Any] = {"value": number}
    if value.comparator:
        result["comparator"] = value.comparator
    unit = context.redact(value.unit) if value.unit else ""
    if unit or value.ucum:
        result["unit"] = unit or value.ucum
    if value.ucum:
        result["system"] = UCUM
        result["code"] = value.ucum
    return result


def _whole(value: Quantity) -> bool:
    return value.value.is_integer() and not any(c in value.text for c in ".,")


def coding(system: str, code: str, display: str = "") -> dict[str, str]:
    result = {"system": system, "code": code}
    if display:
        result["display"] = display
    return result
