"""The FHIR R4 (4.0.1) export: a Bundle of plain JSON-ready dicts (no FHIR library, so the
Lambda layer stays lean), with deterministic urn:uuid ids so re-exports match."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from meddoc.exports.fhir_clinical import (
    allergy,
    condition,
    family_member_history,
    medication_request,
    medication_statement,
    no_known_allergies,
)
from meddoc.exports.fhir_codes import ResourceContext
from meddoc.exports.fhir_observations import observation
from meddoc.exports.fhir_patient import Redactor, organization_resource, patient_resource
from meddoc.exports.reviewed import ExportItem, ReviewedItem, masked_item, reviewed_item
from meddoc.model import ReviewStatus, Status
from meddoc.structure.clinical import clinical_statements
from meddoc.structure.statements import ClinicalStatements, Statement, StatementKind

FHIR_VERSION = "4.0.1"  # for a Content-Type's fhirVersion parameter (4.0)
DOCUMENT_SYSTEM = "urn:meddoc:document-sha256"
# The patient a document is about, known only as "the subject of document <sha256>".
SUBJECT_SYSTEM = "urn:meddoc:document-subject"
# Fixed namespace: the same document and entity always get the same resource id.
_NAMESPACE = uuid.UUID("3c0b8f0e-7d0a-5e59-9f4c-6d65646f6668")
Build = Callable[[Statement, ResourceContext], dict[str, Any] | None]
_RESOURCES: dict[StatementKind, Build] = {
    StatementKind.ALLERGY: allergy,
    StatementKind.NO_KNOWN_ALLERGIES: no_known_allergies,
    StatementKind.MEDICATION: medication_statement,
    StatementKind.PRESCRIPTION: medication_request,
    StatementKind.LAB_RESULT: observation,
    StatementKind.VITAL_SIGN: observation,
    StatementKind.SOCIAL_HISTORY: observation,
    StatementKind.TEST_RESULT: observation,
    StatementKind.FAMILY_HISTORY: family_member_history,
    StatementKind.CONDITION: condition,
}


def export_fhir(
    items: list[ExportItem],
    include_patient: bool = False,
    base_url: str = "",
    exported_at: datetime | None = None,
) -> dict[str, Any]:
    """A Bundle of type "collection": a set of resources handed over for the receiver to
    read or store as it sees fit. Not "transaction": that asks a server to apply request
    entries atomically, and these machine-read, at best reviewed resources should not
    be written into a clinical record by an export without a person deciding to.
    Not "document" either: that needs a signed-off Composition nobody wrote.
    Without a Patient, the documents are masked (meddoc.privacy) and every PHI word
    left in free text becomes "[PHI]"."""
    entries: list[dict[str, Any]] = []
    for item in items:
        shown = item if include_patient else masked_item(item)
        entries += _document_entries(reviewed_item(shown), include_patient, base_url)
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _instant(exported_at or datetime.now(UTC)),
        "entry": entries,
    }


def resource_id(document_id: str, part: str | int) -> str:
    """The deterministic id of one resource of a document ("document", "patient" or an
    entity id)."""
    return str(uuid.uuid5(_NAMESPACE, f"{document_id}/{part}"))


def _document_entries(
    item: ReviewedItem, include_patient: bool, base_url: str
) -> list[dict[str, Any]]:
    document_id = item.record.id
    subject_identifier = {"system": SUBJECT_SYSTEM, "value": document_id}
    patient_id = resource_id(document_id, "patient")
    with_patient = include_patient and item.document is not None
    if with_patient:
        subject: dict[str, Any] = {"reference": _url(patient_id)}
    else:
        # Condition.subject is required (1..1). Without a Patient resource we refer to
        # the patient logically, by an identifier that says "the subject of this
        # document" and carries no PHI; FHIR allows a Reference by identifier alone.
        subject = {"type": "Patient", "identifier": subject_identifier}
    redact = Redactor([]) if with_patient else Redactor.for_item(item)
    clinical = clinical_statements(item.document) if item.document is not None else None
    organization = _organization(document_id, clinical, redact)
    context = ResourceContext(
        document_id=document_id,
        document_reference={"reference": _url(resource_id(document_id, "document"))},
        subject=subject,
        approved=item.record.review.status == ReviewStatus.APPROVED,
        redact=redact,
        origins=dict(item.origins),
        organization={"reference": organization["fullUrl"]} if organization else None,
    )
    entries = [
        _entry(resource_id(document_id, "document"), _document_reference(item, context, base_url))
    ]
    if organization is not None:
        entries.append(organization)
    if clinical is None:
        return entries
    if with_patient:
        entries.append(_entry(patient_id, patient_resource(item, subject_identifier, clinical)))
    for statement in clinical.statements:
        resource = _RESOURCES[statement.kind](statement, context)
        if resource is not None:
            entries.append(_entry(resource_id(document_id, statement.key), resource))
    return entries


def _organization(
    document_id: str, clinical: ClinicalStatements | None, redact: Redactor
) -> dict[str, Any] | None:
    """The letterhead's organisation, as a bundle entry, when the document has one."""
    if clinical is None or clinical.issuer is None:
        return None
    resource = organization_resource(clinical.issuer, redact)
    return _entry(resource_id(document_id, "issuer"), resource) if resource else None


def _document_reference(
    item: ReviewedItem, context: ResourceContext, base_url: str
) -> dict[str, Any]:
    record = item.record
    name = context.redact(record.name)
    attachment: dict[str, Any] = {"size": record.size}
    if record.content_type:  # a rejected upload has no known type
        attachment["contentType"] = record.content_type
    if name:
        attachment["title"] = name
    if base_url:
        attachment["url"] = f"{base_url.rstrip('/')}/api/documents/{record.id}/pages/1/image"
    approved = context.approved and record.status == Status.DONE
    reference: dict[str, Any] = {
        "resourceType": "DocumentReference",
        "identifier": [{"system": DOCUMENT_SYSTEM, "value": record.id}],
        "status": "current",
        "docStatus": "final" if approved else "preliminary",
        "subject": context.subject,
        "date": _instant(record.created_at),
        "content": [{"attachment": attachment}],
    }
    if name:
        reference["description"] = name
    if context.organization is not None:
        reference["author"] = [context.organization]  # who issued the paper
    return reference


def _entry(resource_uuid: str, resource: dict[str, Any]) -> dict[str, Any]:
    return {
        "fullUrl": _url(resource_uuid),
        "resource": {"resourceType": resource["resourceType"], "id": resource_uuid, **resource},
    }


def _url(resource_uuid: str) -> str:
    return f"urn:uuid:{resource_uuid}"


def _instant(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
