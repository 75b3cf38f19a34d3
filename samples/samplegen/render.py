"""Draws composed lines onto paper: printed runs in a printed face, handwritten runs one
character at a time with the small jitter of a real hand (size, baseline, spacing)."""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from samplegen import fonts, seeded
from samplegen.compose import BOLD, HAND, SMALL, TITLE, LineSpec

PRINT_INK = (24, 24, 28)
RULE_INK = (150, 150, 150)
STYLE_SCALE = {TITLE: 1.2, SMALL: 0.8, HAND: 1.3}
# A checkbox: its side and the room it takes before its text, in font sizes.
BOX_SIDE = 0.8
BOX_ADVANCE = 1.25


@dataclass(frozen=True)
class Paper:
    width_in: float
    height_in: float
    margin_in: float
    base_pt: float


LETTER = Paper(8.5, 11.0, 0.75, 10.5)
HALF_LETTER = Paper(5.5, 8.5, 0.45, 9.5)


@dataclass(frozen=True)
class Pen:
    printed: fonts.Face
    hand: fonts.Face
    ink: tuple[int, int, int]  # handwriting ink
    dpi: int


class PageOverflow(ValueError):
    """The composed lines do not fit on the paper."""


@dataclass
class _Piece:
    text: str
    style: str
    tab: float | None  # x fraction of the text width where the piece starts
    box: bool | None = None  # a checkbox (selected or not) is drawn before the piece


def render(
    specs: Sequence[LineSpec], pages: int, paper: Paper, pen: Pen, seed: str
) -> list[Image.Image]:
    rng = seeded(seed)
    return [
        _page([s for s in specs if s.page == number], paper, pen, rng)
        for number in range(1, pages + 1)
    ]


@dataclass
class Placed:
    """One line as laid out on its page (pixels of the clean page, before any look)."""

    spec: LineSpec
    baseline: float
    start: float  # x where the line's first piece starts
    edges: tuple[int, int]  # the text area's left and right edges (rules, blanks)
    px: float  # the font size the line is drawn at
    pieces: list[_Piece]
    xs: list[float]  # x of each piece relative to `start`, and the end


@dataclass
class PageLayout:
    width: int
    height: int
    lines: list[Placed]  # in drawing order: the body, then the footer


def layout(specs: Sequence[LineSpec], paper: Paper, pen: Pen) -> PageLayout:
    """Where every line of one page goes; drawing and the truth's boxes both use it."""
    width, height = round(paper.width_in * pen.dpi), round(paper.height_in * pen.dpi)
    margin = round(paper.margin_in * pen.dpi)
    base = paper.base_pt / 72 * pen.dpi
    baseline = float(margin)
    placed = []
    for spec in (s for s in specs if not s.footer):
        handwritten = any(style == HAND for _, _, style in spec.runs)
        line_height = _line_px(spec, base) * (1.6 if handwritten else 1.45)
        baseline += spec.space_before * line_height + line_height
        placed.append(_place(spec, (margin, width - margin), baseline, base, pen))
        if spec.rule_below:
            baseline += line_height * 0.5
    if baseline > height - margin * 1.2:
        raise PageOverflow(f"page {specs[0].page} needs {baseline:.0f} of {height} pixels")
    for spec in (s for s in specs if s.footer):
        placed.append(_place(spec, (margin, width - margin), height - margin * 0.5, base, pen))
    return PageLayout(width, height, placed)


