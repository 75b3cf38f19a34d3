"""PNG, JPEG and TIFF judged from their headers alone, before any pixel is decoded:
each page's size in pixels, and the structures that would make decoding blow up (a
progressive JPEG of thousands of scans, a PNG text chunk that inflates to gigabytes, a
TIFF tag larger than the file). Reasons are written for the person who uploaded it."""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from meddoc.errors import InvalidDocument
from meddoc.limits import Limits, count, megabytes, pixels, too_many_pages

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
_JPEG_FRAMES = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # SOF0-SOF15 but DHT, JPG, DAC
_JPEG_PROGRESSIVE = {0xC2, 0xC6, 0xCA, 0xCE}
_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD9)}  # TEM, RSTn, SOI: no length follows
# In entropy-coded data 0xFF is followed by 0x00 (a stuffed byte) or a restart marker;
# anything else is the next marker.
_JPEG_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7]")
_JPEG_MARKER = re.compile(rb"\xff[^\xff]")  # fill bytes (0xFF) may precede a marker
_TIFF_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}
_TIFF_WIDTH, _TIFF_LENGTH = 256, 257


@dataclass(frozen=True, slots=True)
class PixelSize:
    width: int
    height: int


def check_pixels(size: PixelSize, limits: Limits, what: str = "the image") -> None:
    """Refuse a page larger than the limits by side (Textract's) or by area (the memory
    one page may take), before anything is decoded or resized."""
    width, height = size.width, size.height
    shape = f"{what} is {count(width)} x {count(height)} pixels"
    if max(width, height) > limits.max_side_pixels:
        raise InvalidDocument(
            f"{shape}; pages are accepted up to {count(limits.max_side_pixels)} pixels "
            "on each side"
        )
    if width * height > limits.max_page_pixels:
        raise InvalidDocument(
            f"{shape} ({pixels(width * height)}); pages are accepted up to "
            f"{pixels(limits.max_page_pixels)} pixels (scan at a lower resolution)"
        )


def png_size(data: bytes, limits: Limits) -> PixelSize:
    """Walk every chunk (checksums, text chunks expanded within a bound) up to IEND."""
    view = memoryview(data)
    position, size, text, has_pixels = len(PNG_SIGNATURE), None, 0, False
    while position + 12 <= len(view):
        length, kind = struct.unpack_from(">I4s", view, position)
        end = position + 12 + length
        if end > len(view):
            break
        body = view[position + 8 : position + 8 + length]
        (crc,) = struct.unpack_from(">I", view, end - 4)
        if zlib.crc32(body, zlib.crc32(kind)) != crc:
            raise InvalidDocument("the PNG image is corrupt (a chunk fails its checksum)")
        if size is None:
            size = _png_header(kind, bytes(body))
        elif kind == b"IEND":
            if not has_pixels:
                raise InvalidDocument("the PNG image is corrupt (it holds no image data)")
            return size
        has_pixels = has_pixels or kind == b"IDAT"
        text += _png_text(kind, body, limits)
        if text > limits.max_metadata_bytes:
            raise InvalidDocument(
                f"the PNG carries more than {megabytes(limits.max_metadata_bytes)} of text; "
                "save it again without its text (metadata)"
            )
        position = end
    raise InvalidDocument("the PNG image is truncated (it ends before its last chunk)")


def _png_header(kind: bytes, body: bytes) -> PixelSize:
    if kind != b"IHDR" or len(body) != 13:
        raise InvalidDocument("the PNG image is corrupt (it does not start with its header)")
    width, height, depth, color, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", body
    )
    valid = (
        0 < width < 2**31
        and 0 < height < 2**31
        and depth in _PNG_DEPTHS.get(color, ())
        and (compression, filtering) == (0, 0)
        and interlace in (0, 1)
    )
    if not valid:
        raise InvalidDocument("the PNG image is corrupt (its header is invalid)")
    return PixelSize(width, height)


