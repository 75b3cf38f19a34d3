"""The one set of limits every upload is held to, by validation, the uploader, the
engines and the page images, on both hosts: Amazon Textract's fixed limits, and the
budgets that keep decoding and rendering a page bounded in memory and time."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from meddoc.errors import ConfigurationError, InvalidDocument

MB = 1024 * 1024
POINTS_PER_INCH = 72


@dataclass(frozen=True, slots=True)
class Limits:
    # Textract's fixed limits (docs.aws.amazon.com/textract/latest/dg/limits-document).
    max_image_bytes: int = 10 * MB  # a single JPEG/PNG (or single-page TIFF)
    max_document_bytes: int = 500 * MB  # a PDF or multi-page TIFF
    max_pages: int = 3000
    max_side_pixels: int = 10_000  # of an image page, each side
    max_page_inches: float = 40.0  # of a PDF page, each side
    # meddoc's budgets: what one page may cost to decode or render.
    max_page_pixels: int = 80_000_000  # an image page; a PDF page rendered for reading
    max_jpeg_scans: int = 50  # each scan is decoded over the whole page (usual: ~10)
    max_text_chunk_bytes: int = 1 * MB  # one PNG text chunk or profile, expanded (as Pillow)
    max_metadata_bytes: int = 8 * MB  # all of a PNG's text, or of one TIFF page's tags
    max_tiff_tags: int = 1000  # per page (real files carry a few dozen)
    max_pdf_form_depth: int = 32  # drawings (form XObjects) inside drawings
    max_pdf_page_content_bytes: int = 16 * MB  # a page's drawing instructions, repeats counted
    max_pdf_page_image_pixels: int = 200_000_000  # the images a PDF page draws, in all
    max_polls: int = 720  # asynchronous text detection gives up after this many polls

    def __post_init__(self) -> None:
        problems = [f.name for f in fields(self) if getattr(self, f.name) <= 0]
        if problems:
            raise ConfigurationError("limits must be positive: " + ", ".join(problems))

    @property
    def max_page_points(self) -> float:
        return self.max_page_inches * POINTS_PER_INCH


def render_scale(width: float, height: float, dpi: float, max_side: int, max_pixels: int) -> float:
    """Pixels per point at which a PDF page of width x height points is rendered: `dpi`,
    or less, so that the bitmap stays within `max_side` on each side and `max_pixels` in
    all (computed before rendering, so the bitmap never exceeds the budget)."""
    width, height = max(float(width), 1.0), max(float(height), 1.0)
    by_area: float = (max_pixels / (width * height)) ** 0.5
    scale = min(dpi / POINTS_PER_INCH, max_side / max(width, height), by_area)
    # The renderer rounds each side up (pypdfium2: ceil): step down until the bitmap fits.
    while (
        math.ceil(max(width, height) * scale) > max_side
        or math.ceil(width * scale) * math.ceil(height * scale) > max_pixels
    ):
        scale *= 0.999
    return scale


def too_many_pages(pages: int, limits: Limits, *, at_least: bool = False) -> InvalidDocument:
    """The one reason for a document over the page limit (validation, uploader, engines)."""
    stated = f"more than {count(limits.max_pages)}" if at_least else count(pages)
    return InvalidDocument(
        f"the document has {stated} pages; the most accepted is {count(limits.max_pages)} "
        "(split it into smaller files)"
    )


def megabytes(size: int) -> str:
    return f"{size / MB:.1f} MB"


def data_size(size: int) -> str:
    """Bytes in MB, GB or TB (drawings repeated inside drawings can run that high)."""
    amount = size / MB
    for unit in ("MB", "GB", "TB"):
        if amount < 1024:
            return f"{amount:.1f} {unit}"
        amount /= 1024
    return "over 1,000 TB"


def count(value: int) -> str:
    return f"{value:,}"


def pixels(value: int) -> str:
    """A pixel count as people say it: "80 million", "3.6 billion"."""
    for unit, name in ((1_000_000_000, "billion"), (1_000_000, "million")):
        if value >= unit:
            amount = f"{value / unit:.1f}".removesuffix(".0")
            return f"{amount} {name}"
    return count(value)
