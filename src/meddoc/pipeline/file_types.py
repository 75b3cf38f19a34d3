"""What an upload really is, judged from its bytes (never from its name): JPEG, PNG,
TIFF or PDF, with its page count, held to the shared limits from its headers alone;
anything else, truncated, corrupt or too large to process, is refused with a reason a
person can act on (and free of PHI: it names neither the file nor its contents)."""

from __future__ import annotations

from dataclasses import dataclass

from meddoc.errors import InvalidDocument
from meddoc.limits import Limits, megabytes
from meddoc.model import ObjectRef
from meddoc.pipeline.image_headers import (
    ByteSource,
    check_pixels,
    jpeg_size,
    png_size,
    tiff_sizes,
)
from meddoc.pipeline.pdf_structure import pdf_page_count
from meddoc.pipeline.ranged import RangedFile
from meddoc.ports import BlobStore

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
    (b"\x00\x00\x00\x0cjP  ", "a JPEG 2000 image"),
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


def identify(data: bytes, limits: Limits | None = None) -> FileType:
    """Check the whole file against the limits, reading headers only (no pixel is decoded,
    no page rendered); raise InvalidDocument with a clear reason when it cannot be
    processed. Validation, the uploader and the engines all call this."""
    limits = limits or Limits()
    if not data:
        raise InvalidDocument("the file is empty (0 bytes)")
    check_document_bytes(len(data), limits)
    content_type = sniff_type(data[:1024])
    if content_type is None:
        raise InvalidDocument(_describe_unsupported(data))
    if content_type == PDF:
        file_type = FileType(PDF, pdf_page_count(data, limits))
    elif content_type == TIFF:
        file_type = _tiff(data, limits)
    else:
        size = jpeg_size(data, limits) if content_type == JPEG else png_size(data, limits)
        check_pixels(size, limits)
        file_type = FileType(content_type, 1)
    if not file_type.multi_page:
        _check_image_bytes(len(data), limits)
    return file_type


def identify_stored(blobs: BlobStore, ref: ObjectRef, size: int, limits: Limits) -> FileType:
    """As `identify`, for a stored file of `size` bytes read by ranges: its first bytes,
    then only what the checks need (a TIFF's page directories; a PDF's cross-reference
    table and each page's objects, one page at a time). A single image is read whole only
    when it is within the image limit, so no upload is ever held whole beyond that."""
    if not size:
        raise InvalidDocument("the file is empty (0 bytes)")
    check_document_bytes(size, limits)
    source = RangedFile(blobs, ref, size)
    head = source.read_at(0, 4096)
    content_type = sniff_type(head[:1024])
    if content_type is None:
        raise InvalidDocument(_describe_unsupported(head))
    if content_type == PDF:
        return FileType(PDF, pdf_page_count(source, limits))
    if content_type == TIFF:
        file_type = _tiff(source, limits)
        if not file_type.multi_page:
            _check_image_bytes(size, limits)
        return file_type
    _check_image_bytes(size, limits)
    return identify(source.read_at(0, size), limits)


def _tiff(data: bytes | ByteSource, limits: Limits) -> FileType:
    sizes = tiff_sizes(data, limits)
    for number, size in enumerate(sizes, start=1):
        check_pixels(size, limits, f"page {number} of the TIFF" if len(sizes) > 1 else "the image")
    return FileType(TIFF, len(sizes))


def check_document_bytes(size: int, limits: Limits) -> None:
    """Refuse a file larger than any document accepted (validation checks this before
    reading the file)."""
    if size > limits.max_document_bytes:
        raise InvalidDocument(
            f"the file is {megabytes(size)}; the largest document accepted is "
            f"{megabytes(limits.max_document_bytes)}"
        )


def _check_image_bytes(size: int, limits: Limits) -> None:
    if size > limits.max_image_bytes:
        raise InvalidDocument(
            f"the image is {megabytes(size)}; single images are accepted up to "
            f"{megabytes(limits.max_image_bytes)} (scan at a lower resolution, or as PDF)"
        )


def _describe_unsupported(data: bytes) -> str:
    head = data[:16]
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"):
        return "the file is a HEIC photo; export it as JPEG and upload again"
    if head[:4] in (b"II+\x00", b"MM\x00+"):
        return "the file is a BigTIFF image; save it as a standard TIFF or as PDF"
    for magic, what in _KNOWN_OTHERS:
        if head.startswith(magic):
            return f"the file is {what}, not a {SUPPORTED} document"
    if _looks_like_text(data[:4096]):
        return f"the file is text, not a {SUPPORTED} document"
    return f"the file is not a {SUPPORTED} document"


def _looks_like_text(sample: bytes) -> bool:
    try:
        decoded = sample.decode("utf-8")
    except UnicodeDecodeError:
        return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in decoded)
    return printable >= 0.95 * max(len(decoded), 1)
