"""Lines in reading order by recursive XY-cut: split a block at horizontal white bands
(rows, paragraphs) first, at vertical white bands (columns) only where no row band
crosses the block, so form rows read label then value and prose reads column by
column."""

from __future__ import annotations

import statistics

from meddoc.model import BoundingBox, Line

ROW_GAP = 0.4  # x median line height: white space that separates rows or blocks
COLUMN_GAP = 1.0  # x median line height: white space that separates columns


def in_reading_order(lines: list[Line], aspect: float = 1.0) -> list[Line]:
    """`aspect` is the page's height over its width, to measure gaps in line heights
    along both axes of the page-relative geometry."""
    if len(lines) < 2:
        return list(lines)
    height = statistics.median(line.geometry.box.height for line in lines)
    return _order(lines, {"y": ROW_GAP * height, "x": COLUMN_GAP * height * aspect})


def _order(lines: list[Line], gaps: dict[str, float]) -> list[Line]:
    if len(lines) < 2:
        return lines
    for axis, gap in gaps.items():
        parts = _split(lines, axis, gap)
        if len(parts) > 1:
            return [line for part in parts for line in _order(part, gaps)]
    return _rows(lines)


def _rows(lines: list[Line]) -> list[Line]:
    """Lines that overlap in height as one row, read left to right: a line joins the row
    when its middle lies within the row's first line."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda line: _middle(line.geometry.box)):
        anchor = rows[-1][0].geometry.box if rows else None
        if anchor is not None and anchor.top <= _middle(line.geometry.box) <= anchor.bottom:
            rows[-1].append(line)
        else:
            rows.append([line])
    return [line for row in rows for line in sorted(row, key=lambda x: x.geometry.box.left)]


def _middle(box: BoundingBox) -> float:
    return box.top + box.height / 2


def _split(lines: list[Line], axis: str, gap: float) -> list[list[Line]]:
    """Groups separated by bands of at least `gap` that no line crosses."""
    span = _y_span if axis == "y" else _x_span
    parts: list[list[Line]] = []
    reach = float("-inf")
    for line in sorted(lines, key=lambda line: span(line.geometry.box)[0]):
        start, end = span(line.geometry.box)
        if not parts or start - reach >= gap:
            parts.append([])
        parts[-1].append(line)
        reach = max(reach, end)
    return parts


def _y_span(box: BoundingBox) -> tuple[float, float]:
    return box.top, box.bottom


def _x_span(box: BoundingBox) -> tuple[float, float]:
    return box.left, box.right
