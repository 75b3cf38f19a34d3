"""Review writes are one unit of work on both hosts (SQLite, and DynamoDB under moto): a
correction, its audit event and its index terms, a review change and its audit event,
or a note, are written together or not at all, whatever fails between the writes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import boto3
import pytest

from meddoc.api.roles import Actor, admin
from meddoc.api.service import ReviewService
from meddoc.aws.dynamodb_review import DynamoReviewStore
from meddoc.aws.dynamodb_store import DynamoDocumentStore, term_keys
from meddoc.aws.dynamodb_unit_of_work import DynamoReviewUnitOfWork
from meddoc.errors import ConcurrentChange
from meddoc.local.database import connect
from meddoc.local.sqlite_review import SqliteReviewStore, SqliteReviewUnitOfWork
from meddoc.local.sqlite_store import SqliteDocumentStore
from meddoc.model import (
    AuditEvent,
    Category,
    Correction,
    CorrectionKind,
    DocumentRecord,
    MedicalEntity,
    ObjectRef,
    ReviewStatus,
)
from meddoc.pipeline.artifacts import Artifacts
from meddoc.pipeline.job import ResultsLayout
from meddoc.pipeline.runner import Pipeline, utc_now
from meddoc.ports import (
    DocumentQuery,
    DocumentStore,
    IndexTerm,
    RecordChange,
    ReviewStore,
    ReviewUnitOfWork,
)
from tests.api.seed import NOTE, ScriptedTextDetector, SeedMedicalAnalyzer
from tests.aws.cloud import REGION, TABLE
from tests.documents import png_bytes
from tests.fakes import FakeBlobStore, FakeLanguageAnalyzer, FakeLanguageDetector

REVIEWER = admin("reviewer@example.org")
UNIT_METHODS = ("get", "update", "add_audit", "add_correction", "index", "commit")


class Injected(Exception):
    """The failure a test injects between two writes."""


class FailingUnit:
    """A real unit of work that fails when `fail_at` is called (the writes before it
    have been made, or staged), and calls `before_commit` first when it commits."""

    def __init__(
        self,
        unit: ReviewUnitOfWork,
        fail_at: str = "",
        before_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self.unit = unit
        self.fail_at = fail_at
        self.before_commit = before_commit
        self.calls: list[str] = []

    def __enter__(self) -> Self:
        self.unit.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.unit.__exit__(kind, error, traceback)

    def _call(self, name: str, *args: Any) -> Any:
        self.calls.append(name)
        if name == self.fail_at:
            raise Injected(name)
        return getattr(self.unit, name)(*args)

    def get(self, document_id: str) -> DocumentRecord | None:
        found: DocumentRecord | None = self._call("get", document_id)
        return found

    def update(self, document_id: str, change: RecordChange) -> DocumentRecord:
        updated: DocumentRecord = self._call("update", document_id, change)
        return updated

    def add_audit(self, event: AuditEvent) -> None:
        self._call("add_audit", event)

    def add_correction(self, correction: Correction) -> None:
        self._call("add_correction", correction)

    def index(self, document_id: str, terms: Iterable[IndexTerm], text: str) -> None:
        self._call("index", document_id, list(terms), text)

    def commit(self) -> None:
        self.before_commit()
        self._call("commit")


@dataclass
class Host:
    kind: str
    store: DocumentStore
    reviews: ReviewStore
    unit: Callable[[], ReviewUnitOfWork]
    blobs: FakeBlobStore

    def service(self, unit: Callable[[], ReviewUnitOfWork] | None = None) -> ReviewService:
        return ReviewService(
            store=self.store,
            reviews=self.reviews,
            blobs=self.blobs,
            layout=ResultsLayout("results"),
            uploads=None,  # type: ignore[arg-type]  # not used by review writes
            reprocessor=None,  # type: ignore[arg-type]
            originals=None,  # type: ignore[arg-type]
            now=utc_now,
            unit_of_work=unit or self.unit,
        )

    def processed_note(self) -> str:
        """A DONE document (the seeded visit note) made by the real pipeline steps."""
        detector = ScriptedTextDetector({"notes/visit.png": NOTE})
        pipeline = Pipeline(
            blobs=self.blobs,
            store=self.store,
            artifacts=Artifacts(self.blobs, ResultsLayout("results")),
            detector=detector,
            language_detector=FakeLanguageDetector(),
            translator=None,
            language_analyzer=FakeLanguageAnalyzer(),
            medical_analyzer=SeedMedicalAnalyzer(),
        )
        ref = ObjectRef("uploads", "notes/visit.png")
        self.blobs.write(ref, png_bytes(120, 40, "visit"), "image/png")
        return pipeline.run(ref).id

    def found(self, entity: str) -> list[str]:
        return [r.id for r in self.reviews.search(DocumentQuery(entity=entity)).records]


@pytest.fixture(params=["sqlite", "dynamodb"])
def host(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Host]:
    if request.param == "sqlite":
        store = SqliteDocumentStore(connect(tmp_path / "meddoc.db"))
        reviews = SqliteReviewStore(store)
        yield Host(
            "sqlite", store, reviews, lambda: SqliteReviewUnitOfWork(reviews), FakeBlobStore()
        )
        return
    request.getfixturevalue("cloud")
    dynamodb = boto3.resource("dynamodb", region_name=REGION)
    yield Host(
        "dynamodb",
        DynamoDocumentStore(TABLE, dynamodb),
        DynamoReviewStore(TABLE, dynamodb),
        lambda: DynamoReviewUnitOfWork(TABLE, dynamodb),
        FakeBlobStore(),
    )


def remove_metformin(service: ReviewService, document_id: str) -> Correction:
    reviewed = service.view(document_id, REVIEWER).entities
    metformin = next(e for e in reviewed if e.text == "metformin")
    return service.correct(document_id, REVIEWER, CorrectionKind.REMOVE, metformin.id, None)


def add_daily(service: ReviewService, document_id: str) -> Correction:
    text = "\n".join(NOTE)
    begin = text.index("daily")
    entity = MedicalEntity(
        "daily", begin, begin + 5, 1.0, category=Category.MEDICATION, type="FREQUENCY"
    )
    return service.correct(document_id, REVIEWER, CorrectionKind.ADD, None, entity)


def test_given_no_failure_a_correction_its_audit_event_and_its_index_change_are_all_kept(
    host: Host,
) -> None:
    note = host.processed_note()
    assert host.found("metformin") == [note]
    remove_metformin(host.service(), note)
    assert [c.kind for c in host.reviews.corrections(note)] == [CorrectionKind.REMOVE]
    assert [e.action for e in host.reviews.audit(note)] == ["REMOVE"]
    assert host.found("metformin") == []


@pytest.mark.parametrize("fail_at", ["add_audit", "index", "commit"])
def test_given_a_failure_between_the_writes_of_a_correction_then_none_of_them_is_kept(
    host: Host, fail_at: str
) -> None:
    note = host.processed_note()
    units: list[FailingUnit] = []

    def failing() -> ReviewUnitOfWork:
        units.append(FailingUnit(host.unit(), fail_at))
        return units[-1]

    with pytest.raises(Injected):
        remove_metformin(host.service(failing), note)
    assert units[0].calls[-1] == fail_at
    assert "add_correction" in units[0].calls  # the correction was written (or staged)
    assert host.reviews.corrections(note) == []
    assert host.reviews.audit(note) == []
    assert host.found("metformin") == [note]


@pytest.mark.parametrize("fail_at", ["add_audit", "commit"])
def test_given_a_failure_after_the_review_change_then_neither_it_nor_its_audit_is_kept(
    host: Host, fail_at: str
) -> None:
    note = host.processed_note()
    service = host.service(lambda: FailingUnit(host.unit(), fail_at))
    with pytest.raises(Injected):
        service.review(note, REVIEWER, ReviewStatus.APPROVED, "looks right")
    record = host.store.get(note)
    assert record is not None
    assert (record.review.status, record.review.reviewer) == (ReviewStatus.UNREVIEWED, None)
    assert host.reviews.audit(note) == []
    approved = host.service().review(note, REVIEWER, ReviewStatus.APPROVED, "looks right")
    assert approved.review.status == ReviewStatus.APPROVED
    assert [e.action for e in host.reviews.audit(note)] == ["APPROVE"]


def test_given_a_failure_before_a_note_commits_then_no_note_is_kept(host: Host) -> None:
    note = host.processed_note()
    service = host.service(lambda: FailingUnit(host.unit(), "commit"))
    with pytest.raises(Injected):
        service.note(note, REVIEWER, "call the clinic")
    assert host.reviews.audit(note) == []


def test_a_failed_unit_leaves_the_store_free_for_the_next_writer(host: Host) -> None:
    note = host.processed_note()
    with pytest.raises(Injected):
        add_daily(host.service(lambda: FailingUnit(host.unit(), "index")), note)
    # A unit left open (a lock, a transaction) would block or fail these.
    add_daily(host.service(), note)
    host.service().note(note, Actor("someone-else"), "second look")
    assert [e.action for e in host.reviews.audit(note)] == ["ADD", "NOTE"]
    assert host.found("daily") == [note]


# --- DynamoDB: the transaction's own refusals ---------------------------------------------


@pytest.fixture
def dynamo(cloud: None) -> Host:
    dynamodb = boto3.resource("dynamodb", region_name=REGION)
    return Host(
        "dynamodb",
        DynamoDocumentStore(TABLE, dynamodb),
        DynamoReviewStore(TABLE, dynamodb),
        lambda: DynamoReviewUnitOfWork(TABLE, dynamodb),
        FakeBlobStore(),
    )


def touch(store: DocumentStore, document_id: str) -> None:
    """Another writer's change to the record (the pipeline, another reviewer)."""

    def change(record: DocumentRecord) -> bool:
        record.attempts += 1
        return True

    store.update(document_id, change)


