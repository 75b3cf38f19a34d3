"""Amazon Textract responses (DetectDocumentText, AnalyzeDocument and the pages of an
async job) into pages, lines and words, in the order Textract gives them; AnalyzeDocument's
forms, tables and layout are read by textract_structure."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import Any

from meddoc.aws.textract_blocks import Block, confidence, geometry, related, unique_blocks
from meddoc.aws.textract_structure import add_structure
from meddoc.errors import TextDetectionFailed
from meddoc.model import Engine, Line, Page, TextDetection, TextType, Word

ENGINE_NAME = "amazon-textract"
_VERSION_KEYS = (
    "DetectDocumentTextModelVersion",
    "AnalyzeDocumentModelVersion",
    "AnalyzeExpenseModelVersion",
    "AnalyzeIDModelVersion",
)


def parse_textract(responses: list[dict[str, Any]]) -> TextDetection:
    """One sync response (a list of one) or every NextToken page of an async job."""
    blocks = unique_blocks(
        block for response in responses for block in response.get("Blocks") or []
    )
    line_ids = _lines_by_page(blocks)
    page_count = max([_declared_pages(responses), *line_ids], default=0)
    pages = [
        Page(number=n, lines=[_line(blocks[i], blocks) for i in line_ids.get(n, [])])
        for n in range(1, page_count + 1)
    ]
    add_structure(pages, blocks, line_ids)
    return TextDetection(pages=pages, engine=Engine(ENGINE_NAME, _version(responses)))


def parse_textract_pages(responses: Iterable[dict[str, Any]]) -> TextDetection:
    """Every result page of an async job, consumed one at a time: Textract returns the
    blocks in page order, so each page is parsed as soon as the next one begins and
    only one page's blocks are held. Should blocks ever come out of page order, the
    responses (an iterable that can be read again) are parsed whole, as parse_textract
    does."""
    try:
        return _in_page_order(responses)
    except _OutOfOrder:
        return parse_textract(list(responses))


def _in_page_order(responses: Iterable[dict[str, Any]]) -> TextDetection:
    stream = iter(responses)
    first = next(stream, {})
    pages: list[Page] = []
    held: list[Block] = []
    declared, current = 0, 0
    for response in itertools.chain([first], stream):
        declared = max(declared, _declared_pages([response]))
        for block in response.get("Blocks") or []:
            number = int(block.get("Page") or 1)
            if number < current:
                raise _OutOfOrder
            if number > current and held:
                pages.append(_one_page(held, current))
                held = []
            current = number
            held.append(block)
    if held:
        pages.append(_one_page(held, current))
    found = {page.number: page for page in pages}
    total = max([declared, *found], default=0)
    pages = [found.get(n) or Page(number=n) for n in range(1, total + 1)]
    return TextDetection(pages=pages, engine=Engine(ENGINE_NAME, _version([first])))


class _OutOfOrder(Exception):
    """Blocks of a page already parsed came after a later page's."""


def _one_page(held: list[Block], number: int) -> Page:
    blocks = unique_blocks(held)
    line_ids = _lines_by_page(blocks)
    page = Page(number=number, lines=[_line(blocks[i], blocks) for i in line_ids.get(number, [])])
    add_structure([page], blocks, {number: line_ids.get(number, [])})
    return page


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
        for child in related(block):
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
        for child in related(block)
        if blocks.get(child, {}).get("BlockType") == "WORD"
    ]
    text = block.get("Text")
    if text is None:
        text = " ".join(word.text for word in words)
    return Line(
        text=str(text),
        geometry=geometry(block, [word.geometry for word in words]),
        confidence=confidence(block),
        words=words,
    )


def _word(block: Block) -> Word:
    handwriting = block.get("TextType") == TextType.HANDWRITING.value
    return Word(
        text=str(block.get("Text", "")),
        geometry=geometry(block),
        confidence=confidence(block),
        text_type=TextType.HANDWRITING if handwriting else TextType.PRINTED,
    )


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
