"""Poison and bad uploads made at test time (bytes to a few hundred KB each), with the
outcome meddoc owes each one: refused with a reason (a fragment of it, the same from
validation, the uploader's check and the engines), or processed. `write_all` puts them
in a folder for a batch; `CATALOGUE` lists them for parametrized tests."""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.poison import images as img
from tests.poison import pdfs

SIDE = "pages are accepted up to 10,000 pixels on each side"
AREA = "pages are accepted up to 80 million pixels"
COMPLEX = "is too complex to process"


@dataclass(frozen=True, slots=True)
class Poison:
    kind: str
    file_name: str
    make: Callable[[], bytes]
    reason: str  # a fragment of the failure reason; "" when the file must be processed

    @property
    def refused(self) -> bool:
        return bool(self.reason)


def _png_header(width: int, height: int, depth: int, color: int) -> bytes:
    return struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, 0)


def _png_without(kind: bytes) -> bytes:
    data = img.png(64, 64)
    start = data.index(kind) - 4
    (length,) = struct.unpack(">I", data[start : start + 4])
    return data[:start] + data[start + 12 + length :]


def _png_bad_crc() -> bytes:
    data = bytearray(img.png(64, 64))
    data[data.index(b"IDAT") + 6] ^= 0xFF
    return bytes(data)


def _png_damaged_text() -> bytes:
    return img.png(64, 64, before_idat=img.png_chunk(b"zTXt", b"Comment\x00\x00not zlib"))


def _png_text_flood() -> bytes:
    return img.png(64, 64, before_idat=img.ztxt_chunk(1 << 20) * 9)


def _jpeg_dnl() -> bytes:
    return img.jpeg_with_frame(64, 0)


def _tiff_many_tags() -> bytes:
    return img.tiff(32, 32, extra=[(40000 + i, 3, 1, 0) for i in range(1491)])


def _tiff_many_pages() -> bytes:
    return img.tiff(1, 1, pages=3001)


