"""Page images as reviewers get them: the right page, upright, PHI painted black."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfWriter

from meddoc.errors import DocumentNotFound, InvalidDocument
from meddoc.model import BoundingBox
from meddoc.page_images import render_page


def decoded(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("L")


def marked_png(width: int = 200, height: int = 100) -> bytes:
    """White, with a black square in the top-left corner (to tell the turns apart)."""
    image = Image.new("RGB", (width, height), "white")
    ImageDraw.Draw(image).rectangle([0, 0, 19, 19], fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_a_page_is_turned_upright_as_the_ocr_read_it() -> None:
    # Turned 90 degrees clockwise: the top-left corner goes to the top-right.
    page = decoded(render_page(marked_png(), 1, 90, []))
    assert page.size == (100, 200)
    assert page.getpixel((95, 5)) < 60
    assert page.getpixel((5, 5)) > 200


def test_phi_boxes_are_painted_black() -> None:
    page = decoded(render_page(marked_png(), 1, 0, [BoundingBox(0.5, 0.5, 0.2, 0.2)]))
    assert page.getpixel((120, 60)) < 40
    assert page.getpixel((180, 20)) > 200


def test_each_frame_of_a_tiff_and_page_of_a_pdf_can_be_shown() -> None:
    frames = [Image.new("L", (40, 40), shade) for shade in (0, 255)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:])
    assert decoded(render_page(buffer.getvalue(), 2, 0, [])).getpixel((20, 20)) > 200
    writer = PdfWriter()
    writer.add_blank_page(width=72, height=144)
    pdf = io.BytesIO()
    writer.write(pdf)
    assert decoded(render_page(pdf.getvalue(), 1, 0, [])).size == (200, 400)  # 200 dpi
    with pytest.raises(DocumentNotFound):
        render_page(pdf.getvalue(), 2, 0, [])


def test_an_unreadable_file_is_a_clear_error() -> None:
    with pytest.raises(InvalidDocument):
        render_page(b"\x89PNG\r\n\x1a\n garbage", 1, 0, [])
