"""Form fields from rows of words: "Label: value" on one row (several per row where a
form puts them side by side), "Label:" with its value further right, and "Label:" with
its value on the row below. A value that runs on to the next row keeps going there."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from meddoc.local.structure.vocabulary import is_section_heading
from meddoc.local.structure.words import Chunk, Row, Token, chunks

BELOW_GAP = 1.2  # x word height: how far below its label a value may start
KEY_WORDS = 6  # a label longer than this is a sentence, not a label
WRAPPED = 0.85  # a value runs on to the next row only when it reached this far right


@dataclass(slots=True)
class FoundField:
    key: list[Token]
    value: list[Token]
    rows: set[int]  # indices of the rows the field covers


def is_key(token: Token) -> bool:
    """A label ends with a colon; a time ("10:30") does not."""
    return token.text.endswith(":") and not token.text[:-1].replace(" ", "").isdigit()


def find_fields(rows: list[Row], height: float, skip: set[int]) -> list[FoundField]:
    """Fields of the rows not in `skip` (rows that belong to a table)."""
    found: list[FoundField] = []
    used: set[int] = set()
    margin = max(t.right for row in rows for t in row.tokens) if rows else 0.0
    for index, row in enumerate(rows):
        if index in skip or index in used:
            continue
        row_fields = _row_fields(chunks(list(row.tokens), height))
        for key, value in row_fields:
            field = FoundField(key, value, {index})
            last = value[-1] if value else key[-1]
            wrapped = not value or last.right >= WRAPPED * margin
            if last is row.tokens[-1] and wrapped:
                _extend_below(field, rows, index, height, skip | used)
            used |= field.rows
            found.append(field)
    return found


def _row_fields(parts: list[Chunk]) -> list[tuple[list[Token], list[Token]]]:
    pairs: list[tuple[list[Token], list[Token]]] = []
    waiting = False  # the last pair's value is empty and may be the next chunk
    for chunk in parts:
        tokens = list(chunk.tokens)
        keys = [i for i, t in enumerate(tokens) if is_key(t)]
        if not keys:
            if waiting:
                pairs[-1][1].extend(tokens)
            waiting = False
            continue
        pairs.extend(_chunk_fields(tokens, keys))
        waiting = not pairs[-1][1]
    return [(key, value) for key, value in pairs if len(key) <= KEY_WORDS]


def _chunk_fields(tokens: list[Token], keys: list[int]) -> list[tuple[list[Token], list[Token]]]:
    """Within one chunk: the words between two labels are the first label's value and
    the second label's first words, split at the widest gap between them."""
    pairs: list[tuple[list[Token], list[Token]]] = []
    start = 0
    for number, colon in enumerate(keys):
        end = keys[number + 1] if number + 1 < len(keys) else None
        key = tokens[start : colon + 1]
        between = tokens[colon + 1 : end] if end is not None else tokens[colon + 1 :]
        if end is None:
            pairs.append((key, between))
            break
        if len(between) < 2:
            pairs.append((key, []))
            start = colon + 1
            continue
        gaps = [b.left - a.right for a, b in itertools.pairwise(between)]
        cut = gaps.index(max(gaps)) + 1
        pairs.append((key, between[:cut]))
        start = colon + 1 + cut
    return pairs


def _extend_below(
    field: FoundField, rows: list[Row], index: int, height: float, taken: set[int]
) -> None:
    """A label with nothing after it takes the row below as its value; a value that
    reaches the row's end takes the rows below it that continue it."""
    anchor = field.value or field.key
    left = field.key[0].left if not field.value else min(field.key[0].left, anchor[0].left)
    bottom = max(t.bottom for t in anchor)
    for below in range(index + 1, len(rows)):
        row = rows[below]
        if below in taken or row.top - bottom > BELOW_GAP * height:
            return
        if any(is_key(t) for t in row.tokens) or not _starts_under(row, left, anchor, height):
            return
        if is_section_heading(" ".join(t.text for t in row.tokens)):
            return
        field.value.extend(row.tokens)
        field.rows.add(below)
        bottom = row.bottom
        if len(field.rows) > 3:
            return


def _starts_under(row: Row, left: float, anchor: list[Token], height: float) -> bool:
    first = row.tokens[0]
    return left - height <= first.left <= anchor[0].left + height and row.tokens[-1].right > left