def _pdf_truncated() -> bytes:
    data = pdfs.pages_pdf(3)
    return data[: len(data) // 2]


def _deep_forms() -> bytes:
    return pdfs.nested_forms(depth=40, fanout=1)


CATALOGUE: tuple[Poison, ...] = (
    # Pixels: refused by side or area before anything is decoded.
    Poison("png-tall", "tall.png", lambda: img.png(100, 400_000, bit_depth=1),
           f"the image is 100 x 400,000 pixels; {SIDE}"),
    Poison("png-bomb", "bomb.png", lambda: img.png(20_000, 20_000, bit_depth=1),
           f"the image is 20,000 x 20,000 pixels; {SIDE}"),
    Poison("png-area", "area.png", lambda: img.png(9_500, 9_500, bit_depth=1), AREA),
    Poison("jpeg-absurd-frame", "absurd.jpg", lambda: img.jpeg_with_frame(65_000, 65_000),
           f"the image is 65,000 x 65,000 pixels; {SIDE}"),
    Poison("jpeg-area", "area.jpg", lambda: img.jpeg_with_frame(10_000, 9_000), AREA),
    Poison("tiff-wide", "wide.tif", lambda: img.tiff(100_000, 100),
           f"the image is 100,000 x 100 pixels; {SIDE}"),
    # Structures that make decoders blow up.
    Poison("png-text-bomb", "text-bomb.png",
           lambda: img.png(64, 64, before_idat=img.ztxt_chunk(64 << 20)),
           "the PNG carries a compressed text chunk that expands beyond 1.0 MB"),
    Poison("png-profile-bomb", "profile-bomb.png",
           lambda: img.png(64, 64, before_idat=img.iccp_chunk(64 << 20)),
           "the PNG carries a compressed colour profile that expands beyond 1.0 MB"),
    Poison("png-text-flood", "text-flood.png", _png_text_flood,
           "the PNG carries more than 8.0 MB of text"),
    Poison("jpeg-scans", "progressive.jpg", lambda: img.progressive_jpeg(1_000),
           "the JPEG is saved in 1,000 progressive scans; save it as a standard (baseline) JPEG"),
    Poison("tiff-tag-count", "tag-count.tif",
           lambda: img.tiff(32, 32, extra=[(270, 2, 1 << 30, 8)]),
           "a tag of page 1 points beyond the end of the file"),
    Poison("tiff-many-tags", "many-tags.tif", _tiff_many_tags,
           "page 1 of the TIFF carries 1,500 tags; up to 1,000 are accepted"),
    Poison("tiff-loop", "loop.tif", lambda: img.tiff(32, 32, pages=3, loop=True),
           "the TIFF image is corrupt (bad page directory)"),
    Poison("tiff-many-pages", "many-pages.tif", _tiff_many_pages,
           "the document has more than 3,000 pages; the most accepted is 3,000"),
    Poison("pdf-nested-forms", "nested-forms.pdf", pdfs.nested_forms, f"page 1 {COMPLEX}"),
    Poison("pdf-deep-forms", "deep-forms.pdf", _deep_forms,
           "the PDF page 1 nests drawings more than 32 levels deep"),
    Poison("pdf-looping-form", "looping-form.pdf", pdfs.looping_form,
           "page 1 has a drawing that contains itself"),
    Poison("pdf-content-bomb", "content-bomb.pdf", pdfs.content_bomb, f"page 1 {COMPLEX}"),
    Poison("pdf-huge-image", "huge-image.pdf", pdfs.huge_image,
           "the PDF page 1 draws images of 400 million pixels in all"),
    Poison("pdf-inline-image", "inline-image.pdf", pdfs.inline_image,
           "the PDF page 1 draws images of 3.6 billion pixels in all"),
    Poison("pdf-huge-page", "huge-page.pdf", lambda: pdfs.pages_pdf(size=(9000, 9000)),
           "the PDF page 1 is 125 x 125 inches; pages are accepted up to 40 inches on each side"),
    Poison("pdf-no-page-size", "no-size.pdf", lambda: pdfs.pages_pdf(size=(0, 0)),
           "the PDF page 1 has no size"),
    Poison("pdf-many-pages", "many-pages.pdf", lambda: pdfs.pages_pdf(3001),
           "the document has 3,001 pages; the most accepted is 3,000"),
    # Broken files.
    Poison("png-truncated", "cut.png", lambda: img.png(640, 480)[:200],
           "the PNG image is truncated"),
    Poison("png-bad-checksum", "crc.png", _png_bad_crc, "a chunk fails its checksum"),
    Poison("png-bogus-header", "bogus-header.png",
           lambda: img.png(64, 64, header=_png_header(64, 64, 7, 0)),
           "the PNG image is corrupt (its header is invalid)"),
    Poison("png-zero-width", "zero-width.png",
           lambda: img.png(64, 64, header=_png_header(0, 64, 8, 0)),
           "the PNG image is corrupt (its header is invalid)"),
    Poison("png-no-header", "no-header.png", lambda: _png_without(b"IHDR"),
           "it does not start with its header"),
    Poison("png-no-pixels", "no-pixels.png", lambda: _png_without(b"IDAT"),
           "the PNG image is corrupt (it holds no image data)"),
    Poison("png-damaged-text", "damaged-text.png", _png_damaged_text,
           "a compressed text chunk is damaged"),
    Poison("jpeg-truncated", "cut.jpg", lambda: img.pillow_jpeg(640, 480)[:300],
           "the JPEG image is truncated"),
    Poison("jpeg-no-frame", "no-frame.jpg", img.jpeg_without_frame, "it has no frame header"),
    Poison("jpeg-dnl", "dnl.jpg", _jpeg_dnl, "states its height only after its pixels"),
    Poison("jpeg-empty", "empty-image.jpg", lambda: b"\xff\xd8\xff\xd9",
           "the JPEG image is corrupt (it holds no image data)"),
    Poison("tiff-truncated", "cut.tif", lambda: img.tiff(32, 32)[:12],
           "the TIFF image is truncated"),
    Poison("tiff-no-size", "no-size.tif", lambda: img.tiff(32, 32, drop=(256,)),
           "page 1 has no size"),
    Poison("pdf-truncated", "cut.pdf", _pdf_truncated, "the PDF is corrupt or truncated"),
    Poison("pdf-garbage", "garbage.pdf", lambda: b"%PDF-1.7\n" + b"\x00garbage" * 10,
           "the PDF is corrupt or truncated"),
    Poison("pdf-no-pages", "no-pages.pdf", pdfs.no_pages, "the PDF has no pages"),
    Poison("pdf-encrypted", "locked.pdf", pdfs.encrypted, "the PDF is password-protected"),
    # Not a document at all.
    Poison("empty", "empty.png", lambda: b"", "the file is empty (0 bytes)"),
    Poison("text", "notes.jpg", lambda: b"Patient notes typed in an editor\n" * 40,
           "the file is text"),
    Poison("heic", "photo.heic", lambda: b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64,
           "the file is a HEIC photo"),
    Poison("gif", "scan.gif", lambda: b"GIF89a" + b"\x00" * 64, "the file is a GIF image"),
    Poison("zip", "scans.zip", lambda: b"PK\x03\x04" + b"\x00" * 64,
           "the file is a ZIP archive"),
    Poison("bigtiff", "big.tif", lambda: b"II+\x00\x08\x00\x00\x00" + b"\x00" * 64,
           "the file is a BigTIFF image"),
    Poison("binary", "scan.png", lambda: bytes(range(256)) * 4,
           "the file is not a JPEG, PNG, TIFF or PDF document"),
    # Unusual but good: processed.
    Poison("jpeg-phone-mpo", "phone.jpg", img.mpo_jpeg, ""),
    Poison("jpeg-progressive", "progressive-ok.jpg",
           lambda: img.pillow_jpeg(640, 480, progressive=True), ""),
    Poison("png-small-text", "small-text.png",
           lambda: img.png(640, 480, before_idat=img.ztxt_chunk(1 << 20)), ""),
)  # fmt: skip

BY_KIND = {poison.kind: poison for poison in CATALOGUE}


def write_all(folder: Path, kinds: list[str] | None = None) -> dict[Path, Poison]:
    """Write each poison (all, or the kinds named) into `folder`, one file each (named
    `<kind>-<file name>`); returns what each file owes."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for poison in CATALOGUE if kinds is None else [BY_KIND[k] for k in kinds]:
        path = folder / f"{poison.kind}-{poison.file_name}"
        path.write_bytes(poison.make())
        written[path] = poison
    return written
