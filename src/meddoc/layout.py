"""The document text: lines in reading order joined by newlines, pages by a blank line.
Offsets of every line and word into that text are recorded, so an entity found in the
text can be shown on the page image."""

from __future__ import annotations

from meddoc.model import Page

PAGE_BREAK = "\n\n"


def layout_text(pages: list[Page]) -> str:
    """Build the document text and set `begin` on every line and word."""
    parts: list[str] = []
    offset = 0
    for page_index, page in enumerate(pages):
        if page_index:
            parts.append(PAGE_BREAK)
            offset += len(PAGE_BREAK)
        for line_index, line in enumerate(page.lines):
            if line_index:
                parts.append("\n")
                offset += 1
            line.begin = offset
            cursor = 0
            for word in line.words:
                found = line.text.find(word.text, cursor)
                if found < 0:
                    word.begin = None
                    continue
                word.begin = offset + found
                cursor = found + len(word.text)
            parts.append(line.text)
            offset += len(line.text)
    return "".join(parts)
