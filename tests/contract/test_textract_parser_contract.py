"""parse_textract against real Textract responses (tests/fixtures/aws/textract), and
async jobs assembled from those real blocks the way Textract pages its results."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meddoc.aws.textract_parser import (
    parse_textract,
    textract_job_status,
    textract_next_token,
)
from meddoc.errors import TextDetectionFailed
from meddoc.model import TextDetection, TextType
from tests.contract.recorded import load_json, load_text, names

TEXTRACT = names("textract", ".textract.json")
TEXT_BLOCKS = {"PAGE", "LINE", "WORD"}


def recorded(name: str) -> dict[str, Any]:
    return dict(load_json(f"textract/{name}.textract.json"))


def line_texts(detection: TextDetection) -> list[list[str]]:
    return [[line.text for line in page.lines] for page in detection.pages]


def word_texts(detection: TextDetection) -> list[list[list[str]]]:
    return [[[w.text for w in line.words] for line in page.lines] for page in detection.pages]


def job_blocks(*pages: dict[str, Any], text_only: bool = False) -> list[dict[str, Any]]:
    """The blocks of an async job over a document whose pages Textract read as these
    sync responses: every block gets its 1-based "Page" and pages follow one another,
    as GetDocumentTextDetection / GetDocumentAnalysis list them. `text_only` keeps
    just PAGE/LINE/WORD, as text detection returns (PAGE still lists the ids of the
    analysis blocks then, which the parser must skip)."""
    return [
        {**block, "Page": number}
        for number, response in enumerate(pages, start=1)
        for block in response["Blocks"]
        if not text_only or block["BlockType"] in TEXT_BLOCKS
    ]


def job_responses(
    blocks: list[dict[str, Any]], cuts: list[int], pages: int
) -> list[dict[str, Any]]:
    """Cut the job's block list into NextToken-linked responses at `cuts` (MaxResults
    paging cuts anywhere, inside a page too); each carries the job's metadata."""
    bounds = [0, *sorted(set(cuts)), len(blocks)]
    chunks = [blocks[a:b] for a, b in itertools.pairwise(bounds) if b > a]
    responses = []
    for index, chunk in enumerate(chunks):
        response: dict[str, Any] = {
            "JobStatus": "SUCCEEDED",
            "DocumentMetadata": {"Pages": pages},
            "Blocks": chunk,
            "DetectDocumentTextModelVersion": "1.0",
        }
        if index < len(chunks) - 1:
            response["NextToken"] = f"token-{index + 1}"
        responses.append(response)
    return responses


@pytest.mark.parametrize("name", TEXTRACT)
def test_given_real_response_when_parsed_then_lines_are_textracts_lines_in_order(
    name: str,
) -> None:
    detection = parse_textract([recorded(name)])

    assert line_texts(detection) == [load_text(f"textract/{name}.lines.txt").splitlines()]


@pytest.mark.parametrize("name", ["textractor_test_page1", "patient_intake_scan"])
def test_given_blocks_listed_in_another_order_then_relationships_give_reading_order(
    name: str,
) -> None:
    response = recorded(name)
    shuffled = {**response, "Blocks": list(reversed(response["Blocks"]))}

    assert word_texts(parse_textract([shuffled])) == word_texts(parse_textract([response]))


@pytest.mark.parametrize("name", TEXTRACT)
def test_given_real_response_when_parsed_then_every_word_block_is_in_a_line(name: str) -> None:
    response = recorded(name)
    word_blocks = [b["Text"] for b in response["Blocks"] if b["BlockType"] == "WORD"]

    detection = parse_textract([response])

    words = [w.text for page in detection.pages for line in page.lines for w in line.words]
    assert sorted(words) == sorted(word_blocks)
    assert all(
        " ".join(w.text for w in line.words) == line.text
        for page in detection.pages
        for line in page.lines
    )


def test_given_intake_scan_when_parsed_then_handwriting_is_where_textract_marked_it() -> None:
    detection = parse_textract([recorded("patient_intake_scan")])

    handwritten = [
        (line.text, word.text)
        for line in detection.pages[0].lines
        for word in line.words
        if word.text_type is TextType.HANDWRITING
    ]
    assert handwritten == [
        ("Date of Birth: 10/10/1982", "10/10/1982"),
        ("Marital Status: MARRIED", "MARRIED"),
    ]


