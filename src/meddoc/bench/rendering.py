"""A clinical text drawn as a page image for the end-to-end benchmark: in a printed face, or
in a handwriting-style face one character at a time with a hand's small jitter."""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_ROOTS = ("/usr/share/fonts", "/usr/local/share/fonts")
PRINT_INK = (24, 24, 28)
HAND_INK = (28, 38, 110)  # ballpoint blue


@dataclass(frozen=True, slots=True)
class Face:
    """A font face installed from a Debian package (none is shipped with meddoc)."""

    name: str
    file: str
    package: str
    handwriting: bool = False
    scale: float = 1.0  # evens out faces whose letters are drawn small for their size
    tilt: float = 0.0  # degrees the page is turned, as in a photo taken askew

    @property
    def style(self) -> str:
        if self.tilt:
            return "tilted"
        return "handwriting" if self.handwriting else "printed"


PRINTED = (
    Face("DejaVu Sans", "DejaVuSans.ttf", "fonts-dejavu-core"),
    Face("Liberation Serif", "LiberationSerif-Regular.ttf", "fonts-liberation2"),
)
HANDWRITING = (
    Face("dkg handwriting", "dkgBd.ttf", "fonts-dkg-handwriting", handwriting=True),
    Face("Purisa", "Purisa.otf", "fonts-tlwg-purisa-otf", handwriting=True, scale=0.95),
    Face("Breip", "Breip.ttf", "fonts-breip", handwriting=True, scale=1.35),
)
# A printed page photographed 7 degrees askew: the reading order has to level it.
TILTED = (Face("DejaVu Sans, 7 degrees", "DejaVuSans.ttf", "fonts-dejavu-core", tilt=7.0),)


class FontMissing(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class PageStyle:
    dpi: int = 200  # what the shared reference scans and PDF renders use
    width_in: float = 8.5
    height_in: float = 11.0  # a letter page; longer texts make a longer page
    margin_in: float = 0.75
    point_size: float = 11.0
    hand_scale: float = 1.3  # people write larger than 11 pt print
    line_spacing: float = 1.5  # of the font size


@cache
def font_index() -> dict[str, str]:
    """Installed font files by file name (the first found under FONT_ROOTS)."""
    found: dict[str, str] = {}
    for root in FONT_ROOTS:
        for folder, _, files in sorted(os.walk(root)):
            for name in sorted(files):
                found.setdefault(name, str(Path(folder) / name))
    return found


def installed(face: Face) -> bool:
    return face.file in font_index()


@cache
def _font(file: str, size: int) -> ImageFont.FreeTypeFont:
    try:
        path = font_index()[file]
    except KeyError:
        raise FontMissing(f"font {file} is not installed under {FONT_ROOTS}") from None
    # Basic layout (no raqm) so glyph placement does not depend on optional libraries.
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)


def wrap(
    text: str, width: float, measure: ImageFont.FreeTypeFont, slack: float = 1.0
) -> list[str]:
    """Lines of the text no wider than `width` pixels: its own line breaks kept, long
    lines broken between words (a word wider than the line stands alone)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}" if current else word
            if current and measure.getlength(candidate) * slack > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
    return lines


def render_page(
    text: str, face: Face, style: PageStyle | None = None, seed: int = 0
) -> Image.Image:
    """The text from the top of a white letter page (taller when the text needs it)."""
    style = style or PageStyle()
    points = style.point_size * (style.hand_scale if face.handwriting else 1.0)
    size = round(points / 72 * style.dpi * face.scale)
    font = _font(face.file, size)
    width = round(style.width_in * style.dpi)
    margin = round(style.margin_in * style.dpi)
    # Handwriting is drawn with wider spaces and jitter: leave room for it.
    lines = wrap(text, width - 2 * margin, font, slack=1.12 if face.handwriting else 1.0)
    step = points / 72 * style.dpi * style.line_spacing
    height = max(round(style.height_in * style.dpi), round(2 * margin + step * (len(lines) + 1)))
    image = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    rng = random.Random(seed)  # noqa: S311 - a repeatable hand, not a secret
    baseline = margin + step * 0.8
    for line in lines:
        if face.handwriting:
            _handwrite(draw, line, (margin, baseline), font, face, rng)
        else:
            draw.text((margin, baseline), line, font=font, fill=PRINT_INK, anchor="ls")
        baseline += step
    if face.tilt:
        paper = (255, 255, 255)
        image = image.rotate(face.tilt, Image.Resampling.BICUBIC, expand=True, fillcolor=paper)
    return image


def _handwrite(
    draw: ImageDraw.ImageDraw,
    text: str,
    origin: tuple[float, float],
    font: ImageFont.FreeTypeFont,
    face: Face,
    rng: random.Random,
) -> None:
    """Character by character: size, baseline and spacing vary a little, and the line
    drifts up or down slightly, as a hand does."""
    x, baseline = origin
    slope = rng.uniform(-0.012, 0.012)
    for char in text:
        if char == " ":
            x += font.getlength(" ") * rng.uniform(1.1, 1.4)
            continue
        glyph = _font(face.file, max(6, round(font.size * rng.uniform(0.93, 1.07))))
        dy = rng.uniform(-0.04, 0.04) * font.size + slope * (x - origin[0])
        draw.text((x, baseline + dy), char, font=glyph, fill=HAND_INK, anchor="ls")
        x += glyph.getlength(char) * rng.uniform(0.98, 1.06)
