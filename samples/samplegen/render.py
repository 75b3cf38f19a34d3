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


def render(
    specs: Sequence[LineSpec], pages: int, paper: Paper, pen: Pen, seed: str
) -> list[Image.Image]:
    rng = seeded(seed)
    return [
        _page([s for s in specs if s.page == number], paper, pen, rng)
        for number in range(1, pages + 1)
    ]


def _page(specs: list[LineSpec], paper: Paper, pen: Pen, rng: random.Random) -> Image.Image:
    width, height = round(paper.width_in * pen.dpi), round(paper.height_in * pen.dpi)
    margin = round(paper.margin_in * pen.dpi)
    image = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    base = paper.base_pt / 72 * pen.dpi
    baseline = float(margin)
    for spec in (s for s in specs if not s.footer):
        handwritten = any(style == HAND for _, _, style in spec.runs)
        line_height = _line_px(spec, base) * (1.6 if handwritten else 1.45)
        baseline += spec.space_before * line_height + line_height
        _draw_line(draw, spec, (margin, width - margin), baseline, base, pen, rng)
        if spec.rule_below:
            baseline += line_height * 0.5
    if baseline > height - margin * 1.2:
        raise PageOverflow(f"page {specs[0].page} needs {baseline:.0f} of {height} pixels")
    for spec in (s for s in specs if s.footer):
        _draw_line(draw, spec, (margin, width - margin), height - margin * 0.5, base, pen, rng)
    return image


def _line_px(spec: LineSpec, base: float) -> float:
    return max(base * spec.size * STYLE_SCALE.get(style, 1.0) for _, _, style in spec.runs)


def _pieces(spec: LineSpec) -> list[_Piece]:
    cuts = sorted({0, len(spec.text), *spec.tabs, *(s for s, _, _ in spec.runs)})
    style_at = {i: style for start, end, style in spec.runs for i in range(start, end)}
    return [
        _Piece(spec.text[a:b], style_at[a], spec.tabs.get(a))
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
        xs.append(x)
        x += _advance(piece, _face(piece.style, pen, px))
    xs.append(x)
    return xs


def _draw_line(
    draw: ImageDraw.ImageDraw,
    spec: LineSpec,
    edges: tuple[int, int],
    baseline: float,
    base: float,
    pen: Pen,
    rng: random.Random,
) -> None:
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
    hand_start = None
    for piece, x in zip(pieces, xs, strict=False):
        font = _face(piece.style, pen, px)
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
