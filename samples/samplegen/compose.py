"""Builds a document's text line by line from marked parts, so every entity's offsets come
from the composition itself and are never found by searching the text afterwards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypedDict, Unpack

PRINT = "print"
BOLD = "bold"
TITLE = "title"
HAND = "hand"
SMALL = "small"
STYLES = (PRINT, BOLD, TITLE, HAND, SMALL)


@dataclass(eq=False)
class Mark:
    """A piece of text whose place in the document text is recorded once it is laid out."""

    text: str
    style: str | None = None  # None: the style of the line it is placed in
    begin: int = -1

    @property
    def end(self) -> int:
        return self.begin + len(self.text)

    @property
    def placed(self) -> bool:
        return self.begin >= 0


@dataclass(eq=False)
class Box:
    """A checkbox drawn just before the text that follows it; it adds no text (as
    Textract's LINE text leaves selection marks out). Its place is recorded like a mark's."""

    selected: bool
    begin: int = -1


@dataclass(frozen=True)
class Styled:
    """Plain text in a style of its own (a handwritten value on a printed line); unlike a
    mark it is not tracked and may be wrapped."""

    text: str
    style: str


Part = str | Mark | Styled | Box


@dataclass
class LineSpec:
    """One printed or written line of a page, as the renderer needs it."""

    text: str
    runs: list[tuple[int, int, str]]  # (start, end, style) within the line
    page: int  # 1-based
    begin: int  # offset of the line in the document text
    indent: float = 0.0  # fraction of the text width
    tabs: dict[int, float] = field(default_factory=dict)  # char index -> x fraction
    size: float = 1.0  # font size factor
    align: str = "left"
    space_before: float = 0.0  # extra gap, in line heights
    blank: bool = False  # a form blank is drawn under handwritten runs
    rule_below: bool = False
    footer: bool = False  # drawn at the bottom of its page
    boxes: dict[int, bool] = field(default_factory=dict)  # char index -> checkbox selected
    hand_marks: bool = False  # checkboxes are ticked in pen (a form filled in by hand)


class Layout(TypedDict, total=False):
    """How a line is placed and decorated (the LineSpec fields besides its text)."""

    indent: float
    tabs: dict[int, float]
    size: float
    align: str
    space_before: float
    blank: bool
    rule_below: bool
    footer: bool
    hand_marks: bool


@dataclass
class _Paragraph:
    text: str
    styles: list[str]
    breakable: list[bool]
    marks: list[tuple[int, Mark | Box]]


class Composer:
    """Accumulates lines and page breaks; the document text is the lines joined by
    newlines with an empty line between pages (as meddoc.layout builds it)."""

    def __init__(self) -> None:
        self.specs: list[LineSpec] = []
        self.lines: list[str] = []  # truth lines, with "" at each page break
        self.page = 1
        self._offset = 0

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def next_offset(self) -> int:
        """Where the next line will begin in the document text."""
        return self._offset + (1 if self.lines else 0)

    def new_page(self) -> None:
        self._append_truth_line("")
        self.page += 1

    def line(
        self,
        parts: Sequence[Part],
        *,
        style: str = PRINT,
        wrap: int | None = None,
        **layout: Unpack[Layout],
    ) -> None:
        """Place parts as one line, or as several when `wrap` (characters) is given;
        line breaks fall only on spaces outside marks, so no entity is ever split."""
        paragraph = _paragraph(parts, style)
        pieces = _wrap(paragraph, wrap) if wrap else [(0, len(paragraph.text))]
        base = self._offset + (1 if self.lines else 0)
        for position, mark in paragraph.marks:
            mark.begin = base + position
        for index, (start, end) in enumerate(pieces):
            spec = LineSpec(
                text=paragraph.text[start:end],
                runs=_runs(paragraph.styles[start:end]),
                page=self.page,
                begin=base + start,
                **layout,
            )
            spec.boxes = {
                position - start: part.selected
                for position, part in paragraph.marks
                if isinstance(part, Box) and start <= position < end
            }
            if index:
                spec.space_before = 0.0
            self.specs.append(spec)
            self._append_truth_line(spec.text)

    def row(
        self,
        cells: Sequence[Sequence[Part]],
        columns: Sequence[float],
        *,
        style: str = PRINT,
        **layout: Unpack[Layout],
    ) -> None:
        """A table row: cells joined by one space in the text, drawn at column stops."""
        parts: list[Part] = []
        stops: list[int] = []
        length = 0
        for index, cell in enumerate(cells):
            if index:
                parts.append(" ")
                length += 1
            stops.append(length)
            parts.extend(cell)
            length += sum(_length(part) for part in cell)
        tabs = {stop: x for stop, x in zip(stops, columns, strict=True) if stop}
        layout["tabs"], layout["indent"] = tabs, columns[0]
        self.line(parts, style=style, **layout)

    def _append_truth_line(self, text: str) -> None:
        if self.lines:
            self._offset += 1
        self.lines.append(text)
        self._offset += len(text)


def _length(part: Part) -> int:
    """Characters a part adds to the text (a checkbox adds none)."""
    if isinstance(part, Box):
        return 0
    return len(part) if isinstance(part, str) else len(part.text)


def _paragraph(parts: Sequence[Part], style: str) -> _Paragraph:
    chunks: list[str] = []
    styles: list[str] = []
    breakable: list[bool] = []
    marks: list[tuple[int, Mark | Box]] = []
    length = 0
    for part in parts:
        if isinstance(part, Box):
            marks.append((length, part))
            continue
        if isinstance(part, Mark):
            marks.append((length, part))
            text, part_style, can_break = part.text, part.style or style, False
        elif isinstance(part, Styled):
            text, part_style, can_break = part.text, part.style, True
        else:
            text, part_style, can_break = part, style, True
        chunks.append(text)
        styles.extend([part_style] * len(text))
        breakable.extend([can_break and ch == " " for ch in text])
        length += len(text)
    return _Paragraph("".join(chunks), styles, breakable, marks)


def _wrap(paragraph: _Paragraph, width: int) -> list[tuple[int, int]]:
    """Greedy wrap; a break consumes one space, which becomes the newline, so offsets
    after the break do not move."""
    pieces: list[tuple[int, int]] = []
    start = 0
    text = paragraph.text
    while len(text) - start > width:
        cut = -1
        for index in range(start + width, start, -1):
            if paragraph.breakable[index]:
                cut = index
                break
        if cut < 0:  # nothing breakable in reach: take the next break point
            cut = next((i for i in range(start + width, len(text)) if paragraph.breakable[i]), -1)
            if cut < 0:
                break
        pieces.append((start, cut))
        start = cut + 1
    pieces.append((start, len(text)))
    return pieces


def _runs(styles: list[str]) -> list[tuple[int, int, str]]:
    runs: list[tuple[int, int, str]] = []
    for index, style in enumerate(styles):
        if runs and runs[-1][2] == style:
            runs[-1] = (runs[-1][0], index + 1, style)
        else:
            runs.append((index, index + 1, style))
    return runs
