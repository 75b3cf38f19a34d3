"""Which documents to make: the small committed set (every kind, both languages, printed
and handwritten, photos, a rotated scan, a two-page PDF) or any number drawn at random."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from PIL import Image

from samplegen import degrade, seeded
from samplegen.documents import KINDS, LANGUAGES, Spec, compose, images, pen, truth

COMMITTED_SEED = 2025
# The committed images were drawn with this Pillow (whose wheels bundle FreeType 2.14.3);
# another version may antialias glyph edges a little differently.
DRAWN_WITH_PILLOW = "13.0.0"
TRUTH_SUFFIX = ".truth.json"
TRUTH_DIR = "truth"
DOCUMENTS_DIR = "documents"
# The epoch, so a PDF's dates are the same on every run.
PDF_DATE = time.gmtime(0)


def _spec(
    number: int,
    kind: str,
    language: str,
    hand: bool,
    look: str,
    fmt: str,
    pages: int = 1,
    digits: int = 2,
    checkboxes: bool = False,
) -> Spec:
    writing = "hand" if hand else "printed"
    suffix = f"{pages}pages" if pages > 1 else look
    name = f"{number:0{digits}d}-{kind.replace('_', '-')}-{language}-{writing}-{suffix}"
    return Spec(name, kind, language, hand, look, fmt, pages, checkboxes and kind == "intake")


COMMITTED = (
    _spec(1, "intake", "en", False, degrade.SCAN, "png", checkboxes=True),
    _spec(2, "intake", "es", True, degrade.PHOTO, "jpg"),
    _spec(3, "prescription", "en", True, degrade.PHOTO, "jpg"),
    _spec(4, "prescription", "es", False, degrade.SCAN, "png"),
    _spec(5, "visit_note", "en", False, degrade.SKEWED, "png"),
    _spec(6, "visit_note", "es", True, degrade.SCAN, "png"),
    _spec(7, "lab_report", "en", False, degrade.SCAN, "pdf", pages=2),
    _spec(8, "lab_report", "es", False, degrade.ROT90, "png"),
    _spec(9, "intake", "en", True, degrade.SCAN, "png"),
    _spec(10, "prescription", "es", True, degrade.SCAN, "png"),
    _spec(11, "visit_note", "en", True, degrade.PHOTO, "jpg"),
    _spec(12, "intake", "es", False, degrade.SKEWED, "tiff", checkboxes=True),
)


def random_plan(count: int, seed: int, *, checkboxes: bool = False) -> list[Spec]:
    """`count` documents with kinds, languages, hands and looks drawn from the seed;
    `checkboxes` gives intake forms checkbox groups (committed: only 01 and 12 have them)."""
    specs = []
    digits = max(2, len(str(count)))
    for number in range(1, count + 1):
        rng = seeded(seed, "plan", number)
        kind = rng.choice(sorted(KINDS))
        hand = kind != "lab_report" and rng.random() < 0.5
        pages = 2 if kind == "lab_report" and rng.random() < 0.3 else 1
        look = rng.choices(degrade.LOOKS, weights=(40, 20, 30, 5, 5))[0]
        if pages > 1:
            look, fmt = degrade.SCAN, rng.choice(("pdf", "tiff"))
        else:
            fmt = "jpg" if look == degrade.PHOTO else rng.choice(("png", "png", "png", "tiff"))
        language = rng.choice(LANGUAGES)
        specs.append(_spec(number, kind, language, hand, look, fmt, pages, digits, checkboxes))
    return specs


def truth_json(spec: Spec, seed: int) -> str:
    return _json(truth(spec, seed, compose(spec, seed)))


def _json(content: dict[str, Any]) -> str:
    return json.dumps(content, ensure_ascii=False, indent=1) + "\n"


def write(spec: Spec, seed: int, out: Path, *, with_images: bool = True) -> list[Path]:
    """Write the document's truth file (under out/truth/) and, unless told not to, its
    image file (under out/documents/): the documents folder then holds only what a
    scanner would produce, ready for `meddoc process out/documents`."""
    draft = compose(spec, seed)
    truth_path = out / TRUTH_DIR / f"{spec.name}{TRUTH_SUFFIX}"
    truth_path.parent.mkdir(parents=True, exist_ok=True)
    truth_path.write_text(_json(truth(spec, seed, draft)), "utf-8")
    if not with_images:
        return [truth_path]
    image_path = out / DOCUMENTS_DIR / spec.file_name
    image_path.parent.mkdir(parents=True, exist_ok=True)
    save(images(spec, seed, draft), spec.fmt, image_path, pen(spec, seed).dpi)
    return [truth_path, image_path]


def save(pages: list[Image.Image], fmt: str, path: Path, dpi: int) -> None:
    first, rest = pages[0], pages[1:]
    if fmt == "jpg":
        first.convert("RGB").save(path, "JPEG", quality=70, optimize=True, dpi=(dpi, dpi))
    elif fmt == "png":
        first.save(path, "PNG", optimize=True, dpi=(dpi, dpi))
    elif fmt == "tiff":
        first.save(
            path,
            "TIFF",
            save_all=True,
            append_images=rest,
            compression="tiff_deflate",
            dpi=(dpi, dpi),
        )
    elif fmt == "pdf":
        first.save(
            path, "PDF", save_all=True, append_images=rest, resolution=float(dpi), quality=80,
            title="SAMPLE - fictitious patient", creationDate=PDF_DATE, modDate=PDF_DATE,
        )  # fmt: skip
    else:
        raise ValueError(f"unknown format {fmt!r}")