def _png_text(kind: bytes, body: memoryview, limits: Limits) -> int:
    """Bytes of text (or colour profile) the chunk holds once expanded."""
    if kind not in (b"tEXt", b"zTXt", b"iTXt", b"iCCP"):
        return 0
    raw = bytes(body)
    keyword_end = raw.find(b"\x00")
    if kind == b"tEXt" or (kind == b"iTXt" and raw[keyword_end + 1 : keyword_end + 2] != b"\x01"):
        return len(raw)
    start = keyword_end + 2  # keyword, NUL, compression method
    if kind == b"iTXt":  # keyword, NUL, flag, method, language, NUL, translation, NUL
        language_end = raw.find(b"\x00", keyword_end + 3)
        start = raw.find(b"\x00", language_end + 1) + 1 if language_end >= 0 else 0
    what = "colour profile" if kind == b"iCCP" else "text chunk"
    if keyword_end < 0 or start <= 0:
        raise InvalidDocument(f"the PNG image is corrupt (a {what} is malformed)")
    try:
        expanded = zlib.decompressobj().decompress(raw[start:], limits.max_text_chunk_bytes + 1)
    except zlib.error as exc:
        raise InvalidDocument(
            f"the PNG image is corrupt (a compressed {what} is damaged)"
        ) from exc
    if len(expanded) > limits.max_text_chunk_bytes:
        raise InvalidDocument(
            f"the PNG carries a compressed {what} that expands beyond "
            f"{megabytes(limits.max_text_chunk_bytes)}; save it again without its metadata"
        )
    return len(expanded)


def jpeg_size(data: bytes, limits: Limits) -> PixelSize:
    """Walk the markers of the first image up to its end (EOI), counting the scans."""
    try:
        size, scans, progressive = _jpeg_walk(data)
    except struct.error as exc:  # a segment cut off by the end of the file
        raise InvalidDocument("the JPEG image is truncated (no end-of-image marker)") from exc
    if scans > limits.max_jpeg_scans:
        kind = "progressive scans" if progressive else "scans"
        raise InvalidDocument(
            f"the JPEG is saved in {count(scans)} {kind}; save it as a standard (baseline) "
            f"JPEG (up to {limits.max_jpeg_scans} scans are accepted)"
        )
    return size


def _jpeg_walk(data: bytes) -> tuple[PixelSize, int, bool]:
    view = memoryview(data)
    position, size, scans, progressive = 2, None, 0, False
    while True:
        position = _next_marker(data, position)
        marker = view[position + 1]
        if marker == 0xD9:
            break
        if marker in _JPEG_STANDALONE:
            position += 2
            continue
        (length,) = struct.unpack_from(">H", view, position + 2)
        if length < 2 or position + 2 + length > len(view):
            raise InvalidDocument("the JPEG image is truncated (no end-of-image marker)")
        if marker in _JPEG_FRAMES and size is None:
            size, progressive = _jpeg_frame(view, position), marker in _JPEG_PROGRESSIVE
        position += 2 + length
        if marker == 0xDA:
            if size is None:
                raise InvalidDocument("the JPEG image is corrupt (it has no frame header)")
            scans += 1
            found = _JPEG_NEXT_MARKER.search(data, position)
            position = found.start() if found else len(view)
    if size is None or not scans:
        raise InvalidDocument("the JPEG image is corrupt (it holds no image data)")
    return size, scans, progressive


def _next_marker(data: bytes, position: int) -> int:
    # Decoders skip fill bytes and stray bytes between segments; so do we.
    found = _JPEG_MARKER.search(data, position)
    if found is None:
        raise InvalidDocument("the JPEG image is truncated (no end-of-image marker)")
    return found.start()


def _jpeg_frame(view: memoryview, position: int) -> PixelSize:
    _, height, width, components = struct.unpack_from(">BHHB", view, position + 4)
    if height == 0:
        raise InvalidDocument(
            "the JPEG states its height only after its pixels (a DNL marker), which is not "
            "supported; save it again as a standard JPEG"
        )
    if width == 0 or components == 0:
        raise InvalidDocument("the JPEG image is corrupt (its frame header is invalid)")
    return PixelSize(width, height)


