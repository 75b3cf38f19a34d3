"""Drawing and ageing the pages: deterministic for a seed, every glyph present in the faces,
photos and rotated scans shaped as they should be, and the command line end to end."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat
from pypdf import PdfReader
from samplegen import degrade, fonts, plan
from samplegen.documents import Spec, compose, images

from tests.samples.pages import SAMPLES, page_sizes

GENERATE = Path(__file__).resolve().parents[2] / "samples" / "generate.py"


def test_the_sample_fonts_are_installed() -> None:
    # .ci/run installs them; drawing any sample needs them.
    assert fonts.missing() == [], f"apt-get install {' '.join(fonts.PACKAGES)}"


def test_given_the_same_seed_when_written_twice_then_the_files_are_byte_identical(
    tmp_path: Path,
) -> None:
    photo = Spec("photo", "prescription", "es", True, degrade.PHOTO, "jpg")
    pdf = Spec("pdf", "lab_report", "en", False, degrade.SCAN, "pdf", pages=2)
    for spec in (photo, pdf):
        first, second = tmp_path / "a", tmp_path / "b"
        first.mkdir(exist_ok=True)
        second.mkdir(exist_ok=True)
        for a, b in zip(plan.write(spec, 3, first), plan.write(spec, 3, second), strict=True):
            assert a.read_bytes() == b.read_bytes()


def test_given_another_seed_when_drawn_then_the_pixels_differ() -> None:
    spec = Spec("rx", "prescription", "en", True)
    one = images(spec, 1, compose(spec, 1))[0]
    two = images(spec, 2, compose(spec, 2))[0]
    assert one.tobytes() != two.tobytes()


@pytest.mark.parametrize("spec", plan.COMMITTED, ids=lambda s: s.name)
def test_the_generator_redraws_each_committed_document_within_rasterizer_tolerance(
    spec: Spec, tmp_path: Path
) -> None:
    """Same size always, and equal up to a loose tolerance that only catches a gross
    change (another look, pen or layout): exact pixels vary with the Pillow/FreeType
    build and with the font files a machine's Debian packages provide."""
    plan.write(spec, plan.COMMITTED_SEED, tmp_path)
    fresh = tmp_path / plan.DOCUMENTS_DIR / spec.file_name
    committed = SAMPLES / plan.DOCUMENTS_DIR / spec.file_name
    assert page_sizes(fresh) == page_sizes(committed)
    for ours, theirs in zip(_pages(fresh), _pages(committed), strict=True):
        difference = ImageChops.difference(ours.convert("L"), theirs.convert("L"))
        assert ImageStat.Stat(difference).mean[0] < 2.0  # grey levels, over the page


def _pages(path: Path) -> list[Image.Image]:
    if path.suffix == ".pdf":
        embedded = [page.images[0].image for page in PdfReader(path).pages]
        return [image for image in embedded if image is not None]
    with Image.open(path) as image:
        frames = []
        for frame in range(getattr(image, "n_frames", 1)):
            image.seek(frame)
            frames.append(image.copy())
        return frames


def test_every_face_has_a_glyph_for_every_character_it_is_asked_to_draw() -> None:
    printed, handwritten = set(), set()
    for spec in list(plan.COMMITTED) + plan.random_plan(60, seed=7):
        truth = json.loads(plan.truth_json(spec, plan.COMMITTED_SEED))
        printed |= set(truth["text"])
        for begin, end in truth["handwriting"]:
            handwritten |= set(truth["text"][begin:end])
    for face in fonts.PRINTED:
        assert not fonts.lacks(face.regular, "".join(printed)), face.name
        assert not fonts.lacks(face.bold, "".join(printed)), face.name
    for face in fonts.HANDWRITING:
        assert not fonts.lacks(face.regular, "".join(handwritten)), face.name


def test_a_missing_glyph_is_detected() -> None:
    assert fonts.lacks(fonts.HANDWRITING[0].regular, "a\U000f0000") == {"\U000f0000"}


def test_a_photo_shows_the_page_on_a_desk_and_a_quarter_turned_scan_is_landscape() -> None:
    page = Image.new("RGB", (300, 400), (255, 255, 255))
    photo = degrade.age(page, degrade.PHOTO, "seed")
    assert photo.width > page.width
    assert photo.height > page.height
    grey = photo.convert("L")
    corner, centre = grey.getpixel((2, 2)), grey.getpixel((photo.width // 2, photo.height // 2))
    assert isinstance(corner, int | float)
    assert isinstance(centre, int | float)
    assert corner < centre - 60
    assert degrade.age(page, degrade.ROT90, "seed").size == (400, 300)
    with pytest.raises(ValueError, match="unknown look"):
        degrade.age(page, "sepia", "seed")


def test_the_command_line_writes_a_random_set_with_a_truth_file_per_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loader = importlib.util.spec_from_file_location("samples_generate", GENERATE)
    assert loader is not None
    assert loader.loader is not None
    generate = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(generate)
    assert generate.main(["--out", str(tmp_path), "--count", "3", "--seed", "5"]) == 0
    truths = sorted((tmp_path / plan.TRUTH_DIR).glob(f"*{plan.TRUTH_SUFFIX}"))
    assert len(truths) == 3
    for path in truths:
        truth = json.loads(path.read_text(encoding="utf-8"))
        assert len(page_sizes(tmp_path / plan.DOCUMENTS_DIR / truth["file"])) == truth["pages"]
    assert "3 documents" in capsys.readouterr().out
