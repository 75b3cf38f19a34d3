"""A FAILED document restarts at most once per burst of events: two identifications of
the same bytes that both saw it FAILED make one new attempt, and the other one skips.
Both document stores (SQLite, and DynamoDB in moto) and both interleavings they allow."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest

from meddoc.aws.dynamodb_store import DynamoDocumentStore
from meddoc.limits import Limits
from meddoc.local.database import connect
from meddoc.local.sqlite_store import SqliteDocumentStore
from meddoc.model import DocumentRecord, Failure, ObjectRef, Status, Summary
from meddoc.pipeline import records
from meddoc.pipeline.job import PROCESS, SKIP, Job
from meddoc.pipeline.validate import validate
from meddoc.ports import DocumentStore, IndexTerm, RecordChange
from tests.aws.cloud import REGION, TABLE
from tests.documents import png_bytes
from tests.fakes import FakeBlobStore

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
DATA = png_bytes(text="failed once")


class Interleaved:
    """The store as one identification sees it: `between` (the other identification)
    runs right after this one's first update (it has seen the FAILED record), or, with
    `inside`, between this one's read and write of its second update (as two Lambdas
    racing on DynamoDB do; SQLite holds its write lock over that span)."""

    def __init__(self, inner: DocumentStore, between: Callable[[], object], inside: bool) -> None:
        self.inner = inner
        self.between = between
        self.inside = inside
        self.updates = 0

    def get(self, document_id: str) -> DocumentRecord | None:
        return self.inner.get(document_id)

    def create(self, record: DocumentRecord) -> bool:
        return self.inner.create(record)

    def index(self, document_id: str, terms: Iterable[IndexTerm], text: str) -> None:
        self.inner.index(document_id, terms, text)

    def update(self, document_id: str, change: RecordChange) -> DocumentRecord:
        self.updates += 1
        if self.updates == 2 and self.inside:
            calls = 0

            def racing(record: DocumentRecord) -> bool:
                nonlocal calls
                calls += 1
                if calls == 1:
                    self.between()
                return change(record)

            return self.inner.update(document_id, racing)
        updated = self.inner.update(document_id, change)
        if self.updates == 1 and not self.inside:
            self.between()
        return updated


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DocumentStore]:
    if request.param == "sqlite":
        yield SqliteDocumentStore(connect(tmp_path / "meddoc.db"))
    else:
        request.getfixturevalue("cloud")
        yield DynamoDocumentStore(TABLE, boto3.resource("dynamodb", region_name=REGION))


def failed_document(store: DocumentStore, blobs: FakeBlobStore, done: bool = False) -> str:
    """A document FAILED (or DONE) after its first attempt; two more uploads of it."""
    for key in ("first/scan.png", "second/scan.png", "third/scan.png"):
        blobs.put(ObjectRef("uploads", key), DATA)
    job = identify(store, blobs, "first/scan.png")
    if done:
        result = ObjectRef("results", "documents/d/document.json")
        store.update(job.document_id, records.finish(Summary(), result, [], NOW))
    else:
        store.update(job.document_id, records.fail(Failure("detect_text", "throttled"), NOW))
    return job.document_id


def identify(store: DocumentStore, blobs: FakeBlobStore, key: str, reprocess: bool = False) -> Job:
    job = Job(source=ObjectRef("uploads", key), reprocess=reprocess)
    return validate(job, blobs=blobs, store=store, limits=Limits(), now=lambda: NOW)


def race(store: DocumentStore, inside: bool, done: bool = False) -> None:
    blobs = FakeBlobStore()
    document_id = failed_document(store, blobs, done)
    second: list[Job] = []
    racer = Interleaved(
        store, lambda: second.append(identify(store, blobs, "third/scan.png", done)), inside
    )
    first = identify(racer, blobs, "second/scan.png", done)  # type: ignore[arg-type]
    assert sorted([first.action, second[0].action]) == [PROCESS, SKIP]
    winner = first if first.action == PROCESS else second[0]
    assert winner.attempt == 2
    final = store.get(document_id)
    assert final is not None
    assert final.attempts == 2
    assert final.status == Status.RECEIVED
    assert {s.key for s in final.other_sources} == {"second/scan.png", "third/scan.png"}


def test_two_events_for_the_same_failed_document_restart_it_once(store: DocumentStore) -> None:
    race(store, inside=False)


def test_two_reprocess_requests_for_the_same_done_document_restart_it_once(
    store: DocumentStore,
) -> None:
    race(store, inside=False, done=True)


def test_two_lambdas_writing_the_restart_at_once_on_dynamodb_restart_it_once(
    cloud: None,
) -> None:
    race(DynamoDocumentStore(TABLE, boto3.resource("dynamodb", region_name=REGION)), inside=True)


def test_an_event_after_the_restart_settled_again_restarts_it_again(
    store: DocumentStore,
) -> None:
    blobs = FakeBlobStore()
    document_id = failed_document(store, blobs)
    assert identify(store, blobs, "second/scan.png").attempt == 2
    store.update(document_id, records.fail(Failure("detect_text", "throttled"), NOW))
    again = identify(store, blobs, "third/scan.png")
    assert (again.action, again.attempt) == (PROCESS, 3)
