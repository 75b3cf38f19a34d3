"""Deleting a document while its run is under way, over fakes of the ports: the run
stops at its next write and removes what it wrote; a new upload of the same bytes is a
new attempt that no earlier run disturbs; tombstones go after their grace."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from meddoc.errors import DocumentDeleted
from meddoc.limits import Limits
from meddoc.model import MedicalAnalysis, ObjectRef, Status
from meddoc.pipeline.artifacts import Artifacts
from meddoc.pipeline.deletion import TOMBSTONE_GRACE, Deletions
from meddoc.pipeline.failure import StepError, record_failure
from meddoc.pipeline.job import MEDICAL, PROCESS, ResultsLayout
from meddoc.pipeline.runner import Pipeline
from meddoc.ports import IndexTerm, ResponseLog, Tombstone
from tests.documents import png_bytes
from tests.fakes import (
    FakeBlobStore,
    FakeDocumentStore,
    FakeLanguageAnalyzer,
    FakeLanguageDetector,
    FakeMedicalAnalyzer,
    FakeTextDetector,
    FakeTombstones,
    page_of,
)

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
LAYOUT = ResultsLayout("results")
DATA = png_bytes(text="visit")


class World:
    """The pipeline over fakes, with tombstones, and the delete as the review service
    does it (tombstone first, then the originals, the results, the record)."""

    def __init__(self) -> None:
        self.blobs = FakeBlobStore()
        self.store = FakeDocumentStore()
        self.tombstones = FakeTombstones()
        self.deletions = Deletions(self.store, self.tombstones, self.blobs, LAYOUT)
        self.medical = InterruptingAnalyzer()
        self.pipeline = Pipeline(
            blobs=self.blobs,
            store=self.store,
            artifacts=Artifacts(self.blobs, LAYOUT, self.deletions),
            detector=FakeTextDetector([page_of("Plan: metformin 500 mg")]),
            language_detector=FakeLanguageDetector(),
            translator=None,
            language_analyzer=FakeLanguageAnalyzer(),
            medical_analyzer=self.medical,
            now=lambda: NOW,
            deletions=self.deletions,
        )

    def upload(self, key: str, data: bytes = DATA) -> ObjectRef:
        ref = ObjectRef("uploads", key)
        self.blobs.put(ref, data)
        return ref

    def delete(self, document_id: str) -> None:
        record = self.store.get(document_id)
        assert record is not None
        self.tombstones.bury(Tombstone(document_id, record.attempts, NOW))
        for ref in [record.source, *record.other_sources]:
            self.blobs.objects.pop(ref, None)
        self.blobs.delete_prefix(LAYOUT.bucket, LAYOUT.prefix(document_id))
        del self.store.records[document_id]
        self.store.terms.pop(document_id, None)
        self.store.texts.pop(document_id, None)

    def left(self, document_id: str) -> list[str]:
        return [k for k in self.blobs.keys(LAYOUT.bucket) if document_id in k]


class InterruptingAnalyzer(FakeMedicalAnalyzer):
    """Medical analysis during which something else happens (a reviewer deletes)."""

    def __init__(self) -> None:
        super().__init__()
        self.meanwhile: Callable[[], None] = lambda: None

    def analyze(self, text: str, language: str, log: ResponseLog) -> MedicalAnalysis:
        self.meanwhile()
        self.meanwhile = lambda: None
        return super().analyze(text, language, log)


def test_a_document_deleted_while_it_is_analysed_leaves_nothing_and_its_run_stops() -> None:
    world = World()
    job = world.pipeline.identify(world.upload("scans/visit.png"))
    world.medical.meanwhile = lambda: world.delete(job.document_id)
    assert world.pipeline.process(job) is None
    assert world.left(job.document_id) == []
    assert world.store.get(job.document_id) is None
    assert world.store.terms.get(job.document_id, []) == []
    assert world.blobs.keys("uploads") == []


def test_the_same_bytes_uploaded_after_a_delete_are_a_new_attempt_and_end_done() -> None:
    world = World()
    first = world.pipeline.identify(world.upload("scans/visit.png"))
    world.medical.meanwhile = lambda: world.delete(first.document_id)
    world.pipeline.process(first)
    again = world.pipeline.identify(world.upload("again/visit.png"))
    assert (again.action, again.attempt) == (PROCESS, 2)
    record = world.pipeline.process(again)
    assert record is not None
    assert (record.status, record.attempts) == (Status.DONE, 2)


def test_a_run_of_a_deleted_attempt_stops_without_removing_a_new_uploads_results() -> None:
    world = World()
    old = world.pipeline.identify(world.upload("scans/visit.png"))
    world.delete(old.document_id)
    new = world.pipeline.identify(world.upload("again/visit.png"))
    done = world.pipeline.process(new)
    assert done is not None
    assert done.status == Status.DONE
    kept = world.left(new.document_id)
    with pytest.raises(DocumentDeleted):  # the old run's next write
        world.pipeline.artifacts.save(old, MEDICAL, MedicalAnalysis())
    assert world.left(new.document_id) == kept
    assert world.store.get(new.document_id) == done


def test_a_job_resuming_a_deleted_document_does_not_bring_its_record_back() -> None:
    world = World()
    source = world.upload("scans/visit.png")
    job = world.pipeline.identify(source)
    world.delete(job.document_id)
    world.upload("scans/visit.png")  # the run had read it already; it is still there
    with pytest.raises(DocumentDeleted):
        world.pipeline.identify(source, resume=True)
    assert world.store.get(job.document_id) is None


def test_a_step_failing_because_its_document_was_deleted_records_no_failure() -> None:
    world = World()
    job = world.pipeline.identify(world.upload("scans/visit.png"))
    world.pipeline.artifacts.blobs.write(LAYOUT.artifact(job.document_id, "ocr"), b"{}", "")
    world.delete(job.document_id)
    world.blobs.write(LAYOUT.raw(job.document_id, "late"), b"{}", "")  # after the delete
    with pytest.raises(DocumentDeleted):
        record_failure(
            job,
            "detect_text",
            StepError("DocumentNotFound"),
            blobs=world.blobs,
            store=world.store,
            limits=Limits(),
            now=lambda: NOW,
            deletions=world.deletions,
        )
    assert world.left(job.document_id) == []
    assert world.store.get(job.document_id) is None


def test_tombstones_past_their_grace_go_with_what_a_killed_run_left() -> None:
    world = World()
    old = world.pipeline.identify(world.upload("old/visit.png"))
    world.delete(old.document_id)
    # A run killed after writing, before it could notice: its results and index stay.
    world.blobs.write(LAYOUT.artifact(old.document_id, "ocr"), b"{}", "")
    world.store.index(old.document_id, [IndexTerm("entity", "metformin")], "text")
    unfinished = world.pipeline.identify(world.upload("unfinished.png", png_bytes(text="b")))
    world.tombstones.bury(Tombstone(unfinished.document_id, 1, NOW))  # its delete broke off
    world.tombstones.bury(Tombstone("recent", 1, NOW + TOMBSTONE_GRACE))
    swept = world.deletions.sweep(NOW + TOMBSTONE_GRACE + timedelta(minutes=1))
    assert sorted(swept) == sorted([old.document_id, unfinished.document_id])
    assert world.left(old.document_id) == []
    assert world.store.terms[old.document_id] == []
    assert world.store.get(unfinished.document_id) is not None  # still listed: delete again
    assert list(world.tombstones.buried) == ["recent"]


def test_only_the_documents_own_tombstone_and_record_decide() -> None:
    world = World()
    identified = world.pipeline.identify(world.upload("a.png"))
    world.tombstones.bury(Tombstone("another document", 3, NOW))
    assert not world.deletions.deleted(identified)
    assert world.deletions.next_attempt(identified.document_id) == 1
    world.store.records.pop(identified.document_id)  # its record went without a tombstone
    assert world.deletions.deleted(identified)
