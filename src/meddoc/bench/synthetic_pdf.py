"""A large synthetic PDF written sparsely (its image data are holes of zeros in the file),
so a 500 MB scanned-looking document costs no disk blocks and seconds to make."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

IMAGE_WIDTH = 1000  # pixels, 8-bit grey: one byte each


def write_sparse_pdf(path: Path, pages: int, image_bytes: int) -> int:
    """A PDF of `pages` letter pages, each drawing its own grey image of about
    `image_bytes` bytes (uncompressed). Returns the file's size in bytes."""
    height = max(image_bytes // IMAGE_WIDTH, 1)
    length = IMAGE_WIDTH * height
    offsets: list[int] = []
    with path.open("wb") as out:
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        kids = " ".join(f"{3 + 3 * i} 0 R" for i in range(pages))
        _object(out, offsets, b"<< /Type /Catalog /Pages 2 0 R >>")
        _object(out, offsets, f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
        draw = b"q 612 0 0 792 0 0 cm /Im0 Do Q\n"
        for number in range(pages):
            content, image = 4 + 3 * number, 5 + 3 * number
            page = (
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content} 0 R"
                f" /Resources << /XObject << /Im0 {image} 0 R >> >> >>"
            )
            _object(out, offsets, page.encode())
            _stream(out, offsets, b"", draw)
            header = (
                f"/Type /XObject /Subtype /Image /Width {IMAGE_WIDTH} /Height {height}"
                " /ColorSpace /DeviceGray /BitsPerComponent 8"
            ).encode()
            _stream(out, offsets, header, None, length)
        _trailer(out, offsets)
        return out.tell()


def _object(out: BinaryIO, offsets: list[int], body: bytes) -> None:
    offsets.append(out.tell())
    out.write(f"{len(offsets)} 0 obj\n".encode() + body + b"\nendobj\n")


def _stream(
    out: BinaryIO, offsets: list[int], header: bytes, data: bytes | None, length: int = 0
) -> None:
    """A stream object; with no data, `length` bytes of zeros left as a hole."""
    offsets.append(out.tell())
    size = len(data) if data is not None else length
    out.write(
        f"{len(offsets)} 0 obj\n<< ".encode() + header + f" /Length {size} >>\nstream\n".encode()
    )
    if data is not None:
        out.write(data)
    else:
        out.seek(length, 1)
    out.write(b"\nendstream\nendobj\n")


def _trailer(out: BinaryIO, offsets: list[int]) -> None:
    start = out.tell()
    out.write(f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    trailer = f"trailer\n<< /Size {len(offsets) + 1} /Root 1 0 R >>\n"
    out.write(f"{trailer}startxref\n{start}\n%%EOF\n".encode())
