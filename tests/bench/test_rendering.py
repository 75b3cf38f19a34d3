"""Drawing a clinical text as a page image for the end-to-end benchmark."""

from __future__ import annotations

import pytest
from PIL import ImageChops, ImageFont

from meddoc.bench.rendering import (
    HANDWRITING,
    PRINTED,
    TILTED,
    Face,
    PageStyle,
    installed,
    render_page,
    wrap,
)

TEXT = "HPI: 58-year-old man with chest pain radiating to the left arm.\nPlan: aspirin."


def test_given_long_lines_then_wrap_breaks_between_words_and_keeps_line_breaks() -> None:
    font = ImageFont.load_default()
    lines = wrap(TEXT, font.getlength("HPI: 58-year-old man with chest"), font)
    assert lines[-1] == "Plan: aspirin."
    assert " ".join(lines[:-1]) == TEXT.splitlines()[0]
    assert len(lines) > 2


@pytest.mark.parametrize("face", [f for f in PRINTED + HANDWRITING if installed(f)])
def test_given_a_face_then_the_page_is_letter_sized_with_ink_at_the_top(face: Face) -> None:
    style = PageStyle()
    page = render_page(TEXT, face, style)
    assert page.size == (round(style.width_in * style.dpi), round(style.height_in * style.dpi))
    ink = ImageChops.invert(page.convert("L")).getbbox()
    assert ink is not None
    assert ink[1] < page.height / 4


def test_given_another_seed_then_the_hand_varies_but_print_does_not() -> None:
    hand = next((f for f in HANDWRITING if installed(f)), None)
    printed = next((f for f in PRINTED if installed(f)), None)
    if hand is None or printed is None:
        pytest.skip("the Debian font packages are not installed")
    assert render_page(TEXT, hand, seed=1).tobytes() != render_page(TEXT, hand, seed=2).tobytes()
    assert (
        render_page(TEXT, printed, seed=1).tobytes()
        == render_page(TEXT, printed, seed=2).tobytes()
    )


def test_given_a_tilted_face_then_the_whole_page_is_turned_onto_larger_white_paper() -> None:
    tilted = TILTED[0]
    level = next(f for f in PRINTED if f.file == tilted.file)
    upright, turned = render_page(TEXT, level), render_page(TEXT, tilted)
    assert tilted.style == "tilted"
    assert turned.width > upright.width
    assert turned.height > upright.height
    assert turned.getpixel((0, 0)) == (255, 255, 255)
