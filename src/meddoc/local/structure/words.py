"""A page's words as positioned tokens (one unit on both axes: the page width), and a
line's words cut into chunks at wide gaps: the cells of a row, a label apart from its
value."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from meddoc.model import Geometry, Page, TextType, WordRef

CHUNK_GAP = 1.0  # x the line's word height: a gap this wide separates cells
# A label the OCR read together with its value ("DOB:04/11/1952", "Alcohol:None"): letters
# before the colon, and no "//" after it (a web address)
_GLUED = re.compile(r"^([^\W\d_]{2,}\.?:)(?!//)(\S+)$")


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
            part
            for word_index, word in enumerate(line.words)
            for part in unglued(
                Token(
                    WordRef(line_index, word_index),
                    word.text,
                    word.geometry.box.left,
                    word.geometry.box.top * aspect,
                    word.geometry.box.right,
                    word.geometry.box.bottom * aspect,
                )
            )
        ]
        lines.append(sorted(tokens, key=lambda t: t.left))
    return lines


def unglued(token: Token) -> tuple[Token, ...]:
    """A word the OCR read as label and value at once ("DOB:04/11/1952") as two tokens,
    each with its share of the word's width; both keep the word's reference."""
    match = _GLUED.match(token.text)
    if match is None:
        return (token,)
    label, value = match.groups()
    cut = token.left + (token.right - token.left) * len(label) / len(token.text)
    return (
        Token(token.ref, label, token.left, token.top, cut, token.bottom),
        Token(token.ref, value, cut, token.top, token.right, token.bottom),
    )


def word_height(lines: list[list[Token]]) -> float:
    heights = [t.height for line in lines for t in line]
    return statistics.median(heights) if heights else 0.0


def print_height(page: Page) -> float:
    """The median height of the words on the page's printed lines (0 where none is):
    the size of the form's own print, which handwritten values overgrow."""
    aspect = (page.height / page.width) if page.width and page.height else 1.0
    heights = [
        word.geometry.box.height * aspect
        for line in page.lines
        if line.words and all(w.text_type is TextType.PRINTED for w in line.words)
        for word in line.words
    ]
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
