"""Small real files made on the fly for tests: images and PDFs of a chosen shape."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw
from pypdf import PdfWriter


def png_bytes(width: int = 64, height: int = 32, text: str = "") -> bytes:
    image = Image.new("RGB", (width, height), "white")
    if text:
        ImageDraw.Draw(image).text((4, 4), text, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes(width: int = 64, height: int = 32) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="JPEG")
    return buffer.getvalue()


def tiff_bytes(pages: int = 1) -> bytes:
    frames = [Image.new("L", (32, 32), 255 - i) for i in range(pages)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="TIFF", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
