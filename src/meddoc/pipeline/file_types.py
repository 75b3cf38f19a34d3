"""What an upload really is, judged from its bytes (never from its name): JPEG, PNG,
TIFF or PDF, with its page count; anything else, truncated or corrupt, is refused with
a reason a person can act on."""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass

from meddoc.errors import InvalidDocument

JPEG = "image/jpeg"
PNG = "image/png"
TIFF = "image/tiff"
PDF = "application/pdf"
SUPPORTED = "JPEG, PNG, TIFF or PDF"

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_KNOWN_OTHERS = [
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"BM", "a BMP image"),
    (b"PK\x03\x04", "a ZIP archive or Office document"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"RIFF", "a RIFF file (WebP, AVI or WAV)"),
    (b"\x1f\x8b", "a gzip archive"),
]


@dataclass(frozen=True, slots=True)
class FileType:
    content_type: str
    page_count: int

    @property
    def multi_page(self) -> bool:
        return self.content_type == PDF or self.page_count > 1


def sniff_type(head: bytes) -> str | None:
    """The content type the first bytes announce, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(_PNG_SIGNATURE):
        return PNG
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if b"%PDF-" in head[:1024]:
        return PDF
    return None


def identify(data: bytes, name: str = "") -> FileType:
    """Check the whole file; raise InvalidDocument with a clear reason when it cannot be
    processed."""
    if not data:
        raise InvalidDocument("the file is empty (0 bytes)")
    content_type = sniff_type(data[:1024])
    if content_type is None:
        raise InvalidDocument(_describe_unsupported(data, name))
    if content_type == JPEG:
        _check_jpeg(data)
        return FileType(JPEG, 1)
    if content_type == PNG:
        _check_png(data)
        return FileType(PNG, 1)
    if content_type == TIFF:
        return FileType(TIFF, tiff_page_count(data))
    return FileType(PDF, pdf_page_count(data))


def _describe_unsupported(data: bytes, name: str) -> str:
    named = f" (named {name!r})" if name else ""
    head = data[:16]
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"):
        return f"the file is a HEIC photo{named}; export it as JPEG and upload again"
    for magic, what in _KNOWN_OTHERS:
        if head.startswith(magic):
            return f"the file is {what}{named}, not a {SUPPORTED} document"
    if _looks_like_text(data[:4096]):
        return f"the file is text{named}, not a {SUPPORTED} document"
    return f"the file is not a {SUPPORTED} document{named}"


def _looks_like_text(sample: bytes) -> bool:
    try:
        decoded = sample.decode("utf-8")
    except UnicodeDecodeError:
        return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in decoded)
    return printable >= 0.95 * max(len(decoded), 1)


def _check_png(data: bytes) -> None:
    position = len(_PNG_SIGNATURE)
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        end = position + 12 + length
        if end > len(data):
            break
        body = data[position + 4 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : end])
        if zlib.crc32(body) != crc:
            raise InvalidDocument("the PNG image is corrupt (a chunk fails its checksum)")
        if kind == b"IEND":
            return
        position = end
    raise InvalidDocument("the PNG image is truncated (it ends before its last chunk)")


def _check_jpeg(data: bytes) -> None:
    # Some cameras pad after the end-of-image marker; a missing marker means truncation.
    if b"\xff\xd9" not in data[-4096:]:
        raise InvalidDocument("the JPEG image is truncated (no end-of-image marker)")


def tiff_page_count(data: bytes, limit: int = 10_000) -> int:
    """Pages (image file directories) of a TIFF, following the IFD chain."""
    endian = "<" if data[:2] == b"II" else ">"
    try:
        (offset,) = struct.unpack(endian + "I", data[4:8])
        seen: set[int] = set()
        while offset and len(seen) < limit:
            if offset in seen or offset + 2 > len(data):
                raise InvalidDocument("the TIFF image is corrupt (bad page directory)")
            seen.add(offset)
            (entries,) = struct.unpack(endian + "H", data[offset : offset + 2])
            next_at = offset + 2 + 12 * entries
            (offset,) = struct.unpack(endian + "I", data[next_at : next_at + 4])
    except struct.error as exc:
        raise InvalidDocument("the TIFF image is truncated") from exc
    if not seen:
        raise InvalidDocument("the TIFF image has no pages")
    return len(seen)


def pdf_page_count(data: bytes) -> int:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise InvalidDocument("the PDF is password-protected; upload an unlocked copy")
        pages = len(reader.pages)
    except InvalidDocument:
        raise
    except Exception as exc:  # pypdf raises assorted errors on malformed files
        raise InvalidDocument("the PDF is corrupt or truncated") from exc
    if pages == 0:
        raise InvalidDocument("the PDF has no pages")
    return pages
