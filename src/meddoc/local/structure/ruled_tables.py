"""Tables inside ruled grids: each word goes to the cell its middle falls in, so a cell
may hold several rows of text; where the grid has rules in one direction only, the text
gives the other (its rows, or the bands its words line up in)."""

from __future__ import annotations

import bisect
from collections.abc import Callable

from meddoc.local.structure.rulings import Grid
from meddoc.local.structure.tables import FoundCell, FoundTable, bands_of, covered, is_header
from meddoc.local.structure.words import Chunk, Row, Token, chunks

Place = Callable[[Token], int]  # a word's row or column (0-based)

THINNEST_ROW = 0.6  # x word height: rules closer than this are one rule drawn twice


def ruled_tables(
    grids: list[Grid], rows: list[Row], height: float, scale: float
) -> list[FoundTable]:
    """`scale` turns page-width units into pixels of the image the grids were found in."""
    tables = []
    for grid in grids:
        inside = [i for i, row in enumerate(rows) if _inside(grid, row, scale)]
        table = _table(grid, [rows[i] for i in inside], height, scale)
        if table is not None:
            table.rows = inside
            tables.append(table)
    return tables


def _inside(grid: Grid, row: Row, scale: float) -> bool:
    held = [t for t in row.tokens if _holds(grid, t, scale)]
    return 2 * len(held) > len(row.tokens)


def _holds(grid: Grid, token: Token, scale: float) -> bool:
    x, y = (token.left + token.right) / 2 * scale, token.middle * scale
    return grid.left <= x <= grid.right and grid.top <= y <= grid.bottom


def _table(grid: Grid, rows: list[Row], height: float, scale: float) -> FoundTable | None:
    tokens = [t for row in rows for t in row.tokens if _holds(grid, t, scale)]
    if len(tokens) < 2:
        return None
    pixels = height * scale
    across = _dividers(grid.rows, grid.top, grid.bottom, pixels)
    down = _dividers(grid.columns, grid.left, grid.right, pixels)
    if down:
        lines = [d / scale for d in down]
        column_of: Place = lambda t: bisect.bisect(lines, (t.left + t.right) / 2)  # noqa: E731
        columns = len(down) + 1
    else:
        bands = bands_of([chunks(list(r.tokens), height) for r in rows])
        if len(bands) < 2:
            return None
        column_of = lambda t: covered(Chunk((t,)), bands)[0] - 1  # noqa: E731
        columns = len(bands)
    if across:
        rules = [d / scale for d in across]
        row_of: Place = lambda t: bisect.bisect(rules, t.middle)  # noqa: E731
        count = len(across) + 1
    else:
        lookup = {t.ref: number for number, row in enumerate(rows) for t in row.tokens}
        row_of = lambda t: lookup[t.ref]  # noqa: E731
        count = len(rows)
    return _filled(tokens, row_of, column_of, count, columns)


def _dividers(rules: tuple[int, ...], start: int, end: int, pixels: float) -> list[int]:
    """The inner rules: the grid's own edges off, rules drawn twice once."""
    inner: list[int] = []
    for rule in rules:
        if rule - start < THINNEST_ROW * pixels or end - rule < THINNEST_ROW * pixels:
            continue
        if inner and rule - inner[-1] < THINNEST_ROW * pixels:
            continue
        inner.append(rule)
    return inner


def _filled(
    tokens: list[Token], row_of: Place, column_of: Place, rows: int, columns: int
) -> FoundTable | None:
    cells: dict[tuple[int, int], list[Token]] = {}
    for token in tokens:
        key = (row_of(token), column_of(token))
        cells.setdefault(key, []).append(token)
    if len({column for _, column in cells}) < 2:
        return None
    table = FoundTable(rows=[], columns=columns, row_count=rows)
    for (row, column), held in sorted(cells.items()):
        ordered = tuple(sorted(held, key=lambda t: (t.ref.line, t.left)))
        table.cells.append(FoundCell(row + 1, column + 1, [Chunk(ordered)]))
    table.header_rows = 1 if is_header(table) else 0
    return table
