"""Tables without rulings, from how words line up: runs of rows cut into two or more
cells at wide gaps, whose cells fall into shared column bands. A lone cell inside the
run (a group heading such as "Chemistry") is a row of its own; a first row of words
without figures above rows with figures is the header."""

from __future__ import annotations

import itertools
import re
import statistics
from dataclasses import dataclass, field

from meddoc.local.structure.fields import is_key
from meddoc.local.structure.levelling import levelled_rows
from meddoc.local.structure.words import Chunk, Row, chunks

ROW_GAP = 2.5  # x word height: a wider vertical gap ends the table
MIN_ROWS = 2  # rows of two or more cells a table needs
LONE_WORDS = 20  # a single-cell row inside a table holds at most this many words
CURRENCY = frozenset("$€£¥")
JOINING = frozenset(
    {"of", "and", "or", "the", "to", "for", "in", "de", "y", "o", "la", "el", "en"}
)
_FIGURE = re.compile(r"\d")


@dataclass(slots=True)
class FoundCell:
    row: int  # 1-based, as the model
    column: int
    chunks: list[Chunk]
    column_span: int = 1


@dataclass(slots=True)
class FoundTable:
    rows: list[int]  # indices into the page's rows
    columns: int
    cells: list[FoundCell] = field(default_factory=list)
    header_rows: int = 0
    row_count: int = 0  # the table's rows (a ruled cell may hold several rows of text)


def find_tables(rows: list[Row], height: float, taken: set[int] | None = None) -> list[FoundTable]:
    """Tables among the rows not `taken` (by ruled tables)."""
    parts = [_with_currency(chunks(list(row.tokens), height)) for row in rows]
    tables: list[FoundTable] = []
    taken = taken or set()
    for run in _runs(rows, parts, height, taken):
        around = _with_neighbours(run, rows, parts, height, taken)
        table = _levelled_table(rows, around, height) or _table(run, [parts[i] for i in run])
        if table is not None:
            tables.append(table)
    return tables


def _levelled_table(rows: list[Row], run: list[int], height: float) -> FoundTable | None:
    """The table of a run of rows read along the page's slope (a photo), or None when
    the page's rows fit as well (see levelled_rows)."""
    levelled = levelled_rows([rows[i] for i in run], height)
    if levelled is None:
        return None
    cut = [_with_currency(chunks(list(row.tokens), height)) for row in levelled]
    while cut and len(cut[-1]) < 2:
        cut.pop()
    while cut and len(cut[0]) < 2:
        cut.pop(0)
    lines = {t.ref.line for row in cut for chunk in row for t in chunk.tokens}
    used = [i for i in run if lines & set(rows[i].lines)]
    return _table(used, cut) if cut else None


def _with_neighbours(
    run: list[int], rows: list[Row], parts: list[list[Chunk]], height: float, taken: set[int]
) -> list[int]:
    """The run with the lone rows right before and after it: on a tilted page a table's
    last test name may stand alone on the page's row below its values."""
    around = list(run)
    before, after = run[0] - 1, run[-1] + 1
    if before >= 0 and _lone_beside(
        rows, parts, before, taken, rows[before], rows[run[0]], height
    ):
        around.insert(0, before)
    if after < len(rows) and _lone_beside(
        rows, parts, after, taken, rows[run[-1]], rows[after], height
    ):
        around.append(after)
    return around


def _lone_beside(
    rows: list[Row],
    parts: list[list[Chunk]],
    index: int,
    taken: set[int],
    upper: Row,
    lower: Row,
    height: float,
) -> bool:
    close = lower.top - upper.bottom <= ROW_GAP * height
    return index not in taken and close and _kind(rows[index], parts[index]) == "lone"


def _runs(
    rows: list[Row], parts: list[list[Chunk]], height: float, taken: set[int]
) -> list[list[int]]:
    """Runs of neighbouring rows that may be one table, lone cells trimmed off the ends."""
    runs: list[list[int]] = []
    current: list[int] = []
    for index, row in enumerate(rows):
        kind = "" if index in taken else _kind(row, parts[index])
        close = current and row.top - rows[current[-1]].bottom <= ROW_GAP * height
        if kind and (close or kind == "cells"):
            if not close:
                runs.append(current)
                current = []
            current.append(index)
        else:
            runs.append(current)
            current = []
    runs.append(current)
    trimmed = []
    for run in runs:
        while run and len(parts[run[-1]]) < 2:
            run.pop()
        while run and len(parts[run[0]]) < 2:
            run.pop(0)
        if sum(len(parts[i]) > 1 for i in run) >= MIN_ROWS:
            trimmed.append(run)
    return trimmed


def _with_currency(parts: list[Chunk]) -> list[Chunk]:
    """A currency sign belongs to the amount after it: set apart from it ("$   34,155")
    it joins it; close behind the amount before it ("34,155 $ 36,599") it starts a cell."""
    pieces: list[Chunk] = []
    for chunk in parts:
        start = 0
        for index, token in enumerate(chunk.tokens):
            if index > start and token.text in CURRENCY:
                pieces.append(Chunk(chunk.tokens[start:index]))
                start = index
        pieces.append(Chunk(chunk.tokens[start:]))
    joined: list[Chunk] = []
    for piece in pieces:
        if joined and joined[-1].text in CURRENCY:
            piece = Chunk(joined.pop().tokens + piece.tokens)
        joined.append(piece)
    return joined


