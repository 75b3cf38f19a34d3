"""Uploaded bytes to upright page images: JPEG and PNG (EXIF orientation applied), every
frame of a TIFF, every page of a PDF rendered at 200 dpi. Pixels are BGR uint8 arrays,
the order the OCR models were trained on. Every file first passes the same header checks
as validation (meddoc.pipeline.file_types), so nothing over the limits is decoded, and a
PDF page is rendered at a scale computed from its size to stay within the pixel budget."""

from __future__ import annotations

import io
from collections.abc import Iterator

import numpy as np
import pypdfium2 as pdfium  # type: ignore[import-untyped]
from PIL import Image, ImageOps

from meddoc.errors import InvalidDocument
from meddoc.limits import Limits, render_scale
from meddoc.pipeline.file_types import PDF, TIFF, FileType, identify
from meddoc.pipeline.image_headers import PixelSize, check_pixels

IMAGE_FORMATS = {"JPEG", "MPO", "PNG", "TIFF"}  # MPO: a phone's JPEG with a second picture
_ORIENTATION = 0x0112  # the EXIF tag
PDF_DPI = 200  # the resolution the shared reference renders use; small print stays legible


def is_pdf(data: bytes) -> bool:
    # PDF readers accept the header anywhere in the first KiB
    return b"%PDF-" in data[:1024]


def page_images(data: bytes, limits: Limits) -> Iterator[np.ndarray]:
    """Each page of the document, lazily, so a long PDF never sits in memory whole.
    Raises InvalidDocument (with validation's own reason) for bytes that are no JPEG,
    PNG, TIFF or PDF, are corrupt, or are over the limits."""
    file_type = identify(data, limits)
    if file_type.content_type == PDF:
        yield from _pdf_pages(data, file_type, limits)
    else:
        yield from _image_pages(data, file_type, limits)


def _pdf_pages(data: bytes, file_type: FileType, limits: Limits) -> Iterator[np.ndarray]:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise InvalidDocument("the PDF is corrupt or truncated") from exc
    try:
        if len(document) > file_type.page_count:  # pages the checks could not see
            raise InvalidDocument("the PDF is corrupt or truncated")
        for index in range(len(document)):
            width, height = document.get_page_size(index)  # without loading the page
            scale = render_scale(
                width, height, PDF_DPI, limits.max_side_pixels, limits.max_page_pixels
            )
            page = document[index]
            try:
                bitmap = page.render(scale=scale)
                pixels = np.array(bitmap.to_numpy(), dtype=np.uint8, copy=True)
                mode = bitmap.mode
                bitmap.close()
            except pdfium.PdfiumError as exc:
                raise InvalidDocument(f"the PDF page {index + 1} cannot be rendered") from exc
            finally:
                page.close()
            yield pixels if mode == "BGR" else _to_bgr_from_mode(pixels, mode)
    finally:
        document.close()


def _to_bgr_from_mode(pixels: np.ndarray, mode: str) -> np.ndarray:
    if mode in ("BGRA", "BGRX"):
        return np.ascontiguousarray(pixels[:, :, :3])
    if mode == "L":
        return np.repeat(pixels[:, :, None], 3, axis=2)
    raise InvalidDocument(f"unexpected PDF render mode {mode}")


def _image_pages(data: bytes, file_type: FileType, limits: Limits) -> Iterator[np.ndarray]:
    """JPEG and PNG have one page (the first picture of a phone's MPO file or of an
    animated PNG); a TIFF has one per frame."""
    with _open_image(data) as image:
        pages = file_type.page_count if file_type.content_type == TIFF else 1
        for index in range(pages):
            number = index + 1
            try:
                image.seek(index)
                check_pixels(PixelSize(*image.size), limits, _what(number, pages))
                pixels = _to_bgr(_upright(image))
                # Drop Pillow's decoded copy (320 MB at 80 million pixels) before the page
                # is read: seeking on to the next frame releases it, as does closing.
                if number < pages:
                    image.seek(index + 1)
                else:
                    image.close()
            except InvalidDocument:
                raise
            except MemoryError:
                raise
            except Exception as exc:  # Pillow's decoders raise many kinds on bad data
                raise InvalidDocument(_undecodable(number, pages)) from exc
            yield pixels


def _open_image(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
    except MemoryError:
        raise
    except Exception as exc:
        raise InvalidDocument("the image is corrupt (it cannot be decoded)") from exc
    if image.format not in IMAGE_FORMATS:
        image.close()
        raise InvalidDocument("the image is corrupt (it cannot be decoded)")
    return image


def _what(number: int, pages: int) -> str:
    return f"page {number} of the TIFF" if pages > 1 else "the image"


def _undecodable(number: int, pages: int) -> str:
    which = f"page {number} cannot be decoded" if pages > 1 else "it cannot be decoded"
    return f"the image is corrupt ({which})"


def _upright(frame: Image.Image) -> Image.Image:
    """The page upright (EXIF), transparent parts on white paper, 16-bit and palette
    images brought to 8-bit: grey ("L") or "RGB"."""
    frame.load()
    upright = frame
    if frame.getexif().get(_ORIENTATION, 1) != 1:
        upright = ImageOps.exif_transpose(frame)
    if upright.mode in ("I;16", "I;16B", "I;16L", "I"):
        upright = Image.fromarray(_to_8_bit(np.asarray(upright)), mode="L")
    if upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    ):
        rgba = upright.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        upright = Image.alpha_composite(paper, rgba).convert("RGB")
    if upright.mode == "1":
        return upright.convert("L")
    return upright if upright.mode in ("L", "RGB") else upright.convert("RGB")


def _to_bgr(image: Image.Image, band_bytes: int = 16 << 20) -> np.ndarray:
    """BGR pixels, copied a band of rows at a time: Pillow's tobytes() of a whole page
    would hold two more page-sized copies (its pieces and their join)."""
    width, height = image.size
    pixels = np.empty((height, width, 3), dtype=np.uint8)
    rows = max(1, band_bytes // (3 * width))
    grey = image.mode == "L"
    for top in range(0, height, rows):
        strip = image.crop((0, top, width, min(top + rows, height)))
        packed = np.frombuffer(strip.tobytes("raw", "L" if grey else "BGR"), dtype=np.uint8)
        pixels[top : top + strip.height] = (
            packed.reshape(strip.height, width, 1) if grey else packed.reshape(-1, width, 3)
        )
    return pixels


def _to_8_bit(wide: np.ndarray, band: int = 1024) -> np.ndarray:
    """Scaled to 0-255 by the brightest value, a band of rows at a time: the float copy
    of a whole 80-million-pixel page would take 640 MB."""
    top = float(wide.max()) or 1.0
    narrow = np.empty(wide.shape, dtype=np.uint8)
    for start in range(0, wide.shape[0], band):
        rows = wide[start : start + band].astype(np.float64)
        narrow[start : start + band] = (rows * (255.0 / top)).astype(np.uint8)
    return narrow
