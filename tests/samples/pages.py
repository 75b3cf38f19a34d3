"""Decode a sample document and report its pages' pixel sizes (every pixel is decoded, so a
truncated file fails)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from pypdf import PdfReader

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
IMAGE_FORMATS = {"png": "PNG", "jpg": "JPEG", "tiff": "TIFF"}


def page_sizes(path: Path) -> list[tuple[int, int]]:
    if path.suffix == ".pdf":
        sizes = []
        for page in PdfReader(path).pages:
            (embedded,) = page.images  # one scanned image per page
            assert embedded.image is not None
            sizes.append(embedded.image.size)
        return sizes
    with Image.open(path) as image:
        assert image.format == IMAGE_FORMATS[path.suffix[1:]]
        sizes = []
        for frame in range(getattr(image, "n_frames", 1)):
            image.seek(frame)
            image.load()
            sizes.append(image.size)
        return sizes
