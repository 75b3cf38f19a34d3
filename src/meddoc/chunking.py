"""Split a text into pieces under a service's byte limit, cutting at line breaks, then
sentence ends, then spaces; and shift spans found in a piece back onto the whole text."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from meddoc.model import MedicalEntity, Span

_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")
_SPACE = re.compile(r"\s+")

S = TypeVar("S", bound=Span)


@dataclass(frozen=True, slots=True)
class Chunk:
    begin: int  # offset of the piece in the whole text
    text: str


def utf8_size(text: str) -> int:
    return len(text.encode("utf-8"))


def chunk_text(text: str, max_bytes: int) -> list[Chunk]:
    """Contiguous pieces of `text`, each at most `max_bytes` in UTF-8, together covering
    the whole text: "".join(c.text for c in chunks) == text."""
    if max_bytes < 4:
        raise ValueError("max_bytes must leave room for one character")
    chunks: list[Chunk] = []
    start = 0
    size = 0
    for piece_begin, piece in _pieces(text, max_bytes):
        piece_size = utf8_size(piece)
        if size and size + piece_size > max_bytes:
            chunks.append(Chunk(start, text[start:piece_begin]))
            start, size = piece_begin, 0
        size += piece_size
    if start < len(text) or not chunks:
        chunks.append(Chunk(start, text[start:]))
    return chunks


def _pieces(text: str, max_bytes: int) -> Iterator[tuple[int, str]]:
    """Lines (with their newline), each further split until it fits the limit."""
    offset = 0
    for line in text.splitlines(keepends=True):
        yield from _fit(offset, line, max_bytes, (_SENTENCE_END, _SPACE))
        offset += len(line)


def _fit(
    begin: int, piece: str, max_bytes: int, separators: tuple[re.Pattern[str], ...]
) -> Iterator[tuple[int, str]]:
    if utf8_size(piece) <= max_bytes:
        yield begin, piece
        return
    if not separators:
        yield from _hard_split(begin, piece, max_bytes)
        return
    cuts = [m.end() for m in separators[0].finditer(piece) if 0 < m.end() < len(piece)]
    if not cuts:
        yield from _fit(begin, piece, max_bytes, separators[1:])
        return
    previous = 0
    for cut in [*cuts, len(piece)]:
        yield from _fit(begin + previous, piece[previous:cut], max_bytes, separators[1:])
        previous = cut


def _hard_split(begin: int, piece: str, max_bytes: int) -> Iterator[tuple[int, str]]:
    start = 0
    size = 0
    for index, char in enumerate(piece):
        char_size = utf8_size(char)
        if size + char_size > max_bytes:
            yield begin + start, piece[start:index]
            start, size = index, 0
        size += char_size
    yield begin + start, piece[start:]


def shift_spans(spans: Sequence[S], chunk: Chunk) -> list[S]:
    """Copies of spans found in `chunk.text`, with offsets into the whole text."""
    shifted = []
    for span in spans:
        moved = copy.deepcopy(span)
        _shift(moved, chunk.begin)
        shifted.append(moved)
    return shifted


def _shift(span: Span, delta: int) -> None:
    span.begin += delta
    span.end += delta
    if isinstance(span, MedicalEntity):
        for attribute in span.attributes:
            _shift(attribute, delta)
