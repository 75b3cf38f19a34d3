"""Ruled tables in the page image: long straight strokes across and down, grouped into
grids. A grid's rules that run most of its width divide its rows; rules down, even
broken by merged cells, divide its columns. Rules one way only (a lined lab table) are
left to the tables read from how the words line up."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

RULE_ACROSS = 1 / 30  # of the page width: the shortest stroke across that is a rule
RULE_DOWN = 1.0  # x word height (its OCR box): the shortest stroke down that is a rule
SPANNING = 0.6  # a rule across divides the grid's rows when it runs this share of its width
BROKEN_SPANNING = 0.3  # a rule down, broken by merged cells, needs this share of the height
JOINS = 0.5  # x word height: how near a row rule a column rule's end must be
SAME_RULE = 6  # pixels: strokes this close across their direction are one rule
SMALLEST_GRID = 2.0  # x word height: a grid is at least this high


@dataclass(frozen=True, slots=True)
class Grid:
    """A ruled region (pixels) and the positions of its dividing rules, edges included."""

    left: int
    top: int
    right: int
    bottom: int
    rows: tuple[int, ...]  # y of each rule across, top to bottom
    columns: tuple[int, ...]  # x of each rule down, left to right


def find_grids(image: np.ndarray, word_pixels: float) -> list[Grid]:
    if word_pixels <= 0 or image.size == 0:
        return []
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    ink = cv2.adaptiveThreshold(
        grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 10
    )
    width = ink.shape[1]
    across_length = max(10, round(RULE_ACROSS * width))
    down_length = max(10, round(RULE_DOWN * word_pixels))
    across = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, across_length), np.uint8))
    down = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((down_length, 1), np.uint8))
    joined = cv2.dilate(cv2.bitwise_or(across, down), np.ones((5, 5), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined)
    rules_across, rules_down = _strokes(across), _strokes(down)
    grids = []
    for label in range(1, count):
        left, top, w, h = (int(v) for v in stats[label][:4])
        if h < SMALLEST_GRID * word_pixels or w < 4 * word_pixels:
            continue
        if left <= 1 or top <= 1 or left + w >= width - 1 or top + h >= ink.shape[0] - 1:
            continue  # the paper's edge or a shadow in a photo, not a table's rules
        grid = Grid(left, top, left + w, top + h, (), ())
        rows = _spanning(rules_across, grid, across=True)
        reach = round(JOINS * word_pixels)
        columns = _spanning(
            [s for s in rules_down if _between_rules(s, rows, reach)], grid, across=False
        )
        if len(rows) >= 3 and len(columns) >= 3:  # rules one way only: the text decides
            grids.append(Grid(left, top, left + w, top + h, rows, columns))
    return grids


def _strokes(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Each straight stroke's box (left, top, width, height): one stroke, however
    tilted, is one piece, where a row or column profile would cut a tilted rule up."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask)
    return [tuple(int(v) for v in stats[label][:4]) for label in range(1, count)]  # type: ignore[misc]


def _between_rules(stroke: tuple[int, int, int, int], rows: tuple[int, ...], reach: int) -> bool:
    """A column rule runs from one row rule to another; the side of a checkbox does not."""
    top, bottom = stroke[1], stroke[1] + stroke[3]
    return any(abs(top - r) <= reach for r in rows) and any(abs(bottom - r) <= reach for r in rows)


def _spanning(
    strokes: list[tuple[int, int, int, int]], grid: Grid, *, across: bool
) -> tuple[int, ...]:
    """Positions of the rules inside the grid: strokes at one position (within a few
    pixels) together run at least a share of the grid's side, so a column rule broken
    by merged cells still divides its columns."""
    side = (grid.right - grid.left) if across else (grid.bottom - grid.top)
    share = SPANNING if across else BROKEN_SPANNING
    placed: list[tuple[int, int]] = []  # (position, length)
    for left, top, width, height in strokes:
        if not (grid.left <= left + width // 2 <= grid.right):
            continue
        if not (grid.top <= top + height // 2 <= grid.bottom):
            continue
        placed.append((top + height // 2, width) if across else (left + width // 2, height))
    rules: list[list[tuple[int, int]]] = []
    for position, length in sorted(placed):
        if rules and position - rules[-1][-1][0] <= SAME_RULE:
            rules[-1].append((position, length))
        else:
            rules.append([(position, length)])
    return tuple(
        round(sum(p for p, _ in rule) / len(rule))
        for rule in rules
        if sum(length for _, length in rule) >= share * side
    )
