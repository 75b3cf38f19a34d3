"""Lab rows from where a results section's lines sit on the page, for text read without
tables: a reader that follows columns gives every test name, then every result...; the
lines' boxes put each value back beside its test, on skewed pages too."""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

from meddoc.model import Document, Line
from meddoc.model_structure import SectionKind, Structure
from meddoc.structure.labs import LabRow, line_row
from meddoc.structure.quantities import number

# Lines whose left edges are this close (page widths) are one column.
_COLUMN_GAP = 0.03
# A cell joins a row when its centre is within this share of a line's height of the
# row's last cell: rows drift a little from column to column on a skewed page.
_ROW_TOLERANCE = 0.6
# Lines this wide (page widths) show the page's tilt in their polygons.
_WIDE = 0.1


@dataclass
class _Row:
    y: float  # the centre of its last cell
    lines: list[Line] = field(default_factory=list)
    valued: bool = False  # it has a cell of the results column


def rows_by_position(document: Document, structure: Structure) -> list[LabRow]:
    """The rows of the results sections, each page's lines put in columns by their left
    edge and in rows by their height on the page, column after column."""
    rows: list[LabRow] = []
    for page in document.pages:
        lines = [
            line
            for line in page.lines
            if line.begin is not None
            and line.text.strip()
            and structure.kind_at(line.begin) is SectionKind.RESULTS
        ]
        if lines:
            rows += _page_rows(document.text, lines, _slope(page.lines))
    return rows


def _slope(lines: list[Line]) -> float:
    """How far text runs down per page width (a tilted photo), from the polygons of the
    page's wider lines; 0 when the lines carry none."""
    slopes = []
    for line in lines:
        polygon = line.geometry.polygon
        if line.geometry.box.width < _WIDE or len(polygon) < 2:
            continue
        run = polygon[1].x - polygon[0].x
        if run > 0:
            slopes.append((polygon[1].y - polygon[0].y) / run)
    return median(slopes) if slopes else 0.0


def _page_rows(text: str, lines: list[Line], slope: float) -> list[LabRow]:
    tolerance = _ROW_TOLERANCE * median(line.geometry.box.height for line in lines)

    def _centre(line: Line) -> float:
        # Where the line would be on an upright page: rows compare across columns.
        box = line.geometry.box
        return box.top + box.height / 2 - slope * (box.left + box.width / 2)

    grouped: list[_Row] = []
    for index, column in enumerate(_columns(lines)):
        taken: set[int] = set()
        # Past the results, only rows with a result take cells: a panel's heading
        # ("Lipid panel") sits just above its first row on a tilted page.
        results = sum(number(line.text) is not None for line in column) * 2 > len(column)
        open_rows = {n for n, row in enumerate(grouped) if index == 0 or results or row.valued}
        for line in sorted(column, key=_centre):
            near = [
                (abs(row.y - _centre(line)), n)
                for n, row in enumerate(grouped)
                if n not in taken and n in open_rows
            ]
            distance, chosen = min(near, default=(tolerance, -1))
            if chosen < 0 or distance >= tolerance:
                grouped.append(_Row(_centre(line), [line]))
                continue
            taken.add(chosen)
            grouped[chosen].lines.append(line)
            grouped[chosen].y = _centre(line)
            grouped[chosen].valued |= results
    found = []
    for row in grouped:
        spans = [(line.begin or 0, (line.begin or 0) + len(line.text)) for line in row.lines]
        written = " ".join(text[begin:end] for begin, end in spans)
        lab = line_row(written, spans[0][0])
        if lab is not None:
            lab.spans = spans
            lab.begin, lab.end = min(b for b, _ in spans), max(e for _, e in spans)
            found.append(lab)
    return sorted(found, key=lambda r: r.begin)


def _columns(lines: list[Line]) -> list[list[Line]]:
    columns: list[list[Line]] = []
    for line in sorted(lines, key=lambda line: line.geometry.box.left):
        if columns and line.geometry.box.left - _left(columns[-1]) < _COLUMN_GAP:
            columns[-1].append(line)
        else:
            columns.append([line])
    return columns


def _left(column: list[Line]) -> float:
    return sum(line.geometry.box.left for line in column) / len(column)
