"""Page images rendered from a stored original by ranged reads, never the whole file: a
PDF page through pdfium reading the cross-reference table and that page's objects, a
TIFF frame by following the page directories to it. Single images (JPEG, PNG: at most
10 MB once validated) are read whole, as page_images does."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, cast

from meddoc.errors import DocumentNotFound, InvalidDocument
from meddoc.limits import Limits
from meddoc.model import BoundingBox, ObjectRef
from meddoc.page_images import MAX_SIDE, finished, pdf_page, render_page
from meddoc.pipeline.file_types import PDF, TIFF, sniff_type
from meddoc.pipeline.image_headers import check_pixels, tiff_sizes
from meddoc.pipeline.ranged import RangedFile
from meddoc.ports import BlobStore

if TYPE_CHECKING:
    from PIL import Image as PILImage


class StoredPages:
    """The review API's page renderer for originals in a blob store (S3)."""

    def __init__(self, blobs: BlobStore, limits: Limits | None = None) -> None:
        self.blobs = blobs
        self.limits = limits or Limits()

    def render(
        self, source: ObjectRef, number: int, rotation: int, redact: list[BoundingBox]
    ) -> bytes:
        return render_stored_page(self.blobs, source, number, rotation, redact, self.limits)


def render_stored_page(
    blobs: BlobStore,
    ref: ObjectRef,
    number: int,
    rotation: int,
    redact: list[BoundingBox],
    limits: Limits | None = None,
) -> bytes:
    """As page_images.render_page, reading only what page `number` needs."""
    limits = limits or Limits()
    source = RangedFile(blobs, ref, blobs.size(ref))
    kind = sniff_type(source.read_at(0, 1024))
    if kind == PDF:
        image = pdf_page(source, number, limits)
    elif kind == TIFF:
        image = _tiff_frame(source, number, limits)
    else:
        return render_page(blobs.read(ref), number, rotation, redact, limits)
    return finished(image, rotation, redact)


def _tiff_frame(source: RangedFile, number: int, limits: Limits) -> PILImage.Image:
    from PIL import Image, ImageOps

    sizes = tiff_sizes(source, limits)  # the directories only: refuses what would blow up
    if not 1 <= number <= len(sizes):
        raise DocumentNotFound(f"the document has no page {number}")
    check_pixels(sizes[number - 1], limits, f"page {number} of the TIFF")
    source.seek(0)
    try:
        with Image.open(cast(IO[bytes], source)) as image:
            image.seek(number - 1)  # follows the directory chain; no other frame is decoded
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            return ImageOps.exif_transpose(image.convert("RGB"))
    except (InvalidDocument, MemoryError):
        raise
    except Exception as exc:  # Pillow's decoders raise many kinds on bad data
        raise InvalidDocument("the image cannot be shown: it is corrupt") from exc
