"""One set of limits, judged from headers before anything is decoded: every poison file
(tests/poison) is refused by validation with its exact reason, good but unusual files
pass, and the limits are Textract's on both hosts."""

from __future__ import annotations

import contextlib
import math
import mmap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meddoc.errors import ConfigurationError, InvalidDocument
from meddoc.limits import MB, Limits, data_size, pixels, render_scale
from meddoc.model import ObjectRef, Status
from meddoc.pipeline.file_types import identify
from meddoc.pipeline.job import PROCESS, REJECT, Job
from meddoc.pipeline.validate import validate
from tests.fakes import FakeBlobStore, FakeDocumentStore
from tests.poison import CATALOGUE, Poison, images, pdfs

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def validated(data: bytes, limits: Limits | None = None) -> tuple[Job, FakeDocumentStore]:
    blobs, store = FakeBlobStore(), FakeDocumentStore()
    source = ObjectRef("uploads", "upload")
    blobs.put(source, data)
    job = validate(
        Job(source=source), blobs=blobs, store=store, limits=limits or Limits(), now=lambda: NOW
    )
    return job, store


@pytest.mark.parametrize("poison", CATALOGUE, ids=lambda p: p.kind)
def test_given_a_poison_or_bad_file_when_validated_then_refused_with_its_reason(
    poison: Poison,
) -> None:
    job, store = validated(poison.make())
    record = store.get(job.document_id)
    assert record is not None
    if poison.refused:
        assert job.action == REJECT
        assert poison.reason in job.reason
        assert record.status == Status.FAILED
        assert record.failure is not None
        assert poison.reason in record.failure.reason
    else:
        assert (job.action, record.status) == (PROCESS, Status.RECEIVED)


def test_the_catalogue_has_at_least_25_refused_kinds_each_a_small_file() -> None:
    refused = [p for p in CATALOGUE if p.refused]
    assert len(refused) >= 25
    assert max(len(p.make()) for p in CATALOGUE) < 600 * 1024


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            images.png(100, 400_000, bit_depth=1),
            "the image is 100 x 400,000 pixels; pages are accepted up to 10,000 pixels "
            "on each side",
        ),
        (
            images.png(9_500, 9_500, bit_depth=1),
            "the image is 9,500 x 9,500 pixels (90.2 million); pages are accepted up to "
            "80 million pixels (scan at a lower resolution)",
        ),
        (
            pdfs.pages_pdf(size=(9000, 9000)),
            "the PDF page 1 is 125 x 125 inches; pages are accepted up to 40 inches on each side",
        ),
        (
            images.progressive_jpeg(1_000),
            "the JPEG is saved in 1,000 progressive scans; save it as a standard (baseline) "
            "JPEG (up to 50 scans are accepted)",
        ),
        (
            images.png(64, 64, before_idat=images.ztxt_chunk(64 << 20)),
            "the PNG carries a compressed text chunk that expands beyond 1.0 MB; save it "
            "again without its metadata",
        ),
        (
            pdfs.nested_forms(),
            "the PDF page 1 is too complex to process: its drawing instructions come to "
            "1.2 GB once every repeated drawing is counted, and pages are accepted up to "
            "16.0 MB (print it to PDF as an image, or scan it)",
        ),
    ],
    ids=["tall-png", "area", "huge-pdf-page", "jpeg-scans", "ztxt-bomb", "nested-forms"],
)
def test_reasons_say_what_is_wrong_and_what_is_accepted(data: bytes, reason: str) -> None:
    with pytest.raises(InvalidDocument) as refused:
        identify(data)
    assert str(refused.value) == reason


def test_a_600_page_pdf_is_within_the_shared_page_limit() -> None:
    assert identify(pdfs.pages_pdf(600)).page_count == 600


def test_given_a_page_on_the_limits_then_it_passes_and_one_more_pixel_is_refused() -> None:
    limits = Limits(max_side_pixels=400, max_page_pixels=400 * 300)
    assert identify(images.png(400, 300), limits).page_count == 1
    assert identify(images.png(300, 400), limits).page_count == 1
    for width, height in [(401, 10), (10, 401), (400, 301)]:
        with pytest.raises(InvalidDocument, match="pages are accepted up to"):
            identify(images.png(width, height), limits)


def test_a_pdf_page_at_40_inches_passes_and_wider_is_refused() -> None:
    assert identify(pdfs.pages_pdf(size=(2880, 2880))).page_count == 1
    with pytest.raises(InvalidDocument, match=r"40\.1 x 11 inches"):
        identify(pdfs.pages_pdf(size=(2888, 792)))


