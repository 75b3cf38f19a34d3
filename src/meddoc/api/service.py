"""The review service: what reviewers and admins can do with documents, over the ports.
Every change is kept in the audit trail (who, when, before, after), written in one unit
of work with the change itself; corrections sit beside the machine result and never
replace it; PHI stays masked until an admin reveals it on purpose."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from meddoc import __version__, serialization
from meddoc.api.corrections import Drafting, entity_draft, structure_draft
from meddoc.api.document_view import document_view
from meddoc.api.gateways import PageImage, PageRenderer, Reprocessor, UploadGateway, Uploads
from meddoc.api.input_limits import (
    check_entity,
    check_note,
    check_structure_value,
    check_upload_name,
)
from meddoc.api.roles import Actor, Permission
from meddoc.api.views import (
    Accepted,
    Deleted,
    DocumentList,
    DocumentView,
    Health,
    PipelineStatus,
    ReprocessResult,
    RuntimeHealth,
    UploadIntent,
)
from meddoc.errors import ConcurrentChange, Conflict, DocumentNotFound, InvalidRequest, NotAllowed
from meddoc.masked_review import listed_record, mask_corrections, mask_review
from meddoc.model import (
    AuditEvent,
    BoundingBox,
    Correction,
    CorrectionKind,
    Document,
    DocumentRecord,
    MedicalEntity,
    ReviewStatus,
    Status,
)
from meddoc.page_images import render_page
from meddoc.pipeline import records
from meddoc.pipeline.job import ResultsLayout
from meddoc.pipeline.store import search_index
from meddoc.pipeline.stuck import unsettled
from meddoc.ports import (
    BlobStore,
    DocumentQuery,
    DocumentStore,
    ReviewStore,
    ReviewUnitOfWork,
    Tombstone,
    Tombstones,
)
from meddoc.privacy import DocumentPhi, document_phi, mask_document, phi_boxes
from meddoc.review import (
    reviewed_view,
)

WRITE_ATTEMPTS = 3  # units of work that lost a race with another writer, tried afresh
REVIEW_ACTIONS = {
    ReviewStatus.APPROVED: "APPROVE",
    ReviewStatus.FLAGGED: "FLAG",
    ReviewStatus.UNREVIEWED: "UNREVIEW",
}
__all__ = ["Actor", "PageImage", "PageRenderer", "ReviewService"]
log = logging.getLogger(__name__)
T = TypeVar("T")


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
    unit_of_work: Callable[[], ReviewUnitOfWork]
    mode: str = "local"
    pages: PageRenderer | None = None  # None: rendered here
    runtime_health: Callable[[], RuntimeHealth] | None = None  # workers, disk (local)
    tombstones: Tombstones | None = None
    requeued: Status = Status.RECEIVED  # QUEUED where reprocessing waits for admission (AWS)

    # --- who may ------------------------------------------------------------------------

    def authorize(
        self,
        actor: Actor,
        permission: Permission,
        document_ids: Iterable[str] = (),
        what: str = "",
    ) -> None:
        """NotAllowed unless the actor's roles permit it. A refusal is recorded in the
        audit trail of each existing document it concerns (an attempt to see PHI is
        worth knowing about), and logged without names otherwise."""
        if actor.may(permission):
            return
        roles = ", ".join(sorted(actor.roles)) or "none"
        log.warning("refused %s to a caller with roles: %s", permission.value, roles)
        for document_id in document_ids:
            if self.store.get(document_id) is not None:
                self._audit(document_id, "REFUSED", actor, note=what or permission.value)
        raise NotAllowed(f"{what or permission.value} needs the admin role")

    # --- reading ------------------------------------------------------------------------

    def health(self) -> Health:
        runtime = self.runtime_health() if self.runtime_health else RuntimeHealth()
        return Health(
            "degraded" if runtime.problems else "ok",
            __version__,
            self.mode,
            self.reviews.count_by_status(),
            runtime.workers,
            runtime.disk_free_mb,
            runtime.problems,
        )

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
        """A page of the document list, file names shown without the PHI processing
        found in them (listed_record)."""
        page = self.reviews.search(query)
        return DocumentList([listed_record(r) for r in page.records], page.next_cursor)

    def view(self, document_id: str, actor: Actor, reveal: bool = False) -> DocumentView:
        if reveal:
            self.authorize(actor, Permission.REVEAL_PHI, [document_id], "reveal PHI")
        record = self._record(document_id)
        document = self._document(record)
        corrections = self.reviews.corrections(document_id)
        if reveal:
            self._audit(document_id, "REVEAL_PHI", actor)
        entities = reviewed_view(document, corrections) if document else []
        audit = self.reviews.audit(document_id)
        if not reveal:
            record, document, entities, corrections, audit = mask_review(
                record, document, entities, corrections, audit
            )
        return document_view(record, document, entities, corrections, audit, reveal)

    def page_image(
        self, document_id: str, number: int, actor: Actor, reveal: bool = False
    ) -> PageImage:
        if reveal:
            what = f"page {number} image with PHI"
            self.authorize(actor, Permission.REVEAL_PHI, [document_id], what)
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
            phi = document_phi(document, self.reviews.corrections(document_id))
            redact = phi_boxes(mask_document(document, phi), number)
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
        note = check_note(note)

        def write(unit: ReviewUnitOfWork) -> DocumentRecord:
            record = self._record_in(unit, document_id)
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

            updated = unit.update(document_id, change)
            after = serialization.to_dict(updated.review)
            action = REVIEW_ACTIONS[status]
            unit.add_audit(self._event(document_id, action, actor, before, after, note))
            return updated

        return self._write(write)

    def note(self, document_id: str, actor: Actor, text: str) -> AuditEvent:
        text = check_note(text)
        if not text:
            raise InvalidRequest("a note needs some text")

        def write(unit: ReviewUnitOfWork) -> AuditEvent:
            self._record_in(unit, document_id)
            event = self._event(document_id, "NOTE", actor, note=text)
            unit.add_audit(event)
            return event

        return self._write(write)

    def correct(
        self,
        document_id: str,
        actor: Actor,
        kind: CorrectionKind,
        entity_id: int | None,
        entity: MedicalEntity | None,
        note: str = "",
    ) -> Correction:
        """An entity corrected, added or removed (see _add_correction)."""
        note = check_note(note, "a correction's note")
        if entity is not None:
            check_entity(entity)
        return self._add_correction(
            document_id, actor, note, entity_draft(kind, entity_id, entity)
        )

    def correct_structure(
        self,
        document_id: str,
        actor: Actor,
        kind: CorrectionKind,
        target: str,
        value: str,
        note: str = "",
    ) -> Correction:
        """A FIELD or CELL correction: the value of a form field, the text of a table
        cell (see _add_correction)."""
        note = check_note(note, "a correction's note")
        value = check_structure_value(target, value)
        return self._add_correction(document_id, actor, note, structure_draft(kind, target, value))

    def record_export(
        self, document_id: str, actor: Actor, format_name: str, with_phi: bool
    ) -> None:
        note = f"{format_name} export" + (" including PHI" if with_phi else "")
        self._audit(document_id, "EXPORT_PHI" if with_phi else "EXPORT", actor, note=note)

    # --- files --------------------------------------------------------------------------

    def upload_intent(self, name: str, size: int, content_type: str) -> UploadIntent:
        name = check_upload_name(name)
        if size <= 0:
            raise InvalidRequest("the file is empty")
        return self.uploads.intent(name, size, content_type)

    def reprocess(self, document_id: str, actor: Actor) -> Accepted:
        record = self._record(document_id)
        if record.status in records.UNDER_WAY or not self._requeue(record, actor):
            raise Conflict("the document is being processed already")
        return Accepted(document_id, self.requeued.value, "queued for processing again")

    def reprocess_matching(
        self, actor: Actor, status: Status | None, every: bool = False
    ) -> ReprocessResult:
        """Queue every document with `status` (or all of them) again; documents under
        way are left alone. For very large buckets on AWS, the backfill workflow is the
        bounded-concurrency way to do this."""
        self.authorize(actor, Permission.REPROCESS_MANY, what="reprocess many documents")
        if status is None and not every:
            raise InvalidRequest("name a status, or ask for all documents")
        queued = skipped = 0
        cursor: str | None = None
        while True:
            page = self.reviews.search(DocumentQuery(status=status, limit=100, cursor=cursor))
            for record in page.records:
                if record.status in records.UNDER_WAY:
                    skipped += 1
                    continue
                if self._requeue(record, actor):
                    queued += 1
                else:
                    skipped += 1  # another request restarted it meanwhile
            if not page.next_cursor:
                return ReprocessResult(queued, skipped)
            cursor = page.next_cursor

    def delete(self, document_id: str, actor: Actor) -> Deleted:
        """Everything about the document goes (original, results, record, index, audit
        and corrections); one content-free event records that it was deleted. The
        tombstone comes first: a step still working on the document stops at its next
        write and removes what it wrote (meddoc.pipeline.deletion)."""
        self.authorize(actor, Permission.DELETE, [document_id], "delete the document")
        record = self._record(document_id)
        if self.tombstones is not None:
            self.tombstones.bury(Tombstone(document_id, record.attempts, self.now()))
        objects = self.originals.delete_original(record)
        objects += self.blobs.delete_prefix(self.layout.bucket, self.layout.prefix(document_id))
        self.reviews.delete(document_id)
        self._audit(document_id, "DELETE", actor)
        return Deleted(document_id, objects)

    # --- helpers ------------------------------------------------------------------------

    def _requeue(self, record: DocumentRecord, actor: Actor) -> bool:
        """RECEIVED at once (a new attempt, visible in lists), then handed to the
        pipeline as the owner of that record. Of two requests that saw the record in the
        same state (a double click, two reviewers), only one restarts it: False for the
        other."""
        restart = records.restart(self.now(), seen=record, status=self.requeued)
        self.store.update(record.id, restart)
        if not restart.won:
            return False
        self.reprocessor.reprocess(record)
        self._audit(record.id, "REPROCESS", actor)
        return True

    def _add_correction(
        self, document_id: str, actor: Actor, note: str, drafting: Drafting
    ) -> Correction:
        """The correction, its audit event (before and after) and, when it changes
        them, the document's new index terms, in one unit of work. The answer is masked
        as the document's masked view is."""

        def write(unit: ReviewUnitOfWork) -> tuple[Correction, Document, DocumentPhi]:
            document = self._document(self._record_in(unit, document_id))
            if document is None:
                raise Conflict("only a processed (DONE) document can be corrected")
            corrections = self.reviews.corrections(document_id)
            draft = drafting(document, corrections)
            correction = Correction(
                id=uuid.uuid4().hex,
                document_id=document_id,
                kind=draft.kind,
                actor=actor.name,
                at=self.now(),
                entity_id=draft.entity_id,
                entity=draft.entity,
                target=draft.target,
                value=draft.value,
                note=note,
            )
            unit.add_correction(correction)
            event = self._event(
                document_id, draft.kind.value, actor, draft.before, draft.after, note
            )
            unit.add_audit(event)
            every = [*corrections, correction]
            phi = document_phi(document, every)
            if draft.reindex:
                unit.index(document_id, *search_index(document, every, phi))
            return correction, document, phi

        correction, document, phi = self._write(write)
        return mask_corrections([correction], mask_document(document, phi), phi)[0]

    def _write(self, work: Callable[[ReviewUnitOfWork], T]) -> T:
        """`work` in a unit of work, committed; done again from a fresh read when another
        writer changed the document meanwhile (the lost attempt wrote nothing)."""
        attempt = 1
        while True:
            try:
                with self.unit_of_work() as unit:
                    result = work(unit)
                    unit.commit()
                return result
            except ConcurrentChange:
                if attempt >= WRITE_ATTEMPTS:
                    raise
                attempt += 1

    @staticmethod
    def _record_in(unit: ReviewUnitOfWork, document_id: str) -> DocumentRecord:
        record = unit.get(document_id)
        if record is None:
            raise DocumentNotFound(f"no document {document_id}")
        return record

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
        """One audit event on its own (a single write needs no unit of work)."""
        event = self._event(document_id, action, actor, before, after, note)
        self.reviews.add_audit(event)
        return event

    def _event(
        self,
        document_id: str,
        action: str,
        actor: Actor,
        before: Any = None,
        after: Any = None,
        note: str = "",
    ) -> AuditEvent:
        return AuditEvent(
            id=uuid.uuid4().hex,
            document_id=document_id,
            action=action,
            actor=actor.name,
            at=self.now(),
            before=before,
            after=after,
            note=note,
        )
