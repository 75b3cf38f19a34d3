"""Amazon Textract responses (DetectDocumentText, AnalyzeDocument and the pages of an
async job) into pages, lines and words, in the order Textract gives them."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from meddoc.errors import TextDetectionFailed
from meddoc.model import (
    BoundingBox,
    Engine,
    Geometry,
    Line,
    Page,
    Point,
    TextDetection,
    TextType,
    Word,
)

ENGINE_NAME = "amazon-textract"
_VERSION_KEYS = (
    "DetectDocumentTextModelVersion",
    "AnalyzeDocumentModelVersion",
    "AnalyzeExpenseModelVersion",
    "AnalyzeIDModelVersion",
)

Block = Mapping[str, Any]


def parse_textract(responses: list[dict[str, Any]]) -> TextDetection:
    """One sync response (a list of one) or every NextToken page of an async job."""
    blocks = _unique_blocks(block for response in responses for block in response["Blocks"])
    line_ids = _lines_by_page(blocks)
    page_count = max([_declared_pages(responses), *line_ids], default=0)
    pages = [
        Page(number=n, lines=[_line(blocks[i], blocks) for i in line_ids.get(n, [])])
        for n in range(1, page_count + 1)
    ]
    return TextDetection(pages=pages, engine=Engine(ENGINE_NAME, _version(responses)))


def textract_next_token(response: Mapping[str, Any]) -> str | None:
    """The token for the next page of an async job's results, None on the last page."""
    token = response.get("NextToken")
    return str(token) if token else None


def textract_job_status(response: Mapping[str, Any]) -> str:
    """IN_PROGRESS | SUCCEEDED | FAILED | PARTIAL_SUCCESS of an async Get* response."""
    status = response.get("JobStatus")
    if not status:
        raise TextDetectionFailed("Textract response has no JobStatus")
    return str(status)


def _unique_blocks(blocks: Iterable[Block]) -> dict[str, Block]:
    # A retried page fetch may repeat blocks; the first copy wins, order is kept.
    unique: dict[str, Block] = {}
    for block in blocks:
        unique.setdefault(block["Id"], block)
    return unique


def _children(block: Block) -> list[str]:
    return [
        child
        for relationship in block.get("Relationships") or []
        if relationship.get("Type") == "CHILD"
        for child in relationship.get("Ids") or []
    ]


def _lines_by_page(blocks: dict[str, Block]) -> dict[int, list[str]]:
    """LINE ids per page number, in reading order. A block's page is its "Page" field
    (async responses), else the position of the PAGE block listing it (sync: one page).
    PAGE's CHILD order is Textract's reading order; LINEs no PAGE lists (a PAGE block
    missing from a partial result) follow in block order, so none is lost."""
    listed: dict[int, list[str]] = {}
    listed_page: dict[str, int] = {}
    ordinal = 0
    for block in blocks.values():
        if block["BlockType"] != "PAGE":
            continue
        ordinal += 1
        number = int(block.get("Page") or ordinal)
        listed.setdefault(number, [])
        for child in _children(block):
            line = blocks.get(child)
            if line is not None and line["BlockType"] == "LINE" and child not in listed_page:
                listed_page[child] = int(line.get("Page") or number)
                listed.setdefault(listed_page[child], []).append(child)
    for block_id, block in blocks.items():
        if block["BlockType"] == "LINE" and block_id not in listed_page:
            listed.setdefault(int(block.get("Page") or 1), []).append(block_id)
    return listed


def _line(block: Block, blocks: dict[str, Block]) -> Line:
    words = [
        _word(blocks[child])
        for child in dict.fromkeys(_children(block))
        if blocks.get(child, {}).get("BlockType") == "WORD"
    ]
    text = block.get("Text")
    if text is None:
        text = " ".join(word.text for word in words)
    return Line(
        text=str(text),
        geometry=_geometry(block, words),
        confidence=_confidence(block),
        words=words,
    )


def _word(block: Block) -> Word:
    handwriting = block.get("TextType") == TextType.HANDWRITING.value
    return Word(
        text=str(block.get("Text", "")),
        geometry=_geometry(block, []),
        confidence=_confidence(block),
        text_type=TextType.HANDWRITING if handwriting else TextType.PRINTED,
    )


def _confidence(block: Block) -> float:
    return _clamp(float(block.get("Confidence", 0.0)) / 100.0)


def _geometry(block: Block, words: list[Word]) -> Geometry:
    raw = block.get("Geometry") or {}
    box = raw.get("BoundingBox")
    polygon = tuple(_point(float(p["X"]), float(p["Y"])) for p in raw.get("Polygon") or [])
    if box:
        return Geometry(_box(box), polygon)
    if polygon:
        return Geometry.from_polygon(polygon)
    if words:
        return Geometry.enclosing([word.geometry for word in words])
    return Geometry.from_box(0.0, 0.0, 0.0, 0.0)


def _box(raw: Mapping[str, Any]) -> BoundingBox:
    left, top = float(raw["Left"]), float(raw["Top"])
    width, height = float(raw["Width"]), float(raw["Height"])
    if left >= 0 and top >= 0 and left + width <= 1 and top + height <= 1:
        return BoundingBox(left, top, width, height)
    # Textract reports slightly-off-page boxes (e.g. 1.00000003, or text cut at the
    # edge); the model promises 0-1. Clamping only when out of range keeps in-range
    # values bit-exact, and a clamped box stays in range when parsed again.
    right, bottom = _clamp(left + width), _clamp(top + height)
    left, top = _clamp(left), _clamp(top)
    return BoundingBox(left, top, _fit(left, right - left), _fit(top, bottom - top))


def _fit(start: float, length: float) -> float:
    """The largest length <= `length` with start + length <= 1 in float arithmetic."""
    length = max(0.0, length)
    while start + length > 1.0:
        length = math.nextafter(length, 0.0)
    return length


def _point(x: float, y: float) -> Point:
    if 0.0 <= x <= 1.0 and 0.0 <= y <= 1.0:  # nearly always; clamping is the slow path
        return Point(x, y)
    return Point(_clamp(x), _clamp(y))


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _declared_pages(responses: list[dict[str, Any]]) -> int:
    return max(
        (int((r.get("DocumentMetadata") or {}).get("Pages") or 0) for r in responses),
        default=0,
    )


def _version(responses: list[dict[str, Any]]) -> str:
    for response in responses:
        for key in _VERSION_KEYS:
            if response.get(key):
                return str(response[key])
    return "unknown"
