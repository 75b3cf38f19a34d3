"""FHIR R4 Observations from clinical statements: lab results (one per table row, with
valueQuantity in UCUM, referenceRange and interpretation), vital signs (blood pressure as
systolic/diastolic components), social history (smoking status) and test values found in
free text."""

from __future__ import annotations

from typing import Any

from meddoc.exports.fhir_codes import (
    LOINC,
    SNOMED,
    ResourceContext,
    base,
    codeable,
    coding,
    quantity,
)
from meddoc.model import CodeSystem
from meddoc.structure.statements import Statement, StatementKind

_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
_INTERPRETATIONS = {"H": "High", "L": "Low", "N": "Normal", "A": "Abnormal"}
_CATEGORIES = {
    StatementKind.LAB_RESULT: ("laboratory", "Laboratory"),
    StatementKind.VITAL_SIGN: ("vital-signs", "Vital Signs"),
    StatementKind.SOCIAL_HISTORY: ("social-history", "Social History"),
}


def observation(statement: Statement, context: ResourceContext) -> dict[str, Any] | None:
    """The Observation of a lab row, vital sign, social habit or test value; None when
    there is nothing observed to say."""
    extra = [coding(LOINC, statement.code, statement.code_display)] if statement.code else []
    code = codeable(statement.text, statement.concepts, (CodeSystem.SNOMEDCT,), context, extra)
    if not code:
        return None
    resource = base("Observation", statement, context)
    resource["status"] = "final" if context.approved else "preliminary"
    if statement.kind in _CATEGORIES:
        kind, display = _CATEGORIES[statement.kind]
        resource["category"] = [{"coding": [coding(_CATEGORY, kind, display)]}]
    resource["code"] = code
    resource["subject"] = context.subject
    resource["derivedFrom"] = [context.document_reference]
    if statement.kind is StatementKind.SOCIAL_HISTORY:
        return _habit(resource, statement, context)
    if statement.components:
        resource["component"] = [
            {
                "code": {"coding": [coding(LOINC, part.code, part.display)]},
                "valueQuantity": quantity(part.value, context),
            }
            for part in statement.components
        ]
        return resource
    value = _value(statement, context)
    if not value:
        return None
    resource.update(value)
    _range_and_flag(resource, statement, context)
    return resource


def _value(statement: Statement, context: ResourceContext) -> dict[str, Any]:
    if statement.value is not None:
        return {"valueQuantity": quantity(statement.value, context)}
    text = context.redact(statement.value_text)
    return {"valueString": text} if text else {}


def _range_and_flag(
    resource: dict[str, Any], statement: Statement, context: ResourceContext
) -> None:
    reference: dict[str, Any] = {}
    if statement.low is not None:
        reference["low"] = _simple(quantity(statement.low, context))
    if statement.high is not None:
        reference["high"] = _simple(quantity(statement.high, context))
    if statement.range_text and not reference:
        text = context.redact(statement.range_text)
        if text:
            reference["text"] = text  # obs-3: a range has a low, a high or a text
    if reference:
        resource["referenceRange"] = [reference]
    if statement.interpretation in _INTERPRETATIONS:
        flag = statement.interpretation
        resource["interpretation"] = [
            {"coding": [coding(_INTERPRETATION, flag, _INTERPRETATIONS[flag])]}
        ]


def _simple(value: dict[str, Any]) -> dict[str, Any]:
    # A range's bounds are SimpleQuantity: no comparator.
    return {k: v for k, v in value.items() if k != "comparator"}


def _habit(
    resource: dict[str, Any], statement: Statement, context: ResourceContext
) -> dict[str, Any]:
    """The answer as a CodeableConcept: coded (SNOMED CT) for smoking status, always with
    the words the page used ("never", "nunca")."""
    value: dict[str, Any] = {}
    if statement.answer:
        value["coding"] = [coding(SNOMED, statement.answer, statement.answer_display)]
    text = context.redact(statement.detail)
    if text:
        value["text"] = text
    if value:
        resource["valueCodeableConcept"] = value
    return resource
