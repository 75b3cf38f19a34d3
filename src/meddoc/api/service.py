"""The review service: what reviewers can do with documents, over the ports. Every
change is kept in the audit trail (who, when, before, after); corrections sit beside
the machine result and never replace it; PHI stays masked until revealed on purpose."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from meddoc import __version__, serialization
from meddoc.api.views import (
    Accepted,
    Deleted,
    DocumentList,
    DocumentView,
    Health,
    PageLink,
    PipelineStatus,
    ReprocessResult,
    UploadIntent,
)
from meddoc.errors import Conflict, DocumentNotFound, InvalidRequest
from meddoc.model import (
    AuditEvent,
    BoundingBox,
    Correction,
    CorrectionKind,
    Document,
    DocumentRecord,
    MedicalEntity,
    ObjectRef,
    ReviewStatus,
    Status,
)
from meddoc.page_images import render_page
from meddoc.pipeline import records
from meddoc.pipeline.job import ResultsLayout
from meddoc.pipeline.store import index_terms, searchable_text
from meddoc.pipeline.stuck import unsettled
from meddoc.ports import (
    BlobStore,
    DocumentQuery,
    DocumentStore,
    ReviewStore,
    Tombstone,
    Tombstones,
)
from meddoc.privacy import mask_audit, mask_document, mask_entities, phi_boxes
from meddoc.review import check_correction, keep_details, reviewed_document, reviewed_view

PAGE_IMAGE_URL = "/api/documents/{id}/pages/{number}/image"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is calling: a user name (JWT subject/email, "api-key", or "local")."""

    name: str


class UploadGateway(Protocol):
    def intent(self, name: str, size: int, content_type: str) -> UploadIntent: ...


class Reprocessor(Protocol):
    def reprocess(self, record: DocumentRecord) -> None: ...


class PageRenderer(Protocol):
    """Renders page images somewhere else (locally: in a sandbox process, so a slow page
    holds up no other request)."""

    def render(
        self, source: ObjectRef, number: int, rotation: int, redact: list[BoundingBox]
    ) -> bytes: ...


class Uploads(Protocol):
    """Where originals live, so deleting a document can delete them too."""

    def delete_original(self, record: DocumentRecord) -> int: ...


@dataclass(frozen=True, slots=True)
class PageImage:
    """A page image, PHI boxes blacked out unless PHI was revealed."""

    content_type: str
    body: bytes