def test_given_a_tiff_whose_second_page_is_too_large_then_that_page_is_named() -> None:
    assert identify(images.tiff(32, 32, pages=2)).page_count == 2
    with pytest.raises(InvalidDocument, match="page 2 of the TIFF is 20,000 x 10 pixels"):
        identify(images.tiff(0, 0, sizes=[(32, 32), (20_000, 10)]))


def test_structural_budgets_are_read_from_the_limits() -> None:
    tags = images.tiff(32, 32, extra=[(270, 2, 2 * MB, 8)])  # a 2 MB description
    with pytest.raises(InvalidDocument, match=r"carries 2\.0 MB of tags; up to 1\.0 MB"):
        identify(tags + b"\x00" * 2 * MB, Limits(max_metadata_bytes=MB))
    with pytest.raises(InvalidDocument, match="nests drawings more than 3 levels deep"):
        identify(pdfs.nested_forms(depth=5, fanout=1), Limits(max_pdf_form_depth=3))
    with pytest.raises(InvalidDocument, match="saved in 12 progressive scans"):
        identify(images.progressive_jpeg(12), Limits(max_jpeg_scans=11))


def test_a_file_mapped_in_memory_as_the_uploader_reads_it_gets_the_same_reason(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tall.png"
    path.write_bytes(images.png(100, 400_000, bit_depth=1))
    with (
        path.open("rb") as handle,
        mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data,
        pytest.raises(InvalidDocument, match="100 x 400,000 pixels"),
    ):
        identify(data)  # type: ignore[arg-type]


def test_limits_must_be_positive() -> None:
    with pytest.raises(ConfigurationError, match="max_pages"):
        Limits(max_pages=0)


@pytest.mark.parametrize(
    ("width", "height", "max_side", "max_pixels"),
    [(9000, 9000, 3000, 9_000_000), (2880, 2880, 10_000, 50_000_000), (14400, 200, 3000, 10**7)],
)
def test_a_pdf_page_is_rendered_within_the_budget_whatever_its_size(
    width: int, height: int, max_side: int, max_pixels: int
) -> None:
    scale = render_scale(width, height, 200, max_side, max_pixels)
    # pypdfium2 sizes the bitmap as ceil(points x scale)
    bitmap = (math.ceil(width * scale), math.ceil(height * scale))
    assert max(bitmap) <= max_side
    assert bitmap[0] * bitmap[1] <= max_pixels
    assert max(bitmap) >= 0.99 * max_side or bitmap[0] * bitmap[1] >= 0.99 * max_pixels


def test_a_letter_page_renders_at_200_dpi() -> None:
    assert render_scale(612, 792, 200, 10_000, 80_000_000) == pytest.approx(200 / 72)


def test_figures_in_reasons_read_as_people_say_them() -> None:
    assert pixels(80_000_000) == "80 million"
    assert pixels(3_600_000_000) == "3.6 billion"
    assert data_size(16 * MB) == "16.0 MB"
    assert data_size(3 * 1024 * MB) == "3.0 GB"


def test_reasons_never_quote_the_file() -> None:
    # A file's bytes (and its name) may be PHI: reasons describe, they never quote.
    with pytest.raises(InvalidDocument) as refused:
        identify(b"Patient Jane Roe, MRN 12345\n" * 50)
    assert str(refused.value) == "the file is text, not a JPEG, PNG, TIFF or PDF document"


SEEDS = [
    images.png(64, 32, before_idat=images.ztxt_chunk(1 << 20)),
    images.pillow_jpeg(64, 32),
    images.progressive_jpeg(20),
    images.mpo_jpeg(),
    images.tiff(20, 20, pages=2),
    pdfs.nested_forms(depth=3, fanout=2),
]


@settings(max_examples=200, deadline=None)
@given(
    seed=st.sampled_from(SEEDS),
    cut=st.floats(0.0, 1.0),
    flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=4),
)
def test_a_damaged_file_is_only_ever_refused_as_invalid(
    seed: bytes, cut: float, flips: list[tuple[float, int]]
) -> None:
    # Malformed headers end in InvalidDocument, never a library error such as
    # struct.error or ValueError (which would read "unexpected error" to people).
    data = bytearray(seed[: max(1, round(len(seed) * cut))] if cut < 0.5 else seed)
    for where, value in flips:
        data[min(int(where * len(data)), len(data) - 1)] = value
    with contextlib.suppress(InvalidDocument):
        identify(bytes(data))
