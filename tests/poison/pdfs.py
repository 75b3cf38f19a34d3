"""Bad and hostile PDFs written object by object (a few hundred bytes to a few KB)."""

from __future__ import annotations

import io
import zlib

from tests.poison.images import repeated_deflate

LETTER = (612, 792)


def pdf(objects: list[bytes], *, root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF of numbered objects (1-based, in order) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\n" % (len(objects) + 1, root, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def stream(dictionary: bytes, data: bytes, *, deflate: bool = False) -> bytes:
    if deflate:
        data, dictionary = zlib.compress(data), dictionary + b" /Filter /FlateDecode"
    return b"<< %s /Length %d >>\nstream\n" % (dictionary, len(data)) + data + b"\nendstream"


def pages_pdf(
    count: int = 1,
    size: tuple[float, float] = LETTER,
    content: bytes = b"",
    resources: bytes = b"<< >>",
    extra: list[bytes] | None = None,
) -> bytes:
    """`count` pages sharing one content stream (object 3) and resources; `extra` objects
    are numbered from 4."""
    width, height = size
    first_page = 4 + len(extra or [])
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(count))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] /Resources %s /Contents 3 0 R >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
        stream(b"", content),
        *(extra or []),
        *[page % (_number(width), _number(height), resources)] * count,
    ]
    return pdf(objects)


def nested_forms(depth: int = 10, fanout: int = 5) -> bytes:
    """Form XObjects that each draw the one below them `fanout` times: a 2 KB page that
    expands to fanout**depth drawings."""
    draw = b"".join(b"q 0.5 0 0 0.5 %d %d cm /F Do Q\n" % (i, i) for i in range(fanout))
    forms = [stream(b"/Type /XObject /Subtype /Form /BBox [0 0 612 792]", b"0 0 m 10 10 l S")]
    for level in range(1, depth):
        below = 4 + level - 1
        forms.append(
            stream(
                b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] "
                b"/Resources << /XObject << /F %d 0 R >> >>" % below,
                draw,
            )
        )
    top = 4 + depth - 1
    return pages_pdf(content=draw, resources=b"<< /XObject << /F %d 0 R >> >>" % top, extra=forms)


def looping_form() -> bytes:
    """A form XObject that draws itself."""
    form = stream(
        b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] "
        b"/Resources << /XObject << /F 4 0 R >> >>",
        b"/F Do",
    )
    return pages_pdf(content=b"/F Do", resources=b"<< /XObject << /F 4 0 R >> >>", extra=[form])


def huge_image(width: int = 20_000, height: int = 20_000) -> bytes:
    """A page holding one 1-bit image of width x height pixels (flate: a few KB)."""
    row = b"\x00" * -(-width // 8)
    rows = min(height, max(1, (1 << 20) // len(row)))
    while height % rows:
        rows -= 1
    data = repeated_deflate(row * rows, height // rows)
    image = (
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 1 /Filter /FlateDecode /Length %d >>\nstream\n"
        % (width, height, len(data))
        + data
        + b"\nendstream"
    )
    return pages_pdf(
        content=b"q 612 0 0 792 0 0 cm /Im Do Q",
        resources=b"<< /XObject << /Im 4 0 R >> >>",
        extra=[image],
    )


def inline_image(width: int = 60_000, height: int = 60_000) -> bytes:
    """A page whose content holds an inline image (BI ... ID ... EI) of width x height."""
    content = b"q 612 0 0 792 0 0 cm BI /W %d /H %d /CS /G /BPC 1 /F /AHx ID 00> EI Q" % (
        width,
        height,
    )
    return pages_pdf(content=content)


def content_bomb(expanded: int = 128 << 20) -> bytes:
    """A page whose content stream inflates to `expanded` bytes of spaces."""
    data = repeated_deflate(b" " * (1 << 20), expanded >> 20)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(data) + data + b"\nendstream",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R >>",
    ]
    return pdf(objects)


def no_pages() -> bytes:
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def encrypted() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(*LETTER)
    writer.encrypt("secret", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _number(value: float) -> bytes:
    return (b"%d" % value) if float(value).is_integer() else (b"%.2f" % value)
