"""The OCR's page loader and scaling on poison and odd files: everything over the shared
limits is refused with validation's own reason before a pixel is decoded, and no page is
ever scaled past a bounded size (no models needed)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from meddoc.errors import InvalidDocument
from meddoc.limits import Limits
from meddoc.local.ocr.config import OcrConfig
from meddoc.local.ocr.line_finder import detect_scale
from meddoc.local.ocr.orientation import preprocess
from meddoc.local.ocr.pages import _to_bgr, page_images
from tests.poison import CATALOGUE, Poison, images, pdfs

LIMITS = Limits()


def first_page(data: bytes, limits: Limits = LIMITS) -> np.ndarray:
    return next(iter(page_images(data, limits)))


@pytest.mark.parametrize("poison", [p for p in CATALOGUE if p.refused], ids=lambda p: p.kind)
def test_given_a_poison_file_then_the_loader_refuses_it_with_validations_reason(
    poison: Poison,
) -> None:
    with pytest.raises(InvalidDocument) as refused:
        first_page(poison.make())
    assert poison.reason in str(refused.value)


@pytest.mark.parametrize("poison", [p for p in CATALOGUE if not p.refused], ids=lambda p: p.kind)
def test_given_an_unusual_good_file_then_its_one_page_is_read(poison: Poison) -> None:
    pages = list(page_images(poison.make(), LIMITS))
    assert len(pages) == 1
    assert pages[0].dtype == np.uint8
    assert pages[0].shape[2] == 3


def test_the_page_limit_is_the_shared_one_not_the_old_500() -> None:
    # A 600-page PDF passes validation; the loader used to refuse it (">500 pages").
    assert first_page(pdfs.pages_pdf(600)).shape == (2200, 1700, 3)
    with pytest.raises(InvalidDocument) as refused:
        first_page(pdfs.pages_pdf(6), Limits(max_pages=5))
    assert str(refused.value) == (
        "the document has 6 pages; the most accepted is 5 (split it into smaller files)"
    )


def test_a_pdf_page_is_rendered_at_a_scale_within_the_pixel_budget() -> None:
    page = first_page(pdfs.pages_pdf(size=(2880, 2880)), Limits(max_page_pixels=1_000_000))
    height, width = page.shape[:2]
    assert height * width <= 1_000_000
    assert height == width >= 990


def test_a_16_bit_grey_scan_is_brought_to_8_bit_band_by_band() -> None:
    values = np.tile(np.arange(0, 65536, 64, dtype=np.uint16), (3000, 1))  # 3000 x 1024
    buffer = io.BytesIO()
    Image.fromarray(values).save(buffer, "PNG")
    page = first_page(buffer.getvalue())
    assert page.shape == (3000, 1024, 3)
    assert (page[0, 0, 0], page[-1, -1, 0], page[1500, 512, 0]) == (0, 255, 127)


def test_every_frame_of_a_tiff_is_a_page_and_each_is_checked() -> None:
    assert len(list(page_images(images.tiff(40, 30, pages=3), LIMITS))) == 3
    with pytest.raises(InvalidDocument, match="page 2 of the TIFF is 20,000 x 10 pixels"):
        list(page_images(images.tiff(0, 0, sizes=[(40, 30), (20_000, 10)]), LIMITS))


@pytest.mark.parametrize(
    ("height", "width"),
    [(100, 400_000), (100, 10_000), (1, 10_000), (700, 10_000), (10_000, 120)],
)
def test_the_detector_never_scales_a_page_past_detect_side_squared(
    height: int, width: int
) -> None:
    config = OcrConfig()
    scale = detect_scale(height, width, config)
    assert (height * scale) * (width * scale) <= config.detect_side**2 * 1.0001


@pytest.mark.parametrize(
    ("height", "width", "short_side"),
    [(600, 800, 736), (1000, 700, 736)],
)
def test_small_pages_are_still_scaled_up_to_the_detectors_shortest_side(
    height: int, width: int, short_side: int
) -> None:
    scale = detect_scale(height, width, OcrConfig())
    assert min(height, width) * scale == pytest.approx(short_side)


def test_large_pages_are_scaled_down_to_the_detectors_longest_side() -> None:
    assert detect_scale(4000, 3000, OcrConfig()) == pytest.approx(2400 / 4000)


@pytest.mark.parametrize("shape", [(1, 10_000), (10_000, 3), (100, 10_000), (2200, 1700)])
def test_the_orientation_input_is_one_small_square_whatever_the_page(
    shape: tuple[int, int],
) -> None:
    page = np.full((*shape, 3), 255, dtype=np.uint8)
    assert preprocess(page).shape == (3, 224, 224)


@pytest.mark.parametrize("band_bytes", [300, 1 << 24])
def test_pixels_come_out_blue_green_red_band_by_band(band_bytes: int) -> None:
    rows = np.arange(70, dtype=np.uint8)
    rgb = np.stack([np.tile(rows[:, None], (1, 100)), np.full((70, 100), 7, np.uint8),
                    np.full((70, 100), 200, np.uint8)], axis=2)  # fmt: skip
    bgr = _to_bgr(Image.fromarray(rgb, "RGB"), band_bytes)
    assert np.array_equal(bgr, rgb[:, :, ::-1])
    grey = _to_bgr(Image.fromarray(rgb[:, :, 0], "L"), band_bytes)
    assert np.array_equal(grey, np.repeat(rgb[:, :, :1], 3, axis=2))