@dataclass
class ReviewService:
    store: DocumentStore
    reviews: ReviewStore
    blobs: BlobStore
    layout: ResultsLayout
    uploads: UploadGateway
    reprocessor: Reprocessor
    originals: Uploads
    now: Callable[[], datetime]
    mode: str = "local"
    pages: PageRenderer | None = None  # None: rendered here
    tombstones: Tombstones | None = None

    # --- reading ------------------------------------------------------------------------

    def health(self) -> Health:
        return Health("ok", __version__, self.mode, self.reviews.count_by_status())

    def status(self) -> PipelineStatus:
        moment = self.now()
        oldest = min(unsettled(self.reviews), key=lambda r: r.updated_at, default=None)
        done = 0
        cursor: str | None = None
        while True:  # newest first: stop at the first page older than an hour
            page = self.reviews.search(DocumentQuery(status=Status.DONE, limit=100, cursor=cursor))
            recent = [r for r in page.records if moment - r.updated_at <= timedelta(hours=1)]
            done += len(recent)
            if not page.next_cursor or not recent:
                break
            cursor = page.next_cursor
        return PipelineStatus(self.reviews.count_by_status(), done, oldest)

    def search(self, query: DocumentQuery) -> DocumentList:
        page = self.reviews.search(query)
        return DocumentList(page.records, page.next_cursor)

    def view(self, document_id: str, actor: Actor, reveal: bool = False) -> DocumentView:
        record = self._record(document_id)
        document = self._document(record)
        corrections = self.reviews.corrections(document_id)
        if reveal:
            self._audit(document_id, "REVEAL_PHI", actor)
        entities = reviewed_view(document, corrections) if document else []
        audit = self.reviews.audit(document_id)
        if document is not None and not reveal:
            document = mask_document(document)
            entities = mask_entities(entities, document)
            audit = mask_audit(audit, document)
            corrections = copy.deepcopy(corrections)
            mask_entities([c.entity for c in corrections if c.entity], document)
        pages = [
            PageLink(
                p.number, PAGE_IMAGE_URL.format(id=document_id, number=p.number), p.width, p.height
            )
            for p in (document.pages if document else [])
        ]
        return DocumentView(
            record, document, entities, corrections, audit, pages, phi_revealed=reveal
        )

    def page_image(
        self, document_id: str, number: int, actor: Actor, reveal: bool = False
    ) -> PageImage:
        record = self._record(document_id)
        document = self._document(record)
        if document is None and not reveal:
            # Without OCR there is no telling where PHI is on the page.
            raise Conflict("this document was not processed; reveal PHI to see its pages")
        if not 1 <= number <= max(record.page_count, 1):
            raise DocumentNotFound(f"the document has no page {number}")
        redact: list[BoundingBox] = []
        if reveal:
            self._audit(document_id, "REVEAL_PHI", actor, note=f"page {number} image")
        elif document is not None:
            redact = phi_boxes(mask_document(document), number)
        page = next((p for p in document.pages if p.number == number), None) if document else None
        rotation = page.rotation if page else 0
        if self.pages is not None:
            body = self.pages.render(record.source, number, rotation, redact)
        else:
            body = render_page(self.blobs.read(record.source), number, rotation, redact)
        return PageImage("image/jpeg", body)

    def document(
        self, document_id: str
    ) -> tuple[DocumentRecord, Document | None, list[Correction]]:
        record = self._record(document_id)
        return record, self._document(record), self.reviews.corrections(document_id)

    # --- reviewing ----------------------------------------------------------------------

    def review(
        self, document_id: str, actor: Actor, status: ReviewStatus, note: str = ""
    ) -> DocumentRecord:
        record = self._record(document_id)
        if record.status != Status.DONE and status == ReviewStatus.APPROVED:
            raise Conflict(f"a {record.status.value} document cannot be approved")
        before = serialization.to_dict(record.review)
        moment = self.now()

        def change(rec: DocumentRecord) -> bool:
            rec.review.status = status
            rec.review.reviewer = actor.name
            rec.review.reviewed_at = moment
            rec.updated_at = moment
            return True

        updated = self.store.update(document_id, change)
        action = {
            ReviewStatus.APPROVED: "APPROVE",
            ReviewStatus.FLAGGED: "FLAG",
            ReviewStatus.UNREVIEWED: "UNREVIEW",
        }[status]
        self._audit(
            document_id, action, actor, before, serialization.to_dict(updated.review), note
        )
        return updated

    def note(self, document_id: str, actor: Actor, text: str) -> AuditEvent:
        self._record(document_id)
        if not text.strip():
            raise InvalidRequest("a note needs some text")
        return self._audit(document_id, "NOTE", actor, note=text.strip())

    def correct(
        self,
        document_id: str,
        actor: Actor,
        kind: CorrectionKind,
        entity_id: int | None,
        entity: MedicalEntity | None,
        note: str = "",
    ) -> Correction:
        record = self._record(document_id)
        document = self._document(record)
        if document is None or document.medical is None:
            raise Conflict("only a processed (DONE) document has entities to correct")
        corrections = self.reviews.corrections(document_id)
        current = {e.id: e for e in reviewed_view(document, corrections)}
        before = check_correction(kind, entity_id, entity, current, document)
        if kind == CorrectionKind.CORRECT and entity is not None and entity_id is not None:
            entity = keep_details(entity, current[entity_id])
        correction = Correction(
            id=uuid.uuid4().hex,
            document_id=document_id,
            kind=kind,
            actor=actor.name,
            at=self.now(),
            entity_id=entity_id,
            entity=entity,
            note=note,
        )
        self.reviews.add_correction(correction)
        after = serialization.to_dict(entity) if entity is not None else None
        self._audit(document_id, kind.value, actor, before, after, note)
        reviewed = reviewed_document(document, [*corrections, correction])
        self.store.index(document_id, index_terms(reviewed), searchable_text(reviewed))
        return correction

    def record_export(
        self, document_id: str, actor: Actor, format_name: str, with_phi: bool
    ) -> None:
        note = f"{format_name} export" + (" including PHI" if with_phi else "")
        self._audit(document_id, "EXPORT_PHI" if with_phi else "EXPORT", actor, note=note)

    # --- files --------------------------------------------------------------------------

    def upload_intent(self, name: str, size: int, content_type: str) -> UploadIntent:
        if not name.strip() or "/" in name or "\\" in name or name in (".", ".."):
            raise InvalidRequest("give the file's own name, without folders")
        if size <= 0:
            raise InvalidRequest("the file is empty")
        return self.uploads.intent(name.strip(), size, content_type)

    def reprocess(self, document_id: str, actor: Actor) -> Accepted:
        record = self._record(document_id)
        if record.status in (Status.RECEIVED, Status.PROCESSING):
            raise Conflict("the document is being processed already")
        self._requeue(record, actor)
        return Accepted(document_id, "RECEIVED", "queued for processing again")

    def reprocess_matching(
        self, actor: Actor, status: Status | None, every: bool = False
    ) -> ReprocessResult:
        """Queue every document with `status` (or all of them) again; documents under
        way are left alone. For very large buckets on AWS, the backfill workflow is the
        bounded-concurrency way to do this."""
        if status is None and not every:
            raise InvalidRequest("name a status, or ask for all documents")
        queued = skipped = 0
        cursor: str | None = None
        while True:
            page = self.reviews.search(DocumentQuery(status=status, limit=100, cursor=cursor))
            for record in page.records:
                if record.status in (Status.RECEIVED, Status.PROCESSING):
                    skipped += 1
                    continue
                self._requeue(record, actor)
                queued += 1
            if not page.next_cursor:
                return ReprocessResult(queued, skipped)
            cursor = page.next_cursor

    def delete(self, document_id: str, actor: Actor) -> Deleted:
        """Everything about the document goes (original, results, record, index, audit
        and corrections); one content-free event records that it was deleted. The
        tombstone comes first: a step still working on the document stops at its next
        write and removes what it wrote (meddoc.pipeline.deletion)."""
        record = self._record(document_id)
        if self.tombstones is not None:
            self.tombstones.bury(Tombstone(document_id, record.attempts, self.now()))
        objects = self.originals.delete_original(record)
        objects += self.blobs.delete_prefix(self.layout.bucket, self.layout.prefix(document_id))
        self.reviews.delete(document_id)
        self._audit(document_id, "DELETE", actor)
        return Deleted(document_id, objects)

    # --- helpers ------------------------------------------------------------------------

    def _requeue(self, record: DocumentRecord, actor: Actor) -> None:
        """RECEIVED at once (a new attempt, visible in lists), then handed to the
        pipeline as the owner of that record."""
        self.store.update(record.id, records.restart(self.now()))
        self.reprocessor.reprocess(record)
        self._audit(record.id, "REPROCESS", actor)

    def _record(self, document_id: str) -> DocumentRecord:
        record = self.store.get(document_id)
        if record is None:
            raise DocumentNotFound(f"no document {document_id}")
        return record

    def _document(self, record: DocumentRecord) -> Document | None:
        if record.status != Status.DONE or record.result is None:
            return None
        return serialization.loads(Document, self.blobs.read(record.result))

    def _audit(
        self,
        document_id: str,
        action: str,
        actor: Actor,
        before: Any = None,
        after: Any = None,
        note: str = "",
    ) -> AuditEvent:
        event = AuditEvent(
            id=uuid.uuid4().hex,
            document_id=document_id,
            action=action,
            actor=actor.name,
            at=self.now(),
            before=before,
            after=after,
            note=note,
        )
        self.reviews.add_audit(event)
        return event
