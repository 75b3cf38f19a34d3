"""Lines in reading order by recursive XY-cut: split a block at horizontal white bands
(rows, paragraphs) first, at vertical white bands (columns) only where no row band
crosses the block, so form rows read label then value and prose reads column by
column. Columns whose lines sit side by side on shared rows are a table, read row after
row (a test with its value, unit and range). A page photographed askew is levelled
first (by the lines' own slope), since tilted lines close the white bands between rows."""

from __future__ import annotations

import itertools
import math
import statistics
from dataclasses import dataclass

from meddoc.model import Geometry, Line

ROW_GAP = 0.4  # x median line height: white space that separates rows or blocks
COLUMN_GAP = 1.0  # x median line height: white space that separates columns
MIN_SKEW = math.radians(0.5)  # below this the page is taken as level
MIN_SLOPE_ASPECT = 3.0  # only lines this much wider than high say which way the page slopes
TABLE_ALIGNED = 0.6  # share of a block's lines with a partner on the same row in another column
TABLE_WIDTH = 1.5  # table cells are narrow: median line width under this x the column gap


@dataclass(frozen=True, slots=True)
class _Placed:
    """A line's box on the levelled page, in pixel-proportional units (x of the page
    width on both axes)."""

    line: Line
    left: float
    top: float
    right: float
    bottom: float

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def in_reading_order(lines: list[Line], aspect: float = 1.0) -> list[Line]:
    """`aspect` is the page's height over its width, so that page-relative geometry
    measures the same along both axes."""
    if len(lines) < 2:
        return list(lines)
    angle = page_skew(lines, aspect)
    placed = [_place(line, aspect, angle) for line in lines]
    height = statistics.median(p.bottom - p.top for p in placed)
    groups = _order(placed, {"y": ROW_GAP * height, "x": COLUMN_GAP * height})
    return [_joined([p.line for p in group]) for group in groups]


def page_skew(lines: list[Line], aspect: float = 1.0) -> float:
    """The median slope of the lines' top edges (radians, clockwise positive), from
    lines long enough to show it; 0 when the page is level or nothing shows it."""
    slopes = []
    for line in lines:
        polygon = line.geometry.polygon
        if len(polygon) != 4:
            continue
        top_left, top_right, _, bottom_left = polygon
        dx = top_right.x - top_left.x
        dy = (top_right.y - top_left.y) * aspect
        height = math.hypot(bottom_left.x - top_left.x, (bottom_left.y - top_left.y) * aspect)
        if dx > 0 and math.hypot(dx, dy) >= MIN_SLOPE_ASPECT * height:
            slopes.append(math.atan2(dy, dx))
    if not slopes:
        return 0.0
    angle = statistics.median(slopes)
    return angle if abs(angle) >= MIN_SKEW else 0.0


def _place(line: Line, aspect: float, angle: float) -> _Placed:
    box = line.geometry.box
    corners = [(p.x, p.y) for p in line.geometry.polygon] or [
        (box.left, box.top),
        (box.right, box.bottom),
    ]
    cos, sin = math.cos(angle), math.sin(angle)
    # turned by -angle (y scaled to x units first): the sloping lines become level
    xs = [x * cos + y * aspect * sin for x, y in corners]
    ys = [-x * sin + y * aspect * cos for x, y in corners]
    return _Placed(line, min(xs), min(ys), max(xs), max(ys))


def _order(lines: list[_Placed], gaps: dict[str, float]) -> list[list[_Placed]]:
    """The lines in reading order, each in a group of its own except a table row's cells,
    which are grouped to become one line."""
    if len(lines) < 2:
        return [[line] for line in lines]
    for axis, gap in gaps.items():
        parts = _split(lines, axis, gap)
        if len(parts) > 1:
            if axis == "x" and _is_table(parts):
                return _rows(lines)
            return [group for part in parts for group in _order(part, gaps)]
    return [[line] for row in _rows(lines) for line in row]


def _is_table(columns: list[list[_Placed]]) -> bool:
    """Columns are a table's when most of their lines share a row with a line of another
    column and the lines are narrow beside the white between the columns; prose columns
    share rows too, but their lines are much wider than the gutter."""
    gutters = [
        min(p.left for p in right) - max(p.right for p in left)
        for left, right in itertools.pairwise(columns)
    ]
    widths = [p.right - p.left for column in columns for p in column]
    if statistics.median(widths) >= TABLE_WIDTH * statistics.median(gutters):
        return False
    aligned = 0
    for index, column in enumerate(columns):
        others = [p for i, c in enumerate(columns) if i != index for p in c]
        aligned += sum(any(o.top <= p.middle <= o.bottom for o in others) for p in column)
    return aligned >= TABLE_ALIGNED * len(widths)


def _rows(lines: list[_Placed]) -> list[list[_Placed]]:
    """Lines that overlap in height as one row, read left to right: a line joins the row
    when its middle lies within the row's first line."""
    rows: list[list[_Placed]] = []
    for line in sorted(lines, key=lambda line: line.middle):
        anchor = rows[-1][0] if rows else None
        if anchor is not None and anchor.top <= line.middle <= anchor.bottom:
            rows[-1].append(line)
        else:
            rows.append([line])
    return [sorted(row, key=lambda x: x.left) for row in rows]


def _joined(lines: list[Line]) -> Line:
    """A table row's cells as one line ("Glucose 115 mg/dL 70-99 H"), so the document
    text keeps each test with its own value; the words stay as read."""
    if len(lines) == 1:
        return lines[0]
    words = [word for line in lines for word in line.words]
    return Line(
        text=" ".join(line.text for line in lines),
        geometry=Geometry.enclosing([line.geometry for line in lines]),
        confidence=statistics.fmean(line.confidence for line in lines),
        words=words,
    )


def _split(lines: list[_Placed], axis: str, gap: float) -> list[list[_Placed]]:
    """Groups separated by bands of at least `gap` that no line crosses."""
    parts: list[list[_Placed]] = []
    reach = float("-inf")
    for line in sorted(lines, key=lambda line: _span(line, axis)[0]):
        start, end = _span(line, axis)
        if not parts or start - reach >= gap:
            parts.append([])
        parts[-1].append(line)
        reach = max(reach, end)
    return parts


def _span(line: _Placed, axis: str) -> tuple[float, float]:
    return (line.top, line.bottom) if axis == "y" else (line.left, line.right)