def test_a_unit_that_lost_a_race_wrote_nothing_and_is_done_again_from_a_fresh_read(
    dynamo: Host,
) -> None:
    note = dynamo.processed_note()
    raced = [False]

    def once() -> None:
        if not raced[0]:
            raced[0] = True
            touch(dynamo.store, note)

    service = dynamo.service(lambda: FailingUnit(dynamo.unit(), before_commit=once))
    remove_metformin(service, note)
    assert [c.kind for c in dynamo.reviews.corrections(note)] == [CorrectionKind.REMOVE]
    assert [e.action for e in dynamo.reviews.audit(note)] == ["REMOVE"]
    assert dynamo.found("metformin") == []


def test_a_unit_that_always_loses_writes_nothing_and_says_try_again(dynamo: Host) -> None:
    note = dynamo.processed_note()
    service = dynamo.service(
        lambda: FailingUnit(dynamo.unit(), before_commit=lambda: touch(dynamo.store, note))
    )
    with pytest.raises(ConcurrentChange):
        service.review(note, REVIEWER, ReviewStatus.FLAGGED)
    with pytest.raises(ConcurrentChange):
        remove_metformin(service, note)
    record = dynamo.store.get(note)
    assert record is not None
    assert record.review.status == ReviewStatus.UNREVIEWED
    assert dynamo.reviews.audit(note) == []
    assert dynamo.reviews.corrections(note) == []
    assert dynamo.found("metformin") == [note]


