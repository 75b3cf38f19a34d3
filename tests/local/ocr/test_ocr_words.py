"""Recognized lines to words with boxes, reading order and settings, without models."""

from __future__ import annotations

import math

import numpy as np
import pytest

from meddoc.errors import ConfigurationError
from meddoc.local.ocr.config import OcrConfig
from meddoc.local.ocr.reading_order import in_reading_order, page_skew
from meddoc.local.ocr.recognizer import LineReading
from meddoc.local.ocr.words import LineBox, build_line
from meddoc.model import Geometry, Line, Point


def line_box(left: float, top: float, width: float, height: float) -> LineBox:
    corners = np.array(
        [[left, top], [left + width, top], [left + width, top + height], [left, top + height]]
    )
    return LineBox(corners, width, height)


def reading(text: str, centres: list[float]) -> LineReading:
    return LineReading(symbols=list(text), centres=centres, scores=[0.9] * len(text))


def test_words_joined_by_single_spaces_equal_the_line_text() -> None:
    text = "Dr.  Ana Ruiz"
    centres = [5.0 + 10 * i for i in range(len(text))]
    built = build_line(line_box(100, 50, 140, 20), reading(text, centres), (1000, 500), 1.2)
    assert built is not None
    line, spans = built
    assert len(spans) == 3
    assert [w.text for w in line.words] == ["Dr.", "Ana", "Ruiz"]
    assert line.text == " ".join(w.text for w in line.words) == "Dr. Ana Ruiz"


def test_word_boxes_follow_character_positions_inside_the_line_box() -> None:
    text = "ab cd"
    centres = [10.0, 20.0, 30.0, 80.0, 90.0]
    built = build_line(line_box(100, 50, 100, 20), reading(text, centres), (1000, 500), 1.2)
    assert built is not None
    line, spans = built
    assert [(s.start, s.end) for s in spans] == [(5.0, 25.0), (75.0, 95.0)]
    first, second = (w.geometry.box for w in line.words)
    assert first.left == pytest.approx(0.105)  # (100 + 10 - 5) / 1000
    assert first.right == pytest.approx(0.125)
    assert second.left == pytest.approx(0.175)
    assert first.right <= second.left
    assert first.top == pytest.approx(0.1)
    assert first.height == pytest.approx(0.04)


def test_a_wide_gap_the_recognizer_left_without_space_splits_words() -> None:
    centres = [5.0, 15.0, 25.0, 95.0, 105.0]  # 70 px gap on a 20 px high line
    built = build_line(line_box(0, 0, 120, 20), reading("YESNO", centres), (200, 100), 1.2)
    assert built is not None
    assert [w.text for w in built[0].words] == ["YES", "NO"]


def test_superscripts_and_ligatures_become_plain_characters() -> None:
    built = build_line(
        line_box(0, 0, 60, 20), reading("ﬁle²", [5.0, 15.0, 25.0, 35.0]), (100, 100), 1.2
    )
    assert built is not None
    assert built[0].text == "file2"


def test_check_boxes_are_no_text() -> None:
    built = build_line(
        line_box(0, 0, 60, 20),
        reading("☑Yes □No", [5.0 + 5 * i for i in range(8)]),
        (100, 100),
        1.2,
    )
    assert built is not None
    assert [w.text for w in built[0].words] == ["Yes", "No"]


def test_a_line_of_spaces_is_no_line() -> None:
    assert build_line(line_box(0, 0, 60, 20), reading("  ", [5.0, 15.0]), (100, 100), 1.2) is None


def make_line(text: str, left: float, top: float, width: float = 0.3) -> Line:
    return Line(text=text, geometry=Geometry.from_box(left, top, width, 0.02), confidence=0.9)


def test_reading_order_reads_two_columns_one_after_the_other() -> None:
    lines = [
        make_line("Title", 0.1, 0.05, 0.8),
        make_line("right 1", 0.55, 0.2),
        make_line("left 1", 0.1, 0.2),
        make_line("left 2", 0.1, 0.225),
        make_line("right 2", 0.55, 0.225),
        make_line("Footer", 0.1, 0.5, 0.8),
    ]
    ordered = [line.text for line in in_reading_order(lines)]
    assert ordered == ["Title", "left 1", "left 2", "right 1", "right 2", "Footer"]


def test_reading_order_reads_a_form_row_label_then_value() -> None:
    lines = [
        make_line("ALEJANDRO", 0.13, 0.083, 0.2),  # handwriting sits a little higher
        make_line("First Name:", 0.02, 0.09, 0.1),
        make_line("Sex:", 0.02, 0.125, 0.05),
        make_line("M", 0.09, 0.122, 0.02),
    ]
    ordered = [line.text for line in in_reading_order(lines)]
    assert ordered == ["First Name:", "ALEJANDRO", "Sex:", "M"]


def tilted_line(text: str, left: float, top: float, degrees: float) -> Line:
    """A line 0.6 of the page wide and 0.02 high on a page turned `degrees` clockwise
    about its top-left corner (a square page, so both axes measure alike)."""
    angle = math.radians(degrees)
    cos, sin = math.cos(angle), math.sin(angle)
    corners = [(left, top), (left + 0.6, top), (left + 0.6, top + 0.02), (left, top + 0.02)]
    points = tuple(Point(x * cos - y * sin, x * sin + y * cos) for x, y in corners)
    return Line(text=text, geometry=Geometry.from_polygon(points), confidence=0.9)


@pytest.mark.parametrize("degrees", [-8.0, 8.0])
def test_reading_order_levels_a_page_photographed_askew(degrees: float) -> None:
    # 8 degrees tilt a 0.6-wide line by 0.08: more than the gap between lines, so
    # upright boxes would overlap and interleave the two paragraphs.
    texts = ["Assessment:", "1. Migraine.", "Plan:", "sumatriptan as needed", "in 2 weeks."]
    tops = [0.30, 0.33, 0.40, 0.43, 0.46]
    lines = [tilted_line(t, 0.2, top, degrees) for t, top in zip(texts, tops, strict=True)]

    assert math.degrees(page_skew(lines)) == pytest.approx(degrees, abs=0.01)
    assert [line.text for line in in_reading_order(lines[::-1])] == texts


def test_given_a_level_page_then_no_skew_is_found() -> None:
    lines = [make_line("left 1", 0.1, 0.2, 0.5), make_line("left 2", 0.1, 0.225, 0.5)]
    assert page_skew(lines) == 0.0


@pytest.mark.parametrize(
    "settings",
    [{"threads": 0}, {"detector": "huge"}, {"box_threshold": 1.5}, {"space_gap": 0.0}],
)
def test_invalid_settings_are_refused_at_start_up(settings: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError):
        OcrConfig(**settings)  # type: ignore[arg-type]
