"""A table's rows on a tilted page (a photo): its words grouped along the page's slope,
where the page's rows are horizontal bands that join one row's left end with the next
row's right end (a group heading with the first test, a test with the next test's unit)."""

from __future__ import annotations

import statistics

from meddoc.local.structure.words import Row, Token

SAME_ROW = 0.5  # x word height: words of one row, on the levelled page, are this close
WIDE_LINE = 8.0  # x word height: a line this wide shows the page's slope
FIRST_COLUMN = 2.0  # x word height: a row starting further right has no first cell


def levelled_rows(rows: list[Row], height: float) -> list[Row] | None:
    """The table's rows as its words line up along the slope that fits them best, or None
    when the page's own rows fit as well. Each word keeps its own place (its box is
    where the OCR saw it, while a line's box is level); the slopes tried are those of
    the table's wide lines, their median first. Rows fit badly when two words of one
    row sit one above the other, or a row has no first cell."""
    tokens = [t for row in rows for t in row.tokens]
    slopes = _line_slopes(tokens, height)
    if not slopes:
        return None
    first = min(t.left for t in tokens) + FIRST_COLUMN * height
    best, best_misfits = None, _misfits(rows, first)
    tried = [statistics.median(slopes), *sorted(set(slopes), key=abs)]
    for slope in tried:
        grouped = _grouped(tokens, slope, height)
        misfits = _misfits(grouped, first)
        if misfits < best_misfits:
            best, best_misfits = grouped, misfits
    return best


def _grouped(tokens: list[Token], slope: float, height: float) -> list[Row]:
    def levelled(token: Token) -> float:
        return token.middle - slope * (token.left + token.right) / 2

    groups: list[list[Token]] = []
    for token in sorted(tokens, key=levelled):
        if groups and levelled(token) - levelled(groups[-1][-1]) <= SAME_ROW * height:
            groups[-1].append(token)
        else:
            groups.append([token])
    return [
        Row(tuple(sorted({t.ref.line for t in g})), tuple(sorted(g, key=lambda t: t.left)))
        for g in groups
    ]


def _misfits(rows: list[Row], first: float) -> int:
    """Rows without a first cell, pairs of words of one row one above the other, and a
    last row with a first cell only (a heading over nothing: a test left without its
    values)."""
    count = int(max(t.left for t in rows[-1].tokens) <= first)
    for row in rows:
        count += row.tokens[0].left > first
        words = row.tokens
        count += sum(
            1
            for n, a in enumerate(words)
            for b in words[n + 1 :]
            if a.ref.line != b.ref.line and a.left < b.right and b.left < a.right
        )
    return count


def _line_slopes(tokens: list[Token], height: float) -> list[float]:
    """How far each wide line runs down per unit across, fitted to its words' middles."""
    by_line: dict[int, list[Token]] = {}
    for token in tokens:
        by_line.setdefault(token.ref.line, []).append(token)
    slopes = []
    for words in by_line.values():
        xs = [(t.left + t.right) / 2 for t in words]
        if len(words) < 2 or max(xs) - min(xs) < WIDE_LINE * height:
            continue
        mean_x, mean_y = statistics.fmean(xs), statistics.fmean(t.middle for t in words)
        spread = sum((x - mean_x) ** 2 for x in xs)
        covariance = sum(
            (x - mean_x) * (t.middle - mean_y) for x, t in zip(xs, words, strict=True)
        )
        slopes.append(covariance / spread)
    return slopes
