"""The whole pipeline in one process, step after step, with the same outcomes as the AWS
workflow: every upload ends DONE or FAILED (with the step and reason), or is skipped
because the same bytes are already known."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from meddoc.errors import DocumentDeleted, StorageFull
from meddoc.limits import Limits
from meddoc.model import DocumentRecord, ObjectRef
from meddoc.pipeline import failure
from meddoc.pipeline.analyze_language import analyze_language
from meddoc.pipeline.analyze_medical import analyze_medical
from meddoc.pipeline.analyze_text import analyze_text
from meddoc.pipeline.artifacts import Artifacts
from meddoc.pipeline.deletion import Deletions
from meddoc.pipeline.detect_text import detect_text
from meddoc.pipeline.job import PROCESS, Job
from meddoc.pipeline.store import store_document
from meddoc.pipeline.validate import validate
from meddoc.ports import (
    BlobStore,
    DocumentStore,
    LanguageAnalyzer,
    LanguageDetector,
    MedicalAnalyzer,
    TextDetector,
    Translator,
)

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Pipeline:
    """The ports wired for one runtime. `detector` must read every supported type
    (offline engines render PDF and TIFF pages themselves)."""

    blobs: BlobStore
    store: DocumentStore
    artifacts: Artifacts
    detector: TextDetector
    language_detector: LanguageDetector
    translator: Translator | None
    language_analyzer: LanguageAnalyzer
    medical_analyzer: MedicalAnalyzer
    limits: Limits = field(default_factory=Limits)
    now: Callable[[], datetime] = utc_now
    deletions: Deletions | None = None  # the artifacts' too: steps stop when deleted

    def identify(
        self,
        source: ObjectRef,
        name: str = "",
        reprocess: bool = False,
        resume: bool = False,
        expected_id: str = "",
    ) -> Job:
        """Validate an upload: its record exists afterwards (RECEIVED, or FAILED).
        Raises DocumentDeleted for a job resuming a record deleted meanwhile."""
        job = Job(
            source=source, name=name, reprocess=reprocess, resume=resume, expected_id=expected_id
        )
        try:
            return validate(
                job,
                blobs=self.blobs,
                store=self.store,
                limits=self.limits,
                now=self.now,
                deletions=self.deletions,
            )
        except (StorageFull, DocumentDeleted):
            # Not the document's failure: a full disk is waited out (the job is retried
            # when there is room); a deleted document has nothing left to fail.
            raise
        except Exception as exc:
            self._fail(job, "validate", exc)
            raise

    def process(self, job: Job) -> DocumentRecord | None:
        """Run the steps after validation; returns the final record (None when the
        upload vanished before it could be identified, or the document was deleted
        while it was being processed)."""
        if job.action == PROCESS and not self._run_steps(job):
            return None
        return self.store.get(job.document_id) if job.document_id else None

    def run(self, source: ObjectRef, name: str = "", reprocess: bool = False) -> DocumentRecord:
        job = self.identify(source, name, reprocess)
        record = self.process(job)
        if record is None:  # identify raised if the document could not be named
            raise DocumentDeleted("the document was deleted while it was being processed")
        return record

    def _run_steps(self, job: Job) -> bool:
        """False when the document was deleted under the run (which then cleaned up)."""
        steps: list[tuple[str, Callable[[Job], Job]]] = [
            ("detect_text", self._detect_text),
            ("analyze_language", self._analyze_language),
            ("analyze_text", self._analyze_text),
            ("analyze_medical", self._analyze_medical),
            ("store", self._store),
        ]
        for name, step in steps:
            try:
                job = step(job)
            except StorageFull:
                raise  # not the document's fault: its job is retried when there is room
            except DocumentDeleted:
                return False
            except Exception as exc:
                return self._fail(job, name, exc)
        return True

    def _fail(self, job: Job, step: str, exc: Exception) -> bool:
        """Record the failure; False when the document turned out deleted."""
        log.warning(
            "step %s failed for document %s: %s", step, job.document_id or "?", type(exc).__name__
        )
        try:
            failure.record_failure(
                job,
                step,
                failure.step_error(exc),
                blobs=self.blobs,
                store=self.store,
                limits=self.limits,
                now=self.now,
                deletions=self.deletions,
            )
        except DocumentDeleted:
            return False
        return True

    def _detect_text(self, job: Job) -> Job:
        return detect_text(
            job,
            detector=self.detector,
            artifacts=self.artifacts,
            store=self.store,
            now=self.now,
        )

    def _analyze_language(self, job: Job) -> Job:
        return analyze_language(
            job,
            detector=self.language_detector,
            translator=self.translator,
            artifacts=self.artifacts,
        )

    def _analyze_text(self, job: Job) -> Job:
        return analyze_text(job, analyzer=self.language_analyzer, artifacts=self.artifacts)

    def _analyze_medical(self, job: Job) -> Job:
        return analyze_medical(job, analyzer=self.medical_analyzer, artifacts=self.artifacts)

    def _store(self, job: Job) -> Job:
        return store_document(job, artifacts=self.artifacts, store=self.store, now=self.now)