@pytest.mark.parametrize("name", ["textractor_test_page1", "contract_terms_strip", "fake_id"])
def test_given_printed_document_when_parsed_then_no_word_is_handwriting(name: str) -> None:
    detection = parse_textract([recorded(name)])

    types = {w.text_type for p in detection.pages for line in p.lines for w in line.words}
    assert types == {TextType.PRINTED}


@pytest.mark.parametrize("name", TEXTRACT)
def test_given_real_response_when_parsed_then_confidence_and_geometry_are_0_to_1(
    name: str,
) -> None:
    detection = parse_textract([recorded(name)])

    items = [(line.confidence, line.geometry) for p in detection.pages for line in p.lines]
    items += [
        (w.confidence, w.geometry) for p in detection.pages for line in p.lines for w in line.words
    ]
    for confidence, geometry in items:
        box = geometry.box
        assert 0.0 <= confidence <= 1.0
        assert 0.0 <= box.left <= box.right <= 1.0
        assert 0.0 <= box.top <= box.bottom <= 1.0
        assert len(geometry.polygon) == 4
        assert all(0.0 <= p.x <= 1.0 and 0.0 <= p.y <= 1.0 for p in geometry.polygon)


@pytest.mark.parametrize("name", TEXTRACT)
def test_given_real_response_when_parsed_then_each_word_sits_inside_its_line(name: str) -> None:
    detection = parse_textract([recorded(name)])

    for line in detection.pages[0].lines:
        box = line.geometry.box
        for word in line.words:
            center_x = word.geometry.box.left + word.geometry.box.width / 2
            center_y = word.geometry.box.top + word.geometry.box.height / 2
            assert box.left <= center_x <= box.right
            assert box.top <= center_y <= box.bottom


def test_given_first_line_when_parsed_then_its_numbers_are_textracts_scaled() -> None:
    response = recorded("textractor_test_page1")
    raw = next(b for b in response["Blocks"] if b["BlockType"] == "LINE")

    line = parse_textract([response]).pages[0].lines[0]

    raw_box = raw["Geometry"]["BoundingBox"]
    assert line.text == raw["Text"] == "Textractor Test"
    assert line.confidence == pytest.approx(raw["Confidence"] / 100)
    assert (line.geometry.box.left, line.geometry.box.top) == (raw_box["Left"], raw_box["Top"])
    assert (line.geometry.box.width, line.geometry.box.height) == (
        raw_box["Width"],
        raw_box["Height"],
    )
    assert [(p.x, p.y) for p in line.geometry.polygon] == [
        (p["X"], p["Y"]) for p in raw["Geometry"]["Polygon"]
    ]


@pytest.mark.parametrize(
    ("name", "version_key"),
    [
        ("textractor_test_page1", "DetectDocumentTextModelVersion"),
        ("fake_id", "AnalyzeDocumentModelVersion"),
    ],
)
def test_given_response_when_parsed_then_engine_is_textract_with_its_model_version(
    name: str, version_key: str
) -> None:
    response = recorded(name)
    assert response[version_key] == "1.0"

    engine = parse_textract([response]).engine
    del response[version_key]
    unversioned = parse_textract([response]).engine

    assert (engine.name, engine.version) == ("amazon-textract", "1.0")
    assert unversioned.version == "unknown"


def test_given_box_past_the_page_edge_when_parsed_then_it_is_clamped_to_the_page() -> None:
    response = copy.deepcopy(recorded("textractor_test_page1"))
    raw_box = next(b for b in response["Blocks"] if b["BlockType"] == "LINE")["Geometry"]
    raw_box["BoundingBox"].update(Left=-0.02, Top=0.95, Width=0.5, Height=0.1)

    box = parse_textract([response]).pages[0].lines[0].geometry.box
    raw_box["BoundingBox"].update(Left=box.left, Top=box.top, Width=box.width, Height=box.height)
    again = parse_textract([response]).pages[0].lines[0].geometry.box

    assert (box.left, box.top) == (0.0, 0.95)
    assert (box.width, box.height) == (pytest.approx(0.48), pytest.approx(0.05))
    assert box.right <= 1.0
    assert box.bottom <= 1.0
    assert again == box


