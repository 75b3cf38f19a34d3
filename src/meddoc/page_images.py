"""A page of an upload as reviewers see it: the page image (JPEG/PNG with EXIF applied,
a TIFF frame, a PDF page), at most MAX_SIDE pixels on a side, turned upright as the OCR
read it, with PHI boxes painted black. Used by the API on both hosts, so the unredacted
original never reaches a browser unless PHI was revealed (and that was audited).

Every render stays within a budget fixed before anything is decoded: images pass the
header checks of validation (pixels by side and area, JPEG scans, PNG text) and a JPEG is
decoded at a reduced size; a PDF page passes the drawing-cost checks and is rendered at a
scale computed from its size, so its bitmap never exceeds MAX_SIDE x MAX_SIDE."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from meddoc.errors import DocumentNotFound, InvalidDocument
from meddoc.limits import Limits, render_scale
from meddoc.model import BoundingBox
from meddoc.pipeline.file_types import JPEG, PDF, TIFF, identify, sniff_type
from meddoc.pipeline.image_headers import PixelSize, check_pixels
from meddoc.pipeline.pdf_structure import check_page_cost, open_pdf
from meddoc.pipeline.ranged import RangedFile

if TYPE_CHECKING:
    from PIL import Image as PILImage

PDF_DPI = 200  # as the offline OCR and the shared reference renders
MAX_SIDE = 3000  # pages are sent to browsers: no need for more pixels than this
JPEG_QUALITY = 85
REDACTION_MARGIN = 0.002  # of the page; covers the ink just outside a word's box


def render_page(
    data: bytes,
    number: int,
    rotation: int,
    redact: list[BoundingBox],
    limits: Limits | None = None,
) -> bytes:
    """JPEG bytes of page `number` (1-based), turned `rotation` degrees clockwise to be
    upright, with the `redact` boxes (page-relative, upright) blacked out. Raises
    InvalidDocument (never a bare library error) for a page that cannot be shown."""
    limits = limits or Limits()
    if sniff_type(data[:1024]) == PDF:
        image = pdf_page(data, number, limits)
    else:
        image = _image_page(data, number, limits)
    return finished(image, rotation, redact)


def finished(image: PILImage.Image, rotation: int, redact: list[BoundingBox]) -> bytes:
    """The page image turned upright, PHI painted black, as JPEG bytes."""
    if rotation % 360:
        image = image.rotate(-(rotation % 360), expand=True)
    _paint(image, redact)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def _image_page(data: bytes, number: int, limits: Limits) -> PILImage.Image:
    from PIL import Image, ImageOps

    file_type = identify(data, limits)  # headers only: refuses what would blow up
    pages = file_type.page_count if file_type.content_type == TIFF else 1
    if not 1 <= number <= pages:
        raise DocumentNotFound(f"the document has no page {number}")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.seek(number - 1)
            check_pixels(PixelSize(*image.size), limits)
            if file_type.content_type == JPEG:
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # decoded at 1/2, 1/4 or 1/8 size
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            return ImageOps.exif_transpose(image.convert("RGB"))
    except (InvalidDocument, MemoryError):
        raise
    except Exception as exc:  # Pillow's decoders raise many kinds on bad data
        raise InvalidDocument("the image cannot be shown: it is corrupt") from exc


def pdf_page(data: bytes | RangedFile, number: int, limits: Limits) -> PILImage.Image:
    """Page `number` of a PDF, from its bytes or a ranged reader (pdfium then reads only
    the cross-reference table and that page's objects)."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    # What the page would cost pdfium (nested drawings, images) is judged first: pdfium
    # expands the whole page when it loads it, before any render call.
    check_page_cost(open_pdf(data), number, limits)
    if isinstance(data, RangedFile):
        data.seek(0)
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise InvalidDocument("the PDF cannot be shown: it is not readable") from exc
    try:
        if not 1 <= number <= len(document):
            raise DocumentNotFound(f"the document has no page {number}")
        width, height = document.get_page_size(number - 1)
        if min(width, height) < 1:
            raise InvalidDocument(f"the PDF page {number} has no size (its page box is empty)")
        scale = render_scale(width, height, PDF_DPI, MAX_SIDE, MAX_SIDE * MAX_SIDE)
        page = document[number - 1]
        try:
            image: PILImage.Image = page.render(scale=scale).to_pil()
        except (pdfium.PdfiumError, ValueError) as exc:
            raise InvalidDocument("the PDF page cannot be shown: it cannot be rendered") from exc
        finally:
            page.close()
        return image.convert("RGB")
    finally:
        document.close()


def _paint(image: PILImage.Image, boxes: list[BoundingBox]) -> None:
    from PIL import ImageDraw

    draw = ImageDraw.Draw(image)
    width, height = image.size
    for box in boxes:
        draw.rectangle(
            [
                (box.left - REDACTION_MARGIN) * width,
                (box.top - REDACTION_MARGIN) * height,
                (box.right + REDACTION_MARGIN) * width,
                (box.bottom + REDACTION_MARGIN) * height,
            ],
            fill="black",
        )
