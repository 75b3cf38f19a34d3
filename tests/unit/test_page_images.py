"""Page images as reviewers get them: the right page, upright, PHI painted black, and
within a size budget fixed before anything is decoded (poison files refused)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfWriter

from meddoc.errors import DocumentNotFound, InvalidDocument
from meddoc.limits import Limits
from meddoc.model import BoundingBox
from meddoc.page_images import MAX_SIDE, render_page
from tests.poison import CATALOGUE, Poison, images, pdfs

ROOT = Path(__file__).resolve().parents[2]


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


SHOWN = {"pdf-huge-page", "pdf-no-page-size", "pdf-many-pages"}  # any size is shown scaled


@pytest.mark.parametrize(
    "poison", [p for p in CATALOGUE if p.refused and p.kind not in SHOWN], ids=lambda p: p.kind
)
def test_a_poison_file_is_refused_with_validations_reason_before_it_is_decoded(
    poison: Poison,
) -> None:
    with pytest.raises(InvalidDocument) as refused:
        render_page(poison.make(), 1, 0, [])
    assert poison.reason in str(refused.value)


@pytest.mark.parametrize(
    "poison", [p for p in CATALOGUE if not p.refused or p.kind in SHOWN], ids=lambda p: p.kind
)
def test_good_and_oversized_pages_are_shown_within_the_size_budget(poison: Poison) -> None:
    page = decoded(render_page(poison.make(), 1, 0, []))
    assert max(page.size) <= MAX_SIDE


@pytest.mark.parametrize("side", [9000, 14_400])
def test_a_pdf_page_of_any_size_is_rendered_straight_at_the_largest_side_shown(
    side: int,
) -> None:
    # 9000 pt at 200 dpi would be a 25,000-pixel square (4.97 GB to render and shrink);
    # the scale is chosen from the page size, so pdfium draws 3000 x 3000 pixels.
    page = decoded(render_page(pdfs.pages_pdf(size=(side, side)), 1, 0, []))
    assert page.size == (MAX_SIDE, MAX_SIDE)


def test_a_large_phone_photo_is_decoded_reduced_and_still_turned_upright() -> None:
    image = Image.new("RGB", (8000, 6000), "white")
    ImageDraw.Draw(image).rectangle([0, 0, 999, 999], fill="black")
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: show it turned 90 degrees clockwise
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    page = decoded(render_page(buffer.getvalue(), 1, 0, []))
    assert page.size == (2250, MAX_SIDE)
    assert page.getpixel((2200, 50)) < 60  # the black corner moved to the top right
    assert page.getpixel((50, 50)) > 200


def test_the_first_picture_of_a_phones_two_picture_jpeg_is_shown() -> None:
    assert decoded(render_page(images.mpo_jpeg(), 1, 0, [])).size == (80, 60)


def test_a_page_past_the_end_of_a_tiff_or_an_image_is_not_found() -> None:
    with pytest.raises(DocumentNotFound):
        render_page(images.tiff(32, 32, pages=2), 3, 0, [])
    with pytest.raises(DocumentNotFound):
        render_page(marked_png(), 2, 0, [])


def test_the_shared_limits_decide_what_is_shown() -> None:
    with pytest.raises(InvalidDocument, match="pages are accepted up to 150 pixels"):
        render_page(marked_png(), 1, 0, [], Limits(max_side_pixels=150))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("data", "outcome"),
    [
        (pdfs.pages_pdf(size=(9000, 9000)), "shown 3000x3000"),
        (pdfs.nested_forms(), "InvalidDocument: the PDF page 1 is too complex"),
    ],
    ids=["9000pt-page", "nested-forms"],
)
def test_one_page_view_stays_under_400_mb_in_a_fresh_process(
    tmp_path: Path, data: bytes, outcome: str
) -> None:
    # Before the budget: 4.97 GB for the 9000 pt page, ~17 GB for the nested forms.
    path = tmp_path / "upload"
    path.write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-m", "tests.poison.measure", "--child", "view", str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"},
    )
    measured = json.loads(done.stdout.splitlines()[-1])
    assert measured["outcome"].startswith(outcome)
    assert measured["peak_mb"] < 400
