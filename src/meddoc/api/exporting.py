"""Exports through the API: JSON, CSV (entities, or form fields) or a FHIR R4 Bundle of
one or many documents, each export recorded in the documents' audit trails (with whether
PHI went out)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from aws_lambda_powertools.event_handler import Response

from meddoc.api.roles import Actor, Permission
from meddoc.api.service import ReviewService
from meddoc.api.views import ExportRequest
from meddoc.errors import InvalidRequest
from meddoc.exports.csv_export import export_csv
from meddoc.exports.fhir import export_fhir
from meddoc.exports.fields_csv import export_fields_csv
from meddoc.exports.json_export import ExportItem, export_json
from meddoc.exports.statements_csv import export_statements_csv

MAX_DOCUMENTS = 500
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "fields_csv": "text/csv; charset=utf-8",
    "fhir": "application/fhir+json",
    "statements_csv": "text/csv; charset=utf-8",  # the clinical statements, one per row
}


EXTENSIONS = {
    "csv": "csv",
    "fields_csv": "fields.csv",
    "statements_csv": "statements.csv",
    "fhir": "fhir.json",
    "json": "json",
}
INLINE_DOCUMENTS = 25  # more than this: an export job, written to the results bucket


@dataclass(frozen=True, slots=True)
class ExportFile:
    name: str
    content_type: str
    body: str


def checked_ids(request: ExportRequest) -> list[str]:
    """The request's document ids once each; InvalidRequest when the request cannot be
    served."""
    if request.format not in CONTENT_TYPES:
        raise InvalidRequest("format must be json, csv, fields_csv, statements_csv or fhir")
    ids = list(dict.fromkeys(request.ids))
    if not ids or len(ids) > MAX_DOCUMENTS:
        raise InvalidRequest(f"export 1 to {MAX_DOCUMENTS} documents at a time")
    return ids


def authorize_export(
    service: ReviewService, actor: Actor, request: ExportRequest, ids: list[str]
) -> bool:
    """Whether the export of `ids` (checked_ids) carries PHI; NotAllowed when the actor
    may not have it."""
    phi = request.include_phi or request.include_patient
    if phi:
        what = f"{request.format} export including PHI"
        service.authorize(actor, Permission.EXPORT_PHI, ids, what)
    return phi


def render_export(service: ReviewService, request: ExportRequest) -> ExportFile:
    """The export's file. Every export masks PHI itself unless asked for it
    (meddoc.privacy decides what)."""
    ids = checked_ids(request)
    items = [ExportItem(*service.document(document_id)) for document_id in ids]
    if request.format == "csv":
        body = export_csv(items, include_phi=request.include_phi)
    elif request.format == "fields_csv":
        body = export_fields_csv(items, include_phi=request.include_phi)
    elif request.format == "statements_csv":
        body = export_statements_csv(items, include_phi=request.include_phi)
    elif request.format == "fhir":
        body = json.dumps(
            export_fhir(items, include_patient=request.include_patient), ensure_ascii=False
        )
    else:
        phi = request.include_phi or request.include_patient
        body = json.dumps(export_json(items, include_phi=phi), ensure_ascii=False)
    subject = ids[0][:12] if len(ids) == 1 else f"{len(ids)}-documents"
    name = f"meddoc-{subject}.{EXTENSIONS[request.format]}"
    return ExportFile(name, CONTENT_TYPES[request.format], body)


def export_documents(
    service: ReviewService, actor: Actor, request: ExportRequest
) -> Response[str]:
    """The export as the answer (recorded in each document's audit trail)."""
    ids = checked_ids(request)
    phi = authorize_export(service, actor, request, ids)
    exported = render_export(service, request)
    for document_id in ids:
        service.record_export(document_id, actor, request.format, phi)
    return Response(
        200,
        content_type=exported.content_type,
        body=exported.body,
        headers={
            "Content-Disposition": f'attachment; filename="{exported.name}"',
            "Cache-Control": "private, no-store",
        },
    )
