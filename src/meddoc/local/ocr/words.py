"""A recognized line to the model's Line and Words: text normalised the way Textract
writes it, spaces the recognizer missed put back, and one box per word placed where its
characters were read along the line box."""

from __future__ import annotations

import itertools
import statistics
import unicodedata
from dataclasses import dataclass

import numpy as np

from meddoc.local.ocr.recognizer import LineReading
from meddoc.model import Geometry, Line, Point, Word

# Check boxes read as characters: they are selection marks, not text (Textract reports
# them apart, as SELECTION_ELEMENT blocks), so they stay out of the words.
CHECK_BOXES = frozenset("□■☐☑☒▢▣◻◼◽◾❏❐❑❒")


@dataclass(frozen=True, slots=True)
class LineBox:
    """Where a line was cropped from: corners in reading order (top-left, top-right,
    bottom-right, bottom-left of the text, page pixels) and the crop's size."""

    corners: np.ndarray
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class WordSpan:
    """Where a word lies along its line's crop (pixels) and its least sure character."""

    start: float
    end: float
    weakest: float


@dataclass(slots=True)
class _Char:
    text: str
    centre: float
    score: float


def build_line(
    box: LineBox, reading: LineReading, page_size: tuple[int, int], space_gap: float
) -> tuple[Line, list[WordSpan]] | None:
    """The Line with its Words (joined by single spaces they equal the line text) and
    each word's span along the crop (pixels), or None when only spaces were read."""
    chars = _expand(reading)
    pitch = _pitch(chars, box.height)
    words = _split_words(chars, space_gap * box.height)
    if not words:
        return None
    model_words: list[Word] = []
    spans: list[WordSpan] = []
    bounds = [(w[0].centre - pitch / 2, w[-1].centre + pitch / 2) for w in words]
    for index, (word, (start, end)) in enumerate(zip(words, bounds, strict=True)):
        if index:  # never overlap the word before
            start = max(start, (bounds[index - 1][1] + start) / 2)
        if index + 1 < len(bounds):
            end = min(end, (end + bounds[index + 1][0]) / 2)
        start, end = max(0.0, start), min(box.width, max(end, start + 1.0))
        spans.append(WordSpan(start, end, min(c.score for c in word)))
        model_words.append(
            Word(
                text="".join(c.text for c in word),
                geometry=_span_geometry(box, start, end, page_size),
                confidence=statistics.fmean(c.score for c in word),
            )
        )
    line = Line(
        text=" ".join(w.text for w in model_words),
        geometry=_span_geometry(box, 0.0, box.width, page_size),
        confidence=statistics.fmean(c.score for w in words for c in w),
        words=model_words,
    )
    return line, spans


def _expand(reading: LineReading) -> list[_Char]:
    """One entry per character after NFKC (superscript digits, ligatures and
    full-width forms become the plain characters Textract reports), check boxes left
    out."""
    chars: list[_Char] = []
    for symbol, centre, score in zip(
        reading.symbols, reading.centres, reading.scores, strict=True
    ):
        for char in unicodedata.normalize("NFKC", symbol):
            if char in CHECK_BOXES:
                continue
            chars.append(_Char(" " if char.isspace() else char, centre, score))
    return chars


def _pitch(chars: list[_Char], line_height: float) -> float:
    """Typical distance between neighbouring characters of a word."""
    steps = [
        b.centre - a.centre
        for a, b in itertools.pairwise(chars)
        if a.text != " " and b.text != " " and b.centre > a.centre
    ]
    return statistics.median(steps) if steps else 0.5 * line_height


def _split_words(chars: list[_Char], gap: float) -> list[list[_Char]]:
    words: list[list[_Char]] = []
    current: list[_Char] = []
    for char in chars:
        if char.text == " ":
            if current:
                words.append(current)
            current = []
            continue
        if current and char.centre - current[-1].centre > gap:
            words.append(current)
            current = []
        current.append(char)
    if current:
        words.append(current)
    return words


def _span_geometry(box: LineBox, start: float, end: float, page_size: tuple[int, int]) -> Geometry:
    """The part of the line box between `start` and `end` (crop pixels along the line),
    page-relative."""
    top_left, top_right, bottom_right, bottom_left = box.corners
    a, b = start / box.width, end / box.width
    corners = (
        top_left + a * (top_right - top_left),
        top_left + b * (top_right - top_left),
        bottom_left + b * (bottom_right - bottom_left),
        bottom_left + a * (bottom_right - bottom_left),
    )
    width, height = page_size
    points = tuple(
        Point(min(max(float(x) / width, 0.0), 1.0), min(max(float(y) / height, 0.0), 1.0))
        for x, y in corners
    )
    return Geometry.from_polygon(points)
