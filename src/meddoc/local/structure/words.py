"""A page's words as positioned tokens (one unit on both axes: the page width), and a
line's words cut into chunks at wide gaps: the cells of a row, a label apart from its
value."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from meddoc.model import Geometry, Page, WordRef

CHUNK_GAP = 1.0  # x the line's word height: a gap this wide separates cells


@dataclass(frozen=True, slots=True)
class Token:
    ref: WordRef
    text: str
    left: float
    top: float
    right: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True, slots=True)
class Chunk:
    """Words of one line with no wide gap between them."""

    tokens: tuple[Token, ...]

    @property
    def text(self) -> str:
        return " ".join(t.text for t in self.tokens)

    @property
    def left(self) -> float:
        return self.tokens[0].left

    @property
    def right(self) -> float:
        return max(t.right for t in self.tokens)

    @property
    def top(self) -> float:
        return min(t.top for t in self.tokens)

    @property
    def bottom(self) -> float:
        return max(t.bottom for t in self.tokens)

    @property
    def refs(self) -> list[WordRef]:
        return [t.ref for t in self.tokens]


def page_tokens(page: Page) -> list[list[Token]]:
    """Per line of the page, its words left to right."""
    aspect = (page.height / page.width) if page.width and page.height else 1.0
    lines: list[list[Token]] = []
    for line_index, line in enumerate(page.lines):
        tokens = [
            Token(
                WordRef(line_index, word_index),
                word.text,
                word.geometry.box.left,
                word.geometry.box.top * aspect,
                word.geometry.box.right,
                word.geometry.box.bottom * aspect,
            )
            for word_index, word in enumerate(line.words)
        ]
        lines.append(sorted(tokens, key=lambda t: t.left))
    return lines


def word_height(lines: list[list[Token]]) -> float:
    heights = [t.height for line in lines for t in line]
    return statistics.median(heights) if heights else 0.0


def chunks(tokens: list[Token], height: float, gap: float = CHUNK_GAP) -> list[Chunk]:
    """The line's words split wherever the white between two is wider than `gap` x
    `height`."""
    parts: list[list[Token]] = []
    for token in tokens:
        if not parts or token.left - parts[-1][-1].right > gap * height:
            parts.append([])
        parts[-1].append(token)
    return [Chunk(tuple(part)) for part in parts]


def geometry_of(page: Page, refs: list[WordRef]) -> Geometry | None:
    if not refs:
        return None
    return Geometry.enclosing([page.lines[r.line].words[r.word].geometry for r in refs])


def confidence_of(page: Page, refs: list[WordRef]) -> float:
    if not refs:
        return 0.0
    return statistics.fmean(page.lines[r.line].words[r.word].confidence for r in refs)


@dataclass(frozen=True, slots=True)
class Row:
    """Consecutive lines (in reading order) that sit side by side on the page."""

    lines: tuple[int, ...]
    tokens: tuple[Token, ...]  # left to right

    @property
    def top(self) -> float:
        return min(t.top for t in self.tokens)

    @property
    def bottom(self) -> float:
        return max(t.bottom for t in self.tokens)


def page_rows(lines: list[list[Token]]) -> list[Row]:
    """A line joins the row before it when its middle lies within that row's height."""
    rows: list[tuple[list[int], list[Token]]] = []
    for index, tokens in enumerate(lines):
        if not tokens:
            continue
        middle = statistics.fmean(t.middle for t in tokens)
        if rows and _within(middle, rows[-1][1]) and tokens[0].left > rows[-1][1][-1].left:
            rows[-1][0].append(index)
            rows[-1][1].extend(tokens)
        else:
            rows.append(([index], list(tokens)))
    return [Row(tuple(ls), tuple(sorted(ts, key=lambda t: t.left))) for ls, ts in rows]


def _within(middle: float, tokens: list[Token]) -> bool:
    return min(t.top for t in tokens) <= middle <= max(t.bottom for t in tokens)
