"""Layout blocks of a page in reading order: the letterhead (page 1's centred lines above
the title) and page headers/footers/numbers at the edges, the title, section headings,
tables, runs of form fields and paragraphs of text."""

from __future__ import annotations

from meddoc.local.structure.vocabulary import (
    is_page_number,
    is_section_heading,
    is_title,
    names_page,
)
from meddoc.local.structure.words import Row
from meddoc.model import Geometry, LayoutBlock, LayoutKind, Page

EDGE = 0.05  # share of the page height at the top and bottom that holds headers/footers
LETTERHEAD_REACH = 0.25  # the letterhead sits in this top share of page 1
CENTRED = 0.12  # a line whose middle is this close to the page's middle (x page width)
PARAGRAPH_GAP = 1.5  # x word height: a wider gap between two text rows starts a new block
HEADING_WORDS = 6


def layout_blocks(
    page: Page,
    rows: list[Row],
    known: dict[int, tuple[LayoutKind, int]],
    height: float,
) -> list[LayoutBlock]:
    """`known` holds what the analyser already knows of some rows: their kind (TABLE,
    KEY_VALUE, SECTION_HEADER) and a group (which table); the rest are told apart here.
    Neighbouring rows of one kind and group make one block (a table, a paragraph)."""
    labels = [known[i][0] if i in known else _kind(page, row) for i, row in enumerate(rows)]
    _letterhead(page, rows, labels)
    blocks: list[tuple[LayoutKind, int, list[int]]] = []
    for index, (row, kind) in enumerate(zip(rows, labels, strict=True)):
        group = known[index][1] if index in known else 0
        if blocks and _joins(blocks[-1], kind, group, row.top - rows[index - 1].bottom, height):
            blocks[-1][2].append(index)
        else:
            blocks.append((kind, group, [index]))
    return [_block(page, rows, kind, members) for kind, _, members in blocks]


def _joins(
    block: tuple[LayoutKind, int, list[int]],
    kind: LayoutKind,
    group: int,
    gap: float,
    height: float,
) -> bool:
    if block[0] != kind or block[1] != group:
        return False
    if kind in (LayoutKind.SECTION_HEADER, LayoutKind.TITLE, LayoutKind.PAGE_NUMBER):
        return False
    return kind is not LayoutKind.TEXT or gap <= PARAGRAPH_GAP * height


def _kind(page: Page, row: Row) -> LayoutKind:
    text = " ".join(t.text for t in row.tokens)
    line = page.lines[row.lines[0]].geometry.box
    if is_page_number(text):
        return LayoutKind.PAGE_NUMBER
    if names_page(text) or line.top >= 1 - EDGE:
        return LayoutKind.PAGE_FOOTER
    if line.bottom <= EDGE:
        return LayoutKind.PAGE_HEADER
    if is_section_heading(text):
        return LayoutKind.SECTION_HEADER
    if page.number == 1 and line.top < LETTERHEAD_REACH and _centred(row) and is_title(text):
        return LayoutKind.TITLE
    return LayoutKind.TEXT


def _letterhead(page: Page, rows: list[Row], labels: list[LayoutKind]) -> None:
    """Page 1's centred text rows at the top, before its title or first other block,
    are the issuer's letterhead (a page header)."""
    if page.number != 1:
        return
    for index, row in enumerate(rows):
        top = page.lines[row.lines[0]].geometry.box.top
        if labels[index] is not LayoutKind.TEXT or top > LETTERHEAD_REACH or not _centred(row):
            return
        labels[index] = LayoutKind.PAGE_HEADER


def _centred(row: Row) -> bool:
    middle = (row.tokens[0].left + max(t.right for t in row.tokens)) / 2
    return abs(middle - 0.5) <= CENTRED and row.tokens[0].left > CENTRED


def _block(page: Page, rows: list[Row], kind: LayoutKind, members: list[int]) -> LayoutBlock:
    lines = [line for i in members for line in rows[i].lines]
    geometry = Geometry.enclosing([page.lines[i].geometry for i in lines])
    confidence = sum(page.lines[i].confidence for i in lines) / len(lines)
    return LayoutBlock(kind=kind, geometry=geometry, confidence=confidence, lines=lines)
