"""AnalyzeDocument's structure blocks (KEY_VALUE_SET, TABLE/CELL/MERGED_CELL/TABLE_TITLE,
SELECTION_ELEMENT, LAYOUT_*) into each page's fields, tables, checkboxes and layout."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from meddoc.aws.textract_blocks import Block, confidence, geometry, has_geometry, related
from meddoc.model import (
    Cell,
    Field,
    FieldPart,
    LayoutBlock,
    LayoutKind,
    Page,
    Selection,
    SelectionStatus,
    Table,
    WordRef,
)

_LAYOUT_KINDS = {f"LAYOUT_{kind.value}": kind for kind in LayoutKind}


@dataclass(frozen=True, slots=True)
class _Words:
    """Where each WORD and LINE block sits on its page, as parse_textract built them."""

    words: dict[str, tuple[int, WordRef]]  # WORD id -> (page, reference)
    lines: dict[str, tuple[int, int]]  # LINE id -> (page, line index)
    blocks: dict[str, Block]

    def refs(self, ids: list[str], page: int) -> list[WordRef]:
        """The references of the words among `ids` that are on that page's lines."""
        found = (self.words.get(ident) for ident in ids)
        return [ref for where in found if where and where[0] == page for ref in [where[1]]]

    def text(self, ids: list[str]) -> str:
        texts = (self.blocks.get(ident, {}) for ident in ids)
        return " ".join(str(b.get("Text", "")) for b in texts if b.get("BlockType") == "WORD")


def add_structure(
    pages: list[Page], blocks: dict[str, Block], line_ids: dict[int, list[str]]
) -> None:
    """Fill each page's fields, tables, selections and layout from the blocks. Blocks of
    a page the detection does not have, or references to missing blocks, are skipped:
    a partial result gives less structure, never an error, and the lines stay as read."""
    by_number = {page.number: page for page in pages}
    where = _where(blocks, line_ids)
    page_of = _pages_of(blocks)
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for ident, block in blocks.items():
        page = by_number.get(page_of.get(ident, 1))
        if page is None:
            continue
        kind = block.get("BlockType")
        if kind == "KEY_VALUE_SET" and "KEY" in (block.get("EntityTypes") or []):
            counts[page.number, "f"] += 1
            page.fields.append(_field(block, where, page.number, counts[page.number, "f"]))
        elif kind == "TABLE":
            counts[page.number, "t"] += 1
            page.tables.append(_table(block, where, page.number, counts[page.number, "t"]))
        elif kind == "SELECTION_ELEMENT":
            page.selections.append(Selection(_status(block), geometry(block), confidence(block)))
    for number, layout in _layouts(blocks, where, page_of).items():
        if number in by_number:
            by_number[number].layout = layout


def _where(blocks: dict[str, Block], line_ids: dict[int, list[str]]) -> _Words:
    words: dict[str, tuple[int, WordRef]] = {}
    lines: dict[str, tuple[int, int]] = {}
    for number, ids in line_ids.items():
        for line_index, line_id in enumerate(ids):
            lines[line_id] = (number, line_index)
            word_ids = [c for c in related(blocks[line_id]) if _type(blocks, c) == "WORD"]
            for word_index, word_id in enumerate(word_ids):
                words.setdefault(word_id, (number, WordRef(line_index, word_index)))
    return _Words(words, lines, blocks)


def _pages_of(blocks: dict[str, Block]) -> dict[str, int]:
    """The page of every block that says it (async "Page") or that a PAGE block lists
    (sync); the rest are on page 1, as a single-page sync response is."""
    pages: dict[str, int] = {}
    ordinal = 0
    for ident, block in blocks.items():
        if block.get("BlockType") == "PAGE":
            ordinal += 1
            number = int(block.get("Page") or ordinal)
            pages[ident] = number
            for child in related(block):
                pages.setdefault(child, number)
        if block.get("Page"):
            pages[ident] = int(block["Page"])
    return pages


def _type(blocks: dict[str, Block], ident: str) -> str:
    return str(blocks.get(ident, {}).get("BlockType", ""))


def _status(block: Block) -> SelectionStatus:
    selected = block.get("SelectionStatus") == SelectionStatus.SELECTED.value
    return SelectionStatus.SELECTED if selected else SelectionStatus.NOT_SELECTED


def _selection(ids: list[str], blocks: dict[str, Block]) -> SelectionStatus | None:
    """The state of the one checkbox among `ids`; None without one, or with several
    (a cell holding "Yes [x] No [ ]": each mark is still in Page.selections)."""
    marks = [blocks[i] for i in ids if _type(blocks, i) == "SELECTION_ELEMENT"]
    return _status(marks[0]) if len(marks) == 1 else None