def test_given_two_nexttoken_responses_cut_inside_page_one_then_pages_merge() -> None:
    first, second = recorded("textractor_test_page1"), recorded("contract_terms_strip")
    blocks = job_blocks(first, second, text_only=True)
    page_one_size = sum(1 for b in blocks if b["Page"] == 1)
    responses = job_responses(blocks, cuts=[page_one_size - 20], pages=2)
    assert len(responses) == 2
    assert textract_next_token(responses[0]) == "token-1"
    assert textract_next_token(responses[1]) is None

    detection = parse_textract(responses)

    assert [page.number for page in detection.pages] == [1, 2]
    assert line_texts(detection) == [
        load_text("textract/textractor_test_page1.lines.txt").splitlines(),
        load_text("textract/contract_terms_strip.lines.txt").splitlines(),
    ]
    assert word_texts(detection) == [
        word_texts(parse_textract([first]))[0],
        word_texts(parse_textract([second]))[0],
    ]


def test_given_analysis_job_with_forms_and_tables_then_only_text_blocks_are_read() -> None:
    pages = [recorded("fake_id"), recorded("patient_intake_scan")]
    blocks = job_blocks(*pages)
    assert {b["BlockType"] for b in blocks} > TEXT_BLOCKS | {"KEY_VALUE_SET", "TABLE"}

    detection = parse_textract(job_responses(blocks, cuts=[100, 250, 400], pages=2))

    assert line_texts(detection) == [
        load_text("textract/fake_id.lines.txt").splitlines(),
        load_text("textract/patient_intake_scan.lines.txt").splitlines(),
    ]
    handwriting = [
        w.text
        for line in detection.pages[1].lines
        for w in line.words
        if w.text_type is TextType.HANDWRITING
    ]
    assert handwriting == ["10/10/1982", "MARRIED"]


def test_given_blank_pages_when_parsed_then_each_still_yields_an_empty_page() -> None:
    first = recorded("textractor_test_page1")
    blank = {
        key: value
        for key, value in first["Blocks"][0].items()
        if key not in ("Relationships", "Id")
    }
    blank["Id"] = "00000000-0000-4000-8000-000000000002"
    blocks = job_blocks(first, {"Blocks": [blank]}, text_only=True)
    # Page 3 is declared by DocumentMetadata but has no block at all.
    detection = parse_textract(job_responses(blocks, cuts=[60], pages=3))

    assert [page.number for page in detection.pages] == [1, 2, 3]
    assert [len(page.lines) for page in detection.pages] == [24, 0, 0]


def test_given_retried_fetch_repeating_blocks_then_nothing_is_doubled() -> None:
    blocks = job_blocks(recorded("textractor_test_page1"))
    responses = job_responses(blocks, cuts=[40], pages=1)
    repeated = [responses[0], responses[0], responses[1]]

    assert line_texts(parse_textract(repeated)) == line_texts(parse_textract(responses))


def test_given_line_no_page_lists_and_a_missing_word_then_both_lines_survive() -> None:
    response = copy.deepcopy(recorded("textractor_test_page1"))
    page = response["Blocks"][0]
    lines = [b for b in response["Blocks"] if b["BlockType"] == "LINE"]
    page["Relationships"][0]["Ids"].remove(lines[1]["Id"])
    first_word = lines[0]["Relationships"][0]["Ids"][0]
    response["Blocks"] = [b for b in response["Blocks"] if b["Id"] != first_word]

    parsed = parse_textract([response]).pages[0].lines

    assert [line.text for line in parsed[:2]] == ["Textractor Test", "Page (1)"]
    assert parsed[-1].text == "Document"
    assert [w.text for w in parsed[0].words] == ["Test"]


@settings(max_examples=40, deadline=None)
@given(cuts=st.lists(st.integers(min_value=1, max_value=170), max_size=6))
def test_given_any_nexttoken_paging_then_the_result_is_the_same(cuts: list[int]) -> None:
    pages = [recorded("textractor_test_page1"), recorded("contract_terms_strip")]
    blocks = job_blocks(*pages, text_only=True)
    whole = parse_textract(job_responses(blocks, cuts=[], pages=2))

    paged = parse_textract(job_responses(blocks, cuts=cuts, pages=2))

    assert paged.pages == whole.pages


@pytest.mark.parametrize("status", ["IN_PROGRESS", "SUCCEEDED", "FAILED", "PARTIAL_SUCCESS"])
def test_given_async_response_then_job_status_is_read(status: str) -> None:
    assert textract_job_status({"JobStatus": status, "Blocks": []}) == status


def test_given_response_without_job_status_then_status_is_an_error() -> None:
    with pytest.raises(TextDetectionFailed, match="JobStatus"):
        textract_job_status(recorded("textractor_test_page1"))