def _kind(row: Row, parts: list[Chunk]) -> str:
    """ "cells" for a row of two or more cells, "lone" for one cell that may sit inside a
    table (a group heading, "OPERATING ACTIVITIES:", or a label's first line), "" for a
    row no table holds (a form field with its value)."""
    keys = [i for i, t in enumerate(row.tokens) if is_key(t)]
    if keys and keys != [len(row.tokens) - 1]:
        return ""
    if len(parts) > 1:
        return "" if keys else "cells"
    return "lone" if len(row.tokens) <= LONE_WORDS else ""


def _unwrapped(parts: list[list[Chunk]]) -> list[list[Chunk]]:
    """A label wrapped over two rows is one cell: a lone row whose next row goes on in
    lower case joins that row's first cell."""
    rows: list[list[Chunk]] = []
    for row in parts:
        first = row[0].tokens[0].text[:1]
        ending = rows[-1][-1].tokens[-1].text.lower() if rows else ""
        goes_on = first.islower() or ending in JOINING or ending.endswith(",")
        if rows and len(rows[-1]) == 1 and len(row) > 1 and goes_on:
            row = [Chunk(rows.pop()[0].tokens + row[0].tokens), *row[1:]]
        rows.append(row)
    return rows


def _table(run: list[int], parts: list[list[Chunk]]) -> FoundTable | None:
    bands = bands_of([p for p in parts if len(p) > 1])
    if len(bands) < 2 or _labels_over_values(parts) or not _has_figures(parts[1:]):
        return None
    parts = _unwrapped(parts)
    table = FoundTable(rows=run, columns=len(bands), row_count=len(parts))
    for number, row_parts in enumerate(parts, start=1):
        for chunk in row_parts:
            first, last = covered(chunk, bands)
            cell = table.cells[-1] if table.cells else None
            if cell is not None and cell.row == number and cell.column == first:
                cell.chunks.append(chunk)  # two chunks in one band: one cell
                continue
            table.cells.append(FoundCell(number, first, [chunk], last - first + 1))
    table.header_rows = 1 if is_header(table) else 0
    return table


def _has_figures(parts: list[list[Chunk]]) -> bool:
    """Rows lined up without a figure below the first are text set in columns (an
    address block, a list of options), not a table of values."""
    return any(_FIGURE.search(chunk.text) for row in parts for chunk in row)


def _labels_over_values(parts: list[list[Chunk]]) -> bool:
    """Rows of labels, each over a row of values (an ID card, a boxed form), line up like
    a table's but are fields: at least two such label rows, and no fewer than 40 % of
    the rows without a figure."""
    wordy = [not any(_is_figure(c.text) for c in row) for row in parts if len(row) > 1]
    over = sum(a and not b for a, b in itertools.pairwise(wordy))
    return over >= 2 and sum(wordy) >= 0.4 * len(wordy)


def _is_figure(text: str) -> bool:
    """A value of figures ("03/18/2018", "115"), not a numbered label ("4a ISS")."""
    return bool(_FIGURE.search(text)) and not any(
        w.isalpha() and len(w) >= 3 for w in text.split()
    )


def bands_of(parts: list[list[Chunk]]) -> list[tuple[float, float]]:
    """Column bands: the union of overlapping cells of the rows with the most common
    number of cells or more (a wide cell of a sparse row must not merge two columns)."""
    common = statistics.median_low(len(p) for p in parts)
    spans = sorted((c.left, c.right) for p in parts if len(p) >= common for c in p)
    bands: list[tuple[float, float]] = []
    for left, right in spans:
        if bands and left <= bands[-1][1]:
            bands[-1] = (bands[-1][0], max(bands[-1][1], right))
        else:
            bands.append((left, right))
    return bands


def covered(chunk: Chunk, bands: list[tuple[float, float]]) -> tuple[int, int]:
    """The 1-based first and last band a chunk overlaps (the nearest when none)."""
    hit = [
        i for i, (left, right) in enumerate(bands) if chunk.left <= right and chunk.right >= left
    ]
    if not hit:
        middle = (chunk.left + chunk.right) / 2
        nearest = min(range(len(bands)), key=lambda i: abs(sum(bands[i]) / 2 - middle))
        hit = [nearest]
    return hit[0] + 1, hit[-1] + 1


def is_header(table: FoundTable) -> bool:
    first = [c for c in table.cells if c.row == 1]
    rest = [c for c in table.cells if c.row > 1]
    if len(first) < 2 or not rest:
        return False
    figures = any(_FIGURE.search(ch.text) for c in first for ch in c.chunks)
    return not figures and any(_FIGURE.search(ch.text) for c in rest for ch in c.chunks)
