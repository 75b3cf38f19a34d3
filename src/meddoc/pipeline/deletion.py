"""Deleting a document that is still being processed. The delete leaves a tombstone
first; every step checks it after each write and, when its run was deleted, removes
what it wrote and stops with DocumentDeleted. Tombstones are cleared after a grace."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from meddoc.errors import DocumentDeleted
from meddoc.pipeline.job import Job, ResultsLayout
from meddoc.ports import BlobStore, DocumentStore, Tombstones

# Longer than the pipeline's 2-hour execution timeout (no run of a deleted attempt can
# still write) and the 6-hour expiry of the AWS steps' idempotency records (until then a
# new upload of the same bytes must not restart at an attempt number a deleted run used).
TOMBSTONE_GRACE = timedelta(hours=7)
log = logging.getLogger(__name__)


@dataclass
class Deletions:
    store: DocumentStore
    tombstones: Tombstones
    blobs: BlobStore
    layout: ResultsLayout

    def next_attempt(self, document_id: str) -> int:
        """The first attempt of a new record: after the attempts of a deleted one."""
        tombstone = self.tombstones.find(document_id)
        return tombstone.attempts + 1 if tombstone else 1

    def resumes_deleted(self, job: Job) -> bool:
        """A job that was to carry on with its record (reprocess, an upload identified
        on arrival) finds it deleted: it must not create it again."""
        if not job.resume or self.tombstones.find(job.document_id) is None:
            return False
        return self.store.get(job.document_id) is None

    def deleted(self, job: Job) -> bool:
        """Whether the job's document was deleted since its run began (a record of a
        later upload of the same bytes is another run's)."""
        tombstone = self.tombstones.find(job.document_id)
        if tombstone is not None and job.attempt <= tombstone.attempts:
            return True
        return self.store.get(job.document_id) is None

    def stop_if_deleted(self, job: Job, indexed: bool = False) -> None:
        """After a write: if the run was deleted, remove what it left (results, and with
        `indexed` its search index) and stop."""
        if not self.deleted(job):
            return
        self.clean(job.document_id, indexed)
        log.info("document %s was deleted while step work was under way", job.document_id)
        raise DocumentDeleted("the document was deleted while it was being processed")

    def clean(self, document_id: str, indexed: bool = False) -> int:
        """Remove what runs of a deleted document wrote, unless a new upload of the same
        bytes is being processed under the same prefix now."""
        record = self.store.get(document_id)
        tombstone = self.tombstones.find(document_id)
        if record is not None and (tombstone is None or record.attempts > tombstone.attempts):
            return 0
        return self._remove(document_id, indexed)

    def sweep(self, now: datetime, grace: timedelta = TOMBSTONE_GRACE) -> list[str]:
        """Tombstones older than the grace go. What runs left behind (one killed before
        its next write never cleaned up) goes with them, unless the record is there: a
        new upload's, or one whose delete never finished (it is still listed and can be
        deleted again)."""
        swept = []
        for tombstone in self.tombstones.older_than(now - grace):
            if self.store.get(tombstone.document_id) is None:
                self._remove(tombstone.document_id, indexed=True)
            self.tombstones.lift(tombstone.document_id)
            swept.append(tombstone.document_id)
        return swept

    def _remove(self, document_id: str, indexed: bool) -> int:
        removed = self.blobs.delete_prefix(self.layout.bucket, self.layout.prefix(document_id))
        if indexed:
            self.store.index(document_id, [], "")
        return removed
