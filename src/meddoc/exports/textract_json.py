"""A text detection as a DetectDocumentText-shaped response (AnalyzeDocument-shaped when
its pages have fields, tables, checkboxes or layout), so tools written for Amazon
Textract's JSON can read the output of the offline engines unchanged."""

from __future__ import annotations

import uuid
from typing import Any

from meddoc.exports.textract_structure_json import BlockMaker, PageStructure
from meddoc.model import Geometry, Line, Page, TextDetection, Word

# Fixed namespace: the same detection always gets the same block ids.
_ID_NAMESPACE = uuid.UUID("6f1f0b8e-4d1c-5b7a-9a55-6d65646f6301")
_FULL_PAGE = Geometry.from_box(0.0, 0.0, 1.0, 1.0)


def to_textract_json(detection: TextDetection) -> dict[str, Any]:
    """PAGE, LINE and WORD blocks (Textract's order: each page's PAGE block, its
    LINEs, then their WORDs), then the structure blocks; confidences 0-100,
    page-relative geometry."""
    blocks: list[dict[str, Any]] = []
    for page in detection.pages:
        blocks.extend(_page_blocks(page))
    analysed = any(p.fields or p.tables or p.layout or p.selections for p in detection.pages)
    api = "AnalyzeDocument" if analysed else "DetectDocumentText"
    return {
        "DocumentMetadata": {"Pages": len(detection.pages)},
        "Blocks": blocks,
        f"{api}ModelVersion": detection.engine.version,
    }


def block_id(*path: int | str) -> str:
    """Deterministic id of the block at page / line / word index (1-based page), or of
    a structure block by its path (page, part, number...)."""
    return str(uuid.uuid5(_ID_NAMESPACE, "/".join(str(part) for part in path)))


def _page_blocks(page: Page) -> list[dict[str, Any]]:
    line_ids = [block_id(page.number, index) for index in range(len(page.lines))]
    structure = PageStructure(page, block_id, _structure_block(page.number))
    structure_blocks = structure.build()
    children = [*line_ids, *structure.top_level]
    page_block = _block("PAGE", block_id(page.number), page.number, _FULL_PAGE, children)
    line_blocks: list[dict[str, Any]] = []
    word_blocks: list[dict[str, Any]] = []
    for index, line in enumerate(page.lines):
        word_ids = [block_id(page.number, index, w) for w in range(len(line.words))]
        line_blocks.append(_line_block(line, line_ids[index], page.number, word_ids))
        word_blocks.extend(
            _word_block(word, word_id, page.number)
            for word, word_id in zip(line.words, word_ids, strict=True)
        )
    return [page_block, *line_blocks, *word_blocks, *structure_blocks]


def _structure_block(page: int) -> BlockMaker:
    def make(
        block_type: str,
        ident: str,
        geometry: Geometry,
        confidence: float,
        relations: dict[str, list[str]],
    ) -> dict[str, Any]:
        block = _block(block_type, ident, page, geometry, [])
        block["Confidence"] = confidence * 100.0
        kept = [{"Type": kind, "Ids": ids} for kind, ids in relations.items() if ids]
        if kept:
            block["Relationships"] = kept
        return block

    return make


def _line_block(line: Line, line_id: str, page: int, word_ids: list[str]) -> dict[str, Any]:
    block = _block("LINE", line_id, page, line.geometry, word_ids)
    block["Text"] = line.text
    block["Confidence"] = line.confidence * 100.0
    return block


def _word_block(word: Word, word_id: str, page: int) -> dict[str, Any]:
    block = _block("WORD", word_id, page, word.geometry, [])
    block["Text"] = word.text
    block["TextType"] = word.text_type.value
    block["Confidence"] = word.confidence * 100.0
    return block


def _block(
    block_type: str, ident: str, page: int, geometry: Geometry, children: list[str]
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "BlockType": block_type,
        "Id": ident,
        "Page": page,
        "Geometry": _geometry(geometry),
    }
    if children:
        block["Relationships"] = [{"Type": "CHILD", "Ids": children}]
    return block


def _geometry(geometry: Geometry) -> dict[str, Any]:
    box = geometry.box
    polygon = (
        geometry.polygon or Geometry.from_box(box.left, box.top, box.width, box.height).polygon
    )
    return {
        "BoundingBox": {
            "Width": box.width,
            "Height": box.height,
            "Left": box.left,
            "Top": box.top,
        },
        "Polygon": [{"X": point.x, "Y": point.y} for point in polygon],
    }
