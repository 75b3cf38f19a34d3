"""What a document's structure is, recorded while it is composed (form fields, table cells,
sections, checkboxes) and written into its truth with offsets and page-relative boxes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from meddoc.model import DocumentType, SectionKind, SelectionStatus
from samplegen.compose import Box, Composer, Mark, Part
from samplegen.render import BOX_ADVANCE, PageLayout, Pen, Placed, box_at, char_x, text_height

DOCUMENT_TYPES = {
    "intake": DocumentType.INTAKE_FORM,
    "prescription": DocumentType.PRESCRIPTION,
    "lab_report": DocumentType.LAB_REPORT,
    "visit_note": DocumentType.VISIT_NOTE,
}
Box4 = tuple[float, float, float, float]  # left, top, right, bottom in pixels


@dataclass(eq=False)
class Span:
    """A run of parts whose offsets are known once laid out: two zero-width marks around
    them (they add no text, so drawing and wrapping do not change)."""

    first: Mark = field(default_factory=lambda: Mark(""))
    last: Mark = field(default_factory=lambda: Mark(""))

    @classmethod
    def of(cls, mark: Mark) -> Span:
        return cls(mark, mark)

    def around(self, parts: Sequence[Part]) -> list[Part]:
        return [self.first, *parts, self.last]

    @property
    def begin(self) -> int:
        return self.first.begin

    @property
    def end(self) -> int:
        return self.last.end


@dataclass
class _Field:
    label: Mark
    value: Span
    page: int
    box: Box | None = None  # a checkbox option: the option text is the label


@dataclass
class _Section:
    kind: SectionKind
    title: str
    begin: int
    end: int = -1


@dataclass
class _Row:
    cells: list[Span]
    header: bool


@dataclass
class _Table:
    page: int
    columns: Sequence[float]  # x stops, fractions of the text width
    rows: list[_Row] = field(default_factory=list)


@dataclass
class Structure:
    """Filled by the kinds of paperwork as they compose; read once the text is final."""

    composer: Composer
    fields: list[_Field] = field(default_factory=list)
    sections: list[_Section] = field(default_factory=list)
    tables: list[_Table] = field(default_factory=list)

    def field(self, label: Mark, value: Span, box: Box | None = None) -> None:
        self.fields.append(_Field(label, value, self.composer.page, box))

    @contextmanager
    def section(self, kind: SectionKind, title: str = "") -> Iterator[None]:
        """The lines composed inside the block are one section."""
        opened = self.open(kind, title)
        yield
        self.close(opened)

    def open(self, kind: SectionKind, title: str = "") -> _Section:
        return _Section(kind, title, self.composer.next_offset)

    def close(self, section: _Section) -> None:
        section.end = len(self.composer.text)
        self.sections.append(section)

    def table(self, columns: Sequence[float]) -> None:
        self.tables.append(_Table(self.composer.page, columns))

    def row(self, cells: list[Span], *, header: bool = False) -> None:
        self.tables[-1].rows.append(_Row(cells, header))


def structure_truth(
    structure: Structure, text: str, pages: list[PageLayout], pen: Pen
) -> dict[str, Any]:
    """The truth's fields, tables, sections and checkboxes (boxes: fractions of the page
    as printed, before the scan or photo look turns or tilts it)."""
    where = _Where(pages, pen)
    return {
        "fields": [_field(f, text, where) for f in structure.fields],
        "tables": [_table(t, text, where) for t in structure.tables],
        "sections": [
            {"kind": s.kind.value, "title": s.title, "begin": s.begin, "end": s.end}
            for s in sorted(structure.sections, key=lambda s: s.begin)
        ],
        "checkboxes": [
            {
                "page": f.page,
                "label": f.label.text,
                "box": where.checkbox(f.box),
                "state": _state(f.box),
            }
            for f in structure.fields
            if f.box is not None
        ],
    }


def _state(box: Box) -> str:
    return (SelectionStatus.SELECTED if box.selected else SelectionStatus.NOT_SELECTED).value


def _field(item: _Field, text: str, where: _Where) -> dict[str, Any]:
    value = text[item.value.begin : item.value.end]
    return {
        "page": item.page,
        "label": item.label.text,
        "value": value,
        "label_begin": item.label.begin,
        "value_begin": item.value.begin,
        "value_end": item.value.end,
        "label_box": where.box(item.label.begin, item.label.end),
        "value_box": where.box(item.value.begin, item.value.end) if value else None,
        "selection": _state(item.box) if item.box is not None else None,
    }


def _table(table: _Table, text: str, where: _Where) -> dict[str, Any]:
    cells = []
    boxes = []
    for number, row in enumerate(table.rows, 1):
        line = where.line_at(row.cells[0].begin)
        for column, span in enumerate(row.cells, 1):
            box = where.cell(line, table.columns, column)
            boxes.append(box)
            drawn = span.first.placed  # an empty cell has nothing placed in it
            cells.append(
                {
                    "row": number,
                    "column": column,
                    "text": text[span.begin : span.end] if drawn else "",
                    "header": row.header,
                    "begin": span.begin if drawn else None,
                    "end": span.end if drawn else None,
                    "box": box,
                }
            )
    return {
        "page": table.page,
        "rows": len(table.rows),
        "columns": len(table.columns),
        "cells": cells,
        "box": _union(boxes),
    }


class _Where:
    """Boxes of text offsets on the laid-out pages, as fractions of the page."""

    def __init__(self, pages: list[PageLayout], pen: Pen) -> None:
        self.pen = pen
        self.lines = [(page, line) for page in pages for line in page.lines]

    def line_at(self, offset: int) -> tuple[PageLayout, Placed]:
        for page, line in self.lines:
            if line.spec.begin <= offset <= line.spec.begin + len(line.spec.text):
                return page, line
        raise AssertionError(f"no line holds offset {offset}")

    def box(self, begin: int, end: int) -> dict[str, float]:
        boxes = []
        for page, line in self.lines:
            start, stop = line.spec.begin, line.spec.begin + len(line.spec.text)
            if (start < end and begin < stop) or begin == end == start:
                a, b = max(begin, start) - start, min(end, stop) - start
                top, bottom = text_height(line)
                left, right = char_x(line, a, self.pen), char_x(line, b, self.pen)
                boxes.append(_relative(page, (left, top, right, bottom)))
        return _union(boxes)

    def checkbox(self, box: Box | None) -> dict[str, float]:
        assert box is not None
        page, line = self.line_at(box.begin)
        index = box.begin - line.spec.begin
        piece = next(
            k
            for k, cut in enumerate(_cuts(line))
            if cut == index and line.pieces[k].box is not None
        )
        x = line.start + line.xs[piece] - line.px * BOX_ADVANCE
        return _relative(page, box_at(x, line.baseline, line.px))

    def cell(
        self, where: tuple[PageLayout, Placed], columns: Sequence[float], column: int
    ) -> dict[str, float]:
        page, line = where
        left_edge, right_edge = line.edges
        span = right_edge - left_edge
        stops = [*columns, 1.0]
        top, bottom = text_height(line)
        left = left_edge + stops[column - 1] * span
        right = left_edge + stops[column] * span
        return _relative(page, (left, top, right, bottom))


def _cuts(line: Placed) -> list[int]:
    starts, position = [], 0
    for piece in line.pieces:
        starts.append(position)
        position += len(piece.text)
    return starts


def _relative(page: PageLayout, box: Box4) -> dict[str, float]:
    left, top, right, bottom = box
    return {
        "left": round(left / page.width, 4),
        "top": round(top / page.height, 4),
        "width": round((right - left) / page.width, 4),
        "height": round((bottom - top) / page.height, 4),
    }


def _union(boxes: list[dict[str, float]]) -> dict[str, float]:
    left = min(b["left"] for b in boxes)
    top = min(b["top"] for b in boxes)
    right = max(b["left"] + b["width"] for b in boxes)
    bottom = max(b["top"] + b["height"] for b in boxes)
    return {
        "left": left,
        "top": top,
        "width": round(right - left, 4),
        "height": round(bottom - top, 4),
    }
