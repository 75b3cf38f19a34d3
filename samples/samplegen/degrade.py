"""Ages a clean page like the paperwork people really upload: a flatbed scan (straight,
skewed or put in the wrong way round) or a phone photo (perspective, uneven light, blur,
sensor noise). Every random choice comes from the seed, so the result is reproducible."""

from __future__ import annotations

import random

from PIL import Image, ImageChops, ImageFilter

from samplegen import seeded

SCAN = "scan"
SKEWED = "skewed"
PHOTO = "photo"
ROT90 = "rot90"
ROT180 = "rot180"
LOOKS = (SCAN, SKEWED, PHOTO, ROT90, ROT180)
# Degrees clockwise the image must be turned to read it upright (meddoc Page.rotation).
ROTATIONS = {ROT90: 90, ROT180: 180}
DESKS = ((88, 74, 62), (58, 60, 68), (120, 112, 100), (40, 44, 52))


def age(page: Image.Image, look: str, seed: str) -> Image.Image:
    rng = seeded(seed)
    if look == PHOTO:
        return _photo(page, rng)
    scanned = page.convert("L")
    if look == SKEWED:
        angle = rng.choice((-1, 1)) * rng.uniform(0.7, 2.0)
        return scanned.rotate(angle, Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    if look == ROT90:
        return scanned.transpose(Image.Transpose.ROTATE_90)  # counter-clockwise
    if look == ROT180:
        return scanned.transpose(Image.Transpose.ROTATE_180)
    if look != SCAN:
        raise ValueError(f"unknown look {look!r}; choose one of {', '.join(LOOKS)}")
    return scanned


def _photo(page: Image.Image, rng: random.Random) -> Image.Image:
    paper = ImageChops.multiply(page, Image.new("RGB", page.size, (252, 248, 238)))
    desk = rng.choice(DESKS)
    width, height = paper.size
    pad_x, pad_y = round(width * 0.07), round(height * 0.06)
    canvas = Image.new("RGB", (width + 2 * pad_x, height + 2 * pad_y), desk)
    canvas.paste(paper, (pad_x, pad_y))
    canvas = _perspective(canvas, rng, desk)
    canvas = ImageChops.multiply(canvas, _lighting(canvas.size, rng))
    canvas = canvas.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.1)))
    return _noise(canvas, rng, amplitude=rng.uniform(0.05, 0.09))


def _perspective(
    image: Image.Image, rng: random.Random, fill: tuple[int, int, int]
) -> Image.Image:
    """A phone held not quite parallel to the paper: each corner of the frame moves a
    little, and the whole frame turns a degree or two."""
    width, height = image.size

    def jitter(x: float, y: float) -> tuple[float, float]:
        return x + rng.uniform(-0.035, 0.035) * width, y + rng.uniform(-0.03, 0.03) * height

    corners = [jitter(0, 0), jitter(0, height), jitter(width, height), jitter(width, 0)]
    quad = tuple(value for corner in corners for value in corner)
    warped = image.transform(
        image.size, Image.Transform.QUAD, quad, Image.Resampling.BICUBIC, fillcolor=fill
    )
    angle = rng.uniform(-2.5, 2.5)
    return warped.rotate(angle, Image.Resampling.BICUBIC, expand=False, fillcolor=fill)


def _lighting(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """A smooth light map: a coarse grid of brightness values, blown up bicubically; one
    corner darker, as under a lamp or the shadow of the phone."""
    grid = Image.new("L", (4, 5))
    dark_corner = rng.choice(((0, 0), (3, 0), (0, 4), (3, 4)))
    for x in range(4):
        for y in range(5):
            distance = abs(x - dark_corner[0]) / 3 + abs(y - dark_corner[1]) / 4
            grid.putpixel(
                (x, y), round(255 * min(1.0, 0.62 + 0.2 * distance + rng.uniform(0, 0.1)))
            )
    return grid.resize(size, Image.Resampling.BICUBIC).convert("RGB")


def _noise(image: Image.Image, rng: random.Random, amplitude: float) -> Image.Image:
    width, height = image.size
    grain = Image.frombytes("L", (width, height), rng.randbytes(width * height))
    grain = grain.point(lambda v: round(128 + (v - 128) * amplitude))
    return ImageChops.add(image, Image.merge("RGB", (grain, grain, grain)), 1.0, -128)
