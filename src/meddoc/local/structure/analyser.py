"""A page's structure from its OCR lines and words and its image: form fields (with
checkboxes), tables, checkbox marks and layout blocks, in the model's terms."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from meddoc.local.structure.checkboxes import apart_from_letters, find_checkboxes
from meddoc.local.structure.fields import FoundField, find_fields
from meddoc.local.structure.layout import layout_blocks
from meddoc.local.structure.marks import checkbox_fields
from meddoc.local.structure.pairs import find_pairs
from meddoc.local.structure.ruled_tables import ruled_tables
from meddoc.local.structure.rulings import find_grids
from meddoc.local.structure.tables import FoundTable, find_tables
from meddoc.local.structure.words import (
    Row,
    Token,
    confidence_of,
    geometry_of,
    page_rows,
    page_tokens,
    print_height,
    word_height,
)
from meddoc.model import Cell, Field, FieldPart, Geometry, LayoutKind, Page, Table, WordRef


def analyse_page(page: Page, image: np.ndarray | None = None) -> None:
    """Fill the page's fields, tables, selections and layout (its lines are final: the
    word references point into them). Without an image there are no checkboxes."""
    tokens = page_tokens(page)
    height = word_height(tokens)
    if not height:
        return
    rows = page_rows(tokens)
    found_tables = _tables(rows, height, image)
    in_tables = {i for table in found_tables for i in table.rows}
    found_fields = find_fields(rows, height, in_tables)
    headings = _lone_labels(rows, found_fields)
    found_fields = [f for f in found_fields if min(f.rows) not in headings]
    # as Textract, a header over one row of values is a table and key-values too
    wide = {i for t in found_tables if t.columns > 2 and t.row_count > 2 for i in t.rows}
    taken = wide | headings | {i for f in found_fields for i in f.rows}
    found_fields += find_pairs(rows, height, taken)
    # checkboxes are as big as the form's print, which handwritten values overgrow
    printed = min(height, print_height(page) or height)
    if image is not None and page.width:
        marks = find_checkboxes(image, printed * image.shape[1])
        page.selections = apart_from_letters(marks, [w for line in page.lines for w in line.words])
    page.tables = [
        _table(page, rows, number, table) for number, table in enumerate(found_tables, start=1)
    ]
    boxes = checkbox_fields(page, tokens, page.selections, printed)
    # "Smoker: [x] No [ ] Yes" is two checkbox fields (as Textract reads it), not also a
    # text field whose value is the options' labels.
    options = {ref for box in boxes for ref in box.key.words}
    fields = [
        _field(page, f)
        for f in found_fields
        if not f.value or not {t.ref for t in f.value} <= options
    ]
    fields += boxes
    page.fields = [_numbered(page, number, f) for number, f in enumerate(fields, start=1)]
    known = {i: (LayoutKind.SECTION_HEADER, 0) for i in headings}
    known.update({i: (LayoutKind.KEY_VALUE, 0) for f in found_fields for i in f.rows})
    known.update(
        {i: (LayoutKind.TABLE, n) for n, t in enumerate(found_tables, start=1) for i in t.rows}
    )
    page.layout = layout_blocks(page, rows, known, height)


def _tables(rows: list[Row], height: float, image: np.ndarray | None) -> list[FoundTable]:
    """Ruled tables first (their cells may hold several rows of text), then tables from
    how the words of the other rows line up; in reading order."""
    ruled: list[FoundTable] = []
    if image is not None:
        scale = float(image.shape[1])
        ruled = ruled_tables(find_grids(image, height * scale), rows, height, scale)
    taken = {i for table in ruled for i in table.rows}
    found = ruled + find_tables(rows, height, taken)
    return sorted((t for t in found if t.rows), key=lambda t: min(t.rows))


def _lone_labels(rows: list[Row], fields: list[FoundField]) -> set[int]:
    """A label alone on its row with no value ("Emergency contact 1:") heads the fields
    below it; it is no field itself."""
    return {
        min(f.rows) for f in fields if not f.value and len(rows[min(f.rows)].tokens) == len(f.key)
    }


def _field(page: Page, found: FoundField) -> Field:
    key = _refs(found.key)
    value = _refs(found.value)
    return Field(
        id="",
        key=_part(page, " ".join(t.text for t in found.key), key),
        value=_part(page, " ".join(t.text for t in found.value), value),
        confidence=confidence_of(page, key + value),
    )


def _refs(tokens: Iterable[Token]) -> list[WordRef]:
    """The words of some tokens, each once (a word read as label and value is two)."""
    return list(dict.fromkeys(t.ref for t in tokens))


def _part(page: Page, text: str, refs: list[WordRef]) -> FieldPart:
    return FieldPart(text=text, words=refs, geometry=geometry_of(page, refs))


def _numbered(page: Page, number: int, field: Field) -> Field:
    field.id = f"p{page.number}.f{number}"
    return field


def _table(page: Page, rows: list[Row], number: int, found: FoundTable) -> Table:
    cells: list[Cell] = []
    for cell in found.cells:
        refs = _refs(t for chunk in cell.chunks for t in chunk.tokens)
        cells.append(
            Cell(
                row=cell.row,
                column=cell.column,
                text=" ".join(chunk.text for chunk in cell.chunks),
                words=refs,
                geometry=geometry_of(page, refs),
                confidence=confidence_of(page, refs),
                column_span=cell.column_span,
                header=cell.row <= found.header_rows,
            )
        )
    table = Table(
        id=f"p{page.number}.t{number}",
        geometry=Geometry.enclosing([c.geometry for c in cells if c.geometry is not None]),
        confidence=sum(c.confidence for c in cells) / len(cells),
        rows=found.row_count,
        columns=found.columns,
        cells=cells,
    )
    _fill_gaps(table, found.header_rows)
    return table


def _fill_gaps(table: Table, header_rows: int) -> None:
    """Every position of the grid has a cell, empty where nothing is written (as
    Textract gives them)."""
    for row in range(1, table.rows + 1):
        for column in range(1, table.columns + 1):
            if table.cell(row, column) is None:
                table.cells.append(
                    Cell(row=row, column=column, text="", header=row <= header_rows)
                )
    table.cells.sort(key=lambda c: (c.row, c.column))
