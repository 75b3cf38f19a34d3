"""Bad and hostile images built byte by byte (PNG, JPEG, TIFF): a few KB each, however
many pixels they announce. Compressed pixel data is a repeated, byte-aligned deflate
block, so a 100 x 400,000 page costs milliseconds to write."""

from __future__ import annotations

import io
import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_GRAY, _RGB = 0, 2


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def repeated_deflate(block: bytes, times: int) -> bytes:
    """A zlib stream of `block` repeated `times` times, written in O(len(block))."""
    compressor = zlib.compressobj(9)
    piece = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    checksum = 1
    for _ in range(times):
        checksum = zlib.adler32(block, checksum)
    # A full flush leaves no back-references across the boundary, so the compressed piece
    # can be repeated as is; the final empty stored block and the checksum end the stream.
    final = b"\x03\x00"  # an empty final block with fixed Huffman codes
    return b"\x78\xda" + piece[2:] * times + final + struct.pack(">I", checksum)


def png(
    width: int,
    height: int,
    *,
    color_type: int = _GRAY,
    bit_depth: int = 8,
    before_idat: bytes = b"",
    header: bytes | None = None,
) -> bytes:
    """A white PNG of any size; `before_idat` holds extra chunks, `header` replaces IHDR."""
    channels = {_GRAY: 1, _RGB: 3, 4: 2, 6: 4}.get(color_type, 1)
    row = b"\x00" + b"\xff" * -(-width * channels * bit_depth // 8)
    rows_per_block = min(height, max(1, (1 << 20) // len(row)))
    while height % rows_per_block:
        rows_per_block -= 1
    idat = repeated_deflate(row * rows_per_block, height // rows_per_block)
    ihdr = header or struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + png_chunk(b"IHDR", ihdr)
        + before_idat
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def ztxt_chunk(expanded: int) -> bytes:
    """A zTXt chunk whose text inflates to `expanded` bytes."""
    return png_chunk(
        b"zTXt", b"Comment\x00\x00" + repeated_deflate(b" " * (1 << 20), expanded >> 20)
    )


def iccp_chunk(expanded: int) -> bytes:
    profile = repeated_deflate(b"\x00" * (1 << 20), expanded >> 20)
    return png_chunk(b"iCCP", b"profile\x00\x00" + profile)


def pillow_jpeg(width: int = 64, height: int = 48, **options: object) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (width, height), 255).save(buffer, "JPEG", **options)
    return buffer.getvalue()


def jpeg_segments(data: bytes) -> list[tuple[int, int, int]]:
    """(marker, start, end) of every segment up to the first scan (SOS included, its
    entropy-coded data excluded)."""
    segments, position = [], 2
    while position < len(data):
        marker = data[position + 1]
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        segments.append((marker, position, position + 2 + length))
        position += 2 + length
        if marker == 0xDA:
            break
    return segments


def progressive_jpeg(scans: int, width: int = 64, height: int = 48) -> bytes:
    """A progressive JPEG whose last scan (an AC refinement of a blank page: a few bytes)
    is repeated until the file holds `scans` scans."""
    data = pillow_jpeg(width, height, progressive=True)
    starts = [i for i in range(len(data) - 1) if data[i : i + 2] == b"\xff\xda"]
    last = data[starts[-1] : len(data) - 2]  # SOS header and its data, without EOI
    extra = scans - len(starts)
    return data[:-2] + last * max(extra, 0) + b"\xff\xd9"


def jpeg_with_frame(width: int, height: int) -> bytes:
    """A real small JPEG whose frame header (SOF) announces another size."""
    data = bytearray(pillow_jpeg())
    for marker, start, _ in jpeg_segments(bytes(data)):
        if marker == 0xC0:
            struct.pack_into(">HH", data, start + 5, height, width)
    return bytes(data)


def jpeg_without_frame() -> bytes:
    data = pillow_jpeg()
    (start, end), *_ = [(a, b) for marker, a, b in jpeg_segments(data) if marker == 0xC0]
    return data[:start] + data[end:]


def mpo_jpeg() -> bytes:
    """A phone-style JPEG with a second picture (MPO): shown and read as its first."""
    from PIL import Image

    frames = [Image.new("RGB", (80, 60), "white"), Image.new("RGB", (40, 30), "black")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "MPO", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


# TIFF: little-endian, classic (not BigTIFF). Tags: (tag, type, count, value-or-offset).
_SHORT, _LONG = 3, 4


def tiff_ifd(entries: list[tuple[int, int, int, int]], next_ifd: int) -> bytes:
    body = struct.pack("<H", len(entries))
    for tag, kind, count, value in sorted(entries):
        packed = (
            struct.pack("<H", value) + b"\x00\x00"
            if kind == _SHORT and count == 1
            else struct.pack("<I", value)
        )
        body += struct.pack("<HHI", tag, kind, count) + packed
    return body + struct.pack("<I", next_ifd)


def tiff(
    width: int,
    height: int,
    *,
    pages: int = 1,
    loop: bool = False,
    extra: list[tuple[int, int, int, int]] | None = None,
    drop: tuple[int, ...] = (),
    sizes: list[tuple[int, int]] | None = None,
) -> bytes:
    """A white 8-bit grey TIFF, deflate-compressed as one strip per page; `sizes` gives
    each page its own size."""
    sizes = sizes or [(width, height)] * pages
    ifd_size = 2 + 12 * (9 + len(extra or [])) + 4
    out = bytearray(b"II*\x00" + struct.pack("<I", 8))
    for number, (page_width, page_height) in enumerate(sizes, start=1):
        strip = _strip(page_width, page_height)
        start = len(out)
        strip_at = start + ifd_size
        last = number == len(sizes)
        next_ifd = 8 if (last and loop) else (0 if last else strip_at + len(strip))
        entries = [
            (256, _LONG, 1, page_width),
            (257, _LONG, 1, page_height),
            (258, _SHORT, 1, 8),
            (259, _SHORT, 1, 8),  # deflate
            (262, _SHORT, 1, 1),  # black is zero
            (273, _LONG, 1, strip_at),
            (277, _SHORT, 1, 1),
            (278, _LONG, 1, page_height),
            (279, _LONG, 1, len(strip)),
            *(extra or []),
        ]
        block = tiff_ifd([e for e in entries if e[0] not in drop], next_ifd)
        out += block + b"\x00" * (ifd_size - len(block)) + strip
    return bytes(out)


def _strip(width: int, height: int) -> bytes:
    row = b"\xff" * width
    rows = min(height, max(1, (1 << 20) // max(width, 1)))
    while height % rows:
        rows -= 1
    return repeated_deflate(row * rows, height // rows)
