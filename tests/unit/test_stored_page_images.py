"""Page images of stored originals read by ranges: the page shown is the page asked for,
identical to rendering the whole file, and a large PDF or TIFF is never read whole (only
its index and that page)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from meddoc.bench.synthetic_pdf import write_sparse_pdf
from meddoc.errors import DocumentNotFound
from meddoc.local.files import FileBlobStore
from meddoc.model import BoundingBox, ObjectRef
from meddoc.page_images import render_page
from meddoc.stored_page_images import StoredPages
from tests.documents import pdf_bytes, png_bytes
from tests.fakes import RangedOnly

MB = 1 << 20
SOURCE = ObjectRef("uploads", "original")


def stored(tmp_path: Path, data: bytes | None = None) -> Path:
    (tmp_path / "uploads").mkdir(exist_ok=True)
    path = tmp_path / "uploads" / "original"
    if data is not None:
        path.write_bytes(data)
    return path


def tiff(shades: list[int], size: tuple[int, int] = (2000, 1500)) -> bytes:
    frames = [Image.new("L", size, shade) for shade in shades]
    buffer = io.BytesIO()
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


def test_given_a_large_tiff_when_a_page_is_shown_then_only_that_page_and_the_directories_are_read(
    tmp_path: Path,
) -> None:
    data = tiff([0, 60, 120, 180, 240, 30, 90, 150])  # 8 pages of 3 MB
    stored(tmp_path, data)
    blobs = RangedOnly(tmp_path)
    body = StoredPages(blobs).render(SOURCE, 4, 0, [])
    page = Image.open(io.BytesIO(body)).convert("L")
    assert page.size == (2000, 1500)
    assert abs(page.getpixel((1000, 700)) - 180) <= 2  # the fourth page's shade
    assert blobs.ranged_bytes <= 6 * MB < len(data) / 3


def test_given_a_large_pdf_when_one_page_is_shown_then_only_its_index_and_that_page_are_read(
    tmp_path: Path,
) -> None:
    size = write_sparse_pdf(stored(tmp_path), pages=80, image_bytes=MB)
    blobs = RangedOnly(tmp_path)
    body = StoredPages(blobs).render(SOURCE, 40, 0, [BoundingBox(0.1, 0.1, 0.2, 0.2)])
    assert Image.open(io.BytesIO(body)).size == (1700, 2200)  # 8.5 x 11 inches at 200 dpi
    assert blobs.ranged_bytes < size / 3  # its index, page objects, and that page
    with pytest.raises(DocumentNotFound):
        StoredPages(blobs).render(SOURCE, 81, 0, [])


@pytest.mark.parametrize("data", [pdf_bytes(3), png_bytes(text="x"), tiff([0, 255], (40, 30))])
def test_the_page_shown_is_the_one_rendering_the_whole_file_gives(
    tmp_path: Path, data: bytes
) -> None:
    stored(tmp_path, data)
    redact = [BoundingBox(0.25, 0.25, 0.5, 0.5)]
    pages = 2 if data[:2] in (b"II", b"MM") else 1
    expected = render_page(data, pages, 90, redact)
    assert StoredPages(FileBlobStore(tmp_path)).render(SOURCE, pages, 90, redact) == expected
