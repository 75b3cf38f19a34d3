"""A job that carries on with a record (reprocessing, a resumed upload) checks that the
bytes it reads are still that document's: an original replaced under the same name fails
its own record with a reason, and never leaves it RECEIVED or touches another record."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from meddoc.model import ObjectRef, Status
from meddoc.pipeline import records
from meddoc.pipeline.job import PROCESS, REJECT, Job, Limits
from meddoc.pipeline.validate import validate
from tests.documents import png_bytes
from tests.fakes import FakeBlobStore, FakeDocumentStore

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
SOURCE = ObjectRef("uploads", "scans/scan001.png")


def identify(blobs: FakeBlobStore, store: FakeDocumentStore, **job: object) -> Job:
    return validate(
        Job(source=SOURCE, **job),  # type: ignore[arg-type]
        blobs=blobs,
        store=store,
        limits=Limits(),
        now=lambda: NOW,
    )


def test_given_the_original_replaced_by_other_bytes_then_reprocessing_fails_its_record() -> None:
    blobs, store = FakeBlobStore(), FakeDocumentStore()
    first, second = png_bytes(text="first"), png_bytes(text="second")
    blobs.put(SOURCE, first)
    first_id = identify(blobs, store).document_id
    blobs.put(SOURCE, second)  # a scanner reused the name
    second_id = identify(blobs, store).document_id
    store.update(first_id, records.restart(NOW))  # reprocess asked for the first

    job = identify(blobs, store, resume=True, expected_id=first_id)

    assert job.action == REJECT
    assert job.document_id == first_id
    failed = store.get(first_id)
    assert failed is not None
    assert failed.status == Status.FAILED
    assert failed.failure is not None
    assert "replaced" in failed.failure.reason
    untouched = store.get(second_id)
    assert untouched is not None
    assert untouched.status == Status.RECEIVED
    assert second_id == hashlib.sha256(second).hexdigest()


def test_given_the_original_unchanged_then_the_resuming_job_processes_its_record() -> None:
    blobs, store = FakeBlobStore(), FakeDocumentStore()
    blobs.put(SOURCE, png_bytes(text="first"))
    document_id = identify(blobs, store).document_id

    job = identify(blobs, store, resume=True, expected_id=document_id)

    assert job.action == PROCESS
    assert job.document_id == document_id
