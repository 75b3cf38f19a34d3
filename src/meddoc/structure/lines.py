"""The document text as lines with their offsets, page and layout kind, and the offsets of
the words that form fields and table cells refer to: what sections are read from."""

from __future__ import annotations

from dataclasses import dataclass

from meddoc.layout import PAGE_BREAK
from meddoc.model import Document, Page
from meddoc.model_structure import LayoutKind, WordRef


@dataclass(frozen=True, slots=True)
class TextLine:
    page: int  # 1-based
    begin: int  # offset of the line in Document.text
    text: str
    layout: LayoutKind | None = None  # the layout block holding it, when known
    block: int = -1  # which layout block of its page, when known

    @property
    def end(self) -> int:
        return self.begin + len(self.text)


def text_lines(document: Document) -> list[TextLine]:
    """The lines of the document text. From the pages when their offsets agree with the
    text (then each line knows its layout block); else from the text alone, a blank
    line between pages as the layout made it."""
    from_pages = _page_lines(document)
    return from_pages if from_pages is not None else _plain_lines(document.text)


def _page_lines(document: Document) -> list[TextLine] | None:
    lines: list[TextLine] = []
    for page in document.pages:
        blocks = _blocks_by_line(page)
        for index, line in enumerate(page.lines):
            if line.begin is None:
                return None
            if len(document.text) < line.begin + len(line.text):
                return None
            # The text, not the line: a masked text masks the same characters.
            text = document.text[line.begin : line.begin + len(line.text)]
            kind, block = blocks.get(index, (None, -1))
            lines.append(TextLine(page.number, line.begin, text, kind, block))
    return lines if lines or not document.text.strip() else None


def _blocks_by_line(page: Page) -> dict[int, tuple[LayoutKind, int]]:
    found: dict[int, tuple[LayoutKind, int]] = {}
    for number, block in enumerate(page.layout):
        for index in block.lines:
            found.setdefault(index, (block.kind, number))
    return found


def _plain_lines(text: str) -> list[TextLine]:
    lines: list[TextLine] = []
    page, offset = 1, 0
    for number, chunk in enumerate(text.split(PAGE_BREAK)):
        page = number + 1
        for part in chunk.split("\n"):
            lines.append(TextLine(page, offset, part))
            offset += len(part) + 1
        offset += len(PAGE_BREAK) - 1
    return [line for line in lines if line.text.strip()]


def word_span(page: Page, words: list[WordRef]) -> tuple[int, int] | None:
    """Where a field part's or a cell's words are in the document text."""
    spans = []
    for ref in words:
        if ref.line >= len(page.lines) or ref.word >= len(page.lines[ref.line].words):
            continue
        word = page.lines[ref.line].words[ref.word]
        if word.begin is not None:
            spans.append((word.begin, word.begin + len(word.text)))
    if not spans:
        return None
    return min(b for b, _ in spans), max(e for _, e in spans)
