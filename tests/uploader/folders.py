"""Folders of generated scans for the uploader's tests: real image and PDF bytes, with
the awkward cases a shared drive holds (copies, renamed text, empty files, odd names)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.documents import jpeg_bytes, pdf_bytes, png_bytes, tiff_bytes

NOTE = png_bytes(64, 32, "visit")

# relative path -> bytes; the copy has the same bytes as the note.
BATCH = {
    "visit note 1.png": NOTE,
    "copies/visit note 1 (copy).png": NOTE,
    "labs+results/cbc 2026.png": png_bytes(64, 32, "cbc"),
    "Ñandú/résumé médical.jpg": jpeg_bytes(40, 20),
    "scans/three pages.pdf": pdf_bytes(3),
    "scans/two.tif": tiff_bytes(2),
    "notes/renamed.png": b"Follow-up in two weeks.\nNo new medication.\n",
    "empty.jpg": b"",
}
UPLOADABLE = {
    "visit note 1.png",
    "labs+results/cbc 2026.png",
    "Ñandú/résumé médical.jpg",
    "scans/three pages.pdf",
    "scans/two.tif",
}
REJECTED = {"notes/renamed.png", "empty.jpg"}


def write_folder(root: Path, files: dict[str, bytes] = BATCH) -> Path:
    for relative, data in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def small_images(root: Path, count: int) -> Path:
    """`count` distinct small PNG images (a few hundred bytes each)."""
    root.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        (root / f"scan {number:04d}.png").write_bytes(png_bytes(48, 24, f"{number}"))
    return root


def sha256(data: bytes) -> str:
    """A document's id: the SHA-256 of its bytes."""
    return hashlib.sha256(data).hexdigest()