def test_a_correction_writes_only_the_terms_it_changes_within_one_transaction(
    dynamo: Host, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = dynamo.processed_note()
    sent: list[list[dict[str, Any]]] = []
    client = dynamo.store.table.meta.client  # type: ignore[attr-defined]
    real = client.transact_write_items

    def recorded(**request: Any) -> Any:
        sent.append(request["TransactItems"])
        return real(**request)

    monkeypatch.setattr(client, "transact_write_items", recorded)
    remove_metformin(dynamo.service(), note)
    (actions,) = sent
    kinds = sorted(next(iter(a)) for a in actions)
    # The record under its version guard, the correction, its audit event; and the one
    # term that changed (metformin's, deleted).
    assert kinds == ["Delete", "Put", "Put", "Put"]


def test_an_index_far_out_of_date_is_set_right_beyond_the_transaction_limit(
    dynamo: Host,
) -> None:
    note = dynamo.processed_note()
    stale = [IndexTerm("entity", f"stale term {n}", "MEDICAL_CONDITION") for n in range(150)]
    table = dynamo.store.table  # type: ignore[attr-defined]
    kept = set(term_keys(table, note))
    dynamo.store.index(note, [*stale, IndexTerm("entity", "metformin", "MEDICATION")], "")
    assert len(term_keys(table, note)) == 151
    remove_metformin(dynamo.service(), note)
    assert dynamo.found("stale term 7") == []
    assert dynamo.found("metformin") == []
    assert set(term_keys(table, note)) == {k for k in kept if "metformin" not in k}