@runtime_checkable
class ByteSource(Protocol):
    """Bytes read where needed (a ranged reader of a stored file, or bytes in memory)."""

    def __len__(self) -> int: ...

    def read_at(self, offset: int, length: int) -> bytes: ...

    def unpack(self, form: str, offset: int) -> tuple[Any, ...]: ...


class InMemory:
    def __init__(self, data: bytes) -> None:
        self.view = memoryview(data)

    def __len__(self) -> int:
        return len(self.view)

    def read_at(self, offset: int, length: int) -> bytes:
        return bytes(self.view[offset : offset + length])

    def unpack(self, form: str, offset: int) -> tuple[Any, ...]:
        return struct.unpack_from(form, self.view, offset)


def tiff_sizes(data: bytes | ByteSource, limits: Limits) -> list[PixelSize]:
    """Each page (image file directory) of a classic TIFF, following the IFD chain; only
    the directories are read (by ranges, when `data` is a ranged reader)."""
    view = data if isinstance(data, ByteSource) else InMemory(data)  # bytes, mmap
    endian = "<" if view.read_at(0, 2) == b"II" else ">"
    sizes: list[PixelSize] = []
    seen: set[int] = set()
    try:
        (offset,) = view.unpack(endian + "I", 4)
        while offset:
            if offset in seen or offset + 2 > len(view):
                raise InvalidDocument("the TIFF image is corrupt (bad page directory)")
            if len(sizes) == limits.max_pages:
                raise too_many_pages(len(sizes) + 1, limits, at_least=True)
            seen.add(offset)
            size, offset = _tiff_page(view, endian, offset, len(sizes) + 1, limits)
            sizes.append(size)
    except struct.error as exc:
        raise InvalidDocument("the TIFF image is truncated") from exc
    if not sizes:
        raise InvalidDocument("the TIFF image has no pages")
    return sizes


def _tiff_page(
    view: ByteSource, endian: str, offset: int, number: int, limits: Limits
) -> tuple[PixelSize, int]:
    (entries,) = view.unpack(endian + "H", offset)
    if entries > limits.max_tiff_tags:
        raise InvalidDocument(
            f"page {number} of the TIFF carries {count(entries)} tags; up to "
            f"{count(limits.max_tiff_tags)} are accepted (save it again without its metadata)"
        )
    dimensions: dict[int, int] = {}
    tag_bytes = 0
    for index in range(entries):
        at = offset + 2 + 12 * index
        tag, kind, values = view.unpack(endian + "HHI", at)
        length = _TIFF_TYPE_SIZES.get(kind, 0) * values
        if length > 4:
            (where,) = view.unpack(endian + "I", at + 8)
            if where + length > len(view):
                raise InvalidDocument(
                    f"the TIFF image is corrupt (a tag of page {number} points beyond the "
                    "end of the file)"
                )
            tag_bytes += length
        if tag in (_TIFF_WIDTH, _TIFF_LENGTH) and values == 1 and kind in (3, 4):
            form = endian + ("H" if kind == 3 else "I")
            (dimensions[tag],) = view.unpack(form, at + 8)
    if tag_bytes > limits.max_metadata_bytes:
        raise InvalidDocument(
            f"page {number} of the TIFF carries {megabytes(tag_bytes)} of tags; up to "
            f"{megabytes(limits.max_metadata_bytes)} is accepted (save it again without "
            "its metadata)"
        )
    width, height = dimensions.get(_TIFF_WIDTH, 0), dimensions.get(_TIFF_LENGTH, 0)
    if not (width and height):
        raise InvalidDocument(f"the TIFF image is corrupt (page {number} has no size)")
    (next_offset,) = view.unpack(endian + "I", offset + 2 + 12 * entries)
    return PixelSize(width, height), next_offset
