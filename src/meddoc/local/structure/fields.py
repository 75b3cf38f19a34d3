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
MOST_ROWS = 6  # a value runs on over at most this many rows
FAR = 4.0  # x word height: a gap this wide sets a row's words in separate columns
WRAPPED = 0.85  # a value runs on to the next row when it reached this far right (or goes on)


@dataclass(slots=True)
class FoundField:
    key: list[Token]
    value: list[Token]
    rows: set[int]  # indices of the rows the field covers


def is_key(token: Token) -> bool:
    """A label ends with a colon ("MRN:") or a number sign ("Account #"); a time
    ("10:30") does not."""
    return token.text.endswith((":", "#")) and not token.text[:-1].replace(" ", "").isdigit()


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
            wrapped = not value or last.right >= WRAPPED * margin or _goes_on(rows, index)
            if last is row.tokens[-1] and wrapped:
                _extend_below(field, rows, index, height, skip | used)
            used |= field.rows
            found.append(field)
    return found


def _goes_on(rows: list[Row], index: int) -> bool:
    """The row below carries on the sentence a value began: it starts with a small
    letter ("Sig: 1 tablet by mouth" over "every 6 hours as needed"), or the value ends
    with a comma or semicolon; a value wrapped short of the margin (a narrow column, a
    hand that writes large) is still one value."""
    if index + 1 >= len(rows):
        return False
    first = rows[index + 1].tokens[0].text
    return first[:1].islower() or rows[index].tokens[-1].text.endswith((",", ";"))


def _row_fields(parts: list[Chunk]) -> list[tuple[list[Token], list[Token]]]:
    """A label's value is what follows it on the row up to the next label (handwriting
    leaves wide gaps between the words of one value)."""
    pairs: list[tuple[list[Token], list[Token]]] = []
    for chunk in parts:
        tokens = list(chunk.tokens)
        keys = _heading_keys([i for i, t in enumerate(tokens) if is_key(t)], len(tokens))
        if not keys:
            if pairs:
                pairs[-1][1].extend(tokens)
            continue
        if pairs and keys[0] > 0:  # words before this chunk's first label
            cut = _cut(pairs[-1][0][-1], tokens[: keys[0]], tokens[keys[0]])
            pairs[-1][1].extend(tokens[:cut])
            tokens = tokens[cut:]
            keys = [i - cut for i in keys]
        pairs.extend(_chunk_fields(tokens, keys))
    return [(key, value) for key, value in pairs if len(key) <= KEY_WORDS]


def _heading_keys(keys: list[int], count: int) -> list[int]:
    """A label directly followed by another label and its value heads them ("Exam: Lungs:
    wheezing." is the exam's finding): the second is part of the first one's value."""
    kept: list[int] = []
    for key in keys:
        if kept and key == kept[-1] + 1 and key + 1 < count:
            continue
        kept.append(key)
    return kept


def _chunk_fields(tokens: list[Token], keys: list[int]) -> list[tuple[list[Token], list[Token]]]:
    """Within one chunk: the words between two labels are the first label's value and
    the second label's first words, split at the widest gap among them."""
    pairs: list[tuple[list[Token], list[Token]]] = []
    start = 0
    for number, colon in enumerate(keys):
        key = tokens[start : colon + 1]
        if number + 1 == len(keys):
            pairs.append((key, tokens[colon + 1 :]))
            break
        between = tokens[colon + 1 : keys[number + 1]]
        cut = _cut(tokens[colon], between, tokens[keys[number + 1]])
        pairs.append((key, between[:cut]))
        start = colon + 1 + cut
    return pairs


def _cut(label: Token, between: list[Token], next_label: Token) -> int:
    """How many of the words between a label and the next label's colon word are the
    first label's value: the cut falls at the widest gap (before all, after all, or
    between two of them) that leaves the next label words that look like a label's."""
    edges = [label, *between, next_label]
    gaps = [b.left - a.right for a, b in itertools.pairwise(edges)]
    fitting = [c for c in range(len(gaps)) if _label_like(between[c:], next_label)]
    return max(fitting or range(len(gaps)), key=lambda c: gaps[c])


def _label_like(words: list[Token], colon_word: Token) -> bool:
    """Words of a label: no figures, and no capitals-only word unless the label is
    written in capitals (a value in block capitals is no part of the next label)."""
    shouting = colon_word.text[:-1].isupper()
    return not any(
        any(c.isdigit() for c in w.text) or (w.text.isupper() and len(w.text) > 1 and not shouting)
        for w in words
    )


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
        if len(chunks(list(row.tokens), height, FAR)) > 1:
            return  # a row set in columns: the value is no longer alone under its label
        field.value.extend(row.tokens)
        field.rows.add(below)
        bottom = row.bottom
        if len(field.rows) > MOST_ROWS:
            return


def _starts_under(row: Row, left: float, anchor: list[Token], height: float) -> bool:
    first = row.tokens[0]
    return left - height <= first.left <= anchor[0].left + height and row.tokens[-1].right > left
