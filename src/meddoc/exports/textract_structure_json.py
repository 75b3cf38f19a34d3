"""A page's structure as AnalyzeDocument blocks (KEY_VALUE_SET, SELECTION_ELEMENT, TABLE,
CELL, MERGED_CELL, TABLE_TITLE, LAYOUT_*), linked to the page's WORD and LINE blocks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from meddoc.model import (
    Cell,
    Field,
    FieldPart,
    Geometry,
    LayoutBlock,
    LayoutKind,
    Page,
    Selection,
    SelectionStatus,
    Table,
    WordRef,
)

Ident = Callable[..., str]  # block id from a path: (page, part, ...)
BlockMaker = Callable[[str, str, Geometry, float, dict[str, list[str]]], dict[str, Any]]
_NO_PLACE = Geometry.from_box(0.0, 0.0, 0.0, 0.0)


class PageStructure:
    """The structure blocks of one page; `top_level` are the ids its PAGE block lists."""

    def __init__(self, page: Page, ident: Ident, make: BlockMaker) -> None:
        self.page, self.ident, self.make = page, ident, make
        self.blocks: list[dict[str, Any]] = []
        self.top_level: list[str] = []
        self._marks = _Marks(page.selections, ident, page.number)

    def build(self) -> list[dict[str, Any]]:
        for block in self.page.layout:
            self._layout(block)
        for n, field in enumerate(self.page.fields, start=1):
            self._field(field, n)
        for n, table in enumerate(self.page.tables, start=1):
            self._table(table, n)
        return [*self._marks.blocks(self.make), *self.blocks]

    def word_ids(self, refs: list[WordRef]) -> list[str]:
        lines = self.page.lines
        return [
            self.ident(self.page.number, r.line, r.word)
            for r in refs
            if 0 <= r.line < len(lines) and 0 <= r.word < len(lines[r.line].words)
        ]

    def _words_geometry(self, refs: list[WordRef]) -> Geometry | None:
        lines = self.page.lines
        parts = [
            lines[r.line].words[r.word].geometry
            for r in refs
            if 0 <= r.line < len(lines) and 0 <= r.word < len(lines[r.line].words)
        ]
        return Geometry.enclosing(parts) if parts else None

    def _add(self, block: dict[str, Any], top: bool = False) -> dict[str, Any]:
        self.blocks.append(block)
        if top:
            self.top_level.append(block["Id"])
        return block

    def _field(self, field: Field, n: int) -> None:
        key_id, value_id = (
            self.ident(self.page.number, "f", n),
            self.ident(self.page.number, "v", n),
        )
        key_place = self._place(field.key)
        value_place = self._place(field.value) or _beside(key_place)
        value_children = self.word_ids(field.value.words)
        if field.selection is not None:
            value_children.append(self._marks.take(field.selection, value_place))
        key = self.make(
            "KEY_VALUE_SET",
            key_id,
            key_place or _NO_PLACE,
            field.confidence,
            {
                "VALUE": [value_id],
                "CHILD": self.word_ids(field.key.words),
            },
        )
        value = self.make(
            "KEY_VALUE_SET", value_id, value_place, field.confidence, {"CHILD": value_children}
        )
        key["EntityTypes"], value["EntityTypes"] = ["KEY"], ["VALUE"]
        self._add(key, top=True)
        self._add(value, top=True)

    def _place(self, part: FieldPart) -> Geometry | None:
        return part.geometry or self._words_geometry(part.words)

    def _table(self, table: Table, n: int) -> None:
        number = self.page.number
        table_id = self.ident(number, "t", n)
        grid = _Grid(table)
        cell_ids: list[str] = []
        merged_ids: list[str] = []
        for row in range(1, table.rows + 1):
            for column in range(1, table.columns + 1):
                cell_ids.append(self._grid_cell(table_id, grid, row, column))
        for cell in table.cells:
            if cell.row_span > 1 or cell.column_span > 1:
                merged_ids.append(self._merged(table_id, grid, cell))
        relations = {"CHILD": cell_ids, "MERGED_CELL": merged_ids}
        if table.title:
            relations["TABLE_TITLE"] = [self._title(table_id, table)]
        self._add(self.make("TABLE", table_id, table.geometry, table.confidence, relations), True)

    def _grid_cell(self, table_id: str, grid: _Grid, row: int, column: int) -> str:
        """One CELL block per grid position; a merged cell's words and mark go in the
        first position it covers (parsing joins its cells' words in order)."""
        ident = self.ident(table_id, row, column)
        cell = grid.table.cell(row, column)
        first = cell is not None and (cell.row, cell.column) == (row, column)
        children: list[str] = []
        if cell is not None and first:
            children = self.word_ids(cell.words)
            if cell.selection is not None:
                children.append(self._marks.take(cell.selection, grid.place(cell)))
        place = grid.place(cell) if cell and cell.row_span == cell.column_span == 1 else None
        block = self.make(
            "CELL", ident, place or grid.slot(row, column), _confidence(cell), {"CHILD": children}
        )
        block.update(RowIndex=row, ColumnIndex=column, RowSpan=1, ColumnSpan=1)
        if cell is not None and cell.header:
            block["EntityTypes"] = ["COLUMN_HEADER"]
        self._add(block)
        return ident

    def _merged(self, table_id: str, grid: _Grid, cell: Cell) -> str:
        ident = self.ident(table_id, "m", cell.row, cell.column)
        covered = [
            self.ident(table_id, r, c)
            for r in range(cell.row, cell.row + cell.row_span)
            for c in range(cell.column, cell.column + cell.column_span)
            if r <= grid.table.rows and c <= grid.table.columns
        ]
        block = self.make(
            "MERGED_CELL", ident, grid.place(cell), cell.confidence, {"CHILD": covered}
        )
        block.update(
            RowIndex=cell.row,
            ColumnIndex=cell.column,
            RowSpan=cell.row_span,
            ColumnSpan=cell.column_span,
        )
        if cell.header:
            block["EntityTypes"] = ["COLUMN_HEADER"]
        self._add(block)
        return ident

    def _title(self, table_id: str, table: Table) -> str:
        """TABLE_TITLE with the words of the line(s) reading as the title, when there are
        such lines; else the title as its text."""
        ident = self.ident(table_id, "title")
        refs = _title_words(self.page, table.title)
        place = self._words_geometry(refs) or table.geometry
        block = self.make(
            "TABLE_TITLE", ident, place, table.confidence, {"CHILD": self.word_ids(refs)}
        )
        if not refs:
            block["Text"] = table.title
        self._add(block)
        return ident

    def _layout(self, layout: LayoutBlock) -> None:
        number = self.page.number
        lines = [i for i in layout.lines if 0 <= i < len(self.page.lines)]
        ident = self.ident(number, "layout", len(self.top_level))
        children = [self.ident(number, i) for i in lines]
        if layout.kind is LayoutKind.LIST:
            # A list's children are its items (LAYOUT_TEXT), as Textract gives them.
            items = [self.ident(ident, i) for i in lines]
            children, pending = items, list(zip(items, lines, strict=True))
        else:
            pending = []
        kind = f"LAYOUT_{layout.kind.value}"
        self._add(
            self.make(kind, ident, layout.geometry, layout.confidence, {"CHILD": children}), True
        )
        for item, line in pending:
            geometry = self.page.lines[line].geometry
            block = self.make(
                "LAYOUT_TEXT",
                item,
                geometry,
                layout.confidence,
                {"CHILD": [self.ident(number, line)]},
            )
            self._add(block, top=True)


class _Grid:
    """Places for the cells of a table: their own geometry, else an even share of the
    table's box (an offline table may not know each cell's outline)."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def place(self, cell: Cell) -> Geometry:
        if cell.geometry is not None:
            return cell.geometry
        return self.slot(cell.row, cell.column, cell.row_span, cell.column_span)

    def slot(self, row: int, column: int, rows: int = 1, columns: int = 1) -> Geometry:
        box = self.table.geometry.box
        width = box.width / max(1, self.table.columns)
        height = box.height / max(1, self.table.rows)
        return Geometry.from_box(
            box.left + (column - 1) * width,
            box.top + (row - 1) * height,
            width * columns,
            height * rows,
        )


class _Marks:
    """SELECTION_ELEMENT blocks: every mark of the page, each field or cell with a state
    pointing at the nearest mark of that state (a mark made for it when there is none)."""

    def __init__(self, selections: list[Selection], ident: Ident, page: int) -> None:
        self.selections = list(selections)
        self.ids = [ident(page, "s", n) for n in range(len(selections))]
        self.used: set[int] = set()
        self.ident, self.page = ident, page

    def take(self, status: SelectionStatus, place: Geometry) -> str:
        free = [
            i for i, s in enumerate(self.selections) if s.status is status and i not in self.used
        ]
        if not free:
            self.selections.append(Selection(status, place, 1.0))
            self.ids.append(self.ident(self.page, "s", len(self.ids)))
            free = [len(self.selections) - 1]
        nearest = min(free, key=lambda i: _distance(self.selections[i].geometry, place))
        self.used.add(nearest)
        return self.ids[nearest]

    def blocks(self, make: BlockMaker) -> list[dict[str, Any]]:
        blocks = []
        for ident, mark in zip(self.ids, self.selections, strict=True):
            block = make("SELECTION_ELEMENT", ident, mark.geometry, mark.confidence, {})
            block["SelectionStatus"] = mark.status.value
            blocks.append(block)
        return blocks


def _distance(a: Geometry, b: Geometry) -> float:
    ax, ay = a.box.left + a.box.width / 2, a.box.top + a.box.height / 2
    bx, by = b.box.left + b.box.width / 2, b.box.top + b.box.height / 2
    return (ax - bx) ** 2 + (ay - by) ** 2


def _beside(key: Geometry | None) -> Geometry:
    """An empty value's place: a sliver just right of its label."""
    if key is None:
        return _NO_PLACE
    box = key.box
    return Geometry.from_box(min(1.0, box.right), box.top, 0.0, box.height)


def _confidence(cell: Cell | None) -> float:
    return cell.confidence if cell is not None else 0.0


def _title_words(page: Page, title: str) -> list[WordRef]:
    """The words of the consecutive lines whose text, joined, is the title."""
    wanted = " ".join(title.split())
    for start in range(len(page.lines)):
        text = ""
        for end in range(start, len(page.lines)):
            text = f"{text} {page.lines[end].text}".strip()
            if text == wanted:
                return [
                    WordRef(i, w)
                    for i in range(start, end + 1)
                    for w in range(len(page.lines[i].words))
                ]
            if len(text) >= len(wanted) or not wanted.startswith(text):
                break
    return []
