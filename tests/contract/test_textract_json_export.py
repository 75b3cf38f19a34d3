"""to_textract_json: the DetectDocumentText shape, read back by our parser and by the
amazon-textract-textractor package exactly as they read Textract's own responses (the
structure blocks: test_textract_structure_export.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textractor.parsers import response_parser

from meddoc.aws.textract_parser import parse_textract
from meddoc.exports.textract_json import to_textract_json
from meddoc.model import Engine, Geometry, Line, Page, TextDetection, TextType, Word
from tests.contract.recorded import load_json, names

TEXTRACT = names("textract", ".textract.json")


def recorded(name: str) -> dict[str, Any]:
    return dict(load_json(f"textract/{name}.textract.json"))


def shape(detection: TextDetection) -> list[Any]:
    """Everything the export carries, confidences rounded (x100 then /100 in floats)."""
    return [
        (
            page.number,
            [
                (
                    line.text,
                    line.geometry,
                    round(line.confidence, 9),
                    [
                        (w.text, w.geometry, round(w.confidence, 9), w.text_type)
                        for w in line.words
                    ],
                )
                for line in page.lines
            ],
        )
        for page in detection.pages
    ]


def textractor_lines(response: dict[str, Any]) -> list[tuple[str, list[str]]]:
    document = response_parser.parse(json.loads(json.dumps(response)))
    return [(line.text, [word.text for word in line.words]) for line in document.lines]


@pytest.mark.parametrize("name", TEXTRACT)
def test_given_parsed_real_response_when_exported_and_parsed_again_then_nothing_changes(
    name: str,
) -> None:
    detection = parse_textract([recorded(name)])

    again = parse_textract([json.loads(json.dumps(to_textract_json(detection)))])

    assert shape(again) == shape(detection)
    assert again.engine.version == detection.engine.version == "1.0"


@pytest.mark.parametrize("name", TEXTRACT)
def test_given_export_when_textractor_reads_it_then_it_sees_what_it_sees_in_textracts_json(
    name: str,
) -> None:
    response = recorded(name)

    exported = to_textract_json(parse_textract([response]))

    assert textractor_lines(exported) == textractor_lines(response)


def test_given_detection_when_exported_then_blocks_have_detectdocumenttext_shape() -> None:
    response = recorded("patient_intake_scan")
    text_blocks = [b for b in response["Blocks"] if b["BlockType"] in ("PAGE", "LINE", "WORD")]
    detection = parse_textract([{**response, "Blocks": text_blocks}])

    exported = to_textract_json(detection)

    blocks = exported["Blocks"]
    assert exported["DocumentMetadata"] == {"Pages": 1}
    assert exported["DetectDocumentTextModelVersion"] == "1.0"
    assert [b["BlockType"] for b in blocks[:2]] == ["PAGE", "LINE"]
    assert {b["BlockType"] for b in blocks} == {"PAGE", "LINE", "WORD"}
    by_id = {b["Id"]: b for b in blocks}
    assert len(by_id) == len(blocks)
    for block in blocks:
        assert block["Page"] == 1
        assert set(block["Geometry"]["BoundingBox"]) == {"Width", "Height", "Left", "Top"}
        assert all(set(point) == {"X", "Y"} for point in block["Geometry"]["Polygon"])
        for relationship in block.get("Relationships", []):
            assert relationship["Type"] == "CHILD"
            assert all(child in by_id for child in relationship["Ids"])
    words = [b for b in blocks if b["BlockType"] == "WORD"]
    assert all(b["TextType"] in ("PRINTED", "HANDWRITING") for b in words)
    assert [b["Text"] for b in words if b["TextType"] == "HANDWRITING"] == [
        "10/10/1982",
        "MARRIED",
    ]
    assert all("TextType" not in b for b in blocks if b["BlockType"] != "WORD")
    first_line = next(b for b in blocks if b["BlockType"] == "LINE")
    assert first_line["Confidence"] == pytest.approx(99.87031555175781)


def test_given_same_detection_when_exported_twice_then_ids_are_the_same() -> None:
    detection = parse_textract([recorded("fake_id")])

    first, second = to_textract_json(detection), to_textract_json(detection)

    assert [b["Id"] for b in first["Blocks"]] == [b["Id"] for b in second["Blocks"]]
    assert first["Blocks"][0]["Id"] != first["Blocks"][1]["Id"]


def test_given_word_without_polygon_when_exported_then_box_corners_are_the_polygon() -> None:
    box = Geometry.from_box(0.1, 0.2, 0.3, 0.05).box
    word = Word("x", Geometry(box), 0.9)
    line = Line("x", Geometry(box), 0.9, [word])
    detection = TextDetection([Page(1, [line])], Engine("offline-ocr", "2.1"))

    exported = to_textract_json(detection)

    polygon = exported["Blocks"][-1]["Geometry"]["Polygon"]
    assert [(p["X"], p["Y"]) for p in polygon] == [
        (0.1, 0.2),
        (pytest.approx(0.4), 0.2),
        (pytest.approx(0.4), pytest.approx(0.25)),
        (0.1, pytest.approx(0.25)),
    ]
    assert exported["DetectDocumentTextModelVersion"] == "2.1"


# --- generated detections -----------------------------------------------------------

unit = st.integers(min_value=0, max_value=1000).map(lambda n: n / 1000)


@st.composite
def geometries(draw: st.DrawFn) -> Geometry:
    left, top = draw(unit), draw(unit)
    width = draw(unit) * (1 - left)
    height = draw(unit) * (1 - top)
    geometry = Geometry.from_box(left, top, width, height)
    # Keep only what Textract could send: every coordinate on the page.
    values = [v for p in geometry.polygon for v in (p.x, p.y)]
    values += [geometry.box.right, geometry.box.bottom]
    if any(v > 1.0 for v in values):
        return Geometry.from_box(left, top, 0.0, 0.0)
    return geometry


texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12
).filter(lambda text: text.strip() == text and " " not in text)
confidences = st.integers(min_value=0, max_value=10_000).map(lambda n: n / 10_000)

words = st.builds(
    Word,
    text=texts,
    geometry=geometries(),
    confidence=confidences,
    text_type=st.sampled_from(TextType),
)


@st.composite
def lines(draw: st.DrawFn, min_words: int = 0) -> Line:
    line_words = draw(st.lists(words, min_size=min_words, max_size=5))
    text = " ".join(w.text for w in line_words) or draw(texts)
    return Line(text, draw(geometries()), draw(confidences), line_words)


@st.composite
def detections(draw: st.DrawFn, min_words: int = 0) -> TextDetection:
    page_lines = draw(st.lists(st.lists(lines(min_words), max_size=4), min_size=1, max_size=3))
    pages = [Page(number, found) for number, found in enumerate(page_lines, start=1)]
    return TextDetection(pages, Engine("offline-ocr", draw(st.sampled_from(["1.0", "2.3.4"]))))


@settings(max_examples=60, deadline=None)
@given(detection=detections())
def test_given_any_detection_when_exported_then_parsing_gives_it_back(
    detection: TextDetection,
) -> None:
    exported = json.loads(json.dumps(to_textract_json(detection)))

    again = parse_textract([exported])

    assert shape(again) == shape(detection)
    assert again.engine.version == detection.engine.version


# textractor builds its lines from WORD blocks, so a LINE without words (which
# Textract never sends, but an offline engine may produce) is invisible to it.
@settings(max_examples=25, deadline=None)
@given(detection=detections(min_words=1))
def test_given_any_detection_when_exported_then_textractor_reads_every_line(
    detection: TextDetection,
) -> None:
    exported = to_textract_json(detection)

    seen = sorted(text for text, _ in textractor_lines(exported))

    assert seen == sorted(line.text for page in detection.pages for line in page.lines)
