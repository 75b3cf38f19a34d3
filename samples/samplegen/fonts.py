"""The fonts the samples are drawn with: all from Debian packages (none is shipped in this
repository); each face names its package and licence, repeated in samples/README.md."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PIL import ImageFont

from meddoc.bench.rendering import FONT_ROOTS, font_index


@dataclass(frozen=True)
class Face:
    name: str
    regular: str  # file name, found under FONT_ROOTS
    bold: str
    package: str  # the Debian package that installs it
    licence: str
    scale: float = 1.0  # evens out faces whose letters are drawn small for their size
    weight: int = 0  # extra stroke, in pixels at 150 dpi, for faces with a hairline pen


PRINTED = (
    Face(
        "DejaVu Sans", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "fonts-dejavu-core",
        "Bitstream Vera Fonts licence (DejaVu changes in the public domain)",
    ),
    Face(
        "Liberation Serif", "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf",
        "fonts-liberation2", "SIL Open Font License 1.1",
    ),
    Face(
        "Liberation Sans", "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf",
        "fonts-liberation2", "SIL Open Font License 1.1",
    ),
)  # fmt: skip
HANDWRITING = (
    Face(
        "dkg handwriting", "dkgBd.ttf", "dkgBd.ttf", "fonts-dkg-handwriting",
        "GPL-3+ (font files; OFL-1.1 for the sources)",
    ),
    Face(
        "Breip", "Breip.ttf", "Breip.ttf", "fonts-breip", "SIL Open Font License 1.0", 1.35
    ),
    Face(
        "Purisa", "Purisa.otf", "Purisa-Bold.otf", "fonts-tlwg-purisa-otf",
        "GPL-2+ with font exception", 0.95,
    ),
)  # fmt: skip
PACKAGES = sorted({face.package for face in PRINTED + HANDWRITING})


class FontsMissing(RuntimeError):
    pass


def path(file_name: str) -> str:
    try:
        return font_index()[file_name]
    except KeyError:
        raise FontsMissing(
            f"font {file_name} not found under {', '.join(FONT_ROOTS)}; install the Debian "
            f"packages: apt-get install {' '.join(PACKAGES)}"
        ) from None


def missing() -> list[str]:
    """File names of the faces this machine lacks (empty when all are installed)."""
    names = {f for face in PRINTED + HANDWRITING for f in (face.regular, face.bold)}
    return sorted(name for name in names if name not in font_index())


@cache
def font(file_name: str, size: int) -> ImageFont.FreeTypeFont:
    # Basic layout (no raqm) so glyph placement does not depend on optional libraries.
    return ImageFont.truetype(path(file_name), size, layout_engine=ImageFont.Layout.BASIC)


def lacks(file_name: str, characters: str) -> set[str]:
    """Characters the face has no glyph for: they would be drawn as its missing-glyph
    box, so their bitmap equals the one of a code point no font defines."""
    face = font(file_name, 32)

    def bitmap(char: str) -> bytes:
        mask = face.getmask(char)
        return repr(mask.size).encode() + bytes(mask)

    missing_box = bitmap("\U0010fffd")
    return {c for c in set(characters) if not c.isspace() and bitmap(c) == missing_box}
