"""FHIR R4 clinical resources for reviewed medical entities: Condition (or
FamilyMemberHistory), MedicationStatement and Observation, as plain JSON-ready dicts."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from meddoc.exports.reviewed import Origin, best_concept
from meddoc.model import Attribute, Category, CodeSystem, Concept, MedicalEntity

SYSTEM_URLS = {
    CodeSystem.ICD10CM: "http://hl7.org/fhir/sid/icd-10-cm",
    CodeSystem.RXNORM: "http://www.nlm.nih.gov/research/umls/rxnorm",
    CodeSystem.SNOMEDCT: "http://snomed.info/sct",
}
ORIGIN_SYSTEM = "urn:meddoc:entity-origin"
ENTITY_SYSTEM = "urn:meddoc:entity"
_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
_CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
_ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
_DOSAGE_PARTS = ("DOSAGE", "STRENGTH", "FORM", "ROUTE_OR_MODE", "FREQUENCY", "RATE", "DURATION")
_NUMBER = re.compile(r"(?P<comparator><=|>=|<|>)?\s*(?P<value>[+-]?\d+(?:\.\d+)?)")


@dataclass(frozen=True, slots=True)
class ResourceContext:
    """What every resource of one document shares."""

    document_id: str
    document_reference: dict[str, str]
    subject: dict[str, Any]
    approved: bool
    redact: Callable[[str], str]


def clinical_resource(
    entity: MedicalEntity, origin: Origin, context: ResourceContext
) -> dict[str, Any] | None:
    """The resource for one entity, or None when no FHIR resource fits it."""
    if entity.category == Category.MEDICAL_CONDITION:
        if entity.has_trait("PERTAINS_TO_FAMILY"):
            return family_member_history(entity, origin, context)
        return condition(entity, origin, context)
    if entity.category == Category.MEDICATION:
        return medication_statement(entity, origin, context)
    if entity.category == Category.TEST_TREATMENT_PROCEDURE and entity.type == "TEST_NAME":
        return observation(entity, origin, context)
    return None


def condition(
    entity: MedicalEntity, origin: Origin, context: ResourceContext
) -> dict[str, Any] | None:
    code = _concept(entity, (CodeSystem.ICD10CM, CodeSystem.SNOMEDCT), context)
    if not code:
        return None
    # Machine-read and at best checked by a records reviewer, never by the treating
    # clinician: so "unconfirmed", not "confirmed", unless the text itself negates it
    # ("denies chest pain": refuted) or only supposes it ("rule out ...": provisional).
    if entity.has_trait("NEGATION"):
        verification = "refuted"
    elif entity.has_trait("HYPOTHETICAL"):
        verification = "provisional"
    else:
        verification = "unconfirmed"
    resource = _base("Condition", entity, origin, context)
    resource["verificationStatus"] = {"coding": [{"system": _VERIFICATION, "code": verification}]}
    # encounter-diagnosis: a point-in-time statement of one paper document, not a
    # curated problem list; problem-list-item would also require a clinicalStatus
    # (invariant con-3) that a document cannot tell us.
    resource["category"] = [
        {
            "coding": [
                {
                    "system": _CONDITION_CATEGORY,
                    "code": "encounter-diagnosis",
                    "display": "Encounter Diagnosis",
                }
            ]
        }
    ]
    resource["code"] = code
    sites = [a for a in entity.attributes if a.type == "SYSTEM_ORGAN_SITE" and a.text.strip()]
    if sites:
        resource["bodySite"] = [{"text": context.redact(a.text)} for a in sites]
    resource["subject"] = context.subject
    resource["evidence"] = [{"detail": [context.document_reference]}]
    return resource


def family_member_history(
    entity: MedicalEntity, origin: Origin, context: ResourceContext
) -> dict[str, Any] | None:
    """A relative's condition is not the patient's: it must never become a Condition."""
    code = _concept(entity, (CodeSystem.ICD10CM, CodeSystem.SNOMEDCT), context)
    if not code:
        return None
    resource = _base("FamilyMemberHistory", entity, origin, context)
    # "partial": the document tells one condition of the family, not the whole history.
    resource["status"] = "partial"
    resource["patient"] = context.subject
    # Which relative is rarely machine-readable; FAMMEMB is "a family member".
    resource["relationship"] = {
        "coding": [{"system": _ROLE_CODE, "code": "FAMMEMB", "display": "family member"}]
    }
    item: dict[str, Any] = {"code": code}
    if entity.has_trait("NEGATION"):
        item["note"] = [{"text": "Stated as absent in the family (negated in the document)."}]
    resource["condition"] = [item]
    return resource


def medication_statement(
    entity: MedicalEntity, origin: Origin, context: ResourceContext
) -> dict[str, Any] | None:
    medication = _concept(entity, (CodeSystem.RXNORM,), context)
    if not medication:
        return None
    # "unknown" unless a trait says more: a paper list rarely tells whether a drug is
    # still taken, and "active" would claim what nobody checked.
    if entity.has_trait("NEGATION"):
        status = "not-taken"
    elif entity.has_trait("PAST_HISTORY"):
        status = "completed"
    elif entity.has_trait("FUTURE") or entity.has_trait("HYPOTHETICAL"):
        status = "intended"
    else:
        status = "unknown"
    resource = _base("MedicationStatement", entity, origin, context)
    resource["status"] = status
    resource["medicationCodeableConcept"] = medication
    resource["subject"] = context.subject
    resource["derivedFrom"] = [context.document_reference]
    dosage = _dosage(entity.attributes, context)
    if dosage:
        resource["dosage"] = [dosage]
    return resource


def observation(
    entity: MedicalEntity, origin: Origin, context: ResourceContext
) -> dict[str, Any] | None:
    """A test with a value; a test name alone (ordered, planned) is no observation."""
    values = [a for a in entity.attributes if a.type == "TEST_VALUE" and a.text.strip()]
    code = _concept(entity, (CodeSystem.SNOMEDCT,), context)
    if not values or not code:
        return None
    units = [a for a in entity.attributes if a.type == "TEST_UNIT"]
    resource = _base("Observation", entity, origin, context)
    resource["status"] = "final" if context.approved else "preliminary"
    resource["code"] = code
    resource["subject"] = context.subject
    resource["derivedFrom"] = [context.document_reference]
    resource.update(_value(values[0].text, units[0].text if units else "", context))
    return resource


def _value(text: str, unit: str, context: ResourceContext) -> dict[str, Any]:
    match = _NUMBER.fullmatch(text.strip())  # the caller passes a non-blank text
    if match is None:
        return {"valueString": context.redact(text)}
    number = match.group("value")
    quantity: dict[str, Any] = {"value": float(number) if "." in number else int(number)}
    if match.group("comparator"):
        quantity["comparator"] = match.group("comparator")
    if unit.strip():
        # Free text from the page, not a UCUM code: unit only, no system/code (qty-3).
        quantity["unit"] = context.redact(unit.strip())
    return {"valueQuantity": quantity}


def _dosage(attributes: list[Attribute], context: ResourceContext) -> dict[str, Any]:
    parts = [
        context.redact(a.text)
        for kind in _DOSAGE_PARTS
        for a in attributes
        if a.type == kind and a.text.strip()
    ]
    if not parts:
        return {}
    dosage: dict[str, Any] = {"text": " ".join(parts)}
    routes = [a for a in attributes if a.type == "ROUTE_OR_MODE" and a.text.strip()]
    if routes:
        dosage["route"] = {"text": context.redact(routes[0].text)}
    return dosage


def _concept(
    entity: MedicalEntity, systems: tuple[CodeSystem, ...], context: ResourceContext
) -> dict[str, Any]:
    """A CodeableConcept, or {} when there is neither a text nor a code to put in it
    (FHIR allows no empty strings nor empty elements)."""
    codings = []
    for system in systems:
        concept = best_concept(entity, system)
        coding = _coding(system, concept) if concept is not None else None
        if coding:
            codings.append(coding)
    concept_json: dict[str, Any] = {}
    text = context.redact(entity.text)
    if text:
        concept_json["text"] = text
    if codings:
        concept_json["coding"] = codings
    return concept_json


def _coding(system: CodeSystem, concept: Concept) -> dict[str, str] | None:
    # A FHIR code has no outer and no repeated inner whitespace; a reviewer may type some.
    code = " ".join(concept.code.split())
    if not code:
        return None
    coding = {"system": SYSTEM_URLS[system], "code": code}
    if concept.description.strip():
        coding["display"] = concept.description.strip()
    return coding


def _base(
    resource_type: str, entity: MedicalEntity, origin: Origin, context: ResourceContext
) -> dict[str, Any]:
    return {
        "resourceType": resource_type,
        "meta": {"tag": [{"system": ORIGIN_SYSTEM, "code": origin.value}]},
        "identifier": [{"system": ENTITY_SYSTEM, "value": f"{context.document_id}/{entity.id}"}],
    }
