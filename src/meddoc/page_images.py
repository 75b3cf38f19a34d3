"""A page of an upload as reviewers see it: the page image (JPEG/PNG with EXIF applied,
a TIFF frame, a PDF page rendered at 200 dpi), turned upright as the OCR read it, with
PHI boxes painted black. Used by the API on both hosts, so the unredacted original
never reaches a browser unless PHI was revealed (and that was audited)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from meddoc.errors import DocumentNotFound, InvalidDocument
from meddoc.model import BoundingBox
from meddoc.pipeline.file_types import PDF, sniff_type

if TYPE_CHECKING:
    from PIL import Image as PILImage

PDF_DPI = 200  # as the offline OCR and the shared reference renders
MAX_SIDE = 3000  # pages are sent to browsers: no need for more pixels than this
JPEG_QUALITY = 85
REDACTION_MARGIN = 0.002  # of the page; covers the ink just outside a word's box


def render_page(data: bytes, number: int, rotation: int, redact: list[BoundingBox]) -> bytes:
    """JPEG bytes of page `number` (1-based), turned `rotation` degrees clockwise to be
    upright, with the `redact` boxes (page-relative, upright) blacked out."""
    image = (
        _pdf_page(data, number) if sniff_type(data[:1024]) == PDF else _image_page(data, number)
    )
    if rotation % 360:
        image = image.rotate(-(rotation % 360), expand=True)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    _paint(image, redact)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def _image_page(data: bytes, number: int) -> PILImage.Image:
    from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            for index, frame in enumerate(ImageSequence.Iterator(image), start=1):
                if index == number:
                    return ImageOps.exif_transpose(frame.convert("RGB"))
    except (UnidentifiedImageError, OSError) as exc:
        raise InvalidDocument("the image cannot be shown: it is not readable") from exc
    raise DocumentNotFound(f"the document has no page {number}")


def _pdf_page(data: bytes, number: int) -> PILImage.Image:
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise InvalidDocument("the PDF cannot be shown: it is not readable") from exc
    try:
        if not 1 <= number <= len(document):
            raise DocumentNotFound(f"the document has no page {number}")
        page = document[number - 1]
        try:
            image: PILImage.Image = page.render(scale=PDF_DPI / 72).to_pil()
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
