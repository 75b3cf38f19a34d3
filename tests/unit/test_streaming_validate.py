"""Validation of large uploads reads by ranges and as a stream, never the whole file into
memory; and a failed validation (even out of memory) still ends in a FAILED record with a
reason, without validating the upload again."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from meddoc.bench.synthetic_pdf import write_sparse_pdf
from meddoc.limits import Limits
from meddoc.local.files import FileBlobStore
from meddoc.model import ObjectRef, Status
from meddoc.pipeline.failure import StepError, record_failure
from meddoc.pipeline.job import PROCESS, Job
from meddoc.pipeline.validate import validate
from tests.documents import png_bytes
from tests.fakes import FakeBlobStore, FakeDocumentStore, RangedOnly

UPLOADS = "uploads"
NOW = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)
MB = 1 << 20


def peak_of(work: object) -> tuple[object, int]:
    tracemalloc.start()
    try:
        result = work()  # type: ignore[operator]
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def validate_stored(blobs: FileBlobStore, store: FakeDocumentStore, key: str) -> Job:
    return validate(
        Job(source=ObjectRef(UPLOADS, key)),
        blobs=blobs,
        store=store,
        limits=Limits(),
        now=lambda: NOW,
    )


def test_given_a_60_mb_pdf_when_validated_then_its_pages_are_counted_within_a_few_mb(
    tmp_path: Path,
) -> None:
    (tmp_path / UPLOADS).mkdir()
    size = write_sparse_pdf(tmp_path / UPLOADS / "scan.pdf", pages=60, image_bytes=MB)
    blobs, store = RangedOnly(tmp_path), FakeDocumentStore()
    job, peak = peak_of(lambda: validate_stored(blobs, store, "scan.pdf"))
    assert isinstance(job, Job)
    assert job.action == PROCESS
    assert job.page_count == 60
    assert job.content_type == "application/pdf"
    assert peak < 16 * MB < size / 3  # a few pages' objects and the block cache


def test_given_a_large_multi_page_tiff_when_validated_then_only_its_page_directories_are_read(
    tmp_path: Path,
) -> None:
    frames = [Image.new("L", (3000, 2000), shade) for shade in (0, 128, 255, 64)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:])
    (tmp_path / UPLOADS).mkdir()
    (tmp_path / UPLOADS / "scan.tif").write_bytes(buffer.getvalue())
    blobs, store = RangedOnly(tmp_path), FakeDocumentStore()
    job = validate_stored(blobs, store, "scan.tif")
    assert job.action == PROCESS
    assert job.page_count == 4
    assert blobs.ranged_bytes <= 5 * MB < len(buffer.getvalue())  # a block per directory


class OutOfMemoryOnWholeReads(FakeBlobStore):
    """An upload too large to hold: reading it whole (or in big ranges) runs out of
    memory; streaming it in chunks works."""

    def size(self, ref: ObjectRef) -> int:
        return len(self.objects[ref])

    def read(self, ref: ObjectRef) -> bytes:
        raise MemoryError

    def read_chunks(self, ref: ObjectRef, chunk_size: int = 1 << 20) -> Iterator[bytes]:
        data = self.objects[ref]
        for start in range(0, len(data), 1024):
            yield data[start : start + 1024]

    def read_range(self, ref: ObjectRef, start: int, length: int) -> bytes:
        if length > 64 * 1024:
            raise MemoryError
        return self.objects[ref][start : start + length]


@pytest.mark.parametrize("error", ["MemoryError", "Runtime.OutOfMemory"])
def test_given_validation_ran_out_of_memory_when_the_failure_is_recorded_then_failed_with_a_reason(
    error: str,
) -> None:
    blobs, store = OutOfMemoryOnWholeReads(), FakeDocumentStore()
    source = ObjectRef(UPLOADS, "scans/huge scan.png")
    blobs.put(source, png_bytes(text="huge"))
    job = record_failure(
        Job(source=source),
        "validate",
        StepError(error, ""),
        blobs=blobs,
        store=store,
        limits=Limits(),
        now=lambda: NOW,
    )
    record = store.get(job.document_id)
    assert record is not None
    assert record.status == Status.FAILED
    assert record.failure is not None
    assert record.failure.reason == "too large to process: ran out of memory in step validate"
    assert record.name == "huge scan.png"
    assert record.content_type == "image/png"
    assert record.source == source


def test_given_a_second_failed_validation_of_the_same_bytes_then_the_one_record_is_failed() -> (
    None
):
    blobs, store = OutOfMemoryOnWholeReads(), FakeDocumentStore()
    first, second = ObjectRef(UPLOADS, "a.png"), ObjectRef(UPLOADS, "b.png")
    for ref in (first, second):
        blobs.put(ref, png_bytes(text="same"))
    ids = {
        record_failure(
            Job(source=ref),
            "validate",
            StepError("MemoryError", ""),
            blobs=blobs,
            store=store,
            limits=Limits(),
            now=lambda: NOW,
        ).document_id
        for ref in (first, second)
    }
    assert len(ids) == 1
    record = store.get(ids.pop())
    assert record is not None
    assert record.status == Status.FAILED
    assert record.source.key == "a.png"
    assert [s.key for s in record.other_sources] == ["b.png"]
