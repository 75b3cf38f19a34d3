"""Label and value without a colon: a short label with its value further right on the
row ("SUBTOTAL      $1699.96", "MRN    947267"), or a label above its value as forms
with boxes print them ("Home Phone" over "414-2285")."""

from __future__ import annotations

from meddoc.local.structure.fields import FoundField, is_key
from meddoc.local.structure.words import Chunk, Row, chunks

LABEL_WORDS = 5  # a label holds at most this many words
BELOW = 0.8  # x word height: the most white between a label and the value under it


def find_pairs(rows: list[Row], height: float, skip: set[int]) -> list[FoundField]:
    """Pairs among the rows not in `skip` (fields found already, wide tables)."""
    parts = {i: chunks(list(row.tokens), height) for i, row in enumerate(rows) if i not in skip}
    found: list[FoundField] = []
    below_used: set[tuple[int, int]] = set()
    for index, row_parts in parts.items():
        if any(is_key(t) for t in rows[index].tokens):
            continue
        below = _below(rows, parts, index, height, below_used)
        found += below
        if not below and len(row_parts) == 2 and _label(row_parts[0]) and _value(row_parts[1]):
            found.append(_pair(row_parts[0], row_parts[1], {index}))
    return found


def _below(
    rows: list[Row],
    parts: dict[int, list[Chunk]],
    index: int,
    height: float,
    used: set[tuple[int, int]],
) -> list[FoundField]:
    """The row's labels with values under them (each value taken once)."""
    below = parts.get(index + 1)
    if below is None or rows[index + 1].top - rows[index].bottom > BELOW * height:
        return []
    if any(is_key(t) for t in rows[index + 1].tokens):
        return []
    found = []
    for number, label in enumerate(parts[index]):
        if (index, number) in used or not _label(label):
            continue  # a value of the row above is no label
        value = _under(label, below, height)
        if value is not None and (index + 1, value) not in used:
            used.add((index + 1, value))
            found.append(_pair(label, below[value], {index, index + 1}))
    return found


def _pair(label: Chunk, value: Chunk, rows: set[int]) -> FoundField:
    return FoundField(list(label.tokens), list(value.tokens), rows)


def _label(chunk: Chunk) -> bool:
    """A few words, one of them a word of letters, figures at most in a leading field
    number ("4d NUMBER", "Home Phone"; not "8 100 MARKET STREET")."""
    words = chunk.text.split()
    figures = [w for w in words[1:] if any(c.isdigit() for c in w)]
    wordy = any(w.isalpha() and len(w) >= 3 for w in words)
    return 1 <= len(words) <= LABEL_WORDS and wordy and not figures


def _value(chunk: Chunk) -> bool:
    return any(c.isdigit() for c in chunk.text) or "@" in chunk.text


def _under(label: Chunk, below: list[Chunk], height: float) -> int | None:
    """The chunk of the next row that starts under the label's start and holds a value
    (figures or an address), where the label has none."""
    for index, chunk in enumerate(below):
        if abs(chunk.left - label.left) <= height and _value(chunk):
            return index
    return None