def _page(specs: list[LineSpec], paper: Paper, pen: Pen, rng: random.Random) -> Image.Image:
    page = layout(specs, paper, pen)
    image = Image.new("RGB", (page.width, page.height), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for line in page.lines:
        _draw_line(draw, line, pen, rng)
    return image


def _line_px(spec: LineSpec, base: float) -> float:
    return max(base * spec.size * STYLE_SCALE.get(style, 1.0) for _, _, style in spec.runs)


def _pieces(spec: LineSpec) -> list[_Piece]:
    cuts = sorted({0, len(spec.text), *spec.tabs, *spec.boxes, *(s for s, _, _ in spec.runs)})
    style_at = {i: style for start, end, style in spec.runs for i in range(start, end)}
    return [
        _Piece(spec.text[a:b], style_at[a], spec.tabs.get(a), spec.boxes.get(a))
        for a, b in itertools.pairwise(cuts)
        if b > a
    ]


def _face(style: str, pen: Pen, px: float) -> ImageFont.FreeTypeFont:
    size = max(6, round(px * STYLE_SCALE.get(style, 1.0)))
    if style == HAND:
        return fonts.font(pen.hand.regular, round(size * pen.hand.scale))
    bold = style in (BOLD, TITLE)
    return fonts.font(pen.printed.bold if bold else pen.printed.regular, size)


def _advance(piece: _Piece, font: ImageFont.FreeTypeFont) -> float:
    if piece.style == HAND:  # drawn char by char, spaces a little wider
        return sum(font.getlength(c) * (1.25 if c == " " else 1.02) for c in piece.text)
    return font.getlength(piece.text)


def _layout(pieces: list[_Piece], pen: Pen, px: float, span: float) -> list[float]:
    """The x (relative to the line start) of every piece."""
    xs, x = [], 0.0
    for piece in pieces:
        if piece.tab is not None:
            x = max(x, piece.tab * span)
        if piece.box is not None:
            x += px * BOX_ADVANCE
        xs.append(x)
        x += _advance(piece, _face(piece.style, pen, px))
    xs.append(x)
    return xs


def _place(
    spec: LineSpec, edges: tuple[int, int], baseline: float, base: float, pen: Pen
) -> Placed:
    left, right = edges
    span = right - left
    indent = spec.indent * span
    pieces = _pieces(spec)
    px = base * spec.size
    xs = _layout(pieces, pen, px, span)
    if xs[-1] > span - indent:  # too long for the paper: this line is drawn smaller
        px *= (span - indent) / xs[-1] * 0.98
        xs = _layout(pieces, pen, px, span)
    start = left + indent
    if spec.align == "center":
        start = left + (span - xs[-1]) / 2
    return Placed(spec, baseline, start, edges, px, pieces, xs)


def _draw_line(draw: ImageDraw.ImageDraw, line: Placed, pen: Pen, rng: random.Random) -> None:
    spec, baseline, start, px = line.spec, line.baseline, line.start, line.px
    left, right = line.edges
    hand_start = None
    for piece, x in zip(line.pieces, line.xs, strict=False):
        font = _face(piece.style, pen, px)
        if piece.box is not None:
            square = box_at(start + x - px * BOX_ADVANCE, baseline, px)
            _checkbox(draw, square, piece.box, pen, spec)
        if piece.style == HAND:
            hand_start = start + x if hand_start is None else hand_start
            _handwrite(draw, piece.text, (start + x, baseline), font, pen, rng)
        else:
            draw.text((start + x, baseline), piece.text, font=font, fill=PRINT_INK, anchor="ls")
    if spec.blank and hand_start is not None:
        y = baseline + px * 0.3
        draw.line([(hand_start - px * 0.3, y), (right, y)], fill=RULE_INK, width=1)
    if spec.rule_below:
        y = baseline + px * 0.8
        draw.line([(left, y), (right, y)], fill=PRINT_INK, width=max(1, round(px / 12)))


def _handwrite(
    draw: ImageDraw.ImageDraw,
    text: str,
    origin: tuple[float, float],
    font: ImageFont.FreeTypeFont,
    pen: Pen,
    rng: random.Random,
) -> None:
    x, baseline = origin
    size = font.size
    slope = rng.uniform(-0.015, 0.015)
    weight = round(pen.hand.weight * pen.dpi / 150)
    for char in text:
        if char == " ":
            x += font.getlength(" ") * rng.uniform(1.1, 1.4)
            continue
        glyph = fonts.font(pen.hand.regular, max(6, round(size * rng.uniform(0.93, 1.07))))
        dy = rng.uniform(-0.04, 0.04) * size + slope * (x - origin[0])
        draw.text(
            (x, baseline + dy), char, font=glyph, fill=pen.ink, anchor="ls", stroke_width=weight,
            stroke_fill=pen.ink,
        )  # fmt: skip
        x += glyph.getlength(char) * rng.uniform(0.98, 1.06)


def char_x(line: Placed, index: int, pen: Pen) -> float:
    """The x (pixels) where character `index` of a laid-out line starts."""
    position = 0
    for piece, x in zip(line.pieces, line.xs, strict=False):
        if index < position + len(piece.text):
            before = _Piece(piece.text[: index - position], piece.style, None)
            return line.start + x + _advance(before, _face(piece.style, pen, line.px))
        position += len(piece.text)
    return line.start + line.xs[-1]


def text_height(line: Placed) -> tuple[float, float]:
    """The top and bottom (pixels) of a laid-out line's glyphs, ascenders to descenders."""
    size = max(line.px * STYLE_SCALE.get(style, 1.0) for _, _, style in line.spec.runs)
    return line.baseline - 0.9 * size, line.baseline + 0.25 * size


def box_at(x: float, baseline: float, px: float) -> tuple[float, float, float, float]:
    """The square of a checkbox drawn at x on a line: (left, top, right, bottom)."""
    side = px * BOX_SIDE
    return (x, baseline - side, x + side, baseline)


def _checkbox(
    draw: ImageDraw.ImageDraw,
    square: tuple[float, float, float, float],
    selected: bool,
    pen: Pen,
    spec: LineSpec,
) -> None:
    left, top, right, bottom = square
    draw.rectangle(square, outline=PRINT_INK, width=max(1, round((right - left) / 10)))
    if not selected:
        return
    # The mark is made by whoever fills the form in: in pen on a form filled in by hand.
    ink = pen.ink if spec.hand_marks else PRINT_INK
    inset = (right - left) * 0.2
    width = max(2, round((right - left) / 6))
    draw.line(
        [(left + inset, top + inset), (right - inset, bottom - inset)], fill=ink, width=width
    )
    draw.line(
        [(left + inset, bottom - inset), (right - inset, top + inset)], fill=ink, width=width
    )
