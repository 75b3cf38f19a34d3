"""Uploaded bytes to upright page images: JPEG and PNG (EXIF orientation applied), every
frame of a TIFF, every page of a PDF rendered at 200 dpi. Pixels are BGR uint8 arrays,
the order the OCR models were trained on."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator

import numpy as np
import pypdfium2 as pdfium  # type: ignore[import-untyped]
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from meddoc.errors import InvalidDocument

IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "TIFF": "image/tiff"}
PDF_DPI = 200  # the resolution the shared reference renders use; small print stays legible


def is_pdf(data: bytes) -> bool:
    # PDF readers accept the header anywhere in the first KiB
    return b"%PDF-" in data[:1024]


def page_images(data: bytes, max_pages: int, max_pixels: int) -> Iterator[np.ndarray]:
    """Each page of the document, lazily, so a long PDF never sits in memory whole.
    Raises InvalidDocument for bytes that are no JPEG, PNG, TIFF or PDF, or are corrupt."""
    if not data:
        raise InvalidDocument("the file is empty")
    if is_pdf(data):
        yield from _pdf_pages(data, max_pages, max_pixels)
    else:
        yield from _image_pages(data, max_pages, max_pixels)


def _pdf_pages(data: bytes, max_pages: int, max_pixels: int) -> Iterator[np.ndarray]:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise InvalidDocument(f"the PDF cannot be opened: {exc}") from exc
    try:
        count = len(document)
        if count == 0:
            raise InvalidDocument("the PDF has no pages")
        if count > max_pages:
            raise InvalidDocument(f"the PDF has {count} pages, more than {max_pages}")
        for index in range(count):
            page = document[index]
            width, height = page.get_size()
            scale = min(PDF_DPI / 72, (max_pixels / max(width * height, 1.0)) ** 0.5)
            try:
                bitmap = page.render(scale=scale)
            except pdfium.PdfiumError as exc:
                raise InvalidDocument(f"PDF page {index + 1} cannot be rendered") from exc
            pixels = np.array(bitmap.to_numpy(), dtype=np.uint8, copy=True)
            bitmap.close()
            page.close()
            yield pixels if bitmap.mode == "BGR" else _to_bgr_from_mode(pixels, bitmap.mode)
    finally:
        document.close()


def _to_bgr_from_mode(pixels: np.ndarray, mode: str) -> np.ndarray:
    if mode in ("BGRA", "BGRX"):
        return np.ascontiguousarray(pixels[:, :, :3])
    if mode == "L":
        return np.repeat(pixels[:, :, None], 3, axis=2)
    raise InvalidDocument(f"unexpected PDF render mode {mode}")


def _image_pages(data: bytes, max_pages: int, max_pixels: int) -> Iterator[np.ndarray]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, Warning) as exc:
        raise InvalidDocument("the file is not a readable JPEG, PNG, TIFF or PDF") from exc
    with image:
        if image.format not in IMAGE_FORMATS:
            raise InvalidDocument(f"unsupported image format {image.format}")
        frames = getattr(image, "n_frames", 1)
        if frames > max_pages:
            raise InvalidDocument(f"the image has {frames} pages, more than {max_pages}")
        for index, frame in enumerate(ImageSequence.Iterator(image)):
            if frame.width * frame.height > max_pixels:
                raise InvalidDocument(
                    f"page {index + 1} is {frame.width}x{frame.height} pixels, too large"
                )
            try:
                yield _to_bgr(frame)
            except (OSError, ValueError, SyntaxError) as exc:
                raise InvalidDocument(f"page {index + 1} of the image is corrupt") from exc


def _to_bgr(frame: Image.Image) -> np.ndarray:
    """Upright (EXIF), transparent parts on white paper, 16-bit and palette images
    brought to 8-bit colour."""
    frame.load()
    upright = ImageOps.exif_transpose(frame)
    if upright.mode in ("I;16", "I;16B", "I;16L", "I"):
        wide = np.asarray(upright, dtype=np.float64)
        top = float(wide.max()) or 1.0
        upright = Image.fromarray((wide * (255.0 / top)).astype(np.uint8), mode="L")
    if upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    ):
        rgba = upright.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        upright = Image.alpha_composite(paper, rgba)
    rgb = np.asarray(upright.convert("RGB"))
    return np.ascontiguousarray(rgb[:, :, ::-1])