def _part(block: Block | None, where: _Words, page: int) -> FieldPart:
    if block is None:
        return FieldPart(text="")
    children = related(block)
    return FieldPart(
        text=where.text(children),
        words=where.refs(children, page),
        geometry=geometry(block) if has_geometry(block) else None,
    )


def _field(key: Block, where: _Words, page: int, number: int) -> Field:
    """A KEY block and the VALUE it points to; a key without a value (a relationship
    missing from a partial result) keeps an empty value."""
    value_ids = [i for i in related(key, "VALUE") if i in where.blocks]
    value = where.blocks[value_ids[0]] if value_ids else None
    return Field(
        id=f"p{page}.f{number}",
        key=_part(key, where, page),
        value=_part(value, where, page),
        confidence=confidence(key),
        selection=_selection(related(value), where.blocks) if value else None,
    )


def _table(block: Block, where: _Words, page: int, number: int) -> Table:
    blocks = where.blocks
    merged = [blocks[i] for i in related(block, "MERGED_CELL") if i in blocks]
    covered = {child for m in merged for child in related(m)}
    cell_blocks = [blocks[i] for i in related(block) if _type(blocks, i) == "CELL"]
    cells = [_cell(c, [c], where, page) for c in cell_blocks if c["Id"] not in covered]
    for m in merged:
        children = [blocks[i] for i in related(m) if _type(blocks, i) == "CELL"]
        cells.append(_cell(m, children, where, page))
    cells = sorted((c for c in cells if c.row > 0 and c.column > 0), key=_position)
    titles = [blocks[i] for i in related(block, "TABLE_TITLE") if i in blocks]
    return Table(
        id=f"p{page}.t{number}",
        geometry=geometry(block, [c.geometry for c in cells if c.geometry]),
        confidence=confidence(block),
        rows=max((c.row + c.row_span - 1 for c in cells), default=0),
        columns=max((c.column + c.column_span - 1 for c in cells), default=0),
        cells=cells,
        title=" ".join(t for t in (_title(b, where) for b in titles) if t),
    )


def _position(cell: Cell) -> tuple[int, int]:
    return cell.row, cell.column


def _cell(block: Block, parts: list[Block], where: _Words, page: int) -> Cell:
    """A CELL, or a MERGED_CELL with the words of the cells it joins (in their order)."""
    children = [child for part in parts for child in related(part)]
    kinds = {kind for b in [block, *parts] for kind in b.get("EntityTypes") or []}
    return Cell(
        row=int(block.get("RowIndex") or 0),
        column=int(block.get("ColumnIndex") or 0),
        text=where.text(children),
        words=where.refs(children, page),
        geometry=geometry(block) if has_geometry(block) else None,
        confidence=confidence(block),
        row_span=max(1, int(block.get("RowSpan") or 1)),
        column_span=max(1, int(block.get("ColumnSpan") or 1)),
        header="COLUMN_HEADER" in kinds,
        selection=_selection(children, where.blocks),
    )


def _title(block: Block, where: _Words) -> str:
    return where.text(related(block)) or str(block.get("Text", ""))


def _layouts(
    blocks: dict[str, Block], where: _Words, page_of: dict[str, int]
) -> dict[int, list[LayoutBlock]]:
    """LAYOUT_* blocks per page in the PAGE block's child order (Textract's reading
    order), those no PAGE lists after them in block order. Blocks inside a LAYOUT_LIST
    (its items) give their lines to the list instead of standing alone, so no line is
    read twice."""
    listed = [
        child for b in blocks.values() if b.get("BlockType") == "PAGE" for child in related(b)
    ]
    ordered = [i for i in dict.fromkeys([*listed, *blocks]) if _type(blocks, i) in _LAYOUT_KINDS]
    nested = {child for i in ordered for child in related(blocks[i])}
    layouts: dict[int, list[LayoutBlock]] = defaultdict(list)
    for ident in ordered:
        if ident not in nested:
            number = page_of.get(ident, 1)
            layouts[number].append(_layout_block(blocks[ident], where, number))
    return layouts


def _layout_block(block: Block, where: _Words, number: int) -> LayoutBlock:
    lines: list[int] = []
    for child in related(block):
        kind = _type(where.blocks, child)
        items = related(where.blocks[child]) if kind in _LAYOUT_KINDS else [child]
        lines += [
            where.lines[i][1] for i in items if i in where.lines and where.lines[i][0] == number
        ]
    return LayoutBlock(
        kind=_LAYOUT_KINDS[block["BlockType"]],
        geometry=geometry(block),
        confidence=confidence(block),
        lines=list(dict.fromkeys(lines)),
    )
