"""Label and value without a colon: a short label with its value further right on the
row ("SUBTOTAL      $1699.96", "MRN    947267"), or a label above its value as forms
with boxes print them ("Home Phone" over "414-2285")."""

from __future__ import annotations

from meddoc.local.structure.fields import FoundField, is_key
from meddoc.local.structure.words import Chunk, Row, Token, chunks

LABEL_WORDS = 8  # a label holds at most this many words
BELOW = 1.2  # x word height: the most white between a label and the value under it
DASHED_LABEL = 3  # words of a label in capitals before a dash ("TRANS ID -")
DASHED_VALUE = 2  # ... and of its value


def find_pairs(rows: list[Row], height: float, skip: set[int]) -> list[FoundField]:
    """Pairs among the rows not in `skip` (fields found already, wide tables)."""
    parts = {i: chunks(list(row.tokens), height) for i, row in enumerate(rows) if i not in skip}
    found: list[FoundField] = []
    below_used: set[tuple[int, int]] = set()
    beside_used: set[int] = set()
    for index, row_parts in parts.items():
        if index in beside_used or any(is_key(t) for t in rows[index].tokens):
            continue
        below = _below(rows, parts, index, height, below_used)
        found += below
        if below:
            continue
        if len(row_parts) >= 2 and _label(row_parts[-2]) and _value(row_parts[-1]):
            # the last two: a form's right-hand column beside an address block
            found.append(_pair(row_parts[-2], row_parts[-1], {index}))
        elif len(row_parts) == 1 and (dashed := _dashed(row_parts[0])) is not None:
            found.append(FoundField(dashed[0], dashed[1], {index}))
        elif len(row_parts) == 1 and _label(row_parts[0]):
            beside = _beside(rows, parts, index, beside_used)
            if beside is not None:
                beside_used.add(beside)
                found.append(_pair(row_parts[0], parts[beside][0], {index, beside}))
    return found


def _dashed(chunk: Chunk) -> tuple[list[Token], list[Token]] | None:
    """A label in capitals, a dash and a short value, as receipts print them
    ("VALIDATION - 1271", "TRANS ID -2516267815C098E0"); the dash stays with the label."""
    tokens = list(chunk.tokens)
    for cut, token in enumerate(tokens[1 : DASHED_LABEL + 1], start=1):
        if token.text == "-" or (token.text.startswith("-") and token.text[1:2].isalnum()):
            label, value = tokens[:cut], tokens[cut:]
            if token.text == "-":
                label, value = tokens[: cut + 1], tokens[cut + 1 :]
            shouting = all(t.text.isalpha() and t.text.isupper() for t in tokens[:cut])
            if shouting and 1 <= len(value) <= DASHED_VALUE:
                return label, value
            return None
    return None


def _beside(
    rows: list[Row], parts: dict[int, list[Chunk]], index: int, used: set[int]
) -> int | None:
    """A value alone on its row, level with a lone label to its left: the reading order
    took the column of labels before the column of values ("SUBTOTAL" ... "$1699.96")."""
    label = rows[index]
    middle = (label.top + label.bottom) / 2
    level = [
        other
        for other, held in parts.items()
        if other != index
        and other not in used
        and len(held) == 1
        and _value(held[0])
        and held[0].left > label.tokens[-1].right
        and rows[other].top <= middle <= rows[other].bottom
        and not any(is_key(t) for t in rows[other].tokens)
    ]
    return min(level, key=lambda other: parts[other][0].left, default=None)


def _below(
    rows: list[Row],
    parts: dict[int, list[Chunk]],
    index: int,
    height: float,
    used: set[tuple[int, int]],
) -> list[FoundField]:
    """A row of labels over a row holding values (figures, an address): each value goes
    to the label that starts nearest before its middle, as in a form's boxes where the
    label sits in the top left corner."""
    below = parts.get(index + 1)
    if below is None or rows[index + 1].top - rows[index].bottom > BELOW * height:
        return []
    if any(is_key(t) for t in rows[index + 1].tokens) or not any(_value(c) for c in below):
        return []
    labels = [n for n, c in enumerate(parts[index]) if (index, n) not in used and _label(c)]
    if len(labels) < max(2, len(parts[index])):
        return []  # a row of two or more labels only: one line over another is a letterhead

    values: dict[int, list[Chunk]] = {}
    for number, chunk in enumerate(below):
        middle = (chunk.left + chunk.right) / 2
        before = [n for n in labels if parts[index][n].left <= middle + height]
        if before:
            owner = max(before, key=lambda n: parts[index][n].left)
            values.setdefault(owner, []).append(chunk)
            used.add((index + 1, number))
    return [
        FoundField(
            list(parts[index][n].tokens),
            [t for chunk in held for t in chunk.tokens],
            {index, index + 1},
        )
        for n, held in sorted(values.items())
    ]


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
