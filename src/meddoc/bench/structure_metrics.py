"""Scores of a page's structure against a reference page's: key-value pair F1, table cell
F1 and checkbox state accuracy. Texts compare normalised (case, spacing, trailing colon
and punctuation)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from meddoc.geometry import BoundingBox

_EDGE_PUNCTUATION = re.compile("^[\\s:;,.*\u2013\u2014-]+|[\\s:;,.*\u2013\u2014-]+$")  # dashes too
SHIFTS = (-1, 0, 1)  # columns a table may be offset by (an extra or missing first column)


def normal(text: str) -> str:
    return _EDGE_PUNCTUATION.sub("", " ".join(text.casefold().split()))


@dataclass(frozen=True, slots=True)
class CellText:
    row: int
    column: int
    text: str


@dataclass(slots=True)
class StructurePage:
    """What either side found on one page, in the terms the scores need."""

    key_values: list[tuple[str, str]] = field(default_factory=list)
    tables: list[tuple[BoundingBox, list[CellText]]] = field(default_factory=list)
    selections: list[tuple[str, BoundingBox]] = field(default_factory=list)


@dataclass(slots=True)
class Counts:
    matched: int = 0
    predicted: int = 0
    reference: int = 0

    def add(self, other: Counts) -> None:
        self.matched += other.matched
        self.predicted += other.predicted
        self.reference += other.reference

    @property
    def f1(self) -> float | None:
        if not self.predicted and not self.reference:
            return None
        return 2 * self.matched / (self.predicted + self.reference)


def key_value_counts(ours: StructurePage, theirs: StructurePage) -> Counts:
    predicted = Counter((normal(k), normal(v)) for k, v in ours.key_values)
    reference = Counter((normal(k), normal(v)) for k, v in theirs.key_values)
    return Counts(
        sum((predicted & reference).values()), sum(predicted.values()), sum(reference.values())
    )


def unmatched_pairs(
    ours: StructurePage, theirs: StructurePage
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(missed, extra): the reference's pairs no predicted pair matches and the
    predicted pairs that match none, normalised as they are compared."""
    predicted = Counter((normal(k), normal(v)) for k, v in ours.key_values)
    reference = Counter((normal(k), normal(v)) for k, v in theirs.key_values)
    return sorted((reference - predicted).elements()), sorted((predicted - reference).elements())


def without_blank_pairs(page: StructurePage) -> StructurePage:
    """The page with its pairs whose key and value are both empty left out (Textract
    gives some that no reader could match)."""
    kept = [(k, v) for k, v in page.key_values if normal(k) or normal(v)]
    return StructurePage(kept, page.tables, page.selections)


def table_cell_counts(ours: StructurePage, theirs: StructurePage) -> Counts:
    """Each reference table is paired with the predicted table it overlaps most (each
    used once). Non-empty cells match on text in aligned rows at the same column (the
    whole table may be shifted by one column): rows are aligned in order by the most
    matching cells (a longest-common-subsequence alignment), so extra or missing title
    or header rows, or a header split over more rows, do not fail every cell below."""
    counts = Counts()
    free = list(ours.tables)
    for box, cells in theirs.tables:
        reference = [c for c in cells if normal(c.text)]
        counts.reference += len(reference)
        partner = max(free, key=lambda t: _overlap(box, t[0]), default=None)
        if partner is None or _overlap(box, partner[0]) <= 0:
            continue
        free.remove(partner)
        predicted = [c for c in partner[1] if normal(c.text)]
        counts.predicted += len(predicted)
        counts.matched += max(_aligned_matches(predicted, reference, shift) for shift in SHIFTS)
    counts.predicted += sum(len([c for c in cells if normal(c.text)]) for _, cells in free)
    return counts


def _aligned_matches(predicted: list[CellText], reference: list[CellText], shift: int) -> int:
    mine = _rows(predicted, shift)
    theirs = _rows(reference, 0)
    best = [[0] * (len(theirs) + 1) for _ in range(len(mine) + 1)]
    for i, row in enumerate(mine, start=1):
        for j, other in enumerate(theirs, start=1):
            pair = sum((row & other).values())
            best[i][j] = max(best[i - 1][j], best[i][j - 1], best[i - 1][j - 1] + pair)
    return best[-1][-1]


def _rows(cells: list[CellText], shift: int) -> list[Counter[tuple[int, str]]]:
    rows: dict[int, Counter[tuple[int, str]]] = {}
    for cell in cells:
        rows.setdefault(cell.row, Counter())[(cell.column + shift, normal(cell.text))] += 1
    return [rows[number] for number in sorted(rows)]


def _overlap(a: BoundingBox, b: BoundingBox) -> float:
    width = min(a.right, b.right) - max(a.left, b.left)
    height = min(a.bottom, b.bottom) - max(a.top, b.top)
    return max(0.0, width) * max(0.0, height)


@dataclass(slots=True)
class CheckboxCounts:
    reference: int = 0
    found: int = 0  # reference marks with a predicted mark at their place
    right: int = 0  # ... and the same state
    extra: int = 0  # predicted marks at no reference mark

    def add(self, other: CheckboxCounts) -> None:
        self.reference += other.reference
        self.found += other.found
        self.right += other.right
        self.extra += other.extra

    @property
    def accuracy(self) -> float | None:
        """Right states over all reference marks (a missed mark counts as wrong)."""
        return self.right / self.reference if self.reference else None


def checkbox_counts(ours: StructurePage, theirs: StructurePage) -> CheckboxCounts:
    """A predicted mark matches a reference mark when its centre lies within the
    reference box grown by half its size on each side; each is used once."""
    counts = CheckboxCounts(reference=len(theirs.selections))
    free = list(ours.selections)
    for status, box in theirs.selections:
        near = [s for s in free if _near(box, s[1])]
        if not near:
            continue
        mark = min(near, key=lambda s: _distance(box, s[1]))
        free.remove(mark)
        counts.found += 1
        counts.right += mark[0] == status
    counts.extra = len(free)
    return counts


def _centre(box: BoundingBox) -> tuple[float, float]:
    return box.left + box.width / 2, box.top + box.height / 2


def _near(reference: BoundingBox, other: BoundingBox) -> bool:
    (x, y), (u, v) = _centre(reference), _centre(other)
    return abs(x - u) <= reference.width and abs(y - v) <= reference.height


def _distance(reference: BoundingBox, other: BoundingBox) -> float:
    (x, y), (u, v) = _centre(reference), _centre(other)
    return (x - u) ** 2 + (y - v) ** 2
