"""A page drawn at test time with Pillow and one of the installed fonts, and the lines and
words an OCR would read from it (their boxes measured from the drawing): the analyser's
input without running the OCR models."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from meddoc.bench.rendering import font_index
from meddoc.geometry import Geometry
from meddoc.model import Line, Page, TextType, Word

WIDTH, HEIGHT = 1700, 2200  # a letter page at 200 dpi
SIZE = 30  # pixels: 11 pt at 200 dpi


class Canvas:
    def __init__(self, width: int = WIDTH, height: int = HEIGHT) -> None:
        self.width, self.height = width, height
        self.image = Image.new("RGB", (width, height), "white")
        self.draw = ImageDraw.Draw(self.image)
        self.font = ImageFont.truetype(font_index()["DejaVuSans.ttf"], SIZE)
        self.hand_font = ImageFont.truetype(font_index()["DejaVuSans.ttf"], 2 * SIZE)
        self.lines: list[Line] = []

    def text(self, text: str, x: int, y: int, hand: bool = False) -> None:
        """One OCR line: the words of `text` drawn from (x, y), split at spaces. `hand`
        draws it larger and flags its words as handwriting (a hand writes large)."""
        font = self.hand_font if hand else self.font
        kind = TextType.HANDWRITING if hand else TextType.PRINTED
        self.draw.text((x, y), text, fill="black", font=font)
        words, cursor = [], x
        for word in text.split(" "):
            left, top, right, bottom = self.draw.textbbox((cursor, y), word, font=font)
            words.append(Word(word, self._geometry(left, top, right, bottom), 0.95, kind))
            cursor += self.draw.textlength(word + " ", font=font)
        self.lines.append(Line(text, Geometry.enclosing([w.geometry for w in words]), 0.95, words))

    def cells(self, texts: list[str], xs: list[int], y: int) -> None:
        """A table row read as one OCR line per cell (as the OCR reads wide gaps)."""
        for text, x in zip(texts, xs, strict=True):
            if text:
                self.text(text, x, y)

    def checkbox(self, x: int, y: int, ticked: bool, side: int = 28) -> None:
        self.draw.rectangle((x, y, x + side, y + side), outline="black", width=3)
        if ticked:
            self.draw.line((x + 5, y + 5, x + side - 5, y + side - 5), fill="black", width=4)
            self.draw.line((x + 5, y + side - 5, x + side - 5, y + 5), fill="black", width=4)

    def rule(self, x1: int, y1: int, x2: int, y2: int) -> None:
        self.draw.line((x1, y1, x2, y2), fill="black", width=3)

    def page(self, number: int = 1) -> Page:
        return Page(number=number, lines=list(self.lines), width=self.width, height=self.height)

    def pixels(self) -> np.ndarray:
        """BGR, as the OCR engine hands pages on."""
        return np.asarray(self.image)[:, :, ::-1].copy()

    def _geometry(self, left: float, top: float, right: float, bottom: float) -> Geometry:
        return Geometry.from_box(
            left / self.width,
            top / self.height,
            (right - left) / self.width,
            (bottom - top) / self.height,
        )
