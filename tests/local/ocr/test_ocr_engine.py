"""The offline OCR engine on real images (tests/fixtures/images, see its README): words
that must be found, where Textract put them, rotated inputs, multi-page files, bad bytes,
and the shared model's JSON round-trip."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from meddoc.bench.rendering import HANDWRITING, render_page
from meddoc.errors import InvalidDocument
from meddoc.local.ocr import LocalTextDetector, OcrConfig, OcrEngine, detect_text
from meddoc.local.ocr.line_finder import trim_to_ink
from meddoc.local.ocr.words import LineBox
from meddoc.model import ObjectRef, Page, TextDetection, Word
from meddoc.serialization import dumps, loads
from tests.poison import BY_KIND

pytestmark = pytest.mark.slow

IMAGES = Path(__file__).resolve().parents[2] / "fixtures" / "images"
MULTICOL = IMAGES / "multicol_doc.png"
INTAKE = IMAGES / "patient_intake_top.jpg"
NOTES = IMAGES / "medical_notes.png"

# Textract's boxes (left, top, width, height) from the responses of the source images;
# the intake fixture is rows 60-800 of its 1266x1688 source, so its tops are remapped.
MULTICOL_TEXTRACT = {
    "Multi-column": (0.059, 0.110, 0.356, 0.060),
    "horizontally": (0.560, 0.368, 0.151, 0.041),
    "paragraphs,": (0.163, 0.605, 0.159, 0.040),
    "footer": (0.145, 0.790, 0.080, 0.034),
}
INTAKE_TEXTRACT = {
    "ROSALEZ": (0.4593, 0.0912, 0.1688, 0.0257),
    "10/10/1982": (0.8166, 0.0900, 0.1531, 0.0357),
    "MARRIED": (0.2803, 0.1274, 0.1307, 0.0247),
}


def intake_box(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    left, top, width, height = box
    return left, (top * 1688 - 60) / 740, width, height * 1688 / 740


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    return OcrEngine(OcrConfig(threads=1))


@pytest.fixture(scope="module")
def multicol(engine: OcrEngine) -> TextDetection:
    return engine.read_document(MULTICOL.read_bytes())


@pytest.fixture(scope="module")
def intake(engine: OcrEngine) -> TextDetection:
    return engine.read_document(INTAKE.read_bytes())


def words_of(page: Page) -> dict[str, Word]:
    return {word.text: word for line in page.lines for word in line.words}


def turned(path: Path, degrees: int) -> bytes:
    """The image turned clockwise, as a scanner that fed the page sideways would save it."""
    buffer = io.BytesIO()
    with Image.open(path) as image:
        image.convert("RGB").rotate(-degrees, expand=True).save(buffer, format="PNG")
    return buffer.getvalue()


def assert_near(word: Word, box: tuple[float, float, float, float]) -> None:
    """The word's centre lies within Textract's box grown by half its size each way."""
    left, top, width, height = box
    found = word.geometry.box
    centre_x, centre_y = found.left + found.width / 2, found.top + found.height / 2
    assert left - width / 2 <= centre_x <= left + 1.5 * width, word.text
    assert top - height / 2 <= centre_y <= top + 1.5 * height, word.text


def test_given_a_printed_page_when_read_then_textract_words_are_found_in_place(
    multicol: TextDetection,
) -> None:
    (page,) = multicol.pages
    assert (page.number, page.width, page.height, page.rotation) == (1, 421, 356, 0)
    found = words_of(page)
    for text, box in MULTICOL_TEXTRACT.items():
        assert text in found
        assert_near(found[text], box)


def test_given_two_columns_when_read_then_the_left_column_comes_first(
    multicol: TextDetection,
) -> None:
    texts = [line.text for line in multicol.pages[0].lines]
    left_end = next(i for i, t in enumerate(texts) if t.startswith("within one paragraph"))
    right_start = next(i for i, t in enumerate(texts) if t.startswith("A horizontally"))
    footer = next(i for i, t in enumerate(texts) if t.startswith("A final footer"))
    assert texts[0] == "Multi-column test document"
    assert left_end < right_start < footer


def test_every_geometry_is_page_relative_and_lines_hold_their_words(
    multicol: TextDetection, intake: TextDetection
) -> None:
    for detection in (multicol, intake):
        for line in detection.pages[0].lines:
            assert line.text == " ".join(word.text for word in line.words)
            for item in (line, *line.words):
                box = item.geometry.box
                assert 0.0 <= box.left <= box.right <= 1.0
                assert 0.0 <= box.top <= box.bottom <= 1.0
                assert all(0.0 <= p.x <= 1.0 and 0.0 <= p.y <= 1.0 for p in item.geometry.polygon)
                assert 0.0 <= item.confidence <= 1.0


def test_given_a_handwritten_form_when_read_then_filled_in_values_are_found(
    intake: TextDetection,
) -> None:
    found = words_of(intake.pages[0])
    for text, box in INTAKE_TEXTRACT.items():
        assert text in found
        assert_near(found[text], intake_box(box))
    assert {"ALEJANDRO", "Patient", "Birth:"} <= set(found)


def test_engine_reports_its_models_and_versions(multicol: TextDetection) -> None:
    assert multicol.engine.name == "rapidocr"
    assert "PP-OCRv6" in multicol.engine.version
    assert "onnxruntime" in multicol.engine.version


def test_detection_survives_the_json_round_trip(intake: TextDetection) -> None:
    assert loads(TextDetection, dumps(intake)) == intake


@pytest.mark.parametrize("degrees", [90, 180])
def test_given_a_page_scanned_turned_when_read_then_it_is_read_upright(
    engine: OcrEngine, degrees: int
) -> None:
    (page,) = engine.read_document(turned(MULTICOL, degrees)).pages
    # Page.rotation: how far the image must be turned clockwise to read it.
    assert page.rotation == (360 - degrees) % 360
    assert (page.width, page.height) == (421, 356)
    found = words_of(page)
    for text, box in MULTICOL_TEXTRACT.items():
        assert text in found
        assert_near(found[text], box)


def test_given_a_phone_photo_with_exif_orientation_then_it_is_read_upright(
    engine: OcrEngine,
) -> None:
    buffer = io.BytesIO()
    with Image.open(MULTICOL) as image:
        exif = Image.Exif()
        exif[0x0112] = 6  # "turn 90 degrees clockwise to display"
        image.convert("RGB").rotate(90, expand=True).save(buffer, format="JPEG", exif=exif)
    (page,) = engine.read_document(buffer.getvalue()).pages
    assert (page.width, page.height, page.rotation) == (421, 356, 0)
    assert {"Multi-column", "footer"} <= set(words_of(page))


def two_page_file(fmt: str) -> bytes:
    buffer = io.BytesIO()
    with Image.open(MULTICOL) as first, Image.open(NOTES) as second:
        pages = [first.convert("RGB"), second.convert("RGB")]
        pages[0].save(buffer, format=fmt, save_all=True, append_images=pages[1:], resolution=96)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["PDF", "TIFF"])
def test_given_a_two_page_file_when_read_then_both_pages_are_read(fmt: str) -> None:
    detection = detect_text(two_page_file(fmt), f"application/{fmt.lower()}")
    assert [page.number for page in detection.pages] == [1, 2]
    assert "Multi-column" in words_of(detection.pages[0])
    assert "Clonidine" in {w.text.strip(".,") for w in words_of(detection.pages[1]).values()}


@pytest.mark.parametrize(
    "data",
    [b"", b"not an image at all", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, b"%PDF-1.7 broken"],
    ids=["empty", "text", "truncated-png", "broken-pdf"],
)
def test_given_undecodable_bytes_then_invalid_document_is_raised(
    engine: OcrEngine, data: bytes
) -> None:
    with pytest.raises(InvalidDocument):
        engine.read_document(data)


def test_given_a_blank_page_then_it_has_no_lines(engine: OcrEngine) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 800), "white").save(buffer, format="PNG")
    (page,) = engine.read_document(buffer.getvalue()).pages
    assert (page.lines, page.width, page.height) == ([], 600, 800)


class MemoryBlobs:
    """A BlobStore fake holding bytes in a dict."""

    def __init__(self, blobs: dict[ObjectRef, bytes]) -> None:
        self.blobs = blobs

    def read(self, ref: ObjectRef) -> bytes:
        return self.blobs[ref]


def test_the_port_adapter_reads_the_blob_it_is_pointed_at() -> None:
    ref = ObjectRef("uploads", "scans/notes.png")
    detector = LocalTextDetector(MemoryBlobs({ref: NOTES.read_bytes()}))  # type: ignore[arg-type]
    detection = detector.detect(ref, "image/png")
    texts = {w.text.strip(".,") for w in words_of(detection.pages[0]).values()}
    assert {"Clonidine", "Vyvanse", "HEENT"} <= texts


def test_the_textract_shaped_output_reads_back_through_textractor(
    multicol: TextDetection,
) -> None:
    """`meddoc ocr --format textract` is a drop-in: textractor's own parser sees the same
    lines the engine read."""
    from textractor.parsers import response_parser

    from meddoc.exports.textract_json import to_textract_json

    parsed = response_parser.parse(to_textract_json(multicol))
    lines = [line.text for line in parsed.pages[0].lines]
    assert sorted(lines) == sorted(line.text for line in multicol.pages[0].lines)
    assert len(lines) > 10


def dkg_line_page() -> bytes:
    """One line in the dkg handwriting face, around which the detector draws a box about
    twice as tall as the ink (the letters then come out too small to read)."""
    face = next(f for f in HANDWRITING if f.name == "dkg handwriting")
    buffer = io.BytesIO()
    render_page("aspirin is required 20 mg po daily for 2 times as tab", face).save(
        buffer, format="PNG"
    )
    return buffer.getvalue()


def test_given_a_loose_box_around_handwriting_then_the_trimmed_line_is_read(
    engine: OcrEngine,
) -> None:
    (page,) = engine.read_document(dkg_line_page()).pages
    words = {w.text.lower() for line in page.lines for w in line.words}
    assert {"aspirin", "required", "daily", "times"} <= words
    (line,) = page.lines
    assert line.geometry.box.height < 0.05  # the trimmed band, not the loose box (0.07)


def test_given_rereading_off_then_the_loose_box_loses_the_line() -> None:
    # what the re-read recovers: without it the unsure line is dropped
    engine = OcrEngine(OcrConfig(threads=1, reread_threshold=0.0))
    (page,) = engine.read_document(dkg_line_page()).pages
    assert "aspirin" not in {w.text.lower() for line in page.lines for w in line.words}


def test_given_a_crop_with_blank_bands_then_trimming_keeps_the_ink_and_moves_the_box() -> None:
    crop = np.full((100, 300, 3), 255, dtype=np.uint8)
    crop[40:60, 10:290] = 0
    box = LineBox(np.array([[0.0, 0.0], [300.0, 0.0], [300.0, 100.0], [0.0, 100.0]]), 300, 100)
    trimmed = trim_to_ink(crop, box)
    assert trimmed is not None
    pixels, moved = trimmed
    assert pixels.shape[:2] == (20, 300)
    assert moved.corners.tolist() == [[0, 40], [300, 40], [300, 60], [0, 60]]
    assert trim_to_ink(pixels, moved) is None  # nothing left to trim


@pytest.mark.parametrize(
    "kind", ["png-tall", "pdf-nested-forms", "jpeg-scans", "png-text-bomb", "pdf-huge-page"]
)
def test_given_a_poison_file_handed_straight_to_the_engine_then_validations_reason(
    engine: OcrEngine, kind: str
) -> None:
    poison = BY_KIND[kind]
    with pytest.raises(InvalidDocument) as refused:
        engine.read_document(poison.make())
    assert poison.reason in str(refused.value)


def test_given_pixels_over_the_limits_then_the_page_is_refused_before_any_resize(
    engine: OcrEngine,
) -> None:
    with pytest.raises(InvalidDocument, match="the page is 10,001 x 100 pixels"):
        engine.read_page(np.full((100, 10_001, 3), 255, dtype=np.uint8))


def test_given_a_long_thin_strip_then_it_is_read_at_a_bounded_scale(engine: OcrEngine) -> None:
    # 100 x 10,000 pixels: scaled up by its short side to 736 it would be 5.4 GB of floats.
    page = engine.read_page(np.full((100, 10_000, 3), 255, dtype=np.uint8))
    assert (page.width, page.height, page.lines) == (10_000, 100, [])
