"""The validate step on good and bad uploads: every upload gets one record, bad ones a
clear reason, and nothing is lost."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from meddoc.errors import DocumentNotFound
from meddoc.limits import Limits
from meddoc.model import ObjectRef, Status
from meddoc.pipeline.job import PROCESS, REJECT, SKIP, Job
from meddoc.pipeline.validate import validate
from tests.documents import jpeg_bytes, pdf_bytes, png_bytes, tiff_bytes
from tests.fakes import FakeBlobStore, FakeDocumentStore

UPLOADS = "uploads"
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def run(blobs: FakeBlobStore, store: FakeDocumentStore, key: str, **job: object) -> Job:
    return validate(
        Job(source=ObjectRef(UPLOADS, key), **job),  # type: ignore[arg-type]
        blobs=blobs,
        store=store,
        limits=Limits(max_pages=5),
        now=lambda: NOW,
    )


@pytest.fixture
def blobs() -> FakeBlobStore:
    return FakeBlobStore()


@pytest.fixture
def store() -> FakeDocumentStore:
    return FakeDocumentStore()


def upload(blobs: FakeBlobStore, key: str, data: bytes) -> None:
    blobs.put(ObjectRef(UPLOADS, key), data)


@pytest.mark.parametrize(
    ("data", "content_type", "pages"),
    [
        (png_bytes(), "image/png", 1),
        (jpeg_bytes(), "image/jpeg", 1),
        (tiff_bytes(3), "image/tiff", 3),
        (pdf_bytes(2), "application/pdf", 2),
    ],
)
def test_given_a_supported_file_when_validated_then_a_received_record_keyed_by_hash(
    blobs: FakeBlobStore, store: FakeDocumentStore, data: bytes, content_type: str, pages: int
) -> None:
    upload(blobs, "scan", data)
    job = run(blobs, store, "scan")
    assert job.action == PROCESS
    assert job.document_id == hashlib.sha256(data).hexdigest()
    assert (job.content_type, job.page_count) == (content_type, pages)
    record = store.get(job.document_id)
    assert record is not None
    assert record.status == Status.RECEIVED
    assert (record.content_type, record.page_count, record.size) == (
        content_type,
        pages,
        len(data),
    )


def test_given_the_same_bytes_under_two_names_then_one_record_and_the_second_skips(
    blobs: FakeBlobStore, store: FakeDocumentStore
) -> None:
    data = png_bytes(text="x")
    upload(blobs, "a.png", data)
    upload(blobs, "copy of a.png", data)
    first = run(blobs, store, "a.png")
    second = run(blobs, store, "copy of a.png")
    assert first.action == PROCESS
    assert second.action == SKIP
    assert second.document_id == first.document_id
    assert len(store.records) == 1
    record = store.get(first.document_id)
    assert record is not None
    assert record.other_sources == [ObjectRef(UPLOADS, "copy of a.png")]


def test_given_the_same_event_twice_then_the_source_is_not_listed_twice(
    blobs: FakeBlobStore, store: FakeDocumentStore
) -> None:
    upload(blobs, "a.png", png_bytes())
    run(blobs, store, "a.png")
    again = run(blobs, store, "a.png")
    assert again.action == SKIP
    record = store.get(again.document_id)
    assert record is not None
    assert record.other_sources == []


def test_given_a_failed_document_uploaded_again_then_it_is_processed_again(
    blobs: FakeBlobStore, store: FakeDocumentStore
) -> None:
    upload(blobs, "a.png", png_bytes())
    first = run(blobs, store, "a.png")
    store.records[first.document_id].status = Status.FAILED
    again = run(blobs, store, "a.png")
    assert again.action == PROCESS
    assert again.attempt == 2
    record = store.get(first.document_id)
    assert record is not None
    assert (record.status, record.failure, record.attempts) == (Status.RECEIVED, None, 2)


def test_given_reprocess_of_a_done_document_then_a_new_attempt(
    blobs: FakeBlobStore, store: FakeDocumentStore
) -> None:
    upload(blobs, "a.png", png_bytes())
    first = run(blobs, store, "a.png")
    store.records[first.document_id].status = Status.DONE
    assert run(blobs, store, "a.png").action == SKIP
    assert run(blobs, store, "a.png", reprocess=True).action == PROCESS


def _truncated_png() -> bytes:
    data = png_bytes(200, 200, "truncated")
    return data[: len(data) // 2]


def _corrupt_png() -> bytes:
    data = bytearray(png_bytes(50, 50, "corrupt"))
    data[40] ^= 0xFF  # inside the first chunk after IHDR
    return bytes(data)


@pytest.mark.parametrize(
    ("key", "data", "reason"),
    [
        ("empty.png", b"", "the file is empty"),
        ("half.png", _truncated_png(), "PNG image is truncated"),
        ("bad.png", _corrupt_png(), "PNG image is corrupt"),
        ("notes.jpg", b"Patient notes typed in a text editor\n" * 20, "the file is text"),
        ("photo.heic", b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64, "HEIC photo"),
        ("cut.jpg", jpeg_bytes(300, 300)[:-200], "JPEG image is truncated"),
        ("big.pdf", pdf_bytes(6), "has 6 pages; the most accepted is 5"),
        ("broken.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 10, "PDF is corrupt"),
        ("cut.tif", tiff_bytes(2)[:12], "TIFF image"),
    ],
)
def test_given_a_bad_upload_then_its_record_is_failed_with_a_clear_reason(
    blobs: FakeBlobStore, store: FakeDocumentStore, key: str, data: bytes, reason: str
) -> None:
    upload(blobs, key, data)
    job = run(blobs, store, key)
    assert job.action == REJECT
    assert reason in job.reason
    record = store.get(job.document_id)
    assert record is not None
    assert record.status == Status.FAILED
    assert record.failure is not None
    assert record.failure.step == "validate"
    assert reason in record.failure.reason
    assert blobs.read(ObjectRef(UPLOADS, key)) == data  # the upload itself is kept


def test_given_an_image_over_10_mb_then_rejected_with_its_size(
    blobs: FakeBlobStore, store: FakeDocumentStore
) -> None:
    # A valid PNG padded with a large ancillary chunk stays a valid PNG of 11 MB.
    import struct
    import zlib

    png = png_bytes()
    body = b"zPAD" + b"\x00" * (11 * 1024 * 1024)
    pad = struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body))
    data = png[:33] + pad + png[33:]
    upload(blobs, "huge.png", data)
    job = run(blobs, store, "huge.png")
    assert job.action == REJECT
    assert "the image is 11.0 MB; single images are accepted up to 10.0 MB" in job.reason


def test_given_a_document_over_the_size_limit_then_rejected_without_reading_it_whole(
    blobs: FakeBlobStore, store: FakeDocumentStore
) -> None:
    upload(blobs, "huge.pdf", pdf_bytes(1) + b"\x00" * 2048)
    job = validate(
        Job(source=ObjectRef(UPLOADS, "huge.pdf")),
        blobs=blobs,
        store=store,
        limits=Limits(max_document_bytes=1024),
        now=lambda: NOW,
    )
    assert job.action == REJECT
    assert "the largest document accepted is 0.0 MB" in job.reason
    assert store.get(job.document_id) is not None


@pytest.mark.parametrize("key", ["scans/my scan 1.png", "a+b=c.png", "informes/niño ñandú.png"])
def test_given_keys_with_spaces_plus_and_unicode_then_name_and_source_are_exact(
    blobs: FakeBlobStore, store: FakeDocumentStore, key: str
) -> None:
    upload(blobs, key, png_bytes(text=key))
    job = run(blobs, store, key)
    assert job.action == PROCESS
    record = store.get(job.document_id)
    assert record is not None
    assert record.source == ObjectRef(UPLOADS, key)
    assert record.name == key.rsplit("/", 1)[-1]


def test_given_an_upload_that_vanished_then_validate_says_so(
    blobs: FakeBlobStore, store: FakeDocumentStore
) -> None:
    with pytest.raises(DocumentNotFound):
        run(blobs, store, "gone.png")
    assert store.records == {}
