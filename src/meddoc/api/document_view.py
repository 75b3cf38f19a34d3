"""One document as the review page shows it: the (masked) result with the reviewed
entities, fields and tables, links to its page images, and what the clinical mapping
reads each entity as in its section."""

from __future__ import annotations

from meddoc.api.views import DocumentView, PageLink, Reading
from meddoc.model import AuditEvent, Correction, Document, DocumentRecord, MedicalEntity
from meddoc.review import corrected_targets, reviewed_document, reviewed_structure
from meddoc.structure.clinical import clinical_statements

PAGE_IMAGE_URL = "/api/documents/{id}/pages/{number}/image"


def document_view(
    record: DocumentRecord,
    document: Document | None,
    entities: list[MedicalEntity],
    corrections: list[Correction],
    audit: list[AuditEvent],
    revealed: bool,
) -> DocumentView:
    """The view of what is given, masked or not as it is given: every value shown
    (fields, cells, section titles) comes from `document` and `corrections`."""
    view = DocumentView(record, document, entities, corrections, audit, [], revealed)
    if document is None:
        return view
    view.pages = [
        PageLink(p.number, PAGE_IMAGE_URL.format(id=record.id, number=p.number), p.width, p.height)
        for p in document.pages
    ]
    reviewed = reviewed_structure(document, corrections)
    view.fields = [f for p in reviewed.pages for f in p.fields]
    view.tables = [t for p in reviewed.pages for t in p.tables]
    view.corrected = sorted(corrected_targets(corrections))
    clinical = clinical_statements(reviewed_document(document, corrections))
    view.readings = [
        Reading(entity_id, statement.kind.value, statement.section.value)
        for entity_id, statement in sorted(clinical.readings().items())
    ]
    view.sections = clinical.structure.sections
    return view
