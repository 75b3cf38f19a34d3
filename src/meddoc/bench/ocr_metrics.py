"""OCR yardsticks of a page against a reference page (Textract's words): word F1,
handwriting-word recall and flag accuracy, and the character error rate (CER)."""

from __future__ import annotations

import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from meddoc.model import BoundingBox, TextType, Word


@dataclass(frozen=True, slots=True)
class WordScores:
    """Bag-of-words agreement: `matched` words occur in both bags (with multiplicity)."""

    matched: int
    reference: int
    predicted: int

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.reference if self.reference else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass(frozen=True, slots=True)
class HandwritingScores:
    """Reference HANDWRITING words found (same text, overlapping box) and how the
    predicted words were flagged, over all word pairs matched that way."""

    reference: int  # HANDWRITING words in the reference
    found: int  # ... of which a predicted word has the same text and overlaps
    flagged: int  # ... of which the predicted word is flagged HANDWRITING
    false_flags: int  # matched PRINTED reference words flagged HANDWRITING

    @property
    def recall(self) -> float:
        return self.found / self.reference if self.reference else 1.0


def normalize_word(text: str) -> str:
    """Lower case, without punctuation or symbols at either end ("(Yes)," -> "yes")."""
    start, end = 0, len(text)
    while start < end and _is_edge_mark(text[start]):
        start += 1
    while end > start and _is_edge_mark(text[end - 1]):
        end -= 1
    return text[start:end].casefold()


def _is_edge_mark(char: str) -> bool:
    return unicodedata.category(char)[0] in "PS" or char.isspace()


def word_bag(texts: Iterable[str]) -> Counter[str]:
    """Normalized words with their counts; words that were only punctuation drop out."""
    return Counter(word for word in map(normalize_word, texts) if word)


def word_scores(reference: Iterable[str], predicted: Iterable[str]) -> WordScores:
    ref_bag, pred_bag = word_bag(reference), word_bag(predicted)
    matched = sum((ref_bag & pred_bag).values())
    return WordScores(matched, sum(ref_bag.values()), sum(pred_bag.values()))


def match_words(reference: Sequence[Word], predicted: Sequence[Word]) -> list[tuple[Word, Word]]:
    """Pairs of a reference word and a predicted word with the same normalized text
    whose boxes overlap; each word is used at most once, largest overlap first."""
    candidates: list[tuple[float, int, int]] = []
    for i, ref in enumerate(reference):
        key = normalize_word(ref.text)
        if not key:
            continue
        for j, pred in enumerate(predicted):
            if normalize_word(pred.text) == key:
                overlap = _overlap_area(ref.geometry.box, pred.geometry.box)
                if overlap > 0:
                    candidates.append((overlap, i, j))
    pairs: list[tuple[Word, Word]] = []
    used_ref: set[int] = set()
    used_pred: set[int] = set()
    for _, i, j in sorted(candidates, reverse=True):
        if i not in used_ref and j not in used_pred:
            used_ref.add(i)
            used_pred.add(j)
            pairs.append((reference[i], predicted[j]))
    return pairs


def _overlap_area(a: BoundingBox, b: BoundingBox) -> float:
    width = min(a.right, b.right) - max(a.left, b.left)
    height = min(a.bottom, b.bottom) - max(a.top, b.top)
    return width * height if width > 0 and height > 0 else 0.0


def handwriting_scores(reference: Sequence[Word], predicted: Sequence[Word]) -> HandwritingScores:
    pairs = match_words(reference, predicted)
    hand = TextType.HANDWRITING
    return HandwritingScores(
        reference=sum(1 for w in reference if w.text_type is hand and normalize_word(w.text)),
        found=sum(1 for ref, _ in pairs if ref.text_type is hand),
        flagged=sum(1 for ref, pred in pairs if ref.text_type is hand and pred.text_type is hand),
        false_flags=sum(
            1 for ref, pred in pairs if ref.text_type is not hand and pred.text_type is hand
        ),
    )


def reading_order_text(words: Sequence[Word]) -> str:
    """The page's words in one canonical order, rows top to bottom and words left to
    right within a row, joined by single spaces.

    Both sides of a CER comparison go through this, so the figure measures recognition
    and segmentation, not how an engine orders columns or splits lines. A word joins
    the current row when its vertical centre is within half a median word height of
    the row's mean centre."""
    if not words:
        return ""
    tolerance = 0.5 * statistics.median(w.geometry.box.height for w in words)
    rows: list[list[Word]] = []
    centres: list[float] = []
    for word in sorted(words, key=_centre_y):
        if rows and abs(_centre_y(word) - centres[-1]) <= tolerance:
            rows[-1].append(word)
            centres[-1] = statistics.fmean(_centre_y(w) for w in rows[-1])
        else:
            rows.append([word])
            centres.append(_centre_y(word))
    ordered = (w for row in rows for w in sorted(row, key=lambda w: w.geometry.box.left))
    return " ".join(" ".join(w.text.split()) for w in ordered if w.text.strip())


def _centre_y(word: Word) -> float:
    return word.geometry.box.top + word.geometry.box.height / 2


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions of one character each).

    One numpy row per character of `a`; the insertion chain within a row is a running
    minimum, so long pages (thousands of characters) take milliseconds."""
    if not a or not b:
        return len(a) + len(b)
    codes = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    steps = np.arange(len(b) + 1)
    previous = steps.copy()
    for i, char in enumerate(a, start=1):
        best = np.empty_like(previous)
        best[0] = i
        substitution = previous[:-1] + (codes != ord(char))
        best[1:] = np.minimum(previous[1:] + 1, substitution)
        previous = np.minimum.accumulate(best - steps) + steps
    return int(previous[-1])


def character_errors(reference: str, predicted: str) -> tuple[int, int]:
    """(edits, reference length) after collapsing white space to single spaces; summed
    over pages they give a corpus CER that weighs long pages more."""
    reference, predicted = " ".join(reference.split()), " ".join(predicted.split())
    return levenshtein(reference, predicted), len(reference)


def cer(reference: str, predicted: str) -> float:
    """Character error rate: edit distance over the reference length (can exceed 1)."""
    edits, length = character_errors(reference, predicted)
    if not length:
        return 0.0 if not edits else 1.0
    return edits / length
