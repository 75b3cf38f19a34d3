"""Lab tables on a tilted photo: each row of the table holds one test with its own value,
unit, range and flag, as the words sit along the page's slope (the OCR's lines join a
row's left end with the row below's right end, and a line's box is level)."""

from __future__ import annotations

from meddoc.geometry import Geometry
from meddoc.local.structure import analyse_page
from meddoc.model import Line, Page, Table, Word

COLUMNS = (0.10, 0.40, 0.52, 0.64, 0.78)  # left of test, result, units, reference, flag
TABLE = [
    ["Test", "Result", "Units", "Reference", "Flag"],
    ["Chemistry"],
    ["Glucose", "89", "mg/dL", "70-99", ""],
    ["Creatinine", "1.01", "mg/dL", "0.60-1.20", ""],
    ["Sodium", "136", "mmol/L", "135-145", ""],
    ["Hemoglobin", "10.1", "g/dL", "12.0-16.0", "L"],
    ["Platelets", "491", "K/uL", "150-400", "H"],
]
HEIGHT = 0.018  # a word's height (page widths)
PITCH = 0.024  # from one row to the next
WIDTH = 0.012  # a character's width


def _word(text: str, row: int, column: int, slope: float) -> Word:
    left = COLUMNS[column] - (0.005 if row == 1 else 0.0)
    top = 0.3 + row * PITCH + slope * (left - COLUMNS[0])
    return Word(text, Geometry.from_box(left, top, WIDTH * len(text), HEIGHT), 0.95)


def _line(cells: list[tuple[int, int]], slope: float) -> Line:
    """One OCR line holding these (row, column) cells, each cell's words where the
    tilted page puts them; the line's own box is level."""
    words: list[Word] = []
    for row, column in cells:
        text = TABLE[row][column]
        words += [_word(part, row, column, slope) for part in text.split()]
    return Line(
        " ".join(w.text for w in words),
        Geometry.enclosing([w.geometry for w in words]),
        0.95,
        words,
    )


def _cells(row: int) -> list[tuple[int, int]]:
    return [(row, column) for column, text in enumerate(TABLE[row]) if text]


def tilted_page(slope: float) -> Page:
    """Read as an OCR reads a photo rising to the right: each row one line, except the
    last two tests, whose values come on a line of their own before the test's name
    (the right end of a row sits higher than its left end)."""
    lines = [_line(_cells(row), slope) for row in range(0, 5)]
    for row in (5, 6):
        lines.append(_line([c for c in _cells(row) if c[1] > 0], slope))
        lines.append(_line([(row, 0)], slope))
    return Page(number=1, lines=lines, width=1000, height=1000)


def rows_of(table: Table) -> list[list[str]]:
    return [[c.text for c in table.row(r)] for r in range(1, table.rows + 1)]


def test_given_a_tilted_lab_table_then_each_test_keeps_its_own_value_unit_range_flag() -> None:
    page = tilted_page(slope=-0.04)

    analyse_page(page)

    (table,) = page.tables
    rows = rows_of(table)
    assert rows[0] == ["Test", "Result", "Units", "Reference", "Flag"]
    assert ["Chemistry", "", "", "", ""] in rows
    for row in TABLE[2:]:
        assert row in rows
    assert table.rows == len(TABLE)


def test_given_a_level_table_with_values_read_before_their_test_then_rows_pair_them() -> None:
    page = tilted_page(slope=0.0)

    analyse_page(page)

    (table,) = page.tables
    for row in TABLE[2:]:
        assert row in rows_of(table)
