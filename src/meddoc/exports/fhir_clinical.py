"""FHIR R4 resources for clinical statements about the patient's conditions, allergies and
medications: Condition, FamilyMemberHistory, AllergyIntolerance, MedicationStatement and
MedicationRequest, as plain JSON-ready dicts."""

from __future__ import annotations

import re
from typing import Any

from meddoc.exports.fhir_codes import SNOMED, ResourceContext, base, codeable, coding
from meddoc.model import CodeSystem
from meddoc.model_structure import SectionKind
from meddoc.structure.statements import Statement

_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
_CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
_ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
_ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
_ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
_CONDITION_SYSTEMS = (CodeSystem.ICD10CM, CodeSystem.SNOMEDCT)
_DRUG_SYSTEMS = (CodeSystem.RXNORM,)
_WHOLE_NUMBER = re.compile(r"\d+")


def condition(statement: Statement, context: ResourceContext) -> dict[str, Any] | None:
    code = codeable(statement.text, statement.concepts, _CONDITION_SYSTEMS, context)
    if not code:
        return None
    resource = base("Condition", statement, context)
    if statement.status:  # from its section (meddoc.structure.clinical)
        resource["clinicalStatus"] = {"coding": [coding(_CLINICAL, statement.status)]}
    # Machine-read and at best checked by a records reviewer, never by the treating
    # clinician: "unconfirmed", unless the text negates it ("denies chest pain":
    # refuted) or only supposes it ("rule out ...": provisional).
    resource["verificationStatus"] = {
        "coding": [{"system": _VERIFICATION, "code": statement.verification or "unconfirmed"}]
    }
    # A past medical history lists standing problems (problem-list-item, which needs the
    # clinical status it has: con-3); anything else is what this one paper document
    # states at its encounter.
    if statement.section is SectionKind.PAST_HISTORY and statement.status:
        category = coding(_CONDITION_CATEGORY, "problem-list-item", "Problem List Item")
    else:
        category = coding(_CONDITION_CATEGORY, "encounter-diagnosis", "Encounter Diagnosis")
    resource["category"] = [{"coding": [category]}]
    resource["code"] = code
    sites = [context.redact(site) for site in statement.body_sites]
    if any(sites):
        resource["bodySite"] = [{"text": site} for site in sites if site]
    resource["subject"] = context.subject
    resource["evidence"] = [{"detail": [context.document_reference]}]
    return resource


def family_member_history(statement: Statement, context: ResourceContext) -> dict[str, Any] | None:
    """A relative's condition is not the patient's: it is never a Condition."""
    code = codeable(
        statement.detail or statement.text, statement.concepts, _CONDITION_SYSTEMS, context
    )
    if not code:
        return None
    resource = base("FamilyMemberHistory", statement, context)
    # "partial": the document tells one condition of the family, not the whole history.
    resource["status"] = "partial"
    resource["patient"] = context.subject
    if statement.relationship:
        relative = coding(_ROLE_CODE, statement.relationship, statement.relationship_display)
    else:
        relative = coding(_ROLE_CODE, "FAMMEMB", "family member")  # which one is not said
    resource["relationship"] = {"coding": [relative]}
    item: dict[str, Any] = {"code": code}
    if "NEGATION" in statement.traits:
        item["note"] = [{"text": "Stated as absent in the family (negated in the document)."}]
    resource["condition"] = [item]
    return resource


def allergy(statement: Statement, context: ResourceContext) -> dict[str, Any] | None:
    """An allergy the document lists: the substance (RxNorm when coded) and the reaction
    written beside it."""
    code = codeable(statement.text, statement.concepts, _DRUG_SYSTEMS, context)
    if not code:
        return None
    resource = _allergy_head(statement, context)
    resource["type"] = "allergy"
    if any(c.system is CodeSystem.RXNORM for c in statement.concepts):
        resource["category"] = ["medication"]
    resource["code"] = code
    resource["patient"] = context.subject
    reaction = context.redact(statement.detail)
    if reaction:
        resource["reaction"] = [{"manifestation": [{"text": reaction}]}]
    return resource


def no_known_allergies(statement: Statement, context: ResourceContext) -> dict[str, Any]:
    """ "NKDA", "none", "ninguna": FHIR's no-known-allergy form, a coded negation rather
    than no resource at all (absence would say nothing was asked)."""
    resource = _allergy_head(statement, context)
    code = coding(SNOMED, statement.answer, statement.answer_display)
    resource["code"] = {
        "coding": [code],
        "text": context.redact(statement.text) or code["display"],
    }
    resource["patient"] = context.subject
    return resource


def _allergy_head(statement: Statement, context: ResourceContext) -> dict[str, Any]:
    resource = base("AllergyIntolerance", statement, context)
    # ait-1: a clinical status whenever the verification is not entered-in-error.
    resource["clinicalStatus"] = {"coding": [coding(_ALLERGY_CLINICAL, "active")]}
    resource["verificationStatus"] = {"coding": [coding(_ALLERGY_VERIFICATION, "unconfirmed")]}
    return resource


def medication_statement(statement: Statement, context: ResourceContext) -> dict[str, Any] | None:
    medication = codeable(statement.text, statement.concepts, _DRUG_SYSTEMS, context)
    if not medication:
        return None
    resource = base("MedicationStatement", statement, context)
    resource["status"] = statement.status or "unknown"
    resource["medicationCodeableConcept"] = medication
    resource["subject"] = context.subject
    resource["derivedFrom"] = [context.document_reference]
    dosage = _dosage(statement, context)
    if dosage:
        resource["dosage"] = [dosage]
    return resource


def medication_request(statement: Statement, context: ResourceContext) -> dict[str, Any] | None:
    """What an Rx orders. A MedicationRequest, not a MedicationStatement: the paper is
    the prescriber's order, and a statement would claim the patient takes the drug,
    which nobody observed. Status "unknown": whether it was filled or finished is not
    on the paper."""
    medication = codeable(statement.text, statement.concepts, _DRUG_SYSTEMS, context)
    if not medication:
        return None
    resource = base("MedicationRequest", statement, context)
    resource["status"] = "unknown"
    resource["intent"] = "order"
    resource["medicationCodeableConcept"] = medication
    resource["subject"] = context.subject
    if context.organization is not None:
        resource["requester"] = context.organization
    resource["supportingInformation"] = [context.document_reference]
    dosage = _dosage(statement, context)
    if dosage:
        resource["dosageInstruction"] = [dosage]
    dispense = _dispense(statement)
    if dispense:
        resource["dispenseRequest"] = dispense
    return resource


def _dosage(statement: Statement, context: ResourceContext) -> dict[str, Any]:
    text = context.redact(statement.detail)
    if not text:
        return {}
    dosage: dict[str, Any] = {"text": text}
    route = context.redact(statement.route)
    if route:
        dosage["route"] = {"text": route}
    return dosage


def _dispense(statement: Statement) -> dict[str, Any]:
    dispense: dict[str, Any] = {}
    refills = _WHOLE_NUMBER.search(statement.refills)
    if refills:
        dispense["numberOfRepeatsAllowed"] = int(refills.group())
    amount = _WHOLE_NUMBER.search(statement.dispense)
    if amount:
        dispense["quantity"] = {"value": int(amount.group())}
    return dispense
