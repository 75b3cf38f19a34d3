"""Checkbox marks in the page image: small squares whose four sides are straight strokes
inked corner to corner (a letter O or D is round at its corners); a square with ink
inside is ticked. The sides are found on the straight strokes alone, so a cross drawn
over and beyond a box does not hide it."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from meddoc.model import Geometry, Selection, SelectionStatus, Word

SMALLEST = 0.5  # x word height in pixels: the smallest side of a checkbox
LARGEST = 2.5  # ... and the largest
SQUARENESS = 2.0  # the longer side over the shorter at most
SIDE_INK = 0.8  # share of each side that must be inked
TICKED_INK = 0.1  # share of the inside that is ink when a box is ticked


@dataclass(frozen=True, slots=True)
class Box:
    left: int
    top: int
    width: int
    height: int

    def overlaps(self, other: Box) -> bool:
        return not (
            self.left >= other.left + other.width
            or other.left >= self.left + self.width
            or self.top >= other.top + other.height
            or other.top >= self.top + self.height
        )


def find_checkboxes(image: np.ndarray, word_pixels: float) -> list[Selection]:
    """Every checkbox of the page; `word_pixels` is the median word height in pixels."""
    if word_pixels <= 0 or image.size == 0:
        return []
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    ink = cv2.adaptiveThreshold(
        grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15
    )
    strokes = _straight_strokes(ink, word_pixels)
    contours, _ = cv2.findContours(strokes, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    boxes = sorted(
        (b for c in contours if (b := _square(c, strokes, word_pixels)) is not None),
        key=lambda b: -b.width * b.height,
    )
    kept: list[Box] = []
    for box in boxes:  # the outer edge of a box, not its inner edge as well
        if not any(box.overlaps(k) for k in kept):
            kept.append(box)
    page_height, page_width = ink.shape
    return [
        Selection(
            status=_status(ink, box),
            geometry=Geometry.from_box(
                box.left / page_width,
                box.top / page_height,
                box.width / page_width,
                box.height / page_height,
            ),
            confidence=0.9,
        )
        for box in sorted(kept, key=lambda b: (b.top, b.left))
    ]


def _straight_strokes(ink: np.ndarray, word_pixels: float) -> np.ndarray:
    """Only the ink that runs straight across or down for half the smallest box side."""
    length = max(3, round(0.5 * SMALLEST * word_pixels))
    across = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, length), np.uint8))
    down = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((length, 1), np.uint8))
    return cv2.bitwise_or(across, down)


def _square(contour: np.ndarray, ink: np.ndarray, word_pixels: float) -> Box | None:
    left, top, width, height = cv2.boundingRect(contour)
    small, large = sorted((width, height))
    if small < SMALLEST * word_pixels or large > LARGEST * word_pixels:
        return None
    if large > SQUARENESS * small:
        return None
    box = Box(left, top, width, height)
    return box if _sides_inked(ink[top : top + height, left : left + width]) else None


def _sides_inked(crop: np.ndarray) -> bool:
    """Each side, looked at across a band of a few pixels, is ink along its length,
    corners included."""
    band = max(2, round(0.15 * min(crop.shape)))
    corners = (crop[:band, :band], crop[:band, -band:], crop[-band:, :band], crop[-band:, -band:])
    if not all(corner.any() for corner in corners):
        return False
    sides = (
        crop[:band].any(axis=0),
        crop[-band:].any(axis=0),
        crop[:, :band].any(axis=1),
        crop[:, -band:].any(axis=1),
    )
    return all(side.mean() >= SIDE_INK for side in sides)


def _status(ink: np.ndarray, box: Box) -> SelectionStatus:
    margin_x, margin_y = max(2, box.width // 4), max(2, box.height // 4)
    inside = ink[
        box.top + margin_y : box.top + box.height - margin_y,
        box.left + margin_x : box.left + box.width - margin_x,
    ]
    ticked = inside.size and float((inside > 0).mean()) >= TICKED_INK
    return SelectionStatus.SELECTED if ticked else SelectionStatus.NOT_SELECTED


def apart_from_letters(selections: list[Selection], words: list[Word]) -> list[Selection]:
    """The marks that are no letter of a word the OCR read: a mark inside a word of two
    or more letters or figures is dropped, unless the word begins (ends) with a symbol
    where the mark sits (the OCR read the box itself as "口Yes")."""
    return [s for s in selections if not any(_a_letter_of(s, w) for w in words)]


def _a_letter_of(selection: Selection, word: Word) -> bool:
    mark, box = selection.geometry.box, word.geometry.box
    x, y = mark.left + mark.width / 2, mark.top + mark.height / 2
    if not (box.left <= x <= box.right and box.top <= y <= box.bottom):
        return False
    if sum(c.isalnum() for c in word.text) < 2:
        return False
    at_start = x - box.left <= mark.width and not word.text[0].isalnum()
    at_end = box.right - x <= mark.width and not word.text[-1].isalnum()
    return not (at_start or at_end)
